/* procbench: the process-isolation baselines.  A child process serves
 * nop(int) from libbenchnop.so; the parent calls it remotely, one request
 * and one reply at a time, over
 *   - shared memory, with FUTEX_WAIT/FUTEX_WAKE for every hand-over
 *     (proc_futex_nop), and
 *   - a pair of pipes, 4 bytes each way (proc_pipe_nop).
 * The figure is nanoseconds per round trip (a remote call).
 *
 *   procbench [-r REPS] [-t MS] [-n ITERS] [--only futex|pipe]
 *             [--pin same|split]
 *
 * Where the two processes run changes the figure several times over: on
 * one CPU every hand-over is a context switch, on two it is a cross-CPU
 * wake-up.  Unpinned (the default), the scheduler decides; --pin same puts
 * both on the first CPU this process may use, --pin split the parent on
 * the first and the child on the second.  The names of pinned results end
 * in _samecpu or _splitcpu.
 *
 * Result lines: see benchutil.h. */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchnop.h"
#include "benchutil.h"

/* ---- placement ---- */

static const char *suffix = "";	/* "", "_samecpu" or "_splitcpu" */
static int cpu_parent = -1, cpu_child = -1;

static void pin_to(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set) != 0)
		perror("procbench: sched_setaffinity");
}

/* Picks the CPUs for --pin MODE; returns -1 (with a reason) if the
 * placement is impossible here. */
static int choose_cpus(const char *mode, const char **why)
{
	cpu_set_t set;
	int first = -1, second = -1;

	if (sched_getaffinity(0, sizeof set, &set) != 0) {
		*why = "sched_getaffinity failed";
		return -1;
	}
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set)) {
			if (first < 0)
				first = c;
			else if (second < 0)
				second = c;
		}
	if (strcmp(mode, "same") == 0) {
		cpu_parent = cpu_child = first;
		suffix = "_samecpu";
		return 0;
	}
	suffix = "_splitcpu";
	if (second < 0) {
		*why = "this process may run on one CPU only";
		return -1;
	}
	cpu_parent = first;
	cpu_child = second;
	return 0;
}

static void result_name(char *buf, size_t len, const char *base)
{
	snprintf(buf, len, "%s%s", base, suffix);
}

/* ---- shared memory + futex ---- */

/* The request and the reply words sit on their own cache lines. */
struct chan {
	_Alignas(64) _Atomic uint32_t req;	/* sequence number of the request */
	int arg;
	int stop;
	_Alignas(64) _Atomic uint32_t resp;	/* sequence number answered */
	int ret;
};

