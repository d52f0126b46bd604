#!/bin/sh
# tools: Debian programs whose library is isolated by a policy naming
# only the library.  Covers: a FILE * API (jq prints with jv_dumpf to
# stdout, tiffinfo with TIFFPrintDirectory), error paths (invalid JSON),
# a library with setjmp/longjmp error handling (pngtopam of a damaged
# PNG: libpng longjmp()s out of the library to the program's jmp_buf), a
# library that calls exit() (djpeg of a file that is no JPEG: libjpeg's
# error_exit), a C++ library (exiv2; its exceptions caught by the
# program on a file that is no image), and liblzma under another program
# (zstd --format=xz).  Read mode where the library does not write the
# caller's memory (libmagic).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/corpus/common.sh"

need_pku
need_shim
need_progs jq sqlite3 file cjpeg djpeg pngtopam tiffinfo exiv2 zstd python3

corpus_case jq write libjq.so.1 libonig.so.5 -- jq -S '.' "$data/in.json"
corpus_case jq-filter write libjq.so.1 libonig.so.5 -- jq -c '[.. | numbers] | add' "$data/in.json"
corpus_case jq-bad write libjq.so.1 libonig.so.5 -- jq . "$data/bad.json"
corpus_case sqlite3 write libsqlite3.so.0 -- sqlite3 :memory: \
	"create table t(a integer, b text); insert into t values (1, 'x'), (2, 'y'), (3, NULL);
	 select a, upper(b), length(b) from t order by a desc; select sum(a), group_concat(b) from t;
	 select printf('%08.3f', 3.14159);"
corpus_case file write,read libmagic.so.1 -- file -b "$data/doc.xml" "$data/in.json" /bin/sh "$data"

# A small grey image, as cjpeg reads it; a JPEG of it, and a truncated one.
python3 -c "import sys; w, h = 64, 32; sys.stdout.buffer.write(b'P5 %d %d 255\n' % (w, h) + bytes((x * 4 + y * 8) % 256 for y in range(h) for x in range(w)))" >"$tmp/g.pgm" ||
	hard_error "cannot make the test image"
cjpeg -quality 80 "$tmp/g.pgm" >"$tmp/g.jpg" || hard_error "cjpeg failed"
head -c 400 "$tmp/g.jpg" >"$tmp/cut.jpg"
corpus_case cjpeg write libjpeg.so.62 -- cjpeg -quality 75 "$tmp/g.pgm"
corpus_case djpeg write libjpeg.so.62 -- djpeg -pnm "$tmp/g.jpg"
corpus_case djpeg-truncated write libjpeg.so.62 -- djpeg -pnm "$tmp/cut.jpg"
corpus_case djpeg-notjpeg write libjpeg.so.62 -- djpeg -pnm "$data/in.json"

# A PNG (8 x 4 grey) and the same with its IDAT chunk's type damaged.
python3 -c "
import struct, sys, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
raw = b''.join(b'\\x00' + bytes((x * 32 + y * 16) % 256 for x in range(8)) for y in range(4))
png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 8, 4, 8, 0, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
open(sys.argv[1], 'wb').write(png)
bad = bytearray(png); bad[40] ^= 0xff
open(sys.argv[2], 'wb').write(bytes(bad))" "$tmp/g.png" "$tmp/bad.png" || hard_error "cannot make the test PNGs"
corpus_case pngtopam write libpng16.so.16 -- pngtopam "$tmp/g.png"
corpus_case pngtopam-damaged write libpng16.so.16 -- pngtopam "$tmp/bad.png"

# A baseline TIFF: 2 x 2 grey, uncompressed.
python3 -c "
import struct, sys
e = [(256,3,1,2),(257,3,1,2),(258,3,1,8),(259,3,1,1),(262,3,1,1),(273,4,1,8+2+12*10+4),(277,3,1,1),(278,3,1,2),(279,4,1,4),(284,3,1,1)]
ifd = struct.pack('<H', len(e)) + b''.join(struct.pack('<HHII', *x) for x in e) + struct.pack('<I', 0)
sys.stdout.buffer.write(b'II*\x00' + struct.pack('<I', 8) + ifd + bytes([0, 64, 128, 255]))" >"$tmp/t.tif" ||
	hard_error "cannot make the test TIFF"
corpus_case tiffinfo write libtiff.so.6 -- tiffinfo -d "$tmp/t.tif"

cp "$tmp/g.jpg" "$tmp/e.jpg"
exiv2 -M'set Exif.Image.Artist Ascii pkrewind' -M'set Exif.Image.Model Ascii corpus' "$tmp/e.jpg" ||
	hard_error "exiv2 could not write the test metadata"
corpus_case exiv2 write libexiv2.so.27 -- exiv2 -pa "$tmp/e.jpg"
# libexiv2 throws Exiv2::Error for a file of no known type; exiv2 catches it.
corpus_case exiv2-not-an-image write libexiv2.so.27 -- exiv2 -pa "$data/in.json"

head -c 300000 "$(command -v sqlite3)" >"$tmp/blob"
corpus_case zstd-xz write liblzma.so.5 -- zstd -q -c --format=xz "$tmp/blob"
say "PASS"
