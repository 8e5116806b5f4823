/*
 * render.c - one function per widget kind, all reading the view only.
 * See render.h. Colours and sizes come from theme.c.
 */
#include "render.h"

#include "draw.h"
#include "draw_order.h"
#include "mf_error.h"
#include "mf_log.h"
#include "text.h"
#include "theme.h"

#include <SDL_image.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RENDER_IMAGE_SLOTS 48

typedef struct {
    char path[VIEW_PATH_MAX];
    SDL_Texture *tex; /* NULL with failed=1: the file could not be read */
    int failed;
    int w, h;
} render_image_t;

struct ui {
    SDL_Renderer *r;
    ui_text_t *text;
    render_image_t images[RENDER_IMAGE_SLOTS];
    int image_next;
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
    ui->text = ui_text_create(r);
    if (!ui->text)
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
    IMG_Quit();
    free(ui);
}

void ui_set_video_hook(ui_t *ui, ui_video_draw_fn fn, void *ctx)
{
    ui->video_fn = fn;
    ui->video_ctx = ctx;
}

static render_image_t *image_get(ui_t *ui, const char *path)
{
    for (int i = 0; i < RENDER_IMAGE_SLOTS; i++) {
        if (ui->images[i].path[0] && strcmp(ui->images[i].path, path) == 0)
            return &ui->images[i];
    }
    render_image_t *s = &ui->images[ui->image_next];
    ui->image_next = (ui->image_next + 1) % RENDER_IMAGE_SLOTS;
    if (s->tex)
        SDL_DestroyTexture(s->tex);
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    s->tex = IMG_LoadTexture(ui->r, path);
    if (!s->tex) {
        s->failed = 1;
        mf_log_warn("ui", "cannot load image %s: %s", path, IMG_GetError());
    } else {
        SDL_QueryTexture(s->tex, NULL, NULL, &s->w, &s->h);
    }
    return s;
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
    case VIEW_ICON_NONE:
        break;
    }
    return NULL;
}

