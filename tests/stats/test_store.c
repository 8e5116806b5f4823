/*
 * test_store.c - stats.store: the statistics store as the kiosk uses it.
 * A scripted stream of events is recorded and read back with plain SQL
 * (every field where docs/STATS.md says); the kiosk id is made once; the
 * context (stop, group) is carried by later events and survives a restart;
 * the audit is recorded; a locked database keeps events in memory, says so
 * in the status, and writes them once (never twice) when it is free; the
 * queue's bound drops and counts; a full disk (a small tmpfs in a mount
 * namespace of the test's own) keeps events in memory until space returns;
 * files that are not stores are refused. A batch whose commit reached the
 * disk but was reported failed is retried and counted once (the id is the
 * run's number and the seq); a run lasts a day at most, and its first_ts is
 * its oldest event's time even when the clock is set back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mf_error.h"
#include "mf_log.h"
#include "stats_test_util.h"

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

static stats_store_t *open_at(test_clock_t *clk, const char *kiosk)
{
    stats_store_opts_t o;
    stats_store_opts_default(&o);
    o.clock = test_clock;
    o.clock_ctx = clk;
    o.kiosk_id = kiosk;
    stats_error_t err = {0};
    stats_store_t *s = stats_store_open(db, &o, &err);
    if (!s)
        fail_msg("open: %s", err.text);
    return s;
}

static int64_t count(const char *sql)
{
    return test_sql_int(db, sql);
}

static void test_record_and_read(void **state)
{
    test_clock_t clk = {1795341600000}; /* 2026-11-22 10:00 UTC */
    stats_store_t *s = open_at(&clk, "k1");
    for (uint64_t v = 1; v <= 3; v++)
        test_visit(s, &clk, v, VISIT_PROFILE_PUPIL, 1, 3, 3, (int)v);
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    stats_status_t st;
    stats_store_status(s, &st);
    assert_int_equal(st.written, 3 * TEST_VISIT_EVENTS);
    assert_int_equal(st.queued, 0);
    assert_false(st.failing);
    stats_store_close(s);

    assert_int_equal(count("SELECT count(*) FROM events"), 3 * TEST_VISIT_EVENTS);
    assert_int_equal(count("SELECT count(DISTINCT kiosk || run || '-' || seq) FROM events"),
                     3 * TEST_VISIT_EVENTS);
    assert_int_equal(count("SELECT count(*) FROM events WHERE kiosk='k1'"), 3 * TEST_VISIT_EVENTS);
    /* The wall clock was stamped when each event arrived. */
    assert_int_equal(count("SELECT min(ts) FROM events"), 1795341600000);
    assert_int_equal(count("SELECT max(ts) FROM events"),
                     1795341600000 + (3 * TEST_VISIT_EVENTS - 1) * 1000);
    assert_int_equal(count("SELECT count(*) FROM events WHERE type='station_view' AND "
                           "item='press' AND ms=20000"),
                     3);
    assert_int_equal(count("SELECT count(*) FROM events WHERE type='video_play' AND "
                           "item='welder' AND ms=30000 AND ms2=60000 AND value=500 AND flag=1"),
                     3);
    assert_int_equal(count("SELECT sum(flag) FROM events WHERE type='quiz_answer' AND "
                           "station='press' AND version=2"),
                     1 + 2 + 3);
    assert_int_equal(count("SELECT count(*) FROM events WHERE type='profile' AND word='pupil'"), 3);
    assert_int_equal(count("SELECT count(*) FROM events WHERE type='perception' AND flag=1 "
                           "AND value=3"),
                     3);
    assert_int_equal(count("SELECT count(*) FROM events WHERE type='order_outcome' AND "
                           "word='delivered' AND order_no=2"),
                     1);
    assert_int_equal(count("SELECT count(*) FROM events WHERE type='visit_ended' AND "
                           "word='finished'"),
                     3);
    assert_int_equal(count("PRAGMA application_id"), 0x4D467374);
    assert_int_equal(count("PRAGMA user_version"), STATS_SCHEMA_VERSION);
}

