/*
 * event.h - the kiosk's own event type.
 *
 * Platform code (app/platform) turns SDL events into these at the edge, the
 * script runner makes them from a test script, and drivers' results arrive as
 * these too; kiosk_update() is the only consumer. Positions are in layout
 * units (see view.h), never in pixels, so the logic is independent of the
 * screen's resolution.
 */
#ifndef MF_EVENT_H
#define MF_EVENT_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    MF_EV_NONE = 0,
    MF_EV_POINTER_DOWN, /* finger or mouse button pressed at (x, y) */
    MF_EV_POINTER_MOVE, /* while pressed */
    MF_EV_POINTER_UP,   /* released */
    MF_EV_KEY,          /* a named key: "Escape", "Return", "Left", "F11"... */
    MF_EV_TEXT,         /* UTF-8 text typed (on-screen or physical keyboard) */
    MF_EV_RESIZE,       /* new screen size in units (x = width, y = height) */
    MF_EV_TICK,         /* time passed; no input (drives timeouts and animations) */
    MF_EV_QUIT,         /* window closed or SIGTERM: leave the loop */
    MF_EV_LINE,         /* the line's state as the PLC driver last saw it */
    MF_EV_VIDEO,        /* the video player's state (position, caption showing...) */
    MF_EV_ORDER,        /* news of an order: the PLC's answer, a finished piece, an engraving */
    MF_EV_ENGRAVER,     /* the laser engraver's state as its driver last saw it */
    MF_EV_STAFF,        /* news for the staff console: a reply, the line's detail, devices */
    MF_EV_TICKET,       /* a ticket was scanned: its anonymous code in `text` */
} mf_event_type_t;

/* The PLC's stations 2..7 (the order desk, 1, is the kiosk itself): the
 * line map shows each one's state and the piece on it. Index = PLC station
 * number - MF_LINE_FIRST_STATION. */
#define MF_LINE_FIRST_STATION 2
#define MF_LINE_STATIONS 6

/* One station's state as a visitor reads it (icon and word on the map). */
typedef enum {
    MF_STATION_UNKNOWN = 0, /* no line, or not read yet */
    MF_STATION_WORKING,     /* a piece is being made here now */
    MF_STATION_WAITING,     /* ready, waiting for a piece or for the line to start */
    MF_STATION_FAULT,       /* an alarm at this station (jam, sensor, robot...) */
} mf_station_state_t;

typedef struct {
    uint8_t state;  /* mf_station_state_t */
    bool piece;     /* a piece (on its pallet) is at the station */
    uint8_t colour; /* the piece's colour: the PLC's code, 1 red .. 6 silver; 0 none */
    uint32_t order; /* the PLC's order number of that piece, 0 = none */
    uint16_t progress;   /* 0..100 % of the station's cycle (tracking's time left) */
    uint16_t nominal_ds; /* nominal cycle time, tenths of line seconds */
} mf_line_station_t;

/* The line's detail for ordering and tracking a piece (the six colours of
 * drivers/regmap/line_regmap.h, copied at the platform's edge so that the
 * core does not depend on the driver); where each piece is: `stations`. */
#define MF_LINE_COLOURS 6  /* index = colour - 1 (red, blue, green, yellow, black, silver) */
#define MF_LINE_QUEUE_MAX 16

typedef struct {
    bool known;           /* the fields below were filled from a snapshot */
    bool queue_full;      /* a new order would be refused */
    bool auto_mode;       /* orders start by themselves (PackML production mode) */
    bool engrave_waiting; /* a piece waits at the laser for its engraving */
    uint32_t engrave_order;
    uint16_t speed_pct;                 /* line seconds per real second x100 (100 on hardware) */
    uint16_t magazine[MF_LINE_COLOURS]; /* blanks left per colour */
    int queue_len;
    uint32_t queue[MF_LINE_QUEUE_MAX]; /* order ids waiting, oldest first */
} mf_line_detail_t;

/* What the visitor side needs to know of the line (from the PLC driver's
 * snapshot, translated at the platform's edge). Only what the screens show,
 * so that it changes (and the screen is redrawn) only when they would. */
