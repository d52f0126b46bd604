/* cli_learn.c - `pkrewind learn -p BASE -o OUT [--] COMMAND [ARGS...]`:
 * run COMMAND (and what it runs) with BASE's domains in read mode and the
 * shim in learn mode (learn.h), then write OUT: BASE's text with every
 * domain in read mode and the argument annotations the run showed, each
 * with how often it was seen.  man/pkrewind.1, "LEARN".
 *
 * What can be learned: buffers the library writes that an argument points
 * at (a constant length, or one that another argument gives, in bytes or
 * elements), and arguments that are program functions the library calls
 * and that write the program's memory (`callback`).  Writes through a
 * pointer inside a struct an argument points at become a struct block
 * (the field, the field that is its length, the size its watched reads
 * and writes show), shared by the functions handed the same address; a
 * commented block with SIZE to fill in when no read was watched.  Other
 * writes no argument points at are listed as comments to annotate by
 * hand.  Only the top file of BASE is
 * edited.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cliutil.h"
#include "learn.h"
#include "log.h"
#include "policy.h"
#include "policyfile.h"

#define SW PKR_LEARN_SW              /* struct words per record (learn.h) */

struct seen {
	char dom[64], fn[256];
	int arg;                      /* 1..6, 0: no argument */
	int field;                    /* word of the struct arg points at, -1 */
	bool callback;
	uint64_t extent, count, a[6];
	uint32_t cand, varies;
	uint32_t wcand, wvaries;      /* the struct's u64 words, u32 halves */
	uint64_t hcand, hvaries;      /* that could be the length */
	uint64_t w[SW];               /* the struct when extent was reached */
	uint64_t rextent;             /* field -1: the furthest byte read (watched) */
	uint32_t wdec, wdecbad;       /* went down by what was written / */
	uint64_t hdec, hdecbad;       /* changed otherwise (learn.c) */
};

static struct seen *seen;
static size_t nseen, seencap;

/* One record line of the shim (learn.h); merged by (domain, function,
 * argument, kind). */
static void add_line(const char *line)
{
	struct seen s = { 0 };
	char kind[16];
	unsigned long long ext, count, a[6], hcand, hvar;
	unsigned cand, varies;
	unsigned long wcand, wvar;
	int used = 0;
	const char *p;

	if (sscanf(line, "%63s %255s %d %15s %llu %llu %u %u %llu %llu %llu %llu %llu %llu "
		   "%d %lx %lx %llx %llx%n",
		   s.dom, s.fn, &s.arg, kind, &ext, &count, &cand, &varies,
		   &a[0], &a[1], &a[2], &a[3], &a[4], &a[5],
		   &s.field, &wcand, &wvar, &hcand, &hvar, &used) != 19)
		return;
	p = line + used;
	for (int g = 0; g < SW; g++) {
		unsigned long long v;
		int k = 0;

		if (sscanf(p, " %llx%n", &v, &k) != 1)
			return;
		s.w[g] = v;
		p += k;
	}
	{
		unsigned long long rx, hd, hdb;
		unsigned long wd, wdb;

		if (sscanf(p, " %llu %lx %lx %llx %llx", &rx, &wd, &wdb, &hd, &hdb) != 5)
			return;
		s.rextent = rx;
		s.wdec = (uint32_t)wd;
		s.wdecbad = (uint32_t)wdb;
		s.hdec = hd;
		s.hdecbad = hdb;
	}
	s.callback = !strcmp(kind, "callback");
	for (size_t i = 0; i < nseen; i++) {
		struct seen *o = &seen[i];

		if (strcmp(o->dom, s.dom) || strcmp(o->fn, s.fn) || o->arg != s.arg ||
		    o->field != s.field || o->callback != s.callback)
			continue;
		if (ext > o->extent) {
			o->extent = ext;
			for (int j = 0; j < 6; j++)
				o->a[j] = a[j];
			memcpy(o->w, s.w, sizeof o->w);
		}
		o->count += count;
		o->cand &= cand;
		o->varies |= varies;
		o->wcand &= (uint32_t)wcand;
		o->wvaries |= (uint32_t)wvar;
		o->hcand &= hcand;
		o->hvaries |= hvar;
		if (s.rextent > o->rextent)
			o->rextent = s.rextent;
		o->wdec |= s.wdec;
		o->wdecbad |= s.wdecbad;
		o->hdec |= s.hdec;
		o->hdecbad |= s.hdecbad;
		return;
	}
	s.wcand = (uint32_t)wcand;
	s.wvaries = (uint32_t)wvar;
	s.hcand = hcand;
	s.hvaries = hvar;
	s.extent = ext;
	s.count = count;
	s.cand = cand;
	s.varies = varies;
	for (int j = 0; j < 6; j++)
		s.a[j] = a[j];
	if (nseen == seencap) {
		seencap = seencap ? 2 * seencap : 64;
		seen = xrealloc(seen, seencap * sizeof *seen);
	}
	seen[nseen++] = s;
}

