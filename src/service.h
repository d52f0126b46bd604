/* service.h - the reverse gate: what a domain's runtime asks of the
 * program's side (exit, fork, longjmp to a program's jmp_buf, operations
 * on the program's streams).
 *
 * Invariants:
 *  - pkr_service (gate.S) is the only way in: it takes the program's
 *    rights (checked), calls pkr_service_handler, and gives back the
 *    rights of the domain the thread state says is active (never a value
 *    the caller passed).
 *  - The handler finds the thread through the GS anchor, switches to the
 *    real thread pointer for the program's C library, and back.
 *  - exit and longjmp out of the domain do not return: the thread's gate
 *    records are unwound first (t->top, t->cur), so the program runs on
 *    its own rights and a later fault of its own stays its own.
 *  - Not async-signal-safe (fork, exit); never called from a handler.
 */
#ifndef PKR_SERVICE_H
#define PKR_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "domains.h"

/* gate.S */
long pkr_service(long op, long a, long b);

struct pkr_service_ret {
	long value;
	const struct pkr_domain *dom;   /* whose rights to give back, or NULL */
};
struct pkr_service_ret pkr_service_handler(long op, long a, long b);

/* Resolve the program's exit, fork and longjmp (start-up). */
void pkr_service_init(void);

/* A pointer word of a glibc jmp_buf (6: the stack pointer, 7: the
 * program counter), unmangled with the pointer guard of the real thread
 * block tp. */
uintptr_t pkr_jmpbuf_word(const void *env, int i, uintptr_t tp);

/* Leave t's gate records below stack pointer sp (a jump to sp), as
 * pkr_gate_unwind would one by one; with none left, the domain stacks
 * start from their tops again.  A jump that lands in a callback running
 * inside a domain is not supported: said (the jump is domain `from`'s,
 * or the program's if NULL), and the process aborts. */
struct pkr_thread;
void pkr_unwind_below(struct pkr_thread *t, uintptr_t sp, const struct pkr_domain *from);

/* service_io.c: one stream operation for the library (PKR_RT_IO), with
 * the program's C library; d and t NULL outside a domain call.  Returns
 * the result, or -1 with *err set. */
struct pkr_rt_io;
void pkr_service_io_init(void);
long pkr_service_io(const struct pkr_domain *d, const struct pkr_thread *t,
		    const struct pkr_rt_io *req, int *err);

/* May the domain itself write [p, p + n) (service_io.c)? */
bool pkr_service_writable(const struct pkr_domain *d, const struct pkr_thread *t,
			  const void *p, size_t n);

/* A NUL-terminated copy of [p, p + n) (malloc'd), if the domain itself
 * may read it, else NULL (service_io.c). */
char *pkr_service_copy_string(const struct pkr_domain *d, const struct pkr_thread *t,
			      const char *p, size_t n);

/* The domain whose namespace holds address p (its runtime, its
 * libraries): who asks when a request comes from outside a domain call,
 * as from the namespace's constructors and destructors.  NULL if none. */
const struct pkr_domain *pkr_service_domain_at(const void *p);

/* service_heap.c: the library frees or reallocates a block of the
 * program's heap (PKR_RT_FREE, PKR_RT_REALLOC, a and b as there): write
 * mode only.  0 or the new block; -1 with *err set. */
long pkr_service_heap(const struct pkr_domain *d, long op, long a, long b, int *err);

/* service_dl.c: a dynamic-loading request of the library (PKR_RT_DL):
 * the handle or address, 0 on failure (message in the request); d NULL
 * outside a domain call (the request's caller names the domain).  fn
 * tags what a dlopen added to d's namespace (set by the top floor, which
 * holds the lock creating domains takes). */
struct pkr_rt_dl;
long pkr_service_dl(const struct pkr_domain *d, const struct pkr_thread *t,
		    struct pkr_rt_dl *req);
void pkr_service_on_dlopen(int (*fn)(struct pkr_domain *));

/* May the domain itself read [p, p + n) (service_io.c)? */
bool pkr_service_readable(const struct pkr_domain *d, const struct pkr_thread *t,
			  const void *p, size_t n);

/* service_env.c: an environment request of the library (PKR_RT_ENV).
 * Returns the result, or -1 with *err set. */
struct pkr_rt_env;
long pkr_service_env(const struct pkr_domain *d, const struct pkr_thread *t,
		     const struct pkr_rt_env *req, int *err);

/* Is p in one of d's objects, mapped with prot (service_io.c)? */
bool pkr_service_in_objects(const struct pkr_domain *d, const void *p, int prot);

/* service_thread.c: a thread request of the library (PKR_RT_THREAD).
 * Returns 0 or an errno value. */
struct pkr_rt_thread;
long pkr_service_thread(const struct pkr_domain *d, const struct pkr_thread *t,
			struct pkr_rt_thread *req);

/* service_tls.c: where TLS module `id` of d's namespace keeps a thread's
 * block (PKR_RT_TLS), written to *out.  0, or -1 with *err set. */
struct pkr_rt_tls;
long pkr_service_tls(const struct pkr_domain *d, const struct pkr_thread *t,
		     long id, struct pkr_rt_tls *out, int *err);

/* service_iconv.c: a conversion request of the library (PKR_RT_ICONV),
 * by the program's iconv; d NULL outside a domain call (the request's
 * `self` names the domain).  Returns the result, or -1 with *err set.
 * pkr_service_iconv_setup: the program's C library reads its gconv
 * configuration now, once (called before a domain's library runs). */
struct pkr_rt_iconv;
long pkr_service_iconv(const struct pkr_domain *d, const struct pkr_thread *t,
		       struct pkr_rt_iconv *req, int *err);
void pkr_service_iconv_setup(void);

/* service_nss.c: a user, group or host lookup of the library
 * (PKR_RT_NSS), by the program's C library, the answer packed into the
 * library's buffers.  Returns 0, or -1 with *err set. */
struct pkr_rt_nss;
long pkr_service_nss(const struct pkr_domain *d, const struct pkr_thread *t,
		     struct pkr_rt_nss *req, int *err);

#endif
