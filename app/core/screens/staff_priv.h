/*
 * staff_priv.h - what the staff screens (app/core/screens/staff_*.c) share:
 * the console's state and its layout helpers. Only those screens and
 * app/core/staff_console.c include it.
 */
#ifndef MF_STAFF_PRIV_H
#define MF_STAFF_PRIV_H

#include "keyboard.h"
#include "kiosk_priv.h"
#include "staff_console.h"

#define STAFF_REQ_QUEUE 16

/* One line of the alarm history: an alarm seen, acknowledged, cleared. */
typedef struct {
    int code, station;
    char seen[16];  /* time of day it appeared */
    char acked[16]; /* ...was acknowledged, "" if not yet */
    char gone[16];  /* ...its cause went and it left the table, "" if not yet */
} staff_history_t;

struct staff_console {
    staff_session_t session;
    staff_gesture_t gesture;
    /* requests waiting for the platform */
    staff_request_t queue[STAFF_REQ_QUEUE];
    int q_head, q_len;
    uint32_t next_tag;
    /* the PIN pad */
    staff_pinpad_t pad;
    bool pin_status_known, any_pin, checking;
    int64_t locked_until; /* kiosk clock; 0 = not locked */
    int tries_left;
    char pin_message[24]; /* a strings key: "" or "staff.pin.wrong"... */
    /* the line and the devices as last told */
    staff_line_t line;
    staff_device_t devices[STAFF_DEV_COUNT];
    staff_store_status_t store;
    bool devices_known;
    staff_history_t history[STAFF_HISTORY_MAX];
    int history_len;
    /* the last command and its outcome */
    uint32_t cmd_tag;
    staff_cmd_t cmd;
    staff_outcome_t outcome;
    int plc_result, line_state;
    bool cmd_shown;
    /* device actions */
    uint32_t dev_tag;
    char dev_text[STAFF_TEXT_MAX];
    /* stop and group: the saved one and the one being edited */
    staff_context_t context, edit;
    bool context_known;
    int field;     /* 0 town, 1 venue, 2 dates, 3 name: where typing goes; -1 none */
    keyboard_t kb; /* the on-screen keyboard, on the chosen field */
    uint32_t context_tag;
    char context_text[STAFF_TEXT_MAX];
    /* the organiser's screen */
    staff_figures_t figures;
    bool figures_known, usb_present;
    char usb_text[STAFF_TEXT_MAX];
    uint32_t export_tag;
    char export_text[STAFF_TEXT_MAX];
};

static inline staff_console_t *staff_of(const kiosk_t *k)
{
    return k->staff;
}

/* Queues a request of KIND (other fields from TEMPLATE when not NULL);
 * returns its tag. */
uint32_t staff_request(kiosk_t *k, staff_request_kind_t kind, const staff_request_t *tmpl);

/* Leaves the console: back to the visitor side, attract screen. */
void staff_leave(kiosk_t *k, int64_t now);

/* The bar of every staff screen: the tabs the role may open, the role, and
 * "leave"; the emergency stop's banner over everything when it is pressed
 * (call staff_layout_estop last). Returns the y where content starts. */
float staff_layout_bar(const kiosk_t *k, view_t *v, const char *tab);
void staff_layout_estop(const kiosk_t *k, view_t *v);
/* The tabs and "leave". True when ID was one of them. */
bool staff_act_bar(kiosk_t *k, const char *id, int64_t now);
/* Staff screens' shared deadline: the console's idle timeout. */
int64_t staff_idle_deadline(const kiosk_t *k, int64_t now);
/* Shared hearing: idle timeout on a TICK. True when it left the console. */
bool staff_hear_idle(kiosk_t *k, const mf_event_t *ev, int64_t now);

/* kiosk_text with {name} placeholders filled: KEY's text, then each pair of
 * NAME, VALUE. */
void staff_textf(const kiosk_t *k, char *buf, size_t size, const char *key, ...);

#endif
