/*
 * line_drv.c - the line PLC driver's I/O thread: connect with backoff, poll
 * the map, publish snapshots, claim a mailbox and run one command at a time
 * through it (the handshake of firmware-sim/REGISTERS.md). See line_drv.h.
 *
 * Only this thread touches the link. The caller's side (snapshot copy,
 * command and event queues) never waits for the network.
 */
#include "line_drv.h"

#include "drv_queue.h"
#include "mb_link.h"
#include "mf_error.h"
#include "mf_log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define LINE_CMD_QUEUE 64
#define LINE_EVENT_QUEUE 256
#define LINE_LEASE_RENEW_MS 10000

typedef struct {
    line_cmd_kind_t kind;
    uint32_t tag;
    uint16_t plc_cmd;
    uint16_t args[4];
} line_cmd_item_t;

struct line_drv {
    mb_link_t link;
    line_drv_opts_t o;
    pthread_t thread;
    int thread_started;
    atomic_int stop;
    pthread_mutex_t lock; /* snap, next_tag, wake */
    pthread_cond_t wake;
    line_snapshot_t snap;
    uint32_t next_tag;
    drv_queue_t *cmds, *events;

    /* Thread-only state. */
    line_snapshot_t work;
    int connected, ever_connected, failures, attempt;
    long long next_try_ms;
    uint32_t token;
    int mbox;
    long long mbox_claimed_poll, lease_ms, polls;
    uint16_t seq; /* last SEQ used in our mailbox */
    int have_pending, pending_sent, pending_seq_set;
    line_cmd_item_t pending;
    uint16_t pending_seq;
    long long pending_deadline;
    int finished_base_set;
    uint32_t finished_seen;
    uint16_t ir[MF_PLC_IR_COUNT];
    uint8_t di[MF_PLC_DI_COUNT];
};

void line_drv_opts_default(line_drv_opts_t *o)
{
    o->poll_ms = 50; /* issue 4: default period */
    o->timeout_ms = MB_DEFAULT_TIMEOUT_MS;
    o->cmd_timeout_ms = 3000; /* a handshake takes one PLC scan; 3 s covers a reconnect */
    o->stale_ms = 1000;       /* the kiosk greys the line view after 1 s without data */
}

static void post(line_drv_t *d, const line_event_t *ev)
{
    if (drv_queue_push(d->events, ev) != 0)
        mf_log_warn("line", "event queue full, event %d dropped", ev->kind);
}

static void post_result(line_drv_t *d, line_result_t r, uint16_t plc_result, uint32_t order,
                        const char *text)
{
    line_event_t ev = {.kind = LINE_EV_RESULT,
                       .tag = d->pending.tag,
                       .cmd = d->pending.kind,
                       .result = r,
                       .plc_result = plc_result,
                       .order = order};
    snprintf(ev.text, sizeof ev.text, "%s", text ? text : "");
    post(d, &ev);
    d->have_pending = 0;
}

static void set_error(line_drv_t *d, int rc)
{
    if (rc == MF_EREFUSED)
        snprintf(d->work.last_error, sizeof d->work.last_error, "Modbus exception: %s",
                 mb_exception_name(d->link.ops->last_exception(d->link.ctx)));
    else
        snprintf(d->work.last_error, sizeof d->work.last_error, "%s", mf_strerror(rc));
}

static int read_map(line_drv_t *d)
{
    const mb_link_ops_t *ops = d->link.ops;
    for (int addr = 0; addr < MF_PLC_IR_COUNT; addr += MF_MODBUS_MAX_READ_REGS) {
        int n = MF_PLC_IR_COUNT - addr;
        if (n > MF_MODBUS_MAX_READ_REGS)
            n = MF_MODBUS_MAX_READ_REGS;
        int rc = ops->read_regs(d->link.ctx, MB_INPUT, addr, n, &d->ir[addr]);
        if (rc)
            return rc;
    }
    return ops->read_bits(d->link.ctx, MB_DISCRETE_INPUTS, 0, MF_PLC_DI_COUNT, d->di);
}

