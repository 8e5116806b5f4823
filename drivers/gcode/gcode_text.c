/*
 * gcode_text.c - text to laser G-code: UTF-8 decoding, the accepted
 * character set, composing accented letters from a base glyph and accent
 * strokes, fitting and centring in the engraving area, and writing the
 * program. See gcode_text.h; the blocklist is in gcode_blocklist.c.
 */
#include "gcode_text.h"

#include "mf_error.h"

#include <ctype.h>
#include <hersheyfont.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Font units of the Hershey "roman" fonts as libhersheyfont gives them:
 * y up, baseline 0, capitals 21 high, lower case 14. */
#define HF_CAP 21.0
#define HF_XHEIGHT 14

struct gcode_font {
    struct hershey_font *hf;
};

void gcode_text_cfg_default(gcode_text_cfg_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->area_x = 0; /* the plate's corner is the machine origin */
    cfg->area_y = 0;
    cfg->area_w = 60; /* a smartphone holder's front face, mm */
    cfg->area_h = 20;
    cfg->margin = 1.5;   /* keeps strokes off the bent edges */
    cfg->max_cap_h = 10; /* short names do not become huge */
    cfg->min_cap_h = 4;  /* below this a 0.2 mm laser line is hard to read */
    cfg->max_chars = 20; /* what fits at min_cap_h on 60 mm, roughly */
    cfg->power = 300;    /* S300 of $30=1000: marks anodised aluminium */
    cfg->feed = 800;     /* mm/min */
    snprintf(cfg->font, sizeof cfg->font, "rowmans");
}

gcode_font_t *gcode_font_load(const char *name)
{
    gcode_font_t *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->hf = hershey_font_load(name && *name ? name : "rowmans");
    if (!f->hf)
        goto fail;
    return f;
fail:
    free(f);
    return NULL;
}

void gcode_font_destroy(gcode_font_t *f)
{
    if (!f)
        return;
    hershey_font_free(f->hf);
    free(f);
}

/* ---- Characters ---------------------------------------------------------- */

typedef enum {
    ACC_NONE,
    ACC_ACUTE,
    ACC_GRAVE,
    ACC_CIRC,
    ACC_DIAER,
    ACC_TILDE,
    ACC_CEDILLA
} accent_t;

typedef struct {
    char base[3]; /* one or two ASCII glyphs (ligatures œ æ) */
    accent_t accent;
} cell_t;

typedef struct {
    unsigned cp;
    const char *base;
    accent_t accent;
} compose_t;

/* Every non-ASCII character we can draw. */
static const compose_t compose_table[] = {
    {0x00A0, " ", ACC_NONE},  {0x2019, "'", ACC_NONE},  {0x2018, "'", ACC_NONE},
    {0x201C, "\"", ACC_NONE}, {0x201D, "\"", ACC_NONE}, {0x2013, "-", ACC_NONE},
    {0x2014, "-", ACC_NONE},  {0x00C0, "A", ACC_GRAVE}, {0x00C1, "A", ACC_ACUTE},
    {0x00C2, "A", ACC_CIRC},  {0x00C4, "A", ACC_DIAER}, {0x00C7, "C", ACC_CEDILLA},
    {0x00C8, "E", ACC_GRAVE}, {0x00C9, "E", ACC_ACUTE}, {0x00CA, "E", ACC_CIRC},
    {0x00CB, "E", ACC_DIAER}, {0x00CD, "I", ACC_ACUTE}, {0x00CE, "I", ACC_CIRC},
    {0x00CF, "I", ACC_DIAER}, {0x00D1, "N", ACC_TILDE}, {0x00D3, "O", ACC_ACUTE},
    {0x00D4, "O", ACC_CIRC},  {0x00D6, "O", ACC_DIAER}, {0x00D9, "U", ACC_GRAVE},
    {0x00DA, "U", ACC_ACUTE}, {0x00DB, "U", ACC_CIRC},  {0x00DC, "U", ACC_DIAER},
    {0x0178, "Y", ACC_DIAER}, {0x00E0, "a", ACC_GRAVE}, {0x00E1, "a", ACC_ACUTE},
    {0x00E2, "a", ACC_CIRC},  {0x00E4, "a", ACC_DIAER}, {0x00E7, "c", ACC_CEDILLA},
    {0x00E8, "e", ACC_GRAVE}, {0x00E9, "e", ACC_ACUTE}, {0x00EA, "e", ACC_CIRC},
    {0x00EB, "e", ACC_DIAER}, {0x00ED, "i", ACC_ACUTE}, {0x00EE, "i", ACC_CIRC},
    {0x00EF, "i", ACC_DIAER}, {0x00F1, "n", ACC_TILDE}, {0x00F3, "o", ACC_ACUTE},
    {0x00F4, "o", ACC_CIRC},  {0x00F6, "o", ACC_DIAER}, {0x00F9, "u", ACC_GRAVE},
    {0x00FA, "u", ACC_ACUTE}, {0x00FB, "u", ACC_CIRC},  {0x00FC, "u", ACC_DIAER},
    {0x00FF, "y", ACC_DIAER}, {0x0153, "oe", ACC_NONE}, {0x0152, "OE", ACC_NONE},
    {0x00E6, "ae", ACC_NONE}, {0x00C6, "AE", ACC_NONE},
};

