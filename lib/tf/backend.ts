/**
 * The tfjs backend for training and sampling. Measured (docs/ECOSYSTEM.md): wasm is fastest on CPU-only machines
 * and on the software WebGPU adapter; webgpu wins on a hardware GPU, where it shares our GpuRuntime's device.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { GpuRuntime } from "../gpu/runtime.ts";

export const BACKEND_NAMES = ["auto", "wasm", "cpu", "webgpu"] as const;
export type BackendName = typeof BACKEND_NAMES[number];

let sharedRuntime: GpuRuntime | undefined;

/** Activate a backend ("auto": webgpu on a hardware adapter, wasm otherwise); returns the backend in use. */
export async function useBackend(name: BackendName = "auto"): Promise<string> {
  const chosen = name === "auto" ? (await hasHardwareAdapter() ? "webgpu" : "wasm") : name;
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

/** Keeps the device of a hardware adapter for tfjs; releases a software one. */
async function hasHardwareAdapter(): Promise<boolean> {
  if (sharedRuntime) return !sharedRuntime.adapterSummary.fallback;
  const runtime = await GpuRuntime.acquire({ notice: () => {} }).catch(() => undefined);
  if (!runtime) return false;
  if (runtime.adapterSummary.fallback) {
    runtime.destroy();
    return false;
  }
  sharedRuntime = runtime;
  return true;
}
