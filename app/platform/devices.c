/*
 * devices.c - the kiosk's four device drivers, checked, started, watched and
 * stopped in one place (see devices.h). The only file of the kiosk that
 * creates drivers; the loop and the screens reach them through accessors.
 */
#include "devices.h"

#include "drv_queue.h"

#include "grbl_drv.h"
#include "io_drv.h"
#include "line_drv.h"
#include "mb_link.h"
#include "mf_error.h"
#include "mf_log.h"
#include "scanner_drv.h"
#include "serial.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#define DEVICES_LOG "devices"

struct devices {
    line_drv_t *line;
    io_drv_t *io;
    grbl_drv_t *engraver;
    scanner_drv_t *scanner;
    bool claimed[DEVICE_COUNT];
    device_summary_t sum[DEVICE_COUNT];
    line_snapshot_t *line_snap; /* scratch: the line's snapshot is large */
    bool asked[DEVICE_COUNT];   /* a reconnect staff asked for: its loss is no error */
    int losses[DEVICE_COUNT];   /* links lost (asked or not) since start */
    int scans_seen;             /* the scanner's codes read, last seen */
    int invalid_seen;           /* ...of which unreadable */
    bool in_alarm;              /* the engraver was in alarm at the last tick */
};

static const char *const device_names[DEVICE_COUNT] = {"line", "io", "engraver", "scanner"};

const char *devices_kind_name(device_kind_t kind)
{
    return kind < DEVICE_COUNT ? device_names[kind] : "?";
}

/* ---- Addresses that cannot be right ------------------------------------ */

static int check_plc(const char *address, char *why, size_t why_len)
{
    char host[256];
    int port = 0;
    if (mb_parse_tcp_uri(address, host, (int)sizeof host, &port, 502) != 0) {
        snprintf(why, why_len,
                 "'%s' is not a PLC address (expected tcp://HOST[:PORT] or HOST[:PORT], "
                 "port 1 to 65535)",
                 address);
        return MF_EINVAL;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (res)
        freeaddrinfo(res);
    if (rc == EAI_NONAME || rc == EAI_FAIL
#ifdef EAI_NODATA
        || rc == EAI_NODATA
#endif
    ) {
        snprintf(why, why_len, "'%s': name not resolved (no host '%.100s' is known)", address,
                 host);
        return MF_ENONAME;
    }
    if (rc != 0) /* EAI_AGAIN: the name server does not answer now; the driver retries */
        mf_log_warn(DEVICES_LOG, "line: cannot resolve '%s' now (%s); will keep trying", host,
                    gai_strerror(rc));
    return MF_OK;
}

static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISREG(mode))
        return "a regular file";
    if (S_ISFIFO(mode))
        return "a named pipe (FIFO)";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISBLK(mode))
        return "a block device (a disk)";
    return "not a device";
}

/* A character device is a serial port when the kernel files it under the
 * tty class (/sys/dev/char/MAJOR:MINOR/subsystem). Without that entry
 * (pseudo-terminals, no sysfs) it is given the benefit of the doubt. */
static bool chardev_class(dev_t rdev, char *cls, size_t cls_len)
{
    char sys[96], link[256];
    snprintf(sys, sizeof sys, "/sys/dev/char/%u:%u/subsystem", major(rdev), minor(rdev));
    ssize_t n = readlink(sys, link, sizeof link - 1);
    if (n <= 0)
        return false;
    link[n] = '\0';
    const char *base = strrchr(link, '/');
    const char *name = base ? base + 1 : link;
    size_t len = strnlen(name, cls_len - 1); /* a class name is a short word */
    memcpy(cls, name, len);
    cls[len] = '\0';
    return true;
}

static int check_serial(const char *address, char *why, size_t why_len)
{
    serial_addr_t a;
    if (serial_addr_parse(address, &a) != 0) {
        snprintf(why, why_len,
                 "'%s' is not a serial address (expected PATH, tty:PATH, sp:PATH or "
                 "usb:VID:PID[:SERIAL], each with an optional @BAUD)",
                 address);
        return MF_EINVAL;
    }
    if (a.kind == SERIAL_ADDR_USB)
        return MF_OK; /* found by its ids when plugged in: absent now is not wrong */
    struct stat st;
    if (stat(a.path, &st) != 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            snprintf(why, why_len, "'%s' does not exist (no such serial port)", a.path);
        else if (e == ELOOP)
            snprintf(why, why_len, "'%s' is a loop of symbolic links", a.path);
        else
            snprintf(why, why_len, "'%s': %s", a.path, strerror(e));
        return MF_ENOENT;
    }
    if (!S_ISCHR(st.st_mode)) {
        snprintf(why, why_len, "'%s' is %s, not a serial port", a.path, file_kind(st.st_mode));
        return MF_EINVAL;
    }
    char cls[64];
    if (chardev_class(st.st_rdev, cls, sizeof cls) && strcmp(cls, "tty") != 0) {
        snprintf(why, why_len, "'%s' is a %s device, not a serial port", a.path, cls);
        return MF_EINVAL;
    }
    return MF_OK;
}

