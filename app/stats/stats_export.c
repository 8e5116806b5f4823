/*
 * stats_export.c - the organisers' tables (each one SQL query and its
 * documented columns) and the CSV, XLSX and JSON exports written through a
 * temporary file or folder, fsync and rename (see stats_export.h). The one
 * pass over the events that fills the tables' temporary tables is
 * stats_pass.c, the headline figures stats_summary.c, what both passes count
 * with stats_agg.c, the filter's SQL stats_read.c; the PDF is
 * stats_report.c, the merge stats_merge.c. docs/STATS.md documents every table and column below.
 */
#include "stats_export.h"

#include "mf_error.h"
#include "stats_agg.h"
#include "stats_db.h"
#include "stats_pass.h"
#include "stats_read.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* Groups' types: an event without a group (or with one purged) is general public. */
#define GROUP_TYPE_OF(col)                                                                         \
    "coalesce((SELECT type FROM visit_groups g WHERE g.id = " col "), 'general_public')"

/* --- The tables. */

/* COL_ID: three SQL columns (kiosk, run, number) written as kiosk-runhex-number,
 * empty when the number is 0 (built here: SQLite's printf costs a second a
 * million rows). */
typedef enum { COL_TEXT, COL_INT, COL_REAL, COL_TIME, COL_DAY, COL_ID } col_type_t;

typedef struct {
    const char *name;
    col_type_t type;
    const char *doc;
} column_t;

#define TABLE_COLS_MAX 24

typedef struct {
    const char *name;
    const char *doc;
    const char *sql;
    bool audit; /* only with with_audit */
    column_t cols[TABLE_COLS_MAX];
} table_t;

#define VISIT_ID "kiosk || '-' || printf('%x', run) || '-' || visit"

