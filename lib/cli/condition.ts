/** `condition`: a finished run's posterior conditioned on a recorded waveform, written as an observation record. */
import { assertWritableFile, writeFileAtomic } from "../data/atomic.ts";
import { parseWaveform } from "../data/waveform.ts";
import { conditionRun, loadRunPosterior } from "../experiments/condition.ts";
import { recordingAsObservation } from "../experiments/recordings.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { type BackendName, useBackend } from "../tf/backend.ts";
import { readInputFile } from "./read_input.ts";

export interface ConditionArgs {
  run: string;
  waveform: string;
  out: string;
  samples: number;
  predictiveSims: number;
  seed: number;
  backend: BackendName;
}

export async function conditionCommand(args: ConditionArgs): Promise<void> {
  const text = await readInputFile(args.waveform);
  const waveform = parseWaveform(text, args.waveform);
  await assertWritableFile(args.out);
  await useBackend(args.backend);
  const run = await loadRunPosterior(args.run);
  const runtime = await GpuRuntime.acquire({ requiredLimits: run.simulator.requiredLimits });
  try {
    const x = recordingAsObservation(waveform, run.simulator, run.units, args.waveform);
    const result = await conditionRun(runtime, run, x, args.waveform, args);
    await writeFileAtomic(args.out, JSON.stringify(result) + "\n");
    console.log(
      `wrote ${args.samples} posterior samples and predictive bands to ${args.out} ` +
        `(acceptance into the prior's support ${(100 * result.acceptance_rate).toFixed(1)}%)`,
    );
  } finally {
    run.posterior.dispose();
    runtime.destroy();
  }
}
