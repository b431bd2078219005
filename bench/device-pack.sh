#!/usr/bin/env bash
# Builds .device/, what bench/device-run.sh needs on a bare device machine and the device tool's
# `carry` can take (64 MiB with the working tree): the device image has no Node.js, no
# node_modules (the checkout's is a link that does not travel, or 445 MB) and no Vulkan loader
# (libvulkan1, and GLVND's libGLdispatch/libGLX/libEGL that NVIDIA's Vulkan ICD loads).
#   .device/node.xz               this machine's node binary (x86-64, linked against glibc only)
#   .device/node_modules.tar.xz   the production dependencies only, Dawn's linux-x64 binary only
#   .device/lib/                  the Vulkan loader and GLVND libraries with the X11 libraries
#                                 they link (Debian 12's; used only where the machine has no loader)
# Run here, once per dependency change: bash bench/device-pack.sh   (xz takes a few minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
[[ "$(uname -m)" == x86_64 ]] || { echo "device-pack: the device machines are x86-64; this is $(uname -m)" >&2; exit 2; }
DEST=.device
rm -rf "$DEST.tmp" && mkdir -p "$DEST.tmp/lib"
trap 'rm -rf "$DEST.tmp"' EXIT
MODULES="$(cd node_modules && pwd -P)"

echo "device-pack: node $(node --version) from $(command -v node)" >&2
xz -T0 -6 -c "$(readlink -f "$(command -v node)")" >"$DEST.tmp/node.xz"

# Production packages (npm's own list), without the other platforms' Dawn and esbuild binaries.
(cd "$MODULES/.." && npm ls --omit=dev --all --parseable 2>/dev/null) |
  sed -n "s|^$(dirname "$MODULES")/||p" | grep '^node_modules/' | sort -u >"$DEST.tmp/packages.txt"
tar -C "$(dirname "$MODULES")" -cf - \
  --exclude='node_modules/webgpu/dist/darwin-*' --exclude='node_modules/webgpu/dist/win32-*' \
  --exclude='node_modules/webgpu/dist/linux-arm64' --exclude='node_modules/.bin' \
  -T "$DEST.tmp/packages.txt" |
  xz -T0 -6 >"$DEST.tmp/node_modules.tar.xz"

# The Vulkan loader, GLVND, and every library they link that is not glibc's.
libs=(libvulkan.so.1 libGLdispatch.so.0 libGLX.so.0 libEGL.so.1 libOpenGL.so.0)
for lib in "${libs[@]}"; do
  path="$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')"
  [[ -n "$path" ]] || { echo "device-pack: $lib not found here (apt-get install libvulkan1 libglvnd0 libglx0 libegl1 libopengl0)" >&2; exit 3; }
  cp -L "$path" "$DEST.tmp/lib/$lib"
  ldd "$path" | awk '$3 ~ /^\// {print $1, $3}' | while read -r name dep; do
    case "$name" in libc.so*|libm.so*|libdl.so*|libpthread.so*|librt.so*|ld-linux*) ;; *) cp -L "$dep" "$DEST.tmp/lib/$name" ;; esac
  done
done

rm -rf "$DEST" && mv "$DEST.tmp" "$DEST"
trap - EXIT
du -sh "$DEST"/* >&2
echo "device-pack: $(du -sh "$DEST" | cut -f1) in $DEST (carry it: the device tool's limit is 64 MiB with the working tree)" >&2
