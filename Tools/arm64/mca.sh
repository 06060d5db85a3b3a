#!/usr/bin/env bash
# Estimates what the inner loops of the AArch64 int8 and f32 micro-kernels cost per multiply-
# accumulate on the Pi 4 (Cortex-A72) and Pi 5 (Cortex-A76), with llvm-mca's scheduling models:
# Pi figures cannot be timed here, so this is how they are estimated. Prints cycles per loop
# iteration (steady state, 100 iterations) and MACs per cycle.
#
#   Tools/arm64/mca.sh        # needs aarch64-linux-gnu-gcc and llvm-mca 19 (apt: llvm-19)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../Sources/CKilnKernels"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# kernel file, -march, MACs per inner-loop iteration, what
kernels=(
  "qs8-gemm/qs8-gemm-4x2-neon.c armv8-a 128 int8 4x2 NEON (SMULL/SMLAL2/SADALP), 16 k per iteration"
  "qs8-gemm/qs8-gemm-4x8c16-neon.c armv8-a 256 int8 4x8c16 packed NEON (SMULL/SMLAL2/SADALP), 4x4 tile, 16 k per iteration"
  "qs8-gemm/qs8-gemv-4-neon.c armv8-a 64 int8 4-row matrix-vector NEON (SMULL/SMLAL2/SADALP), 16 k per iteration"
  "qs8-gemm/qs8-gemm-4x4-neondot.c armv8.2-a+dotprod 256 int8 4x4 NEON dot (SDOT), 16 k per iteration"
  "qs8-gemm/qs8-gemm-4x16c4-neondot.c armv8.2-a+dotprod 1024 int8 4x16c4 packed NEON dot (SDOT by element), 16 k per iteration"
  "qs8-gemm/qs8-gemm-16xn-neondot.c armv8.2-a+dotprod 1024 int8 16x4 narrow NEON dot (SDOT by element), 16 k per iteration"
  "f32-gemm/f32-gemm-8x8-neon.c armv8-a 64 f32 8x8 NEON (FMLA), 1 k per iteration"
)
printf "%-70s %-11s %10s %10s\n" "micro-kernel" "core" "cycles/it" "MACs/cycle"
for k in "${kernels[@]}"; do
  set -- $k
  file=$1 march=$2 macs=$3; shift 3
  what="$*"
  aarch64-linux-gnu-gcc -O2 -std=c11 -march="$march" -ffp-contract=off -S -I "$src/include" -I "$src/qs8-gemm" "$src/$file" -o "$out/k.s"
  # The innermost loop: the longest straight-line block (no branch but its own) between a
  # backward-branch target and its branch that holds the kernel's multiply instructions.
  python3 - "$out/k.s" > "$out/loop.s" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
best = None
for i, l in enumerate(lines):
    m = re.match(r"\s+b(?:\.?[a-z]{2})?\s+(\.L\d+)", l) or re.match(r"\s+(?:cbnz|cbz)\s+\w+,\s*(\.L\d+)", l)
    if not m:
        continue
    label = m.group(1) + ":"
    starts = [j for j in range(i) if lines[j].strip() == label]
    if starts:
        body = [x for x in lines[starts[-1] + 1:i + 1] if x.startswith("\t") and not x.strip().startswith(".")]
        straight = not any(re.match(r"\s+(b(\.?[a-z]{2})?|bl|cbn?z|tbn?z|ret)\s", x) for x in body[:-1])
        if straight and any(re.search(r"\b(smlal2|sdot|fmla|sadalp)\b", x) for x in body) and (best is None or len(body) > len(best)):
            best = body
print("\n".join(best or []))
PY
  for cpu in cortex-a72 cortex-a76; do
    case $march,$cpu in *dotprod*,cortex-a72) continue ;; esac  # the Pi 4 has no SDOT
    # LLVM's cortex-a76 is its Cortex-A57 model; the Neoverse N1 is the A76's server version.
    model=$([ "$cpu" = cortex-a76 ] && echo neoverse-n1 || echo "$cpu")
    cycles=$(/usr/lib/llvm-19/bin/llvm-mca -mtriple=aarch64-linux-gnu -mcpu="$model" -mattr=+dotprod -iterations=100 "$out/loop.s" 2>/dev/null | awk '/^Total Cycles:/ {print $3}')
    printf "%-70s %-11s %10.2f %10.2f\n" "$what" "$cpu" "$(echo "$cycles / 100" | bc -l)" "$(echo "$macs * 100 / $cycles" | bc -l)"
  done
done
