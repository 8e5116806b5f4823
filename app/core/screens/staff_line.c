/*
 * staff_line.c - screen "staff-line": the line's synoptic for the trainers.
 *
 * Each station's true state from the PLC's snapshot, the piece at it, the
 * mode, the order queue, the counters; start, stop, reset, the mode, and
 * acknowledge; the outcome of the last command in words (accepted, refused
 * and why, timed out); the alarms with their time, a plain-language text and
 * what to check, each with its own "acknowledge", plus "acknowledge all", and
 * the history of the stop; a "cancel" button per queued order (the PLC
 * refuses an order already on the line). Commands are requests to the
 * platform (staff_console.h), which sends them through the PLC driver.
 */
#include "staff_priv.h"

#include "line_regmap.h"

#include <stdio.h>
#include <string.h>

static const char *packml_key(int s)
{
    switch (s) {
    case MF_PACKML_EXECUTE:
        return "staff.state.execute";
    case MF_PACKML_IDLE:
        return "staff.state.idle";
    case MF_PACKML_STOPPED:
        return "staff.state.stopped";
    case MF_PACKML_STARTING:
        return "staff.state.starting";
    case MF_PACKML_STOPPING:
        return "staff.state.stopping";
    case MF_PACKML_ABORTING:
    case MF_PACKML_ABORTED:
        return "staff.state.aborted";
    case MF_PACKML_CLEARING:
        return "staff.state.clearing";
    case MF_PACKML_RESETTING:
        return "staff.state.resetting";
    case MF_PACKML_HOLDING:
    case MF_PACKML_HELD:
        return "staff.state.held";
    case MF_PACKML_SUSPENDING:
    case MF_PACKML_SUSPENDED:
        return "staff.state.suspended";
    default:
        return "staff.state.other";
    }
}

static const char *mode_key(int m)
{
    return m == MF_MODE_AUTO          ? "staff.mode.auto"
           : m == MF_MODE_MANUAL      ? "staff.mode.manual"
           : m == MF_MODE_MAINTENANCE ? "staff.mode.maintenance"
                                      : "staff.mode.unknown";
}

static const char *colour_key(int c)
{
    static const char *const keys[] = {
        "staff.colour.none",   "staff.colour.red",   "staff.colour.blue",  "staff.colour.green",
        "staff.colour.yellow", "staff.colour.black", "staff.colour.silver"};
    return c >= 0 && c <= MF_COLOUR_COUNT ? keys[c] : "staff.colour.none";
}

static uint32_t state_colour(int s)
{
    switch (s) {
    case MF_PACKML_EXECUTE:
        return 0x2EC4B6;
    case MF_PACKML_ABORTED:
    case MF_PACKML_ABORTING:
        return 0xE63946;
    case MF_PACKML_HELD:
    case MF_PACKML_HOLDING:
    case MF_PACKML_SUSPENDED:
        return 0xFF7A1A;
    case MF_PACKML_IDLE:
        return 0xFFD23F;
    default:
        return 0x9AA5CE;
    }
}

static void line_enter(kiosk_t *k, bool uncovered, int64_t now)
{
    (void)uncovered;
    (void)now;
    staff_of(k)->cmd_shown = false;
}

/* The state, mode and counters in one line. */
static void line_summary(const kiosk_t *k, char *buf, size_t size)
{
    const staff_line_t *l = &staff_of(k)->line;
    if (!l->known) {
        snprintf(buf, size, "%s", kiosk_text(k, "staff.line.none"));
        return;
    }
    if (!l->online) {
        staff_textf(k, buf, size, "staff.line.offline", "why",
                    l->error[0] ? l->error : kiosk_text(k, "staff.line.no_answer"),
                    (const char *)NULL);
        return;
    }
    char good[16], rej[16], cycle[16], up[24];
    snprintf(good, sizeof good, "%u", l->good);
    snprintf(rej, sizeof rej, "%u", l->rejected);
    snprintf(cycle, sizeof cycle, "%d.%d", l->avg_cycle_ds / 10, l->avg_cycle_ds % 10);
    staff_format_countdown((int64_t)l->uptime_s * 1000, up, sizeof up);
    staff_textf(k, buf, size, "staff.line.summary", "state", kiosk_text(k, packml_key(l->state)),
                "mode", kiosk_text(k, mode_key(l->mode)), "good", good, "rejected", rej, "cycle",
                cycle, "uptime", up, (const char *)NULL);
}

