/*
 * cmd_stats.c - `minifab stats`: the organisers' figures from a kiosk's
 * statistics store (app/stats): summary, export (csv, xlsx, json, pdf),
 * merge; and `generate`, which fills a store with a realistic stop (school
 * classes in the morning, general public in the afternoon) through the real
 * recording path, for documentation, tests and `stats bench`.
 *
 * Every failure prints one clear line and exits non-zero; exports are
 * written through a temporary file and a rename (app/stats/stats_export.h).
 */
#include "commands.h"
#include "config.h"
#include "mf_error.h"
#include "mf_log.h"
#include "stats_export.h"
#include "stats_store.h"

#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void stats_usage(FILE *out)
{
    fprintf(out, "usage: minifab stats COMMAND [OPTIONS]\n\n"
                 "The visitor statistics of a kiosk's store (DATA_DIR/stats.db, docs/STATS.md).\n\n"
                 "commands:\n"
                 "  summary [FILTERS] [--store DB]\n"
                 "        headline figures: visits by day and group type, satisfaction,\n"
                 "        perception before/after, orders, videos, quiz\n"
                 "  export --format csv|xlsx|json|pdf --out PATH [FILTERS] [--store DB]\n"
                 "        csv: a new folder of ';' files for French Excel (--decimal point for\n"
                 "        '3.5' instead of '3,5'); xlsx, json: one file; pdf: the report\n"
                 "  merge OUT.db IN.db...\n"
                 "        adds several kiosks' stores into OUT (created when missing); merging\n"
                 "        the same store twice changes nothing\n"
                 "  generate --out DB [--from YYYY-MM-DD] [--days N] [--seed N] [--kiosk ID]\n"
                 "        fills DB with plausible visits of a stop (tests, docs, benchmarks)\n"
                 "  bench [--events N] [--dir DIR]\n"
                 "        figures for docs/BENCHMARKS.md: recording cost, 1M events to CSV, PDF\n\n"
                 "filters:\n"
                 "  --from YYYY-MM-DD  --to YYYY-MM-DD   days included (local time)\n"
                 "  --stop ID          --group ID        one stop, one group\n\n"
                 "--store DB defaults to DATA_DIR/stats.db (--data-dir, MINIFAB_DATA_DIR,\n"
                 "--config FILE as for 'minifab run').\n");
}

static const char *env_get(const char *name)
{
    return getenv(name);
}

/* Where the kiosk keeps its store (docs/STATS.md). */
static int default_store(const char *config_path, const char *data_dir, char *out, size_t size)
{
    config_t cfg;
    yamldoc_errors_t errs;
    yamldoc_errors_init(&errs);
    config_init(&cfg);
    int rc = MF_OK;
    if (config_path && config_load_file(&cfg, config_path, &errs) != MF_OK)
        rc = MF_EPARSE;
    if (rc == MF_OK)
        rc = config_apply_env(&cfg, env_get, &errs);
    if (rc == MF_OK && data_dir)
        rc = config_apply_flag(&cfg, "data-dir", data_dir, &errs);
    for (size_t i = 0; i < errs.count; i++)
        fprintf(stderr, "%s\n", errs.items[i]);
    yamldoc_errors_deinit(&errs);
    if (rc == MF_OK)
        snprintf(out, size, "%s/stats.db", cfg.data_dir);
    return rc;
}

typedef struct {
    stats_filter_t filter;
    char store[CONFIG_PATH_MAX + 16];
    const char *out;
    stats_export_opts_t exp;
    bool have_format;
} stats_args_t;

