/*
 * test_update.c - core.update: kiosk_update() driven with events and a
 * fast-forwarded clock, no window. Covers navigation by tap, swipe and key,
 * the idle timeout, transitions, long press, and what the view shows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content.h"
#include "kiosk.h"
#include "kiosk_priv.h"
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1920x1080 in units */
#define W 177.7f
#define H 100.0f

/* The kiosk's texts come from the real content pack. */
static content_pack_t *pack;

static const char *pack_text(void *ctx, const char *lang, const char *key)
{
    return content_string(ctx, lang, key);
}

static int load_pack(void **state)
{
    yamldoc_errors_t e;
    yamldoc_errors_init(&e);
    pack = content_load(MINIFAB_SOURCE_DIR "/content", &e);
    for (size_t i = 0; i < e.count; i++)
        fprintf(stderr, "%s\n", e.items[i]);
    yamldoc_errors_deinit(&e);
    return pack ? 0 : -1;
}

static int free_pack(void **state)
{
    content_destroy(pack);
    return 0;
}

static kiosk_t *make(int64_t now)
{
    kiosk_options_t opt = {.idle_timeout_ms = 90000,
                           .language = "fr",
                           .high_contrast = false,
                           .text = pack_text,
                           .text_ctx = pack,
                           .pack = pack};
    kiosk_t *k = kiosk_create(&opt, W, H, now);
    assert_non_null(k);
    return k;
}

static void tap_at(kiosk_t *k, float x, float y, int64_t *now)
{
    mf_event_t down = {.type = MF_EV_POINTER_DOWN, .pointer = 1, .x = x, .y = y};
    mf_event_t up = {.type = MF_EV_POINTER_UP, .pointer = 1, .x = x, .y = y};
    kiosk_update(k, &down, *now);
    *now += 80;
    kiosk_update(k, &up, *now);
    *now += 400; /* let the transition finish */
    mf_event_t tick = {.type = MF_EV_TICK};
    kiosk_update(k, &tick, *now);
}

static void tap_id(kiosk_t *k, const char *id, int64_t *now)
{
    view_t *v = malloc(sizeof *v);
    assert_non_null(v);
    kiosk_view(k, *now, v);
    const view_widget_t *w = view_find_id(v, id);
    if (!w)
        fail_msg("no widget #%s on screen %s", id, v->screen);
    float x = w->rect.x + w->rect.w / 2, y = w->rect.y + w->rect.h / 2;
    free(v);
    tap_at(k, x, y, now);
}

/* Opens a visit as a visitor does: touch, French, skip "who are you?", skip
 * the perception question: three taps after the first, then the line map. */
static void start_visit(kiosk_t *k, int64_t *now)
{
    tap_id(k, "start", now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_LANGUAGE);
    tap_id(k, "language-0", now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_PROFILE);
    tap_id(k, "skip", now);
    if (kiosk_screen(k) == KIOSK_SCREEN_PERCEPTION) /* a kiosk with a pack asks it */
        tap_id(k, "skip", now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_HOME);
}

static void test_starts_on_attract(void **state)
{
    kiosk_t *k = make(1000);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
    assert_string_equal(kiosk_screen_id(kiosk_screen(k)), "attract");
    kiosk_destroy(k);
}

static void test_tap_start_goes_home_and_back(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    start_visit(k, &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_HOME);
    tap_id(k, "back", &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
    kiosk_destroy(k);
}

static void test_tap_anywhere_on_attract_starts(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    tap_at(k, 170.0f, 70.0f, &now); /* empty area at the right */
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_LANGUAGE);
    kiosk_destroy(k);
}

