/** gaussian_linear: θ ~ N(0, 0.1·I₁₀), x ~ N(θ, 0.1·I₁₀) (0.1 are variances); the posterior is Gaussian. */
import { Prior } from "../prior/prior.ts";
import { names, type SbibmTask } from "./task.ts";

const DIM = 10;
export const GAUSSIAN_LINEAR_VARIANCE = 0.1;

export const gaussianLinear: SbibmTask = {
  name: "gaussian_linear",
  thetaDim: DIM,
  xDim: DIM,
  prior: new Prior(
    names("parameter", DIM).map((name) => ({ name, mean: 0, variance: GAUSSIAN_LINEAR_VARIANCE, scale: "linear" })),
  ),
  simulate: (theta, { normal }) => theta.map((t) => t + Math.sqrt(GAUSSIAN_LINEAR_VARIANCE) * normal()),
};

/**
 * The exact posterior for one x: N(x/2, 0.05·I), since prior and likelihood are both N(·, 0.1·I).
 * (Precision 1/0.1 + 1/0.1 = 20; mean (0/0.1 + x/0.1)/20.)
 */
export function gaussianLinearPosterior(x: ArrayLike<number>): { mean: number[]; variance: number } {
  const v = GAUSSIAN_LINEAR_VARIANCE;
  return { mean: Array.from(x, (xi) => xi / 2), variance: 1 / (2 / v) };
}
