/*
 * test_order.c - core.order: the order desk's state machine, driven with the
 * drivers' news as events and no device. A whole order from the PLC's
 * answer to delivery with the engraving followed from the head's position;
 * when ordering is closed and why; empty magazines; every failure of the
 * issue (queue full, PLC refusal, no answer, engraver alarm, emergency stop
 * while tracking); quality rejects remade then given up; another kiosk's
 * order at the laser left alone; the text wiped at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mf_error.h"
#include "order.h"
#include "visit_event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mf_line_status_t running_line(void)
{
    mf_line_status_t l;
    memset(&l, 0, sizeof l);
    l.online = l.running = true;
    l.detail.known = true;
    l.detail.auto_mode = true;
    l.detail.speed_pct = 100;
    for (int c = 0; c < MF_LINE_COLOURS; c++)
        l.detail.magazine[c] = 20;
    for (int s = 0; s < MF_LINE_STATIONS; s++)
        l.stations[s].nominal_ds = 60;
    return l;
}

static mf_engraver_status_t engraver(mf_engraver_state_t st, float x, float y)
{
    mf_engraver_status_t e;
    memset(&e, 0, sizeof e);
    e.state = st;
    e.x = x;
    e.y = y;
    return e;
}

/* Two strokes: (10,10)-(20,10)-(20,15), then (30,10)-(40,10). */
static void strokes(view_strokes_t *s)
{
    memset(s, 0, sizeof *s);
    s->area_w = 60;
    s->area_h = 20;
    float pts[5][2] = {{10, 10}, {20, 10}, {20, 15}, {30, 10}, {40, 10}};
    for (int i = 0; i < 5; i++) {
        s->pts[i].x = pts[i][0];
        s->pts[i].y = pts[i][1];
    }
    s->npts = 5;
    s->nlines = 2;
    s->start[0] = 0;
    s->start[1] = 3;
}

static void news(order_desk_t *d, mf_order_news_kind_t kind, uint32_t ref, uint32_t order, bool ok,
                 const char *why)
{
    mf_order_news_t n;
    memset(&n, 0, sizeof n);
    n.kind = kind;
    n.ref = ref;
    n.order = order;
    n.ok = ok;
    n.delivered = ok;
    snprintf(n.why, sizeof n.why, "%s", why ? why : "");
    order_desk_news(d, &n, 0);
}

static void expect_action(order_desk_t *d, order_action_kind_t kind, order_action_t *out)
{
    order_action_t a;
    assert_true(order_desk_next_action(d, &a));
    assert_int_equal(a.kind, kind);
    if (out)
        *out = a;
}

/* Places a red order with TEXT and has the PLC accept it as ORDER_NO. */
static uint32_t place_accepted(order_desk_t *d, const char *text, uint32_t order_no)
{
    view_strokes_t *s = malloc(sizeof *s);
    strokes(s);
    int ref = order_desk_place(d, 7, 1, text, s, 0);
    free(s);
    assert_true(ref > 0);
    order_action_t a;
    expect_action(d, ORDER_ACT_SUBMIT, &a);
    assert_int_equal(a.colour, 1);
    assert_int_equal(a.engrave, text[0] != '\0');
    assert_string_equal(a.text, ""); /* the PLC never sees the text */
    news(d, MF_ORDER_ACCEPTED, (uint32_t)ref, order_no, true, NULL);
    assert_int_equal(order_desk_get(d, (uint32_t)ref)->state, ORDER_QUEUED);
    assert_int_equal(order_desk_get(d, (uint32_t)ref)->order_no, order_no);
    return (uint32_t)ref;
}

