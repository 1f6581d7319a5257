/**
 * Where flows train and sample. "webgpu" is our fused-kernel path (lib/flows/webgpu, kernels/flow_*.wgsl): a
 * training step is one submission of tens of dispatches, with tfjs (on wasm) left to define the flows and run
 * whatever the path lacks. "wasm" and "cpu" run everything in tfjs. "tfjs-webgpu" is tfjs's own WebGPU backend,
 * kept for comparison: it launches thousands of small kernels per step (14.2 s per MAF epoch at 10⁴ pairs beside an
 * H100 against ~1.2 s for wasm on 2 cores, docs/BENCHMARKS.md). "auto" takes the fused path on a hardware GPU and
 * wasm otherwise: on the software adapter wasm needs less CPU to train at large batches and samples faster
 * (docs/BENCHMARKS.md).
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { setFlowAccelerator } from "../flows/flow.ts";
import { webgpuAccelerator } from "../flows/webgpu/accelerator.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { preferTrainingEngine } from "../train/engine.ts";
import { webgpuEngine } from "../train/webgpu/engine.ts";

import type { BackendName } from "./backend_names.ts";
export { BACKEND_NAMES, type BackendName } from "./backend_names.ts";

let sharedRuntime: GpuRuntime | undefined;

/** Activate a backend; returns the one in use ("webgpu", "wasm", "cpu" or "tfjs-webgpu"). */
export async function useBackend(name: BackendName = "auto"): Promise<string> {
  const chosen = name === "auto" ? await autoBackend() : name;
  const runtime = chosen === "webgpu" || chosen === "tfjs-webgpu"
    ? sharedRuntime ??= await GpuRuntime.acquire()
    : undefined;
  preferTrainingEngine(chosen === "webgpu" ? webgpuEngine(runtime!) : undefined);
  setFlowAccelerator(chosen === "webgpu" ? webgpuAccelerator(runtime!) : undefined);
  const tfBackend = chosen === "webgpu" ? "wasm" : chosen === "tfjs-webgpu" ? "webgpu" : chosen;
  if (tf.getBackend() === tfBackend) return chosen;
  if (tfBackend === "webgpu") {
    const { vendor, architecture } = runtime!.adapterSummary;
    tf.removeBackend("webgpu");
    tf.registerBackend("webgpu", () => new WebGPUBackend(runtime!.device, { vendor, architecture } as GPUAdapterInfo));
  }
  if (!(await tf.setBackend(tfBackend))) throw new Error(`tfjs backend ${tfBackend} failed to initialise`);
  await tf.ready();
  return chosen;
}

/** The fused WebGPU path on a hardware adapter, wasm on the software adapter or without WebGPU. */
async function autoBackend(): Promise<BackendName> {
  if (!sharedRuntime) {
    try {
      const probe = await GpuRuntime.acquire({ notice: () => {} });
      if (probe.adapterSummary.fallback) {
        probe.destroy();
        return "wasm";
      }
      sharedRuntime = probe;
    } catch {
      return "wasm";
    }
  }
  return sharedRuntime.adapterSummary.fallback ? "wasm" : "webgpu";
}
