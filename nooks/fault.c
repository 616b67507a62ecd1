// SPDX-License-Identifier: GPL-2.0
/*
 * Nooks: fault containment for protected calls.
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
 * on the same stack.  The trap frame is then rewritten so that the trap
 * returns into nooks_longjmp(frame, kind), and nooks_frame_recover()
 * repairs the CPU state the aborted code left behind.
 *
 * Lookups from a trap, a timer or an NMI only ever dereference frames of
 * the context they interrupted (which cannot go away meanwhile), or walk
 * a bucket under its lock, so a frame that is being popped on another CPU
 * is never followed after its stack has been reused.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/hash.h>
#include <linux/kdebug.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/special_insns.h>
#include <asm/trapnr.h>

#include "fault.h"
#include "symbols.h"

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

static nooks_fault_handler_t nooks_fault_handler;
static bool nooks_pf_probed;

static const char * const nooks_fault_names[NOOKS_FAULT_NR] = {
	[NOOKS_FAULT_NONE]	= "none",
	[NOOKS_FAULT_PAGE]	= "page",
	[NOOKS_FAULT_GP]	= "gp",
	[NOOKS_FAULT_BUG]	= "bug",
	[NOOKS_FAULT_DIVIDE]	= "divide",
	[NOOKS_FAULT_HANG]	= "hang",
	[NOOKS_FAULT_STORM]	= "storm",
	[NOOKS_FAULT_OTHER]	= "other",
	[NOOKS_FAULT_PANIC]	= "panic",
	[NOOKS_FAULT_LOCK]	= "lock",
};

/**
 * nooks_fault_name() - printable name of an enum nooks_fault_kind
 * @kind: fault kind
 *
 * Return: a static string.
 */
const char *nooks_fault_name(int kind)
{
	if (kind < 0 || kind >= NOOKS_FAULT_NR)
		return "?";
	return nooks_fault_names[kind];
}
EXPORT_SYMBOL_GPL(nooks_fault_name);

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

/*
 * The frame a fault at @regs belongs to: the innermost of its context.  A
 * driver instruction that broke the stack pointer itself (a flipped bit that turns an instruction into
 * ENTER, a bad stack adjustment) faults with an sp no frame covers.  If
 * the faulting instruction is driver text of the context's innermost
 * frame, that frame is the one: the longjmp takes back the stack pointer
 * it saved at entry.  (A stack pointer that lands on unmapped memory ends
 * in a double fault instead, which is not contained.)
 */
static struct nooks_frame *nooks_fault_frame(unsigned long ctx,
					     struct pt_regs *regs, bool nmi)
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
	return NULL;
}

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
 * nooks_redirect() - make a trap return into nooks_longjmp()
 * @regs: trap frame of the aborted context
 * @f: its innermost frame
 * @kind: enum nooks_fault_kind to record and to return from setjmp
 * @addr: faulting data address, or 0
 *
 * IF, AC, DF and TF are cleared in the returned-to flags: nooks_longjmp()
 * and nooks_frame_recover() start with interrupts off, and the latter
 * restores the IRQ flags saved at entry.
 */
