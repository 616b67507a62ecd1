/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/frame.h - protected calls into an isolated driver.
 *
 * A protected call saves a jump buffer in a struct nooks_frame that lives
 * on the caller's stack, publishes the frame, and calls into the driver.
 * If the processor raises an exception (page fault, #GP, #UD/BUG, #DE)
 * while the frame is innermost for the faulting context, or the hang
 * watchdog finds the call overdue, the trap frame is rewritten so that
 * execution resumes in nooks_longjmp() with that frame, and
 * nooks_call_begin() returns a second time with the fault kind.
 *
 * Usage (the macro must be expanded in the function that owns the frame):
 *
 *	struct nooks_frame f __uninitialized;	// fully written before use
 *
 *	if (nooks_call_begin(&f, dom, "ndo_open"))
 *		return -EIO;		// driver faulted; f.fault says how
 *	ret = orig_ops->ndo_open(dev);
 *	nooks_call_end(&f);
 */
#ifndef _NOOKS_FRAME_H
#define _NOOKS_FRAME_H

/* Indexes into nooks_frame.jb, shared with nooks/jump.S. */
#define NOOKS_JB_RBX	0
#define NOOKS_JB_RBP	1
#define NOOKS_JB_R12	2
#define NOOKS_JB_R13	3
#define NOOKS_JB_R14	4
#define NOOKS_JB_R15	5
#define NOOKS_JB_RSP	6
#define NOOKS_JB_RIP	7
#define NOOKS_JB_NR	8

#ifndef __ASSEMBLY__

#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/types.h>

struct nooks_domain;
struct task_struct;

/**
 * enum nooks_fault_kind - why a protected call was aborted
 * @NOOKS_FAULT_NONE: not aborted
 * @NOOKS_FAULT_PAGE: page fault (NULL or wild pointer)
 * @NOOKS_FAULT_GP: general protection fault (e.g. non-canonical address)
 * @NOOKS_FAULT_BUG: BUG() or another invalid opcode (#UD)
 * @NOOKS_FAULT_DIVIDE: divide error (#DE)
 * @NOOKS_FAULT_HANG: the call ran longer than the hang bound
 * @NOOKS_FAULT_STORM: interrupt storm from the driver's device
 * @NOOKS_FAULT_OTHER: any other trap the die notifier saw
 * @NOOKS_FAULT_PANIC: the driver called panic()
 * @NOOKS_FAULT_LOCK: the call returned with a lock held, or preemption,
 *	bottom halves or interrupts left disabled, or in an RCU read-side
 *	critical section (the state is put back)
 * @NOOKS_FAULT_FREE: the driver freed memory it had freed already, or
 *	handed the kernel a buffer it had freed (nooks/quarantine.c)
 * @NOOKS_FAULT_DOUBLE: double fault (#DF): the driver broke its stack
 *	pointer, and the CPU could not push the frame of the fault after
 */
enum nooks_fault_kind {
	NOOKS_FAULT_NONE,
	NOOKS_FAULT_PAGE,
	NOOKS_FAULT_GP,
	NOOKS_FAULT_BUG,
	NOOKS_FAULT_DIVIDE,
	NOOKS_FAULT_HANG,
	NOOKS_FAULT_STORM,
	NOOKS_FAULT_OTHER,
	NOOKS_FAULT_PANIC,
	NOOKS_FAULT_LOCK,
	NOOKS_FAULT_FREE,
	NOOKS_FAULT_DOUBLE,
	NOOKS_FAULT_NR,
};

/**
 * struct nooks_frame - one protected call in progress
 * @jb: callee-saved registers, stack and return address (nooks/jump.S)
 * @up: the frame this call nested in, in its context (nooks/frames.c)
 * @slot: the task slot it is published in (process context), or NULL
 * @node: link in a fallback bucket's list (process context, no slot)
 * @task: task that entered the call
 * @ctx: interrupt-context bits of preempt_count() at entry
 * @preempt: full preempt_count() at entry, restored after a fault
 * @rcu_depth: RCU read-side nesting at entry, restored after a fault
 * @irqflags: interrupt flags at entry, restored after a fault
 * @cpu: CPU the call entered on (meaningful for atomic contexts)
 * @start: when the call entered (nooks_stamp(), nooks/fault.h), for the
 *	hang watchdog
 * @start_stolen: the entry CPU's stalled time at entry (see hang.c)
 * @dom: isolation domain being entered
 * @what: name of the entry point, for reports and traces
 * @fault: enum nooks_fault_kind, set when aborted
 * @fault_ip: instruction pointer of the fault
 * @fault_addr: faulting data address (page faults), else 0
 */
struct nooks_frame {
	unsigned long jb[NOOKS_JB_NR];
	struct nooks_frame *up;
	void *slot;
	struct list_head node;
	struct task_struct *task;
	unsigned long ctx;
	int preempt;
	int rcu_depth;
	unsigned long irqflags;
	int cpu;
	u64 start;
	u64 start_stolen;
	struct nooks_domain *dom;
	const char *what;
	int fault;
	unsigned long fault_ip;
	unsigned long fault_addr;
};

int nooks_setjmp(struct nooks_frame *f) __attribute__((returns_twice));
void __noreturn nooks_longjmp(struct nooks_frame *f, int val);

void nooks_frame_prepare(struct nooks_frame *f, struct nooks_domain *dom,
			 const char *what);
void nooks_frame_push(struct nooks_frame *f);
int nooks_frame_recover(struct nooks_frame *f);
void nooks_call_end(struct nooks_frame *f);

/*
 * Slack left on the stack between the caller of a protected call and the
 * driver: a driver function whose stack adjustment a fault broke (a push
 * or a "sub rsp" turned into a nop) reads and writes a few slots off, up
 * into its caller's frame; the slack takes those writes instead of the
 * caller's locals, which the abort path still reads (a corrupted entry
 * record pointer there turned a contained fault into an oops: campaign
 * ata_piix-tcc-1, trial 41).
 */
#define NOOKS_STACK_GAP	128

#define nooks_stack_gap()						\
	do {								\
		void *__gap = __builtin_alloca(NOOKS_STACK_GAP);	\
									\
		asm volatile("" : : "r" (__gap) : "memory");		\
	} while (0)

/**
 * nooks_call_begin() - enter a protected call
 * @f: frame on the caller's stack
 * @dom: domain being entered
 * @what: entry point name (static string)
 *
 * The call's stack gap (NOOKS_STACK_GAP) lasts until the calling function
 * returns: one protected call per function, not one per loop iteration.
 *
 * Return: 0 when entering; the enum nooks_fault_kind (non-zero) when the
 * call was aborted, after preempt count, RCU nesting and IRQ flags have
 * been restored and the domain has been told about the fault.
 */
#define nooks_call_begin(f, dom, what)					\
	({								\
		int __nooks_r;						\
		nooks_frame_prepare((f), (dom), (what));		\
		if (nooks_setjmp(f) == 0) {				\
			nooks_frame_push(f);				\
			nooks_stack_gap();				\
			__nooks_r = 0;					\
		} else {						\
			__nooks_r = nooks_frame_recover(f);		\
		}							\
		__nooks_r;						\
	})

/**
 * typedef nooks_fault_handler_t - told about every aborted protected call
 * @f: the aborted frame; f->fault, f->fault_ip and f->fault_addr say why
 *
 * Called by nooks_frame_recover() after the caller's preempt count, RCU
 * nesting and IRQ flags are restored, in the context of the protected
 * call: process, softirq or hardirq. It must not sleep.
 */
typedef void (*nooks_fault_handler_t)(struct nooks_frame *f);

void nooks_fault_set_handler(nooks_fault_handler_t fn);
bool nooks_fault_replace_handler(nooks_fault_handler_t old,
				 nooks_fault_handler_t fn);
const char *nooks_fault_name(int kind);
void nooks_fault_abort(int kind, unsigned long ip);

/**
 * typedef nooks_text_check_t - may a hung call be aborted at this IP?
 * @dom: domain of the overdue frame (never NULL: frames without a domain
 *	get nooks_hang_default_text_check())
 * @ip: interrupted instruction pointer
 *
 * Called from hardirq or NMI context; must be NMI-safe.
 */
typedef bool (*nooks_text_check_t)(struct nooks_domain *dom, unsigned long ip);

void nooks_hang_set_text_check(nooks_text_check_t fn);

/**
 * struct nooks_text - more text where a hung driver call may be aborted
 * @start: first byte
 * @end: byte after the last
 * @node: in the list of such ranges (private)
 *
 * Code a driver call can be diverted to and left running in, outside
 * the driver (e.g. the endless loop of an injected hang): the domain
 * text check accepts it as the driver's own.
 */
struct nooks_text {
	unsigned long start, end;
	struct list_head node;
};

void nooks_hang_add_text(struct nooks_text *t);
void nooks_hang_del_text(struct nooks_text *t);
bool nooks_hang_in_text(unsigned long ip);
bool nooks_hang_default_text_check(struct nooks_domain *dom, unsigned long ip);
unsigned int nooks_hang_get_ms(void);
u64 nooks_hang_stolen_ns(void);
bool nooks_hang_in_driver(struct nooks_domain *dom, unsigned long ip);

int nooks_fault_init(void);
void nooks_fault_exit(void);
int nooks_hang_init(void);
void nooks_hang_exit(void);

#endif /* !__ASSEMBLY__ */

#endif /* _NOOKS_FRAME_H */
