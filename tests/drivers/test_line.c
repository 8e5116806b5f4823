/*
 * test_line.c - drivers/line and drivers/modbus on the in-process Modbus fake
 * with a mini PLC model that answers mailboxes as firmware-sim/REGISTERS.md
 * says: 32-bit packing against fixed vectors, snapshot decoding, the
 * backoff, orders accepted / refused / timed out, Modbus exceptions, CRC
 * errors, timeouts, partial frames, a disconnect on the Nth call, and two
 * drivers submitting at once on one PLC.
 */
#include "line_drv.h"
#include "mb_fake.h"
#include "mb_link.h"
#include "mf_error.h"
#include "mf_log.h"
#include "test_util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* ---- A mini PLC: the mailbox handshake and an order counter ------------------ */

typedef struct {
    uint32_t last_order;
    bool queue_full;
    bool steal_next; /* another kiosk takes the mailbox just before the next request */
    bool late_echo;  /* a scan-based PLC: the owner echo is left to the test to publish */
    int hr_writes;   /* holding-register writes received */
    int claims;      /* claim writes (owner only) received */
    uint32_t owner_of[MF_PLC_MBOX_COUNT]; /* late_echo: the owners the PLC knows */
    int stolen;                           /* the mailbox taken, -1 when none */
    int handled;
    uint32_t orders_seen[256];
    uint32_t in_production; /* CANCEL of this order: IN_PRODUCTION */
    bool cancelled[256];    /* orders CANCEL removed */
    uint16_t ack_args[3];   /* the last ACK's code, station, colour */
    int acks;
} mini_plc_t;

static int plc_hook(void *user, mb_fake_t *f, mb_fake_phase_t phase, int link_id, mb_table_t t,
                    int addr, int n)
{
    mini_plc_t *p = user;
    if (t != MB_HOLDING)
        return 0;
    if (phase == MB_FAKE_AFTER_WRITE)
        p->hr_writes++;
    uint16_t *hr = mb_fake_table(f, MB_HOLDING);
    uint16_t *ir = mb_fake_table(f, MB_INPUT);
    int k = addr / MF_PLC_MBOX_STRIDE, off = addr % MF_PLC_MBOX_STRIDE;
    uint16_t *r = &ir[MF_PLC_IR_MBOX(k)];
    uint32_t owner = p->late_echo ? p->owner_of[k] : mf_regmap_get_u32(&r[MF_PLC_MBOXR_OWNER]);
    if (phase == MB_FAKE_BEFORE_WRITE) {
        if (off == MF_PLC_MBOX_OWNER && n == 2) {
            uint32_t tok = mf_regmap_get_u32(&hr[addr]);
            if (tok != 0 && owner != 0 && owner != tok)
                return 6; /* slave device busy: someone else's mailbox */
            return 0;
        }
        if (owner == 0)
            return 3; /* request into a free mailbox */
        if (off == MF_PLC_MBOX_OWNER && n == MF_PLC_MBOX_STRIDE) {
            /* a request with its token (REGISTERS.md step 2): checked */
            if (p->steal_next) {
                p->steal_next = false;
                p->stolen = k;
                owner = 0xBEEF0001u;
                mf_regmap_put_u32(&r[MF_PLC_MBOXR_OWNER], owner);
            }
            if (mf_regmap_get_u32(&hr[addr]) != owner)
                return 6; /* not the owner's token: slave device busy */
        }
        return 0;
    }
    if (off == MF_PLC_MBOX_OWNER && n == 2) {
        uint32_t tok = mf_regmap_get_u32(&hr[addr]);
        p->claims++;
        p->owner_of[k] = tok;
        if (!p->late_echo)
            mf_regmap_put_u32(&r[MF_PLC_MBOXR_OWNER], tok);
        return 0;
    }
    uint16_t *m = &hr[MF_PLC_HR_MBOX(k)];
    if (m[MF_PLC_MBOX_SEQ] == r[MF_PLC_MBOXR_ACK_SEQ])
        return 0; /* a retry: nothing to do */
    if (m[MF_PLC_MBOX_CMD] == MF_PLC_CMD_RELEASE) {
        memset(r, 0, MF_PLC_MBOX_STRIDE * sizeof *r); /* freed by its owner */
        memset(m, 0, MF_PLC_MBOX_STRIDE * sizeof *m);
        return 0;
    }
    uint16_t res = MF_PLC_RES_OK;
    switch (m[MF_PLC_MBOX_CMD]) {
    case MF_PLC_CMD_SUBMIT_ORDER:
        if (m[MF_PLC_MBOX_ARG0] < 1 || m[MF_PLC_MBOX_ARG0] > MF_COLOUR_COUNT) {
            res = MF_PLC_RES_BAD_ARG;
        } else if (p->queue_full) {
            res = MF_PLC_RES_QUEUE_FULL;
        } else {
            p->last_order++;
            mf_regmap_put_u32(&r[MF_PLC_MBOXR_ORDER], p->last_order);
            mf_regmap_put_u32(&ir[MF_PLC_IR_LAST_ORDER_ID], p->last_order);
            p->orders_seen[p->last_order % 256]++;
        }
        break;
    case MF_PLC_CMD_CANCEL: {
        uint32_t id = mf_regmap_get_u32(&m[MF_PLC_MBOX_ARG0]);
        if (id != 0 && id == p->in_production)
            res = MF_PLC_RES_IN_PRODUCTION;
        else if (id == 0 || id > p->last_order || p->cancelled[id % 256])
            res = MF_PLC_RES_NO_ORDER;
        else {
            p->cancelled[id % 256] = true;
            ir[MF_PLC_IR_CANCELLED]++;
            mf_regmap_put_u32(&ir[MF_PLC_IR_LAST_CANCELLED], id);
        }
        break;
    }
    case MF_PLC_CMD_ACK:
        for (int i = 0; i < 3; i++)
            p->ack_args[i] = m[MF_PLC_MBOX_ARG0 + i];
        p->acks++;
        break;
    case MF_PLC_CMD_START:
    case MF_PLC_CMD_STOP:
        break;
    default:
        res = MF_PLC_RES_BAD_COMMAND;
    }
    r[MF_PLC_MBOXR_RESULT] = res;
    r[MF_PLC_MBOXR_ACK_SEQ] = m[MF_PLC_MBOX_SEQ];
    p->handled++;
    return 0;
}

