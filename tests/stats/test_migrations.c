/*
 * test_migrations.c - stats.migrations: a store of every earlier schema
 * version (0 = an empty file, 1, 2, 3), holding the rows that version could
 * hold, is opened by the current store: migrated to STATS_SCHEMA_VERSION
 * with its rows intact, and it records again. A store of a newer version is
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

/* A store left at VERSION by an earlier minifab, with two events (and at
 * version 2 a stop and a group). */
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
                                      "20, 1, 'station_view', 'press', 12000);",
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

static void migrate_from(int version)
{
    make_old_store(version);
    test_clock_t clk = {1700000100000};
    stats_store_opts_t o;
    stats_store_opts_default(&o);
    o.clock = test_clock;
    o.clock_ctx = &clk;
    o.retention_months = 120;
    stats_error_t err = {0};
    stats_store_t *s = stats_store_open(db, &o, &err);
    if (!s)
        fail_msg("from version %d: %s", version, err.text);
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

    int old = version >= 1 ? 2 : 0;
    assert_int_equal(test_sql_int(db, "PRAGMA user_version"), STATS_SCHEMA_VERSION);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events"), old + TEST_VISIT_EVENTS);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM audit"), 1);
    if (version >= 1)
        assert_int_equal(test_sql_int(db, "SELECT ms FROM events WHERE run=7 AND seq=2"), 12000);
    if (version == 1)
        assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE run=7 AND "
                                          "stop_id='' AND group_id=''"),
                         2);
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

static void test_every_version_covered(void **state)
{
    /* A new schema version needs its own test_from_N above. */
    assert_int_equal(STATS_SCHEMA_VERSION, 4);
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
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_from_0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_3, setup, teardown),
        cmocka_unit_test(test_every_version_covered),
        cmocka_unit_test_setup_teardown(test_newer_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
