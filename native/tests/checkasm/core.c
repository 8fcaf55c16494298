/*
 * core.c - the harness core (see checkasm.h): seeded random numbers, the checked call, placement
 * against the guard pages, the windows around each range, the sweep of lengths and offsets, the
 * unwind check, and the violation report. checkasm.c and abicheck.c run on it.
 */
#define __USE_MINGW_ANSI_STDIO 1 /* C99 printf (%zu) on Windows */
#include <cpuid.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkasm.h"

const char *const checkasm_abi_names[] = { "sysv", "win64" };
const char CHECKASM_FAULT[] = "memory fault", CHECKASM_REG[] = "callee-saved register changed",
           CHECKASM_YMM[] = "upper YMM state left dirty (missing vzeroupper)",
           CHECKASM_RESULT[] = "wrong result", CHECKASM_WRITE[] = "write outside the range",
           CHECKASM_UNWIND[] = "wrong caller state after unwinding from inside the routine";

struct guarded checkasm_buf[4];
unsigned char *checkasm_expected;
unsigned long long checkasm_cases, checkasm_calls, checkasm_violations;
struct checkasm_progress *checkasm_progress;
const char *checkasm_violation_kinds[8];
int checkasm_quiet;
static unsigned report_count;
static uint64_t rng;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Per buffer: the hull [lo, hi) of the windows of the current case (lo == NULL: none yet; a window
 * given out after a call starts a new hull, so a case's second call keeps its first's), and the
 * part [open_lo, open_hi) that is accessible now. A checked call closes everything outside the
 * hull; a new window opens what it needs. The rest stays closed from call to call, so cases
 * placed alike (the sweep runs all front-guard cases, then all back-guard ones) change it
 * rarely: a few system calls per page crossed, not per call. */
static struct { unsigned char *lo, *hi, *open_lo, *open_hi; int called; } windows[COUNT(checkasm_buf)];

static void protect(unsigned char *p, unsigned char *end, int accessible)
{
    if (end > p && guarded_protect(p, (size_t)(end - p), accessible)) {
        fprintf(stderr, "checkasm: cannot change the protection of the buffers\n");
        exit(1);
    }
}

/* Every buffer accessible again (the known answers, count 0 and the unwind check use them freely). */
static void open_all(void)
{
    for (size_t i = 0; i < COUNT(windows); i++) {
        protect(checkasm_buf[i].lo, windows[i].open_lo, 1);
        protect(windows[i].open_hi, checkasm_buf[i].hi, 1);
        windows[i].open_lo = checkasm_buf[i].lo;
        windows[i].open_hi = checkasm_buf[i].hi;
        windows[i].lo = windows[i].hi = NULL;
    }
}

uint64_t checkasm_random(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; /* xorshift64 */
    return rng;
}

void checkasm_reseed(uint64_t seed) { rng = seed; }

void checkasm_fill_random(unsigned char *p, size_t bytes)
{
    size_t i = 0;
    for (uint64_t v; i + 8 <= bytes; i += 8) {
        v = checkasm_random();
        memcpy(p + i, &v, 8);
    }
    for (; i < bytes; i++) p[i] = (unsigned char)checkasm_random();
}

uint64_t checkasm_load(const unsigned char *p, size_t i)
{
    uint64_t v;
    memcpy(&v, p + 8 * i, 8);
    return v;
}

uint64_t checkasm_bits(uint64_t v)
{
    uint64_t n = 0;
    for (; v; v &= v - 1) n++;
    return n;
}

void checkasm_count_case(void) { checkasm_cases++; }

