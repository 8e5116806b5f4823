/*
 * cmd_bench_order.c - `minifab bench order`: the figures of "make your own"
 * for docs/BENCHMARKS.md.
 *
 * 1. A key press to its frame: the kiosk headless on SDL's software renderer
 *    (a PC without a graphics processor) on the keyboard screen; each tap is
 *    timed from its pointer-down to the end of SDL_RenderPresent of the frame
 *    that shows the new text and its preview (the Hershey strokes are
 *    recomputed from the G-code in the update: that is in the figure).
 * 2. The live engraving: an order's plate drawn as the engraver's reported
 *    position moves along its strokes; every frame timed the same way.
 * 3. From "confirm" to the order accepted by the PLC: through the real line
 *    driver against minifab-sim (started here), the time from
 *    line_drv_submit_order to its LINE_EV_RESULT, N orders in a row.
 *
 * Figures only: nothing here passes or fails.
 */
#include "app.h"
#include "app_loop.h"
#include "commands.h"
#include "config.h"
#include "engrave_preview.h"
#include "kiosk_pack.h"
#include "line_drv.h"
#include "mf_error.h"
#include "mf_log.h"
#include "simproc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void print_series(const char *what, double *v, int n)
{
    if (n <= 0)
        return;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int p99 = (int)((double)n * 0.99);
    if (p99 >= n)
        p99 = n - 1;
    printf("  %-34s n=%4d  median %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", what, n, v[n / 2],
           v[p99], v[n - 1]);
}

/* Taps the widget ID and draws the frame that shows the result; returns the
 * milliseconds from the pointer-down to the present. */
static double tap_frame(app_t *a, const char *id)
{
    const view_t *v = app_view(a);
    const view_widget_t *w = view_find_id(v, id);
    if (!w)
        return -1.0;
    mf_event_t ev = {.type = MF_EV_POINTER_DOWN, .pointer = MF_POINTER_MOUSE};
    ev.x = w->rect.x + w->rect.w / 2;
    ev.y = w->rect.y + w->rect.h / 2;
    double t0 = now_ms();
    app_feed(a, &ev);
    ev.type = MF_EV_POINTER_UP;
    app_feed(a, &ev);
    app_draw(a);
    app_present(a);
    double t = now_ms() - t0;
    app_advance_clock(a, 400); /* the slide of a screen change is over */
    app_draw(a);
    app_present(a);
    return t;
}

static void feed_line_running(app_t *a, uint32_t at_laser)
{
    mf_event_t ev = {.type = MF_EV_LINE};
    ev.line.online = ev.line.running = true;
    ev.line.detail.known = ev.line.detail.auto_mode = true;
    ev.line.detail.speed_pct = 100;
    for (int c = 0; c < MF_LINE_COLOURS; c++)
        ev.line.detail.magazine[c] = 20;
    for (int s = 0; s < MF_LINE_STATIONS; s++) {
        ev.line.stations[s].state = MF_STATION_WAITING;
        ev.line.stations[s].nominal_ds = 80;
    }
    if (at_laser) {
        ev.line.stations[2].order = at_laser;
        ev.line.stations[2].piece = true;
        ev.line.stations[2].colour = 2;
        ev.line.stations[2].state = MF_STATION_WORKING;
        ev.line.detail.engrave_waiting = true;
        ev.line.detail.engrave_order = at_laser;
    }
    app_feed(a, &ev);
}

static void feed_engraver(app_t *a, mf_engraver_state_t st, float x, float y)
{
    mf_event_t ev = {.type = MF_EV_ENGRAVER};
    ev.engraver.state = st;
    ev.engraver.x = x;
    ev.engraver.y = y;
    app_feed(a, &ev);
}

static void feed_news(app_t *a, mf_order_news_kind_t kind, uint32_t ref, uint32_t order)
{
    mf_event_t ev = {.type = MF_EV_ORDER};
    ev.order.kind = kind;
    ev.order.ref = ref;
    ev.order.order = order;
    ev.order.ok = true;
    app_feed(a, &ev);
}

