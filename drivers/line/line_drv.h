/*
 * line_drv.h - the line PLC driver (drivers/line): Modbus TCP, register map
 * of drivers/regmap/line_regmap.h (documented in firmware-sim/REGISTERS.md).
 *
 * The driver owns one I/O thread. It polls the whole map every poll period
 * (default 50 ms) and publishes an immutable snapshot the caller copies out
 * (line_drv_snapshot); it takes commands through a queue (line_drv_start,
 * line_drv_submit_order, ...), each answered by exactly one LINE_EV_RESULT
 * event (accepted, refused with the reason, timed out) that the caller polls
 * with line_drv_poll_event. No call here ever waits on the network.
 *
 * Commands go through a mailbox of the PLC claimed with a random token (the
 * handshake of REGISTERS.md), so several kiosks on one PLC never lose, merge
 * or double an order. The link is libmodbus with error recovery NONE; the
 * driver reconnects itself with exponential backoff capped at 2 s.
 *
 * This header is plain C (no libmodbus) so the kiosk's pure core can use the
 * snapshot and event types.
 */
#ifndef MF_LINE_DRV_H
#define MF_LINE_DRV_H

#include "line_regmap.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    LINE_CONN_CONNECTING = 0, /* never connected yet */
    LINE_CONN_CONNECTED,
    LINE_CONN_DISCONNECTED, /* was connected or tried; reconnecting with backoff */
} line_conn_t;

typedef struct {
    uint16_t state;    /* mf_packml_state_t */
    uint32_t order;    /* order id of the piece at the station, 0 = none */
    uint16_t colour;   /* mf_colour_t of that piece */
    uint16_t progress; /* 0..100 % of the current cycle */
    uint16_t last_cycle_ds, avg_cycle_ds, nominal_ds; /* tenths of line seconds */
    uint32_t cycles;
    uint16_t alarm; /* mf_alarm_code_t active at the station */
    bool part_present, busy;
} line_station_t;

typedef struct {
    uint32_t order;
    uint16_t colour;
    bool engrave;
} line_queued_t;

typedef struct {
    uint16_t code, station, param;
    bool active, unacked;
} line_alarm_t;

typedef struct {
    line_conn_t conn;
    bool stale;             /* no good read for longer than the stale limit */
    long long last_good_ms; /* monotonic ms of the last complete read, 0 = never */
    uint32_t serial;        /* +1 at every published snapshot */
    int reconnects;         /* successful connects after the first */
    char last_error[96];    /* why the last poll or connect failed, "" if none */
    int mailbox;            /* our mailbox slot, -1 when none */

    uint16_t map_version, line_state, line_mode;
    bool running, estop, alarm_active, alarm_unacked, engrave_waiting, queue_full;
    uint32_t uptime_s, good, rejected, submitted, finished, last_order_id, run_time_s;
    uint32_t engrave_order; /* order waiting at the engraver, 0 = none */
    uint16_t engrave_left_s, speed_pct;
    uint32_t alarm_mask;
    line_station_t stations[MF_STATION_COUNT]; /* index = station - MF_STATION_FIRST */
    int queue_len;
    line_queued_t queue[MF_PLC_QUEUE_CAP];
    int alarm_count;
    line_alarm_t alarms[MF_PLC_ALARM_SLOTS];
    uint16_t magazine[MF_COLOUR_COUNT]; /* index = colour - 1 */
} line_snapshot_t;

typedef enum {
    LINE_CMD_START,
    LINE_CMD_STOP,
    LINE_CMD_RESET,
    LINE_CMD_ACK,
    LINE_CMD_SET_MODE,
    LINE_CMD_SUBMIT_ORDER,
    LINE_CMD_ENGRAVE_DONE,
    LINE_CMD_REFILL,
} line_cmd_kind_t;

typedef enum {
    LINE_RESULT_ACCEPTED = 0,
    LINE_RESULT_REFUSED,   /* the PLC said no; plc_result and reason say why */
    LINE_RESULT_TIMED_OUT, /* no answer in time (PLC offline); the order may or may not exist */
} line_result_t;

