// benchvirt.h - the C++ benchmark library (libbenchvirt.so): an object
// with a virtual function, called by the program (through the gate when
// the library is isolated) and by the library itself (through the
// PKRU-checking vtable entry, straight on).
#ifndef BENCHVIRT_H
#define BENCHVIRT_H

struct bench_obj {
	virtual ~bench_obj();
	virtual long step(long x) const;
};

bench_obj *bench_make();
// n virtual calls of o.step by the library itself.
long bench_inner_virtual(const bench_obj &o, long n);
// n calls of a plain (non-virtual, not inlined) function of the library.
long bench_inner_plain(long n);
// PKRU as the library sees it (the probe: isolated or not).
unsigned bench_virt_pkru();

#endif
