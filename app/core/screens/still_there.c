/*
 * still_there.c - screen "still-there": nobody touched the kiosk for the
 * idle timeout. A big "yes" and a visible countdown of KIOSK_STILL_THERE_MS;
 * "yes" (or back) returns to where the visitor was; at zero the visit ends
 * (reason: idle) and everything of the visitor is wiped (kiosk_end_visit).
 * A piece already ordered goes on being made: the line does not depend on
 * the visit.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

static int seconds_left(const kiosk_t *k, int64_t now)
{
    int64_t left = kiosk_entered(k) + KIOSK_STILL_THERE_MS - now;
    return left <= 0 ? 0 : (int)((left + 999) / 1000);
}

static void still_there_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    float m = 6.0f, ts = kiosk_text_scale(k);
    bool port = kiosk_portrait(k);
    float y = port ? 20.0f : 10.0f;
    kiosk_add_text(v, kiosk_text(k, "idle.question"), view_rect(m, y, v->w - 2 * m, 24.0f),
                   VIEW_STYLE_TITLE, 10.0f * ts);
    char secs[16], msg[160];
    snprintf(secs, sizeof secs, "%d", seconds_left(k, now));
    const char *const names[] = {"seconds"};
    const char *const values[] = {secs};
    content_format(msg, sizeof msg, kiosk_text(k, "idle.countdown"), names, values, 1);
    view_widget_t *w = kiosk_add_text(v, msg, view_rect(m, y + 26.0f, v->w - 2 * m, 12.0f),
                                      VIEW_STYLE_BODY, 5.5f * ts);
    if (w)
        snprintf(w->id, sizeof w->id, "countdown");
    float by = port ? v->h / 2.0f : 55.0f;
    float bw = port ? v->w - 2 * m : v->w * 0.6f;
    w = kiosk_add_button(v, "yes", kiosk_text(k, "idle.yes"),
                         view_rect((v->w - bw) / 2.0f, by, bw, port ? 30.0f : 26.0f),
                         VIEW_STYLE_PRIMARY, VIEW_ICON_HAND);
    if (w)
        w->font = 7.0f * ts;
}

static bool still_there_act(kiosk_t *k, const char *id, int64_t now)
{
    if (strcmp(id, "yes") != 0)
        return false;
    kiosk_pop(k, now);
    return true;
}

static bool still_there_hear(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    if (now - kiosk_entered(k) >= KIOSK_STILL_THERE_MS) {
        kiosk_end_visit(k, VISIT_END_IDLE, now);
        return true;
    }
    return ev->type == MF_EV_TICK; /* the countdown moved (a tick comes each second) */
}

static int64_t still_there_deadline(const kiosk_t *k, int64_t now)
{
    /* the next whole second of the countdown */
    int64_t since = now - kiosk_entered(k);
    int64_t next = kiosk_entered(k) + (since / 1000 + 1) * 1000;
    int64_t end = kiosk_entered(k) + KIOSK_STILL_THERE_MS;
    return next < end ? next : end;
}

const screen_class_t screen_still_there = {
    .id = "still-there",
    .layout = still_there_layout,
    .act = still_there_act,
    .hear = still_there_hear,
    .deadline = still_there_deadline,
    .no_idle = true,
    .no_done = true,
};
