/*
 * staff_pack.h - the organiser's "reload the content pack" (app/staff): the
 * kiosk's own folder is loaded and validated first and replaces the pack in
 * use only when valid; a pack on the USB stick is validated and its
 * problems reported (installing it is not done here: the pack in use stays).
 */
#ifndef MF_STAFF_PACK_H
#define MF_STAFF_PACK_H

#include "kiosk.h"

#include <stddef.h>
#include <stdint.h>

/* A staff_hooks_t reload (staff_edge.h) over CTX, the kiosk_pack_t in use.
 * DIR NULL: reload the kiosk's own folder. 0, MF_ECONTENT (the first
 * problems in MSG, the old pack stays), MF_ENOENT (no pack there) or
 * MF_EUNSUPPORTED (a valid pack on the stick, not installed). */
int staff_pack_reload(void *ctx, kiosk_t *k, const char *dir, int64_t now, char *msg, size_t size);

#endif
