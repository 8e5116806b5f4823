/*
 * test_plc_model.c - sim.plc_model: the line PLC's program driven directly,
 * time as an input (no sleeping): orders flow station by station, engraving
 * handshake and its timeout, alarms and the PackML life cycle, the mailbox
 * rules of REGISTERS.md (claim, refusal, retry, lease), reproducible rejects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "line_regmap.h"
#include "mf_error.h"
#include "plc_model.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    plc_model_t *m;
    uint64_t now;
    plc_regs_t r;
} fixture_t;

static plc_model_t *make(uint64_t seed, unsigned reject_permille, double speed)
{
    plc_model_config_t cfg;
    plc_model_config_default(&cfg);
    cfg.seed = seed;
    cfg.reject_permille = reject_permille;
    cfg.speed = speed;
    cfg.engrave_timeout_s = 10;
    plc_model_t *m = plc_model_create(&cfg, 1000);
    assert_non_null(m);
    return m;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->m = make(7, 0, 1.0);
    f->now = 1000;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    plc_model_destroy(f->m);
    free(f);
    return 0;
}

/* Advances real time by ms in 10 ms scans. */
static void run(fixture_t *f, uint64_t ms)
{
    for (uint64_t t = 0; t < ms; t += 10) {
        f->now += 10;
        plc_model_step(f->m, f->now);
    }
    plc_model_render(f->m, &f->r);
}

static int cmd(fixture_t *f, mf_plc_cmd_t c, uint16_t a0, uint16_t a1, uint16_t a2, uint32_t *id)
{
    uint16_t args[4] = {a0, a1, a2, 0};
    return plc_model_command(f->m, c, args, f->now, id);
}

static void start_line(fixture_t *f)
{
    assert_int_equal(cmd(f, MF_PLC_CMD_RESET, 0, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 2100);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_IDLE);
    assert_int_equal(cmd(f, MF_PLC_CMD_START, 0, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 1100);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_EXECUTE);
}

static void test_start_needs_reset(void **state)
{
    fixture_t *f = *state;
    run(f, 10);
    assert_int_equal(f->r.ir[MF_PLC_IR_MAP_VERSION], MF_PLC_MAP_VERSION);
    assert_int_equal(f->r.ir[MF_PLC_IR_LINE_STATE], MF_PACKML_STOPPED);
    assert_int_equal(f->r.ir[MF_PLC_IR_LINE_MODE], MF_MODE_AUTO); /* (d) power-up: auto */
    assert_int_equal(cmd(f, MF_PLC_CMD_START, 0, 0, 0, NULL), MF_PLC_RES_BAD_STATE);
    start_line(f);
    assert_int_equal(f->r.di[MF_PLC_DI_RUNNING], 1);
    assert_int_equal(cmd(f, MF_PLC_CMD_STOP, 0, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 20);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_STOPPED);
}

static void test_order_is_delivered(void **state)
{
    fixture_t *f = *state;
    start_line(f);
    uint32_t id = 0;
    assert_int_equal(cmd(f, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_BLUE, 0, 0, &id), MF_PLC_RES_OK);
    assert_int_equal(id, 1);
    run(f, 20);
    assert_int_equal(f->r.ir[MF_PLC_IR_MAGAZINE(MF_COLOUR_BLUE)], MF_PLC_MAGAZINE_FULL - 1);
    const uint16_t *st2 = &f->r.ir[MF_PLC_IR_STATION(MF_STATION_STORE)];
    assert_int_equal(st2[MF_PLC_ST_STATE], MF_PACKML_EXECUTE);
    assert_int_equal(mf_regmap_get_u32(&st2[MF_PLC_ST_ORDER]), 1);
    assert_int_equal(st2[MF_PLC_ST_COLOUR], MF_COLOUR_BLUE);
    assert_int_equal(f->r.di[MF_PLC_DI_PART_PRESENT(MF_STATION_STORE)], 1);

    /* Sum of nominal cycles: 11 + 9 + 7 + 13 + 8 + 10 = 58 line seconds. */
    run(f, 57000);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_GOOD]), 0);
    run(f, 1500);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_GOOD]), 1);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_FINISHED]), 1);
    const uint16_t *fin = &f->r.ir[MF_PLC_IR_FINISHED_LOG(0)];
    assert_int_equal(mf_regmap_get_u32(&fin[MF_PLC_F_ORDER]), 1);
    assert_int_equal(fin[MF_PLC_F_OUTCOME], MF_PLC_OUTCOME_DELIVERED);
    const uint16_t *st7 = &f->r.ir[MF_PLC_IR_STATION(MF_STATION_PACK)];
    assert_int_equal(mf_regmap_get_u32(&st7[MF_PLC_ST_CYCLES]), 1);
    assert_int_equal(st7[MF_PLC_ST_LAST_CYCLE], 100);
}

static void test_pallets_queue_behind_a_slow_station(void **state)
{
    fixture_t *f = *state;
    start_line(f);
    for (int i = 0; i < 3; i++)
        assert_int_equal(cmd(f, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_RED, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 10);
    assert_int_equal(f->r.ir[MF_PLC_IR_QUEUE_LEN], 2);
    run(f, 200000);
    assert_int_equal(plc_model_good(f->m), 3);
    /* Robot (13 s) is the bottleneck: its mean cycle >= nominal. */
    const uint16_t *st5 = &f->r.ir[MF_PLC_IR_STATION(MF_STATION_ROBOT)];
    assert_true(st5[MF_PLC_ST_AVG_CYCLE] >= 130);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_FINISHED]), 3);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_FINISHED_LOG(i)]), i + 1);
}

