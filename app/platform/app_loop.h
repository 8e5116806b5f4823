/*
 * app_loop.h - the pieces of the main loop that the script runner (and
 * other platform code, such as `minifab play`) drive directly. Internal to
 * app/platform; see app.h for the public entry point.
 */
#ifndef MF_APP_LOOP_H
#define MF_APP_LOOP_H

#include "app.h"
#include "kiosk.h"
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
/* The simulator's control socket when the kiosk started it, else NULL. */
const char *app_sim_control(const app_t *a);
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

#endif
