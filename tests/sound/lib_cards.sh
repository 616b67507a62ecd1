# SPDX-License-Identifier: GPL-2.0
# Shared set-up of the sound tests that run on every card of a guest
# (--sound ac97,es1370,hda): source it after tests/lib.sh.
#
#   cards_plan N        load the fault injector and the sound shadow, set
#                       $drivers (the supported sound drivers) and plan N
#                       tests per driver besides card_shadow's
#   card_shadow DRIVER  DRIVER in shadow mode with its card: sets $card
#                       and $S (its sysfs directory); one TAP line

cards_plan() {
	modprobe nooks_swifi && modprobe shadow_sound || exit 1
	drivers=$(drivers_of_class sound supported)
	tap_plan $(( ($1 + 1) * $(echo $drivers | wc -w) ))
}

card_shadow() {
	S=/sys/kernel/shadow/$1
	shadowctl enable "$1" shadow --force && modprobe "$1" && shadowdrv-sound wait "$1"
	card=$(shadowdrv-sound card "$1")
	tap_ok $([ -n "$card" ] && echo 1 || echo 0) "$1: card ${card:-none} in shadow mode"
}

# xrun_watch: from now on, every ALSA xrun (__snd_pcm_xrun) is recorded
# in the trace buffer with the call chain that declared it
# xrun_report T0: one "# " line per xrun since xrun_watch: its time in
# ms after uptime T0 (seconds, as /proc/uptime prints it) and its caller
xrun_watch() {
	_t=/sys/kernel/tracing
	[ -d $_t/events/kprobes/shadowdrv_xrun ] ||
		echo 'p:shadowdrv_xrun __snd_pcm_xrun' >> $_t/kprobe_events ||
		return 0
	grep -q '^stacktrace' $_t/events/kprobes/shadowdrv_xrun/trigger ||
		echo stacktrace > $_t/events/kprobes/shadowdrv_xrun/trigger
	echo 1 > $_t/events/kprobes/shadowdrv_xrun/enable
	echo > $_t/trace
}

xrun_report() {
	awk -v t0="$1" '
		function flush() { if (line != "") print "# " line; line = "" }
		/shadowdrv_xrun:/ {
			flush()
			for (i = 1; i <= NF; i++)
				if ($i ~ /^[0-9]+\.[0-9]+:$/)
					at = substr($i, 1, length($i) - 1)
			n = 0; line = sprintf("xrun at %+d ms:", (at - t0) * 1000)
			next
		}
		/<stack trace>/ { next }
		/^ *=> (kprobe|0x|__snd_pcm_xrun)/ { next }
		/^ *=> / { if (line != "" && n++ < 6) line = line " " $2; next }
		{ flush() }
		END { flush() }
	' /sys/kernel/tracing/trace
}
