/*
 * station.c - screen "station" (argument: the station's id): what happens
 * here (its drawing, the summary, its live state and, on line stations,
 * what the machine is doing now in words), the trades behind it as big
 * cards ("trade-<id>"), and two actions: "quiz" (this station's quiz) and
 * "next" (the next station in line order). Leaving it records a station
 * view with its dwell time.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

static const char *const colour_keys[] = {"",
                                          "colour.red",
                                          "colour.blue",
                                          "colour.green",
                                          "colour.yellow",
                                          "colour.black",
                                          "colour.silver"};

/* What the machine is doing now, in words (line stations only). */
static void station_now(const kiosk_t *k, const mf_line_station_t *ls, char *buf, size_t size)
{
    if (!k->line.online || !ls) {
        snprintf(buf, size, "%s", kiosk_text(k, "station.now.offline"));
    } else if (ls->state == MF_STATION_FAULT) {
        snprintf(buf, size, "%s", kiosk_text(k, "station.now.fault"));
    } else if (ls->state == MF_STATION_WORKING && ls->piece) {
        unsigned c = ls->colour < 7 ? ls->colour : 0;
        const char *names[] = {"colour"};
        const char *values[] = {kiosk_text(k, c ? colour_keys[c] : "colour.none")};
        const char *tmpl = kiosk_text(k, "station.now.working");
        if (k->pack)
            content_format(buf, size, tmpl, names, values, 1);
        else
            snprintf(buf, size, "%s", tmpl);
    } else if (!k->line.running) {
        snprintf(buf, size, "%s", kiosk_text(k, "station.now.stopped"));
    } else {
        snprintf(buf, size, "%s", kiosk_text(k, "station.now.waiting"));
    }
}

