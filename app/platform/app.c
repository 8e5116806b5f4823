/*
 * app.c - the main loop (see app.h).
 *
 * One frame: wait for an SDL event or the kiosk's next deadline, translate
 * the event at this edge into mf_event_t, kiosk_update(), and if the kiosk's
 * generation moved, kiosk_view() + ui_render() + present. Screen changes
 * slide: the previous frame is kept in a texture and slid out while the new
 * screen slides in. Scripts (script.h) are executed here too, against the
 * same loop, with a clock that `advance` can move forward.
 */
#include "app.h"

#include "mf_error.h"
#include "mf_log.h"
#include "render.h"
#include "script.h"
#include "app_loop.h"
#include "devices.h"
#include "drv_queue.h"
#include "staff_edge.h"
#include "line_drv.h"
#include "engrave_preview.h"
#include "line_relay.h"
#include "grbl_drv.h"
#include "scanner_drv.h"
#include "player.h"
#include "theme.h"
#include "script_run.h"

#include <SDL.h>
#include <SDL_opengl.h>
#include <signal.h>
#include <SDL_image.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

/* Places of animated widgets a frame may redraw alone; more: a whole frame. */
#define APP_DIRTY_MAX 16

struct app {
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *prev;   /* still picture of the previous screen, for transitions */
    SDL_Texture *still;  /* this screen without its animated widgets */
    uint64_t still_hash; /* view_static_hash() of what `still` holds */
    bool still_valid;
    uint64_t prev_hash; /* ...and `prev`: going back finds its picture there */
    bool prev_valid;
    /* What the window holds (software renderer): the still picture with the
     * animated widgets over it in these places, so the next frame of the
     * same picture restores and redraws only them. */
    bool kept_valid;
    SDL_Rect kept_dirty[APP_DIRTY_MAX];
    int kept_ndirty;
    uint64_t partial_frames; /* frames drawn that way, for tests */
    int tex_w, tex_h;
    ui_t *ui;
    kiosk_t *kiosk;
    view_t *view;
    int64_t clock_offset; /* added by `advance` */
    uint64_t drawn_generation;
    char drawn_screen[VIEW_ID_MAX];
    bool need_redraw;
    /* The renderer keeps what it drew between frames (SDL's software renderer
     * draws into the window's own surface): once a whole frame of `view` is
     * drawn, a new video frame can be drawn alone over it. */
    bool keeps_frame;
    bool video_alone;                    /* app_draw_video() is drawing */
    uint64_t frames_whole, frames_video; /* drawn so far, for the log and tests */
    bool still_drawn;                    /* the last app_draw() redrew the still picture */
    app_frame_fn frame_fn;               /* the bench's probe, or NULL */
    void *frame_ctx;
    int64_t tap_ns; /* when a pointer up arrived, until a frame shows it; -1 */
    bool headless;
    int out_w, out_h;
    devices_t *devices;  /* the kiosk's devices (owned by the caller), or NULL */
    line_drv_t *line;    /* devices_line(devices) */
    staff_edge_t *staff; /* the staff console's requests and news, or NULL */
    int line_poll_ms;
    uint32_t line_serial;  /* serial of the last snapshot handed to the kiosk */
    line_snapshot_t *snap; /* scratch copy of the driver's snapshot */
    app_reload_fn reload;
    void *reload_ctx;
    /* make your own: the engraver and scanner drivers, the order desk's
     * commands in flight (the tag of a submit, the job of an engraving) */
    grbl_drv_t *engraver; /* devices_engraver(devices) when this kiosk takes orders */
    engrave_preview_t *preview;
    line_relay_t *line_relay;           /* the line's events when the staff edge reads them */
    mf_engraver_status_t engraver_sent; /* last MF_EV_ENGRAVER given */
    bool engraver_told;
    struct {
        uint32_t tag, ref;
    } submits[16];
    struct {
        uint32_t job, ref;
    } jobs[8];
    /* the video player, created the first time a screen shows a clip */
    player_t *player;
    int video_volume_max;
    bool video_open;
    char video_media[VIEW_PATH_MAX];
    bool video_playing, video_captions;
    uint32_t video_seek_serial, video_replay_serial;
};

/* SIGHUP asks for a reload; the handler only sets this flag, the loop acts. */
static volatile sig_atomic_t app_hup;

static void app_on_hup(int sig)
{
    (void)sig;
    app_hup = 1;
}

static void do_reload(app_t *a)
{
    if (!a->reload)
        return;
    mf_log_info("app", "reloading the content pack");
    a->reload(a->reload_ctx, a->kiosk, app_now(a));
    a->need_redraw = true;
}

int64_t app_now(const app_t *a)
{
    return (int64_t)SDL_GetTicks64() + a->clock_offset;
}

void app_advance_clock(app_t *a, int64_t ms)
{
    a->clock_offset += ms;
}

kiosk_t *app_kiosk(app_t *a)
{
    return a->kiosk;
}

const view_t *app_view(app_t *a)
{
    kiosk_view(a->kiosk, app_now(a), a->view);
    return a->view;
}

void app_output_size(const app_t *a, int *w, int *h)
{
    *w = a->out_w;
    *h = a->out_h;
}

float app_units_per_pixel(const app_t *a)
{
    return 1.0f / ui_units_scale(a->out_w, a->out_h);
}

/* Monotonic nanoseconds, for the frame probe. */
static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CPU nanoseconds of this thread: a frame's cost even when the machine is
 * busy with other work. */
static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void app_set_frame_probe(app_t *a, app_frame_fn fn, void *ctx)
{
    a->frame_fn = fn;
    a->frame_ctx = ctx;
}

const ui_t *app_ui(const app_t *a)
{
    return a->ui;
}

void app_feed(app_t *a, const mf_event_t *ev)
{
    if (a->frame_fn && ev->type == MF_EV_POINTER_UP && a->tap_ns < 0)
        a->tap_ns = mono_ns();
    if (kiosk_update(a->kiosk, ev, app_now(a)))
        a->need_redraw = true;
}

/* The pixel format of the cached screen pictures: the window's own when the
 * renderer can draw into it, so that putting the picture on screen is a plain
 * copy (the software renderer otherwise converts every pixel of the screen
 * on every video frame). */
