// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/statics.c - what a sound driver keeps in module-global
 * variables about the devices it has bound, reset when its domain
 * restarts.
 *
 * A restart re-probes the driver's devices with its module still loaded
 * (nooks/restart.c): state the module keeps in static variables about the
 * devices it had bound, which the failed instance's remove never undid,
 * is what a reload would have reset. Two of the drivers we run keep some:
 *
 *   snd_ens1370    "dev", its probe count (the card slot the next probe
 *                  takes): the 32nd probe since the load fails
 *   snd_hda_intel  "probed_devs", a bitmap of the card slots in use (the
 *                  same), and "card_list", a list of its chips, which lie
 *                  in memory the restart frees: the restarted probe's
 *                  list_add() meets a freed neighbour
 *
 * The restart has unbound every device of the driver when the reset hook
 * runs (struct nooks_iface.reset), so the right state is that of a freshly
 * loaded module: counts 0, bitmaps clear, lists empty. Nothing else walks
 * these variables then but a write of snd_hda_intel's power_save
 * parameter, which walks card_list under the driver's own mutex; the
 * reset does not take it (the entries it would meet are freed either way).
 */
#define pr_fmt(fmt) "nooks_sound: " fmt

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/module.h>
#include <sound/core.h>

#include "domain.h"
#include "nooks_sound.h"
#include "symbols.h"

enum nooks_snd_static_kind {
	NOOKS_SND_COUNT,	/* int */
	NOOKS_SND_BITMAP,	/* unsigned long[], @bits bits */
	NOOKS_SND_LIST,		/* struct list_head */
};

/**
 * struct nooks_snd_static - one module-global variable about bound devices
 * @module: the driver's module
 * @name: the variable (a function-local one carries a numeric suffix in
 *	the symbol table: "dev.0")
 * @kind: what it is
 * @bits: a bitmap's size
 */
static const struct nooks_snd_static {
	const char *module;
	const char *name;
	enum nooks_snd_static_kind kind;
	unsigned int bits;
} nooks_snd_statics[] = {
	{ "snd_ens1370", "dev", NOOKS_SND_COUNT },
	{ "snd_hda_intel", "probed_devs", NOOKS_SND_BITMAP, SNDRV_CARDS },
	{ "snd_hda_intel", "card_list", NOOKS_SND_LIST },
};

static void *nooks_snd_static_find(const struct nooks_snd_static *v)
{
	char sym[MODULE_NAME_LEN + 32];
	unsigned long addr;
	int i;

	snprintf(sym, sizeof(sym), "%s:%s", v->module, v->name);
	addr = nooks_lookup_name(sym);
	for (i = 0; !addr && i < 100; i++) {
		snprintf(sym, sizeof(sym), "%s:%s.%d", v->module, v->name, i);
		addr = nooks_lookup_name(sym);
	}
	return (void *)addr;
}

/**
 * nooks_snd_statics_reset() - reset a restarting driver's module globals
 * @dom: the domain, its devices unbound and its memory freed, before the
 *	re-probe
 *
 * Process context.
 */
void nooks_snd_statics_reset(struct nooks_domain *dom)
{
	const struct nooks_snd_static *v;
	void *addr;

	for (v = nooks_snd_statics;
	     v < nooks_snd_statics + ARRAY_SIZE(nooks_snd_statics); v++) {
		if (strcmp(dom->name, v->module))
			continue;
		addr = nooks_snd_static_find(v);
		if (!addr) {
			pr_warn_once("%s: module variable %s not found: not reset\n",
				     dom->name, v->name);
			continue;
		}
		switch (v->kind) {
		case NOOKS_SND_COUNT:
			WRITE_ONCE(*(int *)addr, 0);
			break;
		case NOOKS_SND_BITMAP:
			bitmap_zero(addr, v->bits);
			break;
		case NOOKS_SND_LIST:
			INIT_LIST_HEAD(addr);
			break;
		}
	}
}
