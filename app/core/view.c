/*
 * view.c - building, searching and printing a screen's model (view.h).
 */
#include "view.h"

#include <stdio.h>
#include <string.h>

void view_clear(view_t *v, const char *screen, float w, float h)
{
    v->count = 0;
    snprintf(v->screen, sizeof v->screen, "%s", screen);
    v->w = w;
    v->h = h;
    v->transition = 1.0f;
    v->transition_dir = 1;
}

view_widget_t *view_add(view_t *v, view_kind_t kind, const char *id, const char *label,
                        view_rect_t rect)
{
    if (v->count >= VIEW_MAX_WIDGETS)
        return NULL;
    view_widget_t *w = &v->widgets[v->count++];
    memset(w, 0, sizeof *w);
    w->kind = kind;
    w->rect = rect;
    snprintf(w->id, sizeof w->id, "%s", id ? id : "");
    snprintf(w->label, sizeof w->label, "%s", label ? label : "");
    w->interactive = kind == VIEW_BUTTON;
    return w;
}

bool view_rect_contains(view_rect_t r, float x, float y)
{
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

static bool view_rects_overlap(view_rect_t a, view_rect_t b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

bool view_videos_clear(const view_t *v)
{
    bool any = false;
    for (size_t i = 0; i < v->count; i++) {
        const view_widget_t *w = &v->widgets[i];
        if (w->kind != VIEW_VIDEO)
            continue;
        any = true;
        for (size_t j = 0; j < v->count; j++)
            if (j != i && view_rects_overlap(w->rect, v->widgets[j].rect))
                return false;
    }
    return any;
}

const view_widget_t *view_hit(const view_t *v, float x, float y)
{
    for (size_t i = v->count; i-- > 0;) {
        const view_widget_t *w = &v->widgets[i];
        if (w->interactive && view_rect_contains(w->rect, x, y))
            return w;
    }
    return NULL;
}

const view_widget_t *view_find_id(const view_t *v, const char *id)
{
    for (size_t i = 0; i < v->count; i++) {
        if (v->widgets[i].id[0] && strcmp(v->widgets[i].id, id) == 0)
            return &v->widgets[i];
    }
    return NULL;
}

const view_widget_t *view_find_label(const view_t *v, const char *label)
{
    const view_widget_t *any = NULL;
    for (size_t i = 0; i < v->count; i++) {
        const view_widget_t *w = &v->widgets[i];
        if (strcmp(w->label, label) == 0) {
            if (w->interactive)
                return w;
            if (!any)
                any = w;
        }
    }
    return any;
}

bool view_has_text(const view_t *v, const char *text)
{
    if (strcmp(v->screen, text) == 0)
        return false; /* the screen id is not visible text */
    for (size_t i = 0; i < v->count; i++) {
        if (strstr(v->widgets[i].label, text))
            return true;
    }
    return false;
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t view_static_hash(const view_t *v)
{
    uint64_t h = 1469598103934665603ULL;
    h = fnv(h, v->screen, strlen(v->screen));
    h = fnv(h, &v->w, sizeof v->w);
    h = fnv(h, &v->h, sizeof v->h);
    h = fnv(h, &v->high_contrast, sizeof v->high_contrast);
    h = fnv(h, &v->text_scale, sizeof v->text_scale);
    for (size_t i = 0; i < v->count; i++) {
        const view_widget_t *w = &v->widgets[i];
        if (w->animated)
            continue;
        h = fnv(h, &w->kind, sizeof w->kind);
        h = fnv(h, &w->style, sizeof w->style);
        h = fnv(h, w->id, strlen(w->id) + 1);
        h = fnv(h, w->label, strlen(w->label) + 1);
        h = fnv(h, w->path, strlen(w->path) + 1);
        h = fnv(h, &w->rect, sizeof w->rect);
        h = fnv(h, &w->font, sizeof w->font);
        h = fnv(h, &w->align, sizeof w->align);
        h = fnv(h, &w->icon, sizeof w->icon);
        h = fnv(h, &w->accent, sizeof w->accent);
        h = fnv(h, &w->value, sizeof w->value);
        h = fnv(h, &w->pressed, sizeof w->pressed);
    }
    return h;
}

static const char *const kind_names[] = {"panel",    "text",  "button",   "image", "icon",
                                         "progress", "video", "conveyor", "piece"};
_Static_assert(sizeof kind_names / sizeof kind_names[0] == VIEW_PIECE + 1,
               "a name for every widget kind");

void view_dump(const view_t *v, char *buf, size_t size)
{
    size_t n = 0;
    int r = snprintf(buf, size, "screen %s (%.1f x %.1f units)\n", v->screen, v->w, v->h);
    if (r < 0 || (size_t)r >= size)
        return;
    n = (size_t)r;
    for (size_t i = 0; i < v->count && n < size; i++) {
        const view_widget_t *w = &v->widgets[i];
        if (w->kind == VIEW_PANEL && !w->id[0] && !w->label[0])
            continue; /* decoration */
        r = snprintf(buf + n, size - n, "  %-8s #%-22s \"%s\" [%.1f %.1f %.1f %.1f]%s\n",
                     kind_names[w->kind], w->id[0] ? w->id : "-", w->label, w->rect.x, w->rect.y,
                     w->rect.w, w->rect.h, w->interactive ? " tappable" : "");
        if (r < 0)
            return;
        n += (size_t)r;
    }
}

view_rect_t view_rect(float x, float y, float w, float h)
{
    view_rect_t r = {x, y, w, h};
    return r;
}

view_rect_t view_inset(view_rect_t r, float d)
{
    return view_rect(r.x + d, r.y + d, r.w - 2 * d, r.h - 2 * d);
}
