/*
 * staff_stats.h - the staff console over the statistics store (app/stats):
 * the hooks of staff_edge.h that set and read the current stop and group,
 * read today's and this stop's figures, export for a USB stick and record
 * the audit lines. One store: app/stats; this file only translates.
 */
#ifndef MF_STAFF_STATS_H
#define MF_STAFF_STATS_H

#include "staff_console.h"

struct stats_store;

/* The hooks' functions (their CTX is the stats_store_t). */
int staff_stats_context_get(void *ctx, staff_context_t *out);
int staff_stats_context_set(void *ctx, const staff_context_t *in);
int staff_stats_figures(void *ctx, staff_figures_t *out);
int staff_stats_export(void *ctx, const char *format, const char *path);
void staff_stats_store_status(void *ctx, staff_store_status_t *out);
void staff_stats_audit(void *ctx, int64_t wall_ms, const char *role, const char *action,
                       const char *detail, const char *result);

/* The stop's id made from its town and first day: "2026-11-16-lille". */
void staff_stats_stop_id(const char *town, const char *first_day, char *buf, size_t size);
/* Parses the dates field: "2026-11-16", "2026-11-16 2026-11-20" or
 * "2026-11-16..2026-11-20". 0 or MF_EINVAL. */
int staff_stats_parse_dates(const char *text, char first[11], char last[11]);

#endif
