/* misprog.c - calls the misbehaviour fixture (libpkrmis.so) and checks the
 * program's own memory, registers and rights afterwards (issue 9).
 *
 * Usage: misprog CASE [ARGS]; prints "CASE: ok" or "CASE: BAD (reason)"
 * (plus, for some cases, lines "misprog: ..." with counts the tests
 * compare with the shim's diagnostics) and exits 0 if every check passed,
 * 1 if one failed, 2 on a usage or set-up error.  The expected
 * fault-returns are PKRMIS_FR_* (pkrmis.h, the same as
 * tests/data/boundary/functions.inc).
 *
 *   ok                  pkrmis_ok(20) == 41.
 *   clobber             pkrmis_clobber(victim) through an assembly
 *                       harness that loads constants into %rbx %rbp
 *                       %r12-%r15 and reads them back: all six must be
 *                       the constants and the victim buffer (a program
 *                       global filled with 0xa5) unchanged.
 *   forge               pkrmis_forge(stub of pkrmis_ok, &target, ...):
 *                       target must be unchanged and the call must not
 *                       report a successful forged call (1); prints the
 *                       value returned.
 *   tcb N               pkrmis_tcb_smash(N) returns PKRMIS_FR_TCB_SMASH,
 *                       then pkrmis_ok works, program memory unchanged.
 *   nested ITERS [nofault]
 *                       SIGALRM every 1 ms whose handler calls
 *                       pkrmis_stackfill (checked) and, every other time
 *                       (not with nofault), pkrmis_null (must return
 *                       PKRMIS_FR_NULL), while main runs
 *                       pkrmis_spin(ITERS): its result must be
 *                       pkrmis_spin_expect() and at least 20 signals must
 *                       have arrived during it.  Prints "misprog: nested:
 *                       S signals, F nested faults".
 *   handlerfirst ITERS  a new thread makes its first call into the domain
 *                       in a SIGUSR1 handler; it must then have an
 *                       alternate signal stack; then `nested ITERS` in
 *                       that thread.
 *   free                frees a pkrmis_strdup() string (a copy of the
 *                       library's static buffer) with free(),
 *                       mallocs 8 blocks of its size with secrets,
 *                       pkrmis_stale_write(): secrets intact, no block is
 *                       the freed string.
 *   heaplock SECONDS [nofault]
 *                       two threads loop pkrmis_churn (must return 0), a
 *                       third pkrmis_bad_free and pkrmis_bad_mask (must
 *                       return their fault-returns), for SECONDS.
 *   reset               table set, pkrmis_table_lock_fault, table get and
 *                       set (on-fault reset: the table is back to
 *                       PKRMIS_TABLE_INIT and writable).
 *   alloc BYTES         pkrmis_alloc(BYTES): prints "alloc BYTES: ok" or
 *                       "alloc BYTES: NULL" (heap sizes).
 *   longjmp jump|rewind|bogus [crash]
 *                       setjmp, pkrmis_longjmp(env, 42).  jump: setjmp
 *                       must return 42, PKRU must be what it was when
 *                       main started (0 under the shim) and is printed,
 *                       pkrmis_ok must work; rewind: the call must return
 *                       PKRMIS_FR_LONGJMP.  bogus: the library gets a
 *                       jmp_buf of garbage bytes instead (no setjmp made
 *                       it), and the call must return PKRMIS_FR_LONGJMP
 *                       (under the shim only: without it the jump
 *                       crashes).  crash: then a NULL write of the
 *                       program's own (must kill it).
 *   fork                pkrmis_fork(): the child prints "child ok" and
 *                       exits 0; the parent waits, checks status 0,
 *                       prints "parent ok".
 *   exit                buffered stdout, an atexit handler (writes
 *                       "atexit ran" with write(2)), pkrmis_exit(5).
 *   probe [fault|crash] pkrmis_probe() of an unmapped page (must be 0) and
 *                       of the library's static buffer (must be 1); fault:
 *                       then pkrmis_null must return PKRMIS_FR_NULL; crash:
 *                       then a NULL write of the program's own.
 *   resethand           a SIGUSR1 handler with SA_RESETHAND, raised twice
 *                       (the second must kill the process).
 *   segvign             SIGSEGV set to SIG_IGN, then a NULL write of the
 *                       program's own (must kill the process).
 *   sigbus DIR          pkrmis_sigbus(DIR) returns PKRMIS_FR_SIGBUS;
 *                       prints "misprog: sigbus reads 0x...".
 *   stress SECONDS SEED 4 threads of random calls, faults, allocations,
 *                       callbacks, with a SIGALRM handler calling in and
 *                       a watcher checksumming program memory.  Prints
 *                       "misprog: stress: N calls, F faults caused".
 *   sigwindow SECONDS [US]
 *                       a timer signal every US microseconds (default
 *                       100) whose handler calls pkrmis_sum8 (checked)
 *                       and every 8th time pkrmis_stackfill (checked: it
 *                       writes 32 KiB of the domain's stack), while main
 *                       loops pkrmis_callback(cb_ok), pkrmis_sum8 and
 *                       pkrmis_callback8(cb_sum8) (eight arguments each
 *                       way; all checked): the signals land in every instruction
 *                       of the gate's and the callback gate's stack
 *                       switches, where a handler's call into the domain
 *                       must not start on the library's live frames or
 *                       on the stacked arguments already copied.  The
 *                       handler stops the timer after SECONDS (a slow
 *                       machine where the handler starves main still
 *                       ends).  Prints "misprog: sigwindow: N calls, S
 *                       signals".
 *   jumpcb N            N times: setjmp, then pkrmis_callback(cb_jump, i),
 *                       whose program function longjmps back out of the
 *                       library call; then pkrmis_ok(i) must work and
 *                       pkrmis_recurse must be rewound (PKRMIS_FR_RECURSE).
 *                       Prints "misprog: jumpcb: N jumps".
 *   jumpsig N           N times: sigsetjmp, a one-shot timer, then
 *                       pkrmis_spin for ever: the SIGALRM handler
 *                       siglongjmps out of the handler and the library
 *                       call.  After each: the thread's alternate signal
 *                       stack is armed (sigaltstack), pkrmis_ok works;
 *                       at the end pkrmis_recurse (which exhausts the
 *                       domain's stack: its fault needs the altstack)
 *                       must return PKRMIS_FR_RECURSE.  Prints
 *                       "misprog: jumpsig: N jumps".
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pkrmis.h"

static const char *case_name = "?";
static uint32_t prog_pkru;          /* PKRU when main started */
static char reason[512];
static int bad;

