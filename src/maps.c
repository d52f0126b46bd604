/* maps.c - the memory-map reader.  See maps.h.  Not async-signal-safe
 * (allocates).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "maps.h"

long pkr_read_maps(struct pkr_map **out)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 16, len = 0;
	char *buf = NULL, *p, *nl;
	struct pkr_map *v = NULL;
	long n = 0, vcap = 0;

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t r;
		if (!buf || len + 4096 > cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb)
				goto fail;
			buf = nb;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	fd = -1;
	buf[len] = 0;
	for (p = buf; *p; p = nl + 1) {
		unsigned long lo, hi;
		char perms[5] = "";
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		if (sscanf(p, "%lx-%lx %4s", &lo, &hi, perms) != 3)
			continue;
		if (n == vcap) {
			struct pkr_map *nv = realloc(v, (size_t)(vcap = vcap ? vcap * 2 : 256) * sizeof *v);
			if (!nv)
				goto fail;
			v = nv;
		}
		v[n].lo = lo;
		v[n].hi = hi;
		v[n].prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
			    (perms[2] == 'x' ? PROT_EXEC : 0);
		n++;
		if (!nl[0] || !nl[1])
			break;
	}
	free(buf);
	*out = v;
	return n;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(v);
	return -1;
}

int pkr_maps_prot(const struct pkr_map *m, long n, uintptr_t addr)
{
	for (long i = 0; i < n; i++)
		if (addr >= m[i].lo && addr < m[i].hi)
			return m[i].prot;
	return -1;
}


int pkr_maps_write(const struct pkr_map *m, long n, uintptr_t at, const void *src, size_t size)
{
	uintptr_t lo = at & ~(uintptr_t)4095, hi = (at + size + 4095) & ~(uintptr_t)4095;
	int prot[64];
	size_t np = (hi - lo) / 4096;

	if (np > 64)
		return -1;
	for (size_t i = 0; i < np; i++) {
		prot[i] = pkr_maps_prot(m, n, lo + i * 4096);
		if (prot[i] < 0)
			return -1;
		if (!(prot[i] & PROT_WRITE) &&
		    mprotect((void *)(lo + i * 4096), 4096, prot[i] | PROT_WRITE) != 0)
			return -1;
	}
	memcpy((void *)at, src, size);
	for (size_t i = 0; i < np; i++)
		if (!(prot[i] & PROT_WRITE))
			mprotect((void *)(lo + i * 4096), 4096, prot[i]);
	return 0;
}
