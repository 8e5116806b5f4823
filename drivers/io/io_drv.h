/*
 * io_drv.h - the remote I/O module driver (drivers/io): Modbus RTU on RS-485
 * (or firmware-sim's pseudo-terminal), map in drivers/regmap/line_regmap.h.
 *
 * Outputs: the stack light (green, orange, red) and the buzzer, each driven
 * by a pattern (off, steady, slow or fast blink, buzzer bursts) that the
 * driver's own thread turns into coil writes, so a blinking light never
 * depends on the caller's frame rate. Inputs: the start button and the
 * emergency-stop chain, turned into events (press counters of the module
 * mean a press shorter than a poll is not lost). The emergency stop is wired
 * in hardware: the software only reports it.
 *
 * Same thread and recovery model as the line driver: bounded timeouts, its
 * own reconnect with backoff capped at 2 s, snapshot copy and event queue.
 * Plain C header (no libmodbus).
 */
#ifndef MF_IO_DRV_H
#define MF_IO_DRV_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    IO_LAMP_OFF = 0,
    IO_LAMP_ON,
    IO_LAMP_BLINK_SLOW, /* 1 Hz, half on */
    IO_LAMP_BLINK_FAST, /* 4 Hz, half on */
} io_lamp_pattern_t;

typedef enum {
    IO_BUZZER_OFF = 0,
    IO_BUZZER_ON,
    IO_BUZZER_BURSTS, /* `bursts` beeps of 200 ms, 200 ms apart, then off */
} io_buzzer_pattern_t;

typedef struct {
    io_lamp_pattern_t green, orange, red;
    io_buzzer_pattern_t buzzer;
    int bursts; /* for IO_BUZZER_BURSTS */
} io_light_t;

/* The coil bits (bit n = coil n of the map) a pattern asks for at NOW_MS,
 * when it was set at SINCE_MS. Pure. */
uint16_t io_light_outputs(const io_light_t *light, long long since_ms, long long now_ms);

typedef enum { IO_CONN_CONNECTING = 0, IO_CONN_CONNECTED, IO_CONN_DISCONNECTED } io_conn_t;

typedef struct {
    io_conn_t conn;
    bool stale;
    long long last_good_ms;
    char last_error[96];
    bool start_button; /* held right now */
    bool estop_ok;     /* chain closed; false = pressed or wire broken */
    uint16_t outputs;  /* coils last written */
    uint16_t module_id, firmware;
    uint16_t start_count, estop_count;
    int reconnects;
} io_snapshot_t;

typedef enum {
    IO_EV_CONNECTED = 1,
    IO_EV_DISCONNECTED,
    IO_EV_START_PRESSED, /* one per press counted by the module */
    IO_EV_ESTOP_OPENED,  /* emergency stop pressed (or chain broken) */
    IO_EV_ESTOP_CLOSED,  /* chain healthy again */
} io_event_kind_t;

typedef struct {
    io_event_kind_t kind;
    char text[96];
} io_event_t;

typedef struct {
    int poll_ms;    /* default 50 */
    int timeout_ms; /* default 500 */
    int stale_ms;   /* default 1000 */
    int unit;       /* slave id, default MF_IO_UNIT_ID */
    int baud;       /* default MF_IO_BAUD */
} io_drv_opts_t;

void io_drv_opts_default(io_drv_opts_t *opts);

typedef struct io_drv io_drv_t;
struct mb_link;

/* On serial ADDRESS (drivers/serial syntax; a pseudo-terminal works). NULL
 * on a bad address; an absent module is not an error. */
io_drv_t *io_drv_create(const char *address, const io_drv_opts_t *opts);
/* On an initialised link (the fake); takes it over. */
io_drv_t *io_drv_create_on(struct mb_link *link, const io_drv_opts_t *opts);
/* Turns the light off if it can, stops the thread, frees. */
void io_drv_destroy(io_drv_t *drv);

void io_drv_snapshot(io_drv_t *drv, io_snapshot_t *out);
bool io_drv_poll_event(io_drv_t *drv, io_event_t *ev);
/* Sets the pattern; takes effect at the next tick (<= poll period). */
void io_drv_set_light(io_drv_t *drv, const io_light_t *light);

/* Asks the driver to close the port and open it again now (staff's
 * "reconnect"), backoff forgotten. Never blocks: done at the thread's next
 * poll; the snapshot's reconnects counts it once the module answers. */
void io_drv_reconnect(io_drv_t *drv);

const char *io_conn_name(io_conn_t conn);

#endif