static void badf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void badf(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(reason);

	if (n + 4 >= sizeof reason)
		return;
	if (n)
		strcpy(reason + n, "; "), n += 2;
	va_start(ap, fmt);
	vsnprintf(reason + n, sizeof reason - n, fmt, ap);
	va_end(ap);
	bad = 1;
}

static int verdict(void)
{
	if (bad)
		printf("%s: BAD (%s)\n", case_name, reason);
	else
		printf("%s: ok\n", case_name);
	fflush(stdout);
	return bad ? 1 : 0;
}

static uint32_t rdpkru(void)
{
	uint32_t eax, edx;

	__asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Program memory checked by several cases: globals with a pattern. */
static unsigned char prog_globals[65536];

static uint64_t hash(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static void fill_globals(void)
{
	for (size_t i = 0; i < sizeof prog_globals; i++)
		prog_globals[i] = (unsigned char)(i * 7 + (i >> 9));
}

/* ---- clobber ---------------------------------------------------------- */

#define CLOB(i) (0x5b5b5b5b00000011ull + 0x1111ull * (i))
long clobber_harness(int (*fn)(void *), void *arg, uint64_t out[6]);
__asm__(
	"	.text\n"
	"	.type	clobber_harness, @function\n"
	"	.p2align 4\n"
	"clobber_harness:\n"
	"	push	%rbx\n"
	"	push	%rbp\n"
	"	push	%r12\n"
	"	push	%r13\n"
	"	push	%r14\n"
	"	push	%r15\n"
	"	push	%rdx\n"
	"	mov	%rdi, %rax\n"
	"	mov	%rsi, %rdi\n"
	"	movabs	$0x5b5b5b5b00000011, %rbx\n"
	"	movabs	$0x5b5b5b5b00001122, %rbp\n"
	"	movabs	$0x5b5b5b5b00002233, %r12\n"
	"	movabs	$0x5b5b5b5b00003344, %r13\n"
	"	movabs	$0x5b5b5b5b00004455, %r14\n"
	"	movabs	$0x5b5b5b5b00005566, %r15\n"
	"	call	*%rax\n"
	"	mov	(%rsp), %r11\n"
	"	mov	%rbx, 0(%r11)\n"
	"	mov	%rbp, 8(%r11)\n"
	"	mov	%r12, 16(%r11)\n"
	"	mov	%r13, 24(%r11)\n"
	"	mov	%r14, 32(%r11)\n"
	"	mov	%r15, 40(%r11)\n"
	"	add	$8, %rsp\n"
	"	pop	%r15\n"
	"	pop	%r14\n"
	"	pop	%r13\n"
	"	pop	%r12\n"
	"	pop	%rbp\n"
	"	pop	%rbx\n"
	"	ret\n"
	"	.size	clobber_harness, .-clobber_harness\n");

/* Filled with VICTIM_BYTE, not zero: the gate's stores through a
 * clobbered register may well write zeros. */
static unsigned char victim[8192];
#define VICTIM_BYTE 0xa5

static void case_clobber(void)
{
	static const char *const names[6] = { "rbx", "rbp", "r12", "r13", "r14", "r15" };
	uint64_t regs[6];
	long r;

	fill_globals();
	memset(victim, VICTIM_BYTE, sizeof victim);
	uint64_t before = hash(prog_globals, sizeof prog_globals);
	r = clobber_harness(pkrmis_clobber, victim + 4096, regs);
	if ((int)r != 0)
		badf("returned %d, expected 0", (int)r);
	for (int i = 0; i < 6; i++)
		if (regs[i] != CLOB(i))
			badf("%s came back as 0x%llx, not 0x%llx", names[i],
			     (unsigned long long)regs[i], (unsigned long long)CLOB(i));
	for (size_t i = 0; i < sizeof victim; i++)
		if (victim[i] != VICTIM_BYTE) {
			badf("victim buffer changed at offset %ld from the pointer the library left",
			     (long)i - 4096);
			break;
		}
	if (hash(prog_globals, sizeof prog_globals) != before)
		badf("program globals changed");
}

/* ---- forge ------------------------------------------------------------ */

static volatile int forge_target = 0x1234;

static void case_forge(void)
{
	/* The program's address for pkrmis_ok: through the GOT, under the
	 * shim its trampoline. */
	int (*volatile stub)(int) = pkrmis_ok;
	int r = pkrmis_forge((const void *)stub, (int *)&forge_target, 0x666);

	printf("misprog: forge returned %d\n", r);
	if (forge_target != 0x1234)
		badf("the program's target was overwritten with 0x%x: the forged descriptor ran with full rights",
		     forge_target);
	if (r == 1)
		badf("pkrmis_poke ran through the forged descriptor");
	else if (r == PKRMIS_NOT_STUB)
		badf("pkrmis_ok is not a trampoline here (no shim?)");
	else if (r != PKRMIS_FR_FORGE)
		badf("returned %d, expected its fault-return %d", r, PKRMIS_FR_FORGE);
	if (pkrmis_ok(3) != 7)
		badf("pkrmis_ok(3) afterwards returned %d", pkrmis_ok(3));
}

/* ---- tcb -------------------------------------------------------------- */

static void case_tcb(size_t n)
{
	int r;

	fill_globals();
	uint64_t before = hash(prog_globals, sizeof prog_globals);
	errno = 0;
	r = pkrmis_tcb_smash(n);
	if (r != PKRMIS_FR_TCB_SMASH)
		badf("returned %d, expected %d", r, PKRMIS_FR_TCB_SMASH);
	if (errno != EPROTO)
		badf("errno %d, expected EPROTO", errno);
	r = pkrmis_ok(5);
	if (r != 11)
		badf("pkrmis_ok(5) after the fault returned %d", r);
	r = pkrmis_stackfill(3);
	if (r != pkrmis_stackfill_expect(3))
		badf("pkrmis_stackfill(3) after the fault returned %d", r);
	if (hash(prog_globals, sizeof prog_globals) != before)
		badf("program globals changed");
}

/* ---- nested ----------------------------------------------------------- */

static volatile sig_atomic_t n_sig, n_bad_fill, n_bad_fault, n_nested_faults, in_spin, n_sig_in_spin;
static int nested_faults = 1;
static int fill_expect;

static void on_alrm(int sig)
{
	int e = errno, r;

	(void)sig;
	n_sig++;
	if (in_spin)
		n_sig_in_spin++;
	r = pkrmis_stackfill(7);
	if (r != fill_expect)
		n_bad_fill++;
	if (nested_faults && (n_sig & 1)) {
		n_nested_faults++;
		if (pkrmis_null() != PKRMIS_FR_NULL)
			n_bad_fault++;
	}
	errno = e;
}

static void timer(long usec)
{
	struct itimerval it = { { 0, usec }, { 0, usec } };

	if (setitimer(ITIMER_REAL, &it, NULL) != 0) {
		perror("misprog: setitimer");
		exit(2);
	}
}

static void case_nested(long iters)
{
	struct sigaction sa;
	int want = pkrmis_spin_expect(iters, 99), r;

	fill_expect = pkrmis_stackfill_expect(7);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alrm;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	timer(1000);
	in_spin = 1;
	r = pkrmis_spin(iters, 99);
	in_spin = 0;
	timer(0);
	printf("misprog: nested: %d signals, %d nested faults\n", (int)n_sig, (int)n_nested_faults);
	if (r != want)
		badf("pkrmis_spin returned %d, expected %d%s", r, want,
		     r == -1 ? " (its stack was overwritten)" : "");
	if (n_sig_in_spin < 20)
		badf("only %d signals arrived during pkrmis_spin (need 20: raise ITERS)",
		     (int)n_sig_in_spin);
	if (n_bad_fill)
		badf("%d of %d nested pkrmis_stackfill calls returned a wrong sum",
		     (int)n_bad_fill, (int)n_sig);
	if (n_bad_fault)
		badf("%d of %d nested pkrmis_null calls did not return %d",
		     (int)n_bad_fault, (int)n_nested_faults, PKRMIS_FR_NULL);
}

/* ---- handlerfirst ------------------------------------------------------ */

/* A thread whose first call into the domain is made by a signal handler
 * (the shim sets up its alternate signal stack there), then the nested
 * case in that thread.  Before the fix the handler's return removed the
 * new altstack: the next signal inside a library call put its frame on
 * the domain's stack, under the library call the handler then made. */
static volatile int first_call_ok;

static void on_usr1_first(int sig)
{
	(void)sig;
	first_call_ok = pkrmis_ok(20) == 41;
}

static void *handler_first_thread(void *arg)
{
	struct sigaction sa;
	stack_t ss;
	sigset_t s;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1_first;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	pthread_kill(pthread_self(), SIGUSR1);
	if (!first_call_ok)
		badf("the first call into the domain, from a SIGUSR1 handler, failed");
	if (sigaltstack(NULL, &ss) != 0 || (ss.ss_flags & SS_DISABLE))
		badf("no alternate signal stack after the thread's first call into the "
		     "domain was made in a handler");
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	case_nested(*(long *)arg);
	return NULL;
}

static void case_handlerfirst(long iters)
{
	pthread_t t;
	sigset_t s;

	/* SIGALRM for the new thread only. */
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_create(&t, NULL, handler_first_thread, &iters);
	pthread_join(t, NULL);
}

/* ---- free ------------------------------------------------------------- */

static void case_free(void)
{
	/* The library copies its own static string: it can in every mode. */
	static const char text[] = "libpkrmis static buffer";
	unsigned char *blk[8];
	char *s = pkrmis_strdup(pkrmis_static_addr());
	size_t n = sizeof text;

	if (!s || strcmp(s, text) != 0) {
		badf("pkrmis_strdup failed");
		return;
	}
	free(s);
	for (int j = 0; j < 8; j++) {
		blk[j] = malloc(n);
		if (!blk[j]) {
			badf("malloc failed");
			return;
		}
		for (size_t i = 0; i < n; i++)
			blk[j][i] = (unsigned char)(0x60 + j + i % 7);
	}
	pkrmis_stale_write();
	for (int j = 0; j < 8; j++) {
		if ((char *)blk[j] == s)
			badf("malloc returned the library's string: free() adopted domain memory into the program's heap");
		for (size_t i = 0; i < n; i++)
			if (blk[j][i] != (unsigned char)(0x60 + j + i % 7)) {
				badf("secret %d overwritten by the library's stale write", j);
				break;
			}
	}
}

/* ---- heaplock --------------------------------------------------------- */

static double deadline;
static int heap_faults = 1;
static long churn_calls[2], churn_bad[2], fault_calls, fault_wrong;

static void *churn_thread(void *arg)
{
	long k = (long)arg;
	unsigned seed = (unsigned)k * 1000 + 1;

	while (now() < deadline) {
		int r = pkrmis_churn(100, seed++);

		churn_calls[k]++;
		if (r != 0 && churn_bad[k]++ < 3)
			fprintf(stderr, "misprog: heaplock: thread %ld: pkrmis_churn returned %d\n", k, r);
	}
	return NULL;
}

static void *fault_thread(void *arg)
{
	(void)arg;
	while (heap_faults && now() < deadline) {
		int r = pkrmis_bad_free();

		fault_calls++;
		if (r != PKRMIS_FR_BAD_FREE && fault_wrong++ < 3)
			fprintf(stderr, "misprog: heaplock: pkrmis_bad_free returned %d\n", r);
		r = pkrmis_bad_mask();
		fault_calls++;
		if (r != PKRMIS_FR_BAD_MASK && fault_wrong++ < 3)
			fprintf(stderr, "misprog: heaplock: pkrmis_bad_mask returned %d\n", r);
	}
	return NULL;
}

static void case_heaplock(double seconds)
{
	pthread_t t[3];

	deadline = now() + seconds;
	for (long k = 0; k < 2; k++)
		pthread_create(&t[k], NULL, churn_thread, (void *)k);
	pthread_create(&t[2], NULL, fault_thread, NULL);
	for (int k = 0; k < 3; k++)
		pthread_join(t[k], NULL);
	printf("misprog: heaplock: %ld + %ld churn calls, %ld faulting calls\n",
	       churn_calls[0], churn_calls[1], fault_calls);
	if (churn_bad[0] || churn_bad[1])
		badf("%ld + %ld pkrmis_churn calls failed", churn_bad[0], churn_bad[1]);
	if (churn_calls[0] == 0 || churn_calls[1] == 0)
		badf("a churn thread made no call");
	if (heap_faults && fault_calls < 20)
		badf("only %ld faulting calls", fault_calls);
	if (fault_wrong)
		badf("%ld faulting calls did not return their fault-return", fault_wrong);
}

/* ---- reset ------------------------------------------------------------ */

static void case_reset(void)
{
	int r;

	if ((r = pkrmis_table_set(5, 99)) != PKRMIS_TABLE_INIT)
		badf("first table_set returned %d", r);
	if ((r = pkrmis_table_lock_fault()) != PKRMIS_FR_TABLE_LOCK)
		badf("table_lock_fault returned %d, expected %d", r, PKRMIS_FR_TABLE_LOCK);
	if ((r = pkrmis_table_get(5)) != PKRMIS_TABLE_INIT)
		badf("after the reset table[5] is %d, expected %d", r, PKRMIS_TABLE_INIT);
	if ((r = pkrmis_table_set(5, 77)) != PKRMIS_TABLE_INIT)
		badf("table_set after the reset returned %d, expected %d", r, PKRMIS_TABLE_INIT);
	if ((r = pkrmis_table_get(5)) != 77)
		badf("table[5] is %d after setting 77 (the table is not writable)", r);
}

/* ---- longjmp ---------------------------------------------------------- */

static jmp_buf env;
static volatile int jumps;

static jmp_buf bogus_env;

static int case_longjmp(int rewind, int bogus, int crash)
{
	volatile int r;

	if (bogus)
		memset(bogus_env, 0x5a, sizeof bogus_env);
	r = setjmp(env);
	if (r == 0) {
		r = pkrmis_longjmp(bogus ? bogus_env : env, 42);
		if (!rewind)
			badf("pkrmis_longjmp returned %d", r);
		else if (r != PKRMIS_FR_LONGJMP)
			badf("pkrmis_longjmp returned %d, expected %d", r, PKRMIS_FR_LONGJMP);
	} else {
		jumps++;
		if (rewind)
			badf("setjmp returned %d: the library jumped", r);
		else if (r != 42)
			badf("setjmp returned %d, expected 42", r);
		if (jumps > 1) {
			badf("setjmp returned %d times", jumps);
			return verdict();
		}
	}
	uint32_t pkru = rdpkru();
	if (pkru != prog_pkru)
		badf("the program runs with PKRU 0x%x, not its own 0x%x", pkru, prog_pkru);
	fill_globals();         /* the program writes its own memory */
	if ((r = pkrmis_ok(8)) != 17)
		badf("pkrmis_ok(8) afterwards returned %d", r);
	if (rdpkru() != prog_pkru)
		badf("PKRU 0x%x after pkrmis_ok, not 0x%x", rdpkru(), prog_pkru);
	printf("misprog: PKRU 0x%x\n", rdpkru());
	verdict();
	if (crash) {
		printf("misprog: crashing now\n");
		fflush(stdout);
		*(volatile int *)(uintptr_t)(jumps - jumps) = 1;
		printf("misprog: survived the program's own NULL write\n");
		return 1;
	}
	return bad;
}

/* ---- fork ------------------------------------------------------------- */

static int case_fork(void)
{
	int pid, status;

	fflush(stdout);
	pid = pkrmis_fork();
	if (pid == 0) {
		printf("child ok\n");
		fflush(stdout);
		_exit(0);
	}
	if (pid < 0) {
		printf("fork: BAD (pkrmis_fork returned %d)\n", pid);
		return 1;
	}
	if (waitpid(pid, &status, 0) != pid) {
		printf("fork: BAD (waitpid: %s)\n", strerror(errno));
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("fork: BAD (child status 0x%x)\n", status);
		return 1;
	}
	printf("parent ok\n");
	return 0;
}

/* ---- exit ------------------------------------------------------------- */

static void at_exit(void)
{
	static const char line[] = "atexit ran\n";

	if (write(1, line, sizeof line - 1) < 0)
		_exit(3);
}

static int case_exit(void)
{
	atexit(at_exit);
	printf("buffered text;");       /* no newline, no flush */
	pkrmis_exit(5);
	printf(" BAD (pkrmis_exit returned)\n");
	return 1;
}

/* ---- probe ------------------------------------------------------------ */

static int case_probe(const char *then)
{
	void *page;
	int r;

	/* The first call into the domain maps the thread's domain stack: make
	 * it before choosing the unmapped page, which it could reuse. */
	if ((r = pkrmis_ok(0)) != 1)
		badf("pkrmis_ok(0) = %d", r);
	page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || munmap(page, 4096) != 0) {
		perror("misprog: mmap");
		exit(2);
	}
	if ((r = pkrmis_probe(page)) != 0)
		badf("probe of an unmapped page returned %d, expected 0", r);
	if ((r = pkrmis_probe(pkrmis_static_addr())) != 1)
		badf("probe of the library's buffer returned %d, expected 1", r);
	/* A handler that repairs the fault and returns normally. */
	if ((r = pkrmis_fixup()) != 42)
		badf("pkrmis_fixup returned %d, expected 42 (the handler repairs the page once)", r);
	if (then && strcmp(then, "fault") == 0) {
		if ((r = pkrmis_null()) != PKRMIS_FR_NULL)
			badf("pkrmis_null afterwards returned %d, expected %d", r, PKRMIS_FR_NULL);
	}
	verdict();
	if (then && strcmp(then, "crash") == 0) {
		printf("misprog: crashing now\n");
		fflush(stdout);
		*(volatile int *)(uintptr_t)(r - r) = 1;
		printf("misprog: survived the program's own NULL write\n");
		return 1;
	}
	return bad;
}

/* ---- resethand, segvign ------------------------------------------------ */

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

static int case_resethand(void)
{
	struct sigaction sa;

	if (pkrmis_ok(1) != 3)
		badf("pkrmis_ok failed");
	printf("misprog: PKRU 0x%x\n", rdpkru());
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	if (usr1 != 1)
		badf("the handler ran %d times", (int)usr1);
	printf("misprog: first SIGUSR1 handled (%d)\n", (int)usr1);
	fflush(stdout);
	raise(SIGUSR1);
	badf("survived the second SIGUSR1 (handler ran %d times)", (int)usr1);
	return verdict();
}

static int case_segvign(void)
{
	volatile int zero = 0;

	if (pkrmis_ok(1) != 3)
		badf("pkrmis_ok failed");
	printf("misprog: PKRU 0x%x\n", rdpkru());
	signal(SIGSEGV, SIG_IGN);
	printf("misprog: SIGSEGV ignored, writing NULL\n");
	fflush(stdout);
	*(volatile int *)(uintptr_t)zero = 1;
	badf("survived a NULL write with SIGSEGV ignored");
	return verdict();
}

/* ---- sigbus ----------------------------------------------------------- */

static void case_sigbus(const char *dir)
{
	int r = pkrmis_sigbus(dir);

	fprintf(stderr, "misprog: sigbus reads 0x%lx\n", pkrmis_sigbus_addr());
	if (r != PKRMIS_FR_SIGBUS)
		badf("pkrmis_sigbus returned %d, expected %d", r, PKRMIS_FR_SIGBUS);
	if (pkrmis_ok(2) != 5)
		badf("pkrmis_ok afterwards failed");
}

/* ---- stress ----------------------------------------------------------- */

#define STRESS_THREADS 4
#define REGION_SIZE (4u << 20)
static unsigned char *region;          /* program heap, checksummed */
static const int ro_word = 0x1234;     /* .rodata: every library write faults */
static uint64_t region_sum, globals_sum;
static volatile int stop;
static long s_calls[STRESS_THREADS], s_faults[STRESS_THREADS], s_bad[STRESS_THREADS];
static volatile long watch_rounds, watch_bad;
static volatile int a_sig, a_faults, a_bad;    /* atomic: handlers on every thread */

static int cb_ok(int x) { return pkrmis_ok(x); }
static int cb_fault(int x) { (void)x; return pkrmis_null(); }

static void on_alrm_stress(int sig)
{
	int e = errno;

	(void)sig;
	/* Handlers run on several threads at once: one read of the count. */
	int n = __atomic_add_fetch(&a_sig, 1, __ATOMIC_RELAXED);
	if (pkrmis_ok(n & 0xff) != 2 * (n & 0xff) + 1)
		__atomic_add_fetch(&a_bad, 1, __ATOMIC_RELAXED);
	if ((n & 3) == 0) {
		__atomic_add_fetch(&a_faults, 1, __ATOMIC_RELAXED);
		if (pkrmis_null() != PKRMIS_FR_NULL)
			__atomic_add_fetch(&a_bad, 1, __ATOMIC_RELAXED);
	}
	errno = e;
}

static void *watcher(void *arg)
{
	(void)arg;
	while (!stop) {
		if (hash(region, REGION_SIZE) != region_sum ||
		    hash(prog_globals, sizeof prog_globals) != globals_sum)
			watch_bad++;
		watch_rounds++;
	}
	return NULL;
}

#define SBAD(...) do { if (s_bad[k]++ < 3) { fprintf(stderr, "misprog: stress: thread %d: ", k); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static void *stress_thread(void *arg)
{
	int k = (int)((long)arg & 0xff);     /* arg: k ^ seed << 8 */
	uint64_t x = (uint64_t)(k + 1) * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)arg;
	void *blk[8] = { 0 };
	size_t len[8];
	unsigned tag[8];
	int r;

	x ^= (uint64_t)(uintptr_t)region;
	while (!stop) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		int v = (int)(x >> 40) & 0xffff;

		s_calls[k]++;
		switch ((x >> 8) % 10) {
		case 0: case 1:
			if ((r = pkrmis_ok(v)) != 2 * v + 1)
				SBAD("pkrmis_ok(%d) = %d", v, r);
			break;
		case 2:
			s_faults[k]++;
			switch ((x >> 20) % 5) {
			case 0: r = pkrmis_null(); if (r != PKRMIS_FR_NULL) SBAD("pkrmis_null = %d", r); break;
			case 1: r = pkrmis_ro_write((int *)&ro_word, v); if (r != PKRMIS_FR_RO_WRITE) SBAD("pkrmis_ro_write = %d", r); break;
			case 2: r = pkrmis_divide(v, 0); if (r != PKRMIS_FR_DIVIDE) SBAD("pkrmis_divide = %d", r); break;
			case 3: r = pkrmis_trap(); if (r != PKRMIS_FR_TRAP) SBAD("pkrmis_trap = %d", r); break;
			case 4: r = pkrmis_bad_free(); if (r != PKRMIS_FR_BAD_FREE) SBAD("pkrmis_bad_free = %d", r); break;
			}
			break;
		case 3: case 4: case 5: {
			int j = (int)((x >> 30) % 8);
			if (blk[j]) {
				if ((r = pkrmis_release(blk[j], len[j], tag[j])) != 0)
					SBAD("pkrmis_release = %d", r);
				blk[j] = NULL;
			} else {
				len[j] = 1 + (x >> 33) % 3000;
				tag[j] = (unsigned)(x >> 12);
				blk[j] = pkrmis_alloc(len[j], tag[j]);
				if (!blk[j]) {
					SBAD("pkrmis_alloc(%zu) = NULL", len[j]);
					break;
				}
				for (size_t i = 0; i < len[j]; i++)
					if (((unsigned char *)blk[j])[i] != pkrmis_byte(tag[j], i)) {
						SBAD("pkrmis_alloc block wrong at %zu", i);
						break;
					}
			}
			break;
		}
		case 6:
			if ((r = pkrmis_callback(cb_ok, v)) != 2 * v + 2)
				SBAD("pkrmis_callback(cb_ok, %d) = %d", v, r);
			break;
		case 7:
			s_faults[k]++;
			if ((r = pkrmis_callback(cb_fault, v)) != PKRMIS_FR_NULL + 1)
				SBAD("pkrmis_callback(cb_fault) = %d, expected %d", r, PKRMIS_FR_NULL + 1);
			break;
		case 8:
			if ((r = pkrmis_stackfill(v & 15)) != pkrmis_stackfill_expect(v & 15))
				SBAD("pkrmis_stackfill = %d", r);
			break;
		case 9:
			if ((r = pkrmis_spin(20000, (unsigned)v)) != pkrmis_spin_expect(20000, (unsigned)v))
				SBAD("pkrmis_spin = %d", r);
			break;
		}
	}
	for (int j = 0; j < 8; j++)
		if (blk[j] && (r = pkrmis_release(blk[j], len[j], tag[j])) != 0)
			SBAD("pkrmis_release = %d", r);
	return NULL;
}

