/**
 * `deno run tests/reference/lock_live.ts LOCKS`: whether each run.lock record of the JSON array LOCKS is live, as
 * lib/runs/lock.ts judges it under this process's permissions; prints a JSON array of booleans.
 */
import { isLockLive } from "../../lib/runs/lock.ts";
import type { RunLockRecord } from "../../lib/runs/types.ts";

const locks = JSON.parse(Deno.args[0]) as RunLockRecord[];
console.log(JSON.stringify(await Promise.all(locks.map((lock) => isLockLive(lock)))));