static const table_t tables[] = {
    {"visits",
     "one row per visit (a visitor's session at a kiosk)",
     /* temp.visits is made by build_visits() in one pass over the events
      * (stats_pass.c). */
     "SELECT v.id, v.kiosk, v.t0, v.t1, (v.t1 - v.t0) / 1000.0, v.stop_id, v.group_id,"
     " " GROUP_TYPE_OF("v.group_id") ", lang, profile, pb, pa, sat, reason, stations,"
                                     " videos, answers, n_right, orders, ticket, ended FROM "
                                     "temp.visits v ORDER BY v.t0, v.id",
     false,
     {{"visit_id", COL_TEXT, "the visit's unique id: kiosk-run-number"},
      {"kiosk", COL_TEXT, "the kiosk's id"},
      {"start", COL_TIME, "first event of the visit (local time)"},
      {"end", COL_TIME, "last event of the visit (local time)"},
      {"duration_s", COL_REAL, "seconds from the first to the last event"},
      {"stop_id", COL_TEXT, "the stop (see stops)"},
      {"group_id", COL_TEXT, "the group (see groups); empty = none set"},
      {"group_type", COL_TEXT, "school, job_seekers, company, general_public or other"},
      {"language", COL_TEXT, "language chosen (fr, en), empty = the default"},
      {"profile", COL_TEXT, "who the visitor said they are (pupil, job_seeker...)"},
      {"perception_before", COL_INT, "image of industry at the start, 0 = lowest option"},
      {"perception_after", COL_INT, "image of industry at the end, 0 = lowest option"},
      {"satisfaction", COL_INT, "face chosen at the end, 0 = lowest"},
      {"satisfaction_reason", COL_TEXT, "reason chosen among those offered (an id)"},
      {"stations_viewed", COL_INT, "distinct station pages viewed"},
      {"videos", COL_INT, "job videos watched"},
      {"quiz_answers", COL_INT, "quiz questions answered"},
      {"quiz_correct", COL_INT, "of which right"},
      {"orders", COL_INT, "phone holders ordered"},
      {"ticket", COL_TEXT, "the anonymous ticket code scanned, if any"},
      {"end_reason", COL_TEXT, "finished, idle (the visitor left) or staff"}}},
    {"days",
     "visits per day and group type",
     /* temp.days and the other temp tables below: counted by the one pass
      * over the events (stats_pass.c's pass_count). */
     "SELECT date(slot, 'unixepoch', 'localtime') d, " GROUP_TYPE_OF(
         "e.group_id") " t, sum(n) FROM temp.days e GROUP BY d, t ORDER BY d, t",
     false,
     {{"day", COL_DAY, "the day (local)"},
      {"group_type", COL_TEXT, "school, job_seekers, company, general_public or other"},
      {"visits", COL_INT, "visits started that day by that type of group"}}},
    {"stations",
     "attention per station: page views, time spent, quiz",
     "SELECT coalesce(s.id, q.station), coalesce(s.v, 0), coalesce(s.d, 0) / 1000.0,"
     " s.d / 1000.0 / s.v, coalesce(q.a, 0), coalesce(q.c, 0), 100.0 * q.c / q.a FROM"
     " temp.stations s FULL JOIN (SELECT station, sum(n) a, sum(c) c FROM temp.questions"
     " GROUP BY station) q ON q.station = s.id ORDER BY 2 DESC, 1",
     false,
     {{"station", COL_TEXT, "the station's id in the content pack"},
      {"views", COL_INT, "times its page was viewed"},
      {"dwell_s", COL_REAL, "total seconds on its page"},
      {"mean_dwell_s", COL_REAL, "mean seconds per view"},
      {"quiz_answers", COL_INT, "quiz questions answered at this station"},
      {"quiz_correct", COL_INT, "of which right"},
      {"quiz_success_pct", COL_REAL, "percentage right"}}},
    {"trades",
     "interest per trade: page views and job videos",
     "SELECT item, v, vms / 1000.0, n, nms / 1000.0, reach / 10.0 / reaches FROM temp.trades"
     " ORDER BY v + n DESC, 1",
     false,
     {{"trade", COL_TEXT, "the trade's id in the content pack"},
      {"views", COL_INT, "times its page was viewed"},
      {"dwell_s", COL_REAL, "total seconds on its page"},
      {"videos", COL_INT, "times its job video was watched (some of it)"},
      {"watched_s", COL_REAL, "total seconds of its video watched"},
      {"mean_reached_pct", COL_REAL, "mean furthest point reached in the video, percent"}}},
    {"questions",
     "quiz questions: answered, right, missed",
     /* temp.questions is made by build_questions() with a hash table. */
     "SELECT station, item, version, n, c, n - c, 100.0 * (n - c) / n, t / 1000.0 / n"
     " FROM temp.questions ORDER BY 6 DESC, 1, 2, 3",
     false,
     {{"station", COL_TEXT, "the station's id"},
      {"question", COL_TEXT, "the question's id in the content pack"},
      {"version", COL_INT, "the question's version (changes when its meaning changes)"},
      {"answered", COL_INT, "times answered"},
      {"correct", COL_INT, "times answered right"},
      {"missed", COL_INT, "times answered wrong"},
      {"missed_pct", COL_REAL, "percentage wrong"},
      {"mean_time_s", COL_REAL, "mean seconds from the question shown to the answer"}}},
    {"survey",
     "the survey's answers: satisfaction at the end, perception before and after",
     "SELECT item, version, w, value, n FROM temp.survey ORDER BY 1, 2, 3 DESC, 4",
     false,
     {{"question", COL_TEXT, "the survey question's id"},
      {"version", COL_INT, "its version"},
      {"when", COL_TEXT, "before or after the visit (perception), end (satisfaction)"},
      {"value", COL_INT, "option chosen, 0 = lowest"},
      {"answers", COL_INT, "times chosen"}}},
    {"orders",
     "phone holders ordered and what became of them",
     /* Each order with its (run, order_no)'s outcome of highest seq. */
     "SELECT order_no, visit_id, ts, item, flag, word, detail FROM temp.orders ORDER BY ts, rowid",
     false,
     {{"order_no", COL_INT, "the line's order number"},
      {"visit_id", COL_TEXT, "the visit that ordered it"},
      {"placed", COL_TIME, "when it was ordered"},
      {"colour", COL_TEXT, "the colour chosen"},
      {"engraved", COL_INT, "1 when a text was engraved (the text is never recorded)"},
      {"outcome", COL_TEXT, "delivered, rejected, cancelled or refused; empty = unknown"},
      {"why", COL_TEXT, "for cancelled and refused: by what (estop, plc, staff...)"}}},
    {"groups",
     "the groups staff declared",
     "SELECT g.id, g.stop_id, g.type, g.level, g.name, g.headcount, g.set_ms, g.kiosk,"
     " coalesce(c.n, 0) FROM visit_groups g LEFT JOIN temp.group_visits c ON c.id = g.id"
     " WHERE (?3 = '' OR g.stop_id = ?3) AND (?4 = '' OR g.id = ?4) ORDER BY g.set_ms",
     false,
     {{"group_id", COL_TEXT, "the group's unique id"},
      {"stop_id", COL_TEXT, "the stop where it came"},
      {"type", COL_TEXT, "school, job_seekers, company, general_public or other"},
      {"level", COL_TEXT, "school level or session kind (3e, BTS...)"},
      {"name", COL_TEXT, "short name given by staff (an institution, never a person)"},
      {"headcount", COL_INT, "people in the group, 0 = unknown"},
      {"set_at", COL_TIME, "when staff set it"},
      {"kiosk", COL_TEXT, "the kiosk where it was set"},
      {"visits", COL_INT, "visits recorded while it was current"}}},
    {"stops",
     "the truck's stops",
     "SELECT s.id, s.town, s.venue, s.first_day, s.last_day, coalesce(c.n, 0) FROM stops s"
     " LEFT JOIN temp.stop_visits c ON c.id = s.id WHERE (?3 = '' OR s.id = ?3) "
     "ORDER BY s.first_day, s.id",
     false,
     {{"stop_id", COL_TEXT, "the stop's id"},
      {"town", COL_TEXT, "town"},
      {"venue", COL_TEXT, "school, square, fair..."},
      {"first_day", COL_TEXT, "first day (YYYY-MM-DD)"},
      {"last_day", COL_TEXT, "last day (YYYY-MM-DD)"},
      {"visits", COL_INT, "visits recorded there"}}},
    {"events",
     "every event recorded, one row each (docs/STATS.md: which columns each type fills)",
     "SELECT kiosk, run, seq, kiosk, ts, at_ms, kiosk, run, visit, type,"
     " stop_id, group_id, item, station, word, detail, value, version, flag, flag2, ms, ms2,"
     " order_no, asked, answered, correct FROM events WHERE " F_EV " ORDER BY id",
     false,
     {{"event_id", COL_ID, "the event's unique id: kiosk-run-sequence"},
      {"kiosk", COL_TEXT, "the kiosk's id"},
      {"time", COL_TIME, "when it was recorded (local time)"},
      {"at_ms", COL_INT, "the kiosk's own clock (ms), orders events within a run"},
      {"visit_id", COL_ID, "the visit it belongs to"},
      {"type", COL_TEXT,
       "visit_started, visit_ended, language, screen_view, station_view, "
       "trade_view, video_play, quiz_answer, quiz_result, profile, "
       "perception, satisfaction, order_placed, order_outcome, ticket"},
      {"stop_id", COL_TEXT, "the stop"},
      {"group_id", COL_TEXT, "the group"},
      {"item", COL_TEXT,
       "what it is about: a screen, station, trade, question, colour, "
       "language or ticket code"},
      {"station", COL_TEXT, "quiz: the station"},
      {"word", COL_TEXT, "end reason, profile or order outcome"},
      {"detail", COL_TEXT, "satisfaction reason, or why an order was cancelled or refused"},
      {"value", COL_INT, "survey option, quiz choices (bit mask), video reach (per mille)"},
      {"version", COL_INT, "question version"},
      {"flag", COL_INT, "quiz: right; perception: after; order: engraved; video: captions"},
      {"flag2", COL_INT, "video: full window"},
      {"ms", COL_INT, "time on a page, video watched, time to answer (ms)"},
      {"ms2", COL_INT, "video: its duration (ms)"},
      {"order_no", COL_INT, "the line's order number"},
      {"asked", COL_INT, "quiz result: questions asked"},
      {"answered", COL_INT, "quiz result: answered"},
      {"correct", COL_INT, "quiz result: right"}}},
    {"audit",
     "what staff did at the kiosk (issue 13's console): logins, commands, changes, exports",
     "SELECT ts, kiosk, stop_id, role, action, detail, result FROM audit"
     " WHERE ts >= ?1 AND ts < ?2 AND (?3 = '' OR stop_id = ?3) ORDER BY ts, run, seq",
     true,
     {{"time", COL_TIME, "when (local time)"},
      {"kiosk", COL_TEXT, "the kiosk"},
      {"stop_id", COL_TEXT, "the stop"},
      {"role", COL_TEXT, "the staff role that acted"},
      {"action", COL_TEXT, "login, login_failed, line command, ack, group, export, reload..."},
      {"detail", COL_TEXT, "what the action was about"},
      {"result", COL_TEXT, "ok, or what went wrong"}}},
};

#define TABLE_COUNT (sizeof tables / sizeof tables[0])
/* each_table() builds every temp table (visits, questions...) before the first table. */

static size_t table_ncols(const table_t *t)
{
    size_t n = 0;
    while (n < TABLE_COLS_MAX && t->cols[n].name)
        n++;
    return n;
}

