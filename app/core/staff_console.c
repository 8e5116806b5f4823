/*
 * staff_console.c - the staff console's shared state and plumbing (see
 * staff_console.h): the entry gesture on visitor screens, the queue of
 * requests to the platform, the news it sends back (replies, the line's
 * detail and alarm history, the devices), leaving, the idle rule and the bar
 * every staff screen shows. The screens are app/core/screens/staff_*.c.
 */
#include "screens/staff_priv.h"

#include "mf_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

staff_console_t *staff_console_create(void)
{
    staff_console_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    staff_gesture_reset(&c->gesture);
    c->next_tag = 1;
    c->tries_left = STAFF_LOCK_TRIES;
    return c;
}

void staff_console_destroy(staff_console_t *c)
{
    if (c)
        staff_pinpad_clear(&c->pad);
    free(c);
}

const char *staff_group_type_name(staff_group_type_t t)
{
    static const char *const names[STAFF_GROUP_TYPE_COUNT] = {"none", "school", "job_seekers",
                                                              "company", "public"};
    return t >= 0 && t < STAFF_GROUP_TYPE_COUNT ? names[t] : "none";
}

staff_role_t staff_console_role(const kiosk_t *k)
{
    return k->staff ? k->staff->session.role : STAFF_ROLE_NONE;
}

int staff_console_history_count(const kiosk_t *k)
{
    return k->staff ? k->staff->history_len : 0;
}

/* ---- requests ------------------------------------------------------------ */

uint32_t staff_request(kiosk_t *k, staff_request_kind_t kind, const staff_request_t *tmpl)
{
    staff_console_t *c = k->staff;
    if (!c)
        return 0;
    if (c->q_len == STAFF_REQ_QUEUE) { /* the platform is not taking them: drop the oldest */
        c->q_head = (c->q_head + 1) % STAFF_REQ_QUEUE;
        c->q_len--;
    }
    staff_request_t *r = &c->queue[(c->q_head + c->q_len) % STAFF_REQ_QUEUE];
    if (tmpl)
        *r = *tmpl;
    else
        memset(r, 0, sizeof *r);
    r->kind = kind;
    r->tag = c->next_tag++;
    r->role = c->session.role;
    c->q_len++;
    return r->tag;
}

bool staff_console_take_request(kiosk_t *k, staff_request_t *out)
{
    staff_console_t *c = k->staff;
    if (!c || c->q_len == 0)
        return false;
    staff_request_t *r = &c->queue[c->q_head];
    *out = *r;
    memset(r, 0, sizeof *r); /* a PIN does not stay in the queue */
    c->q_head = (c->q_head + 1) % STAFF_REQ_QUEUE;
    c->q_len--;
    return true;
}

/* ---- entering and leaving ------------------------------------------------ */

static bool is_staff_screen(const kiosk_t *k)
{
    return strncmp(kiosk_screen_id(kiosk_screen(k)), "staff-", 6) == 0;
}

int staff_console_pointer(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    staff_console_t *c = k->staff;
    if (!c || is_staff_screen(k) || kiosk_screen(k) == KIOSK_SCREEN_PROBLEM)
        return STAFF_GESTURE_IDLE;
    if (k->ptr.down && ev->pointer != k->ptr.id)
        return STAFF_GESTURE_IDLE; /* a second finger */
    switch (ev->type) {
    case MF_EV_POINTER_DOWN:
        staff_gesture_down(&c->gesture, ev->x, ev->y, k->w, k->h, now);
        return STAFF_GESTURE_IDLE;
    case MF_EV_POINTER_MOVE:
        staff_gesture_move(&c->gesture, ev->x, ev->y, k->w, k->h, now);
        return STAFF_GESTURE_IDLE;
    case MF_EV_POINTER_UP: {
        staff_gesture_result_t r = staff_gesture_up(&c->gesture, ev->x, ev->y, k->w, k->h, now);
        if (r == STAFF_GESTURE_DONE) {
            /* staff take over: the visitor's visit ends here */
            kiosk_end_visit(k, VISIT_END_STAFF, now);
            kiosk_reset_to(k, KIOSK_SCREEN_STAFF_PIN, NULL, now);
        }
        return r;
    }
    default:
        return STAFF_GESTURE_IDLE;
    }
}

void staff_leave(kiosk_t *k, int64_t now)
{
    staff_console_t *c = k->staff;
    if (c->session.role != STAFF_ROLE_NONE)
        staff_request(k, STAFF_REQ_LOGOUT, NULL);
    staff_session_close(&c->session);
    staff_pinpad_clear(&c->pad);
    c->checking = false;
    c->cmd_shown = false;
    c->dev_text[0] = c->context_text[0] = c->export_text[0] = '\0';
    staff_gesture_reset(&c->gesture);
    kiosk_end_visit(k, VISIT_END_STAFF, now);
}