/* The writer's seam: the first FAIL_LEFT commits are reported failed. */
typedef struct {
    int fail_left, calls;
} fault_t;

static int fail_commits(void *ctx)
{
    fault_t *f = ctx;
    f->calls++;
    return f->fail_left-- > 0;
}

static void test_retried_batch_counted_once(void **state)
{
    test_clock_t clk = {1795341600000};
    fault_t f = {2, 0};
    stats_store_opts_t o;
    stats_store_opts_default(&o);
    o.clock = test_clock;
    o.clock_ctx = &clk;
    o.kiosk_id = "k1";
    o.after_commit = fail_commits;
    o.after_commit_ctx = &f;
    stats_store_t *s = stats_store_open(db, &o, NULL);
    assert_non_null(s);
    /* 10 visits: 150 events, through the 32-row insert and the 1-row one. */
    for (uint64_t v = 1; v <= 10; v++)
        test_visit(s, &clk, v, VISIT_PROFILE_PUPIL, 1, 3, 3, 2);
    assert_int_equal(stats_audit_record(s, "trainer", "login", "", "ok"), MF_OK);
    assert_int_equal(stats_store_sync(s, 10000), MF_OK);
    stats_status_t st;
    stats_store_status(s, &st);
    assert_int_equal(st.written, 10 * TEST_VISIT_EVENTS + 1);
    assert_false(st.failing);
    stats_store_close(s);
    assert_true(f.calls >= 3);
    assert_int_equal(count("SELECT count(*) FROM events"), 10 * TEST_VISIT_EVENTS);
    assert_int_equal(count("SELECT count(DISTINCT seq) FROM events"), 10 * TEST_VISIT_EVENTS);
    assert_int_equal(count("SELECT count(*) FROM audit"), 1);
    assert_int_equal(count("SELECT count(*) FROM runs"), 1);
    assert_int_equal(count("SELECT count(*) FROM events e JOIN runs r ON r.no = e.id >> 32 "
                           "AND r.run = e.run WHERE (e.id & 0xffffffff) = e.seq"),
                     10 * TEST_VISIT_EVENTS);
}

static void test_run_lasts_a_day(void **state)
{
    const int64_t hour = 3600 * 1000;
    test_clock_t clk = {1795341600000};
    stats_store_t *s = open_at(&clk, "k1");
    test_visit(s, &clk, 1, VISIT_PROFILE_PUPIL, 1, 3, 3, 2);
    clk.now += 25 * hour;
    test_visit(s, &clk, 2, VISIT_PROFILE_PUPIL, 1, 3, 3, 2);
    clk.now += 23 * hour;
    test_visit(s, &clk, 3, VISIT_PROFILE_PUPIL, 1, 3, 3, 2);
    clk.now -= 30 * hour; /* the clock set back */
    test_visit(s, &clk, 4, VISIT_PROFILE_PUPIL, 1, 3, 3, 2);
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    stats_store_close(s);
    /* Visit 1 in a run, visits 2 to 4 in the next (visit 3 is 23 h after
     * its start), whose first_ts is visit 4's start (before visit 2's). */
    assert_int_equal(count("SELECT count(*) FROM runs"), 2);
    assert_int_equal(count("SELECT count(DISTINCT run) FROM events"), 2);
    assert_int_equal(count("SELECT count(*) FROM events e JOIN runs r ON r.no = e.id >> 32 "
                           "AND r.run = e.run WHERE e.ts < r.first_ts"),
                     0);
    assert_int_equal(count("SELECT count(*) FROM runs r WHERE first_ts = (SELECT min(ts) FROM "
                           "events e WHERE e.run = r.run)"),
                     2);
    assert_int_equal(count("SELECT count(DISTINCT seq) FROM events"), 4 * TEST_VISIT_EVENTS);
    assert_int_equal(count("SELECT count(*) FROM events"), 4 * TEST_VISIT_EVENTS);
}

