/* rt_stdio.c - the program's streams inside the namespace.
 *
 * The namespace has its own C library, so a FILE * of the program's (its
 * stdout handed to the library, a file it opened) is a foreign object
 * there: the namespace's stdio would run the program's stream code with
 * the domain's rights (a fault in read and none modes) and, for its own
 * stdin/stdout/stderr, keep a second buffer on the same descriptor (out
 * of order with the program's writes, lost at exit).
 *
 * So every stdio function of the namespace that takes a stream is
 * interposed here.  A stream of the namespace's own (in the domain heap,
 * or on the namespace's list of open streams) goes straight to the
 * namespace's function.  A foreign stream, and the namespace's standard
 * streams, which stand for the program's, are replaced by a proxy: an
 * unbuffered fopencookie() stream of the namespace whose reads, writes,
 * seeks and close are done by the program's C library, on the program's
 * stream, through the reverse gate (PKR_RT_IO, rt.h).  The proxy holds
 * no data, so the library's output lands in the program's buffer in the
 * order it was written, and the program's stream keeps all state (end of
 * file, errors, position, buffering): feof, ferror, clearerr, fileno,
 * fflush, the stream locks and setvbuf ask it directly.
 *
 * The shim checks that a foreign stream is one of the program's open
 * streams and that buffers lie where the domain may read or write
 * (service_io.c).
 *
 * Not async-signal-safe (stdio is not).  Runs with the domain's rights.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "rt.h"
#include "rt_int.h"

/* <stdio.h> makes these macros when optimizing. */
#undef fwrite_unlocked
#undef fread_unlocked

/* ---- the namespace's own functions, past the runtime ------------------- */

/* Functions whose stream is only passed on: (return type, name,
 * parameters, arguments, the stream parameter). */
#define RT_STDIO_FWD(X) \
	X(int, fgetc, (FILE *fp), (fp), fp) \
	X(int, getc, (FILE *fp), (fp), fp) \
	X(int, _IO_getc, (FILE *fp), (fp), fp) \
	X(int, fgetc_unlocked, (FILE *fp), (fp), fp) \
	X(int, getc_unlocked, (FILE *fp), (fp), fp) \
	X(int, fputc, (int c, FILE *fp), (c, fp), fp) \
	X(int, putc, (int c, FILE *fp), (c, fp), fp) \
	X(int, _IO_putc, (int c, FILE *fp), (c, fp), fp) \
	X(int, fputc_unlocked, (int c, FILE *fp), (c, fp), fp) \
	X(int, putc_unlocked, (int c, FILE *fp), (c, fp), fp) \
	X(int, fputs, (const char *s, FILE *fp), (s, fp), fp) \
	X(int, fputs_unlocked, (const char *s, FILE *fp), (s, fp), fp) \
	X(size_t, fwrite, (const void *p, size_t sz, size_t n, FILE *fp), (p, sz, n, fp), fp) \
	X(size_t, fwrite_unlocked, (const void *p, size_t sz, size_t n, FILE *fp), (p, sz, n, fp), fp) \
	X(int, ungetc, (int c, FILE *fp), (c, fp), fp) \
	X(int, fseek, (FILE *fp, long o, int w), (fp, o, w), fp) \
	X(int, fseeko, (FILE *fp, off_t o, int w), (fp, o, w), fp) \
	X(int, fseeko64, (FILE *fp, off64_t o, int w), (fp, o, w), fp) \
	X(long, ftell, (FILE *fp), (fp), fp) \
	X(off_t, ftello, (FILE *fp), (fp), fp) \
	X(off64_t, ftello64, (FILE *fp), (fp), fp) \
	X(void, rewind, (FILE *fp), (fp), fp) \
	X(int, fgetpos, (FILE *fp, fpos_t *p), (fp, p), fp) \
	X(int, fgetpos64, (FILE *fp, fpos64_t *p), (fp, p), fp) \
	X(int, fsetpos, (FILE *fp, const fpos_t *p), (fp, p), fp) \
	X(int, fsetpos64, (FILE *fp, const fpos64_t *p), (fp, p), fp) \
	X(int, __overflow, (FILE *fp, int c), (fp, c), fp) \
	X(int, __uflow, (FILE *fp), (fp), fp) \
	X(int, __underflow, (FILE *fp), (fp), fp) \
	X(int, vfprintf, (FILE *fp, const char *f, va_list ap), (fp, f, ap), fp) \
	X(int, __vfprintf_chk, (FILE *fp, int fl, const char *f, va_list ap), (fp, fl, f, ap), fp) \
	X(int, __isoc99_vfscanf, (FILE *fp, const char *f, va_list ap), (fp, f, ap), fp)

