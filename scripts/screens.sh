#!/usr/bin/env bash
# scripts/screens.sh - regenerates docs/screens/: every visitor screen of the
# journey (attract, line map, station, trade with its video, quiz, quiz
# result), the opening and closing of a visit (language, who are you,
# perception, still there?, survey, thanks with its QR code) at 1920x1080 and
# 1080x1920 in French, and the line map in English and with bigger text. Runs the real kiosk headless on the simulated line
# (minifab run --sim), with the line started and three orders on it so the
# map shows live states and pieces. The file name carries the size:
# station-1080x1920.png. Look at every picture after a change of a screen.
# Then the staff screens (scripts/screens-staff.sh) into docs/screens/staff/.
#
#   scripts/screens.sh [OUT_DIR]      (default: docs/screens)
#   MINIFAB_BIN=build-rel/bin scripts/screens.sh
#   STAFF_SCREENS=0 scripts/screens.sh   (the visitor's screens only)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out="${1:-$MINIFAB_ROOT/docs/screens}"
bin="${MINIFAB_BIN:-$MINIFAB_ROOT/build/bin}"
if [ ! -x "$bin/minifab" ] || [ ! -x "$bin/minifab-sim" ]; then
    [ -f "$MINIFAB_ROOT/build/CMakeCache.txt" ] || configure RelWithDebInfo
    build minifab minifab-sim
    bin="$MINIFAB_ROOT/build/bin"
fi
sample_media
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The line running at ten times its speed, with three pieces on it.
line_up='sim "speed 8"
sim "plc reset"
wait 1500
sim "plc start"
sim "order red"
sim "order blue"
sim "order yellow"
wait 3000'

# journey SIZE: the French journey, one shot per screen, named NAME-SIZE.
journey() {
    local s="$1"
    cat >"$work/journey-$s.txt" <<SCRIPT
$line_up
shot attract-$s
tap "Touche l’écran pour commencer"
tap "Français"
tap "Passer"
tap "Passer"
wait 800
shot home-$s
tap "La presse plieuse"
wait 300
shot station-$s
tap "tôlier / tôlière"
shot trade-$s
tap "Regarder la vidéo du métier"
wait 2600
shot trade-video-$s
tap "Retour"
tap "Faire le quiz"
shot quiz-$s
tap #answer-0
shot quiz-answer-$s
tap #next
tap #answer-0
tap #next
tap #answer-0
tap #next
expect screen quiz-result
shot quiz-result-$s
SCRIPT
}

# The line map in English, then with bigger text (French).
cat >"$work/home-variants.txt" <<SCRIPT
$line_up
tap "English"
tap "Touch the screen to start"
tap "English"
tap "Skip"
tap "Skip"
wait 800
shot home-en-1920x1080
tap "Settings"
tap "Français"
tap #bigtext
tap "Retour"
wait 800
shot home-bigtext-1920x1080
SCRIPT

# Opening and closing a visit: language, who are you, perception, "still
# there?", then a trade looked at, "I'm done", the survey's three steps and
# thanks with its QR code (issue 11's frame of a visit).
visit_frame() {
    local s="$1"
    cat >"$work/frame-$s.txt" <<SCRIPT
tap "Touche l’écran pour commencer"
shot language-$s
tap "Français"
shot profile-$s
tap "Élève (collège, lycée)"
shot perception-$s
tap "Je ne sais pas"
tap "La presse plieuse"
tap "chaudronnier / chaudronnière"
advance 91000
shot still-there-$s
tap #yes
tap "Retour"
tap "J’ai fini"
shot survey-$s
tap #answer-4
shot survey-faces-$s
tap #face-3
shot survey-reason-$s
tap #reason-0
expect screen thanks
shot thanks-$s
SCRIPT
}

run() {
    say "screens: $1 at $2"
    # a single-choice first question keeps the quiz script simple
    MINIFAB_QUIZ_SEED=11 "$bin/minifab" run --sim --headless --size "$2" \
        --data-dir "$work/data" --log-level warn --script "$work/$1" --shots "$out"
}

for size in 1920x1080 1080x1920; do
    journey "$size"
    run "journey-$size.txt" "$size"
    visit_frame "$size"
    run "frame-$size.txt" "$size"
done
run home-variants.txt 1920x1080
# make your own: colour, keyboard and preview, confirm, tracking live at the
# laser, rejected, delivered, ordering closed (scripts/screens-order.sh)
MINIFAB_BIN="$bin" "$MINIFAB_ROOT/scripts/screens-order.sh" "$out"
say "screens written to $out"
if [ "${STAFF_SCREENS:-1}" != 0 ]; then
    MINIFAB_BIN_DIR="$bin" "$MINIFAB_ROOT/scripts/screens-staff.sh" "${STAFF_OUT:-$out/staff}"
fi
