/*
 * staff.c - the staff console's pure logic (see staff.h): roles, the PIN
 * pad, the corner gesture, the doubling lockout, the console's idle rule and
 * the words for what became of a line command. No I/O, no clock.
 */
#include "staff.h"

#include "line_regmap.h"
#include "mf_error.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---- roles -------------------------------------------------------------- */

bool staff_role_can(staff_role_t role, staff_permission_t what)
{
    switch (what) {
    case STAFF_CAN_LINE:
    case STAFF_CAN_DEVICES:
    case STAFF_CAN_GROUP:
        return role == STAFF_ROLE_OPERATOR || role == STAFF_ROLE_ORGANISER;
    case STAFF_CAN_STATS:
    case STAFF_CAN_CONTENT:
    case STAFF_CAN_SETTINGS:
        return role == STAFF_ROLE_ORGANISER;
    }
    return false;
}

static const char *const role_names[STAFF_ROLE_COUNT] = {"none", "operator", "organiser"};

const char *staff_role_name(staff_role_t role)
{
    return role >= 0 && role < STAFF_ROLE_COUNT ? role_names[role] : "none";
}

staff_role_t staff_role_from_name(const char *name)
{
    for (int i = STAFF_ROLE_OPERATOR; i < STAFF_ROLE_COUNT; i++)
        if (name && strcmp(name, role_names[i]) == 0)
            return (staff_role_t)i;
    return STAFF_ROLE_NONE;
}

/* ---- the PIN pad -------------------------------------------------------- */

void staff_pinpad_clear(staff_pinpad_t *p)
{
    /* the digits do not linger in memory after a check */
    memset(p->digits, 0, sizeof p->digits);
    p->len = 0;
}

bool staff_pinpad_digit(staff_pinpad_t *p, char digit)
{
    if (digit < '0' || digit > '9' || p->len >= STAFF_PIN_MAX)
        return false;
    p->digits[p->len++] = digit;
    p->digits[p->len] = '\0';
    return true;
}

void staff_pinpad_backspace(staff_pinpad_t *p)
{
    if (p->len > 0)
        p->digits[--p->len] = '\0';
}

bool staff_pinpad_complete(const staff_pinpad_t *p)
{
    return p->len >= STAFF_PIN_MIN;
}

void staff_pinpad_dots(const staff_pinpad_t *p, char *buf, size_t size)
{
    static const char dot[] = "\xE2\x97\x8F"; /* U+25CF BLACK CIRCLE */
    size_t n = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    for (int i = 0; i < p->len && n + sizeof dot <= size; i++) {
        memcpy(buf + n, dot, sizeof dot);
        n += sizeof dot - 1;
    }
}

