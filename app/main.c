/*
 * main.c - entry point of build/bin/minifab: picks a subcommand and runs it.
 *
 * Where to start reading:
 *   app/cmd_run.c          options of the kiosk, configuration, then the loop
 *   app/platform/loop.c    the main loop: SDL events -> mf_event_t -> update -> draw
 *   app/core/kiosk.c       kiosk_update(state, event, now): every state change
 *   app/core/view.c        the screens' model: what each screen shows, in units
 *   app/ui/render.c        drawing a view with SDL (the only place pixels are made)
 *   docs/ARCHITECTURE.md   the whole picture
 */
#include "app.h"
#include "commands.h"

#include <stdio.h>
#include <string.h>

static const mf_command_t commands[] = {
    {"run", "the visitor kiosk (default when no subcommand is given)", cmd_run},
    {"play", "preview a job video in the kiosk's player, with captions", cmd_play},
    {"content", "check a content pack, list its trades", cmd_content},
    {"diag", "the technician's view of the devices (ports, line, io, engrave, scan)", cmd_diag},
    {"bench", "benchmarks for docs/BENCHMARKS.md (line, engrave, video, ui)", cmd_bench},
    {"stats", "visitor statistics: summary, export (csv, xlsx, json, pdf), merge", cmd_stats},
    {"staff", "the staff console's PINs (set-pin --role operator|organiser, status)", cmd_staff},
};

static void print_usage(FILE *out)
{
    fprintf(out, "minifab %s - the travelling mini-factory's kiosk\n\n", MINIFAB_VERSION);
    fprintf(out, "usage: minifab [SUBCOMMAND] [OPTIONS]\n\nsubcommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'minifab SUBCOMMAND --help' lists a subcommand's options.\n"
                 "With no subcommand, 'minifab [OPTIONS]' is 'minifab run [OPTIONS]'.\n");
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
                      strcmp(argv[1], "help") == 0)) {
        print_usage(stdout);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], APP_GL_PROBE_ARG) == 0)
        return app_gl_probe_main(); /* hidden: the kiosk asks it (app/platform/app.c) */
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("minifab %s\n", MINIFAB_VERSION);
        return 0;
    }
    if (argc >= 2 && argv[1][0] != '-') {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
            if (strcmp(argv[1], commands[i].name) == 0)
                return commands[i].run(argc - 1, argv + 1);
        }
        fprintf(stderr, "minifab: unknown subcommand '%s'\n\n", argv[1]);
        print_usage(stderr);
        return 2;
    }
    /* No subcommand: the kiosk, with every argument as its option. */
    argv[0] = "run";
    return cmd_run(argc, argv);
}
