/*
 * kiosk_touch.h - the staff tests' finger on the kiosk: a press held for a
 * while (the hidden corners want 3 s), and a tap on a widget by its id, both
 * on the test's clock.
 */
#ifndef MF_TEST_KIOSK_TOUCH_H
#define MF_TEST_KIOSK_TOUCH_H

#include "kiosk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Down at (X, Y), the clock ticking by 50 ms while HOLD_MS pass, then up. */
static inline void kiosk_touch(kiosk_t *k, int64_t *now, float x, float y, int hold_ms)
{
    mf_event_t ev = {.type = MF_EV_POINTER_DOWN, .pointer = 1, .x = x, .y = y};
    kiosk_update(k, &ev, *now);
    for (int t = 0; t < hold_ms; t += 50) {
        *now += 50;
        mf_event_t tick = {.type = MF_EV_TICK};
        kiosk_update(k, &tick, *now);
    }
    ev.type = MF_EV_POINTER_UP;
    kiosk_update(k, &ev, *now);
}

/* A tap on the middle of widget ID of V (the kiosk's view now); the test
 * fails when it is not on screen. */
static inline void kiosk_touch_widget(kiosk_t *k, int64_t *now, const view_t *v, const char *id)
{
    const view_widget_t *w = view_find_id(v, id);
    if (!w)
        fail_msg("no widget #%s on screen %s", id, v->screen);
    kiosk_touch(k, now, w->rect.x + w->rect.w / 2, w->rect.y + w->rect.h / 2, 0);
}

#endif
