/*
 * test_logic.c - staff.logic: the staff console's pure logic (app/core/staff.h)
 * with time as an input: the PIN pad shows dots only, the corner gesture, the
 * lockout that doubles (hours fast-forwarded), the console's idle rule, roles,
 * and the words for a line command's outcome.
 */
#include "line_regmap.h"
#include "mf_error.h"
#include "staff.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define W 177.8f
#define H 100.0f

static void test_pinpad_shows_dots_only(void **state)
{
    (void)state;
    staff_pinpad_t p;
    staff_pinpad_clear(&p);
    assert_false(staff_pinpad_complete(&p));
    assert_true(staff_pinpad_digit(&p, '4'));
    assert_true(staff_pinpad_digit(&p, '2'));
    assert_false(staff_pinpad_digit(&p, 'x'));
    assert_true(staff_pinpad_digit(&p, '7'));
    assert_false(staff_pinpad_complete(&p));
    assert_true(staff_pinpad_digit(&p, '9'));
    assert_true(staff_pinpad_complete(&p));
    char dots[64];
    staff_pinpad_dots(&p, dots, sizeof dots);
    assert_string_equal(dots, "\xE2\x97\x8F\xE2\x97\x8F\xE2\x97\x8F\xE2\x97\x8F");
    assert_null(strpbrk(dots, "0123456789"));
    staff_pinpad_backspace(&p);
    assert_int_equal(p.len, 3);
    for (int i = 0; i < 20; i++)
        staff_pinpad_digit(&p, '1');
    assert_int_equal(p.len, STAFF_PIN_MAX);
    staff_pinpad_clear(&p);
    assert_int_equal(p.len, 0);
    assert_int_equal(p.digits[0], 0);

    assert_true(staff_pin_valid("1234"));
    assert_true(staff_pin_valid("123456789012"));
    assert_false(staff_pin_valid("123"));
    assert_false(staff_pin_valid("1234567890123"));
    assert_false(staff_pin_valid("12a4"));
    assert_false(staff_pin_valid(NULL));
}

/* Holds a press at (X, Y) from T for MS, then releases. */
static staff_gesture_result_t hold(staff_gesture_t *g, float x, float y, int64_t t, int64_t ms)
{
    staff_gesture_down(g, x, y, W, H, t);
    staff_gesture_move(g, x + 0.5f, y + 0.5f, W, H, t + ms / 2);
    return staff_gesture_up(g, x + 0.5f, y + 0.5f, W, H, t + ms);
}

static void test_gesture_two_opposite_corners(void **state)
{
    (void)state;
    staff_gesture_t g;
    staff_gesture_reset(&g);
    assert_int_equal(staff_corner_at(2, 2, W, H), STAFF_CORNER_TOP_LEFT);
    assert_int_equal(staff_corner_at(W - 2, H - 2, W, H), STAFF_CORNER_BOTTOM_RIGHT);
    assert_int_equal(staff_corner_at(W / 2, H / 2, W, H), STAFF_CORNER_NONE);

    /* bottom-left held 3 s, then top-right held 3 s: open */
    assert_int_equal(hold(&g, 3, H - 3, 1000, 3000), STAFF_GESTURE_SWALLOW);
    staff_gesture_down(&g, W - 3, 3, W, H, 5000);
    assert_false(staff_gesture_holding(&g, 7000));
    assert_int_equal(staff_gesture_deadline(&g), 8000);
    assert_true(staff_gesture_holding(&g, 8000));
    assert_int_equal(staff_gesture_up(&g, W - 3, 3, W, H, 8000), STAFF_GESTURE_DONE);

    /* the same corner twice is not it */
    staff_gesture_reset(&g);
    assert_int_equal(hold(&g, 3, 3, 0, 3100), STAFF_GESTURE_SWALLOW);
    assert_int_equal(hold(&g, 3, 3, 4000, 3100), STAFF_GESTURE_SWALLOW);
    /* ...but that second hold counts as a first one */
    assert_int_equal(hold(&g, W - 3, H - 3, 8000, 3000), STAFF_GESTURE_DONE);

    /* a short press in the corner is an ordinary tap */
    staff_gesture_reset(&g);
    assert_int_equal(hold(&g, 3, 3, 0, 2999), STAFF_GESTURE_IDLE);
    assert_int_equal(hold(&g, W - 3, H - 3, 3000, 3000), STAFF_GESTURE_SWALLOW);

    /* too long between the two holds */
    staff_gesture_reset(&g);
    assert_int_equal(hold(&g, 3, 3, 0, 3000), STAFF_GESTURE_SWALLOW);
    assert_int_equal(hold(&g, W - 3, H - 3, 3000 + STAFF_GESTURE_GAP_MS + 1, 3000),
                     STAFF_GESTURE_SWALLOW);

    /* a tap elsewhere in between starts over */
    staff_gesture_reset(&g);
    assert_int_equal(hold(&g, 3, 3, 0, 3000), STAFF_GESTURE_SWALLOW);
    assert_int_equal(hold(&g, W / 2, H / 2, 3100, 100), STAFF_GESTURE_IDLE);
    assert_int_equal(hold(&g, W - 3, H - 3, 3300, 3000), STAFF_GESTURE_SWALLOW);

    /* a finger that slides out of the corner is a drag */
    staff_gesture_reset(&g);
    assert_int_equal(hold(&g, 3, 3, 0, 3000), STAFF_GESTURE_SWALLOW);
    staff_gesture_down(&g, W - 3, H - 3, W, H, 3500);
    staff_gesture_move(&g, W - 30, H - 3, W, H, 4000);
    assert_int_equal(staff_gesture_up(&g, W - 3, H - 3, W, H, 7000), STAFF_GESTURE_IDLE);

    /* portrait: the corners are the portrait screen's */
    staff_gesture_reset(&g);
    staff_gesture_down(&g, 97, 3, 100, 177.8f, 0);
    assert_int_equal(staff_gesture_up(&g, 97, 3, 100, 177.8f, 3000), STAFF_GESTURE_SWALLOW);
    staff_gesture_down(&g, 3, 175, 100, 177.8f, 3500);
    assert_int_equal(staff_gesture_up(&g, 3, 175, 100, 177.8f, 6500), STAFF_GESTURE_DONE);
}

