// cxxprog - uses the C++ fixture (libpkrcxx.so): exceptions the library
// throws, caught here; one it catches itself; strings and objects.
//
//   cxxprog          everything
//   cxxprog read     without the std::string result (returned through a
//                    pointer into the caller's stack, which a library in
//                    read mode may not write) and without callbacks
//   cxxprog read-cb  the same with the callbacks
//   cxxprog vcrash, read-vcrash
//                    also a virtual call of the library that faults (the
//                    plain run dies there)
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "pkrcxx.h"
#include "pkrutest.h"


// The program's own shape: its vtable is the program's libstdc++'s side.
// Its virtual functions note the rights they ran with.
static int circles_deleted;
static unsigned circle_rights, dtor_rights;
struct circle : pkrcxx::shape {
	int r;
	explicit circle(int radius) : r(radius) {}
	~circle() override
	{
		circles_deleted++;
		dtor_rights = pkru_now();
	}
	int area() const override
	{
		circle_rights = pkru_now();
		return 3 * r * r;
	}
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
	bool vcrash = argc > 1 && std::string(argv[1]).find("vcrash") != std::string::npos;

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
	{
		std::vector<int> v{1, 2, 3};
		std::printf("sum of the program's vector: %ld\n", pkrcxx::sum(v));
		if (!read_mode) {
			pkrcxx::append_squares(v, 1000);
			std::printf("grown by the library: %zu elements, sum %ld\n", v.size(),
				    pkrcxx::sum(v));
			v.push_back(7);
			v.shrink_to_fit();
			std::string t("x");
			for (int i = 0; i < 3; i++)
				pkrcxx::decorate(t);
			std::printf("%s (%zu)\n", t.c_str(), t.size());
		}
	}
	std::unique_ptr<pkrcxx::shape> s(pkrcxx::make_square(6));
	std::printf("area %d\n", s->area());
	std::printf("the square's area ran with the library's rights: %s\n",
		    pkrcxx::area_ran_with_library_rights() ? "yes" : "NO");
	int measured = pkrcxx::measure(*s);
	std::printf("the library measures its square: %d, with its rights: %s\n", measured,
		    pkrcxx::area_ran_with_library_rights() ? "yes" : "NO");
	std::unique_ptr<pkrcxx::meter> m(pkrcxx::make_meter());
	std::printf("meter: %d, the library reads it twice: %d\n", m->read(2),
		    pkrcxx::twice_read(*m, 2));
	if (vcrash)
		std::printf("a virtual call that crashes: %d\n", m->read(-1));
	for (int round = 0; round < 2; round++) {
		try {
			pkrcxx::throw_noisy(round);
		} catch (const std::exception &e) {
			std::printf("caught %s\n", e.what());
		}
		std::printf("its what() and destructor ran with the library's rights: %s\n",
			    pkrcxx::noisy_ran_with_library_rights() ? "yes" : "NO");
	}
	if (callbacks) {
		// The other way: the library calls the program's object.
		unsigned mine = pkru_now();
		circle c(5);
		std::printf("the library measures the program's circle: %d\n", pkrcxx::measure(c));
		std::printf("with the program's rights: %s\n", circle_rights == mine ? "yes" : "NO");
		pkrcxx::destroy(new circle(2));
		std::printf("circles deleted by the library: %d, with the program's rights: %s\n",
			    circles_deleted, dtor_rights == mine ? "yes" : "NO");
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
