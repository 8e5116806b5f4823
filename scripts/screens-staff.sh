#!/usr/bin/env bash
# scripts/screens-staff.sh [OUT] - pictures of the staff screens, to look at
# after any change to a layout: every staff screen at 1920x1080 and in
# portrait (1080x1920), on a simulated line with a jam at the press and a
# magazine empty (so the line screen shows alarms, each with its
# "acknowledge"), four orders waiting (each with its "cancel"), the console
# in English once, and the emergency stop pressed once (the banner). Writes OUT/<size>/<screen>.png (default OUT: build/screens).
#
# Runs the real kiosk headless (SDL's dummy driver) against minifab-sim
# started here, with PINs set in a scratch data directory:
#   cmake --build build --target minifab minifab-sim && scripts/screens.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${MINIFAB_BIN_DIR:-$ROOT/build/bin}"
OUT="${1:-$ROOT/build/screens}"
TMP="$(mktemp -d)"
SIM_PID=""
cleanup() {
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# The simulated line, with its control socket where this script can reach it.
mkfifo "$TMP/ready"
"$BIN/minifab-sim" --plc-port 0 --io-pty "$TMP/io" --engraver-pty "$TMP/engraver" \
    --scanner-pty "$TMP/scanner" --control "$TMP/ctl" --speed 10 --quiet >"$TMP/ready" &
SIM_PID=$!
read -r READY <"$TMP/ready"
PLC="$(sed -n 's/.*plc=\([^ ]*\).*/\1/p' <<<"$READY")"
ctl() { /usr/bin/python3 - "$TMP/ctl" "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
buf = b""
while b"ok\n" not in buf and b"error" not in buf:
    buf += s.recv(4096)
EOF
}

pins() { # DATA: a fresh data directory with both roles' PINs
    printf '4821\n4821\n' | "$BIN/minifab" staff set-pin --role operator --data-dir "$1" >/dev/null
    printf '135790\n135790\n' | "$BIN/minifab" staff set-pin --role organiser --data-dir "$1" >/dev/null
}

shots() { # SIZE: W H; the corner gesture in window pixels
    local size="$1" w="${1%x*}" h="${1#*x}"
    DATA="$TMP/data-$size"
    pins "$DATA"
    mkdir -p "$OUT/$size"
    cat >"$TMP/script.txt" <<EOF
longpress 12 $((h - 12)) 3100
longpress $((w - 12)) 12 3100
wait 800
shot staff-pin
tap #pin-1
tap #pin-3
tap #pin-5
shot staff-pin-typing
tap #pin-7
tap #pin-9
tap #pin-0
tap #pin-ok
wait 1500
expect screen staff-line
tap #staff-start
wait 1200
shot staff-line
tap #staff-lang
wait 300
shot staff-line-en
tap #staff-lang
tap #staff-tab-devices
wait 1200
shot staff-devices
tap #staff-tab-group
wait 300
tap #staff-field-town
type "Lille"
tap #staff-field-venue
type "Grand Place"
tap #staff-field-dates
type "2026-11-16..2026-11-20"
tap #staff-field-name
type "Collège Jean Moulin 3e B"
shot staff-group-keyboard
tap #staff-kb-done
tap #staff-type-school
tap #staff-level-3e
tap #staff-count+10
tap #staff-count+10
tap #staff-group-save
wait 500
shot staff-group
tap #staff-tab-stats
wait 1500
tap #staff-export-pdf
wait 1500
shot staff-stats
EOF
    "$BIN/minifab" run --headless --size "$size" --plc "$PLC" --io "$TMP/io" --engraver "$TMP/engraver" \
        --scanner "$TMP/scanner" --data-dir "$DATA" \
        --script "$TMP/script.txt" --shots "$OUT/$size" >"$TMP/run.log" 2>&1 ||
        { cat "$TMP/run.log"; exit 1; }
}

ctl "fault jam 3"
ctl "fault magazine 4"
for order in "red" "blue engrave" "green" "yellow engrave"; do ctl "order $order"; done
shots 1920x1080
shots 1080x1920
# the emergency stop's banner over a staff screen
ctl "estop press"
cat >"$TMP/script.txt" <<EOF
longpress 12 1068 3100
longpress 1908 12 3100
wait 800
tap #pin-4
tap #pin-8
tap #pin-2
tap #pin-1
tap #pin-ok
wait 1500
shot staff-line-estop
EOF
"$BIN/minifab" run --headless --size 1920x1080 --plc "$PLC" --io "$TMP/io" --engraver "$TMP/engraver" \
        --scanner "$TMP/scanner" --data-dir "$DATA" \
    --script "$TMP/script.txt" --shots "$OUT/1920x1080" >"$TMP/run.log" 2>&1 ||
    { cat "$TMP/run.log"; exit 1; }
ls "$OUT"/*/*.png
