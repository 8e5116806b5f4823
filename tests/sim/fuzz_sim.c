/*
 * fuzz_sim.c - libFuzzer target for firmware-sim's two models: what a peer
 * on the bus can send them. The first byte picks the model:
 *   odd  -> GRBL: bytes are fed as from the serial port, except 0xF0 (advance
 *           50 ms), 0xF1 (alarm, next byte the code), 0xF2 (port re-opened);
 *   even -> PLC: a sequence of operations (holding-register writes as from
 *           Modbus, commands, coils, scans, e-stop, faults, speed).
 * Invariants are checked after every operation (FUZZ_CHECK), and the sanitizers
 * catch the rest. Run over tests/sim/fuzz-corpus by CTest (sim.fuzz-corpus);
 * with -DMINIFAB_FUZZ=ON and clang, fuzz_sim is the libFuzzer binary.
 */
#include "grbl_sim.h"
#include "line_regmap.h"
#include "plc_model.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kept in release builds too, unlike assert. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_sim: %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void grbl_check(grbl_sim_t *g)
{
    double p[3];
    grbl_sim_position(g, p);
    for (int i = 0; i < 3; i++)
        FUZZ_CHECK(!isnan(p[i]));
    char buf[512];
    FUZZ_CHECK(grbl_sim_format_status(g, buf, sizeof buf) < sizeof buf);
}

static void fuzz_grbl(const uint8_t *d, size_t n)
{
    uint64_t t = 1000000;
    grbl_sim_t *g = grbl_sim_create(NULL, t);
    if (!g)
        return;
    char out[4096];
    for (size_t i = 0; i < n; i++) {
        if (d[i] == 0xF0) {
            t += 50000;
        } else if (d[i] == 0xF1 && i + 1 < n) {
            grbl_sim_raise_alarm(g, d[++i] % 12, t);
        } else if (d[i] == 0xF2) {
            grbl_sim_power_cycle(g, t);
        } else {
            grbl_sim_feed(g, &d[i], 1, t);
            t += 87;
        }
        grbl_sim_advance(g, t);
        while (grbl_sim_take_output(g, out, sizeof out, t) > 0) {
        }
        grbl_check(g);
    }
    t += 500000; /* let motion run half a second more */
    grbl_sim_advance(g, t);
    while (grbl_sim_take_output(g, out, sizeof out, t) > 0) {
    }
    grbl_check(g);
    grbl_sim_destroy(g);
}

static uint16_t u16(const uint8_t *d, size_t n, size_t *i)
{
    uint16_t v = 0;
    for (int k = 0; k < 2; k++)
        v = (uint16_t)((v << 8) | (*i < n ? d[(*i)++] : 0));
    return v;
}

static void plc_check(const plc_model_t *m, plc_regs_t *r)
{
    plc_model_render(m, r);
    FUZZ_CHECK(r->ir[MF_PLC_IR_MAP_VERSION] == MF_PLC_MAP_VERSION);
    FUZZ_CHECK(r->ir[MF_PLC_IR_LINE_STATE] <= MF_PACKML_STATE_MAX);
    FUZZ_CHECK(r->ir[MF_PLC_IR_ALARM_COUNT] <= MF_PLC_ALARM_SLOTS);
    FUZZ_CHECK(r->ir[MF_PLC_IR_QUEUE_LEN] <= MF_PLC_QUEUE_CAP);
    uint32_t good = mf_regmap_get_u32(&r->ir[MF_PLC_IR_GOOD]);
    uint32_t rej = mf_regmap_get_u32(&r->ir[MF_PLC_IR_REJECTED]);
    FUZZ_CHECK(mf_regmap_get_u32(&r->ir[MF_PLC_IR_FINISHED]) == good + rej);
    /* Every order is queued, on a station or finished: never more finished
     * than submitted. */
    FUZZ_CHECK(good + rej <= mf_regmap_get_u32(&r->ir[MF_PLC_IR_SUBMITTED]));
    for (unsigned k = 0; k < MF_PLC_MBOX_COUNT; k++) {
        uint32_t owner = mf_regmap_get_u32(&r->hr[MF_PLC_HR_MBOX(k)]);
        FUZZ_CHECK(owner == mf_regmap_get_u32(&r->ir[MF_PLC_IR_MBOX(k) + MF_PLC_MBOXR_OWNER]));
    }
}

static void fuzz_plc(const uint8_t *d, size_t n)
{
    plc_model_config_t cfg;
    plc_model_config_default(&cfg);
    cfg.speed = 20;
    uint64_t now = 1000;
    plc_model_t *m = plc_model_create(&cfg, now);
    if (!m)
        return;
    plc_regs_t r;
    size_t i = 0;
    while (i < n) {
        uint8_t op = d[i++];
        switch (op % 8) {
        case 0: { /* FC16 as a client would send it */
            unsigned addr = i < n ? d[i++] % 72 : 0;
            unsigned count = i < n ? d[i++] % 12 + 1 : 1;
            uint16_t v[12];
            for (unsigned k = 0; k < count; k++)
                v[k] = u16(d, n, &i);
            int exc = plc_model_write_holding(m, addr, count, v, now);
            FUZZ_CHECK(exc == 0 || exc == 2 || exc == 3 || exc == 6);
            break;
        }
        case 1: {
            uint16_t args[4];
            unsigned cmd = i < n ? d[i++] % 12 : 0;
            for (int k = 0; k < 4; k++)
                args[k] = u16(d, n, &i);
            uint32_t id;
            int res = plc_model_command(m, (mf_plc_cmd_t)cmd, args, now, &id);
            FUZZ_CHECK(res >= 0 && res <= MF_PLC_RES_MAX);
            break;
        }
        case 2:
            plc_model_press_coil(m, op >> 3, now);
            break;
        case 3:
            now += (uint64_t)(i < n ? d[i++] : 1) * 100u;
            plc_model_step(m, now);
            break;
        case 4:
            plc_model_set_estop(m, op & 8, now);
            break;
        case 5:
            plc_model_set_fault(m, (mf_alarm_code_t)((op >> 3) % 9), i < n ? d[i++] % 9 : 0,
                                op & 128, now);
            break;
        case 6:
            plc_model_set_magazine(m, (op >> 3) % 8, op & 128 ? 0 : 3);
            break;
        case 7:
            plc_model_set_speed(m, (op >> 3) * 10.0, now);
            break;
        }
        plc_check(m, &r);
    }
    plc_model_destroy(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 4096)
        return 0;
    if (data[0] & 1)
        fuzz_grbl(data + 1, size - 1);
    else
        fuzz_plc(data + 1, size - 1);
    return 0;
}
