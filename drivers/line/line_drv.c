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
/* A PLC copies its input registers once per scan (REGISTERS.md, "Timing"):
 * our mailbox's owner echo may read 0 for up to one scan after a claim. Only
 * an echo still wrong this long after our last write means the mailbox is
 * gone. */
#define LINE_ECHO_GRACE_MS (2 * MF_PLC_MAX_SCAN_MS)

typedef struct {
    line_cmd_kind_t kind;
    uint32_t tag;
    uint16_t plc_cmd;
    uint16_t args[4];
} line_cmd_item_t;

struct line_drv {
    mb_link_t link;
    line_drv_opts_t o;
    char name[128]; /* the PLC's address, for the log */
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
    int connected, ever_connected, counted_connect, failures, attempt;
    long long next_try_ms;
    line_conn_t logged_conn; /* what the log last said, so each change is logged once */
    int logged_error;
    uint32_t token;
    int mbox;
    long long mbox_write_ms; /* our last write into the mailbox (claim, request, renewal) */
    long long lease_ms;
    long long read_start_ms; /* when the read now in ir/di began */
    uint16_t seq;            /* last SEQ used in our mailbox */
    int have_pending, pending_sent, pending_seq_set;
    line_cmd_item_t pending;
    uint16_t pending_seq;
    long long pending_deadline, pending_sent_ms;
    int finished_base_set;
    uint32_t finished_seen;
    int cancelled_base_set;
    uint16_t cancelled_seen;
    atomic_int reconnect;  /* line_drv_reconnect asked: close and open again now */
    mb_table_t fail_table; /* the request of read_map that failed */
    int fail_addr, fail_n;
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
                        const char *text, int error)
{
    line_event_t ev = {.kind = LINE_EV_RESULT,
                       .tag = d->pending.tag,
                       .cmd = d->pending.kind,
                       .result = r,
                       .plc_result = plc_result,
                       .order = order,
                       .error = error};
    snprintf(ev.text, sizeof ev.text, "%s", text ? text : "");
    post(d, &ev);
    d->have_pending = 0;
}

static const char *table_name(mb_table_t t)
{
    switch (t) {
    case MB_COILS:
        return "coils";
    case MB_DISCRETE_INPUTS:
        return "discrete inputs";
    case MB_HOLDING:
        return "holding registers";
    default:
        return "input registers";
    }
}

/* "exception 2 (illegal data address) for input registers 0..124" */
static void exception_text(line_drv_t *d, char *buf, size_t size, mb_table_t t, int addr, int n)
{
    int exc = d->link.ops->last_exception(d->link.ctx);
    snprintf(buf, size, "exception %d (%s) for %s %d..%d", exc, mb_exception_name(exc),
             table_name(t), addr, addr + n - 1);
}

static void publish(line_drv_t *d, long long now)
{
    d->work.stale = line_snapshot_is_stale(d->work.last_good_ms, now, d->o.stale_ms);
    d->work.serial++;
    pthread_mutex_lock(&d->lock);
    d->snap = d->work;
    pthread_mutex_unlock(&d->lock);
}

/* The one place the connection state changes: publishes the snapshot before
 * the event says so, and logs each change of state or reason once. */
static void set_conn(line_drv_t *d, line_conn_t conn, int error, const char *text, long long now)
{
    line_conn_t was = d->work.conn;
    int same = conn == was && error == d->work.error && strcmp(text, d->work.last_error) == 0;
    d->work.conn = conn;
    d->work.error = error;
    snprintf(d->work.last_error, sizeof d->work.last_error, "%s", text);
    d->work.incompatible = conn == LINE_CONN_INCOMPATIBLE;
    if (conn != LINE_CONN_MISCONFIGURED)
        d->work.exception = 0;
    if (same)
        return;
    publish(d, now);
    if (conn == LINE_CONN_CONNECTED && was != LINE_CONN_CONNECTED) {
        line_event_t ev = {.kind = LINE_EV_CONNECTED};
        post(d, &ev);
    } else if (conn != LINE_CONN_CONNECTED && was == LINE_CONN_CONNECTED) {
        line_event_t ev = {.kind = LINE_EV_DISCONNECTED, .error = error};
        snprintf(ev.text, sizeof ev.text, "%s", text);
        post(d, &ev);
    }
    /* Connecting and disconnected are one thing to staff: not answering. */
    line_conn_t key = conn == LINE_CONN_CONNECTING ? LINE_CONN_DISCONNECTED : conn;
    if (key == d->logged_conn && error == d->logged_error)
        return;
    d->logged_conn = key;
    d->logged_error = error;
    switch (key) {
    case LINE_CONN_CONNECTED:
        mf_log_info("line", "PLC connected (map version %u, %s)", d->work.map_version, d->name);
        break;
    case LINE_CONN_INCOMPATIBLE:
    case LINE_CONN_MISCONFIGURED:
        mf_log_error("line", "%s (%s)", text, d->name);
        break;
    default:
        mf_log_warn("line", "PLC not answering: %s (%s)", text, d->name);
        break;
    }
}

