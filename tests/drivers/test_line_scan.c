/*
 * test_line_scan.c - drivers.line_scan: the line driver against a PLC that
 * is not the instant simulator, and against addresses that fail, all on
 * loopback or in a network namespace of our own:
 *   - minifab-sim --scan-ms 250 and 500 (registers copied once per scan, as
 *     the second PLC implementation did): every command accepted, one claim,
 *     never "mailbox lost";
 *   - every mailbox taken by other clients: "no free command slot on the PLC
 *     (8 in use)" at once, and a command goes through once one is released;
 *   - a PLC publishing map version 2: refused, nothing written;
 *   - `delay plc 450`: stale follows the age of the last complete read;
 *   - why an address fails: connection refused (a port nobody listens on),
 *     name not resolved (.invalid), timed out (a listener whose queue is
 *     full), no route to host (a network namespace without routes), each
 *     logged once through mf_log however often the driver retries.
 */
#include "line_drv.h"
#include "mb_link.h"
#include "mf_error.h"
#include "mf_log.h"
#include "sim_child.h"
#include "test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static sim_child_t sim;
static char control_path[64], log_path[64];

static int start_sim(const char *const *extra)
{
    snprintf(control_path, sizeof control_path, "/tmp/mf-scantest-%d.sock", (int)getpid());
    return sim_child_start(&sim, NULL, 0, "none", "none", "none", control_path, extra, 5000);
}

static int setup(void **state)
{
    (void)state;
    snprintf(log_path, sizeof log_path, "/tmp/mf-scantest-%d.log", (int)getpid());
    unlink(log_path);
    mf_log_set_level(MF_LOG_INFO);
    return mf_log_open_file(log_path, 1u << 20);
}

static int teardown(void **state)
{
    (void)state;
    sim_child_stop(&sim, 0);
    mf_log_open_file(NULL, 0);
    unlink(log_path);
    return 0;
}

/* Lines of the log file that contain NEEDLE. */
static int log_count(const char *needle)
{
    FILE *f = fopen(log_path, "r");
    if (!f)
        return 0;
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    fclose(f);
    return n;
}

static line_drv_t *driver(int port)
{
    char uri[64];
    snprintf(uri, sizeof uri, "tcp://127.0.0.1:%d", port);
    line_drv_opts_t o;
    line_drv_opts_default(&o);
    line_drv_t *d = line_drv_create(uri, &o);
    assert_non_null(d);
    return d;
}

static line_snapshot_t snap_of(line_drv_t *d)
{
    line_snapshot_t s;
    line_drv_snapshot(d, &s);
    return s;
}

static bool wait_result(line_drv_t *d, uint32_t tag, line_event_t *ev, int timeout_ms)
{
    long long end = tu_now_ms() + timeout_ms;
    while (tu_now_ms() < end) {
        if (line_drv_poll_event(d, ev)) {
            if (ev->kind == LINE_EV_RESULT && ev->tag == tag)
                return true;
            continue;
        }
        tu_sleep_ms(2);
    }
    return false;
}

/* TAG by address: read after RC's call has set it. */
static void expect_accepted(line_drv_t *d, int rc, const uint32_t *tag)
{
    line_event_t ev;
    assert_int_equal(rc, 0);
    assert_true(wait_result(d, *tag, &ev, 4000));
    if (ev.result != LINE_RESULT_ACCEPTED)
        print_error("%s: %s\n", line_cmd_name(ev.cmd), ev.text);
    assert_int_equal(ev.result, LINE_RESULT_ACCEPTED);
}

static void run_on_scan(const char *scan_ms)
{
    const char *extra[] = {"--scan-ms", scan_ms, "--speed", "20", NULL};
    int rc = start_sim(extra);
    if (rc == MF_ENOENT)
        skip(); /* minifab-sim not built */
    assert_int_equal(rc, 0);
    line_drv_t *d = driver(sim.plc_port);
    assert_true(TU_WAIT(snap_of(d).conn == LINE_CONN_CONNECTED, 3000));
    uint32_t tag;
    expect_accepted(d, line_drv_reset(d, &tag), &tag);
    assert_true(TU_WAIT(snap_of(d).line_state == MF_PACKML_IDLE, 3000));
    expect_accepted(d, line_drv_start(d, &tag), &tag);
    for (int i = 0; i < 4; i++)
        expect_accepted(d, line_drv_submit_order(d, MF_COLOUR_RED, i % 2, &tag), &tag);
    expect_accepted(d, line_drv_ack(d, &tag), &tag);
    assert_true(TU_WAIT(snap_of(d).submitted == 4, 2000));
    line_drv_destroy(d);
    assert_int_equal(log_count("claimed"), 1);
    assert_int_equal(log_count("lost"), 0);
    /* The clean stop released the mailbox (RELEASE with the token). */
    char answer[4096];
    assert_int_equal(sim_child_control(control_path, "status", answer, sizeof answer), 0);
    assert_non_null(strstr(answer, "plc.mailboxes owned=0"));
    sim_child_stop(&sim, 0);
}

