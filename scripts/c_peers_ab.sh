#!/usr/bin/env bash
# c_peers_ab.sh [RUNS] -- the library's kernels for this CPU's class (AVX-512 or AVX2) against the
# best public C peer of each job in one process (native/bench/c_peers.c): CRC-32C against Intel
# ISA-L (Debian libisal-dev, installed as root) and corsix/fast-crc32 (its AVX-512 samples, and
# SSE fusions its generator writes here), popcount against libpopcnt, Hamming distance against
# NumKong (ashvardanian/NumKong, formerly SimSIMD). RUNS (default 3) runs of the program; per size,
# the ratio of the fastest peer's time to the kernel's, median over the runs. Writes
# docs/c-peers.md (c-peers-zen5.md on AMD Zen 5, c-peers-intel.md on Intel, c-peers-avx2.md on an
# AVX2 CPU: scripts/report_suffix.sh). Needs gcc, the library built by ./build.sh and an AVX2 CPU.
#
# The peers' sources are not part of this repository: each comes from a checkout (or an export
# with a .commit file naming its commit) named by CORSIX_DIR, LIBPOPCNT_DIR and NUMKONG_DIR, else
# build/peers/fast-crc32, build/peers/libpopcnt and build/peers/NumKong.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-3}"
lib="$ROOT/build/native/libasmkernels.so"
out="$ROOT/build/c-peers"
[ -f "$lib" ] || { echo "c_peers_ab: $lib is missing; run ./build.sh first" >&2; exit 1; }
grep -qw avx2 /proc/cpuinfo || { echo "c_peers_ab: this CPU lacks AVX2" >&2; exit 1; }
if ! [ -e /usr/include/isa-l/crc.h ] && ! [ -e /usr/include/isa-l.h ]; then
    [ "$(id -u)" = 0 ] || { echo "c_peers_ab: ISA-L is missing: apt-get install libisal-dev" >&2; exit 1; }
    apt-get install -y -qq libisal-dev >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq libisal-dev >/dev/null; }
fi
mkdir -p "$out"

# peer VAR REPOSITORY OWNER -- the directory of a peer's sources.
peer() {
    local var="$1" repo="$2" owner="$3" dir
    dir="${!var:-$ROOT/build/peers/$repo}"
    [ -d "$dir" ] || { echo "c_peers_ab: no sources of $owner/$repo: set $var to a checkout (or put one at build/peers/$repo)" >&2; exit 1; }
    printf '%s\n' "$dir"
}
corsix="$(peer CORSIX_DIR fast-crc32 corsix)"
libpopcnt="$(peer LIBPOPCNT_DIR libpopcnt kimwalisch)"
numkong="$(peer NUMKONG_DIR NumKong ashvardanian)"
# describe DIR -- the peer's commit: its checkout's, or the one its .commit file names.
describe() {
    if [ -e "$1/.git" ]; then git -C "$1" log -1 --format='%h %cs'
    elif [ -f "$1/.commit" ]; then cat "$1/.commit"
    else echo "sources of unknown commit"; fi
}

flags=(-O3 -Wall -Wextra)
for sample in v3s1_s3:avx512_vpclmulqdq v4s5x3:avx512_vpclmulqdq v9s3x4e:avx512; do
    name="${sample%%:*}" isa="${sample#*:}"
    isa_flags=(-msse4.2 -mpclmul -mavx512f -mavx512vl)
    [[ $isa == avx512_vpclmulqdq ]] && isa_flags+=(-mvpclmulqdq)
    gcc "${flags[@]}" "${isa_flags[@]}" -Dcrc32_impl="corsix_$name" -c "$corsix/sample_${isa}_crc32c_$name.c" -o "$out/corsix_$name.o"
