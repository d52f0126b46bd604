# tests/cli/symbols.sh - `pkrewind symbols`: listing (checked against
# readelf and against shared objects built here), lookup by soname, the
# policy skeleton, and errors.
. "$top_srcdir/tests/cli/lib.sh"

# find_lib SONAME: its path in the usual directories, or nothing.
find_lib() {
	for d in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64 /lib64 /usr/lib /lib; do
		if [ -f "$d/$1" ]; then echo "$d/$1"; return 0; fi
	done
	return 1
}
lzma=$(find_lib liblzma.so.5)
if [ -z "$lzma" ]; then
	echo "FAIL: liblzma.so.5 is not installed (Debian package liblzma5)"
	exit 99
fi

echo "symbols $lzma"
run "$PKREWIND_BIN" symbols "$lzma"
expect_rc 0 "symbols by path"
expect_grep "$tmp/out" '^function lzma_code@@XZ_5\.0$' "lists 'function lzma_code@@XZ_5.0'"
cp "$tmp/out" "$tmp/lzma-by-path"
if awk '{ sub(/@.*/, "", $2); print $2 }' "$tmp/out" | LC_ALL=C sort -c 2>/dev/null; then
	pass "sorted by name"
else
	fail "output is not sorted by name"
fi
bad=$(grep -Evc '^(function|data  ) [A-Za-z_][A-Za-z0-9_.$]*(@@?[A-Za-z0-9_.]+)?$' "$tmp/out")
if [ "$bad" -eq 0 ]; then pass "every line is 'function NAME[@[@]VER]' or 'data   NAME[...]'"; else fail "$bad malformed lines"; show; fi

echo "symbols liblzma.so.5 (by soname)"
run "$PKREWIND_BIN" symbols liblzma.so.5
expect_rc 0 "symbols by soname"
expect_grep "$tmp/out" '^function lzma_code@@XZ_5\.0$' "lists 'function lzma_code@@XZ_5.0'"
if cmp -s "$tmp/out" "$tmp/lzma-by-path"; then pass "same list by soname and by path"; else fail "the lists by soname and by path differ"; fi

