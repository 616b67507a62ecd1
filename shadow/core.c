// SPDX-License-Identifier: GPL-2.0
/*
 * shadow/core.c - the shadow manager.
 *
 * Plugs into nooks.ko as the recovery layer of domains in shadow mode and
 * runs the shadow state machine of each:
 *
 *   passive --fault--> active --policy ok--> recovering --replayed--> passive
 *                          \--policy no--> gave_up (driver fail-stopped)
 *   passive --switch of mode--> active --re-probed, replayed--> passive
 *
 * A switch to or from mode off on a driver with bound devices is a
 * planned restart with no fault (nooks/domain.c): the classes keep their
 * objects through the driver's own close and remove and the re-probe.
 *
 * Every hook is dispatched to the registered classes (classes/net, ...),
 * each acting on the objects of its kind. The state is shown in
 * /sys/kernel/shadow/<driver>/shadow_state while the domain is shadowed,
 * beside its recovery policy, policy/ (policy.c).
 */
#define pr_fmt(fmt) "shadow: " fmt

#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "health.h"
#include "policy.h"
#include "shadow.h"
#include "shadow_trace.h"

/**
 * struct shadow_domain - the manager's view of a shadowed domain
 * @dom: the isolation domain
 * @node: entry in shadow_domains
 * @state: enum shadow_state
 * @policy: the recovery policy and its history
 * @health: the classes' progress checks (health.c)
 */
struct shadow_domain {
	struct nooks_domain *dom;
	struct list_head node;
	int state;
	struct shadow_policy policy;
	struct shadow_health health;
};

/*
 * Lock order: a domain's ctl, then shadow_class_lock or shadow_lock.
 * shadow_class_lock guards changes to shadow_classes (read under RCU, or
 * under the lock where hooks sleep); shadow_lock guards shadow_domains.
 */
static LIST_HEAD(shadow_classes);
static LIST_HEAD(shadow_domains);
static DEFINE_MUTEX(shadow_class_lock);
static DEFINE_MUTEX(shadow_lock);

static const char * const shadow_state_names[] = {
	[SHADOW_PASSIVE]	= "passive",
	[SHADOW_ACTIVE]		= "active",
	[SHADOW_RECOVERING]	= "recovering",
	[SHADOW_GAVE_UP]	= "gave_up",
};

const char *shadow_state_name(int state)
{
	return shadow_state_names[state];
}
EXPORT_SYMBOL_GPL(shadow_state_name);

static struct shadow_domain *shadow_of(struct nooks_domain *dom)
{
	return dom->ops_data;
}

static void shadow_set_state(struct shadow_domain *sd, int state)
{
	trace_shadow_state(sd->dom->name, shadow_state_names[sd->state],
			   shadow_state_names[state]);
	WRITE_ONCE(sd->state, state);
}

/* Call @op of every class that has it. */
#define shadow_for_each_class(cls)					\
	list_for_each_entry_rcu(cls, &shadow_classes, node)

/* ... from any context (hooks that do not sleep) */
#define shadow_call_all(op, ...)					\
	do {								\
		struct shadow_class *__c;				\
									\
		rcu_read_lock();					\
		shadow_for_each_class(__c)				\
			if (__c->ops->op)				\
				__c->ops->op(__VA_ARGS__);		\
		rcu_read_unlock();					\
	} while (0)

/* ... from process context: the hooks may sleep */
#define shadow_call_all_sleep(op, ...)					\
	do {								\
		struct shadow_class *__c;				\
									\
		mutex_lock(&shadow_class_lock);				\
		list_for_each_entry(__c, &shadow_classes, node)		\
			if (__c->ops->op)				\
				__c->ops->op(__VA_ARGS__);		\
		mutex_unlock(&shadow_class_lock);			\
	} while (0)

