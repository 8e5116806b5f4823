/*
 * stats_summary.c - the headline figures (stats_summary(), declared in
 * stats_export.h) from one pass over the events, and their printing. The
 * tables and the exports are stats_export.c; what both passes count with is
 * stats_agg.c; the filter's SQL is stats_read.c.
 */
#include "stats_export.h"

#include "mf_error.h"
#include "stats_agg.h"
#include "stats_db.h"
#include "stats_read.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The headline figures come from ONE scan of the events under the filter,
 * dispatched on the type in C: without the (type, ts) index (schema 5 drops
 * it so that recording is fast) each of the 13 SQL queries this replaced was
 * a full scan, most with a GROUP BY sort. Every figure keeps the exact
 * meaning of its query, NULLs included: tests/stats/summary_sql.c keeps the
 * queries and stats.summary_equiv compares every field on many stores. */

/* The most missed first; then the most often missed; then by name and version. */
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
    if (!c)
        c = strcmp(x->question, y->question);
    return c ? c : (x->version > y->version) - (x->version < y->version);
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

/* Stations: the most viewed first (v[0]), then by id; trades: by views plus
 * videos (v[0] + v[2]); ids are keyed with a first byte 0 for NULL, 1 for a
 * text, so NULL comes first as in SQL's ORDER BY. */
static int cmp_station(const void *a, const void *b)
{
    const stats_agg_entry_t *x = a, *y = b;
    if (x->v[0] != y->v[0])
        return x->v[0] > y->v[0] ? -1 : 1;
    return stats_agg_key_cmp(x, y);
}

static int cmp_trade(const void *a, const void *b)
{
    const stats_agg_entry_t *x = a, *y = b;
    int64_t nx = x->v[0] + x->v[2], ny = y->v[0] + y->v[2];
    if (nx != ny)
        return nx > ny ? -1 : 1;
    return stats_agg_key_cmp(x, y);
}

static int cmp_key(const void *a, const void *b)
{
    return stats_agg_key_cmp(a, b);
}

/* Columns of the pass's statement. */
enum {
    P_TYPE,
    P_TS,
    P_RUN,
    P_VISIT,
    P_ITEM,
    P_STATION,
    P_WORD,
    P_VALUE,
    P_VERSION,
    P_FLAG,
    P_MS,
    P_GROUP,
    P_STOP
};

typedef struct {
    stats_summary_t *sm;
    sqlite3 *db;
    sqlite3_stmt *day_st; /* SQLite's own local day, for a clock outside 1971-2037 */
    struct {
        const char *name;
        size_t len;
    } types[VISIT_EV_COUNT];
    stats_agg_map_t groups;   /* visit_groups: id -> v[0] its type */
    stats_agg_map_t stations; /* v[0] views, v[1] ms */
    stats_agg_map_t trades;   /* v[0] views, v[1] ms, v[2] videos, v[3] ms watched */
    stats_agg_map_t
        questions; /* station NUL question NUL version: v[0] answered, v[1] right, v[2] ms */
    stats_agg_map_t tickets;
    stats_agg_map_t
        visits;            /* (run, visit): v[0..2] before: seen, has a value, max; v[3..5] after */
    stats_agg_map_t slots; /* stats_agg_day_slot() -> v[group type] visits */
    stats_agg_map_t days;  /* local day -> v[group type] visits, from the slots */
    stats_agg_map_t stops; /* stop ids of visits */
    stats_agg_key_t key;
} summary_pass_t;

/* The entry of column COL's value in M, keyed as the stations and trades
 * are (NULL apart from every text). */
static stats_agg_entry_t *pass_item(summary_pass_t *p, stats_agg_map_t *m, sqlite3_stmt *st,
                                    int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
    char tag = t != NULL;
    p->key.n = 0;
    stats_agg_key_put(&p->key, &tag, 1);
    stats_agg_key_put(&p->key, t, n);
    return p->key.oom ? NULL : stats_agg_map_get(m, p->key.b, p->key.n);
}

