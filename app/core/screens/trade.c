/*
 * trade.c - screen "trade" (argument: the trade's id): the trade's name, "a
 * day at work", the ways into it (shortest first), the starting salary, and
 * its job video inside the page: the poster first, one tap plays, captions
 * on in the visitor's language, the shared video controls (playpause,
 * captions; kiosk.c) and "fullscreen" for the full-window player one tap
 * away. Leaving records a trade view, and a video play when it played.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

static const content_trade_t *trade_of(const kiosk_t *k)
{
    return k->pack ? content_trade_find(k->pack, kiosk_arg(k)) : NULL;
}

/* The captions in the visitor's language, else French, else none. */
static const char *trade_captions(const kiosk_t *k, const content_trade_t *t)
{
    int li = content_language_index(k->pack, k->language);
    if (li >= 0 && t->captions[li])
        return t->captions[li];
    li = content_language_index(k->pack, "fr");
    return li >= 0 && t->captions[li] ? t->captions[li] : "";
}

static void trade_enter(kiosk_t *k, bool uncovered, int64_t now)
{
    (void)now;
    const content_trade_t *t = trade_of(k);
    if (!t)
        return;
    kiosk_video_t *v = &k->video;
    if (!uncovered || strcmp(v->media, t->video) != 0) {
        memset(v, 0, sizeof *v);
        snprintf(v->media, sizeof v->media, "%s", t->video);
        snprintf(v->poster, sizeof v->poster, "%s", t->poster ? t->poster : "");
        v->want_play = false; /* the poster first: one tap plays */
        v->captions_on = true;
        k->video_standalone = false;
        memset(&k->video_status, 0, sizeof k->video_status);
        k->video_status.state = MF_VIDEO_LOADING;
        snprintf(k->journey.video_trade, sizeof k->journey.video_trade, "%s", t->id);
    }
    /* back from the settings: the captions follow a new language */
    snprintf(v->captions, sizeof v->captions, "%s", trade_captions(k, t));
}

static void trade_leave(kiosk_t *k, bool covered, int64_t now)
{
    if (k->visit.active) {
        visit_event_t ev = {.type = VISIT_EV_TRADE};
        snprintf(ev.u.view.id, sizeof ev.u.view.id, "%s", kiosk_arg(k));
        ev.u.view.dwell_ms = now - kiosk_entered(k);
        kiosk_emit(k, &ev, now);
    }
    if (covered)
        return; /* the full-window player or the settings: the clip goes on */
    if (k->visit.active)
        kiosk_journey_video_done(k, now);
    memset(&k->video, 0, sizeof k->video);
}

static void format_time(char *buf, size_t size, int64_t ms)
{
    int sec = ms <= 0 ? 0 : ms >= 6000000 ? 5999 : (int)(ms / 1000);
    snprintf(buf, size, "%d:%02d", sec / 60, sec % 60);
}

/* The progress bar and the time, just under the picture R (a new frame is
 * drawn alone). */
static void trade_progress(const kiosk_t *k, view_t *v, view_rect_t r)
{
    const mf_video_status_t *st = &k->video_status;
    view_widget_t *w;
    int64_t shown = st->state == MF_VIDEO_ENDED
                        ? st->duration_ms
                        : st->position_ms / KIOSK_VIDEO_STEP_MS * KIOSK_VIDEO_STEP_MS;
    w = view_add(v, VIEW_PROGRESS, "progress", NULL,
                 view_rect(r.x, r.y + r.h + 1.0f, r.w - 24.0f, 2.0f));
    if (w) {
        w->value = st->duration_ms > 0 ? (float)shown / (float)st->duration_ms : 0.0f;
        w->animated = true;
    }
    char t1[16], t2[16], times[40];
    format_time(t1, sizeof t1, shown);
    format_time(t2, sizeof t2, st->duration_ms);
    snprintf(times, sizeof times, "%s / %s", t1, t2);
    w = kiosk_add_text(v, times, view_rect(r.x + r.w - 22.0f, r.y + r.h, 22.0f, 4.0f),
                       VIEW_STYLE_CAPTION, 3.2f);
    if (w)
        w->animated = true;
    if (st->state == MF_VIDEO_FAILED && st->message[0]) {
        w = kiosk_add_text(v, st->message, view_rect(r.x, r.y + r.h - 10.0f, r.w, 9.0f),
                           VIEW_STYLE_BODY, 3.6f);
        if (w)
            snprintf(w->id, sizeof w->id, "video-message");
    }
}

