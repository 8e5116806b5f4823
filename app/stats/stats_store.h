/*
 * stats_store.h - the visitor statistics store: the kiosk's sink for the
 * visit's events (app/core/visit_event.h), written to SQLite so that nothing
 * is lost on a power cut and nothing is counted twice on a merge.
 *
 * Part of mf_stats (app/stats), the only area that links SQLite, libxlsxwriter
 * and cairo; app/core stays pure. The schema, its versions and the exports'
 * columns are documented in docs/STATS.md; what is (and never is) recorded in
 * docs/PRIVACY.md.
 *
 * Threads: the kiosk calls the recording functions (the sink's emit,
 * stats_audit_record, the context setters) on its UI thread; they never touch
 * the disk: they stamp the wall clock, give the item its unique id and put it
 * in a bounded in-memory queue. A writer thread of the store commits the queue
 * in batches, at the latest COMMIT_MS after an item arrived (250 ms by
 * default, so at most the last second is lost when the power goes), in WAL
 * mode with synchronous=FULL (a commit is on the disk when it returns). When
 * the disk is full or the database locked, the items stay in memory (up to
 * QUEUE_MAX, then new ones are dropped and counted), the error is logged and
 * shown by stats_store_status(), and the writer retries with a backoff.
 *
 * Unique ids: every event is (kiosk id, run, seq): the kiosk id is set once per
 * installation (generated at the store's creation, or the configuration's
 * kiosk_id), the run a random 63-bit number drawn at each open (getrandom) and
 * again when a run is a day old, the seq counts from 1 at the open. Each run
 * gets a number in the store (runs.no) and an event's rowid is (no << 32) |
 * seq: inserts ignore an id already present, so a retried batch, or the same
 * store merged twice, never doubles a row (docs/STATS.md, schema 5).
 */
#ifndef MF_STATS_STORE_H
#define MF_STATS_STORE_H

#include "visit_event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The store's schema version (docs/STATS.md lists each and its migration). */
#define STATS_SCHEMA_VERSION 5

/* A failure with a message a person can act on ("/media/usb/a.db is not a
 * minifab statistics store"). CODE is a negative MF_E* code. */
typedef struct {
    int code;
    char text[384];
} stats_error_t;

/* The wall clock, in milliseconds since 1970-01-01 UTC. Injectable: tests
 * fast-forward months to see retention work. */
typedef int64_t (*stats_clock_fn)(void *ctx);

typedef struct {
    const char *kiosk_id; /* NULL or "": the id kept in the store (made at creation) */
    int retention_months; /* events and audit lines older than this are purged (25) */
    int commit_ms;        /* longest wait of a queued item before its commit (250) */
    size_t queue_max;     /* items kept in memory while the disk refuses (200000) */
    stats_clock_fn clock; /* NULL: CLOCK_REALTIME */
    void *clock_ctx;
    /* A seam for tests (NULL otherwise): called by the writer after each
     * commit of a batch; non-zero makes it take the batch as failed and
     * retry it, as when the disk reports an error after the commit reached
     * it. */
    int (*after_commit)(void *ctx);
    void *after_commit_ctx;
} stats_store_opts_t;

/* The defaults above. */
void stats_store_opts_default(stats_store_opts_t *o);

typedef struct stats_store stats_store_t;

/* Opens (creating it when missing) the store at PATH, migrates an older
 * schema, refuses a newer one, a damaged file or one that is not a store
 * (message in ERR when not NULL) and starts the writer thread, whose first
 * work is to purge what is older than the retention period (the caller never
 * waits for it; stats_status_t.last_purge_ms says when it is done). NULL on
 * failure. */
stats_store_t *stats_store_open(const char *path, const stats_store_opts_t *opt,
                                stats_error_t *err);

/* Commits what is queued (waiting up to 3 s for a refusing disk, then
 * logging how many items are lost), stops the writer, closes. NULL is fine. */
void stats_store_close(stats_store_t *s);

/* The sink to give to kiosk_set_sink(): records each event (never blocks). */
visit_sink_t stats_store_sink(stats_store_t *s);

/* Records one event: stamps the wall clock, gives it its id, queues it.
 * Never blocks on the disk; safe from any thread. */
void stats_store_record(stats_store_t *s, const visit_event_t *ev);

/* Waits until everything queued so far is committed (an export from the
 * kiosk calls it first). Returns 0, MF_ETIMEDOUT, or the writer's last error
 * when it is still failing at the deadline. */
