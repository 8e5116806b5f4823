/*
 * quiz.c - the quiz engine (see quiz.h): a seeded generator (splitmix64) for
 * reproducible shuffles, a per-visitor "seen" bitmap, adaptive choice of the
 * next question, and scoring that emits self-contained events.
 */
#include "quiz.h"

#include "mf_error.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUIZ_LEVEL_MIN 1
#define QUIZ_LEVEL_MAX 3
/* Points for a right answer: ten per level of difficulty. */
#define QUIZ_POINTS_PER_LEVEL 10

/* Starting level per audience: pupils begin with the easiest questions. */
static const int quiz_start_level[QUIZ_AUDIENCE_COUNT] = {1, 2, 2, 3};
_Static_assert(sizeof quiz_start_level / sizeof quiz_start_level[0] == QUIZ_AUDIENCE_COUNT,
               "one starting level per audience");

struct quiz {
    const content_pack_t *pack;
    quiz_audience_t audience;
    uint64_t rng;
    uint64_t visitor;
    quiz_sink_fn sink;
    void *user;
    int level;
    unsigned char *seen; /* one byte per question of the pack */
    size_t question_total;

    /* The running round. */
    const content_station_t *station;
    size_t *pool; /* unseen candidates of the station, shuffled */
    size_t pool_count;
    size_t round_len, round_pos;
    const content_question_t *current;
    bool answered;
    int64_t shown_ms;
    size_t order[CONTENT_ANSWERS_MAX];
    unsigned round_answered, round_correct;
    int round_points, round_max_points;

    int total_points;
    unsigned total_answered, total_correct;
};

