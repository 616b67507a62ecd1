#!/bin/sh
# vm: --disk
# timeout: 300
# Shadow mode on ata_piix: applications working on the ext4 disk run
# through crashes of the driver with no error and their results intact:
#   sqlite3  4,000 rows in 40 transactions (synchronous=full, each commit
#            an fsync) while the command path crashes (qc_issue) and then
#            the interrupt handler: exit 0, integrity_check ok, every row
#            there after the cache is dropped
#   lame     encodes a wav on the disk to an mp3 on the disk while the
#            interrupt handler crashes: the mp3 is byte-identical to an
#            encoding of the same wav done before, with no fault
#   tcc      builds a three-file C program on the disk (sources read cold,
#            objects and program written and synced) while qc_issue
#            crashes: the program runs and prints the expected results
. /opt/shadowdrv/tests/ide/lib_ide.sh
D=/mnt/disk
tap_plan 11
ide_setup shadow disk

# arm CONTEXT AFTER: a NULL dereference in CONTEXT's entry on call AFTER+1
n=0
arm() {
	n=$((n + 1))
	shadowctl inject "$DRIVER" null --function "$(driver_entry $DRIVER $1)" --after "$2" || exit 1
}
recovered() {
	wait_recovered "$DRIVER" "$n" > /dev/null && [ "$(cat $S/failures)" = $n ] &&
		[ "$(cat $S/recoveries)" = $n ]
}

# --- sqlite3: a transaction per 100 rows, each commit synced to the disk
ide_sql t > /tmp/load.sql
rm -f "$D/db"
arm issue 40
sqlite3 "$D/db" < /tmp/load.sql > /tmp/sqlite.out 2>&1 &
pid=$!
wait_recovered "$DRIVER" 1 > /dev/null
arm irq 40
wait $pid; rc=$?
tap_ok $(recovered && echo 1 || echo 0) "sqlite3: two faults (qc_issue, interrupt handler) contained, driver restarted in place"
tap_ok $([ $rc = 0 ] && [ "$(cat /tmp/sqlite.out)" = delete ] && echo 1 || echo 0) \
	"sqlite3: 40 transactions through the crashes exit 0 with no error ($(head -c 200 /tmp/sqlite.out | tr '\n' ' '))"
echo 3 > /proc/sys/vm/drop_caches
tap_ok $([ "$(sqlite3 "$D/db" 'PRAGMA integrity_check;')" = ok ] && echo 1 || echo 0) \
	"sqlite3: integrity_check ok"
rows=$(ide_rows "$D/db" t)
tap_ok $([ "$rows" = "4000|8002000|800000" ] && echo 1 || echo 0) "sqlite3: every row there after dropping the caches ($rows)"

# --- lame: the same encoding with and without a crash
cp /opt/shadowdrv/media/tone.wav "$D/in.wav" && sync
lame --quiet "$D/in.wav" "$D/ref.mp3" || exit 1
echo 3 > /proc/sys/vm/drop_caches
arm irq 2
lame --quiet "$D/in.wav" "$D/out.mp3" && sync; rc=$?
tap_ok $(recovered && echo 1 || echo 0) "lame: fault in the interrupt handler contained, driver restarted in place"
tap_ok $([ $rc = 0 ] && echo 1 || echo 0) "lame: encoded through the crash, exit 0"
echo 3 > /proc/sys/vm/drop_caches
tap_ok $(cmp -s "$D/ref.mp3" "$D/out.mp3" && echo 1 || echo 0) \
	"lame: the mp3 is byte-identical to the one encoded with no fault ($(wc -c < "$D/out.mp3") bytes)"
# --- tcc: a build on the disk
mkdir -p "$D/src"
cp /opt/shadowdrv/tests/ide/prog/* "$D/src/"
sync
echo 3 > /proc/sys/vm/drop_caches
arm issue 3
(cd "$D/src" && for f in primes fib main; do tcc -c $f.c -o $f.o || exit 1; done &&
	tcc -o "$D/prog" primes.o fib.o main.o && sync) > /tmp/tcc.out 2>&1; rc=$?
tap_ok $(recovered && echo 1 || echo 0) "tcc: fault in qc_issue contained, driver restarted in place"
tap_ok $([ $rc = 0 ] && echo 1 || echo 0) "tcc: the build through the crash exit 0 $(head -c 200 /tmp/tcc.out)"
echo 3 > /proc/sys/vm/drop_caches
out=$("$D/prog" | tr '\n' ' ')
tap_ok $([ "$out" = "primes below 100000: 9592 fib(90): 2880067194370816120 " ] && echo 1 || echo 0) \
	"tcc: the program, read back cold, prints the expected results ($out)"
quiet "apps"
umount "$D"
tap_done
