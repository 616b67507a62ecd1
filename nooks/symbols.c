// SPDX-License-Identifier: GPL-2.0
/*
 * Nooks: look up kernel symbols that are not exported.
 *
 * kallsyms_lookup_name() is not exported on 6.1.  Registering a kprobe on
 * it makes the kprobe core resolve its address for us; the probe is
 * removed at once and the function is then called through a pointer.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include "symbols.h"

typedef unsigned long (*nooks_kallsyms_fn)(const char *name);

static nooks_kallsyms_fn nooks_kallsyms_lookup;
static DEFINE_MUTEX(nooks_symbols_lock);

/**
 * nooks_symbols_init() - find kallsyms_lookup_name()
 *
 * Idempotent; called from nooks_fault_init() and, lazily, from
 * nooks_lookup_name().  Must be called from process context.
 *
 * Return: 0 on success or a negative errno from register_kprobe().
 */
int nooks_symbols_init(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	int ret = 0;

	mutex_lock(&nooks_symbols_lock);
	if (nooks_kallsyms_lookup)
		goto out;
	ret = register_kprobe(&kp);
	if (ret) {
		pr_warn("cannot find kallsyms_lookup_name: %d\n", ret);
		goto out;
	}
	WRITE_ONCE(nooks_kallsyms_lookup, (nooks_kallsyms_fn)kp.addr);
	unregister_kprobe(&kp);
out:
	mutex_unlock(&nooks_symbols_lock);
	return ret;
}

/**
 * nooks_lookup_name() - address of a kernel symbol, exported or not
 * @name: symbol name
 *
 * Process context only (the first call may register a kprobe).
 *
 * Return: the address, or 0 if unknown.
 */
unsigned long nooks_lookup_name(const char *name)
{
	nooks_kallsyms_fn fn = READ_ONCE(nooks_kallsyms_lookup);

	if (!fn) {
		if (nooks_symbols_init())
			return 0;
		fn = READ_ONCE(nooks_kallsyms_lookup);
	}
	return fn(name);
}
EXPORT_SYMBOL_GPL(nooks_lookup_name);
