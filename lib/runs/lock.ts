/**
 * Who is writing a run folder: `run.lock` names the process (pid, host, start) and carries a heartbeat that the
 * process refreshes while it runs. A reader tells a live run from a killed one by it, and a second experiment into
 * the same folder is refused while the first one lives.
 */
import { LOCK_FILE, runPath } from "./paths.ts";
import { readRecord } from "./read.ts";
import { RUN_LOCK } from "./records.ts";
import { RUN_RECORD_VERSION, type RunLockRecord } from "./types.ts";
import { recordText, writeRecord } from "./write.ts";

/** How often a running experiment refreshes its heartbeat. */
export const HEARTBEAT_MS = 30_000;
/** On another host (or without `ps`), a heartbeat older than this means the process is gone or hung. */
export const STALE_MS = 10 * 60_000;

/** This machine's name, or undefined without the permission to read it (`--allow-sys=hostname`; never prompts). */
export function thisHost(): string | undefined {
  const granted = Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state === "granted";
  return granted ? Deno.hostname() : undefined;
}

/** The folder's lock, or undefined when there is none (or it is not readable as one). */
export async function readRunLock(dir: string): Promise<RunLockRecord | undefined> {
  return await readRecord(dir, RUN_LOCK).catch(() => undefined);
}

/**
 * Whether the lock's process still runs. On its own host, where `ps` tells, that process must exist, not be a zombie,
 * and have started before the lock was written (else the pid was reused); a slow step that delays the heartbeat does
 * not count. Elsewhere, or without `ps`, its heartbeat must be recent.
 */
export async function isLockLive(lock: RunLockRecord, now = Date.now()): Promise<boolean> {
  const sameHost = lock.host !== undefined && lock.host === thisHost();
  const alive = sameHost ? await processAlive(lock.pid, Date.parse(lock.started)) : undefined;
  return alive ?? now - Date.parse(lock.heartbeat) < STALE_MS;
}

/** Leeway between the kernel's and the process's clocks, and for `ps`'s whole seconds. */
const CLOCK_SLACK_MS = 5000;

/**
 * From `ps`: whether `pid` runs and started before `before` (ms); undefined where `ps` cannot be asked (not allowed to
 * run it, none on this machine, or one that does not know these options). `ps` rather than /proc: Deno reads /proc
 * only under --allow-all, which the tasks do not grant (they grant --allow-run or --allow-run=ps).
 */
async function processAlive(pid: number, before: number): Promise<boolean | undefined> {
  if (Deno.permissions.querySync({ name: "run", command: "ps" }).state !== "granted") return undefined;
  let result: Deno.CommandOutput;
  try {
    result = await new Deno.Command("ps", {
      args: ["-o", "stat=,etimes=", "-p", String(pid)],
      // A clean environment: with LD_LIBRARY_PATH set (module systems, Slurm), Deno runs a program only under
      // --allow-run for all programs.
      clearEnv: true,
      env: { LC_ALL: "C", PATH: Deno.env.get("PATH") ?? "" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch {
    return undefined;
  }
  const out = new TextDecoder().decode(result.stdout).trim();
  // No such process: procps's ps prints nothing and fails quietly; any complaint means it did not understand us.
  if (!result.success) return out === "" && result.stderr.length === 0 ? false : undefined;
  const match = /^(\S+)\s+(\d+)$/.exec(out);
  if (!match) return undefined;
  if (match[1].startsWith("Z")) return false;
  return Date.now() - Number(match[2]) * 1000 <= before + CLOCK_SLACK_MS;
}

/** A held lock: refreshed every HEARTBEAT_MS until released. */
export class RunLock {
  #timer: ReturnType<typeof setInterval>;
  #pending: Promise<void> = Promise.resolve();

  private constructor(readonly dir: string, readonly record: RunLockRecord) {
    this.#timer = setInterval(() => this.#beat(), HEARTBEAT_MS);
    // The heartbeat alone must not keep a finished process alive.
    this.#timer.unref();
  }

  /** Take the folder's lock (the folder must exist); a live holder is an error, a dead one's lock is taken over. */
  static async acquire(dir: string): Promise<RunLock> {
    const now = new Date().toISOString();
    const record: RunLockRecord = {
      version: RUN_RECORD_VERSION,
      pid: Deno.pid,
      host: thisHost(),
      started: now,
      heartbeat: now,
    };
    const path = runPath(dir, LOCK_FILE);
    for (let attempt = 0;; attempt++) {
      try {
        await Deno.writeTextFile(path, recordText(RUN_LOCK, record), { createNew: true });
        return new RunLock(dir, record);
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      }
      const holder = await readRunLock(dir);
      // A second collision means another process took the dead lock over just now.
      if (holder && (attempt > 0 || await isLockLive(holder))) throw new Error(runInUse(dir, holder));
      if (attempt > 0) throw new Error(`${dir} is in use by another experiment: give another --out`);
      await Deno.remove(path).catch(() => {});
    }
  }

  /** Stop the heartbeat and remove the lock. */
  async release(): Promise<void> {
    clearInterval(this.#timer);
    await this.#pending;
    await Deno.remove(runPath(this.dir, LOCK_FILE)).catch(() => {});
  }

  #beat() {
    this.record.heartbeat = new Date().toISOString();
    const record = { ...this.record };
    // Writes queue up so that release() waits for the last one and no late rename revives a removed lock.
    this.#pending = this.#pending.then(() => writeRecord(this.dir, RUN_LOCK, record)).catch(() => {});
  }
}

/** The one-line refusal for a folder another live process writes. */
export function runInUse(dir: string, holder: RunLockRecord): string {
  const where = holder.host ? ` on ${holder.host}` : "";
  return `${dir} is in use by a running experiment (process ${holder.pid}${where}, started ${holder.started}, ` +
    `last heartbeat ${holder.heartbeat}): wait for it or give another --out`;
}
