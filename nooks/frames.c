// SPDX-License-Identifier: GPL-2.0
/*
 * Nooks: the frame registry, where protected-call frames are published
 * and found.
 *
 * Where frames are published:
 *  - Calls made in softirq or hardirq context cannot migrate: their frames
 *    go on a per-CPU list.  NMI-context calls use a second per-CPU list, so
 *    that an NMI never has to update a list it may have interrupted.
 *  - Process-context calls may sleep and migrate: their frames go in a
 *    small hash table keyed by task, with one raw spinlock per bucket, so
 *    two calls only contend when their tasks hash to the same bucket.
 * Every list holds the newest frame first, so the first frame that
 * matches a fault is the innermost one.
 *
 * A fault matches a frame when it happened in the same task, with the
 * same interrupt-context bits of preempt_count() (NMI, hardirq nesting,
 * serving softirq), and with a stack pointer below the frame's saved one
 * on the same stack.  The trap frame is then rewritten (fault.c) so that
 * the trap returns into nooks_longjmp(frame, kind), and
 * nooks_frame_recover() repairs the CPU state the aborted code left behind.
 *
 * Lookups from a trap, a timer or an NMI only ever dereference frames of
 * the context they interrupted (which cannot go away meanwhile), or walk
 * a bucket under its lock, so a frame that is being popped on another CPU
 * is never followed after its stack has been reused.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "domain.h"
#include "fault.h"
#include "text.h"

/**
 * struct nooks_cpu_frames - per-CPU frame bookkeeping
 * @irq: frames of softirq and hardirq calls on this CPU, newest first
 * @nmi: frames of NMI-context calls on this CPU, newest first
 * @nr_atomic: frames on @irq and @nmi (read remotely by the hang watchdog)
 * @nr_task: process-context frames pushed minus popped on this CPU; the
 *	sum over all CPUs is the number of live process-context frames
 * @bucket_held: this CPU holds a task-hash bucket lock
 */
struct nooks_cpu_frames {
	struct list_head irq;
	struct list_head nmi;
	int nr_atomic;
	long nr_task;
	bool bucket_held;
};

static DEFINE_PER_CPU(struct nooks_cpu_frames, nooks_cpu_frames);

#define NOOKS_HASH_BITS	8

struct nooks_bucket {
	raw_spinlock_t lock;
	struct list_head frames;
} ____cacheline_aligned_in_smp;

static struct nooks_bucket nooks_task_hash[1 << NOOKS_HASH_BITS];

static struct nooks_bucket *nooks_bucket_of(struct task_struct *t)
{
	return &nooks_task_hash[hash_ptr(t, NOOKS_HASH_BITS)];
}

static struct list_head *nooks_cpu_list(struct nooks_cpu_frames *pc,
					unsigned long ctx)
{
	return (ctx & NMI_MASK) ? &pc->nmi : &pc->irq;
}

static unsigned long nooks_bucket_lock(struct nooks_bucket *b)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&b->lock, flags);
	__this_cpu_write(nooks_cpu_frames.bucket_held, true);
	return flags;
}

static void nooks_bucket_unlock(struct nooks_bucket *b, unsigned long flags)
{
	__this_cpu_write(nooks_cpu_frames.bucket_held, false);
	raw_spin_unlock_irqrestore(&b->lock, flags);
}

/*
 * Lock a bucket from a trap, a timer or an NMI.  Fails rather than
 * deadlocks when this CPU already holds a bucket lock (a fault inside the
 * push/pop code itself), and in NMI context never spins.
 */
static bool nooks_bucket_trylock(struct nooks_bucket *b, unsigned long *flags,
				 bool nmi)
{
	local_irq_save(*flags);
	if (__this_cpu_read(nooks_cpu_frames.bucket_held))
		goto fail;
	if (nmi) {
		if (!raw_spin_trylock(&b->lock))
			goto fail;
	} else {
		raw_spin_lock(&b->lock);
	}
	__this_cpu_write(nooks_cpu_frames.bucket_held, true);
	return true;
fail:
	local_irq_restore(*flags);
	return false;
}

