// The GAN models of notebook 05. Small MLPs for the 1-D toy and the 2-D ring of Gaussians, and a DCGAN pair
// (Radford et al. 2016) for MNIST rows of 784. Every model takes one input row. A conditional model (conditionClasses
// given) takes the row followed by the one-hot code of its class, [z, one-hot] or [x, one-hot], as conditionalInput
// (math/gan.ts) builds it, so its input has `conditionClasses` more columns. The discriminators output one logit per
// row: D(x) = σ(logit), and the losses of math/gan.ts take logits.
// Initialisation is seeded Glorot, as in the rest of the library. DCGAN used N(0, 0.02) instead; with batch norm and
// Adam both train.
import * as tf from "@tensorflow/tfjs";
import { batchNormalization } from "./batch-norm";
import { conv2d } from "./conv";
import { minibatchStddev } from "./minibatch-stddev";
import { packSamples } from "./pack-samples";
import type { HiddenActivation } from "./dense";

/** The hidden activations of the MLP generator and discriminator. "leakyRelu" is max(x, 0.2x), DCGAN's slope for D. */
export type GanActivation = HiddenActivation | "leakyRelu";

/** The slope of the leaky ReLUs for negative inputs (DCGAN's 0.2). */
export const LEAKY_RELU_ALPHA = 0.2;

/** Batch norm's moving-average momentum. 0.9 is PyTorch's default (its momentum 0.1), which the DCGAN reference used; tfjs's default 0.99 lags behind a generator that changes every step. */
export const GAN_BATCH_NORM_MOMENTUM = 0.9;

function checkWhole(fn: string, name: string, value: number, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum) throw new Error(`${fn}: ${name} must be a whole number ≥ ${minimum}, got ${value}`);
}

/** 0 when the model is unconditional; otherwise a checked number of classes (≥ 2). */
function classesOf(fn: string, conditionClasses: number | undefined): number {
  if (conditionClasses === undefined) return 0;
  checkWhole(fn, "conditionClasses", conditionClasses, 2);
  return conditionClasses;
}

/**
 * inputSize → hidden sizes → outputs (linear). Dense layers are named `<name>_<index>_<units>`. Dense layers
 * get seeded Glorot init, seed + index. A leaky ReLU is a layer of its own after a linear dense layer, because
 * tfjs's dense layers have no leaky ReLU activation.
 */
function mlp(fn: string, name: string, inputSize: number, hiddenSizes: readonly number[], outputs: number, activation: GanActivation, seed: number, stddevFeature = false): tf.Sequential {
  checkWhole(fn, "the input size", inputSize, 1);
  const sizes = [...hiddenSizes, outputs];
  const model = tf.sequential({ name });
  sizes.forEach((units, i) => {
    checkWhole(fn, "every hidden size", units, 1);
    const last = i === sizes.length - 1;
    const leaky = !last && activation === "leakyRelu";
    if (last && stddevFeature) model.add(minibatchStddev({ name: `${name}_minibatch_stddev`, ...(i === 0 && { inputShape: [inputSize] }) }));
    model.add(
      tf.layers.dense({
        units,
        activation: last || leaky ? "linear" : (activation as HiddenActivation),
        inputShape: i === 0 && model.layers.length === 0 ? [inputSize] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        name: `${name}_${i + 1}_${units}`,
      }),
    );
    if (leaky) model.add(tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name: `${name}_${i + 1}_leaky_relu` }));
  });
  return model;
}

export interface MlpGeneratorOptions {
  /** The dimension of z. */
  latentSize: number;
  /** The dimension of a sample (1 for the 1-D toy, 2 for the ring). The output layer is linear. */
  outputSize: number;
  hiddenSizes: readonly number[];
  /** Of the hidden layers (default "relu"). */
  activation?: GanActivation;
  seed?: number;
  /** Makes it conditional: the input is [z, one-hot] of latentSize + conditionClasses columns. */
  conditionClasses?: number;
}

/** z (or [z, one-hot]) → hidden layers → a linear output of outputSize: samples of the 1-D toy or the 2-D ring. */
export function mlpGenerator(options: MlpGeneratorOptions): tf.Sequential {
  const fn = "mlpGenerator";
  checkWhole(fn, "latentSize", options.latentSize, 1);
  checkWhole(fn, "outputSize", options.outputSize, 1);
  const classes = classesOf(fn, options.conditionClasses);
  return mlp(fn, "gan_generator", options.latentSize + classes, options.hiddenSizes, options.outputSize, options.activation ?? "relu", options.seed ?? 1);
}

