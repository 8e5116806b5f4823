/*
 * stats_merge.c - `minifab stats merge OUT IN...`: several kiosks' stores
 * into one (a truck has several kiosks, a region several trucks). Rows are
 * keyed by their unique ids (run, seq): each source run is found or numbered
 * in the output's runs table and its events get the output's ids, (no << 32)
 * | seq, so INSERT OR IGNORE on the id makes a merge idempotent. Inputs are opened read-only and
 * checked before anything is written; an input of an older schema is copied (SQLite's backup API)
 * to a temporary file and migrated there, never in place.
 */
#include "stats_db.h"
#include "stats_export.h"

#include "mf_error.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EVENT_COLS                                                                                 \
    "kiosk, run, seq, ts, at_ms, visit, type, item, station, word, detail, value, version,"        \
    " flag, flag2, ms, ms2, order_no, asked, answered, correct, stop_id, group_id"
#define EVENT_COLS_E                                                                               \
    "e.kiosk, e.run, e.seq, e.ts, e.at_ms, e.visit, e.type, e.item, e.station, e.word,"            \
    " e.detail, e.value, e.version, e.flag, e.flag2, e.ms, e.ms2, e.order_no, e.asked,"            \
    " e.answered, e.correct, e.stop_id, e.group_id"

/* A temporary, migrated copy of the store at PATH (version VERSION). */
static int migrated_copy(const char *path, char *tmp, size_t size, stats_error_t *err)
{
    sqlite3 *src = NULL, *dst = NULL;
    snprintf(tmp, size, "%s/minifab-merge-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(tmp);
    if (fd < 0)
        return stats_error_set(err, MF_EIO, "cannot make a temporary copy of %s: %s", path,
                               strerror(errno));
    close(fd);
    int rc = stats_db_open(path, STATS_DB_READONLY, &src, &(int){0}, err);
    if (rc == MF_OK && sqlite3_open(tmp, &dst) != SQLITE_OK)
        rc = stats_error_set(err, MF_EIO, "cannot make a temporary copy of %s", path);
    if (rc == MF_OK) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
        int s = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(dst);
        sqlite3_backup_finish(b);
        if (s != SQLITE_DONE)
            rc = stats_error_set(err, stats_db_error(s), "cannot copy %s: %s", path,
                                 stats_db_words(s));
    }
    if (rc == MF_OK)
        rc = stats_db_migrate(dst, STATS_SCHEMA_VERSION, err);
    sqlite3_close(src);
    sqlite3_close(dst);
    if (rc != MF_OK)
        unlink(tmp);
    return rc;
}

