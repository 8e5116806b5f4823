/*
 * quiz_result.c - screen "quiz-result" (argument: the station's id): the
 * score of the round just finished and a kind word whatever it is, then
 * "next" (the next station in line order). Back returns to the station.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

static void result_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    (void)now;
    const quiz_event_t *e = &k->journey.quiz_end;
    float m = 4.0f, ts = kiosk_text_scale(k);
    float top = kiosk_layout_top_bar(k, v, kiosk_text(k, "quiz.result_title")) + 3.0f;
    float bottom = v->h - m - kiosk_layout_bottom(k);
    bool portrait = kiosk_portrait(k);
    char correct[8], total[8], score[160];
    snprintf(correct, sizeof correct, "%u", e->round_correct);
    snprintf(total, sizeof total, "%u", e->round_asked);
    const char *names[] = {"correct", "total"};
    const char *values[] = {correct, total};
    content_format(score, sizeof score, kiosk_text(k, "quiz.done"), names, values, 2);
    /* a star per right answer, an outline for the others */
    float sy = top + 2.0f, ss = portrait ? 16.0f : 18.0f;
    unsigned asked = e->round_asked > 0 && e->round_asked <= 6 ? e->round_asked : 0;
    float sx = (v->w - (float)asked * (ss + 2.0f)) / 2.0f;
    for (unsigned i = 0; i < asked; i++) {
        view_widget_t *s =
            view_add(v, VIEW_ICON, NULL, NULL, view_rect(sx + (float)i * (ss + 2.0f), sy, ss, ss));
        if (s) {
            s->icon = VIEW_ICON_STAR;
            s->accent = i < e->round_correct ? 0xFFD23F : 0x5A6490;
        }
    }
    float y = sy + ss + 3.0f;
    view_widget_t *w = kiosk_add_text(v, score, view_rect(m, y, v->w - 2 * m, 12.0f * ts),
                                      VIEW_STYLE_TITLE, 6.0f * ts);
    if (w)
        snprintf(w->id, sizeof w->id, "quiz-score");
    y += 12.0f * ts + 2.0f;
    const char *kind = e->round_asked > 0 && e->round_correct == e->round_asked ? "quiz.kind_all"
                       : e->round_correct > 0                                   ? "quiz.kind_some"
                                                                                : "quiz.kind_none";
    w = kiosk_add_text(v, kiosk_text(k, kind), view_rect(m, y, v->w - 2 * m, 14.0f * ts),
                       VIEW_STYLE_BODY, 5.0f * ts);
    if (w)
        snprintf(w->id, sizeof w->id, "quiz-kind");
    float bw = portrait ? v->w - 2 * m : 90.0f, bh = 14.0f;
    kiosk_add_button(v, "next", kiosk_text(k, "station.next"),
                     view_rect((v->w - bw) / 2.0f, bottom - bh, bw, bh), VIEW_STYLE_PRIMARY,
                     VIEW_ICON_NEXT)
        ->font = 5.0f * ts;
}

static bool result_act(kiosk_t *k, const char *id, int64_t now)
{
    if (strcmp(id, "next") != 0)
        return false;
    const content_station_t *next = kiosk_next_station(k, kiosk_find_station(k, kiosk_arg(k)));
    if (next)
        kiosk_replace_above(k, KIOSK_SCREEN_HOME, KIOSK_SCREEN_STATION, next->id, now);
    return true;
}

const screen_class_t screen_quiz_result = {
    .id = "quiz-result",
    .layout = result_layout,
    .act = result_act,
};
