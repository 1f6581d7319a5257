/** slcp: θ ~ U[-3, 3]⁵; x = four draws of a 2-D Gaussian whose mean, scales and correlation θ sets (four posterior modes). */
import { type SbibmTask, uniformBox } from "./task.ts";

const DRAWS = 4;

export const slcp: SbibmTask = {
  name: "slcp",
  thetaDim: 5,
  xDim: 2 * DRAWS,
  prior: uniformBox(5, -3, 3),
  simulate(theta, { normal }) {
    const rows = theta.length / 5;
    const x = new Float32Array(rows * 2 * DRAWS);
    for (let i = 0; i < rows; i++) {
      const [m1, m2, t3, t4, t5] = theta.subarray(5 * i, 5 * i + 5);
      const s1 = t3 * t3, s2 = t4 * t4, rho = Math.tanh(t5);
      // Cholesky factor of [[s1², ρ s1 s2], [ρ s1 s2, s2²]] + 1e-6 I.
      const a = s1 * s1 + 1e-6, b = rho * s1 * s2, c = s2 * s2 + 1e-6;
      const l11 = Math.sqrt(a), l21 = b / l11, l22 = Math.sqrt(Math.max(c - l21 * l21, 0));
      for (let k = 0; k < DRAWS; k++) {
        const u = normal(), v = normal();
        x[i * 2 * DRAWS + 2 * k] = m1 + l11 * u;
        x[i * 2 * DRAWS + 2 * k + 1] = m2 + l21 * u + l22 * v;
      }
    }
    return x;
  },
};
