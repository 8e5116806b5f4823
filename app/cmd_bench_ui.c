/*
 * cmd_bench_ui.c - `minifab bench ui`: what the kiosk's drawing costs, frame
 * by frame, through its real loop.
 *
 * Each SCRIPT (the format of `minifab run --script`, app/core/script.h) runs
 * headless on SDL's dummy video driver and software renderer, the renderer
 * of a PC without a graphics processor, at 1920x1080 by default. Every frame
 * the loop presents is timed by app_set_frame_probe() (monotonic clock, from
 * the end of the loop's wait to the end of SDL_RenderPresent: events,
 * update, view, drawing, present), and sorted: slides, frames that redrew the
 * screen's still picture, new video frames drawn alone. A tap is timed from
 * its pointer-up's arrival to the present of the frame that shows it. Over
 * each `wait` (real time, nobody touching) the process's CPU time is read:
 * the cost of a screen nobody touches. --random N then taps N times at
 * random (what the visitors of a long day do) and prints memory as it goes,
 * to show that it levels off, and the caches' counters.
 *
 * Figures only: nothing here passes or fails (docs/BENCHMARKS.md).
 */
#include "app.h"
#include "app_loop.h"
#include "commands.h"
#include "config.h"
#include "devices.h"
#include "kiosk_pack.h"
#include "line_drv.h"
#include "line_regmap.h"
#include "mb_link.h"
#include "sim_child.h"
#include "mf_error.h"
#include "mf_log.h"
#include "render.h"
#include "script.h"
#include "script_run.h"

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* ---- samples ------------------------------------------------------------ */

typedef struct {
    double *v;
    size_t n, cap;
} bench_series_t;

static void series_add(bench_series_t *s, double x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        double *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The value below which a fraction Q of the samples lie (nearest rank). */
static double series_q(bench_series_t *s, double q)
{
    if (!s->n)
        return 0;
    qsort(s->v, s->n, sizeof *s->v, cmp_double);
    size_t i = (size_t)(q * (double)s->n + 0.999999);
    if (i < 1)
        i = 1;
    if (i > s->n)
        i = s->n;
    return s->v[i - 1];
}

/* One line: wall time median/p99/max, then the thread's CPU median/p99. */
static void series_print(const char *name, bench_series_t *s, bench_series_t *cpu)
{
    if (!s->n) {
        printf("  %-24s      -\n", name);
        return;
    }
    printf("  %-24s %5zu  median %6.2f  p99 %6.2f  max %6.2f ms", name, s->n, series_q(s, 0.5),
           series_q(s, 0.99), series_q(s, 1.0));
    if (cpu && cpu->n)
        printf("  | CPU median %5.2f  p99 %6.2f ms", series_q(cpu, 0.5), series_q(cpu, 0.99));
    printf("\n");
}

#define BENCH_WAITS 16

typedef struct {
    int line;         /* of the `wait` in its script */
    double cpu, wall; /* seconds */
    uint64_t frames;  /* presented meanwhile */
    char screen[VIEW_ID_MAX];
} bench_wait_t;

typedef struct {
    bench_series_t whole, slide, still, steady, video, tap;
    bench_series_t whole_cpu, slide_cpu, still_cpu, steady_cpu, video_cpu;
    uint64_t frames_in_wait;
    bool in_wait;
    bench_wait_t waits[BENCH_WAITS];
    size_t nwaits;
} bench_frames_t;

static void bench_frames_free(bench_frames_t *f)
{
    bench_series_t *all[] = {&f->whole,     &f->slide,      &f->still,     &f->steady,
                             &f->video,     &f->tap,        &f->whole_cpu, &f->slide_cpu,
                             &f->still_cpu, &f->steady_cpu, &f->video_cpu};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]->v);
    memset(f, 0, sizeof *f);
}

