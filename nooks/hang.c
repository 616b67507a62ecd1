// SPDX-License-Identifier: GPL-2.0
/*
 * Nooks: abort protected calls that run too long.
 *
 * A call "runs too long" when it has been on the CPU for longer than its
 * bound without a break: hang_ms for calls in atomic contexts (interrupts,
 * softirqs, or with a lock held, BH or interrupts off), hang_process_ms
 * for preemptible process-context calls. A process-context call that
 * sleeps is measured from the last time its task got the CPU, not from
 * its entry.
 *
 * Every online CPU runs a periodic hard-mode hrtimer (period hang_ms/4).
 * Each tick does two things:
 *
 *  1. Local check.  The tick interrupted some context with interrupts
 *     on.  If that context's innermost frame has run longer than hang_ms
 *     and the interrupted IP is driver text, the interrupted registers
 *     (get_irq_regs()) are redirected to nooks_longjmp(), exactly as for a
 *     fault, with kind NOOKS_FAULT_HANG.
 *
 *  2. Remote check.  Each tick stamps a per-CPU heartbeat.  A CPU whose
 *     heartbeat is older than hang_ms has had interrupts off (or been
 *     stuck in hardirq) that long; if it may be inside a protected call,
 *     it is sent an NMI, unless one we sent is still pending.  The NMI
 *     handler on that CPU performs the local check on the NMI's
 *     interrupted registers.
 *
 * Redirecting from an NMI on x86-64: an NMI from kernel mode does not
 * return through the pt_regs handed to handlers.  entry_64.S copies the
 * hardware frame twice: pt_regs ends with the "outermost" copy (ip, cs,
 * flags, sp, ss), and just above pt_regs lies the "iret" copy that the
 * final IRETQ pops, followed by the "NMI executing" word.  The outermost
 * copy is what a repeated (nested) NMI copies back into the iret frame;
 * the iret frame is what is actually returned through.  So both are
 * rewritten: pt_regs (which also carries the new rdi/rsi, restored by
 * POP_REGS), then the iret frame's flags and ip.  The iret frame is only
 * touched if it is an exact copy of pt_regs and "NMI executing" is 1,
 * i.e. if the layout is the one described and no nested NMI has pointed
 * it at repeat_nmi; otherwise the NMI leaves the call alone and a later
 * tick tries again.
 *
 * A CPU that does not run at all for a while (a vCPU the host does not
 * schedule, or one stuck in the emulation of a slow device access: one
 * MMIO write to a NIC's transmit register can take QEMU over 100 ms) is
 * not a hang of the call it was in.  Each local tick that comes more than
 * a quarter period late adds the excess over one period to the CPU's
 * stalled time (nooks_hang_stolen_ns()), which the local check subtracts
 * from the age of a call entered on that CPU.  A late tick cannot tell a
 * stalled vCPU from a stretch the guest itself ran with interrupts off,
 * so a loop that keeps interrupts off most of the time (and on just long
 * enough to let each tick in) would be credited nearly all its time; the
 * credit is therefore capped: a call older than NOOKS_HANG_STALL_MAX
 * bounds by the wall clock is hung whatever its stalled time.
 *
 * Not covered: a CPU with interrupts off when no other CPU is online (no
 * one can send the NMI); a loop whose IP is sampled outside driver text
 * every time (e.g. one that spends nearly all its time inside a kernel
 * helper such as udelay()), since aborting in the middle of a kernel
 * helper could leave it inconsistent; a hang inside an NMI handler; a
 * process-context call that keeps sleeping or being preempted (a blocked
 * or livelocked call, not a CPU hog); a CPU whose vCPU or timer is held
 * up for longer than hang_ms is merely sent a harmless NMI.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/string.h>
#include <linux/math64.h>
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/irq_regs.h>
#include <asm/nmi.h>
#include <asm/tsc.h>

#include "fault.h"
#include "symbols.h"

#define NOOKS_HANG_MS_MAX	60000
/* wall-clock age, in bounds, after which stalled time is no excuse */
#define NOOKS_HANG_STALL_MAX	10

static unsigned int nooks_hang_ms = 100;
static unsigned int nooks_hang_process_ms = 2000;

static int nooks_hang_ms_set(const char *val, const struct kernel_param *kp)
{
	unsigned int ms;
	int ret;

	ret = kstrtouint(val, 0, &ms);
	if (ret)
		return ret;
	if (!ms || ms > NOOKS_HANG_MS_MAX)
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, ms);
	return 0;
}