static visit_event_type_t pass_type(const summary_pass_t *p, sqlite3_stmt *st)
{
    const char *t = (const char *)sqlite3_column_text(st, P_TYPE);
    size_t n = (size_t)sqlite3_column_bytes(st, P_TYPE);
    for (int i = 1; t && i < VISIT_EV_COUNT; i++)
        if (p->types[i].len == n && memcmp(p->types[i].name, t, n) == 0)
            return (visit_event_type_t)i;
    return VISIT_EV_COUNT;
}

/* The type of the visit's group: its row in visit_groups; none (or purged) =
 * general public; a word no version knows = other (as GROUP_TYPE_OF). */
static stats_group_type_t pass_group_type(const summary_pass_t *p, sqlite3_stmt *st)
{
    const unsigned char *g = sqlite3_column_text(st, P_GROUP);
    if (!g)
        return STATS_GROUP_GENERAL_PUBLIC;
    size_t n = (size_t)sqlite3_column_bytes(st, P_GROUP);
    const stats_agg_entry_t *e = stats_agg_map_find(&p->groups, g, n, stats_agg_hash(g, n));
    return e ? (stats_group_type_t)e->v[0] : STATS_GROUP_GENERAL_PUBLIC;
}

static int pass_started(summary_pass_t *p, sqlite3_stmt *st)
{
    stats_summary_t *sm = p->sm;
    sm->visits++;
    stats_group_type_t t = pass_group_type(p, st);
    sm->visits_by_type[t]++;
    int64_t slot = stats_agg_day_slot(sqlite3_column_int64(st, P_TS));
    stats_agg_entry_t *e = stats_agg_map_get(&p->slots, &slot, sizeof slot);
    if (!e)
        return MF_ENOMEM;
    e->v[t]++;
    const unsigned char *stop = sqlite3_column_text(st, P_STOP);
    if (stop && !stats_agg_map_get(&p->stops, stop, (size_t)sqlite3_column_bytes(st, P_STOP)))
        return MF_ENOMEM;
    return MF_OK;
}

/* A perception answer: its option counted before or after; and, for a
 * visit's pair, the highest value of each side (flag exactly 0 or 1, visit
 * > 0, the visit keyed by its run and number, as the SQL's GROUP BY). */
static int pass_perception(summary_pass_t *p, sqlite3_stmt *st)
{
    stats_summary_t *sm = p->sm;
    int v = sqlite3_column_int(st, P_VALUE);
    bool after = sqlite3_column_int(st, P_FLAG) != 0;
    if (v >= 0 && v < STATS_SCALE_MAX) {
        (after ? sm->perception_after : sm->perception_before)[v]++;
        if (v + 1 > sm->perception_scale)
            sm->perception_scale = v + 1;
    }
    int64_t flag = sqlite3_column_int64(st, P_FLAG);
    if (sqlite3_column_type(st, P_FLAG) != SQLITE_INTEGER || (flag != 0 && flag != 1) ||
        sqlite3_column_int64(st, P_VISIT) <= 0)
        return MF_OK;
    int64_t key[2] = {sqlite3_column_int64(st, P_RUN), sqlite3_column_int64(st, P_VISIT)};
    stats_agg_entry_t *e = stats_agg_map_get(&p->visits, key, sizeof key);
    if (!e)
        return MF_ENOMEM;
    int64_t *side = &e->v[flag * 3];
    side[0] = 1;
    if (sqlite3_column_type(st, P_VALUE) != SQLITE_NULL) {
        int64_t value = sqlite3_column_int64(st, P_VALUE);
        if (!side[1] || value > side[2])
            side[2] = value;
        side[1] = 1;
    }
    return MF_OK;
}

/* A quiz answer, counted per (station, question, version) as row_question()
 * does. */
static int pass_answer(summary_pass_t *p, sqlite3_stmt *st)
{
    return stats_agg_question_count(
        &p->questions, &p->key, (const char *)sqlite3_column_text(st, P_STATION),
        (const char *)sqlite3_column_text(st, P_ITEM), sqlite3_column_int(st, P_VERSION),
        sqlite3_column_int(st, P_FLAG) != 0, sqlite3_column_int64(st, P_MS));
}

static bool same_word(sqlite3_stmt *st, const char *name)
{
    const char *w = (const char *)sqlite3_column_text(st, P_WORD);
    return w && strcmp(w, name) == 0;
}

