/*
 * order.c - screen "order": make your own phone holder, step 1, the colour.
 *
 * The colours the line can make now (blanks left in the PLC's magazines);
 * an empty magazine shows its colour as unavailable, with the reason in
 * words. When ordering is not possible at all (no engraver on this kiosk,
 * line down or stopped, queue full...) one clear sentence says why and what
 * still works; one order per visit.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

static const char *closed_key(order_closed_t c)
{
    switch (c) {
    case ORDER_CLOSED_NO_ENGRAVER:
        return "order.closed.no_engraver";
    case ORDER_CLOSED_LINE_DOWN:
        return "order.closed.line_down";
    case ORDER_CLOSED_STOPPED:
        return "order.closed.stopped";
    case ORDER_CLOSED_ESTOP:
        return "order.closed.estop";
    case ORDER_CLOSED_QUEUE_FULL:
        return "order.closed.queue_full";
    case ORDER_CLOSED_ENGRAVER:
        return "order.closed.engraver";
    case ORDER_OPEN:
        break;
    }
    return "";
}

static void order_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    (void)now;
    float m = 4.0f, ts = kiosk_text_scale(k);
    float top = kiosk_layout_top_bar(k, v, kiosk_text(k, "order.title")) + 4.0f;
    view_widget_t *w;
    if (k->visit.order.ref) {
        /* one order per visit: this visitor's is on its way */
        w = kiosk_add_text(v, kiosk_text(k, "order.already"),
                           view_rect(m, top + 6.0f, v->w - 2 * m, 20.0f), VIEW_STYLE_BODY,
                           5.5f * ts);
        if (w)
            snprintf(w->id, sizeof w->id, "order-message");
        kiosk_add_button(v, "see-tracking", kiosk_text(k, "order.see_tracking"),
                         view_rect(v->w / 2 - 40.0f, top + 32.0f, 80.0f, 16.0f), VIEW_STYLE_PRIMARY,
                         VIEW_ICON_NONE);
        return;
    }
    order_closed_t closed = order_desk_can_order(k->desk);
    if (closed != ORDER_OPEN) {
        w = kiosk_add_text(v, kiosk_text(k, closed_key(closed)),
                           view_rect(m + 6.0f, top + 6.0f, v->w - 2 * m - 12.0f, 34.0f),
                           VIEW_STYLE_BODY, 5.5f * ts);
        if (w)
            snprintf(w->id, sizeof w->id, "order-message");
        kiosk_add_button(v, "order-home", kiosk_text(k, "order.back_to_stations"),
                         view_rect(v->w / 2 - 40.0f, top + 46.0f, 80.0f, 16.0f), VIEW_STYLE_PRIMARY,
                         VIEW_ICON_NONE);
        return;
    }
    kiosk_add_text(v, kiosk_text(k, "order.choose_colour"), view_rect(m, top, v->w - 2 * m, 8.0f),
                   VIEW_STYLE_BODY, 5.0f * ts);
    top += 11.0f;
    bool portrait = kiosk_portrait(k);
    int cols = portrait ? 2 : 3;
    int rows = (MF_LINE_COLOURS + cols - 1) / cols;
    float gap = 4.0f;
    float cw = (v->w - 2 * m - (float)(cols - 1) * gap) / (float)cols;
    float ch = (v->h - top - m - (float)(rows - 1) * gap) / (float)rows;
    if (portrait && ch > cw * 0.8f)
        ch = cw * 0.8f;
    for (int c = 1; c <= MF_LINE_COLOURS; c++) {
        int i = c - 1;
        float x = m + (float)(i % cols) * (cw + gap);
        float y = top + (float)(i / cols) * (ch + gap);
        bool ok = order_desk_colour_available(k->desk, c);
        char id[VIEW_ID_MAX], label[VIEW_LABEL_MAX];
        snprintf(id, sizeof id, "colour-%s", order_colour_name(c));
        if (ok)
            snprintf(label, sizeof label, "%s", order_colour_label(k, c));
        else
            snprintf(label, sizeof label, "%s\n%s", order_colour_label(k, c),
                     kiosk_text(k, "order.colour_empty"));
        w = kiosk_add_button(v, id, label, view_rect(x, y, cw, ch),
                             ok ? VIEW_STYLE_SECONDARY : VIEW_STYLE_GHOST, VIEW_ICON_NONE);
        if (w) {
            w->accent = order_colour_rgb(c);
            w->font = (ok ? 6.0f : 4.2f) * ts;
        }
        /* a swatch of the metal's colour on the button */
        if (ok) {
            view_widget_t *sw =
                view_add(v, VIEW_PANEL, NULL, NULL, view_rect(x + 3.0f, y + 3.0f, 8.0f, ch - 6.0f));
            if (sw)
                sw->accent = order_colour_rgb(c);
        }
    }
}

static bool order_act(kiosk_t *k, const char *id, int64_t now)
{
    if (strcmp(id, "see-tracking") == 0) {
        kiosk_push(k, KIOSK_SCREEN_TRACKING, NULL, now);
        return true;
    }
    if (strcmp(id, "order-home") == 0) {
        kiosk_pop(k, now);
        return true;
    }
    if (strncmp(id, "colour-", 7) != 0 || k->visit.order.ref)
        return false;
    for (int c = 1; c <= MF_LINE_COLOURS; c++) {
        if (strcmp(id + 7, order_colour_name(c)) != 0)
            continue;
        if (order_desk_can_order(k->desk) != ORDER_OPEN || !order_desk_colour_available(k->desk, c))
            return true; /* shown as unavailable: nothing to do */
        k->visit.order.colour = c;
        kiosk_push(k, KIOSK_SCREEN_ORDER_TEXT, NULL, now);
        return true;
    }
    return false;
}

const screen_class_t screen_order = {
    .id = "order",
    .layout = order_layout,
    .act = order_act,
};
