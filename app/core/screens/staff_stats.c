/*
 * staff_stats.c - screen "staff-stats", for organisers only: today's and
 * this stop's figures from the statistics store (visitors by group type,
 * satisfaction, the shift in the image of industry, orders) with small bar
 * charts; export CSV, XLSX or PDF to the USB stick the kiosk detects; reload
 * the content pack from its folder or from the stick, validated first. The
 * figures, the stick and the files are the platform's (requests).
 */
#include "staff_priv.h"

#include <stdio.h>
#include <string.h>

static void stats_enter(kiosk_t *k, bool uncovered, int64_t now)
{
    staff_console_t *c = staff_of(k);
    (void)uncovered;
    (void)now;
    c->export_text[0] = '\0';
    staff_request(k, STAFF_REQ_FIGURES, NULL);
    staff_request(k, STAFF_REQ_USB_SCAN, NULL);
}

/* One chart row: LABEL, a bar for today and one for the stop, the numbers. */
static void bar_row(view_t *v, const char *label, int today, int stop, int max, view_rect_t r,
                    int i)
{
    view_widget_t *w =
        kiosk_add_text(v, label, view_rect(r.x, r.y, r.w * 0.34f, r.h), VIEW_STYLE_BODY, 2.8f);
    if (w)
        w->align = VIEW_ALIGN_LEFT;
    float bx = r.x + r.w * 0.35f, bw = r.w * 0.45f;
    char id[24];
    snprintf(id, sizeof id, "staff-chart-%d-today", i);
    w = view_add(v, VIEW_PROGRESS, id, NULL, view_rect(bx, r.y + r.h * 0.15f, bw, r.h * 0.3f));
    if (w) {
        w->value = max > 0 ? (float)today / (float)max : 0.0f;
        w->accent = 0xFF7A1A;
    }
    snprintf(id, sizeof id, "staff-chart-%d-stop", i);
    w = view_add(v, VIEW_PROGRESS, id, NULL, view_rect(bx, r.y + r.h * 0.55f, bw, r.h * 0.3f));
    if (w) {
        w->value = max > 0 ? (float)stop / (float)max : 0.0f;
        w->accent = 0x2EC4B6;
    }
    char n[32];
    snprintf(n, sizeof n, "%d / %d", today, stop);
    w = kiosk_add_text(v, n, view_rect(bx + bw + 1.0f, r.y, r.w - (bx + bw + 1.0f - r.x), r.h),
                       VIEW_STYLE_CAPTION, 2.8f);
    if (w)
        w->align = VIEW_ALIGN_LEFT;
}

static void pct(char *buf, size_t size, int v)
{
    if (v < 0)
        snprintf(buf, size, "—");
    else
        snprintf(buf, size, "%d %%", v);
}

static void shift(char *buf, size_t size, int hundredths)
{
    int a = hundredths < 0 ? -hundredths : hundredths;
    snprintf(buf, size, "%s%d.%02d", hundredths < 0 ? "-" : "+", a / 100, a % 100);
}

