/*
 * engrave_preview.h - the visitor's text as the laser will draw it, for the
 * kiosk's core (app/platform). Wraps drivers/gcode (Hershey font, checks,
 * G-code) behind the core's injected function type (order_strokes_fn), so
 * that app/core never links a driver library: the preview's strokes are read
 * back from the very G-code the engraver will be sent, so what the visitor
 * sees is what the laser follows.
 *
 * Nothing here keeps or writes the text: programs and strokes are wiped by
 * their owners once used.
 */
#ifndef MF_ENGRAVE_PREVIEW_H
#define MF_ENGRAVE_PREVIEW_H

#include "gcode_text.h"
#include "order.h"
#include "view.h"

typedef struct engrave_preview engrave_preview_t;

/* CFG: the engraving settings (plate, power, feed, limit). NULL when the
 * font cannot be loaded (logged). */
engrave_preview_t *engrave_preview_create(const gcode_text_cfg_t *cfg);
void engrave_preview_destroy(engrave_preview_t *p);

/* order_strokes_fn: checks TEXT and fills OUT with its strokes (machine mm). */
order_text_verdict_t engrave_preview_strokes(void *p, const char *text, view_strokes_t *out);

/* The G-code job for TEXT (caller frees with gcode_program_free, which
 * wipes it). 0, MF_EREFUSED or MF_ENOMEM. */
int engrave_preview_program(engrave_preview_t *p, const char *text, gcode_program_t *prog);

/* Parses G-code (G0 moves lift the pen, G1 moves draw) into polylines.
 * Pure; exposed for tests. */
void engrave_preview_parse(const char *gcode, view_strokes_t *out);

#endif
