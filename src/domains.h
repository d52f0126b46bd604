/* domains.h - the domain registry, and the shim's core records: domains,
 * function descriptors, per-thread state and the rewind record the gate
 * builds.
 *
 * Ground floor: includes only policy.h.  Every shim module above reads
 * these records; the registry functions (domains.c) only read memory and
 * are async-signal-safe (the fault handler uses pkr_domain_where).
 *
 * Invariants:
 *  - The PKR_* offsets below are used by the assembly gate (gate.S); the
 *    C structures are checked against them with static assertions in
 *    domains.c.  Change both together.
 *  - A domain and its function descriptors are created at start-up or in
 *    a dlopen() wrapper, under pkr_shim_lock, and are never freed or
 *    moved: stubs hold their addresses.
 *  - Per-thread state lives in program memory (key 0).  The program's side
 *    reaches it through the initial-exec TLS variable pkr_tls_thread; the
 *    gate's exit, the callback entry and the signal handlers reach it
 *    through the GS base, which the shim points at it when the thread
 *    first calls into a domain (pkr_thread_get): a domain may write its
 *    shadow thread block, and with it the copy of pkr_tls_thread there,
 *    but no library sets the GS base.  The gate checks that the two agree.
 *  - The gate accepts a descriptor only if it lies in its domain's array
 *    (pkr_domain.fns, PKR_FN_SIZE-aligned) and the domain is the one the
 *    registry holds at its index: a descriptor a library built is refused.
 *  - Rewind records live on the caller's stack (program memory).
 */
#ifndef PKR_DOMAINS_H
#define PKR_DOMAINS_H

/* ---- offsets shared with gate.S -------------------------------------- */
/* struct pkr_fn */
#define PKR_FN_TARGET      0
#define PKR_FN_DOMAIN      8
#define PKR_FN_CALLS      16
#define PKR_FN_FAULTS     24
#define PKR_FN_SIZE      128   /* sizeof(struct pkr_fn): the gate checks alignment */
/* struct pkr_domain */
#define PKR_DOM_PKRU       0
#define PKR_DOM_INDEX      4
#define PKR_DOM_ARGWORDS   8
#define PKR_DOM_ERRNO_OFF 16
#define PKR_DOM_SHADOW    24
#define PKR_DOM_FNS       32   /* the domain's descriptor array ... */
#define PKR_DOM_FNS_BYTES 40   /* ... and its size in bytes */
/* struct pkr_thread */
#define PKR_T_TOP          0
#define PKR_T_CUR          8
#define PKR_T_TP          16
#define PKR_T_SELF        56   /* %gs:PKR_T_SELF is the thread state itself */
#define PKR_T_DOMS        64
#define PKR_T_XC        1088   /* PKR_T_DOMS + PKR_MAX_DOM * 64 */
#define PKR_TDOM_SHIFT     6   /* sizeof(struct pkr_tdom) == 64 */
#define PKR_TDOM_SP        0
#define PKR_TDOM_SHADOW_TP 8
/* struct pkr_frame (on the caller's stack) */
#define PKR_FR_PREV        0
#define PKR_FR_FN          8
#define PKR_FR_PREV_DOM   16
#define PKR_FR_ENTRY_TP   24
#define PKR_FR_SAVED_SP   32
#define PKR_FR_R15        48
#define PKR_FR_RBX        80
#define PKR_FR_RBP        88
#define PKR_FR_RET        96
#define PKR_FR_ARGS      104
#define PKR_FR_LOCALS     48   /* bytes below the six pushed registers */

/* struct pkr_cb: one callback slot (tramp.c, read by gate.S) */
#define PKR_CB_TARGET      0
#define PKR_CB_DOM         8
#define PKR_CB_SHIFT       4   /* sizeof(struct pkr_cb) == 16 */
#define PKR_MAX_CB      1024   /* distinct (domain, program function) pairs */
#define PKR_CB_ANY_DOM     1   /* a slot's owner: any domain (tramp.h PKR_CB_ANY) */

#define PKR_MAX_DOM 16
#define PKR_MAX_LIBS PKR_MAX_LIBRARIES  /* libraries of one domain */
#define PKR_PROG_PKRU 0      /* the program's PKRU: every key accessible */

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <link.h>
#include "policy.h"

