/*
 * abicheck.c - checkasm for anyone's routine: the harness of checkasm.c (call trampolines that
 * preload and compare callee-saved registers and read XINUSE, buffers against inaccessible pages
 * on both sides, a fault recorded instead of a crash) run on a routine of any shared library,
 * described by a small signature language. Run by `asmkernels abicheck`.
 *
 *   asmk-abicheck LIBRARY SYMBOL SIGNATURE [REFERENCE-LIBRARY REFERENCE-SYMBOL]
 *
 * SIGNATURE is "RET (ARG, ARG, ...)" with up to four arguments:
 *   RET   void, or a scalar type
 *   ARG   in T[n] | inout T[n] | out T[n]   a buffer of n elements of T (n names a size argument)
 *         size n                            the element count: 0..300, 1000, 4096, 65537
 *         T                                 a scalar: random; a 32-bit one arrives with its upper
 *                                           half dirtied, and must give the same result as clean
 *   T     u8 i8 u16 i16 u32 i32 u64 i64 size
 * The routine follows this platform's convention (System V here; Win64 in the Windows build).
 *
 * Cases: every count 0..300 and three large ones, each buffer at start offsets 0..63 bytes
 * against the front guard and as close to the back guard as the offset allows; count 0 with every
 * pointer into an inaccessible page; the same call twice (same result); with a reference routine,
 * the same return value and output buffers as it. Each violation is named (the register, the
 * buffer and how far outside it a fault was, the first differing case); exit 0 clean, 1 with
 * violations, 2 for bad usage or a library or symbol that cannot be loaded.
 */
#define __USE_MINGW_ANSI_STDIO 1
#include <cpuid.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

#include "checkasm.h"

enum kind { K_IN, K_INOUT, K_OUT, K_SIZE, K_SCALAR };
struct arg {
    enum kind kind;
    int bytes;      /* element or scalar width: 1, 2, 4, 8 */
    int is_signed;
    char size_name[32]; /* buffers: the size argument they use; size: its own name */
};
static struct arg args[4];
static int nargs, ret_bytes; /* ret_bytes 0: void */

static int parse_type(const char **s, int *bytes, int *is_signed)
{
    static const struct { const char *name; int bytes, is_signed; } types[] = {
        { "u8", 1, 0 }, { "i8", 1, 1 }, { "u16", 2, 0 }, { "i16", 2, 1 }, { "u32", 4, 0 }, { "i32", 4, 1 },
        { "u64", 8, 0 }, { "i64", 8, 1 }, { "size", 8, 0 },
    };
    while (**s == ' ') (*s)++;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t n = strlen(types[i].name);
        if (strncmp(*s, types[i].name, n) == 0 && ((*s)[n] == ' ' || (*s)[n] == '[' || (*s)[n] == ',' || (*s)[n] == ')' || (*s)[n] == 0)) {
            *bytes = types[i].bytes;
            *is_signed = types[i].is_signed;
            *s += n;
            return 1;
        }
    }
    return 0;
}

static int word(const char **s, const char *w)
{
    while (**s == ' ') (*s)++;
    size_t n = strlen(w);
    if (strncmp(*s, w, n) == 0 && (*s)[n] == ' ') { *s += n; return 1; }
    return 0;
}

static int parse_name(const char **s, char *out, size_t cap)
{
    while (**s == ' ') (*s)++;
    size_t n = 0;
    while ((**s >= 'a' && **s <= 'z') || (**s >= 'A' && **s <= 'Z') || (**s >= '0' && **s <= '9') || **s == '_')
        if (n + 1 < cap) out[n++] = *(*s)++; else (*s)++;
    out[n] = 0;
    return n > 0;
}

