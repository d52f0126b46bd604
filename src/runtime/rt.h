/* rt.h - the domain runtime's interface to the shim.
 *
 * Invariants:
 *  - libpkrewind-rt.so is the first object of every isolated namespace, so
 *    its definitions of the malloc family, mmap/munmap/mremap/mprotect,
 *    sigprocmask/pthread_sigmask, the thread calls, stdio, iconv, the
 *    user/group/host lookups and __tls_get_addr come before libc's in
 *    the namespace's global scope, for the library and for libc itself.
 *  - pkr_rt_init() is called once by the shim, with the program's rights,
 *    before any isolated library is loaded into the namespace.
 *  - Runs with the domain's rights: touches only domain memory.
 */
#ifndef PKR_RT_H
#define PKR_RT_H

#include <assert.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct pkr_rt_shared;

/* What the library asks of the program's side (pkr_rt_config.service):
 * things that must happen with the program's C library and rights. */
enum pkr_rt_op {
	PKR_RT_EXIT = 1,       /* exit(a): the program's exit (its stdio, atexit) */
	PKR_RT_FORK,           /* fork(): the program's fork; both sides go on in the library */
	PKR_RT_LONGJMP,        /* longjmp(a, b) to a program's jmp_buf: never returns;
				* returns 1 when the jmp_buf is the domain's own */
	PKR_RT_IO,             /* a = struct pkr_rt_io *: one operation on a
				* stream of the program's (rt_stdio.c) */
	PKR_RT_THREAD,         /* a = struct pkr_rt_thread *: start a thread
				* (op) or join/detach one; 0 or an errno
				* value (rt_thread.c) */
	PKR_RT_THREAD_EXIT,    /* a = value: pthread_exit of a program thread
				* from inside the library (never returns) */
	PKR_RT_FREE,           /* a = a block of the program's heap the
				* library frees (ownership passed in): the
				* program's free; 0, or -1 (refused: the
				* block stays allocated) */
	PKR_RT_REALLOC,        /* a = such a block, b = new size: the
				* program's realloc; the block, or 0 */
	PKR_RT_DL,             /* a = struct pkr_rt_dl *: dlopen, dlsym,
				* dlclose in the namespace (rt_dl.c) */
	PKR_RT_ENV,            /* a = struct pkr_rt_env *: the program's
				* environment (rt_env.c) */
	PKR_RT_TLS,            /* a = TLS module id, b = struct pkr_rt_tls *
				* (filled): where that module's TLS comes
				* from (rt_tls.c); 0, or -1 */
	PKR_RT_ICONV,          /* a = struct pkr_rt_iconv *: iconv_open,
				* iconv, iconv_close by the program's C
				* library (rt_iconv.c) */
	PKR_RT_NSS,            /* a = struct pkr_rt_nss *: a user, group or
				* host lookup by the program's C library
				* (rt_nss.c) */
};

/* A thread request (PKR_RT_THREAD). */
enum pkr_rt_thread_op {
	PKR_THR_CREATE = 1,    /* start(arg) in a new thread, inside the domain */
	PKR_THR_JOIN,          /* join `thread`; its value in `value` */
	PKR_THR_TRYJOIN,       /* the same, EBUSY if it is still running */
	PKR_THR_DETACH,
};
struct pkr_rt_thread {
	int op;
	int detached;          /* create: PTHREAD_CREATE_DETACHED */
	size_t stacksize;      /* create: 0, or the library's attribute */
	void *(*start)(void *);
	void *arg;
	void *(*routine)(void *);  /* create: the library's start routine
				    * when `start` is the runtime's wrapper
				    * (checked like it), or NULL */
	unsigned long thread;  /* create: out; join, detach: in */
	void *value;           /* join: out */
};

/* A dynamic-loading request (PKR_RT_DL): done by ld.so with the
 * program's rights, in the domain's namespace. */
