/*
 * grbl_proto.c - line classification, messages, the counting window and the
 * motion-time estimate of GRBL 1.1 (see grbl_proto.h). Messages are written
 * for a technician, after the codes of the GRBL 1.1 interface documentation.
 */
#include "grbl_proto.h"

#include "mf_error.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const error_texts[] = {
    [1] = "a G-code word has no letter",
    [2] = "a number is missing or malformed",
    [3] = "unknown '$' system command",
    [4] = "a negative value where a positive one is expected",
    [5] = "homing is not enabled in the settings",
    [6] = "step pulse must be at least 3 microseconds",
    [7] = "settings could not be read back from EEPROM",
    [8] = "'$' command refused while the machine is not idle",
    [9] = "G-code locked out during an alarm or jog",
    [10] = "soft limits need homing enabled",
    [11] = "line too long (more than 80 characters)",
    [12] = "step rate too high for this setting",
    [13] = "safety door open",
    [14] = "build info or startup line too long",
    [15] = "jog target beyond machine travel",
    [16] = "invalid jog command",
    [17] = "laser mode needs PWM output",
    [20] = "unsupported or invalid G-code command",
    [21] = "two G-codes of the same modal group on one line",
    [22] = "feed rate not set",
    [23] = "a command needs an integer value",
    [24] = "two commands need axis words on one line",
    [25] = "a G-code word is repeated on one line",
    [26] = "a command needs axis words and has none",
    [27] = "invalid line number",
    [28] = "a command is missing a required value",
    [29] = "work coordinate systems G59.x are not supported",
    [30] = "G53 needs G0 or G1",
    [31] = "axis words present where none are used",
    [32] = "arc has no axis words in the selected plane",
    [33] = "motion target is invalid",
    [34] = "arc radius error",
    [35] = "arc has no offset in the selected plane",
    [36] = "unused value words on the line",
    [37] = "tool length offset axis error",
    [38] = "tool number above the maximum",
};

static const char *const alarm_texts[] = {
    [1] = "hard limit switch hit: position lost, home again",
    [2] = "motion target beyond machine travel (soft limit)",
    [3] = "reset during motion: position may be lost, home again",
    [4] = "probe not in the expected initial state",
    [5] = "probe did not touch within travel",
    [6] = "homing cycle reset",
    [7] = "safety door opened during homing",
    [8] = "homing could not pull off the limit switch",
    [9] = "homing could not find the limit switch",
};

const char *grbl_error_text(int code)
{
    const int n = (int)(sizeof error_texts / sizeof error_texts[0]);
    if (code <= 0 || code >= n || !error_texts[code])
        return "unknown GRBL error";
    return error_texts[code];
}

const char *grbl_alarm_text(int code)
{
    const int n = (int)(sizeof alarm_texts / sizeof alarm_texts[0]);
    if (code <= 0 || code >= n || !alarm_texts[code])
        return "unknown GRBL alarm";
    return alarm_texts[code];
}

static int parse_int_after(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < 0 || v > 255)
        return -1;
    *out = (int)v;
    return 0;
}

static void parse_status(const char *line, grbl_reply_t *r)
{
    /* <State|Field:a,b,c|Field:...> */
    char buf[160];
    size_t len = strlen(line);
    if (len < 3 || len - 2 >= sizeof buf)
        return;
    memcpy(buf, line + 1, len - 2);
    buf[len - 2] = '\0';
    char *save = NULL;
    char *tok = strtok_r(buf, "|", &save);
    if (!tok)
        return;
    snprintf(r->state, sizeof r->state, "%s", tok);
    while ((tok = strtok_r(NULL, "|", &save))) {
        if (strncmp(tok, "MPos:", 5) == 0 || strncmp(tok, "WPos:", 5) == 0) {
            r->has_pos = sscanf(tok + 5, "%lf,%lf,%lf", &r->pos[0], &r->pos[1], &r->pos[2]) == 3;
            r->pos_is_mpos = tok[0] == 'M';
        } else if (strncmp(tok, "WCO:", 4) == 0) {
            r->has_wco = sscanf(tok + 4, "%lf,%lf,%lf", &r->wco[0], &r->wco[1], &r->wco[2]) == 3;
        } else if (strncmp(tok, "FS:", 3) == 0 || strncmp(tok, "F:", 2) == 0) {
            r->feed = strtod(strchr(tok, ':') + 1, NULL);
        } else if (strncmp(tok, "Bf:", 3) == 0) {
            sscanf(tok + 3, "%d,%d", &r->planner_free, &r->rx_free);
        }
    }
}

