#!/usr/bin/env bash
# build.sh - the one entry point on Linux: dependencies, build, test, run.
#
#   ./build.sh          install missing build tools (as root), build native + managed
#   ./build.sh test     build, then every suite of scripts/test-matrix.txt (build.ps1 runs the
#                       same list): CTest (native), the Windows DLL and programs under wine, three
#                       CPU models under qemu-user, xunit under each setting, the package, its
#                       consumers and the two .NET tools (wine, qemu-user, MinGW-w64 and clang
#                       installed when missing, as root); each suite's counts come from its XML
#                       report; ends with "tests: N passed, N failed[, N skipped]"
#   ./build.sh run      build, then `asmkernels-lab demo`
#   ./build.sh bench [--quick | --calls | --short | --crc | --search | --cold [N]]
#                       BenchmarkDotNet suite; writes docs/benchmarks.md and docs/benchmarks.svg
#                       (Intel ISA-L, the CRC-32C peer, is installed when missing, as root;
#                        --crc: CRC-32C against ISA-L and the stream path against cat, then the
#                        kernels against ISA-L in C (scripts/crc32c_ab.sh), docs/crc32c.md;
#                        --search: Hamming search against the naive loop, a Vector512 scan, the read
#                        roofline and FAISS (python3-faiss, installed when missing), docs/search.md;
#                        --quick: three sizes, about a minute, docs/benchmarks-quick.*;
#                        --calls: the cost of one native call, layer by layer, docs/call-cost.md;
#                        --cold: first calls in fresh processes, median of N (5), docs/cold-start.md;
#                        --short: 0..16 elements, per call and in a search loop, docs/short-inputs.md;
#                        on AMD Zen 5 each name gets -zen5, on Intel -intel, without AVX-512 -avx2 (or -sse),
#                        e.g. docs/search-avx2.md: scripts/report_suffix.sh)
#   ./build.sh disasm [--jit tier1|fullopts] [--size N]
#                       writes docs/disasm/<op>.md: each kernel beside the JIT's code, with summaries
#                       and timings (asmkernels-lab disasm --all)
#   ./build.sh fuzz [--minutes N] [--only OP]
#                       the kernels' differential fuzz targets (libFuzzer + AddressSanitizer,
#                       scripts/fuzz.sh), N minutes each (default 10); a failing input lands in
#                       native/tests/fuzz/regressions/ for `test` to replay (clang installed as
#                       root); then (without --only) the managed properties (managed/Tests/Fuzz,
#                       CsCheck) as long each; a failure prints the seed for Fuzz/regressions.txt
#   ./build.sh pack     build/feed/AsmKernels.<version>.nupkg (+ .snupkg): the assembly, XML docs,
#                       libasmkernels.so and libasmkernels.dll (cross-built with MinGW-w64)
#   ./build.sh clean    remove every build output
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="$ROOT/build"
CONFIG=Release
CLI_DLL="$ROOT/managed/Cli/bin/$CONFIG/net10.0/AsmKernels.Cli.dll"              # asmkernels: the tool users install
LAB="$ROOT/managed/Lab/bin/$CONFIG/net10.0/asmkernels-lab"                    # demo, crossover, cold, disasm <op>
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '==> %s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

