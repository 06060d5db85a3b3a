#!/usr/bin/env bash
# Cross-compiles CKilnKernels and test_kernels.c for AArch64 (ARMv8.0 as on the Pi 4's Cortex-A72,
# and ARMv8.2 with the dot product as on the Pi 5's Cortex-A76) and runs them under qemu; the int8
# suite must reproduce the digests of Formats/conformance/qs8-kernels-v1.txt byte for byte.
# KILN_EXHAUSTIVE=1 bash Tools/arm64/run.sh also checks every tanh path on all 2^32 inputs (about
# 25 minutes per CPU).
# Installs gcc-aarch64-linux-gnu and qemu-user-static when missing (needs root for that).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../Sources/CKilnKernels"
conformance="$here/../../Tests/CKilnConformance"
digests="$here/../../Formats/conformance/qs8-kernels-v1.txt"
if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-aarch64-static >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-aarch64-linux-gnu qemu-user-static >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for target in "armv8-a cortex-a72" "armv8.2-a+dotprod cortex-a76"; do
  set -- $target
  echo "== -march=$1 (qemu -cpu $2)"
  aarch64-linux-gnu-gcc -O2 -std=c11 -march="$1" -ffp-contract=off -static -I "$src/include" -I "$conformance/include" \
    "$here/test_kernels.c" "$conformance/conformance.c" $(find "$src" -name '*.c' | sort) -lm -lpthread -o "$out/test_kernels"
  qemu-aarch64-static -cpu "$2" "$out/test_kernels" "$digests" || status=1
done
exit $status
