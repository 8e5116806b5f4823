/*
 * quiz.h - the quiz engine: which question a visitor sees next at a station,
 * in which order the answers are shown, whether the answer is right, and the
 * events the statistics record.
 *
 * Pure logic (no SDL, no clock: every call that needs the time takes NOW_MS
 * from the caller). One quiz_t per visitor session: it remembers every
 * question already shown to that visitor, so walking from station to station
 * never repeats one. Order is drawn from a seeded generator: the same seed,
 * pack and answers give the same questions, which is what the tests rely on
 * (the kiosk seeds it from its clock and session number).
 *
 * Difficulty adapts: the visitor's audience sets a starting level (pupils
 * start easy), each right answer moves the level up one step and each wrong
 * answer down, and the next question is the one nearest to the level.
 *
 * Flow for one station:
 *   quiz_start(q, "press", 3, now)      -> n questions in this round (0: none left)
 *   loop: quiz_current(q)               -> the question to show
 *         quiz_answer_at(q, pos)        -> which answer to show at position pos
 *         quiz_answer(q, mask, now, &ev)-> right or wrong (ANSWER event emitted)
 *         ... show the explanation ...
 *         quiz_next(q, now)             -> 1 when the round is over (ROUND_END)
 */
#ifndef MF_QUIZ_H
#define MF_QUIZ_H

#include "content.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Who is visiting (the group staff set, or the visitor's own choice). */
typedef enum {
    QUIZ_AUDIENCE_PUPIL = 0,      /* school groups, 12-15: start easy */
    QUIZ_AUDIENCE_GENERAL = 1,    /* general public */
    QUIZ_AUDIENCE_JOB_SEEKER = 2, /* job seekers' sessions */
    QUIZ_AUDIENCE_COMPANY = 3,    /* company staff: start hard */
    QUIZ_AUDIENCE_COUNT
} quiz_audience_t;

typedef enum {
    QUIZ_EVENT_ANSWER = 1,    /* one question answered */
    QUIZ_EVENT_ROUND_END = 2, /* the round at a station is over (finished or abandoned) */
} quiz_event_kind_t;

/* A result for the statistics. Self-contained (ids are copied), so a
 * statistics module can queue or store it after the pack is gone. Answers
 * are recorded by question id and version: editing a question's text without
 * changing its meaning keeps its history; bumping the version starts anew. */
typedef struct {
    quiz_event_kind_t kind;
    uint64_t visitor; /* the anonymous session number given to quiz_create */
    quiz_audience_t audience;
    char station_id[CONTENT_ID_MAX];
    /* QUIZ_EVENT_ANSWER */
    char question_id[CONTENT_ID_MAX];
    unsigned question_version;
    int difficulty;       /* 1..3 */
    uint32_t chosen_mask; /* bit i: answers[i] (pack order) was chosen */
    uint32_t correct_mask;
    bool correct;
    int points;          /* 0 when wrong, 10 x difficulty when right */
    int64_t at_ms;       /* the caller's clock when answered */
    int64_t response_ms; /* from the question shown to the answer */
    /* QUIZ_EVENT_ROUND_END (and running totals in ANSWER events) */
    unsigned round_asked, round_answered, round_correct;
    int round_points, round_max_points;
} quiz_event_t;

typedef void (*quiz_sink_fn)(void *user, const quiz_event_t *ev);

typedef struct quiz quiz_t;

/* A quiz for one visitor over PACK (which must outlive it). SINK (may be
 * NULL) receives every event as it happens. NULL when out of memory. */
quiz_t *quiz_create(const content_pack_t *pack, quiz_audience_t audience, uint64_t seed,
                    uint64_t visitor, quiz_sink_fn sink, void *user);
void quiz_destroy(quiz_t *quiz);

/* Starts a round of at most MAX_QUESTIONS at STATION_ID, among the questions
 * this visitor has not seen. An unfinished round is ended first (ROUND_END).
 * Returns the number of questions in the round (0 when the visitor has seen
 * them all), or MF_ENOENT for an unknown station, MF_EINVAL for 0 questions. */
int quiz_start(quiz_t *quiz, const char *station_id, size_t max_questions, int64_t now_ms);

/* The question on screen, or NULL when no round is running. */
const content_question_t *quiz_current(const quiz_t *quiz);
/* The answer (index into question->answers) to show at position POS: choice
 * answers are shuffled, true-false keep "true" first. */
size_t quiz_answer_at(const quiz_t *quiz, size_t pos);
/* Position in the round (0-based) and the round's length. */
size_t quiz_round_position(const quiz_t *quiz);
size_t quiz_round_length(const quiz_t *quiz);
/* True once the current question is answered (show its explanation). */
bool quiz_answered(const quiz_t *quiz);

/* Answers the current question with CHOSEN_MASK (bits in pack order, as
 * returned by quiz_answer_at). Emits an ANSWER event, also copied to OUT
 * (may be NULL). Returns 1 right, 0 wrong; MF_EINVAL when no question is
 * waiting or the mask is not a valid choice (single choice and true-false
 * take exactly one bit). */
int quiz_answer(quiz_t *quiz, uint32_t chosen_mask, int64_t now_ms, quiz_event_t *out);

/* Moves to the next question (skipping an unanswered one is allowed). Returns
 * 0 when a question is on screen, 1 when the round is over (ROUND_END event
 * emitted), MF_EINVAL when no round is running. */
int quiz_next(quiz_t *quiz, int64_t now_ms);

/* The level the next question is chosen for (1..3). */
int quiz_level(const quiz_t *quiz);
/* Totals over the visitor's whole visit. */
int quiz_total_points(const quiz_t *quiz);
unsigned quiz_total_answered(const quiz_t *quiz);
unsigned quiz_total_correct(const quiz_t *quiz);
/* True when QUESTION (index in the pack) was already shown to this visitor. */
bool quiz_seen(const quiz_t *quiz, size_t question);

#endif