static const char *parse_signature(const char *s)
{
    int is_signed;
    while (*s == ' ') s++;
    if (strncmp(s, "void", 4) == 0) { ret_bytes = 0; s += 4; }
    else if (!parse_type(&s, &ret_bytes, &is_signed)) return "the return type is not void or a scalar type (u8 .. i64, size)";
    while (*s == ' ') s++;
    if (*s++ != '(') return "expected '(' after the return type";
    while (*s == ' ') s++;
    if (*s == ')') return NULL;
    for (;;) {
        if (nargs == 4) return "at most four arguments";
        struct arg *a = &args[nargs++];
        if (word(&s, "in")) a->kind = K_IN;
        else if (word(&s, "inout")) a->kind = K_INOUT;
        else if (word(&s, "out")) a->kind = K_OUT;
        else if (word(&s, "size")) a->kind = K_SIZE;
        else a->kind = K_SCALAR;
        if (a->kind == K_SIZE) {
            a->bytes = 8;
            if (!parse_name(&s, a->size_name, sizeof a->size_name)) return "'size' needs a name: size n";
        } else {
            if (!parse_type(&s, &a->bytes, &a->is_signed)) return "an argument's type is not one of u8 i8 u16 i16 u32 i32 u64 i64 size";
            while (*s == ' ') s++;
            if (a->kind != K_SCALAR) {
                if (*s++ != '[') return "a buffer is written T[n]";
                if (!parse_name(&s, a->size_name, sizeof a->size_name)) return "a buffer's length names a size argument: T[n]";
                if (*s++ != ']') return "a buffer is written T[n]";
            } else if (*s == '[') {
                return "a buffer needs in, inout or out before its type";
            }
        }
        while (*s == ' ') s++;
        if (*s == ')') break;
        if (*s++ != ',') return "arguments are separated by commas";
    }
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind > K_OUT) continue;
        int found = 0;
        for (int j = 0; j < nargs; j++)
            if (args[j].kind == K_SIZE && strcmp(args[j].size_name, args[i].size_name) == 0) found = 1;
        if (!found) return "a buffer's length names no size argument";
    }
    return NULL;
}

/* ---- the checks ---- */

