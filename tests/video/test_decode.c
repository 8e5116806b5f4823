/*
 * test_decode.c - video.decode: generated clips go through the player's whole
 * path (open thread, demux, decoders, rings, texture upload) and come out
 * with the right number of frames, the right duration and the right amount
 * of audio; video-only, audio-only, a non-4:2:0 format (libswscale path),
 * seeking while paused, pause/resume and replay; a known colour comes out as
 * that colour whatever matrix and range the file uses (the software
 * renderer's RGB path converts with the file's own).
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
#include <sys/wait.h>

#include <cmocka.h>

typedef struct {
    const char *dir;
    char av[512], vonly[512], aonly[512], yuv422[512];
    vtu_screen_t s;
} fixture_t;

static int setup(void **state)
{
    static fixture_t f;
    f.dir = vtu_tmpdir();
    if (!f.dir)
        return -1;
    vtu_path(f.av, sizeof f.av, f.dir, "av.mp4");
    vtu_path(f.vonly, sizeof f.vonly, f.dir, "vonly.mp4");
    vtu_path(f.aonly, sizeof f.aonly, f.dir, "aonly.m4a");
    vtu_path(f.yuv422, sizeof f.yuv422, f.dir, "yuv422.mkv");
    /* 2 s, 25 fps = 50 frames; 48 kHz tone. */
    if (vtu_ffmpeg("-f lavfi -i testsrc2=size=160x120:rate=25:duration=2 "
                   "-f lavfi -i sine=frequency=440:duration=2:sample_rate=48000 "
                   "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 64k %s",
                   f.av) != 0 ||
        vtu_ffmpeg("-f lavfi -i testsrc2=size=160x120:rate=25:duration=2 -c:v libx264 "
                   "-preset ultrafast -pix_fmt yuv420p %s",
                   f.vonly) != 0 ||
        vtu_ffmpeg("-f lavfi -i sine=frequency=440:duration=1.5:sample_rate=44100 -c:a aac %s",
                   f.aonly) != 0 ||
        vtu_ffmpeg("-f lavfi -i testsrc2=size=160x120:rate=25:duration=1 -c:v libx264 "
                   "-preset ultrafast -pix_fmt yuv422p %s",
                   f.yuv422) != 0)
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

static player_t *make_player(fixture_t *f, int audio, int free_run)
{
    player_config_t cfg = {.volume_max_percent = 80,
                           .font_path = NULL,
                           .audio = audio,
                           .decoder_threads = 1,
                           .free_run = free_run};
    player_t *p = player_create(f->s.r, &cfg);
    assert_non_null(p);
    return p;
}

static void test_every_frame_and_sample(void **state)
{
    fixture_t *f = *state;
    player_t *p = make_player(f, 0, 1);
    assert_int_equal(player_open(p, f->av, NULL, NULL), 0);
    assert_int_equal(player_play(p), 0);
    assert_int_equal(vtu_run(p, &f->s, 20000, 0), PLAYER_ENDED);
    player_status_t st;
    player_stats_t sx;
    player_get_status(p, &st);
    player_get_stats(p, &sx);
    assert_true(st.has_video);
    assert_true(st.has_audio);
    assert_int_equal(st.video_w, 160);
    assert_int_equal(st.video_h, 120);
    assert_in_range(st.duration_ms, 1950, 2100);
    assert_int_equal(sx.frames_decoded, 50);
    assert_int_equal(sx.frames_shown, 50);
    assert_int_equal(sx.frames_dropped, 0);
    /* 2 s at 48 kHz; the AAC encoder pads to whole 1024-sample frames. */
    assert_in_range(sx.audio_samples, 96000 - 1024, 96000 + 2048);
    assert_true(sx.first_frame_us >= 0);
    player_destroy(p);
}

static void test_video_only_real_time(void **state)
{
    fixture_t *f = *state;
    player_t *p = make_player(f, 0, 0);
    assert_int_equal(player_open(p, f->vonly, NULL, NULL), 0);
    assert_int_equal(player_play(p), 0);
    Uint64 t0 = SDL_GetTicks64();
    /* While playing, the main loop is told to wake within a frame (25 fps). */
    vtu_run(p, &f->s, 300, 0);
    for (int i = 0; i < 10; i++) {
        int next = player_next_frame_in_ms(p);
        assert_in_range(next, 0, 41);
        vtu_run(p, &f->s, 30, 0);
    }
    assert_int_equal(vtu_run(p, &f->s, 20000, 0), PLAYER_ENDED);
    assert_int_equal(player_next_frame_in_ms(p), -1);
    Uint64 elapsed = SDL_GetTicks64() - t0;
    player_status_t st;
    player_stats_t sx;
    player_get_status(p, &st);
    player_get_stats(p, &sx);
    assert_true(st.has_video);
    assert_false(st.has_audio);
    /* Played on the wall clock: it cannot end before its 2 s have passed. */
    assert_true(elapsed >= 1900);
    assert_int_equal(sx.frames_decoded, 50);
    assert_int_equal(sx.frames_shown + sx.frames_dropped, 50);
    assert_in_range(st.position_ms, 1950, 2100);
    player_destroy(p);
}

