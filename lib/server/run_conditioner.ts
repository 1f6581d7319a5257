/**
 * The report's conditioning service: one GPU runtime and each run's loaded posterior, kept between requests and
 * reloaded when the run's posterior is rewritten. tfjs and the GPU load on the first request only, so the report
 * starts fast and serves runs without them. A few jobs run at once and a few more wait their turn; beyond that
 * requests are refused as busy, and a job whose client went away stops between steps.
 */
import PQueue from "p-queue";
import type { ConditionedWaveform } from "../experiments/condition.ts";
import type { RunPosterior } from "../experiments/types.ts";
import type { ConditionOptions } from "../experiments/condition_options.ts";
import type { RecordingUnits } from "../experiments/recordings.ts";
import type { GpuRuntime } from "../gpu/runtime.ts";
import { POSTERIOR_FILE, runPath } from "../runs/paths.ts";
import { Busy } from "./errors.ts";

type ConditionModule = typeof import("../experiments/condition.ts");

export interface ConditionerLimits {
  /** Jobs that run at once (they share one GPU, so more only slows each down). */
  running: number;
  /** Jobs that may wait for a turn while all run; more are refused as busy. */
  waiting: number;
}

export const CONDITIONER_LIMITS: ConditionerLimits = { running: 2, waiting: 8 };

/** What a busy answer asks the client to wait, in seconds: about one queue's worth of jobs on a CPU adapter. */
const RETRY_AFTER_S = 5;

export class RunConditioner {
  #setup?: Promise<{ runtime: GpuRuntime; condition: ConditionModule }>;
  readonly #runs = new Map<string, { stamp: number; run: Promise<RunPosterior> }>();
  readonly #queue: PQueue;
  #running = 0;
  #completed = 0;

  constructor(readonly limits: ConditionerLimits = CONDITIONER_LIMITS) {
    this.#queue = new PQueue({ concurrency: limits.running });
  }

  /** Jobs computing now (an abandoned one until it reaches its next step), waiting, and finished with a result. */
  get load(): { running: number; waiting: number; completed: number } {
    return { running: this.#running, waiting: this.#queue.size, completed: this.#completed };
  }

  /** The posterior of the run in folder `dir`; throws, saying what is missing, for a run not trained yet. */
  async run(dir: string): Promise<RunPosterior> {
    const stamp = await Deno.stat(runPath(dir, POSTERIOR_FILE)).then(
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

  /** Condition when a turn comes; Busy when too many wait; rejects with `signal`'s reason once it aborts. */
  async condition(
    run: RunPosterior,
    x: Float32Array,
    label: string,
    options: ConditionOptions,
    signal?: AbortSignal,
    units: RecordingUnits = run.units,
  ): Promise<ConditionedWaveform> {
    const { runtime, condition } = await this.#ready();
    if (this.#queue.pending >= this.limits.running && this.#queue.size >= this.limits.waiting) {
      const jobs = this.#queue.pending + this.#queue.size;
      throw new Busy(`the report is busy with ${jobs} conditioning jobs: try again in a few seconds`, RETRY_AFTER_S);
    }
    return await this.#queue.add(async () => {
      this.#running++;
      try {
        const result = await condition.conditionRun(runtime, run, x, label, options, signal, units);
        this.#completed++;
        return result;
      } finally {
        this.#running--;
      }
    }, { signal });
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
