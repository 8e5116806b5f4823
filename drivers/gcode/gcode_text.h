/*
 * gcode_text.h - the visitor's text turned into laser G-code with a Hershey
 * stroke font (drivers/gcode). Pure: no thread, no device, no file written;
 * the only file read is the font (Debian's hershey-fonts-data through
 * libhersheyfont).
 *
 * The text is checked first (gcode_text_check): characters the font cannot
 * draw, texts too long for the plate and offensive words (French and English,
 * with the usual tricks undone: case, accents, spacing, repeated letters,
 * leetspeak digits) are refused with a reason code the kiosk can translate
 * and an English message for logs and the CLI. French accents are drawn by
 * composing the base letter with accent strokes (the Hershey fonts are ASCII).
 * The engraved text lives in memory only: nothing here writes it anywhere.
 */
#ifndef MF_GCODE_TEXT_H
#define MF_GCODE_TEXT_H

#include <stddef.h>

typedef struct {
    double area_x, area_y; /* lower-left corner of the engraving area, mm (machine coords) */
    double area_w, area_h; /* its size, mm */
    double margin;         /* kept free inside the area on every side, mm */
    double max_cap_h;      /* capital letters never taller than this, mm */
    double min_cap_h;      /* a text that would be smaller is refused as too long, mm */
    int max_chars;         /* visible characters (spaces included) accepted */
    int power;             /* laser power, the S word (GRBL $30 scale, default 1000) */
    int feed;              /* burning feed, mm/min */
    char font[32];         /* Hershey font name in /usr/share/hershey-fonts */
} gcode_text_cfg_t;

/* Defaults: a 60 x 20 mm plate at (0,0), 1.5 mm margin, caps 4..10 mm,
 * 20 characters, S300, F800, font "rowmans". */
void gcode_text_cfg_default(gcode_text_cfg_t *cfg);

typedef enum {
    GCODE_TEXT_OK = 0,
    GCODE_TEXT_EMPTY,    /* nothing visible to engrave */
    GCODE_TEXT_BAD_CHAR, /* a character the font cannot draw */
    GCODE_TEXT_TOO_LONG, /* more than max_chars, or too small to be legible */
    GCODE_TEXT_BLOCKED,  /* an offensive word */
    GCODE_TEXT_BAD_UTF8, /* not valid UTF-8 */
} gcode_text_verdict_t;

typedef struct {
    gcode_text_verdict_t verdict;
    char message[160]; /* English, one line; never contains the blocked word */
} gcode_text_check_t;

/* Checks TEXT (UTF-8) against the charset, MAX_CHARS and the blocklist.
 * Returns 0 when it may be engraved, MF_EREFUSED otherwise (reason in OUT). */
int gcode_text_check(const char *text, int max_chars, gcode_text_check_t *out);

/* True when TEXT contains a blocked word after normalisation. */
int gcode_blocklist_match(const char *text);

/* The normalisation used by the blocklist (exposed for tests): lower-case
 * ASCII letters, accents removed, leetspeak digits and symbols mapped to
 * letters, everything else a single space. */
void gcode_blocklist_normalise(const char *text, char *out, size_t cap);

typedef struct gcode_font gcode_font_t;

/* Loads a Hershey font by name ("rowmans"). NULL when missing. */
gcode_font_t *gcode_font_load(const char *name);
void gcode_font_destroy(gcode_font_t *font);

typedef struct {
    char *text;                        /* the program: lines ending in \n, NUL-terminated */
    size_t len;                        /* strlen(text) */
    int lines;                         /* number of lines */
    double cap_h_mm;                   /* height of a capital as engraved */
    double min_x, min_y, max_x, max_y; /* bounding box of the burned strokes */
    double burn_mm;                    /* length burned */
    double travel_mm;                  /* length of laser-off moves */
} gcode_program_t;

/* Renders TEXT as G-code for FONT and CFG into PROG (caller frees with
 * gcode_program_free). Checks the text first. Returns 0, MF_EREFUSED (reason
 * in CHECK), MF_EINVAL (bad configuration) or MF_ENOMEM. */
int gcode_text_render(const gcode_font_t *font, const gcode_text_cfg_t *cfg, const char *text,
                      gcode_program_t *prog, gcode_text_check_t *check);

void gcode_program_free(gcode_program_t *prog);

#endif
