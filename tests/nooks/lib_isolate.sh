# SPDX-License-Identifier: GPL-2.0
# Shared body of the per-driver isolate-mode tests (test_isolate_*.sh): the
# class-generic fault matrix of tests/lib_faults.sh for DRIVER, which the
# caller sets.
. /opt/shadowdrv/tests/lib_faults.sh
