/*
 * screen.h - what a screen of the kiosk is: one small table of operations.
 *
 * Each screen lives in its own file, app/core/screens/<id>.c, and exports
 * one screen_class_t named screen_<id>. The table in screen.c maps each
 * kiosk_screen_t to its class; a newcomer finds the code of a screen from the
 * id a script expects ("station" -> app/core/screens/station.c) in seconds.
 *
 * What all screens share (the stack, transitions, idle, the pointer, the
 * visit's state, the line's status, the sink) stays in kiosk.c; screens read
 * and change it through kiosk_priv.h. Every operation but layout is optional
 * (NULL): a screen implements what it needs.
 *
 * To add a screen: a KIOSK_SCREEN_* value in kiosk.h, a file in
 * app/core/screens/, its row in screen.c, its line in app/core/CMakeLists.txt.
 */
#ifndef MF_SCREEN_H
#define MF_SCREEN_H

#include "event.h"
#include "kiosk.h"
#include "view.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct screen_class {
    /* The id scripts `expect` and the view carries ("station"). */
    const char *id;
    /* The screen became the top of the stack (pushed, or uncovered by a
     * pop when UNCOVERED). Its argument is kiosk_arg(k). */
    void (*enter)(kiosk_t *k, bool uncovered, int64_t now);
    /* The screen stops being the top (covered by a push when COVERED, or
     * popped / the visit ended). Screens emit their dwell events here. */
    void (*leave)(kiosk_t *k, bool covered, int64_t now);
    /* Describes the screen into V (already cleared; the kiosk adds the
     * pressed state after). Reads the state only. */
    void (*layout)(const kiosk_t *k, view_t *v, int64_t now);
    /* A tap on the widget ID of this screen. Returns true when it acted;
     * false lets the kiosk try the shared ids (back, settings, languages). */
    bool (*act)(kiosk_t *k, const char *id, int64_t now);
    /* An event the kiosk does not handle alone (line, video, key, text,
     * tick). Returns true when what the screen shows changed. */
    bool (*hear)(kiosk_t *k, const mf_event_t *ev, int64_t now);
    /* The next time the screen changes without input (an animation frame,
     * a countdown), or INT64_MAX. At that time the kiosk is given a TICK
     * (hear() says whether the screen changed). */
    int64_t (*deadline)(const kiosk_t *k, int64_t now);
    /* Changes with time alone at every deadline (an animation): every
     * update redraws it. */
    bool animated;
    /* The screen shows the kiosk's video (kiosk_video() returns it). */
    bool shows_video;
    /* The visit's idle timeout does not apply (attract, staff problem). */
    bool no_idle;
    /* Part of opening or closing the visit: no "I'm done" in its bar. */
    bool no_done;
} screen_class_t;

/* The class of screen S (never NULL for a valid S). */
const screen_class_t *screen_class(kiosk_screen_t s);
/* The screen whose id is ID, or KIOSK_SCREEN_COUNT. */
kiosk_screen_t screen_find(const char *id);

/* The classes, one per file in app/core/screens/. */
extern const screen_class_t screen_attract;
extern const screen_class_t screen_home;
extern const screen_class_t screen_settings;
extern const screen_class_t screen_problem;
extern const screen_class_t screen_player;
extern const screen_class_t screen_staff_pin;
extern const screen_class_t screen_staff_line;
extern const screen_class_t screen_staff_devices;
extern const screen_class_t screen_staff_group;
extern const screen_class_t screen_staff_stats;
extern const screen_class_t screen_language;
extern const screen_class_t screen_profile;
extern const screen_class_t screen_perception;
extern const screen_class_t screen_survey;
extern const screen_class_t screen_thanks;
extern const screen_class_t screen_still_there;
extern const screen_class_t screen_station;
extern const screen_class_t screen_trade;
extern const screen_class_t screen_quiz;
extern const screen_class_t screen_quiz_result;

#endif
