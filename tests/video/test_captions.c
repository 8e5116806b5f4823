/*
 * test_captions.c - video.captions: sidecar SRT and WebVTT captions appear on
 * the picture exactly while their cue is on, and not when turned off.
 *
 * The clip is plain white, so the caption's dark box is the only dark thing
 * the player can draw: a frame "has a caption" when its lower part holds dark
 * pixels. Positions are reached by seeking while paused (the clock is then
 * the shown frame's time), which exercises the same draw path as playback.
 */
#include "player.h"
#include "video_testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define FONT "/usr/share/fonts/truetype/lato/Lato-Bold.ttf"

typedef struct {
    const char *dir;
    char white[512], srt[512], vtt[512];
    vtu_screen_t s;
} fixture_t;

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int setup(void **state)
{
    static fixture_t f;
    f.dir = vtu_tmpdir();
    if (!f.dir)
        return -1;
    vtu_path(f.white, sizeof f.white, f.dir, "white.mp4");
    vtu_path(f.srt, sizeof f.srt, f.dir, "white.fr.srt");
    vtu_path(f.vtt, sizeof f.vtt, f.dir, "white.fr.vtt");
    if (vtu_ffmpeg("-f lavfi -i color=c=white:size=160x120:rate=10:duration=3 -c:v libx264 "
                   "-preset ultrafast -pix_fmt yuv420p %s",
                   f.white) != 0)
        return -1;
    if (write_file(f.srt,
                   "1\n00:00:00,500 --> 00:00:01,000\nBonjour <i>à tous</i> !\n\n"
                   "2\n00:00:02,000 --> 00:00:02,500\nDeuxième ligne\net la suite\n\n") != 0 ||
        write_file(f.vtt, "WEBVTT\n\n00:00.500 --> 00:01.000\n<v Léa>Bonjour &amp; bienvenue\n\n"
                          "00:02.000 --> 00:02.500 line:90%\nDeuxième\n") != 0)
        return -1;
    if (vtu_screen_open(&f.s, 320, 240) != 0)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    vtu_screen_close(&f->s);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Seeks (paused) to MS, waits for that frame, draws, and says whether the
 * lower third of the picture holds the caption box. */
static int caption_visible_at(fixture_t *f, player_t *p, int64_t ms)
{
    player_stats_t before, now;
    player_get_stats(p, &before);
    assert_int_equal(player_seek(p, ms), 0);
    for (int i = 0; i < 200; i++) {
        vtu_run(p, &f->s, 10, 1);
        player_get_stats(p, &now);
        if (now.frames_shown > before.frames_shown)
            break;
    }
    assert_true(now.frames_shown > before.frames_shown);
    SDL_Rect dst = {0, 0, f->s.w, f->s.h};
    SDL_SetRenderDrawColor(f->s.r, 0, 0, 0, 255);
    SDL_RenderClear(f->s.r);
    player_draw(p, &dst);
    int dark = 0;
    for (int y = f->s.h * 2 / 3; y < f->s.h; y += 2)
        for (int x = 0; x < f->s.w; x += 4) {
            Uint8 rgb[3];
            vtu_pixel(&f->s, x, y, rgb);
            dark += rgb[0] < 128 && rgb[1] < 128 && rgb[2] < 128;
        }
    SDL_RenderPresent(f->s.r);
    return dark > 10;
}

static player_t *open_paused(fixture_t *f, const char *captions)
{
    player_config_t cfg = {
        .volume_max_percent = 100, .font_path = FONT, .audio = 0, .decoder_threads = 1};
    player_t *p = player_create(f->s.r, &cfg);
    assert_non_null(p);
    assert_int_equal(player_open(p, f->white, captions, NULL), 0);
    assert_int_equal(vtu_run(p, &f->s, 5000, 1), PLAYER_PAUSED);
    return p;
}

static void check_timing(fixture_t *f, const char *captions)
{
    player_t *p = open_paused(f, captions);
    player_status_t st;
    player_get_status(p, &st);
    assert_true(st.has_captions);
    assert_true(st.captions_on);
    assert_false(caption_visible_at(f, p, 200));
    assert_false(caption_visible_at(f, p, 400));
    assert_true(caption_visible_at(f, p, 500));
    assert_true(caption_visible_at(f, p, 900));
    player_get_status(p, &st);
    assert_true(strncmp(st.caption, "Bonjour ", 8) == 0);
    assert_null(strchr(st.caption, '<'));         /* markup is not shown */
    assert_false(caption_visible_at(f, p, 1000)); /* end time is exclusive */
    assert_false(caption_visible_at(f, p, 1500));
    player_get_status(p, &st);
    assert_string_equal(st.caption, "");
    assert_true(caption_visible_at(f, p, 2200));
    assert_false(caption_visible_at(f, p, 2700));
    /* Turned off: nothing drawn over the picture. */
    player_set_captions(p, 0);
    assert_false(caption_visible_at(f, p, 700));
    player_set_captions(p, 1);
    assert_true(caption_visible_at(f, p, 700));
    player_destroy(p);
}

static void test_srt_timing(void **state)
{
    fixture_t *f = *state;
    check_timing(f, f->srt);
}

static void test_webvtt_timing(void **state)
{
    fixture_t *f = *state;
    check_timing(f, f->vtt);
}

/* Rows of the panel holding dark (caption box) pixels. */
static int dark_rows(fixture_t *f, player_t *p)
{
    SDL_Rect dst = {0, 0, f->s.w, f->s.h};
    SDL_SetRenderDrawColor(f->s.r, 0, 0, 0, 255);
    SDL_RenderClear(f->s.r);
    player_draw(p, &dst);
    int rows = 0;
    for (int y = 0; y < f->s.h; y++) {
        int dark = 0;
        for (int x = 0; x < f->s.w && !dark; x += 3) {
            Uint8 rgb[3];
            vtu_pixel(&f->s, x, y, rgb);
            dark = rgb[0] < 128 && rgb[1] < 128 && rgb[2] < 128;
        }
        rows += dark;
    }
    SDL_RenderPresent(f->s.r);
    return rows;
}

static void test_bigger_captions(void **state)
{
    fixture_t *f = *state;
    player_t *p = open_paused(f, f->srt);
    assert_true(caption_visible_at(f, p, 700));
    int normal = dark_rows(f, p);
    player_set_caption_scale(p, 2.0f);
    int big = dark_rows(f, p);
    printf("# caption box: %d rows, %d rows at scale 2\n", normal, big);
    assert_true(normal > 10);
    assert_true(big > normal * 3 / 2);
    player_destroy(p);
}

static void test_missing_captions_file_still_plays(void **state)
{
    fixture_t *f = *state;
    char missing[600];
    vtu_path(missing, sizeof missing, f->dir, "none.srt");
    player_t *p = open_paused(f, missing);
    player_status_t st;
    player_get_status(p, &st);
    assert_false(st.has_captions);
    assert_false(caption_visible_at(f, p, 700));
    assert_int_equal(player_play(p), 0);
    assert_int_equal(vtu_run(p, &f->s, 10000, 0), PLAYER_ENDED);
    player_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_srt_timing),
        cmocka_unit_test(test_webvtt_timing),
        cmocka_unit_test(test_bigger_captions),
        cmocka_unit_test(test_missing_captions_file_still_plays),
    };
    return cmocka_run_group_tests_name("video.captions", tests, setup, teardown);
}
