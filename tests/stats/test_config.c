/*
 * test_config.c - stats.config: the configuration keys of the statistics
 * (kiosk_id, stats_retention_months, stop_*, group_*): read from the file,
 * defaults, and mistakes refused with the key named.
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

static int load(const char *yaml, config_t *cfg, char *msg, size_t size)
{
    char path[] = "/tmp/minifab-stats-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
    close(fd);
    yamldoc_errors_t errs;
    yamldoc_errors_init(&errs);
    config_init(cfg);
    int rc = config_load_file(cfg, path, &errs);
    msg[0] = '\0';
    for (size_t i = 0; i < errs.count; i++)
        snprintf(msg + strlen(msg), size - strlen(msg), "%s\n", errs.items[i]);
    yamldoc_errors_deinit(&errs);
    unlink(path);
    return rc;
}

static void test_keys(void **state)
{
    config_t cfg;
    char msg[1024];
    config_init(&cfg);
    assert_int_equal(cfg.stats_retention_months, 25);
    assert_string_equal(cfg.kiosk_id, "");
    assert_int_equal(load("kiosk_id: truck1-kiosk2\nstats_retention_months: 13\n"
                          "stop_id: 2026-11-lille\nstop_town: Lille\nstop_venue: Grand Place\n"
                          "stop_first_day: 2026-11-16\nstop_last_day: 2026-11-20\n"
                          "group_type: job_seekers\ngroup_level: ''\n"
                          "group_name: Session France Travail\ngroup_headcount: 14\n",
                          &cfg, msg, sizeof msg),
                     MF_OK);
    assert_string_equal(cfg.kiosk_id, "truck1-kiosk2");
    assert_int_equal(cfg.stats_retention_months, 13);
    assert_string_equal(cfg.stop_venue, "Grand Place");
    assert_string_equal(cfg.stop_last_day, "2026-11-20");
    assert_string_equal(cfg.group_type, "job_seekers");
    assert_string_equal(cfg.group_name, "Session France Travail");
    assert_int_equal(cfg.group_headcount, 14);
}

static void test_mistakes(void **state)
{
    config_t cfg;
    char msg[1024];
    assert_int_not_equal(load("group_type: pupils\n", &cfg, msg, sizeof msg), MF_OK);
    assert_non_null(strstr(msg, "'group_type' expects school, job_seekers"));
    assert_int_not_equal(load("stop_first_day: 16/11/2026\n", &cfg, msg, sizeof msg), MF_OK);
    assert_non_null(strstr(msg, "YYYY-MM-DD"));
    assert_int_not_equal(load("stats_retention_months: 0\n", &cfg, msg, sizeof msg), MF_OK);
    assert_non_null(strstr(msg, "'stats_retention_months' expects a whole number from 1 to 120"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_mistakes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
