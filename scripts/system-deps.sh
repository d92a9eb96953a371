#!/usr/bin/env bash
# System packages the test suite needs, installed with apt when running as root (CI, fresh machines):
#  - a software Vulkan driver for Dawn and onnxruntime's WebGPU EP (delegated to scripts/setup.mjs's logic,
#    repeated here because it must exist before `npm ci` on Debian 12: Mesa from bookworm-backports)
#  - g++ (stub NVML library in the energy tests), chromium (report page test)
# Idempotent: installs only what is missing.
set -euo pipefail
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "[system-deps] not root or no apt-get: skipping (see README for the packages)" >&2
  exit 0
fi
. /etc/os-release
need=()
dpkg -s libvulkan1 >/dev/null 2>&1 || need+=(libvulkan1)
mesa_ver=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
case "$mesa_ver" in ''|2[0-3].*) need+=(mesa-vulkan-drivers) ;; esac
command -v g++ >/dev/null || need+=(g++)
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then echo "[system-deps] all present" >&2; exit 0; fi
export DEBIAN_FRONTEND=noninteractive
target=()
if [ "${VERSION_CODENAME:-}" = bookworm ]; then
  if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      > /etc/apt/sources.list.d/joulebench-bookworm-backports.sources
  fi
fi
echo "[system-deps] installing: ${need[*]}" >&2
timeout 900 apt-get update -q
pkgs=()
for p in "${need[@]}"; do
  if [ "${VERSION_CODENAME:-}" = bookworm ] && { [ "$p" = mesa-vulkan-drivers ] || [ "$p" = libvulkan1 ]; }; then
    target+=("$p/bookworm-backports")
  else
    pkgs+=("$p")
  fi
done
# libvulkan1 has no backport; mesa-vulkan-drivers does. Ask for mesa from backports explicitly.
mesa=()
for p in "${target[@]}"; do case "$p" in mesa-vulkan-drivers/*) mesa+=("$p") ;; libvulkan1/*) pkgs+=(libvulkan1) ;; esac; done
timeout 900 apt-get install -y -q --no-install-recommends "${pkgs[@]}" "${mesa[@]}"
