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
 *
 * For the sound shadow the record remembers, per substream, what it needs
 * to bring a stream back on a restarted driver (struct nooks_snd_sub):
 * the hw_params last accepted and the constraint rules the driver's open
 * added. It also keeps a kept PCM's record across the restart (the
 * restarted driver's table replaces the old one in the same record) and
 * can translate a substream's position when the shadow restarted its
 * hardware at another buffer offset (nooks_snd_pcm_shift()).
 */
#define pr_fmt(fmt) "nooks_sound: " fmt

#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <sound/core.h>
#include <sound/pcm.h>
#include <sound/pcm_params.h>

#include "domain.h"
#include "entry.h"
#include "nooks_sound.h"
#include "wrap.h"

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
	NOOKS_ENTRY_OP(nooks_snd_pcm_do_##op, nooks_snd_pcm_of(s), orig, \
		       standin, op, rtype, proto, args)
NOOKS_SND_PCM_OPS(NOOKS_SND_PCM_WRAPPER)
#undef NOOKS_SND_PCM_WRAPPER

/*
 * The driver's op as a protected call even while the record is diverted:
 * the shadow replays a stream through these; an op the driver does not
 * have answers 0 (as the core's default would).
 */
#define NOOKS_SND_PCM_DRIVER(op, rtype, proto, args)			\
static rtype nooks_snd_pcm_driver_##op proto				\
{									\
	struct nooks_snd_pcm *__r = nooks_snd_pcm_of(s);		\
	rtype __ret;							\
									\
	if (!__r->orig->op)						\
		return (rtype)0;					\
	NOOKS_CALL(__r->dom, #op, __ret, __r->orig->op args,		\
		   nooks_snd_pcm_isolate.op args);			\
	return __ret;							\
}
NOOKS_SND_PCM_OPS(NOOKS_SND_PCM_DRIVER)
#undef NOOKS_SND_PCM_DRIVER

/* A stream set up anew: no parameters accepted yet, no position shift. */
static void nooks_snd_sub_reset(struct nooks_snd_sub *sub)
{
	clear_bit(NOOKS_SND_SUB_PARAMS, &sub->flags);
	clear_bit(NOOKS_SND_SUB_SHIFT, &sub->flags);
	clear_bit(NOOKS_SND_SUB_LEAD_IN, &sub->flags);
	WRITE_ONCE(sub->pos_ns, 0);
	WRITE_ONCE(sub->jump_ns, 0);
}

/* open: remember which constraint rules the driver's open adds */
static int nooks_snd_pcm_open(struct snd_pcm_substream *s)
{
	struct nooks_snd_sub *sub = nooks_snd_sub_of(s);
	unsigned int lo = s->runtime->hw_constraints.rules_num;
	int ret = nooks_snd_pcm_do_open(s);

	if (!ret) {
		sub->rules_lo = lo;
		sub->rules_hi = s->runtime->hw_constraints.rules_num;
		clear_bit(NOOKS_SND_SUB_ADOPTED, &sub->flags);
		nooks_snd_sub_reset(sub);
	}
	return ret;
}

/* hw_params: remember what was accepted; the stream restarts at 0 */
static int nooks_snd_pcm_hw_params(struct snd_pcm_substream *s,
				   struct snd_pcm_hw_params *p)
{
	struct nooks_snd_sub *sub = nooks_snd_sub_of(s);
	struct snd_pcm_runtime *rt = s->runtime;
	size_t size;
	int ret = 0;

	if (nooks_snd_pcm_of(s)->orig->hw_params)
		ret = nooks_snd_pcm_do_hw_params(s, p);
	nooks_snd_sub_reset(sub);
	if (ret)
		return ret;
	sub->params = *p;
	set_bit(NOOKS_SND_SUB_PARAMS, &sub->flags);
	/*
	 * The core clears a new buffer (no stale data reaches a device or
	 * an mmap) only when the ops have no copy_user: ours do.
	 */
	if (s->ops->copy_user == nooks_snd_pcm_shift_copy_user &&
	    rt->dma_area) {
		size = rt->dma_bytes;
		if (rt->info & SNDRV_PCM_INFO_MMAP)
			size = PAGE_ALIGN(size);
		memset(rt->dma_area, 0, size);
	}
	return 0;
}

