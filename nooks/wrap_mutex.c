// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/wrap_mutex.c - the sleeping locks an isolated driver holds.
 *
 * A mutex or rw_semaphore that a driver took in a call that was then
 * aborted stays held for good: the next task that wants it (the restart's
 * own probe, when the lock is a static of the driver's module such as
 * e1000's EEPROM lock; an application's ioctl; libata's error handler,
 * when the lock is a kernel object such as a SCSI host's scan mutex)
 * sleeps forever.  So the driver's calls to the mutex and rwsem functions
 * reach wrappers that:
 *
 *  - record every sleeping lock the driver holds, with its domain, the
 *    task that took it, that task's stack pointer and the time;
 *  - when a protected call is aborted, release the locks its task took
 *    inside that call (nooks_sleeplocks_release_task(), from the fault
 *    handler, in the aborted task);
 *  - when the driver is restarted, release those of its domain still held
 *    since before the failure, once no call is left in the driver
 *    (nooks_sleeplocks_release()): a task of the failed instance that
 *    went back to the kernel with one held will never release it;
 *  - turn a task's wait for a lock it holds itself (a self-deadlock) into
 *    a failure of the driver instead of a task asleep forever.
 *
 * Unlike a spinlock, a sleeping lock may lawfully stay held when a call
 * returns (taken in one callback, released in a later one), so a call
 * that returns with one held is not a failure.  A wait for a lock held by
 * another live task is not bounded here: a holder that never releases it
 * is a hang of that task's call, for the hang watchdog.
 *
 * Only the lock is released: what the aborted code was doing under it is
 * left as it was; the driver has failed and is restarted.  A lock is
 * unlocked by a task that may not be its owner, which the kernel allows
 * when CONFIG_DEBUG_MUTEXES and CONFIG_DEBUG_RWSEMS are off (Debian's
 * kernels); with them on it warns.  At most NOOKS_SLEEP_MAX locks are
 * recorded at once, over all drivers; more are taken but not recorded.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>

#include "domain.h"
#include "wrap.h"

#define NOOKS_SLEEP_MAX	64

enum nooks_sleep_kind {
	NOOKS_SLEEP_MUTEX,
	NOOKS_SLEEP_WRITE,	/* rw_semaphore held for writing */
	NOOKS_SLEEP_READ,	/* rw_semaphore held for reading */
};

static const char * const nooks_sleep_names[] = {
	[NOOKS_SLEEP_MUTEX]	= "mutex",
	[NOOKS_SLEEP_WRITE]	= "rwsem (write)",
	[NOOKS_SLEEP_READ]	= "rwsem (read)",
};

/**
 * struct nooks_sleep_held - a sleeping lock held by a driver
 * @lock: the struct mutex or struct rw_semaphore; NULL: free slot
 * @kind: enum nooks_sleep_kind
 * @dom: the driver's domain
 * @task: the task that took it
 * @sp: the stack pointer of the code that took it: inside a protected
 *	call of @task when below the call's saved stack pointer
 * @since: local_clock() when it was taken
 */
struct nooks_sleep_held {
	void *lock;
	int kind;
	struct nooks_domain *dom;
	struct task_struct *task;
	unsigned long sp;
	u64 since;
};

/* Slots in use are counted so that a driver holding none costs one read. */
static DEFINE_RAW_SPINLOCK(nooks_sleep_guard);
static struct nooks_sleep_held nooks_sleep_held[NOOKS_SLEEP_MAX];
static unsigned int nooks_sleep_used;

/* See nooks_caller_sp() in wrap_lock.c. */
#define nooks_sleep_sp()	((unsigned long)__builtin_frame_address(0))

static void nooks_sleep_add(struct nooks_domain *dom, void *lock, int kind,
			    unsigned long sp)
{
	struct nooks_sleep_held *e;
	unsigned long flags;

	raw_spin_lock_irqsave(&nooks_sleep_guard, flags);
	for (e = nooks_sleep_held; e < nooks_sleep_held + NOOKS_SLEEP_MAX; e++) {
		if (e->lock)
			continue;
		e->lock = lock;
		e->kind = kind;
		e->dom = dom;
		e->task = current;
		e->sp = sp;
		e->since = local_clock();
		nooks_sleep_used++;
		break;
	}
	raw_spin_unlock_irqrestore(&nooks_sleep_guard, flags);
}

/* Forget the record of @lock, current's if current holds it. */
static void nooks_sleep_del(void *lock)
{
	struct nooks_sleep_held *e, *found = NULL;
	unsigned long flags;

	if (likely(!READ_ONCE(nooks_sleep_used)))
		return;
	raw_spin_lock_irqsave(&nooks_sleep_guard, flags);
	for (e = nooks_sleep_held; e < nooks_sleep_held + NOOKS_SLEEP_MAX; e++) {
		if (e->lock != lock)
			continue;
		found = e;
		if (e->task == current)
			break;
	}
	if (found) {
		found->lock = NULL;
		nooks_sleep_used--;
	}
	raw_spin_unlock_irqrestore(&nooks_sleep_guard, flags);
}

/* Does current hold @lock exclusively (or at all, with @any)? */
static bool nooks_sleep_mine(void *lock, bool any)
{
	struct nooks_sleep_held *e;
	unsigned long flags;
	bool mine = false;

	if (likely(!READ_ONCE(nooks_sleep_used)))
		return false;
	raw_spin_lock_irqsave(&nooks_sleep_guard, flags);
	for (e = nooks_sleep_held; e < nooks_sleep_held + NOOKS_SLEEP_MAX; e++)
		if (e->lock == lock && e->task == current &&
		    (any || e->kind != NOOKS_SLEEP_READ))
			mine = true;
	raw_spin_unlock_irqrestore(&nooks_sleep_guard, flags);
	return mine;
}

/*
 * The driver of @dom, at @ip, is about to wait for a lock current already
 * holds: it would sleep forever.  Abort its call; outside a protected call
 * (a helper module's code) fail the domain, and the wait ends when the
 * restart releases the lock.
 */
static void nooks_sleep_deadlock(struct nooks_domain *dom, void *lock,
				 unsigned long ip)
{
	pr_err("%s: deadlock: task %d waits at %pS for lock %ps it holds\n",
	       dom->name, task_pid_nr(current), (void *)ip, lock);
	nooks_fault_abort(NOOKS_FAULT_LOCK, ip);
	nooks_domain_found(dom, NOOKS_FAULT_LOCK, ip, "sleeping lock wait");
}

/*
 * Common part of the wrappers that wait: the caller's domain, after a
 * deadlock check for locks taken exclusively (@any: also for a lock
 * current holds for reading, which a waiting writer would block).
 */
static struct nooks_domain *nooks_sleep_wait_check(void *lock, bool any,
						   unsigned long ip)
{
	struct nooks_domain *dom = nooks_domain_of_caller(ip);

	if (dom && nooks_sleep_mine(lock, any))
		nooks_sleep_deadlock(dom, lock, ip);
	return dom;
}

#define nooks_sleep_ip()	((unsigned long)__builtin_return_address(0))

static void nooks_mutex_lock(struct mutex *lock)
{
	struct nooks_domain *dom = nooks_sleep_wait_check(lock, true,
							  nooks_sleep_ip());

	mutex_lock(lock);
	if (dom)
		nooks_sleep_add(dom, lock, NOOKS_SLEEP_MUTEX, nooks_sleep_sp());
}

static int nooks_mutex_lock_interruptible(struct mutex *lock)
{
	struct nooks_domain *dom = nooks_sleep_wait_check(lock, true,
							  nooks_sleep_ip());
	int ret = mutex_lock_interruptible(lock);

	if (!ret && dom)
		nooks_sleep_add(dom, lock, NOOKS_SLEEP_MUTEX, nooks_sleep_sp());
	return ret;
}

static int nooks_mutex_lock_killable(struct mutex *lock)
{
	struct nooks_domain *dom = nooks_sleep_wait_check(lock, true,
							  nooks_sleep_ip());
	int ret = mutex_lock_killable(lock);

	if (!ret && dom)
		nooks_sleep_add(dom, lock, NOOKS_SLEEP_MUTEX, nooks_sleep_sp());
	return ret;
}

static int nooks_mutex_trylock(struct mutex *lock)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = mutex_trylock(lock);

	if (ret && dom)
		nooks_sleep_add(dom, lock, NOOKS_SLEEP_MUTEX, nooks_sleep_sp());
	return ret;
}