struct pkr_domain;
struct pkr_rt_shared;
struct pkr_snapshot;

/* One per exported function of an isolated library; a stub loads its
 * address into %r11 and jumps to the gate. */
struct pkr_fn {
	void *target;                 /* the function in the namespace */
	struct pkr_domain *dom;
	uint64_t calls;               /* incremented by the gate (lock incq), only
				       * while pkr_count_calls is set */
	uint64_t faults;
	int64_t fault_value;          /* %rax after a rewind */
	int fault_errno;              /* PKR_ERRNO_KEEP or a value */
	bool fault_void;
	const char *name;
	const char *version;          /* NULL: unversioned */
	bool hidden;                  /* non-default version */
	void *stub;                   /* the trampoline the program sees */
	struct pkr_fn *next_hash;
	/* Its annotated arguments (policy), when the stub leads through the
	 * marshalling entry pkr_mgate (marshal.h); NULL: straight to the gate. */
	const struct pkr_func_policy *marshal;
	char pad_[32];                /* PKR_FN_SIZE bytes in all */
};

/* A library of a domain, as the main namespace and the domain see it. */
struct pkr_lib {
	const char *path;
	uintptr_t base_lo, base_hi;   /* its address range */
	void *ns_handle;              /* the isolated copy */
	uintptr_t ns_lo, ns_hi;
};

struct pkr_domain {
	/* read by the gate */
	uint32_t pkru;                /* PKRU while the domain runs */
	uint32_t index;               /* 0..14: slot in pkr_thread.doms */
	uint64_t argwords;            /* stacked words copied */
	int64_t errno_off;            /* namespace errno - thread pointer */
	uint64_t shadow;              /* nonzero: switch %fs (read, none) */
	struct pkr_fn *fns;           /* all descriptors (array) */
	uint64_t fns_bytes;           /* nfns * PKR_FN_SIZE */
	/* the rest is C only */
	const struct pkr_domain_policy *pol;
	int pkey;
	void *rt_handle;              /* the runtime, first in the namespace */
	long lmid;                    /* the namespace (Lmid_t) */
	struct pkr_lib libs[PKR_MAX_LIBS];
	size_t nlibs;
	void *heap_base;
	size_t heap_size;
	struct pkr_fn **hash;         /* exported functions by name */
	size_t hash_size;
	struct pkr_data {             /* exported data objects (shared.c) */
		char *name;
		bool used;            /* the program's side refers to it */
		bool shared;          /* made one copy */
		bool watched;         /* its words watched (hooks.c) */
		uintptr_t addr;       /* shared: the one copy, */
		size_t size;          /* its size */
	} *data;
	size_t ndata;
	size_t nfns;
	void *(*ns_uselocale)(void *);
	int (*ns_fflush)(void *);
	uint64_t faults, resets, fault_run, calls_at_fault;
	struct pkr_obj {              /* the namespace's objects: messages, reset */
		char name[48];
		uintptr_t lo, hi;
	} *objs;
	size_t nobjs;
	uintptr_t rt_lo, rt_hi;       /* the runtime's own range */
	const struct pkr_rt_shared *rt; /* what the runtime shares (runtime/rt.h) */
	struct pkr_snapshot *snapshot; /* on-fault reset: state after loading */
	/* The runtime's free, realloc, malloc_usable_size, for the program's
	 * calls on the domain's memory (crossheap.c), and the entry of the
	 * threads the library starts (service_thread.c); in fns[], after
	 * nfns. */
	struct pkr_fn *rt_free, *rt_realloc, *rt_usable, *rt_thread;
	struct pkr_fn *rt_malloc, *rt_calloc;   /* shared.c: xmlMalloc = malloc */
	/* The namespace's libgcc_s unwinder (gate_exc.c), NULL without one. */
	void (*ns_setip)(void *ctx, uintptr_t ip);
	void (*ns_setgr)(void *ctx, int reg, uintptr_t v);
	void (*ns_delete)(void *exc);
	int (*ns_raise)(void *exc);   /* _Unwind_RaiseException: a callback's
				       * exception raised inside (gate_exc.c) */
	/* The namespace's virtual functions (loader_vtab.c): vt_targets
	 * sorted, vt_entries[i] the entry its vtable slots now hold. */
	const uintptr_t *vt_targets;
	void **vt_entries;
	size_t nvt;
	uintptr_t lend_win;           /* lend.c: its lending window, 0: none yet */
	size_t lend_used;             /* bytes of it in use for the current call */
};

