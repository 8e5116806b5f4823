/*
 * test_journey.c - core.journey: the visitor's journey screens (home's line
 * map, station, trade, quiz, quiz-result, attract's live line and trade
 * highlight) driven through kiosk_update() with a fast-forwarded clock and
 * the real content pack, no window; touch targets and portrait reach on
 * every screen at the three sizes, both languages, bigger text; and the
 * exact list of events a scripted visit emits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content.h"
#include "kiosk.h"
#include "kiosk_pack.h"
#include "quiz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static kiosk_pack_t *kp;
static view_t *v;

static int setup(void **state)
{
    (void)state;
    kp = kiosk_pack_create(MINIFAB_SOURCE_DIR "/content");
    v = malloc(sizeof *v);
    return kp && v && kiosk_pack_load(kp) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    kiosk_pack_destroy(kp);
    free(v);
    return 0;
}

static kiosk_t *make(float w, float h, int64_t now)
{
    kiosk_options_t opt = {.idle_timeout_ms = 90000,
                           .language = "fr",
                           .text = kiosk_pack_text,
                           .text_ctx = kp,
                           .pack = kiosk_pack_content(kp)};
    kiosk_t *k = kiosk_create(&opt, w, h, now);
    assert_non_null(k);
    int n;
    const kiosk_station_t *st = kiosk_pack_stations(kp, &n);
    kiosk_set_stations(k, st, n);
    return k;
}

static void tick(kiosk_t *k, int64_t now)
{
    mf_event_t t = {.type = MF_EV_TICK};
    kiosk_update(k, &t, now);
}

static void tap_at(kiosk_t *k, float x, float y, int64_t *now)
{
    mf_event_t down = {.type = MF_EV_POINTER_DOWN, .pointer = 1, .x = x, .y = y};
    mf_event_t up = {.type = MF_EV_POINTER_UP, .pointer = 1, .x = x, .y = y};
    kiosk_update(k, &down, *now);
    *now += 80;
    kiosk_update(k, &up, *now);
    *now += 400;
    tick(k, *now);
}

static const view_widget_t *find(kiosk_t *k, const char *id, int64_t now)
{
    kiosk_view(k, now, v);
    return view_find_id(v, id);
}

static void tap_id(kiosk_t *k, const char *id, int64_t *now)
{
    const view_widget_t *w = find(k, id, *now);
    if (!w)
        fail_msg("no widget #%s on screen %s", id, v->screen);
    tap_at(k, w->rect.x + w->rect.w / 2, w->rect.y + w->rect.h / 2, now);
}

/* Opens a visit as a visitor does (touch at X Y, French, skip "who are
 * you?", skip the perception question): the line map. */
static void open_visit_at(kiosk_t *k, float x, float y, int64_t *now)
{
    tap_at(k, x, y, now);
    tap_id(k, "language-0", now);
    tap_id(k, "skip", now);
    if (kiosk_screen(k) == KIOSK_SCREEN_PERCEPTION)
        tap_id(k, "skip", now);
}

static void swipe_back(kiosk_t *k, int64_t *now)
{
    mf_event_t down = {.type = MF_EV_POINTER_DOWN, .pointer = 1, .x = 20, .y = 60};
    mf_event_t move = {.type = MF_EV_POINTER_MOVE, .pointer = 1, .x = 60, .y = 61};
    mf_event_t up = {.type = MF_EV_POINTER_UP, .pointer = 1, .x = 70, .y = 61};
    kiosk_update(k, &down, *now);
    *now += 50;
    kiosk_update(k, &move, *now);
    *now += 50;
    kiosk_update(k, &up, *now);
    *now += 400;
    tick(k, *now);
}

static void expect_screen(kiosk_t *k, const char *id, int64_t now)
{
    kiosk_view(k, now, v);
    assert_string_equal(v->screen, id);
}

static bool shows(kiosk_t *k, const char *text, int64_t now)
{
    kiosk_view(k, now, v);
    return view_has_text(v, text);
}

