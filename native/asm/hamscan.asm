; hamscan.asm - Hamming scan: the distances of a query to a block of codes, keeping only the codes
; closer than a threshold. The building block of nearest-neighbour search over packed binary
; codes: the caller keeps its k best and passes the k-th best distance as the threshold, so once
; the k best are close the kernel writes (almost) nothing and the scan runs at the speed of
; reading the codes.
;
; typedef struct asmk_scan {
;     const uint64_t *query;   the query: `words` 64-bit words
;     uint64_t words;          W, 1 <= W < 2^26: the words of the query and of every code
;     uint64_t threshold;      a code is a hit when its distance is below this
;     uint64_t first_index;    the index of codes[0]; first_index + count <= 2^32
;     uint64_t *hits;          room for count entries
; } asmk_scan;
;
; size_t asmk_hamscan_<isa>(const asmk_scan *scan, const uint64_t *codes, size_t count);
;
; codes holds count codes of W words each, back to back. For every code i whose distance d to the
; query is below the threshold, in order of i, the kernel writes (d << 32) | (first_index + i) to
; the next entry of hits, and returns the number of entries written. Sorted as integers, the
; entries are ordered by distance, ties by index. Nothing outside the query, the codes and the
; written entries is touched.
%include "abi.inc"

%define SCAN_QUERY     0
%define SCAN_WORDS     8
%define SCAN_THRESHOLD 16
%define SCAN_FIRST     24
%define SCAN_HITS      32

RODATA
align 64
scan_lanes:  dq 0, 1, 2, 3, 4, 5, 6, 7      ; the index of each code of a group of eight
scan_order4: dq 0, 2, 1, 3, 4, 6, 5, 7      ; TREE4's order of codes, back to code order
scan_one:    dq 1
scan_eight:  dq 8
avx2_nibbles: db 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4
avx2_low:     db 0x0F
align 32
avx2_lanes:   dq 0, 1, 2, 3
avx2_four:    dq 4, 4, 4, 4
; avx2_pack: for each 4-bit hit mask, the vpermd indices that bring the hit qwords to the front
avx2_pack:
%assign m 0
%rep 16
avx2_pack_ %+ m:
    %assign lane 0
    %assign placed 0
    %rep 4
        %if (m >> lane) & 1
            dd 2 * lane, 2 * lane + 1
            %assign placed placed + 1
        %endif
        %assign lane lane + 1
    %endrep
    %rep 4 - placed
        dd 0, 1
    %endrep
    %assign m m + 1
%endrep
; avx2_first: for n = 0..4, a vpmaskmovq mask of the first n qwords
avx2_first:
%assign n 0
%rep 5
    %assign lane 0
    %rep 4
        %if lane < n
            dq -1
        %else
            dq 0
        %endif
        %assign lane lane + 1
    %endrep
    %assign n n + 1
%endrep

; ---------------------------------------------------------------------------
; POPCNT: one code at a time, one word at a time.
;
; size_t asmk_hamscan_popcnt(const asmk_scan *scan, const uint64_t *codes, size_t count);
;
; Both pointers run one past the current code and the query, indexed by j = -W .. -1, so one
; register counts the words. The key (d << 32) | index is compared with threshold << 32 (all ones
; for a threshold of 2^32 or more), which is the same test as d < threshold; -W and that bound
; wait in xmm0 and xmm1 for want of general-purpose registers.
FUNC asmk_hamscan_popcnt, 3, 8, 2, scan, codes, count, j, out, qend, index, tmp
    mov      outq, [scanq + SCAN_HITS]
    test     countq, countq
    jz       .done
    mov      rax, [scanq + SCAN_WORDS]
    mov      qendq, [scanq + SCAN_QUERY]
    lea      qendq, [qendq + 8*rax]         ; one past the query
    lea      codesq, [codesq + 8*rax]       ; one past the first code
    neg      rax
    movq     xmm0, rax                      ; -W
    mov      rax, [scanq + SCAN_THRESHOLD]
    mov      tmpq, rax
    shr      tmpq, 32                       ; nonzero for a threshold of 2^32 or more
    shl      rax, 32
    test     tmpq, tmpq
    mov      tmpq, -1
    cmovnz   rax, tmpq                      ; then every code is a hit
    movq     xmm1, rax
    mov      indexq, [scanq + SCAN_FIRST]
