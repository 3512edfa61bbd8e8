// Sample quality through a classifier: the Fréchet distance against closed forms and a second way of taking the
// matrix square root, the Inception Score on predictions whose score is known, and the MNIST classifier (architecture,
// features, a short training run that learns and frees its tensors, the reproduce command's files loading back).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EigenvalueDecomposition, Matrix, inverse } from "ml-matrix";
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { loadMnist, mnistTensors } from "../lib/src/data";
import { frechetDistance, gaussianStatistics, inceptionScore, symmetricSquareRoot, type GaussianStatistics } from "../lib/src/math/sample-quality";
import {
  CLASSIFIER_FEATURES_LAYER, classifierAccuracy, classifierFeatures, classifierFeaturesAndProbabilities, classifierLogits, classifierProbabilities, loadSavedClassifier, mnistClassifier,
} from "../lib/src/models/classifier";
import { trainClassifier } from "../lib/src/training/classifier";
import { classifierCommand, DEFAULT_CLASSIFIER_SETTINGS, reproduceClassifier } from "../scripts/reproduce/classifier";

/** Rows of seeded normal features with correlated columns: x = z L + shift, [n, d]. */
function correlatedFeatures(n: number, d: number, seed: number, shift = 0): tf.Tensor2D {
  return tf.tidy(() => {
    const mixing = tf.randomNormal([d, d], 0, 1, "float32", seed + 1);
    return tf.randomNormal([n, d], 0, 1, "float32", seed).matMul(mixing).add(shift) as tf.Tensor2D;
  });
}

function statistics(features: tf.Tensor2D): GaussianStatistics {
  const stats = gaussianStatistics(features);
  features.dispose();
  return stats;
}

/** √A by the Denman–Beavers iteration Y ← (Y + Z⁻¹)/2, Z ← (Z + Y⁻¹)/2 from Y = A, Z = I (A with positive eigenvalues). */
function denmanBeaversSqrt(a: Matrix): Matrix {
  let [y, z] = [a.clone(), Matrix.eye(a.rows)];
  for (let i = 0; i < 60; i++) [y, z] = [y.clone().add(inverse(z)).mul(0.5), z.clone().add(inverse(y)).mul(0.5)];
  return y;
}

describe("gaussianStatistics", () => {
  it("gives the mean and the n − 1 sample covariance, in float64", () => {
    const rows = [[1, 2, 0], [3, -1, 2], [0, 0, 1], [2, 5, -3]];
    const { mean, covariance, count } = gaussianStatistics(tf.tensor2d(rows));
    expect(count).toBe(4);
    const mu = [0, 1, 2].map((j) => rows.reduce((sum, row) => sum + row[j], 0) / 4);
    expect(Array.from(mean)).toEqual(mu);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) expect(covariance.get(i, j)).toBeCloseTo(rows.reduce((sum, row) => sum + (row[i] - mu[i]) * (row[j] - mu[j]), 0) / 3, 12);
    }
    expect(() => gaussianStatistics(tf.tensor2d([[1, 2]]))).toThrow(/at least 2 rows/);
  });
});