/* SRC[i]: the SQL column where T's column i starts (COL_ID takes three). */
static void table_sources(const table_t *t, int *src)
{
    int c = 0;
    for (size_t i = 0; i < table_ncols(t); i++) {
        src[i] = c;
        c += t->cols[i].type == COL_ID ? 3 : 1;
    }
}

/* The COL_ID at SQL column C into BUF, or NULL when its number is 0 or NULL. */
static const char *id_text(sqlite3_stmt *st, int c, char *buf, size_t size)
{
    int64_t n = sqlite3_column_int64(st, c + 2);
    if (n == 0)
        return NULL;
    const char *k = (const char *)sqlite3_column_text(st, c);
    uint64_t run = (uint64_t)sqlite3_column_int64(st, c + 1);
    char tail[48], *p = tail + sizeof tail;
    *--p = '\0';
    uint64_t u = n < 0 ? 0ull - (uint64_t)n : (uint64_t)n;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0)
        *--p = '-';
    *--p = '-';
    do {
        *--p = "0123456789abcdef"[run & 15];
        run >>= 4;
    } while (run);
    snprintf(buf, size, "%s-%s", k ? k : "", p);
    return buf;
}

/* --- Atomic writes. */

/* Says PATH where ERR's message names the temporary file TMP. */
static void name_final(stats_error_t *err, const char *tmp, const char *path)
{
    char *at = err ? strstr(err->text, tmp) : NULL;
    if (!at)
        return;
    char rest[sizeof err->text];
    snprintf(rest, sizeof rest, "%s", at + strlen(tmp));
    snprintf(at, sizeof err->text - (size_t)(at - err->text), "%s%s", path, rest);
}

static int errno_error(stats_error_t *err, int e, const char *what, const char *path)
{
    const char *why = e == ENOSPC || e == EFBIG || e == EDQUOT ? "the disk is full"
                      : e == EACCES || e == EPERM              ? "permission denied"
                      : e == EROFS                             ? "the disk is read-only"
                      : e == ENOENT                            ? "no such folder"
                                                               : strerror(e);
    return stats_error_set(
        err, e == ENOSPC || e == EFBIG || e == EDQUOT ? MF_ENOSPC : mf_error_from_errno(e),
        "cannot %s %s: %s", what, path, why);
}

static void split_path(const char *path, char *dir, size_t dsize, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, dsize, ".");
        *base = path;
    } else if (slash == path) {
        snprintf(dir, dsize, "/");
        *base = slash + 1;
    } else {
        snprintf(dir, dsize, "%.*s", (int)(slash - path), path);
        *base = slash + 1;
    }
}

static int fsync_path(const char *path, bool dir)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = fsync(fd) == 0 || errno == EINVAL ? 0 : -errno;
    close(fd);
    return rc;
}

int stats_write_atomic(const char *path, stats_write_fn write, void *ctx, stats_error_t *err)
{
    char dir[PATH_MAX], tmp[PATH_MAX + 32];
    const char *base;
    split_path(path, dir, sizeof dir, &base);
    if (!*base)
        return stats_error_set(err, MF_EINVAL, "%s: expected a file name", path);
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return stats_error_set(err, MF_EINVAL, "%s is a folder: give a file name", path);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", dir, base);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return errno_error(err, errno, "write in", dir);
    close(fd);
    int rc = write(ctx, tmp, err);
    if (rc == MF_OK) {
        int e = fsync_path(tmp, false);
        if (e < 0)
            rc = errno_error(err, -e, "write", path);
    }
    if (rc == MF_OK)
        chmod(tmp, 0644); /* mkstemp made it private; an export is for sharing */
    if (rc == MF_OK && rename(tmp, path) != 0)
        rc = errno_error(err, errno, "write", path);
    if (rc != MF_OK) {
        unlink(tmp);
        name_final(err, tmp, path);
        return rc;
    }
    fsync_path(dir, true);
    return MF_OK;
}

/* --- Rows, for the three tabular formats. */

typedef struct writer writer_t;
struct writer {
    int (*begin_table)(writer_t *w, const table_t *t, stats_error_t *err);
    int (*row)(writer_t *w, const table_t *t, sqlite3_stmt *st, stats_error_t *err);
    int (*end_table)(writer_t *w, const table_t *t, stats_error_t *err);
    /* When not NULL, the events table is written from the pass's rows
     * (returns the writer's error once a chunk is done). */
    void (*event_row)(void *w, const stats_ev_t *e);
    int (*event_error)(void *w, stats_error_t *err);
};

/* The index of the events table in tables[]. */
static size_t events_table(void)
{
    for (size_t i = 0; i < TABLE_COUNT; i++)
        if (!strcmp(tables[i].name, "events"))
            return i;
    return TABLE_COUNT;
}

/* Writes one table: its query's rows through W. */
static int write_table(sqlite3 *db, const stats_filter_t *f, const table_t *t, writer_t *w,
                       stats_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = stats_read_prepare(db, t->sql, f, &st, err);
    if (rc == MF_OK)
        rc = w->begin_table(w, t, err);
    int s = SQLITE_DONE;
    while (rc == MF_OK && (s = sqlite3_step(st)) == SQLITE_ROW)
        rc = w->row(w, t, st, err);
    if (rc == MF_OK && s != SQLITE_DONE)
        rc = stats_read_step_error(db, s, err);
    sqlite3_finalize(st);
    if (rc == MF_OK)
        rc = w->end_table(w, t, err);
    return rc;
}

/* Writes every table: one pass over the events counts every table's figures
 * (and, for a writer with event_row, writes the events table on the way);
 * then each table's query reads what it needs. */
static int each_table(sqlite3 *db, const stats_filter_t *f, const stats_export_opts_t *o,
                      writer_t *w, stats_error_t *err)
{
    stats_pass_t *p = stats_pass_create(f);
    if (!p)
        return stats_error_set(err, MF_ENOMEM, "out of memory");
    const table_t *events = &tables[events_table()];
    stats_pass_rows_t rows = {w->event_row, w->event_error, w};
    int rc = w->event_row ? w->begin_table(w, events, err) : MF_OK;
    if (rc == MF_OK)
        rc = stats_pass_run(p, db, &rows, err);
    if (rc == MF_OK && w->event_row)
        rc = w->end_table(w, events, err);
    if (rc == MF_OK)
        rc = stats_pass_tables(p, db, err);
    stats_pass_destroy(p);
    for (size_t i = 0; rc == MF_OK && i < TABLE_COUNT; i++) {
        const table_t *t = &tables[i];
        if ((t->audit && !o->with_audit) || (w->event_row && i == events_table()))
            continue;
        rc = write_table(db, f, t, w, err);
    }
    return rc;
}

/* --- CSV: a folder, one file per table, UTF-8 with BOM, ';', for French Excel. */

#define CSV_BUF_SIZE (1 << 20)