static const struct kernel_param_ops nooks_hang_ms_ops = {
	.set	= nooks_hang_ms_set,
	.get	= param_get_uint,
};

module_param_cb(hang_ms, &nooks_hang_ms_ops, &nooks_hang_ms, 0644);
MODULE_PARM_DESC(hang_ms,
		 "abort a protected call in an atomic context running longer than this (ms, 1-60000)");

/*
 * Preemptible process-context entry points (probe, open, ethtool, ...)
 * legitimately spin on slow hardware for hundreds of milliseconds (e1000's
 * probe reads its EEPROM bit by bit): they get a bound of their own.
 */
module_param_cb(hang_process_ms, &nooks_hang_ms_ops, &nooks_hang_process_ms,
		0644);
MODULE_PARM_DESC(hang_process_ms,
		 "abort a protected call in process context running on the CPU longer than this (ms, 1-60000)");

/**
 * nooks_hang_get_ms() - current hang bound
 *
 * Return: hang_ms.
 */
unsigned int nooks_hang_get_ms(void)
{
	return READ_ONCE(nooks_hang_ms);
}
EXPORT_SYMBOL_GPL(nooks_hang_get_ms);

/**
 * struct nooks_hang_cpu - per-CPU watchdog state
 * @timer: the periodic hard-mode hrtimer
 * @beat_ns: local_clock() at the last tick; 0 while not watched
 * @nmi_pending: an NMI sent by us has not been handled yet
 * @stolen_ns: time this CPU did not run, as seen by late ticks
 */
struct nooks_hang_cpu {
	struct hrtimer timer;
	u64 beat_ns;
	int nmi_pending;
	u64 stolen_ns;
};

static DEFINE_PER_CPU(struct nooks_hang_cpu, nooks_hang_cpus);

static enum cpuhp_state nooks_hang_cpuhp;
static bool nooks_hang_nmi_registered;
static nooks_text_check_t nooks_text_check;
static struct module *(*nooks_module_text)(unsigned long addr);

/**
 * nooks_hang_default_text_check() - is @ip in isolated driver text?
 * @dom: domain of the overdue call (unused)
 * @ip: interrupted instruction pointer
 *
 * True for the text of any module but nooks itself and the shadow
 * modules (names starting with "shadow").  NMI-safe; called with
 * preemption disabled.
 *
 * Return: true if a hung call may be aborted at @ip.
 */
bool nooks_hang_default_text_check(struct nooks_domain *dom, unsigned long ip)
{
	struct module *(*text)(unsigned long addr);
	struct module *mod;

	if (ip < MODULES_VADDR || ip >= MODULES_END)
		return false;
	if (within_module(ip, THIS_MODULE))
		return false;
	text = READ_ONCE(nooks_module_text);
	if (!text)
		return true;
	mod = text(ip);
	if (!mod)
		return false;
	return strncmp(mod->name, "shadow", 6) != 0;
}
EXPORT_SYMBOL_GPL(nooks_hang_default_text_check);

/**
 * nooks_hang_set_text_check() - decide where hung calls may be aborted
 * @fn: predicate on (domain, ip); NULL restores the default
 *
 * @fn is asked about frames that have a domain; frames entered with a
 * NULL domain always get nooks_hang_default_text_check().  It is called
 * from hardirq and NMI context and must be NMI-safe.  May
 * sleep: when a predicate is replaced, waits until no CPU still runs it.
 */
void nooks_hang_set_text_check(nooks_text_check_t fn)
{
	nooks_text_check_t old = xchg(&nooks_text_check, fn);

	if (old && old != fn)
		synchronize_rcu();
}
EXPORT_SYMBOL_GPL(nooks_hang_set_text_check);

static LIST_HEAD(nooks_hang_texts);
static DEFINE_MUTEX(nooks_hang_texts_lock);

/**
 * nooks_hang_add_text() - let hung driver calls be aborted in more text
 * @t: the range, @start and @end set; it must stay until
 *	nooks_hang_del_text()
 *
 * Context: process context.
 */
void nooks_hang_add_text(struct nooks_text *t)
{
	mutex_lock(&nooks_hang_texts_lock);
	list_add_tail_rcu(&t->node, &nooks_hang_texts);
	mutex_unlock(&nooks_hang_texts_lock);
}
EXPORT_SYMBOL_GPL(nooks_hang_add_text);

