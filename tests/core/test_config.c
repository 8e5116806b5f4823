/*
 * test_config.c - core.config: defaults < file < environment < flags, and
 * the file's error messages (file, line, column, what was expected).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "mf_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmp_path[64];

static const char *write_tmp(const char *text)
{
    snprintf(tmp_path, sizeof tmp_path, "/tmp/minifab-config-XXXXXX");
    int fd = mkstemp(tmp_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return tmp_path;
}

/* A fake environment for the tests. */
static const char *fake_env(const char *name)
{
    if (!strcmp(name, "MINIFAB_LANGUAGE"))
        return "en";
    if (!strcmp(name, "MINIFAB_DATA_DIR"))
        return "/env/data";
    if (!strcmp(name, "MINIFAB_PLC"))
        return "tcp://10.0.0.2:502";
    if (!strcmp(name, "HOME"))
        return "/home/kiosk";
    return NULL;
}

static const char *empty_env(const char *name)
{
    if (!strcmp(name, "HOME"))
        return "/home/kiosk";
    return NULL;
}

static void test_defaults(void **state)
{
    config_t c;
    yamldoc_errors_t e;
    yamldoc_errors_init(&e);
    config_init(&c);
    assert_int_equal(config_apply_env(&c, empty_env, &e), MF_OK);
    assert_string_equal(c.language, "fr");
    assert_int_equal(c.idle_timeout_s, 90);
    assert_string_equal(c.data_dir, "/home/kiosk/.local/share/minifab");
    assert_true(config_uses_sim(&c));
    yamldoc_errors_deinit(&e);
}

static void test_precedence(void **state)
{
    config_t c;
    yamldoc_errors_t e;
    yamldoc_errors_init(&e);
    config_init(&c);
    const char *p = write_tmp("# the truck's kiosk 2\n"
                              "language: fr\n"
                              "data_dir: /file/data\n"
                              "idle_timeout_s: 120\n"
                              "plc: tcp://192.168.0.10:502\n"
                              "scanner: usb:0483:5740\n"
                              "fullscreen: yes\n");
    assert_int_equal(config_load_file(&c, p, &e), MF_OK);
    unlink(p);
    /* file over defaults */
    assert_int_equal(c.idle_timeout_s, 120);
    assert_true(c.fullscreen);
    assert_string_equal(c.data_dir, "/file/data");
    assert_false(config_uses_sim(&c));
    /* environment over file */
    assert_int_equal(config_apply_env(&c, fake_env, &e), MF_OK);
    assert_string_equal(c.language, "en");
    assert_string_equal(c.data_dir, "/env/data");
    assert_string_equal(c.plc_uri, "tcp://10.0.0.2:502");
    assert_string_equal(c.scanner_port, "usb:0483:5740"); /* untouched by env */
    /* flags over environment */
    assert_int_equal(config_apply_flag(&c, "language", "fr", &e), MF_OK);
    assert_int_equal(config_apply_flag(&c, "data-dir", "/flag/data", &e), MF_OK);
    assert_int_equal(config_apply_flag(&c, "plc", "tcp://127.0.0.1:1502", &e), MF_OK);
    assert_string_equal(c.language, "fr");
    assert_string_equal(c.data_dir, "/flag/data");
    assert_string_equal(c.plc_uri, "tcp://127.0.0.1:1502");
    /* --sim wins over every device address */
    assert_int_equal(config_apply_flag(&c, "sim", NULL, &e), MF_OK);
    assert_true(config_uses_sim(&c));
    assert_int_equal(e.count, 0);
    yamldoc_errors_deinit(&e);
}

static void test_file_errors_name_line_and_column(void **state)
{
    config_t c;
    yamldoc_errors_t e;
    yamldoc_errors_init(&e);
    config_init(&c);
    const char *p = write_tmp("language: fr\n"
                              "idle_timout_s: 30\n"
                              "idle_timeout_s: soon\n"
                              "fullscreen: maybe\n");
    assert_int_equal(config_load_file(&c, p, &e), MF_EPARSE);
    assert_int_equal(e.count, 3);
    char want[256];
    snprintf(want, sizeof want, "%s:2:1: unknown key 'idle_timout_s' (see docs/CONFIG.md)", p);
    assert_string_equal(e.items[0], want);
    snprintf(want, sizeof want,
             "%s:3:17: 'idle_timeout_s' expects a whole number from 10 to 3600, got 'soon'", p);
    assert_string_equal(e.items[1], want);
    snprintf(want, sizeof want, "%s:4:13: 'fullscreen' expects true or false, got 'maybe'", p);
    assert_string_equal(e.items[2], want);
    unlink(p);
    yamldoc_errors_deinit(&e);
}

