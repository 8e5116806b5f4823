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
} mf_line_station_t;

/* What the visitor side needs to know of the line (from the PLC driver's
 * snapshot, translated at the platform's edge). Only what the screens show,
 * so that it changes (and the screen is redrawn) only when they would. */
typedef struct {
    bool online;  /* the PLC answers and the data is fresh */
    bool running; /* the line is producing */
    bool estop;   /* an emergency stop is pressed (shown, never overridden) */
    bool fault;   /* an alarm is active */
    mf_line_station_t stations[MF_LINE_STATIONS];
} mf_line_status_t;

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
    int64_t pointer;         /* which finger (or MF_POINTER_MOUSE) for POINTER_* */
    float x, y;              /* position in layout units for POINTER_*, size for RESIZE */
    char text[64];           /* key name for KEY, UTF-8 for TEXT */
    mf_line_status_t line;   /* LINE */
    mf_video_status_t video; /* VIDEO */
    /* STAFF: staff_console.h; valid during kiosk_update() only */
    const struct staff_news *staff;
} mf_event_t;

#endif
