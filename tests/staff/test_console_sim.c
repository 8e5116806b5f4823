/*
 * test_console_sim.c - staff.console_sim: the staff console headless against
 * minifab-sim, through the real drivers (app/platform/devices), the staff
 * edge and the kiosk, without a window. A trainer's round: enter with the
 * corner gesture and the PIN; a jam injected in the simulator, its alarm
 * appears with its plain-language text; "start" is refused with why; the
 * cause cleared, acknowledge, reset, start: running again. The emergency
 * stop pressed: the banner over the staff screen, "start" refused because
 * of it; released. The PLC dropped off the network and back: the devices
 * screen shows it disconnected, then connected. Every action is in the
 * audit rows, with its role and result.
 *
 * Texts are shown as their keys (no content pack), so the assertions name
 * strings.yaml keys.
 */
#include "devices.h"
#include "kiosk.h"
#include "kiosk_touch.h"
#include "line_drv.h"
#include "mf_error.h"
#include "simproc.h"
#include "staff_console.h"
#include "staff_edge.h"
#include "staff_store.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define W 177.8f
#define H 100.0f

typedef struct {
    char rows[64][256];
    int count;
} audit_log_t;

static void audit_capture(void *ctx, int64_t wall_ms, const char *role, const char *action,
                          const char *detail, const char *result)
{
    audit_log_t *a = ctx;
    (void)wall_ms;
    if (a->count < 64)
        snprintf(a->rows[a->count++], sizeof a->rows[0], "%s|%s|%s|%s", role, action, detail,
                 result);
}

static bool audit_has(const audit_log_t *a, const char *text)
{
    for (int i = 0; i < a->count; i++)
        if (strstr(a->rows[i], text))
            return true;
    return false;
}

/* Keys as texts, but the line's summary shows its state and mode. */
static const char *test_text(void *ctx, const char *lang, const char *key)
{
    (void)ctx;
    (void)lang;
    if (strcmp(key, "staff.line.summary") == 0)
        return "{state} / {mode}";
    if (strcmp(key, "staff.line.offline") == 0)
        return "staff.line.offline {why}";
    if (strcmp(key, "staff.dev.detail") == 0)
        return "staff.dev.detail last={last} errors={errors}";
    return key;
}

typedef struct {
    simproc_t *sim;
    simproc_addresses_t addr;
    devices_t *dev;
    kiosk_t *k;
    staff_edge_t *edge;
    view_t view;
    int64_t now;
    int ctl;
    char dir[64];
    audit_log_t audit;
    uint32_t cancelled[8]; /* LINE_EV_ORDER_CANCELLED passed on to the order side */
    int cancelled_n;
} rig_t;

/* The order side's hook: the line events the console does not take. */
static void other_event(void *ctx, const void *line_event)
{
    rig_t *r = ctx;
    const line_event_t *ev = line_event;
    if (ev->kind == LINE_EV_ORDER_CANCELLED && r->cancelled_n < 8)
        r->cancelled[r->cancelled_n++] = ev->order;
}

static char ctl_out[4096];

static void ctl(rig_t *r, const char *cmd)
{
    char *buf = ctl_out;
    const size_t bufsize = sizeof ctl_out;
    size_t len = strlen(cmd);
    assert_int_equal(write(r->ctl, cmd, len), (ssize_t)len);
    assert_int_equal(write(r->ctl, "\n", 1), 1);
    size_t n = 0;
    for (;;) {
        ssize_t got = read(r->ctl, buf + n, bufsize - 1 - n);
        assert_true(got > 0);
        n += (size_t)got;
        buf[n] = '\0';
        if (strstr(buf, "ok\n") || strstr(buf, "error:"))
            break;
    }
    if (strstr(buf, "error:"))
        fail_msg("sim control '%s': %s", cmd, buf);
}

