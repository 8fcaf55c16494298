/*
 * c_peers_shims.c - c_peers.c's view of the header-only peers: libpopcnt's popcnt() and NumKong's
 * Hamming kernel, each behind a plain function. Compiled by scripts/c_peers_ab.sh once per CPU
 * class, with the peers' include paths: with -march=icelake-server (which Zen 4 and Sapphire
 * Rapids both run) the functions end in _icelake and NumKong's kernel is nk_hamming_u1_icelake;
 * with -march=haswell (any AVX2 CPU) they end in _haswell and it is nk_hamming_u1_haswell.
 */
#include <immintrin.h>
#include <stdint.h>

#include "libpopcnt.h"
#include "numkong/set.h"

#if defined(__AVX512F__)
#define SHIM(name) name##_icelake
#define NK_HAMMING nk_hamming_u1_icelake
#else
#define SHIM(name) name##_haswell
#define NK_HAMMING nk_hamming_u1_haswell
#endif

uint64_t SHIM(peer_libpopcnt)(const void *data, uint64_t bytes);
uint64_t SHIM(peer_numkong_hamming)(const void *a, const void *b, uint64_t bytes);

uint64_t SHIM(peer_libpopcnt)(const void *data, uint64_t bytes) { return popcnt(data, bytes); }

uint64_t SHIM(peer_numkong_hamming)(const void *a, const void *b, uint64_t bytes)
{
    nk_u32_t distance;
    NK_HAMMING((nk_u1x8_t const *)a, (nk_u1x8_t const *)b, bytes * 8, &distance); /* n in bits */
    return distance;
}
