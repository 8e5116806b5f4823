/*
 * stats_agg.c - what the summary's pass (stats_summary.c) and the tables'
 * pass (stats_export.c) count with (private to app/stats, stats_agg.h): one
 * hash map from byte strings to counters, the key builder, the quiz
 * questions' keys and the visits' local days. Both passes go through these
 * so that a figure they share is computed one way.
 */
#include "stats_agg.h"

#include "mf_error.h"
#include "stats_read.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t stats_agg_hash(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 14695981039346656037u; /* FNV-1a, 64 bits */
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h ^ (h >> 29);
}

void stats_agg_map_free(stats_agg_map_t *m)
{
    free(m->e);
    free(m->slot);
    free(m->keys);
    memset(m, 0, sizeof *m);
}

static bool agg_map_grow(stats_agg_map_t *m)
{
    size_t nslot = m->nslot ? m->nslot * 2 : 256;
    if (nslot > UINT32_MAX)
        return false;
    uint32_t *slot = calloc(nslot, sizeof *slot);
    if (!slot)
        return false;
    for (size_t i = 0; i < m->n; i++) {
        size_t s = (size_t)m->e[i].hash & (nslot - 1);
        while (slot[s])
            s = (s + 1) & (nslot - 1);
        slot[s] = (uint32_t)(i + 1);
    }
    free(m->slot);
    m->slot = slot;
    m->nslot = nslot;
    return true;
}

/* The entry of KEY (LEN bytes), or NULL when it is not there. */
stats_agg_entry_t *stats_agg_map_find(const stats_agg_map_t *m, const void *key, size_t len,
                                      uint64_t h)
{
    if (!m->n)
        return NULL;
    for (size_t s = (size_t)h & (m->nslot - 1); m->slot[s]; s = (s + 1) & (m->nslot - 1)) {
        stats_agg_entry_t *e = &m->e[m->slot[s] - 1];
        if (e->hash == h && e->len == len && (!len || !memcmp(m->keys + e->key, key, len)))
            return e;
    }
    return NULL;
}

/* The entry of KEY, added with its counters at 0 when new; NULL when out of
 * memory. The pointer is good until the next call. */
stats_agg_entry_t *stats_agg_map_get(stats_agg_map_t *m, const void *key, size_t len)
{
    uint64_t h = stats_agg_hash(key, len);
    stats_agg_entry_t *e = stats_agg_map_find(m, key, len, h);
    if (e)
        return e;
    if (2 * (m->n + 1) > m->nslot && !agg_map_grow(m))
        return NULL;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        stats_agg_entry_t *ne = realloc(m->e, cap * sizeof *ne);
        if (!ne)
            return NULL;
        m->e = ne;
        m->cap = cap;
    }
    if (!m->keys || m->keys_len + len > m->keys_cap) {
        size_t cap = m->keys_cap ? m->keys_cap * 2 : 4096;
        while (cap < m->keys_len + len)
            cap *= 2;
        char *nk = realloc(m->keys, cap);
        if (!nk)
            return NULL;
        m->keys = nk;
        m->keys_cap = cap;
    }
    if (len)
        memcpy(m->keys + m->keys_len, key, len);
    e = &m->e[m->n];
    memset(e, 0, sizeof *e);
    e->hash = h;
    e->key = m->keys_len;
    e->len = len;
    m->keys_len += len;
    size_t s = (size_t)h & (m->nslot - 1);
    while (m->slot[s])
        s = (s + 1) & (m->nslot - 1);
    m->slot[s] = (uint32_t)++m->n;
    return e;
}

/* Once no key is added any more: each entry's K points at its key. */
void stats_agg_map_seal(stats_agg_map_t *m)
{
    for (size_t i = 0; i < m->n; i++)
        m->e[i].k = m->keys + m->e[i].key;
}

/* Once no key is added any more: the entries sorted by CMP (the map can no
 * longer be searched). */
void stats_agg_map_sort(stats_agg_map_t *m, int (*cmp)(const void *, const void *))
{
    stats_agg_map_seal(m);
    if (m->n > 1)
        qsort(m->e, m->n, sizeof m->e[0], cmp);
}

