/*
 * test_serial.c - drivers/serial: address syntax, line splitting, the termios
 * implementation on a real pseudo-terminal pair, and the fake's fault seams.
 */
#include "serial.h"
#include "serial_fake.h"
#include "mf_error.h"
#include "test_util.h"

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static void test_addr_parse(void **state)
{
    serial_addr_t a;
    assert_int_equal(serial_addr_parse("/dev/ttyUSB0", &a), 0);
    assert_int_equal(a.kind, SERIAL_ADDR_AUTO);
    assert_string_equal(a.path, "/dev/ttyUSB0");
    assert_int_equal(a.baud, 0);

    assert_int_equal(serial_addr_parse("tty:/tmp/grbl@115200", &a), 0);
    assert_int_equal(a.kind, SERIAL_ADDR_TERMIOS);
    assert_string_equal(a.path, "/tmp/grbl");
    assert_int_equal(a.baud, 115200);

    assert_int_equal(serial_addr_parse("sp:/dev/ttyACM0", &a), 0);
    assert_int_equal(a.kind, SERIAL_ADDR_SP);

    assert_int_equal(serial_addr_parse("usb:1a86:7523", &a), 0);
    assert_int_equal(a.kind, SERIAL_ADDR_USB);
    assert_int_equal(a.vid, 0x1a86);
    assert_int_equal(a.pid, 0x7523);
    assert_string_equal(a.usb_serial, "");

    assert_int_equal(serial_addr_parse("usb:2341:0043:85736323838351F0A1C1@9600", &a), 0);
    assert_string_equal(a.usb_serial, "85736323838351F0A1C1");
    assert_int_equal(a.baud, 9600);

    assert_int_equal(serial_addr_parse("", &a), MF_EINVAL);
    assert_int_equal(serial_addr_parse("usb:zz:0043", &a), MF_EINVAL);
    assert_int_equal(serial_addr_parse("usb:2341", &a), MF_EINVAL);
    assert_int_equal(serial_addr_parse("usb:12345:1", &a), MF_EINVAL);
    assert_int_equal(serial_addr_parse("/dev/x@fast", &a), MF_EINVAL);
    assert_int_equal(serial_addr_parse("tty:", &a), MF_EINVAL);
}

static void test_linebuf(void **state)
{
    serial_linebuf_t lb = {0};
    char line[16];
    const char *in = "ok\r\nerr";
    memcpy(lb.data, in, strlen(in));
    lb.used = strlen(in);
    assert_int_equal(serial_linebuf_take(&lb, line, sizeof line), 1);
    assert_string_equal(line, "ok");
    assert_int_equal(serial_linebuf_take(&lb, line, sizeof line), 0); /* "err" incomplete */
    memcpy(lb.data + lb.used, "or:9\n", 5);
    lb.used += 5;
    assert_int_equal(serial_linebuf_take(&lb, line, sizeof line), 1);
    assert_string_equal(line, "error:9");
    /* An over-long line is cut to the caller's buffer. */
    memset(lb.data, 'x', 40);
    lb.data[40] = '\n';
    lb.used = 41;
    assert_int_equal(serial_linebuf_take(&lb, line, sizeof line), 1);
    assert_int_equal(strlen(line), sizeof line - 1);
    assert_int_equal(lb.used, 0);
}

/* termios on a pseudo-terminal, as firmware-sim offers its devices. */
static void test_termios_pty(void **state)
{
    int fds_before = tu_count_fds();
    int master, slave;
    char name[128];
    assert_int_equal(openpty(&master, &slave, name, NULL, NULL), 0);
    close(slave);
    /* A symlink to the pty, like --engraver-pty PATH makes. */
    char link[64];
    snprintf(link, sizeof link, "/tmp/mf-test-serial-%d", (int)getpid());
    unlink(link);
    assert_int_equal(symlink(name, link), 0);

    char why[160];
    serial_port_t *p = serial_open(link, 115200, why, sizeof why);
    assert_non_null(p);
    assert_string_equal(serial_kind(p), "termios");

    assert_int_equal(serial_write(p, "G0 X1\n", 6, 200), 0);
    char buf[32] = {0};
    ssize_t n = 0;
    for (int i = 0; i < 50 && n < 6; i++) {
        ssize_t r = read(master, buf + n, sizeof buf - 1 - (size_t)n);
        if (r > 0)
            n += r;
        else
            tu_sleep_ms(2);
    }
    assert_int_equal(n, 6);
    assert_memory_equal(buf, "G0 X1\n", 6);

    assert_int_equal(write(master, "ok\r\nok\n", 7), 7);
    serial_linebuf_t lb = {0};
    char line[32];
    assert_true(serial_read_line(p, &lb, line, sizeof line, 500) > 0);
    assert_string_equal(line, "ok");
    assert_true(serial_read_line(p, &lb, line, sizeof line, 500) > 0);
    assert_string_equal(line, "ok");
    /* Nothing more: a timeout, not an error. */
    assert_int_equal(serial_read_line(p, &lb, line, sizeof line, 20), 0);

    /* The other side goes away: reads report the closed link. */
    close(master);
    int rc = serial_read(p, buf, sizeof buf, 200);
    assert_int_equal(rc, MF_ECLOSED);
    serial_close(p);
    unlink(link);
    assert_int_equal(tu_count_fds(), fds_before);
}

