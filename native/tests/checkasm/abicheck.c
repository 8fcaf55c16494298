/*
 * abicheck.c - checkasm for anyone's routine: the harness core (core.c: call trampolines that
 * preload and compare callee-saved registers and read XINUSE, buffers against inaccessible pages
 * on both sides, a fault recorded instead of a crash, the one sweep of lengths and offsets, the
 * Win64 unwind check) run on a routine of any shared library, described by a small signature
 * language that stands in for an operation file. Run by `asmkernels abicheck`.
 *
 *   asmk-abicheck [--seed N] LIBRARY SYMBOL SIGNATURE [REFERENCE-LIBRARY REFERENCE-SYMBOL]
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
 * pointer into an inaccessible page; the same call twice, 32-bit scalars dirty then clean (same
 * result); with a reference routine, the same return value and output buffers as it; on Windows,
 * a fault in the main loop unwound through the routine's unwind data. Then the cost of entering
 * it with a dirty upper vector state against a clean one. Each violation is named (the register,
 * the buffer and how far outside it a fault was, the first differing case); exit 0 clean, 1 with
 * violations, 2 for bad usage or a library or symbol that cannot be loaded.
 */
#define __USE_MINGW_ANSI_STDIO 1
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
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#endif

#include "checkasm.h"

#ifdef _WIN32
/* With ASMK_ABICHECK_PARENT_PIPE, standard input is a pipe the parent holds open and never writes:
 * its end (the parent gone, however it ended) ends the harness. */
static DWORD WINAPI end_with_parent(LPVOID unused)
{
    (void)unused;
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    char byte;
    DWORD got;
    while (ReadFile(in, &byte, 1, &got, NULL) && got > 0) {}
    ExitProcess(2);
    return 0;
}
#endif

/* ASMK_ABICHECK_PROGRESS names a file the parent reads (struct checkasm_progress), mapped here so
 * that every call's case is in it: a routine that never returns is named with its case on both
 * systems. The harness also ends with its parent: on Linux by PR_SET_PDEATHSIG, on Windows (and
 * under wine, whose parent may be a Linux process) when the parent's pipe on stdin closes. */
static void watched_by_parent(void)
{
#ifdef _WIN32
    const char *pipe = getenv("ASMK_ABICHECK_PARENT_PIPE");
    if (pipe && *pipe) {
        HANDLE thread = CreateThread(NULL, 0, end_with_parent, NULL, 0, NULL);
        if (thread) CloseHandle(thread);
    }
    const char *path = getenv("ASMK_ABICHECK_PROGRESS");
    if (!path || !*path) return;
    HANDLE file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return;
    HANDLE mapping = CreateFileMappingA(file, NULL, PAGE_READWRITE, 0, 0, NULL);
    CloseHandle(file);
    if (!mapping) return;
    void *p = MapViewOfFile(mapping, FILE_MAP_WRITE, 0, 0, sizeof(struct checkasm_progress));
    CloseHandle(mapping); /* the view keeps the mapping */
    if (p) checkasm_progress = p;
#else
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    const char *path = getenv("ASMK_ABICHECK_PROGRESS");
    if (!path || !*path) return;
    int fd = open(path, O_RDWR);
    if (fd < 0) return;
    void *p = mmap(NULL, sizeof(struct checkasm_progress), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p != MAP_FAILED) checkasm_progress = p;
#endif
}

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
        char next = (*s)[n];
        if (strncmp(*s, types[i].name, n) == 0 && (next == ' ' || next == '\t' || next == '[' || next == ',' || next == ')' || next == '(' || next == 0)) {
            *bytes = types[i].bytes;
            *is_signed = types[i].is_signed;
            *s += n;
            return 1;
        }
    }
    return 0;
}

static void skip_space(const char **s)
{
    while (**s == ' ' || **s == '\t') (*s)++;
}

