/*
 * app_loop.h - the pieces of the main loop that the script runner (and
 * other platform code, such as `minifab play`) drive directly. Internal to
 * app/platform; see app.h for the public entry point.
 */
#ifndef MF_APP_LOOP_H
#define MF_APP_LOOP_H

#include "app.h"
#include "kiosk.h"
#include "render.h"
#include "view.h"

#include <stdint.h>

typedef struct app app_t;

/* The window, renderer and kiosk of app_run(), without the loop (tests and
 * other platform tools drive it). NULL when the display cannot start. */
app_t *app_create(const app_options_t *opt);
void app_destroy(app_t *a);

/* The kiosk's clock: monotonic milliseconds plus what `advance` added. */
int64_t app_now(const app_t *a);
void app_advance_clock(app_t *a, int64_t ms);

kiosk_t *app_kiosk(app_t *a);
/* The current screen's model, computed at app_now(). */
const view_t *app_view(app_t *a);
/* Layout units per window pixel. */
float app_units_per_pixel(const app_t *a);
void app_output_size(const app_t *a, int *w, int *h);

/* Gives one event to the kiosk at app_now(). */
void app_feed(app_t *a, const mf_event_t *ev);
/* Handles pending SDL events (waiting up to WAIT_MS for the first), ticks the
 * kiosk and redraws if anything changed. */
void app_pump(app_t *a, int wait_ms);
/* How long app_pump() may wait for events before something is due: the
 * kiosk's next deadline, the next video frame, the line's next snapshot. */
int app_wait_ms(app_t *a);
/* Draws the current view into the back buffer (no present). */
void app_draw(app_t *a);
void app_present(app_t *a);
/* Copies what is on the screen now (no drawing) into ARGB, out_w x out_h
 * pixels, rows without padding. MF_OK or MF_EIO. */
int app_read_frame(app_t *a, uint32_t *argb);
/* Frames drawn so far: whole ones, and video frames drawn alone over the
 * last whole one (SDL's software renderer, nothing else changed). */
void app_frame_counts(const app_t *a, uint64_t *whole, uint64_t *video_only);
/* Saves what app_draw() last drew as a PNG of the window's exact size. */
int app_save_png(app_t *a, const char *path);

/* One frame drawn by app_pump(), as the bench (`minifab bench ui`) sees it.
 * Times are monotonic nanoseconds. */
typedef struct {
    int64_t start_ns; /* the loop's wait ended: events, update, view, draw... */
    int64_t end_ns;   /* ...and SDL_RenderPresent() returned */
    int64_t cpu_ns;   /* CPU time of the loop's thread meanwhile */
    bool whole;       /* a whole frame, else a new video frame drawn alone */
    bool slide;       /* during a screen change */
    bool still_drawn; /* the screen's still picture was redrawn (not copied) */
    int64_t tap_ns;   /* >= 0: a pointer up arrived then; this frame shows it */
} app_frame_info_t;

typedef void (*app_frame_fn)(void *ctx, const app_frame_info_t *f);

/* Calls FN after every frame app_pump() presents (NULL: none, the default;
 * it costs nothing then). */
void app_set_frame_probe(app_t *a, app_frame_fn fn, void *ctx);

/* The renderer's caches, for their counters (ui_stats()). */
const ui_t *app_ui(const app_t *a);

#endif
