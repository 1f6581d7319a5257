#!/usr/bin/env bash
# On a lent GPU machine (see bench/device-pack.sh): unpack Deno, the npm modules and the Vulkan loader, point
# Vulkan at the NVIDIA driver, then run the GPU-facing tests and the benchmarks. Results go to $OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/neurosbi-out}
mkdir -p "$out"
for f in .device/gl/*.deb; do dpkg -x "$f" /; done
ldconfig
mkdir -p /tmp/deno-bin && xz -dc .device/deno.xz >/tmp/deno-bin/deno && chmod +x /tmp/deno-bin/deno
rm -rf node_modules && tar -xJf .device/node_modules.tar.xz
# The npm wrapper (node_modules/.bin/deno, used inside tasks) looks for the binary in its platform package.
for pkg in $(find node_modules -type d -path '*@deno/linux-x64-glibc'); do ln -sf /tmp/deno-bin/deno "$pkg/deno"; done
export PATH=/tmp/deno-bin:$PATH DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
nvidia=/usr/local/nvidia/share
[ -f $nvidia/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=$nvidia/vulkan/icd.d/nvidia_icd.json
[ -f $nvidia/glvnd/egl_vendor.d/10_nvidia.json ] &&
  export __EGL_VENDOR_LIBRARY_FILENAMES=$nvidia/glvnd/egl_vendor.d/10_nvidia.json
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"
deno task cli info 2>&1 | tee "$out/info.txt"
deno test --allow-read --allow-write --allow-env --allow-run "${@:-tests/}" 2>&1 | tee "$out/tests.txt"
deno task bench --out "$out/bench.md" 2>&1 | tee "$out/bench.log"
