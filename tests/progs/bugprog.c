/* bugprog.c - calls the bug fixtures (libpkrbug.so) and checks that each
 * faulting call was rewound without harm to the program.
 *
 * Usage:
 *   bugprog CLASS[,CLASS...] [N]
 *       For each CLASS in turn, N times (default 1): call the faulting
 *       function, then check that it returned the policy's fault-return
 *       value, that errno is the policy's errno (for `errno keep` and
 *       `fault-return void`: the value errno had before the call), and
 *       that every checksum of the program's memory and the thread's
 *       signal mask are unchanged.  Prints "CLASS: ok" or
 *       "CLASS: BAD (...)" once per CLASS.
 *       CLASS: wild-write heap-overflow stack-smash null unmapped
 *       use-after-free double-free recursion trap divzero other-domain,
 *       masked (a fault with every signal blocked by the library), ok (no
 *       bug: pkrbug_ok(21) must be 42), or the groups `all` (every class
 *       but masked and ok) and `crash` (those of `all` that write no
 *       program memory).
 *   bugprog reset
 *       pkrbug_counter_bump() twice, a fault, twice more, a fault, once
 *       more; prints "counter: 1 2 fault V W fault X" (on-fault reset:
 *       "1 2 fault 1 2 fault 1"; rewind: "1 2 fault 3 4 fault 5").
 *   bugprog leak N [CLASS[,CLASS...]]
 *       Runs the classes (default: all) 10 times to warm up, then N times
 *       with every result checked, and prints VmRSS, the line count of
 *       /proc/self/maps and the number of open descriptors, before and
 *       after the N rounds.
 *
 * The expected fault-return values come from the policy the shim runs
 * with ($PKREWIND_POLICY, which the pkrewind command sets too): bugprog
 * reads its `function` lines for the pkrbug_* functions and the
 * `fault-return` default of the domain that holds libpkrbug.so.
 *
 * Memory checked after every call: a block of globals (holding the
 * wild-write target), four heap blocks (the first two adjacent: the heap
 * overflow runs from the first into the second), a buffer in main's stack
 * frame, the buffer in the frame of the function that calls
 * pkrbug_stack_smash, and libpkrbug2's table (another domain's memory).
 *
 * For the classes that write, the address of the first stray write is
 * printed on stderr: "bugprog: CLASS writes at 0x...".
 *
 * Exit status: 0 if every check passed, 1 if any failed, 2 on a usage or
 * set-up error.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pkrbug.h"

#define SENTINEL_ERRNO ESRCH        /* errno before each call */
#define ERRNO_INHERIT (-1)
#define ERRNO_KEEP (-2)

/* ---- the program's memory and its checksums -------------------------- */

static struct {
	unsigned char head[4096];
	int target;                 /* pkrbug_wild_write's target */
	unsigned char tail[512];
} globals;

static const size_t heap_size[4] = { 64, 64, 512, 8192 };
static unsigned char *heap_blk[4];
static unsigned char *main_stack;   /* a buffer in main's frame */
#define MAIN_STACK_SIZE 1024
static int stack_changed;           /* set by call_stack_smash */

enum { R_GLOBALS, R_HEAP, R_STACK, R_DOMAIN2, NREGIONS };
static const char *const region_name[NREGIONS] = {
	"program globals", "program heap", "main's stack frame",
	"libpkrbug2's table",
};
static uint64_t sums[NREGIONS];

static uint64_t hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static void pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

static void checksum_all(uint64_t out[NREGIONS])
{
	uint64_t h = 0xcbf29ce484222325ull;

	out[R_GLOBALS] = hash(h, &globals, sizeof globals);
	for (int i = 0; i < 4; i++)
		h = hash(h, heap_blk[i], heap_size[i]);
	out[R_HEAP] = h;
	out[R_STACK] = hash(0xcbf29ce484222325ull, main_stack, MAIN_STACK_SIZE);
	out[R_DOMAIN2] = hash(0xcbf29ce484222325ull, pkrbug2_addr(),
			      PKRBUG2_WORDS * sizeof(int));
}