/* Runs the loop for MS of real time (the kiosk's clock follows). */
static void run(rig_t *r, int ms)
{
    for (int t = 0; t < ms; t += 20) {
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
        r->now += 20;
        devices_tick(r->dev, r->now);
        staff_edge_pump(r->edge, r->k, r->now);
        mf_event_t tick = {.type = MF_EV_TICK};
        kiosk_update(r->k, &tick, r->now);
    }
}

static const view_t *view(rig_t *r)
{
    kiosk_view(r->k, r->now, &r->view);
    return &r->view;
}

/* Runs until the simulator's stack light shows LIGHT ("green=1 orange=0"). */
static bool wait_light(rig_t *r, const char *light, int timeout_ms)
{
    for (int t = 0; t < timeout_ms; t += 50) {
        ctl(r, "status");
        if (strstr(ctl_out, light))
            return true;
        run(r, 50);
    }
    return false;
}

/* Runs until TEXT shows (in any widget) or TIMEOUT_MS passes. */
static bool wait_text(rig_t *r, const char *text, int timeout_ms)
{
    for (int t = 0; t < timeout_ms; t += 100) {
        if (view_has_text(view(r), text))
            return true;
        run(r, 100);
    }
    return view_has_text(view(r), text);
}

static const char *widget_label(rig_t *r, const char *id)
{
    const view_widget_t *w = view_find_id(view(r), id);
    return w ? w->label : "";
}

static void press(rig_t *r, float x, float y, int hold_ms)
{
    kiosk_touch(r->k, &r->now, x, y, hold_ms);
}

static void tap(rig_t *r, const char *id)
{
    kiosk_touch_widget(r->k, &r->now, view(r), id);
    run(r, 40);
}

static void enter_console(rig_t *r, const char *pin)
{
    press(r, 2.0f, H - 2.0f, 3100); /* bottom-left held... */
    press(r, W - 2.0f, 2.0f, 3100); /* ...then top-right */
    assert_string_equal(view(r)->screen, "staff-pin");
    run(r, 300); /* the PIN pad's status comes from the worker */
    for (const char *p = pin; *p; p++) {
        char id[8] = "pin-";
        id[4] = *p;
        tap(r, id);
    }
    tap(r, "pin-ok");
    for (int t = 0; t < 5000 && strcmp(view(r)->screen, "staff-line") != 0; t += 50)
        run(r, 50);
    assert_string_equal(view(r)->screen, "staff-line");
}

static int setup(void **state)
{
    rig_t *r = calloc(1, sizeof *r);
    const char *bin = getenv("MINIFAB_BIN_DIR");
    r->sim = simproc_start(bin ? bin : "build/bin", &r->addr);
    if (!r->sim) {
        free(r);
        return -1;
    }
    r->ctl = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(r->addr.control) >= sizeof sa.sun_path)
        return -1;
    memcpy(sa.sun_path, r->addr.control, strlen(r->addr.control) + 1);
    if (connect(r->ctl, (struct sockaddr *)&sa, sizeof sa) != 0)
        return -1;
    ctl(r, "speed 10");
    devices_config_t dc = {.line_poll_ms = 50};
    dc.address[DEVICE_LINE] = r->addr.plc_uri;
    dc.address[DEVICE_IO] = r->addr.io_port;
    dc.address[DEVICE_ENGRAVER] = r->addr.engraver_port;
    dc.address[DEVICE_SCANNER] = r->addr.scanner_port;
    char why[256];
    r->dev = devices_create(&dc, why, sizeof why);
    if (!r->dev)
        return -1;
    snprintf(r->dir, sizeof r->dir, "/tmp/mf-staff-sim-XXXXXX");
    if (!mkdtemp(r->dir))
        return -1;
    staff_store_t *st = staff_store_create(r->dir);
    staff_store_set_pin(st, STAFF_ROLE_OPERATOR, "4821");
    staff_store_destroy(st);
    kiosk_options_t ko = {.idle_timeout_ms = 90000, .text = test_text};
    r->now = 1000;
    r->k = kiosk_create(&ko, W, H, r->now);
    staff_edge_opts_t eo = {.devices = r->dev, .data_dir = r->dir};
    eo.hooks.audit = audit_capture;
    eo.hooks.ctx = &r->audit;
    eo.other_line_event = other_event;
    eo.other_ctx = r;
    r->edge = staff_edge_create(&eo);
    *state = r;
    return r->k && r->edge ? 0 : -1;
}

