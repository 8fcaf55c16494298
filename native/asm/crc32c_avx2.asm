; crc32c_avx2.asm - CRC-32C by carry-less multiplication on 32-byte registers (AVX2 with
; VPCLMULQDQ, no AVX-512: AMD Zen 3, Intel Alder Lake), fused with crc32 chains. The constants and
; the algebra of a fold are in crc32c.inc.
%include "abi.inc"
%include "crc32c.inc"

; A fused step is BLOCKS blocks of BLOCK bytes; block j is SCALAR bytes for crc32 chain j (from
; zero), then two 32-byte lanes for the accumulators 2j and 2j + 1 (ymm0-7). Chain j's result is
; the CRC register after its bytes, so XOR-ing it into the first 4 bytes of accumulator 2j's data
; stands for them; the four chains are independent of each other and of the last step's. On Zen 3
; a ymm multiply starts about every 2.1 cycles, the crc32 unit beside it takes 8 bytes per cycle:
; a step's 16 multiplies take about as long as its 32 crc32, 64 scalar bytes of every 128.
%define SCALAR 64
%define BLOCK (SCALAR + 64)
%define BLOCKS 4
%define STEP (BLOCKS * BLOCK)
; From here the fused steps run (Zen 3, by hand, one process): at 1 KiB, fused steps from 512 or
; 1024 bytes ran 0.8-1.0x the folds alone (22-24 GB/s); at 2 KiB the fused steps ran 31-33 GB/s.
%define FUSED_FROM 2048
; Each fused step prefetches the lines PREFETCH bytes ahead (a prefetch never faults): from DRAM
; (16 MiB) the steps ran 12.5-17.6 GB/s without, 24-32 GB/s with 8 KiB (4 KiB: 20-26, 16 and
; 32 KiB: 27-33), and no slower in cache (Zen 3, by hand, one process).
%define PREFETCH 8192

RODATA
align 16
avx2_fold_step: FOLD_CONST 8 * STEP         ; one lane to the same lane a step on
avx2_fold320:   FOLD_CONST 8 * 320          ; the step's eight accumulators onto its last block:
avx2_fold192:   FOLD_CONST 8 * 192          ;   blocks 0, 1 and 2 are 3, 2 and 1 blocks before it
avx2_fold64:    FOLD_CONST 8 * 64
avx2_fold128b:  FOLD_CONST 8 * 128          ; one lane to the same lane 128 bytes on
avx2_fold96:    FOLD_CONST 8 * 96
avx2_fold32:    FOLD_CONST 8 * 32
avx2_fold16:    FOLD_CONST 8 * 16

; FOLD_YMM acc, k, tmp[, data]: acc = acc folded forward by k's distance, XOR data (register or
; memory) when given.
%macro FOLD_YMM 3-4
    vpclmulqdq %3, %1, %2, 0x00
    vpclmulqdq %1, %1, %2, 0x11
    vpxor      %1, %1, %3
%if %0 == 4
    vpxor      %1, %1, %4
%endif
%endmacro

; FOLD_INTO dst, acc, k, tmp: dst ^= acc folded forward by k's distance (acc is clobbered).
%macro FOLD_INTO 4
    vpclmulqdq %4, %2, %3, 0x00
    vpclmulqdq %2, %2, %3, 0x11
    vpxor      %1, %1, %4
    vpxor      %1, %1, %2
%endmacro

