/*
 * kiosk_pack.c - the content pack in the kiosk's hands (see kiosk_pack.h).
 */
#include "kiosk_pack.h"

#include "mf_error.h"
#include "mf_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIOSK_PACK_SHOWN_MESSAGES 6

struct kiosk_pack {
    char *dir;
    content_pack_t *pack;    /* NULL while no valid pack was ever loaded */
    content_pack_t *pending; /* reloaded while a visitor was there: used after the visit */
    kiosk_station_t stations[KIOSK_MAX_STATIONS];
    int station_count;
    char problem[VIEW_LABEL_MAX];
};

kiosk_pack_t *kiosk_pack_create(const char *dir)
{
    kiosk_pack_t *kp = calloc(1, sizeof *kp);
    if (!kp)
        return NULL;
    kp->dir = strdup(dir);
    if (!kp->dir) {
        free(kp);
        return NULL;
    }
    return kp;
}

const char *kiosk_pack_dir(const kiosk_pack_t *kp)
{
    return kp->dir;
}

void kiosk_pack_destroy(kiosk_pack_t *kp)
{
    if (!kp)
        return;
    content_destroy(kp->pack);
    content_destroy(kp->pending);
    free(kp->dir);
    free(kp);
}

/* Line stations in line order, then the exhibits. */
static int fill_stations(const content_pack_t *pack, kiosk_station_t *out, int max)
{
    int n = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < content_station_count(pack) && n < max; i++) {
            const content_station_t *st = content_station(pack, i);
            if ((pass == 0) != (st->kind == CONTENT_STATION_LINE))
                continue;
            kiosk_station_t *k = &out[n++];
            memset(k, 0, sizeof *k);
            snprintf(k->id, sizeof k->id, "%s", st->id);
            snprintf(k->title[0], sizeof k->title[0], "%s", content_text(pack, "fr", &st->title));
            snprintf(k->title[1], sizeof k->title[1], "%s", content_text(pack, "en", &st->title));
            snprintf(k->picture, sizeof k->picture, "%s", st->picture ? st->picture : "");
            k->colour = st->colour;
            k->line_number = st->kind == CONTENT_STATION_LINE ? st->plc_station : 0;
        }
    }
    return n;
}

static void keep_problem(kiosk_pack_t *kp, const yamldoc_errors_t *errs)
{
    size_t n = 0, shown = 0;
    kp->problem[0] = '\0';
    for (size_t i = 0; i < errs->count; i++) {
        mf_log_error("content", "%s", errs->items[i]);
        size_t len = strlen(errs->items[i]);
        if (shown < KIOSK_PACK_SHOWN_MESSAGES && n + len + 2 < sizeof kp->problem - 16) {
            n += (size_t)snprintf(kp->problem + n, sizeof kp->problem - n, "%s\n", errs->items[i]);
            shown++;
        }
    }
    if (shown < errs->count)
        snprintf(kp->problem + n, sizeof kp->problem - n, "(+%zu)", errs->count - shown);
    if (!errs->count)
        snprintf(kp->problem, sizeof kp->problem, "%s: %s", kp->dir, mf_strerror(MF_ECONTENT));
}

/* Loads and checks the pack in the folder; NULL (problem kept) when broken. */
static content_pack_t *load_checked(kiosk_pack_t *kp)
{
    yamldoc_errors_t errs, warns;
    yamldoc_errors_init(&errs);
    yamldoc_errors_init(&warns);
    content_pack_t *pack = content_load_checked(kp->dir, CONTENT_CHECK_MEDIA, &errs, &warns);
    for (size_t i = 0; i < warns.count; i++)
        mf_log_debug("content", "%s", warns.items[i]);
    if (!pack)
        keep_problem(kp, &errs);
    yamldoc_errors_deinit(&errs);
    yamldoc_errors_deinit(&warns);
    return pack;
}

/* PACK becomes the pack in use (the old one is freed). */
static void install(kiosk_pack_t *kp, content_pack_t *pack)
{
    content_destroy(kp->pack);
    kp->pack = pack;
    kp->problem[0] = '\0';
    kp->station_count = fill_stations(pack, kp->stations, KIOSK_MAX_STATIONS);
    mf_log_info("content", "pack %s: %zu stations, %zu trades, %zu questions", kp->dir,
                content_station_count(pack), content_trade_count(pack),
                content_question_count(pack));
}

int kiosk_pack_load(kiosk_pack_t *kp)
{
    content_pack_t *pack = load_checked(kp);
    if (!pack)
        return MF_ECONTENT;
    install(kp, pack);
    return MF_OK;
}

bool kiosk_pack_valid(const kiosk_pack_t *kp)
{
    return kp->pack != NULL;
}

const content_pack_t *kiosk_pack_content(const kiosk_pack_t *kp)
{
    return kp->pack;
}

const char *kiosk_pack_problem(const kiosk_pack_t *kp)
{
    return kp->problem;
}

const kiosk_station_t *kiosk_pack_stations(const kiosk_pack_t *kp, int *count)
{
    *count = kp->station_count;
    return kp->stations;
}

const char *kiosk_pack_text(void *ctx, const char *lang, const char *key)
{
    const kiosk_pack_t *kp = ctx;
    return kp->pack ? content_string(kp->pack, lang, key) : key;
}

/* The pending pack replaces the one in use, between two visitors (a
 * kiosk_hook_fn: the kiosk calls it when the visit ends, or at once). */
static void apply_pending(void *ctx, kiosk_t *kiosk, int64_t now)
{
    kiosk_pack_t *kp = ctx;
    if (!kp->pending)
        return;
    bool had_pack = kp->pack != NULL;
    kiosk_set_pack(kiosk, NULL); /* the visitor's quiz pointed into the old pack */
    install(kp, kp->pending);
    kp->pending = NULL;
    kiosk_set_pack(kiosk, kp->pack);
    kiosk_set_text(kiosk, kiosk_pack_text, kp);
    kiosk_set_stations(kiosk, kp->stations, kp->station_count);
    if (!had_pack || kiosk_screen(kiosk) == KIOSK_SCREEN_PROBLEM)
        kiosk_set_problem(kiosk, NULL, now);
}

bool kiosk_pack_pending(const kiosk_pack_t *kp)
{
    return kp->pending != NULL;
}

void kiosk_pack_reload(void *ctx, kiosk_t *kiosk, int64_t now)
{
    kiosk_pack_t *kp = ctx;
    content_pack_t *pack = load_checked(kp);
    if (!pack) {
        if (kp->pack)
            mf_log_warn("content", "the new pack in %s is not valid: the last good one stays",
                        kp->dir);
        else
            kiosk_set_problem(kiosk, kp->problem, now);
        return;
    }
    content_destroy(kp->pending);
    kp->pending = pack;
    /* A visitor in the middle of a visit keeps their screen, their quiz and
     * the pack they started with; the new pack comes with the next visitor
     * (kiosk_after_visit calls at once when nobody is there). */
    if (kiosk_visit_active(kiosk))
        mf_log_info("content", "pack %s reloaded: in use when this visit ends", kp->dir);
    kiosk_after_visit(kiosk, apply_pending, kp, now);
}