typedef struct {
    mini_plc_t plc;
    mb_fake_t *fake;
} plc_rig_t;

static plc_rig_t *plc_create(void)
{
    plc_rig_t *r = calloc(1, sizeof *r);
    r->fake = mb_fake_create(plc_hook, &r->plc);
    mb_fake_lock(r->fake);
    uint16_t *ir = mb_fake_table(r->fake, MB_INPUT);
    ir[MF_PLC_IR_MAP_VERSION] = MF_PLC_MAP_VERSION;
    ir[MF_PLC_IR_LINE_STATE] = MF_PACKML_IDLE;
    ir[MF_PLC_IR_LINE_MODE] = MF_MODE_AUTO;
    mb_fake_unlock(r->fake);
    return r;
}

static void plc_destroy(plc_rig_t *r)
{
    mb_fake_destroy(r->fake);
    free(r);
}

static line_drv_t *drv_on(plc_rig_t *r, int poll_ms, int cmd_timeout_ms)
{
    mb_link_t link;
    assert_int_equal(mb_fake_link(r->fake, &link), 0);
    line_drv_opts_t o;
    line_drv_opts_default(&o);
    o.poll_ms = poll_ms;
    o.cmd_timeout_ms = cmd_timeout_ms;
    o.stale_ms = 300;
    line_drv_t *d = line_drv_create_on(&link, &o);
    assert_non_null(d);
    return d;
}

/* Kinds of the events wait_result skipped over (bit = kind), for checks. */
static _Atomic unsigned skipped_kinds;

static bool wait_result(line_drv_t *d, uint32_t tag, line_event_t *ev, int timeout_ms)
{
    long long end = tu_now_ms() + timeout_ms;
    while (tu_now_ms() < end) {
        if (line_drv_poll_event(d, ev)) {
            skipped_kinds |= 1u << ev->kind;
            if (ev->kind == LINE_EV_RESULT && ev->tag == tag)
                return true;
            continue;
        }
        tu_sleep_ms(2);
    }
    return false;
}

static line_conn_t conn_of(line_drv_t *d)
{
    line_snapshot_t s;
    line_drv_snapshot(d, &s);
    return s.conn;
}

/* ---- Tests ------------------------------------------------------------------ */

static void test_u32_packing(void **state)
{
    /* High word first, each word big-endian on the wire: 0x12345678 is the
     * byte sequence 12 34 56 78 (mbpoll -B). */
    uint16_t regs[2];
    mf_regmap_put_u32(regs, 0x12345678u);
    assert_int_equal(regs[0], 0x1234);
    assert_int_equal(regs[1], 0x5678);
    const unsigned char wire[4] = {0x12, 0x34, 0x56, 0x78};
    uint16_t from_wire[2] = {(uint16_t)(wire[0] << 8 | wire[1]),
                             (uint16_t)(wire[2] << 8 | wire[3])};
    assert_int_equal(mf_regmap_get_u32(from_wire), 0x12345678u);
    mf_regmap_put_u32(regs, 0xFFFFFFFEu);
    assert_int_equal(regs[0], 0xFFFF);
    assert_int_equal(regs[1], 0xFFFE);
    assert_int_equal(mf_regmap_get_u32(regs), 0xFFFFFFFEu);
    mf_regmap_put_u32(regs, 70000u); /* above 16 bits: 0x00011170 */
    assert_int_equal(regs[0], 0x0001);
    assert_int_equal(regs[1], 0x1170);
}

