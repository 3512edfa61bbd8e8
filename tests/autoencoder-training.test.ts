// The autoencoder training layer: the learning-rate schedule against its closed form, trainAutoencoder
// on a small problem (it learns, live tensors stay constant per epoch, the denoising and sparse options
// reach the loss), and saved models that load back identical or say what is wrong.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { denseAutoencoder, denseDecoder, denseEncoder, loadModel, saveModel } from "../lib/src/models";
import { cosineDecay, learningRateOf, linearDecay, reconstructionError, setLearningRate, trainAutoencoder } from "../lib/src/training";

describe("cosineDecay and setLearningRate", () => {
  it("goes from the initial to the final rate along half a cosine", () => {
    const schedule = cosineDecay(1e-3, 1e-5, 100);
    expect(schedule(0)).toBeCloseTo(1e-3, 12);
    expect(schedule(50)).toBeCloseTo((1e-3 + 1e-5) / 2, 12);
    expect(schedule(100)).toBeCloseTo(1e-5, 12);
    expect(schedule(25)).toBeCloseTo(1e-5 + (1e-3 - 1e-5) * 0.5 * (1 + Math.SQRT1_2), 12);
    expect(() => cosineDecay(1e-5, 1e-3, 10)).toThrow(/final ≤ initial/);
  });

  it("linearDecay holds the rate, then gives each of the last epochs the mean of a ramp to zero", () => {
    const schedule = linearDecay(2e-4, 10, 4);
    // The continuous ramp from 2e-4 at t = 6 to 0 at t = 10, averaged over each epoch [e, e + 1] by the midpoint rule.
    const ramp = (t: number) => (t < 6 ? 2e-4 : (2e-4 * (10 - t)) / 4);
    const averaged = (e: number) => Array.from({ length: 1000 }, (_, k) => ramp(e + (k + 0.5) / 1000)).reduce((a, b) => a + b) / 1000;
    for (let epoch = 0; epoch < 10; epoch++) expect(schedule(epoch), `epoch ${epoch}`).toBeCloseTo(averaged(epoch), 12);
    expect([schedule(5), schedule(6), schedule(9)]).toEqual([2e-4, expect.closeTo(1.75e-4, 12), expect.closeTo(0.25e-4, 12)]);
    expect(linearDecay(1e-3, 5, 0)(4)).toBe(1e-3);
    expect(() => linearDecay(1e-3, 5, 6)).toThrow("linearDecay: decayEpochs must be a whole number in [0, epochs = 5], got 6");
  });

  it("changes the rate Adam uses for its next step", () => {
    const optimizer = tf.train.adam(0.1);
    setLearningRate(optimizer, 0.02);
    expect(learningRateOf(optimizer)).toBe(0.02);
    // Adam's first step moves each weight by the learning rate (its normalised gradient is ±1).
    const w = tf.variable(tf.scalar(1));
    optimizer.minimize(() => w.square() as tf.Scalar);
    expect(w.dataSync()[0]).toBeCloseTo(0.98, 5);
    tf.dispose([w]);
    optimizer.dispose();
  });
});

function smallRows(count: number, features: number, seed: number): Float32Array {
  return tf.tidy(() => tf.randomUniform([count, features], 0, 1, "float32", seed).round().dataSync() as Float32Array);
}

