/*
 * plc_model.c - the line PLC's program (see plc_model.h): one scan advances
 * the PackML state machine of the line, moves pallets station by station,
 * handles alarms and the client mailboxes. Register layout comes from
 * drivers/regmap/line_regmap.h; rules are documented in REGISTERS.md.
 *
 * Reading order: plc_model_step (the scan), stations_step (pallets), then
 * plc_model_command (what a mailbox or coil asks) and the mailbox write rules
 * in plc_model_write_holding.
 */
#include "plc_model.h"

#include "mf_error.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nominal times in line seconds. A pallet's cycle at a station is the
 * conveyor transfer into it plus the station's work. */
#define PLC_TRANSFER_S 3.0
#define PLC_STARTING_S 1.0
#define PLC_RESETTING_S 2.0
#define PLC_ABORTING_S 0.5
#define PLC_CLEARING_S 1.0
#define PLC_ENGRAVE_POSITION_S 2.0 /* at station 4, before the PC is asked */
/* Every alarm that can be in force at once: e-stop, jam and sensor at six
 * stations, robot, quality, engraver, six magazines (22). The register
 * table shows the 8 oldest (REGISTERS.md, alarm table). */
#define PLC_ALARMS_MAX 24

static const double plc_work_s[MF_STATION_COUNT] = {
    8.0,  /* 2 store: pick the blank, place it on the pallet */
    6.0,  /* 3 press: bend */
    4.0,  /* 4 engraving: position + unload (the laser time is the PC's) */
    10.0, /* 5 robot: fit the base */
    5.0,  /* 6 quality: camera measure */
    7.0,  /* 7 packing and hand-out */
};

typedef struct {
    uint32_t id;
    uint8_t colour;
    uint8_t engrave;
    uint8_t engraved; /* ENGRAVE_DONE received (or engraving not asked) */
    uint8_t failed;   /* engraving failed or timed out: reject at quality */
} plc_order_t;

typedef struct {
    int has_piece;
    plc_order_t piece;
    double elapsed; /* line seconds of work done on the piece */
    double arrived; /* line clock when the piece arrived */
    int done;       /* cycle complete, waiting for the next station */
    int engrave_wait;
    uint64_t engrave_left_ms; /* real ms before ENGRAVER_TIMEOUT; runs only in Execute */
    double last_cycle, sum_cycle;
    uint32_t cycles;
} plc_station_t;

typedef struct {
    uint16_t code, station, param;
    int active, unacked;
} plc_alarm_t;

typedef struct {
    uint32_t owner;
    uint16_t req[6]; /* SEQ, CMD, ARG0..ARG3 as written */
    uint16_t ack_seq, result, handled;
    uint32_t order;
    uint64_t last_write_ms;
} plc_mbox_t;

struct plc_model {
    plc_model_config_t cfg;
    uint64_t rng;
    uint64_t start_ms, now_ms;
    double line_clock; /* line seconds since creation */
    double run_time;
    double state_timer; /* line seconds left in a transient state */
    mf_packml_state_t state;
    int reset_after_clear;
    mf_line_mode_t mode;
    uint16_t heartbeat;
    uint16_t map_version; /* MF_PLC_MAP_VERSION; tests play another PLC */
    int estop_open;

    plc_station_t st[MF_STATION_COUNT];
    int quality_held;
    unsigned reject_run;
    unsigned force_rejects;  /* test faults: the next N pieces fail quality control */
    unsigned force_refusals; /* test faults: the next N orders answered BAD_STATE */

    plc_order_t queue[MF_PLC_QUEUE_CAP];
    unsigned queue_len;
    uint32_t last_order_id, submitted, good, rejected, finished;
    uint32_t last_cancelled; /* CANCEL: the last order removed from the queue */
    uint16_t cancelled;      /* CANCEL: orders removed, wraps */
    struct {
        uint32_t id;
        uint16_t outcome, colour;
    } finished_log[MF_PLC_FINISHED_SLOTS];

    unsigned magazine[MF_COLOUR_COUNT + 1];
    plc_alarm_t alarms[PLC_ALARMS_MAX]; /* oldest first; the first 8 are published */
    unsigned alarm_count;
    plc_mbox_t mbox[MF_PLC_MBOX_COUNT];
};

/* ---- small helpers ------------------------------------------------------ */

static plc_station_t *station(plc_model_t *m, unsigned st)
{
    return &m->st[st - MF_STATION_FIRST];
}

static const plc_station_t *station_c(const plc_model_t *m, unsigned st)
{
    return &m->st[st - MF_STATION_FIRST];
}

static double plc_cycle_s(unsigned st)
{
    return PLC_TRANSFER_S + plc_work_s[st - MF_STATION_FIRST];
}

static uint64_t rng_next(plc_model_t *m)
{
    /* xorshift64*: reproducible from the seed, enough for reject draws. */
    m->rng ^= m->rng >> 12;
    m->rng ^= m->rng << 25;
    m->rng ^= m->rng >> 27;
    return m->rng * 0x2545F4914F6CDD1DULL;
}

static int alarm_is_abort(unsigned code)
{
    return code == MF_ALARM_ESTOP || code == MF_ALARM_JAM || code == MF_ALARM_SENSOR_FAULT ||
           code == MF_ALARM_ROBOT_FAULT;
}

static plc_alarm_t *alarm_find(plc_model_t *m, unsigned code, unsigned st, unsigned param)
{
    for (unsigned i = 0; i < m->alarm_count; i++) {
        plc_alarm_t *a = &m->alarms[i];
        if (a->code == code && a->station == st &&
            (code != MF_ALARM_MAGAZINE_EMPTY || a->param == param))
            return a;
    }
    return NULL;
}

static void line_abort(plc_model_t *m)
{
    if (m->state == MF_PACKML_ABORTING || m->state == MF_PACKML_ABORTED)
        return;
    m->state = MF_PACKML_ABORTING;
    m->state_timer = PLC_ABORTING_S;
    m->reset_after_clear = 0;
}

