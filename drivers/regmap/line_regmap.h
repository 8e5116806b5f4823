/*
 * line_regmap.h - the register map of the line: the contract between the PLC
 * and remote I/O module (played by firmware-sim, or real hardware) and the
 * kiosk's drivers. Documented for humans in firmware-sim/REGISTERS.md; keep
 * both in step and bump MF_PLC_MAP_VERSION on any incompatible change.
 *
 * Plain integers and enums only (no libmodbus), so the kiosk's pure core may
 * include it. Every one of the four Modbus tables starts at address 0
 * ("zero mode": the address on the wire is the number written here).
 *
 * 32-bit values take two consecutive registers, HIGH word first (at the lower
 * address), each word big-endian as Modbus sends it ("ABCD"; mbpoll -B).
 * Use mf_regmap_get_u32 / mf_regmap_put_u32; never libmodbus's float helpers.
 */
#ifndef MF_LINE_REGMAP_H
#define MF_LINE_REGMAP_H

#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* Devices                                                                  */
/* ------------------------------------------------------------------------ */

#define MF_PLC_UNIT_ID 1         /* Modbus TCP unit id of the line PLC */
#define MF_PLC_DEFAULT_PORT 1502 /* firmware-sim default, 127.0.0.1 */
#define MF_IO_UNIT_ID 2          /* Modbus RTU slave id of the remote I/O module */
#define MF_IO_BAUD 115200        /* 8N1 */

#define MF_PLC_MAP_VERSION 1        /* read from MF_PLC_IR_MAP_VERSION; another value is refused */
#define MF_MODBUS_MAX_READ_REGS 125 /* protocol limit of one FC03/FC04 read */

/* Stations of the line (PRODUCT.md); station 1 is the kiosk itself. */
#define MF_STATION_FIRST 2
#define MF_STATION_LAST 7
#define MF_STATION_COUNT (MF_STATION_LAST - MF_STATION_FIRST + 1)
typedef enum {
    MF_STATION_STORE = 2,   /* automated store: blank of the colour on a pallet */
    MF_STATION_PRESS = 3,   /* press / bending */
    MF_STATION_ENGRAVE = 4, /* laser engraving, driven by the kiosk PC */
    MF_STATION_ROBOT = 5,   /* robot assembly */
    MF_STATION_QUALITY = 6, /* quality control: accept or reject */
    MF_STATION_PACK = 7,    /* packing and delivery */
} mf_station_t;

/* PackML (ISA-TR88 / OMAC PackTags) state numbers, used for the line and for
 * each station. A station uses a subset: Stopped, Idle (no piece), Execute
 * (working a piece), Suspended (piece done, blocked by the next station), Held
 * (waiting for something outside: the engraving PC, a magazine refill, an
 * acknowledged alarm), Aborted. */
typedef enum {
    MF_PACKML_UNDEFINED = 0,
    MF_PACKML_CLEARING = 1,
    MF_PACKML_STOPPED = 2,
    MF_PACKML_STARTING = 3,
    MF_PACKML_IDLE = 4,
    MF_PACKML_SUSPENDED = 5,
    MF_PACKML_EXECUTE = 6,
    MF_PACKML_STOPPING = 7,
    MF_PACKML_ABORTING = 8,
    MF_PACKML_ABORTED = 9,
    MF_PACKML_HOLDING = 10,
    MF_PACKML_HELD = 11,
    MF_PACKML_UNHOLDING = 12,
    MF_PACKML_SUSPENDING = 13,
    MF_PACKML_UNSUSPENDING = 14,
    MF_PACKML_RESETTING = 15,
    MF_PACKML_COMPLETING = 16,
    MF_PACKML_COMPLETE = 17,
} mf_packml_state_t;
#define MF_PACKML_STATE_MAX 17

/* PackML unit modes. */
typedef enum {
    MF_MODE_AUTO = 1,        /* PackML "Production": orders flow automatically */
    MF_MODE_MAINTENANCE = 2, /* line may run, no new order is started */
    MF_MODE_MANUAL = 3,      /* for staff handling: as maintenance, no order starts */
} mf_line_mode_t;
#define MF_MODE_MAX 3

