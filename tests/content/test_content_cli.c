/*
 * test_content_cli.c - content.cli: the output contract of `minifab content`
 * (app/cmd_content.c, compiled into this test): problem lines, the summary as
 * the last line, exit codes, and the trade list the media script reads.
 */
#include "commands.h"
#include "pack_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

/* Runs `minifab content ARGS...`; returns the exit status, stdout in *OUT. */
static int run(char **out, int argc, ...)
{
    char *argv[16] = {"content"};
    va_list ap;
    va_start(ap, argc);
    for (int i = 1; i <= argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    char path[] = "/tmp/minifab-cli-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stdout);
    int saved_out = dup(1), saved_err = dup(2);
    dup2(fd, 1);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    int rc = cmd_content(argc + 1, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    close(devnull);
    close(fd);
    *out = fixture_read(path, NULL);
    unlink(path);
    assert_non_null(*out);
    return rc;
}

static const char *last_line(const char *text)
{
    size_t n = strlen(text);
    assert_true(n > 0 && text[n - 1] == '\n');
    const char *p = text + n - 1;
    while (p > text && p[-1] != '\n')
        p--;
    return p;
}

static void check_good_pack(void **state)
{
    char *out;
    assert_int_equal(run(&out, 3, "check", "--strict", FIXTURE_DIR "/good"), 0);
    assert_string_equal(out, FIXTURE_DIR "/good/stations.yaml:18:9: warning: station "
                                         "'vr-welding' has no quiz question\n"
                                         "0 errors, 1 warning\n"
                                         "3 stations, 2 trades, 7 questions\n");
    free(out);
}

static void check_broken_pack(void **state)
{
    char *tmp = fixture_tmpdir();
    assert_non_null(tmp);
    assert_int_equal(fixture_copy_tree(FIXTURE_DIR "/good", tmp), 0);
    assert_int_equal(fixture_overlay(FIXTURE_DIR "/broken/references", tmp), 0);
    char *out;
    assert_int_equal(run(&out, 2, "check", tmp), 1);
    /* The duplicate station is not counted. */
    assert_string_equal(last_line(out), "2 stations, 2 trades, 7 questions\n");
    char want[4096];
    snprintf(want, sizeof want,
             "%s/stations.yaml:9:22: unknown trade 'welderr' (no file "
             "trades/welderr.yaml)\n",
             tmp);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "\n5 errors, "));
    /* Every problem line is FILE:LINE:COL: message. */
    size_t tl = strlen(tmp);
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, tmp, tl) != 0)
            continue;
        int l = 0, c = 0;
        char rest[8];
        const char *colon = strchr(line + tl, ':');
        assert_non_null(colon);
        assert_int_equal(sscanf(colon, ":%d:%d%2s", &l, &c, rest), 3);
        assert_true(l > 0 && c > 0);
    }
    free(out);
    fixture_rm_tree(tmp);
    free(tmp);
}

static void trades_list(void **state)
{
    char *out;
    assert_int_equal(run(&out, 2, "trades", FIXTURE_DIR "/good"), 0);
    assert_string_equal(out, "tester\ttesteur / testeuse\ttester\n"
                             "welder\tsoudeur / soudeuse\twelder\n");
    free(out);
    assert_int_equal(run(&out, 2, "trades", "/nonexistent"), 1);
    assert_string_equal(out, "");
    free(out);
}

static void default_dir_from_environment(void **state)
{
    char *out;
    setenv("MINIFAB_CONTENT_DIR", FIXTURE_DIR "/good", 1);
    assert_int_equal(run(&out, 1, "check"), 0);
    assert_string_equal(last_line(out), "3 stations, 2 trades, 7 questions\n");
    free(out);
    assert_int_equal(run(&out, 3, "trades", "--content", FIXTURE_DIR "/good"), 0);
    free(out);
    unsetenv("MINIFAB_CONTENT_DIR");
}

static void usage(void **state)
{
    char *out;
    assert_int_equal(run(&out, 1, "--help"), 0);
    assert_non_null(strstr(out, "usage: minifab content check [--strict] [DIR]"));
    free(out);
    assert_int_equal(run(&out, 0), 2);
    free(out);
    assert_int_equal(run(&out, 1, "publish"), 2);
    free(out);
    assert_int_equal(run(&out, 2, "check", "--frobnicate"), 2);
    free(out);
    assert_int_equal(run(&out, 3, "check", "a", "b"), 2);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_good_pack), cmocka_unit_test(check_broken_pack),
        cmocka_unit_test(trades_list),     cmocka_unit_test(default_dir_from_environment),
        cmocka_unit_test(usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
