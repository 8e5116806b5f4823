/*
 * staff.h - the staff console's pure logic: roles, the PIN pad, the entry
 * gesture, the lockout after wrong PINs, the console's idle rule and the
 * words for a line command's outcome.
 *
 * Nothing here does I/O or reads a clock: every function that depends on time
 * takes `now`, so tests fast-forward a lockout of hours in microseconds. The
 * PIN hashes and the lockout's file live in app/staff (staff_store.h); the
 * screens that use this model are app/core/screens/staff*.c.
 */
#ifndef MF_STAFF_H
#define MF_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- roles -------------------------------------------------------------- */

typedef enum {
    STAFF_ROLE_NONE = 0,  /* nobody is logged in */
    STAFF_ROLE_OPERATOR,  /* the line, the devices, the stop and the group */
    STAFF_ROLE_ORGANISER, /* all an operator does, plus figures, exports, content */
    STAFF_ROLE_COUNT
} staff_role_t;

/* What a role may do; checked by every staff screen before it acts. */
typedef enum {
    STAFF_CAN_LINE = 0, /* start, stop, reset, mode, acknowledge, cancel an order */
    STAFF_CAN_DEVICES,  /* see the devices, reconnect, unlock the engraver */
    STAFF_CAN_GROUP,    /* set the current stop and group */
    STAFF_CAN_STATS,    /* see the figures, export them */
    STAFF_CAN_CONTENT,  /* reload the content pack */
    STAFF_CAN_SETTINGS, /* the kiosk's settings */
} staff_permission_t;

bool staff_role_can(staff_role_t role, staff_permission_t what);
/* "operator", "organiser", "none": stored in the PIN file and the audit table. */
const char *staff_role_name(staff_role_t role);
/* The role named NAME, or STAFF_ROLE_NONE. */
staff_role_t staff_role_from_name(const char *name);

/* ---- the PIN pad -------------------------------------------------------- */

#define STAFF_PIN_MIN 4
#define STAFF_PIN_MAX 12

/* The digits typed so far. The pad shows one dot per digit, never a digit. */
typedef struct {
    char digits[STAFF_PIN_MAX + 1];
    int len;
} staff_pinpad_t;

void staff_pinpad_clear(staff_pinpad_t *p);
/* Appends DIGIT ('0'..'9'); false when full or not a digit. */
bool staff_pinpad_digit(staff_pinpad_t *p, char digit);
void staff_pinpad_backspace(staff_pinpad_t *p);
/* True when the PIN is long enough to be checked. */
bool staff_pinpad_complete(const staff_pinpad_t *p);
/* What the pad shows: LEN dots ("●●●●"), UTF-8, never the digits. */
void staff_pinpad_dots(const staff_pinpad_t *p, char *buf, size_t size);

/* A PIN as the command line accepts it: 4 to 12 digits. */
bool staff_pin_valid(const char *pin);

/* ---- the entry gesture -------------------------------------------------- */

/* A gesture no visitor stumbles on: a press held STAFF_GESTURE_HOLD_MS in one
 * corner of the screen, released, then within STAFF_GESTURE_GAP_MS a second
 * press held as long in the diagonally opposite corner. Any other touch in
 * between starts over. A corner is the square of STAFF_GESTURE_CORNER units
 * at the screen's corner; the finger may not wander out of it. */
#define STAFF_GESTURE_HOLD_MS 3000
#define STAFF_GESTURE_GAP_MS 5000
#define STAFF_GESTURE_CORNER 14.0f

typedef enum {
    STAFF_CORNER_NONE = -1,
    STAFF_CORNER_TOP_LEFT = 0,
    STAFF_CORNER_TOP_RIGHT,
    STAFF_CORNER_BOTTOM_RIGHT,
    STAFF_CORNER_BOTTOM_LEFT,
} staff_corner_t;

typedef struct {
    bool down;            /* a press is being followed */
    bool held;            /* ...and it has lasted the hold time */
    staff_corner_t press; /* corner of the press being followed */
    int64_t down_at;
    staff_corner_t first; /* corner of the first completed hold, or NONE */
    int64_t first_up_at;
} staff_gesture_t;

typedef enum {
    STAFF_GESTURE_IDLE = 0, /* nothing to do with the gesture: handle as usual */
    STAFF_GESTURE_SWALLOW,  /* the release ends a corner hold: do not act on it */
    STAFF_GESTURE_DONE,     /* the gesture is complete: open the PIN pad */
} staff_gesture_result_t;

void staff_gesture_reset(staff_gesture_t *g);
/* The corner of (X, Y) on a W x H screen (units), or STAFF_CORNER_NONE. */
staff_corner_t staff_corner_at(float x, float y, float w, float h);
/* Feed every pointer event of the first finger (down, move, up). */
void staff_gesture_down(staff_gesture_t *g, float x, float y, float w, float h, int64_t now);
void staff_gesture_move(staff_gesture_t *g, float x, float y, float w, float h, int64_t now);
staff_gesture_result_t staff_gesture_up(staff_gesture_t *g, float x, float y, float w, float h,
                                        int64_t now);