static void test_decode(void **state)
{
    uint16_t ir[MF_PLC_IR_COUNT] = {0};
    uint8_t di[MF_PLC_DI_COUNT] = {0};
    ir[MF_PLC_IR_MAP_VERSION] = 1;
    ir[MF_PLC_IR_LINE_STATE] = MF_PACKML_EXECUTE;
    mf_regmap_put_u32(&ir[MF_PLC_IR_GOOD], 123456u);
    ir[MF_PLC_IR_QUEUE_LEN] = 2;
    mf_regmap_put_u32(&ir[MF_PLC_IR_QUEUE(1) + MF_PLC_Q_ORDER], 99u);
    ir[MF_PLC_IR_QUEUE(1) + MF_PLC_Q_COLOUR] = MF_COLOUR_BLUE;
    ir[MF_PLC_IR_QUEUE(1) + MF_PLC_Q_ENGRAVE] = 1;
    ir[MF_PLC_IR_ALARM_COUNT] = 1;
    ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_CODE] = MF_ALARM_JAM;
    ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_STATION] = 3;
    ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_FLAGS] = MF_PLC_ALARM_F_UNACKED;
    ir[MF_PLC_IR_STATION(MF_STATION_ROBOT) + MF_PLC_ST_STATE] = MF_PACKML_HELD;
    mf_regmap_put_u32(&ir[MF_PLC_IR_STATION(MF_STATION_ROBOT) + MF_PLC_ST_ORDER], 77u);
    ir[MF_PLC_IR_MAGAZINE(MF_COLOUR_SILVER)] = 5;
    di[MF_PLC_DI_ESTOP] = 1;
    di[MF_PLC_DI_PART_PRESENT(MF_STATION_ROBOT)] = 1;
    line_snapshot_t s = {0};
    line_snapshot_decode(&s, ir, di);
    assert_int_equal(s.line_state, MF_PACKML_EXECUTE);
    assert_string_equal(line_packml_name(s.line_state), "Execute");
    assert_int_equal(s.good, 123456u);
    assert_int_equal(s.queue_len, 2);
    assert_int_equal(s.queue[1].order, 99u);
    assert_true(s.queue[1].engrave);
    assert_int_equal(s.alarm_count, 1);
    assert_int_equal(s.alarms[0].code, MF_ALARM_JAM);
    assert_false(s.alarms[0].active);
    assert_true(s.alarms[0].unacked);
    line_station_t *robot = &s.stations[MF_STATION_ROBOT - MF_STATION_FIRST];
    assert_int_equal(robot->state, MF_PACKML_HELD);
    assert_int_equal(robot->order, 77u);
    assert_true(robot->part_present);
    assert_true(s.estop);
    assert_int_equal(s.magazine[MF_COLOUR_SILVER - 1], 5);
    /* A queue length beyond the map is clamped, never read out of bounds. */
    ir[MF_PLC_IR_QUEUE_LEN] = 500;
    line_snapshot_decode(&s, ir, di);
    assert_int_equal(s.queue_len, MF_PLC_QUEUE_CAP);
}

static void test_pure_helpers(void **state)
{
    assert_int_equal(mb_backoff_ms(0), 100);
    assert_int_equal(mb_backoff_ms(1), 200);
    assert_int_equal(mb_backoff_ms(4), 1600);
    assert_int_equal(mb_backoff_ms(5), 2000);
    assert_int_equal(mb_backoff_ms(50), 2000);
    assert_true(line_snapshot_is_stale(0, 5000, 1000));
    assert_false(line_snapshot_is_stale(4500, 5000, 1000));
    assert_true(line_snapshot_is_stale(3999, 5000, 1000));
    char host[64];
    int port;
    assert_int_equal(mb_parse_tcp_uri("tcp://127.0.0.1:1502", host, sizeof host, &port, 502), 0);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 1502);
    assert_int_equal(mb_parse_tcp_uri("plc.local", host, sizeof host, &port, 502), 0);
    assert_int_equal(port, 502);
    assert_int_equal(mb_parse_tcp_uri("tcp://h:0", host, sizeof host, &port, 502), MF_EINVAL);
    assert_int_equal(mb_parse_tcp_uri("udp://h:1", host, sizeof host, &port, 502), MF_EINVAL);
    assert_string_equal(mb_exception_name(6), "server device busy");
}