/* The video panel in R and its controls in C (one row). */
static void trade_video(const kiosk_t *k, view_t *v, const content_trade_t *t, view_rect_t r,
                        view_rect_t c)
{
    const mf_video_status_t *st = &k->video_status;
    float ts = kiosk_text_scale(k), gap = 2.0f;
    bool started = k->journey.video_played || k->video.want_play;
    view_widget_t *w;
    if (!t->video[0]) {
        w = view_add(v, VIEW_IMAGE, "video-poster", NULL, r);
        if (w && t->poster)
            snprintf(w->path, sizeof w->path, "%s", t->poster);
        kiosk_add_text(v, kiosk_text(k, "video.unavailable"),
                       view_rect(r.x, r.y + r.h / 2 - 5.0f, r.w, 10.0f), VIEW_STYLE_BODY,
                       4.5f * ts);
        return;
    }
    if (!started) {
        /* the poster, and over it the one big tap that plays */
        w = view_add(v, VIEW_IMAGE, "video-poster", NULL, r);
        if (w)
            snprintf(w->path, sizeof w->path, "%s", k->video.poster);
        float pw = r.w * 0.8f, ph = 12.0f;
        float py = r.y + r.h - ph - 3.0f;
        if (py < kiosk_reach_top(k, v)) /* portrait: within reach */
            py = kiosk_reach_top(k, v);
        w = kiosk_add_button(v, "playpause", kiosk_text(k, "trade.video"),
                             view_rect(r.x + (r.w - pw) / 2, py, pw, ph), VIEW_STYLE_PRIMARY,
                             VIEW_ICON_PLAY);
        if (w)
            w->font = 4.2f * ts;
    } else {
        w = view_add(v, VIEW_VIDEO, "video", st->caption, r);
        if (w) {
            snprintf(w->path, sizeof w->path, "%s", k->video.media);
            w->animated = true;
        }
    }
    if (started) /* nothing played yet: no time to show */
        trade_progress(k, v, r);
    /* the controls: play/pause (the poster's one tap), captions, full window */
    bool pausable =
        (st->state == MF_VIDEO_PLAYING || st->state == MF_VIDEO_LOADING) && k->video.want_play;
    /* the player's controls in one row, by weight: play/pause, -10 s, +10 s,
     * captions, full window (before the first play: the last two, wider) */
    bool caps = k->video.captions[0] != '\0';
    struct {
        const char *id, *key;
        view_style_t style;
        view_icon_t icon;
        float weight;
    } b[5] = {
        {"playpause", pausable ? "video.pause" : "video.play", VIEW_STYLE_PRIMARY,
         pausable ? VIEW_ICON_PAUSE : VIEW_ICON_PLAY, 1.4f},
        {"rewind", "video.back10", VIEW_STYLE_SECONDARY, VIEW_ICON_NONE, 0.85f},
        {"forward", "video.ahead10", VIEW_STYLE_SECONDARY, VIEW_ICON_NONE, 0.85f},
        {"captions",
         !caps                  ? "video.no_captions"
         : k->video.captions_on ? "video.captions_on"
                                : "video.captions_off",
         caps && k->video.captions_on ? VIEW_STYLE_TOGGLE_ON : VIEW_STYLE_SECONDARY, VIEW_ICON_NONE,
         1.25f},
        {"fullscreen", "video.full_window", VIEW_STYLE_SECONDARY, VIEW_ICON_NONE, 0.9f},
    };
    int first = started ? 0 : 3;
    float total = 0.0f;
    for (int i = first; i < 5; i++)
        total += b[i].weight;
    float unit = (c.w - (float)(4 - first) * gap) / total, x = c.x;
    for (int i = first; i < 5; i++) {
        float bw = unit * b[i].weight;
        w = kiosk_add_button(v, b[i].id, kiosk_text(k, b[i].key), view_rect(x, c.y, bw, c.h),
                             b[i].style, b[i].icon);
        if (w)
            w->font = (i == 0 ? 3.6f : i < 3 ? 3.0f : 3.3f) * (ts > 1.0f ? 1.08f : 1.0f);
        x += bw + gap;
    }
}

/* "A day at work", the ways in and the salary, in R. */

/* A heading (KEY's text) over its body TEXT, left-aligned, the body in R
 * (below a heading HH tall) with the id ID. Returns the y after the body. */
static float trade_section(const kiosk_t *k, view_t *v, const char *key, const char *text,
                           const char *id, view_rect_t r, float hh, float font)
{
    kiosk_add_text(v, kiosk_text(k, key), view_rect(r.x, r.y, r.w, hh), VIEW_STYLE_TITLE,
                   4.4f * kiosk_text_scale(k))
        ->align = VIEW_ALIGN_LEFT;
    view_widget_t *w =
        kiosk_add_text(v, text, view_rect(r.x, r.y + hh, r.w, r.h), VIEW_STYLE_BODY, font);
    if (w) {
        w->align = VIEW_ALIGN_LEFT;
        snprintf(w->id, sizeof w->id, "%s", id);
    }
    return r.y + hh + r.h;
}

