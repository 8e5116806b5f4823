/*
 * mb_link_modbus.c - mb_link_ops_t over libmodbus (TCP and RTU). The only
 * file of the drivers that includes modbus.h, so errno values of libmodbus
 * are mapped to mf_error codes here and nowhere else.
 */
#include "mb_link.h"

#include "mf_error.h"
#include "serial.h"

#include <errno.h>
#include <modbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    modbus_t *mb;
    int connected;
    int last_exception;
} mb_ctx_t;

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
    c->mb = modbus_new_tcp(host, port);
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
