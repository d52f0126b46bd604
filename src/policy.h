/* policy.h - the pkrewind policy language: parser, diagnostics, model.
 *
 * Invariants:
 *  - pkr_policy_parse() is a pure function of its inputs: it reads the
 *    buffer it is given and, for `include`, only what env->read_file
 *    returns.  It prints nothing, reads no environment and no file, has
 *    no globals; every message goes into a pkr_diags.  Reading the policy
 *    from disk and finding it are policyfile.h; matching libraries is
 *    libmatch.h.
 *  - Every error in a file is reported (at most one per line, at most
 *    PKR_MAX_ERRORS in all), then the parse fails: a policy with an error
 *    yields no model (fail closed).
 *  - The model is immutable after parsing and owned by one allocation
 *    arena; pkr_policy_free() releases all of it.
 *  - Not async-signal-safe (allocates).  Called at start-up and by the
 *    command, never from a signal handler.  Takes no locks.
 *
 * The contract for the language is man/pkrewind.policy.5.
 */
#ifndef PKR_POLICY_H
#define PKR_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "libmatch.h"
#include "spell.h"

#define PKR_MAX_DOMAINS      15      /* 16 hardware keys, key 0 is the program's */
#define PKR_MAX_LIBRARIES    32      /* `library` lines, and objects matched, per domain */
#define PKR_MAX_INCLUDE_DEPTH 8
#define PKR_MAX_ERRORS       100
#define PKR_MAX_FILE_SIZE    (16u << 20)
#define PKR_MAX_NAME         255     /* domain, function, library spec */

/* Defaults and limits of sizes (bytes). */
#define PKR_HEAP_DEFAULT     (4ull << 30)   /* a reservation: pages cost when touched */
#define PKR_HEAP_MIN         (64ull << 10)
#define PKR_HEAP_MAX         (64ull << 30)
#define PKR_STACK_DEFAULT    (1ull << 20)
#define PKR_STACK_MIN        (64ull << 10)
#define PKR_STACK_MAX        (1ull << 30)
#define PKR_STACK_ARGS_DEFAULT 64
#define PKR_STACK_ARGS_MAX   4096    /* multiple of 8 */
#define PKR_MAX_FAULTS_MAX   1000000000ul
/* `lend`: out/inout buffers of at least this many bytes are lent (their
 * pages moved to the domain for the call) rather than copied. */
#define PKR_LEND_DEFAULT     (1ull << 20)
#define PKR_LEND_NEVER       UINT64_MAX

enum pkr_trust {
	PKR_TRUST_READ = 0,   /* program memory read-only to the library (default) */
	PKR_TRUST_WRITE,      /* containment only: program memory writable */
	PKR_TRUST_NONE,       /* program memory inaccessible */
};

enum pkr_on_fault {
	PKR_ON_FAULT_REWIND = 0,  /* return the error, keep the library's state */
	PKR_ON_FAULT_RESET,       /* also restore the domain to its post-load state */
	PKR_ON_FAULT_ABORT,       /* diagnose and die with SIGABRT */
};

/* What a domain does on a CPU or kernel without protection keys. */
enum pkr_no_keys {
	PKR_NO_KEYS_REFUSE = 0,   /* stop the program before main (status 127) */
	PKR_NO_KEYS_REWIND_ONLY,  /* namespace, heap, stacks, gate, rewind: no protection */
};

/* What a C++ exception the library throws and does not catch does at the
 * gate. */
enum pkr_exceptions {
	PKR_EXC_PROPAGATE = 0,    /* raised again in the program (its catch gets it) */
	PKR_EXC_FAULT,            /* a fault: the call is rewound to its fault-return */
};

/* What a faulting call returns to the program. */
#define PKR_ERRNO_INHERIT (-1)   /* no errno given: see struct pkr_retval */
#define PKR_ERRNO_KEEP    (-2)   /* `errno keep`: leave the program's errno alone */
struct pkr_retval {
	bool is_void;        /* `fault-return void`: %rax is left 0 */
	bool set;            /* a fault-return was given on this line */
	int64_t value;       /* returned in %rax */
	int err;             /* errno value, PKR_ERRNO_INHERIT or PKR_ERRNO_KEEP;
			      * a domain's is EFAULT unless its fault-return
			      * line names an errno, INHERIT after `void`
			      * without errno (errno left alone; functions
			      * with a value then get EFAULT) */
};

/* Where a token stands: file name (arena string), 1-based line and byte
 * column. */
struct pkr_src_pos {
	const char *file;
	unsigned line, col;
};

