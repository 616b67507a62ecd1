#!/bin/sh
# vm: --disk
# timeout: 300
# Enabling ata_piix's isolation while it serves a mounted ext4 disk under
# load takes it over in place (classes/ide/adopt.c): no unbind, no new
# disk, no I/O error, and from then on its crashes are recovered:
#   - the driver loaded natively, sqlite3 writing 40 synced transactions
#     on the disk: "switch" reads in-place and `shadowctl enable ata_piix
#     shadow` needs no --force; last_switch says in-place, ok
#   - /dev/sda keeps its major:minor, the file system stays mounted
#     read-write, sqlite3 exits 0 and every row is there, read cold
#   - the adopted host is a tracked object; a crash in qc_issue and one in
#     the interrupt handler (adopted where it was) are contained and
#     recovered in place under a second sqlite3 run, which exits 0
#   - disabled in place under a third sqlite3 run (no --force), then 3
#     more enable (isolate) and disable cycles, all in place: sqlite3
#     exits 0 with every row, same disk; natively again 8 MB written and
#     read back intact; unloaded
#   - isolated from its load (interrupt, timers and work set up through
#     the wrappers), then disabled in place under sqlite3: every row,
#     same disk; unloaded with a quiet log
. /opt/shadowdrv/tests/ide/lib_ide.sh
D=/mnt/disk
tap_plan 18
ide_setup native disk
majmin=$(cat "/sys/block/$DEV/dev")
modprobe nooks_ide && modprobe shadow_ide || exit 1
echo "$DRIVER" > /sys/kernel/shadow/add || exit 1
tap_ok $([ "$(cat $S/switch)" = in-place ] && echo 1 || echo 0) \
	"a natively running ata_piix can be isolated in place (switch: $(cat $S/switch))"

ide_sql a > /tmp/a.sql
ide_sql b > /tmp/b.sql
rm -f "$D/db"
sqlite3 "$D/db" < /tmp/a.sql > /tmp/a.out 2>&1 &
pid=$!
sleep 1
shadowctl enable "$DRIVER" shadow > /tmp/enable.out 2>&1; rc=$?
tap_ok $([ $rc = 0 ] && [ "$(cat $S/mode)" = shadow ] && echo 1 || echo 0) \
	"shadowctl enable $DRIVER shadow under load, no --force: exit $rc $(head -c 200 /tmp/enable.out)"
tap_ok $([ "$(cat $S/last_switch/method)" = in-place ] && [ "$(cat $S/last_switch/ok)" = 1 ] &&
	echo 1 || echo 0) \
	"last_switch: $(cat $S/last_switch/method), ok $(cat $S/last_switch/ok), bound in $(cat $S/last_switch/remove_us) us while running, then a pause of $(( $(cat $S/last_switch/stop_us) + $(cat $S/last_switch/probe_us) + $(cat $S/last_switch/replay_us) )) us (rest $(cat $S/last_switch/stop_us), adopt $(cat $S/last_switch/probe_us), release $(cat $S/last_switch/replay_us)), total $(cat $S/last_switch/total_us) us"
wait $pid; rc=$?
tap_ok $([ $rc = 0 ] && [ "$(cat /tmp/a.out)" = delete ] && echo 1 || echo 0) \
	"sqlite3 through the switch: exit $rc ($(head -c 200 /tmp/a.out | tr '\n' ' '))"
tap_ok $([ "$(cat "/sys/block/$DEV/dev" 2> /dev/null)" = "$majmin" ] &&
	grep -q "^/dev/$DEV $D ext4 rw" /proc/mounts && [ ! -e /sys/block/sdb ] && echo 1 || echo 0) \
	"/dev/$DEV is the same disk ($majmin), still mounted read-write, no new disk"
echo 3 > /proc/sys/vm/drop_caches
r=$(ide_rows "$D/db" a)
tap_ok $([ "$r" = "4000|8002000|800000" ] && [ "$(sqlite3 "$D/db" 'PRAGMA integrity_check;')" = ok ] &&
	echo 1 || echo 0) "every row there, read cold, integrity_check ok ($r)"
hosts=$(awk '$1 == "ata_host" { print $2 }' "/sys/kernel/debug/shadow/$DRIVER/objects")
tap_ok $([ "$hosts" = 1 ] && echo 1 || echo 0) "the adopted host is tracked (ata_host $hosts)"