static void test_submit_and_refuse(void **state)
{
    plc_rig_t *r = plc_create();
    line_drv_t *d = drv_on(r, 10, 2000);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 1000));
    uint32_t tag;
    line_event_t ev;
    assert_int_equal(line_drv_submit_order(d, MF_COLOUR_RED, true, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 2000));
    assert_int_equal(ev.result, LINE_RESULT_ACCEPTED);
    assert_int_equal(ev.cmd, LINE_CMD_SUBMIT_ORDER);
    assert_int_equal(ev.order, 1u);

    assert_int_equal(line_drv_submit_order(d, (mf_colour_t)9, false, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 2000));
    assert_int_equal(ev.result, LINE_RESULT_REFUSED);
    assert_int_equal(ev.plc_result, MF_PLC_RES_BAD_ARG);
    assert_string_equal(ev.text, "argument out of range");

    mb_fake_lock(r->fake);
    r->plc.queue_full = true;
    mb_fake_unlock(r->fake);
    assert_int_equal(line_drv_submit_order(d, MF_COLOUR_BLUE, false, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 2000));
    assert_int_equal(ev.result, LINE_RESULT_REFUSED);
    assert_int_equal(ev.plc_result, MF_PLC_RES_QUEUE_FULL);

    line_snapshot_t s;
    line_drv_snapshot(d, &s);
    assert_true(s.mailbox >= 0);
    assert_false(s.stale);
    line_drv_destroy(d);
    /* A clean stop frees the mailbox. */
    mb_fake_lock(r->fake);
    uint32_t owner = mf_regmap_get_u32(
        &mb_fake_table(r->fake, MB_INPUT)[MF_PLC_IR_MBOX(s.mailbox) + MF_PLC_MBOXR_OWNER]);
    mb_fake_unlock(r->fake);
    int open_links = mb_fake_open_links(r->fake);
    assert_int_equal(owner, 0u);
    assert_int_equal(open_links, 0);
    plc_destroy(r);
}

/* A kiosk whose mailbox was taken by another without it noticing (its lease
 * ran out) must not write into the other's mailbox: its request carries its
 * token, the PLC refuses it, and the driver claims a new mailbox and resends:
 * one order, in its own mailbox. */
static void test_request_carries_token(void **state)
{
    plc_rig_t *r = plc_create();
    r->plc.stolen = -1;
    line_drv_t *d = drv_on(r, 10, 3000);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 1000));
    line_snapshot_t s;
    uint32_t tag;
    line_event_t ev;
    /* The mailbox is claimed at the first command. */
    assert_int_equal(line_drv_submit_order(d, MF_COLOUR_RED, false, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 3000));
    assert_int_equal(ev.result, LINE_RESULT_ACCEPTED);
    assert_true(TU_WAIT((line_drv_snapshot(d, &s), s.mailbox >= 0), 1000));
    mb_fake_lock(r->fake);
    r->plc.steal_next = true;
    mb_fake_unlock(r->fake);
    assert_int_equal(line_drv_submit_order(d, MF_COLOUR_GREEN, false, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 3000));
    assert_int_equal(ev.result, LINE_RESULT_ACCEPTED);
    assert_int_equal(ev.order, 2u);
    mb_fake_lock(r->fake);
    int stolen = r->plc.stolen;
    int handled = r->plc.handled;
    uint16_t stolen_colour =
        mb_fake_table(r->fake, MB_HOLDING)[MF_PLC_HR_MBOX(stolen) + MF_PLC_MBOX_ARG0];
    mb_fake_unlock(r->fake);
    assert_int_not_equal(stolen, -1);                     /* the theft happened */
    assert_int_equal(handled, 2);                         /* one order each, not three */
    assert_int_not_equal(stolen_colour, MF_COLOUR_GREEN); /* not written into the other's */
    line_drv_snapshot(d, &s);
    assert_int_not_equal(s.mailbox, stolen);
    line_drv_destroy(d);
    plc_destroy(r);
}

static void test_faults_keep_connection_or_recover(void **state)
{
    plc_rig_t *r = plc_create();
    line_drv_t *d = drv_on(r, 10, 3000);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 1000));
    /* One CRC error, one Modbus exception, one partial frame: each is one
     * failed poll followed by a good one; the driver stays usable. */
    int errs[] = {MF_ECRC, MF_EREFUSED, MF_EPROTO, MF_ETIMEDOUT};
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
        mb_fake_fail_next(r->fake, 1, errs[i], errs[i] == MF_EREFUSED ? 4 : 0);
        assert_true(TU_WAIT(mb_fake_calls(r->fake) > 0 && conn_of(d) == LINE_CONN_CONNECTED, 1000));
        uint32_t tag;
        line_event_t ev;
        assert_int_equal(line_drv_start(d, &tag), 0);
        assert_true(wait_result(d, tag, &ev, 3000));
        assert_int_equal(ev.result, LINE_RESULT_ACCEPTED);
    }
    line_snapshot_t s;
    line_drv_snapshot(d, &s);
    assert_int_equal(s.conn, LINE_CONN_CONNECTED);
    line_drv_destroy(d);
    plc_destroy(r);
}