static Uint32 frame_format(app_t *a)
{
    Uint32 win = SDL_GetWindowPixelFormat(a->win);
    SDL_RendererInfo info;
    if (win != SDL_PIXELFORMAT_UNKNOWN && SDL_GetRendererInfo(a->ren, &info) == 0)
        for (Uint32 i = 0; i < info.num_texture_formats; i++)
            if (info.texture_formats[i] == win && !SDL_ISPIXELFORMAT_FOURCC(win))
                return win;
    return SDL_PIXELFORMAT_ARGB8888;
}

static bool ensure_textures(app_t *a)
{
    if (a->still && a->tex_w == a->out_w && a->tex_h == a->out_h)
        return true;
    if (a->still)
        SDL_DestroyTexture(a->still);
    if (a->prev)
        SDL_DestroyTexture(a->prev);
    a->still_valid = false;
    a->prev_valid = false;
    Uint32 format = frame_format(a);
    a->still = SDL_CreateTexture(a->ren, format, SDL_TEXTUREACCESS_TARGET, a->out_w, a->out_h);
    a->prev = SDL_CreateTexture(a->ren, format, SDL_TEXTUREACCESS_TARGET, a->out_w, a->out_h);
    a->tex_w = a->out_w;
    a->tex_h = a->out_h;
    if (!a->still || !a->prev) {
        mf_log_error("app", "cannot create frame textures: %s", SDL_GetError());
        return false;
    }
    /* Both pictures cover the whole window: copied, never blended. A texture
     * with alpha blends by default, which costs the software renderer a
     * per-pixel blend of the whole screen on every video frame. */
    SDL_SetTextureBlendMode(a->still, SDL_BLENDMODE_NONE);
    SDL_SetTextureBlendMode(a->prev, SDL_BLENDMODE_NONE);
    return true;
}

static float ease_out(float t)
{
    return 1.0f - (1.0f - t) * (1.0f - t) * (1.0f - t);
}

/* Where the animated widgets of the view are, in pixels, with a margin
 * for what they draw outside their box (a halo, a shadow); -1 when there
 * are more than APP_DIRTY_MAX. */
static int animated_places(const app_t *a, SDL_Rect *out)
{
    float px = ui_units_scale(a->out_w, a->out_h), m = 3.0f * px;
    SDL_Rect screen = {0, 0, a->out_w, a->out_h};
    int n = 0;
    for (size_t i = 0; i < a->view->count; i++) {
        const view_widget_t *w = &a->view->widgets[i];
        if (!w->animated)
            continue;
        if (n == APP_DIRTY_MAX)
            return -1;
        SDL_Rect r = {(int)floorf(w->rect.x * px - m), (int)floorf(w->rect.y * px - m),
                      (int)ceilf(w->rect.w * px + 2 * m), (int)ceilf(w->rect.h * px + 2 * m)};
        if (SDL_IntersectRect(&r, &screen, &out[n]))
            n++;
    }
    return n;
}

/* Merges overlapping places into their bounding boxes until none overlap
 * (a place drawn twice would blend twice). Returns how many are left. */
static int merge_places(SDL_Rect *p, int n)
{
    bool merged = true;
    while (merged) {
        merged = false;
        for (int i = 0; i < n && !merged; i++)
            for (int j = i + 1; j < n && !merged; j++)
                if (SDL_HasIntersection(&p[i], &p[j])) {
                    SDL_UnionRect(&p[i], &p[j], &p[i]);
                    p[j] = p[--n];
                    merged = true;
                }
    }
    return n;
}

/* Draws the frame: the still picture of the screen (re-rendered only when
 * what it shows changed), then the animated widgets over it. During a screen
 * transition the previous screen's still picture slides out. */
void app_draw(app_t *a)
{
    int64_t now = app_now(a);
    kiosk_view(a->kiosk, now, a->view);
    if (!ensure_textures(a))
        return;
    if (strcmp(a->drawn_screen, a->view->screen) != 0) {
        /* the outgoing picture slides out; the incoming one may be the
         * screen we came from (going back): then it is already drawn */
        SDL_Texture *t = a->prev;
        a->prev = a->still;
        a->still = t;
        uint64_t h = a->prev_hash;
        bool v = a->prev_valid;
        a->prev_hash = a->still_hash;
        a->prev_valid = a->still_valid;
        a->still_hash = h;
        a->still_valid = v;
        snprintf(a->drawn_screen, sizeof a->drawn_screen, "%s", a->view->screen);
    }
    /* A widget under a finger is drawn pressed over the still picture,
     * which keeps it as it is otherwise: a finger down costs one widget,
     * not the whole screen drawn again. */
    size_t pressed[8], npressed = 0;
    for (size_t i = 0; i < a->view->count && npressed < 8; i++) {
        view_widget_t *w = &a->view->widgets[i];
        if (w->pressed && !w->animated) {
            w->pressed = false;
            pressed[npressed++] = i;
        }
    }
    uint64_t hash = view_static_hash(a->view);
    a->still_drawn = false;
    if (!a->still_valid || hash != a->still_hash) {
        a->still_drawn = true;
        SDL_SetRenderTarget(a->ren, a->still);
        ui_render(a->ui, a->view, a->out_w, a->out_h, 0.0f, UI_LAYER_STATIC);
        SDL_SetRenderTarget(a->ren, NULL);
        a->still_hash = hash;
        a->still_valid = true;
    }
    for (size_t i = 0; i < npressed; i++) {
        a->view->widgets[pressed[i]].pressed = true;
        a->view->widgets[pressed[i]].animated = true; /* drawn with the animated ones */
    }

    float t = a->view->transition;
    float in_x = 0.0f;
    SDL_Rect dirty[APP_DIRTY_MAX];
    int ndirty = animated_places(a, dirty);
    if (t < 1.0f) {
        float e = ease_out(t);
        float dir = (float)a->view->transition_dir;
        in_x = dir * (1.0f - e) * (float)a->out_w;
        SDL_Rect out = {(int)lroundf(-dir * e * (float)a->out_w), 0, a->out_w, a->out_h};
        SDL_Rect in = {(int)lroundf(in_x), 0, a->out_w, a->out_h};
        SDL_RenderCopy(a->ren, a->prev, NULL, &out);
        SDL_RenderCopy(a->ren, a->still, NULL, &in);
        ui_render(a->ui, a->view, a->out_w, a->out_h, in_x, UI_LAYER_ANIMATED);
    } else if (a->keeps_frame && a->kept_valid && !a->still_drawn && ndirty >= 0 &&
               ndirty + a->kept_ndirty <= APP_DIRTY_MAX) {
        /* The window still shows this picture: restore where animated
         * widgets were and are, and draw them there, each place once. */
        SDL_Rect places[2 * APP_DIRTY_MAX];
        int n = 0;
        for (int i = 0; i < a->kept_ndirty; i++)
            places[n++] = a->kept_dirty[i];
        for (int i = 0; i < ndirty; i++)
            places[n++] = dirty[i];
        n = merge_places(places, n);
        for (int i = 0; i < n; i++) {
            SDL_RenderCopy(a->ren, a->still, &places[i], &places[i]);
            SDL_RenderSetClipRect(a->ren, &places[i]);
            ui_render(a->ui, a->view, a->out_w, a->out_h, 0.0f, UI_LAYER_ANIMATED);
        }
        SDL_RenderSetClipRect(a->ren, NULL);
        a->partial_frames++;
    } else {
        SDL_RenderCopy(a->ren, a->still, NULL, NULL);
        ui_render(a->ui, a->view, a->out_w, a->out_h, in_x, UI_LAYER_ANIMATED);
    }
    a->kept_valid = t >= 1.0f && ndirty >= 0;
    a->kept_ndirty = ndirty < 0 ? 0 : ndirty;
    memcpy(a->kept_dirty, dirty, sizeof dirty[0] * (size_t)a->kept_ndirty);
    a->drawn_generation = kiosk_generation(a->kiosk);
    a->need_redraw = false;
    a->frames_whole++;
}