/* Reads that a foreign stream's owner does in one request (direct()). */
#define RT_STDIO_READ(X) \
	X(char *, fgets, (char *s, int n, FILE *fp), (s, n, fp), fp) \
	X(char *, fgets_unlocked, (char *s, int n, FILE *fp), (s, n, fp), fp) \
	X(char *, __fgets_chk, (char *s, size_t sz, int n, FILE *fp), (s, sz, n, fp), fp) \
	X(char *, __fgets_unlocked_chk, (char *s, size_t sz, int n, FILE *fp), (s, sz, n, fp), fp) \
	X(size_t, fread, (void *p, size_t sz, size_t n, FILE *fp), (p, sz, n, fp), fp) \
	X(size_t, fread_unlocked, (void *p, size_t sz, size_t n, FILE *fp), (p, sz, n, fp), fp) \
	X(size_t, __fread_chk, (void *p, size_t len, size_t sz, size_t n, FILE *fp), (p, len, sz, n, fp), fp) \
	X(size_t, __fread_unlocked_chk, (void *p, size_t len, size_t sz, size_t n, FILE *fp), (p, len, sz, n, fp), fp) \
	X(ssize_t, getline, (char **l, size_t *n, FILE *fp), (l, n, fp), fp) \
	X(ssize_t, getdelim, (char **l, size_t *n, int d, FILE *fp), (l, n, d, fp), fp) \
	X(ssize_t, __getdelim, (char **l, size_t *n, int d, FILE *fp), (l, n, d, fp), fp)

/* Functions the stream's owner answers, and the namespace's own for its
 * own streams. */
#define RT_STDIO_OWN(X) \
	X(int, fclose, (FILE *fp)) \
	X(int, fflush, (FILE *fp)) \
	X(int, fflush_unlocked, (FILE *fp)) \
	X(int, fileno, (FILE *fp)) \
	X(int, fileno_unlocked, (FILE *fp)) \
	X(int, feof, (FILE *fp)) \
	X(int, feof_unlocked, (FILE *fp)) \
	X(int, ferror, (FILE *fp)) \
	X(int, ferror_unlocked, (FILE *fp)) \
	X(void, clearerr, (FILE *fp)) \
	X(void, clearerr_unlocked, (FILE *fp)) \
	X(void, flockfile, (FILE *fp)) \
	X(void, funlockfile, (FILE *fp)) \
	X(int, ftrylockfile, (FILE *fp)) \
	X(int, setvbuf, (FILE *fp, char *b, int mode, size_t size))

/* The plain scanf names are not interposed: <stdio.h> redirects them to
 * the __isoc99_ ones, which is what programs built since C99 call.
 * Declared here: glibc's headers declare some only for _FORTIFY_SOURCE,
 * others (_IO_getc, __underflow, the __isoc99_ names) not at all. */
#define PROTO_FWD(ret, name, params, args, f) ret name params;
RT_STDIO_FWD(PROTO_FWD)
RT_STDIO_READ(PROTO_FWD)
int __fprintf_chk(FILE *fp, int fl, const char *f, ...);
int __printf_chk(int fl, const char *f, ...);
int __vprintf_chk(int fl, const char *f, va_list ap);
int __isoc99_fscanf(FILE *fp, const char *f, ...);
int __isoc99_scanf(const char *f, ...);

#define DECLARE_FWD(ret, name, params, args, f) static ret (*real_##name) params;
#define DECLARE_OWN(ret, name, params) static ret (*real_##name) params;
RT_STDIO_FWD(DECLARE_FWD)
RT_STDIO_READ(DECLARE_FWD)
RT_STDIO_OWN(DECLARE_OWN)
static FILE *(*real_fopencookie)(void *, const char *, cookie_io_functions_t);
static FILE *(*real_fopen)(const char *, const char *);
static FILE *(*real_fdopen)(int, const char *);
static FILE *(*real_tmpfile)(void);
static FILE *(*real_popen)(const char *, const char *);
static FILE *(*real_freopen)(const char *, const char *, FILE *);
static int (*real_pclose)(FILE *);

