/**
 * A prior's JSON form: one entry per parameter, in θ's order, with its name, unit, the scale it is drawn on (linear,
 * or log10 for parameters spanning decades) and its distribution on that scale — uniform between `low` and `high`,
 * or normal with `mean` and `variance`. Box bounds are in the parameter's own units (µS, ms, ...), also on a log10
 * scale; a normal's mean and variance are of the value on its scale (of log10 θ on a log10 scale).
 */
import { z } from "zod";

export const SCALES = ["linear", "log10"] as const;
export type Scale = typeof SCALES[number];

interface ParameterBase {
  name: string;
  scale: Scale;
  unit?: string;
}

/** Uniform between low and high on the parameter's scale. */
export interface BoxParameter extends ParameterBase {
  low: number;
  high: number;
}

/** Normal on the parameter's scale; unbounded support. */
export interface NormalParameter extends ParameterBase {
  mean: number;
  variance: number;
}

export type ParameterSpec = BoxParameter | NormalParameter;

export function isBox(p: ParameterSpec): p is BoxParameter {
  return "low" in p;
}

/** One line for people: `name: [low, high] unit (scale)` or `name: N(mean, variance) unit (scale)`. */
export function describeParameter(p: ParameterSpec): string {
  const law = isBox(p) ? `[${p.low}, ${p.high}]` : `N(${p.mean}, ${p.variance})`;
  return `${p.name}: ${law}${p.unit ? ` ${p.unit}` : ""} (${p.scale})`;
}

/** What is wrong with a parameter's bounds on its scale, or undefined when they make a prior. */
export function boundsProblem(low: number, high: number, scale: Scale): string | undefined {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
    return `bounds must be finite with low < high, got [${low}, ${high}]`;
  }
  if (scale === "log10" && low <= 0) return `a log10 scale needs positive bounds, got [${low}, ${high}]`;
}

/** What is wrong with one parameter's declaration, or undefined when it makes a prior. */
export function parameterProblem(p: ParameterSpec): string | undefined {
  if (typeof p.name !== "string" || p.name === "") return "needs a name";
  if (!SCALES.includes(p.scale)) return `scale must be "linear" or "log10", got ${JSON.stringify(p.scale)}`;
  if (isBox(p)) return boundsProblem(p.low, p.high, p.scale);
  if (!Number.isFinite(p.mean)) return `a normal prior needs a finite mean, got ${p.mean}`;
  if (!(Number.isFinite(p.variance) && p.variance > 0)) {
    return `a normal prior needs a finite variance > 0, got ${p.variance}`;
  }
}

/** One parameter as JSON gives it: `scale` defaults to linear; either low and high, or mean and variance. */
export const ParameterSchema = z.strictObject({
  name: z.string().min(1),
  unit: z.string().optional(),
  scale: z.enum(SCALES).default("linear"),
  low: z.number().optional(),
  high: z.number().optional(),
  mean: z.number().optional(),
  variance: z.number().optional(),
}).superRefine((p, ctx) => {
  const box = p.low !== undefined || p.high !== undefined;
  const normal = p.mean !== undefined || p.variance !== undefined;
  if (box === normal) {
    ctx.addIssue({ code: "custom", message: "give either low and high (uniform) or mean and variance (normal)" });
    return;
  }
  const missing = (box ? ["low", "high"] as const : ["mean", "variance"] as const).filter((k) => p[k] === undefined);
  for (const key of missing) ctx.addIssue({ code: "custom", message: "missing", path: [key] });
  if (missing.length > 0) return;
  const problem = parameterProblem(p as ParameterSpec);
  if (problem) ctx.addIssue({ code: "custom", message: problem, path: [box ? "low" : "variance"] });
}).transform((p): ParameterSpec => {
  const { name, unit, scale } = p;
  const base = unit === undefined ? { name, scale } : { name, unit, scale };
  return p.low !== undefined
    ? { ...base, low: p.low, high: p.high! }
    : { ...base, mean: p.mean!, variance: p.variance! };
});

/** A whole prior: at least one parameter, each named once. */
export const PriorSchema = z.array(ParameterSchema).min(1, "a prior needs at least one parameter").superRefine(
  (parameters, ctx) => {
    const seen = new Set<string>();
    parameters.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: "custom", message: `${p.name} is declared twice`, path: [i, "name"] });
      seen.add(p.name);
    });
  },
);
