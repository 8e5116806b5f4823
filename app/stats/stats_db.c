/*
 * stats_db.c - opening, recognising and migrating a statistics store (see
 * stats_db.h). The schema's history is the list of steps below: a store of
 * version N runs steps N+1.. up to STATS_SCHEMA_VERSION, each in its own
 * transaction, so a power cut during a migration leaves the last good
 * version. docs/STATS.md describes the result.
 */
#include "stats_db.h"

#include "mf_error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Step N takes a store of version N-1 to version N. Never edit a step that
 * has shipped: add one. */
static const char *const migration_steps[STATS_SCHEMA_VERSION + 1] = {
    [1] = /* the events, one row each, and the store's own facts */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE events("
    " id INTEGER PRIMARY KEY,"
    " kiosk TEXT NOT NULL, run INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " ts INTEGER NOT NULL, at_ms INTEGER NOT NULL, visit INTEGER NOT NULL,"
    " type TEXT NOT NULL,"
    " item TEXT, station TEXT, word TEXT, detail TEXT,"
    " value INTEGER, version INTEGER, flag INTEGER, flag2 INTEGER,"
    " ms INTEGER, ms2 INTEGER, order_no INTEGER,"
    " asked INTEGER, answered INTEGER, correct INTEGER,"
    " UNIQUE(run, seq));"
    "CREATE INDEX events_ts ON events(ts);",
    [2] = /* the context: the truck's stops and the groups in it */
    "CREATE TABLE stops(id TEXT PRIMARY KEY, town TEXT NOT NULL DEFAULT '',"
    " venue TEXT NOT NULL DEFAULT '', first_day TEXT NOT NULL DEFAULT '',"
    " last_day TEXT NOT NULL DEFAULT '', updated_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE visit_groups(id TEXT PRIMARY KEY, stop_id TEXT NOT NULL DEFAULT '',"
    " type TEXT NOT NULL, level TEXT NOT NULL DEFAULT '', name TEXT NOT NULL DEFAULT '',"
    " headcount INTEGER NOT NULL DEFAULT 0, kiosk TEXT NOT NULL DEFAULT '',"
    " set_ms INTEGER NOT NULL DEFAULT 0);"
    "ALTER TABLE events ADD COLUMN stop_id TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE events ADD COLUMN group_id TEXT NOT NULL DEFAULT '';",
    [3] = /* the staff's actions (issue 13) */
    "CREATE TABLE audit(id INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, run INTEGER NOT NULL,"
    " seq INTEGER NOT NULL, ts INTEGER NOT NULL, stop_id TEXT NOT NULL DEFAULT '',"
    " role TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '',"
    " result TEXT NOT NULL DEFAULT '', UNIQUE(run, seq));"
    "CREATE INDEX audit_ts ON audit(ts);",
    [4] = /* the reports' figures read one type of event at a time; the time
           * alone is read by whole scans anyway, and one index less is a
           * faster insert */
    "CREATE INDEX events_type_ts ON events(type, ts);"
    "DROP INDEX events_ts;",
    [5] = /* no index on the events at all: the UNIQUE(run, seq) and the (type,
           * ts) index tripled an insert's cost (docs/STATS.md has the
           * figures). Each run gets its number in this store (runs.no), an
           * event's id is (no << 32) | seq, and the rowid alone keeps a row
           * from being counted twice. SQLite cannot drop a constraint: the
           * table is rebuilt, its columns unchanged. */
    "CREATE TABLE runs(no INTEGER PRIMARY KEY, run INTEGER NOT NULL UNIQUE,"
    " kiosk TEXT NOT NULL, first_ts INTEGER NOT NULL);"
    "INSERT INTO runs(run, kiosk, first_ts)"
    " SELECT run, min(kiosk), min(ts) FROM events GROUP BY run ORDER BY min(id);"
    "CREATE TABLE events_5("
    " id INTEGER PRIMARY KEY,"
    " kiosk TEXT NOT NULL, run INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " ts INTEGER NOT NULL, at_ms INTEGER NOT NULL, visit INTEGER NOT NULL,"
    " type TEXT NOT NULL,"
    " item TEXT, station TEXT, word TEXT, detail TEXT,"
    " value INTEGER, version INTEGER, flag INTEGER, flag2 INTEGER,"
    " ms INTEGER, ms2 INTEGER, order_no INTEGER,"
    " asked INTEGER, answered INTEGER, correct INTEGER,"
    " stop_id TEXT NOT NULL DEFAULT '', group_id TEXT NOT NULL DEFAULT '');"
    "INSERT INTO events_5 SELECT (r.no << 32) | e.seq, e.kiosk, e.run, e.seq, e.ts, e.at_ms,"
    " e.visit, e.type, e.item, e.station, e.word, e.detail, e.value, e.version, e.flag,"
    " e.flag2, e.ms, e.ms2, e.order_no, e.asked, e.answered, e.correct, e.stop_id,"
    " e.group_id FROM events e JOIN runs r ON r.run = e.run ORDER BY r.no, e.seq;"
    "DROP TABLE events;"
    "ALTER TABLE events_5 RENAME TO events;",
};

int stats_error_set(stats_error_t *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->text, sizeof err->text, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int stats_db_error(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return MF_OK;
    case SQLITE_NOMEM:
        return MF_ENOMEM;
    case SQLITE_FULL:
        return MF_ENOSPC;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return MF_ELOCKED;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return MF_EPERM;
    case SQLITE_CANTOPEN:
        return MF_ENOENT;
    case SQLITE_IOERR:
        return MF_EIO;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return MF_ETRUNCATED;
    default:
        return MF_EDB;
    }
}

const char *stats_db_words(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_FULL:
        return "the disk is full";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "the database is locked by another program";
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return "the file or its folder is not writable";
    case SQLITE_CANTOPEN:
        return "the file cannot be opened";
    case SQLITE_IOERR:
        return "the disk reported an input/output error";
    case SQLITE_CORRUPT:
        return "the store is damaged";
    case SQLITE_NOTADB:
        return "the file is not an SQLite database";
    default:
        return sqlite3_errstr(rc);
    }
}

