/*
 * test_retention.c - stats.retention: with the wall clock fast-forwarded,
 * events and audit lines older than the retention period (25 months by
 * default, or configured) are purged at open, by stats_store_purge(), and by
 * the writer once a day; younger ones stay. The purge at open runs on the
 * writer thread (the kiosk's start never waits for it) and never scans the
 * whole table: runs younger than the cutoff are skipped (runs.first_ts), older
 * ones read through their id range, including runs that straddle the cutoff
 * and a run whose clock was set back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mf_error.h"
#include "mf_log.h"
#include "stats_db.h"
#include "stats_test_util.h"

#include <inttypes.h>
#include <pthread.h>
#include <time.h>

static char dir[64], db[128];

static int setup(void **state)
{
    test_tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/stats.db", dir);
    mf_log_set_stderr(0);
    return 0;
}

static int teardown(void **state)
{
    test_rmdir(dir);
    return 0;
}

static int64_t utc(int y, int m, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    return (int64_t)timegm(&tm) * 1000;
}

static stats_store_t *open_at(test_clock_t *clk, int months)
{
    stats_store_opts_t o;
    stats_store_opts_default(&o);
    o.clock = test_clock;
    o.clock_ctx = clk;
    o.retention_months = months;
    stats_store_t *s = stats_store_open(db, &o, NULL);
    assert_non_null(s);
    return s;
}

static int64_t events(void)
{
    return test_sql_int(db, "SELECT count(*) FROM events");
}

static void test_default_25_months(void **state)
{
    test_clock_t clk = {utc(2024, 1, 10)};
    stats_store_t *s = open_at(&clk, 0);                     /* 0: the default, 25 months */
    test_visit(s, &clk, 1, VISIT_PROFILE_PUPIL, 1, 2, 3, 1); /* January 2024 */
    stats_audit_record(s, "trainer", "login", "", "ok");
    clk.now = utc(2024, 6, 1);
    test_visit(s, &clk, 2, VISIT_PROFILE_PUPIL, 1, 2, 3, 1); /* June 2024 */
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    stats_store_close(s);
    assert_int_equal(events(), 2 * TEST_VISIT_EVENTS);

    /* 24 months later: everything is still within 25 months. */
    clk.now = utc(2026, 1, 9);
    stats_store_close(open_at(&clk, 0));
    assert_int_equal(events(), 2 * TEST_VISIT_EVENTS);

    /* 25 months and a few days after January 2024: January goes, June stays. */
    clk.now = utc(2026, 2, 15);
    stats_store_close(open_at(&clk, 0));
    assert_int_equal(events(), TEST_VISIT_EVENTS);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE visit=2"),
                     TEST_VISIT_EVENTS);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM audit"), 0);
}

