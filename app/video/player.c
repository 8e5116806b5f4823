/*
 * player.c - the UI-thread side of the job-video player (see player.h).
 *
 * The clip's threads (video_clip.c) decode ahead into small rings; this file
 * decides what is shown and when: the master clock (the audio device's
 * position when there is audio and a device, else a wall clock), the state
 * machine (loading, playing, paused, ended, failed), the frame upload as a
 * YUV texture (no colour conversion on our side), letterboxing, captions
 * (SDL_ttf, white on a dark box so they read on any picture) and the poster
 * with a message when a clip cannot play. The SDL audio callback at the end
 * copies decoded audio to the device and timestamps what it copied: that is
 * the audio clock.
 */
#include "player.h"

#include "content.h"

#include "mf_error.h"
#include "mf_log.h"
#include "video_clip.h"

#include <SDL_image.h>
#include <SDL_ttf.h>
#include <libavutil/common.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PLAYER_LOG "video"
#define PLAYER_DUE_SLACK_US 2000     /* a frame this close to due is shown now */
#define PLAYER_PROGRESS_TICK_MS 250  /* wake-up period for the progress bar */
#define PLAYER_LOADING_POLL_MS 10    /* wake-up period while a clip is loading */
#define PLAYER_STARVED_POLL_US 4000  /* wake-up period while waiting for a late frame */
#define PLAYER_AUDIO_STALL_US 600000 /* audio device silent this long: follow the wall clock */
#define PLAYER_AUDIO_GAP_US 30000    /* sound due this much later than the clock: silence first */
#define PLAYER_PREROLL_FRAMES 2      /* frames decoded ahead before the clock starts... */
#define PLAYER_PREROLL_MAX_US 250000 /* ...or at most this long */

struct player {
    SDL_Renderer *r;
    player_config_t cfg;
    char *font_path;
    TTF_Font *font;
    int font_px;
    int ttf_inited, audio_inited;

    SDL_AudioDeviceID dev;
    int dev_rate, dev_channels; /* the clip's output: 48 kHz stereo, what the device plays */
    int64_t open_us;            /* when player_open was called */
    int64_t dev_latency_us;
    atomic_int volume; /* percent, <= cfg.volume_max_percent */

    clip_t *clip;
    clip_t *audio_clip; /* what the audio callback reads; changed under SDL_LockAudioDevice */

    player_state_t state;
    int play_requested;
    int serial;
    int captions_on;
    float caption_scale; /* the kiosk's "bigger text" setting */
    int has_video, has_audio, video_w, video_h;
    AVRational sar;
    int64_t duration_us;
    int incomplete; /* the file is cut short (from the clip): ends where it ends */
    char message[160];

    /* Clocks. pos_us is the position while not playing (and the fallback while
     * the audio device has not started yet); ext_* is the wall clock. */
    int audio_master;
    int audio_dead;       /* the device stopped calling back: audio follows the wall clock */
    int64_t play_time_us; /* when playing last started */
    int prerolling;       /* playing, but the clock waits for a few decoded frames */
    int64_t pos_us;
    int64_t ext_pos_us, ext_time_us;
    int64_t end_us; /* end of the last thing shown/heard */

    int need_first;   /* show the next frame at once (after open or seek) */
    SDL_Texture *tex; /* current video frame */
    int tex_w, tex_h;
    /* what the last draw covered, for player_draw_kept() */
    SDL_Rect drawn_dst, drawn_fit, drawn_cap;
    int drawn_picture;
    bool drawn_has_cap;
    Uint32 tex_yuv;         /* the frames' layout: SDL_PIXELFORMAT_IYUV or _NV12 */
    Uint32 tex_format;      /* the texture's: tex_yuv, or RGB (player_texture_format) */
    struct SwsContext *sws; /* the RGB path's converter, for: */
    int sws_w, sws_h, sws_in, sws_out, sws_cs, sws_full;
    int has_frame;

    SDL_Texture *poster_tex;
    int poster_w, poster_h, poster_tried;

    /* Cached text textures. */
    SDL_Texture *cap_tex;
    const captions_cue_t *cap_cue;
    int cap_px, cap_wrap, cap_w, cap_h;
    SDL_Texture *msg_tex;
    int msg_px, msg_wrap, msg_w, msg_h;

    player_stats_t stats;
};

const char *player_message_for(int mf_code)
{
    switch (mf_code) {
    case MF_ENOENT:
        return "Vidéo introuvable.";
    case MF_EUNSUPPORTED:
        return "Ce format de vidéo n'est pas pris en charge.";
    case MF_ENOMEM:
        return "La vidéo ne peut pas être lue pour le moment.";
    case MF_ETRUNCATED:
        return "Cette vidéo est incomplète : elle s'arrête avant la fin.";
    case MF_ETOOBIG:
        return "Cette vidéo est trop grande pour être lue ici.";
    default:
        return "Cette vidéo est abîmée et ne peut pas être lue.";
    }
}

/* ---- audio callback (SDL's audio thread) ------------------------------ */

static void player_audio_cb(void *userdata, Uint8 *stream, int len)
{
    player_t *p = userdata;
    clip_t *c = p->audio_clip;
    memset(stream, 0, (size_t)len);
    if (!c)
        return;
    int frame_bytes = p->dev_channels * 2;
    int64_t bytes_per_s = (int64_t)p->dev_rate * frame_bytes;
    int vol = atomic_load(&p->volume);
    int serial = atomic_load(&c->serial);
    int written = 0;

    pthread_mutex_lock(&c->amu);
    int64_t next = c->aclk_next_us, p0 = -1;
    while (written < len && c->an > 0) {
        clip_achunk_t *ch = &c->aring[c->ar];
        if (ch->serial != serial) {
            c->abuffered_us -= ch->size * 1000000LL / bytes_per_s;
            clip_achunk_clear(ch);
            c->ar = (c->ar + 1) % CLIP_AUDIO_RING;
            c->an--;
            continue;
        }
        int64_t at = ch->pts_us + ch->pos * 1000000LL / bytes_per_s;
        if (!c->aclk_started) {
            c->aclk_started = 1;
            next = at;
        }
        if (p0 < 0)
            p0 = next;
        if (at > next + PLAYER_AUDIO_GAP_US) {
            /* The sound starts later than the picture (or has a hole): play
             * silence until it is due, so the clock keeps the file's timing. */
            int64_t gap = (at - next) * bytes_per_s / 1000000;
            int n = len - written;
            if (gap < n)
                n = (int)gap;
            n -= n % frame_bytes;
            if (n <= 0)
                n = frame_bytes;
            written += n;
            next += n * 1000000LL / bytes_per_s;
            continue;
        }
        int n = ch->size - ch->pos;
        if (n > len - written)
            n = len - written;
        n -= n % 2;
        const int16_t *src = (const int16_t *)(ch->data + ch->pos);
        int16_t *dst = (int16_t *)(stream + written);
        for (int i = 0; i < n / 2; i++)
            dst[i] = (int16_t)(src[i] * vol / 100);
        written += n;
        ch->pos += n;
        next = at + n * 1000000LL / bytes_per_s;
        if (ch->pos >= ch->size || n == 0) {
            c->abuffered_us -= ch->size * 1000000LL / bytes_per_s;
            clip_achunk_clear(ch);
            c->ar = (c->ar + 1) % CLIP_AUDIO_RING;
            c->an--;
        }
    }
    if (written > 0 && p0 >= 0) {
        c->aclk_p0_us = p0;
        c->aclk_p1_us = next;
        c->aclk_time_us = clip_now_us();
        c->aclk_serial = serial;
        c->aclk_valid = 1;
    }
    c->aclk_next_us = next;
    pthread_cond_broadcast(&c->acond);
    pthread_mutex_unlock(&c->amu);
}

