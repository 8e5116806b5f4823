/*
 * kiosk.c - the visitor kiosk's state machine and its screens' layout.
 *
 * Everything a visitor can change goes through kiosk_update(); every screen
 * is laid out by a kiosk_view_<screen>() function in layout units, for
 * landscape and portrait alike. See kiosk.h for the contract.
 */
#include "kiosk.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    bool down;
    int64_t id;               /* which pointer */
    float x0, y0;             /* where it went down */
    float x, y;               /* where it is */
    int64_t t0;               /* when it went down */
    char target[VIEW_ID_MAX]; /* widget under the finger at down, "" if none */
    bool cancelled;           /* moved away: not a tap any more */
    bool long_fired;          /* a long press already acted */
} kiosk_pointer_t;

struct kiosk {
    kiosk_options_t opt;
    char default_language[8];
    kiosk_screen_t stack[KIOSK_STACK_MAX];
    int depth;
    char language[8];
    bool high_contrast;
    bool big_text;
    float w, h;
    int64_t last_input;
    int64_t transition_start;
    int transition_dir;
    kiosk_pointer_t ptr;
    bool quit;
    uint64_t generation;
    bool line_known; /* a line driver reports (false: kiosk without a line) */
    mf_line_status_t line;
    kiosk_station_t stations[KIOSK_MAX_STATIONS];
    int station_count;
    char *problem;         /* non-NULL: the problem screen shows this */
    kiosk_video_t video;   /* what the player screen plays */
    bool video_standalone; /* minifab play: back = quit */
    mf_video_status_t video_status;
    visit_sink_t sink; /* where the visit's events go */
    view_t scratch;    /* the view used for hit-testing inside update */
};

/* ---- text -------------------------------------------------------------- */

static int lang_index(const kiosk_t *k)
{
    return strcmp(k->language, "en") == 0 ? 1 : 0;
}

static const char *kiosk_text(const kiosk_t *k, const char *key)
{
    const char *t = k->opt.text ? k->opt.text(k->opt.text_ctx, k->language, key) : NULL;
    return t ? t : key; /* a missing string shows its key, never crashes */
}

/* ---- life cycle ------------------------------------------------------- */

static void kiosk_push(kiosk_t *k, kiosk_screen_t s, int64_t now);

static const char *const screen_ids[KIOSK_SCREEN_COUNT] = {"attract", "home", "settings", "problem",
                                                           "player"};
_Static_assert(sizeof screen_ids / sizeof screen_ids[0] == KIOSK_SCREEN_COUNT, "one id per screen");

const char *kiosk_screen_id(kiosk_screen_t s)
{
    return (s >= 0 && s < KIOSK_SCREEN_COUNT) ? screen_ids[s] : "unknown";
}

static void kiosk_reset_visit(kiosk_t *k)
{
    k->depth = 1;
    k->stack[0] = KIOSK_SCREEN_ATTRACT;
    snprintf(k->language, sizeof k->language, "%s", k->default_language);
    k->high_contrast = k->opt.high_contrast;
    k->big_text = false;
    memset(&k->ptr, 0, sizeof k->ptr);
}

kiosk_t *kiosk_create(const kiosk_options_t *opt, float w_units, float h_units, int64_t now)
{
    kiosk_t *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->opt = *opt;
    snprintf(k->default_language, sizeof k->default_language, "%s",
             opt->language && strcmp(opt->language, "en") == 0 ? "en" : "fr");
    k->opt.language = k->default_language;
    if (k->opt.idle_timeout_ms <= 0)
        k->opt.idle_timeout_ms = 90000;
    k->w = w_units;
    k->h = h_units;
    k->last_input = now;
    k->transition_start = now - KIOSK_TRANSITION_MS;
    kiosk_reset_visit(k);
    return k;
}

void kiosk_destroy(kiosk_t *k)
{
    if (k)
        free(k->problem);
    free(k);
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
        k->stack[0] = KIOSK_SCREEN_PLAYER;
        k->transition_start = now - KIOSK_TRANSITION_MS;
    } else {
        kiosk_push(k, KIOSK_SCREEN_PLAYER, now);
    }
    k->generation++;
}

