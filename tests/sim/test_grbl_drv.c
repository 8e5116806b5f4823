/*
 * test_grbl_drv.c - sim.grbl_drv: the real engraver driver (drivers/engraver)
 * through its real serial layer against minifab-sim's GRBL on a
 * pseudo-terminal (build/bin/minifab-sim, found through MINIFAB_BIN_DIR), on
 * what GRBL 1.1h showed the driver missed (issue 14):
 *   - an 'ok' lost on the link: the job ends within seconds, not never;
 *   - a feed hold from the machine's button: HELD, then resumed or aborted;
 *   - homing that answers no status for longer than silence_ms: no offline,
 *     no reset in the middle, READY when it ends; a failed homing leaves it
 *     locked with the alarm's text (no second $H behind staff's back);
 *   - a second program on the port: refused at once, naming the holder, and
 *     the first one's job goes on;
 *   - the settings ($$): power above $30 and an area beyond $130 refused
 *     before a line is sent, laser mode off a warning;
 *   - `minifab diag engrave`'s argument checks and an absent port.
 * Each test starts its own simulator on paths named after the pid and stops
 * it whatever happens.
 */
#include "grbl_drv.h"
#include "mf_error.h"
#include "mf_log.h"
#include "sim_child.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static sim_child_t sim;
static char eng_path[64], ctl_path[64];

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int start_sim(void)
{
    snprintf(eng_path, sizeof eng_path, "/tmp/mf-grbldrv-%d-grbl", (int)getpid());
    snprintf(ctl_path, sizeof ctl_path, "/tmp/mf-grbldrv-%d.sock", (int)getpid());
    return sim_child_start(&sim, NULL, 0, "none", eng_path, "none", ctl_path, NULL, 5000);
}

static int teardown(void **state)
{
    (void)state;
    sim_child_stop(&sim, 0);
    return 0;
}

static void ctl(const char *cmd)
{
    char out[512];
    int rc = sim_child_control(ctl_path, cmd, out, sizeof out);
    if (rc != 0)
        fail_msg("control '%s': %s", cmd, out);
}

/* Waits for an event of KIND (others are dropped) up to TIMEOUT_MS. */
static bool wait_event(grbl_drv_t *d, grbl_event_kind_t kind, grbl_event_t *ev, int timeout_ms)
{
    long long end = now_ms() + timeout_ms;
    while (now_ms() < end) {
        if (grbl_drv_poll_event(d, ev)) {
            if (ev->kind == kind)
                return true;
            continue;
        }
        sleep_ms(5);
    }
    return false;
}

/* A driver on the simulator's engraver, READY. */
static grbl_drv_t *ready_driver(grbl_opts_t *o)
{
    grbl_opts_t def;
    grbl_opts_default(&def);
    grbl_drv_t *d = grbl_drv_create(eng_path, o ? o : &def);
    assert_non_null(d);
    grbl_event_t ev;
    assert_true(wait_event(d, GRBL_EV_READY, &ev, 5000));
    return d;
}

/* About 2 s of motion: a square at F1200. */
static const char square[] = "G21 G90\nM4 S300\nG1 X10 Y0 F1200\nG1 X10 Y10\nG1 X0 Y10\n"
                             "G1 X0 Y0\nG1 X10 Y0\nG1 X10 Y10\nG1 X0 Y10\nG1 X0 Y0\nM5\nG0 X0 Y0\n";

static bool start_or_skip(void)
{
    int rc = start_sim();
    if (rc == MF_ENOENT)
        return false;
    assert_int_equal(rc, 0);
    return true;
}

