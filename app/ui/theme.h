/*
 * theme.h - minifab's visual identity in one place: palette, type scale,
 * spacing and shapes, in a normal and a high-contrast variant.
 *
 * Sizes are in layout units (the screen's shorter side is 100 units, see
 * app/core/view.h). Colours were chosen for a bright truck interior and
 * 13-year-olds: a deep navy ground, safety orange for the one thing to do,
 * teal for what is switched on. Body text on the ground keeps a contrast
 * ratio above 7:1; the high-contrast variant is black, white and yellow.
 */
#ifndef MF_THEME_H
#define MF_THEME_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint8_t r, g, b, a;
} ui_colour_t;

typedef enum {
    UI_WEIGHT_REGULAR = 0,
    UI_WEIGHT_BOLD,
    UI_WEIGHT_BLACK,
    UI_WEIGHT_SYMBOL,
    UI_WEIGHT_COUNT
} ui_weight_t;

typedef struct {
    ui_colour_t ground_top, ground_bottom; /* screen background gradient */
    ui_colour_t surface, surface_pressed;  /* cards and secondary buttons */
    ui_colour_t text, text_muted;
    ui_colour_t primary, primary_text;     /* the main action */
    ui_colour_t toggle_on, toggle_on_text; /* selected / switched on */
    ui_colour_t ghost, ghost_text;         /* small corner actions */
    ui_colour_t outline;                   /* borders (high contrast) */
    ui_colour_t shadow;
    float radius;        /* corner radius of cards and buttons */
    float outline_width; /* 0 = none */
    float font_title, font_body, font_caption, font_button;
} ui_theme_t;

const ui_theme_t *ui_theme_get(bool high_contrast);

/* Font files for each weight (Lato from fonts-lato; symbols from DejaVu Sans).
 * Returns a path that exists, or NULL when no usable font is installed. */
const char *ui_theme_font_path(ui_weight_t weight);

/* 0xRRGGBB to a colour. */
ui_colour_t ui_rgb(uint32_t rgb);
/* Mix of a and b, t in 0..1. */
ui_colour_t ui_mix(ui_colour_t a, ui_colour_t b, float t);

#endif
