/*
 * staff_console.h - the staff console inside the kiosk (app/core): what its
 * screens (app/core/screens/staff_*.c) share, what they ask of the platform
 * and what the platform tells them.
 *
 * The console never touches a device, a file or a clock: a screen queues a
 * request (check this PIN, start the line, export to the stick...) that the
 * platform takes with staff_console_take_request(), carries out off the UI
 * thread (app/platform/staff_edge.c) and answers with an MF_EV_STAFF event
 * carrying a staff_news_t: the reply, the line's detail, the devices. Every
 * command gets exactly one reply, so every command has a visible outcome.
 *
 * Entry: the corner gesture (staff.h) on any visitor screen ends the visit
 * and opens the PIN pad; leaving, or STAFF_IDLE_MS without a touch, returns
 * to the attract screen.
 */
#ifndef MF_STAFF_CONSOLE_H
#define MF_STAFF_CONSOLE_H

#include "event.h"
#include "staff.h"

#include <stdbool.h>
#include <stdint.h>

#define STAFF_STATIONS 6 /* line stations 2..7 */
#define STAFF_QUEUE_MAX 16
#define STAFF_ALARMS_MAX 8
#define STAFF_HISTORY_MAX 24
#define STAFF_TEXT_MAX 160
#define STAFF_FIELD_MAX 128

/* The line as staff see it: the PLC driver's snapshot, translated at the
 * platform's edge (app/platform/staff_edge.c). */
typedef struct {
    bool known;  /* a line driver reports */
    bool online; /* connected and fresh */
    bool stale;
    char error[160]; /* why not online, in plain words ("" when online) */
    int state;       /* mf_packml_state_t */
    int mode;        /* mf_line_mode_t */
    bool running, estop, alarm_active, alarm_unacked;
    uint32_t good, rejected, uptime_s;
    int avg_cycle_ds; /* the slowest station's average cycle, tenths of s */
    struct {
        int state; /* PackML */
        uint32_t order;
        int colour;
        int progress; /* % */
        int alarm;    /* mf_alarm_code_t */
        bool part;
    } stations[STAFF_STATIONS];
    int queue_len;
    struct {
        uint32_t order;
        int colour;
        bool engrave;
    } queue[STAFF_QUEUE_MAX];
    int alarm_count;
    struct {
        int code, station, param;
        bool active, unacked;
    } alarms[STAFF_ALARMS_MAX];
    char clock[16]; /* the wall clock's time of day when read, "14:32:05" */
} staff_line_t;

/* The devices of the truck, one summary each. */
typedef enum {
    STAFF_DEV_PLC = 0,
    STAFF_DEV_IO,
    STAFF_DEV_ENGRAVER,
    STAFF_DEV_SCANNER,
    STAFF_DEV_COUNT
} staff_device_id_t;

typedef struct {
    bool present;      /* this kiosk drives it (false: not started here) */
    char address[256]; /* as configured */
    bool connected;
    int64_t last_good_age_ms; /* since the last good message, -1 = never */
    unsigned errors;          /* since the kiosk started */
    char last_error[128];     /* "" when none */
    char state[48];           /* the engraver's GRBL state ("Idle", "Alarm"...), else "" */
    bool can_unlock;          /* the engraver is in alarm: "unlock" makes sense */
} staff_device_t;

/* The current stop and group (every statistic carries them). */
typedef enum {
    STAFF_GROUP_NONE = 0,
    STAFF_GROUP_SCHOOL, /* a school class, with its level */
    STAFF_GROUP_JOB_SEEKERS,
    STAFF_GROUP_COMPANY, /* company staff */
    STAFF_GROUP_PUBLIC,  /* general public */
    STAFF_GROUP_TYPE_COUNT
} staff_group_type_t;

typedef struct {
    char town[STAFF_FIELD_MAX], venue[STAFF_FIELD_MAX], dates[STAFF_FIELD_MAX];
    staff_group_type_t type;
    char level[16]; /* "3e", "2de"... for a school class */
    char name[STAFF_FIELD_MAX];
    int headcount; /* 0 = not said */
} staff_context_t;

/* "school", "job_seekers", "company", "public", "none" (stored, exported). */
const char *staff_group_type_name(staff_group_type_t t);

/* The figures of the organiser's screen, from the statistics store. */
#define STAFF_FIG_ROWS 6
typedef struct {
    bool available; /* false: no statistics store in this kiosk */
    struct {
        char label[48]; /* a group type, a question */
        int today, stop;
    } visitors[STAFF_FIG_ROWS];
    int visitor_rows;
    int visitors_today, visitors_stop;
    int satisfaction_pct_today, satisfaction_pct_stop; /* -1 = no answer yet */
    int perception_shift_today, perception_shift_stop; /* in hundredths of a point */
    int orders_today, orders_stop;
} staff_figures_t;