static int read_map(line_drv_t *d)
{
    const mb_link_ops_t *ops = d->link.ops;
    for (int addr = 0; addr < MF_PLC_IR_COUNT; addr += MF_MODBUS_MAX_READ_REGS) {
        int n = MF_PLC_IR_COUNT - addr;
        if (n > MF_MODBUS_MAX_READ_REGS)
            n = MF_MODBUS_MAX_READ_REGS;
        d->fail_table = MB_INPUT;
        d->fail_addr = addr;
        d->fail_n = n;
        int rc = ops->read_regs(d->link.ctx, MB_INPUT, addr, n, &d->ir[addr]);
        if (rc)
            return rc;
    }
    d->fail_table = MB_DISCRETE_INPUTS;
    d->fail_addr = 0;
    d->fail_n = MF_PLC_DI_COUNT;
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
    if (f - d->finished_seen > MF_PLC_FINISHED_SLOTS) {
        /* The ring holds the last 16 only: say how many went unseen. */
        uint32_t missed = f - d->finished_seen - MF_PLC_FINISHED_SLOTS;
        from = f - MF_PLC_FINISHED_SLOTS + 1;
        d->work.missed_pieces += missed;
        line_event_t ev = {.kind = LINE_EV_PIECES_MISSED, .count = missed};
        snprintf(ev.text, sizeof ev.text,
                 "%u finished piece(s) not seen: more than %d finished between two reads", missed,
                 MF_PLC_FINISHED_SLOTS);
        post(d, &ev);
        mf_log_warn("line", "%s", ev.text);
    }
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

/* IR 31 counts the PLC's cancellations: each change is one event with the
 * last id (REGISTERS.md, CANCEL). */
static void track_cancelled(line_drv_t *d)
{
    uint16_t c = d->work.cancelled;
    if (!d->cancelled_base_set) {
        d->cancelled_base_set = 1;
        d->cancelled_seen = c;
        return;
    }
    if (c == d->cancelled_seen)
        return;
    line_event_t ev = {.kind = LINE_EV_ORDER_CANCELLED,
                       .order = d->work.last_cancelled,
                       .count = (uint16_t)(c - d->cancelled_seen)};
    snprintf(ev.text, sizeof ev.text, "order %u cancelled", (unsigned)ev.order);
    post(d, &ev);
    d->cancelled_seen = c;
}

static uint16_t next_seq(uint16_t s)
{
    s++;
    return s ? s : 1;
}

static void mbox_forget(line_drv_t *d)
{
    d->mbox = -1;
    d->work.mailbox = -1;
    d->pending_sent = 0;
    d->pending_seq_set = 0;
}

/* Claims a free mailbox with one FC16 of the token. A normal answer means it
 * is ours (REGISTERS.md step 1): the echo in the input registers may come a
 * scan later. 0 when claimed; MF_ENOSLOT when all are taken (*IN_USE says
 * how many); MF_EEXCEPTION with TEXT when the PLC refused otherwise; a link
 * error. */
static int claim_mailbox(line_drv_t *d, long long now, int *in_use, char *text, size_t size)
{
    uint16_t tok[2];
    mf_regmap_put_u32(tok, d->token);
    *in_use = 0;
    for (int k = 0; k < MF_PLC_MBOX_COUNT; k++) {
        const uint16_t *r = &d->ir[MF_PLC_IR_MBOX(k)];
        uint32_t owner = mf_regmap_get_u32(&r[MF_PLC_MBOXR_OWNER]);
        if (owner != 0 && owner != d->token) {
            (*in_use)++;
            continue;
        }
        int addr = MF_PLC_HR_MBOX(k) + MF_PLC_MBOX_OWNER;
        int rc = d->link.ops->write_regs(d->link.ctx, addr, 2, tok);
        if (rc == MF_EREFUSED && d->link.ops->last_exception(d->link.ctx) == 6) {
            (*in_use)++; /* another client took it first (exception 6) */
            continue;
        }
        if (rc == MF_EREFUSED) {
            char exc[96];
            exception_text(d, exc, sizeof exc, MB_HOLDING, addr, 2);
            snprintf(text, size, "the PLC refused to give a command slot: %s", exc);
            return MF_EEXCEPTION;
        }
        if (rc)
            return rc;
        d->mbox = k;
        d->work.mailbox = k;
        d->seq = r[MF_PLC_MBOXR_ACK_SEQ];
        d->mbox_write_ms = d->lease_ms = now;
        d->pending_seq_set = 0; /* a new mailbox: a new SEQ for what is pending */
        d->pending_sent = 0;
        mf_log_info("line", "mailbox %d claimed", k);
        return 0;
    }
    return MF_ENOSLOT;
}

/* The mailbox handshake, once per complete read. The mailbox is claimed at
 * the first command and kept (lease renewed) until the driver stops. */
static int run_mailbox(line_drv_t *d, long long now)
{
    if (d->mbox >= 0) {
        const uint16_t *r = &d->ir[MF_PLC_IR_MBOX(d->mbox)];
        uint32_t owner = mf_regmap_get_u32(&r[MF_PLC_MBOXR_OWNER]);
        if (owner != d->token &&
            (owner != 0 || d->read_start_ms - d->mbox_write_ms > LINE_ECHO_GRACE_MS)) {
            mf_log_warn("line", "mailbox %d lost (%s)", d->mbox,
                        owner ? "another client holds it: our lease ran out"
                              : "lease expired or PLC restarted");
            mbox_forget(d);
        }
    }
    if (d->have_pending && d->mbox < 0) {
        char text[160] = "";
        int in_use = 0;
        int rc = claim_mailbox(d, now, &in_use, text, sizeof text);
        if (rc == MF_ENOSLOT) {
            snprintf(text, sizeof text, "no free command slot on the PLC (%d in use)", in_use);
            post_result(d, LINE_RESULT_REFUSED, 0, 0, text, MF_ENOSLOT);
            return 0;
        }
        if (rc == MF_EEXCEPTION) {
            post_result(d, LINE_RESULT_REFUSED, 0, 0, text, MF_EEXCEPTION);
            return 0;
        }
        if (rc)
            return rc;
    }
    if (d->mbox < 0)
        return 0;
    const uint16_t *r = &d->ir[MF_PLC_IR_MBOX(d->mbox)];
    /* Only a read begun after our request can carry its answer. */
    if (d->have_pending && d->pending_sent && d->read_start_ms >= d->pending_sent_ms &&
        r[MF_PLC_MBOXR_ACK_SEQ] == d->pending_seq) {
        uint16_t res = r[MF_PLC_MBOXR_RESULT];
        if (res == MF_PLC_RES_OK)
            post_result(d, LINE_RESULT_ACCEPTED, res, mf_regmap_get_u32(&r[MF_PLC_MBOXR_ORDER]), "",
                        0);
        else if (res != MF_PLC_RES_PENDING)
            post_result(d, LINE_RESULT_REFUSED, res, 0, line_cmd_result_text(d->pending.kind, res),
                        MF_EREFUSED);
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
        int addr = MF_PLC_HR_MBOX(d->mbox);
        int rc = d->link.ops->write_regs(d->link.ctx, addr, MF_PLC_MBOX_STRIDE, req);
        if (rc == MF_EREFUSED && d->link.ops->last_exception(d->link.ctx) == 6) {
            mf_log_warn("line", "mailbox %d lost (the PLC says another client holds it)", d->mbox);
            mbox_forget(d); /* claimed again at the next read, the request resent */
            return 0;
        }
        if (rc == MF_EREFUSED) {
            char exc[96], text[160];
            exception_text(d, exc, sizeof exc, MB_HOLDING, addr, MF_PLC_MBOX_STRIDE);
            snprintf(text, sizeof text, "the PLC refused the request: %s", exc);
            post_result(d, LINE_RESULT_REFUSED, 0, 0, text, MF_EEXCEPTION);
            return 0;
        }
        if (rc)
            return rc; /* resent with the same SEQ after reconnecting: safe */
        d->pending_sent = 1;
        d->pending_sent_ms = drv_now_ms();
        d->mbox_write_ms = d->lease_ms = now;
    }
    if (now - d->lease_ms >= LINE_LEASE_RENEW_MS) {
        uint16_t tok[2];
        mf_regmap_put_u32(tok, d->token);
        int rc = d->link.ops->write_regs(d->link.ctx, MF_PLC_HR_MBOX(d->mbox), 2, tok);
        if (rc && rc != MF_EREFUSED)
            return rc;
        if (rc == 0)
            d->mbox_write_ms = now;
        d->lease_ms = now;
    }
    return 0;
}

static void link_failed(line_drv_t *d, int rc, long long now)
{
    d->failures++;
    d->link.ops->close(d->link.ctx); /* always close before reconnecting */
    d->connected = 0;
    d->counted_connect = 0;
    /* A closed connection is down at once; a timeout or a garbled answer gets
     * one immediate retry before the line is shown offline. */
    if (rc == MF_ECLOSED || d->failures >= 2) {
        set_conn(d, LINE_CONN_DISCONNECTED, rc, mf_strerror(rc), now);
        d->next_try_ms = now + mb_backoff_ms(d->attempt++);
    } else {
        d->next_try_ms = now;
    }
}

static void try_connect(line_drv_t *d, long long now)
{
    int rc = d->link.ops->connect(d->link.ctx);
    if (rc) {
        line_conn_t c = d->ever_connected || d->attempt > 0 ? LINE_CONN_DISCONNECTED : d->work.conn;
        if (c == LINE_CONN_CONNECTED || c == LINE_CONN_INCOMPATIBLE || c == LINE_CONN_MISCONFIGURED)
            c = LINE_CONN_DISCONNECTED;
        set_conn(d, c, rc, mf_strerror(rc), now);
        d->next_try_ms = now + mb_backoff_ms(d->attempt++);
        return;
    }
    d->connected = 1;
}

/* A complete read: decode it (when the map is ours), then the mailbox. */
static int on_good_read(line_drv_t *d, long long now)
{
    d->failures = 0;
    d->attempt = 0;
    d->work.last_good_ms = d->read_start_ms > 0 ? d->read_start_ms : 1;
    if (!d->counted_connect) {
        if (d->ever_connected)
            d->work.reconnects++;
        d->ever_connected = 1;
        d->counted_connect = 1;
    }
    uint16_t version = d->ir[MF_PLC_IR_MAP_VERSION];
    if (version != MF_PLC_MAP_VERSION) {
        /* Nothing else in the map can be trusted: no decoding, no command. */
        char text[160];
        snprintf(text, sizeof text, "incompatible PLC (map version %u, this kiosk knows %d)",
                 version, MF_PLC_MAP_VERSION);
        line_snapshot_t keep = d->work;
        memset(&d->work, 0, sizeof d->work);
        d->work.conn = keep.conn;
        d->work.error = keep.error;
        snprintf(d->work.last_error, sizeof d->work.last_error, "%s", keep.last_error);
        d->work.last_good_ms = keep.last_good_ms;
        d->work.serial = keep.serial;
        d->work.reconnects = keep.reconnects;
        d->work.missed_pieces = keep.missed_pieces;
        d->work.mailbox = -1;
        d->work.map_version = version;
        d->finished_base_set = 0;
        d->cancelled_base_set = 0;
        set_conn(d, LINE_CONN_INCOMPATIBLE, MF_EINCOMPAT, text, now);
        if (d->have_pending)
            post_result(d, LINE_RESULT_REFUSED, 0, 0, text, MF_EINCOMPAT);
        return 0;
    }
    line_snapshot_decode(&d->work, d->ir, d->di);
    set_conn(d, LINE_CONN_CONNECTED, 0, "", now);
    track_finished(d);
    track_cancelled(d);
    return run_mailbox(d, now);
}

/* The PLC answered a read with an exception: reachable, misconfigured. */
static void on_read_exception(line_drv_t *d, long long now)
{
    char exc[96], text[160];
    exception_text(d, exc, sizeof exc, d->fail_table, d->fail_addr, d->fail_n);
    snprintf(text, sizeof text, "PLC reachable but misconfigured: it answers %s", exc);
    d->work.exception = (uint16_t)d->link.ops->last_exception(d->link.ctx);
    d->failures = 0;
    d->attempt = 0;
    set_conn(d, LINE_CONN_MISCONFIGURED, MF_EEXCEPTION, text, now);
    if (d->have_pending)
        post_result(d, LINE_RESULT_REFUSED, 0, 0, text, MF_EEXCEPTION);
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

/* Only the owner frees a mailbox: the RELEASE command, token included. */
static void release_mailbox(line_drv_t *d)
{
    if (!d->connected || d->mbox < 0)
        return;
    uint16_t req[MF_PLC_MBOX_STRIDE] = {0};
    mf_regmap_put_u32(&req[MF_PLC_MBOX_OWNER], d->token);
    req[MF_PLC_MBOX_SEQ] = next_seq(d->seq);
    req[MF_PLC_MBOX_CMD] = MF_PLC_CMD_RELEASE;
    d->link.ops->write_regs(d->link.ctx, MF_PLC_HR_MBOX(d->mbox), MF_PLC_MBOX_STRIDE, req);
    d->mbox = -1;
}

static void *line_thread(void *arg)
{
    line_drv_t *d = arg;
    while (!atomic_load(&d->stop)) {
        long long start = drv_now_ms();
        if (atomic_exchange(&d->reconnect, 0)) {
            /* Staff asked: drop the link (our mailbox stays ours through its
             * lease; the token is unchanged) and connect again at once. */
            if (d->connected) {
                d->link.ops->close(d->link.ctx);
                d->connected = 0;
                d->counted_connect = 0;
                set_conn(d, LINE_CONN_DISCONNECTED, 0, "reconnecting (asked by staff)", start);
            }
            d->attempt = 0;
            d->failures = 0;
            d->next_try_ms = start;
        }
        if (!d->connected && start >= d->next_try_ms)
            try_connect(d, start);
        if (d->connected) {
            d->read_start_ms = drv_now_ms();
            int rc = read_map(d);
            long long now = drv_now_ms();
            if (rc == 0)
                rc = on_good_read(d, now);
            else if (rc == MF_EREFUSED) {
                on_read_exception(d, now);
                rc = 0;
            }
            if (rc)
                link_failed(d, rc, drv_now_ms());
        }
        long long now = drv_now_ms();
        if (d->have_pending && now >= d->pending_deadline)
            post_result(d, LINE_RESULT_TIMED_OUT, 0, 0,
                        d->connected ? "the PLC did not answer in time" : "the PLC is offline",
                        MF_ETIMEDOUT);
        if (!d->have_pending && drv_queue_pop(d->cmds, &d->pending)) {
            d->have_pending = 1;
            d->pending_sent = 0;
            d->pending_seq_set = 0;
            d->pending_deadline = now + d->o.cmd_timeout_ms;
            /* Send it right away, but on the map just read: no second read. */
            if (d->connected && d->work.conn == LINE_CONN_CONNECTED && d->work.last_good_ms &&
                d->read_start_ms == d->work.last_good_ms) {
                int rc = run_mailbox(d, now);
                if (rc)
                    link_failed(d, rc, drv_now_ms());
            }
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
        post_result(d, LINE_RESULT_TIMED_OUT, 0, 0, "the driver stopped", MF_ETIMEDOUT);
    while (drv_queue_pop(d->cmds, &d->pending)) {
        d->have_pending = 1;
        post_result(d, LINE_RESULT_TIMED_OUT, 0, 0, "the driver stopped", MF_ETIMEDOUT);
    }
    release_mailbox(d);
    d->link.ops->close(d->link.ctx);
    d->connected = 0;
    return NULL;
}

static line_drv_t *create_named(struct mb_link *link, const line_drv_opts_t *opts, const char *name)
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
    d->logged_conn = LINE_CONN_CONNECTING; /* nothing logged yet */
    snprintf(d->name, sizeof d->name, "%s", name ? name : d->link.ops->kind);
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

line_drv_t *line_drv_create_on(struct mb_link *link, const line_drv_opts_t *opts)
{
    return create_named(link, opts, NULL);
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
    char name[160];
    snprintf(name, sizeof name, "%s%s", strstr(plc_uri, "://") ? "" : "tcp://", plc_uri);
    return create_named(&link, &o, name);
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
    /* The age of the data now, not when the thread last published. */
    out->stale = line_snapshot_is_stale(out->last_good_ms, drv_now_ms(), d->o.stale_ms);
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

int line_drv_ack_alarm(line_drv_t *d, uint16_t code, uint16_t station, uint16_t colour,
                       uint32_t *tag)
{
    return submit(d, LINE_CMD_ACK, MF_PLC_CMD_ACK, code, station, colour, tag);
}

int line_drv_cancel_order(line_drv_t *d, uint32_t order, uint32_t *tag)
{
    uint16_t w[2];
    mf_regmap_put_u32(w, order);
    return submit(d, LINE_CMD_CANCEL, MF_PLC_CMD_CANCEL, w[0], w[1], 0, tag);
}

void line_drv_reconnect(line_drv_t *d)
{
    atomic_store(&d->reconnect, 1);
    pthread_mutex_lock(&d->lock);
    pthread_cond_broadcast(&d->wake);
    pthread_mutex_unlock(&d->lock);
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
