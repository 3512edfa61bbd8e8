// Visible checks of notebook 02 (autoencoders). Hidden cases live in tests/hidden/autoencoders.ts.
// Expected values come from closed forms (layer sizes, parameter counts, hand-worked losses and
// gradients), brute-force loops in plain JS (float64), a second computation (a model's forward
// pass redone from its own weights), and statistical bounds on seeded noise that a correct
// implementation passes with overwhelming probability (each bound is several standard deviations).
import * as tf from "@tensorflow/tfjs";
import { CheckFailure, expectClose, expectNumberArray, expectShape, expectTensor, expectTensorClose, expectTrue, fail, NotImplementedError } from "./assert";
import { defineExercise } from "./runner";

export type HiddenActivation = "sigmoid" | "elu";
export type HintonEncoder = (codeSize: number, activation?: HiddenActivation) => tf.Sequential;
export type HintonDecoder = (codeSize: number, activation?: HiddenActivation) => tf.Sequential;
export type PerImageLoss = (x: tf.Tensor2D, other: tf.Tensor2D) => tf.Tensor1D;
export type MaskingNoise = (x: tf.Tensor2D, dropRate: number, seed: number) => tf.Tensor2D;
export type GaussianNoise = (x: tf.Tensor2D, stddev: number, seed: number) => tf.Tensor2D;
export type L1Sparsity = (code: tf.Tensor2D) => tf.Scalar;
export type KlSparsity = (activations: tf.Tensor2D, rho: number) => tf.Scalar;
export type NearestNeighbours = (queries: tf.Tensor2D, database: tf.Tensor2D, k: number) => number[][];
export type ClassifyByNearestNeighbour = (trainFeatures: tf.Tensor2D, trainLabels: number[], testFeatures: tf.Tensor2D) => number[];

// ---------------------------------------------------------------- seeded data

