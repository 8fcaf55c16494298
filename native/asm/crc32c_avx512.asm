; crc32c_avx512.asm - CRC-32C by carry-less multiplication on 64-byte registers (AVX-512 with
; VPCLMULQDQ): each zmm register folds four 16-byte lanes at once. The constants and the algebra
; of a fold are in crc32c.inc.
%include "abi.inc"
%include "crc32c.inc"

; Two kernels from one body. asmk_crc32c_avx512 runs fused steps: SCALAR bytes through a crc32
; chain, then 256 bytes folded into the four zmm accumulators. Folding costs two carry-less
; multiplies per 32 bytes; the crc32 unit, beside the multiplier, takes 8 bytes per cycle. 64 of
; 320 bytes is the share the crc32 unit finishes while the folds take 8 cycles (a zmm multiply
; started every cycle), and adds a quarter where a multiply starts every other cycle (AMD Zen 4:
; 70 against 56 GB/s; 128 of 384 would make that 83 GB/s there but cost a quarter where the
; multiplier is twice as fast). The fused steps start from FUSED_FROM bytes: the first chain waits
; for the caller's register, which costs more than the chains gain on shorter inputs
; (scripts/crc32c_ab.sh: 1 and 2 KiB ran faster without them).
;
; asmk_crc32c_avx512_fold folds alone at every length. Where a multiply starts every cycle (Intel
; Sapphire Rapids class) the folds alone run at the multiplier's bound, 32 bytes per cycle, and
; the fused steps gain nothing there: level in the best of seven rounds (86-88 GB/s,
; scripts/crc32c_ab.sh), 67-70 against 80 GB/s in the median (a throwaway harness, 64 KiB to
; 1 MiB), as if each step's chain, 24 cycles long and waited for by the next step's fold, often
; held the loop back (Intel Xeon family 6 model 207, 2026-12-03). kernels.txt tunes it for Intel.
%define SCALAR 64
%define STEP (SCALAR + 256)
%define FUSED_FROM 4096

RODATA
align 64
avx512_lanes:                               ; the four lanes of one zmm onto its last lane
    FOLD_CONST 384
    FOLD_CONST 256
    FOLD_CONST 128
    dq 0, 0                                 ; the last lane is added as it is
avx512_fold_step: FOLD_CONST 8 * STEP       ; one lane to the same lane a fused step on
avx512_fold2048: FOLD_CONST 2048            ; one lane to the same lane 256 bytes on
avx512_fold1536: FOLD_CONST 1536
avx512_fold1024: FOLD_CONST 1024
avx512_fold512:  FOLD_CONST 512
avx512_fold128:  FOLD_CONST 128

; FOLD_ZMM acc, k, tmp, data: acc = acc folded forward by k's distance, XOR data (register or
; memory).
%macro FOLD_ZMM 4
    vpclmulqdq %3, %1, %2, 0x00
    vpclmulqdq %1, %1, %2, 0x11
    vpternlogq %1, %3, %4, 0x96             ; three-way XOR
%endmacro

