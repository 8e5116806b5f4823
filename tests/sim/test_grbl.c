/*
 * test_grbl.c - sim.grbl: the simulated GRBL 1.1 controller driven by a host
 * written here, in simulated time (no sleeping, no pty): the character
 * protocol, errors GRBL would answer, motion time against a trapezoid computed
 * by hand, character counting against send-and-wait, feed hold, soft reset,
 * alarms, the 128-byte receive buffer, arcs, inches and the burned path;
 * the fault seams of issue 14: a lost 'ok', the machine's hold button, and
 * homing that answers no status until it ends (as GRBL's blocking cycle).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "grbl_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    grbl_sim_t *g;
    uint64_t t;
    char in[1 << 16];
    size_t len;
} host_t;

static host_t *host_new(void)
{
    host_t *h = calloc(1, sizeof *h);
    h->t = 1000000;
    h->g = grbl_sim_create(NULL, h->t);
    assert_non_null(h->g);
    return h;
}

static void host_free(host_t *h)
{
    grbl_sim_destroy(h->g);
    free(h);
}

static void pump(host_t *h, uint64_t us)
{
    uint64_t end = h->t + us;
    while (h->t < end) {
        h->t += 100;
        grbl_sim_advance(h->g, h->t);
        h->len += grbl_sim_take_output(h->g, h->in + h->len, sizeof h->in - 1 - h->len, h->t);
    }
    h->in[h->len] = '\0';
}

static void send(host_t *h, const char *s)
{
    grbl_sim_feed(h->g, s, strlen(s), h->t);
}

/* Pops the next line (without CR LF) within timeout_us; "" if none came. */
static const char *next_line(host_t *h, uint64_t timeout_us)
{
    static char line[512];
    uint64_t end = h->t + timeout_us;
    for (;;) {
        char *nl = memchr(h->in, '\n', h->len);
        if (nl) {
            size_t n = (size_t)(nl - h->in);
            size_t copy = n < sizeof line - 1 ? n : sizeof line - 1;
            memcpy(line, h->in, copy);
            line[copy] = '\0';
            if (copy && line[copy - 1] == '\r')
                line[copy - 1] = '\0';
            memmove(h->in, nl + 1, h->len - n - 1);
            h->len -= n + 1;
            h->in[h->len] = '\0';
            if (line[0] == '\0')
                continue; /* the banner's leading empty line */
            return line;
        }
        if (h->t >= end)
            return "";
        pump(h, 100);
    }
}

static void expect(host_t *h, const char *line, const char *want)
{
    if (line)
        send(h, line);
    const char *got = next_line(h, 2000000);
    assert_string_equal(got, want);
}

static void skip_banner(host_t *h)
{
    assert_string_equal(next_line(h, 100000), "Grbl 1.1h ['$' for help]");
}

static uint64_t wait_idle(host_t *h, uint64_t timeout_us)
{
    uint64_t start = h->t;
    while (strcmp(grbl_sim_state_name(h->g), "Idle") != 0) {
        assert_true(h->t - start < timeout_us);
        pump(h, 100);
    }
    return h->t - start;
}

static void test_banner_settings_and_info(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    send(h, "$$\n");
    assert_string_equal(next_line(h, 100000), "$0=10");
    int settings = 1;
    const char *l;
    while (strcmp(l = next_line(h, 100000), "ok") != 0) {
        assert_true(l[0] == '$');
        settings++;
    }
    assert_true(settings >= 30);
    expect(h, "$I\n", "[VER:1.1h.20190825:minifab-sim]");
    expect(h, NULL, "[OPT:V,15,128]");
    expect(h, NULL, "ok");
    expect(h, "$G\n", "[GC:G0 G54 G17 G21 G90 G94 M5 M9 T0 F0 S0]");
    expect(h, NULL, "ok");
    expect(h, "$110=3000\n", "ok");
    expect(h, "$110=-1\n", "error:4");
    expect(h, "$999=1\n", "error:3");
    expect(h, "$H\n", "error:5"); /* homing disabled ($22=0) */
    expect(h, "\n", "ok");
    send(h, "?");
    assert_string_equal(next_line(h, 100000),
                        "<Idle|MPos:0.000,0.000,0.000|FS:0,0|WCO:0.000,0.000,0.000>");
    expect(h, "$10=3\n", "ok");
    send(h, "?");
    assert_string_equal(next_line(h, 100000), "<Idle|MPos:0.000,0.000,0.000|Bf:15,127|FS:0,0>");
    host_free(h);
}

