#!/usr/bin/env bash
# On a lent GPU machine (see bench/device-pack.sh): unpack Deno, the npm modules and the Vulkan loader, point
# Vulkan at the NVIDIA driver, then run the GPU-facing tests and the benchmarks. Results go to $OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/neurosbi-out}
mkdir -p "$out"
source bench/device-env.sh
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"
deno task cli info 2>&1 | tee "$out/info.txt"
deno test --allow-read --allow-write --allow-env --allow-run "${@:-tests/}" 2>&1 | tee "$out/tests.txt"
deno task bench --out "$out/bench.md" 2>&1 | tee "$out/bench.log"