export interface MlpDiscriminatorOptions {
  /** The dimension of a sample. */
  inputSize: number;
  hiddenSizes: readonly number[];
  /** Of the hidden layers (default "leakyRelu", slope 0.2). */
  activation?: GanActivation;
  seed?: number;
  /** Makes it conditional: the input is [x, one-hot] of inputSize + conditionClasses columns. */
  conditionClasses?: number;
  /** Appends the batch's spread to the last hidden layer's features (models/minibatch-stddev.ts), against mode collapse. */
  minibatchStddev?: boolean;
}

/** x (or [x, one-hot]) → hidden layers (→ the minibatch standard deviation) → one logit. */
export function mlpDiscriminator(options: MlpDiscriminatorOptions): tf.Sequential {
  const fn = "mlpDiscriminator";
  checkWhole(fn, "inputSize", options.inputSize, 1);
  const classes = classesOf(fn, options.conditionClasses);
  return mlp(fn, "gan_discriminator", options.inputSize + classes, options.hiddenSizes, 1, options.activation ?? "leakyRelu", (options.seed ?? 1) + 100, options.minibatchStddev ?? false);
}

/** Pixels per MNIST row. */
const PIXELS = 28 * 28;

export interface DcganOptions {
  /** The dimension of z (default 100, DCGAN's). Generator only. */
  latentSize?: number;
  seed?: number;
  /** Makes it conditional on a one-hot class code appended to the input row (10 for MNIST digits). */
  conditionClasses?: number;
  /**
   * f, the width: the generator's layers have 2f (at 7×7) and f (at 14×14) channels, the discriminator's f (14×14) and 2f
   * (7×7). Default 64, the sizes below. The convolutions' cost grows as f²: measured at batch 64 on 2 cores shared with another training run,
   * about 1.5 steps/s for f = 64 and 3.7 for f = 32 (a step: one update of D, then one of G).
   */
  filters?: number;
  /**
   * Stride-1 3×3 convolutions of 2f channels at 7×7, each followed by batch norm and ReLU (LeakyReLU in D) (default 0).
   * In G they come between the projection and the first transposed convolution, where it decides which digit to draw;
   * in D after its second convolution, where it judges the digit's shape as a whole.
   */
  extraConvolutions?: number;
  /** Discriminator only: appends the batch's spread (models/minibatch-stddev.ts) to its 7×7 features, before the logit. */
  minibatchStddev?: boolean;
  /**
   * Discriminator only: judges `pack` samples at once, stacked as channels (models/pack-samples.ts, PacGAN), one logit
   * per pack (default 1). Its batches must divide into packs.
   */
  pack?: number;
}

/**
 * DcganOptions.extraConvolutions, the same in G and D: each a 3×3 stride-1 convolution of 2f channels at 7×7 (no bias),
 * batch norm, then ReLU (G) or LeakyReLU (D). Their initialisers follow the network's other layers (offsets 3, 4, …).
 */
function extraConvolutionLayers(fn: string, count = 0, f: number, init: (offset: number) => ReturnType<typeof tf.initializers.glorotUniform>, activation: "relu" | "leakyRelu"): tf.layers.Layer[] {
  checkWhole(fn, "extraConvolutions", count, 0);
  return Array.from({ length: count }, (_, index) => {
    const i = index + 1;
    return [
      conv2d({ filters: 2 * f, kernelSize: 3, padding: "same", useBias: false, kernelInitializer: init(2 + i), name: `conv7x7_${i}_${2 * f}` }),
      batchNormalization({ momentum: GAN_BATCH_NORM_MOMENTUM, name: `conv7x7_${i}_bn` }),
      activation === "relu" ? tf.layers.reLU({ name: `conv7x7_${i}_relu` }) : tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name: `conv7x7_${i}_leaky_relu` }),
    ];
  }).flat();
}

