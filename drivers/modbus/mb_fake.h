/*
 * mb_fake.h - an in-process Modbus server for unit tests (drivers/modbus).
 *
 * One fake holds the four tables (MB_FAKE_SIZE entries each) and can serve
 * several links at once (two kiosks on one PLC). A device model plugs in
 * through a write hook that may refuse a write with a Modbus exception and
 * react after it is applied (a PLC answering its mailboxes). Fault seams:
 *   - mb_fake_fail_next: the next N calls fail with a chosen error (timeout,
 *     CRC error, exception N, partial frame = MF_EPROTO);
 *   - mb_fake_disconnect_after: the Nth call and all later ones fail with
 *     MF_ECLOSED and connect is refused, until mb_fake_set_online(1);
 *   - mb_fake_set_online(0): the device is gone (connect refused).
 * Thread-safe: drivers call it from their I/O threads.
 */
#ifndef MF_MB_FAKE_H
#define MF_MB_FAKE_H

#include "mb_link.h"

#include <stdbool.h>

#define MB_FAKE_SIZE 512

typedef struct mb_fake mb_fake_t;

typedef enum { MB_FAKE_BEFORE_WRITE, MB_FAKE_AFTER_WRITE } mb_fake_phase_t;

/* Called with the fake's lock held. BEFORE: return 0 to let the write
 * happen, or a Modbus exception code (1..11) to refuse it. AFTER: the write
 * is applied; the model may change any table with mb_fake_table. LINK_ID
 * tells which link wrote (the order mb_fake_link was called, from 0). */
typedef int (*mb_fake_hook_fn)(void *user, mb_fake_t *fake, mb_fake_phase_t phase, int link_id,
                               mb_table_t table, int addr, int n);

mb_fake_t *mb_fake_create(mb_fake_hook_fn hook, void *user);
void mb_fake_destroy(mb_fake_t *fake);

/* A link to the fake; deinit it with mb_link_deinit before destroying the fake. */
int mb_fake_link(mb_fake_t *fake, mb_link_t *link);

/* Direct access to a table (bits are stored one per uint16_t). Hold the
 * lock around it except inside the hook. */
uint16_t *mb_fake_table(mb_fake_t *fake, mb_table_t table);
void mb_fake_lock(mb_fake_t *fake);
void mb_fake_unlock(mb_fake_t *fake);

/* Faults. ERR is MF_ETIMEDOUT, MF_ECRC, MF_EPROTO or MF_EREFUSED (then
 * EXCEPTION is the Modbus exception code). */
void mb_fake_fail_next(mb_fake_t *fake, int calls, int err, int exception);
void mb_fake_disconnect_after(mb_fake_t *fake, int nth_call);
void mb_fake_set_online(mb_fake_t *fake, bool online);
/* Each call sleeps this long first (a slow device), 0 = none. */
void mb_fake_set_delay_ms(mb_fake_t *fake, int ms);

int mb_fake_calls(mb_fake_t *fake);      /* read/write calls so far */
int mb_fake_connects(mb_fake_t *fake);   /* successful connects so far */
int mb_fake_open_links(mb_fake_t *fake); /* links connected right now */

#endif
