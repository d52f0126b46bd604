/* rt.h - the domain runtime's interface to the shim.
 *
 * Invariants:
 *  - libpkrewind-rt.so is the first object of every isolated namespace, so
 *    its definitions of the malloc family, mmap/munmap/mremap/mprotect,
 *    sigprocmask/pthread_sigmask and pthread_create come before libc's in
 *    the namespace's global scope, for the library and for libc itself.
 *  - pkr_rt_init() is called once by the shim, with the program's rights,
 *    before any isolated library is loaded into the namespace.
 *  - Runs with the domain's rights: touches only domain memory.
 */
#ifndef PKR_RT_H
#define PKR_RT_H

#include <stddef.h>

struct pkr_rt_config {
	void *heap;            /* key-tagged region for the heap */
	size_t heap_size;
	int pkey;              /* the domain's key: new mappings get it */
	int allow_threads;     /* trusted-memory write: pthread_create passes */
};

int pkr_rt_init(const struct pkr_rt_config *cfg);

/* Signal masks the library changed, per thread (see rt.c). */
#include <signal.h>
#define PKR_RT_MASK_SLOTS 64
struct pkr_rt_mask {
	int tid;
	int active;
	sigset_t saved;       /* the thread's mask before the library's change */
};
struct pkr_rt_mask *pkr_rt_masks(size_t *n);

/* For reset: the heap's bookkeeping, copied in and out by the shim. */
void *pkr_rt_heap_state(size_t *size);

#endif
