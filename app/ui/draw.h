/*
 * draw.h - anti-aliased shapes on an SDL renderer: rounded rectangles,
 * circles, gradients. Built on SDL_RenderGeometry with a one-pixel feather
 * of transparent vertices round each shape, which gives smooth edges on every
 * renderer, including the software one used headless.
 */
#ifndef MF_DRAW_H
#define MF_DRAW_H

#include "theme.h"

#include <SDL.h>

/* A rectangle in pixels with float precision. */
typedef struct {
    float x, y, w, h;
} ui_frect_t;

void ui_fill_rounded(SDL_Renderer *r, ui_frect_t rect, float radius, ui_colour_t c);
/* An outline of width WIDTH inside RECT. */
void ui_stroke_rounded(SDL_Renderer *r, ui_frect_t rect, float radius, float width, ui_colour_t c);
void ui_fill_circle(SDL_Renderer *r, float cx, float cy, float radius, ui_colour_t c);
/* A vertical gradient from TOP to BOTTOM. */
void ui_fill_gradient(SDL_Renderer *r, ui_frect_t rect, ui_colour_t top, ui_colour_t bottom);
/* A filled convex polygon given by N points (N <= 16). */
void ui_fill_polygon(SDL_Renderer *r, const SDL_FPoint *pts, int n, ui_colour_t c);

#endif
