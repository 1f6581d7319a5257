/**
 * Experiments as data: an experiment file (JSON, docs/experiments.md) gives the model (a network spec, an hnn-core
 * network file or the built-in RC circuit), its parameters with their priors, the simulated window and step, the
 * summary statistic, the observation noise, the budgets and the observations. Checked once, here; every error is one
 * line that names the file and the field.
 */
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { dataPath } from "../data/paths.ts";
import { BETA_MEG } from "../events/beta_meg.ts";
import { DIPOLE_COLUMNS } from "../data/waveform.ts";
import { hnnSimulator } from "../models/hnn.ts";
import { specFromHnnCoreJson } from "../hnn/network/hnncore_json.ts";
import type { NetworkSpec } from "../hnn/spec/types.ts";
import { SpecError, specPrior, validateSpec } from "../hnn/spec/validate.ts";
import type { Simulator } from "../models/model.ts";
import { rcModel } from "../models/rc.ts";
import { windowedSimulator } from "../models/window.ts";
import { Prior } from "../prior/prior.ts";
import { boundsProblem } from "../prior/schema.ts";
import { type AnyRecording, isEventRecording, loadRecording } from "./recordings.ts";
import { type Budget, type ExperimentConfig, type Size, SUMMARIES } from "./types.ts";

/** Simulators that are not networks, by the name an experiment file's `model` gives. */
const BUILT_IN_MODELS: Record<string, Simulator> = { rc: rcModel };

/** Names that are safe as folder and file names (run folders, observations/<id>.json). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const name = (what: string) => z.string().regex(NAME, `${what}: letters, digits, ".", "_" and "-"`);
const count = z.int().positive();
const positive = z.number().positive();

const BudgetSchema = z.strictObject({
  sims: count.describe("training simulations"),
  sbc_pairs: count.describe("prior draws simulated for SBC and expected coverage"),
  sbc_samples: count.describe("posterior samples per SBC pair"),
  grid_points: count.describe("ground truths per dimension of the unit-cube grid (grid_points^d in all)"),
  grid_samples: count.describe("posterior samples per ground truth"),
  predictive_sims: count.describe("simulations from posterior samples per predictive check"),
  observation_samples: count.describe("posterior samples kept per observation and recording"),
});

const ParameterSchema = z.strictObject({
  name: z.string().min(1),
  sets: z.array(z.unknown()).optional().describe("the network fields θ sets (docs/hnn-spec.md); networks only"),
  low: z.number(),
  high: z.number(),
  scale: z.enum(["linear", "log10"]).default("linear"),
  unit: z.string().optional(),
}).superRefine((p, ctx) => {
  const problem = boundsProblem(p.low, p.high, p.scale);
  const field = p.low < p.high && p.scale === "log10" ? "low" : "high";
  if (problem) ctx.addIssue({ code: "custom", message: problem, path: [field] });
});

const ObservationSchema = z.strictObject({
  id: name("id"),
  label: z.string().optional(),
  unit: z.array(z.number().min(0).max(1)).optional().describe("θ on the unit cube"),
  theta: z.array(z.number()).optional().describe("θ in the parameters' units"),
}).refine((o) => (o.unit === undefined) !== (o.theta === undefined), { message: "give either unit or theta" });

const BetaEventsSchema = z.strictObject({
  subjects: z.array(z.int().refine((n) => BETA_MEG.subjects.includes(n), { message: "subjects are 1–10" })).min(1)
    .describe("subjects of data/meg/beta whose events are pooled"),
  bin_nam: z.tuple([z.number(), z.number()]).refine((bin) => binIndex(bin) >= 0, {
    message: `one of the trough amplitude bins ${troughBins().map((b) => `[${b.join(", ")}]`).join(", ")} (nAm)`,
  }).describe("the events' trough amplitude bin, nAm"),
  trough_ms: z.number().describe("where the average's trough lies on the model's time base"),
});

const RecordingSchema = z.strictObject({
  id: name("id"),
  label: z.string().optional(),
  path: z.string().min(1).optional().describe("relative to the experiment file"),
  data: z.string().min(1).optional().describe("relative to the data folder ($NEUROSBI_DATA or data/)"),
  events: BetaEventsSchema.optional().describe("the averaged beta events of data/meg/beta, found at run start"),
  scale: positive.describe("recording units per unit of x: x = recording / scale"),
  smooth_ms: z.number().nonnegative().describe("Hamming window applied to the recording, as to simulated x"),
  column: z.enum(DIPOLE_COLUMNS).default("agg").describe("the column of an hnn-core dipole file (time, agg, L2, L5)"),
  offset_ms: z.number().default(0).describe("added to the file's times to put them on the model's"),
  baseline_ms: z.tuple([z.number(), z.number()]).refine(([from, to]) => from < to, {
    message: "from must be before to",
  })
    .optional().describe("[from, to] ms after the offset: the recording's mean over it is subtracted first"),
}).refine((r) => [r.path, r.data, r.events].filter((v) => v !== undefined).length === 1, {
  message: "give one of path, data or events",
}).refine((r) => !r.events || (r.column === "agg" && r.offset_ms === 0 && r.baseline_ms === undefined), {
  message: "events are placed by events.trough_ms: give no column, offset_ms or baseline_ms",
});

/** The trough amplitude bins of the beta events (lib/events/beta_meg.ts), nAm. */
function troughBins(): [number, number][] {
  const edges = BETA_MEG.binEdgesNam;
  return edges.slice(1).map((upper, i) => [edges[i], upper]);
}

