; slice_avx512.asm - codes into the sliced layout that hamslice reads (the layout: hamscan.inc).
%include "abi.inc"

; TRANSPOSE8: zmm16..zmm23 hold eight rows of eight words (row l: words of code l); leaves word j
; of the eight rows in zmm(24 + j). Three stages of 8 shuffles: pairs of rows by qword, then by
; 128-bit lane twice.
%macro TRANSPOSE8 0
%assign r 0
%rep 4
    vpunpcklqdq zmm %+ %eval(24 + r), zmm %+ %eval(16 + 2 * r), zmm %+ %eval(17 + 2 * r) ; words 0, 2, 4, 6 of rows 2r, 2r + 1
    vpunpckhqdq zmm %+ %eval(28 + r), zmm %+ %eval(16 + 2 * r), zmm %+ %eval(17 + 2 * r) ; words 1, 3, 5, 7
%assign r r + 1
%endrep
    vshufi64x2 zmm16, zmm24, zmm25, 0x88    ; rows 0-3: words 0, 4
    vshufi64x2 zmm17, zmm24, zmm25, 0xDD    ; words 2, 6
    vshufi64x2 zmm18, zmm28, zmm29, 0x88    ; words 1, 5
    vshufi64x2 zmm19, zmm28, zmm29, 0xDD    ; words 3, 7
    vshufi64x2 zmm20, zmm26, zmm27, 0x88    ; rows 4-7: the same
    vshufi64x2 zmm21, zmm26, zmm27, 0xDD
    vshufi64x2 zmm22, zmm30, zmm31, 0x88
    vshufi64x2 zmm23, zmm30, zmm31, 0xDD
    vshufi64x2 zmm24, zmm16, zmm20, 0x88    ; word 0 of rows 0-7
    vshufi64x2 zmm28, zmm16, zmm20, 0xDD    ; word 4
    vshufi64x2 zmm26, zmm17, zmm21, 0x88    ; word 2
    vshufi64x2 zmm30, zmm17, zmm21, 0xDD    ; word 6
    vshufi64x2 zmm25, zmm18, zmm22, 0x88    ; word 1
    vshufi64x2 zmm29, zmm18, zmm22, 0xDD    ; word 5
    vshufi64x2 zmm27, zmm19, zmm23, 0x88    ; word 3
    vshufi64x2 zmm31, zmm19, zmm23, 0xDD    ; word 7
%endmacro

; ROWS mask: zmm16..zmm23 = the next 8 words (under mask) of the group's eight codes, at codesq,
; codesq + s, ... codesq + 7 s (t2q = codesq + 2 s, t3q = codesq + 3 s).
%macro ROWS 1
    vmovdqu64  zmm16{%1}{z}, [codesq]
    vmovdqu64  zmm17{%1}{z}, [codesq + sq]
    vmovdqu64  zmm18{%1}{z}, [t2q]
    vmovdqu64  zmm19{%1}{z}, [t3q]
    vmovdqu64  zmm20{%1}{z}, [codesq + 4*sq]
    vmovdqu64  zmm21{%1}{z}, [t3q + 2*sq]
    vmovdqu64  zmm22{%1}{z}, [t2q + 4*sq]
    vmovdqu64  zmm23{%1}{z}, [t3q + 4*sq]
%endmacro

; void asmk_slice_avx512(uint64_t *sliced, const uint64_t *codes, size_t count, size_t words);
;
; A group of eight codes at a time, its words eight at a time: eight rows loaded (the last W % 8
; words under a mask), transposed in registers (TRANSPOSE8) and stored as eight vectors of the
; output, which is written front to back. The last 1-7 codes: their group zeroed, then their words
; copied one by one.
FUNC asmk_slice_avx512, 4, 8, 0, out, codes, count, words, s, t2, t3, c
    lea        sq, [8*wordsq]               ; bytes of a code
    mov        cd, wordsd
    and        cd, 7
    MASK_LOW_LANES k2, cd                   ; the words of the last, partial chunk of a code
    kxnorw     k1, k1, k1
.group:
    cmp        countq, 8
    jb         .last
    lea        t2q, [codesq + 2*sq]
    lea        t3q, [t2q + sq]
    mov        cq, wordsq
    shr        cq, 3                        ; whole chunks of 8 words
    jz         .part
.chunk:
    ROWS       k1
    TRANSPOSE8
%assign j 0
%rep 8
    vmovdqu64  [outq + 64 * j], zmm %+ %eval(24 + j)
%assign j j + 1
%endrep
    add        outq, 512
    add        codesq, 64
    add        t2q, 64
    add        t3q, 64
    dec        cq
    jnz        .chunk
.part:
    kortestw   k2, k2
    jz         .next
    ROWS       k2
    TRANSPOSE8
    mov        eax, wordsd
    and        eax, 7                       ; 1-7 words left
%assign j 0
%rep 7
    vmovdqu64  [outq + 64 * j], zmm %+ %eval(24 + j)
%if j < 6
    cmp        eax, j + 1
    je         .stored
%endif
%assign j j + 1
%endrep
.stored:
    shl        eax, 6
    add        outq, rax
    shr        eax, 3
    add        codesq, rax
.next:
    lea        codesq, [codesq + 8*sq]      ; codesq is at code 1: on to code 8
    sub        codesq, sq
    sub        countq, 8
    jmp        .group
.last:                                      ; 0-7 codes: zero their group, then copy word by word
    test       countq, countq
    jz         .done
    vpxorq     zmm16, zmm16, zmm16
    mov        cq, wordsq
    mov        t2q, outq
.zero:
    vmovdqu64  [t2q], zmm16
    add        t2q, 64
    dec        cq
    jnz        .zero
.code:                                      ; code by code: out walks its lane, codes its words
    xor        cd, cd
.word:
    mov        rax, [codesq + 8*cq]
    mov        t3q, cq
    shl        t3q, 6
    mov        [outq + t3q], rax            ; word j of this lane: 64 j bytes into the group
    inc        cq
    cmp        cq, wordsq
    jb         .word
    add        codesq, sq
    add        outq, 8                      ; the next lane
    dec        countq
    jnz        .code
.done:
    RET
ENDFUNC