/**
 * DCGAN's generator (Radford et al. 2016) for 28×28 images, output as rows of 784 in (0, 1). With the default filters = 64:
 * z (or [z, one-hot]) → dense 7·7·128 → batch norm → ReLU → reshape [7, 7, 128]
 * → transposed conv 64, 4×4, stride 2, same (14×14) → batch norm → ReLU
 * → transposed conv 1, 4×4, stride 2, same (28×28) → sigmoid → flatten [784].
 *
 * The output is a sigmoid, not DCGAN's tanh. The course's MNIST rows are in [0, 1], and
 * (1 + tanh(a))/2 = σ(2a), so a sigmoid is DCGAN's tanh output mapped to [0, 1] with the logit scaled by 2.
 * The generator's rows go to the discriminator as they are, in the range of the data. The conditional
 * generator is the usual cGAN: the one-hot code is concatenated to z at the input (Mirza & Osindero 2014).
 * Following DCGAN, there is no batch norm on the output layer, and the layers that batch norm follows have no
 * bias (its β takes the bias's place). 4×4 kernels, divisible by the stride, lessen the checkerboard pattern
 * that uneven overlaps of a 5×5 kernel give (Odena et al. 2016), and they are cheaper.
 * Parameters for z of 100: 627,200 + 25,088 (the dense layer and its batch norm) + 131,072 + 256 + 1,025 = 784,641;
 * each class of a conditional generator adds 6,272 dense weights. 12,672 of the parameters are batch norm's moving statistics,
 * which the optimizer does not train.
 */
export function dcganGenerator(options: Omit<DcganOptions, "minibatchStddev" | "pack"> = {}): tf.Sequential {
  const fn = "dcganGenerator";
  const latentSize = options.latentSize ?? 100;
  checkWhole(fn, "latentSize", latentSize, 1);
  const classes = classesOf(fn, options.conditionClasses);
  const f = options.filters ?? 64;
  checkWhole(fn, "filters", f, 1);
  const seed = options.seed ?? 1;
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const batchNorm = (name: string) => batchNormalization({ momentum: GAN_BATCH_NORM_MOMENTUM, name });
  const transposed = { kernelSize: 4, strides: 2, padding: "same" as const };
  const model = tf.sequential({ name: "dcgan_generator" });
  model.add(tf.layers.dense({ units: 7 * 7 * 2 * f, useBias: false, inputShape: [latentSize + classes], kernelInitializer: init(0), name: `project_${7 * 7 * 2 * f}` }));
  model.add(batchNorm("project_bn"));
  model.add(tf.layers.reLU({ name: "project_relu" }));
  model.add(tf.layers.reshape({ targetShape: [7, 7, 2 * f], name: `to_7x7x${2 * f}` }));
  for (const layer of extraConvolutionLayers(fn, options.extraConvolutions, f, init, "relu")) model.add(layer);
  model.add(tf.layers.conv2dTranspose({ ...transposed, filters: f, useBias: false, kernelInitializer: init(1), name: `deconv1_${f}` }));
  model.add(batchNorm("deconv1_bn"));
  model.add(tf.layers.reLU({ name: "deconv1_relu" }));
  model.add(tf.layers.conv2dTranspose({ ...transposed, filters: 1, activation: "sigmoid", kernelInitializer: init(2), name: "deconv2_1" }));
  model.add(tf.layers.flatten({ name: "image" }));
  return model;
}

/**
 * DCGAN's discriminator for rows of 784 pixels in [0, 1] (or [x, one-hot]), one logit per row. With the default filters = 64:
 * → 28×28×1, rescaled to [−1, 1] (the range DCGAN's discriminator saw) → conv 64, 4×4, stride 2, same (14×14) → LeakyReLU 0.2
 * → conv 128, 4×4, stride 2, same (7×7) → batch norm → LeakyReLU 0.2 → flatten (6,272) → dense 1 (the logit).
 *
 * DCGAN puts batch norm in the discriminator except on its input layer, and the dense output has none.
 * The convolutions and the batch norm are the library's (models/conv.ts, models/batch-norm.ts): tfjs's layers with a
 * faster training pass on the tensorflow backend; they save and load through the library like tfjs's own.
 * The discriminator step (training/gan.ts) gives D a batch of real rows and a batch of fakes separately, as the
 * DCGAN reference does, so each batch is normalised with its own statistics.
 *
 * The conditional discriminator takes [x, one-hot] (784 + classes columns), as the conditional MLP does. It splits
 * the row with two crops and stacks the one-hot code as `classes` constant feature maps behind the image: the first
 * convolution sees 28×28×(1 + classes). It needs no layer of its own: the model keeps one input row, as every model
 * of the course does. Away from the zero-padded borders, a constant map adds a per-class bias to each of the
 * first layer's filters, so the discriminator judges "is this a real digit of class y?" from its first layer on.
 * It costs 16·64·classes weights more. Parameters (unconditional): 1,088 + 131,072 + 512 + 6,273 = 138,945,
 * 256 of them moving statistics.
 */
