/*
 * sim.h - the simulator's shared world: what every device thread of
 * minifab-sim sees (the PLC model, the I/O module's state, the GRBL engraver,
 * drop-off-the-bus timers) behind one mutex, plus the threads' entry points.
 *
 * Threads (started by main.c): plc_server (Modbus TCP), io_server (Modbus RTU
 * on a pty), grbl_port (GRBL on a pty), control (Unix socket). Each runs a
 * poll() loop that also watches world->stop_fd, and holds world->lock only
 * while it touches the models, never across a blocking call.
 */
#ifndef MF_SIM_H
#define MF_SIM_H

#include "grbl_sim.h"
#include "line_regmap.h"
#include "plc_model.h"

#include <pthread.h>
#include <stdint.h>

typedef enum {
    SIM_DEV_PLC = 0,
    SIM_DEV_IO,
    SIM_DEV_ENGRAVER,
    SIM_DEV_SCANNER,
    SIM_DEV_COUNT
} sim_dev_t;

typedef enum {
    SIM_DROP_NONE = 0,
    SIM_DROP_MUTE,  /* keeps the link, reads and ignores every request */
    SIM_DROP_CLOSE, /* PLC: closes its sockets and refuses connections; a serial
                       device is unplugged: pty closed, link removed, a new pty
                       behind the same link when it comes back */
} sim_drop_mode_t;

/* The remote I/O module's image (REGISTERS.md). */
typedef struct {
    uint8_t coils[MF_IO_CO_COUNT];
    uint8_t start_button;
    uint8_t estop_ok;
    uint16_t start_count, estop_count;
    uint16_t hr_spare[MF_IO_HR_COUNT];
} sim_io_t;

typedef struct {
    const char *plc_host;
    int plc_port;
    const char *io_pty;
    const char *engraver_pty;
    const char *scanner_pty;
    const char *control_path;
    const char *engraver_log; /* burned path, one line per segment, or NULL */
    int no_rtu_timing;        /* skip the 115200-baud delays (benchmarks) */
    unsigned plc_scan_ms;     /* 0: inputs follow every write at once (10 ms steps);
                                 N: the PLC copies its inputs once per N ms scan */
    unsigned plc_idle_s;      /* a PLC client silent this long is closed (60) */
} sim_options_t;

typedef struct {
    pthread_mutex_t lock;
    sim_options_t opt;
    plc_model_t *plc;
    grbl_sim_t *grbl;
    sim_io_t io;
    struct {
        sim_drop_mode_t mode;
        uint64_t until_ms;
    } drop[SIM_DEV_COUNT];
    unsigned delay_ms[SIM_DEV_COUNT];     /* added before every answer (plc, io) */
    unsigned corrupt_left[SIM_DEV_COUNT]; /* io: answers still to send with a bad CRC */
    unsigned changes;                     /* +1 by every control command: the PLC re-renders */
    int plc_listen_fd;                    /* listening socket, made by plc_server_prepare */
    int control_fd;                       /* listening Unix socket, made by control_prepare */
    int io_master;                        /* pty masters, -1 when that device is not played */
    int engraver_master;
    int scanner_master;
    int stop_fd; /* eventfd: readable once the simulator stops */
    int stopping;
    uint64_t started_ms;
} sim_world_t;

/* Monotonic milliseconds / microseconds. */
uint64_t sim_now_ms(void);
uint64_t sim_now_us(void);

/* Under world->lock: the drop mode of a device now (expired timers read NONE). */
sim_drop_mode_t sim_dropped(sim_world_t *w, sim_dev_t dev, uint64_t now_ms);

/* Sets the e-stop chain (1 = open / pressed); updates the I/O module and the
 * PLC together, as the hardware wiring does. Under world->lock. */
void sim_set_estop(sim_world_t *w, int open, uint64_t now_ms);

/* For a serial device's thread, once per loop: applies SIM_DROP_CLOSE
 * (closes *master, removes the link, sets *world_fd = -1) and plugs the
 * device back when the drop ends (new pty, *master and *world_fd set under
 * the lock). Returns 0 when *master is usable, 1 while unplugged. */
int sim_pty_unplug_step(sim_world_t *w, sim_drop_mode_t drop, const char *link, int *master,
                        int *world_fd, const char *name);

/* Asks every thread to stop (async-signal-safe: writes the eventfd). */
void sim_request_stop(sim_world_t *w);

/* Thread entry points; arg is the sim_world_t. They return NULL. */
void *plc_server_thread(void *arg);
void *io_server_thread(void *arg);
void *grbl_port_thread(void *arg);
void *control_thread(void *arg);

/* Binds and listens before the threads start, so start-up errors reach main
 * (and tests can connect as soon as the simulator says "ready"). Each returns
 * 0 or a negative mf_error code; the fd is owned by the thread afterwards. */
int plc_server_prepare(sim_world_t *w);
int control_prepare(sim_world_t *w);

/* The control socket's command list, for --help. */
const char *control_help_text(void);

#endif
