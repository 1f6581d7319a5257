/**
 * Box priors as the seed paper uses them: each parameter uniform on the unit cube, mapped to its bounds on a
 * linear or log10 scale. Bounds are always in the parameter's own units (µS, ms, ...), also for log10 scales.
 */
import { type Uniform } from "./random.ts";

export type Scale = "linear" | "log10";

export interface ParameterSpec {
  name: string;
  low: number;
  high: number;
  scale: Scale;
  unit?: string;
}

/** What is wrong with a parameter's bounds on its scale, or undefined when they make a prior. */
export function boundsProblem(low: number, high: number, scale: Scale): string | undefined {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
    return `bounds must be finite with low < high, got [${low}, ${high}]`;
  }
  if (scale === "log10" && low <= 0) return `a log10 scale needs positive bounds, got [${low}, ${high}]`;
}

export class Prior {
  readonly parameters: readonly ParameterSpec[];

  constructor(parameters: ParameterSpec[]) {
    if (parameters.length === 0) throw new Error("a prior needs at least one parameter");
    const seen = new Set<string>();
    for (const p of parameters) {
      if (seen.has(p.name)) throw new Error(`parameter ${p.name} is declared twice`);
      seen.add(p.name);
      const problem = boundsProblem(p.low, p.high, p.scale);
      if (problem) throw new Error(`parameter ${p.name}: ${problem}`);
    }
    this.parameters = parameters.map((p) => ({ ...p }));
  }

  get dim(): number {
    return this.parameters.length;
  }

  get names(): string[] {
    return this.parameters.map((p) => p.name);
  }

  /** Map unit-cube coordinates to parameter values, row-major n × dim. */
  fromUnit(unit: ArrayLike<number>): Float64Array {
    return this.#map(unit, (p, u) => {
      if (p.scale === "log10") {
        const lo = Math.log10(p.low), hi = Math.log10(p.high);
        return 10 ** (lo + u * (hi - lo));
      }
      return p.low + u * (p.high - p.low);
    });
  }

  /** Map parameter values to unit-cube coordinates, row-major n × dim. */
  toUnit(values: ArrayLike<number>): Float64Array {
    return this.#map(values, (p, v) => {
      if (p.scale === "log10") {
        const lo = Math.log10(p.low), hi = Math.log10(p.high);
        return (Math.log10(v) - lo) / (hi - lo);
      }
      return (v - p.low) / (p.high - p.low);
    });
  }

  /** Draw n parameter sets, row-major n × dim. */
  sample(n: number, uniform: Uniform): Float64Array {
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new RangeError(`number of samples must be a positive integer, got ${n}`);
    }
    const unit = new Float64Array(n * this.dim);
    for (let i = 0; i < unit.length; i++) unit[i] = uniform();
    return this.fromUnit(unit);
  }

  /**
   * Check every row lies in the support; throws naming the first offending row and parameter.
   * `tolerance` is relative to each parameter's range, so float32-rounded bounds still pass.
   */
  assertInSupport(values: ArrayLike<number>, rowLabel = (i: number) => `row ${i + 1}`, tolerance = 1e-6): void {
    const d = this.dim;
    if (values.length % d !== 0) throw new Error(`expected rows of ${d} values, got ${values.length} values`);
    for (let i = 0; i < values.length / d; i++) {
      for (let j = 0; j < d; j++) {
        const p = this.parameters[j], v = values[i * d + j];
        const slack = tolerance * (p.high - p.low);
        if (!Number.isFinite(v)) throw new Error(`${rowLabel(i)}: ${p.name} is ${v}, not a finite number`);
        if (v < p.low - slack || v > p.high + slack) {
          throw new Error(`${rowLabel(i)}: ${p.name} = ${v} lies outside the prior [${p.low}, ${p.high}]`);
        }
      }
    }
  }

  toJSON(): ParameterSpec[] {
    return this.parameters.map((p) => ({ ...p }));
  }

  #map(values: ArrayLike<number>, f: (p: ParameterSpec, v: number) => number): Float64Array {
    const d = this.dim;
    if (values.length % d !== 0) throw new Error(`expected rows of ${d} values, got ${values.length} values`);
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = f(this.parameters[i % d], values[i]);
    return out;
  }
}