static uint64_t quiz_rand(quiz_t *q)
{
    /* splitmix64: tiny, good enough to shuffle a quiz, same on every platform. */
    uint64_t z = (q->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t quiz_rand_below(quiz_t *q, size_t n)
{
    assert(n > 0);
    return (size_t)(quiz_rand(q) % n);
}

quiz_t *quiz_create(const content_pack_t *pack, quiz_audience_t audience, uint64_t seed,
                    uint64_t visitor, quiz_sink_fn sink, void *user)
{
    if ((unsigned)audience >= QUIZ_AUDIENCE_COUNT)
        return NULL;
    quiz_t *q = calloc(1, sizeof *q);
    if (!q)
        goto fail;
    q->pack = pack;
    q->audience = audience;
    q->rng = seed;
    q->visitor = visitor;
    q->sink = sink;
    q->user = user;
    q->level = quiz_start_level[audience];
    q->question_total = content_question_count(pack);
    q->seen = calloc(q->question_total ? q->question_total : 1, 1);
    q->pool = calloc(q->question_total ? q->question_total : 1, sizeof *q->pool);
    if (!q->seen || !q->pool)
        goto fail;
    return q;
fail:
    quiz_destroy(q);
    return NULL;
}

void quiz_destroy(quiz_t *quiz)
{
    if (!quiz)
        return;
    free(quiz->seen);
    free(quiz->pool);
    free(quiz);
}

static void quiz_event_base(const quiz_t *q, quiz_event_kind_t kind, quiz_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->visitor = q->visitor;
    ev->audience = q->audience;
    if (q->station)
        snprintf(ev->station_id, sizeof ev->station_id, "%s", q->station->id);
    ev->round_asked = (unsigned)q->round_len;
    ev->round_answered = q->round_answered;
    ev->round_correct = q->round_correct;
    ev->round_points = q->round_points;
    ev->round_max_points = q->round_max_points;
}

static void quiz_end_round(quiz_t *q, int64_t now_ms)
{
    quiz_event_t ev;
    quiz_event_base(q, QUIZ_EVENT_ROUND_END, &ev);
    ev.round_asked = (unsigned)(q->round_pos + (q->current ? 1 : 0));
    ev.at_ms = now_ms;
    if (q->sink)
        q->sink(q->user, &ev);
    q->station = NULL;
    q->current = NULL;
    q->pool_count = 0;
    q->round_len = q->round_pos = 0;
}

/* Takes from the pool the first question nearest to the visitor's level and
 * puts it on screen, with its answers in a shuffled order. */
static void quiz_show_next(quiz_t *q, int64_t now_ms)
{
    assert(q->pool_count > 0);
    size_t best = 0;
    int best_gap = 1000;
    for (size_t i = 0; i < q->pool_count; i++) {
        int gap = abs(content_question(q->pack, q->pool[i])->difficulty - q->level);
        if (gap < best_gap) {
            best = i;
            best_gap = gap;
        }
    }
    size_t qi = q->pool[best];
    memmove(&q->pool[best], &q->pool[best + 1], (q->pool_count - best - 1) * sizeof *q->pool);
    q->pool_count--;
    q->seen[qi] = 1;
    q->current = content_question(q->pack, qi);
    q->answered = false;
    q->shown_ms = now_ms;
    size_t n = q->current->answer_count;
    for (size_t i = 0; i < n; i++)
        q->order[i] = i;
    if (q->current->type != CONTENT_Q_TRUEFALSE) {
        for (size_t i = n; i > 1; i--) {
            size_t j = quiz_rand_below(q, i);
            size_t t = q->order[i - 1];
            q->order[i - 1] = q->order[j];
            q->order[j] = t;
        }
    }
}

int quiz_start(quiz_t *quiz, const char *station_id, size_t max_questions, int64_t now_ms)
{
    const content_station_t *s = content_station_find(quiz->pack, station_id);
    if (!s)
        return MF_ENOENT;
    if (max_questions == 0)
        return MF_EINVAL;
    if (quiz->station)
        quiz_end_round(quiz, now_ms);
    quiz->station = s;
    quiz->pool_count = 0;
    for (size_t i = 0; i < s->question_count; i++) {
        if (!quiz->seen[s->questions[i]])
            quiz->pool[quiz->pool_count++] = s->questions[i];
    }
    for (size_t i = quiz->pool_count; i > 1; i--) {
        size_t j = quiz_rand_below(quiz, i);
        size_t t = quiz->pool[i - 1];
        quiz->pool[i - 1] = quiz->pool[j];
        quiz->pool[j] = t;
    }
    quiz->round_len = quiz->pool_count < max_questions ? quiz->pool_count : max_questions;
    quiz->round_pos = 0;
    quiz->round_answered = quiz->round_correct = 0;
    quiz->round_points = quiz->round_max_points = 0;
    quiz->current = NULL;
    if (quiz->round_len == 0) {
        quiz->station = NULL;
        return 0;
    }
    quiz_show_next(quiz, now_ms);
    return (int)quiz->round_len;
}

const content_question_t *quiz_current(const quiz_t *quiz)
{
    return quiz->current;
}

size_t quiz_answer_at(const quiz_t *quiz, size_t pos)
{
    if (!quiz->current || pos >= quiz->current->answer_count)
        return pos;
    return quiz->order[pos];
}

size_t quiz_round_position(const quiz_t *quiz)
{
    return quiz->round_pos;
}

size_t quiz_round_length(const quiz_t *quiz)
{
    return quiz->round_len;
}

bool quiz_answered(const quiz_t *quiz)
{
    return quiz->answered;
}

int quiz_answer(quiz_t *quiz, uint32_t chosen_mask, int64_t now_ms, quiz_event_t *out)
{
    const content_question_t *cq = quiz->current;
    if (!cq || quiz->answered)
        return MF_EINVAL;
    uint32_t all = (1u << cq->answer_count) - 1u;
    if (chosen_mask == 0 || (chosen_mask & ~all) != 0)
        return MF_EINVAL;
    if (cq->type != CONTENT_Q_MULTIPLE && __builtin_popcount(chosen_mask) != 1)
        return MF_EINVAL;
    bool right = chosen_mask == cq->correct_mask;
    int points = right ? QUIZ_POINTS_PER_LEVEL * cq->difficulty : 0;
    quiz->answered = true;
    quiz->round_answered++;
    quiz->round_correct += right;
    quiz->round_points += points;
    quiz->round_max_points += QUIZ_POINTS_PER_LEVEL * cq->difficulty;
    quiz->total_answered++;
    quiz->total_correct += right;
    quiz->total_points += points;
    if (right && quiz->level < QUIZ_LEVEL_MAX)
        quiz->level++;
    else if (!right && quiz->level > QUIZ_LEVEL_MIN)
        quiz->level--;

    quiz_event_t ev;
    quiz_event_base(quiz, QUIZ_EVENT_ANSWER, &ev);
    snprintf(ev.question_id, sizeof ev.question_id, "%s", cq->id);
    ev.question_version = cq->version;
    ev.difficulty = cq->difficulty;
    ev.chosen_mask = chosen_mask;
    ev.correct_mask = cq->correct_mask;
    ev.correct = right;
    ev.points = points;
    ev.at_ms = now_ms;
    ev.response_ms = now_ms >= quiz->shown_ms ? now_ms - quiz->shown_ms : 0;
    if (quiz->sink)
        quiz->sink(quiz->user, &ev);
    if (out)
        *out = ev;
    return right ? 1 : 0;
}

int quiz_next(quiz_t *quiz, int64_t now_ms)
{
    if (!quiz->station)
        return MF_EINVAL;
    quiz->round_pos++;
    if (quiz->round_pos >= quiz->round_len || quiz->pool_count == 0) {
        quiz->current = NULL;
        quiz->round_pos = quiz->round_len;
        quiz_end_round(quiz, now_ms);
        return 1;
    }
    quiz_show_next(quiz, now_ms);
    return 0;
}

int quiz_level(const quiz_t *quiz)
{
    return quiz->level;
}

int quiz_total_points(const quiz_t *quiz)
{
    return quiz->total_points;
}

unsigned quiz_total_answered(const quiz_t *quiz)
{
    return quiz->total_answered;
}

unsigned quiz_total_correct(const quiz_t *quiz)
{
    return quiz->total_correct;
}

bool quiz_seen(const quiz_t *quiz, size_t question)
{
    return question < quiz->question_total && quiz->seen[question];
}