static FILE *ns_std[3];                /* the namespace's _IO_2_1_std{in,out,err}_ */
static FILE **ns_list_all;             /* its _IO_list_all */
static void (*ns_list_lock)(void), (*ns_list_unlock)(void);

void pkr_rt_stdio_init(void)
{
	static const struct { const char *name; void **slot; } fns[] = {
#define RESOLVE_FWD(ret, name, params, args, f) { #name, (void **)&real_##name },
#define RESOLVE_OWN(ret, name, params) { #name, (void **)&real_##name },
		RT_STDIO_FWD(RESOLVE_FWD)
		RT_STDIO_READ(RESOLVE_FWD)
		RT_STDIO_OWN(RESOLVE_OWN)
		{ "fopencookie", (void **)&real_fopencookie },
		{ "fopen", (void **)&real_fopen },
		{ "fdopen", (void **)&real_fdopen },
		{ "tmpfile", (void **)&real_tmpfile },
		{ "popen", (void **)&real_popen },
		{ "freopen", (void **)&real_freopen },
		{ "pclose", (void **)&real_pclose },
		{ "_IO_2_1_stdin_", (void **)&ns_std[0] },
		{ "_IO_2_1_stdout_", (void **)&ns_std[1] },
		{ "_IO_2_1_stderr_", (void **)&ns_std[2] },
		{ "_IO_list_all", (void **)&ns_list_all },
		{ "_IO_list_lock", (void **)&ns_list_lock },
		{ "_IO_list_unlock", (void **)&ns_list_unlock },
	};
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
		*fns[i].slot = pkr_rt_next(fns[i].name);
}

/* ---- proxies ------------------------------------------------------------ */

#define NPROXY 128

struct proxy {
	_Atomic int state;             /* 0 free, 1 being made, 2 live */
	int std;                       /* 0..2, or -1 */
	FILE *foreign;                 /* the program's stream (std -1) */
	FILE *px;                      /* the namespace's stand-in */
	bool closed;                   /* the program's stream is closed already */
};
static struct proxy proxies[NPROXY];

#define DEAD (-3)                      /* proxy.std of the stream that fails */

static long io(const struct proxy *p, int op, void *buf, size_t len, long arg)
{
	struct pkr_rt_io r = { op, p ? p->std : -1, p ? p->foreign : NULL, buf, len, arg, NULL, 0 };

	if (!pkr_rt_service || r.std == DEAD) {
		errno = EBADF;
		return -1;
	}
	return pkr_rt_service(PKR_RT_IO, (long)&r, 0);
}

static ssize_t px_read(void *c, char *buf, size_t n)
{
	return io(c, PKR_IO_READ, buf, n, 0);
}

static ssize_t px_write(void *c, const char *buf, size_t n)
{
	long r = io(c, PKR_IO_WRITE, (void *)buf, n, 0);
	return r < 0 ? 0 : r;
}

static int px_seek(void *c, off64_t *pos, int whence)
{
	long r = io(c, PKR_IO_SEEK, NULL, (size_t)whence, (long)*pos);

	if (r < 0)
		return -1;
	*pos = r;
	return 0;
}

static int px_close(void *c)
{
	struct proxy *p = c;
	long r = p->closed ? 0 : io(p, PKR_IO_CLOSE, NULL, 0, 0);

	atomic_store(&p->state, 0);
	return r < 0 ? EOF : 0;
}

static bool ns_owns(FILE *fp)
{
	bool found = false;

	if (pkr_rt_heap_owns(fp))
		return true;
	if (!ns_list_all || !ns_list_lock || !ns_list_unlock)
		return false;
	ns_list_lock();
	for (FILE *f = *ns_list_all; f && !found; f = f->_chain)
		found = f == fp;
	ns_list_unlock();
	return found;
}

/* Which standard stream fp is (0..2), -1 for another foreign stream, -2
 * for the namespace's own. */
static int classify(FILE *fp)
{
	for (int i = 0; i < 3; i++)
		if (fp == ns_std[i])
			return i;
	if (!fp || ns_owns(fp))
		return -2;
	return -1;
}

static struct proxy *find(int std, FILE *fp)
{
	for (size_t i = 0; i < NPROXY; i++) {
		struct proxy *p = &proxies[i];
		if (atomic_load(&p->state) == 2 && p->std == std && (std >= 0 || p->foreign == fp))
			return p;
	}
	return NULL;
}