static void test_lost_ok_ends_the_job(void **state)
{
    (void)state;
    if (!start_or_skip())
        skip();
    grbl_drv_t *d = ready_driver(NULL);
    ctl("engraver drop-ok 5"); /* the 6th line's ok is lost */
    uint32_t job;
    assert_int_equal(grbl_stream_start(d, square, &job), 0);
    grbl_event_t ev;
    long long t0 = now_ms();
    assert_true(wait_event(d, GRBL_EV_JOB_DONE, &ev, 15000));
    assert_true(ev.ok);
    assert_non_null(strstr(ev.text, "'ok' lost"));
    grbl_snapshot_t s;
    grbl_drv_snapshot(d, &s);
    assert_int_equal(s.oks_lost, 1);
    assert_int_equal(s.lines_acked, s.lines_total);
    assert_true(s.progress > 0.999);
    assert_int_equal(s.state, GRBL_DRV_READY);
    assert_true(now_ms() - t0 < 10000); /* seconds, not for ever */
    /* The position of the status reports is in the snapshot (issue 11). */
    assert_true(s.pos_known);
    assert_true(s.mpos[0] > -0.01 && s.mpos[0] < 0.01);
    /* The lost ok of the very last line: the same. */
    char out[2048];
    ctl("engraver drop-ok 11");
    assert_int_equal(grbl_stream_start(d, square, &job), 0);
    assert_true(wait_event(d, GRBL_EV_JOB_DONE, &ev, 15000));
    assert_true(ev.ok);
    assert_int_equal(sim_child_control(ctl_path, "status", out, sizeof out), 0);
    assert_non_null(strstr(out, "engraver.oks_dropped 2"));
    grbl_drv_snapshot(d, &s);
    assert_int_equal(s.oks_lost, 1);
    grbl_drv_destroy(d);
}

static void test_machine_hold_then_resume_or_abort(void **state)
{
    (void)state;
    if (!start_or_skip())
        skip();
    grbl_drv_t *d = ready_driver(NULL);
    uint32_t job;
    assert_int_equal(grbl_stream_start(d, square, &job), 0);
    sleep_ms(500);
    ctl("engraver hold");
    grbl_event_t ev;
    assert_true(wait_event(d, GRBL_EV_HELD, &ev, 2000));
    assert_int_equal(ev.code, 1);
    grbl_snapshot_t s;
    grbl_drv_snapshot(d, &s);
    assert_int_equal(s.state, GRBL_DRV_HELD);
    assert_true(s.hold_external);
    assert_int_equal(strncmp(s.machine_state, "Hold", 4), 0);
    /* Longer than silence_ms: still held, no timeout. */
    sleep_ms(3500);
    grbl_drv_snapshot(d, &s);
    assert_int_equal(s.state, GRBL_DRV_HELD);
    /* Resumed from here ('~'). */
    assert_int_equal(grbl_drv_resume(d), 0);
    assert_true(wait_event(d, GRBL_EV_JOB_DONE, &ev, 15000));
    assert_true(ev.ok);

    /* Held on the machine, resumed on the machine. */
    assert_int_equal(grbl_stream_start(d, square, &job), 0);
    sleep_ms(500);
    ctl("engraver hold");
    assert_true(wait_event(d, GRBL_EV_HELD, &ev, 2000));
    ctl("engraver resume");
    assert_true(wait_event(d, GRBL_EV_RESUMED, &ev, 2000));
    assert_int_equal(ev.code, 1);
    assert_true(wait_event(d, GRBL_EV_JOB_DONE, &ev, 15000));
    assert_true(ev.ok);

    /* Held on the machine, aborted here: the job fails, the engraver is
     * ready again. */
    assert_int_equal(grbl_stream_start(d, square, &job), 0);
    sleep_ms(500);
    ctl("engraver hold");
    assert_true(wait_event(d, GRBL_EV_HELD, &ev, 2000));
    assert_int_equal(grbl_drv_abort(d), 0);
    assert_true(wait_event(d, GRBL_EV_JOB_DONE, &ev, 3000));
    assert_false(ev.ok);
    assert_non_null(strstr(ev.text, "aborted"));
    assert_true(wait_event(d, GRBL_EV_READY, &ev, 5000));
    grbl_drv_destroy(d);
}

