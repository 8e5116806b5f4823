#!/usr/bin/env bash
# make-sample-media.sh - generates the sample job videos of the content pack.
#
# Real job videos cannot ship with the code, so for each trade this makes, with
# the ffmpeg command-line tool, a 24-second clip content/media/generated/<id>.mp4
# (a title card with the trade's French name, motion, a soft tone; H.264 High +
# AAC in MP4 with the index at the front, 1280x720 at 25 fps) and its poster
# content/media/generated/<id>.poster.png. With --bench it also makes one
# 1080p30 clip, bench-1080p30.mp4, for scripts/bench-video.sh (docs/BENCHMARKS.md);
# it is left out otherwise because it takes longer than all the others.
# Captions are not made here: they are written by hand in content/captions/.
#
# Idempotent: files that exist are kept (delete one to remake it). Files are
# written under a temporary name and renamed, so an interrupted run never
# leaves a half-written video behind. Generated media is not committed.
#
# Trades come from `minifab content trades` (id<TAB>French<TAB>English);
# the minifab binary is the first argument, else $MINIFAB_BIN, else
# build/bin/minifab. Without a working binary, the file names of
# content/trades/*.yaml are used, and the id is shown as the title.
#
# usage: content/make-sample-media.sh [--bench] [PATH/TO/minifab]
set -euo pipefail

bench_clip=0
if [ "${1:-}" = "--bench" ]; then
    bench_clip=1
    shift
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/media/generated"
font=/usr/share/fonts/truetype/lato/Lato-Bold.ttf
font_light=/usr/share/fonts/truetype/lato/Lato-Regular.ttf
minifab="${1:-${MINIFAB_BIN:-$here/../build/bin/minifab}}"

if ! command -v ffmpeg >/dev/null; then
    echo "make-sample-media: ffmpeg is missing (Debian package: ffmpeg)" >&2
    exit 1
fi
for f in "$font" "$font_light"; do
    if [ ! -r "$f" ]; then
        echo "make-sample-media: font $f is missing (Debian package: fonts-lato)" >&2
        exit 1
    fi
done
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The list of trades: id<TAB>French name<TAB>English name.
trades="$tmp/trades.tsv"
if [ -x "$minifab" ] && "$minifab" content trades "$here" >"$trades" 2>"$tmp/trades.err" &&
    [ -s "$trades" ]; then
    :
else
    echo "make-sample-media: 'minifab content trades' is not available; using the file" \
        "names of content/trades/*.yaml" >&2
    : >"$trades"
    for y in "$here"/trades/*.yaml; do
        [ -e "$y" ] || continue
        id="$(basename "$y" .yaml)"
        printf '%s\t%s\t%s\n' "$id" "$id" "$id" >>"$trades"
    done
fi

ffq() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }

# make_clip OUT W H FPS SECONDS TITLE SUBTITLE [EXTRA_FILTER [RATE_OPTIONS]]
make_clip() {
    local dst="$1" w="$2" h="$3" fps="$4" secs="$5" title="$6" subtitle="$7"
    local extra="${8:-null}" rate="${9:--crf 23}"
    local part="$dst.part.mp4"
    # Long names ("opérateur / opératrice sur machine à commande numérique")
    # go on two lines at the " / ", and the type shrinks to fit the width.
    local longest
    if [ "${#title}" -gt 28 ] && [[ "$title" == *" / "* ]]; then
        printf '%s\n%s' "${title%% / *} /" "${title#* / }" >"$tmp/title.txt"
    else
        printf '%s' "$title" >"$tmp/title.txt"
    fi
    longest="$(awk '{ if (length($0) > n) n = length($0) } END { print n }' "$tmp/title.txt")"
    printf '%s' "$subtitle" >"$tmp/subtitle.txt"
    local big=$((h / 10)) small=$((h / 24)) bar=$((h / 18))
    local fit=$((w * 16 / 10 / (longest + 1)))
    [ "$fit" -lt "$big" ] && big=$fit
    # Background: a slow colour gradient; a bar sweeps across (motion that shows
    # dropped frames), a running clock top right (shows A/V sync with the beeps:
    # a short beep on every whole second).
    # (The gradient is computed small and scaled up: smooth anyway, and 4x
    # cheaper, which matters when CI makes all the clips on 2 cores.)
    ffq -f lavfi -i "gradients=s=$((w / 8))x$((h / 8)):r=${fps}:d=${secs}:c0=0x0b3c5d:c1=0x328cc1:speed=0.01,scale=${w}:${h}" \
        -f lavfi -i "color=c=0xf2a900:s=$((w / 8))x${bar}:r=${fps}:d=${secs}" \
        -f lavfi -i "sine=frequency=330:sample_rate=48000:duration=${secs}" \
        -f lavfi -i "sine=frequency=880:sample_rate=48000:duration=${secs}" \
        -filter_complex "\
[0:v][1:v]overlay=x='mod(t*${w}/4,${w}+overlay_w)-overlay_w':y=${h}*3/4:shortest=1,\
drawtext=fontfile=${font}:textfile=$tmp/title.txt:fontsize=${big}:fontcolor=white:\
x=(w-tw)/2:y=h/2-th-${small}/2:line_spacing=${small}/2:shadowx=3:shadowy=3:shadowcolor=black@0.5,\
drawtext=fontfile=${font_light}:textfile=$tmp/subtitle.txt:fontsize=${small}:fontcolor=white:\
x=(w-tw)/2:y=h/2+${small},\
drawtext=fontfile=${font}:text='%{pts\:hms}':fontsize=${small}:fontcolor=white@0.8:\
x=w-tw-${small}:y=${small},${extra},format=yuv420p[v];\
[2:a]volume=0.15[hum];[3:a]volume='if(lt(mod(t,1),0.08),0.3,0)':eval=frame[beep];\
[hum][beep]amix=inputs=2:duration=first:normalize=0,aformat=channel_layouts=stereo[a]" \
        -map '[v]' -map '[a]' -c:v libx264 -preset veryfast $rate -profile:v high \
        -g $((fps * 2)) -c:a aac -b:a 128k -ar 48000 -movflags +faststart "$part"
    mv "$part" "$dst"
}

made=0 kept=0
while IFS=$'\t' read -r id fr en; do
    [ -n "$id" ] || continue
    mp4="$out/$id.mp4"
    png="$out/$id.poster.png"
    if [ -s "$mp4" ]; then
        kept=$((kept + 1))
    else
        echo "make-sample-media: $id.mp4 ($fr)"
        make_clip "$mp4" 1280 720 25 24 "$fr" "Vidéo d'exemple · ${en:-$id}"
        made=$((made + 1))
    fi
    if [ ! -s "$png" ]; then
        ffq -ss 2 -i "$mp4" -frames:v 1 -update 1 "$png.part.png"
        mv "$png.part.png" "$png"
    fi
done <"$trades"

bench="$out/bench-1080p30.mp4"
if [ "$bench_clip" = 1 ] && [ ! -s "$bench" ]; then
    echo "make-sample-media: bench-1080p30.mp4 (for minifab bench video)"
    # Film grain (temporal noise) and 8 Mb/s: as hard to decode as real camera
    # footage at a usual 1080p bit rate, not a flat picture that decodes for free.
    make_clip "$bench" 1920 1080 30 20 "Banc d'essai 1080p30" "H.264 High 8 Mb/s + AAC" \
        "noise=alls=12:allf=t" "-b:v 8M -maxrate 10M -bufsize 16M"
    made=$((made + 1))
fi
echo "make-sample-media: $made made, $kept kept, in $out"