int64_t staff_idle_deadline(const kiosk_t *k, int64_t now)
{
    (void)now;
    return k->last_input + STAFF_IDLE_MS;
}

bool staff_hear_idle(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    if (ev->type == MF_EV_TICK && !k->ptr.down && now - k->last_input >= STAFF_IDLE_MS) {
        staff_leave(k, now);
        return true;
    }
    return false;
}

/* ---- news from the platform ---------------------------------------------- */

/* BUF = A, then " " and B when B is not empty; cut to SIZE (texts for the
 * screen, whose box fits them anyway). */
static void compose(char *buf, size_t size, const char *a, const char *b)
{
    size_t n = 0;
    for (const char *parts[3] = {a, b[0] ? " " : "", b}, **p = parts; p < parts + 3; p++)
        for (const char *c = *p; *c && n + 1 < size; c++)
            buf[n++] = *c;
    buf[n] = '\0';
}

static staff_history_t *history_open(staff_console_t *c, int code, int station)
{
    for (int i = c->history_len - 1; i >= 0; i--)
        if (c->history[i].code == code && c->history[i].station == station &&
            !c->history[i].gone[0])
            return &c->history[i];
    return NULL;
}

/* The alarm table of the new snapshot against what was seen: new alarms,
 * acknowledged ones, and the ones that left the table, each with its time. */
static void history_update(staff_console_t *c, const staff_line_t *l)
{
    for (int i = 0; i < l->alarm_count && i < STAFF_ALARMS_MAX; i++) {
        staff_history_t *h = history_open(c, l->alarms[i].code, l->alarms[i].station);
        if (!h) {
            if (c->history_len == STAFF_HISTORY_MAX) {
                memmove(&c->history[0], &c->history[1],
                        sizeof c->history[0] * (STAFF_HISTORY_MAX - 1));
                c->history_len--;
            }
            h = &c->history[c->history_len++];
            memset(h, 0, sizeof *h);
            h->code = l->alarms[i].code;
            h->station = l->alarms[i].station;
            snprintf(h->seen, sizeof h->seen, "%s", l->clock);
        }
        if (!l->alarms[i].unacked && !h->acked[0])
            snprintf(h->acked, sizeof h->acked, "%s", l->clock);
    }
    for (int j = 0; j < c->history_len; j++) {
        staff_history_t *h = &c->history[j];
        if (h->gone[0])
            continue;
        bool present = false;
        for (int i = 0; i < l->alarm_count && i < STAFF_ALARMS_MAX; i++)
            present |= l->alarms[i].code == h->code && l->alarms[i].station == h->station;
        if (!present) {
            snprintf(h->gone, sizeof h->gone, "%s", l->clock);
            if (!h->acked[0])
                snprintf(h->acked, sizeof h->acked, "%s", l->clock);
        }
    }
}

