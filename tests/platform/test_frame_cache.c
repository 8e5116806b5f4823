/*
 * test_frame_cache.c - platform.frame_cache: what the loop draws again and
 * what it copies (app/platform/app.c, through its frame probe and the
 * renderer's counters). Once a screen has been seen: a finger down does not
 * redraw the screen's still picture, going back to it reuses its picture,
 * and no slide frame rasterises a shape. Headless, software renderer,
 * 1920x1080. Counts only: nothing here is timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app_loop.h"
#include "kiosk_pack.h"

#include <SDL.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    int frames, slides, stills, taps;
} counts_t;

static void on_frame(void *ctx, const app_frame_info_t *f)
{
    counts_t *c = ctx;
    c->frames++;
    c->slides += f->slide;
    c->stills += f->still_drawn;
    c->taps += f->tap_ns >= 0;
    assert_true(f->end_ns >= f->start_ns);
}

static app_t *start(counts_t *c)
{
    static const kiosk_station_t stations[] = {
        {.id = "press", .title = {"La presse", "The press"}, .colour = 0xE65100, .line_number = 3},
        {.id = "robot", .title = {"Le robot", "The robot"}, .colour = 0x00838F, .line_number = 5},
    };
    app_options_t opt = {.headless = true, .width = 1920, .height = 1080};
    opt.kiosk.idle_timeout_ms = 90000;
    opt.kiosk.language = "fr";
    opt.stations = stations;
    opt.station_count = 2;
    app_t *a = app_create(&opt);
    assert_non_null(a);
    app_set_frame_probe(a, on_frame, c);
    app_pump(a, 0);
    return a;
}

static void settle(app_t *a)
{
    for (int i = 0; i < 10; i++) {
        app_advance_clock(a, 40);
        app_pump(a, 0);
    }
}

static void pointer(app_t *a, mf_event_type_t type, const char *id)
{
    const view_widget_t *w = view_find_id(app_view(a), id);
    if (!w)
        fail_msg("no #%s on %s", id, app_view(a)->screen);
    mf_event_t ev = {.type = type, .pointer = MF_POINTER_MOUSE};
    ev.x = w->rect.x + w->rect.w / 2;
    ev.y = w->rect.y + w->rect.h / 2;
    app_feed(a, &ev);
    app_pump(a, 0);
}

static void tap(app_t *a, const char *id)
{
    pointer(a, MF_EV_POINTER_DOWN, id);
    app_advance_clock(a, 60);
    pointer(a, MF_EV_POINTER_UP, id);
    settle(a);
}

static uint64_t rasterised(app_t *a)
{
    ui_stats_t st;
    ui_stats(app_ui(a), &st);
    return st.shapes.rasterised + st.shapes.geometry;
}

/* attract -> language -> profile (skip) -> perception (skip) -> home */
static void to_home(app_t *a)
{
    tap(a, "start");
    if (strcmp(app_view(a)->screen, "language") == 0) {
        tap(a, "language-0");
        while (view_find_id(app_view(a), "skip"))
            tap(a, "skip");
    }
    assert_string_equal(app_view(a)->screen, "home");
}

static void test_round_trips_copy(void **state)
{
    (void)state;
    counts_t c = {0};
    app_t *a = start(&c);
    to_home(a);
    tap(a, "settings");
    tap(a, "back"); /* every screen seen once */
    assert_string_equal(app_view(a)->screen, "home");

    counts_t before = c;
    uint64_t r0 = rasterised(a);
    for (int i = 0; i < 3; i++) {
        tap(a, "settings");
        assert_string_equal(app_view(a)->screen, "settings");
        tap(a, "back");
        assert_string_equal(app_view(a)->screen, "home");
    }
    assert_true(c.slides - before.slides >= 6); /* the slides were drawn... */
    assert_int_equal(c.stills, before.stills);  /* ...from pictures already made */
    assert_int_equal(rasterised(a), r0);        /* no shape rasterised again */
    assert_int_equal(c.taps - before.taps, 6);  /* each tap showed on a frame */
    app_destroy(a);
}

static void test_finger_down_draws_one_widget(void **state)
{
    (void)state;
    counts_t c = {0};
    app_t *a = start(&c);
    to_home(a);
    counts_t before = c;
    pointer(a, MF_EV_POINTER_DOWN, "settings");
    assert_true(view_find_id(app_view(a), "settings")->pressed);
    assert_int_equal(c.frames, before.frames + 1); /* drawn pressed... */
    assert_int_equal(c.stills, before.stills);     /* ...over the same picture */
    app_destroy(a);
}

/* The trade page keeps its clip open behind the poster until "play": the
 * clip's first frame, decoded and waiting, must not make the loop redraw
 * (it did ~700 times a second). Needs the generated sample videos. */
static void test_poster_draws_nothing(void **state)
{
    (void)state;
    if (access("content/media/generated/boilermaker.mp4", R_OK) != 0)
        skip(); /* content/make-sample-media.sh makes it */
    kiosk_pack_t *pack = kiosk_pack_create("content");
    assert_non_null(pack);
    assert_int_equal(kiosk_pack_load(pack), 0);
    counts_t c = {0};
    app_options_t opt = {.headless = true, .width = 1920, .height = 1080};
    opt.kiosk.idle_timeout_ms = 90000;
    opt.kiosk.language = "fr";
    opt.kiosk.text = kiosk_pack_text;
    opt.kiosk.text_ctx = pack;
    opt.kiosk.pack = kiosk_pack_content(pack);
    opt.stations = kiosk_pack_stations(pack, &opt.station_count);
    app_t *a = app_create(&opt);
    assert_non_null(a);
    app_set_frame_probe(a, on_frame, &c);
    app_pump(a, 0);
    to_home(a);
    tap(a, "station-press");
    tap(a, "trade-boilermaker");
    assert_string_equal(app_view(a)->screen, "trade");
    assert_null(view_find_id(app_view(a), "video")); /* the poster, not the clip */
    /* the loop as the kiosk runs it, for as many turns as it takes */
    int before = c.frames;
    for (int i = 0; i < 50; i++)
        app_pump(a, app_wait_ms(a));
    assert_true(c.frames - before <= 3); /* the clip opening may change a label */
    app_destroy(a);
    kiosk_pack_destroy(pack);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips_copy),
        cmocka_unit_test(test_finger_down_draws_one_widget),
        cmocka_unit_test(test_poster_draws_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
