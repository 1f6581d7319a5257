/** What neurosbi asks of a cluster's batch scheduler; Slurm (slurm.ts) is the one engine. */

/** Resources of every job of a submission. */
export interface Resources {
  partition?: string;
  /** GPUs per array task; 0 requests none (a CPU-only test cluster). */
  gpusPerTask: number;
  /** Wall-clock limit per job, the scheduler's format (Slurm: [D-]HH:MM:SS). */
  time?: string;
  /** Passed to the scheduler as they are, one per line of the script's header. */
  extraArgs: string[];
}

/** One batch script: the command it runs and where its output goes. */
export interface JobScript {
  name: string;
  /** Program and arguments, run from `workdir`. */
  command: string[];
  workdir: string;
  /** Output log; the engine's placeholders (Slurm: %A array job, %a task, %j job) may appear. */
  log: string;
  /** Whether the job simulates (and so gets the GPUs). */
  gpu: boolean;
}

/** A scheduler's view of one job or array task, reduced to what neurosbi acts on. */
export interface JobState {
  phase: "pending" | "running" | "completed" | "failed";
  /** The scheduler's own words: state and reason. */
  detail: string;
  /** Still held by the scheduler, waiting or running (so it can be cancelled). */
  queued: boolean;
}

export interface ClusterEngine {
  readonly name: string;
  /** Throws a one-line error when the scheduler's commands are not available here. */
  checkAvailable(): Promise<void>;
  script(job: JobScript, resources: Resources): string;
  /** Submit a script (as an array of the given task indices, after the given jobs succeed); returns the job id. */
  submit(scriptPath: string, options: { array?: number[]; afterOk?: string[] }): Promise<string>;
  /** States of jobs and array tasks ("ID" or "ID_TASK") the scheduler still knows; others are absent. */
  states(ids: string[]): Promise<Map<string, JobState>>;
  cancel(ids: string[]): Promise<void>;
  /** Id of an array's task. */
  taskId(arrayJob: string, index: number): string;
}