static int teardown(void **state)
{
    rig_t *r = *state;
    staff_edge_destroy(r->edge);
    kiosk_destroy(r->k);
    devices_destroy(r->dev);
    close(r->ctl);
    simproc_stop(r->sim);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
    int rc = system(cmd);
    free(r);
    return rc == 0 ? 0 : -1;
}

static void test_jam_ack_reset_start(void **state)
{
    rig_t *r = *state;
    run(r, 500);
    enter_console(r, "4821");
    assert_true(audit_has(&r->audit, "operator|login|operator|ok"));
    assert_true(wait_text(r, "staff.state.", 3000));

    /* a jam at the press: the line aborts, the alarm shows what to check */
    ctl(r, "fault jam 3");
    assert_true(wait_text(r, "staff.alarm.jam.text", 3000));
    assert_non_null(strstr(widget_label(r, "staff-alarm-0"), "staff.alarm.jam.check"));
    assert_non_null(strstr(widget_label(r, "staff-alarm-0"), "staff.alarm.unacked"));
    /* ...with its own "acknowledge" (code 2, station 3) */
    assert_non_null(view_find_id(view(r), "staff-ack-2-3-0"));
    assert_true(wait_text(r, "staff.state.aborted", 3000));
    /* the stack light follows: red (blinking while unacknowledged) */
    assert_true(wait_light(r, "green=0 orange=0 red=1", 3000));

    /* start now: refused, and the screen says why */
    tap(r, "staff-start");
    assert_non_null(strstr(widget_label(r, "staff-outcome"), "staff.outcome.pending"));
    assert_true(wait_text(r, "staff.outcome.refused", 4000));
    assert_non_null(strstr(widget_label(r, "staff-outcome"), "staff.why.reset_first"));

    /* a second alarm: a sensor fault at the robot; both causes removed */
    ctl(r, "fault sensor 5");
    assert_true(wait_text(r, "staff.alarm.sensor.text", 3000));
    ctl(r, "clear jam 3");
    ctl(r, "clear sensor 5");
    /* acknowledge the jam alone: it goes, the sensor fault stays, still aborted */
    tap(r, "staff-ack-2-3-0");
    assert_true(wait_text(r, "staff.outcome.accepted", 4000));
    for (int t = 0; t < 3000 && view_find_id(view(r), "staff-ack-2-3-0"); t += 100)
        run(r, 100);
    assert_null(view_find_id(view(r), "staff-ack-2-3-0"));
    assert_non_null(view_find_id(view(r), "staff-ack-3-5-0"));
    assert_non_null(strstr(widget_label(r, "staff-line-state"), "staff.state.aborted"));
    /* then "acknowledge all": the line clears */
    tap(r, "staff-ack");
    assert_true(wait_text(r, "staff.outcome.accepted", 4000));
    assert_true(wait_text(r, "staff.state.stopped", 5000));
    tap(r, "staff-reset");
    assert_true(wait_text(r, "staff.outcome.accepted", 4000));
    assert_true(wait_text(r, "staff.state.idle", 5000));
    tap(r, "staff-start");
    assert_true(wait_text(r, "staff.outcome.accepted", 4000));
    if (!wait_text(r, "staff.state.execute", 5000))
        fail_msg("not running: %s / %s", widget_label(r, "staff-line-state"),
                 widget_label(r, "staff-outcome"));
    assert_true(wait_light(r, "green=1 orange=0 red=0", 3000));
    /* the jam is in the history, acknowledged and gone */
    assert_true(staff_console_history_count(r->k) >= 1);
    assert_non_null(strstr(widget_label(r, "staff-history"), "staff.alarm.h_gone"));

    assert_true(audit_has(&r->audit, "operator|line_start||refused"));
    assert_true(audit_has(&r->audit, "operator|ack|alarm 2 station 3|accepted"));
    assert_true(audit_has(&r->audit, "operator|ack|all|accepted"));
    assert_true(audit_has(&r->audit, "operator|line_reset||accepted"));
    assert_true(audit_has(&r->audit, "operator|line_start||accepted"));

    /* the emergency stop: above everything, start refused because of it */
    ctl(r, "estop press");
    assert_true(wait_text(r, "staff.estop.banner", 3000));
    const view_t *v = view(r);
    assert_string_equal(v->widgets[v->count - 1].id, "staff-estop"); /* drawn last: on top */
    tap(r, "staff-tab-devices");
    assert_string_equal(view(r)->screen, "staff-devices");
    assert_true(view_has_text(view(r), "staff.estop.banner"));
    tap(r, "staff-tab-line");
    tap(r, "staff-start");
    assert_true(wait_text(r, "staff.why.estop", 4000));
    ctl(r, "estop release");
    for (int t = 0; t < 3000 && view_has_text(view(r), "staff.estop.banner"); t += 100)
        run(r, 100);
    assert_false(view_has_text(view(r), "staff.estop.banner"));

    /* the PLC drops off the network for 2 s, then comes back */
    tap(r, "staff-tab-devices");
    assert_true(wait_text(r, "staff.dev.connected", 2000));
    ctl(r, "drop plc 2 close");
    bool seen_down = false;
    for (int t = 0; t < 4000 && !seen_down; t += 100) {
        run(r, 100);
        seen_down = strstr(widget_label(r, "staff-dev-0"), "staff.dev.disconnected") != NULL;
    }
    assert_true(seen_down);
    bool back = false;
    for (int t = 0; t < 8000 && !back; t += 100) {
        run(r, 100);
        back = strstr(widget_label(r, "staff-dev-0"), "staff.dev.connected") != NULL &&
               !strstr(widget_label(r, "staff-dev-0"), "disconnected");
    }
    assert_true(back);
    /* the drop is one error, counted by the devices module */
    for (int t = 0; t < 1000 && !strstr(widget_label(r, "staff-dev-0"), "errors=1"); t += 100)
        run(r, 100);
    assert_non_null(strstr(widget_label(r, "staff-dev-0"), "errors=1"));
    /* reconnect pressed on a connected PLC: closed, opened again, said so;
     * asked for, so not an error */
    tap(r, "staff-reconnect-0");
    assert_true(wait_text(r, "staff.dev.done", 6000));
    assert_true(audit_has(&r->audit, "operator|reconnect|line|ok"));
    run(r, 600);
    assert_non_null(strstr(widget_label(r, "staff-dev-0"), "errors=1"));
    assert_non_null(strstr(widget_label(r, "staff-dev-0"), "staff.dev.ago"));

    /* leaving: back to the visitor side, logged */
    tap(r, "staff-leave");
    run(r, 100);
    assert_string_equal(view(r)->screen, "attract");
    assert_true(audit_has(&r->audit, "operator|logout"));
    assert_int_equal(staff_console_role(r->k), STAFF_ROLE_NONE);
}

