#!/usr/bin/env bash
# kernel_ab.sh REV [popcnt|avx2|avx512] [--misaligned]
#
# Times the popcount and Hamming kernels of one ISA level (default avx2) as they
# were at git revision REV against the working tree's, in one process
# (native/bench/kernel_ab.c). Needs nasm and gcc (./build.sh installs both).
# Example: scripts/kernel_ab.sh aab51ab avx2   (the nibble lookup against Harley-Seal)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rev="${1:?usage: scripts/kernel_ab.sh REV [popcnt|avx2|avx512] [--misaligned]}"
isa="${2:-avx2}"
case "$isa" in popcnt|avx2|avx512) ;; *) echo "kernel_ab: unknown ISA level '$isa' (popcnt, avx2, avx512)" >&2; exit 1 ;; esac
out="$ROOT/build/kernel-ab"
mkdir -p "$out/old"
git -C "$ROOT" show "$rev:native/asm/popcount.asm" > "$out/old/popcount.asm"
git -C "$ROOT" show "$rev:native/asm/abi.inc" > "$out/old/abi.inc"
nasm -Werror -f elf64 -I"$out/old/" -DASMK_PREFIX=old_ -o "$out/old.o" "$out/old/popcount.asm"
nasm -Werror -f elf64 -I"$ROOT/native/asm/" -o "$out/new.o" "$ROOT/native/asm/popcount.asm"
gcc -O2 -Wall -Wextra -Werror -DISA="$isa" -o "$out/kernel_ab" "$ROOT/native/bench/kernel_ab.c" "$out/old.o" "$out/new.o"
echo "asmk_popcount_$isa / asmk_hamming_$isa: $rev (old) against the working tree (new)${3:+, inputs one word off alignment}"
"$out/kernel_ab" ${3:-}
