#!/bin/sh
# visitor.two_kiosks: two order desks (two kiosks, each with its own laser)
# on one simulated line order at the same moment; every order is made once.
# One minifab-sim plays the line and the first laser, a second one plays
# only the second laser; both kiosks are the real build/bin/minifab,
# headless, running the same script at the same time.
# usage: two_kiosks.sh MINIFAB MINIFAB_SIM SOURCE_DIR
set -eu
minifab=$1
sim=$2
src=$3
work=$(mktemp -d /tmp/minifab-two-XXXXXX)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

ctl() {
    /usr/bin/python3 - "$work/ctl" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
out = b""
while not (out.endswith(b"ok\n") or b"error" in out):
    chunk = s.recv(65536)
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode())
PY
}

# the line (and laser A), then laser B alone
"$sim" --plc-port 0 --io-pty none --scanner-pty none --engraver-pty "$work/laser-a" \
    --control "$work/ctl" --speed 10 --reject-rate 0 --quiet > "$work/sim-a.out" &
pids="$pids $!"
"$sim" --plc-port 0 --io-pty none --scanner-pty none --engraver-pty "$work/laser-b" \
    --control none --quiet > "$work/sim-b.out" &
pids="$pids $!"
for i in $(seq 50); do
    grep -q '^ready' "$work/sim-a.out" && grep -q '^ready' "$work/sim-b.out" && break
    sleep 0.1
done
plc=$(sed -n 's/^ready plc=\([^ ]*\).*/\1/p' "$work/sim-a.out")
[ -n "$plc" ] || { echo "the simulator did not start" >&2; exit 1; }
ctl "plc reset" > /dev/null
sleep 0.6
ctl "plc start" > /dev/null

for k in a b; do
    colour=$([ "$k" = a ] && echo red || echo blue)
    cat > "$work/$k.txt" <<SCRIPT
tap #start
tap #language-0
tap #skip
tap #skip
await text "La ligne fabrique en ce moment" 5000
tap #order
tap #colour-$colour
type "Kiosque $k"
tap #text-next
tap #confirm
await text "Ta commande n°" 10000
await text "Ton porte-téléphone est prêt" 180000
SCRIPT
done
status_a=0
status_b=0
MINIFAB_DATA_DIR="$work/data-a" "$minifab" run --headless --size 1280x720 --content "$src/content" \
    --plc "tcp://$plc" --engraver "$work/laser-a" --script "$work/a.txt" > "$work/a.log" 2>&1 &
ka=$!
MINIFAB_DATA_DIR="$work/data-b" "$minifab" run --headless --size 1280x720 --content "$src/content" \
    --plc "tcp://$plc" --engraver "$work/laser-b" --script "$work/b.txt" > "$work/b.log" 2>&1 &
kb=$!
wait "$ka" || status_a=$?
wait "$kb" || status_b=$?
st=$(ctl status)
if [ "$status_a" -ne 0 ] || [ "$status_b" -ne 0 ]; then
    echo "--- kiosk a"; cat "$work/a.log"; echo "--- kiosk b"; cat "$work/b.log"
    echo "$st"
    echo "two kiosks: a kiosk's order did not complete (a: $status_a, b: $status_b)" >&2
    exit 1
fi
orders=$(echo "$st" | grep '^plc.orders')
echo "$orders"
echo "$orders" | grep -q 'submitted=2 queued=0 good=2 rejected=0' || {
    echo "two kiosks: expected two orders, each made once" >&2
    exit 1
}
# each kiosk engraved its own order, on its own laser
grep -q "engraving job 1 done" "$work/data-a/minifab.log"
grep -q "engraving job 1 done" "$work/data-b/minifab.log"
echo "two kiosks: two orders at once, each made once and engraved by its own kiosk"
