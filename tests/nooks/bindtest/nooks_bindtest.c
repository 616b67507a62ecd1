// SPDX-License-Identifier: GPL-2.0
/*
 * nooks_bindtest - exercise nooks call-site binding (test only).
 *
 * Binds a few kernel functions a network driver calls (allocation, IRQ,
 * NAPI, work queue, registration) to counting wrappers that forward to the
 * real function.
 *
 * /sys/kernel/debug/nooks_bindtest/bind (write):
 *	NAME		bind the live module NAME now
 *	arm NAME	bind NAME when it next loads (MODULE_STATE_COMING,
 *			so its init text is bound too)
 *	disarm		forget an armed name
 *	unbind		undo the binding
 * /sys/kernel/debug/nooks_bindtest/counts (read): the binding as shown by
 *	nooks_binding_show(), then one "calls SYMBOL N" line per wrapper.
 *
 * Module exit unbinds and waits until no call is left in a wrapper.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_wait.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "../../../nooks/bind.h"
#include "../../../nooks/symbols.h"

enum {
	BT_KMALLOC,
	BT_KMALLOC_TRACE,
	BT_KFREE,
	BT_VZALLOC,
	BT_VFREE,
	BT_DMA_ALLOC,
	BT_DMA_FREE,
	BT_REQUEST_IRQ,
	BT_FREE_IRQ,
	BT_NAPI_SCHEDULE,
	BT_NAPI_COMPLETE,
	BT_GRO_RECEIVE,
	BT_QUEUE_DWORK,
	BT_QUEUE_WORK,
	BT_NAPI_ADD,
	BT_REGISTER_NETDEV,
	BT_PCI_REGISTER,
	BT_NR
};

static atomic_long_t bt_calls[BT_NR];
static atomic_t bt_inflight;

static inline void bt_enter(int i)
{
	atomic_inc(&bt_inflight);
	atomic_long_inc(&bt_calls[i]);
}

static inline void bt_leave(void)
{
	atomic_dec(&bt_inflight);
}

static void *bt_kmalloc(size_t size, gfp_t flags)
{
	void *p;

	bt_enter(BT_KMALLOC);
	p = __kmalloc(size, flags);
	bt_leave();
	return p;
}

static void *bt_kmalloc_trace(struct kmem_cache *s, gfp_t flags, size_t size)
{
	void *p;

	bt_enter(BT_KMALLOC_TRACE);
	p = kmalloc_trace(s, flags, size);
	bt_leave();
	return p;
}

static void bt_kfree(const void *p)
{
	bt_enter(BT_KFREE);
	kfree(p);
	bt_leave();
}

static void *bt_vzalloc(unsigned long size)
{
	void *p;

	bt_enter(BT_VZALLOC);
	p = vzalloc(size);
	bt_leave();
	return p;
}

static void bt_vfree(const void *p)
{
	bt_enter(BT_VFREE);
	vfree(p);
	bt_leave();
}

static void *bt_dma_alloc_attrs(struct device *dev, size_t size,
				dma_addr_t *handle, gfp_t flag,
				unsigned long attrs)
{
	void *p;

	bt_enter(BT_DMA_ALLOC);
	p = dma_alloc_attrs(dev, size, handle, flag, attrs);
	bt_leave();
	return p;
}

static void bt_dma_free_attrs(struct device *dev, size_t size, void *cpu_addr,
			      dma_addr_t handle, unsigned long attrs)
{
	bt_enter(BT_DMA_FREE);
	dma_free_attrs(dev, size, cpu_addr, handle, attrs);
	bt_leave();
}

static int bt_request_threaded_irq(unsigned int irq, irq_handler_t handler,
				   irq_handler_t thread_fn,
				   unsigned long flags, const char *name,
				   void *dev)
{
	int ret;

	bt_enter(BT_REQUEST_IRQ);
	ret = request_threaded_irq(irq, handler, thread_fn, flags, name, dev);
	bt_leave();
	return ret;
}

static const void *bt_free_irq(unsigned int irq, void *dev)
{
	const void *ret;

	bt_enter(BT_FREE_IRQ);
	ret = free_irq(irq, dev);
	bt_leave();
	return ret;
}

static void bt_napi_schedule(struct napi_struct *n)
{
	bt_enter(BT_NAPI_SCHEDULE);
	__napi_schedule(n);
	bt_leave();
}

static bool bt_napi_complete_done(struct napi_struct *n, int work_done)
{
	bool ret;

	bt_enter(BT_NAPI_COMPLETE);
	ret = napi_complete_done(n, work_done);
	bt_leave();
	return ret;
}

static gro_result_t bt_napi_gro_receive(struct napi_struct *napi,
					struct sk_buff *skb)
{
	gro_result_t ret;

	bt_enter(BT_GRO_RECEIVE);
	ret = napi_gro_receive(napi, skb);
	bt_leave();
	return ret;
}

static bool bt_queue_delayed_work_on(int cpu, struct workqueue_struct *wq,
				     struct delayed_work *work,
				     unsigned long delay)
{
	bool ret;

	bt_enter(BT_QUEUE_DWORK);
	ret = queue_delayed_work_on(cpu, wq, work, delay);
	bt_leave();
	return ret;
}

static bool bt_queue_work_on(int cpu, struct workqueue_struct *wq,
			     struct work_struct *work)
{
	bool ret;

	bt_enter(BT_QUEUE_WORK);
	ret = queue_work_on(cpu, wq, work);
	bt_leave();
	return ret;
}

static void bt_netif_napi_add_weight(struct net_device *dev,
				     struct napi_struct *napi,
				     int (*poll)(struct napi_struct *, int),
				     int weight)
{
	bt_enter(BT_NAPI_ADD);
	netif_napi_add_weight(dev, napi, poll, weight);
	bt_leave();
}

static int bt_register_netdev(struct net_device *dev)
{
	int ret;

	bt_enter(BT_REGISTER_NETDEV);
	ret = register_netdev(dev);
	bt_leave();
	return ret;
}

static int bt_pci_register_driver(struct pci_driver *drv,
				  struct module *owner, const char *mod_name)
{
	int ret;

	bt_enter(BT_PCI_REGISTER);
	ret = __pci_register_driver(drv, owner, mod_name);
	bt_leave();
	return ret;
}

static const struct nooks_import bt_imports[BT_NR] = {
	[BT_KMALLOC] = { "__kmalloc", bt_kmalloc },
	[BT_KMALLOC_TRACE] = { "kmalloc_trace", bt_kmalloc_trace },
	[BT_KFREE] = { "kfree", bt_kfree },
	[BT_VZALLOC] = { "vzalloc", bt_vzalloc },
	[BT_VFREE] = { "vfree", bt_vfree },
	[BT_DMA_ALLOC] = { "dma_alloc_attrs", bt_dma_alloc_attrs },
	[BT_DMA_FREE] = { "dma_free_attrs", bt_dma_free_attrs },
	[BT_REQUEST_IRQ] = { "request_threaded_irq", bt_request_threaded_irq },
	[BT_FREE_IRQ] = { "free_irq", bt_free_irq },
	[BT_NAPI_SCHEDULE] = { "__napi_schedule", bt_napi_schedule },
	[BT_NAPI_COMPLETE] = { "napi_complete_done", bt_napi_complete_done },
	[BT_GRO_RECEIVE] = { "napi_gro_receive", bt_napi_gro_receive },
	[BT_QUEUE_DWORK] = { "queue_delayed_work_on", bt_queue_delayed_work_on },
	[BT_QUEUE_WORK] = { "queue_work_on", bt_queue_work_on },
	[BT_NAPI_ADD] = { "netif_napi_add_weight", bt_netif_napi_add_weight },
	[BT_REGISTER_NETDEV] = { "register_netdev", bt_register_netdev },
	[BT_PCI_REGISTER] = { "__pci_register_driver", bt_pci_register_driver },
};

static DEFINE_MUTEX(bt_lock);		/* protects the two below */
static struct nooks_binding *bt_binding;
static char bt_armed[MODULE_NAME_LEN];