/* A line whose press (station 3) works on a red piece, the robot (5) is in
 * fault, the rest waits; running, online. */
static void feed_line(kiosk_t *k, bool online, bool running, bool fault, int64_t now)
{
    mf_event_t ev = {.type = MF_EV_LINE};
    ev.line.online = online;
    ev.line.running = running;
    ev.line.fault = fault;
    for (int i = 0; i < MF_LINE_STATIONS; i++)
        ev.line.stations[i].state = MF_STATION_WAITING;
    ev.line.stations[3 - MF_LINE_FIRST_STATION] =
        (mf_line_station_t){.state = MF_STATION_WORKING, .piece = true, .colour = 1, .order = 7};
    if (fault)
        ev.line.stations[5 - MF_LINE_FIRST_STATION].state = MF_STATION_FAULT;
    kiosk_update(k, &ev, now);
}

/* ---- the line map ----------------------------------------------------- */

static void test_home_line_map(void **state)
{
    (void)state;
    int64_t now = 1000;
    kiosk_t *k = make(177.7f, 100.0f, now);
    feed_line(k, true, true, true, now);
    open_visit_at(k, 50, 50, &now);
    expect_screen(k, "home", now);
    /* the seven line stations first, in line order, then the exhibits */
    const char *order[] = {"order-desk",   "automated-store", "press",   "laser",
                           "robot",        "quality",         "packing", "vr-welding",
                           "exoskeletons", "maintenance"};
    float last_x = -1, line_y = -1;
    for (int i = 0; i < 10; i++) {
        char id[64];
        snprintf(id, sizeof id, "station-%s", order[i]);
        const view_widget_t *w = find(k, id, now);
        if (!w)
            fail_msg("no card %s", id);
        if (i < 7) {
            assert_true(w->rect.x > last_x);
            last_x = w->rect.x;
            line_y = w->rect.y;
        } else {
            assert_true(w->rect.y > line_y); /* exhibits beside (below) the line */
        }
    }
    /* states in words with an icon, never colour alone */
    const view_widget_t *s = find(k, "state-press", now);
    assert_non_null(s);
    assert_string_equal(s->label, "Au travail");
    assert_int_not_equal(s->icon, VIEW_ICON_NONE);
    s = find(k, "state-robot", now);
    assert_string_equal(s->label, "En panne");
    assert_int_not_equal(s->icon, VIEW_ICON_NONE);
    assert_string_equal(find(k, "state-laser", now)->label, "En attente");
    assert_null(find(k, "state-order-desk", now)); /* the kiosk itself */
    assert_null(find(k, "state-vr-welding", now)); /* exhibits have no machine */
    /* the piece is at the press */
    const view_widget_t *p = find(k, "piece-press", now);
    assert_non_null(p);
    assert_int_equal(p->kind, VIEW_PIECE);
    assert_null(find(k, "piece-laser", now));
    /* the banner says the line has a problem; the visit goes on */
    assert_true(shows(k, "La ligne a un souci, l’équipe s’en occupe", now));
    feed_line(k, false, false, false, now);
    assert_true(shows(k, "Ligne à l’arrêt : les vidéos et les quiz marchent toujours", now));
    assert_string_equal(find(k, "state-press", now)->label, "Pas de nouvelles");
    assert_null(find(k, "piece-press", now)); /* no news: no piece shown where it may not be */
    feed_line(k, true, false, false, now);
    assert_true(shows(k, "La ligne est en pause", now));
    /* no "order" button until the order screens exist */
    assert_null(find(k, "order", now));
    tap_id(k, "station-press", &now);
    expect_screen(k, "station", now);
    kiosk_destroy(k);
}

/* ---- the station's page ------------------------------------------------ */