static void case_stress(double seconds, unsigned seed)
{
	pthread_t t[STRESS_THREADS], w;
	struct sigaction sa;
	long calls = 0, faults = 0, nbad = 0;

	srand(seed);
	region = malloc(REGION_SIZE);
	if (!region) {
		perror("misprog: malloc");
		exit(2);
	}
	for (size_t i = 0; i < REGION_SIZE; i++)
		region[i] = (unsigned char)(rand() >> 7);
	fill_globals();
	region_sum = hash(region, REGION_SIZE);
	globals_sum = hash(prog_globals, sizeof prog_globals);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alrm_stress;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);

	pthread_create(&w, NULL, watcher, NULL);
	for (long k = 0; k < STRESS_THREADS; k++)
		pthread_create(&t[k], NULL, stress_thread, (void *)(k ^ (long)seed << 8));
	timer(2000);
	struct timespec ts = { (time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9) };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	timer(0);
	stop = 1;
	for (int k = 0; k < STRESS_THREADS; k++)
		pthread_join(t[k], NULL);
	pthread_join(w, NULL);
	for (int k = 0; k < STRESS_THREADS; k++) {
		calls += s_calls[k];
		faults += s_faults[k];
		nbad += s_bad[k];
	}
	faults += a_faults;
	printf("misprog: stress: %ld calls, %ld faults caused, %d signals, %ld watcher rounds\n",
	       calls, faults, (int)a_sig, (long)watch_rounds);
	if (nbad)
		badf("%ld wrong results in the threads", nbad);
	if (a_bad)
		badf("%d wrong results in the signal handler", (int)a_bad);
	if (watch_bad)
		badf("the watcher saw program memory changed %ld times", (long)watch_bad);
	if (hash(region, REGION_SIZE) != region_sum || hash(prog_globals, sizeof prog_globals) != globals_sum)
		badf("program memory changed (checksum at the end)");
	if (ro_word != 0x1234)
		badf("the read-only word changed");
	if (a_sig < 10)
		badf("only %d timer signals", (int)a_sig);
	if (watch_rounds < 2)
		badf("the watcher ran %ld rounds", (long)watch_rounds);
}

