/*
 * gcode_blocklist.c - refuses offensive words in the text a visitor asks to
 * engrave (a public kiosk used by 13-year-olds). French and English.
 *
 * The text is normalised (lower case, accents removed, leetspeak digits and
 * symbols mapped back to letters: 0 o, 1 i, 3 e, 4 a, 5 s, 7 t, 8 b, 9 g,
 * @ a, $ s, ! i), split into words, runs of single letters joined ("f u c k",
 * "f.u.c.k"), and repeated letters collapsed ("fuuuck"). Then:
 *   - WORDS must equal a whole word (short or ambiguous words: "con", "pd");
 *   - STEMS are searched inside every word and inside the text with all
 *     separators removed ("fu ck"); only stems that are not parts of common
 *     innocent words belong there.
 * It catches the obvious tricks, not a determined adult: staff still see what
 * is engraved. Entries are unaccented and compared collapsed, like the text.
 */
#include "gcode_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const words[] = {
    /* French */
    "con",
    "cone",
    "conard",
    "conase",
    "conar",
    "pute",
    "putes",
    "putain",
    "pd",
    "pede",
    "fdp",
    "ntm",
    "tg",
    "tagueule",
    "bite",
    "bites",
    "couille",
    "couiles",
    "chate",
    "cul",
    "enfoire",
    "batard",
    "bordel",
    "merdeux",
    "niquer",
    "nique",
    "niker",
    "nik",
    "salaud",
    "gogol",
    "tapette",
    "tarlouze",
    "gouine",
    "negre",
    "bougnoule",
    "youpin",
    "raton",
    "bamboula",
    "chintok",
    "sucemoi",
    "branleur",
    "branleuse",
    "trouduc",
    "zob",
    "zizi",
    "foufoune",
    "chiasse",
    "pouffiase",
    "grognase",
    /* English */
    "asshole",
    "arse",
    "bastard",
    "bitch",
    "bitches",
    "cock",
    "cunt",
    "dick",
    "dik",
    "fag",
    "fagot",
    "porn",
    "porno",
    "pusy",
    "slut",
    "twat",
    "wanker",
    "whore",
    "retard",
    "nigga",
    "niga",
    "niger",
    "negro",
    "kys",
    "wtf",
    "stfu",
    "sex",
    "sexy",
    "boobs",
    "tits",
    "penis",
    "vagina",
    "anal",
    "dildo",
    "jerk",
    "scum",
};

static const char *const stems[] = {
    "fuck",     "fuk",           "shit",        "encul",    "salop",   "conard",
    "conase",   "bitch",         "asshole",     "motherf",  "merde",   "petase",
    "tagueule", "fermetagueule", "niquetamere", "putain",   "batard",  "pedophil",
    "hitler",   "nazi",          "hitle",       "gangbang", "blowjob", "cumshot",
    "pornhub",  "sucemabite",    "fdp",         "ntm",      "tamere",  "tonpere",
    "niga",     "faggot",        "fagot",       "branlet",  "trouduc", "gogol",
};

/* The ASCII letter for one code point, or 0 when it is a separator. Accented
 * Latin letters map to their base; leetspeak characters to the letter they
 * imitate. Ligatures map to their first letter here and are expanded by the
 * caller. */
