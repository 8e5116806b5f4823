/*
 * staff_group.c - screen "staff-group": the current stop (town, venue,
 * dates) and the current group (its type, a school class's level, a short
 * name, a headcount). Saved through the platform into the statistics store's
 * context, so every statistic from then on carries them and they survive a
 * restart. Text goes into the field chosen by a tap on it (a physical
 * keyboard types there too).
 */
#include "staff_priv.h"

#include <stdio.h>
#include <string.h>

static char *field_buf(staff_context_t *e, int field)
{
    switch (field) {
    case 0:
        return e->town;
    case 1:
        return e->venue;
    case 2:
        return e->dates;
    default:
        return e->name;
    }
}

static const char *const field_ids[4] = {"staff-field-town", "staff-field-venue",
                                         "staff-field-dates", "staff-field-name"};
static const char *const field_keys[4] = {"staff.group.town", "staff.group.venue",
                                          "staff.group.dates", "staff.group.name"};
static const char *const type_keys[STAFF_GROUP_TYPE_COUNT] = {
    "staff.group.type.none", "staff.group.type.school", "staff.group.type.job_seekers",
    "staff.group.type.company", "staff.group.type.public"};
static const char *const levels[] = {"6e", "5e", "4e", "3e", "2de", "1re", "Tle", "CAP", "BTS"};
#define LEVEL_COUNT ((int)(sizeof levels / sizeof levels[0]))

static void group_enter(kiosk_t *k, bool uncovered, int64_t now)
{
    staff_console_t *c = staff_of(k);
    (void)uncovered;
    (void)now;
    c->context_text[0] = '\0';
    c->field = -1;
    c->edit = c->context;
    staff_request(k, STAFF_REQ_CONTEXT_GET, NULL);
}

/* Starts typing into FIELD: the on-screen keyboard holds its text. */
static void choose_field(staff_console_t *c, int field, const char *lang)
{
    c->field = field;
    keyboard_init(&c->kb, "staff-kb-", field == 0 ? 24 : 30,
                  strcmp(lang, "en") == 0 ? KEYBOARD_QWERTY : KEYBOARD_AZERTY);
    if (field == 2)
        c->kb.page = KEYBOARD_PAGE_DIGITS;
    keyboard_insert(&c->kb, field_buf(&c->edit, field));
}

/* The keyboard's text back into the chosen field. */
static void store_field(staff_console_t *c)
{
    if (c->field >= 0)
        snprintf(field_buf(&c->edit, c->field), STAFF_FIELD_MAX, "%s", keyboard_text(&c->kb));
}

