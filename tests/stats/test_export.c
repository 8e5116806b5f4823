/*
 * test_export.c - stats.export: a store filled with a scripted stream is
 * exported by the real `minifab stats export` in every format, and each
 * export is read back by an independent reader (tests/stats/readback.py:
 * Python's csv module as a spreadsheet reads it, the XLSX unzipped and its
 * XML read, the json module, pdftotext) and its figures compared with direct
 * SQL counts of the store. Also the filters, the decimal option, and bad
 * input: not a store, a damaged store, an unwritable path, a full disk,
 * dates that do not parse: a clear message, a non-zero exit, nothing left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mf_error.h"
#include "mf_log.h"
#include "stats_export.h"
#include "stats_test_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

static char dir[64], db[128], bin[512];
static char out[65536];

#define DAY1 1794819600000LL /* 2026-11-16 09:00 UTC */

static void fill_store(void)
{
    test_clock_t clk = {DAY1};
    stats_store_opts_t o;
    stats_store_opts_default(&o);
    o.clock = test_clock;
    o.clock_ctx = &clk;
    o.kiosk_id = "truck1-k1";
    o.retention_months = 1200;
    stats_store_t *s = stats_store_open(db, &o, NULL);
    assert_non_null(s);
    stats_stop_t stop = {"s1", "Arras", "Lycée Guy Mollet", "2026-11-16", "2026-11-17"};
    stats_store_set_stop(s, &stop);
    stats_group_t g = {.type = STATS_GROUP_SCHOOL, .headcount = 24};
    snprintf(g.name, sizeof g.name, "Collège Pasteur 4e A");
    stats_store_set_group(s, &g);
    for (uint64_t v = 1; v <= 4; v++)
        test_visit(s, &clk, v, VISIT_PROFILE_PUPIL, (int)v % 3, (int)v % 5, (int)v % 4, (int)v % 4);
    stats_store_set_group(s, NULL);
    for (uint64_t v = 5; v <= 7; v++)
        test_visit(s, &clk, v, VISIT_PROFILE_EMPLOYEE, 2, 3, 3, 2);
    stats_audit_record(s, "trainer", "group", "name \"3e B\"; =cmd|' /C calc'!A0", "ok");
    clk.now = DAY1 + 86400000LL;
    stats_group_t js = {.type = STATS_GROUP_JOB_SEEKERS, .headcount = 12};
    snprintf(js.name, sizeof js.name, "Session France Travail");
    stats_store_set_group(s, &js);
    for (uint64_t v = 8; v <= 10; v++)
        test_visit(s, &clk, v, VISIT_PROFILE_JOB_SEEKER, 1, 1 + (int)v % 3, (int)v % 4, 3);
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    stats_store_close(s);
}

static int setup(void **state)
{
    setenv("TZ", "UTC", 1);
    test_tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/stats.db", dir);
    test_minifab(bin, sizeof bin);
    mf_log_set_stderr(0);
    fill_store();
    return 0;
}

static int teardown(void **state)
{
    test_rmdir(dir);
    return 0;
}

/* The value of KEY in readback.py's output OUT (static buffer). */
static const char *val(const char *key)
{
    static char v[256];
    size_t kl = strlen(key);
    for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t n = strcspn(p + kl + 1, "\n");
            snprintf(v, sizeof v, "%.*s", (int)n, p + kl + 1);
            return v;
        }
    }
    fail_msg("no %s in:\n%s", key, out);
    return "";
}

static long long ival(const char *key)
{
    return atoll(val(key));
}

static void export(const char *format, const char *path, const char *extra)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s stats export --store %s --format %s --out %s %s", bin, db, format,
             path, extra ? extra : "");
    int st = test_run(cmd, out, sizeof out);
    if (st != 0)
        fail_msg("%s -> %d: %s", cmd, st, out);
}

static void readback(const char *kind, const char *path)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/stats/readback.py %s %s", kind, path);
    int st = test_run(cmd, out, sizeof out);
    if (st != 0)
        fail_msg("%s -> %d: %s", cmd, st, out);
}

static int64_t sql(const char *q)
{
    return test_sql_int(db, q);
}

