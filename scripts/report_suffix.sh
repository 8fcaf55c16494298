#!/usr/bin/env bash
# report_suffix.sh -- prints what a report's name ends in on this CPU's class (-intel, -zen5, -avx2,
# -sse, or nothing on AMD Zen 4), so that the reports of each class stand side by side in docs/.
# The rule is the lab's (managed/Lab/ReportSuffix.cs, which the benchmark program applies too);
# this asks the lab built by ./build.sh. build.sh (first calls, the CRC C table), c_peers_ab.sh and
# cli_search_ab.sh use it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lab="$ROOT/managed/Lab/bin/${CONFIG:-Release}/net10.0/asmkernels-lab"
if [ ! -x "$lab" ]; then
    echo "report_suffix.sh: $lab is not built; run ./build.sh build first" >&2
    exit 1
fi
"$lab" report-suffix