static void group_layout(const kiosk_t *k, view_t *v, int64_t now)
{
    (void)now;
    const staff_console_t *c = staff_of(k);
    const staff_context_t *e = &c->edit;
    bool portrait = kiosk_portrait(k);
    float m = 3.0f, y = staff_layout_bar(k, v, "staff-tab-group");
    float lw = portrait ? 28.0f : 34.0f, fw = v->w - 2 * m - lw - 2.0f;
    float fh = portrait ? 9.0f : 6.5f, gap = 1.0f;
    view_widget_t *w;

    w = kiosk_add_text(v, kiosk_text(k, "staff.group.stop"), view_rect(m, y, v->w - 2 * m, 5.0f),
                       VIEW_STYLE_TITLE, 3.6f);
    if (w)
        w->align = VIEW_ALIGN_LEFT;
    y += 5.5f;
    for (int f = 0; f < 4; f++) {
        if (f == 3) {
            w = kiosk_add_text(v, kiosk_text(k, "staff.group.group"),
                               view_rect(m, y, v->w - 2 * m, 5.0f), VIEW_STYLE_TITLE, 3.6f);
            if (w)
                w->align = VIEW_ALIGN_LEFT;
            y += 5.5f;
        }
        w = kiosk_add_text(v, kiosk_text(k, field_keys[f]), view_rect(m, y, lw, fh),
                           VIEW_STYLE_BODY, 3.2f);
        if (w)
            w->align = VIEW_ALIGN_LEFT;
        char label[STAFF_FIELD_MAX + 8];
        const char *val = field_buf((staff_context_t *)e, f);
        snprintf(label, sizeof label, "%s%s", val, c->field == f ? " _" : "");
        w = kiosk_add_button(v, field_ids[f], label, view_rect(m + lw + 2.0f, y, fw, fh),
                             c->field == f ? VIEW_STYLE_TOGGLE_ON : VIEW_STYLE_SECONDARY,
                             VIEW_ICON_NONE);
        if (w) {
            w->font = 3.4f;
            w->align = VIEW_ALIGN_LEFT;
        }
        y += fh + gap;
    }
    if (c->field >= 0) { /* typing: the keyboard below the fields, and "done" */
        float dw = 30.0f, kh = v->h - y - m;
        view_rect_t kr = view_rect(m, y, v->w - 2 * m - dw - 2.0f, kh);
        view_rect_t dr = view_rect(v->w - m - dw, y, dw, kh);
        if (portrait) { /* "done" above, the keyboard the whole width */
            dr = view_rect(v->w - m - dw, y, dw, 10.0f);
            kr = view_rect(m, y + 12.0f, v->w - 2 * m, kh - 12.0f > 64.0f ? 64.0f : kh - 12.0f);
        }
        static const char *const kb_keys[6] = {"staff.kb.space",   "staff.kb.delete",
                                               "staff.kb.accents", "staff.kb.digits",
                                               "staff.kb.letters", "staff.kb.shift"};
        const char *labels[6];
        for (int i = 0; i < 6; i++)
            labels[i] = kiosk_text(k, kb_keys[i]);
        keyboard_view(&c->kb, v, kr, 0.0f, labels);
        w = kiosk_add_button(v, "staff-kb-done", kiosk_text(k, "staff.kb.done"), dr,
                             VIEW_STYLE_PRIMARY, VIEW_ICON_CHECK);
        if (w)
            w->font = 3.6f;
        staff_layout_estop(k, v);
        return;
    }
    /* type */
    int types = STAFF_GROUP_TYPE_COUNT - 1;
    float tw = (fw - (float)(types - 1) * gap) / (float)types;
    w = kiosk_add_text(v, kiosk_text(k, "staff.group.type"), view_rect(m, y, lw, fh),
                       VIEW_STYLE_BODY, 3.2f);
    if (w)
        w->align = VIEW_ALIGN_LEFT;
    for (int t = 1; t < STAFF_GROUP_TYPE_COUNT; t++) {
        char id[32];
        snprintf(id, sizeof id, "staff-type-%s", staff_group_type_name((staff_group_type_t)t));
        w = kiosk_add_button(v, id, kiosk_text(k, type_keys[t]),
                             view_rect(m + lw + 2.0f + (float)(t - 1) * (tw + gap), y, tw, fh),
                             (int)e->type == t ? VIEW_STYLE_TOGGLE_ON : VIEW_STYLE_SECONDARY,
                             VIEW_ICON_NONE);
        if (w)
            w->font = 3.0f;
    }
    y += fh + gap;
    /* level, for a school class */
    if (e->type == STAFF_GROUP_SCHOOL) {
        w = kiosk_add_text(v, kiosk_text(k, "staff.group.level"), view_rect(m, y, lw, fh),
                           VIEW_STYLE_BODY, 3.2f);
        if (w)
            w->align = VIEW_ALIGN_LEFT;
        float lbw = (fw - (float)(LEVEL_COUNT - 1) * gap) / (float)LEVEL_COUNT;
        for (int i = 0; i < LEVEL_COUNT; i++) {
            char id[24];
            snprintf(id, sizeof id, "staff-level-%s", levels[i]);
            w = kiosk_add_button(
                v, id, levels[i], view_rect(m + lw + 2.0f + (float)i * (lbw + gap), y, lbw, fh),
                strcmp(e->level, levels[i]) == 0 ? VIEW_STYLE_TOGGLE_ON : VIEW_STYLE_SECONDARY,
                VIEW_ICON_NONE);
            if (w)
                w->font = 3.0f;
        }
        y += fh + gap;
    }
    /* headcount */
    w = kiosk_add_text(v, kiosk_text(k, "staff.group.headcount"), view_rect(m, y, lw, fh),
                       VIEW_STYLE_BODY, 3.2f);
    if (w)
        w->align = VIEW_ALIGN_LEFT;
    static const char *const steps[4] = {"-10", "-1", "+1", "+10"};
    float sbw = 14.0f;
    for (int i = 0; i < 4; i++) {
        char id[24];
        snprintf(id, sizeof id, "staff-count%s", steps[i]);
        kiosk_add_button(
            v, id, steps[i],
            view_rect(m + lw + 2.0f + (float)i * (sbw + gap) + (i >= 2 ? 22.0f : 0), y, sbw, fh),
            VIEW_STYLE_SECONDARY, VIEW_ICON_NONE);
    }
    char count[16];
    snprintf(count, sizeof count, "%d", e->headcount);
    w = kiosk_add_text(v, count, view_rect(m + lw + 2.0f + 2 * (sbw + gap), y, 20.0f, fh),
                       VIEW_STYLE_TITLE, 4.5f);
    if (w)
        snprintf(w->id, sizeof w->id, "staff-headcount");
    y += fh + gap;

    /* current, save, outcome */
    char cur[VIEW_LABEL_MAX];
    if (c->context_known && c->context.type != STAFF_GROUP_NONE) {
        char n[16];
        snprintf(n, sizeof n, "%d", c->context.headcount);
        staff_textf(k, cur, sizeof cur, "staff.group.current", "town", c->context.town, "type",
                    kiosk_text(k, type_keys[c->context.type]), "level", c->context.level, "name",
                    c->context.name, "count", n, (const char *)NULL);
    } else {
        snprintf(cur, sizeof cur, "%s", kiosk_text(k, "staff.group.no_current"));
    }
    float sw = 36.0f;
    w = kiosk_add_text(v, cur, view_rect(m, y, v->w - 2 * m - sw - 2.0f, 8.0f), VIEW_STYLE_CAPTION,
                       3.0f);
    if (w) {
        snprintf(w->id, sizeof w->id, "staff-group-current");
        w->align = VIEW_ALIGN_LEFT;
    }
    w = kiosk_add_button(v, "staff-group-save", kiosk_text(k, "staff.group.save"),
                         view_rect(v->w - m - sw, y, sw, 8.0f), VIEW_STYLE_PRIMARY,
                         VIEW_ICON_CHECK);
    if (w)
        w->font = 3.6f;
    y += 8.5f;
    w = kiosk_add_text(v, c->context_text, view_rect(m, y, v->w - 2 * m, 5.0f), VIEW_STYLE_BODY,
                       3.0f);
    if (w) {
        snprintf(w->id, sizeof w->id, "staff-group-outcome");
        w->align = VIEW_ALIGN_LEFT;
    }
    staff_layout_estop(k, v);
}