static ssize_t shadow_state_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	struct nooks_domain *dom = container_of(kobj, struct nooks_domain,
						kobj);
	struct shadow_domain *sd;
	int state = -1;

	mutex_lock(&shadow_lock);
	sd = shadow_of(dom);
	if (sd && dom->ops_data == sd)
		state = READ_ONCE(sd->state);
	mutex_unlock(&shadow_lock);
	if (state < 0)
		return -ENODEV;
	return sysfs_emit(buf, "%s\n", shadow_state_names[state]);
}

static struct kobj_attribute shadow_state_attr =
	__ATTR(shadow_state, 0444, shadow_state_show, NULL);

/**
 * shadow_policy_of_kobj() - the policy of a shadowed domain
 * @kobj: the domain's kobject, while its policy/ directory exists
 *
 * The directory is created after the domain is shadowed and removed
 * before it stops being, and sysfs waits for the calls of its files on
 * removal: the domain's shadow state outlives every one of them.
 *
 * Return: the policy.
 */
struct shadow_policy *shadow_policy_of_kobj(struct kobject *kobj)
{
	struct nooks_domain *dom = container_of(kobj, struct nooks_domain,
						kobj);

	return &shadow_of(dom)->policy;
}

static void shadow_attach(struct nooks_domain *dom)
{
	struct shadow_class *cls;
	struct shadow_domain *sd;

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return;		/* plain Nooks restart then */
	sd->dom = dom;
	sd->state = SHADOW_PASSIVE;
	shadow_policy_init(&sd->policy);
	mutex_lock(&shadow_lock);
	list_add(&sd->node, &shadow_domains);
	dom->ops_data = sd;
	mutex_unlock(&shadow_lock);
	if (sysfs_create_file(&dom->kobj, &shadow_state_attr.attr))
		pr_warn("%s: no shadow_state file\n", dom->name);
	if (sysfs_create_group(&dom->kobj, &shadow_policy_group))
		pr_warn("%s: no policy directory\n", dom->name);
	/* not a class on its way out: it would never detach this domain */
	mutex_lock(&shadow_class_lock);
	list_for_each_entry(cls, &shadow_classes, node)
		if (!cls->going && cls->ops->attach)
			cls->ops->attach(dom);
	mutex_unlock(&shadow_class_lock);
	shadow_health_start(&sd->health, dom);
}

static void shadow_detach(struct nooks_domain *dom)
{
	struct shadow_domain *sd = shadow_of(dom);

	if (!sd)
		return;
	shadow_health_stop(&sd->health);
	shadow_call_all_sleep(detach, dom);
	sysfs_remove_group(&dom->kobj, &shadow_policy_group);
	sysfs_remove_file(&dom->kobj, &shadow_state_attr.attr);
	mutex_lock(&shadow_lock);
	list_del(&sd->node);
	dom->ops_data = NULL;
	mutex_unlock(&shadow_lock);
	kfree(sd);
}

static void shadow_failed(struct nooks_domain *dom)
{
	struct shadow_domain *sd = shadow_of(dom);

	if (sd)
		shadow_set_state(sd, SHADOW_ACTIVE);
	shadow_call_all(failed, dom);
}

static bool shadow_should_recover(struct nooks_domain *dom)
{
	struct shadow_domain *sd = shadow_of(dom);
	const char *why;

	if (!sd)
		return true;
	if (!shadow_policy_allow(&sd->policy, &why)) {
		shadow_set_state(sd, SHADOW_GAVE_UP);
		trace_shadow_gave_up(dom->name, why);
		pr_err("%s: %s: driver left fail-stopped\n", dom->name, why);
		return false;
	}
	shadow_set_state(sd, SHADOW_RECOVERING);
	return true;
}

/**
 * shadow_classes_check() - ask each class whether @dom's driver is stuck
 * @dom: a shadowed domain whose driver runs
 *
 * Process context (health.c). Classes on their way out are skipped.
 *
 * Return: the first class's finding, or NULL.
 */