static void track_finished(line_drv_t *d)
{
    uint32_t f = d->work.finished;
    if (!d->finished_base_set || f < d->finished_seen) {
        d->finished_base_set = 1; /* first read, or the PLC restarted: no history */
        d->finished_seen = f;
        return;
    }
    uint32_t from = d->finished_seen + 1;
    if (f - d->finished_seen > MF_PLC_FINISHED_SLOTS)
        from = f - MF_PLC_FINISHED_SLOTS + 1;
    for (uint32_t n = from; n <= f; n++) {
        const uint16_t *e = &d->ir[MF_PLC_IR_FINISHED_LOG((n - 1) % MF_PLC_FINISHED_SLOTS)];
        line_event_t ev = {.kind = LINE_EV_PIECE_FINISHED,
                           .order = mf_regmap_get_u32(&e[MF_PLC_F_ORDER]),
                           .outcome = e[MF_PLC_F_OUTCOME],
                           .colour = e[MF_PLC_F_COLOUR]};
        post(d, &ev);
    }
    d->finished_seen = f;
}

static uint16_t next_seq(uint16_t s)
{
    s++;
    return s ? s : 1;
}

/* Claims a free mailbox (one FC16 of the token). 0 when one is ours or none
 * is free; a link error otherwise. */
static int claim_mailbox(line_drv_t *d)
{
    uint16_t tok[2];
    mf_regmap_put_u32(tok, d->token);
    for (int k = 0; k < MF_PLC_MBOX_COUNT; k++) {
        const uint16_t *r = &d->ir[MF_PLC_IR_MBOX(k)];
        uint32_t owner = mf_regmap_get_u32(&r[MF_PLC_MBOXR_OWNER]);
        if (owner != 0 && owner != d->token)
            continue;
        int rc =
            d->link.ops->write_regs(d->link.ctx, MF_PLC_HR_MBOX(k) + MF_PLC_MBOX_OWNER, 2, tok);
        if (rc == MF_EREFUSED)
            continue; /* another client took it first (exception 6) */
        if (rc)
            return rc;
        d->mbox = k;
        d->work.mailbox = k;
        d->seq = r[MF_PLC_MBOXR_ACK_SEQ];
        d->mbox_claimed_poll = d->polls;
        d->lease_ms = drv_now_ms();
        d->pending_seq_set = 0; /* a new mailbox: a new SEQ for what is pending */
        d->pending_sent = 0;
        mf_log_info("line", "mailbox %d claimed", k);
        return 0;
    }
    snprintf(d->work.last_error, sizeof d->work.last_error, "no free mailbox on the PLC");
    return 0;
}

static int run_mailbox(line_drv_t *d, long long now)
{
    if (d->mbox >= 0 && d->polls > d->mbox_claimed_poll) {
        const uint16_t *r = &d->ir[MF_PLC_IR_MBOX(d->mbox)];
        if (mf_regmap_get_u32(&r[MF_PLC_MBOXR_OWNER]) != d->token) {
            mf_log_warn("line", "mailbox %d lost (lease expired or PLC restarted)", d->mbox);
            d->mbox = -1;
            d->work.mailbox = -1;
            d->pending_sent = 0;
            d->pending_seq_set = 0;
        }
    }
    if (d->mbox < 0) {
        int rc = claim_mailbox(d);
        if (rc || d->mbox < 0)
            return rc;
    }
    const uint16_t *r = &d->ir[MF_PLC_IR_MBOX(d->mbox)];
    if (d->have_pending && d->pending_sent && d->polls > d->mbox_claimed_poll &&
        r[MF_PLC_MBOXR_ACK_SEQ] == d->pending_seq) {
        uint16_t res = r[MF_PLC_MBOXR_RESULT];
        if (res == MF_PLC_RES_OK)
            post_result(d, LINE_RESULT_ACCEPTED, res, mf_regmap_get_u32(&r[MF_PLC_MBOXR_ORDER]),
                        "");
        else if (res != MF_PLC_RES_PENDING)
            post_result(d, LINE_RESULT_REFUSED, res, 0, line_plc_result_text(res));
    }
    if (d->have_pending && !d->pending_sent) {
        if (!d->pending_seq_set) {
            d->seq = next_seq(d->seq);
            d->pending_seq = d->seq;
            d->pending_seq_set = 1;
        }
        /* Token, SEQ, CMD and arguments in one write (REGISTERS.md step 2): the
         * PLC checks the token with the request, so a kiosk that lost its
         * mailbox unnoticed is refused instead of writing into another's. */
        uint16_t req[MF_PLC_MBOX_STRIDE];
        _Static_assert(MF_PLC_MBOX_STRIDE == 8, "owner(2) seq cmd arg0..3");
        mf_regmap_put_u32(&req[MF_PLC_MBOX_OWNER], d->token);
        req[MF_PLC_MBOX_SEQ] = d->pending_seq;
        req[MF_PLC_MBOX_CMD] = d->pending.plc_cmd;
        for (int i = 0; i < 4; i++)
            req[MF_PLC_MBOX_ARG0 + i] = d->pending.args[i];
        int rc = d->link.ops->write_regs(d->link.ctx, MF_PLC_HR_MBOX(d->mbox),
                                         MF_PLC_MBOX_STRIDE, req);
        if (rc == MF_EREFUSED) {
            d->mbox = -1; /* the PLC says the slot is not ours any more */
            d->work.mailbox = -1;
            return 0;
        }
        if (rc)
            return rc; /* resent with the same SEQ after reconnecting: safe */
        d->pending_sent = 1;
        d->lease_ms = now;
    }
    if (now - d->lease_ms >= LINE_LEASE_RENEW_MS) {
        uint16_t tok[2];
        mf_regmap_put_u32(tok, d->token);
        int rc = d->link.ops->write_regs(d->link.ctx, MF_PLC_HR_MBOX(d->mbox), 2, tok);
        if (rc && rc != MF_EREFUSED)
            return rc;
        d->lease_ms = now;
    }
    return 0;
}