static void hear_reply(kiosk_t *k, const staff_reply_t *r, int64_t now)
{
    staff_console_t *c = k->staff;
    switch (r->kind) {
    case STAFF_REQ_PIN_STATUS:
        c->pin_status_known = true;
        c->any_pin = r->any_pin;
        c->locked_until = r->locked_ms > 0 ? now + r->locked_ms : 0;
        c->tries_left = r->tries_left;
        break;
    case STAFF_REQ_PIN_CHECK:
        c->checking = false;
        staff_pinpad_clear(&c->pad);
        c->pin_status_known = true;
        c->tries_left = r->tries_left;
        if (r->rc == MF_OK && r->role != STAFF_ROLE_NONE) {
            c->pin_message[0] = '\0';
            c->locked_until = 0;
            staff_session_open(&c->session, r->role, now);
            if (kiosk_screen(k) == KIOSK_SCREEN_STAFF_PIN)
                kiosk_reset_to(k, KIOSK_SCREEN_STAFF_LINE, NULL, now);
        } else if (r->rc == MF_ENOENT) {
            c->any_pin = false;
        } else {
            c->any_pin = true;
            c->locked_until = r->locked_ms > 0 ? now + r->locked_ms : 0;
            snprintf(c->pin_message, sizeof c->pin_message, "%s",
                     r->locked_ms > 0 ? "" : "staff.pin.wrong");
        }
        break;
    case STAFF_REQ_COMMAND:
        if (r->tag == c->cmd_tag) {
            c->outcome = r->outcome;
            c->plc_result = r->plc_result;
            c->line_state = r->line_state;
        }
        break;
    case STAFF_REQ_RECONNECT:
    case STAFF_REQ_UNLOCK:
        if (r->tag == c->dev_tag) {
            const char *key = r->rc == MF_OK ? (r->kind == STAFF_REQ_UNLOCK ? "staff.dev.unlocked"
                                                                            : "staff.dev.done")
                              : r->rc == MF_EUNSUPPORTED ? "staff.dev.reconnect_auto"
                              : r->rc == MF_ENOENT       ? "staff.dev.absent"
                              : r->rc == MF_EBUSY        ? "staff.dev.busy"
                              : r->rc == MF_ETIMEDOUT    ? "staff.dev.not_back"
                                                         : "staff.dev.failed";
            compose(c->dev_text, sizeof c->dev_text, kiosk_text(k, key), r->text);
        }
        break;
    case STAFF_REQ_CONTEXT_GET:
        c->context = r->context;
        c->edit = r->context;
        c->context_known = r->rc == MF_OK;
        break;
    case STAFF_REQ_CONTEXT_SET:
        if (r->tag != c->context_tag)
            break;
        if (r->rc == MF_OK) {
            c->context = r->context;
            c->context_known = true;
            snprintf(c->context_text, sizeof c->context_text, "%s",
                     kiosk_text(k, "staff.group.saved"));
        } else {
            compose(c->context_text, sizeof c->context_text,
                    kiosk_text(k, r->rc == MF_EUNSUPPORTED ? "staff.stats.unavailable"
                                  : r->rc == MF_EINVAL     ? "staff.group.bad_dates"
                                                           : "staff.group.failed"),
                    r->text);
        }
        break;
    case STAFF_REQ_FIGURES:
        c->figures = r->figures;
        c->figures_known = true;
        break;
    case STAFF_REQ_USB_SCAN:
        c->usb_present = r->usb_present;
        snprintf(c->usb_text, sizeof c->usb_text, "%s", r->text);
        break;
    case STAFF_REQ_EXPORT:
    case STAFF_REQ_RELOAD: {
        if (r->tag != c->export_tag)
            break;
        const char *key;
        if (r->kind == STAFF_REQ_EXPORT)
            key = r->rc == MF_OK       ? "staff.export.done"
                  : r->rc == MF_ENOSPC ? "staff.usb.full"
                  : r->rc == MF_ENOENT ? (r->usb_present ? "staff.usb.gone" : "staff.usb.none")
                  : r->rc == MF_EUNSUPPORTED ? "staff.stats.unavailable"
                                             : "staff.usb.failed";
        else
            key = r->rc == MF_OK             ? "staff.reload.done"
                  : r->rc == MF_ENOENT       ? "staff.reload.missing"
                  : r->rc == MF_EUNSUPPORTED ? "staff.reload.usb_valid"
                                             : "staff.reload.invalid";
        compose(c->export_text, sizeof c->export_text, kiosk_text(k, key), r->text);
        c->usb_present = r->usb_present;
        break;
    }
    case STAFF_REQ_LOGOUT:
        break;
    }
}

bool staff_console_hear(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    staff_console_t *c = k->staff;
    if (!c || ev->type != MF_EV_STAFF || !ev->staff)
        return false;
    const staff_news_t *n = ev->staff;
    switch (n->kind) {
    case STAFF_NEWS_LINE:
        history_update(c, &n->line);
        c->line = n->line;
        break;
    case STAFF_NEWS_DEVICES:
        memcpy(c->devices, n->devices, sizeof c->devices);
        c->store = n->store;
        c->devices_known = true;
        break;
    case STAFF_NEWS_REPLY:
        hear_reply(k, &n->reply, now);
        break;
    }
    return is_staff_screen(k);
}

/* ---- the shared look ----------------------------------------------------- */

void staff_textf(const kiosk_t *k, char *buf, size_t size, const char *key, ...)
{
    const char *t = kiosk_text(k, key);
    size_t n = 0;
    va_list ap;
    buf[0] = '\0';
    while (*t && n + 1 < size) {
        const char *close = t[0] == '{' ? strchr(t, '}') : NULL;
        if (close) {
            const char *value = NULL;
            va_start(ap, key);
            for (const char *name; (name = va_arg(ap, const char *)) != NULL;) {
                const char *v = va_arg(ap, const char *);
                if (strlen(name) == (size_t)(close - t - 1) &&
                    strncmp(name, t + 1, (size_t)(close - t - 1)) == 0)
                    value = v;
            }
            va_end(ap);
            if (value) {
                int w = snprintf(buf + n, size - n, "%s", value);
                n = w < 0 ? n : (size_t)w >= size - n ? size - 1 : n + (size_t)w;
                t = close + 1;
                continue;
            }
        }
        buf[n++] = *t++;
        buf[n] = '\0';
    }
}