int stats_db_version(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int v = MF_EDB;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    else
        v = stats_db_error(rc);
    sqlite3_finalize(st);
    return v;
}

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int(st, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int stats_db_migrate(sqlite3 *db, int target, stats_error_t *err)
{
    int v = stats_db_version(db);
    if (v < 0)
        return stats_error_set(err, v, "cannot read the schema version");
    for (int step = v + 1; step <= target; step++) {
        char sql[128];
        char *msg = NULL;
        int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, migration_steps[step], NULL, NULL, &msg);
        if (rc == SQLITE_OK && step == 1) {
            snprintf(sql, sizeof sql, "PRAGMA application_id=%d", STATS_APP_ID);
            rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
        }
        if (rc == SQLITE_OK) {
            snprintf(sql, sizeof sql, "PRAGMA user_version=%d", step);
            rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
        }
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
            stats_error_set(err, stats_db_error(rc), "migrating the store to schema %d: %s (%s)",
                            step, stats_db_words(rc), msg ? msg : sqlite3_errmsg(db));
            sqlite3_free(msg);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return err ? err->code : MF_EDB;
        }
    }
    return MF_OK;
}

int stats_db_purge_events(sqlite3 *db, int64_t cutoff_ms, int64_t *deleted)
{
    sqlite3_stmt *runs = NULL, *del = NULL;
    int64_t n = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT no FROM runs WHERE first_ts < ? ORDER BY no", -1, &runs,
                                NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "DELETE FROM events WHERE id >= ?1 AND id < ?2 AND ts < ?3", -1,
                                &del, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(runs, 1, cutoff_ms);
    while (rc == SQLITE_OK) {
        rc = sqlite3_step(runs);
        if (rc != SQLITE_ROW) {
            rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
            break;
        }
        int64_t no = sqlite3_column_int64(runs, 0);
        sqlite3_reset(del);
        sqlite3_bind_int64(del, 1, (int64_t)((uint64_t)no << 32));
        sqlite3_bind_int64(del, 2, (int64_t)((uint64_t)(no + 1) << 32));
        sqlite3_bind_int64(del, 3, cutoff_ms);
        rc = sqlite3_step(del);
        if (rc == SQLITE_DONE) {
            n += sqlite3_changes(db);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(runs);
    sqlite3_finalize(del);
    if (deleted)
        *deleted = n;
    return rc;
}

int stats_db_open(const char *path, int flags, sqlite3 **out, int *version, stats_error_t *err)
{
    sqlite3 *db = NULL;
    struct stat sb;
    int rc, v = 0, app = 0;
    bool exists = stat(path, &sb) == 0;
    *out = NULL;
    if (exists && S_ISDIR(sb.st_mode))
        return stats_error_set(err, MF_EINVAL, "%s is a folder, not a statistics store", path);
    if (!exists && !(flags & STATS_DB_CREATE))
        return stats_error_set(err, MF_ENOENT, "%s: no such statistics store", path);
    int oflags = (flags & STATS_DB_READONLY) ? SQLITE_OPEN_READONLY
                                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    rc = sqlite3_open_v2(path, &db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        stats_error_set(err, stats_db_error(rc), "cannot open %s: %s", path, stats_db_words(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 2000);
    rc = pragma_int(db, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK)
        rc = pragma_int(db, "PRAGMA user_version", &v);
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_NOTADB)
            stats_error_set(err, MF_EINVAL,
                            "%s is not a minifab statistics store (not an SQLite database)", path);
        else
            stats_error_set(err, stats_db_error(rc), "cannot read %s: %s", path,
                            stats_db_words(rc));
        goto fail;
    }
    if (app == 0 && v == 0) {
        int tables = 0;
        pragma_int(db, "SELECT count(*) FROM sqlite_schema", &tables);
        if (tables > 0) {
            stats_error_set(err, MF_EINVAL,
                            "%s is an SQLite database but not a minifab statistics store", path);
            goto fail;
        }
        if (!(flags & STATS_DB_CREATE) || (flags & STATS_DB_READONLY)) {
            stats_error_set(err, MF_EINVAL, "%s is empty, not a minifab statistics store", path);
            goto fail;
        }
    } else if (app != STATS_APP_ID) {
        stats_error_set(err, MF_EINVAL,
                        "%s is an SQLite database but not a minifab statistics store", path);
        goto fail;
    }
    if (v > STATS_SCHEMA_VERSION) {
        stats_error_set(err, MF_EINCOMPAT,
                        "%s was written by a newer minifab (store schema %d; this one knows up "
                        "to %d): update minifab to read it",
                        path, v, STATS_SCHEMA_VERSION);
        goto fail;
    }
    if (flags & STATS_DB_CHECK) {
        /* Mapped, the check reads each page once: 0.3 s for a year's store
         * out of the page cache, 2.0-2.4 s through SQLite's default 2 MB
         * cache (docs/BENCHMARKS.md). */
        sqlite3_exec(db, "PRAGMA mmap_size=" STATS_DB_MMAP_SIZE, NULL, NULL, NULL);
        sqlite3_stmt *st = NULL;
        rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL);
        const char *res = NULL;
        if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
            res = (const char *)sqlite3_column_text(st, 0);
        if (!res || strcmp(res, "ok") != 0) {
            stats_error_set(err, MF_ETRUNCATED,
                            "%s is damaged (SQLite's check: %s); keep a copy and export from "
                            "another kiosk's store, or restore a backup",
                            path, res ? res : stats_db_words(rc));
            sqlite3_finalize(st);
            goto fail;
        }
        sqlite3_finalize(st);
    }
    if (!(flags & STATS_DB_READONLY)) {
        /* WAL: readers (exports) never block the writer. synchronous=FULL: a
         * commit is on the disk when it returns, so a power cut loses only
         * what was still queued in memory (docs/STATS.md says why). */
        char *msg = NULL;
        rc =
            sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
            stats_error_set(err, stats_db_error(rc), "cannot use %s: %s (%s)", path,
                            stats_db_words(rc), msg ? msg : "");
            sqlite3_free(msg);
            goto fail;
        }
        if (v < STATS_SCHEMA_VERSION) {
            if (v > 0 && !(flags & STATS_DB_MIGRATE)) {
                stats_error_set(err, MF_EINCOMPAT,
                                "%s has the older store schema %d (this minifab uses %d)", path, v,
                                STATS_SCHEMA_VERSION);
                goto fail;
            }
            if (stats_db_migrate(db, STATS_SCHEMA_VERSION, err) != MF_OK)
                goto fail;
            v = STATS_SCHEMA_VERSION;
        }
    } else if (v < STATS_SCHEMA_VERSION && !version) {
        stats_error_set(err, MF_EINCOMPAT, "%s has the older store schema %d (this one uses %d)",
                        path, v, STATS_SCHEMA_VERSION);
        goto fail;
    }
    if (version)
        *version = v;
    *out = db;
    return MF_OK;
fail:
    sqlite3_close(db);
    return err ? err->code : MF_EDB;
}
