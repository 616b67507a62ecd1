// SPDX-License-Identifier: GPL-2.0
/*
 * swifi/inject.c - fault injection into an isolated driver, for tests.
 *
 * /sys/kernel/debug/shadow/<driver>/inject takes "FAULT FUNCTION [AFTER]",
 * for an isolated driver or a native one (fault campaigns compare both):
 * a kprobe on FUNCTION (a function of the driver or of a helper module its
 * domain covers, nooks/group.c) lets AFTER calls pass
 * and, on the next one, makes the driver commit FAULT. Writing it replaces
 * what was armed; "add FAULT FUNCTION [AFTER]" arms one more (up to
 * NOOKS_INJECT_MAX), e.g. a fault in the probe routine that makes the
 * restart after a first fault fail. FAULT is one of:
 *
 *   null     NULL pointer dereference (page fault)
 *   gpf      dereference of a non-canonical pointer (#GP)
 *   bug      BUG() (#UD)
 *   hang     endless loop (the hang watchdog must abort it)
 *   double   a stack pointer loaded with an unmapped address, then a push
 *            (double fault)
 *   error    FUNCTION returns -EIO at once without running
 *   corrupt  FUNCTION's first argument (a pointer) is made non-canonical,
 *            so the driver's own code faults on it
 *
 * "off" disarms all. Reading shows what is armed and whether it fired, one
 * line per injection, oldest first ("off" when nothing is armed). The
 * fault runs in the context the driver function was called in (process,
 * softirq or hardirq), on the driver's stack, exactly as if the driver had
 * done it: for the first four the probe diverts the driver's function to
 * a small routine of this file that commits the fault.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/debugfs.h>
#include <linux/ftrace.h>
#include <linux/linkage.h>
#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "domain.h"
#include "inject.h"
#include "nooks_swifi.h"
#include "nooks_trace.h"
#include "symbols.h"

enum nooks_inject_kind {
	NOOKS_INJ_NULL,
	NOOKS_INJ_GPF,
	NOOKS_INJ_BUG,
	NOOKS_INJ_HANG,
	NOOKS_INJ_ERROR,
	NOOKS_INJ_CORRUPT,
	NOOKS_INJ_DOUBLE,
};

static const char * const nooks_inject_names[] = {
	[NOOKS_INJ_NULL]	= "null",
	[NOOKS_INJ_GPF]		= "gpf",
	[NOOKS_INJ_BUG]		= "bug",
	[NOOKS_INJ_HANG]	= "hang",
	[NOOKS_INJ_ERROR]	= "error",
	[NOOKS_INJ_CORRUPT]	= "corrupt",
	[NOOKS_INJ_DOUBLE]	= "double",
};

/* Injections one domain may have armed at a time. */
#define NOOKS_INJECT_MAX	4

/**
 * struct nooks_inject - one armed injection
 * @next: the next injection armed in the same domain (dom->inject list)
 * @kp: the probe on the driver function
 * @dom: the domain
 * @kind: enum nooks_inject_kind
 * @after: calls to let pass
 * @hits: calls seen
 * @fired: the fault was committed
 * @func: the function name (kp.symbol_name points here)
 */
struct nooks_inject {
	struct nooks_inject *next;
	struct kprobe kp;
	struct nooks_domain *dom;
	int kind;
	unsigned long after;
	atomic_long_t hits;
	bool fired;
	char func[KSYM_NAME_LEN];
};

/* Read through a volatile pointer so the compiler cannot see the NULL. */
static int *volatile nooks_inject_null_ptr;

static noinline void nooks_inject_do_null(void)
{
	WRITE_ONCE(*nooks_inject_null_ptr, 1);
}

static noinline void nooks_inject_do_gpf(void)
{
	int *volatile p = (int *)0xdead000000000100UL;

	WRITE_ONCE(*p, 1);
}

static noinline void nooks_inject_do_bug(void)
{
	BUG();
}

/*
 * The endless loop, and the broken stack pointer: a load of an address
 * that is never mapped (page 0) into rsp, then a push. The push faults,
 * the CPU cannot push the page fault's frame on that stack either and
 * raises a double fault. Their bounds are exported to the hang watchdog's
 * text check, which the fault handlers use too for a call whose stack
 * pointer is broken: aborting here is as safe as in driver text.
 */
