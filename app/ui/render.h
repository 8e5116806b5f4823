/*
 * render.h - draws a screen's model (app/core/view.h) with SDL.
 *
 * The only code that turns a view into pixels. It reads the view, never the
 * kiosk's state, and keeps only caches (fonts, text textures, images).
 * Hooks let other UI modules draw widgets they own (the video player).
 */
#ifndef MF_RENDER_H
#define MF_RENDER_H

#include "draw.h"
#include "text.h"
#include "view.h"

#include <SDL.h>

typedef struct ui ui_t;

/* Draws a VIEW_VIDEO widget into DST; set by the owner of the player. */
typedef void (*ui_video_draw_fn)(void *ctx, const view_widget_t *w, const SDL_Rect *dst);

/* NULL when fonts or SDL_ttf are missing (logged). */
ui_t *ui_create(SDL_Renderer *r);
void ui_destroy(ui_t *ui);

void ui_set_video_hook(ui_t *ui, ui_video_draw_fn fn, void *ctx);

/* What ui_render() draws: the background and still widgets (cached by the
 * caller between frames), the animated widgets, or both. */
typedef enum {
    UI_LAYER_STATIC = 1,
    UI_LAYER_ANIMATED = 2,
    UI_LAYER_ALL = 3,
    UI_LAYER_VIDEO = 4, /* the video widgets alone (a new frame, the rest unchanged) */
} ui_layer_t;

/* Draws the LAYERS of V into the renderer's current target, which is
 * OUT_W x OUT_H pixels, shifted horizontally by OFFSET_X pixels (used by
 * screen transitions). */
void ui_render(ui_t *ui, const view_t *v, int out_w, int out_h, float offset_x, ui_layer_t layers);

/* What the caches hold and how often they had to make something: for
 * tests (bounds, no rasterising in a slide) and `minifab bench ui`. */
typedef struct {
    ui_draw_stats_t shapes;
    ui_text_stats_t text;
    size_t images, image_bytes; /* pictures kept as textures */
    uint64_t image_loads;       /* files read (cache misses) */
} ui_stats_t;

void ui_stats(const ui_t *ui, ui_stats_t *out);

/* Pixels per layout unit for an output of W x H pixels. */
float ui_units_scale(int w, int h);

#endif