/* Draws a new video frame over the last whole frame, when the renderer kept
 * it and nothing but the picture changed: the screen's still part, progress
 * bar and texts stay as they are (on the software renderer they cost as much
 * again as the picture). False when a whole frame must be drawn instead. */
static bool app_draw_video(app_t *a)
{
    if (!a->keeps_frame || a->frames_whole == 0 || a->view->transition < 1.0f ||
        !view_videos_clear(a->view))
        return false;
    a->video_alone = true;
    ui_render(a->ui, a->view, a->out_w, a->out_h, 0.0f, UI_LAYER_VIDEO);
    a->video_alone = false;
    a->frames_video++;
    return true;
}

void app_present(app_t *a)
{
    SDL_RenderPresent(a->ren);
}

int app_read_frame(app_t *a, uint32_t *argb)
{
    if (SDL_RenderReadPixels(a->ren, NULL, SDL_PIXELFORMAT_ARGB8888, argb, a->out_w * 4) != 0) {
        mf_log_error("app", "cannot read the screen: %s", SDL_GetError());
        return MF_EIO;
    }
    return MF_OK;
}

void app_frame_counts(const app_t *a, uint64_t *whole, uint64_t *video_only)
{
    *whole = a->frames_whole;
    *video_only = a->frames_video;
}

int app_save_png(app_t *a, const char *path)
{
    SDL_Surface *s =
        SDL_CreateRGBSurfaceWithFormat(0, a->out_w, a->out_h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return MF_ENOMEM;
    int rc = app_read_frame(a, s->pixels);
    if (rc == MF_OK && IMG_SavePNG(s, path) != 0) {
        mf_log_error("app", "cannot write %s: %s", path, IMG_GetError());
        rc = MF_EIO;
    }
    SDL_FreeSurface(s);
    return rc;
}

/* ---- SDL events -> mf_event_t ---------------------------------------------- */

static void pixel_to_units(const app_t *a, float px, float py, float *ux, float *uy)
{
    float k = app_units_per_pixel(a);
    *ux = px * k;
    *uy = py * k;
}

/* Returns true and fills EV when the SDL event means something to the kiosk. */
static bool translate(app_t *a, const SDL_Event *e, mf_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    switch (e->type) {
    case SDL_QUIT:
        ev->type = MF_EV_QUIT;
        return true;
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP:
        ev->type = e->type == SDL_FINGERDOWN ? MF_EV_POINTER_DOWN
                   : e->type == SDL_FINGERUP ? MF_EV_POINTER_UP
                                             : MF_EV_POINTER_MOVE;
        ev->pointer = (int64_t)e->tfinger.fingerId;
        pixel_to_units(a, e->tfinger.x * (float)a->out_w, e->tfinger.y * (float)a->out_h, &ev->x,
                       &ev->y);
        return true;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT)
            return false; /* fingers arrive as SDL_FINGER*, handled once there */
        ev->type = e->type == SDL_MOUSEBUTTONDOWN ? MF_EV_POINTER_DOWN : MF_EV_POINTER_UP;
        ev->pointer = MF_POINTER_MOUSE;
        pixel_to_units(a, (float)e->button.x, (float)e->button.y, &ev->x, &ev->y);
        return true;
    case SDL_MOUSEMOTION:
        if (e->motion.which == SDL_TOUCH_MOUSEID || !(e->motion.state & SDL_BUTTON_LMASK))
            return false;
        ev->type = MF_EV_POINTER_MOVE;
        ev->pointer = MF_POINTER_MOUSE;
        pixel_to_units(a, (float)e->motion.x, (float)e->motion.y, &ev->x, &ev->y);
        return true;
    case SDL_KEYDOWN:
        if (e->key.keysym.sym == SDLK_F5) {
            do_reload(a);
            return false;
        }
        if (e->key.keysym.sym == SDLK_F11 && !a->headless) {
            Uint32 fs = SDL_GetWindowFlags(a->win) & SDL_WINDOW_FULLSCREEN_DESKTOP;
            SDL_SetWindowFullscreen(a->win, fs ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
            return false;
        }
        ev->type = MF_EV_KEY;
        snprintf(ev->text, sizeof ev->text, "%s", SDL_GetKeyName(e->key.keysym.sym));
        return true;
    case SDL_TEXTINPUT:
        ev->type = MF_EV_TEXT;
        snprintf(ev->text, sizeof ev->text, "%s", e->text.text);
        return true;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            a->kept_valid = false;
            SDL_GetRendererOutputSize(a->ren, &a->out_w, &a->out_h);
            ev->type = MF_EV_RESIZE;
            float k = app_units_per_pixel(a);
            ev->x = (float)a->out_w * k;
            ev->y = (float)a->out_h * k;
            a->need_redraw = true;
            return true;
        }
        if (e->window.event == SDL_WINDOWEVENT_EXPOSED) {
            a->need_redraw = true;
            a->kept_valid = false; /* the window may have lost its pixels */
        }
        return false;
    default:
        return false;
    }
}