/* ---- sigwindow ---------------------------------------------------------- */

static int w_expect[16];
static volatile int w_sig, w_bad, w_done;
static struct timespec w_end;

static long sum8_expect(long b)
{
	long r = 0;

	for (long i = 1; i <= 8; i++)
		r += i * (b + i);
	return r;
}

static bool w_past_end(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > w_end.tv_sec ||
	       (now.tv_sec == w_end.tv_sec && now.tv_nsec >= w_end.tv_nsec);
}

static void on_alrm_window(int sig)
{
	int e = errno;
	int n = ++w_sig;

	(void)sig;
	if ((n & 7) == 0 && pkrmis_stackfill((unsigned)n & 15) != w_expect[n & 15])
		w_bad++;
	if (pkrmis_sum8(n + 1, n + 2, n + 3, n + 4, n + 5, n + 6, n + 7, n + 8) != sum8_expect(n))
		w_bad++;
	if (w_past_end()) {
		struct itimerval off = { { 0, 0 }, { 0, 0 } };
		setitimer(ITIMER_REAL, &off, NULL);
		w_done = 1;
	}
	errno = e;
}

/* Through pkrmis_callback8: eight arguments, two on the stack, passed
 * on to the library (a call from the callback with stacked arguments). */
static long cb_sum8(long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8)
{
	return pkrmis_sum8(a1, a2, a3, a4, a5, a6, a7, a8);
}

