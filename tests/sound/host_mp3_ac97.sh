#!/bin/bash
# timeout: 180
# mpg123 plays a 4 s, 1 kHz mp3 through AC97 (snd-intel8x0) in the guest;
# QEMU's wav audiodev records what the device played on the host. The
# capture must hold the tone: duration, level and frequency (zero crossings).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$TOP/tools/vm" --sound ac97 --wav "$tmp/out.wav" --timeout 120 \
	--log "$TOP/build/logs/host_mp3_ac97.console.log" -- \
	'mpg123 -q -o alsa -a plughw:0,0 /opt/shadowdrv/media/tone.mp3 2> /tmp/err; rc=$?; grep -v terminal /tmp/err; exit $rc' \
	2> >(grep -v 'Failed to create voice\|playback voices' >&2)

len=$(sox "$tmp/out.wav" -n stat 2>&1 | awk '/^Length/ { print $3 }')
rms=$(sox "$tmp/out.wav" -n stat 2>&1 | awk '/^RMS +amplitude/ { print $3 }')
rate=$(soxi -r "$tmp/out.wav")
freq=$(sox "$tmp/out.wav" -c 1 -t dat - 2>/dev/null | awk -v r="$rate" '
	NR > 2 { s = ($2 > 0); if (n && s != p) z++; p = s; n++ }
	END { printf "%.1f", z / 2 / (n / r) }')
echo "capture: ${len}s at ${rate} Hz, rms $rms, tone ${freq} Hz"
fail=0
awk "BEGIN { exit !($len >= 3.9 && $len <= 4.5) }" || { echo "FAIL: length $len s, want ~4 s"; fail=1; }
awk "BEGIN { exit !($rms > 0.2) }" || { echo "FAIL: level $rms, want a 0.5 amplitude tone"; fail=1; }
awk "BEGIN { exit !($freq > 980 && $freq < 1020) }" || { echo "FAIL: tone $freq Hz, want 1000 Hz"; fail=1; }
exit $fail