.code:
    movq     jq, xmm0
    xor      eax, eax
.word:
    mov      tmpq, [codesq + 8*jq]
    xor      tmpq, [qendq + 8*jq]
    popcnt   tmpq, tmpq
    add      rax, tmpq
    inc      jq
    jnz      .word
    shl      rax, 32
    or       rax, indexq                    ; the key
    movq     tmpq, xmm1
    cmp      rax, tmpq
    jae      .next
    mov      [outq], rax
    add      outq, 8
.next:
    inc      indexq
    movq     rax, xmm0
    neg      rax
    lea      codesq, [codesq + 8*rax]       ; the next code
    dec      countq
    jnz      .code
.done:
    mov      rax, outq
    sub      rax, [scanq + SCAN_HITS]
    shr      rax, 3                         ; entries written
    RET
ENDFUNC

; ---------------------------------------------------------------------------
; AVX-512 VPOPCNTDQ: eight codes per step, their distances in one zmm register.
;
; size_t asmk_hamscan_avx512(const asmk_scan *scan, const uint64_t *codes, size_t count);
;
; Each code's words are XORed with the query and counted with vpopcntq, leaving per-code vectors
; of per-word counts; a tree of unpacks, 128-bit lane shuffles and adds sums them into one vector
; of eight distances in code order (TREE8, or TREE4 when a vector holds two 4-word codes). One
; compare against the threshold gives the hits, vpcompressq packs their keys and a masked store
; writes them; a group without hits costs one kortest. Bodies: W = 4 (two codes per vector), 8,
; 16, and any W (a loop over 8-word chunks, the last one masked). The last 0-7 codes go one at a
; time. zmm16-31 and xmm0-1 only: nothing to save on Win64.

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
; eight sums in zmm16, in order (zmm27: scan_order4).
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
    vpermq     zmm16, zmm27, zmm16
%endmacro

; EMIT: zmm16 holds the distances of the next eight codes, zmm30 their indices, zmm31 the
; threshold: write the keys of the hits, advance out and the indices.
%macro EMIT 0
    vpcmpuq    k1, zmm16, zmm31, 1          ; distance < threshold
    kortestw   k1, k1
    jz         %%none
    vpsllq     zmm16, zmm16, 32
    vporq      zmm16, zmm16, zmm30          ; (d << 32) | index
    vpcompressq zmm16{k1}{z}, zmm16         ; the hits' keys first, in order
    kmovw      tmpd, k1
    popcnt     tmpd, tmpd
    MASK_LOW_LANES k2, tmpd
    vmovdqu64  [outq]{k2}, zmm16
    lea        outq, [outq + 8*tmpq]
%%none:
    vpaddq     zmm30, zmm30, [scan_eight]{1to8}
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

FUNC asmk_hamscan_avx512, 3, 8, 2, scan, codes, count, words, out, q, whole, tmp
    mov        outq, [scanq + SCAN_HITS]
    test       countq, countq
    jz         .done
    mov        wordsq, [scanq + SCAN_WORDS]
    mov        qq, [scanq + SCAN_QUERY]
    mov        wholeq, wordsq
    and        wholeq, -8
    shl        wholeq, 3                    ; bytes of a code's whole 8-word chunks
    mov        tmpd, wordsd
    and        tmpd, 7
    MASK_LOW_LANES k3, tmpd                 ; the last chunk's words
    vpbroadcastq zmm31, [scanq + SCAN_THRESHOLD]
    vpbroadcastq zmm30, [scanq + SCAN_FIRST]
    vpaddq     zmm30, zmm30, [scan_lanes]
    cmp        countq, 8
    jb         .tail
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
.w4:                                        ; 256-bit codes, two per register
    vbroadcasti64x4 zmm28, [qq]
    vmovdqu64  zmm27, [scan_order4]
.loop4:
%assign c 0
%rep 4
    vpxorq     zmm %+ %eval(16 + c), zmm28, [codesq + 64 * c]
    vpopcntq   zmm %+ %eval(16 + c), zmm %+ %eval(16 + c)
%assign c c + 1
%endrep
    TREE4
    EMIT
    add        codesq, 256
    sub        countq, 8
    cmp        countq, 8
    jae        .loop4
    jmp        .tail
.w8:                                        ; 512-bit codes, one per register
    vmovdqu64  zmm28, [qq]
