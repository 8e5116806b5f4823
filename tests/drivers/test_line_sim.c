/*
 * test_line_sim.c - the drivers against firmware-sim (build/bin/minifab-sim,
 * found through MINIFAB_BIN_DIR), the real devices' stand-in:
 *   - the simulator killed and restarted during polling: the snapshot says
 *     disconnected within 1 s and connected within 3 s of its return, with no
 *     leaked thread or file descriptor;
 *   - two line drivers submitting orders at once: every order delivered once;
 *   - an engraver alarm mid-job: the job fails with the alarm's text and the
 *     next job succeeds after a reset;
 *   - the I/O module over Modbus RTU on the simulator's pty (button, e-stop,
 *     stack light) and the scanner (a scanned ticket, a duplicate).
 * Each test uses its own port and pty paths (named after the pid), and stops
 * its simulator whatever happens.
 */
#include "grbl_drv.h"
#include "io_drv.h"
#include "line_drv.h"
#include "mb_link.h"
#include "scanner_drv.h"
#include "mf_error.h"
#include "mf_log.h"
#include "sim_child.h"
#include "test_util.h"

#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static sim_child_t sim;
static char engraver_path[64], control_path[64], io_path[64], scanner_path[64];

static int count_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

static int start_sim(int port, const char *const *extra)
{
    snprintf(engraver_path, sizeof engraver_path, "/tmp/mf-drvtest-%d-grbl", (int)getpid());
    snprintf(control_path, sizeof control_path, "/tmp/mf-drvtest-%d.sock", (int)getpid());
    snprintf(io_path, sizeof io_path, "/tmp/mf-drvtest-%d-io", (int)getpid());
    snprintf(scanner_path, sizeof scanner_path, "/tmp/mf-drvtest-%d-scan", (int)getpid());
    return sim_child_start(&sim, NULL, port, io_path, engraver_path, scanner_path, control_path,
                           extra, 5000);
}

static int teardown(void **state)
{
    sim_child_stop(&sim, 0);
    return 0;
}

static line_conn_t conn_of(line_drv_t *d)
{
    line_snapshot_t s;
    line_drv_snapshot(d, &s);
    return s.conn;
}

static void test_kill_and_restart(void **state)
{
    int rc = start_sim(0, NULL);
    if (rc == MF_ENOENT)
        skip(); /* minifab-sim not built */
    assert_int_equal(rc, 0);
    int port = sim.plc_port;
    int fds = tu_count_fds(), threads = count_threads();
    char uri[64];
    snprintf(uri, sizeof uri, "tcp://127.0.0.1:%d", port);
    line_drv_opts_t o;
    line_drv_opts_default(&o);
    line_drv_t *d = line_drv_create(uri, &o);
    assert_non_null(d);
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 2000));
    line_snapshot_t s;
    line_drv_snapshot(d, &s);
    assert_int_equal(s.map_version, MF_PLC_MAP_VERSION);

    sim_child_stop(&sim, 1); /* a crash: SIGKILL */
    long long t0 = tu_now_ms();
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_DISCONNECTED, 1000));
    long long down_ms = tu_now_ms() - t0;
    tu_sleep_ms(1500); /* let the backoff grow */
    assert_int_equal(start_sim(port, NULL), 0);
    t0 = tu_now_ms();
    assert_true(TU_WAIT(conn_of(d) == LINE_CONN_CONNECTED, 3000));
    long long up_ms = tu_now_ms() - t0;
    print_message("disconnected after %lld ms, connected %lld ms after the restart\n", down_ms,
                  up_ms);
    line_drv_snapshot(d, &s);
    assert_false(s.stale);
    assert_int_equal(s.reconnects, 1);
    line_drv_destroy(d);
    assert_int_equal(tu_count_fds(), fds);
    assert_int_equal(count_threads(), threads);
    sim_child_stop(&sim, 0);
}

typedef struct {
    line_drv_t *d;
    uint32_t tags[8];
    uint32_t orders[8];
    int accepted;
} kiosk_t;

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

