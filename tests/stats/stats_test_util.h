/*
 * stats_test_util.h - helpers shared by the tests of app/stats: a temporary
 * folder, a settable wall clock, a scripted stream of visit events, direct
 * SQL counts (the independent side every export is compared with), and
 * running a command to capture its output.
 */
#ifndef MF_STATS_TEST_UTIL_H
#define MF_STATS_TEST_UTIL_H

#include "stats_store.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A settable wall clock (ms since 1970). */
typedef struct {
    int64_t now;
} test_clock_t;

static inline int64_t test_clock(void *ctx)
{
    return ((test_clock_t *)ctx)->now;
}

static inline void test_tmpdir(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/minifab-stats-XXXXXX");
    if (!mkdtemp(dir))
        abort();
}

static inline void test_rmdir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

/* Runs CMD through the shell, stdout+stderr into OUT; returns the exit status. */
static inline int test_run(const char *cmd, char *out, size_t size)
{
    char full[4096];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (!p)
        return -1;
    size_t n = out ? fread(out, 1, size - 1, p) : 0;
    if (out)
        out[n] = '\0';
    else {
        char sink[4096];
        while (fread(sink, 1, sizeof sink, p) > 0) {
        }
    }
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* One integer from SQL on the file at PATH (read-only), or -1. */
static inline int64_t test_sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        fprintf(stderr, "SQL failed: %s: %s\n", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* The path of build/bin/minifab. */
static inline void test_minifab(char *out, size_t size)
{
    const char *b = getenv("MINIFAB_BIN_DIR");
    snprintf(out, size, "%s/minifab", b ? b : "build/bin");
}

/* A scripted visit of a known shape: STARTED, PROFILE, PERCEPTION before,
 * two STATION views, a TRADE view, a VIDEO, three QUIZ_ANSWERs (CORRECT of
 * them right), an ORDER and its OUTCOME, PERCEPTION after, SATISFACTION,
 * ENDED: 15 events. */
#define TEST_VISIT_EVENTS 15
static inline void test_visit(stats_store_t *s, test_clock_t *clk, uint64_t visit,
                              visit_profile_t profile, int before, int after, int satisfaction,
                              int correct)
{
    visit_event_t ev;
    int64_t at = clk->now;
#define EMIT(kind)                                                                                 \
    do {                                                                                           \
        ev.type = kind;                                                                            \
        ev.visit = visit;                                                                          \
        ev.at_ms = at;                                                                             \
        stats_store_record(s, &ev);                                                                \
        clk->now += 1000;                                                                          \
        at += 1000;                                                                                \
    } while (0)
    memset(&ev, 0, sizeof ev);
    EMIT(VISIT_EV_STARTED);
    memset(&ev, 0, sizeof ev);
    ev.u.profile.profile = profile;
    EMIT(VISIT_EV_PROFILE);
    memset(&ev, 0, sizeof ev);
    snprintf(ev.u.perception.question, VISIT_ID_MAX, "perception-industry");
    ev.u.perception.version = 1;
    ev.u.perception.value = before;
    EMIT(VISIT_EV_PERCEPTION);
    memset(&ev, 0, sizeof ev);
    snprintf(ev.u.view.id, VISIT_ID_MAX, "press");
    ev.u.view.dwell_ms = 20000;
    EMIT(VISIT_EV_STATION);
    memset(&ev, 0, sizeof ev);
    snprintf(ev.u.view.id, VISIT_ID_MAX, "laser");
    ev.u.view.dwell_ms = 10000;
    EMIT(VISIT_EV_STATION);
    memset(&ev, 0, sizeof ev);
    snprintf(ev.u.view.id, VISIT_ID_MAX, "welder");
    ev.u.view.dwell_ms = 5000;
    EMIT(VISIT_EV_TRADE);
    memset(&ev, 0, sizeof ev);
    snprintf(ev.u.video.trade, VISIT_ID_MAX, "welder");
    ev.u.video.watched_ms = 30000;
    ev.u.video.duration_ms = 60000;
    ev.u.video.share_permille = 500;
    ev.u.video.captions_on = true;
    EMIT(VISIT_EV_VIDEO);
    for (int q = 0; q < 3; q++) {
        memset(&ev, 0, sizeof ev);
        snprintf(ev.u.answer.station, VISIT_ID_MAX, "press");
        snprintf(ev.u.answer.question, VISIT_ID_MAX, "press-q%d", q + 1);
        ev.u.answer.version = 2;
        ev.u.answer.correct = q < correct;
        ev.u.answer.chosen_mask = 1u << q;
        ev.u.answer.time_ms = 4000;
        EMIT(VISIT_EV_QUIZ_ANSWER);
    }
    memset(&ev, 0, sizeof ev);
    snprintf(ev.u.order.colour, VISIT_ID_MAX, "red");
    ev.u.order.engraved = true;
    ev.u.order.order_no = (uint32_t)visit;
    EMIT(VISIT_EV_ORDER_PLACED);
    memset(&ev, 0, sizeof ev);
    ev.u.outcome.order_no = (uint32_t)visit;
    ev.u.outcome.outcome = VISIT_ORDER_DELIVERED;
    EMIT(VISIT_EV_ORDER_OUTCOME);
    memset(&ev, 0, sizeof ev);
    snprintf(ev.u.perception.question, VISIT_ID_MAX, "perception-industry");
    ev.u.perception.version = 1;
    ev.u.perception.after = true;
    ev.u.perception.value = after;
    EMIT(VISIT_EV_PERCEPTION);
    memset(&ev, 0, sizeof ev);
    snprintf(ev.u.satisfaction.question, VISIT_ID_MAX, "satisfaction-visit");
    ev.u.satisfaction.version = 1;
    ev.u.satisfaction.value = satisfaction;
    EMIT(VISIT_EV_SATISFACTION);
    memset(&ev, 0, sizeof ev);
    ev.u.end.reason = VISIT_END_FINISHED;
    EMIT(VISIT_EV_ENDED);
#undef EMIT
}

#endif