enum pkr_rt_dl_op {
	PKR_DL_OPEN = 1,       /* name (NULL: the namespace), flags: a handle */
	PKR_DL_SYM,            /* handle, name, version (NULL: default): the
				* address; caller for RTLD_NEXT */
	PKR_DL_CLOSE,          /* handle: 0 (the objects stay loaded) */
};
struct pkr_rt_dl {
	int op;
	int flags;
	const char *name;
	size_t name_len;
	const char *version;
	size_t version_len;
	void *handle;
	const void *caller;
	char *err;             /* out: the message when the result is NULL */
	size_t err_len;
};

/* An environment request (PKR_RT_ENV).  Strings come with their lengths
 * (the runtime measured them, in the domain); the shim reads them only
 * where the domain itself could. */
enum pkr_rt_env_op {
	PKR_ENV_GET = 1,       /* the value of name into buf (len bytes, with
				* its NUL when it fits): its length, or -1
				* (ENOENT) when unset */
	PKR_ENV_SET,           /* setenv(name, buf (len bytes), overwrite) */
	PKR_ENV_UNSET,
	PKR_ENV_CLEAR,
};
struct pkr_rt_env {
	int op;
	int secure;            /* get: secure_getenv */
	int overwrite;
	const char *name;
	size_t name_len;
	char *buf;
	size_t len;
};

/* A character-set conversion (PKR_RT_ICONV), done by the program's
 * C library with its gconv modules: glibc loads those with ld.so's
 * internal dlopen, which writes ld.so's data (program memory).  The
 * library's iconv_t is `handle`, a value the shim gave out for this
 * domain (its table of the program's iconv_t); anything else is EBADF.
 * Returns 0 (open, close) or iconv's count; -1 with the namespace's
 * errno set on failure.  The request is in domain memory; the shim
 * copies it, reads `in` and writes `out` only where the domain itself
 * could, and writes back only the fields marked out. */
enum pkr_rt_iconv_op {
	PKR_ICONV_OPEN = 1,    /* iconv_open(to, from): `handle` (out) */
	PKR_ICONV_CONV,        /* iconv(handle, ...) */
	PKR_ICONV_CLOSE,       /* iconv_close(handle) */
};
struct pkr_rt_iconv {
	int op;
	const void *self;      /* an address of the asking runtime (names the
				* domain outside a domain call) */
	const char *to, *from; /* open: the names, measured in the domain */
	size_t to_len, from_len;
	uint64_t handle;
	const char *in;        /* conv: NULL: the flush call (iconv's inbuf
				* or *inbuf NULL) */
	size_t inleft;
	char *out;             /* conv: NULL: no output (outbuf or *outbuf
				* NULL) */
	size_t outleft;
	size_t in_used, out_used;  /* conv, out: bytes read and written, also
				    * on failure (E2BIG, EILSEQ, EINVAL) */
};

/* A user, group or host lookup (PKR_RT_NSS), done by the program's C
 * library with its NSS modules (loaded as iconv's are).  The answer's
 * strings and arrays go into `buf` (`len` bytes) and the struct into
 * `result` (a struct passwd, group or hostent of the domain's), with
 * pointers into `buf`; for ADDRINFO `buf` gets the whole list (entries,
 * addresses, names) with pointers into `buf`.  Returns 0 when the
 * lookup ran (its outcome in the out fields), -1 with errno when the
 * request was refused. */