static void alarm_raise(plc_model_t *m, unsigned code, unsigned st, unsigned param)
{
    plc_alarm_t *a = alarm_find(m, code, st, param);
    if (!a) {
        if (m->alarm_count == PLC_ALARMS_MAX)
            a = &m->alarms[PLC_ALARMS_MAX - 1]; /* cannot happen: 22 kinds at most */
        else
            a = &m->alarms[m->alarm_count++];
        a->code = (uint16_t)code;
        a->station = (uint16_t)st;
    }
    a->param = (uint16_t)param;
    a->active = 1;
    a->unacked = 1;
    if (alarm_is_abort(code))
        line_abort(m);
}

static void alarm_clear_cause(plc_model_t *m, unsigned code, unsigned st, unsigned param)
{
    plc_alarm_t *a = alarm_find(m, code, st, param);
    if (a)
        a->active = 0;
}

static void alarms_compact(plc_model_t *m)
{
    unsigned j = 0;
    for (unsigned i = 0; i < m->alarm_count; i++) {
        if (m->alarms[i].active || m->alarms[i].unacked)
            m->alarms[j++] = m->alarms[i];
    }
    m->alarm_count = j;
}

static int abort_cause_present(const plc_model_t *m)
{
    for (unsigned i = 0; i < m->alarm_count; i++) {
        if (m->alarms[i].active && alarm_is_abort(m->alarms[i].code))
            return 1;
    }
    return 0;
}

static void piece_finish(plc_model_t *m, const plc_order_t *piece, mf_plc_outcome_t outcome)
{
    m->finished++;
    unsigned slot = (m->finished - 1) % MF_PLC_FINISHED_SLOTS;
    m->finished_log[slot].id = piece->id;
    m->finished_log[slot].outcome = (uint16_t)outcome;
    m->finished_log[slot].colour = piece->colour;
    if (outcome == MF_PLC_OUTCOME_DELIVERED)
        m->good++;
    else
        m->rejected++;
}

/* ---- life cycle --------------------------------------------------------- */

void plc_model_config_default(plc_model_config_t *cfg)
{
    cfg->seed = 1;
    cfg->speed = 1.0;
    cfg->reject_permille = 50;
    cfg->engrave_timeout_s = 120;
    cfg->reject_alarm_run = 3;
}

plc_model_t *plc_model_create(const plc_model_config_t *cfg, uint64_t now_ms)
{
    if (!cfg || !(cfg->speed > 0.0) || cfg->reject_permille > 1000 || cfg->reject_alarm_run == 0)
        return NULL;
    plc_model_t *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cfg = *cfg;
    m->rng = cfg->seed ? cfg->seed : 0x9E3779B97F4A7C15ULL;
    m->start_ms = m->now_ms = now_ms;
    m->state = MF_PACKML_STOPPED; /* power-up: Stopped, mode auto (REGISTERS.md) */
    m->mode = MF_MODE_AUTO;
    m->map_version = MF_PLC_MAP_VERSION;
    for (unsigned c = 1; c <= MF_COLOUR_COUNT; c++)
        m->magazine[c] = MF_PLC_MAGAZINE_FULL;
    return m;
}

void plc_model_destroy(plc_model_t *m)
{
    free(m);
}

/* ---- the scan ----------------------------------------------------------- */

static int line_moves(const plc_model_t *m)
{
    return m->state == MF_PACKML_EXECUTE || m->state == MF_PACKML_STOPPING;
}

static void store_try_start(plc_model_t *m)
{
    plc_station_t *s = station(m, MF_STATION_STORE);
    if (s->has_piece || m->state != MF_PACKML_EXECUTE || m->mode != MF_MODE_AUTO ||
        m->queue_len == 0)
        return;
    plc_order_t head = m->queue[0];
    if (m->magazine[head.colour] == 0) {
        const plc_alarm_t *a =
            alarm_find(m, MF_ALARM_MAGAZINE_EMPTY, MF_STATION_STORE, head.colour);
        if (!a || !a->active)
            alarm_raise(m, MF_ALARM_MAGAZINE_EMPTY, MF_STATION_STORE, head.colour);
        return;
    }
    m->magazine[head.colour]--;
    memmove(&m->queue[0], &m->queue[1], (m->queue_len - 1) * sizeof m->queue[0]);
    m->queue_len--;
    s->has_piece = 1;
    s->piece = head;
    s->piece.engraved = head.engrave ? 0 : 1;
    s->elapsed = 0;
    s->arrived = m->line_clock;
    s->done = 0;
}

static void station_complete(plc_model_t *m, unsigned st)
{
    plc_station_t *s = station(m, st);
    double cycle = m->line_clock - s->arrived;
    s->last_cycle = cycle;
    s->sum_cycle += cycle;
    s->cycles++;
    s->done = 1;
    if (st == MF_STATION_QUALITY) {
        int reject = s->piece.failed || (rng_next(m) % 1000) < (uint64_t)m->cfg.reject_permille;
        if (m->force_rejects > 0) {
            m->force_rejects--;
            reject = 1;
        }
        if (reject) {
            piece_finish(m, &s->piece, MF_PLC_OUTCOME_REJECTED);
            s->has_piece = 0;
            s->done = 0;
            m->reject_run++;
            if (m->reject_run >= m->cfg.reject_alarm_run) {
                m->quality_held = 1;
                alarm_raise(m, MF_ALARM_QUALITY_REJECTS, MF_STATION_QUALITY, m->reject_run);
            }
        } else {
            m->reject_run = 0;
        }
    } else if (st == MF_STATION_LAST) {
        piece_finish(m, &s->piece, MF_PLC_OUTCOME_DELIVERED);
        s->has_piece = 0;
        s->done = 0;
    }
}

