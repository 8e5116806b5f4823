/*
 * line_relay.c - a small ring of line events between two readers in the
 * main loop (see line_relay.h).
 */
#include "line_relay.h"

void line_relay_push(void *relay, const void *line_event)
{
    line_relay_t *r = relay;
    if (r->count == LINE_RELAY_MAX) { /* the oldest goes: nobody took it in 64 events */
        r->head = (r->head + 1) % LINE_RELAY_MAX;
        r->count--;
        r->dropped++;
    }
    r->ev[(r->head + r->count) % LINE_RELAY_MAX] = *(const line_event_t *)line_event;
    r->count++;
}

bool line_relay_pop(line_relay_t *r, line_event_t *out)
{
    if (r->count == 0)
        return false;
    *out = r->ev[r->head];
    r->head = (r->head + 1) % LINE_RELAY_MAX;
    r->count--;
    return true;
}
