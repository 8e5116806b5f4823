/*
 * summary_sql.c - the reference for stats.summary_equiv: the headline
 * figures as app/stats/stats_export.c computed them before its one pass,
 * 13 SQL queries over the events (each a full scan and a GROUP BY once the
 * (type, ts) index is gone). Kept verbatim, only renamed, so the one pass
 * can be compared with it field by field on any store; the plumbing (the
 * filter's SQL, preparing, errors) is the store's own, stats_read.h.
 */
#include "summary_sql.h"

#include "mf_error.h"
#include "stats_db.h"
#include "stats_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- The summary (the filter's SQL, statements and errors: stats_read.h). */

static void row_counts(void *ctx, sqlite3_stmt *st)
{
    stats_summary_t *sm = ctx;
    const char *type = (const char *)sqlite3_column_text(st, 0);
    int64_t n = sqlite3_column_int64(st, 1), first = sqlite3_column_int64(st, 2),
            last = sqlite3_column_int64(st, 3);
    if (sm->events == 0 || first < sm->first_ms)
        sm->first_ms = first;
    if (sm->events == 0 || last > sm->last_ms)
        sm->last_ms = last;
    sm->events += n;
    if (!type)
        return;
    if (!strcmp(type, "visit_started"))
        sm->visits = n;
    else if (!strcmp(type, "order_placed"))
        sm->orders = n;
    else if (!strcmp(type, "video_play"))
        sm->videos = n;
    else if (!strcmp(type, "quiz_answer"))
        sm->quiz_answers = n;
}

static void row_sums(void *ctx, sqlite3_stmt *st)
{
    stats_summary_t *sm = ctx;
    const char *type = (const char *)sqlite3_column_text(st, 0);
    if (!type)
        return;
    if (!strcmp(type, "order_placed"))
        sm->orders_engraved = sqlite3_column_int64(st, 1);
    else if (!strcmp(type, "video_play"))
        sm->videos_watched_ms = sqlite3_column_int64(st, 2);
    else if (!strcmp(type, "quiz_answer"))
        sm->quiz_correct = sqlite3_column_int64(st, 1);
}

static void row_tickets(void *ctx, sqlite3_stmt *st)
{
    ((stats_summary_t *)ctx)->tickets = sqlite3_column_int64(st, 0);
}

static void row_by_type(void *ctx, sqlite3_stmt *st)
{
    stats_summary_t *sm = ctx;
    stats_group_type_t t = STATS_GROUP_GENERAL_PUBLIC;
    if (stats_group_type_parse((const char *)sqlite3_column_text(st, 0), &t) != MF_OK)
        t = STATS_GROUP_OTHER;
    sm->visits_by_type[t] += sqlite3_column_int64(st, 1);
}

static void row_profile(void *ctx, sqlite3_stmt *st)
{
    stats_summary_t *sm = ctx;
    const char *w = (const char *)sqlite3_column_text(st, 0);
    for (int p = 0; p < VISIT_PROFILE_COUNT; p++)
        if (w && strcmp(w, visit_profile_name((visit_profile_t)p)) == 0)
            sm->profiles[p] += sqlite3_column_int64(st, 1);
}

static void row_outcome(void *ctx, sqlite3_stmt *st)
{
    stats_summary_t *sm = ctx;
    const char *w = (const char *)sqlite3_column_text(st, 0);
    for (int o = 0; o < VISIT_ORDER_OUTCOME_COUNT; o++)
        if (w && strcmp(w, visit_order_outcome_name((visit_order_outcome_t)o)) == 0)
            sm->outcomes[o] += sqlite3_column_int64(st, 1);
}

static void row_satisfaction(void *ctx, sqlite3_stmt *st)
{
    stats_summary_t *sm = ctx;
    int v = sqlite3_column_int(st, 0);
    if (v >= 0 && v < STATS_SCALE_MAX) {
        sm->satisfaction[v] += sqlite3_column_int64(st, 1);
        if (v + 1 > sm->satisfaction_scale)
            sm->satisfaction_scale = v + 1;
    }
    sm->satisfaction_answers += sqlite3_column_int64(st, 1);
}

