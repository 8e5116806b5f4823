/*
 * settings.c - screen "settings": language, high contrast, bigger text. The
 * toggles themselves are shared ids handled by kiosk.c (they also appear on
 * the attract screen), so this file only lays them out.
 */
#include "kiosk_priv.h"

static void settings_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    float m = 4.0f, top = kiosk_portrait(k) ? kiosk_reach_top(k, v) + 2.0f : 22.0f;
    float ts = kiosk_text_scale(k);
    float cw = kiosk_portrait(k) ? v->w - 2 * m : 110.0f;
    float x = (v->w - cw) / 2.0f;
    float lw = cw * 0.5f, bw = cw * 0.5f - 2.0f, rh = 14.0f, gap = 5.0f;
    kiosk_layout_top_bar(k, v, kiosk_text(k, "settings.title"));

    kiosk_add_text(v, kiosk_text(k, "settings.language"), view_rect(x, top, lw, rh),
                   VIEW_STYLE_BODY, 5.0f * ts)
        ->align = VIEW_ALIGN_LEFT;
    kiosk_add_language_buttons(k, v, view_rect(x + lw, top, bw, rh));
    top += rh + gap;
    kiosk_add_text(v, kiosk_text(k, "settings.contrast"), view_rect(x, top, lw, rh),
                   VIEW_STYLE_BODY, 5.0f * ts)
        ->align = VIEW_ALIGN_LEFT;
    kiosk_add_button(
        v, "contrast", kiosk_text(k, k->high_contrast ? "settings.on" : "settings.off"),
        view_rect(x + lw, top, bw, rh),
        k->high_contrast ? VIEW_STYLE_TOGGLE_ON : VIEW_STYLE_SECONDARY, VIEW_ICON_CONTRAST);
    top += rh + gap;
    kiosk_add_text(v, kiosk_text(k, "settings.bigtext"), view_rect(x, top, lw, rh), VIEW_STYLE_BODY,
                   5.0f * ts)
        ->align = VIEW_ALIGN_LEFT;
    kiosk_add_button(v, "bigtext", kiosk_text(k, k->big_text ? "settings.on" : "settings.off"),
                     view_rect(x + lw, top, bw, rh),
                     k->big_text ? VIEW_STYLE_TOGGLE_ON : VIEW_STYLE_SECONDARY,
                     VIEW_ICON_TEXT_SIZE);
}

const screen_class_t screen_settings = {
    .id = "settings",
    .layout = settings_layout,
};
