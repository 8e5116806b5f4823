/*
 * video_testutil.c - see video_testutil.h.
 */
#include "video_testutil.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *vtu_tmpdir(void)
{
    static char dir[256];
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/mf-video-XXXXXX", base && base[0] ? base : "/tmp");
    if (!mkdtemp(dir))
        return NULL;
    return dir;
}

int vtu_ffmpeg(const char *args_fmt, ...)
{
    char args[2048], cmd[2300];
    va_list ap;
    va_start(ap, args_fmt);
    vsnprintf(args, sizeof args, args_fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -hide_banner -loglevel error -y %s", args);
    int ret = system(cmd);
    if (ret != 0)
        fprintf(stderr, "failed: %s\n", cmd);
    return ret == 0 ? 0 : -1;
}

const char *vtu_path(char *out, size_t cap, const char *dir, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
    return out;
}

int vtu_screen_open(vtu_screen_t *s, int w, int h)
{
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    setenv("SDL_AUDIODRIVER", "dummy", 0);
    memset(s, 0, sizeof *s);
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return -1;
    s->win = SDL_CreateWindow("test", 0, 0, w, h, SDL_WINDOW_HIDDEN);
    if (!s->win)
        return -1;
    s->r = SDL_CreateRenderer(s->win, -1, SDL_RENDERER_SOFTWARE);
    if (!s->r)
        return -1;
    s->w = w;
    s->h = h;
    return 0;
}

void vtu_screen_close(vtu_screen_t *s)
{
    if (s->r)
        SDL_DestroyRenderer(s->r);
    if (s->win)
        SDL_DestroyWindow(s->win);
    SDL_Quit();
    memset(s, 0, sizeof *s);
}

player_state_t vtu_run(player_t *p, vtu_screen_t *s, int timeout_ms, int stop_on_paused)
{
    Uint64 end = SDL_GetTicks64() + (Uint64)timeout_ms;
    player_status_t st;
    SDL_Rect dst = {0, 0, s->w, s->h};
    for (;;) {
        SDL_SetRenderDrawColor(s->r, 40, 40, 40, 255);
        SDL_RenderClear(s->r);
        player_draw(p, &dst);
        SDL_RenderPresent(s->r);
        player_get_status(p, &st);
        if (st.state == PLAYER_ENDED || st.state == PLAYER_FAILED || st.state == PLAYER_IDLE ||
            (stop_on_paused && st.state == PLAYER_PAUSED))
            return st.state;
        if (SDL_GetTicks64() > end)
            return st.state;
        int wait = player_next_frame_in_ms(p);
        Uint64 left = end - SDL_GetTicks64();
        if (wait < 0 || wait > 50)
            wait = 50;
        if ((Uint64)wait > left)
            wait = (int)left + 1;
        SDL_Delay((Uint32)wait);
    }
}

int vtu_fd_count(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

void vtu_pixel(vtu_screen_t *s, int x, int y, Uint8 rgb[3])
{
    Uint32 px = 0;
    SDL_Rect r = {x, y, 1, 1};
    SDL_RenderReadPixels(s->r, &r, SDL_PIXELFORMAT_ARGB8888, &px, 4);
    rgb[0] = (Uint8)(px >> 16);
    rgb[1] = (Uint8)(px >> 8);
    rgb[2] = (Uint8)px;
}
