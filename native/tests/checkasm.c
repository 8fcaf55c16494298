/*
 * checkasm.c - proves every exported routine keeps its calling convention's
 * promises and touches exactly the memory it was given, for both x86-64
 * conventions, at every ISA level this CPU has.
 *
 * Each call goes through a trampoline (checkasm_call.asm) that preloads the
 * callee-saved registers (System V: rbx, rbp, r12-r15; Win64: also rdi, rsi,
 * xmm6-xmm15) with random values and reports any that changed, checks rsp, and
 * reads XGETBV(1) to catch a missing vzeroupper. Buffers sit against
 * inaccessible pages on both sides (checkasm_platform.c), once flush with the
 * front guard and once as close to the back guard as the start offset allows,
 * so reads outside the range fault; a fault is recorded, not fatal. The bytes
 * around every range are random and compared after the call, so a stray write
 * is caught too. Results are compared with a C reference.
 *
 * Cases: every length 0..300 (CRC-32C: 0..1024 bytes) at every start offset 0..63 bytes, a few
 * large lengths at a few offsets (the scan kernels: 0..40 and five larger code counts of 16 code
 * widths, at six offsets, with thresholds from 0 to everything, their hits ending at a guard page), count 0 with pointers into an inaccessible page,
 * and known answers. Built for Windows, each routine is also made to fault
 * inside its main loop, and unwinding that fault (the routine's .pdata unwind
 * data, or the leaf rule) must give back the caller's frame and registers.
 * On Linux the System V exports and the same sources assembled for Win64
 * (w64_ prefix, called through the Win64 trampoline) are both checked; built
 * for Windows, the DLL's exports are checked.
 *
 * `checkasm --selftest` runs the deliberately broken routines of
 * checkasm_broken.asm and passes only if each defect is caught.
 *
 * Exit 0: no violation; 1: violations; 77 (CTest skip): nothing runnable.
 */
#define __USE_MINGW_ANSI_STDIO 1 /* C99 printf (%zu) on Windows */
#include <cpuid.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asmkernels.h"
#include "checkasm.h"

#include "checkasm_kernels.h" /* generated from native/kernels.txt: the registry of routines */

enum kind { POPCOUNT, HAMMING, INCREMENT, CRC32C, HAMSCAN };
enum abi { ABI_SYSV, ABI_WIN64 };
static const char *const abi_names[] = { "sysv", "win64" };

struct routine {
    const char *name;
    enum abi abi;
    enum kind kind;
    unsigned needs; /* ASMK_F_* */
    const void *fn;
    int clean_entry; /* a legacy-SSE kernel's vzeroupper entry: entered dirty, must return clean */
};

#define DECLARE_BROKEN(prefix)                                   \
    uint64_t prefix##broken_clobber_rbx(const uint64_t *, size_t);   \
    uint64_t prefix##broken_no_vzeroupper(const uint64_t *, size_t); \
    uint64_t prefix##broken_overread(const uint64_t *, size_t);       \
    uint64_t prefix##broken_push_no_unwind(const uint64_t *, size_t); \
    uint64_t prefix##broken_unclean_entry(const uint64_t *, size_t);