/** Row-major n×d seeded uniform values in [low, high). */
export function seededUniform(n: number, d: number, seed: number, low = 0, high = 1): Float32Array {
  const tensor = tf.randomUniform([n, d], low, high, "float32", seed);
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

/** Row-major n×d seeded normal values N(mean, stddev²). */
export function seededNormal(n: number, d: number, seed: number, mean = 0, stddev = 1): Float32Array {
  const tensor = tf.randomNormal([n, d], mean, stddev, "float32", seed);
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

/** A float32 value shown with the digits that tell it apart (1.172002, not 1.1720017194747925). */
const shortNumber = (value: number): string => String(Number(value.toPrecision(7)));

/** 1,418,280 rather than 1418280 (without toLocaleString, whose output depends on the ICU build). */
export function groupDigits(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

// ---------------------------------------------------------------- encoder and decoder

export const encoderSizes = (codeSize: number): number[] => [784, 1000, 500, 250, codeSize];
export const decoderSizes = (codeSize: number): number[] => [codeSize, 250, 500, 1000, 784];

/** Parameters of a stack of dense layers with biases: Σ (inputs + 1) × units. */
export function denseParameterCount(sizes: readonly number[]): number {
  let count = 0;
  for (let i = 1; i < sizes.length; i++) count += (sizes[i - 1] + 1) * sizes[i];
  return count;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "undefined (did the function forget to return?)";
  if (value === null) return "null";
  if (value instanceof tf.Tensor) return `a tf.Tensor of shape [${value.shape.join(", ")}]`;
  if (typeof value === "object") return `an object (${(value as object).constructor?.name ?? "Object"})`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

/** Builds a model with the student's function, checks it, and always frees its weights. */
export function withModel(build: () => unknown, what: string, check: (model: tf.LayersModel) => void): void {
  const value = build();
  if (!(value instanceof tf.LayersModel)) fail(`${what}: expected a tf.Sequential (tf.sequential() with tf.layers.dense layers), got ${describeValue(value)}`);
  try {
    check(value);
  } finally {
    value.dispose();
  }
}

/** The model's layers without an explicit tf.layers.inputLayer, which holds no weights. */
function denseLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((layer) => layer.getClassName() !== "InputLayer");
}

/**
 * The model is a stack of dense layers with these sizes (sizes[0] the input) and activations.
 * `lastHint` explains the last layer's activation when it is wrong.
 */
export function expectDenseStack(model: tf.LayersModel, sizes: readonly number[], activations: readonly string[], what: string, lastHint: string): void {
  const layout = sizes.join("→");
  const inputShape = model.inputs[0]?.shape ?? [];
  if (inputShape.length !== 2 || inputShape[1] !== sizes[0]) {
    fail(`${what} takes inputs of shape [${inputShape.map(String).join(", ")}], expected [null, ${sizes[0]}]: give the first layer inputShape: [${sizes[0]}]`);
  }
  const layers = denseLayers(model);
  if (layers.length !== sizes.length - 1) fail(`${what} has ${layers.length} layers, expected ${sizes.length - 1} dense layers ${layout}`);
  layers.forEach((layer, i) => {
    const kind = layer.getClassName();
    if (kind !== "Dense") fail(`${what}: layer ${i + 1} is a ${kind} layer, expected a Dense layer (tf.layers.dense) in ${layout}`);
    const config = layer.getConfig();
    if (config.units !== sizes[i + 1]) fail(`${what}: layer ${i + 1} has ${String(config.units)} units, expected ${sizes[i + 1]} (${layout})`);
    const activation = String(config.activation ?? "linear");
    const last = i === layers.length - 1;
    if (activation !== activations[i]) fail(`${what}: layer ${i + 1} has activation "${activation}", expected "${activations[i]}"${last ? ` (${lastHint})` : ""}`);
  });
  const outputShape = model.outputs[0]?.shape ?? [];
  const size = sizes[sizes.length - 1];
  if (outputShape.length !== 2 || outputShape[1] !== size) fail(`${what} gives outputs of shape [${outputShape.map(String).join(", ")}], expected [null, ${size}]`);
}

export function expectParameterCount(model: tf.LayersModel, sizes: readonly number[], what: string, note = ""): void {
  const want = denseParameterCount(sizes);
  const got = model.countParams();
  if (got !== want) {
    fail(`${what} has ${groupDigits(got)} parameters, expected ${groupDigits(want)}${note}: Σ (inputs + 1) × units over the layers ${sizes.join("→")}, each with a bias`);
  }
}

const ACTIVATIONS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  sigmoid: (x) => tf.sigmoid(x),
  elu: (x) => tf.elu(x),
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
};

/**
 * predict() maps a batch to [n, outputSize], and agrees with h ← activation(h·W + b) redone from
 * each dense layer's own weights and activation (the structure cases judge those), so this case
 * fails only for the batch itself.
 */
export function expectForwardPass(model: tf.LayersModel, input: tf.Tensor2D, outputSize: number, what: string): void {
  const output = model.predict(input);
  if (Array.isArray(output)) fail(`${what}: predict() returned ${output.length} tensors, expected one`);
  const got = expectShape(output, [input.shape[0], outputSize], `${what} applied to a batch [${input.shape.join(", ")}]`);
  let h: tf.Tensor = input;
  for (const layer of denseLayers(model)) {
    const activation = ACTIVATIONS[String(layer.getConfig().activation ?? "linear")];
    const [kernel, bias] = layer.getWeights();
    if (layer.getClassName() !== "Dense" || !activation || !kernel) return;
    const linear = tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D);
    h = activation(bias ? tf.add(linear, bias) : linear);
  }
  expectClose(got.dataSync(), h.dataSync(), `${what}: predict() vs its layers applied by hand, h ← activation(h·W + b)`, 1e-4, got.shape);
}

export const ENCODER_LAST = "the code layer is linear: leave its activation out";
export const DECODER_LAST = "the last layer outputs logits, so it is linear: the sigmoid is applied by the loss and when showing images";

export function hiddenActivations(activation: string): string[] {
  return [activation, activation, activation, "linear"];
}

export const encoderExercise = defineExercise<HintonEncoder>({
  id: "autoencoders.encoder",
  functionName: "hintonEncoder",
  title: "The encoder 784-1000-500-250-30",
  cases: [
    {
      name: "hintonEncoder(30): dense layers 784→1000→500→250→30, sigmoid hidden units, a linear code layer",
      kind: "structure",
      points: 1,
      run(hintonEncoder) {
        withModel(() => hintonEncoder(30), "the encoder", (model) => expectDenseStack(model, encoderSizes(30), hiddenActivations("sigmoid"), "the encoder", ENCODER_LAST));
      },
    },
    {
      name: `parameters: ${groupDigits(denseParameterCount(encoderSizes(30)))} for codeSize 30, ${groupDigits(denseParameterCount(encoderSizes(2)))} for codeSize 2`,
      kind: "closed form",
      points: 1,
      run(hintonEncoder) {
        for (const codeSize of [30, 2]) {
          withModel(() => hintonEncoder(codeSize), `the encoder for codeSize ${codeSize}`, (model) => expectParameterCount(model, encoderSizes(codeSize), `the encoder for codeSize ${codeSize}`));
        }
      },
    },
    {
      name: "maps a batch [8, 784] to codes [8, 30]: the same as its layers' weights applied one by one",
      kind: "second method",
      points: 1,
      run(hintonEncoder) {
        const x = tf.tensor2d(seededUniform(8, 784, 201), [8, 784]);
        withModel(() => hintonEncoder(30), "the encoder", (model) => expectForwardPass(model, x, 30, "the encoder"));
      },
    },
  ],
});

export const decoderExercise = defineExercise<HintonDecoder>({
  id: "autoencoders.decoder",
  functionName: "hintonDecoder",
  title: "The decoder 30-250-500-1000-784",
  cases: [
    {
      name: "hintonDecoder(30): dense layers 30→250→500→1000→784, sigmoid hidden units, a linear output layer (logits)",
      kind: "structure",
      points: 1,
      run(hintonDecoder) {
        withModel(() => hintonDecoder(30), "the decoder", (model) => expectDenseStack(model, decoderSizes(30), hiddenActivations("sigmoid"), "the decoder", DECODER_LAST));
      },
    },
    {
      name:
        `parameters: ${groupDigits(denseParameterCount(decoderSizes(30)))} for codeSize 30 (with the encoder: ` +
        `${groupDigits(denseParameterCount(encoderSizes(30)) + denseParameterCount(decoderSizes(30)))}), ${groupDigits(denseParameterCount(decoderSizes(2)))} for codeSize 2`,
      kind: "closed form",
      points: 1,
      run(hintonDecoder) {
        for (const codeSize of [30, 2]) {
          withModel(() => hintonDecoder(codeSize), `the decoder for codeSize ${codeSize}`, (model) => expectParameterCount(model, decoderSizes(codeSize), `the decoder for codeSize ${codeSize}`));
        }
      },
    },
    {
      name: "maps a batch of codes [8, 30] to logits [8, 784]: the same as its layers' weights applied one by one",
      kind: "second method",
      points: 1,
      run(hintonDecoder) {
        const codes = tf.tensor2d(seededNormal(8, 30, 202, 0, 3), [8, 30]);
        withModel(() => hintonDecoder(30), "the decoder", (model) => expectForwardPass(model, codes, 784, "the decoder"));
      },
    },
  ],
});

// ---------------------------------------------------------------- reconstruction losses

/** Σ_j (x_j − y_j)² per row, float64. */
export function bruteSquaredError(x: ArrayLike<number>, y: ArrayLike<number>, n: number, d: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += (x[i * d + j] - y[i * d + j]) ** 2;
    return sum;
  });
}

