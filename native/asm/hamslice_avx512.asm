; hamslice_avx512.asm - the Hamming scan of sliced codes with AVX-512 VPOPCNTDQ (contract in
; hamscan.inc; the layout in native/kernels.txt).
%include "abi.inc"
%include "hamscan.inc"
%include "hamscan_avx512.inc"

; The scan of codes in the sliced layout: a group of eight codes holds word j of its eight codes in
; its j-th 64-byte vector, so each lane of a vector is one code and the distances add up lane by lane.
;
; size_t asmk_hamslice_avx512(const asmk_scan *scan, const uint64_t *codes, size_t count);
;
; Per word of four groups (32 codes): the query word broadcast once, then per group one vpxorq with
; the codes, one vpopcntq, one vpaddq: no reduction tree and no permutation back to code order, which
; are most of the work of asmk_hamscan_avx512 at W = 4 to 16. A step without hits compares only the
; least of its four sums (as LOOP1 does); one with hits goes through EMIT per group. Then the groups
; one at a time; the lanes of the last group past count are set to the largest distance, which is
; below no threshold.
FUNC asmk_hamslice_avx512, 3, 8, 0, scan, codes, count, stride, out, qp, p2, tmp
    mov        outq, [scanq + ASMK_SCAN_HITS]
    test       countq, countq
    jz         .done
    mov        strideq, [scanq + ASMK_SCAN_WORDS]
    shl        strideq, 6                   ; bytes of a group: 64 W
    vpbroadcastq zmm31, [scanq + ASMK_SCAN_THRESHOLD]
    vpbroadcastq zmm30, [scanq + ASMK_SCAN_FIRST_INDEX]
    vpaddq     zmm30, zmm30, [scan_lanes]
.step:                                      ; four groups: at codesq, +stride, +2 stride, +3 stride
    cmp        countq, 32
    jb         .group
    mov        qpq, [scanq + ASMK_SCAN_QUERY]
    lea        p2q, [codesq + strideq]
    mov        tmpq, p2q                    ; where group 0's words end
    vpxorq     zmm16, zmm16, zmm16
    vpxorq     zmm17, zmm17, zmm17
    vpxorq     zmm18, zmm18, zmm18
    vpxorq     zmm19, zmm19, zmm19
.step_word:
    vpbroadcastq zmm28, [qpq]
    vpxorq     zmm20, zmm28, [codesq]
    vpxorq     zmm21, zmm28, [codesq + strideq]
    vpxorq     zmm22, zmm28, [codesq + 2*strideq]
    vpxorq     zmm23, zmm28, [p2q + 2*strideq]
    vpopcntq   zmm20, zmm20
    vpopcntq   zmm21, zmm21
    vpopcntq   zmm22, zmm22
    vpopcntq   zmm23, zmm23
    vpaddq     zmm16, zmm16, zmm20
    vpaddq     zmm17, zmm17, zmm21
    vpaddq     zmm18, zmm18, zmm22
    vpaddq     zmm19, zmm19, zmm23
    add        codesq, 64
    add        p2q, 64
    add        qpq, 8
    cmp        codesq, tmpq
    jb         .step_word
    vpminuq    zmm24, zmm16, zmm17          ; the least distance per lane: one compare, not four
    vpminuq    zmm25, zmm18, zmm19
    vpminuq    zmm24, zmm24, zmm25
    vpcmpuq    k1, zmm24, zmm31, 1
    kortestw   k1, k1
    jnz        .step_hits
    vpaddq     zmm30, zmm30, [scan_32]{1to8}
.step_next:
    lea        codesq, [codesq + 2*strideq] ; codesq is at group 1: on to group 4
    add        codesq, strideq
    sub        countq, 32
    jmp        .step
.step_hits:
    EMIT       zmm16
    EMIT       zmm17
    EMIT       zmm18
    EMIT       zmm19
    jmp        .step_next
.group:                                     ; the last 0-31 codes, a group at a time
    test       countq, countq
    jz         .done
    mov        qpq, [scanq + ASMK_SCAN_QUERY]
    lea        tmpq, [codesq + strideq]
    vpxorq     zmm16, zmm16, zmm16
.group_word:
    vpbroadcastq zmm28, [qpq]
    vpxorq     zmm20, zmm28, [codesq]
    vpopcntq   zmm20, zmm20
    vpaddq     zmm16, zmm16, zmm20
    add        codesq, 64
    add        qpq, 8
    cmp        codesq, tmpq
    jb         .group_word
    cmp        countq, 8
    jae        .group_whole
    MASK_LOW_LANES k5, countd
    knotw      k5, k5                       ; the lanes past the last code
    vpternlogq zmm16{k5}, zmm16, zmm16, 0xFF ; all ones: below no threshold
    mov        countq, 8
.group_whole:
    EMIT       zmm16
    sub        countq, 8
    jmp        .group
.done:
    RETURN_HITS
ENDFUNC
