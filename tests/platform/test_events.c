/*
 * test_events.c - platform.events: SDL events reach the kiosk once each.
 * Touch and mouse both work; the mouse events SDL synthesises from a finger
 * (which == SDL_TOUCH_MOUSEID) are not handled a second time. Runs headless
 * (SDL's dummy video driver) by pushing events into SDL's queue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app_loop.h"

#include <SDL.h>
#include <string.h>

static app_t *start(void)
{
    app_options_t opt = {.headless = true, .width = 1280, .height = 800};
    opt.kiosk.idle_timeout_ms = 90000;
    opt.kiosk.language = "fr";
    app_t *a = app_create(&opt);
    assert_non_null(a);
    app_pump(a, 0);
    return a;
}

/* Centre of a widget in normalised window coordinates (SDL's finger units). */
static void centre(app_t *a, const char *id, float *nx, float *ny, int *px, int *py)
{
    const view_widget_t *w = view_find_id(app_view(a), id);
    if (!w)
        fail_msg("no #%s on %s", id, app_view(a)->screen);
    int ow, oh;
    app_output_size(a, &ow, &oh);
    float k = app_units_per_pixel(a);
    float x = (w->rect.x + w->rect.w / 2) / k, y = (w->rect.y + w->rect.h / 2) / k;
    *nx = x / (float)ow;
    *ny = y / (float)oh;
    *px = (int)x;
    *py = (int)y;
}

static void settle(app_t *a)
{
    for (int i = 0; i < 10; i++) {
        app_advance_clock(a, 40);
        app_pump(a, 0);
    }
}

static void push_finger(Uint32 type, float x, float y)
{
    SDL_Event e = {0};
    e.type = type;
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = 7;
    e.tfinger.x = x;
    e.tfinger.y = y;
    e.tfinger.pressure = 1.0f;
    assert_int_equal(SDL_PushEvent(&e), 1);
}

static void push_mouse(Uint32 type, Uint32 which, int x, int y)
{
    SDL_Event e = {0};
    e.type = type;
    e.button.which = which;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.clicks = 1;
    e.button.x = x;
    e.button.y = y;
    assert_int_equal(SDL_PushEvent(&e), 1);
}

static void test_mouse_click(void **state)
{
    app_t *a = start();
    float nx, ny;
    int px, py;
    centre(a, "start", &nx, &ny, &px, &py);
    push_mouse(SDL_MOUSEBUTTONDOWN, 0, px, py);
    push_mouse(SDL_MOUSEBUTTONUP, 0, px, py);
    app_pump(a, 0);
    settle(a);
    assert_string_equal(app_view(a)->screen, "language");
    app_destroy(a);
}

static void test_finger_tap_handled_once(void **state)
{
    app_t *a = start();
    float nx, ny;
    int px, py;
    centre(a, "start", &nx, &ny, &px, &py);
    push_finger(SDL_FINGERDOWN, nx, ny);
    push_finger(SDL_FINGERUP, nx, ny);
    app_pump(a, 0);
    settle(a);
    assert_string_equal(app_view(a)->screen, "language");
    centre(a, "settings", &nx, &ny, &px, &py);
    push_finger(SDL_FINGERDOWN, nx, ny);
    push_finger(SDL_FINGERUP, nx, ny);
    app_pump(a, 0);
    settle(a);
    assert_string_equal(app_view(a)->screen, "settings");

    /* A tap on "back" with the mouse events a touchscreen also produces:
     * handled twice, the second tap would hit "back" on language too and land
     * on the attract screen. */
    centre(a, "back", &nx, &ny, &px, &py);
    push_finger(SDL_FINGERDOWN, nx, ny);
    push_finger(SDL_FINGERUP, nx, ny);
    push_mouse(SDL_MOUSEBUTTONDOWN, SDL_TOUCH_MOUSEID, px, py);
    push_mouse(SDL_MOUSEBUTTONUP, SDL_TOUCH_MOUSEID, px, py);
    app_pump(a, 0);
    settle(a);
    assert_string_equal(app_view(a)->screen, "language");
    app_destroy(a);
}

static void test_quit_event(void **state)
{
    app_t *a = start();
    SDL_Event e = {0};
    e.type = SDL_QUIT;
    SDL_PushEvent(&e);
    app_pump(a, 0);
    assert_true(kiosk_quit_requested(app_kiosk(a)));
    app_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mouse_click),
        cmocka_unit_test(test_finger_tap_handled_once),
        cmocka_unit_test(test_quit_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