static void stations_step(plc_model_t *m, double dt)
{
    /* Downstream first, so a station freed in this scan can take the pallet
     * of the one before it in the same scan. */
    for (unsigned st = MF_STATION_LAST; st >= MF_STATION_FIRST; st--) {
        plc_station_t *s = station(m, st);
        if (st == MF_STATION_STORE)
            store_try_start(m);
        if (!s->has_piece)
            continue;
        if (!s->done && !s->engrave_wait && !(st == MF_STATION_QUALITY && m->quality_held)) {
            double before = s->elapsed;
            s->elapsed += dt;
            double ask_at = PLC_TRANSFER_S + PLC_ENGRAVE_POSITION_S;
            if (st == MF_STATION_ENGRAVE && !s->piece.engraved && before < ask_at + 1e-9 &&
                s->elapsed >= ask_at) {
                s->elapsed = ask_at;
                s->engrave_wait = 1;
                s->engrave_left_ms = (uint64_t)m->cfg.engrave_timeout_s * 1000u;
            } else if (s->elapsed >= plc_cycle_s(st)) {
                s->elapsed = plc_cycle_s(st);
                station_complete(m, st);
            }
        }
        if (st == MF_STATION_ENGRAVE && s->engrave_wait && s->engrave_left_ms == 0) {
            plc_alarm_t *a = alarm_find(m, MF_ALARM_ENGRAVER_TIMEOUT, MF_STATION_ENGRAVE, 0);
            if (!a || !a->active)
                alarm_raise(m, MF_ALARM_ENGRAVER_TIMEOUT, MF_STATION_ENGRAVE, 0);
        }
        if (s->has_piece && s->done && st < MF_STATION_LAST && m->state == MF_PACKML_EXECUTE) {
            plc_station_t *next = station(m, st + 1);
            int next_held = (st + 1 == MF_STATION_QUALITY && m->quality_held);
            if (!next->has_piece && !next_held) {
                next->has_piece = 1;
                next->piece = s->piece;
                next->elapsed = 0;
                next->arrived = m->line_clock;
                next->done = 0;
                s->has_piece = 0;
                s->done = 0;
                s->elapsed = 0;
            }
        }
    }
}

static int stations_working(const plc_model_t *m)
{
    for (unsigned i = 0; i < MF_STATION_COUNT; i++) {
        const plc_station_t *s = &m->st[i];
        if (s->has_piece && !s->done && !s->engrave_wait &&
            !(i + MF_STATION_FIRST == MF_STATION_QUALITY && m->quality_held))
            return 1;
    }
    return 0;
}

void plc_model_step(plc_model_t *m, uint64_t now_ms)
{
    if (now_ms < m->now_ms)
        now_ms = m->now_ms;
    uint64_t real_dt_ms = now_ms - m->now_ms;
    double dt = (double)real_dt_ms / 1000.0 * m->cfg.speed;
    m->now_ms = now_ms;
    /* The engraving timeout counts real time in Execute only: a stopped or
     * aborted line does not make the kiosk late (REGISTERS.md, engraving). */
    plc_station_t *eng = station(m, MF_STATION_ENGRAVE);
    if (eng->engrave_wait && m->state == MF_PACKML_EXECUTE)
        eng->engrave_left_ms =
            eng->engrave_left_ms > real_dt_ms ? eng->engrave_left_ms - real_dt_ms : 0;
    m->line_clock += dt;
    m->heartbeat++;

    /* Mailbox leases (real time). */
    for (unsigned k = 0; k < MF_PLC_MBOX_COUNT; k++) {
        plc_mbox_t *b = &m->mbox[k];
        if (b->owner && now_ms - b->last_write_ms >= (uint64_t)MF_PLC_MBOX_LEASE_S * 1000u)
            memset(b, 0, sizeof *b);
    }

    /* Causes that go by themselves. */
    for (unsigned c = 1; c <= MF_COLOUR_COUNT; c++) {
        if (m->magazine[c] > 0)
            alarm_clear_cause(m, MF_ALARM_MAGAZINE_EMPTY, MF_STATION_STORE, c);
    }

    /* Transient states of the line. */
    switch (m->state) {
    case MF_PACKML_STARTING:
    case MF_PACKML_RESETTING:
    case MF_PACKML_ABORTING:
    case MF_PACKML_CLEARING:
        m->state_timer -= dt;
        if (m->state_timer <= 0) {
            if (m->state == MF_PACKML_STARTING) {
                m->state = MF_PACKML_EXECUTE;
            } else if (m->state == MF_PACKML_RESETTING) {
                m->state = MF_PACKML_IDLE;
            } else if (m->state == MF_PACKML_ABORTING) {
                m->state = MF_PACKML_ABORTED;
            } else if (m->reset_after_clear) {
                m->reset_after_clear = 0;
                m->state = MF_PACKML_RESETTING;
                m->state_timer = PLC_RESETTING_S;
            } else {
                m->state = MF_PACKML_STOPPED;
            }
        }
        break;
    default:
        break;
    }

    if (m->state == MF_PACKML_EXECUTE)
        m->run_time += dt;
    if (line_moves(m))
        stations_step(m, dt);
    if (m->state == MF_PACKML_STOPPING && !stations_working(m))
        m->state = MF_PACKML_STOPPED;
    alarms_compact(m);
}

/* ---- commands ----------------------------------------------------------- */

static void engrave_release(plc_model_t *m, int failed)
{
    plc_station_t *s = station(m, MF_STATION_ENGRAVE);
    s->engrave_wait = 0;
    s->piece.engraved = 1;
    if (failed)
        s->piece.failed = 1;
    alarm_clear_cause(m, MF_ALARM_ENGRAVER_TIMEOUT, MF_STATION_ENGRAVE, 0);
}

/* Whether alarm A is one an ACK of (code, st, param) names; 0 means any. */
static int ack_matches(const plc_alarm_t *a, unsigned code, unsigned st, unsigned param)
{
    if (code != 0 && a->code != code)
        return 0;
    if (st != 0 && a->station != st)
        return 0;
    return param == 0 || a->code != MF_ALARM_MAGAZINE_EMPTY || a->param == param;
}

