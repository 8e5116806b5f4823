/*
 * test_migrations.c - stats.migrations: a store of every earlier schema
 * version (0 = an empty file, 1, 2, 3, 4), holding the rows that version could
 * hold, is opened by the current store: migrated to STATS_SCHEMA_VERSION
 * with its rows intact, and it records again. From schema 5 on, the runs are
 * numbered in the order their first event arrived and every id is rewritten
 * (no << 32) | seq: nothing lost, nothing doubled. A store of a newer version is
 * refused with a message that says to update minifab, and left untouched.
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

static char dir[64], db[128];

static int setup(void **state)
{
    test_tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/old.db", dir);
    mf_log_set_stderr(0);
    return 0;
}

static int teardown(void **state)
{
    test_rmdir(dir);
    return 0;
}

/* A store left at VERSION by an earlier minifab, with three events of two
 * runs whose rows interleave (7, 9, 7) (and at version 2 a stop and a group). */
static void make_old_store(int version)
{
    sqlite3 *h = NULL;
    stats_error_t err = {0};
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(stats_db_migrate(h, version, &err), MF_OK);
    assert_int_equal(stats_db_version(h), version);
    if (version >= 1) {
        assert_int_equal(sqlite3_exec(h,
                                      "INSERT INTO meta VALUES('kiosk_id', 'old-kiosk');"
                                      "INSERT INTO events(kiosk, run, seq, ts, at_ms, visit, "
                                      "type) VALUES('old-kiosk', 7, 1, 1700000000000, 10, 1, "
                                      "'visit_started');"
                                      "INSERT INTO events(kiosk, run, seq, ts, at_ms, visit, "
                                      "type, item, ms) VALUES('old-kiosk', 7, 2, 1700000001000, "
                                      "20, 1, 'station_view', 'press', 12000);"
                                      "UPDATE events SET id=id*2+10;" /* ids 12, 14 */
                                      "INSERT INTO events(id, kiosk, run, seq, ts, at_ms, visit, "
                                      "type) VALUES(13, 'old-kiosk', 9, 1, 1690000000000, 5, 2, "
                                      "'visit_started');",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    }
    if (version >= 2) {
        assert_int_equal(sqlite3_exec(h,
                                      "INSERT INTO stops(id, town) VALUES('s1', 'Arras');"
                                      "INSERT INTO visit_groups(id, type, name) VALUES('g1', "
                                      "'school', 'Collège Pasteur 4e');"
                                      "INSERT INTO meta VALUES('current_stop', 's1');"
                                      "INSERT INTO meta VALUES('current_group', 'g1');"
                                      "UPDATE events SET stop_id='s1', group_id='g1';",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    }
    sqlite3_close(h);
}

/* The store at DB opened by the current minifab, on the test's clock. */
static stats_store_t *open_store(test_clock_t *clk)
{
    stats_store_opts_t o;
    stats_store_opts_default(&o);
    o.clock = test_clock;
    o.clock_ctx = clk;
    o.retention_months = 120;
    stats_error_t err = {0};
    stats_store_t *s = stats_store_open(db, &o, &err);
    if (!s)
        fail_msg("%s", err.text);
    return s;
}

static void migrate_from(int version)
{
    make_old_store(version);
    test_clock_t clk = {1700000100000};
    stats_store_t *s = open_store(&clk);
    if (version >= 1)
        assert_string_equal(stats_store_kiosk_id(s), "old-kiosk");
    if (version >= 2) {
        stats_stop_t stop;
        stats_group_t group;
        stats_store_context(s, &stop, &group);
        assert_string_equal(stop.town, "Arras");
        assert_string_equal(group.name, "Collège Pasteur 4e");
    }
    test_visit(s, &clk, 2, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    assert_int_equal(stats_audit_record(s, "trainer", "login", "", "ok"), MF_OK);
    assert_int_equal(stats_store_sync(s, 5000), MF_OK);
    stats_store_close(s);

    int old = version >= 1 ? 3 : 0;
    assert_int_equal(test_sql_int(db, "PRAGMA user_version"), STATS_SCHEMA_VERSION);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events"), old + TEST_VISIT_EVENTS);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM audit"), 1);
    if (version >= 1) {
        assert_int_equal(test_sql_int(db, "SELECT ms FROM events WHERE run=7 AND seq=2"), 12000);
        /* The runs in the order of their first id (7 first: id 12; 9: id 13),
         * then the store's own run; first_ts the oldest event's time. */
        assert_int_equal(test_sql_int(db, "SELECT count(*) FROM runs"), 3);
        assert_int_equal(test_sql_int(db, "SELECT no FROM runs WHERE run=7"), 1);
        assert_int_equal(test_sql_int(db, "SELECT no FROM runs WHERE run=9"), 2);
        assert_int_equal(test_sql_int(db, "SELECT first_ts FROM runs WHERE run=7"), 1700000000000);
        assert_int_equal(test_sql_int(db, "SELECT first_ts FROM runs WHERE run=9"), 1690000000000);
        assert_int_equal(test_sql_int(db, "SELECT kiosk = 'old-kiosk' FROM runs WHERE run=9"), 1);
        assert_int_equal(test_sql_int(db, "SELECT id FROM events WHERE run=7 AND seq=1"),
                         (1LL << 32) | 1);
        assert_int_equal(test_sql_int(db, "SELECT id FROM events WHERE run=7 AND seq=2"),
                         (1LL << 32) | 2);
        assert_int_equal(test_sql_int(db, "SELECT id FROM events WHERE run=9 AND seq=1"),
                         (2LL << 32) | 1);
        assert_int_equal(test_sql_int(db, "SELECT count(DISTINCT run || '-' || seq) FROM events"),
                         old + TEST_VISIT_EVENTS);
    }
    /* Every id is its run's number and its seq; the indexes are gone. */
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events e JOIN runs r ON "
                                      "r.no = e.id >> 32 AND r.run = e.run AND r.kiosk = e.kiosk "
                                      "WHERE (e.id & 0xffffffff) = e.seq"),
                     old + TEST_VISIT_EVENTS);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM sqlite_schema WHERE type='index' AND "
                                      "tbl_name='events'"),
                     0);
    if (version == 1)
        assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE run IN (7, 9) AND "
                                          "stop_id='' AND group_id=''"),
                         3);
    if (version >= 2)
        assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE group_id='g1'"),
                         old + TEST_VISIT_EVENTS);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE "
                                      "integrity_check='ok'"),
                     1);
}