static void layout_stations(const kiosk_t *k, view_t *v, view_rect_t r)
{
    const staff_line_t *l = &staff_of(k)->line;
    int cols = kiosk_portrait(k) ? 3 : 6, rows = STAFF_STATIONS / cols;
    float gap = 1.5f;
    float cw = (r.w - (float)(cols - 1) * gap) / (float)cols;
    float ch = (r.h - (float)(rows - 1) * gap) / (float)rows;
    for (int i = 0; i < STAFF_STATIONS; i++) {
        float x = r.x + (float)(i % cols) * (cw + gap), y = r.y + (float)(i / cols) * (ch + gap);
        char key[32], id[24], text[256], piece[96] = "";
        snprintf(key, sizeof key, "staff.station.%d", i + MF_STATION_FIRST);
        snprintf(id, sizeof id, "staff-station-%d", i + MF_STATION_FIRST);
        int st = l->online ? l->stations[i].state : -1;
        if (l->online && l->stations[i].order) {
            char no[16];
            snprintf(no, sizeof no, "%u", l->stations[i].order);
            staff_textf(k, piece, sizeof piece, "staff.station.piece", "order", no, "colour",
                        kiosk_text(k, colour_key(l->stations[i].colour)), (const char *)NULL);
        } else if (l->online) {
            snprintf(piece, sizeof piece, "%s", kiosk_text(k, "staff.station.empty"));
        }
        snprintf(text, sizeof text, "%d · %s\n%s\n%s%s%s", i + MF_STATION_FIRST, kiosk_text(k, key),
                 l->online ? kiosk_text(k, packml_key(st)) : "—", piece,
                 l->online && l->stations[i].alarm ? "\n" : "",
                 l->online && l->stations[i].alarm
                     ? kiosk_text(k, staff_alarm_text_key(l->stations[i].alarm))
                     : "");
        view_widget_t *p = view_add(v, VIEW_PANEL, NULL, NULL, view_rect(x, y, cw, ch));
        if (p)
            p->accent = l->online ? state_colour(st) : 0x9AA5CE;
        view_widget_t *w = kiosk_add_text(v, text, view_inset(view_rect(x, y, cw, ch), 1.0f),
                                          VIEW_STYLE_BODY, 2.8f);
        if (w) {
            snprintf(w->id, sizeof w->id, "%s", id);
            w->align = VIEW_ALIGN_LEFT;
        }
    }
}

static void layout_commands(const kiosk_t *k, view_t *v, view_rect_t r)
{
    const staff_line_t *l = &staff_of(k)->line;
    static const struct {
        const char *id, *key;
        view_style_t style;
    } b[] = {
        {"staff-start", "staff.cmd.start", VIEW_STYLE_PRIMARY},
        {"staff-stop", "staff.cmd.stop", VIEW_STYLE_SECONDARY},
        {"staff-reset", "staff.cmd.reset", VIEW_STYLE_SECONDARY},
        {"staff-ack", "staff.cmd.ack", VIEW_STYLE_SECONDARY},
        {"staff-mode-auto", "staff.mode.auto", VIEW_STYLE_SECONDARY},
        {"staff-mode-manual", "staff.mode.manual", VIEW_STYLE_SECONDARY},
        {"staff-mode-maintenance", "staff.mode.maintenance", VIEW_STYLE_SECONDARY},
    };
    int n = (int)(sizeof b / sizeof b[0]);
    int cols = kiosk_portrait(k) ? 4 : 7, rows = (n + cols - 1) / cols;
    float gap = 1.5f;
    float bw = (r.w - (float)(cols - 1) * gap) / (float)cols;
    float bh = (r.h - (float)(rows - 1) * gap) / (float)rows;
    for (int i = 0; i < n; i++) {
        view_style_t style = b[i].style;
        if ((i == 4 && l->mode == MF_MODE_AUTO) || (i == 5 && l->mode == MF_MODE_MANUAL) ||
            (i == 6 && l->mode == MF_MODE_MAINTENANCE))
            style = VIEW_STYLE_TOGGLE_ON;
        view_widget_t *w = kiosk_add_button(v, b[i].id, kiosk_text(k, b[i].key),
                                            view_rect(r.x + (float)(i % cols) * (bw + gap),
                                                      r.y + (float)(i / cols) * (bh + gap), bw, bh),
                                            style, VIEW_ICON_NONE);
        if (w)
            w->font = 3.6f;
    }
}