static int abort_alarm_unacked(const plc_model_t *m)
{
    for (unsigned i = 0; i < m->alarm_count; i++) {
        if (m->alarms[i].unacked && alarm_is_abort(m->alarms[i].code))
            return 1;
    }
    return 0;
}

/* ACK: code 0 acknowledges every alarm; otherwise only those of that code
 * (and station, and colour for MAGAZINE_EMPTY, when not 0). The holds an ACK
 * releases are released only when their own alarm is acknowledged; an
 * aborted line clears once no abort cause is present and no abort alarm
 * waits for its ACK. */
static int cmd_ack(plc_model_t *m, unsigned code, unsigned st, unsigned param)
{
    if (code > MF_ALARM_CODE_MAX || st > MF_STATION_LAST || param > MF_COLOUR_COUNT)
        return MF_PLC_RES_BAD_ARG;
    plc_station_t *eng = station(m, MF_STATION_ENGRAVE);
    plc_alarm_t *to = alarm_find(m, MF_ALARM_ENGRAVER_TIMEOUT, MF_STATION_ENGRAVE, 0);
    if (eng->engrave_wait && to && ack_matches(to, code, st, param))
        engrave_release(m, 1);
    plc_alarm_t qa = {.code = MF_ALARM_QUALITY_REJECTS, .station = MF_STATION_QUALITY};
    if (m->quality_held && ack_matches(&qa, code, st, param)) {
        m->quality_held = 0;
        m->reject_run = 0;
        alarm_clear_cause(m, MF_ALARM_QUALITY_REJECTS, MF_STATION_QUALITY, 0);
    }
    for (unsigned i = 0; i < m->alarm_count; i++) {
        if (ack_matches(&m->alarms[i], code, st, param))
            m->alarms[i].unacked = 0;
    }
    if (m->state == MF_PACKML_ABORTED && !abort_cause_present(m) && !abort_alarm_unacked(m)) {
        m->state = MF_PACKML_CLEARING;
        m->state_timer = PLC_CLEARING_S;
    }
    alarms_compact(m);
    return MF_PLC_RES_OK;
}

/* CANCEL: a queued order leaves the queue (counted, its id published so the
 * kiosk that took it can tell its visitor); an order already on the line
 * goes on (IN_PRODUCTION); a finished, unknown or 0 id is NO_ORDER. */
static int cmd_cancel(plc_model_t *m, uint32_t id)
{
    if (id == 0)
        return MF_PLC_RES_NO_ORDER;
    for (unsigned i = 0; i < m->queue_len; i++) {
        if (m->queue[i].id != id)
            continue;
        memmove(&m->queue[i], &m->queue[i + 1], (m->queue_len - i - 1) * sizeof m->queue[0]);
        m->queue_len--;
        m->cancelled++;
        m->last_cancelled = id;
        return MF_PLC_RES_OK;
    }
    for (unsigned st = MF_STATION_FIRST; st <= MF_STATION_LAST; st++) {
        const plc_station_t *s = station_c(m, st);
        if (s->has_piece && s->piece.id == id)
            return MF_PLC_RES_IN_PRODUCTION;
    }
    return MF_PLC_RES_NO_ORDER;
}

static int cmd_reset(plc_model_t *m)
{
    if (m->estop_open)
        return MF_PLC_RES_ESTOP; /* in every state, as START (REGISTERS.md table) */
    switch (m->state) {
    case MF_PACKML_STOPPED:
        m->state = MF_PACKML_RESETTING;
        m->state_timer = PLC_RESETTING_S;
        return MF_PLC_RES_OK;
    case MF_PACKML_IDLE:
    case MF_PACKML_RESETTING:
        return MF_PLC_RES_OK;
    case MF_PACKML_CLEARING:
        m->reset_after_clear = 1;
        return MF_PLC_RES_OK;
    case MF_PACKML_ABORTED:
        if (abort_cause_present(m))
            return MF_PLC_RES_BAD_STATE;
        cmd_ack(m, 0, 0, 0);
        m->reset_after_clear = 1;
        return MF_PLC_RES_OK;
    default:
        return MF_PLC_RES_BAD_STATE;
    }
}

static int cmd_submit(plc_model_t *m, const uint16_t args[4], uint32_t *order_id)
{
    if (args[0] < 1 || args[0] > MF_COLOUR_COUNT || args[1] > 1)
        return MF_PLC_RES_BAD_ARG;
    if (m->queue_len == MF_PLC_QUEUE_CAP)
        return MF_PLC_RES_QUEUE_FULL;
    if (m->force_refusals > 0) {
        m->force_refusals--;
        return MF_PLC_RES_BAD_STATE;
    }
    plc_order_t *o = &m->queue[m->queue_len++];
    memset(o, 0, sizeof *o);
    o->id = ++m->last_order_id;
    o->colour = (uint8_t)args[0];
    o->engrave = (uint8_t)args[1];
    m->submitted++;
    if (order_id)
        *order_id = o->id;
    return MF_PLC_RES_OK;
}

