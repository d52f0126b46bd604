# tests/cli/run.sh - running a command: the environment given to it, fail
# closed on policy errors, exit statuses.  The preloaded "shim" here is an
# empty shared object built for the test, so only the command is tested.
. "$top_srcdir/tests/cli/lib.sh"

if ! find_cc; then
	echo "SKIP: no C compiler to build a stand-in shim"
	exit 77
fi
echo 'int pkr_test_stand_in;' >"$tmp/empty.c"
if ! "$CC_BIN" -shared -fPIC -o "$tmp/shim.so" "$tmp/empty.c" 2>"$tmp/cc.err"; then
	echo "FAIL: cannot build a shared object with $CC_BIN:"; cat "$tmp/cc.err"; exit 99
fi
PKREWIND_SHIM=$tmp/shim.so; export PKREWIND_SHIM
unset LD_PRELOAD PKREWIND_LOG PKREWIND_STATS GLIBC_TUNABLES PKREWIND_POLICY

# A valid policy; its library need not exist to run.
cat >"$tmp/one.policy" <<'POL'
domain lzma
    library liblzma.so.5
POL
# policy_with N FILE: N domains.
policy_with() {
	i=1
	: >"$2"
	while [ "$i" -le "$1" ]; do
		printf 'domain d%d\n    library libpkrd%d.so.1\n' "$i" "$i" >>"$2"
		i=$((i + 1))
	done
}
# not_run WHAT: the command that would have created $tmp/created did not
# run; the marker is removed for the next check.
not_run() {
	if [ -e "$tmp/created" ]; then fail "$1: the command ran"; else pass "$1: the command did not run"; fi
	rm -f "$tmp/created"
}
# envval NAME: the value of NAME in $tmp/out (captured `env` output), or
# the word UNSET.
envval() {
	v=$(grep "^$1=" "$tmp/out") || { echo UNSET; return; }
	echo "${v#*=}"
}
# expect_env NAME VALUE
expect_env() {
	got=$(envval "$1")
	if [ "$got" = "$2" ]; then pass "$1=$2"; else fail "$1 is '$got', expected '$2'"; fi
}

echo "the environment of the command"
cd "$tmp" || exit 99
run "$PKREWIND_BIN" -p one.policy -- env
expect_rc 0 "pkrewind -p one.policy -- env"
expect_env LD_PRELOAD "$tmp/shim.so"
expect_env PKREWIND_POLICY "$tmp/one.policy"
expect_env GLIBC_TUNABLES "glibc.pthread.rseq=0"
expect_env PKREWIND_LOG UNSET
expect_env PKREWIND_STATS UNSET

echo "existing LD_PRELOAD and GLIBC_TUNABLES are kept"
run env LD_PRELOAD=/lib/pkr-other.so GLIBC_TUNABLES=glibc.malloc.check=3:glibc.pthread.rseq=1 \
	"$PKREWIND_BIN" -p one.policy env
expect_rc 0 "run with LD_PRELOAD and GLIBC_TUNABLES set"
expect_env LD_PRELOAD "$tmp/shim.so:/lib/pkr-other.so"
expect_env GLIBC_TUNABLES "glibc.malloc.check=3:glibc.pthread.rseq=0"

echo "-v, -vv, --stats"
run "$PKREWIND_BIN" -v -p one.policy env
expect_env PKREWIND_LOG info
run "$PKREWIND_BIN" -vv -p one.policy env
expect_env PKREWIND_LOG debug
run "$PKREWIND_BIN" -v --verbose -p one.policy env
expect_env PKREWIND_LOG debug
# The command line wins over the environment (pkrewind(1)).
run env PKREWIND_LOG=error "$PKREWIND_BIN" -vv -p one.policy env
expect_env PKREWIND_LOG debug
run env PKREWIND_LOG=error "$PKREWIND_BIN" -p one.policy env
expect_env PKREWIND_LOG error
run "$PKREWIND_BIN" --stats --policy one.policy env
expect_env PKREWIND_STATS 1

echo "glibc.rtld.nns for more than 3 domains"
policy_with 3 "$tmp/three.policy"
run "$PKREWIND_BIN" -p three.policy env
expect_rc 0 "run with 3 domains"
expect_env GLIBC_TUNABLES "glibc.pthread.rseq=0"
policy_with 4 "$tmp/four.policy"
run "$PKREWIND_BIN" -p four.policy env
expect_env GLIBC_TUNABLES "glibc.pthread.rseq=0:glibc.rtld.nns=5"
policy_with 15 "$tmp/fifteen.policy"
run "$PKREWIND_BIN" -p fifteen.policy env
expect_rc 0 "run with 15 domains"
expect_env GLIBC_TUNABLES "glibc.pthread.rseq=0:glibc.rtld.nns=16"
run env GLIBC_TUNABLES=glibc.rtld.nns=2:glibc.malloc.tcache_count=0 "$PKREWIND_BIN" -p four.policy env
expect_env GLIBC_TUNABLES "glibc.malloc.tcache_count=0:glibc.pthread.rseq=0:glibc.rtld.nns=5"

echo "the policy from PKREWIND_POLICY, made absolute"
run env PKREWIND_POLICY=one.policy "$PKREWIND_BIN" env
expect_rc 0 "run with PKREWIND_POLICY=one.policy"
expect_env PKREWIND_POLICY "$tmp/one.policy"