/** −Σ_j [x log σ(l) + (1 − x) log(1 − σ(l))] per row, straight from the definition, float64 (moderate logits only). */
export function definitionCrossEntropy(x: ArrayLike<number>, logits: ArrayLike<number>, n: number, d: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const p = 1 / (1 + Math.exp(-logits[i * d + j]));
      sum -= x[i * d + j] * Math.log(p) + (1 - x[i * d + j]) * Math.log(1 - p);
    }
    return sum;
  });
}

/** The same per row in its stable form, max(l, 0) − l·x + log(1 + e^{−|l|}), float64: exact for any logit. */
export function stableCrossEntropy(x: ArrayLike<number>, logits: ArrayLike<number>, n: number, d: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const l = logits[i * d + j];
      sum += Math.max(l, 0) - l * x[i * d + j] + Math.log1p(Math.exp(-Math.abs(l)));
    }
    return sum;
  });
}

export function expectPerImage(value: unknown, want: ArrayLike<number>, what: string, tolerance = 1e-4): void {
  expectTensorClose(value, want, [want.length], `${what} (one value per image, i.e. per row)`, tolerance);
}

export const squaredErrorExercise = defineExercise<PerImageLoss>({
  id: "autoencoders.squaredError",
  functionName: "squaredErrorPerImage",
  title: "Squared reconstruction error per image",
  cases: [
    {
      name: "two images of 3 pixels worked by hand: 0.5 and 6",
      kind: "closed form",
      points: 1,
      run(squaredErrorPerImage) {
        // (1 − 0.5)² + (0 − 0.5)² + 0 = 0.5 and (0 − 1)² + (0 + 1)² + (0 − 2)² = 6.
        const x = tf.tensor2d([[1, 0, 0.5], [0, 0, 0]]);
        const reconstruction = tf.tensor2d([[0.5, 0.5, 0.5], [1, -1, 2]]);
        expectPerImage(squaredErrorPerImage(x, reconstruction), [0.5, 6], "squared error");
      },
    },
    {
      name: "50 random images of 784 pixels against a brute-force loop",
      kind: "brute force",
      points: 1,
      run(squaredErrorPerImage) {
        const x = seededUniform(50, 784, 211);
        const y = seededUniform(50, 784, 212);
        expectPerImage(squaredErrorPerImage(tf.tensor2d(x, [50, 784]), tf.tensor2d(y, [50, 784])), bruteSquaredError(x, y, 50, 784), "squared error");
      },
    },
  ],
});

export const crossEntropyExercise = defineExercise<PerImageLoss>({
  id: "autoencoders.crossEntropy",
  functionName: "crossEntropyFromLogits",
  title: "Cross-entropy from logits, per image",
  cases: [
    {
      name: "two images of 3 pixels (binary and grey pixels) against the definition −Σ [x log σ(l) + (1 − x) log(1 − σ(l))]",
      kind: "closed form",
      points: 1,
      run(crossEntropyFromLogits) {
        // Pixel by pixel: l = 0 gives log 2 whatever x; x = 1, l = 2 gives log(1 + e⁻²); x = 0.5, l = −1 gives 0.5 + log(1 + e⁻¹).
        const x = [1, 0, 0.5, 0.2, 1, 0];
        const logits = [0, 2, -1, 1, -3, 0.5];
        const want = definitionCrossEntropy(x, logits, 2, 3);
        expectPerImage(crossEntropyFromLogits(tf.tensor2d(x, [2, 3]), tf.tensor2d(logits, [2, 3])), want, "cross-entropy");
      },
    },
    {
      name: "confident logits ±100 and ±1000 give finite, exact losses (log(sigmoid(l)) gives Infinity or NaN there)",
      kind: "numerical stability",
      points: 1,
      run(crossEntropyFromLogits) {
        // One pixel per image. Exactly: x = 1, l = 100 → log(1 + e⁻¹⁰⁰) ≈ 0; x = 0, l = 100 → 100; x = 1, l = −100 → 100;
        // x = 0, l = −100 → 0; x = 0.5, l = 1000 → 1000 − 500 = 500; x = 0.25, l = −1000 → 0.25 · 1000 = 250.
        const x = [1, 0, 1, 0, 0.5, 0.25];
        const logits = [100, 100, -100, -100, 1000, -1000];
        const got = crossEntropyFromLogits(tf.tensor2d(x, [6, 1]), tf.tensor2d(logits, [6, 1]));
        const values = expectShape(got, [6], "cross-entropy (one value per image, i.e. per row)").dataSync();
        values.forEach((value, i) => {
          if (!Number.isFinite(value)) {
            fail(`cross-entropy for x = ${x[i]}, logit ${logits[i]}: got ${value}. σ(${logits[i]}) rounds to ${logits[i] > 0 ? 1 : 0} in float32, so a log of it or of 1 − it is −Infinity: use the stable form max(l, 0) − l·x + log(1 + e^(−|l|))`);
          }
        });
        expectPerImage(got, [0, 100, 100, 0, 500, 250], "cross-entropy for logits ±100 and ±1000 (no clipping: the exact value)");
      },
    },
    {
      name: "30 random images of 784 grey pixels with logits in [−6, 6] against the definition",
      kind: "brute force",
      points: 1,
      run(crossEntropyFromLogits) {
        const x = seededUniform(30, 784, 221);
        const logits = seededUniform(30, 784, 222, -6, 6);
        expectPerImage(crossEntropyFromLogits(tf.tensor2d(x, [30, 784]), tf.tensor2d(logits, [30, 784])), definitionCrossEntropy(x, logits, 30, 784), "cross-entropy");
      },
    },
  ],
});

