/*
 * draw_order.c - the engraving plate and the line map (see draw_order.h).
 *
 * Strokes are drawn as thick anti-aliasing-free quads batched into
 * SDL_RenderGeometry calls (SDL2 draws 1-pixel lines only): a 20-character
 * text is about a thousand segments, a handful of calls. What the laser has
 * burned is bright; what is still to come is a faint outline; the head is a
 * glowing dot at the end of the burned part.
 */
#include "draw_order.h"

#include <math.h>

#define STROKE_BATCH 256

typedef struct {
    SDL_Renderer *r;
    SDL_Vertex v[STROKE_BATCH * 4];
    int idx[STROKE_BATCH * 6];
    int n;
} stroke_batch_t;

static void batch_flush(stroke_batch_t *b)
{
    if (b->n > 0)
        SDL_RenderGeometry(b->r, NULL, b->v, b->n * 4, b->idx, b->n * 6);
    b->n = 0;
}

static void batch_segment(stroke_batch_t *b, float x0, float y0, float x1, float y1, float width,
                          ui_colour_t c)
{
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    float hw = width / 2.0f;
    /* extend each end by half the width: joints between segments close */
    float ux = len > 1e-3f ? dx / len : 1.0f, uy = len > 1e-3f ? dy / len : 0.0f;
    float nx = -uy * hw, ny = ux * hw;
    x0 -= ux * hw;
    y0 -= uy * hw;
    x1 += ux * hw;
    y1 += uy * hw;
    SDL_Color col = {c.r, c.g, c.b, c.a};
    SDL_Vertex *v = &b->v[b->n * 4];
    v[0] = (SDL_Vertex){{x0 + nx, y0 + ny}, col, {0, 0}};
    v[1] = (SDL_Vertex){{x1 + nx, y1 + ny}, col, {0, 0}};
    v[2] = (SDL_Vertex){{x1 - nx, y1 - ny}, col, {0, 0}};
    v[3] = (SDL_Vertex){{x0 - nx, y0 - ny}, col, {0, 0}};
    int *ix = &b->idx[b->n * 6];
    int base = b->n * 4;
    ix[0] = base;
    ix[1] = base + 1;
    ix[2] = base + 2;
    ix[3] = base;
    ix[4] = base + 2;
    ix[5] = base + 3;
    if (++b->n == STROKE_BATCH)
        batch_flush(b);
}

