/*
 * home.c - screen "home": the line map. The seven line stations in line
 * order, the exhibit corners beside them; on each line station its live
 * state (icon and word, never colour alone) and the piece on it, from the
 * PLC's snapshot; a banner when the line is stopped, faulted or unreachable
 * (the visit goes on). A card opens its station's page ("station-<id>").
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

/* The place of the "make your own" entry (branch `order` wires a primary
 * button with id "order" here); until the order screens exist nothing is
 * shown, so the visitor never meets a dead button. */
static void home_order_entry(const kiosk_t *k, view_t *v, view_rect_t r)
{
    (void)k;
    (void)v;
    (void)r;
}

/* The state pill and the piece of one line station over its card C. */
static void home_card_state(const kiosk_t *k, view_t *v, const kiosk_station_t *s, view_rect_t c,
                            float font)
{
    const content_station_t *st = kiosk_find_station(k, s->id);
    const mf_line_station_t *ls = kiosk_line_station(k, st);
    if (!k->line_known || s->line_number < MF_LINE_FIRST_STATION)
        return; /* the order desk is the kiosk itself: no machine state */
    char id[VIEW_ID_MAX];
    snprintf(id, sizeof id, "state-%s", s->id);
    float ph = font * 1.7f;
    kiosk_add_state(k, v, id, kiosk_text(k, kiosk_station_state_key(k, ls)),
                    kiosk_station_state_icon(k, ls), kiosk_station_state_colour(k, ls),
                    view_rect(c.x + 1.0f, c.y + c.h * 0.62f - ph - 0.8f, c.w - 2.0f, ph), font);
    if (ls && ls->piece && k->line.online) {
        float pw = c.h * 0.24f;
        view_widget_t *p = view_add(v, VIEW_PIECE, NULL, NULL,
                                    view_rect(c.x + c.w - pw - 1.5f, c.y + 1.5f, pw, pw * 0.8f));
        if (p) {
            snprintf(p->id, sizeof p->id, "piece-%s", s->id);
            p->accent = kiosk_piece_colour(ls->colour);
            p->value = s->line_number > 3 ? 1.0f : 0.0f; /* bent after the press */
        }
    }
}

static view_widget_t *home_card(const kiosk_t *k, view_t *v, const kiosk_station_t *s,
                                view_rect_t r, float font)
{
    char id[VIEW_ID_MAX];
    snprintf(id, sizeof id, "station-%s", s->id);
    view_widget_t *card =
        kiosk_add_button(v, id, s->title[kiosk_lang_index(k)], r, VIEW_STYLE_CARD, VIEW_ICON_NONE);
    if (!card)
        return NULL;
    card->accent = s->colour;
    card->font = font;
    snprintf(card->path, sizeof card->path, "%s", s->picture);
    card->value = (float)s->line_number;
    return card;
}

/* Portrait: the stations as cards in two columns, in the lower two thirds. */
static void home_grid(const kiosk_t *k, view_t *v, float top, float bottom)
{
    float m = 4.0f, gap = 2.0f, ts = kiosk_text_scale(k);
    int rows = (k->station_count + 1) / 2;
    float cw = (v->w - 2 * m - gap) / 2.0f;
    float ch = (bottom - top - (float)(rows - 1) * gap) / (float)rows;
    for (int i = 0; i < k->station_count; i++) {
        const kiosk_station_t *s = &k->stations[i];
        view_rect_t r =
            view_rect(m + (float)(i % 2) * (cw + gap), top + (float)(i / 2) * (ch + gap), cw, ch);
        if (!home_card(k, v, s, r, 3.4f * ts))
            return;
        home_card_state(k, v, s, r, 2.6f * ts);
    }
}

/* Portrait's upper third: the line drawn live, seen from afar. */
static void home_line_picture(const kiosk_t *k, view_t *v, view_rect_t r, int64_t now)
{
    view_widget_t *c = view_add(v, VIEW_CONVEYOR, NULL, NULL, r);
    if (!c)
        return;
    c->style = VIEW_STYLE_STATUS; /* live: the pieces are drawn from the snapshot */
    c->value = 0.0f;
    if (!k->line_known || !k->line.online)
        return;
    for (int i = 0; i < MF_LINE_STATIONS; i++) {
        const mf_line_station_t *ls = &k->line.stations[i];
        if (!ls->piece)
            continue;
        float pw = r.w * 0.1f, ph = r.h * 0.2f;
        float x = r.x + r.w * (0.05f + 0.9f * ((float)i + 0.5f) / (float)MF_LINE_STATIONS) - pw / 2;
        view_widget_t *p =
            view_add(v, VIEW_PIECE, NULL, NULL, view_rect(x, r.y + r.h * 0.70f - ph, pw, ph));
        if (p) {
            p->accent = kiosk_piece_colour(ls->colour);
            p->value = i + MF_LINE_FIRST_STATION > 3 ? 1.0f : 0.0f;
        }
    }
    (void)now;
}

