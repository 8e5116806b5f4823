/*
 * cmd_bench_video.c - `minifab bench video FILE`: the job-video player's
 * costs, measured through the very path the kiosk uses (app/video: open
 * thread, demux, decode, YUV texture upload, drawing), headless (SDL dummy
 * video driver, software renderer).
 *
 * Default mode decodes as fast as it can (the player in free-run mode: no
 * clock, no frame dropped) and prints frames, frames per second and CPU
 * milliseconds per frame (user + system time of the whole process, every
 * thread, from getrusage). --realtime plays the clip at its own speed with
 * the audio clock as master (SDL dummy audio driver unless SDL_AUDIODRIVER
 * says otherwise) and prints the CPU share of one core, the time from
 * player_open to the first frame, dropped frames and the A/V drift.
 */
#include "commands.h"

#include "mf_log.h"
#include "player.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static void bench_video_usage(FILE *out)
{
    fprintf(out, "usage: minifab bench video [--realtime] [--threads N] [--size WxH] FILE\n\n"
                 "  Decodes FILE through the kiosk's video player, headless (SDL dummy video\n"
                 "  driver, software renderer), and prints one line of results.\n"
                 "  --realtime  play at normal speed with audio (clock master) and report\n"
                 "              CPU %% of one core, first-frame time, dropped frames, A/V drift\n"
                 "  --threads N decoder threads (default 1, like 'ffmpeg -threads 1'; 0 = auto)\n"
                 "  --size WxH  size of the headless window the video is drawn into\n"
                 "              (default 1280x720)\n");
}

static double bench_cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec * 1e3 + (double)ru.ru_utime.tv_usec / 1e3 +
           (double)ru.ru_stime.tv_sec * 1e3 + (double)ru.ru_stime.tv_usec / 1e3;
}

static double bench_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int bench_video(int argc, char **argv)
{
    int realtime = 0, threads = 1, w = 1280, h = 720, status = 1;
    const char *file = NULL;
    SDL_Window *win = NULL;
    SDL_Renderer *r = NULL;
    player_t *p = NULL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            bench_video_usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--realtime") == 0) {
            realtime = 1;
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
            if (sscanf(argv[++i], "%dx%d", &w, &h) != 2 || w <= 0 || h <= 0) {
                fprintf(stderr, "minifab bench video: --size wants WxH, e.g. 1280x720\n");
                return 2;
            }
        } else if (argv[i][0] == '-' || file) {
            bench_video_usage(stderr);
            return 2;
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        bench_video_usage(stderr);
        return 2;
    }

    setenv("SDL_VIDEODRIVER", "dummy", 0);
    setenv("SDL_AUDIODRIVER", "dummy", 0);
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "minifab bench video: SDL: %s\n", SDL_GetError());
        return 1;
    }
    win = SDL_CreateWindow("minifab bench", 0, 0, w, h, SDL_WINDOW_HIDDEN);
    r = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE) : NULL;
    if (!r) {
        fprintf(stderr, "minifab bench video: SDL: %s\n", SDL_GetError());
        goto done;
    }
    player_config_t cfg = {.volume_max_percent = 100,
                           .font_path = NULL,
                           .audio = realtime,
                           .decoder_threads = threads,
                           .free_run = !realtime};
    p = player_create(r, &cfg);
    if (!p) {
        fprintf(stderr, "minifab bench video: cannot create the player\n");
        goto done;
    }

    double cpu0 = bench_cpu_ms(), wall0 = bench_wall_ms();
    if (player_open(p, file, NULL, NULL) != 0 || player_play(p) != 0) {
        fprintf(stderr, "minifab bench video: cannot open %s\n", file);
        goto done;
    }
    SDL_Rect dst = {0, 0, w, h};
    player_status_t st;
    for (;;) {
        player_draw(p, &dst);
        SDL_RenderPresent(r);
        player_get_status(p, &st);
        if (st.state == PLAYER_ENDED || st.state == PLAYER_FAILED)
            break;
        int wait = player_next_frame_in_ms(p);
        SDL_Delay((Uint32)(wait < 0 ? 10 : wait));
    }
    double cpu = bench_cpu_ms() - cpu0, wall = bench_wall_ms() - wall0;
    if (st.state == PLAYER_FAILED) {
        fprintf(stderr, "minifab bench video: %s: %s\n", file, st.message);
        goto done;
    }
    player_stats_t sx;
    player_get_stats(p, &sx);
    int64_t frames = sx.frames_shown;
    if (!realtime) {
        printf("bench video: %s: %dx%d, %lld frames in %.0f ms: %.1f fps, %.2f CPU ms/frame "
               "(decoder threads %d, decode + upload + draw; %lld audio samples, %.0f CPU ms "
               "in all)\n",
               file, st.video_w, st.video_h, (long long)frames, wall,
               wall > 0 ? (double)frames * 1000.0 / wall : 0.0,
               frames > 0 ? cpu / (double)frames : 0.0, threads, (long long)sx.audio_samples, cpu);
    } else {
        printf("bench video --realtime: %s: %dx%d, %.0f ms played, CPU %.1f %% of one core, "
               "first frame %.0f ms after open, %lld frames shown, %lld dropped, "
               "A/V drift max %lld ms mean %.1f ms\n",
               file, st.video_w, st.video_h, wall, wall > 0 ? cpu * 100.0 / wall : 0.0,
               (double)sx.first_frame_us / 1000.0, (long long)sx.frames_shown,
               (long long)sx.frames_dropped, (long long)sx.drift_max_ms,
               sx.drift_count ? (double)sx.drift_sum_ms / (double)sx.drift_count : 0.0);
    }
    status = 0;
done:
    player_destroy(p);
    if (r)
        SDL_DestroyRenderer(r);
    if (win)
        SDL_DestroyWindow(win);
    SDL_Quit();
    return status;
}
