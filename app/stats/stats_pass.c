/*
 * stats_pass.c - the tables' one pass over the events (private to
 * app/stats, stats_pass.h): each event read once, in id order, on a reader
 * thread into compact rows, counted in C into every table's figures, then
 * written to the small temporary tables the tables' queries read
 * (stats_export.c). What it counts with is stats_agg.c, as the summary's
 * pass (stats_summary.c) does.
 */
#include "stats_pass.h"

#include "mf_error.h"
#include "stats_db.h"
#include "stats_read.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef stats_pass_t pass_t;
typedef stats_pass_rows_t pass_rows_t;

/* The pass's query: the texts first (STATS_EV_KIOSK...), then the numbers (STATS_EV_RUN...).
 * No WHERE: without an index on ts a filter is a full scan anyway, and the
 * groups' and stops' visits and the orders' outcomes need rows the filter
 * leaves out; the filter is applied in C (pass_keeps). */
#define EV_SQL                                                                                     \
    "SELECT kiosk, type, stop_id, group_id, item, station, word, detail, run, seq, ts, at_ms,"     \
    " visit, value, version, flag, flag2, ms, ms2, order_no, asked, answered, correct"             \
    " FROM events ORDER BY id"

/* --- The one pass: each event read once, in id order, into a compact row
 * (below), and every table's figures counted from those rows in C: the
 * visits, the questions, days, stations, trades, survey, orders and the
 * groups' and stops' visits. The tables' queries then read small temporary
 * tables instead of scanning the events again. */

/* --- Visits: a hash table of (run, visit), written to a temporary table that
 * the `visits` table reads (SQLite's GROUP BY would sort a million rows). */

typedef struct {
    int64_t run, visit; /* visit 0: empty slot */
    char id[STATS_ID_MAX + 48], kiosk[STATS_ID_MAX];
    int64_t t0, t1;
    char stop[STATS_ID_MAX], group[STATS_ID_MAX];
    char lang[8], profile[16], reason[VISIT_ID_MAX], ticket[VISIT_ID_MAX], ended[16];
    int pb, pa, sat; /* -1 = none */
    uint32_t station_hash[16];
    int stations, videos, answers, right, orders;
} visit_agg_t;

/* The visits in the order first seen (V, USED of VCAP), found through a
 * stats_agg_map_t keyed by (run, visit) whose entries are in the same order: the
 * big records are never moved by a rehash nor spread over a sparse table. */
typedef struct {
    visit_agg_t *v;
    size_t used, vcap;
    stats_agg_map_t index;
    size_t
        last; /* index + 1 of the visit of the previous event (most events follow their visit's) */
    int rc;
} visit_map_t;

/* The visit (RUN, VISIT), made when new (NULL when out of memory). */
static visit_agg_t *visit_get(visit_map_t *m, int64_t run, int64_t visit, bool *made)
{
    *made = false;
    if (m->last && m->v[m->last - 1].run == run && m->v[m->last - 1].visit == visit)
        return &m->v[m->last - 1];
    if (m->used == m->vcap) {
        size_t vcap = m->vcap ? m->vcap * 2 : 1024;
        visit_agg_t *v = realloc(m->v, vcap * sizeof *v);
        if (!v)
            return NULL;
        m->v = v;
        m->vcap = vcap;
    }
    int64_t key[2] = {run, visit};
    const stats_agg_entry_t *e = stats_agg_map_get(&m->index, key, sizeof key);
    if (!e)
        return NULL;
    if (m->index.n > m->used) {
        memset(&m->v[m->used++], 0, sizeof m->v[0]);
        *made = true;
    }
    m->last = (size_t)(e - m->index.e) + 1;
    return &m->v[m->last - 1];
}

/* Text K of E into DST, left as it is when NULL. */
static void copy_ev(char *dst, size_t size, const stats_ev_t *e, int k)
{
    const char *t = stats_ev_str(e, k);
    if (t) {
        size_t n = stats_ev_len(e, k);
        n = n < size ? n : size - 1;
        memcpy(dst, t, n);
        dst[n] = '\0';
    }
}

