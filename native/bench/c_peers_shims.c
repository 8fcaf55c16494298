/*
 * c_peers_shims.c - c_peers.c's view of the header-only peers: libpopcnt's popcnt() and NumKong's
 * Ice Lake Hamming kernel, each behind a plain function. Compiled by scripts/c_peers_ab.sh with
 * -march=icelake-server (which Zen 4 and Sapphire Rapids both run) and the peers' include paths.
 */
#include <immintrin.h>
#include <stdint.h>

#include "libpopcnt.h"
#include "numkong/set.h"

uint64_t peer_libpopcnt(const void *data, uint64_t bytes);
uint64_t peer_numkong_hamming(const void *a, const void *b, uint64_t bytes);

uint64_t peer_libpopcnt(const void *data, uint64_t bytes) { return popcnt(data, bytes); }

uint64_t peer_numkong_hamming(const void *a, const void *b, uint64_t bytes)
{
    nk_u32_t distance;
    nk_hamming_u1_icelake((nk_u1x8_t const *)a, (nk_u1x8_t const *)b, bytes * 8, &distance); /* n in bits */
    return distance;
}
