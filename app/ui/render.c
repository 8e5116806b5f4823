/*
 * render.c - one function per widget kind, all reading the view only.
 * See render.h. Colours and sizes come from theme.c.
 */
#include "render.h"

#include "content.h"

#include "draw_qr.h"

#include "draw.h"
#include "render_line.h"
#include "mf_error.h"
#include "mf_log.h"
#include "text.h"
#include "theme.h"

#include <SDL_image.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Pictures (stations, trades) kept as textures: bounded in count and bytes,
 * the least recently drawn dropped first. */
#define RENDER_IMAGE_SLOTS 48
#define RENDER_IMAGE_BYTES (24u << 20)

typedef struct {
    char path[VIEW_PATH_MAX];
    SDL_Texture *tex; /* NULL with failed=1: the file could not be read */
    int failed;
    int w, h;         /* the texture: fitted into box_w x box_h */
    int box_w, box_h; /* the box it was fitted to (part of the key) */
    size_t bytes;
    uint64_t used;
} render_image_t;

struct ui {
    SDL_Renderer *r;
    ui_draw_t *draw; /* shapes and their cache */
    ui_text_t *text;
    render_image_t images[RENDER_IMAGE_SLOTS];
    uint64_t image_clock, image_loads;
    ui_video_draw_fn video_fn;
    void *video_ctx;
    /* per frame */
    float px; /* pixels per unit */
    float off_x;
    const ui_theme_t *th;
    float text_scale;
};

float ui_units_scale(int w, int h)
{
    return (float)(w < h ? w : h) / 100.0f;
}

ui_t *ui_create(SDL_Renderer *r)
{
    ui_t *ui = calloc(1, sizeof *ui);
    if (!ui)
        return NULL;
    ui->r = r;
    ui->draw = ui_draw_create(r, 0, 0);
    ui->text = ui_text_create(r);
    if (!ui->draw || !ui->text)
        goto fail;
    int flags = IMG_INIT_PNG | IMG_INIT_JPG;
    if ((IMG_Init(flags) & flags) != flags)
        mf_log_warn("ui", "SDL_image: %s", IMG_GetError());
    return ui;
fail:
    ui_destroy(ui);
    return NULL;
}

void ui_destroy(ui_t *ui)
{
    if (!ui)
        return;
    for (int i = 0; i < RENDER_IMAGE_SLOTS; i++) {
        if (ui->images[i].tex)
            SDL_DestroyTexture(ui->images[i].tex);
    }
    ui_text_destroy(ui->text);
    ui_draw_destroy(ui->draw);
    IMG_Quit();
    free(ui);
}

void ui_set_video_hook(ui_t *ui, ui_video_draw_fn fn, void *ctx)
{
    ui->video_fn = fn;
    ui->video_ctx = ctx;
}

/* Drops the least recently used pictures until ADD more bytes fit. */
static void image_make_room(ui_t *ui, size_t add)
{
    for (;;) {
        size_t bytes = 0;
        int lru = -1;
        for (int i = 0; i < RENDER_IMAGE_SLOTS; i++) {
            render_image_t *s = &ui->images[i];
            if (!s->path[0])
                continue;
            bytes += s->bytes;
            if (lru < 0 || s->used < ui->images[lru].used)
                lru = i;
        }
        if (lru < 0 || bytes + add <= RENDER_IMAGE_BYTES)
            return;
        if (ui->images[lru].tex)
            SDL_DestroyTexture(ui->images[lru].tex);
        memset(&ui->images[lru], 0, sizeof ui->images[lru]);
    }
}

/* PATH's picture scaled once to fit W x H pixels (aspect kept): drawn
 * with a plain copy, since SDL's software renderer scales and blends a
 * picture through a temporary surface on every copy. An SVG drawing is
 * rasterised again at that size, so it stays sharp. NULL when unreadable. */
