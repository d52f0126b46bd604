/* wallbench: whole-program wall time of shell commands, interleaved.
 *
 *   wallbench [-r RUNS] [-w WARMUP] NAME COMMAND [NAME COMMAND]...
 *
 * Each COMMAND runs with /bin/sh -c.  The commands take turns (round robin:
 * A B A B ...), so a slow phase of a shared machine hits them alike rather
 * than all the runs of one.  WARMUP rounds (default 1) are not counted.
 * A command that exits with a non-zero status or dies is reported as not
 * measured (and not run again): a failed run is no timing.
 *
 * Prints, per command, "NAME median min max" in nanoseconds per run, then
 * "# NAME runs: t1 t2 ..." (every run, in order).  Result lines: see
 * benchutil.h. */
#include "config.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "benchutil.h"

extern char **environ;

/* Runs one command; returns its wall time in ns, or -1 (and sets *why). */
static double run_cmd(const char *cmd, char *why, size_t whylen)
{
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)cmd, NULL };
	uint64_t t0 = bench_now_ns();
	pid_t pid;
	int st, e;

	e = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
	if (e != 0) {
		snprintf(why, whylen, "posix_spawn: %s", strerror(e));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFSIGNALED(st)) {
		snprintf(why, whylen, "failed: killed by signal %d (%s)",
			 WTERMSIG(st), strsignal(WTERMSIG(st)));
		return -1;
	}
	if (WEXITSTATUS(st) != 0) {
		snprintf(why, whylen, "failed: exit status %d",
			 WEXITSTATUS(st));
		return -1;
	}
	return (double)(bench_now_ns() - t0);
}

int main(int argc, char **argv)
{
	unsigned runs = 5, warmup = 1;
	int i = 1, ncmd;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "-r") == 0)
			runs = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "-w") == 0)
			warmup = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else
			break;
	}
	ncmd = (argc - i) / 2;
	if (ncmd < 1 || (argc - i) % 2 || runs < 1 || runs > 1000) {
		fprintf(stderr, "usage: wallbench [-r RUNS] [-w WARMUP] "
			"NAME COMMAND [NAME COMMAND]...\n");
		return 2;
	}

	const char **name = calloc((size_t)ncmd, sizeof *name);
	const char **cmd = calloc((size_t)ncmd, sizeof *cmd);
	double *t = calloc((size_t)ncmd * runs, sizeof *t);
	char (*why)[160] = calloc((size_t)ncmd, sizeof *why);

	if (!name || !cmd || !t || !why)
		return 1;
	for (int k = 0; k < ncmd; k++) {
		name[k] = argv[i + 2 * k];
		cmd[k] = argv[i + 2 * k + 1];
	}
	for (unsigned r = 0; r < warmup + runs; r++)
		for (int k = 0; k < ncmd; k++) {
			double v;

			if (why[k][0])
				continue;	/* failed before */
			v = run_cmd(cmd[k], why[k], sizeof why[k]);
			if (v < 0) {
				char tmp[160];

				snprintf(tmp, sizeof tmp, "%s (run %u)",
					 why[k], r + 1);
				memcpy(why[k], tmp, sizeof tmp);
				continue;
			}
			if (r >= warmup)
				t[(size_t)k * runs + (r - warmup)] = v;
		}
	for (int k = 0; k < ncmd; k++) {
		if (why[k][0]) {
			bench_not_measured(name[k], why[k]);
			continue;
		}
		printf("# %s runs:", name[k]);
		for (unsigned r = 0; r < runs; r++)
			printf(" %.0f", t[(size_t)k * runs + r]);
		printf("\n");
		bench_emit(name[k], t + (size_t)k * runs, runs);
	}
	return 0;
}