const kiosk_video_t *kiosk_video(const kiosk_t *k)
{
    return kiosk_screen(k) == KIOSK_SCREEN_PLAYER && k->video.media[0] ? &k->video : NULL;
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

void kiosk_set_problem(kiosk_t *k, const char *text, int64_t now)
{
    free(k->problem);
    k->problem = text ? strdup(text) : NULL;
    kiosk_reset_visit(k);
    if (text)
        k->stack[0] = KIOSK_SCREEN_PROBLEM;
    k->transition_start = now - KIOSK_TRANSITION_MS;
    k->last_input = now;
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

kiosk_screen_t kiosk_screen(const kiosk_t *k)
{
    return k->stack[k->depth - 1];
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

/* ---- navigation -------------------------------------------------------- */

static void kiosk_push(kiosk_t *k, kiosk_screen_t s, int64_t now)
{
    if (k->depth < KIOSK_STACK_MAX)
        k->stack[k->depth++] = s;
    else
        k->stack[k->depth - 1] = s;
    k->transition_start = now;
    k->transition_dir = 1;
}

static void kiosk_pop(kiosk_t *k, int64_t now)
{
    if (k->depth <= 1)
        return;
    k->depth--;
    k->transition_start = now;
    k->transition_dir = -1;
}

/* The player screen's controls. Returns true when ID was one of them. */
static bool kiosk_video_activate(kiosk_t *k, const char *id)
{
    if (kiosk_screen(k) != KIOSK_SCREEN_PLAYER)
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

static void kiosk_activate(kiosk_t *k, const char *id, int64_t now)
{
    if (kiosk_video_activate(k, id))
        return;
    if (strcmp(id, "start") == 0) {
        kiosk_push(k, KIOSK_SCREEN_HOME, now);
    } else if (strcmp(id, "back") == 0) {
        if (kiosk_screen(k) == KIOSK_SCREEN_PLAYER && k->video_standalone)
            k->quit = true;
        else
            kiosk_pop(k, now);
    } else if (strcmp(id, "settings") == 0) {
        if (kiosk_screen(k) != KIOSK_SCREEN_SETTINGS)
            kiosk_push(k, KIOSK_SCREEN_SETTINGS, now);
    } else if (strcmp(id, "lang-fr") == 0) {
        snprintf(k->language, sizeof k->language, "fr");
    } else if (strcmp(id, "lang-en") == 0) {
        snprintf(k->language, sizeof k->language, "en");
    } else if (strcmp(id, "contrast") == 0) {
        k->high_contrast = !k->high_contrast;
    } else if (strcmp(id, "bigtext") == 0) {
        k->big_text = !k->big_text;
    }
    /* Station cards ("station-<id>") open the station's page, which the
     * visitor-journey work adds; until then a tap on them only gives feedback. */
}

/* ---- update ------------------------------------------------------------ */

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
        kiosk_pop(k, now);
        return true;
    }
    if (kiosk_screen(k) == KIOSK_SCREEN_ATTRACT && !k->ptr.target[0]) {
        /* Anywhere on the attract screen starts the visit. */
        kiosk_push(k, KIOSK_SCREEN_HOME, now);
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

/* True when A and B put the same things on the player screen. */
static bool video_shown_same(const mf_video_status_t *a, const mf_video_status_t *b)
{
    return a->state == b->state &&
           a->position_ms / KIOSK_VIDEO_STEP_MS == b->position_ms / KIOSK_VIDEO_STEP_MS &&
           a->duration_ms == b->duration_ms && a->has_captions == b->has_captions &&
           a->captions_on == b->captions_on && strcmp(a->caption, b->caption) == 0 &&
           strcmp(a->message, b->message) == 0;
}

bool kiosk_update(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    uint64_t before = k->generation;
    kiosk_screen_t screen_before = kiosk_screen(k);
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
        if (strcmp(ev->text, "Escape") == 0 || strcmp(ev->text, "AC Back") == 0) {
            kiosk_pop(k, now);
        } else if (kiosk_screen(k) == KIOSK_SCREEN_ATTRACT &&
                   (strcmp(ev->text, "Return") == 0 || strcmp(ev->text, "Space") == 0)) {
            kiosk_push(k, KIOSK_SCREEN_HOME, now);
        }
        k->generation++;
        break;
    case MF_EV_TEXT:
        k->last_input = now;
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
        break;
    case MF_EV_VIDEO: {
        /* The position moves with every frame, but the screen shows it as a
         * time in seconds and a progress bar: the screen changes when the
         * position enters a new KIOSK_VIDEO_STEP_MS step (the picture itself
         * is the player's, drawn at the video's own rate). */
        if (!video_shown_same(&k->video_status, &ev->video))
            k->generation++;
        k->video_status = ev->video;
        break;
    }
    case MF_EV_ORDER:
    case MF_EV_ENGRAVER:
    case MF_EV_TICKET:
    case MF_EV_TICK:
    case MF_EV_NONE:
        break;
    }

    /* Long press: fires once while the finger stays on its target. */
    if (k->ptr.down && !k->ptr.cancelled && !k->ptr.long_fired && k->ptr.target[0] &&
        now - k->ptr.t0 >= KIOSK_LONGPRESS_MS) {
        k->ptr.long_fired = true;
        k->generation++;
    }

    /* Idle: the visitor has left; the next one starts from the attract screen. */
    if (kiosk_screen(k) == KIOSK_SCREEN_PLAYER &&
        (k->video_standalone || k->video_status.state == MF_VIDEO_PLAYING))
        k->last_input = now; /* watching is not leaving */
    if (kiosk_screen(k) != KIOSK_SCREEN_ATTRACT && kiosk_screen(k) != KIOSK_SCREEN_PROBLEM &&
        !k->ptr.down && now - k->last_input >= k->opt.idle_timeout_ms) {
        kiosk_reset_visit(k);
        k->transition_start = now;
        k->transition_dir = -1;
        k->generation++;
    }

    /* Animations and transitions change the picture with time alone. */
    if (now - k->transition_start < KIOSK_TRANSITION_MS + KIOSK_ATTRACT_FRAME_MS ||
        kiosk_screen(k) == KIOSK_SCREEN_ATTRACT)
        k->generation++;
    if (kiosk_screen(k) != screen_before)
        k->generation++;
    return k->generation != before;
}

int64_t kiosk_next_deadline(const kiosk_t *k, int64_t now)
{
    int64_t next = INT64_MAX;
    if (now - k->transition_start < KIOSK_TRANSITION_MS)
        next = now + 16; /* ~60 frames a second while sliding */
    else if (kiosk_screen(k) == KIOSK_SCREEN_ATTRACT)
        next = now + KIOSK_ATTRACT_FRAME_MS;
    if (kiosk_screen(k) != KIOSK_SCREEN_ATTRACT && kiosk_screen(k) != KIOSK_SCREEN_PROBLEM) {
        int64_t idle = k->last_input + k->opt.idle_timeout_ms;
        if (idle < next)
            next = idle;
    }
    if (k->ptr.down && !k->ptr.long_fired && k->ptr.target[0]) {
        int64_t lp = k->ptr.t0 + KIOSK_LONGPRESS_MS;
        if (lp < next)
            next = lp;
    }
    return next;
}

/* ---- layout ------------------------------------------------------------ */

static bool portrait(const kiosk_t *k)
{
    return k->h > k->w;
}

static float text_scale(const kiosk_t *k)
{
    return k->big_text ? 1.25f : 1.0f;
}

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

static view_widget_t *add_button(view_t *v, const char *id, const char *label, view_rect_t r,
                                 view_style_t style, view_icon_t icon)
{
    view_widget_t *w = view_add(v, VIEW_BUTTON, id, label, r);
    if (w) {
        w->style = style;
        w->icon = icon;
    }
    return w;
}

static view_widget_t *add_text(view_t *v, const char *label, view_rect_t r, view_style_t style,
                               float font)
{
    view_widget_t *w = view_add(v, VIEW_TEXT, NULL, label, r);
    if (w) {
        w->style = style;
        w->font = font;
    }
    return w;
}

/* The bar at the top of every screen but attract: back, title, settings. */
static void layout_top_bar(const kiosk_t *k, view_t *v, const char *title)
{
    float m = 4.0f, bh = 11.0f;
    add_button(v, "back", kiosk_text(k, "nav.back"), view_rect(m, m, 26.0f, bh), VIEW_STYLE_GHOST,
               VIEW_ICON_BACK);
    add_text(v, title, view_rect(m + 30.0f, m, v->w - 2 * m - 60.0f, bh), VIEW_STYLE_TITLE,
             7.0f * text_scale(k));
    if (kiosk_screen(k) != KIOSK_SCREEN_SETTINGS)
        add_button(v, "settings", kiosk_text(k, "settings.title"),
                   view_rect(v->w - m - 26.0f, m, 26.0f, bh), VIEW_STYLE_GHOST, VIEW_ICON_SETTINGS);
}

static void layout_attract(const kiosk_t *k, view_t *v, int64_t now)
{
    float w = v->w, h = v->h, m = 6.0f;
    float pulse = 0.5f + 0.5f * sinf((float)(now % 2000) / 2000.0f * 2.0f * (float)M_PI);
    float ts = text_scale(k);
    view_widget_t *c;

    if (!portrait(k)) {
        add_text(v, kiosk_text(k, "app.title"), view_rect(m, 10.0f, w * 0.58f, 26.0f),
                 VIEW_STYLE_TITLE, 11.0f * ts)
            ->align = VIEW_ALIGN_LEFT;
        add_text(v, kiosk_text(k, "app.tagline"), view_rect(m, 37.0f, w * 0.52f, 16.0f),
                 VIEW_STYLE_BODY, 5.0f * ts)
            ->align = VIEW_ALIGN_LEFT;
        c = view_add(v, VIEW_CONVEYOR, NULL, NULL, view_rect(w * 0.62f, 8.0f, w * 0.34f, 48.0f));
        c->value = (float)(now % 6000) / 6000.0f;
        c->animated = true;
        c = add_button(v, "start", kiosk_text(k, "home.start"),
                       view_rect(m, 60.0f, w * 0.52f, 17.0f), VIEW_STYLE_PRIMARY, VIEW_ICON_HAND);
        c->value = pulse;
        c->animated = true;
        c->font = 5.5f * ts;
        add_button(v, "lang-fr", kiosk_text(k, "lang.fr"),
                   view_rect(w - m - 58.0f, 82.0f, 28.0f, 11.0f),
                   strcmp(k->language, "fr") ? VIEW_STYLE_SECONDARY : VIEW_STYLE_TOGGLE_ON,
                   VIEW_ICON_NONE);
        add_button(v, "lang-en", kiosk_text(k, "lang.en"),
                   view_rect(w - m - 28.0f, 82.0f, 28.0f, 11.0f),
                   strcmp(k->language, "en") ? VIEW_STYLE_SECONDARY : VIEW_STYLE_TOGGLE_ON,
                   VIEW_ICON_NONE);
        add_button(v, "settings", kiosk_text(k, "settings.title"),
                   view_rect(m, 82.0f, 30.0f, 11.0f), VIEW_STYLE_GHOST, VIEW_ICON_SETTINGS);
    } else {
        add_text(v, kiosk_text(k, "app.title"), view_rect(m, 12.0f, w - 2 * m, 30.0f),
                 VIEW_STYLE_TITLE, 11.0f * ts);
        add_text(v, kiosk_text(k, "app.tagline"), view_rect(m, 44.0f, w - 2 * m, 18.0f),
                 VIEW_STYLE_BODY, 5.0f * ts);
        c = view_add(v, VIEW_CONVEYOR, NULL, NULL, view_rect(m, 66.0f, w - 2 * m, 52.0f));
        c->value = (float)(now % 6000) / 6000.0f;
        c->animated = true;
        c = add_button(v, "start", kiosk_text(k, "home.start"),
                       view_rect(m, 126.0f, w - 2 * m, 20.0f), VIEW_STYLE_PRIMARY, VIEW_ICON_HAND);
        c->value = pulse;
        c->animated = true;
        c->font = 5.5f * ts;
        float bw = (w - 2 * m - 8.0f) / 3.0f;
        add_button(v, "settings", kiosk_text(k, "settings.title"),
                   view_rect(m, h - 18.0f, bw, 11.0f), VIEW_STYLE_GHOST, VIEW_ICON_SETTINGS);
        add_button(v, "lang-fr", kiosk_text(k, "lang.fr"),
                   view_rect(m + bw + 4.0f, h - 18.0f, bw, 11.0f),
                   strcmp(k->language, "fr") ? VIEW_STYLE_SECONDARY : VIEW_STYLE_TOGGLE_ON,
                   VIEW_ICON_NONE);
        add_button(v, "lang-en", kiosk_text(k, "lang.en"),
                   view_rect(m + 2 * (bw + 4.0f), h - 18.0f, bw, 11.0f),
                   strcmp(k->language, "en") ? VIEW_STYLE_SECONDARY : VIEW_STYLE_TOGGLE_ON,
                   VIEW_ICON_NONE);
    }
}

/* The line's state in a pill: visitors see at once whether their object can
 * be made now; when the line is down, they are told the rest still works. */
static void add_line_status(const kiosk_t *k, view_t *v, view_rect_t r)
{
    const char *key;
    uint32_t colour;
    if (!k->line.online) {
        key = "line.offline";
        colour = 0x9AA5CE;
    } else if (k->line.estop) {
        key = "line.estop";
        colour = 0xE63946;
    } else if (k->line.fault) {
        key = "line.fault";
        colour = 0xFF7A1A;
    } else if (k->line.running) {
        key = "line.running";
        colour = 0x2EC4B6;
    } else {
        key = "line.stopped";
        colour = 0xFFD23F;
    }
    view_widget_t *w = view_add(v, VIEW_TEXT, "line-status", kiosk_text(k, key), r);
    if (w) {
        w->style = VIEW_STYLE_STATUS;
        w->accent = colour;
        w->font = 3.6f * text_scale(k);
    }
}

static void layout_home(const kiosk_t *k, view_t *v)
{
    float m = 4.0f, top = 19.0f;
    float ts = text_scale(k);
    int li = lang_index(k);
    layout_top_bar(k, v, kiosk_text(k, "home.choose_station"));
    if (!k->line_known) {
        add_text(v, kiosk_text(k, "home.subtitle"), view_rect(m, top, v->w - 2 * m, 7.0f),
                 VIEW_STYLE_CAPTION, 4.0f * ts);
    } else if (portrait(k)) {
        add_text(v, kiosk_text(k, "home.subtitle"), view_rect(m, top, v->w - 2 * m, 7.0f),
                 VIEW_STYLE_CAPTION, 4.0f * ts);
        top += 8.0f;
        add_line_status(k, v, view_rect(m, top, v->w - 2 * m, 7.0f));
    } else {
        float sw = v->w * 0.42f;
        add_text(v, kiosk_text(k, "home.subtitle"),
                 view_rect(m, top, v->w - 2 * m - sw - 2.0f, 7.0f), VIEW_STYLE_CAPTION, 4.0f * ts)
            ->align = VIEW_ALIGN_LEFT;
        add_line_status(k, v, view_rect(v->w - m - sw, top, sw, 7.0f));
    }
    top += 9.0f;
    if (k->station_count == 0)
        return;
    int cols = portrait(k) ? 2 : (k->station_count > 8 ? 5 : 4);
    int rows = (k->station_count + cols - 1) / cols;
    float gap = 3.0f;
    float cw = (v->w - 2 * m - (float)(cols - 1) * gap) / (float)cols;
    float ch = (v->h - top - m - (float)(rows - 1) * gap) / (float)rows;
    if (ch > cw)
        ch = cw;
    for (int i = 0; i < k->station_count; i++) {
        const kiosk_station_t *s = &k->stations[i];
        float x = m + (float)(i % cols) * (cw + gap);
        float y = top + (float)(i / cols) * (ch + gap);
        char id[VIEW_ID_MAX];
        snprintf(id, sizeof id, "station-%s", s->id);
        view_widget_t *card = add_button(v, id, s->title[li], view_rect(x, y, cw, ch),
                                         VIEW_STYLE_CARD, VIEW_ICON_NONE);
        if (!card)
            break;
        card->accent = s->colour;
        card->font = 4.2f * ts;
        snprintf(card->path, sizeof card->path, "%s", s->picture);
        card->value = (float)s->line_number;
    }
}

static void layout_settings(const kiosk_t *k, view_t *v)
{
    float m = 4.0f, top = 22.0f;
    float ts = text_scale(k);
    float cw = portrait(k) ? v->w - 2 * m : 110.0f;
    float x = (v->w - cw) / 2.0f;
    float lw = cw * 0.5f, bw = cw * 0.5f - 2.0f, rh = 14.0f, gap = 5.0f;
    layout_top_bar(k, v, kiosk_text(k, "settings.title"));

    add_text(v, kiosk_text(k, "settings.language"), view_rect(x, top, lw, rh), VIEW_STYLE_BODY,
             5.0f * ts)
        ->align = VIEW_ALIGN_LEFT;
    add_button(v, "lang-fr", kiosk_text(k, "lang.fr"), view_rect(x + lw, top, bw / 2 - 1, rh),
               strcmp(k->language, "fr") ? VIEW_STYLE_SECONDARY : VIEW_STYLE_TOGGLE_ON,
               VIEW_ICON_NONE);
    add_button(
        v, "lang-en", kiosk_text(k, "lang.en"), view_rect(x + lw + bw / 2 + 1, top, bw / 2 - 1, rh),
        strcmp(k->language, "en") ? VIEW_STYLE_SECONDARY : VIEW_STYLE_TOGGLE_ON, VIEW_ICON_NONE);
    top += rh + gap;
    add_text(v, kiosk_text(k, "settings.contrast"), view_rect(x, top, lw, rh), VIEW_STYLE_BODY,
             5.0f * ts)
        ->align = VIEW_ALIGN_LEFT;
    add_button(v, "contrast", kiosk_text(k, k->high_contrast ? "settings.on" : "settings.off"),
               view_rect(x + lw, top, bw, rh),
               k->high_contrast ? VIEW_STYLE_TOGGLE_ON : VIEW_STYLE_SECONDARY, VIEW_ICON_CONTRAST);
    top += rh + gap;
    add_text(v, kiosk_text(k, "settings.bigtext"), view_rect(x, top, lw, rh), VIEW_STYLE_BODY,
             5.0f * ts)
        ->align = VIEW_ALIGN_LEFT;
    add_button(v, "bigtext", kiosk_text(k, k->big_text ? "settings.on" : "settings.off"),
               view_rect(x + lw, top, bw, rh),
               k->big_text ? VIEW_STYLE_TOGGLE_ON : VIEW_STYLE_SECONDARY, VIEW_ICON_TEXT_SIZE);
}

static void format_time(char *buf, size_t size, int64_t ms)
{
    /* m:ss, minutes capped at 999 (a job video is a few minutes long) */
    int sec = ms <= 0 ? 0 : ms >= 60000000 ? 59999 : (int)(ms / 1000);
    snprintf(buf, size, "%d:%02d", sec / 60 % 1000, sec % 60);
}

/* A job video filling the screen above a bar of big controls. The video
 * widget's label is the caption showing now, so scripts can expect it. */
static void layout_player(const kiosk_t *k, view_t *v)
{
    const mf_video_status_t *st = &k->video_status;
    float m = 3.0f, bar = portrait(k) ? 34.0f : 17.0f;
    float ts = text_scale(k);
    view_widget_t *w =
        view_add(v, VIEW_VIDEO, "video", st->caption, view_rect(0, 0, v->w, v->h - bar - 5.0f));
    if (w) {
        snprintf(w->path, sizeof w->path, "%s", k->video.media);
        w->animated = true;
    }
    /* progress and time, clear of the picture (a new frame is drawn alone) */
    float py = v->h - bar - 4.0f;
    /* the position as shown: in KIOSK_VIDEO_STEP_MS steps (see MF_EV_VIDEO),
     * so that the screen is the same whenever it is drawn within a step */
    int64_t shown = st->state == MF_VIDEO_ENDED
                        ? st->duration_ms
                        : st->position_ms / KIOSK_VIDEO_STEP_MS * KIOSK_VIDEO_STEP_MS;
    w = view_add(v, VIEW_PROGRESS, "progress", NULL, view_rect(m, py, v->w - 2 * m - 26.0f, 2.0f));
    if (w) {
        w->value = st->duration_ms > 0 ? (float)shown / (float)st->duration_ms : 0.0f;
        w->animated = true;
    }
    char t1[24], t2[24], times[56];
    format_time(t1, sizeof t1, shown);
    format_time(t2, sizeof t2, st->duration_ms);
    snprintf(times, sizeof times, "%s / %s", t1, t2);
    w = add_text(v, times, view_rect(v->w - m - 24.0f, py - 1.0f, 24.0f, 4.0f), VIEW_STYLE_CAPTION,
                 3.2f);
    if (w)
        w->animated = true;
    if (st->state == MF_VIDEO_FAILED && st->message[0]) {
        w = add_text(v, st->message, view_rect(m, py - 12.0f, v->w - 2 * m, 8.0f), VIEW_STYLE_BODY,
                     4.0f);
        if (w)
            snprintf(w->id, sizeof w->id, "video-message");
    }
    /* controls: back, play/pause, replay, -10 s, +10 s, captions */
    bool pausable =
        (st->state == MF_VIDEO_PLAYING || st->state == MF_VIDEO_LOADING) && k->video.want_play;
    struct {
        const char *id, *key;
        view_icon_t icon;
        view_style_t style;
    } c[6] = {
        {"back", "nav.back", VIEW_ICON_BACK, VIEW_STYLE_GHOST},
        {"playpause", pausable ? "video.pause" : "video.play",
         pausable ? VIEW_ICON_PAUSE : VIEW_ICON_PLAY, VIEW_STYLE_PRIMARY},
        {"replay", "video.replay", VIEW_ICON_NONE, VIEW_STYLE_SECONDARY},
        {"rewind", "video.rewind", VIEW_ICON_NONE, VIEW_STYLE_SECONDARY},
        {"forward", "video.forward", VIEW_ICON_NONE, VIEW_STYLE_SECONDARY},
        {"captions", k->video.captions_on ? "video.captions_on" : "video.captions_off",
         VIEW_ICON_NONE, k->video.captions_on ? VIEW_STYLE_TOGGLE_ON : VIEW_STYLE_SECONDARY},
    };
    int cols = portrait(k) ? 3 : 6;
    float gap = 2.0f, bh = portrait(k) ? (bar - gap) / 2.0f : bar - 2.0f;
    float bw = (v->w - 2 * m - (float)(cols - 1) * gap) / (float)cols;
    for (int i = 0; i < 6; i++) {
        float x = m + (float)(i % cols) * (bw + gap);
        float y = v->h - bar - 1.0f + (float)(i / cols) * (bh + gap);
        w = add_button(v, c[i].id, kiosk_text(k, c[i].key), view_rect(x, y, bw, bh), c[i].style,
                       c[i].icon);
        if (w)
            w->font = 4.2f * ts;
    }
    if (!k->video_status.has_captions) {
        /* nothing to toggle: say so rather than offer a dead button */
        view_widget_t *cap = (view_widget_t *)view_find_id(v, "captions");
        if (cap) {
            snprintf(cap->label, sizeof cap->label, "%s", kiosk_text(k, "video.no_captions"));
            cap->style = VIEW_STYLE_SECONDARY;
        }
    }
}

/* Staff-facing, in both languages at once (the broken pack holds the texts). */
static void layout_problem(const kiosk_t *k, view_t *v)
{
    float m = 6.0f;
    add_text(v, "Le contenu du kiosque a un problème\nThe kiosk's content has a problem",
             view_rect(m, 4.0f, v->w - 2 * m, 20.0f), VIEW_STYLE_TITLE, 6.0f)
        ->align = VIEW_ALIGN_LEFT;
    view_widget_t *w =
        add_text(v, k->problem ? k->problem : "",
                 view_rect(m, 27.0f, v->w - 2 * m, v->h - 27.0f - 22.0f), VIEW_STYLE_BODY, 3.2f);
    if (w) {
        w->align = VIEW_ALIGN_LEFT;
        snprintf(w->id, sizeof w->id, "problem-messages");
    }
    add_text(
        v,
        "Corrigez le dossier de contenu (minifab content check DOSSIER), puis appuyez sur F5.\n"
        "Fix the content folder (minifab content check FOLDER), then press F5.",
        view_rect(m, v->h - 19.0f, v->w - 2 * m, 15.0f), VIEW_STYLE_CAPTION, 3.5f)
        ->align = VIEW_ALIGN_LEFT;
}

void kiosk_view(const kiosk_t *k, int64_t now, view_t *v)
{
    kiosk_screen_t s = kiosk_screen(k);
    view_clear(v, kiosk_screen_id(s), k->w, k->h);
    v->high_contrast = k->high_contrast;
    v->text_scale = text_scale(k);
    int64_t dt = now - k->transition_start;
    v->transition = dt >= KIOSK_TRANSITION_MS ? 1.0f : (float)dt / (float)KIOSK_TRANSITION_MS;
    if (v->transition < 0.0f)
        v->transition = 0.0f;
    v->transition_dir = k->transition_dir;
    switch (s) {
    case KIOSK_SCREEN_ATTRACT:
        layout_attract(k, v, now);
        break;
    case KIOSK_SCREEN_HOME:
        layout_home(k, v);
        break;
    case KIOSK_SCREEN_SETTINGS:
        layout_settings(k, v);
        break;
    case KIOSK_SCREEN_PROBLEM:
        layout_problem(k, v);
        break;
    case KIOSK_SCREEN_PLAYER:
        layout_player(k, v);
        break;
    case KIOSK_SCREEN_COUNT:
        assert(0 && "not a screen");
        break;
    }
    mark_pressed(k, v);
}
