#!/usr/bin/env bash
# crc32c_ab.sh [--offset N] [--independent]
#
# Times the library's CRC-32C kernels (build/native/libasmkernels.so, built by ./build.sh) against
# Intel ISA-L's crc32_iscsi and a read roofline in one process (native/bench/crc32c_isal.c).
# Needs gcc and ISA-L (Debian: apt-get install libisal-dev; installed here when run as root).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$ROOT/build/native/libasmkernels.so"
[ -f "$lib" ] || { echo "crc32c_ab: $lib is missing; run ./build.sh first" >&2; exit 1; }
if ! [ -e /usr/include/isa-l/crc.h ] && ! [ -e /usr/include/isa-l.h ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y libisal-dev >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y libisal-dev >/dev/null; }
    else
        echo "crc32c_ab: ISA-L is missing: apt-get install libisal-dev" >&2; exit 1
    fi
fi
out="$ROOT/build/crc32c-ab"
mkdir -p "$out"
gcc -O3 -mavx2 -Wall -Wextra -Werror -I"$ROOT/native/include" -o "$out/crc32c_isal" \
    "$ROOT/native/bench/crc32c_isal.c" "$lib" -lisal -Wl,-rpath,"$(dirname "$lib")"
"$out/crc32c_isal" "$@"
