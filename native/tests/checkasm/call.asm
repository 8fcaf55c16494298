; call.asm - the harness's call trampolines. Each one calls a routine
; with every register the callee must preserve preloaded with a known random
; value, then reports which of them came back changed.
;
; uint64_t checkasm_call_sysv(const void *fn, uint64_t a0, uint64_t a1, uint64_t a2);
; uint64_t checkasm_call_win64(const void *fn, uint64_t a0, uint64_t a1, uint64_t a2);
;
; Both take their own arguments in the host's convention (abi.inc's FUNC) and
; call fn(a0, a1, a2) in the convention of their name. They save every register
; either convention calls callee-saved, so they are safe to call from both.
;
; Globals shared with the core (core.c):
;   checkasm_preload    rbx rbp r12 r13 r14 r15 rdi rsi, then xmm6..xmm15 (2 qwords each)
;   checkasm_clobbered  out: bit n set when register n of CHECKASM_REG_NAMES changed
;   checkasm_xinuse     out: XGETBV(1) & 4 after the call (AVX upper state in use)
;   checkasm_use_xgetbv in: nonzero when the CPU has XGETBV with ECX=1
;   checkasm_dirty_upper in: nonzero to enter the callee with the upper YMM state in use (as a
;                       .NET function-pointer call may), for the legacy kernels' clean entries
;   checkasm_saved_rsp  the trampoline's stack pointer at the call, for the fault path
;   checkasm_arg3       in: the callee's fourth argument (abicheck; 0 for checkasm's routines)
;   checkasm_return_win64  the Win64 trampoline's return address: where unwinding
;                       from inside a routine must arrive
;
; checkasm_fault_resume is where the fault handler sends a routine that faulted:
; it restores the trampoline's frame and returns 0; the core knows why.
%include "abi.inc"

%define BIT_RSP 18                           ; after the 8 GPRs and 10 xmm registers

section .bss
global checkasm_preload, checkasm_clobbered, checkasm_xinuse, checkasm_use_xgetbv, checkasm_dirty_upper, checkasm_saved_rsp, checkasm_arg3
alignb 16
checkasm_preload:    resq 8 + 20
checkasm_clobbered:  resd 1
checkasm_xinuse:     resd 1
checkasm_use_xgetbv: resd 1
checkasm_dirty_upper: resd 1
alignb 8
checkasm_saved_rsp:  resq 1
checkasm_arg3:       resq 1                  ; a fourth argument (rcx / r9), for abicheck

section .text
global checkasm_return_win64

; Frame below the eight pushes: [rsp] 32 bytes of Win64 home space for the
; callee, [rsp+32] 32 bytes of canary, [rsp+64] the host's xmm6-15, [rsp+224]
; fn, a0, a1, a2. The canary sits just above the return address (a System V
; callee owns none of the caller's frame; a Win64 callee owns the home space
; only, so there the canary starts above it): a routine that writes into its
; caller's frame changes it, and the check names that.
%define FRAME 264                            ; 8 pushes + 264 = 328: rsp stays 16-byte aligned
%define SLOT_FN rsp + 224
%define SAVED_XMM rsp + 64
%define CANARY 0x5AFE5AFE0DDC0FFE
%define BIT_FRAME 20                         ; CHECKASM_REG_NAMES: the caller's stack above the return address

%macro ENTER_FRAME 0 ; saves every register either convention calls callee-saved
    push     rbx
    push     rbp
    push     rdi
    push     rsi
    push     r12
    push     r13
    push     r14
    push     r15
    sub      rsp, FRAME
%assign i 6
%rep 10
    movdqu   [SAVED_XMM + 16 * (i - 6)], xmm %+ i
%assign i i + 1
%endrep
    mov      [SLOT_FN], fnq
    mov      [SLOT_FN + 8], a0q
    mov      [SLOT_FN + 16], a1q
    mov      [SLOT_FN + 24], a2q
%endmacro

%macro PRELOAD 1 ; win64 callee?: fill the callee-saved registers with checkasm_preload
    lea      rax, [checkasm_preload]
    mov      rbx, [rax]
    mov      rbp, [rax + 8]
    mov      r12, [rax + 16]
    mov      r13, [rax + 24]
    mov      r14, [rax + 32]
    mov      r15, [rax + 40]
%if %1
    mov      rdi, [rax + 48]
    mov      rsi, [rax + 56]
%assign i 6
%rep 10
    movdqu   xmm %+ i, [rax + 64 + 16 * (i - 6)]   ; legacy SSE: leaves the AVX state clean
%assign i i + 1
%endrep
%endif
%endmacro

%macro CHECK_GPR 3 ; register, preload offset, bit
    cmp      %1, [r11 + %2]
    je       %%same
    or       r10d, 1 << %3
