/*
 * stats_store.c - the statistics store: a bounded queue filled by the UI
 * thread, a writer thread that commits it in batches (see stats_store.h for
 * the promises, docs/STATS.md for the schema and the reasons).
 *
 * The queue is a ring of items (an event, an audit line, a context change,
 * a purge request), each with its id (run, seq) and wall-clock stamp given
 * when it was queued. The writer copies a batch out under the lock, writes it
 * in one transaction without the lock, and removes it from the ring only when
 * the commit succeeded: a failed batch stays queued and is retried, and a
 * retry of a batch that was in fact committed inserts nothing twice (INSERT OR
 * IGNORE on the unique (run, seq)).
 */
#include "stats_store.h"

#include "mf_error.h"
#include "mf_log.h"
#include "stats_db.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define BATCH_MAX 16384    /* items per transaction (a backlog goes in few commits) */
#define QUEUE_START 1024   /* the ring grows by doubling up to queue_max */
#define CLOSE_WAIT_MS 3000 /* how long close waits for a refusing disk */
#define PURGE_EVERY_MS (24LL * 3600 * 1000)
/* A run lasts about a day: it is cut at the first visit that starts a day
 * after the run did (never inside a visit), so the purge reads about a day
 * of the run that straddles its cutoff (stats_db_purge_events). */
#define RUN_SPAN_MS (24LL * 3600 * 1000)
/* An event's id is (the run's number << 32) | seq: a run ends before its seq
 * needs more than 32 bits. */
#define SEQ_MAX 0xffffffffLL
/* Events of one run written by one statement of this many rows (one step
 * instead of MULTI_ROWS: measured in docs/BENCHMARKS.md). */
#define MULTI_ROWS 32
#define EVENT_COLS 24

typedef enum { ITEM_EVENT, ITEM_AUDIT, ITEM_STOP, ITEM_GROUP, ITEM_PURGE } item_kind_t;

typedef struct {
    item_kind_t kind;
    int64_t run, seq, ts; /* the item's id (run, seq) and wall-clock time */
    union {
        visit_event_t ev;
        struct {
            char role[24], action[40], detail[160], result[96];
        } audit;
        stats_stop_t stop;
        struct {
            stats_group_t g;
            bool clear;
        } group;
    } u;
} item_t;

struct stats_store {
    char path[512];
    char kiosk[STATS_ID_MAX];
    stats_store_opts_t opt;
    sqlite3 *db; /* the writer thread's only */

    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* the writer: work, stop, sync */
    pthread_cond_t done; /* sync(): a batch was committed or failed */

    /* Under LOCK. */
    item_t *ring;
    size_t cap, head, count; /* items [head, head+count) modulo cap */
    int64_t run;             /* the current run's random id */
    int64_t run_ts;          /* its first item's time; INT64_MIN before the first */
    int64_t next_seq;
    int64_t first_mono_ms; /* monotonic time the oldest queued item arrived */
    bool stopping;
    int sync_waiters;
    int64_t stop_mono_ms; /* when close asked the writer to stop */
    stats_status_t status;
    stats_stop_t stop; /* the current context as the UI sees it */
    stats_group_t group;
    bool stop_set, group_set; /* set by the UI since open */
    uint64_t drop_logged;

    /* The writer's own. */
    item_t *batch;
    sqlite3_stmt *ins_event, *ins_events, *ins_audit; /* one row, MULTI_ROWS rows */
    sqlite3_stmt *ins_run, *get_run, *set_run_ts;
    bool w_valid; /* the run below is the one in the database (this transaction) */
    int64_t w_run, w_no, w_first_ts;
    char cur_stop[STATS_ID_MAX], cur_group[STATS_ID_MAX];
    int64_t next_purge_ms;
    int64_t purge_done_ms; /* a purge in the batch being written, 0 = none */
};

static const char *const group_type_names[STATS_GROUP_TYPE_COUNT] = {
    "general_public", "school", "job_seekers", "company", "other"};

const char *stats_group_type_name(stats_group_type_t t)
{
    return t >= 0 && t < STATS_GROUP_TYPE_COUNT ? group_type_names[t] : "other";
}

int stats_group_type_parse(const char *word, stats_group_type_t *out)
{
    for (int i = 0; i < STATS_GROUP_TYPE_COUNT; i++) {
        if (word && strcmp(word, group_type_names[i]) == 0) {
            *out = (stats_group_type_t)i;
            return MF_OK;
        }
    }
    return MF_EINVAL;
}

void stats_store_opts_default(stats_store_opts_t *o)
{
    memset(o, 0, sizeof *o);
    /* The federation's funders ask for two years of figures, plus a month to export. */
    o->retention_months = 25;
    /* Four commits a second at most: a quarter-second of events at risk, a
     * handful of fsyncs a second, nothing a kiosk's SSD notices. */
    o->commit_ms = 250;
    /* A busy day is ~20,000 events; 200,000 is ten days of a dead disk in
     * ~70 MB of memory, far below what the kiosk PC has. */
    o->queue_max = 200000;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t store_now(const stats_store_t *s)
{
    return s->opt.clock(s->opt.clock_ctx);
}

/* The wall-clock time MONTHS calendar months before NOW_MS (UTC). */
static int64_t months_before(int64_t now_ms, int months)
{
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_mon -= months;
    while (tm.tm_mon < 0) {
        tm.tm_mon += 12;
        tm.tm_year--;
    }
    return (int64_t)timegm(&tm) * 1000 + now_ms % 1000;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* --- The database side (the writer thread, and open before it starts). */

static int meta_get(sqlite3 *db, const char *key, char *out, size_t size)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key=?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            copy_str(out, size, (const char *)sqlite3_column_text(st, 0));
            found = 1;
        }
    }
    sqlite3_finalize(st);
    return found;
}