/* The length of a write record: another argument (bytes or elements)
 * when its value covers what was written to within one element, else
 * the constant extent. */
static void length_of(const struct seen *s, char *buf, size_t n)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };

	for (int pass = 0; pass < 2; pass++)
		for (int j = 0; j < 6; j++) {
			if (!(s->cand & (1u << j)) || j == s->arg - 1 || !s->a[j])
				continue;
			/* Prefer an argument whose value changed between calls. */
			if (pass == 0 && !(s->varies & (1u << j)))
				continue;
			for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
				uint64_t v = s->a[j] * sizes[k];

				/* within one element above, or the learned
				 * rounding (to 4 bytes) below */
				if (v + 3 >= s->extent && v < s->extent + sizes[k]) {
					if (sizes[k] == 1)
						snprintf(buf, n, "arg%d", j + 1);
					else
						snprintf(buf, n, "arg%d x %u", j + 1, sizes[k]);
					return;
				}
			}
		}
	snprintf(buf, n, "%" PRIu64, s->extent);
}

/* The length of a write through a pointer field: another field of the
 * struct (a u64 word or a u32 half, bytes or elements) that covers what
 * was written, as length_of does for arguments; its offset and type in
 * *off and *u32.  False if none does. */
static bool field_length_of(const struct seen *s, unsigned *off, bool *u32, unsigned *size)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	uint32_t wd = s->wcand & s->wdec & ~s->wdecbad;
	uint64_t hd = s->hcand & s->hdec & ~s->hdecbad;

	/* A field that went down by exactly what each call wrote is the
	 * space left (avail_out), whatever the run's largest write was. */
	for (unsigned g = 0; g < SW; g++)
		if (wd & (1u << g)) {
			/* its low half went down the same way and its high half
			 * never counted: a u32 (z_stream's avail_out) with
			 * padding after it */
			*u32 = (hd & (1ull << (2 * g))) && !(s->hdec & (1ull << (2 * g + 1)));
			*off = 8 * g;
			*size = 1;
			return true;
		}
	for (unsigned h = 0; h < 2 * SW; h++)
		if (hd & (1ull << h)) {
			*off = 4 * h;
			*u32 = true;
			*size = 1;
			return true;
		}

	for (int pass = 0; pass < 2; pass++)
		for (unsigned h = 0; h < 3 * SW; h++) {
			/* the u64 words first, then the u32 halves */
			bool half = h >= SW;
			unsigned k = half ? h - SW : h;     /* k < 2 SW for halves */
			uint64_t v;

			if (half ? (k >= 2 * SW || !(s->hcand & (1ull << k)) ||
				    (pass == 0 && !(s->hvaries & (1ull << k))))
				 : (!(s->wcand & (1u << k)) ||
				    (pass == 0 && !(s->wvaries & (1u << k)))))
				continue;
			v = half ? pkr_learn_half(s->w, k) : s->w[k];
			if (!v)
				continue;
			for (size_t j = 0; j < sizeof sizes / sizeof sizes[0]; j++)
				if (v * sizes[j] + 3 >= s->extent && v * sizes[j] < s->extent + sizes[j]) {
					*off = half ? 4 * k : 8 * k;
					*u32 = half;
					*size = sizes[j];
					return true;
				}
		}
	return false;
}

