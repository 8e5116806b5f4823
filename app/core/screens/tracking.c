/*
 * tracking.c - screen "tracking": the visitor's piece moving down the line.
 *
 * The line's stations in a row with the piece on its station; at each step
 * the trade that does this work in a real factory (content/strings.yaml) and
 * the time left. At the laser the engraving is drawn live, stroke by stroke,
 * from the engraver's reported position (order.h follows the head), not
 * from a timer. A quality reject is said kindly, with the new piece on its
 * way; an emergency stop pauses the piece; a failure says what happened
 * and that the rest of the visit still works. Ends with "ready at the
 * delivery desk" and the order number.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

static const order_info_t *tracked(const kiosk_t *k)
{
    return k->visit.order.ref ? order_desk_get(k->desk, k->visit.order.ref) : NULL;
}

static const char *problem_key(order_problem_t p)
{
    switch (p) {
    case ORDER_PROBLEM_QUEUE_FULL:
        return "track.failed.queue_full";
    case ORDER_PROBLEM_REFUSED:
        return "track.failed.refused";
    case ORDER_PROBLEM_NO_ANSWER:
        return "track.failed.no_answer";
    case ORDER_PROBLEM_ENGRAVER:
        return "track.failed.engraver";
    case ORDER_PROBLEM_REJECTED:
        return "track.failed.rejected";
    case ORDER_PROBLEM_CANCELLED:
        return "track.failed.cancelled";
    case ORDER_PROBLEM_NONE:
        break;
    }
    return "track.failed.refused";
}

/* The station's name on this kiosk's map (content), or its number. */
static const char *station_name(const kiosk_t *k, int line_number, char *buf, size_t size)
{
    for (int i = 0; i < k->station_count; i++)
        if (k->stations[i].line_number == line_number)
            return k->stations[i].title[kiosk_lang_index(k)];
    snprintf(buf, size, "%d", line_number);
    return buf;
}

static void format_left(const kiosk_t *k, int s, char *out, size_t size)
{
    char n[32];
    /* in 5-second steps: a number that flickers every tick says nothing */
    s = (s + 4) / 5 * 5;
    if (s >= 60)
        snprintf(n, sizeof n, "%d min %02d s", s / 60, s % 60);
    else
        snprintf(n, sizeof n, "%d s", s);
    order_format(k, "track.time_left", n, out, size);
}