static void test_two_kiosks_orders_once(void **state)
{
    const char *extra[] = {"--speed", "40", "--reject-rate", "0", NULL};
    int rc = start_sim(0, extra);
    if (rc == MF_ENOENT)
        skip();
    assert_int_equal(rc, 0);
    char uri[64];
    snprintf(uri, sizeof uri, "127.0.0.1:%d", sim.plc_port);
    line_drv_opts_t o;
    line_drv_opts_default(&o);
    kiosk_t k[2] = {{.d = line_drv_create(uri, &o)}, {.d = line_drv_create(uri, &o)}};
    assert_true(TU_WAIT(
        conn_of(k[0].d) == LINE_CONN_CONNECTED && conn_of(k[1].d) == LINE_CONN_CONNECTED, 2000));
    uint32_t tag;
    line_event_t ev;
    /* The simulated line starts Stopped: reset, wait for Idle, start (PackML). */
    assert_int_equal(line_drv_reset(k[0].d, &tag), 0);
    assert_true(wait_result(k[0].d, tag, &ev, 2000));
    assert_int_equal(ev.result, LINE_RESULT_ACCEPTED);
    line_snapshot_t s;
    assert_true(TU_WAIT((line_drv_snapshot(k[0].d, &s), s.line_state == MF_PACKML_IDLE), 3000));
    assert_int_equal(line_drv_start(k[0].d, &tag), 0);
    assert_true(wait_result(k[0].d, tag, &ev, 2000));
    assert_int_equal(ev.result, LINE_RESULT_ACCEPTED);
    /* Both kiosks fire their orders at the same moment. */
    const int per = 4;
    for (int i = 0; i < per; i++)
        for (int j = 0; j < 2; j++)
            assert_int_equal(
                line_drv_submit_order(k[j].d, (mf_colour_t)(1 + (i + j) % 6), false, &k[j].tags[i]),
                0);
    /* Collect the results and the finished pieces seen by kiosk 0. */
    int finished_count[64] = {0};
    long long end = tu_now_ms() + 20000;
    int finished_total = 0;
    while (tu_now_ms() < end &&
           (k[0].accepted + k[1].accepted < 2 * per || finished_total < 2 * per)) {
        bool any = false;
        for (int j = 0; j < 2; j++) {
            while (line_drv_poll_event(k[j].d, &ev)) {
                any = true;
                if (ev.kind == LINE_EV_RESULT && ev.cmd == LINE_CMD_SUBMIT_ORDER) {
                    assert_int_equal(ev.result, LINE_RESULT_ACCEPTED);
                    k[j].orders[k[j].accepted++] = ev.order;
                } else if (ev.kind == LINE_EV_PIECE_FINISHED && j == 0 && ev.order < 64) {
                    finished_count[ev.order]++;
                    finished_total++;
                    assert_int_equal(ev.outcome, MF_PLC_OUTCOME_DELIVERED);
                }
            }
        }
        if (!any)
            tu_sleep_ms(10);
    }
    assert_int_equal(k[0].accepted, per);
    assert_int_equal(k[1].accepted, per);
    /* Distinct ids, each finished exactly once. */
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < per; i++) {
            uint32_t id = k[j].orders[i];
            assert_true(id > 0 && id < 64);
            assert_int_equal(finished_count[id], 1);
        }
    assert_int_equal(finished_total, 2 * per);
    line_snapshot_t s0, s1;
    line_drv_snapshot(k[0].d, &s0);
    line_drv_snapshot(k[1].d, &s1);
    assert_true(s0.mailbox >= 0 && s1.mailbox >= 0 && s0.mailbox != s1.mailbox);
    line_drv_destroy(k[0].d);
    line_drv_destroy(k[1].d);
    sim_child_stop(&sim, 0);
}

static bool wait_grbl(grbl_drv_t *d, grbl_event_kind_t kind, grbl_event_t *ev, int timeout_ms)
{
    long long end = tu_now_ms() + timeout_ms;
    while (tu_now_ms() < end) {
        if (grbl_drv_poll_event(d, ev)) {
            if (ev->kind == kind)
                return true;
            continue;
        }
        tu_sleep_ms(5);
    }
    return false;
}

