/*
 * serial_termios.c - serial_ops_t over a POSIX terminal: pseudo-terminals
 * (firmware-sim's devices) and any tty path that libserialport refuses.
 * Raw 8N1, no flow control; reads and writes are bounded with poll().
 */
#include "mf_error.h"
#include "serial_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

typedef struct {
    int fd;
} termios_ctx_t;

static speed_t baud_to_speed(int baud)
{
    switch (baud) {
    case 9600:
        return B9600;
    case 19200:
        return B19200;
    case 38400:
        return B38400;
    case 57600:
        return B57600;
    case 115200:
        return B115200;
    case 230400:
        return B230400;
    case 460800:
        return B460800;
    case 921600:
        return B921600;
    default:
        return 0;
    }
}

static int t_read(void *vctx, void *buf, size_t cap, int timeout_ms)
{
    termios_ctx_t *c = vctx;
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    int r = poll(&pfd, 1, timeout_ms);
    if (r < 0)
        return errno == EINTR ? 0 : mf_error_from_errno(errno);
    if (r == 0)
        return 0;
    ssize_t n = read(c->fd, buf, cap);
    if (n > 0)
        return (int)n;
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    /* 0 bytes after POLLIN, POLLHUP or EIO: the other side is gone (a pty
     * whose master closed reports EIO). */
    return MF_ECLOSED;
}

static int t_write(void *vctx, const void *buf, size_t len, int timeout_ms)
{
    termios_ctx_t *c = vctx;
    const unsigned char *p = buf;
    int waited = 0;
    while (len > 0) {
        ssize_t n = write(c->fd, p, len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return errno == EIO ? MF_ECLOSED : mf_error_from_errno(errno);
        if (waited >= timeout_ms)
            return MF_ETIMEDOUT;
        struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
        poll(&pfd, 1, 10);
        waited += 10;
    }
    return 0;
}

static int t_flush(void *vctx)
{
    termios_ctx_t *c = vctx;
    return tcflush(c->fd, TCIFLUSH) == 0 ? 0 : mf_error_from_errno(errno);
}

static void t_close(void *vctx)
{
    termios_ctx_t *c = vctx;
    serial_unlock_fd(c->fd);
    if (c->fd >= 0)
        close(c->fd);
    free(c);
}

static const serial_ops_t termios_ops = {
    .kind = "termios", .read = t_read, .write = t_write, .flush_input = t_flush, .close = t_close};

serial_port_t *serial_termios_open(const char *path, int baud, char *why, size_t why_len, int *err)
{
    speed_t speed = baud_to_speed(baud);
    *err = MF_EINVAL;
    if (!speed) {
        snprintf(why, why_len, "%s: unsupported baud rate %d", path, baud);
        return NULL;
    }
    *err = MF_ENOMEM;
    termios_ctx_t *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    c->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (c->fd < 0) {
        int e = errno;
        if (e == EBUSY) { /* TIOCEXCL of another holder */
            *err = MF_EPORTBUSY;
            serial_busy_message(path, why, why_len);
        } else {
            *err = e == ENOENT ? MF_ENOENT : mf_error_from_errno(e);
            snprintf(why, why_len, "%s: %s", path,
                     e == ENOENT ? "no such serial port" : strerror(e));
        }
        goto fail;
    }
    *err = serial_lock_fd(c->fd, path, why, why_len);
    if (*err != 0)
        goto fail;
    *err = MF_EIO;
    struct termios tio;
    if (tcgetattr(c->fd, &tio) != 0) {
        snprintf(why, why_len, "%s: not a terminal (%s)", path, strerror(errno));
        goto fail;
    }
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CRTSCTS);
    tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    cfsetispeed(&tio, speed);
    cfsetospeed(&tio, speed);
    if (tcsetattr(c->fd, TCSANOW, &tio) != 0) {
        snprintf(why, why_len, "%s: cannot configure (%s)", path, strerror(errno));
        goto fail;
    }
    serial_port_t *p = serial_wrap(&termios_ops, c, path);
    if (!p) {
        *err = MF_ENOMEM;
        snprintf(why, why_len, "out of memory");
        goto fail;
    }
    *err = 0;
    return p;
fail:
    if (c->fd >= 0) {
        if (*err != MF_EPORTBUSY)
            serial_unlock_fd(c->fd);
        close(c->fd);
    }
    free(c);
    return NULL;
}
