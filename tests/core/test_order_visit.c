/*
 * test_order_visit.c - core.order_visit: the make-your-own screens in the
 * kiosk, driven with taps, typed text and the drivers' news as events (no
 * window, no device). The exact list of the visit's events of an order from
 * "make your own" to delivery; the text never in an event; the order's
 * actions for the platform; a piece outliving its visit (idle) has its
 * outcome recorded for the visit that ordered it, and nothing of the visitor
 * (text, preview) left in the kiosk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiosk.h"
#include "kiosk_pack.h"
#include "visit_event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 177.7f
#define H 100.0f

/* The kiosk's texts, stations and survey come from the real content pack. */
static kiosk_pack_t *kp;

static int load_pack(void **state)
{
    (void)state;
    kp = kiosk_pack_create(MINIFAB_SOURCE_DIR "/content");
    return kp && kiosk_pack_load(kp) == 0 ? 0 : -1;
}

static int free_pack(void **state)
{
    (void)state;
    kiosk_pack_destroy(kp);
    return 0;
}

static kiosk_t *create(kiosk_options_t *o, int64_t now)
{
    o->text = kiosk_pack_text;
    o->text_ctx = kp;
    o->pack = kiosk_pack_content(kp);
    kiosk_t *k = kiosk_create(o, W, H, now);
    assert_non_null(k);
    int n;
    const kiosk_station_t *st = kiosk_pack_stations(kp, &n);
    kiosk_set_stations(k, st, n);
    return k;
}

/* A fake of the platform's preview: one stroke per character. */
static order_text_verdict_t fake_strokes(void *ctx, const char *text, view_strokes_t *out)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
    out->area_w = 60;
    out->area_h = 20;
    if (strstr(text, "zut"))
        return ORDER_TEXT_BLOCKED;
    int n = 0;
    for (const char *p = text; *p; p++, n++) {
        out->start[out->nlines++] = (uint16_t)out->npts;
        out->pts[out->npts].x = 5.0f + 3.0f * (float)n;
        out->pts[out->npts++].y = 5.0f;
        out->pts[out->npts].x = 5.0f + 3.0f * (float)n;
        out->pts[out->npts++].y = 15.0f;
    }
    return n ? ORDER_TEXT_OK : ORDER_TEXT_EMPTY;
}

static kiosk_t *make(visit_memsink_t *sink, int64_t now)
{
    kiosk_options_t o = {0};
    o.idle_timeout_ms = 90000;
    o.has_engraver = true;
    o.strokes = fake_strokes;
    o.engrave_max_chars = 12;
    kiosk_t *k = create(&o, now);
    kiosk_set_sink(k, visit_memsink_sink(sink));
    return k;
}

static void feed(kiosk_t *k, mf_event_t *ev, int64_t *now)
{
    kiosk_update(k, ev, *now);
    *now += 50;
}

static void tap_id(kiosk_t *k, const char *id, int64_t *now)
{
    view_t *v = malloc(sizeof *v);
    assert_non_null(v);
    kiosk_view(k, *now, v);
    const view_widget_t *w = view_find_id(v, id);
    if (!w)
        fail_msg("no widget #%s on screen %s", id, v->screen);
    mf_event_t ev = {.type = MF_EV_POINTER_DOWN, .pointer = 1};
    ev.x = w->rect.x + w->rect.w / 2;
    ev.y = w->rect.y + w->rect.h / 2;
    free(v);
    feed(k, &ev, now);
    ev.type = MF_EV_POINTER_UP;
    feed(k, &ev, now);
    *now += 1000; /* a visitor's pace: one second a tap */
}

/* attract -> language -> who are you (skipped) -> home */
static void open_visit(kiosk_t *k, int64_t *now)
{
    tap_id(k, "start", now);
    tap_id(k, "language-0", now);
    tap_id(k, "skip", now);
    if (kiosk_screen(k) == KIOSK_SCREEN_PERCEPTION)
        tap_id(k, "skip", now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_HOME);
}

static void type(kiosk_t *k, const char *text, int64_t *now)
{
    mf_event_t ev = {.type = MF_EV_TEXT};
    snprintf(ev.text, sizeof ev.text, "%s", text);
    feed(k, &ev, now);
}

static mf_event_t line_running(void)
{
    mf_event_t ev = {.type = MF_EV_LINE};
    ev.line.online = ev.line.running = true;
    ev.line.detail.known = true;
    ev.line.detail.auto_mode = true;
    ev.line.detail.speed_pct = 100;
    for (int c = 0; c < MF_LINE_COLOURS; c++)
        ev.line.detail.magazine[c] = 20;
    return ev;
}

