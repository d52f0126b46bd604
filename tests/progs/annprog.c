/* annprog - drives the annotation fixture (tests/args/annotate.sh).
 *
 *   annprog calls     every function called correctly; the output is the
 *                     same with and without the shim
 *   annprog callbacks program functions the library calls (arguments, a
 *                     struct field, one handed back), which write the
 *                     program's memory and call into the library again
 *   annprog buffers   buffers, lengths and a callback: what learn mode infers
 *   annprog pagecross pkrann_fill of 40 bytes across a page boundary (24
 *                     before it), then of 12: learn mode must see all 40
 *   annprog cbcrash   a program callback with a NULL dereference
 *   annprog forgecb   the library calls a callback stub not its own
 *   annprog sretfault a struct returned by value from a call that faults
 *   annprog forge     a handle that points at the program's own memory
 *   annprog overrun   a library that writes 12 bytes past the buffer
 *   annprog huge      a length of 2^40 bytes for a 16-byte buffer
 *   annprog lend      large `out` buffers (heap, stack, a call that
 *                     faults, after a thread was made): what the library
 *                     saw, and whether the program's bytes are right
 *
 * The last three print what the program's memory looks like afterwards;
 * the test says what each must show under the shim.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "pkrann.h"

#define PAGE 4096ul

/* The buffer [buf, buf + n) in mem (size msize): its bytes are the
 * library's pattern (or, `fault`: its partial pages the program's 'p'
 * still), and every byte around it is the program's 'p'. */
static const char *lend_check(const char *mem, size_t msize, const char *buf, size_t n, int fault)
{
	unsigned long lo = ((unsigned long)buf + PAGE - 1) & ~(PAGE - 1);
	unsigned long hi = ((unsigned long)buf + n) & ~(PAGE - 1);

	for (size_t i = 0; i < msize; i++) {
		const char *p = mem + i;
		int in = p >= buf && p < buf + n;
		int whole = (unsigned long)p >= lo && (unsigned long)p < hi;

		if (!in && *p != 'p')
			return "a byte around the buffer changed";
		if (in && !fault && *p != (char)('a' + (p - buf) % 26))
			return "a byte of the buffer is not the library's";
		if (in && fault && !whole && *p != 'p')
			return "a byte of the buffer's partial pages changed after a rewind";
	}
	return "ok";
}

static void *idle(void *arg)
{
	return arg;
}

/* `lend`: one line per case, "CASE: r=R lent=L zeroed=Z own=O CHECK". */
static int lend(void)
{
	size_t msize = (4u << 20) + 100, n = (3u << 20) + 777;
	char *mem = malloc(msize), *buf, stackbuf[6 * PAGE];
	unsigned long whole;
	pthread_t th;
	int r;

	if (!mem)
		return 1;
	buf = mem + 1001;
	whole = ((unsigned long)buf + PAGE - 1) & ~(PAGE - 1);
#define SHOW(what, r, m, ms, b, nn, f) \
	printf("%s: r=%d lent=%d zeroed=%d own=%d %s\n", what, r, (r) >= 0 && ((r) & 1), \
	       (r) >= 0 && !!((r) & 2), (r) >= 0 && !!((r) & 4), lend_check(m, ms, b, nn, f))
	memset(mem, 'p', msize);
	r = pkrann_lendprobe(buf, n, whole);
	SHOW("heap", r, mem, msize, buf, n, 0);
	memset(mem, 'p', msize);
	r = pkrann_lendfault(buf, n);
	SHOW("fault", r, mem, msize, buf, n, 1);
	printf("fault: the buffer is %s\n", memchr(buf, 'F', n) ? "partly written" : "unchanged");
	memset(mem, 'p', msize);
	r = pkrann_lendprobe(buf, n, whole);
	SHOW("again", r, mem, msize, buf, n, 0);
	memset(stackbuf, 'p', sizeof stackbuf);
	r = pkrann_lendprobe(stackbuf + 100, 5 * PAGE,
			     ((unsigned long)stackbuf + 100 + PAGE - 1) & ~(PAGE - 1));
	SHOW("stack", r, stackbuf, sizeof stackbuf, stackbuf + 100, 5 * PAGE, 0);
	if (pthread_create(&th, NULL, idle, NULL) != 0 || pthread_join(th, NULL) != 0)
		return 1;
	memset(mem, 'p', msize);
	r = pkrann_lendprobe(buf, n, whole);
	SHOW("threaded", r, mem, msize, buf, n, 0);
	free(mem);
	return 0;
}

