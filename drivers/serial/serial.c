/*
 * serial.c - the serial interface's common part: address parsing, choosing an
 * implementation once at open, the dispatch wrappers and line splitting.
 * Implementations: serial_termios.c, serial_sp.c, serial_fake.c.
 */
#include "serial.h"

#include "mf_error.h"
#include "serial_impl.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

struct serial_port {
    const serial_ops_t *ops;
    void *ctx;
    char name[256];
};

serial_port_t *serial_wrap(const serial_ops_t *ops, void *ctx, const char *name)
{
    serial_port_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->ops = ops;
    p->ctx = ctx;
    snprintf(p->name, sizeof p->name, "%s", name ? name : "");
    return p;
}

void serial_close(serial_port_t *port)
{
    if (!port)
        return;
    port->ops->close(port->ctx);
    free(port);
}

int serial_read(serial_port_t *port, void *buf, size_t cap, int timeout_ms)
{
    return port->ops->read(port->ctx, buf, cap, timeout_ms);
}

int serial_write(serial_port_t *port, const void *buf, size_t len, int timeout_ms)
{
    return port->ops->write(port->ctx, buf, len, timeout_ms);
}

int serial_flush_input(serial_port_t *port)
{
    return port->ops->flush_input(port->ctx);
}

const char *serial_kind(const serial_port_t *port)
{
    return port->ops->kind;
}

const char *serial_name(const serial_port_t *port)
{
    return port->name;
}

static int parse_hex16(const char *s, size_t n, uint16_t *out)
{
    if (n == 0 || n > 4)
        return MF_EINVAL;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return MF_EINVAL;
        v = v * 16 + d;
    }
    *out = (uint16_t)v;
    return 0;
}

int serial_addr_parse(const char *address, serial_addr_t *out)
{
    memset(out, 0, sizeof *out);
    if (!address || !*address)
        return MF_EINVAL;
    char buf[320];
    if (snprintf(buf, sizeof buf, "%s", address) >= (int)sizeof buf)
        return MF_EINVAL;
    /* @BAUD suffix: digits only after the last '@'. */
    char *at = strrchr(buf, '@');
    if (at) {
        char *end;
        long baud = strtol(at + 1, &end, 10);
        if (at[1] == '\0' || *end != '\0' || baud < 50 || baud > 4000000)
            return MF_EINVAL;
        out->baud = (int)baud;
        *at = '\0';
    }
    const char *rest = buf;
    if (strncmp(buf, "usb:", 4) == 0) {
        out->kind = SERIAL_ADDR_USB;
        rest = buf + 4;
        const char *c1 = strchr(rest, ':');
        if (!c1 || parse_hex16(rest, (size_t)(c1 - rest), &out->vid) != 0)
            return MF_EINVAL;
        const char *pid = c1 + 1;
        const char *c2 = strchr(pid, ':');
        size_t pid_len = c2 ? (size_t)(c2 - pid) : strlen(pid);
        if (parse_hex16(pid, pid_len, &out->pid) != 0)
            return MF_EINVAL;
        if (c2) {
            size_t slen = strlen(c2 + 1);
            if (slen == 0 || slen >= sizeof out->usb_serial)
                return MF_EINVAL;
            memcpy(out->usb_serial, c2 + 1, slen + 1);
        }
        return 0;
    }
    if (strncmp(buf, "tty:", 4) == 0) {
        out->kind = SERIAL_ADDR_TERMIOS;
        rest = buf + 4;
    } else if (strncmp(buf, "sp:", 3) == 0) {
        out->kind = SERIAL_ADDR_SP;
        rest = buf + 3;
    } else {
        out->kind = SERIAL_ADDR_AUTO;
    }
    size_t rlen = strlen(rest);
    if (rlen == 0 || rlen >= sizeof out->path)
        return MF_EINVAL;
    memcpy(out->path, rest, rlen + 1);
    return 0;
}

/* True when PATH is, or links to, a pseudo-terminal (which libserialport
 * refuses): a UNIX98 pty slave (majors 136-143) or anything under /dev/pts. */
static int path_is_pty(const char *path)
{
    char real[512];
    if (realpath(path, real) && strncmp(real, "/dev/pts/", 9) == 0)
        return 1;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISCHR(st.st_mode)) {
        unsigned maj = major(st.st_rdev);
        if (maj >= 136 && maj <= 143)
            return 1;
    }
    return 0;
}

serial_port_t *serial_open_ex(const char *address, int default_baud, char *why, size_t why_len,
                              int *err)
{
    serial_addr_t a;
    char dummy[8];
    int dummy_err;
    if (!why) {
        why = dummy;
        why_len = sizeof dummy;
    }
    if (!err)
        err = &dummy_err;
    why[0] = '\0';
    *err = 0;
    if (serial_addr_parse(address, &a) != 0) {
        snprintf(why, why_len,
                 "bad serial address '%s' (expected PATH, tty:PATH, sp:PATH or "
                 "usb:VID:PID[:SERIAL], each with optional @BAUD)",
                 address ? address : "");
        *err = MF_EINVAL;
        return NULL;
    }
    int baud = a.baud ? a.baud : (default_baud > 0 ? default_baud : SERIAL_DEFAULT_BAUD);
    if (a.kind != SERIAL_ADDR_USB) {
        /* Nothing at the path: say so at once (no open to try and retry). */
        struct stat st;
        if (stat(a.path, &st) != 0) {
            int e = errno;
            *err = e == ENOENT || e == ENOTDIR ? MF_ENOENT : mf_error_from_errno(e);
            if (*err == MF_ENOENT)
                snprintf(why, why_len, "%s: no such serial port (nothing at this path)", a.path);
            else
                snprintf(why, why_len, "%s: %s", a.path, strerror(e));
            return NULL;
        }
        if (!S_ISCHR(st.st_mode)) {
            snprintf(why, why_len, "%s: not a serial port (not a character device)", a.path);
            *err = MF_EINVAL;
            return NULL;
        }
    }
    switch (a.kind) {
    case SERIAL_ADDR_TERMIOS:
        return serial_termios_open(a.path, baud, why, why_len, err);
    case SERIAL_ADDR_SP:
        return serial_sp_open(a.path, baud, why, why_len, err);
    case SERIAL_ADDR_USB: {
        char path[256];
        if (serial_find_usb(a.vid, a.pid, a.usb_serial, path, sizeof path) != 0) {
            snprintf(why, why_len, "no USB serial port %04x:%04x%s%s", a.vid, a.pid,
                     a.usb_serial[0] ? " with serial " : "", a.usb_serial);
            *err = MF_ENOENT;
            return NULL;
        }
        return serial_sp_open(path, baud, why, why_len, err);
    }
    case SERIAL_ADDR_AUTO:
    default:
        if (path_is_pty(a.path))
            return serial_termios_open(a.path, baud, why, why_len, err);
        return serial_sp_open(a.path, baud, why, why_len, err);
    }
}

