/*
 * screen.c - the table of the kiosk's screens: one row per kiosk_screen_t,
 * each pointing at the class its own file exports (see screen.h).
 */
#include "screen.h"

#include <string.h>

static const screen_class_t *const screen_table[KIOSK_SCREEN_COUNT] = {
    [KIOSK_SCREEN_ATTRACT] = &screen_attract,
    [KIOSK_SCREEN_HOME] = &screen_home,
    [KIOSK_SCREEN_SETTINGS] = &screen_settings,
    [KIOSK_SCREEN_PROBLEM] = &screen_problem,
    [KIOSK_SCREEN_PLAYER] = &screen_player,
    [KIOSK_SCREEN_STAFF_PIN] = &screen_staff_pin,
    [KIOSK_SCREEN_STAFF_LINE] = &screen_staff_line,
    [KIOSK_SCREEN_STAFF_DEVICES] = &screen_staff_devices,
    [KIOSK_SCREEN_STAFF_GROUP] = &screen_staff_group,
    [KIOSK_SCREEN_STAFF_STATS] = &screen_staff_stats,
    [KIOSK_SCREEN_LANGUAGE] = &screen_language,
    [KIOSK_SCREEN_PROFILE] = &screen_profile,
    [KIOSK_SCREEN_PERCEPTION] = &screen_perception,
    [KIOSK_SCREEN_SURVEY] = &screen_survey,
    [KIOSK_SCREEN_THANKS] = &screen_thanks,
    [KIOSK_SCREEN_STILL_THERE] = &screen_still_there,
    [KIOSK_SCREEN_STATION] = &screen_station,
    [KIOSK_SCREEN_TRADE] = &screen_trade,
    [KIOSK_SCREEN_QUIZ] = &screen_quiz,
    [KIOSK_SCREEN_QUIZ_RESULT] = &screen_quiz_result,
};

const screen_class_t *screen_class(kiosk_screen_t s)
{
    return s >= 0 && s < KIOSK_SCREEN_COUNT ? screen_table[s] : NULL;
}

kiosk_screen_t screen_find(const char *id)
{
    for (int s = 0; s < KIOSK_SCREEN_COUNT; s++)
        if (screen_table[s] && strcmp(screen_table[s]->id, id) == 0)
            return (kiosk_screen_t)s;
    return KIOSK_SCREEN_COUNT;
}
