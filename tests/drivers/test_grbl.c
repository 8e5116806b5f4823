/*
 * test_grbl.c - drivers/engraver: GRBL reply parsing, the counting window,
 * and the driver against an in-process mini GRBL behind the fake serial port
 * (character counting never overflows 127 bytes, error:N and ALARM:N become
 * failed jobs with plain messages, hold/resume, reset after an alarm,
 * garbage lines, a cable pulled on the Nth call, no banner).
 */
#include "grbl_drv.h"
#include "grbl_proto.h"
#include "mf_error.h"
#include "mf_log.h"
#include "serial_fake.h"
#include "test_util.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* ---- A mini GRBL ----------------------------------------------------------- */

typedef struct {
    pthread_mutex_t lock;
    char cur[256];
    size_t cur_len;
    int lens[512];
    char kinds[512]; /* 'o' ok, 'e' error, 'x' unlock */
    int head, count;
    int rx_used, rx_max;
    bool hold, alarm, silent, no_banner, garbage;
    int alarm_after; /* raise ALARM:1 after this many G-code lines acknowledged, 0 = never */
    int acked, ticks, crlf_seen, resets;
    int line_ms;     /* at most one line executed per line_ms of wall time, 0 = no limit */
    int eat_newline; /* > 0: the newline after this many more is lost (a line cut) */
    long long last_exec_ms;
} mini_grbl_t;

static void mg_push(serial_fake_t *fk, const char *s)
{
    serial_fake_push_str(fk, s);
}

static void mg_peer(void *user, serial_fake_t *fk, const unsigned char *data, size_t len)
{
    mini_grbl_t *g = user;
    pthread_mutex_lock(&g->lock);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = data[i];
        if (c == '?') {
            if (!g->silent) {
                const char *st = g->alarm   ? "Alarm"
                                 : g->hold  ? "Hold:0"
                                 : g->count ? "Run"
                                            : "Idle";
                char buf[96];
                snprintf(buf, sizeof buf, "<%s|MPos:1.000,2.000,0.000|Bf:%d,%d|FS:800,300>\r\n", st,
                         15 - (g->count > 15 ? 15 : g->count), 128 - g->rx_used);
                mg_push(fk, buf);
            }
        } else if (c == '!') {
            g->hold = true;
        } else if (c == '~') {
            g->hold = false;
        } else if (c == 0x18) {
            g->count = g->head = 0;
            g->rx_used = 0;
            g->cur_len = 0;
            g->hold = false;
            g->resets++;
            if (!g->no_banner && !g->silent)
                mg_push(fk, "\r\nGrbl 1.1h ['$' for help]\r\n");
        } else if (c == '\r') {
            g->crlf_seen++;
        } else if (c == '\n' && g->eat_newline > 0 && --g->eat_newline == 0) {
            /* lost on the link: the line stays unfinished in the buffer */
        } else if (c == '\n') {
            g->cur[g->cur_len] = '\0';
            int slot = (g->head + g->count) % 512;
            g->lens[slot] = (int)g->cur_len + 1;
            g->kinds[slot] = strcmp(g->cur, "$X") == 0        ? 'x'
                             : strncmp(g->cur, "G99", 3) == 0 ? 'e'
                                                              : 'o';
            g->count++;
            g->rx_used++; /* the newline */
            if (g->rx_used > g->rx_max)
                g->rx_max = g->rx_used;
            g->cur_len = 0;
        } else {
            if (g->cur_len < sizeof g->cur - 1)
                g->cur[g->cur_len++] = (char)c;
            g->rx_used++;
            if (g->rx_used > g->rx_max)
                g->rx_max = g->rx_used;
        }
    }
    pthread_mutex_unlock(&g->lock);
}

