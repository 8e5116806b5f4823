/*
 * stats_db.h - private to app/stats: opening a store file with SQLite,
 * recognising it, its schema versions and their migrations, and mapping
 * SQLite's errors to MF_E* codes with words a person understands.
 *
 * Shared by the store (stats_store.c), the exports (stats_export.c,
 * stats_report.c) and the merge; tests use it to build stores of earlier
 * schema versions. Not installed for other areas: they use stats_store.h and
 * stats_export.h.
 */
#ifndef MF_STATS_DB_H
#define MF_STATS_DB_H

#include "stats_store.h"

#include <sqlite3.h>

/* PRAGMA application_id of a minifab statistics store ("MFst"). */
#define STATS_APP_ID 0x4D467374

enum {
    STATS_DB_CREATE = 1,   /* create the store when the file is missing or empty */
    STATS_DB_MIGRATE = 2,  /* migrate an older schema in place */
    STATS_DB_CHECK = 4,    /* PRAGMA quick_check first (command-line reads) */
    STATS_DB_READONLY = 8, /* no write at all (a merge's input) */
};

/* Opens PATH per FLAGS; on success *OUT is a connection to a store of the
 * current schema (or, with READONLY, of the version in *VERSION when not
 * NULL). Returns 0 or an MF_E* code with a message in ERR. */
int stats_db_open(const char *path, int flags, sqlite3 **out, int *version, stats_error_t *err);

/* How much of a store a whole-store reader maps (PRAGMA mmap_size): 1 GB. */
#define STATS_DB_MMAP_SIZE "1073741824"

/* Brings DB from its version up to TARGET (<= STATS_SCHEMA_VERSION), each
 * step in its own transaction. A fresh database is version 0. Tests call it
 * with a lower TARGET to make stores of earlier versions. */
int stats_db_migrate(sqlite3 *db, int target, stats_error_t *err);

/* PRAGMA user_version, or a negative code. */
int stats_db_version(sqlite3 *db);

/* An MF_E* code for an SQLite result code (SQLITE_FULL -> MF_ENOSPC...). */
int stats_db_error(int sqlite_rc);

/* Deletes the events older than CUTOFF_MS without scanning the table: the
 * runs whose first event is younger than the cutoff are skipped (runs.first_ts),
 * and an older run's events are read through its range of ids, (no << 32) to
 * (no + 1) << 32. The cost follows the old runs' size, not the store's (the
 * writer starts a new run every day, so at most a day of a run that straddles
 * the cutoff is read for nothing). Returns an SQLite result code; DELETED (may
 * be NULL) gets the count. Runs inside the caller's transaction. */
int stats_db_purge_events(sqlite3 *db, int64_t cutoff_ms, int64_t *deleted);

/* Fills ERR with CODE and a printf message; returns CODE. */
int stats_error_set(stats_error_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Words for an SQLite failure on DB ("disk full", "damaged"...). */
const char *stats_db_words(int sqlite_rc);

#endif
