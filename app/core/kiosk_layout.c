/*
 * kiosk_layout.c - what every screen's layout shares: texts in the visitor's
 * language, orientation, text size, buttons, the top bar and the line's
 * status pill (see kiosk_priv.h). One place, so every screen looks alike.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *kiosk_text(const kiosk_t *k, const char *key)
{
    const char *t = k->opt.text ? k->opt.text(k->opt.text_ctx, k->language, key) : NULL;
    return t ? t : key; /* a missing string shows its key, never crashes */
}

int kiosk_lang_index(const kiosk_t *k)
{
    return strcmp(k->language, "en") == 0 ? 1 : 0;
}

bool kiosk_portrait(const kiosk_t *k)
{
    return k->h > k->w;
}

float kiosk_text_scale(const kiosk_t *k)
{
    return k->big_text ? 1.25f : 1.0f;
}

view_widget_t *kiosk_add_button(view_t *v, const char *id, const char *label, view_rect_t r,
                                view_style_t style, view_icon_t icon)
{
    view_widget_t *w = view_add(v, VIEW_BUTTON, id, label, r);
    if (w) {
        w->style = style;
        w->icon = icon;
    }
    return w;
}

view_widget_t *kiosk_add_text(view_t *v, const char *label, view_rect_t r, view_style_t style,
                              float font)
{
    view_widget_t *w = view_add(v, VIEW_TEXT, NULL, label, r);
    if (w) {
        w->style = style;
        w->font = font;
    }
    return w;
}

float kiosk_layout_top_bar(const kiosk_t *k, view_t *v, const char *title)
{
    float m = 4.0f, bh = KIOSK_BAR_H;
    float ts = kiosk_text_scale(k);
    const screen_class_t *c = screen_class(kiosk_screen(k));
    bool done = k->visit.active && !c->no_done;
    bool settings = strcmp(v->screen, "settings") != 0;
    if (kiosk_portrait(k)) {
        /* Portrait: the title at the top, what a visitor taps in a bar at the
         * bottom (everything to tap lies in the lower two thirds). */
        kiosk_add_text(v, title, view_rect(m, m, v->w - 2 * m, 14.0f), VIEW_STYLE_TITLE, 7.0f * ts);
        int n = 1 + (done ? 1 : 0) + (settings ? 1 : 0);
        float gap = 2.0f, bw = (v->w - 2 * m - (float)(n - 1) * gap) / (float)n;
        float y = v->h - m - bh, x = m;
        kiosk_add_button(v, "back", kiosk_text(k, "nav.back"), view_rect(x, y, bw, bh),
                         VIEW_STYLE_GHOST, VIEW_ICON_BACK);
        x += bw + gap;
        if (done) {
            kiosk_add_button(v, "done", kiosk_text(k, "nav.done"), view_rect(x, y, bw, bh),
                             VIEW_STYLE_SECONDARY, VIEW_ICON_CHECK);
            x += bw + gap;
        }
        if (settings)
            kiosk_add_button(v, "settings", kiosk_text(k, "settings.title"),
                             view_rect(x, y, bw, bh), VIEW_STYLE_GHOST, VIEW_ICON_SETTINGS);
        return m + 14.0f + 2.0f;
    }
    float right = v->w - m;
    if (settings) {
        right -= 26.0f;
        kiosk_add_button(v, "settings", kiosk_text(k, "settings.title"),
                         view_rect(right, m, 26.0f, bh), VIEW_STYLE_GHOST, VIEW_ICON_SETTINGS);
        right -= 3.0f;
    }
    if (done) {
        right -= 30.0f;
        kiosk_add_button(v, "done", kiosk_text(k, "nav.done"), view_rect(right, m, 30.0f, bh),
                         VIEW_STYLE_SECONDARY, VIEW_ICON_CHECK);
        right -= 3.0f;
    }
    kiosk_add_button(v, "back", kiosk_text(k, "nav.back"), view_rect(m, m, 26.0f, bh),
                     VIEW_STYLE_GHOST, VIEW_ICON_BACK);
    kiosk_add_text(v, title, view_rect(m + 30.0f, m, right - m - 30.0f, bh), VIEW_STYLE_TITLE,
                   7.0f * ts);
    return m + bh;
}

float kiosk_content_bottom(const kiosk_t *k, const view_t *v)
{
    return kiosk_portrait(k) ? v->h - kiosk_layout_bottom(k) : v->h - 4.0f;
}

float kiosk_layout_bottom(const kiosk_t *k)
{
    return kiosk_portrait(k) ? 4.0f + KIOSK_BAR_H + 3.0f : 0.0f;
}

float kiosk_reach_top(const kiosk_t *k, const view_t *v)
{
    return kiosk_portrait(k) ? v->h / 3.0f : 0.0f;
}

view_widget_t *kiosk_add_state(const kiosk_t *k, view_t *v, const char *id, const char *label,
                               view_icon_t icon, uint32_t colour, view_rect_t r, float font)
{
    view_widget_t *w = view_add(v, VIEW_TEXT, id, label, r);
    if (w) {
        w->style = VIEW_STYLE_STATUS;
        w->accent = colour;
        w->icon = icon;
        w->font = font;
    }
    return w;
}

/* The line's state in a pill: visitors see at once whether their object can
 * be made now; when the line is down, they are told the rest still works. */
