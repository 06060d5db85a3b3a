#!/usr/bin/env bash
# The C API's cost: p50 per image of kiln_session_run (capi_bench.c, through libKilnC) and of
# `kiln bench` (the same Plan, called directly), interleaved ROUNDS times on MODEL, release builds.
#
#   Benchmarks/capi/run.sh [MODEL] [--threads T] [--batch B] [--rounds R] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/../.."
model=Formats/models/fashion-dcgan-int8.kiln threads=1 batch=1 rounds=5 runs=2000
while [ $# -gt 0 ]; do
  case $1 in
    --threads) threads=$2; shift ;;
    --batch) batch=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --runs) runs=$2; shift ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option '$1'; see --help" >&2; exit 2 ;;
    *) model=$1 ;;
  esac
  shift
done
swift build -c release --product kiln 2>&1 | tail -1
swift build -c release --product KilnC 2>&1 | tail -1
cc -O2 -I Sources/CKilnAPI/include Benchmarks/capi/capi_bench.c -L .build/release -lKilnC \
  -Wl,-rpath,"$PWD/.build/release" -o .build/release/capi_bench
echo "model $model, $threads thread(s), batch $batch, $runs runs per round; p50 ms per image"
printf "%-6s %-12s %-12s %s\n" round "kiln bench" "C API" "C API / kiln bench"
for r in $(seq "$rounds"); do
  direct=$(.build/release/kiln bench "$model" --threads "$threads" --batch "$batch" --runs "$runs" --warmup 50 --json |
    python3 -c "import json, sys; print(json.load(sys.stdin)['p50_ms'])")
  capi=$(.build/release/capi_bench "$model" "$threads" "$batch" 50 "$runs" | awk '{print $2}')
  printf "%-6s %-12s %-12s %s\n" "$r" "$direct" "$capi" "$(python3 -c "print(f'{$capi / $direct:.3f}')")"
done
