/* dwarfargs.c - argument kinds of exported functions from DWARF
 * (dwarfargs.h).  libdwfl finds the debug information (the file's own,
 * or a separate debug file by build-id or debuglink); libdw reads it.
 */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarfargs.h"

struct fn {
	char *name;
	Dwarf_Off off;            /* its DW_TAG_subprogram */
};

struct pkr_dwarf {
	Dwfl *dwfl;
	Dwarf *dw;
	struct fn *fns;
	size_t nfns, cap;
	char **handles;           /* structs exported functions return pointers to */
	size_t nhandles, hcap;
};

static char *debuginfo_path;
static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

static int fn_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fn *)a)->name, ((const struct fn *)b)->name);
}

static bool type_of(Dwarf_Die *die, Dwarf_Die *out);
static bool peel(Dwarf_Die *t, bool *is_const);

/* A function returning a pointer to a named struct makes that struct a
 * handle: the program gets it from the library and gives it back. */
static void note_handle(struct pkr_dwarf *d, Dwarf_Die *fn)
{
	Dwarf_Die t, p;
	bool c = false;
	const char *nm;

	if (!type_of(fn, &t) || !peel(&t, &c) || dwarf_tag(&t) != DW_TAG_pointer_type ||
	    !type_of(&t, &p) || !peel(&p, &c) || dwarf_tag(&p) != DW_TAG_structure_type ||
	    !(nm = dwarf_diename(&p)))
		return;
	for (size_t i = 0; i < d->nhandles; i++)
		if (!strcmp(d->handles[i], nm))
			return;
	if (d->nhandles == d->hcap) {
		d->hcap = d->hcap ? 2 * d->hcap : 16;
		d->handles = realloc(d->handles, d->hcap * sizeof *d->handles);
		if (!d->handles)
			abort();
	}
	if ((d->handles[d->nhandles] = strdup(nm)))
		d->nhandles++;
}

static bool is_handle(const struct pkr_dwarf *d, const char *nm)
{
	for (size_t i = 0; nm && i < d->nhandles; i++)
		if (!strcmp(d->handles[i], nm))
			return true;
	return false;
}

/* Every defined external function of the CU rooted at `cu`. */
static void collect(struct pkr_dwarf *d, Dwarf_Die *cu)
{
	Dwarf_Die die;

	if (dwarf_child(cu, &die) != 0)
		return;
	do {
		Dwarf_Attribute a;
		const char *name;
		bool ext;

		if (dwarf_tag(&die) != DW_TAG_subprogram || dwarf_hasattr(&die, DW_AT_declaration))
			continue;
		if (dwarf_formflag(dwarf_attr_integrate(&die, DW_AT_external, &a), &ext) != 0 || !ext)
			continue;
		name = dwarf_diename(&die);
		if (!name)
			continue;
		if (d->nfns == d->cap) {
			d->cap = d->cap ? 2 * d->cap : 256;
			d->fns = realloc(d->fns, d->cap * sizeof *d->fns);
			if (!d->fns)
				abort();
		}
		d->fns[d->nfns].name = strdup(name);
		d->fns[d->nfns].off = dwarf_dieoffset(&die);
		if (d->fns[d->nfns].name)
			d->nfns++;
		note_handle(d, &die);
	} while (dwarf_siblingof(&die, &die) == 0);
}

struct pkr_dwarf *pkr_dwarf_open(const char *path, const char **why)
{
	struct pkr_dwarf *d = calloc(1, sizeof *d);
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (!d) {
		*why = "out of memory";
		return NULL;
	}
	d->dwfl = dwfl_begin(&callbacks);
	if (!d->dwfl) {
		*why = "libdwfl could not start";
		free(d);
		return NULL;
	}
	mod = dwfl_report_offline(d->dwfl, "", path, -1);
	dwfl_report_end(d->dwfl, NULL, NULL);
	d->dw = mod ? dwfl_module_getdwarf(mod, &bias) : NULL;
	if (!d->dw) {
		*why = "no DWARF in the library or in a debug file for it (a -dbgsym package "
		       "puts one under /usr/lib/debug)";
		pkr_dwarf_close(d);
		return NULL;
	}
	while (dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(d->dw, off + hsize, &cu))
			collect(d, &cu);
		off = next;
	}
	if (d->nfns == 0) {
		*why = "DWARF without function entries";
		pkr_dwarf_close(d);
		return NULL;
	}
	qsort(d->fns, d->nfns, sizeof *d->fns, fn_cmp);
	return d;
}

void pkr_dwarf_close(struct pkr_dwarf *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nfns; i++)
		free(d->fns[i].name);
	free(d->fns);
	for (size_t i = 0; i < d->nhandles; i++)
		free(d->handles[i]);
	free(d->handles);
	if (d->dwfl)
		dwfl_end(d->dwfl);
	free(d);
}

/* The type a DIE's DW_AT_type names, or false (void). */
static bool type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out);
}

