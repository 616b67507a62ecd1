// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/debugfs.c - test and debug knobs, never needed in production:
 *
 * /sys/kernel/debug/shadow/<driver>/
 * |-- objects    tracked resources per type
 * `-- binding    the driver's call sites bound to wrappers, per function
 *
 * nooks_swifi.ko (swifi/), when loaded, adds its "inject" and "mutate"
 * files to each directory (nooks/swifi.h).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "bind.h"
#include "debugfs.h"
#include "domain.h"

static struct dentry *nooks_debugfs_root;

static int nooks_objects_show(struct seq_file *m, void *v)
{
	nooks_track_show(m->private, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nooks_objects);

static int nooks_binding_file_show(struct seq_file *m, void *v)
{
	struct nooks_domain *dom = m->private;

	mutex_lock(&dom->ctl);
	if (dom->binding)
		nooks_binding_show(dom->binding, m);
	mutex_unlock(&dom->ctl);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nooks_binding_file);

void nooks_debugfs_domain_add(struct nooks_domain *dom)
{
	dom->debugfs = debugfs_create_dir(dom->name, nooks_debugfs_root);
	debugfs_create_file("objects", 0400, dom->debugfs, dom,
			    &nooks_objects_fops);
	debugfs_create_file("binding", 0400, dom->debugfs, dom,
			    &nooks_binding_file_fops);
}

void nooks_debugfs_domain_del(struct nooks_domain *dom)
{
	debugfs_remove_recursive(dom->debugfs);
	dom->debugfs = NULL;
}

void nooks_debugfs_init(void)
{
	nooks_debugfs_root = debugfs_create_dir("shadow", NULL);
}

void nooks_debugfs_exit(void)
{
	debugfs_remove_recursive(nooks_debugfs_root);
}