/* The line driver's latest snapshot, turned into the kiosk's own event at
 * this edge (the kiosk keeps only what the screens show). */
static void feed_line(app_t *a)
{
    if (!a->line)
        return;
    line_drv_snapshot(a->line, a->snap);
    if (a->snap->serial == a->line_serial && a->line_serial != 0)
        return;
    a->line_serial = a->snap->serial;
    mf_event_t ev = {.type = MF_EV_LINE};
    ev.line.online = a->snap->conn == LINE_CONN_CONNECTED && !a->snap->stale;
    ev.line.running = a->snap->running;
    ev.line.estop = a->snap->estop;
    ev.line.fault = a->snap->alarm_active;
    _Static_assert(MF_LINE_STATIONS == MF_STATION_COUNT, "one line map entry per PLC station");
    _Static_assert(MF_LINE_FIRST_STATION == MF_STATION_FIRST, "same first station");
    for (int i = 0; i < MF_LINE_STATIONS; i++) {
        const line_station_t *s = &a->snap->stations[i];
        mf_line_station_t *o = &ev.line.stations[i];
        bool aborted = s->state == MF_PACKML_ABORTING || s->state == MF_PACKML_ABORTED;
        o->state = (uint8_t)(s->alarm || aborted ? MF_STATION_FAULT
                             : s->busy           ? MF_STATION_WORKING
                                                 : MF_STATION_WAITING);
        o->piece = s->part_present || s->order != 0;
        o->colour = o->piece ? (uint8_t)s->colour : 0;
        o->order = o->piece ? s->order : 0;
        o->progress = s->progress;
        o->nominal_ds = s->nominal_ds;
    }
    /* what ordering and tracking need (order.h) */
    mf_line_detail_t *d = &ev.line.detail;
    d->known = a->snap->conn == LINE_CONN_CONNECTED;
    d->queue_full = a->snap->queue_full;
    d->auto_mode = a->snap->line_mode == MF_MODE_AUTO;
    d->engrave_waiting = a->snap->engrave_waiting;
    d->engrave_order = a->snap->engrave_order;
    d->speed_pct = a->snap->speed_pct;
    for (int c = 0; c < MF_LINE_COLOURS && c < MF_COLOUR_COUNT; c++)
        d->magazine[c] = a->snap->magazine[c];
    d->queue_len = a->snap->queue_len < MF_LINE_QUEUE_MAX ? a->snap->queue_len : MF_LINE_QUEUE_MAX;
    for (int q = 0; q < d->queue_len; q++)
        d->queue[q] = a->snap->queue[q].order;
    app_feed(a, &ev);
}

/* ---- make your own: the drivers' news in, the order desk's actions out ---- */

static void feed_order_news(app_t *a, mf_order_news_kind_t kind, uint32_t ref, uint32_t order,
                            bool ok, const char *why)
{
    mf_event_t ev = {.type = MF_EV_ORDER};
    ev.order.kind = kind;
    ev.order.ref = ref;
    ev.order.order = order;
    ev.order.ok = ok;
    ev.order.delivered = ok;
    snprintf(ev.order.why, sizeof ev.order.why, "%s", why ? why : "");
    app_feed(a, &ev);
}

static const char *refusal_word(uint16_t plc_result)
{
    switch (plc_result) {
    case MF_PLC_RES_QUEUE_FULL:
        return "queue-full";
    case MF_PLC_RES_ESTOP:
        return "estop";
    case MF_PLC_RES_BAD_STATE:
        return "stopped";
    default:
        return "refused";
    }
}

/* The line driver's events: answers to our orders, pieces leaving the line. */
static void poll_line_events(app_t *a)
{
    line_event_t e;
    /* the driver's queue has one reader: the staff edge when there is one
     * (it passes the order desk's events on through the relay), else here */
    while (a->line_relay ? line_relay_pop(a->line_relay, &e)
           : a->staff    ? false
           : a->line     ? line_drv_poll_event(a->line, &e)
                         : false) {
        if (e.kind == LINE_EV_PIECE_FINISHED) {
            feed_order_news(a, MF_ORDER_FINISHED, 0, e.order, e.outcome == MF_PLC_OUTCOME_DELIVERED,
                            NULL);
            continue;
        }
        if (e.kind == LINE_EV_ORDER_CANCELLED) {
            feed_order_news(a, MF_ORDER_CANCELLED, 0, e.order, false, "staff");
            continue;
        }
        if (e.kind != LINE_EV_RESULT)
            continue;
        if (e.cmd == LINE_CMD_ENGRAVE_DONE) {
            if (e.result != LINE_RESULT_ACCEPTED)
                mf_log_warn("order", "engraving of order %u not reported: %s", e.order, e.text);
            continue;
        }
        if (e.cmd != LINE_CMD_SUBMIT_ORDER)
            continue;
        for (size_t i = 0; i < sizeof a->submits / sizeof a->submits[0]; i++) {
            if (!a->submits[i].ref || a->submits[i].tag != e.tag)
                continue;
            uint32_t ref = a->submits[i].ref;
            a->submits[i].ref = 0;
            if (e.result == LINE_RESULT_ACCEPTED) {
                mf_log_info("order", "order %u accepted by the PLC", e.order);
                feed_order_news(a, MF_ORDER_ACCEPTED, ref, e.order, true, NULL);
            } else if (e.result == LINE_RESULT_REFUSED) {
                mf_log_info("order", "order refused by the PLC: %s", e.text);
                feed_order_news(a, MF_ORDER_REFUSED, ref, 0, false, refusal_word(e.plc_result));
            } else {
                mf_log_warn("order", "order not answered by the PLC: %s", e.text);
                feed_order_news(a, MF_ORDER_TIMED_OUT, ref, 0, false, "no-answer");
            }
        }
    }
}

static mf_engraver_state_t engraver_state(grbl_drv_state_t s)
{
    switch (s) {
    case GRBL_DRV_READY:
        return MF_ENGRAVER_READY;
    case GRBL_DRV_STARTING:
    case GRBL_DRV_RUNNING:
    case GRBL_DRV_HELD:
        return MF_ENGRAVER_BUSY;
    case GRBL_DRV_ALARM:
        return MF_ENGRAVER_ALARM;
    case GRBL_DRV_OFFLINE:
        break;
    }
    return MF_ENGRAVER_OFFLINE;
}