static SDL_Surface *image_load_fitted(const char *path, int w, int h)
{
    /* Bounded before decoding (content.h): a few bytes may say 60000x60000. */
    char why[256];
    int hw, hh;
    if (content_picture_check(path, &hw, &hh, why, sizeof why) != MF_OK) {
        mf_log_warn("ui", "image %s %s: not drawn", path, why);
        return NULL;
    }
    SDL_Surface *native = IMG_Load(path);
    if (!native)
        return NULL;
    float s = fminf((float)w / (float)native->w, (float)h / (float)native->h);
    int fw = (int)lroundf((float)native->w * s), fh = (int)lroundf((float)native->h * s);
    if (fw < 1)
        fw = 1;
    if (fh < 1)
        fh = 1;
    const char *dot = strrchr(path, '.');
    SDL_Surface *out = NULL;
    if (dot && SDL_strcasecmp(dot, ".svg") == 0) {
        SDL_RWops *rw = SDL_RWFromFile(path, "rb");
        out = rw ? IMG_LoadSizedSVG_RW(rw, fw, fh) : NULL;
        if (rw)
            SDL_RWclose(rw);
    }
    if (!out) {
        SDL_Surface *argb = SDL_ConvertSurfaceFormat(native, SDL_PIXELFORMAT_ARGB8888, 0);
        out = argb ? SDL_CreateRGBSurfaceWithFormat(0, fw, fh, 32, SDL_PIXELFORMAT_ARGB8888) : NULL;
        if (out && SDL_SoftStretchLinear(argb, NULL, out, NULL) != 0) {
            SDL_FreeSurface(out);
            out = NULL;
        }
        SDL_FreeSurface(argb);
    }
    SDL_FreeSurface(native);
    return out;
}

