#!/usr/bin/env bash
# Installs what etgrad needs on Debian 12, only what is missing (safe to run again).
#   scripts/install-deps.sh              build, test and benchmark dependencies
#   scripts/install-deps.sh PKG...       those, and the given extra packages
set -euo pipefail
packages=(cmake ninja-build g++ clang libboost-dev libeigen3-dev catch2 libbenchmark-dev python3 time "$@")
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "etgrad: dependencies already installed"
    exit 0
fi
echo "etgrad: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
