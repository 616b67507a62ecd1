#!/bin/bash
# timeout: 900
# SPDX-License-Identifier: GPL-2.0
#
# The Debian package, on the build machine (as root; the modules are
# installed there, never loaded): make deb builds shadowdrv-dkms, lintian
# finds no error in it, dpkg installs it, DKMS builds the modules for the
# installed Debian 6.1 kernel, shadowctl and its man page are installed;
# a guest then boots the very .ko files DKMS produced and passes the e1000
# survival test with them; purging the package takes the modules, their
# sources and the tools away again.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KVER=$("$TOP/tools/kver")
VERSION=$(sed -n '1s/.*(\(.*\)).*/\1/p' "$TOP/debian/changelog")
KO_DIR=/lib/modules/$KVER/updates/dkms
# the modules DKMS builds, as dkms.conf names them
MODULES=$(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"$/\1/p' "$TOP/dkms.conf" | tr '\n' ' ')
fail=0
check() { if [ "$2" ]; then echo "ok - $1"; else echo "not ok - $1"; fail=1; fi; }
[ "$(id -u)" = 0 ] || { echo "not ok - host_dkms.sh needs root"; exit 1; }

# a package left by an earlier run goes first
dpkg -s shadowdrv-dkms > /dev/null 2>&1 && dpkg --purge shadowdrv-dkms > /dev/null
"$TOP/tools/deb" > /tmp/host_dkms.deb.out 2>&1
rc=$?
deb=$TOP/build/deb/shadowdrv-dkms_${VERSION}_all.deb
check "make deb builds $(basename "$deb")" "$([ $rc = 0 ] && [ -f "$deb" ] && echo y)"
lint=$(lintian "$TOP"/build/deb/*.changes 2>&1 | grep -E '^[EW]: ')
check "lintian: no error or warning ${lint:+($lint)}" "$([ -z "$lint" ] && echo y)"

dpkg -i "$deb" > /tmp/host_dkms.dpkg.out 2>&1
rc=$?
check "dpkg -i installs it (exit $rc)" "$([ $rc = 0 ] && echo y)"
st=$(dkms status "shadowdrv/$VERSION" -k "$KVER" 2>&1)
check "dkms status: built and installed for $KVER ($st)" \
	"$(echo "$st" | grep -q "shadowdrv/$VERSION, $KVER, x86_64: installed" && echo y)"
missing= vermagic_bad=
for m in $MODULES; do
	[ -f "$KO_DIR/$m.ko" ] || { missing="$missing $m"; continue; }
	modinfo -F vermagic "$KO_DIR/$m.ko" | grep -q "^$KVER " || vermagic_bad="$vermagic_bad $m"
done
check "the modules are in $KO_DIR for $KVER${missing:+ (missing:$missing)}${vermagic_bad:+ (vermagic:$vermagic_bad)}" \
	"$([ "$(echo $MODULES | wc -w)" = 9 ] && [ -z "$missing$vermagic_bad" ] && echo y)"
check "shadowctl installed, its usage on a bad command (exit 2)" \
	"$(/usr/sbin/shadowctl frobnicate > /dev/null 2>&1; [ $? = 2 ] && echo y)"
pol=$(/usr/sbin/shadowctl policy show 2>&1)
check "the boot-time policy: /etc/shadowdrv/drivers.conf lists no driver ($pol)" \
	"$([ "$pol" = "no driver in /etc/shadowdrv/drivers.conf" ] && echo y)"
# in the package (a minimal system's dpkg may be told to skip man pages)
man=$(dpkg -c "$deb" | grep -cE 'usr/share/man/(man8/shadowctl\.8|man1/shadow-trace\.1)\.gz$')
check "shadowctl(8) and shadow-trace(1) in the package" "$([ "$man" = 2 ] && echo y)"

# a guest with DKMS's modules: their checksums there, then the survival test
want=$(cd "$KO_DIR" && sha256sum $(for m in $MODULES; do echo "$m.ko"; done) 2>/dev/null)
out=$(SHADOWDRV_KO_DIR=$KO_DIR "$TOP/tools/vm" --net e1000 --timeout 400 -- \
	"cd /usr/lib/modules/$KVER/extra && sha256sum $(for m in $MODULES; do printf '%s.ko ' $m; done) &&
	 echo @@SUMS-END && /opt/shadowdrv/tests/guest-run net/test_survive_e1000.sh" 2>&1)
rc=$?
got=$(echo "$out" | sed -n '1,/^@@SUMS-END/p' | grep -E '^[0-9a-f]{64}  ')
echo "$out" | grep -E '^(not )?ok |^@@END' | sed 's/^/# /'
check "the guest booted the DKMS-built modules (sha256 of all 9)" \
	"$([ -n "$want" ] && [ "$got" = "$want" ] && echo y)"
check "net/test_survive_e1000.sh passes with them (exit $rc)" \
	"$([ $rc = 0 ] && echo "$out" | grep -q '^@@END net/test_survive_e1000.sh 0 ' && echo y)"

dpkg --purge shadowdrv-dkms > /tmp/host_dkms.purge.out 2>&1
rc=$?
left=$(ls "$KO_DIR" 2> /dev/null | grep -cE "^($(echo $MODULES | tr ' ' '|'))\.ko$")
check "dpkg --purge removes the modules, sources and tools (exit $rc, $left module(s) left)" \
	"$([ $rc = 0 ] && [ "$left" = 0 ] && [ ! -e "/usr/src/shadowdrv-$VERSION" ] &&
		[ ! -e /usr/sbin/shadowctl ] && [ ! -e /etc/shadowdrv/drivers.conf ] &&
		[ -z "$(dkms status shadowdrv 2>/dev/null)" ] && echo y)"
exit $fail
