/** gaussian_mixture: θ ~ U[-10, 10]², x ~ ½ N(θ, I) + ½ N(θ, 0.01·I) (one component per draw). */
import { type SbibmTask, uniformBox } from "./task.ts";

export const gaussianMixture: SbibmTask = {
  name: "gaussian_mixture",
  thetaDim: 2,
  xDim: 2,
  prior: uniformBox(2, -10, 10),
  simulate(theta, { uniform, normal }) {
    const x = new Float32Array(theta.length);
    for (let i = 0; i < theta.length / 2; i++) {
      const sd = uniform() < 0.5 ? 1 : 0.1;
      x[2 * i] = theta[2 * i] + sd * normal();
      x[2 * i + 1] = theta[2 * i + 1] + sd * normal();
    }
    return x;
  },
};