static void test_release_outside_does_not_activate(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    start_visit(k, &now);
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now, v);
    const view_widget_t *b = view_find_id(v, "settings");
    assert_non_null(b);
    mf_event_t down = {
        .type = MF_EV_POINTER_DOWN, .pointer = 1, .x = b->rect.x + 1, .y = b->rect.y + 1};
    mf_event_t move = {.type = MF_EV_POINTER_MOVE, .pointer = 1, .x = b->rect.x - 30, .y = 60};
    mf_event_t up = move;
    up.type = MF_EV_POINTER_UP;
    kiosk_update(k, &down, now);
    kiosk_view(k, now, v);
    assert_true(view_find_id(v, "settings")->pressed);
    kiosk_update(k, &move, now + 50);
    kiosk_update(k, &up, now + 100);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_HOME);
    free(v);
    kiosk_destroy(k);
}

/* Every screen has its class, found by its id, in its own file. */
static void test_screen_table_complete(void **state)
{
    for (int s = 0; s < KIOSK_SCREEN_COUNT; s++) {
        const screen_class_t *c = screen_class((kiosk_screen_t)s);
        assert_non_null(c);
        assert_non_null(c->layout);
        assert_string_equal(kiosk_screen_id((kiosk_screen_t)s), c->id);
        assert_int_equal(screen_find(c->id), s);
    }
    assert_int_equal(screen_find("no-such-screen"), KIOSK_SCREEN_COUNT);
}

static void expect_events(visit_memsink_t *m, const char *const *want, size_t n, uint64_t visit)
{
    for (size_t i = 0; i < visit_memsink_count(m); i++) {
        char line[256];
        visit_event_format(visit_memsink_get(m, i), line, sizeof line);
        fprintf(stderr, "event %zu: %s (visit %llu)\n", i, line,
                (unsigned long long)visit_memsink_get(m, i)->visit);
    }
    assert_int_equal(visit_memsink_count(m), n);
    for (size_t i = 0; i < n; i++) {
        char line[256];
        visit_event_format(visit_memsink_get(m, i), line, sizeof line);
        assert_string_equal(line, want[i]);
        assert_int_equal(visit_memsink_get(m, i)->visit, visit);
    }
}

/* The events of a whole scripted visit, exactly: opened in three taps
 * (language, who are you, perception before), a look at the settings, "I'm
 * done", the survey (perception after, a face, a reason), thanks, finish. */
static void test_visit_events_of_a_scripted_visit(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    visit_memsink_t *m = visit_memsink_create();
    assert_non_null(m);
    kiosk_set_sink(k, visit_memsink_sink(m));
    tap_id(k, "start", &now);      /* attract -> language */
    tap_id(k, "language-1", &now); /* English */
    tap_id(k, "profile-0", &now);  /* a pupil */
    tap_id(k, "answer-1", &now);   /* "not really" */
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_HOME);
    assert_string_equal(kiosk_language(k), "en");
    tap_id(k, "settings", &now);
    tap_id(k, "back", &now);
    tap_id(k, "done", &now); /* "I'm done" */
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_SURVEY);
    tap_id(k, "answer-3", &now); /* "rather yes" */
    tap_id(k, "face-3", &now);   /* "great" */
    tap_id(k, "reason-1", &now); /* the videos */
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_THANKS);
    tap_id(k, "finish", &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
    const char *want[] = {
        "visit_started",
        "language lang=en",
        "screen_view id=language dwell_ms=480",
        "profile profile=pupil",
        "screen_view id=profile dwell_ms=480",
        "perception question=perception-industry v1 when=before value=1",
        "screen_view id=perception dwell_ms=480",
        "screen_view id=home dwell_ms=480",
        "screen_view id=settings dwell_ms=480",
        "screen_view id=home dwell_ms=480",
        "perception question=perception-industry v1 when=after value=3",
        "satisfaction question=satisfaction-visit v1 value=3 reason=videos",
        "screen_view id=survey dwell_ms=1440",
        "screen_view id=thanks dwell_ms=480",
        "visit_ended reason=finished",
    };
    expect_events(m, want, sizeof want / sizeof want[0], 1);
    /* the next visitor is visit 2, in French again */
    visit_memsink_clear(m);
    tap_id(k, "start", &now);
    assert_string_equal(kiosk_language(k), "fr");
    assert_int_equal(visit_memsink_count(m), 1);
    assert_int_equal(visit_memsink_get(m, 0)->type, VISIT_EV_STARTED);
    assert_int_equal(visit_memsink_get(m, 0)->visit, 2);
    kiosk_destroy(k);
    visit_memsink_destroy(m);
}

