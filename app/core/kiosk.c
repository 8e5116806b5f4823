/*
 * kiosk.c - what all the kiosk's screens share: the screen stack and its
 * slides, the pointer (tap, long press, swipe back), idle, the visit's
 * beginning and end and its events, the line's and the video's status, and
 * the dispatch to the screen on top (screen.h). Each screen's own layout and
 * actions live in app/core/screens/<id>.c. See kiosk.h for the contract.
 */
#include "kiosk_priv.h"
#include "staff_console.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small accessors --------------------------------------------------- */

static const screen_class_t *top_class(const kiosk_t *k)
{
    return screen_class(kiosk_screen(k));
}

const char *kiosk_screen_id(kiosk_screen_t s)
{
    const screen_class_t *c = screen_class(s);
    return c ? c->id : "unknown";
}

kiosk_screen_t kiosk_screen(const kiosk_t *k)
{
    return k->stack[k->depth - 1].screen;
}

const char *kiosk_arg(const kiosk_t *k)
{
    return k->stack[k->depth - 1].arg;
}

int64_t kiosk_entered(const kiosk_t *k)
{
    return k->stack[k->depth - 1].entered;
}

const char *kiosk_language(const kiosk_t *k)
{
    return k->language;
}

bool kiosk_quit_requested(const kiosk_t *k)
{
    return k->quit;
}

uint64_t kiosk_generation(const kiosk_t *k)
{
    return k->generation;
}

/* ---- the visit --------------------------------------------------------- */

/* Remembers a trade the visitor looked at (for the QR code at the end). */
static void note_trade(kiosk_t *k, const char *id, int64_t dwell)
{
    kiosk_visit_t *vi = &k->visit;
    for (int i = 0; i < vi->trade_count; i++) {
        if (strcmp(vi->trades[i], id) == 0) {
            vi->trade_dwell[i] += dwell;
            return;
        }
    }
    if (vi->trade_count < KIOSK_VISIT_TRADES) {
        snprintf(vi->trades[vi->trade_count], sizeof vi->trades[0], "%s", id);
        vi->trade_dwell[vi->trade_count++] = dwell;
    }
}

void kiosk_emit(kiosk_t *k, visit_event_t *ev, int64_t now)
{
    if (ev->type == VISIT_EV_TRADE && k->visit.active)
        note_trade(k, ev->u.view.id, ev->u.view.dwell_ms);
    ev->at_ms = now;
    ev->visit = k->visit.active ? k->visit.number : 0;
    if (k->sink.emit)
        k->sink.emit(k->sink.ctx, ev);
}

/* The screen on top is left (covered by a push, popped, or the visit ends):
 * its own leave, then how long it was looked at. */
static void leave_top(kiosk_t *k, bool covered, int64_t now)
{
    const screen_class_t *c = top_class(k);
    if (c->leave)
        c->leave(k, covered, now);
    kiosk_screen_t s = kiosk_screen(k);
    if (k->visit.active && s != KIOSK_SCREEN_ATTRACT && s != KIOSK_SCREEN_PROBLEM) {
        visit_event_t ev = {.type = VISIT_EV_SCREEN};
        snprintf(ev.u.view.id, sizeof ev.u.view.id, "%s", c->id);
        ev.u.view.dwell_ms = now > kiosk_entered(k) ? now - kiosk_entered(k) : 0;
        kiosk_emit(k, &ev, now);
    }
}

static void enter_top(kiosk_t *k, bool uncovered, int64_t now)
{
    k->stack[k->depth - 1].entered = now;
    const screen_class_t *c = top_class(k);
    if (c->enter)
        c->enter(k, uncovered, now);
}

void kiosk_start_visit(kiosk_t *k, int64_t now)
{
    if (k->visit.active)
        return;
    memset(&k->visit, 0, sizeof k->visit);
    k->visit.number = ++k->visits;
    k->visit.active = true;
    k->visit.started = now;
    k->visit.perception_before = -1;
    k->visit.satisfaction = -1;
    visit_event_t ev = {.type = VISIT_EV_STARTED};
    kiosk_emit(k, &ev, now);
}

