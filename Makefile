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

.PHONY: all modules guest setup check demo shell bench clean checkpatch help

all: modules guest

modules:
	@test -n "$(KVER)" || exit 1
	$(MAKE) -C $(KDIR) M=$(TOP) modules

guest: $(GUEST_BINS)

$(BUILD)/kselftest/kselftest_harness.h:
	$(TOP)/tools/setup --kselftest

$(BUILD)/guest/%: $(TOP)/%.c $(BUILD)/kselftest/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< -lm

setup:
	$(TOP)/tools/setup

check:
	$(TOP)/tools/setup --if-needed
	$(MAKE) -C $(TOP) all
	$(TOP)/tests/run $(TESTS)

demo:
	$(TOP)/tools/setup --if-needed
	$(MAKE) -C $(TOP) all
	$(TOP)/tools/demo

shell:
	$(TOP)/tools/setup --if-needed
	$(MAKE) -C $(TOP) all
	$(TOP)/tools/vm --shell $(VMOPTS)

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	rm -rf $(BUILD)

checkpatch:
	$(TOP)/tools/checkpatch

help:
	@echo 'shadowdrv targets:'
	@echo '  all (default)  build the kernel modules and the guest programs'
	@echo '  modules        build the kernel modules against KDIR'
	@echo '                 (KDIR=$(KDIR))'
	@echo '  guest          build the static programs that run in the guest'
	@echo '  setup          install every Debian package the project needs'
	@echo '  check          run the whole test suite in QEMU guests'
	@echo '                 (TESTS="tests/net/test_x.sh ..." runs a subset)'
	@echo '  demo           the main job: a driver crash survived in a guest'
	@echo '  shell          interactive shell in a guest (VMOPTS="--net e1000")'
	@echo '  checkpatch     run the kernel checkpatch.pl over the sources'
	@echo '  clean          remove build products'
