#!/usr/bin/env bash
# Estimates how fast a model runs on a Raspberry Pi 4 (Cortex-A72), a Pi 5 (Cortex-A76) or an
# AVX2 board (Haswell-class core), without one: `kiln bench` runs under qemu with a plugin that
# counts every translated block's executions (Tools/arm64/profiler/tbcount.c), once with N runs and
# once with N + K, so that start-up cancels out; llvm-mca gives each hot block's cycles on that
# core (Tools/arm64/profiler/estimate.py). See Tools/arm64/profiler/README.md for what it cannot
# see and how it was checked.
#
#   Tools/arm64/profile.sh MODEL --cpu cortex-a72|cortex-a76|haswell [--threads 1]
#                          [--runs N] [--more K] [--clock GHZ] [--kiln PATH] [--json]
#
# aarch64: the build of Tools/arm64/build.sh (or --kiln PATH, an aarch64 kiln, with its libraries
# under KILN_SYSROOT). haswell: this repository's x86 release build, made when missing.
# Defaults: N = 2, K = 4, the clock 1.8 GHz (Pi 4), 2.4 GHz (Pi 5), 3.0 GHz (haswell).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=${KILN_TRIXIE:-/var/cache/kiln/trixie}
model= cpu= runs=2 more=4 clock= kiln= json=0
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --cpu) cpu=${2:?--cpu needs cortex-a72, cortex-a76 or haswell}; shift ;;
    --threads) [ "${2:-}" = 1 ] || { echo "--threads: the estimate is for one core, so only --threads 1 is supported" >&2; exit 2; }; shift ;;
    --runs) runs=${2:?--runs needs a number}; shift ;;
    --more) more=${2:?--more needs a number}; shift ;;
    --clock) clock=${2:?--clock needs GHz}; shift ;;
    --kiln) kiln=${2:?--kiln needs a path}; shift ;;
    --json) json=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option '$1'; see --help" >&2; exit 2 ;;
    *) [ -z "$model" ] || { echo "one model at a time ('$model' and '$1' given)" >&2; exit 2; }; model=$1 ;;
  esac
  shift
done
[ -n "$model" ] || { echo "give a model: Tools/arm64/profile.sh MODEL --cpu cortex-a72" >&2; exit 2; }
[ -f "$model" ] || { echo "no model file '$model'" >&2; exit 2; }
case $cpu in
  cortex-a72|cortex-a76|haswell) ;;
  "") echo "give --cpu cortex-a72 (Pi 4), cortex-a76 (Pi 5) or haswell (AVX2 boards)" >&2; exit 2 ;;
  *) echo "--cpu '$cpu' is not modelled: use cortex-a72 (Pi 4), cortex-a76 (Pi 5) or haswell (AVX2 boards)" >&2; exit 2 ;;
esac
[[ $runs =~ ^[1-9][0-9]*$ && $more =~ ^[1-9][0-9]*$ ]] || { echo "--runs and --more take positive whole numbers" >&2; exit 2; }
source "$repo/Tools/arm64/profiler/lib.sh"
profiler_setup

if [ "$cpu" = haswell ]; then
  if [ -z "$kiln" ]; then
    kiln=$repo/.build/release/kiln
    [ -x "$kiln" ] || (cd "$repo" && swift build -c release --product kiln >&2)
  fi
else
  kiln=${kiln:-$root/root/kiln-arm64/.build/aarch64-unknown-linux-gnu/release/kiln}
  export PROFILE_SYSROOT=${KILN_SYSROOT:-$root/opt/aarch64-sysroot}
  [ -x "$kiln" ] || { echo "no aarch64 kiln at $kiln: run Tools/arm64/build.sh --no-tests (as root) or pass --kiln PATH" >&2; exit 2; }
  [ -d "$PROFILE_SYSROOT" ] || { echo "no aarch64 sysroot at $PROFILE_SYSROOT: run Tools/arm64/build.sh or set KILN_SYSROOT" >&2; exit 2; }
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in "$runs" $((runs + more)); do
  if ! profiler_run "$cpu" "$work/$n.tb" "$kiln" bench "$model" --runs "$n" --warmup 0 --threads 1 --json \
      > "$work/$n.json" 2> "$work/$n.err"; then
    echo "kiln bench could not run $(basename "$model") as $cpu: $(tail -3 "$work/$n.err")" >&2
    exit 1
  fi
done
macs=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["macs_per_image"])' "$work/$((runs + more)).json")
args=(--mcpu "$cpu" --k "$more" --clock-ghz "${clock:-$(profiler_clock "$cpu")}" --macs "$macs")
[ "$json" = 0 ] || args+=(--json)
[ "$json" = 1 ] || echo "model                     $(basename "$model")"
python3 "$repo/Tools/arm64/profiler/estimate.py" "${args[@]}" "$work/$runs.tb" "$work/$((runs + more)).tb"
