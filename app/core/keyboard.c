/*
 * keyboard.c - the on-screen keyboard's model and layout (see keyboard.h).
 *
 * Pages are tables of UTF-8 strings, one row a line; the last row holds the
 * page switches, the space bar and delete. Capitals are one-shot, as on a
 * phone: after one capital the keyboard is back to lower case.
 */
#include "keyboard.h"

#include <stdio.h>
#include <string.h>

#define KB_ROWS 3
#define KB_COLS_MAX 11

/* [layout][page][row][col], NULL-terminated rows */
typedef const char *kb_row_t[KB_COLS_MAX + 1];

static const kb_row_t azerty_lower[KB_ROWS] = {
    {"a", "z", "e", "r", "t", "y", "u", "i", "o", "p", NULL},
    {"q", "s", "d", "f", "g", "h", "j", "k", "l", "m", NULL},
    {"w", "x", "c", "v", "b", "n", "'", "-", NULL},
};
static const kb_row_t azerty_upper[KB_ROWS] = {
    {"A", "Z", "E", "R", "T", "Y", "U", "I", "O", "P", NULL},
    {"Q", "S", "D", "F", "G", "H", "J", "K", "L", "M", NULL},
    {"W", "X", "C", "V", "B", "N", "'", "-", NULL},
};
static const kb_row_t qwerty_lower[KB_ROWS] = {
    {"q", "w", "e", "r", "t", "y", "u", "i", "o", "p", NULL},
    {"a", "s", "d", "f", "g", "h", "j", "k", "l", "'", NULL},
    {"z", "x", "c", "v", "b", "n", "m", "-", NULL},
};
static const kb_row_t qwerty_upper[KB_ROWS] = {
    {"Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P", NULL},
    {"A", "S", "D", "F", "G", "H", "J", "K", "L", "'", NULL},
    {"Z", "X", "C", "V", "B", "N", "M", "-", NULL},
};
static const kb_row_t accents_lower[KB_ROWS] = {
    {"é", "è", "ê", "ë", "à", "â", "ä", "ç", NULL},
    {"ù", "û", "ü", "ô", "ö", "î", "ï", "ÿ", NULL},
    {"œ", "æ", "ñ", "á", "í", "ó", "ú", NULL},
};
static const kb_row_t accents_upper[KB_ROWS] = {
    {"É", "È", "Ê", "Ë", "À", "Â", "Ä", "Ç", NULL},
    {"Ù", "Û", "Ü", "Ô", "Ö", "Î", "Ï", "Ÿ", NULL},
    {"Œ", "Æ", "Ñ", "Á", "Í", "Ó", "Ú", NULL},
};
static const kb_row_t digits[KB_ROWS] = {
    {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", NULL},
    {"-", "'", ".", ",", "!", "?", "&", "+", "@", "#", NULL},
    {"(", ")", ":", "/", "*", "=", "_", NULL},
};

static const kb_row_t *kb_page_rows(const keyboard_t *kb)
{
    bool az = kb->layout == KEYBOARD_AZERTY;
    switch (kb->page) {
    case KEYBOARD_PAGE_UPPER:
        return az ? azerty_upper : qwerty_upper;
    case KEYBOARD_PAGE_ACCENTS:
        return kb->upper_accents ? accents_upper : accents_lower;
    case KEYBOARD_PAGE_DIGITS:
        return digits;
    case KEYBOARD_PAGE_LOWER:
    case KEYBOARD_PAGE_COUNT:
        break;
    }
    return az ? azerty_lower : qwerty_lower;
}

/* Length of the UTF-8 sequence starting with byte C, 0 when C cannot start one. */
static size_t utf8_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 0;
}

void keyboard_init(keyboard_t *kb, const char *prefix, int max_chars, keyboard_layout_t layout)
{
    memset(kb, 0, sizeof *kb);
    snprintf(kb->prefix, sizeof kb->prefix, "%s", prefix ? prefix : "kb-");
    if (max_chars < 1)
        max_chars = 1;
    if (max_chars > (KEYBOARD_TEXT_MAX - 1) / 4)
        max_chars = (KEYBOARD_TEXT_MAX - 1) / 4;
    kb->max_chars = max_chars;
    kb->layout = layout;
}