static void layout_outcome(const kiosk_t *k, view_t *v, view_rect_t r)
{
    const staff_console_t *c = staff_of(k);
    char text[STAFF_TEXT_MAX * 2] = "";
    if (c->cmd_shown) {
        const char *okey, *why;
        staff_outcome_keys(c->cmd, c->outcome, c->plc_result, c->line_state, &okey, &why);
        char ckey[40];
        snprintf(ckey, sizeof ckey, "staff.cmdname.%s", staff_cmd_name(c->cmd));
        snprintf(text, sizeof text, "%s : %s%s%s", kiosk_text(k, ckey), kiosk_text(k, okey),
                 why ? " — " : "", why ? kiosk_text(k, why) : "");
    }
    view_widget_t *w = kiosk_add_text(v, text, r, VIEW_STYLE_BODY, 3.4f);
    if (w) {
        snprintf(w->id, sizeof w->id, "staff-outcome");
        w->align = VIEW_ALIGN_LEFT;
        if (c->cmd_shown)
            w->accent = c->outcome == STAFF_OUTCOME_ACCEPTED  ? 0x2EC4B6
                        : c->outcome == STAFF_OUTCOME_PENDING ? 0x9AA5CE
                                                              : 0xE63946;
    }
}

/* Current alarms first, one row each (time, code, text, station, state,
 * what to check) with its own "acknowledge" while it waits for one; then the
 * history of the stop. */
static void layout_alarms(const kiosk_t *k, view_t *v, view_rect_t r)
{
    const staff_console_t *c = staff_of(k);
    const staff_line_t *l = &c->line;
    char text[VIEW_LABEL_MAX];
    float row = kiosk_portrait(k) ? 5.6f : 5.0f, bw = kiosk_portrait(k) ? 18.0f : 16.0f;
    float y = r.y, top = r.y + r.h * 0.55f;
    if (l->online && l->alarm_count == 0) {
        view_widget_t *w = kiosk_add_text(v, kiosk_text(k, "staff.alarm.no_alarm"),
                                          view_rect(r.x, y, r.w, row), VIEW_STYLE_BODY, 2.8f);
        if (w) {
            snprintf(w->id, sizeof w->id, "staff-alarms");
            w->align = VIEW_ALIGN_LEFT;
        }
    }
    for (int i = 0; l->online && i < l->alarm_count && y + row <= top; i++, y += row) {
        const staff_history_t *h = NULL;
        for (int j = c->history_len - 1; j >= 0 && !h; j--)
            if (c->history[j].code == l->alarms[i].code &&
                c->history[j].station == l->alarms[i].station && !c->history[j].gone[0])
                h = &c->history[j];
        char st[64] = "", no[8];
        snprintf(no, sizeof no, "%d", l->alarms[i].station);
        if (l->alarms[i].station)
            staff_textf(k, st, sizeof st, "staff.alarm.at_station", "n", no, (const char *)NULL);
        snprintf(text, sizeof text, "%s  #%d  %s%s%s — %s · %s", h ? h->seen : "",
                 l->alarms[i].code, kiosk_text(k, staff_alarm_text_key(l->alarms[i].code)),
                 st[0] ? " · " : "", st,
                 kiosk_text(k, l->alarms[i].unacked  ? "staff.alarm.unacked"
                               : l->alarms[i].active ? "staff.alarm.acked"
                                                     : "staff.alarm.cleared"),
                 kiosk_text(k, staff_alarm_check_key(l->alarms[i].code)));
        view_widget_t *w =
            kiosk_add_text(v, text, view_rect(r.x, y, r.w - bw - 1.0f, row), VIEW_STYLE_BODY, 2.6f);
        if (w) {
            snprintf(w->id, sizeof w->id, "staff-alarm-%d", i);
            w->align = VIEW_ALIGN_LEFT;
        }
        if (!l->alarms[i].unacked)
            continue;
        char id[48];
        snprintf(id, sizeof id, "staff-ack-%d-%d-%d", l->alarms[i].code, l->alarms[i].station,
                 l->alarms[i].code == MF_ALARM_MAGAZINE_EMPTY ? l->alarms[i].param : 0);
        view_widget_t *b = kiosk_add_button(v, id, kiosk_text(k, "staff.cmd.ack_one"),
                                            view_rect(r.x + r.w - bw, y + 0.2f, bw, row - 0.4f),
                                            VIEW_STYLE_SECONDARY, VIEW_ICON_NONE);
        if (b)
            b->font = 2.6f;
    }
    /* the history, newest first, as many as fit */
    size_t n = (size_t)snprintf(text, sizeof text, "%s\n", kiosk_text(k, "staff.alarm.history"));
    for (int j = c->history_len - 1; j >= 0 && n < sizeof text && j >= c->history_len - 6; j--) {
        const staff_history_t *h = &c->history[j];
        n += (size_t)snprintf(text + n, sizeof text - n, "%s  #%d %s%s%s%s%s%s%s\n", h->seen,
                              h->code, kiosk_text(k, staff_alarm_text_key(h->code)),
                              h->acked[0] ? " · " : "",
                              h->acked[0] ? kiosk_text(k, "staff.alarm.h_acked") : "", h->acked,
                              h->gone[0] ? " · " : "",
                              h->gone[0] ? kiosk_text(k, "staff.alarm.h_gone") : "", h->gone);
    }
    view_widget_t *w = kiosk_add_text(v, text, view_rect(r.x, r.y + r.h * 0.57f, r.w, r.h * 0.43f),
                                      VIEW_STYLE_CAPTION, 2.6f);
    if (w) {
        snprintf(w->id, sizeof w->id, "staff-history");
        w->align = VIEW_ALIGN_LEFT;
    }
}