static void home_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    float m = 4.0f, top = 19.0f;
    float ts = kiosk_text_scale(k);
    kiosk_layout_top_bar(k, v, kiosk_text(k, "home.choose_station"));
    bool banner =
        k->line_known && (!k->line.online || !k->line.running || k->line.fault || k->line.estop);
    if (kiosk_portrait(k)) {
        kiosk_add_text(v, kiosk_text(k, "home.subtitle"), view_rect(m, top, v->w - 2 * m, 9.0f),
                       VIEW_STYLE_CAPTION, 4.0f * ts);
        top += 10.0f;
        if (k->line_known) {
            kiosk_add_line_status(k, v, view_rect(m, top, v->w - 2 * m, 8.0f));
            top += 9.0f;
        }
        float reach = kiosk_reach_top(k, v);
        home_line_picture(k, v, view_rect(m, top, v->w - 2 * m, reach - top - 1.0f), now);
        home_grid(k, v, reach + 1.0f, v->h - kiosk_layout_bottom(k));
        home_order_entry(k, v, view_rect(0, 0, 0, 0));
        return;
    }
    float sw = banner ? v->w * 0.55f : v->w * 0.42f;
    kiosk_add_text(v, kiosk_text(k, "home.subtitle"),
                   view_rect(m, top, k->line_known ? v->w - 2 * m - sw - 2.0f : v->w - 2 * m, 8.0f),
                   VIEW_STYLE_CAPTION, 4.0f * ts)
        ->align = VIEW_ALIGN_LEFT;
    if (k->line_known)
        kiosk_add_line_status(k, v, view_rect(v->w - m - sw, top, sw, 8.0f));
    top += 10.0f;
    if (k->station_count == 0)
        return;

    /* the line's stations in a row, in line order; the exhibits below */
    int line_n = 0;
    for (int i = 0; i < k->station_count; i++)
        line_n += k->stations[i].line_number > 0;
    int ex_n = k->station_count - line_n;
    float gap = 2.0f, label_h = 5.0f * ts;
    float avail = v->h - top - m - 2 * label_h - gap;
    float row1 = ex_n > 0 ? avail * 0.56f : avail, row2 = avail - row1;
    int cols = line_n > 0 ? line_n : 1;
    float cw = (v->w - 2 * m - (float)(cols - 1) * gap) / (float)cols;
    kiosk_add_text(v, kiosk_text(k, "home.line_stations"), view_rect(m, top, v->w - 2 * m, label_h),
                   VIEW_STYLE_BODY, 3.8f * ts)
        ->align = VIEW_ALIGN_LEFT;
    top += label_h;
    int li = 0, ei = 0;
    float card_font = 3.4f * ts;
    for (int i = 0; i < k->station_count; i++) {
        const kiosk_station_t *s = &k->stations[i];
        if (s->line_number <= 0)
            continue;
        view_rect_t r = view_rect(m + (float)li * (cw + gap), top, cw, row1);
        li++;
        if (!home_card(k, v, s, r, card_font))
            return;
        home_card_state(k, v, s, r, 2.8f * ts);
    }
    top += row1 + gap;
    if (ex_n == 0)
        return;
    kiosk_add_text(v, kiosk_text(k, "home.exhibits"), view_rect(m, top, v->w - 2 * m, label_h),
                   VIEW_STYLE_BODY, 3.8f * ts)
        ->align = VIEW_ALIGN_LEFT;
    top += label_h;
    float ew = cw * 1.6f;
    for (int i = 0; i < k->station_count; i++) {
        const kiosk_station_t *s = &k->stations[i];
        if (s->line_number > 0)
            continue;
        if (!home_card(k, v, s, view_rect(m + (float)ei * (ew + gap), top, ew, row2), card_font))
            return;
        ei++;
    }
    float ox = m + (float)ei * (ew + gap) + gap;
    home_order_entry(k, v, view_rect(ox, top, v->w - m - ox, row2));
}

static bool home_act(kiosk_t *k, const char *id, int64_t now)
{
    if (strncmp(id, "station-", 8) != 0 || !kiosk_find_station(k, id + 8))
        return false;
    kiosk_push(k, KIOSK_SCREEN_STATION, id + 8, now);
    return true;
}

const screen_class_t screen_home = {
    .id = "home",
    .layout = home_layout,
    .act = home_act,
};