static void setup_memory(unsigned char *stackbuf)
{
	pattern(globals.head, sizeof globals.head, 1);
	globals.target = 0x7e57;
	pattern(globals.tail, sizeof globals.tail, 2);
	/* Allocated one after the other: with glibc's malloc the first two
	 * blocks are neighbours, so the heap overflow would run into the
	 * second. */
	for (int i = 0; i < 4; i++) {
		heap_blk[i] = malloc(heap_size[i]);
		if (heap_blk[i] == NULL) {
			perror("bugprog: malloc");
			exit(2);
		}
		pattern(heap_blk[i], heap_size[i], 3 + (unsigned)i);
	}
	main_stack = stackbuf;
	pattern(main_stack, MAIN_STACK_SIZE, 9);
	checksum_all(sums);
}

/* ---- what the policy says a fault returns -------------------------- */

struct expect {
	int set;           /* has a fault-return */
	int is_void;
	long value;
	int err;           /* errno, ERRNO_INHERIT or ERRNO_KEEP */
};

#define MAX_DOMAINS 16
#define MAX_FUNCS 64
static struct {
	int is_bug;                 /* holds libpkrbug.so */
	struct expect dflt;
} domains[MAX_DOMAINS];
static int ndomains;
static struct {
	char name[64];
	int dom;
	struct expect e;
} funcs[MAX_FUNCS];
static int nfuncs;

static void policy_error(const char *file, int line, const char *msg)
{
	fprintf(stderr, "bugprog: %s:%d: %s\n", file, line, msg);
	exit(2);
}

static int errno_number(const char *s)
{
	char *end;
	long n;

	if (strcmp(s, "keep") == 0)
		return ERRNO_KEEP;
	n = strtol(s, &end, 10);
	if (*s != '\0' && *end == '\0' && n >= 0 && n <= 4095)
		return (int)n;
	for (int e = 1; e <= 4095; e++) {
		const char *name = strerrorname_np(e);

		if (name != NULL && strcmp(name, s) == 0)
			return e;
	}
	return INT_MIN;
}

/* "fault-return V|void [errno E]" or "errno E" from tok[i]. */
static void parse_retval(char **tok, int n, int i, struct expect *e,
			 const char *file, int line)
{
	while (i < n) {
		if (strcmp(tok[i], "fault-return") == 0 && i + 1 < n) {
			e->set = 1;
			if (strcmp(tok[i + 1], "void") == 0) {
				e->is_void = 1;
			} else if (strcmp(tok[i + 1], "null") == 0) {
				e->value = 0;
			} else {
				char *end;

				errno = 0;
				e->value = strtol(tok[i + 1], &end, 0);
				if (errno || *end != '\0')
					policy_error(file, line, "bad fault-return value");
			}
			i += 2;
		} else if (strcmp(tok[i], "errno") == 0 && i + 1 < n) {
			e->err = errno_number(tok[i + 1]);
			if (e->err == INT_MIN)
				policy_error(file, line, "unknown errno name");
			i += 2;
		} else {
			policy_error(file, line, "cannot read this line");
		}
	}
}

/* Reads FILE with domain `cur` open (-1: none).  A domain that FILE opens
 * ends at its end: the includer goes on with the domain it had open. */