static int nooks_snd_pcm_hw_free(struct snd_pcm_substream *s)
{
	nooks_snd_sub_reset(nooks_snd_sub_of(s));
	if (!nooks_snd_pcm_of(s)->orig->hw_free)
		return 0;
	return nooks_snd_pcm_do_hw_free(s);
}

/* prepare: the core puts the stream back at position 0, as the hardware */
static int nooks_snd_pcm_prepare(struct snd_pcm_substream *s)
{
	struct nooks_snd_sub *sub = nooks_snd_sub_of(s);

	clear_bit(NOOKS_SND_SUB_SHIFT, &sub->flags);
	clear_bit(NOOKS_SND_SUB_LEAD_IN, &sub->flags);
	WRITE_ONCE(sub->jump_ns, 0);
	return nooks_snd_pcm_do_prepare(s);
}

/*
 * trigger: a stream that starts, or goes on after a pause or a suspend,
 * may resume from elsewhere in the buffer (QEMU's HDA restarts the
 * current buffer descriptor, a period back, and reports its old position
 * once more first): its positions are not judged for a while
 */
static int nooks_snd_pcm_trigger(struct snd_pcm_substream *s, int cmd)
{
	struct nooks_snd_sub *sub = nooks_snd_sub_of(s);
	struct snd_pcm_runtime *rt = s->runtime;
	u64 grace = NOOKS_SND_JUMP_GRACE_MS * NSEC_PER_MSEC;

	if (rt->rate)
		grace = max_t(u64, grace, div_u64(2ULL * rt->period_size *
						  NSEC_PER_SEC, rt->rate));
	WRITE_ONCE(sub->jump_ns, 0);
	WRITE_ONCE(sub->jump_from, local_clock() + grace);
	return nooks_snd_pcm_do_trigger(s, cmd);
}

/*
 * Did the driver's position @pos jump ahead of what the hardware can have
 * played or recorded since its last pointer call? A device moves at its
 * rate, in steps of at most a period (the interrupt's, the emulator's
 * transfers of ~10 ms): a position further on (a backward step is a jump
 * of almost a buffer) is not the device's, and ALSA would take it for an
 * overrun the application sees (campaign snd_intel8x0-mpg123-1, trial
 * 39: mpg123 stops at once). Not judged: the first call of a run or
 * what follows a trigger for a while (nooks_snd_pcm_trigger()), a
 * position out of the buffer (ALSA reads it as 0), a gap too long to
 * tell (the allowed step not less than the buffer).
 */
static bool nooks_snd_pcm_jumped(struct snd_pcm_runtime *rt,
				 struct nooks_snd_sub *sub,
				 snd_pcm_uframes_t pos, u64 now)
{
	snd_pcm_uframes_t size = rt->buffer_size, step, allowed;
	u64 last = READ_ONCE(sub->jump_ns);

	if (!last || !rt->rate || !size || pos >= size ||
	    sub->jump_pos >= size || now < last ||
	    now < READ_ONCE(sub->jump_from))
		return false;
	allowed = div_u64((now - last) * rt->rate, NSEC_PER_SEC) +
		  rt->period_size + rt->rate / 50;
	if (allowed >= size)
		return false;
	step = (pos + size - sub->jump_pos) % size;
	return step > allowed;
}

static snd_pcm_uframes_t nooks_snd_pcm_pointer(struct snd_pcm_substream *s)
{
	struct nooks_snd_pcm *p = nooks_snd_pcm_of(s);
	struct nooks_snd_sub *sub = nooks_snd_sub_of(s);
	snd_pcm_uframes_t pos = nooks_snd_pcm_do_pointer(s);
	snd_pcm_uframes_t size = s->runtime->buffer_size;
	u64 now;

	if (pos == SNDRV_PCM_POS_XRUN || READ_ONCE(p->divert)) {
		WRITE_ONCE(sub->jump_ns, 0);
		return pos;
	}
	now = local_clock();
	if (nooks_snd_pcm_jumped(s->runtime, sub, pos, now)) {
		pr_warn_ratelimited("%s: %s stream of %s: position %lu after %lu, %llu us later\n",
				    p->dom->name, s->stream ? "capture" : "playback",
				    s->pcm->name, pos, sub->jump_pos,
				    div_u64(now - sub->jump_ns, NSEC_PER_USEC));
		WRITE_ONCE(sub->jump_ns, 0);
		nooks_domain_found(p->dom, NOOKS_FAULT_HANG,
				   (unsigned long)p->orig->pointer,
				   "position jumped");
		/* the stand-in answers from now on, this call included */
		return READ_ONCE(p->standin)->pointer(s);
	}
	sub->jump_pos = pos;
	WRITE_ONCE(sub->jump_ns, now);
	/* the time of the position ALSA is about to take (standin.c) */
	WRITE_ONCE(sub->pos_ns, now);
	/* a lead-in (shift.c): held until the hardware is where ALSA is */
	if (test_bit(NOOKS_SND_SUB_LEAD_IN, &sub->flags)) {
		if (pos < sub->lead_to && pos >= sub->lead_last) {
			sub->lead_last = pos;
			return size ? s->runtime->status->hw_ptr % size : 0;
		}
		clear_bit(NOOKS_SND_SUB_LEAD_IN, &sub->flags);
	}
	if (!test_bit(NOOKS_SND_SUB_SHIFT, &sub->flags))
		return pos;
	return (pos + sub->shift) % size;
}

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