/* ---- create / destroy ------------------------------------------------- */

/* FFmpeg's own messages (a damaged file makes the decoder chatty) go to our
 * log at debug level instead of the kiosk's stderr. */
static void player_ffmpeg_log(void *avcl, int level, const char *fmt, va_list vl)
{
    if (level > AV_LOG_WARNING || mf_log_get_level() > MF_LOG_DEBUG)
        return;
    char line[512];
    int prefix = 1;
    av_log_format_line(avcl, level, fmt, vl, line, sizeof line, &prefix);
    size_t n = strlen(line);
    if (n && line[n - 1] == '\n')
        line[n - 1] = '\0';
    mf_log_debug("ffmpeg", "%s", line);
}

/* The device is open only while a clip is (player_open .. player_close): an
 * open SDL device, even paused, wakes its thread every buffer (~47 times a
 * second), which a kiosk showing a static screen must not pay. It is asked
 * for exactly the clip's output (48 kHz stereo, SDL converts if the hardware
 * differs), so it can be opened while the clip already opens and decodes:
 * a sound server may take tens of milliseconds to answer. */
static void player_open_audio(player_t *p)
{
    if (!p->audio_inited)
        return;
    SDL_AudioSpec want, have;
    SDL_zero(want);
    want.format = AUDIO_S16SYS;
    want.samples = 1024;
    want.callback = player_audio_cb;
    want.userdata = p;
    want.freq = p->dev_rate;
    want.channels = (Uint8)p->dev_channels;
    p->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (p->dev == 0) {
        mf_log_warn(PLAYER_LOG, "no audio device: %s", SDL_GetError());
        return;
    }
    p->dev_latency_us = (int64_t)have.samples * 1000000 / have.freq;
    mf_log_debug(PLAYER_LOG, "audio device: %d Hz, %d channels, %d samples", have.freq,
                 have.channels, have.samples);
}

player_t *player_create(SDL_Renderer *r, const player_config_t *cfg)
{
    player_t *p = NULL;
    if (!r || !cfg)
        return NULL;
    p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    av_log_set_callback(player_ffmpeg_log);
    p->r = r;
    p->cfg = *cfg;
    if (p->cfg.volume_max_percent < 0)
        p->cfg.volume_max_percent = 0;
    if (p->cfg.volume_max_percent > 100)
        p->cfg.volume_max_percent = 100;
    atomic_store(&p->volume, p->cfg.volume_max_percent);
    p->captions_on = 1;
    p->caption_scale = 1.0f;
    p->dev_rate = 48000;
    p->dev_channels = 2;
    if (cfg->font_path) {
        p->font_path = strdup(cfg->font_path);
        if (!p->font_path)
            goto fail;
        p->cfg.font_path = p->font_path;
        if (TTF_Init() != 0) {
            mf_log_error(PLAYER_LOG, "SDL_ttf: %s", TTF_GetError());
            goto fail;
        }
        p->ttf_inited = 1;
        p->font_px = 24;
        p->font = TTF_OpenFont(p->font_path, p->font_px);
        if (!p->font) /* videos still play; captions and messages are not drawn */
            mf_log_warn(PLAYER_LOG, "captions font %s: %s", p->font_path, TTF_GetError());
        else
            TTF_SetFontWrappedAlign(p->font, TTF_WRAPPED_ALIGN_CENTER);
    }
    if (cfg->audio && !cfg->free_run) {
        if (SDL_InitSubSystem(SDL_INIT_AUDIO) == 0)
            p->audio_inited = 1;
        else
            mf_log_warn(PLAYER_LOG, "no audio: %s", SDL_GetError());
    }
    return p;
fail:
    player_destroy(p);
    return NULL;
}

static void player_free_text(player_t *p)
{
    if (p->cap_tex)
        SDL_DestroyTexture(p->cap_tex);
    if (p->msg_tex)
        SDL_DestroyTexture(p->msg_tex);
    p->cap_tex = p->msg_tex = NULL;
    p->cap_cue = NULL;
    p->msg_px = 0;
}

void player_close(player_t *p)
{
    if (!p)
        return;
    if (p->clip && p->has_video) {
        /* what an organiser previewing a video (or a benchmark) wants to know */
        player_stats_t st;
        player_get_stats(p, &st);
        mf_log_info(PLAYER_LOG,
                    "closed %s: %lld frames shown, %lld dropped late, first frame %lld ms, "
                    "A/V drift max %lld ms mean %.1f ms",
                    p->clip->media_path, (long long)st.frames_shown, (long long)st.frames_dropped,
                    (long long)(st.first_frame_us < 0 ? -1 : st.first_frame_us / 1000),
                    (long long)st.drift_max_ms,
                    st.drift_count ? (double)st.drift_sum_ms / (double)st.drift_count : 0.0);
    }
    if (p->dev) {
        SDL_CloseAudioDevice(p->dev); /* the callback is not running after this */
        p->dev = 0;
        p->audio_clip = NULL;
    }
    if (!p->clip)
        return;
    clip_destroy(p->clip);
    p->clip = NULL;
    if (p->tex)
        SDL_DestroyTexture(p->tex);
    if (p->poster_tex)
        SDL_DestroyTexture(p->poster_tex);
    p->tex = p->poster_tex = NULL;
    sws_freeContext(p->sws);
    p->sws = NULL;
    player_free_text(p);
    p->state = PLAYER_IDLE;
    p->has_frame = 0;
    p->drawn_picture = 0;
    p->message[0] = '\0';
}

void player_destroy(player_t *p)
{
    if (!p)
        return;
    player_close(p);
    if (p->audio_inited)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    if (p->font)
        TTF_CloseFont(p->font);
    if (p->ttf_inited)
        TTF_Quit();
    free(p->font_path);
    free(p);
}

/* ---- open and controls ------------------------------------------------ */