/* One event into the figures. */
static int pass_row(summary_pass_t *p, sqlite3_stmt *st)
{
    stats_summary_t *sm = p->sm;
    int64_t ts = sqlite3_column_int64(st, P_TS);
    if (sm->events == 0 || ts < sm->first_ms)
        sm->first_ms = ts;
    if (sm->events == 0 || ts > sm->last_ms)
        sm->last_ms = ts;
    sm->events++;
    stats_agg_entry_t *e;
    switch (pass_type(p, st)) {
    case VISIT_EV_STARTED:
        return pass_started(p, st);
    case VISIT_EV_ORDER_PLACED:
        sm->orders++;
        sm->orders_engraved += sqlite3_column_int64(st, P_FLAG);
        return MF_OK;
    case VISIT_EV_VIDEO:
        sm->videos++;
        sm->videos_watched_ms += sqlite3_column_int64(st, P_MS);
        if (!(e = pass_item(p, &p->trades, st, P_ITEM)))
            return MF_ENOMEM;
        e->v[2]++;
        e->v[3] += sqlite3_column_int64(st, P_MS);
        return MF_OK;
    case VISIT_EV_TRADE:
        if (!(e = pass_item(p, &p->trades, st, P_ITEM)))
            return MF_ENOMEM;
        e->v[0]++;
        e->v[1] += sqlite3_column_int64(st, P_MS);
        return MF_OK;
    case VISIT_EV_STATION:
        if (!(e = pass_item(p, &p->stations, st, P_ITEM)))
            return MF_ENOMEM;
        e->v[0]++;
        e->v[1] += sqlite3_column_int64(st, P_MS);
        return MF_OK;
    case VISIT_EV_QUIZ_ANSWER:
        sm->quiz_answers++;
        sm->quiz_correct += sqlite3_column_int64(st, P_FLAG);
        return pass_answer(p, st);
    case VISIT_EV_TICKET: {
        const unsigned char *t = sqlite3_column_text(st, P_ITEM);
        if (t && !stats_agg_map_get(&p->tickets, t, (size_t)sqlite3_column_bytes(st, P_ITEM)))
            return MF_ENOMEM;
        return MF_OK;
    }
    case VISIT_EV_PROFILE:
        for (int i = 0; i < VISIT_PROFILE_COUNT; i++)
            if (same_word(st, visit_profile_name((visit_profile_t)i)))
                sm->profiles[i]++;
        return MF_OK;
    case VISIT_EV_ORDER_OUTCOME:
        for (int i = 0; i < VISIT_ORDER_OUTCOME_COUNT; i++)
            if (same_word(st, visit_order_outcome_name((visit_order_outcome_t)i)))
                sm->outcomes[i]++;
        return MF_OK;
    case VISIT_EV_SATISFACTION: {
        int v = sqlite3_column_int(st, P_VALUE);
        if (v >= 0 && v < STATS_SCALE_MAX) {
            sm->satisfaction[v]++;
            if (v + 1 > sm->satisfaction_scale)
                sm->satisfaction_scale = v + 1;
        }
        sm->satisfaction_answers++;
        return MF_OK;
    }
    case VISIT_EV_PERCEPTION:
        return pass_perception(p, st);
    default:
        return MF_OK;
    }
}

/* visit_groups into P->groups, once per summary. */
static int pass_groups(summary_pass_t *p, stats_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = stats_read_prepare(p->db, "SELECT id, type FROM visit_groups WHERE id IS NOT NULL",
                                NULL, &st, err);
    if (rc != MF_OK)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        stats_group_type_t t = STATS_GROUP_GENERAL_PUBLIC;
        if (stats_group_type_parse((const char *)sqlite3_column_text(st, 1), &t) != MF_OK)
            t = STATS_GROUP_OTHER;
        const unsigned char *id = sqlite3_column_text(st, 0);
        stats_agg_entry_t *e =
            stats_agg_map_get(&p->groups, id, (size_t)sqlite3_column_bytes(st, 0));
        if (!e) {
            sqlite3_finalize(st);
            return stats_error_set(err, MF_ENOMEM, "out of memory");
        }
        e->v[0] = t;
    }
    rc = rc == SQLITE_DONE ? MF_OK : stats_read_step_error(p->db, rc, err);
    sqlite3_finalize(st);
    return rc;
}

