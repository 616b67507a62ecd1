// SPDX-License-Identifier: GPL-2.0
/*
 * shadow/policy.c - recovery policy, like devlink health's: the manager
 * restarts a failed driver unless
 *
 *   - it fails again within grace_ms of its last recovery (a driver that
 *     dies as soon as it is back would be restarted in a loop), or
 *   - it has used up its budget: more than restart_budget restarts within
 *     budget_window_s seconds.
 *
 * Then it is left fail-stopped (its devices unbound) and reported. Knobs:
 * /sys/module/shadow/parameters/{grace_ms,restart_budget,budget_window_s}.
 */
#include <linux/moduleparam.h>
#include <linux/sched/clock.h>

#include "policy.h"

static unsigned int grace_ms = 200;
module_param(grace_ms, uint, 0644);
MODULE_PARM_DESC(grace_ms,
		 "a failure this soon (ms) after a recovery is final (default 200)");

static unsigned int restart_budget = 100;
module_param(restart_budget, uint, 0644);
MODULE_PARM_DESC(restart_budget,
		 "restarts allowed per budget window, 0 = no limit (default 100)");

static unsigned int budget_window_s = 3600;
module_param(budget_window_s, uint, 0644);
MODULE_PARM_DESC(budget_window_s, "budget window in seconds (default 3600)");

/**
 * shadow_policy_allow() - may a failed driver be restarted?
 * @p: the domain's history
 * @name: driver name, for the report
 * @why: receives the reason when the answer is no
 *
 * Return: true to restart; false to leave the driver fail-stopped.
 */
bool shadow_policy_allow(struct shadow_policy_state *p, const char *name,
			 const char **why)
{
	u64 now = local_clock();
	u64 window = (u64)READ_ONCE(budget_window_s) * NSEC_PER_SEC;
	unsigned int budget = READ_ONCE(restart_budget);

	if (p->last_recovered_ns &&
	    now - p->last_recovered_ns < (u64)READ_ONCE(grace_ms) * NSEC_PER_MSEC) {
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

void shadow_policy_recovered(struct shadow_policy_state *p)
{
	p->last_recovered_ns = local_clock();
}
