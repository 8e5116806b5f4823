/*
 * staff_pin.c - screen "staff-pin": the PIN pad the corner gesture opens.
 *
 * Shows dots, never digits. With no PIN set it says how to set one and
 * opens nothing; after five wrong PINs it shows the lockout's countdown
 * (the lockout itself is kept by the platform, app/staff, so a restart does
 * not forgive it). The check runs off the UI thread: "checking..." meanwhile.
 */
#include "staff_priv.h"

#include <stdio.h>
#include <string.h>

static int64_t locked_left(const staff_console_t *c, int64_t now)
{
    return c->locked_until > now ? c->locked_until - now : 0;
}

static void pin_enter(kiosk_t *k, bool uncovered, int64_t now)
{
    staff_console_t *c = staff_of(k);
    (void)uncovered;
    (void)now;
    staff_pinpad_clear(&c->pad);
    c->pin_message[0] = '\0';
    c->pin_status_known = false;
    c->checking = false;
    staff_request(k, STAFF_REQ_PIN_STATUS, NULL);
}

static void pin_leave(kiosk_t *k, bool covered, int64_t now)
{
    (void)covered;
    (void)now;
    staff_pinpad_clear(&staff_of(k)->pad);
}

static void pin_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    const staff_console_t *c = staff_of(k);
    bool portrait = kiosk_portrait(k);
    float m = 4.0f;
    kiosk_add_button(v, "pin-cancel", kiosk_text(k, "staff.leave"), view_rect(m, m, 30.0f, 11.0f),
                     VIEW_STYLE_GHOST, VIEW_ICON_BACK);
    kiosk_add_text(v, kiosk_text(k, "staff.pin.title"),
                   view_rect(m + 34.0f, m, v->w - 2 * m - 68.0f, 11.0f), VIEW_STYLE_TITLE, 6.0f);

    float pw = portrait ? v->w - 2 * m : 84.0f;
    float px = (v->w - pw) / 2.0f, y = 19.0f;
    char msg[STAFF_TEXT_MAX * 2];
    int64_t left = locked_left(c, now);
    bool pad = false;
    msg[0] = '\0';
    if (!c->pin_status_known) {
        snprintf(msg, sizeof msg, "%s", kiosk_text(k, "staff.pin.checking"));
    } else if (!c->any_pin) {
        snprintf(msg, sizeof msg, "%s", kiosk_text(k, "staff.pin.none"));
    } else if (left > 0) {
        char cd[24];
        staff_format_countdown(left, cd, sizeof cd);
        staff_textf(k, msg, sizeof msg, "staff.pin.locked", "time", cd, (const char *)NULL);
    } else if (c->checking) {
        snprintf(msg, sizeof msg, "%s", kiosk_text(k, "staff.pin.checking"));
    } else {
        pad = true;
        if (c->pin_message[0]) {
            char n[8];
            snprintf(n, sizeof n, "%d", c->tries_left);
            staff_textf(k, msg, sizeof msg, c->pin_message, "tries", n, (const char *)NULL);
        } else {
            snprintf(msg, sizeof msg, "%s", kiosk_text(k, "staff.pin.prompt"));
        }
    }
    view_widget_t *w =
        kiosk_add_text(v, msg, view_rect(px - 20.0f, y, pw + 40.0f, 12.0f), VIEW_STYLE_BODY, 3.8f);
    if (w)
        snprintf(w->id, sizeof w->id, "pin-message");
    y += 13.0f;
    char dots[STAFF_PIN_MAX * 3 + 1];
    staff_pinpad_dots(&c->pad, dots, sizeof dots);
    w = kiosk_add_text(v, dots, view_rect(px, y, pw, 9.0f), VIEW_STYLE_TITLE, 6.0f);
    if (w)
        snprintf(w->id, sizeof w->id, "pin-dots");
    y += 10.0f;
    if (!pad) {
        staff_layout_estop(k, v);
        return;
    }
    static const char *const keys[12] = {"1", "2", "3", "4",   "5", "6",
                                         "7", "8", "9", "del", "0", "ok"};
    float gap = 2.0f;
    float kh = portrait ? 16.0f : (v->h - y - m - 3 * gap) / 4.0f;
    float kw = (pw - 2 * gap) / 3.0f;
    for (int i = 0; i < 12; i++) {
        char id[16];
        snprintf(id, sizeof id, "pin-%s", keys[i]);
        const char *label = i == 9    ? kiosk_text(k, "staff.pin.delete")
                            : i == 11 ? kiosk_text(k, "staff.pin.ok")
                                      : keys[i];
        view_style_t style =
            i == 11  ? (staff_pinpad_complete(&c->pad) ? VIEW_STYLE_PRIMARY : VIEW_STYLE_GHOST)
            : i == 9 ? VIEW_STYLE_GHOST
                     : VIEW_STYLE_SECONDARY;
        w = kiosk_add_button(
            v, id, label,
            view_rect(px + (float)(i % 3) * (kw + gap), y + (float)(i / 3) * (kh + gap), kw, kh),
            style, i == 11 ? VIEW_ICON_CHECK : VIEW_ICON_NONE);
        if (w)
            w->font = i == 9 || i == 11 ? 4.0f : 6.0f;
    }
    staff_layout_estop(k, v);
}

