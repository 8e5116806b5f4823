/*
 * staff_devices.c - screen "staff-devices": every device of the truck (the
 * line's PLC, the I/O module, the laser engraver, the ticket scanner) with
 * its configured address, connection state, last good message, errors
 * since start and last error; "reconnect" for each, and the engraver's GRBL
 * state with "unlock" after an alarm. The summaries come from the platform
 * (STAFF_NEWS_DEVICES); the buttons are requests.
 */
#include "staff_priv.h"

#include <stdio.h>
#include <string.h>

static const char *const dev_keys[STAFF_DEV_COUNT] = {"staff.dev.plc", "staff.dev.io",
                                                      "staff.dev.engraver", "staff.dev.scanner"};

static void age_text(const kiosk_t *k, int64_t ms, char *buf, size_t size)
{
    if (ms < 0) {
        snprintf(buf, size, "%s", kiosk_text(k, "staff.dev.never"));
        return;
    }
    char t[24];
    staff_format_countdown(ms, t, sizeof t);
    staff_textf(k, buf, size, "staff.dev.ago", "time", t, (const char *)NULL);
}

static void devices_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    (void)now;
    const staff_console_t *c = staff_of(k);
    float m = 3.0f, y = staff_layout_bar(k, v, "staff-tab-devices");
    bool portrait = kiosk_portrait(k);
    float rowh = portrait ? 32.0f : 17.0f, gap = 2.0f, bw = portrait ? 30.0f : 28.0f;
    for (int i = 0; i < STAFF_DEV_COUNT; i++) {
        const staff_device_t *d = &c->devices[i];
        float ry = y + (float)i * (rowh + gap);
        view_widget_t *p =
            view_add(v, VIEW_PANEL, NULL, NULL, view_rect(m, ry, v->w - 2 * m, rowh));
        if (p)
            p->accent = !c->devices_known || !d->present ? 0x9AA5CE
                        : d->connected                   ? 0x2EC4B6
                                                         : 0xE63946;
        char text[VIEW_LABEL_MAX], age[48], errs[16];
        age_text(k, d->last_good_age_ms, age, sizeof age);
        snprintf(errs, sizeof errs, "%u", d->errors);
        const char *state = !c->devices_known ? kiosk_text(k, "staff.dev.unknown")
                            : !d->present     ? kiosk_text(k, "staff.dev.absent")
                            : d->connected    ? kiosk_text(k, "staff.dev.connected")
                                              : kiosk_text(k, "staff.dev.disconnected");
        char detail[256];
        staff_textf(k, detail, sizeof detail, "staff.dev.detail", "address",
                    d->address[0] ? d->address : "—", "last", age, "errors", errs,
                    (const char *)NULL);
        snprintf(text, sizeof text, "%s — %s%s%s\n%s%s%s", kiosk_text(k, dev_keys[i]), state,
                 d->state[0] ? " · GRBL " : "", d->state, detail, d->last_error[0] ? "\n" : "",
                 d->last_error);
        char id[32];
        snprintf(id, sizeof id, "staff-dev-%d", i);
        float tw = v->w - 2 * m - 2.0f - (portrait ? 0.0f : 2 * bw + 4.0f);
        view_widget_t *w = kiosk_add_text(
            v, text, view_rect(m + 1.5f, ry + 1.0f, tw, portrait ? rowh - 13.0f : rowh - 2.0f),
            VIEW_STYLE_BODY, 3.0f);
        if (w) {
            snprintf(w->id, sizeof w->id, "%s", id);
            w->align = VIEW_ALIGN_LEFT;
        }
        float bx = portrait ? m + 1.5f : v->w - m - 2 * bw - 3.0f;
        float by = portrait ? ry + rowh - 12.0f : ry + (rowh - 10.0f) / 2.0f;
        snprintf(id, sizeof id, "staff-reconnect-%d", i);
        w = d->present ? kiosk_add_button(v, id, kiosk_text(k, "staff.dev.reconnect"),
                                          view_rect(bx, by, bw, 10.0f), VIEW_STYLE_SECONDARY,
                                          VIEW_ICON_NONE)
                       : NULL;
        if (w)
            w->font = 3.2f;
        if (i == STAFF_DEV_ENGRAVER && d->can_unlock) {
            w = kiosk_add_button(v, "staff-unlock", kiosk_text(k, "staff.dev.unlock"),
                                 view_rect(bx + bw + 2.0f, by, bw, 10.0f), VIEW_STYLE_PRIMARY,
                                 VIEW_ICON_NONE);
            if (w)
                w->font = 3.2f;
        }
    }
    float ty = y + (float)STAFF_DEV_COUNT * (rowh + gap);
    /* the statistics store: nothing lost on a power cut, nothing lost in silence */
    char store[VIEW_LABEL_MAX], q[24], dr[24];
    snprintf(q, sizeof q, "%lld", c->store.queued);
    snprintf(dr, sizeof dr, "%lld", c->store.dropped);
    if (!c->store.present)
        snprintf(store, sizeof store, "%s", kiosk_text(k, "staff.dev.store_absent"));
    else
        staff_textf(k, store, sizeof store,
                    c->store.failing ? "staff.dev.store_failing" : "staff.dev.store_ok", "queued",
                    q, "dropped", dr, "error", c->store.last_error, (const char *)NULL);
    view_widget_t *w =
        kiosk_add_text(v, store, view_rect(m, ty, v->w - 2 * m, 6.0f), VIEW_STYLE_STATUS, 3.0f);
    if (w) {
        snprintf(w->id, sizeof w->id, "staff-store");
        w->accent = !c->store.present ? 0x9AA5CE : c->store.failing ? 0xE63946 : 0x2EC4B6;
    }
    ty += 7.0f;
    w = kiosk_add_text(v, c->dev_text, view_rect(m, ty, v->w - 2 * m, 8.0f), VIEW_STYLE_BODY, 3.2f);
    if (w) {
        snprintf(w->id, sizeof w->id, "staff-dev-outcome");
        w->align = VIEW_ALIGN_LEFT;
    }
    staff_layout_estop(k, v);
}

