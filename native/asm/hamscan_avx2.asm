; hamscan_avx2.asm - the Hamming scan with AVX2 (contract in hamscan.inc).
%include "abi.inc"
%include "hamscan.inc"
%include "bitcount.inc"
%include "hamscan_avx2.inc"

; AVX2: a nibble lookup per byte (vpshufb) and vpsadbw per 8 bytes.
;
; size_t asmk_hamscan_avx2(const asmk_scan *scan, const uint64_t *codes, size_t count);
;
; Four codes per step, their distances in one ymm register in code order: W = 4, one code per
; register, unpacks and a 128-bit lane swap add the per-qword counts; W = 2, two codes per
; register, unpacks and a qword permute; W = 1, four codes per register, the counts are the
; distances. vpcmpgtq against the threshold gives the hits, vpermd packs their keys to the front
; (a table row per 4-bit mask) and vpmaskmovq writes exactly those (EMIT4). Any other W, and the
; last 0-3 codes: one code at a time, 32 bytes per step, the last 0-3 words with POPCNT. Saves xmm6-15 on Win64 (with unwind data).

; SAD x, tmp: bitcount.inc's NIBBLE_SAD with ymm13 zero, ymm14 the nibble table, ymm15 the low-nibble
; mask: x = per-qword set-bit counts of x.
%macro SAD 2
    NIBBLE_SAD %1, %2, ymm14, ymm15, ymm13
%endmacro


FUNC asmk_hamscan_avx2, 3, 8, 16, scan, codes, count, off, out, q, index, tmp
    mov        outq, [scanq + ASMK_SCAN_HITS]
    test       countq, countq
    jz         .done
    mov        qq, [scanq + ASMK_SCAN_QUERY]
    mov        indexq, [scanq + ASMK_SCAN_FIRST_INDEX]
    NIBBLE_REGS
    cmp        countq, 4
    jb         .one_code
    mov        tmpq, [scanq + ASMK_SCAN_WORDS]
    cmp        tmpq, 4
    ja         .one_code
    cmp        tmpq, 3
    je         .one_code                    ; W = 3: a code at a time
    THRESHOLD4                              ; ymm11, and ymm10 the indices of the first four codes
    cmp        qword [scanq + ASMK_SCAN_WORDS], 2
    jb         .w1
    je         .w2
    vmovdqu    ymm12, [qq]
.loop4:                                     ; 256-bit codes, one per register
    vpxor      ymm0, ymm12, [codesq]
    vpxor      ymm1, ymm12, [codesq + 32]
    vpxor      ymm2, ymm12, [codesq + 64]
    vpxor      ymm3, ymm12, [codesq + 96]
    SAD        ymm0, ymm4
    SAD        ymm1, ymm5
    SAD        ymm2, ymm6
    SAD        ymm3, ymm7
    vpunpcklqdq ymm4, ymm0, ymm1
    vpunpckhqdq ymm5, ymm0, ymm1
    vpaddq     ymm0, ymm4, ymm5             ; each 128-bit lane: (code 0, code 1) partial sums
    vpunpcklqdq ymm4, ymm2, ymm3
    vpunpckhqdq ymm5, ymm2, ymm3
    vpaddq     ymm2, ymm4, ymm5             ; (code 2, code 3)
    vperm2i128 ymm4, ymm0, ymm2, 0x20       ; the low lanes of both
    vperm2i128 ymm5, ymm0, ymm2, 0x31       ; the high lanes
    vpaddq     ymm0, ymm4, ymm5             ; codes 0..3
    EMIT4
    sub        codesq, -128
    sub        countq, 4
    cmp        countq, 4
    jae        .loop4
    jmp        .rest
.w1:                                        ; 64-bit codes, four per register: the counts are the distances
    vpbroadcastq ymm12, [qq]
.loop1:
    vpxor      ymm0, ymm12, [codesq]
    SAD        ymm0, ymm4
    EMIT4
    add        codesq, 32
    sub        countq, 4
    cmp        countq, 4
    jae        .loop1
    jmp        .rest
.w2:                                        ; 128-bit codes, two per register
    vbroadcasti128 ymm12, [qq]
.loop2:
    cmp        countq, 4
    jb         .rest
    vpxor      ymm0, ymm12, [codesq]
    vpxor      ymm2, ymm12, [codesq + 32]
    SAD        ymm0, ymm4
    SAD        ymm2, ymm5
    vpunpcklqdq ymm4, ymm0, ymm2
    vpunpckhqdq ymm5, ymm0, ymm2
    vpaddq     ymm0, ymm4, ymm5             ; lanes: codes (0, 2) (1, 3)
    vpermq     ymm0, ymm0, 0xD8             ; codes 0..3
    EMIT4
    add        codesq, 64
    sub        countq, 4
    jmp        .loop2
.rest:
    test       countq, countq
    jz         .done
.one_code:                                  ; any W, a code at a time
    vpxor      ymm0, ymm0, ymm0
    xor        offd, offd
    mov        tmpq, [scanq + ASMK_SCAN_WORDS]
    and        tmpq, -4
    shl        tmpq, 3                      ; bytes of the whole 32-byte chunks
    jz         .words
.chunk:
    vmovdqu    ymm1, [codesq + offq]
    vpxor      ymm1, ymm1, [qq + offq]
    SAD        ymm1, ymm2
    vpaddq     ymm0, ymm0, ymm1
    add        offq, 32
    cmp        offq, tmpq
    jb         .chunk
.words:
    HSUM_YMM_Q 0, 1
    vmovq      rax, xmm0                    ; the whole chunks' count
    mov        tmpq, [scanq + ASMK_SCAN_WORDS]
    lea        tmpq, [8*tmpq]
.word:                                      ; the last 0-3 words
    cmp        offq, tmpq
    jae        .compare
    mov        tmpq, [codesq + offq]
    xor        tmpq, [qq + offq]
    popcnt     tmpq, tmpq
    add        rax, tmpq
    add        offq, 8
    mov        tmpq, [scanq + ASMK_SCAN_WORDS]
    lea        tmpq, [8*tmpq]
    jmp        .word
.compare:
    add        codesq, tmpq                 ; the next code
    cmp        rax, [scanq + ASMK_SCAN_THRESHOLD]
    jae        .next
    shl        rax, 32
    or         rax, indexq
    mov        [outq], rax
    add        outq, 8
.next:
    inc        indexq
    dec        countq
    jnz        .one_code
.done:
    RETURN_HITS
ENDFUNC