void keyboard_wipe(keyboard_t *kb)
{
    /* volatile: the compiler may not drop the wipe of a buffer read no more */
    volatile char *p = kb->text;
    for (size_t i = 0; i < sizeof kb->text; i++)
        p[i] = 0;
    kb->page = KEYBOARD_PAGE_LOWER;
    kb->upper_accents = false;
    kb->serial++;
}

const char *keyboard_text(const keyboard_t *kb)
{
    return kb->text;
}

int keyboard_length(const keyboard_t *kb)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)kb->text; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

bool keyboard_full(const keyboard_t *kb)
{
    return keyboard_length(kb) >= kb->max_chars;
}

bool keyboard_insert(keyboard_t *kb, const char *text)
{
    bool changed = false;
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        size_t n = utf8_len(*p);
        bool ok = n > 0;
        for (size_t i = 1; ok && i < n; i++)
            ok = (p[i] & 0xC0) == 0x80;
        if (!ok) {
            p++;
            continue;
        }
        if (n == 1 && (*p < 0x20 || *p == 0x7F)) {
            p++;
            continue;
        }
        size_t len = strlen(kb->text);
        if (keyboard_full(kb) || len + n >= sizeof kb->text)
            break;
        memcpy(kb->text + len, p, n);
        kb->text[len + n] = '\0';
        p += n;
        changed = true;
    }
    if (changed)
        kb->serial++;
    return changed;
}

bool keyboard_delete(keyboard_t *kb)
{
    size_t len = strlen(kb->text);
    if (len == 0)
        return false;
    while (len > 0 && ((unsigned char)kb->text[len - 1] & 0xC0) == 0x80)
        kb->text[--len] = '\0';
    if (len > 0)
        kb->text[--len] = '\0';
    kb->serial++;
    return true;
}

/* The id of a character key: PREFIX + the letter or digit itself, or
 * PREFIX + "u" + the code point in hex for anything else. */
static void key_id(const keyboard_t *kb, const char *ch, char *id, size_t size)
{
    unsigned char c = (unsigned char)ch[0];
    if (ch[1] == '\0' &&
        ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        snprintf(id, size, "%s%c", kb->prefix, c);
        return;
    }
    unsigned cp = 0;
    size_t n = utf8_len(c);
    cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t i = 1; i < n && ch[i]; i++)
        cp = (cp << 6) | ((unsigned char)ch[i] & 0x3Fu);
    snprintf(id, size, "%su%04x", kb->prefix, cp);
}

bool keyboard_press(keyboard_t *kb, const char *id, bool *text_changed)
{
    if (text_changed)
        *text_changed = false;
    size_t pl = strlen(kb->prefix);
    if (strncmp(id, kb->prefix, pl) != 0)
        return false;
    const char *name = id + pl;
    bool changed = false;
    if (strcmp(name, "space") == 0) {
        changed = keyboard_insert(kb, " ");
    } else if (strcmp(name, "del") == 0) {
        changed = keyboard_delete(kb);
    } else if (strcmp(name, "shift") == 0) {
        if (kb->page == KEYBOARD_PAGE_ACCENTS)
            kb->upper_accents = !kb->upper_accents;
        else
            kb->page = kb->page == KEYBOARD_PAGE_UPPER ? KEYBOARD_PAGE_LOWER : KEYBOARD_PAGE_UPPER;
    } else if (strcmp(name, "accents") == 0) {
        kb->page = KEYBOARD_PAGE_ACCENTS;
    } else if (strcmp(name, "digits") == 0) {
        kb->page = KEYBOARD_PAGE_DIGITS;
    } else if (strcmp(name, "letters") == 0) {
        kb->page = KEYBOARD_PAGE_LOWER;
    } else {
        const kb_row_t *rows = kb_page_rows(kb);
        char kid[VIEW_ID_MAX];
        for (int r = 0; r < KB_ROWS; r++) {
            for (int c = 0; rows[r][c]; c++) {
                key_id(kb, rows[r][c], kid, sizeof kid);
                if (strcmp(kid, id) != 0)
                    continue;
                changed = keyboard_insert(kb, rows[r][c]);
                /* one-shot capitals, as on a phone */
                if (changed && kb->page == KEYBOARD_PAGE_UPPER)
                    kb->page = KEYBOARD_PAGE_LOWER;
                if (changed && kb->page == KEYBOARD_PAGE_ACCENTS)
                    kb->upper_accents = false;
                if (text_changed)
                    *text_changed = changed;
                return true;
            }
        }
        return false; /* a key of another page: not shown, not pressed */
    }
    if (text_changed)
        *text_changed = changed;
    return true;
}