/* The order queue: one button per queued order, which cancels it. */
static void layout_queue(const kiosk_t *k, view_t *v, view_rect_t r)
{
    const staff_line_t *l = &staff_of(k)->line;
    char text[VIEW_LABEL_MAX];
    bool empty = !l->online || l->queue_len == 0;
    snprintf(text, sizeof text, "%s%s%s", kiosk_text(k, "staff.queue.title"), empty ? " " : "",
             empty ? kiosk_text(k, "staff.queue.empty") : "");
    float tw = empty ? r.w : (kiosk_portrait(k) ? 20.0f : 14.0f);
    view_widget_t *w = kiosk_add_text(v, text, view_rect(r.x, r.y, tw, r.h), VIEW_STYLE_BODY, 2.8f);
    if (w) {
        snprintf(w->id, sizeof w->id, "staff-queue");
        w->align = VIEW_ALIGN_LEFT;
    }
    if (empty)
        return;
    int cols = kiosk_portrait(k) ? 4 : 8, rows = (l->queue_len + cols - 1) / cols;
    float gap = 0.8f, x0 = r.x + tw + 1.0f, aw = r.w - tw - 1.0f;
    float bw = (aw - (float)(cols - 1) * gap) / (float)cols;
    float bh = (r.h - (float)(rows - 1) * gap) / (float)rows;
    for (int i = 0; i < l->queue_len; i++) {
        char id[40], no[16], label[96], colour[64];
        snprintf(id, sizeof id, "staff-cancel-%u", l->queue[i].order);
        snprintf(no, sizeof no, "%u", l->queue[i].order);
        snprintf(colour, sizeof colour, "%s%s", kiosk_text(k, colour_key(l->queue[i].colour)),
                 l->queue[i].engrave ? kiosk_text(k, "staff.queue.engraved") : "");
        staff_textf(k, label, sizeof label, "staff.cmd.cancel", "order", no, "colour", colour,
                    (const char *)NULL);
        view_widget_t *b = kiosk_add_button(v, id, label,
                                            view_rect(x0 + (float)(i % cols) * (bw + gap),
                                                      r.y + (float)(i / cols) * (bh + gap), bw, bh),
                                            VIEW_STYLE_SECONDARY, VIEW_ICON_CROSS);
        if (b)
            b->font = rows > 1 ? 2.2f : 2.6f;
    }
}

