#!/usr/bin/env bash
# Cross-builds Kiln for aarch64 with Swift 6.0.3, the compiler of Debian trixie (on which Raspberry
# Pi OS is based): the amd64 swiftlang of the Tools/swift60 chroot compiles, its lld links, against
# a sysroot of trixie's arm64 packages. Needs root and the Debian mirror.
#
#   Tools/arm64/build.sh [--debug] [--no-tests] [--kiln-run]
#
# Made once and kept under ROOT (default /var/cache/kiln/trixie, KILN_TRIXIE to change): the chroot
# (3.7 GB, shared with Tools/swift60/check.sh) and in it the sysroot /opt/aarch64-sysroot (arm64
# swiftlang, libc6-dev, libstdc++-14-dev, libgcc-14-dev, libpng-dev, zlib1g-dev: downloaded by
# `debootstrap --foreign`, unpacked by `dpkg -x`) and the checkout /root/kiln-arm64, reset to this
# repository's HEAD on every run so that its .build is reused. Products, in the chroot:
# /root/kiln-arm64/.build/aarch64-unknown-linux-gnu/{release,debug}/kiln and, unless --no-tests,
# the test bundle KilnPackageTests.xctest that Tools/arm64/check.sh runs (all in one build with
# -enable-testing in release). --kiln-run builds only the deploy runner kiln-run, with the Swift
# runtime linked in (--static-swift-stdlib), and prints its stripped size.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=${KILN_TRIXIE:-/var/cache/kiln/trixie}
config=release tests=1 runner=0
for a in "$@"; do
  case $a in
    --debug) config=debug ;;
    --no-tests) tests=0 ;;
    --kiln-run) runner=1 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option '$a'; use --debug, --no-tests, --kiln-run or --help" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap, chroot and mount need it)" >&2; exit 2; }
source "$repo/Tools/swift60/chroot.sh"

t=$(date +%s)
trixie_chroot "$root" swiftlang git ca-certificates pkg-config
echo "== chroot ready ($(seconds_since "$t"))"

sysroot=/opt/aarch64-sysroot
arm_packages="swiftlang,libswiftlang,libc6-dev,libstdc++-14-dev,libgcc-14-dev,libpng-dev,zlib1g-dev"
t=$(date +%s)
if [ "$(cat "$root$sysroot/.kiln-packages" 2>/dev/null)" != "$arm_packages" ]; then
  echo "== sysroot: debootstrap --arch=arm64 --foreign, then dpkg -x of $arm_packages"
  rm -rf "$root$sysroot"
  debootstrap --arch=arm64 --foreign --variant=minbase --include="$arm_packages" trixie "$root$sysroot" \
    http://deb.debian.org/debian >/dev/null
  for deb in "$root$sysroot"/var/cache/apt/archives/*.deb; do dpkg -x "$deb" "$root$sysroot"; done
  # Not needed to link or run Kiln: the arm64 compiler binaries and the downloaded archives.
  rm -rf "$root$sysroot"/var/cache/apt/archives/*.deb "$root$sysroot"/usr/libexec/swift/bin "$root$sysroot"/usr/share/doc
  echo "$arm_packages" > "$root$sysroot/.kiln-packages"
fi
echo "== sysroot ready, $(du -sh "$root$sysroot" | cut -f1) ($(seconds_since "$t"))"

# SwiftPM destination (Swift 6.0 reads version 1): aarch64 target, the sysroot's Swift resources,
# lld, and an rpath to where trixie's libswiftlang puts the Swift runtime on the board.
cat > "$root/opt/aarch64-destination.json" <<JSON
{
  "version": 1,
  "sdk": "$sysroot",
  "toolchain-bin-dir": "/usr/libexec/swift/bin",
  "target": "aarch64-unknown-linux-gnu",
  "extra-cc-flags": [],
  "extra-swiftc-flags": ["-sdk", "$sysroot", "-resource-dir", "$sysroot/usr/libexec/swift/lib/swift", "-use-ld=lld",
                         "-Xlinker", "-rpath", "-Xlinker", "/usr/libexec/swift/lib/swift/linux"],
  "extra-cpp-flags": []
}
JSON

trixie_mount "$root"
t=$(date +%s)
checkout="$root/root/kiln-arm64"
[ -d "$checkout/.git" ] || git clone -q "$repo" "$checkout"
git -C "$checkout" fetch -q "$repo" HEAD
git -C "$checkout" reset -q --hard FETCH_HEAD
git -C "$checkout" clean -qfdx -e .build
echo "== checkout at $(git -C "$checkout" log -1 --format='%h %s') ($(seconds_since "$t"))"

build() {
  local what=$1; shift
  t=$(date +%s)
  echo "== swift build -c $config $what"
  chroot "$root" env PKG_CONFIG_SYSROOT_DIR="$sysroot" \
    PKG_CONFIG_LIBDIR="$sysroot/usr/lib/aarch64-linux-gnu/pkgconfig:$sysroot/usr/share/pkgconfig" \
    bash -c "cd /root/kiln-arm64 && swift build -c $config --destination /opt/aarch64-destination.json $* 2>&1" \
    | grep -vE "Could not read SDKSettings.json|^\[[0-9]+/[0-9]+\] (Compiling|Write|Emitting|Wrapping|Merging|Planning)" || true
  echo "== $what built ($(seconds_since "$t"))"
}
out="$checkout/.build/aarch64-unknown-linux-gnu/$config"
if [ "$runner" = 1 ]; then
  # The destination's -resource-dir names the shared runtime; the static one is beside it.
  build "kiln-run (static Swift runtime)" --product kiln-run --static-swift-stdlib \
    -Xswiftc -resource-dir -Xswiftc "$sysroot/usr/libexec/swift/lib/swift_static"
  [ -x "$out/kiln-run" ] || { echo "the aarch64 kiln-run did not build" >&2; exit 1; }
  aarch64-linux-gnu-strip -o "$out/kiln-run.stripped" "$out/kiln-run"
  file "$out/kiln-run.stripped" | cut -d, -f1-2
  echo "kiln-run: $(stat -c %s "$out/kiln-run") bytes, stripped $(stat -c %s "$out/kiln-run.stripped") ($out/kiln-run.stripped)"
  exit 0
fi
# With the tests, one build of everything with -enable-testing (a second build of kiln without it
# would recompile every module).
if [ "$tests" = 0 ]; then
  build kiln --product kiln
elif [ "$config" = release ]; then
  build "kiln and the tests" --build-tests -Xswiftc -enable-testing
else
  build "kiln and the tests" --build-tests
fi
[ -x "$out/kiln" ] || { echo "the aarch64 kiln did not build" >&2; exit 1; }
[ "$tests" = 0 ] || [ -e "$out/KilnPackageTests.xctest" ] || { echo "the aarch64 test bundle did not build" >&2; exit 1; }
file "$out/kiln" | cut -d, -f1-2
