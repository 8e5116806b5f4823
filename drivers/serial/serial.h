/*
 * serial.h - one byte-stream interface for every serial device of the truck
 * (drivers/serial): the GRBL engraver and the ticket scanner use it.
 *
 * A port is a small table of operations plus a context (like libmodbus's
 * backends). Three implementations fill the table:
 *   - libserialport, for real (USB) serial ports: open by path or find by USB
 *     vendor:product[:serial]; the only one that can list ports;
 *   - termios, for pseudo-terminals and plain tty paths (libserialport refuses
 *     those, and firmware-sim plays its devices on pseudo-terminals);
 *   - the in-process fake of serial_fake.h, for unit tests with fault seams.
 * The implementation is chosen once, in serial_open, from the address string
 * (syntax in drivers/README.md):
 *   /dev/ttyUSB0[@BAUD]        a path: termios if it is (or links to) a
 *                              pseudo-terminal, libserialport otherwise
 *   tty:PATH[@BAUD]            force termios
 *   sp:PATH[@BAUD]             force libserialport
 *   usb:VID:PID[:SERIAL][@BAUD] first USB port with these ids (hex)
 * Every port is opened exclusively (an advisory flock(2) on the device plus
 * TIOCEXCL on real ports): a second program, or a second driver in this one, that opens
 * a port already held fails at once with "busy, held by NAME (pid N)" in
 * WHY instead of talking over the first one (and resetting its GRBL).
 * This header includes no libserialport header: handles are opaque.
 */
#ifndef MF_SERIAL_H
#define MF_SERIAL_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *kind; /* "libserialport", "termios", "fake" */
    /* Reads up to CAP bytes, waiting at most TIMEOUT_MS for the first one.
     * Returns the number read (0 on timeout) or a negative mf_error code. */
    int (*read)(void *ctx, void *buf, size_t cap, int timeout_ms);
    /* Writes all LEN bytes within TIMEOUT_MS. Returns 0 or a negative code
     * (MF_ETIMEDOUT when only part could be written). */
    int (*write)(void *ctx, const void *buf, size_t len, int timeout_ms);
    /* Drops bytes received but not read yet. */
    int (*flush_input)(void *ctx);
    void (*close)(void *ctx);
} serial_ops_t;

typedef struct serial_port serial_port_t;

#define SERIAL_DEFAULT_BAUD 115200

/* Opens ADDRESS (see above); DEFAULT_BAUD applies when it has no @BAUD.
 * 8N1, no flow control, exclusive. NULL on failure, with a one-line reason
 * in WHY ("no such serial port", "busy, held by minifab (pid 123)"...). */
serial_port_t *serial_open(const char *address, int default_baud, char *why, size_t why_len);

/* Same, and the reason as a code in *ERR (when not NULL): MF_ENOENT (no such
 * port), MF_EPORTBUSY (held by another program), MF_EINVAL (bad address),
 * another negative code otherwise; 0 on success. */
serial_port_t *serial_open_ex(const char *address, int default_baud, char *why, size_t why_len,
                              int *err);

/* Who holds the device at PATH open, from /proc/PID/fd (this process left
 * out): "minifab (pid 1234)" into OUT. Returns the pid, or 0 when nobody
 * visible does (another user's process, or no /proc). */
int serial_port_holder(const char *path, char *out, size_t cap);

/* Wraps an ops table and its context (used by the fake). Takes ownership of
 * CTX: serial_close calls ops->close(ctx). NULL on allocation failure. */
serial_port_t *serial_wrap(const serial_ops_t *ops, void *ctx, const char *name);

void serial_close(serial_port_t *port);

int serial_read(serial_port_t *port, void *buf, size_t cap, int timeout_ms);
int serial_write(serial_port_t *port, const void *buf, size_t len, int timeout_ms);
int serial_flush_input(serial_port_t *port);
const char *serial_kind(const serial_port_t *port);
const char *serial_name(const serial_port_t *port);

/* Reads one line (ending in \n; \r dropped) into LINE, NUL-terminated, using
 * BUF/BUF_LEN/BUF_USED as a carry-over buffer owned by the caller. Returns the
 * line length (empty lines are skipped), 0 when no complete line arrived
 * within TIMEOUT_MS, or a negative code. Lines longer than the carry-over
 * buffer come out in pieces; LINE is cut at LINE_CAP-1. */
typedef struct {
    char data[512];
    size_t used;
} serial_linebuf_t;
int serial_read_line(serial_port_t *port, serial_linebuf_t *lb, char *line, size_t line_cap,
                     int timeout_ms);

/* Takes one complete line (possibly empty) out of LB if there is one, without
 * I/O. Returns 1 when a line was taken, 0 when none is complete. */
int serial_linebuf_take(serial_linebuf_t *lb, char *line, size_t line_cap);

/* A parsed address. */
typedef enum {
    SERIAL_ADDR_AUTO,
    SERIAL_ADDR_TERMIOS,
    SERIAL_ADDR_SP,
    SERIAL_ADDR_USB
} serial_addr_kind_t;
typedef struct {
    serial_addr_kind_t kind;
    char path[256];      /* AUTO, TERMIOS, SP */
    uint16_t vid, pid;   /* USB */
    char usb_serial[64]; /* USB, "" = any */
    int baud;            /* 0 when the address has none */
} serial_addr_t;

/* Parses ADDRESS. Returns 0 or MF_EINVAL. Pure: no I/O. */
int serial_addr_parse(const char *address, serial_addr_t *out);

/* One serial port of the machine, as listed by libserialport. */
typedef struct {
    char name[128];
    char description[128];
    int is_usb;
    uint16_t vid, pid;
    char usb_serial[64];
    char manufacturer[64];
    char product[64];
} serial_port_info_t;

/* Lists the ports into OUT (up to CAP). Returns the count or a negative code. */
int serial_list_ports(serial_port_info_t *out, int cap);

/* Resolves a usb: address to a device path. Returns 0 or MF_ENOENT. */
int serial_find_usb(uint16_t vid, uint16_t pid, const char *usb_serial, char *path,
                    size_t path_len);

#endif
