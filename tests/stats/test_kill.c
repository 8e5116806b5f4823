/*
 * test_kill.c - stats.kill: the kill -9 campaign. Child processes record a
 * scripted stream (one event a millisecond) into their own store and are
 * killed with SIGKILL at random moments, many at once (a loaded kiosk, a
 * loaded disk); each store is reopened as a restarted kiosk would, and
 * after every kill: `PRAGMA integrity_check` is ok, every event emitted more
 * than one second before the kill is there, none is there twice.
 *
 * Each child notes in shared memory when it emitted each event (before
 * handing it to the store), so the parent knows what had to be written.
 *
 * `test_stats_kill` alone runs 200 kills (CTest, ~40 s); `test_stats_kill
 * --kills 1000` is the benchmark of docs/BENCHMARKS.md and prints figures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mf_error.h"
#include "mf_log.h"
#include "stats_test_util.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#define MAX_EV 4000 /* events a child emits at most (4 s) */
#define SLOTS_MAX 16
#define KILL_MIN_MS 30 /* kills land anywhere from the store's opening on */
#define KILL_MAX_MS 1800

typedef struct {
    volatile int64_t emitted;
    volatile int64_t emit_ms[MAX_EV + 1];
} slot_log_t;

typedef struct {
    int kills, slots;
    int checked;          /* kills after more than one second of recording */
    int64_t events;       /* events emitted in all */
    int64_t lost_max;     /* most events lost by one kill */
    int64_t lost_age_max; /* oldest lost event, ms before its kill */
    int corruptions;      /* integrity_check not ok, or a store that does not open */
    int missing;          /* kills after which an event older than 1 s was missing */
    int doubles;          /* kills after which an event was there twice */
} campaign_t;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* The child: records one event a millisecond until it is killed. */
static void child_main(const char *path, slot_log_t *log, int64_t run)
{
    mf_log_set_stderr(0);
    stats_store_opts_t o;
    stats_store_opts_default(&o);
    o.kiosk_id = "kill-test";
    stats_store_t *s = stats_store_open(path, &o, NULL);
    if (!s)
        _exit(3);
    visit_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.type = VISIT_EV_SCREEN;
    snprintf(ev.u.view.id, VISIT_ID_MAX, "home");
    for (int64_t k = 1; k <= MAX_EV; k++) {
        ev.visit = (uint64_t)run;
        ev.at_ms = k;
        log->emit_ms[k] = mono_ms();
        stats_store_record(s, &ev);
        log->emitted = k;
        sleep_ms(1);
    }
    for (;;)
        pause();
}

/* After a kill: the store opens, is intact, holds every old event once. */
static void check_slot(campaign_t *c, const char *path, const slot_log_t *log, int64_t run,
                       int64_t kill_ms)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    c->events += log->emitted;
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        c->corruptions++;
        sqlite3_close(db);
        return;
    }
    sqlite3_busy_timeout(db, 5000);
    const char *res = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        res = (const char *)sqlite3_column_text(st, 0);
    if (!res || strcmp(res, "ok") != 0) {
        fprintf(stderr, "store %s after a kill: %s\n", path, res ? res : sqlite3_errmsg(db));
        c->corruptions++;
    }
    sqlite3_finalize(st);
    st = NULL;
    /* An empty file (killed before the schema was made) is a fresh store. */
    int64_t present = 0, distinct = 0, first_missing = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*), count(DISTINCT at_ms) FROM events WHERE visit=?",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, run);
        if (sqlite3_step(st) == SQLITE_ROW) {
            present = sqlite3_column_int64(st, 0);
            distinct = sqlite3_column_int64(st, 1);
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    /* The events are written in order: the first missing one is present + 1. */
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(at_ms), 0) FROM events WHERE visit=?", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, run);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) != present) {
            fprintf(stderr, "run %lld: a gap (%lld events, last %lld)\n", (long long)run,
                    (long long)present, (long long)sqlite3_column_int64(st, 0));
            c->missing++;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (distinct != present)
        c->doubles++;
    int64_t must = 0;
    for (int64_t k = 1; k <= log->emitted; k++)
        if (log->emit_ms[k] < kill_ms - 1000)
            must = k;
    if (present < must) {
        fprintf(stderr, "run %lld: %lld events older than 1 s, only %lld in the store\n",
                (long long)run, (long long)must, (long long)present);
        c->missing++;
    }
    if (log->emit_ms[1] > 0 && kill_ms - log->emit_ms[1] > 1000)
        c->checked++;
    int64_t lost = log->emitted - present;
    if (lost > c->lost_max)
        c->lost_max = lost;
    first_missing = present + 1;
    if (first_missing <= log->emitted && kill_ms - log->emit_ms[first_missing] > c->lost_age_max)
        c->lost_age_max = kill_ms - log->emit_ms[first_missing];
}