#define BROKEN(abi, prefix)                                                                       \
    { "broken_clobber_rbx", abi, POPCOUNT, ASMK_F_POPCNT, (const void *)prefix##broken_clobber_rbx, 0 },  \
    { "broken_no_vzeroupper", abi, POPCOUNT, ASMK_F_AVX2 | ASMK_F_OS_YMM, (const void *)prefix##broken_no_vzeroupper, 0 }, \
    { "broken_overread", abi, POPCOUNT, ASMK_F_POPCNT, (const void *)prefix##broken_overread, 0 },        \
    { "broken_push_no_unwind", abi, POPCOUNT, ASMK_F_POPCNT, (const void *)prefix##broken_push_no_unwind, 0 }, \
    { "broken_unclean_entry", abi, POPCOUNT, ASMK_F_POPCNT | ASMK_F_OS_YMM, (const void *)prefix##broken_unclean_entry, 1 }

#ifdef _WIN32
/* The DLL's exports are the Win64 routines; the harness is a Win64 program. */
#define WIN64_ROUTINE(name, kind, needs) { #name, ABI_WIN64, kind, needs, (const void *)name, 0 },
#define WIN64_CLEAN(name, kind, needs) { #name, ABI_WIN64, kind, (needs) | ASMK_F_OS_YMM, (const void *)name, 1 },
DECLARE_BROKEN()
static const struct routine routines[] = { ASMK_KERNELS(WIN64_ROUTINE, WIN64_CLEAN) };
static const struct routine broken[] = { BROKEN(ABI_WIN64, ) };
#else
/* The library is System V; the w64_ objects are the same sources assembled for Win64. The
 * declared types only give the symbols an address: every call goes through a trampoline. */
#define DECLARE_W64(name, kind, needs) void w64_##name(void);
#define SYSV_ROUTINE(name, kind, needs) { #name, ABI_SYSV, kind, needs, (const void *)name, 0 },
#define SYSV_CLEAN(name, kind, needs) { #name, ABI_SYSV, kind, (needs) | ASMK_F_OS_YMM, (const void *)name, 1 },
#define WIN64_ROUTINE(name, kind, needs) { #name, ABI_WIN64, kind, needs, (const void *)w64_##name, 0 },
#define WIN64_CLEAN(name, kind, needs) { #name, ABI_WIN64, kind, (needs) | ASMK_F_OS_YMM, (const void *)w64_##name, 1 },
ASMK_KERNELS(DECLARE_W64, DECLARE_W64)
DECLARE_BROKEN()
DECLARE_BROKEN(w64_)
static const struct routine routines[] = { ASMK_KERNELS(SYSV_ROUTINE, SYSV_CLEAN) ASMK_KERNELS(WIN64_ROUTINE, WIN64_CLEAN) };
static const struct routine broken[] = { BROKEN(ABI_SYSV, ), BROKEN(ABI_WIN64, w64_) };
#endif

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Whether this CPU (and OS, for the register state) has every feature in needs (ASMK_F_*). */
static int cpu_has(unsigned needs)
{
    unsigned have = 0;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse2")) have |= ASMK_F_SSE2;
    if (__builtin_cpu_supports("popcnt")) have |= ASMK_F_POPCNT;
    if (__builtin_cpu_supports("sse4.2")) have |= ASMK_F_SSE42;
    if (__builtin_cpu_supports("pclmul")) have |= ASMK_F_PCLMULQDQ;
    if (__builtin_cpu_supports("avx2")) have |= ASMK_F_AVX2;
    if (__builtin_cpu_supports("avx512f")) have |= ASMK_F_AVX512F;
    if (__builtin_cpu_supports("avx512bw")) have |= ASMK_F_AVX512BW;
    if (__builtin_cpu_supports("avx512vl")) have |= ASMK_F_AVX512VL;
    if (__builtin_cpu_supports("avx512vpopcntdq")) have |= ASMK_F_AVX512_VPOPCNTDQ;
    if (__builtin_cpu_supports("vpclmulqdq")) have |= ASMK_F_VPCLMULQDQ;
    /* libgcc reports avx and avx512f only when the OS saves the YMM and ZMM state. */
    if (__builtin_cpu_supports("avx")) have |= ASMK_F_OS_YMM;
    if (__builtin_cpu_supports("avx512f")) have |= ASMK_F_OS_ZMM;
    return (needs & ~have) == 0;
}

/* XGETBV with ECX=1 (XINUSE) exists when CPUID.(0xD,1):EAX bit 2 is set and the OS enabled XSAVE. */
static int has_xgetbv1(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)))
        return 0;
    return __get_cpuid_count(0xD, 1, &a, &b, &c, &d) && (a & 4);
}

/* ---- state of one run ---- */

#define MAX_WORDS 65600
static struct guarded buf_a, buf_b, buf_c; /* c: the scan kernels' hits */
static unsigned char *expected; /* what the window around a written range must hold afterwards */
static unsigned long long cases, calls, violations;
static const char *violation_kinds[8];
static int quiet; /* the self-test expects violations: do not print each one */
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; /* xorshift64 */
    return rng;
}

static void fill_random(unsigned char *p, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++) p[i] = (unsigned char)next_random();
}