static int bench_screens(const app_options_t *ao, engrave_preview_t *preview, const char *text)
{
    app_t *a = app_create(ao);
    if (!a) {
        fprintf(stderr, "minifab bench order: cannot start the kiosk headless\n");
        return 2;
    }
    int w, h;
    app_output_size(a, &w, &h);
    feed_line_running(a, 0);
    feed_engraver(a, MF_ENGRAVER_READY, 0, 0);
    const char *path[] = {"start", "language-0", "skip", "skip", "order", "colour-blue"};
    for (size_t i = 0; i < sizeof path / sizeof path[0]; i++)
        tap_frame(a, path[i]);
    if (strcmp(app_view(a)->screen, "order-text") != 0) {
        fprintf(stderr, "minifab bench order: not on the keyboard (screen %s)\n",
                app_view(a)->screen);
        app_destroy(a);
        return 1;
    }
    /* 1. key presses: the text typed letter by letter, deleted, typed again */
    double keys[256];
    int nk = 0;
    for (int round = 0; round < 4; round++) {
        for (const char *p = text; *p && nk < 250; p++) {
            char id[16];
            if (*p == ' ')
                snprintf(id, sizeof id, "kb-space");
            else
                snprintf(id, sizeof id, "kb-%c", *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
            double t = tap_frame(a, id);
            if (t >= 0)
                keys[nk++] = t;
        }
        for (size_t i = 0; i < strlen(text) && nk < 250 && round < 3; i++) {
            double t = tap_frame(a, "kb-del");
            if (t >= 0)
                keys[nk++] = t;
        }
    }
    printf("order: %dx%d software renderer, text of %zu characters\n", w, h, strlen(text));
    print_series("key press to its frame (preview)", keys, nk);

    /* 2. the live engraving, from the head's reported positions */
    tap_frame(a, "text-next");
    tap_frame(a, "confirm");
    order_action_t act;
    uint32_t ref = 0;
    while (kiosk_next_order_action(app_kiosk(a), &act))
        ref = act.ref;
    feed_news(a, MF_ORDER_ACCEPTED, ref, 7);
    feed_line_running(a, 7);
    while (kiosk_next_order_action(app_kiosk(a), &act))
        order_wipe(&act, sizeof act);
    feed_news(a, MF_ORDER_ENGRAVING, ref, 7);
    view_strokes_t *s = malloc(sizeof *s);
    engrave_preview_strokes(preview, text, s);
    double *frames = malloc(sizeof *frames * (size_t)(s->npts * 4 + 1));
    int nf = 0;
    for (int i = 0; i + 1 < s->npts; i++) {
        for (int q = 0; q < 4; q++) { /* about 5 reports per segment at 5 Hz */
            float f = (float)q / 4.0f;
            double t0 = now_ms();
            feed_engraver(a, MF_ENGRAVER_BUSY, s->pts[i].x + f * (s->pts[i + 1].x - s->pts[i].x),
                          s->pts[i].y + f * (s->pts[i + 1].y - s->pts[i].y));
            app_draw(a);
            app_present(a);
            frames[nf++] = now_ms() - t0;
        }
    }
    printf("tracking at the laser: %s, %d points of strokes\n", app_view(a)->screen, s->npts);
    print_series("live engraving frame", frames, nf);
    free(frames);
    order_wipe(s, sizeof *s);
    free(s);
    app_destroy(a);
    return 0;
}

static int bench_submit(int orders)
{
    char bin_dir[512];
    simproc_addresses_t addr;
    simproc_t *sim = NULL;
    if (simproc_self_dir(bin_dir, sizeof bin_dir) != MF_OK ||
        !(sim = simproc_start(bin_dir, &addr))) {
        fprintf(stderr, "minifab bench order: cannot start minifab-sim\n");
        return 2;
    }
    line_drv_opts_t lo;
    line_drv_opts_default(&lo);
    line_drv_t *line = line_drv_create(addr.plc_uri, &lo);
    line_snapshot_t *snap = calloc(1, sizeof *snap);
    for (int i = 0; i < 100 && line && snap; i++) {
        line_drv_snapshot(line, snap);
        if (snap->conn == LINE_CONN_CONNECTED && snap->mailbox >= 0)
            break;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    double *v = malloc(sizeof *v * (size_t)orders);
    int n = 0;
    for (int i = 0; i < orders && line && v; i++) {
        uint32_t tag = 0;
        double t0 = now_ms();
        if (line_drv_submit_order(line, (mf_colour_t)(1 + i % 6), i % 2 == 0, &tag) != MF_OK)
            break;
        line_event_t e;
        bool got = false;
        while (!got && now_ms() - t0 < 5000) {
            while (line_drv_poll_event(line, &e))
                if (e.kind == LINE_EV_RESULT && e.tag == tag)
                    got = true;
            if (!got) {
                struct timespec ts = {0, 200000L}; /* the UI loop looks as often */
                nanosleep(&ts, NULL);
            }
        }
        if (got && e.result == LINE_RESULT_ACCEPTED)
            v[n++] = now_ms() - t0;
        if (i % 15 == 14) { /* keep the queue from filling: start the line */
            line_drv_reset(line, NULL);
        }
    }
    printf("order to the PLC (line driver, minifab-sim, poll %d ms):\n", lo.poll_ms);
    print_series("confirm to accepted by the PLC", v, n);
    free(v);
    free(snap);
    line_drv_destroy(line);
    simproc_stop(sim);
    return n > 0 ? 0 : 1;
}

int bench_order(int argc, char **argv)
{
    static const struct option opts[] = {
        {"size", required_argument, NULL, 's'},
        {"text", required_argument, NULL, 't'},
        {"orders", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    app_options_t ao;
    memset(&ao, 0, sizeof ao);
    ao.headless = true;
    ao.width = 1920;
    ao.height = 1080;
    const char *text = "Bravo Lea 2026";
    int orders = 15;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (sscanf(optarg, "%dx%d", &ao.width, &ao.height) != 2 || ao.width < 200 ||
                ao.height < 200) {
                fprintf(stderr, "minifab bench order: --size expects WxH\n");
                return 2;
            }
            break;
        case 't':
            text = optarg;
            break;
        case 'n':
            orders = atoi(optarg);
            break;
        case 'h':
            printf("usage: minifab bench order [--size WxH] [--text TEXT] [--orders N]\n\n"
                   "Make your own: a key press to its frame with the engraving's preview, the\n"
                   "live engraving's frames (software renderer, headless), and confirm to\n"
                   "the order accepted by the PLC (line driver against minifab-sim).\n"
                   "TEXT: letters, digits and spaces (typed on the on-screen keyboard).\n");
            return 0;
        default:
            return 2;
        }
    }
    mf_log_set_level(MF_LOG_WARN);
    config_t cfg;
    config_init(&cfg);
    kiosk_pack_t *pack = kiosk_pack_create(cfg.content_dir);
    if (!pack || kiosk_pack_load(pack) != MF_OK) {
        kiosk_pack_destroy(pack);
        return 2;
    }
    gcode_text_cfg_t gc;
    gcode_text_cfg_default(&gc);
    engrave_preview_t *preview = engrave_preview_create(&gc);
    if (!preview) {
        kiosk_pack_destroy(pack);
        return 2;
    }
    ao.kiosk.idle_timeout_ms = 3600 * 1000;
    ao.kiosk.language = "fr";
    ao.kiosk.text = kiosk_pack_text;
    ao.kiosk.text_ctx = pack;
    ao.kiosk.pack = kiosk_pack_content(pack);
    ao.kiosk.has_engraver = true;
    ao.kiosk.strokes = engrave_preview_strokes;
    ao.kiosk.strokes_ctx = preview;
    ao.kiosk.engrave_max_chars = gc.max_chars;
    ao.stations = kiosk_pack_stations(pack, &ao.station_count);
    int rc = bench_screens(&ao, preview, text);
    if (rc == 0 && orders > 0)
        rc = bench_submit(orders);
    engrave_preview_destroy(preview);
    kiosk_pack_destroy(pack);
    return rc;
}
