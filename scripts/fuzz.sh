#!/usr/bin/env bash
# fuzz.sh [--seconds N | --minutes N] [--only OP] [--selftest] -- the kernels' differential fuzz
# targets (native/tests/fuzz/fuzz_kernels.c), one per operation of native/kernels.txt, built with
# clang's libFuzzer and AddressSanitizer against the library ./build.sh built.
#
# For each target: first every committed regression input (native/tests/fuzz/regressions/OP/)
# is replayed, then libFuzzer runs for N seconds (default 20) from the committed corpus
# (native/tests/fuzz/corpus/OP/) and a working corpus under build/fuzz/, with a seed printed (and
# taken from FUZZ_SEED when set). A failing input is copied into regressions/OP/ -- commit it, so
# that every later run replays it -- and the run fails. Prints the executions per target.
#
# --selftest: the popcount target on the self-test's broken_popcount_long (wrong only at some
# lengths above 300 and one offset, which checkasm's sweep passes) must find its defect within
# the time given (default 60 s).
#
# Exit 0: all clean (or, with --selftest, the defect found); 1: a violation or a failed build;
# 2: bad usage; 77: --only OP named an operation none of whose kernels this CPU runs (skipped). Needs clang and libclang-rt-14-dev (installed as root when missing), nasm.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=20 only="" selftest=0
while (($#)); do
    case "$1" in
        --seconds) seconds="${2:?--seconds N}"; shift 2 ;;
        --minutes) seconds=$((${2:?--minutes N} * 60)); shift 2 ;;
        --only) only="${2:?--only OP}"; shift 2 ;;
        --selftest) selftest=1; shift ;;
        *) echo "usage: scripts/fuzz.sh [--seconds N | --minutes N] [--only OP] [--selftest]" >&2; exit 2 ;;
    esac
done
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: --seconds/--minutes takes a positive whole number" >&2; exit 2; }
lib="$ROOT/build/native/libasmkernels.so" gen="$ROOT/build/native/generated"
[[ -f $lib && -f $gen/checkasm_kernels.h ]] || { echo "fuzz: run ./build.sh first (no $lib)" >&2; exit 1; }
if ! command -v clang >/dev/null || ! compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
    [[ $(id -u) -eq 0 ]] || { echo "fuzz: needs clang with libFuzzer: apt-get install -y clang libclang-rt-14-dev" >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
fi

out="$ROOT/build/fuzz" tests="$ROOT/native/tests" fuzz="$ROOT/native/tests/fuzz"
mkdir -p "$out"
ops=$(awk '$1 == "op" { print $2 }' "$ROOT/native/kernels.txt")
((selftest)) && only=popcount
if [[ -n $only ]]; then
    grep -qxF "$only" <<<"$ops" || { echo "fuzz: no operation '$only' in native/kernels.txt (its operations: $(echo $ops))" >&2; exit 2; }
    ops="$only"
fi

nasm_flags=(-Werror -f elf64 -I"$ROOT/native/asm/" -I"$gen/")
nasm "${nasm_flags[@]}" -o "$out/call.o" "$tests/checkasm/call.asm"
nasm "${nasm_flags[@]}" -o "$out/broken.o" "$tests/checkasm/broken.asm"
for op in $ops; do
    clang -g -O2 -fsanitize=fuzzer,address -Wall -Wextra -Werror -DFUZZ_OP="$op" \
        -I"$ROOT/native/include" -I"$gen" -I"$tests/checkasm" -o "$out/fuzz_$op" "$fuzz/fuzz_kernels.c" \
        "$tests"/checkasm/{core,platform,cpu,popcount,increment,crc32c,hamscan,slice}.c "$out/call.o" "$out/broken.o" \
        "$lib" -Wl,-rpath,"$(dirname "$lib")" -Wl,-z,noexecstack
done

seed="${FUZZ_SEED:-$(( (RANDOM << 15 | RANDOM) + 1 ))}"
flags=(-seed="$seed" -timeout=10 -rss_limit_mb=4096 -handle_segv=0 -handle_bus=0 -print_final_stats=1)
echo "fuzz: seed $seed (FUZZ_SEED=$seed repeats it), $seconds s per target, CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"

# executions LOG: libFuzzer's count of inputs run.
executions() { sed -n 's/^stat::number_of_executed_units: *//p' "$1" | tail -1; }

if ((selftest)); then
    log="$out/selftest.log" rc=0
    ASMK_FUZZ_ROUTINE=broken_popcount_long "$out/fuzz_popcount" "${flags[@]}" -max_total_time="$seconds" \
        -artifact_prefix="$out/selftest-" >"$log" 2>&1 || rc=$?
    if ((rc != 0)) && grep -q 'violations at length' "$log"; then
        echo "fuzz selftest: broken_popcount_long's defect found after $(executions "$log") executions: $(grep -m1 'violations at length' "$log")"
        exit 0
    fi
    echo "fuzz selftest: broken_popcount_long's defect NOT found in $seconds s ($(executions "$log") executions); log: $log" >&2
    exit 1
fi

failed=0 skipped=0
for op in $ops; do
    target="$out/fuzz_$op" log="$out/$op.log" rc=0
    shopt -s nullglob
    regressions=("$fuzz/regressions/$op"/*)
    shopt -u nullglob
    if ((${#regressions[@]})); then
        rc=0
        "$target" "${flags[@]}" "${regressions[@]}" >"$out/$op-replay.log" 2>&1 || rc=$?
        if ((rc == 77)) && grep -q 'no routine to run' "$out/$op-replay.log"; then
            echo "fuzz $op: skipped: no kernel of $op runs on this CPU ($(grep -m1 'skipped' "$out/$op-replay.log"))"
            skipped=1
            continue
        elif ((rc != 0)); then
            echo "fuzz $op: a committed regression input fails again (log: $out/$op-replay.log)" >&2
            failed=1
            continue
        fi
    fi
    mkdir -p "$out/corpus/$op" "$fuzz/corpus/$op"
    start=$SECONDS
    "$target" "${flags[@]}" -max_total_time="$seconds" -artifact_prefix="$out/$op-" \
        "$out/corpus/$op" "$fuzz/corpus/$op" >"$log" 2>&1 || rc=$?
    if ((rc == 77)) && grep -q 'no routine to run' "$log"; then
        echo "fuzz $op: skipped: no kernel of $op runs on this CPU ($(grep -m1 'skipped' "$log"))"
        skipped=1
        continue
    fi
    if ((rc != 0)); then
        mkdir -p "$fuzz/regressions/$op"
        for crash in "$out/$op-"crash-* "$out/$op-"timeout-* "$out/$op-"oom-*; do
            [[ -e $crash ]] && mv "$crash" "$fuzz/regressions/$op/"
        done
        echo "fuzz $op: FAILED (exit $rc) after $(executions "$log") executions; the input is in native/tests/fuzz/regressions/$op/ (commit it); log: $log" >&2
        grep -m5 -E 'violations at length|FAIL|ERROR' "$log" >&2 || true
        failed=1
        continue
    fi
    echo "fuzz $op: $(executions "$log") executions in $((SECONDS - start)) s, $(ls "$out/corpus/$op" | wc -l) inputs in the working corpus, ${#regressions[@]} regression inputs replayed: no violation"
done
# 77: nothing failed, but some operation had no kernel this CPU runs (only one operation asked for).
((failed == 0 && skipped == 1)) && [ "$(wc -w <<<"$ops")" = 1 ] && exit 77
exit $failed