static void test_errors_grbl_would_answer(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    expect(h, "G99\n", "error:20");
    expect(h, "1G0\n", "error:1");
    expect(h, "G0X\n", "error:2");
    expect(h, "G1 X10\n", "error:22"); /* no feed rate yet */
    expect(h, "G0 X1 X2\n", "error:25");
    expect(h, "G0 G1 X1\n", "error:21");
    expect(h, "G2 X10 F100\n", "error:35");
    expect(h, "G2 X10 I1 F100\n", "error:33"); /* radius mismatch */
    expect(h, "G0 X1 I1\n", "error:36");
    expect(h, "M7\n", "error:20");
    expect(h, "G1 F-5 X1\n", "error:4");
    char longline[120];
    memset(longline, 'X', sizeof longline);
    strcpy(longline + 100, "1\n");
    expect(h, longline, "error:11");
    /* An error changes no modal state: still G0, mm, absolute. */
    expect(h, "G20 G91 G2 X1 F100\n", "error:35");
    expect(h, "$G\n", "[GC:G0 G54 G17 G21 G90 G94 M5 M9 T0 F0 S0]");
    expect(h, NULL, "ok");
    /* Comments and spaces are stripped; lowercase accepted. */
    expect(h, "g0 x1 (move) y2 ; comment\n", "ok");
    wait_idle(h, 2000000);
    double p[3];
    grbl_sim_position(h->g, p);
    assert_true(fabs(p[0] - 1) < 1e-6 && fabs(p[1] - 2) < 1e-6);
    host_free(h);
}

static void test_motion_time_follows_the_trapezoid(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    /* 100 mm at F6000 = 100 mm/s with 1000 mm/s^2: 1.0 s + v/a = 1.1 s. */
    send(h, "G1 X100 F6000\n");
    uint64_t sent = h->t;
    expect(h, NULL, "ok");
    wait_idle(h, 5000000);
    double s = (double)(h->t - sent) / 1e6;
    assert_true(fabs(s - 1.1) < 0.02);
    /* G0 at the axis' max rate: X 6000 mm/min, 50 mm back: 0.5 + 0.1 s. */
    sent = h->t;
    expect(h, "G0 X50\n", "ok");
    wait_idle(h, 5000000);
    s = (double)(h->t - sent) / 1e6;
    assert_true(fabs(s - 0.6) < 0.02);
    /* A short move never reaches its feed: 2 * sqrt(L / a). */
    sent = h->t;
    expect(h, "G1 X49 F6000\n", "ok");
    wait_idle(h, 5000000);
    s = (double)(h->t - sent) / 1e6;
    assert_true(fabs(s - 2.0 * sqrt(1.0 / 1000.0)) < 0.01);
    host_free(h);
}

/* Streams lines; returns the simulated seconds until Idle. */
static double stream(host_t *h, char lines[][32], size_t n, int counting)
{
    uint64_t start = h->t;
    size_t sent = 0, acked = 0;
    size_t inflight[GRBL_SIM_RX_BUFFER];
    size_t head = 0, count = 0, bytes = 0;
    while (acked < n) {
        if (counting) {
            while (sent < n && bytes + strlen(lines[sent]) <= GRBL_SIM_RX_BUFFER - 1) {
                send(h, lines[sent]);
                inflight[(head + count++) % GRBL_SIM_RX_BUFFER] = strlen(lines[sent]);
                bytes += strlen(lines[sent]);
                sent++;
            }
        } else if (sent == acked) {
            send(h, lines[sent++]);
        }
        const char *l = next_line(h, 2000000);
        assert_string_equal(l, "ok");
        acked++;
        if (counting) {
            bytes -= inflight[head];
            head = (head + 1) % GRBL_SIM_RX_BUFFER;
            count--;
        }
    }
    wait_idle(h, 10000000);
    return (double)(h->t - start) / 1e6;
}

static void test_character_counting_beats_send_and_wait(void **state)
{
    (void)state;
    /* A circle of 0.15 mm chords at 50 mm/s: 3 ms a segment, shorter than a
     * send-and-wait round trip (latency, 18 bytes at 115200, ok back). */
    enum { N = 400 };
    static char lines[N][32];
    for (int i = 0; i < N; i++) {
        double a = 2 * M_PI * (i + 1) / N;
        snprintf(lines[i], sizeof lines[i], "G1X%.3fY%.3fF3000\n", 10 * cos(a) - 10, 10 * sin(a));
    }
    host_t *h = host_new();
    skip_banner(h);
    double t_wait = stream(h, lines, N, 0);
    double t_count = stream(h, lines, N, 1);
    double motion = N * 2 * M_PI * 10 / N / 50.0 + 50.0 / 1000.0;
    print_message("send-and-wait %.3f s, counting %.3f s, motion %.3f s\n", t_wait, t_count,
                  motion);
    assert_true(t_count < 0.85 * t_wait);
    assert_true(fabs(t_count - motion) < 0.10 * motion);
    host_free(h);
}

