/*
 * stats_export.h - reading a statistics store for organisers: the headline
 * figures (summary), the tables, and the exports (CSV for French Excel, XLSX,
 * JSON, a PDF report with charts), and merging kiosks' stores.
 *
 * Part of mf_stats. Each function takes the store's PATH and opens its own
 * read connection (WAL lets it read while the kiosk writes), so the same
 * calls serve `minifab stats` and the kiosk's organiser screen (which calls
 * stats_store_sync() first so the last events are in). Every output is
 * written to a temporary file (a temporary folder for CSV) next to its
 * destination, fsync'ed, then renamed: a full disk or a pulled USB stick
 * never leaves a half-written export under the final name.
 *
 * The tables and their columns, the JSON schema and the CSV format are
 * documented in docs/STATS.md.
 */
#ifndef MF_STATS_EXPORT_H
#define MF_STATS_EXPORT_H

#include "stats_store.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Which events count: a time range and a stop or a group. */
typedef struct {
    int64_t from_ms;             /* first instant included (wall clock, ms), INT64_MIN = none */
    int64_t to_ms;               /* first instant excluded, INT64_MAX = none */
    char stop_id[STATS_ID_MAX];  /* "" = every stop */
    char group_id[STATS_ID_MAX]; /* "" = every group */
} stats_filter_t;

void stats_filter_init(stats_filter_t *f);

/* Parses "YYYY-MM-DD" (a local day) into the start of that day (ms), or the
 * start of the next day when END. Returns 0 or MF_EINVAL for anything else
 * (including 2026-02-30). */
int stats_parse_day(const char *text, bool end, int64_t *out_ms);

#define STATS_SCALE_MAX 10  /* satisfaction faces, perception options */
#define STATS_TOP_MAX 64    /* stations, trades listed */
#define STATS_MISSED_MAX 10 /* the most missed questions */
#define STATS_DAYS_MAX 400  /* days listed in a summary (a year fits) */

typedef struct {
    char id[STATS_ID_MAX];
    int64_t views;    /* page views (station_view / trade_view) */
    int64_t dwell_ms; /* total time on the page */
    int64_t videos;   /* job videos watched (trades) */
    int64_t watched_ms;
} stats_item_figure_t;

typedef struct {
    char station[STATS_ID_MAX];
    char question[STATS_ID_MAX];
    int version;
    int64_t answered, correct;
    int64_t time_ms; /* total time to answer */
} stats_question_figure_t;

typedef struct {
    char day[11];                           /* YYYY-MM-DD, local */
    int64_t visits[STATS_GROUP_TYPE_COUNT]; /* by group type */
} stats_day_figure_t;

/* The headline figures: every number the summary, the PDF and the JSON's
 * "summary" show, computed once by stats_summary(). */
typedef struct {
    int64_t events;
    int64_t visits; /* visit_started events */
    int64_t visits_by_type[STATS_GROUP_TYPE_COUNT];
    int64_t first_ms, last_ms; /* first and last event in the filter */
    int64_t profiles[VISIT_PROFILE_COUNT];
    int64_t satisfaction[STATS_SCALE_MAX]; /* answers per face, 0 = lowest */
    int satisfaction_scale;                /* faces seen (highest value + 1) */
    int64_t satisfaction_answers;
    int64_t satisfied; /* answers in the top half of the scale */
    int64_t perception_before[STATS_SCALE_MAX], perception_after[STATS_SCALE_MAX];
    int perception_scale;
    int64_t perception_pairs; /* visits that answered before and after */
    int64_t perception_improved, perception_same, perception_worse;
    double perception_shift; /* mean (after - before) over the pairs */
    int64_t orders, orders_engraved;
    int64_t outcomes[VISIT_ORDER_OUTCOME_COUNT];
    int64_t videos, videos_watched_ms;
    int64_t quiz_answers, quiz_correct;
    int64_t tickets;
    size_t station_count, trade_count, missed_count, day_count;
    stats_item_figure_t stations[STATS_TOP_MAX];      /* by views, most first */
    stats_item_figure_t trades[STATS_TOP_MAX];        /* by views + videos, most first */
    stats_question_figure_t missed[STATS_MISSED_MAX]; /* by wrong answers, most first */
    stats_day_figure_t days[STATS_DAYS_MAX];
    stats_stop_t stop; /* the filter's stop, or the only stop seen; id "" = several */
    int stops_seen;
} stats_summary_t;

/* Computes the summary of the store at PATH under F. Returns 0 or an MF_E*
 * code (message in ERR). */
int stats_summary(const char *path, const stats_filter_t *f, stats_summary_t *out,
                  stats_error_t *err);

/* Prints the summary for a terminal. */
void stats_summary_print(const stats_summary_t *sm, FILE *out);

typedef enum {
    STATS_FMT_CSV,
    STATS_FMT_XLSX,
    STATS_FMT_JSON,
    STATS_FMT_PDF,
} stats_format_t;

/* Parses "csv", "xlsx", "json", "pdf". Returns 0 or MF_EINVAL. */
int stats_format_parse(const char *word, stats_format_t *out);

typedef struct {
    stats_format_t format;
    bool decimal_point; /* CSV: "3.5" instead of the French "3,5" */
    bool with_audit;    /* include the staff audit (organisers' exports: true) */
} stats_export_opts_t;

void stats_export_opts_default(stats_export_opts_t *o);

/* Exports the store at PATH under F to OUT: a folder of CSV files (which
 * must not exist yet), or one .xlsx, .json or .pdf file (replaced
 * atomically). Returns 0 or an MF_E* code (message in ERR); on failure
 * nothing is left under OUT nor beside it. */
int stats_export(const char *path, const stats_filter_t *f, const stats_export_opts_t *o,
                 const char *out, stats_error_t *err);

/* The PDF report alone (stats_report.c), with the summary already computed. */
int stats_report_pdf(const stats_summary_t *sm, const stats_filter_t *f, const char *out,
                     stats_error_t *err);

/* Merges the stores IN into OUT (created when missing). Rows are keyed by
 * their unique ids: merging the same store twice changes nothing, and two
 * kiosks' stores add up. An input of an older schema is migrated in a
 * temporary copy (the input is never written); a newer one is refused.
 * All inputs go in one transaction: on any error OUT is left as it was.
 * ADDED (optional) receives the number of events added. */
int stats_merge(const char *out, const char *const *in, int n_in, int64_t *added,
                stats_error_t *err);

/* Writes through a temporary file beside PATH, fsync, rename. The helpers
 * the exports use; WRITE gets a temporary path and fills it. */
typedef int (*stats_write_fn)(void *ctx, const char *tmp_path, stats_error_t *err);
int stats_write_atomic(const char *path, stats_write_fn write, void *ctx, stats_error_t *err);

#endif
