/**
 * What training needs from a dataset's manifest, checked before any file is loaded or epoch run: a prior of at
 * least one well-formed parameter, θ's column names equal to the prior's, and x's time base. A hand-edited or
 * foreign manifest then fails in one line naming the file and the field, instead of deep inside training.
 */
import type { DatasetManifest } from "../data/dataset.ts";
import { Prior } from "../prior/prior.ts";

export function assertTrainableManifest(manifest: DatasetManifest, path: string): void {
  const fail = (field: string, why: string) => new Error(`${path}: ${field} ${why}`);
  const { n, prior, theta_names: names, times_ms: times } = manifest;
  if (!Number.isSafeInteger(n) || n < 0) throw fail("n", `must be a count of rows, got ${JSON.stringify(n)}`);
  if (!Array.isArray(prior) || prior.length === 0) throw fail("prior", "must list at least one parameter");
  prior.forEach((p, i) => {
    if (typeof p?.name !== "string" || p.name === "") throw fail(`prior[${i}].name`, "must be a non-empty string");
    if (typeof p.low !== "number" || typeof p.high !== "number") {
      throw fail(`prior[${i}] (${p.name})`, "needs numeric low and high");
    }
    if (p.scale !== "linear" && p.scale !== "log10") {
      throw fail(`prior[${i}].scale`, `must be "linear" or "log10", got ${JSON.stringify(p.scale)}`);
    }
  });
  try {
    new Prior(prior);
  } catch (error) {
    throw fail("prior", (error as Error).message);
  }
  const priorNames = prior.map((p) => p.name);
  if (!Array.isArray(names) || names.length !== priorNames.length || names.some((name, i) => name !== priorNames[i])) {
    throw fail("theta_names", `must name θ's columns as the prior does (${priorNames.join(", ")})`);
  }
  if (!Array.isArray(times) || times.length === 0 || !times.every(Number.isFinite)) {
    throw fail("times_ms", "must list the finite time of each column of x");
  }
}
