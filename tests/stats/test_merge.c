/*
 * test_merge.c - stats.merge: two kiosks' stores merged add up; merging the
 * same stores again (or the same store twice in one call) changes nothing,
 * also with two kiosks whose runs interleave, merged in either order; every
 * merged id is the output's number of its run and its seq; an input of an
 * older schema (1, 4) is migrated in a copy (the input untouched);
 * a newer one, or a file that is not a store, is refused before anything is
 * written, with a clear message, and the output is left as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mf_error.h"
#include "mf_log.h"
#include "stats_db.h"
#include "stats_export.h"
#include "stats_test_util.h"

#include <sys/stat.h>

static char dir[64], a[128], b[128], merged[128], bin[512];
static char out[8192];

static void fill(const char *path, const char *kiosk, int visits, int64_t t0)
{
    test_clock_t clk = {t0};
    stats_store_opts_t o;
    stats_store_opts_default(&o);
    o.clock = test_clock;
    o.clock_ctx = &clk;
    o.kiosk_id = kiosk;
    o.retention_months = 1200;
    stats_store_t *s = stats_store_open(path, &o, NULL);
    assert_non_null(s);
    stats_stop_t stop = {"s1", "Lille", "Grand Place", "2026-11-16", "2026-11-18"};
    stats_store_set_stop(s, &stop);
    stats_group_t g = {.type = STATS_GROUP_SCHOOL, .headcount = 25};
    stats_store_set_group(s, &g);
    for (int v = 1; v <= visits; v++)
        test_visit(s, &clk, (uint64_t)v, VISIT_PROFILE_PUPIL, 1, 3, 3, 2);
    stats_audit_record(s, "trainer", "login", "", "ok");
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    stats_store_close(s);
}

static int setup(void **state)
{
    test_tmpdir(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/kiosk1.db", dir);
    snprintf(b, sizeof b, "%s/kiosk2.db", dir);
    snprintf(merged, sizeof merged, "%s/truck.db", dir);
    test_minifab(bin, sizeof bin);
    mf_log_set_stderr(0);
    fill(a, "kiosk1", 3, 1794819600000);
    fill(b, "kiosk2", 5, 1794819600000);
    return 0;
}

static int teardown(void **state)
{
    test_rmdir(dir);
    return 0;
}

static int64_t count(const char *path, const char *sql)
{
    return test_sql_int(path, sql);
}

static void test_adds_up_and_idempotent(void **state)
{
    int64_t added = -1;
    const char *in[] = {a, b};
    stats_error_t err = {0};
    assert_int_equal(stats_merge(merged, in, 2, &added, &err), MF_OK);
    assert_int_equal(added, 8 * TEST_VISIT_EVENTS);
    assert_int_equal(count(merged, "SELECT count(*) FROM events"), 8 * TEST_VISIT_EVENTS);
    assert_int_equal(count(merged, "SELECT count(*) FROM events WHERE type='visit_started'"), 8);
    assert_int_equal(count(merged, "SELECT count(*) FROM audit"), 2);
    assert_int_equal(count(merged, "SELECT count(*) FROM visit_groups"), 2);
    assert_int_equal(count(merged, "SELECT count(*) FROM stops"), 1);

    /* Again, through the command, and one input twice in the same call. */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s stats merge %s %s %s %s", bin, merged, a, b, a);
    assert_int_equal(test_run(cmd, out, sizeof out), 0);
    assert_non_null(strstr(out, "0 events added"));
    assert_int_equal(count(merged, "SELECT count(*) FROM events"), 8 * TEST_VISIT_EVENTS);
    assert_int_equal(count(merged, "SELECT count(*) FROM audit"), 2);
    assert_int_equal(count(merged, "SELECT count(*) FROM visit_groups"), 2);

    /* The merged store is a store: it exports, and its figures add up. */
    stats_summary_t *sm = malloc(sizeof *sm);
    stats_filter_t f;
    stats_filter_init(&f);
    assert_int_equal(stats_summary(merged, &f, sm, &err), MF_OK);
    assert_int_equal(sm->visits, 8);
    assert_int_equal(sm->visits_by_type[STATS_GROUP_SCHOOL], 8);
    free(sm);

    /* A store merged into a merge of itself adds nothing either. */
    char region[160];
    snprintf(region, sizeof region, "%s/region.db", dir);
    const char *in2[] = {merged, a};
    assert_int_equal(stats_merge(region, in2, 2, &added, &err), MF_OK);
    assert_int_equal(added, 8 * TEST_VISIT_EVENTS);
}

