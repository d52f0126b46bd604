/* sodiumbench: a libsodium workload for whole-program timing with and
 * without the shim.
 *
 *   sodiumbench small    1,000,000 crypto_secretbox_easy of 64-byte messages
 *   sodiumbench large    1,000 crypto_secretbox_easy of 1 MiB messages
 *   sodiumbench both
 *   (-c COUNT overrides the number of messages, for quick runs)
 *
 * Key, nonces and messages are deterministic, and the program prints a
 * checksum of every ciphertext it made, so two runs (plain and isolated)
 * can be compared for identical results.  Exactly one libsodium call per
 * message (the nonce is incremented by the program itself). */
#include "config.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void next_nonce(unsigned char *n)
{
	for (size_t i = 0; i < crypto_secretbox_NONCEBYTES; i++)
		if (++n[i] != 0)
			break;
}

/* FNV-1a over a few bytes of each ciphertext (the MAC and the first and
 * last words): cheap next to the encryption, and any change shows. */
static uint64_t mix(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static int run(const char *label, size_t msglen, unsigned long count)
{
	unsigned char key[crypto_secretbox_KEYBYTES];
	unsigned char nonce[crypto_secretbox_NONCEBYTES];
	unsigned char *m = malloc(msglen);
	unsigned char *c = malloc(msglen + crypto_secretbox_MACBYTES);
	uint64_t h = 0xcbf29ce484222325ull;
	size_t clen = msglen + crypto_secretbox_MACBYTES;

	if (m == NULL || c == NULL) {
		fprintf(stderr, "sodiumbench: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)(i * 7 + 1);
	memset(nonce, 0, sizeof nonce);
	for (size_t i = 0; i < msglen; i++)
		m[i] = (unsigned char)(i * 31 + (i >> 8));

	for (unsigned long k = 0; k < count; k++) {
		m[0] = (unsigned char)k;
		if (crypto_secretbox_easy(c, m, msglen, nonce, key) != 0) {
			fprintf(stderr, "sodiumbench: crypto_secretbox_easy "
				"failed at message %lu\n", k);
			return 1;
		}
		h = mix(h, c, 16 + 8);
		h = mix(h, c + clen - 8, 8);
		next_nonce(nonce);
	}
	printf("%s: %lu messages of %zu bytes, checksum %016llx\n", label,
	       count, msglen, (unsigned long long)h);
	free(m);
	free(c);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count = 0;
	const char *what = argc > 1 ? argv[1] : "";
	int rc = 0;

	if (argc == 4 && strcmp(argv[2], "-c") == 0)
		count = strtoul(argv[3], NULL, 10);
	else if (argc != 2)
		what = "";
	if (strcmp(what, "small") && strcmp(what, "large") &&
	    strcmp(what, "both")) {
		fprintf(stderr, "usage: sodiumbench small|large|both "
			"[-c COUNT]\n");
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "sodiumbench: sodium_init failed\n");
		return 1;
	}
	if (strcmp(what, "large"))
		rc |= run("small", 64, count ? count : 1000000);
	if (strcmp(what, "small"))
		rc |= run("large", 1u << 20, count ? count : 1000);
	return rc;
}