const struct snd_pcm_ops nooks_snd_pcm_isolate = {
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

/**
 * nooks_snd_pcm_driver - the driver's ops of a wrapped substream
 *
 * Protected calls of the driver's own op, whether or not the record is
 * diverted to a stand-in: what the shadow replays a stream with. Only
 * for substreams whose ops are a record's.
 */
const struct snd_pcm_ops nooks_snd_pcm_driver = {
#define NOOKS_SND_PCM_DRIVER_OP(op, rtype, proto, args)			\
	.op = nooks_snd_pcm_driver_##op,
	NOOKS_SND_PCM_OPS(NOOKS_SND_PCM_DRIVER_OP)
#undef NOOKS_SND_PCM_DRIVER_OP
};
EXPORT_SYMBOL_GPL(nooks_snd_pcm_driver);

/*
 * A card being freed disconnects its components before it frees them: the
 * record leaves the domain's list there, before the PCM devices are freed
 * (the sound shadow's wake-up timer walks the list and their substreams).
 */
static int nooks_snd_pcm_dev_disconnect(struct snd_device *device)
{
	struct nooks_snd_pcm *p = device->device_data;
	struct nooks_snd_domain *sd = nooks_snd_domain(p->dom);

	if (sd) {
		spin_lock_irq(&sd->pcms_lock);
		list_del_init(&p->node);
		spin_unlock_irq(&sd->pcms_lock);
	}
	return 0;
}

/* The card frees the record after its PCM devices (a low-level device). */
static int nooks_snd_pcm_dev_free(struct snd_device *device)
{
	struct nooks_snd_pcm *p = device->device_data;

	nooks_snd_pcm_dev_disconnect(device);
	kfree_rcu(p, rcu);
	return 0;
}

/**
 * nooks_snd_pcm_device_free() - snd_device_free() for a domain
 * @card: the card
 * @device_data: the component to free
 *
 * A PCM freed before its card (an HDA codec's removal frees its PCMs)
 * takes its entry records with it: they leave the domain's list before
 * the PCM is freed (the sound shadow's wake-up timer walks the list and
 * the PCMs' substreams) and are freed after it.
 */
void nooks_snd_pcm_device_free(struct snd_card *card, void *device_data)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct nooks_snd_domain *sd = dom ? nooks_snd_domain(dom) : NULL;
	struct nooks_snd_pcm *p, *tmp;
	LIST_HEAD(gone);

	if (sd) {
		spin_lock_irq(&sd->pcms_lock);
		list_for_each_entry_safe(p, tmp, &sd->pcms, node)
			if (p->pcm == device_data)
				list_move(&p->node, &gone);
		spin_unlock_irq(&sd->pcms_lock);
	}
	snd_device_free(card, device_data);
	list_for_each_entry_safe(p, tmp, &gone, node) {
		list_del_init(&p->node);
		snd_device_free(card, p);
	}
}

/**
 * nooks_snd_pcm_find() - the entry record of a PCM direction
 * @dom: the domain
 * @pcm: the PCM device
 * @stream: SNDRV_PCM_STREAM_*
 *
 * Return: the record, or NULL if that direction's ops are not wrapped.
 */
