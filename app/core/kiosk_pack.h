/*
 * kiosk_pack.h - the content pack as the kiosk uses it: loaded at start,
 * reloaded on demand (F5, SIGHUP), and only ever replaced by a valid pack.
 *
 * When the pack is broken the kiosk shows the staff-facing problem screen
 * with the validator's first messages (the same as `minifab content check`);
 * when a reload fails while a good pack is in use, the good pack stays.
 */
#ifndef MF_KIOSK_PACK_H
#define MF_KIOSK_PACK_H

#include "content.h"
#include "kiosk.h"

#include <stdbool.h>

typedef struct kiosk_pack kiosk_pack_t;

/* Remembers DIR (copied); loads nothing yet. NULL on no memory. */
kiosk_pack_t *kiosk_pack_create(const char *dir);
void kiosk_pack_destroy(kiosk_pack_t *kp);

/* Loads the pack. On failure the current pack (if any) stays and the first
 * messages are kept for kiosk_pack_problem(); every message is logged.
 * Returns 0 or MF_ECONTENT. */
int kiosk_pack_load(kiosk_pack_t *kp);

bool kiosk_pack_valid(const kiosk_pack_t *kp);
/* The folder it loads from (as given to kiosk_pack_create). */
const char *kiosk_pack_dir(const kiosk_pack_t *kp);
/* The pack in use, or NULL when none was ever valid. */
const content_pack_t *kiosk_pack_content(const kiosk_pack_t *kp);
/* The first problems of the last failed load, one a line ("" if none). */
const char *kiosk_pack_problem(const kiosk_pack_t *kp);
/* The stations for the home screen (line order, then exhibits). */
const kiosk_station_t *kiosk_pack_stations(const kiosk_pack_t *kp, int *count);

/* A kiosk_text_fn over the pack in use (CTX is the kiosk_pack_t). */
const char *kiosk_pack_text(void *ctx, const char *lang, const char *key);

/* The reload action (an app_reload_fn): a valid pack replaces the one in
 * use (kiosk_set_pack, texts, stations) when nobody is at the kiosk, else
 * when the visit ends (idle, "I'm done", staff): a visitor in mid-visit is
 * never sent back to the attract screen nor sees texts change under their
 * finger. A broken one is refused, and shown on the problem screen only
 * when there is no good pack to keep. */
void kiosk_pack_reload(void *ctx, kiosk_t *kiosk, int64_t now);
/* True while a reloaded pack waits for the visit to end. */
bool kiosk_pack_pending(const kiosk_pack_t *kp);

#endif
