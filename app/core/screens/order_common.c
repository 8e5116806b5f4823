/*
 * order_common.c - what the "make your own" screens share (see
 * order_screens.h): the visitor's order state and its wipe, the kiosk's hook
 * from the drivers' news to the order desk and the visit's events, colours,
 * the preview of the engraving.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

void order_visit_wipe(order_visit_t *o)
{
    keyboard_wipe(&o->kb);
    order_wipe(o, sizeof *o);
}

bool order_is_order_screen(int s)
{
    return s == KIOSK_SCREEN_ORDER || s == KIOSK_SCREEN_ORDER_TEXT ||
           s == KIOSK_SCREEN_ORDER_CONFIRM || s == KIOSK_SCREEN_TRACKING;
}

/* An event for VISIT (maybe not the current one: a piece outlives its
 * visit), straight to the sink. */
static void emit_for(kiosk_t *k, uint64_t visit, visit_event_t *ev, int64_t now)
{
    ev->at_ms = now;
    ev->visit = visit;
    if (k->sink.emit)
        k->sink.emit(k->sink.ctx, ev);
}

static void emit_outcomes(kiosk_t *k, int64_t now)
{
    order_outcome_t o;
    while (order_desk_next_outcome(k->desk, &o)) {
        visit_event_t ev = {.type = VISIT_EV_ORDER_OUTCOME};
        ev.u.outcome.order_no = o.order_no;
        ev.u.outcome.outcome = (visit_order_outcome_t)o.outcome;
        snprintf(ev.u.outcome.why, sizeof ev.u.outcome.why, "%s", o.why);
        emit_for(k, o.visit, &ev, now);
    }
}

bool order_kiosk_hear(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    bool changed = false;
    switch (ev->type) {
    case MF_EV_LINE:
        changed = order_desk_line(k->desk, &ev->line, now);
        break;
    case MF_EV_ENGRAVER:
        changed = order_desk_engraver(k->desk, &ev->engraver, now);
        break;
    case MF_EV_ORDER: {
        const order_info_t *before =
            ev->order.kind == MF_ORDER_ACCEPTED ? order_desk_get(k->desk, ev->order.ref) : NULL;
        bool was_sending = before && before->state == ORDER_SENDING;
        changed = order_desk_news(k->desk, &ev->order, now);
        const order_info_t *o =
            ev->order.kind == MF_ORDER_ACCEPTED ? order_desk_get(k->desk, ev->order.ref) : NULL;
        /* "placed" once, when the PLC first took it (a remake is not a new order) */
        if (was_sending && o && o->state == ORDER_QUEUED && o->remakes == 0) {
            visit_event_t e = {.type = VISIT_EV_ORDER_PLACED};
            snprintf(e.u.order.colour, sizeof e.u.order.colour, "%s", order_colour_name(o->colour));
            e.u.order.engraved = o->engraved;
            e.u.order.order_no = o->order_no;
            emit_for(k, o->visit, &e, now);
        }
        break;
    }
    default:
        break;
    }
    emit_outcomes(k, now);
    return changed && order_is_order_screen(kiosk_screen(k));
}

const char *order_colour_label(const kiosk_t *k, int colour)
{
    char key[40];
    snprintf(key, sizeof key, "order.colour.%s", order_colour_name(colour));
    return kiosk_text(k, key);
}

uint32_t order_colour_rgb(int colour)
{
    static const uint32_t rgb[] = {0x808080, 0xE63946, 0x2F6FDE, 0x2EB872,
                                   0xFFD23F, 0x2B2D33, 0xC0C6D0};
    return colour >= 1 && colour <= MF_LINE_COLOURS ? rgb[colour] : rgb[0];
}

void order_update_preview(kiosk_t *k)
{
    order_visit_t *o = &k->visit.order;
    const char *text = keyboard_text(&o->kb);
    order_wipe(&o->preview, sizeof o->preview);
    if (k->opt.strokes) {
        o->verdict = k->opt.strokes(k->opt.strokes_ctx, text, &o->preview);
    } else {
        o->verdict = text[0] ? ORDER_TEXT_OK : ORDER_TEXT_EMPTY;
        o->preview.area_w = 60.0f;
        o->preview.area_h = 20.0f;
    }
}

void order_format(const kiosk_t *k, const char *key, const char *n, char *out, size_t size)
{
    /* the first {word} of the text is the one filled in */
    const char *t = kiosk_text(k, key);
    const char *at = strchr(t, '{');
    const char *end = at ? strchr(at, '}') : NULL;
    if (!end)
        snprintf(out, size, "%s", t);
    else
        snprintf(out, size, "%.*s%s%s", (int)(at - t), t, n, end + 1);
}

view_widget_t *order_add_plate(view_t *v, const char *id, const view_strokes_t *strokes,
                               view_rect_t r, int colour, float burned)
{
    float aw = strokes && strokes->area_w > 0 ? strokes->area_w : 60.0f;
    float ah = strokes && strokes->area_h > 0 ? strokes->area_h : 20.0f;
    /* the plate keeps its proportions inside R, centred */
    float s = r.w / aw < r.h / ah ? r.w / aw : r.h / ah;
    view_rect_t p =
        view_rect(r.x + (r.w - aw * s) / 2.0f, r.y + (r.h - ah * s) / 2.0f, aw * s, ah * s);
    view_widget_t *w = view_add(v, VIEW_STROKES, id, NULL, p);
    if (w) {
        w->strokes = strokes && strokes->npts > 0 ? strokes : NULL;
        w->accent = order_colour_rgb(colour);
        w->value = burned;
    }
    return w;
}
