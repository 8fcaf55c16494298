#!/usr/bin/env bash
# kernel_ab.sh REV [popcnt|avx2|avx512] [--misaligned]
#
# Times the popcount and Hamming kernels of one ISA level (default avx2), and its
# increment kernel where it has one, as they were at git revision REV against
# the working tree's, in one process
# (native/bench/kernel_ab.c). Needs nasm and gcc (./build.sh installs both).
# Example: scripts/kernel_ab.sh aab51ab avx2   (the nibble lookup against Harley-Seal)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rev="${1:?usage: scripts/kernel_ab.sh REV [popcnt|avx2|avx512] [--misaligned]}"
isa="${2:-avx2}"
case "$isa" in popcnt|avx2|avx512) ;; *) echo "kernel_ab: unknown ISA level '$isa' (popcnt, avx2, avx512)" >&2; exit 1 ;; esac
out="$ROOT/build/kernel-ab"
rm -rf "$out" && mkdir -p "$out/old" "$out/new"
git -C "$ROOT" archive "$rev" native | tar -x -C "$out/old"

# assemble TREE PREFIX OUT [FILE]: the popcount kernels of ISA from one native/ tree (or FILE.asm's
# kernels): popcount_ISA.asm in the one-file-per-variant layout, popcount.asm before it; the kernel
# table's kernels.inc where that tree's asm layer includes it.
assemble() {
    local tree="$1" prefix="$2" obj="$3" gen="$1/generated"
    if grep -q 'kernels.inc' "$tree/asm/abi.inc"; then
        cmake -DTABLE="$tree/kernels.txt" -DOUT="$gen" -P "$tree/cmake/kernel_table.cmake" >/dev/null
    fi
    local src="$tree/asm/${4:-popcount_$isa}.asm"
    [[ -e $src ]] || src="$tree/asm/popcount.asm"
    nasm -Werror -f elf64 -I"$tree/asm/" -I"$gen/" ${prefix:+-DASMK_PREFIX=$prefix} -o "$obj" "$src"
}
cp -r "$ROOT/native/." "$out/new/"
assemble "$out/old/native" old_ "$out/old.o"
assemble "$out/new" "" "$out/new.o"
objects=("$out/old.o" "$out/new.o") increment=()
# the increment kernels too, where the ISA level has one in both trees
if [[ -e $out/old/native/asm/increment_$isa.asm && -e $out/new/asm/increment_$isa.asm ]]; then
    assemble "$out/old/native" old_ "$out/old_increment.o" "increment_$isa"
    assemble "$out/new" "" "$out/new_increment.o" "increment_$isa"
    objects+=("$out/old_increment.o" "$out/new_increment.o") increment=(-DINCREMENT)
fi
gcc -O2 -Wall -Wextra -Werror -DISA="$isa" "${increment[@]}" -o "$out/kernel_ab" "$ROOT/native/bench/kernel_ab.c" "${objects[@]}"
echo "asmk_popcount_$isa / asmk_hamming_$isa${increment:+ / asmk_increment_$isa}: $rev (old) against the working tree (new)${3:+, inputs one word off alignment}"
"$out/kernel_ab" ${3:-}