int player_open(player_t *p, const char *media_path, const char *captions_path,
                const char *poster_path)
{
    if (!p || !media_path)
        return MF_EINVAL;
    if (captions_path && !captions_path[0])
        captions_path = NULL;
    if (poster_path && !poster_path[0])
        poster_path = NULL;
    player_close(p);
    int64_t t0 = clip_now_us();
    clip_params_t prm = {
        .media_path = media_path,
        .captions_path = captions_path,
        .poster_path = poster_path,
        .out_rate = p->dev_rate,
        .out_channels = p->dev_channels,
        .decode_audio = 1,
        .decoder_threads = p->cfg.decoder_threads,
    };
    memset(&p->stats, 0, sizeof p->stats);
    p->stats.first_frame_us = -1;
    p->clip = clip_create(&prm);
    if (!p->clip)
        return MF_ENOMEM;
    p->open_us = t0;
    player_open_audio(p); /* while the clip's thread opens the file */
    p->state = PLAYER_LOADING;
    p->play_requested = 0;
    p->audio_dead = 0;
    p->serial = 0;
    p->has_video = p->has_audio = 0;
    p->video_w = p->video_h = 0;
    p->duration_us = 0;
    p->incomplete = 0;
    p->pos_us = p->end_us = 0;
    p->need_first = 1;
    p->has_frame = 0;
    p->poster_tried = 0;
    p->message[0] = '\0';
    if (p->dev) {
        SDL_LockAudioDevice(p->dev);
        p->audio_clip = p->clip;
        SDL_UnlockAudioDevice(p->dev);
    }
    return 0;
}

static int64_t player_clock_us(player_t *p, int64_t now)
{
    if (p->state != PLAYER_PLAYING || p->prerolling)
        return p->pos_us;
    if (p->audio_master) {
        clip_t *c = p->clip;
        int64_t pos = p->pos_us; /* until the device has played something */
        pthread_mutex_lock(&c->amu);
        if (c->aclk_valid && c->aclk_serial == p->serial) {
            pos = c->aclk_p0_us - p->dev_latency_us + (now - c->aclk_time_us);
            if (pos > c->aclk_p1_us) /* underrun: the picture waits for the sound */
                pos = c->aclk_p1_us;
        }
        pthread_mutex_unlock(&c->amu);
        return pos;
    }
    return p->ext_pos_us + (now - p->ext_time_us);
}

/* The clock starts: the wall clock from now, the audio device unpaused. */
static void player_start_clock(player_t *p)
{
    p->prerolling = 0;
    p->ext_pos_us = p->pos_us;
    p->ext_time_us = clip_now_us();
    p->play_time_us = p->ext_time_us;
    if (p->audio_master) {
        pthread_mutex_lock(&p->clip->amu);
        p->clip->aclk_valid = 0;
        p->clip->aclk_next_us = p->pos_us;
        p->clip->aclk_started = 1;
        pthread_mutex_unlock(&p->clip->amu);
        SDL_PauseAudioDevice(p->dev, 0);
    }
}

/* Playing starts with a preroll: the clock stays still until a few frames
 * are decoded (or a short while passed), so sound and picture start together
 * instead of the picture catching up while the decoder warms up. */
static void player_start(player_t *p)
{
    atomic_store(&p->clip->clock_running, 0); /* published again once the clock runs */
    p->state = PLAYER_PLAYING;
    p->play_time_us = clip_now_us();
    p->prerolling = p->has_video && !p->cfg.free_run;
    if (!p->prerolling)
        player_start_clock(p);
}

static void player_stop_at(player_t *p, player_state_t state, int64_t pos_us)
{
    if (p->clip)
        atomic_store(&p->clip->clock_running, 0);
    p->pos_us = pos_us;
    p->state = state;
    if (p->dev)
        SDL_PauseAudioDevice(p->dev, 1);
}

int player_play(player_t *p)
{
    if (!p || !p->clip)
        return MF_EINVAL;
    switch (p->state) {
    case PLAYER_LOADING:
        p->play_requested = 1;
        return 0;
    case PLAYER_PAUSED:
        player_start(p);
        return 0;
    case PLAYER_ENDED:
        return player_replay(p);
    case PLAYER_PLAYING:
        return 0;
    case PLAYER_FAILED:
        return MF_EMEDIA;
    default:
        return MF_EINVAL;
    }
}

int player_pause(player_t *p)
{
    if (!p || !p->clip)
        return MF_EINVAL;
    if (p->state == PLAYER_LOADING)
        p->play_requested = 0;
    if (p->state == PLAYER_PLAYING)
        player_stop_at(p, PLAYER_PAUSED, player_clock_us(p, clip_now_us()));
    return 0;
}

int player_seek(player_t *p, int64_t ms)
{
    if (!p || !p->clip)
        return MF_EINVAL;
    if (p->state == PLAYER_FAILED)
        return MF_EMEDIA;
    int64_t t = ms < 0 ? 0 : ms * 1000;
    if (p->duration_us > 0 && t > p->duration_us)
        t = p->duration_us;
    int was_playing = p->state == PLAYER_PLAYING;
    p->serial = clip_request_seek(p->clip, t);
    p->need_first = 1;
    p->end_us = t;
    p->audio_master = p->dev && p->has_audio && !p->audio_dead;
    if (p->state == PLAYER_LOADING) {
        p->pos_us = t;
        return 0;
    }
    player_stop_at(p, PLAYER_PAUSED, t);
    if (was_playing)
        player_start(p);
    return 0;
}

int player_replay(player_t *p)
{
    int ret = player_seek(p, 0);
    if (ret < 0)
        return ret;
    return player_play(p);
}

void player_set_captions(player_t *p, int on)
{
    if (p)
        p->captions_on = on != 0;
}

void player_set_caption_scale(player_t *p, float scale)
{
    if (!p)
        return;
    p->caption_scale = scale < 0.5f ? 0.5f : scale > 2.0f ? 2.0f : scale;
}

/* ---- the state machine, advanced by draw/status/next_frame ------------ */