/* True while a press has been held long enough in a corner (the screen may
 * then show a discreet mark, and a long press must not act on a widget). */
bool staff_gesture_holding(const staff_gesture_t *g, int64_t now);
/* When a held press becomes "held" (for the kiosk's next deadline), or INT64_MAX. */
int64_t staff_gesture_deadline(const staff_gesture_t *g);

/* ---- the lockout -------------------------------------------------------- */

/* Five wrong PINs in a row lock the pad for STAFF_LOCK_BASE_MS; every further
 * lockout doubles, up to STAFF_LOCK_MAX_MS. A right PIN forgives everything.
 * Times are wall-clock milliseconds (the lockout must survive a restart, and
 * a monotonic clock starts again at boot), kept in a file by app/staff. */
#define STAFF_LOCK_TRIES 5
#define STAFF_LOCK_BASE_MS 30000
#define STAFF_LOCK_MAX_MS (24LL * 3600 * 1000)

typedef struct {
    int failures;         /* wrong PINs since the last lockout or success */
    int lockouts;         /* lockouts since the last success */
    int64_t locked_until; /* wall-clock ms; 0 = not locked */
} staff_lockout_t;

void staff_lockout_init(staff_lockout_t *l);
/* Milliseconds left of the lockout at NOW, 0 when the pad may be used. A
 * lockout ending further away than its longest possible length means the
 * clock was set back: it then ends at NOW + the length it had. */
int64_t staff_lockout_remaining(const staff_lockout_t *l, int64_t now);
/* Records a wrong PIN at NOW. Returns the lockout's length when this one
 * starts a lockout, else 0. */
int64_t staff_lockout_fail(staff_lockout_t *l, int64_t now);
/* Records a right PIN: forgives everything. */
void staff_lockout_success(staff_lockout_t *l);
/* The length of the Nth lockout (1-based). */
int64_t staff_lockout_length(int n);
/* The file's one line: "failures lockouts locked_until\n". */
void staff_lockout_format(const staff_lockout_t *l, char *buf, size_t size);
/* Parses a line written by staff_lockout_format. MF_EPARSE when malformed. */
int staff_lockout_parse(staff_lockout_t *l, const char *text);
/* "4:59", "1:02:03": a countdown for the screen. */
void staff_format_countdown(int64_t ms, char *buf, size_t size);

/* ---- the console's session ---------------------------------------------- */

/* Two minutes without a touch on a staff screen: back to the visitor side. */
#define STAFF_IDLE_MS 120000

typedef struct {
    staff_role_t role; /* NONE when nobody is logged in */
    int64_t last_input;
} staff_session_t;

void staff_session_open(staff_session_t *s, staff_role_t role, int64_t now);
void staff_session_touch(staff_session_t *s, int64_t now);
void staff_session_close(staff_session_t *s);
bool staff_session_expired(const staff_session_t *s, int64_t now);

/* ---- a line command's outcome, in words ---------------------------------- */

/* The commands staff send (numbers of their own: the core does not know the
 * driver's enum; app/platform maps them). STAFF_CMD_ACK acknowledges the
 * request's alarm (code, station, colour) or every alarm when its code is 0. */
typedef enum {
    STAFF_CMD_START = 0,
    STAFF_CMD_STOP,
    STAFF_CMD_RESET,
    STAFF_CMD_ACK,
    STAFF_CMD_MODE_AUTO,
    STAFF_CMD_MODE_MANUAL,
    STAFF_CMD_MODE_MAINTENANCE,
    STAFF_CMD_REFILL,
    STAFF_CMD_CANCEL, /* a queued order (the request's order) */
    STAFF_CMD_COUNT
} staff_cmd_t;

typedef enum {
    STAFF_OUTCOME_PENDING = 0, /* sent, no answer yet */
    STAFF_OUTCOME_ACCEPTED,
    STAFF_OUTCOME_REFUSED,
    STAFF_OUTCOME_TIMED_OUT,
    STAFF_OUTCOME_NOT_SENT, /* the driver's queue was full or no PLC is configured */
} staff_outcome_t;

/* "start", "stop", ... (the audit table and the strings' keys use these). */
const char *staff_cmd_name(staff_cmd_t cmd);
const char *staff_outcome_name(staff_outcome_t o);

/* The strings.yaml keys that say what became of CMD: OUTCOME_KEY the verdict
 * ("staff.outcome.refused"), WHY_KEY (may be NULL) why, and what to do
 * ("staff.why.reset_first"). PLC_RESULT is the PLC's mf_plc_result_t for a
 * refusal, LINE_STATE the line's PackML state when the answer came. */
void staff_outcome_keys(staff_cmd_t cmd, staff_outcome_t outcome, int plc_result, int line_state,
                        const char **outcome_key, const char **why_key);

/* What to check for an alarm code (mf_alarm_code_t): strings.yaml keys of its
 * plain-language text and of what to check. */
const char *staff_alarm_text_key(int code);
const char *staff_alarm_check_key(int code);

#endif
