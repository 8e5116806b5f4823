/*
 * stats_agg.h - private to app/stats: what the summary's pass
 * (stats_summary.c) and the tables' pass (stats_export.c) count with, so
 * that a figure both compute is computed one way: one hash map from byte
 * strings to counters, a key builder, the quiz questions' keys, the visits'
 * local days.
 */
#ifndef MF_STATS_AGG_H
#define MF_STATS_AGG_H

#include "stats_store.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A hash map from a byte string to a few counters, grown as it fills (half
 * full at most), so a year of several kiosks never loses a row: the pass's
 * groups, stations, trades, questions, tickets, visits, days and stops.
 * Entries stay in one array in insertion order (sorted in place once the
 * pass is over); their keys live in one arena. */
#define STATS_AGG_VALS 6
_Static_assert(STATS_GROUP_TYPE_COUNT <= STATS_AGG_VALS, "a day's visits by group type");

typedef struct {
    uint64_t hash;
    size_t key, len; /* the key: LEN bytes at KEY in the arena */
    const char *k;   /* the key itself, set by stats_agg_map_seal() */
    int64_t v[STATS_AGG_VALS];
} stats_agg_entry_t;

typedef struct {
    stats_agg_entry_t *e;
    size_t n, cap;
    uint32_t *slot; /* entry index + 1, 0 = free; NSLOT is a power of two */
    size_t nslot;
    char *keys;
    size_t keys_len, keys_cap;
} stats_agg_map_t;

/* A key being built for a stats_agg_map_t, reused from one event to the next. */
typedef struct {
    char *b;
    size_t n, cap;
    bool oom;
} stats_agg_key_t;

/* FNV-1a (64 bits) of LEN bytes at KEY, the map's hash. */
uint64_t stats_agg_hash(const void *key, size_t len);

/* Frees what M holds and leaves it empty (a zeroed map is an empty one). */
void stats_agg_map_free(stats_agg_map_t *m);

/* The entry of KEY (LEN bytes, hash H), or NULL when it is not there. */
stats_agg_entry_t *stats_agg_map_find(const stats_agg_map_t *m, const void *key, size_t len,
                                      uint64_t h);

/* The entry of KEY, added with its counters at 0 when new (at index M->n - 1:
 * entries stay in insertion order); NULL when out of memory. The pointer is
 * good until the next call. */
stats_agg_entry_t *stats_agg_map_get(stats_agg_map_t *m, const void *key, size_t len);

/* Once no key is added any more: each entry's K points at its key. */
void stats_agg_map_seal(stats_agg_map_t *m);

/* Once no key is added any more: the entries sorted by CMP (the map can no
 * longer be searched). */
void stats_agg_map_sort(stats_agg_map_t *m, int (*cmp)(const void *, const void *));

/* Sealed keys in SQLite's order for text (BINARY: bytes, then the shorter first). */
int stats_agg_key_cmp(const stats_agg_entry_t *x, const stats_agg_entry_t *y);

/* Appends N bytes at P to K (K->oom set when out of memory). */
void stats_agg_key_put(stats_agg_key_t *k, const void *p, size_t n);

/* A quiz question's key in a questions' map, built in K: station NUL
 * question NUL version (a NULL station or question is ""). */
void stats_agg_question_key(stats_agg_key_t *k, const char *station, const char *item, int version);

/* A quiz answer into M (keyed through K): v[0] answered, v[1] right, v[2]
 * ms. 0 or MF_ENOMEM. */
int stats_agg_question_count(stats_agg_map_t *m, stats_agg_key_t *k, const char *station,
                             const char *item, int version, bool correct, int64_t ms);

/* The question of entry E of M (a questions' map); the strings point into M. */
void stats_agg_question_of(const stats_agg_map_t *m, const stats_agg_entry_t *e,
                           const char **station, const char **item, int *version);

/* The 15-minute slot (seconds) of TS_MS: a whole slot has one local day. */
int64_t stats_agg_day_slot(int64_t ts_ms);

/* The local day ("YYYY-MM-DD") of SLOT as SQLite's date(slot, 'unixepoch',
 * 'localtime'); *ST is prepared on DB when needed, the caller finalizes it.
 * 0 or MF_EIO. */
int stats_agg_slot_day(sqlite3 *db, sqlite3_stmt **st, int64_t slot, char day[11]);

#endif