static void publish(line_drv_t *d, long long now)
{
    d->work.stale = line_snapshot_is_stale(d->work.last_good_ms, now, d->o.stale_ms);
    d->work.serial++;
    pthread_mutex_lock(&d->lock);
    d->snap = d->work;
    pthread_mutex_unlock(&d->lock);
}

static void link_failed(line_drv_t *d, int rc, long long now)
{
    set_error(d, rc);
    d->failures++;
    d->link.ops->close(d->link.ctx); /* always close before reconnecting */
    d->connected = 0;
    /* A closed connection is down at once; a timeout or a garbled answer gets
     * one immediate retry before the line is shown offline. */
    if (rc == MF_ECLOSED || d->failures >= 2) {
        if (d->work.conn != LINE_CONN_DISCONNECTED) {
            d->work.conn = LINE_CONN_DISCONNECTED;
            publish(d, now); /* the snapshot says so before the event does */
            line_event_t ev = {.kind = LINE_EV_DISCONNECTED};
            snprintf(ev.text, sizeof ev.text, "%s", d->work.last_error);
            post(d, &ev);
            mf_log_warn("line", "PLC disconnected: %s", d->work.last_error);
        }
        d->work.conn = LINE_CONN_DISCONNECTED;
        d->next_try_ms = now + mb_backoff_ms(d->attempt++);
    } else {
        d->next_try_ms = now;
    }
}

static void try_connect(line_drv_t *d, long long now)
{
    int rc = d->link.ops->connect(d->link.ctx);
    if (rc) {
        set_error(d, rc);
        if (d->ever_connected || d->attempt > 0)
            d->work.conn = LINE_CONN_DISCONNECTED;
        d->next_try_ms = now + mb_backoff_ms(d->attempt++);
        return;
    }
    d->connected = 1;
}

static void on_good_poll(line_drv_t *d, long long now)
{
    line_snapshot_decode(&d->work, d->ir, d->di);
    d->polls++;
    d->failures = 0;
    d->attempt = 0;
    d->work.last_good_ms = now;
    if (d->work.conn != LINE_CONN_CONNECTED) {
        if (d->ever_connected)
            d->work.reconnects++;
        d->ever_connected = 1;
        d->work.conn = LINE_CONN_CONNECTED;
        d->work.last_error[0] = '\0';
        publish(d, now); /* the snapshot is connected before the event says so */
        line_event_t ev = {.kind = LINE_EV_CONNECTED};
        post(d, &ev);
        mf_log_info("line", "PLC connected (map version %u)", d->work.map_version);
    }
    if (d->work.map_version != MF_PLC_MAP_VERSION)
        snprintf(d->work.last_error, sizeof d->work.last_error,
                 "PLC register map version %u, this kiosk knows %d", d->work.map_version,
                 MF_PLC_MAP_VERSION);
    track_finished(d);
}

