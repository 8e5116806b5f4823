/*
 * video_clip.c - opening, demuxing and decoding one clip off the UI thread.
 *
 * Three threads per clip: the clip thread opens the file and reads packets
 * (and performs seeks); a video decoder thread and an audio decoder thread
 * fill the rings described in video_clip.h. Everything bounded: at most a few
 * megabytes of packets, CLIP_VIDEO_RING frames, CLIP_AUDIO_AHEAD_US of audio.
 * Every FFmpeg error is handled here: a bad packet is skipped, a file that
 * cannot be opened ends as clip->loaded < 0 with a message in plain words.
 */
#include "video_clip.h"

#include "content.h"

#include "mf_error.h"
#include "mf_log.h"
#include "player.h"

#include <SDL_image.h>
#include <errno.h>
#include <libavutil/imgutils.h>
#include <libavutil/time.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CLIP_LOG "video"
#define CLIP_PKTQ_MAX_BYTES (16 * 1024 * 1024)
#define CLIP_PKTQ_ENOUGH 40      /* packets per stream that is "enough" read ahead */
#define CLIP_LATE_SKIP_US 150000 /* this late: skip non-reference frames to catch up */

int64_t clip_now_us(void)
{
    return av_gettime_relative();
}

/* ---- packet queue ------------------------------------------------------ */

static int clip_pktq_init(clip_pktq_t *q)
{
    memset(q, 0, sizeof *q);
    if (pthread_mutex_init(&q->mu, NULL) != 0)
        return MF_ENOMEM;
    if (pthread_cond_init(&q->cond, NULL) != 0) {
        pthread_mutex_destroy(&q->mu);
        return MF_ENOMEM;
    }
    return 0;
}

static void clip_pktq_flush(clip_pktq_t *q)
{
    pthread_mutex_lock(&q->mu);
    clip_pkt_t *n = q->first;
    while (n) {
        clip_pkt_t *next = n->next;
        av_packet_free(&n->pkt);
        free(n);
        n = next;
    }
    q->first = q->last = NULL;
    q->count = 0;
    q->bytes = 0;
    pthread_mutex_unlock(&q->mu);
}

static void clip_pktq_deinit(clip_pktq_t *q)
{
    clip_pktq_flush(q);
    pthread_cond_destroy(&q->cond);
    pthread_mutex_destroy(&q->mu);
}

static void clip_pktq_abort(clip_pktq_t *q)
{
    pthread_mutex_lock(&q->mu);
    q->abort = 1;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->mu);
}

/* Takes ownership of PKT (NULL = end of stream marker). */
static int clip_pktq_put(clip_pktq_t *q, AVPacket *pkt, int serial)
{
    clip_pkt_t *n = malloc(sizeof *n);
    if (!n) {
        av_packet_free(&pkt);
        return MF_ENOMEM;
    }
    n->pkt = pkt;
    n->serial = serial;
    n->next = NULL;
    pthread_mutex_lock(&q->mu);
    if (q->last)
        q->last->next = n;
    else
        q->first = n;
    q->last = n;
    q->count++;
    q->bytes += pkt ? pkt->size : 0;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->mu);
    return 0;
}

/* Blocks until a packet is there. Returns 1 with *PKT (maybe NULL = end of
 * stream) and *SERIAL, or 0 when aborted. */
static int clip_pktq_get(clip_pktq_t *q, AVPacket **pkt, int *serial)
{
    int got = 0;
    pthread_mutex_lock(&q->mu);
    while (!q->abort && !q->first)
        pthread_cond_wait(&q->cond, &q->mu);
    if (!q->abort) {
        clip_pkt_t *n = q->first;
        q->first = n->next;
        if (!q->first)
            q->last = NULL;
        q->count--;
        q->bytes -= n->pkt ? n->pkt->size : 0;
        *pkt = n->pkt;
        *serial = n->serial;
        free(n);
        got = 1;
    }
    pthread_mutex_unlock(&q->mu);
    return got;
}

static void clip_pktq_stats(clip_pktq_t *q, int *count, int64_t *bytes)
{
    pthread_mutex_lock(&q->mu);
    *count = q->count;
    *bytes = q->bytes;
    pthread_mutex_unlock(&q->mu);
}

/* ---- slots ------------------------------------------------------------- */

void clip_vframe_clear(clip_vframe_t *f)
{
    av_frame_free(&f->frame);
    memset(f, 0, sizeof *f);
}

