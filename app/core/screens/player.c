/*
 * player.c - screen "player": a job video filling the window above a bar of
 * big controls. The controls' ids (playpause, replay, rewind, forward,
 * captions) are the kiosk's shared video controls (kiosk.c), so a page with
 * the video inside it uses the same ones. With `minifab play` (standalone)
 * it is the only screen and "back" ends the program.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

static void format_time(char *buf, size_t size, int64_t ms)
{
    /* m:ss, minutes capped at 999 (a job video is a few minutes long) */
    int sec = ms <= 0 ? 0 : ms >= 60000000 ? 59999 : (int)(ms / 1000);
    snprintf(buf, size, "%d:%02d", sec / 60 % 1000, sec % 60);
}

/* The video widget's label is the caption showing now, so scripts can
 * expect it. */
static void player_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    const mf_video_status_t *st = &k->video_status;
    float m = 3.0f, bar = kiosk_portrait(k) ? 34.0f : 17.0f;
    float ts = kiosk_text_scale(k);
    view_widget_t *w =
        view_add(v, VIEW_VIDEO, "video", st->caption, view_rect(0, 0, v->w, v->h - bar - 5.0f));
    if (w) {
        snprintf(w->path, sizeof w->path, "%s", k->video.media);
        w->animated = true;
    }
    /* progress and time, clear of the picture (a new frame is drawn alone) */
    float py = v->h - bar - 4.0f;
    /* the position as shown: in KIOSK_VIDEO_STEP_MS steps (see MF_EV_VIDEO),
     * so that the screen is the same whenever it is drawn within a step */
    int64_t shown = st->state == MF_VIDEO_ENDED
                        ? st->duration_ms
                        : st->position_ms / KIOSK_VIDEO_STEP_MS * KIOSK_VIDEO_STEP_MS;
    w = view_add(v, VIEW_PROGRESS, "progress", NULL, view_rect(m, py, v->w - 2 * m - 26.0f, 2.0f));
    if (w) {
        w->value = st->duration_ms > 0 ? (float)shown / (float)st->duration_ms : 0.0f;
        w->animated = true;
    }
    char t1[24], t2[24], times[56];
    format_time(t1, sizeof t1, shown);
    format_time(t2, sizeof t2, st->duration_ms);
    snprintf(times, sizeof times, "%s / %s", t1, t2);
    w = kiosk_add_text(v, times, view_rect(v->w - m - 24.0f, py - 1.0f, 24.0f, 4.0f),
                       VIEW_STYLE_CAPTION, 3.2f);
    if (w)
        w->animated = true;
    if (st->state == MF_VIDEO_FAILED && st->message[0]) {
        w = kiosk_add_text(v, st->message, view_rect(m, py - 12.0f, v->w - 2 * m, 8.0f),
                           VIEW_STYLE_BODY, 4.0f);
        if (w)
            snprintf(w->id, sizeof w->id, "video-message");
    }
    /* controls: back, play/pause, replay, -10 s, +10 s, captions */
    bool pausable =
        (st->state == MF_VIDEO_PLAYING || st->state == MF_VIDEO_LOADING) && k->video.want_play;
    struct {
        const char *id, *key;
        view_icon_t icon;
        view_style_t style;
    } c[6] = {
        {"back", "nav.back", VIEW_ICON_BACK, VIEW_STYLE_GHOST},
        {"playpause", pausable ? "video.pause" : "video.play",
         pausable ? VIEW_ICON_PAUSE : VIEW_ICON_PLAY, VIEW_STYLE_PRIMARY},
        {"replay", "video.replay", VIEW_ICON_NONE, VIEW_STYLE_SECONDARY},
        {"rewind", "video.rewind", VIEW_ICON_NONE, VIEW_STYLE_SECONDARY},
        {"forward", "video.forward", VIEW_ICON_NONE, VIEW_STYLE_SECONDARY},
        {"captions", k->video.captions_on ? "video.captions_on" : "video.captions_off",
         VIEW_ICON_NONE, k->video.captions_on ? VIEW_STYLE_TOGGLE_ON : VIEW_STYLE_SECONDARY},
    };
    int cols = kiosk_portrait(k) ? 3 : 6;
    float gap = 2.0f, bh = kiosk_portrait(k) ? (bar - gap) / 2.0f : bar - 2.0f;
    float bw = (v->w - 2 * m - (float)(cols - 1) * gap) / (float)cols;
    for (int i = 0; i < 6; i++) {
        float x = m + (float)(i % cols) * (bw + gap);
        float y = v->h - bar - 1.0f + (float)(i / cols) * (bh + gap);
        w = kiosk_add_button(v, c[i].id, kiosk_text(k, c[i].key), view_rect(x, y, bw, bh),
                             c[i].style, c[i].icon);
        if (w)
            w->font = 4.2f * ts;
    }
    if (!k->video_status.has_captions) {
        /* nothing to toggle: say so rather than offer a dead button */
        view_widget_t *cap = (view_widget_t *)view_find_id(v, "captions");
        if (cap) {
            snprintf(cap->label, sizeof cap->label, "%s", kiosk_text(k, "video.no_captions"));
            cap->style = VIEW_STYLE_SECONDARY;
        }
    }
}

static bool player_act(kiosk_t *k, const char *id, int64_t now)
{
    if (strcmp(id, "back") == 0 && k->video_standalone) {
        k->quit = true;
        return true;
    }
    return false;
}

const screen_class_t screen_player = {
    .id = "player",
    .layout = player_layout,
    .act = player_act,
    .shows_video = true,
};