/* "95,8" for PART of WHOLE, as the report writes it. */
static void fr_pct(char *buf, size_t size, int64_t part, int64_t whole)
{
    snprintf(buf, size, "%.1f %%", whole ? 100.0 * (double)part / (double)whole : 0.0);
    char *dot = strchr(buf, '.');
    if (dot)
        *dot = ',';
}

static void test_csv(void **state)
{
    char path[256];
    snprintf(path, sizeof path, "%s/csv", dir);
    export("csv", path, NULL);
    readback("csv", path);
    assert_int_equal(ival("rows.visits"), sql("SELECT count(*) FROM events WHERE "
                                              "type='visit_started'"));
    assert_int_equal(ival("rows.visits"), 10);
    assert_int_equal(ival("rows.events"), sql("SELECT count(*) FROM events"));
    assert_int_equal(ival("rows.audit"), 1);
    assert_int_equal(ival("rows.groups"), 2);
    assert_int_equal(ival("rows.stops"), 1);
    assert_int_equal(ival("visits.dates_ok"), 1);
    assert_int_equal(ival("visits.decimal_comma"), 1);
    assert_int_equal(ival("visits.satisfaction_sum"),
                     sql("SELECT sum(value) FROM events WHERE type='satisfaction'"));
    assert_int_equal(ival("visits.quiz_correct_sum"),
                     sql("SELECT sum(flag) FROM events WHERE type='quiz_answer'"));
    assert_int_equal(ival("questions.answered_sum"),
                     sql("SELECT count(*) FROM events WHERE type='quiz_answer'"));
    const char *tables[] = {"visits", "days",   "stations", "trades", "questions", "survey",
                            "orders", "groups", "stops",    "events", "audit"};
    long long cols = 0;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char k[64];
        snprintf(k, sizeof k, "rectangular.%s", tables[i]);
        assert_int_equal(ival(k), 1);
        snprintf(k, sizeof k, "bom.%s.csv", tables[i]);
        assert_int_equal(ival(k), 1);
        snprintf(k, sizeof k, "columns.%s", tables[i]);
        cols += ival(k);
    }
    assert_int_equal(ival("readme.lines"), cols); /* one README line per column */
    /* The audit's tricky text came back whole: quotes, ';' and a formula kept as text. */
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import csv;r=list(csv.reader(open('%s/audit.csv',"
             "encoding='utf-8-sig'),delimiter=';'));print(r[1][5])\"",
             path);
    assert_int_equal(test_run(cmd, out, sizeof out), 0);
    assert_string_equal(out, "name \"3e B\"; =cmd|' /C calc'!A0\n");

    /* --decimal point; and CSV goes into a new folder only. */
    snprintf(path, sizeof path, "%s/csv-point", dir);
    export("csv", path, "--decimal point");
    readback("csv", path);
    assert_int_equal(ival("visits.decimal_comma"), 0);
    snprintf(cmd, sizeof cmd, "%s stats export --store %s --format csv --out %s", bin, db, path);
    assert_int_equal(test_run(cmd, out, sizeof out), 1);
    assert_non_null(strstr(out, "already exists"));
}

static void test_xlsx(void **state)
{
    char path[256];
    snprintf(path, sizeof path, "%s/stats.xlsx", dir);
    export("xlsx", path, NULL);
    readback("xlsx", path);
    assert_string_equal(val("sheets"), "summary,visits,days,stations,trades,questions,survey,"
                                       "orders,groups,stops,events,audit");
    assert_int_equal(ival("rows.visits"), 10);
    assert_int_equal(ival("rows.events"), sql("SELECT count(*) FROM events"));
    assert_int_equal(ival("rows.orders"), sql("SELECT count(*) FROM events WHERE "
                                              "type='order_placed'"));
    assert_int_equal(ival("frozen.visits"), 1);
    assert_int_equal(ival("frozen.events"), 1);
    assert_int_equal(ival("widths.visits"), 1);
    assert_int_equal(ival("date_format"), 1);
    assert_int_equal(ival("visits.date_cells"), 10); /* dates as dates, not text */
}

static void test_json_and_filters(void **state)
{
    char path[256];
    snprintf(path, sizeof path, "%s/stats.json", dir);
    export("json", path, NULL);
    readback("json", path);
    assert_string_equal(val("format"), "minifab-stats");
    assert_int_equal(ival("summary.visits"), 10);
    assert_int_equal(ival("summary.events"), sql("SELECT count(*) FROM events"));
    assert_int_equal(ival("rows.events"), sql("SELECT count(*) FROM events"));
    assert_int_equal(ival("summary.satisfied"),
                     sql("SELECT count(*) FROM events WHERE type='satisfaction' AND value>=2"));
    assert_int_equal(ival("summary.quiz_correct"),
                     sql("SELECT count(*) FROM events WHERE type='quiz_answer' AND flag=1"));
    assert_int_equal(ival("summary.perception_pairs"), 10);
    assert_string_equal(val("events.first_type"), "visit_started");

    /* One day, one group. */
    export("json", path, "--from 2026-11-17 --to 2026-11-17");
    readback("json", path);
    assert_int_equal(ival("summary.visits"), 3);
    assert_int_equal(ival("rows.events"), sql("SELECT count(*) FROM events WHERE ts >= "
                                              "1794873600000 AND ts < 1794960000000"));
    char gid[64] = "", extra[128];
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    sqlite3_open(db, &h);
    sqlite3_prepare_v2(h, "SELECT id FROM visit_groups WHERE type='school'", -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(gid, sizeof gid, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    snprintf(extra, sizeof extra, "--group %s --stop s1", gid);
    export("json", path, extra);
    readback("json", path);
    assert_int_equal(ival("summary.visits"), 4);
    assert_int_equal(ival("rows.groups"), 1);
}

static void test_pdf(void **state)
{
    char path[256], want[32];
    snprintf(path, sizeof path, "%s/report.pdf", dir);
    export("pdf", path, NULL);
    readback("pdf", path);
    assert_int_equal(ival("pages"), 3);
    assert_int_equal(ival("has_missed_section"), 1);
    assert_int_equal(ival("visits"), sql("SELECT count(*) FROM events WHERE "
                                         "type='visit_started'"));
    fr_pct(want, sizeof want,
           sql("SELECT count(*) FROM events WHERE type='satisfaction' AND value >= 2"),
           sql("SELECT count(*) FROM events WHERE type='satisfaction'"));
    assert_string_equal(val("satisfied"), want);
    fr_pct(want, sizeof want, sql("SELECT count(*) FROM events WHERE type='quiz_answer' AND flag"),
           sql("SELECT count(*) FROM events WHERE type='quiz_answer'"));
    assert_string_equal(val("quiz"), want);
    assert_int_equal(ival("orders"), sql("SELECT count(*) FROM events WHERE "
                                         "type='order_placed'"));
    assert_int_equal(ival("videos"), sql("SELECT count(*) FROM events WHERE type='video_play'"));
    /* The mean shift over visits that answered before and after. */
    int64_t num = sql("SELECT sum(a.value - b.value) FROM events a JOIN events b ON "
                      "a.run=b.run AND a.visit=b.visit WHERE a.type='perception' AND a.flag=1 "
                      "AND b.type='perception' AND b.flag=0");
    snprintf(want, sizeof want, "%+.2f", (double)num / 10.0);
    *strchr(want, '.') = ',';
    assert_string_equal(val("shift"), want);
}

/* Nothing but the store and what the test made is in DIR. */
static int entries(const char *d)
{
    DIR *h = opendir(d);
    int n = 0;
    struct dirent *e;
    while (h && (e = readdir(h)) != NULL)
        n += e->d_name[0] != '.' || strstr(e->d_name, ".tmp") != NULL;
    if (h)
        closedir(h);
    return n;
}

static void expect_fail(const char *args, int status, const char *words)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s stats %s", bin, args);
    int st = test_run(cmd, out, sizeof out);
    if (st != status || !strstr(out, words))
        fail_msg("%s -> %d (want %d), output: %s (want '%s')", cmd, st, status, out, words);
}

static void test_bad_input(void **state)
{
    char args[2048], bad[256], sub[256];
    snprintf(sub, sizeof sub, "%s/out", dir);
    mkdir(sub, 0755);

    /* Not a store. */
    snprintf(bad, sizeof bad, "%s/notes.txt", dir);
    FILE *f = fopen(bad, "w");
    fputs("not a database\n", f);
    fclose(f);
    snprintf(args, sizeof args, "export --store %s --format json --out %s/a.json", bad, sub);
    expect_fail(args, 1, "not a minifab statistics store");
    snprintf(args, sizeof args, "summary --store %s/missing.db", dir);
    expect_fail(args, 1, "no such statistics store");

    /* Dates that do not parse. */
    snprintf(args, sizeof args, "summary --store %s --from 2026-02-30", db);
    expect_fail(args, 2, "YYYY-MM-DD");
    snprintf(args, sizeof args, "export --store %s --format pdf --out %s/a.pdf --to 17/11/2026", db,
             sub);
    expect_fail(args, 2, "YYYY-MM-DD");
    snprintf(args, sizeof args, "export --store %s --format doc --out %s/a.doc", db, sub);
    expect_fail(args, 2, "csv, xlsx, json or pdf");

    /* An unwritable path. */
    snprintf(args, sizeof args, "export --store %s --format pdf --out /proc/minifab/r.pdf", db);
    expect_fail(args, 1, "cannot write in /proc/minifab");
    snprintf(args, sizeof args, "export --store %s --format xlsx --out %s/no/such/s.xlsx", db, sub);
    expect_fail(args, 1, "no such folder");

    /* A damaged store: pages in its middle overwritten. */
    char damaged[256], cmd[4096];
    snprintf(damaged, sizeof damaged, "%s/damaged.db", dir);
    snprintf(cmd, sizeof cmd, "%s stats generate --out %s --days 2 >/dev/null", bin, damaged);
    assert_int_equal(test_run(cmd, NULL, 0), 0);
    int fd = open(damaged, O_WRONLY);
    char junk[8192];
    memset(junk, 0x5A, sizeof junk);
    assert_int_equal(pwrite(fd, junk, sizeof junk, 4096 * 10), (ssize_t)sizeof junk);
    close(fd);
    snprintf(args, sizeof args, "export --store %s --format csv --out %s/c", damaged, sub);
    expect_fail(args, 1, "damaged");
    snprintf(args, sizeof args, "summary --store %s", damaged);
    expect_fail(args, 1, "damaged");
    assert_int_equal(entries(sub), 0); /* nothing half-written */

    /* A full disk: a 64 KiB tmpfs in a mount namespace of our own. */
    snprintf(cmd, sizeof cmd,
             "unshare -Urm sh -c 'mount -t tmpfs -o size=64k tmpfs %s && "
             "%s stats export --store %s --format json --out %s/s.json; echo rc=$?; "
             "%s stats export --store %s --format csv --out %s/csv; echo rc=$?; "
             "ls -A %s | wc -l'",
             sub, bin, db, sub, bin, db, sub, sub);
    int st = test_run(cmd, out, sizeof out);
    if (st == 0 && strstr(out, "rc=")) {
        if (!strstr(out, "disk is full") || strstr(out, "rc=0") || !strstr(out, "\n0\n"))
            fail_msg("full disk: %s", out);
    } else {
        fprintf(stderr, "full-disk case skipped: no mount namespace here (%s)\n", out);
    }
}

/* A store of a generated fortnight (several stops and groups) and rows that
 * probe the edges of each small table: NULL items, versions and values, a
 * perception flag neither 0 nor 1, an order without a number, an order's
 * later outcome outside the time filter, an event without a visit. */
static void fill_generated(const char *path)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s stats generate --out %s --from 2026-03-02 --days 12", bin, path);
    if (test_run(cmd, out, sizeof out) != 0)
        fail_msg("%s: %s", cmd, out);
    static const char *const odd =
        "INSERT INTO events(kiosk, run, seq, ts, at_ms, visit, type, item, station, word, detail,"
        " value, version, flag, flag2, ms, ms2, order_no, stop_id, group_id) VALUES"
        " ('k2', 7, 1, 1772704800000, 0, 1, 'visit_started', NULL, NULL, NULL, NULL, NULL, NULL,"
        " NULL, NULL, NULL, NULL, NULL, (SELECT min(id) FROM stops), ''),"
        " ('k2', 7, 2, 1772704801000, 1, 1, 'station_view', NULL, NULL, NULL, NULL, NULL, NULL,"
        " NULL, NULL, NULL, NULL, NULL, (SELECT min(id) FROM stops), ''),"
        " ('k2', 7, 3, 1772704802000, 2, 1, 'trade_view', NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
        " NULL, 5000, NULL, NULL, (SELECT min(id) FROM stops), ''),"
        " ('k2', 7, 4, 1772704803000, 3, 1, 'video_play', 'welder', NULL, NULL, NULL, NULL, NULL,"
        " NULL, NULL, 1234, NULL, NULL, (SELECT min(id) FROM stops), ''),"
        " ('k2', 7, 5, 1772704804000, 4, 1, 'perception', 'image', NULL, NULL, NULL, 3, NULL, NULL,"
        " NULL, NULL, NULL, NULL, (SELECT min(id) FROM stops), ''),"
        " ('k2', 7, 6, 1772704805000, 5, 1, 'perception', 'image', NULL, NULL, NULL, NULL, 2, 2,"
        " NULL, NULL, NULL, NULL, (SELECT min(id) FROM stops), ''),"
        " ('k2', 7, 7, 1772704806000, 6, 1, 'order_placed', 'red', NULL, NULL, NULL, NULL, NULL,"
        " NULL, NULL, NULL, NULL, 900, (SELECT min(id) FROM stops), ''),"
        " ('k2', 7, 8, 1772704807000, 7, 1, 'order_outcome', NULL, NULL, 'delivered', NULL, NULL,"
        " NULL, NULL, NULL, NULL, NULL, 900, (SELECT min(id) FROM stops), ''),"
        " ('k2', 7, 9, 1773964800000, 8, 1, 'order_outcome', NULL, NULL, 'rejected', 'camera',"
        " NULL, NULL, NULL, NULL, NULL, NULL, 900, (SELECT min(id) FROM stops), ''),"
        " ('k2', 7, 10, 1772704806000, 9, 1, 'order_placed', 'blue', NULL, NULL, NULL, NULL, NULL,"
        " 1, NULL, NULL, NULL, NULL, (SELECT min(id) FROM stops), ''),"
        " ('k2', 7, 11, 1772704809000, 10, 1, 'quiz_answer', 'q1', NULL, NULL, NULL, NULL, NULL,"
        " NULL, NULL, NULL, NULL, NULL, (SELECT min(id) FROM stops), ''),"
        " ('k2', 7, 12, 1772704810000, 11, 1, 'station_view', '', NULL, NULL, NULL, NULL, NULL,"
        " NULL, NULL, 10, NULL, NULL, (SELECT min(id) FROM stops), ''),"
        " ('k2', 7, 13, 1772704811000, 12, 0, 'screen_view', 'home', NULL, NULL, NULL, NULL, NULL,"
        " NULL, NULL, 10, NULL, NULL, (SELECT min(id) FROM stops), ''),"
        " ('k2', -5, 1, 1772704812000, 0, 2, 'visit_started', NULL, NULL, NULL, NULL, NULL, NULL,"
        " NULL, NULL, NULL, NULL, NULL, (SELECT max(id) FROM stops),"
        " (SELECT id FROM visit_groups ORDER BY set_ms LIMIT 1))";
    sqlite3 *h = NULL;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    if (sqlite3_exec(h, odd, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("odd rows: %s", msg);
    sqlite3_close(h);
}

/* The first value of SQL's first row, as text, into BUF. */
static void sql_text(const char *path, const char *q, char *buf, size_t size)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    sqlite3_open(path, &h);
    sqlite3_prepare_v2(h, q, -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, size, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    assert_true(buf[0] != '\0');
}

/* The small tables (days, stations, trades, questions, survey, orders,
 * groups, stops, visits) of the CSV, XLSX and JSON exports are the same rows
 * in the same order, and equal to the direct SQL that made them before the
 * one pass (tables_agree.py), with no filter and with each filter. */
static void test_tables_agree(void **state)
{
    char gen[256], stop[64], group[64], filters[4][160], cmd[2048];
    snprintf(gen, sizeof gen, "%s/gen.db", dir);
    fill_generated(gen);
    sql_text(gen, "SELECT min(id) FROM stops", stop, sizeof stop);
    sql_text(gen, "SELECT id FROM visit_groups ORDER BY set_ms LIMIT 1", group, sizeof group);
    snprintf(filters[0], sizeof filters[0], "%s", "");
    snprintf(filters[1], sizeof filters[1], "%s", "--from 2026-03-04 --to 2026-03-06");
    snprintf(filters[2], sizeof filters[2], "--stop %s", stop);
    snprintf(filters[3], sizeof filters[3], "--group %s --to 2026-03-10", group);
    for (int i = 0; i < 4; i++) {
        static const char *const fmt[3][2] = {{"csv", "c"}, {"xlsx", "x.xlsx"}, {"json", "j.json"}};
        for (int k = 0; k < 3; k++) {
            snprintf(cmd, sizeof cmd,
                     "rm -rf %s/%s; %s stats export --store %s --format %s --out %s/%s %s", dir,
                     fmt[k][1], bin, gen, fmt[k][0], dir, fmt[k][1], filters[i]);
            if (test_run(cmd, out, sizeof out) != 0)
                fail_msg("%s: %s", cmd, out);
        }
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 tests/stats/tables_agree.py %s %s/c %s/x.xlsx %s/j.json %s", gen,
                 dir, dir, dir, filters[i]);
        int st = test_run(cmd, out, sizeof out);
        if (st != 0 || !strstr(out, "agree=1\n"))
            fail_msg("%s -> %d:\n%s", cmd, st, out);
        if (ival("rows.orders") < 1 || ival("rows.survey") < 1 || ival("rows.days") < 1)
            fail_msg("%s: empty tables:\n%s", filters[i], out);
    }
}

/* The number of threads this process runs. */
static int thread_count(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    if (f)
        fclose(f);
    return n;
}

/* A write that fails in the middle of the CSV's pass (a file size limit: the
 * same EFBIG as a full disk, in this process): the export says the disk is
 * full, leaves nothing behind and no reader thread running. */
static void test_csv_fails_midway(void **state)
{
    char gen[256], sub[256], target[300];
    snprintf(gen, sizeof gen, "%s/gen.db", dir);
    fill_generated(gen);
    snprintf(sub, sizeof sub, "%s/out", dir);
    mkdir(sub, 0755);
    snprintf(target, sizeof target, "%s/csv", sub);
    assert_int_equal(thread_count(), 1);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 600 * 1024; /* events.csv of these ~17,000 events: ~2.5 MB */
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    stats_filter_t f;
    stats_filter_init(&f);
    stats_export_opts_t o;
    stats_export_opts_default(&o);
    stats_error_t err = {0};
    int rc = stats_export(gen, &f, &o, target, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, was);
    assert_int_equal(rc, MF_ENOSPC);
    if (!strstr(err.text, "disk is full") || !strstr(err.text, target))
        fail_msg("message: %s", err.text);
    assert_int_equal(entries(sub), 0); /* no folder, no temporary one */
    assert_int_equal(thread_count(), 1);

    /* And with room, the same export succeeds. */
    rc = stats_export(gen, &f, &o, target, &err);
    assert_int_equal(rc, MF_OK);
    assert_int_equal(thread_count(), 1);
}

/* Damage that the CSV's pass never reads (a page of the free list): the
 * integrity check, run beside the export, still fails it before its folder
 * is renamed into place; nothing is left. */
static void test_csv_damage_unread(void **state)
{
    char gen[256], sub[256], args[1024];
    snprintf(gen, sizeof gen, "%s/gen.db", dir);
    fill_generated(gen);
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(gen, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h,
                                  "DELETE FROM events WHERE id < (SELECT max(id) / 2 FROM events)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h); /* checkpointed: the free pages are in the file */
    unsigned char hdr[100];
    int fd = open(gen, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, hdr, sizeof hdr, 0), (ssize_t)sizeof hdr);
    uint32_t page_size = (uint32_t)hdr[16] << 8 | hdr[17];
    if (page_size == 1)
        page_size = 65536;
    uint32_t trunk =
        (uint32_t)hdr[32] << 24 | (uint32_t)hdr[33] << 16 | (uint32_t)hdr[34] << 8 | hdr[35];
    assert_true(trunk > 1);
    char junk[65536];
    memset(junk, 0x5A, sizeof junk);
    assert_int_equal(pwrite(fd, junk, page_size, (off_t)(trunk - 1) * page_size),
                     (ssize_t)page_size);
    close(fd);
    snprintf(sub, sizeof sub, "%s/out", dir);
    mkdir(sub, 0755);
    snprintf(args, sizeof args, "export --store %s --format csv --out %s/c", gen, sub);
    expect_fail(args, 1, "damaged");
    assert_int_equal(entries(sub), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xlsx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_and_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pdf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tables_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_fails_midway, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_damage_unread, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
