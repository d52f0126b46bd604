## bench/local.mk: the benchmark suite.  Nothing here is built by `make` or
## `make check`: `make bench` builds it; scripts/bench builds and runs it
## and writes bench/results/REPORT.md.  See bench/README.

# The programs are ordinary dynamically linked executables: they call the
# benchmark libraries through their PLT, exactly like the programs the shim
# is meant for.  They find the libraries beside them ($ORIGIN); the shim
# finds them through LD_LIBRARY_PATH, which scripts/bench sets.
BENCH_PROGS = \
	bench/callbench bench/procbench bench/rewindbench bench/startbench \
	bench/membench bench/sodiumbench bench/brotlibench bench/wallbench \
	bench/gendata bench/marshbench bench/vcallbench
EXTRA_PROGRAMS += $(BENCH_PROGS)

BENCH_NOP_LIB = bench/libbenchnop.so
BENCH_VIRT_LIB = bench/libbenchvirt.so
BENCH_DOM_LIBS = \
	bench/libbenchdom1.so bench/libbenchdom2.so bench/libbenchdom3.so \
	bench/libbenchdom4.so bench/libbenchdom5.so bench/libbenchdom6.so \
	bench/libbenchdom7.so bench/libbenchdom8.so bench/libbenchdom9.so \
	bench/libbenchdom10.so bench/libbenchdom11.so bench/libbenchdom12.so \
	bench/libbenchdom13.so bench/libbenchdom14.so bench/libbenchdom15.so
BENCH_RPATH = -Wl,-rpath,'$$ORIGIN'

bench_callbench_SOURCES = bench/callbench.c bench/benchnop.h bench/benchutil.h
bench_callbench_LDADD = $(BENCH_NOP_LIB)
bench_callbench_LDFLAGS = $(BENCH_RPATH)

bench_procbench_SOURCES = bench/procbench.c bench/benchnop.h bench/benchutil.h
bench_procbench_LDADD = $(BENCH_NOP_LIB)
bench_procbench_LDFLAGS = $(BENCH_RPATH)

bench_rewindbench_SOURCES = bench/rewindbench.c bench/benchnop.h \
	bench/benchutil.h
bench_rewindbench_LDADD = $(BENCH_NOP_LIB)
bench_rewindbench_LDFLAGS = $(BENCH_RPATH)

bench_membench_SOURCES = bench/membench.c bench/benchnop.h bench/benchutil.h
bench_membench_LDADD = $(BENCH_NOP_LIB) -lpthread
bench_membench_LDFLAGS = $(BENCH_RPATH)

bench_marshbench_SOURCES = bench/marshbench.c bench/benchnop.h bench/benchutil.h
bench_marshbench_LDADD = $(BENCH_NOP_LIB)
bench_marshbench_LDFLAGS = $(BENCH_RPATH)

bench_vcallbench_SOURCES = bench/vcallbench.cc bench/benchvirt.h bench/benchutil.h
bench_vcallbench_LDADD = $(BENCH_VIRT_LIB)
bench_vcallbench_LDFLAGS = $(BENCH_RPATH)

bench_startbench_SOURCES = bench/startbench.c bench/benchdom.h \
	bench/benchutil.h
bench_startbench_LDADD = $(BENCH_DOM_LIBS)
bench_startbench_LDFLAGS = $(BENCH_RPATH)

bench_sodiumbench_SOURCES = bench/sodiumbench.c
bench_sodiumbench_LDADD = -lsodium

bench_brotlibench_SOURCES = bench/brotlibench.c
bench_brotlibench_LDADD = -lbrotlienc -lbrotlidec

bench_wallbench_SOURCES = bench/wallbench.c bench/benchutil.h
bench_gendata_SOURCES = bench/gendata.c

# The libraries: plain shared objects with a soname, so that a policy can
# name them by soname like any system library.
BENCH_SHLIB = $(CC) $(DEFS) $(DEFAULT_INCLUDES) -I$(srcdir)/bench \
	$(AM_CPPFLAGS) $(CPPFLAGS) $(AM_CFLAGS) $(CFLAGS) -fPIC -shared \
	$(LDFLAGS)

$(BENCH_NOP_LIB): $(srcdir)/bench/libbenchnop.c $(srcdir)/bench/benchnop.h \
		config.h
	@$(MKDIR_P) bench
	$(AM_V_CCLD)$(BENCH_SHLIB) -Wl,-soname,libbenchnop.so -o $@ \
		$(srcdir)/bench/libbenchnop.c

# -fno-devirtualize: the plain run makes real indirect calls.  (GCC's
# speculative devirtualization compares a slot with the function it
# expects and inlines that; under the shim the slot holds the entry, so
# the comparison fails: a real library loses that shortcut too.)
$(BENCH_VIRT_LIB): $(srcdir)/bench/libbenchvirt.cc $(srcdir)/bench/benchvirt.h \
		config.h
	@$(MKDIR_P) bench
	$(AM_V_CXXLD)$(CXX) $(DEFS) $(DEFAULT_INCLUDES) -I$(srcdir)/bench $(AM_CPPFLAGS) \
		$(CPPFLAGS) $(CXXFLAGS) -fno-devirtualize -fPIC -shared $(LDFLAGS) \
		-Wl,-soname,libbenchvirt.so -o $@ $(srcdir)/bench/libbenchvirt.cc

# One source, fifteen libraries (BENCHDOM_N = 1..15), built together.
$(BENCH_DOM_LIBS): bench/benchdom.stamp
bench/benchdom.stamp: $(srcdir)/bench/libbenchdom.c \
		$(srcdir)/bench/benchdom.h config.h
	@$(MKDIR_P) bench
	$(AM_V_CCLD)for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do \
		$(BENCH_SHLIB) -DBENCHDOM_N=$$n \
			-Wl,-soname,libbenchdom$$n.so \
			-o bench/libbenchdom$$n.so \
			$(srcdir)/bench/libbenchdom.c || exit 1; \
	done
	@touch $@

BENCH_ALL = $(BENCH_PROGS:=$(EXEEXT)) $(BENCH_NOP_LIB) $(BENCH_VIRT_LIB) \
	$(BENCH_DOM_LIBS)

.PHONY: bench
bench: $(BENCH_ALL)

CLEANFILES += $(BENCH_ALL) bench/benchdom.stamp
EXTRA_DIST += bench/README bench/libbenchnop.c bench/libbenchdom.c bench/libbenchvirt.cc \
	bench/policy/liblzma.policy bench/policy/libbz2.policy \
	bench/policy/brotli.policy bench/policy/libsodium.policy
