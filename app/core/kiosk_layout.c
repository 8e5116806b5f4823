/*
 * kiosk_layout.c - what every screen's layout shares: texts in the visitor's
 * language, orientation, text size, buttons, the top bar and the line's
 * status pill (see kiosk_priv.h). One place, so every screen looks alike.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

const char *kiosk_text(const kiosk_t *k, const char *key)
{
    const char *t = k->opt.text ? k->opt.text(k->opt.text_ctx, k->language, key) : NULL;
    return t ? t : key; /* a missing string shows its key, never crashes */
}

int kiosk_lang_index(const kiosk_t *k)
{
    return strcmp(k->language, "en") == 0 ? 1 : 0;
}

bool kiosk_portrait(const kiosk_t *k)
{
    return k->h > k->w;
}

float kiosk_text_scale(const kiosk_t *k)
{
    return k->big_text ? 1.25f : 1.0f;
}

view_widget_t *kiosk_add_button(view_t *v, const char *id, const char *label, view_rect_t r,
                                view_style_t style, view_icon_t icon)
{
    view_widget_t *w = view_add(v, VIEW_BUTTON, id, label, r);
    if (w) {
        w->style = style;
        w->icon = icon;
    }
    return w;
}

view_widget_t *kiosk_add_text(view_t *v, const char *label, view_rect_t r, view_style_t style,
                              float font)
{
    view_widget_t *w = view_add(v, VIEW_TEXT, NULL, label, r);
    if (w) {
        w->style = style;
        w->font = font;
    }
    return w;
}

float kiosk_layout_top_bar(const kiosk_t *k, view_t *v, const char *title)
{
    float m = 4.0f, bh = 11.0f;
    kiosk_add_button(v, "back", kiosk_text(k, "nav.back"), view_rect(m, m, 26.0f, bh),
                     VIEW_STYLE_GHOST, VIEW_ICON_BACK);
    kiosk_add_text(v, title, view_rect(m + 30.0f, m, v->w - 2 * m - 60.0f, bh), VIEW_STYLE_TITLE,
                   7.0f * kiosk_text_scale(k));
    if (strcmp(v->screen, "settings") != 0)
        kiosk_add_button(v, "settings", kiosk_text(k, "settings.title"),
                         view_rect(v->w - m - 26.0f, m, 26.0f, bh), VIEW_STYLE_GHOST,
                         VIEW_ICON_SETTINGS);
    return m + bh;
}

/* The line's state in a pill: visitors see at once whether their object can
 * be made now; when the line is down, they are told the rest still works. */
void kiosk_add_line_status(const kiosk_t *k, view_t *v, view_rect_t r)
{
    const char *key;
    uint32_t colour;
    if (!k->line.online) {
        key = "line.offline";
        colour = 0x9AA5CE;
    } else if (k->line.estop) {
        key = "line.estop";
        colour = 0xE63946;
    } else if (k->line.fault) {
        key = "line.fault";
        colour = 0xFF7A1A;
    } else if (k->line.running) {
        key = "line.running";
        colour = 0x2EC4B6;
    } else {
        key = "line.stopped";
        colour = 0xFFD23F;
    }
    view_widget_t *w = view_add(v, VIEW_TEXT, "line-status", kiosk_text(k, key), r);
    if (w) {
        w->style = VIEW_STYLE_STATUS;
        w->accent = colour;
        w->font = 3.6f * kiosk_text_scale(k);
    }
}

void kiosk_add_language_buttons(const kiosk_t *k, view_t *v, view_rect_t r)
{
    float bw = (r.w - 2.0f) / 2.0f;
    kiosk_add_button(v, "lang-fr", kiosk_text(k, "lang.fr"), view_rect(r.x, r.y, bw, r.h),
                     strcmp(k->language, "fr") ? VIEW_STYLE_SECONDARY : VIEW_STYLE_TOGGLE_ON,
                     VIEW_ICON_NONE);
    kiosk_add_button(
        v, "lang-en", kiosk_text(k, "lang.en"), view_rect(r.x + bw + 2.0f, r.y, bw, r.h),
        strcmp(k->language, "en") ? VIEW_STYLE_SECONDARY : VIEW_STYLE_TOGGLE_ON, VIEW_ICON_NONE);
}
