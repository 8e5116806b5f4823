/*
 * commands.h - the subcommands of build/bin/minifab.
 *
 * Each subcommand is a function that receives its own argv (argv[0] is the
 * subcommand's name) and returns the process exit status. It must answer
 * --help by listing its options. The table in main.c is the only place a
 * subcommand is registered; list nothing there that does not work.
 */
#ifndef MF_COMMANDS_H
#define MF_COMMANDS_H

typedef int (*mf_command_fn)(int argc, char **argv);

typedef struct {
    const char *name;
    const char *summary;
    mf_command_fn run;
} mf_command_t;

/* minifab run: the visitor kiosk (default subcommand). app/cmd_run.c */
int cmd_run(int argc, char **argv);

/* minifab play FILE: one video in the kiosk's player. app/cmd_run.c */
int cmd_play(int argc, char **argv);

/* minifab content: check a content pack, list its trades. app/cmd_content.c */
int cmd_content(int argc, char **argv);

/* minifab bench: measurements (a table of benchmarks). app/cmd_bench.c */
int cmd_bench(int argc, char **argv);
/* minifab bench video FILE: the job-video player's costs. app/cmd_bench_video.c */
int bench_video(int argc, char **argv);
/* minifab bench ui SCRIPT...: frame times of the kiosk's screens. app/cmd_bench_ui.c */
int bench_ui(int argc, char **argv);

/* minifab bench line|engrave: the drivers' figures. app/cmd_bench_drivers.c */
int bench_drivers_line(int argc, char **argv);
int bench_drivers_engrave(int argc, char **argv);

/* minifab diag: the technician's view of the devices. app/cmd_diag.c */
int cmd_diag(int argc, char **argv);

/* minifab staff: the staff console's PINs. app/cmd_staff.c */
int cmd_staff(int argc, char **argv);
/* minifab stats: the visitor statistics (summary, export, merge). app/cmd_stats.c */
int cmd_stats(int argc, char **argv);

#endif
