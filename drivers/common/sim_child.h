/*
 * sim_child.h - firmware-sim (build/bin/minifab-sim) as a child process, for
 * the drivers' integration tests and `minifab bench line|engrave`
 * (drivers/common). Not used by the kiosk itself.
 *
 * sim_child_start runs minifab-sim with the given device paths and waits for
 * its "ready" line (which carries the PLC port when 0 asked for any free
 * one). sim_child_stop sends SIGTERM, waits, and SIGKILLs after a bound, so a
 * test never leaves a simulator behind. sim_child_control sends one command
 * to the control socket and returns its answer.
 */
#ifndef MF_SIM_CHILD_H
#define MF_SIM_CHILD_H

#include <stddef.h>
#include <sys/types.h>

typedef struct {
    pid_t pid;
    int out_fd; /* the child's stdout, kept open so it never gets SIGPIPE */
    int plc_port;
    char io[128], engraver[128], scanner[128], control[128];
} sim_child_t;

/* BIN_DIR: where minifab-sim is (NULL: $MINIFAB_BIN_DIR, then the directory
 * of /proc/self/exe). PLC_PORT 0 = any free. IO/ENGRAVER/SCANNER/CONTROL:
 * paths or "none". EXTRA: more arguments (NULL-terminated, may be NULL).
 * Returns 0 or a negative mf_error code (MF_ENOENT: no simulator binary). */
int sim_child_start(sim_child_t *c, const char *bin_dir, int plc_port, const char *io,
                    const char *engraver, const char *scanner, const char *control,
                    const char *const *extra, int timeout_ms);

/* Stops the child (SIGTERM, then SIGKILL after 2 s). KILL_HARD: SIGKILL at
 * once (a crash). Idempotent. */
void sim_child_stop(sim_child_t *c, int kill_hard);

/* One control command; the answer (data lines and the final ok/error line)
 * into OUT. Returns 0 when it ended with "ok", MF_EREFUSED on "error: ...",
 * another negative code on I/O failure. */
int sim_child_control(const char *control_path, const char *cmd, char *out, size_t cap);

#endif
