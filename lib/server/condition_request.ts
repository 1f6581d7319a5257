/**
 * One request to condition a run on a waveform, as the condition page's form and the condition API send it: an
 * uploaded recording (text/csv body, or a `waveform` file in a form; two columns or an hnn-core dipole file) or a
 * pick (`source` = `observation:<id>` of the run, or `data:<file>` of the shared data). A recording's preparation
 * comes as fields of the form or, with a text/csv body, of the query: `column` (agg, L2, L5), `scale`, `smooth_ms`,
 * `offset_ms`, `baseline_from` and `baseline_to` (ms); empty ones take the run's experiment's. Every problem with
 * the input is a BadRequest naming the reason.
 */
import { DIPOLE_COLUMNS, type DipoleColumn, parseWaveform, resampleWaveform, type Waveform } from "../data/waveform.ts";
import type { ConditionedWaveform } from "../experiments/condition.ts";
import { CONDITION_DEFAULTS } from "../experiments/condition_options.ts";
import { prepareRecording, type RecordingProcessing, type RecordingUnits } from "../experiments/recordings.ts";
import type { BoxParameter } from "../prior/schema.ts";
import { readObservation } from "./observations.ts";
import { BadRequest, Busy } from "./errors.ts";
import type { RouteContext } from "./route.ts";

/** The largest request body the server reads (the MEG trial averages are about 5 kB). */
export const MAX_UPLOAD_BYTES = 1 << 20;
const MAX_SAMPLES = 10_000;

export interface ConditionAnswer {
  result: ConditionedWaveform;
  prior: BoxParameter[];
  /** Which part of a longer recording was used; empty when none was left out. */
  cut: string;
}

/** Input errors (plain Errors from the parsers and the posterior) as 400s with the reason. */
function asBadRequest<T>(what: () => T): T {
  try {
    return what();
  } catch (error) {
    throw new BadRequest((error as Error).message);
  }
}

/** Input errors as 400s; a busy server and an abandoned request keep their own answers. */
const badRequest = (prefix = "", signal?: AbortSignal) => (error: Error): never => {
  throw error instanceof BadRequest || error instanceof Busy || signal?.aborted
    ? error
    : new BadRequest(prefix + error.message);
};

/** A recording's preparation as the request's fields give it (`field` reads one; absent or empty: null). */
interface PreparationFields {
  column: DipoleColumn;
  /** Absent: the run's experiment's. */
  scale?: number;
  smoothMs?: number;
  offsetMs?: number;
  baselineMs?: [number, number];
}

function preparationFields(field: (name: string) => string | null): PreparationFields {
  const number = (name: string, check: (n: number) => boolean, what: string) => {
    const text = field(name)?.trim();
    if (!text) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || !check(n)) throw new BadRequest(`${name} must be ${what}, not ${JSON.stringify(text)}`);
    return n;
  };
  const column = field("column")?.trim() || "agg";
  if (!(DIPOLE_COLUMNS as readonly string[]).includes(column)) {
    throw new BadRequest(`column must be one of ${DIPOLE_COLUMNS.join(", ")}, not ${JSON.stringify(column)}`);
  }
  const from = number("baseline_from", () => true, "a time in ms");
  const to = number("baseline_to", () => true, "a time in ms");
  if ((from === undefined) !== (to === undefined)) throw new BadRequest("give both baseline_from and baseline_to");
  if (from !== undefined && !(from < to!)) throw new BadRequest("baseline_from must be before baseline_to");
  return {
    column: column as DipoleColumn,
    scale: number("scale", (n) => n !== 0, "a non-zero number"),
    smoothMs: number("smooth_ms", (n) => n >= 0, "0 or a positive number of ms"),
    offsetMs: number("offset_ms", () => true, "a number of ms"),
    baselineMs: from === undefined ? undefined : [from, to!],
  };
}

