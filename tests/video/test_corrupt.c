/*
 * test_corrupt.c - video.corrupt: a missing, empty, truncated, bit-flipped or
 * unsupported file never crashes nor hangs the player; it ends as FAILED
 * (poster + message) or plays what can be played and ENDS.
 *
 * The open path is fuzzed with copies of a generated clip: cut at many
 * lengths (with the MP4 index at the end and at the front) and with random
 * bits flipped (fixed seed, so a failure can be replayed). Under
 * AddressSanitizer (scripts/run-tests.sh) this also checks every such path
 * for memory errors and leaks.
 */
#include "mf_error.h"
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
    char clip_end[512], clip_front[512], poster[512], srt[512];
    unsigned char *data_end, *data_front;
    size_t size_end, size_front;
    vtu_screen_t s;
} fixture_t;

static unsigned char *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = n > 0 ? malloc((size_t)n) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = buf ? (size_t)n : 0;
    return buf;
}

static int write_all(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = size ? fwrite(data, 1, size, f) : 0;
    return (fclose(f) == 0 && w == size) ? 0 : -1;
}

static int setup(void **state)
{
    static fixture_t f;
    f.dir = vtu_tmpdir();
    if (!f.dir)
        return -1;
    vtu_path(f.clip_end, sizeof f.clip_end, f.dir, "end.mp4");
    vtu_path(f.clip_front, sizeof f.clip_front, f.dir, "front.mp4");
    vtu_path(f.poster, sizeof f.poster, f.dir, "poster.png");
    vtu_path(f.srt, sizeof f.srt, f.dir, "c.srt");
    const char *src = "-f lavfi -i testsrc2=size=128x96:rate=25:duration=1.6 "
                      "-f lavfi -i sine=frequency=440:duration=1.6:sample_rate=48000 "
                      "-c:v libx264 -preset ultrafast -g 10 -pix_fmt yuv420p -c:a aac";
    if (vtu_ffmpeg("%s %s", src, f.clip_end) != 0 ||
        vtu_ffmpeg("%s -movflags +faststart %s", src, f.clip_front) != 0 ||
        vtu_ffmpeg("-f lavfi -i color=c=red:size=64x36 -frames:v 1 %s", f.poster) != 0 ||
        write_all(f.srt, "1\n00:00:00,000 --> 00:00:05,000\nSous-titre\n", 43) != 0)
        return -1;
    f.data_end = read_all(f.clip_end, &f.size_end);
    f.data_front = read_all(f.clip_front, &f.size_front);
    if (!f.data_end || !f.data_front || vtu_screen_open(&f.s, 320, 180) != 0)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    vtu_screen_close(&f->s);
    free(f->data_end);
    free(f->data_front);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    return system(cmd) == 0 ? 0 : -1;
}

static player_t *make_player(fixture_t *f, int audio, int free_run)
{
    player_config_t cfg = {.volume_max_percent = 100,
                           .font_path = FONT,
                           .audio = audio,
                           .decoder_threads = 1,
                           .free_run = free_run};
    player_t *p = player_create(f->s.r, &cfg);
    assert_non_null(p);
    return p;
}

/* Opens PATH, plays it, and returns the final state (ENDED or FAILED: any
 * other state after 15 s is a hang and fails the test). */
static player_state_t play_to_end(fixture_t *f, player_t *p, const char *path)
{
    assert_int_equal(player_open(p, path, f->srt, f->poster), 0);
    assert_int_equal(player_play(p), 0);
    player_state_t st = vtu_run(p, &f->s, 15000, 0);
    if (st != PLAYER_ENDED && st != PLAYER_FAILED)
        fail_msg("%s: still in state %d after 15 s", path, (int)st);
    return st;
}