export function dcganDiscriminator(options: Omit<DcganOptions, "latentSize"> = {}): tf.LayersModel {
  const fn = "dcganDiscriminator";
  const classes = classesOf(fn, options.conditionClasses);
  const f = options.filters ?? 64;
  checkWhole(fn, "filters", f, 1);
  const seed = (options.seed ?? 1) + 100;
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const conv = { kernelSize: 4, strides: 2, padding: "same" as const };
  const input = tf.input({ shape: [PIXELS + classes], name: classes > 0 ? "image_and_class" : "image_row" });
  let pixels: tf.SymbolicTensor = input;
  let labelMaps: tf.SymbolicTensor | undefined;
  if (classes > 0) {
    // [n, 784 + c] → [n, 784 + c, 1, 1], cropped into the image's 784 rows and the code's c rows.
    const column = tf.layers.reshape({ targetShape: [PIXELS + classes, 1, 1], name: "as_column" }).apply(input) as tf.SymbolicTensor;
    pixels = tf.layers.cropping2D({ cropping: [[0, classes], [0, 0]], name: "pixels" }).apply(column) as tf.SymbolicTensor;
    const code = tf.layers.cropping2D({ cropping: [[PIXELS, 0], [0, 0]], name: "one_hot" }).apply(column) as tf.SymbolicTensor;
    // [1, 1, c] spread over 28×28 by nearest-neighbour upsampling. (A repeatVector of 784 computes the same maps, but
    // tfjs's gradient of its Tile is 784 slices and adds, which made a conditional step 1.3× slower; the gradient of
    // upsampling is one op. No gradient is wanted there, but it is on the tape: the fakes share D's input row.)
    const cell = tf.layers.reshape({ targetShape: [1, 1, classes], name: "one_hot_cell" }).apply(code) as tf.SymbolicTensor;
    labelMaps = tf.layers.upSampling2d({ size: [28, 28], name: "one_hot_maps" }).apply(cell) as tf.SymbolicTensor;
  }
  let x = tf.layers.reshape({ targetShape: [28, 28, 1], name: "to_28x28x1" }).apply(pixels) as tf.SymbolicTensor;
  x = tf.layers.rescaling({ scale: 2, offset: -1, name: "to_minus1_1" }).apply(x) as tf.SymbolicTensor;
  if (labelMaps) x = tf.layers.concatenate({ axis: -1, name: "image_and_class_maps" }).apply([x, labelMaps]) as tf.SymbolicTensor;
  const pack = options.pack ?? 1;
  checkWhole(fn, "pack", pack, 1);
  if (pack > 1) x = packSamples({ pack, name: `packs_of_${pack}` }).apply(x) as tf.SymbolicTensor;
  x = conv2d({ ...conv, filters: f, kernelInitializer: init(0), name: `conv1_${f}` }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name: "conv1_leaky_relu" }).apply(x) as tf.SymbolicTensor;
  x = conv2d({ ...conv, filters: 2 * f, useBias: false, kernelInitializer: init(1), name: `conv2_${2 * f}` }).apply(x) as tf.SymbolicTensor;
  x = batchNormalization({ momentum: GAN_BATCH_NORM_MOMENTUM, name: "conv2_bn" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name: "conv2_leaky_relu" }).apply(x) as tf.SymbolicTensor;
  for (const layer of extraConvolutionLayers(fn, options.extraConvolutions, f, init, "leakyRelu")) x = layer.apply(x) as tf.SymbolicTensor;
  if (options.minibatchStddev) x = minibatchStddev({ name: "minibatch_stddev" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: "flatten" }).apply(x) as tf.SymbolicTensor;
  const logit = tf.layers.dense({ units: 1, kernelInitializer: init(2), name: "logit" }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logit, name: "dcgan_discriminator" });
}

/** The number of columns of a model's input rows (z plus the one-hot code for a conditional generator). */
export function inputColumns(model: tf.LayersModel): number {
  const shape = model.inputs[0].shape;
  if (shape.length !== 2 || typeof shape[1] !== "number") throw new Error(`the model must take rows [n, columns], its input shape is [${shape.join(", ")}]`);
  return shape[1];
}