done
# SSE fusions of corsix's generator: the best it lists for Cascade Lake (v8s3x3) and Ice Lake (v7s3x3).
gcc -O2 -o "$out/corsix_generate" "$corsix/generate.c"
for algo in v8s3x3 v7s3x3; do
    "$out/corsix_generate" -i sse -p crc32c -a "$algo" > "$out/corsix_sse_$algo.c"
    gcc "${flags[@]}" -msse4.2 -mpclmul -Dcrc32_impl="corsix_$algo" -c "$out/corsix_sse_$algo.c" -o "$out/corsix_$algo.o"
done
gcc "${flags[@]}" -march=icelake-server -DNK_TARGET_ICELAKE=1 -I"$libpopcnt" -I"$numkong/include" \
    -c "$ROOT/native/bench/c_peers_shims.c" -o "$out/shims_icelake.o"
gcc "${flags[@]}" -march=haswell -DNK_TARGET_HASWELL=1 -I"$libpopcnt" -I"$numkong/include" \
    -c "$ROOT/native/bench/c_peers_shims.c" -o "$out/shims_haswell.o"
gcc "${flags[@]}" -Werror -I"$ROOT/native/include" -o "$out/c_peers" "$ROOT/native/bench/c_peers.c" \
    "$out"/corsix_*.o "$out"/shims_*.o "$lib" -lisal -Wl,-rpath,"$(dirname "$lib")"

for ((r = 1; r <= RUNS; r++)); do "$out/c_peers" > "$out/run$r.txt"; done
PY="$(command -v python3)"
"$PY" - "$out" "$RUNS" "$ROOT/docs/c-peers$("$ROOT/scripts/report_suffix.sh").md" "$(describe "$corsix")" "$(describe "$libpopcnt")" "$(describe "$numkong")" "$ROOT/native/kernels.txt" <<'EOF'
import re, statistics, sys, time
out, runs, doc, corsix, libpopcnt, numkong, table = sys.argv[1], int(sys.argv[2]), sys.argv[3], *sys.argv[4:8]
ops = ["crc32c", "popcount", "hamming"]
# The kernel dispatch chooses among the library's kernels a run measured (their names start with
# asmk_): the latest row of kernels.txt that is not tuned for another vendor's CPUs.
cpu_vendor = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("vendor_id")), "")
here = {"GenuineIntel": "intel", "AuthenticAMD": "amd"}.get(cpu_vendor)
rows, tuned = [], {}
for line in open(table):
    if m := re.match(r"kernel +(asmk_\w+)", line): rows.append(m.group(1))
    elif m := re.match(r"tune +(asmk_\w+) +(\w+)", line): tuned[m.group(1)] = m.group(2)
def chosen(names):
    fit = [k for k in names if tuned.get(k, here) == here] or list(names)
    return max(fit, key=rows.index)
ours = {}  # op -> the kernel dispatch chooses here
cls = None
targets = {("crc32c", 256): 0.9}  # every other cell: 1.0
cells = {}  # (op, bytes) -> list per run of (ratio, best peer, {name: ns})
for r in range(1, runs + 1):
    per = {}
    for line in open(f"{out}/run{r}.txt"):
        if line.startswith("class "):
            cls = line.split()[1]
            continue
        op, n, name, ns = line.split()
        per.setdefault((op, int(n)), {})[name] = float(ns)
    for key, times in per.items():
        ours[key[0]] = chosen(k for k in times if k.startswith("asmk_"))
        mine = times[ours[key[0]]]
        peers = {k: v for k, v in times.items() if not k.startswith("asmk_") and k != "read"}
        best = min(peers, key=peers.get)
        cells.setdefault(key, []).append((peers[best] / mine, best, times))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
vendor = cpu_vendor
family = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("cpu family")), "?")
model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.split(":")[0].strip() == "model"), "?")
vendor += f", family {family} model {model}"
if cls == "avx512":
    peers_text = [f"- Peers: Intel ISA-L `crc32_iscsi` (Debian libisal-dev); corsix/fast-crc32 ({corsix}) samples v3s1_s3 and",
                  "  v4s5x3 (avx512_vpclmulqdq) and v9s3x4e (avx512), and its generator's SSE fusions v8s3x3 and v7s3x3;",
                  f"  libpopcnt ({libpopcnt}) `popcnt()`; NumKong ({numkong}) `nk_hamming_u1_icelake`; the header-only peers",
                  "  built with `-march=icelake-server`."]