void clip_achunk_clear(clip_achunk_t *a)
{
    av_freep(&a->data);
    memset(a, 0, sizeof *a);
}

/* ---- helpers ----------------------------------------------------------- */

static void clip_load_poster(clip_t *c);

static void clip_fail(clip_t *c, int code, const char *why)
{
    clip_load_poster(c);
    mf_log_warn(CLIP_LOG, "%s: %s", c->media_path ? c->media_path : "(none)", why);
    pthread_mutex_lock(&c->mu);
    c->loaded = code < 0 ? code : MF_EMEDIA;
    snprintf(c->message, sizeof c->message, "%s", player_message_for(c->loaded));
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
}

static int clip_interrupt_cb(void *opaque)
{
    clip_t *c = opaque;
    return atomic_load(&c->abort);
}

static int64_t clip_ts_to_us(clip_t *c, AVStream *st, int64_t ts)
{
    if (ts == AV_NOPTS_VALUE)
        return AV_NOPTS_VALUE;
    return av_rescale_q(ts, st->time_base, AV_TIME_BASE_Q) - c->start_us;
}

static void clip_current_drop(clip_t *c, int serial, int64_t *drop_before)
{
    pthread_mutex_lock(&c->mu);
    *drop_before = (serial == c->seek_serial) ? c->drop_before_us : 0;
    pthread_mutex_unlock(&c->mu);
}

/* True when the reading thread has nothing to do: at the end of the file, or
 * enough packets read ahead. Called with c->mu held (takes the queues' locks). */
static int clip_reader_must_wait(clip_t *c, int eof, int use_video, int use_audio)
{
    int vcount = 0, acount = 0;
    int64_t vbytes = 0, abytes = 0;
    if (eof)
        return 1;
    clip_pktq_stats(&c->vq, &vcount, &vbytes);
    clip_pktq_stats(&c->aq, &acount, &abytes);
    int enough =
        (!use_video || vcount > CLIP_PKTQ_ENOUGH) && (!use_audio || acount > CLIP_PKTQ_ENOUGH);
    return enough || vbytes + abytes > CLIP_PKTQ_MAX_BYTES;
}

/* Decoder side: a packet was taken, the reading thread may be waiting for room. */
static void clip_wake_reader(clip_t *c)
{
    pthread_mutex_lock(&c->mu);
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
}

/* ---- video decoder thread --------------------------------------------- */

typedef struct {
    clip_t *c;
    AVCodecContext *dec;
    AVStream *st;
} clip_dec_t;

/* Puts a frame (ownership taken) into the video ring, waiting for room.
 * Returns 0, or 1 when the frame was dropped (stale serial or abort). */
static int clip_vring_push(clip_t *c, AVFrame *frame, int64_t pts_us, int64_t dur_us, int serial)
{
    pthread_mutex_lock(&c->mu);
    while (c->vn == CLIP_VIDEO_RING && !atomic_load(&c->abort) && serial == atomic_load(&c->serial))
        pthread_cond_wait(&c->cond, &c->mu);
    if (atomic_load(&c->abort) || serial != atomic_load(&c->serial)) {
        pthread_mutex_unlock(&c->mu);
        av_frame_free(&frame);
        return 1;
    }
    clip_vframe_t *slot = &c->vring[(c->vr + c->vn) % CLIP_VIDEO_RING];
    slot->frame = frame;
    slot->pts_us = pts_us;
    slot->dur_us = dur_us;
    slot->serial = serial;
    c->vn++;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
    return 0;
}

/* Returns a frame the renderer can upload as is (IYUV or NV12 with positive
 * line sizes): FRAME itself, or a converted copy (libswscale) for other
 * formats. FRAME is consumed. NULL on failure. */
