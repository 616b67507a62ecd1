// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/wrap_mem.c - memory an isolated driver allocates: kmalloc family,
 * vmalloc, slab caches, DMA coherent buffers and streaming mappings.
 *
 * Socket buffers are tracked by the net class (classes/net/wrap_skb.c);
 * page fragments of receive rings are not tracked (see
 * Documentation/architecture.rst).
 */
#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "domain.h"
#include "group.h"
#include "wrap.h"

/* a[1] records the allocation site, for debugging leaks */
#define nooks_track_mem(dom, p, type, cache)				\
	__nooks_track_mem(dom, p, type, cache, _RET_IP_)

static void *__nooks_track_mem(struct nooks_domain *dom, void *p,
			       const struct nooks_obj_type *type,
			       struct kmem_cache *cache, unsigned long site)
{
	if (p && dom && !ZERO_OR_NULL_PTR(p) &&
	    !nooks_group_owns_memory(dom, site))
		nooks_track_add(dom, type, (unsigned long)p,
				(unsigned long)cache, site, 0);
	return p;
}

static void *nooks_kmalloc(size_t size, gfp_t flags)
{
	return nooks_track_mem(nooks_caller_domain(), __kmalloc(size, flags),
			       &nooks_obj_kmalloc, NULL);
}

static void *nooks_kmalloc_node(size_t size, gfp_t flags, int node)
{
	return nooks_track_mem(nooks_caller_domain(),
			       __kmalloc_node(size, flags, node),
			       &nooks_obj_kmalloc, NULL);
}

static void *nooks_kmalloc_trace(struct kmem_cache *s, gfp_t flags,
				 size_t size)
{
	return nooks_track_mem(nooks_caller_domain(),
			       kmalloc_trace(s, flags, size),
			       &nooks_obj_kmalloc, NULL);
}

static void *nooks_kmalloc_node_trace(struct kmem_cache *s, gfp_t flags,
				      int node, size_t size)
{
	return nooks_track_mem(nooks_caller_domain(),
			       kmalloc_node_trace(s, flags, node, size),
			       &nooks_obj_kmalloc, NULL);
}

static void *nooks_kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	return nooks_track_mem(nooks_caller_domain(),
			       kmem_cache_alloc(s, flags),
			       &nooks_obj_kmalloc, s);
}

/*
 * A free wrapper's caller: @dom, or none when the domain's code freed with
 * a tail call (see nooks_track_del_any()); the object leaves the tracker.
 */
static void nooks_untrack(struct nooks_domain *dom,
			  const struct nooks_obj_type *type, unsigned long key)
{
	if (dom)
		nooks_track_del(dom, type, key, NULL);
	else
		nooks_track_del_any(type, key);
}

/*
 * Slab memory the driver frees goes through the quarantine
 * (quarantine.c): a second free of it fails the driver instead of
 * reaching the allocator.
 */
static void nooks_kfree(const void *p)
{
	if (!ZERO_OR_NULL_PTR(p) &&
	    nooks_track_free(nooks_caller_domain(), &nooks_obj_kmalloc,
			     (unsigned long)p, _RET_IP_) != NOOKS_FREE_NOW)
		return;
	kfree(p);
}

static void nooks_kmem_cache_free(struct kmem_cache *s, void *p)
{
	if (p &&
	    nooks_track_free(nooks_caller_domain(), &nooks_obj_kmalloc,
			     (unsigned long)p, _RET_IP_) != NOOKS_FREE_NOW)
		return;
	kmem_cache_free(s, p);
}

NOOKS_RELEASE(kmalloc)
{
	nooks_kmalloc_free_any(obj);
}

/* up to a page: the quarantine holds at most 64 of them (quarantine.c) */
bool nooks_kmalloc_hold(const struct nooks_obj *obj)
{
	return ksize((void *)obj->key) <= PAGE_SIZE;
}

void nooks_kmalloc_free_any(const struct nooks_obj *obj)
{
	struct kmem_cache *cache = (struct kmem_cache *)obj->a[0];

	if (cache)
		kmem_cache_free(cache, (void *)obj->key);
	else
		kfree((void *)obj->key);
}

static void *nooks_vmalloc(unsigned long size)
{
	return nooks_track_mem(nooks_caller_domain(), vmalloc(size),
			       &nooks_obj_vmalloc, NULL);
}

static void *nooks_vzalloc(unsigned long size)
{
	return nooks_track_mem(nooks_caller_domain(), vzalloc(size),
			       &nooks_obj_vmalloc, NULL);
}

static void nooks_vfree(const void *p)
{
	if (p)
		nooks_untrack(nooks_caller_domain(), &nooks_obj_vmalloc,
			      (unsigned long)p);
	vfree(p);
}

