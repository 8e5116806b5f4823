#!/usr/bin/env bash
# scripts/screens-order.sh - regenerates the "make your own" pictures of
# docs/screens/: colour (one magazine empty), the keyboard with the live
# preview (letters and accents pages, a refused word), confirm, tracking at
# the laser with the engraving half drawn, a quality reject, delivered, and
# ordering closed (line stopped; a kiosk without engraver), at 1920x1080 and
# 1080x1920. Runs the real kiosk headless on the simulated line
# (minifab run --sim; the laser is the simulated GRBL). The file name
# carries the size: order-text-1080x1920.png. scripts/screens.sh calls it;
# look at every picture after a change of one of these screens.
#
#   scripts/screens-order.sh [OUT_DIR]      (default: docs/screens; screens.sh calls it)
#   MINIFAB_BIN=build-rel/bin scripts/screens-order.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out="${1:-$MINIFAB_ROOT/docs/screens}"
bin="${MINIFAB_BIN:-$MINIFAB_ROOT/build/bin}"
if [ ! -x "$bin/minifab" ] || [ ! -x "$bin/minifab-sim" ]; then
    [ -f "$MINIFAB_ROOT/build/CMakeCache.txt" ] || configure RelWithDebInfo
    build minifab minifab-sim
    bin="$MINIFAB_ROOT/build/bin"
fi
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

opening='tap #start
tap #language-0
tap #skip
tap #skip'

# order SIZE: one visitor's order from the colour to delivery.
order() {
    local s="$1"
    cat >"$work/order-$s.txt" <<SCRIPT
sim "speed 10"
sim "fault magazine green"
sim "plc reset"
wait 600
sim "plc start"
$opening
await text "La ligne fabrique en ce moment" 5000
shot home-order-$s
tap #order
shot order-$s
tap #colour-blue
tap #kb-shift
tap #kb-B
tap #kb-r
tap #kb-a
tap #kb-v
tap #kb-o
tap #kb-space
tap #kb-shift
tap #kb-L
tap #kb-accents
tap #kb-u00e9
tap #kb-letters
tap #kb-a
shot order-text-$s
tap #kb-accents
shot order-text-accents-$s
tap #kb-letters
tap #text-next
shot order-confirm-$s
sim "reject 1"
tap #confirm
await text "Le magasin automatique" 10000
shot tracking-$s
await text "Le contrôle qualité a trouvé un petit défaut" 120000
shot tracking-rejected-$s
await text "Le laser grave ton texte" 60000
wait 5000
shot tracking-laser-$s
await text "Ton porte-téléphone est prêt" 120000
shot tracking-delivered-$s
SCRIPT
    "$bin/minifab" run --headless --sim --size "$s" --script "$work/order-$s.txt" \
        --shots "$out" --data-dir "$work/data" --log-level warn
}

# closed SIZE: ordering while the line is stopped, and a refused word.
closed() {
    local s="$1"
    cat >"$work/closed-$s.txt" <<SCRIPT
$opening
await text "La ligne est en pause" 5000
tap #order
shot order-closed-$s
tap #back
sim "speed 10"
sim "plc reset"
wait 600
sim "plc start"
await text "La ligne fabrique en ce moment" 5000
tap #order
tap #colour-red
type "gros con"
shot order-text-refused-$s
SCRIPT
    "$bin/minifab" run --headless --sim --size "$s" --script "$work/closed-$s.txt" \
        --shots "$out" --data-dir "$work/data" --log-level warn
}

for s in 1920x1080 1080x1920; do
    say "make your own at $s"
    order "$s"
    closed "$s"
done
say "pictures in $out"
