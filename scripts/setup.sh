# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by scripts/run, scripts/test and scripts/bench: installs the Debian packages that are
# missing (and only those), then configures and builds out of tree. Idempotent; quick when nothing changed.

SCALINGLAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCALINGLAB_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-svg-dev libqt6sql6-sqlite libgl-dev
  libqcustomplot-dev libeigen3-dev libplfit-dev liblbfgspp-dev libbenchmark-dev liblapack-dev libopenblas0-pthread
  zlib1g-dev python3-numpy
  clang-format parallel
)

scalinglab_install_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "scalinglab: installing missing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# scalinglab_build BUILD_DIR [extra cmake args...]
scalinglab_build() {
  local build_dir=$1
  shift
  if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S "$SCALINGLAB_ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  elif [ $# -gt 0 ]; then
    cmake "$build_dir" "$@" >/dev/null
  fi
  cmake --build "$build_dir" --parallel "$(nproc)"
}