/* The LEN of a field write's `out [LEN]` in buf: its length field
 * (named lenOFFSET) or the constant extent.  True with the length
 * field's offset, type and element size when there is one. */
static bool field_len_text(const struct seen *s, char *buf, size_t n, unsigned *loff,
			   bool *u32, unsigned *size)
{
	bool have = field_length_of(s, loff, u32, size);

	if (have && *size > 1)
		snprintf(buf, n, "len%u x %u", *loff, *size);
	else if (have)
		snprintf(buf, n, "len%u", *loff);
	else
		snprintf(buf, n, "%" PRIu64, s->extent);
	return have;
}

/* A struct to declare for writes through the pointer at word s->field of
 * what argument s->arg points at: a commented block, for the user to
 * complete with the struct's real size (reads are not watched, so the
 * run cannot tell how much of the struct the library uses). */
static void struct_advice(FILE *o, const struct seen *s)
{
	unsigned loff = 0, size = 1;
	bool u32 = false;
	char len[64];
	bool have = field_len_text(s, len, sizeof len, &loff, &u32, &size);
	fprintf(o, "    # learned: %s wrote through the pointer at offset %d of what argument %d "
		"points at (%" PRIu64 " times, up to %" PRIu64 " bytes past it)",
		s->fn, 8 * s->field, s->arg, s->count, s->extent);
	if (have)
		fprintf(o, ";\n    #   its length looks like the %s at offset %u%s",
			u32 ? "u32" : "u64", loff, size > 1 ? " (in elements)" : "");
	fprintf(o, ".  A struct annotation covers it: give the struct its real size\n"
		"    #   (its C definition's sizeof), add what else the library writes, and use\n"
		"    #   it for argument %d of %s and of the functions taking the same struct:\n"
		"    # struct %s_arg%d size SIZE\n"
		"    #     field ptr%d %d out [%s]\n",
		s->arg, s->fn, s->fn, s->arg, 8 * s->field, 8 * s->field, len);
	if (have)
		fprintf(o, "    #     field len%u %u %s\n", loff, loff, u32 ? "u32" : "u64");
}

/* The record of (dom, fn, arg, field -1): writes to the argument's own
 * memory and its watched reads; NULL if none. */
static const struct seen *direct_of(const char *dom, const char *fn, int arg)
{
	for (size_t i = 0; i < nseen; i++)
		if (!strcmp(seen[i].dom, dom) && !strcmp(seen[i].fn, fn) && seen[i].arg == arg &&
		    seen[i].field < 0 && !seen[i].callback)
			return &seen[i];
	return NULL;
}

/* The size of the struct argument `arg` of fn points at, when learn
 * mode watched its reads and a pointer field was written through: the
 * furthest byte read or written, and every field found, rounded up to 8
 * bytes.  0 when unknown. */
static uint64_t struct_size(const char *dom, const char *fn, int arg)
{
	const struct seen *d = direct_of(dom, fn, arg);
	uint64_t size;
	bool fields = false;

	if (!d || !d->rextent)
		return 0;
	size = d->rextent > d->extent ? d->rextent : d->extent;
	for (size_t i = 0; i < nseen; i++) {
		const struct seen *s = &seen[i];
		unsigned loff, esize;
		bool u32;

		if (strcmp(s->dom, dom) || strcmp(s->fn, fn) || s->arg != arg || s->field < 0)
			continue;
		fields = true;
		if ((uint64_t)8 * s->field + 8 > size)
			size = (uint64_t)8 * s->field + 8;
		if (field_length_of(s, &loff, &u32, &esize) && loff + (u32 ? 4u : 8u) > size)
			size = loff + (u32 ? 4u : 8u);
	}
	return fields ? (size + 7) & ~(uint64_t)7 : 0;
}

/* The struct (fn, arg) uses: its own when it wrote through a pointer
 * field (a root), else a root's when the argument held the same address
 * as that root's in the calls that wrote furthest (lzma_end, inflateInit:
 * the same lzma_stream or z_stream, which must be the same copy for the
 * library - zlib checks strm->state->strm == strm).  NULL if none. */
