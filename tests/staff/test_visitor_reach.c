/*
 * test_visitor_reach.c - staff.visitor_reach: no line command can be reached
 * from the visitor side. With the real content pack, every screen a visitor
 * can reach is explored breadth-first (each new screen's every tappable
 * widget is tapped and long-pressed, from a fresh kiosk replaying the path);
 * no tap ever opens a staff screen and the staff console never queues a
 * request. A single corner held, in each corner, opens nothing either; the
 * two-corner gesture opens the PIN pad, and only that.
 */
#include "kiosk.h"
#include "kiosk_pack.h"
#include "staff.h"
#include "staff_console.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define W 177.8f
#define H 100.0f
#define MAX_PATH 10
#define MAX_NODES 1500
#define MAX_TAPS 60000

typedef struct {
    char ids[MAX_PATH][VIEW_ID_MAX];
    bool longs[MAX_PATH];
    int len;
} path_t;

static kiosk_pack_t *pack;
static view_t scratch;
static int taps;

static kiosk_t *fresh(int64_t *now)
{
    kiosk_options_t ko = {.idle_timeout_ms = 90000,
                          .text = kiosk_pack_text,
                          .text_ctx = pack,
                          .pack = kiosk_pack_content(pack)};
    *now = 1000;
    kiosk_t *k = kiosk_create(&ko, W, H, *now);
    int n = 0;
    const kiosk_station_t *st = kiosk_pack_stations(pack, &n);
    kiosk_set_stations(k, st, n);
    return k;
}

static void tick(kiosk_t *k, int64_t *now, int ms)
{
    for (int t = 0; t < ms; t += 100) {
        *now += 100;
        mf_event_t ev = {.type = MF_EV_TICK};
        kiosk_update(k, &ev, *now);
    }
}

/* Taps (or long-presses) the widget ID; false when it is not on screen. */
static bool act(kiosk_t *k, int64_t *now, const char *id, bool longpress)
{
    kiosk_view(k, *now, &scratch);
    const view_widget_t *w = view_find_id(&scratch, id);
    if (!w || !w->interactive)
        return false;
    mf_event_t ev = {.type = MF_EV_POINTER_DOWN, .pointer = 1};
    ev.x = w->rect.x + w->rect.w / 2;
    ev.y = w->rect.y + w->rect.h / 2;
    kiosk_update(k, &ev, *now);
    tick(k, now, longpress ? 3500 : 50);
    ev.type = MF_EV_POINTER_UP;
    kiosk_update(k, &ev, *now);
    tick(k, now, 400);
    taps++;
    return true;
}

static void assert_visitor_side(kiosk_t *k, int64_t now, const path_t *p)
{
    const char *screen = kiosk_screen_id(kiosk_screen(k));
    staff_request_t q;
    if (strncmp(screen, "staff-", 6) == 0 || staff_console_take_request(k, &q) ||
        staff_console_role(k) != STAFF_ROLE_NONE) {
        char trail[512] = "";
        for (int i = 0; i < p->len; i++) {
            strncat(trail, p->ids[i], sizeof trail - strlen(trail) - 2);
            strncat(trail, " ", sizeof trail - strlen(trail) - 1);
        }
        fail_msg("the visitor reached %s after: %s", screen, trail);
    }
    (void)now;
}

/* A fingerprint of what the screen offers: its id and its widgets' ids. */
static uint64_t signature(const view_t *v)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *c = v->screen; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    for (size_t i = 0; i < v->count; i++)
        if (v->widgets[i].interactive)
            for (const char *c = v->widgets[i].id; *c; c++)
                h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    return h;
}