static void test_engraver_alarm_then_next_job(void **state)
{
    int rc = start_sim(0, NULL);
    if (rc == MF_ENOENT)
        skip();
    assert_int_equal(rc, 0);
    int fds = tu_count_fds();
    grbl_opts_t o;
    grbl_opts_default(&o);
    grbl_drv_t *d = grbl_drv_create(engraver_path, &o);
    assert_non_null(d);
    grbl_event_t ev;
    assert_true(wait_grbl(d, GRBL_EV_READY, &ev, 3000));
    grbl_snapshot_t s;
    grbl_drv_snapshot(d, &s);
    assert_string_equal(s.port_kind, "termios");
    /* A long job: 200 short strokes back and forth, many seconds of motion. */
    char *prog = malloc(64 * 400);
    size_t n = (size_t)sprintf(prog, "G21\nG90\nM4 S100\n");
    for (int i = 0; i < 200; i++)
        n += (size_t)sprintf(prog + n, "G1 X%d Y%d F1200\n", (i % 2) * 3, i % 5);
    assert_int_equal(grbl_stream_start(d, prog, NULL), 0);
    assert_true(TU_WAIT((grbl_drv_snapshot(d, &s), s.lines_acked > 25), 5000));
    char answer[256];
    assert_int_equal(sim_child_control(control_path, "fault engraver 1", answer, sizeof answer), 0);
    assert_true(wait_grbl(d, GRBL_EV_JOB_DONE, &ev, 3000));
    assert_false(ev.ok);
    assert_non_null(strstr(ev.text, "alarm 1"));
    assert_non_null(strstr(ev.text, "hard limit"));
    grbl_drv_snapshot(d, &s);
    assert_int_equal(s.state, GRBL_DRV_ALARM);
    assert_int_equal(grbl_drv_reset(d), 0);
    assert_true(wait_grbl(d, GRBL_EV_READY, &ev, 3000));
    assert_int_equal(grbl_stream_start(d, "G21\nG90\nG1 X5 Y5 F3000\nG0 X0 Y0\n", NULL), 0);
    assert_true(wait_grbl(d, GRBL_EV_JOB_DONE, &ev, 5000));
    assert_true(ev.ok);
    free(prog);
    grbl_drv_destroy(d);
    assert_int_equal(tu_count_fds(), fds);
    sim_child_stop(&sim, 0);
}

/* libmodbus errors mapped at the boundary, on a real server. */
static void test_modbus_link_errors(void **state)
{
    int rc = start_sim(0, NULL);
    if (rc == MF_ENOENT)
        skip();
    assert_int_equal(rc, 0);
    mb_link_t link;
    assert_int_equal(mb_link_tcp_init(&link, "127.0.0.1", sim.plc_port, MF_PLC_UNIT_ID, 300), 0);
    assert_int_equal(link.ops->connect(link.ctx), 0);
    uint16_t regs[125];
    assert_int_equal(link.ops->read_regs(link.ctx, MB_INPUT, 0, 125, regs), 0);
    assert_int_equal(regs[MF_PLC_IR_MAP_VERSION], MF_PLC_MAP_VERSION);
    /* Beyond the map: exception 2, illegal data address. */
    assert_int_equal(link.ops->read_regs(link.ctx, MB_INPUT, MF_PLC_IR_COUNT, 10, regs),
                     MF_EREFUSED);
    assert_int_equal(link.ops->last_exception(link.ctx), 2);
    /* Half an owner token into a mailbox: exception 3 (REGISTERS.md). */
    uint16_t one = 1;
    assert_int_equal(link.ops->write_regs(link.ctx, MF_PLC_HR_MBOX(0), 1, &one), MF_EREFUSED);
    assert_int_equal(link.ops->last_exception(link.ctx), 3);
    /* A PLC that stops answering: a timeout after the response timeout. */
    char answer[256];
    assert_int_equal(sim_child_control(control_path, "drop plc 2 mute", answer, sizeof answer), 0);
    tu_sleep_ms(50); /* the simulator looks at its drop timer once per 10 ms loop */
    long long t0 = tu_now_ms();
    assert_int_equal(link.ops->read_regs(link.ctx, MB_INPUT, 0, 10, regs), MF_ETIMEDOUT);
    long long waited = tu_now_ms() - t0;
    assert_true(waited >= 250 && waited < 1000);
    link.ops->close(link.ctx);
    mb_link_deinit(&link);
    /* Modbus RTU on the I/O module's pty: a corrupted answer is a CRC error. */
    assert_int_equal(mb_link_rtu_init(&link, io_path, MF_IO_BAUD, MF_IO_UNIT_ID, 300), 0);
    assert_int_equal(link.ops->connect(link.ctx), 0);
    assert_int_equal(link.ops->read_regs(link.ctx, MB_INPUT, 0, 2, regs), 0);
    assert_int_equal(regs[MF_IO_IR_MODULE_ID], MF_IO_MODULE_ID);
    assert_int_equal(sim_child_control(control_path, "corrupt io 1", answer, sizeof answer), 0);
    assert_int_equal(link.ops->read_regs(link.ctx, MB_INPUT, 0, 2, regs), MF_ECRC);
    assert_int_equal(link.ops->read_regs(link.ctx, MB_INPUT, 0, 2, regs), 0);
    mb_link_deinit(&link);
    /* Nobody listening: connection refused, said so. */
    assert_int_equal(mb_link_tcp_init(&link, "127.0.0.1", 1, MF_PLC_UNIT_ID, 300), 0);
    assert_int_equal(link.ops->connect(link.ctx), MF_ECONNREFUSED);
    mb_link_deinit(&link);
    sim_child_stop(&sim, 0);
}

