# Debian trixie chroot with Swift 6.0.3 (swiftlang), shared by Tools/swift60/check.sh and
# Tools/arm64/build.sh. Source it; needs root and the Debian mirror.
#
#   trixie_chroot ROOT PACKAGES...   # makes ROOT once (debootstrap) and installs what is missing
#   trixie_mount ROOT                # mounts /proc and /opt/swift-packages in ROOT until exit
#   seconds_since START              # for the phase timings

trixie_chroot() {
  local root=$1; shift
  if [ ! -x "$root/usr/bin/apt-get" ]; then
    command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
    echo "== debootstrap trixie into $root"
    rm -rf "$root"; mkdir -p "$root"
    debootstrap --variant=minbase trixie "$root" http://deb.debian.org/debian >/dev/null
  fi
  if ! chroot "$root" dpkg-query -W "$@" >/dev/null 2>&1; then
    echo "== apt-get install $* (inside the chroot)"
    local mounted=0
    mountpoint -q "$root/proc" || { mount -t proc proc "$root/proc"; mounted=1; }
    chroot "$root" bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $* >/dev/null 2>&1"
    [ "$mounted" = 0 ] || umount "$root/proc"
  fi
}

# Swift packages come from /opt/swift-packages when it exists (git's insteadOf, as on the host).
trixie_mounts=()
trixie_unmount() { for m in "${trixie_mounts[@]}"; do umount "$m" 2>/dev/null || true; done; }
trixie_mount() {
  local root=$1
  trap trixie_unmount EXIT
  mountpoint -q "$root/proc" || { mount -t proc proc "$root/proc"; trixie_mounts+=("$root/proc"); }
  if [ -d /opt/swift-packages ]; then
    mkdir -p "$root/opt/swift-packages"
    mountpoint -q "$root/opt/swift-packages" || { mount --bind /opt/swift-packages "$root/opt/swift-packages"; trixie_mounts+=("$root/opt/swift-packages"); }
    printf '[url "/opt/swift-packages/"]\n\tinsteadOf = https://github.com/\n[safe]\n\tdirectory = *\n' > "$root/etc/gitconfig"
  fi
}

seconds_since() { echo "$(( $(date +%s) - $1 )) s"; }
