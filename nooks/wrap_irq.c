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
 *
 * An interrupt a driver requested natively, before it was isolated where it
 * runs (an in-place switch), is adopted instead (nooks_irq_adopt()): its
 * action keeps the driver's cookie, which the driver or devres frees it
 * with, and gets nooks_irq_adopted() as its handler, which finds the
 * nooks_irq by interrupt and cookie. One that the driver frees itself (not
 * device-managed: snd_intel8x0 frees its interrupt in its card's free
 * routine) is a tracked object as well (irq_adopted): a restart whose card
 * the shadow keeps, without the card's free routine, must free it.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "domain.h"
#include "nooks_trace.h"
#include "symbols.h"
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
 * @shared: the line is shared (IRQF_SHARED): only the interrupts the
 *	driver claims count towards a storm
 * @released: the tracker freed the interrupt of the failed driver; the
 *	record stays until the devices are unbound, so that the driver's
 *	own teardown the unbind runs (the free routine of a device-managed
 *	sound card) does not free it a second time
 * @dev: the device whose devres frees the interrupt (device-managed or
 *	adopted), else NULL
 * @unmanaged: adopted, and freed by the driver, not by devres: tracked
 * @rcu: frees an adopted record (its handler looks it up under RCU)
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
	bool shared;
	bool released;
	struct device *dev;
	bool unmanaged;
	struct rcu_head rcu;
};

static LIST_HEAD(nooks_irqs);
static DEFINE_SPINLOCK(nooks_irqs_lock);
/* adopted interrupts: RCU list, written under nooks_irqs_lock */
static LIST_HEAD(nooks_irqs_adopted);

static bool nooks_irq_storm(struct nooks_irq *ni)
{
	if (time_after(jiffies, ni->window + HZ / 10)) {
		ni->window = jiffies;
		ni->count = 0;
	}
	return ++ni->count > READ_ONCE(storm_limit);
}

/*
 * On a shared line only the interrupts the driver claims count: the
 * others are another device's (a virtio device beside a QEMU NIC raised
 * more than the limit in 100 ms in a CI run).
 */
