#!/usr/bin/env bash
# scripts/bench-idle-cpu.sh [SECONDS] - how much CPU the kiosk uses when
# nobody touches it. Runs minifab in a real X11 window on Xvfb (the truck's
# kiosk is an X11 session) and reads the process's CPU time from /proc over
# SECONDS (default 20) on: a static screen (home), and the attract screen
# (animated); and the static screen again with the simulated line connected
# (the PLC driver's thread polls every 50 ms; only minifab is measured).
# Prints one line per case.
# Measure a release build, not the sanitizer build of run-tests.sh:
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMINIFAB_SANITIZE=OFF
#   cmake --build build && scripts/bench-idle-cpu.sh
# (MINIFAB_BIN=path/to/minifab picks another binary.)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${MINIFAB_BIN:-$ROOT/build/bin/minifab}"
SECS="${1:-20}"
TMP="$(mktemp -d)"
HZ=$(getconf CLK_TCK)
DISP=":$((90 + RANDOM % 100))"
Xvfb "$DISP" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
XPID=$!
trap 'kill $XPID 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 1

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

measure() { # NAME SCRIPT-TEXT [EXTRA OPTIONS...]
    local name="$1" text="$2"
    shift 2
    printf '%s\n' "$text" > "$TMP/script.txt"
    DISPLAY="$DISP" "$BIN" run --size 1920x1080 --idle-timeout 3600 --script "$TMP/script.txt" \
        --stay --log-level warn --data-dir "$TMP/data" "$@" >/dev/null &
    local pid=$!
    sleep 3 # start-up and the first frames are not idle
    local t0 c0 t1 c1
    c0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
    sleep "$SECS"
    c1=$(cpu_ticks "$pid"); t1=$(date +%s.%N)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    awk -v n="$name" -v c="$((c1 - c0))" -v hz="$HZ" -v t0="$t0" -v t1="$t1" \
        'BEGIN { s = c / hz; printf "%-24s %6.2f %% of one core (%.2f s CPU in %.1f s)\n", n, 100 * s / (t1 - t0), s, t1 - t0 }'
}

echo "minifab idle CPU: 1920x1080 X11 window on Xvfb, $SECS s per screen"
measure "static screen (home)" "tap #start"
measure "static screen, line on" "tap #start" --sim
measure "attract (animated)" "expect screen attract"