static AVFrame *clip_video_uploadable(AVFrame *frame, struct SwsContext **sws)
{
    int fmt = frame->format;
    int ok_fmt = fmt == AV_PIX_FMT_YUV420P || fmt == AV_PIX_FMT_YUVJ420P || fmt == AV_PIX_FMT_NV12;
    int ok_lines = frame->linesize[0] > 0 && frame->linesize[1] > 0 &&
                   (fmt == AV_PIX_FMT_NV12 || frame->linesize[2] > 0);
    if (ok_fmt && ok_lines)
        return frame;
    AVFrame *out = av_frame_alloc();
    if (!out)
        goto fail;
    out->format = AV_PIX_FMT_YUV420P;
    out->width = frame->width;
    out->height = frame->height;
    if (av_frame_get_buffer(out, 0) < 0)
        goto fail;
    *sws = sws_getCachedContext(*sws, frame->width, frame->height, fmt, out->width, out->height,
                                AV_PIX_FMT_YUV420P, SWS_BILINEAR, NULL, NULL, NULL);
    if (!*sws)
        goto fail;
    sws_scale(*sws, (const uint8_t *const *)frame->data, frame->linesize, 0, frame->height,
              out->data, out->linesize);
    av_frame_copy_props(out, frame);
    av_frame_free(&frame);
    return out;
fail:
    av_frame_free(&out);
    av_frame_free(&frame);
    return NULL;
}

static void *clip_video_thread(void *arg)
{
    clip_dec_t *d = arg;
    clip_t *c = d->c;
    AVFrame *frame = av_frame_alloc();
    struct SwsContext *sws = NULL;
    int dec_serial = -1;
    AVRational fr = av_guess_frame_rate(c->fmt, d->st, NULL);
    int64_t frame_dur_us = (fr.num > 0 && fr.den > 0) ? av_rescale(1000000, fr.den, fr.num) : 40000;
    int64_t next_pts_us = 0;
    if (!frame)
        goto done;

    for (;;) {
        AVPacket *pkt = NULL;
        int serial;
        if (!clip_pktq_get(&c->vq, &pkt, &serial))
            break;
        clip_wake_reader(c);
        if (serial != dec_serial) {
            avcodec_flush_buffers(d->dec);
            dec_serial = serial;
        }
        int ret = avcodec_send_packet(d->dec, pkt);
        if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_EOF)
            mf_log_debug(CLIP_LOG, "video packet rejected: %s", av_err2str(ret));
        int64_t drop_before;
        clip_current_drop(c, serial, &drop_before);
        while ((ret = avcodec_receive_frame(d->dec, frame)) >= 0) {
            atomic_fetch_add(&c->frames_decoded, 1);
            int64_t pts_us = clip_ts_to_us(c, d->st, frame->best_effort_timestamp);
            if (pts_us == AV_NOPTS_VALUE)
                pts_us = next_pts_us;
            next_pts_us = pts_us + frame_dur_us;
            if (pts_us + frame_dur_us <= drop_before) {
                av_frame_unref(frame);
                continue;
            }
            if (atomic_load(&c->clock_running) && serial == atomic_load(&c->serial)) {
                int64_t clock =
                    atomic_load(&c->clock_pos_us) + (clip_now_us() - atomic_load(&c->clock_at_us));
                int64_t late = clock - pts_us;
                /* Far behind (a slow or busy machine): stop decoding frames
                 * nothing refers to until the picture has caught up. */
                if (late > CLIP_LATE_SKIP_US && d->dec->skip_frame == AVDISCARD_DEFAULT)
                    d->dec->skip_frame = AVDISCARD_NONREF;
                else if (late < frame_dur_us && d->dec->skip_frame != AVDISCARD_DEFAULT)
                    d->dec->skip_frame = AVDISCARD_DEFAULT;
                if (late > 2 * frame_dur_us) {
                    atomic_fetch_add(&c->frames_late, 1);
                    av_frame_unref(frame);
                    continue;
                }
            }
            AVFrame *owned = av_frame_clone(frame);
            av_frame_unref(frame);
            if (owned)
                owned = clip_video_uploadable(owned, &sws);
            if (!owned)
                continue;
            clip_vring_push(c, owned, pts_us, frame_dur_us, serial);
        }
        if (!pkt) {
            pthread_mutex_lock(&c->mu);
            c->vfinished_serial = serial;
            pthread_cond_broadcast(&c->cond);
            pthread_mutex_unlock(&c->mu);
        }
        av_packet_free(&pkt);
    }
done:
    sws_freeContext(sws);
    av_frame_free(&frame);
    return NULL;
}

/* ---- audio decoder thread --------------------------------------------- */