/* Colours of blanks; 0 means none. One magazine per colour in the store. */
typedef enum {
    MF_COLOUR_NONE = 0,
    MF_COLOUR_RED = 1,
    MF_COLOUR_BLUE = 2,
    MF_COLOUR_GREEN = 3,
    MF_COLOUR_YELLOW = 4,
    MF_COLOUR_BLACK = 5,
    MF_COLOUR_SILVER = 6,
} mf_colour_t;
#define MF_COLOUR_COUNT 6

/* Alarm codes. "Abort" alarms take the line to Aborted (clear the cause,
 * acknowledge, then reset); "hold" alarms hold one station until their cause
 * goes; all are latched until acknowledged. */
typedef enum {
    MF_ALARM_NONE = 0,
    MF_ALARM_ESTOP = 1,            /* abort: emergency-stop chain open (station 0) */
    MF_ALARM_JAM = 2,              /* abort: piece jammed at a station */
    MF_ALARM_SENSOR_FAULT = 3,     /* abort: a station's sensor disagrees */
    MF_ALARM_ROBOT_FAULT = 4,      /* abort: robot arm fault (station 5) */
    MF_ALARM_QUALITY_REJECTS = 5,  /* hold: N rejects in a row at quality control */
    MF_ALARM_ENGRAVER_TIMEOUT = 6, /* hold: no ENGRAVE_DONE in time (station 4) */
    MF_ALARM_MAGAZINE_EMPTY = 7,   /* hold: the store has no blank of a colour (param) */
} mf_alarm_code_t;
#define MF_ALARM_CODE_MAX 7

/* ------------------------------------------------------------------------ */
/* PLC, Modbus TCP, unit 1                                                  */
/* ------------------------------------------------------------------------ */

/* Coils (FC01 read, FC05/FC15 write): panel push-buttons. Write 1; the PLC
 * acts on it within one scan (10 ms) and writes it back to 0. No result: use a
 * mailbox command when the caller needs one. */
#define MF_PLC_CO_CMD_START 0
#define MF_PLC_CO_CMD_STOP 1
#define MF_PLC_CO_CMD_RESET 2
#define MF_PLC_CO_CMD_ACK 3
#define MF_PLC_CO_COUNT 8 /* 4..7 reserved, read 0, writes ignored */

/* Discrete inputs (FC02): one bit each, 1 = true. */
#define MF_PLC_DI_RUNNING 0         /* line state is Execute */
#define MF_PLC_DI_ALARM_ACTIVE 1    /* at least one alarm's cause is present */
#define MF_PLC_DI_ESTOP 2           /* emergency-stop chain open */
#define MF_PLC_DI_ENGRAVE_WAITING 3 /* a piece waits at station 4 for the PC */
#define MF_PLC_DI_HEARTBEAT 4       /* toggles every second while the PLC runs */
#define MF_PLC_DI_QUEUE_FULL 5      /* SUBMIT_ORDER would be refused */
#define MF_PLC_DI_ALARM_UNACKED 6   /* at least one alarm waits for acknowledge */
#define MF_PLC_DI_PART_PRESENT(st) (8 + ((st)-MF_STATION_FIRST))  /* 8..13 */
#define MF_PLC_DI_STATION_BUSY(st) (16 + ((st)-MF_STATION_FIRST)) /* 16..21 */
#define MF_PLC_DI_MAGAZINE_EMPTY(c) (24 + ((c)-1))                /* 24..29 */
#define MF_PLC_DI_COUNT 32

/* Holding registers (FC03 read, FC06/FC16 write): the client mailboxes.
 * One mailbox per client (kiosk, console, diag tool); see REGISTERS.md for
 * the handshake. Slot k occupies MF_PLC_HR_MBOX(k) .. +7. */
