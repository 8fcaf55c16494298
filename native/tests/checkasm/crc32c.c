/*
 * crc32c.c - checkasm's CRC-32C operation: the CRC register after feeding it count bytes
 * (reflected polynomial 0x82F63B78, no inversions); the bitwise C reference, the arguments of one
 * case (a random starting CRC, a 32-bit argument), the known answers. Its lengths are bytes, and
 * the kernels switch strategy at 16, 64, 128, 256, 2048 and 4096 bytes: every length up to 1024,
 * the neighbours of larger powers of two, and from 2048 bytes (where asmk_crc32c_avx2's 512-byte
 * fused steps start) lengths whose remainders after the steps take each of its tail paths: 0-3
 * blocks of 128, 0-3 of 32, one of 16 or none, 0-15 bytes.
 */
#define __USE_MINGW_ANSI_STDIO 1
#include <inttypes.h>
#include <string.h>

#include "checkasm.h"

static const size_t large[] = { 2047, 2048, 2049, 2063, 2064, 2079, 2111, 2127, 2175, 2303, 2359, 2431, 2559, 2560, 2561,
                                4095, 4096, 4097, 65535, 65536, 65537 };

static uint32_t ref_crc32c(uint32_t crc, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
    }
    return crc;
}

static void check(const struct checkasm_routine *r, size_t len, size_t offset, int back)
{
    struct checkasm_context c = { .r = r, .len = len, .offset = offset, .placement = back ? "(back guard)" : "(front guard)" };
    unsigned char *a = checkasm_place(&checkasm_buf[0], len, offset, back), *wa;
    size_t bytes_a;
    checkasm_window(&checkasm_buf[0], a, len, &wa, &bytes_a);
    c.range[1] = a;
    c.range_bytes[1] = len;
    uint32_t seed = (uint32_t)checkasm_random();
    uint64_t want = ref_crc32c(seed, a, len);
    memcpy(checkasm_expected, wa, bytes_a);
    int faulted;
    uint64_t got = checkasm_call(&c, (uint64_t[4]){ seed, (uintptr_t)a, len, 0 }, 0, &faulted);
    if (faulted)
        return;
    if (got != want) /* the whole of rax: the upper half must be zero */
        checkasm_violation(&c, CHECKASM_RESULT, "got 0x%" PRIx64 ", want 0x%" PRIx64, got, want);
    checkasm_check_unchanged(&c, wa, bytes_a);
}

static void known(const struct checkasm_routine *r)
{
    struct checkasm_context c = { .r = r, .len = 9, .placement = "(known answer)" };
    /* The CRC-32C check value: "123456789" gives 0xE3069283 (with the standard inversions). */
    static const char check_value[] = "123456789";
    static const uint64_t zero[2];
    int faulted;
    uint64_t got = checkasm_call(&c, (uint64_t[4]){ 0xFFFFFFFF, (uintptr_t)check_value, 9, 0 }, 0, &faulted);
    if (!faulted && (got ^ 0xFFFFFFFF) != 0xE3069283)
        checkasm_violation(&c, CHECKASM_RESULT, "\"123456789\": got 0x%" PRIx64 ", want 0xE3069283", got ^ 0xFFFFFFFF);
    got = checkasm_call(&c, (uint64_t[4]){ 0, (uintptr_t)zero, 0, 0 }, 0, &faulted);
    if (!faulted && got != 0) checkasm_violation(&c, CHECKASM_RESULT, "no bytes from 0: got 0x%" PRIx64, got);
    checkasm_count_case();
}

static void empty_args(uint64_t a[4]) { a[0] = 0x89ABCDEF; a[1] = (uintptr_t)checkasm_buf[0].hi; a[2] = 0; }
static uint64_t empty_want(const uint64_t a[4], int *has_result) { *has_result = 1; return a[0]; }
static void fault_args(uint64_t a[4]) { a[0] = 0; a[1] = (uintptr_t)checkasm_buf[0].hi; a[2] = 2048; }

const struct checkasm_op checkasm_op_crc32c = {
    .name = "crc32c", .narrow_args = 1u << 0, .every = 1024, .large = large, .nlarge = sizeof large / sizeof large[0],
    .check = check, .known = known, .empty_args = empty_args, .empty_want = empty_want, .fault_args = fault_args,
};