static void clip_aring_push(clip_t *c, uint8_t *data, int size, int64_t pts_us, int serial)
{
    int64_t bytes_per_s = (int64_t)c->out_rate * c->out_channels * 2;
    int64_t dur_us = size * 1000000LL / bytes_per_s;
    pthread_mutex_lock(&c->amu);
    while ((c->an == CLIP_AUDIO_RING || c->abuffered_us > CLIP_AUDIO_AHEAD_US) &&
           !atomic_load(&c->abort) && serial == atomic_load(&c->serial))
        pthread_cond_wait(&c->acond, &c->amu);
    if (atomic_load(&c->abort) || serial != atomic_load(&c->serial)) {
        pthread_mutex_unlock(&c->amu);
        av_free(data);
        return;
    }
    clip_achunk_t *slot = &c->aring[(c->ar + c->an) % CLIP_AUDIO_RING];
    slot->data = data;
    slot->size = size;
    slot->pos = 0;
    slot->pts_us = pts_us;
    slot->serial = serial;
    c->an++;
    c->abuffered_us += dur_us;
    pthread_mutex_unlock(&c->amu);
}

typedef struct {
    clip_dec_t d;
    SwrContext *swr;
} clip_adec_t;

static void *clip_audio_thread(void *arg)
{
    clip_adec_t *ad = arg;
    clip_t *c = ad->d.c;
    AVFrame *frame = av_frame_alloc();
    int dec_serial = -1;
    int64_t next_pts_us = 0;
    if (!frame)
        goto done;

    for (;;) {
        AVPacket *pkt = NULL;
        int serial;
        if (!clip_pktq_get(&c->aq, &pkt, &serial))
            break;
        clip_wake_reader(c);
        if (serial != dec_serial) {
            avcodec_flush_buffers(ad->d.dec);
            dec_serial = serial;
        }
        int ret = avcodec_send_packet(ad->d.dec, pkt);
        if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_EOF)
            mf_log_debug(CLIP_LOG, "audio packet rejected: %s", av_err2str(ret));
        int64_t drop_before;
        clip_current_drop(c, serial, &drop_before);
        while ((ret = avcodec_receive_frame(ad->d.dec, frame)) >= 0) {
            atomic_fetch_add(&c->audio_samples, frame->nb_samples);
            int64_t pts_us = clip_ts_to_us(c, ad->d.st, frame->best_effort_timestamp);
            if (pts_us == AV_NOPTS_VALUE)
                pts_us = next_pts_us;
            int64_t dur_us = frame->sample_rate > 0
                                 ? (int64_t)frame->nb_samples * 1000000 / frame->sample_rate
                                 : 0;
            next_pts_us = pts_us + dur_us;
            if (pts_us + dur_us <= drop_before || !ad->swr) {
                av_frame_unref(frame);
                continue;
            }
            int out_max = swr_get_out_samples(ad->swr, frame->nb_samples);
            uint8_t *out = NULL;
            if (out_max > 0)
                out = av_malloc((size_t)out_max * (size_t)c->out_channels * 2);
            if (out) {
                uint8_t *planes[1] = {out};
                int n = swr_convert(ad->swr, planes, out_max,
                                    (const uint8_t **)frame->extended_data, frame->nb_samples);
                if (n > 0)
                    clip_aring_push(c, out, n * c->out_channels * 2, pts_us, serial);
                else
                    av_free(out);
            }
            av_frame_unref(frame);
        }
        if (!pkt) {
            pthread_mutex_lock(&c->mu);
            c->afinished_serial = serial;
            pthread_cond_broadcast(&c->cond);
            pthread_mutex_unlock(&c->mu);
        }
        av_packet_free(&pkt);
    }
done:
    av_frame_free(&frame);
    return NULL;
}

/* ---- opening ----------------------------------------------------------- */

static AVCodecContext *clip_open_decoder(clip_t *c, AVStream *st)
{
    const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
    AVCodecContext *dec = NULL;
    if (!codec) {
        mf_log_warn(CLIP_LOG, "%s: no decoder for %s", c->media_path,
                    avcodec_get_name(st->codecpar->codec_id));
        return NULL;
    }
    dec = avcodec_alloc_context3(codec);
    if (!dec)
        return NULL;
    if (avcodec_parameters_to_context(dec, st->codecpar) < 0)
        goto fail;
    dec->pkt_timebase = st->time_base;
    dec->thread_count = c->decoder_threads;
    int ret = avcodec_open2(dec, codec, NULL);
    if (ret < 0) {
        mf_log_warn(CLIP_LOG, "%s: cannot open %s decoder: %s", c->media_path, codec->name,
                    av_err2str(ret));
        goto fail;
    }
    return dec;
fail:
    avcodec_free_context(&dec);
    return NULL;
}

