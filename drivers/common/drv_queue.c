/*
 * drv_queue.c - bounded ring of fixed-size items under a mutex, with a
 * condition variable for the I/O thread's timed wait. See drv_queue.h.
 */
#include "drv_queue.h"

#include "mf_error.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct drv_queue {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t item_size, capacity, head, count;
    bool woken;
    unsigned char *items;
};

long long drv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int drv_backoff_ms(int attempt)
{
    int ms = 100;
    for (int i = 0; i < attempt && ms < 2000; i++)
        ms *= 2;
    return ms > 2000 ? 2000 : ms;
}

drv_queue_t *drv_queue_create(size_t item_size, size_t capacity)
{
    drv_queue_t *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->items = calloc(capacity, item_size);
    if (!q->items)
        goto fail;
    q->item_size = item_size;
    q->capacity = capacity;
    pthread_mutex_init(&q->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&q->cond, &attr);
    pthread_condattr_destroy(&attr);
    return q;
fail:
    free(q);
    return NULL;
}

void drv_queue_destroy(drv_queue_t *q)
{
    if (!q)
        return;
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->cond);
    free(q->items);
    free(q);
}

int drv_queue_push(drv_queue_t *q, const void *item)
{
    pthread_mutex_lock(&q->lock);
    if (q->count == q->capacity) {
        pthread_mutex_unlock(&q->lock);
        return MF_EFULL;
    }
    size_t tail = (q->head + q->count) % q->capacity;
    memcpy(q->items + tail * q->item_size, item, q->item_size);
    q->count++;
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->lock);
    return 0;
}

static bool pop_locked(drv_queue_t *q, void *item)
{
    if (q->count == 0)
        return false;
    memcpy(item, q->items + q->head * q->item_size, q->item_size);
    q->head = (q->head + 1) % q->capacity;
    q->count--;
    return true;
}

bool drv_queue_pop(drv_queue_t *q, void *item)
{
    pthread_mutex_lock(&q->lock);
    bool got = pop_locked(q, item);
    pthread_mutex_unlock(&q->lock);
    return got;
}

bool drv_queue_wait_pop(drv_queue_t *q, void *item, int timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    if (timeout_ms < 0)
        timeout_ms = 0;
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&q->lock);
    while (q->count == 0 && !q->woken) {
        if (pthread_cond_timedwait(&q->cond, &q->lock, &deadline) == ETIMEDOUT)
            break;
    }
    q->woken = false;
    bool got = pop_locked(q, item);
    pthread_mutex_unlock(&q->lock);
    return got;
}

void drv_queue_wake(drv_queue_t *q)
{
    pthread_mutex_lock(&q->lock);
    q->woken = true;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

size_t drv_queue_count(drv_queue_t *q)
{
    pthread_mutex_lock(&q->lock);
    size_t n = q->count;
    pthread_mutex_unlock(&q->lock);
    return n;
}