#define MF_PLC_MBOX_COUNT 8
#define MF_PLC_MBOX_STRIDE 8
#define MF_PLC_HR_MBOX(k) ((k)*MF_PLC_MBOX_STRIDE)
#define MF_PLC_MBOX_OWNER 0 /* +0,+1 u32 owner token, 0 = free (claim: see doc) */
#define MF_PLC_MBOX_SEQ 2   /* +2 request sequence chosen by the owner, never 0 */
#define MF_PLC_MBOX_CMD 3   /* +3 mf_plc_cmd_t */
#define MF_PLC_MBOX_ARG0 4  /* +4..+7 arguments, meaning per command */
#define MF_PLC_MBOX_ARG1 5
#define MF_PLC_MBOX_ARG2 6
#define MF_PLC_MBOX_ARG3 7
#define MF_PLC_HR_COUNT (MF_PLC_MBOX_COUNT * MF_PLC_MBOX_STRIDE) /* 64 */

/* How late the input registers may be: a PLC copies them once per scan, and
 * a scan may last up to this long (REGISTERS.md, "Timing"). A write's own
 * answer (normal or exception) is never late. */
#define MF_PLC_MAX_SCAN_MS 500

/* A mailbox lease: the PLC frees a claimed slot when nothing was written to
 * it for this long (real seconds, not scaled by the simulator's speed). An
 * owner renews by writing its token again (any write to the slot renews). */
#define MF_PLC_MBOX_LEASE_S 30

/* Mailbox commands (MF_PLC_MBOX_CMD). */
typedef enum {
    MF_PLC_CMD_NONE = 0,
    MF_PLC_CMD_SUBMIT_ORDER = 1, /* ARG0 colour, ARG1 engrave 0/1, ARG2 client ref */
    MF_PLC_CMD_ENGRAVE_DONE = 2, /* ARG0..1 order id (u32), ARG2 1 = done, 2 = failed */
    MF_PLC_CMD_START = 3,
    MF_PLC_CMD_STOP = 4,
    MF_PLC_CMD_RESET = 5,
    /* ARG0 alarm code (0 = every alarm), ARG1 station (0 = any), ARG2 the
     * colour of a MAGAZINE_EMPTY alarm (0 = any): acknowledges the matching ones */
    MF_PLC_CMD_ACK = 6,
    MF_PLC_CMD_SET_MODE = 7, /* ARG0 mf_line_mode_t */
    MF_PLC_CMD_REFILL = 8,   /* ARG0 colour (0 = all), magazine refilled to full */
    MF_PLC_CMD_RELEASE = 9,  /* frees this mailbox; only its owner can (token in the write) */
    /* ARG0..1 order id (u32): a queued order is removed (OK); one already on
     * the line answers IN_PRODUCTION, a finished or unknown one NO_ORDER */
    MF_PLC_CMD_CANCEL = 10,
} mf_plc_cmd_t;
#define MF_PLC_CMD_MAX 10

/* Mailbox results (MF_PLC_IR_MBOX_RESULT). */
typedef enum {
    MF_PLC_RES_PENDING = 0,       /* nothing done yet for ACK_SEQ */
    MF_PLC_RES_OK = 1,            /* done; for SUBMIT_ORDER, ORDER_ID is valid */
    MF_PLC_RES_BAD_COMMAND = 2,   /* unknown command code */
    MF_PLC_RES_BAD_ARG = 3,       /* argument out of range (colour, mode...) */
    MF_PLC_RES_QUEUE_FULL = 4,    /* order queue full, try later */
    MF_PLC_RES_BAD_STATE = 5,     /* not allowed in the current state/mode */
    MF_PLC_RES_NO_ORDER = 6,      /* ENGRAVE_DONE / CANCEL: no such order (waiting there, queued) */
    MF_PLC_RES_ESTOP = 7,         /* refused while the emergency stop is open */
    MF_PLC_RES_IN_PRODUCTION = 8, /* CANCEL: the order is already on the line */
} mf_plc_result_t;
#define MF_PLC_RES_MAX 8

/* ENGRAVE_DONE outcome (ARG2). */
#define MF_PLC_ENGRAVE_OK 1
#define MF_PLC_ENGRAVE_FAILED 2