NOOKS_RELEASE(vmalloc)
{
	vfree((void *)obj->key);
}

static void *nooks_dma_alloc_attrs(struct device *dev, size_t size,
				   dma_addr_t *handle, gfp_t flags,
				   unsigned long attrs)
{
	struct nooks_domain *dom = nooks_caller_domain();
	void *p = dma_alloc_attrs(dev, size, handle, flags, attrs);

	if (p && dom)
		nooks_track_add(dom, &nooks_obj_dma_coherent, (unsigned long)p,
				(unsigned long)dev, size, *handle);
	return p;
}

static void nooks_dma_free_attrs(struct device *dev, size_t size, void *p,
				 dma_addr_t handle, unsigned long attrs)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom && p)
		nooks_track_del(dom, &nooks_obj_dma_coherent, (unsigned long)p,
				NULL);
	dma_free_attrs(dev, size, p, handle, attrs);
}

NOOKS_RELEASE(dma_coherent)
{
	dma_free_attrs((struct device *)obj->a[0], obj->a[1],
		       (void *)obj->key, obj->a[2], 0);
}

static dma_addr_t nooks_dma_map_page_attrs(struct device *dev,
					   struct page *page, size_t offset,
					   size_t size,
					   enum dma_data_direction dir,
					   unsigned long attrs)
{
	struct nooks_domain *dom = nooks_caller_domain();
	dma_addr_t addr = dma_map_page_attrs(dev, page, offset, size, dir,
					     attrs);

	if (dom && !dma_mapping_error(dev, addr))
		nooks_track_add(dom, &nooks_obj_dma_map, addr,
				(unsigned long)dev, size, dir);
	return addr;
}

static void nooks_dma_unmap_page_attrs(struct device *dev, dma_addr_t addr,
				       size_t size,
				       enum dma_data_direction dir,
				       unsigned long attrs)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_obj_dma_map, addr, NULL);
	dma_unmap_page_attrs(dev, addr, size, dir, attrs);
}

NOOKS_RELEASE(dma_map)
{
	dma_unmap_page_attrs((struct device *)obj->a[0], obj->key, obj->a[1],
			     obj->a[2], DMA_ATTR_SKIP_CPU_SYNC);
}

/*
 * Whole pages the driver asks for by address. Pages from alloc_pages()
 * are not tracked: drivers hand them to the stack as socket buffer
 * fragments, and their ownership goes with them.
 */
static unsigned long nooks_get_free_pages(gfp_t gfp, unsigned int order)
{
	struct nooks_domain *dom = nooks_caller_domain();
	unsigned long addr = __get_free_pages(gfp, order);

	if (addr && dom)
		nooks_track_add(dom, &nooks_obj_pages, addr, order, 0, 0);
	return addr;
}

static void nooks_free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		nooks_untrack(nooks_caller_domain(), &nooks_obj_pages, addr);
	free_pages(addr, order);
}

NOOKS_RELEASE(pages)
{
	free_pages(obj->key, obj->a[0]);
}

static const struct nooks_import nooks_mem_list[] = {
	NOOKS_IMPORT(__kmalloc, nooks_kmalloc),
	NOOKS_IMPORT(__kmalloc_node, nooks_kmalloc_node),
	NOOKS_IMPORT(kmalloc_trace, nooks_kmalloc_trace),
	NOOKS_IMPORT(kmalloc_node_trace, nooks_kmalloc_node_trace),
	NOOKS_IMPORT(kmem_cache_alloc, nooks_kmem_cache_alloc),
	NOOKS_IMPORT(kfree, nooks_kfree),
	NOOKS_IMPORT(kmem_cache_free, nooks_kmem_cache_free),
	NOOKS_IMPORT(vmalloc, nooks_vmalloc),
	NOOKS_IMPORT(vzalloc, nooks_vzalloc),
	NOOKS_IMPORT(vfree, nooks_vfree),
	NOOKS_IMPORT(__get_free_pages, nooks_get_free_pages),
	NOOKS_IMPORT(free_pages, nooks_free_pages),
	NOOKS_IMPORT(dma_alloc_attrs, nooks_dma_alloc_attrs),
	NOOKS_IMPORT(dma_free_attrs, nooks_dma_free_attrs),
	NOOKS_IMPORT(dma_map_page_attrs, nooks_dma_map_page_attrs),
	NOOKS_IMPORT(dma_unmap_page_attrs, nooks_dma_unmap_page_attrs),
};

const struct nooks_import_table nooks_mem_imports = {
	.name = "mem",
	.imports = nooks_mem_list,
	.n = ARRAY_SIZE(nooks_mem_list),
};