/* The engraver's state and position (its status reports) and its jobs' ends. */
static void poll_engraver(app_t *a)
{
    if (!a->engraver)
        return;
    grbl_snapshot_t s;
    grbl_drv_snapshot(a->engraver, &s);
    mf_engraver_status_t st = {0};
    st.state = engraver_state(s.state);
    st.job = s.job;
    st.x = (float)s.pos[0];
    st.y = (float)s.pos[1];
    st.lines_acked = s.lines_acked;
    st.lines_total = s.lines_total;
    st.seconds_left = (float)s.seconds_left;
    st.alarm = s.last_alarm;
    if (!a->engraver_told || memcmp(&st, &a->engraver_sent, sizeof st) != 0) {
        a->engraver_sent = st;
        a->engraver_told = true;
        mf_event_t ev = {.type = MF_EV_ENGRAVER, .engraver = st};
        app_feed(a, &ev);
    }
    grbl_event_t e;
    while (grbl_drv_poll_event(a->engraver, &e)) {
        if (e.kind != GRBL_EV_JOB_DONE)
            continue;
        for (size_t i = 0; i < sizeof a->jobs / sizeof a->jobs[0]; i++) {
            if (!a->jobs[i].ref || a->jobs[i].job != e.job)
                continue;
            uint32_t ref = a->jobs[i].ref;
            a->jobs[i].ref = 0;
            /* e.text is the driver's reason (never the job's text) */
            mf_log_info("order", "engraving job %u %s (%.1f s)", e.job, e.ok ? "done" : e.text,
                        e.seconds);
            feed_order_news(a, MF_ORDER_ENGRAVED, ref, 0, e.ok, e.ok ? "" : "engraver");
        }
    }
}

/* Tickets read by the scanner link the visit to their anonymous code (the
 * kiosk decides what that means on each screen). */
static void feed_tickets(app_t *a)
{
    scanner_drv_t *sc = devices_scanner(a->devices);
    scanner_event_t se;
    while (sc && scanner_drv_poll_event(sc, &se)) {
        if (se.kind != SCANNER_EV_TICKET)
            continue;
        mf_event_t ev = {.type = MF_EV_TICKET};
        snprintf(ev.text, sizeof ev.text, "%s", se.code);
        app_feed(a, &ev);
    }
}

/* Carries out what the order desk asks: every call here only queues work
 * for a driver's own thread (no I/O on the UI thread). */
static void take_order_actions(app_t *a)
{
    order_action_t act;
    while (kiosk_next_order_action(a->kiosk, &act)) {
        switch (act.kind) {
        case ORDER_ACT_SUBMIT: {
            uint32_t tag = 0;
            int rc =
                a->line ? line_drv_submit_order(a->line, (mf_colour_t)act.colour, act.engrave, &tag)
                        : MF_ENOENT;
            size_t i = 0;
            while (rc == MF_OK && i < sizeof a->submits / sizeof a->submits[0] && a->submits[i].ref)
                i++;
            if (rc == MF_OK && i < sizeof a->submits / sizeof a->submits[0]) {
                a->submits[i].tag = tag;
                a->submits[i].ref = act.ref;
            } else {
                feed_order_news(a, MF_ORDER_TIMED_OUT, act.ref, 0, false, "no-answer");
            }
            break;
        }
        case ORDER_ACT_ENGRAVE: {
            gcode_program_t prog;
            uint32_t job = 0;
            int rc = a->engraver && a->preview
                         ? engrave_preview_program(a->preview, act.text, &prog)
                         : MF_ENOENT;
            order_wipe(act.text, sizeof act.text);
            if (rc == MF_OK) {
                rc = grbl_stream_start(a->engraver, prog.text, &job);
                gcode_program_free(&prog);
            }
            size_t i = 0;
            while (rc == MF_OK && i < sizeof a->jobs / sizeof a->jobs[0] && a->jobs[i].ref)
                i++;
            if (rc == MF_OK && i < sizeof a->jobs / sizeof a->jobs[0]) {
                a->jobs[i].job = job;
                a->jobs[i].ref = act.ref;
                mf_log_info("order", "order %u: engraving job %u sent", act.order_no, job);
            } else {
                mf_log_warn("order", "order %u: engraving not started: %s", act.order_no,
                            mf_strerror(rc));
            }
            feed_order_news(a, MF_ORDER_ENGRAVING, act.ref, act.order_no, rc == MF_OK,
                            rc == MF_OK ? "" : "engraver");
            break;
        }
        case ORDER_ACT_ENGRAVE_DONE:
            if (a->line)
                line_drv_engrave_done(a->line, act.order_no, act.ok, NULL);
            break;
        case ORDER_ACT_NONE:
            break;
        }
        order_wipe(&act, sizeof act);
    }
}

/* Draws a VIEW_VIDEO widget: the player owns the picture and its captions. */
static void draw_video(void *ctx, const view_widget_t *w, const SDL_Rect *dst)
{
    app_t *a = ctx;
    (void)w;
    if (!a->player || !a->video_open)
        return;
    player_set_caption_scale(a->player, a->view->text_scale > 0 ? a->view->text_scale : 1.0f);
    if (a->video_alone)
        player_draw_kept(a->player, dst); /* the rest of the last frame is still there */
    else
        player_draw(a->player, dst);
}

static mf_video_state_t video_state(player_state_t s)
{
    switch (s) {
    case PLAYER_LOADING:
        return MF_VIDEO_LOADING;
    case PLAYER_PLAYING:
        return MF_VIDEO_PLAYING;
    case PLAYER_PAUSED:
        return MF_VIDEO_PAUSED;
    case PLAYER_ENDED:
        return MF_VIDEO_ENDED;
    case PLAYER_FAILED:
        return MF_VIDEO_FAILED;
    case PLAYER_IDLE:
        break;
    }
    return MF_VIDEO_IDLE;
}

/* The player follows what the kiosk wants shown (kiosk_video()), and its
 * status goes back to the kiosk as an MF_EV_VIDEO event. */