static SwrContext *clip_open_resampler(clip_t *c, AVCodecContext *dec)
{
    AVChannelLayout out_layout, in_layout;
    SwrContext *swr = NULL;
    av_channel_layout_default(&out_layout, c->out_channels);
    if (dec->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || dec->ch_layout.nb_channels <= 0) {
        if (dec->ch_layout.nb_channels <= 0)
            return NULL;
        av_channel_layout_default(&in_layout, dec->ch_layout.nb_channels);
    } else if (av_channel_layout_copy(&in_layout, &dec->ch_layout) < 0) {
        return NULL;
    }
    if (dec->sample_rate <= 0 ||
        swr_alloc_set_opts2(&swr, &out_layout, AV_SAMPLE_FMT_S16, c->out_rate, &in_layout,
                            dec->sample_fmt, dec->sample_rate, 0, NULL) < 0 ||
        swr_init(swr) < 0) {
        swr_free(&swr);
    }
    av_channel_layout_uninit(&in_layout);
    av_channel_layout_uninit(&out_layout);
    return swr;
}

/* The poster is only needed when there is no picture to show (a failure, an
 * audio-only clip), so it is read then, not before the first frame. */
static void clip_load_poster(clip_t *c)
{
    if (c->poster_path) {
        /* Bounded before decoding: a small PNG may say 60000x60000 pixels. */
        char why[256];
        int w, h;
        SDL_Surface *s = NULL;
        if (content_picture_check(c->poster_path, &w, &h, why, sizeof why) != MF_OK)
            mf_log_warn(CLIP_LOG, "poster %s %s", c->poster_path, why);
        else if (!(s = IMG_Load(c->poster_path)))
            mf_log_warn(CLIP_LOG, "poster %s: %s", c->poster_path, IMG_GetError());
        pthread_mutex_lock(&c->mu);
        c->poster = s;
        pthread_mutex_unlock(&c->mu);
    }
}

static void clip_load_captions(clip_t *c)
{
    if (c->captions_path) {
        yamldoc_errors_t errs;
        yamldoc_errors_init(&errs);
        captions_t caps = {0};
        int ret = captions_load_file(c->captions_path, &caps, &errs);
        for (size_t i = 0; i < errs.count; i++)
            mf_log_warn(CLIP_LOG, "%s", errs.items[i]);
        if (ret < 0 && caps.count == 0)
            mf_log_warn(CLIP_LOG, "captions %s: %s", c->captions_path, mf_strerror(ret));
        yamldoc_errors_deinit(&errs);
        pthread_mutex_lock(&c->mu);
        c->captions = caps;
        c->has_captions = caps.count > 0;
        pthread_mutex_unlock(&c->mu);
    }
}

/* MP4/MOV and Matroska/WebM headers describe their streams completely; for
 * them avformat_find_stream_info() only decodes frames ahead (to guess the
 * decoder's delay), which costs 100 ms or more on a 1080p clip before the
 * first picture. Other containers, or incomplete headers, go through it. */
static int clip_header_is_enough(AVFormatContext *fmt)
{
    const char *name = fmt->iformat ? fmt->iformat->name : "";
    if (strncmp(name, "mov,", 4) != 0 && strncmp(name, "matroska", 8) != 0)
        return 0;
    int usable = 0;
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        const AVCodecParameters *par = fmt->streams[i]->codecpar;
        if (par->codec_type == AVMEDIA_TYPE_VIDEO) {
            if (par->codec_id == AV_CODEC_ID_NONE || par->width <= 0 || par->height <= 0)
                return 0;
            usable++;
        } else if (par->codec_type == AVMEDIA_TYPE_AUDIO) {
            if (par->codec_id == AV_CODEC_ID_NONE || par->sample_rate <= 0 ||
                par->ch_layout.nb_channels <= 0)
                return 0;
            usable++;
        }
    }
    return usable > 0 && fmt->duration > 0;
}