int devices_check_address(device_kind_t kind, const char *address, char *why, size_t why_len)
{
    if (!address || !*address) {
        snprintf(why, why_len, "empty address");
        return MF_EINVAL;
    }
    return kind == DEVICE_LINE ? check_plc(address, why, why_len)
                               : check_serial(address, why, why_len);
}

/* ---- Start and stop ----------------------------------------------------- */

static bool configured(const devices_config_t *cfg, device_kind_t k)
{
    return cfg->address[k] && cfg->address[k][0];
}

devices_t *devices_create(const devices_config_t *cfg, char *why, size_t why_len)
{
    char reason[384];
    for (int k = 0; k < DEVICE_COUNT; k++) {
        if (configured(cfg, (device_kind_t)k) &&
            devices_check_address((device_kind_t)k, cfg->address[k], reason, sizeof reason) !=
                MF_OK) {
            snprintf(why, why_len, "%s: %s", device_names[k], reason);
            return NULL;
        }
    }
    devices_t *d = calloc(1, sizeof *d);
    if (!d || !(d->line_snap = calloc(1, sizeof *d->line_snap))) {
        snprintf(why, why_len, "out of memory");
        goto fail;
    }
    for (int k = 0; k < DEVICE_COUNT; k++) {
        device_summary_t *s = &d->sum[k];
        s->name = device_names[k];
        s->configured = configured(cfg, (device_kind_t)k);
        snprintf(s->address, sizeof s->address, "%s", s->configured ? cfg->address[k] : "");
        snprintf(s->state, sizeof s->state, "%s", s->configured ? "starting" : "not configured");
    }
    if (d->sum[DEVICE_LINE].configured) {
        line_drv_opts_t lo;
        line_drv_opts_default(&lo);
        if (cfg->line_poll_ms > 0)
            lo.poll_ms = cfg->line_poll_ms;
        d->line = line_drv_create(cfg->address[DEVICE_LINE], &lo);
    }
    if (d->sum[DEVICE_IO].configured) {
        io_drv_opts_t io;
        io_drv_opts_default(&io);
        d->io = io_drv_create(cfg->address[DEVICE_IO], &io);
    }
    if (d->sum[DEVICE_ENGRAVER].configured) {
        grbl_opts_t go;
        grbl_opts_default(&go);
        go.home_on_start = cfg->engraver_home;
        d->engraver = grbl_drv_create(cfg->address[DEVICE_ENGRAVER], &go);
    }
    if (d->sum[DEVICE_SCANNER].configured) {
        scanner_opts_t so;
        scanner_opts_default(&so);
        d->scanner = scanner_drv_create(cfg->address[DEVICE_SCANNER], &so);
    }
    const void *drv[DEVICE_COUNT] = {d->line, d->io, d->engraver, d->scanner};
    for (int k = 0; k < DEVICE_COUNT; k++) {
        if (d->sum[k].configured && !drv[k]) {
            snprintf(why, why_len, "%s: the driver cannot use '%s'", device_names[k],
                     cfg->address[k]);
            goto fail;
        }
        if (d->sum[k].configured)
            mf_log_info(DEVICES_LOG, "%s: %s", device_names[k], cfg->address[k]);
        else
            mf_log_info(DEVICES_LOG, "%s: not configured", device_names[k]);
    }
    return d;
fail:
    devices_destroy(d);
    return NULL;
}

void devices_destroy(devices_t *d)
{
    if (!d)
        return;
    scanner_drv_destroy(d->scanner);
    grbl_drv_destroy(d->engraver);
    io_drv_destroy(d->io);
    line_drv_destroy(d->line);
    free(d->line_snap);
    free(d);
}

struct line_drv *devices_line(devices_t *d)
{
    return d ? d->line : NULL;
}

struct io_drv *devices_io(devices_t *d)
{
    return d ? d->io : NULL;
}

struct grbl_drv *devices_engraver(devices_t *d)
{
    return d ? d->engraver : NULL;
}

struct scanner_drv *devices_scanner(devices_t *d)
{
    return d ? d->scanner : NULL;
}

void devices_claim_events(devices_t *d, device_kind_t kind)
{
    if (d && kind < DEVICE_COUNT)
        d->claimed[kind] = true;
}