static void case_sigwindow(double seconds, long us)
{
	struct sigaction sa;
	struct itimerval it = { { 0, us }, { 0, us } };
	long calls = 0, nwrong = 0;

	for (unsigned i = 0; i < 16; i++)
		w_expect[i] = pkrmis_stackfill_expect(i);
	clock_gettime(CLOCK_MONOTONIC, &w_end);
	w_end.tv_sec += (time_t)seconds;
	w_end.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (w_end.tv_nsec >= 1000000000) {
		w_end.tv_sec++;
		w_end.tv_nsec -= 1000000000;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alrm_window;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	while (!w_done) {
		for (int i = 0; i < 1000; i++, calls += 2) {
			long v = (calls & 0xffff) * 3;
			int r = pkrmis_callback(cb_ok, (int)v);
			if (r != 2 * (int)v + 2 && nwrong++ < 3)
				fprintf(stderr, "misprog: sigwindow: pkrmis_callback(cb_ok, %ld) = %d\n", v, r);
			long s = pkrmis_sum8(v + 1, v + 2, v + 3, v + 4, v + 5, v + 6, v + 7, v + 8);
			if (s != sum8_expect(v) && nwrong++ < 3)
				fprintf(stderr, "misprog: sigwindow: pkrmis_sum8(%ld...) = %ld\n", v + 1, s);
			if ((i & 3) == 0) {
				s = pkrmis_callback8(cb_sum8, v + 1);
				if (s != sum8_expect(v) + 1 && nwrong++ < 3)
					fprintf(stderr, "misprog: sigwindow: pkrmis_callback8(cb_sum8, %ld) = %ld, "
						"expected %ld\n", v + 1, s, sum8_expect(v) + 1);
			}
		}
	}
	printf("misprog: sigwindow: %ld calls, %d signals\n", calls, (int)w_sig);
	if (nwrong)
		badf("%ld wrong results in the loop", nwrong);
	if (w_bad)
		badf("%d wrong results in the signal handler", (int)w_bad);
	if (w_sig < 100)
		badf("only %d timer signals", (int)w_sig);
}

/* ---- jumpcb, jumpsig ----------------------------------------------------- */

static sigjmp_buf j_env;
static volatile int j_hits;

static int cb_jump(int x)
{
	j_hits++;
	longjmp(j_env, x + 1);
}

static void after_jumps(const char *what, int n)
{
	int r;

	if (j_hits != n)
		badf("%s: %d jumps for %d calls", what, (int)j_hits, n);
	if ((r = pkrmis_recurse(1 << 20)) != PKRMIS_FR_RECURSE)
		badf("%s: pkrmis_recurse afterwards = %d, expected %d", what, r, PKRMIS_FR_RECURSE);
	if ((r = pkrmis_ok(3)) != 7)
		badf("%s: pkrmis_ok(3) at the end = %d", what, r);
	printf("misprog: %s: %d jumps\n", what, (int)j_hits);
}

static void case_jumpcb(int n)
{
	static int i;           /* not clobbered by the longjmp */

	for (i = 0; i < n; i++) {
		int r = setjmp(j_env);

		if (r == 0) {
			pkrmis_callback(cb_jump, i);
			badf("jumpcb: pkrmis_callback returned");
			return;
		}
		if (r != i + 1) {
			badf("jumpcb: setjmp returned %d, expected %d", r, i + 1);
			return;
		}
		if ((r = pkrmis_ok(i & 0xff)) != 2 * (i & 0xff) + 1) {
			badf("jumpcb: pkrmis_ok after jump %d = %d", i, r);
			return;
		}
	}
	after_jumps("jumpcb", n);
}

static void on_alrm_jump(int sig)
{
	(void)sig;
	j_hits++;
	siglongjmp(j_env, 1);
}

static void case_jumpsig(int n)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alrm_jump;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	/* The thread's first call sets up its domain state (stack, shadow
	 * thread block, altstack), which takes milliseconds in a loaded
	 * software-CPU guest: made here, so that each timer below fires
	 * inside pkrmis_spin, not before the thread ever reached it. */
	if (pkrmis_ok(1) != 3)
		badf("jumpsig: pkrmis_ok(1) before the jumps failed");
	static int i;           /* not clobbered by the siglongjmp */
	for (i = 0; i < n; i++) {
		if (sigsetjmp(j_env, 1) == 0) {
			struct itimerval it = { { 0, 0 }, { 0, 10000 } };
			setitimer(ITIMER_REAL, &it, NULL);
			pkrmis_spin(1l << 40, 1);
			badf("jumpsig: pkrmis_spin returned");
			return;
		}
		stack_t ss;
		int r;
		if (sigaltstack(NULL, &ss) != 0 || (ss.ss_flags & SS_DISABLE)) {
			badf("jumpsig: after jump %d the alternate signal stack is disarmed", i);
			return;
		}
		if ((r = pkrmis_ok(i & 0xff)) != 2 * (i & 0xff) + 1) {
			badf("jumpsig: pkrmis_ok after jump %d = %d", i, r);
			return;
		}
	}
	after_jumps("jumpsig", n);
}