struct nooks_snd_pcm *nooks_snd_pcm_find(struct nooks_domain *dom,
					 struct snd_pcm *pcm, int stream)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	struct nooks_snd_pcm *p, *found = NULL;
	unsigned long flags;

	if (!sd)
		return NULL;
	spin_lock_irqsave(&sd->pcms_lock, flags);
	list_for_each_entry(p, &sd->pcms, node)
		if (p->pcm == pcm && p->stream == stream) {
			found = p;
			break;
		}
	spin_unlock_irqrestore(&sd->pcms_lock, flags);
	return found;
}
EXPORT_SYMBOL_GPL(nooks_snd_pcm_find);

/**
 * nooks_snd_pcm_set_standin() - who answers for a domain's PCMs
 * @dom: the domain
 * @standin: the shadow's stand-in, or NULL for the isolate one
 */
void nooks_snd_pcm_set_standin(struct nooks_domain *dom,
			       const struct snd_pcm_ops *standin)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	struct nooks_snd_pcm *p;

	if (!sd)
		return;
	spin_lock_irq(&sd->pcms_lock);
	list_for_each_entry(p, &sd->pcms, node)
		WRITE_ONCE(p->standin, standin ?: &nooks_snd_pcm_isolate);
	spin_unlock_irq(&sd->pcms_lock);
}
EXPORT_SYMBOL_GPL(nooks_snd_pcm_set_standin);

static const struct snd_device_ops nooks_snd_pcm_dev_ops = {
	.dev_free = nooks_snd_pcm_dev_free,
	.dev_disconnect = nooks_snd_pcm_dev_disconnect,
};

/* Fill @p's copy of the driver's table @ops with the wrappers. */
static void nooks_snd_pcm_fill(struct nooks_snd_pcm *p,
			       const struct snd_pcm_ops *ops)
{
	struct snd_pcm_ops copy = *ops;

#define NOOKS_SND_PCM_WRAP(op, rtype, proto, args)			\
	NOOKS_ENTRY_WRAP(&copy, op, nooks_snd_pcm_do_##op);
	NOOKS_SND_PCM_OPS(NOOKS_SND_PCM_WRAP)
#undef NOOKS_SND_PCM_WRAP
	NOOKS_ENTRY_WRAP(&copy, open, nooks_snd_pcm_open);
	/* remembered whether or not the driver has them */
	copy.hw_params = nooks_snd_pcm_hw_params;
	copy.hw_free = nooks_snd_pcm_hw_free;
	NOOKS_ENTRY_WRAP(&copy, prepare, nooks_snd_pcm_prepare);
	NOOKS_ENTRY_WRAP(&copy, pointer, nooks_snd_pcm_pointer);
	NOOKS_ENTRY_WRAP(&copy, trigger, nooks_snd_pcm_trigger);
	/*
	 * The core's copies into its buffer, when the driver has none of its
	 * own, are ours from the start: they translate a shifted stream's
	 * offsets (shift.c). A writer blocked in a transfer across a
	 * restart keeps the copy it was given before the shift (the core
	 * picks it once per call), so the table cannot change then.
	 */
	if (!ops->copy_user && !ops->copy_kernel && !ops->fill_silence) {
		copy.copy_user = nooks_snd_pcm_shift_copy_user;
		copy.copy_kernel = nooks_snd_pcm_shift_copy_kernel;
		copy.fill_silence = nooks_snd_pcm_shift_silence;
	}
	p->ops = copy;
	p->orig = ops;
}

/*
 * A new entry record of @pcm's @direction wrapping the driver's @ops, a
 * low-level component of the card, in @dom's list. Return: it, or NULL
 * without memory.
 */
static struct nooks_snd_pcm *nooks_snd_pcm_record(struct nooks_domain *dom,
						  struct nooks_snd_domain *sd,
						  struct snd_pcm *pcm,
						  int direction,
						  const struct snd_pcm_ops *ops)
{
	unsigned int n = pcm->streams[direction].substream_count;
	const struct nooks_snd_hooks *hooks;
	struct nooks_snd_pcm *p;

	p = kzalloc(struct_size(p, subs, n), GFP_KERNEL);
	if (!p)
		return NULL;
	if (snd_device_new(pcm->card, SNDRV_DEV_LOWLEVEL, p,
			   &nooks_snd_pcm_dev_ops)) {
		kfree(p);
		return NULL;
	}
	p->dom = dom;
	p->pcm = pcm;
	p->stream = direction;
	p->nsubs = n;
	mutex_lock(&sd->lock);
	hooks = nooks_snd_hooks_get(dom);
	p->standin = hooks ? hooks->pcm_standin : &nooks_snd_pcm_isolate;
	nooks_snd_pcm_fill(p, ops);
	spin_lock_irq(&sd->pcms_lock);
	list_add_tail(&p->node, &sd->pcms);
	spin_unlock_irq(&sd->pcms_lock);
	mutex_unlock(&sd->lock);
	return p;
}

static void nooks_snd_pcm_set_ops(struct snd_pcm *pcm, int direction,
				  const struct snd_pcm_ops *ops)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct nooks_snd_domain *sd = dom ? nooks_snd_domain(dom) : NULL;
	struct nooks_snd_pcm *p;

	if (!sd || !ops)
		goto native;
	/*
	 * A PCM the shadow kept across a restart: its substreams call the
	 * record already, which now wraps the restarted driver's table.
	 * The shadow replays each open stream before it stops diverting.
	 */
	p = nooks_snd_pcm_find(dom, pcm, direction);
	if (p) {
		nooks_snd_pcm_fill(p, ops);
		return;
	}
	p = nooks_snd_pcm_record(dom, sd, pcm, direction, ops);
	if (!p)
		goto unprotected;
	snd_pcm_set_ops(pcm, direction, &p->ops);
	return;

unprotected:
	pr_warn("%s: no memory to wrap the ops of PCM %s: they run unprotected\n",
		dom->name, pcm->name);
native:
	snd_pcm_set_ops(pcm, direction, ops);
}

