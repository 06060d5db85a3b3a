#!/usr/bin/env bash
# Builds Kiln's fuzz targets (Tests/Fuzz: libFuzzer + AddressSanitizer) and runs one.
#
#   Tools/fuzz.sh TARGET SECONDS [RUNS]    # TARGET: kiln-model, npy, onnx, png, idx, or all
#
# A run starts from the committed seed corpus (Tests/Fuzz/Corpus/TARGET, read only) with the
# target's dictionary; what it finds new goes to a scratch corpus (.build-fuzz/corpus/TARGET), a
# crash to .build-fuzz/crashes/. It stops after SECONDS seconds or RUNS executions, whichever
# comes first, fails on a crash, a leak, a unit slower than 10 s or an allocation over 1 GiB, and
# prints libFuzzer's totals. Every crash found should become a test in the ordinary suite.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
target=${1:?usage: Tools/fuzz.sh kiln-model|npy|onnx|png|idx|all SECONDS [RUNS]}
seconds=${2:?usage: Tools/fuzz.sh TARGET SECONDS [RUNS]}
runs=${3:--1}
fuzz="$repo/Tests/Fuzz"
work="$repo/.build-fuzz"
if [ "$target" = all ]; then
  for t in kiln-model npy onnx png idx; do "$0" "$t" "$seconds" "$runs"; done
  exit 0
fi
[ -d "$fuzz/Corpus/$target" ] || { echo "no fuzz target '$target'; choose kiln-model, npy, onnx, png, idx or all" >&2; exit 2; }
echo "== build fuzz-$target (swift build --sanitize fuzzer --sanitize address)"
(cd "$fuzz" && swift build --sanitize fuzzer --sanitize address --product "fuzz-$target" 2>&1 \
  | grep -vE "ld.gold: warning: Cannot export local symbol|^\s*$" | tail -2)
mkdir -p "$work/corpus/$target" "$work/crashes"
echo "== fuzz-$target for ${seconds}s (runs: $runs)"
# Swift's own crash handler would run inside AddressSanitizer (and be reported by it): off.
log="$work/fuzz-$target.log"
set +e
SWIFT_BACKTRACE=enable=no "$fuzz/.build/debug/fuzz-$target" -max_total_time="$seconds" -runs="$runs" \
  -timeout=10 -rss_limit_mb=4096 -malloc_limit_mb=1024 -print_final_stats=1 \
  -dict="$fuzz/Dictionaries/$target.dict" -artifact_prefix="$work/crashes/$target-" \
  "$work/corpus/$target" "$fuzz/Corpus/$target" >"$log" 2>&1
status=$?
set -e
grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY|Test unit written|Done [0-9]+ runs|==[0-9]+==|Fatal error|failed:" "$log" || true
[ "$status" -eq 0 ] || echo "fuzz-$target failed (exit $status); the whole log: $log" >&2
exit "$status"
