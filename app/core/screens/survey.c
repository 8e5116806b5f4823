/*
 * survey.c - screen "survey": closing the visit, reached by "I'm done" from
 * any visitor screen or at the end of tracking. Three steps on one screen:
 * the perception question again (after), satisfaction (the faces of
 * content/survey.yaml, big), then one optional reason (ids from the pack,
 * never free text). Then the thanks screen.
 */
#include "kiosk_priv.h"

#include <stdio.h>
#include <string.h>

#define FACES 4 /* content/media/faces/face-1.svg (lowest) .. face-4.svg */

static bool has_reasons(const kiosk_t *k)
{
    return k->pack && content_satisfaction(k->pack)->reason_count > 0;
}

static void survey_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    float top = kiosk_layout_top_bar(k, v, kiosk_text(k, "survey.after"));
    if (!k->pack)
        return;
    const char
        *labels[CONTENT_SCALE_MAX > CONTENT_REASONS_MAX ? CONTENT_SCALE_MAX : CONTENT_REASONS_MAX];
    const char *skip = kiosk_text(k, "nav.skip");
    switch (k->visit.survey_step) {
    case KIOSK_SURVEY_PERCEPTION: {
        const content_survey_t *p = content_perception(k->pack);
        int n = kiosk_survey_labels(k, p, labels);
        kiosk_layout_choices(k, v, top + 4.0f, content_text(k->pack, k->language, &p->prompt),
                             labels, NULL, n, "answer", skip);
        break;
    }
    case KIOSK_SURVEY_SATISFACTION: {
        const content_survey_t *s = content_satisfaction(k->pack);
        int n = kiosk_survey_labels(k, s, labels);
        char paths[CONTENT_SCALE_MAX][VIEW_PATH_MAX];
        const char *pictures[CONTENT_SCALE_MAX];
        for (int i = 0; i < n; i++) {
            /* the faces go from sad to delighted whatever the scale's length */
            int face = n > 1 ? 1 + i * (FACES - 1) / (n - 1) : FACES;
            snprintf(paths[i], sizeof paths[i], "%s/media/faces/face-%d.svg", content_dir(k->pack),
                     face);
            pictures[i] = paths[i];
        }
        kiosk_layout_choices(k, v, top + 4.0f, content_text(k->pack, k->language, &s->prompt),
                             labels, pictures, n, "face", skip);
        break;
    }
    case KIOSK_SURVEY_REASON: {
        const content_survey_t *s = content_satisfaction(k->pack);
        int n = (int)s->reason_count;
        for (int i = 0; i < n; i++)
            labels[i] = content_text(k->pack, k->language, &s->reasons[i]);
        kiosk_layout_choices(k, v, top + 4.0f,
                             content_text(k->pack, k->language, &s->reasons_prompt), labels, NULL,
                             n, "reason", skip);
        break;
    }
    }
}

static void record_satisfaction(kiosk_t *k, const char *reason, int64_t now)
{
    const content_survey_t *s = content_satisfaction(k->pack);
    visit_event_t ev = {.type = VISIT_EV_SATISFACTION};
    snprintf(ev.u.satisfaction.question, sizeof ev.u.satisfaction.question, "%s", s->id);
    ev.u.satisfaction.version = s->version;
    ev.u.satisfaction.value = k->visit.satisfaction;
    snprintf(ev.u.satisfaction.reason, sizeof ev.u.satisfaction.reason, "%s", reason);
    kiosk_emit(k, &ev, now);
}

static bool survey_act(kiosk_t *k, const char *id, int64_t now)
{
    if (!k->pack)
        return false;
    bool skip = strcmp(id, "skip") == 0;
    switch (k->visit.survey_step) {
    case KIOSK_SURVEY_PERCEPTION: {
        const content_survey_t *p = content_perception(k->pack);
        int i = kiosk_choice_index(id, "answer", (int)p->option_count);
        if (i < 0 && !skip)
            return false;
        if (i >= 0) {
            visit_event_t ev = {.type = VISIT_EV_PERCEPTION};
            snprintf(ev.u.perception.question, sizeof ev.u.perception.question, "%s", p->id);
            ev.u.perception.version = p->version;
            ev.u.perception.after = true;
            ev.u.perception.value = i;
            kiosk_emit(k, &ev, now);
        }
        k->visit.survey_step = KIOSK_SURVEY_SATISFACTION;
        break;
    }
    case KIOSK_SURVEY_SATISFACTION: {
        const content_survey_t *s = content_satisfaction(k->pack);
        int i = kiosk_choice_index(id, "face", (int)s->option_count);
        if (i < 0 && !skip)
            return false;
        k->visit.satisfaction = i;
        if (i >= 0 && has_reasons(k)) {
            k->visit.survey_step = KIOSK_SURVEY_REASON;
            break;
        }
        if (i >= 0)
            record_satisfaction(k, "", now);
        kiosk_replace(k, KIOSK_SCREEN_THANKS, NULL, now);
        return true;
    }
    case KIOSK_SURVEY_REASON: {
        const content_survey_t *s = content_satisfaction(k->pack);
        int i = kiosk_choice_index(id, "reason", (int)s->reason_count);
        if (i < 0 && !skip)
            return false;
        record_satisfaction(k, i >= 0 ? s->reason_ids[i] : "", now);
        kiosk_replace(k, KIOSK_SCREEN_THANKS, NULL, now);
        return true;
    }
    }
    /* the next step on the same screen: a slide, as for a new screen */
    k->transition_start = now;
    k->transition_dir = 1;
    return true;
}

/* Back steps back through the survey before leaving it. */
static bool survey_back(kiosk_t *k, const char *id, int64_t now)
{
    if (strcmp(id, "back") != 0 || k->visit.survey_step == KIOSK_SURVEY_PERCEPTION)
        return survey_act(k, id, now);
    k->visit.survey_step--;
    k->transition_start = now;
    k->transition_dir = -1;
    return true;
}

static void survey_enter(kiosk_t *k, bool uncovered, int64_t now)
{
    if (!uncovered)
        k->visit.survey_step = KIOSK_SURVEY_PERCEPTION;
    /* a pack without questions has nothing to ask: straight to thanks */
    if (!k->pack)
        kiosk_replace(k, KIOSK_SCREEN_THANKS, NULL, now);
}

const screen_class_t screen_survey = {
    .id = "survey",
    .enter = survey_enter,
    .layout = survey_layout,
    .act = survey_back,
    .no_done = true,
};