/* Through typedefs and qualifiers; *is_const if a const was passed. */
static bool peel(Dwarf_Die *t, bool *is_const)
{
	for (int n = 0; n < 32; n++) {
		int tag = dwarf_tag(t);

		if (tag == DW_TAG_const_type)
			*is_const = true;
		else if (tag != DW_TAG_typedef && tag != DW_TAG_volatile_type &&
			 tag != DW_TAG_restrict_type && tag != DW_TAG_atomic_type)
			return true;
		if (!type_of(t, t))
			return false;   /* const void */
	}
	return false;
}

/* A C spelling of a type, short: "const char *", "struct lzma_stream *",
 * "fn *". */
static void type_name(Dwarf_Die *die, char *buf, size_t n)
{
	Dwarf_Die t;
	char inner[96];
	const char *nm;

	if (!type_of(die, &t)) {
		snprintf(buf, n, "void");
		return;
	}
	switch (dwarf_tag(&t)) {
	case DW_TAG_pointer_type:
		type_name(&t, inner, sizeof inner);
		snprintf(buf, n, "%.100s *", inner);
		return;
	case DW_TAG_const_type:
		type_name(&t, inner, sizeof inner);
		snprintf(buf, n, "const %.100s", inner);
		return;
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
		type_name(&t, buf, n);
		return;
	case DW_TAG_subroutine_type:
		snprintf(buf, n, "fn");
		return;
	case DW_TAG_structure_type:
		nm = dwarf_diename(&t);
		snprintf(buf, n, "struct %s", nm ? nm : "?");
		return;
	case DW_TAG_union_type:
		nm = dwarf_diename(&t);
		snprintf(buf, n, "union %s", nm ? nm : "?");
		return;
	case DW_TAG_enumeration_type:
		nm = dwarf_diename(&t);
		snprintf(buf, n, "enum %s", nm ? nm : "?");
		return;
	default:
		nm = dwarf_diename(&t);
		snprintf(buf, n, "%s", nm ? nm : "?");
	}
}

