/* tlsdesc.h - TLS descriptors of dynamic TLS go to the domain runtime
 * (tlsdesc.c). */
#ifndef PKR_TLSDESC_H
#define PKR_TLSDESC_H

#include <link.h>

#include "maps.h"

struct pkr_domain;

/* Points each R_X86_64_TLSDESC descriptor of object l (of d's namespace)
 * that ld.so resolved to dynamic TLS at the runtime's pkr_rt_tlsdesc.
 * m, nm: the process's mappings (pkr_read_maps).  0, or -1 (said why).
 * Not async-signal-safe. */
int pkr_tlsdesc_route(struct pkr_domain *d, const struct link_map *l, const struct pkr_map *m,
		      long nm);

#endif