static void test_audio_only(void **state)
{
    fixture_t *f = *state;
    player_t *p = make_player(f, 1, 0);
    assert_int_equal(player_open(p, f->aonly, NULL, NULL), 0);
    assert_int_equal(player_play(p), 0);
    Uint64 t0 = SDL_GetTicks64();
    assert_int_equal(vtu_run(p, &f->s, 20000, 0), PLAYER_ENDED);
    Uint64 elapsed = SDL_GetTicks64() - t0;
    player_status_t st;
    player_stats_t sx;
    player_get_status(p, &st);
    player_get_stats(p, &sx);
    assert_false(st.has_video);
    assert_true(st.has_audio);
    assert_int_equal(sx.frames_shown, 0);
    assert_in_range(sx.audio_samples, 66150 - 1024, 66150 + 2048);
    assert_true(elapsed >= 1400);
    assert_in_range(st.position_ms, 1450, 1600);
    player_destroy(p);
}

static void test_converted_format(void **state)
{
    fixture_t *f = *state;
    player_t *p = make_player(f, 0, 1);
    assert_int_equal(player_open(p, f->yuv422, NULL, NULL), 0);
    assert_int_equal(player_play(p), 0);
    assert_int_equal(vtu_run(p, &f->s, 20000, 0), PLAYER_ENDED);
    player_stats_t sx;
    player_get_stats(p, &sx);
    assert_int_equal(sx.frames_shown, 25);
    player_destroy(p);
}

static void test_seek_paused_then_play(void **state)
{
    fixture_t *f = *state;
    player_t *p = make_player(f, 0, 0);
    player_status_t st;
    assert_int_equal(player_open(p, f->av, NULL, NULL), 0);
    assert_int_equal(vtu_run(p, &f->s, 5000, 1), PLAYER_PAUSED); /* loaded, not playing */
    assert_int_equal(player_seek(p, 1200), 0);
    /* The first frame at the new place is shown while still paused. */
    vtu_run(p, &f->s, 300, 1);
    for (int i = 0; i < 100; i++) {
        player_stats_t sx;
        player_get_stats(p, &sx);
        if (sx.frames_shown >= 2)
            break;
        vtu_run(p, &f->s, 20, 1);
    }
    player_get_status(p, &st);
    assert_int_equal(st.state, PLAYER_PAUSED);
    assert_in_range(st.position_ms, 1160, 1200);
    player_stats_t before;
    player_get_stats(p, &before);
    assert_int_equal(player_play(p), 0);
    assert_int_equal(vtu_run(p, &f->s, 10000, 0), PLAYER_ENDED);
    player_stats_t after;
    player_get_stats(p, &after);
    /* From 1.2 s to 2 s: 20 frames (1.16 s .. 1.96 s), give or take the one at the cut. */
    assert_in_range((after.frames_shown + after.frames_dropped) -
                        (before.frames_shown + before.frames_dropped),
                    19, 21);

    /* Replay from the end: plays again from 0 and ends again. */
    assert_int_equal(player_replay(p), 0);
    player_get_status(p, &st);
    assert_int_equal(st.state, PLAYER_PLAYING);
    assert_true(st.position_ms < 200);
    assert_int_equal(vtu_run(p, &f->s, 10000, 0), PLAYER_ENDED);
    player_destroy(p);
}

static void test_pause_freezes_position(void **state)
{
    fixture_t *f = *state;
    player_t *p = make_player(f, 1, 0);
    player_status_t st, st2;
    assert_int_equal(player_open(p, f->av, NULL, NULL), 0);
    assert_int_equal(player_play(p), 0);
    vtu_run(p, &f->s, 600, 0);
    assert_int_equal(player_pause(p), 0);
    player_get_status(p, &st);
    assert_int_equal(st.state, PLAYER_PAUSED);
    assert_true(st.position_ms > 0);
    SDL_Delay(300);
    assert_int_equal(player_next_frame_in_ms(p), -1);
    player_get_status(p, &st2);
    assert_int_equal(st2.position_ms, st.position_ms);
    assert_int_equal(player_play(p), 0);
    assert_int_equal(vtu_run(p, &f->s, 10000, 0), PLAYER_ENDED);
    player_stats_t sx;
    player_get_stats(p, &sx);
    assert_int_equal(sx.frames_shown + sx.frames_dropped, 50);
    player_close(p);
    player_get_status(p, &st);
    assert_int_equal(st.state, PLAYER_IDLE);
    assert_int_equal(player_next_frame_in_ms(p), -1);
    player_destroy(p);
}

/* Runs "minifab ARGS" (the build's binary), returns its exit status and its
 * standard output in OUT. */
