/**
 * A prior over θ (lib/prior/schema.ts gives its JSON form): per parameter, uniform between bounds or normal, on a
 * linear or log10 scale. It draws θ, maps box priors to and from the unit cube, checks the support, and owns the
 * coordinates a flow learns in: each parameter on its scale (log10 θ for log10 parameters), so a prior spanning
 * decades becomes a box the flow's standardisation handles.
 */
import type { Uniform } from "../random.ts";
import { type Normal, seededNormal } from "../stats/normal.ts";
import { type BoxParameter, isBox, parameterProblem, type ParameterSpec, PriorSchema } from "./schema.ts";

export class Prior {
  readonly parameters: readonly ParameterSpec[];
  readonly #log: boolean[];

  constructor(parameters: readonly ParameterSpec[]) {
    if (parameters.length === 0) throw new Error("a prior needs at least one parameter");
    const seen = new Set<string>();
    for (const p of parameters) {
      if (seen.has(p.name)) throw new Error(`parameter ${p.name} is declared twice`);
      seen.add(p.name);
      const problem = parameterProblem(p);
      if (problem) throw new Error(`parameter ${p.name}: ${problem}`);
    }
    this.parameters = parameters.map((p) => ({ ...p }));
    this.#log = parameters.map((p) => p.scale === "log10");
  }

