/*
 * mb_link_modbus.c - mb_link_ops_t over libmodbus (TCP and RTU). The only
 * file of the drivers that includes modbus.h, so errno values of libmodbus
 * are mapped to mf_error codes here and nowhere else.
 *
 * The TCP connection is made here, not by modbus_connect: libmodbus 3.1
 * reports every failed connect as "connection refused" (or leaves errno
 * unset on a timeout) and takes only numeric addresses, so the kiosk could
 * not say why a PLC address fails. We resolve the name (getaddrinfo), connect
 * without blocking within the response timeout, read the socket's own error,
 * and hand the connected socket to libmodbus (modbus_set_socket).
 */
#include "mb_link.h"

#include "mf_error.h"
#include "serial.h"

#include <errno.h>
#include <fcntl.h>
#include <modbus.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    modbus_t *mb;
    int connected;
    int last_exception;
    int is_tcp;
    int timeout_ms;
    char host[256];
    int port;
} mb_ctx_t;

/* errno of a failed connect -> the reason staff read. */
static int map_connect_errno(int e)
{
    switch (e) {
    case ECONNREFUSED:
        return MF_ECONNREFUSED;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EHOSTDOWN:
    case EADDRNOTAVAIL:
        return MF_ENOROUTE;
    case ETIMEDOUT:
        return MF_ETIMEDOUT;
    default:
        return mf_error_from_errno(e);
    }
}

/* One address: a non-blocking connect bounded by TIMEOUT_MS. The socket
 * (left non-blocking, as libmodbus keeps its own) or a negative code. */
static int tcp_connect_one(const struct addrinfo *ai, int timeout_ms)
{
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return mf_error_from_errno(errno);
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        return map_connect_errno(e);
    }
    if (rc != 0) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int n;
        do
            n = poll(&p, 1, timeout_ms);
        while (n < 0 && errno == EINTR);
        if (n == 0) {
            close(fd);
            return MF_ETIMEDOUT;
        }
        int err = 0;
        socklen_t len = sizeof err;
        if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
            int e = n < 0 ? errno : err;
            close(fd);
            return map_connect_errno(e ? e : EIO);
        }
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static int tcp_connect(mb_ctx_t *c)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    char port[8];
    snprintf(port, sizeof port, "%d", c->port);
    int g = getaddrinfo(c->host, port, &hints, &res);
    if (g != 0)
        return g == EAI_SYSTEM   ? mf_error_from_errno(errno)
               : g == EAI_MEMORY ? MF_ENOMEM
                                 : MF_ENONAME;
    int rc = MF_ENONAME;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = tcp_connect_one(ai, c->timeout_ms);
        if (fd >= 0) {
            modbus_set_socket(c->mb, fd);
            c->connected = 1;
            rc = 0;
            break;
        }
        rc = fd;
    }
    freeaddrinfo(res);
    return rc;
}

static int map_errno(mb_ctx_t *c, int e)
{
    c->last_exception = 0;
    if (e >= MODBUS_ENOBASE + 1 && e <= MODBUS_ENOBASE + 11) {
        c->last_exception = e - MODBUS_ENOBASE;
        return MF_EREFUSED;
    }
    switch (e) {
    case EMBBADCRC:
        return MF_ECRC;
    case EMBBADDATA:
    case EMBBADEXC:
    case EMBUNKEXC:
    case EMBMDATA:
    case EMBBADSLAVE:
        return MF_EPROTO;
    case ETIMEDOUT:
        return MF_ETIMEDOUT;
    case ECONNRESET:
    case ECONNREFUSED:
    case EPIPE:
    case ENOTCONN:
    case EBADF:
        return MF_ECLOSED;
    default:
        return mf_error_from_errno(e);
    }
}

static int m_connect(void *vctx)
{
    mb_ctx_t *c = vctx;
    if (c->connected)
        return 0;
    c->last_exception = 0;
    if (c->is_tcp)
        return tcp_connect(c);
    if (modbus_connect(c->mb) != 0) {
        int rc = map_errno(c, errno);
        modbus_close(c->mb);
        return rc == MF_ETIMEDOUT ? MF_ETIMEDOUT : MF_ECLOSED;
    }
    c->connected = 1;
    return 0;
}

static void m_close(void *vctx)
{
    mb_ctx_t *c = vctx;
    modbus_close(c->mb);
    c->connected = 0;
}

static int m_read_bits(void *vctx, mb_table_t t, int addr, int n, uint8_t *dst)
{
    mb_ctx_t *c = vctx;
    int r = t == MB_COILS ? modbus_read_bits(c->mb, addr, n, dst)
                          : modbus_read_input_bits(c->mb, addr, n, dst);
    return r == n ? 0 : (r < 0 ? map_errno(c, errno) : MF_EPROTO);
}

