/*
 * app.h - the kiosk process: window, main loop and scripted runs.
 *
 * app_run() owns the SDL window and renderer, turns SDL events into
 * mf_event_t (app/core/event.h), feeds them to kiosk_update() and redraws
 * only when the kiosk says something changed or a deadline (animation,
 * timeout) is reached, so a static screen costs next to no CPU.
 */
#ifndef MF_APP_H
#define MF_APP_H

#include "kiosk.h"

#include <stdbool.h>

struct devices;         /* devices.h: the kiosk's device drivers */
struct engrave_preview; /* engrave_preview.h */
struct line_relay;      /* line_relay.h */

/* Called on F5 or SIGHUP: reload what the kiosk shows (the content pack) and
 * give it to KIOSK; on failure keep what is shown. */
typedef void (*app_reload_fn)(void *ctx, kiosk_t *kiosk, int64_t now);

/* Called on F5 or SIGHUP: reload what the kiosk shows (the content pack) and
 * give it to KIOSK; on failure keep what is shown. */
typedef void (*app_reload_fn)(void *ctx, kiosk_t *kiosk, int64_t now);

typedef struct {
    bool headless;           /* SDL dummy video driver + software renderer */
    bool fullscreen;         /* borderless full screen (a real kiosk) */
    int width, height;       /* window size in pixels */
    const char *script_path; /* run this script, then exit with its verdict */
    const char *shots_dir;   /* where `shot NAME` writes NAME.png */
    bool stay;               /* after the script, go on as an ordinary kiosk */
    kiosk_options_t kiosk;
    const kiosk_station_t *stations;
    int station_count;
    struct devices *devices; /* the device drivers (caller owns them), or NULL */
    struct staff_edge *staff; /* the staff console's edge (caller owns it), or NULL */
    int line_poll_ms;        /* how often the loop reads the line's snapshot */
    const char *problem;     /* start on the problem screen with this text, or NULL */
    int video_volume_max;    /* cap on the job videos' volume, percent (0 = mute) */
    const char *video;       /* start on the player screen with this clip (minifab play) */
    const char *video_captions, *video_poster;
    app_reload_fn reload; /* F5 / SIGHUP, or NULL */
    void *reload_ctx;
    visit_sink_t sink; /* where the visit's events go (the statistics store), or {0} */
    /* make your own: the engraving's G-code and preview when an engraver is
     * configured (this kiosk is then the order desk; caller owns it) */
    struct engrave_preview *preview;
    /* the order desk's line events when another reader (the staff edge)
     * takes the line driver's queue and passes them on here, or NULL */
    struct line_relay *line_relay;
} app_options_t;

/* argv[1] of `minifab --gl-probe`, the hidden child that app_run() starts
 * to learn whether OpenGL here is emulated on the CPU, and its main:
 * prints the name of the accelerated renderer SDL would choose ("none" if
 * none) and, for OpenGL, its GL_RENDERER, one a line; exit status 0 when it
 * could tell. */
#define APP_GL_PROBE_ARG "--gl-probe"
int app_gl_probe_main(void);

/* Runs until the window closes (or the script ends). Returns the process
 * exit status: 0, 1 when an expect failed or the script had an error, 2 when
 * the display could not start. */
int app_run(const app_options_t *opt);

#endif