/* A free slot, now being made (state 1), or NULL. */
static struct proxy *claim(void)
{
	for (size_t i = 0; i < NPROXY; i++) {
		struct proxy *p = &proxies[i];
		int expect = 0;
		if (atomic_compare_exchange_strong(&p->state, &expect, 1))
			return p;
	}
	return NULL;
}

/* Frees the proxies of streams the program has closed since (a stream
 * the library opened and handed to the program, which closed it): their
 * slots would otherwise be lost.  Called when no slot is free. */
static void collect(void)
{
	for (size_t i = 0; i < NPROXY; i++) {
		struct proxy *p = &proxies[i];
		/* arg 1: asked without a diagnostic */
		if (atomic_load(&p->state) != 2 || p->std != -1 ||
		    io(p, PKR_IO_STATE, NULL, 0, 1) >= 0)
			continue;
		p->closed = true;
		real_fclose(p->px);    /* px_close frees the slot */
	}
}

/* A slot, made live with a new proxy for (std, fp); NULL when none is
 * free or fopencookie fails. */
static struct proxy *make(int std, FILE *fp)
{
	static const cookie_io_functions_t fns = { px_read, px_write, px_seek, px_close };

	for (int pass = 0; pass < 2; pass++) {
		struct proxy *p = claim();
		if (!p) {
			if (pass == 0 && pkr_rt_service)
				collect();
			continue;
		}
		p->std = std;
		p->foreign = std == -1 ? fp : NULL;
		p->closed = false;
		p->px = real_fopencookie ? real_fopencookie(p, "r+", fns) : NULL;
		if (!p->px) {
			atomic_store(&p->state, 0);
			return NULL;
		}
		real_setvbuf(p->px, NULL, _IONBF, 0);
		atomic_store(&p->state, 2);
		return p;
	}
	return NULL;
}

/* The proxy standing for (std, fp), made on first use.  A pointer the
 * program's side does not know as a stream (the shim says why, once), or
 * no proxy to be had, gives the dead proxy: every operation on it fails
 * with EBADF, as the namespace's stdio must not touch the pointer. */
static struct proxy *proxy_for(int std, FILE *fp)
{
	static struct proxy none = { 2, DEAD, NULL, NULL, false };
	struct proxy *p = find(std, fp);

	if (p)
		return p;
	if (std == -1) {
		struct proxy probe = { 2, -1, fp, NULL, false };
		if (io(&probe, PKR_IO_STATE, NULL, 0, 0) < 0)
			std = DEAD;
	}
	if (std == DEAD && (p = find(DEAD, NULL)))
		return p;
	p = make(std, fp);
	if (!p && !(p = find(DEAD, NULL)) && !(p = make(DEAD, NULL)))
		p = &none;             /* px NULL: see xl() */
	return p;
}

/* The stream the namespace's function should work on.  A proxy's flags
 * are cleared first: the program's stream holds end-of-file and errors. */
static FILE *xl(FILE *fp)
{
	int std = classify(fp);
	struct proxy *p;

	if (std == -2)
		return fp;
	p = proxy_for(std, fp);
	if (!p->px) {
		/* Not even the dead stream could be made (the heap is
		 * full): a NULL stream, on which the namespace's stdio
		 * faults, and the call is rewound, rather than let it
		 * touch a pointer that is not its own stream. */
		errno = EBADF;
		return NULL;
	}
	real_clearerr_unlocked(p->px);
	return p->px;
}

/* The proxy of a foreign stream (NULL for the namespace's own). */
static struct proxy *foreign(FILE *fp)
{
	int std = classify(fp);
	return std == -2 ? NULL : proxy_for(std, fp);
}
/* Callers use p->px only through the namespace's functions, and the
 * service refuses the dead proxy's operations (io()). */

/* ---- the interposed functions ------------------------------------------ */

