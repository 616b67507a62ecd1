// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/wrap_pcm.c - PCM streams: kernel -> driver entries.
 *
 * A driver gives each direction of a PCM device its struct snd_pcm_ops
 * with snd_pcm_set_ops(). When the caller is code of an isolated domain
 * (the driver, or a helper its domain covers: HDA's controller code lives
 * in snd_hda_codec), the kernel gets a copy of that table in which every
 * op the driver implements is a wrapper (nooks/entry.h): a protected call
 * of the domain, answered by the stand-in while the driver cannot
 * answer. The wrappers run in every context ALSA calls a PCM op in:
 * process (open, hw_params, prepare), with the stream lock held and
 * interrupts off (trigger, pointer from an ioctl), and in the driver's
 * own interrupt handler (pointer, from snd_pcm_period_elapsed()): there
 * the call nests inside the handler's protected call, and a fault in
 * the pointer op is contained in the inner call, so that ALSA releases
 * the stream lock it holds.
 *
 * A wrapper finds its record with container_of() on the substream's ops.
 * The record is a low-level component of the card (snd_device_new()),
 * which the card frees after its PCM devices: the record outlives every
 * substream that uses its table.
 *
 * Isolate-mode stand-ins fail what would start or set up a stream
 * (-EIO) and report an overrun from pointer, so that ALSA stops a running
 * stream (the application sees an XRUN, then -EIO when it prepares the
 * stream again); what releases a stream succeeds.
 */
#define pr_fmt(fmt) "nooks_sound: " fmt

#include <linux/slab.h>
#include <sound/core.h>
#include <sound/pcm.h>

#include "entry.h"
#include "nooks_sound.h"
#include "wrap.h"

/**
 * struct nooks_snd_pcm - entry record of one wrapped snd_pcm_ops table
 * @ops: the copy the kernel calls (first: see nooks_snd_pcm_of())
 * @dom: the domain that set the table
 * @divert: every call goes to @standin (a shadow stands in)
 * @orig: the driver's table
 * @standin: who answers while the driver cannot
 */
struct nooks_snd_pcm {
	struct snd_pcm_ops ops;
	struct nooks_domain *dom;
	bool divert;
	const struct snd_pcm_ops *orig;
	const struct snd_pcm_ops *standin;
};

#define nooks_snd_pcm_of(s) container_of((s)->ops, struct nooks_snd_pcm, ops)

/* The ops the wrappers cover: one list for wrappers, copy and check. */
#define NOOKS_SND_PCM_OPS(X)						\
	X(open, int, (struct snd_pcm_substream *s), (s))		\
	X(close, int, (struct snd_pcm_substream *s), (s))		\
	X(ioctl, int, (struct snd_pcm_substream *s, unsigned int c,	\
		       void *a), (s, c, a))				\
	X(hw_params, int, (struct snd_pcm_substream *s,		\
			   struct snd_pcm_hw_params *p), (s, p))	\
	X(hw_free, int, (struct snd_pcm_substream *s), (s))		\
	X(prepare, int, (struct snd_pcm_substream *s), (s))		\
	X(trigger, int, (struct snd_pcm_substream *s, int c), (s, c))	\
	X(sync_stop, int, (struct snd_pcm_substream *s), (s))		\
	X(pointer, snd_pcm_uframes_t, (struct snd_pcm_substream *s), (s)) \
	X(get_time_info, int, (struct snd_pcm_substream *s,		\
			       struct timespec64 *st,			\
			       struct timespec64 *at,			\
			       struct snd_pcm_audio_tstamp_config *c,	\
			       struct snd_pcm_audio_tstamp_report *r),	\
	  (s, st, at, c, r))						\
	X(fill_silence, int, (struct snd_pcm_substream *s, int ch,	\
			      unsigned long pos, unsigned long n),	\
	  (s, ch, pos, n))						\
	X(copy_user, int, (struct snd_pcm_substream *s, int ch,	\
			   unsigned long pos, void __user *b,		\
			   unsigned long n), (s, ch, pos, b, n))	\
	X(copy_kernel, int, (struct snd_pcm_substream *s, int ch,	\
			     unsigned long pos, void *b, unsigned long n), \
	  (s, ch, pos, b, n))						\
	X(page, struct page *, (struct snd_pcm_substream *s,		\
				unsigned long off), (s, off))		\
	X(mmap, int, (struct snd_pcm_substream *s,			\
		      struct vm_area_struct *v), (s, v))		\
	X(ack, int, (struct snd_pcm_substream *s), (s))

#define NOOKS_SND_PCM_WRAPPER(op, rtype, proto, args)			\
	NOOKS_ENTRY_OP(nooks_snd_pcm_##op, nooks_snd_pcm_of(s), orig,	\
		       standin, op, rtype, proto, args)
NOOKS_SND_PCM_OPS(NOOKS_SND_PCM_WRAPPER)
#undef NOOKS_SND_PCM_WRAPPER

/* Isolate mode: set-up fails, release succeeds, a running stream overruns. */
static int nooks_snd_pcm_fail(struct snd_pcm_substream *s)
{
	return -EIO;
}

static int nooks_snd_pcm_done(struct snd_pcm_substream *s)
{
	return 0;
}

static int nooks_snd_pcm_fail_ioctl(struct snd_pcm_substream *s,
				    unsigned int c, void *a)
{
	return -EIO;
}

