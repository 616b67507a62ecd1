# SPDX-License-Identifier: GPL-2.0
# The sound class in the isolation fault matrix (tests/lib_faults.sh):
# the guest's one sound card, played with aplay (silence, 44.1 kHz
# stereo). Isolate mode only: a restart makes a new card, and a stream
# open across it ends with an error.

# the number of the first sound card, if any; play SECONDS of silence on
# it (tools/guest/shadowdrv-sound)
card() { shadowdrv-sound card; }
has_card() { [ -n "$(card)" ]; }
play() { shadowdrv-sound play "$1"; }

class_start() {
	modprobe "$DRIVER" && wait_for 10 has_card && play 1
}

# a mixer control's put: the master volume
mixer() { amixer -q -c "$(card)" set Master "$1"; }

# irq, pointer: interrupts come at each period of a running stream, and
# the pointer op is asked for the position then; trigger: the stream
# starts; mixer: set the master volume (the codec library's put, then the
# driver's codec write)
class_trigger() {
	case $1 in
	mixer) mixer 50% > /dev/null 2>&1 ;;
	*) play 2 > /dev/null 2>&1 ;;
	esac
}

class_after() {
	case $1 in
	mixer|trigger) echo 0 ;;
	*) echo 3 ;;
	esac
}

# corrupt spoils the first argument, a pointer: an interrupt handler's is
# the interrupt number
class_skip() { [ "$1:$2" = corrupt:irq ]; }

# the restarted driver registers a new card: it plays, its mixer works
class_works() { wait_for 10 has_card && play 1 && mixer 60%; }

class_final() { play 3; }
