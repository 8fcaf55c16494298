; popcount.asm - population count and Hamming distance of uint64_t arrays,
; one routine per ISA level. Each body is written once and assembled twice:
; HAMMING (defined before each FUNC) selects popcount(src[i]) or
; popcount(src[i] ^ src2[i]).
%include "abi.inc"

%macro ADVANCE 1 ; bytes: step the input pointer(s)
    add      srcq, %1
%if HAMMING
    add      src2q, %1
%endif
%endmacro

%macro WORD_BITS 2 ; dst register, byte offset: dst = set bits of one word
%if HAMMING
    mov      %1, [srcq + %2]
    xor      %1, [src2q + %2]
    popcnt   %1, %1
%else
    popcnt   %1, [srcq + %2]
%endif
%endmacro

; rax += set bits of the last count (0-3) words, one at a time; then return.
%macro WORDS_TAIL 0
    test     countq, countq
    jz       .done
.loop1:
    WORD_BITS tmpq, 0
    add      rax, tmpq
    ADVANCE  8
    dec      countq
    jnz      .loop1
.done:
    RET
%endmacro

; ---------------------------------------------------------------------------
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

; ---------------------------------------------------------------------------
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

RODATA
align 32
nibble_counts: db 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4
low_nibbles:   times 16 db 0x0f

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
    vpsrlw   ymm4, %1, 4
    vpand    %1, %1, ymm1                    ; low nibbles
    vpand    ymm4, ymm4, ymm1                ; high nibbles
    vpshufb  %1, ymm0, %1
    vpshufb  ymm4, ymm0, ymm4
    vpaddb   %1, %1, ymm4
    vpxor    ymm5, ymm5, ymm5
    vpsadbw  %1, %1, ymm5
    vpaddq   ymm2, ymm2, ymm2
    vpaddq   ymm2, ymm2, %1
%endmacro

; Count the bits of 32 bytes of data (popcount) or of a ^ b (hamming) into ymm3.
%macro AVX2_COUNT_VECTOR 1 ; byte offset from src
    AVX2_LOAD ymm4, %1
    vpsrlw   ymm5, ymm4, 4
    vpand    ymm4, ymm4, ymm1                ; low nibbles
    vpand    ymm5, ymm5, ymm1                ; high nibbles
    vpshufb  ymm4, ymm0, ymm4
    vpshufb  ymm5, ymm0, ymm5
    vpaddb   ymm3, ymm3, ymm4
    vpaddb   ymm3, ymm3, ymm5
%endmacro

%macro AVX2_FOLD_BYTES 0 ; ymm2 += per-lane sums of ymm3's bytes; ymm3 = 0
    vpxor    ymm4, ymm4, ymm4
    vpsadbw  ymm3, ymm3, ymm4
    vpaddq   ymm2, ymm2, ymm3
    vpxor    ymm3, ymm3, ymm3
%endmacro

%macro POPCOUNT_AVX2_BODY 0
    vbroadcasti128 ymm0, [nibble_counts]
    vbroadcasti128 ymm1, [low_nibbles]
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
    vpsrlw   ymm4, ymm10, 4                  ; ymm2 += bits of the sixteens
    vpand    ymm10, ymm10, ymm1
    vpand    ymm4, ymm4, ymm1
    vpshufb  ymm10, ymm0, ymm10
    vpshufb  ymm4, ymm0, ymm4
    vpaddb   ymm10, ymm10, ymm4
    vpxor    ymm5, ymm5, ymm5
    vpsadbw  ymm10, ymm10, ymm5
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
    vextracti128 xmm4, ymm2, 1
    vpaddq   xmm2, xmm2, xmm4
    vpshufd  xmm4, xmm2, 0x4e                ; swap the two qwords
    vpaddq   xmm2, xmm2, xmm4
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

