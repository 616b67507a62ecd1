# SPDX-License-Identifier: GPL-2.0
#
# lib-drivers.sh - read tools/drivers, the table of the drivers shadowdrv
# knows. POSIX sh (dash, busybox ash) and bash; source it:
#
#	DRIVERS_TABLE=$TOP/tools/drivers	# default: the guest's copy,
#	. "$TOP/tools/lib-drivers.sh"		# /opt/shadowdrv/bin/drivers
#
# Lists are printed one item a line unless said otherwise. DRIVER may be
# spelt with '-' (snd-intel8x0): it is looked up as snd_intel8x0.
#
#   driver_name NAME             NAME as module names are in /sys/module
#                                ('-' becomes '_')
#   driver_field DRIVER COLUMN   DRIVER's field in COLUMN (a column name of
#                                the table, any case: class, status, vm,
#                                entries, hot, quirks); '-'
#                                prints as nothing, a comma list as a
#                                blank-separated one. Status 1: DRIVER is
#                                not in the table; 2: no such COLUMN
#   driver_class DRIVER          its class (net, sound, ide)
#   driver_entry DRIVER CONTEXT  its entry function in CONTEXT (ENTRIES);
#                                status 1 when it has none there
#   driver_contexts DRIVER       the contexts of its ENTRIES
#   driver_quirk DRIVER QUIRK    status 0 if QUIRK is in its QUIRKS, 1 if
#                                not
#   driver_vm DRIVER             the tools/vm options giving its device
#                                ("--net e1000", one line)
#   driver_check DRIVER [PROG [MODE]]
#                                status 0 if DRIVER's row is supported (or
#                                is "isolate" and MODE is isolate);
#                                otherwise says why on stderr ("PROG: " in
#                                front) and returns 1
#   drivers_list [STATUS]        the drivers (with that status)
#   drivers_of_class CLASS [STATUS]  the drivers of CLASS (with that status)
#   drivers_classes [STATUS]     the classes (of drivers with that status),
#                                in table order
#   driver_of_vm OPTION [VALUE]  the driver of the device that tools/vm
#                                OPTION VALUE gives; status 1 if none
#   drivers_vm_values OPTION     the values of tools/vm OPTION in the table
#
# Every function returns 3, after a message, when the table is unreadable.
DRIVERS_TABLE=${DRIVERS_TABLE:-/opt/shadowdrv/bin/drivers}

# awk prologue: comments and blank lines dropped, the first row read as
# the column names (col[name] = field number), the rows after it go on
# shellcheck disable=SC2016 # awk's $ fields
_DRIVERS_AWK='
{ sub(/#.*/, "") }
NF == 0 { next }
!ncol { ncol = NF; for (i = 1; i <= NF; i++) col[tolower($i)] = i; next }
'

_drivers_ok() {
	[ -r "$DRIVERS_TABLE" ] && return 0
	echo "lib-drivers: cannot read the driver table $DRIVERS_TABLE" >&2
	return 3
}

driver_name() { printf '%s\n' "$1" | tr - _; }

driver_field() {
	_drivers_ok || return 3
	awk -v d="$(driver_name "$1")" -v c="$2" "$_DRIVERS_AWK"'
	$1 == d {
		found = 1
		c = tolower(c)
		if (c in col) {
			v = $col[c]
			if (v == "-")
				v = ""
			gsub(/,/, " ", v)
			print v
		}
		exit
	}
	END {
		if (!(tolower(c) in col))
			exit 2
		exit !found
	}' "$DRIVERS_TABLE"
}

driver_class() { driver_field "$1" class; }

# driver_entry DRIVER CONTEXT: the driver's entry function in CONTEXT
# (ENTRIES column); nothing, and status 1, when it has none there
driver_entry() {
	_drv_e=$(driver_field "$1" entries) || return
	for _drv_p in $_drv_e; do
		case $_drv_p in
		"$2":*) printf '%s\n' "${_drv_p#*:}"; return 0 ;;
		esac
	done
	return 1
}

# driver_contexts DRIVER: the contexts of its ENTRIES, in table order
driver_contexts() {
	_drv_e=$(driver_field "$1" entries) || return
	for _drv_p in $_drv_e; do
		printf '%s\n' "${_drv_p%%:*}"
	done
}

# driver_quirk DRIVER QUIRK: status 0 if the device DRIVER drives has
# QUIRK (QUIRKS column), 1 if not (or DRIVER is not in the table)
driver_quirk() {
	_drv_q=$(driver_field "$1" quirks) || return 1
	for _drv_p in $_drv_q; do
		[ "$_drv_p" = "$2" ] && return 0
	done
	return 1
}

driver_vm() {
	_drv_vm=$(driver_field "$1" vm) || return
	case $_drv_vm in
	*=*) printf '%s %s\n' "${_drv_vm%%=*}" "${_drv_vm#*=}" ;;
	*) printf '%s\n' "$_drv_vm" ;;
	esac
}

driver_check() {
	_drv_name=$(driver_name "$1")
	_drv_pfx=${2:+$2: }
	_drv_status=$(driver_field "$_drv_name" status)
	case $? in
	0) ;;
	1) echo "$_drv_pfx$_drv_name: no shadowdrv class supports this driver" >&2
	   return 1 ;;
	*) return 1 ;;
	esac
	[ "$_drv_status" = supported ] && return 0
	if [ "$_drv_status" = isolate ]; then
		[ "${3:-}" = isolate ] && return 0
		echo "$_drv_pfx$_drv_name: its class, $(driver_class "$_drv_name"), isolates it but has no shadow yet: isolate mode only" >&2
		return 1
	fi
	echo "$_drv_pfx$_drv_name: its class, $(driver_class "$_drv_name"), is ${_drv_status:-of no status} in tools/drivers, not supported yet" >&2
	return 1
}

drivers_list() {
	_drivers_ok || return 3
	awk -v s="${1:-}" "$_DRIVERS_AWK"'
	s == "" || $col["status"] == s { print $1 }' "$DRIVERS_TABLE"
}

drivers_of_class() {
	_drivers_ok || return 3
	awk -v c="$1" -v s="${2:-}" "$_DRIVERS_AWK"'
	$col["class"] == c && (s == "" || $col["status"] == s) { print $1 }' "$DRIVERS_TABLE"
}

drivers_classes() {
	_drivers_ok || return 3
	awk -v s="${1:-}" "$_DRIVERS_AWK"'
	(s == "" || $col["status"] == s) && !seen[$col["class"]]++ { print $col["class"] }' "$DRIVERS_TABLE"
}

driver_of_vm() {
	_drivers_ok || return 3
	awk -v o="$1${2:+=$2}" "$_DRIVERS_AWK"'
	$col["vm"] == o { print $1; found = 1; exit }
	END { exit !found }' "$DRIVERS_TABLE"
}

drivers_vm_values() {
	_drivers_ok || return 3
	awk -v o="$1=" "$_DRIVERS_AWK"'
	index($col["vm"], o) == 1 { print substr($col["vm"], length(o) + 1) }' "$DRIVERS_TABLE"
}
