; popcount.asm - population count and Hamming distance of uint64_t arrays,
; baseline x86-64 + POPCNT.
%include "abi.inc"

; uint64_t asmk_popcount_popcnt(const uint64_t *data, size_t count);
;
; The seed routine: 4-wide unrolled POPCNT with a temporary register. Each
; iteration counts four consecutive words through tmp into a per-chunk sum,
; then adds the sum into the total (rax). The last 0-3 words are counted one
; at a time, as if the array were padded with zeros.
FUNC asmk_popcount_popcnt, 2, 5, 0, data, count, tmp, sum, end
    xor     eax, eax
    mov     endq, countq
    and     endq, -4                ; words in full chunks of four
    lea     endq, [dataq + 8*endq]  ; one past the last full chunk
    and     countq, 3               ; words left for the tail
    cmp     dataq, endq
    je      .tail
.loop4:
    popcnt  tmpq, [dataq]
    mov     sumq, tmpq
    popcnt  tmpq, [dataq + 8]
    add     sumq, tmpq
    popcnt  tmpq, [dataq + 16]
    add     sumq, tmpq
    popcnt  tmpq, [dataq + 24]
    add     sumq, tmpq
    add     rax, sumq
    add     dataq, 32
    cmp     dataq, endq
    jne     .loop4
.tail:
    test    countq, countq
    jz      .done
.loop1:
    popcnt  tmpq, [dataq]
    add     rax, tmpq
    add     dataq, 8
    dec     countq
    jnz     .loop1
.done:
    RET
ENDFUNC

; uint64_t asmk_hamming_popcnt(const uint64_t *a, const uint64_t *b, size_t count);
;
; The same 4-wide loop over a[i] ^ b[i]: the number of bit positions in which
; the two arrays differ.
FUNC asmk_hamming_popcnt, 3, 6, 0, a, b, count, tmp, sum, end
    xor     eax, eax
    mov     endq, countq
    and     endq, -4
    lea     endq, [aq + 8*endq]     ; one past a's last full chunk
    and     countq, 3
    cmp     aq, endq
    je      .tail
.loop4:
    mov     tmpq, [aq]
    xor     tmpq, [bq]
    popcnt  tmpq, tmpq
    mov     sumq, tmpq
    mov     tmpq, [aq + 8]
    xor     tmpq, [bq + 8]
    popcnt  tmpq, tmpq
    add     sumq, tmpq
    mov     tmpq, [aq + 16]
    xor     tmpq, [bq + 16]
    popcnt  tmpq, tmpq
    add     sumq, tmpq
    mov     tmpq, [aq + 24]
    xor     tmpq, [bq + 24]
    popcnt  tmpq, tmpq
    add     sumq, tmpq
    add     rax, sumq
    add     aq, 32
    add     bq, 32
    cmp     aq, endq
    jne     .loop4
.tail:
    test    countq, countq
    jz      .done
.loop1:
    mov     tmpq, [aq]
    xor     tmpq, [bq]
    popcnt  tmpq, tmpq
    add     rax, tmpq
    add     aq, 8
    add     bq, 8
    dec     countq
    jnz     .loop1
.done:
    RET
ENDFUNC