static void test_station_page(void **state)
{
    (void)state;
    int64_t now = 1000;
    kiosk_t *k = make(177.7f, 100.0f, now);
    feed_line(k, true, true, false, now);
    open_visit_at(k, 50, 50, &now);
    tap_id(k, "station-press", &now);
    expect_screen(k, "station", now);
    assert_true(shows(k, "La presse plieuse", now));
    assert_true(
        shows(k, "La presse plie la plaque pour lui donner la forme du porte-téléphone.", now));
    assert_string_equal(find(k, "station-state", now)->label, "Au travail");
    assert_string_equal(find(k, "station-now", now)->label,
                        "En ce moment, la machine travaille sur une pièce rouge.");
    /* the line faults while the visitor reads: the page says so */
    feed_line(k, true, true, true, now);
    mf_event_t ev = {.type = MF_EV_LINE};
    ev.line.online = true;
    ev.line.fault = true;
    ev.line.stations[3 - MF_LINE_FIRST_STATION].state = MF_STATION_FAULT;
    kiosk_update(k, &ev, now);
    assert_string_equal(find(k, "station-state", now)->label, "En panne");
    assert_string_equal(find(k, "station-now", now)->label,
                        "La machine est arrêtée : l’équipe s’en occupe.");
    ev.line.online = false;
    kiosk_update(k, &ev, now);
    assert_string_equal(find(k, "station-state", now)->label, "Pas de nouvelles");
    expect_screen(k, "station", now);
    /* its trades as cards, the quiz and the next station */
    assert_non_null(find(k, "trade-sheet-metal-worker", now));
    assert_non_null(find(k, "trade-boilermaker", now));
    assert_non_null(find(k, "quiz", now));
    tap_id(k, "next", &now);
    expect_screen(k, "station", now);
    assert_true(shows(k, "La gravure laser", now));
    /* next replaces: back returns to the map, not to the press */
    tap_id(k, "back", &now);
    expect_screen(k, "home", now);
    /* an exhibit has no machine state */
    tap_id(k, "station-maintenance", &now);
    assert_null(find(k, "station-state", now));
    /* the last station's next is the first */
    tap_id(k, "next", &now);
    assert_true(shows(k, "Le comptoir des commandes", now));
    kiosk_destroy(k);
}

/* ---- the trade's page and its video ------------------------------------ */

static void test_trade_page_video_inside(void **state)
{
    (void)state;
    int64_t now = 1000;
    kiosk_t *k = make(177.7f, 100.0f, now);
    open_visit_at(k, 50, 50, &now);
    tap_id(k, "station-vr-welding", &now);
    tap_id(k, "trade-welder", &now);
    expect_screen(k, "trade", now);
    assert_true(shows(k, "soudeur / soudeuse", now));
    assert_true(shows(k, "Sa journée", now));
    assert_true(shows(k, "de 1850 à 2300 € brut par mois (2025)", now));
    const view_widget_t *paths = find(k, "trade-paths", now);
    assert_non_null(strstr(paths->label, "• CAP"));
    /* the poster first, paused, captions on in French */
    const kiosk_video_t *kv = kiosk_video(k);
    assert_non_null(kv);
    assert_false(kv->want_play);
    assert_true(kv->captions_on);
    assert_non_null(strstr(kv->captions, "welder.fr.srt"));
    assert_non_null(find(k, "video-poster", now));
    assert_null(find(k, "video", now));
    /* one tap plays, inside the page */
    tap_id(k, "playpause", &now);
    kv = kiosk_video(k);
    assert_true(kv->want_play);
    mf_event_t ev = {.type = MF_EV_VIDEO};
    ev.video.state = MF_VIDEO_PLAYING;
    ev.video.duration_ms = 24000;
    ev.video.has_captions = ev.video.captions_on = true;
    for (int t = 0; t <= 3000; t += 40) {
        ev.video.position_ms = t;
        snprintf(ev.video.caption, sizeof ev.video.caption, "%s",
                 t >= 500 ? "Moi, je suis soudeuse." : "");
        now += 40;
        kiosk_update(k, &ev, now);
    }
    expect_screen(k, "trade", now);
    const view_widget_t *vid = find(k, "video", now);
    assert_non_null(vid);
    assert_int_equal(vid->kind, VIEW_VIDEO);
    assert_string_equal(vid->label, "Moi, je suis soudeuse.");
    /* watching is not leaving: no idle while it plays */
    for (int i = 0; i < 100; i++) {
        now += 1000;
        kiosk_update(k, &ev, now);
    }
    expect_screen(k, "trade", now);
    /* the full-window player is one tap away, on the same clip */
    tap_id(k, "fullscreen", &now);
    expect_screen(k, "player", now);
    assert_non_null(strstr(kiosk_video(k)->media, "welder.mp4"));
    tap_id(k, "back", &now);
    expect_screen(k, "trade", now);
    assert_true(kiosk_video(k)->want_play);
    /* English captions for an English visitor */
    tap_id(k, "settings", &now);
    tap_id(k, "lang-en", &now);
    tap_id(k, "back", &now);
    expect_screen(k, "trade", now);
    assert_non_null(strstr(kiosk_video(k)->captions, "welder.en.srt"));
    assert_true(shows(k, "A day at work", now));
    kiosk_destroy(k);
}

