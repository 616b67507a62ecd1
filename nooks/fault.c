// SPDX-License-Identifier: GPL-2.0
/*
 * Nooks: fault containment for protected calls, the trap side.
 *
 * Processor exceptions reach the die notifier (#DE, #UD, #GP, and traps
 * that end in an oops) or, for page faults, a kprobe on page_fault_oops().
 * Both look up the frame the fault belongs to in the frame registry
 * (frames.c) and rewrite the trap frame with nooks_redirect(), so that the
 * trap returns into nooks_longjmp(frame, kind).  nooks_frame_recover()
 * then repairs the CPU state the aborted code left behind and tells the
 * fault handler (nooks_fault_set_handler()).  nooks_call_end() does the
 * same for a call that returns with that state broken, and
 * nooks_fault_abort() for failures a driver reports itself.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/kdebug.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/special_insns.h>
#include <asm/trapnr.h>

#include "fault.h"
#include "symbols.h"
#include "wrap.h"
#include "wrap_lock.h"

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
	[NOOKS_FAULT_FREE]	= "free",
	[NOOKS_FAULT_DOUBLE]	= "double",
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
 * it found them (the kernel checks as much for timers), and release the
 * spinlocks it took.  One that does not returned holding a lock or with
 * something left disabled: the state of the entry is put back and the
 * call counts as failed (kind "lock"), as if it had been aborted on its
 * way out; the fault handler releases the locks it left.
 */
void nooks_call_end(struct nooks_frame *f)
{
	nooks_frame_unlink(f);
	if (likely(preempt_count() == f->preempt &&
		   rcu_preempt_depth() == f->rcu_depth &&
		   irqs_disabled() == arch_irqs_disabled_flags(f->irqflags) &&
		   !nooks_locks_left(f->dom, f->ctx, f->jb[NOOKS_JB_RSP])))
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
	/*
	 * As for a trap at @ip: a driver that broke its stack pointer (one
	 * that points into the heap) calls from outside every frame.
	 */
	f = nooks_fault_frame_at(preempt_count() & NOOKS_CTX_MASK, ip,
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

/* ct_nmi_exit(): RCU's side of leaving an NMI-like exception (not exported) */
static void (*nooks_ct_nmi_exit)(void);

/*
 * A double fault: a driver instruction broke the stack pointer (a load
 * into rsp, a bad adjustment) and the CPU could not push the frame of the
 * page fault that followed; it delivered #DF on its own IST stack instead.
 * exc_double_fault() dies and panics whatever the die chain answers, so a
 * contained double fault never returns there: this undoes what the
 * handler's irqentry_nmi_enter() did (RCU's NMI nesting, the NMI and
 * hardirq counts; lockdep is not built into the target kernel) and jumps
 * to the call's nooks_longjmp() straight from the #DF stack, which the
 * next #DF uses afresh. A kernel-mode context is already on the kernel's
 * page tables and GS base, so paranoid_entry() changed nothing that would
 * need paranoid_exit(), and a #DF leaves no NMI blocking behind for an
 * IRET to end. The faulting page fault itself never began.
 *
 * Return: NOTIFY_DONE when the double fault is not a driver's.
 */
static int nooks_double_fault(struct pt_regs *regs)
{
	void (*ct_exit)(void) = READ_ONCE(nooks_ct_nmi_exit);
	void (*jump)(struct nooks_frame *f, int val);
	struct nooks_frame *f;
	unsigned long ctx;

	if (!ct_exit || !regs || user_mode(regs))
		return NOTIFY_DONE;
	if (this_cpu_inc_return(nooks_in_die) > 1) {
		this_cpu_dec(nooks_in_die);
		return NOTIFY_DONE;
	}
	/* the context the #DF interrupted, without the handler's NMI entry */
	ctx = (preempt_count() - (NMI_OFFSET + HARDIRQ_OFFSET)) &
	      NOOKS_CTX_MASK;
	f = nooks_fault_frame(ctx, regs, true);
	this_cpu_dec(nooks_in_die);
	if (!f || f->fault)
		return NOTIFY_DONE;
	nooks_redirect(regs, f, NOOKS_FAULT_DOUBLE, read_cr2());
	ct_exit();
	__preempt_count_sub(NMI_OFFSET + HARDIRQ_OFFSET);
	/* as in nooks_fault_abort(): a dead end objtool can see */
	jump = nooks_longjmp;
	OPTIMIZER_HIDE_VAR(jump);
	jump(f, NOOKS_FAULT_DOUBLE);
	BUG();
}
NOKPROBE_SYMBOL(nooks_double_fault);

static int nooks_die_notify(struct notifier_block *nb, unsigned long val,
			    void *data)
{
	struct die_args *args = data;
	struct pt_regs *regs = args->regs;
	struct nooks_frame *f;
	unsigned long ctx;
	int kind;

	if (val == DIE_TRAP && args->trapnr == X86_TRAP_DF)
		return nooks_double_fault(regs);
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
	int ret;

	nooks_frames_init();

	nooks_symbols_init();
	nooks_ct_nmi_exit = (void (*)(void))nooks_lookup_name("ct_nmi_exit");
	if (!nooks_ct_nmi_exit)
		pr_warn("no ct_nmi_exit(): double faults are not contained\n");

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
