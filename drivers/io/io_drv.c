/*
 * io_drv.c - the remote I/O module driver's thread: poll inputs, turn press
 * counters and the e-stop bit into events, write the stack light's coils
 * when the pattern says they change. See io_drv.h.
 */
#include "io_drv.h"

#include "drv_queue.h"
#include "line_regmap.h"
#include "mb_link.h"
#include "mf_error.h"
#include "mf_log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct io_drv {
    mb_link_t link;
    io_drv_opts_t o;
    pthread_t thread;
    int thread_started;
    atomic_int stop;
    atomic_int reconnect; /* io_drv_reconnect asked: close and open again now */
    pthread_mutex_t lock;
    io_snapshot_t snap;
    io_light_t light;
    long long light_since;
    drv_queue_t *events;

    io_snapshot_t work;
    int connected, ever, failures, attempt, have_inputs, outputs_valid;
    long long next_try_ms;
};

void io_drv_opts_default(io_drv_opts_t *o)
{
    o->poll_ms = 50;
    o->timeout_ms = MB_DEFAULT_TIMEOUT_MS;
    o->stale_ms = 1000;
    o->unit = MF_IO_UNIT_ID;
    o->baud = MF_IO_BAUD;
}

const char *io_conn_name(io_conn_t c)
{
    return c == IO_CONN_CONNECTED      ? "connected"
           : c == IO_CONN_DISCONNECTED ? "disconnected"
                                       : "connecting";
}

static int lamp_on(io_lamp_pattern_t p, long long t)
{
    switch (p) {
    case IO_LAMP_ON:
        return 1;
    case IO_LAMP_BLINK_SLOW:
        return (t % 1000) < 500;
    case IO_LAMP_BLINK_FAST:
        return (t % 250) < 125;
    case IO_LAMP_OFF:
    default:
        return 0;
    }
}

uint16_t io_light_outputs(const io_light_t *l, long long since_ms, long long now_ms)
{
    long long t = now_ms - since_ms;
    if (t < 0)
        t = 0;
    uint16_t out = 0;
    if (lamp_on(l->green, t))
        out |= 1u << MF_IO_CO_GREEN;
    if (lamp_on(l->orange, t))
        out |= 1u << MF_IO_CO_ORANGE;
    if (lamp_on(l->red, t))
        out |= 1u << MF_IO_CO_RED;
    int buzz = 0;
    if (l->buzzer == IO_BUZZER_ON)
        buzz = 1;
    else if (l->buzzer == IO_BUZZER_BURSTS)
        buzz = t < (long long)l->bursts * 400 && (t % 400) < 200;
    if (buzz)
        out |= 1u << MF_IO_CO_BUZZER;
    return out;
}

static void post(io_drv_t *d, io_event_kind_t k, const char *text)
{
    io_event_t ev = {.kind = k};
    snprintf(ev.text, sizeof ev.text, "%s", text ? text : "");
    if (drv_queue_push(d->events, &ev) != 0)
        mf_log_warn("io", "event queue full, event %d dropped", k);
}

static void set_error(io_drv_t *d, int rc)
{
    if (rc == MF_EREFUSED)
        snprintf(d->work.last_error, sizeof d->work.last_error, "Modbus exception: %s",
                 mb_exception_name(d->link.ops->last_exception(d->link.ctx)));
    else
        snprintf(d->work.last_error, sizeof d->work.last_error, "%s", mf_strerror(rc));
}

static void publish(io_drv_t *d, long long now)
{
    d->work.stale = d->work.last_good_ms <= 0 || now - d->work.last_good_ms > d->o.stale_ms;
    pthread_mutex_lock(&d->lock);
    d->snap = d->work;
    pthread_mutex_unlock(&d->lock);
}