/* Idle: "still there?" with a countdown after the idle timeout; "yes" goes
 * back to where the visitor was; at zero the visit ends (idle) and the
 * screen the visitor left counts only until their last touch. */
static void test_still_there_then_idle_end(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    visit_memsink_t *m = visit_memsink_create();
    kiosk_set_sink(k, visit_memsink_sink(m));
    start_visit(k, &now);
    tap_id(k, "settings", &now);
    int64_t last = now - 400;
    mf_event_t tick = {.type = MF_EV_TICK};
    kiosk_update(k, &tick, last + 90000);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_STILL_THERE);
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, last + 90000, v);
    assert_true(view_has_text(v, "La visite se termine dans 20 s"));
    /* the countdown asks for a frame each second */
    assert_int_equal(kiosk_next_deadline(k, last + 90000 + KIOSK_TRANSITION_MS), last + 91000);
    kiosk_update(k, &tick, last + 95500);
    kiosk_view(k, last + 95500, v);
    assert_true(view_has_text(v, "La visite se termine dans 15 s"));
    /* yes: back where the visitor was */
    now = last + 96000;
    tap_id(k, "yes", &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_SETTINGS);
    /* this time nobody answers */
    last = now - 400;
    kiosk_update(k, &tick, last + 90000);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_STILL_THERE);
    kiosk_update(k, &tick, last + 90000 + KIOSK_STILL_THERE_MS - 1);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_STILL_THERE);
    kiosk_update(k, &tick, last + 90000 + KIOSK_STILL_THERE_MS);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
    const visit_event_t *end = visit_memsink_get(m, visit_memsink_count(m) - 1);
    assert_int_equal(end->type, VISIT_EV_ENDED);
    assert_int_equal(end->u.end.reason, VISIT_END_IDLE);
    /* the settings page was looked at until the last touch, not for 90 s */
    const visit_event_t *seen = NULL;
    for (size_t i = 0; i < visit_memsink_count(m); i++) {
        const visit_event_t *e = visit_memsink_get(m, i);
        if (e->type == VISIT_EV_SCREEN && strcmp(e->u.view.id, "settings") == 0)
            seen = e;
    }
    assert_non_null(seen);
    assert_int_equal(seen->u.view.dwell_ms, 0);
    free(v);
    kiosk_destroy(k);
    visit_memsink_destroy(m);
}

/* A ticket scanned on any screen links the visit to its code, once, with a
 * confirmation that goes away; scanned at attract it starts a visit. */
static void test_ticket_links_the_visit(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    visit_memsink_t *m = visit_memsink_create();
    kiosk_set_sink(k, visit_memsink_sink(m));
    mf_event_t scan = {.type = MF_EV_TICKET};
    snprintf(scan.text, sizeof scan.text, "T-0042");
    kiosk_update(k, &scan, now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_LANGUAGE);
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now + 100, v);
    assert_non_null(view_find_id(v, "ticket-linked"));
    assert_true(view_has_text(v, "T-0042"));
    assert_int_equal(kiosk_next_deadline(k, now + 400), now + KIOSK_TOAST_MS);
    mf_event_t tick = {.type = MF_EV_TICK};
    kiosk_update(k, &tick, now + KIOSK_TOAST_MS);
    kiosk_view(k, now + KIOSK_TOAST_MS, v);
    assert_null(view_find_id(v, "ticket-linked"));
    kiosk_update(k, &scan, now + 5000); /* the same ticket again: counted once */
    size_t tickets = 0;
    for (size_t i = 0; i < visit_memsink_count(m); i++) {
        const visit_event_t *e = visit_memsink_get(m, i);
        if (e->type == VISIT_EV_TICKET) {
            tickets++;
            assert_string_equal(e->u.ticket.code, "T-0042");
            assert_int_equal(e->visit, 1);
        }
    }
    assert_int_equal(tickets, 1);
    assert_int_equal(visit_memsink_get(m, 0)->type, VISIT_EV_STARTED);

    /* a second kiosk, mid-visit on its line map, scans the same ticket: its
     * visit is linked to the same code (the statistics follow the visitor) */
    kiosk_t *k2 = make(now);
    visit_memsink_t *m2 = visit_memsink_create();
    kiosk_set_sink(k2, visit_memsink_sink(m2));
    start_visit(k2, &now);
    kiosk_update(k2, &scan, now);
    assert_int_equal(kiosk_screen(k2), KIOSK_SCREEN_HOME); /* the visit goes on where it was */
    const visit_event_t *last = visit_memsink_get(m2, visit_memsink_count(m2) - 1);
    assert_int_equal(last->type, VISIT_EV_TICKET);
    assert_string_equal(last->u.ticket.code, "T-0042");
    kiosk_destroy(k2);
    visit_memsink_destroy(m2);
    free(v);
    kiosk_destroy(k);
    visit_memsink_destroy(m);
}

