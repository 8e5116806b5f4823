/*
 * test_leak.c - video.leak: a kiosk opens and closes video pages all day.
 * 1,000 open/close cycles, in four ways (closed while loading, once loaded,
 * after a few frames with the audio device running, after a seek), must
 * leave no thread, no file descriptor and no memory behind.
 *
 * File descriptors are counted here; memory is checked by LeakSanitizer in
 * the sanitizer build (scripts/run-tests.sh) and, in other builds, by
 * glibc's count of bytes in use (mallinfo2) after a warm-up.
 */
#include "player.h"
#include "video_testutil.h"

#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define FONT "/usr/share/fonts/truetype/lato/Lato-Bold.ttf"

#if defined(__SANITIZE_ADDRESS__)
#define LEAK_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LEAK_UNDER_ASAN 1
#endif
#endif

static int count_threads(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    fclose(f);
    return n;
}

static void cycle(player_t *p, vtu_screen_t *s, const char *clip, const char *srt,
                  const char *poster, int how)
{
    assert_int_equal(player_open(p, clip, srt, poster), 0);
    player_status_t st;
    switch (how) {
    case 0: /* the visitor taps away at once */
        break;
    case 1: /* loaded, never played */
        vtu_run(p, s, 2000, 1);
        break;
    case 2: /* a few frames, with sound */
        player_play(p);
        vtu_run(p, s, 25, 0);
        break;
    default: /* seek while playing, then close */
        player_play(p);
        vtu_run(p, s, 25, 0);
        player_seek(p, 300);
        vtu_run(p, s, 10, 0);
        break;
    }
    player_get_status(p, &st);
    player_close(p);
}

static void test_open_close_1000(void **state)
{
    (void)state;
    const char *dir = vtu_tmpdir();
    assert_non_null(dir);
    char clip[512], srt[512], poster[512];
    vtu_path(clip, sizeof clip, dir, "tiny.mp4");
    vtu_path(srt, sizeof srt, dir, "tiny.srt");
    vtu_path(poster, sizeof poster, dir, "tiny.png");
    /* A short clip: "how 3" above plays it to the end, so keep it brief. */
    assert_int_equal(vtu_ffmpeg("-f lavfi -i testsrc2=size=64x48:rate=25:duration=0.6 "
                                "-f lavfi -i sine=frequency=440:duration=0.6:sample_rate=48000 "
                                "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac "
                                "-movflags +faststart %s",
                                clip),
                     0);
    assert_int_equal(vtu_ffmpeg("-f lavfi -i color=c=blue:size=32x18 -frames:v 1 %s", poster), 0);
    FILE *f = fopen(srt, "w");
    assert_non_null(f);
    fputs("1\n00:00:00,000 --> 00:00:00,500\nBonjour\n", f);
    fclose(f);

    vtu_screen_t s;
    assert_int_equal(vtu_screen_open(&s, 96, 72), 0);
    /* Two players, as a kiosk could have: the one with sound opens and
     * closes the audio device with each clip (SDL's dummy driver takes 42 ms
     * to close one, so only one cycle in four goes through it). */
    player_config_t cfg = {
        .volume_max_percent = 100, .font_path = FONT, .audio = 0, .decoder_threads = 1};
    player_t *p = player_create(s.r, &cfg);
    cfg.audio = 1;
    player_t *loud = player_create(s.r, &cfg);
    assert_non_null(p);
    assert_non_null(loud);

    /* Warm-up: libraries allocate their tables once. */
    for (int i = 0; i < 20; i++)
        cycle(i % 4 == 2 ? loud : p, &s, clip, srt, poster, i % 4);
    int fds = vtu_fd_count(), threads = count_threads();
    struct mallinfo2 m0 = mallinfo2();

    for (int i = 0; i < 1000; i++)
        cycle(i % 4 == 2 ? loud : p, &s, clip, srt, poster, i % 4);

    struct mallinfo2 m1 = mallinfo2();
    printf("# fds %d -> %d, threads %d -> %d, heap in use %zu -> %zu bytes\n", fds, vtu_fd_count(),
           threads, count_threads(), m0.uordblks, m1.uordblks);
    assert_int_equal(vtu_fd_count(), fds);
    assert_int_equal(count_threads(), threads);
#ifndef LEAK_UNDER_ASAN
    /* 1,000 cycles: even 1 KiB lost per cycle would show as 1 MB. */
    assert_true(m1.uordblks < m0.uordblks + 512 * 1024);
#endif
    player_destroy(p);
    player_destroy(loud);
    vtu_screen_close(&s);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_close_1000),
    };
    return cmocka_run_group_tests_name("video.leak", tests, NULL, NULL);
}