static void sync_video(app_t *a)
{
    const kiosk_video_t *want = kiosk_video(a->kiosk);
    if (!want) {
        if (a->video_open) {
            player_close(a->player); /* the page closed: stop and free the clip */
            a->video_open = false;
            a->video_media[0] = '\0';
        }
        return;
    }
    if (!a->player) {
        player_config_t pc = {0};
        pc.volume_max_percent = a->video_volume_max;
        pc.font_path = ui_theme_font_path(UI_WEIGHT_BOLD);
        pc.audio = 1;
        pc.decoder_threads = 1; /* player.h: one costs less CPU and 10 MB less */
        a->player = player_create(a->ren, &pc);
        if (!a->player)
            return; /* logged; the screen shows an empty panel and its controls */
    }
    if (!a->video_open || strcmp(a->video_media, want->media) != 0) {
        if (a->video_open)
            player_close(a->player);
        player_open(a->player, want->media, want->captions[0] ? want->captions : NULL,
                    want->poster[0] ? want->poster : NULL);
        a->video_open = true;
        snprintf(a->video_media, sizeof a->video_media, "%s", want->media);
        a->video_playing = false;
        a->video_captions = true;
        a->video_seek_serial = want->seek_serial;
        a->video_replay_serial = want->replay_serial;
    }
    if (want->replay_serial != a->video_replay_serial) {
        a->video_replay_serial = want->replay_serial;
        player_replay(a->player);
        a->video_playing = true;
    }
    if (want->seek_serial != a->video_seek_serial) {
        a->video_seek_serial = want->seek_serial;
        player_seek(a->player, want->seek_ms);
    }
    if (want->want_play != a->video_playing) {
        if (want->want_play)
            player_play(a->player);
        else
            player_pause(a->player);
        a->video_playing = want->want_play;
    }
    if (want->captions_on != a->video_captions) {
        player_set_captions(a->player, want->captions_on);
        a->video_captions = want->captions_on;
    }
    player_status_t st;
    player_get_status(a->player, &st);
    mf_event_t ev = {.type = MF_EV_VIDEO};
    ev.video.state = video_state(st.state);
    ev.video.position_ms = st.position_ms;
    ev.video.duration_ms = st.duration_ms;
    ev.video.has_captions = st.has_captions;
    ev.video.captions_on = st.captions_on;
    snprintf(ev.video.caption, sizeof ev.video.caption, "%s", st.caption);
    snprintf(ev.video.message, sizeof ev.video.message, "%s", st.message);
    app_feed(a, &ev);
    /* An ended clip stays ended (it looped for ever): the kiosk's wish to
     * play has been met; it starts again only when the kiosk asks for it
     * (replay_serial: "Revoir", or play once it has ended). */
    if (st.state == PLAYER_ENDED)
        a->video_playing = want->want_play;
}

/* True when the screen last drawn has a video widget. A page may keep its
 * clip open while it shows the poster in its place (the trade page before
 * "play"): the clip's first frame then waits, and must not make the loop
 * draw (it would draw as fast as it can, ~700 frames a second). */
static bool shows_video(const app_t *a)
{
    for (size_t i = 0; i < a->view->count; i++)
        if (a->view->widgets[i].kind == VIEW_VIDEO)
            return true;
    return false;
}

int app_wait_ms(app_t *a)
{
    int64_t now = app_now(a);
    int64_t next = kiosk_next_deadline(a->kiosk, now);
    int64_t wait = next == INT64_MAX ? 60000 : next - now;
    if (wait < 1)
        wait = 1;
    if (wait > 60000)
        wait = 60000;
    if (a->line) {
        /* The driver has no way to wake us: look just after its next read
         * (it reads every line_poll_ms from its last one), so a change on
         * the PLC is on screen one period plus a frame later, not two. */
        long long due = a->snap->last_good_ms + a->line_poll_ms + 2 - drv_now_ms();
        int look = a->line_poll_ms;
        if (due > 0 && due <= a->line_poll_ms + 2)
            look = (int)due;
        else if (due <= 0 && due > -a->line_poll_ms / 2)
            look = 3; /* the read is late (a busy machine): look again soon */
        if (wait > look)
            wait = look;
    }
    if (a->devices && wait > 500)
        wait = 500; /* a device's state change is logged within half a second */
    if (a->staff && wait > 100 &&
        strncmp(kiosk_screen_id(kiosk_screen(a->kiosk)), "staff-", 6) == 0)
        wait = 100; /* replies from the worker, the line's detail */
    if (a->reload && wait > 1000)
        wait = 1000; /* a SIGHUP is seen within a second */
    int frame =
        a->player && a->video_open && shows_video(a) ? player_next_frame_in_ms(a->player) : -1;
    if (frame >= 0 && wait > frame)
        wait = frame < 1 ? 1 : frame;
    return (int)wait;
}

void app_pump(app_t *a, int wait_ms)
{
    SDL_Event e;
    mf_event_t ev;
    int got;
    int64_t t0 = 0, cpu0 = 0;
    if (a->headless && wait_ms > 0) {
        /* SDL's dummy video driver cannot block for events: its
         * SDL_WaitEventTimeout wakes every millisecond to look. Headless,
         * the only events are the ones this thread pushed (and SDL's quit on
         * SIGTERM, seen within 50 ms): sleep, then look. */
        SDL_Delay((Uint32)(wait_ms < 50 ? wait_ms : 50));
        got = SDL_PollEvent(&e);
    } else {
        got = wait_ms > 0 ? SDL_WaitEventTimeout(&e, wait_ms) : SDL_PollEvent(&e);
    }
    if (a->frame_fn) {
        t0 = mono_ns(); /* a frame starts when the wait ends */
        cpu0 = thread_cpu_ns();
    }
    while (got) {
        if (translate(a, &e, &ev))
            app_feed(a, &ev);
        got = SDL_PollEvent(&e);
    }
    if (app_hup) {
        app_hup = 0;
        do_reload(a);
    }
    devices_tick(a->devices, app_now(a));
    if (a->staff && staff_edge_pump(a->staff, a->kiosk, app_now(a)))
        a->need_redraw = true;
    feed_line(a);
    poll_line_events(a);
    poll_engraver(a);
    feed_tickets(a);
    take_order_actions(a);
    mf_event_t tick = {.type = MF_EV_TICK};
    app_feed(a, &tick);
    sync_video(a);
    bool drawn = false, whole = true;
    if (a->need_redraw || kiosk_generation(a->kiosk) != a->drawn_generation) {
        app_draw(a);
        app_present(a);
        drawn = true;
    } else if (a->video_open && shows_video(a) && player_frame_due(a->player)) {
        whole = !app_draw_video(a);
        if (whole)
            app_draw(a);
        app_present(a);
        drawn = true;
    }
    if (a->frame_fn && drawn) {
        app_frame_info_t f = {.start_ns = t0,
                              .cpu_ns = thread_cpu_ns() - cpu0,
                              .end_ns = mono_ns(),
                              .whole = whole,
                              .slide = a->view->transition < 1.0f,
                              .still_drawn = whole && a->still_drawn,
                              .tap_ns = a->tap_ns};
        a->frame_fn(a->frame_ctx, &f);
    }
    a->tap_ns = -1; /* a tap that changed nothing drawn has no frame to wait for */
}

