/*
 * test_io_scanner.c - drivers/io (stack-light patterns with time as input,
 * button and e-stop events on the Modbus fake, recovery) and drivers/scanner
 * (pattern, duplicate window with time as input, garbage lines and a pulled
 * cable on the fake serial port).
 */
#include "io_drv.h"
#include "line_regmap.h"
#include "mb_fake.h"
#include "mf_error.h"
#include "mf_log.h"
#include "scanner_drv.h"
#include "serial_fake.h"
#include "test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define G (1u << MF_IO_CO_GREEN)
#define O (1u << MF_IO_CO_ORANGE)
#define R (1u << MF_IO_CO_RED)
#define B (1u << MF_IO_CO_BUZZER)

static void test_light_patterns(void **state)
{
    io_light_t l = {.green = IO_LAMP_ON, .orange = IO_LAMP_BLINK_SLOW, .red = IO_LAMP_BLINK_FAST};
    assert_int_equal(io_light_outputs(&l, 1000, 1000), G | O | R);
    assert_int_equal(io_light_outputs(&l, 1000, 1130), G | O);     /* fast blink off after 125 ms */
    assert_int_equal(io_light_outputs(&l, 1000, 1630), G);         /* slow off after 500 ms */
    assert_int_equal(io_light_outputs(&l, 1000, 2000), G | O | R); /* both on again at 1 s */
    io_light_t bz = {.buzzer = IO_BUZZER_BURSTS, .bursts = 3};
    int beeps = 0, prev = 0;
    for (long long t = 0; t < 3000; t += 10) {
        int on = (io_light_outputs(&bz, 0, t) & B) != 0;
        beeps += on && !prev;
        prev = on;
    }
    assert_int_equal(beeps, 3); /* three bursts, then silence */
    assert_int_equal(io_light_outputs(&bz, 0, 2500), 0);
    io_light_t off = {0};
    assert_int_equal(io_light_outputs(&off, 0, 12345), 0);
}

static uint16_t coil(mb_fake_t *f, int i)
{
    mb_fake_lock(f);
    uint16_t v = mb_fake_table(f, MB_COILS)[i];
    mb_fake_unlock(f);
    return v;
}

static void set_inputs(mb_fake_t *f, bool start, bool estop_ok, uint16_t starts, uint16_t estops)
{
    mb_fake_lock(f);
    uint16_t *ir = mb_fake_table(f, MB_INPUT);
    ir[MF_IO_IR_INPUTS] = (uint16_t)((start ? 1u << MF_IO_DI_START_BUTTON : 0) |
                                     (estop_ok ? 1u << MF_IO_DI_ESTOP_OK : 0));
    ir[MF_IO_IR_MODULE_ID] = MF_IO_MODULE_ID;
    ir[MF_IO_IR_START_COUNT] = starts;
    ir[MF_IO_IR_ESTOP_COUNT] = estops;
    mb_fake_unlock(f);
}

static int count_events(io_drv_t *d, io_event_kind_t kind, int timeout_ms, int want)
{
    int n = 0;
    long long end = tu_now_ms() + timeout_ms;
    io_event_t ev;
    while (tu_now_ms() < end && n < want) {
        if (io_drv_poll_event(d, &ev)) {
            n += ev.kind == kind;
            continue;
        }
        tu_sleep_ms(2);
    }
    return n;
}

static void test_io_driver(void **state)
{
    mb_fake_t *f = mb_fake_create(NULL, NULL);
    set_inputs(f, false, true, 7, 2);
    mb_link_t link;
    mb_fake_link(f, &link);
    io_drv_opts_t o;
    io_drv_opts_default(&o);
    o.poll_ms = 10;
    io_drv_t *d = io_drv_create_on(&link, &o);
    assert_non_null(d);
    assert_int_equal(count_events(d, IO_EV_CONNECTED, 1000, 1), 1);
    io_snapshot_t s;
    io_drv_snapshot(d, &s);
    assert_int_equal(s.module_id, MF_IO_MODULE_ID);
    assert_true(s.estop_ok);

    /* Two quick presses between polls still give two events. */
    set_inputs(f, false, true, 9, 2);
    assert_int_equal(count_events(d, IO_EV_START_PRESSED, 1000, 2), 2);
    set_inputs(f, false, false, 9, 3);
    assert_int_equal(count_events(d, IO_EV_ESTOP_OPENED, 1000, 1), 1);
    set_inputs(f, false, true, 9, 3);
    assert_int_equal(count_events(d, IO_EV_ESTOP_CLOSED, 1000, 1), 1);

    /* The light pattern reaches the coils. */
    io_light_t l = {.green = IO_LAMP_ON, .red = IO_LAMP_ON};
    io_drv_set_light(d, &l);
    assert_true(TU_WAIT(coil(f, MF_IO_CO_GREEN) == 1 && coil(f, MF_IO_CO_RED) == 1 &&
                            coil(f, MF_IO_CO_ORANGE) == 0,
                        1000));

    /* A CRC error is one bad poll; a disconnection is reported and recovered. */
    mb_fake_fail_next(f, 1, MF_ECRC, 0);
    tu_sleep_ms(50);
    io_drv_snapshot(d, &s);
    assert_int_equal(s.conn, IO_CONN_CONNECTED);
    mb_fake_disconnect_after(f, 1);
    assert_int_equal(count_events(d, IO_EV_DISCONNECTED, 1000, 1), 1);
    mb_fake_set_online(f, true);
    assert_int_equal(count_events(d, IO_EV_CONNECTED, 3000, 1), 1);
    /* Outputs are rewritten after a reconnection. */
    mb_fake_lock(f);
    mb_fake_table(f, MB_COILS)[MF_IO_CO_GREEN] = 0;
    mb_fake_unlock(f);
    mb_fake_disconnect_after(f, 1);
    assert_int_equal(count_events(d, IO_EV_DISCONNECTED, 1000, 1), 1);
    mb_fake_set_online(f, true);
    assert_true(TU_WAIT(coil(f, MF_IO_CO_GREEN) == 1, 3000));
    io_drv_destroy(d);
    /* Destroy turned the light off. */
    assert_int_equal(coil(f, MF_IO_CO_GREEN), 0);
    mb_fake_destroy(f);
}

