// SPDX-License-Identifier: GPL-2.0
/*
 * shadow/health.c - progress checks, like devlink health's reporters: a
 * class knows how to tell that its driver stopped working without a
 * fault (struct shadow_class_ops.check: a transmit buffer held too long,
 * a command never completed), the manager decides when to look and what
 * a finding leads to.
 *
 * Every check_ms (parameter of shadow.ko, default 100; 0: no checks) the
 * manager asks each class about each shadowed domain whose driver runs.
 * The first finding fails the domain as a hang (nooks_domain_detect(),
 * with the class's words in last_fault), and the recovery policy decides
 * as for any failure. The bounds (how long is stuck) are the classes'
 * own parameters; the period only sets how soon after a bound is
 * crossed the finding comes.
 */
#define pr_fmt(fmt) "shadow: " fmt

#include <linux/jiffies.h>
#include <linux/moduleparam.h>

#include "domain.h"
#include "health.h"

static unsigned int check_ms = 100;
module_param(check_ms, uint, 0644);
MODULE_PARM_DESC(check_ms,
		 "how often (ms) the classes' progress checks run for a shadowed driver (0: never)");

/* At least every second, so that a check turned back on starts again. */
static unsigned long shadow_health_period(void)
{
	unsigned int ms = READ_ONCE(check_ms);

	return msecs_to_jiffies(ms ? max(ms, 10U) : 1000);
}

static void shadow_health_work(struct work_struct *work)
{
	struct shadow_health *h = container_of(to_delayed_work(work),
					       struct shadow_health, work);
	const char *what;

	if (READ_ONCE(check_ms) &&
	    READ_ONCE(h->dom->state) == NOOKS_STATE_RUNNING) {
		what = shadow_classes_check(h->dom);
		if (what)
			nooks_domain_detect(h->dom, what);
	}
	schedule_delayed_work(&h->work, shadow_health_period());
}

/**
 * shadow_health_start() - run the progress checks of a shadowed domain
 * @h: the checks' state, in the manager's view of the domain
 * @dom: the domain
 */
void shadow_health_start(struct shadow_health *h, struct nooks_domain *dom)
{
	h->dom = dom;
	INIT_DELAYED_WORK(&h->work, shadow_health_work);
	schedule_delayed_work(&h->work, shadow_health_period());
}

/**
 * shadow_health_stop() - stop them; returns once no check runs
 * @h: the checks' state
 */
void shadow_health_stop(struct shadow_health *h)
{
	cancel_delayed_work_sync(&h->work);
}