static void test_feed_hold_and_resume(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    expect(h, "G1 X100 F3000\n", "ok");
    pump(h, 500000);
    send(h, "!");
    pump(h, 5000);
    assert_string_equal(grbl_sim_state_name(h->g), "Hold:1");
    pump(h, 100000); /* 50 mm/s at 1000 mm/s^2 stops in 50 ms */
    assert_string_equal(grbl_sim_state_name(h->g), "Hold:0");
    double p1[3], p2[3];
    grbl_sim_position(h->g, p1);
    send(h, "G1 X0\n");
    pump(h, 300000);
    grbl_sim_position(h->g, p2);
    assert_true(p1[0] == p2[0]);
    assert_true(p1[0] > 20 && p1[0] < 30);
    assert_string_equal(next_line(h, 0), ""); /* no ok during the hold */
    send(h, "~");
    expect(h, NULL, "ok");
    wait_idle(h, 10000000);
    grbl_sim_position(h->g, p2);
    assert_true(fabs(p2[0]) < 1e-6);
    host_free(h);
}

static void test_soft_reset_in_motion_alarms(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    expect(h, "G1 X100 F3000\n", "ok");
    pump(h, 200000);
    send(h, "\x18");
    expect(h, NULL, "ALARM:3");
    expect(h, NULL, "Grbl 1.1h ['$' for help]");
    expect(h, NULL, "[MSG:'$H'|'$X' to unlock]");
    send(h, "?");
    const char *l = next_line(h, 100000);
    assert_true(strncmp(l, "<Alarm|", 7) == 0);
    expect(h, "G0 X0\n", "error:9");
    expect(h, "$X\n", "[MSG:Caution: Unlocked]");
    expect(h, NULL, "ok");
    expect(h, "G0 X0\n", "ok");
    /* Reset while idle: banner only, no alarm. */
    wait_idle(h, 5000000);
    send(h, "\x18");
    expect(h, NULL, "Grbl 1.1h ['$' for help]");
    expect(h, "G0 X1\n", "ok");
    host_free(h);
}

static void test_injected_alarm_needs_reset(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    expect(h, "G1 X50 F3000\n", "ok");
    pump(h, 100000);
    assert_int_equal(grbl_sim_raise_alarm(h->g, 1, h->t), 0);
    expect(h, NULL, "ALARM:1");
    expect(h, NULL, "[MSG:Reset to continue]");
    send(h, "$X\n");
    assert_string_equal(next_line(h, 200000), ""); /* locked: nothing answers */
    send(h, "\x18");
    expect(h, NULL, "Grbl 1.1h ['$' for help]");
    expect(h, NULL, "[MSG:'$H'|'$X' to unlock]");
    expect(h, "$X\n", "[MSG:Caution: Unlocked]");
    expect(h, NULL, "ok");
    assert_int_not_equal(grbl_sim_raise_alarm(h->g, 0, h->t), 0);
    host_free(h);
}

static void test_receive_buffer_overflows_like_the_board(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    expect(h, "$10=3\n", "ok");
    send(h, "G4 P1\n"); /* the parser waits a second: the buffer fills */
    char burst[201];
    memset(burst, ' ', 200);
    burst[200] = '\0';
    send(h, burst);
    pump(h, 100000);
    send(h, "?");
    const char *l = next_line(h, 100000);
    assert_non_null(strstr(l, "|Bf:15,0|"));
    char st[512];
    grbl_sim_format_status(h->g, st, sizeof st);
    assert_non_null(strstr(st, "engraver.rx_overflows 73\n"));
    host_free(h);
}

