#!/usr/bin/env bash
# bench-video.sh - the job-video player's figures for docs/BENCHMARKS.md.
#
# Runs, on the same file in the same run: FFmpeg's own single-threaded decode
# (`ffmpeg -threads 1 -i FILE -f null -`, the reference: decoding only), then
# `minifab bench video` (the kiosk's whole path as fast as it can: demux,
# decode, YUV texture upload, draw, headless software renderer), then
# `minifab bench video --realtime` (played at its own speed, audio clock
# master on SDL's dummy audio driver) with 1 decoder thread (the kiosk's) and
# with FFmpeg's automatic threading, then the whole kiosk (`minifab play`) playing it
# in real time beside `ffmpeg -re` (FFmpeg decoding it at the same pace).
#
# usage: scripts/bench-video.sh [FILE]   (default: the generated 1080p30 clip)
#        MINIFAB_BIN=path/to/minifab (default build-rel/bin/minifab)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${MINIFAB_BIN:-$root/build-rel/bin/minifab}"
file="${1:-$root/content/media/generated/bench-1080p30.mp4}"
if [ ! -x "$bin" ]; then
    echo "bench-video: no $bin; build it first:" >&2
    echo "  cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build-rel --target minifab -j2" >&2
    exit 2
fi
if [ ! -f "$file" ] && [ -z "${1:-}" ]; then
    "$root/content/make-sample-media.sh" --bench "$bin"
fi
if [ ! -f "$file" ]; then
    echo "bench-video: no $file" >&2
    exit 2
fi
export SDL_AUDIODRIVER="${SDL_AUDIODRIVER:-dummy}" SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"

echo "file: $file"
ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,profile,width,height,r_frame_rate,bit_rate,nb_frames \
    -of default=nw=1 "$file" | tr '\n' ' '
echo
echo "machine: $(nproc) CPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

frames="$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$file")"
/usr/bin/time -f '%e %U %S' -o /tmp/bench-video-ff.$$ ffmpeg -nostdin -v error -threads 1 -i "$file" -f null -
read -r wall user sys </tmp/bench-video-ff.$$
rm -f /tmp/bench-video-ff.$$
awk -v f="$frames" -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {
    printf "ffmpeg -threads 1 -f null: %d frames in %.0f ms: %.1f fps, %.2f CPU ms/frame (decode only, video + audio)\n",
        f, w * 1000, f / w, (u + s) * 1000 / f }'
"$bin" bench video --threads 1 "$file"
"$bin" bench video --realtime --threads 1 "$file"
"$bin" bench video --realtime --threads 0 "$file"

# The whole kiosk: `minifab play` (player screen with its controls, progress
# and captions, headless 1920x1080, software renderer) playing the file in
# real time, beside FFmpeg decoding it in real time (`-re`, the floor: the
# same decoding work at the same pace) in the same run.
dur_ms="$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$file" | awk '{ printf "%d", $1 * 1000 }')"
script="$(mktemp)"
log="$(mktemp)"
trap 'rm -f "$script" "$log"' EXIT
printf 'wait %d\n' "$((dur_ms - 500))" >"$script"
/usr/bin/time -f '%e %U %S' -o /tmp/bench-video-re.$$ ffmpeg -nostdin -v error -re -threads 1 -i "$file" -f null -
read -r wall user sys </tmp/bench-video-re.$$
awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {
    printf "ffmpeg -re -threads 1 -f null (decoding in real time): %.1f %% of one core\n", (u + s) * 100 / w }'
/usr/bin/time -f '%e %U %S' -o /tmp/bench-video-re.$$ "$bin" play "$file" --headless --size 1920x1080 \
    --script "$script" --log-level info 2>"$log"
read -r wall user sys </tmp/bench-video-re.$$
rm -f /tmp/bench-video-re.$$
awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {
    printf "minifab play, whole kiosk screen 1920x1080: %.1f %% of one core (whole process, start-up included)\n", (u + s) * 100 / w }'
grep -E 'closed|kiosk stopped' "$log" | sed 's/^[^ ]* [A-Z]* *//'
