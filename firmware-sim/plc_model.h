/*
 * plc_model.h - the line PLC's program, without any bus: stations 2..7,
 * pallets, the order queue, alarms, PackML states and the client mailboxes of
 * REGISTERS.md. Pure logic: time is an input (now_ms, a monotonic real clock
 * in milliseconds); the line's own clock runs at now * speed. The Modbus TCP
 * server (plc_server.c) renders this model into registers and feeds it
 * writes; tests drive it directly (tests/sim/test_plc_model.c).
 *
 * Owns nothing but itself; not thread-safe (the simulator holds its lock).
 */
#ifndef MF_SIM_PLC_MODEL_H
#define MF_SIM_PLC_MODEL_H

#include "line_regmap.h"

#include <stddef.h>
#include <stdint.h>

typedef struct plc_model plc_model_t;

typedef struct {
    uint64_t seed;              /* quality-control reject draws */
    double speed;               /* line seconds per real second, > 0 */
    unsigned reject_permille;   /* quality reject rate, 0..1000 (default 50) */
    unsigned engrave_timeout_s; /* real seconds before ENGRAVER_TIMEOUT (default 120) */
    unsigned reject_alarm_run;  /* rejects in a row raising QUALITY_REJECTS (default 3) */
} plc_model_config_t;

/* The registers of the four tables, as the server publishes them. */
typedef struct {
    uint8_t co[MF_PLC_CO_COUNT];
    uint8_t di[MF_PLC_DI_COUNT];
    uint16_t hr[MF_PLC_HR_COUNT];
    uint16_t ir[MF_PLC_IR_COUNT];
} plc_regs_t;

/* Fills cfg with the defaults (seed 1, speed 1, 5 % rejects, 120 s, 3). */
void plc_model_config_default(plc_model_config_t *cfg);

/* A stopped line, empty, magazines full. NULL on bad config or no memory. */
plc_model_t *plc_model_create(const plc_model_config_t *cfg, uint64_t now_ms);
void plc_model_destroy(plc_model_t *m);

/* Advances the line to now_ms (one PLC scan). Monotonic now_ms expected. */
void plc_model_step(plc_model_t *m, uint64_t now_ms);

/* Runs one command as a mailbox would; returns an mf_plc_result_t. For
 * SUBMIT_ORDER, *order_id (if not NULL) receives the new id, else 0. */
int plc_model_command(plc_model_t *m, mf_plc_cmd_t cmd, const uint16_t args[4], uint64_t now_ms,
                      uint32_t *order_id);

/* A panel push-button coil written to 1 (MF_PLC_CO_CMD_*). */
void plc_model_press_coil(plc_model_t *m, unsigned coil, uint64_t now_ms);

/* A write of count holding registers from addr (FC06/FC16). All or nothing:
 * returns 0 when applied, else the Modbus exception code to answer (2 illegal
 * address: outside the table or across two mailboxes; 3 illegal value: half
 * an owner, a request into a free mailbox, RELEASE without the token; 6 busy:
 * the mailbox is owned by another token, or a zero owner written over one).
 * The request in the touched mailbox is handled before it returns (RELEASE
 * frees it). */
int plc_model_write_holding(plc_model_t *m, unsigned addr, unsigned count, const uint16_t *values,
                            uint64_t now_ms);

/* Publishes the model into regs. */
void plc_model_render(const plc_model_t *m, plc_regs_t *regs);

/* Faults from the outside world (control socket, I/O module). */
void plc_model_set_estop(plc_model_t *m, int open, uint64_t now_ms);
/* code: MF_ALARM_JAM / SENSOR_FAULT (station 2..7), ROBOT_FAULT (station 5).
 * Returns 0 or MF_EINVAL. */
int plc_model_set_fault(plc_model_t *m, mf_alarm_code_t code, unsigned station, int active,
                        uint64_t now_ms);
/* Empties (count 0) or sets the magazine of colour 1..6. 0 or MF_EINVAL. */
int plc_model_set_magazine(plc_model_t *m, unsigned colour, unsigned count);
/* Changes the line's speed factor (> 0); 0 or MF_EINVAL. */
int plc_model_set_speed(plc_model_t *m, double speed, uint64_t now_ms);
double plc_model_speed(const plc_model_t *m);
/* Publishes another map version in IR 0 (tests: a PLC this kiosk must refuse). */
void plc_model_set_map_version(plc_model_t *m, uint16_t version);

/* Small accessors for tests and the status text. */
mf_packml_state_t plc_model_line_state(const plc_model_t *m);
mf_packml_state_t plc_model_station_state(const plc_model_t *m, unsigned station);
uint32_t plc_model_good(const plc_model_t *m);
uint32_t plc_model_rejected(const plc_model_t *m);
unsigned plc_model_alarm_count(const plc_model_t *m); /* all in force, may exceed 8 */

/* Writes a human-readable multi-line state into buf (always terminated).
 * Returns the length written. */
size_t plc_model_format_status(const plc_model_t *m, char *buf, size_t size);

#endif
