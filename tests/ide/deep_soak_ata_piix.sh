#!/bin/sh
# vm: --disk
# timeout: 900
# SPDX-License-Identifier: GPL-2.0
#
# No false alarm from the ide shadow's progress check (a command still
# dispatched after shadow_ide stall_ms with no error handling under way):
# ata_piix shadowed and never faulted, ext4 on the PIIX disk, for SOAK_S
# seconds (default 600) of what a server's disk sees: buffered copies
# synced and read back cold (sha256), O_DIRECT writes and reads, sqlite3
# transactions with synchronous=FULL, the write cache switched off and on
# by the user (cache_type), a SCSI host rescan, idle gaps. Every round's
# data must be intact, not one failure detected, the file system
# read-write, and the kernel log quiet.
. /opt/shadowdrv/tests/ide/lib_ide.sh
D=/mnt/disk
SOAK_S=${SOAK_S:-600}

ide_setup shadow disk
dd if=/dev/urandom of=/tmp/src bs=1M count=16 2> /dev/null
sum=$(sha256sum < /tmp/src | cut -d' ' -f1)
ide_sql t > /tmp/soak.sql
cache=$(ls -d /sys/class/scsi_disk/*/cache_type | head -n 1)
host=$(ls /sys/class/scsi_host | head -n 1)

rounds=0 bad=0
end=$(($(cut -d. -f1 /proc/uptime) + SOAK_S))
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	rounds=$((rounds + 1))
	cp /tmp/src $D/soak.bin && sync
	echo 3 > /proc/sys/vm/drop_caches
	[ "$(sha256sum < $D/soak.bin | cut -d' ' -f1)" = "$sum" ] ||
		{ bad=$((bad + 1)); echo "# round $rounds: copy differs"; }
	dd if=/tmp/src of=$D/direct.bin bs=64k oflag=direct 2> /dev/null &&
	[ "$(dd if=$D/direct.bin bs=64k iflag=direct 2> /dev/null |
		sha256sum | cut -d' ' -f1)" = "$sum" ] ||
		{ bad=$((bad + 1)); echo "# round $rounds: O_DIRECT copy differs"; }
	rm -f $D/soak.db
	sqlite3 $D/soak.db < /tmp/soak.sql > /dev/null 2>&1 &&
	[ "$(ide_rows $D/soak.db t)" = "4000|8002000|800000" ] ||
		{ bad=$((bad + 1)); echo "# round $rounds: sqlite3 rows wrong"; }
	echo "write through" > "$cache"; sleep 1; echo "write back" > "$cache"
	echo "- - -" > "/sys/class/scsi_host/$host/scan"
	sleep 20			# idle
	echo "# round $rounds: failures $(cat $S/failures), state $(cat $S/state)"
done

tap_plan 4
tap_ok "$([ $bad = 0 ] && echo 1 || echo 0)" \
	"$rounds rounds of copies (buffered and O_DIRECT), sqlite3, cache switches, rescans, idle: all intact ($bad bad)"
tap_ok "$([ "$(cat $S/failures)" = 0 ] && [ "$(cat $S/state)" = running ] && echo 1 || echo 0)" \
	"no failure detected in ${SOAK_S} s ($(cat $S/failures)), last fault: $(cat $S/last_fault)"
tap_ok "$(grep " $D " /proc/mounts | grep -q ' rw,' && ! dmesg | grep -q 'EXT4-fs error\|I/O error' &&
	echo 1 || echo 0)" "the file system read-write, no I/O error"
quiet "soak"
tap_done
