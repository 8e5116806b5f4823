/*
 * script.h - the kiosk's test scripts: parsing (pure, here) of the text
 * format run by `minifab run --script FILE` (executed by app/platform).
 *
 * One command a line, '#' starts a comment, strings in double quotes with
 * \" and \\ escapes. Coordinates are window pixels.
 *   tap X Y | tap "label" | tap #id       longpress TARGET MS
 *   swipe X1 Y1 X2 Y2                     type "text"       key NAME
 *   advance MS (kiosk clock, no waiting)  wait MS (real time)
 *   shot NAME                             dump
 *   expect screen ID | expect no screen ID
 *   expect text "..." | expect no text "..."
 *   sim "COMMAND"   a line to minifab-sim's control socket ($MINIFAB_SIM_CONTROL,
 *                   set by --sim): faults, drops, orders; fails on "error:"
 */
#ifndef MF_SCRIPT_H
#define MF_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#define SCRIPT_ARG_MAX 256

typedef enum {
    SCRIPT_TAP,
    SCRIPT_LONGPRESS,
    SCRIPT_SWIPE,
    SCRIPT_TYPE,
    SCRIPT_KEY,
    SCRIPT_ADVANCE,
    SCRIPT_WAIT,
    SCRIPT_SHOT,
    SCRIPT_EXPECT_SCREEN,
    SCRIPT_EXPECT_TEXT,
    SCRIPT_DUMP,
    SCRIPT_SIM, /* arg: a command for the simulator's control socket */
} script_op_t;

typedef enum {
    SCRIPT_TARGET_POINT, /* x, y in pixels */
    SCRIPT_TARGET_LABEL, /* a visible label */
    SCRIPT_TARGET_ID,    /* a widget id (written #id) */
} script_target_kind_t;

typedef struct {
    script_target_kind_t kind;
    float x, y;
    char text[SCRIPT_ARG_MAX];
} script_target_t;

typedef struct {
    script_op_t op;
    int line;                 /* 1-based line in the file */
    script_target_t target;   /* TAP, LONGPRESS */
    float x1, y1, x2, y2;     /* SWIPE */
    long ms;                  /* LONGPRESS, ADVANCE, WAIT */
    bool negate;              /* EXPECT ... no ... */
    char arg[SCRIPT_ARG_MAX]; /* TYPE text, KEY name, SHOT name, EXPECT id/text, SIM command */
} script_cmd_t;

typedef struct {
    char name[256]; /* file name, for messages */
    script_cmd_t *cmds;
    size_t count;
} script_t;

/* Parses TEXT (NUL-terminated). On error returns NULL and writes
 * "NAME:LINE: message" into ERR. */
script_t *script_parse(const char *name, const char *text, char *err, size_t err_size);
/* Reads and parses a file; same error contract. */
script_t *script_load(const char *path, char *err, size_t err_size);
void script_destroy(script_t *s);

#endif
