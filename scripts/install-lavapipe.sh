#!/usr/bin/env bash
# Optional, Debian 12 only: Mesa 25's lavapipe (a software Vulkan driver) from bookworm-backports,
# so the WebGPU training backend can be tested and benchmarked on a machine without a GPU.
# Debian 12's own Mesa 22 lavapipe lacks features Dawn needs. Never fatal: without it the WebGPU
# tests are reported as skipped and fine-tuning falls back to the pure-JS backend.
set -uo pipefail
if [ -f /usr/share/vulkan/icd.d/lvp_icd.json ] && dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q bpo12; then
  exit 0
fi
if ! grep -qs bookworm /etc/os-release; then
  echo "install-lavapipe: not Debian 12 (bookworm); skipping" >&2
  exit 0
fi
src=/etc/apt/sources.list.d/bookworm-backports.sources
if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$src"
fi
{ apt-get update -qq && apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null; } ||
  echo "install-lavapipe: could not install Mesa lavapipe from bookworm-backports; WebGPU tests will be skipped" >&2
exit 0