else:
    peers_text = [f"- Class: AVX2 (no AVX-512 VPOPCNTDQ and VPCLMULQDQ here): the library's kernels of that class.",
                  f"- Peers: Intel ISA-L `crc32_iscsi` (Debian libisal-dev, its own dispatch); corsix/fast-crc32 ({corsix}):",
                  "  its generator's SSE fusions v8s3x3 and v7s3x3 (its AVX-512 samples cannot run here); libpopcnt",
                  f"  ({libpopcnt}) `popcnt()`; NumKong ({numkong}) `nk_hamming_u1_haswell`; the header-only peers built",
                  "  with `-march=haswell`."]
md = ["# The kernels against the C peers" + ("" if cls == "avx512" else f" ({cls.upper()} class)"), "",
      f"- CPU: {cpu} [{vendor}]; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
      f"- Command: `scripts/c_peers_ab.sh {runs}` (native/bench/c_peers.c, gcc -O3): one process, no managed call on",
      "  either side, 64-byte aligned data, calls chained (each waits for the last), every function's median over 21",
      f"  interleaved rounds; the ratio is the fastest peer's time over the kernel's, median of {runs} runs (above 1 the",
      "  kernel is faster). The kernel is the one dispatch chooses on this CPU (native/kernels.txt: the last runnable",
      "  row, passing over one tuned for another vendor's CPUs); the library's other kernels stand in the list below.",
      *peers_text,
      "- Targets: CRC-32C at least 1.0x the best of ISA-L and corsix at 4 KiB, 64 KiB and 1 MiB and 0.9x at 256 B;",
      "  popcount at least 1.0x libpopcnt and Hamming 1.0x NumKong from 4 KiB to 1 MiB.", "",
      "- Read roofline (popcount, Hamming): the same bytes only loaded and XORed; kernel and peer as a share of its speed.", "",
      "| operation | bytes | kernel | fastest peer | kernel ns | peer ns | ratio (median) | runs | kernel / peer of the read roofline | target |",
      "|---|---:|---|---|---:|---:|---:|---|---|---|"]
for (op, n) in sorted(cells, key=lambda k: (ops.index(k[0]), k[1])):
    rs = cells[(op, n)]
    ratio = statistics.median(x[0] for x in rs)
    mid = sorted(rs, key=lambda x: x[0])[len(rs) // 2]
    need = targets.get((op, n), 1.0)
    t = mid[2]
    roof = f"{t['read'] / t[ours[op]]:.0%} / {t['read'] / t[mid[1]]:.0%}" if "read" in t else "-"
    # Below the target but both at the read roofline: no kernel can lead there, by this run's measure.
    at_roof = "read" in t and t["read"] / t[ours[op]] >= 0.97 and t["read"] / t[mid[1]] >= 0.97
    verdict = "met" if ratio >= need else "out of reach: both at the read roofline" if at_roof else "NOT MET"
    md.append(f"| {op} | {n:,} | {ours[op]} | {mid[1]} | {t[ours[op]]:.1f} | {t[mid[1]]:.1f} | {ratio:.2f}x | "
              + " / ".join(f"{x[0]:.2f}" for x in rs) + f" | {roof} | {need:.1f}x {verdict} |")
md += ["", "Every peer of each cell, in the median run (ns per call):", ""]
for (op, n) in sorted(cells, key=lambda k: (ops.index(k[0]), k[1])):
    rs = cells[(op, n)]
    mid = sorted(rs, key=lambda x: x[0])[len(rs) // 2]
    md.append(f"- {op} {n:,} B: " + ", ".join(f"{k} {v:.1f}" for k, v in mid[2].items()))
open(doc, "w").write("\n".join(md) + "\n")
print("\n".join(md))
EOF