static struct module *(*bt_find_module)(const char *name);
static struct dentry *bt_dir;

static int bt_bind_live(const char *name)
{
	struct nooks_binding *b;
	struct module *mod;

	lockdep_assert_held(&bt_lock);
	if (bt_binding)
		return -EBUSY;

	/* find_module() wants module_mutex or preemption disabled. */
	preempt_disable();
	mod = bt_find_module(name);
	if (mod && !try_module_get(mod))
		mod = NULL;
	preempt_enable();
	if (!mod)
		return -ENOENT;

	b = nooks_bind_module(mod, bt_imports, ARRAY_SIZE(bt_imports));
	module_put(mod);
	if (IS_ERR(b))
		return PTR_ERR(b);
	bt_binding = b;
	return 0;
}

static ssize_t bt_bind_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[MODULE_NAME_LEN + 8];
	char *cmd;
	int ret = 0;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	cmd = strim(buf);

	mutex_lock(&bt_lock);
	if (!strcmp(cmd, "unbind")) {
		nooks_unbind_module(bt_binding);
		bt_binding = NULL;
	} else if (!strcmp(cmd, "disarm")) {
		bt_armed[0] = '\0';
	} else if (!strncmp(cmd, "arm ", 4)) {
		if (bt_binding)
			ret = -EBUSY;
		else
			strscpy(bt_armed, strim(cmd + 4), sizeof(bt_armed));
	} else if (*cmd) {
		ret = bt_bind_live(cmd);
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&bt_lock);
	return ret ? ret : count;
}

