/*
 * kiosk.h - the visitor kiosk's state and its one update function.
 *
 * The UI is a function of this state: kiosk_update(state, event, now) is the
 * only place it changes; kiosk_view() describes what to draw; drawing only
 * reads. Time is an input (milliseconds on any monotonic clock), so tests can
 * fast-forward idle timeouts and animations without waiting.
 */
#ifndef MF_KIOSK_H
#define MF_KIOSK_H

#include "event.h"
#include "view.h"
#include "visit_event.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    KIOSK_SCREEN_ATTRACT = 0, /* nobody touches the kiosk: invite, animate */
    KIOSK_SCREEN_HOME,        /* choose a station */
    KIOSK_SCREEN_SETTINGS,    /* language, contrast, text size */
    KIOSK_SCREEN_PROBLEM,     /* staff-facing: the content pack cannot be used */
    KIOSK_SCREEN_PLAYER,      /* a job video, full window, with its controls */
    KIOSK_SCREEN_STAFF_PIN,     /* staff: the PIN pad (after the corner gesture) */
    KIOSK_SCREEN_STAFF_LINE,    /* staff: the line, its commands and alarms */
    KIOSK_SCREEN_STAFF_DEVICES, /* staff: every device, reconnect */
    KIOSK_SCREEN_STAFF_GROUP,   /* staff: the current stop and group */
    KIOSK_SCREEN_STAFF_STATS,   /* organiser: figures, exports, content reload */
    KIOSK_SCREEN_LANGUAGE,    /* opening the visit: French or English */
    KIOSK_SCREEN_PROFILE,     /* opening: "who are you?" (optional) */
    KIOSK_SCREEN_PERCEPTION,  /* opening: the image of industry, before */
    KIOSK_SCREEN_SURVEY,      /* closing: image again, satisfaction, a reason */
    KIOSK_SCREEN_THANKS,      /* closing: thanks and the QR code to the job sheets */
    KIOSK_SCREEN_STILL_THERE, /* idle: "still there?" with a countdown */
    KIOSK_SCREEN_STATION,     /* one station: what happens, its state, its trades */
    KIOSK_SCREEN_TRADE,       /* one trade: its day, the ways in, the salary, its video */
    KIOSK_SCREEN_QUIZ,        /* a station's questions, one at a time */
    KIOSK_SCREEN_QUIZ_RESULT, /* the score of a station's quiz and a kind word */
    KIOSK_SCREEN_COUNT
} kiosk_screen_t;

#define KIOSK_STACK_MAX 8
#define KIOSK_MAX_STATIONS 16
#define KIOSK_TRANSITION_MS 280
#define KIOSK_LONGPRESS_MS 600
/* After the idle timeout, "still there?" counts down this long before the
 * visit ends. */
#define KIOSK_STILL_THERE_MS 20000
/* The thanks screen returns to attract by itself after this long. */
#define KIOSK_THANKS_MS 45000
/* The "ticket linked" confirmation shows this long. */
#define KIOSK_TOAST_MS 4000
/* 15 frames a second: smooth enough for a slow conveyor, cheap for a fanless PC. */
#define KIOSK_ATTRACT_FRAME_MS 66
/* A playing video's time and progress bar move in steps of this much. */
#define KIOSK_VIDEO_STEP_MS 250
/* The attract screen shows one trade at a time, this long each. */
#define KIOSK_HIGHLIGHT_MS 6000
/* Questions in one round of a station's quiz. */
#define KIOSK_QUIZ_ROUND 3
/* Smallest touch target, millimetres on the configured screen. */
#define KIOSK_TARGET_MM 15.0f
/* Millimetres per layout unit on a 15.6" 1920x1080 screen (the default). */
#define KIOSK_DEFAULT_MM_PER_UNIT 1.9428f

/* What the kiosk needs to know of a station to list it (filled from content). */
typedef struct {
    char id[VIEW_ID_MAX - 8]; /* room for the "station-" prefix of the card's id */
    char title[2][96];        /* [0] French, [1] English */
    char picture[VIEW_PATH_MAX];
    uint32_t colour; /* 0xRRGGBB */
    int line_number; /* 1..7 on the line, 0 for exhibit stations */
} kiosk_station_t;

/* Looks up a UI string by key in a language ("fr", "en"); never NULL. The
 * kiosk's texts live in the content pack (content/strings.yaml). */
typedef const char *(*kiosk_text_fn)(void *ctx, const char *lang, const char *key);

struct content_pack; /* content.h */