int plc_model_command(plc_model_t *m, mf_plc_cmd_t cmd, const uint16_t args[4], uint64_t now_ms,
                      uint32_t *order_id)
{
    static const uint16_t no_args[4] = {0, 0, 0, 0};
    if (!args)
        args = no_args;
    if (order_id)
        *order_id = 0;
    (void)now_ms;
    int r;
    switch (cmd) {
    case MF_PLC_CMD_SUBMIT_ORDER:
        r = cmd_submit(m, args, order_id);
        break;
    case MF_PLC_CMD_ENGRAVE_DONE: {
        uint32_t id = ((uint32_t)args[0] << 16) | args[1];
        plc_station_t *s = station(m, MF_STATION_ENGRAVE);
        if (args[2] != MF_PLC_ENGRAVE_OK && args[2] != MF_PLC_ENGRAVE_FAILED)
            r = MF_PLC_RES_BAD_ARG;
        else if (!s->has_piece || !s->engrave_wait || s->piece.id != id || id == 0)
            r = MF_PLC_RES_NO_ORDER;
        else {
            engrave_release(m, args[2] == MF_PLC_ENGRAVE_FAILED);
            r = MF_PLC_RES_OK;
        }
        break;
    }
    case MF_PLC_CMD_START:
        if (m->estop_open)
            r = MF_PLC_RES_ESTOP;
        else if (m->state == MF_PACKML_IDLE) {
            m->state = MF_PACKML_STARTING;
            m->state_timer = PLC_STARTING_S;
            r = MF_PLC_RES_OK;
        } else if (m->state == MF_PACKML_EXECUTE || m->state == MF_PACKML_STARTING)
            r = MF_PLC_RES_OK;
        else
            r = MF_PLC_RES_BAD_STATE;
        break;
    case MF_PLC_CMD_STOP:
        if (m->state == MF_PACKML_EXECUTE || m->state == MF_PACKML_STARTING) {
            m->state = MF_PACKML_STOPPING;
            r = MF_PLC_RES_OK;
        } else if (m->state == MF_PACKML_IDLE || m->state == MF_PACKML_RESETTING) {
            m->state = MF_PACKML_STOPPED;
            r = MF_PLC_RES_OK;
        } else if (m->state == MF_PACKML_STOPPED || m->state == MF_PACKML_STOPPING)
            r = MF_PLC_RES_OK;
        else
            r = MF_PLC_RES_BAD_STATE;
        break;
    case MF_PLC_CMD_RESET:
        r = cmd_reset(m);
        break;
    case MF_PLC_CMD_ACK:
        r = cmd_ack(m, args[0], args[1], args[2]);
        break;
    case MF_PLC_CMD_CANCEL:
        r = cmd_cancel(m, ((uint32_t)args[0] << 16) | args[1]);
        break;
    case MF_PLC_CMD_SET_MODE:
        if (args[0] < 1 || args[0] > MF_MODE_MAX)
            r = MF_PLC_RES_BAD_ARG;
        else if (m->state == MF_PACKML_EXECUTE || m->state == MF_PACKML_STARTING ||
                 m->state == MF_PACKML_STOPPING)
            r = MF_PLC_RES_BAD_STATE;
        else {
            m->mode = (mf_line_mode_t)args[0];
            r = MF_PLC_RES_OK;
        }
        break;
    case MF_PLC_CMD_REFILL:
        if (args[0] > MF_COLOUR_COUNT)
            r = MF_PLC_RES_BAD_ARG;
        else {
            for (unsigned c = 1; c <= MF_COLOUR_COUNT; c++) {
                if (args[0] == 0 || args[0] == c)
                    m->magazine[c] = MF_PLC_MAGAZINE_FULL;
            }
            r = MF_PLC_RES_OK;
        }
        break;
    default:
        r = MF_PLC_RES_BAD_COMMAND;
        break;
    }
    return r;
}

void plc_model_press_coil(plc_model_t *m, unsigned coil, uint64_t now_ms)
{
    static const mf_plc_cmd_t by_coil[] = {
        [MF_PLC_CO_CMD_START] = MF_PLC_CMD_START,
        [MF_PLC_CO_CMD_STOP] = MF_PLC_CMD_STOP,
        [MF_PLC_CO_CMD_RESET] = MF_PLC_CMD_RESET,
        [MF_PLC_CO_CMD_ACK] = MF_PLC_CMD_ACK,
    };
    if (coil < sizeof by_coil / sizeof by_coil[0])
        plc_model_command(m, by_coil[coil], NULL, now_ms, NULL);
}

/* ---- mailboxes ---------------------------------------------------------- */

static void mbox_handle(plc_model_t *m, plc_mbox_t *b, uint64_t now_ms)
{
    uint16_t seq = b->req[0];
    if (!b->owner || seq == 0 || seq == b->ack_seq)
        return;
    if (b->req[1] == MF_PLC_CMD_RELEASE) {
        memset(b, 0, sizeof *b); /* its owner frees it (the token came with it) */
        return;
    }
    uint32_t order = 0;
    b->result = (uint16_t)plc_model_command(m, (mf_plc_cmd_t)b->req[1], &b->req[2], now_ms, &order);
    b->order = order;
    b->ack_seq = seq;
    b->handled++;
}

