/*
 * test_sync.c - video.sync: with an audio device (SDL's dummy driver, which
 * consumes samples in real time), the picture follows the audio clock.
 *
 * Measured by the player itself at each frame upload: |audio clock - frame
 * pts|. The assertion is on the mean (a loaded CI machine may delay one
 * wake-up, which is not a sync fault); the maximum is printed. A clip whose
 * audio starts 0.5 s after its picture checks that the clock is the audio
 * position, not "time since play".
 */
#include "player.h"
#include "video_testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

typedef struct {
    const char *dir;
    char av[512], late_audio[512];
    vtu_screen_t s;
} fixture_t;

static int setup(void **state)
{
    static fixture_t f;
    f.dir = vtu_tmpdir();
    if (!f.dir)
        return -1;
    vtu_path(f.av, sizeof f.av, f.dir, "av.mp4");
    vtu_path(f.late_audio, sizeof f.late_audio, f.dir, "late.mp4");
    if (vtu_ffmpeg("-f lavfi -i testsrc2=size=160x120:rate=30:duration=3 "
                   "-f lavfi -i sine=frequency=440:duration=3:sample_rate=44100 "
                   "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac %s",
                   f.av) != 0 ||
        vtu_ffmpeg("-f lavfi -i testsrc2=size=160x120:rate=25:duration=2 "
                   "-itsoffset 0.5 -f lavfi -i sine=frequency=440:duration=1.5:sample_rate=48000 "
                   "-map 0:v -map 1:a "
                   "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac %s",
                   f.late_audio) != 0)
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

static void play_and_check(fixture_t *f, const char *path, int64_t frames)
{
    player_config_t cfg = {.volume_max_percent = 50, .audio = 1, .decoder_threads = 1};
    player_t *p = player_create(f->s.r, &cfg);
    assert_non_null(p);
    assert_int_equal(player_open(p, path, NULL, NULL), 0);
    assert_int_equal(player_play(p), 0);
    assert_int_equal(vtu_run(p, &f->s, 20000, 0), PLAYER_ENDED);
    player_stats_t sx;
    player_status_t st;
    player_get_stats(p, &sx);
    player_get_status(p, &st);
    assert_true(st.has_audio);
    assert_true(st.has_video);
    double mean = sx.drift_count ? (double)sx.drift_sum_ms / (double)sx.drift_count : 1e9;
    printf("# %s: %lld shown, %lld dropped, drift mean %.1f ms, max %lld ms\n", path,
           (long long)sx.frames_shown, (long long)sx.frames_dropped, mean,
           (long long)sx.drift_max_ms);
    assert_int_equal(sx.frames_shown + sx.frames_dropped, frames);
    /* Most frames are shown on time (the rest may be dropped on a loaded machine). */
    assert_true(sx.drift_count >= frames * 3 / 4);
    /* A clip whose sound starts late must not skip its first pictures. */
    assert_true(sx.frames_dropped <= frames / 10);
    assert_true(mean < 20.0);
    player_destroy(p);
}

static void test_av_in_sync(void **state)
{
    fixture_t *f = *state;
    play_and_check(f, f->av, 90);
}

static void test_audio_starting_late(void **state)
{
    fixture_t *f = *state;
    play_and_check(f, f->late_audio, 50);
}

/* A frame whose time has passed is due now: the loop that sleeps
 * player_next_frame_in_ms() must wake at once, not at the next poll (a late
 * frame used to wait for the starved-decoder poll, and a loop that drew only
 * when a frame was due fell behind for ever). */
static void test_late_frame_is_due_now(void **state)
{
    fixture_t *f = *state;
    player_config_t cfg = {.volume_max_percent = 50, .audio = 1, .decoder_threads = 1};
    player_t *p = player_create(f->s.r, &cfg);
    assert_non_null(p);
    assert_int_equal(player_open(p, f->av, NULL, NULL), 0);
    assert_int_equal(player_play(p), 0);
    SDL_Rect all = {0, 0, f->s.w, f->s.h};
    player_stats_t sx = {0};
    for (int i = 0; i < 400 && sx.frames_shown < 5; i++) { /* playing, a few frames in */
        player_draw(p, &all);
        SDL_Delay(5);
        player_get_stats(p, &sx);
    }
    assert_true(sx.frames_shown >= 5);
    SDL_Delay(200); /* six frame times go by undrawn */
    player_status_t st;
    player_get_status(p, &st);
    assert_int_equal(st.state, PLAYER_PLAYING);
    assert_int_equal(player_next_frame_in_ms(p), 0);
    player_draw(p, &all); /* takes the latest due frame, drops the older ones */
    player_get_stats(p, &sx);
    assert_true(sx.frames_dropped >= 1);
    player_destroy(p);
}

/* After the last frame, while the sound plays on, nothing is due: the loop
 * is told to wait (at least a millisecond, in practice the progress tick),
 * not woken and made to redraw over and over. */
static void test_sound_after_last_frame(void **state)
{
    fixture_t *f = *state;
    char tail[512];
    vtu_path(tail, sizeof tail, f->dir, "tail.mp4");
    assert_int_equal(vtu_ffmpeg("-f lavfi -i testsrc2=size=160x120:rate=25:duration=1 "
                                "-f lavfi -i sine=frequency=440:duration=2.5:sample_rate=48000 "
                                "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac %s",
                                tail),
                     0);
    player_config_t cfg = {.volume_max_percent = 50, .audio = 1, .decoder_threads = 1};
    player_t *p = player_create(f->s.r, &cfg);
    assert_non_null(p);
    assert_int_equal(player_open(p, tail, NULL, NULL), 0);
    assert_int_equal(player_play(p), 0);
    SDL_Rect all = {0, 0, f->s.w, f->s.h};
    player_status_t st = {0};
    for (int i = 0; i < 1000 && st.position_ms < 1300; i++) { /* past the last frame */
        player_draw(p, &all);
        SDL_Delay(5);
        player_get_status(p, &st);
    }
    assert_int_equal(st.state, PLAYER_PLAYING);
    int zeros = 0, due = 0, calls = 0;
    while (st.position_ms < 2000 && st.state == PLAYER_PLAYING) {
        int next = player_next_frame_in_ms(p);
        zeros += next == 0;
        due += player_frame_due(p);
        calls++;
        SDL_Delay(next > 0 && next < 20 ? (Uint32)next : 20);
        player_get_status(p, &st);
    }
    printf("# after the last frame: %d calls, %d said 'now', %d frames due\n", calls, zeros, due);
    assert_true(calls > 0);
    assert_int_equal(zeros, 0);
    assert_int_equal(due, 0);
    player_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_av_in_sync),
        cmocka_unit_test(test_audio_starting_late),
        cmocka_unit_test(test_late_frame_is_due_now),
        cmocka_unit_test(test_sound_after_last_frame),
    };
    return cmocka_run_group_tests_name("video.sync", tests, setup, teardown);
}