/* One line executed per host read: slower than the host, so the buffer fills. */
static void mg_tick(void *user, serial_fake_t *fk)
{
    mini_grbl_t *g = user;
    pthread_mutex_lock(&g->lock);
    g->ticks++;
    if (g->garbage && g->ticks % 7 == 0)
        mg_push(fk, "\x01\xfe garbage ok?\r\n[junk\r\nerror:x\r\n");
    bool due = g->line_ms == 0 || tu_now_ms() - g->last_exec_ms >= g->line_ms;
    if (g->count && !g->hold && !g->silent && due) {
        g->last_exec_ms = tu_now_ms();
        int slot = g->head;
        char kind = g->kinds[slot];
        if (g->alarm && kind != 'x') {
            mg_push(fk, "error:9\r\n");
        } else if (kind == 'e') {
            mg_push(fk, "error:20\r\n");
        } else {
            if (kind == 'x')
                g->alarm = false;
            mg_push(fk, "ok\r\n");
        }
        g->rx_used -= g->lens[slot];
        g->head = (g->head + 1) % 512;
        g->count--;
        if (kind == 'o' && !g->alarm) {
            g->acked++;
            if (g->alarm_after && g->acked == g->alarm_after) {
                g->alarm = true;
                g->count = g->head = 0;
                g->rx_used = 0;
                mg_push(fk, "ALARM:1\r\n");
            }
        }
    }
    pthread_mutex_unlock(&g->lock);
}

typedef struct {
    mini_grbl_t g;
    serial_fake_t *fk;
    grbl_drv_t *drv;
} rig_t;

static serial_port_t *rig_open(void *user, char *why, size_t why_len)
{
    rig_t *r = user;
    serial_port_t *p = serial_fake_open(r->fk);
    if (!p)
        snprintf(why, why_len, "fake engraver unplugged");
    return p;
}

static rig_t *rig_create(grbl_stream_mode_t mode)
{
    rig_t *r = calloc(1, sizeof *r);
    pthread_mutex_init(&r->g.lock, NULL);
    r->fk = serial_fake_create(mg_peer, mg_tick, &r->g);
    return r;
}

static void rig_start(rig_t *r, grbl_stream_mode_t mode)
{
    grbl_opts_t o;
    grbl_opts_default(&o);
    o.mode = mode;
    o.banner_timeout_ms = 300;
    o.silence_ms = 600;
    r->drv = grbl_drv_create_with(rig_open, r, &o);
    assert_non_null(r->drv);
}

static void rig_destroy(rig_t *r)
{
    grbl_drv_destroy(r->drv);
    serial_fake_destroy(r->fk);
    pthread_mutex_destroy(&r->g.lock);
    free(r);
}

static grbl_drv_state_t state_of(rig_t *r)
{
    grbl_snapshot_t s;
    grbl_drv_snapshot(r->drv, &s);
    return s.state;
}

/* Waits for an event of KIND; copies it into EV. */
static bool wait_event(rig_t *r, grbl_event_kind_t kind, grbl_event_t *ev, int timeout_ms)
{
    long long end = tu_now_ms() + timeout_ms;
    while (tu_now_ms() < end) {
        if (grbl_drv_poll_event(r->drv, ev)) {
            if (ev->kind == kind)
                return true;
            continue;
        }
        tu_sleep_ms(2);
    }
    return false;
}

static char *make_program(int lines)
{
    char *p = malloc((size_t)lines * 40 + 1);
    size_t n = 0;
    for (int i = 0; i < lines; i++)
        n += (size_t)sprintf(p + n, "G1 X%d.%03d Y%d.500 F800\n", i % 50, i, i % 20);
    return p;
}

/* ---- Tests ----------------------------------------------------------------- */

static void test_parse(void **state)
{
    grbl_reply_t r;
    grbl_parse_reply("ok", &r);
    assert_int_equal(r.kind, GRBL_REPLY_OK);
    grbl_parse_reply("error:22", &r);
    assert_int_equal(r.kind, GRBL_REPLY_ERROR);
    assert_int_equal(r.code, 22);
    assert_string_equal(grbl_error_text(22), "feed rate not set");
    grbl_parse_reply("ALARM:1", &r);
    assert_int_equal(r.kind, GRBL_REPLY_ALARM);
    assert_non_null(strstr(grbl_alarm_text(1), "hard limit"));
    assert_non_null(strstr(grbl_alarm_text(99), "unknown"));
    grbl_parse_reply("Grbl 1.1h ['$' for help]", &r);
    assert_int_equal(r.kind, GRBL_REPLY_BANNER);
    assert_string_equal(r.text, "1.1h");
    grbl_parse_reply("<Hold:0|MPos:10.500,2.000,0.000|Bf:12,100|FS:800,300>", &r);
    assert_int_equal(r.kind, GRBL_REPLY_STATUS);
    assert_string_equal(r.state, "Hold:0");
    assert_true(r.pos[0] > 10.49 && r.pos[0] < 10.51);
    assert_int_equal(r.planner_free, 12);
    assert_int_equal(r.rx_free, 100);
    assert_true(r.feed > 799);
    grbl_parse_reply("[MSG:'$H'|'$X' to unlock]", &r);
    assert_int_equal(r.kind, GRBL_REPLY_MSG);
    assert_string_equal(r.text, "'$H'|'$X' to unlock");
    grbl_parse_reply("error:abc", &r);
    assert_int_equal(r.kind, GRBL_REPLY_OTHER);
    grbl_parse_reply("<", &r);
    assert_int_equal(r.kind, GRBL_REPLY_OTHER);
    grbl_parse_reply("$30=1000", &r);
    assert_int_equal(r.kind, GRBL_REPLY_SETTING);
}