int plc_model_write_holding(plc_model_t *m, unsigned addr, unsigned count, const uint16_t *values,
                            uint64_t now_ms)
{
    if (count == 0 || addr >= MF_PLC_HR_COUNT || count > MF_PLC_HR_COUNT - addr)
        return 2; /* illegal data address */
    if (addr / MF_PLC_MBOX_STRIDE != (addr + count - 1) / MF_PLC_MBOX_STRIDE)
        return 2; /* one write, one mailbox: never two at once */

    /* Check every touched mailbox before changing anything. */
    for (unsigned k = addr / MF_PLC_MBOX_STRIDE; k <= (addr + count - 1) / MF_PLC_MBOX_STRIDE;
         k++) {
        unsigned base = (unsigned)MF_PLC_HR_MBOX(k);
        int has_hi = addr <= base && base < addr + count;
        int has_lo = addr <= base + 1 && base + 1 < addr + count;
        const plc_mbox_t *b = &m->mbox[k];
        if (has_hi != has_lo)
            return 3; /* half an owner */
        if (has_hi) {
            uint32_t token = ((uint32_t)values[base - addr] << 16) | values[base + 1 - addr];
            if (token != 0 && b->owner != 0 && token != b->owner)
                return 6; /* someone else's mailbox */
            if (token == 0 && b->owner != 0)
                return 6; /* only the owner frees it, with RELEASE and its token */
            int writes_request = addr + count > base + 2;
            if (token == 0 && writes_request)
                return 3; /* releasing and requesting at once */
        } else if (b->owner == 0) {
            return 3; /* request into a free mailbox */
        } else if (addr <= base + MF_PLC_MBOX_CMD && base + MF_PLC_MBOX_CMD < addr + count &&
                   values[base + MF_PLC_MBOX_CMD - addr] == MF_PLC_CMD_RELEASE) {
            return 3; /* RELEASE without the token: anyone could free anyone's */
        }
    }

    for (unsigned k = addr / MF_PLC_MBOX_STRIDE; k <= (addr + count - 1) / MF_PLC_MBOX_STRIDE;
         k++) {
        unsigned base = (unsigned)MF_PLC_HR_MBOX(k);
        plc_mbox_t *b = &m->mbox[k];
        for (unsigned a = base; a < base + MF_PLC_MBOX_STRIDE; a++) {
            if (a < addr || a >= addr + count)
                continue;
            uint16_t v = values[a - addr];
            unsigned off = a - base;
            if (off == MF_PLC_MBOX_OWNER)
                continue; /* both halves handled below */
            if (off == MF_PLC_MBOX_OWNER + 1) {
                uint32_t token = ((uint32_t)values[a - 1 - addr] << 16) | v;
                if (token != 0)
                    b->owner = token; /* a zero token only reaches a free mailbox: no-op */
                continue;
            }
            b->req[off - MF_PLC_MBOX_SEQ] = v;
        }
        if (b->owner) {
            b->last_write_ms = now_ms;
            mbox_handle(m, b, now_ms);
        }
    }
    return 0;
}

/* ---- outside world ------------------------------------------------------ */

void plc_model_set_estop(plc_model_t *m, int open, uint64_t now_ms)
{
    (void)now_ms;
    m->estop_open = open ? 1 : 0;
    if (open)
        alarm_raise(m, MF_ALARM_ESTOP, 0, 0);
    else
        alarm_clear_cause(m, MF_ALARM_ESTOP, 0, 0);
}

int plc_model_set_fault(plc_model_t *m, mf_alarm_code_t code, unsigned st, int active,
                        uint64_t now_ms)
{
    (void)now_ms;
    if (code == MF_ALARM_ROBOT_FAULT)
        st = MF_STATION_ROBOT;
    else if (code != MF_ALARM_JAM && code != MF_ALARM_SENSOR_FAULT)
        return MF_EINVAL;
    if (st < MF_STATION_FIRST || st > MF_STATION_LAST)
        return MF_EINVAL;
    if (active)
        alarm_raise(m, code, st, 0);
    else
        alarm_clear_cause(m, code, st, 0);
    return 0;
}

int plc_model_set_magazine(plc_model_t *m, unsigned colour, unsigned count)
{
    if (colour < 1 || colour > MF_COLOUR_COUNT || count > 0xFFFF)
        return MF_EINVAL;
    m->magazine[colour] = count;
    return 0;
}

int plc_model_set_speed(plc_model_t *m, double speed, uint64_t now_ms)
{
    if (!(speed > 0.0) || speed > 1000.0)
        return MF_EINVAL;
    plc_model_step(m, now_ms); /* time so far runs at the old speed */
    m->cfg.speed = speed;
    return 0;
}

void plc_model_set_map_version(plc_model_t *m, uint16_t version)
{
    m->map_version = version;
}

double plc_model_speed(const plc_model_t *m)
{
    return m->cfg.speed;
}

/* ---- publishing --------------------------------------------------------- */

static mf_packml_state_t station_state(const plc_model_t *m, unsigned st)
{
    const plc_station_t *s = station_c(m, st);
    switch (m->state) {
    case MF_PACKML_ABORTING:
    case MF_PACKML_ABORTED:
        return MF_PACKML_ABORTED;
    case MF_PACKML_EXECUTE:
    case MF_PACKML_STOPPING:
        break;
    case MF_PACKML_IDLE:
    case MF_PACKML_STARTING:
        return s->has_piece ? MF_PACKML_SUSPENDED : MF_PACKML_IDLE;
    default:
        return MF_PACKML_STOPPED;
    }
    if (s->engrave_wait)
        return MF_PACKML_HELD;
    if (st == MF_STATION_QUALITY && m->quality_held)
        return MF_PACKML_HELD;
    if (st == MF_STATION_STORE && !s->has_piece && m->queue_len > 0 &&
        m->magazine[m->queue[0].colour] == 0)
        return MF_PACKML_HELD;
    if (s->has_piece && s->done)
        return MF_PACKML_SUSPENDED;
    if (s->has_piece)
        return MF_PACKML_EXECUTE;
    return m->state == MF_PACKML_STOPPING ? MF_PACKML_STOPPED : MF_PACKML_IDLE;
}

static uint16_t deciseconds(double s)
{
    double d = s * 10.0 + 0.5;
    return d >= 65535.0 ? 65535 : (uint16_t)d;
}

