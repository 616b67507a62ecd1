/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadow/policy.h - when a failed driver is restarted, and when not.
 */
#ifndef _SHADOW_POLICY_H
#define _SHADOW_POLICY_H

#include <linux/types.h>

/**
 * struct shadow_policy_state - per-domain history the policy looks at
 * @last_recovered_ns: local_clock() when the last recovery finished
 * @window_start_ns: start of the current restart-budget window
 * @window_restarts: restarts in that window
 */
struct shadow_policy_state {
	u64 last_recovered_ns;
	u64 window_start_ns;
	unsigned int window_restarts;
};

bool shadow_policy_allow(struct shadow_policy_state *p, const char *name,
			 const char **why);
void shadow_policy_recovered(struct shadow_policy_state *p);

#endif /* _SHADOW_POLICY_H */