typedef enum {
    LINE_EV_RESULT = 1,     /* the answer to one command */
    LINE_EV_CONNECTED,      /* link up (again) */
    LINE_EV_DISCONNECTED,   /* link lost; reason in text */
    LINE_EV_PIECE_FINISHED, /* a piece left the line: order, outcome */
} line_event_kind_t;

typedef struct {
    line_event_kind_t kind;
    uint32_t tag;         /* RESULT: the tag the command was given */
    line_cmd_kind_t cmd;  /* RESULT */
    line_result_t result; /* RESULT */
    uint16_t plc_result;  /* RESULT: mf_plc_result_t when answered */
    uint32_t order;       /* RESULT of SUBMIT_ORDER: the new order id; FINISHED: its id */
    uint16_t outcome;     /* FINISHED: mf_plc_outcome_t */
    uint16_t colour;      /* FINISHED */
    char text[96];        /* plain-language reason (REFUSED, TIMED_OUT, DISCONNECTED) */
} line_event_t;

typedef struct {
    int poll_ms;        /* polling period, default 50 */
    int timeout_ms;     /* Modbus response timeout, default 500 */
    int cmd_timeout_ms; /* a command without answer after this -> TIMED_OUT, default 3000 */
    int stale_ms;       /* snapshot stale after this without a good read, default 1000 */
} line_drv_opts_t;

void line_drv_opts_default(line_drv_opts_t *opts);

typedef struct line_drv line_drv_t;

/* Starts the driver on PLC_URI ("tcp://HOST[:PORT]" or "HOST[:PORT]",
 * default port 502, the Modbus TCP port of a real PLC).
 * Returns NULL on a bad URI or out of memory; an unreachable PLC is not an
 * error (the snapshot says DISCONNECTED and the driver keeps trying). */
line_drv_t *line_drv_create(const char *plc_uri, const line_drv_opts_t *opts);

/* Same, on an initialised link (the fake, in tests). Takes it over: the
 * driver deinits it. */
struct mb_link; /* drivers/modbus/mb_link.h */
line_drv_t *line_drv_create_on(struct mb_link *link, const line_drv_opts_t *opts);

/* Stops the thread (bounded by the response timeout), releases the mailbox,
 * closes the link and frees everything. */
void line_drv_destroy(line_drv_t *drv);

/* Copies the latest snapshot. Never blocks on I/O. */
void line_drv_snapshot(line_drv_t *drv, line_snapshot_t *out);

/* Takes the next event. Returns true when one was taken. */
bool line_drv_poll_event(line_drv_t *drv, line_event_t *ev);

/* Commands. Each returns 0 and sets *TAG (may be NULL) to the tag of its
 * future LINE_EV_RESULT, or MF_EFULL when the command queue is full. */
int line_drv_start(line_drv_t *drv, uint32_t *tag);
int line_drv_stop(line_drv_t *drv, uint32_t *tag);
int line_drv_reset(line_drv_t *drv, uint32_t *tag);
int line_drv_ack(line_drv_t *drv, uint32_t *tag);
int line_drv_set_mode(line_drv_t *drv, mf_line_mode_t mode, uint32_t *tag);
int line_drv_submit_order(line_drv_t *drv, mf_colour_t colour, bool engrave, uint32_t *tag);
int line_drv_engrave_done(line_drv_t *drv, uint32_t order, bool ok, uint32_t *tag);
int line_drv_refill(line_drv_t *drv, mf_colour_t colour, uint32_t *tag);

/* Pure helpers (unit-tested without threads). */
bool line_snapshot_is_stale(long long last_good_ms, long long now_ms, int stale_ms);
const char *line_conn_name(line_conn_t conn);
const char *line_packml_name(uint16_t state);
const char *line_mode_name(uint16_t mode);
const char *line_alarm_name(uint16_t code);
const char *line_colour_name(uint16_t colour);
const char *line_plc_result_text(uint16_t result);
const char *line_cmd_name(line_cmd_kind_t cmd);
/* Decodes a full read of the map into SNAP's device fields. IR has
 * MF_PLC_IR_COUNT registers, DI MF_PLC_DI_COUNT bits. Pure. */
void line_snapshot_decode(line_snapshot_t *snap, const uint16_t *ir, const uint8_t *di);

#endif
