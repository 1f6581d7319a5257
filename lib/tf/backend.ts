/**
 * The tfjs backend for training and sampling. Measured: wasm is fastest on CPU-only machines and on the software
 * WebGPU adapter (docs/ECOSYSTEM.md), and also beside an H100: a flow's training step launches thousands of small
 * kernels, and tfjs-webgpu spent 14.2 s per MAF epoch at 10⁴ pairs there against ~1.2 s for wasm on 2 CPU cores
 * (docs/BENCHMARKS.md). So "auto" is wasm; "webgpu" (sharing our GpuRuntime's device) stays available.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { GpuRuntime } from "../gpu/runtime.ts";

import type { BackendName } from "./backend_names.ts";
export { BACKEND_NAMES, type BackendName } from "./backend_names.ts";

let sharedRuntime: GpuRuntime | undefined;

/** Activate a backend ("auto": wasm, the fastest measured everywhere); returns the backend in use. */
export async function useBackend(name: BackendName = "auto"): Promise<string> {
  const chosen = name === "auto" ? "wasm" : name;
  if (tf.getBackend() === chosen) return chosen;
  if (chosen === "webgpu") {
    const runtime = sharedRuntime ??= await GpuRuntime.acquire();
    const { vendor, architecture } = runtime.adapterSummary;
    tf.removeBackend("webgpu");
    tf.registerBackend("webgpu", () => new WebGPUBackend(runtime.device, { vendor, architecture } as GPUAdapterInfo));
  }
  if (!(await tf.setBackend(chosen))) throw new Error(`tfjs backend ${chosen} failed to initialise`);
  await tf.ready();
  return chosen;
}