// ---------------------------------------------------------------- corruptions

/** Every value of got is 0 or exactly the original; returns how many were set to 0. */
export function expectMaskedValues(value: unknown, x: Float32Array, shape: [number, number], dropRate: number, what: string): number {
  const got = expectShape(value, shape, what).dataSync();
  let zeros = 0;
  for (let i = 0; i < got.length; i++) {
    if (got[i] === 0) {
      zeros++;
      continue;
    }
    if (got[i] !== x[i]) {
      const rescaled = Math.abs(got[i] / x[i] - 1 / (1 - dropRate)) < 1e-3;
      const hint = rescaled ? ` (×1/(1 − ${dropRate}), as tf.dropout does; masking noise keeps the values as they are)` : "";
      fail(`${what}: the value at [${Math.floor(i / shape[1])}, ${i % shape[1]}] is ${shortNumber(got[i])}, expected either 0 or the original ${shortNumber(x[i])}${hint}`);
    }
  }
  return zeros;
}

/** A share of n values lies within bound of p. */
export function expectShare(count: number, n: number, p: number, bound: number, what: string): void {
  const share = count / n;
  if (!(Math.abs(share - p) <= bound)) fail(`${what}: ${(100 * share).toFixed(2)}% of ${groupDigits(n)} values, expected ${(100 * p).toFixed(2)}% ± ${(100 * bound).toFixed(1)}%`);
}

/** The same seed gives the same output, another seed a different one. */
export function expectSeeded(corrupt: (seed: number) => unknown, shape: [number, number], what: string): void {
  const first = expectShape(corrupt(7), shape, `${what} with seed 7`).dataSync();
  const again = expectShape(corrupt(7), shape, `${what} with seed 7, a second time`).dataSync();
  const other = expectShape(corrupt(8), shape, `${what} with seed 8`).dataSync();
  const changed = first.findIndex((v, i) => v !== again[i]);
  if (changed >= 0) {
    fail(`${what}: two calls with seed 7 differ at [${Math.floor(changed / shape[1])}, ${changed % shape[1]}] (${shortNumber(first[changed])} vs ${shortNumber(again[changed])}): pass the seed to tf.randomUniform / tf.randomNormal`);
  }
  if (first.every((v, i) => v === other[i])) fail(`${what}: seeds 7 and 8 give the same output: the noise must come from the seed given`);
}

export const maskingNoiseExercise = defineExercise<MaskingNoise>({
  id: "autoencoders.maskingNoise",
  functionName: "maskingNoise",
  title: "Masking noise",
  cases: [
    {
      name: "same shape; every value is either set to 0 or kept exactly as it was (dropRate 0.3)",
      kind: "property",
      points: 1,
      run(maskingNoise) {
        const x = seededUniform(50, 784, 231, 0.1, 1);
        const zeros = expectMaskedValues(maskingNoise(tf.tensor2d(x, [50, 784]), 0.3, 1), x, [50, 784], 0.3, "masking noise with dropRate 0.3");
        expectTrue(zeros > 0 && zeros < x.length, `masking noise with dropRate 0.3 set ${zeros} of ${x.length} values to 0: expected some, not ${zeros === 0 ? "none" : "all"}`);
      },
    },
    {
      name: "dropRate 0.1, 0.25 and 0.75 on 200 × 784 values: that share of zeros, ± 1%",
      kind: "statistics",
      points: 1,
      run(maskingNoise) {
        // Binomial: the share's standard deviation is at most √(0.25 · 0.75 / 156,800) ≈ 0.11%, so ± 1% is about 9 of them.
        const ones = tf.ones([200, 784]) as tf.Tensor2D;
        [0.1, 0.25, 0.75].forEach((rate, i) => {
          const got = expectShape(maskingNoise(ones, rate, 11 + i), [200, 784], `masking noise with dropRate ${rate}`).dataSync();
          expectShare(got.filter((v) => v === 0).length, got.length, rate, 0.01, `masking noise with dropRate ${rate} set to 0`);
        });
      },
    },
    {
      name: "dropRate 0 returns x unchanged, dropRate 1 all zeros",
      kind: "edge case",
      points: 1,
      run(maskingNoise) {
        const x = seededUniform(20, 50, 232, 0.1, 1);
        expectTensorClose(maskingNoise(tf.tensor2d(x, [20, 50]), 0, 3), x, [20, 50], "masking noise with dropRate 0", 0);
        expectTensorClose(maskingNoise(tf.tensor2d(x, [20, 50]), 1, 3), new Float32Array(1000), [20, 50], "masking noise with dropRate 1", 0);
      },
    },
    {
      name: "seeded: the same seed gives the same mask, another seed another mask",
      kind: "determinism",
      points: 1,
      run(maskingNoise) {
        const x = tf.tensor2d(seededUniform(30, 100, 233, 0.1, 1), [30, 100]);
        expectSeeded((seed) => maskingNoise(x, 0.5, seed), [30, 100], "masking noise");
      },
    },
  ],
});