/* Parses the options shared by summary and export. Returns 0, or the exit status. */
static int parse_common(int argc, char **argv, stats_args_t *a, bool export)
{
    enum {
        O_FROM = 256,
        O_TO,
        O_STOP,
        O_GROUP,
        O_STORE,
        O_FORMAT,
        O_OUT,
        O_DECIMAL,
        O_CONFIG,
        O_DATA,
        O_HELP
    };
    static const struct option opts[] = {{"from", required_argument, NULL, O_FROM},
                                         {"to", required_argument, NULL, O_TO},
                                         {"stop", required_argument, NULL, O_STOP},
                                         {"group", required_argument, NULL, O_GROUP},
                                         {"store", required_argument, NULL, O_STORE},
                                         {"format", required_argument, NULL, O_FORMAT},
                                         {"out", required_argument, NULL, O_OUT},
                                         {"decimal", required_argument, NULL, O_DECIMAL},
                                         {"config", required_argument, NULL, O_CONFIG},
                                         {"data-dir", required_argument, NULL, O_DATA},
                                         {"help", no_argument, NULL, O_HELP},
                                         {NULL, 0, NULL, 0}};
    const char *config = getenv("MINIFAB_CONFIG"), *data = NULL;
    stats_filter_init(&a->filter);
    stats_export_opts_default(&a->exp);
    a->store[0] = '\0';
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_FROM:
        case O_TO:
            if (stats_parse_day(optarg, c == O_TO,
                                c == O_TO ? &a->filter.to_ms : &a->filter.from_ms) != MF_OK) {
                fprintf(stderr, "minifab stats: --%s expects a day as YYYY-MM-DD, got '%s'\n",
                        c == O_TO ? "to" : "from", optarg);
                return 2;
            }
            break;
        case O_STOP:
        case O_GROUP:
            if (strlen(optarg) >= STATS_ID_MAX) {
                fprintf(stderr, "minifab stats: the id '%s' is too long\n", optarg);
                return 2;
            }
            snprintf(c == O_STOP ? a->filter.stop_id : a->filter.group_id, STATS_ID_MAX, "%s",
                     optarg);
            break;
        case O_STORE:
            snprintf(a->store, sizeof a->store, "%s", optarg);
            break;
        case O_FORMAT:
            if (!export || stats_format_parse(optarg, &a->exp.format) != MF_OK) {
                fprintf(stderr, "minifab stats: --format expects csv, xlsx, json or pdf%s\n",
                        export ? "" : " (with 'export')");
                return 2;
            }
            a->have_format = true;
            break;
        case O_OUT:
            a->out = optarg;
            break;
        case O_DECIMAL:
            if (strcmp(optarg, "comma") && strcmp(optarg, "point")) {
                fprintf(stderr, "minifab stats: --decimal expects comma or point\n");
                return 2;
            }
            a->exp.decimal_point = strcmp(optarg, "point") == 0;
            break;
        case O_CONFIG:
            config = optarg;
            break;
        case O_DATA:
            data = optarg;
            break;
        case O_HELP:
        case 'h':
            stats_usage(stdout);
            return -1;
        default:
            fprintf(stderr, "minifab stats: see 'minifab stats --help'\n");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "minifab stats: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (a->filter.from_ms != INT64_MIN && a->filter.to_ms != INT64_MAX &&
        a->filter.from_ms >= a->filter.to_ms) {
        fprintf(stderr, "minifab stats: --from is after --to\n");
        return 2;
    }
    if (!a->store[0] && default_store(config, data, a->store, sizeof a->store) != MF_OK)
        return 2;
    return 0;
}

static int stats_summary_cmd(int argc, char **argv)
{
    stats_args_t a = {0};
    int st = parse_common(argc, argv, &a, false);
    if (st)
        return st < 0 ? 0 : st;
    stats_summary_t *sm = malloc(sizeof *sm);
    stats_error_t err = {0};
    if (!sm)
        return 1;
    if (stats_summary(a.store, &a.filter, sm, &err) != MF_OK) {
        fprintf(stderr, "minifab stats: %s\n", err.text);
        free(sm);
        return 1;
    }
    stats_summary_print(sm, stdout);
    free(sm);
    return 0;
}

