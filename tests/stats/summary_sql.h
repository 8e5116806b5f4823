/*
 * summary_sql.h - the headline figures computed by SQL queries alone, the
 * way stats_summary() did before its one pass: the reference that
 * tests/stats/test_summary_equiv.c compares stats_summary() with.
 */
#ifndef MF_TEST_SUMMARY_SQL_H
#define MF_TEST_SUMMARY_SQL_H

#include "stats_export.h"

/* The summary of the store at PATH (opened read-only) under F. */
int summary_sql(const char *path, const stats_filter_t *f, stats_summary_t *out,
                stats_error_t *err);

#endif
