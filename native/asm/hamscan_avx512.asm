; hamscan_avx512.asm - the Hamming scan with AVX-512 VPOPCNTDQ (contract in hamscan.inc).
%include "abi.inc"
%include "hamscan.inc"
%include "bitcount.inc"
%include "hamscan_avx512.inc"

RODATA
align 64
scan_order4: dq 0, 2, 1, 3, 4, 6, 5, 7      ; TREE4's order of codes, back to code order
scan_order2: dq 0, 2, 4, 6, 1, 3, 5, 7      ; PAIR_SUMS' order of codes (0, 4, 1, 5, ...), back to code order
scan_one:    dq 1
scan_16:     dq 16
; W = 3: the query words of each qword of three vectors of eight 3-word codes (P0, P1, P2), and
; where word j of codes 0..7 sits: vpermi2q over vectors 0:1, then vpermq from vector 2 into the
; last lanes (codes 6-7 of word 0, codes 5-7 of words 1 and 2)
scan_w3_q:   dq 0, 1, 2, 0, 1, 2, 0, 1
             dq 2, 0, 1, 2, 0, 1, 2, 0
             dq 1, 2, 0, 1, 2, 0, 1, 2
scan_w3_ab:  dq 0, 3, 6, 9, 12, 15, 0, 0
             dq 1, 4, 7, 10, 13, 0, 0, 0
             dq 2, 5, 8, 11, 14, 0, 0, 0
scan_w3_c:   dq 0, 0, 0, 0, 0, 0, 2, 5
             dq 0, 0, 0, 0, 0, 0, 3, 6
             dq 0, 0, 0, 0, 0, 1, 4, 7

; AVX-512 VPOPCNTDQ: eight codes per step, their distances in one zmm register.
;
; size_t asmk_hamscan_avx512(const asmk_scan *scan, const uint64_t *codes, size_t count);
;
; Each code's words are XORed with the query and counted with vpopcntq, leaving per-code vectors
; of per-word counts; a tree of unpacks, 128-bit lane shuffles and adds sums them into one vector
; of eight distances (TREE8, or TREE4 when a vector holds two 4-word codes). One compare against
; the threshold finds the hits; a group without hits costs one kortest, and only a group with hits
; permutes its distances back to code order (where the tree left them in another), packs their
; keys with vpcompressq and writes them with a masked store. Bodies: W = 1 (eight codes per
; vector: the counts are the distances), 2 (four per vector, pairs added across two vectors), 3
; (eight codes in three vectors, their counts permuted into three vectors of word j), 4
; (two per vector), 8, 16, and any W (a loop over 8-word chunks, the last one masked). The last 0-7
; codes go one at a time. zmm0-5 (W = 3) and zmm16-31 only: nothing to save on Win64.

; TREE8: zmm16..zmm23 hold per-word counts of codes 0..7; leaves their sums in zmm16, in order.
%macro TREE8 0
    vpunpcklqdq zmm24, zmm16, zmm17
    vpunpckhqdq zmm25, zmm16, zmm17
    vpaddq     zmm16, zmm24, zmm25          ; each 128-bit lane: (code 0, code 1) partial sums
    vpunpcklqdq zmm24, zmm18, zmm19
    vpunpckhqdq zmm25, zmm18, zmm19
    vpaddq     zmm18, zmm24, zmm25
    vpunpcklqdq zmm24, zmm20, zmm21
    vpunpckhqdq zmm25, zmm20, zmm21
    vpaddq     zmm20, zmm24, zmm25
    vpunpcklqdq zmm24, zmm22, zmm23
    vpunpckhqdq zmm25, zmm22, zmm23
    vpaddq     zmm22, zmm24, zmm25
    vshufi64x2 zmm24, zmm16, zmm18, 0x88    ; lanes 0, 2 of each
    vshufi64x2 zmm25, zmm16, zmm18, 0xDD    ; lanes 1, 3 of each
    vpaddq     zmm16, zmm24, zmm25          ; lanes: codes (0,1) (0,1) (2,3) (2,3)
    vshufi64x2 zmm24, zmm20, zmm22, 0x88
    vshufi64x2 zmm25, zmm20, zmm22, 0xDD
    vpaddq     zmm20, zmm24, zmm25          ; codes (4,5) (4,5) (6,7) (6,7)
    vshufi64x2 zmm24, zmm16, zmm20, 0x88
    vshufi64x2 zmm25, zmm16, zmm20, 0xDD
    vpaddq     zmm16, zmm24, zmm25          ; codes 0..7