static bool nooks_frame_covers(const struct nooks_frame *f, unsigned long sp)
{
	unsigned long top = f->jb[NOOKS_JB_RSP];

	return sp < top && top - sp < THREAD_SIZE;
}

/* Frames nest at most this deep in one list (a bound for a broken list). */
#define NOOKS_MAX_FRAMES	64

/*
 * The newest frame of @head that is @t's, of context @ctx (when
 * @match_ctx), and whose stack covers @sp (unless @any_sp). Each frame is
 * read with copy_from_kernel_nofault(): a driver that wrote over its
 * caller's stack may have broken a frame's links, and this walk runs in
 * the fault path, where a fault of its own would recurse.
 */
static struct nooks_frame *nooks_walk(struct list_head *head,
				      struct task_struct *t, bool match_ctx,
				      unsigned long ctx, unsigned long sp,
				      bool any_sp)
{
	struct nooks_frame tmp, *f;
	struct list_head *pos;
	unsigned int n;

	if (get_kernel_nofault(pos, &head->next))
		return NULL;
	for (n = 0; pos != head && n < NOOKS_MAX_FRAMES; n++) {
		f = list_entry(pos, struct nooks_frame, node);
		if (copy_from_kernel_nofault(&tmp, f, sizeof(tmp)))
			return NULL;
		if ((!match_ctx || tmp.ctx == ctx) && tmp.task == t &&
		    (any_sp || nooks_frame_covers(&tmp, sp)))
			return f;
		pos = tmp.node.next;
	}
	return NULL;
}
NOKPROBE_SYMBOL(nooks_walk);

/*
 * The innermost frame of the context whose stack covers @sp, or with
 * @any_sp the innermost frame of that context whatever @sp says.
 */
static struct nooks_frame *nooks_lookup_frame(unsigned long ctx,
					      unsigned long sp, bool nmi,
					      bool any_sp)
{
	struct task_struct *t = current;
	struct nooks_frame *found;
	struct nooks_bucket *b;
	unsigned long flags;

	if (ctx) {
		struct nooks_cpu_frames *pc = this_cpu_ptr(&nooks_cpu_frames);

		return nooks_walk(nooks_cpu_list(pc, ctx), t, true, ctx, sp,
				  any_sp);
	}

	b = nooks_bucket_of(t);
	if (list_empty(&b->frames))
		return NULL;
	if (!nooks_bucket_trylock(b, &flags, nmi))
		return NULL;
	found = nooks_walk(&b->frames, t, false, 0, sp, any_sp);
	nooks_bucket_unlock(b, flags);
	return found;
}
NOKPROBE_SYMBOL(nooks_lookup_frame);

/**
 * nooks_find_frame() - innermost live frame of the interrupted context
 * @ctx: interrupt-context bits (NOOKS_CTX_MASK) of the interrupted context
 * @sp: stack pointer of the interrupted context
 * @nmi: called from NMI context (never spin on a lock)
 *
 * Must run on the CPU of the interrupted context, in current's task,
 * with preemption disabled or from an exception handler.  The frame
 * returned belongs to the interrupted context and stays valid until that
 * context resumes.
 *
 * Return: the frame, or NULL.
 */
struct nooks_frame *nooks_find_frame(unsigned long ctx, unsigned long sp,
				     bool nmi)
{
	return nooks_lookup_frame(ctx, sp, nmi, false);
}

/**
 * nooks_fault_frame() - the frame a fault belongs to
 * @ctx: interrupt-context bits (NOOKS_CTX_MASK) of the faulting context
 * @regs: trap frame of the fault
 * @nmi: called from NMI context (never spin on a lock)
 *
 * The innermost frame of the fault's context.  A driver instruction that
 * broke the stack pointer itself (a flipped bit that turns an instruction
 * into ENTER, a bad stack adjustment) faults with an sp no frame covers.
 * If the faulting instruction is driver text of the context's innermost
 * frame, that frame is the one: the longjmp takes back the stack pointer
 * it saved at entry.  (A stack pointer that lands on unmapped memory ends
 * in a double fault instead, which is not contained.)
 *
 * Same calling rules as nooks_find_frame().
 *
 * Return: the frame, or NULL.
 */
