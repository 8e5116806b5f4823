#!/bin/sh
# visitor.privacy: the engraved text lives in memory only. A scripted order
# with a unique text is engraved through the simulated GRBL (debug logging),
# then the data directory, the logs, the run's output and every temporary
# file written meanwhile are searched for the text: it must be nowhere.
# usage: privacy_probe.sh MINIFAB SOURCE_DIR
set -eu
minifab=$1
src=$2
work=$(mktemp -d /tmp/minifab-privacy-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/script" "$work/data" "$work/tmp"
# a text nobody else would write: letters from this run's random number
secret=$(od -An -N6 -tu1 /dev/urandom | awk '{for (i = 1; i <= NF; i++) printf "%c", 65 + $i % 26}')
secret="Zq${secret}"
cat > "$work/script/probe.txt" <<SCRIPT
sim "speed 10"
sim "plc reset"
wait 600
sim "plc start"
tap #start
tap #language-0
tap #skip
tap #skip
await text "La ligne fabrique en ce moment" 5000
tap #order
tap #colour-red
type "$secret"
tap #text-next
tap #confirm
await text "Ton porte-téléphone est prêt" 120000
SCRIPT
touch "$work/started"
status=0
TMPDIR="$work/tmp" MINIFAB_DATA_DIR="$work/data" "$minifab" run --headless --sim \
    --size 1280x720 --log-level debug --content "$src/content" \
    --script "$work/script/probe.txt" > "$work/run.log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
    cat "$work/run.log"
    echo "privacy probe: the scripted order did not complete (status $status)" >&2
    exit 1
fi
grep -q "engraving job [0-9]* done" "$work/data/minifab.log" || {
    echo "privacy probe: no engraving in the log: the text never reached the laser" >&2
    exit 1
}
found=0
for f in "$work/run.log" $(find "$work/data" "$work/tmp" -type f) \
         $(find /tmp -xdev -type f -newer "$work/started" -user "$(id -u)" \
               ! -path "$work/script/*" 2>/dev/null); do
    if grep -q -F "$secret" "$f" 2>/dev/null; then
        echo "privacy probe: the engraved text was written to $f" >&2
        found=1
    fi
done
[ "$found" -eq 0 ] || exit 1
echo "privacy probe: '$secret' engraved, found in no file ($(find "$work/data" -type f | wc -l) data files, log level debug)"