static void read_policy(const char *file, int depth, int cur)
{
	char line[4096], dir[PATH_MAX];
	const char *slash;
	int lineno = 0;
	FILE *f;

	if (depth > 8)
		policy_error(file, 0, "includes nested too deep");
	f = fopen(file, "r");
	if (f == NULL) {
		fprintf(stderr, "bugprog: %s: %s\n", file, strerror(errno));
		exit(2);
	}
	slash = strrchr(file, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - file) : 1,
		 slash ? file : ".");
	while (fgets(line, sizeof line, f) != NULL) {
		char *tok[16], *p, *save = NULL;
		int n = 0;

		lineno++;
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		for (p = strtok_r(line, " \t\r\n", &save); p != NULL && n < 16;
		     p = strtok_r(NULL, " \t\r\n", &save))
			tok[n++] = p;
		if (n == 0)
			continue;
		if (strcmp(tok[0], "include") == 0 && n == 2) {
			char sub[PATH_MAX * 2];

			if (tok[1][0] == '/')
				snprintf(sub, sizeof sub, "%s", tok[1]);
			else
				snprintf(sub, sizeof sub, "%s/%s", dir, tok[1]);
			read_policy(sub, depth + 1, cur);
		} else if (strcmp(tok[0], "domain") == 0) {
			if (ndomains == MAX_DOMAINS)
				policy_error(file, lineno, "too many domains");
			cur = ndomains++;
			memset(&domains[cur], 0, sizeof domains[cur]);
			domains[cur].dflt.err = ERRNO_INHERIT;
		} else if (cur < 0) {
			continue;        /* the shim reports it; not our business */
		} else if (strcmp(tok[0], "library") == 0 && n == 2) {
			const char *b = strrchr(tok[1], '/');

			if (fnmatch(tok[1], "libpkrbug.so", 0) == 0 ||
			    (b && strcmp(b + 1, "libpkrbug.so") == 0))
				domains[cur].is_bug = 1;
		} else if (strcmp(tok[0], "fault-return") == 0) {
			parse_retval(tok, n, 0, &domains[cur].dflt, file, lineno);
		} else if (strcmp(tok[0], "function") == 0 && n >= 2) {
			if (nfuncs == MAX_FUNCS)
				policy_error(file, lineno, "too many functions");
			snprintf(funcs[nfuncs].name, sizeof funcs[nfuncs].name, "%s", tok[1]);
			funcs[nfuncs].dom = cur;
			funcs[nfuncs].e.err = ERRNO_INHERIT;
			parse_retval(tok, n, 2, &funcs[nfuncs].e, file, lineno);
			nfuncs++;
		}
	}
	fclose(f);
}

static int policy_read;

static void load_policy(void)
{
	const char *p = getenv("PKREWIND_POLICY");

	if (policy_read)
		return;
	if (p == NULL || *p == '\0') {
		fprintf(stderr, "bugprog: PKREWIND_POLICY is not set: the expected "
			"fault-return values come from the policy\n");
		exit(2);
	}
	read_policy(p, 0, -1);
	policy_read = 1;
}

/* The fault-return of fn: its function line, else the domain default,
 * else -1 with EFAULT. */
static struct expect expected(const char *fn)
{
	struct expect e = { 1, 0, -1, EFAULT }, dflt = e;
	int bug = -1;

	load_policy();
	for (int d = 0; d < ndomains; d++)
		if (domains[d].is_bug == 1)
			bug = d;
	if (bug < 0) {
		fprintf(stderr, "bugprog: no domain of the policy names libpkrbug.so\n");
		exit(2);
	}
	if (domains[bug].dflt.set) {
		dflt = domains[bug].dflt;
		if (dflt.err == ERRNO_INHERIT)
			dflt.err = EFAULT;
	}
	e = dflt;
	for (int i = 0; i < nfuncs; i++)
		if (funcs[i].dom == bug && strcmp(funcs[i].name, fn) == 0) {
			if (funcs[i].e.set) {
				e = funcs[i].e;
				if (e.err == ERRNO_INHERIT)
					e.err = dflt.err;
			}
			break;
		}
	return e;
}

/* ---- the calls -------------------------------------------------------- */

static int call_errno;   /* errno right after the library call */
static uintptr_t call_target;  /* the first address the bug writes, if known */

#define CALL(expr) \
	({ errno = SENTINEL_ERRNO; __typeof__(expr) r_ = (expr); \
	   call_errno = errno; r_; })

static long call_wild_write(void)
{
	call_target = (uintptr_t)&globals.target;
	return CALL(pkrbug_wild_write(&globals.target, 0xbad));
}

static long call_heap_overflow(void)
{
	call_target = (uintptr_t)(heap_blk[0] + heap_size[0]);
	return CALL(pkrbug_heap_overflow(heap_blk[0], heap_size[0]));
}

/* The buffer the library overflows is in this frame, below the saved
 * registers and the return address: if the smash went through, the
 * buffer check fails or the return crashes. */
