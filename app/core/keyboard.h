/*
 * keyboard.h - an on-screen keyboard as a widget model (app/core, no SDL).
 *
 * Made for a touchscreen and for people who never used one like it: large
 * keys, French accents one tap away (no long press, no physical keyboard),
 * digits, space and delete, a length limit counted in characters (not
 * bytes). The visitor's order screen uses it for the text to engrave; the
 * staff console reuses it for a group's name, so it knows nothing of either:
 * it holds a text buffer, lays its keys out into a view (view.h) as buttons
 * whose ids start with a caller's prefix, and acts on a tap on one of them.
 *
 * The buffer lives in the caller's memory (keyboard_t is caller-owned:
 * keyboard_init / keyboard_wipe); keyboard_wipe clears it byte by byte, so a
 * visitor's text does not stay in memory after the visit.
 */
#ifndef MF_KEYBOARD_H
#define MF_KEYBOARD_H

#include "view.h"

#include <stdbool.h>
#include <stddef.h>

#define KEYBOARD_TEXT_MAX 128 /* bytes of UTF-8, NUL included */
#define KEYBOARD_PREFIX_MAX 12

typedef enum {
    KEYBOARD_PAGE_LOWER = 0, /* a..z */
    KEYBOARD_PAGE_UPPER,     /* A..Z */
    KEYBOARD_PAGE_ACCENTS, /* é è ê à â ç ù û ô î ï ë œ, and capitals after "shift" */
    KEYBOARD_PAGE_DIGITS,  /* 0..9 and a few signs */
    KEYBOARD_PAGE_COUNT
} keyboard_page_t;

typedef enum {
    KEYBOARD_AZERTY = 0, /* French */
    KEYBOARD_QWERTY,     /* English */
} keyboard_layout_t;

typedef struct {
    char text[KEYBOARD_TEXT_MAX];
    int max_chars; /* characters accepted (code points), 1..KEYBOARD_TEXT_MAX/4 */
    keyboard_page_t page;
    keyboard_layout_t layout;
    bool upper_accents;               /* the accents page shows capitals */
    char prefix[KEYBOARD_PREFIX_MAX]; /* ids of the keys: PREFIX + "a", PREFIX + "del"... */
    unsigned serial;                  /* moves on every change of the text */
} keyboard_t;

/* Empty text, lower-case letters. PREFIX: the keys' ids start with it
 * ("kb-"); MAX_CHARS is clamped to what the buffer holds. */
void keyboard_init(keyboard_t *kb, const char *prefix, int max_chars, keyboard_layout_t layout);
/* Clears the text (every byte) and goes back to the first page. */
void keyboard_wipe(keyboard_t *kb);

const char *keyboard_text(const keyboard_t *kb);
/* The text's length in characters (code points). */
int keyboard_length(const keyboard_t *kb);
bool keyboard_full(const keyboard_t *kb);

/* Appends UTF-8 TEXT (from a tap or a physical keyboard), as far as the
 * limit allows; control characters and invalid UTF-8 are ignored. Returns
 * true when the text changed. */
bool keyboard_insert(keyboard_t *kb, const char *text);
/* Removes the last character. True when the text changed. */
bool keyboard_delete(keyboard_t *kb);

/* Acts on a tap on the widget ID. Returns false when ID is not one of this
 * keyboard's keys (the caller handles it), true otherwise; *TEXT_CHANGED
 * (may be NULL) says whether the text changed. */
bool keyboard_press(keyboard_t *kb, const char *id, bool *text_changed);

/* The keys of the current page as buttons in R (units); FONT is the key
 * label's size in units (0: from R). Key labels that switch pages and the
 * space bar come from LABELS (may be NULL for built-in symbols):
 * LABELS[0] space, [1] delete, [2] accents, [3] digits, [4] letters,
 * [5] shift. A key that would overflow the limit is shown disabled-looking
 * (GHOST style) but stays tappable (nothing happens). */
void keyboard_view(const keyboard_t *kb, view_t *v, view_rect_t r, float font,
                   const char *const labels[6]);

#endif