/* Everything of the visitor goes: language, display choices, the visit's
 * state; the stack holds the attract screen alone. */
static void wipe_visit(kiosk_t *k)
{
    kiosk_journey_wipe(k);
    k->depth = 1;
    memset(&k->stack[0], 0, sizeof k->stack[0]);
    k->stack[0].screen = KIOSK_SCREEN_ATTRACT;
    snprintf(k->language, sizeof k->language, "%s", k->default_language);
    k->high_contrast = k->opt.high_contrast;
    k->big_text = false;
    memset(&k->ptr, 0, sizeof k->ptr);
    memset(&k->visit, 0, sizeof k->visit);
    k->visit.perception_before = -1;
    k->visit.satisfaction = -1;
}

void kiosk_end_visit(kiosk_t *k, visit_end_reason_t reason, int64_t now)
{
    /* (A visitor who walked away looked at their screen until their last
     * touch: "still there?" covered it then, see kiosk_push.) */
    if (kiosk_screen(k) != KIOSK_SCREEN_ATTRACT)
        leave_top(k, false, now);
    if (k->visit.active) {
        visit_event_t ev = {.type = VISIT_EV_ENDED};
        ev.u.end.reason = reason;
        kiosk_emit(k, &ev, now);
    }
    wipe_visit(k);
    k->stack[0].entered = now;
    k->transition_start = now;
    k->transition_dir = -1;
    k->generation++;
    kiosk_hook_fn hook = k->after_visit;
    k->after_visit = NULL;
    if (hook)
        hook(k->after_visit_ctx, k, now);
}

bool kiosk_visit_active(const kiosk_t *k)
{
    return k->visit.active;
}

void kiosk_after_visit(kiosk_t *k, kiosk_hook_fn fn, void *ctx, int64_t now)
{
    if (!k->visit.active) {
        k->after_visit = NULL;
        fn(ctx, k, now);
        return;
    }
    k->after_visit = fn;
    k->after_visit_ctx = ctx;
}

/* ---- life cycle -------------------------------------------------------- */

kiosk_t *kiosk_create(const kiosk_options_t *opt, float w_units, float h_units, int64_t now)
{
    kiosk_t *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->opt = *opt;
    k->pack = opt->pack;
    snprintf(k->qr_base, sizeof k->qr_base, "%s", opt->qr_base_url ? opt->qr_base_url : "");
    k->opt.qr_base_url = k->qr_base;
    snprintf(k->default_language, sizeof k->default_language, "%s",
             opt->language && strcmp(opt->language, "en") == 0 ? "en" : "fr");
    k->opt.language = k->default_language;
    k->pack = opt->pack;
    if (!(k->opt.mm_per_unit > 0.1f))
        k->opt.mm_per_unit = KIOSK_DEFAULT_MM_PER_UNIT;
    if (k->opt.idle_timeout_ms <= 0)
        k->opt.idle_timeout_ms = 90000;
    k->staff = staff_console_create();
    if (!k->staff) {
        free(k);
        return NULL;
    }
    k->w = w_units;
    k->h = h_units;
    k->last_input = now;
    k->transition_start = now - KIOSK_TRANSITION_MS;
    wipe_visit(k);
    k->stack[0].entered = now;
    return k;
}

void kiosk_destroy(kiosk_t *k)
{
    if (k) {
        kiosk_journey_wipe(k);
        free(k->problem);
        staff_console_destroy(k->staff);
    }
    free(k);
}

void kiosk_set_pack(kiosk_t *k, const struct content_pack *pack)
{
    kiosk_journey_wipe(k); /* the quiz points into the old pack */
    k->pack = pack;
    k->generation++;
}

float kiosk_target_units(const kiosk_t *k)
{
    return KIOSK_TARGET_MM / k->opt.mm_per_unit;
}

void kiosk_set_sink(kiosk_t *k, visit_sink_t sink)
{
    k->sink = sink;
}

void kiosk_set_text(kiosk_t *k, kiosk_text_fn text, void *ctx)
{
    k->opt.text = text;
    k->opt.text_ctx = ctx;
    k->generation++;
}