void ui_draw_strokes(ui_draw_t *d, const ui_theme_t *th, const view_widget_t *w, ui_frect_t rc,
                     float px)
{
    /* the plate: the piece's metal in its colour, with a bevel */
    ui_colour_t metal = ui_rgb(w->accent ? w->accent : 0xC0C6D0);
    float rad = rc.h * 0.12f;
    if (!w->animated) /* a shadow outside the rectangle: not on a live plate */
        ui_fill_rounded(d, (ui_frect_t){rc.x + px * 0.6f, rc.y + px * 0.8f, rc.w, rc.h}, rad,
                        th->shadow);
    ui_fill_rounded(d, rc, rad, metal);
    ui_frect_t shine = {rc.x + rad * 0.5f, rc.y + rc.h * 0.08f, rc.w - rad, rc.h * 0.22f};
    ui_colour_t light = ui_rgb(0xFFFFFF);
    light.a = 36;
    ui_fill_rounded(d, shine, shine.h / 2, light);
    ui_stroke_rounded(d, rc, rad, fmaxf(1.0f, px * 0.3f), ui_mix(metal, ui_rgb(0xFFFFFF), 0.45f));
    const view_strokes_t *s = w->strokes;
    if (!s || s->npts < 2 || s->area_w <= 0 || s->area_h <= 0)
        return;
    /* burned metal: light on dark colours, dark on light ones */
    float lum = 0.3f * metal.r + 0.59f * metal.g + 0.11f * metal.b;
    ui_colour_t burn = lum > 150.0f ? ui_rgb(0x1A1D24) : ui_rgb(0xF7F3EA);
    ui_colour_t ghost = burn;
    ghost.a = 70;
    float sx = rc.w / s->area_w, sy = rc.h / s->area_h;
    float width = fmaxf(1.5f, rc.h * 0.035f);
    float drawn = w->value < 0.0f ? (float)s->npts : w->value;
    static stroke_batch_t batch; /* UI thread only; 20 KB off the stack */
    SDL_Renderer *r = ui_draw_renderer(d);
    batch.r = r;
    batch.n = 0;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    float hx = -1.0f, hy = -1.0f;
    int line = 0;
    for (int i = 0; i + 1 < s->npts; i++) {
        while (line + 1 < s->nlines && s->start[line + 1] <= i)
            line++;
        if (line + 1 < s->nlines && s->start[line + 1] == i + 1)
            continue; /* the pen lifts between polylines */
        float x0 = rc.x + (s->pts[i].x - s->area_x) * sx;
        float y0 = rc.y + rc.h - (s->pts[i].y - s->area_y) * sy;
        float x1 = rc.x + (s->pts[i + 1].x - s->area_x) * sx;
        float y1 = rc.y + rc.h - (s->pts[i + 1].y - s->area_y) * sy;
        if ((float)i + 1.0f <= drawn) {
            batch_segment(&batch, x0, y0, x1, y1, width, burn);
        } else if ((float)i < drawn) {
            float t = drawn - (float)i;
            float mx = x0 + (x1 - x0) * t, my = y0 + (y1 - y0) * t;
            batch_segment(&batch, x0, y0, mx, my, width, burn);
            batch_segment(&batch, mx, my, x1, y1, width, ghost);
            hx = mx;
            hy = my;
        } else {
            batch_segment(&batch, x0, y0, x1, y1, width, ghost);
        }
    }
    batch_flush(&batch);
    if (w->animated && hx >= 0.0f) {
        ui_colour_t glow = ui_rgb(0xFF5A36);
        glow.a = 90;
        /* within the plate's margin: only the widget's rectangle is redrawn
         * between frames, so nothing may be drawn outside it */
        ui_fill_circle(d, hx, hy, width * 1.7f, glow);
        ui_fill_circle(d, hx, hy, width * 0.9f, ui_rgb(0xFFE1B0));
    }
}

void ui_draw_line_map(ui_draw_t *d, const ui_theme_t *th, const view_widget_t *w, ui_frect_t rc,
                      float px)
{
    const int n = 6; /* stations 2..7 */
    float step = rc.w / (float)n;
    float cy = rc.y + rc.h * 0.62f;
    float rad = fminf(step * 0.22f, rc.h * 0.26f);
    ui_frect_t belt = {rc.x + step * 0.5f, cy - rc.h * 0.05f, step * (float)(n - 1), rc.h * 0.1f};
    ui_fill_rounded(d, belt, belt.h / 2, th->surface);
    float at = w->value; /* 0 = waiting, 2.0..7.99 = at a station */
    for (int i = 0; i < n; i++) {
        float cx = rc.x + step * ((float)i + 0.5f);
        int st = i + 2;
        bool done = at >= 2.0f && (float)st < floorf(at);
        bool here = at >= 2.0f && (int)floorf(at) == st;
        ui_colour_t c = here ? th->toggle_on : done ? th->primary : th->surface;
        ui_fill_circle(d, cx, cy, rad, c);
        if (th->outline_width > 0)
            ui_fill_circle(d, cx, cy, rad * 0.35f, th->text);
    }
    /* the piece: a bent holder in its colour, riding on the line */
    float x;
    if (at < 2.0f)
        x = rc.x + step * 0.12f; /* in the queue, before the store */
    else                         /* at its station, moving on a little as the station works it */
        x = rc.x + step * (floorf(at) - 2.0f + 0.5f) + step * 0.3f * (at - floorf(at));
    ui_colour_t piece = ui_rgb(w->accent ? w->accent : 0xFF7A1A);
    float pw = rad * 1.8f, ph = rad * 0.45f;
    ui_frect_t base = {x - pw / 2, cy - rad - ph - px * 0.8f, pw, ph};
    ui_frect_t back = {x + pw * 0.1f, base.y - rad * 0.9f, pw * 0.3f, rad * 0.9f + ph};
    ui_fill_rounded(d, (ui_frect_t){base.x + px * 0.3f, base.y + px * 0.3f, pw, ph}, ph / 3,
                    th->shadow);
    ui_fill_rounded(d, base, ph / 3, piece);
    ui_fill_rounded(d, back, ph / 3, piece);
}
