/* rt_int.h - what the runtime's own files share (rt.c, rt_stdio.c).
 *
 * Invariants: nothing here is exported from libpkrewind-rt.so; the shim
 * never includes this header (its interface is rt.h).
 */
#ifndef PKR_RT_INT_H
#define PKR_RT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_EXPORT __attribute__((visibility("default")))

/* The shim's reverse gate (rt.h, pkr_rt_config.service), or NULL before
 * pkr_rt_init. */
extern long (*pkr_rt_service)(long op, long a, long b);

/* The namespace's own function `name` (after the runtime), as the C
 * library's dlsym(RTLD_NEXT) gives it; start-up only (with the program's
 * rights: dlsym takes ld.so's lock). */
void *pkr_rt_next(const char *name);
void *pkr_rt_vnext(const char *name, const char *version);

/* Does p lie in one of the runtime heap's regions?  [p, p + n) all in
 * one? */
bool pkr_rt_heap_owns(const void *p);
bool pkr_rt_heap_holds(const void *p, size_t n);

/* rt_stdio.c: resolve the namespace's stdio functions (called from
 * pkr_rt_init, with the program's rights: dlsym takes ld.so's lock,
 * which is program memory). */
void pkr_rt_stdio_init(void);

/* rt_tls.c: the same for the TLS accessor; the epoch word for rt.h. */
void pkr_rt_tls_init(void);
extern uint64_t pkr_rt_tls_epoch;

/* rt_iconv.c, rt_nss.c: the same for iconv and the lookups (the
 * namespace's own, used only without the shim's service). */
void pkr_rt_iconv_init(void);
void pkr_rt_nss_init(void);

/* rt_thread.c: the same for the threads the library starts. */
void pkr_rt_thread_init(void);
/* Exported: the shim enters a new thread here, through the gate. */
void *pkr_rt_thread_main(void *(*start)(void *), void *arg);

#endif