static bool group_act(kiosk_t *k, const char *id, int64_t now)
{
    staff_console_t *c = staff_of(k);
    staff_context_t *e = &c->edit;
    if (staff_act_bar(k, id, now))
        return true;
    if (!staff_role_can(c->session.role, STAFF_CAN_GROUP))
        return false;
    for (int f = 0; f < 4; f++)
        if (strcmp(id, field_ids[f]) == 0) {
            store_field(c);
            choose_field(c, f, kiosk_language(k));
            return true;
        }
    if (strcmp(id, "staff-kb-done") == 0) {
        store_field(c);
        keyboard_wipe(&c->kb);
        c->field = -1;
        return true;
    }
    if (c->field >= 0) {
        bool changed = false;
        if (keyboard_press(&c->kb, id, &changed)) {
            if (changed)
                store_field(c);
            return true;
        }
    }
    if (strncmp(id, "staff-type-", 11) == 0) {
        for (int t = 1; t < STAFF_GROUP_TYPE_COUNT; t++)
            if (strcmp(id + 11, staff_group_type_name((staff_group_type_t)t)) == 0)
                e->type = (staff_group_type_t)t;
        if (e->type != STAFF_GROUP_SCHOOL)
            e->level[0] = '\0';
        return true;
    }
    if (strncmp(id, "staff-level-", 12) == 0) {
        snprintf(e->level, sizeof e->level, "%s", id + 12);
        return true;
    }
    if (strncmp(id, "staff-count", 11) == 0) {
        int step = 0;
        sscanf(id + 11, "%d", &step);
        e->headcount += step;
        if (e->headcount < 0)
            e->headcount = 0;
        if (e->headcount > 999)
            e->headcount = 999;
        return true;
    }
    if (strcmp(id, "staff-group-save") == 0) {
        store_field(c);
        staff_request_t r = {0};
        r.context = *e;
        c->context_tag = staff_request(k, STAFF_REQ_CONTEXT_SET, &r);
        snprintf(c->context_text, sizeof c->context_text, "%s",
                 kiosk_text(k, "staff.group.saving"));
        return true;
    }
    return false;
}

static bool group_hear(kiosk_t *k, const mf_event_t *ev, int64_t now)
{
    staff_console_t *c = staff_of(k);
    if (staff_hear_idle(k, ev, now))
        return true;
    if (c->field >= 0 && ev->type == MF_EV_TEXT) {
        bool changed = keyboard_insert(&c->kb, ev->text);
        store_field(c);
        return changed;
    }
    if (c->field >= 0 && ev->type == MF_EV_KEY && strcmp(ev->text, "Backspace") == 0) {
        bool changed = keyboard_delete(&c->kb);
        store_field(c);
        return changed;
    }
    if (ev->type == MF_EV_KEY && strcmp(ev->text, "Tab") == 0) {
        store_field(c);
        choose_field(c, (c->field + 1) % 4, kiosk_language(k));
        return true;
    }
    return false;
}

const screen_class_t screen_staff_group = {
    .id = "staff-group",
    .enter = group_enter,
    .layout = group_layout,
    .act = group_act,
    .hear = group_hear,
    .deadline = staff_idle_deadline,
    .no_idle = true,
};