#define DEFINE_FWD(ret, name, params, args, f) \
	RT_EXPORT ret name params { f = xl(f); return real_##name args; }
RT_STDIO_FWD(DEFINE_FWD)

/* Reads of a foreign stream in one request each: the stand-in is
 * unbuffered, so the namespace's stdio would read it a byte per request
 * (about 130 ns each).  Only while the stand-in holds no byte of its own
 * (one pushed back by ungetc or scanf): else its path keeps the order. */
#define IN_BACKUP 0x0100               /* libio's _IO_IN_BACKUP */

static struct proxy *direct(FILE *fp)
{
	struct proxy *p = foreign(fp);

	if (!p || !p->px || p->std == DEAD || p->px->_IO_read_ptr < p->px->_IO_read_end ||
	    (p->px->_flags & IN_BACKUP))
		return NULL;
	return p;
}

static size_t read_direct(struct proxy *p, void *buf, size_t sz, size_t n)
{
	long r;

	if (sz == 0 || n == 0)
		return 0;
	r = io(p, PKR_IO_READ, buf, sz * n, 0);
	return r <= 0 ? 0 : (size_t)r / sz;
}

#define READ_FN(name, params, chk, call) \
	RT_EXPORT size_t name params \
	{ \
		struct proxy *q = chk ? direct(fp) : NULL; \
		if (q && (!n || sz <= SIZE_MAX / n)) \
			return read_direct(q, p, sz, n); \
		return real_##name call; \
	}
READ_FN(fread, (void *p, size_t sz, size_t n, FILE *fp), 1, (p, sz, n, xl(fp)))
READ_FN(fread_unlocked, (void *p, size_t sz, size_t n, FILE *fp), 1, (p, sz, n, xl(fp)))
READ_FN(__fread_chk, (void *p, size_t len, size_t sz, size_t n, FILE *fp),
	(!n || sz <= len / n), (p, len, sz, n, xl(fp)))
READ_FN(__fread_unlocked_chk, (void *p, size_t len, size_t sz, size_t n, FILE *fp),
	(!n || sz <= len / n), (p, len, sz, n, xl(fp)))

#define GETS_FN(name, params, chk, call) \
	RT_EXPORT char *name params \
	{ \
		struct proxy *q = n > 1 && chk ? direct(fp) : NULL; \
		if (q) \
			return io(q, PKR_IO_GETS, s, (size_t)n, '\n') > 0 ? s : NULL; \
		return real_##name call; \
	}
GETS_FN(fgets, (char *s, int n, FILE *fp), 1, (s, n, xl(fp)))
GETS_FN(fgets_unlocked, (char *s, int n, FILE *fp), 1, (s, n, xl(fp)))
GETS_FN(__fgets_chk, (char *s, size_t sz, int n, FILE *fp), (size_t)n <= sz, (s, sz, n, xl(fp)))
GETS_FN(__fgets_unlocked_chk, (char *s, size_t sz, int n, FILE *fp), (size_t)n <= sz,
	(s, sz, n, xl(fp)))

/* getdelim in pieces of the library's buffer, grown with the namespace's
 * realloc (the domain's heap) as glibc's does. */
static ssize_t getdelim_direct(struct proxy *p, char **l, size_t *n, int d)
{
	size_t pos = 0;

	if (!l || !n) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		long r;
		if (!*l || *n < pos + 2) {
			size_t cap = *n < 120 ? 120 : *n * 2;
			char *b = realloc(*l, cap);
			if (!b) {
				errno = ENOMEM;
				return -1;
			}
			*l = b;
			*n = cap;
		}
		r = io(p, PKR_IO_GETS, *l + pos, *n - pos, d);
		if (r < 0)
			return -1;
		pos += (size_t)r;
		/* Done at the delimiter, or at the end (less than the room). */
		if (r == 0 || (*l)[pos - 1] == (char)d || (size_t)r + 1 < *n - (pos - (size_t)r))
			break;
	}
	return pos ? (ssize_t)pos : -1;
}

RT_EXPORT ssize_t getdelim(char **l, size_t *n, int d, FILE *fp)
{
	struct proxy *p = direct(fp);

	return p ? getdelim_direct(p, l, n, d) : real_getdelim(l, n, d, xl(fp));
}
RT_EXPORT ssize_t __getdelim(char **l, size_t *n, int d, FILE *fp) { return getdelim(l, n, d, fp); }
RT_EXPORT ssize_t getline(char **l, size_t *n, FILE *fp) { return getdelim(l, n, '\n', fp); }

RT_EXPORT int fclose(FILE *fp)
{
	struct proxy *p = foreign(fp);

	return p ? real_fclose(p->px) : real_fclose(fp);
}