/* The QR code leads to the job sheet of the one trade looked at; with
 * several, to the configured base address with their ids. */
static void test_thanks_qr_url(void **state)
{
    int64_t now = 1000;
    kiosk_options_t opt = {.idle_timeout_ms = 90000,
                           .language = "fr",
                           .text = pack_text,
                           .text_ctx = pack,
                           .pack = pack,
                           .qr_base_url = "https://metiers.example/fiches?ids={ids}"};
    for (int trades = 0; trades <= 2; trades++) {
        kiosk_t *k = kiosk_create(&opt, W, H, now);
        start_visit(k, &now);
        const char *ids[] = {"welder", "boilermaker"};
        for (int i = 0; i < trades; i++) {
            /* what the trade page emits when it is left */
            visit_event_t ev = {.type = VISIT_EV_TRADE};
            snprintf(ev.u.view.id, sizeof ev.u.view.id, "%s", ids[i]);
            ev.u.view.dwell_ms = 1000;
            kiosk_emit(k, &ev, now);
        }
        tap_id(k, "done", &now);
        tap_id(k, "skip", &now);
        tap_id(k, "skip", &now);
        assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_THANKS);
        view_t *v = malloc(sizeof *v);
        kiosk_view(k, now, v);
        const view_widget_t *qr = view_find_id(v, "qr");
        if (trades == 0) {
            assert_null(qr);
        } else if (trades == 1) {
            assert_non_null(qr);
            assert_string_equal(qr->label, content_trade_find(pack, "welder")->link);
        } else {
            assert_non_null(qr);
            assert_string_equal(qr->label, "https://metiers.example/fiches?ids=welder,boilermaker");
        }
        /* nobody touches the thanks screen: the next visitor gets attract */
        mf_event_t tick = {.type = MF_EV_TICK};
        kiosk_update(k, &tick, now + KIOSK_THANKS_MS);
        assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
        free(v);
        kiosk_destroy(k);
    }
}

static void test_idle_timeout_returns_to_attract_and_resets(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    start_visit(k, &now);
    tap_id(k, "settings", &now);
    tap_id(k, "lang-en", &now);
    tap_id(k, "contrast", &now);
    assert_string_equal(kiosk_language(k), "en");
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_SETTINGS);

    /* the last touch (the release of the last tap) was 400 ms before NOW */
    int64_t last = now - 400;
    mf_event_t tick = {.type = MF_EV_TICK};
    assert_int_equal(kiosk_next_deadline(k, now), last + 90000);
    /* 89.9 s after it the visitor is still there */
    kiosk_update(k, &tick, last + 89900);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_SETTINGS);
    /* at 90 s: "still there?", then the next visitor starts afresh */
    kiosk_update(k, &tick, last + 90000);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_STILL_THERE);
    kiosk_update(k, &tick, last + 90000 + KIOSK_STILL_THERE_MS);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
    assert_string_equal(kiosk_language(k), "fr");
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now + 90000 + 1000, v);
    assert_false(v->high_contrast);
    free(v);
    kiosk_destroy(k);
}

