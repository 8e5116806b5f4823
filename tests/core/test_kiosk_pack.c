/*
 * test_kiosk_pack.c - core.kiosk_pack: a broken pack shows the staff the
 * validator's messages on the problem screen; a fixed pack reloads; a broken
 * reload keeps the last good pack. Works on a copy of the real pack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiosk_pack.h"
#include "mf_error.h"
#include "mf_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64];
static char pack_dir[128];

static int setup(void **state)
{
    char cmd[512];
    mf_log_set_stderr(0);
    snprintf(dir, sizeof dir, "/tmp/minifab-pack-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(pack_dir, sizeof pack_dir, "%s/content", dir);
    snprintf(cmd, sizeof cmd, "cp -r '%s/content' '%s' && rm -rf '%s/media/generated'",
             MINIFAB_SOURCE_DIR, dir, pack_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void append(const char *file, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", pack_dir, file);
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Restores a file from the sources. */
static void restore(const char *file)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp '%s/content/%s' '%s/%s'", MINIFAB_SOURCE_DIR, file, pack_dir,
             file);
    assert_int_equal(system(cmd), 0);
}

static kiosk_t *kiosk_on(kiosk_pack_t *kp)
{
    kiosk_options_t opt = {
        .idle_timeout_ms = 90000, .language = "fr", .text = kiosk_pack_text, .text_ctx = kp};
    kiosk_t *k = kiosk_create(&opt, 177.7f, 100.0f, 0);
    assert_non_null(k);
    int n;
    const kiosk_station_t *st = kiosk_pack_stations(kp, &n);
    kiosk_set_stations(k, st, n);
    if (!kiosk_pack_valid(kp))
        kiosk_set_problem(k, kiosk_pack_problem(kp), 0);
    return k;
}

static void test_broken_then_fixed(void **state)
{
    view_t *v = malloc(sizeof *v);
    append("strings.yaml", "broken: [unclosed\n");
    kiosk_pack_t *kp = kiosk_pack_create(pack_dir);
    assert_int_equal(kiosk_pack_load(kp), MF_ECONTENT);
    assert_false(kiosk_pack_valid(kp));
    assert_non_null(strstr(kiosk_pack_problem(kp), "strings.yaml:"));

    kiosk_t *k = kiosk_on(kp);
    kiosk_view(k, 1000, v);
    assert_string_equal(v->screen, "problem");
    const view_widget_t *msg = view_find_id(v, "problem-messages");
    assert_non_null(msg);
    assert_non_null(strstr(msg->label, "strings.yaml:"));
    /* visitors cannot get past it, and it does not time out */
    mf_event_t tick = {.type = MF_EV_TICK};
    kiosk_update(k, &tick, 1000 + 200000);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_PROBLEM);

    /* still broken: the problem screen stays, with the new messages */
    kiosk_pack_reload(kp, k, 2000);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_PROBLEM);

    restore("strings.yaml");
    kiosk_pack_reload(kp, k, 3000);
    assert_true(kiosk_pack_valid(kp));
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
    kiosk_view(k, 3000, v);
    assert_true(view_has_text(v, "Touche l’écran pour commencer"));
    kiosk_destroy(k);
    kiosk_pack_destroy(kp);
    free(v);
}

static void test_broken_reload_keeps_last_good(void **state)
{
    view_t *v = malloc(sizeof *v);
    kiosk_pack_t *kp = kiosk_pack_create(pack_dir);
    assert_int_equal(kiosk_pack_load(kp), MF_OK);
    const content_pack_t *before = kiosk_pack_content(kp);
    kiosk_t *k = kiosk_on(kp);

    append("stations.yaml", "  - id: [\n");
    kiosk_pack_reload(kp, k, 1000);
    assert_true(kiosk_pack_valid(kp));
    assert_ptr_equal(kiosk_pack_content(kp), before); /* the same, good pack */
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
    kiosk_view(k, 1000, v);
    assert_true(view_has_text(v, "Touche l’écran pour commencer"));
    int n;
    kiosk_pack_stations(kp, &n);
    assert_int_equal(n, 10);
    restore("stations.yaml");
    kiosk_destroy(k);
    kiosk_pack_destroy(kp);
    free(v);
}

/* A valid reload while a visitor is in mid-visit does not send them back to
 * the attract screen: the pack they started with stays until the visit
 * ends, then the new one is used (issue 14). */
static void test_reload_waits_for_the_visit(void **state)
{
    view_t *v = malloc(sizeof *v);
    kiosk_pack_t *kp = kiosk_pack_create(pack_dir);
    assert_int_equal(kiosk_pack_load(kp), MF_OK);
    const content_pack_t *before = kiosk_pack_content(kp);
    kiosk_t *k = kiosk_on(kp);
    kiosk_set_pack(k, before);
    mf_event_t down = {.type = MF_EV_POINTER_DOWN, .pointer = 1, .x = 50, .y = 50};
    mf_event_t up = {.type = MF_EV_POINTER_UP, .pointer = 1, .x = 50, .y = 50};
    kiosk_update(k, &down, 1000);
    kiosk_update(k, &up, 1050);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_LANGUAGE);
    assert_true(kiosk_visit_active(k));

    /* staff change a text and press F5 while the visitor chooses a language */
    append("strings.yaml", "home.extra: {fr: \"Nouveau\", en: \"New\"}\n");
    kiosk_pack_reload(kp, k, 2000);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_LANGUAGE); /* the visit goes on */
    assert_true(kiosk_visit_active(k));
    assert_ptr_equal(kiosk_pack_content(kp), before); /* still the pack of this visit */
    assert_true(kiosk_pack_pending(kp));
    assert_string_equal(kiosk_pack_text(kp, "fr", "home.extra"), "home.extra");

    /* the visitor leaves: the next one gets the new pack */
    mf_event_t tick = {.type = MF_EV_TICK};
    kiosk_update(k, &tick, 1050 + 91000);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_STILL_THERE);
    assert_true(kiosk_pack_pending(kp)); /* "still there?" is still the visit */
    kiosk_update(k, &tick, 1050 + 91000 + KIOSK_STILL_THERE_MS);
    assert_int_equal(kiosk_screen(k), KIOSK_SCREEN_ATTRACT);
    assert_false(kiosk_pack_pending(kp));
    assert_ptr_not_equal(kiosk_pack_content(kp), before);
    assert_string_equal(kiosk_pack_text(kp, "fr", "home.extra"), "Nouveau");

    /* nobody there: a reload applies at once */
    const content_pack_t *second = kiosk_pack_content(kp);
    kiosk_pack_reload(kp, k, 200000);
    assert_false(kiosk_pack_pending(kp));
    assert_ptr_not_equal(kiosk_pack_content(kp), second);
    kiosk_view(k, 200000, v);
    assert_true(view_has_text(v, "Touche l’écran pour commencer"));
    restore("strings.yaml");
    kiosk_destroy(k);
    kiosk_pack_destroy(kp);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_broken_then_fixed),
        cmocka_unit_test(test_broken_reload_keeps_last_good),
        cmocka_unit_test(test_reload_waits_for_the_visit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