bool staff_pin_valid(const char *pin)
{
    size_t n = pin ? strlen(pin) : 0;
    if (n < STAFF_PIN_MIN || n > STAFF_PIN_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return false;
    return true;
}

/* ---- the entry gesture -------------------------------------------------- */

void staff_gesture_reset(staff_gesture_t *g)
{
    memset(g, 0, sizeof *g);
    g->press = STAFF_CORNER_NONE;
    g->first = STAFF_CORNER_NONE;
}

staff_corner_t staff_corner_at(float x, float y, float w, float h)
{
    float c = STAFF_GESTURE_CORNER;
    bool left = x >= 0.0f && x<c, right = x> w - c && x <= w;
    bool top = y >= 0.0f && y<c, bottom = y> h - c && y <= h;
    if (top && left)
        return STAFF_CORNER_TOP_LEFT;
    if (top && right)
        return STAFF_CORNER_TOP_RIGHT;
    if (bottom && right)
        return STAFF_CORNER_BOTTOM_RIGHT;
    if (bottom && left)
        return STAFF_CORNER_BOTTOM_LEFT;
    return STAFF_CORNER_NONE;
}

static staff_corner_t opposite(staff_corner_t c)
{
    return c == STAFF_CORNER_NONE ? STAFF_CORNER_NONE : (staff_corner_t)((c + 2) % 4);
}

void staff_gesture_down(staff_gesture_t *g, float x, float y, float w, float h, int64_t now)
{
    staff_corner_t c = staff_corner_at(x, y, w, h);
    if (g->first != STAFF_CORNER_NONE &&
        (c != opposite(g->first) || now - g->first_up_at > STAFF_GESTURE_GAP_MS))
        g->first = STAFF_CORNER_NONE; /* not the second half: start over */
    g->down = c != STAFF_CORNER_NONE;
    g->press = c;
    g->down_at = now;
}

void staff_gesture_move(staff_gesture_t *g, float x, float y, float w, float h, int64_t now)
{
    (void)now;
    if (g->down && staff_corner_at(x, y, w, h) != g->press) {
        g->down = false; /* wandered out of the corner: a drag, not the gesture */
        g->first = STAFF_CORNER_NONE;
    }
}

staff_gesture_result_t staff_gesture_up(staff_gesture_t *g, float x, float y, float w, float h,
                                        int64_t now)
{
    if (!g->down)
        return STAFF_GESTURE_IDLE;
    g->down = false;
    if (now - g->down_at < STAFF_GESTURE_HOLD_MS || staff_corner_at(x, y, w, h) != g->press) {
        g->first = STAFF_CORNER_NONE; /* an ordinary tap in a corner */
        return STAFF_GESTURE_IDLE;
    }
    if (g->first != STAFF_CORNER_NONE && g->press == opposite(g->first)) {
        staff_gesture_reset(g);
        return STAFF_GESTURE_DONE;
    }
    g->first = g->press;
    g->first_up_at = now;
    return STAFF_GESTURE_SWALLOW;
}

bool staff_gesture_holding(const staff_gesture_t *g, int64_t now)
{
    return g->down && now - g->down_at >= STAFF_GESTURE_HOLD_MS;
}

int64_t staff_gesture_deadline(const staff_gesture_t *g)
{
    return g->down ? g->down_at + STAFF_GESTURE_HOLD_MS : INT64_MAX;
}

/* ---- the lockout -------------------------------------------------------- */

void staff_lockout_init(staff_lockout_t *l)
{
    memset(l, 0, sizeof *l);
}

int64_t staff_lockout_length(int n)
{
    int64_t len = STAFF_LOCK_BASE_MS;
    for (int i = 1; i < n && len < STAFF_LOCK_MAX_MS; i++)
        len *= 2;
    return len < STAFF_LOCK_MAX_MS ? len : STAFF_LOCK_MAX_MS;
}

int64_t staff_lockout_remaining(const staff_lockout_t *l, int64_t now)
{
    if (l->locked_until <= 0 || l->locked_until <= now)
        return 0;
    int64_t left = l->locked_until - now;
    int64_t len = staff_lockout_length(l->lockouts > 0 ? l->lockouts : 1);
    return left > len ? len : left;
}

int64_t staff_lockout_fail(staff_lockout_t *l, int64_t now)
{
    if (staff_lockout_remaining(l, now) > 0)
        return 0; /* the pad takes no PIN while locked */
    l->locked_until = 0;
    if (++l->failures < STAFF_LOCK_TRIES)
        return 0;
    l->failures = 0;
    l->lockouts++;
    int64_t len = staff_lockout_length(l->lockouts);
    l->locked_until = now + len;
    return len;
}

void staff_lockout_success(staff_lockout_t *l)
{
    staff_lockout_init(l);
}

void staff_lockout_format(const staff_lockout_t *l, char *buf, size_t size)
{
    snprintf(buf, size, "%d %d %" PRId64 "\n", l->failures, l->lockouts, l->locked_until);
}

int staff_lockout_parse(staff_lockout_t *l, const char *text)
{
    staff_lockout_t t;
    char extra;
    if (!text || sscanf(text, "%d %d %" SCNd64 " %c", &t.failures, &t.lockouts, &t.locked_until,
                        &extra) != 3)
        return MF_EPARSE;
    if (t.failures < 0 || t.failures >= STAFF_LOCK_TRIES || t.lockouts < 0 || t.lockouts > 1000 ||
        t.locked_until < 0)
        return MF_EPARSE;
    *l = t;
    return MF_OK;
}

void staff_format_countdown(int64_t ms, char *buf, size_t size)
{
    int64_t s = ms <= 0 ? 0 : (ms + 999) / 1000;
    if (s >= 3600)
        snprintf(buf, size, "%d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
    else
        snprintf(buf, size, "%d:%02d", (int)(s / 60), (int)(s % 60));
}

/* ---- the session -------------------------------------------------------- */

void staff_session_open(staff_session_t *s, staff_role_t role, int64_t now)
{
    s->role = role;
    s->last_input = now;
}

void staff_session_touch(staff_session_t *s, int64_t now)
{
    s->last_input = now;
}

void staff_session_close(staff_session_t *s)
{
    s->role = STAFF_ROLE_NONE;
}

bool staff_session_expired(const staff_session_t *s, int64_t now)
{
    return s->role != STAFF_ROLE_NONE && now - s->last_input >= STAFF_IDLE_MS;
}

/* ---- outcomes ----------------------------------------------------------- */

static const char *const cmd_names[STAFF_CMD_COUNT] = {
    "start",  "stop",  "reset", "acknowledge", "mode-auto", "mode-manual", "mode-maintenance",
    "refill", "cancel"};

const char *staff_cmd_name(staff_cmd_t cmd)
{
    return cmd >= 0 && cmd < STAFF_CMD_COUNT ? cmd_names[cmd] : "?";
}

const char *staff_outcome_name(staff_outcome_t o)
{
    switch (o) {
    case STAFF_OUTCOME_PENDING:
        return "pending";
    case STAFF_OUTCOME_ACCEPTED:
        return "accepted";
    case STAFF_OUTCOME_REFUSED:
        return "refused";
    case STAFF_OUTCOME_TIMED_OUT:
        return "timed-out";
    case STAFF_OUTCOME_NOT_SENT:
        return "not-sent";
    }
    return "?";
}

static bool state_running(int s)
{
    return s == MF_PACKML_EXECUTE || s == MF_PACKML_STARTING || s == MF_PACKML_STOPPING ||
           s == MF_PACKML_SUSPENDED || s == MF_PACKML_SUSPENDING || s == MF_PACKML_UNSUSPENDING ||
           s == MF_PACKML_UNHOLDING;
}

static bool state_aborted(int s)
{
    return s == MF_PACKML_ABORTED || s == MF_PACKML_ABORTING || s == MF_PACKML_CLEARING;
}

/* Why the PLC said "not in this state", and what state the command needs. */
static const char *why_bad_state(staff_cmd_t cmd, int s)
{
    switch (cmd) {
    case STAFF_CMD_START:
        if (s == MF_PACKML_STOPPED || state_aborted(s))
            return "staff.why.reset_first";
        if (s == MF_PACKML_HELD || s == MF_PACKML_HOLDING)
            return "staff.why.held";
        return "staff.why.start_needs_idle";
    case STAFF_CMD_STOP:
        return state_aborted(s) ? "staff.why.aborted" : "staff.why.state";
    case STAFF_CMD_RESET:
        if (state_aborted(s))
            return "staff.why.clear_cause";
        if (state_running(s) || s == MF_PACKML_HELD || s == MF_PACKML_HOLDING)
            return "staff.why.stop_first";
        return "staff.why.reset_needs_stopped";
    case STAFF_CMD_MODE_AUTO:
    case STAFF_CMD_MODE_MANUAL:
    case STAFF_CMD_MODE_MAINTENANCE:
        return state_running(s) ? "staff.why.stop_first" : "staff.why.state";
    case STAFF_CMD_ACK:
    case STAFF_CMD_REFILL:
    case STAFF_CMD_CANCEL:
    case STAFF_CMD_COUNT:
        break;
    }
    return "staff.why.state";
}

void staff_outcome_keys(staff_cmd_t cmd, staff_outcome_t outcome, int plc_result, int line_state,
                        const char **outcome_key, const char **why_key)
{
    const char *o = "staff.outcome.pending", *why = NULL;
    switch (outcome) {
    case STAFF_OUTCOME_PENDING:
        break;
    case STAFF_OUTCOME_ACCEPTED:
        o = "staff.outcome.accepted";
        break;
    case STAFF_OUTCOME_TIMED_OUT:
        o = "staff.outcome.timed_out";
        why = "staff.why.timed_out";
        break;
    case STAFF_OUTCOME_NOT_SENT:
        o = "staff.outcome.not_sent";
        why = "staff.why.not_sent";
        break;
    case STAFF_OUTCOME_REFUSED:
        o = "staff.outcome.refused";
        switch (plc_result) {
        case MF_PLC_RES_ESTOP:
            why = "staff.why.estop";
            break;
        case MF_PLC_RES_BAD_STATE:
            why = why_bad_state(cmd, line_state);
            break;
        case MF_PLC_RES_QUEUE_FULL:
            why = "staff.why.queue_full";
            break;
        case MF_PLC_RES_BAD_ARG:
        case MF_PLC_RES_BAD_COMMAND:
            why = "staff.why.bad_command";
            break;
        case MF_PLC_RES_IN_PRODUCTION:
            why = "staff.why.in_production";
            break;
        case MF_PLC_RES_NO_ORDER:
            why = cmd == STAFF_CMD_CANCEL ? "staff.why.no_order" : "staff.why.unknown";
            break;
        default:
            why = "staff.why.unknown";
            break;
        }
        break;
    }
    if (outcome_key)
        *outcome_key = o;
    if (why_key)
        *why_key = why;
}

static const char *const alarm_text_keys[MF_ALARM_CODE_MAX + 1] = {
    "staff.alarm.none.text",     "staff.alarm.estop.text",   "staff.alarm.jam.text",
    "staff.alarm.sensor.text",   "staff.alarm.robot.text",   "staff.alarm.rejects.text",
    "staff.alarm.engraver.text", "staff.alarm.magazine.text"};
static const char *const alarm_check_keys[MF_ALARM_CODE_MAX + 1] = {
    "staff.alarm.none.check",     "staff.alarm.estop.check",   "staff.alarm.jam.check",
    "staff.alarm.sensor.check",   "staff.alarm.robot.check",   "staff.alarm.rejects.check",
    "staff.alarm.engraver.check", "staff.alarm.magazine.check"};

const char *staff_alarm_text_key(int code)
{
    return code >= 0 && code <= MF_ALARM_CODE_MAX ? alarm_text_keys[code]
                                                  : "staff.alarm.unknown.text";
}

const char *staff_alarm_check_key(int code)
{
    return code >= 0 && code <= MF_ALARM_CODE_MAX ? alarm_check_keys[code]
                                                  : "staff.alarm.unknown.check";
}