void kiosk_add_line_status(const kiosk_t *k, view_t *v, view_rect_t r)
{
    const char *key;
    uint32_t colour;
    view_icon_t icon;
    if (!k->line.online) {
        key = "line.offline";
        colour = 0x9AA5CE;
        icon = VIEW_ICON_OFFLINE;
    } else if (k->line.estop) {
        key = "line.estop";
        colour = 0xE63946;
        icon = VIEW_ICON_FAULT;
    } else if (k->line.fault) {
        key = "line.fault";
        colour = 0xFF7A1A;
        icon = VIEW_ICON_FAULT;
    } else if (k->line.running) {
        key = "line.running";
        colour = 0x2EC4B6;
        icon = VIEW_ICON_WORKING;
    } else {
        key = "line.stopped";
        colour = 0xFFD23F;
        icon = VIEW_ICON_WAITING;
    }
    view_widget_t *w = view_add(v, VIEW_TEXT, "line-status", kiosk_text(k, key), r);
    if (w) {
        w->style = VIEW_STYLE_STATUS;
        w->accent = colour;
        w->icon = icon;
        w->font = 3.6f * kiosk_text_scale(k);
    }
}

void kiosk_add_language_buttons(const kiosk_t *k, view_t *v, view_rect_t r)
{
    float bw = (r.w - 2.0f) / 2.0f;
    kiosk_add_button(v, "lang-fr", kiosk_text(k, "lang.fr"), view_rect(r.x, r.y, bw, r.h),
                     strcmp(k->language, "fr") ? VIEW_STYLE_SECONDARY : VIEW_STYLE_TOGGLE_ON,
                     VIEW_ICON_NONE);
    kiosk_add_button(
        v, "lang-en", kiosk_text(k, "lang.en"), view_rect(r.x + bw + 2.0f, r.y, bw, r.h),
        strcmp(k->language, "en") ? VIEW_STYLE_SECONDARY : VIEW_STYLE_TOGGLE_ON, VIEW_ICON_NONE);
}

void kiosk_layout_choices(const kiosk_t *k, view_t *v, float top, const char *question,
                          const char *const *labels, const char *const *pictures, int n,
                          const char *prefix, const char *skip_label)
{
    float m = 6.0f, ts = kiosk_text_scale(k);
    float bottom = kiosk_content_bottom(k, v);
    bool port = kiosk_portrait(k);
    /* the question: above the answers; in portrait, in the upper third */
    float qh = port ? v->h / 3.0f - top : 20.0f;
    view_widget_t *q = kiosk_add_text(v, question, view_rect(m, top, v->w - 2 * m, qh),
                                      VIEW_STYLE_TITLE, 6.5f * ts);
    if (q)
        snprintf(q->id, sizeof q->id, "question");
    float y0 = port ? v->h / 3.0f + 2.0f : top + qh + 4.0f;
    float skip_h = skip_label ? KIOSK_BAR_H + 3.0f : 0.0f;
    float avail_h = bottom - y0 - skip_h;
    float gap = 3.0f;
    int cols, rows;
    if (port)
        cols = pictures ? 2 : 1;
    else
        cols = n;
    rows = (n + cols - 1) / cols;
    float cw = (v->w - 2 * m - (float)(cols - 1) * gap) / (float)cols;
    float ch = (avail_h - (float)(rows - 1) * gap) / (float)rows;
    float max_h = pictures ? (port ? cw : 48.0f) : (port ? 17.0f : 30.0f);
    if (ch > max_h)
        ch = max_h;
    for (int i = 0; i < n; i++) {
        char id[VIEW_ID_MAX];
        snprintf(id, sizeof id, "%s-%d", prefix, i);
        float x = m + (float)(i % cols) * (cw + gap);
        float y = y0 + (float)(i / cols) * (ch + gap);
        view_widget_t *b =
            kiosk_add_button(v, id, labels[i], view_rect(x, y, cw, ch),
                             pictures ? VIEW_STYLE_CARD : VIEW_STYLE_SECONDARY, VIEW_ICON_NONE);
        if (!b)
            break;
        b->font = (pictures ? 4.2f : 4.8f) * ts;
        if (pictures)
            b->accent = 0x3949AB; /* a calm frame: the picture speaks */
        if (pictures && pictures[i])
            snprintf(b->path, sizeof b->path, "%s", pictures[i]);
    }
    if (skip_label)
        kiosk_add_button(v, "skip", skip_label,
                         view_rect(v->w - m - 44.0f, bottom - KIOSK_BAR_H, 44.0f, KIOSK_BAR_H),
                         VIEW_STYLE_GHOST, VIEW_ICON_NONE);
}

int kiosk_choice_index(const char *id, const char *prefix, int n)
{
    size_t pl = strlen(prefix);
    if (strncmp(id, prefix, pl) != 0 || id[pl] != '-')
        return -1;
    char *end = NULL;
    long i = strtol(id + pl + 1, &end, 10);
    return end && !*end && end != id + pl + 1 && i >= 0 && i < n ? (int)i : -1;
}

int kiosk_survey_labels(const kiosk_t *k, const content_survey_t *survey, const char **labels)
{
    int n = (int)survey->option_count;
    for (int i = 0; i < n; i++)
        labels[i] = content_text(k->pack, k->language, &survey->options[i]);
    return n;
}
