/*
 * draw.c - shapes for the UI (see draw.h).
 *
 * A rounded rectangle snapped to whole pixels has straight sides that are
 * whole pixels too: only its four corners need anti-aliasing. Each corner
 * is cut from one texture of 2c x 2c pixels (c >= radius, c >= outline
 * width) holding a rounded square of the same radius and outline, whose
 * pixels carry the shape's coverage (a one-pixel ramp centred on the edge,
 * as SDL_RenderGeometry's feathered triangles used to give). The texture
 * depends on (radius, outline width, colour) only, so every card, button,
 * pill and dot of the same look shares it. Straight parts are rectangle
 * fills, which SDL's software renderer does as fast as a memset.
 */
#include "draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int radius_q; /* radius in quarter pixels */
    int stroke;   /* outline width in pixels, 0 = filled */
    uint32_t rgb;
    int size; /* the texture is size x size = 2c x 2c */
    SDL_Texture *tex;
    uint64_t used;
} draw_shape_t;

struct ui_draw {
    SDL_Renderer *r;
    draw_shape_t *shapes;
    size_t count, max_shapes, bytes, max_bytes;
    uint64_t clock;
    uint64_t rasterised, geometry, evicted;
};

ui_draw_t *ui_draw_create(SDL_Renderer *r, size_t max_shapes, size_t max_bytes)
{
    ui_draw_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->r = r;
    d->max_shapes = max_shapes ? max_shapes : UI_DRAW_MAX_SHAPES;
    d->max_bytes = max_bytes ? max_bytes : UI_DRAW_MAX_BYTES;
    d->shapes = calloc(d->max_shapes, sizeof *d->shapes);
    if (!d->shapes) {
        free(d);
        return NULL;
    }
    return d;
}

void ui_draw_flush(ui_draw_t *d)
{
    for (size_t i = 0; i < d->count; i++)
        SDL_DestroyTexture(d->shapes[i].tex);
    d->count = 0;
    d->bytes = 0;
}

void ui_draw_destroy(ui_draw_t *d)
{
    if (!d)
        return;
    ui_draw_flush(d);
    free(d->shapes);
    free(d);
}

SDL_Renderer *ui_draw_renderer(const ui_draw_t *d)
{
    return d->r;
}

void ui_draw_stats(const ui_draw_t *d, ui_draw_stats_t *out)
{
    out->rasterised = d->rasterised;
    out->geometry = d->geometry;
    out->evicted = d->evicted;
    out->shapes = d->count;
    out->bytes = d->bytes;
    out->max_shapes = d->max_shapes;
    out->max_bytes = d->max_bytes;
}

static size_t shape_bytes(int size)
{
    return (size_t)size * (size_t)size * 4u;
}

static void shape_drop(ui_draw_t *d, size_t i)
{
    SDL_DestroyTexture(d->shapes[i].tex);
    d->bytes -= shape_bytes(d->shapes[i].size);
    d->shapes[i] = d->shapes[--d->count];
    d->evicted++;
}

/* Signed distance from P to a rounded box [X0,X1]x[Y0,Y1] of radius R
 * (negative inside). */
static float round_box_dist(float px, float py, float x0, float y0, float x1, float y1, float r)
{
    float cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    float qx = fabsf(px - cx) - ((x1 - x0) / 2 - r);
    float qy = fabsf(py - cy) - ((y1 - y0) / 2 - r);
    float ox = fmaxf(qx, 0.0f), oy = fmaxf(qy, 0.0f);
    return sqrtf(ox * ox + oy * oy) + fminf(fmaxf(qx, qy), 0.0f) - r;
}

static float coverage(float dist)
{
    float c = 0.5f - dist;
    return c < 0.0f ? 0.0f : (c > 1.0f ? 1.0f : c);
}

/* Rasterises the rounded square of S->size pixels into a new texture. */
static SDL_Texture *shape_rasterise(ui_draw_t *d, const draw_shape_t *s)
{
    int n = s->size;
    uint32_t *px = malloc(shape_bytes(n));
    if (!px)
        return NULL;
    float r = (float)s->radius_q / 4.0f, w = (float)s->stroke, fn = (float)n;
    float ri = fmaxf(r - w, 0.0f);
    bool hole = s->stroke > 0 && fn - 2 * w > 0;
    for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
            float fx = (float)x + 0.5f, fy = (float)y + 0.5f;
            float a = coverage(round_box_dist(fx, fy, 0, 0, fn, fn, r));
            if (hole)
                a -= coverage(round_box_dist(fx, fy, w, w, fn - w, fn - w, ri));
            if (a < 0.0f)
                a = 0.0f;
            px[y * n + x] = ((uint32_t)lroundf(a * 255.0f) << 24) | s->rgb;
        }
    }
    SDL_Texture *t =
        SDL_CreateTexture(d->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, n, n);
    if (t) {
        SDL_UpdateTexture(t, NULL, px, n * 4);
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    }
    free(px);
    d->rasterised++;
    return t;
}