void kiosk_set_stations(kiosk_t *k, const kiosk_station_t *stations, int count)
{
    if (count > KIOSK_MAX_STATIONS)
        count = KIOSK_MAX_STATIONS;
    if (count < 0)
        count = 0;
    memcpy(k->stations, stations, (size_t)count * sizeof *stations);
    k->station_count = count;
    k->generation++;
}

void kiosk_set_problem(kiosk_t *k, const char *text, int64_t now)
{
    free(k->problem);
    k->problem = text ? strdup(text) : NULL;
    kiosk_end_visit(k, VISIT_END_STAFF, now);
    if (text)
        k->stack[0].screen = KIOSK_SCREEN_PROBLEM;
    k->transition_start = now - KIOSK_TRANSITION_MS;
    k->last_input = now;
    k->generation++;
}

/* ---- navigation -------------------------------------------------------- */

/* The stack becomes DEPTH deep with S about ARG on top, entered with a
 * slide from the right (the screen left was told so by the caller). */
static void put_top(kiosk_t *k, int depth, kiosk_screen_t s, const char *arg, int64_t now)
{
    k->depth = depth;
    kiosk_frame_t *f = &k->stack[depth - 1];
    f->screen = s;
    snprintf(f->arg, sizeof f->arg, "%s", arg ? arg : "");
    enter_top(k, false, now);
    k->transition_start = now;
    k->transition_dir = 1;
    k->generation++;
}

void kiosk_push(kiosk_t *k, kiosk_screen_t s, const char *arg, int64_t now)
{
    if (kiosk_screen(k) == KIOSK_SCREEN_ATTRACT && s != KIOSK_SCREEN_PROBLEM)
        kiosk_start_visit(k, now);
    /* "still there?" covers a screen the visitor stopped looking at with
     * their last touch */
    leave_top(k, true, s == KIOSK_SCREEN_STILL_THERE ? k->last_input : now);
    put_top(k, k->depth < KIOSK_STACK_MAX ? k->depth + 1 : k->depth, s, arg, now);
}

void kiosk_pop(kiosk_t *k, int64_t now)
{
    if (k->depth <= 1)
        return;
    leave_top(k, false, now);
    k->depth--;
    enter_top(k, true, now);
    k->transition_start = now;
    k->transition_dir = -1;
    k->generation++;
}

void kiosk_replace(kiosk_t *k, kiosk_screen_t s, const char *arg, int64_t now)
{
    leave_top(k, false, now);
    put_top(k, k->depth, s, arg, now);
}

void kiosk_finish_visit(kiosk_t *k, int64_t now)
{
    if (!k->visit.active)
        return;
    k->visit.survey_step = KIOSK_SURVEY_PERCEPTION;
    kiosk_push(k, KIOSK_SCREEN_SURVEY, NULL, now);
}

void kiosk_visit_qr_url(const kiosk_t *k, char *buf, size_t size)
{
    const kiosk_visit_t *vi = &k->visit;
    buf[0] = '\0';
    if (vi->trade_count == 0 || !k->pack)
        return;
    if (vi->trade_count == 1 || !k->qr_base[0]) {
        int best = 0;
        for (int i = 1; i < vi->trade_count; i++)
            if (vi->trade_dwell[i] > vi->trade_dwell[best])
                best = i;
        const content_trade_t *t = content_trade_find(k->pack, vi->trades[best]);
        snprintf(buf, size, "%s", t && t->link ? t->link : "");
        return;
    }
    char ids[KIOSK_VISIT_TRADES * VISIT_ID_MAX] = "";
    for (int i = 0; i < vi->trade_count; i++) {
        strncat(ids, i ? "," : "", sizeof ids - strlen(ids) - 1);
        strncat(ids, vi->trades[i], sizeof ids - strlen(ids) - 1);
    }
    const char *const names[] = {"ids"};
    const char *const values[] = {ids};
    content_format(buf, size, k->qr_base, names, values, 1);
}

void kiosk_reset_to(kiosk_t *k, kiosk_screen_t s, const char *arg, int64_t now)
{
    leave_top(k, false, now);
    put_top(k, 1, s, arg, now);
}

