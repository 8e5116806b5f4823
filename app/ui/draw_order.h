/*
 * draw_order.h - the widgets of "make your own" (app/ui): the engraving on
 * its plate (VIEW_STROKES: the preview as the visitor types, the laser's
 * path drawn live during tracking) and the line with the moving piece
 * (VIEW_LINE_MAP). Called from render.c's switch; SDL only here and there.
 */
#ifndef MF_DRAW_ORDER_H
#define MF_DRAW_ORDER_H

#include "draw.h"
#include "theme.h"
#include "view.h"

#include <SDL.h>
#include <stdbool.h>

/* W in pixels RC; PX pixels per layout unit. */
void ui_draw_strokes(ui_draw_t *d, const ui_theme_t *th, const view_widget_t *w, ui_frect_t rc,
                     float px);
void ui_draw_line_map(ui_draw_t *d, const ui_theme_t *th, const view_widget_t *w, ui_frect_t rc,
                      float px);

#endif
