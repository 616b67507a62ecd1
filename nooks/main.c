// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/main.c - module init and exit of nooks.ko, the isolation layer.
 *
 * See Documentation/architecture.rst for how the pieces fit together:
 * fault.c/hang.c contain faults, bind.c interposes on the driver's calls,
 * wrap_*.c and entry_netdev.c are the wrappers, track.c the object
 * tracker, restart.c the Nooks restart, domain.c/sysfs.c the control.
 */
#include <linux/module.h>

#include "bind.h"
#include "debugfs.h"
#include "domain.h"
#include "frame.h"
#include "restart.h"
#include "symbols.h"
#include "text.h"
#include "sysfs.h"
#include "wrap.h"

static int __init nooks_init(void)
{
	int ret;

	ret = nooks_symbols_init();
	if (ret)
		return ret;
	ret = nooks_text_init();
	if (ret)
		return ret;
	nooks_locks_init();
	ret = nooks_track_init_types();
	if (ret)
		return ret;
	ret = nooks_restart_wq_init();
	if (ret)
		goto err_track;
	ret = nooks_fault_init();
	if (ret)
		goto err_restart;
	ret = nooks_hang_init();
	if (ret)
		goto err_fault;
	ret = nooks_bind_init();
	if (ret)
		goto err_hang;
	ret = nooks_sysfs_init();
	if (ret)
		goto err_bind;
	nooks_debugfs_init();
	ret = nooks_domain_init();
	if (ret)
		goto err_debugfs;
	return 0;

err_debugfs:
	nooks_debugfs_exit();
	nooks_sysfs_exit();
err_bind:
	nooks_bind_exit();
err_hang:
	nooks_hang_exit();
err_fault:
	nooks_fault_exit();
err_restart:
	nooks_restart_wq_exit();
err_track:
	nooks_track_exit_types();
	return ret;
}

static void __exit nooks_exit(void)
{
	nooks_domain_exit();
	nooks_debugfs_exit();
	nooks_sysfs_exit();
	nooks_bind_exit();
	nooks_hang_exit();
	nooks_fault_exit();
	nooks_restart_wq_exit();
	nooks_track_exit_types();
}

module_init(nooks_init);
module_exit(nooks_exit);

MODULE_DESCRIPTION("Nooks isolation layer: contain, track and restart drivers");
MODULE_LICENSE("GPL");