static void nooks_mutex_unlock(struct mutex *lock)
{
	nooks_sleep_del(lock);
	mutex_unlock(lock);
}

static void nooks_down_write(struct rw_semaphore *sem)
{
	struct nooks_domain *dom = nooks_sleep_wait_check(sem, true,
							  nooks_sleep_ip());

	down_write(sem);
	if (dom)
		nooks_sleep_add(dom, sem, NOOKS_SLEEP_WRITE, nooks_sleep_sp());
}

static int nooks_down_write_trylock(struct rw_semaphore *sem)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = down_write_trylock(sem);

	if (ret && dom)
		nooks_sleep_add(dom, sem, NOOKS_SLEEP_WRITE, nooks_sleep_sp());
	return ret;
}

static void nooks_up_write(struct rw_semaphore *sem)
{
	nooks_sleep_del(sem);
	up_write(sem);
}

static void nooks_down_read(struct rw_semaphore *sem)
{
	struct nooks_domain *dom = nooks_sleep_wait_check(sem, false,
							  nooks_sleep_ip());

	down_read(sem);
	if (dom)
		nooks_sleep_add(dom, sem, NOOKS_SLEEP_READ, nooks_sleep_sp());
}

static int nooks_down_read_trylock(struct rw_semaphore *sem)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = down_read_trylock(sem);

	if (ret && dom)
		nooks_sleep_add(dom, sem, NOOKS_SLEEP_READ, nooks_sleep_sp());
	return ret;
}

