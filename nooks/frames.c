// SPDX-License-Identifier: GPL-2.0
/*
 * Nooks: the frame registry, where protected-call frames are published
 * and found.
 *
 * Only the context that made a frame ever changes its registry, and only
 * that context, or a trap, timer or NMI that interrupted it on its CPU,
 * ever looks a frame up. So each context keeps its frames as a stack of
 * single pointers (the newest frame first, each frame linking to the one
 * it nested in: nooks_frame.up), written with plain stores in an order
 * that leaves the stack whole at every instruction:
 *  - Calls made in softirq or hardirq context cannot migrate: one stack
 *    per CPU. NMI-context calls use a second one per CPU, so that an NMI
 *    never walks a stack it interrupted the update of. A nested context
 *    always puts the top back before it returns (an aborted call pops
 *    itself in its recovery).
 *  - Process-context calls may sleep and migrate: their stack is the
 *    task's. Its top lives in the slot of a small table that the task's
 *    hash names, claimed with cmpxchg() by the task's outermost call and
 *    given back by it; a task that finds its slot taken by another
 *    publishes in the fallback, a hash of lists with one raw spinlock per
 *    bucket. A task's slot frames are always newer than its fallback
 *    frames.
 *
 * A fault matches a frame when it happened in the same task, with the
 * same interrupt-context bits of preempt_count() (NMI, hardirq nesting,
 * serving softirq), and with a stack pointer below the frame's saved one
 * on the same stack.  The trap frame is then rewritten (fault.c) so that
 * the trap returns into nooks_longjmp(frame, kind), and
 * nooks_frame_recover() repairs the CPU state the aborted code left behind.
 *
 * Frames live on their callers' stacks, which a faulty driver may have
 * written over: walks read them with copy_from_kernel_nofault(), and a
 * pop drops every frame newer than the one it ends (dead frames of calls
 * a fault abandoned) by moving the top, without reading them.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
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
 * @irq: newest frame of the softirq and hardirq calls on this CPU
 * @nmi: newest frame of the NMI-context calls on this CPU
 * @nr_task: task slots claimed plus fallback frames pushed, minus those
 *	given back or popped, on this CPU; the sum over all CPUs is not zero
 *	while any task is inside a process-context protected call
 * @bucket_held: this CPU holds a fallback bucket lock
 */
struct nooks_cpu_frames {
	struct nooks_frame *irq;
	struct nooks_frame *nmi;
	long nr_task;
	bool bucket_held;
};

static DEFINE_PER_CPU(struct nooks_cpu_frames, nooks_cpu_frames);

/**
 * struct nooks_slot - the stack of one task's process-context frames
 * @task: the task that claimed the slot, or NULL
 * @top: its newest frame, or NULL
 */
struct nooks_slot {
	struct task_struct *task;
	struct nooks_frame *top;
} ____cacheline_aligned_in_smp;

#define NOOKS_SLOT_BITS		9

static struct nooks_slot nooks_slots[1 << NOOKS_SLOT_BITS];

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

/* The slot of @t: the one its hash names, if @t holds it. */
static __always_inline struct nooks_slot *nooks_slot_of(struct task_struct *t)
{
	struct nooks_slot *s = &nooks_slots[hash_ptr(t, NOOKS_SLOT_BITS)];

	return READ_ONCE(s->task) == t ? s : NULL;
}

/* Claim current's slot, which it does not hold; NULL when taken. */
static noinline struct nooks_slot *nooks_slot_claim(void)
{
	struct nooks_slot *s = &nooks_slots[hash_ptr(current, NOOKS_SLOT_BITS)];

	if (READ_ONCE(s->task) || cmpxchg(&s->task, NULL, current))
		return NULL;
	this_cpu_inc(nooks_cpu_frames.nr_task);
	return s;
}

/* Give back current's slot, its frames all popped or dead. */
static void nooks_slot_release(struct nooks_slot *s)
{
	WRITE_ONCE(s->top, NULL);
	/* the next owner's claim sees the empty stack */
	smp_store_release(&s->task, NULL);
	this_cpu_dec(nooks_cpu_frames.nr_task);
}