typedef struct {
    bool online;  /* the PLC answers and the data is fresh */
    bool running; /* the line is producing */
    bool estop;   /* an emergency stop is pressed (shown, never overridden) */
    bool fault;   /* an alarm is active */
    mf_line_station_t stations[MF_LINE_STATIONS];
    mf_line_detail_t detail; /* for ordering and tracking (order.h) */
} mf_line_status_t;

/* News of an order (MF_EV_ORDER), from the line and engraver drivers' events
 * at the platform's edge. REF is the order desk's own number for the order
 * (order.h), ORDER the PLC's. */
typedef enum {
    MF_ORDER_ACCEPTED = 1, /* the PLC took the order: `order` is its number */
    MF_ORDER_REFUSED,      /* the PLC said no: `why` ("queue-full", "estop", "refused") */
    MF_ORDER_TIMED_OUT,    /* no answer from the PLC */
    MF_ORDER_FINISHED,     /* the piece left the line: `delivered` or rejected */
    MF_ORDER_ENGRAVING,    /* the engraving job was handed to the engraver (`ok`) */
    MF_ORDER_ENGRAVED,     /* the engraving job ended: `ok`, or failed (`why`) */
    MF_ORDER_CANCELLED,    /* staff cancelled the queued order `order` (any kiosk) */
} mf_order_news_kind_t;

typedef struct {
    mf_order_news_kind_t kind;
    uint32_t ref;   /* the desk's reference (0 for FINISHED: matched by `order`) */
    uint32_t order; /* the PLC's order number */
    bool ok;        /* ENGRAVING, ENGRAVED */
    bool delivered; /* FINISHED: true = delivered, false = rejected by quality control */
    char why[32];   /* a word: "queue-full", "estop", "alarm", "offline"... */
} mf_order_news_t;

/* The laser engraver as the screens need it (MF_EV_ENGRAVER). */
typedef enum {
    MF_ENGRAVER_ABSENT = 0, /* this kiosk has no engraver configured */
    MF_ENGRAVER_OFFLINE,
    MF_ENGRAVER_READY,
    MF_ENGRAVER_BUSY, /* running a job (or starting, or held) */
    MF_ENGRAVER_ALARM,
} mf_engraver_state_t;

typedef struct {
    mf_engraver_state_t state;
    uint32_t job;
    float x, y; /* the head's machine position, mm (GRBL's MPos) */
    int lines_acked, lines_total;
    float seconds_left;
    int alarm; /* last ALARM:N, 0 = none */
} mf_engraver_status_t;

/* What the screens show of the video player (from player_get_status, at the
 * platform's edge). */
typedef enum {
    MF_VIDEO_IDLE = 0,
    MF_VIDEO_LOADING,
    MF_VIDEO_PLAYING,
    MF_VIDEO_PAUSED,
    MF_VIDEO_ENDED,
    MF_VIDEO_FAILED,
} mf_video_state_t;

typedef struct {
    mf_video_state_t state;
    int64_t position_ms, duration_ms;
    bool has_captions, captions_on;
    char caption[256]; /* the caption showing now, plain text */
    char message[160]; /* why it cannot play, in plain words */
} mf_video_status_t;

#define MF_POINTER_MOUSE (-1) /* pointer id of the mouse; fingers use their SDL id */

typedef struct {
    mf_event_type_t type;
    int64_t pointer;               /* which finger (or MF_POINTER_MOUSE) for POINTER_* */
    float x, y;                    /* position in layout units for POINTER_*, size for RESIZE */
    char text[64];                 /* key name for KEY, UTF-8 for TEXT */
    mf_line_status_t line;         /* LINE */
    mf_video_status_t video;       /* VIDEO */
    mf_order_news_t order;         /* ORDER */
    mf_engraver_status_t engraver; /* ENGRAVER */
    /* STAFF: staff_console.h; valid during kiosk_update() only */
    const struct staff_news *staff;
} mf_event_t;

#endif