static void engraver_ready(kiosk_t *k, int64_t *now)
{
    mf_event_t ev = {.type = MF_EV_ENGRAVER};
    ev.engraver.state = MF_ENGRAVER_READY;
    feed(k, &ev, now);
}

static void news(kiosk_t *k, mf_order_news_kind_t kind, uint32_t ref, uint32_t order, bool ok,
                 int64_t *now)
{
    mf_event_t ev = {.type = MF_EV_ORDER};
    ev.order.kind = kind;
    ev.order.ref = ref;
    ev.order.order = order;
    ev.order.ok = ev.order.delivered = ok;
    feed(k, &ev, now);
}

/* Every event of M formatted, one a line, without times (dwell_ms=...). */
static void events_text(const visit_memsink_t *m, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < visit_memsink_count(m); i++) {
        char line[512];
        visit_event_format(visit_memsink_get(m, i), line, sizeof line);
        char *dw = strstr(line, " dwell_ms=");
        if (dw)
            *dw = '\0';
        snprintf(out + strlen(out), size - strlen(out), "%s\n", line);
    }
}

/* A kiosk whose line runs (LINE: the news it was given) and whose engraver
 * is ready, a visit open on the order screen. */
static kiosk_t *at_order(visit_memsink_t *m, int64_t *now, mf_event_t *line)
{
    kiosk_t *k = make(m, *now);
    *line = line_running();
    feed(k, line, now);
    engraver_ready(k, now);
    open_visit(k, now);
    tap_id(k, "order", now);
    return k;
}

static void test_order_events_exactly(void **state)
{
    (void)state;
    int64_t now = 1000;
    visit_memsink_t *m = visit_memsink_create();
    mf_event_t line;
    kiosk_t *k = at_order(m, &now, &line);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ORDER);
    tap_id(k, "colour-blue", &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ORDER_TEXT);
    type(k, "Zoé", &now);
    tap_id(k, "text-next", &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ORDER_CONFIRM);
    tap_id(k, "confirm", &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_TRACKING);

    order_action_t a;
    assert_true(kiosk_next_order_action(k, &a));
    assert_int_equal(a.kind, ORDER_ACT_SUBMIT);
    assert_int_equal(a.colour, 2);
    assert_true(a.engrave);
    news(k, MF_ORDER_ACCEPTED, a.ref, 17, true, &now);
    /* at the laser: the job carries the text, nothing else does */
    line.line.stations[2].order = 17;
    line.line.detail.engrave_waiting = true;
    line.line.detail.engrave_order = 17;
    feed(k, &line, &now);
    order_action_t e;
    assert_true(kiosk_next_order_action(k, &e));
    assert_int_equal(e.kind, ORDER_ACT_ENGRAVE);
    assert_string_equal(e.text, "Zoé");
    news(k, MF_ORDER_ENGRAVING, e.ref, 17, true, &now);
    news(k, MF_ORDER_ENGRAVED, e.ref, 17, true, &now);
    assert_true(kiosk_next_order_action(k, &e));
    assert_int_equal(e.kind, ORDER_ACT_ENGRAVE_DONE);
    news(k, MF_ORDER_FINISHED, 0, 17, true, &now);

    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now, v);
    assert_true(view_has_text(v, "Ton porte-téléphone est prêt"));
    assert_true(view_has_text(v, "numéro 17"));
    free(v);

    char got[4096];
    events_text(m, got, sizeof got);
    assert_string_equal(got, "visit_started\n"
                             "language lang=fr\n"
                             "screen_view id=language\n"
                             "profile profile=skipped\n"
                             "screen_view id=profile\n"
                             "screen_view id=perception\n"
                             "screen_view id=home\n"
                             "screen_view id=order\n"
                             "screen_view id=order-text\n"
                             "screen_view id=order-confirm\n"
                             "order_placed colour=blue engraved=1 order=17\n"
                             "order_outcome order=17 outcome=delivered why=\n");
    assert_null(strstr(got, "Zoé"));
    for (size_t i = 0; i < visit_memsink_count(m); i++)
        assert_int_equal(visit_memsink_get(m, i)->visit, 1);
    kiosk_destroy(k);
    visit_memsink_destroy(m);
}

