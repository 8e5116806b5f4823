/*
 * mb_fake.c - the in-process Modbus server with fault seams. See mb_fake.h.
 */
#include "mb_fake.h"

#include "mf_error.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct mb_fake {
    pthread_mutex_t lock;
    uint16_t tables[4][MB_FAKE_SIZE];
    mb_fake_hook_fn hook;
    void *user;
    int calls, connects, open_links, links;
    int fail_calls, fail_err, fail_exc;
    int disconnect_at;
    bool online;
    int delay_ms;
};

typedef struct {
    mb_fake_t *f;
    int id;
    int connected;
    int last_exception;
} fake_link_t;

mb_fake_t *mb_fake_create(mb_fake_hook_fn hook, void *user)
{
    mb_fake_t *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    pthread_mutex_init(&f->lock, NULL);
    f->hook = hook;
    f->user = user;
    f->online = true;
    return f;
}

void mb_fake_destroy(mb_fake_t *f)
{
    if (!f)
        return;
    pthread_mutex_destroy(&f->lock);
    free(f);
}

uint16_t *mb_fake_table(mb_fake_t *f, mb_table_t t)
{
    return f->tables[t];
}

void mb_fake_lock(mb_fake_t *f)
{
    pthread_mutex_lock(&f->lock);
}

void mb_fake_unlock(mb_fake_t *f)
{
    pthread_mutex_unlock(&f->lock);
}

void mb_fake_fail_next(mb_fake_t *f, int calls, int err, int exception)
{
    mb_fake_lock(f);
    f->fail_calls = calls;
    f->fail_err = err;
    f->fail_exc = exception;
    mb_fake_unlock(f);
}

void mb_fake_disconnect_after(mb_fake_t *f, int nth_call)
{
    mb_fake_lock(f);
    f->disconnect_at = f->calls + nth_call;
    mb_fake_unlock(f);
}

void mb_fake_set_online(mb_fake_t *f, bool online)
{
    mb_fake_lock(f);
    f->online = online;
    if (online)
        f->disconnect_at = 0;
    mb_fake_unlock(f);
}

void mb_fake_set_delay_ms(mb_fake_t *f, int ms)
{
    mb_fake_lock(f);
    f->delay_ms = ms;
    mb_fake_unlock(f);
}

int mb_fake_calls(mb_fake_t *f)
{
    mb_fake_lock(f);
    int n = f->calls;
    mb_fake_unlock(f);
    return n;
}

int mb_fake_connects(mb_fake_t *f)
{
    mb_fake_lock(f);
    int n = f->connects;
    mb_fake_unlock(f);
    return n;
}

