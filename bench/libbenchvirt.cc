// libbenchvirt.cc - see benchvirt.h.
#include "benchvirt.h"

bench_obj::~bench_obj() = default;

long bench_obj::step(long x) const
{
	return x + 1;
}

bench_obj *bench_make()
{
	return new bench_obj;
}

long bench_inner_virtual(const bench_obj &o, long n)
{
	long t = 0;
	for (long i = 0; i < n; i++)
		t = o.step(t);
	return t;
}

__attribute__((noinline)) static long plain_step(long x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}

long bench_inner_plain(long n)
{
	long t = 0;
	for (long i = 0; i < n; i++)
		t = plain_step(t);
	return t;
}

unsigned bench_virt_pkru()
{
	unsigned a, d;

	__asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(a), "=d"(d) : "c"(0));
	return a;
}
