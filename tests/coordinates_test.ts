import assert from "node:assert/strict";
import { Prior } from "../lib/prior/prior.ts";

Deno.test("flow coordinates: log10 parameters are learnt as their log10 and map back (rel. 1e-6)", () => {
  const prior = new Prior([
    { name: "w", low: 1e-5, high: 10, scale: "log10", unit: "µS" },
    { name: "lat", low: -75, high: 75, scale: "linear" },
  ]);
  assert.deepEqual(prior.flowBounds(), { low: [-5, -75], high: [1, 75] });
  const theta = [1e-4, -30, 3.5, 74];
  const flow = prior.toFlow(theta);
  assert.ok(Math.abs(flow[0] + 4) < 1e-6 && flow[1] === -30);
  prior.fromFlow(flow).forEach((v, i) => assert.ok(Math.abs(v - theta[i]) <= 1e-6 * Math.abs(theta[i]), `${v}`));
  assert.ok(prior.inFlowSupport(flow, 1));
  assert.ok(!prior.inFlowSupport(prior.toFlow([20, 0]), 0), "20 µS lies outside [1e-5, 10]");
});