static void test_engraving_handshake_and_timeout(void **state)
{
    fixture_t *f = *state;
    start_line(f);
    uint32_t a = 0, b = 0;
    cmd(f, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_GREEN, 1, 0, &a);
    run(f, 26000); /* store 11 + press 9 + 5 s into station 4 */
    assert_int_equal(f->r.di[MF_PLC_DI_ENGRAVE_WAITING], 1);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_ENGRAVE_ORDER]), a);
    assert_int_equal(f->r.ir[MF_PLC_IR_STATION(MF_STATION_ENGRAVE) + MF_PLC_ST_STATE],
                     MF_PACKML_HELD);
    assert_true(f->r.ir[MF_PLC_IR_ENGRAVE_LEFT_S] > 0);
    /* Wrong id: refused; right id: released. */
    assert_int_equal(cmd(f, MF_PLC_CMD_ENGRAVE_DONE, 0, (uint16_t)(a + 5), MF_PLC_ENGRAVE_OK, NULL),
                     MF_PLC_RES_NO_ORDER);
    assert_int_equal(cmd(f, MF_PLC_CMD_ENGRAVE_DONE, 0, (uint16_t)a, MF_PLC_ENGRAVE_OK, NULL),
                     MF_PLC_RES_OK);
    run(f, 10);
    assert_int_equal(f->r.di[MF_PLC_DI_ENGRAVE_WAITING], 0);

    /* Second piece: nobody answers -> ENGRAVER_TIMEOUT after 10 s, ACK sends
     * the piece on as failed, quality rejects it. */
    cmd(f, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_GREEN, 1, 0, &b);
    run(f, 40000);
    assert_int_equal(f->r.di[MF_PLC_DI_ENGRAVE_WAITING], 1);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_ENGRAVE_ORDER]), b);
    assert_true(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_ALARM_MASK]) &
                (1u << MF_ALARM_ENGRAVER_TIMEOUT));
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_CODE], MF_ALARM_ENGRAVER_TIMEOUT);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_STATION], MF_STATION_ENGRAVE);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_EXECUTE); /* a hold, not an abort */
    assert_int_equal(cmd(f, MF_PLC_CMD_ACK, 0, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 60000);
    assert_int_equal(plc_model_good(f->m), 1);
    assert_int_equal(plc_model_rejected(f->m), 1);
    assert_int_equal(plc_model_alarm_count(f->m), 0);
}

static void test_estop_aborts_until_released_and_reset(void **state)
{
    fixture_t *f = *state;
    start_line(f);
    cmd(f, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_RED, 0, 0, NULL);
    run(f, 3000);
    plc_model_set_estop(f->m, 1, f->now);
    run(f, 600);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_ABORTED);
    assert_int_equal(f->r.di[MF_PLC_DI_ESTOP], 1);
    assert_int_equal(f->r.ir[MF_PLC_IR_TOP_ALARM], MF_ALARM_ESTOP);
    assert_int_equal(f->r.ir[MF_PLC_IR_STATION(MF_STATION_STORE)], MF_PACKML_ABORTED);
    assert_int_equal(cmd(f, MF_PLC_CMD_RESET, 0, 0, 0, NULL), MF_PLC_RES_ESTOP);
    assert_int_equal(cmd(f, MF_PLC_CMD_START, 0, 0, 0, NULL), MF_PLC_RES_ESTOP);
    /* The piece does not move while aborted. */
    uint16_t progress = f->r.ir[MF_PLC_IR_STATION(MF_STATION_STORE) + MF_PLC_ST_PROGRESS];
    run(f, 5000);
    assert_int_equal(f->r.ir[MF_PLC_IR_STATION(MF_STATION_STORE) + MF_PLC_ST_PROGRESS], progress);
    plc_model_set_estop(f->m, 0, f->now);
    run(f, 10);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_ABORTED);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_FLAGS], MF_PLC_ALARM_F_UNACKED);
    assert_int_equal(cmd(f, MF_PLC_CMD_RESET, 0, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 3100);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_IDLE);
    assert_int_equal(plc_model_alarm_count(f->m), 0);
    assert_int_equal(cmd(f, MF_PLC_CMD_START, 0, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 70000);
    assert_int_equal(plc_model_good(f->m), 1);
}

static void test_fault_needs_clear_ack_reset(void **state)
{
    fixture_t *f = *state;
    start_line(f);
    assert_int_equal(plc_model_set_fault(f->m, MF_ALARM_JAM, 3, 1, f->now), 0);
    assert_int_not_equal(plc_model_set_fault(f->m, MF_ALARM_JAM, 9, 1, f->now), 0);
    run(f, 600);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_ABORTED);
    assert_int_equal(f->r.ir[MF_PLC_IR_STATION(3) + MF_PLC_ST_ALARM], MF_ALARM_JAM);
    assert_int_equal(cmd(f, MF_PLC_CMD_RESET, 0, 0, 0, NULL), MF_PLC_RES_BAD_STATE);
    plc_model_set_fault(f->m, MF_ALARM_JAM, 3, 0, f->now);
    assert_int_equal(cmd(f, MF_PLC_CMD_ACK, 0, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 1100);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_STOPPED);
    start_line(f);
}

