/** Progress lines (stderr not a terminal): rate and ETA count only the work done since the first update. */
import assert from "node:assert/strict";
import { createProgress } from "../lib/cli/progress.ts";

Deno.test("progress: a resumed stage's rate counts only what was done since its first update", async () => {
  const lines: string[] = [];
  const error = console.error;
  console.error = (line: string) => lines.push(line);
  try {
    const progress = createProgress("simulate", 1000, "networks");
    progress.update(500); // shards of an earlier run, found at once
    await new Promise((resolve) => setTimeout(resolve, 100));
    progress.update(1000);
  } finally {
    console.error = error;
  }
  assert.equal(lines.length, 2);
  assert.equal(lines[0], "simulate: 500/1000 (50%), – networks/s, ETA unknown");
  const [, rate] = lines[1].match(/^simulate: 1000\/1000 \(100%\), ([\d,]+) networks\/s, ETA 0\.0 s$/)!;
  // 500 networks in at least 100 ms: at most 5000 per second (the 500 found at once do not count).
  assert.ok(Number(rate.replaceAll(",", "")) <= 5000, lines[1]);
});
