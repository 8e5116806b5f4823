/*
 * scanner_drv.c - the ticket scanner's filter (pattern, duplicate window)
 * and I/O thread. See scanner_drv.h.
 */
#include "scanner_drv.h"

#include "drv_queue.h"
#include "mf_error.h"
#include "mf_log.h"

#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct scanner_filter {
    regex_t re;
    int window_ms;
    struct {
        char code[SCANNER_CODE_MAX];
        long long seen_ms;
    } recent[SCANNER_RECENT];
    int next;
};

scanner_filter_t *scanner_filter_create(const char *pattern, int window_ms)
{
    scanner_filter_t *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    if (regcomp(&f->re, pattern ? pattern : "^[A-Z0-9-]{4,32}$", REG_EXTENDED | REG_NOSUB) != 0)
        goto fail;
    f->window_ms = window_ms;
    return f;
fail:
    free(f);
    return NULL;
}

void scanner_filter_destroy(scanner_filter_t *f)
{
    if (!f)
        return;
    regfree(&f->re);
    free(f);
}

scan_verdict_t scanner_filter_judge(scanner_filter_t *f, const char *code, long long now_ms)
{
    size_t len = strlen(code);
    if (len == 0 || len >= SCANNER_CODE_MAX)
        return SCAN_INVALID;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)code[i] < 0x20 || (unsigned char)code[i] > 0x7E)
            return SCAN_INVALID;
    if (regexec(&f->re, code, 0, NULL, 0) != 0)
        return SCAN_INVALID;
    for (int i = 0; i < SCANNER_RECENT; i++) {
        if (f->recent[i].code[0] && strcmp(f->recent[i].code, code) == 0) {
            long long age = now_ms - f->recent[i].seen_ms;
            f->recent[i].seen_ms = now_ms; /* held under the reader: keep ignoring */
            return age >= 0 && age < f->window_ms ? SCAN_DUPLICATE : SCAN_ACCEPT;
        }
    }
    snprintf(f->recent[f->next].code, SCANNER_CODE_MAX, "%s", code);
    f->recent[f->next].seen_ms = now_ms;
    f->next = (f->next + 1) % SCANNER_RECENT;
    return SCAN_ACCEPT;
}

void scanner_opts_default(scanner_opts_t *o)
{
    o->pattern = NULL;
    o->window_ms = 3000; /* a ticket left under the reader for 3 s counts once */
    o->baud = 9600;      /* the usual factory setting of serial scanners */
}

struct scanner_drv {
    scanner_open_fn open;
    void *user;
    char address[256];
    int baud;
    scanner_filter_t *filter;
    pthread_t thread;
    int thread_started;
    atomic_int stop;
    atomic_int reconnect; /* scanner_drv_reconnect asked: close and open again now */
    pthread_mutex_t lock;
    scanner_snapshot_t snap;
    drv_queue_t *events;
    /* thread-only */
    serial_port_t *port;
    serial_linebuf_t lb;
    scanner_snapshot_t work;
    int attempt;
    long long next_try_ms;
    bool ever_open;
};

/* The snapshot is published before each event, so it is never older than
 * what the event says. */
static void post(scanner_drv_t *d, scanner_event_kind_t k, const char *code, const char *text)
{
    pthread_mutex_lock(&d->lock);
    d->snap = d->work;
    pthread_mutex_unlock(&d->lock);
    scanner_event_t ev = {.kind = k};
    /* A ticket code always fits: scanner_filter_judge refuses any code of
     * SCANNER_CODE_MAX characters or more. Copied with an explicit bound (not
     * snprintf of a line buffer twice its size) so that no compiler sees a
     * truncation that cannot happen. */
    size_t n = code ? strnlen(code, sizeof ev.code - 1) : 0;
    if (n)
        memcpy(ev.code, code, n);
    ev.code[n] = '\0';
    snprintf(ev.text, sizeof ev.text, "%s", text ? text : "");
    if (drv_queue_push(d->events, &ev) != 0)
        mf_log_warn("scanner", "event queue full, event dropped");
}