/* Input registers (FC04): the line's state, read-only. */
#define MF_PLC_IR_MAP_VERSION 0     /* MF_PLC_MAP_VERSION */
#define MF_PLC_IR_LINE_STATE 1      /* mf_packml_state_t */
#define MF_PLC_IR_LINE_MODE 2       /* mf_line_mode_t */
#define MF_PLC_IR_ALARM_COUNT 3     /* entries in the alarm table */
#define MF_PLC_IR_TOP_ALARM 4       /* code of the oldest active alarm, else 0 */
#define MF_PLC_IR_HEARTBEAT 5       /* +1 every scan (10 ms), wraps */
#define MF_PLC_IR_UPTIME_S 6        /* u32, seconds since PLC start (real time) */
#define MF_PLC_IR_GOOD 8            /* u32, pieces delivered */
#define MF_PLC_IR_REJECTED 10       /* u32, pieces rejected by quality control */
#define MF_PLC_IR_SUBMITTED 12      /* u32, orders accepted */
#define MF_PLC_IR_QUEUE_LEN 14      /* orders waiting, not yet started */
#define MF_PLC_IR_QUEUE_CAP 15      /* MF_PLC_QUEUE_CAP */
#define MF_PLC_IR_LAST_ORDER_ID 16  /* u32, last id given (ids start at 1) */
#define MF_PLC_IR_ENGRAVE_ORDER 18  /* u32, order waiting at station 4, else 0 */
#define MF_PLC_IR_ENGRAVE_LEFT_S 20 /* seconds before ENGRAVER_TIMEOUT, 0 if none */
#define MF_PLC_IR_SPEED_PCT 21      /* simulator speed x100 (100 on hardware) */
#define MF_PLC_IR_ALARM_MASK 22     /* u32, bit n set = alarm code n active */
#define MF_PLC_IR_FINISHED 24       /* u32, pieces finished (good + rejected) */
#define MF_PLC_IR_RUN_TIME_S 26     /* u32, line seconds spent in Execute */
#define MF_PLC_IR_ALARM_TOTAL 28    /* alarms in force, may exceed the table's 8 */
#define MF_PLC_IR_LAST_CANCELLED 29 /* u32, id of the last order removed by CANCEL, 0 = none */
#define MF_PLC_IR_CANCELLED 31      /* orders removed by CANCEL since power-up, wraps */
#define MF_PLC_IR_MAGAZINE(c) (32 + ((c)-1)) /* 32..37 blanks left per colour */
#define MF_PLC_MAGAZINE_FULL 20              /* blanks after a refill */

/* Alarm table: entries 0..ALARM_COUNT-1 valid, oldest first. */
#define MF_PLC_ALARM_SLOTS 8
#define MF_PLC_IR_ALARM(i) (40 + (i)*4)
#define MF_PLC_ALARM_CODE 0    /* +0 mf_alarm_code_t */
#define MF_PLC_ALARM_STATION 1 /* +1 station 2..7, 0 = whole line */
#define MF_PLC_ALARM_PARAM 2   /* +2 colour for MAGAZINE_EMPTY, else 0 */
#define MF_PLC_ALARM_FLAGS 3   /* +3 bit0 active, bit1 unacknowledged */
#define MF_PLC_ALARM_F_ACTIVE 0x1
#define MF_PLC_ALARM_F_UNACKED 0x2

/* Station blocks, 16 registers per station. */
#define MF_PLC_STATION_STRIDE 16
#define MF_PLC_IR_STATION(st) (72 + ((st)-MF_STATION_FIRST) * MF_PLC_STATION_STRIDE)
#define MF_PLC_ST_STATE 0      /* +0 mf_packml_state_t */
#define MF_PLC_ST_ORDER 1      /* +1,+2 u32 order id of the piece there, 0 = none */
#define MF_PLC_ST_COLOUR 3     /* +3 colour of that piece */
#define MF_PLC_ST_PROGRESS 4   /* +4 0..100 % of the current cycle */
#define MF_PLC_ST_LAST_CYCLE 5 /* +5 last cycle time, tenths of line seconds */
#define MF_PLC_ST_AVG_CYCLE 6  /* +6 mean cycle time, tenths of line seconds */
#define MF_PLC_ST_CYCLES 7     /* +7,+8 u32 cycles completed */
#define MF_PLC_ST_ALARM 9      /* +9 code of the active alarm at the station */
#define MF_PLC_ST_NOMINAL 10   /* +10 nominal cycle time, tenths of line seconds */
/* +11..+15 reserved (0) */