static void test_swipe_right_goes_back(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    start_visit(k, &now);
    tap_id(k, "settings", &now);
    mf_event_t down = {.type = MF_EV_POINTER_DOWN, .pointer = 3, .x = 20, .y = 80};
    mf_event_t move = {.type = MF_EV_POINTER_MOVE, .pointer = 3, .x = 60, .y = 82};
    mf_event_t up = {.type = MF_EV_POINTER_UP, .pointer = 3, .x = 90, .y = 83};
    kiosk_update(k, &down, now);
    kiosk_update(k, &move, now + 40);
    kiosk_update(k, &up, now + 80);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_HOME);
    kiosk_destroy(k);
}

static void test_escape_key_goes_back(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    start_visit(k, &now);
    mf_event_t key = {.type = MF_EV_KEY};
    snprintf(key.text, sizeof key.text, "Escape");
    kiosk_update(k, &key, now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
    kiosk_destroy(k);
}

static void test_second_finger_is_ignored(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    start_visit(k, &now);
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now, v);
    const view_widget_t *back = view_find_id(v, "back");
    const view_widget_t *set = view_find_id(v, "settings");
    mf_event_t d1 = {
        .type = MF_EV_POINTER_DOWN, .pointer = 1, .x = set->rect.x + 2, .y = set->rect.y + 2};
    mf_event_t d2 = {
        .type = MF_EV_POINTER_DOWN, .pointer = 2, .x = back->rect.x + 2, .y = back->rect.y + 2};
    mf_event_t u2 = d2, u1 = d1;
    u2.type = MF_EV_POINTER_UP;
    u1.type = MF_EV_POINTER_UP;
    kiosk_update(k, &d1, now);
    kiosk_update(k, &d2, now + 10);
    kiosk_update(k, &u2, now + 20); /* the second finger's release does nothing */
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_HOME);
    kiosk_update(k, &u1, now + 30);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_SETTINGS);
    free(v);
    kiosk_destroy(k);
}

static void test_transition_and_deadlines(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    view_t *v = malloc(sizeof *v);
    /* attract animates: a deadline one frame away */
    assert_int_equal(kiosk_next_deadline(k, now), now + KIOSK_ATTRACT_FRAME_MS);
    mf_event_t down = {.type = MF_EV_POINTER_DOWN, .pointer = 1, .x = 170, .y = 70};
    mf_event_t up = down;
    up.type = MF_EV_POINTER_UP;
    kiosk_update(k, &down, now);
    kiosk_update(k, &up, now + 50);
    kiosk_view(k, now + 50 + KIOSK_TRANSITION_MS / 2, v);
    assert_true(v->transition > 0.3f && v->transition < 0.7f);
    assert_int_equal(v->transition_dir, 1);
    kiosk_view(k, now + 50 + KIOSK_TRANSITION_MS, v);
    assert_true(v->transition >= 1.0f);
    /* a static screen: nothing to do until the idle timeout */
    int64_t later = now + 50 + KIOSK_TRANSITION_MS + 100;
    mf_event_t tick = {.type = MF_EV_TICK};
    kiosk_update(k, &tick, later);
    assert_int_equal(kiosk_next_deadline(k, later), now + 50 + 90000);
    /* and a tick on a static screen changes nothing to draw */
    kiosk_update(k, &tick, later + 10);
    uint64_t g = kiosk_generation(k);
    assert_false(kiosk_update(k, &tick, later + 20));
    assert_int_equal(kiosk_generation(k), g);
    free(v);
    kiosk_destroy(k);
}