/* A visit under way when its run turns a day old stays in that run (a visit
 * is known by its run and number: cut there, it would count as two); the
 * next visit starts the new run. */
static void test_run_cut_between_visits(void **state)
{
    const int64_t hour = 3600 * 1000;
    test_clock_t clk = {1795341600000};
    stats_store_t *s = open_at(&clk, "k1");
    test_visit(s, &clk, 1, VISIT_PROFILE_PUPIL, 1, 3, 3, 2);
    /* Visit 2 starts 3 s before the run is a day old and ends after. */
    clk.now = 1795341600000 + 24 * hour - 3000;
    test_visit(s, &clk, 2, VISIT_PROFILE_PUPIL, 1, 3, 3, 2);
    test_visit(s, &clk, 3, VISIT_PROFILE_PUPIL, 1, 3, 3, 2);
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    stats_store_close(s);
    assert_true(count("SELECT max(ts) - min(ts) FROM events WHERE visit = 2") > 3000);
    assert_int_equal(count("SELECT count(DISTINCT run) FROM events WHERE visit IN (1, 2)"), 1);
    assert_int_equal(count("SELECT count(DISTINCT run) FROM events WHERE visit = 3"), 1);
    assert_int_equal(count("SELECT count(DISTINCT run) FROM events"), 2);
    assert_int_equal(count("SELECT count(DISTINCT run || '-' || visit) FROM events"), 3);
}

static void test_kiosk_id_made_once(void **state)
{
    test_clock_t clk = {1795341600000};
    stats_store_t *s = open_at(&clk, NULL);
    char first[64];
    snprintf(first, sizeof first, "%s", stats_store_kiosk_id(s));
    assert_int_equal(strncmp(first, "kiosk-", 6), 0);
    stats_store_close(s);
    s = open_at(&clk, "");
    assert_string_equal(stats_store_kiosk_id(s), first);
    stats_store_close(s);
    s = open_at(&clk, "truck1-kiosk2"); /* the configuration wins */
    assert_string_equal(stats_store_kiosk_id(s), "truck1-kiosk2");
    stats_store_close(s);
}

static void test_context_survives_restart(void **state)
{
    test_clock_t clk = {1795341600000};
    stats_store_t *s = open_at(&clk, "k1");
    test_visit(s, &clk, 1, VISIT_PROFILE_OTHER, 2, 2, 2, 1); /* before any context */
    stats_stop_t stop = {"2026-11-lille", "Lille", "Grand Place", "2026-11-16", "2026-11-20"};
    assert_int_equal(stats_store_set_stop(s, &stop), MF_OK);
    stats_group_t g = {.type = STATS_GROUP_SCHOOL, .headcount = 26};
    snprintf(g.level, sizeof g.level, "3e");
    snprintf(g.name, sizeof g.name, "Collège Jean Moulin 3e B");
    assert_int_equal(stats_store_set_group(s, &g), MF_OK);
    assert_true(g.id[0] != '\0');
    test_visit(s, &clk, 2, VISIT_PROFILE_PUPIL, 1, 3, 3, 2);
    stats_stop_t bad = stop;
    snprintf(bad.first_day, sizeof bad.first_day, "16/11/2026");
    assert_int_equal(stats_store_set_stop(s, &bad), MF_EINVAL);
    stats_store_close(s);

    s = open_at(&clk, "k1");
    stats_stop_t cs;
    stats_group_t cg;
    stats_store_context(s, &cs, &cg);
    assert_string_equal(cs.id, "2026-11-lille");
    assert_string_equal(cs.venue, "Grand Place");
    assert_string_equal(cs.last_day, "2026-11-20");
    assert_string_equal(cg.id, g.id);
    assert_int_equal(cg.type, STATS_GROUP_SCHOOL);
    assert_string_equal(cg.name, "Collège Jean Moulin 3e B");
    assert_int_equal(cg.headcount, 26);
    test_visit(s, &clk, 1, VISIT_PROFILE_PUPIL, 1, 3, 3, 2); /* after the restart */
    assert_int_equal(stats_store_set_group(s, NULL), MF_OK);
    test_visit(s, &clk, 2, VISIT_PROFILE_OTHER, 1, 3, 3, 2);
    stats_store_close(s);

    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE group_id='%s'", g.id);
    assert_int_equal(count(sql), 2 * TEST_VISIT_EVENTS);
    assert_int_equal(count("SELECT count(*) FROM events WHERE stop_id='2026-11-lille'"),
                     3 * TEST_VISIT_EVENTS);
    assert_int_equal(count("SELECT count(*) FROM events WHERE stop_id='' AND group_id=''"),
                     TEST_VISIT_EVENTS);
    assert_int_equal(count("SELECT count(*) FROM visit_groups WHERE type='school' AND "
                           "headcount=26 AND level='3e' AND stop_id='2026-11-lille'"),
                     1);
    assert_int_equal(count("SELECT count(*) FROM stops WHERE town='Lille'"), 1);
}