static void link_failed(io_drv_t *d, int rc, long long now)
{
    set_error(d, rc);
    d->failures++;
    d->link.ops->close(d->link.ctx);
    d->connected = 0;
    d->outputs_valid = 0;
    if (rc == MF_ECLOSED || d->failures >= 2) {
        if (d->work.conn != IO_CONN_DISCONNECTED) {
            d->work.conn = IO_CONN_DISCONNECTED;
            publish(d, now);
            post(d, IO_EV_DISCONNECTED, d->work.last_error);
            mf_log_warn("io", "I/O module disconnected: %s", d->work.last_error);
        }
        d->work.conn = IO_CONN_DISCONNECTED;
        d->next_try_ms = now + mb_backoff_ms(d->attempt++);
    } else {
        d->next_try_ms = now; /* CRC error or timeout: one quick retry */
    }
}

static int poll_inputs(io_drv_t *d, long long now)
{
    uint16_t ir[5];
    int rc = d->link.ops->read_regs(d->link.ctx, MB_INPUT, 0, 5, ir);
    if (rc)
        return rc;
    bool start = (ir[MF_IO_IR_INPUTS] >> MF_IO_DI_START_BUTTON) & 1u;
    bool ok = (ir[MF_IO_IR_INPUTS] >> MF_IO_DI_ESTOP_OK) & 1u;
    /* Events are decided first, posted after the snapshot is published, so a
     * caller that reacts to an event reads a snapshot at least as new. */
    bool connected_now = d->work.conn != IO_CONN_CONNECTED;
    int presses = 0, opened = 0, closed = 0;
    if (d->have_inputs) {
        uint16_t n = (uint16_t)(ir[MF_IO_IR_START_COUNT] - d->work.start_count);
        presses = n > 16 ? 1 : n; /* more: the module restarted, count one */
        uint16_t openings = (uint16_t)(ir[MF_IO_IR_ESTOP_COUNT] - d->work.estop_count);
        if (ok != d->work.estop_ok || openings) {
            opened = openings || !ok;
            closed = ok;
        }
    } else {
        opened = !ok;
    }
    if (connected_now) {
        if (d->ever)
            d->work.reconnects++;
        d->ever = 1;
        d->work.conn = IO_CONN_CONNECTED;
        d->work.last_error[0] = '\0';
    }
    d->have_inputs = 1;
    d->work.start_button = start;
    d->work.estop_ok = ok;
    d->work.module_id = ir[MF_IO_IR_MODULE_ID];
    d->work.firmware = ir[MF_IO_IR_FIRMWARE];
    d->work.start_count = ir[MF_IO_IR_START_COUNT];
    d->work.estop_count = ir[MF_IO_IR_ESTOP_COUNT];
    d->work.last_good_ms = now;
    d->failures = 0;
    d->attempt = 0;
    publish(d, now);
    if (connected_now)
        post(d, IO_EV_CONNECTED, "");
    for (int i = 0; i < presses; i++)
        post(d, IO_EV_START_PRESSED, "");
    if (opened)
        post(d, IO_EV_ESTOP_OPENED, "emergency stop pressed");
    if (closed)
        post(d, IO_EV_ESTOP_CLOSED, "emergency stop released");
    return 0;
}

static int drive_outputs(io_drv_t *d, long long now)
{
    pthread_mutex_lock(&d->lock);
    uint16_t want = io_light_outputs(&d->light, d->light_since, now);
    pthread_mutex_unlock(&d->lock);
    if (d->outputs_valid && want == d->work.outputs)
        return 0;
    uint8_t bits[4];
    for (int i = 0; i < 4; i++)
        bits[i] = (want >> i) & 1u;
    int rc = d->link.ops->write_bits(d->link.ctx, MF_IO_CO_GREEN, 4, bits);
    if (rc)
        return rc;
    d->work.outputs = want;
    d->outputs_valid = 1;
    return 0;
}