static bool pin_act(kiosk_t *k, const char *id, int64_t now)
{
    staff_console_t *c = staff_of(k);
    if (strcmp(id, "pin-cancel") == 0) {
        staff_leave(k, now);
        return true;
    }
    if (strncmp(id, "pin-", 4) != 0)
        return false;
    if (!c->pin_status_known || !c->any_pin || c->checking || locked_left(c, now) > 0)
        return true; /* the pad is not shown: nothing to press */
    const char *key = id + 4;
    c->pin_message[0] = '\0';
    if (strcmp(key, "del") == 0) {
        staff_pinpad_backspace(&c->pad);
    } else if (strcmp(key, "ok") == 0) {
        if (!staff_pinpad_complete(&c->pad))
            return true;
        staff_request_t r = {0};
        snprintf(r.pin, sizeof r.pin, "%s", c->pad.digits);
        staff_request(k, STAFF_REQ_PIN_CHECK, &r);
        memset(&r, 0, sizeof r);
        staff_pinpad_clear(&c->pad);
        c->checking = true;
    } else if (key[0] >= '0' && key[0] <= '9' && !key[1]) {
        staff_pinpad_digit(&c->pad, key[0]);
    }
    return true;
}

static bool pin_hear(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    staff_console_t *c = staff_of(k);
    if (staff_hear_idle(k, ev, now))
        return true;
    if (ev->type == MF_EV_TEXT) { /* digits from a physical keypad */
        bool changed = false;
        for (const char *p = ev->text; *p; p++)
            changed |= staff_pinpad_digit(&c->pad, *p);
        return changed;
    }
    if (ev->type == MF_EV_KEY &&
        (strcmp(ev->text, "Return") == 0 || strcmp(ev->text, "Keypad Enter") == 0))
        return pin_act(k, "pin-ok", now);
    if (ev->type == MF_EV_KEY && strcmp(ev->text, "Backspace") == 0)
        return pin_act(k, "pin-del", now);
    /* the countdown moves once a second */
    return ev->type == MF_EV_TICK && c->locked_until > 0;
}

static int64_t pin_deadline(const kiosk_t *k, int64_t now)
{
    const staff_console_t *c = staff_of(k);
    int64_t next = staff_idle_deadline(k, now);
    int64_t left = locked_left(c, now);
    if (left > 0) {
        int64_t step = left % 1000 ? left % 1000 : 1000;
        if (now + step < next)
            next = now + step;
    }
    return next;
}

const screen_class_t screen_staff_pin = {
    .id = "staff-pin",
    .enter = pin_enter,
    .leave = pin_leave,
    .layout = pin_layout,
    .act = pin_act,
    .hear = pin_hear,
    .deadline = pin_deadline,
    .no_idle = true,
};
