/** `sbibm`: simulate a benchmark task, train NPE, and write 10,000 posterior samples for one observation. */
import { assertWritableFile, writeFileAtomic } from "../data/atomic.ts";
import { flowConfig } from "../flows/flow.ts";
import { formatSamplesCsv } from "../posterior/csv.ts";
import { Posterior } from "../posterior/posterior.ts";
import { getTask } from "../sbibm/registry.ts";
import { loadObservation } from "../sbibm/reference.ts";
import { simulateTask } from "../sbibm/simulate.ts";
import { useBackend } from "../tf/backend.ts";
import { trainNpe } from "../train/trainer.ts";
import { type NpeArgs, printEpoch, trainingOptions } from "./npe.ts";

export interface SbibmArgs extends NpeArgs {
  task: string;
  sims: number;
  observation: number;
  out: string;
  samples: number;
}

export async function sbibmCommand(args: SbibmArgs): Promise<void> {
  const task = getTask(args.task);
  const x = await loadObservation(task.name, args.observation);
  if (x.length !== task.xDim) {
    throw new Error(`observation ${args.observation} has ${x.length} values, ${task.name} has ${task.xDim}`);
  }
  await assertWritableFile(args.out);
  const backend = await useBackend(args.backend);
  const pairs = simulateTask(task, args.sims, args.seed);
  const config = flowConfig(args.flow, task.thetaDim, task.xDim, { seed: args.seed });
  const result = await trainNpe(pairs, config, trainingOptions(args), {
    onEpoch: printEpoch,
    log: (m) => console.error(m),
  });
  const posterior = new Posterior(result.flow, task.prior);
  const { samples, acceptanceRate } = await posterior.sample(args.samples, x, { seed: args.seed });
  await writeFileAtomic(args.out, formatSamplesCsv(task.prior.names, samples));
  console.log(
    `${task.name}: ${args.flow} on ${args.sims} simulations (${backend}), ${result.epochs} epochs ` +
      `(best ${result.bestEpoch}) in ${result.seconds.toFixed(0)} s; ${args.samples} samples of observation ` +
      `${args.observation} to ${args.out} (acceptance ${(100 * acceptanceRate).toFixed(1)}%)`,
  );
}