static void test_scan_250(void **state)
{
    (void)state;
    run_on_scan("250");
}

static void test_scan_500(void **state)
{
    (void)state;
    run_on_scan("500");
}

static void test_every_mailbox_taken(void **state)
{
    (void)state;
    const char *extra[] = {"--scan-ms", "100", NULL};
    int rc = start_sim(extra);
    if (rc == MF_ENOENT)
        skip();
    assert_int_equal(rc, 0);
    mb_link_t others[MF_PLC_MBOX_COUNT];
    for (int k = 0; k < MF_PLC_MBOX_COUNT; k++) {
        assert_int_equal(
            mb_link_tcp_init(&others[k], "127.0.0.1", sim.plc_port, MF_PLC_UNIT_ID, 500), 0);
        assert_int_equal(others[k].ops->connect(others[k].ctx), 0);
        uint16_t tok[2] = {0x7000, (uint16_t)(k + 1)};
        assert_int_equal(others[k].ops->write_regs(others[k].ctx, MF_PLC_HR_MBOX(k), 2, tok), 0);
    }
    tu_sleep_ms(250); /* two scans: the echo is published */
    line_drv_t *d = driver(sim.plc_port);
    assert_true(TU_WAIT(snap_of(d).conn == LINE_CONN_CONNECTED, 3000));
    uint32_t tag;
    line_event_t ev;
    long long t0 = tu_now_ms();
    assert_int_equal(line_drv_submit_order(d, MF_COLOUR_GREEN, false, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 4000));
    assert_true(tu_now_ms() - t0 < 1000); /* said at once, not after a timeout */
    assert_int_equal(ev.result, LINE_RESULT_REFUSED);
    assert_int_equal(ev.error, MF_ENOSLOT);
    assert_string_equal(ev.text, "no free command slot on the PLC (8 in use)");
    /* Mailbox 5's owner releases it (RELEASE with its token): ours next. */
    uint16_t rel[8] = {0x7000, 6, 1, MF_PLC_CMD_RELEASE, 0, 0, 0, 0};
    assert_int_equal(others[5].ops->write_regs(others[5].ctx, MF_PLC_HR_MBOX(5), 8, rel), 0);
    tu_sleep_ms(250);
    expect_accepted(d, line_drv_submit_order(d, MF_COLOUR_GREEN, false, &tag), &tag);
    assert_int_equal(snap_of(d).mailbox, 5);
    line_drv_destroy(d);
    for (int k = 0; k < MF_PLC_MBOX_COUNT; k++)
        mb_link_deinit(&others[k]);
    sim_child_stop(&sim, 0);
}

static void test_incompatible_plc(void **state)
{
    (void)state;
    int rc = start_sim(NULL);
    if (rc == MF_ENOENT)
        skip();
    assert_int_equal(rc, 0);
    char answer[4096];
    assert_int_equal(sim_child_control(control_path, "plc map-version 2", answer, sizeof answer),
                     0);
    line_drv_t *d = driver(sim.plc_port);
    assert_true(TU_WAIT(snap_of(d).conn == LINE_CONN_INCOMPATIBLE, 3000));
    line_snapshot_t s = snap_of(d);
    assert_string_equal(s.last_error, "incompatible PLC (map version 2, this kiosk knows 1)");
    assert_false(line_snapshot_usable(&s));
    uint32_t tag;
    line_event_t ev;
    assert_int_equal(line_drv_submit_order(d, MF_COLOUR_RED, false, &tag), 0);
    assert_true(wait_result(d, tag, &ev, 4000));
    assert_int_equal(ev.result, LINE_RESULT_REFUSED);
    assert_int_equal(ev.error, MF_EINCOMPAT);
    assert_int_equal(sim_child_control(control_path, "status", answer, sizeof answer), 0);
    assert_non_null(strstr(answer, "submitted=0"));
    assert_non_null(strstr(answer, "plc.mailboxes owned=0"));
    assert_int_equal(log_count("incompatible PLC (map version 2, this kiosk knows 1)"), 1);
    line_drv_destroy(d);
    sim_child_stop(&sim, 0);
}

