/*
 * problem.c - screen "problem": staff-facing, in place of the visitor
 * screens while the content pack cannot be used. Both languages at once (the
 * broken pack holds the texts); F5 or SIGHUP reloads (kiosk_pack.c).
 */
#include "kiosk_priv.h"

#include <stdio.h>

static void problem_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    float m = 6.0f;
    kiosk_add_text(v, "Le contenu du kiosque a un problème\nThe kiosk's content has a problem",
                   view_rect(m, 4.0f, v->w - 2 * m, 20.0f), VIEW_STYLE_TITLE, 6.0f)
        ->align = VIEW_ALIGN_LEFT;
    view_widget_t *w = kiosk_add_text(v, k->problem ? k->problem : "",
                                      view_rect(m, 27.0f, v->w - 2 * m, v->h - 27.0f - 22.0f),
                                      VIEW_STYLE_BODY, 3.2f);
    if (w) {
        w->align = VIEW_ALIGN_LEFT;
        snprintf(w->id, sizeof w->id, "problem-messages");
    }
    kiosk_add_text(
        v,
        "Corrigez le dossier de contenu (minifab content check DOSSIER), puis appuyez sur F5.\n"
        "Fix the content folder (minifab content check FOLDER), then press F5.",
        view_rect(m, v->h - 19.0f, v->w - 2 * m, 15.0f), VIEW_STYLE_CAPTION, 3.5f)
        ->align = VIEW_ALIGN_LEFT;
}

const screen_class_t screen_problem = {
    .id = "problem",
    .layout = problem_layout,
    .no_idle = true,
};