static int flush(FILE *fp, int (*real)(FILE *))
{
	struct proxy *p;

	if (!fp) {
		int r = real(NULL);
		if (io(NULL, PKR_IO_FLUSH, NULL, 0, 0) < 0)
			r = EOF;
		return r;
	}
	p = foreign(fp);
	if (!p)
		return real(fp);
	return io(p, PKR_IO_FLUSH, NULL, 0, 0) < 0 ? EOF : 0;
}
RT_EXPORT int fflush(FILE *fp) { return flush(fp, real_fflush); }
RT_EXPORT int fflush_unlocked(FILE *fp) { return flush(fp, real_fflush_unlocked); }

static int ask(FILE *fp, int op, long arg, int (*real)(FILE *))
{
	struct proxy *p = foreign(fp);

	if (!p)
		return real(fp);
	return (int)io(p, op, NULL, 0, arg);
}
RT_EXPORT int fileno(FILE *fp) { return ask(fp, PKR_IO_FILENO, 0, real_fileno); }
RT_EXPORT int fileno_unlocked(FILE *fp) { return ask(fp, PKR_IO_FILENO, 0, real_fileno_unlocked); }

static int state(FILE *fp, int bit, int (*real)(FILE *))
{
	struct proxy *p = foreign(fp);
	long r;

	if (!p)
		return real(fp);
	r = io(p, PKR_IO_STATE, NULL, 0, 0);
	return r < 0 ? 0 : (int)(r >> bit) & 1;
}
RT_EXPORT int feof(FILE *fp) { return state(fp, 0, real_feof); }
RT_EXPORT int feof_unlocked(FILE *fp) { return state(fp, 0, real_feof_unlocked); }
RT_EXPORT int ferror(FILE *fp) { return state(fp, 1, real_ferror); }
RT_EXPORT int ferror_unlocked(FILE *fp) { return state(fp, 1, real_ferror_unlocked); }

static void clear(FILE *fp, void (*real)(FILE *))
{
	struct proxy *p = foreign(fp);

	if (!p) {
		real(fp);
		return;
	}
	real_clearerr_unlocked(p->px);
	io(p, PKR_IO_CLEARERR, NULL, 0, 0);
}
RT_EXPORT void clearerr(FILE *fp) { clear(fp, real_clearerr); }
RT_EXPORT void clearerr_unlocked(FILE *fp) { clear(fp, real_clearerr_unlocked); }

RT_EXPORT void flockfile(FILE *fp)
{
	struct proxy *p = foreign(fp);

	if (p)
		io(p, PKR_IO_LOCK, NULL, 0, 0);
	else
		real_flockfile(fp);
}

RT_EXPORT int ftrylockfile(FILE *fp)
{
	struct proxy *p = foreign(fp);

	return p ? (int)io(p, PKR_IO_LOCK, NULL, 0, 1) : real_ftrylockfile(fp);
}

RT_EXPORT void funlockfile(FILE *fp)
{
	struct proxy *p = foreign(fp);

	if (p)
		io(p, PKR_IO_LOCK, NULL, 0, 2);
	else
		real_funlockfile(fp);
}

/* The program's stream keeps its own buffer: a buffer the library gives
 * for it is not used (the program's C library would then keep stream data
 * in domain memory); the mode and size are. */
RT_EXPORT int setvbuf(FILE *fp, char *buf, int mode, size_t size)
{
	struct proxy *p = foreign(fp);

	return p ? (int)io(p, PKR_IO_BUFMODE, NULL, size, mode) : real_setvbuf(fp, buf, mode, size);
}
RT_EXPORT void setbuf(FILE *fp, char *buf) { setvbuf(fp, buf, buf ? _IOFBF : _IONBF, BUFSIZ); }
RT_EXPORT void setbuffer(FILE *fp, char *buf, size_t size)
{
	setvbuf(fp, buf, buf ? _IOFBF : _IONBF, size);
}
RT_EXPORT void setlinebuf(FILE *fp) { setvbuf(fp, NULL, _IOLBF, 0); }

/* Variadic and standard-stream entry points, in terms of the above:
 * NAME(PARAMS, ...) { va_list ap; return CALL; } */
#define VARIADIC(name, params, last, call) \
	RT_EXPORT int name params \
	{ \
		va_list ap; \
		int r; \
		va_start(ap, last); \
		r = call; \
		va_end(ap); \
		return r; \
	}
