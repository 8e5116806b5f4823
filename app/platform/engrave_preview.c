/*
 * engrave_preview.c - text -> G-code -> strokes for the preview and the live
 * drawing (see engrave_preview.h).
 */
#include "engrave_preview.h"

#include "mf_error.h"
#include "mf_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct engrave_preview {
    gcode_text_cfg_t cfg;
    gcode_font_t *font;
};

engrave_preview_t *engrave_preview_create(const gcode_text_cfg_t *cfg)
{
    engrave_preview_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->cfg = *cfg;
    p->font = gcode_font_load(cfg->font);
    if (!p->font) {
        mf_log_error("engrave", "cannot load the Hershey font '%s' (hershey-fonts-data)",
                     cfg->font);
        free(p);
        return NULL;
    }
    return p;
}

void engrave_preview_destroy(engrave_preview_t *p)
{
    if (!p)
        return;
    gcode_font_destroy(p->font);
    free(p);
}

/* The number after LETTER in LINE, when the line has one. */
static bool word(const char *line, char letter, float *out)
{
    for (const char *c = line; *c && *c != '\n'; c++) {
        if (*c == letter && (c == line || c[-1] == ' ')) {
            char *end;
            double v = strtod(c + 1, &end);
            if (end != c + 1) {
                *out = (float)v;
                return true;
            }
        }
    }
    return false;
}

void engrave_preview_parse(const char *gcode, view_strokes_t *out)
{
    float x = 0, y = 0;
    bool drawing = false; /* the last point added ends a G1 */
    for (const char *l = gcode; l && *l;) {
        const char *nl = strchr(l, '\n');
        bool g0 = strncmp(l, "G0 ", 3) == 0, g1 = strncmp(l, "G1 ", 3) == 0;
        if (g0 || g1) {
            float nx = x, ny = y;
            word(l, 'X', &nx);
            word(l, 'Y', &ny);
            if (g1) {
                if (!drawing) {
                    /* a new polyline from where the head is */
                    if (out->nlines < VIEW_STROKE_LINES_MAX && out->npts < VIEW_STROKE_PTS_MAX) {
                        out->start[out->nlines++] = (uint16_t)out->npts;
                        out->pts[out->npts].x = x;
                        out->pts[out->npts].y = y;
                        out->npts++;
                    }
                    drawing = true;
                }
                if (out->npts < VIEW_STROKE_PTS_MAX) {
                    out->pts[out->npts].x = nx;
                    out->pts[out->npts].y = ny;
                    out->npts++;
                }
            } else {
                drawing = false;
            }
            x = nx;
            y = ny;
        }
        l = nl ? nl + 1 : NULL;
    }
}

static order_text_verdict_t verdict_of(gcode_text_verdict_t v)
{
    switch (v) {
    case GCODE_TEXT_OK:
        return ORDER_TEXT_OK;
    case GCODE_TEXT_EMPTY:
        return ORDER_TEXT_EMPTY;
    case GCODE_TEXT_TOO_LONG:
        return ORDER_TEXT_TOO_LONG;
    case GCODE_TEXT_BLOCKED:
        return ORDER_TEXT_BLOCKED;
    case GCODE_TEXT_BAD_CHAR:
    case GCODE_TEXT_BAD_UTF8:
        break;
    }
    return ORDER_TEXT_BAD_CHAR;
}

order_text_verdict_t engrave_preview_strokes(void *ctx, const char *text, view_strokes_t *out)
{
    engrave_preview_t *p = ctx;
    memset(out, 0, sizeof *out);
    out->area_x = (float)p->cfg.area_x;
    out->area_y = (float)p->cfg.area_y;
    out->area_w = (float)p->cfg.area_w;
    out->area_h = (float)p->cfg.area_h;
    gcode_text_check_t check;
    /* spaces only is a plain holder too */
    if (gcode_text_check(text, p->cfg.max_chars, &check) != 0)
        return verdict_of(check.verdict);
    gcode_program_t prog;
    if (gcode_text_render(p->font, &p->cfg, text, &prog, &check) != 0)
        return verdict_of(check.verdict);
    engrave_preview_parse(prog.text, out);
    gcode_program_free(&prog);
    return ORDER_TEXT_OK;
}

int engrave_preview_program(engrave_preview_t *p, const char *text, gcode_program_t *prog)
{
    gcode_text_check_t check;
    return gcode_text_render(p->font, &p->cfg, text, prog, &check);
}
