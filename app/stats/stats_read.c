/*
 * stats_read.c - reading a store for the organisers (private to app/stats,
 * stats_read.h): the filters, the statements bound to them, the store opened
 * for a whole read, and the small formatting the summary and the exports
 * share. Split out of stats_export.c; no behaviour of its own.
 */
#include "stats_read.h"

#include "mf_error.h"
#include "stats_db.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- Filters and days. */

void stats_filter_init(stats_filter_t *f)
{
    memset(f, 0, sizeof *f);
    f->from_ms = INT64_MIN;
    f->to_ms = INT64_MAX;
}

int stats_parse_day(const char *text, bool end, int64_t *out_ms)
{
    int y, m, d;
    char extra;
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
        sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || y < 1970 || y > 9999 || m < 1 ||
        m > 12 || d < 1 || d > 31)
        return MF_EINVAL;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
    time_t t = mktime(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != m - 1) /* 2026-02-30 moved */
        return MF_EINVAL;
    if (end) {
        struct tm next = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 1, .tm_isdst = -1};
        t = mktime(&next);
    }
    *out_ms = (int64_t)t * 1000;
    return MF_OK;
}

static void bind_filter(sqlite3_stmt *st, const stats_filter_t *f)
{
    int n = sqlite3_bind_parameter_count(st);
    if (n >= 1)
        sqlite3_bind_int64(st, 1, f->from_ms);
    if (n >= 2)
        sqlite3_bind_int64(st, 2, f->to_ms);
    if (n >= 3)
        sqlite3_bind_text(st, 3, f->stop_id, -1, SQLITE_STATIC);
    if (n >= 4)
        sqlite3_bind_text(st, 4, f->group_id, -1, SQLITE_STATIC);
}

int stats_read_prepare(sqlite3 *db, const char *sql, const stats_filter_t *f, sqlite3_stmt **st,
                       stats_error_t *err)
{
    const char *clause = f && (f->stop_id[0] || f->group_id[0])                    ? F_FULL
                         : f && (f->from_ms != INT64_MIN || f->to_ms != INT64_MAX) ? F_TIME
                                                                                   : "1";
    char *text = NULL;
    if (strstr(sql, F_EV)) {
        size_t n = 0, cl = strlen(clause);
        for (const char *p = strstr(sql, F_EV); p; p = strstr(p + 3, F_EV))
            n++;
        text = malloc(strlen(sql) + n * cl + 1);
        if (!text)
            return stats_error_set(err, MF_ENOMEM, "out of memory");
        char *o = text;
        for (const char *p = sql;;) {
            const char *q = strstr(p, F_EV);
            size_t len = q ? (size_t)(q - p) : strlen(p);
            memcpy(o, p, len);
            o += len;
            if (!q)
                break;
            memcpy(o, clause, cl);
            o += cl;
            p = q + 3;
        }
        *o = '\0';
        sql = text;
    }
    int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
    free(text);
    if (rc != SQLITE_OK)
        return stats_error_set(err, stats_db_error(rc), "reading the store: %s (%s)",
                               stats_db_words(rc), sqlite3_errmsg(db));
    if (f)
        bind_filter(*st, f);
    return MF_OK;
}

int stats_read_step_error(sqlite3 *db, int rc, stats_error_t *err)
{
    return stats_error_set(err, stats_db_error(rc), "reading the store: %s (%s)",
                           stats_db_words(rc), sqlite3_errmsg(db));
}

void stats_read_copy_col(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", t ? (const char *)t : "");
}

/* Runs SQL (bound to F) and calls ROW for each result row. */
int stats_read_each_row(sqlite3 *db, const char *sql, const stats_filter_t *f,
                        stats_read_row_fn row, void *ctx, stats_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = stats_read_prepare(db, sql, f, &st, err);
    if (rc != MF_OK)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        row(ctx, st);
    int out = rc == SQLITE_DONE ? MF_OK : stats_read_step_error(db, rc, err);
    sqlite3_finalize(st);
    return out;
}

/* Opens the store at PATH for reading by a command or an export. */
static int read_open(const char *path, int flags, sqlite3 **db, stats_error_t *err)
{
    int rc = stats_db_open(path, STATS_DB_MIGRATE | flags, db, NULL, err);
    /* Reports read the whole store: map it, cache it, sort in memory. */
    if (rc == MF_OK)
        sqlite3_exec(*db,
                     "PRAGMA mmap_size=" STATS_DB_MMAP_SIZE "; PRAGMA cache_size=-65536;"
                     " PRAGMA temp_store=MEMORY",
                     NULL, NULL, NULL);
    return rc;
}

int stats_read_open(const char *path, sqlite3 **db, stats_error_t *err)
{
    return read_open(path, STATS_DB_CHECK, db, err);
}

int stats_read_open_unchecked(const char *path, sqlite3 **db, stats_error_t *err)
{
    return read_open(path, 0, db, err);
}

void stats_read_fmt_time(int64_t ms, char *buf, size_t size)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

double stats_read_pct(int64_t part, int64_t whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}