static const struct seen *struct_root(const char *dom, const char *fn, int arg)
{
	const struct seen *d = direct_of(dom, fn, arg);

	if (struct_size(dom, fn, arg))
		return d;
	if (!d || d->arg < 1 || !d->a[d->arg - 1])
		return NULL;
	for (size_t i = 0; i < nseen; i++) {
		const struct seen *r = &seen[i];

		if (!strcmp(r->dom, dom) && r->field < 0 && !r->callback && r->arg >= 1 &&
		    r->a[r->arg - 1] == d->a[d->arg - 1] && struct_size(dom, r->fn, r->arg))
			return r;
	}
	return NULL;
}

/* A root's size, with what the functions sharing its struct wrote and
 * read. */
static uint64_t group_size(const char *dom, const struct seen *root)
{
	uint64_t size = struct_size(dom, root->fn, root->arg);

	for (size_t i = 0; i < nseen; i++) {
		const struct seen *s = &seen[i];
		uint64_t e = s->extent > s->rextent ? s->extent : s->rextent;

		if (!strcmp(s->dom, dom) && s->field < 0 && !s->callback && s->arg >= 1 &&
		    struct_root(dom, s->fn, s->arg) == root && e > size)
			size = e;
	}
	return (size + 7) & ~(uint64_t)7;
}

/* The struct block for argument `arg` of fn (struct_size known). */
static void struct_block(FILE *o, const char *dom, const char *fn, int arg, uint64_t size)
{
	unsigned lens[SW * 2];
	size_t nlens = 0;

	fprintf(o, "    struct %s_arg%d size %" PRIu64 "    # learned: the bytes %s read and "
		"wrote; check against its C definition\n", fn, arg, size, fn);
	for (size_t i = 0; i < nseen; i++) {
		const struct seen *s = &seen[i];
		unsigned loff = 0, esize = 1;
		bool u32 = false, have;
		char len[64];

		if (strcmp(s->dom, dom) || strcmp(s->fn, fn) || s->arg != arg || s->field < 0)
			continue;
		have = field_len_text(s, len, sizeof len, &loff, &u32, &esize);
		fprintf(o, "        field ptr%d %d out [%s]    # learned: seen %" PRIu64 " times\n",
			8 * s->field, 8 * s->field, len, s->count);
		if (have) {
			bool dup = false;

			for (size_t k = 0; k < nlens; k++)
				dup |= lens[k] == loff;
			if (!dup && nlens < sizeof lens / sizeof lens[0]) {
				lens[nlens++] = loff;
				fprintf(o, "        field len%u %u %s\n", loff, loff, u32 ? "u32" : "u64");
			}
		}
	}
}

/* The argument list learned for (dom, fn), or false if none. */
static bool args_of(const char *dom, const char *fn, char *buf, size_t n, uint64_t *count)
{
	char arg[6][320];
	int top = 0;

	*count = 0;
	for (int i = 0; i < 6; i++)
		strcpy(arg[i], "-");
	for (size_t i = 0; i < nseen; i++) {
		const struct seen *s = &seen[i];

		if (strcmp(s->dom, dom) || strcmp(s->fn, fn) || s->arg < 1 || s->arg > 6 ||
		    s->field >= 0)
			continue;
		const struct seen *root = s->callback ? NULL : struct_root(dom, fn, s->arg);

		/* only read (watched), and no struct to declare: nothing to
		 * copy back */
		if (!s->callback && !s->extent && !root)
			continue;
		*count += s->count;
		if (s->callback)
			strcpy(arg[s->arg - 1], "callback");
		else if (root)
			snprintf(arg[s->arg - 1], sizeof arg[0], "struct %s_arg%d", root->fn, root->arg);
		else if (strcmp(arg[s->arg - 1], "callback")) {
			char len[48];

			length_of(s, len, sizeof len);
			snprintf(arg[s->arg - 1], sizeof arg[0], "inout [%s]", len);
		}
		if (s->arg > top)
			top = s->arg;
	}
	if (!top)
		return false;
	buf[0] = '\0';
	for (int i = 0; i < top; i++) {
		strncat(buf, i ? ", " : "(", n - strlen(buf) - 1);
		strncat(buf, arg[i], n - strlen(buf) - 1);
	}
	strncat(buf, ")", n - strlen(buf) - 1);
	return true;
}