typedef struct {
    writer_t w;
    const char *dir;
    FILE *f;
    FILE *readme;
    char path[PATH_MAX + 64];
    bool decimal_point;
    size_t ncols;
    int64_t minute; /* the last time written, to the minute, and its text */
    char minute_text[32];
    size_t minute_len;
    int src[TABLE_COLS_MAX];
    /* The rows are formatted by hand into BUF (the hot path: a million rows
     * of 22 cells), written out a megabyte at a time. */
    char *buf;
    size_t len;
    int werr; /* errno of a failed write, 0 = none */
    /* Bytes of the current file written, and of those handed to the
     * kernel's write-back (sync_file_range) so that the fsync at its end
     * has little left to wait for. */
    off_t written, synced;
    /* The last id prefix "kiosk-runhex-" written, and what it was made of. */
    int64_t id_run;
    char id_kiosk[STATS_ID_MAX + 8];
    size_t id_kiosk_len;
    char id_prefix[STATS_ID_MAX + 32];
    size_t id_prefix_len;
    bool id_plain; /* the prefix needs no quoting */
} csv_t;

#define CSV_SYNC_STEP (8 << 20)

/* Starts the write-back of what was written since the last call (the file's
 * fsync then waits for the last few megabytes only). */
static void csv_writeback(csv_t *c)
{
    if (c->werr || c->written == c->synced)
        return;
    if (fflush(c->f) != 0) {
        c->werr = errno ? errno : EIO;
        return;
    }
    /* Best effort: a file system without it is synced by the fsync. */
    sync_file_range(fileno(c->f), c->synced, c->written - c->synced, SYNC_FILE_RANGE_WRITE);
    c->synced = c->written;
}

static void csv_flush(csv_t *c)
{
    if (c->len && !c->werr && fwrite(c->buf, 1, c->len, c->f) != c->len)
        c->werr = errno ? errno : EIO;
    c->written += (off_t)c->len;
    c->len = 0;
    if (c->written - c->synced >= CSV_SYNC_STEP)
        csv_writeback(c);
}

static void csv_put(csv_t *c, const char *p, size_t n)
{
    if (c->len + n > CSV_BUF_SIZE) {
        csv_flush(c);
        if (n > CSV_BUF_SIZE) {
            if (!c->werr && fwrite(p, 1, n, c->f) != n)
                c->werr = errno ? errno : EIO;
            c->written += (off_t)n;
            return;
        }
    }
    memcpy(c->buf + c->len, p, n);
    c->len += n;
}

static void csv_putc(csv_t *c, char ch)
{
    if (c->len == CSV_BUF_SIZE)
        csv_flush(c);
    c->buf[c->len++] = ch;
}

/* Writes V in decimal. */
static void csv_int(csv_t *c, int64_t v)
{
    char buf[24], *p = buf + sizeof buf;
    uint64_t u = v < 0 ? 0ull - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    csv_put(c, p, (size_t)(buf + sizeof buf - p));
}

/* A text cell of N bytes: quoted when it holds a separator, a quote or a line
 * end; a cell that starts like a formula is shown as text, not run. */
static void csv_text(csv_t *c, const char *s, size_t n)
{
    if (!s || !n)
        return;
    bool quote = s[0] == ' ';
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ';' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    bool formula = s[0] == '=' || s[0] == '+' || s[0] == '@';
    if (!quote && !formula) {
        csv_put(c, s, n);
        return;
    }
    csv_putc(c, '"');
    if (formula)
        csv_putc(c, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            csv_putc(c, '"');
        csv_putc(c, s[i]);
    }
    csv_putc(c, '"');
}

/* A COL_ID at SQL column SC (kiosk, run, number): kiosk-runhex-number, empty
 * when the number is 0 or NULL. The prefix is remade only when the kiosk or
 * the run changes (rarely: a run is a kiosk's whole session). */
static void csv_id_of(csv_t *c, const char *k, size_t klen, int64_t run, int64_t n)
{
    if (n == 0)
        return;
    if (!k) {
        k = "";
        klen = 0;
    }
    bool cached = run == c->id_run && klen == c->id_kiosk_len && memcmp(k, c->id_kiosk, klen) == 0;
    if (!cached && klen < sizeof c->id_kiosk) {
        int len = snprintf(c->id_prefix, sizeof c->id_prefix, "%s-%" PRIx64 "-", k, (uint64_t)run);
        if (len > 0 && (size_t)len < sizeof c->id_prefix) {
            memcpy(c->id_kiosk, k, klen);
            c->id_kiosk_len = klen;
            c->id_run = run;
            c->id_prefix_len = (size_t)len;
            /* A prefix that a spreadsheet would misread takes the quoting path. */
            c->id_plain = strpbrk(c->id_prefix, ";\"\r\n") == NULL && k[0] != ' ' && k[0] != '=' &&
                          k[0] != '+' && k[0] != '@';
            cached = true;
        }
    }
    if (cached && c->id_plain) {
        csv_put(c, c->id_prefix, c->id_prefix_len);
        csv_int(c, n);
        return;
    }
    char buf[STATS_ID_MAX + 160];
    int len = snprintf(buf, sizeof buf, "%s-%" PRIx64 "-%" PRId64, k, (uint64_t)run, n);
    csv_text(c, buf, len < 0 ? 0 : (size_t)len < sizeof buf ? (size_t)len : sizeof buf - 1);
}

static void csv_id(csv_t *c, sqlite3_stmt *st, int sc)
{
    const char *k = (const char *)sqlite3_column_text(st, sc);
    csv_id_of(c, k, k ? strlen(k) : 0, sqlite3_column_int64(st, sc + 1),
              sqlite3_column_int64(st, sc + 2));
}

static int csv_begin(writer_t *w, const table_t *t, stats_error_t *err)
{
    csv_t *c = (csv_t *)w;
    snprintf(c->path, sizeof c->path, "%s/%s.csv", c->dir, t->name);
    c->f = fopen(c->path, "w");
    if (!c->f)
        return errno_error(err, errno, "write", c->path);
    c->len = 0;
    c->werr = 0;
    c->written = c->synced = 0;
    c->ncols = table_ncols(t);
    table_sources(t, c->src);
    csv_put(c, "\xEF\xBB\xBF", 3);
    for (size_t i = 0; i < table_ncols(t); i++) {
        if (i)
            csv_putc(c, ';');
        csv_put(c, t->cols[i].name, strlen(t->cols[i].name));
    }
    csv_put(c, "\r\n", 2);
    return MF_OK;
}

/* A time cell. Rows come in time order: most share the previous row's minute. */
static void csv_time(csv_t *c, int64_t ms)
{
    int64_t minute = ms >= 0 ? ms / 60000 : (ms - 59999) / 60000;
    if (minute != c->minute) {
        stats_read_fmt_time(ms, c->minute_text, sizeof c->minute_text);
        c->minute_len = strlen(c->minute_text);
        c->minute = minute;
    }
    csv_put(c, c->minute_text, c->minute_len);
}

