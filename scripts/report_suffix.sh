#!/usr/bin/env bash
# report_suffix.sh -- prints what a report's name ends in on this CPU's class, so that the reports
# of each class stand side by side in docs/: nothing on the AVX-512 class (AVX-512 VPOPCNTDQ and
# VPCLMULQDQ: the AMD Zen 4 and Intel Sapphire Rapids machines), -avx2 on an AVX2 CPU without them
# (AMD Zen 3, for one), -sse below that. build.sh (first calls, the CRC C table), c_peers_ab.sh and
# cli_search_ab.sh use it; the benchmark program applies the same rule itself.
set -euo pipefail
if grep -qw avx512_vpopcntdq /proc/cpuinfo && grep -qw vpclmulqdq /proc/cpuinfo; then echo ""
elif grep -qw avx2 /proc/cpuinfo; then echo "-avx2"
else echo "-sse"; fi
