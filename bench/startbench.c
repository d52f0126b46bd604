/* startbench: start-up cost and resident memory per domain.  The program
 * links the fifteen fixture libraries libbenchdom1..15.so; a policy with D
 * domains isolates the first D of them.
 *
 *   startbench run NAME [-r REPS] [-e VAR=VALUE]...
 *       the driver (run it without the shim): REPS times, it starts
 *       `startbench child` with the extra environment (LD_PRELOAD,
 *       PKREWIND_POLICY, GLIBC_TUNABLES...) and prints
 *         startup_first_NAME   exec to the first call returned, ns
 *         startup_all_NAME     exec to one call into each of the 15, ns
 *         rss_kib_NAME         VmRSS after those calls, KiB
 *         isolated_NAME        how many of the 15 libraries ran with a
 *                              PKRU different from the program's
 *   startbench child
 *       calls benchdom1, reads the clock, calls the other fourteen, reads
 *       the clock, compares each library's PKRU with its own and prints
 *       "T_FIRST T_ALL ISOLATED_MASK RSS_KIB" (CLOCK_MONOTONIC ns).
 *
 * Result lines: see benchutil.h. */
#include "config.h"

#include <errno.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchdom.h"
#include "benchutil.h"

extern char **environ;

static int child(void)
{
	uint64_t t_first, t_all;
	unsigned mask = 0, prog;
	int s;

	/* Every call goes through the PLT (never through a function pointer
	 * stored in data, which the shim cannot redirect). */
	s = benchdom1(1);
	t_first = bench_now_ns();
	s += benchdom2(1) + benchdom3(1) + benchdom4(1) + benchdom5(1);
	s += benchdom6(1) + benchdom7(1) + benchdom8(1) + benchdom9(1);
	s += benchdom10(1) + benchdom11(1) + benchdom12(1) + benchdom13(1);
	s += benchdom14(1) + benchdom15(1);
	t_all = bench_now_ns();
	if (s != 15 + 120) {
		fprintf(stderr, "startbench: the fixture libraries returned "
			"%d, expected 135\n", s);
		return 1;
	}

	prog = bench_rdpkru();
	unsigned got[BENCHDOM_COUNT] = {
		benchdom1_pkru(), benchdom2_pkru(), benchdom3_pkru(),
		benchdom4_pkru(), benchdom5_pkru(), benchdom6_pkru(),
		benchdom7_pkru(), benchdom8_pkru(), benchdom9_pkru(),
		benchdom10_pkru(), benchdom11_pkru(), benchdom12_pkru(),
		benchdom13_pkru(), benchdom14_pkru(), benchdom15_pkru(),
	};
	for (int k = 0; k < BENCHDOM_COUNT; k++)
		if (got[k] != prog)
			mask |= 1u << k;
	printf("%llu %llu %u %ld\n", (unsigned long long)t_first,
	       (unsigned long long)t_all, mask, bench_rss_kib());
	return fflush(stdout) == 0 ? 0 : 1;
}

static int popcount(unsigned v)
{
	return __builtin_popcount(v);
}

static int driver(const char *name, unsigned reps, char **extra, int nextra)
{
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char **env;
	size_t nenv = 0;
	double *first, *all, *rss, *iso;
	unsigned last_mask = 0;
	char buf[160];

	if (len <= 0) {
		perror("startbench: /proc/self/exe");
		return 1;
	}
	exe[len] = '\0';
	while (environ[nenv])
		nenv++;
	env = calloc(nenv + (size_t)nextra + 1, sizeof *env);
	first = calloc(reps, sizeof *first);
	all = calloc(reps, sizeof *all);
	rss = calloc(reps, sizeof *rss);
	iso = calloc(reps, sizeof *iso);
	if (!env || !first || !all || !rss || !iso)
		return 1;
	/* Extra variables first: they win over inherited ones of the same
	 * name (getenv returns the first match). */
	for (int k = 0; k < nextra; k++)
		env[k] = extra[k];
	memcpy(env + nextra, environ, nenv * sizeof *env);

	for (unsigned r = 0; r < reps; r++) {
		char *argv[] = { exe, (char *)"child", NULL };
		posix_spawn_file_actions_t fa;
		int fd[2], st;
		pid_t pid;
		char line[256];
		unsigned long long t_first, t_all;
		unsigned mask;
		long kib;
		uint64_t t0;
		FILE *f;

		if (pipe(fd) != 0)
			return 1;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
		posix_spawn_file_actions_addclose(&fa, fd[0]);
		posix_spawn_file_actions_addclose(&fa, fd[1]);
		t0 = bench_now_ns();
		errno = posix_spawn(&pid, exe, &fa, NULL, argv, env);
		posix_spawn_file_actions_destroy(&fa);
		close(fd[1]);
		if (errno != 0) {
			perror("startbench: posix_spawn");
			return 1;
		}
		f = fdopen(fd[0], "r");
		if (f == NULL || fgets(line, sizeof line, f) == NULL)
			line[0] = '\0';
		if (f)
			fclose(f);
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
		    sscanf(line, "%llu %llu %u %ld", &t_first, &t_all, &mask,
			   &kib) != 4) {
			char why[128];

			if (WIFSIGNALED(st))
				snprintf(why, sizeof why, "child killed by "
					 "signal %d", WTERMSIG(st));
			else
				snprintf(why, sizeof why, "child exited with "
					 "status %d", WEXITSTATUS(st));
			snprintf(buf, sizeof buf, "startup_first_%s", name);
			bench_not_measured(buf, why);
			return 1;
		}
		first[r] = (double)(t_first - t0);
		all[r] = (double)(t_all - t0);
		rss[r] = (double)kib;
		iso[r] = popcount(mask);
		last_mask = mask;
	}
	printf("# startbench %s: isolated-library mask %#x\n", name,
	       last_mask);
	snprintf(buf, sizeof buf, "startup_first_%s", name);
	bench_emit(buf, first, reps);
	snprintf(buf, sizeof buf, "startup_all_%s", name);
	bench_emit(buf, all, reps);
	snprintf(buf, sizeof buf, "rss_kib_%s", name);
	bench_emit(buf, rss, reps);
	snprintf(buf, sizeof buf, "isolated_%s", name);
	bench_emit(buf, iso, reps);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: startbench run NAME [-r REPS] "
		"[-e VAR=VALUE]...\n       startbench child\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned reps = 11;
	char *extra[64];
	int nextra = 0;

	if (argc == 2 && strcmp(argv[1], "child") == 0)
		return child();
	if (argc < 3 || strcmp(argv[1], "run") != 0)
		return usage();
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			reps = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc &&
			 strchr(argv[i + 1], '=') && nextra < 64)
			extra[nextra++] = argv[++i];
		else
			return usage();
	}
	if (reps == 0)
		return usage();
	return driver(argv[2], reps, extra, nextra);
}
