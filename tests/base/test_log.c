/*
 * test_log.c - base.log and base.error: the capped log file rotates and
 * keeps one old generation; levels filter; every error code has a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mf_error.h"
#include "mf_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_rotation_and_levels(void **state)
{
    char dir[] = "/tmp/minifab-log-XXXXXX", path[64], old[80];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/minifab.log", dir);
    snprintf(old, sizeof old, "%s.1", path);
    mf_log_set_stderr(0);
    mf_log_set_level(MF_LOG_INFO);
    assert_int_equal(mf_log_open_file(path, 4096), MF_OK);
    mf_log_debug("test", "not written: below the level");
    assert_int_equal(file_size(path), 0);
    for (int i = 0; i < 200; i++)
        mf_log_info("test", "line %d of a kiosk that runs for a whole tour", i);
    /* the file never grows far past its cap, and one older generation is kept */
    assert_true(file_size(path) <= 4096 + 200);
    assert_true(file_size(old) > 4096);
    FILE *f = fopen(path, "r");
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_non_null(strstr(line, " INFO  test: line "));
    mf_log_open_file(NULL, 0);
    unlink(path);
    unlink(old);
    rmdir(dir);
}

static void test_level_parse(void **state)
{
    mf_log_level_t l;
    assert_int_equal(mf_log_level_parse("warn", &l), MF_OK);
    assert_int_equal(l, MF_LOG_WARN);
    assert_int_equal(mf_log_level_parse("DEBUG", &l), MF_OK);
    assert_int_equal(l, MF_LOG_DEBUG);
    assert_int_equal(mf_log_level_parse("loud", &l), MF_EINVAL);
}

static void test_error_messages(void **state)
{
    for (int code = 0; code >= -32; code--)
        assert_string_not_equal(mf_strerror(code), "unknown error");
    assert_string_equal(mf_strerror(-9999), "unknown error");
    assert_int_equal(mf_error_from_errno(ENOENT), MF_ENOENT);
    assert_int_equal(mf_error_from_errno(ECONNREFUSED), MF_ECONNREFUSED);
    assert_int_equal(mf_error_from_errno(ENOSPC), MF_ENOSPC);
    assert_int_equal(mf_error_from_errno(EADDRINUSE), MF_EADDRINUSE);
    assert_int_equal(mf_error_from_errno(EACCES), MF_EPERM);
    assert_int_equal(mf_error_from_errno(EIO), MF_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rotation_and_levels),
        cmocka_unit_test(test_level_parse),
        cmocka_unit_test(test_error_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
