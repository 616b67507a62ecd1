// SPDX-License-Identifier: GPL-2.0
/*
 * nooks_selftest - exercise the nooks fault-containment engine (test only).
 *
 * /sys/kernel/debug/nooks_selftest/run
 *	write "KIND CONTEXT": run one protected call that raises KIND in
 *	CONTEXT and wait for it to finish;
 *	read: the result of the last run, one line:
 *	  "KIND CONTEXT ran=CTX contained=0|1 fault=NAME frame=NAME ip=SYM
 *	   addr=0x.. us=N state=ok|bad handler=N"
 *	ran is the context the victim actually ran in (process, softirq,
 *	hardirq), fault the kind the engine recorded, frame which protected
 *	call was aborted (single, inner, outer), us the time from
 *	entering the call to being back in the caller, state whether preempt
 *	count, RCU nesting and IRQ flags were the same as before the call,
 *	handler how many times the fault handler was called (-1: another
 *	handler is installed, ours was not).
 *
 * KIND:	null	NULL pointer read (page fault)
 *		gpf	read through a non-canonical pointer (#GP)
 *		bug	BUG() (#UD)
 *		divide	division by zero (#DE)
 *		helper	strlen() on a bad pointer: fault in core kernel text
 *		badsp	move the stack pointer out of the call's stack (to a
 *			buffer of this module), then read NULL
 *		hang	endless loop with interrupts on
 *		hangirqoff endless loop with interrupts off
 *		sleep	sleep 3 * hang_ms in 20 ms steps, then return: not a
 *			hang (process and nested contexts only)
 *		sleepnull sleep 100 ms (the task may migrate), then read NULL
 *			(process and nested contexts only)
 *		none	return normally
 * CONTEXT:	process	the writing task
 *		softirq	a timer_list callback
 *		hardirq	a hard-mode hrtimer callback
 *		spinlock, rcu, irqsave, bh: the writing task, and the victim
 *		takes a spinlock, rcu_read_lock(), spin_lock_irqsave() or
 *		local_bh_disable() before faulting (and never releases it).
 *		nested	the writing task; a protected call ("outer") makes
 *			a protected call ("inner") that faults
 *		interrupt the writing task spins in a protected call until
 *			a hard hrtimer on its CPU has run its own protected
 *			call ("irq"), which faults (fault kinds only)
 *		unprotected the writing task, without a protected call: the
 *			fault must be handled as if nooks were not there
 *			(an oops for most kinds; for manual checks only)
 *
 * The endless loops give up after 5 s so that a failure to contain them is
 * reported rather than hanging the machine.
 *
 * /sys/kernel/debug/nooks_selftest/bench
 *	read: time N direct calls of a trivial noinline function, then N
 *	protected calls of it (nooks_call_begin()/nooks_call_end() around
 *	each, no domain, process context), with ktime_get_ns(); one line:
 *	  "n=N direct_ns_per_call=X protected_ns_per_call=Y ratio=Y/X
 *	   faults=F"
 *	write a number: N for the next reads (default 1000000).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bottom_half.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/objtool.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/timex.h>
#include <linux/uaccess.h>

#include "../../../nooks/frame.h"

enum st_kind {
	ST_NONE,
	ST_NULL,
	ST_GPF,
	ST_BUG,
	ST_DIVIDE,
	ST_HELPER,
	ST_BADSP,
	ST_HANG,
	ST_HANGIRQOFF,
	ST_SLEEP,
	ST_SLEEPNULL,
	ST_NR_KINDS,
};

static const char * const st_kinds[ST_NR_KINDS] = {
	[ST_NONE]	= "none",
	[ST_NULL]	= "null",
	[ST_GPF]	= "gpf",
	[ST_BUG]	= "bug",
	[ST_DIVIDE]	= "divide",
	[ST_HELPER]	= "helper",
	[ST_BADSP]	= "badsp",
	[ST_HANG]	= "hang",
	[ST_HANGIRQOFF]	= "hangirqoff",
	[ST_SLEEP]	= "sleep",
	[ST_SLEEPNULL]	= "sleepnull",
};

enum st_ctx {
	ST_PROCESS,
	ST_SOFTIRQ,
	ST_HARDIRQ,
	ST_SPINLOCK,
	ST_RCU,
	ST_IRQSAVE,
	ST_BH,
	ST_NESTED,
	ST_INTERRUPT,
	ST_UNPROTECTED,
	ST_NR_CTX,
};

static const char * const st_ctxs[ST_NR_CTX] = {
	[ST_PROCESS]	= "process",
	[ST_SOFTIRQ]	= "softirq",
	[ST_HARDIRQ]	= "hardirq",
	[ST_SPINLOCK]	= "spinlock",
	[ST_RCU]	= "rcu",
	[ST_IRQSAVE]	= "irqsave",
	[ST_BH]		= "bh",
	[ST_NESTED]	= "nested",
	[ST_INTERRUPT]	= "interrupt",
	[ST_UNPROTECTED] = "unprotected",
};

/**
 * struct st_run - one test run
 * @kind: enum st_kind
 * @ctx: enum st_ctx
 * @ran: preempt_count() context bits seen by the victim
 * @fault: enum nooks_fault_kind recorded in the frame
 * @ip: fault_ip of the frame
 * @addr: fault_addr of the frame
 * @frame: name of the aborted frame ("single", "inner", "outer", "irq")
 * @ns: time from entering the call to being back in the caller
 * @state_ok: preempt count, RCU nesting and IRQ flags as before the call
 * @finished: the protected call came back (contained or not)
 * @done: completed by the timer callbacks
 */
