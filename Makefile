# SPDX-License-Identifier: GPL-2.0
#
# shadowdrv: shadow-driver recovery for Linux 6.1 (Debian bookworm).
# `make help` lists the targets.

TOP	:= $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KVER	?= $(shell $(TOP)/tools/kver)
KDIR	?= /lib/modules/$(KVER)/build
BUILD	:= $(TOP)/build
GUEST_CC ?= gcc
GUEST_CFLAGS := -O2 -Wall -Wextra -static -I$(BUILD)/kselftest

# Static programs that run inside the guest (tools and C tests).
GUEST_SRCS := $(wildcard $(TOP)/tools/guest/*.c) $(wildcard $(TOP)/tests/*/*.c)
GUEST_BINS := $(patsubst $(TOP)/%.c,$(BUILD)/guest/%,$(GUEST_SRCS))

MEDIA := $(BUILD)/media/tone.mp3

.PHONY: all modules lttng lttng-modules guest media setup check contrast matrix deep \
	kselftest-install \
	demo shell bench campaign \
	clean checkpatch help dkms-src tools-install dkms-install dkms-remove deb

all: modules lttng guest media

modules:
	@test -n "$(KVER)" || exit 1
	$(MAKE) -C $(KDIR) M=$(TOP) modules

# LTTng: Debian's lttng-modules built once for KDIR (lttng/build-modules
# keeps the result), then our probe modules against it.
LTTNG_MODULES := $(BUILD)/lttng/lttng-modules

lttng-modules:
	@test -n "$(KVER)" || exit 1
	KVER=$(KVER) KDIR=$(KDIR) $(TOP)/lttng/build-modules

lttng: lttng-modules
	$(MAKE) -C $(KDIR) M=$(TOP)/lttng LTTNG_MODULES=$(LTTNG_MODULES) \
		KBUILD_EXTRA_SYMBOLS=$(LTTNG_MODULES)/src/Module.symvers modules

guest: $(GUEST_BINS)

$(BUILD)/kselftest/kselftest_harness.h:
	$(TOP)/tools/setup --kselftest

$(BUILD)/guest/%: $(TOP)/%.c $(BUILD)/kselftest/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< -lm

media: $(MEDIA)

# A 1 kHz tone, 4 s, 44.1 kHz stereo, encoded to mp3: the sound tests play
# it in the guest and look for it in the host-side capture.
$(BUILD)/media/tone.mp3:
	@mkdir -p $(dir $@)
	sox -n -r 44100 -c 2 -b 16 $(BUILD)/media/tone.wav synth 4 sine 1000 vol 0.5
	lame --quiet -b 192 $(BUILD)/media/tone.wav $@

setup:
	$(TOP)/tools/setup

check:
	$(TOP)/tools/setup --if-needed
	$(MAKE) -C $(TOP) all
	$(TOP)/tests/run $(TESTS)

# The isolate-mode contrasts (tests/*/contrast_*.sh): what breaks without
# the shadow, reported, not asserted; not part of make check
contrast:
	$(TOP)/tools/setup --if-needed
	$(MAKE) -C $(TOP) all
	$(TOP)/tests/run $$(cd $(TOP) && find tests -mindepth 2 -maxdepth 2 \
		-name 'contrast_*.sh' | sort)

# The deep fault matrices (tests/*/matrix_*.sh): every fault kind in every
# context of a driver; make check keeps one per class of them
matrix:
	$(TOP)/tools/setup --if-needed
	$(MAKE) -C $(TOP) all
	$(TOP)/tests/run $$(cd $(TOP) && find tests -mindepth 2 -maxdepth 2 \
		-name 'matrix_*.sh' | sort)

# Long variants of make check's tests (tests/*/deep_*.sh): the same test on
# more drivers, more cycles; make check keeps one per feature and driver class
deep:
	$(TOP)/tools/setup --if-needed
	$(MAKE) -C $(TOP) all
	$(TOP)/tests/run $$(cd $(TOP) && find tests -mindepth 2 -maxdepth 2 \
		-name 'deep_*.sh' | sort)

# shadowdrv's guest tests as a kselftest collection (run_kselftest.sh)
kselftest-install:
	$(TOP)/tools/setup --if-needed
	$(MAKE) -C $(TOP) all
	$(TOP)/tools/kselftest-install $(INSTALL_PATH)

demo:
	$(TOP)/tools/setup --if-needed
	$(MAKE) -C $(TOP) all
	$(TOP)/tools/demo --trace

# Benchmarks, not part of make check: RECOVERIES=N DRIVER=D ROUNDS=R SECS=S
bench:
	$(TOP)/tools/setup --if-needed
	$(MAKE) -C $(TOP) all
	$(TOP)/tools/bench

# The full fault campaign, a benchmark: DRIVER, WORKLOAD, FAULTS, SEED,
# MODES, JOBS; the tables go to Documentation/campaign/DRIVER-WORKLOAD-SEED
CAMPAIGN_DIR = $(BUILD)/campaign/$(or $(DRIVER),8139cp)-$(or $(WORKLOAD),udpping)-$(or $(SEED),1)
campaign:
	$(TOP)/tools/setup --if-needed
	$(MAKE) -C $(TOP) all
	$(TOP)/tools/campaign --driver $(or $(DRIVER),8139cp) \
		--workload $(or $(WORKLOAD),udpping) --faults $(or $(FAULTS),1000) \
		--seed $(or $(SEED),1) --modes $(or $(MODES),native,isolate,shadow) \
		--jobs $(or $(JOBS),2) --out $(CAMPAIGN_DIR)
	mkdir -p $(TOP)/Documentation/campaign/$(notdir $(CAMPAIGN_DIR))
	for f in trials.csv summary.md command interruption-cdf.png; do \
		[ ! -f $(CAMPAIGN_DIR)/$$f ] || cp $(CAMPAIGN_DIR)/$$f \
			$(TOP)/Documentation/campaign/$(notdir $(CAMPAIGN_DIR))/; \
	done

