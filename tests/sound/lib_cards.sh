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
