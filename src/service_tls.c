/* service_tls.c - the reverse gate's TLS answer (PKR_RT_TLS): where a
 * module of the domain's namespace keeps its thread-local storage
 * (runtime/rt_tls.c says why the runtime asks).
 *
 * Runs with the program's rights and thread pointer, on the domain's
 * stack, inside pkr_service_handler.  Not async-signal-safe.
 *
 * Only modules of the asking domain's namespace are answered (outside a
 * domain call, the domain whose runtime holds the request's `self`).  Static
 * or dynamic is decided by asking ld.so for the module's block on this
 * (real) thread: a block inside the thread's static TLS area is static,
 * and its offset from the thread pointer is the same in every thread and
 * in the shadow copies of the thread block.  For a dynamic module that
 * call allocates a block for the program's side of the thread, which is
 * never used (a few bytes per thread and module).
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <string.h>

#include "domains.h"
#include "pkey.h"
#include "real.h"
#include "runtime/rt.h"
#include "service.h"

typedef struct {
	unsigned long module, offset;
} tls_index;
void *__tls_get_addr(tls_index *ti);     /* ld.so's (this is the base namespace) */

/* The object of d's namespace with TLS module id `id`, or NULL. */
static struct link_map *module(const struct pkr_domain *d, size_t id)
{
	if (id == 0)
		return NULL;
	for (struct link_map *l = pkr_domain_first_object(d); l; l = l->l_next) {
		size_t mod = 0;
		if (dlinfo(l, RTLD_DI_TLS_MODID, &mod) == 0 && mod == id)
			return l;
	}
	return NULL;
}

static const ElfW(Phdr) *pt_tls(const struct link_map *l)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)l->l_addr;
	const ElfW(Phdr) *ph;

	if (l->l_addr == 0 || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return NULL;
	ph = (const ElfW(Phdr) *)(l->l_addr + eh->e_phoff);
	for (size_t i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_TLS)
			return &ph[i];
	return NULL;
}

long pkr_service_tls(const struct pkr_domain *d, const struct pkr_thread *t,
		     long id, struct pkr_rt_tls *out, int *err)
{
	struct link_map *l;
	const ElfW(Phdr) *ph;
	struct pkr_rt_tls info = { 0 };
	tls_index ti = { (unsigned long)id, 0 };
	size_t static_size = 0, align = 0;
	uintptr_t tp = pkr_rdfsbase(), block;

	/* Outside a domain call (the namespace's constructors and
	 * destructors) the runtime that asks names itself. */
	if (!d && !(d = pkr_service_domain_at(out->self))) {
		*err = EINVAL;
		return -1;
	}
	l = module(d, (size_t)id);
	ph = l ? pt_tls(l) : NULL;
	if (!ph || !pkr_service_writable(d, t, out, sizeof *out)) {
		*err = EINVAL;
		return -1;
	}
	pkr_real.get_tls_static_info(&static_size, &align);
	block = (uintptr_t)__tls_get_addr(&ti);
	if (block < tp && block >= tp - static_size)
		info.static_off = (long)(tp - block);
	info.image = (const void *)(l->l_addr + ph->p_vaddr);
	info.filesz = ph->p_filesz;
	info.memsz = ph->p_memsz;
	info.align = ph->p_align;
	*out = info;
	return 0;
}