static int word(const char **s, const char *w)
{
    skip_space(s);
    size_t n = strlen(w);
    if (strncmp(*s, w, n) == 0 && ((*s)[n] == ' ' || (*s)[n] == '\t')) { *s += n; return 1; }
    return 0;
}

static int parse_name(const char **s, char *out, size_t cap)
{
    skip_space(s);
    size_t n = 0;
    while ((**s >= 'a' && **s <= 'z') || (**s >= 'A' && **s <= 'Z') || (**s >= '0' && **s <= '9') || **s == '_')
        if (n + 1 < cap) out[n++] = *(*s)++; else (*s)++;
    out[n] = 0;
    return n > 0;
}

static const char *parse_signature(const char *s)
{
    int is_signed;
    skip_space(&s);
    if (strncmp(s, "void", 4) == 0) { ret_bytes = 0; s += 4; }
    else if (!parse_type(&s, &ret_bytes, &is_signed)) return "the return type is not void or a scalar type (u8 .. i64, size)";
    skip_space(&s);
    if (*s++ != '(') return "expected '(' after the return type";
    skip_space(&s);
    if (*s == ')') { s++; skip_space(&s); return *s ? "text after the closing parenthesis" : NULL; }
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
            skip_space(&s);
            if (a->kind != K_SCALAR) {
                if (*s++ != '[') return "a buffer is written T[n]";
                if (!parse_name(&s, a->size_name, sizeof a->size_name)) return "a buffer's length names a size argument: T[n]";
                skip_space(&s);
                if (*s++ != ']') return "a buffer is written T[n]";
            } else if (*s == '[') {
                return "a buffer needs in, inout or out before its type";
            }
        }
        skip_space(&s);
        if (*s == ')') break;
        if (*s++ != ',') return "arguments are separated by commas";
    }
    s++; /* the ')' */
    skip_space(&s);
    if (*s) return "text after the closing parenthesis";
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind > K_OUT) continue;
        int found = 0;
        for (int j = 0; j < nargs; j++)
            if (args[j].kind == K_SIZE && strcmp(args[j].size_name, args[i].size_name) == 0) found = 1;
        if (!found) return "a buffer's length names no size argument";
    }
    return NULL;
}

/* ---- the routine as an operation of the core ---- */

static const void *fn, *ref;
static unsigned char *ref_copy[4];

static uint64_t mask_of(int bytes) { return bytes == 8 ? ~0ull : (1ull << (8 * bytes)) - 1; }

/* The arguments of one case: buffers placed and their windows filled with random bytes (saved in
 * expect_copy[i]), sizes, random scalars. */
static unsigned char *expect_copy[4];
static void build_args(struct checkasm_context *c, uint64_t v[4], size_t count, size_t offset, int back, unsigned char **window_lo, size_t *window_bytes)
{
    for (int i = 0; i < 4; i++) v[i] = 0;
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind == K_SIZE) { v[i] = count; continue; }
        if (args[i].kind == K_SCALAR) { v[i] = checkasm_random() & mask_of(args[i].bytes); continue; }
        size_t bytes = count * (size_t)args[i].bytes;
        unsigned char *p = checkasm_place(&checkasm_buf[i], bytes, (offset * (2 * i + 1) + 7 * i) % 64, back);
        checkasm_window(&checkasm_buf[i], p, bytes, &window_lo[i], &window_bytes[i]);
        memcpy(expect_copy[i], window_lo[i], window_bytes[i]);
        c->range[i] = p;
        c->range_bytes[i] = bytes;
        v[i] = (uintptr_t)p;
    }
}

static const struct checkasm_routine *routine, *reference;