static void test_magazine_empty_holds_until_refill(void **state)
{
    fixture_t *f = *state;
    start_line(f);
    plc_model_set_magazine(f->m, MF_COLOUR_YELLOW, 0);
    cmd(f, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_YELLOW, 0, 0, NULL);
    run(f, 100);
    assert_int_equal(f->r.di[MF_PLC_DI_MAGAZINE_EMPTY(MF_COLOUR_YELLOW)], 1);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_CODE], MF_ALARM_MAGAZINE_EMPTY);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_PARAM], MF_COLOUR_YELLOW);
    assert_int_equal(f->r.ir[MF_PLC_IR_STATION(MF_STATION_STORE)], MF_PACKML_HELD);
    assert_int_equal(f->r.ir[MF_PLC_IR_QUEUE_LEN], 1);
    assert_int_equal(cmd(f, MF_PLC_CMD_REFILL, 9, 0, 0, NULL), MF_PLC_RES_BAD_ARG);
    assert_int_equal(cmd(f, MF_PLC_CMD_REFILL, MF_COLOUR_YELLOW, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 100);
    assert_int_equal(f->r.ir[MF_PLC_IR_QUEUE_LEN], 0);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_FLAGS], MF_PLC_ALARM_F_UNACKED);
    cmd(f, MF_PLC_CMD_ACK, 0, 0, 0, NULL);
    assert_int_equal(plc_model_alarm_count(f->m), 0);
}

static void test_submit_refusals(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(cmd(f, MF_PLC_CMD_SUBMIT_ORDER, 0, 0, 0, NULL), MF_PLC_RES_BAD_ARG);
    assert_int_equal(cmd(f, MF_PLC_CMD_SUBMIT_ORDER, 7, 0, 0, NULL), MF_PLC_RES_BAD_ARG);
    assert_int_equal(cmd(f, MF_PLC_CMD_SUBMIT_ORDER, 1, 2, 0, NULL), MF_PLC_RES_BAD_ARG);
    for (int i = 0; i < MF_PLC_QUEUE_CAP; i++)
        assert_int_equal(cmd(f, MF_PLC_CMD_SUBMIT_ORDER, 1, 0, 0, NULL), MF_PLC_RES_OK);
    assert_int_equal(cmd(f, MF_PLC_CMD_SUBMIT_ORDER, 1, 0, 0, NULL), MF_PLC_RES_QUEUE_FULL);
    run(f, 10);
    assert_int_equal(f->r.di[MF_PLC_DI_QUEUE_FULL], 1);
    assert_int_equal(cmd(f, (mf_plc_cmd_t)99, 0, 0, 0, NULL), MF_PLC_RES_BAD_COMMAND);
    assert_int_equal(cmd(f, MF_PLC_CMD_SET_MODE, 4, 0, 0, NULL), MF_PLC_RES_BAD_ARG);
    assert_int_equal(cmd(f, MF_PLC_CMD_SET_MODE, MF_MODE_MANUAL, 0, 0, NULL), MF_PLC_RES_OK);
    start_line(f);
    assert_int_equal(cmd(f, MF_PLC_CMD_SET_MODE, MF_MODE_AUTO, 0, 0, NULL), MF_PLC_RES_BAD_STATE);
    run(f, 20000);
    assert_int_equal(f->r.ir[MF_PLC_IR_QUEUE_LEN], MF_PLC_QUEUE_CAP); /* manual: none started */
}

/* ---- mailboxes ---------------------------------------------------------- */

static int hr_write(fixture_t *f, unsigned addr, unsigned n, const uint16_t *v)
{
    int rc = plc_model_write_holding(f->m, addr, n, v, f->now);
    plc_model_render(f->m, &f->r);
    return rc;
}

static void test_mailbox_claim_is_exclusive(void **state)
{
    fixture_t *f = *state;
    const uint16_t a[2] = {0xAAAA, 0x0001}, b[2] = {0xBBBB, 0x0002};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(2), 2, a), 0);
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(2), 2, b), 6);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_MBOX(2) + MF_PLC_MBOXR_OWNER]),
                     0xAAAA0001u);
    assert_int_equal(f->r.hr[MF_PLC_HR_MBOX(2)], 0xAAAA);
    /* Same token again: accepted (a retried claim). */
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(2), 2, a), 0);
    /* Half an owner, a free mailbox's request, out of the table. */
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(2) + 1, 1, &b[1]), 3);
    const uint16_t req[6] = {1, MF_PLC_CMD_SUBMIT_ORDER, 1, 0, 0, 0};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(3) + 2, 6, req), 3);
    assert_int_equal(hr_write(f, MF_PLC_HR_COUNT - 1, 2, req), 2);
    /* A write spanning mailbox 2's request and a claim of mailbox 3 that is
     * taken is refused whole: nothing of it applied. */
    const uint16_t c3[2] = {0xCCCC, 3};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(3), 2, c3), 0);
    uint16_t span[8] = {1, MF_PLC_CMD_SUBMIT_ORDER, 1, 0, 0, 0, 0xDDDD, 4};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(2) + 2, 8, span), 2);
    assert_int_equal(f->r.ir[MF_PLC_IR_MBOX(2) + MF_PLC_MBOXR_ACK_SEQ], 0);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_SUBMITTED]), 0);
    /* (b) A write spanning two mailboxes is refused (exception 2) even when
     * both are the writer's. */
    uint16_t both[4] = {0xAAAA, 1, 0xAAAA, 1};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(2) + 6, 4, both), 2);
    /* (a) Only the owner frees a mailbox: zeros answer exception 6, a
     * RELEASE without the token exception 3, RELEASE with it frees. */
    const uint16_t zero[2] = {0, 0};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(2), 2, zero), 6);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_MBOX(2) + MF_PLC_MBOXR_OWNER]),
                     0xAAAA0001u);
    const uint16_t rel_no_token[2] = {7, MF_PLC_CMD_RELEASE};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(2) + MF_PLC_MBOX_SEQ, 2, rel_no_token), 3);
    const uint16_t rel_other[8] = {0xBBBB, 2, 7, MF_PLC_CMD_RELEASE, 0, 0, 0, 0};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(2), 8, rel_other), 6);
    const uint16_t rel[8] = {0xAAAA, 1, 7, MF_PLC_CMD_RELEASE, 0, 0, 0, 0};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(2), 8, rel), 0);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_MBOX(2) + MF_PLC_MBOXR_OWNER]), 0);
    assert_int_equal(f->r.ir[MF_PLC_IR_MBOX(2) + MF_PLC_MBOXR_ACK_SEQ], 0);
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(2), 2, zero), 0); /* free: no-op */
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(2), 2, b), 0);
}

