// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/wrap_lock.c - the spinlocks an isolated driver holds.
 *
 * A driver aborted in the middle of a critical section leaves its lock
 * held, and every other context that wants it (its interrupt handler on
 * another CPU, its transmit path) then spins forever in the kernel's lock
 * code, where the hang watchdog may not abort it: the machine hangs on a
 * lock the driver will never release.  So the driver's calls to the
 * spinlock functions reach wrappers that:
 *
 *  - record every lock the driver holds, per CPU (a spinlock is held with
 *    preemption off, so it is released on the CPU that took it), with
 *    the domain, task and context that took it;
 *  - when a protected call returns with a lock it took still held (an
 *    unlock a bug skipped or aimed at another lock: preemption may look
 *    balanced), count the call as failed like one that returns with
 *    preemption off (nooks_locks_left(), from nooks_call_end());
 *  - when a protected call is aborted, release the locks its context
 *    took inside that call and still holds (nooks_locks_release_context(),
 *    from the fault handler); a lock the domain's code took before the
 *    call began (libata's port lock, held around a port operation that
 *    is a protected call of its own) stays with that code, which goes on
 *    and releases it;
 *  - when the driver is restarted, release any lock of its domain still
 *    held since before the failure, e.g. one whose unlock a bug skipped
 *    (nooks_locks_release()); one taken since is held by code that runs
 *    on, and is its to release;
 *  - take a lock with a bounded spin: a driver waiting longer than
 *    lock_wait_ms for its own lock is deadlocked, and its wait is aborted
 *    as a hang of the driver; code of the domain that waits outside a
 *    protected call (a helper module's, such as libata's command path)
 *    cannot be aborted: the domain fails, and the wait ends when its
 *    restart releases the locks the failed driver left held.
 *
 * Only the lock word is released: preempt count, bottom halves and IRQ
 * flags of the aborted context are restored by the frame recovery.
 * Releasing a lock lets its waiters run on possibly inconsistent driver
 * data; the driver has failed by then, and what they do wrong is
 * contained like any other fault.  At most NOOKS_HELD_MAX locks per CPU
 * are recorded; more are taken but not recorded.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>

#include "domain.h"
#include "fault.h"
#include "wrap.h"
#include "wrap_lock.h"

static unsigned int nooks_lock_wait_ms = 1000;
module_param_named(lock_wait_ms, nooks_lock_wait_ms, uint, 0644);
MODULE_PARM_DESC(lock_wait_ms,
		 "a driver waiting longer than this for one of its spinlocks is deadlocked (ms; 0: wait forever)");


DEFINE_PER_CPU(struct nooks_held_cpu, nooks_held_cpu);

enum nooks_spin_kind {
	NOOKS_SPIN,
	NOOKS_SPIN_BH,
	NOOKS_SPIN_IRQ,
};

/*
 * The stack pointer of a lock wrapper's caller, near enough: the wrapper's
 * frame address lies just below it, above any protected call the caller
 * makes later and below any protected call the caller runs inside.
 */
#define nooks_caller_sp()	((unsigned long)__builtin_frame_address(0))

static void nooks_held_add(struct nooks_domain *dom, raw_spinlock_t *lock,
			   unsigned long sp)
{
	struct nooks_held_cpu *h;
	unsigned long flags;

	local_irq_save(flags);
	h = this_cpu_ptr(&nooks_held_cpu);
	raw_spin_lock(&h->guard);
	if (h->n < NOOKS_HELD_MAX) {
		h->held[h->n].lock = lock;
		h->held[h->n].dom = dom;
		h->held[h->n].task = current;
		h->held[h->n].ctx = preempt_count() & NOOKS_CTX_MASK;
		h->held[h->n].sp = sp;
		h->held[h->n].since = local_clock();
		h->n++;
	}
	raw_spin_unlock(&h->guard);
	local_irq_restore(flags);
}

/* Drop entry @i of @h; caller holds h->guard. */
static void nooks_held_drop(struct nooks_held_cpu *h, unsigned int i)
{
	memmove(&h->held[i], &h->held[i + 1],
		(h->n - i - 1) * sizeof(h->held[0]));
	h->n--;
}

static void nooks_held_del(raw_spinlock_t *lock)
{
	struct nooks_held_cpu *h;
	unsigned long flags;
	unsigned int i;

	local_irq_save(flags);
	h = this_cpu_ptr(&nooks_held_cpu);
	raw_spin_lock(&h->guard);
	for (i = h->n; i-- > 0; ) {
		if (h->held[i].lock == lock) {
			nooks_held_drop(h, i);
			break;
		}
	}
	raw_spin_unlock(&h->guard);
	local_irq_restore(flags);
}

