#!/usr/bin/env bash
# scripts/bench-memory.sh [SECONDS] - the kiosk's memory in a real X11 window
# (Xvfb 1920x1080: no GPU, so OpenGL there is Mesa's emulation on the CPU).
# For each case, after SECONDS (default 8) reads VmRSS and VmHWM from
# /proc/PID/status and whether the emulated OpenGL stack (libLLVM, swrast /
# llvmpipe, libGLX) is mapped in the kiosk's process (/proc/PID/maps):
#   home, idle               minifab run, one tap to the home screen
#   1080p playback           minifab play of the 1080p benchmark clip
# Measure a release build (MINIFAB_BIN=path/to/minifab picks the binary):
#   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build-rel -j2
#   MINIFAB_BIN=$PWD/build-rel/bin/minifab scripts/bench-memory.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${MINIFAB_BIN:-$ROOT/build/bin/minifab}"
SECS="${1:-8}"
CLIP="${CLIP:-$ROOT/content/media/generated/bench-1080p30.mp4}"
TMP="$(mktemp -d)"
DISP=":$((90 + RANDOM % 100))"
Xvfb "$DISP" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
XPID=$!
trap 'kill $XPID 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 1

measure() { # NAME SUBCOMMAND-AND-OPTIONS...
    local name="$1"
    shift
    DISPLAY="$DISP" SDL_AUDIODRIVER=dummy "$BIN" "$@" --size 1920x1080 --fullscreen \
        --log-level warn --data-dir "$TMP/data" >/dev/null 2>"$TMP/err" &
    local pid=$!
    sleep "$SECS"
    local rss hwm gl
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
    gl=$(grep -cE 'libLLVM|swrast|llvmpipe|libGLX_mesa|dri/' "/proc/$pid/maps" || true)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    printf '%-22s VmRSS %6.1f MB  VmHWM %6.1f MB  emulated OpenGL mapped: %s\n' "$name" \
        "$(echo "$rss / 1024" | bc -l)" "$(echo "$hwm / 1024" | bc -l)" \
        "$([ "$gl" -gt 0 ] && echo "yes ($gl mappings)" || echo no)"
}

printf 'tap #start\n' > "$TMP/home.txt"
echo "minifab memory: 1920x1080 X11 window on Xvfb, read after $SECS s"
measure "home, idle" run --script "$TMP/home.txt" --stay --idle-timeout 3600
if [ -f "$CLIP" ]; then
    measure "1080p playback" play "$CLIP"
else
    echo "(no $CLIP: scripts/bench-video.sh makes it)"
fi