/* The top of the per-CPU stack of interrupt context @ctx. */
static struct nooks_frame **nooks_cpu_top(struct nooks_cpu_frames *pc,
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

/* Frames nest at most this deep in one context (a bound for a broken one). */
#define NOOKS_MAX_FRAMES	64

/* Does frame @tmp (a copy) match the lookup? */
static bool nooks_frame_matches(const struct nooks_frame *tmp,
				struct task_struct *t, bool match_ctx,
				unsigned long ctx, unsigned long sp, bool any_sp)
{
	return (!match_ctx || tmp->ctx == ctx) && tmp->task == t &&
	       (any_sp || nooks_frame_covers(tmp, sp));
}

/*
 * The newest frame from @top down that is @t's, of context @ctx (when
 * @match_ctx), and whose stack covers @sp (unless @any_sp). Each frame is
 * read with copy_from_kernel_nofault(): a driver that wrote over its
 * caller's stack may have broken a frame's link, and this walk runs in
 * the fault path, where a fault of its own would recurse.
 */
static struct nooks_frame *nooks_walk(struct nooks_frame *top,
				      struct task_struct *t, bool match_ctx,
				      unsigned long ctx, unsigned long sp,
				      bool any_sp)
{
	struct nooks_frame tmp, *f = top;
	unsigned int n;

	for (n = 0; f && n < NOOKS_MAX_FRAMES; n++) {
		if (copy_from_kernel_nofault(&tmp, f, sizeof(tmp)))
			return NULL;
		if (nooks_frame_matches(&tmp, t, match_ctx, ctx, sp, any_sp))
			return f;
		f = tmp.up;
	}
	return NULL;
}
NOKPROBE_SYMBOL(nooks_walk);

/* nooks_walk() over a fallback bucket's list. */
static struct nooks_frame *nooks_walk_list(struct list_head *head,
					   struct task_struct *t,
					   unsigned long sp, bool any_sp)
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
		if (nooks_frame_matches(&tmp, t, false, 0, sp, any_sp))
			return f;
		pos = tmp.node.next;
	}
	return NULL;
}
NOKPROBE_SYMBOL(nooks_walk_list);

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
	struct nooks_slot *s;
	unsigned long flags;

	if (ctx) {
		struct nooks_cpu_frames *pc = this_cpu_ptr(&nooks_cpu_frames);

		return nooks_walk(READ_ONCE(*nooks_cpu_top(pc, ctx)), t, true,
				  ctx, sp, any_sp);
	}

	s = nooks_slot_of(t);
	if (s) {
		found = nooks_walk(READ_ONCE(s->top), t, false, 0, sp, any_sp);
		if (found)
			return found;
	}
	b = nooks_bucket_of(t);
	if (list_empty(&b->frames))
		return NULL;
	if (!nooks_bucket_trylock(b, &flags, nmi))
		return NULL;
	found = nooks_walk_list(&b->frames, t, sp, any_sp);
	nooks_bucket_unlock(b, flags);
	return found;
}
NOKPROBE_SYMBOL(nooks_lookup_frame);

/**
 * nooks_current_frame() - the running context's innermost frame, if it is
 *	the top of its context's stack
 * @ctx: interrupt-context bits (NOOKS_CTX_MASK) of the running context
 * @sp: the running context's stack pointer
 *
 * The fast path of nooks_find_frame() for a caller that runs inside the
 * call it looks for (an entry called from the domain's own code, in
 * nooks_call_nested()): the top frame of the context is read directly,
 * without the walk's fault-safe copies, since it is live (its call is
 * still on this context's stack, under the caller) and so mapped, even
 * if the driver wrote over it. Preemption disabled.
 *
 * Return: the top frame when it is current's, of @ctx and covers @sp;
 * NULL otherwise, and then nooks_find_frame() gives the answer.
 */
struct nooks_frame *nooks_current_frame(unsigned long ctx, unsigned long sp)
{
	struct nooks_frame *f;
	struct nooks_slot *s;

	if (ctx) {
		f = READ_ONCE(*nooks_cpu_top(this_cpu_ptr(&nooks_cpu_frames),
					     ctx));
	} else {
		s = nooks_slot_of(current);
		f = s ? READ_ONCE(s->top) : NULL;
	}
	if (f && nooks_frame_matches(f, current, ctx, ctx, sp, false))
		return f;
	return NULL;
}

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
 * nooks_fault_frame_at() - the frame a fault belongs to
 * @ctx: interrupt-context bits (NOOKS_CTX_MASK) of the faulting context
 * @ip: the faulting instruction
 * @sp: the stack pointer at the fault
 * @nmi: called from NMI context (never spin on a lock)
 *
 * The innermost frame of the fault's context.  A driver instruction that
 * broke the stack pointer itself (a flipped bit that turns an instruction
 * into ENTER, a bad stack adjustment) faults with an sp no frame covers.
 * If the faulting instruction is driver text of the context's innermost
 * frame, that frame is the one: the longjmp takes back the stack pointer
 * it saved at entry.  (A stack pointer that lands on unmapped memory ends
 * in a double fault, which comes here from its own stack: fault.c.)
 *
 * Same calling rules as nooks_find_frame().
 *
 * Return: the frame, or NULL.
 */