static int exec_err(sqlite3 *db, const char *sql, const char *what, stats_error_t *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        stats_error_set(err, stats_db_error(rc), "%s: %s (%s)", what, stats_db_words(rc),
                        msg ? msg : "");
        sqlite3_free(msg);
        return err ? err->code : MF_EDB;
    }
    return MF_OK;
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int stats_merge(const char *out, const char *const *in, int n_in, int64_t *added,
                stats_error_t *err)
{
    char tmp_out[PATH_MAX + 32] = "";
    char copies[64][PATH_MAX];
    sqlite3 *db = NULL;
    int rc = MF_OK;
    if (added)
        *added = 0;
    if (n_in < 1 || n_in > 64)
        return stats_error_set(err, MF_EINVAL, "give 1 to 64 stores to merge");
    memset(copies, 0, sizeof copies);

    /* Check every input first: nothing is written when one is unusable. */
    for (int i = 0; i < n_in && rc == MF_OK; i++) {
        sqlite3 *idb = NULL;
        int version = 0;
        if (same_file(in[i], out)) {
            rc = stats_error_set(err, MF_EINVAL,
                                 "%s is the output: a store is not merged into "
                                 "itself",
                                 in[i]);
            break;
        }
        rc = stats_db_open(in[i], STATS_DB_READONLY | STATS_DB_CHECK, &idb, &version, err);
        sqlite3_close(idb);
        if (rc == MF_OK && version < STATS_SCHEMA_VERSION)
            rc = migrated_copy(in[i], copies[i], sizeof copies[i], err);
    }

    struct stat sb;
    bool fresh = stat(out, &sb) != 0;
    if (rc == MF_OK && fresh) {
        /* A new output is built beside its name and renamed when complete. */
        const char *slash = strrchr(out, '/');
        snprintf(tmp_out, sizeof tmp_out, "%.*s.%s.tmp-XXXXXX", slash ? (int)(slash - out + 1) : 0,
                 out, slash ? slash + 1 : out);
        int fd = mkstemp(tmp_out);
        if (fd < 0) {
            rc = stats_error_set(err, mf_error_from_errno(errno), "cannot write %s: %s", out,
                                 strerror(errno));
            tmp_out[0] = '\0';
        } else {
            close(fd);
        }
    }
    if (rc == MF_OK)
        rc = stats_db_open(fresh ? tmp_out : out, STATS_DB_CREATE | STATS_DB_MIGRATE, &db, NULL,
                           err);
    for (int i = 0; i < n_in && rc == MF_OK; i++) {
        const char *src = copies[i][0] ? copies[i] : in[i];
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, "ATTACH ? AS src", -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, src, -1, SQLITE_STATIC);
            int s = sqlite3_step(st);
            if (s != SQLITE_DONE)
                rc = stats_error_set(err, stats_db_error(s), "cannot read %s: %s", in[i],
                                     stats_db_words(s));
        }
        sqlite3_finalize(st);
        if (rc != MF_OK)
            break;
        int64_t events = 0;
        rc = exec_err(db, "BEGIN IMMEDIATE", "merging", err);
        /* Each source run is a run of the output (the same random run id is
         * the same run, whichever store it came through), numbered there in
         * the order the runs arrive; its events get the output's ids. */
        if (rc == MF_OK)
            rc = exec_err(db,
                          "INSERT INTO main.runs(run, kiosk, first_ts) SELECT run, kiosk, "
                          "first_ts FROM src.runs WHERE true ORDER BY no ON CONFLICT(run) DO "
                          "UPDATE SET first_ts=min(first_ts, excluded.first_ts)",
                          "merging the runs", err);
        if (rc == MF_OK) {
            int64_t before = sqlite3_total_changes64(db);
            rc = exec_err(db,
                          "INSERT OR IGNORE INTO main.events(id, " EVENT_COLS
                          ") SELECT (r.no << 32) | e.seq, " EVENT_COLS_E
                          " FROM src.events e JOIN main.runs r ON r.run = e.run ORDER BY e.id",
                          "merging the events", err);
            events = sqlite3_total_changes64(db) - before;
        }
        if (rc == MF_OK)
            rc = exec_err(db,
                          "INSERT INTO main.stops(id, town, venue, first_day, last_day, "
                          "updated_ms) SELECT id, town, venue, first_day, last_day, updated_ms "
                          "FROM src.stops WHERE true ON CONFLICT(id) DO UPDATE SET "
                          "town=excluded.town, venue=excluded.venue, "
                          "first_day=excluded.first_day, last_day=excluded.last_day, "
                          "updated_ms=excluded.updated_ms WHERE excluded.updated_ms > "
                          "stops.updated_ms",
                          "merging the stops", err);
        if (rc == MF_OK)
            rc = exec_err(db,
                          "INSERT OR IGNORE INTO main.visit_groups SELECT * FROM "
                          "src.visit_groups",
                          "merging the groups", err);
        if (rc == MF_OK)
            rc = exec_err(db,
                          "INSERT OR IGNORE INTO main.audit(kiosk, run, seq, ts, stop_id, role, "
                          "action, detail, result) SELECT kiosk, run, seq, ts, stop_id, role, "
                          "action, detail, result FROM src.audit",
                          "merging the audit", err);
        if (rc == MF_OK)
            rc = exec_err(db, "COMMIT", "merging", err);
        else
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        if (rc == MF_OK && added)
            *added += events;
        sqlite3_exec(db, "DETACH src", NULL, NULL, NULL);
    }
    if (db) {
        sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
        if (sqlite3_close(db) != SQLITE_OK && rc == MF_OK)
            rc = stats_error_set(err, MF_EDB, "cannot close %s", out);
    }
    if (fresh && tmp_out[0]) {
        if (rc == MF_OK && rename(tmp_out, out) != 0)
            rc = stats_error_set(err, mf_error_from_errno(errno), "cannot write %s: %s", out,
                                 strerror(errno));
        if (rc != MF_OK) {
            char side[PATH_MAX + 48];
            unlink(tmp_out);
            snprintf(side, sizeof side, "%s-wal", tmp_out);
            unlink(side);
            snprintf(side, sizeof side, "%s-shm", tmp_out);
            unlink(side);
        }
    }
    for (int i = 0; i < n_in; i++)
        if (copies[i][0])
            unlink(copies[i]);
    return rc;
}
