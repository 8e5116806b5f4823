/*
 * test_usb.c - staff.usb: finding the USB stick in a mount table and sysfs
 * of the test's own, and the whole-or-nothing copy: a full stick (a fault
 * seam, and a real 64 KiB tmpfs when the test may mount one), a stick pulled
 * out during the copy, leftovers of an earlier cut copy
 * (app/staff/staff_usb.h).
 */
#include "mf_error.h"
#include "staff_usb.h"

#include <errno.h>
#include <stdbool.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char root[64];

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/mf-staff-usb-XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void mkdirs(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static bool exists(const char *dir, const char *name)
{
    char p[512];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &sb) == 0;
}

static int count_entries(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

static void test_find_removable(void **state)
{
    (void)state;
    char sys[128], mounts[128], stick[128];
    snprintf(sys, sizeof sys, "%s/sys", root);
    snprintf(stick, sizeof stick, "%s/KINGSTON 8G", root);
    char cmd[2048];
    snprintf(
        cmd, sizeof cmd,
        "mkdir -p '%s/sda' '%s/sdb' '%s/mmcblk0' '%s/nvme0n1' '%s' && echo 0 > %s/sda/removable"
        " && echo 1 > %s/sdb/removable && echo 1 > %s/mmcblk0/removable"
        " && echo 0 > %s/nvme0n1/removable",
        sys, sys, sys, sys, stick, sys, sys, sys, sys);
    assert_int_equal(system(cmd), 0);
    snprintf(mounts, sizeof mounts, "%s/mounts", root);
    char table[4096];
    snprintf(table, sizeof table,
             "sysfs /sys sysfs rw 0 0\n"
             "/dev/sda2 / ext4 rw 0 0\n"
             "/dev/nvme0n1p1 /home ext4 rw 0 0\n"
             "/dev/sdb1 %s/KINGSTON\\0408G vfat rw 0 0\n"
             "/dev/mmcblk0p1 /media/card vfat rw 0 0\n"
             "tmpfs /run tmpfs rw 0 0\n",
             root);
    put(mounts, table);
    staff_usb_drive_t d[STAFF_USB_MAX];
    int n = staff_usb_find(mounts, sys, d, STAFF_USB_MAX);
    assert_int_equal(n, 2);
    assert_string_equal(d[0].device, "/dev/sdb1");
    assert_string_equal(d[0].mount, stick);
    assert_string_equal(d[0].label, "KINGSTON 8G");
    assert_true(d[0].total_bytes > 0);
    assert_string_equal(d[1].device, "/dev/mmcblk0p1");
    assert_string_equal(d[1].mount, "/media/card");

    /* no stick */
    put(mounts, "/dev/sda2 / ext4 rw 0 0\n");
    assert_int_equal(staff_usb_find(mounts, sys, d, STAFF_USB_MAX), 0);
    /* no mount table */
    assert_true(staff_usb_find("/nonexistent/mounts", sys, d, STAFF_USB_MAX) < 0);
}

/* A fault seam: the Nth write fails with ERR (0: never); AFTER runs first
 * (pulls the stick out). */
typedef struct {
    int writes, fail_at, err;
    void (*after)(void);
} seam_t;

static ssize_t seam_write(void *ctx, int fd, const void *buf, size_t n)
{
    seam_t *s = ctx;
    if (++s->writes == s->fail_at) {
        if (s->after)
            s->after();
        errno = s->err;
        return -1;
    }
    return write(fd, buf, n > 4096 ? 4096 : n);
}

static int seam_fsync(void *ctx, int fd)
{
    (void)ctx;
    return fsync(fd);
}

static char stick_dir[128];

static void pull_stick(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", stick_dir);
    assert_int_equal(system(cmd), 0);
}

static void make_source(const char *path, size_t size)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < size; i++)
        fputc('a' + (int)(i % 26), f);
    fclose(f);
}

