; hamslice_avx512.asm - the Hamming scan of sliced codes with AVX-512 VPOPCNTDQ (contract in
; hamscan.inc; the layout in native/kernels.txt).
%include "abi.inc"
%include "hamscan.inc"
%include "hamscan_avx512.inc"

; HITS_TO label: jump to label when any of the 32 distances in zmm16-19 is below the threshold:
; the least distance per lane, one compare, not four.
%macro HITS_TO 1
    vpminuq    zmm24, zmm16, zmm17
    vpminuq    zmm25, zmm18, zmm19
    vpminuq    zmm24, zmm24, zmm25
    vpcmpuq    k1, zmm24, zmm31, 1
    kortestw   k1, k1
    jnz        %1
%endmacro

; EMIT4: the hits of the four groups in zmm16-19.
%macro EMIT4 0
    EMIT       zmm16
    EMIT       zmm17
    EMIT       zmm18
    EMIT       zmm19
%endmacro

; The scan of codes in the sliced layout: a group of eight codes holds word j of its eight codes in
; its j-th 64-byte vector, so each lane of a vector is one code and the distances add up lane by lane.
;
; size_t asmk_hamslice_avx512(const asmk_scan *scan, const uint64_t *codes, size_t count);
;
; Per word of four groups (32 codes): the query word broadcast once, then per group one vpxorq with
; the codes, one vpopcntq, one vpaddq: no reduction tree and no permutation back to code order, which
; are most of the work of asmk_hamscan_avx512 at W = 4 to 16. A step without hits compares only the
; least of its four sums (as LOOP1 does); one with hits goes through EMIT per group. At W = 2 the
; step has a body of its own: both query words broadcast once per call, and each group's two counts
; added into its distances directly (no word loop, no zeroed sums). Then the groups one at a time;
; the lanes of the last group past count are set to the largest distance, which is below no
; threshold.
FUNC asmk_hamslice_avx512, 3, 8, 0, scan, codes, count, stride, out, qp, p2, tmp
    mov        outq, [scanq + ASMK_SCAN_HITS]
    test       countq, countq
    jz         .done
    mov        strideq, [scanq + ASMK_SCAN_WORDS]
    shl        strideq, 6                   ; bytes of a group: 64 W
    vpbroadcastq zmm31, [scanq + ASMK_SCAN_THRESHOLD]
    vpbroadcastq zmm30, [scanq + ASMK_SCAN_FIRST_INDEX]
    vpaddq     zmm30, zmm30, [scan_lanes]
    cmp        strideq, 128
    je         .w2
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
    HITS_TO    .step_hits
    vpaddq     zmm30, zmm30, [scan_32]{1to8}
.step_next:
    lea        codesq, [codesq + 2*strideq] ; codesq is at group 1: on to group 4
    add        codesq, strideq
    sub        countq, 32
    jmp        .step
.step_hits:
    EMIT4
    jmp        .step_next
.w2:                                        ; 128-bit codes: a group is two vectors
    mov        qpq, [scanq + ASMK_SCAN_QUERY]
    vpbroadcastq zmm26, [qpq]
    vpbroadcastq zmm27, [qpq + 8]
.w2_step:
    cmp        countq, 32
    jb         .group
%assign g 0
%rep 4
    vpxorq     zmm %+ %eval(16 + g), zmm26, [codesq + 128 * g]
    vpxorq     zmm %+ %eval(20 + g), zmm27, [codesq + 128 * g + 64]
    vpopcntq   zmm %+ %eval(16 + g), zmm %+ %eval(16 + g)
    vpopcntq   zmm %+ %eval(20 + g), zmm %+ %eval(20 + g)
    vpaddq     zmm %+ %eval(16 + g), zmm %+ %eval(16 + g), zmm %+ %eval(20 + g) ; group g's eight distances
%assign g g + 1
%endrep
    HITS_TO    .w2_hits
    vpaddq     zmm30, zmm30, [scan_32]{1to8}
.w2_next:
    add        codesq, 512
    sub        countq, 32
    jmp        .w2_step
.w2_hits:
    EMIT4
    jmp        .w2_next
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
