# scripts/deps.sh - the Debian packages pkrewind needs, and how to get them.
# Sourced by scripts/check and scripts/demo.  Each package is here for a
# reason (README.md, "Dependencies"): keep the two lists in step.

# Building: the autotools chain, the compiler (g++ for the C++ test
# fixtures), libelf (the command reads library files: `pkrewind
# symbols`), libdw (argument types from DWARF: `symbols --policy`), Check
# (unit tests).
PKR_BUILD_PKGS="autoconf automake libtool pkg-config make gcc g++ libc6-dev libelf-dev libdw-dev check"
# The real-program corpus (tests/corpus): Debian programs whose library
# the tests isolate (XML and XSLT, JSON, SQL, file types, JPEG, TIFF, C++
# image metadata, PNG, liblzma in zstd, an interpreter's extension modules,
# and a library that loads plugins: sox's libsox dlopen()s the format
# handlers of libsox-fmt-base, with libFLAC and the others, at run time).
PKR_CORPUS_PKGS="xsltproc libxml2-utils jq sqlite3 file libjpeg-turbo-progs netpbm libtiff-tools exiv2 zstd python3 sox libsox-fmt-base"
# Testing: man page lint, and the real programs and libraries the
# integration tests isolate.
# minisign and python3-nacl: real programs using libsodium, for the
# shipped read-mode libsodium policy (tests/args/sodium.sh).
# bash-completion and vim: the completion and the policy syntax file are
# tested with the real thing (tests/cli/completion.sh, tests/cli/vim.sh).
# git: the zlib workload of tests/args/shipped.sh (skipped without it).
PKR_TEST_PKGS="groff-base groff mandoc xz-utils liblzma-dev bzip2 libbz2-dev brotli libbrotli-dev minisign python3-nacl bash-completion vim git $PKR_CORPUS_PKGS"
# Tests in a QEMU guest (scripts/guest: hosts without protection keys,
# and the kernels on both sides of 6.12): the emulator (TCG emulates pku),
# a static busybox and cpio for the initramfs, kmod's modinfo for the
# module load order, xz/zstd to unpack compressed modules, util-linux's
# flock for the kernel cache.  apt-get fetches the kernels themselves.
PKR_GUEST_PKGS="qemu-system-x86 busybox-static cpio kmod xz-utils zstd util-linux"
# The Debian package (scripts/deb, run by scripts/check): dpkg-buildpackage
# (dpkg-dev), debhelper for debian/rules, lintian to check the result.
# The installed-tree test installs the .deb with apt-get and purges it.
PKR_DEB_PKGS="dpkg-dev debhelper lintian"
# Benchmarks only (scripts/bench): plots, cycle counts ("Where the time
# goes"), the libsodium workload.
PKR_BENCH_PKGS="gnuplot-nox linux-perf libsodium-dev"

pkr_sudo() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Install whatever of the named packages is missing (apt-get update first,
# once).  Prints nothing when everything is there.
pkr_install() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "pkrewind: installing Debian packages:$missing"
	pkr_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	pkr_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

# Bootstrap and configure the tree if needed, then build.
pkr_build() {
	if [ ! -x configure ] || [ configure.ac -nt configure ]; then
		autoreconf -fi
	fi
	if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
		./configure
	fi
	make -j"$(nproc)"
}