/* One event (with a visit) into its visit's figures. */
static void visit_add(visit_map_t *m, const stats_ev_t *e)
{
    if (m->rc != MF_OK)
        return;
    int64_t run = stats_ev_int(e, STATS_EV_RUN), visit = stats_ev_int(e, STATS_EV_VISIT);
    if (visit <= 0)
        return;
    bool made;
    visit_agg_t *v = visit_get(m, run, visit, &made);
    if (!v) {
        m->rc = MF_ENOMEM;
        return;
    }
    int64_t ts = stats_ev_int(e, STATS_EV_TS);
    if (made) {
        v->run = run;
        v->visit = visit;
        copy_ev(v->kiosk, sizeof v->kiosk, e, STATS_EV_KIOSK);
        snprintf(v->id, sizeof v->id, "%s-%" PRIx64 "-%" PRId64, v->kiosk, (uint64_t)run, visit);
        v->t0 = v->t1 = ts;
        v->pb = v->pa = v->sat = -1;
    }
    if (ts < v->t0)
        v->t0 = ts;
    if (ts > v->t1)
        v->t1 = ts;
    copy_ev(v->stop, sizeof v->stop, e, STATS_EV_STOP);
    copy_ev(v->group, sizeof v->group, e, STATS_EV_GROUP);
    const char *type = stats_ev_str(e, STATS_EV_TYPE);
    if (!type)
        return;
    int value = (int)stats_ev_int(e, STATS_EV_VALUE);
    bool flag = stats_ev_int(e, STATS_EV_FLAG) != 0;
    switch (type[0]) {
    case 'l': /* language */
        copy_ev(v->lang, sizeof v->lang, e, STATS_EV_ITEM);
        break;
    case 'p':
        if (!strcmp(type, "profile"))
            copy_ev(v->profile, sizeof v->profile, e, STATS_EV_WORD);
        else if (!strcmp(type, "perception"))
            *(flag ? &v->pa : &v->pb) = value;
        break;
    case 's':
        if (!strcmp(type, "satisfaction")) {
            v->sat = value;
            copy_ev(v->reason, sizeof v->reason, e, STATS_EV_DETAIL);
        } else if (!strcmp(type, "station_view")) {
            const char *item = stats_ev_str(e, STATS_EV_ITEM);
            uint32_t h = (uint32_t)stats_agg_hash(item, item ? strlen(item) : 0);
            int k = 0;
            while (k < v->stations && k < 16 && v->station_hash[k] != h)
                k++;
            if (k == v->stations) {
                if (k < 16)
                    v->station_hash[k] = h;
                v->stations++;
            }
        }
        break;
    case 'v':
        if (!strcmp(type, "video_play"))
            v->videos++;
        else if (!strcmp(type, "visit_ended"))
            copy_ev(v->ended, sizeof v->ended, e, STATS_EV_WORD);
        break;
    case 'q':
        if (!strcmp(type, "quiz_answer")) {
            v->answers++;
            v->right += flag;
        }
        break;
    case 'o':
        if (!strcmp(type, "order_placed"))
            v->orders++;
        break;
    case 't':
        if (!strcmp(type, "ticket"))
            copy_ev(v->ticket, sizeof v->ticket, e, STATS_EV_ITEM);
        break;
    default:
        break;
    }
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v[0])
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_opt_int(sqlite3_stmt *st, int i, int v)
{
    if (v >= 0)
        sqlite3_bind_int(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* temp.questions from QS (filled by the pass). */
static int build_questions(sqlite3 *db, const stats_agg_map_t *qs, stats_error_t *err)
{
    int rc = MF_OK;
    sqlite3_stmt *st = NULL;
    if (sqlite3_exec(db,
                     "DROP TABLE IF EXISTS temp.questions; CREATE TEMP TABLE"
                     " questions(station, item, version, n, c, t)",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO temp.questions VALUES(?,?,?,?,?,?)", -1, &st, NULL) !=
            SQLITE_OK)
        rc = stats_error_set(err, MF_EDB, "cannot count the questions: %s", sqlite3_errmsg(db));
    for (size_t i = 0; rc == MF_OK && i < qs->n; i++) {
        const stats_agg_entry_t *q = &qs->e[i];
        const char *station, *item;
        int version;
        stats_agg_question_of(qs, q, &station, &item, &version);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, station, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, version);
        sqlite3_bind_int64(st, 4, q->v[0]);
        sqlite3_bind_int64(st, 5, q->v[1]);
        sqlite3_bind_int64(st, 6, q->v[2]);
        int s2 = sqlite3_step(st);
        if (s2 != SQLITE_DONE)
            rc = stats_read_step_error(db, s2, err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* temp.visits from M (filled by the pass). */
static int build_visits(sqlite3 *db, const visit_map_t *m, stats_error_t *err)
{
    int rc = MF_OK;
    sqlite3_stmt *st = NULL;
    if (sqlite3_exec(db,
                     "DROP TABLE IF EXISTS temp.visits; CREATE TEMP TABLE visits(id, kiosk, t0,"
                     " t1, stop_id, group_id, lang, profile, pb, pa, sat, reason, stations,"
                     " videos, answers, n_right, orders, ticket, ended)",
                     NULL, NULL, NULL) != SQLITE_OK)
        rc = stats_error_set(err, MF_EDB, "cannot sort the visits: %s", sqlite3_errmsg(db));
    if (rc == MF_OK && sqlite3_prepare_v2(db,
                                          "INSERT INTO temp.visits VALUES(?,?,?,?,?,?,?,?,?,?,?,"
                                          "?,?,?,?,?,?,?,?)",
                                          -1, &st, NULL) != SQLITE_OK)
        rc = stats_error_set(err, MF_EDB, "cannot sort the visits: %s", sqlite3_errmsg(db));
    for (size_t i = 0; rc == MF_OK && i < m->used; i++) {
        const visit_agg_t *v = &m->v[i];
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, v->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, v->kiosk, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, v->t0);
        sqlite3_bind_int64(st, 4, v->t1);
        sqlite3_bind_text(st, 5, v->stop, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, v->group, -1, SQLITE_STATIC);
        bind_opt_text(st, 7, v->lang);
        bind_opt_text(st, 8, v->profile);
        bind_opt_int(st, 9, v->pb);
        bind_opt_int(st, 10, v->pa);
        bind_opt_int(st, 11, v->sat);
        bind_opt_text(st, 12, v->reason);
        sqlite3_bind_int(st, 13, v->stations);
        sqlite3_bind_int(st, 14, v->videos);
        sqlite3_bind_int(st, 15, v->answers);
        sqlite3_bind_int(st, 16, v->right);
        sqlite3_bind_int(st, 17, v->orders);
        bind_opt_text(st, 18, v->ticket);
        bind_opt_text(st, 19, v->ended);
        int s2 = sqlite3_step(st);
        if (s2 != SQLITE_DONE)
            rc = stats_read_step_error(db, s2, err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* --- The small tables' figures: stats_agg_map_t maps keyed by the values a GROUP
 * BY would group on, each key a byte string of tagged values (NULL, a
 * number, a text) so that NULL, 0 and '' stay apart as they do in SQL; the
 * key is built in an stats_agg_key_t. */

static void key_int(stats_agg_key_t *k, const stats_ev_t *e, int col)
{
    char tag = stats_ev_int_null(e, col) ? 0 : 1;
    stats_agg_key_put(k, &tag, 1);
    if (tag)
        stats_agg_key_put(k, &e->r->i[col], sizeof e->r->i[col]);
}

static void key_num(stats_agg_key_t *k, int64_t v)
{
    char tag = 1;
    stats_agg_key_put(k, &tag, 1);
    stats_agg_key_put(k, &v, sizeof v);
}

static void key_text(stats_agg_key_t *k, const char *s, size_t n)
{
    char tag = s ? 2 : 0;
    stats_agg_key_put(k, &tag, 1);
    if (s) {
        uint32_t len = (uint32_t)n;
        stats_agg_key_put(k, &len, sizeof len);
        stats_agg_key_put(k, s, n);
    }
}

static void key_ev(stats_agg_key_t *k, const stats_ev_t *e, int col)
{
    key_text(k, stats_ev_str(e, col), stats_ev_len(e, col));
}

/* Binds the values of E's key (an entry of M) to ST's parameters from 1;
 * returns the next one. */
static int agg_bind_key(sqlite3_stmt *st, const stats_agg_map_t *m, const stats_agg_entry_t *e)
{
    const char *key = m->keys + e->key;
    int i = 1;
    for (size_t p = 0; p < e->len; i++) {
        char tag = key[p++];
        if (tag == 0) {
            sqlite3_bind_null(st, i);
        } else if (tag == 1) {
            int64_t v;
            memcpy(&v, key + p, sizeof v);
            p += sizeof v;
            sqlite3_bind_int64(st, i, v);
        } else {
            uint32_t len;
            memcpy(&len, key + p, sizeof len);
            p += sizeof len;
            sqlite3_bind_text(st, i, key + p, (int)len, SQLITE_STATIC);
            p += len;
        }
    }
    return i;
}

/* A temporary table made by CREATE and filled by INSERT with each entry of
 * M: its key's values, then its first NCOUNTS counts. */
static int agg_table(sqlite3 *db, const stats_agg_map_t *m, const char *create, const char *insert,
                     int ncounts, stats_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = MF_OK;
    if (sqlite3_exec(db, create, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, insert, -1, &st, NULL) != SQLITE_OK)
        rc = stats_error_set(err, MF_EDB, "cannot count the tables: %s", sqlite3_errmsg(db));
    for (size_t i = 0; rc == MF_OK && i < m->n; i++) {
        const stats_agg_entry_t *e = &m->e[i];
        sqlite3_reset(st);
        int p = agg_bind_key(st, m, e);
        for (int c = 0; c < ncounts; c++)
            sqlite3_bind_int64(st, p + c, e->v[c]);
        int s2 = sqlite3_step(st);
        if (s2 != SQLITE_DONE)
            rc = stats_read_step_error(db, s2, err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* An order placed, as the orders table shows it. */
typedef struct {
    int64_t order_no, run, ts, flag;
    bool order_null, flag_null;
    char *visit_id, *item; /* item NULL: NULL */
} order_row_t;

/* The texts of an order's last outcome (NULL: NULL), beside its entry in
 * pass_t.outcomes, at the same index. */
typedef struct {
    char *word, *detail;
} outcome_text_t;

/* Every figure the pass counts. */
struct stats_pass {
    const stats_filter_t *f;
    visit_map_t visits;
    stats_agg_map_t questions;    /* stats_agg_question_key(): answered, right, ms */
    stats_agg_map_t days;         /* (15-minute slot, group_id): visits started */
    stats_agg_map_t stations;     /* item: views, ms */
    stats_agg_map_t trades;       /* item: views, ms, videos, ms, sum of reach, reaches */
    stats_agg_map_t survey;       /* (item, version, when, value): answers */
    stats_agg_map_t groups;       /* group_id: visits started in the time filter */
    stats_agg_map_t stops;        /* stop_id: visits started in the time filter */
    stats_agg_map_t outcomes;     /* (run, order_no), every one: max seq, seen */
    outcome_text_t *outcome_text; /* the outcomes' texts, OUTCOME_CAP of them */
    size_t outcome_cap;
    order_row_t *orders;
    size_t norders, orders_cap;
    stats_agg_key_t key;
    bool oom;
};

pass_t *stats_pass_create(const stats_filter_t *f)
{
    pass_t *p = calloc(1, sizeof *p);
    if (p)
        p->f = f;
    return p;
}

void stats_pass_destroy(pass_t *p)
{
    if (!p)
        return;
    free(p->visits.v);
    stats_agg_map_free(&p->visits.index);
    for (size_t i = 0; i < p->outcomes.n && i < p->outcome_cap; i++) {
        free(p->outcome_text[i].word);
        free(p->outcome_text[i].detail);
    }
    free(p->outcome_text);
    stats_agg_map_t *maps[] = {&p->days,   &p->stations, &p->trades,   &p->survey,
                               &p->groups, &p->stops,    &p->outcomes, &p->questions};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        stats_agg_map_free(maps[i]);
    for (size_t i = 0; i < p->norders; i++) {
        free(p->orders[i].visit_id);
        free(p->orders[i].item);
    }
    free(p->orders);
    free(p->key.b);
    free(p);
}

/* Whether the filter keeps E (the SQL's F_FULL, in C). */
static bool pass_keeps(const pass_t *p, const stats_ev_t *e)
{
    const stats_filter_t *f = p->f;
    int64_t ts = stats_ev_int(e, STATS_EV_TS);
    if (ts < f->from_ms || ts >= f->to_ms)
        return false;
    if (f->stop_id[0] &&
        strcmp(stats_ev_str(e, STATS_EV_STOP) ? stats_ev_str(e, STATS_EV_STOP) : "", f->stop_id))
        return false;
    if (f->group_id[0] &&
        strcmp(stats_ev_str(e, STATS_EV_GROUP) ? stats_ev_str(e, STATS_EV_GROUP) : "", f->group_id))
        return false;
    return true;
}

/* The entry of the key made so far in P->key. */
static stats_agg_entry_t *pass_entry(pass_t *p, stats_agg_map_t *m)
{
    stats_agg_entry_t *e = p->key.oom ? NULL : stats_agg_map_get(m, p->key.b, p->key.n);
    if (!e)
        p->oom = true;
    return e;
}

static char *dup_text(const char *s, size_t n, bool *oom)
{
    char *d = malloc(n + 1);
    if (!d) {
        *oom = true;
        return NULL;
    }
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static void pass_order(pass_t *p, const stats_ev_t *e)
{
    if (p->norders == p->orders_cap) {
        size_t cap = p->orders_cap ? p->orders_cap * 2 : 256;
        order_row_t *o = realloc(p->orders, cap * sizeof *o);
        if (!o) {
            p->oom = true;
            return;
        }
        p->orders = o;
        p->orders_cap = cap;
    }
    order_row_t *o = &p->orders[p->norders];
    memset(o, 0, sizeof *o);
    o->order_no = stats_ev_int(e, STATS_EV_ORDER);
    o->order_null = stats_ev_int_null(e, STATS_EV_ORDER);
    o->run = stats_ev_int(e, STATS_EV_RUN);
    o->ts = stats_ev_int(e, STATS_EV_TS);
    o->flag = stats_ev_int(e, STATS_EV_FLAG);
    o->flag_null = stats_ev_int_null(e, STATS_EV_FLAG);
    char id[STATS_ID_MAX + 64];
    int n = snprintf(id, sizeof id, "%s-%" PRIx64 "-%" PRId64, stats_ev_str(e, STATS_EV_KIOSK),
                     (uint64_t)o->run, stats_ev_int(e, STATS_EV_VISIT));
    o->visit_id = dup_text(id,
                           n < 0                   ? 0
                           : (size_t)n < sizeof id ? (size_t)n
                                                   : sizeof id - 1,
                           &p->oom);
    if (stats_ev_str(e, STATS_EV_ITEM))
        o->item = dup_text(stats_ev_str(e, STATS_EV_ITEM), stats_ev_len(e, STATS_EV_ITEM), &p->oom);
    if (o->visit_id)
        p->norders++;
    else
        free(o->item);
}

/* An order's outcome (any, whatever the filter, as the orders table joins
 * them): the one with the highest seq of its (run, order_no). */
static void pass_outcome(pass_t *p, const stats_ev_t *e)
{
    if (stats_ev_int_null(e, STATS_EV_ORDER))
        return; /* joins no order */
    p->key.n = 0;
    key_int(&p->key, e, STATS_EV_RUN);
    key_int(&p->key, e, STATS_EV_ORDER);
    stats_agg_entry_t *o = pass_entry(p, &p->outcomes);
    if (!o)
        return;
    size_t i = (size_t)(o - p->outcomes.e);
    if (p->outcomes.n > p->outcome_cap) {
        size_t cap = p->outcome_cap ? p->outcome_cap * 2 : 256;
        outcome_text_t *t = realloc(p->outcome_text, cap * sizeof *t);
        if (!t) {
            p->oom = true;
            return;
        }
        memset(t + p->outcome_cap, 0, (cap - p->outcome_cap) * sizeof *t);
        p->outcome_text = t;
        p->outcome_cap = cap;
    }
    int64_t seq = stats_ev_int(e, STATS_EV_SEQ);
    if (o->v[1] && seq <= o->v[0])
        return;
    o->v[0] = seq;
    o->v[1] = 1;
    outcome_text_t *t = &p->outcome_text[i];
    free(t->word);
    free(t->detail);
    t->word = t->detail = NULL;
    if (stats_ev_str(e, STATS_EV_WORD))
        t->word = dup_text(stats_ev_str(e, STATS_EV_WORD), stats_ev_len(e, STATS_EV_WORD), &p->oom);
    if (stats_ev_str(e, STATS_EV_DETAIL))
        t->detail =
            dup_text(stats_ev_str(e, STATS_EV_DETAIL), stats_ev_len(e, STATS_EV_DETAIL), &p->oom);
}

/* One event into every figure; KEPT: the filter keeps it. */
static void pass_count(pass_t *p, const stats_ev_t *e, bool kept)
{
    const char *type = stats_ev_str(e, STATS_EV_TYPE);
    if (!type)
        type = "";
    int64_t ts = stats_ev_int(e, STATS_EV_TS);
    if (type[0] == 'o' && !strcmp(type, "order_outcome"))
        pass_outcome(p, e);
    if (type[0] == 'v' && !strcmp(type, "visit_started") && ts >= p->f->from_ms &&
        ts < p->f->to_ms) {
        /* The groups' and stops' visits: the time filter only. */
        stats_agg_entry_t *g;
        p->key.n = 0;
        key_ev(&p->key, e, STATS_EV_GROUP);
        if ((g = pass_entry(p, &p->groups)) != NULL)
            g->v[0]++;
        p->key.n = 0;
        key_ev(&p->key, e, STATS_EV_STOP);
        if ((g = pass_entry(p, &p->stops)) != NULL)
            g->v[0]++;
    }
    if (!kept)
        return;
    if (stats_ev_int(e, STATS_EV_VISIT) > 0)
        visit_add(&p->visits, e);
    stats_agg_entry_t *a;
    p->key.n = 0;
    switch (type[0]) {
    case 'v':
        if (!strcmp(type, "visit_started")) {
            key_num(&p->key, stats_agg_day_slot(ts)); /* its day: the query's date(slot, ...) */
            key_ev(&p->key, e, STATS_EV_GROUP);
            if ((a = pass_entry(p, &p->days)) != NULL)
                a->v[0]++;
        } else if (!strcmp(type, "video_play")) {
            key_ev(&p->key, e, STATS_EV_ITEM);
            if ((a = pass_entry(p, &p->trades)) != NULL) {
                a->v[2]++;
                a->v[3] += stats_ev_int(e, STATS_EV_MS);
                if (!stats_ev_int_null(e, STATS_EV_VALUE)) {
                    a->v[4] += stats_ev_int(e, STATS_EV_VALUE);
                    a->v[5]++;
                }
            }
        }
        break;
    case 't':
        if (!strcmp(type, "trade_view")) {
            key_ev(&p->key, e, STATS_EV_ITEM);
            if ((a = pass_entry(p, &p->trades)) != NULL) {
                a->v[0]++;
                a->v[1] += stats_ev_int(e, STATS_EV_MS);
            }
        }
        break;
    case 's':
        if (!strcmp(type, "station_view")) {
            key_ev(&p->key, e, STATS_EV_ITEM);
            if ((a = pass_entry(p, &p->stations)) != NULL) {
                a->v[0]++;
                a->v[1] += stats_ev_int(e, STATS_EV_MS);
            }
        } else if (!strcmp(type, "satisfaction")) {
            key_ev(&p->key, e, STATS_EV_ITEM);
            key_int(&p->key, e, STATS_EV_VERSION);
            key_text(&p->key, "end", 3);
            key_int(&p->key, e, STATS_EV_VALUE);
            if ((a = pass_entry(p, &p->survey)) != NULL)
                a->v[0]++;
        }
        break;
    case 'p':
        if (!strcmp(type, "perception")) {
            bool after =
                !stats_ev_int_null(e, STATS_EV_FLAG) && stats_ev_int(e, STATS_EV_FLAG) == 1;
            key_ev(&p->key, e, STATS_EV_ITEM);
            key_int(&p->key, e, STATS_EV_VERSION);
            key_text(&p->key, after ? "after" : "before", after ? 5 : 6);
            key_int(&p->key, e, STATS_EV_VALUE);
            if ((a = pass_entry(p, &p->survey)) != NULL)
                a->v[0]++;
        }
        break;
    case 'q':
        if (!strcmp(type, "quiz_answer"))
            if (stats_agg_question_count(
                    &p->questions, &p->key, stats_ev_str(e, STATS_EV_STATION),
                    stats_ev_str(e, STATS_EV_ITEM), (int)stats_ev_int(e, STATS_EV_VERSION),
                    stats_ev_int(e, STATS_EV_FLAG) != 0, stats_ev_int(e, STATS_EV_MS)) != MF_OK)
                p->oom = true;
        break;
    case 'o':
        if (!strcmp(type, "order_placed"))
            pass_order(p, e);
        break;
    default:
        break;
    }
}

/* temp.orders: the orders placed, each with its last outcome, in event order. */
static int build_orders(sqlite3 *db, const pass_t *p, stats_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = MF_OK;
    if (sqlite3_exec(db,
                     "DROP TABLE IF EXISTS temp.orders; CREATE TEMP TABLE orders(order_no,"
                     " visit_id, ts, item, flag, word, detail)",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO temp.orders VALUES(?,?,?,?,?,?,?)", -1, &st, NULL) !=
            SQLITE_OK)
        rc = stats_error_set(err, MF_EDB, "cannot count the orders: %s", sqlite3_errmsg(db));
    stats_agg_key_t k = {0};
    for (size_t i = 0; rc == MF_OK && i < p->norders; i++) {
        const order_row_t *o = &p->orders[i];
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        if (!o->order_null) {
            sqlite3_bind_int64(st, 1, o->order_no);
            k.n = 0;
            key_num(&k, o->run);
            key_num(&k, o->order_no);
            const stats_agg_entry_t *e =
                k.oom ? NULL : stats_agg_map_find(&p->outcomes, k.b, k.n, stats_agg_hash(k.b, k.n));
            if (e) {
                const outcome_text_t *t = &p->outcome_text[e - p->outcomes.e];
                if (t->word)
                    sqlite3_bind_text(st, 6, t->word, -1, SQLITE_STATIC);
                if (t->detail)
                    sqlite3_bind_text(st, 7, t->detail, -1, SQLITE_STATIC);
            }
        }
        sqlite3_bind_text(st, 2, o->visit_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, o->ts);
        if (o->item)
            sqlite3_bind_text(st, 4, o->item, -1, SQLITE_STATIC);
        if (!o->flag_null)
            sqlite3_bind_int64(st, 5, o->flag);
        int s2 = sqlite3_step(st);
        if (s2 != SQLITE_DONE)
            rc = stats_read_step_error(db, s2, err);
    }
    if (k.oom)
        rc = stats_error_set(err, MF_ENOMEM, "out of memory");
    free(k.b);
    sqlite3_finalize(st);
    return rc;
}

int stats_pass_tables(const pass_t *p, sqlite3 *db, stats_error_t *err)
{
    if (p->oom || p->visits.rc != MF_OK)
        return stats_error_set(err, MF_ENOMEM, "out of memory");
    int rc = build_visits(db, &p->visits, err);
    if (rc == MF_OK)
        rc = build_questions(db, &p->questions, err);
    if (rc == MF_OK)
        rc = build_orders(db, p, err);
    const struct {
        const stats_agg_map_t *m;
        const char *create, *insert;
        int ncounts;
    } t[] = {
        {&p->days, "DROP TABLE IF EXISTS temp.days; CREATE TEMP TABLE days(slot, group_id, n)",
         "INSERT INTO temp.days VALUES(?,?,?)", 1},
        {&p->stations, "DROP TABLE IF EXISTS temp.stations; CREATE TEMP TABLE stations(id, v, d)",
         "INSERT INTO temp.stations VALUES(?,?,?)", 2},
        {&p->trades,
         "DROP TABLE IF EXISTS temp.trades; CREATE TEMP TABLE trades(item, v, vms, n, nms,"
         " reach, reaches)",
         "INSERT INTO temp.trades VALUES(?,?,?,?,?,?,?)", 6},
        {&p->survey,
         "DROP TABLE IF EXISTS temp.survey; CREATE TEMP TABLE survey(item, version, w, value, n)",
         "INSERT INTO temp.survey VALUES(?,?,?,?,?)", 1},
        {&p->groups,
         "DROP TABLE IF EXISTS temp.group_visits; CREATE TEMP TABLE group_visits(id, n)",
         "INSERT INTO temp.group_visits VALUES(?,?)", 1},
        {&p->stops, "DROP TABLE IF EXISTS temp.stop_visits; CREATE TEMP TABLE stop_visits(id, n)",
         "INSERT INTO temp.stop_visits VALUES(?,?)", 1},
    };
    for (size_t i = 0; rc == MF_OK && i < sizeof t / sizeof t[0]; i++)
        rc = agg_table(db, t[i].m, t[i].create, t[i].insert, t[i].ncounts, err);
    return rc;
}

/* --- The pass over two threads on one connection: a reader steps the query
 * and copies each row into a chunk of compact rows; the caller's thread
 * counts them (and hands them to the CSV's events). EV_CHUNKS chunks go
 * round. */

#define EV_CHUNK_ROWS 2048
#define EV_CHUNKS 3

typedef struct {
    stats_ev_row_t rows[EV_CHUNK_ROWS];
    size_t n;
    char *text;
    size_t text_len, text_cap;
} ev_chunk_t;

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *st;
    ev_chunk_t *chunk; /* EV_CHUNKS of them */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t filled, taken; /* chunks handed over and given back, ever */
    bool done, stop;      /* the reader has finished; the counter asks it to */
    int rc;               /* the reader's error */
    stats_error_t err;
} ev_pipe_t;

/* The current row of ST into C; false when out of memory. */
static bool ev_read(ev_chunk_t *c, sqlite3_stmt *st)
{
    stats_ev_row_t *r = &c->rows[c->n];
    r->null = 0;
    /* One call a column, through its value: each sqlite3_column_*() call
     * takes the connection's mutex. */
    for (int k = 0; k < STATS_EV_TEXTS; k++) {
        sqlite3_value *v = sqlite3_column_value(st, k);
        const unsigned char *t = sqlite3_value_text(v);
        if (!t) {
            r->null |= 1u << (16 + k);
            r->off[k] = 0;
            r->len[k] = 0;
            continue;
        }
        size_t n = (size_t)sqlite3_value_bytes(v);
        if (c->text_len + n + 1 > c->text_cap) {
            size_t cap = c->text_cap * 2 + n + 1;
            char *p = realloc(c->text, cap);
            if (!p)
                return false;
            c->text = p;
            c->text_cap = cap;
        }
        memcpy(c->text + c->text_len, t, n);
        c->text[c->text_len + n] = '\0';
        r->off[k] = (uint32_t)c->text_len;
        r->len[k] = (uint32_t)n;
        c->text_len += n + 1;
    }
    for (int k = 0; k < STATS_EV_INTS; k++) {
        sqlite3_value *v = sqlite3_column_value(st, STATS_EV_TEXTS + k);
        if (sqlite3_value_type(v) == SQLITE_NULL) {
            r->null |= 1u << k;
            r->i[k] = 0;
        } else {
            r->i[k] = sqlite3_value_int64(v);
        }
    }
    c->n++;
    return true;
}

static void *ev_reader(void *arg)
{
    ev_pipe_t *p = arg;
    for (size_t k = 0;; k++) {
        pthread_mutex_lock(&p->mu);
        while (p->filled - p->taken == EV_CHUNKS && !p->stop)
            pthread_cond_wait(&p->cv, &p->mu);
        bool stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
        ev_chunk_t *c = &p->chunk[k % EV_CHUNKS];
        c->n = 0;
        c->text_len = 0;
        bool oom = false;
        int s; /* SQLITE_ROW: the chunk is full, more may follow */
        while ((s = sqlite3_step(p->st)) == SQLITE_ROW) {
            if (!ev_read(c, p->st)) {
                oom = true;
                break;
            }
            if (c->n == EV_CHUNK_ROWS)
                break;
        }
        pthread_mutex_lock(&p->mu);
        if (oom)
            p->rc = stats_error_set(&p->err, MF_ENOMEM, "out of memory");
        else if (s != SQLITE_ROW && s != SQLITE_DONE)
            p->rc = stats_read_step_error(p->db, s, &p->err);
        p->filled++;
        bool last = oom || s != SQLITE_ROW;
        if (last)
            p->done = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (last)
            break;
    }
    pthread_mutex_lock(&p->mu);
    p->done = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Counts every event of C into P and, when ROW is set, hands it the rows
 * the filter keeps (then CHECK says whether its writer failed). */
static int pass_chunk(pass_t *p, const ev_chunk_t *c, const pass_rows_t *rows, stats_error_t *err)
{
    for (size_t i = 0; i < c->n; i++) {
        stats_ev_t e = {&c->rows[i], c->text};
        bool kept = pass_keeps(p, &e);
        if (kept && rows->row)
            rows->row(rows->ctx, &e);
        pass_count(p, &e, kept);
    }
    if (p->oom)
        return stats_error_set(err, MF_ENOMEM, "out of memory");
    return rows->row ? rows->check(rows->ctx, err) : MF_OK;
}

int stats_pass_run(pass_t *p, sqlite3 *db, const pass_rows_t *rows, stats_error_t *err)
{
    ev_pipe_t pipe = {.db = db, .chunk = calloc(EV_CHUNKS, sizeof(ev_chunk_t))};
    if (!pipe.chunk)
        return stats_error_set(err, MF_ENOMEM, "out of memory");
    int rc = MF_OK;
    if (sqlite3_prepare_v2(db, EV_SQL, -1, &pipe.st, NULL) != SQLITE_OK)
        rc = stats_error_set(err, stats_db_error(sqlite3_errcode(db)), "reading the store: %s (%s)",
                             stats_db_words(sqlite3_errcode(db)), sqlite3_errmsg(db));
    pthread_t reader;
    bool started = false;
    if (rc == MF_OK) {
        pthread_mutex_init(&pipe.mu, NULL);
        pthread_cond_init(&pipe.cv, NULL);
        started = pthread_create(&reader, NULL, ev_reader, &pipe) == 0;
        if (!started) {
            pthread_mutex_destroy(&pipe.mu);
            pthread_cond_destroy(&pipe.cv);
            rc = stats_error_set(err, MF_ENOMEM, "cannot start a thread");
        }
    }
    for (size_t k = 0; started; k++) {
        pthread_mutex_lock(&pipe.mu);
        while (pipe.filled == pipe.taken && !pipe.done)
            pthread_cond_wait(&pipe.cv, &pipe.mu);
        bool none = pipe.filled == pipe.taken;
        pthread_mutex_unlock(&pipe.mu);
        if (none)
            break;
        int r = pass_chunk(p, &pipe.chunk[k % EV_CHUNKS], rows, err);
        pthread_mutex_lock(&pipe.mu);
        pipe.taken++;
        if (r != MF_OK)
            pipe.stop = true;
        pthread_cond_broadcast(&pipe.cv);
        pthread_mutex_unlock(&pipe.mu);
        if (r != MF_OK) {
            rc = r;
            break;
        }
    }
    if (started) {
        pthread_join(reader, NULL);
        pthread_mutex_destroy(&pipe.mu);
        pthread_cond_destroy(&pipe.cv);
        if (rc == MF_OK && pipe.rc != MF_OK) {
            rc = pipe.rc;
            if (err)
                *err = pipe.err;
        }
    }
    sqlite3_finalize(pipe.st);
    for (size_t i = 0; i < EV_CHUNKS; i++)
        free(pipe.chunk[i].text);
    free(pipe.chunk);
    return rc;
}