/* What the console asks of the platform. */
typedef enum {
    STAFF_REQ_PIN_STATUS = 1, /* is any PIN set, is the pad locked */
    STAFF_REQ_PIN_CHECK,      /* pin */
    STAFF_REQ_COMMAND,        /* cmd: a line command */
    STAFF_REQ_RECONNECT,      /* device */
    STAFF_REQ_UNLOCK,         /* the engraver after an alarm ($X) */
    STAFF_REQ_CONTEXT_GET,    /* the current stop and group */
    STAFF_REQ_CONTEXT_SET,    /* context */
    STAFF_REQ_FIGURES,
    STAFF_REQ_USB_SCAN, /* is a stick there */
    STAFF_REQ_EXPORT,   /* format: "csv", "xlsx", "pdf" to the stick */
    STAFF_REQ_RELOAD,   /* the content pack, from_usb or from the content folder */
    STAFF_REQ_LOGOUT,   /* for the audit table */
} staff_request_kind_t;

typedef struct {
    staff_request_kind_t kind;
    uint32_t tag;      /* the reply carries it */
    staff_role_t role; /* who asks (the audit table) */
    char pin[STAFF_PIN_MAX + 1];
    staff_cmd_t cmd;
    uint32_t order;                             /* CANCEL: the queued order */
    int alarm_code, alarm_station, alarm_param; /* ACK: the alarm, code 0 = all */
    staff_device_id_t device;
    staff_context_t context;
    char format[8];
    bool from_usb;
} staff_request_t;

/* What the platform tells the console. */
typedef enum {
    STAFF_NEWS_LINE = 1, /* line */
    STAFF_NEWS_DEVICES,  /* devices */
    STAFF_NEWS_REPLY,    /* reply to the request TAG */
} staff_news_kind_t;

typedef struct {
    staff_request_kind_t kind;
    uint32_t tag;
    int rc; /* 0 or MF_E* */
    /* PIN_STATUS, PIN_CHECK */
    bool any_pin;
    staff_role_t role;
    int64_t locked_ms; /* > 0: the pad is locked for this long */
    int tries_left;    /* wrong PINs before a lockout */
    /* COMMAND */
    staff_cmd_t cmd;
    staff_outcome_t outcome;
    int plc_result, line_state;
    /* CONTEXT_GET / CONTEXT_SET */
    staff_context_t context;
    /* FIGURES */
    staff_figures_t figures;
    /* USB_SCAN, EXPORT, RELOAD: what to say ("KINGSTON, 3.1 GB free", the
     * file written, the pack's first problem) */
    bool usb_present;
    char text[STAFF_TEXT_MAX];
} staff_reply_t;

typedef struct staff_news staff_news_t;
/* The statistics store, for the devices screen. */
typedef struct {
    bool present;                    /* the kiosk records statistics */
    bool failing;                    /* its last write failed (events wait in memory) */
    long long queued, dropped;       /* waiting in memory; lost at the queue's bound */
    char last_error[STAFF_TEXT_MAX]; /* "" when none */
} staff_store_status_t;

struct staff_news {
    staff_news_kind_t kind;
    staff_line_t line;
    staff_device_t devices[STAFF_DEV_COUNT];
    staff_store_status_t store; /* DEVICES */
    staff_reply_t reply;
};

typedef struct staff_console staff_console_t;
struct kiosk;

staff_console_t *staff_console_create(void);
void staff_console_destroy(staff_console_t *c);

/* The next request for the platform; false when there is none. */
bool staff_console_take_request(struct kiosk *k, staff_request_t *out);

/* The role logged in now (STAFF_ROLE_NONE on the visitor side). */
staff_role_t staff_console_role(const struct kiosk *k);
/* For kiosk.c: the entry gesture on visitor screens (every pointer event;
 * returns a staff_gesture_result_t: SWALLOW or DONE mean the kiosk must not
 * act on this release), and the news of an MF_EV_STAFF event (true when a
 * staff screen shows something new). */
int staff_console_pointer(struct kiosk *k, const mf_event_t *ev, int64_t now);
bool staff_console_hear(struct kiosk *k, const mf_event_t *ev, int64_t now);

/* The alarm history of this run of the kiosk (for tests and `dump`). */
int staff_console_history_count(const struct kiosk *k);

#endif