static void test_mailbox_requests_and_retries(void **state)
{
    fixture_t *f = *state;
    const uint16_t ta[2] = {0x1000, 1}, tb[2] = {0x2000, 2};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(0), 2, ta), 0);
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(1), 2, tb), 0);
    /* Interleaved requests from two clients. */
    uint16_t ra[6] = {5, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_RED, 1, 0, 0};
    uint16_t rb[6] = {9, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_BLUE, 0, 0, 0};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(0) + 2, 6, ra), 0);
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(1) + 2, 6, rb), 0);
    const uint16_t *aa = &f->r.ir[MF_PLC_IR_MBOX(0)], *ab = &f->r.ir[MF_PLC_IR_MBOX(1)];
    assert_int_equal(aa[MF_PLC_MBOXR_ACK_SEQ], 5);
    assert_int_equal(aa[MF_PLC_MBOXR_RESULT], MF_PLC_RES_OK);
    assert_int_equal(mf_regmap_get_u32(&aa[MF_PLC_MBOXR_ORDER]), 1);
    assert_int_equal(ab[MF_PLC_MBOXR_ACK_SEQ], 9);
    assert_int_equal(mf_regmap_get_u32(&ab[MF_PLC_MBOXR_ORDER]), 2);
    /* Retry with the same SEQ: nothing new. */
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(0) + 2, 6, ra), 0);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_SUBMITTED]), 2);
    assert_int_equal(aa[MF_PLC_MBOXR_HANDLED], 1);
    /* New SEQ, refused command, answer echoes it. */
    ra[0] = 6;
    ra[2] = 42;
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(0) + 2, 6, ra), 0);
    assert_int_equal(aa[MF_PLC_MBOXR_ACK_SEQ], 6);
    assert_int_equal(aa[MF_PLC_MBOXR_RESULT], MF_PLC_RES_BAD_ARG);
    assert_int_equal(mf_regmap_get_u32(&aa[MF_PLC_MBOXR_ORDER]), 0);
    /* Single-register writes (FC06) build a request; SEQ last triggers it. */
    uint16_t v = MF_PLC_CMD_RESET;
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(1) + MF_PLC_MBOX_CMD, 1, &v), 0);
    v = 10;
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(1) + MF_PLC_MBOX_SEQ, 1, &v), 0);
    assert_int_equal(ab[MF_PLC_MBOXR_ACK_SEQ], 10);
    assert_int_equal(ab[MF_PLC_MBOXR_RESULT], MF_PLC_RES_OK);
    run(f, 10);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_RESETTING);
}

static void test_mailbox_request_with_token(void **state)
{
    fixture_t *f = *state;
    /* The recommended request: token + SEQ + CMD + ARGs in one write. */
    uint16_t mine[8] = {0x5000, 5, 1, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_BLACK, 0, 0, 0};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(6), 8, mine), 0); /* claims and submits */
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_MBOX(6) + MF_PLC_MBOXR_ORDER]), 1);
    /* A client that lost mailbox 6 without noticing: refused, nothing done. */
    uint16_t stale[8] = {0x6000, 6, 1, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_RED, 0, 0, 0};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(6), 8, stale), 6);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_SUBMITTED]), 1);
    assert_int_equal(f->r.ir[MF_PLC_IR_MBOX(6) + MF_PLC_MBOXR_ACK_SEQ], 1);
    mine[2] = 2;
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(6), 8, mine), 0);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_MBOX(6) + MF_PLC_MBOXR_ORDER]), 2);
    /* A zero owner with a request into an owned mailbox: not the owner. */
    uint16_t release[8] = {0, 0, 3, MF_PLC_CMD_ACK, 0, 0, 0, 0};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(6), 8, release), 6);
    /* ... and into a free one: releasing and requesting at once. */
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(5), 8, release), 3);
}

static void test_mailbox_lease_expires(void **state)
{
    fixture_t *f = *state;
    const uint16_t t[2] = {0x3000, 3};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(4), 2, t), 0);
    run(f, (MF_PLC_MBOX_LEASE_S - 1) * 1000);
    assert_int_equal(f->r.ir[MF_PLC_IR_MBOX(4) + MF_PLC_MBOXR_LEASE_S], 1);
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(4), 2, t), 0); /* renew */
    run(f, (MF_PLC_MBOX_LEASE_S - 1) * 1000);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_MBOX(4) + MF_PLC_MBOXR_OWNER]),
                     0x30000003u);
    run(f, 2000);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_MBOX(4) + MF_PLC_MBOXR_OWNER]), 0);
    const uint16_t other[2] = {0x4000, 4};
    assert_int_equal(hr_write(f, MF_PLC_HR_MBOX(4), 2, other), 0);
}

