/*
 * attract.c - screen "attract": nobody is at the kiosk. A big invitation, the
 * animated line, the languages. A tap anywhere starts the visit (kiosk.c).
 */
#include "kiosk_priv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The line drawn live in R: the belt and the press (animated), and the
 * pieces where the PLC says they are, each bobbing a little while its
 * station works (never a canned motion). */
static void attract_line(const kiosk_t *k, view_t *v, view_rect_t r, int64_t now)
{
    view_widget_t *c = view_add(v, VIEW_CONVEYOR, NULL, NULL, r);
    if (!c)
        return;
    c->style = VIEW_STYLE_STATUS;
    c->value = (float)(now % 6000) / 6000.0f;
    c->animated = true;
    if (!k->line_known || !k->line.online)
        return;
    for (int i = 0; i < MF_LINE_STATIONS; i++) {
        const mf_line_station_t *ls = &k->line.stations[i];
        if (!ls->piece)
            continue;
        float pw = r.w * 0.1f, ph = r.h * 0.2f;
        float bob = ls->state == MF_STATION_WORKING
                        ? 0.6f * sinf((float)(now % 1000) / 1000.0f * 2.0f * (float)M_PI)
                        : 0.0f;
        float x = r.x + r.w * (0.05f + 0.9f * ((float)i + 0.5f) / (float)MF_LINE_STATIONS) - pw / 2;
        view_widget_t *p =
            view_add(v, VIEW_PIECE, NULL, NULL, view_rect(x, r.y + r.h * 0.70f - ph + bob, pw, ph));
        if (p) {
            p->accent = kiosk_piece_colour(ls->colour);
            p->value = i + MF_LINE_FIRST_STATION > 3 ? 1.0f : 0.0f; /* bent after the press */
            p->animated = true;
        }
    }
}

/* One trade at a time, KIOSK_HIGHLIGHT_MS each: its picture, its name and
 * the first sentence of its day, in R. */
static void attract_highlight(const kiosk_t *k, view_t *v, view_rect_t r, int64_t now)
{
    size_t n = k->pack ? content_trade_count(k->pack) : 0;
    if (n == 0)
        return;
    const content_trade_t *t = content_trade(k->pack, (size_t)(now / KIOSK_HIGHLIGHT_MS) % n);
    float ts = kiosk_text_scale(k);
    view_widget_t *w = view_add(v, VIEW_PANEL, "highlight", NULL, r);
    (void)w;
    float pw = r.h * 16.0f / 9.0f * 0.8f;
    if (pw > r.w * 0.45f)
        pw = r.w * 0.45f;
    w = view_add(v, VIEW_IMAGE, NULL, NULL, view_rect(r.x + 2.0f, r.y + 2.0f, pw, r.h - 4.0f));
    if (w)
        snprintf(w->path, sizeof w->path, "%s", t->poster ? t->poster : "");
    float tx = r.x + pw + 4.0f, tw = r.w - pw - 6.0f;
    w = kiosk_add_text(v, content_text(k->pack, k->language, &t->name),
                       view_rect(tx, r.y + 2.0f, tw, r.h * 0.34f), VIEW_STYLE_TITLE, 5.0f * ts);
    if (w) {
        w->align = VIEW_ALIGN_LEFT;
        snprintf(w->id, sizeof w->id, "highlight-name");
    }
    /* the first sentence of "a day at work" */
    char one[VIEW_LABEL_MAX];
    snprintf(one, sizeof one, "%s", content_text(k->pack, k->language, &t->day));
    char *dot = strchr(one, '.');
    while (dot && dot[1] && dot[1] != ' ')
        dot = strchr(dot + 1, '.');
    if (dot)
        dot[1] = '\0';
    w = kiosk_add_text(v, one, view_rect(tx, r.y + 2.0f + r.h * 0.34f, tw, r.h * 0.66f - 4.0f),
                       VIEW_STYLE_BODY, 3.6f * ts);
    if (w)
        w->align = VIEW_ALIGN_LEFT;
}

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
        attract_line(k, v, view_rect(w * 0.60f, 6.0f, w * 0.36f, 36.0f), now);
        attract_highlight(k, v, view_rect(w * 0.60f, 45.0f, w * 0.36f, 34.0f), now);
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
        kiosk_add_text(v, kiosk_text(k, "app.title"), view_rect(m, 8.0f, w - 2 * m, 22.0f),
                       VIEW_STYLE_TITLE, 11.0f * ts);
        kiosk_add_text(v, kiosk_text(k, "app.tagline"), view_rect(m, 31.0f, w - 2 * m, 14.0f),
                       VIEW_STYLE_BODY, 5.0f * ts);
        attract_line(k, v, view_rect(m, 46.0f, w - 2 * m, 38.0f), now);
        attract_highlight(k, v, view_rect(m, 86.0f, w - 2 * m, 32.0f), now);
        c = kiosk_add_button(v, "start", kiosk_text(k, "home.start"),
                             view_rect(m, 124.0f, w - 2 * m, 20.0f), VIEW_STYLE_PRIMARY,
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