/* The corner texture for (radius, stroke, colour), from the cache or made. */
static draw_shape_t *shape_get(ui_draw_t *d, int radius_q, int stroke, uint32_t rgb)
{
    d->clock++;
    for (size_t i = 0; i < d->count; i++) {
        draw_shape_t *s = &d->shapes[i];
        if (s->radius_q == radius_q && s->stroke == stroke && s->rgb == rgb) {
            s->used = d->clock;
            return s;
        }
    }
    draw_shape_t n = {.radius_q = radius_q, .stroke = stroke, .rgb = rgb, .used = d->clock};
    int c = (radius_q + 3) / 4;
    if (c < stroke)
        c = stroke;
    n.size = 2 * c;
    /* make room: least recently used first */
    while (d->count > 0 &&
           (d->count >= d->max_shapes || d->bytes + shape_bytes(n.size) > d->max_bytes)) {
        size_t lru = 0;
        for (size_t i = 1; i < d->count; i++)
            if (d->shapes[i].used < d->shapes[lru].used)
                lru = i;
        shape_drop(d, lru);
    }
    n.tex = shape_rasterise(d, &n);
    if (!n.tex)
        return NULL;
    d->shapes[d->count] = n;
    d->bytes += shape_bytes(n.size);
    return &d->shapes[d->count++];
}

