/*
 * content_tool.c - `minifab content` without the rest of the kiosk: a test
 * helper built from app/cmd_content.c and mf_core alone, so the content
 * checks run (in CI too) even when the SDL side of the build is not there.
 * Usage is exactly `minifab content ...` (see app/cmd_content.c).
 */
#include "commands.h"

int main(int argc, char **argv)
{
    return cmd_content(argc, argv);
}
