#!/bin/sh
# tests/layers.sh - src/'s #include lines follow the layer diagram at the
# top of HACKING: no cycle, every arrow points down, no file over 900
# lines (scripts/layers).
exec "$top_srcdir/scripts/layers" "$top_srcdir"
