/*
 * order_text.c - screen "order-text": make your own, step 2, the text.
 *
 * An on-screen keyboard (keyboard.h) with large keys and the French accents
 * one tap away, the length limit from the configuration, and a live preview
 * of the engraving: the strokes the laser will follow, on the shape of the
 * piece in its colour, redrawn with every key. A word that is not engraved
 * gets a kind refusal that does not repeat it; an empty text is fine (a
 * plain holder). A physical keyboard types too.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

static void text_enter(kiosk_t *k, bool uncovered, int64_t now)
{
    (void)uncovered;
    (void)now;
    order_visit_t *o = &k->visit.order;
    if (!o->typing) {
        int max = k->opt.engrave_max_chars > 0 ? k->opt.engrave_max_chars : 20;
        keyboard_init(&o->kb, "kb-", max,
                      strcmp(k->language, "en") == 0 ? KEYBOARD_QWERTY : KEYBOARD_AZERTY);
        o->typing = true;
        order_update_preview(k);
    }
}

static const char *verdict_key(order_text_verdict_t v)
{
    switch (v) {
    case ORDER_TEXT_EMPTY:
        return "order.text_empty";
    case ORDER_TEXT_BAD_CHAR:
        return "order.text_bad_char";
    case ORDER_TEXT_TOO_LONG:
        return "order.text_too_long";
    case ORDER_TEXT_BLOCKED:
        return "order.text_blocked";
    case ORDER_TEXT_OK:
        break;
    }
    return "order.text_ok";
}

static bool text_acceptable(const order_visit_t *o)
{
    return o->verdict == ORDER_TEXT_OK || o->verdict == ORDER_TEXT_EMPTY;
}

static void text_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    (void)now;
    const order_visit_t *o = &k->visit.order;
    float m = 4.0f, ts = kiosk_text_scale(k);
    float top = kiosk_layout_top_bar(k, v, kiosk_text(k, "order.text_title")) + 2.0f;
    bool portrait = kiosk_portrait(k);
    /* landscape: preview and text on the left, keyboard below across;
     * portrait: preview, text, message, then the keyboard at thumb height */
    float bottom = v->h - kiosk_layout_bottom(k); /* portrait: above back / settings */
    float kb_h = portrait ? v->h * 0.34f : v->h * 0.46f;
    view_rect_t kb = view_rect(m, bottom - m - kb_h, v->w - 2 * m, kb_h);
    float area_h = kb.y - top - 2.0f;
    float next_w = portrait ? v->w - 2 * m : 44.0f;
    float left_w = portrait ? v->w - 2 * m : v->w - 2 * m - next_w - 4.0f;
    float plate_h = portrait ? area_h * 0.45f : area_h * 0.62f;
    /* What a key press changes is drawn over the screen's still picture (as
     * animated widgets): the keyboard is not redrawn for every letter. */
    view_widget_t *w = order_add_plate(v, "preview", &o->preview,
                                       view_rect(m, top, left_w, plate_h), o->colour, -1.0f);
    if (w)
        w->animated = true;
    char field[VIEW_LABEL_MAX];
    snprintf(field, sizeof field, "%s|", keyboard_text(&o->kb));
    float y = top + plate_h + 1.0f;
    float fh = portrait ? area_h * 0.14f : area_h * 0.2f;
    w = kiosk_add_text(v, field, view_rect(m, y, left_w * 0.78f, fh), VIEW_STYLE_BODY, 5.0f * ts);
    if (w) {
        snprintf(w->id, sizeof w->id, "typed");
        w->align = VIEW_ALIGN_LEFT;
        w->animated = true;
    }
    char count[32];
    snprintf(count, sizeof count, "%d / %d", keyboard_length(&o->kb), o->kb.max_chars);
    w = kiosk_add_text(v, count, view_rect(m + left_w * 0.8f, y, left_w * 0.2f, fh),
                       VIEW_STYLE_CAPTION, 3.6f * ts);
    if (w)
        w->animated = true;
    y += fh;
    w = kiosk_add_text(v, kiosk_text(k, verdict_key(o->verdict)),
                       view_rect(m, y, left_w, area_h - plate_h - fh - 1.0f), VIEW_STYLE_CAPTION,
                       3.6f * ts);
    if (w) {
        snprintf(w->id, sizeof w->id, "text-message");
        w->align = VIEW_ALIGN_LEFT;
        w->animated = true;
    }
    view_rect_t nr = portrait ? view_rect(m, kb.y - 13.0f, next_w, 11.0f)
                              : view_rect(v->w - m - next_w, top + area_h - 16.0f, next_w, 16.0f);
    if (portrait) {
        /* the message shares the row above the keyboard with "next" */
        if (w)
            w->rect.h -= 13.0f;
    }
    w = kiosk_add_button(
        v, "text-next", kiosk_text(k, keyboard_text(&o->kb)[0] ? "order.next" : "order.next_plain"),
        nr, text_acceptable(o) ? VIEW_STYLE_PRIMARY : VIEW_STYLE_GHOST, VIEW_ICON_NONE);
    if (w) {
        w->font = 4.5f * ts;
        w->animated = true;
    }
    static const char *const keys[6] = {"order.kb_space",  "order.kb_delete",  "order.kb_accents",
                                        "order.kb_digits", "order.kb_letters", "order.kb_shift"};
    const char *labels[6];
    for (int i = 0; i < 6; i++)
        labels[i] = kiosk_text(k, keys[i]);
    /* a key's label fits its key: the widest letters (m, w) as big as the rest */
    float kw = (kb.w - 9.0f * kb.h * 0.03f) / 10.0f;
    float kfont = (portrait ? 0.5f : 0.45f) * kw;
    if (kfont > 5.0f * ts)
        kfont = 5.0f * ts;
    keyboard_view(&o->kb, v, kb, kfont, labels);
}

static void text_next(kiosk_t *k, int64_t now)
{
    if (text_acceptable(&k->visit.order))
        kiosk_push(k, KIOSK_SCREEN_ORDER_CONFIRM, NULL, now);
}

static bool text_act(kiosk_t *k, const char *id, int64_t now)
{
    order_visit_t *o = &k->visit.order;
    if (strcmp(id, "text-next") == 0) {
        text_next(k, now);
        return true;
    }
    bool changed = false;
    if (!keyboard_press(&o->kb, id, &changed))
        return false;
    if (changed)
        order_update_preview(k);
    return true;
}

/* A physical keyboard (staff testing, a kiosk with keys) types too. */
static bool text_hear(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    order_visit_t *o = &k->visit.order;
    if (ev->type == MF_EV_TEXT) {
        if (keyboard_insert(&o->kb, ev->text))
            order_update_preview(k);
        return true;
    }
    if (ev->type == MF_EV_KEY) {
        if (strcmp(ev->text, "Backspace") == 0) {
            if (keyboard_delete(&o->kb))
                order_update_preview(k);
            return true;
        }
        if (strcmp(ev->text, "Return") == 0) {
            text_next(k, now);
            return true;
        }
    }
    return false;
}

const screen_class_t screen_order_text = {
    .id = "order-text",
    .enter = text_enter,
    .layout = text_layout,
    .act = text_act,
    .hear = text_hear,
};
