#!/usr/bin/env bash
# Installs the benchmark suite's peers on Debian 12 (only what is missing): LibTorch, ADOL-C,
# Sacado (with the Kokkos, Teuchos and MPI headers its headers include), Eigen (AutoDiffScalar;
# Boost.Math's fvar comes with libboost-dev), and matplotlib for the chart.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/scripts/install-deps.sh" libtorch-dev libadolc-dev libtrilinos-sacado-dev libtrilinos-kokkos-dev \
    libtrilinos-teuchos-dev libopenmpi-dev libeigen3-dev python3-matplotlib