static void assert_poster_and_message(fixture_t *f, player_t *p)
{
    player_status_t st;
    player_get_status(p, &st);
    assert_int_equal(st.state, PLAYER_FAILED);
    assert_true(strlen(st.message) > 5);
    assert_int_equal(player_play(p), MF_EMEDIA);
    assert_int_equal(player_next_frame_in_ms(p), -1);
    /* The poster (red, 16:9 like the panel) fills the panel; the message box
     * sits over its lower part. */
    SDL_Rect dst = {0, 0, f->s.w, f->s.h};
    SDL_SetRenderDrawColor(f->s.r, 0, 255, 0, 255);
    SDL_RenderClear(f->s.r);
    player_draw(p, &dst);
    Uint8 rgb[3];
    vtu_pixel(&f->s, 10, 10, rgb);
    assert_true(rgb[0] > 200 && rgb[1] < 60 && rgb[2] < 60);
    int dark = 0;
    for (int x = 0; x < f->s.w; x += 4) {
        vtu_pixel(&f->s, x, f->s.h * 2 / 3, rgb);
        dark += rgb[0] < 100;
    }
    assert_true(dark > 10);
    SDL_RenderPresent(f->s.r);
}

static void test_missing_file(void **state)
{
    fixture_t *f = *state;
    char path[600];
    player_t *p = make_player(f, 1, 0);
    vtu_path(path, sizeof path, f->dir, "nothing-here.mp4");
    assert_int_equal(play_to_end(f, p, path), PLAYER_FAILED);
    assert_poster_and_message(f, p);
    /* A folder, an empty file, a text file, a caption file: same. */
    assert_int_equal(play_to_end(f, p, f->dir), PLAYER_FAILED);
    vtu_path(path, sizeof path, f->dir, "empty.mp4");
    assert_int_equal(write_all(path, "", 0), 0);
    assert_int_equal(play_to_end(f, p, path), PLAYER_FAILED);
    vtu_path(path, sizeof path, f->dir, "text.mp4");
    assert_int_equal(write_all(path, "this is not a video\n", 20), 0);
    assert_int_equal(play_to_end(f, p, path), PLAYER_FAILED);
    assert_poster_and_message(f, p);
    assert_int_equal(play_to_end(f, p, f->srt), PLAYER_FAILED); /* no picture, no sound */
    assert_poster_and_message(f, p);
    /* And the player is still good for a real clip afterwards. */
    assert_int_equal(play_to_end(f, p, f->clip_front), PLAYER_ENDED);
    player_destroy(p);
}

static void test_truncated(void **state)
{
    fixture_t *f = *state;
    char path[600];
    vtu_path(path, sizeof path, f->dir, "cut.mp4");
    player_t *p = make_player(f, 0, 1);
    int ended = 0, failed = 0, partial = 0;
    for (int which = 0; which < 2; which++) {
        const unsigned char *data = which ? f->data_front : f->data_end;
        size_t size = which ? f->size_front : f->size_end;
        for (int i = 1; i <= 24; i++) {
            size_t cut = size * (size_t)i / 25;
            assert_int_equal(write_all(path, data, cut), 0);
            player_state_t st = play_to_end(f, p, path);
            player_stats_t sx;
            player_get_stats(p, &sx);
            ended += st == PLAYER_ENDED;
            failed += st == PLAYER_FAILED;
            /* Index at the front: the beginning plays, up to where it was cut. */
            if (which == 1 && i >= 12) {
                assert_int_equal(st, PLAYER_ENDED);
                assert_true(sx.frames_shown > 0 && sx.frames_shown < 40);
                /* Issue 14: it says the file is incomplete, and the length
                 * shown is what was played, not the header's 1.6 s. */
                player_status_t ps;
                player_get_status(p, &ps);
                assert_true(ps.incomplete);
                assert_non_null(strstr(ps.message, "incomplète"));
                assert_true(ps.duration_ms > 0 && ps.duration_ms < 1600);
                assert_int_equal(ps.position_ms, ps.duration_ms);
                partial++;
            }
            if (st == PLAYER_FAILED)
                assert_poster_and_message(f, p);
        }
    }
    printf("# truncated: %d ended, %d failed, %d partly played\n", ended, failed, partial);
    /* Index at the end: a cut file has no index at all and cannot be opened. */
    assert_true(failed >= 24);
    player_destroy(p);
}

/* Issue 14: pictures and videos beyond the bounds of content.h are refused
 * before anything is decoded: a 7680x16 video (wider than 4K), and a poster
 * whose few bytes say 60000x60000 pixels (14 GB as RGBA, which SDL_image
 * would try to allocate). */
