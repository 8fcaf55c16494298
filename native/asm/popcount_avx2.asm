; popcount_avx2.asm - popcount and Hamming distance with AVX2.
%include "popcount.inc"
%include "bitcount.inc"

; AVX2: Harley-Seal carry-save adders over a nibble lookup.
;
; Main loop, 64 words (16 vectors) per iteration, from 128 words up: a tree of carry-save adders
; (CSA: three vectors in, a bitwise sum and carry out) keeps running vectors of
; ones, twos, fours and eights, and emits one vector of sixteens, whose bits
; alone are counted, by the nibble lookup. That is 5 bitwise operations per
; input vector instead of the lookup's 7. After the loop the total is
; 16*sixteens + 8*eights + 4*fours + 2*twos + ones, folded by Horner's rule.
;
; The nibble lookup: each byte's low and high nibble index a 16-entry table of
; bit counts (vpshufb), then vpsadbw folds bytes into four 64-bit lane totals.
; It also counts the 0-63 words after the main loop: groups of four vectors
; (byte counts at most 4 * 8 = 32), then single vectors; the last 0-3 words go
; through scalar POPCNT.
;
; Registers: ymm0 table, ymm1 0x0f mask, ymm2 lane totals, ymm3 byte counts,
; ymm4-5 scratch; main loop only: ymm6-9 ones, twos, fours, eights, ymm10-15
; carries. All 16 are used, so on Win64 FUNC saves xmm6-15 (nxmm 16) and
; records it in the unwind data.

NIBBLE_TABLE nibbles

%define ONES   ymm6
%define TWOS   ymm7
%define FOURS  ymm8
%define EIGHTS ymm9

; Load one vector of data (popcount) or of a ^ b (hamming).
%macro AVX2_LOAD 2 ; register, byte offset from src
    vmovdqu  %1, [srcq + %2]
%if HAMMING
    vpxor    %1, %1, [src2q + %2]
%endif
%endmacro

; CSA h, l, b, c, u: bitwise l + b + c = 2*h + l. Clobbers b and u.
%macro CSA 5
    vpxor    %5, %2, %3                      ; u = l ^ b
    vpand    %1, %2, %3
    vpand    %3, %5, %4
    vpor     %1, %1, %3                      ; h = (l & b) | (u & c)
    vpxor    %2, %5, %4                      ; l = u ^ c
%endmacro

; h = carry of ones + the two vectors at the byte offset; ones = the sum bits.
%macro CSA_DATA 2 ; h, byte offset
    AVX2_LOAD ymm3, %2
    AVX2_LOAD ymm4, %2 + 32
    CSA      %1, ONES, ymm3, ymm4, ymm5
%endmacro

; ymm2 = 2 * ymm2 + the bit count of the source, per 64-bit lane. Clobbers the
; source and ymm4-5.
%macro AVX2_DOUBLE_ADD 1
    vpxor    ymm5, ymm5, ymm5
    NIBBLE_SAD %1, ymm4, ymm0, ymm1, ymm5
    vpaddq   ymm2, ymm2, ymm2
    vpaddq   ymm2, ymm2, %1
%endmacro

; Count the bits of 32 bytes of data (popcount) or of a ^ b (hamming) into ymm3.
%macro AVX2_COUNT_VECTOR 1 ; byte offset from src
    AVX2_LOAD ymm4, %1
    NIBBLE_BYTES ymm4, ymm5, ymm0, ymm1
    vpaddb   ymm3, ymm3, ymm4
%endmacro

%macro AVX2_FOLD_BYTES 0 ; ymm2 += per-lane sums of ymm3's bytes; ymm3 = 0
    vpxor    ymm4, ymm4, ymm4
    vpsadbw  ymm3, ymm3, ymm4
    vpaddq   ymm2, ymm2, ymm3
    vpxor    ymm3, ymm3, ymm3
%endmacro

%macro POPCOUNT_AVX2_BODY 0
    vbroadcasti128 ymm0, [nibbles]
    vbroadcasti128 ymm1, [nibbles + 16]
    vpxor    ymm2, ymm2, ymm2
    cmp      countq, 128                     ; below two blocks, the final folds cost more
    jb       .blocks16                       ; than the adders save
    BLOCKS   endq, srcq, countq, 64
    vpxor    ONES, ONES, ONES
    vpxor    TWOS, TWOS, TWOS
    vpxor    FOURS, FOURS, FOURS
    vpxor    EIGHTS, EIGHTS, EIGHTS
.loop64:
    CSA_DATA ymm10, 0                        ; twos A
    CSA_DATA ymm11, 64                       ; twos B
    CSA      ymm12, TWOS, ymm10, ymm11, ymm5 ; fours A
    CSA_DATA ymm10, 128
    CSA_DATA ymm11, 192
    CSA      ymm13, TWOS, ymm10, ymm11, ymm5 ; fours B
    CSA      ymm14, FOURS, ymm12, ymm13, ymm5 ; eights A
    CSA_DATA ymm10, 256
    CSA_DATA ymm11, 320
    CSA      ymm12, TWOS, ymm10, ymm11, ymm5
    CSA_DATA ymm10, 384
    CSA_DATA ymm11, 448
    CSA      ymm13, TWOS, ymm10, ymm11, ymm5
    CSA      ymm15, FOURS, ymm12, ymm13, ymm5 ; eights B
    CSA      ymm10, EIGHTS, ymm14, ymm15, ymm5 ; sixteens
    vpxor    ymm5, ymm5, ymm5
    NIBBLE_SAD ymm10, ymm4, ymm0, ymm1, ymm5 ; ymm2 += bits of the sixteens
    vpaddq   ymm2, ymm2, ymm10
    ADVANCE  512
    cmp      srcq, endq
    jne      .loop64
    AVX2_DOUBLE_ADD EIGHTS                   ; Horner: ymm2 = 16*sixteens + 8*eights + ...
    AVX2_DOUBLE_ADD FOURS
    AVX2_DOUBLE_ADD TWOS
    AVX2_DOUBLE_ADD ONES
.blocks16:
    vpxor    ymm3, ymm3, ymm3
    BLOCKS   endq, srcq, countq, 16
    cmp      srcq, endq
    je       .vec4
.loop16:
    AVX2_COUNT_VECTOR 0
    AVX2_COUNT_VECTOR 32
    AVX2_COUNT_VECTOR 64
    AVX2_COUNT_VECTOR 96
    AVX2_FOLD_BYTES
    ADVANCE  128
    cmp      srcq, endq
    jne      .loop16
.vec4:
    cmp      countq, 4
    jb       .fold
    AVX2_COUNT_VECTOR 0
    ADVANCE  32
    sub      countq, 4
    jmp      .vec4
.fold:
    AVX2_FOLD_BYTES
    HSUM_YMM_Q 2, 4
    vmovq    rax, xmm2
    WORDS_TAIL
%endmacro

; uint64_t asmk_popcount_avx2(const uint64_t *data, size_t count);
%define HAMMING 0
FUNC asmk_popcount_avx2, 2, 4, 16, src, count, end, tmp
    POPCOUNT_AVX2_BODY
ENDFUNC

; uint64_t asmk_hamming_avx2(const uint64_t *a, const uint64_t *b, size_t count);
%define HAMMING 1
FUNC asmk_hamming_avx2, 3, 5, 16, src, src2, count, end, tmp
    POPCOUNT_AVX2_BODY
ENDFUNC
