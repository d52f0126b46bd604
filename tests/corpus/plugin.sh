#!/bin/sh
# plugin: a library that loads plugins.  libsox.so.3, isolated, finds its
# format handlers at run time: sox_init() lists /usr/lib/<triplet>/sox
# and lt_dlopen()s (libltdl, also in the domain) every libsox_fmt_*.so
# there, which bring their own libraries (libFLAC, libsndfile, libvorbis,
# libwavpack, ...).  Encoding and decoding FLAC, WavPack, Ogg Vorbis and
# CAF (through libsndfile) with `sox`, `soxi` of a FLAC file, libFLAC's
# error path on a truncated file (its message carries strerror(errno)),
# a type no plugin handles (status 2), and an effect's report on stderr.
# -R (repeatable) everywhere: the Vorbis stream's serial number is
# random without it.
#
# Write mode only: libsox writes into its caller's memory
# (sox_init_encodinginfo, sox_basename and lsx_getopt_init fill the
# program's structures), which read mode refuses without argument
# annotations.
#
# Besides the byte-for-byte comparison, proves that the plugin and its
# own library are in the domain: in a run that waits on a FIFO for its
# input, after the plugins have loaded, the kernel's
# /proc/PID/smaps must show every mapping of libsox_fmt_flac.so and of
# libFLAC.so.12 with the domain's protection key (not the program's 0),
# and the shim must have said that the domain's dlopen loaded it.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/corpus/common.sh"

need_pku
need_shim
need_progs sox soxi

