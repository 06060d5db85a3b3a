#!/usr/bin/env bash
# Estimates how fast a model runs on a Raspberry Pi 4 (Cortex-A72), a Pi 5 (Cortex-A76) or an
# AVX2 board (Haswell-class core), without one: `kiln bench` runs under qemu with a plugin that
# counts every translated block's executions (Tools/arm64/profiler/tbcount.c), once with N runs and
# once with N + K, so that start-up cancels out; llvm-mca gives each hot block's cycles on that
# core (Tools/arm64/profiler/estimate.py). See Tools/arm64/profiler/README.md for what it cannot
# see and how it was checked. With --litert, the same for a .tflite file in LiteRT (XNNPACK).
#
#   Tools/arm64/profile.sh MODEL --cpu cortex-a72|cortex-a76|haswell [--threads 1]
#                          [--runs N] [--more K] [--clock GHZ] [--kiln PATH] [--top N] [--json]
#   Tools/arm64/profile.sh --litert MODEL.tflite --cpu ... [--macs M]
#
# aarch64: the build of Tools/arm64/build.sh (or --kiln PATH, an aarch64 kiln, with its libraries
# under KILN_SYSROOT); LiteRT: the Python root of Tools/arm64/litert_root.sh. haswell: this
# repository's x86 release build, made when missing; LiteRT: this machine's python3 with
# ai-edge-litert. Defaults: N = 2, K = 4, the clock 1.8 GHz (Pi 4), 2.4 GHz (Pi 5), 3.0 GHz (haswell).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=${KILN_TRIXIE:-/var/cache/kiln/trixie}
model= cpu= runs=2 more=4 clock= kiln= json=0 litert=0 macs= top=10
usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --cpu) cpu=${2:?--cpu needs cortex-a72, cortex-a76 or haswell}; shift ;;
    --threads) [ "${2:-}" = 1 ] || { echo "--threads: the estimate is for one core, so only --threads 1 is supported" >&2; exit 2; }; shift ;;
    --runs) runs=${2:?--runs needs a number}; shift ;;
    --more) more=${2:?--more needs a number}; shift ;;
    --clock) clock=${2:?--clock needs GHz}; shift ;;
    --kiln) kiln=${2:?--kiln needs a path}; shift ;;
    --top) top=${2:?--top needs a number}; shift ;;
    --json) json=1 ;;
    --litert) litert=1 ;;
    --macs) macs=${2:?--macs needs a number}; shift ;;
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
[[ $runs =~ ^[1-9][0-9]*$ && $more =~ ^[1-9][0-9]*$ && $top =~ ^[1-9][0-9]*$ ]] || { echo "--runs, --more and --top take positive whole numbers" >&2; exit 2; }
source "$repo/Tools/arm64/profiler/lib.sh"
profiler_setup

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
litert_root=${KILN_LITERT_ROOT:-/var/cache/kiln/litert-arm64}
if [ "$litert" = 1 ]; then
  invoke=$repo/Benchmarks/anchors/litert_invoke.py
  if [ "$cpu" = haswell ]; then
    python3 -c "import ai_edge_litert" 2>/dev/null || { echo "--litert --cpu haswell needs ai-edge-litert for python3 (pip install ai-edge-litert)" >&2; exit 2; }
    program=("$(python3 -c "import sys; print(sys.executable)")" "$invoke" "$model")
  else
    [ -x "$litert_root/rootfs/usr/bin/python3" ] || { echo "no aarch64 LiteRT root at $litert_root: run Tools/arm64/litert_root.sh (as root)" >&2; exit 2; }
    export PROFILE_SYSROOT=$litert_root/$cpu  # its /proc/cpuinfo is a Pi's
    program=("$litert_root/rootfs/usr/bin/python3" "$invoke" "$model")
  fi
  # numpy's OpenBLAS would start a spinning thread per core.
  # PYTHONHASHSEED: the same dictionaries, so the same instructions, every run.
  export OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0 PYTHONPATH=/opt/litert KILN_PROFILE_MAPS=$work/maps
else
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
  program=("$kiln" bench "$model" --warmup 0 --threads 1 --json --runs)
fi
for n in "$runs" $((runs + more)); do
  args=("${program[@]}" "$n")
  if ! profiler_run "$cpu" "$work/$n.tb" "${args[@]}" > "$work/$n.out" 2> "$work/$n.err"; then
    echo "could not run $(basename "$model") as $cpu: $(grep -v '^INFO' "$work/$n.err" | tail -3)" >&2
    exit 1
  fi
done
[ "$litert" = 1 ] || macs=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["macs_per_image"])' "$work/$((runs + more)).out")
args=(--mcpu "$cpu" --k "$more" --top "$top" --clock-ghz "${clock:-$(profiler_clock "$cpu")}")
[ -z "$macs" ] || args+=(--macs "$macs")
[ ! -f "$work/maps" ] || args+=(--maps "$work/maps")
[ "$json" = 0 ] || args+=(--json)
[ "$json" = 1 ] || echo "model                     $(basename "$model")"
python3 "$repo/Tools/arm64/profiler/estimate.py" "${args[@]}" "$work/$runs.tb" "$work/$((runs + more)).tb"