static void test_closed_and_why(void **state)
{
    (void)state;
    order_desk_t *d = order_desk_create(false);
    mf_line_status_t l = running_line();
    order_desk_line(d, &l, 0);
    assert_int_equal(order_desk_can_order(d), ORDER_CLOSED_NO_ENGRAVER);
    order_desk_destroy(d);

    d = order_desk_create(true);
    assert_int_equal(order_desk_can_order(d), ORDER_CLOSED_LINE_DOWN); /* never heard */
    mf_engraver_status_t e = engraver(MF_ENGRAVER_READY, 0, 0);
    order_desk_engraver(d, &e, 0);
    l.online = false;
    order_desk_line(d, &l, 0);
    assert_int_equal(order_desk_can_order(d), ORDER_CLOSED_LINE_DOWN);
    l = running_line();
    l.running = false;
    order_desk_line(d, &l, 0);
    assert_int_equal(order_desk_can_order(d), ORDER_CLOSED_STOPPED);
    l = running_line();
    l.detail.auto_mode = false;
    order_desk_line(d, &l, 0);
    assert_int_equal(order_desk_can_order(d), ORDER_CLOSED_STOPPED);
    l = running_line();
    l.estop = true;
    order_desk_line(d, &l, 0);
    assert_int_equal(order_desk_can_order(d), ORDER_CLOSED_ESTOP);
    l = running_line();
    l.detail.queue_full = true;
    order_desk_line(d, &l, 0);
    assert_int_equal(order_desk_can_order(d), ORDER_CLOSED_QUEUE_FULL);
    l = running_line();
    order_desk_line(d, &l, 0);
    e.state = MF_ENGRAVER_ALARM;
    order_desk_engraver(d, &e, 0);
    assert_int_equal(order_desk_can_order(d), ORDER_CLOSED_ENGRAVER);
    e.state = MF_ENGRAVER_READY;
    order_desk_engraver(d, &e, 0);
    assert_int_equal(order_desk_can_order(d), ORDER_OPEN);
    /* an empty magazine: that colour only */
    l.detail.magazine[2] = 0;
    order_desk_line(d, &l, 0);
    assert_false(order_desk_colour_available(d, 3));
    assert_true(order_desk_colour_available(d, 1));
    assert_false(order_desk_colour_available(d, 0));
    assert_false(order_desk_colour_available(d, 7));
    order_desk_destroy(d);
}

static void test_whole_order_with_live_engraving(void **state)
{
    (void)state;
    order_desk_t *d = order_desk_create(true);
    mf_line_status_t l = running_line();
    mf_engraver_status_t e = engraver(MF_ENGRAVER_READY, 0, 0);
    order_desk_engraver(d, &e, 0);
    order_desk_line(d, &l, 0);
    uint32_t ref = place_accepted(d, "Léa", 42);
    const order_info_t *o = order_desk_get(d, ref);

    /* queued second, then at the store */
    l.detail.queue_len = 2;
    l.detail.queue[0] = 41;
    l.detail.queue[1] = 42;
    order_desk_line(d, &l, 0);
    assert_int_equal(o->queue_pos, 2);
    int queued_left = o->seconds_left;
    l.detail.queue_len = 0;
    l.stations[0].order = 42;
    l.stations[0].progress = 50;
    order_desk_line(d, &l, 0);
    assert_int_equal(o->state, ORDER_ON_LINE);
    assert_int_equal(o->station, 2);
    assert_true(o->seconds_left > 0 && o->seconds_left < queued_left);
    /* twice as fast a line: half the time */
    int left = o->seconds_left;
    l.detail.speed_pct = 200;
    order_desk_line(d, &l, 0);
    assert_in_range(o->seconds_left, left / 2 - 1, left / 2 + 1);

    /* at the laser: engraved once, with the text */
    l.stations[0].order = 0;
    l.stations[2].order = 42;
    l.detail.engrave_waiting = true;
    l.detail.engrave_order = 42;
    order_desk_line(d, &l, 0);
    order_action_t a;
    expect_action(d, ORDER_ACT_ENGRAVE, &a);
    assert_string_equal(a.text, "Léa");
    assert_int_equal(a.order_no, 42);
    order_desk_line(d, &l, 0);
    assert_false(order_desk_next_action(d, &a)); /* once */
    assert_int_equal(o->state, ORDER_ENGRAVING);
    news(d, MF_ORDER_ENGRAVING, ref, 42, true, NULL);

    /* the drawing follows the head: halfway along the first segment... */
    e = engraver(MF_ENGRAVER_BUSY, 15, 10);
    assert_true(order_desk_engraver(d, &e, 0));
    assert_float_equal(o->burned, 0.5f, 0.01f);
    /* ...a travel move between strokes changes nothing... */
    e = engraver(MF_ENGRAVER_BUSY, 25, 30);
    order_desk_engraver(d, &e, 0);
    assert_float_equal(o->burned, 0.5f, 0.01f);
    /* ...then the second stroke, never backwards */
    e = engraver(MF_ENGRAVER_BUSY, 35, 10);
    order_desk_engraver(d, &e, 0);
    assert_float_equal(o->burned, 3.5f, 0.01f);
    e = engraver(MF_ENGRAVER_BUSY, 12, 10);
    order_desk_engraver(d, &e, 0);
    assert_float_equal(o->burned, 3.5f, 0.01f);

    news(d, MF_ORDER_ENGRAVED, ref, 42, true, NULL);
    expect_action(d, ORDER_ACT_ENGRAVE_DONE, &a);
    assert_true(a.ok);
    assert_int_equal(a.order_no, 42);
    assert_true(o->burned < 0.0f); /* all drawn */

    news(d, MF_ORDER_FINISHED, 0, 42, true, NULL);
    assert_int_equal(o->state, ORDER_DELIVERED);
    order_outcome_t out;
    assert_true(order_desk_next_outcome(d, &out));
    assert_int_equal(out.outcome, VISIT_ORDER_DELIVERED);
    assert_int_equal(out.order_no, 42);
    assert_int_equal(out.visit, 7);
    assert_false(order_desk_next_outcome(d, &out));
    order_desk_destroy(d);
}

