/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/wrap_lock.h - the per-CPU record of the spinlocks drivers hold
 * (nooks/wrap_lock.c), shared with the end of a protected call, which
 * checks it inline.
 */
#ifndef _NOOKS_WRAP_LOCK_H
#define _NOOKS_WRAP_LOCK_H

#include <linux/percpu.h>
#include <linux/spinlock.h>

struct nooks_domain;

/* spinlocks recorded per CPU; more are taken but not recorded */
#define NOOKS_HELD_MAX	16

/**
 * struct nooks_held - a spinlock held by a driver
 * @lock: the lock
 * @dom: the driver's domain
 * @task: the task it was taken in (the interrupted one in an interrupt)
 * @ctx: the interrupt-context bits of preempt_count() it was taken in
 * @sp: the stack pointer of the code that took it: inside a protected
 *	call of that context when below the call's saved stack pointer
 * @since: local_clock() when it was taken
 */
struct nooks_held {
	raw_spinlock_t *lock;
	struct nooks_domain *dom;
	struct task_struct *task;
	unsigned long ctx;
	unsigned long sp;
	u64 since;
};

/**
 * struct nooks_held_cpu - the driver spinlocks held on one CPU
 * @guard: protects the rest against nooks_locks_release() from another CPU
 * @n: entries in @held
 * @held: the locks, oldest first
 */
struct nooks_held_cpu {
	raw_spinlock_t guard;
	unsigned int n;
	struct nooks_held held[NOOKS_HELD_MAX];
};

DECLARE_PER_CPU(struct nooks_held_cpu, nooks_held_cpu);

bool __nooks_locks_left(struct nooks_domain *dom, unsigned long ctx,
			unsigned long sp);

/**
 * nooks_locks_left() - did a protected call return with a lock it took?
 * @dom: the domain of the call
 * @ctx: the interrupt-context bits of the call
 * @sp: the stack pointer the call saved at entry
 *
 * Called on the call's way out, on its CPU: true if a lock of @dom that
 * current took in @ctx inside the call (below @sp) is still recorded as
 * held.  One per-CPU read when this CPU records no lock.
 */
static __always_inline bool nooks_locks_left(struct nooks_domain *dom,
					     unsigned long ctx,
					     unsigned long sp)
{
	if (likely(!this_cpu_read(nooks_held_cpu.n)))
		return false;
	return __nooks_locks_left(dom, ctx, sp);
}

#endif /* _NOOKS_WRAP_LOCK_H */