static int stats_export_cmd(int argc, char **argv)
{
    stats_args_t a = {0};
    int st = parse_common(argc, argv, &a, true);
    if (st)
        return st < 0 ? 0 : st;
    if (!a.have_format || !a.out) {
        fprintf(stderr, "minifab stats export: --format and --out are needed\n");
        return 2;
    }
    stats_error_t err = {0};
    if (stats_export(a.store, &a.filter, &a.exp, a.out, &err) != MF_OK) {
        fprintf(stderr, "minifab stats: %s\n", err.text);
        return 1;
    }
    printf("%s written\n", a.out);
    return 0;
}

static int stats_merge_cmd(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        stats_usage(stdout);
        return 0;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: minifab stats merge OUT.db IN.db...\n");
        return 2;
    }
    stats_error_t err = {0};
    int64_t added = 0;
    if (stats_merge(argv[1], (const char *const *)argv + 2, argc - 2, &added, &err) != MF_OK) {
        fprintf(stderr, "minifab stats merge: %s\n", err.text);
        return 1;
    }
    printf("%" PRId64 " events added to %s\n", added, argv[1]);
    return 0;
}

/* --- The generator: plausible stops, through the store's own recording path. */

typedef struct {
    uint64_t s;
} rng_t;

static uint32_t rnd(rng_t *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 11);
}

static int rnd_int(rng_t *r, int lo, int hi)
{
    return lo + (int)(rnd(r) % (uint32_t)(hi - lo + 1));
}

static bool chance(rng_t *r, int percent)
{
    return (int)(rnd(r) % 100) < percent;
}

typedef struct {
    const char *id;
    const char *trades[3];
    const char *questions[4];
    int difficulty; /* percent of wrong answers */
} gen_station_t;

/* The default content pack's stations, trades and some questions. */
static const gen_station_t gen_stations[] = {
    {"order-desk",
     {"sales-technician", "mechanical-draughtsman"},
     {"desk-industry-jobs", "desk-diploma-myth", "desk-wages", "desk-retirements"},
     30},
    {"automated-store",
     {"logistics-operator", "line-operator"},
     {"store-rfid", "store-fifo", "store-just-in-time", "store-safety"},
     15},
    {"press",
     {"sheet-metal-worker", "boilermaker", "pipefitter"},
     {"press-springback", "press-two-hands", "press-women", "press-hard-to-fill"},
     25},
    {"laser",
     {"cnc-machinist", "mechanical-draughtsman"},
     {"laser-gcode", "laser-precision", "laser-no-contact", "laser-hard-to-fill"},
     20},
    {"robot",
     {"robotics-technician", "automation-technician"},
     {"robot-teach", "robot-axes", "robot-replace", "robot-plc"},
     15},
    {"quality",
     {"quality-technician", "metrologist"},
     {"quality-caliper", "quality-heat", "quality-cause", "quality-every-piece"},
     20},
    {"packing",
     {"line-operator", "logistics-operator"},
     {"packing-why", "packing-simulation", "packing-immersion", "packing-traceability"},
     10},
    {"vr-welding",
     {"welder", "pipefitter", "boilermaker"},
     {"vr-mask", "vr-arc-heat", "vr-women", "vr-hard-to-fill"},
     25},
    {"exoskeletons",
     {"health-safety-technician", "logistics-operator"},
     {"exo-strain", "exo-not-magic", "exo-lifting", "exo-wages"},
     15},
    {"maintenance",
     {"maintenance-technician", "electrical-maintenance-technician"},
     {"maint-preventive", "maint-lockout", "maint-multimeter", "maint-understaffed"},
     30},
};
#define GEN_STATIONS (sizeof gen_stations / sizeof gen_stations[0])

typedef struct {
    stats_store_t *store;
    rng_t rng;
    int64_t now;  /* the generator's wall clock (ms) */
    int64_t mono; /* the kiosk's clock */
    uint64_t visit;
    uint32_t order_no;
    uint64_t events;
} gen_t;

static int64_t gen_clock(void *ctx)
{
    return ((gen_t *)ctx)->now;
}