/**
 * nooks_hang_del_text() - undo nooks_hang_add_text()
 * @t: the range
 *
 * When this returns no CPU still looks at @t.
 *
 * Context: process context, may sleep.
 */
void nooks_hang_del_text(struct nooks_text *t)
{
	mutex_lock(&nooks_hang_texts_lock);
	list_del_rcu(&t->node);
	mutex_unlock(&nooks_hang_texts_lock);
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(nooks_hang_del_text);

/**
 * nooks_hang_in_text() - is @ip in a range of nooks_hang_add_text()?
 * @ip: instruction pointer
 *
 * NMI-safe; for the domain text check.
 *
 * Return: true if a hung driver call may be aborted at @ip.
 */
bool nooks_hang_in_text(unsigned long ip)
{
	struct nooks_text *t;
	bool found = false;

	rcu_read_lock();
	list_for_each_entry_rcu(t, &nooks_hang_texts, node) {
		if (ip >= t->start && ip < t->end) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/**
 * nooks_hang_in_driver() - may a call of @dom be aborted at @ip?
 * @dom: domain of the frame, or NULL (engine self tests: the default check)
 * @ip: instruction pointer
 *
 * The text check the watchdog uses, for the fault handlers too.
 * NMI-safe.
 *
 * Return: true if @ip is driver text for @dom.
 */
bool nooks_hang_in_driver(struct nooks_domain *dom, unsigned long ip)
{
	nooks_text_check_t fn = READ_ONCE(nooks_text_check);

	if (fn && dom)
		return fn(dom, ip);
	return nooks_hang_default_text_check(dom, ip);
}

static u64 nooks_hang_period_ns(unsigned int ms)
{
	return (u64)clamp(ms / 4, 1U, 1000U) * NSEC_PER_MSEC;
}

/*
 * Redirect the context an NMI interrupted; see the comment at the top.
 * Only kernel-mode NMIs get here, so regs is followed by the iret frame.
 */
static bool nooks_nmi_redirect(struct pt_regs *regs, struct nooks_frame *f)
{
	unsigned long *iret = (unsigned long *)(regs + 1);

	if (iret[0] != regs->ip || iret[1] != regs->cs ||
	    iret[2] != regs->flags || iret[3] != regs->sp ||
	    iret[4] != regs->ss || iret[5] != 1)
		return false;

	nooks_redirect(regs, f, NOOKS_FAULT_HANG, 0);
	iret[2] = regs->flags;
	WRITE_ONCE(iret[0], regs->ip);
	return true;
}

/*
 * Entry stamps (nooks_stamp()) are raw TSC reads when the TSC runs at one
 * rate, in step on every CPU (a process-context call may end on another
 * CPU than it entered on): set once at load, before any call is made.
 */
DEFINE_STATIC_KEY_FALSE(nooks_stamp_tsc);

/*
 * Is the TSC one clock for every CPU, at one rate? When the processor says
 * so (constant and non-stop TSC), or when the kernel found it so and runs
 * its scheduler clock from it (sched_clock_stable(): a guest booted with
 * tsc=reliable), and it has not been marked unstable since.
 */
static bool nooks_hang_tsc_usable(void)
{
	int (*stable)(void);

	if (!boot_cpu_has(X86_FEATURE_TSC) || !tsc_khz || check_tsc_unstable())
		return false;
	if (boot_cpu_has(X86_FEATURE_CONSTANT_TSC) &&
	    boot_cpu_has(X86_FEATURE_NONSTOP_TSC))
		return true;
	stable = (void *)nooks_lookup_name("sched_clock_stable");
	return stable && stable();
}

/* The local_clock() time of entry stamp @stamp, @now being local_clock(). */
static u64 nooks_hang_stamp_ns(u64 stamp, u64 now)
{
	s64 cycles;

	if (!static_branch_likely(&nooks_stamp_tsc))
		return stamp;
	cycles = rdtsc() - stamp;
	if (cycles <= 0)
		return now;
	return now - mul_u64_u32_div(cycles, NSEC_PER_MSEC, tsc_khz);
}

/*
 * When the call's current uninterrupted run on the CPU began.  A
 * process-context call may sleep or be preempted: it is measured from the
 * later of its entry and the last time its task got the CPU (the
 * scheduler stamps last_arrival with rq_clock(), i.e. sched_clock_cpu(),
 * the clock local_clock() reads).  Calls in atomic contexts cannot leave
 * the CPU: they are measured from entry.
 */
static u64 nooks_run_start(const struct nooks_frame *f, u64 now)
{
	u64 start = nooks_hang_stamp_ns(f->start, now);

#ifdef CONFIG_SCHED_INFO
	if (!f->ctx) {
		u64 arrived = READ_ONCE(current->sched_info.last_arrival);

		if ((s64)(arrived - start) > 0)
			start = arrived;
	}
#endif
	return start;
}

/**
 * nooks_hang_stolen_ns() - time this CPU has been stalled, as far as known
 *
 * Only differences between two reads on the same CPU mean anything.
 *
 * Return: the CPU's accumulated stalled time, in ns.
 */
u64 nooks_hang_stolen_ns(void)
{
	return READ_ONCE(this_cpu_ptr(&nooks_hang_cpus)->stolen_ns);
}

/*
 * Abort the interrupted context's innermost protected call if it has run
 * on the CPU without a break for longer than @bound and is stopped in
 * driver text.  @pc is the interrupted context's
 * preempt_count(); @nmi says whether we are in the NMI handler.
 */
static bool nooks_hang_check(struct pt_regs *regs, unsigned long pc,
			     u64 now, u64 bound, bool nmi)
{
	struct nooks_frame *f;
	u64 age;

	if (!regs || user_mode(regs))
		return false;
	f = nooks_find_frame(pc & NOOKS_CTX_MASK, regs->sp, nmi);
	if (!f || f->fault || !f->start)
		return false;
	/*
	 * A call entered preemptible with interrupts on (probe, open, an
	 * ethtool request) may spin on slow hardware: the process bound.
	 * Anything atomic (a lock held, BH or interrupts off) gets hang_ms.
	 */
	if (!f->ctx && !(f->preempt & (PREEMPT_MASK | SOFTIRQ_MASK)) &&
	    !arch_irqs_disabled_flags(f->irqflags))
		bound = max_t(u64, bound, (u64)READ_ONCE(nooks_hang_process_ms) *
					  NSEC_PER_MSEC);
	/* time the CPU was stalled is not time the call ran, up to a point */
	age = now - nooks_run_start(f, now);
	if (f->cpu == smp_processor_id() &&
	    (s64)age <= (s64)(NOOKS_HANG_STALL_MAX * bound))
		age -= nooks_hang_stolen_ns() - f->start_stolen;
	if ((s64)age <= (s64)bound)
		return false;
	if (!nooks_hang_in_driver(f->dom, regs->ip))
		return false;
	if (nmi)
		return nooks_nmi_redirect(regs, f);
	nooks_redirect(regs, f, NOOKS_FAULT_HANG, 0);
	return true;
}

static void nooks_hang_poke_others(u64 now, u64 bound)
{
	int self = smp_processor_id();
	int cpu;

	for_each_online_cpu(cpu) {
		struct nooks_hang_cpu *hc = per_cpu_ptr(&nooks_hang_cpus, cpu);
		u64 beat = READ_ONCE(hc->beat_ns);

		if (cpu == self || !beat || (s64)(now - beat) <= (s64)bound)
			continue;
		if (READ_ONCE(hc->nmi_pending) || !nooks_cpu_may_have_frames(cpu))
			continue;
		if (cmpxchg(&hc->nmi_pending, 0, 1) != 0)
			continue;
		apic->send_IPI(cpu, NMI_VECTOR);
	}
}

static enum hrtimer_restart nooks_hang_tick(struct hrtimer *timer)
{
	struct nooks_hang_cpu *hc = this_cpu_ptr(&nooks_hang_cpus);
	unsigned int ms = READ_ONCE(nooks_hang_ms);
	u64 bound = (u64)ms * NSEC_PER_MSEC;
	u64 now = local_clock();
	struct pt_regs *regs = get_irq_regs();
	u64 period = nooks_hang_period_ns(ms);

	/* a tick that comes late: this CPU did not run in between */
	if (hc->beat_ns && (s64)(now - hc->beat_ns) > (s64)(period + period / 4))
		WRITE_ONCE(hc->stolen_ns,
			   hc->stolen_ns + now - hc->beat_ns - period);
	WRITE_ONCE(hc->beat_ns, now);
	/* In a hard hrtimer, preempt_count() = interrupted + HARDIRQ_OFFSET */
	if (regs && (regs->flags & X86_EFLAGS_IF))
		nooks_hang_check(regs, preempt_count() - HARDIRQ_OFFSET, now,
				 bound, false);
	if (num_online_cpus() > 1)
		nooks_hang_poke_others(now, bound);

	hrtimer_forward_now(timer, ns_to_ktime(period));
	return HRTIMER_RESTART;
}

static int nooks_hang_nmi(unsigned int type, struct pt_regs *regs)
{
	struct nooks_hang_cpu *hc = this_cpu_ptr(&nooks_hang_cpus);
	u64 bound = (u64)READ_ONCE(nooks_hang_ms) * NSEC_PER_MSEC;

	if (!READ_ONCE(hc->nmi_pending))
		return NMI_DONE;
	/* nmi_enter() added NMI_OFFSET + HARDIRQ_OFFSET */
	nooks_hang_check(regs, preempt_count() - (NMI_OFFSET + HARDIRQ_OFFSET),
			 local_clock(), bound, true);
	WRITE_ONCE(hc->nmi_pending, 0);
	return NMI_HANDLED;
}

/* cpuhp callbacks of CPUHP_AP_ONLINE_DYN run on @cpu itself */
static int nooks_hang_cpu_online(unsigned int cpu)
{
	struct nooks_hang_cpu *hc = per_cpu_ptr(&nooks_hang_cpus, cpu);
	unsigned int ms = READ_ONCE(nooks_hang_ms);

	WRITE_ONCE(hc->beat_ns, local_clock());
	hrtimer_start(&hc->timer, ns_to_ktime(nooks_hang_period_ns(ms)),
		      HRTIMER_MODE_REL_PINNED_HARD);
	return 0;
}

static int nooks_hang_cpu_offline(unsigned int cpu)
{
	struct nooks_hang_cpu *hc = per_cpu_ptr(&nooks_hang_cpus, cpu);

	WRITE_ONCE(hc->beat_ns, 0);
	hrtimer_cancel(&hc->timer);
	return 0;
}

/**
 * nooks_hang_init() - start the hang watchdog on every online CPU
 *
 * Return: 0 or a negative errno.
 */
int nooks_hang_init(void)
{
	int cpu, ret;

	nooks_module_text = (void *)nooks_lookup_name("__module_text_address");
	if (!nooks_module_text)
		pr_warn("__module_text_address not found: any module text counts as driver text\n");

	if (nooks_hang_tsc_usable())
		static_branch_enable(&nooks_stamp_tsc);

	for_each_possible_cpu(cpu) {
		struct nooks_hang_cpu *hc = per_cpu_ptr(&nooks_hang_cpus, cpu);

		hrtimer_init(&hc->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_HARD);
		hc->timer.function = nooks_hang_tick;
		hc->beat_ns = 0;
		hc->nmi_pending = 0;
	}

	ret = register_nmi_handler(NMI_LOCAL, nooks_hang_nmi, 0, "nooks_hang");
	if (ret) {
		pr_warn("no NMI handler (%d): hangs with interrupts off are not caught\n",
			ret);
	} else {
		nooks_hang_nmi_registered = true;
	}

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "nooks/hang:online",
				nooks_hang_cpu_online, nooks_hang_cpu_offline);
	if (ret < 0)
		goto err_nmi;
	nooks_hang_cpuhp = ret;
	return 0;

err_nmi:
	if (nooks_hang_nmi_registered)
		unregister_nmi_handler(NMI_LOCAL, "nooks_hang");
	nooks_hang_nmi_registered = false;
	return ret;
}

/**
 * nooks_hang_exit() - stop the hang watchdog
 */
void nooks_hang_exit(void)
{
	int cpu, tries;

	cpuhp_remove_state(nooks_hang_cpuhp);

	/* Let NMIs already sent arrive before their handler goes away. */
	for_each_possible_cpu(cpu) {
		struct nooks_hang_cpu *hc = per_cpu_ptr(&nooks_hang_cpus, cpu);

		for (tries = 0; READ_ONCE(hc->nmi_pending) && tries < 100; tries++)
			usleep_range(1000, 2000);
	}
	if (nooks_hang_nmi_registered)
		unregister_nmi_handler(NMI_LOCAL, "nooks_hang");
	nooks_hang_nmi_registered = false;
}