static void player_tick(player_t *p)
{
    clip_t *c = p->clip;
    if (!c)
        return;
    int64_t now = clip_now_us();

    if (p->state == PLAYER_LOADING) {
        pthread_mutex_lock(&c->mu);
        int loaded = c->loaded;
        if (loaded != 0) {
            p->has_video = c->has_video;
            p->has_audio = c->has_audio;
            p->video_w = c->video_w;
            p->video_h = c->video_h;
            p->sar = c->sar;
            p->duration_us = c->duration_us;
            p->incomplete = c->incomplete;
            snprintf(p->message, sizeof p->message, "%s", c->message);
        }
        pthread_mutex_unlock(&c->mu);
        if (loaded < 0) {
            player_stop_at(p, PLAYER_FAILED, 0);
        } else if (loaded > 0) {
            p->audio_master = p->dev && p->has_audio && !p->audio_dead;
            player_stop_at(p, PLAYER_PAUSED, p->pos_us);
            if (p->play_requested)
                player_start(p);
        }
    }
    if (p->state != PLAYER_PLAYING)
        return;

    if (p->prerolling) {
        pthread_mutex_lock(&c->mu);
        int ready = c->vfinished_serial == p->serial;
        for (int i = 0; i < c->vn; i++)
            ready += c->vring[(c->vr + i) % CLIP_VIDEO_RING].serial == p->serial;
        pthread_mutex_unlock(&c->mu);
        if (ready >= PLAYER_PREROLL_FRAMES || now - p->play_time_us > PLAYER_PREROLL_MAX_US)
            player_start_clock(p);
        else
            return;
    }

    int64_t clock = player_clock_us(p, now);
    int64_t bytes_per_s = (int64_t)p->dev_rate * p->dev_channels * 2;
    if (!p->cfg.free_run) {
        atomic_store(&c->clock_pos_us, clock);
        atomic_store(&c->clock_at_us, now);
        atomic_store(&c->clock_running, 1);
    }

    /* A device that never plays (a card that is gone, a stuck driver) must not
     * freeze the picture: after a while the wall clock takes over. */
    if (p->audio_master) {
        pthread_mutex_lock(&c->amu);
        int valid = c->aclk_valid && c->aclk_serial == p->serial;
        int64_t last = valid ? c->aclk_time_us : p->play_time_us;
        int waiting = c->an > 0;
        pthread_mutex_unlock(&c->amu);
        if (waiting && now - last > PLAYER_AUDIO_STALL_US) {
            mf_log_warn(PLAYER_LOG, "the audio device does not play; going on without sound");
            p->audio_master = 0;
            p->audio_dead = 1;
            p->ext_pos_us = clock;
            p->ext_time_us = now;
        }
    }

    /* Without a device, audio is "played" on the wall clock: dropped when due. */
    if (p->has_audio && (!p->dev || p->audio_dead)) {
        pthread_mutex_lock(&c->amu);
        while (c->an > 0) {
            clip_achunk_t *ch = &c->aring[c->ar];
            int64_t end = ch->pts_us + ch->size * 1000000LL / bytes_per_s;
            if (ch->serial == p->serial && !p->cfg.free_run && end > clock)
                break;
            if (ch->serial == p->serial && end > p->end_us)
                p->end_us = end;
            c->abuffered_us -= ch->size * 1000000LL / bytes_per_s;
            clip_achunk_clear(ch);
            c->ar = (c->ar + 1) % CLIP_AUDIO_RING;
            c->an--;
        }
        pthread_cond_broadcast(&c->acond);
        pthread_mutex_unlock(&c->amu);
    }

    pthread_mutex_lock(&c->mu);
    int vfin = c->vfinished_serial == p->serial;
    int afin = c->afinished_serial == p->serial;
    int vleft = 0;
    for (int i = 0; i < c->vn; i++)
        vleft += c->vring[(c->vr + i) % CLIP_VIDEO_RING].serial == p->serial;
    pthread_mutex_unlock(&c->mu);
    pthread_mutex_lock(&c->amu);
    int aleft = c->an;
    int64_t a_end = c->aclk_valid && c->aclk_serial == p->serial ? c->aclk_p1_us : 0;
    pthread_mutex_unlock(&c->amu);

    int v_done = !p->has_video || (vfin && vleft == 0);
    int a_done = !p->has_audio || (afin && aleft == 0);
    if (p->audio_master && a_done) {
        /* The sound is over (or never came): the wall clock carries on. */
        p->audio_master = 0;
        if (a_end > p->end_us)
            p->end_us = a_end;
        p->ext_pos_us = clock;
        p->ext_time_us = now;
    }
    if (v_done && a_done && (p->cfg.free_run || clock >= p->end_us)) {
        if (p->stats.frames_shown == 0 && atomic_load(&c->audio_samples) == 0) {
            snprintf(p->message, sizeof p->message, "%s", player_message_for(MF_EMEDIA));
            mf_log_warn(PLAYER_LOG, "%s: nothing could be decoded", c->media_path);
            player_stop_at(p, PLAYER_FAILED, 0);
        } else if (p->incomplete) {
            /* What the file holds has been played: the end is there, not at
             * the length its header promised. */
            if (p->end_us > 0)
                p->duration_us = p->end_us;
            snprintf(p->message, sizeof p->message, "%s", player_message_for(MF_ETRUNCATED));
            mf_log_warn(PLAYER_LOG, "%s: the file is incomplete: it ends after %lld.%01lld s",
                        c->media_path, (long long)(p->end_us / 1000000),
                        (long long)(p->end_us / 100000 % 10));
            player_stop_at(p, PLAYER_ENDED, p->end_us);
        } else {
            int64_t end = p->duration_us > 0 ? p->duration_us : p->end_us;
            player_stop_at(p, PLAYER_ENDED, end);
        }
    }
}

/* ---- drawing ---------------------------------------------------------- */
/* The FFmpeg pixel format with the same bytes in memory as SDL's F, or
 * AV_PIX_FMT_NONE. */
static enum AVPixelFormat player_av_format(Uint32 f)
{
    switch (f) {
    case SDL_PIXELFORMAT_RGB888: /* XRGB8888: B, G, R, X in memory */
        return AV_PIX_FMT_BGR0;
    case SDL_PIXELFORMAT_BGR888:
        return AV_PIX_FMT_RGB0;
    case SDL_PIXELFORMAT_ARGB8888:
        return AV_PIX_FMT_BGRA;
    case SDL_PIXELFORMAT_ABGR8888:
        return AV_PIX_FMT_RGBA;
    default:
        return AV_PIX_FMT_NONE;
    }
}

/* libswscale's name for FR's colour matrix: the file's, else SDL's rule for
 * its YUV textures (BT.709 above 576 lines, BT.601 below). */
static int player_sws_matrix(const AVFrame *fr)
{
    switch (fr->colorspace) {
    case AVCOL_SPC_BT709:
        return SWS_CS_ITU709;
    case AVCOL_SPC_FCC:
        return SWS_CS_FCC;
    case AVCOL_SPC_SMPTE240M:
        return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
        return SWS_CS_BT2020;
    case AVCOL_SPC_UNSPECIFIED:
        return fr->height > 576 ? SWS_CS_ITU709 : SWS_CS_ITU601;
    default:
        return SWS_CS_ITU601;
    }
}

/* SDL's YUV conversion mode for FR, for a renderer that draws YUV textures
 * (its shader then uses the file's matrix and range). */
static SDL_YUV_CONVERSION_MODE player_sdl_yuv_mode(const AVFrame *fr)
{
    if (fr->color_range == AVCOL_RANGE_JPEG)
        return SDL_YUV_CONVERSION_JPEG;
    switch (fr->colorspace) {
    case AVCOL_SPC_BT709:
        return SDL_YUV_CONVERSION_BT709;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
        return SDL_YUV_CONVERSION_BT601;
    default:
        return SDL_YUV_CONVERSION_AUTOMATIC;
    }
}