/* Staff cancel a queued order (from any kiosk): its visitor's tracking says
 * so, the outcome is "cancelled, by staff", and the piece's later news is
 * not taken for it; another kiosk's order number is left alone. */
static void test_cancelled_by_staff(void **state)
{
    (void)state;
    order_desk_t *d = order_desk_create(true);
    uint32_t ref = place_accepted(d, "MINI", 41);
    news(d, MF_ORDER_CANCELLED, 0, 99, false, "staff"); /* not ours */
    assert_int_equal(order_desk_get(d, ref)->state, ORDER_QUEUED);
    news(d, MF_ORDER_CANCELLED, 0, 41, false, "staff");
    assert_int_equal(order_desk_get(d, ref)->state, ORDER_FAILED);
    assert_int_equal(order_desk_get(d, ref)->problem, ORDER_PROBLEM_CANCELLED);
    order_outcome_t out;
    assert_true(order_desk_next_outcome(d, &out));
    assert_int_equal(out.outcome, VISIT_ORDER_CANCELLED);
    assert_string_equal(out.why, "staff");
    assert_int_equal(out.order_no, 41);
    assert_int_equal(out.visit, 7);
    news(d, MF_ORDER_FINISHED, 0, 41, true, NULL); /* nothing more for it */
    assert_int_equal(order_desk_get(d, ref)->state, ORDER_FAILED);
    assert_false(order_desk_next_outcome(d, &out));
    order_desk_destroy(d);
}

static void test_refusals(void **state)
{
    (void)state;
    order_desk_t *d = order_desk_create(true);
    order_outcome_t out;
    int ref = order_desk_place(d, 1, 2, "", NULL, 0);
    expect_action(d, ORDER_ACT_SUBMIT, NULL);
    news(d, MF_ORDER_REFUSED, (uint32_t)ref, 0, false, "queue-full");
    assert_int_equal(order_desk_get(d, (uint32_t)ref)->state, ORDER_FAILED);
    assert_int_equal(order_desk_get(d, (uint32_t)ref)->problem, ORDER_PROBLEM_QUEUE_FULL);
    assert_true(order_desk_next_outcome(d, &out));
    assert_int_equal(out.outcome, VISIT_ORDER_REFUSED);
    assert_string_equal(out.why, "queue-full");

    ref = order_desk_place(d, 2, 2, "", NULL, 0);
    expect_action(d, ORDER_ACT_SUBMIT, NULL);
    news(d, MF_ORDER_REFUSED, (uint32_t)ref, 0, false, "estop");
    assert_int_equal(order_desk_get(d, (uint32_t)ref)->problem, ORDER_PROBLEM_REFUSED);
    assert_true(order_desk_next_outcome(d, &out));
    assert_string_equal(out.why, "estop");

    ref = order_desk_place(d, 3, 2, "", NULL, 0);
    expect_action(d, ORDER_ACT_SUBMIT, NULL);
    news(d, MF_ORDER_TIMED_OUT, (uint32_t)ref, 0, false, NULL);
    assert_int_equal(order_desk_get(d, (uint32_t)ref)->problem, ORDER_PROBLEM_NO_ANSWER);
    assert_true(order_desk_next_outcome(d, &out));
    assert_string_equal(out.why, "no-answer");
    /* a late answer to a failed order changes nothing */
    news(d, MF_ORDER_ACCEPTED, (uint32_t)ref, 9, true, NULL);
    assert_int_equal(order_desk_get(d, (uint32_t)ref)->state, ORDER_FAILED);
    assert_int_equal(order_desk_place(d, 3, 0, "", NULL, 0), MF_EINVAL);
    order_desk_destroy(d);
}