/* Does the struct have a pointer member (the library may follow it)? */
static bool has_pointer_member(Dwarf_Die *st)
{
	Dwarf_Die m, t;
	bool c = false;

	if (dwarf_child(st, &m) != 0)
		return false;
	do {
		if (dwarf_tag(&m) == DW_TAG_member && type_of(&m, &t) && peel(&t, &c) &&
		    dwarf_tag(&t) == DW_TAG_pointer_type)
			return true;
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

/* Is the parameter an integer (a count or a length)? */
static bool is_integer(Dwarf_Die *param)
{
	Dwarf_Die t;
	Dwarf_Attribute a;
	Dwarf_Word enc;
	bool c = false;

	return param && type_of(param, &t) && peel(&t, &c) && dwarf_tag(&t) == DW_TAG_base_type &&
	       dwarf_formudata(dwarf_attr_integrate(&t, DW_AT_encoding, &a), &enc) == 0 &&
	       (enc == DW_ATE_unsigned || enc == DW_ATE_signed);
}

/* The kind of parameter number `argn` (1-based among the integer ones;
 * `next` the parameter after it, or NULL); *known false for a buffer of
 * unknown length.  A writable buffer followed by an integer is taken to
 * be that long (in elements of its type's size). */
static void kind_of(const struct pkr_dwarf *d, Dwarf_Die *param, Dwarf_Die *next, int argn,
		    char *buf, size_t n, bool *known)
{
	Dwarf_Die t, p;
	bool c = false, pc = false;
	Dwarf_Word size;
	Dwarf_Attribute a;

	*known = true;
	snprintf(buf, n, "-");
	if (!type_of(param, &t) || !peel(&t, &c) || dwarf_tag(&t) != DW_TAG_pointer_type)
		return;
	if (!type_of(&t, &p)) {               /* void *: opaque unless sized */
		if (is_integer(next))
			snprintf(buf, n, "inout [arg%d]", argn + 1);
		return;
	}
	if (!peel(&p, &pc))                   /* const void * */
		return;
	switch (dwarf_tag(&p)) {
	case DW_TAG_subroutine_type:
		snprintf(buf, n, "callback");
		return;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		if (dwarf_hasattr(&p, DW_AT_declaration) || is_handle(d, dwarf_diename(&p))) {
			snprintf(buf, n, "handle");
			return;
		}
		if (!pc && has_pointer_member(&p)) {
			/* next_out and friends: a struct block, by hand */
			snprintf(buf, n, "struct %s", dwarf_diename(&p) ? dwarf_diename(&p) : "?");
			*known = false;
			return;
		}
		break;
	default:
		break;
	}
	size = 0;
	if (dwarf_formudata(dwarf_attr_integrate(&p, DW_AT_byte_size, &a), &size) != 0)
		size = 0;
	if (pc) {
		if (dwarf_tag(&p) == DW_TAG_base_type && size == 1 && !is_integer(next))
			snprintf(buf, n, "string");
		return;                         /* read only: nothing to copy */
	}
	if (is_integer(next) && dwarf_tag(&p) != DW_TAG_structure_type) {
		if (size <= 1)
			snprintf(buf, n, "inout [arg%d]", argn + 1);
		else
			snprintf(buf, n, "inout [arg%d x %llu]", argn + 1, (unsigned long long)size);
		return;
	}
	if (size <= 1) {                        /* char *, uint8_t *: a buffer */
		snprintf(buf, n, "inout [LEN?]");
		*known = false;
		return;
	}
	snprintf(buf, n, "inout [%llu]", (unsigned long long)size);
}

/* 1: a floating-point parameter; 2: a struct or union by value; 0 else. */
static int by_value(Dwarf_Die *param)
{
	Dwarf_Die t;
	Dwarf_Attribute a;
	Dwarf_Word enc;
	bool c = false;

	if (!type_of(param, &t) || !peel(&t, &c))
		return 0;
	switch (dwarf_tag(&t)) {
	case DW_TAG_base_type:
		if (dwarf_formudata(dwarf_attr_integrate(&t, DW_AT_encoding, &a), &enc) == 0 &&
		    (enc == DW_ATE_float || enc == DW_ATE_complex_float))
			return 1;
		return 0;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		return 2;
	default:
		return 0;
	}
}

/* The size of a struct or union returned by value through the hidden
 * pointer (more than 16 bytes), else 0. */
static uint64_t sret_size(Dwarf_Die *fn)
{
	Dwarf_Die t;
	Dwarf_Attribute a;
	Dwarf_Word size;
	bool c = false;

	if (!type_of(fn, &t) || !peel(&t, &c))
		return 0;
	if (dwarf_tag(&t) != DW_TAG_structure_type && dwarf_tag(&t) != DW_TAG_union_type)
		return 0;
	if (dwarf_formudata(dwarf_attr_integrate(&t, DW_AT_byte_size, &a), &size) != 0)
		return 0;
	return size > 16 ? size : 0;
}

bool pkr_dwarf_args(struct pkr_dwarf *d, const char *name, char *proto, size_t pn,
		    char *list, size_t ln, bool *complete)
{
	struct fn key = { .name = (char *)name }, *f;
	Dwarf_Die fn, par;
	char ret[128], ty[128], kind[48];
	size_t pl, ll;
	int nargs = 0, last = 0, nparams = 0;
	char kinds[16][48];
	uint64_t sret;

	f = bsearch(&key, d->fns, d->nfns, sizeof *d->fns, fn_cmp);
	if (!f || !dwarf_offdie(d->dw, f->off, &fn))
		return false;
	type_name(&fn, ret, sizeof ret);
	pl = (size_t)snprintf(proto, pn, "%s %s(", ret, name);
	*complete = true;
	/* A struct of more than 16 bytes comes back through a hidden first
	 * argument. */
	sret = sret_size(&fn);
	if (sret) {
		snprintf(kinds[0], sizeof kinds[0], "sret %llu", (unsigned long long)sret);
		nargs = last = 1;
	}
	if (dwarf_child(&fn, &par) == 0) {
		do {
			const char *pn2;
			bool known;

			if (dwarf_tag(&par) != DW_TAG_formal_parameter)
				continue;
			type_name(&par, ty, sizeof ty);
			pn2 = dwarf_diename(&par);
			if (pl < pn)
				pl += (size_t)snprintf(proto + pl, pn - pl, "%s%s%s%s", nparams ? ", " : "",
						       ty, pn2 ? " " : "", pn2 ? pn2 : "");
			nparams++;
			switch (by_value(&par)) {
			case 1:                 /* a float: not an integer register */
				continue;
			case 2:                 /* a struct by value: where it goes varies */
				*complete = false;
				break;
			}
			{
				Dwarf_Die nx;
				bool have_next = dwarf_siblingof(&par, &nx) == 0 &&
						 dwarf_tag(&nx) == DW_TAG_formal_parameter;

				kind_of(d, &par, have_next ? &nx : NULL, nargs + 1, kind, sizeof kind,
					&known);
			}
			if (!known)
				*complete = false;
			if (nargs < 16)
				snprintf(kinds[nargs], sizeof kinds[0], "%s", kind);
			nargs++;
			if (strcmp(kind, "-"))
				last = nargs;
		} while (dwarf_siblingof(&par, &par) == 0);
	}
	if (pl < pn)
		snprintf(proto + pl, pn - pl, "%s)", nparams ? "" : "void");
	list[0] = '\0';
	if (last > 10) {                        /* past what annotations reach */
		last = 10;
		*complete = false;
	}
	ll = 0;
	for (int i = 0; i < last && i < 16; i++)
		if (ll < ln)
			ll += (size_t)snprintf(list + ll, ln - ll, "%s%s", i ? ", " : "(", kinds[i]);
	if (last && ll < ln)
		snprintf(list + ll, ln - ll, ")");
	return true;
}
