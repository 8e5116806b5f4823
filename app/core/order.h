/*
 * order.h - the order desk: a visitor's personalised phone holder, from the
 * colour chosen to "ready at the delivery desk" (app/core, pure).
 *
 * A state machine with time as an input. It never calls a driver: what it
 * wants done (submit an order to the PLC, engrave a piece, report the
 * engraving) comes out as actions the platform takes with
 * order_desk_next_action() and carries out off the UI thread through the
 * drivers; the drivers' news come back in as MF_EV_LINE, MF_EV_ORDER and
 * MF_EV_ENGRAVER events (event.h). Tests drive it with no thread and no
 * device.
 *
 * The desk outlives visits: a piece ordered goes on being made (and
 * engraved) after its visitor left. The engraved text is the one thing of a
 * visitor it keeps: in this memory only, never logged or written, wiped
 * (every byte) when the piece is finished or cancelled, since a piece
 * rejected by quality control is made again and engraved again.
 */
#ifndef MF_ORDER_H
#define MF_ORDER_H

#include "event.h"
#include "view.h"

#include <stdbool.h>
#include <stdint.h>

#define ORDER_TEXT_MAX 128
#define ORDER_DESK_MAX 8    /* orders in flight on one kiosk (this visit's and earlier ones) */
#define ORDER_REMAKES_MAX 2 /* a piece rejected more often than this is cancelled */

/* Whether the text can be engraved (the platform's check, injected). */
typedef enum {
    ORDER_TEXT_OK = 0,
    ORDER_TEXT_EMPTY,    /* nothing to engrave: a plain holder */
    ORDER_TEXT_BAD_CHAR, /* a character the laser's font cannot draw */
    ORDER_TEXT_TOO_LONG,
    ORDER_TEXT_BLOCKED, /* a word that is not engraved (never repeated) */
} order_text_verdict_t;

/* Checks TEXT and fills OUT with the strokes the laser would follow, in
 * machine millimetres on the plate; returns the verdict. Injected by the
 * platform (the Hershey font and G-code are a driver's), like the text
 * lookup; tests give their own. Must not keep TEXT. */
typedef order_text_verdict_t (*order_strokes_fn)(void *ctx, const char *text, view_strokes_t *out);

/* Why ordering is not possible right now (order_desk_can_order). */
typedef enum {
    ORDER_OPEN = 0,
    ORDER_CLOSED_NO_ENGRAVER, /* this kiosk is not the order desk */
    ORDER_CLOSED_LINE_DOWN,   /* the PLC does not answer */
    ORDER_CLOSED_STOPPED,     /* the line is stopped, or in a mode that makes nothing */
    ORDER_CLOSED_ESTOP,       /* an emergency stop is pressed */
    ORDER_CLOSED_QUEUE_FULL,  /* too many orders waiting */
    ORDER_CLOSED_ENGRAVER,    /* the laser is in alarm or off */
} order_closed_t;

typedef enum {
    ORDER_SENDING = 1, /* waiting for the PLC's answer */
    ORDER_QUEUED,      /* accepted, waiting its turn */
    ORDER_ON_LINE,     /* moving station by station */
    ORDER_ENGRAVING,   /* at the laser: the job is burning */
    ORDER_DELIVERED,   /* ready at the delivery desk */
    ORDER_FAILED,      /* refused or cancelled: `problem` says why */
} order_state_t;

typedef enum {
    ORDER_PROBLEM_NONE = 0,
    ORDER_PROBLEM_QUEUE_FULL, /* the PLC's queue is full */
    ORDER_PROBLEM_REFUSED,    /* the PLC said no for another reason */
    ORDER_PROBLEM_NO_ANSWER,  /* the PLC did not answer in time */
    ORDER_PROBLEM_ENGRAVER,   /* the laser failed (alarm) */
    ORDER_PROBLEM_REJECTED,   /* rejected by quality control too many times */
    ORDER_PROBLEM_CANCELLED,  /* staff cancelled it while it waited its turn */
} order_problem_t;

