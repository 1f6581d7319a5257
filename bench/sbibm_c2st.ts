/**
 * `deno run --allow-read --allow-write --allow-env bench/sbibm_c2st.ts [--tasks a,b] [--sims 1000,10000]
 *  [--observations 1-10] [--flows two_moons=nsf,...] [--batch 200] [--max-epochs N] [--backend auto|webgpu|wasm|...]
 *  [--out runs/sbibm]`
 *
 * NPE on the sbibm tasks, scored by C2ST against the reference posteriors. One network is trained per task and
 * simulation budget and conditioned on each observation (NPE is amortised); samples land in
 * OUT/<task>/<sims>/observation_K.csv (all observations first, then the scoring), the posterior in
 * OUT/<task>/<sims>/posterior. Results accumulate in OUT/c2st.json (a finished (task, sims) is skipped when
 * the script is run again; one interrupted while scoring resumes from its samples; observations added to a finished
 * run are drawn from its saved posterior) and OUT/c2st.md, next to sbi's published figures.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import {
  BACKEND_NAMES,
  type BackendName,
  c2st,
  DEFAULT_TRAINING,
  flowConfig,
  type FlowKind,
  formatSamplesCsv,
  getTask,
  loadObservation,
  loadPosterior,
  loadReferenceSamples,
  parseNumericCsv,
  Posterior,
  savePosterior,
  sbibmDir,
  simulateTask,
  TASK_NAMES,
  trainNpe,
  useBackend,
  writeFileAtomic,
} from "../mod.ts";

interface RunResult {
  task: string;
  sims: number;
  flow: FlowKind;
  batchSize: number;
  epochs: number;
  bestEpoch: number;
  /** Whether the epoch cap, not early stopping, ended the training. */
  capped?: boolean;
  trainSeconds: number;
  c2st: Record<string, number>;
  acceptance: Record<string, number>;
  mean: number;
  sbi: number;
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    tasks: { type: "string", default: TASK_NAMES.join(",") },
    sims: { type: "string", default: "10000" },
    observations: { type: "string", default: "1-10" },
    flows: { type: "string", default: "two_moons=nsf,slcp=nsf,gaussian_mixture=nsf,gaussian_linear=nsf" },
    // sbi's NPE default; sbibm's own runs used 10,000 (whole-dataset steps at 10⁴).
    batch: { type: "string", default: String(DEFAULT_TRAINING.batchSize) },
    // A cap on the epochs; a run resumed with a cap at or below its last finished epoch ends there, on its best weights.
    "max-epochs": { type: "string", default: String(DEFAULT_TRAINING.maxEpochs) },
    out: { type: "string", default: "runs/sbibm" },
    seed: { type: "string", default: "1" },
    backend: { type: "string", default: "auto" },
  },
});
const [first, last] = values.observations.split("-").map(Number);
const observations = Array.from({ length: (last ?? first) - first + 1 }, (_, i) => first + i);
const flows = Object.fromEntries(values.flows.split(",").map((kv) => kv.split("="))) as Record<string, FlowKind>;
const seed = Number(values.seed);
const batchSize = Number(values.batch);
if (!Number.isSafeInteger(batchSize) || batchSize <= 0) throw new Error(`--batch must be a positive integer`);
const maxEpochs = Number(values["max-epochs"]);
if (!Number.isSafeInteger(maxEpochs) || maxEpochs <= 0) throw new Error(`--max-epochs must be a positive integer`);
const sbiTable: { c2st: Record<string, Record<string, number>> } = JSON.parse(
  await Deno.readTextFile(join(sbibmDir(), "sbi_npe_c2st.json")),
);
const resultsPath = join(values.out, "c2st.json");
const results: RunResult[] = JSON.parse(await Deno.readTextFile(resultsPath).catch(() => "[]"));