static int run_minifab(char *out, size_t cap, const char *args)
{
    const char *dir = getenv("MINIFAB_BIN_DIR");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "'%s/minifab' %s 2>/dev/null", dir ? dir : "build/bin", args);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A solid colour encoded with MATRIX/RANGE (ffmpeg's scale filter, and the
 * same tags written in the file unless UNTAGGED) shows as that colour, on
 * every frame (not only the first) and up to the picture's right edge. */
static void check_colour(fixture_t *f, const char *name, const char *size, const char *vf,
                         const char *tags)
{
    char path[512];
    vtu_path(path, sizeof path, f->dir, name);
    assert_int_equal(vtu_ffmpeg("-f lavfi -i color=c=0xC03060:size=%s:rate=10:duration=2 "
                                "-vf %s %s -c:v libx264 -preset ultrafast -qp 0 %s",
                                size, vf, tags, path),
                     0);
    player_config_t cfg = {.volume_max_percent = 50, .audio = 0, .decoder_threads = 1};
    player_t *p = player_create(f->s.r, &cfg);
    assert_non_null(p);
    assert_int_equal(player_open(p, path, NULL, NULL), 0);
    assert_int_equal(player_play(p), 0);
    /* a few frames in: the converter is set up once and must keep the matrix */
    SDL_Rect all = {0, 0, f->s.w, f->s.h};
    player_stats_t sx = {0};
    for (int i = 0; i < 600 && sx.frames_shown < 4; i++) {
        player_draw(p, &all);
        player_get_stats(p, &sx);
        SDL_Delay(5);
    }
    assert_true(sx.frames_shown >= 4);
    SDL_RenderClear(f->s.r);
    player_draw(p, &all);
    /* the picture is letterboxed 16:9 or 4:3 in the 4:3 window: its last
     * column on screen is the window's */
    Uint8 rgb[3], edge[3];
    vtu_pixel(&f->s, f->s.w / 2, f->s.h / 2, rgb);
    vtu_pixel(&f->s, f->s.w - 1, f->s.h / 2, edge);
    printf("# %s: %02X%02X%02X, right edge %02X%02X%02X (want C03060)\n", name, rgb[0], rgb[1],
           rgb[2], edge[0], edge[1], edge[2]);
    for (int i = 0; i < 3; i++) {
        static const int want[3] = {0xC0, 0x30, 0x60};
        assert_in_range(rgb[i], want[i] - 6, want[i] + 6);
        assert_in_range(edge[i], want[i] - 6, want[i] + 6);
    }
    player_destroy(p);
}

static void test_colours(void **state)
{
    fixture_t *f = *state;
    /* SD without tags: BT.601, as FFmpeg writes it by default */
    check_colour(f, "sd.mp4", "320x240", "format=yuv420p", "");
    /* a width that is not a multiple of 8 (the converter works in blocks) */
    check_colour(f, "wide.mp4", "854x480", "format=yuv420p", "");
    /* HD without tags: BT.709 is what a player assumes (and SDL does) */
    check_colour(f, "hd.mp4", "1280x720", "scale=out_color_matrix=bt709,format=yuv420p", "");
    /* tagged, full range */
    check_colour(f, "full.mp4", "640x360",
                 "scale=out_color_matrix=bt709:out_range=full,format=yuvj420p",
                 "-colorspace bt709 -color_range pc");
}

static void test_bench_command(void **state)
{
    fixture_t *f = *state;
    char out[2048], args[700];
    snprintf(args, sizeof args, "bench video '%s'", f->av);
    assert_int_equal(run_minifab(out, sizeof out, args), 0);
    assert_non_null(strstr(out, "160x120, 50 frames in "));
    assert_non_null(strstr(out, " CPU ms/frame"));
    snprintf(args, sizeof args, "bench video --realtime '%s'", f->av);
    assert_int_equal(run_minifab(out, sizeof out, args), 0);
    assert_non_null(strstr(out, "% of one core, first frame "));
    assert_non_null(strstr(out, "A/V drift max "));
    snprintf(args, sizeof args, "bench video '%s/missing.mp4'", f->dir);
    assert_int_equal(run_minifab(out, sizeof out, args), 1);
    assert_int_equal(run_minifab(out, sizeof out, "bench video"), 2);
    assert_int_equal(run_minifab(out, sizeof out, "bench video --help"), 0);
    assert_non_null(strstr(out, "--realtime"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_frame_and_sample),
        cmocka_unit_test(test_video_only_real_time),
        cmocka_unit_test(test_audio_only),
        cmocka_unit_test(test_converted_format),
        cmocka_unit_test(test_seek_paused_then_play),
        cmocka_unit_test(test_pause_freezes_position),
        cmocka_unit_test(test_colours),
        cmocka_unit_test(test_bench_command),
    };
    return cmocka_run_group_tests_name("video.decode", tests, setup, teardown);
}
