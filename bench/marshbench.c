/* marshbench: the cost of an annotated `out` buffer crossing the boundary,
 * per call, by size: bench_fill(buf, n) of libbenchnop.so, which writes
 * every byte.  Under a read- or none-mode policy that annotates it
 * (`function bench_fill (out [arg2], -)`) the shim either copies the
 * buffer into the domain and back or lends its pages (`lend`); the same
 * sizes plain, in write mode and with each choice give the crossover.
 *
 *   marshbench [-r REPS] [-t MS] [-n ITERS] [SIZE...]
 *
 * SIZE in bytes (default 4K 16K 64K 256K 1M 4M 16M).  Each buffer starts
 * 16 bytes into a malloc'd block, as malloc hands them out (not page
 * aligned).  Result lines "fill_SIZE ns-per-call" (benchutil.h), and
 * "# check ok|bad" (the buffer holds the library's bytes after a call).
 * Single-threaded on purpose: the shim lends pages only while the process
 * has one thread. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchnop.h"
#include "benchutil.h"

struct fillctx {
	unsigned char *buf;
	size_t n;
};

static void fill_loop(void *ctx, uint64_t n)
{
	struct fillctx *c = ctx;

	for (uint64_t i = 0; i < n; i++)
		bench_sink += bench_fill(c->buf, c->n);
}

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M')
		v <<= 20, end++;
	if (*end || v == 0 || v > (1ull << 30))
		return 0;
	return (size_t)v;
}

int main(int argc, char **argv)
{
	static const char *const dflt[] = { "4K", "16K", "64K", "256K", "1M", "4M", "16M" };
	const char *sizes[32];
	size_t nsizes = 0;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		int r = bench_parse_common(argc, argv, &i);

		if (r < 0) {
			fprintf(stderr, "marshbench: bad option value\n");
			return 2;
		}
		if (r == 0 && nsizes < 32)
			sizes[nsizes++] = argv[i];
	}
	if (!nsizes)
		for (size_t i = 0; i < sizeof dflt / sizeof dflt[0]; i++)
			sizes[nsizes++] = dflt[i];
	for (size_t i = 0; i < nsizes; i++) {
		size_t n = parse_size(sizes[i]);
		unsigned char *block;
		struct fillctx c;
		char name[64];

		if (!n) {
			fprintf(stderr, "marshbench: bad size '%s'\n", sizes[i]);
			return 2;
		}
		block = malloc(n + 64);
		if (!block)
			return 1;
		c.buf = block + 16;
		c.n = n;
		memset(block, 0, n + 64);
		snprintf(name, sizeof name, "fill_%s", sizes[i]);
		bench_measure(name, fill_loop, &c);
		for (size_t k = 0; k < n && !bad; k++)
			bad = c.buf[k] != 0x5a;
		bad |= block[15] != 0 || block[16 + n] != 0;
		free(block);
	}
	printf("# check %s\n", bad ? "bad" : "ok");
	return bad;
}