/* ---- quality ------------------------------------------------------------ */

static void outcomes(uint64_t seed, char *out, size_t n)
{
    fixture_t f = {.m = make(seed, 300, 50.0), .now = 1000};
    start_line(&f);
    for (size_t i = 0; i < n; i++)
        cmd(&f, MF_PLC_CMD_SUBMIT_ORDER, 1 + (uint16_t)(i % 6), 0, 0, NULL);
    for (int guard = 0; plc_model_good(f.m) + plc_model_rejected(f.m) < n && guard < 100; guard++) {
        run(&f, 1000);
        cmd(&f, MF_PLC_CMD_ACK, 0, 0, 0, NULL); /* repeated rejects hold quality */
    }
    assert_int_equal(plc_model_good(f.m) + plc_model_rejected(f.m), n);
    for (size_t i = 0; i < n; i++) {
        const uint16_t *e = &f.r.ir[MF_PLC_IR_FINISHED_LOG(i)];
        out[i] = e[MF_PLC_F_OUTCOME] == MF_PLC_OUTCOME_DELIVERED ? 'g' : 'r';
    }
    out[n] = '\0';
    plc_model_destroy(f.m);
}

static void test_rejects_reproducible_by_seed(void **state)
{
    (void)state;
    char a[17], b[17], c[17];
    outcomes(11, a, 16);
    outcomes(11, b, 16);
    outcomes(12345, c, 16);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_non_null(strchr(a, 'r')); /* 30 %: some rejects ... */
    assert_non_null(strchr(a, 'g')); /* ... and some good pieces */
}

static void test_speed_scales_line_time(void **state)
{
    (void)state;
    fixture_t f = {.m = make(1, 0, 10.0), .now = 1000};
    start_line(&f); /* 2 + 1 line seconds took 0.3 real seconds: run() checks above */
    cmd(&f, MF_PLC_CMD_SUBMIT_ORDER, 1, 0, 0, NULL);
    run(&f, 5900);
    assert_int_equal(plc_model_good(f.m), 1);
    assert_int_equal(f.r.ir[MF_PLC_IR_SPEED_PCT], 1000);
    assert_int_equal(plc_model_set_speed(f.m, 0.0, f.now), MF_EINVAL);
    plc_model_destroy(f.m);
}

/* ---- REGISTERS.md decisions (c) to (h) ---------------------------------- */

/* The states of the command table (REGISTERS.md (c)), and how to reach each
 * from power-up. */
typedef enum {
    ST_STOPPED,
    ST_RESETTING,
    ST_IDLE,
    ST_STARTING,
    ST_EXECUTE,
    ST_STOPPING,
    ST_ABORTING,
    ST_ABORTED_CAUSE,
    ST_ABORTED_CLEAR,
    ST_ABORTED_ESTOP,
    ST_CLEARING,
    ST_COUNT
} table_state_t;

static void reach(fixture_t *f, table_state_t st)
{
    if (st == ST_STOPPED)
        return;
    cmd(f, MF_PLC_CMD_RESET, 0, 0, 0, NULL);
    run(f, st == ST_RESETTING ? 10 : 2100);
    if (st == ST_RESETTING || st == ST_IDLE)
        return;
    cmd(f, MF_PLC_CMD_START, 0, 0, 0, NULL);
    run(f, st == ST_STARTING ? 10 : 1100);
    if (st == ST_STARTING || st == ST_EXECUTE)
        return;
    if (st == ST_STOPPING) {
        cmd(f, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_RED, 0, 0, NULL);
        run(f, 1000);
        cmd(f, MF_PLC_CMD_STOP, 0, 0, 0, NULL);
        run(f, 10);
        return;
    }
    if (st == ST_ABORTED_ESTOP)
        plc_model_set_estop(f->m, 1, f->now);
    else
        plc_model_set_fault(f->m, MF_ALARM_JAM, 3, 1, f->now);
    run(f, st == ST_ABORTING ? 10 : 600);
    if (st == ST_ABORTED_CLEAR || st == ST_CLEARING)
        plc_model_set_fault(f->m, MF_ALARM_JAM, 3, 0, f->now);
    if (st == ST_CLEARING) {
        cmd(f, MF_PLC_CMD_ACK, 0, 0, 0, NULL);
        run(f, 10);
    }
}