static irqreturn_t nooks_irq_handler(int irq, void *data)
{
	struct nooks_irq *ni = data;
	irqreturn_t ret;

	NOOKS_CALL(ni->dom, "irq_handler", ret, ni->handler(irq, ni->dev_id),
		   IRQ_NONE);
	if ((ret != IRQ_NONE || !ni->shared) && unlikely(nooks_irq_storm(ni))) {
		pr_err_ratelimited("%s: interrupt storm on irq %u (more than %u in 100 ms)\n",
				   ni->dom->name, irq, READ_ONCE(storm_limit));
		trace_nooks_fault(ni->dom->name,
				  nooks_fault_name(NOOKS_FAULT_STORM), 0, 0,
				  "irq_handler", "hardirq");
		nooks_domain_fail(ni->dom, NOOKS_FAULT_STORM);
	}
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
	ni->shared = flags & IRQF_SHARED;
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
	ni->dev = dev;
	ni->shared = flags & IRQF_SHARED;
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

static struct nooks_irq *nooks_irq_adopted_find(unsigned int irq,
						void *dev_id);
static struct nooks_irq *nooks_irq_adopted_first(struct nooks_domain *dom,
						 bool released);
static void nooks_irq_adopt_drop(struct nooks_irq *ni);

static const void *nooks_free_irq(unsigned int irq, void *dev_id)
{
	struct nooks_irq *ni = nooks_irq_find(irq, dev_id);
	const void *name;

	if (!ni) {
		/* adopted: the action's cookie is the driver's own */
		ni = nooks_irq_adopted_find(irq, dev_id);
		if (!ni)
			return free_irq(irq, dev_id);
		name = READ_ONCE(ni->released) ? NULL : free_irq(irq, dev_id);
		nooks_irq_adopt_drop(ni);
		return name;
	}
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

	while ((ni = nooks_irq_adopted_first(dom, true)))
		nooks_irq_adopt_drop(ni);
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

/*
 * Adopted interrupts. The kernel does not export irq_to_desc(): looked up
 * once, like the other unexported symbols nooks uses.
 */
static struct irq_desc *(*nooks_irq_to_desc)(unsigned int irq);

static struct irq_desc *nooks_irq_desc(unsigned int irq)
{
	if (!READ_ONCE(nooks_irq_to_desc))
		WRITE_ONCE(nooks_irq_to_desc,
			   (void *)nooks_lookup_name("irq_to_desc"));
	return nooks_irq_to_desc ? nooks_irq_to_desc(irq) : NULL;
}

/* Handler of an adopted action: the protected call of the driver's. */
static irqreturn_t nooks_irq_adopted(int irq, void *dev_id)
{
	struct nooks_irq *ni;
	irqreturn_t ret = IRQ_NONE;

	rcu_read_lock();
	list_for_each_entry_rcu(ni, &nooks_irqs_adopted, node) {
		if (ni->irq == irq && ni->dev_id == dev_id) {
			ret = nooks_irq_handler(irq, ni);
			break;
		}
	}
	rcu_read_unlock();
	return ret;
}

/* @desc's action with cookie @dev_id, or NULL; caller holds desc->lock. */
static struct irqaction *nooks_irq_action(struct irq_desc *desc, void *dev_id)
{
	struct irqaction *act;

	for (act = desc->action; act; act = act->next)
		if (act->dev_id == dev_id)
			return act;
	return NULL;
}

/*
 * Set the handler of @irq's action with cookie @dev_id to @to if it is
 * @from. Return: 0, or -ENOENT (no such action, or another handler).
 */
static int nooks_irq_swap(unsigned int irq, void *dev_id, irq_handler_t from,
			  irq_handler_t to)
{
	struct irq_desc *desc = nooks_irq_desc(irq);
	struct irqaction *act;
	unsigned long flags;
	int ret = -ENOENT;

	if (!desc)
		return -ENOENT;
	raw_spin_lock_irqsave(&desc->lock, flags);
	act = nooks_irq_action(desc, dev_id);
	if (act && act->handler == from && !act->thread_fn) {
		WRITE_ONCE(act->handler, to);
		ret = 0;
	}
	raw_spin_unlock_irqrestore(&desc->lock, flags);
	return ret;
}

/* Unlist an adopted record and free it after the handlers that see it. */
static void nooks_irq_adopt_unlist(struct nooks_irq *ni)
{
	if (ni->unmanaged)
		nooks_track_del(ni->dom, &nooks_obj_irq_adopted,
				(unsigned long)ni, NULL);
	spin_lock_irq(&nooks_irqs_lock);
	list_del_rcu(&ni->node);
	spin_unlock_irq(&nooks_irqs_lock);
	kfree_rcu(ni, rcu);
}

/* Device-managed: the driver's handler back before its interrupt is freed. */
static void nooks_irq_adopt_gone(void *data)
{
	struct nooks_irq *ni = data;

	nooks_irq_swap(ni->irq, ni->dev_id, nooks_irq_adopted, ni->handler);
	nooks_irq_adopt_unlist(ni);
}

/* The adopted record of the driver's (@irq, @dev_id), or NULL. */
static struct nooks_irq *nooks_irq_adopted_find(unsigned int irq,
						void *dev_id)
{
	struct nooks_irq *ni, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(ni, &nooks_irqs_adopted, node)
		if (ni->irq == irq && ni->dev_id == dev_id) {
			found = ni;
			break;
		}
	rcu_read_unlock();
	return found;
}

/*
 * The first adopted record of @dom (that the tracker released, if
 * @released), or NULL. Only the caller, the domain's manager, unlists
 * them: the record stays valid after the RCU section.
 */
static struct nooks_irq *nooks_irq_adopted_first(struct nooks_domain *dom,
						 bool released)
{
	struct nooks_irq *ni;

	rcu_read_lock();
	list_for_each_entry_rcu(ni, &nooks_irqs_adopted, node)
		if (ni->dom == dom && (!released || READ_ONCE(ni->released))) {
			rcu_read_unlock();
			return ni;
		}
	rcu_read_unlock();
	return NULL;
}

/*
 * Forget an adopted record whose action is gone (freed by the driver, or
 * by the tracker): its device's action goes too.
 */
static void nooks_irq_adopt_drop(struct nooks_irq *ni)
{
	devm_remove_action(ni->dev, nooks_irq_adopt_gone, ni);
	nooks_irq_adopt_unlist(ni);
}

/*
 * An adopted interrupt the driver would free itself, after a failure: the
 * record stays (released) until the devices are unbound, so that the
 * driver's teardown the unbind runs does not free it a second time.
 */
NOOKS_RELEASE(irq_adopted)
{
	struct nooks_irq *ni = (struct nooks_irq *)obj->key;

	ni->unmanaged = false;		/* no longer tracked */
	free_irq(ni->irq, ni->dev_id);
	WRITE_ONCE(ni->released, true);
}

/* The devres record of a device-managed interrupt (see below). */
static bool nooks_irq_is_managed(struct device *dev, unsigned int irq,
				 void *dev_id);

/* Is @act the action of a driver's interrupt with cookie @dev_id? */
static bool nooks_irq_action_is(struct irqaction *act, void *dev_id, bool any)
{
	struct nooks_irq *ni = act->dev_id;

	if (act->dev_id == dev_id)
		return true;
	/* requested through the wrappers: the cookie is nooks's record */
	return any && (act->handler == nooks_irq_handler ||
		       act->thread_fn == nooks_irq_thread) &&
	       ni->dev_id == dev_id;
}

/**
 * nooks_irq_find_actions() - the interrupts that have an action with a cookie
 * @dev_id: the cookie (a driver's dev_id)
 * @irqs: filled with their numbers
 * @max: room in @irqs
 * @any: also those the driver requested through the wrappers (whose action
 *	has nooks's record as its cookie)
 *
 * Process context.
 *
 * Return: how many were found (at most @max).
 */
unsigned int nooks_irq_find_actions(void *dev_id, unsigned int *irqs,
				    unsigned int max, bool any)
{
	struct irqaction *act;
	struct irq_desc *desc;
	unsigned long flags;
	unsigned int irq, n = 0;

	for (irq = 0; irq < nr_irqs && n < max; irq++) {
		desc = nooks_irq_desc(irq);
		if (!desc)
			continue;
		raw_spin_lock_irqsave(&desc->lock, flags);
		for (act = desc->action; act; act = act->next)
			if (nooks_irq_action_is(act, dev_id, any))
				break;
		raw_spin_unlock_irqrestore(&desc->lock, flags);
		if (act)
			irqs[n++] = irq;
	}
	return n;
}
EXPORT_SYMBOL_GPL(nooks_irq_find_actions);

/**
 * nooks_irq_adopt() - isolate an interrupt handler a driver requested natively
 * @dom: the domain, isolated where it runs
 * @dev: the device whose devres frees the interrupt (or the driver does)
 * @irq: the interrupt
 * @dev_id: the driver's cookie
 *
 * The action's handler becomes a protected call of the driver's, until
 * @dev is unbound: a device-managed action, added after the interrupt's
 * and so run before it is freed, puts the driver's handler back. Only a
 * hardirq handler without a thread is adopted. Caller keeps the interrupt
 * from running (disable_irq()) or knows its handler idle.
 *
 * Return: 0, -ENOENT (no such action, a threaded one, or one adopted
 * already), -ENOMEM.
 */
int nooks_irq_adopt(struct nooks_domain *dom, struct device *dev,
		    unsigned int irq, void *dev_id)
{
	struct irq_desc *desc = nooks_irq_desc(irq);
	struct irqaction *act;
	struct nooks_irq *ni;
	unsigned long flags;
	int ret;

	if (!desc)
		return -ENOENT;
	ni = kzalloc(sizeof(*ni), GFP_KERNEL);
	if (!ni)
		return -ENOMEM;
	raw_spin_lock_irqsave(&desc->lock, flags);
	act = nooks_irq_action(desc, dev_id);
	if (act && !act->thread_fn && act->handler != nooks_irq_adopted) {
		ni->handler = act->handler;
		ni->shared = act->flags & IRQF_SHARED;
	}
	raw_spin_unlock_irqrestore(&desc->lock, flags);
	if (!ni->handler) {
		kfree(ni);
		return -ENOENT;
	}
	ni->dom = dom;
	ni->irq = irq;
	ni->dev_id = dev_id;
	ni->dev = dev;
	ni->window = jiffies;
	ni->unmanaged = !nooks_irq_is_managed(dev, irq, dev_id);
	if (ni->unmanaged)
		nooks_track_add(dom, &nooks_obj_irq_adopted, (unsigned long)ni,
				0, 0, 0);
	spin_lock_irq(&nooks_irqs_lock);
	list_add_rcu(&ni->node, &nooks_irqs_adopted);
	spin_unlock_irq(&nooks_irqs_lock);
	ret = nooks_irq_swap(irq, dev_id, ni->handler, nooks_irq_adopted);
	if (!ret)
		ret = devm_add_action(dev, nooks_irq_adopt_gone, ni);
	if (ret) {
		nooks_irq_adopt_gone(ni);
		return ret;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(nooks_irq_adopt);

/**
 * nooks_irq_unadopt() - give an adopted interrupt its driver's handler back
 * @dev: the device given to nooks_irq_adopt()
 * @irq: the interrupt
 * @dev_id: the driver's cookie
 *
 * For a class whose adoption failed half-way. Process context.
 */
void nooks_irq_unadopt(struct device *dev, unsigned int irq, void *dev_id)
{
	struct nooks_irq *found = nooks_irq_adopted_find(irq, dev_id);

	if (found)
		devm_release_action(dev, nooks_irq_adopt_gone, found);
}
EXPORT_SYMBOL_GPL(nooks_irq_unadopt);

/*
 * The devres record of a device-managed interrupt, as kernel/irq/devres.c
 * lays it out (struct irq_devres, private there): what devres frees the
 * interrupt with.
 */
struct nooks_irq_devres {
	unsigned int irq;
	void *dev_id;
};

static void (*nooks_irq_devres_release)(struct device *dev, void *res);

static int nooks_irq_devres_match(struct device *dev, void *res, void *data)
{
	struct nooks_irq_devres *dr = res;
	struct nooks_irq *ni = data;

	return dr->irq == ni->irq && dr->dev_id == ni;
}

static int nooks_irq_devres_match_id(struct device *dev, void *res, void *data)
{
	struct nooks_irq_devres *dr = res, *want = data;

	return dr->irq == want->irq && dr->dev_id == want->dev_id;
}

/* Did devm_request_irq() request (@irq, @dev_id) for @dev? */
static bool nooks_irq_is_managed(struct device *dev, unsigned int irq,
				 void *dev_id)
{
	struct nooks_irq_devres want = { .irq = irq, .dev_id = dev_id };

	if (!nooks_irq_devres_release)
		nooks_irq_devres_release =
			(void *)nooks_lookup_name("devm_irq_release");
	/* unknown: take it as managed, the driver's teardown frees it */
	return !nooks_irq_devres_release ||
	       devres_find(dev, nooks_irq_devres_release,
			   nooks_irq_devres_match_id, &want);
}

/*
 * Make the interrupt @ni wraps the driver's own again where it is: its
 * action gets the driver's handlers and cookie, the devres record of a
 * device-managed one the cookie too. Return: 0, or -ENOENT.
 */
static int nooks_irq_native(struct nooks_irq *ni)
{
	struct irq_desc *desc = nooks_irq_desc(ni->irq);
	struct nooks_irq_devres *dr = NULL;
	struct irqaction *act;
	unsigned long flags;

	if (!desc)
		return -ENOENT;
	if (ni->dev) {
		if (!nooks_irq_devres_release)
			nooks_irq_devres_release =
				(void *)nooks_lookup_name("devm_irq_release");
		if (!nooks_irq_devres_release)
			return -ENOENT;
		dr = devres_find(ni->dev, nooks_irq_devres_release,
				 nooks_irq_devres_match, ni);
		if (!dr)
			return -ENOENT;
	}
	raw_spin_lock_irqsave(&desc->lock, flags);
	act = nooks_irq_action(desc, ni);
	if (act) {
		if (ni->handler)
			WRITE_ONCE(act->handler, ni->handler);
		if (ni->thread_fn)
			WRITE_ONCE(act->thread_fn, ni->thread_fn);
		WRITE_ONCE(act->dev_id, ni->dev_id);
	}
	raw_spin_unlock_irqrestore(&desc->lock, flags);
	if (!act)
		return -ENOENT;
	if (dr)
		dr->dev_id = ni->dev_id;
	return 0;
}

/**
 * nooks_irq_let_go() - give a domain's interrupts their driver's handlers back
 * @dom: the domain, let go where it runs (each interrupt is disabled
 *	while its action changes)
 *
 * Adopted interrupts get their handler back (nooks_irq_adopt()); those the
 * driver requested isolated become what the driver asked for, its own
 * handlers and cookie, which it or devres frees them with later. Their
 * records are forgotten. Process context.
 *
 * Return: 0, or -ENOENT if one could not be found where it was (it stays
 * wrapped and answers nothing while the domain is not isolated).
 */
int nooks_irq_let_go(struct nooks_domain *dom)
{
	struct nooks_irq *ni, *tmp;
	LIST_HEAD(mine);
	int ret = 0, ret2;

	spin_lock_irq(&nooks_irqs_lock);
	list_for_each_entry_safe(ni, tmp, &nooks_irqs, node)
		if (ni->dom == dom && !ni->released)
			list_move(&ni->node, &mine);
	spin_unlock_irq(&nooks_irqs_lock);
	list_for_each_entry_safe(ni, tmp, &mine, node) {
		/* the core reads handler and cookie apart: none runs */
		disable_irq(ni->irq);
		ret2 = nooks_irq_native(ni);
		enable_irq(ni->irq);
		if (ret2) {
			pr_err("%s: irq %u not let go\n", dom->name, ni->irq);
			ret = -ENOENT;
			spin_lock_irq(&nooks_irqs_lock);
			list_move(&ni->node, &nooks_irqs);
			spin_unlock_irq(&nooks_irqs_lock);
			continue;
		}
		list_del(&ni->node);
		if (ni->dev) {
			nooks_track_del(dom, &nooks_obj_devm_irq,
					(unsigned long)ni, NULL);
			devm_remove_action(ni->dev, nooks_devm_irq_gone, ni);
		} else {
			nooks_track_del(dom, &nooks_obj_irq, (unsigned long)ni,
					NULL);
		}
		/* a handler that read the old cookie may still run */
		synchronize_irq(ni->irq);
		kfree(ni);
	}

	/* adopted ones */
	while ((ni = nooks_irq_adopted_first(dom, false))) {
		devm_remove_action(ni->dev, nooks_irq_adopt_gone, ni);
		nooks_irq_adopt_gone(ni);
	}
	return ret;
}
