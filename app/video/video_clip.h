/*
 * video_clip.h - private to app/video: one opened clip and its threads.
 *
 * A clip_t is what player_open() starts and player_close() ends. Its own
 * thread opens the file (so a slow or broken file never blocks the UI),
 * then reads packets into two bounded packet queues; one decoder thread per
 * stream turns them into video frames (a small ring the UI thread takes from
 * at the right time) and audio chunks (S16 interleaved, a ring the SDL audio
 * callback takes from). This is ffplay's design cut to what a kiosk needs.
 *
 * Seeking uses a serial number, as ffplay does: the UI thread bumps
 * clip->serial and raises seek_req; the reading thread seeks, and every
 * packet, frame and chunk carries the serial it was read under, so anything
 * older is dropped wherever it is met.
 *
 * Locks: `mu` guards the open results, the seek request, the end flags and
 * the video ring; `amu` guards the audio ring and the audio clock (the SDL
 * audio callback takes it, so it is held only for copies). Each packet queue
 * has its own lock. Never take `mu` while holding `amu`.
 */
#ifndef MF_VIDEO_CLIP_H
#define MF_VIDEO_CLIP_H

#include "captions.h"

#include <SDL.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define CLIP_VIDEO_RING 6          /* decoded frames waiting to be shown (absorbs slow I-frames) */
#define CLIP_AUDIO_RING 64         /* decoded audio chunks waiting for the device */
#define CLIP_AUDIO_AHEAD_US 400000 /* at most this much audio decoded ahead */

typedef struct clip_pkt {
    AVPacket *pkt; /* NULL: end of stream marker */
    int serial;
    struct clip_pkt *next;
} clip_pkt_t;

typedef struct {
    clip_pkt_t *first, *last;
    int count;
    int64_t bytes;
    int abort;
    pthread_mutex_t mu;
    pthread_cond_t cond;
} clip_pktq_t;

typedef struct {
    AVFrame *frame; /* YUV420P (IYUV) or NV12, positive line sizes */
    int64_t pts_us, dur_us;
    int serial;
} clip_vframe_t;

typedef struct {
    uint8_t *data; /* S16 interleaved, device rate and channels; av_malloc'd */
    int size, pos; /* bytes; pos = already given to the device */
    int64_t pts_us;
    int serial;
} clip_achunk_t;

typedef struct {
    const char *media_path, *captions_path, *poster_path; /* copied */
    int out_rate, out_channels;                           /* audio output format (the device's) */
    int decode_audio;                                     /* 0: audio streams are ignored */
    int decoder_threads;
} clip_params_t;

typedef struct clip {
    char *media_path, *captions_path, *poster_path;
    int out_rate, out_channels, decode_audio, decoder_threads;
    int64_t open_time_us; /* av_gettime_relative() at clip_create */

    atomic_int abort;
    atomic_int serial; /* current serial, bumped by the UI thread on seek */

    pthread_mutex_t mu;
    pthread_cond_t cond; /* broadcast on any change guarded by mu */

    /* Results of opening, written once by the clip thread (under mu). */
    int loaded;        /* 0 loading, 1 ready, <0 failed (MF_E* code) */
    char message[160]; /* plain words when failed */
    int has_video, has_audio;
    int video_w, video_h;
    AVRational sar;      /* sample aspect ratio (0/1 when unknown) */
    int64_t duration_us; /* 0 when unknown */
    int incomplete;      /* the file is cut short (content_video_check): plays what is there */
    SDL_Surface *poster; /* NULL when none; handed to the UI thread */
    captions_t captions; /* loaded off the UI thread; read-only once loaded */
    int has_captions;

    /* Seek request (under mu). */
    int seek_req;
    int64_t seek_target_us;
    int seek_serial;        /* serial the reading thread is delivering */
    int64_t drop_before_us; /* decoders drop output ending before this, for seek_serial */

    /* End of stream for a serial: the decoder has output everything (under mu). */
    int vfinished_serial, afinished_serial;

    /* Video ring (under mu). */
    clip_vframe_t vring[CLIP_VIDEO_RING];
    int vr, vn;

    /* Audio ring and clock (under amu). */
    pthread_mutex_t amu;
    pthread_cond_t acond;
    clip_achunk_t aring[CLIP_AUDIO_RING];
    int ar, an;
    int64_t abuffered_us;
    int aclk_valid, aclk_serial;
    int64_t aclk_p0_us, aclk_p1_us, aclk_time_us;
    int64_t aclk_next_us; /* position of the next sample the device gets */
    int aclk_started;     /* aclk_next_us is set (by the UI thread when play starts) */

    atomic_llong frames_decoded, audio_samples;
    atomic_llong frames_late; /* dropped by the decoder thread: already late */

    /* The master clock as the UI thread last computed it, so the decoder can
     * drop frames that are already late (and skip non-reference frames when
     * far behind) instead of showing the clip ever later on a slow machine. */
    atomic_int clock_running;
    atomic_llong clock_pos_us, clock_at_us;

    clip_pktq_t vq, aq;
    pthread_t thread;
    int thread_started;

    /* Owned by the clip thread. */
    AVFormatContext *fmt;
    int vidx, aidx;
    int64_t start_us; /* container start time, subtracted from every pts */
} clip_t;

/* Starts opening PRM->media_path on a new thread. NULL on failure to allocate. */
clip_t *clip_create(const clip_params_t *prm);
/* Aborts, joins every thread of the clip, frees it. NULL is a no-op. */
void clip_destroy(clip_t *c);

/* Frees the contents of a video frame slot / audio chunk slot. */
void clip_vframe_clear(clip_vframe_t *f);
void clip_achunk_clear(clip_achunk_t *a);

/* UI thread: asks for a seek to T_US and returns the new serial. Frames and
 * chunks of older serials are dropped from the rings at once. */
int clip_request_seek(clip_t *c, int64_t t_us);

int64_t clip_now_us(void);

#endif