# Compare with readelf: defined GLOBAL/WEAK FUNC/IFUNC/OBJECT symbols of
# default or protected visibility, with readelf's @/@@ version notation,
# less the absolute symbols that only name a version.
readelf_list() {
	readelf --dyn-syms -W "$1" | awk '
		$1 ~ /^[0-9]+:$/ && ($5 == "GLOBAL" || $5 == "WEAK") &&
		($6 == "DEFAULT" || $6 == "PROTECTED") && $7 != "UND" &&
		!($7 == "ABS" && $3 == 0 && $4 == "OBJECT") {
			if ($4 == "FUNC" || $4 == "IFUNC") print "function " $8
			else if ($4 == "OBJECT") print "data   " $8
		}' | LC_ALL=C sort -u
}
if command -v readelf >/dev/null 2>&1; then
	for lib in "$lzma" libc.so.6 libm.so.6; do
		run "$PKREWIND_BIN" symbols "$lib"
		if [ "$rc" -ne 0 ]; then fail "symbols $lib: exit $rc"; show; continue; fi
		case $lib in /*) path=$lib;; *) path=$(find_lib "$lib");; esac
		LC_ALL=C sort -u "$tmp/out" >"$tmp/ours"
		readelf_list "$path" >"$tmp/theirs"
		if [ -s "$tmp/theirs" ] && cmp -s "$tmp/ours" "$tmp/theirs"; then
			pass "$lib: same $(wc -l <"$tmp/ours") symbols as readelf"
		else
			fail "$lib: the list differs from readelf's ($path)"
			diff "$tmp/ours" "$tmp/theirs" | head -20 | sed 's/^/    /'
		fi
	done
else
	echo "readelf not installed: comparison with readelf not done"
fi

if find_cc; then
	echo "shared objects built here with $CC_BIN"
	cat >"$tmp/t.c" <<'C'
int pkr_t_table[4] = { 1, 2, 3, 4 };
int pkr_t_plain(void) { return 0; }
int pkr_t_old(void) { return 1; }
int pkr_t_new(void) { return 2; }
static int pkr_t_local(void) { return 3; }
int pkr_t_uses_local(void) { return pkr_t_local(); }
__attribute__((visibility("hidden"))) int pkr_t_hidden(void) { return 4; }
__asm__(".symver pkr_t_old, pkr_t_f@VERS_1");
__asm__(".symver pkr_t_new, pkr_t_f@@VERS_2");
C
	cat >"$tmp/t.map" <<'MAP'
VERS_1 { global: pkr_t_f; pkr_t_table; pkr_t_plain; pkr_t_uses_local; local: *; };
VERS_2 { global: pkr_t_f; } VERS_1;
MAP
	mkdir -p "$tmp/lib"
	if "$CC_BIN" -shared -fPIC -o "$tmp/lib/libpkrt.so.1" "$tmp/t.c" \
		-Wl,-soname,libpkrt.so.1 -Wl,--version-script="$tmp/t.map" 2>"$tmp/cc.err"; then
		run "$PKREWIND_BIN" symbols "$tmp/lib/libpkrt.so.1"
		expect_rc 0 "symbols of a versioned test library"
		printf '%s\n' 'function pkr_t_f@@VERS_2' 'function pkr_t_f@VERS_1' \
			'function pkr_t_plain@@VERS_1' 'data   pkr_t_table@@VERS_1' \
			'function pkr_t_uses_local@@VERS_1' >"$tmp/expect"
		if cmp -s "$tmp/out" "$tmp/expect"; then
			pass "default (@@) and non-default (@) versions, data, no local or hidden symbols"
		else
			fail "unexpected listing of libpkrt.so.1"
			diff "$tmp/expect" "$tmp/out" | sed 's/^/    /'
		fi

		echo "symbols --policy for the test library"
		run env LD_LIBRARY_PATH="$tmp/lib" "$PKREWIND_BIN" symbols --policy libpkrt.so.1
		expect_rc 0 "symbols --policy libpkrt.so.1 (found through LD_LIBRARY_PATH)"
		cp "$tmp/out" "$tmp/pkrt.policy"
		expect_grep "$tmp/out" '^domain pkrt$' "domain name from the soname"
		expect_grep "$tmp/out" '^    library libpkrt\.so\.1$' "library line names the soname"
		expect_grep "$tmp/out" '^    trusted-memory read$' "trusted-memory read"
		expect_grep "$tmp/out" '^    on-fault rewind$' "on-fault rewind"
		n=$(grep -c '^    function pkr_t_f fault-return -1$' "$tmp/out")
		if [ "$n" -eq 1 ]; then pass "a function in two versions is listed once"; else fail "pkr_t_f listed $n times"; fi
		expect_grep "$tmp/out" '^    function pkr_t_plain fault-return -1$' "function line for pkr_t_plain"
		expect_grep "$tmp/out" '^ *#.*pkr_t_table.*shared with the program if it uses it' "comment for the data object"
		expect_no_grep "$tmp/out" '^ *function pkr_t_table' "no function line for the data object"
		run env LD_LIBRARY_PATH="$tmp/lib" "$PKREWIND_BIN" check "$tmp/pkrt.policy"
		expect_rc 0 "the skeleton passes pkrewind check"
		expect_no_grep "$tmp/err" 'warning' "and draws no warning"
	else
		fail "cannot build the test library with $CC_BIN"
		sed 's/^/    /' "$tmp/cc.err"
	fi

	echo "an unversioned library without a soname"
	printf 'int pkr_u_data = 1;\nint pkr_u_func(void) { return pkr_u_data; }\n' >"$tmp/u.c"
	if "$CC_BIN" -shared -fPIC -o "$tmp/lib/libpkru.so" "$tmp/u.c" 2>"$tmp/cc.err"; then
		run "$PKREWIND_BIN" symbols "$tmp/lib/libpkru.so"
		expect_rc 0 "symbols of an unversioned library"
		printf '%s\n' 'data   pkr_u_data' 'function pkr_u_func' >"$tmp/expect"
		if cmp -s "$tmp/out" "$tmp/expect"; then
			pass "unversioned symbols have no @ suffix"
		else
			fail "unexpected listing of libpkru.so"
			diff "$tmp/expect" "$tmp/out" | sed 's/^/    /'
		fi
		run "$PKREWIND_BIN" symbols --policy "$tmp/lib/libpkru.so"
		expect_rc 0 "symbols --policy of a library without a soname"
		cp "$tmp/out" "$tmp/pkru.policy"
		expect_grep "$tmp/out" '^domain pkru$' "domain name from the file name"
		expect_grep "$tmp/out" "^    library $tmp/lib/libpkru\\.so\$" "library line is the absolute path"
		run "$PKREWIND_BIN" check "$tmp/pkru.policy"
		expect_rc 0 "that skeleton passes pkrewind check"
		expect_no_grep "$tmp/err" 'warning' "and draws no warning"
	else
		fail "cannot build the unversioned test library with $CC_BIN"
		sed 's/^/    /' "$tmp/cc.err"
	fi

	echo "an executable is not a shared object"
	printf 'int main(void) { return 0; }\n' >"$tmp/main.c"
	if "$CC_BIN" -fPIE -pie -o "$tmp/prog" "$tmp/main.c" 2>"$tmp/cc.err"; then
		run "$PKREWIND_BIN" symbols "$tmp/prog"
		expect_rc 1 "symbols of a PIE executable"
		expect_grep "$tmp/err" 'not a shared object' "message says 'not a shared object'"
	else
		fail "cannot build a test program with $CC_BIN"
	fi
else
	echo "no C compiler: the tests with built shared objects are not done"
fi

echo "symbols --policy liblzma.so.5 | check"
run "$PKREWIND_BIN" symbols --policy liblzma.so.5
expect_rc 0 "symbols --policy liblzma.so.5"
cp "$tmp/out" "$tmp/lzma.policy"
expect_grep "$tmp/out" '^domain lzma$' "domain lzma"
expect_grep "$tmp/out" '^    library liblzma\.so\.5$' "library liblzma.so.5"
expect_grep "$tmp/out" '^    function lzma_code fault-return -1$' "function lzma_code fault-return -1"
nf=$(grep -c '^    function ' "$tmp/lzma.policy")
nu=$(grep '^function ' "$tmp/lzma-by-path" | awk '{ sub(/@.*/, "", $2); print $2 }' | sort -u | wc -l)
if [ "$nf" -eq "$nu" ]; then pass "one function line per function name ($nf)"; else fail "$nf function lines for $nu function names"; fi
run "$PKREWIND_BIN" check "$tmp/lzma.policy"
expect_rc 0 "pkrewind check of the liblzma skeleton"

echo "errors: exit 1 with a clear message"
run "$PKREWIND_BIN" symbols "$tmp/no-such-file.so"
expect_rc 1 "symbols of a missing file"
expect_grep "$tmp/err" "no-such-file\\.so: No such file" "message names the file"
run env -u LD_LIBRARY_PATH "$PKREWIND_BIN" symbols libpkrewind-no-such-lib.so.9
expect_rc 1 "symbols of an unknown soname"
expect_grep "$tmp/err" "libpkrewind-no-such-lib\\.so\\.9.* not found" "message says not found"
printf 'not an ELF file\n' >"$tmp/text.so"
run "$PKREWIND_BIN" symbols "$tmp/text.so"
expect_rc 1 "symbols of a text file"
expect_grep "$tmp/err" 'text\.so: not an ELF file' "message says 'not an ELF file'"
run "$PKREWIND_BIN" symbols "$tmp"
expect_rc 1 "symbols of a directory"
expect_grep "$tmp/err" 'is a directory' "message says 'is a directory'"

finish