static bool nooks_spin_try(raw_spinlock_t *lock, int kind)
{
	return kind == NOOKS_SPIN_BH ? _raw_spin_trylock_bh(lock) :
				       _raw_spin_trylock(lock);
}

/*
 * Take @lock for the driver of @dom that called from @ip, with interrupts
 * already off for NOOKS_SPIN_IRQ; abort the driver's call if it waits
 * longer than lock_wait_ms.
 */
static void nooks_spin_acquire(struct nooks_domain *dom, raw_spinlock_t *lock,
			       int kind, unsigned long ip, unsigned long sp)
{
	unsigned int ms = READ_ONCE(nooks_lock_wait_ms);
	u64 deadline = 0;

	while (!nooks_spin_try(lock, kind)) {
		if (ms && !deadline) {
			deadline = local_clock() + (u64)ms * NSEC_PER_MSEC;
		} else if (ms && local_clock() > deadline) {
			pr_err("%s: deadlock: waited %u ms for lock %p at %pS\n",
			       dom->name, ms, lock, (void *)ip);
			nooks_fault_abort(NOOKS_FAULT_HANG, ip);
			/* not in a protected call: wait for the restart */
			nooks_domain_found(dom, NOOKS_FAULT_LOCK, ip,
					   "lock wait");
			ms = 0;
		}
		cpu_relax();
	}
	nooks_held_add(dom, lock, sp);
}

static void nooks_raw_spin_lock(raw_spinlock_t *lock)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (!dom)
		return _raw_spin_lock(lock);
	nooks_spin_acquire(dom, lock, NOOKS_SPIN,
			   (unsigned long)__builtin_return_address(0),
			   nooks_caller_sp());
}

static void nooks_raw_spin_lock_bh(raw_spinlock_t *lock)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (!dom)
		return _raw_spin_lock_bh(lock);
	nooks_spin_acquire(dom, lock, NOOKS_SPIN_BH,
			   (unsigned long)__builtin_return_address(0),
			   nooks_caller_sp());
}

static void nooks_raw_spin_lock_irq(raw_spinlock_t *lock)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (!dom)
		return _raw_spin_lock_irq(lock);
	local_irq_disable();
	nooks_spin_acquire(dom, lock, NOOKS_SPIN_IRQ,
			   (unsigned long)__builtin_return_address(0),
			   nooks_caller_sp());
}

static unsigned long nooks_raw_spin_lock_irqsave(raw_spinlock_t *lock)
{
	struct nooks_domain *dom = nooks_caller_domain();
	unsigned long flags;

	if (!dom)
		return _raw_spin_lock_irqsave(lock);
	local_irq_save(flags);
	nooks_spin_acquire(dom, lock, NOOKS_SPIN_IRQ,
			   (unsigned long)__builtin_return_address(0),
			   nooks_caller_sp());
	return flags;
}

static int nooks_raw_spin_trylock(raw_spinlock_t *lock)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = _raw_spin_trylock(lock);

	if (ret && dom)
		nooks_held_add(dom, lock, nooks_caller_sp());
	return ret;
}

static int nooks_raw_spin_trylock_bh(raw_spinlock_t *lock)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = _raw_spin_trylock_bh(lock);

	if (ret && dom)
		nooks_held_add(dom, lock, nooks_caller_sp());
	return ret;
}

static void nooks_raw_spin_unlock(raw_spinlock_t *lock)
{
	nooks_held_del(lock);
	_raw_spin_unlock(lock);
}

static void nooks_raw_spin_unlock_bh(raw_spinlock_t *lock)
{
	nooks_held_del(lock);
	_raw_spin_unlock_bh(lock);
}

static void nooks_raw_spin_unlock_irq(raw_spinlock_t *lock)
{
	nooks_held_del(lock);
	_raw_spin_unlock_irq(lock);
}

static void nooks_raw_spin_unlock_irqrestore(raw_spinlock_t *lock,
					     unsigned long flags)
{
	nooks_held_del(lock);
	_raw_spin_unlock_irqrestore(lock, flags);
}

/* Release entry @i of @h (its lock word only); caller holds h->guard. */
static void nooks_held_release(struct nooks_held_cpu *h, unsigned int i)
{
	struct nooks_held *e = &h->held[i];

	pr_warn("%s: released spinlock %p its failed driver held\n",
		e->dom->name, e->lock);
	do_raw_spin_unlock(e->lock);
	nooks_held_drop(h, i);
}

/**
 * nooks_locks_release_context() - release the locks an aborted call took
 * @dom: the domain of the aborted call
 * @ctx: the interrupt-context bits of the aborted call
 * @sp: the stack pointer the aborted call saved at entry
 *
 * Called in the context of the aborted call, on its CPU, by the fault
 * handler: releases the locks of @dom taken by current in @ctx inside the
 * call (below @sp on the context's stack).
 */