asm(".pushsection .text\n"
	".globl nooks_inject_do_hang\n"
	".type nooks_inject_do_hang, @function\n"
	"nooks_inject_do_hang:\n"
	"1:	pause\n"
	"	jmp 1b\n"
	".size nooks_inject_do_hang, . - nooks_inject_do_hang\n"
	".globl nooks_inject_do_double\n"
	".type nooks_inject_do_double, @function\n"
	"nooks_inject_do_double:\n"
	"	movq $16, %rsp\n"
	"	pushq %rax\n"
	"	ud2\n"
	".size nooks_inject_do_double, . - nooks_inject_do_double\n"
	".globl nooks_inject_hang_end\n"
	"nooks_inject_hang_end:\n"
	"	int3\n"
	".popsection\n");

/* Return at once to the probed function's caller (rax holds the value). */
asm(".pushsection .text\n"
	".globl nooks_inject_do_return\n"
	".type nooks_inject_do_return, @function\n"
	"nooks_inject_do_return:\n"
	ASM_RET
	".size nooks_inject_do_return, . - nooks_inject_do_return\n"
	".popsection\n");

static int nooks_inject_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct nooks_inject *inj = container_of(kp, struct nooks_inject, kp);

	if (READ_ONCE(inj->fired) ||
	    atomic_long_inc_return(&inj->hits) <= inj->after)
		return 0;
	WRITE_ONCE(inj->fired, true);
	trace_nooks_inject(inj->dom->name, nooks_inject_names[inj->kind],
			   inj->func, atomic_long_read(&inj->hits));
	switch (inj->kind) {
	case NOOKS_INJ_NULL:
		instruction_pointer_set(regs, (unsigned long)nooks_inject_do_null);
		return 1;
	case NOOKS_INJ_GPF:
		instruction_pointer_set(regs, (unsigned long)nooks_inject_do_gpf);
		return 1;
	case NOOKS_INJ_BUG:
		instruction_pointer_set(regs, (unsigned long)nooks_inject_do_bug);
		return 1;
	case NOOKS_INJ_HANG:
		/*
		 * A CPU will run this module's loop until the watchdog
		 * aborts it, never in a native driver: the module stays
		 * loaded, for good or until the domain's calls are seen
		 * to have left (main.c).
		 */
		__module_get(THIS_MODULE);
		if (READ_ONCE(inj->dom->mode) != NOOKS_MODE_OFF)
			atomic_inc(&nooks_swifi_of(inj->dom)->hang_pins);
		instruction_pointer_set(regs, (unsigned long)nooks_inject_do_hang);
		return 1;
	case NOOKS_INJ_ERROR:
		/* return -EIO to the caller without running the function */
		regs->ax = (unsigned long)-EIO;
		instruction_pointer_set(regs,
					(unsigned long)nooks_inject_do_return);
		return 1;
	case NOOKS_INJ_CORRUPT:
		regs->di ^= 0xdead000000000000UL;
		return 0;
	case NOOKS_INJ_DOUBLE:
		instruction_pointer_set(regs,
					(unsigned long)nooks_inject_do_double);
		return 1;
	}
	return 0;
}

/*
 * Where the probe for a function at @addr goes: past its ftrace call site,
 * when it has one (the 5-byte site every traceable function starts with).
 * A probe on that site is an ftrace-based kprobe, which has no slot to
 * single-step its instruction from: a CPU that still runs an int3 from a
 * stale copy of the code, after ftrace finished patching the site, finds
 * the probe and single-steps from address 0 (seen under QEMU TCG, whose
 * vCPUs may run a translated block a moment after another vCPU rewrote
 * the code: "RIP: 0" right after an injection was armed, on every call
 * from then on). Past the site the probe is an ordinary int3 probe with
 * its own slot. The site is a call to an empty tracer or a NOP: the
 * function's arguments and stack are still as at its entry.
 *
 * Such a probe must not be optimized into a jump: an optimized probe
 * ignores the instruction pointer its handler sets, so the fault would
 * not happen (3 of 12 injections did). Probes with a post handler are
 * never optimized: the probe gets an empty one.
 */
static unsigned long nooks_inject_addr(unsigned long addr)
{
	static unsigned long (*ftrace_location_fn)(unsigned long ip);

	if (!ftrace_location_fn)
		ftrace_location_fn = (void *)nooks_lookup_name("ftrace_location");
	if (ftrace_location_fn && ftrace_location_fn(addr) == addr)
		return addr + MCOUNT_INSN_SIZE;
	return addr;
}

/* Keeps the probe from being optimized (see nooks_inject_addr()). */
static void nooks_inject_post(struct kprobe *kp, struct pt_regs *regs,
			      unsigned long flags)
{
}

