/**
 * Run folders: which folders an experiment may write into, the lock that names a run's process, and how a reader
 * tells a live run from a killed one. No GPU here; tests/experiment_test.ts kills and resumes a real run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertWritableFile } from "../lib/data/atomic.ts";
import { checkRunFolder, withLiveStatus } from "../lib/runs/folder.ts";
import { isLockLive, readRunLock, RunLock, STALE_MS } from "../lib/runs/lock.ts";
import { LOCK_FILE } from "../lib/runs/paths.ts";
import type { RunLockRecord } from "../lib/runs/types.ts";

const CONFIG = fileURLToPath(new URL("../deno.json", import.meta.url));
/** Prints whether the locks it is given are live, as a process of the task's permissions sees them. */
const LOCK_LIVE = fileURLToPath(new URL("./reference/lock_live.ts", import.meta.url));

const SETTINGS = {
  name: "rc",
  model: "rc",
  size: "small",
  summary: "pca30",
  flow: "maf",
  noise: 0,
  theta_jitter: 0,
  seed: 0,
  budget: { sims: 1000 },
  dt_ms: 0.5,
  max_epochs: null,
};

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const lockOf = (fields: Partial<RunLockRecord>): RunLockRecord => ({
  pid: Deno.pid,
  host: Deno.hostname(),
  started: ago(0),
  heartbeat: ago(1000),
  ...fields,
});

async function folder(files: Record<string, unknown>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-runfolder-" });
  for (const [name, content] of Object.entries(files)) {
    await Deno.writeTextFile(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}

Deno.test("run lock: on its host the process tells, elsewhere the heartbeat", async () => {
  assert.equal(await isLockLive(lockOf({})), true, "this process, heartbeat 1 s ago");
  assert.equal(await isLockLive(lockOf({ heartbeat: ago(STALE_MS + 1000) })), true, "a slow step, still running");
  assert.equal(await isLockLive(lockOf({ pid: await deadPid() })), false, "process gone on this host");
  // This process started after a lock written a day ago: the dead run's pid went to another process.
  assert.equal(await isLockLive(lockOf({ started: ago(86_400_000) })), false, "pid reused");
  // On another host only the heartbeat tells.
  assert.equal(await isLockLive(lockOf({ pid: await deadPid(), host: "elsewhere" })), true);
  assert.equal(await isLockLive(lockOf({ host: "elsewhere", heartbeat: ago(STALE_MS + 1000) })), false);
});

/** The permission flags a deno.json task gives `deno run`. */
async function taskFlags(task: string): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(CONFIG)) as { tasks: Record<string, string> };
  return config.tasks[task].split(/\s+/).filter((word) => word.startsWith("--allow-"));
}

Deno.test("run lock: under the cli and serve tasks' own permissions a killed run is dead at once", async () => {
  const live = new Deno.Command("sleep", { args: ["60"], stdin: "null" }).spawn();
  try {
    const locks = [
      lockOf({ pid: live.pid, heartbeat: ago(STALE_MS + 60_000) }),
      lockOf({ pid: await deadPid(), heartbeat: ago(0) }),
      lockOf({ pid: live.pid, started: ago(3_600_000), heartbeat: ago(0) }),
    ];
    for (const task of ["cli", "serve"]) {
      const flags = await taskFlags(task);
      assert.ok(flags.includes("--allow-read") && !flags.includes("--allow-all"), `${task}: ${flags.join(" ")}`);
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--config", CONFIG, ...flags, LOCK_LIVE, JSON.stringify(locks)],
        // As on a cluster node whose modules set it: Deno runs `ps` under --allow-run=ps only without it.
        env: { LD_LIBRARY_PATH: "/nonexistent" },
        stdin: "null",
      }).output();
      assert.equal(code, 0, new TextDecoder().decode(stderr));
      assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), [true, false, false], task);
    }
  } finally {
    live.kill();
    await live.status;
  }
});

