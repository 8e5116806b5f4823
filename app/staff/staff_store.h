/*
 * staff_store.h - the staff PINs and the lockout, on disk (app/staff).
 *
 * PINs are kept only as Argon2id hashes (libsodium's crypto_pwhash_str, which
 * salts and encodes the parameters with the hash) in DATA_DIR/staff-pins, one
 * "role hash" line per role; the lockout's counters (app/core/staff.h) in
 * DATA_DIR/staff-lockout, so that restarting the kiosk does not forgive
 * wrong PINs. Both files are written whole to a temporary file, synced and
 * renamed, with mode 0600.
 *
 * Checking a PIN costs an Argon2id hash per role (tens to hundreds of
 * milliseconds by design): call staff_store_check off the UI thread.
 */
#ifndef MF_STAFF_STORE_H
#define MF_STAFF_STORE_H

#include "staff.h"

#include <stdbool.h>
#include <stdint.h>

#define STAFF_PIN_FILE "staff-pins"
#define STAFF_LOCKOUT_FILE "staff-lockout"

typedef struct staff_store staff_store_t;

/* A store in DATA_DIR (created when missing, mode 0700). NULL on no memory or
 * when the directory cannot be created. */
staff_store_t *staff_store_create(const char *data_dir);
void staff_store_destroy(staff_store_t *st);

/* Sets ROLE's PIN (4 to 12 digits). MF_EINVAL for a bad PIN or role,
 * MF_EEXPECT when PIN is already the other role's PIN (a PIN must say who
 * logs in), MF_EIO when the file cannot be written. */
int staff_store_set_pin(staff_store_t *st, staff_role_t role, const char *pin);

/* Whether ROLE has a PIN (STAFF_ROLE_NONE: whether any role has one). */
bool staff_store_has_pin(staff_store_t *st, staff_role_t role);

/* Checks PIN at wall-clock NOW_MS and records the try in the lockout.
 * 0 with *ROLE set when it is a role's PIN; MF_EPERM when wrong (and
 * *LOCKED_MS > 0 when this try started a lockout); MF_ELOCKED when the pad is
 * locked (*LOCKED_MS = what is left); MF_ENOENT when no PIN is set at all. */
int staff_store_check(staff_store_t *st, const char *pin, int64_t now_ms, staff_role_t *role,
                      int64_t *locked_ms);

/* The lockout as on disk (a missing or unreadable file: no lockout). */
void staff_store_lockout(staff_store_t *st, staff_lockout_t *out);

/* Writes DATA to PATH whole: a temporary file beside it (mode MODE), fsync,
 * rename, fsync of the folder. Used for the PIN and lockout files. */
int staff_write_file_atomic(const char *path, const void *data, size_t size, unsigned mode);

#endif
