#!/usr/bin/env bash
# Pack what a bare GPU machine (no registry access) needs to run the benchmarks: Deno (xz), the npm modules
# the code imports, and the Vulkan/GL loader packages. Writes .device/ (git-ignored); bench/device.sh unpacks it.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .device/gl
deno_bin=$(find node_modules -path '*linux-x64-glibc*' -name deno -type f | head -n 1)
[ -n "$deno_bin" ] || { echo "run npm install first" >&2; exit 1; }
[ -f .device/deno.xz ] || xz -T0 -6 -c "$deno_bin" >.device/deno.xz
# Deno's binaries travel separately; source maps, prebuilt bundles, the copies of tfjs's wasm binaries in wasm-out/
# and playwright's codec are left out to stay within what a call carries. tfjs's dist/*.wasm travel: training runs
# on tfjs's wasm backend (also under --backend webgpu, which leaves the rest of tfjs on wasm).
exclude=$(find node_modules -name deno -type f -size +10M -printf ' --exclude=%p')
tar $exclude --exclude='*.map' --exclude='*/dist/*.min.js' --exclude='*/dist/*.es2017.js' --exclude='*/dist/*.fesm.js' --exclude='*/wasm-out/*' --exclude='*/playwright-core/*.wasm' \
  --warning=no-file-changed -cJf .device/node_modules.tar.xz node_modules || [ $? -eq 1 ] # 1: a file changed meanwhile
if ! ls .device/gl/*.deb >/dev/null 2>&1; then
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial
  apt-get $o update -qq
  (cd .device/gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
du -sh .device