%endmacro

; TREE4: zmm16..zmm19 hold per-word counts of two 4-word codes each (0,1), (2,3), ...; leaves the
; eight sums in zmm16 in the order 0, 2, 1, 3, 4, 6, 5, 7, which vpermq with zmm27 (scan_order4)
; brings back to code order (EMIT zmm16, zmm27 does, for a group with hits).
%macro TREE4 0
    vpunpcklqdq zmm24, zmm16, zmm17
    vpunpckhqdq zmm25, zmm16, zmm17
    vpaddq     zmm16, zmm24, zmm25          ; lanes: codes (0,2) (0,2) (1,3) (1,3)
    vpunpcklqdq zmm24, zmm18, zmm19
    vpunpckhqdq zmm25, zmm18, zmm19
    vpaddq     zmm18, zmm24, zmm25          ; codes (4,6) (4,6) (5,7) (5,7)
    vshufi64x2 zmm24, zmm16, zmm18, 0x88
    vshufi64x2 zmm25, zmm16, zmm18, 0xDD
    vpaddq     zmm16, zmm24, zmm25          ; codes 0, 2, 1, 3, 4, 6, 5, 7
%endmacro


; CODE_COUNTS dst: per-word counts of the code at codesq against the query, summed over its 8-word
; chunks: the whole chunks in a loop, the last W % 8 words under k3 (nothing when k3 is 0).
%macro CODE_COUNTS 1
    vpxorq     %1, %1, %1
    xor        eax, eax                     ; byte offset in the code
    cmp        wordsq, 8
    jb         %%last
%%chunk:
    vmovdqu64  zmm24, [qq + rax]
    vpxorq     zmm24, zmm24, [codesq + rax]
    vpopcntq   zmm24, zmm24
    vpaddq     %1, %1, zmm24
    add        rax, 64
    cmp        rax, wholeq
    jb         %%chunk
%%last:
    vmovdqu64  zmm24{k3}{z}, [qq + rax]
    vmovdqu64  zmm25{k3}{z}, [codesq + rax]
    vpxorq     zmm24, zmm24, zmm25
    vpopcntq   zmm24, zmm24
    vpaddq     %1, %1, zmm24
%endmacro

; STREAM_AHEAD stream, offset: with stream, prefetch the cache line STREAM_DISTANCE bytes past
; [codesq + offset]. Streaming a code set from memory, the loads a step can keep in flight do not
; cover the latency; a prefetch this far ahead does (scripts/hamscan_ab.sh, AMD Zen 4, 32 MB of
; 256-bit codes: 29-42 -> 51-59 GB/s). For codes already in cache it can only cost load slots, so
; the caller asks for it (ASMK_SCAN_STREAM) when the codes will come from memory.
%define STREAM_DISTANCE 16384
%macro STREAM_AHEAD 2
    %if %1
        prefetcht0 [codesq + STREAM_DISTANCE + %2]
    %endif
%endmacro

; COUNT_VECTORS stream, n: zmm16 .. zmm(15 + n) = per-word counts of the n 64-byte vectors at
; codesq against the query in zmm28.
%macro COUNT_VECTORS 2
%assign c 0
%rep %2
    STREAM_AHEAD %1, 64 * c
    vpxorq     zmm %+ %eval(16 + c), zmm28, [codesq + 64 * c]
    vpopcntq   zmm %+ %eval(16 + c), zmm %+ %eval(16 + c)
%assign c c + 1
%endrep
%endmacro

; BOTH_WAYS loop, label: the loop twice, without and with STREAM_AHEAD, entered by the job's flag.
%macro BOTH_WAYS 2
    test       byte [scanq + ASMK_SCAN_FLAGS], ASMK_SCAN_STREAM
    jnz        %2_stream
    %1         0, %2
