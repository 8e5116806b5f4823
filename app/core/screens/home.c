/*
 * home.c - screen "home": the line map. The stations as cards, the line's
 * state in a pill. A card opens its station's page ("station-<id>").
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

static void home_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    float m = 4.0f;
    float ts = kiosk_text_scale(k);
    int li = kiosk_lang_index(k);
    float top = kiosk_layout_top_bar(k, v, kiosk_text(k, "home.choose_station")) + 4.0f;
    float bottom = kiosk_content_bottom(k, v);
    if (!k->line_known) {
        kiosk_add_text(v, kiosk_text(k, "home.subtitle"), view_rect(m, top, v->w - 2 * m, 7.0f),
                       VIEW_STYLE_CAPTION, 4.0f * ts);
    } else if (kiosk_portrait(k)) {
        kiosk_add_text(v, kiosk_text(k, "home.subtitle"), view_rect(m, top, v->w - 2 * m, 7.0f),
                       VIEW_STYLE_CAPTION, 4.0f * ts);
        top += 8.0f;
        kiosk_add_line_status(k, v, view_rect(m, top, v->w - 2 * m, 7.0f));
    } else {
        float sw = v->w * 0.42f;
        kiosk_add_text(v, kiosk_text(k, "home.subtitle"),
                       view_rect(m, top, v->w - 2 * m - sw - 2.0f, 7.0f), VIEW_STYLE_CAPTION,
                       4.0f * ts)
            ->align = VIEW_ALIGN_LEFT;
        kiosk_add_line_status(k, v, view_rect(v->w - m - sw, top, sw, 7.0f));
    }
    top += 9.0f;
    /* make your own phone holder (screens/order.c) */
    view_widget_t *own =
        kiosk_add_button(v, "make-own", kiosk_text(k, "order.make_own"),
                         view_rect(kiosk_portrait(k) ? m : v->w * 0.25f, top,
                                   kiosk_portrait(k) ? v->w - 2 * m : v->w * 0.5f, 11.0f),
                         VIEW_STYLE_PRIMARY, VIEW_ICON_NONE);
    if (own)
        own->font = 4.6f * ts;
    top += 14.0f;
    if (k->station_count == 0)
        return;
    int cols = kiosk_portrait(k) ? 2 : (k->station_count > 8 ? 5 : 4);
    int rows = (k->station_count + cols - 1) / cols;
    float gap = 3.0f;
    float cw = (v->w - 2 * m - (float)(cols - 1) * gap) / (float)cols;
    float ch = (bottom - top - (float)(rows - 1) * gap) / (float)rows;
    if (ch > cw)
        ch = cw;
    for (int i = 0; i < k->station_count; i++) {
        const kiosk_station_t *s = &k->stations[i];
        float x = m + (float)(i % cols) * (cw + gap);
        float y = top + (float)(i / cols) * (ch + gap);
        char id[VIEW_ID_MAX];
        snprintf(id, sizeof id, "station-%s", s->id);
        view_widget_t *card = kiosk_add_button(v, id, s->title[li], view_rect(x, y, cw, ch),
                                               VIEW_STYLE_CARD, VIEW_ICON_NONE);
        if (!card)
            break;
        card->accent = s->colour;
        card->font = 4.2f * ts;
        snprintf(card->path, sizeof card->path, "%s", s->picture);
        card->value = (float)s->line_number;
    }
}

static bool home_act(kiosk_t *k, const char *id, int64_t now)
{
    if (strcmp(id, "make-own") == 0) {
        kiosk_push(k, KIOSK_SCREEN_ORDER, NULL, now);
        return true;
    }
    return false;
}

const screen_class_t screen_home = {
    .id = "home",
    .layout = home_layout,
    .act = home_act,
};