static void test_configured_and_while_running(void **state)
{
    test_clock_t clk = {utc(2025, 3, 1)};
    stats_store_t *s = open_at(&clk, 2);
    test_visit(s, &clk, 1, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    /* The kiosk keeps running: three months later an explicit purge... */
    clk.now = utc(2025, 6, 2);
    assert_int_equal(stats_store_purge(s, 5000), MF_OK);
    assert_int_equal(events(), 0);
    /* ...and the writer's daily purge, with no call at all. */
    test_visit(s, &clk, 2, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    assert_int_equal(events(), TEST_VISIT_EVENTS);
    clk.now = utc(2025, 9, 5);
    test_visit(s, &clk, 3, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    stats_store_close(s);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE visit=2"), 0);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE visit=3"),
                     TEST_VISIT_EVENTS);
}

/* A clock that counts the calls made from the test's own thread (the kiosk's
 * UI thread in real life). */
typedef struct {
    test_clock_t clk;
    pthread_t ui;
    int ui_calls;
} ui_clock_t;

static int64_t ui_clock(void *ctx)
{
    ui_clock_t *c = ctx;
    if (pthread_equal(pthread_self(), c->ui))
        c->ui_calls++;
    return c->clk.now;
}

static void test_open_purge_off_the_ui_thread(void **state)
{
    test_clock_t clk = {utc(2024, 1, 10)};
    stats_store_t *s = open_at(&clk, 2);
    test_visit(s, &clk, 1, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    clk.now = utc(2024, 5, 1);
    test_visit(s, &clk, 2, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    stats_store_close(s);
    assert_int_equal(events(), 2 * TEST_VISIT_EVENTS);

    /* Reopened in June: January is older than two months. Opening an existing
     * store reads no clock on the caller's thread: the purge is the writer's. */
    ui_clock_t uc = {{utc(2024, 6, 1)}, pthread_self(), 0};
    stats_store_opts_t o;
    stats_store_opts_default(&o);
    o.clock = ui_clock;
    o.clock_ctx = &uc;
    o.retention_months = 2;
    s = stats_store_open(db, &o, NULL);
    assert_non_null(s);
    assert_int_equal(uc.ui_calls, 0);
    stats_status_t st = {0};
    for (int i = 0; i < 500 && st.last_purge_ms == 0; i++) {
        struct timespec pause = {0, 10000000};
        nanosleep(&pause, NULL);
        stats_store_status(s, &st);
    }
    assert_int_equal(st.last_purge_ms, utc(2024, 6, 1));
    assert_int_equal(events(), TEST_VISIT_EVENTS);
    stats_store_close(s);
    assert_int_equal(uc.ui_calls, 0);
}

static int count_steps(void *ctx)
{
    (*(int *)ctx)++;
    return 0;
}

/* The purge's cost follows what it deletes, not the store's size: with 30,000
 * events and 15 to delete (the clock jumps months: the writer starts a new
 * run), SQLite runs far fewer steps than a scan would. */
static void test_purge_cost_follows_what_it_deletes(void **state)
{
    test_clock_t clk = {utc(2024, 1, 10)};
    stats_store_t *s = open_at(&clk, 2);
    test_visit(s, &clk, 1, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    clk.now = utc(2024, 5, 1);
    for (uint64_t v = 2; v < 2000; v++)
        test_visit(s, &clk, v, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    assert_int_equal(stats_store_sync(s, 20000), MF_OK);
    stats_store_close(s);
    int64_t all = events();
    assert_true(all > 29000);

    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    int steps = 0; /* one per 100 virtual machine instructions */
    sqlite3_progress_handler(h, 100, count_steps, &steps);
    int64_t gone = -1;
    assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(stats_db_purge_events(h, utc(2024, 3, 1), &gone), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_progress_handler(h, 0, NULL, NULL);
    sqlite3_close(h);
    assert_int_equal(gone, TEST_VISIT_EVENTS);
    assert_int_equal(events(), all - TEST_VISIT_EVENTS);
    /* A scan would be at least one instruction per row: 300 steps here. */
    if (steps >= 30)
        fail_msg("the purge ran %d00 instructions for %" PRId64 " rows", steps, all);
}

/* One session of the store (one run, or more when the clock jumps a day)
 * from AT: a visit, then one more from each of the times in THEN (0 ends). */
static void session(int64_t at, const int64_t *then, uint64_t *visit)
{
    test_clock_t clk = {at};
    stats_store_t *s = open_at(&clk, 1200);
    test_visit(s, &clk, (*visit)++, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    for (; then && *then; then++) {
        clk.now = *then;
        test_visit(s, &clk, (*visit)++, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    }
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    stats_store_close(s);
}

static void test_runs_straddling_the_cutoff(void **state)
{
    const int64_t c = utc(2024, 3, 1), min = 60 * 1000, hour = 60 * min;
    uint64_t v = 1;
    session(c - 72 * hour, NULL, &v);                               /* all older */
    session(c - 2 * hour, (const int64_t[]){c - 10 * 1000, 0}, &v); /* straddles by seconds */
    session(c - 30 * min, (const int64_t[]){c + hour, 0}, &v);      /* straddles */
    session(c + 24 * hour, NULL, &v);                               /* all younger */
    session(c + 2 * hour, (const int64_t[]){c - 20 * hour, c + 3 * hour, 0},
            &v); /* younger first, then the clock set back */
    int64_t all = events();
    int64_t old = test_sql_int(db, "SELECT count(*) FROM events WHERE ts < 1709294400000");
    assert_int_equal(c, 1709294400000);
    assert_true(old > TEST_VISIT_EVENTS * 3 && old < all);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM runs WHERE first_ts < 1709294400000 "
                                      "AND run IN (SELECT run FROM events WHERE ts >= "
                                      "1709294400000)"),
                     3);

    sqlite3 *h = NULL;
    int64_t gone = -1;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(stats_db_purge_events(h, c, &gone), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(gone, old);
    assert_int_equal(events(), all - old);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE ts < 1709294400000"), 0);

    /* The store's own purge (two months before May 1st is the same cutoff)
     * finds nothing more, and the runs stay numbered: a new run after them. */
    test_clock_t clk = {utc(2024, 5, 1)};
    stats_store_t *s = open_at(&clk, 2);
    assert_int_equal(stats_store_purge(s, 5000), MF_OK);
    test_visit(s, &clk, v, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    stats_store_close(s);
    assert_int_equal(events(), all - old + TEST_VISIT_EVENTS);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events e JOIN runs r ON r.no = e.id "
                                      ">> 32 AND r.run = e.run"),
                     all - old + TEST_VISIT_EVENTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_default_25_months, setup, teardown),
        cmocka_unit_test_setup_teardown(test_configured_and_while_running, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_purge_off_the_ui_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge_cost_follows_what_it_deletes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runs_straddling_the_cutoff, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