; FUSED_STEP first: one fused step at srcq: the four chains over the SCALAR bytes of their blocks
; (eax, c1-c3: the caller's register in eax on the first step, zero otherwise), and beside them
; the eight accumulators, loaded (first step) or folded a step on with their data (and the line
; PREFETCH bytes ahead of each prefetched). One crc32 of each chain, then one accumulator: with
; all 32 crc32 before the folds the step ran no faster than the folds alone (Zen 3, 64 KiB: 23
; against 37 GB/s), most likely because the waiting crc32 fill the scheduler ahead of the folds.
%if BLOCKS != 4 || SCALAR / 8 != 2 * BLOCKS
%error "FUSED_STEP has four chains and pairs each chain's qword i with accumulator i"
%endif
%macro FUSED_STEP 1
%if %1 == 0
    xor        eax, eax
%endif
    xor        c1d, c1d
    xor        c2d, c2d
    xor        c3d, c3d
%assign i 0
%rep SCALAR / 8
    crc32      rax, qword [srcq + 8 * i]
    crc32      c1q, qword [srcq + BLOCK + 8 * i]
    crc32      c2q, qword [srcq + 2 * BLOCK + 8 * i]
    crc32      c3q, qword [srcq + 3 * BLOCK + 8 * i]
%if %1
    vmovdqu    ymm %+ i, [srcq + (i / 2) * BLOCK + SCALAR + (i % 2) * 32]
%else
    FOLD_YMM   ymm %+ i, ymm8, ymm9, [srcq + (i / 2) * BLOCK + SCALAR + (i % 2) * 32]
    prefetcht0 [srcq + PREFETCH + 64 * i]
%endif
%assign i i + 1
%endrep
    INJECT     ymm0, eax
    INJECT     ymm2, c1d
    INJECT     ymm4, c2d
    INJECT     ymm6, c3d
    add        srcq, STEP
    sub        countq, STEP
%endmacro

; INJECT acc, chain32: the chain's result into the first 4 bytes of the accumulator's data.
%macro INJECT 2
    vmovd      xmm10, %2
    vpxor      %1, %1, ymm10
%endmacro

; uint32_t asmk_crc32c_avx2(uint32_t crc, const void *data, size_t count);
;
; Same contract as asmk_crc32c_sse42 (raw register, no inversions). Under 128 bytes: one crc32
; chain. From FUSED_FROM bytes: fused steps of STEP bytes (above), whose eight accumulators then
; fold onto four, the lanes of the step's last 128 bytes. Otherwise, from 128 bytes, the four
; accumulators start from the first 128 bytes (the incoming register XOR-ed into the first 4).
; The four fold 128 bytes per step alone, then onto one; every further 32 bytes fold into that
; one; its two lanes onto one, a further 16 bytes into it, two crc32 turn the lane into the CRC
; register and crc32 instructions take the last 0-15 bytes. Unaligned loads; no byte outside
; [data, data + count) is read (the prefetches past it are hints, which never fault). ymm0-11: xmm6-11 are callee-saved on Win64 (FUNC saves them).
FUNC asmk_crc32c_avx2, 3, 7, 12, crc, src, count, c1, c2, c3, tmp
    mov        eax, crcd
    cmp        countq, 128
    jb         .short
    cmp        countq, FUSED_FROM
    jb         .vectors
    FUSED_STEP 1                            ; chain 0 from the caller's register
    cmp        countq, STEP
    jb         .after_fused
    vbroadcasti128 ymm8, [avx2_fold_step]
.fused:
    FUSED_STEP 0
    cmp        countq, STEP
    jae        .fused
.after_fused:                               ; blocks 0-2 onto block 3, whose four lanes are
    vbroadcasti128 ymm8, [avx2_fold320]     ; then ymm0-3
    FOLD_YMM   ymm0, ymm8, ymm9
    FOLD_YMM   ymm1, ymm8, ymm10
    vbroadcasti128 ymm8, [avx2_fold192]
    FOLD_INTO  ymm0, ymm2, ymm8, ymm9
    FOLD_INTO  ymm1, ymm3, ymm8, ymm10
    vbroadcasti128 ymm8, [avx2_fold64]
    FOLD_INTO  ymm0, ymm4, ymm8, ymm9
    FOLD_INTO  ymm1, ymm5, ymm8, ymm10
    vmovdqa    ymm2, ymm6
    vmovdqa    ymm3, ymm7
    jmp        .loop128_entry
.vectors:                                   ; 128..FUSED_FROM-1 bytes: folds only
    vmovd      xmm10, eax
    vpxor      ymm0, ymm10, [srcq]          ; the incoming register enters with the first bytes
    vmovdqu    ymm1, [srcq + 32]
    vmovdqu    ymm2, [srcq + 64]
    vmovdqu    ymm3, [srcq + 96]
    add        srcq, 128
    sub        countq, 128
.loop128_entry:
    cmp        countq, 128
    jb         .merge4
    vbroadcasti128 ymm8, [avx2_fold128b]
.loop128:
    FOLD_YMM   ymm0, ymm8, ymm9, [srcq]
    FOLD_YMM   ymm1, ymm8, ymm10, [srcq + 32]
    FOLD_YMM   ymm2, ymm8, ymm11, [srcq + 64]
    FOLD_YMM   ymm3, ymm8, ymm9, [srcq + 96]
    add        srcq, 128
    sub        countq, 128
    cmp        countq, 128
    jae        .loop128
.merge4:                                    ; a*x^768 + b*x^512 + c*x^256 + d
    vbroadcasti128 ymm8, [avx2_fold96]
    FOLD_INTO  ymm3, ymm0, ymm8, ymm9
    vbroadcasti128 ymm8, [avx2_fold64]
    FOLD_INTO  ymm3, ymm1, ymm8, ymm10
    vbroadcasti128 ymm8, [avx2_fold32]
    FOLD_INTO  ymm3, ymm2, ymm8, ymm11
.loop32:
    cmp        countq, 32
    jb         .to_lane
    FOLD_YMM   ymm3, ymm8, ymm9, [srcq]
    add        srcq, 32
    sub        countq, 32
    jmp        .loop32
.to_lane:                                   ; the first lane folded onto the second
    vmovdqa    xmm2, [avx2_fold16]
    vextracti128 xmm1, ymm3, 1
    vpclmulqdq xmm9, xmm3, xmm2, 0x00
    vpclmulqdq xmm0, xmm3, xmm2, 0x11
    vpxor      xmm0, xmm0, xmm9
    vpxor      xmm0, xmm0, xmm1
    LANE_FINISH srcq, countq, tmpq
    RET
.short:
    CRC32_CHAIN rax, eax, srcq, countq
    RET
ENDFUNC
