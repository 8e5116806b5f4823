/*
 * mb_link.h - one Modbus client connection as a small table of operations
 * plus a context (drivers/modbus). The line driver (TCP) and the I/O module
 * driver (RTU) are written against this table only, so they run unchanged on
 * libmodbus or on the in-process fake of mb_fake.h.
 *
 * No libmodbus type appears here. libmodbus errors are mapped at the
 * boundary (mb_link_modbus.c):
 *   timeout                    -> MF_ETIMEDOUT
 *   bad CRC                    -> MF_ECRC
 *   Modbus exception (1..11)   -> MF_EREFUSED, the code in mb_link_last_exception
 *   short / malformed response -> MF_EPROTO
 *   connection reset / closed  -> MF_ECLOSED
 * and connect (TCP) names its reason: MF_ENONAME (name not resolved),
 * MF_ECONNREFUSED (nobody listens), MF_ENOROUTE (no route to host),
 * MF_ETIMEDOUT (no answer within the response timeout).
 * The real links use error recovery NONE (the driver owns reconnection) and a
 * response timeout of 500 ms unless told otherwise.
 */
#ifndef MF_MB_LINK_H
#define MF_MB_LINK_H

#include <stdint.h>

typedef enum { MB_COILS, MB_DISCRETE_INPUTS, MB_HOLDING, MB_INPUT } mb_table_t;

typedef struct {
    const char *kind; /* "tcp", "rtu", "fake" */
    int (*connect)(void *ctx);
    void (*close)(void *ctx); /* idempotent; always before a reconnect */
    /* Bits: one byte per bit, 0 or 1 (MB_COILS or MB_DISCRETE_INPUTS). */
    int (*read_bits)(void *ctx, mb_table_t table, int addr, int n, uint8_t *dst);
    /* Registers: MB_HOLDING or MB_INPUT. */
    int (*read_regs)(void *ctx, mb_table_t table, int addr, int n, uint16_t *dst);
    int (*write_regs)(void *ctx, int addr, int n, const uint16_t *src); /* FC16 */
    int (*write_bits)(void *ctx, int addr, int n, const uint8_t *src);  /* FC15 */
    int (*last_exception)(void *ctx); /* Modbus exception code of the last MF_EREFUSED */
    void (*destroy)(void *ctx);
} mb_link_ops_t;

typedef struct mb_link {
    const mb_link_ops_t *ops;
    void *ctx;
} mb_link_t;

#define MB_DEFAULT_TIMEOUT_MS 500

/* Modbus TCP to HOST:PORT, unit UNIT. Returns 0 or MF_ENOMEM/MF_EINVAL; no
 * I/O until connect. */
int mb_link_tcp_init(mb_link_t *link, const char *host, int port, int unit, int timeout_ms);

/* Modbus RTU on serial device PATH (a real port or a pseudo-terminal; a
 * usb:VID:PID[:SERIAL] address is resolved through drivers/serial first),
 * BAUD 8N1, slave UNIT. */
int mb_link_rtu_init(mb_link_t *link, const char *address, int baud, int unit, int timeout_ms);

/* Parses "tcp://HOST[:PORT]" or "HOST[:PORT]" (default port DEFAULT_PORT). */
int mb_parse_tcp_uri(const char *uri, char *host, int host_len, int *port, int default_port);

static inline void mb_link_deinit(mb_link_t *link)
{
    if (link->ops) {
        link->ops->close(link->ctx);
        link->ops->destroy(link->ctx);
    }
    link->ops = 0;
    link->ctx = 0;
}

/* A plain-text name for a Modbus exception code (1..11). */
const char *mb_exception_name(int code);

/* Reconnect backoff: 100 ms doubled after each failed attempt, capped at
 * 2000 ms. ATTEMPT counts failures so far (0 = first retry). Pure. */
int mb_backoff_ms(int attempt);

#endif