static void test_disconnect_nth_call_and_back(void **state)
{
    int fds = tu_count_fds();
    plc_rig_t *r = plc_create();
    line_drv_t *d = drv_on(r, 10, 500);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 1000));
    skipped_kinds = 0;
    mb_fake_disconnect_after(r->fake, 5);
    long long t0 = tu_now_ms();
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_DISCONNECTED, 1000));
    assert_true(tu_now_ms() - t0 < 1000);
    /* While offline, a command times out with a reason, and the snapshot goes stale. */
    uint32_t tag;
    line_event_t ev;
    assert_int_equal(line_drv_stop(d, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 2000));
    assert_int_equal(ev.result, LINE_RESULT_TIMED_OUT);
    assert_string_equal(ev.text, "the PLC is offline");
    line_snapshot_t s;
    assert_true(TU_WAIT((line_drv_snapshot(d, &s), s.stale), 1000));
    /* Back online: connected again within the backoff cap. */
    mb_fake_set_online(r->fake, true);
    t0 = tu_now_ms();
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 3000));
    assert_true(tu_now_ms() - t0 < 2500);
    line_drv_snapshot(d, &s);
    assert_int_equal(s.reconnects, 1);
    /* The events said so too. */
    while (line_drv_poll_event(d, &ev))
        skipped_kinds |= 1u << ev.kind;
    bool saw_down = skipped_kinds & (1u << LINE_EV_DISCONNECTED);
    bool saw_up = skipped_kinds & (1u << LINE_EV_CONNECTED);
    assert_true(saw_down && saw_up);
    line_drv_destroy(d);
    assert_int_equal(mb_fake_open_links(r->fake), 0);
    plc_destroy(r);
    assert_int_equal(tu_count_fds(), fds);
}

static void test_never_blocks_caller(void **state)
{
    /* A device slower than the response timeout: calls from the caller's side
     * still return at once. */
    plc_rig_t *r = plc_create();
    mb_fake_set_delay_ms(r->fake, 200);
    line_drv_t *d = drv_on(r, 10, 1000);
    long long t0 = tu_now_ms();
    line_snapshot_t s;
    for (int i = 0; i < 100; i++) {
        line_drv_snapshot(d, &s);
        uint32_t tag;
        line_drv_ack(d, &tag);
        line_event_t ev;
        line_drv_poll_event(d, &ev);
    }
    assert_true(tu_now_ms() - t0 < 100);
    line_drv_destroy(d);
    plc_destroy(r);
}

typedef struct {
    line_drv_t *d;
    int n;
    uint32_t orders[64];
    int accepted;
} submitter_t;

static void *submit_thread(void *arg)
{
    submitter_t *s = arg;
    uint32_t tags[64];
    for (int i = 0; i < s->n; i++)
        line_drv_submit_order(s->d, (mf_colour_t)(1 + i % MF_COLOUR_COUNT), i % 2, &tags[i]);
    for (int i = 0; i < s->n; i++) {
        line_event_t ev;
        if (wait_result(s->d, tags[i], &ev, 5000) && ev.result == LINE_RESULT_ACCEPTED)
            s->orders[s->accepted++] = ev.order;
    }
    return NULL;
}

static void test_two_drivers_one_plc(void **state)
{
    plc_rig_t *r = plc_create();
    submitter_t a = {.d = drv_on(r, 10, 3000), .n = 20};
    submitter_t b = {.d = drv_on(r, 10, 3000), .n = 20};
    assert_true(
        TU_WAIT(conn_of(a.d) == LINE_CONN_CONNECTED && conn_of(b.d) == LINE_CONN_CONNECTED, 1000));
    /* Drop a few answers on the way to exercise the retry with the same SEQ. */
    mb_fake_fail_next(r->fake, 3, MF_ETIMEDOUT, 0);
    pthread_t ta, tb;
    pthread_create(&ta, NULL, submit_thread, &a);
    pthread_create(&tb, NULL, submit_thread, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a.accepted, 20);
    assert_int_equal(b.accepted, 20);
    line_snapshot_t sa, sb;
    line_drv_snapshot(a.d, &sa);
    line_drv_snapshot(b.d, &sb);
    assert_true(sa.mailbox != sb.mailbox);
    /* 40 distinct orders, each made once by the PLC. */
    assert_int_equal(r->plc.last_order, 40u);
    for (uint32_t id = 1; id <= 40; id++)
        assert_int_equal(r->plc.orders_seen[id], 1);
    bool seen[41] = {0};
    for (int i = 0; i < 20; i++) {
        assert_false(seen[a.orders[i]]);
        seen[a.orders[i]] = true;
        assert_false(seen[b.orders[i]]);
        seen[b.orders[i]] = true;
    }
    line_drv_destroy(a.d);
    line_drv_destroy(b.d);
    plc_destroy(r);
}

/* ---- Issue 14: what a PLC that is not the simulator showed ------------------ */

static void set_ir(plc_rig_t *r, int addr, uint16_t v)
{
    mb_fake_lock(r->fake);
    mb_fake_table(r->fake, MB_INPUT)[addr] = v;
    mb_fake_unlock(r->fake);
}