/** Mean and standard deviation (1/n) of values, float64. */
export function meanAndStd(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}

export function expectInUnitRange(values: ArrayLike<number>, columns: number, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] >= 0 && values[i] <= 1)) fail(`${what}: the value at [${Math.floor(i / columns)}, ${i % columns}] is ${shortNumber(values[i])}, outside [0, 1]: clip the result (tf.clipByValue)`);
  }
}

export const gaussianNoiseExercise = defineExercise<GaussianNoise>({
  id: "autoencoders.gaussianNoise",
  functionName: "gaussianNoise",
  title: "Gaussian noise, clipped to [0, 1]",
  cases: [
    {
      name: "same shape, values in [0, 1], seeded: the same seed gives the same output, another seed another",
      kind: "determinism",
      points: 1,
      run(gaussianNoise) {
        const x = tf.tensor2d(seededUniform(50, 784, 241), [50, 784]);
        const got = expectShape(gaussianNoise(x, 0.3, 1), [50, 784], "gaussian noise with stddev 0.3").dataSync();
        expectInUnitRange(got, 784, "gaussian noise with stddev 0.3");
        expectSeeded((seed) => gaussianNoise(x, 0.3, seed), [50, 784], "gaussian noise");
      },
    },
    {
      name: "on x = 0.5 with stddev 0.05 the noise has mean 0 (± 0.001) and standard deviation 0.05 (± 2%)",
      kind: "statistics",
      points: 1,
      run(gaussianNoise) {
        // 78,400 values: the mean's standard deviation is 0.05/280 ≈ 0.00018 and the std's about 0.25%;
        // the bounds are 5.6 and 8 of them. 0.5 is 10 stddevs from 0 and 1, so nothing is clipped.
        const got = expectShape(gaussianNoise(tf.fill([100, 784], 0.5) as tf.Tensor2D, 0.05, 2), [100, 784], "gaussian noise").dataSync();
        const { mean, std } = meanAndStd(got.map((v) => v - 0.5));
        expectTrue(Math.abs(mean) <= 0.001, `the noise (output − x) has mean ${mean.toFixed(5)}, expected 0 ± 0.001`);
        const variance = Math.abs(std / 0.0025 - 1) <= 0.1 ? " (0.05²: stddev is the standard deviation, not the variance)" : "";
        expectTrue(Math.abs(std / 0.05 - 1) <= 0.02, `the noise (output − x) has standard deviation ${std.toFixed(5)}, expected 0.05 ± 2%${variance}`);
      },
    },
    {
      name: "clipping: x = 0 and x = 1 with stddev 1 give about half (± 2%) exactly 0, resp. exactly 1",
      kind: "statistics",
      points: 1,
      run(gaussianNoise) {
        for (const [value, seed] of [[0, 3], [1, 4]]) {
          const got = expectShape(gaussianNoise(tf.fill([100, 784], value) as tf.Tensor2D, 1, seed), [100, 784], `gaussian noise on x = ${value}`).dataSync();
          expectInUnitRange(got, 784, `gaussian noise on x = ${value} with stddev 1`);
          expectShare(got.filter((v) => v === value).length, got.length, 0.5, 0.02, `gaussian noise on x = ${value} with stddev 1: values exactly ${value} (clipped)`);
        }
      },
    },
    {
      name: "stddev 0 returns x unchanged",
      kind: "edge case",
      points: 1,
      run(gaussianNoise) {
        const x = seededUniform(20, 50, 242);
        expectTensorClose(gaussianNoise(tf.tensor2d(x, [20, 50]), 0, 5), x, [20, 50], "gaussian noise with stddev 0", 0);
      },
    },
  ],
});

// ---------------------------------------------------------------- sparsity penalties

/** The mean over rows of Σ_j |h_j|, float64. */
export function bruteL1(h: ArrayLike<number>, n: number, d: number): number {
  let sum = 0;
  for (let i = 0; i < n * d; i++) sum += Math.abs(h[i]);
  return sum / n;
}

/** Column means ρ̂_j, float64. */
export function columnMeans(a: ArrayLike<number>, n: number, d: number): number[] {
  return Array.from({ length: d }, (_, j) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += a[i * d + j];
    return sum / n;
  });
}

/** Σ_j [ρ log(ρ/ρ̂_j) + (1 − ρ) log((1 − ρ)/(1 − ρ̂_j))], float64. */
export function bruteKl(a: ArrayLike<number>, n: number, d: number, rho: number): number {
  return columnMeans(a, n, d).reduce((sum, r) => sum + rho * Math.log(rho / r) + (1 - rho) * Math.log((1 - rho) / (1 - r)), 0);
}

/** ∂/∂a_ij of the KL penalty: (−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j)) / n, the same down each column. */
export function klGradient(a: ArrayLike<number>, n: number, d: number, rho: number): number[] {
  const means = columnMeans(a, n, d);
  return Array.from({ length: n * d }, (_, k) => (-rho / means[k % d] + (1 - rho) / (1 - means[k % d])) / n);
}

/** The value of a penalty that must be a scalar. */
export function expectScalar(value: unknown, what: string): number {
  return expectShape(value, [], `${what} (a tf.Scalar: the mean over the examples, summed over the units)`).dataSync()[0];
}

