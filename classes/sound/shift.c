// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/shift.c - a stream whose hardware restarted at another
 * buffer offset.
 *
 * Every driver's prepare starts its DMA at the start of the buffer. A
 * stream that was running when its driver failed is at some position H,
 * at buffer offset off = H mod B, and ALSA's position must never go back
 * nor jump: the application's pointer, and the data it wrote ahead of H,
 * are where they were. So the shadow rotates the buffer by off (the frame
 * due next moves to offset 0, where the restarted hardware starts) and
 * from then on the substream's addresses are translated by off:
 *
 *   - the position the driver reports, p, is H's world's (p + off) mod B
 *     (the pointer wrapper in wrap_pcm.c);
 *   - the application's reads and writes, which ALSA aims at offset x,
 *     go to (x - off) mod B: the record's table has copy ops (below)
 *     that do what ALSA's own copies do, at the translated offset once
 *     the stream is shifted. They are in the table from the start
 *     (wrap_pcm.c): ALSA picks the copy once per read or write call, and
 *     a writer blocked in one through the restart would go on with an
 *     untranslated copy (periods played out of order).
 *
 * The translation ends at the stream's next prepare or hw_params, where
 * ALSA puts the position back to 0. It needs the core's buffer (the
 * driver has no copy ops of its own) and read/write access: an
 * application that mmaps the buffer addresses it directly.
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <sound/pcm.h>

#include "nooks_sound.h"

static bool nooks_snd_shift_interleaved(struct snd_pcm_runtime *rt)
{
	return rt->access == SNDRV_PCM_ACCESS_RW_INTERLEAVED ||
	       rt->access == SNDRV_PCM_ACCESS_MMAP_INTERLEAVED;
}

/*
 * One region of @rt's buffer, as ALSA's copies address it: the whole
 * buffer (interleaved), or channel @channel's part. Return: its bytes.
 */
static size_t nooks_snd_shift_region(struct snd_pcm_runtime *rt, int channel,
				     char **base)
{
	if (nooks_snd_shift_interleaved(rt)) {
		*base = rt->dma_area;
		return frames_to_bytes(rt, rt->buffer_size);
	}
	*base = rt->dma_area + channel * (rt->dma_bytes / rt->channels);
	return samples_to_bytes(rt, rt->buffer_size);
}

/* How many regions @rt's buffer has: 1 (interleaved), or a channel's. */
static int nooks_snd_shift_regions(struct snd_pcm_runtime *rt)
{
	return nooks_snd_shift_interleaved(rt) ? 1 : rt->channels;
}

/* @frames as bytes of one region (nooks_snd_shift_region()). */
static size_t nooks_snd_shift_bytes(struct snd_pcm_runtime *rt,
				    snd_pcm_uframes_t frames)
{
	return nooks_snd_shift_interleaved(rt) ? frames_to_bytes(rt, frames) :
						 samples_to_bytes(rt, frames);
}

/* The byte offset in its region where ALSA's offset @pos really is. */
static size_t nooks_snd_shift_pos(struct snd_pcm_substream *s, int channel,
				  unsigned long pos, char **base, size_t *size)
{
	struct snd_pcm_runtime *rt = s->runtime;
	const struct snd_pcm_ops *ops;
	struct nooks_snd_sub *sub;
	size_t shift = 0;

	*size = nooks_snd_shift_region(rt, channel, base);
	/*
	 * A writer that picked this copy before the driver was let go (the
	 * records went: adopt.c) copies as ALSA would; the record it may
	 * still see is freed after a grace period.
	 */
	rcu_read_lock();
	ops = READ_ONCE(s->ops);
	if (ops->copy_user == nooks_snd_pcm_shift_copy_user) {
		sub = &container_of(ops, struct nooks_snd_pcm, ops)->subs[s->number];
		if (test_bit(NOOKS_SND_SUB_SHIFT, &sub->flags))
			shift = nooks_snd_shift_bytes(rt, sub->shift);
	}
	rcu_read_unlock();
	if (!shift)
		return pos;
	return (pos + *size - shift % *size) % *size;
}

/*
 * Copy @n bytes between @buf and ALSA's offset @pos of the buffer, in the
 * direction of @s, in at most two pieces around the end of the region.
 */
static int nooks_snd_shift_xfer(struct snd_pcm_substream *s, int channel,
				unsigned long pos, void *buf, unsigned long n,
				bool user)
{
	bool playback = s->stream == SNDRV_PCM_STREAM_PLAYBACK;
	size_t size, off, len;
	char *base;

	off = nooks_snd_shift_pos(s, channel, pos, &base, &size);
	while (n) {
		len = min_t(size_t, n, size - off);
		if (user && playback) {
			if (copy_from_user(base + off, (void __user *)buf, len))
				return -EFAULT;
		} else if (user) {
			if (copy_to_user((void __user *)buf, base + off, len))
				return -EFAULT;
		} else if (playback) {
			memcpy(base + off, buf, len);
		} else {
			memcpy(buf, base + off, len);
		}
		buf += len;
		n -= len;
		off = 0;
	}
	return 0;
}

int nooks_snd_pcm_shift_copy_user(struct snd_pcm_substream *s, int channel,
				  unsigned long pos, void __user *buf,
				  unsigned long n)
{
	return nooks_snd_shift_xfer(s, channel, pos, (void __force *)buf, n,
				    true);
}

int nooks_snd_pcm_shift_copy_kernel(struct snd_pcm_substream *s, int channel,
				    unsigned long pos, void *buf,
				    unsigned long n)
{
	return nooks_snd_shift_xfer(s, channel, pos, buf, n, false);
}