/* Order queue: orders accepted and not yet started, oldest first. */
#define MF_PLC_QUEUE_CAP 16
#define MF_PLC_IR_QUEUE(i) (168 + (i)*4)
#define MF_PLC_Q_ORDER 0   /* +0,+1 u32 order id */
#define MF_PLC_Q_COLOUR 2  /* +2 colour */
#define MF_PLC_Q_ENGRAVE 3 /* +3 1 = to be engraved */

/* Finished ring: the last MF_PLC_FINISHED_SLOTS finished pieces. Piece number
 * n (n = 1.. as counted by MF_PLC_IR_FINISHED) sits at entry (n-1) % SLOTS. */
#define MF_PLC_FINISHED_SLOTS 16
#define MF_PLC_IR_FINISHED_LOG(i) (232 + (i)*4)
#define MF_PLC_F_ORDER 0   /* +0,+1 u32 order id */
#define MF_PLC_F_OUTCOME 2 /* +2 mf_plc_outcome_t */
#define MF_PLC_F_COLOUR 3  /* +3 colour */
typedef enum {
    MF_PLC_OUTCOME_NONE = 0,
    MF_PLC_OUTCOME_DELIVERED = 1,
    MF_PLC_OUTCOME_REJECTED = 2, /* by quality control (or engraving failed) */
} mf_plc_outcome_t;

/* Mailbox answers, 8 registers per slot. */
#define MF_PLC_IR_MBOX(k) (296 + (k)*8)
#define MF_PLC_MBOXR_ACK_SEQ 0 /* +0 SEQ of the last request handled */
#define MF_PLC_MBOXR_RESULT 1  /* +1 mf_plc_result_t for ACK_SEQ */
#define MF_PLC_MBOXR_ORDER 2   /* +2,+3 u32 order id given by SUBMIT_ORDER */
#define MF_PLC_MBOXR_OWNER 4   /* +4,+5 u32 copy of the owner token, 0 = free */
#define MF_PLC_MBOXR_LEASE_S 6 /* +6 seconds left on the lease */
#define MF_PLC_MBOXR_HANDLED 7 /* +7 requests handled in this slot, wraps */
#define MF_PLC_IR_COUNT (MF_PLC_IR_MBOX(MF_PLC_MBOX_COUNT)) /* 360 */

/* ------------------------------------------------------------------------ */
/* Remote I/O module, Modbus RTU, unit 2                                    */
/* ------------------------------------------------------------------------ */

/* Coils: stack-light outputs, 1 = on. Patterns (blink, bursts) are made by
 * the writer; the module only holds what it was told. */
#define MF_IO_CO_GREEN 0
#define MF_IO_CO_ORANGE 1
#define MF_IO_CO_RED 2
#define MF_IO_CO_BUZZER 3
#define MF_IO_CO_COUNT 8 /* 4..7 spare outputs */

/* Discrete inputs. */
#define MF_IO_DI_START_BUTTON 0 /* 1 while the start button is held */
#define MF_IO_DI_ESTOP_OK                                                                          \
    1 /* 1 = emergency-stop chain closed (healthy);                                                \
         0 = pressed or wire broken (fail-safe) */
#define MF_IO_DI_COUNT 8

/* Holding registers. */
#define MF_IO_HR_OUTPUTS 0 /* bit n mirrors coil n; writing it sets all coils */
#define MF_IO_HR_COUNT 4   /* 1..3 spare */

/* Input registers. */
#define MF_IO_IR_INPUTS 0    /* bit n mirrors discrete input n */
#define MF_IO_IR_MODULE_ID 1 /* MF_IO_MODULE_ID */
#define MF_IO_IR_FIRMWARE 2  /* firmware version, 0x0100 = 1.0 */
#define MF_IO_IR_START_COUNT                                                                       \
    3                          /* start-button presses since power-up, wraps:                      \
                                  a press shorter than a poll is not lost */