static void emit(gen_t *g, visit_event_t *ev, int64_t advance_ms)
{
    g->now += advance_ms;
    g->mono += advance_ms;
    ev->at_ms = g->mono;
    ev->visit = g->visit;
    stats_store_record(g->store, ev);
    if (++g->events % 20000 == 0) { /* keep the queue far from its bound */
        stats_status_t st;
        stats_store_status(g->store, &st);
        if (st.queued > 100000)
            stats_store_sync(g->store, 60000);
    }
}

/* One visitor's visit. PUPIL: a school group's visit. */
static void gen_visit(gen_t *g, bool pupil, bool job_seekers)
{
    rng_t *r = &g->rng;
    visit_event_t ev;
    g->visit++;
    memset(&ev, 0, sizeof ev);
    ev.type = VISIT_EV_STARTED;
    emit(g, &ev, 0);
    if (chance(r, pupil ? 5 : 12)) {
        memset(&ev, 0, sizeof ev);
        ev.type = VISIT_EV_LANGUAGE;
        snprintf(ev.u.language.lang, sizeof ev.u.language.lang, "en");
        emit(g, &ev, 2000);
    }
    memset(&ev, 0, sizeof ev);
    ev.type = VISIT_EV_PROFILE;
    int p = rnd_int(r, 0, 99);
    ev.u.profile.profile = pupil         ? (p < 88 ? VISIT_PROFILE_PUPIL : VISIT_PROFILE_SKIPPED)
                           : job_seekers ? (p < 85 ? VISIT_PROFILE_JOB_SEEKER : VISIT_PROFILE_OTHER)
                           : p < 25      ? VISIT_PROFILE_PUPIL
                           : p < 45      ? VISIT_PROFILE_JOB_SEEKER
                           : p < 70      ? VISIT_PROFILE_EMPLOYEE
                           : p < 85      ? VISIT_PROFILE_OTHER
                                         : VISIT_PROFILE_SKIPPED;
    emit(g, &ev, rnd_int(r, 2000, 6000));
    int before = -1;
    if (chance(r, 85)) {
        memset(&ev, 0, sizeof ev);
        ev.type = VISIT_EV_PERCEPTION;
        snprintf(ev.u.perception.question, VISIT_ID_MAX, "perception-industry");
        ev.u.perception.version = 1;
        before = pupil ? rnd_int(r, 0, 3) : rnd_int(r, 1, 4);
        ev.u.perception.value = before;
        emit(g, &ev, rnd_int(r, 3000, 8000));
    }
    int stations = rnd_int(r, 2, 6);
    for (int s = 0; s < stations; s++) {
        const gen_station_t *st = &gen_stations[rnd(r) % GEN_STATIONS];
        int64_t dwell = rnd_int(r, 8000, 60000);
        if (chance(r, 60)) { /* a trade page, and its video */
            const char *trade = st->trades[rnd(r) % 2];
            int64_t tdwell = rnd_int(r, 5000, 30000);
            if (chance(r, 55)) {
                memset(&ev, 0, sizeof ev);
                ev.type = VISIT_EV_VIDEO;
                snprintf(ev.u.video.trade, VISIT_ID_MAX, "%s", trade);
                ev.u.video.duration_ms = 60000;
                ev.u.video.watched_ms = rnd_int(r, 8000, 60000);
                ev.u.video.share_permille = (int)(ev.u.video.watched_ms / 60);
                ev.u.video.captions_on = chance(r, 70);
                ev.u.video.full_window = chance(r, 40);
                emit(g, &ev, ev.u.video.watched_ms);
            }
            memset(&ev, 0, sizeof ev);
            ev.type = VISIT_EV_TRADE;
            snprintf(ev.u.view.id, VISIT_ID_MAX, "%s", trade);
            ev.u.view.dwell_ms = tdwell;
            emit(g, &ev, tdwell);
        }
        if (chance(r, 70)) { /* the station's quiz */
            int asked = 3, correct = 0;
            for (int q = 0; q < asked; q++) {
                memset(&ev, 0, sizeof ev);
                ev.type = VISIT_EV_QUIZ_ANSWER;
                snprintf(ev.u.answer.station, VISIT_ID_MAX, "%s", st->id);
                int qi = rnd_int(r, 0, 3);
                snprintf(ev.u.answer.question, VISIT_ID_MAX, "%s", st->questions[qi]);
                ev.u.answer.version = 1;
                ev.u.answer.correct = !chance(r, st->difficulty + qi * 8);
                ev.u.answer.chosen_mask = ev.u.answer.correct ? 1u : 2u;
                ev.u.answer.time_ms = rnd_int(r, 3000, 20000);
                correct += ev.u.answer.correct;
                emit(g, &ev, ev.u.answer.time_ms);
            }
            memset(&ev, 0, sizeof ev);
            ev.type = VISIT_EV_QUIZ_RESULT;
            snprintf(ev.u.result.station, VISIT_ID_MAX, "%s", st->id);
            ev.u.result.asked = ev.u.result.answered = (unsigned)asked;
            ev.u.result.correct = (unsigned)correct;
            emit(g, &ev, 1500);
        }
        memset(&ev, 0, sizeof ev);
        ev.type = VISIT_EV_STATION;
        snprintf(ev.u.view.id, VISIT_ID_MAX, "%s", st->id);
        ev.u.view.dwell_ms = dwell;
        emit(g, &ev, dwell / 3);
    }
    if (chance(r, pupil ? 35 : 45)) {
        static const char *const colours[] = {"red", "blue", "green", "black", "orange"};
        memset(&ev, 0, sizeof ev);
        ev.type = VISIT_EV_ORDER_PLACED;
        snprintf(ev.u.order.colour, VISIT_ID_MAX, "%s", colours[rnd(r) % 5]);
        ev.u.order.engraved = chance(r, 80);
        ev.u.order.order_no = ++g->order_no;
        emit(g, &ev, rnd_int(r, 10000, 30000));
        memset(&ev, 0, sizeof ev);
        ev.type = VISIT_EV_ORDER_OUTCOME;
        ev.u.outcome.order_no = g->order_no;
        int o = rnd_int(r, 0, 99);
        ev.u.outcome.outcome = o < 90   ? VISIT_ORDER_DELIVERED
                               : o < 95 ? VISIT_ORDER_REJECTED
                               : o < 98 ? VISIT_ORDER_CANCELLED
                                        : VISIT_ORDER_REFUSED;
        if (ev.u.outcome.outcome == VISIT_ORDER_CANCELLED)
            snprintf(ev.u.outcome.why, VISIT_ID_MAX, "estop");
        if (ev.u.outcome.outcome == VISIT_ORDER_REFUSED)
            snprintf(ev.u.outcome.why, VISIT_ID_MAX, "queue-full");
        emit(g, &ev, rnd_int(r, 30000, 90000));
    }
    bool finished = chance(r, 72);
    if (finished) {
        if (before >= 0 || chance(r, 30)) {
            memset(&ev, 0, sizeof ev);
            ev.type = VISIT_EV_PERCEPTION;
            snprintf(ev.u.perception.question, VISIT_ID_MAX, "perception-industry");
            ev.u.perception.version = 1;
            ev.u.perception.after = true;
            int base = before >= 0 ? before : 2;
            int shift = rnd_int(r, 0, 99) < 55 ? 1 : rnd_int(r, 0, 99) < 85 ? 0 : -1;
            if (chance(r, 15))
                shift++;
            int v = base + shift;
            ev.u.perception.value = v < 0 ? 0 : v > 4 ? 4 : v;
            emit(g, &ev, rnd_int(r, 3000, 8000));
        }
        memset(&ev, 0, sizeof ev);
        ev.type = VISIT_EV_SATISFACTION;
        snprintf(ev.u.satisfaction.question, VISIT_ID_MAX, "satisfaction-visit");
        ev.u.satisfaction.version = 1;
        int sv = rnd_int(r, 0, 99);
        ev.u.satisfaction.value = sv < 2 ? 0 : sv < 6 ? 1 : sv < 35 ? 2 : 3;
        emit(g, &ev, rnd_int(r, 2000, 5000));
    }
    memset(&ev, 0, sizeof ev);
    ev.type = VISIT_EV_ENDED;
    ev.u.end.reason = finished ? VISIT_END_FINISHED : VISIT_END_IDLE;
    emit(g, &ev, finished ? 1000 : 90000);
}

