/*
 * quiz.c - screen "quiz" (argument: the station's id): the station's
 * questions through the quiz engine (quiz.h), one at a time. Single choice
 * and true/false answer with one tap; multiple choice ticks answers, then
 * "validate". Feedback at once (right or wrong, which were right) and the
 * explanation; no timer; "next" goes on, and after the last question to
 * "quiz-result". Answer buttons are "answer-<position>". The engine
 * remembers what this visitor saw: leaving in the middle and coming back
 * brings other questions.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void quiz_enter(kiosk_t *k, bool uncovered, int64_t now)
{
    if (uncovered)
        return; /* back from the settings: the same question */
    quiz_t *q = kiosk_journey_quiz(k, now);
    k->journey.quiz_chosen = 0;
    k->journey.quiz_ended = false;
    if (q)
        quiz_start(q, kiosk_arg(k), KIOSK_QUIZ_ROUND, now);
}

static const char *answer_label(const kiosk_t *k, const content_question_t *qu, size_t a)
{
    if (qu->type == CONTENT_Q_TRUEFALSE) {
        const char *t = content_text(k->pack, k->language, &qu->answers[a]);
        if (t[0])
            return t;
        return kiosk_text(k, a == 0 ? "quiz.true" : "quiz.false");
    }
    return content_text(k->pack, k->language, &qu->answers[a]);
}

static void quiz_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    (void)now;
    const content_station_t *st = kiosk_find_station(k, kiosk_arg(k));
    const quiz_t *q = k->journey.quiz;
    const content_question_t *qu = q ? quiz_current(q) : NULL;
    float m = 4.0f, gap = 2.0f, ts = kiosk_text_scale(k);
    char title[VIEW_LABEL_MAX];
    snprintf(title, sizeof title, "%s : %s", kiosk_text(k, "quiz.title"),
             st ? content_text(k->pack, k->language, &st->title) : "");
    float top = kiosk_layout_top_bar(k, v, title) + 1.0f;
    bool portrait = kiosk_portrait(k);
    float bottom = v->h - m - kiosk_layout_bottom(k);
    float act_h = 13.0f;
    view_widget_t *w;
    if (!qu) {
        /* every question of this station already seen by this visitor */
        kiosk_add_text(v, kiosk_text(k, "quiz.all_seen"),
                       view_rect(m, top + 4.0f, v->w - 2 * m, portrait ? 36.0f : 40.0f),
                       VIEW_STYLE_BODY, 5.5f * ts);
        kiosk_add_button(v, "next", kiosk_text(k, "station.next"),
                         view_rect(m, bottom - act_h, v->w - 2 * m, act_h), VIEW_STYLE_PRIMARY,
                         VIEW_ICON_NEXT)
            ->font = 4.6f * ts;
        return;
    }
    bool answered = quiz_answered(q);
    uint32_t chosen = k->journey.quiz_chosen;

    char progress[80], n[8], total[8];
    snprintf(n, sizeof n, "%zu", quiz_round_position(q) + 1);
    snprintf(total, sizeof total, "%zu", quiz_round_length(q));
    const char *names[] = {"n", "total"};
    const char *values[] = {n, total};
    content_format(progress, sizeof progress, kiosk_text(k, "quiz.progress"), names, values, 2);
    kiosk_add_text(v, progress, view_rect(m, top, v->w - 2 * m, 5.0f * ts), VIEW_STYLE_CAPTION,
                   3.6f * ts)
        ->align = VIEW_ALIGN_LEFT;
    top += 5.0f * ts + 1.0f;

    float prompt_h = portrait ? 24.0f : 17.0f;
    w = kiosk_add_text(v, content_text(k->pack, k->language, &qu->prompt),
                       view_rect(m, top, v->w - 2 * m, prompt_h), VIEW_STYLE_TITLE, 5.4f * ts);
    if (w) {
        w->align = VIEW_ALIGN_LEFT;
        snprintf(w->id, sizeof w->id, "question");
    }
    top += prompt_h + 1.0f;

    /* the hint before answering; after, right or wrong and the explanation */
    char note[VIEW_LABEL_MAX];
    if (!answered) {
        snprintf(
            note, sizeof note, "%s",
            kiosk_text(k, qu->type == CONTENT_Q_MULTIPLE ? "quiz.pick_many" : "quiz.pick_one"));
    } else {
        snprintf(note, sizeof note, "%s %s",
                 kiosk_text(k, k->journey.quiz_right ? "quiz.right" : "quiz.wrong"),
                 content_text(k->pack, k->language, &qu->explanation));
    }
    view_rect_t note_r, answers_r, action_r;
    if (portrait) {
        float reach = kiosk_reach_top(k, v);
        note_r = view_rect(m, top, v->w - 2 * m, reach - top - 1.0f);
        answers_r = view_rect(m, reach + 1.0f, v->w - 2 * m, bottom - act_h - gap - reach - 1.0f);
        action_r = view_rect(m, bottom - act_h, v->w - 2 * m, act_h);
    } else {
        answers_r = view_rect(m, top, v->w - 2 * m, bottom - act_h - gap - top);
        note_r = view_rect(m, bottom - act_h - 2.0f, v->w * 0.62f, act_h + 2.0f);
        action_r = view_rect(m + v->w * 0.62f + gap, bottom - act_h,
                             v->w - 2 * m - v->w * 0.62f - gap, act_h);
    }
    w = kiosk_add_state(k, v, "quiz-feedback", note,
                        !answered               ? VIEW_ICON_HAND
                        : k->journey.quiz_right ? VIEW_ICON_CHECK
                                                : VIEW_ICON_CROSS,
                        !answered               ? 0x7B6CF6
                        : k->journey.quiz_right ? 0x2EC4B6
                                                : 0xFF7A1A,
                        note_r, (answered ? 3.4f : 3.8f) * ts);
    (void)w;

    /* the answers, in the engine's order */
    size_t count = qu->answer_count;
    int cols = portrait || count == 3 ? 1 : 2; /* three long answers read best in rows */
    int rows = (int)((count + (size_t)cols - 1) / (size_t)cols);
    float aw = (answers_r.w - (float)(cols - 1) * gap) / (float)cols;
    float ah = (answers_r.h - (float)(rows - 1) * gap) / (float)rows;
    if (ah > 16.0f)
        ah = 16.0f;
    for (size_t pos = 0; pos < count; pos++) {
        size_t a = quiz_answer_at(q, pos);
        uint32_t bit = 1u << a;
        char id[VIEW_ID_MAX];
        snprintf(id, sizeof id, "answer-%zu", pos);
        view_style_t style = VIEW_STYLE_SECONDARY;
        view_icon_t icon = VIEW_ICON_NONE;
        if (answered) {
            if (qu->correct_mask & bit) {
                style = VIEW_STYLE_TOGGLE_ON;
                icon = VIEW_ICON_CHECK;
            } else if (chosen & bit) {
                icon = VIEW_ICON_CROSS;
            }
        } else if (chosen & bit) {
            style = VIEW_STYLE_TOGGLE_ON;
            icon = VIEW_ICON_CHECK;
        }
        float x = answers_r.x + (float)(pos % (size_t)cols) * (aw + gap);
        float y = answers_r.y + (float)(pos / (size_t)cols) * (ah + gap);
        w = kiosk_add_button(v, id, answer_label(k, qu, a), view_rect(x, y, aw, ah), style, icon);
        if (w)
            w->font = 4.2f * ts;
    }
    if (answered) {
        bool last = quiz_round_position(q) + 1 >= quiz_round_length(q);
        kiosk_add_button(v, "next", kiosk_text(k, last ? "quiz.see_score" : "quiz.next"), action_r,
                         VIEW_STYLE_PRIMARY, VIEW_ICON_NEXT)
            ->font = 4.4f * ts;
    } else if (qu->type == CONTENT_Q_MULTIPLE) {
        kiosk_add_button(v, "validate", kiosk_text(k, "quiz.validate"), action_r,
                         chosen ? VIEW_STYLE_PRIMARY : VIEW_STYLE_SECONDARY, VIEW_ICON_CHECK)
            ->font = 4.4f * ts;
    }
}