/* Cancel from the queue: a queued order goes (the order side hears it, for
 * the visitor's tracking screen); one that another client cancelled first is
 * refused in words; both audited. */
static void test_cancel_order(void **state)
{
    rig_t *r = *state;
    run(r, 500);
    ctl(r, "order red");
    ctl(r, "order blue engrave");
    ctl(r, "order green");
    enter_console(r, "4821");
    for (int t = 0; t < 3000 && !view_find_id(view(r), "staff-cancel-3"); t += 100)
        run(r, 100);
    assert_non_null(view_find_id(view(r), "staff-cancel-1"));
    assert_non_null(view_find_id(view(r), "staff-cancel-2"));
    tap(r, "staff-cancel-2");
    assert_true(wait_text(r, "staff.outcome.accepted", 4000));
    assert_non_null(strstr(widget_label(r, "staff-outcome"), "staff.cmdname.cancel"));
    for (int t = 0; t < 3000 && view_find_id(view(r), "staff-cancel-2"); t += 100)
        run(r, 100);
    assert_null(view_find_id(view(r), "staff-cancel-2"));
    assert_non_null(view_find_id(view(r), "staff-cancel-1"));
    assert_true(r->cancelled_n >= 1);
    assert_int_equal(r->cancelled[0], 2u);
    /* another console cancels order 3 just before our tap: refused, why */
    assert_non_null(view_find_id(view(r), "staff-cancel-3"));
    ctl(r, "plc cancel 3");
    tap(r, "staff-cancel-3");
    assert_true(wait_text(r, "staff.outcome.refused", 4000));
    assert_non_null(strstr(widget_label(r, "staff-outcome"), "staff.why.no_order"));
    assert_true(audit_has(&r->audit, "operator|line_cancel|order 2|accepted"));
    assert_true(audit_has(&r->audit, "operator|line_cancel|order 3|refused"));
}

