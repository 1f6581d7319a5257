/** Every reader of user CSV files reads a file saved with a UTF-8 byte order mark (as spreadsheet programs write). */
import assert from "node:assert/strict";
import { parseThetaCsv } from "../lib/data/theta_csv.ts";
import { parseWaveform } from "../lib/data/waveform.ts";
import { rcPrior } from "../lib/models/rc.ts";
import { parseNumericCsv } from "../lib/posterior/csv.ts";

const BOM = "\uFEFF";

Deno.test("csv: θ rows with a byte order mark before the header read as without it", () => {
  const text = "amp1,amp2,latency\n0.2,0.9,-10\n1,0,75\n";
  assert.deepEqual(parseThetaCsv(BOM + text, rcPrior), Float32Array.from([0.2, 0.9, -10, 1, 0, 75]));
  assert.throws(
    () => parseThetaCsv(BOM + "a,b,c\n1,2,3\n", rcPrior),
    /header must be "amp1,amp2,latency", found "a,b,c"/,
  );
});

Deno.test("csv: a numeric table with a byte order mark keeps clean header names", () => {
  const table = parseNumericCsv(BOM + "a,b\n1,2\n3,4\n", "samples.csv");
  assert.deepEqual(table.header, ["a", "b"]);
  assert.deepEqual(table.data, Float32Array.from([1, 2, 3, 4]));
  assert.deepEqual(parseNumericCsv(BOM + "1,2\n", "x.csv").data, Float32Array.from([1, 2]), "no header either");
});

Deno.test("csv: a waveform with a byte order mark before its header or a comment", () => {
  for (const first of ["time_ms,value", "# exported"]) {
    const w = parseWaveform(`${BOM}${first}\n0,1\n0.5,2\n`, "upload");
    assert.deepEqual([Array.from(w.times), Array.from(w.values)], [[0, 0.5], [1, 2]]);
  }
});

Deno.test("csv: a malformed file is one line naming it, from every reader", () => {
  const ragged = "amp1,amp2,latency\n0.1,0.2\n";
  assert.throws(() => parseThetaCsv(ragged, rcPrior, "t.csv"), /^Error: t.csv: malformed CSV \([^\n]*\)$/);
  assert.throws(() => parseNumericCsv(ragged, "x.csv"), /^Error: x.csv: malformed CSV \([^\n]*\)$/);
  assert.throws(() => parseWaveform('0,1\n"1,2\n', "w.csv"), /^Error: w.csv: malformed CSV \([^\n]*\)$/);
});