/** tf.grad of the student's penalty at x, with a readable failure when it cannot be differentiated. */
export function gradientOf(penalty: (x: tf.Tensor2D) => unknown, x: tf.Tensor2D, what: string): tf.Tensor {
  expectScalar(penalty(x), what);
  try {
    return tf.grad((input: tf.Tensor) => expectTensor(penalty(input as tf.Tensor2D), what))(x);
  } catch (error) {
    if (error instanceof NotImplementedError || error instanceof CheckFailure) throw error;
    return fail(`tf.grad could not differentiate ${what} (${(error as Error).message}): compute it with tensor operations only, no dataSync/arraySync/tf.scalar(number)`);
  }
}

export const l1SparsityExercise = defineExercise<L1Sparsity>({
  id: "autoencoders.sparsityL1",
  functionName: "l1Sparsity",
  title: "L1 sparsity penalty",
  cases: [
    {
      name: "two codes worked by hand: (|1| + |−2| + 0 + |0.5| + |0.5| + |−3|) / 2 = 3.5",
      kind: "closed form",
      points: 1,
      run(l1Sparsity) {
        const got = expectScalar(l1Sparsity(tf.tensor2d([[1, -2, 0], [0.5, 0.5, -3]])), "the L1 penalty");
        expectClose([got], [3.5], "the L1 penalty (the mean over the 2 examples of ‖h‖₁ = 3 and 4)", 1e-6);
      },
    },
    {
      name: "40 random codes of 30 units against a brute-force loop",
      kind: "brute force",
      points: 1,
      run(l1Sparsity) {
        const h = seededNormal(40, 30, 251);
        expectClose([expectScalar(l1Sparsity(tf.tensor2d(h, [40, 30])), "the L1 penalty")], [bruteL1(h, 40, 30)], "the L1 penalty", 1e-5);
      },
    },
    {
      name: "its gradient (tf.grad) is sign(h)/n",
      kind: "gradient",
      points: 1,
      run(l1Sparsity) {
        const [n, d] = [6, 10];
        const h = seededNormal(n, d, 252);
        const gradient = gradientOf(l1Sparsity, tf.tensor2d(h, [n, d]), "the L1 penalty");
        expectTensorClose(gradient, Array.from(h, (v) => Math.sign(v) / n), [n, d], "∂penalty/∂h (tf.grad)", 1e-6);
      },
    },
  ],
});

export const klSparsityExercise = defineExercise<KlSparsity>({
  id: "autoencoders.sparsityKl",
  functionName: "klSparsity",
  title: "KL sparsity penalty",
  cases: [
    {
      name: "mean activations ρ̂ = (0.2, 0.3), by hand, with ρ = 0.05 and ρ = 0.2",
      kind: "closed form",
      points: 1,
      run(klSparsity) {
        const a = tf.tensor2d([[0.1, 0.2], [0.3, 0.4]]);
        for (const rho of [0.05, 0.2]) {
          const want = [0.2, 0.3].reduce((sum, r) => sum + rho * Math.log(rho / r) + (1 - rho) * Math.log((1 - rho) / (1 - r)), 0);
          expectClose([expectScalar(klSparsity(a, rho), `the KL penalty with ρ = ${rho}`)], [want], `the KL penalty Σⱼ KL(ρ ‖ ρ̂ⱼ) with ρ = ${rho}, ρ̂ = (0.2, 0.3)`, 1e-5);
        }
      },
    },
    {
      name: "zero when every unit's mean activation is ρ = 0.05; positive otherwise (brute force on 20 × 5 sigmoid activations)",
      kind: "property",
      points: 1,
      run(klSparsity) {
        const atTarget = expectScalar(klSparsity(tf.tensor2d([[0.02, 0.09, 0.05], [0.08, 0.01, 0.05]]), 0.05), "the KL penalty");
        expectTrue(Math.abs(atTarget) <= 1e-6, `the KL penalty is ${atTarget} when every ρ̂ⱼ = ρ = 0.05, expected 0`);
        const a = Float32Array.from(seededNormal(20, 5, 261, 0, 2), (v) => 1 / (1 + Math.exp(-v)));
        const got = expectScalar(klSparsity(tf.tensor2d(a, [20, 5]), 0.05), "the KL penalty");
        expectTrue(got > 0, `the KL penalty is ${got} for mean activations far from ρ = 0.05, expected a positive value`);
        expectClose([got], [bruteKl(a, 20, 5, 0.05)], "the KL penalty on 20 × 5 sigmoid activations", 1e-5);
      },
    },
    {
      name: "its gradient (tf.grad) is (−ρ/ρ̂ⱼ + (1 − ρ)/(1 − ρ̂ⱼ))/n in column j",
      kind: "gradient",
      points: 1,
      run(klSparsity) {
        const [n, d] = [8, 6];
        const a = Float32Array.from(seededNormal(n, d, 262), (v) => 1 / (1 + Math.exp(-v)));
        const gradient = gradientOf((x) => klSparsity(x, 0.05), tf.tensor2d(a, [n, d]), "the KL penalty");
        expectTensorClose(gradient, klGradient(a, n, d, 0.05), [n, d], "∂penalty/∂activations (tf.grad)", 1e-5);
      },
    },
  ],
});

// ---------------------------------------------------------------- nearest neighbours

function squaredNorm(values: ArrayLike<number>, row: number, d: number): number {
  let sum = 0;
  for (let j = 0; j < d; j++) sum += values[row * d + j] ** 2;
  return sum;
}

/** Squared Euclidean distances from query i to every database row, float64. */
function squaredDistances(queries: ArrayLike<number>, database: ArrayLike<number>, i: number, n: number, d: number): number[] {
  return Array.from({ length: n }, (_, r) => {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += (queries[i * d + j] - database[r * d + j]) ** 2;
    return sum;
  });
}

