// The activations' gradients through TensorFlow's kernels (lib/src/fused-gradients.ts) against their closed forms,
// on the tensorflow backend and, through tfjs's own gradients, on the cpu backend.
import { afterAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import "../lib/src/fused-gradients";

const x = [-3, -0.5, -1e-3, 0, 1e-3, 0.25, 2, 7];
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const CASES: [string, (t: tf.Tensor) => tf.Tensor, (v: number) => number][] = [
  ["relu", (t) => tf.relu(t), (v) => (v > 0 ? 1 : 0)],
  ["leaky relu (α = 0.2)", (t) => tf.leakyRelu(t, 0.2), (v) => (v > 0 ? 1 : 0.2)],
  ["tanh", (t) => tf.tanh(t), (v) => 1 - Math.tanh(v) ** 2],
  ["sigmoid", (t) => tf.sigmoid(t), (v) => sigmoid(v) * (1 - sigmoid(v))],
];

afterAll(async () => {
  await tf.setBackend("tensorflow");
});

for (const backend of ["tensorflow", "cpu"]) {
  describe(`activation gradients on ${backend}`, () => {
    for (const [name, f, derivative] of CASES) {
      it(`${name}: dy · f'(x), in closed form`, async () => {
        await tf.setBackend(backend);
        const upstream = x.map((_, i) => 0.5 + i);
        const before = tf.memory().numTensors;
        const gradient = tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => f(t).mul(tf.tensor1d(upstream)).sum())(tf.tensor1d(x)).dataSync()));
        expect(tf.memory().numTensors).toBe(before);
        gradient.forEach((g, i) => expect(g, `x = ${x[i]}`).toBeCloseTo(upstream[i] * derivative(x[i]), 5));
        // On tensorflow the gradient is TensorFlow's one kernel, outside tfjs's registry: no step, select or square.
        const profile = await tf.profile(() => tf.tidy(() => tf.grad((t: tf.Tensor) => f(t).sum())(tf.tensor1d(x))));
        const names = profile.kernels.map((k) => k.name);
        if (backend === "tensorflow") expect(names.filter((n) => ["Step", "Select", "Square", "Cast"].includes(n))).toEqual([]);
        else expect(names.some((n) => ["Step", "Select", "Square", "Multiply", "Sub"].includes(n))).toBe(true);
      });
    }
  });
}
