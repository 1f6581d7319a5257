/**
 * `experiment --time-budget S`: one step of a long experiment. The experiment runs in a child process of this
 * command; when the budget is spent the child is stopped (SIGTERM), which leaves the run folder resumable like any
 * killed run (docs/runs.md: dataset shards, the training checkpoint), and the step prints what is done and what is
 * left. The same command again takes the next step.
 */
import { describeRunProgress, readRunProgress } from "../experiments/run_progress.ts";
import { readRunLock } from "../runs/lock.ts";
import { EXPERIMENT_FILE, LOCK_FILE, runPath } from "../runs/paths.ts";
import { cliArgs } from "./self_command.ts";

/** Exit status of a step that stopped at its budget with work left (BSD's EX_TEMPFAIL: "try again"). */
export const MORE_STEPS_EXIT = 75;
/** Seconds a stopped child has to exit before it is killed outright. */
const GRACE_SECONDS = 30;

/**
 * Run `experiment ARGS` for at most `seconds`, then report on `out`. Returns the exit status for the command: 0 when
 * the experiment finished (or reached its --until stage), MORE_STEPS_EXIT when the budget ran out first.
 */
export async function experimentStep(args: string[], out: string, seconds: number): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: cliArgs(["experiment", ...args]),
    stdin: "null",
  }).spawn();
  let stopped = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = setTimeout(() => {
    stopped = true;
    child.kill("SIGTERM");
    killTimer = setTimeout(() => child.kill("SIGKILL"), GRACE_SECONDS * 1000);
  }, seconds * 1000);
  const status = await child.status;
  clearTimeout(stop);
  clearTimeout(killTimer);
  if (!stopped && !status.success) throw new Error(`the experiment stopped with exit status ${status.code}`);
  // The stopped child had no time to release its lock. It is gone, which a later step on another host (a cluster
  // node) tells only once the heartbeat is stale, so its lock goes now: the next step resumes at once, anywhere.
  if (stopped && (await readRunLock(out))?.pid === child.pid) await Deno.remove(runPath(out, LOCK_FILE));
  if (stopped && !(await Deno.stat(runPath(out, EXPERIMENT_FILE)).then(() => true, () => false))) {
    console.log(`time budget of ${seconds} s spent before the run began: the same command starts it`);
    return MORE_STEPS_EXIT;
  }
  const progress = await readRunProgress(out);
  console.log(
    stopped
      ? `time budget of ${seconds} s spent: stopped the experiment; the same command takes the next step`
      : `step done: the experiment ${progress.status === "complete" ? "is complete" : "reached its --until stage"}`,
  );
  for (const line of describeRunProgress(progress)) console.log(`  ${line}`);
  return stopped ? MORE_STEPS_EXIT : 0;
}