static __attribute__((noinline)) long call_stack_smash(void)
{
	unsigned char buf[128];
	uint64_t before;
	long r;

	pattern(buf, sizeof buf, 11);
	before = hash(1, buf, sizeof buf);
	call_target = (uintptr_t)(buf + sizeof buf);
	r = CALL(pkrbug_stack_smash(buf, sizeof buf));
	if (hash(1, buf, sizeof buf) != before)
		stack_changed = 1;
	return r;
}

static long call_null(void)
{
	return CALL(pkrbug_null_deref(NULL));
}

static long call_unmapped(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, (size_t)pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || munmap(p, (size_t)pg) != 0) {
		perror("bugprog: mmap/munmap");
		exit(2);
	}
	return CALL(pkrbug_read_unmapped((const long *)p + 5));
}

static long call_use_after_free(void)
{
	return CALL(pkrbug_use_after_free(200));
}

static long call_double_free(void)
{
	return CALL(pkrbug_double_free(100));
}

static long call_recursion(void)
{
	return CALL(pkrbug_recurse((unsigned long)-1));
}

static long call_trap(void)
{
	errno = SENTINEL_ERRNO;
	pkrbug_trap();
	call_errno = errno;
	return 0;
}

static long call_divzero(void)
{
	return CALL(pkrbug_divide(1000, 0));
}

static long call_other_domain(void)
{
	int *p = pkrbug2_addr() + 3;

	call_target = (uintptr_t)p;
	return CALL(pkrbug_write_other(p, 0xbad));
}

static long call_masked(void)
{
	return CALL(pkrbug_masked_fault(NULL));
}

static long call_ok(void)
{
	return CALL(pkrbug_ok(21));
}

enum { K_INT, K_LONG, K_VOID };

static const struct bugclass {
	const char *name;
	const char *fn;
	int kind;          /* how the function returns */
	int writes;        /* the bug writes program memory */
	int extra;         /* not in `all` or `crash` */
	long (*call)(void);
} classes[] = {
	{ "wild-write", "pkrbug_wild_write", K_INT, 1, 0, call_wild_write },
	{ "heap-overflow", "pkrbug_heap_overflow", K_INT, 1, 0, call_heap_overflow },
	{ "stack-smash", "pkrbug_stack_smash", K_INT, 1, 0, call_stack_smash },
	{ "null", "pkrbug_null_deref", K_INT, 0, 0, call_null },
	{ "unmapped", "pkrbug_read_unmapped", K_LONG, 0, 0, call_unmapped },
	{ "use-after-free", "pkrbug_use_after_free", K_INT, 0, 0, call_use_after_free },
	{ "double-free", "pkrbug_double_free", K_INT, 0, 0, call_double_free },
	{ "recursion", "pkrbug_recurse", K_INT, 0, 0, call_recursion },
	{ "trap", "pkrbug_trap", K_VOID, 0, 0, call_trap },
	{ "divzero", "pkrbug_divide", K_INT, 0, 0, call_divzero },
	{ "other-domain", "pkrbug_write_other", K_INT, 0, 0, call_other_domain },
	{ "masked", "pkrbug_masked_fault", K_INT, 0, 1, call_masked },
	{ "ok", "pkrbug_ok", K_INT, 0, 1, call_ok },
};
#define NCLASSES (sizeof classes / sizeof classes[0])
#define CLASS_OK (NCLASSES - 1)

static const char *errno_str(int e, char *buf, size_t n)
{
	const char *s = e > 0 ? strerrorname_np(e) : NULL;

	if (e == ERRNO_KEEP)
		return "unchanged";
	if (s)
		snprintf(buf, n, "%s", s);
	else
		snprintf(buf, n, "%d", e);
	return buf;
}

