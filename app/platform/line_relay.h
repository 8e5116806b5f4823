/*
 * line_relay.h - line events handed from their one reader to another
 * (app/platform). The line driver has one event queue and one reader: with a
 * staff console, that is the staff edge (staff_edge.h), which passes on what
 * is not the console's (answers to the order desk's orders, finished pieces)
 * through its other_line_event hook into this relay; the main loop (app.c)
 * takes them from here for the order desk. UI thread only: both ends run in
 * the loop. A full relay drops the oldest event and counts it.
 */
#ifndef MF_LINE_RELAY_H
#define MF_LINE_RELAY_H

#include "line_drv.h"

#include <stdbool.h>

#define LINE_RELAY_MAX 64

typedef struct line_relay {
    line_event_t ev[LINE_RELAY_MAX];
    int head, count;
    unsigned dropped;
} line_relay_t;

/* staff_line_event_fn: copies LINE_EVENT (a line_event_t) into RELAY. */
void line_relay_push(void *relay, const void *line_event);
/* Takes the oldest event. True when one was taken. */
bool line_relay_pop(line_relay_t *r, line_event_t *out);

#endif
