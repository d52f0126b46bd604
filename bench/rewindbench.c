/* rewindbench: what a fault in an isolated library costs the program.
 * Meant to run under the shim with a policy that isolates libbenchnop.so in
 * `trusted-memory write` mode (the library writes a time stamp into the
 * program's memory just before it faults).  Without the shim the first
 * fault kills the process: run `probe` first.
 *
 *   rewindbench probe VALUE [ERRNO]
 *                               one faulting call; exit 0 if it returned
 *                               VALUE (the policy's fault-return), 1 if
 *                               not, 3 if it did but errno is not ERRNO
 *                               (a number; the policy's errno)
 *   rewindbench reset-probe VALUE [ERRNO]
 *                               also checks that the library's data came
 *                               back to its initial value (on-fault reset)
 *   rewindbench rewind VALUE [-r N] [-N NAME]
 *                               N faults; prints NAME_latency (fault to
 *                               caller resumed) and NAME_call (whole
 *                               faulting call), ns
 *   rewindbench reset VALUE MIB [-r N] [-N NAME]
 *                               N times: the library dirties MIB MiB of its
 *                               heap, then faults; prints NAME (fault to
 *                               caller resumed, ns)
 *
 * Result lines: see benchutil.h. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchnop.h"
#include "benchutil.h"

static long expect;	/* the policy's fault-return for the library */

static char why[160];	/* why a measurement stopped */

/* One faulting call; returns 0 if the caller got `expect` back. */
static int fault_once(uint64_t *stamp, uint64_t *after)
{
	long r;

	r = bench_fault_stamp(stamp);
	*after = bench_rdtsc();
	if (r != (int)expect) {
		snprintf(why, sizeof why, "a faulting call returned %ld, not "
			 "the policy's fault-return %ld", r, expect);
		return -1;
	}
	return 0;
}

static int cmd_probe(int check_reset, int want_errno)
{
	int r, e;

	if (check_reset)
		bench_state_set(42);
	errno = 0;
	r = bench_fault(1);
	e = errno;
	printf("probe\treturned %d\terrno %d (%s)\n", r, e, strerror(e));
	if (r != (int)expect)
		return 1;
	if (check_reset) {
		int s = bench_state_get();

		printf("probe\tstate after fault %d (initial %d)\n", s,
		       BENCH_STATE_INITIAL);
		if (s != BENCH_STATE_INITIAL)
			return 1;
	}
	return want_errno >= 0 && e != want_errno ? 3 : 0;
}

static int cmd_rewind(unsigned reps, const char *name)
{
	double per_ns = bench_tsc_per_ns();
	double *lat = calloc(reps, sizeof *lat), *call = calloc(reps, sizeof *call);
	char buf[128];

	if (lat == NULL || call == NULL)
		return 1;
	for (unsigned i = 0; i < reps + 10; i++) {
		uint64_t stamp = 0, before, after;

		before = bench_rdtsc();
		if (fault_once(&stamp, &after) != 0) {
			snprintf(buf, sizeof buf, "%s_latency", name);
			bench_not_measured(buf, why);
			snprintf(buf, sizeof buf, "%s_call", name);
			bench_not_measured(buf, why);
			return 1;
		}
		if (i < 10)
			continue;	/* warm-up */
		lat[i - 10] = (double)(after - stamp) / per_ns;
		call[i - 10] = (double)(after - before) / per_ns;
	}
	snprintf(buf, sizeof buf, "%s_latency", name);
	bench_emit(buf, lat, reps);
	snprintf(buf, sizeof buf, "%s_call", name);
	bench_emit(buf, call, reps);
	return 0;
}

static int cmd_reset(long mib, unsigned reps, const char *name)
{
	double per_ns = bench_tsc_per_ns();
	double *lat = calloc(reps, sizeof *lat);

	if (lat == NULL)
		return 1;
	for (unsigned i = 0; i < reps + 1; i++) {
		uint64_t stamp = 0, after;
		long d = bench_dirty(mib);

		if (d != mib) {
			snprintf(why, sizeof why, "the library could not "
				 "malloc and dirty %ld MiB (bench_dirty "
				 "returned %ld)", mib, d);
			bench_not_measured(name, why);
			return 1;
		}
		if (fault_once(&stamp, &after) != 0) {
			bench_not_measured(name, why);
			return 1;
		}
		if (i > 0)
			lat[i - 1] = (double)(after - stamp) / per_ns;
	}
	bench_emit(name, lat, reps);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: rewindbench probe|reset-probe VALUE [ERRNO]\n"
		"       rewindbench rewind VALUE [-r N] [-N NAME]\n"
		"       rewindbench reset VALUE MIB [-r N] [-N NAME]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd, *name = NULL;
	unsigned reps = 0;
	long mib = 0;
	int i = 3;
	char *end;

	if (argc < 3)
		return usage();
	cmd = argv[1];
	expect = strtol(argv[2], &end, 0);
	if (*end)
		return usage();
	if (strcmp(cmd, "probe") == 0 || strcmp(cmd, "reset-probe") == 0) {
		int want = -1;

		if (argc == 4)
			want = (int)strtol(argv[3], &end, 10);
		if (argc > 4 || (argc == 4 && *end))
			return usage();
		return cmd_probe(cmd[0] == 'r', want);
	}
	if (strcmp(cmd, "reset") == 0) {
		if (argc < 4)
			return usage();
		mib = strtol(argv[3], &end, 10);
		if (*end || mib < 0)
			return usage();
		i = 4;
	} else if (strcmp(cmd, "rewind") != 0) {
		return usage();
	}
	for (; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			reps = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-N") == 0 && i + 1 < argc)
			name = argv[++i];
		else
			return usage();
	}
	if (strcmp(cmd, "rewind") == 0)
		return cmd_rewind(reps ? reps : 2000, name ? name : "rewind");
	return cmd_reset(mib, reps ? reps : 7, name ? name : "reset");
}