static void on_frame(void *ctx, const app_frame_info_t *fi)
{
    bench_frames_t *f = ctx;
    double ms = (double)(fi->end_ns - fi->start_ns) / 1e6, cpu = (double)fi->cpu_ns / 1e6;
    if (f->in_wait)
        f->frames_in_wait++;
    if (!fi->whole) {
        series_add(&f->video, ms);
        series_add(&f->video_cpu, cpu);
    } else {
        series_add(&f->whole, ms);
        series_add(&f->whole_cpu, cpu);
        if (fi->slide) {
            series_add(&f->slide, ms);
            series_add(&f->slide_cpu, cpu);
        }
        if (fi->still_drawn) {
            series_add(&f->still, ms);
            series_add(&f->still_cpu, cpu);
        }
        if (!fi->slide && !fi->still_drawn) {
            series_add(&f->steady, ms);
            series_add(&f->steady_cpu, cpu);
        }
    }
    if (fi->tap_ns >= 0)
        series_add(&f->tap, (double)(fi->end_ns - fi->tap_ns) / 1e6);
}

/* ---- process figures ---------------------------------------------------- */

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VmRSS and VmHWM of this process in MB (0 when unknown). */
static void memory_mb(double *rss, double *hwm)
{
    *rss = *hwm = 0;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return;
    char line[256];
    long kb;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            *rss = (double)kb / 1024.0;
        else if (sscanf(line, "VmHWM: %ld", &kb) == 1)
            *hwm = (double)kb / 1024.0;
    }
    fclose(f);
}

static void print_caches(const app_t *a)
{
    ui_stats_t st;
    ui_stats(app_ui(a), &st);
    printf("  shapes: %zu cached (%.1f of %.0f MB), %llu rasterised, %llu evicted, "
           "%llu polygons\n",
           st.shapes.shapes, (double)st.shapes.bytes / 1048576.0,
           (double)st.shapes.max_bytes / 1048576.0, (unsigned long long)st.shapes.rasterised,
           (unsigned long long)st.shapes.evicted, (unsigned long long)st.shapes.geometry);
    printf("  texts: %zu textures (%.1f of %.0f MB), %llu rendered; fonts: %zu open of %zu, "
           "%llu opened, %llu reopened\n",
           st.text.textures, (double)st.text.bytes / 1048576.0,
           (double)st.text.max_bytes / 1048576.0, (unsigned long long)st.text.renders,
           st.text.fonts, st.text.max_fonts, (unsigned long long)st.text.font_opens,
           (unsigned long long)st.text.font_reopens);
    printf("  pictures: %zu (%.1f MB), %llu loaded\n", st.images,
           (double)st.image_bytes / 1048576.0, (unsigned long long)st.image_loads);
}

/* ---- the runs ----------------------------------------------------------- */

typedef struct {
    app_options_t app;
    unsigned seed;
    long random_taps;
    const char *shots;
} bench_ui_opts_t;

/* Runs S one command at a time; over each `wait`, reads the CPU used. */
static int run_script(app_t *a, const script_t *s, bench_frames_t *f, const char *shots)
{
    int rc = MF_OK;
    for (size_t i = 0; i < s->count && rc == MF_OK; i++) {
        script_t one = *s;
        one.cmds = &s->cmds[i];
        one.count = 1;
        bench_wait_t *w = NULL;
        if (s->cmds[i].op == SCRIPT_WAIT && f->nwaits < BENCH_WAITS) {
            app_pump(a, 0); /* what is due before the wait is not idle */
            w = &f->waits[f->nwaits++];
            w->line = s->cmds[i].line;
            snprintf(w->screen, sizeof w->screen, "%s", app_view(a)->screen);
            f->in_wait = true;
            f->frames_in_wait = 0;
            w->cpu = cpu_s();
            w->wall = wall_s();
        }
        rc = script_run(a, &one, shots);
        if (w) {
            w->cpu = cpu_s() - w->cpu;
            w->wall = wall_s() - w->wall;
            w->frames = f->frames_in_wait;
            f->in_wait = false;
        }
    }
    return rc;
}

static void tap_at(app_t *a, float x, float y)
{
    mf_event_t ev = {.type = MF_EV_POINTER_DOWN, .pointer = MF_POINTER_MOUSE, .x = x, .y = y};
    app_feed(a, &ev);
    app_pump(a, 0);
    app_advance_clock(a, 60);
    ev.type = MF_EV_POINTER_UP;
    app_feed(a, &ev);
    app_pump(a, 0);
}