/* Disarm all; caller holds dom->ctl. */
void nooks_inject_disarm(struct nooks_domain *dom)
{
	struct nooks_swifi_dom *sd = nooks_swifi_of(dom);
	struct nooks_inject *inj;

	while ((inj = sd->inject)) {
		unregister_kprobe(&inj->kp);
		sd->inject = inj->next;
		kfree(inj);
	}
}

/* Arm one injection; replace those armed unless @add. Caller holds ctl. */
static int nooks_inject_arm(struct nooks_domain *dom, int kind,
			    const char *func, unsigned long after, bool add)
{
	struct nooks_inject *inj, **tail;
	unsigned long addr;
	unsigned int n = 0;
	int ret;

	/*
	 * Into a loaded driver; also a native one (mode off): fault campaigns
	 * compare the same faults without isolation, where they crash.
	 */
	if (!dom->mod)
		return -ENODEV;
	for (tail = &nooks_swifi_of(dom)->inject; *tail; tail = &(*tail)->next)
		n++;
	if (add && n >= NOOKS_INJECT_MAX)
		return -EBUSY;
	inj = kzalloc(sizeof(*inj), GFP_KERNEL);
	if (!inj)
		return -ENOMEM;
	inj->dom = dom;
	inj->kind = kind;
	inj->after = after;
	strscpy(inj->func, func, sizeof(inj->func));
	/*
	 * Check the address is the driver's before the probe exists: it
	 * must never sit, even for a moment, on a kernel function (say
	 * kfree) that other CPUs run unprotected.
	 */
	addr = nooks_lookup_name(func);
	if (!addr || !nooks_domain_in_text(dom, addr)) {
		ret = -EINVAL;		/* not code of this domain */
		goto err_free;
	}
	if (!add) {
		nooks_inject_disarm(dom);
		tail = &nooks_swifi_of(dom)->inject;
	}
	inj->kp.addr = (kprobe_opcode_t *)nooks_inject_addr(addr);
	inj->kp.pre_handler = nooks_inject_pre;
	inj->kp.post_handler = nooks_inject_post;
	ret = register_kprobe(&inj->kp);
	if (ret)
		goto err_free;
	*tail = inj;
	pr_info("%s: armed %s at %s after %lu calls\n", dom->name,
		nooks_inject_names[kind], func, after);
	return 0;

err_free:
	kfree(inj);
	return ret;
}

static ssize_t nooks_inject_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct nooks_domain *dom = file->private_data;
	char buf[160], kind[16], func[KSYM_NAME_LEN];
	unsigned long after = 0;
	char *p;
	bool add;
	int n, k, ret, end = 0;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	p = skip_spaces(buf);
	add = str_has_prefix(p, "add ");
	if (add)
		p += strlen("add ");
	n = sscanf(p, "%15s %127s%n", kind, func, &end);
	if (n == 2 && nooks_swifi_number(p + end, &after))
		return -EINVAL;
	if (n == 1 && !add && !strcmp(kind, "off")) {
		mutex_lock(&dom->ctl);
		nooks_inject_disarm(dom);
		mutex_unlock(&dom->ctl);
		return count;
	}
	if (n < 2)
		return -EINVAL;
	k = match_string(nooks_inject_names, ARRAY_SIZE(nooks_inject_names),
			 kind);
	if (k < 0)
		return -EINVAL;
	mutex_lock(&dom->ctl);
	ret = nooks_inject_arm(dom, k, func, after, add);
	mutex_unlock(&dom->ctl);
	return ret ?: count;
}

static ssize_t nooks_inject_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct nooks_domain *dom = file->private_data;
	struct nooks_inject *inj;
	char buf[NOOKS_INJECT_MAX * 224];
	int len = 0;

	mutex_lock(&dom->ctl);
	for (inj = nooks_swifi_of(dom)->inject; inj; inj = inj->next)
		len += scnprintf(buf + len, sizeof(buf) - len,
				 "%s %s after %lu hits %ld %s\n",
				 nooks_inject_names[inj->kind], inj->func,
				 inj->after, atomic_long_read(&inj->hits),
				 READ_ONCE(inj->fired) ? "fired" : "armed");
	if (!len)
		len = scnprintf(buf, sizeof(buf), "off\n");
	mutex_unlock(&dom->ctl);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

const struct file_operations nooks_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = nooks_inject_read,
	.write = nooks_inject_write,
	.llseek = default_llseek,
};
