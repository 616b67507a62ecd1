/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadow/policy.h - when a failed driver is restarted, and when not.
 */
#ifndef _SHADOW_POLICY_H
#define _SHADOW_POLICY_H

#include <linux/sysfs.h>
#include <linux/types.h>

/**
 * struct shadow_policy - one shadowed driver's recovery policy
 * @grace_ms: a failure this soon after a recovery is final (0: no check)
 * @restart_budget: restarts allowed per window (0: no limit)
 * @budget_window_s: the window's length
 * @auto_recover: restart a failed driver at all
 * @last_recovered_ns: local_clock() when the last recovery finished
 * @window_start_ns: start of the current restart-budget window
 * @window_restarts: restarts in that window
 *
 * The knobs are set from the module parameters when the domain becomes
 * shadowed and changed through /sys/kernel/shadow/<driver>/policy/; they
 * are read and written with READ_ONCE/WRITE_ONCE, the history under the
 * domain's ctl (the recovery).
 */
struct shadow_policy {
	unsigned int grace_ms;
	unsigned int restart_budget;
	unsigned int budget_window_s;
	bool auto_recover;
	u64 last_recovered_ns;
	u64 window_start_ns;
	unsigned int window_restarts;
};

void shadow_policy_init(struct shadow_policy *p);
bool shadow_policy_allow(struct shadow_policy *p, const char **why);
void shadow_policy_recovered(struct shadow_policy *p);

/* the policy/ directory of a shadowed domain's kobject (policy.c) */
extern const struct attribute_group shadow_policy_group;
/* the policy of the shadowed domain whose kobject is @kobj (core.c) */
struct shadow_policy *shadow_policy_of_kobj(struct kobject *kobj);

#endif /* _SHADOW_POLICY_H */
