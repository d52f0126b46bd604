/* service_nss.c - the reverse gate's user, group and host lookups
 * (PKR_RT_NSS): the library's getpwnam, getgrgid, gethostbyname,
 * getaddrinfo, ... done by the program's C library (runtime/rt_nss.c
 * says why and which).
 *
 * Runs with the program's rights and thread pointer, on the domain's
 * stack, inside pkr_service_handler.  Not async-signal-safe (the lookups
 * allocate, read files, talk to the network).
 *
 * Nothing in a request is trusted: the request is checked (the domain
 * must be able to write it: the answer goes back there) and copied
 * first; the name is read only where the domain itself could read it;
 * the lookup runs into a buffer of the program's; then the answer is
 * packed into the domain's buffer (every string and array copied, the
 * pointers made to point there, so none mode can read them all) and the
 * struct into the domain's result, both checked writable first
 * (pkr_service_writable, service_io.c).  An answer that does not fit is
 * ERANGE, as the _r functions say it; the scratch buffer is the size the
 * library gave (at most 16 MiB), so ERANGE comes when glibc would give it.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "domains.h"
#include "runtime/rt.h"
#include "service.h"

#define SCRATCH_MAX ((size_t)16 << 20)

/* Packing into the domain's buffer [base, base + len); with !write only
 * measured (the addresses are the real ones, for the alignment). */
struct pack {
	char *base;
	size_t len, used;
	bool write, over;
};

static char *put(struct pack *p, const void *src, size_t n, size_t align)
{
	uintptr_t a = ((uintptr_t)p->base + p->used + align - 1) & ~(uintptr_t)(align - 1);
	size_t at = (size_t)(a - (uintptr_t)p->base);

	if (p->over || at > p->len || n > p->len - at) {
		p->over = true;
		p->used = at + n;        /* measuring: what it would take */
		return NULL;
	}
	if (p->write && src)
		memcpy(p->base + at, src, n);
	p->used = at + n;
	return p->base + at;
}

static char *put_str(struct pack *p, const char *s)
{
	return s ? put(p, s, strlen(s) + 1, 1) : NULL;
}

/* An array of n + 1 pointers (the last NULL), to be filled by set(). */
static char **put_array(struct pack *p, size_t n)
{
	return (char **)put(p, NULL, (n + 1) * sizeof(char *), sizeof(char *));
}

static void set(struct pack *p, char **array, size_t i, char *v)
{
	if (p->write && !p->over && array)
		memcpy(&array[i], &v, sizeof v);
}