static void test_alarm_words(void **state)
{
    char buf[128];
    line_alarm_t estop = {.code = MF_ALARM_ESTOP, .station = 0};
    assert_string_equal(line_alarm_describe(&estop, buf, sizeof buf),
                        "emergency stop on the whole line");
    line_alarm_t mag = {.code = MF_ALARM_MAGAZINE_EMPTY, .station = 2, .param = MF_COLOUR_RED};
    assert_string_equal(line_alarm_describe(&mag, buf, sizeof buf),
                        "magazine empty at station 2 (store), colour red");
    line_alarm_t q = {.code = MF_ALARM_QUALITY_REJECTS, .station = 6, .param = 3};
    assert_string_equal(
        line_alarm_describe(&q, buf, sizeof buf),
        "repeated quality rejects at station 6 (quality control), 3 rejects in a row");
    line_snapshot_t s = {.conn = LINE_CONN_CONNECTED};
    assert_true(line_snapshot_usable(&s));
    s.incompatible = true;
    assert_false(line_snapshot_usable(&s));
}

/* 1. An unknown map version: nothing decoded, nothing written, said so. */
static void test_incompatible_map_refused(void **state)
{
    plc_rig_t *r = plc_create();
    set_ir(r, MF_PLC_IR_MAP_VERSION, 2);
    set_ir(r, MF_PLC_IR_LINE_STATE, MF_PACKML_EXECUTE);
    line_drv_t *d = drv_on(r, 10, 2000);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_INCOMPATIBLE, 1000));
    line_snapshot_t s;
    line_drv_snapshot(d, &s);
    assert_string_equal(s.last_error, "incompatible PLC (map version 2, this kiosk knows 1)");
    assert_int_equal(s.error, MF_EINCOMPAT);
    assert_true(s.incompatible);
    assert_int_equal(s.map_version, 2);
    assert_int_not_equal(s.line_state, MF_PACKML_EXECUTE); /* not decoded */
    assert_false(line_snapshot_usable(&s));
    uint32_t tag;
    line_event_t ev;
    assert_int_equal(line_drv_submit_order(d, MF_COLOUR_RED, false, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 2000));
    assert_int_equal(ev.result, LINE_RESULT_REFUSED);
    assert_int_equal(ev.error, MF_EINCOMPAT);
    assert_string_equal(ev.text, "incompatible PLC (map version 2, this kiosk knows 1)");
    mb_fake_lock(r->fake);
    int writes = r->plc.hr_writes;
    mb_fake_unlock(r->fake);
    assert_int_equal(writes, 0); /* no claim, no command */
    /* The right PLC back: usable, the text gone. */
    set_ir(r, MF_PLC_IR_MAP_VERSION, MF_PLC_MAP_VERSION);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 1000));
    line_drv_snapshot(d, &s);
    assert_string_equal(s.last_error, "");
    assert_false(s.incompatible);
    line_drv_destroy(d);
    plc_destroy(r);
}

/* 5 and 4. A PLC answering an exception is reachable and misconfigured; the
 * text names the exception and the registers, and clears once it reads. */
static void test_exception_is_misconfigured_and_clears(void **state)
{
    plc_rig_t *r = plc_create();
    line_drv_t *d = drv_on(r, 10, 2000);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 1000));
    mb_fake_fail_next(r->fake, 1000000, MF_EREFUSED, 2);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_MISCONFIGURED, 1000));
    line_snapshot_t s;
    line_drv_snapshot(d, &s);
    assert_string_equal(s.last_error, "PLC reachable but misconfigured: it answers exception 2 "
                                      "(illegal data address) for input registers 0..124");
    assert_int_equal(s.exception, 2);
    assert_int_equal(s.error, MF_EEXCEPTION);
    uint32_t tag;
    line_event_t ev;
    assert_int_equal(line_drv_start(d, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 2000));
    assert_int_equal(ev.result, LINE_RESULT_REFUSED);
    assert_int_equal(ev.error, MF_EEXCEPTION);
    mb_fake_fail_next(r->fake, 0, 0, 0);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 1000));
    tu_sleep_ms(50);
    line_drv_snapshot(d, &s);
    assert_string_equal(s.last_error, "");
    assert_int_equal(s.error, 0);
    assert_int_equal(s.exception, 0);
    line_drv_destroy(d);
    plc_destroy(r);
}

/* 3. Every mailbox taken: the PLC answered, so say so at once. */
static void test_no_free_slot(void **state)
{
    plc_rig_t *r = plc_create();
    for (int k = 0; k < MF_PLC_MBOX_COUNT; k++) {
        set_ir(r, MF_PLC_IR_MBOX(k) + MF_PLC_MBOXR_OWNER, 0x4000);
        set_ir(r, MF_PLC_IR_MBOX(k) + MF_PLC_MBOXR_OWNER + 1, (uint16_t)(k + 1));
    }
    line_drv_t *d = drv_on(r, 10, 3000);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 1000));
    uint32_t tag;
    line_event_t ev;
    long long t0 = tu_now_ms();
    assert_int_equal(line_drv_submit_order(d, MF_COLOUR_RED, false, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 3000));
    assert_true(tu_now_ms() - t0 < 1000);
    assert_int_equal(ev.result, LINE_RESULT_REFUSED);
    assert_int_equal(ev.error, MF_ENOSLOT);
    assert_string_equal(ev.text, "no free command slot on the PLC (8 in use)");
    line_drv_destroy(d);
    plc_destroy(r);
}