# The inputs, made without the shim: a second of 16-bit stereo, and the
# same in each format.  A plain run that did not produce the format (no
# libsox-fmt-base: every run would fail alike) is a hard error.
plain sox -R -n -r 44100 -c 2 -b 16 "$tmp/in.wav" synth 1 sine 440 sine 660 gain -3
test $st -eq 0 || hard_error "sox cannot make the test input"
for f in flac:fLaC wv:wvpk ogg:OggS caf:caff; do
	ext=${f%%:*} magic=${f#*:}
	plain sox -R "$tmp/in.wav" "$tmp/in.$ext" 2>"$tmp/mk.err"
	test $st -eq 0 && test "$(head -c 4 "$tmp/in.$ext")" = "$magic" ||
		{ show "$tmp/mk.err" stderr; hard_error "sox cannot write .$ext (is libsox-fmt-base installed?)"; }
done
head -c 3000 "$tmp/in.flac" >"$tmp/cut.flac"

# The encoders' output must not change from run to run without the shim,
# or the comparisons below would mean nothing: a second plain run of each
# gives the file the first one wrote.
for t in flac wv ogg caf; do
	plain sox -R "$tmp/in.wav" -t $t - >"$tmp/again.$t" 2>/dev/null
	cmp -s "$tmp/in.$t" "$tmp/again.$t" || hard_error "sox -t $t: two plain runs differ"
done

corpus_case sox-wav-flac write libsox.so.3 -- sox -R "$tmp/in.wav" -t flac -C 8 -
corpus_case sox-flac-raw write libsox.so.3 -- sox -R "$tmp/in.flac" -t raw -
corpus_case soxi-flac write libsox.so.3 -- soxi "$tmp/in.flac"
corpus_case sox-flac-stat write libsox.so.3 -- sox -R "$tmp/in.flac" -n stat
corpus_case sox-flac-truncated write libsox.so.3 -- sox -R "$tmp/cut.flac" -t wav -
corpus_case sox-wav-wv write libsox.so.3 -- sox -R "$tmp/in.wav" -t wv -
corpus_case sox-wv-wav write libsox.so.3 -- sox -R "$tmp/in.wv" -t wav -
corpus_case sox-wav-ogg write libsox.so.3 -- sox -R "$tmp/in.wav" -t ogg -
corpus_case sox-ogg-wav write libsox.so.3 -- sox -R "$tmp/in.ogg" -t wav -
corpus_case sox-wav-caf write libsox.so.3 -- sox -R "$tmp/in.wav" -t caf -
corpus_case sox-caf-wav write libsox.so.3 -- sox -R "$tmp/in.caf" -t wav -
corpus_case sox-no-handler write libsox.so.3 -- sox -R "$tmp/in.wav" -t pkr-no-such-type -

# Where the FLAC plugin is.  sox reads its input from a FIFO: it loads
# every plugin in sox_init(), then blocks opening the FIFO.  Once the
# shim has said that the FLAC plugin is loaded and tagged, the kernel's
# view of the process's mappings is read; then sox gets its input.  (env
# execs sox: $! is sox's PID.)
policy "$tmp/fifo.policy" write libsox.so.3
mkfifo "$tmp/fifo" || hard_error "cannot make a FIFO"
plain sox -R "$tmp/in.flac" -t raw "$tmp/want.raw"
test $st -eq 0 || hard_error "sox cannot decode the FLAC file"
loaded=': domain corpus: loaded [^ ]*/sox/libsox_fmt_flac\.so into its namespace$'
env PKREWIND_POLICY="$tmp/fifo.policy" LD_PRELOAD="$PKREWIND_SHIM" PKREWIND_LOG=debug \
	sox -R -t flac "$tmp/fifo" -t raw "$tmp/got.raw" 2>"$tmp/fifo.err" &
pid=$!
i=0
while ! grep -q "$loaded" "$tmp/fifo.err"; do
	i=$((i + 1))
	test $i -le $((PKREWIND_TEST_TIMEOUT * 10)) && kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
# Each mapping's file (nothing for anonymous memory) and its key.
awk '/^[0-9a-f]+-[0-9a-f]+ / { f = $6 } /^ProtectionKey:/ { print f, $2 }' \
	"/proc/$pid/smaps" >"$tmp/keys" 2>/dev/null
if kill -0 "$pid" 2>/dev/null; then
	timeout "$PKREWIND_TEST_TIMEOUT" sh -c 'cat "$1" >"$2"' sh "$tmp/in.flac" "$tmp/fifo" ||
		kill "$pid" 2>/dev/null
fi
st=0
wait "$pid" || st=$?
test $st -eq 0 || { show "$tmp/fifo.err" stderr; fail "sox from a FIFO under the shim: $(describe_status)"; }
cmp -s "$tmp/want.raw" "$tmp/got.raw" || fail "sox from a FIFO under the shim: the decoded samples differ"
grep -q "$loaded" "$tmp/fifo.err" || { grep -e 'loaded' -e 'error' "$tmp/fifo.err" | head -n 20
	fail "the shim did not say that libsox's dlopen loaded libsox_fmt_flac.so into the domain's namespace"; }
key=$(sed -n 's/.*: domain corpus: key \([0-9]*\), namespace .*/\1/p' "$tmp/fifo.err" | head -n 1)
test -n "$key" && test "$key" != 0 || fail "the shim did not say the domain's key"
test -s "$tmp/keys" || fail "no ProtectionKey lines in /proc/$pid/smaps"
# libsox_fmt_flac.so and libFLAC are only in the domain: every mapping
# has its key.  libsox.so.3 is also the program's own copy (key 0).
for so in /sox/libsox_fmt_flac.so /libFLAC.so. /libsox.so.3; do
	awk -v s="$so" 'index($1, s)' "$tmp/keys" >"$tmp/so"
	test -s "$tmp/so" || fail "no mapping of ${so#/}* in the waiting sox: the plugin did not load"
	name=$(sed -n '1s,^.*/\([^/ ]*\) .*,\1,p' "$tmp/so")
	n=$(awk -v k="$key" '$2 == k' "$tmp/so" | wc -l)
	case $so in
	*libsox.so.3)
		test "$n" -gt 0 || { sed 's/^/    /' "$tmp/so"; fail "$name: no mapping with the domain's key $key"; } ;;
	*)
		test "$n" = "$(wc -l <"$tmp/so")" || { sed 's/^/    /' "$tmp/so"
			fail "$name: a mapping without the domain's key $key (loaded outside the domain)"; } ;;
	esac
	say "ok: $name: $n mappings with the domain's key $key (/proc/PID/smaps)"
done
say "ok: libsox lt_dlopen()ed libsox_fmt_flac.so through the shim into domain corpus; it decoded the FIFO's FLAC identically"
say "PASS"
