/*
 * text.c - wrapping, fitting and caching of text (see text.h).
 *
 * Fitting: lay the words out greedily at the requested size; if the lines do
 * not fit the box, search (by halves) the largest size of one shared ladder
 * (every pixel up to 17, then steps of about 6 %) that fits, down to a floor
 * of 9 px. A shared ladder means texts that shrink use the same few font
 * sizes, so the font cache does not churn. A word longer than a line is
 * broken between characters. The result is one texture per (text, box,
 * size, weight, colour, align), as wide as its longest line, kept in an LRU
 * cache bounded in count and bytes.
 */
#include "text.h"

#include "mf_error.h"
#include "mf_log.h"

#include <SDL_ttf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A screen uses a dozen to forty (file, size) pairs; bigger text brings as
 * many again. A 2,000-tap random visit through every screen opened 115 and
 * reopened none with 128 slots; 1,149 reopenings with 64, 1,905 with 48
 * (~20 MB less at the end with 48: docs/BENCHMARKS.md). */
#define TEXT_FONT_SLOTS 128
#define TEXT_CACHE_SLOTS 192
#define TEXT_CACHE_BYTES (16u << 20)
#define TEXT_MAX_LINES 24
#define TEXT_MIN_PX 9
#define TEXT_MAX_PX 512

typedef struct {
    TTF_Font *font;
    const char *path; /* ui_theme_font_path(): weights may share a file */
    int size;
    uint64_t used;
} text_font_slot_t;

typedef struct {
    uint64_t hash;
    char *text;
    int box_w, box_h, size_req, weight, align;
    uint32_t colour;
    SDL_Texture *tex;
    int tex_w, tex_h;
    uint64_t used;
} text_cache_slot_t;

struct ui_text {
    SDL_Renderer *renderer;
    text_font_slot_t fonts[TEXT_FONT_SLOTS];
    text_cache_slot_t cache[TEXT_CACHE_SLOTS];
    size_t cache_bytes;
    uint64_t clock;
    int ttf_inited;
    uint64_t font_opens, font_reopens, renders;
    /* (weight, size) pairs ever opened, to count reopens */
    uint8_t opened[UI_WEIGHT_COUNT][TEXT_MAX_PX + 1];
};

ui_text_t *ui_text_create(SDL_Renderer *r)
{
    ui_text_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->renderer = r;
    if (!TTF_WasInit()) {
        if (TTF_Init() != 0) {
            mf_log_error("ui", "cannot start SDL_ttf: %s", TTF_GetError());
            goto fail;
        }
        t->ttf_inited = 1;
    }
    if (!ui_theme_font_path(UI_WEIGHT_REGULAR)) {
        mf_log_error("ui", "no font installed (install fonts-lato or fonts-dejavu-core)");
        goto fail;
    }
    return t;
fail:
    ui_text_destroy(t);
    return NULL;
}

static void cache_drop(ui_text_t *t, text_cache_slot_t *s)
{
    if (s->tex) {
        SDL_DestroyTexture(s->tex);
        t->cache_bytes -= (size_t)s->tex_w * (size_t)s->tex_h * 4u;
    }
    free(s->text);
    memset(s, 0, sizeof *s);
}

void ui_text_flush(ui_text_t *t)
{
    for (int i = 0; i < TEXT_CACHE_SLOTS; i++)
        cache_drop(t, &t->cache[i]);
}

void ui_text_stats(const ui_text_t *t, ui_text_stats_t *out)
{
    memset(out, 0, sizeof *out);
    out->font_opens = t->font_opens;
    out->font_reopens = t->font_reopens;
    out->renders = t->renders;
    out->max_fonts = TEXT_FONT_SLOTS;
    out->max_textures = TEXT_CACHE_SLOTS;
    out->max_bytes = TEXT_CACHE_BYTES;
    out->bytes = t->cache_bytes;
    for (int i = 0; i < TEXT_FONT_SLOTS; i++)
        out->fonts += t->fonts[i].font != NULL;
    for (int i = 0; i < TEXT_CACHE_SLOTS; i++)
        out->textures += t->cache[i].tex != NULL;
}