/* ---- Watching ----------------------------------------------------------- */

/* Records the device's state; logs when the state or the reason changed. */
static void devices_note(devices_t *d, device_kind_t k, bool connected, const char *state,
                         const char *error, bool warn, long long now_ms)
{
    device_summary_t *s = &d->sum[k];
    bool changed = strcmp(s->state, state) != 0 || strcmp(s->last_error, error) != 0;
    if (s->connected && !connected) {
        d->losses[k]++;
        if (d->asked[k])
            d->asked[k] = false;
        else
            s->errors++;
    }
    if (!s->connected && connected)
        s->connects++;
    s->connected = connected;
    if (!changed)
        return;
    if (strcmp(s->state, state) != 0)
        s->since_ms = now_ms;
    snprintf(s->state, sizeof s->state, "%s", state);
    snprintf(s->last_error, sizeof s->last_error, "%s", error);
    /* Not answering, late, offline, alarm: a warning with the driver's
     * reason (name not resolved, connection refused, timed out...). */
    if (warn)
        mf_log_warn(DEVICES_LOG, "%s: %s (%s)%s%s%s", s->name, state, s->address,
                    error[0] ? ": " : "", error, connected ? "" : ", retrying");
    else
        mf_log_info(DEVICES_LOG, "%s: %s (%s)%s%s", s->name, state, s->address,
                    error[0] ? ": " : "", error);
}

/* The line's and the I/O module's own figures: the last complete read (the
 * drivers' monotonic clock, turned into devices_tick's) and reconnections a
 * tick did not see as a loss (a link lost and back between two ticks). */
static void devices_note_driver(devices_t *d, device_kind_t k, long long drv_last_good,
                                int reconnects, long long now_ms)
{
    device_summary_t *s = &d->sum[k];
    if (drv_last_good > 0) {
        long long age = drv_now_ms() - drv_last_good;
        s->last_good_ms = now_ms - (age > 0 ? age : 0);
        if (s->last_good_ms <= 0)
            s->last_good_ms = 1;
    }
    /* A reconnection follows a loss: one no tick saw (the link lost and
     * back between two ticks, as a reconnect staff asked for usually is)
     * counts here. */
    if (s->connected && reconnects > d->losses[k]) {
        for (int i = d->losses[k]; i < reconnects; i++) {
            s->connects++;
            if (d->asked[k])
                d->asked[k] = false;
            else
                s->errors++;
        }
        d->losses[k] = reconnects;
    }
}

static void tick_line(devices_t *d, long long now_ms)
{
    line_snapshot_t *sn = d->line_snap;
    line_drv_snapshot(d->line, sn);
    const char *state;
    bool connected = false;
    if (sn->conn == LINE_CONN_CONNECTED && !sn->stale) {
        state = "connected";
        connected = true;
    } else if (sn->conn == LINE_CONN_CONNECTED) {
        state = "PLC answering late (stale data)";
    } else if (sn->conn == LINE_CONN_INCOMPATIBLE) {
        state = "incompatible PLC"; /* answers, but another register map */
    } else if (sn->conn == LINE_CONN_MISCONFIGURED) {
        state = "PLC misconfigured"; /* answers with Modbus exceptions */
    } else if (sn->last_error[0]) {
        state = "PLC not answering";
    } else {
        state = "connecting";
    }
    devices_note(d, DEVICE_LINE, connected, state, sn->last_error,
                 !connected && strcmp(state, "connecting") != 0, now_ms);
    devices_note_driver(d, DEVICE_LINE, sn->last_good_ms, sn->reconnects, now_ms);
    if (!d->claimed[DEVICE_LINE]) {
        line_event_t ev;
        while (line_drv_poll_event(d->line, &ev)) {
        }
    }
}

static void tick_io(devices_t *d, long long now_ms)
{
    io_snapshot_t sn;
    io_drv_snapshot(d->io, &sn);
    const char *state;
    bool connected = false;
    if (sn.conn == IO_CONN_CONNECTED && !sn.stale) {
        state = sn.estop_ok ? "connected" : "connected, emergency stop open";
        connected = true;
    } else if (sn.conn == IO_CONN_CONNECTED) {
        state = "answering late (stale data)";
    } else if (sn.last_error[0]) {
        state = "not answering";
    } else {
        state = "connecting";
    }
    devices_note(d, DEVICE_IO, connected, state, sn.last_error,
                 !connected && strcmp(state, "connecting") != 0, now_ms);
    devices_note_driver(d, DEVICE_IO, sn.last_good_ms, sn.reconnects, now_ms);
    if (!d->claimed[DEVICE_IO]) {
        io_event_t ev;
        while (io_drv_poll_event(d->io, &ev)) {
        }
    }
}