/** Index of `bin` among troughBins(), -1 if it is none of them. */
function binIndex(bin: readonly [number, number]): number {
  return troughBins().findIndex(([lower, upper]) => lower === bin[0] && upper === bin[1]);
}

/** A file without `recording_units`: uploaded waveforms are x already. */
export const DEFAULT_RECORDING_UNITS = { scale: 1, smooth_ms: 0 };

export const ExperimentFileSchema = z.strictObject({
  name: name("name"),
  description: z.string().default(""),
  model: z.enum(Object.keys(BUILT_IN_MODELS)).optional().describe("a built-in simulator instead of a network"),
  network: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional()
    .describe("a neurosbi network spec or an hnn-core network file: a path relative to this file, or inline"),
  extra_drives: z.array(z.record(z.string(), z.unknown())).min(1).optional()
    .describe("drives appended to the network's own (hnn-spec.md#drives): a shipped network extended, not copied"),
  parameters: z.array(ParameterSchema).min(1).optional(),
  dt_ms: positive.optional(),
  tstop_ms: positive.optional(),
  window_ms: z.tuple([z.number(), z.number()]).optional().describe("x restricted to [from, to) ms"),
  smooth_ms: positive.optional().describe("Hamming window smoothing a network's dipole into x, ms (default 20)"),
  dipole_scale: positive.optional()
    .describe("x = smoothed dipole × this (hnn-core's dipole_scalefctr; default 1: one network's nAm)"),
  summary: z.enum(Object.keys(SUMMARIES)).default("pca30"),
  noise_sd: z.number().nonnegative().default(0)
    .describe("standard deviation of the uniform observation noise on every simulated x"),
  budgets: z.strictObject({ small: BudgetSchema.optional(), paper: BudgetSchema.optional() })
    .refine((b) => b.small ?? b.paper, { message: "give at least one size, small or paper" }),
  observations: z.array(ObservationSchema).default([]),
  recordings: z.array(RecordingSchema).default([]),
  recording_pairs: z.array(z.tuple([z.string(), z.string()])).optional()
    .describe("pairs of recording ids whose posteriors are compared; default: the two recordings, if two"),
  recording_units: z.strictObject({ scale: positive, smooth_ms: z.number().nonnegative() })
    .default(DEFAULT_RECORDING_UNITS).describe("how uploaded waveforms map onto x; the default: they are x already"),
});
export type ExperimentFile = z.infer<typeof ExperimentFileSchema>;

export class ExperimentFileError extends Error {
  override name = "ExperimentFileError";
}

/** `parameters[0].high` from zod's ["parameters", 0, "high"]. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`).join("");
}

/** The experiment file at `path`, checked and turned into an experiment; throws one line naming file and field. */
export function loadExperimentFile(path: string): ExperimentConfig {
  let input: unknown;
  try {
    input = JSON.parse(Deno.readTextFileSync(path));
  } catch (error) {
    throw new ExperimentFileError(`${path}: cannot read it as JSON: ${(error as Error).message}`);
  }
  return experimentFromJson(input, path);
}

