/**
 * The report's conditioning service: one GPU runtime and each run's loaded posterior, kept between requests and
 * reloaded when the run's posterior is rewritten. tfjs and the GPU load on the first request only, so the report
 * starts fast and serves runs without them.
 */
import { join } from "node:path";
import type { ConditionedWaveform, RunPosterior } from "../experiments/condition.ts";
import type { ConditionOptions } from "../experiments/condition_options.ts";
import type { RecordingUnits } from "../experiments/recordings.ts";
import type { GpuRuntime } from "../gpu/runtime.ts";

type ConditionModule = typeof import("../experiments/condition.ts");

export class RunConditioner {
  #setup?: Promise<{ runtime: GpuRuntime; condition: ConditionModule }>;
  readonly #runs = new Map<string, { stamp: number; run: Promise<RunPosterior> }>();

  /** The posterior of the run in folder `dir`; throws, saying what is missing, for a run not trained yet. */
  async run(dir: string): Promise<RunPosterior> {
    const stamp = await Deno.stat(join(dir, "posterior", "posterior.json")).then(
      (s) => s.mtime?.getTime() ?? 0,
      () => -1,
    );
    const cached = this.#runs.get(dir);
    if (cached?.stamp === stamp) return await cached.run;
    if (cached) cached.run.then((old) => old.posterior.dispose(), () => {});
    const { condition } = await this.#ready();
    const run = condition.loadRunPosterior(dir);
    this.#runs.set(dir, { stamp, run });
    run.catch(() => this.#runs.get(dir)?.run === run && this.#runs.delete(dir));
    return await run;
  }

  async condition(
    run: RunPosterior,
    x: Float32Array,
    label: string,
    options: ConditionOptions,
    units: RecordingUnits = run.units,
  ): Promise<ConditionedWaveform> {
    const { runtime, condition } = await this.#ready();
    return await condition.conditionRun(runtime, run, x, label, options, units);
  }

  /** Free the loaded posteriors and the GPU device. */
  async dispose(): Promise<void> {
    for (const { run } of this.#runs.values()) await run.then((r) => r.posterior.dispose(), () => {});
    this.#runs.clear();
    if (this.#setup) (await this.#setup).runtime.destroy();
    this.#setup = undefined;
  }

  #ready() {
    this.#setup ??= (async () => {
      const [{ GpuRuntime }, { useBackend }, condition] = await Promise.all([
        import("../gpu/runtime.ts"),
        import("../tf/backend.ts"),
        import("../experiments/condition.ts"),
      ]);
      await useBackend("auto");
      return { runtime: await GpuRuntime.acquire(), condition };
    })();
    // A failed start (no adapter) is reported to this request and tried again by the next.
    this.#setup.catch(() => (this.#setup = undefined));
    return this.#setup;
  }
}
