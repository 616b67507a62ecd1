// SPDX-License-Identifier: GPL-2.0
/*
 * shadow/policy.c - recovery policy, like devlink health's: the core
 * decides when a failed driver is restarted, per driver. It is restarted
 * unless
 *
 *   - auto_recover is off: the failure is reported and the driver left
 *     fail-stopped for the operator, or
 *   - it fails again within grace_ms of its last recovery (a driver that
 *     dies as soon as it is back would be restarted in a loop), or
 *   - it has used up its budget: restart_budget restarts within
 *     budget_window_s seconds.
 *
 * Then it is left fail-stopped (its devices unbound) and reported. The
 * knobs of a shadowed driver are in /sys/kernel/shadow/<driver>/policy/;
 * the module parameters of the same names are the values a driver gets
 * when it becomes shadowed:
 *
 *   /sys/kernel/shadow/<driver>/policy/
 *       auto_recover       0 or 1
 *       grace_ms           ms, 0: no grace period
 *       restart_budget     restarts per window, 0: no limit
 *       budget_window_s    s, at least 1
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/moduleparam.h>
#include <linux/sched/clock.h>
#include <linux/string.h>

#include "policy.h"

static unsigned int grace_ms = 200;
module_param(grace_ms, uint, 0644);
MODULE_PARM_DESC(grace_ms,
		 "default of a new shadowed driver: a failure this soon (ms) after a recovery is final (default 200)");

static unsigned int restart_budget = 100;
module_param(restart_budget, uint, 0644);
MODULE_PARM_DESC(restart_budget,
		 "default of a new shadowed driver: restarts allowed per budget window, 0 = no limit (default 100)");

static unsigned int budget_window_s = 3600;
module_param(budget_window_s, uint, 0644);
MODULE_PARM_DESC(budget_window_s,
		 "default of a new shadowed driver: budget window in seconds (default 3600)");

/*
 * A boolean written to a policy file or parameter: one of 0 1 n y no yes
 * off on false true (any case), with at most a newline after it. The
 * kernel's kstrtobool() takes any string that starts like one ("0x",
 * "1234"), which would let garbage through.
 */
static int shadow_policy_bool(const char *buf, bool *v)
{
	static const char * const words[] = {
		"0", "1", "n", "y", "no", "yes", "off", "on", "false", "true",
	};
	size_t len = strlen(buf);
	unsigned int i;

	if (len && buf[len - 1] == '\n')
		len--;
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (len == strlen(words[i]) && !strncasecmp(buf, words[i], len)) {
			*v = i & 1;
			return 0;
		}
	}
	return -EINVAL;
}

/* auto_recover as a parameter: a bare "shadow.auto_recover" is true. */
static int shadow_param_set_bool(const char *val,
				 const struct kernel_param *kp)
{
	bool v = true;

	if (val && shadow_policy_bool(val, &v))
		return -EINVAL;
	*(bool *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops shadow_param_ops_bool = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = shadow_param_set_bool,
	.get = param_get_bool,
};

static bool auto_recover = true;
module_param_cb(auto_recover, &shadow_param_ops_bool, &auto_recover, 0644);
MODULE_PARM_DESC(auto_recover,
		 "default of a new shadowed driver: restart a failed driver (default Y)");

/**
 * shadow_policy_init() - a new shadowed driver's policy
 * @p: the policy; gets the module parameters' values and no history
 */
void shadow_policy_init(struct shadow_policy *p)
{
	*p = (struct shadow_policy) {
		.grace_ms = READ_ONCE(grace_ms),
		.restart_budget = READ_ONCE(restart_budget),
		/* 0 would make every window expire at once */
		.budget_window_s = max(READ_ONCE(budget_window_s), 1U),
		.auto_recover = READ_ONCE(auto_recover),
	};
}

/**
 * shadow_policy_allow() - may a failed driver be restarted?
 * @p: the driver's policy and history
 * @why: receives the reason when the answer is no
 *
 * Context: the recovery, under the domain's ctl.
 * Return: true to restart; false to leave the driver fail-stopped.
 */
bool shadow_policy_allow(struct shadow_policy *p, const char **why)
{
	u64 now = local_clock();
	u64 window = (u64)READ_ONCE(p->budget_window_s) * NSEC_PER_SEC;
	unsigned int budget = READ_ONCE(p->restart_budget);

	if (!READ_ONCE(p->auto_recover)) {
		*why = "automatic recovery is off";
		return false;
	}
	if (p->last_recovered_ns &&
	    now - p->last_recovered_ns <
	    (u64)READ_ONCE(p->grace_ms) * NSEC_PER_MSEC) {
		*why = "failed again within the grace period";
		return false;
	}
	if (!p->window_start_ns || now - p->window_start_ns > window) {
		p->window_start_ns = now;
		p->window_restarts = 0;
	}
	if (budget && p->window_restarts >= budget) {
		*why = "restart budget used up";
		return false;
	}
	p->window_restarts++;
	return true;
}

void shadow_policy_recovered(struct shadow_policy *p)
{
	p->last_recovered_ns = local_clock();
}

/*
 * The policy/ files: an unsigned number each (auto_recover: a boolean);
 * anything else, or a number out of the file's range, is refused with
 * -EINVAL and changes nothing.
 */
#define SHADOW_POLICY_UINT(name, min)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%u\n",					\
			  READ_ONCE(shadow_policy_of_kobj(kobj)->name)); \
}									\
static ssize_t name##_store(struct kobject *kobj,			\
			    struct kobj_attribute *attr,		\
			    const char *buf, size_t count)		\
{									\
	unsigned int v;							\
									\
	if (kstrtouint(buf, 0, &v) || v < (min))			\
		return -EINVAL;						\
	WRITE_ONCE(shadow_policy_of_kobj(kobj)->name, v);		\
	return count;							\
}									\
static struct kobj_attribute name##_attr = __ATTR_RW(name)

SHADOW_POLICY_UINT(grace_ms, 0);
SHADOW_POLICY_UINT(restart_budget, 0);
SHADOW_POLICY_UINT(budget_window_s, 1);

static ssize_t auto_recover_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(shadow_policy_of_kobj(kobj)->auto_recover));
}

static ssize_t auto_recover_store(struct kobject *kobj,
				  struct kobj_attribute *attr,
				  const char *buf, size_t count)
{
	bool v;

	if (shadow_policy_bool(buf, &v))
		return -EINVAL;
	WRITE_ONCE(shadow_policy_of_kobj(kobj)->auto_recover, v);
	return count;
}

static struct kobj_attribute auto_recover_attr = __ATTR_RW(auto_recover);

static struct attribute *shadow_policy_attrs[] = {
	&auto_recover_attr.attr,
	&grace_ms_attr.attr,
	&restart_budget_attr.attr,
	&budget_window_s_attr.attr,
	NULL
};

const struct attribute_group shadow_policy_group = {
	.name = "policy",
	.attrs = shadow_policy_attrs,
};
