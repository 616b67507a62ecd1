/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Nooks: non-local exits for protected calls.
 *
 * nooks_setjmp() records the callee-saved registers, the stack pointer
 * the caller will have after the call returns, and the return address.
 * nooks_longjmp() is entered either from C or, after a fault or a hang,
 * from a rewritten trap frame (rdi = frame, rsi = fault kind, any stack);
 * it reloads that state and "returns" from nooks_setjmp() a second time.
 * Both are exported from fault.c, where their C prototypes are visible.
 */
#include <linux/linkage.h>
#include <asm/nospec-branch.h>

#include "frame.h"

#define JB(n)	(NOOKS_JB_##n * 8)

	.text

/* int nooks_setjmp(struct nooks_frame *f) */
SYM_FUNC_START(nooks_setjmp)
	movq	%rbx, JB(RBX)(%rdi)
	movq	%rbp, JB(RBP)(%rdi)
	movq	%r12, JB(R12)(%rdi)
	movq	%r13, JB(R13)(%rdi)
	movq	%r14, JB(R14)(%rdi)
	movq	%r15, JB(R15)(%rdi)
	leaq	8(%rsp), %rax		/* caller's rsp once we have returned */
	movq	%rax, JB(RSP)(%rdi)
	movq	(%rsp), %rax		/* return address */
	movq	%rax, JB(RIP)(%rdi)
	xorl	%eax, %eax
	RET
SYM_FUNC_END(nooks_setjmp)

/* void nooks_longjmp(struct nooks_frame *f, int val) */
SYM_FUNC_START(nooks_longjmp)
	cld
	movl	%esi, %eax
	testl	%eax, %eax
	jnz	1f
	movl	$1, %eax		/* setjmp must not appear to return 0 */
1:
	movq	JB(RBX)(%rdi), %rbx
	movq	JB(RBP)(%rdi), %rbp
	movq	JB(R12)(%rdi), %r12
	movq	JB(R13)(%rdi), %r13
	movq	JB(R14)(%rdi), %r14
	movq	JB(R15)(%rdi), %r15
	movq	JB(RSP)(%rdi), %rsp
	movq	JB(RIP)(%rdi), %rdx
	JMP_NOSPEC rdx
SYM_FUNC_END(nooks_longjmp)

/*
 * void nooks_ret_stub(void) - an empty function body.  The page fault
 * kprobe points the probed function's entry at it to return at once.
 */
SYM_FUNC_START(nooks_ret_stub)
	RET
SYM_FUNC_END(nooks_ret_stub)