void plc_model_render(const plc_model_t *m, plc_regs_t *r)
{
    memset(r, 0, sizeof *r);
    uint16_t *ir = r->ir;
    ir[MF_PLC_IR_MAP_VERSION] = m->map_version;
    ir[MF_PLC_IR_LINE_STATE] = (uint16_t)m->state;
    ir[MF_PLC_IR_LINE_MODE] = (uint16_t)m->mode;
    unsigned listed = m->alarm_count < MF_PLC_ALARM_SLOTS ? m->alarm_count : MF_PLC_ALARM_SLOTS;
    ir[MF_PLC_IR_ALARM_COUNT] = (uint16_t)listed;
    ir[MF_PLC_IR_ALARM_TOTAL] = (uint16_t)m->alarm_count;
    uint32_t mask = 0;
    int any_active = 0, any_unacked = 0;
    for (unsigned i = 0; i < m->alarm_count; i++) {
        const plc_alarm_t *a = &m->alarms[i];
        if (i < listed) {
            uint16_t *e = &ir[MF_PLC_IR_ALARM(i)];
            e[MF_PLC_ALARM_CODE] = a->code;
            e[MF_PLC_ALARM_STATION] = a->station;
            e[MF_PLC_ALARM_PARAM] = a->param;
            e[MF_PLC_ALARM_FLAGS] = (uint16_t)((a->active ? MF_PLC_ALARM_F_ACTIVE : 0) |
                                               (a->unacked ? MF_PLC_ALARM_F_UNACKED : 0));
        }
        if (a->active) {
            mask |= 1u << a->code;
            if (!any_active)
                ir[MF_PLC_IR_TOP_ALARM] = a->code;
            any_active = 1;
        }
        any_unacked |= a->unacked;
    }
    ir[MF_PLC_IR_HEARTBEAT] = m->heartbeat;
    uint64_t uptime_s = (m->now_ms - m->start_ms) / 1000u;
    mf_regmap_put_u32(&ir[MF_PLC_IR_UPTIME_S], (uint32_t)uptime_s);
    mf_regmap_put_u32(&ir[MF_PLC_IR_GOOD], m->good);
    mf_regmap_put_u32(&ir[MF_PLC_IR_REJECTED], m->rejected);
    mf_regmap_put_u32(&ir[MF_PLC_IR_SUBMITTED], m->submitted);
    ir[MF_PLC_IR_QUEUE_LEN] = (uint16_t)m->queue_len;
    ir[MF_PLC_IR_QUEUE_CAP] = MF_PLC_QUEUE_CAP;
    mf_regmap_put_u32(&ir[MF_PLC_IR_LAST_ORDER_ID], m->last_order_id);
    const plc_station_t *eng = station_c(m, MF_STATION_ENGRAVE);
    if (eng->engrave_wait) {
        mf_regmap_put_u32(&ir[MF_PLC_IR_ENGRAVE_ORDER], eng->piece.id);
        uint64_t left = (eng->engrave_left_ms + 999u) / 1000u;
        ir[MF_PLC_IR_ENGRAVE_LEFT_S] = (uint16_t)(left > 65535 ? 65535 : left);
    }
    double pct = m->cfg.speed * 100.0 + 0.5;
    ir[MF_PLC_IR_SPEED_PCT] = pct > 65535.0 ? 65535 : (uint16_t)pct;
    mf_regmap_put_u32(&ir[MF_PLC_IR_ALARM_MASK], mask);
    mf_regmap_put_u32(&ir[MF_PLC_IR_FINISHED], m->finished);
    mf_regmap_put_u32(&ir[MF_PLC_IR_LAST_CANCELLED], m->last_cancelled);
    ir[MF_PLC_IR_CANCELLED] = m->cancelled;
    mf_regmap_put_u32(&ir[MF_PLC_IR_RUN_TIME_S], (uint32_t)m->run_time);
    for (unsigned c = 1; c <= MF_COLOUR_COUNT; c++) {
        ir[MF_PLC_IR_MAGAZINE(c)] = (uint16_t)m->magazine[c];
        r->di[MF_PLC_DI_MAGAZINE_EMPTY(c)] = m->magazine[c] == 0;
    }

    for (unsigned st = MF_STATION_FIRST; st <= MF_STATION_LAST; st++) {
        const plc_station_t *s = station_c(m, st);
        uint16_t *b = &ir[MF_PLC_IR_STATION(st)];
        mf_packml_state_t state = station_state(m, st);
        b[MF_PLC_ST_STATE] = (uint16_t)state;
        if (s->has_piece) {
            mf_regmap_put_u32(&b[MF_PLC_ST_ORDER], s->piece.id);
            b[MF_PLC_ST_COLOUR] = s->piece.colour;
            double p = s->elapsed / plc_cycle_s(st) * 100.0;
            b[MF_PLC_ST_PROGRESS] = (uint16_t)(p > 100.0 ? 100 : p);
        }
        b[MF_PLC_ST_LAST_CYCLE] = deciseconds(s->last_cycle);
        b[MF_PLC_ST_AVG_CYCLE] = deciseconds(s->cycles ? s->sum_cycle / s->cycles : 0.0);
        mf_regmap_put_u32(&b[MF_PLC_ST_CYCLES], s->cycles);
        b[MF_PLC_ST_NOMINAL] = deciseconds(plc_cycle_s(st));
        for (unsigned i = 0; i < m->alarm_count; i++) {
            if (m->alarms[i].active && m->alarms[i].station == st) {
                b[MF_PLC_ST_ALARM] = m->alarms[i].code;
                break;
            }
        }
        r->di[MF_PLC_DI_PART_PRESENT(st)] = (uint8_t)s->has_piece;
        r->di[MF_PLC_DI_STATION_BUSY(st)] = state == MF_PACKML_EXECUTE;
    }

    for (unsigned i = 0; i < m->queue_len; i++) {
        uint16_t *q = &ir[MF_PLC_IR_QUEUE(i)];
        mf_regmap_put_u32(&q[MF_PLC_Q_ORDER], m->queue[i].id);
        q[MF_PLC_Q_COLOUR] = m->queue[i].colour;
        q[MF_PLC_Q_ENGRAVE] = m->queue[i].engrave;
    }
    for (unsigned i = 0; i < MF_PLC_FINISHED_SLOTS; i++) {
        uint16_t *f = &ir[MF_PLC_IR_FINISHED_LOG(i)];
        mf_regmap_put_u32(&f[MF_PLC_F_ORDER], m->finished_log[i].id);
        f[MF_PLC_F_OUTCOME] = m->finished_log[i].outcome;
        f[MF_PLC_F_COLOUR] = m->finished_log[i].colour;
    }
    for (unsigned k = 0; k < MF_PLC_MBOX_COUNT; k++) {
        const plc_mbox_t *b = &m->mbox[k];
        uint16_t *h = &r->hr[MF_PLC_HR_MBOX(k)];
        mf_regmap_put_u32(&h[MF_PLC_MBOX_OWNER], b->owner);
        memcpy(&h[MF_PLC_MBOX_SEQ], b->req, sizeof b->req);
        uint16_t *a = &ir[MF_PLC_IR_MBOX(k)];
        a[MF_PLC_MBOXR_ACK_SEQ] = b->ack_seq;
        a[MF_PLC_MBOXR_RESULT] = b->result;
        mf_regmap_put_u32(&a[MF_PLC_MBOXR_ORDER], b->order);
        mf_regmap_put_u32(&a[MF_PLC_MBOXR_OWNER], b->owner);
        if (b->owner) {
            uint64_t end = b->last_write_ms + (uint64_t)MF_PLC_MBOX_LEASE_S * 1000u;
            a[MF_PLC_MBOXR_LEASE_S] =
                (uint16_t)(end > m->now_ms ? (end - m->now_ms + 999u) / 1000u : 0);
        }
        a[MF_PLC_MBOXR_HANDLED] = b->handled;
    }

    r->di[MF_PLC_DI_RUNNING] = m->state == MF_PACKML_EXECUTE;
    r->di[MF_PLC_DI_ALARM_ACTIVE] = (uint8_t)any_active;
    r->di[MF_PLC_DI_ESTOP] = (uint8_t)m->estop_open;
    r->di[MF_PLC_DI_ENGRAVE_WAITING] = (uint8_t)eng->engrave_wait;
    r->di[MF_PLC_DI_HEARTBEAT] = (uint8_t)(uptime_s & 1u);
    r->di[MF_PLC_DI_QUEUE_FULL] = m->queue_len == MF_PLC_QUEUE_CAP;
    r->di[MF_PLC_DI_ALARM_UNACKED] = (uint8_t)any_unacked;
}