struct pkr_tdom {                     /* one per (thread, domain) */
	uintptr_t sp;                 /* where the next entry's frame goes; 0: not set up */
	uintptr_t shadow_tp;          /* shadow thread pointer, 0 in write mode */
	void *stack_map;              /* guard page + stack */
	size_t stack_map_size;
	void *shadow_map;             /* the shadow thread block's mapping */
	size_t shadow_map_size;
	uintptr_t stack_lo, stack_hi; /* usable stack range */
};

struct pkr_thread {
	struct pkr_frame *top;        /* innermost rewind record */
	struct pkr_domain *cur;       /* active domain, NULL in the program */
	uintptr_t tp;                 /* the thread's real thread pointer */
	void *altstack;
	size_t altstack_size;
	uint64_t sigdepth;            /* handlers running (altstack retagged) */
	uint32_t altstack_rearm;      /* set up inside a handler: see fault.c */
	uint32_t pad_;
	struct pkr_thread *self;      /* at PKR_T_SELF: the GS base points here */
	struct pkr_tdom doms[PKR_MAX_DOM];
	void *xc;                     /* an exception leaving a domain (gate_exc.c) */
	uint64_t rewinds;             /* calls of this thread rewound (marshal.c
				       * copies nothing back after one) */
	void *ss_sp;                  /* the altstack armed with SS_AUTODISARM */
	size_t ss_size;               /* (the shim's or the program's): thread.c */
};

struct pkr_frame {
	struct pkr_frame *prev;
	struct pkr_fn *fn;
	struct pkr_domain *prev_dom;
	uintptr_t entry_tp;
	uintptr_t saved_sp;
	uintptr_t spare;
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uintptr_t ret;
};

/* Global state, set up at start-up (domains.c). */
extern struct pkr_domain *pkr_domains[PKR_MAX_DOM];
extern size_t pkr_ndomains;
extern int64_t pkr_prog_errno_off;    /* program errno - thread pointer */
extern uint8_t pkr_count_calls;       /* the gate counts calls (stats, max-faults) */

/* A function of the domain by name and version (NULL: the default
 * version, else any). */
struct pkr_fn *pkr_domain_lookup(struct pkr_domain *d, const char *name, const char *version);

/* Enter f (f->name set) into d's table of functions by name. */
void pkr_domain_add_fn(struct pkr_domain *d, struct pkr_fn *f);

/* The domain whose library (either copy: the program's, *in_ns false, or
 * the namespace's, *in_ns true) holds address a; NULL if none.  libp and
 * in_ns may be NULL. */
struct pkr_domain *pkr_domain_of(uintptr_t a, const struct pkr_lib **libp, bool *in_ns);

/* The domain whose heap holds address a (lock-free: a domain is complete
 * before it is published); NULL if none. */
struct pkr_domain *pkr_domain_of_heap(uintptr_t a);

/* Does [a, a + len) lie inside one of d's namespace objects (d->objs)?
 * Async-signal-safe. */
bool pkr_domain_in_objs(const struct pkr_domain *d, uintptr_t a, size_t len);
/* The entry a vtable slot of d's namespace holding `target` now holds
 * (loader_vtab.c), or NULL.  Async-signal-safe (a binary search). */
void *pkr_domain_vt_entry(const struct pkr_domain *d, uintptr_t target);

/* The first object of d's namespace, in load order (follow l_next);
 * NULL if ld.so does not say. */
struct link_map *pkr_domain_first_object(const struct pkr_domain *d);

/* Is l an object every namespace shares with the program (the ld.so
 * proxy, the vDSO), which no domain owns? */
bool pkr_domain_shared_object(const struct link_map *l);

/* "libfoo.so.1+0x1234" for an address inside d's objects, else "0x...".
 * Async-signal-safe. */
void pkr_domain_where(const struct pkr_domain *d, uintptr_t a, char *buf, size_t size);

#define PKR_HIDDEN __attribute__((visibility("hidden")))
#define PKR_EXPORT __attribute__((visibility("default")))

#endif /* __ASSEMBLER__ */
#endif