#define MF_IO_IR_ESTOP_COUNT 4 /* e-stop openings since power-up, wraps */
#define MF_IO_IR_COUNT 8
#define MF_IO_MODULE_ID 0x4D46 /* "MF" */

/* ------------------------------------------------------------------------ */
/* 32-bit values: high word first                                           */
/* ------------------------------------------------------------------------ */

static inline uint32_t mf_regmap_get_u32(const uint16_t *regs)
{
    return ((uint32_t)regs[0] << 16) | (uint32_t)regs[1];
}

static inline void mf_regmap_put_u32(uint16_t *regs, uint32_t value)
{
    regs[0] = (uint16_t)(value >> 16);
    regs[1] = (uint16_t)(value & 0xFFFFu);
}

/* ------------------------------------------------------------------------ */
/* Bounds                                                                   */
/* ------------------------------------------------------------------------ */

_Static_assert(MF_STATION_COUNT == 6, "stations 2..7");
_Static_assert(MF_PLC_DI_PART_PRESENT(MF_STATION_LAST) < MF_PLC_DI_STATION_BUSY(MF_STATION_FIRST),
               "part-present bits overlap busy bits");
_Static_assert(MF_PLC_DI_STATION_BUSY(MF_STATION_LAST) < MF_PLC_DI_MAGAZINE_EMPTY(1),
               "busy bits overlap magazine bits");
_Static_assert(MF_PLC_DI_MAGAZINE_EMPTY(MF_COLOUR_COUNT) < MF_PLC_DI_COUNT, "DI table too small");
_Static_assert(MF_PLC_CO_CMD_ACK < MF_PLC_CO_COUNT, "coil table too small");
_Static_assert(MF_PLC_MBOX_ARG3 < MF_PLC_MBOX_STRIDE, "mailbox fields exceed stride");
_Static_assert(MF_PLC_MBOX_STRIDE <= MF_MODBUS_MAX_READ_REGS, "one mailbox in one write");
_Static_assert(MF_PLC_IR_ALARM_TOTAL < MF_PLC_IR_MAGAZINE(1), "header overlaps magazines");
_Static_assert(MF_PLC_IR_CANCELLED < MF_PLC_IR_MAGAZINE(1), "header overlaps magazines");
_Static_assert(MF_PLC_IR_MAGAZINE(MF_COLOUR_COUNT) < MF_PLC_IR_ALARM(0),
               "magazines overlap alarms");
_Static_assert(MF_PLC_IR_ALARM(MF_PLC_ALARM_SLOTS) <= MF_PLC_IR_STATION(MF_STATION_FIRST),
               "alarm table overlaps stations");
_Static_assert(MF_PLC_ST_NOMINAL < MF_PLC_STATION_STRIDE, "station fields exceed stride");
_Static_assert(MF_PLC_IR_STATION(MF_STATION_LAST + 1) <= MF_PLC_IR_QUEUE(0),
               "stations overlap the queue");
_Static_assert(MF_PLC_IR_QUEUE(MF_PLC_QUEUE_CAP) <= MF_PLC_IR_FINISHED_LOG(0),
               "queue overlaps the finished ring");
_Static_assert(MF_PLC_IR_FINISHED_LOG(MF_PLC_FINISHED_SLOTS) <= MF_PLC_IR_MBOX(0),
               "finished ring overlaps mailbox answers");
_Static_assert(MF_PLC_IR_COUNT == 360, "input register table size changed: update REGISTERS.md");
_Static_assert(MF_PLC_HR_COUNT == 64, "holding register table size changed: update REGISTERS.md");
_Static_assert(MF_PLC_IR_COUNT <= 65536 && MF_PLC_HR_COUNT <= 65536, "Modbus address space");
_Static_assert(MF_IO_CO_BUZZER < MF_IO_CO_COUNT && MF_IO_DI_ESTOP_OK < MF_IO_DI_COUNT,
               "I/O tables too small");
_Static_assert(MF_IO_CO_COUNT <= 16 && MF_IO_DI_COUNT <= 16, "mirrored in one 16-bit word");
_Static_assert(MF_IO_IR_ESTOP_COUNT < MF_IO_IR_COUNT, "I/O input registers too small");

#endif