static void fill_rects(ui_draw_t *d, const SDL_Rect *rects, int n, ui_colour_t c)
{
    SDL_SetRenderDrawBlendMode(d->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(d->r, c.r, c.g, c.b, c.a);
    for (int i = 0; i < n; i++)
        if (rects[i].w > 0 && rects[i].h > 0)
            SDL_RenderFillRect(d->r, &rects[i]);
}

/* RECT snapped to whole pixels; false when nothing is left. */
static bool snap(ui_frect_t rect, SDL_Rect *out)
{
    long x0 = lroundf(rect.x), y0 = lroundf(rect.y);
    long x1 = lroundf(rect.x + rect.w), y1 = lroundf(rect.y + rect.h);
    out->x = (int)x0;
    out->y = (int)y0;
    out->w = (int)(x1 - x0);
    out->h = (int)(y1 - y0);
    return out->w > 0 && out->h > 0;
}

static uint32_t rgb_of(ui_colour_t c)
{
    return ((uint32_t)c.r << 16) | ((uint32_t)c.g << 8) | c.b;
}

/* Draws the rounded rectangle B (whole pixels) of radius RADIUS, filled
 * (STROKE 0) or outlined STROKE pixels wide. */
static void rounded(ui_draw_t *d, SDL_Rect b, float radius, int stroke, ui_colour_t c)
{
    int m = b.w < b.h ? b.w : b.h;
    float r = fminf(fmaxf(radius, 0.0f), (float)m / 2.0f);
    int rq = (int)lroundf(r * 4.0f);
    if (stroke > 0 && 2 * stroke >= m)
        stroke = 0; /* an outline that fills the shape */
    if (rq < 2) {   /* square corners: fills only */
        if (stroke == 0) {
            fill_rects(d, &b, 1, c);
        } else {
            SDL_Rect e[4] = {{b.x, b.y, b.w, stroke},
                             {b.x, b.y + b.h - stroke, b.w, stroke},
                             {b.x, b.y + stroke, stroke, b.h - 2 * stroke},
                             {b.x + b.w - stroke, b.y + stroke, stroke, b.h - 2 * stroke}};
            fill_rects(d, e, 4, c);
        }
        return;
    }
    draw_shape_t *s = shape_get(d, rq, stroke, rgb_of(c));
    if (!s)
        return;
    int n = s->size;
    int k = n / 2;
    if (k > b.w / 2)
        k = b.w / 2;
    if (k > b.h / 2)
        k = b.h / 2;
    /* corners, cut from the texture's own corners */
    SDL_SetTextureAlphaMod(s->tex, c.a);
    const SDL_Rect src[4] = {
        {0, 0, k, k}, {n - k, 0, k, k}, {0, n - k, k, k}, {n - k, n - k, k, k}};
    const SDL_Rect dst[4] = {{b.x, b.y, k, k},
                             {b.x + b.w - k, b.y, k, k},
                             {b.x, b.y + b.h - k, k, k},
                             {b.x + b.w - k, b.y + b.h - k, k, k}};
    for (int i = 0; i < 4; i++)
        SDL_RenderCopy(d->r, s->tex, &src[i], &dst[i]);
    /* straight parts */
    if (stroke == 0) {
        SDL_Rect e[3] = {{b.x + k, b.y, b.w - 2 * k, k},
                         {b.x, b.y + k, b.w, b.h - 2 * k},
                         {b.x + k, b.y + b.h - k, b.w - 2 * k, k}};
        fill_rects(d, e, 3, c);
    } else {
        SDL_Rect e[4] = {{b.x + k, b.y, b.w - 2 * k, stroke},
                         {b.x + k, b.y + b.h - stroke, b.w - 2 * k, stroke},
                         {b.x, b.y + k, stroke, b.h - 2 * k},
                         {b.x + b.w - stroke, b.y + k, stroke, b.h - 2 * k}};
        fill_rects(d, e, 4, c);
    }
}

void ui_fill_rounded(ui_draw_t *d, ui_frect_t rect, float radius, ui_colour_t c)
{
    SDL_Rect b;
    if (c.a == 0 || !snap(rect, &b))
        return;
    rounded(d, b, radius, 0, c);
}

void ui_stroke_rounded(ui_draw_t *d, ui_frect_t rect, float radius, float width, ui_colour_t c)
{
    SDL_Rect b;
    if (width <= 0 || c.a == 0 || !snap(rect, &b))
        return;
    long w = lroundf(width);
    rounded(d, b, radius, w < 1 ? 1 : (int)w, c);
}

void ui_fill_circle(ui_draw_t *d, float cx, float cy, float radius, ui_colour_t c)
{
    ui_frect_t rc = {cx - radius, cy - radius, 2 * radius, 2 * radius};
    ui_fill_rounded(d, rc, radius, c);
}

static uint8_t lerp8(uint8_t a, uint8_t b, float t)
{
    return (uint8_t)lroundf((float)a + ((float)b - (float)a) * t);
}

void ui_fill_gradient(ui_draw_t *d, ui_frect_t rect, ui_colour_t top, ui_colour_t bottom)
{
    SDL_Rect b;
    if (!snap(rect, &b))
        return;
    /* one fill per band of rows that have the same colour */
    int start = 0;
    ui_colour_t run = top;
    for (int y = 0; y <= b.h; y++) {
        ui_colour_t c = run;
        if (y < b.h) {
            float t = ((float)y + 0.5f) / (float)b.h;
            c.r = lerp8(top.r, bottom.r, t);
            c.g = lerp8(top.g, bottom.g, t);
            c.b = lerp8(top.b, bottom.b, t);
            c.a = lerp8(top.a, bottom.a, t);
            if (y == 0)
                run = c;
        }
        if (y == b.h || memcmp(&c, &run, sizeof c) != 0) {
            SDL_Rect band = {b.x, b.y + start, b.w, y - start};
            if (run.a)
                fill_rects(d, &band, 1, run);
            start = y;
            run = c;
        }
    }
}

void ui_fill_polygon(ui_draw_t *d, const SDL_FPoint *pts, int n, ui_colour_t c)
{
    SDL_Vertex v[1 + 2 * 16];
    int idx[9 * 16];
    if (n < 3 || n > 16 || c.a == 0)
        return;
    memset(v, 0, sizeof v);
    SDL_Color solid = {c.r, c.g, c.b, c.a}, clear = {c.r, c.g, c.b, 0};
    float mx = 0, my = 0;
    for (int i = 0; i < n; i++) {
        mx += pts[i].x;
        my += pts[i].y;
    }
    mx /= (float)n;
    my /= (float)n;
    v[0].position.x = mx;
    v[0].position.y = my;
    v[0].color = solid;
    /* a feathered edge: an inner ring half a pixel in, an outer one half out */
    for (int i = 0; i < n; i++) {
        float dx = pts[i].x - mx, dy = pts[i].y - my;
        float len = sqrtf(dx * dx + dy * dy);
        float nx = len > 0 ? dx / len : 0, ny = len > 0 ? dy / len : 0;
        v[1 + i].position.x = pts[i].x - nx * 0.5f;
        v[1 + i].position.y = pts[i].y - ny * 0.5f;
        v[1 + i].color = solid;
        v[1 + n + i].position.x = pts[i].x + nx * 0.5f;
        v[1 + n + i].position.y = pts[i].y + ny * 0.5f;
        v[1 + n + i].color = clear;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        int j = (i + 1) % n;
        int tri[9] = {0, 1 + i, 1 + j, 1 + i, 1 + n + i, 1 + j, 1 + j, 1 + n + i, 1 + n + j};
        memcpy(&idx[k], tri, sizeof tri);
        k += 9;
    }
    SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_BLEND);
    SDL_RenderGeometry(d->r, NULL, v, 1 + 2 * n, idx, k);
    d->geometry++;
}