static void test_engraver_alarm_cancels_and_releases_the_piece(void **state)
{
    (void)state;
    order_desk_t *d = order_desk_create(true);
    mf_line_status_t l = running_line();
    mf_engraver_status_t e = engraver(MF_ENGRAVER_READY, 0, 0);
    order_desk_engraver(d, &e, 0);
    uint32_t ref = place_accepted(d, "Tom", 5);
    l.stations[2].order = 5;
    l.detail.engrave_waiting = true;
    l.detail.engrave_order = 5;
    order_desk_line(d, &l, 0);
    expect_action(d, ORDER_ACT_ENGRAVE, NULL);
    news(d, MF_ORDER_ENGRAVING, ref, 5, true, NULL);
    news(d, MF_ORDER_ENGRAVED, ref, 5, false, "alarm");
    order_action_t a;
    expect_action(d, ORDER_ACT_ENGRAVE_DONE, &a);
    assert_false(a.ok); /* the line is not left waiting */
    const order_info_t *o = order_desk_get(d, ref);
    assert_int_equal(o->state, ORDER_FAILED);
    assert_int_equal(o->problem, ORDER_PROBLEM_ENGRAVER);
    order_outcome_t out;
    assert_true(order_desk_next_outcome(d, &out));
    assert_int_equal(out.outcome, VISIT_ORDER_CANCELLED);
    assert_string_equal(out.why, "engraver");
    /* the failed piece is rejected at quality: not remade, no second outcome */
    news(d, MF_ORDER_FINISHED, 0, 5, false, NULL);
    assert_false(order_desk_next_outcome(d, &out));
    assert_false(order_desk_next_action(d, &a));
    order_desk_destroy(d);
}

static void test_quality_reject_is_remade_then_given_up(void **state)
{
    (void)state;
    order_desk_t *d = order_desk_create(true);
    mf_engraver_status_t e = engraver(MF_ENGRAVER_READY, 0, 0);
    order_desk_engraver(d, &e, 0);
    uint32_t ref = place_accepted(d, "Zoé", 10);
    const order_info_t *o = order_desk_get(d, ref);
    order_outcome_t out;
    order_action_t a;
    for (int i = 0; i <= ORDER_REMAKES_MAX; i++) {
        uint32_t no = 10 + (uint32_t)i;
        /* engraved each time, with the same text */
        mf_line_status_t l = running_line();
        l.stations[2].order = no;
        l.detail.engrave_waiting = true;
        l.detail.engrave_order = no;
        order_desk_line(d, &l, 0);
        expect_action(d, ORDER_ACT_ENGRAVE, &a);
        assert_string_equal(a.text, "Zoé");
        news(d, MF_ORDER_ENGRAVED, ref, no, true, NULL);
        expect_action(d, ORDER_ACT_ENGRAVE_DONE, NULL);
        news(d, MF_ORDER_FINISHED, 0, no, false, NULL);
        assert_true(order_desk_next_outcome(d, &out));
        if (i < ORDER_REMAKES_MAX) {
            assert_int_equal(out.outcome, VISIT_ORDER_REJECTED);
            assert_true(o->just_rejected);
            assert_int_equal(o->remakes, i + 1);
            expect_action(d, ORDER_ACT_SUBMIT, &a);
            assert_int_equal(a.colour, 1);
            assert_true(a.engrave);
            news(d, MF_ORDER_ACCEPTED, ref, no + 1, true, NULL);
            assert_int_equal(o->order_no, no + 1);
        } else {
            assert_int_equal(out.outcome, VISIT_ORDER_CANCELLED);
            assert_string_equal(out.why, "rejected");
            assert_int_equal(o->state, ORDER_FAILED);
        }
    }
    order_desk_destroy(d);
}