/* ---- widgets --------------------------------------------------------------- */

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
    ui_fill_rounded(ui->r, rc, rc.h / 2, bg);
    if (th->outline_width > 0)
        ui_stroke_rounded(ui->r, rc, rc.h / 2, th->outline_width * ui->px, accent);
    float d = rc.h * 0.42f;
    ui_fill_circle(ui->r, rc.x + rc.h * 0.55f, rc.y + rc.h / 2, d / 2, accent);
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
        float grow = w->value * 0.8f * ui->px;
        ui_colour_t halo = bg;
        halo.a = (uint8_t)(90.0f * (1.0f - w->value));
        ui_frect_t h = {rc.x - grow * 2, rc.y - grow * 2, rc.w + grow * 4, rc.h + grow * 4};
        ui_fill_rounded(ui->r, h, radius + grow * 2, halo);
    }
    if (th->shadow.a && w->style != VIEW_STYLE_GHOST) {
        ui_frect_t s = {rc.x, rc.y + 0.6f * ui->px, rc.w, rc.h};
        ui_fill_rounded(ui->r, s, radius, th->shadow);
    }
    ui_fill_rounded(ui->r, rc, radius, bg);
    if (th->outline_width > 0)
        ui_stroke_rounded(ui->r, rc, radius, th->outline_width * ui->px, th->outline);

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
    if (th->shadow.a) {
        ui_frect_t s = {rc.x, rc.y + 0.8f * ui->px, rc.w, rc.h};
        ui_fill_rounded(ui->r, s, radius, th->shadow);
    }
    ui_fill_rounded(ui->r, rc, radius, bg);
    /* picture area, tinted with the station's colour */
    ui_frect_t pic = {rc.x, rc.y, rc.w, rc.h * 0.62f};
    ui_fill_rounded(ui->r, pic, radius, ui_mix(accent, bg, th->outline_width > 0 ? 0.0f : 0.25f));
    /* square off the picture's lower corners: a plain fill, no feathered seam */
    SDL_FRect flat = {rc.x, rc.y + pic.h - radius, rc.w, radius + 1.0f};
    SDL_SetRenderDrawColor(ui->r, bg.r, bg.g, bg.b, bg.a);
    SDL_RenderFillRectF(ui->r, &flat);
    if (w->path[0]) {
        render_image_t *img = image_get(ui, w->path);
        if (img->tex) {
            float s = fminf((pic.w * 0.8f) / (float)img->w, (pic.h * 0.8f) / (float)img->h);
            SDL_FRect d = {pic.x + (pic.w - (float)img->w * s) / 2,
                           pic.y + (pic.h - (float)img->h * s) / 2, (float)img->w * s,
                           (float)img->h * s};
            SDL_RenderCopyF(ui->r, img->tex, NULL, &d);
        }
    }
    if (w->value >= 1.0f) { /* station number on the line, in a disc */
        char num[8];
        snprintf(num, sizeof num, "%d", (int)w->value);
        float d = fminf(pic.h * 0.28f, 9.0f * ui->px);
        ui_fill_circle(ui->r, pic.x + d * 0.75f, pic.y + d * 0.75f, d / 2, th->ground_top);
        SDL_Rect nb = {(int)(pic.x + d * 0.25f), (int)(pic.y + d * 0.25f), (int)d, (int)d};
        ui_text_draw(ui->text, num, nb, (int)(d * 0.6f), UI_WEIGHT_BLACK, th->text, UI_TEXT_CENTER);
    }
    if (th->outline_width > 0)
        ui_stroke_rounded(ui->r, rc, radius, th->outline_width * ui->px, th->outline);
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
        ui_fill_rounded(ui->r, leg, 2, metal);
    }
    ui_frect_t belt = {rc.x, belt_y, rc.w, belt_h};
    ui_fill_rounded(ui->r, belt, belt_h / 2, dark);
    ui_stroke_rounded(ui->r, belt, belt_h / 2, fmaxf(1.0f, belt_h * 0.12f), metal);
    for (int i = 0; i < 9; i++) {
        float cx = rc.x + belt_h / 2 + (rc.w - belt_h) * (float)i / 8.0f;
        ui_fill_circle(ui->r, cx, belt_y + belt_h / 2, belt_h * 0.28f, metal);
    }
    /* the press: a frame and a ram that comes down once per pallet */
    float px_ = rc.x + rc.w * 0.46f, pw = rc.w * 0.2f;
    ui_frect_t head = {px_, rc.y + rc.h * 0.05f, pw, rc.h * 0.16f};
    ui_fill_rounded(ui->r, head, 4, th->outline_width > 0 ? th->primary : ui_rgb(0x3A50A3));
    ui_frect_t post = {px_ + pw * 0.1f, rc.y + rc.h * 0.05f, pw * 0.08f, belt_y - rc.y};
    ui_fill_rounded(ui->r, post, 2, metal);
    post.x = px_ + pw * 0.82f;
    ui_fill_rounded(ui->r, post, 2, metal);
    float local = fmodf(phase * 4.0f, 1.0f);
    float down = local > 0.45f && local < 0.65f ? sinf((local - 0.45f) / 0.2f * (float)M_PI) : 0;
    ui_frect_t ram = {px_ + pw * 0.3f, head.y + head.h, pw * 0.4f,
                      rc.h * 0.08f + down * rc.h * 0.22f};
    ui_fill_rounded(ui->r, ram, 2, ui_rgb(0xC3CCEE));
    /* pallets */
    for (int i = 0; i < 4; i++) {
        float t = fmodf(phase + (float)i / 4.0f, 1.0f);
        float x = rc.x - rc.w * 0.12f + t * rc.w * 1.1f;
        if (x < rc.x - 2 || x > rc.x + rc.w - rc.w * 0.12f)
            continue;
        ui_frect_t pal = {x, belt_y - rc.h * 0.05f, rc.w * 0.12f, rc.h * 0.05f};
        ui_fill_rounded(ui->r, pal, 2, metal);
        ui_colour_t blank = ui_rgb(colours[i % 5]);
        bool bent = x + pal.w / 2 > px_ + pw / 2; /* after the press: bent shape */
        if (bent) {
            ui_frect_t base = {x + pal.w * 0.1f, pal.y - rc.h * 0.04f, pal.w * 0.8f, rc.h * 0.04f};
            ui_frect_t back = {x + pal.w * 0.6f, pal.y - rc.h * 0.16f, pal.w * 0.2f, rc.h * 0.16f};
            ui_fill_rounded(ui->r, base, 2, blank);
            ui_fill_rounded(ui->r, back, 2, blank);
        } else {
            ui_frect_t flat = {x + pal.w * 0.1f, pal.y - rc.h * 0.04f, pal.w * 0.8f, rc.h * 0.04f};
            ui_fill_rounded(ui->r, flat, 2, blank);
        }
    }
}