static char fold_cp(unsigned cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return (char)(cp - 'A' + 'a');
    if (cp >= 'a' && cp <= 'z')
        return (char)cp;
    switch (cp) {
    case '0':
        return 'o';
    case '1':
        return 'i';
    case '3':
        return 'e';
    case '4':
        return 'a';
    case '5':
        return 's';
    case '7':
        return 't';
    case '8':
        return 'b';
    case '9':
        return 'g';
    case '@':
        return 'a';
    case '$':
        return 's';
    case '!':
        return 'i';
    case '|':
        return 'i';
    case '+':
        return 't';
    case 0xE0:
    case 0xE1:
    case 0xE2:
    case 0xE3:
    case 0xE4:
    case 0xE5:
    case 0xC0:
    case 0xC1:
    case 0xC2:
    case 0xC3:
    case 0xC4:
    case 0xC5:
        return 'a';
    case 0xE7:
    case 0xC7:
        return 'c';
    case 0xE8:
    case 0xE9:
    case 0xEA:
    case 0xEB:
    case 0xC8:
    case 0xC9:
    case 0xCA:
    case 0xCB:
        return 'e';
    case 0xEC:
    case 0xED:
    case 0xEE:
    case 0xEF:
    case 0xCC:
    case 0xCD:
    case 0xCE:
    case 0xCF:
        return 'i';
    case 0xF2:
    case 0xF3:
    case 0xF4:
    case 0xF5:
    case 0xF6:
    case 0xD2:
    case 0xD3:
    case 0xD4:
    case 0xD5:
    case 0xD6:
        return 'o';
    case 0xF9:
    case 0xFA:
    case 0xFB:
    case 0xFC:
    case 0xD9:
    case 0xDA:
    case 0xDB:
    case 0xDC:
        return 'u';
    case 0xFF:
    case 0x178:
    case 0xFD:
    case 0xDD:
        return 'y';
    case 0xF1:
    case 0xD1:
        return 'n';
    default:
        return 0;
    }
}

void gcode_blocklist_normalise(const char *text, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    size_t n = 0;
    bool space = true; /* no leading space */
    while (*p && n + 3 < cap) {
        unsigned cp;
        int len = 1;
        if (p[0] < 0x80) {
            cp = p[0];
        } else if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
            cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
            len = 2;
        } else if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
            cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            len = 3;
        } else {
            cp = 0xFFFD;
            while (p[len] && (p[len] & 0xC0) == 0x80)
                len++;
        }
        p += len;
        if (cp == 0x153 || cp == 0x152 || cp == 0xE6 || cp == 0xC6) {
            out[n++] = (cp == 0x153 || cp == 0x152) ? 'o' : 'a';
            out[n++] = 'e';
            space = false;
            continue;
        }
        char c = fold_cp(cp);
        if (c) {
            out[n++] = c;
            space = false;
        } else if (!space) {
            out[n++] = ' ';
            space = true;
        }
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

/* Collapses runs of the same letter in place ("fuuuck" -> "fuck"). */
static void collapse(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++)
        if (w == s || w[-1] != *r)
            *w++ = *r;
    *w = '\0';
}

/* Entries are compared collapsed, like the text ("faggot" matches "fagot"). */
static bool in_list(const char *word, const char *const *list, size_t n, bool substring)
{
    for (size_t i = 0; i < n; i++) {
        char entry[32];
        snprintf(entry, sizeof entry, "%s", list[i]);
        collapse(entry);
        if (substring ? strstr(word, entry) != NULL : strcmp(word, entry) == 0)
            return true;
    }
    return false;
}

#define NWORDS (sizeof words / sizeof words[0])
#define NSTEMS (sizeof stems / sizeof stems[0])

static bool word_blocked(char *w)
{
    collapse(w);
    return in_list(w, words, NWORDS, false) || in_list(w, stems, NSTEMS, true);
}

int gcode_blocklist_match(const char *text)
{
    char norm[512];
    gcode_blocklist_normalise(text, norm, sizeof norm);

    /* Words, with runs of single letters joined into one word. */
    char word[512];
    size_t wn = 0;
    const char *p = norm;
    char joined[512];
    size_t jn = 0;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 1) {
            joined[jn++] = *p;
        } else {
            if (jn > 1) {
                joined[jn] = '\0';
                if (word_blocked(joined))
                    return 1;
            }
            jn = 0;
            memcpy(word, p, len);
            word[len] = '\0';
            wn = len;
            if (wn && word_blocked(word))
                return 1;
        }
        p += len;
        while (*p == ' ')
            p++;
    }
    if (jn > 1) {
        joined[jn] = '\0';
        if (word_blocked(joined))
            return 1;
    }
    /* Everything glued together, for stems split by spaces ("fu ck"). */
    size_t an = 0;
    char all[512];
    for (const char *q = norm; *q; q++)
        if (*q != ' ')
            all[an++] = *q;
    all[an] = '\0';
    collapse(all);
    return in_list(all, stems, NSTEMS, true) ? 1 : 0;
}