/* The picture PATH fitted into BOX_W x BOX_H, from the cache or loaded. */
static render_image_t *image_get(ui_t *ui, const char *path, int box_w, int box_h)
{
    ui->image_clock++;
    int lru = 0;
    for (int i = 0; i < RENDER_IMAGE_SLOTS; i++) {
        render_image_t *s = &ui->images[i];
        if (s->path[0] && s->box_w == box_w && s->box_h == box_h && strcmp(s->path, path) == 0) {
            s->used = ui->image_clock;
            return s;
        }
        if (s->used < ui->images[lru].used)
            lru = i;
    }
    render_image_t *s = &ui->images[lru];
    if (s->tex)
        SDL_DestroyTexture(s->tex);
    memset(s, 0, sizeof *s);
    SDL_Surface *surf = box_w > 0 && box_h > 0 ? image_load_fitted(path, box_w, box_h) : NULL;
    if (surf) {
        image_make_room(ui, (size_t)surf->w * (size_t)surf->h * 4u);
        s->tex = SDL_CreateTextureFromSurface(ui->r, surf);
        SDL_FreeSurface(surf);
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    s->box_w = box_w;
    s->box_h = box_h;
    s->used = ui->image_clock;
    ui->image_loads++;
    if (!s->tex) {
        s->failed = 1;
        mf_log_warn("ui", "cannot load image %s: %s", path, IMG_GetError());
    } else {
        SDL_SetTextureBlendMode(s->tex, SDL_BLENDMODE_BLEND);
        SDL_QueryTexture(s->tex, NULL, NULL, &s->w, &s->h);
        s->bytes = (size_t)s->w * (size_t)s->h * 4u;
    }
    return s;
}

/* Draws PATH's picture fitted and centred in BOX (pixels). False when it
 * cannot be read. */
static bool image_draw(ui_t *ui, const char *path, ui_frect_t box)
{
    render_image_t *img = image_get(ui, path, (int)lroundf(box.w), (int)lroundf(box.h));
    if (!img->tex)
        return false;
    SDL_Rect d = {(int)lroundf(box.x + (box.w - (float)img->w) / 2),
                  (int)lroundf(box.y + (box.h - (float)img->h) / 2), img->w, img->h};
    SDL_RenderCopy(ui->r, img->tex, NULL, &d);
    return true;
}

void ui_stats(const ui_t *ui, ui_stats_t *out)
{
    memset(out, 0, sizeof *out);
    ui_draw_stats(ui->draw, &out->shapes);
    ui_text_stats(ui->text, &out->text);
    for (int i = 0; i < RENDER_IMAGE_SLOTS; i++) {
        if (ui->images[i].path[0]) {
            out->images++;
            out->image_bytes += ui->images[i].bytes;
        }
    }
    out->image_loads = ui->image_loads;
}

/* ---- coordinates ---------------------------------------------------------- */

static ui_frect_t to_px(const ui_t *ui, view_rect_t r)
{
    ui_frect_t f = {r.x * ui->px + ui->off_x, r.y * ui->px, r.w * ui->px, r.h * ui->px};
    return f;
}

static SDL_Rect to_irect(ui_frect_t f)
{
    SDL_Rect r = {(int)lroundf(f.x), (int)lroundf(f.y), (int)lroundf(f.w), (int)lroundf(f.h)};
    return r;
}

static int font_px(const ui_t *ui, float units)
{
    return (int)lroundf(units * ui->px);
}

/* ---- icons: glyphs of DejaVu Sans, which has them all ---------------------- */

static const char *icon_glyph(view_icon_t icon)
{
    switch (icon) {
    case VIEW_ICON_BACK:
        return "\xE2\x86\x90"; /* ← */
    case VIEW_ICON_SETTINGS:
        return "\xE2\x9A\x99"; /* ⚙ */
    case VIEW_ICON_PLAY:
        return "\xE2\x96\xB6"; /* ▶ */
    case VIEW_ICON_PAUSE:
        return "\xE2\x9D\x9A\xE2\x9D\x9A"; /* ❚❚ */
    case VIEW_ICON_CHECK:
        return "\xE2\x9C\x94"; /* ✔ */
    case VIEW_ICON_HAND:
        return "\xE2\x98\x9D"; /* ☝ */
    case VIEW_ICON_GLOBE:
        return "\xE2\x97\x8E"; /* ◎ */
    case VIEW_ICON_CONTRAST:
        return "\xE2\x97\x90"; /* ◐ */
    case VIEW_ICON_TEXT_SIZE:
        return "A";
    default:
        break;
    }
    return ui_line_glyph(icon); /* the journey's icons, render_line.c */
}

/* ---- widgets --------------------------------------------------------------- */

/* The shadow of the shape RC (radius RADIUS, colour OVER, drawn next),
 * DY pixels lower. When OVER is opaque it hides all but the shadow's lower
 * edge: only that is blended (a blended fill costs SDL's software renderer
 * a read and a write per pixel, the whole card's area otherwise). */
static void draw_shadow(ui_t *ui, ui_frect_t rc, float radius, float dy, ui_colour_t over)
{
    if (!ui->th->shadow.a)
        return;
    ui_frect_t s = {rc.x, rc.y + dy, rc.w, rc.h};
    if (over.a != 255) {
        ui_fill_rounded(ui->draw, s, radius, ui->th->shadow);
        return;
    }
    /* the band below the shape, and its two lower corners */
    float r = fminf(radius, fminf(rc.w, rc.h) / 2) + 2.0f;
    int x0 = (int)floorf(rc.x) - 2, x1 = (int)ceilf(rc.x + rc.w) + 2;
    int yb = (int)floorf(rc.y + rc.h) - 1, y1 = (int)ceilf(s.y + s.h) + 2;
    int yc = (int)floorf(rc.y + rc.h - r), cw = (int)ceilf(r) + 2;
    SDL_Rect clips[3] = {
        {x0, yb, x1 - x0, y1 - yb}, {x0, yc, cw, yb - yc}, {x1 - cw, yc, cw, yb - yc}};
    for (int i = 0; i < 3; i++) {
        SDL_RenderSetClipRect(ui->r, &clips[i]);
        ui_fill_rounded(ui->draw, s, radius, ui->th->shadow);
    }
    SDL_RenderSetClipRect(ui->r, NULL);
}

static void draw_text_widget(ui_t *ui, const view_widget_t *w)
{
    const ui_theme_t *th = ui->th;
    ui_weight_t weight = UI_WEIGHT_REGULAR;
    ui_colour_t col = th->text;
    float size = th->font_body;
    switch (w->style) {
    case VIEW_STYLE_TITLE:
        weight = UI_WEIGHT_BLACK;
        size = th->font_title;
        break;
    case VIEW_STYLE_CAPTION:
        col = th->text_muted;
        size = th->font_caption;
        break;
    default:
        break;
    }
    if (w->font > 0)
        size = w->font;
    ui_text_draw(ui->text, w->label, to_irect(to_px(ui, w->rect)), font_px(ui, size), weight, col,
                 w->align == VIEW_ALIGN_LEFT ? UI_TEXT_LEFT : UI_TEXT_CENTER);
}

static void draw_status(ui_t *ui, const view_widget_t *w)
{
    const ui_theme_t *th = ui->th;
    ui_frect_t rc = to_px(ui, w->rect);
    ui_colour_t accent = w->accent ? ui_rgb(w->accent) : th->primary;
    ui_colour_t bg = ui_mix(th->surface, accent, th->outline_width > 0 ? 0.0f : 0.18f);
    ui_fill_rounded(ui->draw, rc, rc.h / 2, bg);
    if (th->outline_width > 0)
        ui_stroke_rounded(ui->draw, rc, rc.h / 2, th->outline_width * ui->px, accent);
    float d = rc.h * 0.42f;
    const char *glyph = icon_glyph(w->icon);
    if (glyph) { /* a state's icon in place of the dot: never colour alone */
        SDL_Rect ib = {(int)(rc.x + rc.h * 0.1f), (int)rc.y, (int)(rc.h * 0.9f), (int)rc.h};
        ui_text_draw(ui->text, glyph, ib, (int)(rc.h * 0.6f), UI_WEIGHT_SYMBOL,
                     th->outline_width > 0 ? th->text : accent, UI_TEXT_CENTER);
    } else {
        ui_fill_circle(ui->draw, rc.x + rc.h * 0.55f, rc.y + rc.h / 2, d / 2, accent);
    }
    SDL_Rect box = {(int)(rc.x + rc.h), (int)rc.y, (int)(rc.w - rc.h * 1.3f), (int)rc.h};
    float size = w->font > 0 ? w->font : th->font_caption;
    ui_text_draw(ui->text, w->label, box, font_px(ui, size), UI_WEIGHT_BOLD, th->text,
                 UI_TEXT_LEFT);
}

static void draw_button(ui_t *ui, const view_widget_t *w)
{
    const ui_theme_t *th = ui->th;
    ui_frect_t rc = to_px(ui, w->rect);
    float radius = th->radius * ui->px;
    ui_colour_t bg = th->surface, fg = th->text;
    ui_weight_t weight = UI_WEIGHT_BOLD;
    float size = w->font > 0 ? w->font : th->font_button * ui->text_scale;

    switch (w->style) {
    case VIEW_STYLE_PRIMARY:
        bg = th->primary;
        fg = th->primary_text;
        weight = UI_WEIGHT_BLACK;
        radius = rc.h / 2.0f;
        break;
    case VIEW_STYLE_TOGGLE_ON:
        bg = th->toggle_on;
        fg = th->toggle_on_text;
        break;
    case VIEW_STYLE_GHOST:
        bg = th->ghost;
        fg = th->ghost_text;
        radius = rc.h / 2.0f;
        break;
    default:
        break;
    }
    if (w->pressed)
        bg = w->style == VIEW_STYLE_PRIMARY || w->style == VIEW_STYLE_TOGGLE_ON
                 ? ui_mix(bg, th->text, 0.35f)
                 : th->surface_pressed;

    /* The primary action breathes (value = pulse 0..1) so the eye finds it. */
    if (w->style == VIEW_STYLE_PRIMARY && w->value > 0.0f && !w->pressed) {
        /* whole pixels: a handful of halo shapes, each rasterised once */
        float grow = floorf(w->value * 0.8f * ui->px);
        ui_colour_t halo = bg;
        halo.a = (uint8_t)(90.0f * (1.0f - w->value));
        ui_frect_t h = {rc.x - grow * 2, rc.y - grow * 2, rc.w + grow * 4, rc.h + grow * 4};
        /* a ring, not a fill: the opaque button covers the middle, and a
         * blended pixel costs the software renderer ~11 ns (one pixel of
         * overlap under the button's edge, so no seam shows) */
        if (grow > 0 && bg.a == 255)
            ui_stroke_rounded(ui->draw, h, radius + grow * 2, grow * 2 + 1, halo);
        else
            ui_fill_rounded(ui->draw, h, radius + grow * 2, halo);
    }
    if (w->style != VIEW_STYLE_GHOST && !w->pressed) /* pressed: pushed in */
        draw_shadow(ui, rc, radius, 0.6f * ui->px, bg);
    ui_fill_rounded(ui->draw, rc, radius, bg);
    if (th->outline_width > 0)
        ui_stroke_rounded(ui->draw, rc, radius, th->outline_width * ui->px, th->outline);

    float pad = fminf(rc.h * 0.18f, 3.0f * ui->px);
    SDL_Rect box = to_irect(rc);
    const char *glyph = icon_glyph(w->icon);
    if (glyph) {
        int isz = (int)(fminf(rc.h * 0.55f, (float)font_px(ui, size) * 1.3f));
        /* an icon wider than tall (the two pause bars) is made smaller to
         * take the same width as the others, not the label's room */
        int gw = 0, gh = 0, gsz = isz;
        if (ui_text_measure(ui->text, glyph, isz, UI_WEIGHT_SYMBOL, &gw, &gh) == MF_OK && gw > isz)
            gsz = isz * isz / gw;
        SDL_Rect ib = {box.x + (int)pad, box.y, isz + (int)pad, box.h};
        ui_text_draw(ui->text, glyph, ib, gsz, UI_WEIGHT_SYMBOL, fg, UI_TEXT_CENTER);
        box.x += ib.w + (int)(pad * 0.5f);
        box.w -= ib.w + (int)(pad * 1.5f);
    } else {
        box.x += (int)pad;
        box.w -= (int)(2 * pad);
    }
    box.y += (int)(pad * 0.5f);
    box.h -= (int)pad;
    ui_text_draw(ui->text, w->label, box, font_px(ui, size), weight, fg,
                 glyph ? UI_TEXT_LEFT : UI_TEXT_CENTER);
}

static void draw_card(ui_t *ui, const view_widget_t *w)
{
    const ui_theme_t *th = ui->th;
    ui_frect_t rc = to_px(ui, w->rect);
    float radius = th->radius * ui->px;
    ui_colour_t accent = w->accent ? ui_rgb(w->accent) : th->primary;
    ui_colour_t bg = w->pressed ? th->surface_pressed : th->surface;
    if (!w->pressed) /* pressed: pushed in */
        draw_shadow(ui, rc, radius, 0.8f * ui->px, bg);
    ui_fill_rounded(ui->draw, rc, radius, bg);
    /* picture area, tinted with the station's colour */
    ui_frect_t pic = {rc.x, rc.y, rc.w, rc.h * 0.62f};
    ui_fill_rounded(ui->draw, pic, radius,
                    ui_mix(accent, bg, th->outline_width > 0 ? 0.0f : 0.25f));
    /* square off the picture's lower corners: a plain fill, no feathered seam */
    ui_frect_t flat = {rc.x, rc.y + pic.h - radius, rc.w, radius + 1.0f};
    ui_fill_rounded(ui->draw, flat, 0, bg);
    if (w->path[0]) {
        ui_frect_t box = {pic.x + pic.w * 0.1f, pic.y + pic.h * 0.1f, pic.w * 0.8f, pic.h * 0.8f};
        image_draw(ui, w->path, box);
    }
    if (w->value >= 1.0f) { /* station number on the line, in a disc */
        char num[8];
        snprintf(num, sizeof num, "%d", (int)w->value);
        float d = fminf(pic.h * 0.28f, 9.0f * ui->px);
        ui_fill_circle(ui->draw, pic.x + d * 0.75f, pic.y + d * 0.75f, d / 2, th->ground_top);
        SDL_Rect nb = {(int)(pic.x + d * 0.25f), (int)(pic.y + d * 0.25f), (int)d, (int)d};
        ui_text_draw(ui->text, num, nb, (int)(d * 0.6f), UI_WEIGHT_BLACK, th->text, UI_TEXT_CENTER);
    }
    if (th->outline_width > 0)
        ui_stroke_rounded(ui->draw, rc, radius, th->outline_width * ui->px, th->outline);
    float pad = 1.5f * ui->px;
    SDL_Rect tb = {(int)(rc.x + pad), (int)(rc.y + pic.h + pad * 0.5f), (int)(rc.w - 2 * pad),
                   (int)(rc.h - pic.h - pad)};
    ui_text_draw(ui->text, w->label, tb, font_px(ui, w->font > 0 ? w->font : th->font_body),
                 UI_WEIGHT_BOLD, th->text, UI_TEXT_CENTER);
}

/* The attract screen's line: a belt, rollers, a press and pallets carrying
 * blanks of the visitors' colours; VALUE is the phase of the motion (0..1). */
static void draw_conveyor(ui_t *ui, const view_widget_t *w)
{
    const ui_theme_t *th = ui->th;
    ui_frect_t rc = to_px(ui, w->rect);
    float phase = w->value;
    float belt_y = rc.y + rc.h * 0.70f, belt_h = rc.h * 0.10f;
    ui_colour_t metal = th->outline_width > 0 ? th->text : ui_rgb(0x8E9AC8);
    ui_colour_t dark = th->outline_width > 0 ? th->ground_top : ui_rgb(0x0A1026);
    static const uint32_t colours[] = {0xFF7A1A, 0x2EC4B6, 0xF94E8A, 0xFFD23F, 0x7B6CF6};

    /* legs and belt */
    for (int i = 0; i < 4; i++) {
        ui_frect_t leg = {rc.x + rc.w * (0.08f + 0.28f * (float)i), belt_y + belt_h, rc.w * 0.03f,
                          rc.h * 0.22f};
        ui_fill_rounded(ui->draw, leg, 2, metal);
    }
    ui_frect_t belt = {rc.x, belt_y, rc.w, belt_h};
    ui_fill_rounded(ui->draw, belt, belt_h / 2, dark);
    ui_stroke_rounded(ui->draw, belt, belt_h / 2, fmaxf(1.0f, belt_h * 0.12f), metal);
    for (int i = 0; i < 9; i++) {
        float cx = rc.x + belt_h / 2 + (rc.w - belt_h) * (float)i / 8.0f;
        ui_fill_circle(ui->draw, cx, belt_y + belt_h / 2, belt_h * 0.28f, metal);
    }
    /* the press: a frame and a ram that comes down once per pallet */
    float px_ = rc.x + rc.w * 0.46f, pw = rc.w * 0.2f;
    ui_frect_t head = {px_, rc.y + rc.h * 0.05f, pw, rc.h * 0.16f};
    ui_fill_rounded(ui->draw, head, 4, th->outline_width > 0 ? th->primary : ui_rgb(0x3A50A3));
    ui_frect_t post = {px_ + pw * 0.1f, rc.y + rc.h * 0.05f, pw * 0.08f, belt_y - rc.y};
    ui_fill_rounded(ui->draw, post, 2, metal);
    post.x = px_ + pw * 0.82f;
    ui_fill_rounded(ui->draw, post, 2, metal);
    float local = fmodf(phase * 4.0f, 1.0f);
    float down = local > 0.45f && local < 0.65f ? sinf((local - 0.45f) / 0.2f * (float)M_PI) : 0;
    ui_frect_t ram = {px_ + pw * 0.3f, head.y + head.h, pw * 0.4f,
                      rc.h * 0.08f + down * rc.h * 0.22f};
    ui_fill_rounded(ui->draw, ram, 2, ui_rgb(0xC3CCEE));
    /* pallets: a canned motion, unless the live line draws its own pieces */
    for (int i = 0; i < 4 && w->style != VIEW_STYLE_STATUS; i++) {
        float t = fmodf(phase + (float)i / 4.0f, 1.0f);
        float x = rc.x - rc.w * 0.12f + t * rc.w * 1.1f;
        if (x < rc.x - 2 || x > rc.x + rc.w - rc.w * 0.12f)
            continue;
        ui_frect_t pal = {x, belt_y - rc.h * 0.05f, rc.w * 0.12f, rc.h * 0.05f};
        ui_fill_rounded(ui->draw, pal, 2, metal);
        ui_colour_t blank = ui_rgb(colours[i % 5]);
        bool bent = x + pal.w / 2 > px_ + pw / 2; /* after the press: bent shape */
        if (bent) {
            ui_frect_t base = {x + pal.w * 0.1f, pal.y - rc.h * 0.04f, pal.w * 0.8f, rc.h * 0.04f};
            ui_frect_t back = {x + pal.w * 0.6f, pal.y - rc.h * 0.16f, pal.w * 0.2f, rc.h * 0.16f};
            ui_fill_rounded(ui->draw, base, 2, blank);
            ui_fill_rounded(ui->draw, back, 2, blank);
        } else {
            ui_frect_t flat = {x + pal.w * 0.1f, pal.y - rc.h * 0.04f, pal.w * 0.8f, rc.h * 0.04f};
            ui_fill_rounded(ui->draw, flat, 2, blank);
        }
    }
}

static void draw_progress(ui_t *ui, const view_widget_t *w)
{
    ui_frect_t rc = to_px(ui, w->rect);
    ui_fill_rounded(ui->draw, rc, rc.h / 2, ui->th->surface);
    float v = w->value < 0 ? 0 : (w->value > 1 ? 1 : w->value);
    ui_frect_t f = {rc.x, rc.y, rc.w * v, rc.h};
    ui_fill_rounded(ui->draw, f, rc.h / 2, ui->th->primary);
}

static void draw_image(ui_t *ui, const view_widget_t *w)
{
    ui_frect_t rc = to_px(ui, w->rect);
    if (!w->path[0] || !image_draw(ui, w->path, rc)) {
        ui_fill_rounded(ui->draw, rc, ui->th->radius * ui->px, ui->th->surface);
    }
}

void ui_render(ui_t *ui, const view_t *v, int out_w, int out_h, float offset_x, ui_layer_t layers)
{
    ui->px = ui_units_scale(out_w, out_h);
    ui->off_x = offset_x;
    ui->th = ui_theme_get(v->high_contrast);
    ui->text_scale = v->text_scale > 0 ? v->text_scale : 1.0f;

    if (layers & UI_LAYER_STATIC) {
        ui_frect_t all = {offset_x, 0, (float)out_w, (float)out_h};
        ui_fill_gradient(ui->draw, all, ui->th->ground_top, ui->th->ground_bottom);
    }

    for (size_t i = 0; i < v->count; i++) {
        const view_widget_t *w = &v->widgets[i];
        unsigned in = w->animated ? UI_LAYER_ANIMATED : UI_LAYER_STATIC;
        if (w->kind == VIEW_VIDEO)
            in |= UI_LAYER_VIDEO;
        if (!(layers & in))
            continue;
        switch (w->kind) {
        case VIEW_PANEL:
            ui_fill_rounded(ui->draw, to_px(ui, w->rect), ui->th->radius * ui->px, ui->th->surface);
            break;
        case VIEW_TEXT:
            if (w->style == VIEW_STYLE_STATUS)
                draw_status(ui, w);
            else
                draw_text_widget(ui, w);
            break;
        case VIEW_BUTTON:
            if (w->style == VIEW_STYLE_CARD)
                draw_card(ui, w);
            else
                draw_button(ui, w);
            break;
        case VIEW_IMAGE:
            draw_image(ui, w);
            break;
        case VIEW_ICON: {
            const char *g = icon_glyph(w->icon);
            if (g)
                ui_text_draw(ui->text, g, to_irect(to_px(ui, w->rect)),
                             font_px(ui, w->rect.h * 0.8f), UI_WEIGHT_SYMBOL,
                             w->accent ? ui_rgb(w->accent) : ui->th->text, UI_TEXT_CENTER);
            break;
        }
        case VIEW_PROGRESS:
            draw_progress(ui, w);
            break;
        case VIEW_VIDEO:
            if (ui->video_fn) {
                SDL_Rect dst = to_irect(to_px(ui, w->rect));
                ui->video_fn(ui->video_ctx, w, &dst);
            } else {
                ui_fill_rounded(ui->draw, to_px(ui, w->rect), 0, ui_rgb(0x000000));
            }
            break;
        case VIEW_CONVEYOR:
            draw_conveyor(ui, w);
            break;
        case VIEW_QR:
            ui_draw_qr(ui->r, w->label, to_px(ui, w->rect));
            break;
        case VIEW_PIECE:
            ui_draw_piece(ui->draw, ui->th, to_px(ui, w->rect), w);
            break;
        }
    }
}
