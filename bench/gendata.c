/* gendata: writes N MiB of deterministic mixed data to stdout, the input of
 * the compression workloads.  The same N gives the same bytes on every
 * machine (own PRNG, no locale, no libc random).
 *
 * The data is a sequence of 64 KiB blocks, each of one kind picked by the
 * PRNG: text made of words from a generated vocabulary with a skewed
 * frequency (about 45%), fixed-size binary records with slowly changing
 * fields (25%), random bytes that do not compress (15%), a short pattern
 * repeated with rare edits (10%), zeros (5%).  Mixed data like this keeps
 * every compressor busy in more than one of its code paths. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK (64u * 1024u)
#define NWORDS 4096

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: small, fast and fully specified. */
static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static unsigned rng_below(unsigned n)
{
	return (unsigned)((rng() >> 32) % n);
}

static char words[NWORDS][12];

static void make_vocabulary(void)
{
	static const char letters[] = "etaoinshrdlcumwfgypbvkjxqz";

	for (unsigned w = 0; w < NWORDS; w++) {
		unsigned len = 2 + rng_below(9);

		for (unsigned i = 0; i < len; i++) {
			/* Favour the frequent letters: min of two draws. */
			unsigned a = rng_below(26), b = rng_below(26);

			words[w][i] = letters[a < b ? a : b];
		}
		words[w][len] = '\0';
	}
}

/* A word index with a Zipf-like skew: small indices are much more likely. */
static unsigned pick_word(void)
{
	unsigned r = rng_below(NWORDS);

	return (unsigned)(((uint64_t)r * r * r) / ((uint64_t)NWORDS * NWORDS));
}

static void fill_text(unsigned char *p, size_t n)
{
	size_t i = 0, col = 0;
	int start = 1;

	while (i < n) {
		const char *w = words[pick_word()];
		size_t len = strlen(w);

		for (size_t k = 0; k < len && i < n; k++) {
			char c = w[k];

			if (start && k == 0)
				c = (char)(c - 'a' + 'A');
			p[i++] = (unsigned char)c;
		}
		start = 0;
		col += len + 1;
		if (i >= n)
			break;
		if (rng_below(12) == 0) {
			p[i++] = '.';
			start = 1;
		} else if (rng_below(10) == 0 && i < n) {
			p[i++] = ',';
		}
		if (i < n) {
			p[i++] = col > 72 ? '\n' : ' ';
			if (col > 72)
				col = 0;
		}
	}
}

static void fill_records(unsigned char *p, size_t n)
{
	static uint32_t counter;
	static uint32_t base = 1000000;

	for (size_t i = 0; i + 16 <= n; i += 16) {
		uint32_t rec[4];

		rec[0] = counter++;
		base += rng_below(16);
		rec[1] = base;
		rec[2] = rng_below(256);
		rec[3] = 0x10000u * rng_below(4) + (counter & 0xff);
		memcpy(p + i, rec, sizeof rec);
	}
}

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = rng();

		memcpy(p + i, &v, n - i < 8 ? n - i : 8);
	}
}

static void fill_pattern(unsigned char *p, size_t n)
{
	unsigned char pat[64];
	unsigned plen = 8 + rng_below(57);

	fill_random(pat, plen);
	for (size_t i = 0; i < n; i++)
		p[i] = pat[i % plen];
	for (unsigned e = 0; e < 32; e++)
		p[rng_below((unsigned)n)] = (unsigned char)rng();
}

int main(int argc, char **argv)
{
	static unsigned char block[BLOCK];
	unsigned long mib;
	char *end;

	if (argc != 2) {
		fprintf(stderr, "usage: gendata MIB > FILE\n");
		return 2;
	}
	errno = 0;
	mib = strtoul(argv[1], &end, 10);
	if (errno || *end || mib == 0 || mib > 65536) {
		fprintf(stderr, "gendata: bad size '%s' (MiB, 1..65536)\n",
			argv[1]);
		return 2;
	}
	make_vocabulary();
	for (unsigned long b = 0; b < mib * 16; b++) {
		unsigned kind = rng_below(100);

		if (kind < 45)
			fill_text(block, BLOCK);
		else if (kind < 70)
			fill_records(block, BLOCK);
		else if (kind < 85)
			fill_random(block, BLOCK);
		else if (kind < 95)
			fill_pattern(block, BLOCK);
		else
			memset(block, 0, BLOCK);
		if (fwrite(block, 1, BLOCK, stdout) != BLOCK) {
			perror("gendata: write");
			return 1;
		}
	}
	if (fflush(stdout) != 0) {
		perror("gendata: write");
		return 1;
	}
	return 0;
}
