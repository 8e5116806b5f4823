/*
 * kiosk_priv.h - the kiosk's shared state, for kiosk.c and the screens only.
 *
 * Screens (app/core/screens/) include this to read and change what all
 * screens share: the stack and its arguments, the visit's state, the line's
 * status, the pointer, the video. Nothing outside app/core includes it: the
 * platform and the tests use kiosk.h. The shared layout helpers (top bar,
 * buttons, text, the line's status pill) are declared here too
 * (kiosk_layout.c), so every screen looks like one product.
 */
#ifndef MF_KIOSK_PRIV_H
#define MF_KIOSK_PRIV_H

#include "content.h"
#include "kiosk.h"
#include "quiz.h"
#include "screen.h"

#include <stdbool.h>
#include <stdint.h>

#define KIOSK_ARG_MAX 64

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

/* One level of the screen stack: which screen, about what (a station's id,
 * a trade's id...), since when. */
typedef struct {
    kiosk_screen_t screen;
    char arg[KIOSK_ARG_MAX];
    int64_t entered; /* when it last became the top */
} kiosk_frame_t;

/* Everything that belongs to one visitor. Wiped when the visit ends
 * (kiosk_end_visit): nothing of a visitor is left for the next one. */
#define KIOSK_VISIT_TRADES 8 /* trades remembered for the QR code at the end */

/* Steps of the closing survey (screen "survey"). */
typedef enum {
    KIOSK_SURVEY_PERCEPTION = 0, /* the image of industry, again */
    KIOSK_SURVEY_SATISFACTION,   /* the faces */
    KIOSK_SURVEY_REASON,         /* optional: what was liked most */
} kiosk_survey_step_t;

typedef struct {
    uint64_t number; /* this kiosk run's visit number; 0 = no visit yet */
    bool active;     /* started (the attract screen was left) and not ended */
    int64_t started;
    visit_profile_t profile;
    int perception_before; /* option index, -1 = not answered */
    kiosk_survey_step_t survey_step;
    int satisfaction;          /* face index, -1 = not answered */
    char ticket[VISIT_ID_MAX]; /* the ticket's anonymous code, "" = none */
    int64_t toast_until;       /* the "ticket linked" confirmation shows until then */
    /* trades whose page the visitor opened, longest look first at the end */
    char trades[KIOSK_VISIT_TRADES][VISIT_ID_MAX];
    int64_t trade_dwell[KIOSK_VISIT_TRADES];
    int trade_count;
} kiosk_visit_t;

/* What the journey's screens (station, trade, quiz) keep of one visitor;
 * wiped with the visit (kiosk_journey_wipe). */
typedef struct {
    quiz_t *quiz;          /* the visitor's quiz, made at the first quiz; NULL before */
    uint32_t quiz_chosen;  /* answers ticked on the question showing (pack-order bits) */
    int64_t quiz_shown;    /* when the question showing appeared */
    bool quiz_right;       /* the last answer was right (feedback) */
    quiz_event_t quiz_end; /* the last round's totals (ROUND_END), for quiz-result */
    bool quiz_ended;
    /* the job video being watched (trade page and its full-window player) */
    char video_trade[CONTENT_ID_MAX]; /* "" = none */
    bool video_played;                /* it played at least once */
    bool video_full_window;           /* the full-window player was used */
    int64_t video_last_pos, video_furthest, video_watched, video_duration;
    bool video_captions;
} kiosk_journey_t;

struct kiosk {
    kiosk_options_t opt;
    char default_language[8];
    kiosk_frame_t stack[KIOSK_STACK_MAX];
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
    kiosk_video_t video;   /* what a screen with a video plays */
    bool video_standalone; /* minifab play: back = quit */
    mf_video_status_t video_status;
    char qr_base[256];          /* kiosk_options_t.qr_base_url */
    visit_sink_t sink;          /* where the visit's events go */
    uint64_t visits;            /* visits started since the kiosk started */
    kiosk_visit_t visit;        /* the visitor now */
    view_t scratch;             /* the view used for hit-testing inside update */
    struct staff_console *staff; /* the staff console (staff_console.h) */
    const content_pack_t *pack; /* what the journey's screens read (not owned) */
    kiosk_journey_t journey;    /* the visitor's quiz and video (screens/journey.c) */
    kiosk_hook_fn after_visit;  /* kiosk_after_visit: once, when the visit ends */
    void *after_visit_ctx;
};

/* ---- navigation and the visit (kiosk.c) ---- */

/* Pushes screen S about ARG (may be NULL) with a slide from the right. */
void kiosk_push(kiosk_t *k, kiosk_screen_t s, const char *arg, int64_t now);
/* Replaces the screen on top with S about ARG (a step of a sequence:
 * back then goes to the screen before the sequence). */
void kiosk_replace(kiosk_t *k, kiosk_screen_t s, const char *arg, int64_t now);
/* Back one screen (nothing at the bottom of the stack). */
void kiosk_pop(kiosk_t *k, int64_t now);
/* Replaces the whole stack with S (the visit goes on). */
void kiosk_reset_to(kiosk_t *k, kiosk_screen_t s, const char *arg, int64_t now);
/* Replaces the screen on top, and every screen above the topmost BELOW in
 * the stack (none found: the top alone), with S about ARG: "next station"
 * from a quiz's result goes back to the line map's level, not deeper. */
void kiosk_replace_above(kiosk_t *k, kiosk_screen_t below, kiosk_screen_t s, const char *arg,
                         int64_t now);
/* The argument of the screen on top ("" if none). */
const char *kiosk_arg(const kiosk_t *k);
/* When the screen on top became the top. */
int64_t kiosk_entered(const kiosk_t *k);