/* ---- main --------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: misprog CASE [ARGS] (see the comment at the top of misprog.c)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	case_name = argv[1];
	prog_pkru = rdpkru();
	if (!strcmp(case_name, "ok")) {
		int r = pkrmis_ok(20);
		if (r != 41)
			badf("pkrmis_ok(20) = %d", r);
	} else if (!strcmp(case_name, "clobber")) {
		case_clobber();
	} else if (!strcmp(case_name, "forge")) {
		case_forge();
	} else if (!strcmp(case_name, "tcb") && argc == 3) {
		case_tcb(strtoul(argv[2], NULL, 0));
	} else if (!strcmp(case_name, "nested") && argc >= 3) {
		nested_faults = !(argc > 3 && !strcmp(argv[3], "nofault"));
		case_nested(strtol(argv[2], NULL, 0));
	} else if (!strcmp(case_name, "handlerfirst") && argc >= 3) {
		nested_faults = 1;
		case_handlerfirst(strtol(argv[2], NULL, 0));
	} else if (!strcmp(case_name, "free")) {
		case_free();
	} else if (!strcmp(case_name, "alloc") && argc >= 3) {
		/* pkrmis_alloc(BYTES): prints whether the library got it */
		size_t n = strtoul(argv[2], NULL, 0);
		void *p = pkrmis_alloc(n, 7);
		printf("alloc %zu: %s\n", n, p ? "ok" : "NULL");
		if (p)
			pkrmis_release(p, n, 7);
		return 0;
	} else if (!strcmp(case_name, "heaplock") && argc >= 3) {
		heap_faults = !(argc > 3 && !strcmp(argv[3], "nofault"));
		case_heaplock(strtod(argv[2], NULL));
	} else if (!strcmp(case_name, "reset")) {
		case_reset();
	} else if (!strcmp(case_name, "longjmp") && argc >= 3) {
		return case_longjmp(strcmp(argv[2], "jump") != 0, !strcmp(argv[2], "bogus"),
				    argc > 3 && !strcmp(argv[3], "crash"));
	} else if (!strcmp(case_name, "fork")) {
		return case_fork();
	} else if (!strcmp(case_name, "exit")) {
		return case_exit();
	} else if (!strcmp(case_name, "probe")) {
		return case_probe(argc > 2 ? argv[2] : NULL);
	} else if (!strcmp(case_name, "resethand")) {
		return case_resethand();
	} else if (!strcmp(case_name, "segvign")) {
		return case_segvign();
	} else if (!strcmp(case_name, "sigbus") && argc == 3) {
		case_sigbus(argv[2]);
	} else if (!strcmp(case_name, "stress") && argc == 4) {
		case_stress(strtod(argv[2], NULL), (unsigned)strtoul(argv[3], NULL, 0));
	} else if (!strcmp(case_name, "jumpcb") && argc == 3) {
		case_jumpcb(atoi(argv[2]));
	} else if (!strcmp(case_name, "jumpsig") && argc == 3) {
		case_jumpsig(atoi(argv[2]));
	} else if (!strcmp(case_name, "sigwindow") && (argc == 3 || argc == 4)) {
		case_sigwindow(strtod(argv[2], NULL), argc == 4 ? strtol(argv[3], NULL, 0) : 100);
	} else {
		usage();
	}
	return verdict();
}
