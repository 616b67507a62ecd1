// SPDX-License-Identifier: GPL-2.0
/*
 * classes/net/iface.c - nooks_net.ko: the net class of the isolation
 * layer, registered with nooks.ko as a struct nooks_iface.
 *
 * It brings the net imports (wrap_net.c, wrap_skb.c), the net object
 * types, a struct nooks_net_domain per domain (the wrapped net devices,
 * entry.c), and the isolate-mode stop: queues stopped, carrier off.
 */
#define pr_fmt(fmt) "nooks_net: " fmt

#include <linux/module.h>
#include <linux/slab.h>

#include "nooks_net.h"

static const struct nooks_import_table * const nooks_net_tables[] = {
	&nooks_net_imports, &nooks_net_skb_imports,
};

/* registration order is release order within a stage: see track.h */
static struct nooks_obj_type * const nooks_net_types[] = {
	&nooks_net_obj_napi, &nooks_net_obj_netdev_reg, &nooks_net_obj_netdev,
	&nooks_net_obj_skb,
};

static int nooks_net_domain_add(struct nooks_domain *dom);
static void nooks_net_domain_del(struct nooks_domain *dom);

static struct nooks_iface nooks_net_iface = {
	.name		= "net",
	.owner		= THIS_MODULE,
	.imports	= nooks_net_tables,
	.nr_imports	= ARRAY_SIZE(nooks_net_tables),
	.types		= nooks_net_types,
	.nr_types	= ARRAY_SIZE(nooks_net_types),
	.domain_add	= nooks_net_domain_add,
	.domain_del	= nooks_net_domain_del,
	.stop		= nooks_net_stop,
};

/**
 * nooks_net_domain() - the net class's data of a domain
 * @dom: the domain
 *
 * Return: the data; NULL only while the net class is being unloaded.
 */
struct nooks_net_domain *nooks_net_domain(struct nooks_domain *dom)
{
	return nooks_iface_data(dom, &nooks_net_iface);
}
EXPORT_SYMBOL_GPL(nooks_net_domain);

/**
 * nooks_net_set_hooks() - give the net shadow its say in a domain
 * @dom: the domain, its ctl held
 * @hooks: the hooks, or NULL to take them away
 *
 * Once this returns with NULL, no hook runs any more.
 */
void nooks_net_set_hooks(struct nooks_domain *dom,
			 const struct nooks_net_hooks *hooks)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);

	lockdep_assert_held(&dom->ctl);
	if (!nd)
		return;
	mutex_lock(&nd->lock);
	nd->hooks = hooks;
	mutex_unlock(&nd->lock);
}
EXPORT_SYMBOL_GPL(nooks_net_set_hooks);

static int nooks_net_domain_add(struct nooks_domain *dom)
{
	struct nooks_net_domain *nd;

	nd = kzalloc(sizeof(*nd), GFP_KERNEL);
	if (!nd)
		return -ENOMEM;
	mutex_init(&nd->lock);
	INIT_LIST_HEAD(&nd->netdevs);
	nooks_iface_set_data(dom, &nooks_net_iface, nd);
	return 0;
}

/* The domain is native or unloaded: its net devices were unwrapped. */
static void nooks_net_domain_del(struct nooks_domain *dom)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct nooks_netdev *nn, *tmp;

	if (!nd)
		return;
	/* not expected; their devices may be gone: do not touch them */
	list_for_each_entry_safe(nn, tmp, &nd->netdevs, node) {
		pr_warn("%s: a net device record was left: forgotten\n",
			dom->name);
		list_del(&nn->node);
		kfree(nn);
	}
	nooks_iface_set_data(dom, &nooks_net_iface, NULL);
	mutex_destroy(&nd->lock);
	kfree(nd);
}

static int __init nooks_net_init(void)
{
	int ret;

	ret = nooks_net_check_standin(&nooks_net_isolate_ops,
				      &nooks_net_isolate_ethtool_ops, "isolate");
	if (ret)
		return ret;
	return nooks_iface_register(&nooks_net_iface);
}

static void __exit nooks_net_exit(void)
{
	nooks_iface_unregister(&nooks_net_iface);
}

module_init(nooks_net_init);
module_exit(nooks_net_exit);

MODULE_DESCRIPTION("Nooks isolation of network drivers: net devices, NAPI, socket buffers");
MODULE_LICENSE("GPL");
