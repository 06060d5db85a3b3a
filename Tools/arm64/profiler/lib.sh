# Shared by Tools/arm64/profile.sh and Tools/arm64/profiler/calibrate.sh. Source it.
#
#   profiler_setup                  # qemu-user (dynamic), llvm-19, gcc: installs them as root or
#                                   # says what to install; builds the plugin; sets $plugin
#   profiler_run CPU OUT PROGRAM... # runs PROGRAM under qemu as CPU (cortex-a72, cortex-a76,
#                                   # haswell) with the plugin writing the block profile to OUT;
#                                   # aarch64 programs find their libraries under $PROFILE_SYSROOT
#   profiler_clock CPU              # the board clock in GHz the estimate in ms uses

profiler_src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

profiler_setup() {
  local missing=()
  command -v qemu-aarch64 >/dev/null && command -v qemu-x86_64 >/dev/null || missing+=(qemu-user)
  [ -x /usr/lib/llvm-19/bin/llvm-mca ] && [ -x /usr/lib/llvm-19/bin/llvm-mc ] || missing+=(llvm-19)
  command -v gcc >/dev/null || missing+=(gcc)
  command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu)
  command -v python3 >/dev/null || missing+=(python3)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "== apt-get install ${missing[*]}" >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "the profiler needs: apt-get install ${missing[*]} (Debian bookworm or later; qemu-user is the dynamic qemu, which loads plugins)" >&2
      exit 2
    fi
  fi
  local cache=${XDG_CACHE_HOME:-$HOME/.cache}/kiln-profiler
  mkdir -p "$cache"
  plugin=$cache/tbcount.so
  if [ ! -f "$plugin" ] || [ "$profiler_src/tbcount.c" -nt "$plugin" ] || [ "$profiler_src/qemu-plugin-v1.h" -nt "$plugin" ]; then
    gcc -O2 -shared -fPIC -fvisibility=hidden -Wall -Wextra -Werror -o "$plugin" "$profiler_src/tbcount.c"
  fi
}

profiler_run() {
  local cpu=$1 out=$2; shift 2
  local qemu
  case $cpu in
    haswell) qemu=(qemu-x86_64 -cpu Haswell) ;;
    cortex-a72|cortex-a76) qemu=(qemu-aarch64 -cpu "$cpu"); [ -z "${PROFILE_SYSROOT:-}" ] || qemu+=(-L "$PROFILE_SYSROOT") ;;
    *) echo "unknown core '$cpu': use cortex-a72 (Pi 4), cortex-a76 (Pi 5) or haswell (AVX2)" >&2; return 2 ;;
  esac
  # setarch -R: no address randomization, so that every run translates the same blocks.
  # qemu-x86_64 warns about Haswell's system features TCG lacks (TSX, x2APIC): not used by programs.
  # SWIFT_DETERMINISTIC_HASHING: Swift seeds its hashing per process unless told not to.
  SWIFT_DETERMINISTIC_HASHING=1 setarch "$(uname -m)" -R "${qemu[@]}" -plugin "$plugin,out=$out" "$@" \
    2> >(grep -v "TCG doesn't support requested feature" >&2)
}

profiler_clock() {
  case $1 in cortex-a72) echo 1.8 ;; cortex-a76) echo 2.4 ;; haswell) echo 3.0 ;; esac
}
