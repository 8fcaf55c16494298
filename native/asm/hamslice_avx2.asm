; hamslice_avx2.asm - the Hamming scan of sliced codes with AVX2 (contract in hamscan.inc; the
; layout in native/kernels.txt).
%include "abi.inc"
%include "hamscan.inc"
%include "bitcount.inc"
%include "hamscan_avx2.inc"

RODATA
align 32
slice2_far:  times 4 dq 0x7FFFFFFFFFFFFFFF  ; the distance of a lane past count: below no threshold

; size_t asmk_hamslice_avx2(const asmk_scan *scan, const uint64_t *codes, size_t count);
;
; A group (eight codes, two registers per word) at a time: per word the query word broadcast, one
; vpxor per register and the nibble lookup's byte counts (NIBBLE_BYTES) added bytewise, 31 words
; at most before one vpsadbw folds them into the 64-bit distances (a byte holds 8 per word), so
; there is no add tree and no shuffle back to code order. The lanes of the last group past count
; get the largest distance; EMIT4 writes the hits of each half. Saves xmm6-15 on Win64 (with
; unwind data).
FUNC asmk_hamslice_avx2, 3, 8, 16, scan, codes, count, left, out, q, index, tmp
    mov        outq, [scanq + ASMK_SCAN_HITS]
    test       countq, countq
    jz         .done
    mov        qq, [scanq + ASMK_SCAN_QUERY]
    mov        indexq, [scanq + ASMK_SCAN_FIRST_INDEX]
    NIBBLE_REGS
    THRESHOLD4                              ; ymm11, and ymm10 the indices of the first four codes
.group:
    vpxor      ymm2, ymm2, ymm2             ; the distances of codes 0-3
    vpxor      ymm3, ymm3, ymm3             ; of codes 4-7
    mov        tmpq, qq                     ; the query word
    mov        leftq, [scanq + ASMK_SCAN_WORDS]
.chunk:                                     ; up to 31 words into byte counts
    vpxor      ymm4, ymm4, ymm4
    vpxor      ymm5, ymm5, ymm5
    mov        eax, 31
    cmp        leftq, rax
    cmovb      eax, leftd
    sub        leftq, rax
.word:
    vpbroadcastq ymm12, [tmpq]
    vpxor      ymm0, ymm12, [codesq]        ; word j of codes 0-3
    vpxor      ymm1, ymm12, [codesq + 32]   ; of codes 4-7
    NIBBLE_BYTES ymm0, ymm6, ymm14, ymm15
    NIBBLE_BYTES ymm1, ymm7, ymm14, ymm15
    vpaddb     ymm4, ymm4, ymm0
    vpaddb     ymm5, ymm5, ymm1
    add        codesq, 64
    add        tmpq, 8
    dec        eax
    jnz        .word
    vpsadbw    ymm4, ymm4, ymm13            ; the chunk's counts per code
    vpsadbw    ymm5, ymm5, ymm13
    vpaddq     ymm2, ymm2, ymm4
    vpaddq     ymm3, ymm3, ymm5
    test       leftq, leftq
    jnz        .chunk
    cmp        countq, 8
    jae        .emit
    lea        rax, [avx2_first]            ; the last group: its codes keep their distances
    mov        tmpq, countq
    cmp        tmpq, 4
    jbe        .low
    mov        tmpq, 4
.low:
    shl        tmpq, 5
    vmovdqu    ymm6, [rax + tmpq]           ; lanes of codes 0-3 that exist
    mov        tmpq, countq
    sub        tmpq, 4
    jae        .high
    xor        tmpd, tmpd
.high:
    shl        tmpq, 5
    vmovdqu    ymm7, [rax + tmpq]           ; of codes 4-7
    vmovdqu    ymm12, [slice2_far]
    vpblendvb  ymm2, ymm12, ymm2, ymm6
    vpblendvb  ymm3, ymm12, ymm3, ymm7
    mov        countq, 8
.emit:
    vmovdqa    ymm0, ymm2
    EMIT4
    vmovdqa    ymm0, ymm3
    EMIT4
    sub        countq, 8
    jnz        .group
.done:
    RETURN_HITS
ENDFUNC
