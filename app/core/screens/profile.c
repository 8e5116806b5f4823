/*
 * profile.c - screen "profile": "who are you?", one optional tap (pupil, job
 * seeker, employee or company, other) or "skip". Recorded as a category,
 * never anything that names a person. Then the perception question.
 */
#include "kiosk_priv.h"

#include <string.h>

/* In the order shown; VISIT_PROFILE_SKIPPED is the skip button. */
static const visit_profile_t profiles[] = {VISIT_PROFILE_PUPIL, VISIT_PROFILE_JOB_SEEKER,
                                           VISIT_PROFILE_EMPLOYEE, VISIT_PROFILE_OTHER};
static const char *const profile_keys[] = {"profile.pupil", "profile.job_seeker",
                                           "profile.employee", "profile.other"};
#define PROFILE_N ((int)(sizeof profiles / sizeof profiles[0]))
_Static_assert(sizeof profile_keys / sizeof profile_keys[0] == PROFILE_N, "one text per profile");

static void profile_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    float top = kiosk_layout_top_bar(k, v, kiosk_text(k, "profile.title"));
    const char *labels[PROFILE_N];
    for (int i = 0; i < PROFILE_N; i++)
        labels[i] = kiosk_text(k, profile_keys[i]);
    kiosk_layout_choices(k, v, top + 4.0f, kiosk_text(k, "profile.question"), labels, NULL,
                         PROFILE_N, "profile", kiosk_text(k, "nav.skip"));
}

/* After the profile: the perception question when the pack has one. */
static void after_profile(kiosk_t *k, int64_t now)
{
    if (k->pack && content_perception(k->pack)->option_count > 0)
        kiosk_replace(k, KIOSK_SCREEN_PERCEPTION, NULL, now);
    else
        kiosk_replace(k, KIOSK_SCREEN_HOME, NULL, now);
}

static bool profile_act(kiosk_t *k, const char *id, int64_t now)
{
    int i = kiosk_choice_index(id, "profile", PROFILE_N);
    if (i < 0 && strcmp(id, "skip") != 0)
        return false;
    k->visit.profile = i < 0 ? VISIT_PROFILE_SKIPPED : profiles[i];
    visit_event_t ev = {.type = VISIT_EV_PROFILE};
    ev.u.profile.profile = k->visit.profile;
    kiosk_emit(k, &ev, now);
    after_profile(k, now);
    return true;
}

const screen_class_t screen_profile = {
    .id = "profile",
    .layout = profile_layout,
    .act = profile_act,
    .no_done = true,
};