enum pkr_rt_nss_op {
	PKR_NSS_PWNAM = 1,     /* getpwnam_r(name) */
	PKR_NSS_PWUID,         /* getpwuid_r(id) */
	PKR_NSS_GRNAM,         /* getgrnam_r(name) */
	PKR_NSS_GRGID,         /* getgrgid_r(id) */
	PKR_NSS_HOST,          /* gethostbyname_r(name) */
	PKR_NSS_HOST2,         /* gethostbyname2_r(name, family) */
	PKR_NSS_ADDRINFO,      /* getaddrinfo(name, service, hints) */
};
struct pkr_rt_nss {
	int op;
	int family;            /* host2: AF_* */
	int hints;             /* addrinfo: 1 when the four below are the
				* caller's hints */
	int ai_flags, ai_family, ai_socktype, ai_protocol;
	unsigned int id;       /* uid, gid */
	const char *name;      /* NULL: none (addrinfo) */
	size_t name_len;
	const char *service;   /* addrinfo; NULL: none */
	size_t service_len;
	void *result;
	char *buf;
	size_t len;
	int status;            /* out: the _r function's return value (an
				* errno value), getaddrinfo's (EAI_*) */
	int err;               /* out: errno after it */
	int h_err;             /* out, host: h_errno after it */
	int found;             /* out: 1 when *result (or buf) is filled */
	size_t need;           /* out, addrinfo: the bytes the list takes;
				* more than `len`: nothing was written (ask
				* again with that much: a new lookup) */
};

/* A TLS module of the namespace, as the shim found it (PKR_RT_TLS). */
struct pkr_rt_tls {
	const void *self;      /* in: an address of the asking runtime (it
				* names the domain outside a domain call:
				* constructors, destructors at exit) */
	long static_off;       /* > 0: the block is at the thread pointer
				* minus this (static TLS); 0: dynamic */
	const void *image;     /* the initialisation image (PT_TLS) */
	size_t filesz, memsz, align;
};

/* A stream operation the library asks of the program's C library
 * (PKR_RT_IO).  The request lives in domain memory; the shim copies it
 * before looking at it.  The stream is the program's stdin, stdout or
 * stderr (std 0, 1, 2: the namespace's own standard streams stand for
 * them), or a FILE * of the program's (std -1), which the shim accepts
 * only if it is one of the program's open streams.  Returns what the
 * C function returns; -1 with the namespace's errno set on failure. */
enum pkr_rt_io_op {
	PKR_IO_READ = 1,       /* fread(buf, 1, len): bytes (0 at end) */
	PKR_IO_WRITE,          /* fwrite(buf, 1, len): bytes */
	PKR_IO_SEEK,           /* fseeko(arg, whence len): the new offset */
	PKR_IO_CLOSE,          /* fclose (pclose): what it returns */
	PKR_IO_FLUSH,          /* fflush (fp NULL and std -1: every stream) */
	PKR_IO_FILENO,         /* fileno */
	PKR_IO_STATE,          /* bit 0 feof, bit 1 ferror */
	PKR_IO_CLEARERR,       /* clearerr */
	PKR_IO_LOCK,           /* flockfile; arg 1: ftrylockfile; arg 2: funlockfile */
	PKR_IO_BUFMODE,        /* setvbuf(NULL, mode arg, size len) */
	PKR_IO_GETS,           /* up to len - 1 bytes into buf, to and with
				* the byte arg, NUL-terminated: how many
				* (0 at end) (fgets, getdelim) */
	/* Streams the library opens are the program's (rt_stdio.c): these
	 * return the program's new FILE * (fp and std unused). */
	PKR_IO_OPEN,           /* fopen(buf (path, len bytes), mode) */
	PKR_IO_FDOPEN,         /* fdopen(arg, mode) */
	PKR_IO_TMPFILE,        /* tmpfile() */
	PKR_IO_POPEN,          /* popen(buf (command, len bytes), mode) */
	PKR_IO_REOPEN,         /* freopen(buf (path, len bytes; NULL: the
				* same file), mode, the stream): the stream */
};
struct pkr_rt_io {
	int op;
	int std;
	void *fp;
	void *buf;
	size_t len;
	long arg;              /* PKR_IO_STATE: 1 to ask without a diagnostic */
	const char *mode;      /* the open operations: fopen's mode string, */
	size_t mode_len;       /* without its NUL */
};