/* The figures of the maps, once the pass is over. */
static int pass_finish(summary_pass_t *p, stats_error_t *err)
{
    stats_summary_t *sm = p->sm;
    sm->tickets = (int64_t)p->tickets.n;
    int64_t shift = 0;
    for (size_t i = 0; i < p->visits.n; i++) {
        const int64_t *v = p->visits.e[i].v;
        if (!v[0] || !v[3])
            continue;
        sm->perception_pairs++;
        if (!v[1] || !v[4]) /* a side without a value: counted, never compared */
            continue;
        sm->perception_improved += v[5] > v[2];
        sm->perception_same += v[5] == v[2];
        sm->perception_worse += v[5] < v[2];
        shift += v[5] - v[2];
    }
    sm->perception_shift =
        sm->perception_pairs ? (double)shift / (double)sm->perception_pairs : 0.0;

    stats_agg_map_sort(&p->stations, cmp_station);
    for (size_t i = 0; i < p->stations.n && sm->station_count < STATS_TOP_MAX; i++) {
        const stats_agg_entry_t *e = &p->stations.e[i];
        stats_item_figure_t *it = &sm->stations[sm->station_count++];
        snprintf(it->id, sizeof it->id, "%.*s", (int)(e->len - 1), e->k + 1);
        it->views = e->v[0];
        it->dwell_ms = e->v[1];
    }
    stats_agg_map_sort(&p->trades, cmp_trade);
    for (size_t i = 0; i < p->trades.n && sm->trade_count < STATS_TOP_MAX; i++) {
        const stats_agg_entry_t *e = &p->trades.e[i];
        stats_item_figure_t *it = &sm->trades[sm->trade_count++];
        snprintf(it->id, sizeof it->id, "%.*s", (int)(e->len - 1), e->k + 1);
        it->views = e->v[0];
        it->dwell_ms = e->v[1];
        it->videos = e->v[2];
        it->watched_ms = e->v[3];
    }
    for (size_t i = 0; i < p->slots.n; i++) {
        const stats_agg_entry_t *s = &p->slots.e[i];
        int64_t slot;
        memcpy(&slot, p->slots.keys + s->key, sizeof slot);
        char day[11];
        if (stats_agg_slot_day(p->db, &p->day_st, slot, day) != MF_OK)
            return stats_error_set(err, MF_EDB, "cannot tell the local day: %s",
                                   sqlite3_errmsg(p->db));
        stats_agg_entry_t *e = stats_agg_map_get(&p->days, day, strlen(day));
        if (!e)
            return stats_error_set(err, MF_ENOMEM, "out of memory");
        for (int t = 0; t < STATS_GROUP_TYPE_COUNT; t++)
            e->v[t] += s->v[t];
    }
    stats_agg_map_sort(&p->days, cmp_key);
    for (size_t i = 0; i < p->days.n && sm->day_count < STATS_DAYS_MAX; i++) {
        const stats_agg_entry_t *e = &p->days.e[i];
        stats_day_figure_t *d = &sm->days[sm->day_count++];
        snprintf(d->day, sizeof d->day, "%.*s", (int)e->len, e->k);
        for (int t = 0; t < STATS_GROUP_TYPE_COUNT; t++)
            d->visits[t] = e->v[t];
    }

    /* The questions missed at least once, the most missed first. */
    stats_question_figure_t *q = calloc(p->questions.n + 1, sizeof *q);
    if (!q)
        return stats_error_set(err, MF_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < p->questions.n; i++) {
        const stats_agg_entry_t *e = &p->questions.e[i];
        if (e->v[0] <= e->v[1])
            continue;
        const char *station, *item;
        stats_agg_question_of(&p->questions, e, &station, &item, &q[n].version);
        snprintf(q[n].station, sizeof q[n].station, "%s", station);
        snprintf(q[n].question, sizeof q[n].question, "%s", item);
        q[n].answered = e->v[0];
        q[n].correct = e->v[1];
        q[n].time_ms = e->v[2];
        n++;
    }
    qsort(q, n, sizeof q[0], cmp_missed);
    sm->missed_count = n < STATS_MISSED_MAX ? n : STATS_MISSED_MAX;
    memcpy(sm->missed, q, sm->missed_count * sizeof q[0]);
    free(q);
    return MF_OK;
}

