/* rt_nss.c - user, group and host lookups by the program's C library.
 *
 * glibc's NSS code reads nsswitch.conf and loads its modules (systemd,
 * mdns, ...) with ld.so's internal _dl_open, which writes ld.so's data
 * (program memory): in read and none modes getpwnam() and friends
 * faulted inside the library.  Here the namespace's getpwnam, getpwuid,
 * getgrnam, getgrgid (and their _r forms), gethostbyname,
 * gethostbyname2 (and _r), getaddrinfo and freeaddrinfo go to the
 * program's C library (PKR_RT_NSS), and the answers land in domain
 * memory, where every mode can read them:
 *  - the _r forms: the caller's struct and buffer (ERANGE when the
 *    answer does not fit, as glibc says it);
 *  - the others: one static struct and buffer per function in the
 *    runtime, grown as needed (glibc's own are static too: the next call
 *    of the same function overwrites the answer); a lock per function;
 *  - getaddrinfo: a list made here with the runtime's malloc, one block
 *    per entry with its address, the first entry's canonical name in a
 *    block of its own, as glibc makes it, so that freeaddrinfo (this one,
 *    or glibc's) frees it.  The shim packs the program's list into a
 *    scratch buffer first; a list larger than the scratch buffer is
 *    looked up a second time with room for it.
 * Nothing the library passes is read under a lock (a fault would leave
 * it held).
 *
 * Not async-signal-safe (nor are the lookups).  Runs with the domain's
 * rights.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "rt.h"
#include "rt_int.h"

#define RT_NSS_FNS(X) \
	X(int, getpwnam_r, (const char *, struct passwd *, char *, size_t, struct passwd **)) \
	X(int, getpwuid_r, (uid_t, struct passwd *, char *, size_t, struct passwd **)) \
	X(int, getgrnam_r, (const char *, struct group *, char *, size_t, struct group **)) \
	X(int, getgrgid_r, (gid_t, struct group *, char *, size_t, struct group **)) \
	X(struct passwd *, getpwnam, (const char *)) \
	X(struct passwd *, getpwuid, (uid_t)) \
	X(struct group *, getgrnam, (const char *)) \
	X(struct group *, getgrgid, (gid_t)) \
	X(struct hostent *, gethostbyname, (const char *)) \
	X(struct hostent *, gethostbyname2, (const char *, int)) \
	X(int, gethostbyname_r, (const char *, struct hostent *, char *, size_t, \
				 struct hostent **, int *)) \
	X(int, gethostbyname2_r, (const char *, int, struct hostent *, char *, size_t, \
				  struct hostent **, int *)) \
	X(int, getaddrinfo, (const char *, const char *, const struct addrinfo *, \
			     struct addrinfo **)) \
	X(void, freeaddrinfo, (struct addrinfo *))

#define DECLARE(ret, name, params) static ret (*real_##name) params;
RT_NSS_FNS(DECLARE)

void pkr_rt_nss_init(void)
{
	static const struct { const char *name; void **slot; } fns[] = {
#define RESOLVE(ret, name, params) { #name, (void **)&real_##name },
		RT_NSS_FNS(RESOLVE)
	};
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
		*fns[i].slot = pkr_rt_next(fns[i].name);
}

/* No service (not expected once the runtime is set up): the namespace's
 * own function, or ENOSYS if there is none. */
#define NEXT(name, fail, ...) do { \
		if (!real_##name) { \
			errno = ENOSYS; \
			return fail; \
		} \
		return real_##name(__VA_ARGS__); \
	} while (0)

/* One lookup into (result, buf, len): the _r function's return value
 * (getaddrinfo's); *found says whether result (buf) was filled.  errno
 * is what the program's side left. */
static int lookup(struct pkr_rt_nss *r, void *result, char *buf, size_t len, int *found)
{
	r->result = result;
	r->buf = buf;
	r->len = len;
	if (pkr_rt_service(PKR_RT_NSS, (long)r, 0) < 0) {
		/* Refused (a buffer the domain may not write, ...). */
		r->err = errno;
		r->h_err = NETDB_INTERNAL;
		r->status = r->op == PKR_NSS_ADDRINFO ? EAI_SYSTEM : errno;
		r->found = 0;
	}
	*found = r->found;
	errno = r->err;
	return r->status;
}

static int ent_r(int op, const char *name, unsigned int id, void *result, char *buf,
		 size_t len, void **res)
{
	struct pkr_rt_nss r = { .op = op, .name = name, .name_len = name ? strlen(name) : 0,
				.id = id };
	int found, v = lookup(&r, result, buf, len, &found);

	*res = found ? result : NULL;
	return v;
}