static bool wait_io(io_drv_t *d, io_event_kind_t kind, int timeout_ms)
{
    long long end = tu_now_ms() + timeout_ms;
    io_event_t ev;
    while (tu_now_ms() < end) {
        if (io_drv_poll_event(d, &ev)) {
            if (ev.kind == kind)
                return true;
            continue;
        }
        tu_sleep_ms(5);
    }
    return false;
}

static void test_io_and_scanner(void **state)
{
    int rc = start_sim(0, NULL);
    if (rc == MF_ENOENT)
        skip();
    assert_int_equal(rc, 0);
    int fds = tu_count_fds();
    io_drv_t *io = io_drv_create(io_path, NULL);
    assert_non_null(io);
    assert_true(wait_io(io, IO_EV_CONNECTED, 3000));
    io_snapshot_t s;
    io_drv_snapshot(io, &s);
    assert_int_equal(s.module_id, MF_IO_MODULE_ID);
    assert_true(s.estop_ok);
    char answer[4096];
    assert_int_equal(sim_child_control(control_path, "button click", answer, sizeof answer), 0);
    assert_true(wait_io(io, IO_EV_START_PRESSED, 2000));
    assert_int_equal(sim_child_control(control_path, "estop press", answer, sizeof answer), 0);
    assert_true(wait_io(io, IO_EV_ESTOP_OPENED, 2000));
    assert_int_equal(sim_child_control(control_path, "estop release", answer, sizeof answer), 0);
    assert_true(wait_io(io, IO_EV_ESTOP_CLOSED, 2000));
    io_light_t l = {.green = IO_LAMP_ON, .red = IO_LAMP_ON};
    io_drv_set_light(io, &l);
    assert_true(TU_WAIT(sim_child_control(control_path, "status", answer, sizeof answer) == 0 &&
                            strstr(answer, "io.light green=1 orange=0 red=1"),
                        2000));
    /* The module drops off the bus and comes back. */
    assert_int_equal(sim_child_control(control_path, "drop io 1 mute", answer, sizeof answer), 0);
    assert_true(wait_io(io, IO_EV_DISCONNECTED, 2000));
    assert_true(wait_io(io, IO_EV_CONNECTED, 4000));
    io_drv_destroy(io);

    scanner_drv_t *sc = scanner_drv_create(scanner_path, NULL);
    assert_non_null(sc);
    scanner_event_t ev;
    assert_true(TU_WAIT(scanner_drv_poll_event(sc, &ev) && ev.kind == SCANNER_EV_ONLINE, 2000));
    assert_int_equal(sim_child_control(control_path, "scan MF-000777", answer, sizeof answer), 0);
    assert_int_equal(sim_child_control(control_path, "scan MF-000777", answer, sizeof answer), 0);
    assert_true(TU_WAIT(scanner_drv_poll_event(sc, &ev), 2000));
    assert_int_equal(ev.kind, SCANNER_EV_TICKET);
    assert_string_equal(ev.code, "MF-000777");
    tu_sleep_ms(200);
    assert_false(scanner_drv_poll_event(sc, &ev)); /* the duplicate was dropped */
    scanner_drv_destroy(sc);
    assert_int_equal(tu_count_fds(), fds);
    sim_child_stop(&sim, 0);
}

static void *noop(void *arg)
{
    return arg;
}

int main(void)
{
    mf_log_set_level(MF_LOG_ERROR);
    /* Start and join one thread first: some runtimes (ThreadSanitizer) add a
     * helper thread at the first pthread_create, which is not a leak. */
    pthread_t t;
    pthread_create(&t, NULL, noop, NULL);
    pthread_join(t, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_kill_and_restart, teardown),
        cmocka_unit_test_teardown(test_two_kiosks_orders_once, teardown),
        cmocka_unit_test_teardown(test_engraver_alarm_then_next_job, teardown),
        cmocka_unit_test_teardown(test_io_and_scanner, teardown),
        cmocka_unit_test_teardown(test_modbus_link_errors, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
