import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackend } from "../lib/tf/backend.ts";
import { Adam } from "../lib/train/adam.ts";

await useBackend("wasm");
const OPTIONS = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
const START = [1.5, -2, 0.25];

/** Gradient of Σ wᵢ·xᵢ² / 2 at x: wᵢ·xᵢ, so each coordinate sees its own gradient scale. */
const WEIGHTS = [1, 10, 0.1];
const gradient = (x: readonly number[]) => x.map((v, i) => WEIGHTS[i] * v);

/** PyTorch's Adam step (torch.optim.Adam, amsgrad off) in double precision, written out independently. */
function referenceAdam(steps: number): number[] {
  const x = [...START], m = [0, 0, 0], v = [0, 0, 0];
  const { learningRate: lr, beta1, beta2, epsilon } = OPTIONS;
  for (let t = 1; t <= steps; t++) {
    const g = gradient(x);
    for (let i = 0; i < x.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] ** 2;
      const denominator = Math.sqrt(v[i]) / Math.sqrt(1 - beta2 ** t) + epsilon;
      x[i] -= (lr / (1 - beta1 ** t)) * m[i] / denominator;
    }
  }
  return x;
}

async function step(adam: Adam, x: tf.Variable): Promise<void> {
  const g = tf.tensor1d(gradient(Array.from(await x.data())));
  adam.apply({ [x.name]: g });
  g.dispose();
}

Deno.test("adam: follows PyTorch's update on a quadratic", async () => {
  const x = tf.variable(tf.tensor1d(START));
  const adam = new Adam([x], OPTIONS);
  for (let t = 0; t < 25; t++) await step(adam, x);
  const got = Array.from(await x.data()), want = referenceAdam(25);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `x[${i}]: ${v} vs ${want[i]}`));
  assert.ok(Math.abs(want[1] - START[1]) > 1, "the steps must move x");
  adam.dispose();
  x.dispose();
});

Deno.test("adam: a state saved after some steps continues bit for bit in a new optimizer", async () => {
  const whole = tf.variable(tf.tensor1d(START));
  const adam = new Adam([whole], OPTIONS);
  for (let t = 0; t < 30; t++) await step(adam, whole);

  const first = tf.variable(tf.tensor1d(START));
  const before = new Adam([first], OPTIONS);
  for (let t = 0; t < 12; t++) await step(before, first);
  const saved = await before.state();
  assert.equal(saved.step, 12);
  const second = tf.variable(tf.tensor1d(await first.data()));
  const after = new Adam([second], OPTIONS);
  after.restore(saved);
  for (let t = 12; t < 30; t++) await step(after, second);
  assert.deepEqual(Array.from(await second.data()), Array.from(await whole.data()));

  const wrong = { ...saved, firstMoments: [{ name: "m/0", shape: [4], data: new Float32Array(4) }] };
  assert.throws(() => after.restore(wrong), /m\/0 \[4\] does not fit parameter 0 \[3\]/);
  tf.dispose([whole, first, second]);
  for (const a of [adam, before, after]) a.dispose();
});
