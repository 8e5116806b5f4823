/*
 * cmd_content.c - `minifab content`: tools for the content pack.
 *
 *   minifab content check [--strict] [DIR]   validate a pack (docs/CONTENT.md)
 *   minifab content trades [DIR]             list trades: id TAB French TAB English
 *
 * DIR defaults to the configured pack (MINIFAB_CONTENT_DIR, else the source
 * tree's content/). `check` prints one "FILE:LINE:COL: message" line per
 * problem on stdout, then a last line "N stations, N trades, N questions",
 * and exits 0 when the pack is valid, 1 when it is not (2 on bad usage).
 * `trades` is read by content/make-sample-media.sh to title the sample clips.
 */
#include "commands.h"

#include "config.h"
#include "content.h"
#include "mf_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void content_usage(FILE *out)
{
    fprintf(out,
            "usage: minifab content check [--strict] [DIR]\n"
            "       minifab content trades [DIR]\n\n"
            "  check    validate the content pack in DIR: every problem is printed as\n"
            "           FILE:LINE:COL: message, then a summary line\n"
            "           'N stations, N trades, N questions'; exit 0 valid, 1 invalid.\n"
            "           Videos and posters under media/generated/ are made by\n"
            "           content/make-sample-media.sh: when missing they are only warnings,\n"
            "           unless --strict is given.\n"
            "  trades   print one line per trade: id<TAB>French name<TAB>English name\n\n"
            "DIR defaults to $MINIFAB_CONTENT_DIR, else %s/content.\n"
            "See docs/CONTENT.md for the pack's layout.\n",
            MINIFAB_SOURCE_DIR);
}

static const char *content_getenv(const char *name)
{
    return getenv(name);
}

/* The pack folder: DIR when given, else the configured default. */
static const char *content_default_dir(config_t *cfg)
{
    yamldoc_errors_t errs;
    yamldoc_errors_init(&errs);
    config_init(cfg);
    config_apply_env(cfg, content_getenv, &errs); /* only content_dir is used here */
    yamldoc_errors_deinit(&errs);
    return cfg->content_dir;
}

static void print_list(FILE *out, const yamldoc_errors_t *list)
{
    for (size_t i = 0; i < list->count; i++)
        fprintf(out, "%s\n", list->items[i]);
}

static int content_check_cmd(const char *dir, unsigned flags)
{
    yamldoc_errors_t errs, warns;
    yamldoc_errors_init(&errs);
    yamldoc_errors_init(&warns);
    content_counts_t counts = {0};
    int rc = content_check(dir, flags, &errs, &warns, &counts);
    print_list(stdout, &warns);
    print_list(stdout, &errs);
    if (errs.count || warns.count)
        printf("%zu error%s, %zu warning%s\n", errs.count, errs.count == 1 ? "" : "s", warns.count,
               warns.count == 1 ? "" : "s");
    printf("%zu stations, %zu trades, %zu questions\n", counts.stations, counts.trades,
           counts.questions);
    yamldoc_errors_deinit(&errs);
    yamldoc_errors_deinit(&warns);
    return rc == MF_OK ? 0 : 1;
}

static int content_trades_cmd(const char *dir)
{
    yamldoc_errors_t errs;
    yamldoc_errors_init(&errs);
    content_pack_t *pack = content_load(dir, &errs);
    if (!pack) {
        print_list(stderr, &errs);
        fprintf(stderr,
                "minifab content trades: the pack is invalid "
                "(run 'minifab content check %s')\n",
                dir);
        yamldoc_errors_deinit(&errs);
        return 1;
    }
    for (size_t i = 0; i < content_trade_count(pack); i++) {
        const content_trade_t *t = content_trade(pack, i);
        printf("%s\t%s\t%s\n", t->id, content_text(pack, "fr", &t->name),
               content_text(pack, "en", &t->name));
    }
    content_destroy(pack);
    yamldoc_errors_deinit(&errs);
    return 0;
}

int cmd_content(int argc, char **argv)
{
    config_t cfg;
    const char *action = NULL;
    const char *dir = NULL;
    unsigned flags = CONTENT_CHECK_MEDIA;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            content_usage(stdout);
            return 0;
        } else if (!strcmp(a, "--strict")) {
            flags |= CONTENT_CHECK_STRICT;
        } else if (!strcmp(a, "--content") && i + 1 < argc) {
            dir = argv[++i];
        } else if (a[0] == '-') {
            fprintf(stderr, "minifab content: unknown option '%s'\n\n", a);
            content_usage(stderr);
            return 2;
        } else if (!action) {
            action = a;
        } else if (!dir) {
            dir = a;
        } else {
            fprintf(stderr, "minifab content: unexpected argument '%s'\n\n", a);
            content_usage(stderr);
            return 2;
        }
    }
    if (!dir)
        dir = content_default_dir(&cfg);
    if (action && !strcmp(action, "check"))
        return content_check_cmd(dir, flags);
    if (action && !strcmp(action, "trades") && !(flags & CONTENT_CHECK_STRICT))
        return content_trades_cmd(dir);
    if (action)
        fprintf(stderr, "minifab content: unknown action '%s'\n\n", action);
    content_usage(stderr);
    return 2;
}