serial_port_t *serial_open(const char *address, int default_baud, char *why, size_t why_len)
{
    return serial_open_ex(address, default_baud, why, why_len, NULL);
}

int serial_port_holder(const char *path, char *out, size_t cap)
{
    if (cap)
        out[0] = '\0';
    struct stat want;
    if (stat(path, &want) != 0)
        return 0;
    DIR *proc = opendir("/proc");
    if (!proc)
        return 0;
    int found = 0;
    pid_t self = getpid();
    struct dirent *pe;
    while (!found && (pe = readdir(proc))) {
        char *end;
        long pid = strtol(pe->d_name, &end, 10);
        if (*end || pid <= 0 || pid == self)
            continue;
        char dir[64];
        snprintf(dir, sizeof dir, "/proc/%ld/fd", pid);
        DIR *fds = opendir(dir);
        if (!fds)
            continue; /* another user's process: not ours to see */
        struct dirent *fe;
        while ((fe = readdir(fds))) {
            char fdpath[96];
            struct stat st;
            if (fe->d_name[0] == '.' || strlen(fe->d_name) > 16)
                continue;
            snprintf(fdpath, sizeof fdpath, "/proc/%ld/fd/%.16s", pid, fe->d_name);
            if (stat(fdpath, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == want.st_rdev) {
                found = (int)pid;
                break;
            }
        }
        closedir(fds);
    }
    closedir(proc);
    if (!found)
        return 0;
    char comm_path[64], comm[64] = "";
    snprintf(comm_path, sizeof comm_path, "/proc/%d/comm", found);
    FILE *f = fopen(comm_path, "r");
    if (f) {
        if (fgets(comm, sizeof comm, f))
            comm[strcspn(comm, "\n")] = '\0';
        fclose(f);
    }
    snprintf(out, cap, "%s (pid %d)", comm[0] ? comm : "a program", found);
    return found;
}

void serial_busy_message(const char *path, char *why, size_t why_len)
{
    char who[96];
    if (serial_port_holder(path, who, sizeof who) > 0)
        snprintf(why, why_len, "%s: busy, held by %s", path, who);
    else
        snprintf(why, why_len, "%s: busy, held by another program (or another driver here)", path);
}

int serial_lock_fd(int fd, const char *path, char *why, size_t why_len)
{
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            serial_busy_message(path, why, why_len);
            return MF_EPORTBUSY;
        }
        /* A file system without locks: TIOCEXCL alone. */
    }
    /* Refuses later opens by other programs that do not lock (root is let
     * through; every minifab locks). Not on a pseudo-terminal: its tty
     * outlives our close while the simulator holds the master, so a crash
     * would leave the flag behind and the port refused for good. */
    struct stat st;
    if (fstat(fd, &st) == 0 && !(major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143))
        (void)ioctl(fd, TIOCEXCL);
    return 0;
}

void serial_unlock_fd(int fd)
{
    if (fd >= 0)
        (void)ioctl(fd, TIOCNXCL);
}

int serial_linebuf_take(serial_linebuf_t *lb, char *line, size_t line_cap)
{
    char *nl = memchr(lb->data, '\n', lb->used);
    size_t n, consumed;
    if (nl) {
        n = (size_t)(nl - lb->data);
        consumed = n + 1;
    } else if (lb->used == sizeof lb->data) {
        /* A line longer than the buffer: hand out its head as a line. */
        n = consumed = lb->used;
    } else {
        return 0;
    }
    size_t len = n;
    while (len > 0 && lb->data[len - 1] == '\r')
        len--;
    size_t copy = len < line_cap - 1 ? len : line_cap - 1;
    memcpy(line, lb->data, copy);
    line[copy] = '\0';
    for (size_t i = 0; i < copy; i++) /* embedded NULs would cut the string */
        if (line[i] == '\0')
            line[i] = '?';
    memmove(lb->data, lb->data + consumed, lb->used - consumed);
    lb->used -= consumed;
    return 1;
}

int serial_read_line(serial_port_t *port, serial_linebuf_t *lb, char *line, size_t line_cap,
                     int timeout_ms)
{
    for (;;) {
        /* Empty lines (a bare \r\n) are skipped. */
        while (serial_linebuf_take(lb, line, line_cap))
            if (line[0])
                return (int)strlen(line);
        int got = serial_read(port, lb->data + lb->used, sizeof lb->data - lb->used, timeout_ms);
        if (got <= 0)
            return got;
        lb->used += (size_t)got;
        timeout_ms = 5; /* the rest of a line arrives quickly once it started */
    }
}
