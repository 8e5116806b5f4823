/*
 * grbl_drv.h - the laser engraver driver (drivers/engraver): a GRBL 1.1
 * controller on a serial port (drivers/serial: USB through libserialport,
 * firmware-sim's pseudo-terminal through termios).
 *
 * Its own I/O thread opens the port (exclusively: a port another program
 * holds fails at once, naming the holder), waits for the banner after a soft
 * reset, unlocks ($X) or homes ($H) as configured, reads the settings ($$),
 * then streams jobs with character counting (at most 127 bytes in GRBL's
 * receive buffer; lines end in \n only) and polls the '?' status report at
 * most 5 times a second. Progress (lines acknowledged / total, seconds left,
 * the machine position) is in the snapshot; the end of a job, error:N and
 * ALARM:N come as events with plain messages. Feed hold (!), resume (~) and
 * abort (soft reset) are commands; during a hold GRBL sends no 'ok', so the
 * driver waits without timing out. After an alarm the engraver refuses jobs
 * until grbl_drv_reset (soft reset + unlock), then works again.
 *
 * What a real GRBL 1.1 does that the driver follows:
 *   - Homing ($H) runs in a blocking loop that answers no '?' until the cycle
 *     ends with 'ok' (or ALARM:N): the driver stops polling and waits up to
 *     home_timeout_ms, without calling the silent engraver offline.
 *   - A feed hold from the machine's own button (or another program's '!')
 *     shows as Hold in the status report: the job becomes HELD (event
 *     GRBL_EV_HELD) and grbl_drv_resume / grbl_drv_abort end it cleanly;
 *     a resume from the machine makes it RUNNING again (GRBL_EV_RESUMED).
 *   - An 'ok' lost on the serial line (USB glitch) would leave lines "in
 *     flight" for ever: when GRBL reports Idle with lines unanswered for
 *     stall_ms (plus the dwells they hold), with empty buffers (Bf, when
 *     reported), the lines are counted as done (snapshot oks_lost; the job
 *     ends ok with a word about it); with bytes left unparsed in its buffer
 *     (a line cut on the link) the job fails, and GRBL is reset.
 *   - The settings ($$): a job asking more power than $30 or leaving the
 *     travel ($130 x $131) is refused before a line is sent; laser mode off
 *     ($32=0) is a warning (GRBL_EV_WARNING, snapshot warning).
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
    int stall_ms;          /* GRBL Idle with lines unanswered this long = 'ok' lost, default 2000 */
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

    /* Appended fields (older readers keep working). */
    double mpos[3];      /* machine position, mm: MPos of the last status report, or WPos + WCO */
    double wpos[3];      /* work position, mm: WPos, or MPos - WCO (WCO 0 until GRBL sent one) */
    bool pos_known;      /* a status report with a position arrived since the port opened */
    double progress;     /* lines_acked / lines_total of the current or last job, 0..1 */
    bool homing;         /* $H in progress: GRBL answers no status until it ends */
    bool hold_external;  /* HELD by the machine's button or another program, not grbl_drv_hold */
    int oks_lost;        /* lines of the current or last job counted done without their 'ok' */
    int open_failures;   /* consecutive failed opens of the port, 0 once open */
    int open_error;      /* MF_E* code of the last failed open (MF_ENOENT, MF_EPORTBUSY...), 0 */
    bool settings_known; /* $$ was read after the start */
    double max_power;    /* $30: the S of full power, 0 = unknown */
    int laser_mode;      /* $32: 1 on, 0 off, -1 unknown */
    double travel[3];    /* $130..$132, mm, 0 = unknown */
    char warning[128];   /* a standing warning (laser mode off...), "" = none */
    int reconnects;      /* port opened again after the first time (lost link, reconnect) */
} grbl_snapshot_t;

typedef enum {
    GRBL_EV_READY = 1, /* banner seen and unlocked: jobs may start */
    GRBL_EV_OFFLINE,   /* port lost or silent; text says why */
    GRBL_EV_JOB_DONE,  /* job finished: ok true, or false with text */
    GRBL_EV_ALARM,     /* ALARM:N (code, text) */
    GRBL_EV_REFUSED,   /* a command was refused (text says why) */
    GRBL_EV_HELD,      /* the job is on feed hold (code 1: from the machine, 0: grbl_drv_hold) */
    GRBL_EV_RESUMED,   /* the job runs again (code 1: resumed from the machine) */
    GRBL_EV_WARNING,   /* something to fix on the machine; text says what (laser mode off) */
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
 * A job that cannot start (not ready, alarm, on hold, power above $30, area
 * beyond the travel) ends with JOB_DONE ok=false and the reason, before any
 * of its lines is sent. */
int grbl_stream_start(grbl_drv_t *drv, const char *program, uint32_t *job);
int grbl_drv_hold(grbl_drv_t *drv);   /* '!' */
int grbl_drv_resume(grbl_drv_t *drv); /* '~' */
int grbl_drv_abort(grbl_drv_t *drv);  /* soft reset: the job fails, laser off */
int grbl_drv_reset(grbl_drv_t *drv);  /* soft reset + unlock, clears an alarm */

/* Asks the driver to close the port and open it again now (staff's
 * "reconnect"), backoff forgotten; a job in progress fails (the devices
 * module refuses while one runs). Never blocks: done by its thread. */
void grbl_drv_reconnect(grbl_drv_t *drv);

const char *grbl_drv_state_name(grbl_drv_state_t state);

#endif
