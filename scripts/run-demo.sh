#!/usr/bin/env bash
# scripts/run-demo.sh - installs what is missing, builds, and starts the kiosk
# in a window on the simulated line (minifab run --sim starts firmware-sim's
# devices as child processes and stops them on exit).
# Options are passed to 'minifab run': --fullscreen for a real kiosk,
# --size 1080x1920 for a portrait screen, --language en...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_packages
# An existing build/ keeps its configuration (run-tests.sh makes a sanitizer build).
if [ ! -f "$MINIFAB_ROOT/build/CMakeCache.txt" ]; then
    configure RelWithDebInfo
fi
build minifab minifab-sim
sample_media

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    say "no display here (DISPLAY is not set), so no window can open."
    say "To see the kiosk anyway:"
    say "  xvfb-run -a $MINIFAB_ROOT/scripts/run-demo.sh          # a virtual display"
    say "  $MINIFAB_ROOT/build/bin/minifab run --headless --script tests/e2e/scripts/tour.txt --shots /tmp/shots"
    say "      (a scripted visit, screenshots in /tmp/shots)"
    exit 3
fi
# After run-tests.sh, build/ is a sanitizer build: the GL driver's and D-Bus's
# own allocations at exit are not the demo's business.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
say "starting the kiosk on the simulated line (close the window or press Ctrl+C to stop)"
exec "$MINIFAB_ROOT/build/bin/minifab" run --sim "$@"
