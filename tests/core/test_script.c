/*
 * test_script.c - script.parse: every command of the script format and every
 * error message (file and line named, what was expected said).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "script.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_every_command(void **state)
{
    const char *text = "# a comment\n"
                       "\n"
                       "tap 10 20\n"
                       "tap \"Touche l'écran\"   # trailing comment\n"
                       "tap #start\n"
                       "longpress #logo 3000\n"
                       "longpress 5 6 700\n"
                       "swipe 1 2 300 4\n"
                       "type \"Léa \\\"42\\\"\"\n"
                       "key Escape\n"
                       "advance 90000\n"
                       "wait 250\n"
                       "shot home-1\n"
                       "expect screen home\n"
                       "expect no screen attract\n"
                       "expect text \"Choisis\"\n"
                       "expect no text \"Erreur\"\r\n"
                       "dump\n";
    char err[256] = "";
    script_t *s = script_parse("t.txt", text, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(s->count, 16);
    const script_cmd_t *c = s->cmds;
    assert_int_equal(c[0].op, SCRIPT_TAP);
    assert_int_equal(c[0].target.kind, SCRIPT_TARGET_POINT);
    assert_true(c[0].target.x == 10.0f && c[0].target.y == 20.0f);
    assert_int_equal(c[0].line, 3);
    assert_int_equal(c[1].target.kind, SCRIPT_TARGET_LABEL);
    assert_string_equal(c[1].target.text, "Touche l'écran");
    assert_int_equal(c[2].target.kind, SCRIPT_TARGET_ID);
    assert_string_equal(c[2].target.text, "start");
    assert_int_equal(c[3].op, SCRIPT_LONGPRESS);
    assert_int_equal(c[3].ms, 3000);
    assert_string_equal(c[3].target.text, "logo");
    assert_int_equal(c[4].target.kind, SCRIPT_TARGET_POINT);
    assert_int_equal(c[4].ms, 700);
    assert_int_equal(c[5].op, SCRIPT_SWIPE);
    assert_true(c[5].x1 == 1 && c[5].y1 == 2 && c[5].x2 == 300 && c[5].y2 == 4);
    assert_int_equal(c[6].op, SCRIPT_TYPE);
    assert_string_equal(c[6].arg, "Léa \"42\"");
    assert_int_equal(c[7].op, SCRIPT_KEY);
    assert_string_equal(c[7].arg, "Escape");
    assert_int_equal(c[8].op, SCRIPT_ADVANCE);
    assert_int_equal(c[8].ms, 90000);
    assert_int_equal(c[9].op, SCRIPT_WAIT);
    assert_int_equal(c[10].op, SCRIPT_SHOT);
    assert_string_equal(c[10].arg, "home-1");
    assert_int_equal(c[11].op, SCRIPT_EXPECT_SCREEN);
    assert_false(c[11].negate);
    assert_int_equal(c[12].op, SCRIPT_EXPECT_SCREEN);
    assert_true(c[12].negate);
    assert_int_equal(c[13].op, SCRIPT_EXPECT_TEXT);
    assert_string_equal(c[13].arg, "Choisis");
    assert_true(c[14].negate);
    assert_int_equal(c[15].op, SCRIPT_DUMP);
    assert_int_equal(c[15].line, 18);
    script_destroy(s);
}

typedef struct {
    const char *text;
    const char *message;
} bad_case_t;

static void test_every_error(void **state)
{
    static const bad_case_t cases[] = {
        {"jump 1 2\n",
         "s.txt:1: unknown command 'jump' (tap, longpress, swipe, type, key, advance, "
         "wait, shot, expect, dump)"},
        {"\n\ntap\n", "s.txt:3: expected a target: X Y, \"label\" or #id"},
        {"tap 10\n", "s.txt:1: expected Y (a number)"},
        {"tap ten 20\n", "s.txt:1: expected X (a number from 0 to 100000), got 'ten'"},
        {"tap -5 20\n", "s.txt:1: expected X (a number from 0 to 100000), got '-5'"},
        {"tap #\n", "s.txt:1: expected a widget id after '#'"},
        {"tap \"open\n", "s.txt:1: missing closing quote after a label"},
        {"tap 1 2 3\n", "s.txt:1: unexpected '3' at the end of the line"},
        {"longpress #a\n", "s.txt:1: expected a duration in milliseconds"},
        {"longpress #a soon\n",
         "s.txt:1: expected a duration in milliseconds (0 to 86400000), got 'soon'"},
        {"swipe 1 2 3\n", "s.txt:1: expected Y2 (a number)"},
        {"type hello\n", "s.txt:1: expected the text to type in double quotes"},
        {"key\n", "s.txt:1: expected a key name (Escape, Return, F11...)"},
        {"advance\n", "s.txt:1: expected a duration in milliseconds"},
        {"wait -1\n", "s.txt:1: expected a duration in milliseconds (0 to 86400000), got '-1'"},
        {"shot\n", "s.txt:1: expected a screenshot name"},
        {"shot ../x\n",
         "s.txt:1: a screenshot name is a plain file name, without '/' or a leading '.'"},
        {"expect\n", "s.txt:1: expected 'screen', 'text' or 'no' after expect"},
        {"expect no\n", "s.txt:1: expected 'screen' or 'text' after 'expect no'"},
        {"expect colour red\n", "s.txt:1: expected 'screen' or 'text' after expect, got 'colour'"},
        {"expect screen\n", "s.txt:1: expected a screen id"},
        {"expect text home\n", "s.txt:1: expected the expected text in double quotes"},
        {"dump now\n", "s.txt:1: unexpected 'now' at the end of the line"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[256] = "";
        script_t *s = script_parse("s.txt", cases[i].text, err, sizeof err);
        if (s)
            fail_msg("case %zu parsed: %s", i, cases[i].text);
        if (strcmp(err, cases[i].message) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, cases[i].message);
    }
}

static void test_load_missing_file(void **state)
{
    char err[256] = "";
    assert_null(script_load("/nonexistent/x.txt", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/x.txt: cannot open"));
}

/* Issue 14: `--script DIR` ran nothing and passed. Anything that is not a
 * readable script with at least one command is refused with what it is. */
static void test_load_refuses_what_is_not_a_script(void **state)
{
    char dir[] = "/tmp/minifab-script-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char err[512] = "", path[600];

    assert_null(script_load(dir, err, sizeof err));
    assert_non_null(strstr(err, "it is a directory"));

    snprintf(path, sizeof path, "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    int fd = open(path, O_RDWR | O_NONBLOCK); /* a writer, so that fopen does not block */
    assert_true(fd >= 0);
    err[0] = '\0';
    assert_null(script_load(path, err, sizeof err));
    assert_non_null(strstr(err, "a named pipe (FIFO)"));
    close(fd);
    unlink(path);

    snprintf(path, sizeof path, "%s/empty.txt", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("# only a comment\n\n", f);
    fclose(f);
    err[0] = '\0';
    assert_null(script_load(path, err, sizeof err));
    assert_non_null(strstr(err, "no command in the script"));
    unlink(path);
    rmdir(dir);
}

static void test_empty_script(void **state)
{
    char err[64] = "";
    script_t *s = script_parse("e", "# only comments\n\n   \n", err, sizeof err);
    assert_non_null(s);
    assert_int_equal(s->count, 0);
    script_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_command),
        cmocka_unit_test(test_every_error),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_load_refuses_what_is_not_a_script),
        cmocka_unit_test(test_empty_script),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