/* Random bytes never crash the parser (run under ASan/UBSan in CI). */
static void test_parse_random(void **state)
{
    unsigned seed = 12345;
    char line[96];
    const char *prefixes[] = {"", "<", "[", "error:", "ALARM:", "Grbl ", "$1", "ok"};
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 16) % 90;
        const char *pre = prefixes[(seed >> 8) % 8];
        size_t pl = strlen(pre);
        memcpy(line, pre, pl);
        for (size_t j = pl; j < n + pl && j < sizeof line - 2; j++) {
            seed = seed * 1103515245u + 12345u;
            char c = (char)((seed >> 16) & 0xFF);
            line[j] = c ? c : '|';
        }
        size_t end = n + pl < sizeof line - 2 ? n + pl : sizeof line - 2;
        line[end] = (seed & 1) ? '>' : ']';
        line[end + 1] = '\0';
        grbl_reply_t r;
        grbl_parse_reply(line, &r);
        assert_true(r.kind >= GRBL_REPLY_OK && r.kind <= GRBL_REPLY_OTHER);
    }
}

static void test_window(void **state)
{
    grbl_window_t w;
    grbl_window_init(&w, GRBL_RX_USABLE, GRBL_WINDOW_LINES);
    assert_true(grbl_window_fits(&w, 127));
    assert_false(grbl_window_fits(&w, 128));
    grbl_window_push(&w, 100);
    assert_true(grbl_window_fits(&w, 27));
    assert_false(grbl_window_fits(&w, 28));
    grbl_window_push(&w, 27);
    assert_int_equal(grbl_window_pop(&w), 100);
    assert_int_equal(grbl_window_pop(&w), 27);
    assert_int_equal(grbl_window_pop(&w), -1);
    grbl_window_init(&w, GRBL_RX_USABLE, 1); /* send-and-wait */
    grbl_window_push(&w, 5);
    assert_false(grbl_window_fits(&w, 5));

    double t[4];
    assert_int_equal(grbl_estimate_times("G0 X30\nG1 X60 F600\nM5\n", 3000, t, 4), 3);
    assert_true(t[0] > 0.59 && t[0] < 0.61); /* 30 mm at 3000 mm/min */
    assert_true(t[1] > 3.59 && t[1] < 3.61); /* + 30 mm at 600 */
    assert_true(t[2] == t[1]);
}

static void test_stream_char_counting(void **state)
{
    rig_t *r = rig_create(GRBL_STREAM_CHAR_COUNT);
    rig_start(r, GRBL_STREAM_CHAR_COUNT);
    grbl_event_t ev;
    assert_true(wait_event(r, GRBL_EV_READY, &ev, 2000));
    assert_string_equal(ev.text, "1.1h");
    char *prog = make_program(300);
    uint32_t job;
    assert_int_equal(grbl_stream_start(r->drv, prog, &job), 0);
    free(prog);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 10000));
    assert_true(ev.ok);
    assert_int_equal(ev.job, job);
    grbl_snapshot_t s;
    grbl_drv_snapshot(r->drv, &s);
    assert_int_equal(s.lines_acked, 300);
    assert_int_equal(s.state, GRBL_DRV_READY);
    assert_true(s.max_bytes_in_flight <= GRBL_RX_USABLE);
    pthread_mutex_lock(&r->g.lock);
    int rx_max = r->g.rx_max, crlf = r->g.crlf_seen;
    pthread_mutex_unlock(&r->g.lock);
    /* Never more than 127 bytes in GRBL's buffer, but well filled. */
    assert_true(rx_max <= GRBL_RX_USABLE);
    assert_true(rx_max > 90);
    assert_int_equal(crlf, 0); /* \n only */
    rig_destroy(r);
}

