/*
 * simproc.c - starting and stopping minifab-sim (see simproc.h).
 */
#include "simproc.h"

#include "mf_error.h"
#include "mf_log.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct simproc {
    pid_t pid;
    char dir[200];
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

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

simproc_t *simproc_start(const char *bin_dir, simproc_addresses_t *out)
{
    simproc_t *s = calloc(1, sizeof *s);
    char exe[512], port[16];
    if (!s)
        return NULL;
    snprintf(exe, sizeof exe, "%s/minifab-sim", bin_dir);
    if (access(exe, X_OK) != 0) {
        mf_log_warn("sim", "%s not found: the kiosk runs without the simulated line", exe);
        free(s);
        return NULL;
    }
    const char *rt = getenv("XDG_RUNTIME_DIR");
    snprintf(s->dir, sizeof s->dir, "%s/minifab-sim-XXXXXX", rt && *rt ? rt : "/tmp");
    if (!mkdtemp(s->dir)) {
        mf_log_error("sim", "cannot create a runtime folder: %s", strerror(errno));
        free(s);
        return NULL;
    }
    /* A port from the pid keeps two kiosks on one laptop apart. */
    int plc_port = 15000 + (int)(getpid() % 5000);
    snprintf(port, sizeof port, "%d", plc_port);
    snprintf(s->addr.plc_uri, sizeof s->addr.plc_uri, "tcp://127.0.0.1:%d", plc_port);
    snprintf(s->addr.io_port, sizeof s->addr.io_port, "%s/io", s->dir);
    snprintf(s->addr.engraver_port, sizeof s->addr.engraver_port, "%s/engraver", s->dir);
    snprintf(s->addr.scanner_port, sizeof s->addr.scanner_port, "%s/scanner", s->dir);
    snprintf(s->addr.control, sizeof s->addr.control, "%s/control", s->dir);
    char *argv[] = {exe,
                    "--plc-port",
                    port,
                    "--io-pty",
                    s->addr.io_port,
                    "--engraver-pty",
                    s->addr.engraver_port,
                    "--scanner-pty",
                    s->addr.scanner_port,
                    "--control",
                    s->addr.control,
                    NULL};
    int rc = posix_spawn(&s->pid, exe, NULL, NULL, argv, environ);
    if (rc != 0) {
        mf_log_error("sim", "cannot start %s: %s", exe, strerror(rc));
        rmdir(s->dir);
        free(s);
        return NULL;
    }
    /* Ready when its serial links and control socket exist. */
    for (int i = 0; i < 100; i++) {
        struct stat st;
        if (stat(s->addr.io_port, &st) == 0 && stat(s->addr.engraver_port, &st) == 0 &&
            stat(s->addr.scanner_port, &st) == 0 && stat(s->addr.control, &st) == 0)
            break;
        int status;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            mf_log_error("sim", "minifab-sim exited at start (status %d)", status);
            rmdir(s->dir);
            free(s);
            return NULL;
        }
        sleep_ms(50);
    }
    mf_log_info("sim", "simulated line started (pid %d, PLC %s, links in %s)", (int)s->pid,
                s->addr.plc_uri, s->dir);
    *out = s->addr;
    return s;
}

void simproc_stop(simproc_t *s)
{
    if (!s)
        return;
    int status = 0;
    kill(s->pid, SIGTERM);
    for (int i = 0; i < 40; i++) {
        if (waitpid(s->pid, &status, WNOHANG) == s->pid)
            goto reaped;
        sleep_ms(50);
    }
    mf_log_warn("sim", "minifab-sim did not stop in 2 s: killing it");
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &status, 0);
reaped:
    /* the simulator removes its links; remove whatever is left */
    unlink(s->addr.io_port);
    unlink(s->addr.engraver_port);
    unlink(s->addr.scanner_port);
    unlink(s->addr.control);
    rmdir(s->dir);
    mf_log_info("sim", "simulated line stopped");
    free(s);
}
