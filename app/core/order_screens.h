/*
 * order_screens.h - what the "make your own" screens share (app/core/screens/
 * order.c, order_text.c, order_confirm.c, tracking.c, order_common.c): the
 * visitor's part of an order, kept in the visit (kiosk_priv.h) and wiped
 * with it, and the kiosk's hook that hands the drivers' news to the order
 * desk (order.h) and records the visit's order events.
 */
#ifndef MF_ORDER_SCREENS_H
#define MF_ORDER_SCREENS_H

#include "event.h"
#include "keyboard.h"
#include "order.h"
#include "view.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct kiosk kiosk_t;

/* The visitor's order in progress: colour, text, its preview, the order
 * placed. Part of the visit: wiped (every byte) when it ends. */
typedef struct {
    int colour;  /* 1..6 chosen, 0 = not yet */
    bool typing; /* the keyboard was set up for this visit */
    keyboard_t kb;
    order_text_verdict_t verdict; /* of the text as typed */
    view_strokes_t preview;       /* the strokes the laser would follow */
    uint32_t ref;                 /* the order placed in this visit (order desk), 0 = none */
    int place_error;              /* the desk could not take it (MF_E*), 0 = fine */
} order_visit_t;

/* Wipes O (the text and its strokes included). */
void order_visit_wipe(order_visit_t *o);

/* The kiosk's part: gives a line, order or engraver event to the desk,
 * records "order placed" and the orders' outcomes as visit events (for the
 * visit that ordered, which may be over). True when one of the order
 * screens is on top and what it shows changed. */
bool order_kiosk_hear(kiosk_t *k, const mf_event_t *ev, int64_t now);

/* ---- helpers of the order screens (order_common.c) ---- */

/* The colour's name in the visitor's language ("Rouge") and its RGB. */
const char *order_colour_label(const kiosk_t *k, int colour);
uint32_t order_colour_rgb(int colour);
/* Recomputes the preview and verdict after the text changed. */
void order_update_preview(kiosk_t *k);
/* KEY's text with its first {word} replaced by N (OUT of SIZE bytes). */
void order_format(const kiosk_t *k, const char *key, const char *n, char *out, size_t size);
/* The plate with STROKES on it in R (kept at the plate's proportions),
 * drawn up to BURNED (< 0: all). */
view_widget_t *order_add_plate(view_t *v, const char *id, const view_strokes_t *strokes,
                               view_rect_t r, int colour, float burned);
/* True when S is one of the order screens. */
bool order_is_order_screen(int s);

#endif