static void test_stream_send_wait(void **state)
{
    rig_t *r = rig_create(GRBL_STREAM_SEND_WAIT);
    rig_start(r, GRBL_STREAM_SEND_WAIT);
    grbl_event_t ev;
    assert_true(wait_event(r, GRBL_EV_READY, &ev, 2000));
    char *prog = make_program(40);
    assert_int_equal(grbl_stream_start(r->drv, prog, NULL), 0);
    free(prog);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 10000));
    assert_true(ev.ok);
    pthread_mutex_lock(&r->g.lock);
    int rx_max = r->g.rx_max;
    pthread_mutex_unlock(&r->g.lock);
    assert_true(rx_max <= 30); /* one line at a time */
    rig_destroy(r);
}

static void test_error_mid_job(void **state)
{
    rig_t *r = rig_create(GRBL_STREAM_CHAR_COUNT);
    rig_start(r, GRBL_STREAM_CHAR_COUNT);
    grbl_event_t ev;
    assert_true(wait_event(r, GRBL_EV_READY, &ev, 2000));
    assert_int_equal(grbl_stream_start(r->drv, "G1 X1 F100\nG99\nG1 X2\n", NULL), 0);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 3000));
    assert_false(ev.ok);
    assert_non_null(strstr(ev.text, "error 20"));
    assert_non_null(strstr(ev.text, "unsupported"));
    /* The driver reset GRBL and is ready again. */
    assert_true(wait_event(r, GRBL_EV_READY, &ev, 2000));
    assert_int_equal(grbl_stream_start(r->drv, "G1 X1 F100\n", NULL), 0);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 3000));
    assert_true(ev.ok);
    /* Lines over 80 characters are refused before sending. */
    char longline[100];
    memset(longline, 'X', 90);
    strcpy(longline + 90, "\n");
    assert_int_equal(grbl_stream_start(r->drv, longline, NULL), MF_EINVAL);
    rig_destroy(r);
}

static void test_alarm_then_reset(void **state)
{
    rig_t *r = rig_create(GRBL_STREAM_CHAR_COUNT);
    r->g.alarm_after = 50;
    rig_start(r, GRBL_STREAM_CHAR_COUNT);
    grbl_event_t ev;
    assert_true(wait_event(r, GRBL_EV_READY, &ev, 2000));
    char *prog = make_program(200);
    assert_int_equal(grbl_stream_start(r->drv, prog, NULL), 0);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 5000));
    assert_false(ev.ok);
    assert_non_null(strstr(ev.text, "alarm 1"));
    assert_non_null(strstr(ev.text, "hard limit"));
    assert_int_equal(state_of(r), GRBL_DRV_ALARM);
    /* Locked: the next job is refused with the alarm's text. */
    assert_int_equal(grbl_stream_start(r->drv, prog, NULL), 0);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 2000));
    assert_false(ev.ok);
    assert_non_null(strstr(ev.text, "alarm"));
    /* Reset: soft reset + $X, then the next job succeeds. */
    pthread_mutex_lock(&r->g.lock);
    r->g.alarm_after = 0;
    pthread_mutex_unlock(&r->g.lock);
    assert_int_equal(grbl_drv_reset(r->drv), 0);
    assert_true(wait_event(r, GRBL_EV_READY, &ev, 2000));
    assert_int_equal(grbl_stream_start(r->drv, prog, NULL), 0);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 10000));
    assert_true(ev.ok);
    free(prog);
    rig_destroy(r);
}

