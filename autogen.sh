#!/bin/sh
# Generate ./configure from configure.ac (a git checkout has none; a release
# tarball from `make dist` does).
set -e
cd "$(dirname "$0")"
autoreconf -fi
# automake does not copy its TAP driver by itself; the tests use it.
cp "$(automake --print-libdir)/tap-driver.sh" build-aux/
