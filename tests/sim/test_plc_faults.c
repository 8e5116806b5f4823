/*
 * test_plc_faults.c - sim.plc_faults: the simulated PLC's test faults that
 * the kiosk's order journeys inject through the control socket: `refuse N`
 * (the next N orders answered BAD_STATE, then orders are taken again) and
 * `reject N` (the next N pieces fail quality control, then pieces pass).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plc_model.h"

#include <string.h>

static uint64_t now = 1000;

static void run(plc_model_t *m, uint64_t ms)
{
    for (uint64_t t = 0; t < ms; t += 10) {
        now += 10;
        plc_model_step(m, now);
    }
}

static int submit(plc_model_t *m, uint32_t *id)
{
    uint16_t args[4] = {MF_COLOUR_RED, 0, 0, 0};
    return plc_model_command(m, MF_PLC_CMD_SUBMIT_ORDER, args, now, id);
}

static plc_model_t *make(void)
{
    plc_model_config_t cfg;
    plc_model_config_default(&cfg);
    cfg.reject_permille = 0; /* nothing rejected but what is forced */
    cfg.speed = 20.0;
    plc_model_t *m = plc_model_create(&cfg, now);
    assert_non_null(m);
    return m;
}

static void test_refuse_then_take(void **state)
{
    (void)state;
    plc_model_t *m = make();
    plc_model_force_refusals(m, 2);
    uint32_t id = 0;
    assert_int_equal(submit(m, &id), MF_PLC_RES_BAD_STATE);
    assert_int_equal(submit(m, &id), MF_PLC_RES_BAD_STATE);
    assert_int_equal(id, 0);
    assert_int_equal(submit(m, &id), MF_PLC_RES_OK);
    assert_int_equal(id, 1);
    plc_model_destroy(m);
}

static void test_reject_then_deliver(void **state)
{
    (void)state;
    plc_model_t *m = make();
    assert_int_equal(plc_model_command(m, MF_PLC_CMD_RESET, NULL, now, NULL), MF_PLC_RES_OK);
    run(m, 500);
    assert_int_equal(plc_model_command(m, MF_PLC_CMD_START, NULL, now, NULL), MF_PLC_RES_OK);
    run(m, 500);
    plc_model_force_rejects(m, 1);
    uint32_t a = 0, b = 0;
    assert_int_equal(submit(m, &a), MF_PLC_RES_OK);
    assert_int_equal(submit(m, &b), MF_PLC_RES_OK);
    run(m, 20000); /* both pieces through the line at 20x */
    assert_int_equal(plc_model_rejected(m), 1);
    assert_int_equal(plc_model_good(m), 1);
    plc_model_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refuse_then_take),
        cmocka_unit_test(test_reject_then_deliver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
