// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/wrap_sched.c - deferred work of an isolated driver: timers, work
 * items and tasklets.
 *
 * The driver's function is kept in the callback registry (nooks/cb.c) and
 * the kernel is given a nooks entry function that runs it as a protected
 * call. A timer, work item or tasklet is tracked while it is pending: a
 * pending object is still in use by the driver, so releasing it after a
 * failure (delete or cancel) cannot touch freed memory.
 */
#include <linux/interrupt.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include "domain.h"
#include "wrap.h"

/* timers */

static void nooks_timer_fn(struct timer_list *t)
{
	struct nooks_domain *dom;
	void (*fn)(struct timer_list *t) = nooks_cb_get(t, &dom);

	if (!fn)
		return;
	nooks_track_del(dom, &nooks_obj_timer, (unsigned long)t, NULL);
	NOOKS_CALL_VOID(dom, "timer", fn(t), (void)0);
}

/*
 * Restore ops of the callback registry: only an object that still has
 * nooks's entry function gets the driver's back (one the driver freed
 * and whose memory holds something else is left alone).
 */
static void nooks_timer_restore(const void *key, void *fn)
{
	struct timer_list *t = (struct timer_list *)key;

	if (READ_ONCE(t->function) == nooks_timer_fn)
		WRITE_ONCE(t->function, fn);
}

static void nooks_init_timer_key(struct timer_list *t,
				 void (*fn)(struct timer_list *),
				 unsigned int flags, const char *name,
				 struct lock_class_key *key)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom && nooks_driver_fn(dom, fn) &&
	    !nooks_cb_set(dom, t, fn, nooks_timer_restore))
		fn = nooks_timer_fn;
	init_timer_key(t, fn, flags, name, key);
}

static void nooks_timer_armed(struct nooks_domain *dom, struct timer_list *t)
{
	if (dom && t->function == nooks_timer_fn)
		nooks_track_add(dom, &nooks_obj_timer, (unsigned long)t, 0, 0, 0);
}

static int nooks_mod_timer(struct timer_list *t, unsigned long expires)
{
	nooks_timer_armed(nooks_caller_domain(), t);
	return mod_timer(t, expires);
}

static void nooks_add_timer(struct timer_list *t)
{
	nooks_timer_armed(nooks_caller_domain(), t);
	add_timer(t);
}

static void nooks_timer_disarmed(struct nooks_domain *dom,
				 struct timer_list *t)
{
	if (dom)
		nooks_track_del(dom, &nooks_obj_timer, (unsigned long)t, NULL);
}

static int nooks_timer_delete_sync(struct timer_list *t)
{
	nooks_timer_disarmed(nooks_caller_domain(), t);
	return timer_delete_sync(t);
}

static int nooks_timer_delete(struct timer_list *t)
{
	nooks_timer_disarmed(nooks_caller_domain(), t);
	return timer_delete(t);
}

NOOKS_RELEASE(timer)
{
	timer_delete_sync((struct timer_list *)obj->key);
}

/* work items */

static void nooks_work_fn(struct work_struct *w)
{
	struct nooks_domain *dom;
	work_func_t fn = nooks_cb_get(w, &dom);

	if (!fn)
		return;
	nooks_track_del(dom, &nooks_obj_work, (unsigned long)w, NULL);
	NOOKS_CALL_VOID(dom, "work", fn(w), (void)0);
}

static void nooks_work_restore(const void *key, void *fn)
{
	struct work_struct *w = (struct work_struct *)key;

	if (READ_ONCE(w->func) == nooks_work_fn)
		WRITE_ONCE(w->func, fn);
}

static void nooks_work_queued(struct nooks_domain *dom, struct work_struct *w,
			      bool delayed)
{
	if (!dom)
		return;
	if (w->func != nooks_work_fn) {
		if (!nooks_driver_fn(dom, w->func))
			return;
		if (nooks_cb_set(dom, w, w->func, nooks_work_restore))
			return;
		w->func = nooks_work_fn;
	}
	nooks_track_add(dom, &nooks_obj_work, (unsigned long)w, delayed, 0, 0);
}

static bool nooks_queue_work_on(int cpu, struct workqueue_struct *wq,
				struct work_struct *w)
{
	nooks_work_queued(nooks_caller_domain(), w, false);
	return queue_work_on(cpu, wq, w);
}

