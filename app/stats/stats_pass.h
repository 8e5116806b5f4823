/*
 * stats_pass.h - private to app/stats: the tables' one pass over the events
 * (stats_pass.c), as the exports (stats_export.c) run it: every event read
 * once into the figures of every table, written to temporary tables
 * (temp.visits, temp.questions, temp.days...) that the tables' queries read;
 * on the way, the events the filter keeps handed to the CSV's writer.
 */
#ifndef MF_STATS_PASS_H
#define MF_STATS_PASS_H

#include "stats_agg.h"
#include "stats_export.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

/* --- One event as the pass reads it: texts (STATS_EV_KIOSK...) then numbers
 * (STATS_EV_RUN...), the columns of the pass's query in that order. */

enum {
    STATS_EV_KIOSK,
    STATS_EV_TYPE,
    STATS_EV_STOP,
    STATS_EV_GROUP,
    STATS_EV_ITEM,
    STATS_EV_STATION,
    STATS_EV_WORD,
    STATS_EV_DETAIL,
    STATS_EV_TEXTS
};
enum {
    STATS_EV_RUN,
    STATS_EV_SEQ,
    STATS_EV_TS,
    STATS_EV_AT,
    STATS_EV_VISIT,
    STATS_EV_VALUE,
    STATS_EV_VERSION,
    STATS_EV_FLAG,
    STATS_EV_FLAG2,
    STATS_EV_MS,
    STATS_EV_MS2,
    STATS_EV_ORDER,
    STATS_EV_ASKED,
    STATS_EV_ANSWERED,
    STATS_EV_CORRECT,
    STATS_EV_INTS
};

/* One event: numbers, and texts as offsets into its chunk's text (each ends
 * with a '\0'). NULL: bit k for number k, bit 16 + k for text k. */
typedef struct {
    int64_t i[STATS_EV_INTS];
    uint32_t off[STATS_EV_TEXTS], len[STATS_EV_TEXTS];
    uint32_t null;
} stats_ev_row_t;

_Static_assert(STATS_EV_INTS <= 16 && STATS_EV_TEXTS <= 16, "stats_ev_row_t.null holds both");

/* A row and the text it points into. */
typedef struct {
    const stats_ev_row_t *r;
    const char *text;
} stats_ev_t;

static inline bool stats_ev_int_null(const stats_ev_t *e, int k)
{
    return (e->r->null >> k) & 1u;
}

static inline int64_t stats_ev_int(const stats_ev_t *e, int k)
{
    return e->r->i[k]; /* 0 when NULL, as sqlite3_column_int64 */
}

static inline const char *stats_ev_str(const stats_ev_t *e, int k)
{
    return (e->r->null >> (16 + k)) & 1u ? NULL : e->text + e->r->off[k];
}

static inline size_t stats_ev_len(const stats_ev_t *e, int k)
{
    return e->r->len[k];
}

/* --- The pass. */

typedef struct stats_pass stats_pass_t;

/* A pass counting under filter F (kept by the caller until destroyed); NULL
 * when out of memory. */
stats_pass_t *stats_pass_create(const stats_filter_t *f);
void stats_pass_destroy(stats_pass_t *p);

/* Who receives the events the filter keeps: ROW (NULL: nobody) for each, in
 * id order; after each chunk of them CHECK returns its writer's error (0 or
 * an MF_E* code with ERR filled), which stops the pass. */
typedef struct {
    void (*row)(void *ctx, const stats_ev_t *e);
    int (*check)(void *ctx, stats_error_t *err);
    void *ctx;
} stats_pass_rows_t;

/* Reads every event of DB once into P, handing ROWS the kept ones. On any
 * error the reader thread is stopped and joined before returning. */
int stats_pass_run(stats_pass_t *p, sqlite3 *db, const stats_pass_rows_t *rows, stats_error_t *err);

/* Every temporary table the tables' queries read, from P (once run). */
int stats_pass_tables(const stats_pass_t *p, sqlite3 *db, stats_error_t *err);

#endif
