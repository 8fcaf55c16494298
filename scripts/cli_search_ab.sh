#!/usr/bin/env bash
# cli_search_ab.sh [RUNS] -- `asmkernels search` as the tool package ships it (framework-dependent,
# ReadyToRun, linux-x64) against FAISS IndexBinaryFlat (Debian python3-faiss) on the same files of
# random codes, one thread, 1 and 64 queries for the 10 nearest: each side in RUNS (default 5) fresh
# processes, the median of the seconds each reports for its search (the CLI's --json "seconds",
# after its inputs are read and its library loaded; faiss_search.py's first search, after the
# index is built). Also FAISS warm: its best of 5 searches in one process. Writes
# docs/search-cli.md (search-cli-avx2.md and so on: scripts/report_suffix.sh). Needs the library built by ./build.sh; installs python3-faiss as root.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
PY=/usr/bin/python3   # Debian's: python3-faiss installs there
out="$ROOT/build/cli-search"
[ -f "$ROOT/build/native/libasmkernels.so" ] || { echo "cli_search_ab: run ./build.sh first" >&2; exit 1; }
if ! "$PY" -c 'import faiss' 2>/dev/null; then
    [[ $(id -u) -eq 0 ]] || { echo "cli_search_ab: needs FAISS: apt-get install -y python3-faiss" >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-faiss >/dev/null
fi
mkdir -p "$out"
dotnet publish "$ROOT/managed/Cli/Cli.csproj" -c Release -r linux-x64 --self-contained false \
    -p:AsmkNativeDir="$ROOT/build/native/" -o "$out/cli" -v quiet -nologo
"$PY" - "$out" "$RUNS" "$ROOT" <<'EOF'
import json, os, statistics, subprocess, sys, time
out, runs, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
import numpy as np
cli = os.path.join(out, "cli", "AsmKernels.Cli")
faiss_py = os.path.join(root, "managed", "Benchmarks", "faiss_search.py")
shapes = [(64, 4_000_000), (128, 2_000_000), (256, 1_000_000), (1024, 1_000_000)]
rng = np.random.default_rng(20261201)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
rows = []
for bits, n in shapes:
    codes = os.path.join(out, f"codes{bits}.bin")
    rng.integers(0, 256, size=n * bits // 8, dtype=np.uint8).tofile(codes)
    for q in (1, 64):
        queries = os.path.join(out, f"queries{bits}x{q}.bin")
        rng.integers(0, 256, size=q * bits // 8, dtype=np.uint8).tofile(queries)
        ours, theirs, ours_d, theirs_d = [], [], None, None
        for _ in range(runs):  # interleaved, so drift on the machine hits both
            r = subprocess.run([cli, "search", "--codes", codes, "--queries", queries, "--bits", str(bits),
                                "--k", "10", "--threads", "1", "--json"], capture_output=True, text=True, check=True)
            j = json.loads(r.stdout)
            ours.append(j["seconds"])
            ours_d = [[d for _, d in res] for res in j["results"]]
            r = subprocess.run([sys.executable, faiss_py, codes, queries, str(bits), "10", "1", "1"],
                               capture_output=True, text=True, check=True)
            f = json.loads(r.stdout)
            theirs.append(f["seconds"])
            theirs_d = f["distances"]
        warm = json.loads(subprocess.run([sys.executable, faiss_py, codes, queries, str(bits), "10", "1", "5"],
                                         capture_output=True, text=True, check=True).stdout)["seconds"]
        same = "yes" if ours_d == theirs_d else "NO"
        o, t = statistics.median(ours), statistics.median(theirs)
        rows.append((bits, n, q, o, t, warm, t / o, warm / o, same))
        print(f"{bits} bits, {n:,} codes, {q} queries: CLI {o*1e3:.2f} ms, FAISS {t*1e3:.2f} ms (warm {warm*1e3:.2f}): {t/o:.2f}x", file=sys.stderr)
md = ["# `asmkernels search` against FAISS, one thread", "",
      f"- CPU: {cpu}, {os.cpu_count()} logical cores; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
      f"- Command: `scripts/cli_search_ab.sh {runs}`: the CLI as its tool package ships it (framework-dependent, ReadyToRun,",
      "  linux-x64) and FAISS IndexBinaryFlat (Debian python3-faiss, `managed/Benchmarks/faiss_search.py`) on the same",
      "  files of random codes, k = 10, one thread; each side in fresh processes, interleaved, the median of",
      f"  {runs}: the seconds each reports for its search (the CLI's `--json` seconds, after it read its inputs and loaded",
      "  its library, while which it ran its search code once on made-up codes on another thread; FAISS's first search,",
      "  after it built its index). FAISS warm: its best of 5 searches in one process.",
      "- Target: the CLI at least 5x FAISS for 1 and for 64 queries at every width (the first search of a",
      "  fresh process, as a short-lived command runs it).", "",
      "| bits | codes | queries | CLI | FAISS | FAISS warm | FAISS / CLI | FAISS warm / CLI | same distances |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
for bits, n, q, o, t, warm, ratio, warm_ratio, same in rows:
    md.append(f"| {bits} | {n:,} | {q} | {o*1e3:.2f} ms | {t*1e3:.2f} ms | {warm*1e3:.2f} ms | {ratio:.2f}x | {warm_ratio:.2f}x | {same} |")
md.append("")
for bits, n, q, o, t, warm, ratio, warm_ratio, same in rows:
    md.append(f"- {q} {'query' if q == 1 else 'queries'}, {bits} bits: {ratio:.2f}x FAISS, target 5x: {'met' if ratio >= 5 else 'NOT MET'} in this run.")
suffix = subprocess.run([os.path.join(root, "scripts", "report_suffix.sh")], capture_output=True, text=True, check=True).stdout.strip()
open(os.path.join(root, "docs", f"search-cli{suffix}.md"), "w").write("\n".join(md) + "\n")
print("\n".join(md))
EOF
