/*
 * test_console.c - staff.console: the staff console in the kiosk with its
 * edge and a real statistics store, without devices or window.
 *
 *  - no PIN set: the console says how to set one and opens nothing;
 *  - five wrong PINs lock the pad with a countdown (the wall clock is the
 *    test's, fast-forwarded), the lockout survives a restart of the edge,
 *    doubles the next time; the pad never shows a digit;
 *  - an operator sees no organiser tab; two minutes without a touch return to
 *    the attract screen;
 *  - a group set on the console is carried by the next visit's events;
 *  - an organiser exports XLSX to a USB stick (a test mount table) and is
 *    told when there is no stick;
 *  - every action is a row of the store's audit table.
 */
#include "kiosk.h"
#include "kiosk_touch.h"
#include "mf_error.h"
#include "staff_console.h"
#include "staff_edge.h"
#include "staff_stats.h"
#include "staff_store.h"
#include "stats_export.h"
#include "stats_store.h"
#include "kiosk_pack.h"
#include "staff_pack.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define W 177.8f
#define H 100.0f

typedef struct {
    kiosk_pack_t *pack;
    char dir[64], stick[128], mounts[128], sys[128];
    int64_t wall;
    int64_t now;
    stats_store_t *stats;
    kiosk_t *k;
    staff_edge_t *edge;
    view_t view;
    char last_lang[8]; /* the language of the last text looked up */
} rig_t;

static int64_t fake_wall(void *ctx)
{
    return ((rig_t *)ctx)->wall;
}

static const char *test_text(void *ctx, const char *lang, const char *key)
{
    rig_t *r = ctx;
    if (r)
        snprintf(r->last_lang, sizeof r->last_lang, "%s", lang);
    if (strcmp(key, "staff.pin.locked") == 0)
        return "staff.pin.locked {time}";
    if (strcmp(key, "staff.pin.wrong") == 0)
        return "staff.pin.wrong {tries}";
    return key;
}

static void edge_start(rig_t *r)
{
    staff_edge_opts_t eo = {.data_dir = r->dir, .usb_mounts = r->mounts, .usb_sys = r->sys};
    eo.wall_ms = fake_wall;
    eo.wall_ctx = r;
    eo.hooks.context_get = staff_stats_context_get;
    eo.hooks.context_set = staff_stats_context_set;
    eo.hooks.figures = staff_stats_figures;
    eo.hooks.export_file = staff_stats_export;
    eo.hooks.audit = staff_stats_audit;
    eo.hooks.store_status = staff_stats_store_status;
    eo.hooks.ctx = r->stats;
    eo.hooks.reload = staff_pack_reload;
    eo.hooks.install = staff_pack_install_hook;
    eo.hooks.reload_ctx = r->pack;
    r->edge = staff_edge_create(&eo);
    assert_non_null(r->edge);
}

static void run(rig_t *r, int ms)
{
    for (int t = 0; t < ms; t += 20) {
        struct timespec ts = {0, 5 * 1000000L};
        nanosleep(&ts, NULL);
        r->now += 20;
        staff_edge_pump(r->edge, r->k, r->now);
        mf_event_t tick = {.type = MF_EV_TICK};
        kiosk_update(r->k, &tick, r->now);
    }
}