static void test_homing_silent_longer_than_silence(void **state)
{
    (void)state;
    if (!start_or_skip())
        skip();
    ctl("engraver set 22 1");
    ctl("engraver homing 5"); /* GRBL answers no '?' for 5 s; silence_ms is 3 s */
    grbl_opts_t o;
    grbl_opts_default(&o);
    o.home_on_start = true;
    grbl_drv_t *d = grbl_drv_create(eng_path, &o);
    assert_non_null(d);
    grbl_event_t ev;
    bool saw_homing = false, ready = false;
    long long end = now_ms() + 12000;
    while (!ready && now_ms() < end) {
        grbl_snapshot_t s;
        grbl_drv_snapshot(d, &s);
        saw_homing |= s.homing;
        while (grbl_drv_poll_event(d, &ev)) {
            if (ev.kind == GRBL_EV_OFFLINE || ev.kind == GRBL_EV_ALARM)
                fail_msg("while homing: %s", ev.text);
            ready |= ev.kind == GRBL_EV_READY;
        }
        sleep_ms(10);
    }
    assert_true(saw_homing);
    assert_true(ready);
    char out[2048];
    assert_int_equal(sim_child_control(ctl_path, "status", out, sizeof out), 0);
    assert_non_null(strstr(out, "engraver.state Idle"));
    uint32_t job;
    assert_int_equal(grbl_stream_start(d, "G0 X1\n", &job), 0);
    assert_true(wait_event(d, GRBL_EV_JOB_DONE, &ev, 5000));
    assert_true(ev.ok);
    grbl_drv_destroy(d);
}

/* A homing cycle that fails: the alarm's text, and GRBL's restart after it
 * does not make the driver home again behind staff's back. */
static void test_homing_failure_stays_locked(void **state)
{
    (void)state;
    if (!start_or_skip())
        skip();
    ctl("engraver set 22 1");
    ctl("engraver homing 1");
    ctl("engraver homing-fail 9");
    grbl_opts_t o;
    grbl_opts_default(&o);
    o.home_on_start = true;
    grbl_drv_t *d = grbl_drv_create(eng_path, &o);
    assert_non_null(d);
    grbl_event_t ev;
    assert_true(wait_event(d, GRBL_EV_ALARM, &ev, 6000));
    assert_int_equal(ev.code, 9);
    assert_non_null(strstr(ev.text, "limit switch"));
    sleep_ms(2500); /* no second $H: the simulator would home (and succeed) */
    grbl_snapshot_t s;
    grbl_drv_snapshot(d, &s);
    assert_int_equal(s.state, GRBL_DRV_ALARM);
    assert_non_null(strstr(s.last_message, "alarm 9"));
    assert_false(s.homing);
    uint32_t job;
    assert_int_equal(grbl_stream_start(d, "G0 X1\n", &job), 0);
    assert_true(wait_event(d, GRBL_EV_JOB_DONE, &ev, 2000));
    assert_false(ev.ok);
    assert_non_null(strstr(ev.text, "alarm 9"));
    /* Staff reset: homes again, and this time it works. */
    assert_int_equal(grbl_drv_reset(d), 0);
    assert_true(wait_event(d, GRBL_EV_READY, &ev, 8000));
    grbl_drv_destroy(d);
}

static void test_second_program_refused(void **state)
{
    (void)state;
    if (!start_or_skip())
        skip();
    grbl_drv_t *a = ready_driver(NULL);
    uint32_t job;
    assert_int_equal(grbl_stream_start(a, square, &job), 0);
    /* Another driver (as another program would) on the same port. */
    grbl_drv_t *b = grbl_drv_create(eng_path, NULL);
    assert_non_null(b);
    grbl_snapshot_t s;
    long long end = now_ms() + 2000;
    do {
        sleep_ms(10);
        grbl_drv_snapshot(b, &s);
    } while (s.open_failures == 0 && now_ms() < end);
    assert_int_equal(s.open_error, MF_EPORTBUSY);
    assert_non_null(strstr(s.last_message, "busy, held by"));
    grbl_drv_destroy(b);
    /* The first one's job was not reset. */
    grbl_event_t ev;
    assert_true(wait_event(a, GRBL_EV_JOB_DONE, &ev, 15000));
    assert_true(ev.ok);
    grbl_drv_destroy(a);
}