/* The RGB path of player_upload_frame(): libswscale converts the frame's
 * planes, at their own size, straight into the texture (its unscaled YUV to
 * RGB code is as fast as SDL's and reads the planes where they are; SDL's
 * needs them packed together first). The matrix is the file's when it says,
 * else SDL's rule for its YUV textures (BT.709 above 576 lines). */
static int player_convert_frame(player_t *p, const AVFrame *fr)
{
    enum AVPixelFormat out = player_av_format(p->tex_format);
    int cs = player_sws_matrix(fr);
    int full = fr->color_range == AVCOL_RANGE_JPEG;
    /* Our own cache key: sws_getCachedContext() does not recognise a context
     * whose formats it rewrote inside (BGR0 -> BGRA, yuvj420p -> yuv420p),
     * so it made a new one for every frame, with the default matrix. */
    if (!p->sws || p->sws_w != fr->width || p->sws_h != fr->height || p->sws_in != fr->format ||
        p->sws_out != out || p->sws_cs != cs || p->sws_full != full) {
        sws_freeContext(p->sws);
        p->sws = sws_getContext(fr->width, fr->height, fr->format, fr->width, fr->height, out,
                                SWS_BILINEAR, NULL, NULL, NULL);
        if (!p->sws)
            return SDL_SetError("no conversion from %s", av_get_pix_fmt_name(fr->format));
        const int *coef = sws_getCoefficients(cs);
        sws_setColorspaceDetails(p->sws, coef, full, coef, 1, 0, 1 << 16, 1 << 16);
        p->sws_w = fr->width;
        p->sws_h = fr->height;
        p->sws_in = fr->format;
        p->sws_out = out;
        p->sws_cs = cs;
        p->sws_full = full;
    }
    struct SwsContext *c = p->sws;
    void *px;
    int pitch;
    if (SDL_LockTexture(p->tex, NULL, &px, &pitch) != 0)
        return -1;
    uint8_t *dst[4] = {px, NULL, NULL, NULL};
    int dst_linesize[4] = {pitch, 0, 0, 0};
    sws_scale(c, (const uint8_t *const *)fr->data, fr->linesize, 0, fr->height, dst, dst_linesize);
    SDL_UnlockTexture(p->tex);
    return 0;
}

/* The texture format frames go into: the frame's own YUV layout when the
 * renderer draws it natively (a GPU converts and scales for free), else the
 * renderer's opaque RGB format closest to the window's. SDL's software
 * renderer takes no YUV: given a YUV texture it keeps a second, ARGB copy,
 * converts into it and then scales through its generic converting blitter;
 * converting straight into an RGB texture of the window's format and scaling
 * like for like costs half (docs/BENCHMARKS.md). */
static Uint32 player_texture_format(player_t *p, Uint32 yuv)
{
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(p->r, &info) != 0)
        return yuv;
    for (Uint32 i = 0; i < info.num_texture_formats; i++)
        if (info.texture_formats[i] == yuv)
            return yuv;
    SDL_Window *win = SDL_RenderGetWindow(p->r);
    Uint32 want = win ? SDL_GetWindowPixelFormat(win) : SDL_PIXELFORMAT_UNKNOWN;
    Uint32 opaque = 0;
    for (Uint32 i = 0; i < info.num_texture_formats; i++) {
        Uint32 f = info.texture_formats[i];
        if (SDL_ISPIXELFORMAT_ALPHA(f) || player_av_format(f) == AV_PIX_FMT_NONE)
            continue;
        if (f == want)
            return f;
        if (!opaque)
            opaque = f;
    }
    return opaque ? opaque : yuv; /* no RGB either: let SDL convert */
}

/* Puts decoded frame FR into p->tex (made or remade to fit). -1 when no
 * texture could be made; a failed upload is logged and the last picture
 * stays. */
