/*
 * sim_child.c - starting, talking to and stopping firmware-sim as a child
 * process. See sim_child.h.
 */
#include "sim_child.h"

#include "mf_error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int find_bin(const char *bin_dir, char *path, size_t cap)
{
    const char *dir = bin_dir ? bin_dir : getenv("MINIFAB_BIN_DIR");
    char self[PATH_MAX];
    if (!dir) {
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0)
            return MF_ENOENT;
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash)
            *slash = '\0';
        dir = self;
    }
    int n = snprintf(path, cap, "%s/minifab-sim", dir);
    if (n < 0 || (size_t)n >= cap)
        return MF_ENOENT;
    return access(path, X_OK) == 0 ? 0 : MF_ENOENT;
}

int sim_child_start(sim_child_t *c, const char *bin_dir, int plc_port, const char *io,
                    const char *engraver, const char *scanner, const char *control,
                    const char *const *extra, int timeout_ms)
{
    memset(c, 0, sizeof *c);
    c->pid = -1;
    c->out_fd = -1;
    char bin[PATH_MAX];
    int rc = find_bin(bin_dir, bin, sizeof bin);
    if (rc)
        return rc;
    char port[16];
    snprintf(port, sizeof port, "%d", plc_port);
    const char *argv[64] = {bin,     "--plc-port",     port,     "--io-pty",
                            io,      "--engraver-pty", engraver, "--scanner-pty",
                            scanner, "--control",      control,  "--log-level",
                            "warn"};
    int argc = 13;
    for (int i = 0; extra && extra[i] && argc < 62; i++)
        argv[argc++] = extra[i];
    argv[argc] = NULL;
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0)
        return mf_error_from_errno(errno);
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return mf_error_from_errno(errno);
    }
    if (pid == 0) {
        dup2(pfd[1], STDOUT_FILENO);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    close(pfd[1]);
    c->pid = pid;
    c->out_fd = pfd[0];
    char buf[1024];
    size_t used = 0;
    long long end = now_ms() + timeout_ms;
    while (now_ms() < end) {
        struct pollfd p = {.fd = c->out_fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        ssize_t n = read(c->out_fd, buf + used, sizeof buf - 1 - used);
        if (n <= 0)
            break; /* the child exited */
        used += (size_t)n;
        buf[used] = '\0';
        char *ready = strstr(buf, "ready ");
        if (ready && strchr(ready, '\n')) {
            char *plc = strstr(ready, "plc=");
            char *colon = plc ? strchr(plc, ':') : NULL;
            c->plc_port = colon ? atoi(colon + 1) : plc_port;
            snprintf(c->io, sizeof c->io, "%s", io);
            snprintf(c->engraver, sizeof c->engraver, "%s", engraver);
            snprintf(c->scanner, sizeof c->scanner, "%s", scanner);
            snprintf(c->control, sizeof c->control, "%s", control);
            return 0;
        }
        if (used == sizeof buf - 1)
            used = 0;
    }
    sim_child_stop(c, 1);
    return MF_ETIMEDOUT;
}

void sim_child_stop(sim_child_t *c, int kill_hard)
{
    if (c->pid > 0) {
        kill(c->pid, kill_hard ? SIGKILL : SIGTERM);
        long long end = now_ms() + 2000;
        int status;
        while (waitpid(c->pid, &status, WNOHANG) == 0) {
            if (now_ms() > end) {
                kill(c->pid, SIGKILL);
                waitpid(c->pid, &status, 0);
                break;
            }
            struct timespec ts = {0, 5000000L};
            nanosleep(&ts, NULL);
        }
        c->pid = -1;
    }
    if (c->out_fd >= 0) {
        close(c->out_fd);
        c->out_fd = -1;
    }
}

int sim_child_control(const char *control_path, const char *cmd, char *out, size_t cap)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return mf_error_from_errno(errno);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", control_path);
    int rc = MF_EIO;
    size_t used = 0;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        rc = mf_error_from_errno(errno);
        goto done;
    }
    char line[256];
    int n = snprintf(line, sizeof line, "%s\n", cmd);
    if (write(fd, line, (size_t)n) != n)
        goto done;
    long long end = now_ms() + 3000;
    if (cap)
        out[0] = '\0';
    while (now_ms() < end && used + 1 < cap) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        ssize_t r = read(fd, out + used, cap - 1 - used);
        if (r <= 0)
            break;
        used += (size_t)r;
        out[used] = '\0';
        /* The answer ends with a line "ok" or "error: ...". */
        char *last = out + used;
        if (used && out[used - 1] == '\n') {
            last = out + used - 1;
            while (last > out && last[-1] != '\n')
                last--;
            if (strncmp(last, "ok", 2) == 0) {
                rc = 0;
                break;
            }
            if (strncmp(last, "error", 5) == 0) {
                rc = MF_EREFUSED;
                break;
            }
        }
    }
    if (rc == MF_EIO && used + 1 >= cap)
        rc = MF_ERANGE;
done:
    close(fd);
    return rc;
}
