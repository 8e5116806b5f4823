/*
 * test_store.c - staff.store: the PIN file (Argon2id hashes only, mode
 * 0600) and the lockout that survives a restart, with fast-forwarded wall
 * clock time (app/staff/staff_store.h).
 */
#include "mf_error.h"
#include "staff.h"
#include "staff_store.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/mf-staff-store-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_hashes_only_mode_0600(void **state)
{
    (void)state;
    staff_store_t *st = staff_store_create(dir);
    assert_non_null(st);
    assert_false(staff_store_has_pin(st, STAFF_ROLE_NONE));
    staff_role_t role;
    int64_t locked;
    /* no PIN set yet: nothing opens */
    assert_int_equal(staff_store_check(st, "1234", 1000, &role, &locked), MF_ENOENT);
    assert_int_equal(role, STAFF_ROLE_NONE);

    assert_int_equal(staff_store_set_pin(st, STAFF_ROLE_OPERATOR, "4821"), MF_OK);
    assert_int_equal(staff_store_set_pin(st, STAFF_ROLE_ORGANISER, "902211"), MF_OK);
    assert_int_equal(staff_store_set_pin(st, STAFF_ROLE_ORGANISER, "4821"), MF_EEXPECT);
    assert_int_equal(staff_store_set_pin(st, STAFF_ROLE_OPERATOR, "12"), MF_EINVAL);
    assert_int_equal(staff_store_set_pin(st, STAFF_ROLE_NONE, "1234"), MF_EINVAL);
    assert_true(staff_store_has_pin(st, STAFF_ROLE_OPERATOR));
    assert_true(staff_store_has_pin(st, STAFF_ROLE_ORGANISER));

    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, STAFF_PIN_FILE);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char *text = slurp(path);
    assert_non_null(text);
    assert_null(strstr(text, "4821"));
    assert_null(strstr(text, "902211"));
    assert_non_null(strstr(text, "operator $argon2id$"));
    assert_non_null(strstr(text, "organiser $argon2id$"));

    assert_int_equal(staff_store_check(st, "4821", 1000, &role, &locked), MF_OK);
    assert_int_equal(role, STAFF_ROLE_OPERATOR);
    assert_int_equal(staff_store_check(st, "902211", 1000, &role, &locked), MF_OK);
    assert_int_equal(role, STAFF_ROLE_ORGANISER);
    assert_int_equal(staff_store_check(st, "0000", 1000, &role, &locked), MF_EPERM);
    assert_int_equal(role, STAFF_ROLE_NONE);
    staff_store_destroy(st);
}

static void test_lockout_survives_restart(void **state)
{
    (void)state;
    staff_store_t *st = staff_store_create(dir);
    assert_int_equal(staff_store_set_pin(st, STAFF_ROLE_OPERATOR, "4821"), MF_OK);
    staff_role_t role;
    int64_t locked;
    int64_t now = 1760000000000LL;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(staff_store_check(st, "1111", now, &role, &locked), MF_EPERM);
        assert_int_equal(locked, 0);
    }
    assert_int_equal(staff_store_check(st, "1111", now, &role, &locked), MF_EPERM);
    assert_int_equal(locked, STAFF_LOCK_BASE_MS);
    /* even the right PIN waits */
    assert_int_equal(staff_store_check(st, "4821", now + 1000, &role, &locked), MF_ELOCKED);
    assert_int_equal(locked, STAFF_LOCK_BASE_MS - 1000);
    staff_store_destroy(st);

    /* the kiosk restarts: still locked, the counters are on disk */
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, STAFF_LOCKOUT_FILE);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    st = staff_store_create(dir);
    assert_int_equal(staff_store_check(st, "4821", now + 2000, &role, &locked), MF_ELOCKED);
    assert_int_equal(locked, STAFF_LOCK_BASE_MS - 2000);

    /* 30 s later, five more wrong PINs lock for twice as long */
    now += STAFF_LOCK_BASE_MS;
    for (int i = 0; i < 5; i++)
        assert_int_equal(staff_store_check(st, "2222", now, &role, &locked), MF_EPERM);
    assert_int_equal(locked, 2 * STAFF_LOCK_BASE_MS);
    staff_store_destroy(st);
    st = staff_store_create(dir);
    staff_lockout_t l;
    staff_store_lockout(st, &l);
    assert_int_equal(l.lockouts, 2);
    assert_int_equal(staff_lockout_remaining(&l, now), 2 * STAFF_LOCK_BASE_MS);

    /* an hour later the right PIN opens and forgives */
    now += 3600 * 1000;
    assert_int_equal(staff_store_check(st, "4821", now, &role, &locked), MF_OK);
    assert_int_equal(role, STAFF_ROLE_OPERATOR);
    staff_store_lockout(st, &l);
    assert_int_equal(l.lockouts, 0);
    assert_int_equal(l.failures, 0);

    /* a damaged lockout file does not lock anyone out for ever */
    FILE *f = fopen(path, "w");
    fputs("not numbers\n", f);
    fclose(f);
    staff_store_lockout(st, &l);
    assert_int_equal(l.locked_until, 0);
    staff_store_destroy(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hashes_only_mode_0600, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lockout_survives_restart, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