/* ---- argument annotations (man/pkrewind.policy.5, "ARGUMENTS") ----
 * What a pointer argument (or a pointer field of a struct) lets the
 * library do with the memory behind it.  The marshalling module
 * (src/marshal.c) gives the library a copy in domain memory where its
 * mode would not let it touch the program's. */
#define PKR_MAX_ARGS   10     /* the 6 integer argument registers and the
					* first 4 words on the stack */
#define PKR_MAX_FIELDS 32     /* per struct */
#define PKR_MAX_STRUCT_SIZE (1u << 20)
#define PKR_MAX_KEEP   64     /* bytes of a `keep` buffer */
#define PKR_MAX_KEEPS  4      /* `keep` buffers per struct mirror */

enum pkr_arg_kind {
	PKR_ARG_VALUE = 0,    /* `-`: nothing to do (a number, or not annotated) */
	PKR_ARG_IN,           /* in [LEN]: the library reads LEN bytes */
	PKR_ARG_OUT,          /* out [LEN]: the library writes LEN bytes */
	PKR_ARG_INOUT,        /* inout [LEN]: both */
	PKR_ARG_STRING,       /* a NUL-terminated string the library reads */
	PKR_ARG_HANDLE,       /* a pointer the library returned: must lie in
			       * the domain's memory (or be NULL) */
	PKR_ARG_STRUCT,       /* struct NAME: the fields say what crosses; the
			       * struct itself is read and written */
	PKR_ARG_SRET,         /* `sret SIZE`, first only: the hidden pointer to
			       * a large struct returned by value (out [SIZE],
			       * and %rax, which returns it, turned back) */
	PKR_ARG_CALLBACK,     /* a program function the library calls: it gets
			       * a reverse gate (tramp.h) */
	PKR_ARG_U32,          /* fields only: a 32-bit number (a length) */
	PKR_ARG_U64,          /* fields only: a 64-bit number (a length) */
};

/* A length: TERM [x SCALE] bytes. */
enum pkr_len_kind {
	PKR_LEN_CONST = 0,    /* value */
	PKR_LEN_ARG,          /* argument `index` (0-based), `width` bytes of it */
	PKR_LEN_DEREF,        /* the number at the address in argument `index` */
	PKR_LEN_FIELD,        /* field `index` of the enclosing struct */
};
struct pkr_len {
	enum pkr_len_kind kind;
	unsigned index;
	unsigned width;       /* 4 or 8 (ARG, DEREF; a FIELD's own width) */
	uint64_t value;       /* CONST */
	uint64_t scale;       /* element size, 1 for bytes */
	int64_t add;          /* `+ N` or `- N`, in bytes, after the scale */
};

struct pkr_struct_policy;
struct pkr_arg {
	enum pkr_arg_kind kind;
	struct pkr_len len;                     /* IN, OUT, INOUT */
	const struct pkr_struct_policy *st;     /* STRUCT */
	bool end;                               /* STRUCT: the call ends its
						 * life (forget its mirror) */
	bool ref;                               /* IN/OUT/INOUT `ref`: the
						 * argument points at a pointer
						 * variable (8 bytes, which the
						 * library may advance), and that
						 * points at the LEN bytes */
	bool keep;                              /* IN/OUT/INOUT `keep`: the
						 * library keeps the pointer for
						 * later calls on the list's
						 * struct; the copy lives as long
						 * as that struct's mirror */
};

struct pkr_field {
	const char *name;
	uint64_t offset;
	struct pkr_arg a;     /* U32/U64 (lengths), IN/OUT/INOUT, STRING, HANDLE */
};

struct pkr_struct_policy {
	const char *name;
	uint64_t size;
	const struct pkr_field *fields;   /* in file order */
	size_t nfields;
	const char *file;
	unsigned line;
};

struct pkr_func_policy {
	const char *name;
	struct pkr_retval ret;
	const char *file;
	unsigned line;
	const struct pkr_arg *args;   /* NULL: no annotation list */
	size_t nargs;                 /* <= PKR_MAX_ARGS */
	unsigned max_stack_arg;       /* the highest stacked argument (7..10)
				       * annotated or read for a length, else 0 */
};