#define MAX_ELEMENTS 65600
static struct guarded bufs[4];
static unsigned char *expect_copy[4], *ref_copy[4];
static const void *fn, *ref;
static unsigned long long cases, calls, violations, shown;
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static void report(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2)));
static void report(const char *fmt, ...)
{
    violations++;
    if (++shown > 25) return;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static uint64_t mask_of(int bytes) { return bytes == 8 ? ~0ull : (1ull << (8 * bytes)) - 1; }

struct call_args { uint64_t v[4]; unsigned char *ptr[4]; size_t bytes[4]; };

/* One checked call; returns 1 when it ran to its end, with *ret. */
static int call(const void *f, const struct call_args *a, uint64_t *ret, const char *what, size_t count, size_t offset)
{
    static const char *const reg_names[] = CHECKASM_REG_NAMES;
    for (int i = 0; i < 8 + 20; i++) checkasm_preload[i] = next_random();
    checkasm_arg3 = a->v[3];
    checkasm_faulted = 0;
    checkasm_in_call = 1;
#ifdef _WIN32
    uint64_t r = checkasm_call_win64(f, a->v[0], a->v[1], a->v[2]);
#else
    uint64_t r = checkasm_call_sysv(f, a->v[0], a->v[1], a->v[2]);
#endif
    checkasm_in_call = 0;
    calls++;
    if (checkasm_faulted) {
        uintptr_t at = checkasm_fault_address;
        for (int i = 0; i < nargs; i++) {
            if (args[i].kind > K_OUT) continue;
            uintptr_t lo = (uintptr_t)a->ptr[i], hi = lo + a->bytes[i];
            if (at >= hi && at < hi + 8192) { report("%s, count %zu, offset %zu: memory fault %zu bytes past the end of argument %d (%zu bytes)", what, count, offset, (size_t)(at - hi), i + 1, a->bytes[i]); return 0; }
            if (at < lo && at + 8192 > lo) { report("%s, count %zu, offset %zu: memory fault %zu bytes before argument %d", what, count, offset, (size_t)(lo - at), i + 1); return 0; }
        }
        report("%s, count %zu, offset %zu: memory fault at %p", what, count, offset, (void *)at);
        return 0;
    }
    for (unsigned bit = 0; bit < sizeof reg_names / sizeof reg_names[0]; bit++)
        if (checkasm_clobbered & (1u << bit))
            report("%s, count %zu, offset %zu: callee-saved register %s changed", what, count, offset, reg_names[bit]);
    if (checkasm_xinuse)
        report("%s, count %zu, offset %zu: upper YMM state left in use (missing vzeroupper)", what, count, offset);
    *ret = ret_bytes ? r & mask_of(ret_bytes) : 0;
    return 1;
}

static unsigned char *place(const struct guarded *g, size_t bytes, size_t offset, int back)
{
    if (!back) return g->lo + offset;
    unsigned char *base = g->hi - bytes;
    return base - (((uintptr_t)base - offset) & 63);
}

/* The arguments of one case: buffers placed and filled with random bytes (their windows saved in
 * expect_copy), sizes, and random scalars (32-bit ones with their upper half dirtied). */
static void build_args(struct call_args *ap, size_t count, size_t offset, int back, unsigned char **window_lo, size_t *window_bytes)
{
    struct call_args a;
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind == K_SIZE) { a.v[i] = count; continue; }
        if (args[i].kind == K_SCALAR) {
            uint64_t v = next_random() & mask_of(args[i].bytes);
            a.v[i] = args[i].bytes == 4 ? v | (next_random() << 32) : v; /* upper half dirtied */
            continue;
        }
        size_t bytes = count * (size_t)args[i].bytes;
        unsigned char *p = place(&bufs[i], bytes, (offset * (2 * i + 1) + 7 * i) % 64, back);
        unsigned char *lo = p - 64 < bufs[i].lo ? bufs[i].lo : p - 64;
        unsigned char *hi = p + bytes + 64 > bufs[i].hi ? bufs[i].hi : p + bytes + 64;
        for (unsigned char *q = lo; q < hi; q++) *q = (unsigned char)next_random();
        memcpy(expect_copy[i], lo, (size_t)(hi - lo));
        window_lo[i] = lo;
        window_bytes[i] = (size_t)(hi - lo);
        a.ptr[i] = p;
        a.bytes[i] = bytes;
        a.v[i] = (uintptr_t)p;
    }
    for (int i = nargs; i < 4; i++) a.v[i] = 0;
    *ap = a;
}