static void nooks_up_read(struct rw_semaphore *sem)
{
	nooks_sleep_del(sem);
	up_read(sem);
}

/* Release @e's lock and free its slot; caller holds nooks_sleep_guard. */
static void nooks_sleep_release(struct nooks_sleep_held *e)
{
	pr_warn("%s: released %s %ps its failed driver held (task %d)\n",
		e->dom->name, nooks_sleep_names[e->kind], e->lock,
		task_pid_nr(e->task));
	switch (e->kind) {
	case NOOKS_SLEEP_MUTEX:
		mutex_unlock(e->lock);
		break;
	case NOOKS_SLEEP_WRITE:
		up_write(e->lock);
		break;
	case NOOKS_SLEEP_READ:
		up_read(e->lock);
		break;
	}
	e->lock = NULL;
	nooks_sleep_used--;
}

/*
 * Release (or, with @forget, only forget) the locks of @dom taken no later
 * than @before; with @task, only those @task took below @sp.
 */
static void nooks_sleep_walk(struct nooks_domain *dom, struct task_struct *task,
			     unsigned long sp, u64 before, bool forget)
{
	struct nooks_sleep_held *e;
	unsigned long flags;

	if (likely(!READ_ONCE(nooks_sleep_used)))
		return;
	raw_spin_lock_irqsave(&nooks_sleep_guard, flags);
	for (e = nooks_sleep_held; e < nooks_sleep_held + NOOKS_SLEEP_MAX; e++) {
		if (!e->lock || e->dom != dom || e->since > before)
			continue;
		if (task && (e->task != task || e->sp >= sp))
			continue;
		if (forget) {
			e->lock = NULL;
			nooks_sleep_used--;
		} else {
			nooks_sleep_release(e);
		}
	}
	raw_spin_unlock_irqrestore(&nooks_sleep_guard, flags);
}

/**
 * nooks_sleeplocks_release_task() - release the sleeping locks of an
 * aborted call
 * @dom: the domain of the aborted call
 * @sp: the stack pointer the aborted call saved at entry
 *
 * Called by the fault handler in the task of an aborted process-context
 * call: releases the locks of @dom that current took inside the call.
 */
void nooks_sleeplocks_release_task(struct nooks_domain *dom, unsigned long sp)
{
	nooks_sleep_walk(dom, current, sp, U64_MAX, false);
}

/**
 * nooks_sleeplocks_release() - release the sleeping locks a stopped driver
 * still holds
 * @dom: the domain, with no call left in its driver (restart, after the
 *	wait)
 * @before: release those taken no later than this (local_clock() time:
 *	the failure)
 *
 * Must run before the driver's memory, where its locks may live, is freed.
 */
void nooks_sleeplocks_release(struct nooks_domain *dom, u64 before)
{
	nooks_sleep_walk(dom, NULL, 0, before, false);
}

/**
 * nooks_sleeplocks_forget() - forget a domain's sleeping locks
 * @dom: the domain, detached or whose module is going away
 */
void nooks_sleeplocks_forget(struct nooks_domain *dom)
{
	nooks_sleep_walk(dom, NULL, 0, U64_MAX, true);
}

static const struct nooks_import nooks_mutex_list[] = {
	NOOKS_IMPORT(mutex_lock, nooks_mutex_lock),
	NOOKS_IMPORT(mutex_lock_interruptible, nooks_mutex_lock_interruptible),
	NOOKS_IMPORT(mutex_lock_killable, nooks_mutex_lock_killable),
	NOOKS_IMPORT(mutex_trylock, nooks_mutex_trylock),
	NOOKS_IMPORT(mutex_unlock, nooks_mutex_unlock),
	NOOKS_IMPORT(down_write, nooks_down_write),
	NOOKS_IMPORT(down_write_trylock, nooks_down_write_trylock),
	NOOKS_IMPORT(up_write, nooks_up_write),
	NOOKS_IMPORT(down_read, nooks_down_read),
	NOOKS_IMPORT(down_read_trylock, nooks_down_read_trylock),
	NOOKS_IMPORT(up_read, nooks_up_read),
};

const struct nooks_import_table nooks_mutex_imports = {
	.name = "mutex",
	.imports = nooks_mutex_list,
	.n = ARRAY_SIZE(nooks_mutex_list),
};
