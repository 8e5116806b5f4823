/*
 * thanks.c - screen "thanks": the end of a visit. Thanks, and a QR code to
 * the job sheets of the trades the visitor looked at (kiosk_visit_qr_url:
 * one trade, its sheet; several, the configured base address with their
 * ids). "Finish", or nobody touches it for KIOSK_THANKS_MS: the visit ends
 * and the kiosk is ready for the next visitor.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

static void thanks_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    float top = kiosk_layout_top_bar(k, v, kiosk_text(k, "survey.thanks"));
    float m = 6.0f, ts = kiosk_text_scale(k);
    float bottom = kiosk_content_bottom(k, v);
    char url[VIEW_LABEL_MAX];
    kiosk_visit_qr_url(k, url, sizeof url);
    bool port = kiosk_portrait(k);
    float finish_h = 17.0f;
    view_rect_t text_r, qr_r;
    if (port) {
        float q = v->w * 0.62f;
        text_r = view_rect(m, top + 2.0f, v->w - 2 * m, v->h / 3.0f - top - 2.0f);
        qr_r = view_rect((v->w - q) / 2.0f, v->h / 3.0f + 2.0f, q, q);
    } else {
        float q = bottom - top - finish_h - 10.0f;
        qr_r = view_rect(v->w - m - q, top + 3.0f, q, q);
        text_r = view_rect(m, top + 3.0f, v->w - 3 * m - q, q * 0.7f);
    }
    /* the trades looked at, by name, and what the code is for */
    char names[VIEW_LABEL_MAX / 2] = "";
    for (int i = 0; k->pack && i < k->visit.trade_count; i++) {
        const content_trade_t *t = content_trade_find(k->pack, k->visit.trades[i]);
        if (!t)
            continue;
        strncat(names, names[0] ? "\n" : "", sizeof names - strlen(names) - 1);
        strncat(names, content_text(k->pack, k->language, &t->name),
                sizeof names - strlen(names) - 1);
    }
    char body[VIEW_LABEL_MAX];
    if (url[0]) {
        snprintf(body, sizeof body, "%.200s\n\n%s", kiosk_text(k, "thanks.scan"), names);
    } else {
        snprintf(body, sizeof body, "%s", kiosk_text(k, "thanks.no_trade"));
        text_r.w = v->w - 2 * m; /* no code: the words take the room */
    }
    view_widget_t *w = kiosk_add_text(v, body, text_r, VIEW_STYLE_BODY, 5.0f * ts);
    if (w) {
        w->align = VIEW_ALIGN_LEFT;
        snprintf(w->id, sizeof w->id, "thanks-text");
    }
    if (url[0]) {
        w = view_add(v, VIEW_QR, "qr", url, qr_r);
        if (w)
            w->accent = 0x000000;
    }
    kiosk_add_button(v, "finish", kiosk_text(k, "thanks.finish"),
                     view_rect(m, bottom - finish_h, port ? v->w - 2 * m : v->w * 0.45f, finish_h),
                     VIEW_STYLE_PRIMARY, VIEW_ICON_CHECK)
        ->font = 5.5f * ts;
}

static bool thanks_act(kiosk_t *k, const char *id, int64_t now)
{
    if (strcmp(id, "finish") != 0 && strcmp(id, "back") != 0)
        return false;
    kiosk_end_visit(k, VISIT_END_FINISHED, now);
    return true;
}

static bool thanks_hear(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    if (ev->type == MF_EV_TICK && now - kiosk_entered(k) >= KIOSK_THANKS_MS &&
        now - k->last_input >= KIOSK_THANKS_MS) {
        kiosk_end_visit(k, VISIT_END_FINISHED, now);
        return true;
    }
    return false;
}

static int64_t thanks_deadline(const kiosk_t *k, int64_t now)
{
    int64_t a = kiosk_entered(k), b = k->last_input;
    return (a > b ? a : b) + KIOSK_THANKS_MS;
}

const screen_class_t screen_thanks = {
    .id = "thanks",
    .layout = thanks_layout,
    .act = thanks_act,
    .hear = thanks_hear,
    .deadline = thanks_deadline,
    .no_idle = true,
    .no_done = true,
};
