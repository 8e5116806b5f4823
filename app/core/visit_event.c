/*
 * visit_event.c - names of the visit's events and the in-memory sink
 * (see visit_event.h). Pure logic, no clock, no I/O.
 */
#include "visit_event.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const event_names[VISIT_EV_COUNT] = {
    [VISIT_EV_STARTED] = "visit_started",
    [VISIT_EV_ENDED] = "visit_ended",
    [VISIT_EV_LANGUAGE] = "language",
    [VISIT_EV_SCREEN] = "screen_view",
    [VISIT_EV_STATION] = "station_view",
    [VISIT_EV_TRADE] = "trade_view",
    [VISIT_EV_VIDEO] = "video_play",
    [VISIT_EV_QUIZ_ANSWER] = "quiz_answer",
    [VISIT_EV_QUIZ_RESULT] = "quiz_result",
    [VISIT_EV_PROFILE] = "profile",
    [VISIT_EV_PERCEPTION] = "perception",
    [VISIT_EV_SATISFACTION] = "satisfaction",
    [VISIT_EV_ORDER_PLACED] = "order_placed",
    [VISIT_EV_ORDER_OUTCOME] = "order_outcome",
    [VISIT_EV_TICKET] = "ticket",
};

static const char *const end_names[VISIT_END_COUNT] = {"finished", "idle", "staff"};
static const char *const profile_names[VISIT_PROFILE_COUNT] = {"skipped", "pupil", "job_seeker",
                                                               "employee", "other"};
static const char *const outcome_names[VISIT_ORDER_OUTCOME_COUNT] = {"delivered", "rejected",
                                                                     "cancelled", "refused"};

const char *visit_event_name(visit_event_type_t t)
{
    return t > 0 && t < VISIT_EV_COUNT && event_names[t] ? event_names[t] : "unknown";
}

const char *visit_end_reason_name(visit_end_reason_t r)
{
    return r >= 0 && r < VISIT_END_COUNT ? end_names[r] : "unknown";
}

const char *visit_profile_name(visit_profile_t p)
{
    return p >= 0 && p < VISIT_PROFILE_COUNT ? profile_names[p] : "unknown";
}

const char *visit_order_outcome_name(visit_order_outcome_t o)
{
    return o >= 0 && o < VISIT_ORDER_OUTCOME_COUNT ? outcome_names[o] : "unknown";
}

void visit_event_format(const visit_event_t *ev, char *buf, size_t size)
{
    const char *name = visit_event_name(ev->type);
    switch (ev->type) {
    case VISIT_EV_ENDED:
        snprintf(buf, size, "%s reason=%s", name, visit_end_reason_name(ev->u.end.reason));
        break;
    case VISIT_EV_LANGUAGE:
        snprintf(buf, size, "%s lang=%s", name, ev->u.language.lang);
        break;
    case VISIT_EV_SCREEN:
    case VISIT_EV_STATION:
    case VISIT_EV_TRADE:
        snprintf(buf, size, "%s id=%s dwell_ms=%" PRId64, name, ev->u.view.id, ev->u.view.dwell_ms);
        break;
    case VISIT_EV_VIDEO:
        snprintf(buf, size,
                 "%s trade=%s watched_ms=%" PRId64 " duration_ms=%" PRId64
                 " share=%d captions=%d full_window=%d",
                 name, ev->u.video.trade, ev->u.video.watched_ms, ev->u.video.duration_ms,
                 ev->u.video.share_permille, ev->u.video.captions_on, ev->u.video.full_window);
        break;
    case VISIT_EV_QUIZ_ANSWER:
        snprintf(buf, size,
                 "%s station=%s question=%s v%u chosen=0x%" PRIx32 " correct=%d time_ms=%" PRId64,
                 name, ev->u.answer.station, ev->u.answer.question, ev->u.answer.version,
                 ev->u.answer.chosen_mask, ev->u.answer.correct, ev->u.answer.time_ms);
        break;
    case VISIT_EV_QUIZ_RESULT:
        snprintf(buf, size, "%s station=%s asked=%u answered=%u correct=%u", name,
                 ev->u.result.station, ev->u.result.asked, ev->u.result.answered,
                 ev->u.result.correct);
        break;
    case VISIT_EV_PROFILE:
        snprintf(buf, size, "%s profile=%s", name, visit_profile_name(ev->u.profile.profile));
        break;
    case VISIT_EV_PERCEPTION:
        snprintf(buf, size, "%s question=%s v%u when=%s value=%d", name, ev->u.perception.question,
                 ev->u.perception.version, ev->u.perception.after ? "after" : "before",
                 ev->u.perception.value);
        break;
    case VISIT_EV_SATISFACTION:
        snprintf(buf, size, "%s question=%s v%u value=%d reason=%s", name,
                 ev->u.satisfaction.question, ev->u.satisfaction.version, ev->u.satisfaction.value,
                 ev->u.satisfaction.reason);
        break;
    case VISIT_EV_ORDER_PLACED:
        snprintf(buf, size, "%s colour=%s engraved=%d order=%" PRIu32, name, ev->u.order.colour,
                 ev->u.order.engraved, ev->u.order.order_no);
        break;
    case VISIT_EV_ORDER_OUTCOME:
        snprintf(buf, size, "%s order=%" PRIu32 " outcome=%s why=%s", name, ev->u.outcome.order_no,
                 visit_order_outcome_name(ev->u.outcome.outcome), ev->u.outcome.why);
        break;
    case VISIT_EV_TICKET:
        snprintf(buf, size, "%s code=%s", name, ev->u.ticket.code);
        break;
    default:
        snprintf(buf, size, "%s", name);
        break;
    }
}

struct visit_memsink {
    visit_event_t *events;
    size_t count, cap;
};

visit_memsink_t *visit_memsink_create(void)
{
    return calloc(1, sizeof(visit_memsink_t));
}

void visit_memsink_destroy(visit_memsink_t *m)
{
    if (m)
        free(m->events);
    free(m);
}

static void memsink_emit(void *ctx, const visit_event_t *ev)
{
    visit_memsink_t *m = ctx;
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        visit_event_t *e = realloc(m->events, cap * sizeof *e);
        if (!e)
            return; /* a test sink: out of memory drops the event */
        m->events = e;
        m->cap = cap;
    }
    m->events[m->count++] = *ev;
}

visit_sink_t visit_memsink_sink(visit_memsink_t *m)
{
    return (visit_sink_t){.emit = memsink_emit, .ctx = m};
}

size_t visit_memsink_count(const visit_memsink_t *m)
{
    return m->count;
}

const visit_event_t *visit_memsink_get(const visit_memsink_t *m, size_t i)
{
    return i < m->count ? &m->events[i] : NULL;
}

void visit_memsink_clear(visit_memsink_t *m)
{
    m->count = 0;
}