/* Issue 14: a bad word in the file is placed like every other error. */
static void test_file_choice_errors_name_line_and_column(void **state)
{
    config_t c;
    yamldoc_errors_t e;
    yamldoc_errors_init(&e);
    config_init(&c);
    const char *p = write_tmp("fullscreen: true\n"
                              "language: de\n"
                              "log_level: loud\n");
    assert_int_equal(config_load_file(&c, p, &e), MF_EPARSE);
    assert_int_equal(e.count, 2);
    char want[256];
    snprintf(want, sizeof want, "%s:2:11: 'language' expects fr or en, got 'de'", p);
    assert_string_equal(e.items[0], want);
    snprintf(want, sizeof want,
             "%s:3:12: 'log_level' expects debug, info, warn or error, got 'loud'", p);
    assert_string_equal(e.items[1], want);
    assert_string_equal(c.language, "fr"); /* a refused value is not kept */
    unlink(p);
    yamldoc_errors_deinit(&e);
}

static void test_syntax_error(void **state)
{
    config_t c;
    yamldoc_errors_t e;
    yamldoc_errors_init(&e);
    config_init(&c);
    const char *p = write_tmp("language: fr\n  plc: [unclosed\n");
    assert_int_equal(config_load_file(&c, p, &e), MF_EPARSE);
    assert_true(e.count >= 1);
    char prefix[128];
    /* libfyaml places it at the key "fr" that line 2 turns into a bad multiline key. */
    snprintf(prefix, sizeof prefix, "%s:1:11:", p);
    assert_memory_equal(e.items[0], prefix, strlen(prefix));
    unlink(p);
    yamldoc_errors_deinit(&e);
}

static void test_bad_values(void **state)
{
    config_t c;
    yamldoc_errors_t e;
    yamldoc_errors_init(&e);
    config_init(&c);
    assert_int_equal(config_apply_flag(&c, "language", "de", &e), MF_EINVAL);
    assert_int_equal(config_apply_flag(&c, "colour", "red", &e), MF_EINVAL);
    assert_int_equal(e.count, 2);
    assert_string_equal(e.items[0], "command line: 'language' expects fr or en, got 'de'");
    assert_string_equal(e.items[1], "command line: unknown option --colour");
    assert_int_equal(config_load_file(&c, "/nonexistent/minifab.yaml", &e), MF_EPARSE);
    assert_string_equal(e.items[2], "/nonexistent/minifab.yaml: cannot open the file");
    yamldoc_errors_deinit(&e);
}

static void test_engrave_keys(void **state)
{
    config_t c;
    yamldoc_errors_t e;
    yamldoc_errors_init(&e);
    config_init(&c);
    assert_true(c.engrave_w_mm == 0.0 && c.engrave_power == 0); /* 0 = driver's default */
    const char *p = write_tmp("engrave_x_mm: 5.5\nengrave_width_mm: 80\nengrave_height_mm: 25\n"
                              "engrave_power: 500\nengrave_feed: 1200\nengrave_home: true\n"
                              "engrave_max_chars: 2000\n");
    assert_int_equal(config_load_file(&c, p, &e), MF_EPARSE);
    assert_true(c.engrave_x_mm == 5.5 && c.engrave_w_mm == 80.0 && c.engrave_h_mm == 25.0);
    assert_int_equal(c.engrave_power, 500);
    assert_int_equal(c.engrave_feed, 1200);
    assert_true(c.engrave_home);
    assert_int_equal(e.count, 1);
    char want[200];
    snprintf(want, sizeof want,
             "%s:7:20: 'engrave_max_chars' expects a whole number from 0 to 60, got '2000'", p);
    assert_string_equal(e.items[0], want);
    unlink(p);
    yamldoc_errors_deinit(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_file_errors_name_line_and_column),
        cmocka_unit_test(test_file_choice_errors_name_line_and_column),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_engrave_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
