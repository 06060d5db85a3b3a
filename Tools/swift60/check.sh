#!/usr/bin/env bash
# Builds and tests Kiln with Swift 6.0.3, the compiler Debian trixie ships (and the one a Raspberry
# Pi running trixie gets), in a trixie chroot on this machine: `swift test` (debug), then `swift
# build -c release` (what users and Tools/arm64/build.sh build; 6.0.3's optimizer has crashed on
# code its debug build accepted). Needs root and the Debian mirror.
#
#   Tools/swift60/check.sh [ROOT]     # ROOT: where the chroot lives (default /var/cache/kiln/trixie)
#
# The chroot is made once (debootstrap + apt-get install swiftlang, a few minutes) and reused
# (Tools/swift60/chroot.sh).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=${1:-/var/cache/kiln/trixie}
[ "$(id -u)" = 0 ] || { echo "run as root (chroot and mount need it)"; exit 2; }

packages="swiftlang libpng-dev zlib1g-dev pkg-config python3-numpy python3-pip python3-setuptools git ca-certificates dataset-fashion-mnist gcc g++ binutils"
source "$repo/Tools/swift60/chroot.sh"
trixie_chroot "$root" $packages
trixie_mount "$root"

echo "== clone the committed HEAD and run swift test with $(chroot "$root" swift --version 2>&1 | head -1)"
rm -rf "$root/root/kiln"
git clone -q "$repo" "$root/root/kiln"
status=0
chroot "$root" bash -c "cd /root/kiln && swift test > /root/kiln/test.log 2>&1" || status=$?
grep -E "error:|warning:|failed|Executed [0-9]+ tests" "$root/root/kiln/test.log" | tail -5
if [ "$status" = 0 ]; then echo "Swift 6.0: all tests pass"; else echo "Swift 6.0: swift test failed (log: $root/root/kiln/test.log)"; fi
if chroot "$root" bash -c "cd /root/kiln && swift build -c release > /root/kiln/release.log 2>&1"; then
  echo "Swift 6.0: the release build succeeds"
else
  status=1
  grep -E "error:|Assertion" "$root/root/kiln/release.log" | head -5
  echo "Swift 6.0: swift build -c release failed (log: $root/root/kiln/release.log)"
fi
exit "$status"
