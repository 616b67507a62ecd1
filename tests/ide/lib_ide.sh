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
