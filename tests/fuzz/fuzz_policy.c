/* fuzz_policy.c - libFuzzer target for the policy parser.
 *
 * The input is parsed as "fuzz/top.policy".  Includes are served from a
 * small table in memory (never from disk): a few fixed files, some of
 * which include each other, and "self.policy", which is the input
 * itself, so that include nesting, cycles and repeats are reached with
 * fuzzed text.  On top of "no crash, no leak, no undefined behaviour" it
 * checks the parser's promises: a model exactly when there is no error,
 * at most PKR_MAX_ERRORS + 1 errors, every message formats.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

struct input {
	const uint8_t *data;
	size_t size;
};

static const struct {
	const char *path;
	const char *text;
} files[] = {
	{ "fuzz/common.policy", "heap 1M\nstack 64K\nfunction f fault-return 1 errno EIO\n" },
	{ "fuzz/lzma.policy", "domain lzma\n library liblzma.so.5\n include common.policy\n" },
	{ "fuzz/loop.policy", "include sub/loop2.policy\n" },
	{ "fuzz/sub/loop2.policy", "include ../loop.policy\n" },
	{ "fuzz/sub/deep.policy", "include deep.policy\n" },
	{ "fuzz/bad.policy", "domain x\n libary y\n" },
};

static int read_file(void *ctx, const char *path, char **buf, size_t *len)
{
	const struct input *in = ctx;
	const char *text = NULL;
	size_t n = 0;

	if (strcmp(path, "fuzz/self.policy") == 0) {
		text = (const char *)in->data;
		n = in->size;
	}
	for (size_t i = 0; !text && i < sizeof files / sizeof files[0]; i++)
		if (strcmp(path, files[i].path) == 0) {
			text = files[i].text;
			n = strlen(text);
		}
	if (!text)
		return ENOENT;
	*buf = malloc(n + 1);
	if (!*buf)
		return ENOMEM;
	memcpy(*buf, text, n);
	*len = n;
	return 0;
}

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

static void exercise(const struct pkr_policy *p)
{
	for (size_t i = 0; i < p->ndomains; i++) {
		const struct pkr_domain_policy *d = &p->domains[i];

		check(d->nlibraries > 0);
		check(d->heap >= PKR_HEAP_MIN && d->heap <= PKR_HEAP_MAX);
		check(d->stack >= PKR_STACK_MIN && d->stack <= PKR_STACK_MAX);
		check(d->stack_args <= PKR_STACK_ARGS_MAX && d->stack_args % 8 == 0);
		for (size_t j = 0; j < d->nlibraries; j++)
			(void)pkr_policy_library_matches(d->libraries[j],
							 "/usr/lib/liblzma.so.5", "liblzma.so.5");
		for (size_t j = 0; j < d->nfunctions; j++) {
			struct pkr_retval r = pkr_policy_fault_return(d, d->functions[j].name);

			check(r.err != PKR_ERRNO_INHERIT);
			check(pkr_policy_function(d, d->functions[j].name) == &d->functions[j]);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct pkr_parse_env env = { read_file, &in, NULL };
	struct pkr_diags diags;
	struct pkr_policy *p;
	char line[512];

	pkr_diags_init(&diags);
	p = pkr_policy_parse("fuzz/top.policy", (const char *)data, size, &env, &diags);
	check((p != NULL) == (diags.nerrors == 0));
	check(diags.nerrors <= PKR_MAX_ERRORS + 1);
	for (size_t i = 0; i < diags.n; i++) {
		int n = pkr_diag_format(&diags.v[i], line, sizeof line);

		check(n > 0);
		check(diags.v[i].msg && diags.v[i].msg[0]);
	}
	if (p)
		exercise(p);
	pkr_policy_free(p);
	pkr_diags_free(&diags);
	return 0;
}
