/**
 * Slurm as a cluster engine: batch scripts with #SBATCH headers, `sbatch --parsable` to submit, `squeue` for states
 * (no accounting database needed), `scancel` to withdraw jobs.
 */
import { join } from "node:path";
import { shellQuote } from "../shell.ts";
import type { ClusterEngine, JobScript, JobState, Resources } from "./engine.ts";

const PENDING = new Set(["PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "SUSPENDED", "STOPPED"]);
const RUNNING = new Set(["RUNNING", "COMPLETING", "STAGE_OUT", "RESIZING", "SIGNALING"]);

async function onPath(program: string): Promise<boolean> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").filter(Boolean)) {
    const found = await Deno.stat(join(dir, program)).then((s) => s.isFile, () => false);
    if (found) return true;
  }
  return false;
}

async function run(program: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const result = await new Deno.Command(program, { args, stdin: "null" }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  return { ok: result.success, stdout: decode(result.stdout), stderr: decode(result.stderr) };
}

/** The scheduler's complaint on one line, without its "sbatch: error:" prefixes. */
function oneLine(text: string): string {
  return text.split("\n").map((l) => l.replace(/^\w+: error: /, "").trim()).filter(Boolean).join("; ");
}

export const slurm: ClusterEngine = {
  name: "slurm",

  async checkAvailable() {
    for (const program of ["sbatch", "squeue", "scancel"]) {
      if (!(await onPath(program))) {
        throw new Error(`no ${program} on PATH: run this on a Slurm login node (or put Slurm's commands on PATH)`);
      }
    }
  },

  script(job: JobScript, resources: Resources): string {
    const header = [
      `--job-name=${job.name}`,
      `--output=${job.log}`,
      "--ntasks=1",
      ...(resources.partition ? [`--partition=${resources.partition}`] : []),
      ...(job.gpu && resources.gpusPerTask > 0 ? [`--gpus-per-task=${resources.gpusPerTask}`] : []),
      ...(resources.time ? [`--time=${resources.time}`] : []),
      ...resources.extraArgs,
    ];
    return [
      "#!/bin/bash",
      ...header.map((arg) => `#SBATCH ${arg}`),
      "set -euo pipefail",
      `cd ${shellQuote(job.workdir)}`,
      `exec ${job.command.map(shellQuote).join(" ")}`,
      "",
    ].join("\n");
  },

  async submit(scriptPath, { array, afterOk }) {
    const args = ["--parsable"];
    if (array) args.push(`--array=${array.join(",")}`);
    if (afterOk && afterOk.length > 0) args.push(`--dependency=afterok:${afterOk.join(":")}`);
    const result = await run("sbatch", [...args, scriptPath]);
    const id = result.stdout.split(";")[0];
    if (!result.ok || !/^\d+$/.test(id)) {
      throw new Error(`sbatch refused the job: ${oneLine(result.stderr || result.stdout) || "no reason given"}`);
    }
    return id;
  },

  async states(ids) {
    const states = new Map<string, JobState>();
    if (ids.length === 0) return states;
    const result = await run("squeue", ["--me", "--states=all", "--array", "--noheader", "--format=%i|%T|%r"]);
    if (!result.ok) throw new Error(`squeue failed: ${oneLine(result.stderr)}`);
    const wanted = new Set(ids);
    for (const line of result.stdout.split("\n")) {
      const [id, state, reason] = line.split("|");
      if (!wanted.has(id)) continue;
      const detail = reason && reason !== "None" ? `${state} (${reason})` : state;
      // A job waiting on a dependency that failed will never start.
      const phase = reason === "DependencyNeverSatisfied"
        ? "failed"
        : PENDING.has(state)
        ? "pending"
        : RUNNING.has(state)
        ? "running"
        : state === "COMPLETED"
        ? "completed"
        : "failed";
      states.set(id, { phase, detail, queued: PENDING.has(state) || RUNNING.has(state) });
    }
    return states;
  },

  async cancel(ids) {
    if (ids.length === 0) return;
    const result = await run("scancel", ids);
    if (!result.ok) throw new Error(`scancel failed: ${oneLine(result.stderr)}`);
  },

  taskId: (arrayJob, index) => `${arrayJob}_${index}`,
};