typedef struct {
    plc_rig_t *r;
    int delay_ms;
    atomic_int stop;
} echo_thread_t;

/* Publishes the owner echo of every claimed mailbox DELAY_MS after the claim,
 * as a PLC whose scan is that long. */
static void *echo_thread(void *arg)
{
    echo_thread_t *e = arg;
    while (!atomic_load(&e->stop)) {
        tu_sleep_ms(e->delay_ms);
        mb_fake_lock(e->r->fake);
        uint16_t *hr = mb_fake_table(e->r->fake, MB_HOLDING);
        uint16_t *ir = mb_fake_table(e->r->fake, MB_INPUT);
        for (int k = 0; k < MF_PLC_MBOX_COUNT; k++) {
            ir[MF_PLC_IR_MBOX(k) + MF_PLC_MBOXR_OWNER] = hr[MF_PLC_HR_MBOX(k)];
            ir[MF_PLC_IR_MBOX(k) + MF_PLC_MBOXR_OWNER + 1] = hr[MF_PLC_HR_MBOX(k) + 1];
        }
        mb_fake_unlock(e->r->fake);
    }
    return NULL;
}

/* 2. A normal answer to the claim means the mailbox is ours: an echo a scan
 * late is no "mailbox lost", no second claim. */
static void test_late_echo_is_not_a_lost_mailbox(void **state)
{
    plc_rig_t *r = plc_create();
    r->plc.late_echo = true;
    echo_thread_t e = {.r = r, .delay_ms = 400};
    pthread_t t;
    pthread_create(&t, NULL, echo_thread, &e);
    line_drv_t *d = drv_on(r, 10, 3000);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 1000));
    for (int i = 0; i < 5; i++) {
        uint32_t tag;
        line_event_t ev;
        assert_int_equal(line_drv_submit_order(d, MF_COLOUR_BLUE, false, &tag), 0);
        assert_true(wait_result(d, tag, &ev, 3000));
        assert_int_equal(ev.result, LINE_RESULT_ACCEPTED);
    }
    mb_fake_lock(r->fake);
    int claims = r->plc.claims, handled = r->plc.handled;
    mb_fake_unlock(r->fake);
    assert_int_equal(claims, 1);
    assert_int_equal(handled, 5);
    atomic_store(&e.stop, 1);
    pthread_join(t, NULL);
    line_drv_destroy(d);
    plc_destroy(r);
}

/* 6. More pieces finished between two reads than the ring holds: counted. */
static void test_missed_pieces_counted(void **state)
{
    plc_rig_t *r = plc_create();
    set_ir(r, MF_PLC_IR_FINISHED + 1, 5);
    line_drv_t *d = drv_on(r, 10, 3000);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 1000));
    tu_sleep_ms(50);
    line_event_t ev;
    while (line_drv_poll_event(d, &ev)) {
    }
    set_ir(r, MF_PLC_IR_FINISHED + 1, 45);
    line_snapshot_t s;
    assert_true(TU_WAIT((line_drv_snapshot(d, &s), s.finished == 45), 1000));
    tu_sleep_ms(50);
    int finished = 0;
    uint32_t missed = 0;
    while (line_drv_poll_event(d, &ev)) {
        finished += ev.kind == LINE_EV_PIECE_FINISHED;
        if (ev.kind == LINE_EV_PIECES_MISSED)
            missed += ev.count;
    }
    assert_int_equal(finished, MF_PLC_FINISHED_SLOTS);
    assert_int_equal(missed, 24);
    line_drv_snapshot(d, &s);
    assert_int_equal(s.missed_pieces, 24);
    line_drv_destroy(d);
    plc_destroy(r);
}

/* 7. Stale follows the age of the last complete read at any moment, also
 * while a slow read is under way. */
static void test_stale_follows_age(void **state)
{
    plc_rig_t *r = plc_create();
    line_drv_t *d = drv_on(r, 10, 3000); /* stale_ms 300 */
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 1000));
    mb_fake_set_delay_ms(r->fake, 150); /* one read of 4 requests: 600 ms */
    long long end = tu_now_ms() + 2500;
    int checked = 0, seen_stale = 0;
    while (tu_now_ms() < end) {
        line_snapshot_t s;
        line_drv_snapshot(d, &s);
        long long age = tu_now_ms() - s.last_good_ms;
        if (age > 320) {
            assert_true(s.stale);
            seen_stale++;
        } else if (age < 280) {
            assert_false(s.stale);
        }
        checked++;
        tu_sleep_ms(10);
    }
    assert_true(seen_stale > 0 && checked > 100);
    mb_fake_set_delay_ms(r->fake, 0);
    line_drv_destroy(d);
    plc_destroy(r);
}

/* CANCEL: accepted for a queued order (and the cancellation comes as an
 * event with its id, for the visitor's tracking screen), refused in words for
 * one on the line or an unknown one; ACK of one alarm carries its code,
 * station and colour; ACK of all carries zeros; reconnect drops the link and
 * connects again at once. */
