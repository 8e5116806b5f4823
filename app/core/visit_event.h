/*
 * visit_event.h - what a visit records: the one list of the visit's events.
 *
 * The kiosk (app/core) emits these to a sink as the visitor moves; an
 * in-memory sink (below) serves tests; the statistics store (app/stats)
 * writes them to disk. Defined once here so that the screens, the store, its
 * exports and docs/PRIVACY.md speak of the same things.
 *
 * Privacy is decided here: no event carries anything that identifies a
 * person. No engraved text (only whether there is one), no names, no free
 * text from visitors; the ticket is the anonymous code printed on it. Every
 * string field holds an id from the content pack, a screen id, a colour name
 * or one of the enum's words, never what a visitor typed.
 *
 * Time: AT_MS is the kiosk's clock (the `now` given to kiosk_update), which
 * is monotonic, not the wall clock; a sink that stores events stamps them with
 * the wall clock when it receives them (they are emitted as they happen).
 */
#ifndef MF_VISIT_EVENT_H
#define MF_VISIT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VISIT_ID_MAX 48 /* a content id, a screen id, a colour, a ticket code */

typedef enum {
    VISIT_EV_STARTED = 1,   /* the attract screen was left: a visitor is here */
    VISIT_EV_ENDED,         /* u.end: the visit is over, and why */
    VISIT_EV_LANGUAGE,      /* u.language: the visitor chose a language */
    VISIT_EV_SCREEN,        /* u.view: a screen was left after DWELL_MS on it */
    VISIT_EV_STATION,       /* u.view: a station's page was left after DWELL_MS */
    VISIT_EV_TRADE,         /* u.view: a trade's page was left after DWELL_MS */
    VISIT_EV_VIDEO,         /* u.video: a job video was watched (some of it) */
    VISIT_EV_QUIZ_ANSWER,   /* u.answer: one quiz question answered */
    VISIT_EV_QUIZ_RESULT,   /* u.result: a station's quiz round reached its result */
    VISIT_EV_PROFILE,       /* u.profile: "who are you?" (or skipped) */
    VISIT_EV_PERCEPTION,    /* u.perception: the image of industry, before or after */
    VISIT_EV_SATISFACTION,  /* u.satisfaction: the faces at the end, and a reason */
    VISIT_EV_ORDER_PLACED,  /* u.order: a phone holder was ordered (never the text) */
    VISIT_EV_ORDER_OUTCOME, /* u.outcome: what became of it */
    VISIT_EV_TICKET,        /* u.ticket: a ticket was scanned: the anonymous code */
    VISIT_EV_COUNT
} visit_event_type_t;

/* Why a visit ended. */
typedef enum {
    VISIT_END_FINISHED = 0, /* "I'm done", or the survey was completed */
    VISIT_END_IDLE,         /* nobody touched the kiosk for the idle timeout */
    VISIT_END_STAFF,        /* staff took over (console, content reload) */
    VISIT_END_COUNT
} visit_end_reason_t;

/* "Who are you?" at the start of a visit. */
typedef enum {
    VISIT_PROFILE_SKIPPED = 0,
    VISIT_PROFILE_PUPIL,
    VISIT_PROFILE_JOB_SEEKER,
    VISIT_PROFILE_EMPLOYEE, /* employee or company */
    VISIT_PROFILE_OTHER,
    VISIT_PROFILE_COUNT
} visit_profile_t;

typedef enum {
    VISIT_ORDER_DELIVERED = 0, /* ready at the delivery desk */
    VISIT_ORDER_REJECTED,      /* quality control rejected it; the line makes a new one */
    VISIT_ORDER_CANCELLED,     /* WHY says by what: "estop", "engraver", "plc", "staff"... */
    VISIT_ORDER_REFUSED,       /* the PLC did not take it (WHY: "queue-full", "stopped"...) */
    VISIT_ORDER_OUTCOME_COUNT
} visit_order_outcome_t;

typedef struct {
    visit_event_type_t type;
    int64_t at_ms;  /* the kiosk's clock when it happened */
    uint64_t visit; /* the visit's number in this kiosk's run (1, 2...); 0 = none */
    union {
        struct {
            visit_end_reason_t reason;
        } end;
        struct {
            char lang[8]; /* "fr", "en" */
        } language;
        struct {
            char id[VISIT_ID_MAX]; /* screen id, station id or trade id */
            int64_t dwell_ms;
        } view;
        struct {
            char trade[VISIT_ID_MAX]; /* whose job video */
            int64_t watched_ms;       /* played, not counting seeks */
            int64_t duration_ms;
            int share_permille; /* furthest point reached, 0..1000 */
            bool captions_on;   /* at the end of watching */
            bool full_window;   /* watched in the full-window player */
        } video;
        struct {
            char station[VISIT_ID_MAX];
            char question[VISIT_ID_MAX];
            unsigned version;
            uint32_t chosen_mask; /* bit i: answer i in pack order */
            bool correct;
            int64_t time_ms; /* from the question shown to the answer */
        } answer;
        struct {
            char station[VISIT_ID_MAX];
            unsigned asked, answered, correct;
        } result;
        struct {
            visit_profile_t profile;
        } profile;
        struct {
            char question[VISIT_ID_MAX]; /* survey.yaml's id, with its version */
            unsigned version;
            bool after; /* false: at the start, true: at the end */
            int value;  /* option index, 0 = lowest */
        } perception;
        struct {
            char question[VISIT_ID_MAX];
            unsigned version;
            int value;                 /* face index, 0 = lowest */
            char reason[VISIT_ID_MAX]; /* an id from the offered reasons, "" = none */
        } satisfaction;
        struct {
            char colour[VISIT_ID_MAX]; /* the colour's name ("red") */
            bool engraved;             /* whether there is a text; never the text */
            uint32_t order_no;         /* the PLC's order number */
        } order;
        struct {
            uint32_t order_no;
            visit_order_outcome_t outcome;
            char why[VISIT_ID_MAX]; /* a word, for CANCELLED and REFUSED */
        } outcome;
        struct {
            char code[VISIT_ID_MAX]; /* the ticket's anonymous code */
        } ticket;
    } u;
} visit_event_t;

/* Where the kiosk sends events. EMIT is called on the UI thread, from inside
 * kiosk_update(): it must not block (the statistics store queues). */
typedef void (*visit_emit_fn)(void *ctx, const visit_event_t *ev);

typedef struct {
    visit_emit_fn emit; /* NULL: events are dropped */
    void *ctx;
} visit_sink_t;

/* Short, stable words for the enums (stored and exported; do not rename). */
const char *visit_event_name(visit_event_type_t t);
const char *visit_end_reason_name(visit_end_reason_t r);
const char *visit_profile_name(visit_profile_t p);
const char *visit_order_outcome_name(visit_order_outcome_t o);

/* One line describing EV ("quiz_answer station=press question=press-1 v1
 * chosen=0x2 correct=1 time_ms=4200"), for tests, logs and `dump`. */
void visit_event_format(const visit_event_t *ev, char *buf, size_t size);

/* The in-memory sink: keeps every event (tests, and the kiosk's `dump`). */
typedef struct visit_memsink visit_memsink_t;

visit_memsink_t *visit_memsink_create(void);
void visit_memsink_destroy(visit_memsink_t *m);
/* A sink that appends to M. */
visit_sink_t visit_memsink_sink(visit_memsink_t *m);
size_t visit_memsink_count(const visit_memsink_t *m);
const visit_event_t *visit_memsink_get(const visit_memsink_t *m, size_t i);
void visit_memsink_clear(visit_memsink_t *m);

#endif