static void *io_thread(void *arg)
{
    io_drv_t *d = arg;
    while (!atomic_load(&d->stop)) {
        long long start = drv_now_ms();
        if (atomic_exchange(&d->reconnect, 0)) {
            /* Staff asked: close the port and open it again at once. */
            if (d->connected) {
                d->link.ops->close(d->link.ctx);
                d->connected = 0;
                d->outputs_valid = 0;
                d->work.conn = IO_CONN_DISCONNECTED;
                publish(d, start);
                post(d, IO_EV_DISCONNECTED, "reconnecting (asked by staff)");
            }
            d->attempt = 0;
            d->failures = 0;
            d->next_try_ms = start;
        }
        if (!d->connected && start >= d->next_try_ms) {
            int rc = d->link.ops->connect(d->link.ctx);
            if (rc) {
                set_error(d, rc);
                if (d->ever || d->attempt > 0)
                    d->work.conn = IO_CONN_DISCONNECTED;
                d->next_try_ms = start + mb_backoff_ms(d->attempt++);
            } else {
                d->connected = 1;
            }
        }
        if (d->connected) {
            int rc = poll_inputs(d, drv_now_ms());
            if (rc == 0)
                rc = drive_outputs(d, drv_now_ms());
            if (rc == MF_EREFUSED)
                set_error(d, rc);
            else if (rc)
                link_failed(d, rc, drv_now_ms());
        }
        publish(d, drv_now_ms());
        int wait = d->o.poll_ms - (int)(drv_now_ms() - start);
        if (wait > 0) {
            struct timespec ts = {0, (long)wait * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    if (d->connected) {
        uint8_t off[4] = {0, 0, 0, 0};
        d->link.ops->write_bits(d->link.ctx, MF_IO_CO_GREEN, 4, off);
    }
    d->link.ops->close(d->link.ctx);
    return NULL;
}

io_drv_t *io_drv_create_on(struct mb_link *link, const io_drv_opts_t *opts)
{
    io_drv_t *d = calloc(1, sizeof *d);
    if (!d) {
        mb_link_deinit(link);
        return NULL;
    }
    d->link = *link;
    link->ops = NULL;
    if (opts)
        d->o = *opts;
    else
        io_drv_opts_default(&d->o);
    if (d->o.poll_ms <= 0)
        d->o.poll_ms = 50;
    pthread_mutex_init(&d->lock, NULL);
    d->work.estop_ok = true;
    d->events = drv_queue_create(sizeof(io_event_t), 128);
    if (!d->events)
        goto fail;
    d->snap = d->work;
    if (pthread_create(&d->thread, NULL, io_thread, d) != 0)
        goto fail;
    d->thread_started = 1;
    return d;
fail:
    io_drv_destroy(d);
    return NULL;
}

void io_drv_reconnect(io_drv_t *d)
{
    atomic_store(&d->reconnect, 1);
}

io_drv_t *io_drv_create(const char *address, const io_drv_opts_t *opts)
{
    io_drv_opts_t o;
    if (opts)
        o = *opts;
    else
        io_drv_opts_default(&o);
    mb_link_t link;
    if (mb_link_rtu_init(&link, address, o.baud, o.unit, o.timeout_ms) != 0)
        return NULL;
    return io_drv_create_on(&link, &o);
}

void io_drv_destroy(io_drv_t *d)
{
    if (!d)
        return;
    if (d->thread_started) {
        atomic_store(&d->stop, 1);
        pthread_join(d->thread, NULL);
    }
    mb_link_deinit(&d->link);
    drv_queue_destroy(d->events);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

void io_drv_snapshot(io_drv_t *d, io_snapshot_t *out)
{
    pthread_mutex_lock(&d->lock);
    *out = d->snap;
    pthread_mutex_unlock(&d->lock);
}

bool io_drv_poll_event(io_drv_t *d, io_event_t *ev)
{
    return drv_queue_pop(d->events, ev);
}

void io_drv_set_light(io_drv_t *d, const io_light_t *light)
{
    pthread_mutex_lock(&d->lock);
    d->light = *light;
    d->light_since = drv_now_ms();
    pthread_mutex_unlock(&d->lock);
}