static void test_scanner_filter(void **state)
{
    scanner_filter_t *f = scanner_filter_create("^MF-[0-9]{6}$", 3000);
    assert_non_null(f);
    assert_int_equal(scanner_filter_judge(f, "MF-000123", 1000), SCAN_ACCEPT);
    assert_int_equal(scanner_filter_judge(f, "MF-000123", 2000), SCAN_DUPLICATE);
    assert_int_equal(scanner_filter_judge(f, "MF-000124", 2100), SCAN_ACCEPT);
    /* Held under the reader: each repeat extends the window. */
    assert_int_equal(scanner_filter_judge(f, "MF-000123", 4500), SCAN_DUPLICATE);
    assert_int_equal(scanner_filter_judge(f, "MF-000123", 7600), SCAN_ACCEPT);
    assert_int_equal(scanner_filter_judge(f, "MF-12", 8000), SCAN_INVALID);
    assert_int_equal(scanner_filter_judge(f, "3017620422003", 8000), SCAN_INVALID);
    assert_int_equal(scanner_filter_judge(f,
                                          "MF-00\x01"
                                          "123",
                                          8000),
                     SCAN_INVALID);
    assert_int_equal(scanner_filter_judge(f, "", 8000), SCAN_INVALID);
    scanner_filter_destroy(f);
    assert_null(scanner_filter_create("([", 1000));
}

static serial_port_t *fake_open(void *user, char *why, size_t why_len)
{
    serial_port_t *p = serial_fake_open(user);
    if (!p)
        snprintf(why, why_len, "fake scanner unplugged");
    return p;
}

static bool next_event(scanner_drv_t *d, scanner_event_t *ev, int timeout_ms)
{
    long long end = tu_now_ms() + timeout_ms;
    while (tu_now_ms() < end) {
        if (scanner_drv_poll_event(d, ev))
            return true;
        tu_sleep_ms(2);
    }
    return false;
}

static void test_scanner_driver(void **state)
{
    int fds = tu_count_fds();
    serial_fake_t *fk = serial_fake_create(NULL, NULL, NULL);
    scanner_opts_t o;
    scanner_opts_default(&o);
    o.pattern = "^MF-[0-9]{6}$";
    scanner_drv_t *d = scanner_drv_create_with(fake_open, fk, &o);
    assert_non_null(d);
    scanner_event_t ev;
    assert_true(next_event(d, &ev, 1000));
    assert_int_equal(ev.kind, SCANNER_EV_ONLINE);

    /* A code split across reads, a duplicate, garbage, CRLF, an empty line. */
    serial_fake_push_str(fk, "MF-00");
    tu_sleep_ms(20);
    serial_fake_push_str(fk, "0042\r\nMF-000042\r\n\r\n\xff\xfe garbage\nMF-000043\n");
    assert_true(next_event(d, &ev, 1000));
    assert_int_equal(ev.kind, SCANNER_EV_TICKET);
    assert_string_equal(ev.code, "MF-000042");
    assert_true(next_event(d, &ev, 1000));
    assert_int_equal(ev.kind, SCANNER_EV_INVALID);
    assert_true(next_event(d, &ev, 1000));
    assert_int_equal(ev.kind, SCANNER_EV_TICKET);
    assert_string_equal(ev.code, "MF-000043");
    scanner_snapshot_t s;
    scanner_drv_snapshot(d, &s);
    assert_int_equal(s.tickets, 2);
    assert_int_equal(s.duplicates, 1);
    assert_int_equal(s.invalid, 1);

    /* Cable pulled on the next call, then back. */
    serial_fake_disconnect_after(fk, 1);
    assert_true(next_event(d, &ev, 1000));
    assert_int_equal(ev.kind, SCANNER_EV_OFFLINE);
    serial_fake_reconnect(fk);
    assert_true(next_event(d, &ev, 3000));
    assert_int_equal(ev.kind, SCANNER_EV_ONLINE);
    serial_fake_push_str(fk, "MF-000044\n");
    assert_true(next_event(d, &ev, 1000));
    assert_string_equal(ev.code, "MF-000044");
    scanner_drv_destroy(d);
    serial_fake_destroy(fk);
    assert_int_equal(tu_count_fds(), fds);
}

int main(void)
{
    mf_log_set_level(MF_LOG_OFF);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_light_patterns),
        cmocka_unit_test(test_io_driver),
        cmocka_unit_test(test_scanner_filter),
        cmocka_unit_test(test_scanner_driver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
