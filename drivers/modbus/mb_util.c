/*
 * mb_util.c - pure helpers of drivers/modbus: URI parsing, exception names,
 * the reconnect backoff. No libmodbus here.
 */
#include "mb_link.h"

#include "drv_queue.h"
#include "mf_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mb_parse_tcp_uri(const char *uri, char *host, int host_len, int *port, int default_port)
{
    if (!uri || !*uri)
        return MF_EINVAL;
    const char *p = uri;
    if (strncmp(p, "tcp://", 6) == 0)
        p += 6;
    else if (strstr(p, "://"))
        return MF_EINVAL;
    const char *colon = strrchr(p, ':');
    size_t hl = colon ? (size_t)(colon - p) : strlen(p);
    if (hl == 0 || hl >= (size_t)host_len)
        return MF_EINVAL;
    memcpy(host, p, hl);
    host[hl] = '\0';
    *port = default_port;
    if (colon) {
        char *end;
        long v = strtol(colon + 1, &end, 10);
        if (colon[1] == '\0' || *end != '\0' || v < 1 || v > 65535)
            return MF_EINVAL;
        *port = (int)v;
    }
    return 0;
}

const char *mb_exception_name(int code)
{
    static const char *const names[] = {
        "no exception",       "illegal function",         "illegal data address",
        "illegal data value", "server device failure",    "acknowledge",
        "server device busy", "negative acknowledge",     "memory parity error",
        "not defined",        "gateway path unavailable", "gateway target failed to respond",
    };
    if (code < 0 || code > 11)
        return "unknown exception";
    return names[code];
}

int mb_backoff_ms(int attempt)
{
    return drv_backoff_ms(attempt);
}
