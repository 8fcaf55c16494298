#!/usr/bin/env bash
# hamscan_ab.sh [REV] -- the AVX-512 Hamming scan with and without ASMK_SCAN_STREAM, beside a pass
# that only reads the same bytes, in one process (native/bench/hamscan_stream.c), for 64- to
# 1024-bit codes streaming from memory and codes in cache, and the AVX2 scan at 64 to 256 bits; with
# REV, also each scan as it was at that git revision, interleaved in the same process; then a batch's sliced tiles at 3, 4, 8
# and 16 words (asmk_slice_avx512, and 64 queries over a tile as stored and sliced). Needs gcc, nasm, the library built by
# ./build.sh, and a CPU with AVX-512 VPOPCNTDQ.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$ROOT/build/native/libasmkernels.so"
[ -f "$lib" ] || { echo "hamscan_ab: $lib is missing; run ./build.sh first" >&2; exit 1; }
grep -qw avx512_vpopcntdq /proc/cpuinfo || { echo "hamscan_ab: this CPU has no AVX-512 VPOPCNTDQ" >&2; exit 1; }
out="$ROOT/build/hamscan-ab"
mkdir -p "$out"
old=()
if [[ -n ${1:-} ]]; then  # the old kernel, assembled from REV's tree with the prefix old_
    rm -rf "$out/old" && mkdir -p "$out/old"
    git -C "$ROOT" archive "$1" native | tar -x -C "$out/old"
    tree="$out/old/native"
    cmake -DTABLE="$tree/kernels.txt" -DOUT="$tree/generated" -P "$tree/cmake/kernel_table.cmake" >/dev/null
    nasm -Werror -f elf64 -I"$tree/asm/" -I"$tree/generated/" -DASMK_PREFIX=old_ -o "$out/old.o" "$tree/asm/hamscan_avx512.asm"
    nasm -Werror -f elf64 -I"$tree/asm/" -I"$tree/generated/" -DASMK_PREFIX=old_ -o "$out/old_avx2.o" "$tree/asm/hamscan_avx2.asm"
    old=(-DOLD_KERNEL "$out/old.o" "$out/old_avx2.o")
fi
gcc -O3 -march=native -Wall -Wextra -Werror -I"$ROOT/native/include" -o "$out/hamscan_stream" \
    "$ROOT/native/bench/hamscan_stream.c" "${old[@]}" "$lib" -Wl,-rpath,"$(dirname "$lib")" -Wl,-z,noexecstack
for shape in "1 4000000" "2 2000000" "1 1000000" "2 500000" "1 30000" "2 15000" "4 1000000" "8 500000" "16 250000" "4 20000"; do
    "$out/hamscan_stream" $shape
done
for shape in "1 4000000" "2 2000000" "4 1000000" "1 30000" "2 15000" "4 8000"; do
    "$out/hamscan_stream" $shape avx2
done
for w in 3 4 8 16; do  # a batch's sliced tiles: the slicing, and the scan in cache as stored and sliced
    "$out/hamscan_stream" $w 1000000 sliced
done
