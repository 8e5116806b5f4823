/*
 * test_keyboard.c - core.keyboard: the on-screen keyboard's model. Typing by
 * tapping keys laid out in a view, French accents without a physical
 * keyboard, one-shot capitals, the limit in characters (not bytes), delete
 * of a multi-byte character, and the wipe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "keyboard.h"

#include <stdlib.h>
#include <string.h>

/* Taps the key labelled LABEL as shown in the keyboard's view. */
static void tap_label(keyboard_t *kb, const char *label)
{
    view_t *v = malloc(sizeof *v);
    assert_non_null(v);
    view_clear(v, "test", 177.7f, 100.0f);
    keyboard_view(kb, v, view_rect(10, 40, 150, 55), 0, NULL);
    const view_widget_t *w = view_find_label(v, label);
    if (!w || !w->interactive)
        fail_msg("no key '%s' on this page", label);
    assert_true(keyboard_press(kb, w->id, NULL));
    free(v);
}

static void test_types_letters_and_accents(void **state)
{
    (void)state;
    keyboard_t kb;
    keyboard_init(&kb, "kb-", 20, KEYBOARD_AZERTY);
    tap_label(&kb, "⇧");
    tap_label(&kb, "L");
    tap_label(&kb, "e"); /* capitals are one-shot */
    tap_label(&kb, "é à ç");
    tap_label(&kb, "à");
    assert_string_equal(keyboard_text(&kb), "Leà");
    tap_label(&kb, "abc");
    tap_label(&kb, "␣");
    tap_label(&kb, "123");
    tap_label(&kb, "3");
    tap_label(&kb, "é à ç");
    tap_label(&kb, "⇧");
    tap_label(&kb, "É");
    assert_string_equal(keyboard_text(&kb), "Leà 3É");
    assert_int_equal(keyboard_length(&kb), 6);
    tap_label(&kb, "⌫");
    assert_string_equal(keyboard_text(&kb), "Leà 3");
    tap_label(&kb, "⌫");
    tap_label(&kb, "⌫");
    tap_label(&kb, "⌫");
    assert_string_equal(keyboard_text(&kb), "Le");
}

static void test_limit_counts_characters(void **state)
{
    (void)state;
    keyboard_t kb;
    keyboard_init(&kb, "kb-", 3, KEYBOARD_QWERTY);
    assert_true(keyboard_insert(&kb, "éèê"));
    assert_true(keyboard_full(&kb));
    assert_false(keyboard_insert(&kb, "a"));
    assert_int_equal(keyboard_length(&kb), 3);
    assert_int_equal(strlen(keyboard_text(&kb)), 6);
    /* control characters and broken UTF-8 are ignored */
    keyboard_wipe(&kb);
    assert_true(keyboard_insert(&kb, "a\n\xC3"));
    assert_string_equal(keyboard_text(&kb), "a");
}

static void test_wipe_clears_every_byte(void **state)
{
    (void)state;
    keyboard_t kb;
    keyboard_init(&kb, "kb-", 20, KEYBOARD_AZERTY);
    keyboard_insert(&kb, "Secret");
    keyboard_delete(&kb); /* the deleted byte is zeroed too */
    keyboard_wipe(&kb);
    for (size_t i = 0; i < sizeof kb.text; i++)
        assert_int_equal(kb.text[i], 0);
    assert_int_equal(kb.page, KEYBOARD_PAGE_LOWER);
}

static void test_foreign_ids_are_not_ours(void **state)
{
    (void)state;
    keyboard_t kb;
    keyboard_init(&kb, "kb-", 20, KEYBOARD_AZERTY);
    bool changed = true;
    assert_false(keyboard_press(&kb, "back", &changed));
    assert_false(changed);
    /* a key of a page not shown does nothing */
    assert_false(keyboard_press(&kb, "kb-1", &changed));
    assert_string_equal(keyboard_text(&kb), "");
    /* a second keyboard with another prefix on the same screen */
    keyboard_t staff;
    keyboard_init(&staff, "name-", 30, KEYBOARD_AZERTY);
    assert_false(keyboard_press(&staff, "kb-a", NULL));
    assert_true(keyboard_press(&staff, "name-a", &changed));
    assert_true(changed);
}

static void test_layout_fits_its_rect(void **state)
{
    (void)state;
    keyboard_t kb;
    keyboard_init(&kb, "kb-", 20, KEYBOARD_AZERTY);
    view_t *v = malloc(sizeof *v);
    assert_non_null(v);
    for (int page = 0; page < 3; page++) {
        view_clear(v, "test", 100.0f, 177.7f);
        view_rect_t r = view_rect(4, 100, 92, 70);
        keyboard_view(&kb, v, r, 0, NULL);
        assert_true(v->count >= 25);
        for (size_t i = 0; i < v->count; i++) {
            const view_widget_t *w = &v->widgets[i];
            assert_true(w->rect.x >= r.x - 0.01f && w->rect.x + w->rect.w <= r.x + r.w + 0.01f);
            assert_true(w->rect.y >= r.y - 0.01f && w->rect.y + w->rect.h <= r.y + r.h + 0.01f);
            assert_true(w->rect.h >= 10.0f); /* big enough for a finger */
        }
        keyboard_press(&kb, page == 0 ? "kb-accents" : "kb-digits", NULL);
    }
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types_letters_and_accents),
        cmocka_unit_test(test_limit_counts_characters),
        cmocka_unit_test(test_wipe_clears_every_byte),
        cmocka_unit_test(test_foreign_ids_are_not_ours),
        cmocka_unit_test(test_layout_fits_its_rect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
