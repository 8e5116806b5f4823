/*
 * devices.h - the kiosk's four devices, in one place (app/platform): the line
 * PLC (drivers/line, Modbus TCP), the remote I/O module (drivers/io, Modbus
 * RTU), the laser engraver (drivers/engraver, GRBL) and the ticket scanner
 * (drivers/scanner). Each is optional.
 *
 * devices_create() first checks every configured address, and refuses one
 * that cannot be right (a PLC URI that does not parse or whose host name does
 * not resolve; a serial path that does not exist, or is a file, a directory
 * or a device other than a terminal, such as /dev/null) with a message that
 * names the device, the address and what is wrong: `minifab run` then exits
 * non-zero. A device that is right but absent or unplugged is not an error:
 * its driver keeps retrying on its own thread and the log says why.
 *
 * devices_tick() (the main loop, every frame) reads each driver's snapshot
 * and logs its state changes with the reason ("line: PLC not answering at
 * tcp://...: connection refused, retrying"). devices_summary() gives the
 * staff console one line per device: address, connected, state, last error.
 *
 * The drivers are reached through the accessors (NULL when not configured);
 * their handles stay owned by this module. Events: each driver has one
 * event queue and one reader. Until a reader announces itself with
 * devices_claim_events(), devices_tick() empties that queue (a queue nobody
 * reads would fill and warn); after it, the queue is the claimer's alone.
 */
#ifndef MF_DEVICES_H
#define MF_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

struct line_drv;    /* drivers/line/line_drv.h */
struct io_drv;      /* drivers/io/io_drv.h */
struct grbl_drv;    /* drivers/engraver/grbl_drv.h */
struct scanner_drv; /* drivers/scanner/scanner_drv.h */

typedef enum {
    DEVICE_LINE = 0, /* the line PLC */
    DEVICE_IO,       /* the remote I/O module: stack light, start, emergency stop */
    DEVICE_ENGRAVER, /* the GRBL laser engraver */
    DEVICE_SCANNER,  /* the ticket scanner */
    DEVICE_COUNT
} device_kind_t;

/* The addresses (NULL or "" = not configured; syntax in drivers/README.md)
 * and the few settings the drivers take from the kiosk's configuration. */
typedef struct {
    const char *address[DEVICE_COUNT];
    int line_poll_ms;   /* 0 = the line driver's default */
    bool engraver_home; /* home ($H) at start instead of unlocking ($X) */
} devices_config_t;

typedef struct devices devices_t;

/* Checks every configured address, then starts each configured driver.
 * NULL when an address cannot be right or a driver cannot start, with one
 * line in WHY saying which device, which address and what is wrong. */
devices_t *devices_create(const devices_config_t *cfg, char *why, size_t why_len);
/* Stops every driver (each bounded by its own timeout) and frees. NULL is fine. */
void devices_destroy(devices_t *d);

/* The drivers, NULL when not configured (or D is NULL). Owned by D. */
struct line_drv *devices_line(devices_t *d);
struct io_drv *devices_io(devices_t *d);
struct grbl_drv *devices_engraver(devices_t *d);
struct scanner_drv *devices_scanner(devices_t *d);

/* From now on the caller reads KIND's events itself; devices_tick leaves
 * that queue alone. */
void devices_claim_events(devices_t *d, device_kind_t kind);

/* Reads each driver's snapshot, logs what changed (at NOW_MS, the kiosk's
 * clock), empties the event queues nobody claimed. Never blocks on I/O. */
void devices_tick(devices_t *d, long long now_ms);

/* What the staff console shows for one device, as of the last devices_tick. */
typedef struct {
    const char *name;     /* "line", "io", "engraver", "scanner" */
    bool configured;      /* an address was given */
    char address[256];    /* as configured */
    bool connected;       /* talking to the device (and its data is fresh) */
    char state[48];       /* "connected", "not answering", "ready", "alarm"... */
    char last_error[128]; /* why it is not connected or what went wrong last, "" = none */
    long long since_ms;   /* when STATE began (devices_tick's clock), 0 = at start */
    /* The last good message (devices_tick's clock, 0 = never): the line and
     * the I/O module, their driver's last complete read; the engraver, the
     * last tick it was online (its driver asks GRBL for a status report every
     * status period and goes offline after silence_ms without an answer);
     * the scanner, when its port opened or it last sent a code. */
    long long last_good_ms;
    /* Errors since the kiosk started: each loss of the link (seen by
     * devices_tick, or by the driver's own count of reconnections when the
     * loss was too short for a tick to see), each engraver alarm, each
     * unreadable scan; a reconnect staff asked for is not one. */
    unsigned errors;
    unsigned connects; /* times it became connected (a finished reconnect adds one) */
} device_summary_t;

/* Asks KIND's driver to close its link and open it again now (staff's
 * "reconnect"). Never blocks: each driver does it on its own thread; the
 * summary's connects grows by one once it is back. 0; MF_ENOENT when KIND is
 * not configured; MF_EBUSY for the engraver while it engraves (a job would
 * fail). */
int devices_reconnect(devices_t *d, device_kind_t kind);

/* Fills OUT for KIND (not configured: configured false, state "not configured"). */
void devices_summary(devices_t *d, device_kind_t kind, device_summary_t *out);

const char *devices_kind_name(device_kind_t kind);

/* The check devices_create makes of one address, without starting anything.
 * 0, or MF_EINVAL / MF_ENOENT / MF_ENONAME with the reason in WHY. Serial
 * addresses are judged by their path only: nothing is opened (opening a USB
 * serial port resets many controllers). */
int devices_check_address(device_kind_t kind, const char *address, char *why, size_t why_len);

#endif