/* ---- set-up ---------------------------------------------------------------- */

void app_destroy(app_t *a)
{
    if (!a)
        return;
    if (a->still)
        SDL_DestroyTexture(a->still);
    if (a->prev)
        SDL_DestroyTexture(a->prev);
    player_destroy(a->player); /* before the renderer its textures belong to */
    ui_destroy(a->ui);
    kiosk_destroy(a->kiosk);
    free(a->view);
    free(a->snap);
    if (a->ren)
        SDL_DestroyRenderer(a->ren);
    if (a->win)
        SDL_DestroyWindow(a->win);
    free(a);
    SDL_Quit();
}

/* The OpenGL renderer's name for the current context ("llvmpipe (LLVM 15...)",
 * "Mesa Intel(R) UHD Graphics 620"...), or "". */
static const char *gl_renderer_name(void)
{
    typedef const GLubyte *(APIENTRY * get_string_fn)(GLenum);
    get_string_fn get = (get_string_fn)SDL_GL_GetProcAddress("glGetString");
    const char *name = get ? (const char *)get(GL_RENDERER) : NULL;
    return name ? name : "";
}

/* True when the OpenGL renderer NAME is Mesa's emulation on the CPU
 * (llvmpipe or softpipe on a PC without a graphics processor, or without
 * its driver). There SDL's own software renderer costs less: 20 % instead
 * of 31 % of a core on the attract screen, 33 % instead of 75 % playing a
 * 1080p video (docs/BENCHMARKS.md). */
static bool gl_name_is_emulated(const char *name)
{
    return strstr(name, "llvmpipe") || strstr(name, "softpipe") ||
           strstr(name, "Software Rasterizer") || strstr(name, "swrast");
}

/* The same question asked of R in this process (when the probe failed). */
static bool renderer_is_emulated(SDL_Renderer *r)
{
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(r, &info) != 0 || strncmp(info.name, "opengl", 6) != 0)
        return false;
    return gl_name_is_emulated(gl_renderer_name());
}

int app_gl_probe_main(void)
{
    /* hidden window, the renderer SDL would choose, its OpenGL name */
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return 1;
    SDL_Window *w = SDL_CreateWindow("minifab-probe", 0, 0, 64, 64, SDL_WINDOW_HIDDEN);
    SDL_Renderer *r = w ? SDL_CreateRenderer(w, -1, SDL_RENDERER_ACCELERATED) : NULL;
    SDL_RendererInfo info;
    int status = 1;
    if (w && !r) {
        printf("none\n\n"); /* no accelerated renderer at all */
        status = 0;
    } else if (r && SDL_GetRendererInfo(r, &info) == 0) {
        printf("%s\n%s\n", info.name,
               strncmp(info.name, "opengl", 6) == 0 ? gl_renderer_name() : "");
        status = 0;
    }
    fflush(stdout);
    if (r)
        SDL_DestroyRenderer(r);
    if (w)
        SDL_DestroyWindow(w);
    SDL_Quit();
    return status;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Asks a short-lived child (this program, `minifab --gl-probe`) which
 * renderer SDL would choose and, for OpenGL, who draws it: loading OpenGL
 * maps Mesa's emulation (libLLVM, swrast: ~70 MB) for good, so the kiosk
 * does not load it just to find it is not wanted. Fills RENDERER and GL;
 * MF_OK, or an error when the child did not answer within 5 s. */
static int gl_probe(char *renderer, size_t rsize, char *gl, size_t gsize)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return mf_error_from_errno(errno);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    char exe[] = "/proc/self/exe", arg[] = APP_GL_PROBE_ARG;
    char *argv[] = {exe, arg, NULL};
    extern char **environ;
    pid_t pid;
    int rc = posix_spawn(&pid, exe, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return mf_error_from_errno(rc);
    }
    char buf[512];
    size_t n = 0;
    int64_t deadline = mono_ns() + 5000000000LL;
    for (;;) {
        int left = (int)((deadline - mono_ns()) / 1000000);
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        if (left <= 0 || poll(&p, 1, left) <= 0)
            break;
        ssize_t got = read(fds[0], buf + n, sizeof buf - 1 - n);
        if (got <= 0)
            break;
        n += (size_t)got;
        if (n >= sizeof buf - 1)
            break;
    }
    buf[n] = '\0';
    close(fds[0]);
    if (waitpid(pid, NULL, WNOHANG) == 0) {
        kill(pid, SIGKILL); /* stuck in a driver: do not wait for it */
        waitpid(pid, NULL, 0);
    }
    /* The answer is its two lines; how the child ended after printing them
     * does not change it (a driver crashing at teardown, or a leak checker
     * exiting non-zero in a sanitizer build). */
    char *nl = strchr(buf, '\n');
    if (!nl || !strchr(nl + 1, '\n'))
        return MF_EIO;
    *nl = '\0';
    char *end = strchr(nl + 1, '\n');
    if (end)
        *end = '\0';
    copy_str(renderer, rsize, buf);
    copy_str(gl, gsize, nl + 1);
    return MF_OK;
}