/* `delay plc 450`: each request answered just under the 500 ms timeout, a
 * read of four requests takes ~1.8 s. Stale must say so at every moment. */
static void test_stale_under_delay(void **state)
{
    (void)state;
    int rc = start_sim(NULL);
    if (rc == MF_ENOENT)
        skip();
    assert_int_equal(rc, 0);
    line_drv_t *d = driver(sim.plc_port);
    assert_true(TU_WAIT(snap_of(d).conn == LINE_CONN_CONNECTED, 3000));
    char answer[256];
    assert_int_equal(sim_child_control(control_path, "delay plc 450", answer, sizeof answer), 0);
    long long end = tu_now_ms() + 4000;
    int stale = 0, samples = 0;
    while (tu_now_ms() < end) {
        line_snapshot_t s = snap_of(d);
        long long age = tu_now_ms() - s.last_good_ms;
        if (age > 1020)
            assert_true(s.stale);
        else if (age < 980)
            assert_false(s.stale);
        stale += s.stale;
        samples++;
        tu_sleep_ms(20);
    }
    print_message("stale in %d of %d samples\n", stale, samples);
    assert_true(stale > 0);
    line_drv_destroy(d);
    sim_child_stop(&sim, 0);
}

/* Waits for the driver on URI to report ERROR; checks the text and that the
 * log said it once, whatever the number of retries. */
static void expect_reason(const char *uri, int error, const char *logged, int wait_ms)
{
    line_drv_opts_t o;
    line_drv_opts_default(&o);
    line_drv_t *d = line_drv_create(uri, &o);
    assert_non_null(d);
    assert_true(TU_WAIT(snap_of(d).error == error, wait_ms));
    line_snapshot_t s = snap_of(d);
    assert_string_equal(s.last_error, mf_strerror(error));
    assert_int_not_equal(s.conn, LINE_CONN_CONNECTED);
    tu_sleep_ms(1500); /* several retries */
    line_drv_destroy(d);
    char needle[256];
    snprintf(needle, sizeof needle, "PLC not answering: %s (%s)", logged, uri);
    assert_int_equal(log_count(needle), 1);
}

static void test_reason_refused(void **state)
{
    (void)state;
    /* A port bound but never listened on: nobody listens there. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &len);
    char uri[64];
    snprintf(uri, sizeof uri, "tcp://127.0.0.1:%d", ntohs(sa.sin_port));
    expect_reason(uri, MF_ECONNREFUSED, "connection refused", 4000);
    close(fd);
}

static void test_reason_name(void **state)
{
    (void)state;
    /* The resolver answers .invalid from its own rules or its server; a
     * machine whose resolver is unreachable takes its timeout (5 s a try). */
    expect_reason("tcp://plc.minifab.invalid:502", MF_ENONAME, "name not resolved", 15000);
}

static void test_reason_timeout(void **state)
{
    (void)state;
    /* A listener that never accepts, its queue full: the SYN is dropped. */
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(lfd, 0), 0);
    socklen_t len = sizeof sa;
    getsockname(lfd, (struct sockaddr *)&sa, &len);
    int fill[4];
    for (int i = 0; i < 4; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(fill[i], (struct sockaddr *)&sa, sizeof sa);
    }
    tu_sleep_ms(100);
    char uri[64];
    snprintf(uri, sizeof uri, "tcp://127.0.0.1:%d", ntohs(sa.sin_port));
    expect_reason(uri, MF_ETIMEDOUT, "timed out", 4000);
    for (int i = 0; i < 4; i++)
        close(fill[i]);
    close(lfd);
}

/* No route: a child process in a network namespace of its own, where not
 * even loopback is up. Nothing leaves the machine. */
static void test_reason_no_route(void **state)
{
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (unshare(CLONE_NEWNET) != 0)
            _exit(77); /* not allowed here: skipped */
        line_drv_opts_t o;
        line_drv_opts_default(&o);
        line_drv_t *d = line_drv_create("tcp://127.0.0.1:1502", &o);
        int ok = d && TU_WAIT(snap_of(d).error == MF_ENOROUTE, 3000);
        ok = ok && strcmp(snap_of(d).last_error, "no route to host") == 0;
        line_drv_destroy(d);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77)
        skip();
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scan_250, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_500, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_mailbox_taken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incompatible_plc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_under_delay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reason_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reason_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reason_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reason_no_route, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
