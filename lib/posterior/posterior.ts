/**
 * sbi's DirectPosterior: samples from the trained flow, rejected into the prior's support, with the acceptance rate
 * reported; a rate that collapses (the flow puts almost no mass inside the support) is an error, not a hang.
 * The flow learns θ in its prior's flow coordinates (log10 θ for log10 parameters); the posterior maps between them
 * and the parameters' units, so callers pass and get θ in the prior's units.
 */
import type { ConditionalFlow } from "../flows/flow.ts";
import { seededUniform } from "../random.ts";
import { seededNormal } from "../stats/normal.ts";
import type { Prior } from "../prior/prior.ts";

/** Draws examined before a low acceptance rate counts as the posterior missing the prior's support. */
const MIN_EXAMINED = 10_000;
/** Fewest draws per later round of rejection. */
const MIN_BATCH = 100;

export interface SampleOptions {
  seed?: number;
  /** Give up when fewer than this fraction of draws land in the support (sbi warns at 10⁻³ or so). */
  minAcceptance?: number;
  /** Draws per round of rejection (default: n, then as many as the acceptance so far says are missing). */
  batchSize?: number;
}

export interface PosteriorSamples {
  /** Rows of θ in the prior's units. */
  samples: Float32Array;
  acceptanceRate: number;
}

export interface LogProbOptions {
  /**
   * "prior" (default): the density of θ in the prior's units, the log10 map's Jacobian included. "flow": the density
   * of θ's flow coordinates, on the scale where a box prior is flat (what HPD regions are ranked by in the checks).
   */
  density?: "prior" | "flow";
}

export class Posterior {
  constructor(readonly flow: ConditionalFlow, readonly prior: Prior) {
    if (prior.dim !== flow.config.thetaDim) {
      throw new Error(`the prior has ${prior.dim} parameters, the flow ${flow.config.thetaDim}`);
    }
  }

  get thetaDim(): number {
    return this.flow.config.thetaDim;
  }

  get xDim(): number {
    return this.flow.config.xDim;
  }

  /** n samples of θ | x in the prior's units, all inside the prior's support. */
  async sample(n: number, x: ArrayLike<number>, options: SampleOptions = {}): Promise<PosteriorSamples> {
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new RangeError(`number of samples must be a positive integer, got ${n}`);
    }
    this.#checkX(x);
    const d = this.thetaDim;
    const minAcceptance = options.minAcceptance ?? 1e-3;
    const normal = seededNormal(seededUniform(options.seed ?? 0));
    const bounds = this.prior.flowBounds();
    const out = new Float32Array(n * d);
    let accepted = 0, examined = 0;
    // The samples are the first n in-support draws of the seed's stream whatever the batches, so the batches only
    // set the cost: n first, then what the acceptance so far says is missing.
    let batch = options.batchSize ?? n;
    while (accepted < n) {
      const draws = await this.flow.sample(batch, x, normal);
      for (let r = 0; r < batch && accepted < n; r++, examined++) {
        if (!this.prior.inFlowSupport(draws, r, bounds)) continue;
        out.set(draws.subarray(r * d, (r + 1) * d), accepted * d);
        accepted++;
      }
      if (accepted < n && examined >= MIN_EXAMINED && accepted / examined < minAcceptance) {
        throw new Error(
          `only ${accepted} of ${examined} posterior draws fell inside the prior's support ` +
            `(acceptance ${(accepted / examined).toExponential(1)}): the posterior does not fit this x`,
        );
      }
      if (options.batchSize === undefined) {
        // None in the support yet: up to MIN_EXAMINED draws, where a rate this low becomes an error.
        const wanted = accepted === 0 ? MIN_EXAMINED - examined : 1.2 * (n - accepted) * examined / accepted;
        batch = Math.min(MIN_EXAMINED, Math.max(MIN_BATCH, Math.ceil(wanted)));
      }
    }
    return { samples: this.prior.fromFlow(out), acceptanceRate: accepted / examined };
  }

  /**
   * log q(θ | x) for rows of θ (the prior's units) and one x; −∞ outside the prior's support (unnormalised by the
   * acceptance rate).
   */
  async logProb(theta: ArrayLike<number>, x: ArrayLike<number>, options: LogProbOptions = {}): Promise<Float32Array> {
    this.#checkX(x);
    const d = this.thetaDim;
    if (theta.length % d !== 0) throw new Error(`θ rows must have ${d} values`);
    const rows = theta.length / d;
    const xs = new Float32Array(rows * this.xDim);
    for (let r = 0; r < rows; r++) xs.set(Array.from(x), r * this.xDim);
    const flowTheta = this.prior.toFlow(theta);
    const values = await this.flow.logProbRows(flowTheta, xs);
    const bounds = this.prior.flowBounds();
    for (let r = 0; r < rows; r++) {
      if (!this.prior.inFlowSupport(flowTheta, r, bounds)) values[r] = -Infinity;
      else if (options.density !== "flow") values[r] += this.prior.logJacobian(theta, r);
    }
    return values;
  }

  dispose(): void {
    this.flow.dispose();
  }

  #checkX(x: ArrayLike<number>): void {
    if (x.length !== this.xDim) throw new Error(`x has ${x.length} values, the posterior expects ${this.xDim}`);
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) throw new Error(`x holds a non-finite value (${x[i]}) at position ${i + 1}`);
    }
  }
}