struct nooks_frame *nooks_fault_frame_at(unsigned long ctx, unsigned long ip,
					 unsigned long sp, bool nmi)
{
	struct nooks_frame *f = nooks_lookup_frame(ctx, sp, nmi, false);
	struct nooks_frame *inner = nooks_lookup_frame(ctx, sp, nmi, true);

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
				    (void *)ip);
		return inner;
	}
	if (f)
		return f;
	f = inner;
	if (f && !f->fault && nooks_hang_in_driver(f->dom, ip)) {
		pr_warn_ratelimited("fault at %pS with the stack pointer outside its call\n",
				    (void *)ip);
		return f;
	}
	/*
	 * A jump to no code at all (a corrupted return address or function
	 * pointer: a stack the driver overran, a wild pointer) while a call
	 * of this context is in the driver: the driver's doing. The kernel
	 * itself never runs outside its text.
	 */
	if (f && !f->fault && !nooks_text_address(ip)) {
		pr_warn_ratelimited("wild jump to %pS in a call of %s\n",
				    (void *)ip, f->dom->name);
		return f;
	}
	return NULL;
}
NOKPROBE_SYMBOL(nooks_fault_frame_at);

/**
 * nooks_fault_frame() - the frame a trapped fault belongs to
 * @ctx: interrupt-context bits (NOOKS_CTX_MASK) of the faulting context
 * @regs: trap frame of the fault
 * @nmi: called from NMI context (never spin on a lock)
 *
 * nooks_fault_frame_at() at the trap's instruction and stack pointer.
 *
 * Return: the frame, or NULL.
 */
struct nooks_frame *nooks_fault_frame(unsigned long ctx, struct pt_regs *regs,
				      bool nmi)
{
	return nooks_fault_frame_at(ctx, regs->ip, regs->sp, nmi);
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

	if (READ_ONCE(per_cpu(nooks_cpu_frames.irq, cpu)) ||
	    READ_ONCE(per_cpu(nooks_cpu_frames.nmi, cpu)))
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
	f->dom = dom;
	f->what = what;
	f->fault = NOOKS_FAULT_NONE;
	f->fault_ip = 0;
	f->fault_addr = 0;
}
EXPORT_SYMBOL_GPL(nooks_frame_prepare);

/* Publish @f on the stack whose top is @top; only its context writes it. */
static __always_inline void nooks_stack_push(struct nooks_frame **top,
					     struct nooks_frame *f)
{
	f->up = *top;
	/* a trap or NMI on this CPU finds @f whole, or not at all */
	barrier();
	WRITE_ONCE(*top, f);
}

/*
 * nooks_stack_pop() of a frame that is not the top: unpublish @f with
 * every frame newer than it (dead: their calls were abandoned by a fault
 * in an enclosing call, or left without nooks_call_end()). With
 * @one_stack the frames all live on one stack (a task's), the dead ones
 * deeper than @f, which is how they are told from a frame that is not
 * published at all; else the links are followed down to @f, read without
 * trusting them. Return: false when @f is not on the stack.
 */
static noinline bool nooks_stack_pop_deep(struct nooks_frame **top,
					  struct nooks_frame *f, bool one_stack)
{
	struct nooks_frame *g = READ_ONCE(*top);
	unsigned int n;

	if (one_stack) {
		if (!g || (unsigned long)g > (unsigned long)f ||
		    (unsigned long)f - (unsigned long)g >= THREAD_SIZE)
			return false;
	} else {
		for (n = 0; g && g != f && n < NOOKS_MAX_FRAMES; n++)
			if (get_kernel_nofault(g, &g->up))
				return false;
		if (g != f)
			return false;
	}
	WRITE_ONCE(*top, f->up);
	return true;
}

/* Unpublish @f, the top of its stack (or under dead frames: above). */
static __always_inline bool nooks_stack_pop(struct nooks_frame **top,
					    struct nooks_frame *f,
					    bool one_stack)
{
	if (unlikely(READ_ONCE(*top) != f))
		return nooks_stack_pop_deep(top, f, one_stack);
	WRITE_ONCE(*top, f->up);
	return true;
}

