/*
 * draw_qr.h - a QR code drawn with SDL (libqrencode makes the modules).
 * Used by the renderer for VIEW_QR widgets (the thanks screen's link to the
 * job sheets).
 */
#ifndef MF_DRAW_QR_H
#define MF_DRAW_QR_H

#include "draw.h"

#include <SDL.h>

/* Draws TEXT as a QR code (error correction M) centred in RECT: dark modules
 * on a white square with the standard four-module quiet zone, each module a
 * whole number of pixels so phone cameras read it. Returns 0, or MF_EINVAL
 * when TEXT is too long for a QR code (nothing drawn but the square). */
int ui_draw_qr(SDL_Renderer *r, const char *text, ui_frect_t rect);

#endif