static void row_perception(void *ctx, sqlite3_stmt *st)
{
    stats_summary_t *sm = ctx;
    int v = sqlite3_column_int(st, 0);
    bool after = sqlite3_column_int(st, 1) != 0;
    if (v >= 0 && v < STATS_SCALE_MAX) {
        (after ? sm->perception_after : sm->perception_before)[v] += sqlite3_column_int64(st, 2);
        if (v + 1 > sm->perception_scale)
            sm->perception_scale = v + 1;
    }
}

static void row_pairs(void *ctx, sqlite3_stmt *st)
{
    stats_summary_t *sm = ctx;
    sm->perception_pairs = sqlite3_column_int64(st, 0);
    sm->perception_improved = sqlite3_column_int64(st, 1);
    sm->perception_same = sqlite3_column_int64(st, 2);
    sm->perception_worse = sqlite3_column_int64(st, 3);
    sm->perception_shift = sm->perception_pairs
                               ? (double)sqlite3_column_int64(st, 4) / (double)sm->perception_pairs
                               : 0.0;
}

static void row_station(void *ctx, sqlite3_stmt *st)
{
    stats_summary_t *sm = ctx;
    if (sm->station_count >= STATS_TOP_MAX)
        return;
    stats_item_figure_t *it = &sm->stations[sm->station_count++];
    stats_read_copy_col(it->id, sizeof it->id, st, 0);
    it->views = sqlite3_column_int64(st, 1);
    it->dwell_ms = sqlite3_column_int64(st, 2);
}

static void row_trade(void *ctx, sqlite3_stmt *st)
{
    stats_summary_t *sm = ctx;
    if (sm->trade_count >= STATS_TOP_MAX)
        return;
    stats_item_figure_t *it = &sm->trades[sm->trade_count++];
    stats_read_copy_col(it->id, sizeof it->id, st, 0);
    it->views = sqlite3_column_int64(st, 1);
    it->dwell_ms = sqlite3_column_int64(st, 2);
    it->videos = sqlite3_column_int64(st, 3);
    it->watched_ms = sqlite3_column_int64(st, 4);
}

/* Quiz questions, counted in a hash table: a year holds ~200,000 answers to
 * a few hundred questions, which SQLite's GROUP BY would sort. */
#define QUESTIONS_MAX 4096

typedef struct {
    stats_question_figure_t q[QUESTIONS_MAX];
    uint32_t used;
    bool full;
    /* Where station, item, version, flag and ms are in the statement read;
     * NULL: columns 0 to 4. */
    const int *col;
} questions_t;