static int player_upload_frame(player_t *p, const AVFrame *fr)
{
    Uint32 yuv = fr->format == AV_PIX_FMT_NV12 ? SDL_PIXELFORMAT_NV12 : SDL_PIXELFORMAT_IYUV;
    if (!p->tex || p->tex_w != fr->width || p->tex_h != fr->height || p->tex_yuv != yuv) {
        if (p->tex)
            SDL_DestroyTexture(p->tex);
        p->tex_format = player_texture_format(p, yuv);
        if (p->tex_format == yuv)
            SDL_SetYUVConversionMode(player_sdl_yuv_mode(fr));
        /* RGB rows as wide as a multiple of 16 pixels: libswscale's SIMD code
         * converts in blocks and, into rows of exactly the width, left the
         * last width % 8 columns unwritten (854 wide: a black edge). Only
         * the frame's own width is drawn (player_draw_at). */
        int tw = p->tex_format == yuv ? fr->width : FFALIGN(fr->width, 16);
        p->tex =
            SDL_CreateTexture(p->r, p->tex_format, SDL_TEXTUREACCESS_STREAMING, tw, fr->height);
        if (!p->tex) {
            mf_log_error(PLAYER_LOG, "video texture %dx%d: %s", fr->width, fr->height,
                         SDL_GetError());
            return -1;
        }
        /* Smooth scaling is free on a GPU; SDL's software renderer (headless,
         * or a kiosk without GPU) pays ~1 ms a 1080p frame for it: not there. */
        SDL_RendererInfo info;
        int soft = SDL_GetRendererInfo(p->r, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
        SDL_SetTextureScaleMode(p->tex, soft ? SDL_ScaleModeNearest : SDL_ScaleModeLinear);
        /* A picture is opaque. Said explicitly because a YUV texture on a
         * renderer without YUV is drawn through an RGB texture with alpha,
         * which SDL creates blending: on the software renderer a blend of
         * every pixel of every frame. */
        SDL_SetTextureBlendMode(p->tex, SDL_BLENDMODE_NONE);
        p->tex_w = fr->width;
        p->tex_h = fr->height;
        p->tex_yuv = yuv;
    }
    int ret;
    if (p->tex_format == SDL_PIXELFORMAT_NV12)
        ret = SDL_UpdateNVTexture(p->tex, NULL, fr->data[0], fr->linesize[0], fr->data[1],
                                  fr->linesize[1]);
    else if (p->tex_format == SDL_PIXELFORMAT_IYUV)
        ret = SDL_UpdateYUVTexture(p->tex, NULL, fr->data[0], fr->linesize[0], fr->data[1],
                                   fr->linesize[1], fr->data[2], fr->linesize[2]);
    else
        ret = player_convert_frame(p, fr);
    if (ret != 0)
        mf_log_warn(PLAYER_LOG, "texture upload: %s", SDL_GetError());
    return 0;
}

/* Takes the frame due now (dropping older ones) and uploads it. */
static void player_upload_due(player_t *p)
{
    clip_t *c = p->clip;
    int64_t clock = player_clock_us(p, clip_now_us());
    clip_vframe_t pick = {0};
    int got = 0, dropped = 0;
    pthread_mutex_lock(&c->mu);
    while (c->vn > 0) {
        clip_vframe_t *f = &c->vring[c->vr];
        int take = f->serial == p->serial &&
                   (p->cfg.free_run || p->need_first || f->pts_us <= clock + PLAYER_DUE_SLACK_US);
        if (f->serial == p->serial && !take)
            break;
        if (take) {
            if (got) {
                clip_vframe_clear(&pick);
                dropped++;
            }
            pick = *f;
            memset(f, 0, sizeof *f);
            got = 1;
        } else {
            clip_vframe_clear(f);
        }
        c->vr = (c->vr + 1) % CLIP_VIDEO_RING;
        c->vn--;
        if (got && (p->need_first || p->cfg.free_run))
            break;
    }
    if (got || dropped)
        pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
    p->stats.frames_dropped += dropped;
    if (!got)
        return;

    if (player_upload_frame(p, pick.frame) != 0) {
        clip_vframe_clear(&pick);
        return;
    }
    p->has_frame = 1;
    p->stats.frames_shown++;
    if (p->stats.first_frame_us < 0)
        p->stats.first_frame_us = clip_now_us() - p->open_us;
    if (p->state == PLAYER_PLAYING && !p->need_first && !p->cfg.free_run) {
        int64_t d = (clock - pick.pts_us) / 1000;
        if (d < 0)
            d = -d;
        if (d > p->stats.drift_max_ms)
            p->stats.drift_max_ms = d;
        p->stats.drift_sum_ms += d;
        p->stats.drift_count++;
    }
    if (pick.pts_us + pick.dur_us > p->end_us)
        p->end_us = pick.pts_us + pick.dur_us;
    if (p->state != PLAYER_PLAYING)
        p->pos_us = pick.pts_us;
    p->need_first = 0;
    clip_vframe_clear(&pick);
}

/* Largest rectangle of aspect W:H (times SAR) centred in DST. */
static SDL_Rect player_fit(const SDL_Rect *dst, int w, int h, AVRational sar)
{
    double aspect = (double)w / (double)h;
    if (sar.num > 0 && sar.den > 0)
        aspect *= (double)sar.num / (double)sar.den;
    SDL_Rect out = *dst;
    out.h = (int)(dst->w / aspect + 0.5);
    if (out.h > dst->h) {
        out.h = dst->h;
        out.w = (int)(dst->h * aspect + 0.5);
    }
    out.x = dst->x + (dst->w - out.w) / 2;
    out.y = dst->y + (dst->h - out.h) / 2;
    return out;
}

/* Copies TEXT without markup (<i>, </c>, <v Name>, {\an8}) and with the
 * WebVTT entities decoded: the kiosk shows captions in one plain style. */
static void player_plain_text(const char *text, char *out, size_t cap)
{
    static const struct {
        const char *from, *to;
    } ent[] = {{"&amp;", "&"},  {"&lt;", "<"}, {"&gt;", ">"},
               {"&nbsp;", " "}, {"&lrm;", ""}, {"&rlm;", ""}};
    size_t o = 0;
    for (const char *s = text; *s && o + 1 < cap;) {
        if (*s == '<' || *s == '{') {
            const char *close = strchr(s, *s == '<' ? '>' : '}');
            if (close) {
                s = close + 1;
                continue;
            }
        }
        if (*s == '&') {
            int done = 0;
            for (size_t i = 0; i < sizeof ent / sizeof ent[0] && !done; i++) {
                size_t n = strlen(ent[i].from);
                if (strncmp(s, ent[i].from, n) == 0) {
                    for (const char *t = ent[i].to; *t && o + 1 < cap; t++)
                        out[o++] = *t;
                    s += n;
                    done = 1;
                }
            }
            if (done)
                continue;
        }
        out[o++] = *s++;
    }
    out[o] = '\0';
}

/* Renders TEXT white at PX, wrapped at WRAP pixels, into *TEX (replaced). */
static int player_render_text(player_t *p, const char *text, int px, int wrap, SDL_Texture **tex,
                              int *w, int *h)
{
    if (*tex)
        SDL_DestroyTexture(*tex);
    *tex = NULL;
    if (!p->font || !text[0])
        return MF_EINVAL;
    if (px != p->font_px) {
        if (TTF_SetFontSize(p->font, px) != 0)
            return MF_EIO;
        p->font_px = px;
    }
    SDL_Color white = {255, 255, 255, 255};
    SDL_Surface *s = TTF_RenderUTF8_Blended_Wrapped(p->font, text, white, (Uint32)wrap);
    if (!s)
        return MF_EIO;
    *tex = SDL_CreateTextureFromSurface(p->r, s);
    *w = s->w;
    *h = s->h;
    SDL_FreeSurface(s);
    return *tex ? 0 : MF_EIO;
}

/* The dark box behind a text of W x H pixels, centred horizontally in AREA,
 * its top at Y. */
static SDL_Rect player_text_box(int w, int h, const SDL_Rect *area, int y, int pad)
{
    SDL_Rect box = {area->x + (area->w - w) / 2 - pad, y, w + 2 * pad, h + pad};
    return box;
}

/* Draws TEX (W x H) on the dark BOX, PAD pixels in from its left. */
static void player_draw_boxed(player_t *p, SDL_Texture *tex, int w, int h, SDL_Rect box, int pad)
{
    SDL_BlendMode mode;
    Uint8 r, g, b, a;
    SDL_GetRenderDrawBlendMode(p->r, &mode);
    SDL_GetRenderDrawColor(p->r, &r, &g, &b, &a);
    SDL_SetRenderDrawBlendMode(p->r, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(p->r, 0, 0, 0, 190);
    SDL_RenderFillRect(p->r, &box);
    SDL_SetRenderDrawBlendMode(p->r, mode);
    SDL_SetRenderDrawColor(p->r, r, g, b, a);
    SDL_Rect t = {box.x + pad, box.y + pad / 2, w, h};
    SDL_RenderCopy(p->r, tex, NULL, &t);
}

/* Prepares the caption showing at T_US in AREA (its text texture) and gives
 * the box it is drawn in. False when there is none to draw. */
static bool player_caption_box(player_t *p, const SDL_Rect *area, int64_t t_us, SDL_Rect *box,
                               int *pad_out)
{
    clip_t *c = p->clip;
    if (!p->captions_on || !c->has_captions || !p->font)
        return false;
    const captions_cue_t *cue = captions_at(&c->captions, t_us / 1000);
    if (!cue)
        return false;
    /* sized on the picture's 16:9 height, so a tall portrait panel does not
     * make captions that cover the picture */
    int ref_h = area->w * 9 / 16 < area->h ? area->w * 9 / 16 : area->h;
    int px = (int)((float)ref_h / 16.0f * p->caption_scale);
    px = px < 14 ? 14 : px > 108 ? 108 : px;
    int wrap = area->w * 9 / 10;
    if (cue != p->cap_cue || px != p->cap_px || wrap != p->cap_wrap) {
        char plain[1024];
        player_plain_text(cue->text, plain, sizeof plain);
        player_render_text(p, plain, px, wrap, &p->cap_tex, &p->cap_w, &p->cap_h);
        p->cap_cue = cue;
        p->cap_px = px;
        p->cap_wrap = wrap;
    }
    if (!p->cap_tex)
        return false;
    int pad = px / 3;
    int y = area->y + area->h - p->cap_h - pad - area->h / 24;
    *box = player_text_box(p->cap_w, p->cap_h, area, y, pad);
    *pad_out = pad;
    return true;
}

static void player_draw_poster_or_black(player_t *p, const SDL_Rect *dst)
{
    clip_t *c = p->clip;
    int wanted = p->state == PLAYER_FAILED || !p->has_video;
    if (wanted && !p->poster_tried && p->state != PLAYER_LOADING) {
        p->poster_tried = 1;
        pthread_mutex_lock(&c->mu);
        SDL_Surface *s = c->poster;
        pthread_mutex_unlock(&c->mu);
        SDL_Surface *own = NULL;
        /* Read by the clip thread when it failed itself or found no picture;
         * a clip that opened but decoded nothing fails here, so read it now. */
        char why[256];
        int pw, ph;
        if (!s && c->poster_path &&
            content_picture_check(c->poster_path, &pw, &ph, why, sizeof why) != MF_OK) {
            mf_log_warn(PLAYER_LOG, "poster %s %s", c->poster_path, why);
        } else if (!s && c->poster_path) {
            s = own = IMG_Load(c->poster_path);
            if (!s)
                mf_log_warn(PLAYER_LOG, "poster %s: %s", c->poster_path, IMG_GetError());
        }
        if (s) {
            p->poster_tex = SDL_CreateTextureFromSurface(p->r, s);
            p->poster_w = s->w;
            p->poster_h = s->h;
        }
        SDL_FreeSurface(own);
    }
    if (p->poster_tex) {
        SDL_Rect fit = player_fit(dst, p->poster_w, p->poster_h, (AVRational){1, 1});
        SDL_RenderCopy(p->r, p->poster_tex, NULL, &fit);
    }
}

/* Fills with opaque black the parts of the panel DST around the picture FIT.
 * KEPT: the target still holds the last drawing at the same place, so only
 * the bars under last frame's and this frame's caption boxes (drawn with
 * alpha, they must not pile up) are filled again. */
static void player_fill_bars(player_t *p, const SDL_Rect *dst, const SDL_Rect *fit, bool kept,
                             const SDL_Rect *cap, bool has_cap)
{
    SDL_Rect bars[4] = {{dst->x, dst->y, dst->w, fit->y - dst->y},
                        {dst->x, fit->y + fit->h, dst->w, dst->y + dst->h - fit->y - fit->h},
                        {dst->x, fit->y, fit->x - dst->x, fit->h},
                        {fit->x + fit->w, fit->y, dst->x + dst->w - fit->x - fit->w, fit->h}};
    for (int i = 0; i < 4; i++) {
        if (bars[i].w <= 0 || bars[i].h <= 0)
            continue;
        if (!kept) {
            SDL_RenderFillRect(p->r, &bars[i]);
            continue;
        }
        SDL_Rect part;
        if (p->drawn_has_cap && SDL_IntersectRect(&bars[i], &p->drawn_cap, &part))
            SDL_RenderFillRect(p->r, &part);
        if (has_cap && SDL_IntersectRect(&bars[i], cap, &part))
            SDL_RenderFillRect(p->r, &part);
    }
}

static void player_draw_at(player_t *p, const SDL_Rect *dst, bool kept)
{
    if (!p || !p->clip || !dst || dst->w <= 0 || dst->h <= 0)
        return;
    player_tick(p);
    if (p->state != PLAYER_LOADING && p->state != PLAYER_FAILED && p->has_video)
        player_upload_due(p);
    SDL_Rect fit = *dst;
    int picture = p->state != PLAYER_LOADING && p->state != PLAYER_FAILED && p->has_frame;
    if (picture)
        fit = player_fit(dst, p->tex_w, p->tex_h, p->sar);
    SDL_Rect cap = {0};
    int cap_pad = 0;
    bool has_cap = p->state != PLAYER_LOADING && p->state != PLAYER_FAILED &&
                   player_caption_box(p, dst, player_clock_us(p, clip_now_us()), &cap, &cap_pad);
    kept = kept && picture && p->drawn_picture && SDL_RectEquals(&p->drawn_dst, dst) &&
           SDL_RectEquals(&p->drawn_fit, &fit);

    /* Black where the picture does not cover the panel (all of it while
     * loading, the bars around a letterboxed picture). */
    Uint8 r, g, b, a;
    SDL_BlendMode mode;
    SDL_GetRenderDrawColor(p->r, &r, &g, &b, &a);
    SDL_GetRenderDrawBlendMode(p->r, &mode);
    SDL_SetRenderDrawColor(p->r, 0, 0, 0, 255);
    /* Opaque black is a fill, not a blend: the software renderer blends a
     * BLEND-mode fill pixel by pixel even at full alpha (the bars beside a
     * 16:9 picture in a wider panel cost 12 % of the process that way). */
    SDL_SetRenderDrawBlendMode(p->r, SDL_BLENDMODE_NONE);
    if (!picture)
        SDL_RenderFillRect(p->r, dst);
    else
        player_fill_bars(p, dst, &fit, kept, &cap, has_cap);
    SDL_SetRenderDrawColor(p->r, r, g, b, a);
    SDL_SetRenderDrawBlendMode(p->r, mode);
    p->drawn_dst = *dst;
    p->drawn_fit = fit;
    p->drawn_picture = picture;
    p->drawn_cap = cap;
    p->drawn_has_cap = has_cap;

    if (p->state == PLAYER_LOADING)
        return;
    if (picture)
        SDL_RenderCopy(p->r, p->tex, &(SDL_Rect){0, 0, p->tex_w, p->tex_h}, &fit);
    else
        player_draw_poster_or_black(p, dst);
    /* A failure's words, or the notice that an incomplete file ended early,
     * over the poster or the last picture. */
    if (p->state == PLAYER_FAILED || (p->state == PLAYER_ENDED && p->incomplete)) {
        if (p->font && p->message[0]) {
            int px = dst->h / 14;
            px = px < 16 ? 16 : px > 64 ? 64 : px;
            int wrap = dst->w * 8 / 10;
            if (!p->msg_tex || px != p->msg_px || wrap != p->msg_wrap) {
                player_render_text(p, p->message, px, wrap, &p->msg_tex, &p->msg_w, &p->msg_h);
                p->msg_px = px;
                p->msg_wrap = wrap;
            }
            if (p->msg_tex)
                player_draw_boxed(p, p->msg_tex, p->msg_w, p->msg_h,
                                  player_text_box(p->msg_w, p->msg_h, dst,
                                                  dst->y + dst->h * 2 / 3 - p->msg_h / 2, px / 2),
                                  px / 2);
        }
        if (p->state == PLAYER_FAILED)
            return;
    }
    if (has_cap)
        player_draw_boxed(p, p->cap_tex, p->cap_w, p->cap_h, cap, cap_pad);
}

void player_draw(player_t *p, const SDL_Rect *dst)
{
    player_draw_at(p, dst, false);
}

void player_draw_kept(player_t *p, const SDL_Rect *dst)
{
    player_draw_at(p, dst, true);
}

/* ---- queries ---------------------------------------------------------- */

void player_get_status(player_t *p, player_status_t *out)
{
    memset(out, 0, sizeof *out);
    if (!p || !p->clip)
        return;
    player_tick(p);
    out->state = p->state;
    int64_t pos = player_clock_us(p, clip_now_us());
    if (p->duration_us > 0 && pos > p->duration_us)
        pos = p->duration_us;
    out->position_ms = pos < 0 ? 0 : pos / 1000;
    out->duration_ms = p->duration_us / 1000;
    out->has_video = p->has_video;
    out->has_audio = p->has_audio;
    out->has_captions = p->state != PLAYER_LOADING && p->clip->has_captions;
    out->captions_on = p->captions_on;
    out->video_w = p->video_w;
    out->video_h = p->video_h;
    out->incomplete = p->incomplete;
    snprintf(out->message, sizeof out->message, "%s",
             p->state == PLAYER_FAILED || (p->state == PLAYER_ENDED && p->incomplete) ? p->message
                                                                                      : "");
    if (p->captions_on && p->state != PLAYER_LOADING && p->state != PLAYER_FAILED &&
        p->clip->has_captions) {
        const captions_cue_t *cue = captions_at(&p->clip->captions, pos / 1000);
        if (cue)
            player_plain_text(cue->text, out->caption, sizeof out->caption);
    }
}

void player_get_stats(player_t *p, player_stats_t *out)
{
    memset(out, 0, sizeof *out);
    if (!p)
        return;
    *out = p->stats;
    if (p->clip) {
        out->frames_decoded = atomic_load(&p->clip->frames_decoded);
        out->frames_dropped += atomic_load(&p->clip->frames_late);
        out->audio_samples = atomic_load(&p->clip->audio_samples);
    }
}

int player_set_volume(player_t *p, int percent)
{
    if (!p)
        return MF_EINVAL;
    if (percent < 0)
        percent = 0;
    if (percent > p->cfg.volume_max_percent)
        percent = p->cfg.volume_max_percent;
    atomic_store(&p->volume, percent);
    return 0;
}

/* True when the video decoder has output everything for the current serial. */
static int player_video_finished(player_t *p)
{
    pthread_mutex_lock(&p->clip->mu);
    int fin = p->clip->vfinished_serial == p->serial;
    pthread_mutex_unlock(&p->clip->mu);
    return fin;
}

/* Time until the current caption ends or the next one starts, in us; -1 if none. */
static int64_t player_next_caption_change_us(player_t *p, int64_t t_us)
{
    clip_t *c = p->clip;
    if (!p->captions_on || !c->has_captions)
        return -1;
    int64_t t_ms = t_us / 1000, best = -1;
    for (size_t i = 0; i < c->captions.count; i++) {
        const captions_cue_t *cue = &c->captions.cues[i];
        int64_t at = cue->start_ms > t_ms ? cue->start_ms : cue->end_ms > t_ms ? cue->end_ms : -1;
        if (at >= 0 && (best < 0 || at < best))
            best = at;
    }
    return best < 0 ? -1 : (best - t_ms) * 1000;
}

/* Microseconds until the next decoded frame of this serial is due at CLOCK:
 * 0 when one is due (or late, or awaited after opening or a seek), -1 when
 * none is waiting or none will be shown while paused. */
static int64_t player_frame_wait_us(player_t *p, int64_t clock)
{
    clip_t *c = p->clip;
    int64_t next_us = -1;
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < c->vn; i++) {
        clip_vframe_t *f = &c->vring[(c->vr + i) % CLIP_VIDEO_RING];
        if (f->serial != p->serial)
            continue;
        if (p->need_first || p->cfg.free_run)
            next_us = 0;
        else if (p->state == PLAYER_PLAYING) /* a late frame is due now */
            next_us = f->pts_us - clock - PLAYER_DUE_SLACK_US > 0
                          ? f->pts_us - clock - PLAYER_DUE_SLACK_US
                          : 0;
        break;
    }
    pthread_mutex_unlock(&c->mu);
    return next_us;
}

bool player_frame_due(player_t *p)
{
    if (!p || !p->clip)
        return false;
    player_tick(p);
    if (p->state != PLAYER_PLAYING && p->state != PLAYER_PAUSED)
        return false;
    return player_frame_wait_us(p, player_clock_us(p, clip_now_us())) == 0;
}

int player_next_frame_in_ms(player_t *p)
{
    if (!p || !p->clip)
        return -1;
    player_tick(p);
    if (p->state == PLAYER_LOADING)
        return PLAYER_LOADING_POLL_MS;
    if (p->state != PLAYER_PLAYING && p->state != PLAYER_PAUSED)
        return -1;

    int64_t clock = player_clock_us(p, clip_now_us());
    int64_t next_us = player_frame_wait_us(p, clock);
    if (p->state == PLAYER_PAUSED) {
        /* Paused: only a frame awaited after a seek can change the picture. */
        if (next_us == 0)
            return 0;
        return p->need_first && p->has_video ? PLAYER_LOADING_POLL_MS : -1;
    }
    if (p->cfg.free_run)
        return next_us == 0 ? 0 : 1;
    if (p->prerolling)
        return next_us == 0 ? 0 : PLAYER_STARVED_POLL_US / 1000;
    int64_t wake = PLAYER_PROGRESS_TICK_MS * 1000LL;
    if (next_us >= 0 && next_us < wake)
        wake = next_us;
    if (next_us < 0 && p->has_video && !player_video_finished(p))
        wake = PLAYER_STARVED_POLL_US; /* the decoder is behind: take its frames as they come */
    else if (next_us < 0 && p->end_us > clock && p->end_us - clock < wake)
        wake = p->end_us - clock; /* the last frame's time will be over: the clip ends then */
    int64_t cap = player_next_caption_change_us(p, clock);
    if (cap >= 0 && cap < wake)
        wake = cap;
    if (next_us == 0)
        return 0;
    /* nothing to draw before then: at least a millisecond (after the last
     * frame, while the sound plays on, this used to be 0 again and again) */
    return wake < 1000 ? 1 : (int)((wake + 999) / 1000);
}
