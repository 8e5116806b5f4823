/*
 * order_confirm.c - screen "order-confirm": make your own, step 3. The piece
 * as it will be (colour and engraving), one big "go", and "change". On "go"
 * the order goes to the order desk (order.h), which sends it to the PLC
 * through the line driver; the tracking screen follows it. The visitor's
 * typed text and preview are wiped here: the desk keeps its own copy in
 * memory until the piece is made.
 */
#include "kiosk_priv.h"

#include "mf_error.h"

#include <stdio.h>
#include <string.h>

static void confirm_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    (void)now;
    const order_visit_t *o = &k->visit.order;
    float m = 4.0f, ts = kiosk_text_scale(k);
    float top = kiosk_layout_top_bar(k, v, kiosk_text(k, "order.confirm_title")) + 4.0f;
    bool portrait = kiosk_portrait(k);
    float plate_h = portrait ? 45.0f : 40.0f;
    order_add_plate(v, "preview", &o->preview,
                    view_rect(m + 10.0f, top, v->w - 2 * m - 20.0f, plate_h), o->colour, -1.0f);
    top += plate_h + 3.0f;
    char line[VIEW_LABEL_MAX];
    const char *text = keyboard_text(&o->kb);
    if (text[0])
        snprintf(line, sizeof line, "%s · « %s »", order_colour_label(k, o->colour), text);
    else
        snprintf(line, sizeof line, "%s · %s", order_colour_label(k, o->colour),
                 kiosk_text(k, "order.plain"));
    view_widget_t *w =
        kiosk_add_text(v, line, view_rect(m, top, v->w - 2 * m, 9.0f), VIEW_STYLE_BODY, 5.0f * ts);
    if (w)
        snprintf(w->id, sizeof w->id, "summary");
    top += 10.0f;
    if (o->place_error || order_desk_can_order(k->desk) != ORDER_OPEN) {
        w = kiosk_add_text(v, kiosk_text(k, "order.cannot_now"),
                           view_rect(m, top, v->w - 2 * m, 8.0f), VIEW_STYLE_CAPTION, 4.0f * ts);
        if (w)
            snprintf(w->id, sizeof w->id, "order-message");
    }
    float bh = 16.0f, bw = portrait ? (v->w - 2 * m - 4.0f) / 2.0f : 60.0f;
    float by = v->h - kiosk_layout_bottom(k) - m - bh;
    kiosk_add_button(v, "change", kiosk_text(k, "order.change"),
                     view_rect(v->w / 2.0f - bw - 2.0f, by, bw, bh), VIEW_STYLE_SECONDARY,
                     VIEW_ICON_BACK);
    w = kiosk_add_button(v, "confirm", kiosk_text(k, "order.confirm"),
                         view_rect(v->w / 2.0f + 2.0f, by, bw, bh), VIEW_STYLE_PRIMARY,
                         VIEW_ICON_CHECK);
    if (w)
        w->font = 5.0f * ts;
}

static bool confirm_act(kiosk_t *k, const char *id, int64_t now)
{
    order_visit_t *o = &k->visit.order;
    if (strcmp(id, "change") == 0) {
        kiosk_pop(k, now);
        return true;
    }
    if (strcmp(id, "confirm") != 0)
        return false;
    if (o->ref || order_desk_can_order(k->desk) != ORDER_OPEN) {
        o->place_error = MF_EBUSY;
        return true;
    }
    int ref = order_desk_place(k->desk, k->visit.number, o->colour, keyboard_text(&o->kb),
                               &o->preview, now);
    if (ref < 0) {
        o->place_error = ref;
        return true;
    }
    o->ref = (uint32_t)ref;
    o->place_error = 0;
    /* the desk has the text now; the visit keeps no copy */
    keyboard_wipe(&o->kb);
    order_wipe(&o->preview, sizeof o->preview);
    o->typing = false;
    /* the order steps are done: tracking alone on the stack, its "back"
     * goes to the line map (tracking.c) */
    kiosk_reset_to(k, KIOSK_SCREEN_TRACKING, NULL, now);
    return true;
}

const screen_class_t screen_order_confirm = {
    .id = "order-confirm",
    .layout = confirm_layout,
    .act = confirm_act,
};