/* nooks_frame_push() of a process-context frame in a fallback bucket */
static noinline void nooks_bucket_push(struct nooks_frame *f)
{
	struct nooks_bucket *b = nooks_bucket_of(current);
	unsigned long flags;

	f->slot = NULL;
	flags = nooks_bucket_lock(b);
	list_add(&f->node, &b->frames);
	__this_cpu_inc(nooks_cpu_frames.nr_task);
	nooks_bucket_unlock(b, flags);
}

/**
 * nooks_frame_push() - publish a frame: faults in its context now abort it
 * @f: frame filled by nooks_frame_prepare() and nooks_setjmp()
 */
void nooks_frame_push(struct nooks_frame *f)
{
	struct nooks_slot *s;

	f->cpu = raw_smp_processor_id();
	f->start = nooks_stamp();
	f->start_stolen = nooks_hang_stolen_ns();
	if (f->ctx) {
		nooks_stack_push(nooks_cpu_top(this_cpu_ptr(&nooks_cpu_frames),
					       f->ctx), f);
		return;
	}
	s = nooks_slot_of(current);
	if (!s)
		s = nooks_slot_claim();
	if (unlikely(!s)) {
		nooks_bucket_push(f);
		return;
	}
	f->slot = s;
	nooks_stack_push(&s->top, f);
}
EXPORT_SYMBOL_GPL(nooks_frame_push);

/* nooks_frame_unlink() of a frame in a fallback bucket */
static noinline void nooks_bucket_unlink(struct nooks_frame *f)
{
	struct nooks_bucket *b = nooks_bucket_of(f->task);
	struct nooks_frame *g, *tmp;
	struct nooks_slot *s;
	unsigned long flags;
	long n = 0;

	/* the task's slot frames are newer: all dead */
	s = nooks_slot_of(f->task);
	if (s)
		nooks_slot_release(s);
	flags = nooks_bucket_lock(b);
	list_for_each_entry(g, &b->frames, node)
		if (g == f)
			goto found;
	WARN_ONCE(1, "nooks: frame %s of %s not published\n", f->what,
		  f->task->comm);
	goto out;
found:
	list_for_each_entry_safe(g, tmp, &b->frames, node) {
		if (g != f && g->task != f->task)
			continue;
		list_del(&g->node);
		n++;
		if (g == f)
			break;
	}
	__this_cpu_sub(nooks_cpu_frames.nr_task, n);
out:
	nooks_bucket_unlock(b, flags);
}

/**
 * nooks_frame_unlink() - unpublish a frame and the dead frames inside it
 * @f: frame published by nooks_frame_push()
 *
 * Remove @f and every frame newer than it in its context.  Those newer
 * frames are dead: their contexts nested inside @f's and have been left
 * (by a fault in an enclosing call, or by a missing nooks_call_end()).
 * Runs in @f's context, on its CPU when that context is atomic.
 */
void nooks_frame_unlink(struct nooks_frame *f)
{
	struct nooks_slot *s;

	if (f->ctx) {
		struct nooks_frame **top;

		top = nooks_cpu_top(this_cpu_ptr(&nooks_cpu_frames), f->ctx);
		if (unlikely(!nooks_stack_pop(top, f, false)))
			WARN_ONCE(1, "nooks: frame %s not on CPU %d\n", f->what,
				  smp_processor_id());
		return;
	}
	s = f->slot;
	if (unlikely(!s)) {
		nooks_bucket_unlink(f);
		return;
	}
	if (unlikely(READ_ONCE(s->task) != f->task ||
		     !nooks_stack_pop(&s->top, f, true))) {
		WARN_ONCE(1, "nooks: frame %s of %s not published\n", f->what,
			  f->task->comm);
		return;
	}
	if (!f->up)
		nooks_slot_release(s);
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
	struct nooks_slot *s = nooks_slot_of(t);
	struct nooks_frame *g, *tmp;
	unsigned long flags;
	long n = 0;

	if (s)
		nooks_slot_release(s);
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
	int i;

	for (i = 0; i < ARRAY_SIZE(nooks_task_hash); i++) {
		raw_spin_lock_init(&nooks_task_hash[i].lock);
		INIT_LIST_HEAD(&nooks_task_hash[i].frames);
	}
}