/* Reads packets until aborted; handles seeks; waits when queues are full. */
static void clip_read_loop(clip_t *c, int use_video, int use_audio)
{
    AVPacket *pkt = av_packet_alloc();
    int serial = atomic_load(&c->serial);
    int eof = 0;
    if (!pkt)
        return;
    while (!atomic_load(&c->abort)) {
        pthread_mutex_lock(&c->mu);
        int seek = c->seek_req;
        int64_t target = c->seek_target_us;
        int new_serial = atomic_load(&c->serial);
        c->seek_req = 0;
        pthread_mutex_unlock(&c->mu);
        if (seek) {
            int64_t ts = target + c->start_us;
            int ret = avformat_seek_file(c->fmt, -1, INT64_MIN, ts, ts, 0);
            if (ret < 0)
                mf_log_warn(CLIP_LOG, "%s: seek failed: %s", c->media_path, av_err2str(ret));
            clip_pktq_flush(&c->vq);
            clip_pktq_flush(&c->aq);
            serial = new_serial;
            pthread_mutex_lock(&c->mu);
            c->seek_serial = serial;
            c->drop_before_us = target;
            pthread_mutex_unlock(&c->mu);
            eof = 0;
        }

        /* Nothing to read now (end of file, or enough read ahead): sleep until
         * a decoder takes a packet, a seek or an abort (all broadcast
         * c->cond), so a paused clip costs no wake-ups at all. The timeout
         * is only a safety net. */
        pthread_mutex_lock(&c->mu);
        int waited = 0;
        if (clip_reader_must_wait(c, eof, use_video, use_audio)) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            while (!c->seek_req && !atomic_load(&c->abort) &&
                   clip_reader_must_wait(c, eof, use_video, use_audio))
                if (pthread_cond_timedwait(&c->cond, &c->mu, &ts) != 0)
                    break;
            waited = 1;
        }
        pthread_mutex_unlock(&c->mu);
        if (waited)
            continue;

        int ret = av_read_frame(c->fmt, pkt);
        if (ret < 0) {
            if (ret != AVERROR_EOF)
                mf_log_debug(CLIP_LOG, "%s: read stops: %s", c->media_path, av_err2str(ret));
            /* End of file (or an unreadable rest): drain both decoders. */
            if (use_video)
                clip_pktq_put(&c->vq, NULL, serial);
            if (use_audio)
                clip_pktq_put(&c->aq, NULL, serial);
            eof = 1;
            continue;
        }
        if (use_video && pkt->stream_index == c->vidx) {
            AVPacket *mine = av_packet_clone(pkt);
            if (mine)
                clip_pktq_put(&c->vq, mine, serial);
        } else if (use_audio && pkt->stream_index == c->aidx) {
            AVPacket *mine = av_packet_clone(pkt);
            if (mine)
                clip_pktq_put(&c->aq, mine, serial);
        }
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
}