static void tick_engraver(devices_t *d, long long now_ms)
{
    grbl_snapshot_t sn;
    grbl_drv_snapshot(d->engraver, &sn);
    char state[48];
    snprintf(state, sizeof state, "%s", grbl_drv_state_name(sn.state));
    for (char *p = state; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    /* The last message only where it says why: GRBL's feedback during a job
     * would otherwise be logged line by line. */
    bool trouble = sn.state == GRBL_DRV_OFFLINE || sn.state == GRBL_DRV_ALARM;
    devices_note(d, DEVICE_ENGRAVER, sn.state != GRBL_DRV_OFFLINE, state,
                 trouble ? sn.last_message : "", trouble, now_ms);
    if (sn.state != GRBL_DRV_OFFLINE)
        d->sum[DEVICE_ENGRAVER].last_good_ms = now_ms;
    devices_note_driver(d, DEVICE_ENGRAVER, 0, sn.reconnects, now_ms);
    bool alarm = sn.state == GRBL_DRV_ALARM;
    if (alarm && !d->in_alarm)
        d->sum[DEVICE_ENGRAVER].errors++;
    d->in_alarm = alarm;
    if (!d->claimed[DEVICE_ENGRAVER]) {
        grbl_event_t ev;
        while (grbl_drv_poll_event(d->engraver, &ev)) {
        }
    }
}

static void tick_scanner(devices_t *d, long long now_ms)
{
    scanner_snapshot_t sn;
    scanner_drv_snapshot(d->scanner, &sn);
    const char *state = sn.online ? "connected" : sn.last_error[0] ? "not answering" : "connecting";
    bool opened = sn.online && !d->sum[DEVICE_SCANNER].connected;
    devices_note(d, DEVICE_SCANNER, sn.online, state, sn.online ? "" : sn.last_error,
                 !sn.online && sn.last_error[0], now_ms);
    int scans = sn.tickets + sn.duplicates + sn.invalid;
    if (opened || scans != d->scans_seen)
        d->sum[DEVICE_SCANNER].last_good_ms = now_ms;
    if (sn.invalid > d->invalid_seen)
        d->sum[DEVICE_SCANNER].errors += (unsigned)(sn.invalid - d->invalid_seen);
    d->scans_seen = scans;
    d->invalid_seen = sn.invalid;
    devices_note_driver(d, DEVICE_SCANNER, 0, sn.reconnects, now_ms);
    if (!d->claimed[DEVICE_SCANNER]) {
        scanner_event_t ev;
        while (scanner_drv_poll_event(d->scanner, &ev)) {
        }
    }
}

void devices_tick(devices_t *d, long long now_ms)
{
    if (!d)
        return;
    if (d->line)
        tick_line(d, now_ms);
    if (d->io)
        tick_io(d, now_ms);
    if (d->engraver)
        tick_engraver(d, now_ms);
    if (d->scanner)
        tick_scanner(d, now_ms);
}

int devices_reconnect(devices_t *d, device_kind_t kind)
{
    if (!d || kind >= DEVICE_COUNT)
        return MF_ENOENT;
    switch (kind) {
    case DEVICE_LINE:
        if (!d->line)
            return MF_ENOENT;
        line_drv_reconnect(d->line);
        break;
    case DEVICE_IO:
        if (!d->io)
            return MF_ENOENT;
        io_drv_reconnect(d->io);
        break;
    case DEVICE_ENGRAVER: {
        if (!d->engraver)
            return MF_ENOENT;
        grbl_snapshot_t sn;
        grbl_drv_snapshot(d->engraver, &sn);
        if (sn.state == GRBL_DRV_RUNNING || sn.state == GRBL_DRV_HELD)
            return MF_EBUSY;
        grbl_drv_reconnect(d->engraver);
        break;
    }
    case DEVICE_SCANNER:
        if (!d->scanner)
            return MF_ENOENT;
        scanner_drv_reconnect(d->scanner);
        break;
    case DEVICE_COUNT:
        return MF_ENOENT;
    }
    d->asked[kind] = d->sum[kind].connected;
    mf_log_info(DEVICES_LOG, "%s: reconnect asked (%s)", device_names[kind], d->sum[kind].address);
    return MF_OK;
}

void devices_summary(devices_t *d, device_kind_t kind, device_summary_t *out)
{
    memset(out, 0, sizeof *out);
    if (kind >= DEVICE_COUNT)
        return;
    if (!d) {
        out->name = device_names[kind];
        snprintf(out->state, sizeof out->state, "not configured");
        return;
    }
    *out = d->sum[kind];
}