await Deno.mkdir(values.out, { recursive: true });
if (!(BACKEND_NAMES as readonly string[]).includes(values.backend)) {
  throw new Error(`--backend must be one of ${BACKEND_NAMES.join(", ")}, not ${values.backend}`);
}
const backend = await useBackend(values.backend as BackendName);
for (const sims of values.sims.split(",").map(Number)) {
  for (const name of values.tasks.split(",")) {
    const done = results.find((r) => r.task === name && r.sims === sims);
    if (done && observations.every((k) => k in done.c2st)) continue;
    const task = getTask(name);
    const dir = join(values.out, name, String(sims));
    // A run interrupted while scoring resumes from its saved samples; otherwise train and sample afresh.
    const result = done ?? await trainAndSample(name, sims, dir);
    // Observations added to a finished run are drawn from its saved posterior.
    const unsampled = observations.filter((k) => !(k in result.acceptance));
    if (unsampled.length > 0) {
      const { posterior } = await loadPosterior(join(dir, "posterior"));
      await sampleObservations(name, posterior, dir, unsampled, result.acceptance);
      posterior.dispose();
      await saveResults();
    }
    for (const k of observations) {
      if (k in result.c2st) continue;
      const samples = parseNumericCsv(await Deno.readTextFile(samplesPath(dir, k)), samplesPath(dir, k)).data;
      result.c2st[k] = await c2st(await loadReferenceSamples(name, k), samples, task.thetaDim);
      result.mean = average(Object.values(result.c2st));
      // sbi's figure over the same observations.
      result.sbi = average(Object.keys(result.c2st).map((o) => sbiTable.c2st[`NPE/${name}/${sims}`]?.[o] ?? NaN));
      console.error(`  ${name} observation ${k}: C2ST ${result.c2st[k].toFixed(3)}`);
      await saveResults();
    }
  }
}
console.log(markdown(results));

/** Trains one network, writes 10,000 samples per observation, and records the run (not yet scored). */
async function trainAndSample(name: string, sims: number, dir: string): Promise<RunResult> {
  const task = getTask(name);
  const flow = flows[name] ?? "maf";
  console.error(`${name}, ${sims} simulations, ${flow}, batch ${batchSize} (${backend})`);
  await Deno.mkdir(dir, { recursive: true });
  const training = await trainNpe(
    simulateTask(task, sims, seed),
    flowConfig(flow, task.thetaDim, task.xDim, { seed }),
    { ...DEFAULT_TRAINING, batchSize, maxEpochs, seed },
    {
      // Long runs (10⁵ pairs) survive an interruption: the same command resumes training.
      checkpointPath: join(dir, "checkpoint.bin"),
      onEpoch: (e) =>
        e.epoch % 25 === 0 && console.error(`  epoch ${e.epoch}: validation ${e.validationLoss.toFixed(4)}`),
    },
  );
  const posterior = new Posterior(training.flow, task.prior);
  await savePosterior(join(dir, "posterior"), posterior, { sims, seed, epochs: training.epochs });
  await Deno.remove(join(dir, "checkpoint.bin")).catch(() => {});
  const acceptance: Record<string, number> = {};
  await sampleObservations(name, posterior, dir, observations, acceptance);
  posterior.dispose();
  const result: RunResult = {
    task: name,
    sims,
    flow,
    batchSize,
    epochs: training.epochs,
    bestEpoch: training.bestEpoch,
    capped: training.epochs - training.bestEpoch < DEFAULT_TRAINING.stopAfterEpochs,
    trainSeconds: training.seconds,
    c2st: {},
    acceptance,
    mean: NaN,
    sbi: NaN,
  };
  results.push(result);
  await saveResults();
  return result;
}

/** Writes 10,000 posterior samples per observation and records each acceptance rate. */
async function sampleObservations(
  name: string,
  posterior: Posterior,
  dir: string,
  ks: number[],
  acceptance: Record<string, number>,
): Promise<void> {
  for (const k of ks) {
    const drawn = await posterior.sample(10_000, await loadObservation(name, k), { seed: seed + k });
    await writeFileAtomic(samplesPath(dir, k), formatSamplesCsv(getTask(name).prior.names, drawn.samples));
    acceptance[k] = drawn.acceptanceRate;
  }
}

function samplesPath(dir: string, observation: number): string {
  return join(dir, `observation_${observation}.csv`);
}

async function saveResults(): Promise<void> {
  await writeFileAtomic(resultsPath, JSON.stringify(results, null, 2) + "\n");
  await writeFileAtomic(join(values.out, "c2st.md"), markdown(results));
}

function average(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function markdown(rows: RunResult[]): string {
  const lines = [
    `C2ST, mean over observations (backend ${backend}); one NPE network per task and budget`,
    "",
    "| task | sims | flow | batch | ours | observations scored | sbi NPE | ours − sbi | epochs (best) | training s |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of [...rows].sort((a, b) => a.task.localeCompare(b.task) || a.sims - b.sims)) {
    lines.push(
      `| ${r.task} | ${r.sims} | ${r.flow} | ${r.batchSize ?? DEFAULT_TRAINING.batchSize} | ${r.mean.toFixed(3)} | ${
        Object.keys(r.c2st).length
      } | ${r.sbi.toFixed(3)} | ${(r.mean - r.sbi).toFixed(3)} | ` +
        `${r.epochs} (${r.bestEpoch})${r.capped ? ", capped" : ""} | ${r.trainSeconds.toFixed(0)} |`,
    );
  }
  return lines.join("\n") + "\n";
}