static bool devices_act(kiosk_t *k, const char *id, int64_t now)
{
    staff_console_t *c = staff_of(k);
    if (staff_act_bar(k, id, now))
        return true;
    if (!staff_role_can(c->session.role, STAFF_CAN_DEVICES))
        return false;
    staff_request_t r = {0};
    if (strncmp(id, "staff-reconnect-", 16) == 0) {
        int d = id[16] - '0';
        if (d < 0 || d >= STAFF_DEV_COUNT || id[17])
            return false;
        r.device = (staff_device_id_t)d;
        c->dev_tag = staff_request(k, STAFF_REQ_RECONNECT, &r);
        snprintf(c->dev_text, sizeof c->dev_text, "%s", kiosk_text(k, "staff.dev.reconnecting"));
        return true;
    }
    if (strcmp(id, "staff-unlock") == 0) {
        r.device = STAFF_DEV_ENGRAVER;
        c->dev_tag = staff_request(k, STAFF_REQ_UNLOCK, &r);
        snprintf(c->dev_text, sizeof c->dev_text, "%s", kiosk_text(k, "staff.dev.unlocking"));
        return true;
    }
    return false;
}

static bool devices_hear(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    return staff_hear_idle(k, ev, now);
}

static void devices_enter(kiosk_t *k, bool uncovered, int64_t now)
{
    (void)uncovered;
    (void)now;
    staff_of(k)->dev_text[0] = '\0';
}

const screen_class_t screen_staff_devices = {
    .id = "staff-devices",
    .enter = devices_enter,
    .layout = devices_layout,
    .act = devices_act,
    .hear = devices_hear,
    .deadline = staff_idle_deadline,
    .no_idle = true,
};