/* One row: each cell read once through its sqlite3_value (its type, then its
 * number or text), formatted into the buffer. */
static int csv_row(writer_t *w, const table_t *t, sqlite3_stmt *st, stats_error_t *err)
{
    csv_t *c = (csv_t *)w;
    char buf[64];
    for (size_t i = 0; i < c->ncols; i++) {
        int sc = c->src[i];
        if (i)
            csv_putc(c, ';');
        if (t->cols[i].type == COL_ID) {
            csv_id(c, st, sc);
            continue;
        }
        sqlite3_value *v = sqlite3_column_value(st, sc);
        int type = sqlite3_value_type(v);
        if (type == SQLITE_NULL)
            continue;
        switch (t->cols[i].type) {
        case COL_INT:
            csv_int(c, sqlite3_value_int64(v));
            break;
        case COL_REAL: {
            int n = snprintf(buf, sizeof buf, "%.2f", sqlite3_value_double(v));
            if (n < 0 || (size_t)n >= sizeof buf)
                n = 0;
            if (!c->decimal_point) {
                char *dot = memchr(buf, '.', (size_t)n);
                if (dot)
                    *dot = ',';
            }
            csv_put(c, buf, (size_t)n);
            break;
        }
        case COL_TIME:
            csv_time(c, sqlite3_value_int64(v));
            break;
        default: {
            const char *text = (const char *)sqlite3_value_text(v);
            csv_text(c, text, text ? (size_t)sqlite3_value_bytes(v) : 0);
            break;
        }
        }
    }
    csv_put(c, "\r\n", 2);
    if (c->werr)
        return errno_error(err, c->werr, "write", c->path);
    return MF_OK;
}

static void csv_ev_int(csv_t *c, const stats_ev_t *e, int k)
{
    csv_putc(c, ';');
    if (!stats_ev_int_null(e, k))
        csv_int(c, stats_ev_int(e, k));
}

static void csv_ev_text(csv_t *c, const stats_ev_t *e, int k)
{
    csv_putc(c, ';');
    csv_text(c, stats_ev_str(e, k), stats_ev_len(e, k));
}

/* One row of the events table from the pass's row: the columns of tables[]'s
 * "events", in its order, as csv_row would write its query's row. */
static void csv_event_row(void *w, const stats_ev_t *e)
{
    csv_t *c = w;
    const char *kiosk = stats_ev_str(e, STATS_EV_KIOSK);
    size_t klen = stats_ev_len(e, STATS_EV_KIOSK);
    csv_id_of(c, kiosk, klen, stats_ev_int(e, STATS_EV_RUN), stats_ev_int(e, STATS_EV_SEQ));
    csv_ev_text(c, e, STATS_EV_KIOSK);
    csv_putc(c, ';');
    if (!stats_ev_int_null(e, STATS_EV_TS))
        csv_time(c, stats_ev_int(e, STATS_EV_TS));
    csv_ev_int(c, e, STATS_EV_AT);
    csv_putc(c, ';');
    csv_id_of(c, kiosk, klen, stats_ev_int(e, STATS_EV_RUN), stats_ev_int(e, STATS_EV_VISIT));
    static const int texts[] = {STATS_EV_TYPE,    STATS_EV_STOP, STATS_EV_GROUP, STATS_EV_ITEM,
                                STATS_EV_STATION, STATS_EV_WORD, STATS_EV_DETAIL};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        csv_ev_text(c, e, texts[i]);
    for (int k = STATS_EV_VALUE; k < STATS_EV_INTS; k++) /* value ... correct, in that order */
        csv_ev_int(c, e, k);
    csv_put(c, "\r\n", 2);
}

static int csv_event_error(void *w, stats_error_t *err)
{
    csv_t *c = w;
    return c->werr ? errno_error(err, c->werr, "write", c->path) : MF_OK;
}

/* Flushes, syncs and closes F, reporting a full disk. */
static int close_synced(FILE *f, const char *path, stats_error_t *err)
{
    int e = 0;
    if (fflush(f) != 0 || ferror(f))
        e = errno ? errno : EIO;
    else if (fsync(fileno(f)) != 0 && errno != EINVAL)
        e = errno;
    if (fclose(f) != 0 && !e)
        e = errno;
    return e ? errno_error(err, e, "write", path) : MF_OK;
}

static int csv_end(writer_t *w, const table_t *t, stats_error_t *err)
{
    csv_t *c = (csv_t *)w;
    csv_flush(c);
    if (c->werr) {
        fclose(c->f);
        c->f = NULL;
        return errno_error(err, c->werr, "write", c->path);
    }
    int rc = close_synced(c->f, c->path, err);
    c->f = NULL;
    return rc;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char p[PATH_MAX + 300];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
                unlink(p);
            }
        }
        closedir(d);
    }
    rmdir(dir);
}

/* The store's integrity check (PRAGMA quick_check, which reads the whole
 * file: ~0.4 s a million events) on a connection and a thread of its own,
 * while the CSV is written, instead of before; the folder is renamed into
 * place only once it has said ok. */
typedef struct {
    const char *path;
    pthread_t thread;
    bool started, waited;
    int rc;
    stats_error_t err;
} store_check_t;

static void *store_check_run(void *arg)
{
    store_check_t *c = arg;
    sqlite3 *db = NULL;
    int version = 0;
    c->rc = stats_db_open(c->path, STATS_DB_CHECK | STATS_DB_READONLY, &db, &version, &c->err);
    sqlite3_close(db);
    return NULL;
}

static void store_check_start(store_check_t *c, const char *path)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    c->started = pthread_create(&c->thread, NULL, store_check_run, c) == 0;
    if (!c->started) /* no thread: checked here and now */
        store_check_run(c);
}

/* The check's result (waiting for it the first time), its message in ERR. */
static int store_check_wait(store_check_t *c, stats_error_t *err)
{
    if (!c)
        return MF_OK;
    if (c->started && !c->waited)
        pthread_join(c->thread, NULL);
    c->waited = true;
    if (c->rc != MF_OK && err)
        *err = c->err;
    return c->rc;
}

