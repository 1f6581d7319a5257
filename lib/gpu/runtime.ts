/**
 * The one owner of the WebGPU device: adapter choice, limit checks, pipeline cache and buffer traffic.
 * Kernels' host modules describe bindings and dispatch shapes; they never create devices themselves.
 */

import { DispatchList } from "./dispatch_list.ts";
import { type Grid, gridFor, WORKGROUP_SIZE } from "./grid.ts";

/** What users and manifests are told about the adapter a run used. */
export interface AdapterSummary {
  description: string;
  vendor: string;
  architecture: string;
  fallback: boolean;
  backend: string;
}

export interface AcquireOptions {
  /** Limits the kernels need beyond WebGPU's defaults; checked against the adapter before the device is made. */
  requiredLimits?: Record<string, number>;
  /** Where the one-time software-adapter notice goes (stderr by default). */
  notice?: (message: string) => void;
}

/** Thrown when no adapter exists or one lacks a limit a kernel needs; the CLI turns it into a one-line error. */
export class GpuUnavailableError extends Error {
  override name = "GpuUnavailableError";
}

/** Raise the limits every neurosbi kernel may use up to what the adapter offers. */
const WANTED_LIMITS = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxStorageBuffersPerShaderStage",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupsPerDimension",
] as const;

let softwareNoticeGiven = false;

const STAGING_BYTES = 16 * 2 ** 20;

export class GpuRuntime {
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  readonly #modules = new Map<string, GPUShaderModule>();
  #staging?: GPUBuffer;
  /** Reads share one staging buffer, so they run one after another. */
  #readQueue: Promise<void> = Promise.resolve();

  private constructor(
    readonly device: GPUDevice,
    readonly adapterSummary: AdapterSummary,
  ) {}

