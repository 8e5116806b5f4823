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
    double feed;      /* STATUS: FS first field, -1 if absent */
    int planner_free; /* STATUS: Bf first field, -1 if absent */
    int rx_free;      /* STATUS: Bf second field, -1 if absent */
    char text[64];    /* BANNER: version ("1.1h"); MSG: the message */
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

#endif
