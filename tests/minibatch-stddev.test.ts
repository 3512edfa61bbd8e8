// The minibatch standard deviation (lib/src/models/minibatch-stddev.ts) against its closed form on fixed inputs, its
// gradient against finite differences, and in the MLP discriminator: the shapes, the parameter counts, save and load.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { mlpDiscriminator } from "../lib/src/models/gan";
import { MinibatchStddev, minibatchStddev } from "../lib/src/models/minibatch-stddev";
import { saveAndLoad } from "./save-in-memory";

/** Σ_j sqrt(var_j + 1e-8) / d over the rows of a row-major [n, d] array: the closed form, in float64. */
function meanSpread(rows: number[][]): number {
  const n = rows.length;
  const d = rows[0].length;
  let total = 0;
  for (let j = 0; j < d; j++) {
    const mean = rows.reduce((sum, row) => sum + row[j], 0) / n;
    const variance = rows.reduce((sum, row) => sum + (row[j] - mean) ** 2, 0) / n;
    total += Math.sqrt(variance + 1e-8);
  }
  return total / d;
}

describe("minibatchStddev", () => {
  it("appends the batch's mean standard deviation as one more column, the same for every row", () => {
    const rows = [[1, 2, 0], [3, 2, -4], [2, 2, 1], [0, 2, 3]];
    const output = minibatchStddev().apply(tf.tensor2d(rows)) as tf.Tensor2D;
    expect(output.shape).toEqual([4, 4]);
    const values = output.arraySync();
    values.forEach((row, i) => {
      expect(row.slice(0, 3)).toEqual(rows[i]);
      expect(row[3]).toBeCloseTo(meanSpread(rows), 5);
    });
    // A batch of identical rows has no spread (only the floor's 1e-4); one row neither.
    const same = (minibatchStddev().apply(tf.tensor2d([[5, 1], [5, 1]])) as tf.Tensor2D).arraySync();
    expect(same[0][2]).toBeCloseTo(1e-4, 6);
    expect((minibatchStddev().apply(tf.tensor2d([[5, 1]])) as tf.Tensor2D).arraySync()[0][2]).toBeCloseTo(1e-4, 6);
  });

  it("on feature maps [n, h, w, c]: one more constant map, the mean over every position and channel", () => {
    const x = tf.randomNormal([3, 2, 2, 5], 0, 1, "float32", 4);
    const output = minibatchStddev().apply(x) as tf.Tensor4D;
    expect(output.shape).toEqual([3, 2, 2, 6]);
    const flat = (x.reshape([3, 20]) as tf.Tensor2D).arraySync();
    const extra = output.slice([0, 0, 0, 5], [3, 2, 2, 1]).dataSync();
    for (const value of extra) expect(value).toBeCloseTo(meanSpread(flat), 5);
    expect(output.slice([0, 0, 0, 0], [3, 2, 2, 5]).arraySync()).toEqual(x.arraySync());
  });

  it("has the gradient of its closed form (finite differences)", () => {
    const rows = [[0.3, -1.2], [1.1, 0.4], [-0.5, 0.9]];
    const upstream = tf.tensor2d([[0.2, -0.1, 1.5], [0.7, 0.3, -0.4], [-0.6, 0.5, 0.8]]);
    const layer = minibatchStddev();
    const loss = (x: tf.Tensor) => (layer.apply(x) as tf.Tensor).mul(upstream).sum() as tf.Scalar;
    const analytic = tf.grad(loss)(tf.tensor2d(rows)).arraySync() as number[][];
    const weights = upstream.arraySync();
    const closedForm = (r: number[][]) => r.reduce((sum, row, i) => sum + row.reduce((s, v, j) => s + v * weights[i][j], 0) + meanSpread(r) * weights[i][2], 0);
    const h = 1e-4;
    rows.forEach((row, i) => row.forEach((_, j) => {
      const plus = rows.map((r) => [...r]);
      const minus = rows.map((r) => [...r]);
      plus[i][j] += h;
      minus[i][j] -= h;
      expect(analytic[i][j]).toBeCloseTo((closedForm(plus) - closedForm(minus)) / (2 * h), 3);
    }));
  });

  it("in the MLP discriminator: one more column before the logit; it saves and loads", async () => {
    const mlp = mlpDiscriminator({ inputSize: 2, hiddenSizes: [16, 8], seed: 1, minibatchStddev: true });
    expect(mlp.getLayer("gan_discriminator_minibatch_stddev").outputShape).toEqual([null, 9]);
    expect(mlp.countParams()).toBe(3 * 16 + 17 * 8 + 10);
    const plain = mlpDiscriminator({ inputSize: 2, hiddenSizes: [16, 8], seed: 1 });
    expect(plain.countParams()).toBe(3 * 16 + 17 * 8 + 9);
    const noHidden = mlpDiscriminator({ inputSize: 2, hiddenSizes: [], minibatchStddev: true });
    expect(noHidden.countParams()).toBe(4);
    const { loaded } = await saveAndLoad(mlp);
    expect(loaded.getLayer("gan_discriminator_minibatch_stddev")).toBeInstanceOf(MinibatchStddev);
    const x = tf.randomNormal([4, 2], 0, 1, "float32", 5);
    const difference = tf.tidy(() => (mlp.predict(x) as tf.Tensor).sub(loaded.predict(x) as tf.Tensor).abs().max().dataSync()[0]);
    expect(difference).toBeLessThan(1e-6);
    x.dispose();
    [mlp, plain, noHidden, loaded].forEach((m) => m.dispose());
  });
});