static int nooks_snd_pcm_fail_hw_params(struct snd_pcm_substream *s,
					struct snd_pcm_hw_params *p)
{
	return -EIO;
}

static int nooks_snd_pcm_fail_trigger(struct snd_pcm_substream *s, int c)
{
	return -EIO;
}

static snd_pcm_uframes_t nooks_snd_pcm_xrun(struct snd_pcm_substream *s)
{
	return SNDRV_PCM_POS_XRUN;
}

static int nooks_snd_pcm_fail_time(struct snd_pcm_substream *s,
				   struct timespec64 *st, struct timespec64 *at,
				   struct snd_pcm_audio_tstamp_config *c,
				   struct snd_pcm_audio_tstamp_report *r)
{
	return -EIO;
}

static int nooks_snd_pcm_fail_silence(struct snd_pcm_substream *s, int ch,
				      unsigned long pos, unsigned long n)
{
	return -EIO;
}

static int nooks_snd_pcm_fail_copy_user(struct snd_pcm_substream *s, int ch,
					unsigned long pos, void __user *b,
					unsigned long n)
{
	return -EIO;
}

static int nooks_snd_pcm_fail_copy_kernel(struct snd_pcm_substream *s, int ch,
					  unsigned long pos, void *b,
					  unsigned long n)
{
	return -EIO;
}

static struct page *nooks_snd_pcm_no_page(struct snd_pcm_substream *s,
					  unsigned long off)
{
	return NULL;
}

static int nooks_snd_pcm_fail_mmap(struct snd_pcm_substream *s,
				   struct vm_area_struct *v)
{
	return -EIO;
}

static const struct snd_pcm_ops nooks_snd_pcm_isolate = {
	.open		= nooks_snd_pcm_fail,
	.close		= nooks_snd_pcm_done,
	.ioctl		= nooks_snd_pcm_fail_ioctl,
	.hw_params	= nooks_snd_pcm_fail_hw_params,
	.hw_free	= nooks_snd_pcm_done,
	.prepare	= nooks_snd_pcm_fail,
	.trigger	= nooks_snd_pcm_fail_trigger,
	.sync_stop	= nooks_snd_pcm_done,
	.pointer	= nooks_snd_pcm_xrun,
	.get_time_info	= nooks_snd_pcm_fail_time,
	.fill_silence	= nooks_snd_pcm_fail_silence,
	.copy_user	= nooks_snd_pcm_fail_copy_user,
	.copy_kernel	= nooks_snd_pcm_fail_copy_kernel,
	.page		= nooks_snd_pcm_no_page,
	.mmap		= nooks_snd_pcm_fail_mmap,
	.ack		= nooks_snd_pcm_done,
};

/* The card frees the record after its PCM devices (a low-level device). */
static int nooks_snd_pcm_dev_free(struct snd_device *device)
{
	kfree(device->device_data);
	return 0;
}

static const struct snd_device_ops nooks_snd_pcm_dev_ops = {
	.dev_free = nooks_snd_pcm_dev_free,
};

static void nooks_snd_pcm_set_ops(struct snd_pcm *pcm, int direction,
				  const struct snd_pcm_ops *ops)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct nooks_snd_pcm *p;

	if (!dom || !ops)
		goto native;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		goto unprotected;
	if (snd_device_new(pcm->card, SNDRV_DEV_LOWLEVEL, p,
			   &nooks_snd_pcm_dev_ops)) {
		kfree(p);
		goto unprotected;
	}
	p->dom = dom;
	p->orig = ops;
	p->standin = &nooks_snd_pcm_isolate;
	p->ops = *ops;
#define NOOKS_SND_PCM_WRAP(op, rtype, proto, args)			\
	NOOKS_ENTRY_WRAP(&p->ops, op, nooks_snd_pcm_##op);
	NOOKS_SND_PCM_OPS(NOOKS_SND_PCM_WRAP)
#undef NOOKS_SND_PCM_WRAP
	snd_pcm_set_ops(pcm, direction, &p->ops);
	return;

unprotected:
	pr_warn("%s: no memory to wrap the ops of PCM %s: they run unprotected\n",
		dom->name, pcm->name);
native:
	snd_pcm_set_ops(pcm, direction, ops);
}

static const struct nooks_import nooks_snd_pcm_list[] = {
	NOOKS_IMPORT(snd_pcm_set_ops, nooks_snd_pcm_set_ops),
};

const struct nooks_import_table nooks_sound_pcm_imports = {
	.name = "snd-pcm",
	.imports = nooks_snd_pcm_list,
	.n = ARRAY_SIZE(nooks_snd_pcm_list),
};

/**
 * nooks_snd_pcm_check() - does the isolate stand-in answer every op?
 *
 * Return: 0, or -EINVAL (the module refuses to load).
 */
int nooks_snd_pcm_check(void)
{
	unsigned int missing = 0;

#define NOOKS_SND_PCM_CHECK(op, rtype, proto, args)			\
	NOOKS_ENTRY_CHECK(&nooks_snd_pcm_isolate, op, "isolate", missing);
	NOOKS_SND_PCM_OPS(NOOKS_SND_PCM_CHECK)
#undef NOOKS_SND_PCM_CHECK
	return missing ? -EINVAL : 0;
}