static void check_case(const struct checkasm_routine *r, size_t count, size_t offset, int back)
{
    struct checkasm_context c = { .r = r, .len = count, .offset = offset, .placement = back ? "(back guard)" : "(front guard)" };
    uint64_t v[4];
    unsigned char *window_lo[4];
    size_t window_bytes[4];
    int faulted;
    build_args(&c, v, count, offset, back, window_lo, window_bytes);
    uint64_t got = checkasm_call(&c, v, 0, &faulted);
    if (faulted)
        return;
    if (ret_bytes) got &= mask_of(ret_bytes);
    /* input buffers unchanged; nothing written around any buffer */
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind > K_OUT) continue;
        size_t before = (size_t)(c.range[i] - window_lo[i]), after = before + c.range_bytes[i];
        for (size_t j = 0; j < window_bytes[i]; j++) {
            int inside = j >= before && j < after;
            if (window_lo[i][j] != expect_copy[i][j] && (!inside || args[i].kind == K_IN)) {
                checkasm_violation(&c, CHECKASM_WRITE, "argument %d: byte %zd %s changed", i + 1,
                                   (ptrdiff_t)j - (ptrdiff_t)before, inside ? "of an input buffer" : "outside the buffer");
                break;
            }
        }
    }
    /* the same inputs again, 32-bit scalars clean this time: the same result (inout buffers
     * restored first) */
    unsigned char *out_first[4] = { 0 };
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind != K_INOUT && args[i].kind != K_OUT) continue;
        out_first[i] = ref_copy[i];
        memcpy(out_first[i], c.range[i], c.range_bytes[i]);
        if (args[i].kind == K_INOUT)
            memcpy((unsigned char *)c.range[i], expect_copy[i] + (c.range[i] - window_lo[i]), c.range_bytes[i]);
    }
    uint64_t again = checkasm_call(&c, v, 1, &faulted);
    if (faulted)
        return;
    if (ret_bytes) again &= mask_of(ret_bytes);
    if (again != got)
        checkasm_violation(&c, CHECKASM_RESULT, "a second call (32-bit arguments' upper halves clean) returned 0x%" PRIx64 ", the first 0x%" PRIx64, again, got);
    for (int i = 0; i < nargs; i++)
        if (out_first[i] && memcmp(out_first[i], c.range[i], c.range_bytes[i]) != 0)
            checkasm_violation(&c, CHECKASM_RESULT, "argument %d differs between two calls with the same inputs", i + 1);
    if (!reference)
        return;
    /* the reference on the same inputs */
    for (int i = 0; i < nargs; i++)
        if (args[i].kind == K_INOUT || args[i].kind == K_OUT)
            memcpy((unsigned char *)c.range[i], expect_copy[i] + (c.range[i] - window_lo[i]), c.range_bytes[i]);
    struct checkasm_context rc = c;
    rc.r = reference;
    uint64_t want = checkasm_call(&rc, v, 1, &faulted);
    if (faulted)
        return;
    if (ret_bytes) want &= mask_of(ret_bytes);
    if (want != got)
        checkasm_violation(&c, CHECKASM_RESULT, "returned 0x%" PRIx64 ", the reference 0x%" PRIx64, got, want);
    for (int i = 0; i < nargs; i++) {
        if (!out_first[i]) continue;
        for (size_t j = 0; j < c.range_bytes[i]; j++)
            if (out_first[i][j] != c.range[i][j]) {
                checkasm_violation(&c, CHECKASM_RESULT, "argument %d differs from the reference's at byte %zu", i + 1, j);
                break;
            }
    }
}

/* count 0 with every pointer into an inaccessible page */
static void empty_args(uint64_t v[4])
{
    for (int i = 0; i < nargs; i++)
        v[i] = args[i].kind <= K_OUT ? (uintptr_t)checkasm_buf[i].hi
             : args[i].kind == K_SCALAR ? checkasm_random() & mask_of(args[i].bytes) : 0;
}
static uint64_t empty_want(const uint64_t v[4], int *has_result) { (void)v; *has_result = 0; return 0; }