static void station_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    (void)now;
    const content_station_t *st = kiosk_find_station(k, kiosk_arg(k));
    float m = 4.0f, ts = kiosk_text_scale(k), gap = 3.0f;
    if (!st) {
        kiosk_layout_top_bar(k, v, kiosk_text(k, "station.missing"));
        return;
    }
    const content_pack_t *p = k->pack;
    const char *lang = k->language;
    float top = kiosk_layout_top_bar(k, v, content_text(p, lang, &st->title)) + 3.0f;
    bool portrait = kiosk_portrait(k);
    const mf_line_station_t *ls = kiosk_line_station(k, st);
    bool live = st->kind == CONTENT_STATION_LINE && st->plc_station >= MF_LINE_FIRST_STATION &&
                k->line_known;

    /* what happens here: the drawing, the summary, the live state */
    view_rect_t pic, info;
    if (portrait) {
        float reach = kiosk_reach_top(k, v);
        pic = view_rect(m, top, 36.0f, reach - top - 2.0f);
        info = view_rect(m + 39.0f, top, v->w - 2 * m - 39.0f, reach - top - 2.0f);
    } else {
        pic = view_rect(m, top, 42.0f, 32.0f);
        info = view_rect(m + 46.0f, top, v->w - 2 * m - 46.0f, 32.0f);
    }
    view_widget_t *w = view_add(v, VIEW_IMAGE, "station-picture", NULL, pic);
    if (w)
        snprintf(w->path, sizeof w->path, "%s", st->picture);
    float sum_h = live ? info.h * 0.5f : info.h * 0.75f;
    w = kiosk_add_text(v, content_text(p, lang, &st->summary),
                       view_rect(info.x, info.y, info.w, sum_h), VIEW_STYLE_BODY, 4.6f * ts);
    if (w) {
        w->align = VIEW_ALIGN_LEFT;
        snprintf(w->id, sizeof w->id, "summary");
    }
    float y = info.y + sum_h + 1.0f;
    if (live) {
        float ph = 7.0f * ts;
        kiosk_add_state(k, v, "station-state", kiosk_text(k, kiosk_station_state_key(k, ls)),
                        kiosk_station_state_icon(k, ls), kiosk_station_state_colour(k, ls),
                        view_rect(info.x, y, info.w < 70.0f ? info.w : 70.0f, ph), 3.8f * ts);
        y += ph + 1.0f;
        char now_text[VIEW_LABEL_MAX];
        station_now(k, ls, now_text, sizeof now_text);
        w = kiosk_add_text(v, now_text, view_rect(info.x, y, info.w, info.y + info.h - y),
                           VIEW_STYLE_BODY, 4.0f * ts);
        if (w) {
            w->align = VIEW_ALIGN_LEFT;
            snprintf(w->id, sizeof w->id, "station-now");
        }
    } else {
        kiosk_add_text(
            v,
            kiosk_text(k, st->kind == CONTENT_STATION_EXHIBIT ? "station.exhibit" : "station.desk"),
            view_rect(info.x, y, info.w, info.y + info.h - y), VIEW_STYLE_CAPTION, 3.8f * ts)
            ->align = VIEW_ALIGN_LEFT;
    }

    /* the trades behind it, then the two actions */
    float bottom = v->h - m - kiosk_layout_bottom(k);
    float act_h = 13.0f;
    float trades_top = (portrait ? kiosk_reach_top(k, v) : pic.y + pic.h) + gap;
    kiosk_add_text(v, kiosk_text(k, "station.trades"),
                   view_rect(m, trades_top, v->w - 2 * m, 6.0f * ts), VIEW_STYLE_BODY, 4.2f * ts)
        ->align = VIEW_ALIGN_LEFT;
    trades_top += 6.0f * ts + 1.0f;
    size_t n = st->trade_count > 4 ? 4 : st->trade_count;
    float card_h = bottom - act_h - gap - trades_top;
    if (n > 0) {
        float cw = (v->w - 2 * m - (float)(n - 1) * gap) / (float)n;
        if (!portrait && cw > 56.0f)
            cw = 56.0f;
        for (size_t i = 0; i < n; i++) {
            const content_trade_t *t = content_trade(p, st->trades[i]);
            char id[VIEW_ID_MAX];
            snprintf(id, sizeof id, "trade-%s", t->id);
            w = kiosk_add_button(v, id, content_text(p, lang, &t->name),
                                 view_rect(m + (float)i * (cw + gap), trades_top, cw, card_h),
                                 VIEW_STYLE_CARD, VIEW_ICON_NONE);
            if (!w)
                return;
            w->accent = st->colour;
            w->font = 4.0f * ts;
            snprintf(w->path, sizeof w->path, "%s", t->poster ? t->poster : "");
        }
    }
    float bw = (v->w - 2 * m - gap) / 2.0f;
    const content_station_t *next = kiosk_next_station(k, st);
    kiosk_add_button(v, "quiz", kiosk_text(k, "station.quiz"),
                     view_rect(m, bottom - act_h, bw, act_h), VIEW_STYLE_PRIMARY, VIEW_ICON_STAR)
        ->font = 4.6f * ts;
    if (next)
        kiosk_add_button(v, "next", kiosk_text(k, "station.next"),
                         view_rect(m + bw + gap, bottom - act_h, bw, act_h), VIEW_STYLE_SECONDARY,
                         VIEW_ICON_NEXT)
            ->font = 4.6f * ts;
}

static bool station_act(kiosk_t *k, const char *id, int64_t now)
{
    const content_station_t *st = kiosk_find_station(k, kiosk_arg(k));
    if (!st)
        return false;
    if (strcmp(id, "quiz") == 0) {
        kiosk_push(k, KIOSK_SCREEN_QUIZ, st->id, now);
        return true;
    }
    if (strcmp(id, "next") == 0) {
        const content_station_t *next = kiosk_next_station(k, st);
        if (next)
            kiosk_replace_above(k, KIOSK_SCREEN_HOME, KIOSK_SCREEN_STATION, next->id, now);
        return true;
    }
    if (strncmp(id, "trade-", 6) == 0) {
        kiosk_push(k, KIOSK_SCREEN_TRADE, id + 6, now);
        return true;
    }
    return false;
}

static void station_leave(kiosk_t *k, bool covered, int64_t now)
{
    (void)covered;
    if (!k->visit.active)
        return;
    visit_event_t ev = {.type = VISIT_EV_STATION};
    snprintf(ev.u.view.id, sizeof ev.u.view.id, "%s", kiosk_arg(k));
    ev.u.view.dwell_ms = now - kiosk_entered(k);
    kiosk_emit(k, &ev, now);
}

const screen_class_t screen_station = {
    .id = "station",
    .layout = station_layout,
    .act = station_act,
    .leave = station_leave,
};
