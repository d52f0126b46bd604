/* mkdata.c - write deterministic test data for the compressor tests.
 *
 * Usage: mkdata SIZE [SEED]
 * Writes SIZE bytes to standard output: a sequence of 64 KiB blocks, each
 * one text-like (words, numbers, punctuation and newlines), random
 * (xorshift64* from SEED), or zeros, the kind chosen by the same generator.
 * The same SIZE and SEED always give the same bytes, on any machine, so a
 * test can compare compressed outputs from runs with and without the shim.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 65536

static uint64_t state;

static uint64_t next(void)
{
	/* xorshift64* (Vigna); never zero when seeded non-zero. */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545F4914F6CDD1Dull;
}

static const char *const words[] = {
	"protection", "key", "domain", "library", "rewind", "fault", "stack",
	"heap", "trampoline", "namespace", "the", "a", "of", "and", "to", "in",
	"is", "that", "for", "it", "with", "as", "was", "on", "be", "at", "by",
	"this", "from", "or", "have", "an", "but", "not", "which", "compress",
	"stream", "buffer", "pointer", "register", "signal", "thread", "memory",
	"page", "mapping", "symbol", "version", "relocation", "policy", "error",
	"value", "return", "argument", "caller", "callee", "global", "local",
	"read", "write", "none", "lzma", "bzip2", "brotli", "zlib",
};
#define NWORDS (sizeof words / sizeof words[0])

static void text_block(unsigned char *b, size_t n)
{
	size_t i = 0, col = 0;

	while (i < n) {
		uint64_t r = next();
		char tmp[32];
		const char *w;
		size_t len;

		if ((r & 15) == 0) {
			len = (size_t)snprintf(tmp, sizeof tmp, "%" PRIu64, (r >> 8) % 100000);
			w = tmp;
		} else {
			w = words[(r >> 4) % NWORDS];
			len = strlen(w);
		}
		for (size_t k = 0; k < len && i < n; k++, col++)
			b[i++] = (unsigned char)w[k];
		if (i < n) {
			if (col > 64 + (r >> 40) % 16) {
				b[i++] = (r >> 20) & 1 ? '.' : '\n';
				if (i < n && b[i - 1] == '.')
					b[i++] = '\n';
				col = 0;
			} else {
				b[i++] = ((r >> 24) & 31) == 0 ? ',' : ' ';
				col++;
			}
		}
	}
}

static void random_block(unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t r = next();
		size_t k = n - i < 8 ? n - i : 8;
		memcpy(b + i, &r, k);
	}
}

int main(int argc, char **argv)
{
	static unsigned char block[BLOCK];
	unsigned long long size, seed = 1;
	char *end;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: mkdata SIZE [SEED]\n");
		return 2;
	}
	errno = 0;
	size = strtoull(argv[1], &end, 0);
	if (errno || *end || end == argv[1]) {
		fprintf(stderr, "mkdata: bad size '%s'\n", argv[1]);
		return 2;
	}
	if (argc == 3) {
		seed = strtoull(argv[2], &end, 0);
		if (errno || *end || end == argv[2]) {
			fprintf(stderr, "mkdata: bad seed '%s'\n", argv[2]);
			return 2;
		}
	}
	state = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
	if (state == 0)
		state = 1;

	while (size > 0) {
		size_t n = size < BLOCK ? (size_t)size : BLOCK;
		uint64_t kind = next() % 8;

		if (kind < 5)           /* 5/8 text */
			text_block(block, n);
		else if (kind < 7)      /* 2/8 random */
			random_block(block, n);
		else                    /* 1/8 zeros */
			memset(block, 0, n);
		if (fwrite(block, 1, n, stdout) != n) {
			perror("mkdata: write");
			return 1;
		}
		size -= n;
	}
	if (fflush(stdout) != 0) {
		perror("mkdata: write");
		return 1;
	}
	return 0;
}