void kiosk_replace_above(kiosk_t *k, kiosk_screen_t below, kiosk_screen_t s, const char *arg,
                         int64_t now)
{
    leave_top(k, false, now);
    int keep = k->depth - 1;
    for (int i = k->depth - 2; i >= 0; i--) {
        if (k->stack[i].screen == below) {
            keep = i + 1;
            break;
        }
    }
    put_top(k, keep + 1, s, arg, now);
}

/* ---- the video (shared by every screen that shows one) ----------------- */

void kiosk_open_video(kiosk_t *k, const char *media, const char *captions, const char *poster,
                      bool standalone, int64_t now)
{
    kiosk_video_t *v = &k->video;
    snprintf(v->media, sizeof v->media, "%s", media ? media : "");
    snprintf(v->captions, sizeof v->captions, "%s", captions ? captions : "");
    snprintf(v->poster, sizeof v->poster, "%s", poster ? poster : "");
    v->want_play = true;
    v->captions_on = true;
    k->video_standalone = standalone;
    memset(&k->video_status, 0, sizeof k->video_status);
    k->video_status.state = MF_VIDEO_LOADING;
    if (standalone) {
        k->depth = 1;
        memset(&k->stack[0], 0, sizeof k->stack[0]);
        k->stack[0].screen = KIOSK_SCREEN_PLAYER;
        k->stack[0].entered = now;
        k->transition_start = now - KIOSK_TRANSITION_MS;
    } else {
        kiosk_push(k, KIOSK_SCREEN_PLAYER, NULL, now);
    }
    k->generation++;
}

const kiosk_video_t *kiosk_video(const kiosk_t *k)
{
    return top_class(k)->shows_video && k->video.media[0] ? &k->video : NULL;
}

static void kiosk_video_seek(kiosk_t *k, int64_t delta_ms)
{
    int64_t to = k->video_status.position_ms + delta_ms;
    if (to < 0)
        to = 0;
    if (k->video_status.duration_ms > 0 && to > k->video_status.duration_ms)
        to = k->video_status.duration_ms;
    k->video.seek_ms = to;
    k->video.seek_serial++;
}

/* The video controls, on any screen that shows the video. Returns true when
 * ID was one of them. */
static bool kiosk_video_act(kiosk_t *k, const char *id)
{
    if (!top_class(k)->shows_video)
        return false;
    if (strcmp(id, "playpause") == 0) {
        if (k->video_status.state == MF_VIDEO_ENDED)
            k->video.replay_serial++;
        k->video.want_play = k->video_status.state == MF_VIDEO_ENDED || !k->video.want_play;
    } else if (strcmp(id, "replay") == 0) {
        k->video.replay_serial++;
        k->video.want_play = true;
    } else if (strcmp(id, "rewind") == 0) {
        kiosk_video_seek(k, -10000);
    } else if (strcmp(id, "forward") == 0) {
        kiosk_video_seek(k, 10000);
    } else if (strcmp(id, "captions") == 0) {
        k->video.captions_on = !k->video.captions_on;
    } else {
        return false;
    }
    return true;
}

/* True when A and B put the same things on a screen with the video. */
static bool video_shown_same(const mf_video_status_t *a, const mf_video_status_t *b)
{
    return a->state == b->state &&
           a->position_ms / KIOSK_VIDEO_STEP_MS == b->position_ms / KIOSK_VIDEO_STEP_MS &&
           a->duration_ms == b->duration_ms && a->has_captions == b->has_captions &&
           a->captions_on == b->captions_on && strcmp(a->caption, b->caption) == 0 &&
           strcmp(a->message, b->message) == 0;
}

/* ---- taps -------------------------------------------------------------- */

