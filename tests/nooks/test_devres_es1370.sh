#!/bin/sh
# vm: --sound es1370
# timeout: 240
# SPDX-License-Identifier: GPL-2.0
#
# Device-managed resources of an isolated driver (issue 11): snd_ens1370
# requests its interrupt with devm_request_threaded_irq() and enables its
# device with pcim_enable_device(). Isolated (no sound class yet: isolate
# shadow yet: isolate mode with nooks_sound.ko, written to sysfs
# directly), those are tracked, the devm interrupt
# handler is a protected call (a fault in it is contained in hardirq
# context and the driver restarted), and after the restart the tracked
# objects are back to their baseline: the unbind freed the old ones and
# nothing of them is left recorded. The AK4531 codec the driver
# allocates and gives its card (snd_device_new) is the card's from then
# on (nooks_sound.ko lets the tracker know): a restart that freed it
# before the unbind freed the card would free it twice.
. /opt/shadowdrv/tests/lib.sh
. /opt/shadowdrv/tests/sound/lib_class.sh	# card, has_card, play
SYS=/sys/kernel/shadow
S=$SYS/snd_ens1370
O=/sys/kernel/debug/shadow/snd_ens1370/objects

tap_plan 12

count() { awk -v t="$1" '$1 == t { print $2 }' $O; }

# isolated from its load: a running driver would be isolated in place,
# its interrupt and device enable adopted as they are (not tracked)
modprobe nooks_sound
rmmod snd_ens1370 2> /dev/null
echo snd_ens1370 > $SYS/add
tap_cmd "isolate snd_ens1370, then load it" \
	sh -c "echo isolate > $S/mode && modprobe snd_ens1370 && [ \"\$(cat $S/state)\" = running ]"
wait_for 5 has_card
tap_ok $([ -n "$(card)" ] && echo 1 || echo 0) "the card is back (card $(card))"
irq=$(count devm_irq) pcim=$(count pcim_enable) card=$(count snd_card_devm)
total=$(sed -n 's/^total //p' $O)
echo "# tracked: devm_irq $irq, pcim_enable $pcim, snd_card_devm $card, total $total"
tap_ok $([ "$irq" = 1 ] && [ "$pcim" = 1 ] && [ "$card" = 1 ] && echo 1 || echo 0) \
	"the devm interrupt, the managed PCI enable and the managed card are tracked"
tap_ok $([ "$(count kmalloc)" = 0 ] && [ "$(cat $S/classes)" = sound ] &&
	echo 1 || echo 0) \
	"the codec given to the card is not tracked as the driver's ($(count kmalloc) kmalloc)"
out=$(play 1 2>&1)
tap_ok $([ $? = 0 ] && echo 1 || echo 0) "isolated snd_ens1370 plays ($out)"

shadowctl inject snd_ens1370 null --function "$(driver_entry snd_ens1370 irq)"
play 2 > /dev/null 2>&1
wait_recovered snd_ens1370 1 && ok=1 || ok=0
tap_ok $ok "a fault in the devm interrupt handler is contained and the driver restarted"
fault=$(cat $S/last_fault)
echo "# last_fault: $fault"
case $fault in
*irq_handler*hardirq*) ok=1 ;;
*) ok=0 ;;
esac
tap_ok $ok "contained in irq_handler, hardirq context"

wait_for 5 has_card && ok=1 || ok=0
tap_ok $ok "the restarted driver registered its card (card $(card))"
irq2=$(count devm_irq) pcim2=$(count pcim_enable) card2=$(count snd_card_devm)
total2=$(sed -n 's/^total //p' $O)
echo "# tracked after: devm_irq $irq2, pcim_enable $pcim2, snd_card_devm $card2, total $total2"
tap_ok $([ "$irq2" = "$irq" ] && [ "$pcim2" = "$pcim" ] && [ "$card2" = "$card" ] &&
	[ "$total2" = "$total" ] && echo 1 || echo 0) \
	"tracked objects back to the baseline after the restart"
out=$(play 1 2>&1)
tap_ok $([ $? = 0 ] && echo 1 || echo 0) "the restarted driver plays ($out)"

echo off > $S/mode
tap_ok $([ "$(cat $S/state)" = native ] && echo 1 || echo 0) "native again"
quiet "end"
tap_done