static void test_copy_whole_or_nothing(void **state)
{
    (void)state;
    char src[128];
    snprintf(src, sizeof src, "%s/stats.xlsx", root);
    snprintf(stick_dir, sizeof stick_dir, "%s/stick", root);
    make_source(src, 100000);
    mkdirs(stick_dir);

    /* the stick fills up on the 5th write */
    seam_t full = {0, 5, ENOSPC, NULL};
    staff_usb_io_t io = {seam_write, seam_fsync, &full};
    assert_int_equal(staff_usb_copy(src, stick_dir, "stats.xlsx", &io), MF_ENOSPC);
    assert_false(exists(stick_dir, "stats.xlsx"));
    assert_int_equal(count_entries(stick_dir), 0);
    assert_string_equal(staff_usb_result_key(MF_ENOSPC), "staff.usb.full");

    /* the stick is pulled out during the copy: the folder is gone, EIO */
    seam_t pulled = {0, 3, EIO, pull_stick};
    io.ctx = &pulled;
    assert_int_equal(staff_usb_copy(src, stick_dir, "stats.xlsx", &io), MF_ENOENT);
    assert_string_equal(staff_usb_result_key(MF_ENOENT), "staff.usb.gone");
    /* the mount point stays as an empty folder of another file system:
     * simulated by a folder that reappears empty */
    mkdirs(stick_dir);
    assert_int_equal(count_entries(stick_dir), 0);

    /* no stick at all */
    assert_int_equal(staff_usb_copy(src, "/nonexistent/stick", "stats.xlsx", NULL), MF_ENOENT);

    /* a leftover of a copy cut short earlier is removed; the copy is whole */
    char part[256];
    snprintf(part, sizeof part, "%s/.minifab-old.csv.part", stick_dir);
    put(part, "half");
    assert_int_equal(staff_usb_copy(src, stick_dir, "stats.xlsx", NULL), MF_OK);
    assert_false(exists(stick_dir, ".minifab-old.csv.part"));
    assert_int_equal(count_entries(stick_dir), 1);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s/stats.xlsx'", src, stick_dir);
    assert_int_equal(system(cmd), 0);
    assert_string_equal(staff_usb_result_key(MF_OK), "staff.usb.done");

    /* a failure on the stick's side after a good copy keeps the good file */
    seam_t later = {0, 1, EIO, NULL};
    io.ctx = &later;
    assert_int_equal(staff_usb_copy(src, stick_dir, "stats.xlsx", &io), MF_EIO);
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s/stats.xlsx'", src, stick_dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(count_entries(stick_dir), 1);

    assert_int_equal(staff_usb_copy(src, stick_dir, "../x", NULL), MF_EINVAL);
}

/* A real small file system that fills up: a 64 KiB tmpfs in a mount
 * namespace of this process (needs CAP_SYS_ADMIN; skipped without it). */
static void test_copy_real_full_tmpfs(void **state)
{
    (void)state;
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        print_message("staff.usb: cannot make a mount namespace here (%s): skipped\n",
                      strerror(errno));
        skip();
    }
    char mnt[128], src[128], small[128];
    snprintf(mnt, sizeof mnt, "%s/tmpfs", root);
    mkdirs(mnt);
    assert_int_equal(mount("tmpfs", mnt, "tmpfs", 0, "size=64k"), 0);
    snprintf(src, sizeof src, "%s/report.pdf", root);
    make_source(src, 200000);
    assert_int_equal(staff_usb_copy(src, mnt, "report.pdf", NULL), MF_ENOSPC);
    assert_int_equal(count_entries(mnt), 0);
    snprintf(small, sizeof small, "%s/visits.csv", root);
    make_source(small, 10000);
    assert_int_equal(staff_usb_copy(small, mnt, "visits.csv", NULL), MF_OK);
    assert_int_equal(count_entries(mnt), 1);
    assert_int_equal(umount(mnt), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_find_removable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_whole_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_real_full_tmpfs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
