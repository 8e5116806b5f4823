#!/usr/bin/env bash
# bench-video.sh - the job-video player's figures for docs/BENCHMARKS.md.
#
# Runs, on the same file in the same run: FFmpeg's own single-threaded decode
# (`ffmpeg -threads 1 -i FILE -f null -`, the reference: decoding only), then
# `minifab bench video` (the kiosk's whole path as fast as it can: demux,
# decode, YUV texture upload, draw, headless software renderer), then
# `minifab bench video --realtime` (played at its own speed, audio clock
# master on SDL's dummy audio driver) with 1 decoder thread and with the
# kiosk's default (automatic).
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
