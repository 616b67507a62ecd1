// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/wrap_panic.c - an isolated driver that panics fails alone.
 *
 * A driver calls panic() when it believes the machine cannot go on; the
 * compiler's checks call __stack_chk_fail() when the driver overwrote its
 * stack canary and fortify_panic() when it overran a fixed-size buffer.
 * For an isolated driver these are about its own state, so the call
 * aborts the driver's protected call and fails its domain (fault kind
 * "panic") instead of stopping the kernel.  Outside a protected call
 * (which an isolated driver's code never is) the kernel panics as it
 * would have.
 */
#include <linux/kernel.h>
#include <linux/panic.h>

#include "domain.h"
#include "wrap.h"

/*
 * The driver that called from @ip gave up: fail its domain, with the
 * reason in the log.  Returns only when @ip is not an isolated driver's.
 */
static __printf(2, 3) void nooks_panic_abort(unsigned long ip,
					     const char *fmt, ...)
{
	struct nooks_domain *dom = nooks_domain_of_caller(ip);
	struct va_format vaf;
	va_list args;

	if (!dom)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("nooks: %s: driver panic at %pS: %pV\n", dom->name,
	       (void *)ip, &vaf);
	va_end(args);
	nooks_fault_abort(NOOKS_FAULT_PANIC, ip);
}

static __printf(1, 2) __cold __noreturn void nooks_panic(const char *fmt, ...)
{
	unsigned long ip = (unsigned long)__builtin_return_address(0);
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	nooks_panic_abort(ip, "%pV", &vaf);
	panic("%pV", &vaf);
}

static __cold __noreturn void nooks_stack_chk_fail(void)
{
	unsigned long ip = (unsigned long)__builtin_return_address(0);

	nooks_panic_abort(ip, "stack canary overwritten");
	panic("stack-protector: Kernel stack is corrupted in: %pB", (void *)ip);
}

static __cold __noreturn void nooks_fortify_panic(const char *name)
{
	unsigned long ip = (unsigned long)__builtin_return_address(0);

	nooks_panic_abort(ip, "buffer overflow detected in %s", name);
	panic("detected buffer overflow in %s", name);
}

static const struct nooks_import nooks_panic_list[] = {
	NOOKS_IMPORT(panic, nooks_panic),
	{ "__stack_chk_fail", nooks_stack_chk_fail },	/* no header declares it */
	NOOKS_IMPORT(fortify_panic, nooks_fortify_panic),
};

const struct nooks_import_table nooks_panic_imports = {
	.name = "panic",
	.imports = nooks_panic_list,
	.n = ARRAY_SIZE(nooks_panic_list),
};
