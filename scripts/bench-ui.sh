#!/usr/bin/env bash
# scripts/bench-ui.sh - the kiosk's drawing, memory and idle CPU, in one
# command (docs/BENCHMARKS.md, "Kiosk: frames"):
#   1. minifab bench ui over every scenario in scripts/bench-ui/*.txt,
#      headless, software renderer, 1920x1080: frame times (median, p99),
#      tap to present, CPU over each `wait`; player.txt with the 1080p clip;
#   2. 2,000 random taps: memory as it goes, font opens; 10 changes of the
#      simulated PLC: time until the line map shows them;
#   3. in a real X11 window on Xvfb: memory (scripts/bench-memory.sh) and
#      idle CPU (scripts/bench-idle-cpu.sh), when Xvfb is installed.
# A scenario whose screens do not exist yet (its `expect` fails) is shown as
# such. Measure a release build:
#   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build-rel -j2
#   scripts/bench-ui.sh            (MINIFAB_BIN=path/to/minifab picks another binary)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${MINIFAB_BIN:-$ROOT/build-rel/bin/minifab}"
[ -x "$BIN" ] || BIN="$ROOT/build/bin/minifab"
CLIP="${CLIP:-$ROOT/content/media/generated/bench-1080p30.mp4}"
export SDL_AUDIODRIVER=dummy
cd "$ROOT"
echo "binary: $BIN"
echo "machine: $(nproc) CPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
for s in scripts/bench-ui/*.txt; do
    name=$(basename "$s")
    extra=()
    if [ "$name" = player.txt ]; then
        [ -f "$CLIP" ] || "$ROOT/content/make-sample-media.sh" --bench "$BIN" >/dev/null
        extra=(--video "$CLIP")
    fi
    echo
    if ! "$BIN" bench ui "${extra[@]}" "$s" 2>"/tmp/bench-ui.$$.err"; then
        echo "  ($name did not run to its end:"
        sed 's/^/    /' "/tmp/bench-ui.$$.err" | head -3
        echo "   its figures above cover what ran)"
    fi
done
rm -f "/tmp/bench-ui.$$.err"
echo
"$BIN" bench ui --random 2000 --seed 1
echo
"$BIN" bench ui --plc 10
if command -v Xvfb >/dev/null; then
    echo
    MINIFAB_BIN="$BIN" "$ROOT/scripts/bench-memory.sh" 8
    echo
    MINIFAB_BIN="$BIN" "$ROOT/scripts/bench-idle-cpu.sh" 10 2>/dev/null
fi
