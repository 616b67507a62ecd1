/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadow/health.h - the progress checks the manager runs for the classes.
 */
#ifndef _SHADOW_HEALTH_H
#define _SHADOW_HEALTH_H

#include <linux/workqueue.h>

struct nooks_domain;

/**
 * struct shadow_health - the progress checks of one shadowed domain
 * @dom: the domain
 * @work: runs the classes' checks every check_ms
 */
struct shadow_health {
	struct nooks_domain *dom;
	struct delayed_work work;
};

void shadow_health_start(struct shadow_health *h, struct nooks_domain *dom);
void shadow_health_stop(struct shadow_health *h);

/* core.c: the first class's check that finds @dom stuck, or NULL */
const char *shadow_classes_check(struct nooks_domain *dom);

#endif /* _SHADOW_HEALTH_H */
