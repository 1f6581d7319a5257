/** Simulated training pairs for an sbibm task: n prior draws and their simulations, from one seed. */
import { seededUniform } from "../random.ts";
import { seededNormal } from "../stats/normal.ts";
import type { Pairs } from "../train/pairs.ts";
import type { SbibmTask } from "./task.ts";

export function simulateTask(task: SbibmTask, n: number, seed: number): Pairs {
  const uniform = seededUniform(seed);
  const draws = { uniform, normal: seededNormal(uniform) };
  const theta = new Float32Array(task.prior.sample(n, uniform, draws.normal));
  return { theta, x: task.simulate(theta, draws), rows: n, thetaDim: task.thetaDim, xDim: task.xDim };
}