/* N taps: mostly on a widget that takes taps, sometimes anywhere; between
 * taps the kiosk's clock moves on 0 to 1 s, a frame every 100 ms. */
static void run_random(app_t *a, long n, unsigned seed)
{
    double rss, hwm;
    memory_mb(&rss, &hwm);
    printf("  tap %6d: VmRSS %6.1f MB\n", 0, rss);
    srand(seed);
    for (long i = 1; i <= n; i++) {
        const view_t *v = app_view(a);
        size_t taps[VIEW_MAX_WIDGETS], k = 0;
        for (size_t j = 0; j < v->count; j++)
            if (v->widgets[j].interactive)
                taps[k++] = j;
        float x, y;
        if (k && rand() % 10) {
            const view_widget_t *w = &v->widgets[taps[(size_t)rand() % k]];
            x = w->rect.x + w->rect.w / 2;
            y = w->rect.y + w->rect.h / 2;
        } else {
            x = (float)(rand() % 1000) / 1000.0f * v->w;
            y = (float)(rand() % 1000) / 1000.0f * v->h;
        }
        tap_at(a, x, y);
        for (int step = rand() % 11; step > 0; step--) {
            app_advance_clock(a, 100);
            app_pump(a, 0);
        }
        if (i % (n >= 10 ? n / 10 : 1) == 0) {
            memory_mb(&rss, &hwm);
            printf("  tap %6ld: VmRSS %6.1f MB (screen %s)\n", i, rss, app_view(a)->screen);
        }
    }
}

/* Frames counted by the PLC run: the end of the last one presented. */
typedef struct {
    uint64_t frames;
    int64_t last_end_ns;
} bench_plc_frames_t;

