// SPDX-License-Identifier: GPL-2.0
/*
 * swifi/main.c - nooks_swifi.ko: software-implemented fault injection
 * into drivers, for tests and fault campaigns (never needed in
 * production).
 *
 * It adds two files to every domain's directory of nooks.ko,
 * /sys/kernel/debug/shadow/<driver>/:
 *
 *   inject   arm a fault in a driver function (inject.c)
 *   mutate   the SWIFI fault model of Rio and Nooks (mutate.c,
 *            mutate_call.c, flip.c)
 *
 * and is told by nooks.ko (nooks/swifi.h) when a domain comes and goes,
 * when its driver is detached (disarm and undo everything) and before a
 * restart re-probes the driver (undo text changes, as a reload would).
 * Unloading it disarms and undoes everything in every domain first.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "frame.h"
#include "inject.h"
#include "mutate.h"
#include "nooks_swifi.h"
#include "swifi.h"

/* The injected endless loop: a hung call may be aborted there. */
static struct nooks_text nooks_swifi_loop;

/*
 * Drop the references hangs fired in an isolated driver took, once no
 * call is in the driver: the watchdog aborted the looping one. Caller
 * holds dom->ctl.
 */
static void nooks_swifi_unpin(struct nooks_domain *dom)
{
	struct nooks_swifi_dom *sd = nooks_swifi_of(dom);

	if (atomic_read(&dom->inflight))
		return;
	while (atomic_dec_if_positive(&sd->hang_pins) >= 0)
		module_put(THIS_MODULE);
}

/* Disarm and undo everything in @dom; caller holds dom->ctl. */
static void nooks_swifi_dom_clear(struct nooks_domain *dom)
{
	if (!nooks_swifi_of(dom))
		return;
	nooks_inject_disarm(dom);
	nooks_mutate_undo(dom);
	nooks_swifi_unpin(dom);
}

static void nooks_swifi_dom_add(struct nooks_domain *dom)
{
	struct nooks_swifi_dom *sd;

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return;		/* the domain goes without inject and mutate */
	dom->swifi = sd;
	sd->inject_file = debugfs_create_file("inject", 0600, dom->debugfs,
					      dom, &nooks_inject_fops);
	sd->mutate_file = debugfs_create_file("mutate", 0600, dom->debugfs,
					      dom, &nooks_mutate_fops);
}

static void nooks_swifi_dom_del(struct nooks_domain *dom)
{
	struct nooks_swifi_dom *sd = nooks_swifi_of(dom);

	if (!sd)
		return;
	/* waits for reads and writes of the files in progress */
	debugfs_remove(sd->inject_file);
	debugfs_remove(sd->mutate_file);
	mutex_lock(&dom->ctl);
	nooks_swifi_dom_clear(dom);
	dom->swifi = NULL;
	mutex_unlock(&dom->ctl);
	kfree(sd);
}

/*
 * Before a restart re-probes: the text is restored as a reload would.
 * The wait phase is over: a call aborted in the injected loop left it,
 * and the references its hang took go.
 */
static void nooks_swifi_dom_restart(struct nooks_domain *dom)
{
	struct nooks_swifi_dom *sd = nooks_swifi_of(dom);

	if (!sd)
		return;
	nooks_mutate_undo(dom);
	nooks_swifi_unpin(dom);
}

static const struct nooks_swifi_ops nooks_swifi = {
	.owner = THIS_MODULE,
	.domain_add = nooks_swifi_dom_add,
	.domain_del = nooks_swifi_dom_del,
	.detach = nooks_swifi_dom_clear,
	.restart = nooks_swifi_dom_restart,
};

static int __init nooks_swifi_init(void)
{
	int ret;

	nooks_swifi_loop.start = (unsigned long)nooks_inject_do_hang;
	nooks_swifi_loop.end = (unsigned long)nooks_inject_hang_end;
	nooks_hang_add_text(&nooks_swifi_loop);
	ret = nooks_swifi_register(&nooks_swifi);
	if (ret) {
		nooks_hang_del_text(&nooks_swifi_loop);
		return ret;
	}
	return 0;
}

static void __exit nooks_swifi_exit(void)
{
	nooks_swifi_unregister(&nooks_swifi);
	/* no injected hang is running any more: every probe is gone */
	nooks_hang_del_text(&nooks_swifi_loop);
}

module_init(nooks_swifi_init);
module_exit(nooks_swifi_exit);
MODULE_DESCRIPTION("shadowdrv: fault injection into drivers, for tests");
MODULE_LICENSE("GPL");