/* Local time of DAY_MS plus HOUR:MIN. */
static int64_t at_time(int64_t day_ms, int hour, int min)
{
    time_t t = (time_t)(day_ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm) * 1000;
}

static int stats_generate_cmd(int argc, char **argv)
{
    enum { O_OUT = 256, O_FROM, O_DAYS, O_SEED, O_KIOSK, O_HELP };
    static const struct option opts[] = {{"out", required_argument, NULL, O_OUT},
                                         {"from", required_argument, NULL, O_FROM},
                                         {"days", required_argument, NULL, O_DAYS},
                                         {"seed", required_argument, NULL, O_SEED},
                                         {"kiosk", required_argument, NULL, O_KIOSK},
                                         {"help", no_argument, NULL, O_HELP},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL, *from = "2026-11-16", *kiosk = "kiosk-demo-1";
    long days = 3;
    unsigned long long seed = 12;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_OUT:
            out = optarg;
            break;
        case O_FROM:
            from = optarg;
            break;
        case O_DAYS:
            days = strtol(optarg, NULL, 10);
            break;
        case O_SEED:
            seed = strtoull(optarg, NULL, 10);
            break;
        case O_KIOSK:
            kiosk = optarg;
            break;
        case O_HELP:
        case 'h':
            stats_usage(stdout);
            return 0;
        default:
            return 2;
        }
    }
    int64_t day0;
    if (!out || days < 1 || days > 3660 || stats_parse_day(from, false, &day0) != MF_OK) {
        fprintf(stderr, "usage: minifab stats generate --out DB [--from YYYY-MM-DD] [--days "
                        "1..3660] [--seed N] [--kiosk ID]\n");
        return 2;
    }
    gen_t g = {0};
    g.rng.s = seed * 2654435761u + 0x9E3779B97F4A7C15ull;
    g.now = day0;
    g.mono = 1000;
    stats_store_opts_t so;
    stats_store_opts_default(&so);
    so.kiosk_id = kiosk;
    so.clock = gen_clock;
    so.clock_ctx = &g;
    so.retention_months = 1200; /* a generated past must not be purged at once */
    stats_error_t err = {0};
    g.store = stats_store_open(out, &so, &err);
    if (!g.store) {
        fprintf(stderr, "minifab stats generate: %s\n", err.text);
        return 1;
    }
    static const char *const schools[] = {"Collège Jean Moulin", "Collège Louise Michel",
                                          "Lycée pro Jules Verne", "Collège Pasteur",
                                          "Lycée Gustave Eiffel"};
    static const char *const levels[] = {"4e", "3e", "3e", "2de pro", "3e"};
    for (long d = 0; d < days; d++) {
        int64_t day = at_time(day0 + d * 86400000LL + 43200000LL, 0, 0);
        if (d % 4 == 0) { /* a new stop every four days */
            static const char *const towns[] = {"Lille",     "Valenciennes", "Arras",
                                                "Dunkerque", "Amiens",       "Beauvais"};
            static const char *const venues[] = {"Grand Place",    "Lycée Watteau",
                                                 "Parc des expos", "Place Jean Bart",
                                                 "Campus Promeo",  "Salon de l’emploi"};
            stats_stop_t stop = {0};
            size_t k = (size_t)(d / 4) % 6;
            time_t t0 = (time_t)(day / 1000), t1 = t0 + (days - d < 4 ? days - d - 1 : 3) * 86400;
            struct tm a, b;
            localtime_r(&t0, &a);
            localtime_r(&t1, &b);
            snprintf(stop.id, sizeof stop.id, "%04d-%02d-%s", a.tm_year + 1900, a.tm_mon + 1,
                     towns[k]);
            snprintf(stop.town, sizeof stop.town, "%s", towns[k]);
            snprintf(stop.venue, sizeof stop.venue, "%s", venues[k]);
            strftime(stop.first_day, sizeof stop.first_day, "%Y-%m-%d", &a);
            strftime(stop.last_day, sizeof stop.last_day, "%Y-%m-%d", &b);
            g.now = day + 8 * 3600000LL;
            stats_store_set_stop(g.store, &stop);
        }
        /* Mornings: two or three classes of 20-30 pupils, about an hour each. */
        int classes = rnd_int(&g.rng, 2, 3);
        for (int k = 0; k < classes; k++) {
            g.now = at_time(day, 9, 0) + k * 65 * 60000LL;
            stats_group_t grp = {.type = STATS_GROUP_SCHOOL};
            size_t si = rnd(&g.rng) % 5;
            snprintf(grp.level, sizeof grp.level, "%s", levels[si]);
            snprintf(grp.name, sizeof grp.name, "%s %s %c", schools[si], levels[si],
                     'A' + rnd_int(&g.rng, 0, 3));
            grp.headcount = rnd_int(&g.rng, 20, 30);
            stats_store_set_group(g.store, &grp);
            int64_t end = g.now + 60 * 60000LL;
            while (g.now < end) {
                gen_visit(&g, true, false);
                g.now += rnd_int(&g.rng, 5000, 40000);
            }
        }
        /* Afternoons: general public, with a job seekers' session some days. */
        g.now = at_time(day, 13, 30);
        bool session = d % 3 == 1;
        stats_group_t pub = {.type =
                                 session ? STATS_GROUP_JOB_SEEKERS : STATS_GROUP_GENERAL_PUBLIC};
        snprintf(pub.name, sizeof pub.name, "%s",
                 session ? "Session France Travail" : "Tout public");
        pub.headcount = session ? rnd_int(&g.rng, 10, 16) : 0;
        stats_store_set_group(g.store, &pub);
        int64_t end = at_time(day, 17, 30);
        while (g.now < end) {
            if (session && g.now > at_time(day, 15, 0)) {
                session = false;
                stats_group_t gp = {.type = STATS_GROUP_GENERAL_PUBLIC};
                snprintf(gp.name, sizeof gp.name, "Tout public");
                stats_store_set_group(g.store, &gp);
            }
            gen_visit(&g, false, session);
            g.now += rnd_int(&g.rng, 20000, 360000);
        }
    }
    int rc = stats_store_sync(g.store, 120000);
    stats_store_close(g.store);
    if (rc != MF_OK) {
        fprintf(stderr, "minifab stats generate: %s\n", mf_strerror(rc));
        return 1;
    }
    printf("%" PRIu64 " events of %" PRIu64 " visits written to %s\n", g.events, g.visit, out);
    return 0;
}

