import assert from "node:assert/strict";
import { dataPath } from "../lib/data/paths.ts";
import { parseWaveform, resampleWaveform } from "../lib/data/waveform.ts";

Deno.test("waveform: CSV with a header and MEG's space-separated files both parse", async () => {
  const csv = parseWaveform("time_ms,value\n0,1\n1,3\n2,2\n");
  assert.deepEqual(Array.from(csv.times), [0, 1, 2]);
  assert.deepEqual(Array.from(csv.values), [1, 3, 2]);
  const meg = parseWaveform(
    await Deno.readTextFile(dataPath("meg", "yes_trial_S1_ERP_all_avg.txt")),
  );
  assert.equal(meg.times.length, 103);
  assert.ok(Math.abs(meg.times[1] - 1.664960109653179643) < 1e-15);
  assert.ok(Math.abs(meg.values[0] + 3.638991374804031231) < 1e-15);
});

Deno.test("waveform: linear resampling onto a time base (exact for a linear signal)", () => {
  const w = { times: Float64Array.from([0, 2, 4, 10]), values: Float64Array.from([0, 4, 8, 20]) };
  const target = Array.from({ length: 21 }, (_, k) => k * 0.5);
  const out = resampleWaveform(w, target);
  target.forEach((t, k) => assert.ok(Math.abs(out[k] - 2 * t) < 1e-6, `t = ${t}`));
  assert.deepEqual(Array.from(resampleWaveform(w, [-1, 12.9])), [0, 20], "half a source step of slack, held flat");
  assert.throws(() => resampleWaveform(w, [0, 5, 13.5]), /covers 0–10 ms; the model's time base needs 0–13.5 ms/);
});

Deno.test("waveform: malformed uploads are refused with the reason", () => {
  const cases: [string, RegExp][] = [
    ["", /is empty/],
    ["t,v\n1,2\n", /at least two rows/],
    ["0,1\n1,2,3\n", /expected 2 columns|malformed/],
    ["0,1\n1,abc\n", /not two finite numbers/],
    ["0,1\n0,2\n", /times must increase/],
    ["0,1\nNaN,2\n", /not two finite numbers/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseWaveform(text, "upload"), message, JSON.stringify(text));
  }
});
