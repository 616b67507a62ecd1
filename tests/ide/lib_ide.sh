# SPDX-License-Identifier: GPL-2.0
# Shared set-up of the ide tests: guests boot with ata_piix loaded and the
# disk (--disk) or CD-ROM (--cdrom) mounted, and tests that share a guest
# leave the driver unloaded; shadowdrv-disk puts the driver in its mode
# and mounts the file system again.
. /opt/shadowdrv/tests/lib.sh
DRIVER=ata_piix
S=/sys/kernel/shadow/$DRIVER

# ide_setup MODE disk|cdrom: DRIVER in MODE, the disk's file system
# mounted at /mnt/disk or the CD's at /mnt/cdrom (shadowdrv-disk); DEV is
# its block device's name (sda); exits on failure
ide_setup() {
	DEV=$(shadowdrv-disk "$1" "$2") || exit 1
}

# ide_sql TABLE: SQL for sqlite3 that creates TABLE and fills it with 4,000
# rows in 40 transactions, each commit synced (synchronous=FULL); the
# journal_mode pragma makes sqlite3 print "delete"
ide_sql() {
	echo "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"
	echo "CREATE TABLE $1 (id INTEGER PRIMARY KEY, v TEXT NOT NULL);"
	for tx in $(seq 0 39); do
		echo "BEGIN;"
		seq $((tx * 100 + 1)) $((tx * 100 + 100)) |
			sed "s/.*/INSERT INTO $1 VALUES (&, printf('%0200d', &));/"
		echo "COMMIT;"
	done
}

# ide_rows DB TABLE: what ide_sql's rows add up to in TABLE of DB; every
# row there reads 4000|8002000|800000
ide_rows() {
	sqlite3 "$1" "SELECT count(*), sum(id), sum(length(v)) FROM $2;"
}