static uint64_t load(const unsigned char *p, size_t i)
{
    uint64_t v;
    memcpy(&v, p + 8 * i, 8);
    return v;
}

/* Bytes per element: the lengths of CRC32C are in bytes, the others in 64-bit words. */
static size_t element_bytes(enum kind k) { return k == CRC32C ? 1 : 8; }

/* CRC-32C bit by bit (reflected polynomial 0x82F63B78), no inversion: the routine's contract. */
static uint32_t ref_crc32c(uint32_t crc, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
    }
    return crc;
}

static uint64_t ref_bits(uint64_t v)
{
    uint64_t n = 0;
    for (; v; v &= v - 1) n++;
    return n;
}

struct context {
    const struct routine *r;
    size_t len, offset;
    const char *placement;
    const unsigned char *range_a, *range_b; /* for naming a fault's distance from the range */
    int expect_fault;                       /* the case reads an inaccessible page on purpose */
};

static unsigned report_count;
static void violation(const struct context *c, const char *kind, const char *fmt, ...)
    __attribute__((format(gnu_printf, 3, 4)));
static void violation(const struct context *c, const char *kind, const char *fmt, ...)
{
    violations++;
    for (size_t i = 0; i < COUNT(violation_kinds); i++)
        if (!violation_kinds[i] || violation_kinds[i] == kind) { violation_kinds[i] = kind; break; }
    if (quiet || ++report_count > 30)
        return;
    fprintf(stderr, "FAIL %s (%s) len=%zu offset=%zu %s: %s: ", c->r->name, abi_names[c->r->abi],
            c->len, c->offset, c->placement, kind);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const char KIND_FAULT[] = "memory fault", KIND_REG[] = "callee-saved register changed",
                  KIND_YMM[] = "upper YMM state left dirty (missing vzeroupper)",
                  KIND_RESULT[] = "wrong result", KIND_WRITE[] = "write outside the range",
                  KIND_UNWIND[] = "wrong caller state after unwinding from inside the routine";

/* One checked call: registers preloaded, faults caught, every promise checked. */
static uint64_t call(const struct context *c, uint64_t a0, uint64_t a1, uint64_t a2, int *faulted)
{
    static const char *const reg_names[] = CHECKASM_REG_NAMES;
    for (size_t i = 0; i < COUNT(checkasm_preload); i++)
        checkasm_preload[i] = next_random();
    checkasm_faulted = 0;
    checkasm_dirty_upper = (uint32_t)c->r->clean_entry;
    checkasm_in_call = 1;
#ifdef _WIN32
    uint64_t ret = checkasm_call_win64(c->r->fn, a0, a1, a2); /* every routine is Win64 here */
#else
    uint64_t ret = c->r->abi == ABI_WIN64 ? checkasm_call_win64(c->r->fn, a0, a1, a2)
                                          : checkasm_call_sysv(c->r->fn, a0, a1, a2);
#endif
    checkasm_in_call = 0;
    calls++;
    *faulted = checkasm_faulted;
    if (*faulted && c->expect_fault)
        return 0;
    if (*faulted) {
        uintptr_t at = checkasm_fault_address, a = (uintptr_t)c->range_a;
        size_t bytes = element_bytes(c->r->kind) * c->len;
        if (c->range_a && at >= a + bytes)
            violation(c, KIND_FAULT, "at %zu bytes past the end of the first input", (size_t)(at - a - bytes));
        else if (c->range_a && at < a)
            violation(c, KIND_FAULT, "at %zu bytes before the first input", (size_t)(a - at));
        else
            violation(c, KIND_FAULT, "at address %p", (void *)at);
        return 0;
    }
    for (unsigned bit = 0; bit < COUNT(reg_names); bit++)
        if (checkasm_clobbered & (1u << bit))
            violation(c, KIND_REG, "%s", reg_names[bit]);
    if (checkasm_xinuse)
        violation(c, KIND_YMM, "XINUSE bit 2 set after return");
    return ret;
}

/* Start of a range of `bytes` bytes whose address is offset mod 64: flush against the front guard
 * (front) or as close to the back guard as that offset allows (back). */
static unsigned char *place(const struct guarded *g, size_t bytes, size_t offset, int back)
{
    if (!back)
        return g->lo + offset;
    unsigned char *base = g->hi - bytes;
    return base - (((uintptr_t)base - offset) & 63);
}

/* The bytes a call may be judged on: 64 before and after the range, clipped to the buffer. */
static void window(const struct guarded *g, const unsigned char *start, size_t len_bytes,
                   unsigned char **lo, size_t *bytes)
{
    unsigned char *w = (unsigned char *)start - 64 < g->lo ? g->lo : (unsigned char *)start - 64;
    unsigned char *end = (unsigned char *)start + len_bytes + 64 > g->hi ? g->hi : (unsigned char *)start + len_bytes + 64;
    *lo = w;
    *bytes = (size_t)(end - w);
}

static void check_unchanged(const struct context *c, const unsigned char *w, size_t bytes)
{
    if (memcmp(w, expected, bytes) != 0) {
        size_t at = 0;
        while (w[at] == expected[at]) at++;
        violation(c, KIND_WRITE, "first changed byte %zu bytes into the checked window", at);
    }
}

static void check_case(const struct routine *r, size_t len, size_t offset, int back)
{
    struct context c = { r, len, offset, back ? "(back guard)" : "(front guard)", NULL, NULL, 0 };
    size_t len_bytes = element_bytes(r->kind) * len;
    unsigned char *a = place(&buf_a, len_bytes, offset, back), *wa;
    size_t bytes_a;
    window(&buf_a, a, len_bytes, &wa, &bytes_a);
    fill_random(wa, bytes_a);
    c.range_a = a;
    int faulted;
    if (r->kind == CRC32C) {
        uint32_t seed = (uint32_t)next_random();
        uint64_t want = ref_crc32c(seed, a, len);
        memcpy(expected, wa, bytes_a);
        uint64_t got = call(&c, seed, (uintptr_t)a, len, &faulted);
        if (faulted)
            return;
        if (got != want) /* the whole of rax: the upper half must be zero */
            violation(&c, KIND_RESULT, "got 0x%" PRIx64 ", want 0x%" PRIx64, got, want);
        check_unchanged(&c, wa, bytes_a);
        return;
    }
    if (r->kind == INCREMENT) {
        int64_t value = (int64_t)next_random();
        memcpy(expected, wa, bytes_a);
        for (size_t i = 0; i < len; i++) {
            uint64_t v = load(a, i) + (uint64_t)value; /* wraps, like paddq */
            memcpy(expected + (a - wa) + 8 * i, &v, 8);
        }
        call(&c, (uintptr_t)a, len, (uint64_t)value, &faulted);
        if (!faulted)
            check_unchanged(&c, wa, bytes_a);
        return;
    }
    uint64_t want = 0;
    unsigned char *b = NULL;
    if (r->kind == HAMMING) {
        unsigned char *wb;
        size_t bytes_b;
        b = place(&buf_b, 8 * len, (offset * 7 + 5) % 64, back);
        window(&buf_b, b, 8 * len, &wb, &bytes_b);
        fill_random(wb, bytes_b);
        for (size_t i = 0; i < len; i++) want += ref_bits(load(a, i) ^ load(b, i));
    } else {
        for (size_t i = 0; i < len; i++) want += ref_bits(load(a, i));
    }
    memcpy(expected, wa, bytes_a);
    uint64_t got = r->kind == HAMMING ? call(&c, (uintptr_t)a, (uintptr_t)b, len, &faulted)
                                      : call(&c, (uintptr_t)a, len, 0, &faulted);
    if (faulted)
        return;
    if (got != want)
        violation(&c, KIND_RESULT, "got %" PRIu64 ", want %" PRIu64, got, want);
    check_unchanged(&c, wa, bytes_a);
}

/* count = 0 with every pointer into an inaccessible page: nothing may be touched. */
static void check_empty_at_guard(const struct routine *r)
{
    struct context c = { r, 0, 0, "(pointers into a guard page)", NULL, NULL, 0 };
    uintptr_t guard = (uintptr_t)buf_a.hi, guard_b = (uintptr_t)buf_b.hi;
    int faulted;
    asmk_scan job = { (const uint64_t *)guard_b, 4, ~0ull, 0, (uint64_t *)buf_c.hi, ASMK_SCAN_STREAM };
    uint64_t got = r->kind == HAMSCAN ? call(&c, (uintptr_t)&job, guard, 0, &faulted)
                 : r->kind == HAMMING ? call(&c, guard, guard_b, 0, &faulted)
                 : r->kind == INCREMENT ? call(&c, guard, 0, 7, &faulted)
                 : r->kind == CRC32C ? call(&c, 0x89ABCDEF, guard, 0, &faulted)
                                     : call(&c, guard, 0, 0, &faulted);
    cases++;
    uint64_t want = r->kind == CRC32C ? 0x89ABCDEF : 0;
    if (!faulted && r->kind != INCREMENT && got != want)
        violation(&c, KIND_RESULT, "got 0x%" PRIx64 " for no input, want 0x%" PRIx64, got, want);
}

#ifdef _WIN32
#define UNWIND_CHECKED 1
/* A fault in the main loop: 256 elements from the start of an inaccessible page. Unwinding the
 * faulting context must arrive at the trampoline's call site with its rsp and every callee-saved
 * register as the trampoline set them: the routine's .pdata unwind data (or, without any, the
 * leaf rule) must describe exactly what its prolog did. */
static void check_unwind(const struct routine *r)
{
    static const char *const reg_names[] = CHECKASM_REG_NAMES;
    struct context c = { r, 256, 0, "(fault in an inaccessible page)", NULL, NULL, 1 };
    uintptr_t guard = (uintptr_t)buf_a.hi, guard_b = (uintptr_t)buf_b.hi;
    int faulted;
    checkasm_unwind_mismatch = 0;
    asmk_scan job = { (const uint64_t *)buf_b.lo, 4, ~0ull, 0, (uint64_t *)buf_c.lo, 0 };
    if (r->kind == HAMSCAN) call(&c, (uintptr_t)&job, guard, 256, &faulted);
    else if (r->kind == HAMMING) call(&c, guard, guard_b, 256, &faulted);
    else if (r->kind == INCREMENT) call(&c, guard, 256, 1, &faulted);
    else if (r->kind == CRC32C) call(&c, 0, guard, 2048, &faulted);
    else call(&c, guard, 256, 0, &faulted);
    cases++;
    if (!faulted) {
        violation(&c, KIND_UNWIND, "nothing to unwind: reading an inaccessible page did not fault");
        return;
    }
    for (unsigned bit = 0; bit < COUNT(reg_names); bit++)
        if (checkasm_unwind_mismatch & (1u << bit))
            violation(&c, KIND_UNWIND, "%s differs", reg_names[bit]);
}
#else
#define UNWIND_CHECKED 0 /* only Windows has a system unwinder for these routines to answer to */
#endif

static void known_answers(const struct routine *r)
{
    struct context c = { r, 9, 0, "(known answer)", NULL, NULL, 0 };
    uint64_t ones[9], alt[9], zero[9];
    int faulted;
    for (int i = 0; i < 9; i++) { ones[i] = ~0ull; alt[i] = 0xAAAAAAAAAAAAAAAAull; zero[i] = 0; }
    if (r->kind == POPCOUNT) {
        uint64_t got = call(&c, (uintptr_t)ones, 9, 0, &faulted);
        if (!faulted && got != 576) violation(&c, KIND_RESULT, "nine all-ones words: got %" PRIu64 ", want 576", got);
        got = call(&c, (uintptr_t)alt, 9, 0, &faulted);
        if (!faulted && got != 288) violation(&c, KIND_RESULT, "alternating bits: got %" PRIu64 ", want 288", got);
    } else if (r->kind == HAMMING) {
        uint64_t got = call(&c, (uintptr_t)ones, (uintptr_t)zero, 9, &faulted);
        if (!faulted && got != 576) violation(&c, KIND_RESULT, "ones vs zeros: got %" PRIu64 ", want 576", got);
        got = call(&c, (uintptr_t)alt, (uintptr_t)alt, 9, &faulted);
        if (!faulted && got != 0) violation(&c, KIND_RESULT, "equal arrays: got %" PRIu64 ", want 0", got);
    } else if (r->kind == HAMSCAN) {
        /* Three 4-word codes against an alternating query: equal, all ones, all zeros. */
        uint64_t codes[12], query[4] = { alt[0], alt[0], alt[0], alt[0] }, hits[3] = { 0, 0, 0 };
        for (int i = 0; i < 4; i++) { codes[i] = alt[0]; codes[4 + i] = ~0ull; codes[8 + i] = 0; }
        asmk_scan job = { query, 4, 129, 7, hits, 0 };
        uint64_t got = call(&c, (uintptr_t)&job, (uintptr_t)codes, 3, &faulted);
        if (!faulted && (got != 3 || hits[0] != 7 || hits[1] != (128ull << 32 | 8) || hits[2] != (128ull << 32 | 9)))
            violation(&c, KIND_RESULT, "three codes at 0, 128, 128: got %" PRIu64 " hits 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64,
                      got, hits[0], hits[1], hits[2]);
        job.threshold = 128;
        got = call(&c, (uintptr_t)&job, (uintptr_t)codes, 3, &faulted);
        if (!faulted && (got != 1 || hits[0] != 7))
            violation(&c, KIND_RESULT, "threshold 128: got %" PRIu64 " hits, want only code 7 at 0", got);
    } else if (r->kind == CRC32C) {
        /* The CRC-32C check value: "123456789" gives 0xE3069283 (with the standard inversions). */
        static const char check[] = "123456789";
        uint64_t got = call(&c, 0xFFFFFFFF, (uintptr_t)check, 9, &faulted);
        if (!faulted && (got ^ 0xFFFFFFFF) != 0xE3069283)
            violation(&c, KIND_RESULT, "\"123456789\": got 0x%" PRIx64 ", want 0xE3069283", got ^ 0xFFFFFFFF);
        got = call(&c, 0, (uintptr_t)zero, 0, &faulted);
        if (!faulted && got != 0) violation(&c, KIND_RESULT, "no bytes from 0: got 0x%" PRIx64, got);
    } else {
        int64_t v[5] = { INT64_MAX, INT64_MIN, -1, 0, 41 }, want[5] = { INT64_MIN, INT64_MIN + 1, 0, 1, 42 };
        c.len = 5;
        call(&c, (uintptr_t)v, 5, 1, &faulted);
        for (int i = 0; i < 5 && !faulted; i++)
            if (v[i] != want[i]) violation(&c, KIND_RESULT, "edge values + 1: element %d is %" PRId64, i, v[i]);
    }
    cases++;
}

/* One scan: count codes of w words against guard pages (codes, query and hits), every hit's key
 * against a C reference, nothing written past the hits the kernel reports. */
static void check_scan_case(const struct routine *r, size_t w, size_t count, size_t offset, int back, uint64_t threshold)
{
    struct context c = { r, w * count, offset, back ? "(back guard)" : "(front guard)", NULL, NULL, 0 };
    size_t code_bytes = 8 * w * count;
    unsigned char *codes = place(&buf_a, code_bytes, offset, back), *wa, *wb, *wc;
    unsigned char *query = place(&buf_b, 8 * w, (offset * 7 + 5) % 64, back);
    unsigned char *hits = place(&buf_c, 8 * count, 0, 1); /* ends at the guard: no room for more */
    size_t bytes_a, bytes_b, bytes_c;
    window(&buf_a, codes, code_bytes, &wa, &bytes_a);
    window(&buf_b, query, 8 * w, &wb, &bytes_b);
    window(&buf_c, hits, 8 * count, &wc, &bytes_c);
    fill_random(wa, bytes_a);
    fill_random(wb, bytes_b);
    fill_random(wc, bytes_c);
    for (size_t i = 0; i < count; i += 3) /* some codes near the query, so that thresholds matter */
        for (size_t j = 0; j < w; j++) {
            uint64_t v = load(query, j) ^ (next_random() & next_random() & next_random());
            memcpy(codes + 8 * (i * w + j), &v, 8);
        }
    c.range_a = codes;
    uint64_t first = next_random() & 0x7FFFFFFF;
    unsigned char *want = expected; /* the hits window as it must be afterwards */
    memcpy(want, wc, bytes_c);
    size_t nwant = 0;
    for (size_t i = 0; i < count; i++) {
        uint64_t d = 0;
        for (size_t j = 0; j < w; j++) d += ref_bits(load(codes, i * w + j) ^ load(query, j));
        if (d < threshold) {
            uint64_t key = d << 32 | (first + i);
            memcpy(want + (hits - wc) + 8 * nwant++, &key, 8);
        }
    }
    unsigned char *codes_before = malloc(bytes_a);
    if (!codes_before) return;
    memcpy(codes_before, wa, bytes_a);
    /* either way of reading the codes: prefetching ahead (into the guard page, too) must not
     * change anything */
    asmk_scan job = { (const uint64_t *)query, w, threshold, first, (uint64_t *)hits, next_random() & ASMK_SCAN_STREAM };
    int faulted;
    uint64_t got = call(&c, (uintptr_t)&job, (uintptr_t)codes, count, &faulted);
    if (!faulted) {
        if (got != nwant)
            violation(&c, KIND_RESULT, "W=%zu threshold %" PRIu64 ": %" PRIu64 " hits, want %zu", w, threshold, got, nwant);
        else if (memcmp(wc, want, bytes_c) != 0) {
            size_t at = 0;
            while (wc[at] == want[at]) at++;
            if (wc + at >= hits + 8 * nwant || wc + at < hits)
                violation(&c, KIND_WRITE, "W=%zu: hits buffer changed %zd bytes from its start, past the %zu hits", w, (ptrdiff_t)(wc + at - hits), nwant);
            else
                violation(&c, KIND_RESULT, "W=%zu threshold %" PRIu64 ": hit %zu differs", w, threshold, (size_t)(wc + at - hits) / 8);
        }
        if (memcmp(wa, codes_before, bytes_a) != 0)
            violation(&c, KIND_WRITE, "W=%zu: the codes changed", w);
    }
    free(codes_before);
}

static void run_scan(const struct routine *r)
{
    static const size_t words[] = { 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33 };
    static const size_t offsets[] = { 0, 1, 8, 13, 24, 63 };
    static const size_t large[] = { 63, 64, 65, 100, 257 };
    for (size_t wi = 0; wi < COUNT(words); wi++) {
        size_t w = words[wi];
        for (size_t oi = 0; oi < COUNT(offsets); oi++)
            for (size_t ci = 0; ci <= 40 + COUNT(large); ci++) {
                size_t count = ci <= 40 ? ci : large[ci - 41];
                uint64_t thresholds[] = { 0, 1, next_random() % (64 * w + 1), 64 * w + 1, 1ull << 32, ~0ull };
                uint64_t threshold = thresholds[(ci + oi) % COUNT(thresholds)];
                check_scan_case(r, w, count, offsets[oi], 0, threshold);
                check_scan_case(r, w, count, offsets[oi], 1, thresholds[2]);
                cases++;
            }
    }
}

static void run(const struct routine *r)
{
    if (r->kind == HAMSCAN) {
        known_answers(r);
        check_empty_at_guard(r);
#if UNWIND_CHECKED
        check_unwind(r);
#endif
        run_scan(r);
        return;
    }
    /* CRC-32C's lengths are bytes and its kernels switch strategy at 16, 64 and 256 bytes: it gets
     * every length up to 1024 and the neighbours of two powers of two. */
    static const size_t large[] = { 1000, 4096, 65537 }, large_crc[] = { 4095, 4096, 4097, 65535, 65536, 65537 };
    size_t every = r->kind == CRC32C ? 1024 : 300;
    const size_t *big = r->kind == CRC32C ? large_crc : large;
    size_t nbig = r->kind == CRC32C ? COUNT(large_crc) : COUNT(large);
    known_answers(r);
    check_empty_at_guard(r);
#if UNWIND_CHECKED
    check_unwind(r);
#endif
    for (size_t offset = 0; offset < 64; offset++)
        for (size_t len = 0; len <= every + nbig; len++) {
            size_t n = len <= every ? len : big[len - every - 1];
            if (len > every && offset % 8 != 3 && offset != 0)
                continue; /* large lengths: offsets 0, 3, 11, ..., 59 */
            check_case(r, n, offset, 0);
            check_case(r, n, offset, 1);
            cases++;
        }
}

/* Each broken routine must be caught, by the check named for its defect. */
static int selftest(void)
{
    /* The defect's kind, and a kind it may also show: clobbering rbx without saving it also
     * makes the unwound rbx wrong. */
    static const char *const want[][2] = { { KIND_REG, KIND_UNWIND }, { KIND_YMM, NULL }, { KIND_FAULT, NULL },
                                           { KIND_UNWIND, NULL }, { KIND_YMM, NULL } };
    int bad = 0, ran = 0;
    quiet = 1;
    for (size_t i = 0; i < COUNT(broken); i++) {
        const struct routine *r = &broken[i];
        const char *expect = want[i % COUNT(want)][0], *also = want[i % COUNT(want)][1];
        if (expect == KIND_UNWIND && !UNWIND_CHECKED) {
            printf("%-30s %-5s skipped: unwinding is checked in the Windows build\n", r->name, abi_names[r->abi]);
            continue;
        }
        if (!cpu_has(r->needs) || (expect == KIND_YMM && !checkasm_use_xgetbv)) {
            printf("%-30s %-5s skipped: this CPU cannot run or observe it\n", r->name, abi_names[r->abi]);
            continue;
        }
        memset(violation_kinds, 0, sizeof violation_kinds);
        unsigned long long before = violations;
        run(r);
        int caught = 0, other = 0;
        for (size_t k = 0; k < COUNT(violation_kinds) && violation_kinds[k]; k++)
            if (violation_kinds[k] == expect) caught = 1; else if (violation_kinds[k] != also) other = 1;
        printf("%-30s %-5s %s: %llu violations (%s)%s\n", r->name, abi_names[r->abi],
               caught && !other ? "caught" : "NOT CAUGHT AS EXPECTED", violations - before, expect,
               other ? ", and other kinds too" : "");
        bad += !(caught && !other);
        ran++;
    }
    printf("checkasm selftest: %d of %d broken routines caught as expected\n", ran - bad, ran);
    return bad ? 1 : ran ? 0 : 77;
}

int main(int argc, char **argv)
{
    if (guarded_alloc(&buf_a, MAX_WORDS * 8 + 128) || guarded_alloc(&buf_b, MAX_WORDS * 8 + 128) ||
        guarded_alloc(&buf_c, MAX_WORDS * 8 + 128) ||
        !(expected = malloc(MAX_WORDS * 8 + 256))) {
        fprintf(stderr, "checkasm: cannot map the guarded buffers\n");
        return 1;
    }
    fault_handler_install();
    checkasm_use_xgetbv = (uint32_t)has_xgetbv1();
    if (!checkasm_use_xgetbv)
        printf("checkasm: this CPU has no XGETBV(1): the vzeroupper check is skipped\n");
    if (argc > 1 && strcmp(argv[1], "--selftest") == 0)
        return selftest();
    if (asmk_abi_version() != ASMK_ABI_VERSION) {
        fprintf(stderr, "FAIL asmk_abi_version: got %u, want %d\n", asmk_abi_version(), ASMK_ABI_VERSION);
        return 1;
    }
    unsigned skipped = 0, ran = 0;
    for (size_t i = 0; i < COUNT(routines); i++) {
        const struct routine *r = &routines[i];
        if (!cpu_has(r->needs)) {
            printf("%-30s %-5s skipped: this CPU (or OS) lacks its instruction set\n", r->name, abi_names[r->abi]);
            skipped++;
            continue;
        }
        unsigned long long before = cases, failed = violations;
        run(r);
        ran++;
        printf("%-30s %-5s %6llu cases, %llu violations\n", r->name, abi_names[r->abi], cases - before, violations - failed);
    }
    printf("checkasm: %llu routine x ABI x length x offset cases checked (%llu calls) over %u routine x ABI pairs"
           " (%u skipped), %llu violations\n", cases, calls, ran, skipped, violations);
    if (violations)
        return 1;
    return ran ? 0 : 77;
}