static void *clip_thread(void *arg)
{
    clip_t *c = arg;
    AVCodecContext *vdec = NULL, *adec = NULL;
    clip_dec_t vd = {0};
    clip_adec_t ad = {0};
    pthread_t vthread, athread;
    int vstarted = 0, astarted = 0;
    struct stat sb;

    clip_load_captions(c);

    if (!c->media_path || stat(c->media_path, &sb) != 0) {
        clip_fail(c, MF_ENOENT, "file not found");
        goto done;
    }
    /* The bounds of content.h, judged from the file and its headers before
     * anything is decoded; a file cut short plays what it holds, then ends. */
    char why[256];
    int hw, hh;
    int rc = content_video_check(c->media_path, &hw, &hh, why, sizeof why);
    if (rc == MF_ETRUNCATED) {
        mf_log_warn(CLIP_LOG, "%s %s: playing what is there", c->media_path, why);
        pthread_mutex_lock(&c->mu);
        c->incomplete = 1;
        pthread_mutex_unlock(&c->mu);
    } else if (rc == MF_ETOOBIG || rc == MF_EINVAL) {
        clip_fail(c, rc == MF_EINVAL ? MF_EMEDIA : rc, why);
        goto done;
    }
    c->fmt = avformat_alloc_context();
    if (!c->fmt) {
        clip_fail(c, MF_ENOMEM, "out of memory");
        goto done;
    }
    c->fmt->interrupt_callback.callback = clip_interrupt_cb;
    c->fmt->interrupt_callback.opaque = c;
    int ret = avformat_open_input(&c->fmt, c->media_path, NULL, NULL);
    if (ret < 0) { /* c->fmt is freed and set to NULL on failure */
        clip_fail(c, MF_EMEDIA, av_err2str(ret));
        goto done;
    }
    /* Every picture stream's size, before avformat_find_stream_info decodes
     * anything (a cover picture too). */
    for (unsigned i = 0; i < c->fmt->nb_streams; i++) {
        const AVCodecParameters *par = c->fmt->streams[i]->codecpar;
        if (par->codec_type == AVMEDIA_TYPE_VIDEO &&
            content_video_dims_check(par->width, par->height, why, sizeof why) != MF_OK) {
            clip_fail(c, MF_ETOOBIG, why);
            goto done;
        }
    }
    if (!clip_header_is_enough(c->fmt)) {
        ret = avformat_find_stream_info(c->fmt, NULL);
        if (ret < 0) {
            clip_fail(c, MF_EMEDIA, av_err2str(ret));
            goto done;
        }
    }
    c->start_us = c->fmt->start_time != AV_NOPTS_VALUE ? c->fmt->start_time : 0;
    c->vidx = av_find_best_stream(c->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (c->vidx >= 0 && (c->fmt->streams[c->vidx]->disposition & AV_DISPOSITION_ATTACHED_PIC))
        c->vidx = -1;
    c->aidx = c->decode_audio
                  ? av_find_best_stream(c->fmt, AVMEDIA_TYPE_AUDIO, -1, c->vidx, NULL, 0)
                  : -1;
    if (c->vidx >= 0) {
        AVStream *st = c->fmt->streams[c->vidx];
        if (content_video_dims_check(st->codecpar->width, st->codecpar->height, why, sizeof why) !=
            MF_OK) {
            clip_fail(c, MF_ETOOBIG, why);
            goto done;
        }
        if (st->codecpar->width > 0 && st->codecpar->height > 0)
            vdec = clip_open_decoder(c, st);
        if (!vdec)
            c->vidx = -1;
    }
    if (c->aidx >= 0) {
        adec = clip_open_decoder(c, c->fmt->streams[c->aidx]);
        if (adec)
            ad.swr = clip_open_resampler(c, adec);
        if (!ad.swr) {
            mf_log_warn(CLIP_LOG, "%s: audio cannot be converted, playing without it",
                        c->media_path);
            avcodec_free_context(&adec);
            c->aidx = -1;
        }
    }
    for (unsigned i = 0; i < c->fmt->nb_streams; i++)
        if ((int)i != c->vidx && (int)i != c->aidx)
            c->fmt->streams[i]->discard = AVDISCARD_ALL;
    if (c->vidx < 0 && c->aidx < 0) {
        clip_fail(c, MF_EUNSUPPORTED, "no playable video or audio stream");
        goto done;
    }

    if (c->vidx >= 0) {
        vd.c = c;
        vd.dec = vdec;
        vd.st = c->fmt->streams[c->vidx];
        if (pthread_create(&vthread, NULL, clip_video_thread, &vd) != 0) {
            clip_fail(c, MF_ENOMEM, "cannot start the video thread");
            goto done;
        }
        vstarted = 1;
    }
    if (c->aidx >= 0) {
        ad.d.c = c;
        ad.d.dec = adec;
        ad.d.st = c->fmt->streams[c->aidx];
        if (pthread_create(&athread, NULL, clip_audio_thread, &ad) != 0) {
            clip_fail(c, MF_ENOMEM, "cannot start the audio thread");
            goto done;
        }
        astarted = 1;
    }

    if (c->vidx < 0)
        clip_load_poster(c);
    pthread_mutex_lock(&c->mu);
    c->has_video = c->vidx >= 0;
    c->has_audio = c->aidx >= 0;
    if (vdec) {
        c->video_w = vdec->width;
        c->video_h = vdec->height;
        c->sar = av_guess_sample_aspect_ratio(c->fmt, c->fmt->streams[c->vidx], NULL);
    }
    c->duration_us = c->fmt->duration > 0 ? c->fmt->duration : 0;
    c->loaded = 1;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
    mf_log_debug(CLIP_LOG, "%s: opened in %lld us (%s%s)", c->media_path,
                 (long long)(clip_now_us() - c->open_time_us), vdec ? "video " : "",
                 adec ? "audio" : "");

    clip_read_loop(c, vstarted, astarted);

done:
    atomic_store(&c->abort, 1);
    clip_pktq_abort(&c->vq);
    clip_pktq_abort(&c->aq);
    pthread_mutex_lock(&c->mu);
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
    pthread_mutex_lock(&c->amu);
    pthread_cond_broadcast(&c->acond);
    pthread_mutex_unlock(&c->amu);
    if (vstarted)
        pthread_join(vthread, NULL);
    if (astarted)
        pthread_join(athread, NULL);
    avcodec_free_context(&vdec);
    avcodec_free_context(&adec);
    swr_free(&ad.swr);
    avformat_close_input(&c->fmt);
    return NULL;
}

/* ---- public (module) --------------------------------------------------- */

static char *clip_strdup_or_null(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

clip_t *clip_create(const clip_params_t *prm)
{
    clip_t *c = calloc(1, sizeof *c);
    int oom = 0, mu = 0, cond = 0, amu = 0, acond = 0, vq = 0, aq = 0;
    if (!c)
        return NULL;
    c->media_path = clip_strdup_or_null(prm->media_path, &oom);
    c->captions_path = clip_strdup_or_null(prm->captions_path, &oom);
    c->poster_path = clip_strdup_or_null(prm->poster_path, &oom);
    if (oom)
        goto fail;
    c->out_rate = prm->out_rate > 0 ? prm->out_rate : 48000;
    c->out_channels = prm->out_channels > 0 ? prm->out_channels : 2;
    c->decode_audio = prm->decode_audio;
    c->decoder_threads = prm->decoder_threads;
    c->vidx = c->aidx = -1;
    c->vfinished_serial = c->afinished_serial = -1;
    c->sar = (AVRational){0, 1};
    c->open_time_us = clip_now_us();
    /* Each flag records what exists, so the unwind below frees only that. */
    mu = pthread_mutex_init(&c->mu, NULL) == 0;
    cond = mu && pthread_cond_init(&c->cond, NULL) == 0;
    amu = cond && pthread_mutex_init(&c->amu, NULL) == 0;
    acond = amu && pthread_cond_init(&c->acond, NULL) == 0;
    vq = acond && clip_pktq_init(&c->vq) == 0;
    aq = vq && clip_pktq_init(&c->aq) == 0;
    if (!aq)
        goto fail;
    if (pthread_create(&c->thread, NULL, clip_thread, c) != 0)
        goto fail;
    c->thread_started = 1;
    return c;
fail:
    if (aq)
        clip_pktq_deinit(&c->aq);
    if (vq)
        clip_pktq_deinit(&c->vq);
    if (acond)
        pthread_cond_destroy(&c->acond);
    if (amu)
        pthread_mutex_destroy(&c->amu);
    if (cond)
        pthread_cond_destroy(&c->cond);
    if (mu)
        pthread_mutex_destroy(&c->mu);
    free(c->media_path);
    free(c->captions_path);
    free(c->poster_path);
    free(c);
    return NULL;
}

void clip_destroy(clip_t *c)
{
    if (!c)
        return;
    atomic_store(&c->abort, 1);
    clip_pktq_abort(&c->vq);
    clip_pktq_abort(&c->aq);
    pthread_mutex_lock(&c->mu);
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
    pthread_mutex_lock(&c->amu);
    pthread_cond_broadcast(&c->acond);
    pthread_mutex_unlock(&c->amu);
    if (c->thread_started)
        pthread_join(c->thread, NULL);
    for (int i = 0; i < CLIP_VIDEO_RING; i++)
        clip_vframe_clear(&c->vring[i]);
    for (int i = 0; i < CLIP_AUDIO_RING; i++)
        clip_achunk_clear(&c->aring[i]);
    clip_pktq_deinit(&c->vq);
    clip_pktq_deinit(&c->aq);
    SDL_FreeSurface(c->poster);
    captions_deinit(&c->captions);
    pthread_cond_destroy(&c->acond);
    pthread_mutex_destroy(&c->amu);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->mu);
    free(c->media_path);
    free(c->captions_path);
    free(c->poster_path);
    free(c);
}

int clip_request_seek(clip_t *c, int64_t t_us)
{
    int serial;
    pthread_mutex_lock(&c->mu);
    serial = atomic_fetch_add(&c->serial, 1) + 1;
    c->seek_req = 1;
    c->seek_target_us = t_us;
    while (c->vn > 0) {
        clip_vframe_clear(&c->vring[c->vr]);
        c->vr = (c->vr + 1) % CLIP_VIDEO_RING;
        c->vn--;
    }
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);

    pthread_mutex_lock(&c->amu);
    while (c->an > 0) {
        clip_achunk_clear(&c->aring[c->ar]);
        c->ar = (c->ar + 1) % CLIP_AUDIO_RING;
        c->an--;
    }
    c->abuffered_us = 0;
    c->aclk_valid = 0;
    c->aclk_started = 0;
    pthread_cond_broadcast(&c->acond);
    pthread_mutex_unlock(&c->amu);
    return serial;
}