static int meta_set(sqlite3 *db, const char *key, const char *value)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", -1, &st,
                                NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Loads the persisted context: the writer's ids (cur_stop, cur_group) and, for
 * the UI's view, STOP and GROUP. */
static void load_context(stats_store_t *s, stats_stop_t *stop, stats_group_t *group)
{
    sqlite3_stmt *st = NULL;
    meta_get(s->db, "current_stop", s->cur_stop, sizeof s->cur_stop);
    meta_get(s->db, "current_group", s->cur_group, sizeof s->cur_group);
    if (s->cur_stop[0] &&
        sqlite3_prepare_v2(s->db,
                           "SELECT id, town, venue, first_day, last_day FROM stops WHERE id=?", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, s->cur_stop, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            copy_str(stop->id, sizeof stop->id, (const char *)sqlite3_column_text(st, 0));
            copy_str(stop->town, sizeof stop->town, (const char *)sqlite3_column_text(st, 1));
            copy_str(stop->venue, sizeof stop->venue, (const char *)sqlite3_column_text(st, 2));
            copy_str(stop->first_day, sizeof stop->first_day,
                     (const char *)sqlite3_column_text(st, 3));
            copy_str(stop->last_day, sizeof stop->last_day,
                     (const char *)sqlite3_column_text(st, 4));
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (s->cur_group[0] &&
        sqlite3_prepare_v2(s->db,
                           "SELECT id, type, level, name, headcount FROM visit_groups WHERE id=?",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, s->cur_group, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            copy_str(group->id, sizeof group->id, (const char *)sqlite3_column_text(st, 0));
            stats_group_type_parse((const char *)sqlite3_column_text(st, 1), &group->type);
            copy_str(group->level, sizeof group->level, (const char *)sqlite3_column_text(st, 2));
            copy_str(group->name, sizeof group->name, (const char *)sqlite3_column_text(st, 3));
            group->headcount = sqlite3_column_int(st, 4);
        }
    }
    sqlite3_finalize(st);
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* The run's number in this store (runs.no), made when its first event is
 * written; the run's first_ts follows its oldest event (a clock set back). */
static int writer_run_no(stats_store_t *s, const item_t *it, int64_t *no)
{
    int rc;
    if (!s->w_valid || s->w_run != it->run) {
        sqlite3_reset(s->ins_run);
        sqlite3_bind_int64(s->ins_run, 1, it->run);
        sqlite3_bind_text(s->ins_run, 2, s->kiosk, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s->ins_run, 3, it->ts);
        rc = sqlite3_step(s->ins_run);
        if (rc != SQLITE_DONE)
            return rc;
        sqlite3_reset(s->get_run);
        sqlite3_bind_int64(s->get_run, 1, it->run);
        rc = sqlite3_step(s->get_run);
        if (rc != SQLITE_ROW)
            return rc == SQLITE_DONE ? SQLITE_CORRUPT : rc;
        s->w_no = sqlite3_column_int64(s->get_run, 0);
        s->w_first_ts = sqlite3_column_int64(s->get_run, 1);
        s->w_run = it->run;
        s->w_valid = true;
        sqlite3_reset(s->get_run);
    }
    if (it->ts < s->w_first_ts) {
        sqlite3_reset(s->set_run_ts);
        sqlite3_bind_int64(s->set_run_ts, 1, it->ts);
        sqlite3_bind_int64(s->set_run_ts, 2, s->w_no);
        rc = sqlite3_step(s->set_run_ts);
        if (rc != SQLITE_DONE)
            return rc;
        s->w_first_ts = it->ts;
    }
    *no = s->w_no;
    return SQLITE_OK;
}

/* One column's value: NULL, an integer or a text (static for the statement's
 * step). */
typedef struct {
    enum { COL_NULL, COL_INT, COL_TEXT } kind;
    int64_t i;
    const char *t;
} col_t;

static void col_int(col_t *c, int64_t v)
{
    c->kind = COL_INT;
    c->i = v;
}

static void col_text(col_t *c, const char *v)
{
    c->kind = COL_TEXT;
    c->t = v;
}

/* The event's fields in the columns documented in docs/STATS.md, in the
 * inserts' order: 0 id, 1 kiosk, 2 run, 3 seq, 4 ts, 5 at_ms, 6 visit, 7 type,
 * 8 stop_id, 9 group_id, 10 item, 11 station, 12 word, 13 detail, 14 value,
 * 15 version, 16 flag, 17 flag2, 18 ms, 19 ms2, 20 order_no, 21 asked,
 * 22 answered, 23 correct. */
static void event_cols(const stats_store_t *s, const item_t *it, int64_t no, col_t *c)
{
    const visit_event_t *e = &it->u.ev;
    for (int i = 10; i < EVENT_COLS; i++)
        c[i].kind = COL_NULL;
    col_int(&c[0], (int64_t)((uint64_t)no << 32 | (uint64_t)it->seq));
    col_text(&c[1], s->kiosk);
    col_int(&c[2], it->run);
    col_int(&c[3], it->seq);
    col_int(&c[4], it->ts);
    col_int(&c[5], e->at_ms);
    col_int(&c[6], (int64_t)e->visit);
    col_text(&c[7], visit_event_name(e->type));
    col_text(&c[8], s->cur_stop);
    col_text(&c[9], s->cur_group);
    switch (e->type) {
    case VISIT_EV_ENDED:
        col_text(&c[12], visit_end_reason_name(e->u.end.reason));
        break;
    case VISIT_EV_LANGUAGE:
        col_text(&c[10], e->u.language.lang);
        break;
    case VISIT_EV_SCREEN:
    case VISIT_EV_STATION:
    case VISIT_EV_TRADE:
        col_text(&c[10], e->u.view.id);
        col_int(&c[18], e->u.view.dwell_ms);
        break;
    case VISIT_EV_VIDEO:
        col_text(&c[10], e->u.video.trade);
        col_int(&c[14], e->u.video.share_permille);
        col_int(&c[16], e->u.video.captions_on);
        col_int(&c[17], e->u.video.full_window);
        col_int(&c[18], e->u.video.watched_ms);
        col_int(&c[19], e->u.video.duration_ms);
        break;
    case VISIT_EV_QUIZ_ANSWER:
        col_text(&c[10], e->u.answer.question);
        col_text(&c[11], e->u.answer.station);
        col_int(&c[14], (int64_t)e->u.answer.chosen_mask);
        col_int(&c[15], (int64_t)e->u.answer.version);
        col_int(&c[16], e->u.answer.correct);
        col_int(&c[18], e->u.answer.time_ms);
        break;
    case VISIT_EV_QUIZ_RESULT:
        col_text(&c[11], e->u.result.station);
        col_int(&c[21], (int64_t)e->u.result.asked);
        col_int(&c[22], (int64_t)e->u.result.answered);
        col_int(&c[23], (int64_t)e->u.result.correct);
        break;
    case VISIT_EV_PROFILE:
        col_text(&c[12], visit_profile_name(e->u.profile.profile));
        break;
    case VISIT_EV_PERCEPTION:
        col_text(&c[10], e->u.perception.question);
        col_int(&c[14], e->u.perception.value);
        col_int(&c[15], (int64_t)e->u.perception.version);
        col_int(&c[16], e->u.perception.after);
        break;
    case VISIT_EV_SATISFACTION:
        col_text(&c[10], e->u.satisfaction.question);
        if (e->u.satisfaction.reason[0])
            col_text(&c[13], e->u.satisfaction.reason);
        col_int(&c[14], e->u.satisfaction.value);
        col_int(&c[15], (int64_t)e->u.satisfaction.version);
        break;
    case VISIT_EV_ORDER_PLACED:
        col_text(&c[10], e->u.order.colour);
        col_int(&c[16], e->u.order.engraved);
        col_int(&c[20], (int64_t)e->u.order.order_no);
        break;
    case VISIT_EV_ORDER_OUTCOME:
        col_text(&c[12], visit_order_outcome_name(e->u.outcome.outcome));
        if (e->u.outcome.why[0])
            col_text(&c[13], e->u.outcome.why);
        col_int(&c[20], (int64_t)e->u.outcome.order_no);
        break;
    case VISIT_EV_TICKET:
        col_text(&c[10], e->u.ticket.code);
        break;
    default:
        break;
    }
}

/* Binds an event's columns to parameters BASE+1.. of ST, every one of them
 * (NULL included: the statement is reused without clearing). */
static void bind_cols(sqlite3_stmt *st, int base, const col_t *c)
{
    for (int i = 0; i < EVENT_COLS; i++) {
        switch (c[i].kind) {
        case COL_INT:
            sqlite3_bind_int64(st, base + i + 1, c[i].i);
            break;
        case COL_TEXT:
            sqlite3_bind_text(st, base + i + 1, c[i].t, -1, SQLITE_STATIC);
            break;
        default:
            sqlite3_bind_null(st, base + i + 1);
            break;
        }
    }
}

/* Writes N (1 or MULTI_ROWS) events of one run; INSERT OR IGNORE on the id
 * drops the rows of a retried batch that had in fact been committed. */
static int write_events(stats_store_t *s, const item_t *its, size_t n)
{
    col_t c[EVENT_COLS];
    int64_t no = 0;
    sqlite3_stmt *st = n == 1 ? s->ins_event : s->ins_events;
    sqlite3_reset(st);
    for (size_t k = 0; k < n; k++) {
        int rc = writer_run_no(s, &its[k], &no);
        if (rc != SQLITE_OK)
            return rc;
        event_cols(s, &its[k], no, c);
        bind_cols(st, (int)k * EVENT_COLS, c);
    }
    int rc = sqlite3_step(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int write_audit(stats_store_t *s, const item_t *it)
{
    sqlite3_stmt *st = s->ins_audit;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, s->kiosk, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, it->run);
    sqlite3_bind_int64(st, 3, it->seq);
    sqlite3_bind_int64(st, 4, it->ts);
    sqlite3_bind_text(st, 5, s->cur_stop, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, it->u.audit.role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, it->u.audit.action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, it->u.audit.detail, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, it->u.audit.result, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int write_stop(stats_store_t *s, const item_t *it)
{
    const stats_stop_t *p = &it->u.stop;
    int rc = SQLITE_OK;
    if (p->id[0]) {
        sqlite3_stmt *st = NULL;
        rc = sqlite3_prepare_v2(s->db,
                                "INSERT INTO stops(id, town, venue, first_day, last_day, "
                                "updated_ms) VALUES(?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                                "town=excluded.town, venue=excluded.venue, "
                                "first_day=excluded.first_day, last_day=excluded.last_day, "
                                "updated_ms=excluded.updated_ms",
                                -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, p->town, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, p->venue, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, p->first_day, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 5, p->last_day, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 6, it->ts);
            rc = sqlite3_step(st);
            rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
        sqlite3_finalize(st);
    }
    if (rc == SQLITE_OK)
        rc = meta_set(s->db, "current_stop", p->id);
    if (rc == SQLITE_OK)
        copy_str(s->cur_stop, sizeof s->cur_stop, p->id);
    return rc;
}

static int write_group(stats_store_t *s, const item_t *it)
{
    const stats_group_t *g = &it->u.group.g;
    int rc = SQLITE_OK;
    if (!it->u.group.clear) {
        sqlite3_stmt *st = NULL;
        rc = sqlite3_prepare_v2(s->db,
                                "INSERT OR IGNORE INTO visit_groups(id, stop_id, type, level, "
                                "name, headcount, kiosk, set_ms) VALUES(?,?,?,?,?,?,?,?)",
                                -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, g->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, s->cur_stop, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, stats_group_type_name(g->type), -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, g->level, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 5, g->name, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 6, g->headcount);
            sqlite3_bind_text(st, 7, s->kiosk, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 8, it->ts);
            rc = sqlite3_step(st);
            rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
        sqlite3_finalize(st);
    }
    const char *id = it->u.group.clear ? "" : g->id;
    if (rc == SQLITE_OK)
        rc = meta_set(s->db, "current_group", id);
    if (rc == SQLITE_OK)
        copy_str(s->cur_group, sizeof s->cur_group, id);
    return rc;
}

static int purge(stats_store_t *s, int64_t now)
{
    int64_t cutoff = months_before(now, s->opt.retention_months), gone = 0;
    sqlite3_stmt *st = NULL;
    /* Events through the (type, ts) index (stats_db_purge_events), audit
     * lines through audit_ts: no scan of the table at a kiosk's start. */
    int rc = stats_db_purge_events(s->db, cutoff, &gone);
    const char *sqls[] = {"DELETE FROM audit WHERE ts < ?",
                          "DELETE FROM visit_groups WHERE set_ms < ?1 AND id NOT IN (SELECT "
                          "value FROM meta WHERE key='current_group')"};
    for (size_t i = 0; i < sizeof sqls / sizeof sqls[0] && rc == SQLITE_OK; i++) {
        rc = sqlite3_prepare_v2(s->db, sqls[i], -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, cutoff);
            rc = sqlite3_step(st);
            rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
        sqlite3_finalize(st);
        st = NULL;
    }
    if (rc == SQLITE_OK && gone > 0)
        mf_log_info("stats", "purged %" PRId64 " events older than %d months", gone,
                    s->opt.retention_months);
    s->next_purge_ms = now + PURGE_EVERY_MS;
    s->purge_done_ms = now;
    return rc;
}

/* Writes N items in one transaction. The writer's context (cur_stop,
 * cur_group) moves with the items; on failure it is put back. */
static int write_batch(stats_store_t *s, const item_t *items, size_t n, int64_t now)
{
    char stop_before[STATS_ID_MAX], group_before[STATS_ID_MAX];
    memcpy(stop_before, s->cur_stop, sizeof stop_before);
    memcpy(group_before, s->cur_group, sizeof group_before);
    int rc = exec(s->db, "BEGIN IMMEDIATE");
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        switch (items[i].kind) {
        case ITEM_EVENT: {
            size_t k = 1;
            while (k < MULTI_ROWS && i + k < n && items[i + k].kind == ITEM_EVENT &&
                   items[i + k].run == items[i].run)
                k++;
            k = k == MULTI_ROWS ? MULTI_ROWS : 1;
            rc = write_events(s, &items[i], k);
            i += k - 1;
            break;
        }
        case ITEM_AUDIT:
            rc = write_audit(s, &items[i]);
            break;
        case ITEM_STOP:
            rc = write_stop(s, &items[i]);
            break;
        case ITEM_GROUP:
            rc = write_group(s, &items[i]);
            break;
        case ITEM_PURGE:
            rc = purge(s, now);
            break;
        }
    }
    if (rc == SQLITE_OK && now >= s->next_purge_ms)
        rc = purge(s, now);
    if (rc == SQLITE_OK)
        rc = exec(s->db, "COMMIT");
    if (rc == SQLITE_OK && s->opt.after_commit && s->opt.after_commit(s->opt.after_commit_ctx))
        rc = SQLITE_IOERR;
    if (rc != SQLITE_OK) {
        if (!sqlite3_get_autocommit(s->db))
            exec(s->db, "ROLLBACK");
        memcpy(s->cur_stop, stop_before, sizeof stop_before);
        memcpy(s->cur_group, group_before, sizeof group_before);
        s->purge_done_ms = 0;
        s->w_valid = false; /* the run's row may have been rolled back */
    }
    return rc;
}

/* --- Opening the database (at open, or later on the writer thread). */

static int random_u64(uint64_t *out)
{
    ssize_t n = getrandom(out, sizeof *out, 0);
    return n == (ssize_t)sizeof *out ? MF_OK : MF_EIO;
}

/* Whether an open that failed with CODE is worth retrying (the disk, a lock),
 * not a file that is not a store, damaged or newer. */
static bool store_retryable(int code)
{
    return code == MF_ENOSPC || code == MF_ELOCKED || code == MF_EIO;
}

static const char *open_words(int code)
{
    return code == MF_ENOSPC    ? "the disk is full"
           : code == MF_ELOCKED ? "the database is locked by another program"
                                : "the disk reported an input/output error";
}

#define EVENT_INSERT                                                                               \
    "INSERT OR IGNORE INTO events(id, kiosk, run, seq, ts, at_ms, visit, type, stop_id, "          \
    "group_id, item, station, word, detail, value, version, flag, flag2, ms, ms2, order_no, "      \
    "asked, answered, correct) VALUES"
#define EVENT_ROW "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"

static void finalize_inserts(stats_store_t *s)
{
    sqlite3_stmt **stmts[] = {&s->ins_event, &s->ins_events, &s->ins_audit,
                              &s->ins_run,   &s->get_run,    &s->set_run_ts};
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
        sqlite3_finalize(*stmts[i]);
        *stmts[i] = NULL;
    }
    s->w_valid = false;
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

/* The writer's statements, prepared once. */
static int prepare_inserts(stats_store_t *s, sqlite3 *db)
{
    char multi[sizeof EVENT_INSERT + MULTI_ROWS * (sizeof EVENT_ROW + 1)];
    size_t len = (size_t)snprintf(multi, sizeof multi, "%s", EVENT_INSERT);
    for (int i = 0; i < MULTI_ROWS; i++)
        len += (size_t)snprintf(multi + len, sizeof multi - len, "%s%s", i ? "," : "", EVENT_ROW);
    _Static_assert(MULTI_ROWS * EVENT_COLS <= 32766, "SQLite's parameters");
    int rc = prepare(db, EVENT_INSERT EVENT_ROW, &s->ins_event);
    if (rc == SQLITE_OK)
        rc = prepare(db, multi, &s->ins_events);
    if (rc == SQLITE_OK)
        rc = prepare(db,
                     "INSERT OR IGNORE INTO audit(kiosk, run, seq, ts, stop_id, role, action, "
                     "detail, result) VALUES(?,?,?,?,?,?,?,?,?)",
                     &s->ins_audit);
    if (rc == SQLITE_OK)
        rc = prepare(db, "INSERT OR IGNORE INTO runs(run, kiosk, first_ts) VALUES(?,?,?)",
                     &s->ins_run);
    if (rc == SQLITE_OK)
        rc = prepare(db, "SELECT no, first_ts FROM runs WHERE run=?", &s->get_run);
    if (rc == SQLITE_OK)
        rc = prepare(db, "UPDATE runs SET first_ts=? WHERE no=?", &s->set_run_ts);
    return rc;
}

/* Opens the database, finds or makes the kiosk id, prepares the inserts and
 * loads the context. At open, or on the writer thread when the disk refused
 * at open. On failure the database is closed again (S->db NULL). */
static int store_attach(stats_store_t *s, stats_error_t *err)
{
    sqlite3 *db = NULL;
    char kiosk[STATS_ID_MAX] = "";
    stats_stop_t stop = {0};
    stats_group_t group = {0};
    if (stats_db_open(s->path, STATS_DB_CREATE | STATS_DB_MIGRATE, &db, NULL, err) != MF_OK)
        return err->code;
    s->db = db;
    if (!meta_get(db, "kiosk_id", kiosk, sizeof kiosk)) {
        uint64_t k = 0;
        random_u64(&k);
        snprintf(kiosk, sizeof kiosk, "kiosk-%08" PRIx32, (uint32_t)k);
        char created[32];
        snprintf(created, sizeof created, "%" PRId64, store_now(s));
        int rc = meta_set(db, "kiosk_id", kiosk);
        if (rc == SQLITE_OK)
            rc = meta_set(db, "created_ms", created);
        if (rc != SQLITE_OK) {
            stats_error_set(err, stats_db_error(rc), "cannot write %s: %s", s->path,
                            stats_db_words(rc));
            goto fail;
        }
    }
    if (prepare_inserts(s, db) != SQLITE_OK) {
        stats_error_set(err, MF_EDB, "cannot use %s: %s", s->path, sqlite3_errmsg(db));
        goto fail;
    }
    load_context(s, &stop, &group);
    /* The writer retries on its own: never let a lock hold it for long. */
    sqlite3_busy_timeout(db, 200);
    /* The pages that inserts touch (the table's end, the indexes' hot leaves)
     * stay in memory instead of being read back from the WAL: 32 MB at most,
     * durability unchanged (synchronous=FULL, stats_db_open). */
    exec(db, "PRAGMA cache_size=-32768");
    pthread_mutex_lock(&s->lock);
    if (!s->kiosk[0])
        copy_str(s->kiosk, sizeof s->kiosk, kiosk);
    if (!s->stop_set) /* the UI may have set it while the store could not open */
        s->stop = stop;
    if (!s->group_set)
        s->group = group;
    pthread_mutex_unlock(&s->lock);
    return MF_OK;
fail:
    finalize_inserts(s);
    sqlite3_close(db);
    s->db = NULL;
    return err->code;
}

/* A store of an older schema is migrated by the writer thread, not by open:
 * schema 5 rewrites the events table (about 6 s a million events, STATS.md)
 * and the kiosk's start must not wait for it. What open promises at once
 * (the kiosk id, the stop and the group) is read from the old store, read
 * only, meanwhile; the events wait in the queue. True when the store at
 * S->path is such a store. */
static bool store_peek_older(stats_store_t *s)
{
    sqlite3 *db = NULL;
    int v = 0;
    if (stats_db_open(s->path, STATS_DB_READONLY, &db, &v, NULL) != MF_OK)
        return false;
    bool older = v > 0 && v < STATS_SCHEMA_VERSION;
    if (older) {
        char kiosk[STATS_ID_MAX] = "";
        s->db = db;
        meta_get(db, "kiosk_id", kiosk, sizeof kiosk);
        load_context(s, &s->stop, &s->group);
        s->db = NULL;
        if (!s->kiosk[0])
            copy_str(s->kiosk, sizeof s->kiosk, kiosk);
        mf_log_info("stats",
                    "the statistics store has schema %d: it is upgraded to %d in the "
                    "background, the events wait in memory meanwhile",
                    v, STATS_SCHEMA_VERSION);
    }
    sqlite3_close(db);
    return older;
}

/* --- The writer thread. */

/* The purge at open, done here so that the kiosk's start (the UI thread)
 * never waits for it. A failure (a full disk) is retried with the next batch. */
static void writer_first_purge(stats_store_t *s)
{
    int64_t now = store_now(s);
    int rc = exec(s->db, "BEGIN IMMEDIATE");
    if (rc == SQLITE_OK)
        rc = purge(s, now);
    if (rc == SQLITE_OK)
        rc = exec(s->db, "COMMIT");
    if (rc != SQLITE_OK) {
        if (!sqlite3_get_autocommit(s->db))
            exec(s->db, "ROLLBACK");
        mf_log_warn("stats", "cannot purge old statistics now (%s)", stats_db_words(rc));
        s->next_purge_ms = 0;
    }
    pthread_mutex_lock(&s->lock);
    if (rc == SQLITE_OK)
        s->status.last_purge_ms = now;
    s->purge_done_ms = 0;
    pthread_cond_broadcast(&s->done);
    pthread_mutex_unlock(&s->lock);
}

/* Waits on COND (a condition of S's lock, on the monotonic clock) for at
 * most LEFT_MS (> 0). Under the lock. */
static void wait_locked(stats_store_t *s, pthread_cond_t *cond, int64_t left_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += left_ms / 1000;
    ts.tv_nsec += (left_ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(cond, &s->lock, &ts);
}

/* Waits until UNTIL_MONO_MS or until close asks, whichever comes first. Under
 * the lock. */
static void writer_sleep(stats_store_t *s, int64_t until_mono_ms)
{
    while (!s->stopping) {
        int64_t left = until_mono_ms - mono_ms();
        if (left <= 0)
            break;
        wait_locked(s, &s->wake, left);
    }
}

/* When the store could not be opened at start-up (a full disk): retries with a
 * backoff (250 ms doubling to 5 s) while the events wait in the queue. False
 * when close came and the store still cannot be opened (the events are lost,
 * and logged). */
static bool writer_attach(stats_store_t *s)
{
    int64_t backoff = 250;
    for (;;) {
        stats_error_t why = {0};
        int rc = store_attach(s, &why);
        int64_t now = store_now(s);
        pthread_mutex_lock(&s->lock);
        if (rc == MF_OK) {
            mf_log_info("stats", "the statistics store is open (%zu events were waiting)",
                        s->count);
            s->status.failing = false;
            pthread_mutex_unlock(&s->lock);
            return true;
        }
        if (s->status.last_error != why.code)
            mf_log_warn("stats", "still cannot open the statistics store (%s)", why.text);
        s->status.failing = true;
        s->status.last_error = why.code;
        s->status.last_error_ms = now;
        snprintf(s->status.last_error_text, sizeof s->status.last_error_text,
                 "the store cannot be opened yet: %s", open_words(why.code));
        pthread_cond_broadcast(&s->done);
        if (s->stopping &&
            (!store_retryable(why.code) || mono_ms() > s->stop_mono_ms + CLOSE_WAIT_MS)) {
            mf_log_error("stats", "closing: %zu events could not be written (%s)", s->count,
                         why.text);
            pthread_mutex_unlock(&s->lock);
            return false;
        }
        writer_sleep(s, mono_ms() + (s->stopping ? 100 : backoff));
        pthread_mutex_unlock(&s->lock);
        backoff = backoff * 2 > 5000 ? 5000 : backoff * 2;
    }
}

static void *writer_main(void *arg)
{
    stats_store_t *s = arg;
    int64_t backoff = 0;
    if (!s->db && !writer_attach(s))
        return NULL;
    writer_first_purge(s);
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (s->count == 0 && !s->stopping)
            pthread_cond_wait(&s->wake, &s->lock);
        if (s->count == 0 && s->stopping)
            break;
        /* Let a batch gather for up to commit_ms after its first item (or the
         * backoff after a failure), unless a quarter batch is there, or someone
         * waits. */
        int64_t wait = backoff > 0 ? backoff : s->opt.commit_ms;
        int64_t deadline = (backoff > 0 ? mono_ms() : s->first_mono_ms) + wait;
        while (!s->stopping &&
               (backoff > 0 || (s->sync_waiters == 0 && s->count < BATCH_MAX / 4))) {
            int64_t left = deadline - mono_ms();
            if (left <= 0)
                break;
            wait_locked(s, &s->wake, left);
        }
        /* Copied in short runs, letting the UI thread in between: an item's
         * place (head + i) stays valid, as nothing is removed before the
         * commit and grow() keeps the order. */
        size_t n = s->count < BATCH_MAX ? s->count : BATCH_MAX;
        for (size_t i = 0; i < n; i++) {
            s->batch[i] = s->ring[(s->head + i) % s->cap];
            if (i % 64 == 63) {
                pthread_mutex_unlock(&s->lock);
                pthread_mutex_lock(&s->lock);
            }
        }
        bool stopping = s->stopping;
        pthread_mutex_unlock(&s->lock);

        int64_t now = store_now(s);
        int rc = write_batch(s, s->batch, n, now);

        pthread_mutex_lock(&s->lock);
        if (rc == SQLITE_OK) {
            s->head = (s->head + n) % s->cap;
            s->count -= n;
            s->status.written += n;
            s->status.last_commit_ms = now;
            if (s->purge_done_ms)
                s->status.last_purge_ms = s->purge_done_ms;
            s->purge_done_ms = 0;
            if (s->status.failing)
                mf_log_info("stats", "the store is written again (%zu events waiting)", s->count);
            s->status.failing = false;
            s->first_mono_ms = mono_ms();
            backoff = 0;
        } else {
            int code = stats_db_error(rc);
            if (!s->status.failing || s->status.last_error != code)
                mf_log_warn("stats",
                            "cannot write the statistics (%s); %zu events kept in "
                            "memory, retrying",
                            stats_db_words(rc), s->count);
            s->status.failing = true;
            s->status.last_error = code;
            s->status.last_error_ms = now;
            copy_str(s->status.last_error_text, sizeof s->status.last_error_text,
                     stats_db_words(rc));
            backoff = backoff ? (backoff * 2 > 5000 ? 5000 : backoff * 2) : 250;
            if (stopping)
                backoff = 100;
        }
        if (s->status.dropped > s->drop_logged) {
            mf_log_warn("stats", "%" PRIu64 " events dropped: the in-memory queue is full",
                        s->status.dropped - s->drop_logged);
            s->drop_logged = s->status.dropped;
        }
        pthread_cond_broadcast(&s->done);
        if (stopping && rc != SQLITE_OK && mono_ms() > s->stop_mono_ms + CLOSE_WAIT_MS) {
            mf_log_error("stats", "closing: %zu events could not be written (%s)", s->count,
                         stats_db_words(rc));
            break;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* --- Open, close. */

stats_store_t *stats_store_open(const char *path, const stats_store_opts_t *opt, stats_error_t *err)
{
    stats_store_t *s = calloc(1, sizeof *s);
    if (!s) {
        stats_error_set(err, MF_ENOMEM, "out of memory");
        return NULL;
    }
    stats_store_opts_default(&s->opt);
    if (opt) {
        s->opt = *opt;
        if (s->opt.retention_months <= 0)
            s->opt.retention_months = 25;
        if (s->opt.commit_ms <= 0)
            s->opt.commit_ms = 250;
        if (s->opt.queue_max < 16)
            s->opt.queue_max = 200000;
    }
    if (!s->opt.clock)
        s->opt.clock = wall_ms;
    copy_str(s->path, sizeof s->path, path);
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->wake, &ca);
    pthread_cond_init(&s->done, &ca);
    pthread_condattr_destroy(&ca);

    /* Drawn once: the run names this session's events even while the store
     * cannot be created yet. */
    uint64_t r = 0;
    if (random_u64(&r) != MF_OK) {
        stats_error_set(err, MF_EIO, "no random numbers from the system (getrandom)");
        goto fail;
    }
    s->run = (int64_t)(r >> 1);
    s->run_ts = INT64_MIN;
    if (s->opt.kiosk_id && s->opt.kiosk_id[0])
        copy_str(s->kiosk, sizeof s->kiosk, s->opt.kiosk_id);
    stats_error_t why = {0};
    if (!store_peek_older(s) && store_attach(s, &why) != MF_OK) {
        if (!store_retryable(why.code)) {
            if (err)
                *err = why;
            goto fail;
        }
        /* A full disk at the kiosk's start: the kiosk runs, the events wait
         * in memory, and the writer creates the store when it can. */
        mf_log_warn("stats",
                    "cannot open the statistics store now (%s); events are kept in memory "
                    "and the store will be opened when it can",
                    why.text);
        s->status.failing = true;
        s->status.last_error = why.code;
        s->status.last_error_ms = store_now(s);
        snprintf(s->status.last_error_text, sizeof s->status.last_error_text,
                 "the store cannot be opened yet: %s", open_words(why.code));
    }

    s->cap = QUEUE_START < s->opt.queue_max ? QUEUE_START : s->opt.queue_max;
    s->ring = malloc(s->cap * sizeof *s->ring);
    s->batch = malloc(BATCH_MAX * sizeof *s->batch);
    s->next_seq = 1;
    if (!s->ring || !s->batch) {
        stats_error_set(err, MF_ENOMEM, "out of memory");
        goto fail;
    }
    if (pthread_create(&s->thread, NULL, writer_main, s) != 0) {
        stats_error_set(err, MF_ENOMEM, "cannot start the statistics writer thread");
        goto fail;
    }
    s->thread_started = true;
    return s;
fail:
    stats_store_close(s);
    return NULL;
}

void stats_store_close(stats_store_t *s)
{
    if (!s)
        return;
    if (s->thread_started) {
        pthread_mutex_lock(&s->lock);
        s->stopping = true;
        s->stop_mono_ms = mono_ms();
        pthread_cond_broadcast(&s->wake);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
    }
    finalize_inserts(s);
    if (s->db) {
        /* Fold the WAL back so the store is one file (a USB copy, a merge). */
        sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
        sqlite3_close(s->db);
    }
    pthread_cond_destroy(&s->wake);
    pthread_cond_destroy(&s->done);
    pthread_mutex_destroy(&s->lock);
    free(s->ring);
    free(s->batch);
    free(s);
}

/* --- The UI side: queue an item (never waits on the disk). */

static bool grow(stats_store_t *s)
{
    size_t cap = s->cap * 2 < s->opt.queue_max ? s->cap * 2 : s->opt.queue_max;
    if (cap <= s->cap)
        return false;
    item_t *r = malloc(cap * sizeof *r);
    if (!r)
        return false;
    for (size_t i = 0; i < s->count; i++)
        r[i] = s->ring[(s->head + i) % s->cap];
    free(s->ring);
    s->ring = r;
    s->cap = cap;
    s->head = 0;
    return true;
}

/* A new run (a day has passed, or the seq would outgrow 32 bits): a fresh
 * random id, or when the system gives none, one derived from the last
 * (splitmix64's step: as unlikely to meet another kiosk's). Under the lock;
 * once a day at most. */
static void next_run(stats_store_t *s, int64_t ts)
{
    uint64_t r = 0;
    if (random_u64(&r) != MF_OK) {
        r = (uint64_t)s->run + 0x9E3779B97F4A7C15ull;
        r = (r ^ (r >> 30)) * 0xBF58476D1CE4E5B9ull;
        r = (r ^ (r >> 27)) * 0x94D049BB133111EBull;
        r ^= r >> 31;
    }
    s->run = (int64_t)(r >> 1);
    s->run_ts = ts;
    if (s->next_seq > SEQ_MAX)
        s->next_seq = 1;
}

/* Reserves the next slot under the lock; NULL when the queue is at its bound.
 * A run older than a day is cut only where a visit starts (AT_VISIT_START):
 * a visit is known by its run and number, and must not be split in two. */
static item_t *push_begin(stats_store_t *s, item_kind_t kind, bool at_visit_start)
{
    pthread_mutex_lock(&s->lock);
    if (s->count == s->cap && !grow(s)) {
        s->status.dropped++;
        pthread_mutex_unlock(&s->lock);
        return NULL;
    }
    item_t *it = &s->ring[(s->head + s->count) % s->cap];
    it->kind = kind;
    it->ts = store_now(s);
    if (s->run_ts == INT64_MIN)
        s->run_ts = it->ts;
    if (s->next_seq > SEQ_MAX || (at_visit_start && it->ts - s->run_ts >= RUN_SPAN_MS))
        next_run(s, it->ts);
    it->run = s->run;
    it->seq = s->next_seq++;
    return it;
}

static void push_end(stats_store_t *s)
{
    if (s->count++ == 0) {
        s->first_mono_ms = mono_ms();
        pthread_cond_signal(&s->wake);
    } else if (s->count == BATCH_MAX / 4) {
        pthread_cond_signal(&s->wake);
    }
    pthread_mutex_unlock(&s->lock);
}

void stats_store_record(stats_store_t *s, const visit_event_t *ev)
{
    if (!s || !ev)
        return;
    item_t *it = push_begin(s, ITEM_EVENT, ev->type == VISIT_EV_STARTED);
    if (!it)
        return;
    it->u.ev = *ev;
    push_end(s);
}

static void sink_emit(void *ctx, const visit_event_t *ev)
{
    stats_store_record(ctx, ev);
}

visit_sink_t stats_store_sink(stats_store_t *s)
{
    return (visit_sink_t){.emit = s ? sink_emit : NULL, .ctx = s};
}

int stats_audit_record(stats_store_t *s, const char *role, const char *action, const char *detail,
                       const char *result)
{
    if (!s || !action)
        return MF_EINVAL;
    item_t *it = push_begin(s, ITEM_AUDIT, false);
    if (!it)
        return MF_EFULL;
    copy_str(it->u.audit.role, sizeof it->u.audit.role, role);
    copy_str(it->u.audit.action, sizeof it->u.audit.action, action);
    copy_str(it->u.audit.detail, sizeof it->u.audit.detail, detail);
    copy_str(it->u.audit.result, sizeof it->u.audit.result, result);
    push_end(s);
    return MF_OK;
}

static bool valid_day(const char *d)
{
    if (!d[0])
        return true;
    int y, m, dd;
    char extra;
    return strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d%c", &y, &m, &dd, &extra) == 3 && m >= 1 &&
           m <= 12 && dd >= 1 && dd <= 31;
}

int stats_store_set_stop(stats_store_t *s, const stats_stop_t *stop)
{
    if (!s || !stop || !valid_day(stop->first_day) || !valid_day(stop->last_day) ||
        strnlen(stop->id, sizeof stop->id) == sizeof stop->id)
        return MF_EINVAL;
    item_t *it = push_begin(s, ITEM_STOP, false);
    if (!it)
        return MF_EFULL;
    it->u.stop = *stop;
    s->stop = *stop;
    s->stop_set = true;
    push_end(s);
    return MF_OK;
}

int stats_store_set_group(stats_store_t *s, stats_group_t *group)
{
    if (!s || (group &&
               (group->type < 0 || group->type >= STATS_GROUP_TYPE_COUNT || group->headcount < 0)))
        return MF_EINVAL;
    item_t *it = push_begin(s, ITEM_GROUP, false);
    if (!it)
        return MF_EFULL;
    it->u.group.clear = group == NULL;
    if (group) {
        snprintf(group->id, sizeof group->id, "g%" PRIx64 "-%" PRId64, (uint64_t)it->run, it->seq);
        it->u.group.g = *group;
        s->group = *group;
    } else {
        memset(&s->group, 0, sizeof s->group);
    }
    s->group_set = true;
    push_end(s);
    return MF_OK;
}

void stats_store_context(const stats_store_t *s, stats_stop_t *stop, stats_group_t *group)
{
    stats_store_t *m = (stats_store_t *)s;
    pthread_mutex_lock(&m->lock);
    if (stop)
        *stop = s->stop;
    if (group)
        *group = s->group;
    pthread_mutex_unlock(&m->lock);
}

int stats_store_sync(stats_store_t *s, int timeout_ms)
{
    if (!s)
        return MF_EINVAL;
    int64_t deadline = mono_ms() + timeout_ms;
    pthread_mutex_lock(&s->lock);
    /* Everything queued before this call: items leave the queue only when
     * committed (written counts them), in order. */
    uint64_t target = s->status.written + s->count;
    int rc = MF_OK;
    s->sync_waiters++;
    pthread_cond_broadcast(&s->wake);
    for (;;) {
        if (s->status.written >= target)
            break;
        int64_t left = deadline - mono_ms();
        if (left <= 0) {
            rc = s->status.failing ? s->status.last_error : MF_ETIMEDOUT;
            break;
        }
        wait_locked(s, &s->done, left);
    }
    s->sync_waiters--;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int stats_store_purge(stats_store_t *s, int timeout_ms)
{
    if (!s)
        return MF_EINVAL;
    item_t *it = push_begin(s, ITEM_PURGE, false);
    if (!it)
        return MF_EFULL;
    push_end(s);
    return stats_store_sync(s, timeout_ms);
}

const char *stats_store_kiosk_id(const stats_store_t *s)
{
    return s->kiosk;
}

const char *stats_store_path(const stats_store_t *s)
{
    return s->path;
}

void stats_store_status(const stats_store_t *s, stats_status_t *st)
{
    stats_store_t *m = (stats_store_t *)s;
    pthread_mutex_lock(&m->lock);
    *st = s->status;
    st->queued = s->count;
    pthread_mutex_unlock(&m->lock);
}
