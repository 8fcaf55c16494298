#!/usr/bin/env bash
# report_suffix.sh -- prints what a report's name ends in on this CPU's class, so that the reports
# of each class stand side by side in docs/: nothing on AMD's AVX-512 CPUs before family 26 (AVX-512
# VPOPCNTDQ and VPCLMULQDQ: Zen 4), -zen5 on AMD's AVX-512 CPUs from family 26 (Zen 5: full-width
# 512-bit units, its figures differ from Zen 4's), -intel on Intel's (Sapphire Rapids class:
# vpclmulqdq every cycle, a legacy-SSE instruction after VEX code costly), -avx2 on an AVX2
# CPU without AVX-512 (AMD Zen 3, for one), -sse below that. build.sh (first calls, the CRC C
# table), c_peers_ab.sh and cli_search_ab.sh use it; the benchmark program applies the same rule.
set -euo pipefail
family="$(awk -F': *' '/^cpu family/ { print $2; exit }' /proc/cpuinfo)"
if grep -qw avx512_vpopcntdq /proc/cpuinfo && grep -qw vpclmulqdq /proc/cpuinfo; then
    if grep -qw GenuineIntel /proc/cpuinfo; then echo "-intel"
    elif grep -qw AuthenticAMD /proc/cpuinfo && [ "${family:-0}" -ge 26 ]; then echo "-zen5"; else echo ""; fi
elif grep -qw avx2 /proc/cpuinfo; then echo "-avx2"
else echo "-sse"; fi