static void test_too_large(void **state)
{
    fixture_t *f = *state;
    char wide[600], poster[600];
    vtu_path(wide, sizeof wide, f->dir, "wide.mp4");
    vtu_path(poster, sizeof poster, f->dir, "huge.png");
    assert_int_equal(vtu_ffmpeg("-f lavfi -i color=c=blue:size=7680x16:rate=25:duration=0.2 "
                                "-c:v libx264 -preset ultrafast -pix_fmt yuv420p %s",
                                wide),
                     0);
    static const unsigned char png[] = {0x89, 'P',  'N',  'G',  '\r', '\n', 0x1a, '\n', 0,
                                        0,    0,    13,   'I',  'H',  'D',  'R',  0,    0,
                                        0xEA, 0x60, 0,    0,    0xEA, 0x60, 8,    6,    0,
                                        0,    0,    0x80, 0xD2, 0x75, 0x42}; /* 60000x60000 RGBA */
    assert_int_equal(write_all(poster, png, sizeof png), 0);
    player_t *p = make_player(f, 0, 1);
    assert_int_equal(player_open(p, wide, NULL, poster), 0);
    assert_int_equal(player_play(p), 0);
    assert_int_equal(vtu_run(p, &f->s, 15000, 0), PLAYER_FAILED);
    player_status_t st;
    player_get_status(p, &st);
    assert_non_null(strstr(st.message, "trop grande"));
    SDL_Rect dst = {0, 0, f->s.w, f->s.h};
    player_draw(p, &dst); /* the poster is judged, not decoded: black panel, message */
    player_destroy(p);
}

static void test_bit_flips(void **state)
{
    fixture_t *f = *state;
    char path[600];
    vtu_path(path, sizeof path, f->dir, "flipped.mp4");
    unsigned char *copy = malloc(f->size_front);
    assert_non_null(copy);
    player_t *p = make_player(f, 0, 1);
    unsigned seed = 12345;
    int ended = 0, failed = 0;
    for (int i = 0; i < 60; i++) {
        memcpy(copy, f->data_front, f->size_front);
        int flips = 1 + i % 30;
        for (int k = 0; k < flips; k++) {
            /* Half of the runs hit the header and index (first 4 KiB). */
            size_t span = (i % 2) ? f->size_front : 4096;
            size_t at = (size_t)rand_r(&seed) % span;
            copy[at] ^= (unsigned char)(1u << (rand_r(&seed) % 8));
        }
        assert_int_equal(write_all(path, copy, f->size_front), 0);
        player_state_t st = play_to_end(f, p, path);
        ended += st == PLAYER_ENDED;
        failed += st == PLAYER_FAILED;
    }
    printf("# bit flips: %d ended, %d failed\n", ended, failed);
    assert_int_equal(ended + failed, 60);
    free(copy);
    player_destroy(p);
}

static void test_corrupt_in_real_time_with_audio(void **state)
{
    fixture_t *f = *state;
    char path[600];
    vtu_path(path, sizeof path, f->dir, "rt.mp4");
    unsigned char *copy = malloc(f->size_front);
    assert_non_null(copy);
    player_t *p = make_player(f, 1, 0);
    unsigned seed = 777;
    for (int i = 0; i < 3; i++) {
        memcpy(copy, f->data_front, f->size_front);
        for (int k = 0; k < 40; k++) {
            size_t at = 4096 + (size_t)rand_r(&seed) % (f->size_front - 4096);
            copy[at] ^= (unsigned char)(1u << (rand_r(&seed) % 8));
        }
        assert_int_equal(write_all(path, copy, i == 2 ? f->size_front * 2 / 3 : f->size_front), 0);
        player_state_t st = play_to_end(f, p, path);
        assert_true(st == PLAYER_ENDED || st == PLAYER_FAILED);
    }
    free(copy);
    player_destroy(p);
}

static void test_close_while_loading(void **state)
{
    fixture_t *f = *state;
    player_t *p = make_player(f, 1, 0);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(player_open(p, i % 2 ? f->clip_front : f->clip_end, f->srt, f->poster), 0);
        if (i % 3 == 0)
            assert_int_equal(player_play(p), 0);
        player_close(p);
        player_status_t st;
        player_get_status(p, &st);
        assert_int_equal(st.state, PLAYER_IDLE);
    }
    player_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_corrupt_in_real_time_with_audio),
        cmocka_unit_test(test_close_while_loading),
    };
    return cmocka_run_group_tests_name("video.corrupt", tests, setup, teardown);
}