int mb_fake_open_links(mb_fake_t *f)
{
    mb_fake_lock(f);
    int n = f->open_links;
    mb_fake_unlock(f);
    return n;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Takes the lock and applies the fault seams to one call. Returns 0 with the
 * lock held, or an error with the lock released. */
static int begin_call(fake_link_t *l)
{
    mb_fake_t *f = l->f;
    mb_fake_lock(f);
    int delay = f->delay_ms;
    if (delay) {
        mb_fake_unlock(f);
        sleep_ms(delay);
        mb_fake_lock(f);
    }
    f->calls++;
    l->last_exception = 0;
    if (!l->connected) {
        mb_fake_unlock(f);
        return MF_ECLOSED;
    }
    if (!f->online || (f->disconnect_at > 0 && f->calls >= f->disconnect_at)) {
        f->online = false;
        mb_fake_unlock(f);
        return MF_ECLOSED;
    }
    if (f->fail_calls > 0) {
        f->fail_calls--;
        int err = f->fail_err;
        l->last_exception = f->fail_exc;
        mb_fake_unlock(f);
        return err;
    }
    return 0;
}

static int fl_connect(void *ctx)
{
    fake_link_t *l = ctx;
    mb_fake_lock(l->f);
    int ok = l->f->online;
    if (ok && !l->connected) {
        l->connected = 1;
        l->f->connects++;
        l->f->open_links++;
    }
    mb_fake_unlock(l->f);
    return ok ? 0 : MF_ECONNREFUSED; /* as a real link: nobody listens */
}

static void fl_close(void *ctx)
{
    fake_link_t *l = ctx;
    mb_fake_lock(l->f);
    if (l->connected) {
        l->connected = 0;
        l->f->open_links--;
    }
    mb_fake_unlock(l->f);
}

static int check_range(int addr, int n)
{
    return addr >= 0 && n > 0 && addr + n <= MB_FAKE_SIZE;
}

static int fl_read_bits(void *ctx, mb_table_t t, int addr, int n, uint8_t *dst)
{
    fake_link_t *l = ctx;
    int rc = begin_call(l);
    if (rc)
        return rc;
    if (!check_range(addr, n) || n > 2000) {
        mb_fake_unlock(l->f);
        l->last_exception = 2;
        return MF_EREFUSED;
    }
    for (int i = 0; i < n; i++)
        dst[i] = l->f->tables[t][addr + i] ? 1 : 0;
    mb_fake_unlock(l->f);
    return 0;
}

static int fl_read_regs(void *ctx, mb_table_t t, int addr, int n, uint16_t *dst)
{
    fake_link_t *l = ctx;
    int rc = begin_call(l);
    if (rc)
        return rc;
    if (!check_range(addr, n) || n > 125) {
        mb_fake_unlock(l->f);
        l->last_exception = 2;
        return MF_EREFUSED;
    }
    memcpy(dst, &l->f->tables[t][addr], (size_t)n * sizeof *dst);
    mb_fake_unlock(l->f);
    return 0;
}

static int do_write(fake_link_t *l, mb_table_t t, int addr, int n, const uint16_t *vals,
                    const uint8_t *bits)
{
    int rc = begin_call(l);
    if (rc)
        return rc;
    mb_fake_t *f = l->f;
    if (!check_range(addr, n) || n > 123) {
        mb_fake_unlock(f);
        l->last_exception = 2;
        return MF_EREFUSED;
    }
    if (f->hook) {
        /* The hook sees the values through a scratch copy of the table. */
        uint16_t saved[MB_FAKE_SIZE];
        memcpy(saved, f->tables[t], sizeof saved);
        for (int i = 0; i < n; i++)
            f->tables[t][addr + i] = vals ? vals[i] : (uint16_t)(bits[i] ? 1 : 0);
        int exc = f->hook(f->user, f, MB_FAKE_BEFORE_WRITE, l->id, t, addr, n);
        if (exc) {
            memcpy(f->tables[t], saved, sizeof saved);
            mb_fake_unlock(f);
            l->last_exception = exc;
            return MF_EREFUSED;
        }
        f->hook(f->user, f, MB_FAKE_AFTER_WRITE, l->id, t, addr, n);
    } else {
        for (int i = 0; i < n; i++)
            f->tables[t][addr + i] = vals ? vals[i] : (uint16_t)(bits[i] ? 1 : 0);
    }
    mb_fake_unlock(f);
    return 0;
}

static int fl_write_regs(void *ctx, int addr, int n, const uint16_t *src)
{
    return do_write(ctx, MB_HOLDING, addr, n, src, NULL);
}

static int fl_write_bits(void *ctx, int addr, int n, const uint8_t *src)
{
    return do_write(ctx, MB_COILS, addr, n, NULL, src);
}

static int fl_last_exception(void *ctx)
{
    return ((fake_link_t *)ctx)->last_exception;
}

static void fl_destroy(void *ctx)
{
    free(ctx);
}

static const mb_link_ops_t fake_ops = {"fake",        fl_connect,        fl_close,
                                       fl_read_bits,  fl_read_regs,      fl_write_regs,
                                       fl_write_bits, fl_last_exception, fl_destroy};

int mb_fake_link(mb_fake_t *f, mb_link_t *link)
{
    fake_link_t *l = calloc(1, sizeof *l);
    if (!l)
        return MF_ENOMEM;
    l->f = f;
    mb_fake_lock(f);
    l->id = f->links++;
    mb_fake_unlock(f);
    link->ops = &fake_ops;
    link->ctx = l;
    return 0;
}