shell:
	$(TOP)/tools/setup --if-needed
	$(MAKE) -C $(TOP) all
	$(TOP)/tools/vm --shell $(VMOPTS)

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	rm -f $(TOP)/lttng/Module.symvers $(TOP)/lttng/modules.order
	rm -rf $(BUILD)

checkpatch:
	$(TOP)/tools/checkpatch

# Installation (Documentation/install.rst). The version is the Debian
# package's; DESTDIR is a staging root (the package build's).
VERSION	:= $(shell sed -n '1s/.*(\(.*\)).*/\1/p' $(TOP)/debian/changelog)
DKMS_SRC = $(DESTDIR)/usr/src/shadowdrv-$(VERSION)

# the modules' sources as DKMS builds them (no test modules)
dkms-src:
	rm -rf $(DKMS_SRC)
	cd $(TOP) && for f in Kbuild $$(find nooks shadow swifi classes \
		\( -name Kbuild -o -name '*.[chS]' \) ! -name '*.mod.c' | sort); do \
		install -D -m 0644 $$f $(DKMS_SRC)/$$f || exit 1; \
	done
	sed 's/#MODULE_VERSION#/$(VERSION)/' $(TOP)/dkms.conf > $(DKMS_SRC)/dkms.conf

# shadowctl and shadow-trace with the driver table they read
tools-install:
	install -d $(DESTDIR)/usr/lib/shadowdrv $(DESTDIR)/usr/sbin $(DESTDIR)/usr/bin
	install -m 0755 $(TOP)/tools/shadowctl $(TOP)/tools/shadow-trace \
		$(DESTDIR)/usr/lib/shadowdrv/
	install -m 0644 $(TOP)/tools/drivers $(TOP)/tools/lib-drivers.sh \
		$(DESTDIR)/usr/lib/shadowdrv/
	ln -sf ../lib/shadowdrv/shadowctl $(DESTDIR)/usr/sbin/shadowctl
	ln -sf ../lib/shadowdrv/shadow-trace $(DESTDIR)/usr/bin/shadow-trace
	install -D -m 0644 $(TOP)/tools/drivers.conf $(DESTDIR)/etc/shadowdrv/drivers.conf
	install -D -m 0644 $(TOP)/tools/shadowctl.bash-completion \
		$(DESTDIR)/usr/share/bash-completion/completions/shadowctl
	install -D -m 0644 $(TOP)/Documentation/man/shadowctl.8 \
		$(DESTDIR)/usr/share/man/man8/shadowctl.8
	install -D -m 0644 $(TOP)/Documentation/man/shadow-trace.1 \
		$(DESTDIR)/usr/share/man/man1/shadow-trace.1

dkms-install:
	$(TOP)/tools/dkms install

dkms-remove:
	$(TOP)/tools/dkms remove

deb:
	$(TOP)/tools/deb

help:
	@echo 'shadowdrv targets:'
	@echo '  all (default)  build the kernel modules and the guest programs'
	@echo '  modules        build the kernel modules against KDIR'
	@echo '                 (KDIR=$(KDIR))'
	@echo '  campaign       the full fault campaign (DRIVER=8139cp WORKLOAD=udpping'
	@echo '                 FAULTS=1000 SEED=1 MODES=native,isolate,shadow JOBS=2)'
	@echo '  lttng          build lttng-modules (once) and the LTTng probe modules'
	@echo '                 for the nooks and shadow tracepoints'
	@echo '  guest          build the static programs that run in the guest'
	@echo '  media          build the test sound files'
	@echo '  setup          install every Debian package the project needs'
	@echo '  check          run the whole test suite in QEMU guests'
	@echo '                 (TESTS="tests/net/test_x.sh ..." runs a subset)'
	@echo '  contrast       the isolate-mode contrasts (tests/*/contrast_*.sh):'
	@echo '                 what breaks without the shadow, reported'
	@echo '  matrix         the deep fault matrices (tests/*/matrix_*.sh)'
	@echo '  deep           long variants of check tests (tests/*/deep_*.sh)'
	@echo '  kselftest-install  the guest tests as a kselftest collection in'
	@echo '                 INSTALL_PATH (default build/kselftest-install)'
	@echo '  demo           the main job: a driver crash survived in a guest'
	@echo '  bench          interruption (N recoveries, icount) and throughput'
	@echo '                 ratios; RECOVERIES=N DRIVER=e1000|pcnet32|8139cp'
	@echo '  shell          interactive shell in a guest (VMOPTS="--net e1000")'
	@echo '  checkpatch     run the kernel checkpatch.pl over the sources'
	@echo '  dkms-install   (root) build and install the modules through DKMS for'
	@echo '                 every installed 6.1 kernel; dkms-remove undoes it'
	@echo '  deb            build the shadowdrv-dkms Debian package in build/deb'
	@echo '  clean          remove build products'