/* Callbacks write the program's memory and call back into the library. */
struct tally {
	long seen;
	size_t lens;
	char log[256];
};

static long count_cb(int x, void *ctx)
{
	struct tally *t = ctx;

	t->seen += x;
	t->lens += pkrann_len("nested call");     /* into the library again */
	return 2L * x;
}

static void log_cb(const char *msg, void *ctx)
{
	struct tally *t = ctx;
	size_t n = strlen(t->log);

	snprintf(t->log + n, sizeof t->log - n, "%s%s", n ? "; " : "", msg);
}

static long crash_cb(int x, void *ctx)
{
	(void)ctx;
	if (x == 3)
		*(volatile int *)0 = x;              /* the program's own bug */
	return x;
}

static int callbacks(void)
{
	int v[4] = { 1, 2, 3, 4 };
	struct tally t = { 0 };
	struct pkrann_ops ops = { log_cb, &t };
	long (*back)(int, void *);
	long r;
	int n;

	r = pkrann_each(v, 4, count_cb, &t);
	printf("each: %ld seen %ld lens %zu\n", r, t.seen, t.lens);
	n = pkrann_run(&ops, 3);
	printf("run: %d [%s]\n", n, t.log);
	printf("ops after: %s %s\n", ops.log == log_cb ? "log_cb" : "changed",
	       ops.ctx == &t ? "ctx" : "changed");
	pkrann_set(count_cb);
	back = pkrann_get();
	r = back(5, &t);
	printf("handed back: %ld seen %ld\n", r, t.seen);
	return 0;
}