/* One call of class c; 0 if every check passed, else a message in msg. */
static int check_call(const struct bugclass *c, char *msg, size_t n)
{
	struct expect e;
	sigset_t mask_before, mask_after;
	uint64_t now[NREGIONS];
	long r;
	size_t len = 0;
	int bad = 0;

	if (c == &classes[CLASS_OK]) {
		e.set = 1;
		e.is_void = 0;
		e.value = 42;
		e.err = ERRNO_KEEP;
	} else {
		e = expected(c->fn);
	}
	stack_changed = 0;
	sigprocmask(SIG_BLOCK, NULL, &mask_before);
	r = c->call();
	sigprocmask(SIG_BLOCK, NULL, &mask_after);
	msg[0] = '\0';
	if (c->kind != K_VOID && !e.is_void) {
		long want = c->kind == K_INT ? (long)(int)e.value : e.value;

		if (r != want) {
			len += (size_t)snprintf(msg + len, n - len,
						"returned %ld, expected %ld; ", r, want);
			bad = 1;
		}
	}
	{
		int want = (e.is_void || e.err == ERRNO_KEEP) ? SENTINEL_ERRNO : e.err;
		char b1[32], b2[32];

		if (call_errno != want && len < n) {
			len += (size_t)snprintf(msg + len, n - len, "errno %s, expected %s; ",
						errno_str(call_errno, b1, sizeof b1),
						errno_str(want, b2, sizeof b2));
			bad = 1;
		}
	}
	checksum_all(now);
	for (int i = 0; i < NREGIONS && len < n; i++)
		if (now[i] != sums[i]) {
			len += (size_t)snprintf(msg + len, n - len, "%s changed; ",
						region_name[i]);
			bad = 1;
		}
	for (int sig = 1; sig < SIGRTMIN && len < n; sig++)
		if (sigismember(&mask_before, sig) != sigismember(&mask_after, sig)) {
			len += (size_t)snprintf(msg + len, n - len,
						"the signal mask changed (%s %s); ",
						sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
						sigismember(&mask_after, sig) ? "blocked" : "unblocked");
			bad = 1;
			break;
		}
	if (stack_changed && len < n) {
		len += (size_t)snprintf(msg + len, n - len,
					"the caller's stack buffer changed; ");
		bad = 1;
	}
	if (bad && len >= 2 && len < n)
		msg[len - 2] = '\0';
	return bad;
}

/* ---- class lists ------------------------------------------------------ */

static size_t parse_classes(const char *spec, const struct bugclass **out, size_t max)
{
	char *copy = strdup(spec), *p, *save = NULL;
	size_t n = 0;

	if (copy == NULL)
		exit(2);
	for (p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int all = strcmp(p, "all") == 0, crash = strcmp(p, "crash") == 0;
		int found = 0;

		for (size_t i = 0; i < NCLASSES; i++) {
			int take = all ? !classes[i].extra
				 : crash ? !classes[i].extra && !classes[i].writes
				 : strcmp(p, classes[i].name) == 0;

			if (take && n < max) {
				out[n++] = &classes[i];
				found = 1;
			}
		}
		if (!found) {
			fprintf(stderr, "bugprog: unknown class '%s'\n", p);
			exit(2);
		}
	}
	free(copy);
	return n;
}

static long parse_count(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < 1 || n > 100000000L) {
		fprintf(stderr, "bugprog: bad count '%s'\n", s);
		exit(2);
	}
	return n;
}

static int run_classes(const char *spec, long iters)
{
	const struct bugclass *list[256];
	size_t n = parse_classes(spec, list, 256);
	int failures = 0;
	char msg[512];

	for (size_t i = 0; i < n; i++) {
		long k;

		for (k = 0; k < iters; k++) {
			call_target = 0;
			if (check_call(list[i], msg, sizeof msg))
				break;
			if (k == 0 && call_target)
				fprintf(stderr, "bugprog: %s writes at %#lx\n", list[i]->name,
					(unsigned long)call_target);
		}
		if (k == iters) {
			printf("%s: ok\n", list[i]->name);
		} else {
			printf("%s: BAD (call %ld: %s)\n", list[i]->name, k + 1, msg);
			failures++;
		}
	}
	return failures ? 1 : 0;
}

/* ---- reset ------------------------------------------------------------ */

static int do_reset(void)
{
	const struct bugclass *null;

	parse_classes("null", &null, 1);
	char msg[512];
	int failures = 0;

	printf("counter:");
	for (int round = 0; round < 3; round++) {
		printf(" %d", pkrbug_counter_bump());
		if (round == 2)
			break;
		printf(" %d", pkrbug_counter_bump());
		if (check_call(null, msg, sizeof msg)) {
			printf(" BAD-FAULT");
			fprintf(stderr, "bugprog: the fault was not rewound as the policy says: %s\n",
				msg);
			failures++;
		} else {
			printf(" fault");
		}
	}
	printf("\n");
	return failures ? 1 : 0;
}

