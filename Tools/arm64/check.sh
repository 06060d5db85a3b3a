#!/usr/bin/env bash
# Runs the aarch64 build of Kiln (Tools/arm64/build.sh) under qemu as a Raspberry Pi 4
# (-cpu cortex-a72: NEON, no dot product) and a Pi 5 (-cpu cortex-a76: NEON dot product), and
# checks it against x86:
# - every shipped int8 model: `kiln generate` PNGs and `kiln run` raw outputs at 1, 2 and 3 threads,
#   batch 1 and 16, byte for byte against Formats/conformance/models-v1.txt;
# - every shipped f32 and fp16 model: `kiln run` within 1e-5 of the output range of the x86 output
#   (the tolerance of the x86 tests against ONNX Runtime);
# - `kiln inspect` (the int8 path each CPU gets), `kiln verify` and `kiln interpolate` against x86;
# - the hostile files of Tools/hostile_inputs.py: each ends with status 1 and a message;
# - the XCTest suites listed in SUBSET below, in the build's chroot (Tools/arm64/build.sh --tests).
#
#   Tools/arm64/check.sh [--no-tests] [--host-kiln PATH]   # PATH: an x86 kiln (default: the repo's)
#
# Needs root for the chroot of the tests. Installs qemu-user-static when missing.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=${KILN_TRIXIE:-/var/cache/kiln/trixie}
sysroot=/opt/aarch64-sysroot
checkout=/root/kiln-arm64
tests=1 host_kiln=
while [ $# -gt 0 ]; do
  case $1 in
    --no-tests) tests=0 ;;
    --host-kiln) host_kiln=${2:?--host-kiln needs a path}; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option '$1'; use --no-tests, --host-kiln PATH or --help" >&2; exit 2 ;;
  esac
  shift
done
# The XCTest suites of what differs on ARM (kernels, format, runtime, int8 determinism), about
# 4 minutes per CPU. Left to the native `swift test`: the CLI, training, ONNX, latent and image
# suites (the same Swift code as on x86) and CPUFeaturesTests (qemu-user shows the guest the
# host's /proc/cpuinfo).
SUBSET="KilnFormatTests.BadFileTests KilnFormatTests.CRC32Tests KilnFormatTests.RoundTripTests
  KilnKernelsTests.Col2imTests KilnKernelsTests.EpilogueTests KilnKernelsTests.F16ConversionTests
  KilnKernelsTests.GemmTests KilnKernelsTests.Im2colTests KilnKernelsTests.QS8ChannelsTests
  KilnKernelsTests.QS8ConformanceTests KilnKernelsTests.QS8TileExtremesTests KilnKernelsTests.QS8ScatterTests KilnKernelsTests.TanhTests
  KilnQuantizeTests.Int8DeterminismTests KilnRuntimeTests.FixtureTests KilnRuntimeTests.PlanErrorTests
  KilnRuntimeTests.ArenaPlannerTests KilnRuntimeTests.ThreadTests KilnRuntimeTests.TransposedConvSplitTests
  KilnRuntimeTests.EpilogueFusionTests KilnRuntimeTests.LatentSamplerTests KilnRuntimeTests.RepeatedRunTests
  KilnRuntimeTests.LayoutOpTests KilnRuntimeTests.BilinearTests KilnRuntimeTests.BroadcastTests
  KilnRuntimeTests.MathOpTests KilnRuntimeTests.Int8OpTests KilnKernelsTests.ConvS1Tests
  KilnRuntimeTests.InstanceNormTests"

arm_kiln="$root$checkout/.build/aarch64-unknown-linux-gnu/release/kiln"
[ -x "$arm_kiln" ] || { echo "no aarch64 build at $arm_kiln; run Tools/arm64/build.sh first" >&2; exit 2; }
if [ "$tests" = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "run as root (the tests run in the build's chroot), or pass --no-tests" >&2; exit 2; }
  source "$repo/Tools/swift60/chroot.sh"
  trixie_mount "$root"  # Foundation needs /proc: without it the test bundle stops at once
fi
if ! command -v qemu-aarch64-static >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null
fi
if [ "$tests" = 1 ]; then
  cmp -s "$(command -v qemu-aarch64-static)" "$root/usr/local/bin/qemu-aarch64-static" \
    || cp "$(command -v qemu-aarch64-static)" "$root/usr/local/bin/"
fi
python3 -c "import numpy" 2>/dev/null || { echo "check.sh needs numpy for python3 (pip install numpy)" >&2; exit 2; }
if [ -z "$host_kiln" ]; then
  for c in "$repo/.build/release/kiln" "$repo/.build/debug/kiln"; do [ -x "$c" ] && { host_kiln=$c; break; }; done
  [ -n "$host_kiln" ] || { (cd "$repo" && swift build --product kiln >/dev/null); host_kiln="$repo/.build/debug/kiln"; }