static void test_long_press_does_not_tap(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    start_visit(k, &now);
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now, v);
    const view_widget_t *set = view_find_id(v, "settings");
    mf_event_t d = {
        .type = MF_EV_POINTER_DOWN, .pointer = 1, .x = set->rect.x + 2, .y = set->rect.y + 2};
    mf_event_t u = d;
    u.type = MF_EV_POINTER_UP;
    kiosk_update(k, &d, now);
    assert_int_equal(kiosk_next_deadline(k, now), now + KIOSK_LONGPRESS_MS);
    mf_event_t tick = {.type = MF_EV_TICK};
    kiosk_update(k, &tick, now + KIOSK_LONGPRESS_MS);
    kiosk_update(k, &u, now + KIOSK_LONGPRESS_MS + 100);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_HOME);
    free(v);
    kiosk_destroy(k);
}

static void test_language_switch_changes_labels(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now, v);
    assert_true(view_has_text(v, "Touche l’écran pour commencer"));
    tap_id(k, "lang-en", &now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
    kiosk_view(k, now, v);
    assert_true(view_has_text(v, "Touch the screen to start"));
    assert_false(view_has_text(v, "Touche l’écran"));
    free(v);
    kiosk_destroy(k);
}

static void test_stations_on_home_and_portrait_layout(void **state)
{
    int64_t now = 1000;
    kiosk_options_t opt = {
        .idle_timeout_ms = 60000, .language = "fr", .text = pack_text, .text_ctx = pack};
    kiosk_t *k = kiosk_create(&opt, 100.0f, 177.7f, now); /* portrait */
    kiosk_station_t st[3] = {0};
    for (int i = 0; i < 3; i++) {
        snprintf(st[i].id, sizeof st[i].id, "s%d", i);
        snprintf(st[i].title[0], sizeof st[i].title[0], "Station %d", i);
        snprintf(st[i].title[1], sizeof st[i].title[1], "Station EN %d", i);
        st[i].line_number = i + 1;
    }
    kiosk_set_stations(k, st, 3);
    start_visit(k, &now);
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now, v);
    for (size_t i = 0; i < v->count; i++) {
        const view_rect_t r = v->widgets[i].rect;
        /* everything inside the portrait screen */
        assert_true(r.x >= 0 && r.y >= 0 && r.x + r.w <= 100.01f && r.y + r.h <= 177.71f);
    }
    assert_non_null(view_find_id(v, "station-s2"));
    assert_true(view_has_text(v, "Station 1"));
    free(v);
    kiosk_destroy(k);
}

static void test_line_status_shown_and_deduplicated(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    start_visit(k, &now);
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now, v);
    assert_null(view_find_id(v, "line-status")); /* no line driver: nothing said */

    mf_event_t ev = {.type = MF_EV_LINE};
    ev.line.online = true;
    ev.line.running = true;
    assert_true(kiosk_update(k, &ev, now));
    kiosk_view(k, now, v);
    assert_string_equal(view_find_id(v, "line-status")->label, "La ligne fabrique en ce moment");
    /* the same state again (every poll): nothing to redraw */
    uint64_t g = kiosk_generation(k);
    kiosk_update(k, &ev, now + 50);
    assert_int_equal(kiosk_generation(k), g);
    /* e-stop outranks running; offline outranks everything */
    ev.line.estop = true;
    kiosk_update(k, &ev, now + 100);
    kiosk_view(k, now + 100, v);
    assert_string_equal(view_find_id(v, "line-status")->label,
                        "Arrêt d’urgence : l’équipe s’en occupe");
    ev.line.online = false;
    kiosk_update(k, &ev, now + 150);
    kiosk_view(k, now + 150, v);
    assert_string_equal(view_find_id(v, "line-status")->label,
                        "Ligne à l’arrêt : les vidéos et les quiz marchent toujours");
    /* line events are not a visitor's touch: the idle timeout still runs */
    mf_event_t tick = {.type = MF_EV_TICK};
    kiosk_update(k, &tick, now - 400 + 90000);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_STILL_THERE);
    free(v);
    kiosk_destroy(k);
}

static void feed_video(kiosk_t *k, mf_video_state_t st, int64_t pos, const char *caption,
                       int64_t now)
{
    mf_event_t ev = {.type = MF_EV_VIDEO};
    ev.video.state = st;
    ev.video.position_ms = pos;
    ev.video.duration_ms = 24000;
    ev.video.has_captions = true;
    ev.video.captions_on = true;
    snprintf(ev.video.caption, sizeof ev.video.caption, "%s", caption);
    kiosk_update(k, &ev, now);
}