RT_EXPORT int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
			 struct passwd **res)
{
	if (!pkr_rt_service)
		NEXT(getpwnam_r, ENOSYS, name, pw, buf, len, res);
	return ent_r(PKR_NSS_PWNAM, name, 0, pw, buf, len, (void **)res);
}

RT_EXPORT int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
			 struct passwd **res)
{
	if (!pkr_rt_service)
		NEXT(getpwuid_r, ENOSYS, uid, pw, buf, len, res);
	return ent_r(PKR_NSS_PWUID, NULL, uid, pw, buf, len, (void **)res);
}

RT_EXPORT int getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
			 struct group **res)
{
	if (!pkr_rt_service)
		NEXT(getgrnam_r, ENOSYS, name, gr, buf, len, res);
	return ent_r(PKR_NSS_GRNAM, name, 0, gr, buf, len, (void **)res);
}

RT_EXPORT int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
			 struct group **res)
{
	if (!pkr_rt_service)
		NEXT(getgrgid_r, ENOSYS, gid, gr, buf, len, res);
	return ent_r(PKR_NSS_GRGID, NULL, gid, gr, buf, len, (void **)res);
}

/* The non-reentrant forms: a static answer per function, its buffer
 * grown (doubled from glibc's 1024 bytes) while the lookup says ERANGE. */
struct fixed {
	pthread_mutex_t lock;
	char *buf;
	size_t len;
	union {
		struct passwd pw;
		struct group gr;
		struct hostent he;
	} u;
};
#define FIXED { .lock = PTHREAD_MUTEX_INITIALIZER }
static struct fixed f_pwnam = FIXED, f_pwuid = FIXED, f_grnam = FIXED, f_grgid = FIXED,
	f_host = FIXED, f_host2 = FIXED;

/* r->name was measured by the caller, outside the lock. */
static void *fixed(struct fixed *f, struct pkr_rt_nss *r, int *h_err)
{
	void *ans = NULL;
	int found, v, saved;

	pthread_mutex_lock(&f->lock);
	for (;;) {
		if (!f->buf) {
			f->len = 1024;
			if (!(f->buf = malloc(f->len))) {
				v = ENOMEM;
				break;
			}
		}
		v = lookup(r, &f->u, f->buf, f->len, &found);
		if (v != ERANGE || f->len >= (64u << 20))
			break;
		free(f->buf);
		f->len *= 2;
		f->buf = malloc(f->len);
		if (!f->buf) {
			v = ENOMEM;
			break;
		}
	}
	if (v == 0 && found)
		ans = &f->u;
	saved = v ? v : errno;
	if (h_err)
		*h_err = v == ENOMEM ? NETDB_INTERNAL : r->h_err;
	pthread_mutex_unlock(&f->lock);
	errno = saved;
	return ans;
}

RT_EXPORT struct passwd *getpwnam(const char *name)
{
	struct pkr_rt_nss r = { .op = PKR_NSS_PWNAM };

	if (!pkr_rt_service)
		NEXT(getpwnam, NULL, name);
	r.name = name;
	r.name_len = strlen(name);
	return fixed(&f_pwnam, &r, NULL);
}

RT_EXPORT struct passwd *getpwuid(uid_t uid)
{
	struct pkr_rt_nss r = { .op = PKR_NSS_PWUID, .id = uid };

	if (!pkr_rt_service)
		NEXT(getpwuid, NULL, uid);
	return fixed(&f_pwuid, &r, NULL);
}

RT_EXPORT struct group *getgrnam(const char *name)
{
	struct pkr_rt_nss r = { .op = PKR_NSS_GRNAM };

	if (!pkr_rt_service)
		NEXT(getgrnam, NULL, name);
	r.name = name;
	r.name_len = strlen(name);
	return fixed(&f_grnam, &r, NULL);
}

RT_EXPORT struct group *getgrgid(gid_t gid)
{
	struct pkr_rt_nss r = { .op = PKR_NSS_GRGID, .id = gid };

	if (!pkr_rt_service)
		NEXT(getgrgid, NULL, gid);
	return fixed(&f_grgid, &r, NULL);
}

/* ---- hosts ---------------------------------------------------------------- */

static int host_r(int op, const char *name, int af, struct hostent *he, char *buf,
		  size_t len, struct hostent **res, int *h_err)
{
	struct pkr_rt_nss r = { .op = op, .family = af, .name = name, .name_len = strlen(name) };
	int found, v = lookup(&r, he, buf, len, &found);

	*res = v == 0 && found ? he : NULL;
	*h_err = r.h_err;
	return v;
}