fi

models="$repo/Formats/models"
digests="$repo/Formats/conformance/models-v1.txt"
work=$(mktemp -d)
trap 'rm -rf "$work"; [ "$tests" = 0 ] || trixie_unmount' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
digest() { grep "^$1 " "$digests" | cut -d' ' -f2; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# SHA-256 of the data of .npy files, concatenated (float32, little-endian).
npy_sha() { python3 -c 'import sys, hashlib, numpy as np
print(hashlib.sha256(b"".join(np.load(f).astype("<f4").tobytes() for f in sys.argv[1:])).hexdigest())' "$@"; }
# Largest difference between two .npy outputs, relative to the output range [-1, 1].
npy_diff() { python3 -c 'import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
print("shape" if a.shape != b.shape else "%.2g" % (np.max(np.abs(a.astype(np.float64) - b)) / 2))' "$1" "$2"; }

# Inputs: latents of seeds 0..N-1 (numbered as `kiln generate` numbers them) and class labels
# cycling 0..9; for batch 1, one file per sample.
"$host_kiln" sample --seed 0 --count 16 -o "$work/z16.npy" >/dev/null
python3 -c 'import sys, numpy as np
d = sys.argv[1]; z = np.load(d + "/z16.npy"); labels = (np.arange(16) % 10).astype(np.int32)
np.save(d + "/l16.npy", labels); np.save(d + "/z10.npy", z[:10]); np.save(d + "/l10.npy", labels[:10])
for i in range(16):
    np.save(f"{d}/z-{i}.npy", z[i:i + 1]); np.save(f"{d}/l-{i}.npy", labels[i:i + 1])' "$work"
# `kiln run` arguments for model $1 on the latents $2.npy (and labels: l in place of z).
inputs() {
  local l=${2/\/z/\/l}
  if [[ $1 == fashion-cond* ]]; then echo "-i z=$2.npy -i label=$l.npy"; else echo "-i $2.npy"; fi
}

for cpu in cortex-a72 cortex-a76; do
  start=$(date +%s)
  arm() { qemu-aarch64-static -L "$root$sysroot" -cpu "$cpu" "$arm_kiln" "$@"; }
  want_path=$([ "$cpu" = cortex-a72 ] && echo neon || echo neondot)
  path=$(arm inspect | sed -n 's/.*int8 path \([a-z0-9]*\) .*/\1/p')
  echo "== -cpu $cpu: int8 path $path"
  [ "$path" = "$want_path" ] || fail "$cpu: int8 path '$path', expected '$want_path'"

  # int8: the committed digests. Raw outputs cover seeds 0-15 (dcgan) and 0-9 (cond), PNGs 16 and 20.
  for model in fashion-dcgan-int8:16:16 fashion-cond-int8:10:20; do
    IFS=: read -r name raw_n png_n <<<"$model"
    png_want=$(digest "$name/generate-count-$png_n.png") raw_want=$(digest "$name/seeds-0-$((raw_n - 1))")
    [ -n "$png_want" ] && [ -n "$raw_want" ] || { fail "$name: no digest in $digests"; continue; }
    for threads in 1 2 3; do
      for batch in 1 16; do
        arm generate "$models/$name.kiln" --count "$png_n" --batch "$batch" --threads "$threads" -o "$work/g.png" >/dev/null \
          || fail "$name: kiln generate failed ($cpu, $threads threads, batch $batch)"
        [ "$(sha "$work/g.png")" = "$png_want" ] || fail "$name: generate PNG differs ($cpu, $threads threads, batch $batch)"
        rm -f "$work"/y*.npy
        if [ "$batch" = 16 ]; then
          arm run "$models/$name.kiln" $(inputs "$name" "$work/z$raw_n") -o "$work/y.npy" --threads "$threads" \
            || fail "$name: kiln run failed ($cpu, $threads threads, batch $raw_n)"
          outs=("$work/y.npy")
        else
          outs=()
          for ((i = 0; i < raw_n; i++)); do
            arm run "$models/$name.kiln" $(inputs "$name" "$work/z-$i") -o "$work/y-$i.npy" --threads "$threads" \
              || fail "$name: kiln run failed ($cpu, $threads threads, sample $i)"
            outs+=("$work/y-$i.npy")
          done
        fi
        [ "$(npy_sha "${outs[@]}" 2>/dev/null)" = "$raw_want" ] || fail "$name: kiln run output differs ($cpu, $threads threads, batch $batch)"
      done
    done
    echo "$name: generate and run at 1, 2 and 3 threads, batch 1 and 16: the committed bytes"
  done

  # The sketch-to-item int8 model on the committed hand-drawn sketches: the committed bytes.
  want=$(digest fashion-pix2pix-int8/sketches)
  for threads in 1 2 3; do
    arm translate "$models/fashion-pix2pix-int8.kiln" --input "$models/sketches" --out "$work/t.npy" --threads "$threads" >/dev/null \
      || fail "fashion-pix2pix-int8: kiln translate failed ($cpu, $threads threads)"
    [ "$(npy_sha "$work/t.npy" 2>/dev/null)" = "$want" ] || fail "fashion-pix2pix-int8: translations differ ($cpu, $threads threads)"
  done
  echo "fashion-pix2pix-int8: translate at 1, 2 and 3 threads: the committed bytes"

  # f32 and fp16 (fp16 weights are widened to f32 at load): within the tolerance of the x86 tests.
  "$host_kiln" run "$models/fashion-dcgan-int8.kiln" -i "$work/z16.npy" -o "$work/images.npy"
  for name in fashion-dcgan fashion-dcgan-fp16 fashion-cond fashion-cond-fp16 fashion-classifier; do
    args=$([ "$name" = fashion-classifier ] && echo "-i $work/images.npy" || inputs "$name" "$work/z16")
    outputs=$("$host_kiln" inspect "$models/$name.kiln" | sed -n '/^outputs/,/^$/p' | awk 'NR > 1 && NF {print $1}')
    "$host_kiln" run "$models/$name.kiln" $args $(for o in $outputs; do echo "-o $o=$work/x86-$o.npy"; done)
    arm run "$models/$name.kiln" $args $(for o in $outputs; do echo "-o $o=$work/arm-$o.npy"; done) --threads 2 \
      || { fail "$name: kiln run failed ($cpu)"; continue; }
    for o in $outputs; do
      d=$(npy_diff "$work/x86-$o.npy" "$work/arm-$o.npy")
      if python3 -c "import sys; sys.exit(0 if '$d' != 'shape' and float('$d') <= 1e-5 else 1)"; then
        [ "$d" = 0 ] && echo "$name ($o): bit-identical to the x86 output" \
          || echo "$name ($o): within $d of the output range of the x86 output"
      else
        fail "$name ($o): differs from x86 by $d of the output range ($cpu)"
      fi
    done
  done

  "$host_kiln" interpolate --seeds 3,11,25 --steps 6 --out "$work/i-x86.png" >/dev/null
  arm interpolate --seeds 3,11,25 --steps 6 --threads 2 --out "$work/i-arm.png" >/dev/null || fail "interpolate failed ($cpu)"
  [ "$(sha "$work/i-x86.png")" = "$(sha "$work/i-arm.png")" ] && echo "interpolate: the x86 PNG" || fail "interpolate PNG differs from x86 ($cpu)"
  v_x86=$("$host_kiln" verify "$models/fashion-dcgan-int8.kiln" --reference "$models/fashion-dcgan.kiln" | grep -i psnr | head -1)
  v_arm=$(arm verify "$models/fashion-dcgan-int8.kiln" --reference "$models/fashion-dcgan.kiln" | grep -i psnr | head -1) || fail "verify failed ($cpu)"
  [ "$v_x86" = "$v_arm" ] && echo "verify: $v_arm" || fail "verify differs from x86 ($cpu): '$v_arm' against '$v_x86'"

  # The hostile files of Tools/hostile_inputs.py: status 1 and a message (limits for emulation).
  printf '#!/bin/sh\nexec qemu-aarch64-static -L "%s" -cpu %s "%s" "$@"\n' "$root$sysroot" "$cpu" "$arm_kiln" > "$work/kiln"
  chmod +x "$work/kiln"
  python3 "$repo/Tools/hostile_inputs.py" --kiln "$work/kiln" --max-seconds 10 --max-mb 200 > "$work/hostile.txt" \
    && tail -1 "$work/hostile.txt" || { cat "$work/hostile.txt"; fail "hostile inputs ($cpu)"; }
  if [ "$tests" = 1 ]; then
    bundle="$checkout/.build/aarch64-unknown-linux-gnu/release/KilnPackageTests.xctest"
    if [ ! -e "$root$bundle" ]; then
      fail "no aarch64 test bundle at $root$bundle (Tools/arm64/build.sh --tests makes it)"
    else
      for suite in $SUBSET; do
        log=$(chroot "$root" bash -c "cd $checkout && qemu-aarch64-static -L $sysroot -cpu $cpu $bundle $suite 2>&1") \
          && echo "$suite: $(grep -E 'Executed [0-9]+ tests?' <<<"$log" | tail -1 | sed 's/^[[:space:]]*//; s/ (0 unexpected).*//')" \
          || { fail "tests $suite ($cpu)"; grep -E "error|failed" <<<"$log" | head -20; }
      done
    fi
  fi
  echo "== -cpu $cpu done ($(( $(date +%s) - start )) s)"
done
if [ "$failures" -gt 0 ]; then echo "aarch64: $failures checks failed"; exit 1; fi
echo "aarch64: every check passed on cortex-a72 and cortex-a76"