/* Decodes one UTF-8 sequence at *P. Returns the code point and advances, or
 * returns 0xFFFFFFFF on a malformed sequence. */
static unsigned utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned cp;
    int n;
    if (s[0] < 0x80) {
        cp = s[0];
        n = 1;
    } else if ((s[0] & 0xE0) == 0xC0) {
        cp = s[0] & 0x1Fu;
        n = 2;
    } else if ((s[0] & 0xF0) == 0xE0) {
        cp = s[0] & 0x0Fu;
        n = 3;
    } else if ((s[0] & 0xF8) == 0xF0) {
        cp = s[0] & 0x07u;
        n = 4;
    } else {
        return 0xFFFFFFFFu;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0xFFFFFFFFu;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    static const unsigned min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFFFFFFu;
    *p = s + n;
    return cp;
}

/* The cell for code point CP; 0 when it can be drawn, -1 otherwise. */
static int cell_for(unsigned cp, cell_t *c)
{
    memset(c, 0, sizeof *c);
    if (cp >= 0x20 && cp < 0x7F) {
        c->base[0] = (char)cp;
        return 0;
    }
    for (size_t i = 0; i < sizeof compose_table / sizeof compose_table[0]; i++) {
        if (compose_table[i].cp == cp) {
            snprintf(c->base, sizeof c->base, "%s", compose_table[i].base);
            c->accent = compose_table[i].accent;
            return 0;
        }
    }
    return -1;
}

static void describe_cp(unsigned cp, const unsigned char *start, const unsigned char *end,
                        char *out, size_t cap)
{
    if (cp < 0x20 || cp == 0x7F)
        snprintf(out, cap, "control character U+%04X", cp);
    else
        snprintf(out, cap, "'%.*s' (U+%04X)", (int)(end - start), (const char *)start, cp);
}