static void test_estop_pauses_tracking(void **state)
{
    (void)state;
    order_desk_t *d = order_desk_create(true);
    uint32_t ref = place_accepted(d, "", 3);
    mf_line_status_t l = running_line();
    l.stations[1].order = 3;
    order_desk_line(d, &l, 0);
    const order_info_t *o = order_desk_get(d, ref);
    assert_false(o->paused_estop);
    l.estop = true;
    l.running = false;
    assert_true(order_desk_line(d, &l, 0));
    assert_true(o->paused_estop);
    assert_int_equal(o->state, ORDER_ON_LINE);
    assert_int_equal(o->station, 3);
    l.estop = false;
    l.running = true;
    order_desk_line(d, &l, 0);
    assert_false(o->paused_estop);
    /* a plain holder is never engraved */
    l.stations[1].order = 0;
    l.stations[2].order = 3;
    l.detail.engrave_waiting = true;
    l.detail.engrave_order = 3;
    order_desk_line(d, &l, 0);
    order_action_t a;
    assert_false(order_desk_next_action(d, &a));
    order_desk_destroy(d);
}

static void test_other_kiosks_orders_are_left_alone(void **state)
{
    (void)state;
    order_desk_t *d = order_desk_create(true);
    mf_engraver_status_t e = engraver(MF_ENGRAVER_READY, 0, 0);
    order_desk_engraver(d, &e, 0);
    place_accepted(d, "Ana", 8);
    mf_line_status_t l = running_line();
    l.stations[2].order = 7; /* another kiosk's */
    l.detail.engrave_waiting = true;
    l.detail.engrave_order = 7;
    order_desk_line(d, &l, 0);
    order_action_t a;
    assert_false(order_desk_next_action(d, &a));
    news(d, MF_ORDER_FINISHED, 0, 7, true, NULL);
    order_outcome_t out;
    assert_false(order_desk_next_outcome(d, &out));
    order_desk_destroy(d);
}

static void test_desk_full_and_recycled(void **state)
{
    (void)state;
    order_desk_t *d = order_desk_create(true);
    order_action_t a;
    uint32_t refs[ORDER_DESK_MAX];
    for (int i = 0; i < ORDER_DESK_MAX; i++) {
        int ref = order_desk_place(d, 1, 1, "", NULL, 0);
        assert_true(ref > 0);
        refs[i] = (uint32_t)ref;
        expect_action(d, ORDER_ACT_SUBMIT, &a);
    }
    assert_int_equal(order_desk_place(d, 1, 1, "", NULL, 0), MF_EBUSY);
    news(d, MF_ORDER_ACCEPTED, refs[0], 100, true, NULL);
    news(d, MF_ORDER_FINISHED, 0, 100, true, NULL);
    assert_true(order_desk_place(d, 1, 1, "", NULL, 0) > 0); /* the delivered one made room */
    assert_null(order_desk_get(d, refs[0]));
    order_desk_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_and_why),
        cmocka_unit_test(test_whole_order_with_live_engraving),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_cancelled_by_staff),
        cmocka_unit_test(test_engraver_alarm_cancels_and_releases_the_piece),
        cmocka_unit_test(test_quality_reject_is_remade_then_given_up),
        cmocka_unit_test(test_estop_pauses_tracking),
        cmocka_unit_test(test_other_kiosks_orders_are_left_alone),
        cmocka_unit_test(test_desk_full_and_recycled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