/* Ids every screen may show; the screen's own act() is asked first. */
static void kiosk_act_shared(kiosk_t *k, const char *id, int64_t now)
{
    if (strcmp(id, "back") == 0) {
        kiosk_pop(k, now);
    } else if (strcmp(id, "done") == 0) {
        kiosk_finish_visit(k, now);
    } else if (strcmp(id, "settings") == 0) {
        if (kiosk_screen(k) != KIOSK_SCREEN_SETTINGS)
            kiosk_push(k, KIOSK_SCREEN_SETTINGS, NULL, now);
    } else if (strcmp(id, "lang-fr") == 0 || strcmp(id, "lang-en") == 0) {
        const char *lang = id + 5;
        if (strcmp(k->language, lang) != 0) {
            snprintf(k->language, sizeof k->language, "%s", lang);
            if (k->visit.active) {
                visit_event_t ev = {.type = VISIT_EV_LANGUAGE};
                snprintf(ev.u.language.lang, sizeof ev.u.language.lang, "%s", lang);
                kiosk_emit(k, &ev, now);
            }
        }
    } else if (strcmp(id, "contrast") == 0) {
        k->high_contrast = !k->high_contrast;
    } else if (strcmp(id, "bigtext") == 0) {
        k->big_text = !k->big_text;
    }
}

static void kiosk_activate(kiosk_t *k, const char *id, int64_t now)
{
    const screen_class_t *c = top_class(k);
    if (c->act && c->act(k, id, now))
        return;
    if (kiosk_video_act(k, id))
        return;
    kiosk_act_shared(k, id, now);
}

static void kiosk_pointer_down(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    if (k->ptr.down)
        return; /* a second finger: ignored, one visitor, one finger */
    kiosk_view(k, now, &k->scratch);
    const view_widget_t *w = view_hit(&k->scratch, ev->x, ev->y);
    k->ptr.down = true;
    k->ptr.id = ev->pointer;
    k->ptr.x0 = k->ptr.x = ev->x;
    k->ptr.y0 = k->ptr.y = ev->y;
    k->ptr.t0 = now;
    k->ptr.cancelled = false;
    k->ptr.long_fired = false;
    snprintf(k->ptr.target, sizeof k->ptr.target, "%s", w ? w->id : "");
}

static bool kiosk_pointer_up(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    if (!k->ptr.down || ev->pointer != k->ptr.id)
        return false;
    k->ptr.x = ev->x;
    k->ptr.y = ev->y;
    k->ptr.down = false;
    float dx = k->ptr.x - k->ptr.x0;
    float dy = k->ptr.y - k->ptr.y0;
    /* A horizontal swipe to the right goes back, as on a phone. */
    if (dx > 20.0f && fabsf(dy) < dx * 0.5f && kiosk_screen(k) != KIOSK_SCREEN_ATTRACT) {
        if (kiosk_screen(k) == KIOSK_SCREEN_PLAYER && k->video_standalone)
            return true;
        kiosk_pop(k, now);
        return true;
    }
    if (kiosk_screen(k) == KIOSK_SCREEN_ATTRACT && !k->ptr.target[0]) {
        /* Anywhere on the attract screen starts the visit. */
        kiosk_push(k, KIOSK_SCREEN_LANGUAGE, NULL, now);
        return true;
    }
    if (k->ptr.target[0] && !k->ptr.cancelled && !k->ptr.long_fired) {
        kiosk_view(k, now, &k->scratch);
        const view_widget_t *w = view_find_id(&k->scratch, k->ptr.target);
        if (w && view_rect_contains(w->rect, ev->x, ev->y))
            kiosk_activate(k, k->ptr.target, now);
    }
    return true;
}

/* ---- update ------------------------------------------------------------ */

/* A ticket was scanned: the visit is linked to its anonymous code, with a
 * confirmation on screen; scanned at the attract screen, it starts a visit.
 * A second kiosk scanning the same ticket links its visit to the same code,
 * which is how the statistics follow one visitor's path. */