/* --- Benchmarks (docs/BENCHMARKS.md). */

static double secs(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int stats_bench_cmd(int argc, char **argv)
{
    long n = 1000000;
    const char *dir = "/tmp";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--events"))
            n = strtol(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--dir"))
            dir = argv[i + 1];
    }
    char db[512], out[560];
    snprintf(db, sizeof db, "%s/minifab-bench-stats.db", dir);
    remove(db);
    stats_error_t err = {0};
    stats_store_t *s = stats_store_open(db, NULL, &err);
    if (!s) {
        fprintf(stderr, "minifab stats bench: %s\n", err.text);
        return 1;
    }
    /* 1. The UI thread's cost of one event, at a kiosk's pace (events spread
     * over time, the writer committing beside): 20,000 events, 100 µs apart. */
    enum { PACED = 20000 };
    double *cost = malloc(sizeof(double) * PACED);
    visit_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.type = VISIT_EV_QUIZ_ANSWER;
    snprintf(ev.u.answer.station, VISIT_ID_MAX, "press");
    snprintf(ev.u.answer.question, VISIT_ID_MAX, "press-springback");
    struct timespec a, b, t0, t1;
    for (int i = 0; i < PACED; i++) {
        ev.visit = (uint64_t)(i / 30 + 1);
        ev.at_ms = i;
        clock_gettime(CLOCK_MONOTONIC, &a);
        stats_store_record(s, &ev);
        clock_gettime(CLOCK_MONOTONIC, &b);
        cost[i] = secs(&a, &b) * 1e6;
        struct timespec pause = {0, 100000};
        nanosleep(&pause, NULL);
    }
    stats_store_sync(s, 60000);
    stats_store_close(s);
    remove(db);
    qsort(cost, PACED, sizeof *cost, cmp_double);
    printf("record, paced (%d events 100 us apart): median %.2f us, p99 %.2f us, max %.1f us\n",
           PACED, cost[PACED / 2], cost[PACED * 99 / 100], cost[PACED - 1]);

    /* 2. N events of plausible visits (the generator's), as fast as possible,
     * then committed: the store's throughput. */
    gen_t g = {0};
    g.rng.s = 0x9E3779B97F4A7C15ull;
    g.now = (int64_t)time(NULL) * 1000 - 300LL * 86400000;
    g.mono = 1000;
    stats_store_opts_t so;
    stats_store_opts_default(&so);
    so.clock = gen_clock;
    so.clock_ctx = &g;
    so.kiosk_id = "bench";
    g.store = s = stats_store_open(db, &so, &err);
    if (!s) {
        fprintf(stderr, "minifab stats bench: %s\n", err.text);
        return 1;
    }
    /* The process's CPU time beside the wall time: a figure that a busy
     * machine (other builds on the same cores) disturbs less. */
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (g.events < (uint64_t)n)
        gen_visit(&g, g.visit % 3 == 0, false);
    int rc = stats_store_sync(s, 300000);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    stats_status_t st;
    stats_store_status(s, &st);
    stats_store_close(s);
    printf("record %" PRIu64 " events of %" PRIu64
           " visits and commit: %.2f s (cpu %.2f s; written "
           "%" PRIu64 ", dropped %" PRIu64 ", rc %d)\n",
           g.events, g.visit, secs(&t0, &t1), secs(&c0, &c1), st.written, st.dropped, rc);
    free(cost);

    stats_filter_t f;
    stats_filter_init(&f);
    stats_export_opts_t o;
    stats_export_opts_default(&o);
    snprintf(out, sizeof out, "%s/minifab-bench-csv", dir);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
    if (system(cmd) != 0)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &a);
    rc = stats_export(db, &f, &o, out, &err);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("export csv of %" PRIu64 " events: %.2f s (%s)\n", g.events, secs(&a, &b),
           rc ? err.text : "ok");
    printf("recorded + exported: %.2f s\n", secs(&t0, &t1) + secs(&a, &b));
    return rc == MF_OK ? 0 : 1;
}

int cmd_stats(int argc, char **argv)
{
    static const mf_command_t sub[] = {
        {"summary", "", stats_summary_cmd}, {"export", "", stats_export_cmd},
        {"merge", "", stats_merge_cmd},     {"generate", "", stats_generate_cmd},
        {"bench", "", stats_bench_cmd},
    };
    /* A full disk must be an error message, not a killed process. */
    signal(SIGXFSZ, SIG_IGN);
    mf_log_set_level(MF_LOG_WARN);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        stats_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++)
        if (!strcmp(argv[1], sub[i].name))
            return sub[i].run(argc - 1, argv + 1);
    fprintf(stderr, "minifab stats: unknown command '%s' (see --help)\n", argv[1]);
    return 2;
}