static void test_lockout_doubles(void **state)
{
    (void)state;
    staff_lockout_t l;
    staff_lockout_init(&l);
    int64_t now = 1700000000000LL; /* wall clock */
    for (int i = 0; i < STAFF_LOCK_TRIES - 1; i++) {
        assert_int_equal(staff_lockout_fail(&l, now), 0);
        assert_int_equal(staff_lockout_remaining(&l, now), 0);
    }
    assert_int_equal(staff_lockout_fail(&l, now), STAFF_LOCK_BASE_MS);
    assert_int_equal(staff_lockout_remaining(&l, now), STAFF_LOCK_BASE_MS);
    assert_int_equal(staff_lockout_remaining(&l, now + 10000), STAFF_LOCK_BASE_MS - 10000);
    /* a try while locked is not even counted */
    assert_int_equal(staff_lockout_fail(&l, now + 10000), 0);
    assert_int_equal(l.failures, 0);

    /* after it: five more wrong PINs, twice as long; and again */
    int64_t expect = STAFF_LOCK_BASE_MS;
    for (int round = 2; round <= 6; round++) {
        now += expect;
        assert_int_equal(staff_lockout_remaining(&l, now), 0);
        expect *= 2;
        for (int i = 0; i < STAFF_LOCK_TRIES - 1; i++)
            assert_int_equal(staff_lockout_fail(&l, now), 0);
        assert_int_equal(staff_lockout_fail(&l, now), expect);
        assert_int_equal(l.lockouts, round);
    }
    assert_int_equal(staff_lockout_length(1), 30000);
    assert_int_equal(staff_lockout_length(2), 60000);
    assert_int_equal(staff_lockout_length(40), STAFF_LOCK_MAX_MS);

    /* the clock set back a year does not lock for a year */
    assert_int_equal(staff_lockout_remaining(&l, now - 365LL * 86400000), expect);

    /* what the file holds, read back */
    char buf[96];
    staff_lockout_format(&l, buf, sizeof buf);
    staff_lockout_t back;
    assert_int_equal(staff_lockout_parse(&back, buf), MF_OK);
    assert_memory_equal(&back, &l, sizeof l);
    assert_int_equal(staff_lockout_parse(&back, "garbage"), MF_EPARSE);
    assert_int_equal(staff_lockout_parse(&back, "1 2 3 4"), MF_EPARSE);
    assert_int_equal(staff_lockout_parse(&back, "-1 0 0"), MF_EPARSE);

    /* a right PIN forgives everything */
    staff_lockout_success(&l);
    assert_int_equal(staff_lockout_remaining(&l, now), 0);
    assert_int_equal(l.lockouts, 0);

    char cd[32];
    staff_format_countdown(30000, cd, sizeof cd);
    assert_string_equal(cd, "0:30");
    staff_format_countdown(29001, cd, sizeof cd);
    assert_string_equal(cd, "0:30");
    staff_format_countdown(3723000, cd, sizeof cd);
    assert_string_equal(cd, "1:02:03");
}