static void check_case(size_t count, size_t offset, int back)
{
    struct call_args a, clean;
    unsigned char *window_lo[4];
    size_t window_bytes[4];
    build_args(&a, count, offset, back, window_lo, window_bytes);
    const char *placement = back ? "back guard" : "front guard";
    uint64_t got;
    if (!call(fn, &a, &got, placement, count, offset))
        return;
    /* input buffers unchanged; nothing written around any buffer */
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind > K_OUT) continue;
        size_t before = (size_t)(a.ptr[i] - window_lo[i]), after = before + a.bytes[i];
        unsigned char *w = window_lo[i];
        for (size_t j = 0; j < window_bytes[i]; j++) {
            int inside = j >= before && j < after;
            if (w[j] != expect_copy[i][j] && (!inside || args[i].kind == K_IN)) {
                report("%s, count %zu, offset %zu: argument %d: byte %zd %s changed", placement, count, offset, i + 1,
                       (ptrdiff_t)j - (ptrdiff_t)before, inside ? "of an input buffer" : "outside the buffer");
                break;
            }
        }
    }
    /* the same inputs again: the same result (inout buffers restored first) */
    unsigned char *out_first[4] = { 0 };
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind != K_INOUT && args[i].kind != K_OUT) continue;
        out_first[i] = ref_copy[i];
        memcpy(out_first[i], a.ptr[i], a.bytes[i]);
        if (args[i].kind == K_INOUT)
            memcpy(a.ptr[i], expect_copy[i] + (a.ptr[i] - window_lo[i]), a.bytes[i]);
    }
    clean = a;
    for (int i = 0; i < nargs; i++)
        if (args[i].kind == K_SCALAR && args[i].bytes == 4) clean.v[i] &= 0xFFFFFFFFull; /* upper half clean this time */
    uint64_t again;
    if (!call(fn, &clean, &again, placement, count, offset))
        return;
    if (again != got)
        report("%s, count %zu, offset %zu: a second call (32-bit arguments' upper halves clean) returned 0x%" PRIx64 ", the first 0x%" PRIx64, placement, count, offset, again, got);
    for (int i = 0; i < nargs; i++)
        if (out_first[i] && memcmp(out_first[i], a.ptr[i], a.bytes[i]) != 0)
            report("%s, count %zu, offset %zu: argument %d differs between two calls with the same inputs", placement, count, offset, i + 1);
    if (!ref)
        return;
    /* the reference on the same inputs */
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind == K_INOUT)
            memcpy(a.ptr[i], expect_copy[i] + (a.ptr[i] - window_lo[i]), a.bytes[i]);
        else if (args[i].kind == K_OUT)
            memcpy(a.ptr[i], expect_copy[i] + (a.ptr[i] - window_lo[i]), a.bytes[i]);
    }
    uint64_t want;
    if (!call(ref, &clean, &want, "reference", count, offset))
        return;
    if (want != got)
        report("count %zu, offset %zu (%s): returned 0x%" PRIx64 ", the reference 0x%" PRIx64, count, offset, placement, got, want);
    for (int i = 0; i < nargs; i++) {
        if (!out_first[i]) continue;
        for (size_t j = 0; j < a.bytes[i]; j++)
            if (out_first[i][j] != a.ptr[i][j]) {
                report("count %zu, offset %zu (%s): argument %d differs from the reference's at byte %zu", count, offset, placement, i + 1, j);
                break;
            }
    }
}

/* count 0 with every pointer into an inaccessible page */
static void check_empty_at_guard(void)
{
    struct call_args a;
    for (int i = 0; i < 4; i++) { a.v[i] = 0; a.ptr[i] = NULL; a.bytes[i] = 0; }
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind <= K_OUT) { a.ptr[i] = bufs[i].hi; a.v[i] = (uintptr_t)bufs[i].hi; }
        else if (args[i].kind == K_SCALAR) a.v[i] = next_random() & mask_of(args[i].bytes);
    }
    uint64_t got;
    call(fn, &a, &got, "count 0, pointers into an inaccessible page", 0, 0);
    cases++;
}

static double now_ns(void)
{
#ifdef _WIN32
    LARGE_INTEGER t, f;
    QueryPerformanceCounter(&t);
    QueryPerformanceFrequency(&f);
    return (double)t.QuadPart * 1e9 / (double)f.QuadPart;
#else
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
#endif
}

/* The cost of entering the routine with a dirty upper vector state (as a .NET function-pointer
 * call does after any Vector256/512 code) against a clean one: a routine in legacy SSE encoding
 * pays an SSE/AVX transition on some Intel CPUs; VEX code and AMD CPUs do not. Best of 7 rounds
 * of 2000 calls each way, count 64, through the same trampoline. */