/** For each query, all database indices nearest first (the lower index on ties), with the squared distances. */
export function bruteForceOrder(queries: ArrayLike<number>, database: ArrayLike<number>, m: number, n: number, d: number): { order: number[]; squared: number[] }[] {
  return Array.from({ length: m }, (_, i) => {
    const squared = squaredDistances(queries, database, i, n, d);
    const order = squared.map((_, r) => r).sort((a, b) => squared[a] - squared[b] || a - b);
    return { order, squared };
  });
}

const formatDistance = (squared: number): string => Number(Math.sqrt(squared).toPrecision(5)).toString();

/**
 * got holds, per query, k distinct database indices nearest first. With `exact`, they must be the
 * brute-force order itself (data whose distances are exact in float32); otherwise an index may
 * differ where its distance equals the expected one up to float32 round-off (near-ties).
 */
export function expectNeighbours(got: unknown, queries: Float32Array, database: Float32Array, shape: { m: number; n: number; d: number }, k: number, what: string, exact = false): void {
  const { m, n, d } = shape;
  if (!Array.isArray(got)) fail(`${what}: expected an array with one array of indices per query, got ${describeValue(got)}`);
  if (got.length !== m) fail(`${what}: expected ${m} arrays (one per query), got ${got.length}`);
  const largestNorm = Math.max(...Array.from({ length: n }, (_, r) => squaredNorm(database, r, d)));
  const expected = bruteForceOrder(queries, database, m, n, d);
  got.forEach((row, i) => {
    const indices = expectNumberArray(row, k, `${what}: the neighbours of query ${i} (k = ${k})`);
    const seen = new Set<number>();
    indices.forEach((index, p) => {
      if (!Number.isInteger(index) || index < 0 || index >= n) fail(`${what}: neighbour ${p + 1} of query ${i} is ${index}, not a row index of the database (0 … ${n - 1})`);
      if (seen.has(index)) fail(`${what}: query ${i} lists database row ${index} twice`);
      seen.add(index);
    });
    const { order, squared } = expected[i];
    // float32 distances by ‖q‖² − 2q·x + ‖x‖² are off by round-off of the norms' size.
    const tolerance = 1e-4 * (1 + squaredNorm(queries, i, d) + largestNorm);
    indices.forEach((index, p) => {
      if (index === order[p] || (!exact && Math.abs(squared[index] - squared[order[p]]) <= tolerance)) return;
      const tie = squared[index] === squared[order[p]] ? " (an equal distance: on ties the lower index comes first)" : "";
      fail(
        `${what}: neighbour ${p + 1} of query ${i} is database row ${index} at distance ${formatDistance(squared[index])}, ` +
          `expected row ${order[p]} at distance ${formatDistance(squared[order[p]])}${tie}. ` +
          `Nearest first, query ${i}'s neighbours are [${order.slice(0, Math.min(k, 8)).join(", ")}${k > 8 ? ", …" : ""}], got [${indices.slice(0, 8).join(", ")}${k > 8 ? ", …" : ""}]`,
      );
    });
  });
}

export const nearestNeighboursExercise = defineExercise<NearestNeighbours>({
  id: "autoencoders.nearestNeighbours",
  functionName: "nearestNeighbours",
  title: "k nearest neighbours",
  cases: [
    {
      name: "five points of the plane worked by hand, k = 3",
      kind: "closed form",
      points: 1,
      run(nearestNeighbours) {
        // From (0, 0): itself, (1, 1) at √2, (3, 0) at 3. From (3, 3.5): (3, 4) at 0.5, (0, 4) at √9.25 ≈ 3.04, (1, 1) at √10.25 ≈ 3.2.
        const database = [0, 0, 3, 0, 0, 4, 3, 4, 1, 1];
        const got = nearestNeighbours(tf.tensor2d([[0, 0], [3, 3.5]]), tf.tensor2d(database, [5, 2]), 3);
        expectNeighbours(got, Float32Array.from([0, 0, 3, 3.5]), Float32Array.from(database), { m: 2, n: 5, d: 2 }, 3, "nearestNeighbours", true);
      },
    },
    {
      name: "20 random queries among 100 random rows (8 dimensions), k = 1, 5 and 100 (all rows in order), against brute force",
      kind: "brute force",
      points: 1,
      run(nearestNeighbours) {
        const shape = { m: 20, n: 100, d: 8 };
        const queries = seededNormal(20, 8, 271);
        const database = seededNormal(100, 8, 272);
        for (const k of [1, 5, 100]) {
          expectNeighbours(nearestNeighbours(tf.tensor2d(queries, [20, 8]), tf.tensor2d(database, [100, 8]), k), queries, database, shape, k, `nearestNeighbours with k = ${k}`);
        }
      },
    },
    {
      name: "a query equal to a database row finds that row first; equal distances list the lower index first",
      kind: "edge case",
      points: 1,
      run(nearestNeighbours) {
        // Rows 1 and 4 are the same point, and (1, 0), (0, 1), (−1, 0) are all at distance 1 from (0, 0).
        const database = [0, 0, 1, 0, 0, 1, -1, 0, 1, 0, 2, 2];
        const queries = [1, 0, 0, 0, 2, 2, 0.5, 0.5];
        const got = nearestNeighbours(tf.tensor2d(queries, [4, 2]), tf.tensor2d(database, [6, 2]), 6);
        expectNeighbours(got, Float32Array.from(queries), Float32Array.from(database), { m: 4, n: 6, d: 2 }, 6, "nearestNeighbours", true);
      },
    },
  ],
});