.loop8:
%assign c 0
%rep 8
    vpxorq     zmm %+ %eval(16 + c), zmm28, [codesq + 64 * c]
    vpopcntq   zmm %+ %eval(16 + c), zmm %+ %eval(16 + c)
%assign c c + 1
%endrep
    TREE8
    EMIT
    add        codesq, 512
    sub        countq, 8
    cmp        countq, 8
    jae        .loop8
    jmp        .tail
.w16:                                       ; 1024-bit codes, two registers each
    vmovdqu64  zmm28, [qq]
    vmovdqu64  zmm29, [qq + 64]
.loop16:
%assign c 0
%rep 8
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
    jae        .loop16
.tail:                                      ; the last 0-7 codes, one at a time
    test       countq, countq
    jz         .done
.tail_code:
    CODE_COUNTS zmm16
    vextracti64x4 ymm0, zmm16, 1
    vpaddq     ymm0, ymm0, ymm16
    vextracti128 xmm1, ymm0, 1
    vpaddq     xmm0, xmm0, xmm1
    vpshufd    xmm1, xmm0, 0x4E             ; swap the two qwords
    vpaddq     xmm0, xmm0, xmm1             ; the distance, in both
    vpcmpuq    k1, zmm0, zmm31, 1
    kmovw      tmpd, k1
    test       tmpd, 1                      ; lane 0: distance < threshold?
    jz         .tail_next
    vpsllq     xmm0, xmm0, 32
    vporq      xmm0, xmm0, xmm30
    vmovq      [outq], xmm0
    add        outq, 8
.tail_next:
    vpaddq     zmm30, zmm30, [scan_one]{1to8}
    lea        codesq, [codesq + 8*wordsq]
    dec        countq
    jnz        .tail_code
.done:
    mov        rax, outq
    sub        rax, [scanq + SCAN_HITS]
    shr        rax, 3                       ; entries written
    vzeroupper
    RET
ENDFUNC

; ---------------------------------------------------------------------------
; AVX2: a nibble lookup per byte (vpshufb) and vpsadbw per 8 bytes.
;
; size_t asmk_hamscan_avx2(const asmk_scan *scan, const uint64_t *codes, size_t count);
;
; W = 4: four codes per step, one ymm register each; unpacks and a 128-bit lane swap add their
; per-qword counts into one vector of four distances in code order, vpcmpgtq against the
; threshold gives the hits, vpermd packs their keys to the front (a table row per 4-bit mask) and
; vpmaskmovq writes exactly those. Any other W, and the last 0-3 codes: one code at a time, 32
; bytes per step, the last 0-3 words with POPCNT. Saves xmm6-15 on Win64 (with unwind data).

; NIBBLE_SAD x, tmp: x = per-qword set-bit counts of x (ymm13 zero, ymm14 the nibble table,
; ymm15 the low-nibble mask).
%macro NIBBLE_SAD 2
    vpsrlw     %2, %1, 4
    vpand      %1, %1, ymm15
    vpand      %2, %2, ymm15
    vpshufb    %1, ymm14, %1
    vpshufb    %2, ymm14, %2
    vpaddb     %1, %1, %2
    vpsadbw    %1, %1, ymm13
%endmacro

FUNC asmk_hamscan_avx2, 3, 8, 16, scan, codes, count, off, out, q, index, tmp
    mov        outq, [scanq + SCAN_HITS]
    test       countq, countq
    jz         .done
    mov        qq, [scanq + SCAN_QUERY]
    mov        indexq, [scanq + SCAN_FIRST]
    vpxor      ymm13, ymm13, ymm13
    vbroadcasti128 ymm14, [avx2_nibbles]
    vpbroadcastb ymm15, [avx2_low]
    cmp        qword [scanq + SCAN_WORDS], 4
    jne        .one_code
    cmp        countq, 4
    jb         .one_code
    ; The threshold as a signed 64-bit compare: distances are below 2^32, and a threshold of
    ; 2^63 or more lets everything through as 2^63 - 1 does.
    mov        rax, [scanq + SCAN_THRESHOLD]
    mov        tmpq, rax
    shr        tmpq, 63
    jz         .threshold_fits
    mov        rax, 0x7FFFFFFFFFFFFFFF