/* What the tracking screen shows of one order. */
typedef struct {
    uint32_t ref;   /* the desk's number for it, 1.. (0 = none) */
    uint64_t visit; /* the visit that ordered it */
    order_state_t state;
    order_problem_t problem;
    uint32_t order_no;  /* the PLC's number (0 until accepted): shown to the visitor */
    int colour;         /* 1..6 */
    bool engraved;      /* there is a text */
    int station;        /* 2..7 while on the line, 0 otherwise */
    int progress;       /* 0..100 at that station */
    int queue_pos;      /* 1.. while queued */
    int remakes;        /* new pieces made after quality rejects */
    bool just_rejected; /* the last piece was rejected; a new one is on its way */
    bool paused_estop;  /* the line is stopped by an emergency stop (the piece waits) */
    int seconds_left;   /* estimate to delivery, -1 unknown */
    float burned;       /* VIEW_STROKES progress of the engraving (point index) */
} order_info_t;

/* What the platform must do. */
typedef enum {
    ORDER_ACT_NONE = 0,
    ORDER_ACT_SUBMIT,  /* line_drv_submit_order(colour, engrave); answer: ACCEPTED/REFUSED */
    ORDER_ACT_ENGRAVE, /* render TEXT as G-code, grbl_stream_start; answer: ENGRAVING, ENGRAVED */
    ORDER_ACT_ENGRAVE_DONE, /* line_drv_engrave_done(order_no, ok) */
} order_action_kind_t;

typedef struct {
    order_action_kind_t kind;
    uint32_t ref;
    int colour;
    bool engrave;
    uint32_t order_no;
    bool ok;
    char text[ORDER_TEXT_MAX]; /* ENGRAVE only; the taker wipes it once used */
} order_action_t;

/* The outcome of an order for the visit's events (visit_event.h). */
typedef struct {
    uint64_t visit;
    uint32_t order_no;
    int outcome; /* visit_order_outcome_t */
    char why[32];
} order_outcome_t;

typedef struct order_desk order_desk_t;

/* HAS_ENGRAVER: this kiosk is the order desk (an engraver is configured). */
order_desk_t *order_desk_create(bool has_engraver);
/* Wipes every text and frees. */
void order_desk_destroy(order_desk_t *d);

/* Whether a visitor may order now, from the line and engraver last heard. */
order_closed_t order_desk_can_order(const order_desk_t *d);
/* Whether COLOUR (1..6) can be made now: blanks left in its magazine (or the
 * magazines are not known). */
bool order_desk_colour_available(const order_desk_t *d, int colour);

/* Places an order for VISIT: COLOUR 1..6, TEXT ("" = plain; copied, checked
 * by the caller), STROKES its preview (copied, for the live drawing; may be
 * NULL). Returns the order's ref (> 0), or MF_EBUSY when the desk is full, or
 * MF_EINVAL. */
int order_desk_place(order_desk_t *d, uint64_t visit, int colour, const char *text,
                     const view_strokes_t *strokes, int64_t now);

/* The drivers' news. Each returns true when something shown may have changed. */
bool order_desk_line(order_desk_t *d, const mf_line_status_t *line, int64_t now);
bool order_desk_news(order_desk_t *d, const mf_order_news_t *news, int64_t now);
bool order_desk_engraver(order_desk_t *d, const mf_engraver_status_t *e, int64_t now);

/* Takes the next action for the platform. True when one was taken. */
bool order_desk_next_action(order_desk_t *d, order_action_t *out);
/* Takes the next outcome to record as a visit event. */
bool order_desk_next_outcome(order_desk_t *d, order_outcome_t *out);

/* The order REF (NULL when unknown), and its strokes (NULL when plain). */
const order_info_t *order_desk_get(const order_desk_t *d, uint32_t ref);
const view_strokes_t *order_desk_strokes(const order_desk_t *d, uint32_t ref);

/* The colour's stable name ("red"), for events and string keys. */
const char *order_colour_name(int colour);
/* Overwrites every byte of BUF (the compiler may not skip it). */
void order_wipe(void *buf, size_t size);

#endif
