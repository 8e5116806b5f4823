/*
 * staff_pack.h - the organiser's "reload the content pack" (app/staff): from
 * the kiosk's own folder, or installed from the USB stick.
 *
 * The kiosk's own folder is loaded and validated first and replaces the pack
 * in use only when valid. A pack on the stick is installed safely before
 * that: validated where it is, copied to a temporary folder next to the
 * kiosk's content folder (same disk, so the swap is a rename), the copy
 * validated again (a stick pulled out or a full disk shows here), then the
 * content folder renamed to CONTENT.previous (the fallback, replacing the one
 * before) and the copy renamed to CONTENT. On any problem nothing of the
 * kiosk's content changes and the temporary folder is removed.
 */
#ifndef MF_STAFF_PACK_H
#define MF_STAFF_PACK_H

#include "kiosk.h"
#include "staff_usb.h"

#include <stddef.h>
#include <stdint.h>

/* A staff_hooks_t reload (staff_edge.h) over CTX, the kiosk_pack_t in use.
 * DIR NULL: reload the kiosk's own folder; else install the pack in DIR (the
 * stick's) into the kiosk's folder first (staff_pack_install), then reload.
 * 0 (MSG says what is in place), MF_ECONTENT (the first problem in MSG, the
 * old pack stays), MF_ENOENT (no pack there), or an install's error. */
int staff_pack_reload(void *ctx, kiosk_t *k, const char *dir, int64_t now, char *msg, size_t size);

/* Installs the valid pack in SRC as the folder DEST (which may not exist
 * yet), keeping the old DEST as DEST.previous. IO is the copy's fault seam
 * (NULL: the real calls; its write and fsync are used for every file
 * written). 0; MF_ENOENT (no folder SRC); MF_ECONTENT (SRC, or its copy, not
 * a valid pack: the first problem in MSG); MF_ENOSPC (the kiosk's disk is
 * full); MF_EIO (a file could not be read or written, MSG says which). On an
 * error DEST is as it was. */
int staff_pack_install(const char *src, const char *dest, const staff_usb_io_t *io, char *msg,
                       size_t size);

/* A staff_hooks_t install over CTX, the kiosk_pack_t in use: installs SRC
 * into its folder (staff_pack_install, real calls). Thread-safe: reads only
 * the folder's name. */
int staff_pack_install_hook(void *ctx, const char *src, char *msg, size_t size);

#endif