static void test_cancel_ack_one_reconnect(void **state)
{
    plc_rig_t *r = plc_create();
    line_drv_t *d = drv_on(r, 10, 2000);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 1000));
    uint32_t tag;
    line_event_t ev;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(line_drv_submit_order(d, MF_COLOUR_RED, false, &tag), 0);
        assert_true(wait_result(d, tag, &ev, 2000));
        assert_int_equal(ev.result, LINE_RESULT_ACCEPTED);
    }
    mb_fake_lock(r->fake);
    r->plc.in_production = 1;
    mb_fake_unlock(r->fake);

    skipped_kinds = 0;
    assert_int_equal(line_drv_cancel_order(d, 2, &tag), 0);
    uint32_t cancelled_id = 0, cancelled_count = 0;
    bool answered = false;
    long long end = tu_now_ms() + 2000;
    while (tu_now_ms() < end && !(answered && cancelled_id)) {
        if (!line_drv_poll_event(d, &ev)) {
            tu_sleep_ms(2);
            continue;
        }
        if (ev.kind == LINE_EV_ORDER_CANCELLED) {
            cancelled_id = ev.order;
            cancelled_count = ev.count;
        } else if (ev.kind == LINE_EV_RESULT && ev.tag == tag) {
            answered = true;
            assert_int_equal(ev.cmd, LINE_CMD_CANCEL);
            assert_int_equal(ev.result, LINE_RESULT_ACCEPTED);
        }
    }
    assert_true(answered);
    assert_int_equal(cancelled_id, 2u);
    assert_int_equal(cancelled_count, 1u);
    line_snapshot_t s;
    line_drv_snapshot(d, &s);
    assert_int_equal(s.cancelled, 1);
    assert_int_equal(s.last_cancelled, 2u);

    assert_int_equal(line_drv_cancel_order(d, 1, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 2000));
    assert_int_equal(ev.result, LINE_RESULT_REFUSED);
    assert_int_equal(ev.plc_result, MF_PLC_RES_IN_PRODUCTION);
    assert_string_equal(ev.text, "in production, cannot be cancelled");
    assert_int_equal(line_drv_cancel_order(d, 2, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 2000));
    assert_int_equal(ev.result, LINE_RESULT_REFUSED);
    assert_int_equal(ev.plc_result, MF_PLC_RES_NO_ORDER);
    assert_string_equal(ev.text,
                        "no such order in the queue (already finished, cancelled or unknown)");
    assert_string_equal(line_cmd_name(LINE_CMD_CANCEL), "cancel order");

    assert_int_equal(line_drv_ack_alarm(d, MF_ALARM_JAM, MF_STATION_PRESS, 0, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 2000));
    assert_int_equal(ev.result, LINE_RESULT_ACCEPTED);
    assert_int_equal(ev.cmd, LINE_CMD_ACK);
    mb_fake_lock(r->fake);
    uint16_t a0 = r->plc.ack_args[0], a1 = r->plc.ack_args[1], a2 = r->plc.ack_args[2];
    mb_fake_unlock(r->fake);
    assert_int_equal(a0, MF_ALARM_JAM);
    assert_int_equal(a1, MF_STATION_PRESS);
    assert_int_equal(a2, 0);
    assert_int_equal(line_drv_ack(d, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 2000));
    mb_fake_lock(r->fake);
    a0 = r->plc.ack_args[0];
    int acks = r->plc.acks;
    mb_fake_unlock(r->fake);
    assert_int_equal(a0, 0);
    assert_int_equal(acks, 2);

    /* Reconnect: the link closes and opens again at once (counted). */
    line_drv_snapshot(d, &s);
    int before = s.reconnects;
    line_drv_reconnect(d);
    assert_true(TU_WAIT(
        (line_drv_snapshot(d, &s), s.reconnects == before + 1 && s.conn == LINE_CONN_CONNECTED),
        1000));
    assert_int_equal(mb_fake_open_links(r->fake), 1);
    line_drv_destroy(d);
    plc_destroy(r);
}

int main(void)
{
    mf_log_set_level(MF_LOG_OFF);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u32_packing),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_pure_helpers),
        cmocka_unit_test(test_submit_and_refuse),
        cmocka_unit_test(test_request_carries_token),
        cmocka_unit_test(test_faults_keep_connection_or_recover),
        cmocka_unit_test(test_disconnect_nth_call_and_back),
        cmocka_unit_test(test_never_blocks_caller),
        cmocka_unit_test(test_two_drivers_one_plc),
        cmocka_unit_test(test_alarm_words),
        cmocka_unit_test(test_incompatible_map_refused),
        cmocka_unit_test(test_exception_is_misconfigured_and_clears),
        cmocka_unit_test(test_no_free_slot),
        cmocka_unit_test(test_late_echo_is_not_a_lost_mailbox),
        cmocka_unit_test(test_missed_pieces_counted),
        cmocka_unit_test(test_stale_follows_age),
        cmocka_unit_test(test_cancel_ack_one_reconnect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
