/*
 * test_devices.c - platform.devices: the kiosk's devices module
 * (app/platform/devices.h). What an address that cannot be right is, judged
 * without opening anything; a pseudo-terminal and a USB id pass; the summary
 * of devices not configured; a device that is absent is not an error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "devices.h"
#include "mf_error.h"

#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void expect_refused(device_kind_t kind, const char *address, const char *want)
{
    char why[512] = "";
    int rc = devices_check_address(kind, address, why, sizeof why);
    if (rc == MF_OK || !strstr(why, want))
        fail_msg("%s '%s': rc %d, want \"%s\", got \"%s\"", devices_kind_name(kind), address, rc,
                 want, why);
}

static void test_serial_paths_that_cannot_be_right(void **state)
{
    char dir[] = "/tmp/minifab-devices-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[600];

    expect_refused(DEVICE_ENGRAVER, "/dev/null", "is a mem device, not a serial port");
    expect_refused(DEVICE_IO, dir, "is a directory, not a serial port");
    expect_refused(DEVICE_SCANNER, "/nonexistent/ttyACM0", "does not exist (no such serial port)");
    expect_refused(DEVICE_ENGRAVER, "usb:12345:1", "is not a serial address");
    expect_refused(DEVICE_ENGRAVER, "/dev/ttyUSB0@fast", "is not a serial address");

    snprintf(path, sizeof path, "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    expect_refused(DEVICE_SCANNER, path, "is a named pipe (FIFO), not a serial port");
    unlink(path);

    snprintf(path, sizeof path, "%s/file", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    expect_refused(DEVICE_IO, path, "is a regular file, not a serial port");
    unlink(path);

    snprintf(path, sizeof path, "%s/loop", dir);
    assert_int_equal(symlink(path, path), 0);
    expect_refused(DEVICE_ENGRAVER, path, "is a loop of symbolic links");
    unlink(path);
    rmdir(dir);
}

static void test_plc_addresses_that_cannot_be_right(void **state)
{
    expect_refused(DEVICE_LINE, "garbage", "name not resolved");
    expect_refused(DEVICE_LINE, "tcp://host.invalid:502", "name not resolved");
    expect_refused(DEVICE_LINE, "tcp://127.0.0.1:0", "is not a PLC address");
    expect_refused(DEVICE_LINE, "udp://127.0.0.1:502", "is not a PLC address");
    expect_refused(DEVICE_LINE, "", "empty address");
    char why[256];
    /* unreachable is not wrong: the driver retries and says why */
    assert_int_equal(devices_check_address(DEVICE_LINE, "tcp://127.0.0.1:1", why, sizeof why),
                     MF_OK);
    assert_int_equal(devices_check_address(DEVICE_LINE, "localhost", why, sizeof why), MF_OK);
}

static void test_right_addresses_pass(void **state)
{
    int master, slave;
    char name[128];
    assert_int_equal(openpty(&master, &slave, name, NULL, NULL), 0);
    char why[256] = "";
    assert_int_equal(devices_check_address(DEVICE_ENGRAVER, name, why, sizeof why), MF_OK);
    char tty[160];
    snprintf(tty, sizeof tty, "tty:%s@115200", name);
    assert_int_equal(devices_check_address(DEVICE_SCANNER, tty, why, sizeof why), MF_OK);
    /* a USB device found by its ids may be plugged in later */
    assert_int_equal(devices_check_address(DEVICE_SCANNER, "usb:0483:5740", why, sizeof why),
                     MF_OK);
    close(slave);
    close(master);
}

static void test_nothing_configured(void **state)
{
    devices_config_t cfg = {0};
    char why[256] = "";
    devices_t *d = devices_create(&cfg, why, sizeof why);
    assert_non_null(d);
    assert_null(devices_line(d));
    assert_null(devices_io(d));
    assert_null(devices_engraver(d));
    assert_null(devices_scanner(d));
    devices_tick(d, 1000);
    for (int k = 0; k < DEVICE_COUNT; k++) {
        device_summary_t s;
        devices_summary(d, (device_kind_t)k, &s);
        assert_false(s.configured);
        assert_false(s.connected);
        assert_string_equal(s.state, "not configured");
        assert_string_equal(s.name, devices_kind_name((device_kind_t)k));
    }
    devices_destroy(d);
}

/* A refused address starts nothing and says which device. */
static void test_create_refuses_with_the_device_named(void **state)
{
    devices_config_t cfg = {0};
    cfg.address[DEVICE_LINE] = "tcp://127.0.0.1:1";
    cfg.address[DEVICE_ENGRAVER] = "/dev/null";
    char why[256] = "";
    assert_null(devices_create(&cfg, why, sizeof why));
    assert_string_equal(why, "engraver: '/dev/null' is a mem device, not a serial port");
}

/* An absent PLC: the summary says it is not answering, with the reason. */
static void test_absent_plc_is_summarised(void **state)
{
    devices_config_t cfg = {0};
    cfg.address[DEVICE_LINE] = "tcp://127.0.0.1:1";
    char why[256] = "";
    devices_t *d = devices_create(&cfg, why, sizeof why);
    assert_non_null(d);
    assert_non_null(devices_line(d));
    device_summary_t s;
    for (int i = 0; i < 200; i++) { /* the driver's first attempt, at most 2 s */
        devices_tick(d, i);
        devices_summary(d, DEVICE_LINE, &s);
        if (!strcmp(s.state, "PLC not answering"))
            break;
        usleep(10000);
    }
    assert_string_equal(s.state, "PLC not answering");
    assert_true(s.configured);
    assert_false(s.connected);
    assert_string_equal(s.address, "tcp://127.0.0.1:1");
    assert_true(s.last_error[0] != '\0');
    devices_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serial_paths_that_cannot_be_right),
        cmocka_unit_test(test_plc_addresses_that_cannot_be_right),
        cmocka_unit_test(test_right_addresses_pass),
        cmocka_unit_test(test_nothing_configured),
        cmocka_unit_test(test_create_refuses_with_the_device_named),
        cmocka_unit_test(test_absent_plc_is_summarised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
