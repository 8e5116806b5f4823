/*
 * draw.c - shapes for the UI (see draw.h). Each shape is a perimeter of
 * points; the interior is a triangle fan and the edge a strip out to the same
 * perimeter pushed one pixel outwards with alpha 0.
 */
#include "draw.h"

#include <math.h>

#define DRAW_MAX_PERIM 160

static SDL_Color to_sdl(ui_colour_t c)
{
    SDL_Color s = {c.r, c.g, c.b, c.a};
    return s;
}

/* Points of a rounded rectangle's outline, clockwise, plus outward normals. */
static int rounded_perimeter_n(ui_frect_t rc, float radius, int seg, SDL_FPoint *pts,
                               SDL_FPoint *nrm)
{
    float maxr = fminf(rc.w, rc.h) / 2.0f;
    if (radius > maxr)
        radius = maxr;
    if (radius < 0.0f)
        radius = 0.0f;
    const float cx[4] = {rc.x + rc.w - radius, rc.x + rc.w - radius, rc.x + radius, rc.x + radius};
    const float cy[4] = {rc.y + radius, rc.y + rc.h - radius, rc.y + rc.h - radius, rc.y + radius};
    const float start[4] = {-(float)M_PI / 2.0f, 0.0f, (float)M_PI / 2.0f, (float)M_PI};
    int n = 0;
    for (int c = 0; c < 4; c++) {
        for (int i = 0; i <= seg && n < DRAW_MAX_PERIM; i++) {
            float a = start[c] + (float)i / (float)seg * ((float)M_PI / 2.0f);
            nrm[n].x = cosf(a);
            nrm[n].y = sinf(a);
            pts[n].x = cx[c] + radius * nrm[n].x;
            pts[n].y = cy[c] + radius * nrm[n].y;
            n++;
        }
    }
    return n;
}

static int segments_for(float radius)
{
    return radius < 4.0f ? 2 : (radius < 20.0f ? 8 : 16);
}

static int rounded_perimeter(ui_frect_t rc, float radius, SDL_FPoint *pts, SDL_FPoint *nrm)
{
    return rounded_perimeter_n(rc, radius, segments_for(fminf(radius, fminf(rc.w, rc.h) / 2)), pts,
                               nrm);
}

/* Fills the polygon PTS (convex, around its centroid) with a feathered edge. */
static void fill_feathered(SDL_Renderer *r, const SDL_FPoint *pts, const SDL_FPoint *nrm, int n,
                           ui_colour_t c)
{
    SDL_Vertex v[1 + 2 * DRAW_MAX_PERIM] = {0};
    int idx[9 * DRAW_MAX_PERIM];
    SDL_Color solid = to_sdl(c), clear = to_sdl(c);
    clear.a = 0;
    float mx = 0, my = 0;
    for (int i = 0; i < n; i++) {
        mx += pts[i].x;
        my += pts[i].y;
    }
    v[0].position.x = mx / (float)n;
    v[0].position.y = my / (float)n;
    v[0].color = solid;
    for (int i = 0; i < n; i++) {
        /* inner ring half a pixel in, outer ring half a pixel out */
        v[1 + i].position.x = pts[i].x - nrm[i].x * 0.5f;
        v[1 + i].position.y = pts[i].y - nrm[i].y * 0.5f;
        v[1 + i].color = solid;
        v[1 + n + i].position.x = pts[i].x + nrm[i].x * 0.5f;
        v[1 + n + i].position.y = pts[i].y + nrm[i].y * 0.5f;
        v[1 + n + i].color = clear;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        int j = (i + 1) % n;
        idx[k++] = 0;
        idx[k++] = 1 + i;
        idx[k++] = 1 + j;
        idx[k++] = 1 + i;
        idx[k++] = 1 + n + i;
        idx[k++] = 1 + j;
        idx[k++] = 1 + j;
        idx[k++] = 1 + n + i;
        idx[k++] = 1 + n + j;
    }
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    SDL_RenderGeometry(r, NULL, v, 1 + 2 * n, idx, k);
}

