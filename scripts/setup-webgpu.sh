#!/usr/bin/env bash
# Installs a WebGPU-capable software Vulkan driver (Mesa lavapipe >= 24) where no GPU adapter exists.
# Dawn rejects Debian 12's own Mesa 22.3, so on bookworm the driver comes from bookworm-backports.
# Idempotent: exits at once when a new enough lavapipe is already installed.
set -euo pipefail

min_major=24
icd_glob=/usr/share/vulkan/icd.d/lvp_icd*.json

installed_major() {
  dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/' || true
}

major=$(installed_major)
if [[ -n "$major" && "$major" -ge $min_major ]] && compgen -G "$icd_glob" >/dev/null; then
  echo "setup-webgpu: lavapipe from mesa-vulkan-drivers" \
    "$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) already installed" >&2
  exit 0
fi

if [[ "$(uname -s)" != Linux ]] || ! command -v apt-get >/dev/null; then
  echo "setup-webgpu: not a Debian/Ubuntu system; install a Vulkan or Metal driver for your GPU instead" >&2
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi

. /etc/os-release
apt_args=()
if [[ "${VERSION_CODENAME:-}" == bookworm ]]; then
  list=/etc/apt/sources.list.d/bookworm-backports.list
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "deb http://deb.debian.org/debian bookworm-backports main" | "${sudo_cmd[@]}" tee "$list" >/dev/null
  fi
  apt_args=(-t bookworm-backports)
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${apt_args[@]}" \
  mesa-vulkan-drivers libvulkan1 >/dev/null

major=$(installed_major)
if [[ -z "$major" || "$major" -lt $min_major ]]; then
  echo "setup-webgpu: installed mesa-vulkan-drivers $major is older than $min_major; Dawn will reject it" >&2
  exit 1
fi
echo "setup-webgpu: installed lavapipe from mesa-vulkan-drivers" \
  "$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)" >&2