; ---------------------------------------------------------------------------
; AVX-512 (AVX512F + AVX512_VPOPCNTDQ): vpopcntq counts each 64-bit lane. Four
; independent accumulators (zmm0-3) take 32 words per iteration, then single
; vectors of 8, then one masked vector for the last 0-7 words: the masked-off
; lanes are never read (fault suppression), so nothing past the end is touched.
; A masked head first brings the (first) input to a 64-byte boundary: a
; misaligned 64-byte load always splits across two cache lines, which halves
; the loads per cycle (the loop drops from ~165 to ~130 GB/s in L1).
; Only zmm0-5 are used: volatile on Win64, and the final vmovq stays VEX.

%macro AVX512_COUNT_VECTOR 2-3 0 ; accumulator, byte offset[, 1: only the lanes in k1]
%if %3
    vmovdqu64 zmm4{k1}{z}, [srcq + %2]
%if HAMMING
    vpxorq   zmm4{k1}{z}, zmm4, [src2q + %2]
%endif
%else
    vmovdqu64 zmm4, [srcq + %2]
%if HAMMING
    vpxorq   zmm4, zmm4, [src2q + %2]
%endif
%endif
    vpopcntq zmm4, zmm4
    vpaddq   %1, %1, zmm4
%endmacro

%macro POPCOUNT_AVX512_BODY 0
    vpxorq   zmm0, zmm0, zmm0
    vpxorq   zmm1, zmm1, zmm1
    vpxorq   zmm2, zmm2, zmm2
    vpxorq   zmm3, zmm3, zmm3
    mov      headq, srcq
    neg      headq
    and      headq, 63
    shr      headq, 3                        ; words up to the next 64-byte boundary
    jz       .aligned
    cmp      countq, headq
    jb       .aligned                        ; too short to reach it: the tail takes all
    MASK_LOW_LANES k1, headd
    AVX512_COUNT_VECTOR zmm1, 0, 1
    sub      countq, headq
    lea      srcq, [srcq + 8*headq]
%if HAMMING
    lea      src2q, [src2q + 8*headq]
%endif
.aligned:
    BLOCKS   endq, srcq, countq, 32
    cmp      srcq, endq
    je       .vec8
.loop32:
    AVX512_COUNT_VECTOR zmm0, 0
    AVX512_COUNT_VECTOR zmm1, 64
    AVX512_COUNT_VECTOR zmm2, 128
    AVX512_COUNT_VECTOR zmm3, 192
    ADVANCE  256
    cmp      srcq, endq
    jne      .loop32
.vec8:
    cmp      countq, 8
    jb       .tail
    AVX512_COUNT_VECTOR zmm0, 0
    ADVANCE  64
    sub      countq, 8
    jmp      .vec8
.tail:
    test     countq, countq
    jz       .reduce
    MASK_LOW_LANES k1, countd                ; the remaining words
    AVX512_COUNT_VECTOR zmm1, 0, 1
.reduce:
    vpaddq   zmm0, zmm0, zmm1
    vpaddq   zmm2, zmm2, zmm3
    vpaddq   zmm0, zmm0, zmm2
    vshufi64x2 zmm1, zmm0, zmm0, 0x4e        ; swap 256-bit halves
    vpaddq   zmm0, zmm0, zmm1
    vshufi64x2 zmm1, zmm0, zmm0, 0xb1        ; swap 128-bit lanes within halves
    vpaddq   zmm0, zmm0, zmm1
    vpshufd  zmm1, zmm0, 0x4e                ; swap qwords within lanes
    vpaddq   zmm0, zmm0, zmm1
    vmovq    rax, xmm0
    RET
%endmacro

; uint64_t asmk_popcount_avx512(const uint64_t *data, size_t count);
%define HAMMING 0
FUNC asmk_popcount_avx512, 2, 4, 6, src, count, end, head
    POPCOUNT_AVX512_BODY
ENDFUNC

; uint64_t asmk_hamming_avx512(const uint64_t *a, const uint64_t *b, size_t count);
%define HAMMING 1
FUNC asmk_hamming_avx512, 3, 5, 6, src, src2, count, end, head
    POPCOUNT_AVX512_BODY
ENDFUNC