void ui_fill_rounded(SDL_Renderer *r, ui_frect_t rect, float radius, ui_colour_t c)
{
    SDL_FPoint pts[DRAW_MAX_PERIM], nrm[DRAW_MAX_PERIM];
    if (rect.w <= 0 || rect.h <= 0 || c.a == 0)
        return;
    int n = rounded_perimeter(rect, radius, pts, nrm);
    fill_feathered(r, pts, nrm, n, c);
}

void ui_stroke_rounded(SDL_Renderer *r, ui_frect_t rect, float radius, float width, ui_colour_t c)
{
    SDL_FPoint po[DRAW_MAX_PERIM], no[DRAW_MAX_PERIM], pi[DRAW_MAX_PERIM], ni[DRAW_MAX_PERIM];
    if (width <= 0 || c.a == 0)
        return;
    ui_frect_t inner = {rect.x + width, rect.y + width, rect.w - 2 * width, rect.h - 2 * width};
    int seg = segments_for(fminf(radius, fminf(rect.w, rect.h) / 2));
    int n = rounded_perimeter_n(rect, radius, seg, po, no);
    int m = rounded_perimeter_n(inner, radius - width > 0 ? radius - width : 0, seg, pi, ni);
    if (n != m || inner.w <= 0 || inner.h <= 0) {
        ui_fill_rounded(r, rect, radius, c);
        return;
    }
    SDL_Vertex v[2 * DRAW_MAX_PERIM] = {0};
    int idx[6 * DRAW_MAX_PERIM];
    SDL_Color col = to_sdl(c);
    for (int i = 0; i < n; i++) {
        v[i].position = po[i];
        v[i].color = col;
        v[n + i].position = pi[i];
        v[n + i].color = col;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        int j = (i + 1) % n;
        idx[k++] = i;
        idx[k++] = j;
        idx[k++] = n + i;
        idx[k++] = j;
        idx[k++] = n + j;
        idx[k++] = n + i;
    }
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    SDL_RenderGeometry(r, NULL, v, 2 * n, idx, k);
}

void ui_fill_circle(SDL_Renderer *r, float cx, float cy, float radius, ui_colour_t c)
{
    ui_frect_t rc = {cx - radius, cy - radius, 2 * radius, 2 * radius};
    ui_fill_rounded(r, rc, radius, c);
}

void ui_fill_gradient(SDL_Renderer *r, ui_frect_t rect, ui_colour_t top, ui_colour_t bottom)
{
    SDL_Vertex v[4];
    const int idx[6] = {0, 1, 2, 1, 3, 2};
    v[0].position.x = rect.x;
    v[0].position.y = rect.y;
    v[1].position.x = rect.x + rect.w;
    v[1].position.y = rect.y;
    v[2].position.x = rect.x;
    v[2].position.y = rect.y + rect.h;
    v[3].position.x = rect.x + rect.w;
    v[3].position.y = rect.y + rect.h;
    v[0].color = v[1].color = to_sdl(top);
    v[2].color = v[3].color = to_sdl(bottom);
    for (int i = 0; i < 4; i++)
        v[i].tex_coord.x = v[i].tex_coord.y = 0;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    SDL_RenderGeometry(r, NULL, v, 4, idx, 6);
}

void ui_fill_polygon(SDL_Renderer *r, const SDL_FPoint *pts, int n, ui_colour_t c)
{
    SDL_FPoint nrm[16];
    if (n < 3 || n > 16)
        return;
    float mx = 0, my = 0;
    for (int i = 0; i < n; i++) {
        mx += pts[i].x;
        my += pts[i].y;
    }
    mx /= (float)n;
    my /= (float)n;
    for (int i = 0; i < n; i++) {
        float dx = pts[i].x - mx, dy = pts[i].y - my;
        float len = sqrtf(dx * dx + dy * dy);
        nrm[i].x = len > 0 ? dx / len : 0;
        nrm[i].y = len > 0 ? dy / len : 0;
    }
    fill_feathered(r, pts, nrm, n, c);
}
