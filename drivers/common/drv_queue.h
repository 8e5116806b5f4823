/*
 * drv_queue.h - the bounded, thread-safe queue between a driver's I/O thread
 * and its caller (drivers/common).
 *
 * Every driver talks to its caller through two of these: commands go in, result
 * and state events come out. Items are fixed-size and copied in and out, so
 * nothing is shared across threads but the queue itself. Neither side ever
 * blocks on the other: push fails with MF_EFULL when full, pop returns 0 items
 * when empty; drv_queue_wait lets the I/O thread sleep until a command arrives
 * or its timeout (its next poll) expires.
 */
#ifndef MF_DRV_QUEUE_H
#define MF_DRV_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct drv_queue drv_queue_t;

/* A queue of CAPACITY items of ITEM_SIZE bytes each. NULL on failure. */
drv_queue_t *drv_queue_create(size_t item_size, size_t capacity);
void drv_queue_destroy(drv_queue_t *q);

/* Copies ITEM in. Returns 0 or MF_EFULL. Never blocks. */
int drv_queue_push(drv_queue_t *q, const void *item);

/* Copies the oldest item out. Returns true when one was taken. Never blocks. */
bool drv_queue_pop(drv_queue_t *q, void *item);

/* Waits up to TIMEOUT_MS for an item (or drv_queue_wake), then pops it if any.
 * Used only by a driver's own I/O thread. Returns true when an item was taken. */
bool drv_queue_wait_pop(drv_queue_t *q, void *item, int timeout_ms);

/* Wakes a thread in drv_queue_wait_pop (used to ask it to stop). */
void drv_queue_wake(drv_queue_t *q);

size_t drv_queue_count(drv_queue_t *q);

/* Monotonic milliseconds. Only I/O threads and CLIs read the clock; logic
 * functions take "now" as a parameter. */
long long drv_now_ms(void);

/* Reconnect backoff of every driver: 100 ms doubled after each failed
 * attempt, capped at 2000 ms. ATTEMPT counts failures so far (0 = first
 * retry). Pure. */
int drv_backoff_ms(int attempt);

#endif
