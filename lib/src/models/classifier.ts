// The MNIST classifier that measures GAN samples (notebook 05): a LeNet-style network whose 256 penultimate
// features and softmax probabilities feed the classifier-based Fréchet distance and Inception Score
// (math/sample-quality.ts), the MNIST stand-ins for Inception-v3's pool features and class probabilities.
// Rows of 784 → 28×28×1 → conv 5×5 ×32 (ReLU, same) → max-pool 2 → conv 5×5 ×64 (ReLU, same) → max-pool 2 → flatten (3,136)
// → dense 256 ReLU ("features") → dropout 0.5 → dense 10 (logits). Trained by `npm run reproduce -- classifier`.
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { Seed } from "../data";
import { derivedSeed } from "../math/elbo";
import { DATASETS_DIRECTORY, loadModel } from "./io";

/** The name of the penultimate dense layer (256 ReLU units), whose activations classifierFeatures returns. */
export const CLASSIFIER_FEATURES_LAYER = "features";
/** Where the trained classifier is shipped (build/mnist-classifier/ of the reproduce command, copied). */
export const MNIST_CLASSIFIER_DIRECTORY = path.join(DATASETS_DIRECTORY, "mnist-classifier");
/** The file name (without extension) the reproduce command saves the model under. */
export const MNIST_CLASSIFIER_MODEL_NAME = "classifier";

