// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/wrap_irq.c - interrupt handlers of an isolated driver.
 *
 * request_threaded_irq() from the driver registers nooks_irq_handler()
 * with a struct nooks_irq as dev_id; the real handler runs as a protected
 * call in hardirq context. free_irq() maps the driver's dev_id back.
 * devm_request_threaded_irq() is wrapped the same way; the driver core
 * frees such an interrupt at unbind.
 * An interrupt storm (more than storm_limit interrupts in 100 ms) fails the
 * domain like a fault does.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "domain.h"
#include "nooks_trace.h"
#include "wrap.h"

static unsigned int storm_limit = 20000;
module_param(storm_limit, uint, 0644);
MODULE_PARM_DESC(storm_limit,
		 "interrupts per 100 ms that count as a storm (default 20000)");

/**
 * struct nooks_irq - one interrupt handler of an isolated driver
 * @node: entry in nooks_irqs
 * @dom: the driver's domain
 * @irq: interrupt number
 * @handler: the driver's hardirq handler
 * @thread_fn: the driver's threaded handler, or NULL
 * @dev_id: the driver's cookie
 * @window: start of the storm-detection window (jiffies)
 * @count: interrupts in the window
 * @released: the tracker freed the interrupt of the failed driver; the
 *	record stays until the devices are unbound, so that the driver's
 *	own teardown the unbind runs (the free routine of a device-managed
 *	sound card) does not free it a second time
 */
struct nooks_irq {
	struct list_head node;
	struct nooks_domain *dom;
	unsigned int irq;
	irq_handler_t handler;
	irq_handler_t thread_fn;
	void *dev_id;
	unsigned long window;
	unsigned int count;
	bool released;
};

static LIST_HEAD(nooks_irqs);
static DEFINE_SPINLOCK(nooks_irqs_lock);

static bool nooks_irq_storm(struct nooks_irq *ni)
{
	if (time_after(jiffies, ni->window + HZ / 10)) {
		ni->window = jiffies;
		ni->count = 0;
	}
	return ++ni->count > READ_ONCE(storm_limit);
}

static irqreturn_t nooks_irq_handler(int irq, void *data)
{
	struct nooks_irq *ni = data;
	irqreturn_t ret;

	if (unlikely(nooks_irq_storm(ni))) {
		pr_err_ratelimited("%s: interrupt storm on irq %u (more than %u in 100 ms)\n",
				   ni->dom->name, irq, READ_ONCE(storm_limit));
		trace_nooks_fault(ni->dom->name,
				  nooks_fault_name(NOOKS_FAULT_STORM), 0, 0,
				  "irq_handler", "hardirq");
		nooks_domain_fail(ni->dom, NOOKS_FAULT_STORM);
		return IRQ_NONE;
	}
	NOOKS_CALL(ni->dom, "irq_handler", ret, ni->handler(irq, ni->dev_id),
		   IRQ_NONE);
	return ret;
}

static irqreturn_t nooks_irq_thread(int irq, void *data)
{
	struct nooks_irq *ni = data;
	irqreturn_t ret;

	NOOKS_CALL(ni->dom, "irq_thread", ret, ni->thread_fn(irq, ni->dev_id),
		   IRQ_NONE);
	return ret;
}

/* A new nooks_irq for the driver's handlers, listed for nooks_irq_find(). */
static struct nooks_irq *nooks_irq_new(struct nooks_domain *dom,
				       unsigned int irq, irq_handler_t handler,
				       irq_handler_t thread_fn, void *dev_id)
{
	struct nooks_irq *ni;

	ni = kzalloc(sizeof(*ni), GFP_KERNEL);
	if (!ni)
		return NULL;
	ni->dom = dom;
	ni->irq = irq;
	ni->handler = handler;
	ni->thread_fn = thread_fn;
	ni->dev_id = dev_id;
	ni->window = jiffies;

	spin_lock_irq(&nooks_irqs_lock);
	list_add(&ni->node, &nooks_irqs);
	spin_unlock_irq(&nooks_irqs_lock);
	return ni;
}

/* Unlist and free @ni, whose interrupt is freed. */
static void nooks_irq_forget(struct nooks_irq *ni)
{
	spin_lock_irq(&nooks_irqs_lock);
	list_del(&ni->node);
	spin_unlock_irq(&nooks_irqs_lock);
	kfree(ni);
}

static int nooks_request_threaded_irq(unsigned int irq, irq_handler_t handler,
				      irq_handler_t thread_fn,
				      unsigned long flags, const char *name,
				      void *dev_id)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct nooks_irq *ni;
	int ret;

	if (!dom)
		return request_threaded_irq(irq, handler, thread_fn, flags,
					    name, dev_id);
	ni = nooks_irq_new(dom, irq, handler, thread_fn, dev_id);
	if (!ni)
		return -ENOMEM;
	ret = request_threaded_irq(irq, handler ? nooks_irq_handler : NULL,
				   thread_fn ? nooks_irq_thread : NULL,
				   flags, name, ni);
	if (ret) {
		nooks_irq_forget(ni);
		return ret;
	}
	nooks_track_add(dom, &nooks_obj_irq, (unsigned long)ni, 0, 0, 0);
	return 0;
}