static void test_burned_path_arcs_and_inches(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    char *buf = NULL;
    size_t size = 0;
    FILE *log = open_memstream(&buf, &size);
    grbl_sim_set_burn_log(h->g, log);
    expect(h, "M3 S500\n", "ok");
    expect(h, "G1 X10 F1000\n", "ok");
    expect(h, "G0 X20\n", "ok");
    expect(h, "G1 Y10\n", "ok");
    expect(h, "M5\n", "ok");
    expect(h, "G1 X30\n", "ok");
    wait_idle(h, 5000000);
    assert_int_equal(grbl_sim_burn_count(h->g), 2);
    fflush(log);
    assert_non_null(strstr(buf, "burn 0.000 0.000 10.000 0.000 500 1000\n"));
    assert_non_null(strstr(buf, "burn 20.000 0.000 20.000 10.000 500 1000\n"));

    /* A half circle, clockwise, radius 5: many chords, ends on target. */
    grbl_sim_clear_burns(h->g);
    expect(h, "G0 X0 Y0\n", "ok");
    expect(h, "M4 S300 G2 X10 Y0 I5 J0 F2000\n", "ok");
    wait_idle(h, 5000000);
    double p[3];
    grbl_sim_position(h->g, p);
    assert_true(fabs(p[0] - 10) < 1e-6 && fabs(p[1]) < 1e-6);
    assert_true(grbl_sim_burn_count(h->g) > 20);
    /* Same with R, counter-clockwise. */
    expect(h, "G3 X0 Y0 R5\n", "ok");
    wait_idle(h, 5000000);
    grbl_sim_position(h->g, p);
    assert_true(fabs(p[0]) < 1e-6 && fabs(p[1]) < 1e-6);
    /* Inches. */
    expect(h, "M5 G20 G0 X1\n", "ok");
    wait_idle(h, 5000000);
    grbl_sim_position(h->g, p);
    assert_true(fabs(p[0] - 25.4) < 1e-6);
    grbl_sim_set_burn_log(h->g, NULL);
    fclose(log);
    free(buf);
    host_free(h);
}

static void test_program_end_waits_for_motion(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    expect(h, "G91 M3 S100 G1 X20 F1200\n", "ok");
    send(h, "M30\n");
    pump(h, 500000);
    assert_string_equal(next_line(h, 0), ""); /* still moving: no answer yet */
    expect(h, NULL, "[MSG:Pgm End]");
    expect(h, NULL, "ok");
    assert_string_equal(grbl_sim_state_name(h->g), "Idle");
    expect(h, "$G\n", "[GC:G1 G54 G17 G21 G90 G94 M5 M9 T0 F1200 S100]");
    expect(h, NULL, "ok");
    host_free(h);
}

static void test_check_mode_parses_without_moving(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    expect(h, "$C\n", "[MSG:Enabled]");
    expect(h, NULL, "ok");
    expect(h, "G1 X50 F100\n", "ok"); /* 30 s of motion, answered at once */
    expect(h, "G2 X60 Y0 I5 J0\n", "ok");
    expect(h, "G99\n", "error:20");
    send(h, "?");
    const char *l = next_line(h, 100000);
    assert_true(strncmp(l, "<Check|MPos:0.000,0.000,0.000|", 30) == 0);
    expect(h, "$C\n", "[MSG:Disabled]");
    expect(h, NULL, "ok");
    expect(h, NULL, "Grbl 1.1h ['$' for help]");
    send(h, "?");
    l = next_line(h, 100000);
    assert_true(strncmp(l, "<Idle|MPos:0.000,0.000,0.000|", 29) == 0);
    /* Back to normal: G1 X1 moves from the machine's position, 0. */
    expect(h, "G1 X1 F600\n", "ok");
    wait_idle(h, 2000000);
    double p[3];
    grbl_sim_position(h->g, p);
    assert_true(fabs(p[0] - 1.0) < 1e-6);
    host_free(h);
}

static void test_status_fields_rhythm(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    expect(h, "M3 S200\n", "ok");
    int wco = 0, ov = 0;
    for (int i = 0; i < 20; i++) {
        send(h, "?");
        const char *l = next_line(h, 100000);
        assert_true(l[0] == '<' && l[strlen(l) - 1] == '>');
        wco += strstr(l, "|WCO:0.000,0.000,0.000") != NULL;
        ov += strstr(l, "|Ov:100,100,100|A:S") != NULL;
    }
    assert_int_equal(wco, 2);
    assert_int_equal(ov, 2);
    host_free(h);
}

static void test_power_cycle_resends_banner(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    expect(h, "G1 X10 F1000\n", "ok");
    h->t += 60000000; /* the port stayed closed a minute */
    grbl_sim_power_cycle(h->g, h->t);
    expect(h, NULL, "Grbl 1.1h ['$' for help]");
    send(h, "?");
    const char *l = next_line(h, 100000);
    assert_true(strncmp(l, "<Idle|", 6) == 0);
    host_free(h);
}