static bool nooks_queue_delayed_work_on(int cpu, struct workqueue_struct *wq,
					struct delayed_work *dw,
					unsigned long delay)
{
	nooks_work_queued(nooks_caller_domain(), &dw->work, true);
	return queue_delayed_work_on(cpu, wq, dw, delay);
}

static bool nooks_mod_delayed_work_on(int cpu, struct workqueue_struct *wq,
				      struct delayed_work *dw,
				      unsigned long delay)
{
	nooks_work_queued(nooks_caller_domain(), &dw->work, true);
	return mod_delayed_work_on(cpu, wq, dw, delay);
}

static bool nooks_cancel_work_sync(struct work_struct *w)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_obj_work, (unsigned long)w, NULL);
	return cancel_work_sync(w);
}

static bool nooks_cancel_delayed_work_sync(struct delayed_work *dw)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_obj_work, (unsigned long)&dw->work,
				NULL);
	return cancel_delayed_work_sync(dw);
}

NOOKS_RELEASE(work)
{
	struct work_struct *w = (struct work_struct *)obj->key;

	if (obj->a[0])
		cancel_delayed_work_sync(to_delayed_work(w));
	else
		cancel_work_sync(w);
}

/* tasklets */

static void nooks_tasklet_fn(struct tasklet_struct *t)
{
	struct nooks_domain *dom;
	void (*fn)(struct tasklet_struct *t) = nooks_cb_get(t, &dom);

	if (!fn)
		return;
	nooks_track_del(dom, &nooks_obj_tasklet, (unsigned long)t, NULL);
	NOOKS_CALL_VOID(dom, "tasklet", fn(t), (void)0);
}

static void nooks_tasklet_restore(const void *key, void *fn)
{
	struct tasklet_struct *t = (struct tasklet_struct *)key;

	if (t->use_callback && READ_ONCE(t->callback) == nooks_tasklet_fn)
		WRITE_ONCE(t->callback, fn);
}

static void nooks_tasklet_setup(struct tasklet_struct *t,
				void (*fn)(struct tasklet_struct *))
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom && nooks_driver_fn(dom, fn) &&
	    !nooks_cb_set(dom, t, fn, nooks_tasklet_restore))
		fn = nooks_tasklet_fn;
	tasklet_setup(t, fn);
}

static void nooks_tasklet_schedule(struct tasklet_struct *t)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom && t->use_callback && t->callback == nooks_tasklet_fn)
		nooks_track_add(dom, &nooks_obj_tasklet, (unsigned long)t,
				0, 0, 0);
	__tasklet_schedule(t);
}

static void nooks_tasklet_kill(struct tasklet_struct *t)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_obj_tasklet, (unsigned long)t, NULL);
	tasklet_kill(t);
}

NOOKS_RELEASE(tasklet)
{
	tasklet_kill((struct tasklet_struct *)obj->key);
}

static const struct nooks_import nooks_sched_list[] = {
	NOOKS_IMPORT(init_timer_key, nooks_init_timer_key),
	NOOKS_IMPORT(mod_timer, nooks_mod_timer),
	NOOKS_IMPORT(add_timer, nooks_add_timer),
	NOOKS_IMPORT(timer_delete_sync, nooks_timer_delete_sync),
	NOOKS_IMPORT(timer_delete, nooks_timer_delete),
	NOOKS_IMPORT(queue_work_on, nooks_queue_work_on),
	NOOKS_IMPORT(queue_delayed_work_on, nooks_queue_delayed_work_on),
	NOOKS_IMPORT(mod_delayed_work_on, nooks_mod_delayed_work_on),
	NOOKS_IMPORT(cancel_work_sync, nooks_cancel_work_sync),
	NOOKS_IMPORT(cancel_delayed_work_sync, nooks_cancel_delayed_work_sync),
	NOOKS_IMPORT(tasklet_setup, nooks_tasklet_setup),
	NOOKS_IMPORT(__tasklet_schedule, nooks_tasklet_schedule),
	NOOKS_IMPORT(tasklet_kill, nooks_tasklet_kill),
};

const struct nooks_import_table nooks_sched_imports = {
	.name = "sched",
	.imports = nooks_sched_list,
	.n = ARRAY_SIZE(nooks_sched_list),
};