struct pkr_rt_config {
	void *heap;            /* key-tagged region for the heap */
	size_t heap_size;
	int pkey;              /* the domain's key: new mappings get it */
	/* The shim's reverse gate (gate.S pkr_service): called with the
	 * domain's rights, it runs `op` with the program's and comes back
	 * with the domain's. */
	long (*service)(long op, long a, long b);
	const char *name;      /* the domain's, for the one message below */
	int log_fd;            /* where the shim writes its messages */
	/* The namespace's C library's dlsym and dlvsym: the runtime
	 * interposes its own (rt_dl.c) and looks up what comes after it with
	 * these, at start-up. */
	void *(*ns_dlsym)(void *, const char *);
	void *(*ns_dlvsym)(void *, const char *, const char *);
};
/* When the heap is full the runtime's malloc fails with ENOMEM and, the
 * first time, writes one line to log_fd naming the domain and its heap
 * size. */

/* Hand the runtime its heap; fill *out (the shim's memory) with what the
 * shim may read and write of the runtime.  0, or -1. */
int pkr_rt_init(const struct pkr_rt_config *cfg, struct pkr_rt_shared *out);

/* Signal masks the library changed, per thread (see rt.c). */
#define PKR_RT_MASK_SLOTS 64
struct pkr_rt_mask {
	int tid;
	int active;
	sigset_t saved;       /* the thread's mask before the library's change */
};

/* Everything the shim touches inside the runtime, as plain data: the
 * shim reads it from the fault handler, where calling into the namespace
 * is not an option.  The pointers point into the runtime's .bss (domain
 * memory, copied back by an on-fault reset, so they stay valid).  This is
 * the whole interface: the shim includes no other runtime header.
 *  - heap_lock: the allocator's lock word, 0 or the frame address of
 *    the allocator function that holds it (on the holder's domain
 *    stack); after rewinding a call, the shim stores 0 (release) if that
 *    frame lies in the rewound call's part of the stack.
 *  - heap_dirty_hi: the highest address the domain heap ever handed out
 *    (on-fault reset drops the pages above the snapshot's mark).
 *  - boot_base, boot_dirty_hi: the same for the bootstrap region
 *    (messages only).
 *  - masks[nmasks]: signal masks the library changed (see rt.c).
 *  - fault_acts[PKR_RT_NSIG]: the handlers the library installed for the
 *    fault signals (SIGSEGV, SIGBUS, ...) with its own sigaction(); the
 *    runtime keeps them here instead of giving them to the kernel (they
 *    would replace the shim's), and the shim's fault handler delivers a
 *    fault of the library's to them (fault.c).
 *  - tls_epoch: the runtime's per-thread TLS tables (rt_tls.c) are valid
 *    while this equals the value they were made under; the shim stores
 *    a new value after an on-fault reset (the blocks they point to were
 *    in the heap the reset took back). */
#define PKR_RT_NSIG 32
struct pkr_rt_shared {
	uint32_t size;                    /* sizeof(struct pkr_rt_shared) */
	uint32_t nmasks;
	uintptr_t *heap_lock;
	const uintptr_t *heap_dirty_hi;
	uintptr_t boot_base;
	const uintptr_t *boot_dirty_hi;
	struct pkr_rt_mask *masks;
	struct sigaction *fault_acts;
	uint64_t *tls_epoch;
};
/* The layout both sides compile against. */
static_assert(offsetof(struct pkr_rt_shared, heap_lock) == 8, "rt layout");
static_assert(offsetof(struct pkr_rt_shared, heap_dirty_hi) == 16, "rt layout");
static_assert(offsetof(struct pkr_rt_shared, boot_base) == 24, "rt layout");
static_assert(offsetof(struct pkr_rt_shared, boot_dirty_hi) == 32, "rt layout");
static_assert(offsetof(struct pkr_rt_shared, masks) == 40, "rt layout");
static_assert(offsetof(struct pkr_rt_shared, fault_acts) == 48, "rt layout");
static_assert(offsetof(struct pkr_rt_shared, tls_epoch) == 56, "rt layout");
static_assert(sizeof(struct pkr_rt_shared) == 64, "rt layout");

#endif