static void test_dropped_ok_line_still_runs(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    grbl_sim_drop_ok(h->g, 1); /* the second ok is lost */
    expect(h, "G1 X1 F3000\n", "ok");
    send(h, "G1 X2\n");
    assert_string_equal(next_line(h, 500000), ""); /* no ok */
    wait_idle(h, 2000000);
    double p[3];
    grbl_sim_position(h->g, p);
    assert_true(fabs(p[0] - 2.0) < 1e-6); /* ...but the line ran */
    assert_int_equal(grbl_sim_oks_dropped(h->g), 1);
    send(h, "?");
    const char *l = next_line(h, 100000);
    assert_true(strncmp(l, "<Idle|", 6) == 0);
    expect(h, "G1 X3\n", "ok"); /* once only */
    host_free(h);
}

static void test_machine_hold_button(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    expect(h, "G1 X100 F3000\n", "ok");
    pump(h, 200000);
    grbl_sim_machine_hold(h->g, 1, h->t);
    pump(h, 500000);
    assert_string_equal(grbl_sim_state_name(h->g), "Hold:0");
    double a[3], b[3];
    grbl_sim_position(h->g, a);
    pump(h, 500000);
    grbl_sim_position(h->g, b);
    assert_true(fabs(a[0] - b[0]) < 1e-9);
    grbl_sim_machine_hold(h->g, 0, h->t);
    pump(h, 100000);
    assert_string_equal(grbl_sim_state_name(h->g), "Run");
    wait_idle(h, 5000000);
    host_free(h);
}

static void test_homing_answers_no_status(void **state)
{
    (void)state;
    host_t *h = host_new();
    skip_banner(h);
    assert_int_equal(grbl_sim_set_setting(h->g, 22, 1), 0);
    assert_int_not_equal(grbl_sim_set_setting(h->g, 999, 1), 0);
    grbl_sim_set_homing(h->g, 4, 0);
    send(h, "\x18");
    expect(h, NULL, "Grbl 1.1h ['$' for help]");
    expect(h, NULL, "[MSG:'$H'|'$X' to unlock]");
    send(h, "$H\n");
    pump(h, 100000);
    for (int i = 0; i < 15; i++) { /* 3 s of polling at 5 Hz */
        send(h, "?");
        assert_string_equal(next_line(h, 200000), "");
    }
    assert_string_equal(grbl_sim_state_name(h->g), "Home");
    /* At the end: one report (the pending '?'), then the ok. */
    const char *l = next_line(h, 2000000);
    assert_true(strncmp(l, "<Idle|", 6) == 0);
    expect(h, NULL, "ok");
    /* The old behaviour on request: answered while homing. */
    grbl_sim_set_homing(h->g, 1, 1);
    send(h, "$H\n");
    pump(h, 100000);
    send(h, "?");
    l = next_line(h, 200000);
    assert_true(strncmp(l, "<Home|", 6) == 0);
    expect(h, NULL, "ok");
    /* A failed cycle: the alarm, then GRBL starts over, locked; no ok. */
    assert_int_not_equal(grbl_sim_fail_homing(h->g, 3), 0);
    assert_int_equal(grbl_sim_fail_homing(h->g, 9), 0);
    send(h, "$H\n");
    expect(h, NULL, "ALARM:9");
    expect(h, NULL, "Grbl 1.1h ['$' for help]");
    expect(h, NULL, "[MSG:'$H'|'$X' to unlock]");
    assert_string_equal(next_line(h, 500000), "");
    assert_string_equal(grbl_sim_state_name(h->g), "Alarm");
    send(h, "$H\n"); /* once only: the next one homes */
    expect(h, NULL, "ok");
    host_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_banner_settings_and_info),
        cmocka_unit_test(test_errors_grbl_would_answer),
        cmocka_unit_test(test_motion_time_follows_the_trapezoid),
        cmocka_unit_test(test_character_counting_beats_send_and_wait),
        cmocka_unit_test(test_feed_hold_and_resume),
        cmocka_unit_test(test_soft_reset_in_motion_alarms),
        cmocka_unit_test(test_injected_alarm_needs_reset),
        cmocka_unit_test(test_receive_buffer_overflows_like_the_board),
        cmocka_unit_test(test_burned_path_arcs_and_inches),
        cmocka_unit_test(test_program_end_waits_for_motion),
        cmocka_unit_test(test_check_mode_parses_without_moving),
        cmocka_unit_test(test_status_fields_rhythm),
        cmocka_unit_test(test_power_cycle_resends_banner),
        cmocka_unit_test(test_dropped_ok_line_still_runs),
        cmocka_unit_test(test_machine_hold_button),
        cmocka_unit_test(test_homing_answers_no_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