static void test_hold_resume(void **state)
{
    rig_t *r = rig_create(GRBL_STREAM_CHAR_COUNT);
    r->g.line_ms = 5;
    rig_start(r, GRBL_STREAM_CHAR_COUNT);
    grbl_event_t ev;
    assert_true(wait_event(r, GRBL_EV_READY, &ev, 2000));
    char *prog = make_program(400);
    assert_int_equal(grbl_stream_start(r->drv, prog, NULL), 0);
    free(prog);
    grbl_snapshot_t s;
    assert_true(TU_WAIT((grbl_drv_snapshot(r->drv, &s), s.lines_acked >= 20), 3000));
    assert_int_equal(grbl_drv_hold(r->drv), 0);
    assert_true(TU_WAIT(state_of(r) == GRBL_DRV_HELD, 1000));
    tu_sleep_ms(100);
    grbl_drv_snapshot(r->drv, &s);
    int acked = s.lines_acked;
    /* No ok during the hold, and no timeout either (longer than silence_ms). */
    tu_sleep_ms(800);
    grbl_drv_snapshot(r->drv, &s);
    assert_int_equal(s.lines_acked, acked);
    assert_int_equal(s.state, GRBL_DRV_HELD);
    if (!(s.seconds_left > 0))
        fail_msg("seconds_left %f acked %d total %d", s.seconds_left, s.lines_acked, s.lines_total);
    assert_int_equal(grbl_drv_resume(r->drv), 0);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 10000));
    assert_true(ev.ok);
    rig_destroy(r);
}

static void test_garbage_lines(void **state)
{
    rig_t *r = rig_create(GRBL_STREAM_CHAR_COUNT);
    r->g.garbage = true;
    rig_start(r, GRBL_STREAM_CHAR_COUNT);
    grbl_event_t ev;
    assert_true(wait_event(r, GRBL_EV_READY, &ev, 2000));
    char *prog = make_program(150);
    assert_int_equal(grbl_stream_start(r->drv, prog, NULL), 0);
    free(prog);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 10000));
    assert_true(ev.ok);
    rig_destroy(r);
}

static void test_disconnect_and_back(void **state)
{
    int fds = tu_count_fds();
    rig_t *r = rig_create(GRBL_STREAM_CHAR_COUNT);
    rig_start(r, GRBL_STREAM_CHAR_COUNT);
    grbl_event_t ev;
    assert_true(wait_event(r, GRBL_EV_READY, &ev, 2000));
    char *prog = make_program(300);
    assert_int_equal(grbl_stream_start(r->drv, prog, NULL), 0);
    serial_fake_disconnect_after(r->fk, 40);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 5000));
    assert_false(ev.ok);
    assert_non_null(strstr(ev.text, "disconnected"));
    assert_int_equal(state_of(r), GRBL_DRV_OFFLINE);
    tu_sleep_ms(300); /* a few reopen attempts fail while unplugged */
    serial_fake_reconnect(r->fk);
    assert_true(wait_event(r, GRBL_EV_READY, &ev, 3000));
    assert_int_equal(grbl_stream_start(r->drv, prog, NULL), 0);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 10000));
    assert_true(ev.ok);
    free(prog);
    rig_destroy(r);
    assert_int_equal(tu_count_fds(), fds);
}

static void test_proto_settings_and_extent(void **state)
{
    grbl_reply_t r;
    grbl_parse_reply("$130=300.000", &r);
    assert_int_equal(r.kind, GRBL_REPLY_SETTING);
    assert_int_equal(r.setting_id, 130);
    assert_true(r.setting_value > 299.9 && r.setting_value < 300.1);
    grbl_parse_reply("$32=1 (laser mode, boolean)", &r); /* GRBL 0.9 comments */
    assert_int_equal(r.setting_id, 32);
    assert_true(r.setting_value == 1.0);
    grbl_parse_reply("<Run|WPos:1.000,2.000,0.000|FS:500,0|WCO:10.000,20.000,0.000>", &r);
    assert_true(r.has_pos && !r.pos_is_mpos && r.has_wco);
    assert_true(r.wco[1] > 19.9);

    grbl_extent_t e;
    grbl_program_extent("G21 G90\nM4 S250\nG0 X5 Y2\nG1 X55 Y18 F800\nG4 P1.5\nM5\n", &e);
    assert_true(e.moves);
    assert_true(e.min_x > 4.9 && e.max_x < 55.1 && e.max_y > 17.9);
    assert_true(e.max_s > 249.9 && e.max_s < 250.1);
    assert_true(e.dwell_s > 1.49 && e.dwell_s < 1.51);
    grbl_program_extent("G20\nG91\nG0 X1\nG0 X1\n", &e); /* inches, relative */
    assert_true(e.max_x > 50.7 && e.max_x < 50.9);

    grbl_settings_t st;
    grbl_settings_init(&st);
    char why[160];
    assert_int_equal(grbl_check_program(&e, &st, why, sizeof why), 0); /* unknown: no check */
    grbl_settings_take(&st, 30, 1000);
    grbl_settings_take(&st, 32, 1);
    grbl_settings_take(&st, 130, 50);
    grbl_settings_take(&st, 131, 20);
    assert_int_equal(st.laser_mode, 1);
    assert_int_equal(grbl_check_program(&e, &st, why, sizeof why), MF_ERANGE);
    assert_non_null(strstr(why, "$130=50"));
    grbl_program_extent("G0 X-45 Y-5\nG1 X-5 Y-15 S900 F100\n", &e); /* negative space */
    assert_int_equal(grbl_check_program(&e, &st, why, sizeof why), 0);
    grbl_program_extent("G0 X-45 Y5\n", &e); /* X in [-50,0], Y in [0,20]: each axis alone */
    assert_int_equal(grbl_check_program(&e, &st, why, sizeof why), 0);
    grbl_program_extent("G0 X-10 Y0\nG0 X10 Y0\n", &e); /* spans both sides */
    assert_int_equal(grbl_check_program(&e, &st, why, sizeof why), MF_ERANGE);
    grbl_program_extent("M4 S1200\nG1 X1 F100\n", &e);
    assert_int_equal(grbl_check_program(&e, &st, why, sizeof why), MF_ERANGE);
    assert_non_null(strstr(why, "$30=1000"));
}