/* Interval @var of @p holds exactly @val. */
static void nooks_snd_pcm_param_set(struct snd_pcm_hw_params *p, int var,
				    unsigned int val)
{
	struct snd_interval *i = hw_param_interval(p, var);

	i->min = val;
	i->max = val;
	i->openmin = 0;
	i->openmax = 0;
	i->integer = 1;
	i->empty = 0;
}

/* Mask @var of @p holds only @val. */
static void nooks_snd_pcm_param_mask(struct snd_pcm_hw_params *p, int var,
				     unsigned int val)
{
	struct snd_mask *m = hw_param_mask(p, var);

	snd_mask_none(m);
	snd_mask_set(m, val);
}

/*
 * The hw_params a stream set up before its driver was isolated was given,
 * as ALSA's runtime holds them: what a replay sets the restarted driver
 * up with (drivers read the rate, channels, format, sizes).
 */
static void nooks_snd_pcm_params_of(struct snd_pcm_runtime *rt,
				    struct snd_pcm_hw_params *p)
{
	memset(p, 0, sizeof(*p));
	_snd_pcm_hw_params_any(p);
	nooks_snd_pcm_param_mask(p, SNDRV_PCM_HW_PARAM_ACCESS, rt->access);
	nooks_snd_pcm_param_mask(p, SNDRV_PCM_HW_PARAM_FORMAT,
				 (__force unsigned int)rt->format);
	nooks_snd_pcm_param_mask(p, SNDRV_PCM_HW_PARAM_SUBFORMAT,
				 (__force unsigned int)rt->subformat);
	nooks_snd_pcm_param_set(p, SNDRV_PCM_HW_PARAM_SAMPLE_BITS,
				rt->sample_bits);
	nooks_snd_pcm_param_set(p, SNDRV_PCM_HW_PARAM_FRAME_BITS,
				rt->frame_bits);
	nooks_snd_pcm_param_set(p, SNDRV_PCM_HW_PARAM_CHANNELS, rt->channels);
	nooks_snd_pcm_param_set(p, SNDRV_PCM_HW_PARAM_RATE, rt->rate);
	nooks_snd_pcm_param_set(p, SNDRV_PCM_HW_PARAM_PERIOD_SIZE,
				rt->period_size);
	nooks_snd_pcm_param_set(p, SNDRV_PCM_HW_PARAM_PERIOD_BYTES,
				frames_to_bytes(rt, rt->period_size));
	nooks_snd_pcm_param_set(p, SNDRV_PCM_HW_PARAM_PERIODS, rt->periods);
	nooks_snd_pcm_param_set(p, SNDRV_PCM_HW_PARAM_BUFFER_SIZE,
				rt->buffer_size);
	nooks_snd_pcm_param_set(p, SNDRV_PCM_HW_PARAM_BUFFER_BYTES,
				frames_to_bytes(rt, rt->buffer_size));
	p->rmask = 0;
	p->cmask = 0;
	p->info = rt->info;
	p->msbits = rt->sample_bits;
	p->rate_num = rt->rate_num;
	p->rate_den = rt->rate_den;
	p->fifo_size = rt->hw.fifo_size;
}

