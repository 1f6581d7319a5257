/** The four sbibm tasks by name. */
import { gaussianLinear } from "./gaussian_linear.ts";
import { gaussianMixture } from "./gaussian_mixture.ts";
import { slcp } from "./slcp.ts";
import type { SbibmTask } from "./task.ts";
import { twoMoons } from "./two_moons.ts";

const TASKS: Record<string, SbibmTask> = {
  two_moons: twoMoons,
  gaussian_linear: gaussianLinear,
  slcp,
  gaussian_mixture: gaussianMixture,
};

export const TASK_NAMES = Object.keys(TASKS);

export function getTask(name: string): SbibmTask {
  const task = TASKS[name];
  if (!task) throw new Error(`unknown sbibm task ${name}; choose one of ${TASK_NAMES.join(", ")}`);
  return task;
}