static void on_plc_frame(void *ctx, const app_frame_info_t *fi)
{
    bench_plc_frames_t *f = ctx;
    f->frames++;
    f->last_end_ns = fi->end_ns;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char *line_status(app_t *a)
{
    const view_widget_t *w = view_find_id(app_view(a), "line-status");
    return w ? w->label : "";
}

/* Reads DI_RUNNING every millisecond over its own link until the PLC
 * shows the stop: when the PLC changed, to a millisecond. */
typedef struct {
    mb_link_t *link;
    line_drv_t *line;
    int64_t changed_ns;  /* 0: not seen within 2 s */
    int64_t snapshot_ns; /* the kiosk's driver published it (0: not seen) */
} bench_watch_t;

static void *watch_plc(void *arg)
{
    bench_watch_t *w = arg;
    int64_t t0 = mono_ns();
    while (mono_ns() - t0 < 2000000000LL) {
        uint8_t bit = 1;
        if (w->link->ops->read_bits(w->link->ctx, MB_DISCRETE_INPUTS, MF_PLC_DI_RUNNING, 1, &bit) ==
                0 &&
            bit == 0) {
            w->changed_ns = mono_ns();
            break;
        }
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    line_snapshot_t *snap = malloc(sizeof *snap);
    while (snap && w->changed_ns && mono_ns() - t0 < 2000000000LL) {
        line_drv_snapshot(w->line, snap);
        if (!snap->running) {
            w->snapshot_ns = mono_ns();
            break;
        }
        struct timespec ms = {0, 250000};
        nanosleep(&ms, NULL);
    }
    free(snap);
    return NULL;
}

static bool tap_id(app_t *a, const char *id)
{
    const view_widget_t *w = view_find_id(app_view(a), id);
    if (!w)
        return false;
    tap_at(a, w->rect.x + w->rect.w / 2, w->rect.y + w->rect.h / 2);
    app_advance_clock(a, KIOSK_TRANSITION_MS + 1);
    app_pump(a, 0);
    return true;
}

/* From attract to the line map: the visit's opening (language, then the
 * questions a visitor may skip), as scripts/bench-ui/home.txt does. */
static void to_home(app_t *a)
{
    tap_id(a, "start");
    tap_id(a, "language-0");
    for (int i = 0; i < 4 && strcmp(app_view(a)->screen, "home") != 0; i++)
        if (!tap_id(a, "skip"))
            break;
}

/* Runs the loop as the kiosk does for MS milliseconds of real time. */
static void pump_for(app_t *a, int ms)
{
    for (int64_t end = mono_ns() + (int64_t)ms * 1000000LL; mono_ns() < end;)
        app_pump(a, app_wait_ms(a));
}

/* N changes on the simulated PLC (start, stop, ...), each written by a
 * Modbus client of its own like a second console would; timed from the
 * PLC's change (seen by reading it every millisecond on that client) to the
 * present of the first frame whose line map shows it. */
static int bench_plc(bench_ui_opts_t *o, int n)
{
    sim_child_t sim = {.pid = -1, .out_fd = -1};
    int rc = sim_child_start(&sim, NULL, 0, "none", "none", "none", "none", NULL, 5000);
    if (rc) {
        fprintf(stderr, "minifab bench ui: cannot start minifab-sim: %s\n", mf_strerror(rc));
        return 1;
    }
    char uri[64];
    snprintf(uri, sizeof uri, "tcp://127.0.0.1:%d", sim.plc_port);
    line_drv_opts_t lo;
    line_drv_opts_default(&lo);
    devices_config_t dc = {.line_poll_ms = lo.poll_ms};
    dc.address[DEVICE_LINE] = uri;
    char why[256];
    devices_t *dev = devices_create(&dc, why, sizeof why); /* as minifab run does */
    line_drv_t *line = dev ? devices_line(dev) : NULL;
    mb_link_t op = {0};
    app_t *a = NULL;
    bench_series_t lat = {0}, plc = {0}, drv = {0}, ui = {0};
    bench_plc_frames_t fr = {0};
    int status = 1, missed = 0;
    if (!line || mb_link_tcp_init(&op, "127.0.0.1", sim.plc_port, MF_PLC_UNIT_ID, 500) != 0 ||
        op.ops->connect(op.ctx) != 0)
        goto out;
    app_options_t ao = o->app;
    ao.devices = dev;
    ao.line_poll_ms = lo.poll_ms;
    a = app_create(&ao);
    if (!a)
        goto out;
    app_set_frame_probe(a, on_plc_frame, &fr);
    to_home(a);
    pump_for(a, 1500);
    uint8_t one = 1;
    srand(o->seed);
    for (int i = 0; i < n; i++) {
        /* to Execute: RESET (2 s of line time), START (1 s), until the
         * map says the line runs */
        char stopped[VIEW_LABEL_MAX];
        snprintf(stopped, sizeof stopped, "%s", line_status(a));
        if (op.ops->write_bits(op.ctx, MF_PLC_CO_CMD_RESET, 1, &one) != 0)
            goto out;
        pump_for(a, 2500);
        if (op.ops->write_bits(op.ctx, MF_PLC_CO_CMD_START, 1, &one) != 0)
            goto out;
        for (int64_t end = mono_ns() + 5000000000LL;
             mono_ns() < end && strcmp(line_status(a), stopped) == 0;)
            app_pump(a, app_wait_ms(a));
        pump_for(a, 300 + rand() % lo.poll_ms); /* at any moment of the poll period */
        /* the change timed: STOP leaves Execute within one scan (10 ms) */
        char before[VIEW_LABEL_MAX];
        snprintf(before, sizeof before, "%s", line_status(a));
        if (op.ops->write_bits(op.ctx, MF_PLC_CO_CMD_STOP, 1, &one) != 0)
            goto out;
        int64_t t0 = mono_ns();
        bench_watch_t watch = {.link = &op, .line = line};
        pthread_t th;
        if (pthread_create(&th, NULL, watch_plc, &watch) != 0)
            goto out;
        bool seen = false;
        while (!seen && mono_ns() - t0 < 2000000000LL) {
            uint64_t f0 = fr.frames;
            app_pump(a, app_wait_ms(a));
            seen = fr.frames != f0 && strcmp(line_status(a), before) != 0;
        }
        pthread_join(th, NULL);
        if (seen && watch.changed_ns) {
            series_add(&lat, (double)(fr.last_end_ns - watch.changed_ns) / 1e6);
            series_add(&plc, (double)(watch.changed_ns - t0) / 1e6);
            if (watch.snapshot_ns) {
                series_add(&drv, (double)(watch.snapshot_ns - watch.changed_ns) / 1e6);
                series_add(&ui, (double)(fr.last_end_ns - watch.snapshot_ns) / 1e6);
            }
        } else {
            missed++;
        }
        pump_for(a, 1500); /* Stopping -> Stopped */
    }
    printf("PLC change to the line map: %d stops written over Modbus (coil STOP, a scan of "
           "10 ms), PLC read every %d ms\n",
           n, lo.poll_ms);
    series_print("PLC changed to present", &lat, NULL);
    series_print("  write to PLC changed", &plc, NULL);
    series_print("  PLC to the snapshot", &drv, NULL);
    series_print("  snapshot to present", &ui, NULL);
    if (missed)
        printf("  %d changes not shown within 2 s\n", missed);
    status = 0;
out:
    if (status)
        fprintf(stderr, "minifab bench ui: the PLC run failed\n");
    app_destroy(a);
    mb_link_deinit(&op);
    devices_destroy(dev);
    sim_child_stop(&sim, 0);
    free(lat.v);
    free(plc.v);
    free(drv.v);
    free(ui.v);
    return status;
}

static int bench_one(const bench_ui_opts_t *o, const char *name, const script_t *s)
{
    bench_frames_t f;
    memset(&f, 0, sizeof f);
    app_t *a = app_create(&o->app);
    if (!a) {
        fprintf(stderr, "minifab bench ui: cannot start the kiosk headless\n");
        return 2;
    }
    app_set_frame_probe(a, on_frame, &f);
    int w, h;
    app_output_size(a, &w, &h);
    double c0 = cpu_s(), w0 = wall_s();
    app_draw(a);
    app_present(a);
    int rc = s ? run_script(a, s, &f, o->shots) : MF_OK;
    if (rc == MF_OK && o->random_taps > 0) {
        printf("%s: %ld random taps (seed %u)\n", name, o->random_taps, o->seed);
        run_random(a, o->random_taps, o->seed);
    }
    double cpu = cpu_s() - c0, wall = wall_s() - w0;
    double rss, hwm;
    memory_mb(&rss, &hwm);
    printf("%s: %dx%d software renderer, %.2f s CPU in %.2f s%s\n", name, w, h, cpu, wall,
           rc == MF_OK ? "" : " (the script failed)");
    series_print("every whole frame", &f.whole, &f.whole_cpu);
    series_print("slide frames", &f.slide, &f.slide_cpu);
    series_print("still picture redrawn", &f.still, &f.still_cpu);
    series_print("steady (copy + animated)", &f.steady, &f.steady_cpu);
    series_print("video frames alone", &f.video, &f.video_cpu);
    series_print("tap to present", &f.tap, NULL);
    for (size_t i = 0; i < f.nwaits; i++) {
        const bench_wait_t *wt = &f.waits[i];
        printf("  wait (line %d, %s): %.2f %% of one core (%.3f s CPU in %.1f s), %llu frames\n",
               wt->line, wt->screen, 100.0 * wt->cpu / wt->wall, wt->cpu, wt->wall,
               (unsigned long long)wt->frames);
    }
    printf("  memory: VmRSS %.1f MB, VmHWM %.1f MB\n", rss, hwm);
    print_caches(a);
    app_destroy(a);
    bench_frames_free(&f);
    return rc == MF_OK ? 0 : 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: minifab bench ui [OPTIONS] [SCRIPT...]\n\n"
            "Runs each SCRIPT (the format of 'minifab run --script') through the kiosk's real\n"
            "loop, headless, on SDL's software renderer, and prints the time of every frame\n"
            "(median, p99, max; slides, still picture redrawn, video frames alone apart),\n"
            "tap to present, the CPU used during each 'wait' (nobody touching), memory\n"
            "and the drawing caches' counters. scripts/bench-ui.sh runs the usual set.\n\n"
            "options:\n"
            "  --size WxH      window size in pixels (default 1920x1080)\n"
            "  --content DIR   content pack (default: the pack in the sources)\n"
            "  --video FILE    start on the player screen with this clip (as 'minifab play')\n"
            "  --random N      after the script (or alone), N random taps; memory every N/10\n"
            "  --seed S        seed of the random taps (default 1)\n"
            "  --plc N         N changes of the simulated PLC (start, stop): time from the\n"
            "                  Modbus write to the frame whose line map shows it\n"
            "  --shots DIR     where the scripts' 'shot NAME' writes NAME.png\n");
}

int bench_ui(int argc, char **argv)
{
    static const struct option opts[] = {
        {"size", required_argument, NULL, 's'},
        {"content", required_argument, NULL, 'c'},
        {"video", required_argument, NULL, 'v'},
        {"random", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 'e'},
        {"shots", required_argument, NULL, 'o'},
        {"plc", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bench_ui_opts_t o;
    memset(&o, 0, sizeof o);
    o.seed = 1;
    o.app.headless = true;
    o.app.width = 1920;
    o.app.height = 1080;
    config_t cfg;
    config_init(&cfg);
    int c, plc_changes = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (sscanf(optarg, "%dx%d", &o.app.width, &o.app.height) != 2 || o.app.width < 200 ||
                o.app.height < 200) {
                fprintf(stderr, "minifab bench ui: --size expects WxH, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'c':
            snprintf(cfg.content_dir, sizeof cfg.content_dir, "%s", optarg);
            break;
        case 'v':
            o.app.video = optarg;
            break;
        case 'r':
            o.random_taps = strtol(optarg, NULL, 10);
            break;
        case 'e':
            o.seed = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'o':
            o.shots = optarg;
            break;
        case 'p':
            plc_changes = (int)strtol(optarg, NULL, 10);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc && o.random_taps <= 0 && plc_changes <= 0) {
        usage(stderr);
        return 2;
    }
    mf_log_set_level(MF_LOG_WARN);
    kiosk_pack_t *pack = kiosk_pack_create(cfg.content_dir);
    if (!pack || kiosk_pack_load(pack) != MF_OK) {
        fprintf(stderr, "minifab bench ui: the content pack %s cannot be used\n", cfg.content_dir);
        kiosk_pack_destroy(pack);
        return 2;
    }
    o.app.video_volume_max = 0;
    o.app.kiosk.idle_timeout_ms = 3600 * 1000; /* a benchmark is not a visitor leaving */
    o.app.kiosk.language = cfg.language;
    o.app.kiosk.text = kiosk_pack_text;
    o.app.kiosk.text_ctx = pack;
    o.app.kiosk.pack = kiosk_pack_content(pack);
    o.app.kiosk.qr_base_url = cfg.qr_base_url;
    o.app.kiosk.mm_per_unit = (float)config_mm_per_unit(&cfg);
    o.app.stations = kiosk_pack_stations(pack, &o.app.station_count);

    printf("minifab bench ui: %s, load average ", MINIFAB_VERSION);
    FILE *la = fopen("/proc/loadavg", "r");
    char buf[64] = "?";
    if (la) {
        if (!fgets(buf, sizeof buf, la))
            snprintf(buf, sizeof buf, "?\n");
        fclose(la);
    }
    fputs(buf, stdout);
    int status = 0;
    if (plc_changes > 0)
        status = bench_plc(&o, plc_changes);
    if (optind >= argc && o.random_taps > 0)
        status = bench_one(&o, "random", NULL);
    for (int i = optind; i < argc; i++) {
        char err[512];
        script_t *s = script_load(argv[i], err, sizeof err);
        if (!s) {
            fprintf(stderr, "%s\n", err);
            status = 2;
            break;
        }
        const char *base = strrchr(argv[i], '/');
        int rc = bench_one(&o, base ? base + 1 : argv[i], s);
        script_destroy(s);
        if (rc > status)
            status = rc;
    }
    kiosk_pack_destroy(pack);
    return status;
}