static void stats_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    (void)now;
    const staff_console_t *c = staff_of(k);
    const staff_figures_t *f = &c->figures;
    bool portrait = kiosk_portrait(k);
    float m = 3.0f, top = staff_layout_bar(k, v, "staff-tab-stats"), y = top;
    float colw = portrait ? v->w - 2 * m : (v->w - 3 * m) * 0.58f;
    view_widget_t *w;

    if (!c->figures_known || !f->available) {
        w = kiosk_add_text(
            v, kiosk_text(k, c->figures_known ? "staff.stats.unavailable" : "staff.stats.loading"),
            view_rect(m, y, colw, 10.0f), VIEW_STYLE_BODY, 3.2f);
        if (w) {
            snprintf(w->id, sizeof w->id, "staff-figures");
            w->align = VIEW_ALIGN_LEFT;
        }
    } else {
        char text[VIEW_LABEL_MAX], a[16], b[16], s1[16], s2[16], o1[16], o2[16], v1[16], v2[16];
        pct(a, sizeof a, f->satisfaction_pct_today);
        pct(b, sizeof b, f->satisfaction_pct_stop);
        shift(s1, sizeof s1, f->perception_shift_today);
        shift(s2, sizeof s2, f->perception_shift_stop);
        snprintf(o1, sizeof o1, "%d", f->orders_today);
        snprintf(o2, sizeof o2, "%d", f->orders_stop);
        snprintf(v1, sizeof v1, "%d", f->visitors_today);
        snprintf(v2, sizeof v2, "%d", f->visitors_stop);
        staff_textf(k, text, sizeof text, "staff.stats.summary", "visitors_today", v1,
                    "visitors_stop", v2, "sat_today", a, "sat_stop", b, "shift_today", s1,
                    "shift_stop", s2, "orders_today", o1, "orders_stop", o2, (const char *)NULL);
        w = kiosk_add_text(v, text, view_rect(m, y, colw, 16.0f), VIEW_STYLE_BODY, 3.0f);
        if (w) {
            snprintf(w->id, sizeof w->id, "staff-figures");
            w->align = VIEW_ALIGN_LEFT;
        }
        float cy = y + 17.0f;
        w = kiosk_add_text(v, kiosk_text(k, "staff.stats.by_group"), view_rect(m, cy, colw, 5.0f),
                           VIEW_STYLE_CAPTION, 2.8f);
        if (w)
            w->align = VIEW_ALIGN_LEFT;
        cy += 5.5f;
        int max = 1;
        for (int i = 0; i < f->visitor_rows && i < STAFF_FIG_ROWS; i++) {
            if (f->visitors[i].today > max)
                max = f->visitors[i].today;
            if (f->visitors[i].stop > max)
                max = f->visitors[i].stop;
        }
        for (int i = 0; i < f->visitor_rows && i < STAFF_FIG_ROWS; i++) {
            char key[80];
            snprintf(key, sizeof key, "staff.stats.group.%s", f->visitors[i].label);
            bar_row(v, kiosk_text(k, key), f->visitors[i].today, f->visitors[i].stop, max,
                    view_rect(m, cy, colw, 6.0f), i);
            cy += 6.5f;
        }
        if (portrait)
            y = cy + 2.0f;
    }

    /* exports and content: the right column (below in portrait) */
    float x = portrait ? m : m + colw + m;
    float cw = portrait ? v->w - 2 * m : v->w - x - m;
    if (!portrait)
        y = top;
    w = kiosk_add_text(v, c->usb_text[0] ? c->usb_text : kiosk_text(k, "staff.usb.none"),
                       view_rect(x, y, cw, 8.0f), VIEW_STYLE_STATUS, 3.0f);
    if (w) {
        snprintf(w->id, sizeof w->id, "staff-usb");
        w->accent = c->usb_present ? 0x2EC4B6 : 0x9AA5CE;
    }
    y += 9.0f;
    static const struct {
        const char *id, *key;
    } b[] = {
        {"staff-export-csv", "staff.export.csv"},       {"staff-export-xlsx", "staff.export.xlsx"},
        {"staff-export-pdf", "staff.export.pdf"},       {"staff-usb-scan", "staff.usb.scan"},
        {"staff-reload-folder", "staff.reload.folder"}, {"staff-reload-usb", "staff.reload.usb"}};
    float gap = 1.5f, bw = (cw - gap) / 2.0f, bh = 9.0f;
    for (int i = 0; i < 6; i++) {
        w = kiosk_add_button(
            v, b[i].id, kiosk_text(k, b[i].key),
            view_rect(x + (float)(i % 2) * (bw + gap), y + (float)(i / 2) * (bh + gap), bw, bh),
            i < 3 ? VIEW_STYLE_PRIMARY : VIEW_STYLE_SECONDARY, VIEW_ICON_NONE);
        if (w)
            w->font = 3.2f;
    }
    y += 3 * (bh + gap);
    w = kiosk_add_text(v, c->export_text, view_rect(x, y, cw, 14.0f), VIEW_STYLE_BODY, 3.0f);
    if (w) {
        snprintf(w->id, sizeof w->id, "staff-export-outcome");
        w->align = VIEW_ALIGN_LEFT;
    }
    staff_layout_estop(k, v);
}

static bool stats_act(kiosk_t *k, const char *id, int64_t now)
{
    staff_console_t *c = staff_of(k);
    if (staff_act_bar(k, id, now))
        return true;
    if (!staff_role_can(c->session.role, STAFF_CAN_STATS))
        return false;
    staff_request_t r = {0};
    if (strncmp(id, "staff-export-", 13) == 0) {
        snprintf(r.format, sizeof r.format, "%s", id + 13);
        c->export_tag = staff_request(k, STAFF_REQ_EXPORT, &r);
        snprintf(c->export_text, sizeof c->export_text, "%s",
                 kiosk_text(k, "staff.export.working"));
        return true;
    }
    if (strcmp(id, "staff-usb-scan") == 0) {
        staff_request(k, STAFF_REQ_USB_SCAN, NULL);
        return true;
    }
    if (strncmp(id, "staff-reload-", 13) == 0 &&
        staff_role_can(c->session.role, STAFF_CAN_CONTENT)) {
        r.from_usb = strcmp(id + 13, "usb") == 0;
        c->export_tag = staff_request(k, STAFF_REQ_RELOAD, &r);
        snprintf(c->export_text, sizeof c->export_text, "%s",
                 kiosk_text(k, "staff.reload.working"));
        return true;
    }
    return false;
}

static bool stats_hear(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    return staff_hear_idle(k, ev, now);
}

const screen_class_t screen_staff_stats = {
    .id = "staff-stats",
    .enter = stats_enter,
    .layout = stats_layout,
    .act = stats_act,
    .hear = stats_hear,
    .deadline = staff_idle_deadline,
    .no_idle = true,
};