void ui_text_destroy(ui_text_t *t)
{
    if (!t)
        return;
    ui_text_flush(t);
    for (int i = 0; i < TEXT_FONT_SLOTS; i++) {
        if (t->fonts[i].font)
            TTF_CloseFont(t->fonts[i].font);
    }
    if (t->ttf_inited)
        TTF_Quit();
    free(t);
}

static TTF_Font *font_get(ui_text_t *t, int size, ui_weight_t weight)
{
    const char *path = ui_theme_font_path(weight);
    if (!path)
        return NULL;
    if (size > TEXT_MAX_PX)
        size = TEXT_MAX_PX;
    int lru = 0;
    t->clock++;
    for (int i = 0; i < TEXT_FONT_SLOTS; i++) {
        text_font_slot_t *s = &t->fonts[i];
        if (s->font && s->size == size && strcmp(s->path, path) == 0) {
            s->used = t->clock;
            return s->font;
        }
        if (s->used < t->fonts[lru].used)
            lru = i;
    }
    text_font_slot_t *s = &t->fonts[lru];
    if (s->font)
        TTF_CloseFont(s->font);
    memset(s, 0, sizeof *s);
    s->font = TTF_OpenFont(path, size);
    t->font_opens++;
    if (t->opened[weight][size])
        t->font_reopens++;
    t->opened[weight][size] = 1;
    if (!s->font) {
        mf_log_warn("ui", "cannot open font %s at %d px: %s", path, size, TTF_GetError());
        return NULL;
    }
    TTF_SetFontHinting(s->font, TTF_HINTING_LIGHT);
    s->path = path;
    s->size = size;
    s->used = t->clock;
    return s->font;
}

int ui_text_measure(ui_text_t *t, const char *text, int size_px, ui_weight_t weight, int *w, int *h)
{
    TTF_Font *f = font_get(t, size_px, weight);
    if (!f)
        return MF_ENOENT;
    if (TTF_SizeUTF8(f, text, w, h) != 0)
        return MF_EINVAL;
    return MF_OK;
}

/* Length in bytes of the UTF-8 sequence starting at P (1 for a broken byte). */
static size_t utf8_len(const char *p)
{
    unsigned char c = (unsigned char)*p;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0 && p[1])
        return 2;
    if ((c & 0xF0) == 0xE0 && p[1] && p[2])
        return 3;
    if ((c & 0xF8) == 0xF0 && p[1] && p[2] && p[3])
        return 4;
    return 1;
}

static int width_of(TTF_Font *f, const char *s, size_t n)
{
    char buf[1024];
    int w = 0, h = 0;
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    TTF_SizeUTF8(f, buf, &w, &h);
    return w;
}

typedef struct {
    size_t start, len;
} text_line_t;

/* Greedy word wrap of TEXT into lines no wider than MAXW; explicit '\n'
 * breaks too. Returns the number of lines, or -1 when there are too many. */