typedef struct {
    kiosk_text_fn text; /* NULL: every text shows its key */
    void *text_ctx;
    int idle_timeout_ms;  /* back to attract after this long without input */
    const char *language; /* "fr" or "en" at the attract screen */
    bool high_contrast;   /* theme at the attract screen */
    /* The QR code at the end of a visit about several trades: this address
     * with "{ids}" replaced by their ids, comma-separated ("" = the job sheet
     * of the trade looked at longest). Copied. */
    const char *qr_base_url;
    /* The content pack the screens read: stations, trades, quizzes, the
     * survey (not owned; NULL: those screens say there is nothing to show and
     * the opening and closing screens skip the questions). */
    const struct content_pack *pack;
    /* Millimetres per layout unit on the real screen (config_mm_per_unit);
     * 0 = KIOSK_DEFAULT_MM_PER_UNIT. Touch targets are sized from it. */
    float mm_per_unit;
} kiosk_options_t;

typedef struct kiosk kiosk_t;

/* The kiosk's whole state (allocated: it holds a scratch view). NULL on no memory. */
kiosk_t *kiosk_create(const kiosk_options_t *opt, float w_units, float h_units, int64_t now);
void kiosk_destroy(kiosk_t *k);

/* Replaces the list of stations shown on the home screen (copied). */
void kiosk_set_stations(kiosk_t *k, const kiosk_station_t *stations, int count);

/* The content pack the screens read (not owned: it must stay valid until
 * replaced). Set again after a reload, between two visits (kiosk_pack.c
 * waits for the visit to end). The visitor's quiz, made over the old pack,
 * is dropped. */
void kiosk_set_pack(kiosk_t *k, const struct content_pack *pack);

/* True while a visitor is at the kiosk (the attract screen was left). */
bool kiosk_visit_active(const kiosk_t *k);

/* Called once, right after the current visit ends (or at once when no visit
 * is running); a second call replaces the first. The content reload uses it
 * to swap packs between two visitors. */
typedef void (*kiosk_hook_fn)(void *ctx, kiosk_t *k, int64_t now);
void kiosk_after_visit(kiosk_t *k, kiosk_hook_fn fn, void *ctx, int64_t now);

/* The smallest size of a touch target, in layout units (KIOSK_TARGET_MM on
 * the configured screen); every button of every screen is at least this. */
float kiosk_target_units(const kiosk_t *k);

/* Where the visit's events go (visit_event.h); the default drops them. */
void kiosk_set_sink(kiosk_t *k, visit_sink_t sink);

/* Replaces the text lookup (after the content pack was reloaded). */
void kiosk_set_text(kiosk_t *k, kiosk_text_fn text, void *ctx);

/* Shows the staff-facing problem screen with TEXT (one message a line), in
 * place of the visitor screens, until cleared with NULL (then the visit
 * restarts from the attract screen). Its texts are built in: the pack that
 * would hold them is what is broken. */
void kiosk_set_problem(kiosk_t *k, const char *text, int64_t now);

/* What the video panel should play: the platform's player follows it. */
typedef struct {
    char media[VIEW_PATH_MAX];
    char captions[VIEW_PATH_MAX]; /* "" = none */
    char poster[VIEW_PATH_MAX];   /* "" = none */
    bool want_play;               /* playing (true) or paused */
    bool captions_on;
    uint32_t seek_serial;   /* moves when the visitor asks for a seek... */
    int64_t seek_ms;        /* ...to here */
    uint32_t replay_serial; /* moves when the visitor asks to watch again */
} kiosk_video_t;

/* Opens the player screen on a clip (captions and poster may be NULL). With
 * STANDALONE (minifab play) "back" ends the program instead of returning. */
void kiosk_open_video(kiosk_t *k, const char *media, const char *captions, const char *poster,
                      bool standalone, int64_t now);

/* The clip the player should show now, or NULL when no screen shows one. */
const kiosk_video_t *kiosk_video(const kiosk_t *k);

/* Applies one event. Returns true when what is drawn may have changed. */
bool kiosk_update(kiosk_t *k, const mf_event_t *ev, int64_t now);

/* Describes the current screen at time NOW into V. */
void kiosk_view(const kiosk_t *k, int64_t now, view_t *v);

/* Absolute time of the next change that needs a redraw without input
 * (animation frame, end of a transition, idle timeout), or INT64_MAX. */
int64_t kiosk_next_deadline(const kiosk_t *k, int64_t now);

kiosk_screen_t kiosk_screen(const kiosk_t *k);
const char *kiosk_screen_id(kiosk_screen_t s);
const char *kiosk_language(const kiosk_t *k);
bool kiosk_quit_requested(const kiosk_t *k);
/* Incremented on every change to what is drawn (lets callers skip redraws). */
uint64_t kiosk_generation(const kiosk_t *k);

#endif