static void test_command_table(void **state)
{
    (void)state;
    static const mf_packml_state_t expect_state[ST_COUNT] = {
        MF_PACKML_STOPPED, MF_PACKML_RESETTING, MF_PACKML_IDLE,     MF_PACKML_STARTING,
        MF_PACKML_EXECUTE, MF_PACKML_STOPPING,  MF_PACKML_ABORTING, MF_PACKML_ABORTED,
        MF_PACKML_ABORTED, MF_PACKML_ABORTED,   MF_PACKML_CLEARING};
    enum { OK = MF_PLC_RES_OK, BS = MF_PLC_RES_BAD_STATE, ES = MF_PLC_RES_ESTOP };
    /* Rows: START, STOP, RESET, ACK, SET_MODE, SUBMIT_ORDER; columns as
     * table_state_t. The same table is in REGISTERS.md. */
    static const mf_plc_cmd_t cmds[] = {MF_PLC_CMD_START,    MF_PLC_CMD_STOP,
                                        MF_PLC_CMD_RESET,    MF_PLC_CMD_ACK,
                                        MF_PLC_CMD_SET_MODE, MF_PLC_CMD_SUBMIT_ORDER};
    static const int table[6][ST_COUNT] = {
        /*            Stop Rst Idle Strt Exe Stpg Abtg AbC AbCl AbE Clr */
        /* START  */ {BS, BS, OK, OK, OK, BS, BS, BS, BS, ES, BS},
        /* STOP   */ {OK, OK, OK, OK, OK, OK, BS, BS, BS, BS, BS},
        /* RESET  */ {OK, OK, OK, BS, BS, BS, BS, BS, OK, ES, OK},
        /* ACK    */ {OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK},
        /* MODE   */ {OK, OK, OK, BS, BS, BS, OK, OK, OK, OK, OK},
        /* SUBMIT */ {OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK},
    };
    for (int c = 0; c < 6; c++) {
        for (int st = 0; st < ST_COUNT; st++) {
            fixture_t f = {.m = make(7, 0, 1.0), .now = 1000};
            reach(&f, (table_state_t)st);
            assert_int_equal(plc_model_line_state(f.m), expect_state[st]);
            uint16_t a0 = cmds[c] == MF_PLC_CMD_SET_MODE       ? MF_MODE_MAINTENANCE
                          : cmds[c] == MF_PLC_CMD_SUBMIT_ORDER ? MF_COLOUR_BLUE
                                                               : 0;
            int r = cmd(&f, cmds[c], a0, 0, 0, NULL);
            if (r != table[c][st])
                print_error("command %d in state %d: %d, table says %d\n", cmds[c], st, r,
                            table[c][st]);
            assert_int_equal(r, table[c][st]);
            plc_model_destroy(f.m);
        }
    }
}

/* (c) ACK with the cause still present: acknowledged, still active, the line
 * stays Aborted. */
static void test_ack_with_cause_present(void **state)
{
    fixture_t *f = *state;
    reach(f, ST_ABORTED_CAUSE);
    assert_int_equal(cmd(f, MF_PLC_CMD_ACK, 0, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 2000);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_ABORTED);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_COUNT], 1);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_FLAGS], MF_PLC_ALARM_F_ACTIVE);
    assert_int_equal(f->r.di[MF_PLC_DI_ALARM_UNACKED], 0);
}

/* (e) The engraving timeout counts only while the line is in Execute. */
static void test_engrave_timeout_paused_while_stopped(void **state)
{
    fixture_t *f = *state; /* engrave timeout 10 s */
    start_line(f);
    uint32_t a = 0;
    cmd(f, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_GREEN, 1, 0, &a);
    run(f, 26000);
    assert_int_equal(f->r.di[MF_PLC_DI_ENGRAVE_WAITING], 1);
    run(f, 4000);
    uint16_t left = f->r.ir[MF_PLC_IR_ENGRAVE_LEFT_S];
    assert_true(left >= 5 && left <= 7);
    /* (g) STOP with a held station: Stopped at once, the piece stays held. */
    assert_int_equal(cmd(f, MF_PLC_CMD_STOP, 0, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 100);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_STOPPED);
    run(f, 30000);
    assert_int_equal(f->r.ir[MF_PLC_IR_ENGRAVE_LEFT_S], left); /* frozen */
    assert_int_equal(f->r.di[MF_PLC_DI_ENGRAVE_WAITING], 1);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_ENGRAVE_ORDER]), a);
    assert_int_equal(plc_model_alarm_count(f->m), 0);
    /* Back in Execute it runs again and times out. */
    start_line(f);
    run(f, (uint64_t)left * 1000u + 500u);
    assert_true(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_ALARM_MASK]) &
                (1u << MF_ALARM_ENGRAVER_TIMEOUT));
    /* A late ENGRAVE_DONE is still accepted, and clears the cause. */
    assert_int_equal(cmd(f, MF_PLC_CMD_ENGRAVE_DONE, 0, (uint16_t)a, MF_PLC_ENGRAVE_OK, NULL),
                     MF_PLC_RES_OK);
    run(f, 60000);
    assert_int_equal(plc_model_good(f->m), 1);
}

/* (f) A rejected piece leaves the line at quality control; the rejects-in-
 * a-row count restarts after the ACK that releases the hold. (h) The alarm
 * raised again reuses its entry. */
