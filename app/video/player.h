/*
 * player.h - the job-video player: one clip at a time, played inside a panel
 * of a kiosk screen (never its own window), with sidecar captions.
 *
 * Part of the UI layer (links SDL2, SDL2_ttf, SDL2_image and FFmpeg). The
 * kiosk's renderer owns the window and the SDL_Renderer; it creates one
 * player, opens a clip when a page with a video is shown, calls player_draw()
 * each frame it draws, and player_close() when the page goes away.
 *
 * Threads: opening, demuxing and decoding run on the player's own threads
 * (ffplay's design: bounded packet queues, a small frame queue, audio clock as
 * master). Every player_* function below must be called from the thread that
 * owns the renderer (the UI thread). None of them blocks for long: opening a
 * file happens off the UI thread (state "loading"), so a slow or broken file
 * never freezes the screen.
 *
 * Time: unlike the kiosk's logic, the player runs on real time (the audio
 * device's, or the monotonic clock): a scripted run's `advance MS` does not
 * move a video, `wait MS` does.
 *
 * Errors: functions return 0 or a negative MF_E* code (app/base/mf_error.h);
 * FFmpeg and SDL errors are logged and mapped here. A clip that cannot be
 * played is not an error of player_open: the state becomes PLAYER_FAILED and
 * player_draw() shows the poster with a short message in plain words.
 */
#ifndef MF_PLAYER_H
#define MF_PLAYER_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct player player_t;

typedef struct {
    int volume_max_percent; /* cap on the output volume, 0..100 (config video_volume_max) */
    const char *font_path;  /* TTF font for captions and messages; copied; NULL = no text */
    int audio;              /* 1: open an SDL audio device (audio clock is master);
                               0: no device, audio is decoded and dropped on a wall clock */
    int decoder_threads;    /* FFmpeg decoder threads; 0 = FFmpeg's automatic frame
                               threading. The kiosk uses 1: frame threading costs more
                               CPU for the same frames and adds a frame of latency per
                               thread (docs/BENCHMARKS.md) */
    int free_run;           /* benchmark: no clock, every decoded frame is drawn at once,
                               nothing is dropped (minifab bench video) */
} player_config_t;

typedef enum {
    PLAYER_IDLE = 0, /* nothing opened */
    PLAYER_LOADING,  /* opening the file (off the UI thread) */
    PLAYER_PLAYING,
    PLAYER_PAUSED, /* also: opened and not yet played */
    PLAYER_ENDED,  /* reached the end (of what an incomplete file holds);
                      player_play() or player_replay() starts again */
    PLAYER_FAILED, /* missing, truncated, corrupt or unsupported: see message */
} player_state_t;

typedef struct {
    player_state_t state;
    int64_t position_ms, duration_ms; /* duration 0 when unknown */
    int has_video, has_audio, has_captions, captions_on;
    int video_w, video_h; /* coded size of the video, 0 when none */
    char message[160];    /* plain words (French) when failed, or when an incomplete
                             file (cut short) has ended, else "" */
    int incomplete;       /* the file is cut short: plays what is there, then ends */
    char caption[256];    /* the caption showing now, without markup; "" when none
                             or turned off (so scripts and `dump` can see it) */
} player_status_t;

/* Counters for tests and benchmarks; reset by player_open. */
typedef struct {
    int64_t frames_decoded; /* video frames out of the decoder (current clip) */
    int64_t frames_shown;   /* uploaded to the texture */
    int64_t frames_dropped; /* decoded but not shown because they were late (frames the
                               decoder skipped while far behind are not counted) */
    int64_t audio_samples;  /* audio samples (per channel) decoded */
    int64_t first_frame_us; /* from player_open to the first frame upload, -1 if none yet */
    int64_t drift_max_ms;   /* max |master clock - frame pts| at upload, playing only */
    int64_t drift_sum_ms;   /* sum of the same, to compute a mean over drift_count */
    int64_t drift_count;
} player_stats_t;

/* Creates a player drawing with R (not owned; must outlive the player).
 * CFG is copied. Initialises SDL's audio subsystem when cfg->audio and
 * SDL_ttf when a font is given. Returns NULL on failure (logged). */
player_t *player_create(SDL_Renderer *r, const player_config_t *cfg);
/* Closes any clip, stops threads, frees textures, closes audio. NULL is a no-op. */
void player_destroy(player_t *p);

/* Starts opening MEDIA_PATH (any previous clip is closed first). CAPTIONS_PATH
 * (.srt or .vtt) and POSTER_PATH (PNG/JPEG shown when the video cannot play,
 * and for audio-only clips) may be NULL. Paths are copied. Returns 0, or
 * MF_EINVAL / MF_ENOMEM; a file that cannot be played gives 0 here and later
 * PLAYER_FAILED. The clip starts paused; player_play() may be called at once
 * (it starts as soon as the clip is loaded). With cfg->audio, the SDL audio
 * device is opened here and closed by player_close(): an open device wakes
 * its thread ~47 times a second, which a kiosk on a static screen must not. */
int player_open(player_t *p, const char *media_path, const char *captions_path,
                const char *poster_path);
/* The page closed: stops the clip's threads and frees everything of the clip.
 * Safe in any state. */
void player_close(player_t *p);

int player_play(player_t *p);                  /* paused/loading/ended -> playing */
int player_pause(player_t *p);                 /* playing -> paused */
int player_seek(player_t *p, int64_t ms);      /* clamped to [0, duration]; keeps play/pause */
int player_replay(player_t *p);                /* seek(0) + play */
void player_set_captions(player_t *p, int on); /* captions are on by default */
/* Caption size relative to the default (1/16 of the panel's height), for the
 * kiosk's "bigger text" setting; clamped to 0.5..2. */
void player_set_caption_scale(player_t *p, float scale);

/* Status and counters. Not const: like player_draw, they first advance the
 * clip's state machine (loading -> paused/playing/failed, playing -> ended). */
void player_get_status(player_t *p, player_status_t *out);
void player_get_stats(player_t *p, player_stats_t *out);
/* Output volume, clamped to [0, volume_max_percent]; starts at the cap. */
int player_set_volume(player_t *p, int percent);

/* Called by the renderer each frame it draws: advances the clip (uploads the
 * frame due at the master clock, drops late ones, detects the end), draws it
 * letterboxed into DST, then the current caption. The frame goes into a YUV
 * texture when the renderer draws YUV (a GPU), else into an RGB texture of
 * the window's format through libswscale with the file's colour matrix.
 * When failed, draws the poster and the message. Draws nothing when idle. */
void player_draw(player_t *p, const SDL_Rect *dst);
/* Like player_draw(), when the target still holds what the last draw drew at
 * DST (a renderer that keeps its picture between frames, nothing drawn over
 * the panel since): the black bars around the picture are not filled again,
 * except under caption boxes. */
void player_draw_kept(player_t *p, const SDL_Rect *dst);

/* True when a new frame is due to be drawn now (a late one included). */
bool player_frame_due(player_t *p);
/* Milliseconds until player_draw() has something new to show (next frame,
 * caption change, state change while loading, progress); the main loop sleeps
 * at most this long. -1 when nothing will change by itself (idle, paused,
 * ended, failed). */
int player_next_frame_in_ms(player_t *p);

/* Plain-words message for a failure code (French, for visitors). */
const char *player_message_for(int mf_code);

#endif