; uint32_t asmk_crc32c_avx512(uint32_t crc, const void *data, size_t count);
;
; Same contract as asmk_crc32c_sse42 (raw register, no inversions). Under 128 bytes: one crc32
; chain (a fold's reduction costs more latency than the chain saves there). From FUSED_FROM bytes:
; fused steps of STEP bytes, each a crc32 chain over its first SCALAR bytes (from zero, so the
; chains of successive steps overlap) beside four zmm accumulators folding the next 256; the
; chain's result goes into the first accumulator as 4 bytes of data. Otherwise, from 256 bytes,
; the four accumulators fold 256 bytes per step alone. Then they fold onto one in a single step,
; every further 64 bytes fold into that one; its four lanes fold onto one 16-byte lane, further
; 16-byte lanes one at a time, two crc32 turn the lane into the CRC register and crc32
; instructions take the last 0-15 bytes. The vector registers are zmm16-24 and xmm0-3: none of
; them is callee-saved on Win64. Unaligned loads; no byte outside [data, data + count) is read.
;
; CRC32C_AVX512 name, fused: the kernel NAME, with the fused steps when FUSED is 1.
%macro CRC32C_AVX512 2
FUNC %1, 3, 4, 4, crc, src, count, tmp
    mov        eax, crcd
    cmp        countq, 128
    jb         .short
%if %2
    cmp        countq, FUSED_FROM
    jb         .vectors
    ; The first fused step. The chain starts from the caller's register; its result R is the
    ; CRC register after the chain's bytes, so XOR-ing it into the next 4 bytes (the first
    ; accumulator's) stands for those bytes, as the caller's register stands for all before.
%assign i 0
%rep SCALAR / 8
    crc32      rax, qword [srcq + i]
%assign i i + 8
%endrep
    vmovdqu64  zmm16, [srcq + SCALAR]
    vmovdqu64  zmm17, [srcq + SCALAR + 64]
    vmovdqu64  zmm18, [srcq + SCALAR + 128]
    vmovdqu64  zmm19, [srcq + SCALAR + 192]
    vmovd      xmm0, eax
    vpxorq     zmm16, zmm16, zmm0
    add        srcq, STEP
    sub        countq, STEP
    cmp        countq, STEP
    jb         .after_fused
    vbroadcasti32x4 zmm20, [avx512_fold_step]
.fused:                                     ; chain from zero, independent of the last step's
    xor        eax, eax
%assign i 0
%rep SCALAR / 8
    crc32      rax, qword [srcq + i]
%assign i i + 8
%endrep
    FOLD_ZMM   zmm16, zmm20, zmm21, [srcq + SCALAR]
    FOLD_ZMM   zmm17, zmm20, zmm22, [srcq + SCALAR + 64]
    FOLD_ZMM   zmm18, zmm20, zmm23, [srcq + SCALAR + 128]
    FOLD_ZMM   zmm19, zmm20, zmm24, [srcq + SCALAR + 192]
    vmovd      xmm0, eax
    vpxorq     zmm16, zmm16, zmm0           ; the chain's bytes, as 4 bytes of the next lane
    add        srcq, STEP
    sub        countq, STEP
    cmp        countq, STEP
    jae        .fused
.after_fused:
    cmp        countq, 256
    jb         .merge4
    jmp        .fold256
%endif
.vectors:                                   ; 128..STEP-1 bytes: folds only
    vmovd      xmm0, eax
    vpxorq     zmm16, zmm0, [srcq]          ; the incoming register enters with the first bytes
    add        srcq, 64
    sub        countq, 64
    cmp        countq, 192
    jb         .loop64_entry
    vmovdqu64  zmm17, [srcq]
    vmovdqu64  zmm18, [srcq + 64]
    vmovdqu64  zmm19, [srcq + 128]
    add        srcq, 192
    sub        countq, 192
    cmp        countq, 256
    jb         .merge4
.fold256:
    vbroadcasti32x4 zmm20, [avx512_fold2048]
.loop256:
    FOLD_ZMM   zmm16, zmm20, zmm21, [srcq]
    FOLD_ZMM   zmm17, zmm20, zmm22, [srcq + 64]
    FOLD_ZMM   zmm18, zmm20, zmm23, [srcq + 128]
    FOLD_ZMM   zmm19, zmm20, zmm24, [srcq + 192]
    add        srcq, 256
    sub        countq, 256
    cmp        countq, 256
    jae        .loop256
.merge4:                                    ; a*x^1536 + b*x^1024 + c*x^512 + d
    vbroadcasti32x4 zmm20, [avx512_fold1536]
    vbroadcasti32x4 zmm21, [avx512_fold1024]
    vbroadcasti32x4 zmm22, [avx512_fold512]
    FOLD_ZMM   zmm16, zmm20, zmm23, zmm19
    vpclmulqdq zmm23, zmm17, zmm21, 0x00
    vpclmulqdq zmm17, zmm17, zmm21, 0x11
    vpclmulqdq zmm24, zmm18, zmm22, 0x00
    vpclmulqdq zmm18, zmm18, zmm22, 0x11
    vpternlogq zmm16, zmm23, zmm17, 0x96
    vpternlogq zmm16, zmm24, zmm18, 0x96
.loop64_entry:
    cmp        countq, 64
    jb         .to_lane
    vbroadcasti32x4 zmm20, [avx512_fold512]
.loop64:
    FOLD_ZMM   zmm16, zmm20, zmm21, [srcq]
    add        srcq, 64
    sub        countq, 64
    cmp        countq, 64
    jae        .loop64
.to_lane:                                   ; lanes 0-2 moved onto lane 3, then all four added
    vmovdqa64  zmm20, [avx512_lanes]
    vpclmulqdq zmm21, zmm16, zmm20, 0x00
    vpclmulqdq zmm22, zmm16, zmm20, 0x11
    vextracti32x4 xmm0, zmm16, 3
    vpternlogq zmm21, zmm22, zmm0, 0x96     ; lane 3 of the products is zero
    vextracti64x4 ymm1, zmm21, 1
    vpxorq     ymm1, ymm1, ymm21
    vextracti32x4 xmm0, ymm1, 1
    vpxor      xmm0, xmm0, xmm1
    vmovdqa    xmm2, [avx512_fold128]
    LANE_FINISH srcq, countq, tmpq
    RET
.short:
    CRC32_CHAIN rax, eax, srcq, countq
    RET
ENDFUNC
%endmacro

CRC32C_AVX512 asmk_crc32c_avx512, 1

; uint32_t asmk_crc32c_avx512_fold(uint32_t crc, const void *data, size_t count);
;
; The same without the fused steps: from 256 bytes the four accumulators fold 256 bytes per step
; at every length.
CRC32C_AVX512 asmk_crc32c_avx512_fold, 0
