// SPDX-License-Identifier: GPL-2.0
/*
 * classes/net/wrap_skb.c - socket buffers an isolated net driver holds.
 *
 * A driver owns a socket buffer from the moment it allocates one for its
 * receive ring, or the kernel hands it one to transmit (ndo_start_xmit,
 * entry.c), until it passes it up the stack or frees it. Buffers
 * a failed driver still held must be freed by the tracker: a leaked
 * transmit buffer keeps its socket's send buffer charged, and TCP on that
 * socket would stall for good.
 *
 * Buffers the stack hands out through napi_get_frags() stay the NAPI
 * instance's and are freed with it.
 */
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "nooks_net.h"
#include "wrap.h"

/* the driver now owns @skb */
static struct sk_buff *nooks_skb_held(struct nooks_domain *dom,
				      struct sk_buff *skb)
{
	if (skb && dom)
		nooks_track_add(dom, &nooks_net_obj_skb, (unsigned long)skb, 0, 0, 0);
	return skb;
}

/* __skb_pad() freed @skb: it is gone */
static void nooks_skb_gone(struct nooks_domain *dom, struct sk_buff *skb)
{
	if (skb && dom)
		nooks_track_del(dom, &nooks_net_obj_skb, (unsigned long)skb, NULL);
}

/*
 * The driver frees @skb: false when the quarantine took it, or when it was
 * freed already (the driver failed); true when it is to be freed now.
 */
static bool nooks_skb_free(struct nooks_domain *dom, struct sk_buff *skb,
			   unsigned long ip)
{
	return !skb || nooks_track_free(dom, &nooks_net_obj_skb,
					(unsigned long)skb, ip) ==
		       NOOKS_FREE_NOW;
}

/* The driver passes @skb up the stack: false when it had freed it. */
static bool nooks_skb_pass(struct nooks_domain *dom, struct sk_buff *skb,
			   unsigned long ip)
{
	return !skb || nooks_track_passed(dom, &nooks_net_obj_skb,
					  (unsigned long)skb, ip);
}

static struct sk_buff *nooks_netdev_alloc_skb(struct net_device *dev,
					      unsigned int len, gfp_t gfp)
{
	return nooks_skb_held(nooks_caller_domain(),
			      __netdev_alloc_skb(dev, len, gfp));
}

static struct sk_buff *nooks_napi_alloc_skb(struct napi_struct *napi,
					    unsigned int len, gfp_t gfp)
{
	return nooks_skb_held(nooks_caller_domain(),
			      __napi_alloc_skb(napi, len, gfp));
}

static struct sk_buff *nooks_build_skb(void *data, unsigned int frag_size)
{
	return nooks_skb_held(nooks_caller_domain(),
			      build_skb(data, frag_size));
}

static struct sk_buff *nooks_napi_build_skb(void *data, unsigned int frag_size)
{
	return nooks_skb_held(nooks_caller_domain(),
			      napi_build_skb(data, frag_size));
}

static gro_result_t nooks_napi_gro_receive(struct napi_struct *napi,
					   struct sk_buff *skb)
{
	if (!nooks_skb_pass(nooks_caller_domain(), skb, _RET_IP_))
		return GRO_CONSUMED;
	return napi_gro_receive(napi, skb);
}

static int nooks_netif_receive_skb(struct sk_buff *skb)
{
	if (!nooks_skb_pass(nooks_caller_domain(), skb, _RET_IP_))
		return NET_RX_DROP;
	return netif_receive_skb(skb);
}

static int nooks_netif_rx(struct sk_buff *skb)
{
	if (!nooks_skb_pass(nooks_caller_domain(), skb, _RET_IP_))
		return NET_RX_DROP;
	return netif_rx(skb);
}

static void nooks_kfree_skb_reason(struct sk_buff *skb,
				   enum skb_drop_reason reason)
{
	if (nooks_skb_free(nooks_caller_domain(), skb, _RET_IP_))
		kfree_skb_reason(skb, reason);
}

static void nooks_consume_skb(struct sk_buff *skb)
{
	if (nooks_skb_free(nooks_caller_domain(), skb, _RET_IP_))
		consume_skb(skb);
}

static void nooks_napi_consume_skb(struct sk_buff *skb, int budget)
{
	if (nooks_skb_free(nooks_caller_domain(), skb, _RET_IP_))
		napi_consume_skb(skb, budget);
}

static void nooks_dev_kfree_skb_any(struct sk_buff *skb,
				    enum skb_free_reason reason)
{
	if (nooks_skb_free(nooks_caller_domain(), skb, _RET_IP_))
		__dev_kfree_skb_any(skb, reason);
}

static void nooks_dev_kfree_skb_irq(struct sk_buff *skb,
				    enum skb_free_reason reason)
{
	if (nooks_skb_free(nooks_caller_domain(), skb, _RET_IP_))
		__dev_kfree_skb_irq(skb, reason);
}

/* __skb_pad() frees the buffer when it fails and is told to */
static int nooks_skb_pad(struct sk_buff *skb, int pad, bool free_on_error)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = __skb_pad(skb, pad, free_on_error);

	if (ret && free_on_error)
		nooks_skb_gone(dom, skb);
	return ret;
}

static NOOKS_RELEASE(net_skb)
{
	kfree_skb((struct sk_buff *)obj->key);
}

/* a receive buffer of the driver's own may wait in the quarantine */
static bool nooks_net_skb_hold(const struct nooks_obj *obj)
{
	return !obj->a[0];
}

static void nooks_net_skb_free_any(const struct nooks_obj *obj)
{
	dev_kfree_skb_any((struct sk_buff *)obj->key);
}

/*
 * Data the device may still DMA into: released once it is reset. a[0] and
 * a[1] of a buffer the kernel gave to transmit: jiffies (| 1) when it was
 * given, and the net_device (the shadow's transmit progress check); 0 for
 * the driver's own receive buffers.
 */
struct nooks_obj_type nooks_net_obj_skb = {
	.name = "skb", .stage = NOOKS_STAGE_HW, .dma = true,
	.release = nooks_net_skb_release,
	.hold = nooks_net_skb_hold, .free_any = nooks_net_skb_free_any,
};
EXPORT_SYMBOL_GPL(nooks_net_obj_skb);

static const struct nooks_import nooks_skb_list[] = {
	NOOKS_IMPORT(__netdev_alloc_skb, nooks_netdev_alloc_skb),
	NOOKS_IMPORT(__napi_alloc_skb, nooks_napi_alloc_skb),
	NOOKS_IMPORT(build_skb, nooks_build_skb),
	NOOKS_IMPORT(napi_build_skb, nooks_napi_build_skb),
	NOOKS_IMPORT(napi_gro_receive, nooks_napi_gro_receive),
	NOOKS_IMPORT(netif_receive_skb, nooks_netif_receive_skb),
	NOOKS_IMPORT(netif_rx, nooks_netif_rx),
	NOOKS_IMPORT(kfree_skb_reason, nooks_kfree_skb_reason),
	NOOKS_IMPORT(consume_skb, nooks_consume_skb),
	NOOKS_IMPORT(napi_consume_skb, nooks_napi_consume_skb),
	NOOKS_IMPORT(__dev_kfree_skb_any, nooks_dev_kfree_skb_any),
	NOOKS_IMPORT(__dev_kfree_skb_irq, nooks_dev_kfree_skb_irq),
	NOOKS_IMPORT(__skb_pad, nooks_skb_pad),
};

const struct nooks_import_table nooks_net_skb_imports = {
	.name = "skb",
	.imports = nooks_skb_list,
	.n = ARRAY_SIZE(nooks_skb_list),
};