static void test_from_0(void **state)
{
    migrate_from(0);
}
static void test_from_1(void **state)
{
    migrate_from(1);
}
static void test_from_2(void **state)
{
    migrate_from(2);
}

static void test_from_3(void **state)
{
    migrate_from(3);
}

static void test_from_4(void **state)
{
    migrate_from(4);
}

/* The upgrade is the writer thread's work: open returns at once with what it
 * promises (the kiosk id, the stop and the group, read from the old store),
 * even while another program holds the store's write lock and the migration
 * cannot start; the events wait, then land in the upgraded store. */
static void test_upgrade_not_on_open(void **state)
{
    make_old_store(4);
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    test_clock_t clk = {1700000100000};
    stats_store_t *s = open_store(&clk);
    assert_string_equal(stats_store_kiosk_id(s), "old-kiosk");
    stats_stop_t stop;
    stats_group_t group;
    stats_store_context(s, &stop, &group);
    assert_string_equal(stop.town, "Arras");
    assert_string_equal(group.name, "Collège Pasteur 4e");
    test_visit(s, &clk, 2, VISIT_PROFILE_PUPIL, 1, 2, 3, 1);
    assert_int_equal(test_sql_int(db, "PRAGMA user_version"), 4);
    assert_int_equal(sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(stats_store_sync(s, 20000), MF_OK);
    stats_store_close(s);
    assert_int_equal(test_sql_int(db, "PRAGMA user_version"), STATS_SCHEMA_VERSION);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events"), 3 + TEST_VISIT_EVENTS);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE group_id='g1'"),
                     3 + TEST_VISIT_EVENTS);
}

static void test_every_version_covered(void **state)
{
    /* A new schema version needs its own test_from_N above. */
    assert_int_equal(STATS_SCHEMA_VERSION, 5);
}

static void test_newer_refused(void **state)
{
    make_old_store(STATS_SCHEMA_VERSION);
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    sqlite3_exec(h, "PRAGMA user_version=99", NULL, NULL, NULL);
    sqlite3_close(h);
    stats_error_t err = {0};
    assert_null(stats_store_open(db, NULL, &err));
    assert_int_equal(err.code, MF_EINCOMPAT);
    assert_non_null(strstr(err.text, "newer minifab"));
    assert_non_null(strstr(err.text, "schema 99"));
    assert_int_equal(test_sql_int(db, "PRAGMA user_version"), 99);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_from_0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_not_on_open, setup, teardown),
        cmocka_unit_test(test_every_version_covered),
        cmocka_unit_test_setup_teardown(test_newer_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