  /** The prior a JSON value declares; throws one line naming `where` and the first bad field. */
  static fromJSON(value: unknown, where = "prior"): Prior {
    const parsed = PriorSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue.path.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("");
      throw new Error(`${where}${path}: ${issue.message}`);
    }
    return new Prior(parsed.data);
  }

  get dim(): number {
    return this.parameters.length;
  }

  get names(): string[] {
    return this.parameters.map((p) => p.name);
  }

  /** Whether every parameter is uniform between bounds (what the unit cube and θ jitter need). */
  get isBox(): boolean {
    return this.parameters.every(isBox);
  }

  /** The box parameters; throws when a parameter is normal. */
  box(): BoxParameter[] {
    // Copies, as toJSON gives, so callers cannot change the prior.
    const normal = this.parameters.find((p) => !isBox(p));
    if (normal) throw new Error(`parameter ${normal.name} has a normal prior, not a box`);
    return this.toJSON() as BoxParameter[];
  }

  /** Map unit-cube coordinates to parameter values, row-major n × dim (box priors). */
  fromUnit(unit: ArrayLike<number>): Float64Array {
    const box = this.box();
    return this.#map(unit, (u, j) => unitToValue(box[j], u));
  }

  /** Map parameter values to unit-cube coordinates, row-major n × dim (box priors). */
  toUnit(values: ArrayLike<number>): Float64Array {
    const box = this.box();
    return this.#map(values, (v, j) => {
      const p = box[j];
      if (p.scale === "log10") {
        const lo = Math.log10(p.low), hi = Math.log10(p.high);
        return (Math.log10(v) - lo) / (hi - lo);
      }
      return (v - p.low) / (p.high - p.low);
    });
  }

  /**
   * The box prior cut down to `center` ± `halfWidth` of each parameter's range on its scale (unit-cube coordinates,
   * clipped to the cube): what a fit around a tuned θ draws from, in the same units and scales.
   */
  around(center: ArrayLike<number>, halfWidth: number): Prior {
    if (!(halfWidth > 0 && halfWidth <= 0.5)) throw new RangeError(`half-width must lie in (0, 0.5], got ${halfWidth}`);
    this.assertInSupport(center, () => "the centre");
    if (center.length !== this.dim) throw new Error(`the centre has ${center.length} values, the prior ${this.dim}`);
    const unit = this.toUnit(center);
    const box = this.box();
    return new Prior(box.map((p, j) => {
      const lo = Math.max(0, unit[j] - halfWidth), hi = Math.min(1, unit[j] + halfWidth);
      return { ...p, low: lo === 0 ? p.low : unitToValue(p, lo), high: hi === 1 ? p.high : unitToValue(p, hi) };
    }));
  }

  /**
   * Draw n parameter sets, row-major n × dim: one uniform per box value, one normal per normal value, in row-major
   * order. The normal draws come from `normal`, by default Box–Muller on `uniform`.
   */
  sample(n: number, uniform: Uniform, normal?: Normal): Float64Array {
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new RangeError(`number of samples must be a positive integer, got ${n}`);
    }
    const d = this.dim;
    const gaussian = normal ?? (this.isBox ? undefined : seededNormal(uniform));
    const onScale = new Float64Array(n * d);
    for (let i = 0; i < onScale.length; i++) {
      const p = this.parameters[i % d];
      onScale[i] = isBox(p) ? uniform() : p.mean + Math.sqrt(p.variance) * gaussian!();
    }
    // Box values were drawn on the unit cube, normal ones on their scale.
    return this.#map(onScale, (v, j) => {
      const p = this.parameters[j];
      return isBox(p) ? unitToValue(p, v) : this.#log[j] ? 10 ** v : v;
    });
  }

  /**
   * Check every row lies in the support; throws naming the first offending row and parameter.
   * `tolerance` is relative to each box parameter's range, so float32-rounded bounds still pass.
   */
  assertInSupport(values: ArrayLike<number>, rowLabel = (i: number) => `row ${i + 1}`, tolerance = 1e-6): void {
    const d = this.dim;
    if (values.length % d !== 0) throw new Error(`expected rows of ${d} values, got ${values.length} values`);
    for (let i = 0; i < values.length / d; i++) {
      for (let j = 0; j < d; j++) {
        const p = this.parameters[j], v = values[i * d + j];
        if (!Number.isFinite(v)) throw new Error(`${rowLabel(i)}: ${p.name} is ${v}, not a finite number`);
        if (!isBox(p)) {
          if (this.#log[j] && v <= 0) throw new Error(`${rowLabel(i)}: ${p.name} = ${v} is not positive (log10 scale)`);
          continue;
        }
        const slack = tolerance * (p.high - p.low);
        if (v < p.low - slack || v > p.high + slack) {
          throw new Error(`${rowLabel(i)}: ${p.name} = ${v} lies outside the prior [${p.low}, ${p.high}]`);
        }
      }
    }
  }

  /** θ in flow coordinates: each value on its parameter's scale (log10 θ for log10 parameters). */
  toFlow(theta: ArrayLike<number>): Float32Array {
    return Float32Array.from({ length: theta.length }, (_, i) => {
      const j = i % this.dim;
      return this.#log[j] ? Math.log10(theta[i]) : theta[i];
    });
  }

  /** θ in the parameters' units from flow coordinates. */
  fromFlow(values: ArrayLike<number>): Float32Array {
    return Float32Array.from(
      { length: values.length },
      (_, i) => (this.#log[i % this.dim] ? 10 ** values[i] : values[i]),
    );
  }

  /** Each parameter's bounds in flow coordinates (±∞ for normal parameters). */
  flowBounds(): { low: number[]; high: number[] } {
    const onScale = (v: number, j: number) => (this.#log[j] ? Math.log10(v) : v);
    return {
      low: this.parameters.map((p, j) => (isBox(p) ? onScale(p.low, j) : -Infinity)),
      high: this.parameters.map((p, j) => (isBox(p) ? onScale(p.high, j) : Infinity)),
    };
  }

  /** Whether row `row` of a row-major matrix in flow coordinates lies in the support. */
  inFlowSupport(values: ArrayLike<number>, row: number, bounds = this.flowBounds()): boolean {
    const d = this.dim;
    for (let j = 0; j < d; j++) {
      const v = values[row * d + j];
      if (!Number.isFinite(v) || v < bounds.low[j] || v > bounds.high[j]) return false;
    }
    return true;
  }

  /** log |d(flow coordinates)/dθ| of row `row` of θ: −Σ ln(θ ln 10) over the log10 parameters. */
  logJacobian(theta: ArrayLike<number>, row: number): number {
    let sum = 0;
    for (let j = 0; j < this.dim; j++) if (this.#log[j]) sum -= Math.log(theta[row * this.dim + j] * Math.LN10);
    return sum;
  }

  toJSON(): ParameterSpec[] {
    return this.parameters.map((p) => ({ ...p }));
  }

  #map(values: ArrayLike<number>, f: (v: number, j: number) => number): Float64Array {
    const d = this.dim;
    if (values.length % d !== 0) throw new Error(`expected rows of ${d} values, got ${values.length} values`);
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = f(values[i], i % d);
    return out;
  }
}

/** A unit-cube coordinate mapped to the parameter's bounds on its scale. */
function unitToValue(p: BoxParameter, u: number): number {
  if (p.scale === "log10") {
    const lo = Math.log10(p.low), hi = Math.log10(p.high);
    return 10 ** (lo + u * (hi - lo));
  }
  return p.low + u * (p.high - p.low);
}