/** The fields over the run's units: what the recording is prepared with. */
function recordingProcessing(fields: PreparationFields, units: RecordingUnits): RecordingProcessing {
  return {
    column: fields.column,
    scale: fields.scale ?? units.scale,
    smoothMs: fields.smoothMs ?? units.smoothMs,
    offsetMs: fields.offsetMs,
    baselineMs: fields.baselineMs,
  };
}

interface ChosenWaveform {
  label: string;
  waveform: Waveform;
  /** A recording is prepared (brought to x's units); an observation of the run is already an x. */
  kind: "recording" | "x";
  fields: PreparationFields;
}

/** The chosen waveform, its label, whether it is a recording or already an x, and the preparation asked for. */
async function chosenWaveform({ request, store, params, data, url }: RouteContext): Promise<ChosenWaveform> {
  const type = request.headers.get("content-type") ?? "";
  if (/^text\/(csv|plain)\b/.test(type)) {
    const fields = preparationFields((name) => url.searchParams.get(name));
    const text = await request.text();
    const waveform = asBadRequest(() => parseWaveform(text, "upload", fields.column));
    return { label: "upload", waveform, kind: "recording", fields };
  }
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)\b/.test(type)) {
    throw new BadRequest(`send the waveform as text/csv or multipart/form-data, not ${type || "no content type"}`);
  }
  const form = await request.formData().catch(badRequest("the form data is malformed: "));
  const fields = preparationFields((name) => {
    const value = form.get(name);
    return typeof value === "string" ? value : null;
  });
  const file = form.get("waveform");
  if (file instanceof File && file.size > 0) {
    const label = file.name || "upload", text = await file.text();
    return {
      label,
      waveform: asBadRequest(() => parseWaveform(text, label, fields.column)),
      kind: "recording",
      fields,
    };
  }
  const source = String(form.get("source") ?? "");
  const colon = source.indexOf(":");
  const [kind, name] = [source.slice(0, colon), source.slice(colon + 1)];
  if (kind === "observation") {
    const { observation } = await readObservation(store, params.run, name).catch(badRequest());
    if (!observation) throw new BadRequest(`run ${params.run} has no observations`);
    const { times_ms, x } = observation;
    const waveform = { times: Float64Array.from(times_ms), values: Float64Array.from(x) };
    return { label: observation.label, waveform, kind: "x", fields };
  }
  if (kind === "data") {
    return {
      label: name,
      waveform: await data.read(name, fields.column).catch(badRequest()),
      kind: "recording",
      fields,
    };
  }
  throw new BadRequest(
    "give a waveform file (time ms and value, or an hnn-core dipole file) or pick an observation or a data file",
  );
}

/** Condition run `params.run` on the request's waveform; `?samples=N` asks for N posterior samples. */
export async function conditionRequest(ctx: RouteContext): Promise<ConditionAnswer> {
  const dir = await ctx.store.dir(ctx.params.run);
  const samples = Number(ctx.url.searchParams.get("samples") ?? CONDITION_DEFAULTS.samples);
  if (!Number.isSafeInteger(samples) || samples < 1 || samples > MAX_SAMPLES) {
    throw new BadRequest(`samples must be a whole number from 1 to ${MAX_SAMPLES}`);
  }
  const { label, waveform, kind, fields } = await chosenWaveform(ctx);
  const run = await ctx.conditioner.run(dir).catch(badRequest(`run ${ctx.params.run} cannot be conditioned: `));
  const processing = kind === "x" ? run.units : recordingProcessing(fields, run.units);
  const { x, cut } = asBadRequest(() =>
    kind === "x"
      ? { x: resampleWaveform(waveform, run.simulator.timesMs, label), cut: "" }
      : prepareRecording(waveform, run.simulator, processing, label)
  );
  const options = { ...CONDITION_DEFAULTS, samples }, signal = ctx.request.signal;
  const result = await ctx.conditioner.condition(run, x, label, options, signal, processing)
    .catch(badRequest(`cannot condition on ${label}: `, signal));
  return { result, prior: run.posterior.prior.box(), cut };
}
