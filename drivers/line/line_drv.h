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
    /* The PLC answers but cannot be used; the link stays open and the driver
     * keeps reading, so the state clears by itself once the PLC is fixed.
     * last_error says why in plain words; no command is written. */
    LINE_CONN_INCOMPATIBLE,  /* IR 0 holds a map version this kiosk does not know */
    LINE_CONN_MISCONFIGURED, /* it answers our reads with a Modbus exception */
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
    /* The age of the last complete read passed stale_ms. Computed when the
     * snapshot is copied (line_drv_snapshot), so it turns true while a slow
     * read is still under way, not only after it. */
    bool stale;
    long long last_good_ms; /* monotonic ms when the last complete read began, 0 = never */
    uint32_t serial;        /* +1 at every published snapshot */
    int reconnects;         /* successful connects after the first */
    /* Why the PLC cannot be used right now, in plain words, "" when it can:
     * "connection refused", "name not resolved", "incompatible PLC (map
     * version 2, this kiosk knows 1)", "PLC reachable but misconfigured: ...".
     * Cleared by the next complete read of a compatible PLC. */
    char last_error[160];
    int error;              /* the MF_E* code behind last_error, 0 when none */
    int mailbox;            /* our mailbox slot, -1 when none (claimed at the first command) */
    bool incompatible;      /* conn is LINE_CONN_INCOMPATIBLE: map_version is not ours */
    uint16_t exception;     /* MISCONFIGURED: the Modbus exception code (1..11), else 0 */
    uint32_t missed_pieces; /* finished pieces never seen (more than 16 between two
                               reads); each gap also comes as LINE_EV_PIECES_MISSED */
    uint16_t alarm_total;   /* alarms in force (IR 28); may exceed alarm_count */
    /* Orders removed from the queue by CANCEL (any client's: a staff console
     * on another kiosk too): how many since the PLC's power-up (IR 31, wraps)
     * and the last one's id (IR 29-30). Each change also comes as
     * LINE_EV_ORDER_CANCELLED. */
    uint16_t cancelled;
    uint32_t last_cancelled;

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
    LINE_CMD_CANCEL, /* a queued order removed (line_drv_cancel_order) */
} line_cmd_kind_t;

typedef enum {
    LINE_RESULT_ACCEPTED = 0,
    /* Not done, and the text says why: the PLC said no (plc_result, error
     * MF_EREFUSED), or the driver could not ask it: no free mailbox
     * (MF_ENOSLOT), incompatible map (MF_EINCOMPAT), a Modbus exception
     * (MF_EEXCEPTION). */
    LINE_RESULT_REFUSED,
    LINE_RESULT_TIMED_OUT, /* no answer in time (PLC offline); the order may or may not exist */
} line_result_t;

typedef enum {
    LINE_EV_RESULT = 1,     /* the answer to one command */
    LINE_EV_CONNECTED,      /* the PLC usable (again): conn became CONNECTED */
    LINE_EV_DISCONNECTED,   /* no longer CONNECTED (link lost, incompatible or
                               misconfigured); reason in text, code in error */
    LINE_EV_PIECE_FINISHED, /* a piece left the line: order, outcome */
    LINE_EV_PIECES_MISSED,  /* count pieces finished unseen between two reads */
    /* A queued order was cancelled (by any client of the PLC): order is its
     * id, count how many cancellations happened since the previous read
     * (almost always 1). When count > 1 only the last id is known: a reader
     * waiting for another order finds it cancelled when that order is in no
     * station, not in the queue and never finished (the order screen's
     * state machine: "your order was cancelled by staff"). Not sent for the
     * cancellations before the driver's first read. */
    LINE_EV_ORDER_CANCELLED,
} line_event_kind_t;

typedef struct {
    line_event_kind_t kind;
    uint32_t tag;         /* RESULT: the tag the command was given */
    line_cmd_kind_t cmd;  /* RESULT */
    line_result_t result; /* RESULT */
    uint16_t plc_result;  /* RESULT: mf_plc_result_t when answered */
    uint32_t order;       /* RESULT of SUBMIT_ORDER: the new order id; FINISHED,
                             ORDER_CANCELLED: its id */
    uint16_t outcome;     /* FINISHED: mf_plc_outcome_t */
    uint16_t colour;      /* FINISHED */
    char text[160];       /* plain-language reason (REFUSED, TIMED_OUT, DISCONNECTED) */
    int error;            /* RESULT/DISCONNECTED: MF_E* behind text (MF_ENOSLOT,
                             MF_EINCOMPAT, MF_EEXCEPTION, MF_ETIMEDOUT...), 0 if none */
    uint32_t count;       /* PIECES_MISSED, ORDER_CANCELLED: how many */
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
int line_drv_ack(line_drv_t *drv, uint32_t *tag); /* every alarm */
/* Acknowledges the alarms of CODE only (0 = every alarm), at STATION (0 =
 * any) and, for MAGAZINE_EMPTY, of COLOUR (0 = any). */
int line_drv_ack_alarm(line_drv_t *drv, uint16_t code, uint16_t station, uint16_t colour,
                       uint32_t *tag);
/* Cancels a queued order: ACCEPTED when it left the queue; REFUSED with
 * plc_result IN_PRODUCTION when it is already on the line ("in production,
 * cannot be cancelled"), NO_ORDER when finished, cancelled or unknown. */
int line_drv_cancel_order(line_drv_t *drv, uint32_t order, uint32_t *tag);
int line_drv_set_mode(line_drv_t *drv, mf_line_mode_t mode, uint32_t *tag);
int line_drv_submit_order(line_drv_t *drv, mf_colour_t colour, bool engrave, uint32_t *tag);
int line_drv_engrave_done(line_drv_t *drv, uint32_t order, bool ok, uint32_t *tag);
int line_drv_refill(line_drv_t *drv, mf_colour_t colour, uint32_t *tag);

/* Asks the driver to close its connection and open it again now (staff's
 * "reconnect" button), backoff forgotten. Never blocks: the I/O thread does
 * it at its next turn; the snapshot's reconnects counts it once connected. */
void line_drv_reconnect(line_drv_t *drv);

/* Pure helpers (unit-tested without threads). */
bool line_snapshot_is_stale(long long last_good_ms, long long now_ms, int stale_ms);
/* Connected, fresh and of our map version: what visitors may see as "the
 * line works". */
bool line_snapshot_usable(const line_snapshot_t *snap);
/* "magazine empty at station 2 (store), colour red", "emergency stop on the
 * whole line": the alarm in plain words, with its parameter. Returns BUF. */
const char *line_alarm_describe(const line_alarm_t *alarm, char *buf, int size);
const char *line_station_name(uint16_t station); /* "store", "press", ... */
const char *line_conn_name(line_conn_t conn);
const char *line_packml_name(uint16_t state);
const char *line_mode_name(uint16_t mode);
const char *line_alarm_name(uint16_t code);
const char *line_colour_name(uint16_t colour);
const char *line_plc_result_text(uint16_t result);
/* The PLC's answer to one command in words: as line_plc_result_text, but
 * NO_ORDER says which (engraver, queue) and IN_PRODUCTION what it means. */
const char *line_cmd_result_text(line_cmd_kind_t cmd, uint16_t result);
const char *line_cmd_name(line_cmd_kind_t cmd);
/* Decodes a full read of the map into SNAP's device fields. IR has
 * MF_PLC_IR_COUNT registers, DI MF_PLC_DI_COUNT bits. Pure. */
void line_snapshot_decode(line_snapshot_t *snap, const uint16_t *ir, const uint8_t *di);

#endif