static int wrap(TTF_Font *f, const char *text, int maxw, bool allow_break, text_line_t *lines,
                int max_lines)
{
    int n = 0;
    size_t i = 0, len = strlen(text);
    while (i < len) {
        if (n >= max_lines)
            return -1;
        size_t line_start = i, last_fit = i, j = i;
        bool broke = false;
        while (j <= len) {
            if (j == len || text[j] == ' ' || text[j] == '\n') {
                if (width_of(f, text + line_start, j - line_start) <= maxw) {
                    last_fit = j;
                    if (j == len || text[j] == '\n') {
                        broke = true;
                        break;
                    }
                } else {
                    break;
                }
                j++;
            } else {
                j += utf8_len(text + j);
            }
        }
        if (last_fit == line_start && !broke) {
            if (!allow_break)
                return -1; /* a word wider than the box: try a smaller size first */
            /* Even at the smallest size a word is wider than the box: break it. */
            size_t k = line_start;
            while (k < len && text[k] != ' ' && text[k] != '\n') {
                size_t step = utf8_len(text + k);
                if (width_of(f, text + line_start, k + step - line_start) > maxw && k > line_start)
                    break;
                k += step;
            }
            last_fit = k;
        }
        lines[n].start = line_start;
        lines[n].len = last_fit - line_start;
        n++;
        i = last_fit;
        while (i < len && text[i] == ' ')
            i++;
        if (i < len && text[i] == '\n')
            i++;
    }
    return n;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* The shared ladder of sizes a text shrinks through: every pixel up to 17,
 * then steps of about 6 %. Fills LADDER with the sizes below LIMIT
 * (ascending) and returns how many. */
static int ladder_below(int limit, int *ladder, int max)
{
    int n = 0;
    for (int s = TEXT_MIN_PX; s < limit && n < max;) {
        ladder[n++] = s;
        int next = (s * 106 + 50) / 100;
        s = next > s ? next : s + 1;
    }
    return n;
}

/* Lays TEXT out at SIZE; the number of lines when they fit the box, else -1. */
static int try_size(ui_text_t *t, const char *text, int box_w, int box_h, int size,
                    ui_weight_t weight, text_line_t *lines, TTF_Font **font, int *skip)
{
    TTF_Font *f = font_get(t, size, weight);
    if (!f)
        return -2;
    int n = wrap(f, text, box_w, size <= TEXT_MIN_PX, lines, TEXT_MAX_LINES);
    *font = f;
    *skip = TTF_FontLineSkip(f);
    return n >= 0 && n * *skip <= box_h ? n : -1;
}

static SDL_Texture *render_fitted(ui_text_t *t, const char *text, int box_w, int box_h, int size_px,
                                  ui_weight_t weight, ui_colour_t colour, ui_text_align_t align,
                                  int *tw, int *th)
{
    text_line_t lines[TEXT_MAX_LINES];
    TTF_Font *f = NULL;
    int skip = 0;
    int n = try_size(t, text, box_w, box_h, size_px, weight, lines, &f, &skip);
    if (n == -2)
        return NULL;
    if (n < 0) {
        /* the largest ladder size that fits, by halves; the floor if none */
        int ladder[64];
        int m = ladder_below(size_px, ladder, 64);
        int lo = 0, hi = m - 1, best = -1;
        while (lo <= hi) {
            int mid = (lo + hi) / 2;
            if (try_size(t, text, box_w, box_h, ladder[mid], weight, lines, &f, &skip) >= 0) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        int size = best >= 0 ? ladder[best] : TEXT_MIN_PX;
        n = try_size(t, text, box_w, box_h, size, weight, lines, &f, &skip);
        if (n == -2)
            return NULL;
        if (n < 0) /* even the floor overflows: draw it anyway, never clip */
            n = wrap(f, text, box_w, true, lines, TEXT_MAX_LINES);
    }
    if (n <= 0)
        return NULL;
    /* the texture is as wide as the longest line, not the box */
    char buf[1024];
    int widths[TEXT_MAX_LINES], surf_w = 1;
    for (int i = 0; i < n; i++) {
        widths[i] = width_of(f, text + lines[i].start, lines[i].len);
        if (widths[i] > surf_w)
            surf_w = widths[i];
    }
    if (surf_w > box_w)
        surf_w = box_w;
    int surf_h = n * skip;
    SDL_Surface *surf =
        SDL_CreateRGBSurfaceWithFormat(0, surf_w, surf_h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surf)
        return NULL;
    SDL_FillRect(surf, NULL, SDL_MapRGBA(surf->format, colour.r, colour.g, colour.b, 0));
    SDL_Color fg = {colour.r, colour.g, colour.b, 255};
    for (int i = 0; i < n; i++) {
        size_t len = lines[i].len < sizeof buf - 1 ? lines[i].len : sizeof buf - 1;
        memcpy(buf, text + lines[i].start, len);
        buf[len] = '\0';
        if (!len)
            continue;
        SDL_Surface *ls = TTF_RenderUTF8_Blended(f, buf, fg);
        if (!ls)
            continue;
        SDL_Rect dst = {align == UI_TEXT_LEFT ? 0 : (surf_w - ls->w) / 2, i * skip, ls->w, ls->h};
        SDL_SetSurfaceBlendMode(ls, SDL_BLENDMODE_NONE);
        SDL_BlitSurface(ls, NULL, surf, &dst);
        SDL_FreeSurface(ls);
    }
    SDL_Texture *tex = SDL_CreateTextureFromSurface(t->renderer, surf);
    SDL_FreeSurface(surf);
    if (tex) {
        SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
        if (colour.a != 255)
            SDL_SetTextureAlphaMod(tex, colour.a);
    }
    t->renders++;
    *tw = surf_w;
    *th = surf_h;
    return tex;
}

int ui_text_draw(ui_text_t *t, const char *text, SDL_Rect box, int size_px, ui_weight_t weight,
                 ui_colour_t colour, ui_text_align_t align)
{
    if (!text || !*text || box.w <= 0 || box.h <= 0)
        return MF_OK;
    if (size_px < TEXT_MIN_PX)
        size_px = TEXT_MIN_PX;
    uint32_t col = ((uint32_t)colour.r << 24) | ((uint32_t)colour.g << 16) |
                   ((uint32_t)colour.b << 8) | colour.a;
    uint64_t h = hash_str(text);
    text_cache_slot_t *hit = NULL;
    int lru = 0;
    t->clock++;
    for (int i = 0; i < TEXT_CACHE_SLOTS; i++) {
        text_cache_slot_t *s = &t->cache[i];
        if (s->tex && s->hash == h && s->box_w == box.w && s->box_h == box.h &&
            s->size_req == size_px && s->weight == (int)weight && s->colour == col &&
            s->align == (int)align && strcmp(s->text, text) == 0) {
            hit = s;
            break;
        }
        if (s->used < t->cache[lru].used)
            lru = i;
    }
    if (!hit) {
        hit = &t->cache[lru];
        cache_drop(t, hit);
        hit->text = strdup(text);
        if (!hit->text)
            return MF_ENOMEM;
        hit->tex = render_fitted(t, text, box.w, box.h, size_px, weight, colour, align, &hit->tex_w,
                                 &hit->tex_h);
        if (!hit->tex) {
            free(hit->text);
            hit->text = NULL;
            return MF_EIO;
        }
        hit->hash = h;
        hit->box_w = box.w;
        hit->box_h = box.h;
        hit->size_req = size_px;
        hit->weight = (int)weight;
        hit->colour = col;
        hit->align = (int)align;
        hit->used = t->clock;
        t->cache_bytes += (size_t)hit->tex_w * (size_t)hit->tex_h * 4u;
        /* bound the bytes too: the least recently drawn go first */
        while (t->cache_bytes > TEXT_CACHE_BYTES) {
            text_cache_slot_t *old = NULL;
            for (int i = 0; i < TEXT_CACHE_SLOTS; i++) {
                text_cache_slot_t *s = &t->cache[i];
                if (s->tex && s != hit && (!old || s->used < old->used))
                    old = s;
            }
            if (!old)
                break;
            cache_drop(t, old);
        }
    }
    hit->used = t->clock;
    int x = align == UI_TEXT_LEFT ? box.x : box.x + (box.w - hit->tex_w) / 2;
    SDL_Rect dst = {x, box.y + (box.h - hit->tex_h) / 2, hit->tex_w, hit->tex_h};
    SDL_RenderCopy(t->renderer, hit->tex, NULL, &dst);
    return size_px;
}