/**
 * got holds one label per test row: that of the nearest training row (the lower index on ties).
 * Without `exact`, the label of another training row at the same distance up to float32 round-off is accepted.
 */
export function expectNearestLabels(got: unknown, train: Float32Array, labels: number[], test: Float32Array, d: number, what: string, exact = false): void {
  const [n, m] = [labels.length, test.length / d];
  const values = expectNumberArray(got, m, `${what}: the predicted labels (one per test row)`);
  const largestNorm = Math.max(...Array.from({ length: n }, (_, r) => squaredNorm(train, r, d)));
  values.forEach((label, i) => {
    const squared = squaredDistances(test, train, i, n, d);
    const nearest = squared.reduce((best, s, r) => (s < squared[best] ? r : best), 0);
    if (label === labels[nearest]) return;
    const tolerance = 1e-4 * (1 + squaredNorm(test, i, d) + largestNorm);
    if (!exact && squared.some((s, r) => labels[r] === label && s - squared[nearest] <= tolerance)) return;
    const withLabel = squared.map((s, r) => (labels[r] === label ? s : Infinity)).reduce((a, b) => Math.min(a, b), Infinity);
    const tie = withLabel === squared[nearest] ? " (an equal distance: on ties the lower index wins)" : "";
    fail(
      `${what}: test row ${i} got label ${label}, expected ${labels[nearest]}, the label of training row ${nearest} at distance ${formatDistance(squared[nearest])}${tie}` +
        (Number.isFinite(withLabel) ? `; the nearest training row labelled ${label} is at ${formatDistance(withLabel)}` : `; no training row is labelled ${label}`),
    );
  });
}

export const classifyExercise = defineExercise<ClassifyByNearestNeighbour>({
  id: "autoencoders.classify",
  functionName: "classifyByNearestNeighbour",
  title: "1-nearest-neighbour classifier",
  cases: [
    {
      name: "three labelled points of the plane, four test points worked by hand",
      kind: "closed form",
      points: 1,
      run(classifyByNearestNeighbour) {
        // (6, 0) is 4 from (10, 0) and 6 from (0, 0): label 3.
        const got = classifyByNearestNeighbour(tf.tensor2d([[0, 0], [10, 0], [0, 10]]), [7, 3, 5], tf.tensor2d([[1, 1], [9, -1], [-1, 8], [6, 0]]));
        const values = expectNumberArray(got, 4, "the predicted labels (one per test row)");
        expectClose(values, [7, 3, 5, 3], "the predicted labels", 0);
      },
    },
    {
      name: "10 well-separated clusters, 10 labelled points each (like the notebook's 100 labelled digits): all 200 test points classified right",
      kind: "property",
      points: 1,
      run(classifyByNearestNeighbour) {
        // Centres 10·e_c in 10 dimensions (14 apart), noise of standard deviation 0.5 (about 1.6 in norm).
        const d = 10;
        const cluster = (count: number, seed: number) => {
          const noise = seededNormal(count, d, seed, 0, 0.5);
          const labels = Array.from({ length: count }, (_, i) => (i * 7) % 10);
          labels.forEach((c, i) => (noise[i * d + c] += 10));
          return { values: noise, labels };
        };
        const train = cluster(100, 281);
        const test = cluster(200, 282);
        const got = classifyByNearestNeighbour(tf.tensor2d(train.values, [100, d]), train.labels, tf.tensor2d(test.values, [200, d]));
        const values = expectNumberArray(got, 200, "the predicted labels (one per test row)");
        const wrong = values.findIndex((label, i) => label !== test.labels[i]);
        if (wrong >= 0) fail(`test point ${wrong} lies in cluster ${test.labels[wrong]} but got label ${values[wrong]} (${values.filter((l, i) => l !== test.labels[i]).length} of 200 wrong)`);
      },
    },
    {
      name: "40 random test points, 60 training points with random labels 0–9 (16 dimensions), against brute force",
      kind: "brute force",
      points: 1,
      run(classifyByNearestNeighbour) {
        const train = seededNormal(60, 16, 283);
        const test = seededNormal(40, 16, 284);
        const labels = Array.from(seededUniform(1, 60, 285, 0, 10), Math.floor);
        const got = classifyByNearestNeighbour(tf.tensor2d(train, [60, 16]), labels, tf.tensor2d(test, [40, 16]));
        expectNearestLabels(got, train, labels, test, 16, "classifyByNearestNeighbour");
      },
    },
    {
      name: "a labels array whose length is not the number of training rows is refused with an Error",
      kind: "error handling",
      points: 1,
      run(classifyByNearestNeighbour) {
        const train = tf.tensor2d([[0, 0], [1, 1], [2, 2]]);
        const test = tf.tensor2d([[0, 0]]);
        for (const labels of [[0, 1], [0, 1, 2, 3]]) {
          let threw = false;
          try {
            classifyByNearestNeighbour(train, labels, test);
          } catch (error) {
            if (error instanceof NotImplementedError) throw error;
            threw = true;
          }
          expectTrue(threw, `${labels.length} labels for 3 training rows: expected an Error (throw new Error("…")), but the function returned`);
        }
      },
    },
  ],
});

export const autoencodersExercises = [
  encoderExercise,
  decoderExercise,
  squaredErrorExercise,
  crossEntropyExercise,
  maskingNoiseExercise,
  gaussianNoiseExercise,
  l1SparsityExercise,
  klSparsityExercise,
  nearestNeighboursExercise,
  classifyExercise,
];
