/*
 * stats_read.h - private to app/stats: reading a store for the organisers,
 * shared by the summary (stats_summary.c) and the exports (stats_export.c):
 * the filter as SQL, statements bound to it, SQLite's errors in words, the
 * store opened for a whole read, and the summary's pass as the exports call
 * it.
 */
#ifndef MF_STATS_READ_H
#define MF_STATS_READ_H

#include "stats_export.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* The filter, as the statements read it: ?1 from, ?2 to, ?3 stop, ?4 group.
 * F_EV is replaced when a statement is prepared by only what the filter
 * needs (nothing, the time, or everything): a filter costs only the
 * conditions it sets. */
#define F_EV "{F}"
#define F_FULL "ts >= ?1 AND ts < ?2 AND (?3 = '' OR stop_id = ?3) AND (?4 = '' OR group_id = ?4)"
#define F_TIME "ts >= ?1 AND ts < ?2"

/* SQL prepared on DB in *ST with F_EV replaced and bound to F (may be NULL).
 * 0 or an MF_E* code with a message in ERR. */
int stats_read_prepare(sqlite3 *db, const char *sql, const stats_filter_t *f, sqlite3_stmt **st,
                       stats_error_t *err);

/* ERR filled for SQLite's result RC on DB; returns the MF_E* code. */
int stats_read_step_error(sqlite3 *db, int rc, stats_error_t *err);

/* Column COL's text into DST ("" for NULL), cut to SIZE. */
void stats_read_copy_col(char *dst, size_t size, sqlite3_stmt *st, int col);

typedef void (*stats_read_row_fn)(void *ctx, sqlite3_stmt *st);

/* Runs SQL (bound to F) and calls ROW for each result row. */
int stats_read_each_row(sqlite3 *db, const char *sql, const stats_filter_t *f,
                        stats_read_row_fn row, void *ctx, stats_error_t *err);

/* Opens the store at PATH for reading by a command or an export (migrated,
 * checked, mapped). */
int stats_read_open(const char *path, sqlite3 **db, stats_error_t *err);

/* The same without the integrity check, for a reader that runs it beside
 * its own work (the CSV export). */
int stats_read_open_unchecked(const char *path, sqlite3 **db, stats_error_t *err);

/* MS as local "YYYY-MM-DD HH:MM" into BUF. */
void stats_read_fmt_time(int64_t ms, char *buf, size_t size);

/* PART of WHOLE in percent, 0 when WHOLE is 0. */
double stats_read_pct(int64_t part, int64_t whole);

/* The headline figures of DB under F (stats_summary.c). */
int stats_summary_db(sqlite3 *db, const stats_filter_t *f, stats_summary_t *sm, stats_error_t *err);

#endif