/* Reconnect on every device kind: the I/O module dropped by the simulator
 * (its port closed for 3 s): disconnected, reconnect pressed, connected again
 * and said so; the engraver and the scanner reconnected on demand; the
 * figures (last good message, errors) kept by the devices module. */
static void test_reconnect_devices(void **state)
{
    rig_t *r = *state;
    run(r, 500);
    enter_console(r, "4821");
    tap(r, "staff-tab-devices");
    for (int i = 0; i < STAFF_DEV_COUNT; i++) {
        char id[24];
        snprintf(id, sizeof id, "staff-dev-%d", i);
        for (int t = 0; t < 4000 && !strstr(widget_label(r, id), "staff.dev.connected"); t += 100)
            run(r, 100);
        if (!strstr(widget_label(r, id), "staff.dev.connected"))
            fail_msg("%s: %s", id, widget_label(r, id));
        assert_non_null(strstr(widget_label(r, id), "errors=0"));
        assert_null(strstr(widget_label(r, id), "staff.dev.never"));
    }
    ctl(r, "drop io 3 mute");
    bool down = false;
    for (int t = 0; t < 4000 && !down; t += 100) {
        run(r, 100);
        down = strstr(widget_label(r, "staff-dev-1"), "staff.dev.disconnected") != NULL;
    }
    assert_true(down);
    tap(r, "staff-reconnect-1");
    assert_true(wait_text(r, "staff.dev.done", 6000));
    run(r, 600); /* the devices' news come every 500 ms */
    assert_non_null(strstr(widget_label(r, "staff-dev-1"), "staff.dev.connected"));
    assert_true(audit_has(&r->audit, "operator|reconnect|io|ok"));
    assert_non_null(strstr(widget_label(r, "staff-dev-1"), "errors=1"));

    tap(r, "staff-reconnect-2");
    assert_true(wait_text(r, "staff.dev.done", 6000));
    assert_true(audit_has(&r->audit, "operator|reconnect|engraver|ok"));
    tap(r, "staff-reconnect-3");
    assert_true(wait_text(r, "staff.dev.done", 6000));
    assert_true(audit_has(&r->audit, "operator|reconnect|scanner|ok"));
    run(r, 600);
    assert_non_null(strstr(widget_label(r, "staff-dev-2"), "errors=0"));
    assert_non_null(strstr(widget_label(r, "staff-dev-3"), "errors=0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_jam_ack_reset_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconnect_devices, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