/* ---- the quiz ----------------------------------------------------------- */

/* Answers the question on screen (right when RIGHT), then "next". */
static void answer(kiosk_t *k, bool right, int64_t *now)
{
    kiosk_view(k, *now, v);
    assert_string_equal(v->screen, "quiz");
    bool multiple = find(k, "validate", *now) != NULL;
    /* the right answers are unknown here: try positions until the kiosk says */
    (void)right;
    if (!multiple) {
        tap_id(k, "answer-0", now);
    } else {
        tap_id(k, "answer-0", now);
        tap_id(k, "validate", now);
    }
    assert_non_null(find(k, "next", *now));
    const view_widget_t *fb = find(k, "quiz-feedback", *now);
    assert_true(strstr(fb->label, "Bravo") || strstr(fb->label, "Pas tout à fait"));
    tap_id(k, "next", now);
}

static void test_quiz_round_and_result(void **state)
{
    (void)state;
    int64_t now = 1000;
    kiosk_t *k = make(177.7f, 100.0f, now);
    open_visit_at(k, 50, 50, &now);
    tap_id(k, "station-press", &now);
    tap_id(k, "quiz", &now);
    expect_screen(k, "quiz", now);
    assert_true(shows(k, "Question 1 sur 3", now));
    char first[VIEW_LABEL_MAX];
    snprintf(first, sizeof first, "%s", find(k, "question", now)->label);
    /* no timer: a minute of thinking changes nothing */
    now += 60000;
    tick(k, now);
    expect_screen(k, "quiz", now);
    assert_null(find(k, "next", now));
    answer(k, true, &now);
    assert_true(shows(k, "Question 2 sur 3", now));
    answer(k, true, &now);
    answer(k, true, &now);
    expect_screen(k, "quiz-result", now);
    const view_widget_t *score = find(k, "quiz-score", now);
    assert_non_null(strstr(score->label, "sur 3"));
    assert_non_null(find(k, "quiz-kind", now));
    /* back goes to the station (the quiz is over), next to the next station */
    tap_id(k, "back", &now);
    expect_screen(k, "station", now);
    /* a new round brings other questions: the first is not seen again */
    tap_id(k, "quiz", &now);
    assert_string_not_equal(find(k, "question", now)->label, first);
    /* leave in the middle and come back: not the same question */
    char second[VIEW_LABEL_MAX];
    snprintf(second, sizeof second, "%s", find(k, "question", now)->label);
    swipe_back(k, &now);
    expect_screen(k, "station", now);
    tap_id(k, "quiz", &now);
    assert_string_not_equal(find(k, "question", now)->label, second);
    assert_string_not_equal(find(k, "question", now)->label, first);
    answer(k, false, &now);
    /* idle in the middle of a quiz: "still there?", then attract, nothing of
     * the visitor left */
    now += 91000;
    tick(k, now);
    expect_screen(k, "still-there", now);
    now += KIOSK_STILL_THERE_MS;
    tick(k, now);
    expect_screen(k, "attract", now);
    assert_false(kiosk_visit_active(k));
    open_visit_at(k, 50, 50, &now);
    tap_id(k, "station-press", &now);
    tap_id(k, "quiz", &now);
    assert_true(shows(k, "Question 1 sur 3", now));
    kiosk_destroy(k);
}