void checkasm_violation(const struct checkasm_context *c, const char *kind, const char *fmt, ...)
{
    checkasm_violations++;
    int first_of_kind = 0;
    for (size_t i = 0; i < COUNT(checkasm_violation_kinds); i++) {
        if (checkasm_violation_kinds[i] == kind) break;
        if (!checkasm_violation_kinds[i]) { checkasm_violation_kinds[i] = kind; first_of_kind = 1; break; }
    }
    /* The first 30 are reported, and past them the first of every other kind: a routine that
     * clobbers a register on every call still shows that it also writes out of bounds. */
    if (checkasm_quiet || (++report_count > 30 && !first_of_kind))
        return;
    fprintf(stderr, "FAIL %s (%s) len=%zu offset=%zu %s: %s: ", c->r->name, checkasm_abi_names[c->r->abi],
            c->len, c->offset, c->placement, kind);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

uint64_t checkasm_call(const struct checkasm_context *c, const uint64_t args[4], int clean_narrow, int *faulted)
{
    static const char *const reg_names[] = CHECKASM_REG_NAMES;
    uint64_t a[4];
    for (int i = 0; i < 4; i++) {
        a[i] = args[i];
        if (!clean_narrow && (c->r->op->narrow_args & (1u << i)))
            a[i] = (a[i] & 0xFFFFFFFFull) | (checkasm_random() << 32); /* the callee must ignore these bits */
    }
    for (size_t i = 0; i < COUNT(checkasm_preload); i++)
        checkasm_preload[i] = checkasm_random();
    checkasm_arg3 = a[3];
    if (checkasm_progress) {
        static const char *last_placement;
        checkasm_progress->len = c->len;
        checkasm_progress->offset = c->offset;
        if (c->placement != last_placement) { /* static strings: copied when they change */
            snprintf(checkasm_progress->placement, sizeof checkasm_progress->placement, "%s", c->placement ? c->placement : "");
            last_placement = c->placement;
        }
        checkasm_progress->calls = checkasm_calls + 1;
    }
    checkasm_faulted = 0;
    /* The buffers outside this case's windows are inaccessible during the call. */
    for (size_t i = 0; i < COUNT(windows); i++)
        if (windows[i].lo) {
            if (windows[i].open_lo < windows[i].lo) protect(windows[i].open_lo, windows[i].lo, 0), windows[i].open_lo = windows[i].lo;
            if (windows[i].open_hi > windows[i].hi) protect(windows[i].hi, windows[i].open_hi, 0), windows[i].open_hi = windows[i].hi;
            windows[i].called = 1;
        }
    checkasm_dirty_upper = (uint32_t)c->r->clean_entry;
    checkasm_in_call = 1;
#ifdef _WIN32
    uint64_t ret = checkasm_call_win64(c->r->fn, a[0], a[1], a[2]); /* every routine is Win64 here */
#else
    uint64_t ret = c->r->abi == ABI_WIN64 ? checkasm_call_win64(c->r->fn, a[0], a[1], a[2])
                                          : checkasm_call_sysv(c->r->fn, a[0], a[1], a[2]);
#endif
    checkasm_in_call = 0;
    checkasm_dirty_upper = 0;
    checkasm_calls++;
    *faulted = checkasm_faulted;
    if (*faulted && c->expect_fault)
        return 0;
    if (*faulted) {
        /* Named by the nearest range: its guards, or the rest of its buffer, made inaccessible. */
        uintptr_t at = checkasm_fault_address, best = UINTPTR_MAX;
        int nearest = -1, past = 0;
        for (int i = 0; i < 4; i++) {
            if (!c->range[i]) continue;
            uintptr_t lo = (uintptr_t)c->range[i], hi = lo + c->range_bytes[i];
            uintptr_t d = at >= hi ? at - hi : at < lo ? lo - at : 0;
            if (d < best) { best = d; nearest = i; past = at >= hi; }
        }
        if (nearest >= 0 && best <= CHECKASM_MAX_BYTES + CHECKASM_GUARD_BYTES) {
            if (past)
                checkasm_violation(c, CHECKASM_FAULT, "at %zu bytes past the end of argument %d (%zu bytes)", (size_t)best, nearest + 1, c->range_bytes[nearest]);
            else
                checkasm_violation(c, CHECKASM_FAULT, "at %zu bytes before argument %d", (size_t)best, nearest + 1);
            return 0;
        }
        checkasm_violation(c, CHECKASM_FAULT, "at address %p", (void *)at);
        return 0;
    }
    for (unsigned bit = 0; bit < COUNT(reg_names); bit++)
        if (checkasm_clobbered & (1u << bit))
            checkasm_violation(c, CHECKASM_REG, "%s", reg_names[bit]);
    if (checkasm_xinuse)
        checkasm_violation(c, CHECKASM_YMM, "XINUSE bit 2 set after return%s", c->r->clean_entry ? " (entered dirty through the clean entry)" : "");
    return ret;
}

unsigned char *checkasm_place(const struct guarded *g, size_t bytes, size_t offset, int back)
{
    if (!back)
        return g->lo + offset;
    unsigned char *base = g->hi - bytes;
    return base - (((uintptr_t)base - offset) & 63);
}

int checkasm_bias;

void checkasm_window(const struct guarded *g, const unsigned char *start, size_t bytes, unsigned char **lo, size_t *window_bytes)
{
    uintptr_t page = guarded_page();
    uintptr_t from = ((uintptr_t)start - 64) & ~(page - 1), to = ((uintptr_t)start + bytes + 64 + page - 1) & ~(page - 1);
    unsigned char *w = from < (uintptr_t)g->lo || (uintptr_t)start < 64 ? g->lo : (unsigned char *)from;
    unsigned char *end = to > (uintptr_t)g->hi ? g->hi : (unsigned char *)to;
    for (size_t i = 0; i < COUNT(checkasm_buf); i++)
        if (g == &checkasm_buf[i]) {
            if (windows[i].called) windows[i].lo = windows[i].hi = NULL, windows[i].called = 0;
            if (!windows[i].lo || w < windows[i].lo) windows[i].lo = w;
            if (end > windows[i].hi) windows[i].hi = end;
            if (w < windows[i].open_lo) protect(w, windows[i].open_lo, 1), windows[i].open_lo = w;
            if (end > windows[i].open_hi) protect(windows[i].open_hi, end, 1), windows[i].open_hi = end;
        }
    *lo = w;
    *window_bytes = (size_t)(end - w);
    checkasm_fill_random(w, *window_bytes);
    unsigned char *p = (unsigned char *)start; /* the range itself, biased; the bytes around it stay random */
    if (checkasm_bias == CHECKASM_BIAS_ZERO || checkasm_bias == CHECKASM_BIAS_ONES) {
        memset(p, checkasm_bias == CHECKASM_BIAS_ZERO ? 0 : 0xFF, bytes);
        return;
    }
    for (size_t i = 0; checkasm_bias && i < bytes; i += 8) {
        uint64_t a = checkasm_random(), b = checkasm_random(), c = checkasm_random();
        uint64_t v = checkasm_bias == CHECKASM_BIAS_SPARSE ? a & b & c : a | b | c;
        memcpy(p + i, &v, bytes - i < 8 ? bytes - i : 8);
    }
}

void checkasm_check_unchanged(const struct checkasm_context *c, const unsigned char *w, size_t bytes)
{
    if (memcmp(w, checkasm_expected, bytes) != 0) {
        size_t at = 0;
        while (w[at] == checkasm_expected[at]) at++;
        checkasm_violation(c, CHECKASM_WRITE, "first changed byte %zu bytes into the checked window", at);
    }
}

/* count = 0 with every pointer into an inaccessible page: nothing may be touched. */
static void check_empty_at_guard(const struct checkasm_routine *r)
{
    struct checkasm_context c = { .r = r, .placement = "(pointers into a guard page)" };
    uint64_t args[4] = { 0, 0, 0, 0 };
    int faulted, has_result;
    r->op->empty_args(args);
    uint64_t got = checkasm_call(&c, args, 0, &faulted);
    uint64_t want = r->op->empty_want(args, &has_result);
    checkasm_cases++;
    if (!faulted && has_result && got != want)
        checkasm_violation(&c, CHECKASM_RESULT, "got 0x%" PRIx64 " for no input, want 0x%" PRIx64, got, want);
}

#ifdef _WIN32
/* A fault in the main loop (the op's fault_args: the input starts in an inaccessible page).
 * Unwinding the faulting context must arrive at the trampoline's call site with its rsp and every
 * callee-saved register as the trampoline set them: the routine's .pdata unwind data (or, without
 * any, the leaf rule) must describe exactly what its prolog did. */
static void check_unwind(const struct checkasm_routine *r)
{
    static const char *const reg_names[] = CHECKASM_REG_NAMES;
    struct checkasm_context c = { .r = r, .len = 256, .placement = "(fault in an inaccessible page)", .expect_fault = 1 };
    uint64_t args[4] = { 0, 0, 0, 0 };
    int faulted;
    checkasm_unwind_mismatch = 0;
    r->op->fault_args(args);
    checkasm_call(&c, args, 0, &faulted);
    checkasm_cases++;
    if (!faulted) {
        checkasm_violation(&c, CHECKASM_UNWIND, "nothing to unwind: reading an inaccessible page did not fault");
        return;
    }
    for (unsigned bit = 0; bit < COUNT(reg_names); bit++)
        if (checkasm_unwind_mismatch & (1u << bit))
            checkasm_violation(&c, CHECKASM_UNWIND, "%s differs", reg_names[bit]);
}
#endif

void checkasm_run(const struct checkasm_routine *r)
{
    const struct checkasm_op *op = r->op;
    open_all();
    if (op->known)
        op->known(r);
    if (op->empty_args)
        check_empty_at_guard(r);
#ifdef _WIN32
    if (op->fault_args)
        check_unwind(r);
#endif
    if (op->sweep) {
        op->sweep(r);
        return;
    }
    /* The one sweep: every length 0..every at every start offset 0..63, each against the front
     * and the back guard (all front cases first: placed alike, they change the buffers'
     * protection rarely); the large lengths at the offsets 0, 3, 11, ..., 59. */
    for (int back = 0; back < 2; back++)
        for (size_t offset = 0; offset < 64; offset++)
            for (size_t i = 0; i <= op->every + op->nlarge; i++) {
                size_t n = i <= op->every ? i : op->large[i - op->every - 1];
                if (i > op->every && offset % 8 != 3 && offset != 0)
                    continue;
                op->check(r, n, offset, back);
                checkasm_cases += back; /* a case: both placements */
            }
}

/* XGETBV with ECX=1 (XINUSE) exists when CPUID.(0xD,1):EAX bit 2 is set and the OS enabled XSAVE. */
static int has_xgetbv1(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)))
        return 0;
    return __get_cpuid_count(0xD, 1, &a, &b, &c, &d) && (a & 4);
}

uint64_t checkasm_seed_from(const char *text)
{
    if (text) {
        char *end;
        uint64_t seed = strtoull(text, &end, 0);
        return *text && !*end && seed ? seed : 0;
    }
    uint64_t t = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ull ^ (uint64_t)clock();
    return t ? t : 1;
}

int checkasm_init(uint64_t seed)
{
    rng = seed;
    for (size_t i = 0; i < COUNT(checkasm_buf); i++) {
        if (guarded_alloc(&checkasm_buf[i], CHECKASM_MAX_BYTES))
            return -1;
        windows[i].open_lo = checkasm_buf[i].lo;
        windows[i].open_hi = checkasm_buf[i].hi;
    }
    if (!(checkasm_expected = malloc(CHECKASM_MAX_BYTES + 256 + 2 * guarded_page())))
        return -1;
    fault_handler_install();
    checkasm_use_xgetbv = (uint32_t)has_xgetbv1();
    return 0;
}