static void test_session_and_roles(void **state)
{
    (void)state;
    staff_session_t s = {0};
    assert_false(staff_session_expired(&s, 1000000));
    staff_session_open(&s, STAFF_ROLE_OPERATOR, 1000);
    assert_false(staff_session_expired(&s, 1000 + STAFF_IDLE_MS - 1));
    staff_session_touch(&s, 60000);
    assert_false(staff_session_expired(&s, 1000 + STAFF_IDLE_MS));
    assert_true(staff_session_expired(&s, 60000 + STAFF_IDLE_MS));
    staff_session_close(&s);
    assert_false(staff_session_expired(&s, 60000 + STAFF_IDLE_MS));

    assert_true(staff_role_can(STAFF_ROLE_OPERATOR, STAFF_CAN_LINE));
    assert_true(staff_role_can(STAFF_ROLE_OPERATOR, STAFF_CAN_GROUP));
    assert_false(staff_role_can(STAFF_ROLE_OPERATOR, STAFF_CAN_STATS));
    assert_false(staff_role_can(STAFF_ROLE_OPERATOR, STAFF_CAN_CONTENT));
    assert_true(staff_role_can(STAFF_ROLE_ORGANISER, STAFF_CAN_LINE));
    assert_true(staff_role_can(STAFF_ROLE_ORGANISER, STAFF_CAN_STATS));
    assert_false(staff_role_can(STAFF_ROLE_NONE, STAFF_CAN_LINE));
    assert_int_equal(staff_role_from_name("organiser"), STAFF_ROLE_ORGANISER);
    assert_int_equal(staff_role_from_name("operator"), STAFF_ROLE_OPERATOR);
    assert_int_equal(staff_role_from_name("none"), STAFF_ROLE_NONE);
    assert_int_equal(staff_role_from_name("admin"), STAFF_ROLE_NONE);
}

static void test_outcome_words(void **state)
{
    (void)state;
    const char *o, *why;
    staff_outcome_keys(STAFF_CMD_START, STAFF_OUTCOME_ACCEPTED, MF_PLC_RES_OK, MF_PACKML_IDLE, &o,
                       &why);
    assert_string_equal(o, "staff.outcome.accepted");
    assert_null(why);
    staff_outcome_keys(STAFF_CMD_START, STAFF_OUTCOME_REFUSED, MF_PLC_RES_BAD_STATE,
                       MF_PACKML_ABORTED, &o, &why);
    assert_string_equal(o, "staff.outcome.refused");
    assert_string_equal(why, "staff.why.reset_first");
    staff_outcome_keys(STAFF_CMD_START, STAFF_OUTCOME_REFUSED, MF_PLC_RES_BAD_STATE,
                       MF_PACKML_STOPPED, &o, &why);
    assert_string_equal(why, "staff.why.reset_first");
    staff_outcome_keys(STAFF_CMD_START, STAFF_OUTCOME_REFUSED, MF_PLC_RES_ESTOP, MF_PACKML_ABORTED,
                       &o, &why);
    assert_string_equal(why, "staff.why.estop");
    staff_outcome_keys(STAFF_CMD_RESET, STAFF_OUTCOME_REFUSED, MF_PLC_RES_BAD_STATE,
                       MF_PACKML_EXECUTE, &o, &why);
    assert_string_equal(why, "staff.why.stop_first");
    staff_outcome_keys(STAFF_CMD_RESET, STAFF_OUTCOME_REFUSED, MF_PLC_RES_BAD_STATE,
                       MF_PACKML_ABORTED, &o, &why);
    assert_string_equal(why, "staff.why.clear_cause");
    staff_outcome_keys(STAFF_CMD_MODE_MANUAL, STAFF_OUTCOME_REFUSED, MF_PLC_RES_BAD_STATE,
                       MF_PACKML_EXECUTE, &o, &why);
    assert_string_equal(why, "staff.why.stop_first");
    staff_outcome_keys(STAFF_CMD_STOP, STAFF_OUTCOME_TIMED_OUT, 0, MF_PACKML_EXECUTE, &o, &why);
    assert_string_equal(o, "staff.outcome.timed_out");
    assert_string_equal(why, "staff.why.timed_out");
    staff_outcome_keys(STAFF_CMD_ACK, STAFF_OUTCOME_NOT_SENT, 0, 0, &o, &why);
    assert_string_equal(o, "staff.outcome.not_sent");

    assert_string_equal(staff_alarm_text_key(MF_ALARM_JAM), "staff.alarm.jam.text");
    assert_string_equal(staff_alarm_check_key(MF_ALARM_ESTOP), "staff.alarm.estop.check");
    assert_string_equal(staff_alarm_text_key(99), "staff.alarm.unknown.text");
    assert_string_equal(staff_cmd_name(STAFF_CMD_ACK), "acknowledge");

    /* cancelling a queued order: on the line already, or gone from the queue */
    assert_string_equal(staff_cmd_name(STAFF_CMD_CANCEL), "cancel");
    staff_outcome_keys(STAFF_CMD_CANCEL, STAFF_OUTCOME_REFUSED, MF_PLC_RES_IN_PRODUCTION,
                       MF_PACKML_EXECUTE, &o, &why);
    assert_string_equal(o, "staff.outcome.refused");
    assert_string_equal(why, "staff.why.in_production");
    staff_outcome_keys(STAFF_CMD_CANCEL, STAFF_OUTCOME_REFUSED, MF_PLC_RES_NO_ORDER,
                       MF_PACKML_STOPPED, &o, &why);
    assert_string_equal(why, "staff.why.no_order");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pinpad_shows_dots_only),
        cmocka_unit_test(test_gesture_two_opposite_corners),
        cmocka_unit_test(test_lockout_doubles),
        cmocka_unit_test(test_session_and_roles),
        cmocka_unit_test(test_outcome_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
