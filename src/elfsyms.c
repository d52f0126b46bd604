/* elfsyms.c - the exported symbols of a shared object file, read with libelf.
 *
 * Linked into the command only (the shim reads loaded objects from memory
 * with elf.c and must not link libelf): prints nothing,
 * never exits, and every path (success or error) releases what it took.
 * Errors are described in the caller's buffer.
 *
 * The result owns two allocations: the symbol array and one string pool
 * (t->priv) that holds every name, version and the soname.  Strings are
 * copied out of libelf's buffers so the file can be closed at once.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfsyms.h"

/* Upper bound on version definitions we walk; guards against loops in a
 * corrupt .gnu.version_d (vd_next pointing backwards). */
#define MAX_VERDEFS 65536

struct sections {
	Elf_Scn *dynsym, *versym, *verdef, *dynamic;
	size_t dynsym_strndx, verdef_strndx, dynamic_strndx;
};

/* A symbol before its strings are copied: names point into libelf. */
struct raw_sym {
	const char *name;
	unsigned vndx;          /* version index, 0 when none */
	bool hidden;
	enum pkr_sym_kind kind;
	uint64_t value, size;
};

static void set_err(char *err, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	if (!err || errsize == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
}

/* libelf's last error, never NULL (elf_errmsg returns NULL for "none"). */
static const char *elf_msg(void)
{
	int e = elf_errno();
	const char *m = e ? elf_errmsg(e) : NULL;

	return m ? m : "unknown libelf error (out of memory?)";
}

/* First bytes of a file that is not ELF: name what it probably is, so that
 * "libc.so is a linker script" is obvious from the message. */
static const char *guess_kind(int fd)
{
	char buf[16];
	ssize_t n = pread(fd, buf, sizeof buf, 0);

	if (n <= 0)
		return "an empty file";
	if (n >= 8 && memcmp(buf, "!<arch>\n", 8) == 0)
		return "an ar archive";
	if ((n >= 4 && memcmp(buf, "/* G", 4) == 0) ||
	    (n >= 5 && memcmp(buf, "INPUT", 5) == 0) ||
	    (n >= 5 && memcmp(buf, "GROUP", 5) == 0))
		return "a linker script";
	return NULL;
}

static int find_sections(Elf *elf, struct sections *s)
{
	Elf_Scn *scn = NULL;

	memset(s, 0, sizeof *s);
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			return -1;
		switch (sh.sh_type) {
		case SHT_DYNSYM:
			if (!s->dynsym) {
				s->dynsym = scn;
				s->dynsym_strndx = sh.sh_link;
			}
			break;
		case SHT_GNU_versym:
			if (!s->versym)
				s->versym = scn;
			break;
		case SHT_GNU_verdef:
			if (!s->verdef) {
				s->verdef = scn;
				s->verdef_strndx = sh.sh_link;
			}
			break;
		case SHT_DYNAMIC:
			if (!s->dynamic) {
				s->dynamic = scn;
				s->dynamic_strndx = sh.sh_link;
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Fill names[ndx] (ndx < nnames) with the name of version definition ndx.
 * The base definition (VER_FLG_BASE, the file's own name) is left NULL:
 * symbols carrying it are unversioned. */
static void read_verdefs(Elf *elf, const struct sections *s, const char **names,
			 size_t nnames)
{
	Elf_Data *data;
	size_t off = 0;
	unsigned count;

	if (!s->verdef || !(data = elf_getdata(s->verdef, NULL)))
		return;
	for (count = 0; count < MAX_VERDEFS; count++) {
		GElf_Verdef vd;
		GElf_Verdaux va;

		if (off >= data->d_size || !gelf_getverdef(data, (int)off, &vd))
			return;
		if (!(vd.vd_flags & VER_FLG_BASE) && vd.vd_ndx < nnames &&
		    vd.vd_cnt > 0 && off + vd.vd_aux < data->d_size &&
		    gelf_getverdaux(data, (int)(off + vd.vd_aux), &va)) {
			const char *n = elf_strptr(elf, s->verdef_strndx, va.vda_name);
			if (n && *n)
				names[vd.vd_ndx] = n;
		}
		if (vd.vd_next == 0)
			return;
		off += vd.vd_next;
	}
}

/* What .dynamic says: DT_SONAME (string in libelf's buffer) and whether
 * DT_FLAGS_1 marks a position-independent executable. */
static void read_dynamic(Elf *elf, const struct sections *s, const char **soname,
			 bool *pie)
{
	Elf_Data *data;
	GElf_Shdr sh;
	size_t i, n;

	*soname = NULL;
	*pie = false;
	if (!s->dynamic || !gelf_getshdr(s->dynamic, &sh) || sh.sh_entsize == 0 ||
	    !(data = elf_getdata(s->dynamic, NULL)))
		return;
	n = data->d_size / sh.sh_entsize;
	for (i = 0; i < n; i++) {
		GElf_Dyn dyn;

		if (!gelf_getdyn(data, (int)i, &dyn) || dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == DT_SONAME)
			*soname = elf_strptr(elf, s->dynamic_strndx, dyn.d_un.d_val);
		else if (dyn.d_tag == DT_FLAGS_1 && (dyn.d_un.d_val & DF_1_PIE))
			*pie = true;
	}
}

static bool is_version_name(const char *name, const char **vnames, size_t nv)
{
	size_t i;

	for (i = 0; i < nv; i++)
		if (vnames[i] && strcmp(vnames[i], name) == 0)
			return true;
	return false;
}

/* Collect the exported symbols of the dynamic symbol table into raw
 * (caller frees).  Returns the count, or (size_t)-1 on allocation or
 * libelf failure. */
static size_t collect(Elf *elf, const struct sections *s, const char **vnames,
		      size_t nv, struct raw_sym **rawp)
{
	Elf_Data *symdata, *verdata = NULL;
	size_t i, n, nsym, nver = 0, symsize;
	struct raw_sym *raw;

	*rawp = NULL;
	symdata = elf_getdata(s->dynsym, NULL);
	if (!symdata)
		return (size_t)-1;
	symsize = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	if (symsize == 0)
		return (size_t)-1;
	nsym = symdata->d_size / symsize;
	if (s->versym && (verdata = elf_getdata(s->versym, NULL)) != NULL)
		nver = verdata->d_size / sizeof(GElf_Versym);
	raw = calloc(nsym ? nsym : 1, sizeof *raw);
	if (!raw)
		return (size_t)-1;

	for (i = 0, n = 0; i < nsym; i++) {
		GElf_Sym sym;
		GElf_Versym vs = 0;
		const char *name;
		enum pkr_sym_kind kind;
		int bind, type, vis;

		if (!gelf_getsym(symdata, (int)i, &sym))
			continue;
		bind = GELF_ST_BIND(sym.st_info);
		type = GELF_ST_TYPE(sym.st_info);
		vis = GELF_ST_VISIBILITY(sym.st_other);
		if (bind != STB_GLOBAL && bind != STB_WEAK)
			continue;
		if (vis != STV_DEFAULT && vis != STV_PROTECTED)
			continue;
		if (sym.st_shndx == SHN_UNDEF)
			continue;
		if (type == STT_FUNC)
			kind = PKR_SYM_FUNC;
		else if (type == STT_GNU_IFUNC)
			kind = PKR_SYM_IFUNC;
		else if (type == STT_OBJECT)
			kind = PKR_SYM_OBJECT;
		else
			continue;
		name = elf_strptr(elf, s->dynsym_strndx, sym.st_name);
		if (!name || !*name)
			continue;
		/* Older linkers emit one absolute OBJECT symbol per version
		 * definition (e.g. "XZ_5.0"); it is not data. */
		if (sym.st_shndx == SHN_ABS && kind == PKR_SYM_OBJECT &&
		    is_version_name(name, vnames, nv))
			continue;
		if (verdata && i < nver)
			gelf_getversym(verdata, (int)i, &vs);

		raw[n].name = name;
		raw[n].vndx = vs & 0x7fff;
		raw[n].hidden = (vs & 0x8000) != 0;
		raw[n].kind = kind;
		raw[n].value = sym.st_value;
		raw[n].size = sym.st_size;
		n++;
	}
	*rawp = raw;
	return n;
}

/* Copy a string into the pool at *pos. */
static const char *pool_put(char *pool, size_t *pos, const char *s)
{
	size_t len = strlen(s) + 1;
	char *dst = pool + *pos;

	memcpy(dst, s, len);
	*pos += len;
	return dst;
}

/* Build the caller's table from raw symbols: one array, one string pool. */
static int build(struct pkr_symtab *out, const struct raw_sym *raw, size_t n,
		 const char **vnames, size_t nv, const char *soname)
{
	const char **vcopy = NULL;
	size_t i, total = 0, pos = 0;
	char *pool;

	for (i = 0; i < n; i++)
		total += strlen(raw[i].name) + 1;
	for (i = 0; i < nv; i++)
		if (vnames[i])
			total += strlen(vnames[i]) + 1;
	if (soname)
		total += strlen(soname) + 1;

	pool = malloc(total ? total : 1);
	out->syms = calloc(n ? n : 1, sizeof *out->syms);
	vcopy = calloc(nv ? nv : 1, sizeof *vcopy);
	if (!pool || !out->syms || !vcopy) {
		free(pool);
		free(out->syms);
		free(vcopy);
		out->syms = NULL;
		return -1;
	}
	for (i = 0; i < nv; i++)
		if (vnames[i])
			vcopy[i] = pool_put(pool, &pos, vnames[i]);
	for (i = 0; i < n; i++) {
		struct pkr_sym *d = &out->syms[i];

		d->name = pool_put(pool, &pos, raw[i].name);
		d->version = raw[i].vndx < nv ? vcopy[raw[i].vndx] : NULL;
		/* An unversioned symbol has no "default" to be hidden from. */
		d->hidden = d->version ? raw[i].hidden : false;
		d->kind = raw[i].kind;
		d->value = raw[i].value;
		d->size = raw[i].size;
	}
	out->soname = soname ? (char *)pool_put(pool, &pos, soname) : NULL;
	out->nsyms = n;
	out->priv = pool;
	free(vcopy);
	return 0;
}

/* Everything after open(): the fd stays the caller's to close. */
static int read_elf(int fd, const char *path, struct pkr_symtab *out,
		    char *err, size_t errsize)
{
	struct sections s;
	struct raw_sym *raw = NULL;
	const char **vnames = NULL, *soname;
	size_t nv = 0, n, shnum = 0;
	bool pie;
	GElf_Ehdr eh;
	Elf *elf;
	int rc = -1;

	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf) {
		set_err(err, errsize, "%s: cannot read ELF: %s", path, elf_msg());
		return -1;
	}
	if (elf_kind(elf) != ELF_K_ELF) {
		const char *what = guess_kind(fd);

		if (what)
			set_err(err, errsize, "%s: not an ELF file (%s)", path, what);
		else
			set_err(err, errsize, "%s: not an ELF file", path);
		goto out;
	}
	if (!gelf_getehdr(elf, &eh)) {
		set_err(err, errsize, "%s: bad ELF header: %s", path, elf_msg());
		goto out;
	}
	if (eh.e_type != ET_DYN) {
		set_err(err, errsize, "%s: not a shared object (ELF type %s)", path,
			eh.e_type == ET_EXEC ? "EXEC" :
			eh.e_type == ET_REL ? "REL (an object file)" :
			eh.e_type == ET_CORE ? "CORE" : "unknown");
		goto out;
	}
	if (elf_getshdrnum(elf, &shnum) != 0 || find_sections(elf, &s) != 0) {
		set_err(err, errsize, "%s: bad section headers: %s", path, elf_msg());
		goto out;
	}
	read_dynamic(elf, &s, &soname, &pie);
	if (pie) {
		set_err(err, errsize, "%s: not a shared object (a position-independent "
			"executable)", path);
		goto out;
	}
	if (!s.dynsym) {
		set_err(err, errsize, "%s: no dynamic symbols (no .dynsym section%s)",
			path, shnum == 0 ? "; section headers stripped" : "");
		goto out;
	}

	/* Version indexes are small (one per version definition); size the
	 * name table by the largest index a symbol can carry. */
	if (s.verdef) {
		GElf_Shdr vsh;

		nv = 2;
		if (gelf_getshdr(s.verdef, &vsh) && vsh.sh_info > 0)
			nv = vsh.sh_info + 2;
		if (nv > MAX_VERDEFS)
			nv = MAX_VERDEFS;
		vnames = calloc(nv, sizeof *vnames);
		if (!vnames) {
			set_err(err, errsize, "%s: out of memory", path);
			goto out;
		}
		read_verdefs(elf, &s, vnames, nv);
	}

	n = collect(elf, &s, vnames, nv, &raw);
	if (n == (size_t)-1) {
		set_err(err, errsize, "%s: cannot read dynamic symbols: %s", path,
			elf_msg());
		goto out;
	}
	if (n == 0) {
		set_err(err, errsize, "%s: no dynamic symbols (nothing exported)", path);
		goto out;
	}
	if (build(out, raw, n, vnames, nv, soname) != 0) {
		set_err(err, errsize, "%s: out of memory", path);
		goto out;
	}
	rc = 0;
out:
	free(raw);
	free(vnames);
	elf_end(elf);
	return rc;
}

int pkr_symtab_read(const char *path, struct pkr_symtab *out, char *err, size_t errsize)
{
	struct stat st;
	int fd, rc;

	memset(out, 0, sizeof *out);
	if (err && errsize)
		err[0] = '\0';
	if (elf_version(EV_CURRENT) == EV_NONE) {
		set_err(err, errsize, "libelf is out of date: %s", elf_msg());
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		set_err(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		set_err(err, errsize, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(err, errsize, "%s: %s", path,
			S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		close(fd);
		return -1;
	}
	rc = read_elf(fd, path, out, err, errsize);
	close(fd);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}

void pkr_symtab_free(struct pkr_symtab *t)
{
	if (!t)
		return;
	free(t->syms);
	free(t->priv);
	memset(t, 0, sizeof *t);
}