static void line_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    (void)now;
    float m = 3.0f, y = staff_layout_bar(k, v, "staff-tab-line");
    float w = v->w - 2 * m;
    char summary[VIEW_LABEL_MAX];
    line_summary(k, summary, sizeof summary);
    view_widget_t *s =
        kiosk_add_text(v, summary, view_rect(m, y, w, 6.0f), VIEW_STYLE_STATUS, 3.4f);
    if (s) {
        snprintf(s->id, sizeof s->id, "staff-line-state");
        s->accent = staff_of(k)->line.online ? state_colour(staff_of(k)->line.state) : 0x9AA5CE;
    }
    y += 7.0f;
    if (kiosk_portrait(k)) {
        layout_stations(k, v, view_rect(m, y, w, 40.0f));
        y += 41.0f;
        layout_queue(k, v, view_rect(m, y, w, 9.0f));
        y += 10.0f;
        layout_commands(k, v, view_rect(m, y, w, 20.0f));
        y += 21.0f;
        layout_outcome(k, v, view_rect(m, y, w, 8.0f));
        y += 9.0f;
        layout_alarms(k, v, view_rect(m, y, w, v->h - y - m));
    } else {
        layout_stations(k, v, view_rect(m, y, w, 23.0f));
        y += 24.0f;
        layout_queue(k, v, view_rect(m, y, w, 7.0f));
        y += 8.0f;
        layout_commands(k, v, view_rect(m, y, w, 10.0f));
        y += 11.0f;
        layout_outcome(k, v, view_rect(m, y, w, 6.0f));
        y += 7.0f;
        layout_alarms(k, v, view_rect(m, y, w, v->h - y - m));
    }
    staff_layout_estop(k, v);
}

static bool line_act(kiosk_t *k, const char *id, int64_t now)
{
    staff_console_t *c = staff_of(k);
    if (staff_act_bar(k, id, now))
        return true;
    static const struct {
        const char *id;
        staff_cmd_t cmd;
    } map[] = {
        {"staff-start", STAFF_CMD_START},
        {"staff-stop", STAFF_CMD_STOP},
        {"staff-reset", STAFF_CMD_RESET},
        {"staff-ack", STAFF_CMD_ACK},
        {"staff-mode-auto", STAFF_CMD_MODE_AUTO},
        {"staff-mode-manual", STAFF_CMD_MODE_MANUAL},
        {"staff-mode-maintenance", STAFF_CMD_MODE_MAINTENANCE},
    };
    staff_request_t r = {0};
    unsigned order = 0;
    int code = 0, st = 0, param = 0;
    if (sscanf(id, "staff-cancel-%u", &order) == 1 && order > 0) {
        r.cmd = STAFF_CMD_CANCEL;
        r.order = order;
    } else if (sscanf(id, "staff-ack-%d-%d-%d", &code, &st, &param) == 3 && code > 0) {
        r.cmd = STAFF_CMD_ACK;
        r.alarm_code = code;
        r.alarm_station = st;
        r.alarm_param = param;
    }
    if (r.order || r.alarm_code) {
        if (!staff_role_can(c->session.role, STAFF_CAN_LINE))
            return true;
        c->cmd_tag = staff_request(k, STAFF_REQ_COMMAND, &r);
        c->cmd = r.cmd;
        c->outcome = STAFF_OUTCOME_PENDING;
        c->cmd_shown = true;
        return true;
    }
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(id, map[i].id) != 0)
            continue;
        if (!staff_role_can(c->session.role, STAFF_CAN_LINE))
            return true;
        r.cmd = map[i].cmd;
        c->cmd_tag = staff_request(k, STAFF_REQ_COMMAND, &r);
        c->cmd = map[i].cmd;
        c->outcome = STAFF_OUTCOME_PENDING;
        c->cmd_shown = true;
        return true;
    }
    return false;
}

static bool line_hear(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    return staff_hear_idle(k, ev, now);
}

const screen_class_t screen_staff_line = {
    .id = "staff-line",
    .enter = line_enter,
    .layout = line_layout,
    .act = line_act,
    .hear = line_hear,
    .deadline = staff_idle_deadline,
    .no_idle = true,
};