static int calls(void)
{
	char buf[64];
	int v[5] = { 1, 2, 3, 4, 5 };
	char dst[32];
	unsigned dstlen = sizeof dst;
	const char *src = "annotations";
	struct pkrann_ctx *h;
	struct pkrann_stream s;
	const char *text = "the quick brown fox jumps over the lazy dog, 0123456789";
	char out[128];
	size_t off = 0, pos = 0;

	memset(buf, '.', sizeof buf);
	printf("fill: %zu [%.64s]\n", pkrann_fill(buf + 8, 40, 'x'), buf);
	printf("inc: %ld [%d %d %d %d %d]\n", pkrann_inc(v, 5), v[0], v[1], v[2], v[3], v[4]);
	printf("len: %zu\n", pkrann_len("a string of 28 characters.."));
	memset(dst, 0, sizeof dst);
	printf("rev: %d %u [%s]\n", pkrann_rev(dst, &dstlen, src, strlen(src)), dstlen, dst);
	dstlen = 4;
	printf("rev small: %d %u\n", pkrann_rev(dst, &dstlen, src, strlen(src)), dstlen);
	{
		unsigned sum = 0;
		char sbuf[17];
		int r;

		memset(sbuf, '.', 16);
		sbuf[16] = 0;
		r = pkrann_stack(1, 2, 3, 4, 5, 6, &sum, sbuf + 2, 10);
		printf("stack: %d %u [%s]\n", r, sum, sbuf);
	}
	{
		struct pkrann_big b = pkrann_make(3);

		printf("make: %ld %ld %ld %ld %ld\n", b.v[0], b.v[1], b.v[2], b.v[3], b.v[4]);
	}
	printf("clocks: %d, env HOME %d, env PKRANN_NOPE %d\n", pkrann_clocks(),
	       pkrann_hasenv("HOME"), pkrann_hasenv("PKRANN_NOPE"));
	{
		char tagged[32], back[32];
		size_t n;

		memset(tagged, '.', sizeof tagged);
		memset(back, '.', sizeof back);
		n = pkrann_tag(tagged, "payload", 7);
		printf("tag: %zu [%.32s]\n", n, tagged);
		n = pkrann_untag(back, tagged, n);
		printf("untag: %zu [%.32s]\n", n, back);
	}
	h = pkrann_new(7);
	printf("handle: %d %d %d\n", pkrann_use(h, 1), pkrann_use(h, 2), pkrann_use(h, 3));
	pkrann_free(h);
	pkrann_free(NULL);

	/* The stream: 7 bytes in and 5 out at a time, the struct on the
	 * stack, the library checking its back pointer on every call. */
	memset(&s, 0, sizeof s);
	memset(out, 0, sizeof out);
	printf("init: %d\n", pkrann_init(&s));
	while (pos < strlen(text) || s.avail_in) {
		if (!s.avail_in) {
			size_t n = strlen(text) - pos < 7 ? strlen(text) - pos : 7;
			s.next_in = (const unsigned char *)text + pos;
			s.avail_in = n;
			pos += n;
		}
		s.next_out = (unsigned char *)out + off;
		s.avail_out = 5;
		if (pkrann_step(&s) != 0) {
			printf("step failed\n");
			return 1;
		}
		off = (size_t)((char *)s.next_out - out);
	}
	printf("stream: %llu [%s]\n", (unsigned long long)s.total_out, out);
	printf("end: %d state %s\n", pkrann_end(&s), s.state ? "set" : "NULL");
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "calls";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(what, "calls"))
		return calls();
	if (!strcmp(what, "callbacks"))
		return callbacks();
	if (!strcmp(what, "pagecross")) {
		char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (m == MAP_FAILED)
			return 2;
		memset(m, '.', 8192);
		printf("fill: %zu\n", pkrann_fill(m + 4096 - 24, 40, 'x'));
		printf("fill: %zu\n", pkrann_fill(m + 100, 12, 'y'));
		printf("[%.48s]\n", m + 4096 - 32);
		return 0;
	}
	if (!strcmp(what, "buffers")) {
		/* What `pkrewind learn` can infer: buffers arguments point at,
		 * their lengths, and a callback that writes the program. */
		char buf[64];
		int v[5] = { 1, 2, 3, 4, 5 }, w[3] = { 7, 8, 9 };
		char dst[32];
		unsigned dstlen = sizeof dst;
		struct tally t = { 0 };
		long r;

		memset(buf, '.', sizeof buf);
		memset(dst, 0, sizeof dst);
		printf("fill: %zu [%.64s]\n", pkrann_fill(buf + 8, 40, 'x'), buf);
		printf("fill: %zu [%.64s]\n", pkrann_fill(buf, 12, 'y'), buf);
		r = pkrann_inc(v, 5);
		printf("inc: %ld [%d %d %d %d %d]\n", r, v[0], v[1], v[2], v[3], v[4]);
		r = pkrann_inc(w, 3);
		printf("inc: %ld [%d %d %d]\n", r, w[0], w[1], w[2]);
		r = pkrann_rev(dst, &dstlen, "learned", 7);
		printf("rev: %ld %u [%s]\n", r, dstlen, dst);
		r = pkrann_each(v, 5, count_cb, &t);
		printf("each: %ld seen %ld lens %zu\n", r, t.seen, t.lens);
		return 0;
	}
	if (!strcmp(what, "cbcrash")) {
		int v[4] = { 1, 2, 3, 4 };

		printf("cbcrash: %ld\n", pkrann_each(v, 4, crash_cb, NULL));
		return 0;
	}
	if (!strcmp(what, "sretfault")) {
		/* Under the shim only: the library's NULL write is rewound and
		 * the struct stays as the program had it. */
		volatile struct pkrann_big b = pkrann_make(0);

		(void)b;
		printf("sretfault: survived\n");
		return 0;
	}
	if (!strcmp(what, "forgecb")) {
		/* Under the shim only: without it the library jumps into
		 * nothing. */
		long r = pkrann_forgecb(count_cb);
		printf("forgecb: returned %ld\n", r);
		return 0;
	}
	if (!strcmp(what, "forge")) {
		/* Looks like a pkrann_ctx; the library would bump `uses`. */
		int victim[2] = { 100, 0 };
		int r = pkrann_use((struct pkrann_ctx *)victim, 3);
		printf("forge: returned %d, victim %d %d\n", r, victim[0], victim[1]);
		return 0;
	}
	if (!strcmp(what, "overrun")) {
		char mem[64];
		size_t r;

		memset(mem, '.', sizeof mem);
		r = pkrann_overrun(mem, 20);
		printf("overrun: returned %zu [%.64s]\n", r, mem);
		return 0;
	}
	if (!strcmp(what, "huge")) {
		char mem[16];
		size_t r;

		memset(mem, '.', sizeof mem);
		r = pkrann_fill(mem, (size_t)1 << 40, 'x');
		printf("huge: returned %zu [%.16s]\n", r, mem);
		return 0;
	}
	if (!strcmp(what, "lend"))
		return lend();
	fprintf(stderr, "annprog: unknown test '%s'\n", what);
	return 2;
}