static const struct file_operations bt_bind_fops = {
	.owner = THIS_MODULE,
	.write = bt_bind_write,
	.llseek = noop_llseek,
};

static int bt_counts_show(struct seq_file *m, void *v)
{
	int i;

	mutex_lock(&bt_lock);
	if (bt_binding)
		nooks_binding_show(bt_binding, m);
	else
		seq_puts(m, "module none\n");
	if (bt_armed[0])
		seq_printf(m, "armed %s\n", bt_armed);
	mutex_unlock(&bt_lock);
	for (i = 0; i < BT_NR; i++)
		seq_printf(m, "calls %s %ld\n", bt_imports[i].sym,
			   atomic_long_read(&bt_calls[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bt_counts);

/* Bind an armed module while it is COMING, before its init runs. */
static int bt_module_event(struct notifier_block *nb, unsigned long action,
			   void *data)
{
	struct module *mod = data;
	struct nooks_binding *b;

	if (action != MODULE_STATE_COMING)
		return NOTIFY_DONE;

	mutex_lock(&bt_lock);
	if (bt_armed[0] && !bt_binding && !strcmp(mod->name, bt_armed)) {
		b = nooks_bind_module(mod, bt_imports, ARRAY_SIZE(bt_imports));
		if (IS_ERR(b))
			pr_err("binding %s at load failed: %ld\n", mod->name,
			       PTR_ERR(b));
		else
			bt_binding = b;
		bt_armed[0] = '\0';
	}
	mutex_unlock(&bt_lock);
	return NOTIFY_OK;
}

static struct notifier_block bt_module_nb = {
	.notifier_call = bt_module_event,
};

/*
 * After unbinding no new call reaches a wrapper.  Wait for calls already
 * in one: Tasks RCU and RCU cover a task or interrupt between entering a
 * wrapper and bt_enter(), the counter covers the forwarded call (which may
 * sleep), and a second grace period the instructions after bt_leave().
 */
static void bt_quiesce(void)
{
	synchronize_rcu_tasks();
	synchronize_rcu();
	while (atomic_read(&bt_inflight))
		msleep(20);
	synchronize_rcu_tasks();
	synchronize_rcu();
}

static int __init bt_init(void)
{
	int ret;

	bt_find_module = (void *)nooks_lookup_name("find_module");
	if (!bt_find_module)
		return -ENOENT;

	ret = register_module_notifier(&bt_module_nb);
	if (ret)
		return ret;

	bt_dir = debugfs_create_dir("nooks_bindtest", NULL);
	debugfs_create_file("bind", 0200, bt_dir, NULL, &bt_bind_fops);
	debugfs_create_file("counts", 0400, bt_dir, NULL, &bt_counts_fops);
	return 0;
}

static void __exit bt_exit(void)
{
	debugfs_remove_recursive(bt_dir);
	unregister_module_notifier(&bt_module_nb);
	mutex_lock(&bt_lock);
	nooks_unbind_module(bt_binding);
	bt_binding = NULL;
	mutex_unlock(&bt_lock);
	bt_quiesce();
}

module_init(bt_init);
module_exit(bt_exit);

MODULE_DESCRIPTION("nooks call-site binding test (counting wrappers)");
MODULE_LICENSE("GPL");