int gcode_text_check(const char *text, int max_chars, gcode_text_check_t *out)
{
    memset(out, 0, sizeof *out);
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    int count = 0, visible = 0;
    while (*p) {
        const unsigned char *start = p;
        unsigned cp = utf8_next(&p);
        if (cp == 0xFFFFFFFFu) {
            out->verdict = GCODE_TEXT_BAD_UTF8;
            snprintf(out->message, sizeof out->message, "the text is not valid UTF-8");
            return MF_EREFUSED;
        }
        cell_t c;
        if (cell_for(cp, &c) != 0) {
            char what[64];
            describe_cp(cp, start, p, what, sizeof what);
            out->verdict = GCODE_TEXT_BAD_CHAR;
            snprintf(out->message, sizeof out->message, "%s cannot be engraved", what);
            return MF_EREFUSED;
        }
        count++;
        if (c.base[0] != ' ')
            visible++;
    }
    if (visible == 0) {
        out->verdict = GCODE_TEXT_EMPTY;
        snprintf(out->message, sizeof out->message, "nothing to engrave");
        return MF_EREFUSED;
    }
    if (max_chars > 0 && count > max_chars) {
        out->verdict = GCODE_TEXT_TOO_LONG;
        snprintf(out->message, sizeof out->message, "%d characters, at most %d fit on the piece",
                 count, max_chars);
        return MF_EREFUSED;
    }
    if (gcode_blocklist_match(text)) {
        out->verdict = GCODE_TEXT_BLOCKED;
        snprintf(out->message, sizeof out->message, "this text cannot be engraved here");
        return MF_EREFUSED;
    }
    out->verdict = GCODE_TEXT_OK;
    return 0;
}

/* ---- Strokes in font units ---------------------------------------------- */

typedef struct {
    double x, y;
} pt_t;

typedef struct {
    pt_t *pts;
    size_t npts, cap_pts;
    size_t *starts; /* index of each polyline's first point */
    size_t nlines, cap_lines;
} strokes_t;

static int strokes_begin(strokes_t *s)
{
    if (s->nlines == s->cap_lines) {
        size_t n = s->cap_lines ? s->cap_lines * 2 : 64;
        size_t *p = realloc(s->starts, n * sizeof *p);
        if (!p)
            return MF_ENOMEM;
        s->starts = p;
        s->cap_lines = n;
    }
    s->starts[s->nlines++] = s->npts;
    return 0;
}

static int strokes_add(strokes_t *s, double x, double y)
{
    if (s->npts == s->cap_pts) {
        size_t n = s->cap_pts ? s->cap_pts * 2 : 256;
        pt_t *p = realloc(s->pts, n * sizeof *p);
        if (!p)
            return MF_ENOMEM;
        s->pts = p;
        s->cap_pts = n;
    }
    s->pts[s->npts++] = (pt_t){x, y};
    return 0;
}

static int strokes_poly(strokes_t *s, int n, const double *xy, double ox, double oy)
{
    int rc = strokes_begin(s);
    for (int i = 0; rc == 0 && i < n; i++)
        rc = strokes_add(s, ox + xy[2 * i], oy + xy[2 * i + 1]);
    return rc;
}

/* Accent strokes centred on CX above a letter whose top is at TOP. */
static int add_accent(strokes_t *s, accent_t a, double cx, double top)
{
    double yb = top + 3;
    switch (a) {
    case ACC_ACUTE: {
        const double xy[] = {-1.5, 0, 2, 4};
        return strokes_poly(s, 2, xy, cx, yb);
    }
    case ACC_GRAVE: {
        const double xy[] = {-2, 4, 1.5, 0};
        return strokes_poly(s, 2, xy, cx, yb);
    }
    case ACC_CIRC: {
        const double xy[] = {-3.5, 0, 0, 3.5, 3.5, 0};
        return strokes_poly(s, 3, xy, cx, yb);
    }
    case ACC_DIAER: {
        const double l[] = {-3, 0.5, -3, 1.5}, r[] = {3, 0.5, 3, 1.5};
        int rc = strokes_poly(s, 2, l, cx, yb);
        return rc ? rc : strokes_poly(s, 2, r, cx, yb);
    }
    case ACC_TILDE: {
        const double xy[] = {-4, 0.5, -2, 2.5, 2, 0.5, 4, 2.5};
        return strokes_poly(s, 4, xy, cx, yb);
    }
    case ACC_CEDILLA: {
        const double xy[] = {0, 0, 0, -2, 2, -3, 1, -5, -2, -5};
        return strokes_poly(s, 5, xy, cx, 0);
    }
    case ACC_NONE:
    default:
        return 0;
    }
}