static void test_audit(void **state)
{
    test_clock_t clk = {1795341600000};
    stats_store_t *s = open_at(&clk, "k1");
    assert_int_equal(stats_audit_record(s, "trainer", "login", "", "ok"), MF_OK);
    assert_int_equal(stats_audit_record(s, "trainer", "login_failed", "", "wrong PIN"), MF_OK);
    assert_int_equal(stats_audit_record(s, "trainer", "line_start", "", "ok"), MF_OK);
    assert_int_equal(stats_audit_record(s, NULL, NULL, NULL, NULL), MF_EINVAL);
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    stats_store_close(s);
    assert_int_equal(count("SELECT count(*) FROM audit"), 3);
    assert_int_equal(count("SELECT count(*) FROM audit WHERE action='login_failed' AND "
                           "result='wrong PIN' AND role='trainer' AND kiosk='k1'"),
                     1);
}

/* Another program holds the write lock: events wait in memory, the status
 * says so, and they are written exactly once when the lock goes. */
static void test_locked_then_free(void **state)
{
    test_clock_t clk = {1795341600000};
    stats_store_t *s = open_at(&clk, "k1");
    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open(db, &other), SQLITE_OK);
    sqlite3_busy_timeout(other, 5000); /* the writer's purge at open may hold the lock */
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

    test_visit(s, &clk, 1, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    assert_int_equal(stats_store_sync(s, 1500), MF_ELOCKED);
    stats_status_t st;
    stats_store_status(s, &st);
    assert_true(st.failing);
    assert_int_equal(st.last_error, MF_ELOCKED);
    assert_non_null(strstr(st.last_error_text, "locked"));
    assert_int_equal(st.queued, TEST_VISIT_EVENTS);
    assert_int_equal(st.written, 0);

    assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    assert_int_equal(stats_store_sync(s, 10000), MF_OK);
    stats_store_status(s, &st);
    assert_false(st.failing);
    assert_int_equal(st.queued, 0);
    assert_int_equal(st.written, TEST_VISIT_EVENTS);
    stats_store_close(s);
    assert_int_equal(count("SELECT count(*) FROM events"), TEST_VISIT_EVENTS);
}