static void test_piece_outlives_its_visit(void **state)
{
    (void)state;
    int64_t now = 1000;
    visit_memsink_t *m = visit_memsink_create();
    mf_event_t line;
    kiosk_t *k = at_order(m, &now, &line);
    tap_id(k, "colour-red", &now);
    type(k, "Nina", &now);
    tap_id(k, "text-next", &now);
    tap_id(k, "confirm", &now);
    order_action_t a;
    assert_true(kiosk_next_order_action(k, &a));
    news(k, MF_ORDER_ACCEPTED, a.ref, 3, true, &now);
    /* the visitor walks away */
    mf_event_t tick = {.type = MF_EV_TICK};
    now += 91000;
    feed(k, &tick, &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_STILL_THERE);
    now += KIOSK_STILL_THERE_MS + 1000;
    feed(k, &tick, &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
    /* the next visitor starts from nothing, the piece is still engraved */
    open_visit(k, &now);
    tap_id(k, "order", &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ORDER);
    tap_id(k, "colour-red", &now);
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now, v);
    assert_false(view_has_text(v, "Nina"));
    assert_true(view_has_text(v, "0 / 12"));
    free(v);
    line.line.stations[2].order = 3;
    line.line.detail.engrave_waiting = true;
    line.line.detail.engrave_order = 3;
    feed(k, &line, &now);
    order_action_t e;
    assert_true(kiosk_next_order_action(k, &e));
    assert_int_equal(e.kind, ORDER_ACT_ENGRAVE);
    assert_string_equal(e.text, "Nina");
    news(k, MF_ORDER_ENGRAVED, e.ref, 3, true, &now);
    news(k, MF_ORDER_FINISHED, 0, 3, false, &now); /* rejected: remade */
    const visit_event_t *last = visit_memsink_get(m, visit_memsink_count(m) - 1);
    assert_int_equal(last->type, VISIT_EV_ORDER_OUTCOME);
    assert_int_equal(last->u.outcome.outcome, VISIT_ORDER_REJECTED);
    assert_int_equal(last->visit, 1); /* the visit that ordered, not the one now */
    kiosk_destroy(k);
    visit_memsink_destroy(m);
}

static void test_blocked_word_and_one_order_per_visit(void **state)
{
    (void)state;
    int64_t now = 1000;
    visit_memsink_t *m = visit_memsink_create();
    mf_event_t line;
    kiosk_t *k = at_order(m, &now, &line);
    tap_id(k, "colour-green", &now);
    type(k, "zut", &now);
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now, v);
    assert_true(view_has_text(v, "ce texte ne peut pas être gravé"));
    /* the refusal does not repeat the word (only the typed field shows it) */
    const view_widget_t *msg = view_find_id(v, "text-message");
    assert_non_null(msg);
    assert_null(strstr(msg->label, "zut"));
    tap_id(k, "text-next", &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ORDER_TEXT); /* not accepted */
    for (int i = 0; i < 3; i++)
        tap_id(k, "kb-del", &now);
    tap_id(k, "text-next", &now); /* empty: a plain holder */
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ORDER_CONFIRM);
    tap_id(k, "confirm", &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_TRACKING);
    order_action_t a;
    assert_true(kiosk_next_order_action(k, &a));
    assert_false(a.engrave);
    tap_id(k, "track-more", &now);
    tap_id(k, "order", &now);
    kiosk_view(k, now, v);
    assert_non_null(view_find_id(v, "see-tracking"));
    assert_null(view_find_id(v, "colour-green"));
    free(v);
    kiosk_destroy(k);
    visit_memsink_destroy(m);
}

static void test_kiosk_without_engraver_sends_visitors_to_the_desk(void **state)
{
    (void)state;
    int64_t now = 1000;
    visit_memsink_t *m = visit_memsink_create();
    kiosk_options_t o = {0};
    kiosk_t *k = create(&o, now);
    mf_event_t line = line_running();
    feed(k, &line, &now);
    open_visit(k, &now);
    tap_id(k, "order", &now);
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now, v);
    assert_true(view_has_text(v, "va au bureau des commandes"));
    assert_null(view_find_id(v, "colour-red"));
    free(v);
    order_action_t a;
    assert_false(kiosk_next_order_action(k, &a));
    kiosk_destroy(k);
    visit_memsink_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_events_exactly),
        cmocka_unit_test(test_piece_outlives_its_visit),
        cmocka_unit_test(test_blocked_word_and_one_order_per_visit),
        cmocka_unit_test(test_kiosk_without_engraver_sends_visitors_to_the_desk),
    };
    return cmocka_run_group_tests(tests, load_pack, free_pack);
}
