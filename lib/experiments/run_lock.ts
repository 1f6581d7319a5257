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
/** On another host (or without /proc), a heartbeat older than this means the process is gone or hung. */
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
 * Whether the lock's process still runs. On its own host, where /proc tells, that process must exist, not be a
 * zombie, and have started before the lock was written (else the pid was reused); a slow step that delays the
 * heartbeat does not count. Elsewhere, or without /proc, its heartbeat must be recent.
 */
export async function isLockLive(lock: RunLockRecord, now = Date.now()): Promise<boolean> {
  const sameHost = lock.host !== undefined && lock.host === thisHost();
  const alive = sameHost ? await processAlive(lock.pid, Date.parse(lock.started)) : undefined;
  return alive ?? now - Date.parse(lock.heartbeat) < STALE_MS;
}

/** Linux's fixed unit of process start times in /proc/PID/stat (USER_HZ). */
const USER_HZ = 100;
/** Leeway between the kernel's and the process's clocks. */
const CLOCK_SLACK_MS = 5000;

/**
 * Whether `pid` runs and started before `before` (ms): from /proc, or from `ps` where Deno may not read /proc (it
 * needs --allow-all for that; the cli task allows running programs); undefined where neither can tell.
 */
async function processAlive(pid: number, before: number): Promise<boolean | undefined> {
  return await procAlive(pid, before) ?? await psAlive(pid, before);
}

/** `ps -o etimes=,stat= -p PID`: nothing for a process that is gone, else its age in seconds and its state. */
async function psAlive(pid: number, before: number): Promise<boolean | undefined> {
  if (Deno.permissions.querySync({ name: "run", command: "ps" }).state !== "granted") return undefined;
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("ps", { args: ["-o", "etimes=,stat=", "-p", String(pid)], stderr: "null" })
      .output();
  } catch {
    return undefined;
  }
  const [age, state] = new TextDecoder().decode(output.stdout).trim().split(/\s+/);
  if (age === undefined || age === "") return output.code === 1 ? false : undefined;
  if (state?.startsWith("Z")) return false;
  // ps counts whole seconds: a second more of leeway.
  return Date.now() - Number(age) * 1000 <= before + CLOCK_SLACK_MS + 1000;
}

/** From /proc: whether `pid` runs and started before `before` (ms); undefined where /proc cannot be read. */
async function procAlive(pid: number, before: number): Promise<boolean | undefined> {
  let stat: string, boot: string;
  try {
    boot = await Deno.readTextFile("/proc/stat");
  } catch {
    return undefined;
  }
  try {
    stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    return undefined;
  }
  // Fields after the command name: state is the 3rd field of the line, start time (ticks after boot) the 22nd.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z") return false;
  const bootSeconds = Number(/^btime (\d+)$/m.exec(boot)?.[1]);
  const startedMs = (bootSeconds + Number(fields[19]) / USER_HZ) * 1000;
  return Number.isFinite(startedMs) ? startedMs <= before + CLOCK_SLACK_MS : true;
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