describe("frechetDistance", () => {
  it("is 0 for identical statistics, also for a singular covariance (fewer rows than features)", () => {
    const full = statistics(correlatedFeatures(200, 6, 1));
    expect(Math.abs(frechetDistance(full, full))).toBeLessThan(1e-9);
    const singular = statistics(correlatedFeatures(3, 8, 2)); // rank ≤ 2: six zero eigenvalues, some slightly negative
    const distance = frechetDistance(singular, singular);
    expect(Number.isNaN(distance)).toBe(false);
    expect(Math.abs(distance)).toBeLessThan(1e-6);
  });

  it("is Σ(μ_a − μ_b)² + Σ(σ_a − σ_b)² for diagonal covariances", () => {
    const [muA, muB] = [[0.5, -1, 2, 0], [1, 1, -0.5, 0]];
    const [sdA, sdB] = [[1, 0.3, 2, 0], [0.5, 0.3, 3, 1.5]];
    const a = { mean: Float64Array.from(muA), covariance: Matrix.diag(sdA.map((s) => s * s)), count: 10 };
    const b = { mean: Float64Array.from(muB), covariance: Matrix.diag(sdB.map((s) => s * s)), count: 10 };
    const closedForm = muA.reduce((sum, m, i) => sum + (m - muB[i]) ** 2 + (sdA[i] - sdB[i]) ** 2, 0);
    expect(frechetDistance(a, b)).toBeCloseTo(closedForm, 12);
  });

  it("is ‖c‖² between a set of features and the same set shifted by c", () => {
    const a = statistics(correlatedFeatures(100, 5, 3));
    const shift = [1, -2, 0.5, 0, 3];
    const b = { ...a, mean: a.mean.map((m, i) => m + shift[i]) };
    expect(frechetDistance(a, b)).toBeCloseTo(shift.reduce((sum, c) => sum + c * c, 0), 9);
  });

  it("matches Tr((Σ_aΣ_b)^{1/2}) from the eigenvalues of Σ_aΣ_b and from Denman–Beavers, and is symmetric in a and b", () => {
    const a = statistics(correlatedFeatures(300, 6, 4));
    const b = statistics(correlatedFeatures(300, 6, 5, 0.7));
    const product = a.covariance.mmul(b.covariance);
    const productEigen = new EigenvalueDecomposition(product);
    expect(Math.max(...productEigen.imaginaryEigenvalues.map(Math.abs))).toBeLessThan(1e-9); // real, as Σ_aΣ_b is similar to a PSD matrix
    const byEigenvalues = productEigen.realEigenvalues.reduce((sum, value) => sum + Math.sqrt(value), 0);
    const byDenmanBeavers = denmanBeaversSqrt(product).trace();
    expect(byDenmanBeavers).toBeCloseTo(byEigenvalues, 8);
    const meanTerm = a.mean.reduce((sum, m, i) => sum + (m - b.mean[i]) ** 2, 0);
    const expected = meanTerm + a.covariance.trace() + b.covariance.trace() - 2 * byEigenvalues;
    const distance = frechetDistance(a, b);
    expect(distance).toBeGreaterThan(1);
    expect(distance).toBeCloseTo(expected, 8);
    expect(frechetDistance(b, a)).toBeCloseTo(distance, 8);
  });

  it("symmetricSquareRoot squares back to the matrix; mismatched dimensions are refused", () => {
    const a = statistics(correlatedFeatures(50, 4, 6));
    const root = symmetricSquareRoot(a.covariance);
    const squared = root.mmul(root);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(squared.get(i, j)).toBeCloseTo(a.covariance.get(i, j), 9);
    const b = statistics(correlatedFeatures(50, 3, 7));
    expect(() => frechetDistance(a, b)).toThrow(/same dimension/);
  });
});

describe("inceptionScore", () => {
  const oneHotRows = (classes: number[], depth = 10) => tf.oneHot(tf.tensor1d(classes, "int32"), depth).cast("float32") as tf.Tensor2D;

  it("is 1 for uniform predictions and for confident ones that all name the same class", () => {
    expect(inceptionScore(tf.fill([100, 10], 0.1) as tf.Tensor2D)).toEqual({ mean: expect.closeTo(1, 6), std: expect.closeTo(0, 6), scores: expect.any(Array) });
    const same = inceptionScore(oneHotRows(Array(100).fill(3)));
    expect(same.mean).toBe(1);
    expect(same.std).toBe(0);
  });

  it("is 10 for confident predictions spread evenly over the 10 classes (in every split)", () => {
    const score = inceptionScore(oneHotRows(Array.from({ length: 100 }, (_, i) => i % 10)));
    expect(score.scores).toHaveLength(10);
    expect(score.mean).toBeCloseTo(10, 5);
    expect(score.std).toBeCloseTo(0, 5);
  });

  it("a hand-worked 2-class case: rows (0.9, 0.1) and (0.2, 0.8), p(y) = (0.55, 0.45)", () => {
    // KL₁ = 0.9 ln(0.9/0.55) + 0.1 ln(0.1/0.45) = 0.443229 − 0.150408 = 0.292821
    // KL₂ = 0.2 ln(0.2/0.55) + 0.8 ln(0.8/0.45) = −0.202320 + 0.460291 = 0.257971; exp((KL₁ + KL₂)/2) = exp(0.275396) = 1.317052
    const score = inceptionScore(tf.tensor2d([[0.9, 0.1], [0.2, 0.8]]), 1);
    expect(score.mean).toBeCloseTo(1.317052, 5);
    expect(score.std).toBe(0);
  });

  it("averages over splits with the population standard deviation, and refuses logits", () => {
    // First split: two different confident rows (score 2); second: the same class twice (score 1).
    const score = inceptionScore(oneHotRows([0, 1, 0, 0], 2), 2);
    expect(score.scores.map((s) => Number(s.toFixed(12)))).toEqual([2, 1]);
    expect(score.mean).toBeCloseTo(1.5, 12);
    expect(score.std).toBeCloseTo(0.5, 12);
    expect(() => inceptionScore(tf.tensor2d([[2, -1], [0.5, 0.5]]), 1)).toThrow(/not logits/);
    expect(() => inceptionScore(tf.fill([5, 10], 0.1) as tf.Tensor2D, 6)).toThrow(/splits must be a whole number between 1 and the 5 rows/);
  });
});