const char *shadow_classes_check(struct nooks_domain *dom)
{
	struct shadow_class *cls;
	const char *what = NULL;

	mutex_lock(&shadow_class_lock);
	list_for_each_entry(cls, &shadow_classes, node) {
		if (!cls->going && cls->ops->check)
			what = cls->ops->check(dom);
		if (what)
			break;
	}
	mutex_unlock(&shadow_class_lock);
	return what;
}

static bool shadow_keep(struct nooks_domain *dom, const struct nooks_obj *obj)
{
	struct shadow_class *cls;
	bool keep = false;

	/* the keep hooks sleep (a class's lock, freeing a card's devices) */
	mutex_lock(&shadow_class_lock);
	list_for_each_entry(cls, &shadow_classes, node)
		if (cls->ops->keep && cls->ops->keep(dom, obj))
			keep = true;
	mutex_unlock(&shadow_class_lock);
	return keep;
}

static int shadow_restart(struct nooks_domain *dom)
{
	struct shadow_class *cls;
	int ret = -EOPNOTSUPP;

	mutex_lock(&shadow_class_lock);
	list_for_each_entry(cls, &shadow_classes, node) {
		if (cls->ops->restart)
			ret = cls->ops->restart(dom);
		if (ret != -EOPNOTSUPP)
			break;
	}
	mutex_unlock(&shadow_class_lock);
	return ret;
}

static int shadow_recover(struct nooks_domain *dom)
{
	struct shadow_domain *sd = shadow_of(dom);
	struct shadow_class *cls;
	int ret = 0;

	/* the replay hooks sleep (rtnl): hold the class list by its lock */
	mutex_lock(&shadow_class_lock);
	list_for_each_entry(cls, &shadow_classes, node)
		if (!ret && cls->ops->recover)
			ret = cls->ops->recover(dom);
	mutex_unlock(&shadow_class_lock);
	if (sd) {
		if (!ret) {
			shadow_policy_recovered(&sd->policy);
			shadow_set_state(sd, SHADOW_PASSIVE);
		} else {
			shadow_set_state(sd, SHADOW_GAVE_UP);
		}
	}
	return ret;
}

/* Some class keeps the devices through a planned restart. */
static bool shadow_live(struct nooks_domain *dom)
{
	struct shadow_class *cls;
	bool live = false;

	mutex_lock(&shadow_class_lock);
	list_for_each_entry(cls, &shadow_classes, node)
		if (!cls->going && cls->ops->live && cls->ops->live(dom))
			live = true;
	mutex_unlock(&shadow_class_lock);
	return live;
}

static int shadow_quiesce(struct nooks_domain *dom)
{
	struct shadow_domain *sd = shadow_of(dom);
	struct shadow_class *cls;
	int ret = 0;

	if (!sd)
		return -ENOMEM;		/* not shadowed: nobody would stand in */
	shadow_set_state(sd, SHADOW_ACTIVE);
	mutex_lock(&shadow_class_lock);
	list_for_each_entry(cls, &shadow_classes, node)
		if (!ret && cls->ops->quiesce)
			ret = cls->ops->quiesce(dom);
	mutex_unlock(&shadow_class_lock);
	return ret;
}

/* A planned restart: the replay of a recovery, none counted. */
static int shadow_resume(struct nooks_domain *dom, bool native)
{
	struct shadow_domain *sd = shadow_of(dom);
	struct shadow_class *cls;
	int ret = 0;

	mutex_lock(&shadow_class_lock);
	list_for_each_entry(cls, &shadow_classes, node)
		if (!ret && cls->ops->resume)
			ret = cls->ops->resume(dom, native);
	mutex_unlock(&shadow_class_lock);
	if (sd)
		shadow_set_state(sd, ret ? SHADOW_GAVE_UP : SHADOW_PASSIVE);
	return ret;
}

static void shadow_stopped(struct nooks_domain *dom)
{
	struct shadow_domain *sd = shadow_of(dom);

	if (sd && READ_ONCE(sd->state) != SHADOW_GAVE_UP)
		shadow_set_state(sd, SHADOW_GAVE_UP);
	shadow_call_all_sleep(stopped, dom);
}

