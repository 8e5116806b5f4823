/*
 * language.c - screen "language": the first step of a visit. French first,
 * English beside it; the question in both languages, since the visitor has
 * not chosen yet. Then "who are you?" (profile.c).
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

static void language_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    float top = kiosk_layout_top_bar(k, v, kiosk_text(k, "app.title"));
    char question[160];
    const char *fr = k->opt.text ? k->opt.text(k->opt.text_ctx, "fr", "visit.language") : NULL;
    const char *en = k->opt.text ? k->opt.text(k->opt.text_ctx, "en", "visit.language") : NULL;
    snprintf(question, sizeof question, "%s\n%s", fr ? fr : "visit.language",
             en ? en : "visit.language");
    const char *labels[] = {kiosk_text(k, "lang.fr"), kiosk_text(k, "lang.en")};
    kiosk_layout_choices(k, v, top + 4.0f, question, labels, NULL, 2, "language", NULL);
}

static bool language_act(kiosk_t *k, const char *id, int64_t now)
{
    int i = kiosk_choice_index(id, "language", 2);
    if (i < 0)
        return false;
    const char *lang = i == 0 ? "fr" : "en";
    snprintf(k->language, sizeof k->language, "%s", lang);
    visit_event_t ev = {.type = VISIT_EV_LANGUAGE};
    snprintf(ev.u.language.lang, sizeof ev.u.language.lang, "%s", lang);
    kiosk_emit(k, &ev, now);
    kiosk_replace(k, KIOSK_SCREEN_PROFILE, NULL, now);
    return true;
}

const screen_class_t screen_language = {
    .id = "language",
    .layout = language_layout,
    .act = language_act,
    .no_done = true,
};