/*
 * Device-managed interrupts (devm_request_threaded_irq): the driver core
 * frees them when the device is unbound, with the nooks_irq as cookie.
 * An action added before the interrupt runs after it is freed (devres
 * releases in reverse order): it unlists the nooks_irq and forgets the
 * record. The tracker never frees these itself (devres type).
 */
static void nooks_devm_irq_gone(void *data)
{
	struct nooks_irq *ni = data;

	nooks_track_del(ni->dom, &nooks_obj_devm_irq, (unsigned long)ni, NULL);
	nooks_irq_forget(ni);
}

static int nooks_devm_request_threaded_irq(struct device *dev,
					   unsigned int irq,
					   irq_handler_t handler,
					   irq_handler_t thread_fn,
					   unsigned long flags,
					   const char *name, void *dev_id)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct nooks_irq *ni;
	int ret;

	if (!dom)
		return devm_request_threaded_irq(dev, irq, handler, thread_fn,
						 flags, name, dev_id);
	ni = nooks_irq_new(dom, irq, handler, thread_fn, dev_id);
	if (!ni)
		return -ENOMEM;
	nooks_track_add(dom, &nooks_obj_devm_irq, (unsigned long)ni,
			(unsigned long)dev, 0, 0);
	/* on failure the action has run: ni is gone */
	ret = devm_add_action_or_reset(dev, nooks_devm_irq_gone, ni);
	if (ret)
		return ret;
	ret = devm_request_threaded_irq(dev, irq,
					handler ? nooks_irq_handler : NULL,
					thread_fn ? nooks_irq_thread : NULL,
					flags, name, ni);
	if (ret)
		devm_release_action(dev, nooks_devm_irq_gone, ni);
	return ret;
}

/* The nooks_irq of the driver's (@irq, @dev_id), or NULL. */
static struct nooks_irq *nooks_irq_find(unsigned int irq, void *dev_id)
{
	struct nooks_irq *ni, *found = NULL;

	spin_lock_irq(&nooks_irqs_lock);
	list_for_each_entry(ni, &nooks_irqs, node) {
		if (ni->irq == irq && ni->dev_id == dev_id) {
			found = ni;
			break;
		}
	}
	spin_unlock_irq(&nooks_irqs_lock);
	return found;
}

static const void *nooks_free_irq(unsigned int irq, void *dev_id)
{
	struct nooks_irq *ni = nooks_irq_find(irq, dev_id);
	const void *name;

	if (!ni)
		return free_irq(irq, dev_id);
	nooks_track_del(ni->dom, &nooks_obj_irq, (unsigned long)ni, NULL);
	/* released by the tracker already: nothing left to free */
	name = READ_ONCE(ni->released) ? NULL : free_irq(irq, ni);
	nooks_irq_forget(ni);
	return name;
}

NOOKS_RELEASE(irq)
{
	struct nooks_irq *ni = (struct nooks_irq *)obj->key;

	free_irq(ni->irq, ni);
	WRITE_ONCE(ni->released, true);
}

/**
 * nooks_irq_purge() - forget the interrupts the tracker released
 * @dom: the domain, whose devices were just unbound (or that is detached)
 */
void nooks_irq_purge(struct nooks_domain *dom)
{
	struct nooks_irq *ni, *tmp;
	LIST_HEAD(gone);

	spin_lock_irq(&nooks_irqs_lock);
	list_for_each_entry_safe(ni, tmp, &nooks_irqs, node)
		if (ni->dom == dom && ni->released)
			list_move(&ni->node, &gone);
	spin_unlock_irq(&nooks_irqs_lock);
	list_for_each_entry_safe(ni, tmp, &gone, node)
		kfree(ni);
}

static void nooks_devm_free_irq(struct device *dev, unsigned int irq,
				void *dev_id)
{
	struct nooks_irq *ni = nooks_irq_find(irq, dev_id);

	if (!ni) {
		devm_free_irq(dev, irq, dev_id);
		return;
	}
	devm_free_irq(dev, irq, ni);
	devm_release_action(dev, nooks_devm_irq_gone, ni);
}

/* Freed by the driver core at unbind, never by the tracker. */
NOOKS_RELEASE(devm_irq)
{
}

static const struct nooks_import nooks_irq_list[] = {
	NOOKS_IMPORT(request_threaded_irq, nooks_request_threaded_irq),
	NOOKS_IMPORT(free_irq, nooks_free_irq),
	NOOKS_IMPORT(devm_request_threaded_irq, nooks_devm_request_threaded_irq),
	NOOKS_IMPORT(devm_free_irq, nooks_devm_free_irq),
};

const struct nooks_import_table nooks_irq_imports = {
	.name = "irq",
	.imports = nooks_irq_list,
	.n = ARRAY_SIZE(nooks_irq_list),
};
