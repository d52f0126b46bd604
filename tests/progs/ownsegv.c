/* ownsegv.c - a program that handles its own SIGSEGV, next to a library
 * whose faults are rewound.
 *
 * Usage:
 *   ownsegv handler
 *     Installs a SIGSEGV handler (sigaction, SA_SIGINFO) that records the
 *     fault and siglongjmp()s out of it, then:
 *       1. writes through a NULL-based pointer in its own code: prints
 *          "own handler ran" if the handler got that fault, with the
 *          address written;
 *       2. calls pkrbug_null_deref(NULL), a library fault: prints
 *          "library call returned R errno NAME" and, if the handler ran
 *          for it, "own handler ran for the library's fault";
 *       3. repeats step 1 (the handler still works after a rewind).
 *     Exit status 0 if the handler ran exactly for the two own faults.
 *   ownsegv nohandler [segv|abort|fpe|trap]
 *     Calls pkrbug_null_deref(NULL) (under the shim: rewound, prints its
 *     result), prints "crashing" and then, in its own code and with no
 *     handler installed, writes through a NULL pointer (segv, the
 *     default), calls abort(), divides by zero or executes a trap
 *     instruction: the process must die of SIGSEGV, SIGABRT, SIGFPE or
 *     SIGILL as it would without the shim.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkrbug.h"

#define OWN_OFFSET 0x18         /* the own fault writes address 0x18 */

static sigjmp_buf env;
static volatile sig_atomic_t handler_runs;
static volatile uintptr_t fault_addr;
static volatile int fault_code;
/* Hidden from the optimiser, so that the NULL write stays a write. */
static int *volatile null_base;
static volatile int zero, one = 1;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	handler_runs++;
	fault_addr = (uintptr_t)si->si_addr;
	fault_code = si->si_code;
	siglongjmp(env, 1);
}

static int own_fault(void)
{
	int before = handler_runs;

	if (sigsetjmp(env, 1) == 0) {
		null_base[OWN_OFFSET / sizeof(int)] = 1;
		printf("own fault not caught: the write went through\n");
		return 1;
	}
	if (handler_runs != before + 1 || fault_addr != OWN_OFFSET ||
	    fault_code != SEGV_MAPERR) {
		printf("own handler ran with the wrong siginfo (runs %d, addr %#lx, code %d)\n",
		       handler_runs - before, (unsigned long)fault_addr, fault_code);
		return 1;
	}
	printf("own handler ran (address %#lx, SEGV_MAPERR)\n", (unsigned long)fault_addr);
	return 0;
}

static int library_fault(void)
{
	int before = handler_runs, r, e;
	const char *name;

	if (sigsetjmp(env, 1) != 0) {
		printf("own handler ran for the library's fault (address %#lx)\n",
		       (unsigned long)fault_addr);
		return 1;
	}
	errno = 0;
	r = pkrbug_null_deref(NULL);
	e = errno;
	name = strerrorname_np(e);
	printf("library call returned %d errno %s\n", r, name ? name : "0");
	return handler_runs != before;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int bad = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[1], "nohandler") != 0)) {
		fprintf(stderr, "usage: ownsegv handler|nohandler [segv|abort|fpe|trap]\n");
		return 2;
	}
	if (pkrbug_ok(5) != 10) {
		fprintf(stderr, "ownsegv: pkrbug_ok(5) != 10\n");
		return 2;
	}
	if (strcmp(argv[1], "nohandler") == 0) {
		const char *how = argc == 3 ? argv[2] : "segv";

		bad |= library_fault();
		printf("crashing\n");
		if (strcmp(how, "segv") == 0)
			null_base[OWN_OFFSET / sizeof(int)] = 1;
		else if (strcmp(how, "abort") == 0)
			abort();
		else if (strcmp(how, "fpe") == 0)
			printf("%d\n", one / zero);
		else if (strcmp(how, "trap") == 0)
			__builtin_trap();
		printf("survived (%s)\n", how);
		return 1;
	}
	if (strcmp(argv[1], "handler") != 0) {
		fprintf(stderr, "usage: ownsegv handler|nohandler\n");
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) != 0) {
		perror("ownsegv: sigaction");
		return 2;
	}
	bad |= own_fault();
	bad |= library_fault();
	bad |= own_fault();
	printf("handler runs: %d\n", (int)handler_runs);
	return bad || handler_runs != 2;
}