static view_widget_t *kb_key(view_t *v, const char *id, const char *label, view_rect_t r,
                             view_style_t style, float font)
{
    view_widget_t *w = view_add(v, VIEW_BUTTON, id, label, r);
    if (w) {
        w->style = style;
        w->font = font;
    }
    return w;
}

void keyboard_view(const keyboard_t *kb, view_t *v, view_rect_t r, float font,
                   const char *const labels[6])
{
    static const char *const builtin[6] = {"␣", "⌫", "é à ç", "123", "abc", "⇧"};
    const char *const *lab = labels ? labels : builtin;
    const kb_row_t *rows = kb_page_rows(kb);
    float gap = r.h * 0.03f;
    float kh = (r.h - 3.0f * gap) / 4.0f;
    float kw = (r.w - (float)(KB_COLS_MAX - 2) * gap) / (float)(KB_COLS_MAX - 1);
    if (font <= 0.0f)
        font = kh * 0.45f;
    bool full = keyboard_full(kb);
    char id[VIEW_ID_MAX];
    for (int row = 0; row < KB_ROWS; row++) {
        int n = 0;
        while (rows[row][n])
            n++;
        float total = (float)n * kw + (float)(n - 1) * gap;
        float x = r.x + (r.w - total) / 2.0f;
        float y = r.y + (float)row * (kh + gap);
        for (int c = 0; c < n; c++) {
            key_id(kb, rows[row][c], id, sizeof id);
            kb_key(v, id, rows[row][c], view_rect(x, y, kw, kh),
                   full ? VIEW_STYLE_GHOST : VIEW_STYLE_SECONDARY, font);
            x += kw + gap;
        }
    }
    /* last row: shift, page switches, space, delete */
    float y = r.y + 3.0f * (kh + gap);
    float x = r.x;
    float sw = kw * 1.5f;
    bool letters = kb->page == KEYBOARD_PAGE_LOWER || kb->page == KEYBOARD_PAGE_UPPER;
    bool shifted =
        kb->page == KEYBOARD_PAGE_UPPER || (kb->page == KEYBOARD_PAGE_ACCENTS && kb->upper_accents);
    if (kb->page != KEYBOARD_PAGE_DIGITS) {
        snprintf(id, sizeof id, "%sshift", kb->prefix);
        kb_key(v, id, lab[5], view_rect(x, y, sw, kh),
               shifted ? VIEW_STYLE_TOGGLE_ON : VIEW_STYLE_SECONDARY, font);
    }
    x += sw + gap;
    snprintf(id, sizeof id, "%s%s", kb->prefix,
             kb->page == KEYBOARD_PAGE_DIGITS ? "letters" : "digits");
    kb_key(v, id, kb->page == KEYBOARD_PAGE_DIGITS ? lab[4] : lab[3], view_rect(x, y, sw, kh),
           VIEW_STYLE_SECONDARY, font * 0.8f);
    x += sw + gap;
    snprintf(id, sizeof id, "%s%s", kb->prefix,
             letters || kb->page == KEYBOARD_PAGE_DIGITS ? "accents" : "letters");
    kb_key(v, id, letters || kb->page == KEYBOARD_PAGE_DIGITS ? lab[2] : lab[4],
           view_rect(x, y, sw * 1.3f, kh), VIEW_STYLE_SECONDARY, font * 0.8f);
    x += sw * 1.3f + gap;
    float dw = sw * 1.4f;
    float spw = r.x + r.w - x - dw - gap;
    snprintf(id, sizeof id, "%sspace", kb->prefix);
    kb_key(v, id, lab[0], view_rect(x, y, spw, kh), full ? VIEW_STYLE_GHOST : VIEW_STYLE_SECONDARY,
           font * 0.8f);
    snprintf(id, sizeof id, "%sdel", kb->prefix);
    kb_key(v, id, lab[1], view_rect(r.x + r.w - dw, y, dw, kh), VIEW_STYLE_SECONDARY, font * 0.8f);
}
