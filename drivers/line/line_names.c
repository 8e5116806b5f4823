/*
 * line_names.c - pure parts of the line driver: decoding a read of the
 * register map into a snapshot, the stale rule, and plain-language names for
 * the map's codes (for the staff console, diag and logs).
 */
#include "line_drv.h"

#include <stdio.h>
#include <string.h>

bool line_snapshot_is_stale(long long last_good_ms, long long now_ms, int stale_ms)
{
    return last_good_ms <= 0 || now_ms - last_good_ms > stale_ms;
}

bool line_snapshot_usable(const line_snapshot_t *s)
{
    return s->conn == LINE_CONN_CONNECTED && !s->stale && !s->incompatible;
}

const char *line_station_name(uint16_t st)
{
    static const char *const names[] = {"store",          "press",           "laser engraving",
                                        "robot assembly", "quality control", "packing"};
    _Static_assert(sizeof names / sizeof names[0] == MF_STATION_COUNT, "station names");
    return st >= MF_STATION_FIRST && st <= MF_STATION_LAST ? names[st - MF_STATION_FIRST] : "?";
}

const char *line_alarm_describe(const line_alarm_t *a, char *buf, int size)
{
    char where[48], param[48] = "";
    if (a->station == 0)
        snprintf(where, sizeof where, "on the whole line");
    else
        snprintf(where, sizeof where, "at station %u (%s)", a->station,
                 line_station_name(a->station));
    if (a->code == MF_ALARM_MAGAZINE_EMPTY)
        snprintf(param, sizeof param, ", colour %s", line_colour_name(a->param));
    else if (a->code == MF_ALARM_QUALITY_REJECTS)
        snprintf(param, sizeof param, ", %u rejects in a row", a->param);
    snprintf(buf, (size_t)size, "%s %s%s", line_alarm_name(a->code), where, param);
    return buf;
}

const char *line_conn_name(line_conn_t conn)
{
    switch (conn) {
    case LINE_CONN_CONNECTING:
        return "connecting";
    case LINE_CONN_CONNECTED:
        return "connected";
    case LINE_CONN_DISCONNECTED:
        return "disconnected";
    case LINE_CONN_INCOMPATIBLE:
        return "incompatible";
    case LINE_CONN_MISCONFIGURED:
        return "misconfigured";
    default:
        return "?";
    }
}

const char *line_packml_name(uint16_t s)
{
    static const char *const names[] = {
        "Undefined", "Clearing",   "Stopped",      "Starting",  "Idle",       "Suspended",
        "Execute",   "Stopping",   "Aborting",     "Aborted",   "Holding",    "Held",
        "Unholding", "Suspending", "Unsuspending", "Resetting", "Completing", "Complete"};
    _Static_assert(sizeof names / sizeof names[0] == MF_PACKML_STATE_MAX + 1, "PackML names");
    return s <= MF_PACKML_STATE_MAX ? names[s] : "?";
}

const char *line_mode_name(uint16_t m)
{
    switch (m) {
    case MF_MODE_AUTO:
        return "auto";
    case MF_MODE_MAINTENANCE:
        return "maintenance";
    case MF_MODE_MANUAL:
        return "manual";
    default:
        return "?";
    }
}

const char *line_alarm_name(uint16_t code)
{
    static const char *const names[] = {
        "none",        "emergency stop",           "piece jammed",     "sensor fault",
        "robot fault", "repeated quality rejects", "engraver timeout", "magazine empty"};
    _Static_assert(sizeof names / sizeof names[0] == MF_ALARM_CODE_MAX + 1, "alarm names");
    return code <= MF_ALARM_CODE_MAX ? names[code] : "unknown alarm";
}

const char *line_colour_name(uint16_t c)
{
    static const char *const names[] = {"none",   "red",   "blue",  "green",
                                        "yellow", "black", "silver"};
    _Static_assert(sizeof names / sizeof names[0] == MF_COLOUR_COUNT + 1, "colour names");
    return c <= MF_COLOUR_COUNT ? names[c] : "?";
}

const char *line_plc_result_text(uint16_t r)
{
    static const char *const names[] = {"no answer yet",
                                        "done",
                                        "unknown command",
                                        "argument out of range",
                                        "order queue is full",
                                        "not allowed in the line's current state or mode",
                                        "no such order waiting at the engraver",
                                        "refused while the emergency stop is open",
                                        "in production, cannot be cancelled"};
    _Static_assert(sizeof names / sizeof names[0] == MF_PLC_RES_MAX + 1, "result texts");
    return r <= MF_PLC_RES_MAX ? names[r] : "unknown result";
}

const char *line_cmd_result_text(line_cmd_kind_t cmd, uint16_t r)
{
    if (cmd == LINE_CMD_CANCEL && r == MF_PLC_RES_NO_ORDER)
        return "no such order in the queue (already finished, cancelled or unknown)";
    return line_plc_result_text(r);
}

const char *line_cmd_name(line_cmd_kind_t c)
{
    switch (c) {
    case LINE_CMD_START:
        return "start";
    case LINE_CMD_STOP:
        return "stop";
    case LINE_CMD_RESET:
        return "reset";
    case LINE_CMD_ACK:
        return "acknowledge";
    case LINE_CMD_SET_MODE:
        return "set mode";
    case LINE_CMD_SUBMIT_ORDER:
        return "submit order";
    case LINE_CMD_ENGRAVE_DONE:
        return "engraving done";
    case LINE_CMD_REFILL:
        return "refill";
    case LINE_CMD_CANCEL:
        return "cancel order";
    default:
        return "?";
    }
}

