/*
 * text.h - text for the kiosk: fonts opened once per size, words wrapped and
 * shrunk to fit their box (a text is never clipped), rendered anti-aliased
 * and cached as textures so a redraw costs one copy per text.
 */
#ifndef MF_TEXT_H
#define MF_TEXT_H

#include "theme.h"

#include <SDL.h>

typedef struct ui_text ui_text_t;

typedef enum { UI_TEXT_CENTER = 0, UI_TEXT_LEFT } ui_text_align_t;

/* NULL when SDL_ttf cannot start or no font is installed (message logged). */
ui_text_t *ui_text_create(SDL_Renderer *r);
void ui_text_destroy(ui_text_t *t);

/* Draws UTF-8 TEXT inside BOX (pixels), wrapped at spaces, starting at SIZE_PX
 * and shrinking until it fits. Vertically centred. Returns the size used, or
 * a negative mf_error code. */
int ui_text_draw(ui_text_t *t, const char *text, SDL_Rect box, int size_px, ui_weight_t weight,
                 ui_colour_t colour, ui_text_align_t align);

/* Width and height of TEXT on one line at SIZE_PX (for layout decisions). */
int ui_text_measure(ui_text_t *t, const char *text, int size_px, ui_weight_t weight, int *w,
                    int *h);

/* Drops every cached texture (after a theme or size change, or to bound memory). */
void ui_text_flush(ui_text_t *t);

/* The caches: fonts open by (file, pixel size), and fitted texts as
 * textures, both bounded and least-recently-used first out. */
typedef struct {
    uint64_t font_opens;   /* TTF_OpenFont calls */
    uint64_t font_reopens; /* ...of a (weight, size) opened before and evicted */
    uint64_t renders;      /* texts laid out and rasterised (cache misses) */
    size_t fonts, max_fonts;
    size_t textures, bytes, max_textures, max_bytes;
} ui_text_stats_t;

void ui_text_stats(const ui_text_t *t, ui_text_stats_t *out);

#endif
