/*
 * serial_fake.c - the in-process serial peer with fault seams. See
 * serial_fake.h.
 */
#include "serial_fake.h"

#include "mf_error.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct serial_fake {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    serial_fake_peer_fn peer;
    serial_fake_tick_fn tick;
    void *user;
    unsigned char *rx; /* device -> host */
    size_t rx_len, rx_cap;
    char *tx; /* host -> device, the whole history */
    size_t tx_len, tx_cap;
    int calls, disconnect_at, stall, open;
    size_t write_limit;
};

serial_fake_t *serial_fake_create(serial_fake_peer_fn peer, serial_fake_tick_fn tick, void *user)
{
    serial_fake_t *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, NULL);
    f->peer = peer;
    f->tick = tick;
    f->user = user;
    return f;
}

void serial_fake_destroy(serial_fake_t *f)
{
    if (!f)
        return;
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->cond);
    free(f->rx);
    free(f->tx);
    free(f);
}

static int grow(void **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    void *p = realloc(*buf, n);
    if (!p)
        return MF_ENOMEM;
    *buf = p;
    *cap = n;
    return 0;
}

void serial_fake_push(serial_fake_t *f, const void *data, size_t len)
{
    pthread_mutex_lock(&f->lock);
    if (grow((void **)&f->rx, &f->rx_cap, f->rx_len + len) == 0) {
        memcpy(f->rx + f->rx_len, data, len);
        f->rx_len += len;
    }
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

void serial_fake_push_str(serial_fake_t *f, const char *text)
{
    serial_fake_push(f, text, strlen(text));
}

void serial_fake_disconnect_after(serial_fake_t *f, int nth_call)
{
    pthread_mutex_lock(&f->lock);
    f->disconnect_at = f->calls + nth_call;
    pthread_mutex_unlock(&f->lock);
}

void serial_fake_reconnect(serial_fake_t *f)
{
    pthread_mutex_lock(&f->lock);
    f->disconnect_at = 0;
    pthread_mutex_unlock(&f->lock);
}

void serial_fake_stall(serial_fake_t *f, int reads)
{
    pthread_mutex_lock(&f->lock);
    f->stall = reads;
    pthread_mutex_unlock(&f->lock);
}

void serial_fake_write_limit(serial_fake_t *f, size_t max_bytes)
{
    pthread_mutex_lock(&f->lock);
    f->write_limit = max_bytes;
    pthread_mutex_unlock(&f->lock);
}

size_t serial_fake_written(serial_fake_t *f, char *out, size_t cap)
{
    pthread_mutex_lock(&f->lock);
    size_t n = f->tx_len < cap - 1 ? f->tx_len : cap - 1;
    if (n)
        memcpy(out, f->tx, n);
    out[n] = '\0';
    size_t total = f->tx_len;
    pthread_mutex_unlock(&f->lock);
    return total;
}

bool serial_fake_is_open(serial_fake_t *f)
{
    pthread_mutex_lock(&f->lock);
    bool o = f->open;
    pthread_mutex_unlock(&f->lock);
    return o;
}

int serial_fake_calls(serial_fake_t *f)
{
    pthread_mutex_lock(&f->lock);
    int c = f->calls;
    pthread_mutex_unlock(&f->lock);
    return c;
}

/* Counts one call; true when this call must fail as a disconnection. */
static bool count_call_locked(serial_fake_t *f)
{
    f->calls++;
    return f->disconnect_at > 0 && f->calls >= f->disconnect_at;
}

static int fk_read(void *ctx, void *buf, size_t cap, int timeout_ms)
{
    serial_fake_t *f = ctx;
    if (f->tick)
        f->tick(f->user, f);
    pthread_mutex_lock(&f->lock);
    if (count_call_locked(f)) {
        pthread_mutex_unlock(&f->lock);
        return MF_ECLOSED;
    }
    if (f->stall > 0) {
        f->stall--;
        pthread_mutex_unlock(&f->lock);
        return 0;
    }
    if (f->rx_len == 0 && timeout_ms > 0) {
        struct timespec dl;
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_sec += timeout_ms / 1000;
        dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (dl.tv_nsec >= 1000000000L) {
            dl.tv_sec++;
            dl.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&f->cond, &f->lock, &dl);
    }
    size_t n = f->rx_len < cap ? f->rx_len : cap;
    if (n) {
        memcpy(buf, f->rx, n);
        memmove(f->rx, f->rx + n, f->rx_len - n);
    }
    f->rx_len -= n;
    pthread_mutex_unlock(&f->lock);
    return (int)n;
}

static int fk_write(void *ctx, const void *buf, size_t len, int timeout_ms)
{
    serial_fake_t *f = ctx;
    pthread_mutex_lock(&f->lock);
    if (count_call_locked(f)) {
        pthread_mutex_unlock(&f->lock);
        return MF_ECLOSED;
    }
    size_t n = len;
    if (f->write_limit && n > f->write_limit)
        n = f->write_limit;
    if (grow((void **)&f->tx, &f->tx_cap, f->tx_len + n) == 0) {
        memcpy(f->tx + f->tx_len, buf, n);
        f->tx_len += n;
    }
    pthread_mutex_unlock(&f->lock);
    if (f->peer && n)
        f->peer(f->user, f, buf, n);
    return n == len ? 0 : MF_ETIMEDOUT;
}

static int fk_flush(void *ctx)
{
    serial_fake_t *f = ctx;
    pthread_mutex_lock(&f->lock);
    f->rx_len = 0;
    pthread_mutex_unlock(&f->lock);
    return 0;
}

static void fk_close(void *ctx)
{
    serial_fake_t *f = ctx;
    pthread_mutex_lock(&f->lock);
    f->open = 0;
    pthread_mutex_unlock(&f->lock);
}

static const serial_ops_t fake_ops = {
    .kind = "fake", .read = fk_read, .write = fk_write, .flush_input = fk_flush, .close = fk_close};

serial_port_t *serial_fake_open(serial_fake_t *f)
{
    pthread_mutex_lock(&f->lock);
    if (f->open || (f->disconnect_at > 0 && f->calls >= f->disconnect_at)) {
        pthread_mutex_unlock(&f->lock);
        return NULL;
    }
    f->open = 1;
    pthread_mutex_unlock(&f->lock);
    return serial_wrap(&fake_ops, f, "fake");
}
