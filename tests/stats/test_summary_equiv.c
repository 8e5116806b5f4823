/*
 * test_summary_equiv.c - stats.summary_equiv: stats_summary() (one pass over
 * the events in C) gives exactly what the 13 SQL queries it replaced give
 * (summary_sql.c), every field of stats_summary_t, on stores filled by the
 * real generator (`minifab stats generate`) under every kind of filter: the
 * whole store, days across a change of summer time, a stop, a group, both,
 * nothing matching; two kiosks merged; an empty store; and a store with odd
 * rows no kiosk writes but a merge or a hand may bring (unknown and purged
 * groups, a group type nobody knows, NULLs, values off the scale, clocks in
 * 1970 and 2040, more days than the summary lists, more stations and trades
 * than its top 64, one question in two versions), without the (type, ts)
 * index as schema 5 has it.
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
#include "summary_sql.h"

#include <inttypes.h>
#include <time.h>

static char dir[64], bin[512];
static char gen_a[128], gen_b[128], odd[128], merged[128], empty[128];
static char purged_group[64];

static void generate(const char *out, const char *from, int days, int seed, const char *kiosk)
{
    char cmd[1024], log[4096];
    snprintf(cmd, sizeof cmd, "%s stats generate --out %s --from %s --days %d --seed %d --kiosk %s",
             bin, out, from, days, seed, kiosk);
    int rc = test_run(cmd, log, sizeof log);
    if (rc != 0)
        fprintf(stderr, "%s\n%s\n", cmd, log);
    assert_int_equal(rc, 0);
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "SQL failed: %s\n%s\n", msg ? msg : "", sql);
    sqlite3_free(msg);
    sqlite3_close(db);
    assert_int_equal(rc, SQLITE_OK);
}

/* One text from SQL on PATH, "" when there is no row. */
static void sql_text(const char *path, const char *sql, char *out, size_t size)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    out[0] = '\0';
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* An event no kiosk wrote: RUN's next seq, the other fields as SQL literals. */
static void odd_event(const char *path, int run, const char *ts, const char *visit,
                      const char *type, const char *item, const char *station, const char *word,
                      const char *value, const char *flag, const char *ms, const char *group,
                      const char *stop)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "INSERT INTO events(kiosk, run, seq, ts, at_ms, visit, type, item, station, word,"
             " value, version, flag, ms, group_id, stop_id) VALUES ('odd', %d,"
             " (SELECT coalesce(max(seq), 0) + 1 FROM events WHERE run = %d), %s, 0, %s, '%s',"
             " %s, %s, %s, %s, 1, %s, %s, %s, %s)",
             run, run, ts, visit, type, item, station, word, value, flag, ms, group, stop);
    exec_sql(path, sql);
}

#define T0 "(SELECT min(ts) + 7200000 FROM events WHERE kiosk <> 'odd')"

