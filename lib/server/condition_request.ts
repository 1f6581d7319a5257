/**
 * One request to condition a run on a waveform, as the condition page's form and the condition API send it: an
 * uploaded CSV (text/csv body, or a `waveform` file in a form) or a pick (`source` = `observation:<id>` of the run,
 * or `data:<file>` of the shared data). Every problem with the input is a BadRequest naming the reason.
 */
import { parseWaveform, resampleWaveform, type Waveform } from "../data/waveform.ts";
import type { ConditionedWaveform } from "../experiments/condition.ts";
import { CONDITION_DEFAULTS } from "../experiments/condition_options.ts";
import { recordingAsObservation } from "../experiments/recordings.ts";
import type { ParameterSpec } from "../prior.ts";
import { readObservation } from "./observations.ts";
import { BadRequest, Busy, type RouteContext } from "./route.ts";

/** The largest request body the server reads (the MEG trial averages are about 5 kB). */
export const MAX_UPLOAD_BYTES = 1 << 20;
const MAX_SAMPLES = 10_000;

export interface ConditionAnswer {
  result: ConditionedWaveform;
  prior: ParameterSpec[];
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

/** The chosen waveform, its label, and whether it is a recording (to be brought to x's units) or already an x. */
async function chosenWaveform(
  { request, store, params, data }: RouteContext,
): Promise<[string, Waveform, "recording" | "x"]> {
  const type = request.headers.get("content-type") ?? "";
  if (/^text\/(csv|plain)\b/.test(type)) {
    const text = await request.text();
    return ["upload", asBadRequest(() => parseWaveform(text, "upload")), "recording"];
  }
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)\b/.test(type)) {
    throw new BadRequest(`send the waveform as text/csv or multipart/form-data, not ${type || "no content type"}`);
  }
  const form = await request.formData().catch(badRequest("the form data is malformed: "));
  const file = form.get("waveform");
  if (file instanceof File && file.size > 0) {
    const label = file.name || "upload", text = await file.text();
    return [label, asBadRequest(() => parseWaveform(text, label)), "recording"];
  }
  const source = String(form.get("source") ?? "");
  const colon = source.indexOf(":");
  const [kind, name] = [source.slice(0, colon), source.slice(colon + 1)];
  if (kind === "observation") {
    const { observation } = await readObservation(store, params.run, name).catch(badRequest());
    if (!observation) throw new BadRequest(`run ${params.run} has no observations`);
    const { times_ms, x } = observation;
    return [observation.label, { times: Float64Array.from(times_ms), values: Float64Array.from(x) }, "x"];
  }
  if (kind === "data") return [name, await data.read(name).catch(badRequest()), "recording"];
  throw new BadRequest("give a waveform file (CSV: time ms, value) or pick an observation or a data file");
}

/** Condition run `params.run` on the request's waveform; `?samples=N` asks for N posterior samples. */
export async function conditionRequest(ctx: RouteContext): Promise<ConditionAnswer> {
  const dir = await ctx.store.dir(ctx.params.run);
  const samples = Number(ctx.url.searchParams.get("samples") ?? CONDITION_DEFAULTS.samples);
  if (!Number.isSafeInteger(samples) || samples < 1 || samples > MAX_SAMPLES) {
    throw new BadRequest(`samples must be a whole number from 1 to ${MAX_SAMPLES}`);
  }
  const [label, waveform, kind] = await chosenWaveform(ctx);
  const run = await ctx.conditioner.run(dir).catch(badRequest(`run ${ctx.params.run} cannot be conditioned: `));
  const x = asBadRequest(() =>
    kind === "x"
      ? resampleWaveform(waveform, run.simulator.timesMs, label)
      : recordingAsObservation(waveform, run.simulator, run.units, label)
  );
  const result = await ctx.conditioner.condition(run, x, label, { ...CONDITION_DEFAULTS, samples }, ctx.request.signal)
    .catch(badRequest(`cannot condition on ${label}: `, ctx.request.signal));
  return { result, prior: run.parameters };
}