struct st_run {
	int kind;
	int ctx;
	unsigned long ran;
	int fault;
	unsigned long ip;
	unsigned long addr;
	const char *frame;
	u64 ns;
	bool state_ok;
	bool finished;
	struct completion done;
};

static DEFINE_MUTEX(st_mutex);
static DEFINE_SPINLOCK(st_lock);
static struct st_run st_cur;
static char st_result[256] = "no run yet\n";
static struct timer_list st_timer;
static struct hrtimer st_hrtimer;
static struct dentry *st_dir;
static atomic_t st_handler_calls = ATOMIC_INIT(0);
static bool st_own_handler;
static int st_stop;
static int st_sink;
static unsigned long st_bench_n = 1000000;

static void st_handler(struct nooks_frame *f)
{
	atomic_inc(&st_handler_calls);
}

/* Spin until st_stop is set or @secs seconds of TSC time passed. */
static noinline void st_spin(unsigned int secs)
{
	u64 end = get_cycles() + (u64)tsc_khz * 1000 * secs;

	while (!READ_ONCE(st_stop) && get_cycles() < end)
		cpu_relax();
}

/*
 * Where ST_BADSP moves the stack pointer: mapped, so that the page fault
 * can push its frame and run its handler there, and far from any stack.
 */
static u8 st_bad_stack[4 * PAGE_SIZE] __aligned(PAGE_SIZE);

/* Never returns: the fault is contained by a longjmp. */
static noinline int st_bad_sp(void)
{
	asm volatile("mov %0, %%rsp\n\t"
		     "movl 0x0, %%eax"
		     : : "r" (st_bad_stack + sizeof(st_bad_stack) - 64)
		     : "rax", "memory");
	return 0;
}
/* objtool: the stack pointer is broken on purpose */
STACK_FRAME_NON_STANDARD(st_bad_sp);