%%same:
%endmacro

%macro CHECK 1 ; win64 callee?: r10d = the changed registers; rax is left alone
    xor      r10d, r10d
    cmp      rsp, [checkasm_saved_rsp]
    je       %%rsp_same
    or       r10d, 1 << BIT_RSP
    mov      rsp, [checkasm_saved_rsp]           ; the frame is still needed to return
%%rsp_same:
    mov      r11, CANARY
%assign q (%1 * 4)                               ; Win64: the home space is the callee's
%rep 8 - q
    cmp      [rsp + 8 * q], r11
    jne      %%frame_written
%assign q q + 1
%endrep
    jmp      %%frame_same
%%frame_written:
    or       r10d, 1 << BIT_FRAME
%%frame_same:
    lea      r11, [checkasm_preload]
    CHECK_GPR rbx, 0, 0
    CHECK_GPR rbp, 8, 1
    CHECK_GPR r12, 16, 2
    CHECK_GPR r13, 24, 3
    CHECK_GPR r14, 32, 4
    CHECK_GPR r15, 40, 5
%if %1
    CHECK_GPR rdi, 48, 6
    CHECK_GPR rsi, 56, 7
    mov      [SLOT_FN + 8], rax                  ; pmovmskb needs a register
%assign i 6
%rep 10
    movdqu   xmm0, [r11 + 64 + 16 * (i - 6)]
    pcmpeqb  xmm0, xmm %+ i
    pmovmskb eax, xmm0
    cmp      eax, 0xffff                         ; all 16 bytes equal?
    setne    al
    movzx    eax, al
    shl      eax, 8 + i - 6
    or       r10d, eax
%assign i i + 1
%endrep
    mov      rax, [SLOT_FN + 8]
%endif
    mov      [checkasm_clobbered], r10d
%endmacro

%macro LEAVE_FRAME 0 ; restores the host's registers and returns rax
%assign i 6
%rep 10
    movdqu   xmm %+ i, [SAVED_XMM + 16 * (i - 6)]
%assign i i + 1
%endrep
    add      rsp, FRAME
    pop      r15
    pop      r14
    pop      r13
    pop      r12
    pop      rsi
    pop      rdi
    pop      rbp
    pop      rbx
%endmacro

%macro CALL_CHECKED 1 ; win64 callee?
    ENTER_FRAME
    cmp      dword [checkasm_use_xgetbv], 0
    je       %%clean
    vzeroupper                               ; start from a clean AVX state
    cmp      dword [checkasm_dirty_upper], 0
    je       %%clean
    vpcmpeqd ymm0, ymm0, ymm0                ; all ones, upper half too: XINUSE bit 2 set
%%clean:
    PRELOAD  %1
    mov      rax, CANARY                         ; above the return address (and the home space)
%assign q 0
%rep 8
    mov      [rsp + 8 * q], rax
%assign q q + 1
%endrep
%if %1
    mov      rcx, [SLOT_FN + 8]
    mov      rdx, [SLOT_FN + 16]
    mov      r8, [SLOT_FN + 24]
    mov      r9, [checkasm_arg3]
%else
    mov      rdi, [SLOT_FN + 8]
    mov      rsi, [SLOT_FN + 16]
    mov      rdx, [SLOT_FN + 24]
    mov      rcx, [checkasm_arg3]
%endif
    mov      [checkasm_saved_rsp], rsp
    call     [SLOT_FN]
%if %1
checkasm_return_win64:
%endif
    CHECK    %1
    mov      r11, rax                            ; xgetbv writes edx:eax
    xor      eax, eax
    cmp      dword [checkasm_use_xgetbv], 0
    je       %%no_xgetbv
    mov      ecx, 1
    xgetbv                                       ; XINUSE: bit 2 = upper YMM state in use
    and      eax, 4
%%no_xgetbv:
    mov      [checkasm_xinuse], eax
    mov      rax, r11
    LEAVE_FRAME
    RET
%endmacro

%ifdef ASMK_ABI_SYSV
ISA any
FUNC checkasm_call_sysv, 4, 4, 0, fn, a0, a1, a2
    CALL_CHECKED 0
ENDFUNC
%endif

ISA any
FUNC checkasm_call_win64, 4, 4, 0, fn, a0, a1, a2
    CALL_CHECKED 1
ENDFUNC

; The fault handler resumes here: back to the trampoline's frame, result 0.
ISA any
FUNC checkasm_fault_resume, 0, 0, 0
    mov      rsp, [checkasm_saved_rsp]
    mov      dword [checkasm_clobbered], 0
    mov      dword [checkasm_xinuse], 0
    xor      eax, eax
    LEAVE_FRAME
    RET
ENDFUNC