void grbl_parse_reply(const char *line, grbl_reply_t *r)
{
    memset(r, 0, sizeof *r);
    r->feed = -1;
    r->planner_free = -1;
    r->rx_free = -1;
    r->kind = GRBL_REPLY_OTHER;
    if (strcmp(line, "ok") == 0) {
        r->kind = GRBL_REPLY_OK;
    } else if (strncmp(line, "error:", 6) == 0) {
        if (parse_int_after(line + 6, &r->code) == 0)
            r->kind = GRBL_REPLY_ERROR;
    } else if (strncmp(line, "ALARM:", 6) == 0) {
        if (parse_int_after(line + 6, &r->code) == 0)
            r->kind = GRBL_REPLY_ALARM;
    } else if (strncmp(line, "Grbl ", 5) == 0) {
        r->kind = GRBL_REPLY_BANNER;
        sscanf(line + 5, "%15s", r->text);
    } else if (line[0] == '<' && line[strlen(line) - 1] == '>') {
        r->kind = GRBL_REPLY_STATUS;
        parse_status(line, r);
        if (!r->state[0])
            r->kind = GRBL_REPLY_OTHER;
    } else if (line[0] == '[' && line[strlen(line) - 1] == ']') {
        r->kind = GRBL_REPLY_MSG;
        const char *body = line + 1;
        if (strncmp(body, "MSG:", 4) == 0)
            body += 4;
        snprintf(r->text, sizeof r->text, "%.*s", (int)(strlen(body) - 1), body);
    } else if (line[0] == '$' && isdigit((unsigned char)line[1]) && strchr(line, '=')) {
        char *end;
        long id = strtol(line + 1, &end, 10);
        if (*end == '=' && id >= 0 && id < 1000) {
            r->kind = GRBL_REPLY_SETTING;
            r->setting_id = (int)id;
            r->setting_value = strtod(end + 1, NULL); /* "(comment)" of GRBL 0.9 ignored */
        }
    }
}

void grbl_window_init(grbl_window_t *w, int capacity, int max_lines)
{
    memset(w, 0, sizeof *w);
    w->capacity = capacity;
    w->max_lines =
        max_lines < 1 ? 1 : (max_lines > GRBL_WINDOW_LINES ? GRBL_WINDOW_LINES : max_lines);
}

bool grbl_window_fits(const grbl_window_t *w, int len)
{
    return w->count < w->max_lines && w->used + len <= w->capacity;
}

void grbl_window_push(grbl_window_t *w, int len)
{
    w->lens[(w->head + w->count) % GRBL_WINDOW_LINES] = len;
    w->count++;
    w->used += len;
}

int grbl_window_pop(grbl_window_t *w)
{
    if (w->count == 0)
        return -1;
    int len = w->lens[w->head];
    w->head = (w->head + 1) % GRBL_WINDOW_LINES;
    w->count--;
    w->used -= len;
    return len;
}

/* Value of word LETTER on the line, if present. */
static bool word(const char *line, char letter, double *v)
{
    for (const char *p = line; *p; p++) {
        if (toupper((unsigned char)*p) == letter && (p == line || !isalpha((unsigned char)p[-1]))) {
            char *end;
            double x = strtod(p + 1, &end);
            if (end != p + 1) {
                *v = x;
                return true;
            }
        }
    }
    return false;
}

int grbl_estimate_times(const char *program, double rapid_mm_min, double *out, int cap)
{
    double x = 0, y = 0, feed = 0, total = 0;
    int motion = 0, n = 0;
    const char *p = program;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char line[128];
        if (len >= sizeof line)
            return MF_EINVAL;
        memcpy(line, p, len);
        line[len] = '\0';
        double g, v;
        if (word(line, 'G', &g) && g >= 0 && g <= 3 && g == floor(g))
            motion = (int)g;
        if (word(line, 'F', &v) && v > 0)
            feed = v;
        double nx = x, ny = y;
        bool has_x = word(line, 'X', &nx); /* both read: each sets its axis */
        bool has_y = word(line, 'Y', &ny);
        bool moves = has_x || has_y;
        if (moves) {
            double d = hypot(nx - x, ny - y);
            double rate = motion == 0 ? rapid_mm_min : feed;
            if (rate > 0)
                total += d / rate * 60.0;
            x = nx;
            y = ny;
        }
        if (n >= cap)
            return MF_ERANGE;
        out[n++] = total;
        p += len;
        if (*p == '\n')
            p++;
    }
    return n;
}

