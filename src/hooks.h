/* hooks.h - function pointers stored into shared variables at any time
 * become trampolines or callback stubs (hooks.c). */
#ifndef PKR_HOOKS_H
#define PKR_HOOKS_H

#include <stddef.h>
#include <stdint.h>

struct pkr_domain;

#define PKR_MAX_HOOKS 64       /* watched words, all domains */
#define PKR_HOOK_SPAN 256      /* bytes watched of one variable */

/* One watched word (gate.S reads var and last: keep the layout). */
struct pkr_hook {
	uintptr_t *var;
	uintptr_t last;            /* its value as last seen or made */
	struct pkr_domain *dom;    /* the domain whose variable it is */
};
extern struct pkr_hook pkr_hooks[PKR_MAX_HOOKS];
extern size_t pkr_nhooks;

/* Watch the 8-byte words of the shared variable at addr (size bytes) of
 * domain d.  Under the shim lock; not async-signal-safe. */
void pkr_hooks_add(struct pkr_domain *d, uintptr_t addr, size_t size);

/* Called by the gate when a watched word changed: makes function
 * pointers trampolines or callback stubs.  Not async-signal-safe (it
 * skips when a handler interrupted it on this thread). */
void pkr_hooks_refresh(void);

#endif