static void test_player_screen(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    view_t *v = malloc(sizeof *v);
    assert_null(kiosk_video(k));
    start_visit(k, &now);
    kiosk_open_video(k, "/clips/welder.mp4", "/clips/welder.fr.srt", NULL, false, now);
    now += 400;
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_PLAYER);
    const kiosk_video_t *want = kiosk_video(k);
    assert_non_null(want);
    assert_string_equal(want->media, "/clips/welder.mp4");
    assert_true(want->want_play && want->captions_on);

    /* the caption showing is in the view (scripts can expect it) */
    feed_video(k, MF_VIDEO_PLAYING, 12000, "Je soude des pièces.", now);
    kiosk_view(k, now, v);
    assert_true(view_has_text(v, "Je soude des pièces."));
    assert_true(view_has_text(v, "0:12 / 0:24"));
    assert_string_equal(view_find_id(v, "playpause")->label, "Pause");
    const view_widget_t *pr = view_find_id(v, "progress");
    assert_true(pr->value > 0.49f && pr->value < 0.51f);

    /* watching is not leaving: no idle timeout while the video plays */
    mf_event_t tick = {.type = MF_EV_TICK};
    feed_video(k, MF_VIDEO_PLAYING, 13000, "", now + 200000);
    kiosk_update(k, &tick, now + 200000);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_PLAYER);
    now += 200000;

    tap_id(k, "playpause", &now);
    assert_false(kiosk_video(k)->want_play);
    tap_id(k, "captions", &now);
    assert_false(kiosk_video(k)->captions_on);
    uint32_t seek = kiosk_video(k)->seek_serial;
    tap_id(k, "rewind", &now);
    assert_int_equal(kiosk_video(k)->seek_serial, seek + 1);
    assert_int_equal(kiosk_video(k)->seek_ms, 3000); /* 13 s - 10 s */
    tap_id(k, "forward", &now);
    tap_id(k, "forward", &now);
    assert_int_equal(kiosk_video(k)->seek_ms, 23000);
    uint32_t replay = kiosk_video(k)->replay_serial;
    tap_id(k, "replay", &now);
    assert_int_equal(kiosk_video(k)->replay_serial, replay + 1);
    assert_true(kiosk_video(k)->want_play);

    /* paused and left alone: the idle timeout ends the visit, the clip closes */
    feed_video(k, MF_VIDEO_PAUSED, 5000, "", now);
    kiosk_update(k, &tick, now + 90000);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_STILL_THERE);
    assert_null(kiosk_video(k)); /* "still there?" covers the clip: it stops */
    kiosk_update(k, &tick, now + 90000 + KIOSK_STILL_THERE_MS);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
    assert_null(kiosk_video(k));
    free(v);
    kiosk_destroy(k);
}

/* The position moves with every frame; the screen changes (generation) only
 * when the time shown or the progress bar's 250 ms step changes, or anything
 * else shown does. The progress is the step's, so the screen drawn anywhere
 * within a step is the same. */