  /** Prefer a hardware adapter; fall back to the software one and say so once. */
  static async acquire(options: AcquireOptions = {}): Promise<GpuRuntime> {
    quietVulkanLoader();
    if (!("gpu" in navigator) || !navigator.gpu) {
      throw new GpuUnavailableError("WebGPU is not available in this runtime (navigator.gpu is missing)");
    }
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" }) ??
      await navigator.gpu.requestAdapter();
    if (!adapter) {
      throw new GpuUnavailableError(
        "no WebGPU adapter found: install a GPU driver or Mesa (apt-get install mesa-vulkan-drivers)",
      );
    }
    const info = adapter.info;
    const fallback = Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter);
    const summary: AdapterSummary = {
      description: info.description || info.device || "unknown adapter",
      vendor: info.vendor,
      architecture: info.architecture,
      fallback,
      backend: Deno.env.get("DENO_WEBGPU_BACKEND") ?? "auto",
    };
    if (fallback && !softwareNoticeGiven) {
      softwareNoticeGiven = true;
      (options.notice ?? ((m) => console.error(m)))(
        `note: no hardware GPU adapter; using the software adapter (${summary.description})`,
      );
    }
    const required: Record<string, number> = {};
    for (const name of WANTED_LIMITS) required[name] = limitOf(adapter.limits, name);
    for (const [name, need] of Object.entries(options.requiredLimits ?? {})) {
      const have = limitOf(adapter.limits, name);
      if (have < need) {
        throw new GpuUnavailableError(
          `adapter ${summary.description} offers ${name} = ${have}, a kernel needs ${need}`,
        );
      }
      required[name] = Math.max(required[name] ?? 0, need);
    }
    const device = await adapter.requestDevice({ requiredLimits: required });
    device.addEventListener("uncapturederror", (event) => {
      console.error(`webgpu: ${(event as GPUUncapturedErrorEvent).error.message}`);
    });
    return new GpuRuntime(device, summary);
  }

  /** Bytes one storage binding may span: the unit of chunked dispatch. */
  get maxBindingBytes(): number {
    return Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize);
  }

  /** How many items of `bytesPerItem` fit one binding, so callers can split a batch into chunks. */
  itemsPerBinding(bytesPerItem: number): number {
    return Math.max(1, Math.floor(this.maxBindingBytes / bytesPerItem));
  }

  /** Compile (once per source and entry point) a compute pipeline. */
  pipeline(code: string, entryPoint = "main"): GPUComputePipeline {
    const key = `${entryPoint}\u0000${code}`;
    let pipeline = this.#pipelines.get(key);
    if (!pipeline) {
      let module = this.#modules.get(code);
      if (!module) {
        module = this.device.createShaderModule({ code });
        this.#modules.set(code, module);
      }
      pipeline = this.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint } });
      this.#pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /** A storage buffer (readable back and writable), uploaded from `data` or zeroed with `data` bytes. */
  storage(data: ArrayBufferView | number): GPUBuffer {
    return this.#buffer(data, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST);
  }

  /** A uniform buffer holding `data` (padded to 16 bytes as WGSL requires). */
  uniform(data: ArrayBufferView): GPUBuffer {
    return this.#buffer(data, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  }

  /** Overwrite the start of `buffer` with `data`. */
  write(buffer: GPUBuffer, data: ArrayBufferView, offsetBytes = 0): void {
    this.device.queue.writeBuffer(buffer, offsetBytes, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  }

  /** A bind group of `pipeline`'s group `group` with `buffers[i]` at binding i. */
  bind(pipeline: GPUComputePipeline, buffers: readonly GPUBuffer[], group = 0): GPUBindGroup {
    return this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(group),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  /** The grid of `workgroupSize`-thread workgroups covering `invocations` threads on this device (see grid.ts). */
  grid(invocations: number, workgroupSize = WORKGROUP_SIZE): Grid {
    return gridFor(this.device.limits, invocations, workgroupSize);
  }

  /** Bind `buffers[i]` at group 0, binding i, and submit one dispatch. */
  run(pipeline: GPUComputePipeline, buffers: GPUBuffer[], workgroups: readonly number[]): void {
    new DispatchList().add(pipeline, [this.bind(pipeline, buffers)], workgroups).submit(this.device);
  }

  /** Copy `bytes` of `buffer` (from `offsetBytes`) back to the host. */
  async read(buffer: GPUBuffer, bytes = buffer.size, offsetBytes = 0): Promise<ArrayBuffer> {
    const out = new Uint8Array(bytes);
    await this.readInto(buffer, out, offsetBytes);
    return out.buffer;
  }

  /**
   * Copy `buffer` from `offsetBytes` into `target` (its whole length), through one reused staging buffer:
   * piecewise mapping is ~3× faster on the software adapter than mapping one large fresh buffer.
   */
  readInto(buffer: GPUBuffer, target: ArrayBufferView, offsetBytes = 0): Promise<void> {
    const dst = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
    const task = this.#readQueue.then(async () => {
      this.#staging ??= this.device.createBuffer({
        size: STAGING_BYTES,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      const staging = this.#staging;
      for (let done = 0; done < dst.length; done += STAGING_BYTES) {
        const length = Math.min(STAGING_BYTES, dst.length - done);
        const copied = align4(length);
        const encoder = this.device.createCommandEncoder();
        encoder.copyBufferToBuffer(buffer, offsetBytes + done, staging, 0, copied);
        this.device.queue.submit([encoder.finish()]);
        await staging.mapAsync(GPUMapMode.READ, 0, copied);
        dst.set(new Uint8Array(staging.getMappedRange(0, copied), 0, length), done);
        staging.unmap();
      }
    });
    this.#readQueue = task.catch(() => {});
    return task;
  }

  /** Release the device; further calls fail. */
  destroy(): void {
    this.#staging?.destroy();
    this.#pipelines.clear();
    this.#modules.clear();
    this.device.destroy();
  }

  #buffer(data: ArrayBufferView | number, usage: number): GPUBuffer {
    const bytes = typeof data === "number" ? data : data.byteLength;
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    if (size > this.maxBindingBytes) {
      throw new RangeError(
        `buffer of ${bytes} bytes exceeds this adapter's binding limit of ${this.maxBindingBytes}: dispatch in chunks`,
      );
    }
    const buffer = this.device.createBuffer({ size, usage });
    if (typeof data !== "number") this.write(buffer, data);
    return buffer;
  }
}

/** Split `total` items into consecutive chunks of at most `perChunk`. */
export function chunks(total: number, perChunk: number): { start: number; count: number }[] {
  if (!(perChunk >= 1)) throw new RangeError(`chunk size must be at least 1, got ${perChunk}`);
  const out = [];
  for (let start = 0; start < total; start += perChunk) out.push({ start, count: Math.min(perChunk, total - start) });
  return out;
}

/**
 * Mesa's Vulkan driver prints "XDG_RUNTIME_DIR is invalid" on every start unless the variable names a private
 * folder; give it one so users see only our own output.
 */
function quietVulkanLoader(): void {
  if (Deno.build.os !== "linux" || Deno.env.get("XDG_RUNTIME_DIR")) return;
  const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/neurosbi-runtime-${Deno.env.get("USER") ?? "user"}`;
  try {
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Deno.chmodSync(dir, 0o700);
    Deno.env.set("XDG_RUNTIME_DIR", dir);
  } catch {
    // Only a cosmetic warning is at stake.
  }
}

function limitOf(limits: GPUSupportedLimits, name: string): number {
  return (limits as unknown as Record<string, number>)[name] ?? 0;
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}
