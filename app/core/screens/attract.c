/*
 * attract.c - screen "attract": nobody is at the kiosk. A big invitation, the
 * animated line, the languages. A tap anywhere starts the visit (kiosk.c).
 */
#include "kiosk_priv.h"

#include <math.h>
#include <string.h>

static void attract_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    float w = v->w, h = v->h, m = 6.0f;
    float pulse = 0.5f + 0.5f * sinf((float)(now % 2000) / 2000.0f * 2.0f * (float)M_PI);
    float ts = kiosk_text_scale(k);
    view_widget_t *c;

    if (!kiosk_portrait(k)) {
        kiosk_add_text(v, kiosk_text(k, "app.title"), view_rect(m, 10.0f, w * 0.58f, 26.0f),
                       VIEW_STYLE_TITLE, 11.0f * ts)
            ->align = VIEW_ALIGN_LEFT;
        kiosk_add_text(v, kiosk_text(k, "app.tagline"), view_rect(m, 37.0f, w * 0.52f, 16.0f),
                       VIEW_STYLE_BODY, 5.0f * ts)
            ->align = VIEW_ALIGN_LEFT;
        c = view_add(v, VIEW_CONVEYOR, NULL, NULL, view_rect(w * 0.62f, 8.0f, w * 0.34f, 48.0f));
        c->value = (float)(now % 6000) / 6000.0f;
        c->animated = true;
        c = kiosk_add_button(v, "start", kiosk_text(k, "home.start"),
                             view_rect(m, 60.0f, w * 0.52f, 17.0f), VIEW_STYLE_PRIMARY,
                             VIEW_ICON_HAND);
        c->value = pulse;
        c->animated = true;
        c->font = 5.5f * ts;
        kiosk_add_language_buttons(k, v, view_rect(w - m - 58.0f, 82.0f, 58.0f, 11.0f));
        kiosk_add_button(v, "settings", kiosk_text(k, "settings.title"),
                         view_rect(m, 82.0f, 30.0f, 11.0f), VIEW_STYLE_GHOST, VIEW_ICON_SETTINGS);
    } else {
        kiosk_add_text(v, kiosk_text(k, "app.title"), view_rect(m, 12.0f, w - 2 * m, 30.0f),
                       VIEW_STYLE_TITLE, 11.0f * ts);
        kiosk_add_text(v, kiosk_text(k, "app.tagline"), view_rect(m, 44.0f, w - 2 * m, 18.0f),
                       VIEW_STYLE_BODY, 5.0f * ts);
        c = view_add(v, VIEW_CONVEYOR, NULL, NULL, view_rect(m, 66.0f, w - 2 * m, 52.0f));
        c->value = (float)(now % 6000) / 6000.0f;
        c->animated = true;
        c = kiosk_add_button(v, "start", kiosk_text(k, "home.start"),
                             view_rect(m, 126.0f, w - 2 * m, 20.0f), VIEW_STYLE_PRIMARY,
                             VIEW_ICON_HAND);
        c->value = pulse;
        c->animated = true;
        c->font = 5.5f * ts;
        float bw = (w - 2 * m - 8.0f) / 3.0f;
        kiosk_add_button(v, "settings", kiosk_text(k, "settings.title"),
                         view_rect(m, h - 18.0f, bw, 11.0f), VIEW_STYLE_GHOST, VIEW_ICON_SETTINGS);
        kiosk_add_language_buttons(k, v, view_rect(m + bw + 4.0f, h - 18.0f, 2 * bw + 4.0f, 11.0f));
    }
}

static bool attract_act(kiosk_t *k, const char *id, int64_t now)
{
    if (strcmp(id, "start") != 0)
        return false;
    kiosk_push(k, KIOSK_SCREEN_LANGUAGE, NULL, now);
    return true;
}

/* Back to attract (the visitor went all the way back): the visit is over. */
static void attract_enter(kiosk_t *k, bool uncovered, int64_t now)
{
    if (uncovered && k->visit.active)
        kiosk_end_visit(k, VISIT_END_FINISHED, now);
}

static bool attract_hear(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    if (ev->type == MF_EV_KEY &&
        (strcmp(ev->text, "Return") == 0 || strcmp(ev->text, "Space") == 0)) {
        kiosk_push(k, KIOSK_SCREEN_LANGUAGE, NULL, now);
        return true;
    }
    return false;
}

static int64_t attract_deadline(const kiosk_t *k, int64_t now)
{
    return now + KIOSK_ATTRACT_FRAME_MS;
}

const screen_class_t screen_attract = {
    .id = "attract",
    .enter = attract_enter,
    .layout = attract_layout,
    .act = attract_act,
    .hear = attract_hear,
    .deadline = attract_deadline,
    .animated = true,
    .no_idle = true,
};
