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
#   - disabled (a rebind, unmounted first) and unloaded with a quiet log
. /opt/shadowdrv/tests/ide/lib_ide.sh
D=/mnt/disk
tap_plan 11
ide_setup native disk
majmin=$(cat "/sys/block/$DEV/dev")
modprobe nooks_ide && modprobe shadow_ide || exit 1
echo "$DRIVER" > /sys/kernel/shadow/add || exit 1
tap_ok $([ "$(cat $S/switch)" = in-place ] && echo 1 || echo 0) \
	"a natively running ata_piix can be isolated in place (switch: $(cat $S/switch))"

sql() {	# sql TABLE: 40 transactions of 100 rows
	echo "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"
	echo "CREATE TABLE $1 (id INTEGER PRIMARY KEY, v TEXT NOT NULL);"
	for tx in $(seq 0 39); do
		echo "BEGIN;"
		seq $((tx * 100 + 1)) $((tx * 100 + 100)) |
			sed "s/.*/INSERT INTO $1 VALUES (&, printf('%0200d', &));/"
		echo "COMMIT;"
	done
}
rows() { sqlite3 "$D/db" "SELECT count(*), sum(id), sum(length(v)) FROM $1;"; }
sql a > /tmp/a.sql
sql b > /tmp/b.sql
rm -f "$D/db"
sqlite3 "$D/db" < /tmp/a.sql > /tmp/a.out 2>&1 &
pid=$!
sleep 1
shadowctl enable "$DRIVER" shadow > /tmp/enable.out 2>&1; rc=$?
tap_ok $([ $rc = 0 ] && [ "$(cat $S/mode)" = shadow ] && echo 1 || echo 0) \
	"shadowctl enable $DRIVER shadow under load, no --force: exit $rc $(head -c 200 /tmp/enable.out)"
tap_ok $([ "$(cat $S/last_switch/method)" = in-place ] && [ "$(cat $S/last_switch/ok)" = 1 ] &&
	echo 1 || echo 0) \
	"last_switch: $(cat $S/last_switch/method), ok $(cat $S/last_switch/ok), rest $(cat $S/last_switch/stop_us) us, bind $(cat $S/last_switch/probe_us) us, total $(cat $S/last_switch/total_us) us"
wait $pid; rc=$?
tap_ok $([ $rc = 0 ] && [ "$(cat /tmp/a.out)" = delete ] && echo 1 || echo 0) \
	"sqlite3 through the switch: exit $rc ($(head -c 200 /tmp/a.out | tr '\n' ' '))"
tap_ok $([ "$(cat "/sys/block/$DEV/dev" 2> /dev/null)" = "$majmin" ] &&
	grep -q "^/dev/$DEV $D ext4 rw" /proc/mounts && [ ! -e /sys/block/sdb ] && echo 1 || echo 0) \
	"/dev/$DEV is the same disk ($majmin), still mounted read-write, no new disk"
echo 3 > /proc/sys/vm/drop_caches
r=$(rows a)
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
r=$(rows b)
tap_ok $([ $rc = 0 ] && [ "$(cat /tmp/b.out)" = delete ] && [ "$r" = "4000|8002000|800000" ] &&
	echo 1 || echo 0) "sqlite3 through both crashes: exit $rc, every row there ($r)"
# let go: back to native (a rebind, the disk unmounted first), unloaded
umount "$D"
shadowctl disable "$DRIVER" --force && rmmod "$DRIVER"; rc=$?
tap_ok $([ $rc = 0 ] && echo 1 || echo 0) "disabled and unloaded after the in-place switch: exit $rc"
quiet "attach"
tap_done
