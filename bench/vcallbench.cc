// vcallbench: nanoseconds per C++ virtual call of libbenchvirt.so's
// object, by who calls it.  Run plainly, and under the shim with a
// policy naming libbenchvirt.so: the same binary.
//
//   vcallbench [-r REPS] [-t MS] [-n ITERS]
//   vcallbench --probe
//
// Result lines (benchutil.h):
//   vcall_program   the program calls obj->step(): isolated, through the
//                   gate (the vtable slot's entry sends it there)
//   vcall_library   the library's own virtual calls of obj.step(), per
//                   call: isolated, through the entry's rdpkru and
//                   compare, straight on
//   call_library    the library's own plain calls, per call: the floor
//                   vcall_library is compared with
// --probe: "isolated" (exit 0) when the library runs with a PKRU other
// than the program's, else "direct" (exit 1).
#include "config.h"

#include <cstdio>
#include <cstring>

#include "benchvirt.h"

extern "C" {
#include "benchutil.h"
}

static bench_obj *obj;

static void vcall_program(void *, uint64_t n)
{
	long t = 0;
	for (uint64_t i = 0; i < n; i++)
		t = obj->step(t);
	bench_sink += (uint64_t)t;
}

static void vcall_library(void *, uint64_t n)
{
	bench_sink += (uint64_t)bench_inner_virtual(*obj, (long)n);
}

static void call_library(void *, uint64_t n)
{
	bench_sink += (uint64_t)bench_inner_plain((long)n);
}

int main(int argc, char **argv)
{
	obj = bench_make();
	if (argc == 2 && !std::strcmp(argv[1], "--probe")) {
		bool iso = bench_virt_pkru() != bench_rdpkru();
		std::puts(iso ? "isolated" : "direct");
		return iso ? 0 : 1;
	}
	for (int i = 1; i < argc; i++)
		if (bench_parse_common(argc, argv, &i) != 1) {
			std::fprintf(stderr, "vcallbench: bad option '%s'\n", argv[i]);
			return 2;
		}
	bench_add("vcall_program", vcall_program, nullptr);
	bench_add("vcall_library", vcall_library, nullptr);
	bench_add("call_library", call_library, nullptr);
	bench_run_all();
	delete obj;
	return 0;
}