static void test_every_visitor_widget(void **state)
{
    (void)state;
    static path_t queue[MAX_NODES];
    static uint64_t seen[MAX_NODES];
    int head = 0, tail = 0, nseen = 0;
    int64_t now;
    kiosk_t *k = fresh(&now);
    kiosk_view(k, now, &scratch);
    seen[nseen++] = signature(&scratch);
    kiosk_destroy(k);
    queue[tail++] = (path_t){.len = 0};
    int screens_seen = 0;
    char screen_ids[64][VIEW_ID_MAX];

    while (head < tail && taps < MAX_TAPS) {
        path_t base = queue[head++];
        /* the widgets of the screen this path leads to */
        k = fresh(&now);
        for (int i = 0; i < base.len; i++)
            act(k, &now, base.ids[i], base.longs[i]);
        kiosk_view(k, now, &scratch);
        int nw = 0;
        char ids[VIEW_MAX_WIDGETS][VIEW_ID_MAX];
        for (size_t i = 0; i < scratch.count; i++)
            if (scratch.widgets[i].interactive && scratch.widgets[i].id[0])
                snprintf(ids[nw++], VIEW_ID_MAX, "%s", scratch.widgets[i].id);
        kiosk_destroy(k);
        if (base.len >= MAX_PATH - 1)
            continue;
        for (int w = 0; w < nw && taps < MAX_TAPS; w++) {
            for (int lp = 0; lp < 2; lp++) {
                path_t p = base;
                memcpy(p.ids[p.len], ids[w], VIEW_ID_MAX);
                p.longs[p.len++] = lp;
                k = fresh(&now);
                for (int i = 0; i < p.len; i++)
                    act(k, &now, p.ids[i], p.longs[i]);
                assert_visitor_side(k, now, &p);
                kiosk_view(k, now, &scratch);
                uint64_t sig = signature(&scratch);
                bool known = false;
                for (int i = 0; i < nseen && !known; i++)
                    known = seen[i] == sig;
                if (!known && nseen < MAX_NODES && tail < MAX_NODES) {
                    seen[nseen++] = sig;
                    queue[tail++] = p;
                    bool listed = false;
                    for (int i = 0; i < screens_seen && !listed; i++)
                        listed = strcmp(screen_ids[i], scratch.screen) == 0;
                    if (!listed && screens_seen < 64)
                        snprintf(screen_ids[screens_seen++], VIEW_ID_MAX, "%s", scratch.screen);
                }
                kiosk_destroy(k);
            }
        }
    }
    print_message("staff.visitor_reach: %d taps, %d distinct screens' states, screens:", taps,
                  nseen);
    for (int i = 0; i < screens_seen; i++)
        print_message(" %s", screen_ids[i]);
    print_message("\n");
    assert_true(screens_seen >= 4); /* the exploration did go somewhere */
}

static void test_corners(void **state)
{
    (void)state;
    static const float corners[4][2] = {{2, 2}, {W - 2, 2}, {W - 2, H - 2}, {2, H - 2}};
    int64_t now;
    for (int c = 0; c < 4; c++) {
        kiosk_t *k = fresh(&now);
        mf_event_t ev = {.type = MF_EV_POINTER_DOWN, .pointer = 1};
        ev.x = corners[c][0];
        ev.y = corners[c][1];
        kiosk_update(k, &ev, now);
        tick(k, &now, 3500);
        ev.type = MF_EV_POINTER_UP;
        kiosk_update(k, &ev, now);
        tick(k, &now, 6000); /* and no second corner */
        path_t p = {.len = 0};
        assert_visitor_side(k, now, &p);
        /* the diagonal pair opens the PIN pad */
        for (int i = 0; i < 2; i++) {
            ev.type = MF_EV_POINTER_DOWN;
            ev.x = corners[(c + 2 * i) % 4][0];
            ev.y = corners[(c + 2 * i) % 4][1];
            kiosk_update(k, &ev, now);
            tick(k, &now, 3100);
            ev.type = MF_EV_POINTER_UP;
            kiosk_update(k, &ev, now);
        }
        assert_string_equal(kiosk_screen_id(kiosk_screen(k)), "staff-pin");
        assert_int_equal(staff_console_role(k), STAFF_ROLE_NONE);
        kiosk_destroy(k);
    }
}

static int setup(void **state)
{
    (void)state;
    pack = kiosk_pack_create(MINIFAB_SOURCE_DIR "/content");
    return pack && kiosk_pack_load(pack) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    kiosk_pack_destroy(pack);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corners),
        cmocka_unit_test(test_every_visitor_widget),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