/* ---- leak ------------------------------------------------------------- */

struct usage {
	long rss_kb;
	long maps;
	long fds;
};

static void measure(struct usage *u)
{
	char line[512];
	FILE *f;
	DIR *d;
	struct dirent *de;

	u->rss_kb = u->maps = u->fds = -1;
	if ((f = fopen("/proc/self/status", "r")) != NULL) {
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "VmRSS: %ld kB", &u->rss_kb) == 1)
				break;
		fclose(f);
	}
	if ((f = fopen("/proc/self/maps", "r")) != NULL) {
		int c, last = '\n';

		u->maps = 0;
		while ((c = getc(f)) != EOF) {
			if (c == '\n')
				u->maps++;
			last = c;
		}
		if (last != '\n')
			u->maps++;
		fclose(f);
	}
	if ((d = opendir("/proc/self/fd")) != NULL) {
		u->fds = 0;
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				u->fds++;
		u->fds--;            /* the directory's own descriptor */
		closedir(d);
	}
}

static int do_leak(long rounds, const char *spec)
{
	const struct bugclass *list[256];
	size_t n = parse_classes(spec, list, 256);
	struct usage before, after;
	char msg[512];
	long faults = 0;

	for (int w = 0; w < 10; w++)
		for (size_t i = 0; i < n; i++)
			if (check_call(list[i], msg, sizeof msg)) {
				printf("%s: BAD (warm-up: %s)\n", list[i]->name, msg);
				return 1;
			}
	measure(&before);
	for (long k = 0; k < rounds; k++)
		for (size_t i = 0; i < n; i++) {
			if (check_call(list[i], msg, sizeof msg)) {
				printf("%s: BAD (round %ld: %s)\n", list[i]->name, k + 1, msg);
				return 1;
			}
			faults += list[i] != &classes[CLASS_OK];
		}
	measure(&after);
	printf("rounds %ld classes %zu faults %ld\n", rounds, n, faults);
	printf("rss-kb %ld %ld\n", before.rss_kb, after.rss_kb);
	printf("maps %ld %ld\n", before.maps, after.maps);
	printf("fds %ld %ld\n", before.fds, after.fds);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bugprog CLASS[,CLASS...] [N] | reset | leak N [CLASS[,CLASS...]]\n"
		"classes: all crash ok");
	for (size_t i = 0; i < NCLASSES - 1; i++)
		fprintf(stderr, " %s", classes[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned char stackbuf[MAIN_STACK_SIZE];
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || argc > 4)
		usage();
	setup_memory(stackbuf);
	/* The first call into each domain sets up its stack: before the
	 * faults, so that they run on an established domain. */
	if (pkrbug_ok(1) != 2 || pkrbug2_get(0) != PKRBUG2_INIT(0)) {
		fprintf(stderr, "bugprog: the fixtures do not answer correctly\n");
		return 2;
	}
	if (strcmp(argv[1], "reset") == 0 && argc == 2) {
		rc = do_reset();
	} else if (strcmp(argv[1], "leak") == 0 && argc >= 3) {
		rc = do_leak(parse_count(argv[2]), argc == 4 ? argv[3] : "all");
	} else if (argc <= 3) {
		rc = run_classes(argv[1], argc == 3 ? parse_count(argv[2]) : 1);
	} else {
		usage();
	}
	/* The other domain's table, as its own library sees it. */
	for (int i = 0; i < PKRBUG2_WORDS; i++)
		if (pkrbug2_get(i) != PKRBUG2_INIT(i) || pkrbug2_addr()[i] != PKRBUG2_INIT(i)) {
			printf("libpkrbug2's table: BAD (word %d is %d, expected %d)\n",
			       i, pkrbug2_get(i), PKRBUG2_INIT(i));
			rc = 1;
			break;
		}
	return rc;
}
