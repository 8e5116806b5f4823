/*
 * grbl_sim.h - a GRBL 1.1 controller as seen from its serial port, without the
 * port: the character protocol (banner, ok / error:N, ALARM:N, $ commands,
 * real-time ? ! ~ 0x18), a 128-byte receive buffer, the 115200-baud link's
 * timing, a G-code parser (G0-G3, G4, G17, G20/G21, G90/G91, G94, M3/M4/M5, S,
 * F) and a 15-block planner with junction speeds and trapezoid profiles, so
 * that streaming strategies (character counting vs send-and-wait) take the
 * time they would on the real machine.
 *
 * Pure logic: time is an input (now_us, monotonic microseconds), bytes go in
 * with grbl_sim_feed and come out with grbl_sim_take_output. grbl_port.c
 * wires it to a pseudo-terminal; tests drive it directly. Not thread-safe.
 */
#ifndef MF_SIM_GRBL_SIM_H
#define MF_SIM_GRBL_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct grbl_sim grbl_sim_t;

#define GRBL_SIM_RX_BUFFER 128 /* bytes; 127 usable for character counting */
#define GRBL_SIM_PLANNER_BLOCKS 15

typedef struct {
    unsigned baud;          /* link speed, 115200; 0 = instantaneous link */
    unsigned latency_us;    /* one-way USB-serial latency added to every byte (default 1000) */
    unsigned line_parse_us; /* controller time to parse and plan one line (default 500) */
} grbl_sim_config_t;

void grbl_sim_config_default(grbl_sim_config_t *cfg);

/* A freshly powered controller (banner queued for output). NULL on no memory. */
grbl_sim_t *grbl_sim_create(const grbl_sim_config_t *cfg, uint64_t now_us);
void grbl_sim_destroy(grbl_sim_t *g);

/* The host opened the port: an Arduino resets on DTR, so motion stops, state
 * is lost and the banner is sent again. */
void grbl_sim_power_cycle(grbl_sim_t *g, uint64_t now_us);

/* Bytes written by the host at now_us. They reach the controller at the
 * link's pace; real-time commands act on arrival, the rest fills the receive
 * buffer (overflowing bytes are lost, as on the real board). */
void grbl_sim_feed(grbl_sim_t *g, const void *bytes, size_t n, uint64_t now_us);

/* Runs the controller up to now_us: arrivals, parsing, motion. */
void grbl_sim_advance(grbl_sim_t *g, uint64_t now_us);

/* Copies out up to cap bytes whose arrival time at the host is <= now_us.
 * Returns the count. */
size_t grbl_sim_take_output(grbl_sim_t *g, char *buf, size_t cap, uint64_t now_us);

/* The next instant something changes (motion in progress, bytes in flight),
 * or UINT64_MAX when idle. */
uint64_t grbl_sim_next_event_us(const grbl_sim_t *g, uint64_t now_us);

/* Faults: raises ALARM:code (1 hard limit, 2 soft limit, ...) now, stopping
 * motion at once, as a limit switch would. Returns 0 or MF_EINVAL. */
int grbl_sim_raise_alarm(grbl_sim_t *g, unsigned code, uint64_t now_us);

/* Faults and the machine's own controls (the control socket):
 *   grbl_sim_drop_ok: the 'ok' after SKIP more is lost on the link (the line
 *     ran; the host never hears it), once;
 *   grbl_sim_machine_hold: the machine's feed-hold (1) / cycle-start (0)
 *     button, as '!' / '~' from another program would;
 *   grbl_sim_set_homing: a homing cycle lasts at least MIN_SECONDS; like GRBL
 *     (answers_status 0, the default) a '?' during the cycle is answered only
 *     when it ends, just before its 'ok'; 1 answers at once (<Home|...>);
 *   grbl_sim_fail_homing: the next homing cycle ends in ALARM:CODE (6..9; 0
 *     cancels), then the banner and the unlock message, as GRBL restarts;
 *   grbl_sim_set_setting: $N=VALUE as if set from the console (MF_EINVAL for
 *     a setting this board does not have). */
void grbl_sim_drop_ok(grbl_sim_t *g, unsigned skip);
unsigned grbl_sim_oks_dropped(const grbl_sim_t *g);
void grbl_sim_machine_hold(grbl_sim_t *g, int hold, uint64_t now_us);
void grbl_sim_set_homing(grbl_sim_t *g, double min_seconds, int answers_status);
int grbl_sim_fail_homing(grbl_sim_t *g, unsigned code);
int grbl_sim_set_setting(grbl_sim_t *g, unsigned id, double value);

/* Burned path: every executed G1/G2/G3 segment with the laser on
 * (M3/M4 with S > 0) is appended as a line
 *   "burn X0 Y0 X1 Y1 S F" (mm, mm/min)
 * to log (not owned, may be NULL) and kept in memory for grbl_sim_write_svg. */
void grbl_sim_set_burn_log(grbl_sim_t *g, FILE *log);
int grbl_sim_write_svg(const grbl_sim_t *g, const char *path);
void grbl_sim_clear_burns(grbl_sim_t *g);
size_t grbl_sim_burn_count(const grbl_sim_t *g);

/* State for tests and the status text. */
const char *grbl_sim_state_name(const grbl_sim_t *g);
void grbl_sim_position(const grbl_sim_t *g, double pos[3]);
size_t grbl_sim_format_status(const grbl_sim_t *g, char *buf, size_t size);

#endif