.threshold_fits:
    vmovq      xmm11, rax
    vpbroadcastq ymm11, xmm11
    vmovq      xmm10, indexq
    vpbroadcastq ymm10, xmm10
    vpaddq     ymm10, ymm10, [avx2_lanes]   ; the indices of the next four codes
    vmovdqu    ymm12, [qq]
.loop4:
    vpxor      ymm0, ymm12, [codesq]
    vpxor      ymm1, ymm12, [codesq + 32]
    vpxor      ymm2, ymm12, [codesq + 64]
    vpxor      ymm3, ymm12, [codesq + 96]
    NIBBLE_SAD ymm0, ymm4
    NIBBLE_SAD ymm1, ymm5
    NIBBLE_SAD ymm2, ymm6
    NIBBLE_SAD ymm3, ymm7
    vpunpcklqdq ymm4, ymm0, ymm1
    vpunpckhqdq ymm5, ymm0, ymm1
    vpaddq     ymm0, ymm4, ymm5             ; each 128-bit lane: (code 0, code 1) partial sums
    vpunpcklqdq ymm4, ymm2, ymm3
    vpunpckhqdq ymm5, ymm2, ymm3
    vpaddq     ymm2, ymm4, ymm5             ; (code 2, code 3)
    vperm2i128 ymm4, ymm0, ymm2, 0x20       ; the low lanes of both
    vperm2i128 ymm5, ymm0, ymm2, 0x31       ; the high lanes
    vpaddq     ymm0, ymm4, ymm5             ; codes 0..3
    vpcmpgtq   ymm1, ymm11, ymm0            ; threshold > distance
    vmovmskpd  eax, ymm1
    test       eax, eax
    jz         .none4
    vpsllq     ymm0, ymm0, 32
    vpor       ymm0, ymm0, ymm10            ; (d << 32) | index
    mov        tmpd, eax
    shl        tmpd, 5
    lea        rax, [avx2_pack]
    vmovdqu    ymm1, [rax + tmpq]           ; the hits' qwords first
    vpermd     ymm0, ymm1, ymm0
    shr        tmpd, 5
    popcnt     tmpd, tmpd
    shl        tmpd, 5
    lea        rax, [avx2_first]
    vmovdqu    ymm1, [rax + tmpq]           ; as many lanes as hits
    vpmaskmovq [outq], ymm1, ymm0
    shr        tmpd, 2
    add        outq, tmpq
.none4:
    vpaddq     ymm10, ymm10, [avx2_four]
    add        indexq, 4
    sub        codesq, -128
    sub        countq, 4
    cmp        countq, 4
    jae        .loop4
    test       countq, countq
    jz         .done
.one_code:                                  ; any W, a code at a time
    vpxor      ymm0, ymm0, ymm0
    xor        offd, offd
    mov        tmpq, [scanq + SCAN_WORDS]
    and        tmpq, -4
    shl        tmpq, 3                      ; bytes of the whole 32-byte chunks
    jz         .words
.chunk:
    vmovdqu    ymm1, [codesq + offq]
    vpxor      ymm1, ymm1, [qq + offq]
    NIBBLE_SAD ymm1, ymm2
    vpaddq     ymm0, ymm0, ymm1
    add        offq, 32
    cmp        offq, tmpq
    jb         .chunk
.words:
    vextracti128 xmm1, ymm0, 1
    vpaddq     xmm0, xmm0, xmm1
    vpshufd    xmm1, xmm0, 0x4E
    vpaddq     xmm0, xmm0, xmm1
    vmovq      rax, xmm0                    ; the whole chunks' count
    mov        tmpq, [scanq + SCAN_WORDS]
    lea        tmpq, [8*tmpq]
.word:                                      ; the last 0-3 words
    cmp        offq, tmpq
    jae        .compare
    mov        tmpq, [codesq + offq]
    xor        tmpq, [qq + offq]
    popcnt     tmpq, tmpq
    add        rax, tmpq
    add        offq, 8
    mov        tmpq, [scanq + SCAN_WORDS]
    lea        tmpq, [8*tmpq]
    jmp        .word
.compare:
    add        codesq, tmpq                 ; the next code
    cmp        rax, [scanq + SCAN_THRESHOLD]
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
    mov        rax, outq
    sub        rax, [scanq + SCAN_HITS]
    shr        rax, 3                       ; entries written
    vzeroupper
    RET
ENDFUNC
