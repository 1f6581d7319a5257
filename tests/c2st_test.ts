import assert from "node:assert/strict";
import { c2st } from "../lib/diagnostics/c2st.ts";
import { seededUniform } from "../lib/random.ts";
import { normalMatrix, seededNormal } from "../lib/stats/normal.ts";
const normal = seededNormal(seededUniform(21));

Deno.test("c2st: two samples of one distribution score ~0.5 (within 0.06)", async () => {
  const accuracy = await c2st(normalMatrix(1000, 2, normal), normalMatrix(1000, 2, normal), 2);
  assert.ok(Math.abs(accuracy - 0.5) < 0.06, `accuracy ${accuracy}`);
});

Deno.test("c2st: disjoint samples score ~1 (> 0.99)", async () => {
  const shifted = normalMatrix(1000, 2, normal).map((v) => v + 20);
  const accuracy = await c2st(normalMatrix(1000, 2, normal), shifted, 2);
  assert.ok(accuracy > 0.99, `accuracy ${accuracy}`);
});

Deno.test("c2st: N(0, 1) against N(1, 1) scores near the Bayes accuracy Φ(1/2) = 0.691 (within 0.03)", async () => {
  const unit = normalMatrix(3000, 1, normal), shifted = normalMatrix(3000, 1, normal).map((v) => v + 1);
  const accuracy = await c2st(unit, shifted, 1);
  assert.ok(Math.abs(accuracy - 0.6915) < 0.03, `accuracy ${accuracy}`);
});

Deno.test("c2st: too few rows is a clear error", async () => {
  await assert.rejects(() => c2st(new Float32Array(4), new Float32Array(4), 2), /at least 5 rows/);
});
