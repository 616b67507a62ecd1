# SPDX-License-Identifier: GPL-2.0
# SWIFI faults of the campaigns replayed one by one under a 1 ms UDP ping,
# for a shadowed net driver. The caller sets DRV and S
# (/sys/kernel/shadow/$DRV), loads nooks_swifi, makes DRV shadowed with
# its device up, and sources this file (after tests/lib.sh).
in_peer udpping echo -p 7777 > /dev/null 2>&1 &

# mutate_under_ping N FAULT FUNCTION SEED SECS DELAY REGEX: a ping for SECS
# with the mutation applied after DELAY seconds; recovery N must follow,
# with last_fault matching REGEX; the ping must go on to its end
mutate_under_ping() {
	(sleep "$6"; shadowctl mutate "$DRV" "$2" --function "$3" --seed "$4" > /dev/null) &
	mutator=$!
	udpping send -c 192.0.2.2 -p 7777 -t "$5" > /tmp/ping.out 2>&1
	rc=$?
	wait $mutator
	wait_recovered "$DRV" "$1" > /dev/null
	echo "# $2 $3 $4: $(cat "$S/last_fault"); recovery $(cat "$S/last_recovery/total_us") us"
	tap_ok "$(grep -qE "$7" "$S/last_fault" && [ "$(cat "$S/recoveries")" = "$1" ] &&
		echo 1 || echo 0)" "$2 in $3 (seed $4): found as '$7' and recovered"
	tr '\n' ' ' < /tmp/ping.out | sed 's/^/# /'; echo
	tap_ok "$([ $rc = 0 ] && awk -F= '/^lost=/ { l = $2 } /^sent=/ { s = $2 }
		/^send_errors=/ { e = $2 } /^tail_gap_ms=/ { g = $2 }
		END { exit !(s > 0 && l < s / 2 && e == 0 && g < 1000) }' /tmp/ping.out &&
		echo 1 || echo 0)" "the ping goes on to the end (no send error, echoes in its last second)"
	echo off > "/sys/kernel/debug/shadow/$DRV/mutate"
}

# tcp_intact MB: MB of random data to the peer over TCP, compared by sha256
tcp_intact() {
	bytes=$(($1 * 1048576))
	head -c $bytes /dev/urandom > /tmp/tx.bin
	rm -f /tmp/rx.bin /tmp/nc.hold && mkfifo /tmp/nc.hold
	in_peer nc -l -p 5002 > /tmp/rx.bin 0<> /tmp/nc.hold &
	nc_server=$!
	sleep 0.5
	timeout 60 nc 192.0.2.2 5002 < /tmp/tx.bin
	rc=$?
	wait_for 10 sh -c "[ \"\$(wc -c < /tmp/rx.bin)\" = $bytes ]"
	kill $nc_server 2> /dev/null; wait $nc_server 2> /dev/null
	tap_ok "$([ $rc = 0 ] && [ "$(sha256sum < /tmp/tx.bin)" = "$(sha256sum < /tmp/rx.bin)" ] &&
		echo 1 || echo 0)" "$1 MB TCP transfer intact (nc exit $rc, $(wc -c < /tmp/rx.bin) bytes)"
}