/* A word at s (after blanks): its length if it is `w`. */
static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool starts_word(const char *s, const char *w, const char **after)
{
	size_t n = strlen(w);

	if (strncmp(s, w, n) || (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != '\n' &&
				 s[n] != '(' && s[n] != '#'))
		return false;
	*after = s + n;
	return true;
}

/* The new lines of domain `dom`, before the next domain block or at the
 * end: function lines for what has none, comments for writes no
 * argument points at. */
static void flush_domain(FILE *o, const char *dom, bool *done, unsigned *added,
			 unsigned *loose, unsigned *fields)
{
	for (size_t i = 0; i < nseen; i++) {
		char args[2048];
		uint64_t count;

		if (done[i] || strcmp(seen[i].dom, dom))
			continue;
		done[i] = true;
		if (seen[i].field >= 0 && seen[i].arg > 0) {
			if (struct_size(dom, seen[i].fn, seen[i].arg)) {
				/* one block for all the fields of that struct */
				struct_block(o, dom, seen[i].fn, seen[i].arg,
					     group_size(dom, direct_of(dom, seen[i].fn, seen[i].arg)));
				for (size_t k = i + 1; k < nseen; k++)
					if (!strcmp(seen[k].dom, dom) && !strcmp(seen[k].fn, seen[i].fn) &&
					    seen[k].arg == seen[i].arg && seen[k].field >= 0)
						done[k] = true;
			} else {
				struct_advice(o, &seen[i]);
			}
			(*fields)++;
			continue;
		}
		if (seen[i].arg == 0) {
			fprintf(o, "    # learned: %s wrote program memory that no argument "
				"points at (%" PRIu64 " times): a pointer inside a struct? "
				"annotate it by hand\n", seen[i].fn, seen[i].count);
			(*loose)++;
			continue;
		}
		for (size_t k = i + 1; k < nseen; k++)
			if (!strcmp(seen[k].dom, dom) && !strcmp(seen[k].fn, seen[i].fn) &&
			    seen[k].arg != 0 && seen[k].field < 0)
				done[k] = true;
		if (args_of(dom, seen[i].fn, args, sizeof args, &count)) {
			fprintf(o, "    function %s %s    # learned: seen %" PRIu64 " times\n",
				seen[i].fn, args, count);
			(*added)++;
		}
	}
}

/* OUT: BASE's lines with every trusted-memory line in read mode, learned
 * lists inserted after function names that have none, the rest at the
 * end of each domain's block (flush_domain). */
static void write_out(FILE *o, const char *base, const char *cmd)
{
	char cur[64] = "";
	bool *done = xmalloc(nseen + 1);
	const char *p = base;
	unsigned added = 0, annotated = 0, loose = 0, fields = 0;

	memset(done, 0, nseen + 1);
	fprintf(o, "# Learned by `pkrewind learn` from: %s\n"
		"# (lengths and callbacks as seen in that run: check them against the\n"
		"# library's documentation before relying on them)\n", cmd);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *w = skip_blank(p), *after;

		if (starts_word(w, "domain", &after)) {
			flush_domain(o, cur, done, &added, &loose, &fields);
			if (sscanf(after, " %63s", cur) != 1)
				cur[0] = '\0';
			fprintf(o, "%.*s\n", (int)len, p);
		} else if (starts_word(w, "trusted-memory", &after)) {
			fprintf(o, "%.*strusted-memory read\n", (int)(w - p), p);
		} else if (starts_word(w, "function", &after)) {
			const char *q = skip_blank(after), *e = q;
			char name[256], args[2048];
			uint64_t count;

			while (*e && *e != ' ' && *e != '\t' && *e != '(' && *e != '\n' && *e != '#')
				e++;
			snprintf(name, sizeof name, "%.*s", (int)(e - q), q);
			if (!memchr(e, '(', (size_t)(p + len - e)) &&
			    args_of(cur, name, args, sizeof args, &count)) {
				fprintf(o, "%.*s %s%.*s    # learned: seen %" PRIu64 " times\n",
					(int)(e - p), p, args, (int)(p + len - e), e, count);
				annotated++;
			} else {
				fprintf(o, "%.*s\n", (int)len, p);
			}
			for (size_t i = 0; i < nseen; i++)
				if (!strcmp(seen[i].dom, cur) && !strcmp(seen[i].fn, name) &&
				    seen[i].arg != 0 && seen[i].field < 0)
					done[i] = true;
		} else {
			fprintf(o, "%.*s\n", (int)len, p);
		}
		p += len + (nl ? 1 : 0);
	}
	flush_domain(o, cur, done, &added, &loose, &fields);
	free(done);
	fprintf(stderr, "pkrewind: learn: %u function line%s annotated, %u added, %u write%s "
		"through a pointer in a struct (a struct to declare: see the comments), %u write%s "
		"no argument points at\n", annotated, annotated == 1 ? "" : "s", added, fields,
		fields == 1 ? "" : "s", loose, loose == 1 ? "" : "s");
}