static void tracking_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    (void)now;
    const order_info_t *o = tracked(k);
    float m = 4.0f, ts = kiosk_text_scale(k);
    char title[VIEW_LABEL_MAX], no[16];
    snprintf(no, sizeof no, "%u", o ? o->order_no : 0);
    if (o && o->order_no)
        order_format(k, "track.title_no", no, title, sizeof title);
    else
        snprintf(title, sizeof title, "%s", kiosk_text(k, "track.title"));
    float top = kiosk_layout_top_bar(k, v, title) + 3.0f;
    if (!o) {
        kiosk_add_text(v, kiosk_text(k, "track.none"), view_rect(m, top, v->w - 2 * m, 20.0f),
                       VIEW_STYLE_BODY, 5.0f * ts);
        return;
    }
    bool portrait = kiosk_portrait(k);

    /* the line: six stations, the piece on its way */
    float map_h = portrait ? 22.0f : 20.0f;
    view_widget_t *w =
        view_add(v, VIEW_LINE_MAP, "line-map", NULL, view_rect(m, top, v->w - 2 * m, map_h));
    if (w) {
        float at = 0.0f; /* before the store: in the queue */
        if (o->state == ORDER_DELIVERED)
            at = 7.99f;
        else if (o->station >= 2)
            at = (float)o->station + (float)o->progress / 100.0f * 0.98f;
        w->value = at;
        w->accent = order_colour_rgb(o->colour);
        w->animated = true; /* moves with the snapshots, over the still screen */
    }
    float cw = (v->w - 2 * m) / (float)MF_LINE_STATIONS;
    char buf[16];
    for (int s = 2; s <= 7; s++) {
        kiosk_add_text(v, station_name(k, s, buf, sizeof buf),
                       view_rect(m + (float)(s - 2) * cw, top + map_h, cw, 6.0f),
                       o->station == s ? VIEW_STYLE_BODY : VIEW_STYLE_CAPTION,
                       (portrait ? 2.6f : 3.0f) * ts);
    }
    top += map_h + 8.0f;

    /* what is happening now, in words */
    char what[VIEW_LABEL_MAX], key[40];
    const char *msg;
    if (o->state == ORDER_FAILED) {
        msg = kiosk_text(k, problem_key(o->problem));
    } else if (o->state == ORDER_DELIVERED) {
        order_format(k, "track.delivered", no, what, sizeof what);
        msg = what;
    } else if (o->paused_estop) {
        msg = kiosk_text(k, "track.estop");
    } else if (o->just_rejected) {
        msg = kiosk_text(k, "track.rejected");
    } else if (o->state == ORDER_SENDING) {
        msg = kiosk_text(k, "track.sending");
    } else if (o->state == ORDER_QUEUED) {
        msg = kiosk_text(k, "track.queued");
    } else {
        snprintf(key, sizeof key, "track.station.%d", o->station >= 2 ? o->station : 2);
        msg = kiosk_text(k, key);
    }
    float bottom = v->h - kiosk_layout_bottom(k); /* portrait: above back / settings */
    float text_w = portrait || !o->engraved ? v->w - 2 * m : (v->w - 2 * m) * 0.5f;
    float text_h = portrait ? 34.0f : bottom - top - m - 18.0f;
    w = kiosk_add_text(v, msg, view_rect(m, top, text_w, text_h), VIEW_STYLE_BODY, 5.0f * ts);
    if (w) {
        snprintf(w->id, sizeof w->id, "track-message");
        w->align = VIEW_ALIGN_LEFT;
    }
    bool moving = o->state != ORDER_DELIVERED && o->state != ORDER_FAILED;
    if (moving && o->seconds_left > 0 && !o->paused_estop) {
        format_left(k, o->seconds_left, what, sizeof what);
        w = kiosk_add_text(v, what, view_rect(m, top + text_h, text_w, 7.0f), VIEW_STYLE_CAPTION,
                           4.0f * ts);
        if (w) {
            snprintf(w->id, sizeof w->id, "time-left");
            w->align = VIEW_ALIGN_LEFT;
        }
    }

    /* the engraving: drawn as the laser burns it */
    if (o->engraved && o->state != ORDER_FAILED) {
        view_rect_t pr = portrait ? view_rect(m, top + text_h + 9.0f, v->w - 2 * m, 34.0f)
                                  : view_rect(m + text_w + 4.0f, top, text_w - 4.0f, text_h);
        float burned = o->burned;
        if (o->state == ORDER_DELIVERED || (o->station > 4 && o->state == ORDER_ON_LINE))
            burned = -1.0f; /* engraved: all of it (before: a faint outline to come) */
        w = order_add_plate(v, "engraving", order_desk_strokes(k->desk, o->ref), pr, o->colour,
                            burned);
        if (w)
            w->animated = o->state == ORDER_ENGRAVING; /* the head moves over the still screen */
    }
    float bw = portrait ? (v->w - 2 * m - 3.0f) / 2.0f : 70.0f;
    float by = bottom - m - 13.0f;
    kiosk_add_button(v, "track-more", kiosk_text(k, "track.more"),
                     view_rect(v->w - m - bw, by, bw, 13.0f), VIEW_STYLE_SECONDARY, VIEW_ICON_NONE);
    /* the end of tracking leads to the end of the visit (survey, thanks) */
    if (o->state == ORDER_DELIVERED && k->visit.active) {
        view_widget_t *b = kiosk_add_button(v, "track-done", kiosk_text(k, "track.finish"),
                                            view_rect(v->w - m - 2 * bw - 3.0f, by, bw, 13.0f),
                                            VIEW_STYLE_PRIMARY, VIEW_ICON_CHECK);
        if (b)
            b->font = 4.5f * kiosk_text_scale(k);
    }
}

static bool tracking_act(kiosk_t *k, const char *id, int64_t now)
{
    if (strcmp(id, "track-done") == 0) {
        kiosk_finish_visit(k, now);
        return true;
    }
    if (strcmp(id, "track-more") == 0 || strcmp(id, "back") == 0) {
        kiosk_reset_to(k, KIOSK_SCREEN_HOME, NULL, now);
        return true;
    }
    return false;
}

const screen_class_t screen_tracking = {
    .id = "tracking",
    .layout = tracking_layout,
    .act = tracking_act,
};