describe("the MNIST classifier", () => {
  it("maps 784 → 28×28×1 → 28×28×32 → 14×14×32 → 14×14×64 → 7×7×64 → 3136 → 256 → 10, with the parameters of that shape", () => {
    const model = mnistClassifier({ seed: 1 });
    expect(model.layers.map((l) => l.outputShape)).toEqual([
      [null, 28, 28, 1], [null, 28, 28, 32], [null, 14, 14, 32], [null, 14, 14, 64], [null, 7, 7, 64], [null, 3136], [null, 256], [null, 256], [null, 10],
    ]);
    expect(model.getLayer(CLASSIFIER_FEATURES_LAYER).outputShape).toEqual([null, 256]);
    // 5×5 kernels: (25·1 + 1)·32 + (25·32 + 1)·64 + (3136 + 1)·256 + (256 + 1)·10.
    expect(model.countParams()).toBe(832 + 51_264 + 803_072 + 2_570);
    // Seeded: the same seed gives the same weights.
    const again = mnistClassifier({ seed: 1 });
    const other = mnistClassifier({ seed: 2 });
    const kernel = (m: tf.LayersModel) => Array.from(m.getLayer("conv1_32").getWeights()[0].dataSync().slice(0, 20));
    expect(kernel(again)).toEqual(kernel(model));
    expect(kernel(other)).not.toEqual(kernel(model));
    [model, again, other].forEach((m) => m.dispose());
  });

  it("gives features [n, 256] (as a model cut at the features layer does) and probabilities [n, 10], in batches, without leaking", () => {
    const model = mnistClassifier({ seed: 3 });
    const x = tf.randomUniform([7, 784], 0, 1, "float32", 4) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const features = classifierFeatures(model, x, 3);
    const probabilities = classifierProbabilities(model, x, 3);
    const accuracy = classifierAccuracy(model, x, [0, 1, 2, 3, 4, 5, 6], 3);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(features.shape).toEqual([7, 256]);
    expect(probabilities.shape).toEqual([7, 10]);
    expect(accuracy).toBeGreaterThanOrEqual(0);
    const cut = tf.model({ inputs: model.inputs, outputs: model.getLayer(CLASSIFIER_FEATURES_LAYER).output as tf.SymbolicTensor });
    const direct = cut.predict(x) as tf.Tensor2D;
    expect(tf.max(tf.abs(features.sub(direct))).dataSync()[0]).toBeLessThan(1e-5);
    expect(Math.min(...features.dataSync())).toBeGreaterThanOrEqual(0); // ReLU units
    const sums = probabilities.sum(1).dataSync();
    sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    const predicted = tf.softmax(model.predict(x) as tf.Tensor2D);
    expect(tf.max(tf.abs(probabilities.sub(predicted))).dataSync()[0]).toBeLessThan(1e-6);
    // Both from one pass: the same as each on its own.
    const beforeBoth = tf.memory().numTensors;
    const both = classifierFeaturesAndProbabilities(model, x, 3);
    expect(tf.memory().numTensors).toBe(beforeBoth + 2);
    expect(both.features.shape).toEqual([7, 256]);
    expect(tf.max(tf.abs(both.features.sub(features))).dataSync()[0]).toBeLessThan(1e-6);
    expect(tf.max(tf.abs(both.probabilities.sub(probabilities))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([both.features, both.probabilities]);
    // Seeded dropout: the same seed gives the same mask, another seed another one; without training it is off.
    const train = (seed: number) => classifierLogits(model, x, { training: true, dropoutSeed: seed }).dataSync();
    expect(Array.from(train(5))).toEqual(Array.from(train(5)));
    expect(Array.from(train(5))).not.toEqual(Array.from(train(6)));
    tf.dispose([x, features, probabilities, direct, predicted]);
    model.dispose();
  });

  it("learns from 256 MNIST images in 2 epochs, with as many live tensors after each epoch, and stops when aborted", async () => {
    const train = loadMnist("train", { limit: 256 });
    const test = mnistTensors("test", { limit: 200 });
    const testLabels = test.y.dataSync();
    const model = mnistClassifier({ seed: 1 });
    const untrained = classifierAccuracy(model, test.x, testLabels);
    const records: number[] = [];
    const controller = new AbortController();
    // Asked for 3 epochs, stopped (as an interrupted kernel would) after the second.
    const { perEpoch, history } = await trainClassifier({
      model, images: train.images, labels: train.labels, epochs: 3, batchSize: 32, learningRate: 2e-3, seed: 1, testImages: test.x, testLabels,
      progress: false, signal: controller.signal, afterEpoch: (epoch, record) => void (records.push(record.epoch) === 2 && controller.abort()),
    });
    expect(records).toEqual([1, 2]);
    expect(history.interrupted).toBe(true);
    expect(perEpoch).toHaveLength(2);
    expect(perEpoch[1].loss).toBeLessThan(perEpoch[0].loss);
    expect(perEpoch[1].accuracy).toBeGreaterThan(perEpoch[0].accuracy);
    expect(perEpoch[1].testAccuracy!).toBeGreaterThan(untrained + 0.3);
    expect(perEpoch[0].liveTensors).toBe(perEpoch[1].liveTensors);
    expect(perEpoch.map((e) => e.learningRate)).toEqual([2e-3, 2e-3]);
    await expect(trainClassifier({ model, images: train.images, labels: [...train.labels].map(() => 10), epochs: 1 })).rejects.toThrow(/label 10 at index 0 is not a whole number in 0..9/);
    await expect(trainClassifier({ model, images: train.images, labels: [1, 2], epochs: 1 })).rejects.toThrow(/2 labels for 256 rows/);
    model.dispose();
    tf.dispose([test.x, test.y]);
  });
});

describe("npm run reproduce -- classifier", () => {
  it("trains, saves weights and result.json that load back (on a few images), and says how to get a missing classifier", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "course-classifier-"));
    const settings = { ...DEFAULT_CLASSIFIER_SETTINGS, epochs: 1, batchSize: 64 };
    const result = await reproduceClassifier(settings, directory, { trainLimit: 128, testLimit: 50, progress: false });
    expect(result.command).toBe("npm run reproduce -- classifier --epochs 1 --batch-size 64");
    expect(classifierCommand(DEFAULT_CLASSIFIER_SETTINGS)).toBe("npm run reproduce -- classifier");
    expect(result.complete).toBe(true);
    expect(result.parameters).toBe(857_738);
    const saved = JSON.parse(fs.readFileSync(path.join(directory, "result.json"), "utf8"));
    expect(saved.perEpoch).toHaveLength(1);
    expect(saved.evaluation.testSet).toMatch(/the 50 MNIST test images/);
    expect(saved.backend).toBeTruthy();
    const { model, result: loadedResult } = await loadSavedClassifier(directory);
    expect(loadedResult.command).toBe(result.command);
    const test = mnistTensors("test", { limit: 50 });
    expect(classifierAccuracy(model, test.x, test.y)).toBeCloseTo(result.reproduced.testAccuracy!, 4);
    model.dispose();
    tf.dispose([test.x, test.y]);
    fs.rmSync(directory, { recursive: true });
    await expect(loadSavedClassifier(path.join(directory, "missing"))).rejects.toThrow(/npm run reproduce -- classifier.*datasets\/mnist-classifier/);
  });
});

describe("the shipped classifier (datasets/mnist-classifier)", () => {
  it("loads with its checksum and classifies the first 2,000 test images as well as its result.json says of all 10,000", async () => {
    const { model, result } = await loadSavedClassifier();
    const test = mnistTensors("test", { limit: 2000 });
    const accuracy = classifierAccuracy(model, test.x, test.y);
    const reported = (result as { reproduced: { testAccuracy: number } }).reproduced.testAccuracy;
    expect(reported).toBeGreaterThanOrEqual(0.99);
    // 2,000 of the 10,000 images: within 1 % of the whole set's figure (the first images are not harder than the rest).
    expect(Math.abs(accuracy - reported)).toBeLessThan(0.01);
    // Its penultimate features and its probabilities on real digits give a baseline score near the 10 classes.
    expect(inceptionScore(classifierProbabilities(model, test.x), 2).mean).toBeGreaterThan(9);
    tf.dispose([test.x, test.y]);
    model.dispose();
  });
});