int pkr_cli_learn(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *base = NULL, *out = NULL;
	char rec[] = "/tmp/pkrewind-learn-XXXXXX", cmd[1024] = "", *text, *recs, *line;
	size_t len, rlen;
	int c, fd, status, err;
	pid_t pid;
	FILE *o;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'p': base = optarg; break;
		case 'o': out = optarg; break;
		default:
			pkr_log(PKR_LOG_ERROR, "learn: unknown option or missing value");
			fprintf(stderr, "usage: pkrewind learn -p BASE.policy -o OUT.policy "
				"[--] COMMAND [ARGS...]\n");
			return 2;
		}
	}
	if (!base || !out || optind >= argc) {
		fprintf(stderr, "usage: pkrewind learn -p BASE.policy -o OUT.policy "
			"[--] COMMAND [ARGS...]\n");
		return 2;
	}
	err = pkr_read_file(base, &text, &len);
	if (err) {
		pkr_log(PKR_LOG_ERROR, "learn: %s: %s", base, strerror(err));
		return 127;
	}
	for (int i = optind; i < argc; i++) {
		strncat(cmd, i > optind ? " " : "", sizeof cmd - strlen(cmd) - 1);
		strncat(cmd, argv[i], sizeof cmd - strlen(cmd) - 1);
	}
	fd = mkstemp(rec);
	if (fd < 0) {
		pkr_log(PKR_LOG_ERROR, "learn: cannot make a temporary file: %s", strerror(errno));
		return 127;
	}
	close(fd);

	/* The command, run as `pkrewind -p BASE -- COMMAND` would run it,
	 * with the shim in learn mode. */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		pkr_log(PKR_LOG_ERROR, "learn: fork: %s", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		char **av = xmalloc(((size_t)(argc - optind) + 5) * sizeof *av);
		int n = 0;

		/* The base as written: annotations the shipped policies
		 * would lend a bare domain are what is to be learned. */
		if (setenv("PKREWIND_LEARN", rec, 1) != 0 || setenv("PKREWIND_POLICIES", "", 1) != 0)
			_exit(127);
		av[n++] = argv[0];
		av[n++] = (char *)"-p";
		av[n++] = (char *)base;
		av[n++] = (char *)"--";
		for (int i = optind; i < argc; i++)
			av[n++] = argv[i];
		av[n] = NULL;
		_exit(pkr_cli_run(n, av));
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pkr_read_file(rec, &recs, &rlen) != 0)
		recs = NULL;
	unlink(rec);
	for (line = recs ? strtok(recs, "\n") : NULL; line; line = strtok(NULL, "\n"))
		add_line(line);
	free(recs);

	o = fopen(out, "w");
	if (!o) {
		pkr_log(PKR_LOG_ERROR, "learn: %s: %s", out, strerror(errno));
		free(text);
		return 127;
	}
	write_out(o, text, cmd);
	free(text);
	if (fclose(o) != 0) {
		pkr_log(PKR_LOG_ERROR, "learn: %s: %s", out, strerror(errno));
		return 127;
	}
	free(seen);
	/* The command's own status. */
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
