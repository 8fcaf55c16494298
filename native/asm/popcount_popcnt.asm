; popcount_popcnt.asm - the seed popcount and Hamming distance kernels (POPCNT).
%include "popcount.inc"

; The seed routine: 4-wide unrolled POPCNT with a temporary register. Each
; iteration counts four consecutive words through tmp into a per-chunk sum,
; then adds the sum into the total (rax). The last 0-3 words are counted one
; at a time, as if the array were padded with zeros.

%macro POPCOUNT_POPCNT_BODY 0
    xor      eax, eax
    BLOCKS   endq, srcq, countq, 4
    cmp      srcq, endq
    je       .tail
.loop4:
    WORD_BITS tmpq, 0
    mov      sumq, tmpq
    WORD_BITS tmpq, 8
    add      sumq, tmpq
    WORD_BITS tmpq, 16
    add      sumq, tmpq
    WORD_BITS tmpq, 24
    add      sumq, tmpq
    add      rax, sumq
    ADVANCE  32
    cmp      srcq, endq
    jne      .loop4
.tail:
    WORDS_TAIL
%endmacro

; uint64_t asmk_popcount_popcnt(const uint64_t *data, size_t count);
%define HAMMING 0
FUNC asmk_popcount_popcnt, 2, 5, 0, src, count, tmp, sum, end
    POPCOUNT_POPCNT_BODY
ENDFUNC

; uint64_t asmk_hamming_popcnt(const uint64_t *a, const uint64_t *b, size_t count);
%define HAMMING 1
FUNC asmk_hamming_popcnt, 3, 6, 0, src, src2, count, tmp, sum, end
    POPCOUNT_POPCNT_BODY
ENDFUNC
