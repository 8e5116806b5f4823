/*
 * test_video_frames.c - platform.video_frames: on SDL's software renderer a
 * new video frame is drawn alone over the last whole frame, and the screen
 * is still right.
 *
 * The kiosk plays a generated clip (`minifab play`'s path, headless). While
 * it plays, video frames must be drawn alone (the progress bar and time move
 * in 250 ms steps, which redraw the whole screen), and the picture must move.
 * Then what is on screen is compared with a whole frame drawn at the same
 * moment: everything but the picture itself must be the
 * same pixel for pixel, the black bars and the caption over them included
 * (nothing left over from an earlier frame, no caption piling up).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app_loop.h"
#include "video_testutil.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int x0, y0, x1, y1; /* the picture's panel in pixels, end exclusive */
} box_t;

/* The video panel, in pixels. */
static box_t panel_box(app_t *a)
{
    const view_widget_t *w = view_find_id(app_view(a), "video");
    if (!w)
        fail_msg("no #video on %s", app_view(a)->screen);
    float k = app_units_per_pixel(a);
    box_t b = {(int)(w->rect.x / k), (int)(w->rect.y / k), (int)((w->rect.x + w->rect.w) / k),
               (int)((w->rect.y + w->rect.h) / k)};
    return b;
}

/* The 4:3 picture centred in the video panel, with a pixel of margin. */
static box_t picture_box(app_t *a)
{
    const view_widget_t *w = view_find_id(app_view(a), "video");
    if (!w)
        fail_msg("no #video on %s", app_view(a)->screen);
    float k = app_units_per_pixel(a);
    float pw = w->rect.w / k, ph = w->rect.h / k;
    float fw = pw, fh = pw * 3.0f / 4.0f;
    if (fh > ph) {
        fh = ph;
        fw = ph * 4.0f / 3.0f;
    }
    float x = w->rect.x / k + (pw - fw) / 2, y = w->rect.y / k + (ph - fh) / 2;
    int ow, oh;
    app_output_size(a, &ow, &oh);
    box_t b = {(int)x - 1, (int)y - 1, (int)(x + fw) + 2, (int)(y + fh) + 2};
    b.x0 = b.x0 < 0 ? 0 : b.x0;
    b.y0 = b.y0 < 0 ? 0 : b.y0;
    b.x1 = b.x1 > ow ? ow : b.x1;
    b.y1 = b.y1 > oh ? oh : b.y1;
    return b;
}

static void pump_for(app_t *a, int ms)
{
    uint32_t t0 = SDL_GetTicks();
    while ((int)(SDL_GetTicks() - t0) < ms)
        app_pump(a, app_wait_ms(a));
}

static void play_and_compare(int w, int h)
{
    const char *dir = vtu_tmpdir();
    assert_non_null(dir);
    char clip[512], srt[512];
    vtu_path(clip, sizeof clip, dir, "clip.mp4");
    vtu_path(srt, sizeof srt, dir, "clip.srt");
    assert_int_equal(vtu_ffmpeg("-f lavfi -i testsrc2=size=320x240:rate=25:duration=4 "
                                "-c:v libx264 -preset ultrafast -pix_fmt yuv420p %s",
                                clip),
                     0);
    /* a long caption: wider than the 4:3 picture, over the bars beside it */
    FILE *f = fopen(srt, "w");
    assert_non_null(f);
    fputs("1\n00:00:00,000 --> 00:00:04,000\n"
          "Je règle la machine, je vérifie les pièces et je note tout.\n",
          f);
    fclose(f);
    app_options_t opt = {
        .headless = true, .width = w, .height = h, .video = clip, .video_captions = srt};
    opt.kiosk.idle_timeout_ms = 90000;
    opt.kiosk.language = "fr";
    app_t *a = app_create(&opt);
    assert_non_null(a);
    size_t n = (size_t)w * (size_t)h;
    uint32_t *first = malloc(n * 4), *now = malloc(n * 4), *whole = malloc(n * 4);
    assert_non_null(first);
    assert_non_null(now);
    assert_non_null(whole);

    pump_for(a, 700);
    assert_string_equal(app_view(a)->screen, "player");
    assert_int_equal(app_read_frame(a, first), 0);
    pump_for(a, 1300);
    uint64_t nwhole, nvideo;
    app_frame_counts(a, &nwhole, &nvideo);
    printf("# %dx%d: %llu whole frames, %llu video frames alone\n", w, h,
           (unsigned long long)nwhole, (unsigned long long)nvideo);
    /* 50 frames in 2 s, the screen changing 4 times a second: most are drawn
     * alone (asserted loosely: a loaded CI machine shows fewer frames) */
    assert_true(nvideo >= 5);

    /* the picture moved between the two looks; the screen looked at is one
     * whose last frame was drawn alone */
    assert_true(view_has_text(app_view(a), "Je règle la machine"));
    box_t b = picture_box(a);
    box_t panel = panel_box(a);
    for (int i = 0; i < 200; i++) {
        uint64_t w0, v0, w1, v1;
        app_frame_counts(a, &w0, &v0);
        app_pump(a, app_wait_ms(a));
        app_frame_counts(a, &w1, &v1);
        if (v1 > v0 && w1 == w0)
            break;
    }
    assert_int_equal(app_read_frame(a, now), 0);
    size_t moved = 0;
    for (int y = b.y0; y < b.y1; y++)
        for (int x = b.x0; x < b.x1; x++)
            moved +=
                first[(size_t)y * (size_t)w + (size_t)x] != now[(size_t)y * (size_t)w + (size_t)x];
    assert_true(moved > 100);

    /* outside the picture, the screen is what a whole frame draws */
    app_draw(a);
    assert_int_equal(app_read_frame(a, whole), 0);
    size_t differ = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            if (x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1)
                continue;
            differ +=
                now[(size_t)y * (size_t)w + (size_t)x] != whole[(size_t)y * (size_t)w + (size_t)x];
        }
    if (differ)
        fail_msg("%zu pixels outside the picture differ from a whole frame", differ);
    /* and the caption was over the bars: light pixels in the panel beside
     * or below the picture (nothing else is drawn there) */
    size_t light = 0;
    for (int y = panel.y0; y < panel.y1; y++)
        for (int x = panel.x0; x < panel.x1; x++)
            if (!(x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1) &&
                (now[(size_t)y * (size_t)w + (size_t)x] & 0xff) > 0xe0)
                light++;
    assert_true(light > 50);

    free(first);
    free(now);
    free(whole);
    app_destroy(a);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_landscape(void **state)
{
    (void)state;
    play_and_compare(1280, 800);
}

static void test_portrait(void **state)
{
    (void)state;
    play_and_compare(800, 1280);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_landscape),
        cmocka_unit_test(test_portrait),
    };
    return cmocka_run_group_tests_name("platform.video_frames", tests, NULL, NULL);
}