static int export_csv(sqlite3 *db, const stats_filter_t *f, const stats_export_opts_t *o,
                      const char *out, store_check_t *check, stats_error_t *err)
{
    char parent[PATH_MAX], tmp[PATH_MAX + 32], readme[PATH_MAX + 64];
    const char *base;
    struct stat sb;
    split_path(out, parent, sizeof parent, &base);
    if (!*base)
        return stats_error_set(err, MF_EINVAL, "%s: expected a folder name", out);
    if (stat(out, &sb) == 0)
        return stats_error_set(err, MF_EINVAL,
                               "%s already exists: CSV goes into a new folder, give another name",
                               out);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", parent, base);
    if (!mkdtemp(tmp))
        return errno_error(err, errno, "write in", parent);
    csv_t c = {.w = {csv_begin, csv_row, csv_end, csv_event_row, csv_event_error},
               .dir = tmp,
               .decimal_point = o->decimal_point,
               .minute = INT64_MIN,
               .id_kiosk_len = SIZE_MAX,
               .buf = malloc(CSV_BUF_SIZE)};
    snprintf(readme, sizeof readme, "%s/README.txt", tmp);
    int rc = c.buf ? MF_OK : stats_error_set(err, MF_ENOMEM, "out of memory");
    if (rc == MF_OK)
        c.readme = fopen(readme, "w");
    if (rc == MF_OK && !c.readme)
        rc = errno_error(err, errno, "write", readme);
    if (rc == MF_OK) {
        fputs("\xEF\xBB\xBF"
              "minifab visitor statistics, exported as CSV (UTF-8, ';' between columns, dates "
              "as YYYY-MM-DD HH:MM local time).\r\nEach file is one table; each line below "
              "names a column. docs/STATS.md in minifab's sources has the details.\r\n",
              c.readme);
        rc = each_table(db, f, o, &c.w, err);
        /* The README in the tables' order (the events file is written first). */
        for (size_t i = 0; rc == MF_OK && i < TABLE_COUNT; i++) {
            const table_t *t = &tables[i];
            if (t->audit && !o->with_audit)
                continue;
            fprintf(c.readme, "\r\n%s.csv: %s\r\n", t->name, t->doc);
            for (size_t k = 0; k < table_ncols(t); k++)
                fprintf(c.readme, "  %s: %s\r\n", t->cols[k].name, t->cols[k].doc);
        }
    }
    if (c.f)
        fclose(c.f);
    free(c.buf);
    if (c.readme) {
        int r2 = close_synced(c.readme, readme, rc == MF_OK ? err : NULL);
        if (rc == MF_OK)
            rc = r2;
    }
    if (rc == MF_OK) {
        int e = fsync_path(tmp, true);
        if (e < 0)
            rc = errno_error(err, -e, "write", out);
    }
    if (rc == MF_OK)
        rc = store_check_wait(check, err);
    if (rc == MF_OK)
        chmod(tmp, 0755);
    if (rc == MF_OK && rename(tmp, out) != 0)
        rc = errno_error(err, errno, "write", out);
    if (rc != MF_OK) {
        remove_tree(tmp);
        name_final(err, tmp, out);
        return rc;
    }
    fsync_path(parent, true);
    return MF_OK;
}

/* --- JSON. */

typedef struct {
    writer_t w;
    FILE *f;
    const char *path;
    bool first_table, first_row;
    int src[TABLE_COLS_MAX];
} json_t;

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", f);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void iso_time(int64_t ms, char *buf, size_t size)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    char z[8];
    strftime(z, sizeof z, "%z", &tm); /* +0100 */
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s%.3s:%s", date, z, z + 3);
}

static int json_begin(writer_t *w, const table_t *t, stats_error_t *err)
{
    json_t *j = (json_t *)w;
    fprintf(j->f, "%s\n    \"%s\": [", j->first_table ? "" : ",", t->name);
    j->first_table = false;
    table_sources(t, j->src);
    j->first_row = true;
    return MF_OK;
}

static int json_row(writer_t *w, const table_t *t, sqlite3_stmt *st, stats_error_t *err)
{
    json_t *j = (json_t *)w;
    char buf[160];
    fprintf(j->f, "%s\n      {", j->first_row ? "" : ",");
    j->first_row = false;
    for (size_t i = 0; i < table_ncols(t); i++) {
        int sc = j->src[i];
        fprintf(j->f, "%s\"%s\": ", i ? ", " : "", t->cols[i].name);
        if (t->cols[i].type == COL_ID) {
            const char *id = id_text(st, sc, buf, sizeof buf);
            if (id)
                json_str(j->f, id);
            else
                fputs("null", j->f);
            continue;
        }
        if (sqlite3_column_type(st, sc) == SQLITE_NULL) {
            fputs("null", j->f);
            continue;
        }
        switch (t->cols[i].type) {
        case COL_INT:
            fprintf(j->f, "%lld", (long long)sqlite3_column_int64(st, sc));
            break;
        case COL_REAL:
            fprintf(j->f, "%.3f", sqlite3_column_double(st, sc));
            break;
        case COL_TIME:
            iso_time(sqlite3_column_int64(st, sc), buf, sizeof buf);
            json_str(j->f, buf);
            break;
        default:
            json_str(j->f, (const char *)sqlite3_column_text(st, sc));
            break;
        }
    }
    if (fputc('}', j->f) == EOF)
        return errno_error(err, errno, "write", j->path);
    return MF_OK;
}

static int json_end(writer_t *w, const table_t *t, stats_error_t *err)
{
    json_t *j = (json_t *)w;
    fputs(j->first_row ? "]" : "\n    ]", j->f);
    return MF_OK;
}

static void json_counts(FILE *f, const char *name, const int64_t *v, int n,
                        const char *(*label)(int))
{
    fprintf(f, "    \"%s\": {", name);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s\"%s\": %" PRId64, i ? ", " : "", label(i), v[i]);
    fputs("},\n", f);
}

static const char *label_group(int i)
{
    return stats_group_type_name((stats_group_type_t)i);
}
static const char *label_profile(int i)
{
    return visit_profile_name((visit_profile_t)i);
}
static const char *label_outcome(int i)
{
    return visit_order_outcome_name((visit_order_outcome_t)i);
}

static void json_array(FILE *f, const char *name, const int64_t *v, int n)
{
    fprintf(f, "    \"%s\": [", name);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%" PRId64, i ? ", " : "", v[i]);
    fputs("],\n", f);
}