static const struct {
    const char *id, *key;
    kiosk_screen_t screen;
    staff_permission_t need;
} staff_tabs[] = {
    {"staff-tab-line", "staff.tab.line", KIOSK_SCREEN_STAFF_LINE, STAFF_CAN_LINE},
    {"staff-tab-devices", "staff.tab.devices", KIOSK_SCREEN_STAFF_DEVICES, STAFF_CAN_DEVICES},
    {"staff-tab-group", "staff.tab.group", KIOSK_SCREEN_STAFF_GROUP, STAFF_CAN_GROUP},
    {"staff-tab-stats", "staff.tab.stats", KIOSK_SCREEN_STAFF_STATS, STAFF_CAN_STATS},
};

float staff_layout_bar(const kiosk_t *k, view_t *v, const char *tab)
{
    staff_role_t role = staff_console_role(k);
    float m = 3.0f, bh = 10.0f;
    bool portrait = kiosk_portrait(k);
    int n = 0;
    for (size_t i = 0; i < sizeof staff_tabs / sizeof staff_tabs[0]; i++)
        n += staff_role_can(role, staff_tabs[i].need);
    float leave_w = portrait ? 20.0f : 26.0f, lang_w = portrait ? 8.0f : 18.0f;
    float tw =
        portrait ? (v->w - 2 * m - leave_w - lang_w - 1.5f - (float)n * 1.5f) / (float)n : 30.0f;
    float x = m;
    for (size_t i = 0; i < sizeof staff_tabs / sizeof staff_tabs[0]; i++) {
        if (!staff_role_can(role, staff_tabs[i].need))
            continue;
        bool on = strcmp(tab, staff_tabs[i].id) == 0;
        view_widget_t *w = kiosk_add_button(
            v, staff_tabs[i].id, kiosk_text(k, staff_tabs[i].key), view_rect(x, m, tw, bh),
            on ? VIEW_STYLE_TOGGLE_ON : VIEW_STYLE_SECONDARY, VIEW_ICON_NONE);
        if (w)
            w->font = 3.4f;
        x += tw + 1.5f;
    }
    if (!portrait) {
        char who[96];
        staff_textf(k, who, sizeof who, "staff.role.as", "role",
                    kiosk_text(k, role == STAFF_ROLE_ORGANISER ? "staff.role.organiser"
                                                               : "staff.role.operator"),
                    (const char *)NULL);
        view_widget_t *w =
            kiosk_add_text(v, who, view_rect(x + 2.0f, m, v->w - x - leave_w - lang_w - 7.5f, bh),
                           VIEW_STYLE_CAPTION, 3.2f);
        if (w)
            w->align = VIEW_ALIGN_LEFT;
    }
    /* the console's own language: the other one's name, as on the visitor
     * side; back to the kiosk's default when the console is left */
    view_widget_t *lw = kiosk_add_button(
        v, "staff-lang", kiosk_text(k, portrait ? "staff.lang.short" : "staff.lang.other"),
        view_rect(v->w - m - leave_w - 1.5f - lang_w, m, lang_w, bh), VIEW_STYLE_SECONDARY,
        VIEW_ICON_NONE);
    if (lw)
        lw->font = 3.2f;
    view_widget_t *w = kiosk_add_button(v, "staff-leave", kiosk_text(k, "staff.leave"),
                                        view_rect(v->w - m - leave_w, m, leave_w, bh),
                                        VIEW_STYLE_GHOST, VIEW_ICON_BACK);
    if (w)
        w->font = 3.4f;
    return m + bh + 2.0f;
}

void staff_layout_estop(const kiosk_t *k, view_t *v)
{
    const staff_console_t *c = k->staff;
    if (!(k->line.estop || (c && c->line.known && c->line.estop)))
        return;
    /* above everything: the last widget drawn, across the screen under the
     * tabs (which stay usable: leaving and the devices matter then too) */
    view_widget_t *w = kiosk_add_text(v, kiosk_text(k, "staff.estop.banner"),
                                      view_rect(0, 15.0f, v->w, 13.0f), VIEW_STYLE_STATUS, 4.2f);
    if (w) {
        snprintf(w->id, sizeof w->id, "staff-estop");
        w->accent = 0xE63946;
    }
}

bool staff_act_bar(kiosk_t *k, const char *id, int64_t now)
{
    if (strcmp(id, "staff-leave") == 0) {
        staff_leave(k, now);
        return true;
    }
    if (strcmp(id, "staff-lang") == 0) {
        snprintf(k->language, sizeof k->language, "%s",
                 strcmp(k->language, "en") == 0 ? "fr" : "en");
        return true;
    }
    for (size_t i = 0; i < sizeof staff_tabs / sizeof staff_tabs[0]; i++) {
        if (strcmp(id, staff_tabs[i].id) == 0) {
            if (staff_role_can(staff_console_role(k), staff_tabs[i].need) &&
                kiosk_screen(k) != staff_tabs[i].screen)
                kiosk_reset_to(k, staff_tabs[i].screen, NULL, now);
            return true;
        }
    }
    return false;
}
