/*
 * draw.h - anti-aliased shapes on an SDL renderer: rounded rectangles,
 * circles, outlines, gradients, with a cache that makes each shape cost
 * copies, not rasterising.
 *
 * A rounded rectangle is snapped to whole pixels and drawn in nine pieces:
 * four corners copied from a small texture rasterised once per (radius,
 * outline width, colour), and plain rectangle fills for the straight parts.
 * So a card, a pill, a circle or a halo of any size costs a few copies and
 * fills, whatever its size; a gradient is one fill per band of equal colour.
 * This is what keeps a whole frame on SDL's software renderer (a PC without
 * a graphics processor) within a few milliseconds (docs/BENCHMARKS.md).
 *
 * The cache is bounded in count and bytes and evicts the least recently used
 * shape; it logs nothing per frame. Its counters are a seam for tests (a
 * slide frame must not rasterise) and for `minifab bench ui`.
 */
#ifndef MF_DRAW_H
#define MF_DRAW_H

#include "theme.h"

#include <SDL.h>
#include <stddef.h>
#include <stdint.h>

/* A rectangle in pixels with float precision. */
typedef struct {
    float x, y, w, h;
} ui_frect_t;

/* Shapes drawn on one renderer, with their cache (opaque). */
typedef struct ui_draw ui_draw_t;

/* Default bounds of the shape cache: a screen uses a few dozen shapes. */
#define UI_DRAW_MAX_SHAPES 256
#define UI_DRAW_MAX_BYTES (8u << 20)

/* MAX_SHAPES and MAX_BYTES bound the cache (0: the defaults above). The
 * caller keeps R alive longer than the result. NULL on no memory. */
ui_draw_t *ui_draw_create(SDL_Renderer *r, size_t max_shapes, size_t max_bytes);
void ui_draw_destroy(ui_draw_t *d);
SDL_Renderer *ui_draw_renderer(const ui_draw_t *d);
/* Drops every cached shape (to test, or to give memory back). */
void ui_draw_flush(ui_draw_t *d);

typedef struct {
    uint64_t rasterised; /* corner textures computed pixel by pixel (cache misses) */
    uint64_t geometry;   /* SDL_RenderGeometry calls (polygons only) */
    uint64_t evicted;    /* shapes dropped to stay within the bounds */
    size_t shapes;       /* in the cache now */
    size_t bytes;        /* their pixels, in bytes */
    size_t max_shapes, max_bytes;
} ui_draw_stats_t;

void ui_draw_stats(const ui_draw_t *d, ui_draw_stats_t *out);

void ui_fill_rounded(ui_draw_t *d, ui_frect_t rect, float radius, ui_colour_t c);
/* An outline of width WIDTH inside RECT. */
void ui_stroke_rounded(ui_draw_t *d, ui_frect_t rect, float radius, float width, ui_colour_t c);
void ui_fill_circle(ui_draw_t *d, float cx, float cy, float radius, ui_colour_t c);
/* A vertical gradient from TOP to BOTTOM. */
void ui_fill_gradient(ui_draw_t *d, ui_frect_t rect, ui_colour_t top, ui_colour_t bottom);
/* A filled convex polygon given by N points (N <= 16); rasterised by SDL
 * every time: for small, rare shapes. */
void ui_fill_polygon(ui_draw_t *d, const SDL_FPoint *pts, int n, ui_colour_t c);

#endif