%2_stream:
    %1         1, %2_stream
%endmacro

; LOOP1 stream, label: 64-bit codes (W = 1), eight per register, 32 per step: the counts are
; the distances, in code order. One branch per step: a step without hits only takes the lanes'
; least distance and compares that (the hits are rare once the k best are close; a min tree and one
; compare runs 1.2x four compares and their korw in L1 on Zen 4); one with hits goes through EMIT
; per register. Then the last 8-31 codes eight at a time, then to .tail.
%macro LOOP1 2
%2:
    cmp        countq, 32
    jb         %%eights
    COUNT_VECTORS %1, 4
    vpminuq    zmm20, zmm16, zmm17          ; the least distance per lane: one compare, not four
    vpminuq    zmm21, zmm18, zmm19
    vpminuq    zmm20, zmm20, zmm21
    vpcmpuq    k4, zmm20, zmm31, 1          ; any distance < threshold (k3 is the tail's mask)
    kortestw   k4, k4
    jnz        %%hits
    add        wholeq, 32                   ; codes zmm30 is behind by
%%next:
    add        codesq, 256
    sub        countq, 32
    jmp        %2
%%hits:
    SKIPPED_INDICES
    EMIT       zmm16
    EMIT       zmm17
    EMIT       zmm18
    EMIT       zmm19
    jmp        %%next
%%eights:
    SKIPPED_INDICES
    cmp        countq, 8
    jb         .tail
    vpxorq     zmm20, zmm28, [codesq]
    vpopcntq   zmm20, zmm20
    EMIT       zmm20
    add        codesq, 64
    sub        countq, 8
    jmp        %%eights
%endmacro

; SKIPPED_INDICES: LOOP1 and LOOP2 count the codes of steps without hits in wholeq (0 at W = 1
; and 2, where a code has no whole 8-word chunk) instead of advancing zmm30 every step, and bring
; zmm30 up to date (and wholeq back to 0) only before a step with hits and when the loop ends.
%macro SKIPPED_INDICES 0
    vpbroadcastq zmm24, wholeq
    vpaddq     zmm30, zmm30, zmm24
    xor        wholeq, wholeq
%endmacro

; PAIR_SUMS a, b: zmm a and b hold per-word counts of 128-bit codes 0-3 and 4-7 (a 128-bit lane
; each); leaves their eight distances in zmm a in the order 0, 4, 1, 5, 2, 6, 3, 7, which vpermq
; with zmm26 (scan_order2) brings back to code order (EMIT a, zmm26 does, for a group with hits).
%macro PAIR_SUMS 2
    vpunpcklqdq zmm24, %1, %2
    vpunpckhqdq zmm25, %1, %2
    vpaddq     %1, zmm24, zmm25             ; lanes: codes (0, 4) (1, 5) (2, 6) (3, 7)
%endmacro

; LOOP2 stream, label: 128-bit codes (W = 2), four per register, 16 per step; as LOOP1, a step
; without hits only compares the least of its sums, in PAIR_SUMS' order. Then the last 8-15
; codes eight at a time, then to .tail.
%macro LOOP2 2
%2:
    cmp        countq, 16
    jb         %%eights
    COUNT_VECTORS %1, 4
    PAIR_SUMS  zmm16, zmm17
    PAIR_SUMS  zmm18, zmm19
    vpminuq    zmm20, zmm16, zmm18
    vpcmpuq    k1, zmm20, zmm31, 1          ; any distance < threshold: one branch per step, as in LOOP1
    kortestw   k1, k1
    jnz        %%hits
    add        wholeq, 16                   ; codes zmm30 is behind by
%%next:
    add        codesq, 256
    sub        countq, 16
    jmp        %2
%%hits:
    SKIPPED_INDICES
    EMIT       zmm16, zmm26
    EMIT       zmm18, zmm26
    jmp        %%next
%%eights:
    SKIPPED_INDICES
    cmp        countq, 8
    jb         .tail
    vpxorq     zmm16, zmm28, [codesq]
    vpxorq     zmm17, zmm28, [codesq + 64]
    vpopcntq   zmm16, zmm16
    vpopcntq   zmm17, zmm17
    PAIR_SUMS  zmm16, zmm17
    EMIT       zmm16, zmm26
    add        codesq, 128
    sub        countq, 8
    jmp        %%eights
%endmacro

; LOOP3 stream, label: 192-bit codes (W = 3), eight codes (three vectors) per step: each vector XORed
; with the query words its qwords hold (zmm26-28) and counted, then word j of the eight codes
; gathered from the three count vectors into code order (vpermi2q over the first two with zmm0-2,
; vpermq from the third under k4/k5 with zmm3-5) and the three added: no add tree. Then to .tail.
%macro LOOP3 2
%2:
    STREAM_AHEAD %1, 0
    STREAM_AHEAD %1, 64
    STREAM_AHEAD %1, 128
    vpxorq     zmm17, zmm26, [codesq]
    vpxorq     zmm18, zmm27, [codesq + 64]
    vpxorq     zmm19, zmm28, [codesq + 128]
    vpopcntq   zmm17, zmm17
    vpopcntq   zmm18, zmm18
    vpopcntq   zmm19, zmm19
    vmovdqa64  zmm20, zmm0
    vmovdqa64  zmm21, zmm1
    vmovdqa64  zmm22, zmm2
    vpermi2q   zmm20, zmm17, zmm18          ; word 0 of codes 0-5
    vpermi2q   zmm21, zmm17, zmm18          ; word 1 of codes 0-4
    vpermi2q   zmm22, zmm17, zmm18          ; word 2 of codes 0-4
    vpermq     zmm20{k4}, zmm3, zmm19       ; codes 6-7
    vpermq     zmm21{k5}, zmm4, zmm19       ; codes 5-7
    vpermq     zmm22{k5}, zmm5, zmm19
    vpaddq     zmm20, zmm20, zmm21
    vpaddq     zmm20, zmm20, zmm22          ; the eight distances, in code order
    EMIT       zmm20
    add        codesq, 192
    sub        countq, 8
    cmp        countq, 8
    jae        %2
    jmp        .tail
%endmacro

; LOOP4 stream, label / LOOP8 / LOOP16: the W = 4, 8, 16 steps of eight codes, then to .tail.
%macro LOOP4 2
%2:
    COUNT_VECTORS %1, 4
    TREE4
    EMIT       zmm16, zmm27
    add        codesq, 256
    sub        countq, 8
    cmp        countq, 8
    jae        %2
    jmp        .tail
%endmacro

%macro LOOP8 2
%2:
    COUNT_VECTORS %1, 8
    TREE8
    EMIT
    add        codesq, 512
    sub        countq, 8
    cmp        countq, 8
    jae        %2
    jmp        .tail
%endmacro

%macro LOOP16 2
%2:
%assign c 0
%rep 8
    STREAM_AHEAD %1, 128 * c
    STREAM_AHEAD %1, 128 * c + 64
    vpxorq     zmm %+ %eval(16 + c), zmm28, [codesq + 128 * c]
    vpxorq     zmm24, zmm29, [codesq + 128 * c + 64]
    vpopcntq   zmm %+ %eval(16 + c), zmm %+ %eval(16 + c)
    vpopcntq   zmm24, zmm24
    vpaddq     zmm %+ %eval(16 + c), zmm %+ %eval(16 + c), zmm24
%assign c c + 1
%endrep
    TREE8
    EMIT
    add        codesq, 1024
    sub        countq, 8
    cmp        countq, 8
    jae        %2
    jmp        .tail
%endmacro

FUNC asmk_hamscan_avx512, 3, 8, 6, scan, codes, count, words, out, q, whole, tmp
    mov        outq, [scanq + ASMK_SCAN_HITS]
    test       countq, countq
    jz         .done
    mov        wordsq, [scanq + ASMK_SCAN_WORDS]
    mov        qq, [scanq + ASMK_SCAN_QUERY]
    mov        wholeq, wordsq
    and        wholeq, -8
    shl        wholeq, 3                    ; bytes of a code's whole 8-word chunks
    mov        tmpd, wordsd
    and        tmpd, 7
    MASK_LOW_LANES k3, tmpd                 ; the last chunk's words
    vpbroadcastq zmm31, [scanq + ASMK_SCAN_THRESHOLD]
    vpbroadcastq zmm30, [scanq + ASMK_SCAN_FIRST_INDEX]
    vpaddq     zmm30, zmm30, [scan_lanes]
    cmp        countq, 8
    jb         .tail
    cmp        wordsq, 1
    je         .w1
    cmp        wordsq, 2
    je         .w2
    cmp        wordsq, 3
    je         .w3
    cmp        wordsq, 4
    je         .w4
    cmp        wordsq, 8
    je         .w8
    cmp        wordsq, 16
    je         .w16
.general:
%assign c 16
%rep 8
    CODE_COUNTS zmm %+ c
    lea        codesq, [codesq + 8*wordsq]
%assign c c + 1
%endrep
    TREE8
    EMIT
    sub        countq, 8
    cmp        countq, 8
    jae        .general
    jmp        .tail
.w1:                                        ; 64-bit codes, eight per register
    vpbroadcastq zmm28, [qq]
    BOTH_WAYS  LOOP1, .loop1
.w2:                                        ; 128-bit codes, four per register
    vbroadcasti32x4 zmm28, [qq]
    vmovdqu64  zmm26, [scan_order2]
    BOTH_WAYS  LOOP2, .loop2
.w3:                                        ; 192-bit codes, eight in three registers
    mov        eax, 7
    kmovw      k4, eax
    vmovdqu64  zmm16{k4}{z}, [qq]           ; the query's three words
    vmovdqu64  zmm26, [scan_w3_q]
    vmovdqu64  zmm27, [scan_w3_q + 64]
    vmovdqu64  zmm28, [scan_w3_q + 128]
    vpermq     zmm26, zmm26, zmm16          ; the query word of each qword of a step's first vector
    vpermq     zmm27, zmm27, zmm16          ; of its second
    vpermq     zmm28, zmm28, zmm16          ; of its third
    vmovdqu64  zmm0, [scan_w3_ab]
    vmovdqu64  zmm1, [scan_w3_ab + 64]
    vmovdqu64  zmm2, [scan_w3_ab + 128]
    vmovdqu64  zmm3, [scan_w3_c]
    vmovdqu64  zmm4, [scan_w3_c + 64]
    vmovdqu64  zmm5, [scan_w3_c + 128]
    mov        eax, 0xC0
    kmovw      k4, eax                      ; codes 6-7
    mov        eax, 0xE0
    kmovw      k5, eax                      ; codes 5-7
    BOTH_WAYS  LOOP3, .loop3
.w4:                                        ; 256-bit codes, two per register
    vbroadcasti64x4 zmm28, [qq]
    vmovdqu64  zmm27, [scan_order4]
    BOTH_WAYS  LOOP4, .loop4
.w8:                                        ; 512-bit codes, one per register
    vmovdqu64  zmm28, [qq]
    BOTH_WAYS  LOOP8, .loop8
.w16:                                       ; 1024-bit codes, two registers each
    vmovdqu64  zmm28, [qq]
    vmovdqu64  zmm29, [qq + 64]
    BOTH_WAYS  LOOP16, .loop16
.tail:                                      ; the last 0-7 codes, one at a time
    test       countq, countq
    jz         .done
.tail_code:
    CODE_COUNTS zmm16
    HSUM_ZMM_Q zmm16, zmm17                 ; the distance, in every lane
    vpcmpuq    k1, zmm16, zmm31, 1
    kmovw      tmpd, k1
    test       tmpd, 1                      ; lane 0: distance < threshold?
    jz         .tail_next
    vpsllq     xmm16, xmm16, 32
    vporq      xmm16, xmm16, xmm30
    vmovq      [outq], xmm16
    add        outq, 8
.tail_next:
    vpaddq     zmm30, zmm30, [scan_one]{1to8}
    lea        codesq, [codesq + 8*wordsq]
    dec        countq
    jnz        .tail_code
.done:
    RETURN_HITS
ENDFUNC

