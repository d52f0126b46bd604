// cxxprog - uses the C++ fixture (libpkrcxx.so): exceptions the library
// throws, caught here; one it catches itself; strings and objects.
//
//   cxxprog          everything
//   cxxprog read     without the std::string result (returned through a
//                    pointer into the caller's stack, which a library in
//                    read mode may not write) and without callbacks
//   cxxprog read-cb  the same with the callbacks
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "pkrcxx.h"

// The program's own shape: its vtable is the program's libstdc++'s side.
static int circles_deleted;
struct circle : pkrcxx::shape {
	int r;
	explicit circle(int radius) : r(radius) {}
	~circle() override { circles_deleted++; }
	int area() const override { return 3 * r * r; }
};

// A program function the library calls back (annotated `callback`):
// it throws above 10.
static int cb(int n)
{
	if (n > 10)
		throw std::runtime_error("the program says no to " + std::to_string(n));
	return n + 1;
}

int main(int argc, char **argv)
{
	bool read_mode = argc > 1 && std::string(argv[1]).compare(0, 4, "read") == 0;
	bool callbacks = !read_mode || std::string(argv[1]) == "read-cb";

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
	if (callbacks) {
		// The other way: the library calls the program's object.
		circle c(5);
		std::printf("the library measures the program's circle: %d\n", pkrcxx::measure(c));
		pkrcxx::destroy(new circle(2));
		std::printf("circles deleted by the library: %d\n", circles_deleted);
	}
	if (callbacks) {
		// Exceptions the program throws through the library.
		std::printf("callback: %d\n", pkrcxx::call_catch(cb, 5));
		for (int n = 50; n < 53; n++) {
			int r = pkrcxx::call_catch(cb, n);
			std::printf("caught by the library: %d (%s), with its own rights: %s\n", r,
				    pkrcxx::last_caught(),
				    pkrcxx::caught_with_same_rights() ? "yes" : "NO");
		}
		try {
			std::printf("no exception: %d\n", pkrcxx::call_through(cb, 60));
		} catch (const std::runtime_error &e) {
			std::printf("back in the program: %s\n", e.what());
		}
	}
	std::printf("twice(4) after all that = %d\n", pkrcxx::twice(4));
	return 0;
}
