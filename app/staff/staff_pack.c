/*
 * staff_pack.c - reloading the content pack from the staff console, and
 * installing one from the USB stick (see staff_pack.h): validated first, the
 * pack in use stays on any problem; the swap is two renames on one disk.
 */
#include "staff_pack.h"

#include "kiosk_pack.h"
#include "mf_error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAFF_PACK_DEPTH 8 /* folders inside a pack: media/generated/... */
#define STAFF_PACK_MSG 512

/* The first line of the validator's messages. */
static void first_problem(const kiosk_pack_t *kp, char *msg, size_t size)
{
    const char *p = kiosk_pack_problem(kp);
    size_t n = strcspn(p, "\n");
    if (n >= size)
        n = size - 1;
    memcpy(msg, p, n);
    msg[n] = '\0';
}

/* Loads the pack in DIR only to check it. */
static int check_pack(const char *dir, char *msg, size_t size)
{
    kiosk_pack_t *kp = kiosk_pack_create(dir);
    if (!kp)
        return MF_ENOMEM;
    int rc = kiosk_pack_load(kp);
    if (rc != MF_OK)
        first_problem(kp, msg, size);
    kiosk_pack_destroy(kp);
    return rc;
}

/* Removes the folder PATH and everything in it (our own temporary copy or
 * the old fallback); symbolic links are removed, never followed. */
static void remove_tree(const char *path, int depth)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char p[PATH_MAX];
        if (snprintf(p, sizeof p, "%s/%s", path, de->d_name) >= (int)sizeof p)
            continue;
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode) && depth < STAFF_PACK_DEPTH)
            remove_tree(p, depth + 1);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(path);
}

static int errno_rc(int e)
{
    return e == ENOSPC || e == EDQUOT ? MF_ENOSPC : MF_EIO;
}

/* Copies the file FROM to TO (new), synced. */
static int copy_file(const char *from, const char *to, const staff_usb_io_t *io, char *msg,
                     size_t size)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        snprintf(msg, size, "cannot read %s: %s", from, strerror(errno));
        return MF_EIO;
    }
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        int e = errno;
        close(in);
        snprintf(msg, size, "cannot write %s: %s", to, strerror(e));
        return errno_rc(e);
    }
    char buf[65536];
    int rc = MF_OK;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(msg, size, "cannot read %s: %s", from, strerror(errno));
            rc = MF_EIO;
            break;
        }
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = io->write(io->ctx, out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                int e = w < 0 ? errno : ENOSPC;
                snprintf(msg, size, "cannot write %s: %s", to, strerror(e));
                rc = errno_rc(e);
                break;
            }
            off += w;
        }
        if (rc != MF_OK)
            break;
    }
    if (rc == MF_OK && io->fsync(io->ctx, out) != 0) {
        int e = errno;
        snprintf(msg, size, "cannot write %s: %s", to, strerror(e));
        rc = errno_rc(e);
    }
    close(in);
    if (close(out) != 0 && rc == MF_OK) {
        snprintf(msg, size, "cannot write %s: %s", to, strerror(errno));
        rc = MF_EIO;
    }
    return rc;
}

/* Copies the folder FROM into the existing folder TO: files and folders
 * (hidden ones skipped: a stick's .Trash, ._ files), links followed. */
static int copy_tree(const char *from, const char *to, int depth, const staff_usb_io_t *io,
                     char *msg, size_t size)
{
    DIR *d = opendir(from);
    if (!d) {
        snprintf(msg, size, "cannot read %s: %s", from, strerror(errno));
        return errno == ENOENT ? MF_ENOENT : MF_EIO;
    }
    int rc = MF_OK;
    struct dirent *de;
    while (rc == MF_OK && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char a[PATH_MAX], b[PATH_MAX];
        if (snprintf(a, sizeof a, "%s/%s", from, de->d_name) >= (int)sizeof a ||
            snprintf(b, sizeof b, "%s/%s", to, de->d_name) >= (int)sizeof b) {
            snprintf(msg, size, "path too long in %s", from);
            rc = MF_ERANGE;
            break;
        }
        struct stat sb;
        if (stat(a, &sb) != 0) {
            snprintf(msg, size, "cannot read %s: %s", a, strerror(errno));
            rc = MF_EIO;
        } else if (S_ISDIR(sb.st_mode)) {
            if (depth >= STAFF_PACK_DEPTH) {
                snprintf(msg, size, "%s: folders nested too deep", a);
                rc = MF_ERANGE;
            } else if (mkdir(b, 0755) != 0) {
                snprintf(msg, size, "cannot write %s: %s", b, strerror(errno));
                rc = errno_rc(errno);
            } else {
                rc = copy_tree(a, b, depth + 1, io, msg, size);
            }
        } else if (S_ISREG(sb.st_mode)) {
            rc = copy_file(a, b, io, msg, size);
        }
    }
    closedir(d);
    return rc;
}