static void test_settings_checked_before_a_line(void **state)
{
    (void)state;
    if (!start_or_skip())
        skip();
    ctl("engraver set 30 255");
    ctl("engraver set 130 50");
    ctl("engraver set 32 0");
    grbl_drv_t *d = grbl_drv_create(eng_path, NULL);
    assert_non_null(d);
    grbl_event_t ev;
    assert_true(wait_event(d, GRBL_EV_WARNING, &ev, 5000));
    assert_non_null(strstr(ev.text, "$32=0"));
    assert_true(wait_event(d, GRBL_EV_READY, &ev, 5000));
    grbl_snapshot_t s;
    grbl_drv_snapshot(d, &s);
    assert_true(s.settings_known);
    assert_int_equal(s.laser_mode, 0);
    assert_true(s.max_power > 254 && s.max_power < 256);
    assert_true(s.travel[0] > 49 && s.travel[0] < 51);
    assert_non_null(strstr(s.warning, "laser mode"));
    char before[2048], after[2048];
    assert_int_equal(sim_child_control(ctl_path, "status", before, sizeof before), 0);
    uint32_t job;
    /* S300 above $30=255. */
    assert_int_equal(grbl_stream_start(d, "M4 S300\nG1 X1 F600\nM5\n", &job), 0);
    assert_true(wait_event(d, GRBL_EV_JOB_DONE, &ev, 3000));
    assert_false(ev.ok);
    assert_non_null(strstr(ev.text, "$30=255"));
    /* X up to 60 mm on a 50 mm travel. */
    assert_int_equal(grbl_stream_start(d, "M4 S200\nG1 X60 Y5 F600\nM5\n", &job), 0);
    assert_true(wait_event(d, GRBL_EV_JOB_DONE, &ev, 3000));
    assert_false(ev.ok);
    assert_non_null(strstr(ev.text, "$130=50"));
    /* Nothing was sent: the simulator burned nothing and did not move. */
    assert_int_equal(sim_child_control(ctl_path, "status", after, sizeof after), 0);
    const char *b = strstr(before, "engraver.pos"), *a = strstr(after, "engraver.pos");
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(strncmp(a, b, 40), 0);
    /* Within both: accepted. */
    assert_int_equal(grbl_stream_start(d, "M4 S200\nG1 X40 Y5 F1200\nM5\n", &job), 0);
    assert_true(wait_event(d, GRBL_EV_JOB_DONE, &ev, 10000));
    assert_true(ev.ok);
    grbl_drv_destroy(d);
}

/* Runs `minifab ARGS`, stderr into ERR; returns the exit status. */
static int run_minifab(const char *args, char *err, size_t cap, long long *ms)
{
    const char *bin = getenv("MINIFAB_BIN_DIR");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s/minifab %s 2>&1 >/dev/null", bin ? bin : "build/bin", args);
    long long t0 = now_ms();
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(err, 1, cap - 1, p);
    err[n] = '\0';
    int st = pclose(p);
    if (ms)
        *ms = now_ms() - t0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_diag_engrave_arguments(void **state)
{
    (void)state;
    const char *bin = getenv("MINIFAB_BIN_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/minifab", bin ? bin : "build/bin");
    if (access(path, X_OK) != 0)
        skip();
    char err[1024];
    long long ms;
    assert_int_equal(
        run_minifab("diag engrave --text A --port /tmp/x --feed 0", err, sizeof err, NULL), 2);
    assert_non_null(strstr(err, "--feed '0'"));
    assert_non_null(strstr(err, "1 to 60000"));
    assert_int_equal(
        run_minifab("diag engrave --text A --port /tmp/x --feed abc", err, sizeof err, NULL), 2);
    assert_non_null(strstr(err, "--feed 'abc'"));
    assert_int_equal(
        run_minifab("diag engrave --text A --port /tmp/x --power -5", err, sizeof err, NULL), 2);
    assert_non_null(strstr(err, "--power '-5'"));
    assert_non_null(strstr(err, "1 to 100000"));
    assert_int_equal(
        run_minifab("diag engrave --text A --port /tmp/x --area 0x5", err, sizeof err, NULL), 2);
    assert_non_null(strstr(err, "--area '0x5'"));
    /* A port that does not exist: at once, with the reason. */
    assert_int_equal(
        run_minifab("diag engrave --text A --port /tmp/mf-no-such-port-here", err, sizeof err, &ms),
        1);
    assert_non_null(strstr(err, "no such serial port"));
    assert_true(ms < 2000);
}

int main(void)
{
    mf_log_set_level(MF_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_lost_ok_ends_the_job, teardown),
        cmocka_unit_test_teardown(test_machine_hold_then_resume_or_abort, teardown),
        cmocka_unit_test_teardown(test_homing_silent_longer_than_silence, teardown),
        cmocka_unit_test_teardown(test_homing_failure_stays_locked, teardown),
        cmocka_unit_test_teardown(test_second_program_refused, teardown),
        cmocka_unit_test_teardown(test_settings_checked_before_a_line, teardown),
        cmocka_unit_test(test_diag_engrave_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
