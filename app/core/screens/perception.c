/*
 * perception.c - screen "perception": the image of industry before the
 * visit (content/survey.yaml's perception question), one tap or "skip". The
 * survey at the end asks it again (survey.c): the difference is what the
 * organisers report. Then the line map.
 */
#include "kiosk_priv.h"

#include <string.h>

static void perception_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    float top = kiosk_layout_top_bar(k, v, kiosk_text(k, "survey.before"));
    if (!k->pack)
        return;
    const content_survey_t *p = content_perception(k->pack);
    const char *labels[CONTENT_SCALE_MAX];
    int n = kiosk_survey_labels(k, p, labels);
    kiosk_layout_choices(k, v, top + 4.0f, content_text(k->pack, k->language, &p->prompt), labels,
                         NULL, n, "answer", kiosk_text(k, "nav.skip"));
}

static bool perception_act(kiosk_t *k, const char *id, int64_t now)
{
    const content_survey_t *p = k->pack ? content_perception(k->pack) : NULL;
    int i = p ? kiosk_choice_index(id, "answer", (int)p->option_count) : -1;
    if (i < 0 && strcmp(id, "skip") != 0)
        return false;
    if (i >= 0) {
        k->visit.perception_before = i;
        visit_event_t ev = {.type = VISIT_EV_PERCEPTION};
        snprintf(ev.u.perception.question, sizeof ev.u.perception.question, "%s", p->id);
        ev.u.perception.version = p->version;
        ev.u.perception.after = false;
        ev.u.perception.value = i;
        kiosk_emit(k, &ev, now);
    }
    kiosk_replace(k, KIOSK_SCREEN_HOME, NULL, now);
    return true;
}

const screen_class_t screen_perception = {
    .id = "perception",
    .layout = perception_layout,
    .act = perception_act,
    .no_done = true,
};
