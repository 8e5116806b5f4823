/*
 * video_testutil.h - helpers shared by the tests of app/video: a temporary
 * folder, small clips made with the ffmpeg command-line tool, a headless SDL
 * renderer (dummy video driver, software renderer) and a loop that drives a
 * player the way the kiosk's main loop does.
 */
#ifndef MF_VIDEO_TESTUTIL_H
#define MF_VIDEO_TESTUTIL_H

#include "player.h"

#include <SDL.h>
#include <stddef.h>

typedef struct {
    SDL_Window *win;
    SDL_Renderer *r;
    int w, h;
} vtu_screen_t;

/* Creates a fresh temporary folder; returns its path (static storage). */
const char *vtu_tmpdir(void);
/* Runs "ffmpeg -hide_banner -loglevel error -y ARGS"; 0 on success. */
int vtu_ffmpeg(const char *args_fmt, ...) __attribute__((format(printf, 1, 2)));
/* Builds PATH = DIR/NAME into OUT. */
const char *vtu_path(char *out, size_t cap, const char *dir, const char *name);
/* Headless window + software renderer (SDL_VIDEODRIVER=dummy). 0 on success. */
int vtu_screen_open(vtu_screen_t *s, int w, int h);
void vtu_screen_close(vtu_screen_t *s);
/* Drives P like the main loop: draw, present, sleep next_frame_in_ms, until
 * the state is one of ENDED/FAILED (or PAUSED when stop_on_paused) or
 * TIMEOUT_MS passed. Returns the last state. */
player_state_t vtu_run(player_t *p, vtu_screen_t *s, int timeout_ms, int stop_on_paused);
/* Number of open file descriptors of this process. */
int vtu_fd_count(void);
/* RGB of the pixel at X,Y of what was last drawn (before present). */
void vtu_pixel(vtu_screen_t *s, int x, int y, Uint8 rgb[3]);

#endif
