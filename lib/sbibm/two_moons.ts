/** two_moons: θ ~ U[-1, 1]², x a noisy crescent shifted by a rotated |θ| (bimodal, crescent-shaped posterior). */
import { type SbibmTask, uniformBox } from "./task.ts";

const C = Math.cos(-Math.PI / 4), S = Math.sin(-Math.PI / 4);

export const twoMoons: SbibmTask = {
  name: "two_moons",
  thetaDim: 2,
  xDim: 2,
  prior: uniformBox(2, -1, 1),
  simulate(theta, { uniform, normal }) {
    const x = new Float32Array(theta.length);
    for (let i = 0; i < theta.length / 2; i++) {
      const a = Math.PI * (uniform() - 0.5);
      const r = 0.1 + 0.01 * normal();
      const t1 = theta[2 * i], t2 = theta[2 * i + 1];
      const z0 = C * t1 - S * t2, z1 = S * t1 + C * t2;
      x[2 * i] = r * Math.cos(a) + 0.25 - Math.abs(z0);
      x[2 * i + 1] = r * Math.sin(a) + z1;
    }
    return x;
  },
};
