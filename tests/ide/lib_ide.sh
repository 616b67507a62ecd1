# SPDX-License-Identifier: GPL-2.0
# Shared set-up of the ide tests: guests boot with ata_piix loaded and the
# disk (--disk) or CD-ROM (--cdrom) mounted, and tests that share a guest
# leave the driver unloaded. Enabling a mode rebinds a loaded driver,
# which a mounted file system would not survive (a live enable is issue
# 17): the driver is put in its mode first, then the file system mounted.
. /opt/shadowdrv/tests/lib.sh
DRIVER=ata_piix
S=/sys/kernel/shadow/$DRIVER

# ide_dev sd|sr: the first disk or CD-ROM block device, as "sda"
ide_dev() { ls /sys/block | grep "^$1" | head -n 1; }

# ide_setup MODE sd|sr MOUNTPOINT FSTYPE [OPTIONS]: DRIVER in MODE, the
# file system of the first disk (sd) or CD-ROM (sr) mounted at MOUNTPOINT;
# DEV is its name (sda); exits on failure
ide_setup() {
	if grep -q " $3 " /proc/mounts; then umount "$3" || exit 1; fi
	[ "$1" = shadow ] && { modprobe shadow_ide || exit 1; }
	shadowctl enable "$DRIVER" "$1" || exit 1
	modprobe "$DRIVER" && modprobe sd_mod && modprobe sr_mod || exit 1
	wait_for 10 sh -c "ls /sys/block | grep -q '^$2'" || { echo "# no $2 device"; exit 1; }
	DEV=$(ide_dev "$2")
	wait_for 10 test -b "/dev/$DEV" || { echo "# no /dev/$DEV"; exit 1; }
	mkdir -p "$3"
	mount -t "$4" ${5:+-o "$5"} "/dev/$DEV" "$3" || exit 1
}