/* The odd rows (see the file's comment), added to a generated store. */
static void add_odd_rows(const char *path)
{
    /* Groups: some visits in a group nobody recorded, one school group
     * purged, a type of group no version knows, a group with the empty id. */
    sql_text(path, "SELECT id FROM visit_groups WHERE type = 'school' ORDER BY id LIMIT 1",
             purged_group, sizeof purged_group);
    assert_true(purged_group[0] != '\0');
    char sql[512];
    snprintf(sql, sizeof sql, "DELETE FROM visit_groups WHERE id = '%s'", purged_group);
    exec_sql(path, sql);
    exec_sql(path, "UPDATE events SET group_id = 'ghost-group' WHERE type = 'visit_started'"
                   " AND visit % 7 = 0;"
                   "INSERT INTO visit_groups(id, type) VALUES ('club-1', 'club'), ('', 'company');"
                   "UPDATE events SET group_id = 'club-1' WHERE type = 'visit_started'"
                   " AND visit % 11 = 0;");
    /* Tickets: one scanned twice, one NULL, one empty. */
    const char *tickets[] = {"'T-1'", "'T-1'", "'T-2'", "NULL", "''"};
    for (size_t i = 0; i < sizeof tickets / sizeof tickets[0]; i++)
        odd_event(path, 999, T0, "7001", "ticket", tickets[i], "NULL", "NULL", "NULL", "NULL",
                  "NULL", "''", "''");
    /* Perception: pairs per (run, visit) with the highest value each side;
     * NULL values, a flag of 2 or NULL, visit 0, a value off the scale. */
    struct {
        int run;
        const char *visit, *value, *flag;
    } perc[] = {
        {999, "5001", "1", "0"}, {999, "5001", "3", "1"},    {999, "5001", "2", "0"},
        {998, "5001", "4", "1"}, {999, "5002", "NULL", "0"}, {999, "5002", "2", "1"},
        {999, "5003", "4", "2"}, {999, "5003", "1", "0"},    {999, "5004", "1", "NULL"},
        {999, "5004", "1", "1"}, {999, "0", "0", "0"},       {999, "0", "4", "1"},
        {999, "5005", "0", "0"}, {999, "5005", "12", "1"},   {999, "5006", "-1", "1"},
        {999, "5006", "3", "0"}, {999, "5007", "NULL", "0"}, {999, "5007", "NULL", "1"},
        {999, "-3", "1", "0"},   {999, "-3", "2", "1"},
    };
    for (size_t i = 0; i < sizeof perc / sizeof perc[0]; i++)
        odd_event(path, perc[i].run, T0, perc[i].visit, "perception", "'perception-industry'",
                  "NULL", "NULL", perc[i].value, perc[i].flag, "NULL", "''", "''");
    /* Satisfaction off the four faces, and NULL. */
    const char *sat[] = {"12", "-1", "NULL", "5", "5"};
    for (size_t i = 0; i < sizeof sat / sizeof sat[0]; i++)
        odd_event(path, 999, T0, "7002", "satisfaction", "'satisfaction-visit'", "NULL", "NULL",
                  sat[i], "NULL", "NULL", "''", "''");
    /* Stations and trades: NULL and empty ids, and more than the top 64,
     * many of them tied. */
    odd_event(path, 999, T0, "7003", "station_view", "NULL", "NULL", "NULL", "NULL", "NULL", "1000",
              "''", "''");
    odd_event(path, 999, T0, "7003", "station_view", "''", "NULL", "NULL", "NULL", "NULL", "NULL",
              "''", "''");
    odd_event(path, 999, T0, "7003", "trade_view", "NULL", "NULL", "NULL", "NULL", "NULL", "2000",
              "''", "''");
    odd_event(path, 999, T0, "7003", "video_play", "'zz-trade'", "NULL", "NULL", "NULL", "NULL",
              "NULL", "''", "''");
    exec_sql(path, "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 399)"
                   " INSERT INTO events(kiosk, run, seq, ts, at_ms, visit, type, item, ms)"
                   " SELECT 'odd', 996, i + 1, " T0 " + i, 0, 7004,"
                   " CASE WHEN i % 2 THEN 'station_view' ELSE 'trade_view' END,"
                   " printf('x-%02d', i % 80 / (1 + i % 3)), i * 10 FROM n");
    /* Two ids tied, one the other's prefix: "ab" before "abc", as SQL sorts. */
    exec_sql(path, "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 59)"
                   " INSERT INTO events(kiosk, run, seq, ts, at_ms, visit, type, item, ms)"
                   " SELECT 'odd', 994, i + 1, " T0 ", 0, 7004,"
                   " CASE WHEN i < 40 THEN 'station_view' ELSE 'trade_view' END,"
                   " CASE WHEN i % 2 THEN 'ab' ELSE 'abc' END, 100 FROM n");
    /* Quiz: a NULL station, one question in a second version, NULL flags. */
    odd_event(path, 999, T0, "7005", "quiz_answer", "'q-null'", "NULL", "NULL", "1", "0", "500",
              "''", "''");
    for (int i = 0; i < 40; i++)
        odd_event(path, 999, T0, "7005", "quiz_answer", "'press-springback'", "'press'", "NULL",
                  "1", i < 3 ? "1" : "0", i % 2 ? "NULL" : "4000", "''", "''");
    exec_sql(path, "UPDATE events SET version = 2 WHERE kiosk = 'odd' AND type = 'quiz_answer'"
                   " AND item = 'press-springback'");
    odd_event(path, 999, T0, "7005", "quiz_answer", "'desk-wages'", "'order-desk'", "NULL", "1",
              "NULL", "1000", "''", "''");
    /* Orders engraved NULL or 3, an outcome without a word, a profile and a
     * type of event no version knows. */
    odd_event(path, 999, T0, "7006", "order_placed", "'red'", "NULL", "NULL", "NULL", "NULL",
              "NULL", "''", "''");
    odd_event(path, 999, T0, "7006", "order_placed", "'red'", "NULL", "NULL", "NULL", "3", "NULL",
              "''", "''");
    odd_event(path, 999, T0, "7006", "order_outcome", "NULL", "NULL", "NULL", "NULL", "NULL",
              "NULL", "''", "''");
    odd_event(path, 999, T0, "7006", "profile", "NULL", "NULL", "'alien'", "NULL", "NULL", "NULL",
              "''", "''");
    odd_event(path, 999, T0, "7006", "future_event", "'x'", "NULL", "NULL", "NULL", "NULL", "NULL",
              "''", "''");
    /* Visits: a kiosk clock in 1970, before 1970, in 2040 (summer evenings
     * too: SQLite does not take the local day from localtime_r there); around midnight
     * on the night summer time ends (a 25-hour local day); the empty group
     * and a stop the stops table does not know. */
    int64_t oct26 = 0;
    assert_int_equal(stats_parse_day("2025-10-26", false, &oct26), MF_OK);
    int64_t at[] = {
        0,           -34560000000,    2240000000000,    31537800000,          oct26 - 1000,
        oct26,       oct26 + 1800000, oct26 + 88200000, oct26 + 90000000 - 1, 2224794600000,
        -15816600000};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        char ts[32];
        snprintf(ts, sizeof ts, "%" PRId64, at[i]);
        odd_event(path, 999, ts, "7007", "visit_started", "NULL", "NULL", "NULL", "NULL", "NULL",
                  "NULL", i % 2 ? "''" : "'ghost-group'", i % 3 ? "'odd-stop'" : "''");
    }
    /* More days with visits than the summary lists (STATS_DAYS_MAX). */
    exec_sql(path, "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 449)"
                   " INSERT INTO events(kiosk, run, seq, ts, at_ms, visit, type, group_id)"
                   " SELECT 'odd', 995, i + 1, 1700000000000 + i * 86400000, 0, i + 1,"
                   " 'visit_started', CASE i % 3 WHEN 0 THEN 'club-1' WHEN 1 THEN '' ELSE"
                   " 'ghost-group' END FROM n");
    /* Schema 5 has no (type, ts) index: the one pass must not need it. */
    exec_sql(path, "DROP INDEX IF EXISTS events_type_ts");
}