static void campaign(campaign_t *c, const char *dir, unsigned seed)
{
    slot_log_t *logs = mmap(NULL, sizeof(slot_log_t) * (size_t)c->slots, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(logs != MAP_FAILED);
    srand(seed);
    int64_t run = 0;
    for (int done = 0; done < c->kills;) {
        int n = c->kills - done < c->slots ? c->kills - done : c->slots;
        pid_t pid[SLOTS_MAX];
        int64_t at[SLOTS_MAX], killed[SLOTS_MAX], runs[SLOTS_MAX];
        char path[SLOTS_MAX][160];
        int64_t t0 = mono_ms();
        for (int i = 0; i < n; i++) {
            snprintf(path[i], sizeof path[i], "%s/kiosk%d.db", dir, i);
            memset(&logs[i], 0, sizeof logs[i]);
            runs[i] = ++run;
            at[i] = t0 + KILL_MIN_MS + rand() % (KILL_MAX_MS - KILL_MIN_MS);
            pid[i] = fork();
            assert_true(pid[i] >= 0);
            if (pid[i] == 0)
                child_main(path[i], &logs[i], runs[i]);
        }
        for (int left = n; left > 0;) {
            int next = -1;
            for (int i = 0; i < n; i++)
                if (pid[i] > 0 && (next < 0 || at[i] < at[next]))
                    next = i;
            int64_t wait = at[next] - mono_ms();
            if (wait > 0)
                sleep_ms(wait);
            killed[next] = mono_ms();
            kill(pid[next], SIGKILL);
            waitpid(pid[next], NULL, 0);
            pid[next] = 0;
            left--;
        }
        for (int i = 0; i < n; i++)
            check_slot(c, path[i], &logs[i], runs[i], killed[i]);
        done += n;
    }
    munmap(logs, sizeof(slot_log_t) * (size_t)c->slots);
}

static void print(const campaign_t *c, double secs, unsigned seed)
{
    printf("kill -9 campaign: %d kills (%d processes at a time, seed %u) in %.1f s\n", c->kills,
           c->slots, seed, secs);
    printf("  kills after more than 1 s of recording: %d\n", c->checked);
    printf("  events emitted: %lld\n", (long long)c->events);
    printf("  events lost by one kill, at most: %lld (the oldest %lld ms before the kill)\n",
           (long long)c->lost_max, (long long)c->lost_age_max);
    printf("  corruptions: %d, events older than 1 s missing: %d, counted twice: %d\n",
           c->corruptions, c->missing, c->doubles);
}

static int kills_arg = 200;

static void test_campaign(void **state)
{
    char dir[64];
    test_tmpdir(dir, sizeof dir);
    campaign_t c = {.kills = kills_arg, .slots = 10};
    unsigned seed = (unsigned)time(NULL);
    if (getenv("MINIFAB_KILL_SEED"))
        seed = (unsigned)atoi(getenv("MINIFAB_KILL_SEED"));
    int64_t t0 = mono_ms();
    campaign(&c, dir, seed);
    print(&c, (double)(mono_ms() - t0) / 1000.0, seed);
    test_rmdir(dir);
    assert_int_equal(c.corruptions, 0);
    assert_int_equal(c.missing, 0);
    assert_int_equal(c.doubles, 0);
    assert_true(c.checked > c.kills / 5); /* the guarantee was put to the test */
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--kills") == 0)
        kills_arg = atoi(argv[2]);
    mf_log_set_stderr(0);
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_campaign)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