static void link_ticket(kiosk_t *k, const char *code, int64_t now)
{
    size_t len = strlen(code);
    /* a code that does not fit is not a ticket of ours (the scanner's
     * pattern allows 32 characters): cut short it would be another one */
    if (len == 0 || len >= sizeof k->visit.ticket || kiosk_screen(k) == KIOSK_SCREEN_PROBLEM)
        return;
    if (kiosk_screen(k) == KIOSK_SCREEN_ATTRACT)
        kiosk_push(k, KIOSK_SCREEN_LANGUAGE, NULL, now);
    if (strcmp(k->visit.ticket, code) != 0) {
        memcpy(k->visit.ticket, code, len + 1);
        visit_event_t ev = {.type = VISIT_EV_TICKET};
        memcpy(ev.u.ticket.code, code, len + 1);
        kiosk_emit(k, &ev, now);
    }
    k->visit.toast_until = now + KIOSK_TOAST_MS;
    k->last_input = now;
    k->generation++;
}

/* Passes EV to the screen on top; true when it changed what it shows. */
static bool tell_screen(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    const screen_class_t *c = top_class(k);
    return c->hear && c->hear(k, ev, now);
}

bool kiosk_update(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    uint64_t before = k->generation;
    kiosk_screen_t screen_before = kiosk_screen(k);
    /* The staff console's entry gesture, on visitor screens: a release that
     * ends a corner hold is not a tap. */
    int staff_gesture = staff_console_pointer(k, ev, now);
    if (staff_gesture != STAFF_GESTURE_IDLE && ev->type == MF_EV_POINTER_UP) {
        k->last_input = now;
        k->ptr.down = false;
        k->generation++;
        return true;
    }
    switch (ev->type) {
    case MF_EV_POINTER_DOWN:
        k->last_input = now;
        kiosk_pointer_down(k, ev, now);
        k->generation++;
        break;
    case MF_EV_POINTER_MOVE:
        if (k->ptr.down && ev->pointer == k->ptr.id) {
            k->ptr.x = ev->x;
            k->ptr.y = ev->y;
            if (!k->ptr.cancelled && hypotf(ev->x - k->ptr.x0, ev->y - k->ptr.y0) > 4.0f) {
                k->ptr.cancelled = true; /* a drag, not a tap: release the button */
                k->generation++;
            }
        }
        break;
    case MF_EV_POINTER_UP:
        k->last_input = now;
        if (kiosk_pointer_up(k, ev, now))
            k->generation++;
        break;
    case MF_EV_KEY:
        k->last_input = now;
        if (strcmp(ev->text, "Escape") == 0 || strcmp(ev->text, "AC Back") == 0)
            kiosk_pop(k, now);
        else
            tell_screen(k, ev, now);
        k->generation++;
        break;
    case MF_EV_TEXT:
        k->last_input = now;
        if (tell_screen(k, ev, now))
            k->generation++;
        break;
    case MF_EV_RESIZE:
        if (ev->x > 0 && ev->y > 0) {
            k->w = ev->x;
            k->h = ev->y;
            k->generation++;
        }
        break;
    case MF_EV_QUIT:
        k->quit = true;
        k->generation++;
        break;
    case MF_EV_LINE:
        if (!k->line_known || memcmp(&k->line, &ev->line, sizeof k->line) != 0) {
            k->line = ev->line;
            k->line_known = true;
            k->generation++;
        }
        if (tell_screen(k, ev, now))
            k->generation++;
        break;
    case MF_EV_VIDEO:
        /* The position moves with every frame, but a screen shows it as a
         * time in seconds and a progress bar: the screen changes when the
         * position enters a new KIOSK_VIDEO_STEP_MS step (the picture itself
         * is the player's, drawn at the video's own rate). */
        if (!video_shown_same(&k->video_status, &ev->video))
            k->generation++;
        kiosk_journey_video_status(k, &ev->video);
        k->video_status = ev->video;
        if (tell_screen(k, ev, now))
            k->generation++;
        break;
    case MF_EV_STAFF:
        if (staff_console_hear(k, ev, now))
            k->generation++;
        if (tell_screen(k, ev, now))
            k->generation++;
        break;
    case MF_EV_TICKET:
        link_ticket(k, ev->text, now);
        break;
    case MF_EV_TICK:
    case MF_EV_NONE:
        if (tell_screen(k, ev, now))
            k->generation++;
        break;
    }

    /* Long press: fires once while the finger stays on its target. */
    if (k->ptr.down && !k->ptr.cancelled && !k->ptr.long_fired && k->ptr.target[0] &&
        now - k->ptr.t0 >= KIOSK_LONGPRESS_MS) {
        k->ptr.long_fired = true;
        k->generation++;
    }

    /* Idle: the visitor has left; the next one starts from the attract screen.
     * Watching a video is not leaving. */
    const screen_class_t *c = top_class(k);
    if (c->shows_video && (k->video_standalone || k->video_status.state == MF_VIDEO_PLAYING))
        k->last_input = now;
    if (!c->no_idle && !k->ptr.down && now - k->last_input >= k->opt.idle_timeout_ms)
        kiosk_push(k, KIOSK_SCREEN_STILL_THERE, NULL, now);
    if (k->visit.toast_until && now >= k->visit.toast_until) {
        k->visit.toast_until = 0;
        k->generation++;
    }

    /* Animations and transitions change the picture with time alone. */
    if (now - k->transition_start < KIOSK_TRANSITION_MS + KIOSK_ATTRACT_FRAME_MS ||
        top_class(k)->animated)
        k->generation++;
    if (kiosk_screen(k) != screen_before)
        k->generation++;
    return k->generation != before;
}