static size_t count(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static void pack_passwd(struct pack *p, const struct passwd *in, struct passwd *out)
{
	*out = *in;
	out->pw_name = put_str(p, in->pw_name);
	out->pw_passwd = put_str(p, in->pw_passwd);
	out->pw_gecos = put_str(p, in->pw_gecos);
	out->pw_dir = put_str(p, in->pw_dir);
	out->pw_shell = put_str(p, in->pw_shell);
}

static void pack_group(struct pack *p, const struct group *in, struct group *out)
{
	size_t n = count(in->gr_mem);

	*out = *in;
	out->gr_mem = put_array(p, n);
	out->gr_name = put_str(p, in->gr_name);
	out->gr_passwd = put_str(p, in->gr_passwd);
	for (size_t i = 0; i < n; i++)
		set(p, out->gr_mem, i, put_str(p, in->gr_mem[i]));
	set(p, out->gr_mem, n, NULL);
}

static void pack_hostent(struct pack *p, const struct hostent *in, struct hostent *out)
{
	size_t na = count(in->h_aliases), nl = count(in->h_addr_list);
	size_t alen = in->h_length > 0 ? (size_t)in->h_length : 0;

	*out = *in;
	out->h_aliases = put_array(p, na);
	out->h_addr_list = put_array(p, nl);
	for (size_t i = 0; i < nl; i++)
		set(p, out->h_addr_list, i, put(p, in->h_addr_list[i], alen, 8));
	set(p, out->h_addr_list, nl, NULL);
	out->h_name = put_str(p, in->h_name);
	for (size_t i = 0; i < na; i++)
		set(p, out->h_aliases, i, put_str(p, in->h_aliases[i]));
	set(p, out->h_aliases, na, NULL);
}

/* The list as one chain in the buffer: each entry, its address, its
 * name; ai_next pointing at the next entry there. */
static void pack_addrinfo(struct pack *p, const struct addrinfo *in)
{
	struct addrinfo e, *prev = NULL;

	for (; in; in = in->ai_next) {
		char *at;

		e = *in;
		e.ai_next = NULL;
		at = put(p, NULL, sizeof e, _Alignof(struct addrinfo));
		e.ai_addr = in->ai_addr ? (struct sockaddr *)put(p, in->ai_addr, in->ai_addrlen, 8) : NULL;
		e.ai_canonname = put_str(p, in->ai_canonname);
		if (p->write && !p->over) {
			memcpy(at, &e, sizeof e);
			if (prev)
				memcpy(&prev->ai_next, &at, sizeof at);
		}
		prev = (struct addrinfo *)at;
	}
}

/* Fill the domain's result (size n) with *v, if the domain may write it. */
static bool give(const struct pkr_domain *d, const struct pkr_thread *t, void *result,
		 const void *v, size_t n)
{
	if (!pkr_service_writable(d, t, result, n))
		return false;
	memcpy(result, v, n);
	return true;
}

static int ent(const struct pkr_domain *d, const struct pkr_thread *t,
	       const struct pkr_rt_nss *r, const char *name, struct pkr_rt_nss *out, int *err)
{
	size_t size = r->len < SCRATCH_MAX ? r->len : SCRATCH_MAX;
	char *scratch = malloc(size ? size : 1);
	struct pack p = { .base = r->buf, .len = r->len, .write = true };
	union { struct passwd pw; struct group gr; struct hostent he; } a, b;
	void *res = NULL;
	size_t n = 0;
	int st = 0, herr = 0;

	if (!scratch) {
		*err = ENOMEM;
		return -1;
	}
	errno = 0;
	switch (r->op) {
	case PKR_NSS_PWNAM:
		st = getpwnam_r(name, &a.pw, scratch, size, (struct passwd **)&res);
		n = sizeof a.pw;
		break;
	case PKR_NSS_PWUID:
		st = getpwuid_r((uid_t)r->id, &a.pw, scratch, size, (struct passwd **)&res);
		n = sizeof a.pw;
		break;
	case PKR_NSS_GRNAM:
		st = getgrnam_r(name, &a.gr, scratch, size, (struct group **)&res);
		n = sizeof a.gr;
		break;
	case PKR_NSS_GRGID:
		st = getgrgid_r((gid_t)r->id, &a.gr, scratch, size, (struct group **)&res);
		n = sizeof a.gr;
		break;
	case PKR_NSS_HOST:
		st = gethostbyname_r(name, &a.he, scratch, size, (struct hostent **)&res, &herr);
		n = sizeof a.he;
		break;
	case PKR_NSS_HOST2:
		st = gethostbyname2_r(name, r->family, &a.he, scratch, size,
				      (struct hostent **)&res, &herr);
		n = sizeof a.he;
		break;
	}
	out->err = errno;
	out->h_err = herr;
	out->status = st;
	out->found = 0;
	if (st == 0 && res) {
		if (r->op == PKR_NSS_PWNAM || r->op == PKR_NSS_PWUID)
			pack_passwd(&p, &a.pw, &b.pw);
		else if (r->op == PKR_NSS_GRNAM || r->op == PKR_NSS_GRGID)
			pack_group(&p, &a.gr, &b.gr);
		else
			pack_hostent(&p, &a.he, &b.he);
		if (p.over) {
			out->status = ERANGE;
			out->err = ERANGE;
			out->h_err = NETDB_INTERNAL;
		} else if (!give(d, t, r->result, &b, n)) {
			free(scratch);
			*err = EFAULT;
			return -1;
		} else {
			out->found = 1;
		}
	}
	free(scratch);
	return 0;
}

static int addrinfo(const struct pkr_rt_nss *r, const char *name, const char *service,
		    struct pkr_rt_nss *out)
{
	struct addrinfo h = { .ai_flags = r->ai_flags, .ai_family = r->ai_family,
			      .ai_socktype = r->ai_socktype, .ai_protocol = r->ai_protocol };
	struct addrinfo *list = NULL;
	struct pack p = { .base = r->buf, .len = r->len };
	int st;

	errno = 0;
	st = getaddrinfo(name, service, r->hints ? &h : NULL, &list);
	out->err = errno;
	out->status = st;
	out->found = 0;
	out->need = 0;
	if (st != 0)
		return 0;
	pack_addrinfo(&p, list);           /* measured */
	out->need = p.used;
	if (!p.over) {
		p = (struct pack){ .base = r->buf, .len = r->len, .write = true };
		pack_addrinfo(&p, list);
		out->found = 1;
	}
	freeaddrinfo(list);
	return 0;
}

long pkr_service_nss(const struct pkr_domain *d, const struct pkr_thread *t,
		     struct pkr_rt_nss *req, int *err)
{
	struct pkr_rt_nss r;
	char *name = NULL, *service = NULL;
	long ret = -1;

	/* The answer goes back into the request. */
	if (!pkr_service_writable(d, t, req, sizeof *req)) {
		*err = EFAULT;
		return -1;
	}
	r = *req;               /* read once: the library may change it */
	if ((r.name && !(name = pkr_service_copy_string(d, t, r.name, r.name_len))) ||
	    (r.service && !(service = pkr_service_copy_string(d, t, r.service, r.service_len))) ||
	    !pkr_service_writable(d, t, r.buf, r.len)) {
		*err = EFAULT;
		goto out;
	}
	switch (r.op) {
	case PKR_NSS_PWNAM:
	case PKR_NSS_GRNAM:
	case PKR_NSS_HOST:
	case PKR_NSS_HOST2:
		if (!name) {
			*err = EINVAL;
			break;
		}
		/* fall through */
	case PKR_NSS_PWUID:
	case PKR_NSS_GRGID:
		ret = ent(d, t, &r, name, req, err);
		break;
	case PKR_NSS_ADDRINFO:
		ret = addrinfo(&r, name, service, req);
		break;
	default:
		*err = ENOSYS;
	}
out:
	free(name);
	free(service);
	return ret;
}
