/**
 * A saved posterior is a folder: posterior.json (format, flow config, standardisation, prior, training summary;
 * readable by people) and weights.bin (the flow's parameters in a self-checking tensor file). Both are written
 * atomically, weights first, so a folder with a posterior.json has complete weights; a damaged weights.bin is
 * reported as corrupt when loaded.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../data/atomic.ts";
import { ConditionalFlow, type FlowConfig } from "../flows/flow.ts";
import type { Standardization } from "../flows/standardize.ts";
import { decodeTensorFile, encodeTensorFile } from "../train/tensor_file.ts";
import { Posterior } from "./posterior.ts";
import type { ParameterSpec } from "../prior.ts";
import type { PriorSpec } from "./support.ts";

export const POSTERIOR_FORMAT = "neurosbi-posterior/1";
const MANIFEST = "posterior.json";
const WEIGHTS = "weights.bin";

export interface PosteriorManifest {
  format: typeof POSTERIOR_FORMAT;
  flow: FlowConfig;
  standardization: Standardization;
  prior: PriorSpec;
  /** Free-form facts about how it was trained (data, epochs, losses, timings). */
  training: Record<string, unknown>;
  /**
   * The dataset prior's parameters when θ was learnt in flow coordinates (log10 of log10-scaled parameters,
   * lib/posterior/coordinates.ts): samples map back to the parameters' units through them.
   */
  parameters?: ParameterSpec[];
  created: string;
}

export async function savePosterior(
  dir: string,
  posterior: Posterior,
  training: Record<string, unknown>,
  parameters?: ParameterSpec[],
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const weights = await posterior.flow.parameters.read();
  await writeFileAtomic(join(dir, WEIGHTS), encodeTensorFile({ format: POSTERIOR_FORMAT }, { weights }));
  const manifest: PosteriorManifest = {
    format: POSTERIOR_FORMAT,
    flow: posterior.flow.config,
    standardization: posterior.flow.standardization,
    prior: posterior.prior,
    training,
    ...(parameters ? { parameters } : {}),
    created: new Date().toISOString(),
  };
  await writeFileAtomic(join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
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
  let manifest: PosteriorManifest;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new Error(`${manifestPath} is corrupt (not valid JSON)`);
  }
  if (manifest?.format !== POSTERIOR_FORMAT) throw new Error(`${manifestPath} is not a ${POSTERIOR_FORMAT} file`);
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
  return { posterior: new Posterior(flow, manifest.prior), manifest };
}