struct pkr_domain_policy {
	const char *name;
	const char *file;           /* where `domain NAME` stands */
	unsigned line;
	const char *const *libraries;   /* soname, absolute path or glob */
	const struct pkr_src_pos *library_pos;   /* parallel to libraries: where
						  * each SPEC stands (its file
						  * may be an included one) */
	size_t nlibraries;
	enum pkr_trust trust;
	bool trust_given;           /* a trusted-memory line */
	const char *shipped;        /* the shipped policy its annotations come
				     * from (pkr_policy_take_shipped), or NULL */
	enum pkr_on_fault on_fault;
	unsigned long max_faults;   /* 0: unlimited */
	enum pkr_no_keys if_no_keys;
	enum pkr_exceptions exceptions;
	uint64_t heap, stack, stack_args;
	uint64_t lend;                  /* PKR_LEND_NEVER: always copy */
	struct pkr_retval fault_return;   /* domain default: -1, EFAULT */
	const struct pkr_func_policy *functions;   /* in file order */
	size_t nfunctions;
	const struct pkr_struct_policy *structs;   /* `struct` lines, in file order */
	size_t nstructs;
};

struct pkr_policy {
	const struct pkr_domain_policy *domains;
	size_t ndomains;
	const char *file;           /* the top-level file name */
	void *arena;                /* private */
	struct pkr_policy **shipped;   /* shipped policies domains took their
					* annotations from (freed with this) */
	size_t nshipped;
};

/* ---- parsing -------------------------------------------------------- */

struct pkr_parse_env {
	/* Read an included file.  path is as resolved by the parser (relative
	 * names are joined to the including file's directory).  Returns 0 and a
	 * malloc'd buffer, or an errno value.  NULL: every include is an
	 * error (ENOSYS): the parser does no I/O of its own. */
	int (*read_file)(void *ctx, const char *path, char **buf, size_t *len);
	void *ctx;
	/* The identity of a file, for include cycles and repeats (malloc'd;
	 * NULL: its clean name is its identity). */
	char *(*file_key)(void *ctx, const char *path);
};

/* Parse `len` bytes named `file`.  Returns the model, or NULL when any
 * error was reported (diags then holds at least one error).  `file` NULL
 * is "<policy>"; `diags` NULL discards the messages.  The top-level file
 * is at include depth 0: at most PKR_MAX_INCLUDE_DEPTH includes nest. */
struct pkr_policy *pkr_policy_parse(const char *file, const char *buf, size_t len,
				    const struct pkr_parse_env *env,
				    struct pkr_diags *diags);

/* pkr_policy_parse, then the files after[0..nafter), in that order, each
 * read through env->read_file as if `file` ended with an `include` line
 * naming it (the system policy's drop-ins, policyfile.h): a domain name
 * already used is a duplicate, a file already read or included is an
 * error, and each starts outside any domain block (the top file's open
 * domain ends before the first).  An error about one of these files as a
 * whole (unreadable, a cycle) names that file, without a line. */
struct pkr_policy *pkr_policy_parse_after(const char *file, const char *buf, size_t len,
					  const char *const *after, size_t nafter,
					  const struct pkr_parse_env *env,
					  struct pkr_diags *diags);

void pkr_policy_free(struct pkr_policy *p);

/* A domain without `function` and `struct` lines of its own takes those
 * of `from`, the domain of a shipped policy for its libraries
 * (policyfile.c finds it), and its trusted-memory mode and domain
 * fault-return where it gives none; d->shipped names from's file.  The
 * lines stay from's: `from` must live as long as d. */
void pkr_policy_take_shipped(struct pkr_domain_policy *d, const struct pkr_domain_policy *from);

/* Lookups on a parsed model.  A name is "NAME", "NAME@VERSION" or
 * "NAME@@VERSION" (the policy stores the last as "NAME@VERSION").
 * pkr_policy_function() finds the line for exactly that name and
 * version: "foo" does not find "foo@V1", nor "foo@V1" "foo". */
const struct pkr_func_policy *pkr_policy_function(const struct pkr_domain_policy *d,
						   const char *name);
/* The effective fault return of `fname` in `d`: the line for fname, else
 * (fname with a version) the line for NAME without a version, else the
 * domain default.  err is resolved (never PKR_ERRNO_INHERIT): `void`
 * without errno is PKR_ERRNO_KEEP, a value without errno takes the
 * domain's errno (EFAULT when the domain names none).  For a versioned
 * symbol, pass "NAME@VERSION": a bare "NAME" never finds a versioned line. */
struct pkr_retval pkr_policy_fault_return(const struct pkr_domain_policy *d,
					  const char *fname);

/* Keyword spellings, for messages and man pages. */
const char *pkr_trust_name(enum pkr_trust t);
const char *pkr_on_fault_name(enum pkr_on_fault f);
const char *pkr_no_keys_name(enum pkr_no_keys k);
const char *pkr_exceptions_name(enum pkr_exceptions e);

#endif