void nooks_locks_release_context(struct nooks_domain *dom, unsigned long ctx,
				 unsigned long sp)
{
	struct nooks_held_cpu *h;
	unsigned long flags;
	unsigned int i;

	local_irq_save(flags);
	h = this_cpu_ptr(&nooks_held_cpu);
	raw_spin_lock(&h->guard);
	for (i = h->n; i-- > 0; ) {
		if (h->held[i].dom == dom && h->held[i].task == current &&
		    h->held[i].ctx == ctx && h->held[i].sp < sp)
			nooks_held_release(h, i);
	}
	raw_spin_unlock(&h->guard);
	local_irq_restore(flags);
}

/* nooks_locks_left(), when this CPU records a lock */
bool __nooks_locks_left(struct nooks_domain *dom, unsigned long ctx,
			unsigned long sp)
{
	struct nooks_held_cpu *h;
	unsigned long flags;
	bool left = false;
	unsigned int i;

	local_irq_save(flags);
	h = this_cpu_ptr(&nooks_held_cpu);
	raw_spin_lock(&h->guard);
	for (i = 0; i < h->n && !left; i++)
		left = h->held[i].dom == dom && h->held[i].task == current &&
		       h->held[i].ctx == ctx && h->held[i].sp < sp;
	raw_spin_unlock(&h->guard);
	local_irq_restore(flags);
	return left;
}

/*
 * Release (or, with @forget, only forget) every lock recorded for @dom on
 * every CPU, taken no later than @before (local_clock() time).
 */
static void nooks_locks_walk(struct nooks_domain *dom, bool forget, u64 before)
{
	struct nooks_held_cpu *h;
	unsigned long flags;
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		h = per_cpu_ptr(&nooks_held_cpu, cpu);
		raw_spin_lock_irqsave(&h->guard, flags);
		for (i = h->n; i-- > 0; ) {
			if (h->held[i].dom != dom || h->held[i].since > before)
				continue;
			if (forget)
				nooks_held_drop(h, i);
			else
				nooks_held_release(h, i);
		}
		raw_spin_unlock_irqrestore(&h->guard, flags);
	}
}

/**
 * nooks_locks_release() - release every lock a stopped driver still holds
 * @dom: the domain, whose driver no longer runs (restart, after the wait)
 * @before: release the locks taken no later than this (local_clock()
 *	time: the failure); code of the domain that runs on meanwhile (a
 *	helper's code outside the driver's entries) holds its own a moment
 *
 * Must run before the driver's memory, where its locks live, is freed.
 */
void nooks_locks_release(struct nooks_domain *dom, u64 before)
{
	nooks_locks_walk(dom, false, before);
}

/**
 * nooks_locks_forget() - forget the locks of a domain without touching them
 * @dom: the domain, detached or whose module is going away
 */
void nooks_locks_forget(struct nooks_domain *dom)
{
	nooks_locks_walk(dom, true, U64_MAX);
}

/**
 * nooks_locks_init() - set up the per-CPU records (nooks.ko init)
 */
void nooks_locks_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		raw_spin_lock_init(&per_cpu_ptr(&nooks_held_cpu, cpu)->guard);
}

static const struct nooks_import nooks_lock_list[] = {
	NOOKS_IMPORT(_raw_spin_lock, nooks_raw_spin_lock),
	NOOKS_IMPORT(_raw_spin_lock_bh, nooks_raw_spin_lock_bh),
	NOOKS_IMPORT(_raw_spin_lock_irq, nooks_raw_spin_lock_irq),
	NOOKS_IMPORT(_raw_spin_lock_irqsave, nooks_raw_spin_lock_irqsave),
	NOOKS_IMPORT(_raw_spin_trylock, nooks_raw_spin_trylock),
	NOOKS_IMPORT(_raw_spin_trylock_bh, nooks_raw_spin_trylock_bh),
	NOOKS_IMPORT(_raw_spin_unlock, nooks_raw_spin_unlock),
	NOOKS_IMPORT(_raw_spin_unlock_bh, nooks_raw_spin_unlock_bh),
	NOOKS_IMPORT(_raw_spin_unlock_irq, nooks_raw_spin_unlock_irq),
	NOOKS_IMPORT(_raw_spin_unlock_irqrestore, nooks_raw_spin_unlock_irqrestore),
};

const struct nooks_import_table nooks_lock_imports = {
	.name = "lock",
	.imports = nooks_lock_list,
	.n = ARRAY_SIZE(nooks_lock_list),
};
