// The fused batch-norm layer against tfjs's own BatchNormalization with the same weights: the training pass's output,
// the gradients with respect to the input, γ and β, and the moving statistics after the pass; inference unchanged;
// saving and loading; no tensor left behind.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { batchNormalization, FusedBatchNormalization } from "../lib/src/models/batch-norm";
import { tensorflowKernels } from "../lib/src/tensorflow-kernels";
import { saveAndLoad } from "./save-in-memory";

function maxDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
}

/** The same layer twice, fused and tfjs's, built for `shape` with the same (non-trivial) weights. */
function twins(shape: number[], momentum: number) {
  const fused = batchNormalization({ momentum });
  const plain = tf.layers.batchNormalization({ momentum });
  for (const layer of [fused, plain]) layer.build([null, ...shape.slice(1)]);
  const channels = shape[shape.length - 1];
  const weights = [
    tf.randomUniform([channels], 0.5, 1.5, "float32", 1), tf.randomNormal([channels], 0, 0.3, "float32", 2),
    tf.randomNormal([channels], 0, 0.2, "float32", 3), tf.randomUniform([channels], 0.5, 2, "float32", 4),
  ];
  fused.setWeights(weights);
  plain.setWeights(weights);
  tf.dispose(weights);
  return { fused, plain };
}

describe("batchNormalization (fused on the tensorflow backend)", () => {
  it("runs TensorFlow's kernels here", () => {
    expect(tensorflowKernels()).toBeDefined();
    expect(batchNormalization()).toBeInstanceOf(FusedBatchNormalization);
  });

  for (const shape of [[64, 7, 7, 12], [32, 40]]) {
    it(`matches tfjs's layer in training mode on ${shape.length === 4 ? "an image batch" : "rows"} [${shape.join(", ")}]: output, gradients, moving statistics`, () => {
      const before = tf.memory().numTensors;
      const { fused, plain } = twins(shape, 0.9);
      const x = tf.randomNormal(shape, 1.5, 2, "float32", 5);
      const upstream = tf.randomNormal(shape, 0, 1, "float32", 6);
      const pass = (layer: tf.layers.Layer) => {
        const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        // A loss that weighs every output differently, so that every gradient term counts.
        const f = () => (layer.apply(x, { training: true }) as tf.Tensor).mul(upstream).sum() as tf.Scalar;
        const { value, grads } = tf.variableGrads(f, [gamma, beta]);
        const dx = tf.grad((input: tf.Tensor) => (layer.apply(input, { training: true }) as tf.Tensor).mul(upstream).sum())(x);
        const y = layer.apply(x, { training: true }) as tf.Tensor;
        return { value, dGamma: grads[gamma.name], dBeta: grads[beta.name], dx, y };
      };
      const a = pass(fused);
      const b = pass(plain);
      expect(maxDifference(a.y, b.y)).toBeLessThan(1e-5);
      expect(maxDifference(a.dx, b.dx)).toBeLessThan(1e-5);
      expect(maxDifference(a.dGamma, b.dGamma) / tf.tidy(() => b.dGamma.abs().max().dataSync()[0])).toBeLessThan(1e-5);
      expect(maxDifference(a.dBeta, b.dBeta) / tf.tidy(() => b.dBeta.abs().max().dataSync()[0])).toBeLessThan(1e-5);
      // Three training passes each moved the moving statistics, the same way in both layers.
      const [fusedMean, fusedVariance] = fused.getWeights().slice(2);
      const [plainMean, plainVariance] = plain.getWeights().slice(2);
      expect(maxDifference(fusedMean, plainMean)).toBeLessThan(1e-5);
      expect(maxDifference(fusedVariance, plainVariance)).toBeLessThan(1e-4);
      expect(tf.tidy(() => maxDifference(plainVariance, tf.randomUniform([shape[shape.length - 1]], 0.5, 2, "float32", 4)))).toBeGreaterThan(0.1);
      // Inference uses the moving statistics, as tfjs's layer does.
      expect(tf.tidy(() => maxDifference(fused.apply(x) as tf.Tensor, plain.apply(x) as tf.Tensor))).toBeLessThan(1e-4);
      tf.dispose([x, upstream, a.value, a.dGamma, a.dBeta, a.dx, a.y, b.value, b.dGamma, b.dBeta, b.dx, b.y]);
      for (const layer of [fused, plain]) layer.weights.forEach((w) => w.dispose()); // layers never called symbolically cannot be disposed whole
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("leaves a batch of one row to tfjs's pass (no Bessel-corrected variance of one value)", () => {
    const { fused, plain } = twins([1, 5], 0.9);
    const x = tf.randomNormal([1, 5], 0, 1, "float32", 9);
    expect(tf.tidy(() => maxDifference(fused.apply(x, { training: true }) as tf.Tensor, plain.apply(x, { training: true }) as tf.Tensor))).toBe(0);
    const variance = fused.getWeights()[3].dataSync();
    expect(Array.from(variance).every(Number.isFinite)).toBe(true);
    tf.dispose(x);
    for (const layer of [fused, plain]) layer.weights.forEach((w) => w.dispose());
  });

  it("saves and loads under its own class name, with tfjs's configuration", async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 6, inputShape: [4] }), batchNormalization({ momentum: 0.9, name: "bn" })] });
    const x = tf.randomNormal([8, 4], 0, 1, "float32", 1);
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const { artifacts, loaded } = await saveAndLoad(model);
    expect(JSON.stringify(artifacts.modelTopology)).toContain('"class_name":"FusedBatchNormalization"');
    expect(loaded.getLayer("bn")).toBeInstanceOf(FusedBatchNormalization);
    expect(maxDifference(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor)).toBe(0);
    tf.dispose(x);
    [model, loaded].forEach((m) => m.dispose());
  });
});