static void test_rejects_and_reraised_alarm(void **state)
{
    fixture_t *f = *state;
    plc_model_destroy(f->m);
    f->m = make(7, 1000, 1.0); /* every piece rejected */
    start_line(f);
    for (int i = 0; i < 3; i++)
        cmd(f, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_RED, 0, 0, NULL);
    run(f, 120000);
    assert_int_equal(plc_model_rejected(f->m), 3);
    assert_int_equal(
        mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_STATION(MF_STATION_PACK) + MF_PLC_ST_CYCLES]),
        0); /* none reached packing */
    assert_int_equal(f->r.ir[MF_PLC_IR_FINISHED_LOG(0) + MF_PLC_F_OUTCOME],
                     MF_PLC_OUTCOME_REJECTED);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_COUNT], 1);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_CODE], MF_ALARM_QUALITY_REJECTS);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_PARAM], 3);
    cmd(f, MF_PLC_CMD_ACK, 0, 0, 0, NULL);
    run(f, 10);
    assert_int_equal(plc_model_alarm_count(f->m), 0);
    /* Two more rejects: no alarm (the count restarted); the third raises it
     * again with 3, in one entry. */
    for (int i = 0; i < 2; i++)
        cmd(f, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_RED, 0, 0, NULL);
    run(f, 100000);
    assert_int_equal(plc_model_rejected(f->m), 5);
    assert_int_equal(plc_model_alarm_count(f->m), 0);
    cmd(f, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_RED, 0, 0, NULL);
    run(f, 100000);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_COUNT], 1);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_PARAM], 3);
    /* (h) A fault raised, cleared and raised again before ACK: one entry,
     * active and unacknowledged again. */
    plc_model_set_fault(f->m, MF_ALARM_SENSOR_FAULT, 2, 1, f->now);
    run(f, 10);
    plc_model_set_fault(f->m, MF_ALARM_SENSOR_FAULT, 2, 0, f->now);
    run(f, 10);
    plc_model_set_fault(f->m, MF_ALARM_SENSOR_FAULT, 2, 1, f->now);
    run(f, 10);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_COUNT], 2);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(1) + MF_PLC_ALARM_CODE], MF_ALARM_SENSOR_FAULT);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(1) + MF_PLC_ALARM_FLAGS],
                     MF_PLC_ALARM_F_ACTIVE | MF_PLC_ALARM_F_UNACKED);
}

/* (g) Pieces on the line when it aborts stay on their pallets, keep their
 * progress, and finish once after ACK, RESET and START. */
static void test_pieces_survive_an_abort(void **state)
{
    fixture_t *f = *state;
    start_line(f);
    uint32_t id = 0;
    cmd(f, MF_PLC_CMD_SUBMIT_ORDER, MF_COLOUR_BLUE, 0, 0, &id);
    run(f, 15000); /* at the press */
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_STATION(3) + MF_PLC_ST_ORDER]), id);
    uint16_t progress = f->r.ir[MF_PLC_IR_STATION(3) + MF_PLC_ST_PROGRESS];
    plc_model_set_fault(f->m, MF_ALARM_ROBOT_FAULT, 5, 1, f->now);
    run(f, 5000);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_ABORTED);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_STATION(3) + MF_PLC_ST_ORDER]), id);
    assert_int_equal(f->r.ir[MF_PLC_IR_STATION(3) + MF_PLC_ST_PROGRESS], progress);
    plc_model_set_fault(f->m, MF_ALARM_ROBOT_FAULT, 5, 0, f->now);
    assert_int_equal(cmd(f, MF_PLC_CMD_RESET, 0, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 3100);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_IDLE);
    assert_int_equal(cmd(f, MF_PLC_CMD_START, 0, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 80000);
    assert_int_equal(plc_model_good(f->m), 1);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_FINISHED]), 1);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_FINISHED_LOG(0) + MF_PLC_F_ORDER]), id);
}

/* (h) More than 8 alarms: the table shows the 8 oldest, ALARM_TOTAL all of
 * them, and the others move in as older ones leave. */
static void test_alarm_table_past_eight(void **state)
{
    fixture_t *f = *state;
    start_line(f);
    for (unsigned st = 2; st <= 7; st++) {
        plc_model_set_fault(f->m, MF_ALARM_JAM, st, 1, f->now);
        plc_model_set_fault(f->m, MF_ALARM_SENSOR_FAULT, st, 1, f->now);
    }
    run(f, 10);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_COUNT], 8);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_TOTAL], 12);
    assert_int_equal(plc_model_alarm_count(f->m), 12);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_STATION], 2);
    assert_int_equal(f->r.ir[MF_PLC_IR_STATION(7) + MF_PLC_ST_ALARM], MF_ALARM_JAM); /* unlisted */
    for (unsigned st = 2; st <= 3; st++) {
        plc_model_set_fault(f->m, MF_ALARM_JAM, st, 0, f->now);
        plc_model_set_fault(f->m, MF_ALARM_SENSOR_FAULT, st, 0, f->now);
    }
    cmd(f, MF_PLC_CMD_ACK, 0, 0, 0, NULL);
    run(f, 10);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_COUNT], 8);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_TOTAL], 8);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_STATION], 4);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(7) + MF_PLC_ALARM_STATION], 7);
}

/* CANCEL (REGISTERS.md): a queued order leaves the queue in any state, its
 * id published with the count; on the line IN_PRODUCTION; unknown NO_ORDER. */
