// cxxprog - uses the C++ fixture (libpkrcxx.so): exceptions the library
// throws, caught here; one it catches itself; strings and objects.
//
//   cxxprog          everything
//   cxxprog read     without the std::string result (returned through a
//                    pointer into the caller's stack, which a library in
//                    read mode may not write)
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "pkrcxx.h"

int main(int argc, char **argv)
{
	bool read_mode = argc > 1 && std::string(argv[1]) == "read";

	std::printf("twice(21) = %d\n", pkrcxx::twice(21));
	for (int round = 0; round < 3; round++) {
		try {
			int r = pkrcxx::twice(-5 - round);
			std::printf("no exception: %d\n", r);
		} catch (const pkrcxx::error &e) {
			std::printf("caught the library's error: %s (code %d)\n", e.what(), e.code);
		}
	}
	try {
		int r = pkrcxx::checked(500);
		std::printf("no exception: checked(500) = %d\n", r);
	} catch (const std::out_of_range &e) {
		std::printf("caught std::out_of_range: %s\n", e.what());
	}
	try {
		pkrcxx::checked(7);
		std::printf("checked(7) passed\n");
	} catch (...) {
		std::printf("unexpected exception\n");
	}
	std::printf("caught inside the library: %d\n", pkrcxx::caught_inside(100));
	if (!read_mode)
		std::printf("%s\n", pkrcxx::greet("program").c_str());
	std::unique_ptr<pkrcxx::shape> s(pkrcxx::make_square(6));
	std::printf("area %d\n", s->area());
	std::printf("twice(4) after all that = %d\n", pkrcxx::twice(4));
	return 0;
}
