#!/usr/bin/env bash
# Makes the aarch64 Python root in which Tools/arm64/profile.sh --litert runs LiteRT (the
# ai-edge-litert wheel, with its XNNPACK delegate) under qemu: Debian trixie's arm64 python3
# (downloaded by `debootstrap --foreign`, unpacked by `dpkg -x`) and, under /opt/litert, the
# manylinux aarch64 wheels of ai-edge-litert and numpy (pip install --target --platform).
# qemu-user shows the guest the host's /proc/cpuinfo, on which LiteRT's CPU detection fails, so
# two overlay roots give it a Pi 4's (Cortex-A72) and a Pi 5's (Cortex-A76) instead:
# ROOT/cortex-a72 and ROOT/cortex-a76, each a proc/cpuinfo and links to ROOT/rootfs.
#
#   Tools/arm64/litert_root.sh      # ROOT: /var/cache/kiln/litert-arm64 (KILN_LITERT_ROOT)
#
# Needs root (debootstrap), the Debian mirror and PyPI.
set -euo pipefail
root=${KILN_LITERT_ROOT:-/var/cache/kiln/litert-arm64}
litert_version=2.3.0
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap needs it)" >&2; exit 2; }
command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
t=$(date +%s)
if [ ! -x "$root/rootfs/usr/bin/python3" ]; then
  echo "== arm64 python3: debootstrap --arch=arm64 --foreign, then dpkg -x"
  rm -rf "$root/rootfs"
  mkdir -p "$root"
  debootstrap --arch=arm64 --foreign --variant=minbase --include=python3 trixie "$root/rootfs" \
    http://deb.debian.org/debian >/dev/null
  for deb in "$root/rootfs"/var/cache/apt/archives/*.deb; do dpkg -x "$deb" "$root/rootfs"; done
  rm -rf "$root/rootfs"/var/cache/apt/archives/*.deb "$root/rootfs"/usr/share/doc
fi
py=$(basename "$(readlink -f "$root/rootfs/usr/bin/python3")")   # python3.13
tag=${py#python}; tag=cp${tag/./}
if [ "$(cat "$root/rootfs/opt/litert/.version" 2>/dev/null)" != "$litert_version" ]; then
  echo "== ai-edge-litert $litert_version and numpy, aarch64 wheels for $tag"
  rm -rf "$root/rootfs/opt/litert"
  pip install -q --target "$root/rootfs/opt/litert" --only-binary=:all: --implementation cp --abi "$tag" \
    --python-version "${tag#cp}" --platform manylinux_2_28_aarch64 --platform manylinux_2_27_aarch64 \
    --platform manylinux_2_17_aarch64 --platform manylinux2014_aarch64 "ai-edge-litert==$litert_version" numpy
  echo "$litert_version" > "$root/rootfs/opt/litert/.version"
fi
# The /proc/cpuinfo of a Raspberry Pi 4 (BCM2711) and 5 (BCM2712), with two processors because the
# host's /sys, which qemu passes through, has as many here.
cpuinfo() {  # part variant revision features
  for p in 0 1; do
    printf 'processor\t: %s\nBogoMIPS\t: 108.00\nFeatures\t: %s\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: %s\nCPU part\t: %s\nCPU revision\t: %s\n\n' \
      "$p" "$4" "$2" "$1" "$3"
  done
}
for core in cortex-a72 cortex-a76; do
  mkdir -p "$root/$core/proc"
  for d in bin etc lib lib64 opt sbin usr var; do
    [ -e "$root/rootfs/$d" ] && ln -sfn "$root/rootfs/$d" "$root/$core/$d"
  done
done
cpuinfo 0xd08 0x0 3 "fp asimd evtstrm crc32 cpuid" > "$root/cortex-a72/proc/cpuinfo"
cpuinfo 0xd0b 0x4 1 "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp" \
  > "$root/cortex-a76/proc/cpuinfo"
echo "== LiteRT root ready: $root ($(( $(date +%s) - t )) s, $(du -sh "$root/rootfs" | cut -f1))"
