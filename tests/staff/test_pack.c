/*
 * test_pack.c - staff.pack: installing a content pack from the USB stick
 * into the kiosk's content folder (app/staff/staff_pack.h), whole or not at
 * all: a valid pack replaces the folder and the old one is kept as
 * CONTENT.previous (a second install replaces that fallback); a broken pack
 * on the stick, a missing one, and a disk that fills up during the copy (a
 * write that fails with ENOSPC on the Nth call) all leave the kiosk's folder
 * as it was, with no temporary folder left behind.
 */
#include "mf_error.h"
#include "staff_pack.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static char root[64], content[128], stick[128];

static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/mf-staff-pack-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    snprintf(content, sizeof content, "%s/content", root);
    snprintf(stick, sizeof stick, "%s/stick/minifab-content", root);
    /* the kiosk's pack: the good fixture, marked; the stick's: the same, marked otherwise */
    const char *good = MINIFAB_SOURCE_DIR "/tests/content/fixtures/good";
    return sh("cp -r '%s' '%s' && echo kiosk > '%s/MARK' && mkdir -p '%s/stick' && "
              "cp -r '%s' '%s' && echo stick > '%s/MARK'",
              good, content, content, root, good, stick, stick) == 0
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    return sh("rm -rf '%s'", root) == 0 ? 0 : -1;
}

static bool mark_is(const char *dir, const char *want)
{
    return sh("grep -qx '%s' '%s/MARK'", want, dir) == 0;
}

static bool no_leftover(void)
{
    return sh("! ls -A '%s' | grep -q 'new-'", root) == 0;
}

static void test_install_keeps_previous(void **state)
{
    (void)state;
    char msg[512];
    assert_int_equal(staff_pack_install(stick, content, NULL, msg, sizeof msg), MF_OK);
    assert_true(mark_is(content, "stick"));
    char prev[160];
    snprintf(prev, sizeof prev, "%s.previous", content);
    assert_true(mark_is(prev, "kiosk"));
    assert_non_null(strstr(msg, ".previous"));
    assert_true(no_leftover());
    /* again: the fallback is now the pack that was in use */
    assert_int_equal(sh("echo stick2 > '%s/MARK'", stick), 0);
    assert_int_equal(staff_pack_install(stick, content, NULL, msg, sizeof msg), MF_OK);
    assert_true(mark_is(content, "stick2"));
    assert_true(mark_is(prev, "stick"));
    /* no content folder yet: installed, nothing kept */
    assert_int_equal(sh("rm -rf '%s' '%s'", content, prev), 0);
    assert_int_equal(staff_pack_install(stick, content, NULL, msg, sizeof msg), MF_OK);
    assert_true(mark_is(content, "stick2"));
    assert_int_not_equal(access(prev, F_OK), 0);
}

static void test_broken_or_missing_changes_nothing(void **state)
{
    (void)state;
    char msg[512];
    assert_int_equal(sh("echo 'stations: [' > '%s/stations.yaml'", stick), 0);
    assert_int_equal(staff_pack_install(stick, content, NULL, msg, sizeof msg), MF_ECONTENT);
    assert_non_null(strstr(msg, "stations.yaml"));
    assert_true(mark_is(content, "kiosk"));
    assert_true(no_leftover());
    char none[160];
    snprintf(none, sizeof none, "%s/nothing-here", root);
    assert_int_equal(staff_pack_install(none, content, NULL, msg, sizeof msg), MF_ENOENT);
    assert_true(mark_is(content, "kiosk"));
}

/* A kiosk disk that fills up: the Nth write fails with ENOSPC. */
typedef struct {
    int calls, fail_at;
} seam_t;

static ssize_t seam_write(void *ctx, int fd, const void *buf, size_t n)
{
    seam_t *s = ctx;
    if (++s->calls == s->fail_at) {
        errno = ENOSPC;
        return -1;
    }
    return write(fd, buf, n);
}

static int seam_fsync(void *ctx, int fd)
{
    (void)ctx;
    return fsync(fd);
}

static void test_disk_full_changes_nothing(void **state)
{
    (void)state;
    char msg[512];
    for (int n = 1; n <= 6; n += 5) {
        seam_t s = {0, n};
        staff_usb_io_t io = {seam_write, seam_fsync, &s};
        assert_int_equal(staff_pack_install(stick, content, &io, msg, sizeof msg), MF_ENOSPC);
        assert_non_null(strstr(msg, "cannot write"));
        assert_true(mark_is(content, "kiosk"));
        assert_true(no_leftover());
        char prev[160];
        snprintf(prev, sizeof prev, "%s.previous", content);
        assert_int_not_equal(access(prev, F_OK), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_install_keeps_previous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_or_missing_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_full_changes_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