APT_UPDATED=0
# apt_install PKG... -- installs Debian packages when run as root; returns 1 when it cannot.
apt_install() {
    [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null || return 1
    say "installing $*" >&2
    if ((APT_UPDATED == 0)); then apt-get update -qq || return 1; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

PYTHON=""
# find_python -- the test reports are read as XML by scripts/test_counts.py (python3, installed
# when missing and root).
find_python() {
    PYTHON="$(command -v python3 || true)"
    [[ -n $PYTHON ]] || { apt_install python3-minimal && PYTHON="$(command -v python3)"; } \
        || die "the test reports are read by python3: apt-get install -y python3-minimal"
}

ensure_deps() {
    local missing=()
    command -v nasm >/dev/null || missing+=(nasm)
    command -v cmake >/dev/null || missing+=(cmake)
    command -v ctest >/dev/null || missing+=(cmake)
    command -v make >/dev/null || missing+=(make)
    command -v gcc >/dev/null || missing+=(gcc libc6-dev)
    command -v readelf >/dev/null || missing+=(binutils)
    if ((${#missing[@]})); then
        mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
        apt_install "${missing[@]}" \
            || die "missing build tools: ${missing[*]}. Install them (Debian: sudo apt-get install -y ${missing[*]}) and run again."
    fi
    command -v dotnet >/dev/null && dotnet --list-sdks | grep -q '^10\.' \
        || die "the .NET 10 SDK is required (dotnet with a 10.x SDK on PATH): https://dot.net/download"
}

build() {
    ensure_deps
    say "native: cmake + nasm"
    cmake -S "$ROOT/native" -B "$BUILD/native" -DCMAKE_BUILD_TYPE=$CONFIG >/dev/null
    cmake --build "$BUILD/native" --parallel
    say "managed: dotnet build"
    dotnet build "$ROOT/managed/AsmKernels.slnx" -c $CONFIG -p:AsmkNativeDir="$BUILD/native/" -v quiet -nologo
}

# Counters for the final summary line.
PASSED=0 FAILED=0 SKIPPED=0
SKIP_REASONS=()

# add_counts KIND FILE LABEL -- adds the passed/failed/skipped counts of one XML test report
# (scripts/test_counts.py: trx or junit) and sets LAST_FAILED; a missing or unreadable report is
# one failure.
LAST_FAILED=0
add_counts() {
    local kind="$1" file="$2" label="$3" counts passed failed skipped
    if [[ ! -s $file ]] || ! counts="$("$PYTHON" "$ROOT/scripts/test_counts.py" "$kind" "$file")"; then
        FAILED=$((FAILED + 1)); LAST_FAILED=1; say "$label wrote no readable report: counted as one failure"; return 1
    fi
    read -r passed failed skipped <<<"$counts"
    PASSED=$((PASSED + passed)); FAILED=$((FAILED + failed)); SKIPPED=$((SKIPPED + skipped)); LAST_FAILED=$failed
    say "$label: $passed passed, $failed failed, $skipped skipped"
}

# run_ctest DIR LABEL -- runs a CMake build's tests and adds up their counters (its JUnit report).
run_ctest() {
    local dir="$1" label="$2" report="$BUILD/test-results/ctest-$(basename "$1").xml" rc=0
    say "native tests (CTest): $label"
    mkdir -p "$BUILD/test-results"
    rm -f "$report"
    (cd "$dir" && ctest --output-on-failure --output-junit "$report") || rc=$?
    add_counts junit "$report" "CTest ($label)" || return 0
    # ctest failed, yet no test did (ctest itself went wrong): that counts too.
    ((rc == 0 || LAST_FAILED > 0)) || { FAILED=$((FAILED + 1)); say "ctest exited $rc with no failed test"; }
}

# run_xunit NAME LABEL [dotnet test args...] -- runs the managed tests and adds up the counters
# of their TRX report.
run_xunit() {
    local name="$1" label="$2"; shift 2
    say "managed tests (xunit): $label"
    local results="$BUILD/test-results" rc=0
    rm -f "$results/$name.trx"
    dotnet test "$ROOT/managed/Tests/Tests.csproj" -c $CONFIG --no-build \
        --logger 'console;verbosity=normal' --logger "trx;LogFileName=$name.trx" \
        --results-directory "$results" "$@" 2>&1 \
        | grep -vE '^\s*Passed ' || rc=$?   # failures and skips (with their reasons) stay visible
    add_counts trx "$results/$name.trx" "xunit ($label)" || true
}

# run_matrix -- every suite of scripts/test-matrix.txt, in order (build.ps1 reads the same file).
run_matrix() {
    local kind a b c d
    while IFS='|' read -r -u 3 kind a b c d; do
        kind="$(trim "$kind")"
        [[ -z $kind || $kind == \#* ]] && continue
        case "$kind" in
            ctest) run_ctest "$BUILD/native" "$(trim "$a")" ;;
            linux) "$(trim "$a")" ;;
            xunit)
                local name label env args
                name="$(trim "$a")"; label="$(trim "$b")"; env="$(trim "$c")"; args="$(trim "$d")"
                env="${env//\{build\}/$BUILD}"; env="${env//\{native\}/libasmkernels.so}"
                local -a vars=() extra=()
                [[ $env == - ]] || read -ra vars <<<"$env"
                [[ $args == - ]] || read -ra extra <<<"$args"
                xunit_with "$name" "$label" "${#vars[@]}" "${vars[@]}" "${extra[@]}"
                ;;
            *) die "scripts/test-matrix.txt: unknown suite kind '$kind'" ;;
        esac
    done 3< "$ROOT/scripts/test-matrix.txt"   # fd 3: the suites may read standard input
}

# xunit_with NAME LABEL N VAR=VALUE... ARGS... -- run_xunit with N settings exported for it alone.
xunit_with() {
    local name="$1" label="$2" n="$3" setting; shift 3
    for setting in "${@:1:n}"; do local -x "$setting"; done
    run_xunit "$name" "$label" "${@:n+1}"
}

trim() { local t="$1"; t="${t#"${t%%[![:space:]]*}"}"; printf '%s' "${t%"${t##*[![:space:]]}"}"; }

WINE=""
# windows_tools -- finds (or installs, as root) MinGW-w64 and wine; sets WINE. Prints why not.
windows_tools() {
    local missing=()
    command -v x86_64-w64-mingw32-gcc >/dev/null || missing+=(gcc-mingw-w64-x86-64)
    find_wine || missing+=(wine64)
    if ((${#missing[@]})); then
        if ! apt_install "${missing[@]}"; then
            echo "${missing[*]} not installed and cannot be installed here (needs root and apt-get)"
            return 1
        fi
    fi
    command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "x86_64-w64-mingw32-gcc not found after installing"; return 1; }
    find_wine || { echo "wine64 not found after installing"; return 1; }
}

# cross_build_windows [TARGET] -- configures and builds build/native-win64 with MinGW-w64: every
# target (the DLL and checkasm.exe), or only TARGET.
cross_build_windows() {
    cmake -S "$ROOT/native" -B "$BUILD/native-win64" -DCMAKE_BUILD_TYPE=$CONFIG \
        -DCMAKE_TOOLCHAIN_FILE="$ROOT/native/cmake/mingw-w64-x86_64.cmake" >/dev/null \
        && cmake --build "$BUILD/native-win64" --parallel ${1:+--target "$1"}
}

find_wine() {   # Debian's wine64 package puts the loader in /usr/lib/wine
    WINE="$(command -v wine64 || command -v wine || true)"
    [[ -n $WINE ]] || { [[ -x /usr/lib/wine/wine64 ]] && WINE=/usr/lib/wine/wine64; }
    [[ -n $WINE ]]
}

# The Windows side: the DLL and checkasm.exe cross-built with MinGW-w64 and run under wine, then
# a self-contained win-x64 build of the CLI running `selftest` against that DLL.
test_windows() {
    local why
    if ! why="$(windows_tools)"; then
        say "Windows tests skipped: $why"
        SKIPPED=$((SKIPPED + 1)); SKIP_REASONS+=("Windows tests: $why")
        return
    fi
    find_wine
    export WINEPREFIX="$BUILD/wineprefix" WINEDEBUG=-all
    say "native: MinGW-w64 cross build (libasmkernels.dll, checkasm.exe)"
    cross_build_windows
    WINDOWS_DLL_BUILT=1
    run_ctest "$BUILD/native-win64" "Windows DLL under wine ($WINE)"
    # asmtools' output takes the Windows abicheck harness just built (asmtools abicheck on a DLL).
    dotnet build "$ROOT/managed/AsmTools/AsmTools.csproj" -c $CONFIG -v quiet -nologo >/dev/null

    say "managed: self-contained win-x64 asmkernels and lab, selftest under wine"
    local out="$BUILD/win-x64/cli" lab="$BUILD/win-x64/lab" rc=0
    local project
    for project in Cli Lab; do
        dotnet publish "$ROOT/managed/$project/$project.csproj" -c $CONFIG -r win-x64 --self-contained \
            --artifacts-path "$BUILD/win-x64/artifacts-$project" -o "$BUILD/win-x64/${project,,}" \
            -p:AsmkNativeDir="$BUILD/native-win64/" -v quiet -nologo >/dev/null || rc=$?
    done
    if ((rc == 0)); then
        "$WINE" "$out/AsmKernels.Cli.exe" selftest | tail -4 || rc=$?
    fi
    count "win-x64 selftest under wine" $rc

    # disasm under Windows: the kernel's bytes from the loaded PE image, the JIT's from a child process.
    say "managed: win-x64 disasm under wine"
    local listing
    rc=0
    listing="$("$WINE" "$lab/AsmKernels.Lab.exe" disasm popcount --isa popcnt --jit fullopts)" || rc=$?
    if ((rc == 0)) && ! grep -q 'native PE, sized to its last return' <<<"$listing"; then
        echo "$listing"; rc=1
    fi
    if ((rc == 0)) && [[ $(grep -c '^ *popcnt .* | ' <<<"$listing") -lt 4 ]]; then
        echo "$listing"; rc=1
    fi
    count "win-x64 disasm under wine" $rc
}

# count NAME RC -- adds one passed or failed suite.
count() {
    if (($2 == 0)); then
        PASSED=$((PASSED + 1)); say "$1: passed"
    elif (($2 == 77)) && [ -n "${3:-}" ]; then # a check that cannot run here, with the reason
        SKIPPED=$((SKIPPED + 1)); SKIP_REASONS+=("$1: $3"); say "$1: skipped: $3"
    else
        FAILED=$((FAILED + 1)); say "$1: FAILED (exit $2)"
    fi
}

# Real CPU models under qemu-user, whose CPUID lacks the features: `info` must pick exactly these
# kernels, each shown with its own features and its entry (legacy-SSE kernels through vzeroupper on
# a CPU with AVX), or the managed path with its reason where none can run; `selftest` must pass.
# A spec: the model, then `info`'s rows with runs of spaces as " | ", then "!reason" lines.
# DOTNET_INTERNAL_ThreadSuspendInjection=0: under qemu-user the runtime's suspension of a thread by
# signal injection (for a GC) can kill a multi-threaded process with SIGSEGV; without injection the
# runtime suspends threads at safe points only.
CPU_MODELS=(
    "core2duo;PopCount | scalar | managed | -;HammingDistance | scalar | managed | -;IncrementBy | sse2 | asmk_increment_sse2 (sse2) | direct;Crc32C | scalar | managed | -;HammingScan | scalar | managed | -;HammingSliceScan | scalar | managed | -;SliceCodes | scalar | managed | -;!this CPU has no POPCNT;!this CPU has no SSE4.2"
    "Nehalem;PopCount | sse4.2 | asmk_popcount_popcnt (popcnt) | direct;HammingDistance | sse4.2 | asmk_hamming_popcnt (popcnt) | direct;IncrementBy | sse2 | asmk_increment_sse2 (sse2) | direct;Crc32C | sse4.2 | asmk_crc32c_sse42 (sse4.2) | direct;HammingScan | sse4.2 | asmk_hamscan_popcnt (popcnt) | direct;HammingSliceScan | scalar | managed | -;SliceCodes | scalar | managed | -"
    "Haswell-v4;PopCount | avx2 | asmk_popcount_avx2 (popcnt, avx2, os_ymm) | direct;HammingDistance | avx2 | asmk_hamming_avx2 (popcnt, avx2, os_ymm) | direct;IncrementBy | avx2 | asmk_increment_avx2 (avx2, os_ymm) | direct;Crc32C | sse4.2 | asmk_crc32c_pclmul (sse4.2, pclmulqdq) | vzeroupper first (legacy SSE);HammingScan | avx2 | asmk_hamscan_avx2 (popcnt, avx2, os_ymm) | direct;HammingSliceScan | avx2 | asmk_hamslice_avx2 (popcnt, avx2, os_ymm) | direct;SliceCodes | scalar | managed | -"
)
test_cpu_models() {
    if ! command -v qemu-x86_64 >/dev/null && ! apt_install qemu-user; then
        say "CPU-model tests skipped: qemu-user is not installed and cannot be installed here (needs root and apt-get)"
        SKIPPED=$((SKIPPED + 1)); SKIP_REASONS+=("CPU models under qemu-user: qemu-user not installed (apt-get install -y qemu-user)")
        return
    fi
    local dotnet model spec rc out rows want
    dotnet="$(readlink -f "$(command -v dotnet)")"
    for spec in "${CPU_MODELS[@]}"; do
        IFS=';' read -ra wants <<<"$spec"
        model="${wants[0]}"
        say "CPU model $model (qemu-user): info"
        rc=0
        out="$(DOTNET_INTERNAL_ThreadSuspendInjection=0 ASMKERNELS_MAX_ISA= ASMKERNELS_NATIVE_PATH= \
            qemu-x86_64 -cpu "$model" "$dotnet" "$CLI_DLL" info 2>&1)" || rc=$?
        printf '%s\n' "$out" | sed -n '/^operation/,$p'
        rows="$(sed -E 's/ +$//; s/  +/ | /g' <<<"$out")"
        for want in "${wants[@]:1}"; do
            if [[ $want == !* ]]; then
                grep -qxF "managed fallback because ${want#!}" <<<"$out" || { say "$model: expected the reason '${want#!}'"; rc=1; }
            else
                grep -qxF "$want" <<<"$rows" || { say "$model: expected the row '$want'"; rc=1; }
            fi
        done
        count "CPU model $model: info picks the expected kernels" $rc
        say "CPU model $model (qemu-user): selftest"
        DOTNET_INTERNAL_ThreadSuspendInjection=0 ASMKERNELS_MAX_ISA= ASMKERNELS_NATIVE_PATH= \
            qemu-x86_64 -cpu "$model" "$dotnet" "$CLI_DLL" selftest 2>&1 | grep -v "^qemu-x86_64: warning: TCG" | tail -2
        rc=${PIPESTATUS[0]}
        count "CPU model $model: selftest" $rc
    done
}

test_all() {
    build
    find_python
    run_matrix
    local reason
    for reason in "${SKIP_REASONS[@]}"; do say "skipped: $reason"; done
    local summary="tests: $PASSED passed, $FAILED failed"
    ((SKIPPED == 0)) || summary+=", $SKIPPED skipped"
    echo "$summary"
    ((FAILED == 0))
}

# report_suffix -- what the reports' names end in on this CPU's class (scripts/report_suffix.sh).
report_suffix() { "$ROOT/scripts/report_suffix.sh"; }

# cold_start N -- docs/cold-start.md (named with report_suffix): the lab published as a user's app
# gets the package (AsmKernels.dll ReadyToRun for linux-x64, the app's own code JIT-compiled), and
# as a Native AOT binary (clang, installed when missing, as root; the lab's disassembler is not
# AOT-safe, its cold-run child is);
# fresh processes with the runtime's default tiering: no DOTNET_TC_*/DOTNET_TieredPGO here.
cold_start() {
    local out="$BUILD/cold" aot=()
    say "cold start: the lab published with ReadyToRun and with Native AOT"
    dotnet publish "$ROOT/managed/Lab/Lab.csproj" -c $CONFIG -r linux-x64 --self-contained false \
        -p:PublishReadyToRun=true -p:AsmkNativeDir="$BUILD/native/" -o "$out/r2r" -v quiet -nologo
    if command -v clang >/dev/null || apt_install clang; then
        dotnet publish "$ROOT/managed/Lab/Lab.csproj" -c $CONFIG -r linux-x64 -p:PublishAot=true \
            -p:TreatWarningsAsErrors=false -p:NoWarn='IL2026%3BIL2075%3BIL3050' -p:ValidateExecutableReferencesMatchSelfContained=false \
            -p:AsmkNativeDir="$BUILD/native/" -o "$out/aot" -v quiet -nologo && aot=(--aot "$out/aot/AsmKernels.Lab")
    else
        say "Native AOT column skipped: clang is not installed (apt-get install -y clang)"
    fi
    say "cold start: first calls in fresh processes, docs/cold-start$(report_suffix).md"
    "$out/r2r/AsmKernels.Lab" cold --processes "$1" "${aot[@]}" --out "$ROOT/docs/cold-start$(report_suffix).md"
}

bench() {
    build
    if [[ ${1:-} == --cold ]]; then
        cold_start "${2:-5}"
        return
    fi
    if ! command -v gnuplot >/dev/null; then
        apt_install gnuplot-nox \
            || say "gnuplot not found: the tables are written, the plot is not (apt-get install -y gnuplot-nox)"
    fi
    if ! { /sbin/ldconfig -p 2>/dev/null | grep -q 'libisal\.so\.2'; } || [[ ! -e /usr/include/isa-l/crc.h ]]; then
        apt_install libisal-dev \
            || say "Intel ISA-L not found: its CRC-32C rows are skipped (apt-get install -y libisal-dev)"
    fi
    if [[ ${1:-} == --search ]] && ! /usr/bin/python3 -c 'import faiss' 2>/dev/null; then
        apt_install python3-faiss \
            || say "FAISS not found: its rows are skipped (apt-get install -y python3-faiss)"
    fi
    say "benchmarks $*"
    # In-process runs: promote to tier-1 at once, and without tiered PGO's instrumented tier,
    # which otherwise leaves whichever method runs first measured in instrumented code.
    DOTNET_TC_CallCountingDelayMs=0 DOTNET_TieredPGO=0 \
        dotnet "$ROOT/managed/Benchmarks/bin/$CONFIG/net10.0/AsmKernels.Benchmarks.dll" "$@" \
        --out "$ROOT/docs" --artifacts "$BUILD/bench"
    if [[ ${1:-} == --crc ]]; then
        say "CRC-32C kernels against ISA-L in C, appended to docs/crc32c$(report_suffix).md"
        local ab
        if ab="$("$ROOT/scripts/crc32c_ab.sh" 2>&1)"; then
            printf '## The kernels against ISA-L in C\n\n`scripts/crc32c_ab.sh` (native/bench/crc32c_isal.c): no managed call on either side, each call chained to the last, GB/s best of 7 rounds.\n\n```\n%s\n```\n' "$ab" >> "$ROOT/docs/crc32c$(report_suffix).md"
            printf '%s\n' "$ab"
        else
            printf '%s\n' "$ab" >&2
            die "scripts/crc32c_ab.sh failed"
        fi
    fi
}

# shellcheck source=scripts/package.sh
source "$ROOT/scripts/package.sh"

# The fuzz targets: in `test`, each operation's briefly (its regressions replayed first) and the
# self-test's broken kernel, which must be found; `fuzz` runs them long.
test_fuzz() {
    local op rc
    for op in $(awk '$1 == "op" { print $2 }' "$ROOT/native/kernels.txt"); do
        rc=0
        "$ROOT/scripts/fuzz.sh" --seconds 20 --only "$op" || rc=$?
        count "fuzz $op: replayed regressions, 20 s from the corpus" $rc "no kernel of $op runs on this CPU"
    done
    rc=0
    "$ROOT/scripts/fuzz.sh" --selftest --seconds 180 || rc=$?
    count "fuzz selftest: the broken kernel checkasm's sweep passes is found" $rc
}

fuzz() {
    build
    local minutes=10 only=()
    while (($#)); do
        case "$1" in
            --minutes) minutes="${2:?--minutes N}"; shift 2 ;;
            --only) only=(--only "${2:?--only OP}"); shift 2 ;;
            *) die "fuzz: unknown argument '$1' (--minutes N, --only OP)" ;;
        esac
    done
    "$ROOT/scripts/fuzz.sh" --minutes "$minutes" "${only[@]}"
    ((${#only[@]})) && return
    say "fuzz: the managed properties (managed/Tests/Fuzz, CsCheck), $minutes minutes each"
    ASMKERNELS_FUZZ_SECONDS=$((minutes * 60)) dotnet test "$ROOT/managed/Tests/Tests.csproj" -c "$CONFIG" --no-build \
        --filter "FullyQualifiedName~AsmKernels.Tests.Fuzz" --logger "console;verbosity=normal"
}

disasm() {
    build
    say "disasm: every kernel beside the JIT's code, docs/disasm/"
    "$LAB" disasm --all --out "$ROOT/docs/disasm" "$@"
}

clean() {
    rm -rf "$BUILD" "$ROOT"/managed/*/bin "$ROOT"/managed/*/obj
    say "clean"
}

case "${1:-build}" in
    build) build ;;
    test) test_all ;;
    run) build; "$LAB" demo ;;
    bench) shift; bench "$@" ;;
    disasm) shift; disasm "$@" ;;
    fuzz) shift; fuzz "$@" ;;
    pack) build; pack ;;
    clean) clean ;;
    -h|--help|help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" ;;
    *) die "unknown verb '$1' (build, test, run, bench, disasm, fuzz, pack, clean)" ;;
esac
