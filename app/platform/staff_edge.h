/*
 * staff_edge.h - the staff console's side of the platform (app/platform):
 * carries out what the console's screens ask (staff_console.h) and tells
 * them what happened, without ever blocking the UI thread.
 *
 * Each frame, staff_edge_pump() takes the console's requests: line commands
 * go through the PLC driver (devices.h) and their results come back as
 * replies; PIN checks and exports run on the edge's own worker thread
 * (Argon2id and a USB stick are slow by nature); the line's snapshot and the
 * devices' summaries are translated into staff news. Every staff action is
 * recorded through the audit hook with the wall-clock time, the role and the
 * result.
 *
 * The statistics store (stop and group, figures, exports, the audit table)
 * is reached through staff_hooks_t; a hook left NULL answers "not available"
 * (MF_EUNSUPPORTED) and the console says so. No SDL here: the tests drive
 * the edge against minifab-sim without a window.
 */
#ifndef MF_STAFF_EDGE_H
#define MF_STAFF_EDGE_H

#include "io_drv.h"
#include "kiosk.h"
#include "staff_console.h"

#include <stdbool.h>
#include <stdint.h>

struct devices; /* devices.h */

typedef struct {
    /* the current stop and group (the statistics store's context) */
    int (*context_get)(void *ctx, staff_context_t *out);
    int (*context_set)(void *ctx, const staff_context_t *in);
    /* today's and this stop's figures */
    int (*figures)(void *ctx, staff_figures_t *out);
    /* writes the statistics as FORMAT ("csv", "xlsx", "pdf") to the file
     * PATH (a temporary file the edge then copies to the stick); called on
     * the worker thread */
    int (*export_file)(void *ctx, const char *format, const char *path);
    /* the audit table: WALL_MS, ROLE ("operator"...), ACTION ("login",
     * "command start"...), DETAIL, RESULT ("ok", "refused: reset first"...) */
    void (*audit)(void *ctx, int64_t wall_ms, const char *role, const char *action,
                  const char *detail, const char *result);
    /* reloads the content pack from DIR (NULL: the kiosk's own folder),
     * validated first; 0 or MF_ECONTENT / MF_ENOENT with the problems in MSG */
    int (*reload)(void *ctx, kiosk_t *k, const char *dir, int64_t now, char *msg, size_t size);
    /* installs the pack in the folder SRC (the stick's) as the kiosk's own
     * (validated, copied, checked, swapped; the old one kept as fallback);
     * called on the worker thread with reload_ctx; 0 or MF_E* with what to
     * say in MSG. NULL: the stick's pack goes to reload as DIR (on the UI
     * thread). After an install the edge calls reload (DIR NULL) to use it. */
    int (*install)(void *ctx, const char *src, char *msg, size_t size);
    /* the store's health for the devices screen */
    void (*store_status)(void *ctx, staff_store_status_t *out);
    void *ctx;        /* of every hook but reload (the statistics store) */
    void *reload_ctx; /* of reload (the content pack in use) */
} staff_hooks_t;

/* Where a line driver event nobody at the edge asked for goes (orders...). */
typedef void (*staff_line_event_fn)(void *ctx, const void *line_event);

typedef struct {
    struct devices *devices; /* the kiosk's devices, or NULL (no line) */
    const char *data_dir;    /* the PIN file, the lockout, export scratch */
    const char *usb_mounts;  /* NULL: /proc/mounts */
    const char *usb_sys;     /* NULL: /sys/block */
    staff_hooks_t hooks;
    /* the wall clock in ms (lockout, audit, alarm times); NULL: the real one */
    int64_t (*wall_ms)(void *ctx);
    void *wall_ctx;
    /* line events not for the console; NULL: dropped */
    staff_line_event_fn other_line_event;
    void *other_ctx;
} staff_edge_opts_t;

typedef struct staff_edge staff_edge_t;

/* NULL on no memory or when the worker thread cannot start. */
staff_edge_t *staff_edge_create(const staff_edge_opts_t *opts);
/* Waits for the worker's current job (a PIN check, a copy) and frees. */
void staff_edge_destroy(staff_edge_t *e);

/* One frame's work at kiosk time NOW. Returns true when the kiosk changed. */
bool staff_edge_pump(staff_edge_t *e, kiosk_t *k, int64_t now);

/* The stack light for the line L (the I/O module shows it; the edge sets it
 * whenever it changes): green running; orange ready or waiting; red steady
 * an alarm, slow blink one waiting for acknowledge; the emergency stop red
 * fast blink with three beeps; the PLC not answering orange slow blink. */
void staff_edge_stack_light(const staff_line_t *l, io_light_t *out);

/* The audit hook that only logs (until a statistics store takes them). */
void staff_edge_audit_log(void *ctx, int64_t wall_ms, const char *role, const char *action,
                          const char *detail, const char *result);

#endif