static noinline int st_fault(int kind)
{
	unsigned int a = 1, d = 0, z = 0, ms;
	unsigned long p, flags;
	const char *s;

	switch (kind) {
	case ST_NULL:
		p = 0;
		OPTIMIZER_HIDE_VAR(p);
		return READ_ONCE(*(int *)p);
	case ST_GPF:
		p = 0xdead000000000000UL;
		OPTIMIZER_HIDE_VAR(p);
		return READ_ONCE(*(int *)p);
	case ST_BUG:
		BUG();
	case ST_DIVIDE:
		OPTIMIZER_HIDE_VAR(z);
		asm volatile("divl %2" : "+a" (a), "+d" (d) : "rm" (z));
		return a;
	case ST_HELPER:
		s = (const char *)0x18;
		OPTIMIZER_HIDE_VAR(s);
		return strlen(s);
	case ST_BADSP:
		return st_bad_sp();
	case ST_HANG:
		st_spin(5);
		return 0;
	case ST_HANGIRQOFF:
		local_irq_save(flags);
		st_spin(5);
		local_irq_restore(flags);
		return 0;
	case ST_SLEEP:
		for (ms = 0; ms < 3 * nooks_hang_get_ms(); ms += 20)
			msleep(20);
		return 0;
	case ST_SLEEPNULL:
		for (ms = 0; ms < 100; ms += 20)
			msleep(20);
		p = 0;
		OPTIMIZER_HIDE_VAR(p);
		return READ_ONCE(*(int *)p);
	default:
		return 0;
	}
}

/* The code "inside the driver": takes what the context asks, then faults. */
static noinline void st_victim(struct st_run *r)
{
	unsigned long flags;

	if (r->ctx == ST_INTERRUPT && !in_hardirq()) {
		/* interrupt this call with a faulting call on this CPU */
		hrtimer_start(&st_hrtimer, ns_to_ktime(100 * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_PINNED_HARD);
		st_spin(2);
		return;
	}
	r->ran = preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET);
	switch (r->ctx) {
	case ST_SPINLOCK:
		spin_lock(&st_lock);
		WRITE_ONCE(st_sink, st_fault(r->kind));
		spin_unlock(&st_lock);
		break;
	case ST_RCU:
		rcu_read_lock();
		WRITE_ONCE(st_sink, st_fault(r->kind));
		rcu_read_unlock();
		break;
	case ST_IRQSAVE:
		spin_lock_irqsave(&st_lock, flags);
		WRITE_ONCE(st_sink, st_fault(r->kind));
		spin_unlock_irqrestore(&st_lock, flags);
		break;
	case ST_BH:
		local_bh_disable();
		WRITE_ONCE(st_sink, st_fault(r->kind));
		local_bh_enable();
		break;
	default:
		WRITE_ONCE(st_sink, st_fault(r->kind));
		break;
	}
}

static const char st_single[] = "single";
static const char st_outer[] = "outer";
static const char st_inner[] = "inner";
static const char st_irq[] = "irq";

/*
 * A protected call named @what.  The "outer" one makes an "inner"
 * protected call from inside itself; the others run the victim.
 */
static noinline void st_protected(struct st_run *r, const char *what)
{
	struct nooks_frame f __uninitialized;

	if (nooks_call_begin(&f, NULL, what)) {
		r->fault = f.fault;
		r->ip = f.fault_ip;
		r->addr = f.fault_addr;
		r->frame = f.what;
		/* the victim's lock stays "held": a real tracker frees it */
		spin_lock_init(&st_lock);
		return;
	}
	if (what == st_outer)
		st_protected(r, st_inner);
	else
		st_victim(r);
	nooks_call_end(&f);
}

/* Runs in the context under test. */
static noinline void st_call(struct st_run *r)
{
	int pc = preempt_count();
	int rcu = rcu_preempt_depth();
	bool irqs_off = irqs_disabled();
	u64 t0 = local_clock();

	r->fault = NOOKS_FAULT_NONE;
	r->frame = "none";
	if (r->ctx == ST_UNPROTECTED)
		st_victim(r);
	else
		st_protected(r, r->ctx == ST_NESTED ? st_outer : st_single);
	r->ns = local_clock() - t0;
	r->state_ok = preempt_count() == pc && rcu_preempt_depth() == rcu &&
		      irqs_disabled() == irqs_off;
	r->finished = true;
}

static void st_timer_fn(struct timer_list *t)
{
	st_call(&st_cur);
	complete(&st_cur.done);
}