app_t *app_create(const app_options_t *opt)
{
    app_t *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->headless = opt->headless;
    a->tap_ns = -1;
    if (opt->headless) {
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
        if (!getenv("SDL_AUDIODRIVER"))
            setenv("SDL_AUDIODRIVER", "dummy", 0);
    }
    /* Touch and mouse: each handled once (fingers as fingers, mouse as mouse). */
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        mf_log_error("app", "cannot start the display: %s", SDL_GetError());
        free(a);
        return NULL;
    }
    Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI | (opt->headless ? 0 : SDL_WINDOW_RESIZABLE);
    if (opt->fullscreen && !opt->headless)
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    a->win = SDL_CreateWindow("minifab", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, opt->width,
                              opt->height, flags);
    if (!a->win) {
        mf_log_error("app", "cannot open a window: %s", SDL_GetError());
        goto fail;
    }
    /* Only on X11: there the software renderer draws into X11 shared memory
     * by itself; Wayland and KMS/DRM would show it through OpenGL anyway. */
    const char *vd = SDL_GetCurrentVideoDriver();
    bool x11 = vd && strcmp(vd, "x11") == 0;
    bool ask = x11 && !opt->headless && !SDL_GetHint(SDL_HINT_RENDER_DRIVER);
    bool emulated = false, probed = false;
    if (ask) {
        char rname[64], glname[256];
        probed = gl_probe(rname, sizeof rname, glname, sizeof glname) == MF_OK;
        if (probed && strncmp(rname, "opengl", 6) == 0 && gl_name_is_emulated(glname)) {
            emulated = true;
            mf_log_info("app", "no graphics processor (OpenGL is %s): SDL's software renderer",
                        glname);
        } else if (!probed) {
            mf_log_warn("app", "the OpenGL probe did not answer: asking OpenGL here");
        }
    }
    if (emulated) {
        /* SDL would otherwise show the software renderer's picture through
         * OpenGL, emulated too: twice the CPU for every frame (measured) */
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
        if (!a->ren) {
            mf_log_warn("app", "software renderer: %s; back to OpenGL", SDL_GetError());
            SDL_ResetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION);
            a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_ACCELERATED);
        }
    } else {
        a->ren = SDL_CreateRenderer(a->win, -1,
                                    opt->headless
                                        ? SDL_RENDERER_SOFTWARE
                                        : SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    }
    if (a->ren && ask && !probed && renderer_is_emulated(a->ren)) {
        /* the old way, when the probe failed: OpenGL stays loaded */
        mf_log_info("app", "no graphics processor (OpenGL is %s): SDL's software renderer",
                    gl_renderer_name());
        SDL_DestroyRenderer(a->ren);
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
        if (!a->ren) {
            mf_log_warn("app", "software renderer: %s; back to OpenGL", SDL_GetError());
            SDL_ResetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION);
            a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_ACCELERATED);
        }
    }
    if (!a->ren && !opt->headless)
        a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    if (!a->ren) {
        mf_log_error("app", "cannot create a renderer: %s", SDL_GetError());
        goto fail;
    }
    if (!(SDL_GetWindowFlags(a->win) & SDL_WINDOW_FULLSCREEN_DESKTOP) || opt->headless)
        SDL_ShowCursor(SDL_ENABLE);
    SDL_GetRendererOutputSize(a->ren, &a->out_w, &a->out_h);
    SDL_RendererInfo info;
    a->keeps_frame =
        SDL_GetRendererInfo(a->ren, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    a->ui = ui_create(a->ren);
    a->view = malloc(sizeof *a->view);
    a->snap = calloc(1, sizeof *a->snap);
    if (!a->ui || !a->view || !a->snap)
        goto fail;
    a->devices = opt->devices;
    if (devices_scanner(a->devices))
        devices_claim_events(a->devices, DEVICE_SCANNER); /* feed_tickets reads them */
    a->line = devices_line(opt->devices);
    a->engraver = devices_engraver(opt->devices);
    a->preview = opt->preview;
    a->line_relay = opt->staff ? opt->line_relay : NULL;
    /* make your own reads the line's events itself, unless the staff edge
     * does (then they come through the relay), and the engraver's */
    if (a->line && !opt->staff)
        devices_claim_events(a->devices, DEVICE_LINE);
    if (a->engraver && a->preview)
        devices_claim_events(a->devices, DEVICE_ENGRAVER);
    else
        a->engraver = NULL; /* no orders here: the laser is diag's, not the desk's */
    a->staff = opt->staff;
    a->reload = opt->reload;
    a->reload_ctx = opt->reload_ctx;
    a->video_volume_max = opt->video_volume_max;
    ui_set_video_hook(a->ui, draw_video, a);
    a->line_poll_ms = opt->line_poll_ms > 0 ? opt->line_poll_ms : 50;
    float k = app_units_per_pixel(a);
    a->kiosk = kiosk_create(&opt->kiosk, (float)a->out_w * k, (float)a->out_h * k, app_now(a));
    if (!a->kiosk)
        goto fail;
    if (opt->station_count > 0)
        kiosk_set_stations(a->kiosk, opt->stations, opt->station_count);
    kiosk_set_sink(a->kiosk, opt->sink);
    if (opt->problem)
        kiosk_set_problem(a->kiosk, opt->problem, app_now(a));
    else if (opt->video)
        kiosk_open_video(a->kiosk, opt->video, opt->video_captions, opt->video_poster, true,
                         app_now(a));
    a->need_redraw = true;
    return a;
fail:
    app_destroy(a);
    return NULL;
}

int app_run(const app_options_t *opt)
{
    int status = 0;
    script_t *script = NULL;
    if (opt->script_path) {
        char err[512];
        script = script_load(opt->script_path, err, sizeof err);
        if (!script) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
    }
    app_t *a = app_create(opt);
    if (!a) {
        script_destroy(script);
        return 2;
    }
    if (opt->reload) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = app_on_hup;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGHUP, &sa, NULL);
    }
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(a->ren, &info) != 0)
        info.name = "unknown";
    /* "kiosk started" also means: SIGHUP now reloads the pack */
    mf_log_info("app", "kiosk started: %dx%d px, %s renderer%s", a->out_w, a->out_h, info.name,
                opt->headless ? ", headless" : "");
    app_draw(a);
    app_present(a);
    if (script)
        status = script_run(a, script, opt->shots_dir) == MF_OK ? 0 : 1;
    if (!script || opt->stay) {
        while (!kiosk_quit_requested(a->kiosk))
            app_pump(a, app_wait_ms(a));
    }
    mf_log_info("app", "kiosk stopped: %llu whole frames and %llu video frames alone drawn",
                (unsigned long long)a->frames_whole, (unsigned long long)a->frames_video);
    script_destroy(script);
    app_destroy(a);
    return status;
}
