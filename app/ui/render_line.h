/*
 * render_line.h - the journey's own widgets, apart from render.c (which
 * calls these through small hooks): the glyphs of the line's state icons and
 * of the quiz, and a piece on its pallet as the live line map draws it.
 */
#ifndef MF_RENDER_LINE_H
#define MF_RENDER_LINE_H

#include "draw.h"
#include "theme.h"
#include "view.h"

#include <SDL.h>

/* The DejaVu glyph of one of the journey's icons (VIEW_ICON_WORKING and
 * after), or NULL for any other. */
const char *ui_line_glyph(view_icon_t icon);

/* Draws a VIEW_PIECE: a pallet and its blank in W's accent colour, flat
 * (value < 0.5) or bent into a phone holder, inside RC (pixels). */
void ui_draw_piece(ui_draw_t *r, const ui_theme_t *th, ui_frect_t rc, const view_widget_t *w);

#endif