/**
 * nooks_snd_pcm_adopt() - wrap the ops of a PCM direction set natively
 * @dom: the domain, isolated where it runs (adopt.c): the PCM's opens and
 *	closes held, the driver's interrupt disabled
 * @pcm: a PCM of a card of the driver
 * @stream: SNDRV_PCM_STREAM_*
 *
 * As snd_pcm_set_ops() of an isolated driver would have: an entry record,
 * whose table the substreams get. A stream open already is marked adopted
 * (the constraint rules its open added are not known: replay.c) and, once
 * set up, its parameters are taken from the runtime. Process context.
 *
 * Return: 0 (also when nothing is to wrap), -ENOMEM, or -EOPNOTSUPP when
 * the substreams do not share one table.
 */
int nooks_snd_pcm_adopt(struct nooks_domain *dom, struct snd_pcm *pcm,
			int stream)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	struct snd_pcm_substream *s = pcm->streams[stream].substream;
	const struct snd_pcm_ops *ops = s ? s->ops : NULL;
	struct nooks_snd_sub *sub;
	struct nooks_snd_pcm *p;

	if (!sd || !ops || nooks_snd_pcm_find(dom, pcm, stream))
		return 0;
	for (; s; s = s->next)
		if (s->ops != ops)
			return -EOPNOTSUPP;
	p = nooks_snd_pcm_record(dom, sd, pcm, stream, ops);
	if (!p)
		return -ENOMEM;
	nooks_snd_pcm_for_each_substream(p, s) {
		sub = nooks_snd_pcm_sub(p, s);
		if (!sub || !s->runtime)
			continue;
		set_bit(NOOKS_SND_SUB_ADOPTED, &sub->flags);
		if (s->runtime->state != SNDRV_PCM_STATE_OPEN &&
		    s->runtime->state != SNDRV_PCM_STATE_DISCONNECTED) {
			nooks_snd_pcm_params_of(s->runtime, &sub->params);
			set_bit(NOOKS_SND_SUB_PARAMS, &sub->flags);
		}
	}
	nooks_snd_pcm_for_each_substream(p, s)
		WRITE_ONCE(s->ops, &p->ops);
	return 0;
}

/* @dom's first record of a PCM of @card, or NULL. */
static struct nooks_snd_pcm *nooks_snd_pcm_first(struct nooks_snd_domain *sd,
						 struct snd_card *card)
{
	struct nooks_snd_pcm *p, *found = NULL;

	spin_lock_irq(&sd->pcms_lock);
	list_for_each_entry(p, &sd->pcms, node)
		if (p->pcm->card == card) {
			found = p;
			break;
		}
	spin_unlock_irq(&sd->pcms_lock);
	return found;
}

/**
 * nooks_snd_pcm_let_go() - give a card's PCMs their driver's ops back
 * @dom: the domain, going native where it runs (its PCMs held: adopt.c)
 * @card: a card of the driver
 *
 * Every record of the card's PCMs goes, adopted or made at creation. A
 * writer that picked the record's copy op before stays correct
 * (shift.c). Process context.
 */
void nooks_snd_pcm_let_go(struct nooks_domain *dom, struct snd_card *card)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	struct snd_pcm_substream *s;
	struct nooks_snd_pcm *p;

	if (!sd)
		return;
	while ((p = nooks_snd_pcm_first(sd, card))) {
		nooks_snd_pcm_for_each_substream(p, s)
			WRITE_ONCE(s->ops, p->orig);
		/* leaves the list (disconnect), freed after a grace period */
		snd_device_free(card, p);
	}
}

/**
 * nooks_snd_pcm_shifted() - does a stream of a card play translated?
 * @dom: the domain
 * @card: a card of the driver
 *
 * Return: true when a stream the shadow restarted at another buffer
 * offset (shift.c) still runs so: only the records translate it.
 */