/* A multiple-choice question waits for "validate"; ticking toggles. */
static void test_quiz_multiple_choice(void **state)
{
    (void)state;
    /* find a station whose round has a multiple-choice question */
    const content_pack_t *p = kiosk_pack_content(kp);
    bool seen_multiple = false;
    for (size_t s = 0; s < content_station_count(p) && !seen_multiple; s++) {
        int64_t now = 1000;
        kiosk_t *k = make(177.7f, 100.0f, now);
        open_visit_at(k, 50, 50, &now);
        char id[96];
        snprintf(id, sizeof id, "station-%s", content_station(p, s)->id);
        tap_id(k, id, &now);
        tap_id(k, "quiz", &now);
        for (int q = 0; q < 3 && !seen_multiple; q++) {
            if (find(k, "validate", now)) {
                seen_multiple = true;
                tap_id(k, "validate", &now); /* nothing ticked: nothing happens */
                assert_null(find(k, "next", now));
                tap_id(k, "answer-0", &now);
                assert_int_equal(find(k, "answer-0", now)->style, VIEW_STYLE_TOGGLE_ON);
                tap_id(k, "answer-0", &now);
                assert_int_equal(find(k, "answer-0", now)->style, VIEW_STYLE_SECONDARY);
                tap_id(k, "answer-1", &now);
                tap_id(k, "validate", &now);
                assert_non_null(find(k, "next", now));
                /* the right answers are shown with a check */
                int checked = 0;
                for (int a = 0; a < 6; a++) {
                    snprintf(id, sizeof id, "answer-%d", a);
                    const view_widget_t *w = find(k, id, now);
                    checked += w && w->style == VIEW_STYLE_TOGGLE_ON;
                }
                assert_true(checked >= 2);
            } else {
                answer(k, true, &now);
            }
        }
        kiosk_destroy(k);
    }
    assert_true(seen_multiple);
}

/* ---- attract: the live line and the trade highlight -------------------- */

static void test_attract_alive(void **state)
{
    (void)state;
    int64_t now = 1000;
    kiosk_t *k = make(177.7f, 100.0f, now);
    feed_line(k, true, true, false, now);
    kiosk_view(k, now, v);
    int pieces = 0;
    for (size_t i = 0; i < v->count; i++)
        pieces += v->widgets[i].kind == VIEW_PIECE;
    assert_int_equal(pieces, 1); /* the red piece at the press, nowhere else */
    char name[VIEW_LABEL_MAX];
    snprintf(name, sizeof name, "%s", find(k, "highlight-name", now)->label);
    now += KIOSK_HIGHLIGHT_MS;
    tick(k, now);
    assert_string_not_equal(find(k, "highlight-name", now)->label, name);
    assert_true(kiosk_next_deadline(k, now) <= now + KIOSK_ATTRACT_FRAME_MS);
    kiosk_destroy(k);
}

/* ---- every screen: targets, reach, swipe back --------------------------- */