int nooks_snd_pcm_shift_silence(struct snd_pcm_substream *s, int channel,
				unsigned long pos, unsigned long n)
{
	struct snd_pcm_runtime *rt = s->runtime;
	size_t size, off, len;
	char *base;

	off = nooks_snd_shift_pos(s, channel, pos, &base, &size);
	while (n) {
		len = min_t(size_t, n, size - off);
		snd_pcm_format_set_silence(rt->format, base + off,
					   bytes_to_samples(rt, len));
		n -= len;
		off = 0;
	}
	return 0;
}

/* Rotate @size bytes at @base left by @by: byte @by moves to 0. */
static int nooks_snd_shift_rotate(char *base, size_t size, size_t by)
{
	char *tmp;

	by %= size;
	if (!by)
		return 0;
	tmp = kvmalloc(size, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, base + by, size - by);
	memcpy(tmp + size - by, base, by);
	memcpy(base, tmp, size);
	kvfree(tmp);
	return 0;
}

/**
 * nooks_snd_pcm_shift() - restart a stream's hardware at buffer offset 0
 * @s: a wrapped substream, set up (hw_params) and not running
 * @shift: the stream's buffer offset (frames) that offset 0 is to hold
 *
 * Rotates the buffer so that the frame at @shift is at 0, and translates
 * the substream's position and the application's copies by @shift until
 * its next prepare. Process context; the stream is the caller's (its
 * driver being replayed, ALSA's calls diverted to the stand-in).
 *
 * Return: 0; -EOPNOTSUPP if the stream's buffer is not the core's or is
 * mapped by the application; -ENOMEM.
 */
int nooks_snd_pcm_shift(struct snd_pcm_substream *s, snd_pcm_uframes_t shift)
{
	struct snd_pcm_runtime *rt = s->runtime;
	struct nooks_snd_pcm *p = nooks_snd_pcm_of(s);
	struct nooks_snd_sub *sub = nooks_snd_sub_of(s);
	size_t size, by;
	char *base;
	int ch, ret;

	if (!rt->dma_area || p->orig->copy_user || p->orig->copy_kernel ||
	    p->orig->fill_silence || atomic_read(&s->mmap_count))
		return -EOPNOTSUPP;
	if (rt->access != SNDRV_PCM_ACCESS_RW_INTERLEAVED &&
	    rt->access != SNDRV_PCM_ACCESS_RW_NONINTERLEAVED)
		return -EOPNOTSUPP;
	shift %= rt->buffer_size;
	by = nooks_snd_shift_bytes(rt, shift);
	for (ch = 0; ch < nooks_snd_shift_regions(rt); ch++) {
		size = nooks_snd_shift_region(rt, ch, &base);
		ret = nooks_snd_shift_rotate(base, size, by);
		if (ret)
			return ret;
	}
	sub->shift = shift;
	clear_bit(NOOKS_SND_SUB_LEAD_IN, &sub->flags);
	set_bit(NOOKS_SND_SUB_SHIFT, &sub->flags);
	return 0;
}
EXPORT_SYMBOL_GPL(nooks_snd_pcm_shift);

/**
 * nooks_snd_pcm_lead_in() - restart a stream's hardware at offset 0 where
 * its buffer cannot be rotated
 * @s: a wrapped substream, set up and prepared, not running
 * @to: the buffer offset (frames) the stream is due at
 * @keep: of the frames before @to, those from offset 0 that hold data
 *	the application wrote and the stream has not played yet
 *
 * The application maps the buffer (or the driver copies into a buffer of
 * its own): its data stays where ALSA put it. The restarted hardware
 * starts at offset 0 and plays (or records) on to @to while the kernel's
 * position is held where it is (the pointer wrapper, wrap_pcm.c); from
 * @to on the hardware's offsets are ALSA's. What the lead-in plays of a
 * playback stream is silenced, but for @keep frames of data due later,
 * which it plays early (once more in their turn): the cost is up to a
 * buffer time of gap, not an overrun nor a skip. Process context; the
 * stream is the caller's, as for nooks_snd_pcm_shift().
 */
void nooks_snd_pcm_lead_in(struct snd_pcm_substream *s, snd_pcm_uframes_t to,
			   snd_pcm_uframes_t keep)
{
	struct snd_pcm_runtime *rt = s->runtime;
	struct nooks_snd_sub *sub = nooks_snd_sub_of(s);
	size_t from, len;
	char *base;
	int ch;

	clear_bit(NOOKS_SND_SUB_LEAD_IN, &sub->flags);
	to %= rt->buffer_size;
	if (!to)
		return;
	if (s->stream == SNDRV_PCM_STREAM_PLAYBACK && rt->dma_area &&
	    !nooks_snd_pcm_of(s)->orig->copy_user && keep < to) {
		from = nooks_snd_shift_bytes(rt, keep);
		len = nooks_snd_shift_bytes(rt, to - keep);
		/* keep < to < buffer_size: [from, from + len) is in the region */
		for (ch = 0; ch < nooks_snd_shift_regions(rt); ch++) {
			nooks_snd_shift_region(rt, ch, &base);
			snd_pcm_format_set_silence(rt->format, base + from,
						   bytes_to_samples(rt, len));
		}
	}
	sub->lead_to = to;
	sub->lead_last = 0;
	set_bit(NOOKS_SND_SUB_LEAD_IN, &sub->flags);
}
EXPORT_SYMBOL_GPL(nooks_snd_pcm_lead_in);