static long futex(_Atomic uint32_t *addr, int op, uint32_t val)
{
	/* Not FUTEX_PRIVATE_FLAG: the word is shared between processes. */
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static void futex_server(struct chan *c)
{
	uint32_t seen = 0;

	for (;;) {
		uint32_t v;

		while ((v = atomic_load_explicit(&c->req,
						  memory_order_acquire)) == seen)
			futex(&c->req, FUTEX_WAIT, seen);
		seen = v;
		if (c->stop)
			_exit(0);
		c->ret = nop(c->arg);
		atomic_store_explicit(&c->resp, v, memory_order_release);
		futex(&c->resp, FUTEX_WAKE, 1);
	}
}

static struct chan *fchan;
static uint32_t fseq;

static int futex_call(int x)
{
	struct chan *c = fchan;
	uint32_t s = ++fseq, v;

	c->arg = x;
	atomic_store_explicit(&c->req, s, memory_order_release);
	futex(&c->req, FUTEX_WAKE, 1);
	while ((v = atomic_load_explicit(&c->resp, memory_order_acquire)) != s)
		futex(&c->resp, FUTEX_WAIT, v);
	return c->ret;
}

static void loop_futex(void *ctx, uint64_t n)
{
	int s = 0;

	for (uint64_t i = 0; i < n; i++)
		s += futex_call((int)i);
	bench_sink = (uint64_t)s;
}

static int run_futex(void)
{
	pid_t pid;
	int st;

	fchan = mmap(NULL, sizeof *fchan, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fchan == MAP_FAILED) {
		perror("procbench: mmap");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("procbench: fork");
		return 1;
	}
	if (pid == 0) {
		pin_to(cpu_child);
		futex_server(fchan);
	}
	if (futex_call(4242) != 4242) {
		fprintf(stderr, "procbench: futex server returned a wrong "
			"value\n");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 1;
	}
	char name[64];

	result_name(name, sizeof name, "proc_futex_nop");
	bench_measure(name, loop_futex, NULL);
	fchan->stop = 1;
	atomic_store_explicit(&fchan->req, ++fseq, memory_order_release);
	futex(&fchan->req, FUTEX_WAKE, 1);
	waitpid(pid, &st, 0);
	munmap(fchan, sizeof *fchan);
	return 0;
}

/* ---- pipes ---- */

static int to_child[2], from_child[2];

static int full_io(int write_side, int fd, int *v)
{
	char *p = (char *)v;
	size_t done = 0;

	while (done < sizeof *v) {
		ssize_t r = write_side ? write(fd, p + done, sizeof *v - done)
				       : read(fd, p + done, sizeof *v - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

static void pipe_server(void)
{
	int x;

	close(to_child[1]);
	close(from_child[0]);
	while (full_io(0, to_child[0], &x) == 0) {
		x = nop(x);
		if (full_io(1, from_child[1], &x) != 0)
			break;
	}
	_exit(0);
}

static int pipe_call(int x)
{
	if (full_io(1, to_child[1], &x) != 0 ||
	    full_io(0, from_child[0], &x) != 0) {
		perror("procbench: pipe");
		exit(1);
	}
	return x;
}

static void loop_pipe(void *ctx, uint64_t n)
{
	int s = 0;

	for (uint64_t i = 0; i < n; i++)
		s += pipe_call((int)i);
	bench_sink = (uint64_t)s;
}

static int run_pipe(void)
{
	pid_t pid;

	if (pipe(to_child) != 0 || pipe(from_child) != 0) {
		perror("procbench: pipe");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("procbench: fork");
		return 1;
	}
	if (pid == 0) {
		pin_to(cpu_child);
		pipe_server();
	}
	close(to_child[0]);
	close(from_child[1]);
	if (pipe_call(-4242) != -4242) {
		fprintf(stderr, "procbench: pipe server returned a wrong "
			"value\n");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 1;
	}
	char name[64];

	result_name(name, sizeof name, "proc_pipe_nop");
	bench_measure(name, loop_pipe, NULL);
	close(to_child[1]);	/* the server sees EOF and exits */
	close(from_child[0]);
	waitpid(pid, NULL, 0);
	return 0;
}

int main(int argc, char **argv)
{
	int do_futex = 1, do_pipe = 1, rc = 0;
	const char *pin = NULL;

	bench_target_ms = 100;
	bench_reps = 7;
	for (int i = 1; i < argc; i++) {
		int r = bench_parse_common(argc, argv, &i);

		if (r > 0)
			continue;
		if (r == 0 && strcmp(argv[i], "--pin") == 0 && i + 1 < argc &&
		    (strcmp(argv[i + 1], "same") == 0 ||
		     strcmp(argv[i + 1], "split") == 0)) {
			pin = argv[++i];
			continue;
		}
		if (r == 0 && strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			i++;
			do_futex = strcmp(argv[i], "futex") == 0;
			do_pipe = strcmp(argv[i], "pipe") == 0;
			if (do_futex || do_pipe)
				continue;
		}
		fprintf(stderr, "usage: procbench [-r REPS] [-t MS] "
			"[-n ITERS] [--only futex|pipe] [--pin same|split]\n");
		return 2;
	}
	if (pin) {
		const char *why = NULL;

		if (choose_cpus(pin, &why) != 0) {
			char name[64];

			if (do_futex) {
				result_name(name, sizeof name, "proc_futex_nop");
				bench_not_measured(name, why);
			}
			if (do_pipe) {
				result_name(name, sizeof name, "proc_pipe_nop");
				bench_not_measured(name, why);
			}
			return 0;
		}
		pin_to(cpu_parent);
	}
	printf("# procbench: ns per remote nop() call (round trip); median, "
	       "min, max of %u repetitions\n", bench_reps);
	fflush(stdout);
	if (do_futex)
		rc |= run_futex();
	if (do_pipe)
		rc |= run_pipe();
	return rc;
}
