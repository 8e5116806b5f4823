/*
 * grbl_sim.c - a GRBL 1.1 controller without its port (see grbl_sim.h).
 *
 * Time advances in fixed 100 us ticks. In each tick: bytes whose arrival over
 * the 115200-baud link is due enter (real-time commands act at once, others
 * fill the 128-byte receive buffer), the protocol loop pulls characters into a
 * line, executes a complete line once its parse time has passed and (for
 * motion) the 15-block planner has room, and the stepper "executes" the head
 * block at a speed bounded by acceleration, the block's nominal speed and the
 * speed from which it can still stop (or reach the next block's planned entry
 * speed) in the distance left. Entry speeds follow GRBL's planner: junction
 * deviation limits, a reverse then a forward pass over the buffer.
 *
 * Reading order: grbl_sim_advance -> tick -> (rx_deliver, protocol_step,
 * motion_step); line execution is gcode_execute / system_execute.
 */
#include "grbl_sim.h"

#include "mf_error.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define TICK_US 100u
#define LINE_MAX_CHARS 80 /* GRBL's LINE_BUFFER_SIZE */
#define INQ_CAP 65536
#define OUTQ_CAP 16384
#define MM_PER_INCH 25.4
#define GRBL_BANNER "\r\nGrbl 1.1h ['$' for help]\r\n"

typedef enum { ST_IDLE, ST_RUN, ST_HOLD, ST_HOME, ST_ALARM, ST_CHECK } grbl_state_t;
typedef enum { P_COLLECT, P_BUSY, P_FEED, P_DWELL, P_HOMING } parse_phase_t;

typedef struct {
    double start[3], target[3], unit[3];
    double length, nominal, accel; /* mm, mm/s, mm/s^2 */
    double entry_max, entry;       /* mm/s */
    double feed_mm_min, power;
    int burn;
} grbl_block_t;

typedef struct {
    double target[3];
    double feed_mm_min; /* 0 = rapid */
    double power;
    int burn;
} grbl_move_t;

typedef struct {
    double x0, y0, x1, y1, s, f;
} grbl_burn_t;

/* Settings: number, value, printed as integer? */
typedef struct {
    unsigned id;
    double value;
    int integer;
} grbl_setting_t;

static const grbl_setting_t default_settings[] = {
    {0, 10, 1},       {1, 25, 1},       {2, 0, 1},       {3, 0, 1},        {4, 0, 1},
    {5, 0, 1},        {6, 0, 1},        {10, 1, 1},      {11, 0.010, 0},   {12, 0.002, 0},
    {13, 0, 1},       {20, 0, 1},       {21, 0, 1},      {22, 0, 1},       {23, 0, 1},
    {24, 25.0, 0},    {25, 500.0, 0},   {26, 250, 1},    {27, 1.0, 0},     {30, 1000, 1},
    {31, 0, 1},       {32, 1, 1},       {100, 80.0, 0},  {101, 80.0, 0},   {102, 250.0, 0},
    {110, 6000.0, 0}, {111, 6000.0, 0}, {112, 500.0, 0}, {120, 1000.0, 0}, {121, 1000.0, 0},
    {122, 100.0, 0},  {130, 300.0, 0},  {131, 200.0, 0}, {132, 50.0, 0},
};
#define SETTINGS_COUNT (sizeof default_settings / sizeof default_settings[0])

struct grbl_sim {
    grbl_sim_config_t cfg;
    uint64_t t; /* controller time, us */
    uint64_t byte_us_x1000;

    /* host -> controller bytes in flight */
    struct {
        uint64_t at;
        char c;
    } * inq;
    size_t inq_head, inq_len;
    uint64_t in_last; /* arrival time of the last byte queued */

    /* controller -> host */
    struct {
        uint64_t at;
        char c;
    } * outq;
    size_t outq_head, outq_len;
    uint64_t out_last;

    char rx[GRBL_SIM_RX_BUFFER];
    size_t rx_head, rx_len;
    size_t rx_overflows;

    /* protocol */
    parse_phase_t phase;
    char line[LINE_MAX_CHARS + 1];
    size_t line_len;
    int line_overflow, in_comment_paren, in_comment_semi;
    uint64_t busy_until;
    grbl_move_t *moves;
    size_t moves_len, moves_cap, moves_next;
    int program_end; /* M2/M30: once motion is done, reset modes and say so */
    uint64_t dwell_us;
    int dwell_started;

    /* modal state */
    int motion;   /* 0 1 2 3 */
    int inches;   /* G20 */
    int relative; /* G91 */
    double feed;  /* mm/min */
    double spindle_s;
    int spindle; /* 0 off, 3 M3, 4 M4 */

    grbl_state_t state;
    unsigned reports; /* status reports sent, for the WCO / Ov rhythm */
    int hold_complete;
    int critical; /* alarm that needs a reset before anything */
    unsigned alarm;

    grbl_setting_t settings[SETTINGS_COUNT];

    /* Faults and machine-side actions (control socket). */
    int drop_ok_after; /* the ok after this many more is lost; -1 = none */
    unsigned oks_dropped;
    int homing_answers;   /* 1: '?' answered while homing (not GRBL); 0: deferred (GRBL) */
    int status_deferred;  /* a '?' arrived while homing: answered when it ends */
    double homing_min_s;  /* a homing cycle lasts at least this long */
    unsigned homing_fail; /* the next cycle ends in ALARM:N (6..9), 0 = succeeds */

    /* planner and motion */
    grbl_block_t blocks[GRBL_SIM_PLANNER_BLOCKS];
    size_t bhead, bcount;
    double plan_pos[3]; /* end of the last planned block */
    double prev_unit[3];
    double prev_nominal;
    int have_prev;
    double exec_s, exec_v; /* distance into the head block, speed */
    double pos[3];         /* machine position */

    FILE *burn_log;
    grbl_burn_t *burns;
    size_t burns_len, burns_cap;
};

/* ---- settings ----------------------------------------------------------- */

static double setting(const grbl_sim_t *g, unsigned id)
{
    for (size_t i = 0; i < SETTINGS_COUNT; i++) {
        if (g->settings[i].id == id)
            return g->settings[i].value;
    }
    return 0.0;
}

