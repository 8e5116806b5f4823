/*
 * staff_usb.c - finding a mounted USB stick and copying a file to it whole
 * (see staff_usb.h).
 */
#include "staff_usb.h"

#include "mf_error.h"
#include "mf_log.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* /proc/mounts writes a space as \040, a tab \011, a backslash \134. */
/* Copies SRC into DST of SIZE bytes, cut at SIZE - 1 (names shown, not used). */
static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void unescape_mount(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' &&
            r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
            r += 3;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

static bool read_flag(const char *sys_block, const char *dev)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s/removable", sys_block, dev) >= (int)sizeof path)
        return false;
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    int c = fgetc(f);
    fclose(f);
    return c == '1';
}

static bool sys_has(const char *sys_block, const char *dev)
{
    char path[PATH_MAX];
    struct stat sb;
    return snprintf(path, sizeof path, "%s/%s", sys_block, dev) < (int)sizeof path &&
           stat(path, &sb) == 0;
}

/* True when the disk holding partition NAME ("sdb1", "mmcblk0p1") is
 * removable: the partition's disk is NAME without its number (and the 'p'
 * that separates it after a digit). */
static bool is_removable(const char *sys_block, const char *name)
{
    char disk[128];
    snprintf(disk, sizeof disk, "%s", name);
    if (sys_has(sys_block, disk))
        return read_flag(sys_block, disk);
    size_t n = strlen(disk);
    while (n > 0 && isdigit((unsigned char)disk[n - 1]))
        n--;
    if (n > 1 && disk[n - 1] == 'p' && isdigit((unsigned char)disk[n - 2]))
        n--;
    if (n == 0 || n == strlen(name))
        return false;
    disk[n] = '\0';
    return read_flag(sys_block, disk);
}

int staff_usb_find(const char *mounts, const char *sys_block, staff_usb_drive_t *out, int max)
{
    if (!mounts)
        mounts = "/proc/mounts";
    if (!sys_block)
        sys_block = "/sys/block";
    FILE *f = fopen(mounts, "re");
    if (!f)
        return mf_error_from_errno(errno);
    int count = 0;
    char line[2048];
    while (count < max && fgets(line, sizeof line, f)) {
        char dev[256], dir[1024], type[64];
        if (sscanf(line, "%255s %1023s %63s", dev, dir, type) != 3)
            continue;
        if (strncmp(dev, "/dev/", 5) != 0)
            continue;
        unescape_mount(dev);
        unescape_mount(dir);
        const char *name = strrchr(dev, '/') + 1;
        if (!is_removable(sys_block, name))
            continue;
        staff_usb_drive_t *d = &out[count];
        memset(d, 0, sizeof *d);
        if (strlen(dir) >= sizeof d->mount)
            continue; /* a path cut short would be another folder */
        copy_str(d->mount, sizeof d->mount, dir);
        copy_str(d->device, sizeof d->device, dev);
        const char *slash = strrchr(dir, '/');
        copy_str(d->label, sizeof d->label, slash && slash[1] ? slash + 1 : dir);
        struct statvfs vs;
        if (statvfs(dir, &vs) == 0) {
            d->free_bytes = (uint64_t)vs.f_bavail * vs.f_frsize;
            d->total_bytes = (uint64_t)vs.f_blocks * vs.f_frsize;
        }
        count++;
    }
    fclose(f);
    return count;
}

static ssize_t real_write(void *ctx, int fd, const void *buf, size_t n)
{
    (void)ctx;
    return write(fd, buf, n);
}

static int real_fsync(void *ctx, int fd)
{
    (void)ctx;
    return fsync(fd);
}

const staff_usb_io_t *staff_usb_real_io(void)
{
    static const staff_usb_io_t real = {real_write, real_fsync, NULL};
    return &real;
}

/* What an errno on the stick's side means for the organiser. */
/* What an errno on the stick's side means for the organiser. DEV is the
 * device DIR was on when the copy started: a mount point left behind by a
 * pulled stick is a folder of the root file system. */
static int stick_error(int err, const char *dir, dev_t dev)
{
    struct stat sb;
    if (err == ENOSPC || err == EDQUOT || err == EFBIG)
        return MF_ENOSPC;
    if (err == ENODEV || err == ENXIO || err == ENOENT || err == ESHUTDOWN || stat(dir, &sb) != 0 ||
        sb.st_dev != dev)
        return MF_ENOENT; /* the stick is gone */
    return MF_EIO;
}

/* Leftovers of a copy cut short earlier (the stick was pulled out). */
static void remove_leftovers(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, ".minifab-", 9) == 0 && n > 5 &&
            strcmp(e->d_name + n - 5, ".part") == 0)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

int staff_usb_copy(const char *src, const char *dir, const char *name, const staff_usb_io_t *io)
{
    if (!io)
        io = staff_usb_real_io();
    if (!name || !name[0] || strchr(name, '/'))
        return MF_EINVAL;
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return MF_ENOENT;
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return MF_EINVAL;
    remove_leftovers(dir);

    char tmp[PATH_MAX], dst[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s/.minifab-%s.part", dir, name) >= (int)sizeof tmp ||
        snprintf(dst, sizeof dst, "%s/%s", dir, name) >= (int)sizeof dst) {
        close(in);
        return MF_ERANGE;
    }
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        int rc = stick_error(errno, dir, sb.st_dev);
        close(in);
        return rc;
    }
    int rc = MF_OK;
    char buf[64 * 1024];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = MF_EINVAL;
            break;
        }
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = io->write(io->ctx, out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                rc = stick_error(w < 0 ? errno : ENOSPC, dir, sb.st_dev);
                break;
            }
            off += w;
        }
        if (rc != MF_OK)
            break;
    }
    close(in);
    /* data on the stick before the name: a pulled stick never shows a short
     * file under the real name */
    if (rc == MF_OK && io->fsync(io->ctx, out) != 0)
        rc = stick_error(errno, dir, sb.st_dev);
    if (close(out) != 0 && rc == MF_OK)
        rc = stick_error(errno, dir, sb.st_dev);
    if (rc == MF_OK && rename(tmp, dst) != 0)
        rc = stick_error(errno, dir, sb.st_dev);
    if (rc != MF_OK) {
        unlink(tmp);
        mf_log_warn("staff", "copy of %s to %s failed: %s", name, dir, mf_strerror(rc));
        return rc;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        if (io->fsync(io->ctx, dfd) != 0)
            rc = stick_error(errno, dir, sb.st_dev);
        close(dfd);
    }
    return rc;
}

const char *staff_usb_result_key(int rc)
{
    switch (rc) {
    case MF_OK:
        return "staff.usb.done";
    case MF_ENOSPC:
        return "staff.usb.full";
    case MF_ENOENT:
        return "staff.usb.gone";
    default:
        return "staff.usb.failed";
    }
}