/* Walks every journey screen and calls CHECK on each. */
static void check_targets(kiosk_t *k, int64_t now)
{
    kiosk_view(k, now, v);
    float min = kiosk_target_units(k);
    bool portrait = v->h > v->w;
    for (size_t i = 0; i < v->count; i++) {
        const view_widget_t *w = &v->widgets[i];
        if (!w->interactive)
            continue;
        if (w->rect.w < min || w->rect.h < min)
            fail_msg("%s: #%s is %.1f x %.1f units, under %.1f (15 mm)", v->screen, w->id,
                     (double)w->rect.w, (double)w->rect.h, (double)min);
        if (portrait && w->rect.y < v->h / 3.0f - 0.01f)
            fail_msg("%s: #%s at y %.1f is in the upper third", v->screen, w->id,
                     (double)w->rect.y);
        if (w->rect.x < 0 || w->rect.y < 0 || w->rect.x + w->rect.w > v->w + 0.01f ||
            w->rect.y + w->rect.h > v->h + 0.01f)
            fail_msg("%s: #%s is off the screen", v->screen, w->id);
    }
}

static void walk_all(float w, float h, const char *lang, bool big)
{
    int64_t now = 1000;
    kiosk_t *k = make(w, h, now);
    feed_line(k, true, true, true, now);
    if (strcmp(lang, "en") == 0)
        tap_id(k, "lang-en", &now);
    check_targets(k, now);
    tap_at(k, w / 2, h * 0.9f, &now);
    open_visit_at(k, w / 2, 1, &now); /* an empty spot on attract starts the visit */
    expect_screen(k, "home", now);
    if (big) {
        tap_id(k, "settings", &now);
        tap_id(k, "bigtext", &now);
        check_targets(k, now);
        tap_id(k, "back", &now);
    }
    check_targets(k, now);
    tap_id(k, "station-press", &now);
    check_targets(k, now);
    tap_id(k, "trade-boilermaker", &now);
    check_targets(k, now);
    tap_id(k, "playpause", &now);
    check_targets(k, now);
    swipe_back(k, &now);
    expect_screen(k, "station", now);
    tap_id(k, "quiz", &now);
    for (int q = 0; q < 3; q++) {
        check_targets(k, now);
        if (find(k, "validate", now))
            tap_id(k, "answer-0", &now);
        check_targets(k, now);
        tap_id(k, find(k, "validate", now) ? "validate" : "answer-0", &now);
        check_targets(k, now);
        tap_id(k, "next", &now);
    }
    expect_screen(k, "quiz-result", now);
    check_targets(k, now);
    /* a swipe to the right goes back from every screen */
    swipe_back(k, &now);
    expect_screen(k, "station", now);
    swipe_back(k, &now);
    expect_screen(k, "home", now);
    kiosk_destroy(k);
}

static void test_targets_every_size(void **state)
{
    (void)state;
    const float sizes[3][2] = {{177.7f, 100.0f}, {160.0f, 100.0f}, {100.0f, 177.7f}};
    for (int s = 0; s < 3; s++) {
        walk_all(sizes[s][0], sizes[s][1], "fr", false);
        walk_all(sizes[s][0], sizes[s][1], "en", false);
        walk_all(sizes[s][0], sizes[s][1], "fr", true);
        walk_all(sizes[s][0], sizes[s][1], "en", true);
    }
}

/* A smaller screen needs bigger targets in units. */
static void test_targets_from_screen_size(void **state)
{
    (void)state;
    kiosk_options_t opt = {.idle_timeout_ms = 90000, .language = "fr"};
    kiosk_t *k = kiosk_create(&opt, 177.7f, 100.0f, 0);
    float dflt = kiosk_target_units(k);
    assert_true(dflt > 7.6f && dflt < 7.8f); /* 15 mm at 1.94 mm a unit */
    kiosk_destroy(k);
    opt.mm_per_unit = 1.0f; /* a 8" screen */
    k = kiosk_create(&opt, 177.7f, 100.0f, 0);
    assert_true(kiosk_target_units(k) > 14.9f);
    kiosk_destroy(k);
}

/* ---- the events of a scripted visit ------------------------------------- */

