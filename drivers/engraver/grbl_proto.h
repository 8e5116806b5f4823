/*
 * grbl_proto.h - the pure part of the GRBL 1.1 driver (drivers/engraver):
 * classifying the controller's lines, the character-counting window, plain
 * messages for error:N and ALARM:N, and a motion-time estimate of a program.
 * No I/O, no clock: unit-tested directly.
 */
#ifndef MF_GRBL_PROTO_H
#define MF_GRBL_PROTO_H

#include <stdbool.h>
#include <stddef.h>

/* GRBL's serial receive buffer is 128 bytes; one is kept free. */
#define GRBL_RX_BUFFER 128
#define GRBL_RX_USABLE 127
#define GRBL_MAX_LINE 80 /* longest G-code line GRBL accepts, without \n */

typedef enum {
    GRBL_REPLY_OK,
    GRBL_REPLY_ERROR,   /* error:N */
    GRBL_REPLY_ALARM,   /* ALARM:N */
    GRBL_REPLY_BANNER,  /* Grbl 1.1h ['$' for help] */
    GRBL_REPLY_STATUS,  /* <Idle|MPos:...|FS:...> */
    GRBL_REPLY_MSG,     /* [MSG:...] and other [...] feedback */
    GRBL_REPLY_SETTING, /* $n=value */
    GRBL_REPLY_OTHER,   /* anything else: ignored (garbage, echo) */
} grbl_reply_kind_t;

typedef struct {
    grbl_reply_kind_t kind;
    int code;         /* ERROR, ALARM */
    char state[16];   /* STATUS: Idle, Run, Hold:0, Alarm, Door, Home, Check, Jog, Sleep */
    double pos[3];    /* STATUS: MPos or WPos */
    bool has_pos;     /* STATUS: a position field was present */
    bool pos_is_mpos; /* STATUS: pos is MPos (else WPos) */
    bool has_wco;     /* STATUS: WCO present (GRBL sends it every 10-30 reports) */
    double wco[3];    /* STATUS: work coordinate offset: WPos = MPos - WCO */
    double feed;      /* STATUS: FS first field, -1 if absent */
    int planner_free; /* STATUS: Bf first field, -1 if absent */
    int rx_free;      /* STATUS: Bf second field, -1 if absent */
    char text[64];    /* BANNER: version ("1.1h"); MSG: the message */
    int setting_id;   /* SETTING: N of $N=value */
    double setting_value;
} grbl_reply_t;

/* Classifies one line (without its newline). Never fails: unknown lines are
 * GRBL_REPLY_OTHER. */
void grbl_parse_reply(const char *line, grbl_reply_t *out);

/* Plain-language texts; never NULL. */
const char *grbl_error_text(int code);
const char *grbl_alarm_text(int code);

/* The character-counting window: the lengths (with \n) of lines sent and not
 * yet answered by ok/error, bounded by CAPACITY bytes. SEND_AND_WAIT is the
 * same window limited to one line. */
#define GRBL_WINDOW_LINES 128
typedef struct {
    int capacity, used, count, head;
    int max_lines;
    int lens[GRBL_WINDOW_LINES];
} grbl_window_t;

void grbl_window_init(grbl_window_t *w, int capacity, int max_lines);
/* True when a line of LEN bytes (with \n) may be sent now. */
bool grbl_window_fits(const grbl_window_t *w, int len);
void grbl_window_push(grbl_window_t *w, int len);
/* Drops the oldest line (an ok/error arrived). Returns its length, or -1 if
 * nothing was in flight (an unexpected ok). */
int grbl_window_pop(grbl_window_t *w);

/* Motion time of each line of PROGRAM (lines ending in \n) in seconds,
 * cumulated: OUT[i] = time to run lines 0..i. G0 at RAPID_MM_MIN, G1/G2/G3
 * at the modal F (arcs as chords). Returns the number of lines or a negative
 * code. Acceleration ignored: a lower bound. */
int grbl_estimate_times(const char *program, double rapid_mm_min, double *out, int cap);

/* What a program asks of the machine, for the checks against its settings
 * ($30, $130, $131) before a line is sent. Targets of G0-G3 in absolute or
 * relative distance (G90/G91), mm or inches (G21/G20), from (0,0); arcs are
 * counted by their end points. */
typedef struct {
    bool moves; /* at least one X or Y target */
    double min_x, min_y, max_x, max_y;
    double max_s;   /* highest S word, 0 if none */
    double dwell_s; /* sum of the G4 P dwells */
} grbl_extent_t;

void grbl_program_extent(const char *program, grbl_extent_t *out);

/* The G4 dwell of one line in seconds, 0 when it has none. */
double grbl_line_dwell_s(const char *line, size_t len);

/* The settings the driver reads with $$ after the start. */
typedef struct {
    bool known;       /* at least one $N=value was read */
    double max_s;     /* $30, 0 = unknown */
    int laser_mode;   /* $32: 1 on, 0 off, -1 unknown */
    double travel[3]; /* $130..$132, 0 = unknown */
    int homing;       /* $22: 1 on, 0 off, -1 unknown */
} grbl_settings_t;

void grbl_settings_init(grbl_settings_t *s);
/* Keeps what matters of one $N=value line. */
void grbl_settings_take(grbl_settings_t *s, int id, double value);

/* Checks a program against the machine. Returns 0 when it fits, else
 * MF_ERANGE with a one-line reason in WHY (power above $30, or an area that
 * leaves the travel $130 x $131 whether the machine's space is positive
 * [0, T] or negative [-T, 0]). Unknown settings are not checked. */
int grbl_check_program(const grbl_extent_t *e, const grbl_settings_t *s, char *why, size_t cap);

#endif