static int setup(void **state)
{
    (void)state;
    /* Local days as organisers in France see them, summer time included. */
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    mf_log_set_stderr(0);
    test_tmpdir(dir, sizeof dir);
    test_minifab(bin, sizeof bin);
    snprintf(gen_a, sizeof gen_a, "%s/a.db", dir);
    snprintf(gen_b, sizeof gen_b, "%s/b.db", dir);
    snprintf(odd, sizeof odd, "%s/odd.db", dir);
    snprintf(merged, sizeof merged, "%s/merged.db", dir);
    snprintf(empty, sizeof empty, "%s/empty.db", dir);
    /* Nine days across the end of March (summer time starts on the 30th). */
    generate(gen_a, "2025-03-27", 9, 3, "kiosk-a");
    generate(gen_b, "2025-03-29", 4, 8, "kiosk-b");
    generate(odd, "2025-10-23", 6, 5, "kiosk-odd");
    add_odd_rows(odd);
    const char *in[] = {gen_a, gen_b};
    stats_error_t err = {0};
    assert_int_equal(stats_merge(merged, in, 2, NULL, &err), MF_OK);
    stats_store_t *s = stats_store_open(empty, NULL, &err);
    assert_non_null(s);
    stats_store_close(s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_rmdir(dir);
    return 0;
}

static int bad;
static const char *what;

static void same_int(const char *field, int64_t sql, int64_t pass)
{
    if (sql != pass) {
        fprintf(stderr, "%s: %s: SQL %" PRId64 ", one pass %" PRId64 "\n", what, field, sql, pass);
        bad++;
    }
}

static void same_str(const char *field, const char *sql, const char *pass)
{
    if (strcmp(sql, pass) != 0) {
        fprintf(stderr, "%s: %s: SQL '%s', one pass '%s'\n", what, field, sql, pass);
        bad++;
    }
}

#define SAME(f) same_int(#f, a->f, b->f)
#define SAME_AT(f, i)                                                                              \
    do {                                                                                           \
        char name_[64];                                                                            \
        snprintf(name_, sizeof name_, "%s[%zu]", #f, (size_t)(i));                                 \
        same_int(name_, a->f, b->f);                                                               \
    } while (0)
#define SAME_STR_AT(f, i)                                                                          \
    do {                                                                                           \
        char name_[64];                                                                            \
        snprintf(name_, sizeof name_, "%s[%zu]", #f, (size_t)(i));                                 \
        same_str(name_, a->f, b->f);                                                               \
    } while (0)

/* Every field of the two summaries, each difference named. */
static void compare(const stats_summary_t *a, const stats_summary_t *b)
{
    SAME(events);
    SAME(visits);
    for (int t = 0; t < STATS_GROUP_TYPE_COUNT; t++)
        SAME_AT(visits_by_type[t], t);
    SAME(first_ms);
    SAME(last_ms);
    for (int p = 0; p < VISIT_PROFILE_COUNT; p++)
        SAME_AT(profiles[p], p);
    for (int v = 0; v < STATS_SCALE_MAX; v++) {
        SAME_AT(satisfaction[v], v);
        SAME_AT(perception_before[v], v);
        SAME_AT(perception_after[v], v);
    }
    SAME(satisfaction_scale);
    SAME(satisfaction_answers);
    SAME(satisfied);
    SAME(perception_scale);
    SAME(perception_pairs);
    SAME(perception_improved);
    SAME(perception_same);
    SAME(perception_worse);
    if (a->perception_shift != b->perception_shift) {
        fprintf(stderr, "%s: perception_shift: SQL %.17g, one pass %.17g\n", what,
                a->perception_shift, b->perception_shift);
        bad++;
    }
    SAME(orders);
    SAME(orders_engraved);
    for (int o = 0; o < VISIT_ORDER_OUTCOME_COUNT; o++)
        SAME_AT(outcomes[o], o);
    SAME(videos);
    SAME(videos_watched_ms);
    SAME(quiz_answers);
    SAME(quiz_correct);
    SAME(tickets);
    SAME(station_count);
    SAME(trade_count);
    SAME(missed_count);
    SAME(day_count);
    for (size_t i = 0; i < STATS_TOP_MAX; i++) {
        SAME_STR_AT(stations[i].id, i);
        SAME_AT(stations[i].views, i);
        SAME_AT(stations[i].dwell_ms, i);
        SAME_AT(stations[i].videos, i);
        SAME_AT(stations[i].watched_ms, i);
        SAME_STR_AT(trades[i].id, i);
        SAME_AT(trades[i].views, i);
        SAME_AT(trades[i].dwell_ms, i);
        SAME_AT(trades[i].videos, i);
        SAME_AT(trades[i].watched_ms, i);
    }
    for (size_t i = 0; i < STATS_MISSED_MAX; i++) {
        SAME_STR_AT(missed[i].station, i);
        SAME_STR_AT(missed[i].question, i);
        SAME_AT(missed[i].version, i);
        SAME_AT(missed[i].answered, i);
        SAME_AT(missed[i].correct, i);
        SAME_AT(missed[i].time_ms, i);
    }
    for (size_t i = 0; i < STATS_DAYS_MAX; i++) {
        SAME_STR_AT(days[i].day, i);
        for (int t = 0; t < STATS_GROUP_TYPE_COUNT; t++) {
            char name[64];
            snprintf(name, sizeof name, "days[%zu].visits[%d]", i, t);
            same_int(name, a->days[i].visits[t], b->days[i].visits[t]);
        }
    }
    same_str("stop.id", a->stop.id, b->stop.id);
    same_str("stop.town", a->stop.town, b->stop.town);
    same_str("stop.venue", a->stop.venue, b->stop.venue);
    same_str("stop.first_day", a->stop.first_day, b->stop.first_day);
    same_str("stop.last_day", a->stop.last_day, b->stop.last_day);
    SAME(stops_seen);
}

/* Both summaries of PATH under the filter (FROM, TO: days or NULL; STOP,
 * GROUP: ids or NULL) must be equal; returns the one pass's. */
static stats_summary_t *check(const char *path, const char *from, const char *to, const char *stop,
                              const char *group)
{
    stats_filter_t f;
    stats_filter_init(&f);
    if (from)
        assert_int_equal(stats_parse_day(from, false, &f.from_ms), MF_OK);
    if (to)
        assert_int_equal(stats_parse_day(to, true, &f.to_ms), MF_OK);
    snprintf(f.stop_id, sizeof f.stop_id, "%s", stop ? stop : "");
    snprintf(f.group_id, sizeof f.group_id, "%s", group ? group : "");
    static stats_summary_t sql, pass;
    /* Garbage first: every field must be written by the summary itself. */
    memset(&sql, 0x5a, sizeof sql);
    memset(&pass, 0xa5, sizeof pass);
    stats_error_t err = {0};
    assert_int_equal(summary_sql(path, &f, &sql, &err), MF_OK);
    int rc = stats_summary(path, &f, &pass, &err);
    if (rc != MF_OK)
        fprintf(stderr, "%s\n", err.text);
    assert_int_equal(rc, MF_OK);
    char label[512];
    snprintf(label, sizeof label, "%s from %s to %s stop '%s' group '%s'", path, from ? from : "-",
             to ? to : "-", f.stop_id, f.group_id);
    what = label;
    bad = 0;
    compare(&sql, &pass);
    assert_int_equal(bad, 0);
    return &pass;
}

static void test_generated(void **state)
{
    (void)state;
    const stats_summary_t *sm = check(gen_a, NULL, NULL, NULL, NULL);
    /* Not a comparison of two empty summaries: */
    assert_true(sm->visits > 100 && sm->perception_pairs > 50 && sm->missed_count == 10);
    assert_true(sm->station_count == 10 && sm->trade_count > 10 && sm->day_count == 9);
    assert_int_equal(sm->stops_seen, 3);
    check(gen_a, "2025-03-29", "2025-03-31", NULL, NULL);
    check(gen_a, "2025-03-30", "2025-03-30", NULL, NULL);
    check(gen_a, "2025-04-20", NULL, NULL, NULL); /* nothing after */
    check(gen_a, NULL, "2025-03-27", NULL, NULL);
    char id[64], sql[256];
    for (int i = 0; i < 3; i++) {
        snprintf(sql, sizeof sql, "SELECT id FROM stops ORDER BY id LIMIT 1 OFFSET %d", i);
        sql_text(gen_a, sql, id, sizeof id);
        sm = check(gen_a, NULL, NULL, id, NULL);
        assert_string_equal(sm->stop.id, id);
        check(gen_a, "2025-03-30", NULL, id, NULL);
    }
    check(gen_a, NULL, NULL, "no-such-stop", NULL);
    const char *types[] = {"school", "job_seekers", "general_public"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(sql, sizeof sql, "SELECT id FROM visit_groups WHERE type = '%s' LIMIT 1",
                 types[i]);
        sql_text(gen_a, sql, id, sizeof id);
        assert_true(id[0] != '\0');
        sm = check(gen_a, NULL, NULL, NULL, id);
        assert_true(sm->visits > 0);
        check(gen_a, "2025-03-28", "2025-03-28", NULL, id);
    }
    check(gen_a, NULL, NULL, NULL, "no-such-group");
}

static void test_merged_kiosks(void **state)
{
    (void)state;
    const stats_summary_t *sm = check(merged, NULL, NULL, NULL, NULL);
    assert_int_equal(sm->visits, test_sql_int(merged, "SELECT count(*) FROM events"
                                                      " WHERE type = 'visit_started'"));
    check(merged, "2025-03-30", "2025-04-01", NULL, NULL);
    char id[64];
    sql_text(merged, "SELECT stop_id FROM events WHERE kiosk = 'kiosk-b' LIMIT 1", id, sizeof id);
    check(merged, NULL, NULL, id, NULL);
}

static void test_odd_rows(void **state)
{
    (void)state;
    const stats_summary_t *sm = check(odd, NULL, NULL, NULL, NULL);
    assert_int_equal(sm->day_count, STATS_DAYS_MAX);
    assert_int_equal(sm->station_count, STATS_TOP_MAX);
    assert_int_equal(sm->tickets, 3);
    assert_true(sm->visits_by_type[STATS_GROUP_OTHER] > 0);
    check(odd, "2025-10-24", "2025-10-26", NULL, NULL);
    check(odd, "2025-10-26", "2025-10-26", NULL, NULL);
    check(odd, NULL, "1970-01-02", NULL, NULL);
    check(odd, NULL, NULL, "odd-stop", NULL);
    check(odd, NULL, NULL, NULL, "ghost-group");
    check(odd, NULL, NULL, NULL, "club-1");
    check(odd, NULL, NULL, NULL, purged_group);
    check(odd, "2025-10-25", NULL, NULL, purged_group);
    char id[64];
    sql_text(odd, "SELECT id FROM stops ORDER BY id LIMIT 1", id, sizeof id);
    check(odd, NULL, NULL, id, NULL);
}

static void test_empty(void **state)
{
    (void)state;
    const stats_summary_t *sm = check(empty, NULL, NULL, NULL, NULL);
    assert_int_equal(sm->events, 0);
    check(empty, "2026-01-01", "2026-12-31", "s1", "g1");
    check(empty, NULL, NULL, NULL, "g1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generated),
        cmocka_unit_test(test_merged_kiosks),
        cmocka_unit_test(test_odd_rows),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
