/*
 * script_run.h - executes a parsed test script (app/core/script.h) against
 * the running kiosk: taps become pointer events at the edge, `advance` moves
 * the kiosk's clock, `shot` saves PNGs, `expect` checks the screen's model.
 */
#ifndef MF_SCRIPT_RUN_H
#define MF_SCRIPT_RUN_H

#include "app_loop.h"
#include "script.h"

/* Runs every command. Failed expects are reported on stderr as
 * "FILE:LINE: ..." followed by what was on screen, and the run goes on.
 * Returns 0 when every expect held, MF_EEXPECT otherwise, or another
 * negative code when a command could not be carried out. */
int script_run(app_t *a, const script_t *s, const char *shots_dir);

#endif
