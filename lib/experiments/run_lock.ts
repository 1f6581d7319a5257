/**
 * Who is writing a run folder: `run.lock` names the process (pid, host, start) and carries a heartbeat that the
 * process refreshes while it runs. A reader tells a live run from a killed one by it, and a second experiment into
 * the same folder is refused while the first one lives.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../data/atomic.ts";

export const LOCK_FILE = "run.lock";
/** How often a running experiment refreshes its heartbeat. */
export const HEARTBEAT_MS = 30_000;
/** A heartbeat older than this means the process is gone (or hung), wherever it ran. */
export const STALE_MS = 10 * 60_000;

export interface RunLockRecord {
  pid: number;
  /** Absent where the process could not read its host name (then only the heartbeat tells). */
  host?: string;
  started: string;
  heartbeat: string;
}

/** This machine's name, or undefined without the permission to read it (`--allow-sys=hostname`; never prompts). */
export function thisHost(): string | undefined {
  const granted = Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state === "granted";
  return granted ? Deno.hostname() : undefined;
}

/** The folder's lock, or undefined when there is none (or it is not readable as one). */
export async function readRunLock(dir: string): Promise<RunLockRecord | undefined> {
  try {
    const lock = JSON.parse(await Deno.readTextFile(join(dir, LOCK_FILE)));
    return Number.isInteger(lock?.pid) && typeof lock.heartbeat === "string" ? lock : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the lock's process still runs: its heartbeat is recent and, on the same host where /proc tells, its
 * process exists and is not a zombie.
 */
export async function isLockLive(lock: RunLockRecord, now = Date.now()): Promise<boolean> {
  if (!(now - Date.parse(lock.heartbeat) < STALE_MS)) return false;
  if (lock.host === undefined || lock.host !== thisHost()) return true;
  const alive = await processAlive(lock.pid);
  return alive ?? true;
}

/** From /proc: true, false, or undefined where there is no /proc to ask. */
async function processAlive(pid: number): Promise<boolean | undefined> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return undefined;
    try {
      await Deno.stat("/proc/self/stat");
      return false;
    } catch {
      return undefined;
    }
  }
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
    const record: RunLockRecord = { pid: Deno.pid, host: thisHost(), started: now, heartbeat: now };
    const path = join(dir, LOCK_FILE);
    for (let attempt = 0;; attempt++) {
      try {
        await Deno.writeTextFile(path, JSON.stringify(record) + "\n", { createNew: true });
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
    await Deno.remove(join(this.dir, LOCK_FILE)).catch(() => {});
  }

  #beat() {
    this.record.heartbeat = new Date().toISOString();
    const text = JSON.stringify(this.record) + "\n";
    // Writes queue up so that release() waits for the last one and no late rename revives a removed lock.
    this.#pending = this.#pending.then(() => writeFileAtomic(join(this.dir, LOCK_FILE), text)).catch(() => {});
  }
}

/** The one-line refusal for a folder another live process writes. */
export function runInUse(dir: string, holder: RunLockRecord): string {
  const where = holder.host ? ` on ${holder.host}` : "";
  return `${dir} is in use by a running experiment (process ${holder.pid}${where}, started ${holder.started}, ` +
    `last heartbeat ${holder.heartbeat}): wait for it or give another --out`;
}