static void *scanner_thread(void *arg)
{
    scanner_drv_t *d = arg;
    while (!atomic_load(&d->stop)) {
        long long now = drv_now_ms();
        if (atomic_exchange(&d->reconnect, 0)) {
            /* Staff asked: close the port and open it again at once. */
            if (d->port) {
                serial_close(d->port);
                d->port = NULL;
                d->work.online = false;
                post(d, SCANNER_EV_OFFLINE, NULL, "reconnecting (asked by staff)");
            }
            d->attempt = 0;
            d->next_try_ms = now;
        }
        if (!d->port) {
            if (now >= d->next_try_ms) {
                char why[160] = "";
                d->port = d->open(d->user, why, sizeof why);
                if (d->port) {
                    if (d->ever_open)
                        d->work.reconnects++;
                    d->ever_open = true;
                    d->attempt = 0;
                    d->lb.used = 0;
                    d->work.online = true;
                    d->work.last_error[0] = '\0';
                    snprintf(d->work.port_kind, sizeof d->work.port_kind, "%s",
                             serial_kind(d->port));
                    post(d, SCANNER_EV_ONLINE, NULL, NULL);
                } else {
                    snprintf(d->work.last_error, sizeof d->work.last_error, "%.95s", why);
                    d->next_try_ms = now + drv_backoff_ms(d->attempt++);
                }
            }
            if (!d->port) {
                pthread_mutex_lock(&d->lock);
                d->snap = d->work;
                pthread_mutex_unlock(&d->lock);
                struct timespec ts = {0, 20 * 1000000L};
                nanosleep(&ts, NULL);
                continue;
            }
        }
        char line[SCANNER_CODE_MAX * 2];
        int n = serial_read_line(d->port, &d->lb, line, sizeof line, 50);
        if (n < 0) {
            serial_close(d->port);
            d->port = NULL;
            d->work.online = false;
            snprintf(d->work.last_error, sizeof d->work.last_error, "%s", mf_strerror(n));
            post(d, SCANNER_EV_OFFLINE, NULL, d->work.last_error);
            d->next_try_ms = drv_now_ms() + drv_backoff_ms(d->attempt++);
        } else if (n > 0) {
            switch (scanner_filter_judge(d->filter, line, drv_now_ms())) {
            case SCAN_ACCEPT:
                d->work.tickets++;
                post(d, SCANNER_EV_TICKET, line, NULL);
                break;
            case SCAN_DUPLICATE:
                d->work.duplicates++;
                break;
            case SCAN_INVALID:
            default:
                d->work.invalid++;
                post(d, SCANNER_EV_INVALID, NULL, "not a ticket code");
                break;
            }
        }
        pthread_mutex_lock(&d->lock);
        d->snap = d->work;
        pthread_mutex_unlock(&d->lock);
    }
    if (d->port)
        serial_close(d->port);
    d->port = NULL;
    return NULL;
}

void scanner_drv_reconnect(scanner_drv_t *d)
{
    atomic_store(&d->reconnect, 1);
}

static serial_port_t *open_address(void *user, char *why, size_t why_len)
{
    scanner_drv_t *d = user;
    return serial_open(d->address, d->baud, why, why_len);
}

static scanner_drv_t *scanner_init(scanner_drv_t *d, scanner_open_fn open, void *user,
                                   const scanner_opts_t *opts)
{
    scanner_opts_t o;
    if (opts)
        o = *opts;
    else
        scanner_opts_default(&o);
    d->open = open;
    d->user = user;
    d->baud = o.baud > 0 ? o.baud : 9600;
    pthread_mutex_init(&d->lock, NULL);
    d->filter = scanner_filter_create(o.pattern, o.window_ms);
    d->events = drv_queue_create(sizeof(scanner_event_t), 64);
    if (!d->filter || !d->events)
        goto fail;
    if (pthread_create(&d->thread, NULL, scanner_thread, d) != 0)
        goto fail;
    d->thread_started = 1;
    return d;
fail:
    scanner_drv_destroy(d);
    return NULL;
}

scanner_drv_t *scanner_drv_create_with(scanner_open_fn open, void *user, const scanner_opts_t *opts)
{
    scanner_drv_t *d = calloc(1, sizeof *d);
    return d ? scanner_init(d, open, user, opts) : NULL;
}

scanner_drv_t *scanner_drv_create(const char *address, const scanner_opts_t *opts)
{
    serial_addr_t a;
    if (serial_addr_parse(address, &a) != 0)
        return NULL;
    scanner_drv_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    snprintf(d->address, sizeof d->address, "%s", address);
    return scanner_init(d, open_address, d, opts);
}

void scanner_drv_destroy(scanner_drv_t *d)
{
    if (!d)
        return;
    if (d->thread_started) {
        atomic_store(&d->stop, 1);
        pthread_join(d->thread, NULL);
    }
    scanner_filter_destroy(d->filter);
    drv_queue_destroy(d->events);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

bool scanner_drv_poll_event(scanner_drv_t *d, scanner_event_t *ev)
{
    return drv_queue_pop(d->events, ev);
}

void scanner_drv_snapshot(scanner_drv_t *d, scanner_snapshot_t *out)
{
    pthread_mutex_lock(&d->lock);
    *out = d->snap;
    pthread_mutex_unlock(&d->lock);
}