/* Appends the glyph for ASCII C at X; returns its advance. An accented
 * lower-case i or j loses its dot (paths wholly above the x-height). */
static int add_glyph(strokes_t *s, const struct hershey_font *hf, unsigned char c, double x,
                     int drop_dot, double *advance)
{
    const struct hershey_glyph *g = &hf->glyphs[c];
    for (const struct hershey_path *p = g->paths; p; p = p->next) {
        if (drop_dot) {
            int above = 1;
            for (int i = 0; i < p->nverts; i++)
                if (p->verts[i].y <= HF_XHEIGHT)
                    above = 0;
            if (above)
                continue;
        }
        int rc = strokes_begin(s);
        for (int i = 0; rc == 0 && i < p->nverts; i++)
            rc = strokes_add(s, x + p->verts[i].x, p->verts[i].y);
        if (rc)
            return rc;
    }
    *advance = g->width;
    return 0;
}

static int build_strokes(const gcode_font_t *font, const char *text, strokes_t *s)
{
    const unsigned char *p = (const unsigned char *)text;
    double x = 0;
    while (*p) {
        unsigned cp = utf8_next(&p);
        cell_t c;
        if (cp == 0xFFFFFFFFu || cell_for(cp, &c) != 0)
            return MF_EINVAL; /* gcode_text_check ran first */
        double start = x, adv = 0;
        size_t nb = strlen(c.base);
        for (size_t i = 0; i < nb; i++) {
            unsigned char b = (unsigned char)c.base[i];
            int drop = c.accent != ACC_NONE && (b == 'i' || b == 'j');
            if (i > 0)
                x -= 4; /* ligature: the two letters touch */
            int rc = add_glyph(s, font->hf, b, x, drop, &adv);
            if (rc)
                return rc;
            x += adv;
        }
        if (c.accent != ACC_NONE) {
            unsigned char b = (unsigned char)c.base[0];
            double top = isupper(b) ? HF_CAP : HF_XHEIGHT;
            int rc = add_accent(s, c.accent, (start + x) / 2, top);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---- The program --------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len, cap;
    int lines;
    int failed;
} out_t;

__attribute__((format(printf, 2, 3))) static void emit(out_t *o, const char *fmt, ...)
{
    if (o->failed)
        return;
    char line[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line - 1) {
        o->failed = 1;
        return;
    }
    if (o->len + (size_t)n + 2 > o->cap) {
        size_t c = o->cap ? o->cap * 2 : 4096;
        while (c < o->len + (size_t)n + 2)
            c *= 2;
        char *b = realloc(o->buf, c);
        if (!b) {
            o->failed = 1;
            return;
        }
        o->buf = b;
        o->cap = c;
    }
    memcpy(o->buf + o->len, line, (size_t)n);
    o->len += (size_t)n;
    o->buf[o->len++] = '\n';
    o->buf[o->len] = '\0';
    o->lines++;
}

void gcode_program_free(gcode_program_t *prog)
{
    if (!prog)
        return;
    if (prog->text) {
        /* The visitor's text in stroke form: wipe before giving memory back. */
        volatile char *v = prog->text;
        for (size_t i = 0; i < prog->len; i++)
            v[i] = 0;
        free(prog->text);
    }
    memset(prog, 0, sizeof *prog);
}

int gcode_text_render(const gcode_font_t *font, const gcode_text_cfg_t *cfg, const char *text,
                      gcode_program_t *prog, gcode_text_check_t *check)
{
    gcode_text_check_t local;
    if (!check)
        check = &local;
    memset(prog, 0, sizeof *prog);
    if (!font || !cfg || cfg->area_w <= 2 * cfg->margin || cfg->area_h <= 2 * cfg->margin ||
        cfg->max_cap_h <= 0 || cfg->feed <= 0 || cfg->power < 0)
        return MF_EINVAL;
    int rc = gcode_text_check(text, cfg->max_chars, check);
    if (rc)
        return rc;

    strokes_t s = {0};
    out_t o = {0};
    rc = build_strokes(font, text, &s);
    if (rc)
        goto fail;
    double bx0 = 1e9, by0 = 1e9, bx1 = -1e9, by1 = -1e9;
    for (size_t i = 0; i < s.npts; i++) {
        bx0 = fmin(bx0, s.pts[i].x);
        bx1 = fmax(bx1, s.pts[i].x);
        by0 = fmin(by0, s.pts[i].y);
        by1 = fmax(by1, s.pts[i].y);
    }
    double bw = fmax(bx1 - bx0, 1e-6), bh = fmax(by1 - by0, 1e-6);
    double aw = cfg->area_w - 2 * cfg->margin, ah = cfg->area_h - 2 * cfg->margin;
    double scale = fmin(fmin(aw / bw, ah / bh), cfg->max_cap_h / HF_CAP);
    if (scale * HF_CAP < cfg->min_cap_h) {
        check->verdict = GCODE_TEXT_TOO_LONG;
        snprintf(check->message, sizeof check->message,
                 "too long for the piece: letters would be %.1f mm high, at least %.1f mm needed",
                 scale * HF_CAP, cfg->min_cap_h);
        rc = MF_EREFUSED;
        goto fail;
    }
    /* Centre the strokes' bounding box in the area. */
    double ox = cfg->area_x + cfg->area_w / 2 - (bx0 + bw / 2) * scale;
    double oy = cfg->area_y + cfg->area_h / 2 - (by0 + bh / 2) * scale;

    prog->min_x = prog->min_y = 1e9;
    prog->max_x = prog->max_y = -1e9;
    emit(&o, "G21");
    emit(&o, "G90");
    emit(&o, "M5");
    double cx = cfg->area_x, cy = cfg->area_y; /* where the head is assumed to start */
    for (size_t l = 0; l < s.nlines; l++) {
        size_t a = s.starts[l], b = l + 1 < s.nlines ? s.starts[l + 1] : s.npts;
        if (b - a < 2)
            continue;
        double x = ox + s.pts[a].x * scale, y = oy + s.pts[a].y * scale;
        prog->travel_mm += hypot(x - cx, y - cy);
        emit(&o, "G0 X%.3f Y%.3f", x, y);
        emit(&o, "M4 S%d", cfg->power);
        int first = 1;
        for (size_t i = a + 1; i < b; i++) {
            double nx = ox + s.pts[i].x * scale, ny = oy + s.pts[i].y * scale;
            double d = hypot(nx - x, ny - y);
            prog->min_x = fmin(prog->min_x, fmin(x, nx));
            prog->max_x = fmax(prog->max_x, fmax(x, nx));
            prog->min_y = fmin(prog->min_y, fmin(y, ny));
            prog->max_y = fmax(prog->max_y, fmax(y, ny));
            if (d < 1e-4 && i + 1 < b)
                continue;
            if (first)
                emit(&o, "G1 X%.3f Y%.3f F%d", nx, ny, cfg->feed);
            else
                emit(&o, "G1 X%.3f Y%.3f", nx, ny);
            first = 0;
            prog->burn_mm += d;
            x = nx;
            y = ny;
        }
        emit(&o, "M5");
        cx = x;
        cy = y;
    }
    prog->travel_mm += hypot(cfg->area_x - cx, cfg->area_y - cy);
    emit(&o, "G0 X%.3f Y%.3f", cfg->area_x, cfg->area_y);
    if (o.failed) {
        rc = MF_ENOMEM;
        goto fail;
    }
    prog->text = o.buf;
    prog->len = o.len;
    prog->lines = o.lines;
    prog->cap_h_mm = scale * HF_CAP;
    free(s.pts);
    free(s.starts);
    return 0;
fail:
    free(s.pts);
    free(s.starts);
    if (o.buf) {
        memset(o.buf, 0, o.cap);
        free(o.buf);
    }
    memset(prog, 0, sizeof *prog);
    return rc;
}