static uint32_t hash_str(uint32_t h, const char *s)
{
    while (s && *s)
        h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

static void row_question(void *ctx, sqlite3_stmt *st)
{
    questions_t *qs = ctx;
    static const int own[5] = {0, 1, 2, 3, 4};
    const int *c = qs->col ? qs->col : own;
    const char *station = (const char *)sqlite3_column_text(st, c[0]);
    const char *item = (const char *)sqlite3_column_text(st, c[1]);
    int version = sqlite3_column_int(st, c[2]);
    uint32_t h = hash_str(hash_str(2166136261u, station), item) ^ (uint32_t)version;
    for (uint32_t k = 0; k < QUESTIONS_MAX; k++) {
        stats_question_figure_t *q = &qs->q[(h + k) % QUESTIONS_MAX];
        if (q->answered == 0) {
            if (qs->used + 1 >= QUESTIONS_MAX) {
                qs->full = true;
                return;
            }
            qs->used++;
            snprintf(q->station, sizeof q->station, "%s", station ? station : "");
            snprintf(q->question, sizeof q->question, "%s", item ? item : "");
            q->version = version;
        } else if (q->version != version || strcmp(q->station, station ? station : "") ||
                   strcmp(q->question, item ? item : "")) {
            continue;
        }
        q->answered++;
        q->correct += sqlite3_column_int(st, c[3]) != 0;
        q->time_ms += sqlite3_column_int64(st, c[4]);
        return;
    }
}

/* The most missed first; then the most often missed; then by name. */
static int cmp_missed(const void *a, const void *b)
{
    const stats_question_figure_t *x = a, *y = b;
    int64_t mx = x->answered - x->correct, my = y->answered - y->correct;
    if (mx != my)
        return mx > my ? -1 : 1;
    double rx = x->answered ? (double)mx / (double)x->answered : 0;
    double ry = y->answered ? (double)my / (double)y->answered : 0;
    if (rx != ry)
        return rx > ry ? -1 : 1;
    int c = strcmp(x->station, y->station);
    return c ? c : strcmp(x->question, y->question);
}

static int missed_questions(sqlite3 *db, const stats_filter_t *f, stats_summary_t *sm,
                            stats_error_t *err)
{
    questions_t *qs = calloc(1, sizeof *qs);
    if (!qs)
        return stats_error_set(err, MF_ENOMEM, "out of memory");
    int rc = stats_read_each_row(db,
                                 "SELECT station, item, version, flag, ms FROM events"
                                 " WHERE type='quiz_answer' AND " F_EV,
                                 f, row_question, qs, err);
    size_t n = 0;
    for (uint32_t i = 0; i < QUESTIONS_MAX; i++)
        if (qs->q[i].answered > qs->q[i].correct)
            qs->q[n++] = qs->q[i];
    qsort(qs->q, n, sizeof qs->q[0], cmp_missed);
    sm->missed_count = n < STATS_MISSED_MAX ? n : STATS_MISSED_MAX;
    memcpy(sm->missed, qs->q, sm->missed_count * sizeof qs->q[0]);
    free(qs);
    return rc;
}

static void row_day(void *ctx, sqlite3_stmt *st)
{
    stats_summary_t *sm = ctx;
    char day[11];
    stats_read_copy_col(day, sizeof day, st, 0);
    if (sm->day_count == 0 || strcmp(sm->days[sm->day_count - 1].day, day) != 0) {
        if (sm->day_count >= STATS_DAYS_MAX)
            return;
        memset(&sm->days[sm->day_count], 0, sizeof sm->days[0]);
        memcpy(sm->days[sm->day_count].day, day, sizeof day);
        sm->day_count++;
    }
    stats_group_type_t t = STATS_GROUP_GENERAL_PUBLIC;
    if (stats_group_type_parse((const char *)sqlite3_column_text(st, 1), &t) != MF_OK)
        t = STATS_GROUP_OTHER;
    sm->days[sm->day_count - 1].visits[t] += sqlite3_column_int64(st, 2);
}

static void row_stop(void *ctx, sqlite3_stmt *st)
{
    stats_summary_t *sm = ctx;
    sm->stops_seen++;
    if (sm->stops_seen == 1) {
        stats_read_copy_col(sm->stop.id, sizeof sm->stop.id, st, 0);
        stats_read_copy_col(sm->stop.town, sizeof sm->stop.town, st, 1);
        stats_read_copy_col(sm->stop.venue, sizeof sm->stop.venue, st, 2);
        stats_read_copy_col(sm->stop.first_day, sizeof sm->stop.first_day, st, 3);
        stats_read_copy_col(sm->stop.last_day, sizeof sm->stop.last_day, st, 4);
    } else {
        memset(&sm->stop, 0, sizeof sm->stop);
    }
}

/* Groups' types: an event without a group (or with one purged) is general public. */
#define GROUP_TYPE_OF(col)                                                                         \
    "coalesce((SELECT type FROM visit_groups g WHERE g.id = " col "), 'general_public')"

static int summary_db(sqlite3 *db, const stats_filter_t *f, stats_summary_t *sm, stats_error_t *err)
{
    memset(sm, 0, sizeof *sm);
    struct {
        const char *sql;
        stats_read_row_fn row;
    } q[] = {
        {"SELECT type, count(*), min(ts), max(ts) FROM events WHERE " F_EV " GROUP BY type",
         row_counts},
        {"SELECT type, coalesce(sum(flag), 0), CAST(total(ms) AS INTEGER) FROM events"
         " WHERE type IN ('order_placed', 'video_play', 'quiz_answer') AND " F_EV " GROUP BY type",
         row_sums},
        {"SELECT count(DISTINCT item) FROM events WHERE type='ticket' AND " F_EV, row_tickets},
        {"SELECT " GROUP_TYPE_OF("e.group_id") ", count(*) FROM events e"
                                               " WHERE type='visit_started' AND " F_EV
                                               " GROUP BY e.group_id",
         row_by_type},
        {"SELECT word, count(*) FROM events WHERE type='profile' AND " F_EV " GROUP BY word",
         row_profile},
        {"SELECT word, count(*) FROM events WHERE type='order_outcome' AND " F_EV " GROUP BY word",
         row_outcome},
        {"SELECT value, count(*) FROM events WHERE type='satisfaction' AND " F_EV " GROUP BY value",
         row_satisfaction},
        {"SELECT value, flag, count(*) FROM events WHERE type='perception' AND " F_EV
         " GROUP BY value, flag",
         row_perception},
        {"WITH b AS (SELECT run, visit, max(value) v FROM events WHERE type='perception' AND"
         " flag=0 AND visit>0 AND " F_EV " GROUP BY run, visit),"
         " a AS (SELECT run, visit, max(value) v FROM events WHERE type='perception' AND"
         " flag=1 AND visit>0 AND " F_EV " GROUP BY run, visit)"
         " SELECT count(*), coalesce(sum(a.v > b.v), 0), coalesce(sum(a.v = b.v), 0),"
         " coalesce(sum(a.v < b.v), 0), coalesce(sum(a.v - b.v), 0)"
         " FROM b JOIN a USING (run, visit)",
         row_pairs},
        {"SELECT item, count(*), CAST(total(ms) AS INTEGER) FROM events WHERE type='station_view' "
         "AND " F_EV " GROUP BY item ORDER BY 2 DESC, 1 LIMIT 64",
         row_station},
        {"SELECT item, sum(type='trade_view') v,"
         " CAST(total(CASE WHEN type='trade_view' THEN ms END) AS INTEGER),"
         " sum(type='video_play') n, CAST(total(CASE WHEN type='video_play' THEN ms END) AS "
         "INTEGER)"
         " FROM events WHERE type IN ('trade_view', 'video_play') AND " F_EV
         " GROUP BY item ORDER BY v + n DESC, 1 LIMIT 64",
         row_trade},

        {"SELECT date(ts / 1000, 'unixepoch', 'localtime') d, " GROUP_TYPE_OF(
             "e.group_id") " t, count(*) FROM events e WHERE type='visit_started' AND " F_EV
                           " GROUP BY d, e.group_id ORDER BY d",
         row_day},
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        int rc = stats_read_each_row(db, q[i].sql, f, q[i].row, sm, err);
        if (rc != MF_OK)
            return rc;
    }
    int mrc = missed_questions(db, f, sm, err);
    if (mrc != MF_OK)
        return mrc;
    /* The survey's scales: the content's four faces and five options at least. */
    if (sm->satisfaction_scale < 4)
        sm->satisfaction_scale = 4;
    if (sm->perception_scale < 5)
        sm->perception_scale = 5;
    for (int v = 0; v < STATS_SCALE_MAX; v++)
        if (2 * v >= sm->satisfaction_scale)
            sm->satisfied += sm->satisfaction[v];
    const char *stop_sql =
        f->stop_id[0] ? "SELECT id, town, venue, first_day, last_day FROM stops WHERE id = ?3"
                      : "SELECT s.id, s.town, s.venue, s.first_day, s.last_day FROM stops s"
                        " WHERE s.id IN (SELECT DISTINCT stop_id FROM events"
                        " WHERE type='visit_started' AND " F_EV ")";
    int rc = stats_read_each_row(db, stop_sql, f, row_stop, sm, err);
    if (rc == MF_OK && f->stop_id[0] && !sm->stops_seen)
        snprintf(sm->stop.id, sizeof sm->stop.id, "%s", f->stop_id);
    return rc;
}

int summary_sql(const char *path, const stats_filter_t *f, stats_summary_t *out, stats_error_t *err)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_close(db);
        return stats_error_set(err, stats_db_error(rc), "opening %s", path);
    }
    rc = summary_db(db, f, out, err);
    sqlite3_close(db);
    return rc;
}