/* Moves the kiosk's clock by MS in one-second steps, without waiting. */
static void advance(rig_t *r, int64_t ms)
{
    for (int64_t t = 0; t < ms; t += 1000) {
        r->now += ms - t < 1000 ? ms - t : 1000;
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

static const char *label(rig_t *r, const char *id)
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

/* Runs until the PIN pad is ready (status or check answered). */
static void settle(rig_t *r)
{
    for (int t = 0; t < 15000; t += 20) { /* real time: Argon2id takes a while */
        struct timespec ts = {0, 15 * 1000000L};
        nanosleep(&ts, NULL);
        run(r, 20);
        const char *m = label(r, "pin-message");
        if (strcmp(view(r)->screen, "staff-pin") != 0 || (strcmp(m, "staff.pin.checking") != 0))
            return;
    }
}

/* Runs until the organiser screen's outcome no longer says it is working
 * (an export, a pack from the stick: done by the edge's worker). */
static void wait_outcome(rig_t *r)
{
    for (int t = 0; t < 400 && strstr(label(r, "staff-export-outcome"), "working"); t++) {
        struct timespec ts = {0, 25 * 1000000L};
        nanosleep(&ts, NULL);
        run(r, 20);
    }
}

static void gesture(rig_t *r)
{
    press(r, W - 2.0f, H - 2.0f, 3050);
    press(r, 2.0f, 2.0f, 3050);
    assert_string_equal(view(r)->screen, "staff-pin");
    settle(r);
}

static void type_pin(rig_t *r, const char *pin)
{
    for (const char *p = pin; *p; p++) {
        char id[8] = "pin-";
        id[4] = *p;
        tap(r, id);
        /* dots only, never a digit */
        assert_null(strpbrk(label(r, "pin-dots"), "0123456789"));
        assert_false(view_has_text(view(r), pin));
    }
    tap(r, "pin-ok");
    settle(r);
}

static int audit_rows(rig_t *r, const char *where)
{
    char cmd[512];
    stats_store_sync(r->stats, 3000);
    snprintf(cmd, sizeof cmd, "sqlite3 '%s/stats.db' \"SELECT count(*) FROM audit WHERE %s\"",
             r->dir, where);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

static int setup(void **state)
{
    rig_t *r = calloc(1, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "/tmp/mf-staff-console-XXXXXX");
    if (!mkdtemp(r->dir))
        return -1;
    snprintf(r->stick, sizeof r->stick, "%s/STICK", r->dir);
    snprintf(r->mounts, sizeof r->mounts, "%s/mounts", r->dir);
    snprintf(r->sys, sizeof r->sys, "%s/sys", r->dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/sdb' && echo 1 > '%s/sdb/removable' && : > '%s'",
             r->sys, r->sys, r->mounts);
    if (system(cmd) != 0)
        return -1;
    char path[128];
    snprintf(path, sizeof path, "%s/stats.db", r->dir);
    stats_store_opts_t so;
    stats_error_t err = {0};
    stats_store_opts_default(&so);
    r->stats = stats_store_open(path, &so, &err);
    if (!r->stats)
        return -1;
    /* the kiosk's content folder: its own (a tree of links to the project's
     * pack), since a pack installed from the stick replaces it */
    snprintf(cmd, sizeof cmd, "cp -rs '%s/content' '%s/kiosk-content'", MINIFAB_SOURCE_DIR, r->dir);
    if (system(cmd) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/kiosk-content", r->dir);
    r->pack = kiosk_pack_create(path);
    if (!r->pack || kiosk_pack_load(r->pack) != 0)
        return -1;
    r->wall = 1780000000000LL;
    r->now = 1000;
    kiosk_options_t ko = {.idle_timeout_ms = 90000, .text = test_text, .text_ctx = r};
    r->k = kiosk_create(&ko, W, H, r->now);
    kiosk_set_sink(r->k, stats_store_sink(r->stats));
    edge_start(r);
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    rig_t *r = *state;
    staff_edge_destroy(r->edge);
    kiosk_destroy(r->k);
    stats_store_close(r->stats);
    kiosk_pack_destroy(r->pack);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
    int rc = system(cmd);
    free(r);
    return rc == 0 ? 0 : -1;
}

static void test_no_pin_then_lockout(void **state)
{
    rig_t *r = *state;
    /* no PIN yet: how to set one, no pad, nothing opens */
    gesture(r);
    assert_string_equal(label(r, "pin-message"), "staff.pin.none");
    assert_null(view_find_id(view(r), "pin-1"));
    tap(r, "pin-cancel");
    assert_string_equal(view(r)->screen, "attract");

    staff_store_t *st = staff_store_create(r->dir);
    assert_int_equal(staff_store_set_pin(st, STAFF_ROLE_OPERATOR, "4821"), MF_OK);
    assert_int_equal(staff_store_set_pin(st, STAFF_ROLE_ORGANISER, "135790"), MF_OK);
    staff_store_destroy(st);

    /* five wrong PINs: locked for 30 s, shown with a countdown */
    gesture(r);
    for (int i = 0; i < 4; i++) {
        type_pin(r, "1111");
        assert_string_equal(view(r)->screen, "staff-pin");
        assert_non_null(strstr(label(r, "pin-message"), "staff.pin.wrong"));
    }
    assert_string_equal(label(r, "pin-message"), "staff.pin.wrong 1");
    type_pin(r, "1111");
    assert_string_equal(label(r, "pin-message"), "staff.pin.locked 0:30");
    assert_null(view_find_id(view(r), "pin-1")); /* no pad while locked */
    r->wall += 10000;
    advance(r, 10000);
    assert_string_equal(label(r, "pin-message"), "staff.pin.locked 0:20");

    /* the kiosk restarts (a new edge): still locked */
    staff_edge_destroy(r->edge);
    edge_start(r);
    tap(r, "pin-cancel");
    gesture(r);
    assert_string_equal(label(r, "pin-message"), "staff.pin.locked 0:20");

    /* 20 s later (the wall clock fast-forwarded): the pad is back */
    r->wall += 20000;
    advance(r, 20000);
    assert_non_null(view_find_id(view(r), "pin-1"));
    /* five more wrong: twice as long */
    for (int i = 0; i < 5; i++)
        type_pin(r, "2222");
    assert_string_equal(label(r, "pin-message"), "staff.pin.locked 1:00");
    r->wall += 60000;
    advance(r, 60000);

    /* an operator: no organiser tab; two minutes idle: back to attract */
    type_pin(r, "4821");
    assert_string_equal(view(r)->screen, "staff-line");
    assert_int_equal(staff_console_role(r->k), STAFF_ROLE_OPERATOR);
    assert_null(view_find_id(view(r), "staff-tab-stats"));
    assert_non_null(view_find_id(view(r), "staff-tab-group"));
    assert_string_equal(label(r, "staff-line-state"), "staff.line.none");
    tap(r, "staff-tab-line"); /* the last touch */
    advance(r, STAFF_IDLE_MS - 1000);
    assert_string_equal(view(r)->screen, "staff-line");
    advance(r, 1100);
    assert_string_equal(view(r)->screen, "attract");
    assert_int_equal(staff_console_role(r->k), STAFF_ROLE_NONE);

    run(r, 200);
    assert_int_equal(audit_rows(r, "action='login_failed'"), 10);
    assert_int_equal(audit_rows(r, "action='login' AND role='operator' AND result='ok'"), 1);
    assert_int_equal(audit_rows(r, "action='logout' AND role='operator'"), 1);
}

static void test_group_export_audit(void **state)
{
    rig_t *r = *state;
    staff_store_t *st = staff_store_create(r->dir);
    assert_int_equal(staff_store_set_pin(st, STAFF_ROLE_ORGANISER, "135790"), MF_OK);
    staff_store_destroy(st);
    gesture(r);
    type_pin(r, "135790");
    assert_string_equal(view(r)->screen, "staff-line");
    assert_non_null(view_find_id(view(r), "staff-tab-stats"));

    /* the statistics store's health among the devices */
    tap(r, "staff-tab-devices");
    run(r, 600);
    assert_string_equal(label(r, "staff-store"), "staff.dev.store_ok");

    /* the stop and the group */
    tap(r, "staff-tab-group");
    run(r, 100);
    /* the town on the on-screen keyboard (shift, then one-shot capitals) */
    tap(r, "staff-field-town");
    tap(r, "staff-kb-shift");
    tap(r, "staff-kb-L");
    tap(r, "staff-kb-i");
    tap(r, "staff-kb-l");
    tap(r, "staff-kb-l");
    tap(r, "staff-kb-e");
    assert_string_equal(label(r, "staff-field-town"), "Lille _");
    mf_event_t ev = {.type = MF_EV_TEXT};
    tap(r, "staff-field-dates");
    snprintf(ev.text, sizeof ev.text, "2026-11-16..2026-11-20");
    kiosk_update(r->k, &ev, r->now);
    tap(r, "staff-field-name");
    snprintf(ev.text, sizeof ev.text, "Jean Moulin 3e B");
    kiosk_update(r->k, &ev, r->now);
    tap(r, "staff-kb-done");
    tap(r, "staff-type-school");
    tap(r, "staff-level-3e");
    tap(r, "staff-count+10");
    tap(r, "staff-count+10");
    for (int i = 0; i < 6; i++)
        tap(r, "staff-count+1");
    assert_string_equal(label(r, "staff-headcount"), "26");
    tap(r, "staff-group-save");
    run(r, 100);
    assert_string_equal(label(r, "staff-group-outcome"), "staff.group.saved");
    stats_stop_t stop;
    stats_group_t g;
    stats_store_context(r->stats, &stop, &g);
    assert_string_equal(stop.town, "Lille");
    assert_string_equal(stop.first_day, "2026-11-16");
    assert_string_equal(stop.last_day, "2026-11-20");
    assert_string_equal(stop.id, "2026-11-16-lille");
    assert_int_equal(g.type, STATS_GROUP_SCHOOL);
    assert_string_equal(g.level, "3e");
    assert_string_equal(g.name, "Jean Moulin 3e B");
    assert_int_equal(g.headcount, 26);
    assert_true(g.id[0] != '\0');

    /* leave; the next visit's events carry the group */
    tap(r, "staff-leave");
    assert_string_equal(view(r)->screen, "attract");
    press(r, W / 2, H / 2, 0);
    run(r, 100);
    assert_string_not_equal(view(r)->screen, "attract");
    stats_store_sync(r->stats, 3000);
    stats_filter_t f;
    stats_filter_init(&f);
    snprintf(f.group_id, sizeof f.group_id, "%s", g.id);
    static stats_summary_t sm;
    stats_error_t err = {0};
    char path[128];
    snprintf(path, sizeof path, "%s/stats.db", r->dir);
    assert_int_equal(stats_summary(path, &f, &sm, &err), MF_OK);
    assert_int_equal(sm.visits, 1);
    assert_int_equal(sm.visits_by_type[STATS_GROUP_SCHOOL], 1);

    /* the organiser's screen: figures, no stick, then a stick */
    r->now += 100000; /* the visit times out into attract */
    run(r, 100);
    gesture(r);
    type_pin(r, "135790");
    tap(r, "staff-tab-stats");
    run(r, 500);
    assert_non_null(strstr(label(r, "staff-figures"), "staff.stats.summary"));
    assert_non_null(view_find_id(view(r), "staff-chart-1-stop"));
    assert_string_equal(label(r, "staff-usb"), "staff.usb.none");
    tap(r, "staff-export-xlsx");
    run(r, 500);
    assert_string_equal(label(r, "staff-export-outcome"), "staff.usb.none");

    char cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && echo '/dev/sdb1 %s vfat rw 0 0' > '%s'", r->stick,
             r->stick, r->mounts);
    assert_int_equal(system(cmd), 0);
    tap(r, "staff-usb-scan");
    assert_non_null(strstr(label(r, "staff-usb"), "STICK"));
    tap(r, "staff-export-xlsx");
    for (int t = 0; t < 200 && strstr(label(r, "staff-export-outcome"), "working"); t++) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
        run(r, 20);
    }
    assert_non_null(strstr(label(r, "staff-export-outcome"), "staff.export.done"));
    snprintf(cmd, sizeof cmd, "ls '%s'/minifab_*.xlsx >/dev/null && ! ls -A '%s' | grep -q part",
             r->stick, r->stick);
    assert_int_equal(system(cmd), 0);
    tap(r, "staff-export-csv");
    for (int t = 0; t < 200 && strstr(label(r, "staff-export-outcome"), "working"); t++) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
        run(r, 20);
    }
    assert_non_null(strstr(label(r, "staff-export-outcome"), "staff.export.done"));
    snprintf(cmd, sizeof cmd, "ls '%s'/minifab_*_audit*.csv >/dev/null", r->stick);
    assert_int_equal(system(cmd), 0);

    /* the content pack: its own folder reloads; on the stick, none, then a
     * broken one (its first problem shown), then a valid one (checked) */
    tap(r, "staff-reload-folder");
    /* the reloaded pack's own texts are in use now */
    assert_string_equal(label(r, "staff-export-outcome"), "Nouveau contenu en place.");
    kiosk_set_text(r->k, test_text, NULL); /* back to keys for what follows */
    tap(r, "staff-reload-usb");
    wait_outcome(r);
    assert_string_equal(label(r, "staff-export-outcome"), "staff.reload.missing");
    snprintf(cmd, sizeof cmd,
             "cp -r '%s/tests/content/fixtures/broken/syntax' '%s/minifab-content'",
             MINIFAB_SOURCE_DIR, r->stick);
    assert_int_equal(system(cmd), 0);
    tap(r, "staff-reload-usb");
    wait_outcome(r);
    assert_non_null(strstr(label(r, "staff-export-outcome"), "staff.reload.invalid "));
    assert_non_null(strstr(label(r, "staff-export-outcome"), ".yaml:"));
    /* a valid pack on the stick (one text of its own): installed as the
     * kiosk's, the old one kept as the fallback, and in use at once */
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s/minifab-content' && cp -rL '%s/content' '%s/minifab-content' && "
             "sed -i 's/^staff.reload.done: .*/staff.reload.done: {fr: \"Contenu de la clé en "
             "place.\", en: \"Stick content in place.\"}/' '%s/minifab-content/strings.yaml'",
             r->stick, MINIFAB_SOURCE_DIR, r->stick, r->stick);
    assert_int_equal(system(cmd), 0);
    tap(r, "staff-reload-usb");
    wait_outcome(r);
    assert_non_null(strstr(label(r, "staff-export-outcome"), "Contenu de la clé en place."));
    snprintf(cmd, sizeof cmd,
             "grep -q 'Contenu de la clé' '%s/kiosk-content/strings.yaml' && "
             "test -f '%s/kiosk-content.previous/pack.yaml' && ! ls -A '%s' | grep -q 'new-'",
             r->dir, r->dir, r->dir);
    assert_int_equal(system(cmd), 0);
    kiosk_set_text(r->k, test_text, r);
    tap(r, "staff-leave");
    run(r, 200);
    assert_int_equal(audit_rows(r, "action='reload' AND detail='folder' AND result='ok'"), 1);
    assert_int_equal(audit_rows(r, "action='reload' AND detail='usb'"), 3);
    assert_int_equal(audit_rows(r, "action='reload' AND detail='usb' AND result='ok'"), 1);
    /* the next day, the group has ended (the stop goes on), even after a restart */
    staff_edge_destroy(r->edge);
    edge_start(r);
    r->wall += 24LL * 3600 * 1000;
    advance(r, 61000);
    run(r, 100);
    stats_store_context(r->stats, &stop, &g);
    assert_string_equal(g.id, "");
    assert_string_equal(stop.town, "Lille");
    assert_int_equal(audit_rows(r, "action='group' AND detail='end of day' AND result='ok'"), 1);
    assert_int_equal(audit_rows(r, "action='group' AND role='organiser' AND result='ok' AND "
                                   "detail LIKE 'Lille%school 3e%26'"),
                     1);
    assert_int_equal(audit_rows(r, "action='export' AND detail='xlsx' AND result='ok'"), 1);
    assert_int_equal(audit_rows(r, "action='export' AND result!='ok'"), 1);
    assert_int_equal(audit_rows(r, "action='login' AND role='organiser'"), 2);
}