describe("trainAutoencoder", () => {
  it("lowers the test error, keeps the live tensor count constant per epoch, and reports every epoch", async () => {
    const rows = smallRows(512, 16, 1);
    const test = tf.tensor2d(rows.slice(0, 128 * 16), [128, 16]);
    const { encoder, decoder } = denseAutoencoder({ inputSize: 16, hiddenSizes: [24], codeSize: 8, activation: "elu", seed: 2 });
    const before = reconstructionError(encoder, decoder, test);
    const { perEpoch, history } = await trainAutoencoder({ encoder, decoder, images: rows, features: 16, epochs: 4, batchSize: 32, learningRate: 0.01, testImages: test, progress: false });
    expect(perEpoch.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(perEpoch[3].testError).toBeLessThan(0.6 * before);
    expect(new Set(history.epochs.map((e) => e.liveTensors)).size).toBe(1);
    tf.dispose([test]);
    encoder.dispose();
    decoder.dispose();
  });

  it("feeds the corrupted input and the clean target, adds the weighted code penalty, and follows the schedule", async () => {
    const rows = smallRows(128, 8, 3);
    const { encoder, decoder } = denseAutoencoder({ inputSize: 8, hiddenSizes: [], codeSize: 6, codeActivation: "sigmoid", seed: 4 });
    const seen: number[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const { perEpoch } = await trainAutoencoder({
      encoder, decoder, images: rows, features: 8, epochs: 2, batchSize: 64, progress: false,
      learningRate: (epoch) => [0.01, 0.001][epoch],
      corrupt: (x, { step }) => {
        seen.push(step);
        return tf.zerosLike(x);
      },
      codePenalty: { weight: 2, penalty: (h) => h.mean() as tf.Scalar },
    });
    expect(seen).toEqual([0, 1, 2, 3]);
    // Zero inputs give the same code for every image: the sigmoid of the code layer's bias.
    const bias = tf.tidy(() => tf.sigmoid(encoder.getWeights()[1]).mean().dataSync()[0]);
    expect(perEpoch[1].penalty).toBeGreaterThan(0);
    expect(Math.abs(perEpoch[1].penalty! - bias)).toBeLessThan(0.05);
    expect(perEpoch.map((e) => e.learningRate)).toEqual([0.01, 0.001]);
    encoder.dispose();
    decoder.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore - 4);
  });

  it("uses the loss it is given", async () => {
    const rows = smallRows(64, 4, 5);
    const { encoder, decoder } = denseAutoencoder({ inputSize: 4, hiddenSizes: [], codeSize: 2, seed: 6 });
    const constantLoss = (x: tf.Tensor2D) => tf.fill([x.shape[0]], 7) as tf.Tensor1D;
    const { perEpoch } = await trainAutoencoder({ encoder, decoder, images: rows, features: 4, epochs: 1, batchSize: 32, progress: false, loss: (x, logits) => constantLoss(x).add(logits.sum(1).mul(0)) as tf.Tensor1D });
    expect(perEpoch[0].loss).toBeCloseTo(7, 6);
    encoder.dispose();
    decoder.dispose();
  });
});

describe("saveModel and loadModel", () => {
  it("round-trips a model exactly, and names a missing or damaged file", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "course-model-"));
    const encoder = denseEncoder({ inputSize: 6, hiddenSizes: [5], codeSize: 3, activation: "elu", seed: 7 });
    await saveModel(encoder, directory, "encoder");
    const loaded = await loadModel(directory, "encoder");
    const x = tf.randomNormal([4, 6], 0, 1, "float32", 8);
    const difference = tf.tidy(() => (encoder.predict(x) as tf.Tensor).sub(loaded.predict(x) as tf.Tensor).abs().max().dataSync()[0]);
    expect(difference).toBe(0);
    await expect(loadModel(directory, "decoder")).rejects.toThrow(/decoder\.json is missing: restore .* or train it again/);
    const weights = path.join(directory, "encoder.weights.bin");
    const bytes = fs.readFileSync(weights);
    bytes[0] ^= 0xff;
    fs.writeFileSync(weights, bytes);
    await expect(loadModel(directory, "encoder")).rejects.toThrow(/encoder\.weights\.bin is damaged: its SHA-256 is/);
    fs.writeFileSync(path.join(directory, "encoder.json"), "{ not json");
    await expect(loadModel(directory, "encoder")).rejects.toThrow(/is not valid JSON/);
    tf.dispose([x]);
    encoder.dispose();
    loaded.dispose();
    fs.rmSync(directory, { recursive: true });
  });

  it("denseDecoder mirrors denseEncoder's hidden sizes", () => {
    const encoder = denseEncoder({ hiddenSizes: [1000, 500, 250], codeSize: 2 });
    const decoder = denseDecoder({ hiddenSizes: [1000, 500, 250], codeSize: 2 });
    const units = (m: tf.Sequential) => m.layers.map((l) => (l.getConfig() as { units: number }).units);
    expect(units(encoder)).toEqual([1000, 500, 250, 2]);
    expect(units(decoder)).toEqual([250, 500, 1000, 784]);
    encoder.dispose();
    decoder.dispose();
  });
});