static void json_summary(FILE *f, const stats_summary_t *sm)
{
    char a[48], b[48];
    iso_time(sm->first_ms, a, sizeof a);
    iso_time(sm->last_ms, b, sizeof b);
    fprintf(f, "  \"summary\": {\n    \"events\": %" PRId64 ",\n    \"visits\": %" PRId64 ",\n",
            sm->events, sm->visits);
    fprintf(f, "    \"first\": ");
    if (sm->events)
        json_str(f, a);
    else
        fputs("null", f);
    fprintf(f, ",\n    \"last\": ");
    if (sm->events)
        json_str(f, b);
    else
        fputs("null", f);
    fputs(",\n", f);
    json_counts(f, "visits_by_group_type", sm->visits_by_type, STATS_GROUP_TYPE_COUNT, label_group);
    json_counts(f, "profiles", sm->profiles, VISIT_PROFILE_COUNT, label_profile);
    json_array(f, "satisfaction", sm->satisfaction, sm->satisfaction_scale);
    fprintf(f, "    \"satisfaction_answers\": %" PRId64 ",\n    \"satisfied\": %" PRId64 ",\n",
            sm->satisfaction_answers, sm->satisfied);
    json_array(f, "perception_before", sm->perception_before, sm->perception_scale);
    json_array(f, "perception_after", sm->perception_after, sm->perception_scale);
    fprintf(f,
            "    \"perception_pairs\": %" PRId64 ",\n    \"perception_improved\": %" PRId64
            ",\n    \"perception_same\": %" PRId64 ",\n    \"perception_worse\": %" PRId64
            ",\n    \"perception_shift\": %.4f,\n",
            sm->perception_pairs, sm->perception_improved, sm->perception_same,
            sm->perception_worse, sm->perception_shift);
    fprintf(f, "    \"orders\": %" PRId64 ",\n    \"orders_engraved\": %" PRId64 ",\n", sm->orders,
            sm->orders_engraved);
    json_counts(f, "order_outcomes", sm->outcomes, VISIT_ORDER_OUTCOME_COUNT, label_outcome);
    fprintf(f,
            "    \"videos\": %" PRId64 ",\n    \"videos_watched_s\": %.1f,\n"
            "    \"quiz_answers\": %" PRId64 ",\n    \"quiz_correct\": %" PRId64
            ",\n    \"tickets\": %" PRId64 "\n  },\n",
            sm->videos, (double)sm->videos_watched_ms / 1000.0, sm->quiz_answers, sm->quiz_correct,
            sm->tickets);
}

typedef struct {
    sqlite3 *db;
    const stats_filter_t *f;
    const stats_export_opts_t *o;
} export_ctx_t;

static int write_json(void *ctx, const char *tmp, stats_error_t *err)
{
    export_ctx_t *x = ctx;
    stats_summary_t *sm = malloc(sizeof *sm);
    if (!sm)
        return stats_error_set(err, MF_ENOMEM, "out of memory");
    int rc = stats_summary_db(x->db, x->f, sm, err);
    FILE *f = rc == MF_OK ? fopen(tmp, "w") : NULL;
    if (rc == MF_OK && !f)
        rc = errno_error(err, errno, "write", tmp);
    if (rc == MF_OK) {
        char now[48];
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        iso_time((int64_t)ts.tv_sec * 1000, now, sizeof now);
        fprintf(f,
                "{\n  \"format\": \"minifab-stats\",\n  \"version\": 1,\n"
                "  \"store_schema\": %d,\n  \"generated\": ",
                STATS_SCHEMA_VERSION);
        json_str(f, now);
        fputs(",\n  \"filter\": {\"from\": ", f);
        char buf[48];
        if (x->f->from_ms != INT64_MIN) {
            iso_time(x->f->from_ms, buf, sizeof buf);
            json_str(f, buf);
        } else {
            fputs("null", f);
        }
        fputs(", \"to\": ", f);
        if (x->f->to_ms != INT64_MAX) {
            iso_time(x->f->to_ms, buf, sizeof buf);
            json_str(f, buf);
        } else {
            fputs("null", f);
        }
        fputs(", \"stop\": ", f);
        json_str(f, x->f->stop_id);
        fputs(", \"group\": ", f);
        json_str(f, x->f->group_id);
        fputs("},\n", f);
        json_summary(f, sm);
        fputs("  \"tables\": {", f);
        json_t j = {{json_begin, json_row, json_end, NULL, NULL}, f, tmp, true, true, {0}};
        rc = each_table(x->db, x->f, x->o, &j.w, err);
        fputs("\n  }\n}\n", f);
    }
    if (f) {
        int r2 = close_synced(f, tmp, rc == MF_OK ? err : NULL);
        if (rc == MF_OK)
            rc = r2;
    }
    free(sm);
    return rc;
}

/* --- XLSX. */

#define XLSX_ROWS_MAX 1048575 /* Excel's limit, less the header */

typedef struct {
    writer_t w;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *date, *num;
    lxw_row_t row;
    uint64_t truncated;
    int src[TABLE_COLS_MAX];
} xlsx_t;

static int xlsx_begin(writer_t *w, const table_t *t, stats_error_t *err)
{
    xlsx_t *x = (xlsx_t *)w;
    x->ws = workbook_add_worksheet(x->wb, t->name);
    if (!x->ws)
        return stats_error_set(err, MF_ENOMEM, "cannot add the sheet %s", t->name);
    for (size_t i = 0; i < table_ncols(t); i++) {
        double width = t->cols[i].type == COL_TIME   ? 17
                       : t->cols[i].type == COL_DAY  ? 11
                       : t->cols[i].type == COL_TEXT ? 22
                                                     : 12;
        double hw = (double)strlen(t->cols[i].name) + 2;
        worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, hw > width ? hw : width, NULL);
        worksheet_write_string(x->ws, 0, (lxw_col_t)i, t->cols[i].name, x->bold);
    }
    worksheet_freeze_panes(x->ws, 1, 0);
    x->row = 1;
    table_sources(t, x->src);
    return MF_OK;
}

static lxw_datetime to_lxw(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    return (lxw_datetime){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          tm.tm_hour,        tm.tm_min,     (double)tm.tm_sec};
}

static int xlsx_row(writer_t *w, const table_t *t, sqlite3_stmt *st, stats_error_t *err)
{
    xlsx_t *x = (xlsx_t *)w;
    if (x->row > XLSX_ROWS_MAX) {
        x->truncated++;
        return MF_OK;
    }
    for (size_t i = 0; i < table_ncols(t); i++) {
        int c = x->src[i];
        lxw_col_t col = (lxw_col_t)i;
        if (t->cols[i].type == COL_ID) {
            char buf[160];
            const char *id = id_text(st, c, buf, sizeof buf);
            if (id)
                worksheet_write_string(x->ws, x->row, col, id, NULL);
            continue;
        }
        if (sqlite3_column_type(st, c) == SQLITE_NULL)
            continue;
        switch (t->cols[i].type) {
        case COL_INT:
            worksheet_write_number(x->ws, x->row, col, (double)sqlite3_column_int64(st, c), NULL);
            break;
        case COL_REAL:
            worksheet_write_number(x->ws, x->row, col, sqlite3_column_double(st, c), x->num);
            break;
        case COL_TIME: {
            lxw_datetime dt = to_lxw(sqlite3_column_int64(st, c));
            worksheet_write_datetime(x->ws, x->row, col, &dt, x->date);
            break;
        }
        default:
            worksheet_write_string(x->ws, x->row, col, (const char *)sqlite3_column_text(st, c),
                                   NULL);
            break;
        }
    }
    x->row++;
    return MF_OK;
}