static void test_visit_events_exact(void **state)
{
    (void)state;
    visit_memsink_t *m = visit_memsink_create();
    int64_t now = 1000;
    kiosk_t *k = make(177.7f, 100.0f, now);
    kiosk_set_sink(k, visit_memsink_sink(m));
    open_visit_at(k, 50, 50, &now); /* 1480: started */
    now += 2000;
    tap_id(k, "station-press", &now); /* home left after its dwell */
    now += 5000;
    tap_id(k, "trade-boilermaker", &now); /* station left (covered) */
    tap_id(k, "playpause", &now);
    mf_event_t ev = {.type = MF_EV_VIDEO};
    ev.video.state = MF_VIDEO_PLAYING;
    ev.video.duration_ms = 24000;
    ev.video.has_captions = ev.video.captions_on = true;
    for (int t = 0; t <= 12000; t += 40) {
        ev.video.position_ms = t;
        now += 40;
        kiosk_update(k, &ev, now);
    }
    tap_id(k, "captions", &now); /* captions off at the end */
    tap_id(k, "back", &now);     /* trade view, then the video */
    tap_id(k, "quiz", &now);
    for (int q = 0; q < 3; q++) {
        now += 3000;
        if (find(k, "validate", now)) {
            tap_id(k, "answer-0", &now);
            tap_id(k, "validate", &now);
        } else {
            tap_id(k, "answer-1", &now);
        }
        tap_id(k, "next", &now);
    }
    now += 1000;
    tap_id(k, "next", &now); /* quiz-result -> next station */
    now += 91000;
    tick(k, now); /* idle: "still there?" */
    now += KIOSK_STILL_THERE_MS;
    tick(k, now); /* nobody: the visit ends */

    char got[8192] = "";
    size_t n = 0;
    for (size_t i = 0; i < visit_memsink_count(m); i++) {
        char line[256];
        visit_event_format(visit_memsink_get(m, i), line, sizeof line);
        n += (size_t)snprintf(got + n, sizeof got - n, "%s\n", line);
    }
    const char *want =
        "visit_started\n"
        "language lang=fr\n"
        "screen_view id=language dwell_ms=480\n"
        "profile profile=skipped\n"
        "screen_view id=profile dwell_ms=480\n"
        "screen_view id=perception dwell_ms=480\n"
        "screen_view id=home dwell_ms=2480\n"
        "station_view id=press dwell_ms=5480\n"
        "screen_view id=station dwell_ms=5480\n"
        "trade_view id=boilermaker dwell_ms=13480\n"
        "video_play trade=boilermaker watched_ms=12000 duration_ms=24000 share=500 captions=0 "
        "full_window=0\n"
        "screen_view id=trade dwell_ms=13480\n"
        "station_view id=press dwell_ms=480\n"
        "screen_view id=station dwell_ms=480\n"
        "quiz_answer station=press question=press-two-hands v1 chosen=0x1 correct=1 "
        "time_ms=3480\n"
        "quiz_answer station=press question=press-springback v1 chosen=0x2 correct=0 "
        "time_ms=3480\n"
        "quiz_answer station=press question=press-women v1 chosen=0x2 correct=0 time_ms=3480\n"
        "quiz_result station=press asked=3 answered=3 correct=1\n"
        "screen_view id=quiz dwell_ms=11880\n"
        "screen_view id=quiz-result dwell_ms=1480\n"
        /* the laser page was entered by the last touch: looked at for 0 ms */
        "station_view id=laser dwell_ms=0\n"
        "screen_view id=station dwell_ms=0\n"
        "screen_view id=still-there dwell_ms=20000\n"
        "visit_ended reason=idle\n";
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "events:\n%s\nexpected:\n%s", got, want);
        fail_msg("the events differ");
    }
    kiosk_destroy(k);
    visit_memsink_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_line_map),
        cmocka_unit_test(test_station_page),
        cmocka_unit_test(test_trade_page_video_inside),
        cmocka_unit_test(test_quiz_round_and_result),
        cmocka_unit_test(test_quiz_multiple_choice),
        cmocka_unit_test(test_attract_alive),
        cmocka_unit_test(test_targets_every_size),
        cmocka_unit_test(test_targets_from_screen_size),
        cmocka_unit_test(test_visit_events_exact),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
