## src/local.mk: the shim, the domain runtime, the command, and the
## convenience library they share.

# Code shared by the shim and the command: the policy language (a pure
# parser in policy*.c with arena, diag and spell under it; libmatch and
# policyfile beside it), logging.  Built PIC because the shim links it.
noinst_LTLIBRARIES += src/libpkrcommon.la
src_libpkrcommon_la_SOURCES = \
	src/policy.c src/policy.h src/policy_int.h \
	src/policy_lex.c src/policy_directives.c src/policy_args.c \
	src/arena.c src/arena.h \
	src/diag.c src/diag.h \
	src/spell.c src/spell.h \
	src/libmatch.c src/libmatch.h \
	src/policyfile.c src/policyfile.h \
	src/log.c src/log.h
src_libpkrcommon_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden

# The preloaded shim.  The shim and the runtime go into $(pkglibdir)
# ($(libdir)/pkrewind): they are preloaded or dlmopen()ed by path, never
# linked against (no soname, no headers), so not on the linker's path.
pkglib_LTLIBRARIES += src/libpkrewind.la
src_libpkrewind_la_SOURCES = \
	src/real.c src/real.h \
	src/elf.c src/elf.h src/elfsyms.h \
	src/maps.c src/maps.h \
	src/domains.c src/domains.h \
	src/pkey.c src/pkey.h \
	src/thread.c src/thread.h \
	src/gate.S src/cbgate.S src/gatemac.h src/gate_exc.c src/tramp.c src/tramp.h \
	src/marshal.c src/marshal_gate.S src/marshal.h src/lend.c src/lend.h \
	src/learn.c src/learn.h \
	src/loader.c src/loader_fini.c src/loader_vtab.c src/loader.h \
	src/reset.c src/reset.h \
	src/interpose.c src/interpose.h \
	src/fault.c src/fault.h src/jump.c src/jump.h \
	src/envsync.c src/envsync.h src/tlsdesc.c src/tlsdesc.h src/hooks.c src/hooks.h \
	src/crossheap.c src/crossheap.h \
	src/shared.c src/shared.h \
	src/service.c src/service_io.c src/service_tls.c src/service_thread.c src/service_env.c src/service_dl.c src/service_heap.c \
	src/service_iconv.c src/service_nss.c src/service.h \
	src/stats.c src/stats.h \
	src/shim.c src/shim.h
src_libpkrewind_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
src_libpkrewind_la_LDFLAGS = -module -avoid-version -shared \
	-Wl,--version-script=$(srcdir)/src/libpkrewind.sym -Wl,-z,nodelete
src_libpkrewind_la_LIBADD = src/libpkrcommon.la -ldl -lpthread
EXTRA_src_libpkrewind_la_DEPENDENCIES = $(srcdir)/src/libpkrewind.sym
EXTRA_DIST += src/libpkrewind.sym src/runtime/runtime.sym

# The domain runtime: the first object of every isolated namespace.
# -fno-builtin: gcc would otherwise turn malloc+memset in calloc into a
# call to calloc (the runtime's own, recursively).
pkglib_LTLIBRARIES += src/libpkrewind-rt.la
src_libpkrewind_rt_la_SOURCES = \
	src/runtime/rt.c src/runtime/rt.h src/runtime/rt_int.h src/runtime/rt_stdio.c src/runtime/rt_tls.c \
	src/runtime/rt_tlsdesc.S \
	src/runtime/rt_thread.c src/runtime/rt_env.c src/runtime/rt_dl.c \
	src/runtime/rt_iconv.c src/runtime/rt_nss.c \
	src/runtime/alloc.c src/runtime/alloc.h
src_libpkrewind_rt_la_CFLAGS = $(AM_CFLAGS) -fno-builtin -fvisibility=hidden
src_libpkrewind_rt_la_LDFLAGS = -module -avoid-version -shared \
	-Wl,--version-script=$(srcdir)/src/runtime/runtime.sym
EXTRA_src_libpkrewind_rt_la_DEPENDENCIES = $(srcdir)/src/runtime/runtime.sym

# The command.
bin_PROGRAMS += src/pkrewind
# The command reads library files with libelf; the shim does not link it
# (see src/elf.h).
src_pkrewind_SOURCES = src/cli.c src/cli_learn.c src/cli.h src/cliutil.c src/cliutil.h \
	src/libpath.c src/libpath.h src/elfsyms.c src/elfsyms.h \
	src/dwarfargs.c src/dwarfargs.h
src_pkrewind_CFLAGS = $(AM_CFLAGS) $(LIBELF_CFLAGS) $(LIBDW_CFLAGS)
src_pkrewind_LDADD = src/libpkrcommon.la $(LIBELF_LIBS) $(LIBDW_LIBS)