static void test_open_errors(void **state)
{
    char why[160];
    assert_null(serial_open("tty:/nonexistent/port", 115200, why, sizeof why));
    assert_non_null(strstr(why, "/nonexistent/port"));
    assert_null(serial_open("usb:ffff:fffe", 115200, why, sizeof why));
    assert_non_null(strstr(why, "ffff:fffe"));
    assert_null(serial_open("bogus@@", 115200, why, sizeof why));
    assert_non_null(strstr(why, "bad serial address"));
    /* Listing never fails on a machine without ports. */
    serial_port_info_t ports[8];
    assert_true(serial_list_ports(ports, 8) >= 0);
}

/* Ports are exclusive: a second open (here or in another process) fails at
 * once with MF_EPORTBUSY and names the holder; the port is free again once
 * closed. A path with nothing behind it says so. */
static void test_exclusive_open(void **state)
{
    int master, slave;
    char name[128];
    assert_int_equal(openpty(&master, &slave, name, NULL, NULL), 0);
    close(slave);
    char why[200];
    int err = 0;
    serial_port_t *a = serial_open_ex(name, 115200, why, sizeof why, &err);
    assert_non_null(a);
    assert_int_equal(err, 0);
    assert_null(serial_open_ex(name, 115200, why, sizeof why, &err));
    assert_int_equal(err, MF_EPORTBUSY);
    assert_non_null(strstr(why, "busy"));
    serial_close(a);

    /* Held by another process: its name and pid are given. */
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        serial_port_t *c = serial_open(name, 115200, NULL, 0);
        char ok = c ? 'y' : 'n';
        if (write(ready[1], &ok, 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    char ok = 0;
    assert_int_equal(read(ready[0], &ok, 1), 1);
    assert_int_equal(ok, 'y');
    assert_null(serial_open_ex(name, 115200, why, sizeof why, &err));
    assert_int_equal(err, MF_EPORTBUSY);
    char pid_text[32];
    snprintf(pid_text, sizeof pid_text, "(pid %d)", (int)child);
    assert_non_null(strstr(why, pid_text));
    char who[96];
    assert_int_equal(serial_port_holder(name, who, sizeof who), (int)child);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    close(ready[0]);
    close(ready[1]);
    /* Free again. */
    a = serial_open_ex(name, 115200, why, sizeof why, &err);
    assert_non_null(a);
    serial_close(a);
    close(master);

    assert_null(serial_open_ex("/tmp/mf-no-such-serial-port", 115200, why, sizeof why, &err));
    assert_int_equal(err, MF_ENOENT);
    assert_non_null(strstr(why, "no such serial port"));
}

static void echo_peer(void *user, serial_fake_t *fk, const unsigned char *data, size_t len)
{
    serial_fake_push(fk, data, len);
}

static void test_fake_faults(void **state)
{
    serial_fake_t *fk = serial_fake_create(echo_peer, NULL, NULL);
    serial_port_t *p = serial_fake_open(fk);
    assert_non_null(p);
    assert_null(serial_fake_open(fk)); /* one at a time */
    char buf[16];
    assert_int_equal(serial_write(p, "abc", 3, 100), 0);
    assert_int_equal(serial_read(p, buf, sizeof buf, 100), 3);

    /* Partial frame: at most 2 bytes accepted. */
    serial_fake_write_limit(fk, 2);
    assert_int_equal(serial_write(p, "abcd", 4, 100), MF_ETIMEDOUT);
    serial_fake_write_limit(fk, 0);
    assert_int_equal(serial_read(p, buf, sizeof buf, 100), 2);

    /* Stall: data waiting but the read times out. */
    serial_fake_push_str(fk, "x");
    serial_fake_stall(fk, 1);
    assert_int_equal(serial_read(p, buf, sizeof buf, 10), 0);
    assert_int_equal(serial_read(p, buf, sizeof buf, 10), 1);

    /* Disconnect on the 2nd call from now. */
    serial_fake_disconnect_after(fk, 2);
    assert_int_equal(serial_write(p, "a", 1, 100), 0);
    assert_int_equal(serial_read(p, buf, sizeof buf, 10), MF_ECLOSED);
    assert_int_equal(serial_write(p, "a", 1, 100), MF_ECLOSED);
    serial_close(p);
    assert_false(serial_fake_is_open(fk));
    assert_null(serial_fake_open(fk)); /* still unplugged */
    serial_fake_reconnect(fk);
    p = serial_fake_open(fk);
    assert_non_null(p);
    serial_close(p);
    char all[64];
    serial_fake_written(fk, all, sizeof all);
    assert_string_equal(all, "abcaba"); /* the write after the unplug never arrived */
    serial_fake_destroy(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr_parse),  cmocka_unit_test(test_linebuf),
        cmocka_unit_test(test_termios_pty), cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_fake_faults), cmocka_unit_test(test_exclusive_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