void nooks_redirect(struct pt_regs *regs, struct nooks_frame *f, int kind,
		    unsigned long addr)
{
	f->fault = kind;
	f->fault_ip = regs->ip;
	f->fault_addr = addr;
	regs->ip = (unsigned long)nooks_longjmp;
	regs->di = (unsigned long)f;
	regs->si = kind;
	regs->flags &= ~(X86_EFLAGS_IF | X86_EFLAGS_AC | X86_EFLAGS_DF |
			 X86_EFLAGS_TF);
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

/*
 * Remove @f and every frame newer than it in its context.  Those newer
 * frames are dead: their contexts nested inside @f's and have been left
 * (by a fault in an enclosing call, or by a missing nooks_call_end()).
 * The per-CPU lists are only written with IRQs off on their own CPU, and
 * with list_*_rcu() so that an NMI walking them sees a consistent list.
 */
static void nooks_frame_unlink(struct nooks_frame *f)
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

static void nooks_fault_notify(struct nooks_frame *f)
{
	nooks_fault_handler_t fn;

	rcu_read_lock();
	fn = READ_ONCE(nooks_fault_handler);
	if (fn)
		fn(f);
	rcu_read_unlock();
}

/**
 * nooks_call_end() - leave a protected call normally
 * @f: frame of the call
 *
 * A call must leave preempt count, RCU nesting and the interrupt flag as
 * it found them (the kernel checks as much for timers).  One that does not
 * returned holding a lock or with something left disabled: the state of
 * the entry is put back and the call counts as failed (kind "lock"), as
 * if it had been aborted on its way out.
 */
void nooks_call_end(struct nooks_frame *f)
{
	nooks_frame_unlink(f);
	if (likely(preempt_count() == f->preempt &&
		   rcu_preempt_depth() == f->rcu_depth &&
		   irqs_disabled() == arch_irqs_disabled_flags(f->irqflags)))
		return;
	local_irq_disable();
	preempt_count_set(f->preempt);
	while (rcu_preempt_depth() > f->rcu_depth)
		__rcu_read_unlock();
	local_irq_restore(f->irqflags);
	f->fault = NOOKS_FAULT_LOCK;
	f->fault_ip = 0;
	f->fault_addr = 0;
	nooks_fault_notify(f);
}
EXPORT_SYMBOL_GPL(nooks_call_end);

/*
 * Drop all process-context frames of @t.  Used when an oops that no
 * frame could contain is about to kill @t, so that its frames do not
 * stay published over a stack that is about to be freed.
 */
static void nooks_purge_task(struct task_struct *t)
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
 * nooks_frame_recover() - second return of nooks_setjmp(): clean up
 * @f: the aborted frame
 *
 * Runs in the context of the aborted call, entered from nooks_longjmp()
 * with interrupts off.  Sets preempt_count() back to its value at entry
 * (dropping locks' preempt and bh counts the driver left), unwinds RCU
 * read-side nesting with __rcu_read_unlock() down to the entry depth,
 * unpublishes @f and any dead inner frames, restores the IRQ flags of
 * the entry, then calls the fault handler.
 *
 * Locks the driver held stay held and what it allocated stays allocated:
 * that is for the layers above to release.
 *
 * Return: @f->fault (non-zero).
 */
int nooks_frame_recover(struct nooks_frame *f)
{
	local_irq_disable();
	preempt_count_set(f->preempt);
	while (rcu_preempt_depth() > f->rcu_depth)
		__rcu_read_unlock();
	nooks_frame_unlink(f);
	local_irq_restore(f->irqflags);

	if (f->fault == NOOKS_FAULT_NONE)
		f->fault = NOOKS_FAULT_OTHER;

	nooks_fault_notify(f);
	return f->fault;
}
EXPORT_SYMBOL_GPL(nooks_frame_recover);

/**
 * nooks_fault_abort() - abort the innermost protected call of this context
 * @kind: enum nooks_fault_kind to record
 * @ip: where the driver failed (e.g. its call to panic())
 *
 * For failures the driver reports itself rather than by trapping: a
 * wrapper of panic() turns the driver's panic into the failure of its
 * domain.  Does not return when a protected call is in progress in this
 * context; otherwise returns at once, and the caller decides.
 */
void nooks_fault_abort(int kind, unsigned long ip)
{
	void (*jump)(struct nooks_frame *f, int val);
	struct nooks_frame *f;
	unsigned long flags;

	local_irq_save(flags);
	f = nooks_find_frame(preempt_count() & NOOKS_CTX_MASK,
			     current_stack_pointer, in_nmi());
	if (!f || f->fault) {
		local_irq_restore(flags);
		return;
	}
	f->fault = kind;
	f->fault_ip = ip;
	f->fault_addr = 0;
	/*
	 * objtool cannot see that the assembly nooks_longjmp() does not
	 * return: call it as a plain function and mark the dead end.
	 */
	jump = nooks_longjmp;
	OPTIMIZER_HIDE_VAR(jump);
	jump(f, kind);
	BUG();
}
EXPORT_SYMBOL_GPL(nooks_fault_abort);

/**
 * nooks_fault_set_handler() - set the function told about aborted calls
 * @fn: handler, or NULL for none
 *
 * Replaces any handler.  May sleep: when a handler is replaced, waits
 * until no CPU can still be running it.
 */
void nooks_fault_set_handler(nooks_fault_handler_t fn)
{
	nooks_fault_handler_t old = xchg(&nooks_fault_handler, fn);

	if (old && old != fn)
		synchronize_rcu();
}
EXPORT_SYMBOL_GPL(nooks_fault_set_handler);

/**
 * nooks_fault_replace_handler() - set the handler if it is still @old
 * @old: the handler expected to be installed (NULL: none)
 * @fn: the new handler (NULL: none)
 *
 * Lets a test module install a handler only when nobody else has, and
 * remove only its own.  May sleep, like nooks_fault_set_handler().
 *
 * Return: true if the handler was @old and is now @fn.
 */
bool nooks_fault_replace_handler(nooks_fault_handler_t old,
				 nooks_fault_handler_t fn)
{
	if (cmpxchg(&nooks_fault_handler, old, fn) != old)
		return false;
	if (old && old != fn)
		synchronize_rcu();
	return true;
}
EXPORT_SYMBOL_GPL(nooks_fault_replace_handler);

static int nooks_die_kind(unsigned long val, struct die_args *args)
{
	const char *str = args->str ? args->str : "";

	switch (val) {
	case DIE_GPF:
		return NOOKS_FAULT_GP;
	case DIE_TRAP:
		switch (args->trapnr) {
		case X86_TRAP_DE:
			return NOOKS_FAULT_DIVIDE;
		case X86_TRAP_UD:
			return NOOKS_FAULT_BUG;
		default:
			return NOOKS_FAULT_OTHER;
		}
	case DIE_OOPS:
		/* trapnr is stale for kernel-mode faults; go by the message */
		if (!strcmp(str, "Oops"))
			return NOOKS_FAULT_PAGE;
		if (strstr(str, "general protection"))
			return NOOKS_FAULT_GP;
		if (!strcmp(str, "invalid opcode"))
			return NOOKS_FAULT_BUG;
		if (!strcmp(str, "divide error"))
			return NOOKS_FAULT_DIVIDE;
		return NOOKS_FAULT_OTHER;
	default:
		return NOOKS_FAULT_NONE;
	}
}

/*
 * #DE and #UD (BUG()) reach the die chain as DIE_TRAP and #GP as DIE_GPF,
 * before any oops machinery: stopping them there is clean.  DIE_OOPS is
 * the fallback for page faults when the page_fault_oops() kprobe is
 * missing (the oops has then been printed and the kernel tainted) and for
 * traps that go straight to die().
 */
/* Depth of nooks_die_notify() on this CPU. */
static DEFINE_PER_CPU(int, nooks_in_die);

static int nooks_die_notify(struct notifier_block *nb, unsigned long val,
			    void *data)
{
	struct die_args *args = data;
	struct pt_regs *regs = args->regs;
	struct nooks_frame *f;
	unsigned long ctx;
	int kind;

	kind = nooks_die_kind(val, args);
	if (kind == NOOKS_FAULT_NONE || !regs || user_mode(regs))
		return NOTIFY_DONE;
	/*
	 * A fault inside this handler (a kernel bug, or state a driver
	 * broke beyond what the walk guards against) is left to the kernel:
	 * handling it here again would recurse until the stack overflows.
	 */
	if (this_cpu_inc_return(nooks_in_die) > 1) {
		this_cpu_dec(nooks_in_die);
		return NOTIFY_DONE;
	}

	ctx = preempt_count() & NOOKS_CTX_MASK;
	f = nooks_fault_frame(ctx, regs, in_nmi());
	this_cpu_dec(nooks_in_die);
	if (!f || f->fault) {
		if (val == DIE_OOPS && !ctx)
			nooks_purge_task(current);
		return NOTIFY_DONE;
	}

	nooks_redirect(regs, f, kind,
		       kind == NOOKS_FAULT_PAGE ? read_cr2() : 0);
	/*
	 * The #GP handler runs the notifier with interrupts enabled if the
	 * trapped context had them, and disables them on exit only if the
	 * trap frame still has IF set, which it no longer does.
	 */
	if (!irqs_disabled())
		local_irq_disable();
	return NOTIFY_STOP;
}

static struct notifier_block nooks_die_nb = {
	.notifier_call	= nooks_die_notify,
	.priority	= INT_MAX - 1,
};

/*
 * Page faults.  A kernel-mode page fault that no exception-table fixup
 * claims ends in page_fault_oops(regs, error_code, address), which prints
 * the oops, taints the kernel and runs the die chain only at the end.  A
 * kprobe on its entry sees its arguments in the probe's own registers
 * (rdi = the fault's pt_regs, rdx = the address).  When the fault belongs
 * to a protected call, the pre-handler
 *  1. rewrites the *fault's* pt_regs to resume in nooks_longjmp(), and
 *  2. points the *probe's* ip at nooks_ret_stub, a bare RET, and returns
 *     1 (the kprobe core then skips single-stepping and resumes at that
 *     ip).  At the probe point (function entry) the top of the stack is
 *     page_fault_oops()'s return address, so the RET returns straight to
 *     its caller as if it had run to completion, without printing.
 * The #PF handler then unwinds normally and its IRET lands in
 * nooks_longjmp().  Any other page fault leaves the pre-handler with 0
 * and page_fault_oops() runs exactly as before.
 *
 * A post-handler is set (empty) so that the probe is never
 * jump-optimized, which would ignore a changed ip, and is armed as an
 * IP-modifying ftrace probe.  An ftrace-based probe runs in the faulting
 * context with only the preemption count raised; an int3-based one runs
 * inside an NMI-like exception, whose NMI and hardirq counts are removed
 * before matching.
 */
static int nooks_pf_pre(struct kprobe *p, struct pt_regs *kregs)
{
	struct pt_regs *regs = (struct pt_regs *)kregs->di;
	unsigned long address = kregs->dx;
	unsigned long pc = preempt_count();
	struct nooks_frame *f;

	if (!(p->flags & KPROBE_FLAG_FTRACE))
		pc -= NMI_OFFSET + HARDIRQ_OFFSET;
	if (!regs || user_mode(regs))
		return 0;
	f = nooks_fault_frame(pc & NOOKS_CTX_MASK, regs, false);
	if (!f || f->fault)
		return 0;

	nooks_redirect(regs, f, NOOKS_FAULT_PAGE, address);
	kregs->ip = (unsigned long)nooks_ret_stub;
	return 1;
}
NOKPROBE_SYMBOL(nooks_pf_pre);

static void nooks_pf_post(struct kprobe *p, struct pt_regs *regs,
			  unsigned long flags)
{
}

static struct kprobe nooks_pf_kp = {
	.symbol_name	= "page_fault_oops",
	.pre_handler	= nooks_pf_pre,
	.post_handler	= nooks_pf_post,
};

/**
 * nooks_fault_init() - register the die notifier and page fault probe
 *
 * Return: 0 or a negative errno.
 */
int nooks_fault_init(void)
{
	int cpu, i, ret;

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

	nooks_symbols_init();

	ret = register_die_notifier(&nooks_die_nb);
	if (ret)
		return ret;

	ret = register_kprobe(&nooks_pf_kp);
	if (ret) {
		pr_warn("no kprobe on page_fault_oops (%d): page faults are contained only after the oops is printed\n",
			ret);
	} else {
		nooks_pf_probed = true;
		pr_debug("page_fault_oops probed (%s)\n",
			 nooks_pf_kp.flags & KPROBE_FLAG_FTRACE ?
			 "ftrace" : "int3");
	}
	return 0;
}

/**
 * nooks_fault_exit() - undo nooks_fault_init()
 */
void nooks_fault_exit(void)
{
	if (nooks_pf_probed)
		unregister_kprobe(&nooks_pf_kp);
	nooks_pf_probed = false;
	unregister_die_notifier(&nooks_die_nb);
}

/* Defined in jump.S; exported here, where their C prototypes are seen. */
EXPORT_SYMBOL_GPL(nooks_setjmp);
EXPORT_SYMBOL_GPL(nooks_longjmp);