static void test_player_position_steps(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    view_t *v = malloc(sizeof *v);
    kiosk_open_video(k, "/clips/welder.mp4", NULL, NULL, true, now);
    now += 400;
    feed_video(k, MF_VIDEO_PLAYING, 12000, "", now);
    kiosk_view(k, now, v);
    float at12 = view_find_id(v, "progress")->value;
    uint64_t g = kiosk_generation(k);
    for (int64_t pos = 12033; pos < 12250; pos += 33)
        feed_video(k, MF_VIDEO_PLAYING, pos, "", now);
    assert_int_equal(kiosk_generation(k), g);
    kiosk_view(k, now, v);
    assert_true(view_find_id(v, "progress")->value == at12);
    feed_video(k, MF_VIDEO_PLAYING, 12250, "", now);
    assert_int_equal(kiosk_generation(k), g + 1);
    kiosk_view(k, now, v);
    assert_true(view_find_id(v, "progress")->value > at12);
    feed_video(k, MF_VIDEO_PLAYING, 12260, "Je soude.", now); /* a caption appears */
    assert_int_equal(kiosk_generation(k), g + 2);
    feed_video(k, MF_VIDEO_PAUSED, 12270, "Je soude.", now);
    assert_int_equal(kiosk_generation(k), g + 3);
    /* at the end the bar is full, whatever step the last frame fell in */
    feed_video(k, MF_VIDEO_ENDED, 23990, "", now);
    kiosk_view(k, now, v);
    assert_true(view_find_id(v, "progress")->value == 1.0f);
    assert_true(view_has_text(v, "0:24 / 0:24"));
    /* nothing overlaps the picture: a new frame may be drawn alone */
    assert_true(view_videos_clear(v));
    free(v);
    kiosk_destroy(k);
}

static void test_view_videos_clear(void **state)
{
    view_t *v = malloc(sizeof *v);
    view_clear(v, "x", 100, 100);
    assert_false(view_videos_clear(v)); /* no video */
    view_add(v, VIEW_VIDEO, "video", NULL, view_rect(0, 0, 100, 60));
    /* touching is not overlapping */
    view_add(v, VIEW_BUTTON, "ok", "OK", view_rect(0, 60, 50, 40));
    assert_true(view_videos_clear(v));
    view_add(v, VIEW_TEXT, "title", "Titre", view_rect(10, 55, 50, 10));
    assert_false(view_videos_clear(v));
    free(v);
}

static void test_player_standalone_back_quits(void **state)
{
    int64_t now = 1000;
    kiosk_t *k = make(now);
    kiosk_open_video(k, "/clips/x.mp4", NULL, NULL, true, now);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_PLAYER);
    feed_video(k, MF_VIDEO_FAILED, 0, "", now);
    mf_event_t ev = {.type = MF_EV_VIDEO};
    ev.video.state = MF_VIDEO_FAILED;
    snprintf(ev.video.message, sizeof ev.video.message, "Cette vidéo ne peut pas être lue.");
    kiosk_update(k, &ev, now);
    view_t *v = malloc(sizeof *v);
    kiosk_view(k, now, v);
    assert_non_null(view_find_id(v, "video-message"));
    assert_false(kiosk_quit_requested(k));
    tap_id(k, "back", &now);
    assert_true(kiosk_quit_requested(k));
    free(v);
    kiosk_destroy(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screen_table_complete),
        cmocka_unit_test(test_visit_events_of_a_scripted_visit),
        cmocka_unit_test(test_still_there_then_idle_end),
        cmocka_unit_test(test_ticket_links_the_visit),
        cmocka_unit_test(test_thanks_qr_url),
        cmocka_unit_test(test_starts_on_attract),
        cmocka_unit_test(test_tap_start_goes_home_and_back),
        cmocka_unit_test(test_tap_anywhere_on_attract_starts),
        cmocka_unit_test(test_release_outside_does_not_activate),
        cmocka_unit_test(test_idle_timeout_returns_to_attract_and_resets),
        cmocka_unit_test(test_swipe_right_goes_back),
        cmocka_unit_test(test_escape_key_goes_back),
        cmocka_unit_test(test_second_finger_is_ignored),
        cmocka_unit_test(test_transition_and_deadlines),
        cmocka_unit_test(test_long_press_does_not_tap),
        cmocka_unit_test(test_language_switch_changes_labels),
        cmocka_unit_test(test_stations_on_home_and_portrait_layout),
        cmocka_unit_test(test_line_status_shown_and_deduplicated),
        cmocka_unit_test(test_player_screen),
        cmocka_unit_test(test_player_position_steps),
        cmocka_unit_test(test_view_videos_clear),
        cmocka_unit_test(test_player_standalone_back_quits),
    };
    return cmocka_run_group_tests(tests, load_pack, free_pack);
}
