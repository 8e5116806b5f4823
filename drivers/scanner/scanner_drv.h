/*
 * scanner_drv.h - the ticket scanner driver (drivers/scanner): a serial
 * barcode/QR reader that types each code as one ASCII line.
 *
 * Its thread reads lines (reopening the port with backoff when it goes
 * away), and turns each into an event: a valid ticket, a duplicate (the same
 * code again within the window: a visitor holding the ticket under the
 * reader) is dropped silently, anything not matching the configured pattern
 * (garbage, a product barcode) becomes an INVALID event. The filtering logic
 * takes the time as a parameter so it is tested without sleeping.
 */
#ifndef MF_SCANNER_DRV_H
#define MF_SCANNER_DRV_H

#include "serial.h"

#include <stdbool.h>

#define SCANNER_CODE_MAX 64
#define SCANNER_RECENT 8

typedef enum { SCAN_ACCEPT = 0, SCAN_DUPLICATE, SCAN_INVALID } scan_verdict_t;

typedef struct scanner_filter scanner_filter_t;

/* PATTERN: POSIX extended regex a code must match whole (NULL = default
 * "^[A-Z0-9-]{4,32}$"); WINDOW_MS: duplicates are ignored this long. NULL on
 * a bad pattern. */
scanner_filter_t *scanner_filter_create(const char *pattern, int window_ms);
void scanner_filter_destroy(scanner_filter_t *f);
/* Judges CODE (one line, no newline) seen at NOW_MS. Pure apart from F. */
scan_verdict_t scanner_filter_judge(scanner_filter_t *f, const char *code, long long now_ms);

typedef enum {
    SCANNER_EV_TICKET = 1, /* code: a valid ticket */
    SCANNER_EV_INVALID,    /* text: why (the code itself is not kept) */
    SCANNER_EV_ONLINE,
    SCANNER_EV_OFFLINE,
} scanner_event_kind_t;

typedef struct {
    scanner_event_kind_t kind;
    char code[SCANNER_CODE_MAX];
    char text[96];
} scanner_event_t;

typedef struct {
    bool online;
    int tickets, duplicates, invalid;
    char last_error[96];
    char port_kind[16];
    int reconnects; /* port opened again after the first time (a lost link, a reconnect) */
} scanner_snapshot_t;

typedef struct {
    const char *pattern; /* NULL = default */
    int window_ms;       /* default 3000 */
    int baud;            /* default 9600 */
} scanner_opts_t;

void scanner_opts_default(scanner_opts_t *o);

typedef struct scanner_drv scanner_drv_t;
typedef serial_port_t *(*scanner_open_fn)(void *user, char *why, size_t why_len);

/* NULL on a bad address or pattern. */
scanner_drv_t *scanner_drv_create(const char *address, const scanner_opts_t *opts);
scanner_drv_t *scanner_drv_create_with(scanner_open_fn open, void *user,
                                       const scanner_opts_t *opts);
void scanner_drv_destroy(scanner_drv_t *drv);
bool scanner_drv_poll_event(scanner_drv_t *drv, scanner_event_t *ev);
void scanner_drv_snapshot(scanner_drv_t *drv, scanner_snapshot_t *out);
/* Asks the driver to close the port and open it again now (staff's
 * "reconnect"), backoff forgotten. Never blocks: done by its thread within
 * one read (50 ms). */
void scanner_drv_reconnect(scanner_drv_t *drv);

#endif