static void measure_transition(void)
{
    if (!checkasm_use_xgetbv) {
        printf("abicheck: upper state: not measured (no XGETBV(1), so no AVX state to dirty)\n");
        return;
    }
    enum { ROUNDS = 7, CALLS = 2000, COUNT = 64 };
    struct call_args a;
    unsigned char *window_lo[4];
    size_t window_bytes[4];
    build_args(&a, COUNT, 0, 0, window_lo, window_bytes);
    for (int i = 0; i < nargs; i++)
        if (args[i].kind == K_SCALAR && args[i].bytes == 4) a.v[i] &= 0xFFFFFFFFull;
    double best[2] = { 1e300, 1e300 };
    for (int round = 0; round < ROUNDS; round++)
        for (int dirty = 0; dirty < 2; dirty++) {
            checkasm_dirty_upper = (uint32_t)dirty;
            checkasm_arg3 = a.v[3];
            double t0 = now_ns();
            for (int n = 0; n < CALLS; n++) {
                checkasm_in_call = 1;
#ifdef _WIN32
                checkasm_call_win64(fn, a.v[0], a.v[1], a.v[2]);
#else
                checkasm_call_sysv(fn, a.v[0], a.v[1], a.v[2]);
#endif
                checkasm_in_call = 0;
            }
            double ns = (now_ns() - t0) / CALLS;
            if (ns < best[dirty]) best[dirty] = ns;
        }
    checkasm_dirty_upper = 0;
    printf("abicheck: upper state: entered dirty %.1f ns per call, clean %.1f ns (%.2fx; count %d, best of %d x %d calls)\n",
           best[1], best[0], best[1] / best[0], COUNT, ROUNDS, CALLS);
}

static int has_xgetbv1(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;
    return __get_cpuid_count(0xD, 1, &a, &b, &c, &d) && (a & 4);
}

static const void *load(const char *library, const char *symbol)
{
#ifdef _WIN32
    HMODULE h = LoadLibraryA(library);
    if (!h) { fprintf(stderr, "abicheck: cannot load %s (error %lu)\n", library, (unsigned long)GetLastError()); return NULL; }
    const void *p = (const void *)GetProcAddress(h, symbol);
#else
    void *h = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!h) { fprintf(stderr, "abicheck: cannot load %s: %s\n", library, dlerror()); return NULL; }
    const void *p = dlsym(h, symbol);
#endif
    if (!p) fprintf(stderr, "abicheck: %s has no symbol %s\n", library, symbol);
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 6) {
        fprintf(stderr, "usage: asmk-abicheck LIBRARY SYMBOL SIGNATURE [REFERENCE-LIBRARY REFERENCE-SYMBOL]\n");
        return 2;
    }
    const char *error = parse_signature(argv[3]);
    if (error) {
        fprintf(stderr, "abicheck: signature '%s': %s\n", argv[3], error);
        return 2;
    }
    if (!(fn = load(argv[1], argv[2])) || (argc == 6 && !(ref = load(argv[4], argv[5]))))
        return 2;
    for (int i = 0; i < 4; i++)
        if (guarded_alloc(&bufs[i], MAX_ELEMENTS * 8 + 128) || !(expect_copy[i] = malloc(MAX_ELEMENTS * 8 + 256)) || !(ref_copy[i] = malloc(MAX_ELEMENTS * 8 + 256))) {
            fprintf(stderr, "abicheck: cannot map the guarded buffers\n");
            return 2;
        }
    fault_handler_install();
    checkasm_use_xgetbv = (uint32_t)has_xgetbv1();
#ifdef _WIN32
    const char *abi = "Win64";
#else
    const char *abi = "System V";
#endif
    printf("abicheck: %s in %s, %s convention, '%s'%s%s%s\n", argv[2], argv[1], abi, argv[3],
           ref ? ", against " : "", ref ? argv[5] : "", checkasm_use_xgetbv ? "" : " (no XGETBV(1): the vzeroupper check is off)");
    static const size_t large[] = { 1000, 4096, 65537 };
    check_empty_at_guard();
    for (size_t offset = 0; offset < 64; offset++)
        for (size_t n = 0; n <= 300 + 3; n++) {
            size_t count = n <= 300 ? n : large[n - 301];
            if (n > 300 && offset % 8 != 3 && offset != 0) continue;
            check_case(count, offset, 0);
            check_case(count, offset, 1);
            cases++;
        }
    if (shown > 25) printf("... and %llu more\n", violations - 25);
    printf("abicheck: %llu cases (%llu calls), %llu violations\n", cases, calls, violations);
    if (!violations)
        measure_transition();
    return violations ? 1 : 0;
}