int64_t kiosk_next_deadline(const kiosk_t *k, int64_t now)
{
    int64_t next = INT64_MAX;
    const screen_class_t *c = top_class(k);
    if (now - k->transition_start < KIOSK_TRANSITION_MS)
        next = now + 16; /* ~60 frames a second while sliding */
    else if (c->deadline)
        next = c->deadline(k, now);
    if (!c->no_idle) {
        int64_t idle = k->last_input + k->opt.idle_timeout_ms;
        if (idle < next)
            next = idle;
    }
    if (k->ptr.down && !k->ptr.long_fired && k->ptr.target[0]) {
        int64_t lp = k->ptr.t0 + KIOSK_LONGPRESS_MS;
        if (lp < next)
            next = lp;
    }
    if (k->visit.toast_until && k->visit.toast_until < next)
        next = k->visit.toast_until;
    return next;
}

/* ---- layout ------------------------------------------------------------ */

/* Marks the widget under a pressed finger so it can be drawn pressed. */
static void mark_pressed(const kiosk_t *k, view_t *v)
{
    if (!k->ptr.down || k->ptr.cancelled || !k->ptr.target[0])
        return;
    for (size_t i = 0; i < v->count; i++) {
        if (strcmp(v->widgets[i].id, k->ptr.target) == 0)
            v->widgets[i].pressed = true;
    }
}

/* "Ticket linked", over the bottom of any screen for a few seconds. */
static void add_ticket_toast(const kiosk_t *k, view_t *v)
{
    const char *const names[] = {"code"};
    const char *const values[] = {k->visit.ticket};
    char msg[160];
    content_format(msg, sizeof msg, kiosk_text(k, "ticket.linked"), names, values, 1);
    float w = kiosk_portrait(k) ? v->w - 8.0f : 90.0f;
    view_widget_t *t = view_add(v, VIEW_TEXT, "ticket-linked", msg,
                                view_rect((v->w - w) / 2.0f, v->h - 16.0f, w, 10.0f));
    if (t) {
        t->style = VIEW_STYLE_STATUS;
        t->accent = 0x2EC4B6;
        t->font = 4.0f * kiosk_text_scale(k);
    }
}

void kiosk_view(const kiosk_t *k, int64_t now, view_t *v)
{
    const screen_class_t *c = top_class(k);
    assert(c && c->layout);
    view_clear(v, c->id, k->w, k->h);
    v->high_contrast = k->high_contrast;
    v->text_scale = kiosk_text_scale(k);
    int64_t dt = now - k->transition_start;
    v->transition = dt >= KIOSK_TRANSITION_MS ? 1.0f : (float)dt / (float)KIOSK_TRANSITION_MS;
    if (v->transition < 0.0f)
        v->transition = 0.0f;
    v->transition_dir = k->transition_dir;
    c->layout(k, v, now);
    if (k->visit.toast_until > now && k->visit.ticket[0])
        add_ticket_toast(k, v);
    mark_pressed(k, v);
}
