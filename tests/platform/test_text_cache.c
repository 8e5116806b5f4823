/*
 * test_text_cache.c - platform.text_cache: the caches of app/ui/text.c.
 * Fitted texts are kept as textures within a count and a byte bound, each
 * as wide as its longest line (not its box); texts that must shrink go
 * down one shared ladder of sizes, so many requested sizes open few fonts
 * and the font cache does not churn. Software renderer on a surface.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "text.h"

#include <SDL.h>
#include <stdio.h>

typedef struct {
    SDL_Surface *surf;
    SDL_Renderer *r;
    ui_text_t *t;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->surf = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_ARGB8888);
    f->r = f->surf ? SDL_CreateSoftwareRenderer(f->surf) : NULL;
    assert_non_null(f->r);
    f->t = ui_text_create(f->r);
    assert_non_null(f->t); /* needs fonts-lato or fonts-dejavu-core */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    ui_text_destroy(f->t);
    SDL_DestroyRenderer(f->r);
    SDL_FreeSurface(f->surf);
    free(f);
    return 0;
}

static void test_textures_bounded(void **state)
{
    fixture_t *f = *state;
    ui_text_stats_t st;
    char text[64];
    SDL_Rect box = {0, 0, 1800, 900};
    for (int i = 0; i < 400; i++) {
        snprintf(text, sizeof text, "Texte numéro %d, assez long pour peser", i);
        assert_true(ui_text_draw(f->t, text, box, 120, UI_WEIGHT_BOLD, ui_rgb(0xFFFFFF),
                                 UI_TEXT_CENTER) > 0);
        ui_text_stats(f->t, &st);
        assert_true(st.textures <= st.max_textures);
        assert_true(st.bytes <= st.max_bytes);
    }
    assert_int_equal(st.renders, 400);
    assert_true(st.textures < 400); /* the byte bound evicted some */
    assert_true(st.fonts <= st.max_fonts);
}

static void test_texture_as_wide_as_its_text(void **state)
{
    fixture_t *f = *state;
    ui_text_stats_t st;
    SDL_Rect box = {0, 0, 1800, 200};
    ui_text_draw(f->t, "A", box, 40, UI_WEIGHT_REGULAR, ui_rgb(0xFFFFFF), UI_TEXT_CENTER);
    ui_text_stats(f->t, &st);
    assert_int_equal(st.textures, 1);
    assert_true(st.bytes < 200u * 100u * 4u); /* not 1800 pixels wide */
    /* and drawing it again is a copy */
    ui_text_draw(f->t, "A", box, 40, UI_WEIGHT_REGULAR, ui_rgb(0xFFFFFF), UI_TEXT_CENTER);
    ui_text_stats(f->t, &st);
    assert_int_equal(st.renders, 1);
}

static void test_shrinking_shares_sizes(void **state)
{
    fixture_t *f = *state;
    ui_text_stats_t st;
    /* 80 requested sizes of a text that fits none of them in a small box:
     * each requested size is opened once to try it, then the text goes down
     * the shared ladder (every pixel to 17, ~6 % steps above), whose sizes
     * are opened once for all of them */
    SDL_Rect box = {0, 0, 300, 60};
    for (int size = 41; size < 121; size++)
        ui_text_draw(f->t, "Le soudage en réalité virtuelle", box, size, UI_WEIGHT_BOLD,
                     ui_rgb(0xFFFFFF), UI_TEXT_CENTER);
    ui_text_stats(f->t, &st);
    assert_int_equal(st.renders, 80);
    /* ladder sizes below 120: 9..17 and 23 more: at most 32 besides the 80 */
    assert_true(st.font_opens <= 80 + 32);
    assert_true(st.fonts <= st.max_fonts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_textures_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_texture_as_wide_as_its_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shrinking_shares_sizes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