# the adopted entries and interrupt handler are the domain's
shadowctl inject "$DRIVER" null --function "$(driver_entry $DRIVER issue)" --after 40 || exit 1
sqlite3 "$D/db" < /tmp/b.sql > /tmp/b.out 2>&1 &
pid=$!
wait_recovered "$DRIVER" 1 > /dev/null
shadowctl inject "$DRIVER" null --function "$(driver_entry $DRIVER irq)" --after 40 || exit 1
wait $pid; rc=$?
wait_recovered "$DRIVER" 2 > /dev/null
tap_ok $([ "$(cat $S/failures)" = 2 ] && [ "$(cat $S/recoveries)" = 2 ] && echo 1 || echo 0) \
	"faults in qc_issue and in the adopted interrupt handler contained and recovered ($(cat $S/failures) failures, $(cat $S/recoveries) recoveries)"
echo 3 > /proc/sys/vm/drop_caches
r=$(ide_rows "$D/db" b)
tap_ok $([ $rc = 0 ] && [ "$(cat /tmp/b.out)" = delete ] && [ "$r" = "4000|8002000|800000" ] &&
	echo 1 || echo 0) "sqlite3 through both crashes: exit $rc, every row there ($r)"
# back to native in place, under load, then enable and disable again
ide_sql c > /tmp/c.sql
sqlite3 "$D/db" < /tmp/c.sql > /tmp/c.out 2>&1 &
pid=$!
sleep 1
shadowctl disable "$DRIVER" > /tmp/disable.out 2>&1; rc=$?
tap_ok $([ $rc = 0 ] && [ ! -d "$S" ] && echo 1 || echo 0) \
	"shadowctl disable $DRIVER under load, no --force: exit $rc $(head -c 200 /tmp/disable.out)"
tap_ok $(dmesg | grep -q "$DRIVER: native in place, devices kept" && echo 1 || echo 0) \
	"the kernel log says the driver went native in place"
ok=1
for i in 1 2 3; do
	shadowctl enable "$DRIVER" isolate > /dev/null 2>&1 || ok=0
	[ "$(cat $S/last_switch/method 2> /dev/null)" = in-place ] || ok=0
	shadowctl disable "$DRIVER" > /dev/null 2>&1 || ok=0
done
tap_ok $ok "3 more enable (isolate) and disable cycles in place under load"
wait $pid; rc=$?
echo 3 > /proc/sys/vm/drop_caches
r=$(ide_rows "$D/db" c)
tap_ok $([ $rc = 0 ] && [ "$(cat /tmp/c.out)" = delete ] && [ "$r" = "4000|8002000|800000" ] &&
	[ "$(cat "/sys/block/$DEV/dev" 2> /dev/null)" = "$majmin" ] &&
	grep -q "^/dev/$DEV $D ext4 rw" /proc/mounts && echo 1 || echo 0) \
	"sqlite3 through the switches: exit $rc, every row there ($r), same disk $majmin, still read-write"
# native again, with its own interrupt handler, timers and work items
dd if=/dev/urandom of="$D/big" bs=1M count=8 2> /dev/null && sync &&
	sum1=$(sha256sum < "$D/big") && echo 3 > /proc/sys/vm/drop_caches &&
	sum2=$(sha256sum < "$D/big"); rc=$?
tap_ok $([ $rc = 0 ] && [ "$sum1" = "$sum2" ] && echo 1 || echo 0) "native again: 8 MB written and read back intact"
umount "$D"
rmmod "$DRIVER"; rc=$?
tap_ok $([ $rc = 0 ] && echo 1 || echo 0) "unloaded after the in-place switches: exit $rc"

# a driver isolated from its load (its interrupt requested through the
# wrappers, its timers and work nooks's) goes native in place as well
shadowctl enable "$DRIVER" shadow && modprobe "$DRIVER" || exit 1
DEV=$(shadowdrv-disk mount disk) || exit 1
majmin=$(cat "/sys/block/$DEV/dev")
ide_sql d > /tmp/d.sql
sqlite3 "$D/db" < /tmp/d.sql > /tmp/d.out 2>&1 &
pid=$!
sleep 1
shadowctl disable "$DRIVER" > /tmp/disable.out 2>&1; rc=$?
wait $pid; rc2=$?
echo 3 > /proc/sys/vm/drop_caches
r=$(ide_rows "$D/db" d)
tap_ok $([ $rc = 0 ] && [ $rc2 = 0 ] && [ "$r" = "4000|8002000|800000" ] &&
	[ "$(cat "/sys/block/$DEV/dev" 2> /dev/null)" = "$majmin" ] && echo 1 || echo 0) \
	"isolated from its load, disabled in place under sqlite3: exit $rc, sqlite3 exit $rc2, every row ($r), same disk"
umount "$D"
rmmod "$DRIVER"; rc=$?
tap_ok $([ $rc = 0 ] && echo 1 || echo 0) "unloaded: exit $rc"
quiet "attach"
tap_done
