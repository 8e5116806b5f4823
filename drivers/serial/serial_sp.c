/*
 * serial_sp.c - serial_ops_t over libserialport, for real (USB) serial ports,
 * plus port listing and lookup by USB vendor:product[:serial]. The only file
 * of drivers/serial that includes libserialport.h; sp_return codes are mapped
 * to mf_error codes here.
 */
#include "mf_error.h"
#include "serial_impl.h"

#include <errno.h>
#include <libserialport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    struct sp_port *port;
} sp_ctx_t;

static int map_sp(enum sp_return r)
{
    switch (r) {
    case SP_OK:
        return 0;
    case SP_ERR_ARG:
        return MF_EINVAL;
    case SP_ERR_MEM:
        return MF_ENOMEM;
    case SP_ERR_SUPP:
        return MF_EUNSUPPORTED;
    case SP_ERR_FAIL:
    default:
        return MF_EIO;
    }
}

static int s_read(void *vctx, void *buf, size_t cap, int timeout_ms)
{
    sp_ctx_t *c = vctx;
    enum sp_return r =
        sp_blocking_read_next(c->port, buf, cap, (unsigned)(timeout_ms > 0 ? timeout_ms : 1));
    if (r >= 0)
        return (int)r;
    return r == SP_ERR_FAIL ? MF_ECLOSED : map_sp(r);
}

static int s_write(void *vctx, const void *buf, size_t len, int timeout_ms)
{
    sp_ctx_t *c = vctx;
    enum sp_return r =
        sp_blocking_write(c->port, buf, len, (unsigned)(timeout_ms > 0 ? timeout_ms : 1));
    if (r < 0)
        return r == SP_ERR_FAIL ? MF_ECLOSED : map_sp(r);
    return (size_t)r == len ? 0 : MF_ETIMEDOUT;
}

static int s_flush(void *vctx)
{
    sp_ctx_t *c = vctx;
    return map_sp(sp_flush(c->port, SP_BUF_INPUT));
}

static void s_close(void *vctx)
{
    sp_ctx_t *c = vctx;
    if (c->port) {
        int fd = -1;
        if (sp_get_port_handle(c->port, &fd) == SP_OK)
            serial_unlock_fd(fd);
        sp_close(c->port);
        sp_free_port(c->port);
    }
    free(c);
}

static const serial_ops_t sp_ops = {.kind = "libserialport",
                                    .read = s_read,
                                    .write = s_write,
                                    .flush_input = s_flush,
                                    .close = s_close};

serial_port_t *serial_sp_open(const char *path, int baud, char *why, size_t why_len, int *err)
{
    *err = MF_ENOMEM;
    sp_ctx_t *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    int opened = 0;
    if (sp_get_port_by_name(path, &c->port) != SP_OK) {
        *err = MF_ENOENT;
        snprintf(why, why_len, "%s: no such serial port", path);
        goto fail;
    }
    if (sp_open(c->port, SP_MODE_READ_WRITE) != SP_OK) {
        int e = sp_last_error_code();
        if (e == EBUSY) { /* TIOCEXCL of another holder */
            *err = MF_EPORTBUSY;
            serial_busy_message(path, why, why_len);
        } else {
            char *msg = sp_last_error_message();
            *err = e == ENOENT ? MF_ENOENT : MF_EIO;
            snprintf(why, why_len, "%s: cannot open (%s)", path, msg ? msg : "libserialport error");
            sp_free_error_message(msg);
        }
        goto fail;
    }
    opened = 1;
    /* libserialport has no exclusive mode of its own: lock its descriptor. */
    int fd = -1;
    if (sp_get_port_handle(c->port, &fd) == SP_OK && fd >= 0) {
        *err = serial_lock_fd(fd, path, why, why_len);
        if (*err != 0) {
            sp_close(c->port); /* not ours to TIOCNXCL: the holder set it */
            opened = 0;
            goto fail;
        }
    }
    *err = MF_EIO;
    if (sp_set_baudrate(c->port, baud) != SP_OK || sp_set_bits(c->port, 8) != SP_OK ||
        sp_set_parity(c->port, SP_PARITY_NONE) != SP_OK || sp_set_stopbits(c->port, 1) != SP_OK ||
        sp_set_flowcontrol(c->port, SP_FLOWCONTROL_NONE) != SP_OK) {
        snprintf(why, why_len, "%s: cannot set %d 8N1", path, baud);
        goto fail;
    }
    serial_port_t *p = serial_wrap(&sp_ops, c, path);
    if (!p) {
        *err = MF_ENOMEM;
        snprintf(why, why_len, "out of memory");
        goto fail;
    }
    *err = 0;
    return p;
fail:
    if (c->port) {
        if (opened) {
            int lfd = -1;
            if (sp_get_port_handle(c->port, &lfd) == SP_OK)
                serial_unlock_fd(lfd);
            sp_close(c->port);
        }
        sp_free_port(c->port);
    }
    free(c);
    return NULL;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

int serial_list_ports(serial_port_info_t *out, int cap)
{
    struct sp_port **list = NULL;
    enum sp_return r = sp_list_ports(&list);
    if (r != SP_OK)
        return map_sp(r);
    int n = 0;
    for (int i = 0; list[i] && n < cap; i++) {
        serial_port_info_t *pi = &out[n++];
        memset(pi, 0, sizeof *pi);
        copy_str(pi->name, sizeof pi->name, sp_get_port_name(list[i]));
        copy_str(pi->description, sizeof pi->description, sp_get_port_description(list[i]));
        if (sp_get_port_transport(list[i]) == SP_TRANSPORT_USB) {
            int vid = 0, pid = 0;
            pi->is_usb = 1;
            if (sp_get_port_usb_vid_pid(list[i], &vid, &pid) == SP_OK) {
                pi->vid = (uint16_t)vid;
                pi->pid = (uint16_t)pid;
            }
            copy_str(pi->usb_serial, sizeof pi->usb_serial, sp_get_port_usb_serial(list[i]));
            copy_str(pi->manufacturer, sizeof pi->manufacturer,
                     sp_get_port_usb_manufacturer(list[i]));
            copy_str(pi->product, sizeof pi->product, sp_get_port_usb_product(list[i]));
        }
    }
    sp_free_port_list(list);
    return n;
}

int serial_find_usb(uint16_t vid, uint16_t pid, const char *usb_serial, char *path, size_t path_len)
{
    serial_port_info_t ports[64];
    int n = serial_list_ports(ports, 64);
    for (int i = 0; i < n; i++) {
        if (!ports[i].is_usb || ports[i].vid != vid || ports[i].pid != pid)
            continue;
        if (usb_serial && usb_serial[0] && strcmp(usb_serial, ports[i].usb_serial) != 0)
            continue;
        snprintf(path, path_len, "%s", ports[i].name);
        return 0;
    }
    return MF_ENOENT;
}