static void test_cancel_order(void **state)
{
    fixture_t *f = *state;
    uint32_t id[4] = {0};
    for (int i = 1; i <= 3; i++)
        assert_int_equal(cmd(f, MF_PLC_CMD_SUBMIT_ORDER, 2, 0, 0, &id[i]), MF_PLC_RES_OK);
    assert_int_equal(cmd(f, MF_PLC_CMD_CANCEL, 0, (uint16_t)id[2], 0, NULL), MF_PLC_RES_OK);
    run(f, 10);
    assert_int_equal(f->r.ir[MF_PLC_IR_QUEUE_LEN], 2);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_QUEUE(0)]), id[1]);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_QUEUE(1)]), id[3]);
    assert_int_equal(f->r.ir[MF_PLC_IR_CANCELLED], 1);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_LAST_CANCELLED]), id[2]);
    /* Twice, unknown, 0: no such order; nothing else changes. */
    assert_int_equal(cmd(f, MF_PLC_CMD_CANCEL, 0, (uint16_t)id[2], 0, NULL), MF_PLC_RES_NO_ORDER);
    assert_int_equal(cmd(f, MF_PLC_CMD_CANCEL, 0, 999, 0, NULL), MF_PLC_RES_NO_ORDER);
    assert_int_equal(cmd(f, MF_PLC_CMD_CANCEL, 0, 0, 0, NULL), MF_PLC_RES_NO_ORDER);
    run(f, 10);
    assert_int_equal(f->r.ir[MF_PLC_IR_QUEUE_LEN], 2);
    assert_int_equal(f->r.ir[MF_PLC_IR_CANCELLED], 1);
    /* The first order goes onto the line: in production, it stays. */
    start_line(f);
    run(f, 500);
    assert_int_equal(
        mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_STATION(MF_STATION_STORE) + MF_PLC_ST_ORDER]), id[1]);
    assert_int_equal(cmd(f, MF_PLC_CMD_CANCEL, 0, (uint16_t)id[1], 0, NULL),
                     MF_PLC_RES_IN_PRODUCTION);
    /* Aborted (a jam): a queued order can still be cancelled. */
    assert_int_equal(plc_model_set_fault(f->m, MF_ALARM_JAM, MF_STATION_PRESS, 1, f->now), 0);
    run(f, 1000);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_ABORTED);
    assert_int_equal(cmd(f, MF_PLC_CMD_CANCEL, 0, (uint16_t)id[3], 0, NULL), MF_PLC_RES_OK);
    run(f, 10);
    assert_int_equal(f->r.ir[MF_PLC_IR_QUEUE_LEN], 0);
    assert_int_equal(f->r.ir[MF_PLC_IR_CANCELLED], 2);
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_LAST_CANCELLED]), id[3]);
    /* Finished pieces are not counted: a cancelled order never finishes. */
    assert_int_equal(mf_regmap_get_u32(&f->r.ir[MF_PLC_IR_FINISHED]), 0);
}

/* ACK with a code acknowledges only that code's alarms; the aborted line
 * clears once every abort alarm is acknowledged; code 0 is all of them. */
static void test_ack_one_alarm(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(plc_model_set_fault(f->m, MF_ALARM_JAM, MF_STATION_PRESS, 1, f->now), 0);
    assert_int_equal(plc_model_set_fault(f->m, MF_ALARM_SENSOR_FAULT, MF_STATION_ROBOT, 1, f->now),
                     0);
    run(f, 1000);
    assert_int_equal(plc_model_set_fault(f->m, MF_ALARM_JAM, MF_STATION_PRESS, 0, f->now), 0);
    assert_int_equal(plc_model_set_fault(f->m, MF_ALARM_SENSOR_FAULT, MF_STATION_ROBOT, 0, f->now),
                     0);
    run(f, 100);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_COUNT], 2);
    assert_int_equal(cmd(f, MF_PLC_CMD_ACK, MF_ALARM_CODE_MAX + 1, 0, 0, NULL), MF_PLC_RES_BAD_ARG);
    assert_int_equal(cmd(f, MF_PLC_CMD_ACK, MF_ALARM_JAM, MF_STATION_PACK, 0, NULL), MF_PLC_RES_OK);
    run(f, 100);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_COUNT], 2); /* not that station's jam */
    assert_int_equal(cmd(f, MF_PLC_CMD_ACK, MF_ALARM_JAM, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 100);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_COUNT], 1);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM(0) + MF_PLC_ALARM_CODE], MF_ALARM_SENSOR_FAULT);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_ABORTED); /* one still unacked */
    assert_int_equal(cmd(f, MF_PLC_CMD_ACK, MF_ALARM_SENSOR_FAULT, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 1500);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_COUNT], 0);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_STOPPED);
    /* Code 0 still acknowledges everything at once. */
    assert_int_equal(plc_model_set_fault(f->m, MF_ALARM_JAM, MF_STATION_PRESS, 1, f->now), 0);
    assert_int_equal(plc_model_set_fault(f->m, MF_ALARM_ROBOT_FAULT, MF_STATION_ROBOT, 1, f->now),
                     0);
    run(f, 1000);
    assert_int_equal(plc_model_set_fault(f->m, MF_ALARM_JAM, MF_STATION_PRESS, 0, f->now), 0);
    assert_int_equal(plc_model_set_fault(f->m, MF_ALARM_ROBOT_FAULT, MF_STATION_ROBOT, 0, f->now),
                     0);
    assert_int_equal(cmd(f, MF_PLC_CMD_ACK, 0, 0, 0, NULL), MF_PLC_RES_OK);
    run(f, 1500);
    assert_int_equal(f->r.ir[MF_PLC_IR_ALARM_COUNT], 0);
    assert_int_equal(plc_model_line_state(f->m), MF_PACKML_STOPPED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_start_needs_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_is_delivered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pallets_queue_behind_a_slow_station, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engraving_handshake_and_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_estop_aborts_until_released_and_reset, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fault_needs_clear_ack_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_magazine_empty_holds_until_refill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submit_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mailbox_claim_is_exclusive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mailbox_requests_and_retries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mailbox_request_with_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mailbox_lease_expires, setup, teardown),
        cmocka_unit_test(test_rejects_reproducible_by_seed),
        cmocka_unit_test(test_speed_scales_line_time),
        cmocka_unit_test(test_command_table),
        cmocka_unit_test_setup_teardown(test_ack_with_cause_present, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engrave_timeout_paused_while_stopped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejects_and_reraised_alarm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pieces_survive_an_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alarm_table_past_eight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ack_one_alarm, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
