/*
 * test_kiosk.c - stats.kiosk: the real kiosk, headless, runs a scripted visit
 * (tests/stats/visit.txt) with a configuration that names the kiosk, the stop
 * and the group. Every event the kiosk emitted (its log at debug level lists
 * them, in order) is in DATA_DIR/stats.db and in `minifab stats export
 * --format json`, in the same order, once; the stop and the group of the
 * configuration are in the store, and a second run with the same
 * configuration does not start a new group.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats_test_util.h"

static char dir[64], bin[512], db[128], cfg[128];
static char out[1 << 20];

static int setup(void **state)
{
    test_tmpdir(dir, sizeof dir);
    test_minifab(bin, sizeof bin);
    snprintf(db, sizeof db, "%s/stats.db", dir);
    snprintf(cfg, sizeof cfg, "%s/minifab.yaml", dir);
    FILE *f = fopen(cfg, "w");
    fputs("kiosk_id: e2e-kiosk\nstop_id: 2026-11-arras\nstop_town: Arras\n"
          "stop_venue: Lycée Guy Mollet\nstop_first_day: 2026-11-16\n"
          "stop_last_day: 2026-11-18\ngroup_type: school\ngroup_level: 3e\n"
          "group_name: Collège Test 3e B\ngroup_headcount: 24\n",
          f);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    test_rmdir(dir);
    return 0;
}

/* The event names the kiosk logged ("visit: quiz_answer station=..."), in order. */
static void logged_events(const char *log, char *names, size_t size)
{
    names[0] = '\0';
    for (const char *p = strstr(log, " visit: "); p; p = strstr(p + 1, " visit: ")) {
        const char *w = p + 8;
        size_t n = strcspn(w, " \n");
        size_t len = strlen(names);
        snprintf(names + len, size - len, "%s%.*s", len ? " " : "", (int)n, w);
    }
}

static void run_kiosk(void)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "%s run --headless --size 1280x720 --config %s --data-dir %s --log-level debug "
             "--script tests/stats/visit.txt",
             bin, cfg, dir);
    int st = test_run(cmd, out, sizeof out);
    if (st != 0)
        fail_msg("%s -> %d\n%s", cmd, st, out);
}

static void test_scripted_visit(void **state)
{
    char logged[8192], stored[8192], cmd[2048];
    run_kiosk();
    logged_events(out, logged, sizeof logged);

    /* The store, read by the export, in the order the events were recorded. */
    snprintf(cmd, sizeof cmd,
             "%s stats export --store %s --format json --out %s/e.json >/dev/null && "
             "/usr/bin/python3 -c \"import json;d=json.load(open('%s/e.json'));"
             "e=sorted(d['tables']['events'],key=lambda r:int(r['event_id'].rsplit('-',1)[1]));"
             "print(' '.join(r['type'] for r in e));"
             "print(len({r['event_id'] for r in e}) == len(e))\"",
             bin, db, dir, dir);
    assert_int_equal(test_run(cmd, stored, sizeof stored), 0);
    char *nl = strchr(stored, '\n');
    assert_non_null(nl);
    *nl = '\0';
    assert_string_equal(stored, logged);   /* exactly what the kiosk emitted */
    assert_string_equal(nl + 1, "True\n"); /* no event twice */
    fprintf(stderr, "the kiosk emitted: [%s]\n", logged);

    /* What the script did, as the store has it. */
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE type='visit_started'"), 1);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE type='language' AND "
                                      "item='fr'"),
                     1);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE type='profile' AND "
                                      "word='pupil'"),
                     1);
    assert_int_equal(test_sql_int(db, "SELECT value FROM events WHERE type='perception' AND "
                                      "flag=0"),
                     2); /* "Je ne sais pas" */
    assert_int_equal(test_sql_int(db, "SELECT value FROM events WHERE type='perception' AND "
                                      "flag=1"),
                     4); /* #answer-4 */
    assert_int_equal(test_sql_int(db, "SELECT value FROM events WHERE type='satisfaction' AND "
                                      "detail='machines'"),
                     3); /* #face-3, "Voir les machines marcher" */
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE type='station_view' "
                                      "AND item='press'"),
                     2); /* the station, then back to it from the trade */
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE type='trade_view' AND "
                                      "item='boilermaker' AND ms >= 4000"),
                     1); /* advance 4000 on the trade */
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE type='visit_ended' AND "
                                      "word='finished'"),
                     1);
    /* And the organisers' CSV says the same of the visit. */
    snprintf(cmd, sizeof cmd,
             "%s stats export --store %s --format csv --out %s/csv >/dev/null && "
             "/usr/bin/python3 -c \"import csv;r=list(csv.DictReader(open('%s/csv/visits.csv',"
             "encoding='utf-8-sig'),delimiter=';'));v=r[0];print(len(r),v['language'],"
             "v['profile'],v['perception_before'],v['perception_after'],v['satisfaction'],"
             "v['satisfaction_reason'],v['stations_viewed'],v['end_reason'],v['group_type'])\"",
             bin, db, dir, dir);
    assert_int_equal(test_run(cmd, stored, sizeof stored), 0);
    assert_string_equal(stored, "1 fr pupil 2 4 3 machines 1 finished school\n");

    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM stops WHERE id='2026-11-arras' "
                                      "AND town='Arras' AND last_day='2026-11-18'"),
                     1);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM visit_groups WHERE type='school' "
                                      "AND headcount=24 AND name='Collège Test 3e B'"),
                     1);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM events WHERE kiosk != 'e2e-kiosk' "
                                      "OR stop_id != '2026-11-arras' OR group_id = ''"),
                     0);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM meta WHERE key='current_group' AND "
                                      "value != ''"),
                     1);

    /* A restart with the same configuration keeps the same group. */
    run_kiosk();
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM visit_groups"), 1);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE "
                                      "integrity_check='ok'"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scripted_visit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
