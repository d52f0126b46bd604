/* brotlipipe.c - compress or decompress standard input to standard
 * output with the shared libbrotlienc/libbrotlidec streaming API.
 *
 * Usage: brotlipipe -c [QUALITY] | -d
 *
 * Debian's brotli(1) is linked statically with the brotli code, so the
 * shim has nothing to isolate in it; this program is the smallest
 * ordinary client of the shared libraries (it is built like any
 * application, with no knowledge of pkrewind), and the tests check its
 * output against the real brotli(1) in both directions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/decode.h>
#include <brotli/encode.h>

#define BUFSZ 65536

static unsigned char inbuf[BUFSZ], outbuf[BUFSZ];

static int flush_out(size_t n)
{
	if (n > 0 && fwrite(outbuf, 1, n, stdout) != n) {
		perror("brotlipipe: write");
		return -1;
	}
	return 0;
}

static int compress(int quality)
{
	BrotliEncoderState *s = BrotliEncoderCreateInstance(NULL, NULL, NULL);
	int eof = 0, status = 1;
	size_t avail_in = 0;
	const uint8_t *next_in = inbuf;

	if (s == NULL) {
		fprintf(stderr, "brotlipipe: cannot create the encoder\n");
		return 1;
	}
	if (!BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, (uint32_t)quality) ||
	    !BrotliEncoderSetParameter(s, BROTLI_PARAM_LGWIN, 22)) {
		fprintf(stderr, "brotlipipe: bad encoder parameter\n");
		goto out;
	}
	for (;;) {
		size_t avail_out = BUFSZ;
		uint8_t *next_out = outbuf;

		if (avail_in == 0 && !eof) {
			avail_in = fread(inbuf, 1, BUFSZ, stdin);
			next_in = inbuf;
			if (ferror(stdin)) {
				perror("brotlipipe: read");
				goto out;
			}
			eof = feof(stdin);
		}
		if (!BrotliEncoderCompressStream(s, eof ? BROTLI_OPERATION_FINISH
						      : BROTLI_OPERATION_PROCESS,
						 &avail_in, &next_in, &avail_out,
						 &next_out, NULL)) {
			fprintf(stderr, "brotlipipe: compression failed\n");
			goto out;
		}
		if (flush_out(BUFSZ - avail_out) != 0)
			goto out;
		if (BrotliEncoderIsFinished(s))
			break;
	}
	status = 0;
out:
	BrotliEncoderDestroyInstance(s);
	return status;
}

static int decompress(void)
{
	BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
	BrotliDecoderResult r = BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT;
	size_t avail_in = 0;
	const uint8_t *next_in = inbuf;
	int status = 1;

	if (s == NULL) {
		fprintf(stderr, "brotlipipe: cannot create the decoder\n");
		return 1;
	}
	for (;;) {
		size_t avail_out = BUFSZ;
		uint8_t *next_out = outbuf;

		if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
			if (feof(stdin)) {
				fprintf(stderr, "brotlipipe: truncated input\n");
				goto out;
			}
			avail_in = fread(inbuf, 1, BUFSZ, stdin);
			next_in = inbuf;
			if (ferror(stdin)) {
				perror("brotlipipe: read");
				goto out;
			}
		}
		r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out,
						  &next_out, NULL);
		if (flush_out(BUFSZ - avail_out) != 0)
			goto out;
		if (r == BROTLI_DECODER_RESULT_SUCCESS)
			break;
		if (r == BROTLI_DECODER_RESULT_ERROR) {
			fprintf(stderr, "brotlipipe: corrupt input: %s\n",
				BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s)));
			goto out;
		}
	}
	if (avail_in != 0 || fgetc(stdin) != EOF) {
		fprintf(stderr, "brotlipipe: trailing data after the stream\n");
		goto out;
	}
	status = 0;
out:
	BrotliDecoderDestroyInstance(s);
	return status;
}

int main(int argc, char **argv)
{
	int status;

	if (argc >= 2 && strcmp(argv[1], "-c") == 0 && argc <= 3) {
		int q = argc == 3 ? atoi(argv[2]) : 5;

		if (q < BROTLI_MIN_QUALITY || q > BROTLI_MAX_QUALITY) {
			fprintf(stderr, "brotlipipe: quality must be %d..%d\n",
				BROTLI_MIN_QUALITY, BROTLI_MAX_QUALITY);
			return 2;
		}
		status = compress(q);
	} else if (argc == 2 && strcmp(argv[1], "-d") == 0) {
		status = decompress();
	} else {
		fprintf(stderr, "usage: brotlipipe -c [QUALITY] | -d\n");
		return 2;
	}
	if (fflush(stdout) != 0) {
		perror("brotlipipe: write");
		return 1;
	}
	return status;
}
