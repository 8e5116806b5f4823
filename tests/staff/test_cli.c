/*
 * test_cli.c - staff.cli: `minifab staff set-pin` reads the PIN twice from
 * standard input when it is not a terminal, refuses two different PINs, a
 * PIN that is not 4 to 12 digits and an unknown role; `staff status` says
 * which roles have a PIN. Runs build/bin/minifab (MINIFAB_BIN_DIR).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[64];
static char out[4096];

/* Runs `minifab staff ARGS` with INPUT on stdin; returns its exit status,
 * its output (stdout and stderr) in OUT. */
static int run(const char *input, const char *args)
{
    const char *bin = getenv("MINIFAB_BIN_DIR");
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "printf '%s' | env -u MINIFAB_CONFIG '%s/minifab' staff %s --data-dir '%s' 2>&1",
             input, bin ? bin : "build/bin", args, dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_set_pin_from_stdin(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/mf-staff-cli-XXXXXX");
    assert_non_null(mkdtemp(dir));

    assert_int_equal(run("", "status"), 0);
    assert_non_null(strstr(out, "operator   no PIN"));

    assert_int_equal(run("4821\\n4822\\n", "set-pin --role operator"), 1);
    assert_non_null(strstr(out, "differ"));
    assert_int_equal(run("48\\n48\\n", "set-pin --role operator"), 1);
    assert_non_null(strstr(out, "4 to 12 digits"));
    assert_int_equal(run("4821\\n", "set-pin --role operator"), 1);
    assert_int_equal(run("4821\\n4821\\n", "set-pin --role admin"), 2);
    assert_int_equal(run("", "status"), 0);
    assert_non_null(strstr(out, "operator   no PIN"));

    assert_int_equal(run("4821\\n4821\\n", "set-pin --role operator"), 0);
    assert_non_null(strstr(out, "operator's PIN is set"));
    assert_int_equal(run("4821\\n4821\\n", "set-pin --role organiser"), 1);
    assert_non_null(strstr(out, "already the operator's"));
    assert_int_equal(run("77001122\\r\\n77001122\\r\\n", "set-pin --role organiser"), 0);
    assert_int_equal(run("", "status"), 0);
    assert_non_null(strstr(out, "operator   PIN set"));
    assert_non_null(strstr(out, "organiser  PIN set"));
    assert_non_null(strstr(out, "PIN pad    open"));

    char cmd[128];
    snprintf(cmd, sizeof cmd, "grep -q 4821 '%s/staff-pins'", dir);
    assert_int_not_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_pin_from_stdin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