static void trade_facts(const kiosk_t *k, view_t *v, const content_trade_t *t, view_rect_t r)
{
    const content_pack_t *p = k->pack;
    float ts = kiosk_text_scale(k), hh = 5.5f * ts, sal_h = 6.0f * ts;
    float y = r.y;
    /* the shortest ways first (the pack lists them so): three, or two where
     * room is short (portrait, bigger text) so that the words stay big */
    size_t max_paths = kiosk_portrait(k) || k->big_text ? 2 : 3;
    char paths[VIEW_LABEL_MAX] = "";
    size_t n = 0;
    for (size_t i = 0; i < t->path_count && i < max_paths; i++) {
        int wrote = snprintf(paths + n, sizeof paths - n, "%s• %s", i ? "\n" : "",
                             content_text(p, k->language, &t->paths[i]));
        if (wrote < 0 || (size_t)wrote >= sizeof paths - n)
            break;
        n += (size_t)wrote;
    }
    /* the room of the two texts follows their length */
    const char *day = content_text(p, k->language, &t->day);
    float avail = r.h - 3 * hh - sal_h;
    float share = (float)strlen(day) / (float)(strlen(day) + n + 1);
    share = share < 0.3f ? 0.3f : share > 0.7f ? 0.7f : share;
    float day_h = avail * share, paths_h = avail - day_h;
    y = trade_section(k, v, "trade.day", day, "trade-day", view_rect(r.x, y, r.w, day_h), hh,
                      3.6f * ts);
    y = trade_section(k, v, "trade.paths", paths, "trade-paths", view_rect(r.x, y, r.w, paths_h),
                      hh, 3.4f * ts);
    char lo[16], hi[16], year[16], salary[160];
    snprintf(lo, sizeof lo, "%d", t->salary_min);
    snprintf(hi, sizeof hi, "%d", t->salary_max);
    snprintf(year, sizeof year, "%d", t->salary_year);
    const char *names[] = {"min", "max", "year"};
    const char *values[] = {lo, hi, year};
    content_format(salary, sizeof salary, kiosk_text(k, "trade.salary_range"), names, values, 3);
    trade_section(k, v, "trade.salary", salary, "trade-salary", view_rect(r.x, y, r.w, sal_h), hh,
                  4.0f * ts);
}

static void trade_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    (void)now;
    const content_trade_t *t = trade_of(k);
    float m = 4.0f, gap = 3.0f;
    if (!t) {
        kiosk_layout_top_bar(k, v, kiosk_text(k, "station.missing"));
        return;
    }
    float top = kiosk_layout_top_bar(k, v, content_text(k->pack, k->language, &t->name)) + 2.0f;
    float ch = 12.0f;
    if (kiosk_portrait(k)) {
        float vw = v->w - 2 * m, vh = vw * 9.0f / 16.0f;
        view_rect_t vr = view_rect(m, top, vw, vh);
        float cy = kiosk_reach_top(k, v);
        if (cy < top + vh + 5.0f)
            cy = top + vh + 5.0f;
        trade_video(k, v, t, vr, view_rect(m, cy, vw, ch));
        float fy = cy + ch + gap;
        trade_facts(k, v, t, view_rect(m, fy, vw, v->h - kiosk_layout_bottom(k) - fy - 1.0f));
    } else {
        float fw = v->w * 0.48f;
        float vx = m + fw + gap, vw = v->w - m - vx, vh = vw * 9.0f / 16.0f;
        if (vh > v->h - top - ch - 12.0f) {
            vh = v->h - top - ch - 12.0f;
            vw = vh * 16.0f / 9.0f;
        }
        trade_facts(k, v, t, view_rect(m, top, fw, v->h - top - m));
        view_rect_t vr = view_rect(vx, top, vw, vh);
        trade_video(k, v, t, vr, view_rect(vx, top + vh + 6.0f, vw, ch));
    }
}

static bool trade_act(kiosk_t *k, const char *id, int64_t now)
{
    if (strcmp(id, "fullscreen") == 0) {
        if (!k->video.media[0])
            return true;
        k->journey.video_full_window = true;
        if (!k->journey.video_played)
            k->video.want_play = true;
        kiosk_push(k, KIOSK_SCREEN_PLAYER, NULL, now);
        return true;
    }
    return false;
}

const screen_class_t screen_trade = {
    .id = "trade",
    .enter = trade_enter,
    .leave = trade_leave,
    .layout = trade_layout,
    .act = trade_act,
    .shows_video = true,
};