static int m_read_regs(void *vctx, mb_table_t t, int addr, int n, uint16_t *dst)
{
    mb_ctx_t *c = vctx;
    int r = t == MB_HOLDING ? modbus_read_registers(c->mb, addr, n, dst)
                            : modbus_read_input_registers(c->mb, addr, n, dst);
    return r == n ? 0 : (r < 0 ? map_errno(c, errno) : MF_EPROTO);
}

static int m_write_regs(void *vctx, int addr, int n, const uint16_t *src)
{
    mb_ctx_t *c = vctx;
    int r = modbus_write_registers(c->mb, addr, n, src);
    return r == n ? 0 : (r < 0 ? map_errno(c, errno) : MF_EPROTO);
}

static int m_write_bits(void *vctx, int addr, int n, const uint8_t *src)
{
    mb_ctx_t *c = vctx;
    int r = modbus_write_bits(c->mb, addr, n, src);
    return r == n ? 0 : (r < 0 ? map_errno(c, errno) : MF_EPROTO);
}

static int m_last_exception(void *vctx)
{
    return ((mb_ctx_t *)vctx)->last_exception;
}

static void m_destroy(void *vctx)
{
    mb_ctx_t *c = vctx;
    if (!c)
        return;
    if (c->mb)
        modbus_free(c->mb);
    free(c);
}

static const mb_link_ops_t tcp_ops = {"tcp",        m_connect,        m_close,
                                      m_read_bits,  m_read_regs,      m_write_regs,
                                      m_write_bits, m_last_exception, m_destroy};
static const mb_link_ops_t rtu_ops = {"rtu",        m_connect,        m_close,
                                      m_read_bits,  m_read_regs,      m_write_regs,
                                      m_write_bits, m_last_exception, m_destroy};

static int setup(mb_ctx_t *c, int unit, int timeout_ms)
{
    if (timeout_ms <= 0)
        timeout_ms = MB_DEFAULT_TIMEOUT_MS;
    c->timeout_ms = timeout_ms;
    /* The driver's own loop reconnects with backoff; libmodbus must not
     * sleep or flush behind its back. */
    modbus_set_error_recovery(c->mb, MODBUS_ERROR_RECOVERY_NONE);
    modbus_set_response_timeout(c->mb, (uint32_t)(timeout_ms / 1000),
                                (uint32_t)(timeout_ms % 1000) * 1000u);
    modbus_set_byte_timeout(c->mb, 0, 100000);
    return modbus_set_slave(c->mb, unit) == 0 ? 0 : MF_EINVAL;
}

int mb_link_tcp_init(mb_link_t *link, const char *host, int port, int unit, int timeout_ms)
{
    link->ops = NULL;
    mb_ctx_t *c = calloc(1, sizeof *c);
    if (!c)
        return MF_ENOMEM;
    if (!host || !*host || strlen(host) >= sizeof c->host || port < 1 || port > 65535)
        goto fail;
    snprintf(c->host, sizeof c->host, "%s", host);
    c->port = port;
    c->is_tcp = 1;
    /* The address given to libmodbus is never used: tcp_connect makes the
     * connection and hands libmodbus the socket. */
    c->mb = modbus_new_tcp("127.0.0.1", port);
    if (!c->mb || setup(c, unit, timeout_ms) != 0)
        goto fail;
    link->ops = &tcp_ops;
    link->ctx = c;
    return 0;
fail:
    m_destroy(c);
    return MF_EINVAL;
}

int mb_link_rtu_init(mb_link_t *link, const char *address, int baud, int unit, int timeout_ms)
{
    link->ops = NULL;
    serial_addr_t a;
    if (serial_addr_parse(address, &a) != 0)
        return MF_EINVAL;
    char path[256];
    if (a.kind == SERIAL_ADDR_USB) {
        if (serial_find_usb(a.vid, a.pid, a.usb_serial, path, sizeof path) != 0)
            return MF_ENOENT;
    } else {
        snprintf(path, sizeof path, "%s", a.path);
    }
    if (a.baud)
        baud = a.baud;
    mb_ctx_t *c = calloc(1, sizeof *c);
    if (!c)
        return MF_ENOMEM;
    c->mb = modbus_new_rtu(path, baud, 'N', 8, 1);
    if (!c->mb || setup(c, unit, timeout_ms) != 0)
        goto fail;
    link->ops = &rtu_ops;
    link->ctx = c;
    return 0;
fail:
    m_destroy(c);
    return MF_EINVAL;
}
