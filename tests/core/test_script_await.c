/*
 * test_script_await.c - script.await: parsing of `await screen ID MS` and
 * `await text "..." MS` (the journeys' real-time waits for a line that
 * moves and a laser that burns), and their errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "script.h"

#include <string.h>

static void test_await_parses(void **state)
{
    (void)state;
    char err[256] = "";
    script_t *s = script_parse("s.txt",
                               "await screen tracking 5000\n"
                               "await text \"Ton porte-téléphone est prêt\" 120000\n",
                               err, sizeof err);
    assert_non_null(s);
    assert_int_equal(s->count, 2);
    assert_int_equal(s->cmds[0].op, SCRIPT_AWAIT_SCREEN);
    assert_string_equal(s->cmds[0].arg, "tracking");
    assert_int_equal(s->cmds[0].ms, 5000);
    assert_int_equal(s->cmds[1].op, SCRIPT_AWAIT_TEXT);
    assert_string_equal(s->cmds[1].arg, "Ton porte-téléphone est prêt");
    assert_int_equal(s->cmds[1].ms, 120000);
    script_destroy(s);
}

static void test_await_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"await\n", "s.txt:1: expected 'screen' or 'text' after await"},
        {"await video 10\n", "s.txt:1: expected 'screen' or 'text' after await, got 'video'"},
        {"await text \"x\"\n", NULL},
        {"await screen home\n", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[256] = "";
        script_t *s = script_parse("s.txt", cases[i].text, err, sizeof err);
        assert_null(s);
        if (cases[i].want)
            assert_string_equal(err, cases[i].want);
        else
            assert_non_null(strstr(err, "s.txt:1:")); /* the time is missing */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_await_parses),
        cmocka_unit_test(test_await_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
