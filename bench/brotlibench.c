/* brotlibench: a minimal `brotli -c` / `brotli -dc` (stdin to stdout) that
 * calls the shared libbrotlienc.so.1 / libbrotlidec.so.1.
 *
 * Why it exists: Debian's /usr/bin/brotli has the brotli library linked in
 * statically, so a policy naming libbrotlienc cannot isolate anything in
 * it.  This program streams like the command does (same quality and
 * window: -q 5 and lgwin 24 unless told otherwise).
 *
 *   brotlibench [-q QUALITY] [-w LGWIN] < in > out.br
 *   brotlibench -d < in.br > out */
#include "config.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUFSZ (1u << 19)

static unsigned char inbuf[BUFSZ], outbuf[BUFSZ];

static int write_all(const unsigned char *p, size_t n)
{
	if (n && fwrite(p, 1, n, stdout) != n) {
		perror("brotlibench: write");
		return -1;
	}
	return 0;
}

static int compress(int quality, int lgwin)
{
	BrotliEncoderState *s = BrotliEncoderCreateInstance(NULL, NULL, NULL);
	int eof = 0, rc = 1;

	if (s == NULL)
		return 1;
	BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, (uint32_t)quality);
	BrotliEncoderSetParameter(s, BROTLI_PARAM_LGWIN, (uint32_t)lgwin);
	for (;;) {
		size_t avail_in = fread(inbuf, 1, BUFSZ, stdin);
		const uint8_t *next_in = inbuf;

		if (ferror(stdin)) {
			perror("brotlibench: read");
			goto out;
		}
		eof = feof(stdin);
		do {
			size_t avail_out = BUFSZ;
			uint8_t *next_out = outbuf;

			if (!BrotliEncoderCompressStream(s,
			    eof ? BROTLI_OPERATION_FINISH
				: BROTLI_OPERATION_PROCESS,
			    &avail_in, &next_in, &avail_out, &next_out, NULL)) {
				fprintf(stderr, "brotlibench: compression "
					"failed\n");
				goto out;
			}
			if (write_all(outbuf, BUFSZ - avail_out) != 0)
				goto out;
		} while (avail_in > 0 || BrotliEncoderHasMoreOutput(s));
		if (eof && BrotliEncoderIsFinished(s))
			break;
	}
	rc = 0;
out:
	BrotliEncoderDestroyInstance(s);
	return rc;
}

static int decompress(void)
{
	BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
	BrotliDecoderResult r = BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT;
	size_t avail_in = 0;
	const uint8_t *next_in = inbuf;
	int rc = 1;

	if (s == NULL)
		return 1;
	for (;;) {
		size_t avail_out = BUFSZ;
		uint8_t *next_out = outbuf;

		if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
			if (feof(stdin)) {
				fprintf(stderr, "brotlibench: truncated "
					"input\n");
				goto out;
			}
			avail_in = fread(inbuf, 1, BUFSZ, stdin);
			next_in = inbuf;
			if (ferror(stdin)) {
				perror("brotlibench: read");
				goto out;
			}
		}
		r = BrotliDecoderDecompressStream(s, &avail_in, &next_in,
						  &avail_out, &next_out, NULL);
		if (write_all(outbuf, BUFSZ - avail_out) != 0)
			goto out;
		if (r == BROTLI_DECODER_RESULT_SUCCESS)
			break;
		if (r == BROTLI_DECODER_RESULT_ERROR) {
			fprintf(stderr, "brotlibench: corrupt input: %s\n",
				BrotliDecoderErrorString(
					BrotliDecoderGetErrorCode(s)));
			goto out;
		}
	}
	rc = 0;
out:
	BrotliDecoderDestroyInstance(s);
	return rc;
}

int main(int argc, char **argv)
{
	int quality = 5, lgwin = 24, dec = 0, opt, rc;

	while ((opt = getopt(argc, argv, "dq:w:")) != -1) {
		switch (opt) {
		case 'd': dec = 1; break;
		case 'q': quality = atoi(optarg); break;
		case 'w': lgwin = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: brotlibench [-q Q] [-w LGWIN] "
				"| -d   (stdin to stdout)\n");
			return 2;
		}
	}
	if (quality < 0 || quality > 11 || lgwin < 10 || lgwin > 24) {
		fprintf(stderr, "brotlibench: quality 0..11, lgwin 10..24\n");
		return 2;
	}
	rc = dec ? decompress() : compress(quality, lgwin);
	if (fflush(stdout) != 0) {
		perror("brotlibench: write");
		rc = 1;
	}
	return rc;
}