static void draw_progress(ui_t *ui, const view_widget_t *w)
{
    ui_frect_t rc = to_px(ui, w->rect);
    ui_fill_rounded(ui->r, rc, rc.h / 2, ui->th->surface);
    float v = w->value < 0 ? 0 : (w->value > 1 ? 1 : w->value);
    ui_frect_t f = {rc.x, rc.y, rc.w * v, rc.h};
    ui_fill_rounded(ui->r, f, rc.h / 2, ui->th->primary);
}

static void draw_image(ui_t *ui, const view_widget_t *w)
{
    ui_frect_t rc = to_px(ui, w->rect);
    render_image_t *img = w->path[0] ? image_get(ui, w->path) : NULL;
    if (!img || !img->tex) {
        ui_fill_rounded(ui->r, rc, ui->th->radius * ui->px, ui->th->surface);
        return;
    }
    float s = fminf(rc.w / (float)img->w, rc.h / (float)img->h);
    SDL_FRect d = {rc.x + (rc.w - (float)img->w * s) / 2, rc.y + (rc.h - (float)img->h * s) / 2,
                   (float)img->w * s, (float)img->h * s};
    SDL_RenderCopyF(ui->r, img->tex, NULL, &d);
}

void ui_render(ui_t *ui, const view_t *v, int out_w, int out_h, float offset_x, ui_layer_t layers)
{
    ui->px = ui_units_scale(out_w, out_h);
    ui->off_x = offset_x;
    ui->th = ui_theme_get(v->high_contrast);
    ui->text_scale = v->text_scale > 0 ? v->text_scale : 1.0f;

    if (layers & UI_LAYER_STATIC) {
        ui_frect_t all = {offset_x, 0, (float)out_w, (float)out_h};
        ui_fill_gradient(ui->r, all, ui->th->ground_top, ui->th->ground_bottom);
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
            ui_fill_rounded(ui->r, to_px(ui, w->rect), ui->th->radius * ui->px,
                            w->accent ? ui_rgb(w->accent) : ui->th->surface);
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
                             font_px(ui, w->rect.h * 0.8f), UI_WEIGHT_SYMBOL, ui->th->text,
                             UI_TEXT_CENTER);
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
                ui_fill_rounded(ui->r, to_px(ui, w->rect), 0, ui_rgb(0x000000));
            }
            break;
        case VIEW_CONVEYOR:
            draw_conveyor(ui, w);
            break;
        case VIEW_STROKES:
            ui_draw_strokes(ui->r, ui->th, w, to_px(ui, w->rect), ui->px);
            break;
        case VIEW_LINE_MAP:
            ui_draw_line_map(ui->r, ui->th, w, to_px(ui, w->rect), ui->px);
            break;
        }
    }
}