static enum hrtimer_restart st_hrtimer_fn(struct hrtimer *t)
{
	if (st_cur.ctx == ST_INTERRUPT) {
		st_protected(&st_cur, st_irq);
		WRITE_ONCE(st_stop, 1);
		return HRTIMER_NORESTART;
	}
	st_call(&st_cur);
	complete(&st_cur.done);
	return HRTIMER_NORESTART;
}

static const char *st_ctx_name(unsigned long ran)
{
	if (ran & NMI_MASK)
		return "nmi";
	if (ran & HARDIRQ_MASK)
		return "hardirq";
	if (ran & SOFTIRQ_OFFSET)
		return "softirq";
	return "process";
}

static int st_lookup(const char * const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

static int st_run_one(int kind, int ctx)
{
	struct st_run *r = &st_cur;
	int calls = atomic_read(&st_handler_calls);
	bool timed_out = false;

	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->ctx = ctx;
	r->frame = "none";
	init_completion(&r->done);
	WRITE_ONCE(st_stop, 0);

	switch (ctx) {
	case ST_SOFTIRQ:
		mod_timer(&st_timer, jiffies + 1);
		if (!wait_for_completion_timeout(&r->done, 20 * HZ))
			timed_out = true;
		del_timer_sync(&st_timer);
		break;
	case ST_HARDIRQ:
		hrtimer_start(&st_hrtimer, ns_to_ktime(100 * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_HARD);
		if (!wait_for_completion_timeout(&r->done, 20 * HZ))
			timed_out = true;
		hrtimer_cancel(&st_hrtimer);
		break;
	default:
		st_call(r);
		break;
	}

	snprintf(st_result, sizeof(st_result),
		 "%s %s ran=%s contained=%d fault=%s frame=%s ip=%pS addr=0x%lx us=%llu state=%s handler=%d%s\n",
		 st_kinds[kind], st_ctxs[ctx], st_ctx_name(r->ran),
		 r->finished && r->fault != NOOKS_FAULT_NONE,
		 nooks_fault_name(r->fault), r->frame, (void *)r->ip, r->addr,
		 div_u64(r->ns, NSEC_PER_USEC), r->state_ok ? "ok" : "bad",
		 st_own_handler ? atomic_read(&st_handler_calls) - calls : -1,
		 timed_out ? " timeout" : "");
	pr_info("%s", st_result);
	return 0;
}

static ssize_t st_run_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[64], kname[16], cname[16];
	int kind, ctx, ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%15s %15s", kname, cname) != 2)
		return -EINVAL;
	kind = st_lookup(st_kinds, ST_NR_KINDS, kname);
	ctx = st_lookup(st_ctxs, ST_NR_CTX, cname);
	if (kind < 0 || ctx < 0)
		return -EINVAL;
	/* the spinning outer call would itself become overdue */
	if (ctx == ST_INTERRUPT && (kind == ST_HANG || kind == ST_HANGIRQOFF))
		return -EINVAL;
	if ((kind == ST_SLEEP || kind == ST_SLEEPNULL) &&
	    ctx != ST_PROCESS && ctx != ST_NESTED)
		return -EINVAL;

	mutex_lock(&st_mutex);
	ret = st_run_one(kind, ctx);
	mutex_unlock(&st_mutex);
	return ret ? ret : count;
}

static ssize_t st_run_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char buf[sizeof(st_result)];
	size_t len;

	mutex_lock(&st_mutex);
	len = strscpy(buf, st_result, sizeof(buf));
	mutex_unlock(&st_mutex);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations st_run_fops = {
	.owner	= THIS_MODULE,
	.read	= st_run_read,
	.write	= st_run_write,
	.llseek	= default_llseek,
};

/* The callee of the benchmark: not inlined, not pure, nearly empty. */
static noinline int st_bench_fn(int x)
{
	asm volatile("" : "+r" (x));
	return x + 1;
}

/*
 * One protected call, as NOOKS_CALL() expands in a wrapper: in its own
 * function, so that nothing the loop keeps in registers is live across
 * the setjmp.
 */
static noinline int st_bench_protected(int x)
{
	struct nooks_frame f __uninitialized;
	int ret;

	if (nooks_call_begin(&f, NULL, "bench"))
		return -1;
	ret = st_bench_fn(x);
	nooks_call_end(&f);
	return ret;
}

/* Yield now and then: a million calls take seconds under emulation. */
#define ST_BENCH_CHUNK	65536

static u64 st_bench_direct(unsigned long n)
{
	unsigned long i;
	u64 t0 = ktime_get_ns();
	int sum = 0;

	for (i = 0; i < n; i++) {
		sum += st_bench_fn(i);
		if (!((i + 1) % ST_BENCH_CHUNK))
			cond_resched();
	}
	WRITE_ONCE(st_sink, sum);
	return ktime_get_ns() - t0;
}

static u64 st_bench_prot(unsigned long n, unsigned long *faults)
{
	unsigned long i;
	u64 t0 = ktime_get_ns();
	int sum = 0, r;

	*faults = 0;
	for (i = 0; i < n; i++) {
		r = st_bench_protected(i);
		if (r != (int)i + 1)
			(*faults)++;
		sum += r;
		if (!((i + 1) % ST_BENCH_CHUNK))
			cond_resched();
	}
	WRITE_ONCE(st_sink, sum);
	return ktime_get_ns() - t0;
}

/* @ns / @n as "units.thousandths" */
static int st_per_call(char *buf, size_t size, u64 ns, unsigned long n)
{
	u64 ps = div64_u64(ns * 1000, n);

	return scnprintf(buf, size, "%llu.%03llu", div_u64(ps, 1000),
			 ps % 1000);
}

static ssize_t st_bench_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[160], d[24], p[24];
	unsigned long n, faults;
	u64 direct, prot, ratio;
	int len;

	if (*ppos)
		return 0;	/* one run per read from the start */
	mutex_lock(&st_mutex);
	n = st_bench_n;
	st_bench_direct(n / 10);	/* warm caches and branch predictors */
	direct = st_bench_direct(n);
	prot = st_bench_prot(n, &faults);
	mutex_unlock(&st_mutex);

	st_per_call(d, sizeof(d), direct, n);
	st_per_call(p, sizeof(p), prot, n);
	ratio = div64_u64(prot * 100, direct ?: 1);
	len = scnprintf(buf, sizeof(buf),
			"n=%lu direct_ns_per_call=%s protected_ns_per_call=%s ratio=%llu.%02llu faults=%lu\n",
			n, d, p, div_u64(ratio, 100), ratio % 100, faults);
	pr_info("bench: %s", buf);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t st_bench_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	unsigned long n;
	int ret;

	ret = kstrtoul_from_user(ubuf, count, 0, &n);
	if (ret)
		return ret;
	if (n < 1000 || n > 100000000)
		return -EINVAL;
	mutex_lock(&st_mutex);
	st_bench_n = n;
	mutex_unlock(&st_mutex);
	return count;
}

static const struct file_operations st_bench_fops = {
	.owner	= THIS_MODULE,
	.read	= st_bench_read,
	.write	= st_bench_write,
	.llseek	= default_llseek,
};

static int __init st_init(void)
{
	timer_setup(&st_timer, st_timer_fn, 0);
	hrtimer_init(&st_hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	st_hrtimer.function = st_hrtimer_fn;

	st_dir = debugfs_create_dir("nooks_selftest", NULL);
	debugfs_create_file("run", 0600, st_dir, NULL, &st_run_fops);
	debugfs_create_file("bench", 0600, st_dir, NULL, &st_bench_fops);

	st_own_handler = nooks_fault_replace_handler(NULL, st_handler);
	return 0;
}

static void __exit st_exit(void)
{
	debugfs_remove_recursive(st_dir);
	del_timer_sync(&st_timer);
	hrtimer_cancel(&st_hrtimer);
	if (st_own_handler)
		nooks_fault_replace_handler(st_handler, NULL);
}

module_init(st_init);
module_exit(st_exit);
MODULE_DESCRIPTION("nooks fault-containment self test");
MODULE_LICENSE("GPL");