/* ---- accessors and status ----------------------------------------------- */

mf_packml_state_t plc_model_line_state(const plc_model_t *m)
{
    return m->state;
}

mf_packml_state_t plc_model_station_state(const plc_model_t *m, unsigned st)
{
    if (st < MF_STATION_FIRST || st > MF_STATION_LAST)
        return MF_PACKML_UNDEFINED;
    return station_state(m, st);
}

uint32_t plc_model_good(const plc_model_t *m)
{
    return m->good;
}

uint32_t plc_model_rejected(const plc_model_t *m)
{
    return m->rejected;
}

unsigned plc_model_alarm_count(const plc_model_t *m)
{
    return m->alarm_count;
}

static const char *packml_name(unsigned s)
{
    static const char *names[] = {
        "Undefined", "Clearing",   "Stopped",      "Starting",  "Idle",       "Suspended",
        "Execute",   "Stopping",   "Aborting",     "Aborted",   "Holding",    "Held",
        "Unholding", "Suspending", "Unsuspending", "Resetting", "Completing", "Complete"};
    return s <= MF_PACKML_STATE_MAX ? names[s] : "?";
}

static const char *alarm_name(unsigned code)
{
    static const char *names[] = {"none",
                                  "estop",
                                  "jam",
                                  "sensor-fault",
                                  "robot-fault",
                                  "quality-rejects",
                                  "engraver-timeout",
                                  "magazine-empty"};
    return code <= MF_ALARM_CODE_MAX ? names[code] : "?";
}

__attribute__((format(printf, 4, 5))) static void status_put(char *buf, size_t size, size_t *n,
                                                             const char *fmt, ...)
{
    if (*n + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *n, size - *n, fmt, ap);
    va_end(ap);
    if (w > 0)
        *n += (size_t)w < size - *n ? (size_t)w : size - *n - 1;
}

#define STATUS_PUT(...) status_put(buf, size, &n, __VA_ARGS__)

size_t plc_model_format_status(const plc_model_t *m, char *buf, size_t size)
{
    size_t n = 0;
    if (size == 0)
        return 0;
    buf[0] = '\0';
    static const char *modes[] = {"?", "auto", "maintenance", "manual"};
    STATUS_PUT("plc.state %s\nplc.mode %s\nplc.speed %.2f\nplc.estop %s\n", packml_name(m->state),
               modes[m->mode <= MF_MODE_MAX ? m->mode : 0], m->cfg.speed,
               m->estop_open ? "open" : "closed");
    STATUS_PUT("plc.orders submitted=%u queued=%u good=%u rejected=%u last_id=%u\n", m->submitted,
               m->queue_len, m->good, m->rejected, m->last_order_id);
    for (unsigned st = MF_STATION_FIRST; st <= MF_STATION_LAST; st++) {
        const plc_station_t *s = station_c(m, st);
        STATUS_PUT("plc.station.%u %s order=%u cycles=%u last=%.1fs%s\n", st,
                   packml_name(station_state(m, st)), s->has_piece ? s->piece.id : 0, s->cycles,
                   s->last_cycle, s->engrave_wait ? " waiting-engrave" : "");
    }
    STATUS_PUT("plc.magazine");
    for (unsigned c = 1; c <= MF_COLOUR_COUNT; c++)
        STATUS_PUT(" %u", m->magazine[c]);
    STATUS_PUT("\n");
    for (unsigned i = 0; i < m->alarm_count; i++) {
        const plc_alarm_t *a = &m->alarms[i];
        STATUS_PUT("plc.alarm %s station=%u param=%u%s%s\n", alarm_name(a->code), a->station,
                   a->param, a->active ? " active" : "", a->unacked ? " unacked" : "");
    }
    unsigned owned = 0;
    for (unsigned k = 0; k < MF_PLC_MBOX_COUNT; k++)
        owned += m->mbox[k].owner != 0;
    STATUS_PUT("plc.mailboxes owned=%u\n", owned);
    return n;
}

void plc_model_force_rejects(plc_model_t *m, unsigned n)
{
    m->force_rejects = n;
}

void plc_model_force_refusals(plc_model_t *m, unsigned n)
{
    m->force_refusals = n;
}
