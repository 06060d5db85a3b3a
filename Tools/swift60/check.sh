#!/usr/bin/env bash
# Builds and tests Kiln with Swift 6.0.3, the compiler Debian trixie ships (and the one a Raspberry
# Pi running trixie gets), in a trixie chroot on this machine. Needs root and the Debian mirror.
#
#   Tools/swift60/check.sh [ROOT]     # ROOT: where the chroot lives (default /var/cache/kiln/trixie)
#
# The chroot is made once (debootstrap + apt-get install swiftlang, a few minutes) and reused.
# Swift packages come from /opt/swift-packages when it exists (git's insteadOf, as on the host).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=${1:-/var/cache/kiln/trixie}
[ "$(id -u)" = 0 ] || { echo "run as root (chroot and mount need it)"; exit 2; }

packages="swiftlang libpng-dev zlib1g-dev pkg-config python3-numpy git ca-certificates dataset-fashion-mnist"
if [ ! -x "$root/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
  echo "== debootstrap trixie into $root"
  rm -rf "$root"; mkdir -p "$root"
  debootstrap --variant=minbase trixie "$root" http://deb.debian.org/debian >/dev/null
fi
if ! chroot "$root" dpkg-query -W $packages >/dev/null 2>&1; then
  echo "== apt-get install $packages (inside the chroot)"
  mount -t proc proc "$root/proc"
  chroot "$root" bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null 2>&1"
  umount "$root/proc"
fi

mounts=()
cleanup() { for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; done; }
trap cleanup EXIT
mountpoint -q "$root/proc" || { mount -t proc proc "$root/proc"; mounts+=("$root/proc"); }
if [ -d /opt/swift-packages ]; then
  mkdir -p "$root/opt/swift-packages"
  mountpoint -q "$root/opt/swift-packages" || { mount --bind /opt/swift-packages "$root/opt/swift-packages"; mounts+=("$root/opt/swift-packages"); }
  printf '[url "/opt/swift-packages/"]\n\tinsteadOf = https://github.com/\n[safe]\n\tdirectory = *\n' > "$root/etc/gitconfig"
fi

echo "== clone the committed HEAD and run swift test with $(chroot "$root" swift --version 2>&1 | head -1)"
rm -rf "$root/root/kiln"
git clone -q "$repo" "$root/root/kiln"
status=0
chroot "$root" bash -c "cd /root/kiln && swift test > /root/kiln/test.log 2>&1" || status=$?
grep -E "error:|warning:|failed|Executed [0-9]+ tests" "$root/root/kiln/test.log" | tail -5
if [ "$status" = 0 ]; then echo "Swift 6.0: all tests pass"; else echo "Swift 6.0: swift test failed (log: $root/root/kiln/test.log)"; fi
exit "$status"