RT_EXPORT int gethostbyname_r(const char *name, struct hostent *he, char *buf, size_t len,
			      struct hostent **res, int *h_err)
{
	if (!pkr_rt_service)
		NEXT(gethostbyname_r, ENOSYS, name, he, buf, len, res, h_err);
	return host_r(PKR_NSS_HOST, name, 0, he, buf, len, res, h_err);
}

RT_EXPORT int gethostbyname2_r(const char *name, int af, struct hostent *he, char *buf,
			       size_t len, struct hostent **res, int *h_err)
{
	if (!pkr_rt_service)
		NEXT(gethostbyname2_r, ENOSYS, name, af, he, buf, len, res, h_err);
	return host_r(PKR_NSS_HOST2, name, af, he, buf, len, res, h_err);
}

static struct hostent *host(struct fixed *f, int op, const char *name, int af)
{
	struct pkr_rt_nss r = { .op = op, .family = af, .name = name, .name_len = strlen(name) };
	int herr = 0;
	struct hostent *h = fixed(f, &r, &herr);

	if (!h)
		h_errno = herr;
	return h;
}

RT_EXPORT struct hostent *gethostbyname(const char *name)
{
	if (!pkr_rt_service)
		NEXT(gethostbyname, NULL, name);
	return host(&f_host, PKR_NSS_HOST, name, 0);
}

RT_EXPORT struct hostent *gethostbyname2(const char *name, int af)
{
	if (!pkr_rt_service)
		NEXT(gethostbyname2, NULL, name, af);
	return host(&f_host2, PKR_NSS_HOST2, name, af);
}

/* ---- getaddrinfo ---------------------------------------------------------- */

RT_EXPORT void freeaddrinfo(struct addrinfo *ai)
{
	while (ai) {
		struct addrinfo *p = ai;
		ai = ai->ai_next;
		free(p->ai_canonname);
		free(p);
	}
}

/* The packed list in buf, copied entry by entry into the heap. */
static int unpack(const struct addrinfo *in, struct addrinfo **res)
{
	struct addrinfo *head = NULL, **tail = &head;

	for (; in; in = in->ai_next) {
		struct addrinfo *ai = malloc(sizeof *ai + in->ai_addrlen);
		if (!ai) {
			freeaddrinfo(head);
			return EAI_MEMORY;
		}
		*ai = *in;
		ai->ai_next = NULL;
		ai->ai_addr = in->ai_addr ? (struct sockaddr *)(ai + 1) : NULL;
		if (in->ai_addr)
			memcpy(ai + 1, in->ai_addr, in->ai_addrlen);
		ai->ai_canonname = NULL;
		*tail = ai;
		tail = &ai->ai_next;
		if (in->ai_canonname && !(ai->ai_canonname = strdup(in->ai_canonname))) {
			freeaddrinfo(head);
			return EAI_MEMORY;
		}
	}
	*res = head;
	return 0;
}

RT_EXPORT int getaddrinfo(const char *node, const char *service,
			  const struct addrinfo *hints, struct addrinfo **res)
{
	struct pkr_rt_nss r = { .op = PKR_NSS_ADDRINFO, .name = node,
				.name_len = node ? strlen(node) : 0, .service = service,
				.service_len = service ? strlen(service) : 0 };
	size_t len = 16384;
	char *buf = NULL;
	int v = EAI_MEMORY, found;

	if (!pkr_rt_service)
		NEXT(getaddrinfo, EAI_SYSTEM, node, service, hints, res);
	if (hints) {
		r.hints = 1;
		r.ai_flags = hints->ai_flags;
		r.ai_family = hints->ai_family;
		r.ai_socktype = hints->ai_socktype;
		r.ai_protocol = hints->ai_protocol;
	}
	for (int tries = 0; tries < 4; tries++) {
		free(buf);
		if (!(buf = malloc(len))) {
			v = EAI_MEMORY;
			break;
		}
		r.need = 0;
		v = lookup(&r, NULL, buf, len, &found);
		if (v != 0 || r.need <= len)
			break;
		len = r.need + 1024;       /* a second answer may be longer */
		v = EAI_MEMORY;
	}
	if (v == 0)
		v = found ? unpack((const struct addrinfo *)buf, res) : EAI_NONAME;
	free(buf);
	if (v == EAI_SYSTEM)
		errno = r.err;
	return v;
}
