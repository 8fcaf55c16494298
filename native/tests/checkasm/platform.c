/*
 * platform.c - guarded buffers and fault recovery, for POSIX and
 * Windows. A buffer is mapped with an inaccessible page on each side, so one
 * byte read or written outside it faults. A fault during a checked call is
 * recorded and the routine abandoned: the handler points the instruction
 * pointer at checkasm_fault_resume, which unwinds to the trampoline's frame.
 * A fault anywhere else is a harness bug and keeps its default action.
 *
 * On Windows the handler first unwinds the faulting context one frame, as a
 * debugger or the exception dispatcher would, and records which callee-saved
 * registers, stack pointer or return address came out different from what the
 * trampoline holds.
 */
#ifndef _WIN32
#define _GNU_SOURCE /* REG_RIP */
#endif
#include "checkasm.h"

volatile int checkasm_in_call;
volatile int checkasm_faulted;
volatile uintptr_t checkasm_fault_address;
volatile uint32_t checkasm_unwind_mismatch;

#ifdef _WIN32
#include <windows.h>

size_t guarded_page(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return si.dwPageSize;
}

int guarded_protect(unsigned char *p, size_t bytes, int accessible)
{
    DWORD old;
    return bytes == 0 || VirtualProtect(p, bytes, accessible ? PAGE_READWRITE : PAGE_NOACCESS, &old) ? 0 : -1;
}

int guarded_alloc(struct guarded *g, size_t bytes)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    size_t page = si.dwPageSize, body = (bytes + page - 1) / page * page, guard = (CHECKASM_GUARD_BYTES + page - 1) / page * page;
    unsigned char *p = VirtualAlloc(NULL, body + 2 * guard, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    DWORD old;
    if (!p || !VirtualProtect(p, guard, PAGE_NOACCESS, &old) ||
        !VirtualProtect(p + guard + body, guard, PAGE_NOACCESS, &old))
        return -1;
    g->lo = p + guard;
    g->hi = p + guard + body;
    return 0;
}

/* Unwind one frame from the faulting context and compare with the trampoline's registers. */
static uint32_t unwind_mismatch(const CONTEXT *fault)
{
    CONTEXT c = *fault;
    DWORD64 image_base;
    PRUNTIME_FUNCTION entry = RtlLookupFunctionEntry(c.Rip, &image_base, NULL);
    if (entry) {
        PVOID handler_data;
        DWORD64 establisher_frame;
        RtlVirtualUnwind(UNW_FLAG_NHANDLER, image_base, c.Rip, entry, &c, &handler_data, &establisher_frame, NULL);
    } else { /* no unwind data: a leaf function, with its return address at rsp */
        c.Rip = *(const DWORD64 *)c.Rsp;
        c.Rsp += 8;
    }
    const uint64_t *want = checkasm_preload;
    const DWORD64 gprs[8] = { c.Rbx, c.Rbp, c.R12, c.R13, c.R14, c.R15, c.Rdi, c.Rsi };
    uint32_t bad = 0;
    for (int i = 0; i < 8; i++)
        if (gprs[i] != want[i]) bad |= 1u << i;
    for (int i = 0; i < 10; i++) {
        const M128A *x = &c.FltSave.XmmRegisters[6 + i];
        if (x->Low != want[8 + 2 * i] || (uint64_t)x->High != want[9 + 2 * i]) bad |= 1u << (8 + i);
    }
    if (c.Rsp != checkasm_saved_rsp) bad |= 1u << 18;
    if (c.Rip != (DWORD64)(uintptr_t)checkasm_return_win64) bad |= 1u << 19;
    return bad;
}

static LONG WINAPI on_exception(EXCEPTION_POINTERS *e)
{
    if (!checkasm_in_call || e->ExceptionRecord->ExceptionCode != EXCEPTION_ACCESS_VIOLATION)
        return EXCEPTION_CONTINUE_SEARCH;
    checkasm_unwind_mismatch = unwind_mismatch(e->ContextRecord);
    checkasm_in_call = 0;
    checkasm_faulted = 1;
    checkasm_fault_address = (uintptr_t)e->ExceptionRecord->ExceptionInformation[1];
    e->ContextRecord->Rip = (DWORD64)(uintptr_t)checkasm_fault_resume;
    return EXCEPTION_CONTINUE_EXECUTION;
}

void fault_handler_install(void)
{
    AddVectoredExceptionHandler(1, on_exception);
}

#else
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

size_t guarded_page(void) { return (size_t)sysconf(_SC_PAGESIZE); }

int guarded_protect(unsigned char *p, size_t bytes, int accessible)
{
    return bytes == 0 ? 0 : mprotect(p, bytes, accessible ? PROT_READ | PROT_WRITE : PROT_NONE);
}

int guarded_alloc(struct guarded *g, size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE), body = (bytes + page - 1) / page * page;
    size_t guard = (CHECKASM_GUARD_BYTES + page - 1) / page * page;
    unsigned char *p = mmap(NULL, body + 2 * guard, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || mprotect(p, guard, PROT_NONE) || mprotect(p + guard + body, guard, PROT_NONE))
        return -1;
    g->lo = p + guard;
    g->hi = p + guard + body;
    return 0;
}

static void on_fault(int sig, siginfo_t *info, void *context)
{
    if (!checkasm_in_call) {
        signal(sig, SIG_DFL); /* not ours: fault again, and crash, on return */
        return;
    }
    checkasm_in_call = 0;
    checkasm_faulted = 1;
    checkasm_fault_address = (uintptr_t)info->si_addr;
    ((ucontext_t *)context)->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)checkasm_fault_resume;
}

void fault_handler_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}
#endif
