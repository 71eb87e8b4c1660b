#!/usr/bin/env bash
# Installs the benchmark suite's peers on Debian 12 (only what is missing): LibTorch, ADOL-C,
# Sacado (with the Kokkos, Teuchos and MPI headers its headers include), Eigen (AutoDiffScalar;
# Boost.Math's fvar comes with libboost-dev), and matplotlib for the chart.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
packages=(libtorch-dev libadolc-dev libtrilinos-sacado-dev libtrilinos-kokkos-dev libtrilinos-teuchos-dev
          libopenmpi-dev libeigen3-dev python3-matplotlib)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "etgrad: benchmark peers already installed"
    exit 0
fi
echo "etgrad: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