/** An experiment from a file's parsed JSON; relative paths in it are relative to `source`'s folder. */
export function experimentFromJson(input: unknown, source: string): ExperimentConfig {
  const parsed = ExperimentFileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = fieldPath(issue.path);
    throw new ExperimentFileError(`${source}: ${where ? `${where}: ` : ""}${issue.message}`);
  }
  const file = parsed.data;
  const fail = (field: string, message: string): never => {
    throw new ExperimentFileError(`${source}: ${field ? `${field}: ` : ""}${message}`);
  };
  const base = dirname(resolve(source));
  const model = file.network !== undefined
    ? networkModel(file, readNetwork(file.network, base, fail), fail)
    : builtInModel(file, fail);
  try {
    model.simulator(model.dtMs);
  } catch (error) {
    fail("window_ms", (error as Error).message);
  }
  const prior = model.prior;
  const ids = new Set<string>();
  const newId = (id: string, field: string) => {
    if (ids.has(id)) fail(field, `"${id}" is used twice`);
    ids.add(id);
  };
  const observations = file.observations.map((o, i) => {
    const field = `observations[${i}]`;
    newId(o.id, `${field}.id`);
    const values = o.unit ?? o.theta!;
    if (values.length !== prior.dim) {
      fail(`${field}.${o.unit ? "unit" : "theta"}`, `needs ${prior.dim} values (${prior.names.join(", ")})`);
    }
    if (o.theta) {
      try {
        prior.assertInSupport(o.theta, () => "θ");
      } catch (error) {
        fail(`${field}.theta`, (error as Error).message);
      }
    }
    const unit = o.unit ?? Array.from(prior.toUnit(o.theta!));
    return { id: o.id, label: o.label ?? `θ unit [${unit.join(", ")}]`, unit };
  });
  const recordings: AnyRecording[] = file.recordings.map((r, i) => {
    newId(r.id, `recordings[${i}].id`);
    const common = { id: r.id, label: r.label ?? r.id, scale: r.scale, smoothMs: r.smooth_ms };
    if (r.events) {
      const { subjects, bin_nam, trough_ms } = r.events;
      return { ...common, subjects, bin: binIndex(bin_nam), troughMs: trough_ms };
    }
    return {
      ...common,
      path: r.path !== undefined ? resolve(base, r.path) : dataPath(r.data!),
      column: r.column,
      offsetMs: r.offset_ms,
      ...(r.baseline_ms ? { baselineMs: r.baseline_ms } : {}),
    };
  });
  const recordingIds = recordings.map((r) => r.id);
  file.recording_pairs?.forEach((pair, i) =>
    pair.forEach((id, j) => {
      if (!recordingIds.includes(id)) {
        fail(`recording_pairs[${i}][${j}]`, `"${id}" is not one of the recordings (${recordingIds.join(", ")})`);
      }
    })
  );
  const budgets: Partial<Record<Size, Budget>> = {};
  for (const size of ["small", "paper"] as const) {
    const b = file.budgets[size];
    if (!b) continue;
    budgets[size] = {
      sims: b.sims,
      sbcPairs: b.sbc_pairs,
      sbcSamples: b.sbc_samples,
      gridPoints: b.grid_points,
      gridSamples: b.grid_samples,
      predictiveSims: b.predictive_sims,
      observationSamples: b.observation_samples,
    };
  }
  return {
    name: file.name,
    simulator: model.simulator,
    dtMs: model.dtMs,
    description: file.description,
    summary: file.summary,
    noise: file.noise_sd * Math.sqrt(3),
    observations,
    ...(recordings.length ? { recordings } : {}),
    ...(file.recording_pairs ? { recordingPairs: file.recording_pairs } : {}),
    recordingUnits: { scale: file.recording_units.scale, smoothMs: file.recording_units.smooth_ms },
    budgets,
    source,
    document: {
      ...(input as Record<string, unknown>),
      ...(model.network ? { network: model.network } : {}),
      recordings: file.recordings.map((r, i) => {
        const recording = recordings[i];
        if (!isEventRecording(recording)) return { ...r, path: recording.path, data: undefined };
        // A file's column and offset have no part in events (placed by their trough_ms).
        const { column: _column, offset_ms: _offset, ...events } = r;
        return events;
      }),
    },
  };
}

type Fail = (field: string, message: string) => never;

interface Model {
  simulator: (dtMs: number) => Simulator;
  prior: Prior;
  dtMs: number;
  /** The network as given (a spec or an hnn-core network), inline. */
  network?: Record<string, unknown>;
}

function readNetwork(network: string | Record<string, unknown>, base: string, fail: Fail): Record<string, unknown> {
  if (typeof network !== "string") return network;
  const path = resolve(base, network);
  try {
    const json = JSON.parse(Deno.readTextFileSync(path));
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new Error("not a JSON object");
    return json;
  } catch (error) {
    return fail("network", `cannot read ${path}: ${(error as Error).message}`);
  }
}

/** x restricted to the file's window, if it gives one. */
function windowed(file: ExperimentFile, simulator: Simulator): Simulator {
  return file.window_ms ? windowedSimulator(simulator, ...file.window_ms) : simulator;
}

