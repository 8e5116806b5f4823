/*
 * cmd_bench.c - `minifab bench`: measurements of the kiosk's own code paths,
 * printed for docs/BENCHMARKS.md. A small dispatcher: each benchmark is one
 * row of the table below (its function lives beside the module it measures
 * or in its own cmd_bench_*.c) and answers --help itself.
 */
#include "commands.h"

#include <stdio.h>
#include <string.h>

static const mf_command_t bench_commands[] = {
    {"line", "line PLC poll round trips beside mbpoll (against minifab-sim)", bench_drivers_line},
    {"engrave", "one engraving job: character counting vs send-and-wait", bench_drivers_engrave},
    {"video", "a video file through the kiosk's player: as fast as possible, or --realtime",
     bench_video},
    {"ui", "frame times, tap to present, idle CPU and memory of scripted screens", bench_ui},
    {"order", "make your own: key press to preview, live engraving frames, order to the PLC",
     bench_order},
};

static void bench_usage(FILE *out)
{
    fprintf(out, "usage: minifab bench WHAT [OPTIONS]\n\nbenchmarks:\n");
    for (size_t i = 0; i < sizeof bench_commands / sizeof bench_commands[0]; i++)
        fprintf(out, "  %-9s %s\n", bench_commands[i].name, bench_commands[i].summary);
    fprintf(out, "\n'minifab bench WHAT --help' lists its options. Results: docs/BENCHMARKS.md\n");
}

int cmd_bench(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        bench_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof bench_commands / sizeof bench_commands[0]; i++)
        if (strcmp(argv[1], bench_commands[i].name) == 0)
            return bench_commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "minifab bench: unknown benchmark '%s'\n\n", argv[1]);
    bench_usage(stderr);
    return 2;
}