static void test_queue_bound(void **state)
{
    test_clock_t clk = {1795341600000};
    stats_store_opts_t o;
    stats_store_opts_default(&o);
    o.clock = test_clock;
    o.clock_ctx = &clk;
    o.queue_max = 20;
    stats_store_t *s = stats_store_open(db, &o, NULL);
    assert_non_null(s);
    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open(db, &other), SQLITE_OK);
    sqlite3_busy_timeout(other, 5000); /* the writer's purge at open may hold the lock */
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    test_visit(s, &clk, 1, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    test_visit(s, &clk, 2, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    stats_status_t st;
    stats_store_status(s, &st);
    assert_int_equal(st.queued, 20);
    assert_int_equal(st.dropped, 2 * TEST_VISIT_EVENTS - 20);
    sqlite3_exec(other, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(other);
    assert_int_equal(stats_store_sync(s, 10000), MF_OK);
    stats_store_close(s);
    assert_int_equal(count("SELECT count(*) FROM events"), 20);
}

static void test_not_a_store(void **state)
{
    stats_error_t err = {0};
    FILE *f = fopen(db, "w");
    fputs("visitor figures, but in a text file\n", f);
    fclose(f);
    assert_null(stats_store_open(db, NULL, &err));
    assert_non_null(strstr(err.text, "not a minifab statistics store"));

    remove(db);
    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open(db, &other), SQLITE_OK);
    sqlite3_exec(other, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(other);
    assert_null(stats_store_open(db, NULL, &err));
    assert_non_null(strstr(err.text, "SQLite database but not a minifab statistics store"));
    remove(db);
}

/* --disk-full DIR (run by test_disk_full inside a small tmpfs of its own):
 * the store keeps events in memory while the disk is full, says so, and
 * writes them, once, when space comes back. Prints "ok" or what failed. */
static int disk_full_child(const char *d)
{
    char path[256], filler[256];
    snprintf(path, sizeof path, "%s/stats.db", d);
    snprintf(filler, sizeof filler, "%s/filler", d);
    mf_log_set_stderr(0);
    test_clock_t clk = {1795341600000};
    stats_store_opts_t o;
    stats_store_opts_default(&o);
    o.clock = test_clock;
    o.clock_ctx = &clk;
    stats_store_t *s = stats_store_open(path, &o, NULL);
    if (!s)
        return printf("cannot open the store\n"), 1;
    FILE *f = fopen(filler, "w");
    static char block[4096];
    memset(block, 'x', sizeof block);
    while (f && fwrite(block, 1, sizeof block, f) == sizeof block && fflush(f) == 0) {
    }
    if (f)
        fclose(f);
    for (uint64_t v = 1; v <= 40; v++)
        test_visit(s, &clk, v, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    int rc = stats_store_sync(s, 2000);
    stats_status_t st;
    stats_store_status(s, &st);
    if (rc != MF_ENOSPC || !st.failing || st.last_error != MF_ENOSPC ||
        !strstr(st.last_error_text, "disk is full") || st.queued != 40 * TEST_VISIT_EVENTS)
        return printf("while full: rc %d failing %d error %d '%s' queued %zu\n", rc, st.failing,
                      st.last_error, st.last_error_text, st.queued),
               1;
    unlink(filler);
    rc = stats_store_sync(s, 15000);
    stats_store_status(s, &st);
    stats_store_close(s);
    int64_t n = test_sql_int(path, "SELECT count(*) FROM events");
    int64_t distinct = test_sql_int(path, "SELECT count(DISTINCT seq) FROM events");
    if (rc != MF_OK || st.failing || n != 40 * TEST_VISIT_EVENTS || distinct != n)
        return printf("after: rc %d failing %d rows %lld distinct %lld\n", rc, st.failing,
                      (long long)n, (long long)distinct),
               1;
    printf("ok\n");
    return 0;
}

/* --disk-full-at-start DIR: the disk is already full when the kiosk starts;
 * the store cannot be created, but open still gives a store that keeps the
 * events in memory, says why in its status, and creates the store (writing
 * every event once) when space comes back. */
static int disk_full_at_start_child(const char *d)
{
    char path[256], filler[256];
    snprintf(path, sizeof path, "%s/stats.db", d);
    snprintf(filler, sizeof filler, "%s/filler", d);
    mf_log_set_stderr(0);
    FILE *f = fopen(filler, "w");
    static char block[4096];
    memset(block, 'x', sizeof block);
    while (f && fwrite(block, 1, sizeof block, f) == sizeof block && fflush(f) == 0) {
    }
    if (f)
        fclose(f);
    test_clock_t clk = {1795341600000};
    stats_store_opts_t o;
    stats_store_opts_default(&o);
    o.clock = test_clock;
    o.clock_ctx = &clk;
    stats_error_t err = {0};
    stats_store_t *s = stats_store_open(path, &o, &err);
    if (!s)
        return printf("no store while the disk is full: %s\n", err.text), 1;
    stats_status_t st;
    stats_store_status(s, &st);
    if (!st.failing || st.last_error != MF_ENOSPC || !strstr(st.last_error_text, "disk is full"))
        return printf("at start: failing %d error %d '%s'\n", st.failing, st.last_error,
                      st.last_error_text),
               1;
    for (uint64_t v = 1; v <= 40; v++)
        test_visit(s, &clk, v, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    int rc = stats_store_sync(s, 1000);
    stats_store_status(s, &st);
    if (rc != MF_ENOSPC || !st.failing || st.queued != 40 * TEST_VISIT_EVENTS)
        return printf("while full: rc %d failing %d queued %zu '%s'\n", rc, st.failing, st.queued,
                      st.last_error_text),
               1;
    unlink(filler);
    rc = stats_store_sync(s, 15000);
    stats_store_status(s, &st);
    char kiosk[STATS_ID_MAX];
    snprintf(kiosk, sizeof kiosk, "%s", stats_store_kiosk_id(s));
    stats_store_close(s);
    int64_t n = test_sql_int(path, "SELECT count(*) FROM events");
    int64_t distinct = test_sql_int(path, "SELECT count(DISTINCT seq) FROM events");
    int64_t kiosks = test_sql_int(path, "SELECT count(DISTINCT kiosk) FROM events");
    if (rc != MF_OK || st.failing || n != 40 * TEST_VISIT_EVENTS || distinct != n || kiosks != 1 ||
        strncmp(kiosk, "kiosk-", 6) != 0)
        return printf("after: rc %d failing %d rows %lld distinct %lld kiosks %lld '%s'\n", rc,
                      st.failing, (long long)n, (long long)distinct, (long long)kiosks, kiosk),
               1;
    printf("ok\n");
    return 0;
}

static void run_in_tmpfs(const char *how)
{
    char self[512], cmd[2048], out[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    snprintf(cmd, sizeof cmd,
             "unshare -Urm sh -c 'mount -t tmpfs -o size=256k tmpfs %s && %s %s %s'", dir, self,
             how, dir);
    int st = test_run(cmd, out, sizeof out);
    if (strstr(out, "unshare:") || strstr(out, "mount:")) {
        fprintf(stderr, "disk-full case skipped: no mount namespace here (%s)\n", out);
        skip();
    }
    if (st != 0 || !strstr(out, "ok"))
        fail_msg("%s", out);
}

static void test_disk_full_at_start(void **state)
{
    run_in_tmpfs("--disk-full-at-start");
}

static void test_disk_full(void **state)
{
    char self[512], cmd[2048], out[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    snprintf(cmd, sizeof cmd,
             "unshare -Urm sh -c 'mount -t tmpfs -o size=256k tmpfs %s && %s --disk-full %s'", dir,
             self, dir);
    int st = test_run(cmd, out, sizeof out);
    if (strstr(out, "unshare:") || strstr(out, "mount:")) {
        fprintf(stderr, "disk-full case skipped: no mount namespace here (%s)\n", out);
        skip();
    }
    if (st != 0 || !strstr(out, "ok"))
        fail_msg("%s", out);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--disk-full") == 0)
        return disk_full_child(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--disk-full-at-start") == 0)
        return disk_full_at_start_child(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_record_and_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retried_batch_counted_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_lasts_a_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_cut_between_visits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_id_made_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_context_survives_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locked_then_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_full_at_start, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
