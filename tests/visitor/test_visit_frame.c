/*
 * test_visit_frame.c - visitor.visit_frame: a whole visit's frame through the
 * real kiosk and minifab-sim's devices (tests/visitor/scripts/visit-frame.txt):
 * a ticket read by the simulated scanner at the attract screen, the opening in
 * three taps, a trade looked at, "I'm done", the survey, thanks with its QR
 * code. Then, as an organiser and a phone would: the QR code on the thanks
 * screenshot is decoded (zbarimg) into the trade's job sheet, and the
 * statistics store holds exactly what the visitor did, ticket included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char tmpdir[64];

static int run(const char *cmd, char *out, size_t size)
{
    char full[2048];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* The visit's events as "type|item|word+detail|value|flag|visit" lines, in
 * order, screen views left out. */
static void events_of(const char *db_path, char *out, size_t size)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "SELECT type, ifnull(item,''), ifnull(word,'') || ifnull(detail,''), "
                           "ifnull(value,''), ifnull(flag,''), visit FROM events "
                           "WHERE type NOT LIKE '%view' ORDER BY run, seq",
                           -1, &st, NULL),
        SQLITE_OK);
    size_t n = 0;
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW)
        n += (size_t)snprintf(
            out + n, size - n, "%s|%s|%s|%s|%s|v%d\n", (const char *)sqlite3_column_text(st, 0),
            (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
            (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4),
            sqlite3_column_int(st, 5));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_visit_frame(void **state)
{
    const char *b = getenv("MINIFAB_BIN_DIR");
    char cmd[1024], out[65536];
    snprintf(cmd, sizeof cmd,
             "'%s/minifab' run --sim --headless --size 1920x1080 --data-dir '%s/data' "
             "--script tests/visitor/scripts/visit-frame.txt --shots '%s/shots'",
             b ? b : "build/bin", tmpdir, tmpdir);
    int st = run(cmd, out, sizeof out);
    if (st != 0)
        fail_msg("%s exited %d:\n%s", cmd, st, out);

    /* the QR code leads to the job sheet of the trade looked at */
    yamldoc_errors_t e;
    yamldoc_errors_init(&e);
    content_pack_t *pack = content_load(MINIFAB_SOURCE_DIR "/content", &e);
    yamldoc_errors_deinit(&e);
    assert_non_null(pack);
    const char *link = content_trade_find(pack, "boilermaker")->link;
    /* (zbarimg's own chatter on stderr is not the answer) */
    snprintf(cmd, sizeof cmd, "{ zbarimg --raw -q '%s/shots/thanks.png' 2>/dev/null; }", tmpdir);
    char got[512];
    assert_int_equal(run(cmd, got, sizeof got), 0);
    got[strcspn(got, "\r\n")] = '\0';
    assert_string_equal(got, link);
    content_destroy(pack);

    /* the store holds what the visitor did: the ticket's code, the answers
     * by index, the reason by id; nothing typed, no name */
    char db[128], events[8192];
    snprintf(db, sizeof db, "%s/data/stats.db", tmpdir);
    events_of(db, events, sizeof events);
    const char *want = "visit_started|||||v1\n"
                       "ticket|T-0042||||v1\n"
                       "language|fr||||v1\n"
                       "profile||pupil|||v1\n"
                       "perception|perception-industry||2|0|v1\n"
                       "perception|perception-industry||4|1|v1\n"
                       "satisfaction|satisfaction-visit|machines|3||v1\n"
                       "visit_ended||finished|||v1\n";
    if (strcmp(events, want) != 0)
        fail_msg("events in the store:\n%s\nexpected:\n%s", events, want);
}

static int setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/minifab-visit-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_visit_frame, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
