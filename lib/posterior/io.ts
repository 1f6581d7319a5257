/**
 * A saved posterior is a folder: posterior.json (format, flow config, standardisation, prior, training summary;
 * readable by people) and weights.bin (the flow's parameters in a self-checking tensor file). Both are written
 * atomically, weights first, so a folder with a posterior.json has complete weights; a damaged weights.bin is
 * reported as corrupt when loaded. Folders of the previous format (its prior in flow coordinates, the dataset
 * prior's parameters beside it) still load.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../data/atomic.ts";
import { ConditionalFlow, type FlowConfig } from "../flows/flow.ts";
import type { Standardization } from "../flows/standardize.ts";
import { Prior } from "../prior/prior.ts";
import type { ParameterSpec } from "../prior/schema.ts";
import { decodeTensorFile, encodeTensorFile } from "../train/tensor_file.ts";
import { Posterior } from "./posterior.ts";

export const POSTERIOR_FORMAT = "neurosbi-posterior/2";
/** The previous format, still read. */
const POSTERIOR_FORMAT_1 = "neurosbi-posterior/1";
const MANIFEST = "posterior.json";
const WEIGHTS = "weights.bin";

export interface PosteriorManifest {
  format: typeof POSTERIOR_FORMAT;
  flow: FlowConfig;
  standardization: Standardization;
  /** The prior, in the parameters' units (lib/prior/schema.ts); the flow learns θ in its flow coordinates. */
  prior: ParameterSpec[];
  /** Free-form facts about how it was trained (data, epochs, losses, timings). */
  training: Record<string, unknown>;
  created: string;
}

/** The previous format: its prior in flow coordinates, and the dataset prior's parameters when there was one. */
interface PosteriorManifest1 extends Omit<PosteriorManifest, "format" | "prior"> {
  format: typeof POSTERIOR_FORMAT_1;
  prior:
    | { kind: "box"; names: string[]; low: number[]; high: number[] }
    | { kind: "normal"; names: string[]; mean: number[]; variance: number[] };
  parameters?: ParameterSpec[];
}

export async function savePosterior(
  dir: string,
  posterior: Posterior,
  training: Record<string, unknown>,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const weights = await posterior.flow.parameters.read();
  await writeFileAtomic(join(dir, WEIGHTS), encodeTensorFile({ format: POSTERIOR_FORMAT }, { weights }));
  const manifest: PosteriorManifest = {
    format: POSTERIOR_FORMAT,
    flow: posterior.flow.config,
    standardization: posterior.flow.standardization,
    prior: posterior.prior.toJSON(),
    training,
    created: new Date().toISOString(),
  };
  await writeFileAtomic(join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
}

/** A previous-format manifest in the current form: its dataset parameters, else its flow-coordinate prior as linear. */
function upgrade(old: PosteriorManifest1): PosteriorManifest {
  const { format: _, prior, parameters, ...rest } = old;
  const linear = prior.kind === "box"
    ? prior.names.map((name, j) => ({ name, low: prior.low[j], high: prior.high[j], scale: "linear" as const }))
    : prior.names.map((name, j) => ({
      name,
      mean: prior.mean[j],
      variance: prior.variance[j],
      scale: "linear" as const,
    }));
  return { format: POSTERIOR_FORMAT, ...rest, prior: parameters ?? linear };
}

export async function loadPosterior(dir: string): Promise<{ posterior: Posterior; manifest: PosteriorManifest }> {
  const manifestPath = join(dir, MANIFEST);
  let text: string;
  try {
    text = await Deno.readTextFile(manifestPath);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new Error(`${dir} holds no trained posterior (no ${MANIFEST})`);
    throw error;
  }
  let read: PosteriorManifest | PosteriorManifest1;
  try {
    read = JSON.parse(text);
  } catch {
    throw new Error(`${manifestPath} is corrupt (not valid JSON)`);
  }
  if (read?.format !== POSTERIOR_FORMAT && read?.format !== POSTERIOR_FORMAT_1) {
    throw new Error(`${manifestPath} is not a ${POSTERIOR_FORMAT} file`);
  }
  const manifest = read.format === POSTERIOR_FORMAT_1 ? upgrade(read) : read;
  const prior = Prior.fromJSON(manifest.prior, `${manifestPath}: prior`);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(join(dir, WEIGHTS));
  } catch {
    throw new Error(`${dir} has no readable ${WEIGHTS}`);
  }
  const { groups } = decodeTensorFile(bytes, join(dir, WEIGHTS));
  const flow = new ConditionalFlow(manifest.flow, manifest.standardization);
  try {
    flow.parameters.assign(groups.weights ?? []);
  } catch (error) {
    flow.dispose();
    throw new Error(`${join(dir, WEIGHTS)} does not match ${MANIFEST}: ${(error as Error).message}`);
  }
  return { posterior: new Posterior(flow, prior), manifest };
}