static void quiz_give(kiosk_t *k, quiz_t *q, uint32_t mask, int64_t now)
{
    int r = quiz_answer(q, mask, now, NULL);
    if (r >= 0) {
        k->journey.quiz_right = r == 1;
        k->journey.quiz_chosen = mask;
    }
}

static bool quiz_act(kiosk_t *k, const char *id, int64_t now)
{
    quiz_t *q = k->journey.quiz;
    const content_question_t *qu = q ? quiz_current(q) : NULL;
    if (strcmp(id, "next") == 0) {
        if (!qu) { /* nothing left here: on to the next station */
            const content_station_t *next =
                kiosk_next_station(k, kiosk_find_station(k, kiosk_arg(k)));
            if (next)
                kiosk_replace_above(k, KIOSK_SCREEN_HOME, KIOSK_SCREEN_STATION, next->id, now);
            return true;
        }
        k->journey.quiz_chosen = 0;
        if (quiz_next(q, now) == 1) {
            const quiz_event_t *e = &k->journey.quiz_end;
            visit_event_t ev = {.type = VISIT_EV_QUIZ_RESULT};
            snprintf(ev.u.result.station, sizeof ev.u.result.station, "%.*s", VISIT_ID_MAX - 1,
                     e->station_id);
            ev.u.result.asked = e->round_asked;
            ev.u.result.answered = e->round_answered;
            ev.u.result.correct = e->round_correct;
            kiosk_emit(k, &ev, now);
            char station[KIOSK_ARG_MAX];
            snprintf(station, sizeof station, "%s", kiosk_arg(k));
            /* the result takes the quiz's place: back goes to the station */
            kiosk_replace_above(k, KIOSK_SCREEN_COUNT, KIOSK_SCREEN_QUIZ_RESULT, station, now);
        }
        return true;
    }
    if (!qu || quiz_answered(q))
        return strncmp(id, "answer-", 7) == 0 || strcmp(id, "validate") == 0;
    if (strncmp(id, "answer-", 7) == 0) {
        size_t pos = (size_t)strtoul(id + 7, NULL, 10);
        if (pos >= qu->answer_count)
            return true;
        uint32_t bit = 1u << quiz_answer_at(q, pos);
        if (qu->type == CONTENT_Q_MULTIPLE)
            k->journey.quiz_chosen ^= bit;
        else
            quiz_give(k, q, bit, now);
        return true;
    }
    if (strcmp(id, "validate") == 0) {
        if (k->journey.quiz_chosen)
            quiz_give(k, q, k->journey.quiz_chosen, now);
        return true;
    }
    return false;
}

const screen_class_t screen_quiz = {
    .id = "quiz",
    .enter = quiz_enter,
    .layout = quiz_layout,
    .act = quiz_act,
};
