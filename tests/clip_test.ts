import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackend } from "../lib/tf/backend.ts";
import { clipByGlobalNorm } from "../lib/train/clip.ts";

// A MAF of 5 transforms has 50 parameter tensors: more than the 16 storage buffers one WebGPU shader may bind.
Deno.test({
  name: "clip: the global norm over 50 gradients is right on every backend, webgpu included",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const grads = Array.from(
      { length: 50 },
      (_, i) => Float32Array.from({ length: 3 + (i % 4) }, (_, j) => (i - j) / 7),
    );
    const norm = Math.sqrt(grads.reduce((s, g) => s + g.reduce((t, v) => t + v * v, 0), 0));
    const scale = 5 / (norm + 1e-6);
    assert.ok(scale < 1, "the gradients must be long enough to be clipped");
    for (const backend of ["cpu", "wasm", "webgpu"] as const) {
      await useBackend(backend);
      const named = Object.fromEntries(grads.map((g, i) => [`g${i}`, tf.tensor1d(g)]));
      const clipped = clipByGlobalNorm(named, 5);
      for (const [i, g] of grads.entries()) {
        const got = await clipped[`g${i}`].data();
        g.forEach((v, j) => assert.ok(Math.abs(got[j] - v * scale) <= 1e-6, `${backend} g${i}[${j}]: ${got[j]}`));
      }
      tf.dispose([...Object.values(named), ...Object.values(clipped)]);
    }
  },
});