Deno.test("run lock: a second holder is refused while the first lives; a dead holder's lock is taken over", async () => {
  const dir = await folder({});
  try {
    const lock = await RunLock.acquire(dir);
    const held = await readRunLock(dir);
    assert.equal(held?.pid, Deno.pid);
    assert.equal(held?.host, Deno.hostname());
    await assert.rejects(() => RunLock.acquire(dir), /is in use by a running experiment \(process \d+ on /);
    await lock.release();
    assert.equal(await readRunLock(dir), undefined, "released: no lock left");

    const dead = lockOf({ pid: await deadPid() });
    await Deno.writeTextFile(join(dir, LOCK_FILE), JSON.stringify(dead));
    const takeover = await RunLock.acquire(dir);
    assert.equal((await readRunLock(dir))?.pid, Deno.pid);
    await takeover.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run folder: a `running` record whose process is gone reads as interrupted", async () => {
  const running = { ...SETTINGS, status: "running", command: "deno task cli experiment --name rc" };
  const dead = await folder({ "experiment.json": running, [LOCK_FILE]: lockOf({ pid: await deadPid() }) });
  const live = await folder({ "experiment.json": running, [LOCK_FILE]: lockOf({}) });
  const unlocked = await folder({ "experiment.json": running });
  try {
    assert.equal((await withLiveStatus(dead, running)).status, "interrupted");
    assert.equal((await withLiveStatus(dead, running)).command, running.command);
    assert.equal((await withLiveStatus(unlocked, running)).status, "interrupted");
    assert.equal((await withLiveStatus(live, running)).status, "running");
    const complete = { ...SETTINGS, status: "complete" };
    assert.equal((await withLiveStatus(dead, complete)).status, "complete");
  } finally {
    for (const dir of [dead, live, unlocked]) await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run folder: new, empty or an unfinished run of the same settings; anything else is refused", async () => {
  const empty = await folder({});
  const failed = await folder({ "experiment.json": { ...SETTINGS, status: "failed", error: "boom" } });
  const dead = await folder({
    "experiment.json": { ...SETTINGS, status: "running" },
    [LOCK_FILE]: lockOf({ pid: await deadPid() }),
  });
  const dirs = [empty, failed, dead];
  const refuse = async (
    files: Record<string, unknown>,
    message: RegExp,
    wanted: Record<string, unknown> = SETTINGS,
  ) => {
    const dir = await folder(files);
    dirs.push(dir);
    await assert.rejects(() => checkRunFolder(dir, wanted), message);
  };
  try {
    assert.equal(await checkRunFolder(join(empty, "new"), SETTINGS), undefined);
    assert.equal(await checkRunFolder(empty, SETTINGS), undefined);
    assert.equal((await checkRunFolder(failed, SETTINGS))?.error, "boom", "resumes the failed run");
    assert.equal((await checkRunFolder(dead, SETTINGS))?.status, "running", "resumes the killed run");
    await refuse({ "experiment.json": { ...SETTINGS, status: "complete" } }, /holds a complete run of rc/);
    await refuse(
      { "experiment.json": { ...SETTINGS, status: "failed" } },
      /holds another run \(seed 0 there, 1 here; budget \{"sims":1000\} there, \{"sims":2000\} here\)/,
      { ...SETTINGS, seed: 1, budget: { sims: 2000 } },
    );
    await refuse({ "posterior.json": "{}" }, /is not empty and holds no experiment run/);
    await refuse({ "experiment.json": "{not json" }, /experiment.json is unreadable/);
    await refuse(
      { "experiment.json": { ...SETTINGS, status: "running" }, [LOCK_FILE]: lockOf({}) },
      /is in use by a running experiment/,
    );
    await assert.rejects(() => checkRunFolder(join(failed, "experiment.json"), SETTINGS), /is not a folder/);
  } finally {
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("output files: the folder must exist and the path must not be a folder", async () => {
  const dir = await folder({ "afile": "x" });
  try {
    await assertWritableFile(join(dir, "out.json"));
    await assertWritableFile(join(dir, "afile"));
    await assert.rejects(
      () => assertWritableFile(join(dir, "missing", "out.json")),
      /its folder .*missing does not exist/,
    );
    await assert.rejects(() => assertWritableFile(dir), /cannot write to .*: it is a folder/);
    await assert.rejects(() => assertWritableFile(join(dir, "afile", "out.json")), /afile is not a folder/);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["afile"], "the checks leave nothing behind");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