static const struct nooks_domain_ops shadow_domain_ops = {
	.attach			= shadow_attach,
	.detach			= shadow_detach,
	.failed			= shadow_failed,
	.should_recover		= shadow_should_recover,
	.keep			= shadow_keep,
	.restart		= shadow_restart,
	.recover		= shadow_recover,
	.stopped		= shadow_stopped,
	.live			= shadow_live,
	.quiesce		= shadow_quiesce,
	.resume			= shadow_resume,
};

/*
 * Call @fn (a class's attach or detach) for every shadowed domain, each
 * under its ctl, without holding shadow_lock meanwhile (lock order).
 */
typedef void (*shadow_domain_fn)(struct nooks_domain *dom);

static void shadow_for_each_domain(shadow_domain_fn fn)
{
	struct nooks_domain **doms;
	struct shadow_domain *sd;
	unsigned int i, n = 0;

	mutex_lock(&shadow_lock);
	list_for_each_entry(sd, &shadow_domains, node)
		n++;
	doms = kcalloc(n ?: 1, sizeof(*doms), GFP_KERNEL);
	if (doms) {
		n = 0;
		list_for_each_entry(sd, &shadow_domains, node) {
			kobject_get(&sd->dom->kobj);
			doms[n++] = sd->dom;
		}
	}
	mutex_unlock(&shadow_lock);
	if (!doms)
		return;
	for (i = 0; i < n; i++) {
		mutex_lock(&doms[i]->ctl);
		if (doms[i]->ops_data)	/* still shadowed */
			fn(doms[i]);
		mutex_unlock(&doms[i]->ctl);
		kobject_put(&doms[i]->kobj);
	}
	kfree(doms);
}

/**
 * shadow_class_register() - add a driver class
 * @cls: the class; its hooks start being called at once, and its attach
 *	hook is called for every domain already shadowed
 *
 * Context: process context.
 * Return: 0, or -EINVAL for a class without a name or ops.
 */
int shadow_class_register(struct shadow_class *cls)
{
	if (!cls->name || !cls->ops)
		return -EINVAL;
	cls->going = false;
	mutex_lock(&shadow_class_lock);
	list_add_tail_rcu(&cls->node, &shadow_classes);
	mutex_unlock(&shadow_class_lock);
	if (cls->ops->attach)
		shadow_for_each_domain(cls->ops->attach);
	return 0;
}
EXPORT_SYMBOL_GPL(shadow_class_register);

/**
 * shadow_class_unregister() - remove a driver class
 * @cls: the class; its detach hook is called for every shadowed domain
 *
 * Each domain is detached under its ctl, so a recovery in progress ends
 * first, with the class's keep and recover hooks both run: a device kept
 * is also handed back. Until the class leaves the list, a domain it is
 * detached from may still reach its failed, keep and recover hooks; they
 * must act as for a driver they do not shadow.
 *
 * Context: process context.
 */
void shadow_class_unregister(struct shadow_class *cls)
{
	mutex_lock(&shadow_class_lock);
	cls->going = true;
	mutex_unlock(&shadow_class_lock);
	if (cls->ops->detach)
		shadow_for_each_domain(cls->ops->detach);
	mutex_lock(&shadow_class_lock);
	list_del_rcu(&cls->node);
	mutex_unlock(&shadow_class_lock);
	synchronize_rcu();	/* failed hooks still running */
}
EXPORT_SYMBOL_GPL(shadow_class_unregister);

static int __init shadow_init(void)
{
	return nooks_shadow_register(&shadow_domain_ops);
}

static void __exit shadow_exit(void)
{
	nooks_shadow_unregister(&shadow_domain_ops);
}

module_init(shadow_init);
module_exit(shadow_exit);

MODULE_DESCRIPTION("Shadow driver manager: when to recover a failed driver");
MODULE_LICENSE("GPL");