struct nooks_frame *nooks_fault_frame(unsigned long ctx, struct pt_regs *regs,
				      bool nmi)
{
	struct nooks_frame *f = nooks_lookup_frame(ctx, regs->sp, nmi, false);
	struct nooks_frame *inner = nooks_lookup_frame(ctx, regs->sp, nmi, true);

	/*
	 * Calls of one context nest: while a nested call (a PCM pointer op
	 * called by ALSA from the driver's interrupt handler) is on the list,
	 * the context runs inside it. A stack pointer that an outer call
	 * covers but the nested one does not was broken by the nested call:
	 * aborting the outer call would abandon the kernel code between the
	 * two (ALSA, holding the stream lock) and leave the nested call
	 * counted in flight forever.
	 */
	if (f && inner && f != inner && !inner->fault) {
		pr_warn_ratelimited("fault at %pS with the stack pointer above its nested call\n",
				    (void *)regs->ip);
		return inner;
	}
	if (f)
		return f;
	f = inner;
	if (f && !f->fault && nooks_hang_in_driver(f->dom, regs->ip)) {
		pr_warn_ratelimited("fault at %pS with the stack pointer outside its call\n",
				    (void *)regs->ip);
		return f;
	}
	/*
	 * A jump to no code at all (a corrupted return address or function
	 * pointer: a stack the driver overran, a wild pointer) while a call
	 * of this context is in the driver: the driver's doing. The kernel
	 * itself never runs outside its text.
	 */
	if (f && !f->fault && !nooks_text_address(regs->ip)) {
		pr_warn_ratelimited("wild jump to %pS in a call of %s\n",
				    (void *)regs->ip, f->dom->name);
		return f;
	}
	return NULL;
}
NOKPROBE_SYMBOL(nooks_fault_frame);

/**
 * nooks_cpu_may_have_frames() - could @cpu be running a protected call?
 * @cpu: CPU to ask about
 *
 * Lockless and approximate; used by the hang watchdog before it disturbs
 * another CPU with an NMI.
 *
 * Return: true if @cpu has atomic-context frames or any task anywhere is
 * inside a process-context protected call.
 */
bool nooks_cpu_may_have_frames(int cpu)
{
	long n = 0;
	int c;

	if (READ_ONCE(per_cpu(nooks_cpu_frames.nr_atomic, cpu)))
		return true;
	for_each_possible_cpu(c)
		n += READ_ONCE(per_cpu(nooks_cpu_frames.nr_task, c));
	return n > 0;
}

/**
 * nooks_frame_prepare() - fill in a frame before nooks_setjmp()
 * @f: frame on the caller's stack
 * @dom: domain being entered
 * @what: entry point name (static string)
 */
void nooks_frame_prepare(struct nooks_frame *f, struct nooks_domain *dom,
			 const char *what)
{
	f->task = current;
	f->preempt = preempt_count();
	f->ctx = f->preempt & NOOKS_CTX_MASK;
	f->rcu_depth = rcu_preempt_depth();
	local_save_flags(f->irqflags);
	f->cpu = raw_smp_processor_id();
	f->start_ns = 0;
	f->dom = dom;
	f->what = what;
	f->fault = NOOKS_FAULT_NONE;
	f->fault_ip = 0;
	f->fault_addr = 0;
	INIT_LIST_HEAD(&f->node);
}
EXPORT_SYMBOL_GPL(nooks_frame_prepare);

/**
 * nooks_frame_push() - publish a frame: faults in its context now abort it
 * @f: frame filled by nooks_frame_prepare() and nooks_setjmp()
 */
void nooks_frame_push(struct nooks_frame *f)
{
	unsigned long flags;

	if (f->ctx) {
		struct nooks_cpu_frames *pc;

		local_irq_save(flags);
		pc = this_cpu_ptr(&nooks_cpu_frames);
		f->cpu = smp_processor_id();
		f->start_ns = local_clock();
		f->start_stolen = nooks_hang_stolen_ns();
		list_add_rcu(&f->node, nooks_cpu_list(pc, f->ctx));
		WRITE_ONCE(pc->nr_atomic, pc->nr_atomic + 1);
		local_irq_restore(flags);
	} else {
		struct nooks_bucket *b = nooks_bucket_of(current);

		flags = nooks_bucket_lock(b);
		f->cpu = smp_processor_id();
		f->start_ns = local_clock();
		f->start_stolen = nooks_hang_stolen_ns();
		list_add(&f->node, &b->frames);
		__this_cpu_inc(nooks_cpu_frames.nr_task);
		nooks_bucket_unlock(b, flags);
	}
}
EXPORT_SYMBOL_GPL(nooks_frame_push);

