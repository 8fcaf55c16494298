; hamscan_popcnt.asm - the Hamming scan with POPCNT (contract in hamscan.inc).
%include "abi.inc"
%include "hamscan.inc"

; POPCNT: one code at a time, one word at a time.
;
; size_t asmk_hamscan_popcnt(const asmk_scan *scan, const uint64_t *codes, size_t count);
;
; Both pointers run one past the current code and the query, indexed by j = -W .. -1, so one
; register counts the words. The key (d << 32) | index is compared with threshold << 32 (all ones
; for a threshold of 2^32 or more), which is the same test as d < threshold; -W and that bound
; wait in xmm0 and xmm1 for want of general-purpose registers.
FUNC asmk_hamscan_popcnt, 3, 8, 2, scan, codes, count, j, out, qend, index, tmp
    mov      outq, [scanq + ASMK_SCAN_HITS]
    test     countq, countq
    jz       .done
    mov      rax, [scanq + ASMK_SCAN_WORDS]
    mov      qendq, [scanq + ASMK_SCAN_QUERY]
    lea      qendq, [qendq + 8*rax]         ; one past the query
    lea      codesq, [codesq + 8*rax]       ; one past the first code
    neg      rax
    movq     xmm0, rax                      ; -W
    mov      rax, [scanq + ASMK_SCAN_THRESHOLD]
    mov      tmpq, rax
    shr      tmpq, 32                       ; nonzero for a threshold of 2^32 or more
    shl      rax, 32
    test     tmpq, tmpq
    mov      tmpq, -1
    cmovnz   rax, tmpq                      ; then every code is a hit
    movq     xmm1, rax
    mov      indexq, [scanq + ASMK_SCAN_FIRST_INDEX]
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
    RETURN_HITS
ENDFUNC
