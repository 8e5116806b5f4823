/*
 * simproc.h - firmware-sim as child processes of the kiosk (`minifab run
 * --sim`, and the default when no device is configured): started in a private
 * runtime folder, their addresses handed to the drivers, stopped on exit.
 */
#ifndef MF_SIMPROC_H
#define MF_SIMPROC_H

#include <stddef.h>

typedef struct simproc simproc_t;

/* The addresses the kiosk's drivers use to reach the simulated devices. */
typedef struct {
    char plc_uri[128];
    char io_port[256];
    char engraver_port[256];
    char scanner_port[256];
    char control[256]; /* the simulator's control socket */
} simproc_addresses_t;

/* Starts BIN_DIR/minifab-sim (through drivers/common/sim_child) and waits
 * (at most 5 s) for its "ready" line, when its devices are
 * reachable. NULL when it could not start (logged): the kiosk goes on without
 * the line, as it does when the real line is down. */
simproc_t *simproc_start(const char *bin_dir, simproc_addresses_t *out);
/* SIGTERM, then SIGKILL after 2 s; removes the runtime folder. */
void simproc_stop(simproc_t *s);

/* The folder holding the running executable (for finding minifab-sim). */
int simproc_self_dir(char *buf, size_t size);

#endif
