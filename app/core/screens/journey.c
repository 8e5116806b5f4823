/*
 * journey.c - what the journey's screens share (station, trade, quiz,
 * quiz-result, and the line map's states): the visitor's quiz and its
 * events, the job video being watched and its event, the stations in line
 * order and their live state in words and icons. Not a screen itself; the
 * state lives in kiosk_priv.h (kiosk_journey_t) and goes with the visit.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

/* ---- the visitor's quiz ------------------------------------------------ */

/* The quiz engine's events become the visit's: each answer at once; a
 * round's totals are kept for the result screen, which emits them. */
static void journey_quiz_sink(void *user, const quiz_event_t *qe)
{
    kiosk_t *k = user;
    if (qe->kind == QUIZ_EVENT_ROUND_END) {
        k->journey.quiz_end = *qe;
        k->journey.quiz_ended = true;
        return;
    }
    visit_event_t ev = {.type = VISIT_EV_QUIZ_ANSWER};
    snprintf(ev.u.answer.station, sizeof ev.u.answer.station, "%.*s", VISIT_ID_MAX - 1,
             qe->station_id);
    snprintf(ev.u.answer.question, sizeof ev.u.answer.question, "%.*s", VISIT_ID_MAX - 1,
             qe->question_id);
    ev.u.answer.version = qe->question_version;
    ev.u.answer.chosen_mask = qe->chosen_mask;
    ev.u.answer.correct = qe->correct;
    ev.u.answer.time_ms = qe->response_ms;
    kiosk_emit(k, &ev, qe->at_ms);
}

quiz_t *kiosk_journey_quiz(kiosk_t *k, int64_t now)
{
    if (!k->journey.quiz && k->pack) {
        /* seeded from the clock and the visit: another visitor, other questions */
        uint64_t seed = (uint64_t)now * 0x9E3779B97F4A7C15ull ^ k->visit.number;
        k->journey.quiz = quiz_create(k->pack, QUIZ_AUDIENCE_GENERAL, seed, k->visit.number,
                                      journey_quiz_sink, k);
    }
    return k->journey.quiz;
}

void kiosk_journey_wipe(kiosk_t *k)
{
    quiz_destroy(k->journey.quiz);
    memset(&k->journey, 0, sizeof k->journey);
}

/* ---- the job video being watched --------------------------------------- */

void kiosk_journey_video_status(kiosk_t *k, const mf_video_status_t *st)
{
    kiosk_journey_t *j = &k->journey;
    if (!j->video_trade[0])
        return;
    if (st->state == MF_VIDEO_PLAYING) {
        int64_t d = st->position_ms - j->video_last_pos;
        if (d > 0 && d <= 1000) /* played on; a seek is a bigger jump */
            j->video_watched += d;
        j->video_played = true;
    }
    if (j->video_played && st->position_ms > j->video_furthest)
        j->video_furthest = st->position_ms;
    if (st->duration_ms > 0)
        j->video_duration = st->duration_ms;
    if (st->state == MF_VIDEO_ENDED && j->video_played) {
        if (j->video_duration > j->video_last_pos && j->video_last_pos > 0)
            j->video_watched += j->video_duration - j->video_last_pos;
        j->video_furthest = j->video_duration;
    }
    j->video_last_pos = st->state == MF_VIDEO_ENDED ? j->video_duration : st->position_ms;
}

void kiosk_journey_video_done(kiosk_t *k, int64_t now)
{
    kiosk_journey_t *j = &k->journey;
    if (j->video_trade[0] && j->video_played) {
        visit_event_t ev = {.type = VISIT_EV_VIDEO};
        snprintf(ev.u.video.trade, sizeof ev.u.video.trade, "%.*s", VISIT_ID_MAX - 1,
                 j->video_trade);
        ev.u.video.watched_ms = j->video_watched;
        ev.u.video.duration_ms = j->video_duration;
        int64_t share = j->video_duration > 0 ? j->video_furthest * 1000 / j->video_duration : 0;
        ev.u.video.share_permille = (int)(share > 1000 ? 1000 : share);
        ev.u.video.captions_on = k->video.captions_on;
        ev.u.video.full_window = j->video_full_window;
        kiosk_emit(k, &ev, now);
    }
    j->video_trade[0] = '\0';
    j->video_played = j->video_full_window = false;
    j->video_last_pos = j->video_furthest = j->video_watched = j->video_duration = 0;
}

/* ---- stations ---------------------------------------------------------- */

const content_station_t *kiosk_find_station(const kiosk_t *k, const char *station_id)
{
    return k->pack ? content_station_find(k->pack, station_id) : NULL;
}

const content_station_t *kiosk_next_station(const kiosk_t *k, const content_station_t *st)
{
    if (!st || k->station_count == 0)
        return NULL;
    for (int i = 0; i < k->station_count; i++)
        if (strcmp(k->stations[i].id, st->id) == 0)
            return kiosk_find_station(k, k->stations[(i + 1) % k->station_count].id);
    return kiosk_find_station(k, k->stations[0].id);
}

const mf_line_station_t *kiosk_line_station(const kiosk_t *k, const content_station_t *st)
{
    if (!k->line_known || !st || st->kind != CONTENT_STATION_LINE)
        return NULL;
    int i = st->plc_station - MF_LINE_FIRST_STATION;
    return i >= 0 && i < MF_LINE_STATIONS ? &k->line.stations[i] : NULL;
}

const char *kiosk_station_state_key(const kiosk_t *k, const mf_line_station_t *ls)
{
    if (!k->line.online || !ls)
        return "map.offline";
    switch (ls->state) {
    case MF_STATION_WORKING:
        return "map.working";
    case MF_STATION_FAULT:
        return "map.fault";
    default:
        return "map.waiting";
    }
}

view_icon_t kiosk_station_state_icon(const kiosk_t *k, const mf_line_station_t *ls)
{
    if (!k->line.online || !ls)
        return VIEW_ICON_OFFLINE;
    switch (ls->state) {
    case MF_STATION_WORKING:
        return VIEW_ICON_WORKING;
    case MF_STATION_FAULT:
        return VIEW_ICON_FAULT;
    default:
        return VIEW_ICON_WAITING;
    }
}

uint32_t kiosk_station_state_colour(const kiosk_t *k, const mf_line_station_t *ls)
{
    if (!k->line.online || !ls)
        return 0x9AA5CE;
    switch (ls->state) {
    case MF_STATION_WORKING:
        return 0x2EC4B6;
    case MF_STATION_FAULT:
        return 0xE63946;
    default:
        return 0xFFD23F;
    }
}

uint32_t kiosk_piece_colour(uint8_t plc_colour)
{
    /* the PLC's codes (line_regmap.h): 1 red, 2 blue, 3 green, 4 yellow, 5 black, 6 silver */
    static const uint32_t rgb[] = {0xC3CCEE, 0xE63946, 0x3A86FF, 0x2DC653,
                                   0xFFD23F, 0x30343F, 0xC0C6D0};
    return plc_colour < sizeof rgb / sizeof rgb[0] ? rgb[plc_colour] : rgb[0];
}