static grbl_setting_t *setting_find(grbl_sim_t *g, unsigned id)
{
    for (size_t i = 0; i < SETTINGS_COUNT; i++) {
        if (g->settings[i].id == id)
            return &g->settings[i];
    }
    return NULL;
}

/* ---- output link -------------------------------------------------------- */

static void out_bytes(grbl_sim_t *g, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (g->outq_len == OUTQ_CAP)
            return;
        uint64_t depart = g->t > g->out_last ? g->t : g->out_last;
        depart += g->byte_us_x1000 / 1000u;
        g->out_last = depart;
        size_t idx = (g->outq_head + g->outq_len++) % OUTQ_CAP;
        g->outq[idx].at = depart + g->cfg.latency_us;
        g->outq[idx].c = s[i];
    }
}

__attribute__((format(printf, 2, 3))) static void out_printf(grbl_sim_t *g, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        out_bytes(g, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* ---- burned path -------------------------------------------------------- */

static void burn_record(grbl_sim_t *g, const grbl_block_t *b, const double *end)
{
    if (!b->burn)
        return;
    if (g->burns_len == g->burns_cap) {
        size_t cap = g->burns_cap ? g->burns_cap * 2 : 256;
        grbl_burn_t *nb = realloc(g->burns, cap * sizeof *nb);
        if (!nb)
            return;
        g->burns = nb;
        g->burns_cap = cap;
    }
    grbl_burn_t *r = &g->burns[g->burns_len++];
    *r = (grbl_burn_t){b->start[0], b->start[1], end[0], end[1], b->power, b->feed_mm_min};
    if (g->burn_log) {
        fprintf(g->burn_log, "burn %.3f %.3f %.3f %.3f %.0f %.0f\n", r->x0, r->y0, r->x1, r->y1,
                r->s, r->f);
        fflush(g->burn_log);
    }
}

/* ---- planner ------------------------------------------------------------ */

static grbl_block_t *block_at(grbl_sim_t *g, size_t i)
{
    return &g->blocks[(g->bhead + i) % GRBL_SIM_PLANNER_BLOCKS];
}

static void planner_recalculate(grbl_sim_t *g)
{
    if (g->bcount == 0)
        return;
    /* Reverse pass: every block must be able to stop by the end of the buffer. */
    double next_entry = 0.0;
    for (size_t i = g->bcount; i-- > 1;) {
        grbl_block_t *b = block_at(g, i);
        double v = sqrt(next_entry * next_entry + 2.0 * b->accel * b->length);
        b->entry = v < b->entry_max ? v : b->entry_max;
        next_entry = b->entry;
    }
    /* Forward pass from what the head block can still reach. */
    grbl_block_t *head = block_at(g, 0);
    double left = head->length - g->exec_s;
    if (left < 0)
        left = 0;
    double reach = sqrt(g->exec_v * g->exec_v + 2.0 * head->accel * left);
    for (size_t i = 1; i < g->bcount; i++) {
        grbl_block_t *b = block_at(g, i);
        if (b->entry > reach)
            b->entry = reach;
        reach = sqrt(b->entry * b->entry + 2.0 * b->accel * b->length);
    }
}

static double axis_limited(const double unit[3], const double per_axis[3])
{
    double lim = INFINITY;
    for (int i = 0; i < 3; i++) {
        if (fabs(unit[i]) > 1e-12) {
            double l = per_axis[i] / fabs(unit[i]);
            if (l < lim)
                lim = l;
        }
    }
    return lim;
}

/* Appends a straight move; the caller made sure there is room. */
static void planner_add(grbl_sim_t *g, const grbl_move_t *mv)
{
    double d[3], len = 0.0;
    for (int i = 0; i < 3; i++) {
        d[i] = mv->target[i] - g->plan_pos[i];
        len += d[i] * d[i];
    }
    len = sqrt(len);
    if (len < 1e-6)
        return; /* GRBL drops zero-length blocks */
    grbl_block_t *b = block_at(g, g->bcount);
    memset(b, 0, sizeof *b);
    memcpy(b->start, g->plan_pos, sizeof b->start);
    memcpy(b->target, mv->target, sizeof b->target);
    for (int i = 0; i < 3; i++)
        b->unit[i] = d[i] / len;
    b->length = len;
    double rates[3] = {setting(g, 110) / 60.0, setting(g, 111) / 60.0, setting(g, 112) / 60.0};
    double accels[3] = {setting(g, 120), setting(g, 121), setting(g, 122)};
    double max_rate = axis_limited(b->unit, rates);
    b->nominal = mv->feed_mm_min > 0 ? mv->feed_mm_min / 60.0 : max_rate;
    if (b->nominal > max_rate)
        b->nominal = max_rate;
    b->accel = axis_limited(b->unit, accels);
    b->feed_mm_min = mv->feed_mm_min > 0 ? mv->feed_mm_min : max_rate * 60.0;
    b->power = mv->power;
    b->burn = mv->burn;

    /* Junction speed (GRBL's junction deviation). */
    double vmax = 0.0;
    if (g->have_prev && (g->bcount > 0 || g->exec_v > 0.0)) {
        double cos_theta = -(g->prev_unit[0] * b->unit[0] + g->prev_unit[1] * b->unit[1] +
                             g->prev_unit[2] * b->unit[2]);
        if (cos_theta < -0.999999) {
            vmax = INFINITY; /* straight on */
        } else if (cos_theta > 0.999999) {
            vmax = 0.0; /* reversal */
        } else {
            double sin_d2 = sqrt(0.5 * (1.0 - cos_theta));
            vmax = sqrt(b->accel * setting(g, 11) * sin_d2 / (1.0 - sin_d2));
        }
        if (vmax > b->nominal)
            vmax = b->nominal;
        if (vmax > g->prev_nominal)
            vmax = g->prev_nominal;
    }
    b->entry_max = vmax;
    b->entry = 0.0;
    memcpy(g->prev_unit, b->unit, sizeof g->prev_unit);
    g->prev_nominal = b->nominal;
    g->have_prev = 1;
    memcpy(g->plan_pos, mv->target, sizeof g->plan_pos);
    if (g->bcount == 0) {
        g->exec_s = 0.0; /* exec_v carries over (0 unless a block just ended) */
    }
    g->bcount++;
    planner_recalculate(g);
}

static void planner_flush(grbl_sim_t *g)
{
    g->bcount = 0;
    g->exec_s = 0.0;
    g->exec_v = 0.0;
    g->have_prev = 0;
    memcpy(g->plan_pos, g->pos, sizeof g->pos);
}

/* Stops motion now (alarm, reset): the executed part of a burn is kept. */
static void motion_kill(grbl_sim_t *g)
{
    if (g->bcount > 0 && g->exec_s > 1e-6)
        burn_record(g, block_at(g, 0), g->pos);
    planner_flush(g);
}

static void motion_step(grbl_sim_t *g, double dt)
{
    if (g->state == ST_ALARM || g->state == ST_HOME)
        return;
    while (dt > 1e-12 && g->bcount > 0) {
        grbl_block_t *b = block_at(g, 0);
        double left = b->length - g->exec_s;
        double exit_v = g->bcount > 1 ? block_at(g, 1)->entry : 0.0;
        double v;
        if (g->state == ST_HOLD) {
            v = g->exec_v - b->accel * dt;
            if (v <= 0.0) {
                v = 0.0;
                g->hold_complete = 1;
            }
        } else {
            double up = g->exec_v + b->accel * dt;
            double stop = sqrt(exit_v * exit_v + 2.0 * b->accel * (left > 0 ? left : 0));
            v = up < b->nominal ? up : b->nominal;
            if (v > stop)
                v = stop;
        }
        double ds = 0.5 * (g->exec_v + v) * dt;
        if (g->state != ST_HOLD && ds < 1e-9 && left > 0) {
            ds = left < 1e-6 ? left : 1e-6; /* never stall at the end of a block */
        }
        if (ds >= left) {
            double used = (g->exec_v + v) > 1e-12 ? 2.0 * left / (g->exec_v + v) : dt;
            if (used > dt)
                used = dt;
            g->exec_s = b->length;
            for (int i = 0; i < 3; i++)
                g->pos[i] = b->target[i];
            g->exec_v = v;
            burn_record(g, b, b->target);
            g->bhead = (g->bhead + 1) % GRBL_SIM_PLANNER_BLOCKS;
            g->bcount--;
            g->exec_s = 0.0;
            if (g->bcount == 0)
                g->exec_v = 0.0;
            dt -= used;
            if (used <= 0)
                break;
            continue;
        }
        g->exec_s += ds;
        g->exec_v = v;
        for (int i = 0; i < 3; i++)
            g->pos[i] = b->start[i] + b->unit[i] * g->exec_s;
        break;
    }
    if (g->state == ST_HOLD && g->bcount == 0)
        g->hold_complete = 1;
    if (g->state == ST_RUN && g->bcount == 0 && g->phase != P_FEED)
        g->state = ST_IDLE;
}

/* ---- reset and alarms --------------------------------------------------- */

static void parser_defaults(grbl_sim_t *g)
{
    g->motion = 0;
    g->inches = 0;
    g->relative = 0;
    g->feed = 0.0;
    g->spindle_s = 0.0;
    g->spindle = 0;
}

static void protocol_clear(grbl_sim_t *g)
{
    g->phase = P_COLLECT;
    g->line_len = 0;
    g->line_overflow = g->in_comment_paren = g->in_comment_semi = 0;
    g->moves_len = g->moves_next = 0;
    g->program_end = 0;
}

static void soft_reset(grbl_sim_t *g)
{
    int moving = g->bcount > 0 && (g->state == ST_RUN || g->state == ST_HOLD) && g->exec_v > 0.0;
    if (moving && g->state != ST_ALARM) {
        g->alarm = 3;
        out_printf(g, "ALARM:3\r\n");
    }
    int was_alarm = g->state == ST_ALARM || moving;
    motion_kill(g);
    protocol_clear(g);
    g->rx_head = g->rx_len = 0;
    parser_defaults(g);
    g->critical = 0;
    g->hold_complete = 0;
    g->status_deferred = 0;
    out_printf(g, GRBL_BANNER);
    if (was_alarm || setting(g, 22) != 0.0) {
        g->state = ST_ALARM;
        out_printf(g, "[MSG:'$H'|'$X' to unlock]\r\n");
    } else {
        g->state = ST_IDLE;
    }
}

static void raise_alarm(grbl_sim_t *g, unsigned code)
{
    motion_kill(g);
    protocol_clear(g);
    g->state = ST_ALARM;
    g->alarm = code;
    out_printf(g, "ALARM:%u\r\n", code);
    if (code == 1 || code == 2 || code == 10) {
        g->critical = 1;
        out_printf(g, "[MSG:Reset to continue]\r\n");
    }
}

/* ---- status report ------------------------------------------------------ */

static const char *state_text(const grbl_sim_t *g)
{
    switch (g->state) {
    case ST_IDLE:
        return "Idle";
    case ST_RUN:
        return "Run";
    case ST_HOLD:
        return g->hold_complete ? "Hold:0" : "Hold:1";
    case ST_HOME:
        return "Home";
    case ST_ALARM:
        return "Alarm";
    case ST_CHECK:
        return "Check";
    }
    return "Idle";
}

static void status_report(grbl_sim_t *g)
{
    double f = g->exec_v * 60.0;
    double s = g->bcount > 0 ? block_at(g, 0)->power : 0.0;
    if (g->bcount > 0 && !block_at(g, 0)->burn)
        s = 0.0;
    unsigned mask = (unsigned)setting(g, 10);
    double k = (setting(g, 13) != 0.0) ? 1.0 / MM_PER_INCH : 1.0;
    out_printf(g, "<%s|%s:%.3f,%.3f,%.3f", state_text(g), (mask & 1u) ? "MPos" : "WPos",
               g->pos[0] * k, g->pos[1] * k, g->pos[2] * k);
    if (mask & 2u)
        out_printf(g, "|Bf:%u,%u", (unsigned)(GRBL_SIM_PLANNER_BLOCKS - g->bcount),
                   (unsigned)(GRBL_SIM_RX_BUFFER - 1 - g->rx_len));
    out_printf(g, "|FS:%.0f,%.0f", f, s);
    /* Like GRBL, the work offset and the overrides only every few reports. */
    g->reports++;
    if (g->reports % 10 == 1)
        out_printf(g, "|WCO:0.000,0.000,0.000");
    else if (g->reports % 10 == 6)
        out_printf(g, "|Ov:100,100,100%s",
                   g->spindle == 3   ? "|A:S"
                   : g->spindle == 4 ? "|A:C"
                                     : "");
    out_printf(g, ">\r\n");
}

/* ---- $ commands --------------------------------------------------------- */

/* GRBL's read_float: optional sign, digits, at most one point. No exponent,
 * no hex (strtod would read "0X5" of "G0X5" as hexadecimal). */
static int parse_number(const char *s, size_t *i, double *out)
{
    size_t p = *i;
    int neg = 0;
    if (s[p] == '-' || s[p] == '+')
        neg = s[p++] == '-';
    double v = 0.0, scale = 0.0;
    int digits = 0;
    for (;; p++) {
        char c = s[p];
        if (c >= '0' && c <= '9') {
            v = v * 10.0 + (c - '0');
            if (scale > 0)
                scale *= 10.0;
            digits++;
        } else if (c == '.' && scale == 0.0) {
            scale = 1.0;
        } else {
            break;
        }
    }
    if (!digits)
        return 0;
    if (scale > 0)
        v /= scale;
    *out = neg ? -v : v;
    *i = p;
    return 1;
}

static int idle_or_alarm(const grbl_sim_t *g)
{
    return g->state == ST_IDLE || g->state == ST_ALARM || g->state == ST_CHECK;
}

/* Returns 0 for ok, a GRBL error code, or -1 when the command answers later. */
static int system_execute(grbl_sim_t *g, const char *l)
{
    if (l[1] == '\0') {
        out_printf(g,
                   "[HLP:$$ $# $G $I $N $x=val $Nx=line $J=line $SLP $C $X $H ~ ! ? ctrl-x]\r\n");
        return 0;
    }
    if (strcmp(l, "$$") == 0) {
        if (!idle_or_alarm(g))
            return 8;
        for (size_t i = 0; i < SETTINGS_COUNT; i++) {
            if (g->settings[i].integer)
                out_printf(g, "$%u=%.0f\r\n", g->settings[i].id, g->settings[i].value);
            else
                out_printf(g, "$%u=%.3f\r\n", g->settings[i].id, g->settings[i].value);
        }
        return 0;
    }
    if (strcmp(l, "$#") == 0) {
        if (!idle_or_alarm(g))
            return 8;
        static const char *names[] = {"G54", "G55", "G56", "G57", "G58",
                                      "G59", "G28", "G30", "G92"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            out_printf(g, "[%s:0.000,0.000,0.000]\r\n", names[i]);
        out_printf(g, "[TLO:0.000]\r\n[PRB:0.000,0.000,0.000:0]\r\n");
        return 0;
    }
    if (strcmp(l, "$G") == 0) {
        out_printf(g, "[GC:G%d G54 G17 G%d G%d G94 M%d M9 T0 F%.0f S%.0f]\r\n", g->motion,
                   g->inches ? 20 : 21, g->relative ? 91 : 90, g->spindle ? g->spindle : 5,
                   g->inches ? g->feed / MM_PER_INCH : g->feed, g->spindle_s);
        return 0;
    }
    if (strcmp(l, "$I") == 0) {
        out_printf(g, "[VER:1.1h.20190825:minifab-sim]\r\n[OPT:V,%d,%d]\r\n",
                   GRBL_SIM_PLANNER_BLOCKS, GRBL_SIM_RX_BUFFER);
        return 0;
    }
    if (strcmp(l, "$N") == 0) {
        out_printf(g, "$N0=\r\n$N1=\r\n");
        return 0;
    }
    if (strcmp(l, "$X") == 0) {
        if (!idle_or_alarm(g))
            return 8;
        if (g->state == ST_ALARM) {
            g->state = ST_IDLE;
            g->alarm = 0;
            out_printf(g, "[MSG:Caution: Unlocked]\r\n");
        }
        return 0;
    }
    if (strcmp(l, "$H") == 0) {
        if (setting(g, 22) == 0.0)
            return 5;
        if (g->state == ST_CHECK)
            return 8;
        if (!idle_or_alarm(g))
            return 8;
        double far = 0.0;
        for (int i = 0; i < 3; i++) {
            if (fabs(g->pos[i]) > far)
                far = fabs(g->pos[i]);
        }
        double seek = setting(g, 25) / 60.0;
        double secs = far / (seek > 0 ? seek : 1.0) + 0.3;
        if (secs < g->homing_min_s)
            secs = g->homing_min_s;
        g->state = ST_HOME;
        g->status_deferred = 0;
        g->busy_until = g->t + (uint64_t)(secs * 1e6);
        g->phase = P_HOMING;
        return -1;
    }
    if (strcmp(l, "$C") == 0) {
        /* Check mode: lines are parsed and answered, nothing moves. */
        if (g->state == ST_CHECK) {
            out_printf(g, "[MSG:Disabled]\r\nok\r\n");
            soft_reset(g); /* GRBL resets on leaving check mode */
            return -1;
        }
        if (g->state != ST_IDLE)
            return 8;
        g->state = ST_CHECK;
        out_printf(g, "[MSG:Enabled]\r\n");
        return 0;
    }
    if (l[1] == 'C' || l[1] == 'J' || strncmp(l, "$SLP", 4) == 0 || l[1] == 'R')
        return 3; /* check mode, jogging, sleep, restore: not simulated */
    /* $n=value */
    size_t i = 1;
    double id, value;
    if (!parse_number(l, &i, &id) || l[i] != '=')
        return 3;
    i++;
    if (!parse_number(l, &i, &value) || l[i] != '\0')
        return 2;
    if (!idle_or_alarm(g))
        return 8;
    if (id < 0 || id > 1000 || id != floor(id))
        return 3;
    grbl_setting_t *s = setting_find(g, (unsigned)id);
    if (!s)
        return 3;
    if (value < 0)
        return 4;
    if (value > 1e6)
        return 3; /* no setting of this board goes that far */
    if ((unsigned)id == 20 && value != 0.0 && setting(g, 22) == 0.0)
        return 10;
    s->value = s->integer ? floor(value) : value;
    return 0;
}

/* ---- G-code ------------------------------------------------------------- */

static int push_move(grbl_sim_t *g, const double target[3], int rapid)
{
    if (g->moves_len == g->moves_cap) {
        size_t cap = g->moves_cap ? g->moves_cap * 2 : 64;
        grbl_move_t *nm = realloc(g->moves, cap * sizeof *nm);
        if (!nm)
            return -1;
        g->moves = nm;
        g->moves_cap = cap;
    }
    grbl_move_t *m = &g->moves[g->moves_len++];
    memcpy(m->target, target, sizeof m->target);
    m->feed_mm_min = rapid ? 0.0 : g->feed;
    m->power = g->spindle_s;
    m->burn = !rapid && g->spindle != 0 && g->spindle_s > 0.0;
    return 0;
}

/* Arc from the planned position to target around centre (GRBL's mc_arc:
 * chords within $12 of the true arc). */
static int arc_moves(grbl_sim_t *g, const double target[3], const double centre[2], int cw)
{
    const double *p = g->plan_pos;
    double r0[2] = {p[0] - centre[0], p[1] - centre[1]};
    const double r1[2] = {target[0] - centre[0], target[1] - centre[1]};
    double radius = hypot(r0[0], r0[1]);
    double angle = atan2(r0[0] * r1[1] - r0[1] * r1[0], r0[0] * r1[0] + r0[1] * r1[1]);
    if (cw) {
        if (angle >= -1e-9)
            angle -= 2 * M_PI;
    } else if (angle <= 1e-9) {
        angle += 2 * M_PI;
    }
    double tol = setting(g, 12);
    double chord_room = tol * (2 * radius - tol);
    double nseg = floor(fabs(0.5 * angle * radius) / sqrt(chord_room > 0 ? chord_room : 1e-9));
    unsigned segments = nseg > 20000.0 ? 20000u : (unsigned)nseg; /* bounded before the cast */
    double z0 = p[2];
    for (unsigned k = 1; k < segments; k++) {
        double a = angle * k / segments;
        double c = cos(a), s = sin(a);
        double pt[3] = {centre[0] + r0[0] * c - r0[1] * s, centre[1] + r0[0] * s + r0[1] * c,
                        z0 + (target[2] - z0) * k / segments};
        if (push_move(g, pt, 0) != 0)
            return -1;
    }
    return push_move(g, target, 0);
}

/* Parses and executes one G-code line. Returns 0 (ok now), -1 (ok later,
 * after its moves or dwell) or a GRBL error code. */
static int gcode_execute(grbl_sim_t *g, const char *l)
{
    double word[26];
    int have[26] = {0};
    int g_motion = -1, g_units = -1, g_dist = -1, g_dwell = 0, m_spindle = -1, m_end = 0;
    int modal_seen[8] = {0};
    for (size_t i = 0; l[i];) {
        char c = l[i];
        if (c < 'A' || c > 'Z')
            return 1;
        i++;
        double v;
        if (!parse_number(l, &i, &v))
            return 2;
        int idx = c - 'A';
        if (c == 'G') {
            double iv = floor(v);
            if (v - iv > 1e-6 || v < 0 || v > 1000)
                return 20;
            int gv = (int)iv, group;
            switch (gv) {
            case 0:
            case 1:
            case 2:
            case 3:
                group = 1;
                g_motion = gv;
                break;
            case 4:
                group = 0;
                g_dwell = 1;
                break;
            case 17:
                group = 2;
                break;
            case 20:
            case 21:
                group = 6;
                g_units = gv;
                break;
            case 90:
            case 91:
                group = 3;
                g_dist = gv;
                break;
            case 94:
                group = 5;
                break;
            case 54:
                group = 7;
                break;
            default:
                return 20;
            }
            if (modal_seen[group])
                return 21;
            modal_seen[group] = 1;
            continue;
        }
        if (c == 'M') {
            if (v != floor(v) || v < 0 || v > 1000)
                return 20;
            int mv = (int)v;
            if (mv == 3 || mv == 4 || mv == 5) {
                if (m_spindle >= 0)
                    return 21;
                m_spindle = mv;
            } else if (mv == 2 || mv == 30) {
                m_end = 1;
            } else if (mv == 8 || mv == 9) {
                /* coolant: accepted, nothing to cool */
            } else {
                return 20;
            }
            continue;
        }
        if (!strchr("FIJKNPRSTXYZ", c))
            return 20;
        if (have[idx])
            return 25;
        have[idx] = 1;
        word[idx] = v;
        if ((c == 'F' || c == 'S' || c == 'P' || c == 'T' || c == 'N') && v < 0)
            return 4;
        if (c == 'N' && v > 9999999)
            return 27;
    }
    if (g->state == ST_ALARM)
        return 9;

    /* New modal state, committed only when the whole line is valid. */
    int inches = g_units >= 0 ? g_units == 20 : g->inches;
    double k = inches ? MM_PER_INCH : 1.0;
    double feed = have['F' - 'A'] ? word['F' - 'A'] * k : g->feed;
    double spindle_s = have['S' - 'A'] ? word['S' - 'A'] : g->spindle_s;
    int spindle = m_spindle >= 0 ? (m_spindle == 5 ? 0 : m_spindle) : g->spindle;
    int relative = g_dist >= 0 ? g_dist == 91 : g->relative;
    int motion = g_motion >= 0 ? g_motion : g->motion;
    int axes = have['X' - 'A'] || have['Y' - 'A'] || have['Z' - 'A'];
    int offsets = have['I' - 'A'] || have['J' - 'A'] || have['K' - 'A'];

    if (g_dwell) {
        if (!have['P' - 'A'])
            return 28;
        if (axes || g_motion >= 0 || offsets || have['R' - 'A'])
            return 24;
    } else if (!axes) {
        if (g_motion == 2 || g_motion == 3)
            return 26;
        if (offsets || have['R' - 'A'] || have['P' - 'A'])
            return 36;
    } else {
        if ((motion == 0 || motion == 1) && (offsets || have['R' - 'A']))
            return 36;
        if (have['P' - 'A'])
            return 36;
        if (motion != 0 && feed <= 0.0)
            return 22;
    }

    double target[3];
    for (int i = 0; i < 3; i++) {
        int idx = 'X' - 'A' + i;
        target[i] = g->plan_pos[i];
        if (have[idx])
            target[i] = relative ? g->plan_pos[i] + word[idx] * k : word[idx] * k;
    }
    double centre[2] = {0, 0};
    if (axes && (motion == 2 || motion == 3)) {
        if (have['R' - 'A']) {
            double x = target[0] - g->plan_pos[0], y = target[1] - g->plan_pos[1];
            double r = word['R' - 'A'] * k;
            double h2 = 4.0 * r * r - x * x - y * y;
            if (h2 < 0 || (x == 0 && y == 0))
                return 33;
            double h = -sqrt(h2) / hypot(x, y);
            if (motion == 3)
                h = -h;
            if (r < 0)
                h = -h;
            centre[0] = g->plan_pos[0] + 0.5 * (x - y * h);
            centre[1] = g->plan_pos[1] + 0.5 * (y + x * h);
        } else {
            if (!have['I' - 'A'] && !have['J' - 'A'])
                return 35;
            double ci = have['I' - 'A'] ? word['I' - 'A'] * k : 0.0;
            double cj = have['J' - 'A'] ? word['J' - 'A'] * k : 0.0;
            centre[0] = g->plan_pos[0] + ci;
            centre[1] = g->plan_pos[1] + cj;
            double r0 = hypot(ci, cj);
            double r1 = hypot(target[0] - centre[0], target[1] - centre[1]);
            double delta = fabs(r1 - r0);
            if (delta > 0.005 && delta > 0.001 * r0)
                return 33;
        }
    }

    /* Valid: commit the modal state. */
    g->inches = inches;
    g->feed = feed;
    g->spindle_s = spindle_s;
    g->spindle = spindle;
    g->relative = relative;
    g->motion = motion;

    if (g->state == ST_CHECK) {
        /* Check mode: the parser's position moves, the machine does not. */
        if (axes)
            memcpy(g->plan_pos, target, sizeof g->plan_pos);
        if (m_end) {
            g->motion = 1;
            g->relative = 0;
            g->spindle = 0;
            out_printf(g, "[MSG:Pgm End]\r\n");
        }
        return 0;
    }
    if (g_dwell) {
        double p = word['P' - 'A'];
        g->dwell_us = (uint64_t)((p > 1e6 ? 1e6 : p) * 1e6); /* bounded before the cast */
        g->dwell_started = 0;
        g->phase = P_DWELL;
        return -1;
    }
    if (!axes) {
        if (m_end) {
            /* GRBL waits for the motion to finish, then ends the program. */
            g->program_end = 1;
            g->dwell_us = 0;
            g->dwell_started = 0;
            g->phase = P_DWELL;
            return -1;
        }
        return 0;
    }
    if (setting(g, 20) != 0.0) {
        for (int i = 0; i < 3; i++) {
            double max = setting(g, 130 + (unsigned)i);
            if (target[i] < -1e-6 || target[i] > max + 1e-6) {
                raise_alarm(g, 2);
                return -2; /* alarm: no ok */
            }
        }
    }
    g->moves_len = g->moves_next = 0;
    if (g->motion == 0 || g->motion == 1) {
        if (push_move(g, target, g->motion == 0) != 0)
            return 20;
    } else if (arc_moves(g, target, centre, g->motion == 2) != 0) {
        return 20;
    }
    g->program_end = m_end;
    g->phase = P_FEED;
    return -1;
}

/* ---- protocol ----------------------------------------------------------- */

static void respond(grbl_sim_t *g, int rc)
{
    if (rc == 0 && g->drop_ok_after >= 0 && g->drop_ok_after-- == 0) {
        g->oks_dropped++; /* lost on the USB link: the line did run */
        return;
    }
    if (rc == 0)
        out_printf(g, "ok\r\n");
    else if (rc > 0)
        out_printf(g, "error:%d\r\n", rc);
}

static void line_execute(grbl_sim_t *g)
{
    g->line[g->line_len] = '\0';
    int overflow = g->line_overflow;
    g->line_len = 0;
    g->line_overflow = 0;
    g->phase = P_COLLECT;
    if (overflow) {
        respond(g, 11);
        return;
    }
    if (g->line[0] == '\0') {
        respond(g, 0);
        return;
    }
    int rc;
    if (g->line[0] == '$')
        rc = system_execute(g, g->line);
    else
        rc = gcode_execute(g, g->line);
    if (rc == -1 && g->phase == P_FEED && g->state == ST_IDLE)
        g->state = ST_RUN;
    if (rc != -1)
        respond(g, rc);
}

static void realtime(grbl_sim_t *g, unsigned char c)
{
    switch (c) {
    case '?':
        /* GRBL's homing cycle is a blocking loop that only watches for a
         * reset: the report waits for the end of the cycle. */
        if (g->state == ST_HOME && !g->homing_answers)
            g->status_deferred = 1;
        else
            status_report(g);
        break;
    case '!':
        if (g->state == ST_RUN || g->state == ST_IDLE) {
            g->state = ST_HOLD;
            g->hold_complete = g->exec_v <= 0.0 || g->bcount == 0;
        }
        break;
    case '~':
        if (g->state == ST_HOLD) {
            g->state = (g->bcount > 0 || g->phase == P_FEED) ? ST_RUN : ST_IDLE;
            g->hold_complete = 0;
        }
        break;
    case 0x18:
        soft_reset(g);
        break;
    default:
        break; /* overrides, jog cancel, safety door: not simulated */
    }
}

static int is_realtime(unsigned char c)
{
    return c == '?' || c == '!' || c == '~' || c == 0x18 || c >= 0x80;
}

static void rx_deliver(grbl_sim_t *g)
{
    while (g->inq_len > 0 && g->inq[g->inq_head].at <= g->t) {
        unsigned char c = (unsigned char)g->inq[g->inq_head].c;
        g->inq_head = (g->inq_head + 1) % INQ_CAP;
        g->inq_len--;
        if (is_realtime(c)) {
            realtime(g, c);
            continue;
        }
        if (g->critical)
            continue; /* locked until reset */
        if (g->rx_len >= GRBL_SIM_RX_BUFFER - 1) {
            g->rx_overflows++;
            continue;
        }
        g->rx[(g->rx_head + g->rx_len++) % GRBL_SIM_RX_BUFFER] = (char)c;
    }
}

static void protocol_step(grbl_sim_t *g)
{
    if (g->state == ST_HOLD || g->critical)
        return; /* no line is taken (and no ok sent) during a feed hold */
    switch (g->phase) {
    case P_BUSY:
        if (g->t >= g->busy_until)
            line_execute(g);
        return;
    case P_FEED:
        while (g->moves_next < g->moves_len && g->bcount < GRBL_SIM_PLANNER_BLOCKS) {
            planner_add(g, &g->moves[g->moves_next++]);
            if (g->state == ST_IDLE)
                g->state = ST_RUN;
        }
        if (g->moves_next == g->moves_len) {
            if (g->program_end) {
                g->dwell_us = 0;
                g->dwell_started = 0;
                g->phase = P_DWELL;
                return;
            }
            g->phase = P_COLLECT;
            respond(g, 0);
        }
        return;
    case P_DWELL:
        if (g->bcount > 0)
            return; /* G4 waits for the planner to empty, then dwells */
        if (!g->dwell_started) {
            g->dwell_started = 1;
            g->busy_until = g->t + g->dwell_us;
        }
        if (g->busy_until > g->t)
            return;
        g->phase = P_COLLECT;
        if (g->program_end) {
            /* What GRBL 1.1 resets at M2/M30: motion G1, G90, G54, spindle
             * and coolant off; units, F and S stay. */
            g->program_end = 0;
            g->motion = 1;
            g->relative = 0;
            g->spindle = 0;
            out_printf(g, "[MSG:Pgm End]\r\n");
        }
        respond(g, 0);
        return;
    case P_HOMING:
        if (g->t < g->busy_until)
            return;
        if (g->homing_fail) {
            /* GRBL 1.1: the alarm, then the reset it implies: the banner
             * again, locked until $H or $X. No ok for the $H. */
            unsigned code = g->homing_fail;
            g->homing_fail = 0;
            g->status_deferred = 0;
            raise_alarm(g, code);
            out_printf(g, GRBL_BANNER);
            out_printf(g, "[MSG:'$H'|'$X' to unlock]\r\n");
            return;
        }
        memset(g->pos, 0, sizeof g->pos);
        planner_flush(g);
        g->state = ST_IDLE;
        g->alarm = 0;
        g->phase = P_COLLECT;
        if (g->status_deferred) {
            g->status_deferred = 0;
            status_report(g);
        }
        respond(g, 0);
        return;
    case P_COLLECT:
        break;
    }
    while (g->rx_len > 0) {
        char c = g->rx[g->rx_head];
        g->rx_head = (g->rx_head + 1) % GRBL_SIM_RX_BUFFER;
        g->rx_len--;
        if (c == '\n' || c == '\r') {
            g->in_comment_paren = g->in_comment_semi = 0;
            g->phase = P_BUSY;
            g->busy_until = g->t + g->cfg.line_parse_us;
            return;
        }
        if (g->in_comment_semi)
            continue;
        if (g->in_comment_paren) {
            if (c == ')')
                g->in_comment_paren = 0;
            continue;
        }
        if (c == '(') {
            g->in_comment_paren = 1;
            continue;
        }
        if (c == ';') {
            g->in_comment_semi = 1;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '%')
            continue;
        if (g->line_len >= LINE_MAX_CHARS - 1) {
            g->line_overflow = 1;
            continue;
        }
        g->line[g->line_len++] = (char)toupper((unsigned char)c);
    }
}

static void tick(grbl_sim_t *g)
{
    rx_deliver(g);
    protocol_step(g);
    motion_step(g, TICK_US / 1e6);
}

/* ---- public ------------------------------------------------------------- */

void grbl_sim_config_default(grbl_sim_config_t *cfg)
{
    cfg->baud = 115200;
    cfg->latency_us = 1000;
    cfg->line_parse_us = 300;
}

grbl_sim_t *grbl_sim_create(const grbl_sim_config_t *cfg, uint64_t now_us)
{
    grbl_sim_t *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->inq = calloc(INQ_CAP, sizeof *g->inq);
    g->outq = calloc(OUTQ_CAP, sizeof *g->outq);
    if (!g->inq || !g->outq) {
        grbl_sim_destroy(g);
        return NULL;
    }
    grbl_sim_config_t def;
    grbl_sim_config_default(&def);
    g->cfg = cfg ? *cfg : def;
    g->byte_us_x1000 = g->cfg.baud ? 10000000000ULL / g->cfg.baud : 0;
    memcpy(g->settings, default_settings, sizeof default_settings);
    g->drop_ok_after = -1;
    g->t = now_us;
    g->out_last = g->in_last = now_us;
    g->state = ST_IDLE;
    soft_reset(g);
    return g;
}

void grbl_sim_destroy(grbl_sim_t *g)
{
    if (!g)
        return;
    free(g->inq);
    free(g->outq);
    free(g->moves);
    free(g->burns);
    free(g);
}

void grbl_sim_power_cycle(grbl_sim_t *g, uint64_t now_us)
{
    /* A powered-off board has no time: jump to now instead of replaying it. */
    g->t = now_us > g->t ? now_us : g->t;
    g->in_last = g->out_last = g->t;
    g->inq_len = 0;
    g->outq_len = 0;
    planner_flush(g);
    g->state = ST_IDLE;
    g->alarm = 0;
    soft_reset(g);
}

void grbl_sim_feed(grbl_sim_t *g, const void *bytes, size_t n, uint64_t now_us)
{
    const char *p = bytes;
    for (size_t i = 0; i < n; i++) {
        if (g->inq_len == INQ_CAP)
            return;
        uint64_t at = now_us + g->cfg.latency_us;
        if (at < g->in_last)
            at = g->in_last;
        at += g->byte_us_x1000 / 1000u;
        g->in_last = at;
        size_t idx = (g->inq_head + g->inq_len++) % INQ_CAP;
        g->inq[idx].at = at;
        g->inq[idx].c = p[i];
    }
}

void grbl_sim_advance(grbl_sim_t *g, uint64_t now_us)
{
    while (g->t + TICK_US <= now_us) {
        g->t += TICK_US;
        tick(g);
    }
}

size_t grbl_sim_take_output(grbl_sim_t *g, char *buf, size_t cap, uint64_t now_us)
{
    size_t n = 0;
    while (n < cap && g->outq_len > 0 && g->outq[g->outq_head].at <= now_us) {
        buf[n++] = g->outq[g->outq_head].c;
        g->outq_head = (g->outq_head + 1) % OUTQ_CAP;
        g->outq_len--;
    }
    return n;
}

uint64_t grbl_sim_next_event_us(const grbl_sim_t *g, uint64_t now_us)
{
    uint64_t next = UINT64_MAX;
    if (g->outq_len > 0)
        next = g->outq[g->outq_head].at;
    if (g->inq_len > 0 && g->inq[g->inq_head].at < next)
        next = g->inq[g->inq_head].at;
    if (g->bcount > 0 || g->phase != P_COLLECT || g->rx_len > 0)
        next = now_us + TICK_US;
    return next < now_us ? now_us : next;
}

int grbl_sim_raise_alarm(grbl_sim_t *g, unsigned code, uint64_t now_us)
{
    if (code == 0 || code > 10)
        return MF_EINVAL;
    grbl_sim_advance(g, now_us);
    raise_alarm(g, code);
    return 0;
}

void grbl_sim_drop_ok(grbl_sim_t *g, unsigned skip)
{
    g->drop_ok_after = skip > 100000u ? 100000 : (int)skip;
}

unsigned grbl_sim_oks_dropped(const grbl_sim_t *g)
{
    return g->oks_dropped;
}

void grbl_sim_machine_hold(grbl_sim_t *g, int hold, uint64_t now_us)
{
    grbl_sim_advance(g, now_us);
    realtime(g, hold ? '!' : '~');
}

void grbl_sim_set_homing(grbl_sim_t *g, double min_seconds, int answers_status)
{
    g->homing_min_s = min_seconds < 0 ? 0 : (min_seconds > 600 ? 600 : min_seconds);
    g->homing_answers = answers_status != 0;
}

int grbl_sim_fail_homing(grbl_sim_t *g, unsigned code)
{
    if (code != 0 && (code < 6 || code > 9))
        return MF_EINVAL;
    g->homing_fail = code;
    return 0;
}

int grbl_sim_set_setting(grbl_sim_t *g, unsigned id, double value)
{
    grbl_setting_t *st = setting_find(g, id);
    if (!st || value < 0 || value > 1e6)
        return MF_EINVAL;
    st->value = st->integer ? floor(value) : value;
    return 0;
}

void grbl_sim_set_burn_log(grbl_sim_t *g, FILE *log)
{
    g->burn_log = log;
}

int grbl_sim_write_svg(const grbl_sim_t *g, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return MF_EIO;
    /* The view is the burned area plus 2 mm (the machine's travel when
     * nothing was burned); y grows upwards as on the machine. */
    double x0 = 0, y0 = 0, x1 = setting(g, 130), y1 = setting(g, 131);
    if (g->burns_len > 0) {
        x0 = y0 = INFINITY;
        x1 = y1 = -INFINITY;
        for (size_t i = 0; i < g->burns_len; i++) {
            const grbl_burn_t *b = &g->burns[i];
            x0 = fmin(x0, fmin(b->x0, b->x1));
            x1 = fmax(x1, fmax(b->x0, b->x1));
            y0 = fmin(y0, fmin(b->y0, b->y1));
            y1 = fmax(y1, fmax(b->y0, b->y1));
        }
        x0 -= 2;
        y0 -= 2;
        x1 += 2;
        y1 += 2;
    }
    double w = x1 - x0, h = y1 - y0;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.3fmm\" height=\"%.3fmm\" "
            "viewBox=\"%.3f %.3f %.3f %.3f\">\n<g transform=\"scale(1,-1)\" "
            "stroke=\"black\" stroke-width=\"0.2\" stroke-linecap=\"round\" fill=\"none\">\n",
            w, h, x0, -y1, w, h);
    for (size_t i = 0; i < g->burns_len; i++) {
        const grbl_burn_t *b = &g->burns[i];
        fprintf(f, "<line x1=\"%.3f\" y1=\"%.3f\" x2=\"%.3f\" y2=\"%.3f\"/>\n", b->x0, b->y0, b->x1,
                b->y1);
    }
    fprintf(f, "</g>\n</svg>\n");
    return fclose(f) == 0 ? 0 : MF_EIO;
}

void grbl_sim_clear_burns(grbl_sim_t *g)
{
    g->burns_len = 0;
}

size_t grbl_sim_burn_count(const grbl_sim_t *g)
{
    return g->burns_len;
}

const char *grbl_sim_state_name(const grbl_sim_t *g)
{
    return state_text(g);
}

void grbl_sim_position(const grbl_sim_t *g, double pos[3])
{
    memcpy(pos, g->pos, sizeof g->pos);
}

size_t grbl_sim_format_status(const grbl_sim_t *g, char *buf, size_t size)
{
    int n = snprintf(buf, size,
                     "engraver.state %s\nengraver.alarm %u\nengraver.pos %.3f %.3f %.3f\n"
                     "engraver.planner %zu\nengraver.rx %zu\nengraver.rx_overflows %zu\n"
                     "engraver.burns %zu\nengraver.oks_dropped %u\n",
                     state_text(g), g->alarm, g->pos[0], g->pos[1], g->pos[2], g->bcount, g->rx_len,
                     g->rx_overflows, g->burns_len, g->oks_dropped);
    if (n < 0)
        return 0;
    return (size_t)n < size ? (size_t)n : size - 1;
}