/**
 * nooks_frame_unlink() - unpublish a frame and the dead frames inside it
 * @f: frame published by nooks_frame_push()
 *
 * Remove @f and every frame newer than it in its context.  Those newer
 * frames are dead: their contexts nested inside @f's and have been left
 * (by a fault in an enclosing call, or by a missing nooks_call_end()).
 * The per-CPU lists are only written with IRQs off on their own CPU, and
 * with list_*_rcu() so that an NMI walking them sees a consistent list.
 */
void nooks_frame_unlink(struct nooks_frame *f)
{
	struct nooks_frame *g, *tmp;
	unsigned long flags;
	long n = 0;

	if (f->ctx) {
		struct nooks_cpu_frames *pc;
		struct list_head *head;

		local_irq_save(flags);
		pc = this_cpu_ptr(&nooks_cpu_frames);
		head = nooks_cpu_list(pc, f->ctx);
		list_for_each_entry(g, head, node)
			if (g == f)
				goto found_atomic;
		WARN_ONCE(1, "nooks: frame %s not on CPU %d\n", f->what,
			  smp_processor_id());
		goto out_atomic;
found_atomic:
		list_for_each_entry_safe(g, tmp, head, node) {
			list_del_rcu(&g->node);
			n++;
			if (g == f)
				break;
		}
		WRITE_ONCE(pc->nr_atomic, pc->nr_atomic - n);
out_atomic:
		local_irq_restore(flags);
	} else {
		struct nooks_bucket *b = nooks_bucket_of(f->task);

		flags = nooks_bucket_lock(b);
		list_for_each_entry(g, &b->frames, node)
			if (g == f)
				goto found_task;
		WARN_ONCE(1, "nooks: frame %s of %s not published\n", f->what,
			  f->task->comm);
		goto out_task;
found_task:
		list_for_each_entry_safe(g, tmp, &b->frames, node) {
			if (g != f && g->task != f->task)
				continue;
			list_del(&g->node);
			n++;
			if (g == f)
				break;
		}
		__this_cpu_sub(nooks_cpu_frames.nr_task, n);
out_task:
		nooks_bucket_unlock(b, flags);
	}
}

/**
 * nooks_purge_task() - unpublish all process-context frames of a task
 * @t: the task
 *
 * Drop all process-context frames of @t.  Used when an oops that no
 * frame could contain is about to kill @t, so that its frames do not
 * stay published over a stack that is about to be freed.
 */
void nooks_purge_task(struct task_struct *t)
{
	struct nooks_bucket *b = nooks_bucket_of(t);
	struct nooks_frame *g, *tmp;
	unsigned long flags;
	long n = 0;

	if (list_empty(&b->frames) || !nooks_bucket_trylock(b, &flags, true))
		return;
	list_for_each_entry_safe(g, tmp, &b->frames, node) {
		if (g->task == t) {
			list_del(&g->node);
			n++;
		}
	}
	__this_cpu_sub(nooks_cpu_frames.nr_task, n);
	nooks_bucket_unlock(b, flags);
}

/**
 * nooks_frames_init() - set up the empty per-CPU lists and task hash
 *
 * Called by nooks_fault_init() before any fault hook is registered.
 */
void nooks_frames_init(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		struct nooks_cpu_frames *pc = per_cpu_ptr(&nooks_cpu_frames,
							  cpu);

		INIT_LIST_HEAD(&pc->irq);
		INIT_LIST_HEAD(&pc->nmi);
	}
	for (i = 0; i < ARRAY_SIZE(nooks_task_hash); i++) {
		raw_spin_lock_init(&nooks_task_hash[i].lock);
		INIT_LIST_HEAD(&nooks_task_hash[i].frames);
	}
}