/* The stop: the filter's, else the one stop the visits were at (several:
 * none shown), from the small stops table. */
static int pass_stop(summary_pass_t *p, const stats_filter_t *f, stats_error_t *err)
{
    stats_summary_t *sm = p->sm;
    if (f->stop_id[0]) {
        int rc = stats_read_each_row(
            p->db, "SELECT id, town, venue, first_day, last_day FROM stops WHERE id = ?3", f,
            row_stop, sm, err);
        if (rc == MF_OK && !sm->stops_seen)
            snprintf(sm->stop.id, sizeof sm->stop.id, "%s", f->stop_id);
        return rc;
    }
    if (!p->stops.n)
        return MF_OK;
    sqlite3_stmt *st = NULL;
    int rc = stats_read_prepare(p->db, "SELECT id, town, venue, first_day, last_day FROM stops",
                                NULL, &st, err);
    if (rc != MF_OK)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *id = sqlite3_column_text(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        if (id && stats_agg_map_find(&p->stops, id, n, stats_agg_hash(id, n)))
            row_stop(sm, st);
    }
    rc = rc == SQLITE_DONE ? MF_OK : stats_read_step_error(p->db, rc, err);
    sqlite3_finalize(st);
    return rc;
}

int stats_summary_db(sqlite3 *db, const stats_filter_t *f, stats_summary_t *sm, stats_error_t *err)
{
    memset(sm, 0, sizeof *sm);
    summary_pass_t p = {.sm = sm, .db = db};
    for (int i = 1; i < VISIT_EV_COUNT; i++) {
        p.types[i].name = visit_event_name((visit_event_type_t)i);
        p.types[i].len = strlen(p.types[i].name);
    }
    sqlite3_stmt *st = NULL;
    int rc = pass_groups(&p, err);
    if (rc == MF_OK)
        rc = stats_read_prepare(
            db,
            "SELECT type, ts, run, visit, item, station, word, value, version, flag, ms,"
            " group_id, stop_id FROM events WHERE " F_EV,
            f, &st, err);
    if (rc == MF_OK) {
        int step = SQLITE_DONE;
        while (rc == MF_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
            rc = pass_row(&p, st);
        if (rc == MF_ENOMEM)
            stats_error_set(err, rc, "out of memory");
        else if (rc != MF_OK)
            rc = stats_read_step_error(db, sqlite3_errcode(db), err);
        else if (step != SQLITE_DONE)
            rc = stats_read_step_error(db, step, err);
    }
    sqlite3_finalize(st);
    if (rc == MF_OK)
        rc = pass_finish(&p, err);
    sqlite3_finalize(p.day_st);
    if (rc == MF_OK)
        rc = pass_stop(&p, f, err);
    stats_agg_map_t *maps[] = {&p.groups, &p.stations, &p.trades, &p.questions, &p.tickets,
                               &p.visits, &p.slots,    &p.days,   &p.stops};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        stats_agg_map_free(maps[i]);
    free(p.key.b);
    if (rc != MF_OK)
        return rc;
    /* The survey's scales: the content's four faces and five options at least. */
    if (sm->satisfaction_scale < 4)
        sm->satisfaction_scale = 4;
    if (sm->perception_scale < 5)
        sm->perception_scale = 5;
    for (int v = 0; v < STATS_SCALE_MAX; v++)
        if (2 * v >= sm->satisfaction_scale)
            sm->satisfied += sm->satisfaction[v];
    return MF_OK;
}

int stats_summary(const char *path, const stats_filter_t *f, stats_summary_t *out,
                  stats_error_t *err)
{
    sqlite3 *db = NULL;
    int rc = stats_read_open(path, &db, err);
    if (rc == MF_OK)
        rc = stats_summary_db(db, f, out, err);
    sqlite3_close(db);
    return rc;
}

void stats_summary_print(const stats_summary_t *sm, FILE *out)
{
    char a[32], b[32];
    if (sm->stop.id[0])
        fprintf(out, "Stop %s: %s, %s (%s to %s)\n", sm->stop.id, sm->stop.town, sm->stop.venue,
                sm->stop.first_day, sm->stop.last_day);
    if (sm->events == 0) {
        fprintf(out, "No events in this selection.\n");
        return;
    }
    stats_read_fmt_time(sm->first_ms, a, sizeof a);
    stats_read_fmt_time(sm->last_ms, b, sizeof b);
    fprintf(out, "Events %" PRId64 " from %s to %s\n\n", sm->events, a, b);
    fprintf(out, "Visitors (visits): %" PRId64 "\n", sm->visits);
    for (int t = 0; t < STATS_GROUP_TYPE_COUNT; t++)
        if (sm->visits_by_type[t])
            fprintf(out, "  %-16s %8" PRId64 "\n", stats_group_type_name((stats_group_type_t)t),
                    sm->visits_by_type[t]);
    fprintf(out, "By day:\n");
    for (size_t d = 0; d < sm->day_count; d++) {
        int64_t total = 0;
        fprintf(out, "  %s", sm->days[d].day);
        for (int t = 0; t < STATS_GROUP_TYPE_COUNT; t++)
            total += sm->days[d].visits[t];
        fprintf(out, " %6" PRId64 "  (", total);
        bool first = true;
        for (int t = 0; t < STATS_GROUP_TYPE_COUNT; t++) {
            if (!sm->days[d].visits[t])
                continue;
            fprintf(out, "%s%s %" PRId64, first ? "" : ", ",
                    stats_group_type_name((stats_group_type_t)t), sm->days[d].visits[t]);
            first = false;
        }
        fprintf(out, ")\n");
    }
    fprintf(out, "Profiles:");
    for (int p = 0; p < VISIT_PROFILE_COUNT; p++)
        fprintf(out, " %s %" PRId64, visit_profile_name((visit_profile_t)p), sm->profiles[p]);
    fprintf(out, "\n\nSatisfaction: %" PRId64 " answers, %.1f %% satisfied\n",
            sm->satisfaction_answers, stats_read_pct(sm->satisfied, sm->satisfaction_answers));
    for (int v = 0; v < sm->satisfaction_scale; v++)
        fprintf(out, "  face %d  %8" PRId64 "  %5.1f %%\n", v, sm->satisfaction[v],
                stats_read_pct(sm->satisfaction[v], sm->satisfaction_answers));
    fprintf(out, "Perception of industry (option: before / after):\n");
    for (int v = 0; v < sm->perception_scale; v++)
        fprintf(out, "  option %d  %8" PRId64 " / %-8" PRId64 "\n", v, sm->perception_before[v],
                sm->perception_after[v]);
    fprintf(out,
            "  shift over %" PRId64 " visits that answered twice: %+.2f (improved %" PRId64
            ", same %" PRId64 ", worse %" PRId64 ")\n\n",
            sm->perception_pairs, sm->perception_shift, sm->perception_improved,
            sm->perception_same, sm->perception_worse);
    fprintf(out, "Orders: %" PRId64 " (%" PRId64 " engraved):", sm->orders, sm->orders_engraved);
    for (int o = 0; o < VISIT_ORDER_OUTCOME_COUNT; o++)
        fprintf(out, " %s %" PRId64, visit_order_outcome_name((visit_order_outcome_t)o),
                sm->outcomes[o]);
    fprintf(out, "\nVideos watched: %" PRId64 " (%.1f hours)\n", sm->videos,
            (double)sm->videos_watched_ms / 3.6e6);
    fprintf(out, "Quiz: %" PRId64 " answers, %" PRId64 " right (%.1f %%)\n", sm->quiz_answers,
            sm->quiz_correct, stats_read_pct(sm->quiz_correct, sm->quiz_answers));
    if (sm->tickets)
        fprintf(out, "Tickets scanned: %" PRId64 "\n", sm->tickets);
    if (sm->missed_count) {
        fprintf(out, "Most missed questions:\n");
        for (size_t i = 0; i < sm->missed_count; i++)
            fprintf(out, "  %-14s %-20s missed %" PRId64 " of %" PRId64 "\n", sm->missed[i].station,
                    sm->missed[i].question, sm->missed[i].answered - sm->missed[i].correct,
                    sm->missed[i].answered);
    }
}
