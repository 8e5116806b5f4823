/*
 * test_draw_cache.c - platform.draw_cache: the shapes of app/ui/draw.c.
 * A rounded rectangle's corners come from a texture rasterised once per
 * (radius, outline, colour) whatever the size; the cache stays within its
 * count and byte bounds; the pixels are right (solid inside, clear outside
 * the corner, a straight edge fully covered); a gradient is plain fills.
 * Drawn on SDL's software renderer into a plain surface: no window.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "draw.h"

#include <SDL.h>

typedef struct {
    SDL_Surface *surf;
    SDL_Renderer *r;
    ui_draw_t *d;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->surf = SDL_CreateRGBSurfaceWithFormat(0, 400, 300, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(f->surf);
    f->r = SDL_CreateSoftwareRenderer(f->surf);
    assert_non_null(f->r);
    f->d = ui_draw_create(f->r, 8, 64u << 10);
    assert_non_null(f->d);
    SDL_SetRenderDrawColor(f->r, 0, 0, 0, 255);
    SDL_RenderClear(f->r);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    ui_draw_destroy(f->d);
    SDL_DestroyRenderer(f->r);
    SDL_FreeSurface(f->surf);
    free(f);
    return 0;
}

static uint32_t pixel(fixture_t *f, int x, int y)
{
    SDL_RenderFlush(f->r);
    return ((const uint32_t *)f->surf->pixels)[y * f->surf->pitch / 4 + x] & 0xFFFFFF;
}

static void test_one_raster_per_look(void **state)
{
    fixture_t *f = *state;
    ui_colour_t c = ui_rgb(0x2EC4B6);
    ui_draw_stats_t st;
    for (int i = 0; i < 20; i++) {
        ui_frect_t rc = {10.0f + (float)i, 10, 100.0f + 7.0f * (float)i, 60.0f + (float)i};
        ui_fill_rounded(f->d, rc, 12.0f, c);
    }
    ui_draw_stats(f->d, &st);
    assert_int_equal(st.rasterised, 1); /* twenty sizes, one look */
    assert_int_equal(st.geometry, 0);
    ui_stroke_rounded(f->d, (ui_frect_t){5, 5, 200, 100}, 12.0f, 3.0f, c);
    ui_stroke_rounded(f->d, (ui_frect_t){5, 5, 300, 200}, 12.0f, 3.0f, c);
    ui_draw_stats(f->d, &st);
    assert_int_equal(st.rasterised, 2); /* the outline is another look */
}

static void test_bounded(void **state)
{
    fixture_t *f = *state;
    ui_draw_stats_t st;
    for (int i = 0; i < 200; i++) {
        ui_colour_t c = ui_rgb(0x101010u * (uint32_t)(i % 15) + (uint32_t)i);
        ui_fill_rounded(f->d, (ui_frect_t){0, 0, 300, 290}, 4.0f + (float)(i % 60), c);
        ui_draw_stats(f->d, &st);
        assert_true(st.shapes <= 8);
        assert_true(st.bytes <= 64u << 10);
    }
    assert_true(st.evicted > 0);
    /* the most recent look is still there: drawing it again is a copy */
    uint64_t before = st.rasterised;
    ui_fill_rounded(f->d, (ui_frect_t){0, 0, 300, 290}, 4.0f + (float)(199 % 60),
                    ui_rgb(0x101010u * (uint32_t)(199 % 15) + 199u));
    ui_draw_stats(f->d, &st);
    assert_int_equal(st.rasterised, before);
}

static void test_pixels(void **state)
{
    fixture_t *f = *state;
    ui_fill_rounded(f->d, (ui_frect_t){100, 100, 120, 80}, 20.0f, ui_rgb(0xFF0000));
    assert_int_equal(pixel(f, 160, 140), 0xFF0000); /* inside */
    assert_int_equal(pixel(f, 100, 100), 0x000000); /* the corner is cut */
    assert_int_equal(pixel(f, 160, 100), 0xFF0000); /* a straight edge: whole pixels */
    assert_int_equal(pixel(f, 219, 140), 0xFF0000);
    assert_int_equal(pixel(f, 220, 140), 0x000000); /* outside */
    /* on the arc: partly covered, blended */
    uint32_t p = pixel(f, 105, 106);
    assert_true((p >> 16) > 0 && (p >> 16) < 0xFF);
    /* an outline leaves the middle alone */
    ui_stroke_rounded(f->d, (ui_frect_t){10, 10, 80, 80}, 10.0f, 4.0f, ui_rgb(0x00FF00));
    assert_int_equal(pixel(f, 50, 11), 0x00FF00);
    assert_int_equal(pixel(f, 50, 50), 0x000000);
}

static void test_gradient(void **state)
{
    fixture_t *f = *state;
    ui_fill_gradient(f->d, (ui_frect_t){0, 0, 400, 300}, ui_rgb(0x000000), ui_rgb(0x0000FF));
    ui_draw_stats_t st;
    ui_draw_stats(f->d, &st);
    assert_int_equal(st.geometry, 0);
    assert_int_equal(st.rasterised, 0);
    assert_true((pixel(f, 10, 0) & 0xFF) <= 1);
    assert_true((pixel(f, 10, 299) & 0xFF) >= 0xFE);
    uint32_t mid = pixel(f, 10, 150) & 0xFF;
    assert_true(mid > 0x70 && mid < 0x90);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_raster_per_look, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pixels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gradient, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
