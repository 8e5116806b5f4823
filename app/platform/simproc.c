/*
 * simproc.c - starting and stopping minifab-sim (see simproc.h).
 */
#include "simproc.h"

#include "mf_error.h"
#include "mf_log.h"
#include "sim_child.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct simproc {
    sim_child_t child; /* the process itself: drivers/common/sim_child.c */
    char dir[200];     /* private runtime folder for its serial links */
    simproc_addresses_t addr;
};

int simproc_self_dir(char *buf, size_t size)
{
    char path[1024];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0)
        return mf_error_from_errno(errno);
    path[n] = '\0';
    snprintf(buf, size, "%s", dirname(path));
    return MF_OK;
}

simproc_t *simproc_start(const char *bin_dir, simproc_addresses_t *out)
{
    simproc_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    const char *rt = getenv("XDG_RUNTIME_DIR");
    snprintf(s->dir, sizeof s->dir, "%s/minifab-sim-XXXXXX", rt && *rt ? rt : "/tmp");
    if (!mkdtemp(s->dir)) {
        mf_log_error("sim", "cannot create a runtime folder: %s", strerror(errno));
        free(s);
        return NULL;
    }
    snprintf(s->addr.io_port, sizeof s->addr.io_port, "%s/io", s->dir);
    snprintf(s->addr.engraver_port, sizeof s->addr.engraver_port, "%s/engraver", s->dir);
    snprintf(s->addr.scanner_port, sizeof s->addr.scanner_port, "%s/scanner", s->dir);
    snprintf(s->addr.control, sizeof s->addr.control, "%s/control", s->dir);
    /* Port 0: the simulator takes a free port and says which in its "ready"
     * line, so two kiosks on one laptop never collide. */
    int rc = sim_child_start(&s->child, bin_dir, 0, s->addr.io_port, s->addr.engraver_port,
                             s->addr.scanner_port, s->addr.control, NULL, 5000);
    if (rc != MF_OK) {
        if (rc == MF_ENOENT)
            mf_log_warn("sim", "no minifab-sim in %s: the kiosk runs without the simulated line",
                        bin_dir);
        else
            mf_log_error("sim", "cannot start minifab-sim: %s", mf_strerror(rc));
        rmdir(s->dir);
        free(s);
        return NULL;
    }
    snprintf(s->addr.plc_uri, sizeof s->addr.plc_uri, "tcp://127.0.0.1:%d", s->child.plc_port);
    mf_log_info("sim", "simulated line started (pid %d, PLC %s, links in %s)", (int)s->child.pid,
                s->addr.plc_uri, s->dir);
    *out = s->addr;
    return s;
}

void simproc_stop(simproc_t *s)
{
    if (!s)
        return;
    sim_child_stop(&s->child, 0);
    /* the simulator removes its links; remove whatever is left */
    unlink(s->addr.io_port);
    unlink(s->addr.engraver_port);
    unlink(s->addr.scanner_port);
    unlink(s->addr.control);
    rmdir(s->dir);
    mf_log_info("sim", "simulated line stopped");
    free(s);
}