static int xlsx_end(writer_t *w, const table_t *t, stats_error_t *err)
{
    return MF_OK;
}

static void xlsx_summary(xlsx_t *x, const stats_summary_t *sm, const stats_filter_t *f)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "summary");
    lxw_row_t r = 0;
    worksheet_set_column(ws, 0, 0, 34, NULL);
    worksheet_set_column(ws, 1, 1, 16, NULL);
    worksheet_write_string(ws, r, 0, "minifab visitor statistics", x->bold);
    r += 2;
    if (sm->stop.id[0]) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s, %s (%s to %s)", sm->stop.town, sm->stop.venue,
                 sm->stop.first_day, sm->stop.last_day);
        worksheet_write_string(ws, r, 0, "stop", x->bold);
        worksheet_write_string(ws, r++, 1, buf, NULL);
    }
    if (sm->events) {
        lxw_datetime a = to_lxw(sm->first_ms), b = to_lxw(sm->last_ms);
        worksheet_write_string(ws, r, 0, "first event", x->bold);
        worksheet_write_datetime(ws, r++, 1, &a, x->date);
        worksheet_write_string(ws, r, 0, "last event", x->bold);
        worksheet_write_datetime(ws, r++, 1, &b, x->date);
    }
    struct {
        const char *label;
        double value;
    } rows[] = {
        {"visits", (double)sm->visits},
        {"satisfaction answers", (double)sm->satisfaction_answers},
        {"satisfied (%)", stats_read_pct(sm->satisfied, sm->satisfaction_answers)},
        {"perception: visits answering before and after", (double)sm->perception_pairs},
        {"perception: mean shift (options)", sm->perception_shift},
        {"perception: improved", (double)sm->perception_improved},
        {"orders", (double)sm->orders},
        {"videos watched", (double)sm->videos},
        {"quiz answers", (double)sm->quiz_answers},
        {"quiz right (%)", stats_read_pct(sm->quiz_correct, sm->quiz_answers)},
        {"events", (double)sm->events},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        worksheet_write_string(ws, r, 0, rows[i].label, x->bold);
        worksheet_write_number(ws, r++, 1, rows[i].value, x->num);
    }
    r++;
    worksheet_write_string(ws, r++, 0, "visits by group type", x->bold);
    for (int t = 0; t < STATS_GROUP_TYPE_COUNT; t++) {
        worksheet_write_string(ws, r, 0, stats_group_type_name((stats_group_type_t)t), NULL);
        worksheet_write_number(ws, r++, 1, (double)sm->visits_by_type[t], NULL);
    }
    if (f->stop_id[0] || f->group_id[0]) {
        r++;
        worksheet_write_string(ws, r, 0, "filter", x->bold);
        char buf[128];
        snprintf(buf, sizeof buf, "stop %s group %s", f->stop_id, f->group_id);
        worksheet_write_string(ws, r++, 1, buf, NULL);
    }
}

static int write_xlsx(void *ctx, const char *tmp, stats_error_t *err)
{
    export_ctx_t *x = ctx;
    stats_summary_t *sm = malloc(sizeof *sm);
    if (!sm)
        return stats_error_set(err, MF_ENOMEM, "out of memory");
    int rc = stats_summary_db(x->db, x->f, sm, err);
    if (rc != MF_OK) {
        free(sm);
        return rc;
    }
    lxw_workbook_options wo = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    xlsx_t xw = {
        {xlsx_begin, xlsx_row, xlsx_end, NULL, NULL}, NULL, NULL, NULL, NULL, NULL, 0, 0, {0}};
    xw.wb = workbook_new_opt(tmp, &wo);
    if (!xw.wb) {
        free(sm);
        return stats_error_set(err, MF_EIO, "cannot write %s", tmp);
    }
    xw.bold = workbook_add_format(xw.wb);
    format_set_bold(xw.bold);
    xw.date = workbook_add_format(xw.wb);
    format_set_num_format(xw.date, "yyyy-mm-dd hh:mm");
    xw.num = workbook_add_format(xw.wb);
    format_set_num_format(xw.num, "0.00");
    xlsx_summary(&xw, sm, x->f);
    rc = each_table(x->db, x->f, x->o, &xw.w, err);
    lxw_error le = workbook_close(xw.wb);
    if (rc == MF_OK && le != LXW_NO_ERROR)
        rc = stats_error_set(err, MF_EIO, "cannot write the spreadsheet: %s (is the disk full?)",
                             lxw_strerror(le));
    free(sm);
    return rc;
}

/* --- PDF, through stats_report.c. */

static int write_pdf(void *ctx, const char *tmp, stats_error_t *err)
{
    export_ctx_t *x = ctx;
    stats_summary_t *sm = malloc(sizeof *sm);
    if (!sm)
        return stats_error_set(err, MF_ENOMEM, "out of memory");
    int rc = stats_summary_db(x->db, x->f, sm, err);
    if (rc == MF_OK)
        rc = stats_report_pdf(sm, x->f, tmp, err);
    free(sm);
    return rc;
}

/* --- The entry points. */

int stats_format_parse(const char *word, stats_format_t *out)
{
    static const char *const names[] = {"csv", "xlsx", "json", "pdf"};
    for (int i = 0; i < 4; i++) {
        if (word && strcmp(word, names[i]) == 0) {
            *out = (stats_format_t)i;
            return MF_OK;
        }
    }
    return MF_EINVAL;
}

void stats_export_opts_default(stats_export_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->format = STATS_FMT_CSV;
    o->with_audit = true;
}

int stats_export(const char *path, const stats_filter_t *f, const stats_export_opts_t *o,
                 const char *out, stats_error_t *err)
{
    sqlite3 *db = NULL;
    store_check_t check;
    bool checking = o->format == STATS_FMT_CSV;
    int rc = checking ? stats_read_open_unchecked(path, &db, err) : stats_read_open(path, &db, err);
    if (rc != MF_OK)
        return rc;
    if (checking)
        store_check_start(&check, path);
    /* One read transaction: every table sees the same store, even while the
     * kiosk keeps writing. */
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    export_ctx_t x = {db, f, o};
    switch (o->format) {
    case STATS_FMT_CSV:
        rc = export_csv(db, f, o, out, &check, err);
        /* A damaged store says so, whatever else went wrong. */
        if (store_check_wait(&check, NULL) != MF_OK)
            rc = store_check_wait(&check, err);
        break;
    case STATS_FMT_JSON:
        rc = stats_write_atomic(out, write_json, &x, err);
        break;
    case STATS_FMT_XLSX:
        rc = stats_write_atomic(out, write_xlsx, &x, err);
        break;
    case STATS_FMT_PDF:
        rc = stats_write_atomic(out, write_pdf, &x, err);
        break;
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}