void stats_agg_key_put(stats_agg_key_t *k, const void *p, size_t n)
{
    if (!n)
        return;
    if (k->n + n > k->cap) {
        size_t cap = (k->cap ? k->cap * 2 : 256) + n;
        char *b = realloc(k->b, cap);
        if (!b) {
            k->oom = true;
            return;
        }
        k->b = b;
        k->cap = cap;
    }
    memcpy(k->b + k->n, p, n);
    k->n += n;
}

/* A quiz question's key in a questions' map, built in K: station NUL
 * question NUL version (a NULL station or question is ""). Both passes
 * count their questions through it (stats_agg_question_count) and read them back
 * through stats_agg_question_of. */
void stats_agg_question_key(stats_agg_key_t *k, const char *station, const char *item, int version)
{
    k->n = 0;
    stats_agg_key_put(k, station ? station : "", station ? strlen(station) + 1 : 1);
    stats_agg_key_put(k, item ? item : "", item ? strlen(item) + 1 : 1);
    stats_agg_key_put(k, &version, sizeof version);
}

/* A quiz answer into M: v[0] answered, v[1] right, v[2] ms. */
int stats_agg_question_count(stats_agg_map_t *m, stats_agg_key_t *k, const char *station,
                             const char *item, int version, bool correct, int64_t ms)
{
    stats_agg_question_key(k, station, item, version);
    stats_agg_entry_t *e = k->oom ? NULL : stats_agg_map_get(m, k->b, k->n);
    if (!e)
        return MF_ENOMEM;
    e->v[0]++;
    e->v[1] += correct;
    e->v[2] += ms;
    return MF_OK;
}

/* The question of entry E of M (a questions' map). */
void stats_agg_question_of(const stats_agg_map_t *m, const stats_agg_entry_t *e,
                           const char **station, const char **item, int *version)
{
    const char *k = m->keys + e->key;
    *station = k;
    *item = k + strlen(k) + 1;
    memcpy(version, k + e->len - sizeof *version, sizeof *version);
}

/* Local days. Both passes count visits per local day as SQLite's
 * date(ts / 1000, 'unixepoch', 'localtime') gives it, in two steps: during
 * the pass each visit into its 15-minute slot (stats_agg_day_slot: the same local day
 * for a whole slot, every time zone's offset being a multiple of 15
 * minutes), then each slot seen (a few thousand a year, not one per visit)
 * into its day: the tables by date(slot, ...) in their query, the summary by
 * stats_agg_slot_day(), which is the same. */
int64_t stats_agg_day_slot(int64_t ts_ms)
{
    int64_t s = ts_ms / 1000; /* SQLite's integer division */
    return (s >= 0 ? s / 900 : (s - 899) / 900) * 900;
}

/* The local day of SLOT (seconds), as SQLite's date(slot, 'unixepoch',
 * 'localtime'): localtime_r, which SQLite itself calls for the years 1971 to
 * 2037; outside them (a kiosk's clock at 1970, say) SQLite shifts the year
 * its own way, so it is asked through *ST (prepared on DB when first needed,
 * the caller finalizes it). */
int stats_agg_slot_day(sqlite3 *db, sqlite3_stmt **st, int64_t slot, char day[11])
{
    day[0] = '\0';
    if (slot >= 31536000 && slot < 2145916800) { /* 1971-01-01 to 2038-01-01 UTC */
        time_t t = (time_t)slot;
        struct tm tm;
        if (localtime_r(&t, &tm) && strftime(day, 11, "%Y-%m-%d", &tm) == 10)
            return MF_OK;
    }
    if (!*st && sqlite3_prepare_v2(db, "SELECT date(?1, 'unixepoch', 'localtime')", -1, st, NULL) !=
                    SQLITE_OK)
        return MF_EIO;
    sqlite3_reset(*st);
    sqlite3_bind_int64(*st, 1, slot);
    if (sqlite3_step(*st) != SQLITE_ROW)
        return MF_EIO;
    stats_read_copy_col(day, 11, *st, 0);
    return MF_OK;
}

/* Keys in SQLite's order for text (BINARY: bytes, then the shorter first). */
int stats_agg_key_cmp(const stats_agg_entry_t *x, const stats_agg_entry_t *y)
{
    size_t n = x->len < y->len ? x->len : y->len;
    int c = n ? memcmp(x->k, y->k, n) : 0;
    return c ? c : (x->len > y->len) - (x->len < y->len);
}
