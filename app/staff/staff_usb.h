/*
 * staff_usb.h - the USB stick the organiser exports to (app/staff).
 *
 * Detection: a mounted removable drive, found in the mount table
 * (/proc/mounts) whose block device says removable=1 in sysfs
 * (/sys/block/DEV/removable, DEV being the disk of the partition). Both roots
 * are parameters so tests bring their own.
 *
 * Copy: nothing half-written. The file goes to a hidden temporary name on the
 * stick, is synced, then renamed to its name and the folder synced; a full
 * stick or a stick pulled out during the copy leaves no file of that name,
 * and the error says which. The few calls that touch the stick go through a
 * table (staff_usb_io_t) so tests make them fail on the Nth call.
 */
#ifndef MF_STAFF_USB_H
#define MF_STAFF_USB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define STAFF_USB_MAX 8

typedef struct {
    char mount[512];  /* where it is mounted */
    char device[128]; /* /dev/sdb1 */
    char label[64];   /* the mount point's last part ("KINGSTON"), for the screen */
    uint64_t free_bytes, total_bytes;
} staff_usb_drive_t;

/* Fills OUT with up to MAX mounted removable drives. MOUNTS is the mount
 * table's path (NULL: /proc/mounts), SYS_BLOCK sysfs's block folder (NULL:
 * /sys/block). Returns how many, or a negative MF_E* when the table cannot
 * be read. */
int staff_usb_find(const char *mounts, const char *sys_block, staff_usb_drive_t *out, int max);

/* The calls a copy makes on the stick's side (a fault seam for tests). */
typedef struct {
    ssize_t (*write)(void *ctx, int fd, const void *buf, size_t n);
    int (*fsync)(void *ctx, int fd);
    void *ctx;
} staff_usb_io_t;

/* The real calls (write, fsync), for IO NULL here and in staff_pack. */
const staff_usb_io_t *staff_usb_real_io(void);

/* Copies the file SRC to DIR/NAME, whole or not at all. IO may be NULL (the
 * real calls). 0, or: MF_ENOSPC when the stick is full, MF_ENOENT when DIR
 * is not there (no stick, or it was pulled out), MF_EIO for another failure
 * of the stick, MF_EINVAL when SRC cannot be read. */
int staff_usb_copy(const char *src, const char *dir, const char *name, const staff_usb_io_t *io);

/* The strings.yaml key of a copy's result ("staff.usb.full"...). */
const char *staff_usb_result_key(int rc);

#endif