static void thread_sleep(line_drv_t *d, int ms)
{
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_sec += ms / 1000;
    dl.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&d->lock);
    if (!atomic_load(&d->stop) && (d->have_pending || drv_queue_count(d->cmds) == 0))
        pthread_cond_timedwait(&d->wake, &d->lock, &dl);
    pthread_mutex_unlock(&d->lock);
}

static void release_mailbox(line_drv_t *d)
{
    if (!d->connected || d->mbox < 0)
        return;
    uint16_t zero[2] = {0, 0};
    d->link.ops->write_regs(d->link.ctx, MF_PLC_HR_MBOX(d->mbox), 2, zero);
    d->mbox = -1;
}

static void *line_thread(void *arg)
{
    line_drv_t *d = arg;
    while (!atomic_load(&d->stop)) {
        long long start = drv_now_ms();
        if (!d->connected && start >= d->next_try_ms)
            try_connect(d, start);
        if (d->connected) {
            int rc = read_map(d);
            long long now = drv_now_ms();
            if (rc == 0) {
                on_good_poll(d, now);
                rc = run_mailbox(d, now);
            }
            if (rc == MF_EREFUSED) /* an exception: the link itself is fine */
                set_error(d, rc);
            else if (rc)
                link_failed(d, rc, drv_now_ms());
        }
        long long now = drv_now_ms();
        if (d->have_pending && now >= d->pending_deadline)
            post_result(d, LINE_RESULT_TIMED_OUT, 0, 0,
                        d->connected ? "the PLC did not answer in time" : "the PLC is offline");
        if (!d->have_pending && drv_queue_pop(d->cmds, &d->pending)) {
            d->have_pending = 1;
            d->pending_sent = 0;
            d->pending_seq_set = 0;
            d->pending_deadline = now + d->o.cmd_timeout_ms;
            continue; /* send it right away */
        }
        publish(d, now);
        int wait = d->o.poll_ms - (int)(drv_now_ms() - start);
        if (!d->connected) {
            long long until = d->next_try_ms - drv_now_ms();
            wait = until < 0 ? 0 : (until > d->o.poll_ms ? d->o.poll_ms : (int)until);
        }
        if (wait > 0)
            thread_sleep(d, wait);
    }
    /* Fail what is left, free our mailbox (a clean stop frees it at once). */
    if (d->have_pending)
        post_result(d, LINE_RESULT_TIMED_OUT, 0, 0, "the driver stopped");
    while (drv_queue_pop(d->cmds, &d->pending)) {
        d->have_pending = 1;
        post_result(d, LINE_RESULT_TIMED_OUT, 0, 0, "the driver stopped");
    }
    release_mailbox(d);
    d->link.ops->close(d->link.ctx);
    d->connected = 0;
    return NULL;
}

line_drv_t *line_drv_create_on(struct mb_link *link, const line_drv_opts_t *opts)
{
    line_drv_t *d = calloc(1, sizeof *d);
    if (!d) {
        mb_link_deinit(link);
        return NULL;
    }
    d->link = *link;
    link->ops = NULL;
    if (opts)
        d->o = *opts;
    else
        line_drv_opts_default(&d->o);
    if (d->o.poll_ms <= 0)
        d->o.poll_ms = 50;
    d->mbox = -1;
    d->work.mailbox = -1;
    d->work.conn = LINE_CONN_CONNECTING;
    d->next_tag = 1;
    while (d->token == 0) {
        if (getrandom(&d->token, sizeof d->token, 0) != (ssize_t)sizeof d->token)
            d->token = (uint32_t)drv_now_ms() ^ (uint32_t)(uintptr_t)d;
    }
    pthread_mutex_init(&d->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->wake, &ca);
    pthread_condattr_destroy(&ca);
    d->cmds = drv_queue_create(sizeof(line_cmd_item_t), LINE_CMD_QUEUE);
    d->events = drv_queue_create(sizeof(line_event_t), LINE_EVENT_QUEUE);
    if (!d->cmds || !d->events)
        goto fail;
    d->snap = d->work;
    if (pthread_create(&d->thread, NULL, line_thread, d) != 0)
        goto fail;
    d->thread_started = 1;
    return d;
fail:
    line_drv_destroy(d);
    return NULL;
}