/* Makes the renames in PARENT durable. */
static void sync_dir(const char *parent)
{
    int fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int staff_pack_install(const char *src, const char *dest, const staff_usb_io_t *io, char *msg,
                       size_t size)
{
    if (!io)
        io = staff_usb_real_io();
    msg[0] = '\0';
    struct stat sb;
    if (stat(src, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return MF_ENOENT;
    /* 1. the stick's pack, where it is */
    int rc = check_pack(src, msg, size);
    if (rc != MF_OK)
        return rc;
    /* 2. a copy next to the content folder: same disk, so the swap is a rename */
    char parent[PATH_MAX], tmp[PATH_MAX], prev[PATH_MAX];
    const char *slash = strrchr(dest, '/');
    const char *base = slash ? slash + 1 : dest;
    if (slash == dest)
        snprintf(parent, sizeof parent, "/");
    else if (slash)
        snprintf(parent, sizeof parent, "%.*s", (int)(slash - dest), dest);
    else
        snprintf(parent, sizeof parent, ".");
    if (!*base || snprintf(tmp, sizeof tmp, "%s/.%s.new-XXXXXX", parent, base) >= (int)sizeof tmp ||
        snprintf(prev, sizeof prev, "%s.previous", dest) >= (int)sizeof prev) {
        snprintf(msg, size, "content folder path too long: %s", dest);
        return MF_ERANGE;
    }
    if (!mkdtemp(tmp)) {
        snprintf(msg, size, "cannot write in %s: %s", parent, strerror(errno));
        return errno_rc(errno);
    }
    chmod(tmp, 0755);
    rc = copy_tree(src, tmp, 0, io, msg, size);
    /* 3. the copy, checked again: a stick pulled out shows here too */
    if (rc == MF_OK)
        rc = check_pack(tmp, msg, size);
    if (rc != MF_OK) {
        remove_tree(tmp, 0);
        return rc;
    }
    /* 4. the swap: the old pack becomes the fallback, the copy the pack */
    bool had = stat(dest, &sb) == 0;
    if (had) {
        remove_tree(prev, 0);
        if (rename(dest, prev) != 0) {
            snprintf(msg, size, "cannot move %s aside: %s", dest, strerror(errno));
            remove_tree(tmp, 0);
            return MF_EIO;
        }
    }
    if (rename(tmp, dest) != 0) {
        snprintf(msg, size, "cannot put the new pack in %s: %s", dest, strerror(errno));
        if (had)
            rename(prev, dest);
        remove_tree(tmp, 0);
        return MF_EIO;
    }
    sync_dir(parent);
    if (had)
        snprintf(msg, size, "%s (the previous pack kept in %s)", dest, prev);
    else
        snprintf(msg, size, "%s", dest);
    return MF_OK;
}

int staff_pack_install_hook(void *ctx, const char *src, char *msg, size_t size)
{
    return staff_pack_install(src, kiosk_pack_dir(ctx), NULL, msg, size);
}

int staff_pack_reload(void *ctx, kiosk_t *k, const char *dir, int64_t now, char *msg, size_t size)
{
    (void)now;
    msg[0] = '\0';
    kiosk_pack_t *kp = ctx;
    char installed[STAFF_PACK_MSG];
    installed[0] = '\0';
    if (dir) {
        int rc = staff_pack_install(dir, kiosk_pack_dir(kp), NULL, msg, size);
        if (rc != MF_OK)
            return rc;
        snprintf(installed, sizeof installed, "%s", msg);
    }
    int rc = kiosk_pack_load(kp);
    if (rc != MF_OK) {
        first_problem(kp, msg, size);
        return rc;
    }
    int count = 0;
    const kiosk_station_t *st = kiosk_pack_stations(kp, &count);
    kiosk_set_text(k, kiosk_pack_text, kp);
    kiosk_set_stations(k, st, count);
    snprintf(msg, size, "%s", installed);
    return MF_OK;
}