void line_snapshot_decode(line_snapshot_t *s, const uint16_t *ir, const uint8_t *di)
{
    s->map_version = ir[MF_PLC_IR_MAP_VERSION];
    s->line_state = ir[MF_PLC_IR_LINE_STATE];
    s->line_mode = ir[MF_PLC_IR_LINE_MODE];
    s->uptime_s = mf_regmap_get_u32(&ir[MF_PLC_IR_UPTIME_S]);
    s->good = mf_regmap_get_u32(&ir[MF_PLC_IR_GOOD]);
    s->rejected = mf_regmap_get_u32(&ir[MF_PLC_IR_REJECTED]);
    s->submitted = mf_regmap_get_u32(&ir[MF_PLC_IR_SUBMITTED]);
    s->finished = mf_regmap_get_u32(&ir[MF_PLC_IR_FINISHED]);
    s->last_order_id = mf_regmap_get_u32(&ir[MF_PLC_IR_LAST_ORDER_ID]);
    s->engrave_order = mf_regmap_get_u32(&ir[MF_PLC_IR_ENGRAVE_ORDER]);
    s->engrave_left_s = ir[MF_PLC_IR_ENGRAVE_LEFT_S];
    s->speed_pct = ir[MF_PLC_IR_SPEED_PCT];
    s->alarm_mask = mf_regmap_get_u32(&ir[MF_PLC_IR_ALARM_MASK]);
    s->run_time_s = mf_regmap_get_u32(&ir[MF_PLC_IR_RUN_TIME_S]);
    s->alarm_total = ir[MF_PLC_IR_ALARM_TOTAL];
    s->cancelled = ir[MF_PLC_IR_CANCELLED];
    s->last_cancelled = mf_regmap_get_u32(&ir[MF_PLC_IR_LAST_CANCELLED]);

    s->running = di[MF_PLC_DI_RUNNING] != 0;
    s->alarm_active = di[MF_PLC_DI_ALARM_ACTIVE] != 0;
    s->estop = di[MF_PLC_DI_ESTOP] != 0;
    s->engrave_waiting = di[MF_PLC_DI_ENGRAVE_WAITING] != 0;
    s->queue_full = di[MF_PLC_DI_QUEUE_FULL] != 0;
    s->alarm_unacked = di[MF_PLC_DI_ALARM_UNACKED] != 0;

    for (int st = MF_STATION_FIRST; st <= MF_STATION_LAST; st++) {
        const uint16_t *b = &ir[MF_PLC_IR_STATION(st)];
        line_station_t *o = &s->stations[st - MF_STATION_FIRST];
        o->state = b[MF_PLC_ST_STATE];
        o->order = mf_regmap_get_u32(&b[MF_PLC_ST_ORDER]);
        o->colour = b[MF_PLC_ST_COLOUR];
        o->progress = b[MF_PLC_ST_PROGRESS];
        o->last_cycle_ds = b[MF_PLC_ST_LAST_CYCLE];
        o->avg_cycle_ds = b[MF_PLC_ST_AVG_CYCLE];
        o->cycles = mf_regmap_get_u32(&b[MF_PLC_ST_CYCLES]);
        o->alarm = b[MF_PLC_ST_ALARM];
        o->nominal_ds = b[MF_PLC_ST_NOMINAL];
        o->part_present = di[MF_PLC_DI_PART_PRESENT(st)] != 0;
        o->busy = di[MF_PLC_DI_STATION_BUSY(st)] != 0;
    }
    int ql = ir[MF_PLC_IR_QUEUE_LEN];
    s->queue_len = ql < 0 ? 0 : (ql > MF_PLC_QUEUE_CAP ? MF_PLC_QUEUE_CAP : ql);
    memset(s->queue, 0, sizeof s->queue);
    for (int i = 0; i < s->queue_len; i++) {
        const uint16_t *q = &ir[MF_PLC_IR_QUEUE(i)];
        s->queue[i].order = mf_regmap_get_u32(&q[MF_PLC_Q_ORDER]);
        s->queue[i].colour = q[MF_PLC_Q_COLOUR];
        s->queue[i].engrave = q[MF_PLC_Q_ENGRAVE] != 0;
    }
    int ac = ir[MF_PLC_IR_ALARM_COUNT];
    s->alarm_count = ac > MF_PLC_ALARM_SLOTS ? MF_PLC_ALARM_SLOTS : ac;
    memset(s->alarms, 0, sizeof s->alarms);
    for (int i = 0; i < s->alarm_count; i++) {
        const uint16_t *a = &ir[MF_PLC_IR_ALARM(i)];
        s->alarms[i].code = a[MF_PLC_ALARM_CODE];
        s->alarms[i].station = a[MF_PLC_ALARM_STATION];
        s->alarms[i].param = a[MF_PLC_ALARM_PARAM];
        s->alarms[i].active = (a[MF_PLC_ALARM_FLAGS] & MF_PLC_ALARM_F_ACTIVE) != 0;
        s->alarms[i].unacked = (a[MF_PLC_ALARM_FLAGS] & MF_PLC_ALARM_F_UNACKED) != 0;
    }
    if (s->alarm_total < s->alarm_count) /* a PLC that leaves IR 28 at 0 */
        s->alarm_total = (uint16_t)s->alarm_count;
    for (int c = 1; c <= MF_COLOUR_COUNT; c++)
        s->magazine[c - 1] = ir[MF_PLC_IR_MAGAZINE(c)];
}