/* A newline lost on the link: GRBL idle with bytes unparsed and a line
 * unanswered. The job fails within seconds with the reason, GRBL is reset
 * and the next job works. */
static void test_line_cut_fails_the_job(void **state)
{
    rig_t *r = rig_create(GRBL_STREAM_CHAR_COUNT);
    grbl_opts_t o;
    grbl_opts_default(&o);
    o.banner_timeout_ms = 300;
    o.silence_ms = 600;
    o.stall_ms = 500;
    r->drv = grbl_drv_create_with(rig_open, r, &o);
    grbl_event_t ev;
    assert_true(wait_event(r, GRBL_EV_READY, &ev, 2000));
    pthread_mutex_lock(&r->g.lock);
    r->g.eat_newline = 5; /* the 5th line's newline */
    pthread_mutex_unlock(&r->g.lock);
    char *prog = make_program(5);
    assert_int_equal(grbl_stream_start(r->drv, prog, NULL), 0);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 5000));
    assert_false(ev.ok);
    assert_non_null(strstr(ev.text, "cut on the serial link"));
    assert_true(wait_event(r, GRBL_EV_READY, &ev, 3000));
    assert_int_equal(grbl_stream_start(r->drv, prog, NULL), 0);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 5000));
    assert_true(ev.ok);
    free(prog);
    rig_destroy(r);
}

static void test_no_banner(void **state)
{
    rig_t *r = rig_create(GRBL_STREAM_CHAR_COUNT);
    r->g.no_banner = true;
    rig_start(r, GRBL_STREAM_CHAR_COUNT);
    grbl_snapshot_t s;
    assert_true(TU_WAIT((grbl_drv_snapshot(r->drv, &s),
                         s.state == GRBL_DRV_OFFLINE && strstr(s.last_message, "banner")),
                        3000));
    /* A job while offline fails at once with the reason. */
    grbl_event_t ev;
    assert_int_equal(grbl_stream_start(r->drv, "G0 X1\n", NULL), 0);
    assert_true(wait_event(r, GRBL_EV_JOB_DONE, &ev, 2000));
    assert_false(ev.ok);
    assert_non_null(strstr(ev.text, "not ready"));
    rig_destroy(r);
}

int main(void)
{
    mf_log_set_level(MF_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_random),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_stream_char_counting),
        cmocka_unit_test(test_stream_send_wait),
        cmocka_unit_test(test_error_mid_job),
        cmocka_unit_test(test_alarm_then_reset),
        cmocka_unit_test(test_hold_resume),
        cmocka_unit_test(test_garbage_lines),
        cmocka_unit_test(test_disconnect_and_back),
        cmocka_unit_test(test_no_banner),
        cmocka_unit_test(test_proto_settings_and_extent),
        cmocka_unit_test(test_line_cut_fails_the_job),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