function networkModel(file: ExperimentFile, network: Record<string, unknown>, fail: Fail): Model {
  if (file.model !== undefined) fail("model", "give either a network or a built-in model, not both");
  const hnnCore = network.object_type === "Network";
  if (hnnCore && file.tstop_ms === undefined) fail("tstop_ms", "an hnn-core network file has no simulated time");
  const dtMs = file.dt_ms ?? (hnnCore ? 0.025 : (network.dt_ms as number));
  const tstopMs = file.tstop_ms ?? (network.tstop_ms as number);
  const specAt = (dt: number): NetworkSpec => {
    const spec = hnnCore ? specFromHnnCoreJson(network, dt, tstopMs) : { ...network as unknown as NetworkSpec };
    // Checked with the network by validateSpec: the targets must exist in it.
    const parameters = (file.parameters as NetworkSpec["parameters"]) ?? spec.parameters;
    const extra = (file.extra_drives ?? []) as unknown as NonNullable<NetworkSpec["drives"]>;
    const drives = [...spec.drives ?? [], ...extra];
    return { ...spec, dt_ms: dt, tstop_ms: tstopMs, parameters, drives };
  };
  let prior: Prior;
  let spec: NetworkSpec | undefined;
  try {
    spec = specAt(dtMs);
    prior = specPrior(validateSpec(spec).parameters);
  } catch (error) {
    const message = (error as Error).message;
    // The spec's messages start with the field's path: this file's own parameters or extra drives, or the network's.
    const own = error instanceof SpecError && file.parameters && message.startsWith("parameters");
    const extra = spec && file.extra_drives &&
      extraDriveMessage(message, spec.drives!.length - file.extra_drives.length, file.extra_drives.map((d) => d.name));
    return extra ? fail("", extra) : fail(own ? "" : "network", message);
  }
  const modelName = file.name.startsWith("hnn-") ? file.name : `hnn-${file.name}`;
  const simulator = (dt: number) =>
    windowed(
      file,
      hnnSimulator(modelName, `${file.description}; dt ${dt} ms`, prior, specAt(dt), {
        ...(file.smooth_ms !== undefined ? { smoothMs: file.smooth_ms } : {}),
        ...(file.dipole_scale !== undefined ? { scale: file.dipole_scale } : {}),
      }),
    );
  return { simulator, prior, dtMs, network };
}

/**
 * A spec error about an extra drive (`drives[first + j]` or `drives.NAME`) as one about `extra_drives[j]`; undefined
 * for errors about anything else.
 */
function extraDriveMessage(message: string, first: number, names: unknown[]): string | undefined {
  const match = /^drives(?:\[(\d+)\]|\.([^:.[\s]+))/.exec(message);
  if (!match) return undefined;
  const j = match[1] !== undefined ? Number(match[1]) - first : names.indexOf(match[2]);
  return j >= 0 ? `extra_drives[${j}]${message.slice(match[0].length)}` : undefined;
}

function builtInModel(file: ExperimentFile, fail: Fail): Model {
  if (file.model === undefined) return fail("network", "give a network (or a built-in model)");
  const model = BUILT_IN_MODELS[file.model];
  for (const field of ["dt_ms", "tstop_ms"] as const) {
    if (file[field] !== undefined) fail(field, `the ${file.model} model has its own time base`);
  }
  for (const field of ["smooth_ms", "dipole_scale", "extra_drives"] as const) {
    if (file[field] !== undefined) fail(field, `the ${file.model} model is not a network: its x has no dipole`);
  }
  const own = model.prior.names;
  file.parameters?.forEach((p, i) => {
    if (p.sets !== undefined) fail(`parameters[${i}].sets`, `the ${file.model} model is not a network`);
    if (p.name !== own[i]) fail(`parameters[${i}].name`, `the ${file.model} model's parameters are ${own.join(", ")}`);
  });
  if (file.parameters && file.parameters.length !== own.length) {
    fail("parameters", `the ${file.model} model's parameters are ${own.join(", ")}`);
  }
  const prior = file.parameters
    ? new Prior(
      file.parameters.map(({ name, low, high, scale, unit }) => ({
        name,
        low,
        high,
        scale,
        ...(unit ? { unit } : {}),
      })),
    )
    : model.prior;
  const simulator = windowed(file, { ...model, prior });
  return { simulator: () => simulator, prior, dtMs: model.dtMs };
}

/**
 * Read every recording of `config` as the model at `dtMs` sees it: a missing file, or one that does not cover the
 * model's window, is one line naming the field.
 */
export async function checkRecordings(config: ExperimentConfig, dtMs = config.dtMs): Promise<void> {
  const simulator = config.simulator(dtMs);
  for (const [i, recording] of (config.recordings ?? []).entries()) {
    try {
      await loadRecording(recording, simulator);
    } catch (error) {
      throw new ExperimentFileError(`${config.source}: recordings[${i}]: ${(error as Error).message}`);
    }
  }
}