/* Every event's id is its run's number in PATH and its seq. */
static void ids_are_runs_and_seqs(const char *path)
{
    assert_int_equal(count(path, "SELECT count(*) FROM events e JOIN runs r ON r.no = e.id >> 32 "
                                 "AND r.run = e.run AND r.kiosk = e.kiosk WHERE (e.id & "
                                 "0xffffffff) = e.seq"),
                     count(path, "SELECT count(*) FROM events"));
}

static void test_interleaved_runs(void **state)
{
    const int64_t t0 = 1794819600000, hour = 3600 * 1000;
    /* kiosk1: runs at t0 (setup), +1 h, +3 h; kiosk2: t0 (setup), +2 h. */
    fill(a, "kiosk1", 2, t0 + hour);
    fill(b, "kiosk2", 2, t0 + 2 * hour);
    fill(a, "kiosk1", 1, t0 + 3 * hour);
    const int visits = 3 + 2 + 1 + 5 + 2;
    int64_t added = -1;
    stats_error_t err = {0};
    const char *ab[] = {a, b}, *ba[] = {b, a};
    assert_int_equal(stats_merge(merged, ab, 2, &added, &err), MF_OK);
    assert_int_equal(added, visits * TEST_VISIT_EVENTS);
    char other[160];
    snprintf(other, sizeof other, "%s/other.db", dir);
    assert_int_equal(stats_merge(other, ba, 2, &added, &err), MF_OK);
    assert_int_equal(added, visits * TEST_VISIT_EVENTS);
    for (int i = 0; i < 2; i++) {
        const char *p = i ? other : merged;
        assert_int_equal(count(p, "SELECT count(*) FROM runs"), 5);
        assert_int_equal(count(p, "SELECT count(*) FROM events"), visits * TEST_VISIT_EVENTS);
        assert_int_equal(count(p, "SELECT count(DISTINCT run || '-' || seq) FROM events"),
                         visits * TEST_VISIT_EVENTS);
        assert_int_equal(count(p, "SELECT count(*) FROM events WHERE type='visit_started'"),
                         visits);
        ids_are_runs_and_seqs(p);
    }
    /* The output's runs in the order they arrived: a's three, then b's two. */
    assert_int_equal(count(merged, "SELECT count(*) FROM runs WHERE no <= 3 AND kiosk='kiosk1'"),
                     3);

    /* Again, in the other order, and each into the other's merge: nothing. */
    assert_int_equal(stats_merge(merged, ba, 2, &added, &err), MF_OK);
    assert_int_equal(added, 0);
    const char *one[] = {other};
    assert_int_equal(stats_merge(merged, one, 1, &added, &err), MF_OK);
    assert_int_equal(added, 0);
    assert_int_equal(count(merged, "SELECT count(*) FROM runs"), 5);

    /* kiosk1 records on: only its new run is added. */
    fill(a, "kiosk1", 1, t0 + 4 * hour);
    assert_int_equal(stats_merge(merged, ab, 2, &added, &err), MF_OK);
    assert_int_equal(added, TEST_VISIT_EVENTS);
    assert_int_equal(count(merged, "SELECT count(*) FROM runs"), 6);
    assert_int_equal(count(merged, "SELECT count(*) FROM events"),
                     (visits + 1) * TEST_VISIT_EVENTS);
    ids_are_runs_and_seqs(merged);
}