double grbl_line_dwell_s(const char *line, size_t len)
{
    char buf[128];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, line, len);
    buf[len] = '\0';
    double g, p;
    if (word(buf, 'G', &g) && g == 4.0 && word(buf, 'P', &p) && p > 0)
        return p;
    return 0;
}

void grbl_program_extent(const char *program, grbl_extent_t *e)
{
    memset(e, 0, sizeof *e);
    double x = 0, y = 0;
    bool inches = false, relative = false;
    const char *p = program;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[128];
        size_t n = len < sizeof line - 1 ? len : sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        for (const char *q = line; *q; q++) { /* modal words of this line */
            if (toupper((unsigned char)*q) != 'G' || (q > line && isalpha((unsigned char)q[-1])))
                continue;
            char *end;
            double gv = strtod(q + 1, &end);
            if (end == q + 1)
                continue;
            if (gv == 20)
                inches = true;
            else if (gv == 21)
                inches = false;
            else if (gv == 90)
                relative = false;
            else if (gv == 91)
                relative = true;
        }
        double k = inches ? 25.4 : 1.0, v;
        if (word(line, 'S', &v) && v > e->max_s)
            e->max_s = v;
        e->dwell_s += grbl_line_dwell_s(line, n);
        double g;
        bool dwell = word(line, 'G', &g) && g == 4.0;
        bool has_x = !dwell && word(line, 'X', &v);
        if (has_x)
            x = relative ? x + v * k : v * k;
        bool has_y = !dwell && word(line, 'Y', &v);
        if (has_y)
            y = relative ? y + v * k : v * k;
        if (has_x || has_y) {
            if (!e->moves) {
                e->min_x = e->max_x = x;
                e->min_y = e->max_y = y;
                e->moves = true;
            }
            e->min_x = fmin(e->min_x, x);
            e->max_x = fmax(e->max_x, x);
            e->min_y = fmin(e->min_y, y);
            e->max_y = fmax(e->max_y, y);
        }
        p = nl ? nl + 1 : NULL;
    }
}

void grbl_settings_init(grbl_settings_t *s)
{
    memset(s, 0, sizeof *s);
    s->laser_mode = -1;
    s->homing = -1;
}

void grbl_settings_take(grbl_settings_t *s, int id, double value)
{
    s->known = true;
    if (id == 30)
        s->max_s = value;
    else if (id == 32)
        s->laser_mode = value != 0.0;
    else if (id == 22)
        s->homing = value != 0.0;
    else if (id >= 130 && id <= 132)
        s->travel[id - 130] = value;
}

/* True when [LO, HI] fits in [0, T] or in [-T, 0] (GRBL machines home to
 * either end: positive or negative machine space). */
static bool fits_travel(double lo, double hi, double t)
{
    const double eps = 1e-3;
    return (lo >= -eps && hi <= t + eps) || (lo >= -t - eps && hi <= eps);
}

int grbl_check_program(const grbl_extent_t *e, const grbl_settings_t *s, char *why, size_t cap)
{
    if (cap)
        why[0] = '\0';
    if (!s->known)
        return 0;
    if (s->max_s > 0 && e->max_s > s->max_s + 1e-9) {
        snprintf(why, cap,
                 "laser power S%.0f above the engraver's maximum $30=%.0f: lower the power",
                 e->max_s, s->max_s);
        return MF_ERANGE;
    }
    if (!e->moves)
        return 0;
    static const char axis[2] = {'X', 'Y'};
    double lo[2] = {e->min_x, e->min_y}, hi[2] = {e->max_x, e->max_y};
    for (int i = 0; i < 2; i++) {
        double t = s->travel[i];
        if (t > 0 && !fits_travel(lo[i], hi[i], t)) {
            snprintf(why, cap,
                     "engraving area %c %.1f..%.1f mm beyond the machine's travel $13%d=%.0f mm",
                     axis[i], lo[i], hi[i], i, t);
            return MF_ERANGE;
        }
    }
    return 0;
}