/* Starts a visit (no-op when one is running): VISIT_EV_STARTED. */
void kiosk_start_visit(kiosk_t *k, int64_t now);
/* Ends the visit with REASON (VISIT_EV_ENDED), wipes everything of the
 * visitor and shows the attract screen. */
void kiosk_end_visit(kiosk_t *k, visit_end_reason_t reason, int64_t now);
/* The closing survey: "I'm done" (from any visitor screen) or the end of
 * tracking. */
void kiosk_finish_visit(kiosk_t *k, int64_t now);
/* The address the thanks screen's QR code leads to (see docs/CONFIG.md,
 * qr_base_url): one trade, its job sheet; several, the base address with
 * their ids; "" when the visitor opened no trade. */
void kiosk_visit_qr_url(const kiosk_t *k, char *buf, size_t size);
/* Sends EV to the sink, stamped with the visit's number and NOW. */
void kiosk_emit(kiosk_t *k, visit_event_t *ev, int64_t now);

/* ---- the journey's shared state (screens/journey.c) ---- */

/* Frees the visitor's quiz and forgets the video: nothing of them is left. */
void kiosk_journey_wipe(kiosk_t *k);
/* The visitor's quiz (made on first use over the pack), or NULL. */
quiz_t *kiosk_journey_quiz(kiosk_t *k, int64_t now);
/* The station STATION_ID of the pack, or NULL. */
const content_station_t *kiosk_find_station(const kiosk_t *k, const char *station_id);
/* The station after ST in line order (then exhibits), wrapping; NULL if none. */
const content_station_t *kiosk_next_station(const kiosk_t *k, const content_station_t *st);
/* The live state of a line station (MF_STATION_*) and its piece; NULL for an
 * exhibit or without a line. */
const mf_line_station_t *kiosk_line_station(const kiosk_t *k, const content_station_t *st);
/* A station's state in words and the icon that goes with it, for the map and
 * the station's page (never colour alone). */
const char *kiosk_station_state_key(const kiosk_t *k, const mf_line_station_t *ls);
view_icon_t kiosk_station_state_icon(const kiosk_t *k, const mf_line_station_t *ls);
uint32_t kiosk_station_state_colour(const kiosk_t *k, const mf_line_station_t *ls);
/* The video's progress as the visitor watches (kiosk.c feeds it), and the
 * VISIT_EV_VIDEO event when the trade's page is left. */
void kiosk_journey_video_status(kiosk_t *k, const mf_video_status_t *st);
void kiosk_journey_video_done(kiosk_t *k, int64_t now);
/* A piece's colour on screen from the PLC's colour code (0 = none). */
uint32_t kiosk_piece_colour(uint8_t plc_colour);

/* ---- shared look (kiosk_layout.c) ---- */

const char *kiosk_text(const kiosk_t *k, const char *key);
int kiosk_lang_index(const kiosk_t *k); /* 0 French, 1 English */
bool kiosk_portrait(const kiosk_t *k);
float kiosk_text_scale(const kiosk_t *k);

view_widget_t *kiosk_add_button(view_t *v, const char *id, const char *label, view_rect_t r,
                                view_style_t style, view_icon_t icon);
view_widget_t *kiosk_add_text(view_t *v, const char *label, view_rect_t r, view_style_t style,
                              float font);
/* Height of the bar of buttons (back, "I'm done", settings), in units. */
#define KIOSK_BAR_H 11.0f
/* The bars of every visitor screen but attract: TITLE, back, "I'm done" (id
 * "done", while a visit runs, not on the opening and closing screens) and
 * settings (not on the settings screen itself). In landscape one bar at the
 * top; in portrait the title at the top and the buttons in a bar at the
 * bottom. Returns where the screen's content starts (y). */
float kiosk_layout_top_bar(const kiosk_t *k, view_t *v, const char *title);
/* Where the screen's content must end (y): above the bottom bar in portrait. */
float kiosk_content_bottom(const kiosk_t *k, const view_t *v);
/* A question (id "question") from TOP down and its N answers as big
 * buttons with ids "<PREFIX>-<i>" (cards with PICTURES[i] when PICTURES is
 * not NULL), and a "skip" button labelled SKIP_LABEL (NULL: none). In
 * portrait the question fills the upper third and the answers the rest. */
void kiosk_layout_choices(const kiosk_t *k, view_t *v, float top, const char *question,
                          const char *const *labels, const char *const *pictures, int n,
                          const char *prefix, const char *skip_label);
/* The options of SURVEY in the visitor's language into LABELS (room for
 * CONTENT_SCALE_MAX); returns their count. */
int kiosk_survey_labels(const kiosk_t *k, const content_survey_t *survey, const char **labels);
/* The index N of an id "<PREFIX>-<N>", or -1. */
int kiosk_choice_index(const char *id, const char *prefix, int n);
/* Portrait: the room the bottom bar (back, settings) takes; 0 in landscape. */
float kiosk_layout_bottom(const kiosk_t *k);
/* Portrait: where what a visitor taps may start (the lower two thirds); 0
 * in landscape. */
float kiosk_reach_top(const kiosk_t *k, const view_t *v);
/* The line's state in a pill (id "line-status"). */
void kiosk_add_line_status(const kiosk_t *k, view_t *v, view_rect_t r);
/* A status pill with an icon before its word (id ID, may be NULL). */
view_widget_t *kiosk_add_state(const kiosk_t *k, view_t *v, const char *id, const char *label,
                               view_icon_t icon, uint32_t colour, view_rect_t r, float font);
/* The two language buttons ("lang-fr", "lang-en") side by side in R. */
void kiosk_add_language_buttons(const kiosk_t *k, view_t *v, view_rect_t r);

#endif