int stats_store_sync(stats_store_t *s, int timeout_ms);

/* Purges now what is older than the retention period (the writer also does it
 * at open and once a day) and waits for it. Returns 0 or an MF_E* code. */
int stats_store_purge(stats_store_t *s, int timeout_ms);

/* This installation's kiosk id, as stamped on every event. */
const char *stats_store_kiosk_id(const stats_store_t *s);
/* The store's file. */
const char *stats_store_path(const stats_store_t *s);

/* --- The context: the current stop and group (the staff console, issue 13). */

#define STATS_ID_MAX 48
#define STATS_NAME_MAX 96

/* A stop of the truck: "2026-11-lille", Lille, "Grand Place", 2026-11-16..20. */
typedef struct {
    char id[STATS_ID_MAX]; /* staff's short id, stable across kiosks; "" = none */
    char town[64];
    char venue[STATS_NAME_MAX];
    char first_day[11]; /* YYYY-MM-DD or "" */
    char last_day[11];
} stats_stop_t;

typedef enum {
    STATS_GROUP_GENERAL_PUBLIC = 0, /* whoever walks in (the default) */
    STATS_GROUP_SCHOOL,             /* a class with its teachers */
    STATS_GROUP_JOB_SEEKERS,        /* a job seekers' session */
    STATS_GROUP_COMPANY,            /* company staff, a trade fair */
    STATS_GROUP_OTHER,
    STATS_GROUP_TYPE_COUNT
} stats_group_type_t;

/* The group in the truck now: "school", "3e", "Collège Jean Moulin 3e B", 26.
 * NAME describes an institution or a session, never a person. */
typedef struct {
    stats_group_type_t type;
    char level[32];            /* "3e", "BTS", "" */
    char name[STATS_NAME_MAX]; /* short name shown in exports */
    int headcount;             /* people in the group, 0 = unknown */
    char id[STATS_ID_MAX];     /* set by stats_store_set_group: unique (run and seq) */
} stats_group_t;

/* Stable words for group types ("general_public", "school", "job_seekers",
 * "company", "other"), stored and exported; and back (returns 0 or MF_EINVAL). */
const char *stats_group_type_name(stats_group_type_t t);
int stats_group_type_parse(const char *word, stats_group_type_t *out);

/* Sets the current stop (copied). Every event recorded after this call
 * carries its id; the stop is kept in the store, so it survives a restart.
 * An empty id clears it. Returns 0 or MF_EINVAL (id too long or dates not
 * YYYY-MM-DD). */
int stats_store_set_stop(stats_store_t *s, const stats_stop_t *stop);

/* Starts a new group session (copied; its id is written to GROUP->id):
 * every event recorded after it carries that group. Kept in the store.
 * GROUP NULL clears it. Returns 0 or MF_EINVAL. */
int stats_store_set_group(stats_store_t *s, stats_group_t *group);

/* The current stop and group (as last set, or as found in the store). */
void stats_store_context(const stats_store_t *s, stats_stop_t *stop, stats_group_t *group);

/* --- The staff audit (issue 13): every staff action, exported for organisers. */

/* Records one staff action: ROLE ("trainer", "technician"), ACTION ("login",
 * "login_failed", "line_start", "ack", "group", "export", "reload"...),
 * DETAIL (what it was about; never a PIN) and RESULT ("ok", or the error's
 * words). Queued like events (never blocks). Returns 0, or MF_EFULL when the
 * queue is at its bound (the line is then dropped and counted). */
int stats_audit_record(stats_store_t *s, const char *role, const char *action, const char *detail,
                       const char *result);

/* --- The status for the staff's device panel. */

typedef struct {
    size_t queued;             /* items in memory, not yet committed */
    uint64_t written;          /* items committed since the store was opened */
    uint64_t dropped;          /* items lost because the queue was at its bound */
    int last_error;            /* 0, or the MF_E* code of the last failed commit */
    char last_error_text[160]; /* "disk full", "database locked by another program"... */
    int64_t last_error_ms;     /* wall clock of that failure, 0 = none */
    int64_t last_commit_ms;    /* wall clock of the last good commit, 0 = none */
    bool failing;              /* the last attempt failed (items are waiting) */
    int64_t last_purge_ms;     /* wall clock of the last purge of old events, 0 = none yet */
} stats_status_t;

void stats_store_status(const stats_store_t *s, stats_status_t *st);

#endif