static void test_old_input_migrated_in_a_copy(void **state)
{
    /* An input written by a version-1 minifab (no stops, groups, audit). */
    char old[160];
    snprintf(old, sizeof old, "%s/old.db", dir);
    sqlite3 *h = NULL;
    stats_error_t err = {0};
    assert_int_equal(sqlite3_open(old, &h), SQLITE_OK);
    assert_int_equal(stats_db_migrate(h, 1, &err), MF_OK);
    assert_int_equal(sqlite3_exec(h,
                                  "INSERT INTO events(kiosk, run, seq, ts, at_ms, visit, type) "
                                  "VALUES('old', 1, 1, 1700000000000, 0, 1, 'visit_started')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    /* One of version 4 (the last with UNIQUE(run, seq)), with two runs. */
    char old4[160];
    snprintf(old4, sizeof old4, "%s/old4.db", dir);
    assert_int_equal(sqlite3_open(old4, &h), SQLITE_OK);
    assert_int_equal(stats_db_migrate(h, 4, &err), MF_OK);
    assert_int_equal(sqlite3_exec(h,
                                  "INSERT INTO events(kiosk, run, seq, ts, at_ms, visit, type) "
                                  "VALUES('old4', 5, 1, 1700000000000, 0, 1, 'visit_started'),"
                                  "('old4', 6, 1, 1700000001000, 0, 2, 'visit_started'),"
                                  "('old4', 5, 2, 1700000002000, 0, 1, 'visit_ended')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    const char *in[] = {a, old, old4};
    int64_t added = 0;
    assert_int_equal(stats_merge(merged, in, 3, &added, &err), MF_OK);
    assert_int_equal(added, 3 * TEST_VISIT_EVENTS + 1 + 3);
    assert_int_equal(count(old, "PRAGMA user_version"), 1); /* the inputs untouched */
    assert_int_equal(count(old4, "PRAGMA user_version"), 4);
    assert_int_equal(count(old4, "SELECT count(*) FROM sqlite_schema WHERE name='runs'"), 0);
    assert_int_equal(count(merged, "SELECT count(*) FROM events WHERE kiosk='old'"), 1);
    assert_int_equal(count(merged, "SELECT count(*) FROM events WHERE kiosk='old4'"), 3);
    assert_int_equal(count(merged, "SELECT count(*) FROM runs WHERE kiosk='old4'"), 2);
    ids_are_runs_and_seqs(merged);
    assert_int_equal(stats_merge(merged, in, 3, &added, &err), MF_OK);
    assert_int_equal(added, 0);
}

static void test_refused_inputs_change_nothing(void **state)
{
    const char *in[] = {a};
    stats_error_t err = {0};
    assert_int_equal(stats_merge(merged, in, 1, NULL, &err), MF_OK);
    int64_t before = count(merged, "SELECT count(*) FROM events");

    /* A newer schema. */
    char newer[160], cmd[2048];
    snprintf(newer, sizeof newer, "%s/newer.db", dir);
    snprintf(cmd, sizeof cmd, "cp %s %s && sqlite3 %s 'PRAGMA user_version=42'", b, newer, newer);
    assert_int_equal(test_run(cmd, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd, "%s stats merge %s %s %s", bin, merged, b, newer);
    assert_int_equal(test_run(cmd, out, sizeof out), 1);
    assert_non_null(strstr(out, "newer minifab"));
    assert_int_equal(count(merged, "SELECT count(*) FROM events"), before); /* b not added */

    /* Not a store; the output itself as an input. */
    snprintf(cmd, sizeof cmd, "%s stats merge %s %s README.md", bin, merged, b);
    assert_int_equal(test_run(cmd, out, sizeof out), 1);
    assert_non_null(strstr(out, "not a minifab statistics store"));
    snprintf(cmd, sizeof cmd, "%s stats merge %s %s", bin, merged, merged);
    assert_int_equal(test_run(cmd, out, sizeof out), 1);
    assert_non_null(strstr(out, "not merged into itself"));
    assert_int_equal(count(merged, "SELECT count(*) FROM events"), before);

    /* A new output is not left behind when an input is refused. */
    char fresh[160];
    snprintf(fresh, sizeof fresh, "%s/fresh.db", dir);
    snprintf(cmd, sizeof cmd, "%s stats merge %s %s README.md; ls -A %s", bin, fresh, a, dir);
    test_run(cmd, out, sizeof out);
    assert_null(strstr(out, "fresh.db"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_adds_up_and_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interleaved_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_input_migrated_in_a_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_inputs_change_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