/* A fault in the main loop: 256 elements of every buffer from the start of an inaccessible page. */
static void fault_args(uint64_t v[4])
{
    for (int i = 0; i < nargs; i++)
        v[i] = args[i].kind <= K_OUT ? (uintptr_t)checkasm_buf[i].hi : args[i].kind == K_SIZE ? 256 : 0;
}

static const size_t large[] = { 1000, 4096, 65537 };
static struct checkasm_op op = {
    .name = "abicheck", .every = 300, .large = large, .nlarge = 3,
    .check = check_case, .empty_args = empty_args, .empty_want = empty_want,
};

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
    struct checkasm_context c = { .r = routine };
    uint64_t v[4];
    unsigned char *window_lo[4];
    size_t window_bytes[4];
    build_args(&c, v, COUNT, 0, 0, window_lo, window_bytes);
    double best[2] = { 1e300, 1e300 };
    for (int round = 0; round < ROUNDS; round++)
        for (int dirty = 0; dirty < 2; dirty++) {
            checkasm_dirty_upper = (uint32_t)dirty;
            checkasm_arg3 = v[3];
            double t0 = now_ns();
            for (int n = 0; n < CALLS; n++) {
                checkasm_in_call = 1;
#ifdef _WIN32
                checkasm_call_win64(fn, v[0], v[1], v[2]);
#else
                checkasm_call_sysv(fn, v[0], v[1], v[2]);
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
    const char *seed_text = NULL;
    if (argc > 2 && strcmp(argv[1], "--seed") == 0) {
        seed_text = argv[2];
        argc -= 2;
        argv += 2;
    }
    if (argc != 4 && argc != 6) {
        fprintf(stderr, "usage: asmk-abicheck [--seed N] LIBRARY SYMBOL SIGNATURE [REFERENCE-LIBRARY REFERENCE-SYMBOL]\n");
        return 2;
    }
    uint64_t seed = checkasm_seed_from(seed_text);
    if (!seed) {
        fprintf(stderr, "abicheck: --seed takes a nonzero number, not '%s'\n", seed_text);
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
        if (!(expect_copy[i] = malloc(CHECKASM_MAX_BYTES + 256)) || !(ref_copy[i] = malloc(CHECKASM_MAX_BYTES + 256))) {
            fprintf(stderr, "abicheck: out of memory\n");
            return 2;
        }
    if (checkasm_init(seed)) {
        fprintf(stderr, "abicheck: cannot map the guarded buffers\n");
        return 2;
    }
    watched_by_parent();
    int has_size = 0, has_buffer = 0;
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind == K_SCALAR && args[i].bytes == 4) op.narrow_args |= 1u << i;
        has_size |= args[i].kind == K_SIZE;
        has_buffer |= args[i].kind <= K_OUT;
    }
    if (has_size && has_buffer)
        op.fault_args = fault_args;
#ifdef _WIN32
    const char *abi = "Win64";
    const enum checkasm_abi host = ABI_WIN64;
#else
    const char *abi = "System V";
    const enum checkasm_abi host = ABI_SYSV;
#endif
    struct checkasm_routine r = { argv[2], host, &op, 0, fn, 0 }, rr = { argc == 6 ? argv[5] : "", host, &op, 0, ref, 0 };
    routine = &r;
    reference = ref ? &rr : NULL;
    printf("abicheck: %s in %s, %s convention, '%s'%s%s, seed 0x%" PRIx64 "%s\n", argv[2], argv[1], abi, argv[3],
           ref ? ", against " : "", ref ? argv[5] : "", seed, checkasm_use_xgetbv ? "" : " (no XGETBV(1): the vzeroupper check is off)");
    checkasm_run(&r);
    printf("abicheck: %llu cases (%llu calls), %llu violations\n", checkasm_cases, checkasm_calls, checkasm_violations);
    if (!checkasm_violations)
        measure_transition();
    printf("abicheck: done\n"); /* the parent takes the verdict only with this line */
    fflush(stdout);
    return checkasm_violations ? 1 : 0;
}