bool nooks_snd_pcm_shifted(struct nooks_domain *dom, struct snd_card *card)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	struct nooks_snd_pcm *p;
	unsigned int i;
	bool shifted = false;

	if (!sd)
		return false;
	spin_lock_irq(&sd->pcms_lock);
	list_for_each_entry(p, &sd->pcms, node)
		for (i = 0; p->pcm->card == card && i < p->nsubs; i++)
			if (test_bit(NOOKS_SND_SUB_SHIFT, &p->subs[i].flags))
				shifted = true;
	spin_unlock_irq(&sd->pcms_lock);
	return shifted;
}

/* The restarted driver creates a PCM: the shadow may give the kept one. */
static int nooks_snd_pcm_new(struct snd_card *card, const char *id,
			     int device, int playback_count, int capture_count,
			     struct snd_pcm **rpcm)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct nooks_snd_domain *sd = dom ? nooks_snd_domain(dom) : NULL;
	const struct nooks_snd_hooks *hooks;
	struct snd_pcm *pcm = NULL;

	if (sd) {
		mutex_lock(&sd->lock);
		hooks = nooks_snd_hooks_get(dom);
		if (hooks && hooks->pcm_new)
			pcm = hooks->pcm_new(dom, card, device, playback_count,
					     capture_count);
		mutex_unlock(&sd->lock);
	}
	if (!pcm)
		return snd_pcm_new(card, id, device, playback_count,
				   capture_count, rpcm);
	if (rpcm)
		*rpcm = pcm;
	return 0;
}

/* A kept PCM keeps its buffers: setting them up again is an error. */
static bool nooks_snd_pcm_has_buffers(struct snd_pcm *pcm)
{
	int dir;

	for (dir = 0; dir < 2; dir++)
		if (pcm->streams[dir].substream &&
		    pcm->streams[dir].substream->dma_buffer.dev.type)
			return true;
	return false;
}

static int nooks_snd_pcm_set_managed_buffer_all(struct snd_pcm *pcm, int type,
						struct device *data,
						size_t size, size_t max)
{
	if (nooks_caller_domain() && nooks_snd_pcm_has_buffers(pcm))
		return 0;
	return snd_pcm_set_managed_buffer_all(pcm, type, data, size, max);
}

static int nooks_snd_pcm_set_managed_buffer(struct snd_pcm_substream *s,
					    int type, struct device *data,
					    size_t size, size_t max)
{
	if (nooks_caller_domain() && s->dma_buffer.dev.type)
		return 0;
	return snd_pcm_set_managed_buffer(s, type, data, size, max);
}

static void nooks_snd_pcm_preallocate_all(struct snd_pcm *pcm, int type,
					  void *data, size_t size, size_t max)
{
	if (nooks_caller_domain() && nooks_snd_pcm_has_buffers(pcm))
		return;
	snd_pcm_lib_preallocate_pages_for_all(pcm, type, data, size, max);
}

static const struct nooks_import nooks_snd_pcm_list[] = {
	NOOKS_IMPORT(snd_pcm_set_ops, nooks_snd_pcm_set_ops),
	NOOKS_IMPORT(snd_pcm_new, nooks_snd_pcm_new),
	NOOKS_IMPORT(snd_pcm_set_managed_buffer_all,
		     nooks_snd_pcm_set_managed_buffer_all),
	NOOKS_IMPORT(snd_pcm_set_managed_buffer,
		     nooks_snd_pcm_set_managed_buffer),
	NOOKS_IMPORT(snd_pcm_lib_preallocate_pages_for_all,
		     nooks_snd_pcm_preallocate_all),
};

const struct nooks_import_table nooks_sound_pcm_imports = {
	.name = "snd-pcm",
	.imports = nooks_snd_pcm_list,
	.n = ARRAY_SIZE(nooks_snd_pcm_list),
};

/**
 * nooks_snd_pcm_check() - does a stand-in answer every op?
 * @standin: the stand-in's table
 * @who: whose it is, for the message
 *
 * Return: 0, or -EINVAL (the stand-in's module refuses to load).
 */
int nooks_snd_pcm_check(const struct snd_pcm_ops *standin, const char *who)
{
	unsigned int missing = 0;

#define NOOKS_SND_PCM_CHECK(op, rtype, proto, args)			\
	NOOKS_ENTRY_CHECK(standin, op, who, missing);
	NOOKS_SND_PCM_OPS(NOOKS_SND_PCM_CHECK)
#undef NOOKS_SND_PCM_CHECK
	return missing ? -EINVAL : 0;
}
EXPORT_SYMBOL_GPL(nooks_snd_pcm_check);
