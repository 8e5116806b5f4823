/*
 * theme.c - the two palettes and the font files (see theme.h).
 */
#include "theme.h"

#include <stddef.h>
#include <unistd.h>

static const ui_theme_t theme_normal = {
    .ground_top = {0x0F, 0x17, 0x33, 0xFF},
    .ground_bottom = {0x1F, 0x2E, 0x6B, 0xFF},
    .surface = {0x27, 0x38, 0x7A, 0xFF},
    .surface_pressed = {0x3A, 0x50, 0xA3, 0xFF},
    .text = {0xFF, 0xFF, 0xFF, 0xFF},
    .text_muted = {0xC3, 0xCC, 0xEE, 0xFF},
    .primary = {0xFF, 0x7A, 0x1A, 0xFF},
    .primary_text = {0x0F, 0x17, 0x33, 0xFF},
    .toggle_on = {0x2E, 0xC4, 0xB6, 0xFF},
    .toggle_on_text = {0x0F, 0x17, 0x33, 0xFF},
    .ghost = {0xFF, 0xFF, 0xFF, 0x1F},
    .ghost_text = {0xFF, 0xFF, 0xFF, 0xFF},
    .outline = {0xFF, 0xFF, 0xFF, 0x00},
    .shadow = {0x00, 0x00, 0x00, 0x50},
    .radius = 3.0f,
    .outline_width = 0.0f,
    .font_title = 7.0f,
    .font_body = 4.5f,
    .font_caption = 3.5f,
    .font_button = 4.5f,
};

static const ui_theme_t theme_contrast = {
    .ground_top = {0x00, 0x00, 0x00, 0xFF},
    .ground_bottom = {0x00, 0x00, 0x00, 0xFF},
    .surface = {0x00, 0x00, 0x00, 0xFF},
    .surface_pressed = {0x33, 0x33, 0x33, 0xFF},
    .text = {0xFF, 0xFF, 0xFF, 0xFF},
    .text_muted = {0xFF, 0xFF, 0xFF, 0xFF},
    .primary = {0xFF, 0xE0, 0x00, 0xFF},
    .primary_text = {0x00, 0x00, 0x00, 0xFF},
    .toggle_on = {0xFF, 0xE0, 0x00, 0xFF},
    .toggle_on_text = {0x00, 0x00, 0x00, 0xFF},
    .ghost = {0x00, 0x00, 0x00, 0xFF},
    .ghost_text = {0xFF, 0xFF, 0xFF, 0xFF},
    .outline = {0xFF, 0xFF, 0xFF, 0xFF},
    .shadow = {0x00, 0x00, 0x00, 0x00},
    .radius = 2.0f,
    .outline_width = 0.6f,
    .font_title = 7.5f,
    .font_body = 5.0f,
    .font_caption = 4.0f,
    .font_button = 5.0f,
};

const ui_theme_t *ui_theme_get(bool high_contrast)
{
    return high_contrast ? &theme_contrast : &theme_normal;
}

const char *ui_theme_font_path(ui_weight_t weight)
{
    /* Candidates, best first. Lato covers French completely (œ, « », ’). */
    static const char *const candidates[UI_WEIGHT_COUNT][3] = {
        {"/usr/share/fonts/truetype/lato/Lato-Medium.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", NULL},
        {"/usr/share/fonts/truetype/lato/Lato-Bold.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", NULL},
        {"/usr/share/fonts/truetype/lato/Lato-Black.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", NULL},
        {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", NULL},
    };
    if (weight < 0 || weight >= UI_WEIGHT_COUNT)
        return NULL;
    for (int i = 0; candidates[weight][i]; i++) {
        if (access(candidates[weight][i], R_OK) == 0)
            return candidates[weight][i];
    }
    return NULL;
}

ui_colour_t ui_rgb(uint32_t rgb)
{
    ui_colour_t c = {(uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb, 0xFF};
    return c;
}

ui_colour_t ui_mix(ui_colour_t a, ui_colour_t b, float t)
{
    if (t < 0.0f)
        t = 0.0f;
    if (t > 1.0f)
        t = 1.0f;
    ui_colour_t c = {
        (uint8_t)((float)a.r + ((float)b.r - (float)a.r) * t),
        (uint8_t)((float)a.g + ((float)b.g - (float)a.g) * t),
        (uint8_t)((float)a.b + ((float)b.b - (float)a.b) * t),
        (uint8_t)((float)a.a + ((float)b.a - (float)a.a) * t),
    };
    return c;
}
