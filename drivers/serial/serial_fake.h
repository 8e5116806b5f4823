/*
 * serial_fake.h - an in-process serial peer for unit tests (drivers/serial).
 *
 * The fake implements serial_ops_t. What the host (the driver under test)
 * writes is handed to a PEER callback, which plays the device (a mini GRBL, a
 * scanner) and answers with serial_fake_push. Fault seams:
 *   - serial_fake_disconnect_after: the Nth read/write call and every later
 *     one fails with MF_ECLOSED (a USB cable pulled);
 *   - serial_fake_stall: the next N reads time out even if bytes are waiting;
 *   - serial_fake_write_limit: writes accept at most N bytes per call and
 *     then report MF_ETIMEDOUT (a partial frame);
 *   - garbage and partial lines: the test pushes whatever bytes it wants.
 * The fake outlives the port: serial_close on the port only marks it closed;
 * the test destroys the fake. Thread-safe: the driver's I/O thread reads and
 * writes while the test thread pushes.
 */
#ifndef MF_SERIAL_FAKE_H
#define MF_SERIAL_FAKE_H

#include "serial.h"

#include <stdbool.h>

typedef struct serial_fake serial_fake_t;

/* Called (without the fake's lock held) with every chunk the host writes. */
typedef void (*serial_fake_peer_fn)(void *user, serial_fake_t *fake, const unsigned char *data,
                                    size_t len);
/* Called at the start of every host read: the peer's chance to act in time
 * (acknowledge a line, send a status report). May be NULL. */
typedef void (*serial_fake_tick_fn)(void *user, serial_fake_t *fake);

serial_fake_t *serial_fake_create(serial_fake_peer_fn peer, serial_fake_tick_fn tick, void *user);
void serial_fake_destroy(serial_fake_t *fake);

/* A port over the fake (one at a time). NULL if one is already open. */
serial_port_t *serial_fake_open(serial_fake_t *fake);

/* Device -> host bytes. */
void serial_fake_push(serial_fake_t *fake, const void *data, size_t len);
void serial_fake_push_str(serial_fake_t *fake, const char *text);

void serial_fake_disconnect_after(serial_fake_t *fake, int nth_call);
void serial_fake_stall(serial_fake_t *fake, int reads);
void serial_fake_write_limit(serial_fake_t *fake, size_t max_bytes_per_call);
/* Clears the disconnection (the cable is back). */
void serial_fake_reconnect(serial_fake_t *fake);

/* Everything the host wrote so far (copied, NUL-terminated, cut at CAP-1).
 * Returns the total length written. */
size_t serial_fake_written(serial_fake_t *fake, char *out, size_t cap);
bool serial_fake_is_open(serial_fake_t *fake);
int serial_fake_calls(serial_fake_t *fake);

#endif