/** A LeNet-style MNIST classifier: rows of 784 pixels in [0, 1] → 10 logits. Seeded Glorot initialisation. */
export function mnistClassifier(options: { seed?: number } = {}): tf.Sequential {
  const seed = options.seed ?? 1;
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const conv = { kernelSize: 5, padding: "same" as const, activation: "relu" as const };
  const model = tf.sequential({ name: "mnist_classifier" });
  model.add(tf.layers.reshape({ targetShape: [28, 28, 1], inputShape: [784], name: "image" }));
  model.add(tf.layers.conv2d({ ...conv, filters: 32, kernelInitializer: init(0), name: "conv1_32" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool1" }));
  model.add(tf.layers.conv2d({ ...conv, filters: 64, kernelInitializer: init(1), name: "conv2_64" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool2" }));
  model.add(tf.layers.flatten({ name: "flatten" }));
  model.add(tf.layers.dense({ units: 256, activation: "relu", kernelInitializer: init(2), name: CLASSIFIER_FEATURES_LAYER }));
  // Active only when the model is applied with { training: true }; trainClassifier draws its masks from seeds (classifierLogits).
  model.add(tf.layers.dropout({ rate: 0.5, name: "dropout" }));
  model.add(tf.layers.dense({ units: 10, kernelInitializer: init(3), name: "logits" }));
  return model;
}

/** The layers that compute something (a loaded Sequential may list its input layer first). */
function computingLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((layer) => layer.getClassName() !== "InputLayer");
}

/**
 * The logits [n, classes] of the rows of x. With `training`, dropout is on; with `dropoutSeed` as well, its mask is
 * drawn from that seed (tfjs's Dropout layer, given a seed, would draw the same mask at every step, and without one
 * it draws from Math.random, so trainClassifier passes a new derived seed each step instead).
 */
export function classifierLogits(model: tf.LayersModel, x: tf.Tensor2D, options: { training?: boolean; dropoutSeed?: Seed } = {}): tf.Tensor2D {
  const training = options.training ?? false;
  if (!training || options.dropoutSeed === undefined) return tf.tidy(() => model.apply(x, { training }) as tf.Tensor2D);
  return tf.tidy(() => {
    let out: tf.Tensor = x;
    computingLayers(model).forEach((layer, index) => {
      if (layer.getClassName() === "Dropout") {
        const rate = layer.getConfig().rate as number;
        out = rate > 0 ? tf.dropout(out, rate, undefined, derivedSeed(options.dropoutSeed!, "dropout", index)) : out;
      } else {
        out = layer.apply(out, { training: true }) as tf.Tensor;
      }
    });
    return out as tf.Tensor2D;
  });
}

/** f(rows) → [rows, k] over the rows of x in batches of `batchSize`, concatenated; only the result stays alive. */
function inBatches(fn: string, x: tf.Tensor2D, batchSize: number, f: (batch: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
  if (x.rank !== 2) throw new Error(`${fn}: x must be [n, 784] rows, got [${x.shape.join(", ")}]`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${fn}: batchSize must be a whole number ≥ 1, got ${batchSize}`);
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < x.shape[0]; start += batchSize) {
      const size = Math.min(batchSize, x.shape[0] - start);
      parts.push(tf.tidy(() => f(x.slice([start, 0], [size, -1]))));
    }
    if (parts.length === 1) return parts.pop()!;
    return tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}

function featuresIndex(fn: string, model: tf.LayersModel): number {
  const index = computingLayers(model).findIndex((layer) => layer.name === CLASSIFIER_FEATURES_LAYER);
  if (index < 0) throw new Error(`${fn}: the model has no layer named "${CLASSIFIER_FEATURES_LAYER}"; build it with mnistClassifier() or load it with loadSavedClassifier()`);
  return index;
}

/** The layers applied in turn to input, in inference mode (no dropout). */
function applyLayers(layers: tf.layers.Layer[], input: tf.Tensor): tf.Tensor2D {
  return layers.reduce<tf.Tensor>((out, layer) => layer.apply(out, { training: false }) as tf.Tensor, input) as tf.Tensor2D;
}

/** The penultimate activations (the 256 ReLU units of the "features" layer, no dropout) of the rows of x: [n, 256]. */
export function classifierFeatures(model: tf.LayersModel, x: tf.Tensor2D, batchSize = 500): tf.Tensor2D {
  const layers = computingLayers(model).slice(0, featuresIndex("classifierFeatures", model) + 1);
  return inBatches("classifierFeatures", x, batchSize, (batch) => applyLayers(layers, batch));
}

/** p(y|x) = softmax(logits) of the rows of x: [n, 10], each row summing to 1. */
export function classifierProbabilities(model: tf.LayersModel, x: tf.Tensor2D, batchSize = 500): tf.Tensor2D {
  return inBatches("classifierProbabilities", x, batchSize, (batch) => tf.softmax(classifierLogits(model, batch)) as tf.Tensor2D);
}

/**
 * classifierFeatures and classifierProbabilities from one pass over the rows of x: the layers after the features run on
 * the features (for sample quality, which needs both).
 */
export function classifierFeaturesAndProbabilities(model: tf.LayersModel, x: tf.Tensor2D, batchSize = 500): { features: tf.Tensor2D; probabilities: tf.Tensor2D } {
  const fn = "classifierFeaturesAndProbabilities";
  const layers = computingLayers(model);
  const split = featuresIndex(fn, model) + 1;
  const [upToFeatures, head] = [layers.slice(0, split), layers.slice(split)];
  // The features layer's units: where the features end in each concatenated row.
  const width = (upToFeatures[split - 1].outputShape as number[])[1];
  const both = inBatches(fn, x, batchSize, (batch) => {
    const features = applyLayers(upToFeatures, batch);
    return tf.concat([features, tf.softmax(applyLayers(head, features))], 1) as tf.Tensor2D;
  });
  try {
    return { features: both.slice([0, 0], [-1, width]), probabilities: both.slice([0, width], [-1, -1]) };
  } finally {
    both.dispose();
  }
}

/** The share of the rows of x whose most probable class is their label. */
export function classifierAccuracy(model: tf.LayersModel, x: tf.Tensor2D, labels: ArrayLike<number> | tf.Tensor1D, batchSize = 500): number {
  const truth = "dataSync" in labels ? labels.dataSync() : labels;
  if (truth.length !== x.shape[0]) throw new Error(`classifierAccuracy: ${truth.length} labels for ${x.shape[0]} rows`);
  if (x.shape[0] === 0) throw new Error("classifierAccuracy: no rows to classify");
  const predicted = tf.tidy(() => inBatches("classifierAccuracy", x, batchSize, (batch) => classifierLogits(model, batch).argMax(1).expandDims(1) as tf.Tensor2D).dataSync());
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) correct++;
  return correct / truth.length;
}

/**
 * The trained classifier shipped under datasets/mnist-classifier (or `directory`), with the result.json of the run
 * that trained it (test accuracy, settings, command).
 */
export async function loadSavedClassifier(directory: string = MNIST_CLASSIFIER_DIRECTORY): Promise<{ model: tf.LayersModel; result: Record<string, unknown> }> {
  const resultPath = path.join(directory, "result.json");
  if (!fs.existsSync(path.join(directory, `${MNIST_CLASSIFIER_MODEL_NAME}.json`)) || !fs.existsSync(resultPath)) {
    throw new Error(
      `The MNIST classifier is missing from ${directory}: restore datasets/mnist-classifier from the course repository, ` +
        "or train it with `npm run reproduce -- classifier` (it writes build/mnist-classifier/) and copy that folder to datasets/mnist-classifier.",
    );
  }
  const result = JSON.parse(fs.readFileSync(resultPath, "utf8")) as Record<string, unknown>;
  const model = await loadModel(directory, MNIST_CLASSIFIER_MODEL_NAME);
  try {
    featuresIndex("loadSavedClassifier", model);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, result };
}
