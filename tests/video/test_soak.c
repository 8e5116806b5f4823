/*
 * test_soak.c - video.soak: a visitor taps everything, fast, in any order.
 *
 * Random operations (open, play, pause, seek, replay, close, captions on and
 * off, drawing for a while) on a few clips, one of them missing, with the
 * audio device, for 15 seconds with a fixed seed (a failure can be
 * replayed). The status must stay sane throughout, and the player must
 * still play a clip to its end afterwards. Under the sanitizers this is also
 * a race and leak hunt over every pair of states.
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

#define FONT "/usr/share/fonts/truetype/lato/Lato-Bold.ttf"

static void test_random_taps(void **state)
{
    (void)state;
    const char *dir = vtu_tmpdir();
    assert_non_null(dir);
    char clips[4][512], srt[512];
    vtu_path(clips[0], sizeof clips[0], dir, "av.mp4");
    vtu_path(clips[1], sizeof clips[1], dir, "video.mp4");
    vtu_path(clips[2], sizeof clips[2], dir, "sound.m4a");
    vtu_path(clips[3], sizeof clips[3], dir, "missing.mp4");
    vtu_path(srt, sizeof srt, dir, "c.srt");
    assert_int_equal(vtu_ffmpeg("-f lavfi -i testsrc2=size=96x64:rate=25:duration=3 "
                                "-f lavfi -i sine=duration=3:sample_rate=48000 -c:v libx264 "
                                "-preset ultrafast -pix_fmt yuv420p -c:a aac %s",
                                clips[0]),
                     0);
    assert_int_equal(vtu_ffmpeg("-f lavfi -i testsrc2=size=96x64:rate=30:duration=2 -c:v libx264 "
                                "-preset ultrafast -pix_fmt yuv420p -movflags +faststart %s",
                                clips[1]),
                     0);
    assert_int_equal(
        vtu_ffmpeg("-f lavfi -i sine=duration=2:sample_rate=44100 -c:a aac %s", clips[2]), 0);
    FILE *f = fopen(srt, "w");
    assert_non_null(f);
    fputs("1\n00:00:00,200 --> 00:00:01,500\nUn\n\n2\n00:00:01,600 --> 00:00:02,800\nDeux\n", f);
    fclose(f);

    vtu_screen_t s;
    assert_int_equal(vtu_screen_open(&s, 160, 90), 0);
    player_config_t cfg = {
        .volume_max_percent = 80, .font_path = FONT, .audio = 1, .decoder_threads = 2};
    player_t *p = player_create(s.r, &cfg);
    assert_non_null(p);

    unsigned seed = 20261126;
    int ops = 0;
    Uint64 end = SDL_GetTicks64() + 15000;
    while (SDL_GetTicks64() < end) {
        int op = rand_r(&seed) % 100;
        if (op < 8) {
            assert_int_equal(
                player_open(p, clips[rand_r(&seed) % 4], rand_r(&seed) % 2 ? srt : NULL, NULL), 0);
            if (rand_r(&seed) % 2)
                player_play(p);
        } else if (op < 20) {
            player_play(p);
        } else if (op < 28) {
            player_pause(p);
        } else if (op < 40) {
            player_seek(p, rand_r(&seed) % 4000);
        } else if (op < 44) {
            player_replay(p);
        } else if (op < 47) {
            player_close(p);
        } else if (op < 50) {
            player_set_captions(p, rand_r(&seed) % 2);
        } else {
            vtu_run(p, &s, 1 + rand_r(&seed) % 150, 0);
        }
        ops++;
        player_status_t st;
        player_get_status(p, &st);
        assert_in_range(st.state, PLAYER_IDLE, PLAYER_FAILED);
        assert_true(st.position_ms >= 0);
        if (st.duration_ms > 0)
            assert_true(st.position_ms <= st.duration_ms);
        if (st.state == PLAYER_IDLE)
            assert_int_equal(player_next_frame_in_ms(p), -1);
    }
    printf("# %d random operations\n", ops);

    /* Still a working player. */
    assert_int_equal(player_open(p, clips[0], srt, NULL), 0);
    assert_int_equal(player_play(p), 0);
    assert_int_equal(vtu_run(p, &s, 20000, 0), PLAYER_ENDED);
    player_destroy(p);
    vtu_screen_close(&s);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_taps),
    };
    return cmocka_run_group_tests_name("video.soak", tests, NULL, NULL);
}
