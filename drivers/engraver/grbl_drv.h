/*
 * grbl_drv.h - the laser engraver driver (drivers/engraver): a GRBL 1.1
 * controller on a serial port (drivers/serial: USB through libserialport,
 * firmware-sim's pseudo-terminal through termios).
 *
 * Its own I/O thread opens the port, waits for the banner after a soft reset,
 * unlocks ($X) or homes ($H) as configured, then streams jobs with character
 * counting (at most 127 bytes in GRBL's receive buffer; lines end in \n only)
 * and polls the '?' status report at most 5 times a second. Progress (lines
 * acknowledged / total, seconds left) is in the snapshot; the end of a job,
 * error:N and ALARM:N come as events with plain messages. Feed hold (!),
 * resume (~) and abort (soft reset) are commands; during a hold GRBL sends no
 * 'ok', so the driver waits without timing out. After an alarm the engraver
 * refuses jobs until grbl_drv_reset (soft reset + unlock), then works again.
 *
 * A job's G-code is copied into the driver and wiped when the job ends (it
 * carries the visitor's text); nothing is written to disk.
 */
#ifndef MF_GRBL_DRV_H
#define MF_GRBL_DRV_H

#include "serial.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    GRBL_STREAM_CHAR_COUNT = 0, /* fill the 127-byte RX buffer (fast, default) */
    GRBL_STREAM_SEND_WAIT,      /* one line, wait for its ok (benchmark baseline) */
} grbl_stream_mode_t;

typedef struct {
    grbl_stream_mode_t mode;
    int status_ms;         /* '?' period, >= 200 (5 Hz), default 200 */
    int banner_timeout_ms; /* after a soft reset, default 3000 */
    int silence_ms;        /* no byte at all for this long = device gone, default 3000 */
    int home_timeout_ms;   /* $H may take long, default 60000 */
    bool home_on_start;    /* $H after the banner (machines with limit switches) */
    double rapid_mm_min;   /* for the time-left estimate, default 3000 */
} grbl_opts_t;

void grbl_opts_default(grbl_opts_t *opts);

typedef enum {
    GRBL_DRV_OFFLINE = 0, /* port closed or not answering; retrying */
    GRBL_DRV_STARTING,    /* waiting for the banner, unlocking, homing */
    GRBL_DRV_READY,       /* idle, a job may start */
    GRBL_DRV_RUNNING,     /* streaming a job */
    GRBL_DRV_HELD,        /* feed hold during a job */
    GRBL_DRV_ALARM,       /* locked by an alarm: grbl_drv_reset */
} grbl_drv_state_t;

typedef struct {
    grbl_drv_state_t state;
    char machine_state[16]; /* last status report's state ("Idle", "Run", "Hold:0"...) */
    char version[16];       /* from the banner, e.g. "1.1h" */
    double pos[3];
    uint32_t job; /* current or last job id, 0 = none */
    int lines_total, lines_sent, lines_acked;
    int bytes_in_flight;     /* counted bytes in GRBL's RX buffer */
    int max_bytes_in_flight; /* high-water mark of the current job */
    double seconds_left;     /* estimate from the program and status reports */
    int last_alarm;          /* code of the last ALARM:N, 0 = none */
    char last_message[128];  /* last error/alarm/feedback in plain words */
    char port_kind[16];      /* "termios", "libserialport", "fake" */
} grbl_snapshot_t;

typedef enum {
    GRBL_EV_READY = 1, /* banner seen and unlocked: jobs may start */
    GRBL_EV_OFFLINE,   /* port lost or silent; text says why */
    GRBL_EV_JOB_DONE,  /* job finished: ok true, or false with text */
    GRBL_EV_ALARM,     /* ALARM:N (code, text) */
    GRBL_EV_REFUSED,   /* a command was refused (text says why) */
} grbl_event_kind_t;

typedef struct {
    grbl_event_kind_t kind;
    uint32_t job;
    bool ok;
    int code;
    double seconds; /* JOB_DONE: wall time of the job */
    char text[128];
} grbl_event_t;

typedef struct grbl_drv grbl_drv_t;

/* Opens the port at ADDRESS (serial.h syntax) from the driver's thread and
 * reopens it with backoff when it goes away. NULL on a bad address. */
grbl_drv_t *grbl_drv_create(const char *address, const grbl_opts_t *opts);

/* Same with a caller's opener (the fake in tests): called from the driver's
 * thread whenever a port is needed; returns NULL when the device is absent. */
typedef serial_port_t *(*grbl_open_fn)(void *user, char *why, size_t why_len);
grbl_drv_t *grbl_drv_create_with(grbl_open_fn open, void *user, const grbl_opts_t *opts);

/* Stops the thread (bounded), closes the port, wipes any job, frees. */
void grbl_drv_destroy(grbl_drv_t *drv);

void grbl_drv_snapshot(grbl_drv_t *drv, grbl_snapshot_t *out);
bool grbl_drv_poll_event(grbl_drv_t *drv, grbl_event_t *ev);

/* Queues a job: PROGRAM is G-code lines ending in \n (copied). Sets *JOB to
 * its id. Returns 0, MF_EINVAL (a line over 80 characters) or MF_EFULL/ENOMEM.
 * A job that cannot start (not ready, alarm) ends with JOB_DONE ok=false. */
int grbl_stream_start(grbl_drv_t *drv, const char *program, uint32_t *job);
int grbl_drv_hold(grbl_drv_t *drv);   /* '!' */
int grbl_drv_resume(grbl_drv_t *drv); /* '~' */
int grbl_drv_abort(grbl_drv_t *drv);  /* soft reset: the job fails, laser off */
int grbl_drv_reset(grbl_drv_t *drv);  /* soft reset + unlock, clears an alarm */

const char *grbl_drv_state_name(grbl_drv_state_t state);

#endif