echo "arguments and the exit status pass through"
run "$PKREWIND_BIN" -p one.policy -- sh -c 'printf "[%s]" "$@"; exit 42' sh a 'b c' -p
expect_rc 42 "the command's exit status"
if [ "$(cat "$tmp/out")" = "[a][b c][-p]" ]; then pass "arguments intact"; else fail "arguments: $(cat "$tmp/out")"; fi
run "$PKREWIND_BIN" -p one.policy sh -c 'echo $LD_PRELOAD'
if [ "$(cat "$tmp/out")" = "$tmp/shim.so" ]; then pass "sh -c 'echo \$LD_PRELOAD' sees the shim"; else fail "LD_PRELOAD seen by sh: $(cat "$tmp/out")"; fi

echo "a bad policy: exit 127, the command does not run"
cat >"$tmp/bad.policy" <<'POL'
domain broken
    library liblzma.so.5
    on-fault explode
POL
run "$PKREWIND_BIN" -p bad.policy -- touch "$tmp/created"
expect_rc 127 "pkrewind -p bad.policy -- touch FILE"
not_run "bad policy"
expect_grep "$tmp/err" '^pkrewind: bad\.policy:3:[0-9]+: ' "the error is printed as FILE:LINE:COL"
run env PKREWIND_POLICY="$tmp/bad.policy" "$PKREWIND_BIN" touch "$tmp/created"
expect_rc 127 "PKREWIND_POLICY=bad.policy pkrewind touch FILE"
not_run "bad policy"
run "$PKREWIND_BIN" -p "$tmp/no-such.policy" touch "$tmp/created"
expect_rc 127 "a missing policy file"
not_run "missing policy file"

echo "no policy anywhere: exit 127"
mkdir -p "$tmp/home"
if [ -e /etc/pkrewind/policy ] || [ -e /usr/local/etc/pkrewind/policy ] ||
   ls /etc/pkrewind/policy.d/*.policy /usr/local/etc/pkrewind/policy.d/*.policy >/dev/null 2>&1; then
	echo "a system policy exists: the no-policy check is not done"
else
	run env -u PKREWIND_POLICY -u XDG_CONFIG_HOME HOME="$tmp/home" "$PKREWIND_BIN" touch "$tmp/created"
	expect_rc 127 "no -p, no PKREWIND_POLICY, no user or system policy"
	expect_grep "$tmp/err" 'no policy' "message says there is no policy"
	not_run "no policy"
	echo "the user's policy is found"
	mkdir -p "$tmp/home/.config/pkrewind"
	cp "$tmp/one.policy" "$tmp/home/.config/pkrewind/policy"
	run env -u PKREWIND_POLICY -u XDG_CONFIG_HOME HOME="$tmp/home" "$PKREWIND_BIN" env
	expect_rc 0 "policy in ~/.config/pkrewind/policy"
	expect_env PKREWIND_POLICY "$tmp/home/.config/pkrewind/policy"
fi

echo "PKREWIND_POLICY set but empty counts as set: exit 127, no other policy"
mkdir -p "$tmp/xdg/pkrewind"
cp "$tmp/one.policy" "$tmp/xdg/pkrewind/policy"
run env PKREWIND_POLICY= XDG_CONFIG_HOME="$tmp/xdg" "$PKREWIND_BIN" touch "$tmp/created"
expect_rc 127 "PKREWIND_POLICY= with a user policy present"
expect_grep "$tmp/err" '^pkrewind: error: PKREWIND_POLICY is set but empty' "the message says PKREWIND_POLICY is empty"
not_run "empty PKREWIND_POLICY"
run env -u PKREWIND_POLICY XDG_CONFIG_HOME="$tmp/xdg" "$PKREWIND_BIN" env
expect_rc 0 "PKREWIND_POLICY unset: the user policy is used"
expect_env PKREWIND_POLICY "$tmp/xdg/pkrewind/policy"

echo "commands that cannot run"
run "$PKREWIND_BIN" -p one.policy pkrewind-no-such-command-here
expect_rc 127 "command not found"
expect_grep "$tmp/err" 'pkrewind-no-such-command-here' "the message names the command"
run "$PKREWIND_BIN" -p one.policy "$tmp/no-such-dir/prog"
expect_rc 127 "no such file"
printf '#!/bin/sh\ntouch "%s/created"\n' "$tmp" >"$tmp/noexec"
chmod 644 "$tmp/noexec"
run "$PKREWIND_BIN" -p one.policy "$tmp/noexec"
expect_rc 126 "command found but not executable"
not_run "file not executable"

echo "finding the shim"
run env PKREWIND_SHIM="$tmp/no-such-shim.so" "$PKREWIND_BIN" -p one.policy touch "$tmp/created"
expect_rc 127 "PKREWIND_SHIM names a missing file"
expect_grep "$tmp/err" 'no-such-shim\.so' "the message names the file"
not_run "missing shim"
# A copy of the command with a stand-in .libs/libpkrewind.so beside it:
# the build-tree rule, without preloading the real shim.
mkdir -p "$tmp/bt/.libs"
cp "$PKREWIND_BIN" "$tmp/bt/pkrewind"
cp "$tmp/shim.so" "$tmp/bt/.libs/libpkrewind.so"
run env -u PKREWIND_SHIM "$tmp/bt/pkrewind" -p one.policy env
expect_rc 0 "run from a build tree without PKREWIND_SHIM"
expect_env LD_PRELOAD "$tmp/bt/.libs/libpkrewind.so"

finish