VARIADIC(fprintf, (FILE *fp, const char *f, ...), f, vfprintf(fp, f, ap))
VARIADIC(__fprintf_chk, (FILE *fp, int fl, const char *f, ...), f, __vfprintf_chk(fp, fl, f, ap))
VARIADIC(printf, (const char *f, ...), f, vfprintf(stdout, f, ap))
VARIADIC(__printf_chk, (int fl, const char *f, ...), f, __vfprintf_chk(stdout, fl, f, ap))
VARIADIC(__isoc99_fscanf, (FILE *fp, const char *f, ...), f, __isoc99_vfscanf(fp, f, ap))
VARIADIC(__isoc99_scanf, (const char *f, ...), f, __isoc99_vfscanf(stdin, f, ap))

RT_EXPORT int vprintf(const char *f, va_list ap) { return vfprintf(stdout, f, ap); }
RT_EXPORT int __vprintf_chk(int fl, const char *f, va_list ap) { return __vfprintf_chk(stdout, fl, f, ap); }

RT_EXPORT int puts(const char *s)
{
	FILE *out = xl(stdout);

	if (real_fputs(s, out) == EOF || real_fputc('\n', out) == EOF)
		return EOF;
	return 1;
}

RT_EXPORT int putchar(int c) { return fputc(c, stdout); }
RT_EXPORT int putchar_unlocked(int c) { return fputc_unlocked(c, stdout); }
RT_EXPORT int getchar(void) { return fgetc(stdin); }
RT_EXPORT int getchar_unlocked(void) { return fgetc_unlocked(stdin); }

/* ---- streams the library opens ------------------------------------------ */

/* A stream the library opens is made by the program's C library: a
 * library may hand it to the program (a FILE * returned, or stored in a
 * struct), and the program's C library refuses, and aborts on, a stream
 * of the namespace's.  The library then uses it like any other program
 * stream, through a proxy.  Before the shim's service is there (the
 * namespace's constructors), and for the namespace's own streams
 * (fmemopen, open_memstream, fopencookie: their data and functions are
 * the library's), the namespace's functions. */
static FILE *opened(int op, const char *name, long arg, const char *mode, int std, FILE *fp)
{
	struct pkr_rt_io r = { op, std, fp, (void *)name, name ? strlen(name) : 0, arg,
			       mode, mode ? strlen(mode) : 0 };
	long v = pkr_rt_service(PKR_RT_IO, (long)&r, 0);

	return v == -1 ? NULL : (FILE *)v;
}

RT_EXPORT FILE *fopen(const char *path, const char *mode)
{
	return pkr_rt_service ? opened(PKR_IO_OPEN, path, 0, mode, -1, NULL) : real_fopen(path, mode);
}
RT_EXPORT FILE *fopen64(const char *path, const char *mode) { return fopen(path, mode); }

RT_EXPORT FILE *fdopen(int fd, const char *mode)
{
	return pkr_rt_service ? opened(PKR_IO_FDOPEN, NULL, fd, mode, -1, NULL) : real_fdopen(fd, mode);
}

RT_EXPORT FILE *tmpfile(void)
{
	return pkr_rt_service ? opened(PKR_IO_TMPFILE, NULL, 0, NULL, -1, NULL) : real_tmpfile();
}
RT_EXPORT FILE *tmpfile64(void) { return tmpfile(); }

RT_EXPORT FILE *popen(const char *cmd, const char *mode)
{
	return pkr_rt_service ? opened(PKR_IO_POPEN, cmd, 0, mode, -1, NULL) : real_popen(cmd, mode);
}

/* pclose is fclose that returns the command's status, which the
 * program's C library gives: the proxy is closed without a second
 * close of the program's stream. */
RT_EXPORT int pclose(FILE *fp)
{
	struct proxy *p = foreign(fp);
	long r;

	if (!p)
		return real_pclose(fp);
	r = io(p, PKR_IO_CLOSE, NULL, 0, 0);
	p->closed = true;
	real_fclose(p->px);
	return (int)r;
}

RT_EXPORT FILE *freopen(const char *path, const char *mode, FILE *fp)
{
	int std = classify(fp);

	if (std == -2 || !pkr_rt_service)
		return real_freopen(path, mode, fp);
	return opened(PKR_IO_REOPEN, path, 0, mode, std, fp) ? fp : NULL;
}
RT_EXPORT FILE *freopen64(const char *path, const char *mode, FILE *fp)
{
	return freopen(path, mode, fp);
}
