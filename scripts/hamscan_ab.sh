#!/usr/bin/env bash
# hamscan_ab.sh -- the AVX-512 Hamming scan with and without ASMK_SCAN_STREAM, beside a pass that
# only reads the same bytes, in one process (native/bench/hamscan_stream.c), for 64- to 1024-bit
# codes streaming from memory and codes in cache. Needs gcc,
# the library built by ./build.sh, and a CPU with AVX-512 VPOPCNTDQ.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$ROOT/build/native/libasmkernels.so"
[ -f "$lib" ] || { echo "hamscan_ab: $lib is missing; run ./build.sh first" >&2; exit 1; }
grep -qw avx512_vpopcntdq /proc/cpuinfo || { echo "hamscan_ab: this CPU has no AVX-512 VPOPCNTDQ" >&2; exit 1; }
out="$ROOT/build/hamscan-ab"
mkdir -p "$out"
gcc -O3 -march=native -Wall -Wextra -Werror -I"$ROOT/native/include" -o "$out/hamscan_stream" \
    "$ROOT/native/bench/hamscan_stream.c" "$lib" -Wl,-rpath,"$(dirname "$lib")"
for shape in "1 4000000" "2 2000000" "1 1000000" "2 500000" "4 1000000" "8 500000" "16 250000" "4 20000"; do
    "$out/hamscan_stream" $shape
done
for shape in "1 4000000" "2 2000000" "4 1000000"; do
    "$out/hamscan_stream" $shape avx2
done