line_drv_t *line_drv_create(const char *plc_uri, const line_drv_opts_t *opts)
{
    char host[128];
    int port;
    line_drv_opts_t o;
    if (opts)
        o = *opts;
    else
        line_drv_opts_default(&o);
    if (mb_parse_tcp_uri(plc_uri, host, sizeof host, &port, 502) != 0)
        return NULL;
    mb_link_t link;
    if (mb_link_tcp_init(&link, host, port, MF_PLC_UNIT_ID, o.timeout_ms) != 0)
        return NULL;
    return line_drv_create_on(&link, &o);
}

void line_drv_destroy(line_drv_t *d)
{
    if (!d)
        return;
    if (d->thread_started) {
        pthread_mutex_lock(&d->lock);
        atomic_store(&d->stop, 1);
        pthread_cond_broadcast(&d->wake);
        pthread_mutex_unlock(&d->lock);
        pthread_join(d->thread, NULL);
    }
    mb_link_deinit(&d->link);
    drv_queue_destroy(d->cmds);
    drv_queue_destroy(d->events);
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

void line_drv_snapshot(line_drv_t *d, line_snapshot_t *out)
{
    pthread_mutex_lock(&d->lock);
    *out = d->snap;
    pthread_mutex_unlock(&d->lock);
}

bool line_drv_poll_event(line_drv_t *d, line_event_t *ev)
{
    return drv_queue_pop(d->events, ev);
}

static int submit(line_drv_t *d, line_cmd_kind_t kind, uint16_t plc_cmd, uint16_t a0, uint16_t a1,
                  uint16_t a2, uint32_t *tag)
{
    line_cmd_item_t c = {.kind = kind, .plc_cmd = plc_cmd, .args = {a0, a1, a2, 0}};
    pthread_mutex_lock(&d->lock);
    c.tag = d->next_tag++;
    if (d->next_tag == 0)
        d->next_tag = 1;
    int rc = drv_queue_push(d->cmds, &c);
    pthread_cond_broadcast(&d->wake);
    pthread_mutex_unlock(&d->lock);
    if (rc == 0 && tag)
        *tag = c.tag;
    return rc;
}

int line_drv_start(line_drv_t *d, uint32_t *tag)
{
    return submit(d, LINE_CMD_START, MF_PLC_CMD_START, 0, 0, 0, tag);
}

int line_drv_stop(line_drv_t *d, uint32_t *tag)
{
    return submit(d, LINE_CMD_STOP, MF_PLC_CMD_STOP, 0, 0, 0, tag);
}

int line_drv_reset(line_drv_t *d, uint32_t *tag)
{
    return submit(d, LINE_CMD_RESET, MF_PLC_CMD_RESET, 0, 0, 0, tag);
}

int line_drv_ack(line_drv_t *d, uint32_t *tag)
{
    return submit(d, LINE_CMD_ACK, MF_PLC_CMD_ACK, 0, 0, 0, tag);
}

int line_drv_set_mode(line_drv_t *d, mf_line_mode_t mode, uint32_t *tag)
{
    return submit(d, LINE_CMD_SET_MODE, MF_PLC_CMD_SET_MODE, (uint16_t)mode, 0, 0, tag);
}

int line_drv_submit_order(line_drv_t *d, mf_colour_t colour, bool engrave, uint32_t *tag)
{
    /* ARG2 "client ref": the low bits of the command's tag, for the PLC's log. */
    pthread_mutex_lock(&d->lock);
    uint16_t ref = (uint16_t)d->next_tag;
    pthread_mutex_unlock(&d->lock);
    return submit(d, LINE_CMD_SUBMIT_ORDER, MF_PLC_CMD_SUBMIT_ORDER, (uint16_t)colour,
                  engrave ? 1 : 0, ref, tag);
}

int line_drv_engrave_done(line_drv_t *d, uint32_t order, bool ok, uint32_t *tag)
{
    uint16_t w[2];
    mf_regmap_put_u32(w, order);
    return submit(d, LINE_CMD_ENGRAVE_DONE, MF_PLC_CMD_ENGRAVE_DONE, w[0], w[1],
                  ok ? MF_PLC_ENGRAVE_OK : MF_PLC_ENGRAVE_FAILED, tag);
}

int line_drv_refill(line_drv_t *d, mf_colour_t colour, uint32_t *tag)
{
    return submit(d, LINE_CMD_REFILL, MF_PLC_CMD_REFILL, (uint16_t)colour, 0, 0, tag);
}