/* The console's FR/EN toggle: the staff screens follow it (the texts are
 * looked up in the language chosen), it stays across the tabs, and leaving
 * the console gives the kiosk its default language back. */
static void test_console_language(void **state)
{
    rig_t *r = *state;
    staff_store_t *st = staff_store_create(r->dir);
    assert_int_equal(staff_store_set_pin(st, STAFF_ROLE_OPERATOR, "2468"), MF_OK);
    staff_store_destroy(st);
    gesture(r);
    type_pin(r, "2468");
    assert_string_equal(view(r)->screen, "staff-line");
    assert_string_equal(kiosk_language(r->k), "fr");
    tap(r, "staff-lang");
    assert_string_equal(kiosk_language(r->k), "en");
    view(r);
    assert_string_equal(r->last_lang, "en"); /* the screen is laid out in English */
    tap(r, "staff-tab-devices");
    assert_string_equal(view(r)->screen, "staff-devices");
    assert_string_equal(kiosk_language(r->k), "en");
    tap(r, "staff-lang");
    assert_string_equal(kiosk_language(r->k), "fr");
    tap(r, "staff-lang");
    tap(r, "staff-leave");
    run(r, 100);
    assert_string_equal(view(r)->screen, "attract");
    assert_string_equal(kiosk_language(r->k), "fr");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_pin_then_lockout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_export_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_console_language, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
