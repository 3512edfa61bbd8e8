// Training a GAN (Goodfellow et al. 2014, Algorithm 1, with one discriminator step per generator step): the
// discriminator's update on a batch of real rows and a batch of fakes, then the generator's update through the
// discriminator. Each update changes only its own network. The losses are those of math/gan.ts, from logits.
// Adam with β₁ = 0.5 and a learning rate of 2e-4 by default (DCGAN's). The noise is z ~ N(0, I).
import * as tf from "@tensorflow/tfjs";
import { adam } from "./adam";
import { RING_MODE_STD, ringMeans, type Seed } from "../data";
import { derivedSeed } from "../math/elbo";
import { conditionalInput, discriminatorLoss, generatorLoss, modeCoverage, type GeneratorLossKind, type ModeCoverage } from "../math/gan";
import { inputColumns } from "../models/gan";
import { minibatches, passesOver, trainingLoop, type TrainingHistory } from "./loop";
import { setLearningRate } from "./schedule";

/** The classes of the rows, whole numbers in [0, classes): a conditional GAN's labels. */
export type GanLabels = ArrayLike<number> | tf.Tensor1D;

interface GanModels {
  generator: tf.LayersModel;
  /** Takes a sample row (with its one-hot code when conditional), gives one logit per row. */
  discriminator: tf.LayersModel;
  /** The dimension of z. The generator takes latentSize columns, plus the one-hot code when conditional. */
  latentSize: number;
  /** The classes of the rows, for a conditional GAN (whose models take the one-hot code after the row). */
  labels?: GanLabels;
}

export interface DiscriminatorStepOptions extends GanModels {
  /** The discriminator's optimizer. Only the discriminator's trainable weights are updated. */
  optimizer: tf.Optimizer;
  /** A batch of real rows [n, features]. */
  real: tf.Tensor2D;
  /** One-sided label smoothing of the real targets (default 0); see discriminatorLoss. */
  labelSmoothing?: number;
  /** z of the n fakes [n, latentSize] (default: drawn from seed). Conditional fakes get the real rows' labels. */
  noise?: tf.Tensor2D;
  seed?: Seed;
}

export interface DiscriminatorStepResult {
  /** The discriminator's loss on the batch, before the update. */
  dLoss: number;
  /** Mean D(x) = σ(logit) on the real rows, before the update. */
  dReal: number;
  /** Mean D(G(z)) on the fakes, before the update. */
  dFake: number;
}

export interface GeneratorStepOptions extends GanModels {
  /** The generator's optimizer. Only the generator's trainable weights are updated. */
  optimizer: tf.Optimizer;
  /** How many fakes (default: the rows of noise, or the number of labels). */
  batchSize?: number;
  /** Default "non-saturating". */
  generatorLossKind?: GeneratorLossKind;
  /** Top-k training: only the topK fakes that D rates most real give G its loss (see GanStepOptions; default all). */
  topK?: number;
  /** z of the fakes [batchSize, latentSize] (default: drawn from seed). */
  noise?: tf.Tensor2D;
  seed?: Seed;
}

export interface GeneratorStepResult {
  /** The generator's loss, before the update. */
  gLoss: number;
  /** Mean D(G(z)) on the step's fakes, before the update. */
  dFake: number;
}

export interface GanStepOptions extends GanModels {
  dOptimizer: tf.Optimizer;
  gOptimizer: tf.Optimizer;
  real: tf.Tensor2D;
  generatorLossKind?: GeneratorLossKind;
  labelSmoothing?: number;
  /**
   * Generator updates after each discriminator update (default 1). More than one trains G against a D that stands
   * still: the "Helvetica scenario" of Goodfellow's tutorial, in which G maps many z to the point D likes best.
   */
  generatorSteps?: number;
  /**
   * Top-k training (Sinha et al. 2020): G's loss counts only the topK fakes of the batch with the highest logits, the
   * ones D finds most real (default: all of them). Sinha et al. argue that the gradients of the samples D rates worst
   * tend to point away from the data's nearest mode, so that dropping them gives sharper samples.
   */
  topK?: number;
  /** Seeds both noise draws (each update draws its own z, as in Algorithm 1). Unseeded without it. */
  seed?: Seed;
}

export interface GanStepResult {
  dLoss: number;
  gLoss: number;
  /** Mean D on the real rows, in the discriminator step (before its update). */
  dReal: number;
  /** Mean D on the fakes, in the discriminator step (before its update). */
  dFake: number;
}

function shapeOf(t: tf.Tensor): string {
  return `[${t.shape.join(", ")}]`;
}

/** The number of classes a conditional pair was built for (0 for an unconditional one), after checking both models. */
function conditionClasses(fn: string, models: GanModels, features?: number): number {
  const { generator, discriminator, latentSize } = models;
  if (!Number.isInteger(latentSize) || latentSize < 1) throw new Error(`${fn}: latentSize must be a whole number ≥ 1, got ${latentSize}`);
  const generatorColumns = inputColumns(generator);
  const classes = generatorColumns - latentSize;
  const conditional = models.labels !== undefined;
  if (!conditional && classes !== 0) {
    throw new Error(`${fn}: the generator takes ${generatorColumns} inputs but latentSize is ${latentSize}; a conditional generator (${generatorColumns} = ${latentSize} + ${classes} classes) needs labels`);
  }
  if (conditional && classes < 1) throw new Error(`${fn}: labels were given but the generator takes ${generatorColumns} inputs, latentSize ${latentSize} and no one-hot code: build it with conditionClasses`);
  const outputs = generator.outputs[0].shape;
  const sampleSize = outputs[1];
  if (outputs.length !== 2 || typeof sampleSize !== "number") throw new Error(`${fn}: the generator must output rows [n, features], its output shape is [${outputs.join(", ")}]`);
  if (features !== undefined && features !== sampleSize) throw new Error(`${fn}: the real rows have ${features} features but the generator outputs ${sampleSize}`);
  const discriminatorColumns = inputColumns(discriminator);
  if (discriminatorColumns !== sampleSize + classes) {
    throw new Error(`${fn}: the discriminator takes ${discriminatorColumns} inputs, but a sample has ${sampleSize}${classes ? ` plus a one-hot code of ${classes}` : ""}`);
  }
  const logits = discriminator.outputs[0].shape;
  if (logits.length !== 2 || logits[1] !== 1) throw new Error(`${fn}: the discriminator must output one logit per row ([n, 1]), its output shape is [${logits.join(", ")}]`);
  return classes;
}

function labelCount(labels: GanLabels): number {
  return labels instanceof tf.Tensor ? labels.shape[0] : labels.length;
}

/** Rows followed by their one-hot codes when conditional, else the rows themselves. */
function conditioned(rows: tf.Tensor2D, labels: GanLabels | undefined, classes: number): tf.Tensor2D {
  return labels === undefined ? rows : conditionalInput(rows, labels, classes);
}

/** z ~ N(0, I) [count, latentSize], from the given noise after checking it, or drawn (seeded when a seed is given). */
function latentNoise(fn: string, count: number, latentSize: number, noise: tf.Tensor2D | undefined, seed: Seed | undefined, part: string): tf.Tensor2D {
  if (noise) {
    if (noise.rank !== 2 || noise.shape[0] !== count || noise.shape[1] !== latentSize) throw new Error(`${fn}: noise ${shapeOf(noise)} must be [${count}, ${latentSize}] (rows × latentSize)`);
    return noise;
  }
  return tf.randomNormal([count, latentSize], 0, 1, "float32", seed === undefined ? undefined : derivedSeed(seed, part));
}

/** The weights the optimizer updates: the tf.Variables behind the model's trainable weights. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

/**
 * Runs body, then puts back the model's non-trainable weights (batch norm's moving statistics, which a forward pass
 * with training: true updates). The network that is not being trained runs in training mode, with batch statistics as
 * in its own steps, and still comes out of the other network's update exactly as it went in.
 */
function keepingStatistics<T>(model: tf.LayersModel, body: () => T): T {
  const weights = model.nonTrainableWeights;
  if (weights.length === 0) return body();
  const saved = weights.map((weight) => weight.read().clone());
  try {
    return body();
  } finally {
    weights.forEach((weight, i) => weight.write(saved[i]));
    tf.dispose(saved);
  }
}

/** The discriminator's update; returns [dLoss, dReal, dFake] (the caller disposes it). */
function discriminatorUpdate(fn: string, options: DiscriminatorStepOptions): tf.Tensor1D {
  const { generator, discriminator, optimizer, real, labels, latentSize } = options;
  if (real.rank !== 2 || real.shape[0] < 1) throw new Error(`${fn}: real must be a non-empty batch of rows [n, features], got ${shapeOf(real)}`);
  const classes = conditionClasses(fn, options, real.shape[1]);
  const count = real.shape[0];
  if (labels !== undefined && labelCount(labels) !== count) throw new Error(`${fn}: ${labelCount(labels)} labels for ${count} real rows; give one label per row`);
  return tf.tidy(() => {
    const z = latentNoise(fn, count, latentSize, options.noise, options.seed, "discriminator noise");
    // Outside the minimised function: no gradient reaches the generator, and its weights are not in the variable list.
    const fake = keepingStatistics(generator, () => generator.apply(conditioned(z, labels, classes), { training: true }) as tf.Tensor2D);
    const realInput = conditioned(real, labels, classes);
    const fakeInput = conditioned(fake, labels, classes);
    let stats: tf.Tensor1D | undefined;
    optimizer.minimize(
      () => {
        // Two forward passes, so that batch norm normalises the real and the fake batch each with its own statistics (DCGAN).
        const realLogits = discriminator.apply(realInput, { training: true }) as tf.Tensor2D;
        const fakeLogits = discriminator.apply(fakeInput, { training: true }) as tf.Tensor2D;
        const loss = discriminatorLoss(realLogits, fakeLogits, { labelSmoothing: options.labelSmoothing });
        stats = tf.keep(tf.stack([loss, tf.sigmoid(realLogits).mean(), tf.sigmoid(fakeLogits).mean()]) as tf.Tensor1D);
        return loss;
      },
      false,
      trainableVariables(discriminator),
    );
    return stats!;
  });
}

/**
 * The rows of the k highest logits [n, 1], as a new tensor read from their values: the gradient flows through the
 * logits gathered at them, not through the choice (tfjs would try to differentiate topk's indices).
 */
function highestRows(logits: tf.Tensor2D, k: number): tf.Tensor1D {
  const scores = logits.dataSync();
  const rows = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  return tf.tensor1d(rows.slice(0, k), "int32");
}

/** The generator's update; returns [gLoss, dFake] (the caller disposes it). */
function generatorUpdate(fn: string, options: GeneratorStepOptions): tf.Tensor1D {
  const { generator, discriminator, optimizer, labels, latentSize } = options;
  const classes = conditionClasses(fn, options);
  const count = options.batchSize ?? options.noise?.shape[0] ?? (labels !== undefined ? labelCount(labels) : undefined);
  if (count === undefined || !Number.isInteger(count) || count < 1) throw new Error(`${fn}: batchSize (the number of fakes) must be a whole number ≥ 1, got ${count}`);
  if (labels !== undefined && labelCount(labels) !== count) throw new Error(`${fn}: ${labelCount(labels)} labels for ${count} fakes; give one label per fake`);
  const topK = options.topK ?? count;
  if (!Number.isInteger(topK) || topK < 1 || topK > count) throw new Error(`${fn}: topK must be a whole number in [1, ${count}] (the fakes per step), got ${topK}`);
  return tf.tidy(() => {
    const z = conditioned(latentNoise(fn, count, latentSize, options.noise, options.seed, "generator noise"), labels, classes);
    let stats: tf.Tensor1D | undefined;
    keepingStatistics(discriminator, () =>
      optimizer.minimize(
        () => {
          const fake = generator.apply(z, { training: true }) as tf.Tensor2D;
          const logits = discriminator.apply(conditioned(fake, labels, classes), { training: true }) as tf.Tensor2D;
          const counted = topK === count ? logits : (logits.gather(highestRows(logits, topK)) as tf.Tensor2D);
          const loss = generatorLoss(counted, options.generatorLossKind ?? "non-saturating");
          stats = tf.keep(tf.stack([loss, tf.sigmoid(logits).mean()]) as tf.Tensor1D);
          return loss;
        },
        false,
        trainableVariables(generator),
      ),
    );
    return stats!;
  });
}

function readAndDispose(t: tf.Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

/**
 * One update of the discriminator: minimise discriminatorLoss(D(real), D(G(z))) over D's trainable weights. The fakes
 * come from the generator in training mode, outside the gradient. The generator's weights, its batch-norm
 * statistics included, come out exactly as they went in.
 */
export function discriminatorStep(options: DiscriminatorStepOptions): DiscriminatorStepResult {
  const [dLoss, dReal, dFake] = readAndDispose(discriminatorUpdate("discriminatorStep", options));
  return { dLoss, dReal, dFake };
}

/**
 * One update of the generator: minimise generatorLoss(D(G(z))) over G's trainable weights, with the gradient through the
 * discriminator (in training mode). The discriminator's weights, its batch-norm statistics included, come out exactly as
 * they went in.
 */
export function generatorStep(options: GeneratorStepOptions): GeneratorStepResult {
  const [gLoss, dFake] = readAndDispose(generatorUpdate("generatorStep", options));
  return { gLoss, dFake };
}

/**
 * One step of GAN training: discriminatorStep on `real` and as many fakes, then generatorStep on as many new fakes
 * (fresh z, as in Algorithm 1; a conditional pair's fakes take the real rows' labels in both updates). The numbers
 * are read once, at the end.
 */
export function ganStep(options: GanStepOptions): GanStepResult {
  const { dOptimizer, gOptimizer, real, seed } = options;
  const generatorSteps = options.generatorSteps ?? 1;
  if (!Number.isInteger(generatorSteps) || generatorSteps < 1) throw new Error(`ganStep: generatorSteps must be a whole number ≥ 1, got ${generatorSteps}`);
  const d = discriminatorUpdate("ganStep", { ...options, optimizer: dOptimizer, seed: seed === undefined ? undefined : derivedSeed(seed, "discriminator") });
  const g: tf.Tensor1D[] = [];
  try {
    for (let k = 0; k < generatorSteps; k++) {
      // The first update's seed is the one a single update always had: runs with one G step reproduce exactly.
      const stepSeed = seed === undefined ? undefined : k === 0 ? derivedSeed(seed, "generator") : derivedSeed(seed, "generator", k);
      g.push(generatorUpdate("ganStep", { ...options, optimizer: gOptimizer, batchSize: real.shape[0], seed: stepSeed }));
    }
  } catch (error) {
    tf.dispose([d, ...g]);
    throw error;
  }
  const values = readAndDispose(tf.concat([d, ...g]));
  tf.dispose([d, ...g]);
  // The generator's loss: the mean over its updates.
  const gLoss = g.reduce((sum, _, k) => sum + values[3 + 2 * k], 0) / generatorSteps;
  return { dLoss: values[0], dReal: values[1], dFake: values[2], gLoss };
}

/** D(x) = σ(logit) for each row of x (with its one-hot code when conditional), batch norm in inference mode: how real D believes each row is. */
export function discriminatorProbabilities(discriminator: tf.LayersModel, x: tf.Tensor2D): Float32Array {
  return readAndDispose(tf.tidy(() => tf.sigmoid(discriminator.apply(x, { training: false }) as tf.Tensor).reshape([-1])));
}

export interface SampleGeneratorOptions {
  seed?: Seed;
  /** A conditional generator's classes, one per sample. */
  labels?: GanLabels;
  /** The number of classes of a conditional generator (or give latentSize). */
  classes?: number;
  /** The dimension of z (default: the generator's inputs less the classes). */
  latentSize?: number;
  /** Batch norm with the samples' own statistics instead of the moving averages (default false); the averages are not updated. */
  training?: boolean;
}

/**
 * G applied to z ~ N(0, I) of `count` rows (seeded when a seed is given): samples [count, features]. Conditional
 * generators take labels (one per sample) and the number of classes, or latentSize. By default batch norm runs in
 * inference mode (its moving averages), so a sample does not depend on the others drawn with it.
 */
export function sampleGenerator(generator: tf.LayersModel, count: number, options: SampleGeneratorOptions = {}): tf.Tensor2D {
  const fn = "sampleGenerator";
  if (!Number.isInteger(count) || count < 1) throw new Error(`${fn}: count must be a whole number ≥ 1, got ${count}`);
  const noise = latentFor(fn, generator, count, options);
  try {
    return generateFrom(fn, generator, noise, options.labels, inputColumns(generator) - noise.shape[1], options.training ?? false);
  } finally {
    noise.dispose();
  }
}

/**
 * How a 2-D generator covers the modes of ringOfGaussians' default ring (8 modes of standard deviation 0.02 on a circle
 * of radius 2): modeCoverage of `count` samples from `seed`, in inference mode, with the samples (row-major [x0, y0, …]).
 */
export function ringCoverage(generator: tf.LayersModel, count: number, seed: Seed): ModeCoverage & { samples: Float32Array } {
  const drawn = sampleGenerator(generator, count, { seed });
  if (drawn.shape[1] !== 2) {
    drawn.dispose();
    throw new Error(`ringCoverage: the generator must make 2-D points, it makes ${drawn.shape[1]} values per sample`);
  }
  const samples = drawn.dataSync() as Float32Array;
  drawn.dispose();
  return { samples, ...modeCoverage(samples, ringMeans(), RING_MODE_STD) };
}

function latentFor(fn: string, generator: tf.LayersModel, count: number, options: SampleGeneratorOptions): tf.Tensor2D {
  const columns = inputColumns(generator);
  let latentSize = options.latentSize;
  if (latentSize === undefined) {
    if (options.labels !== undefined && options.classes === undefined) throw new Error(`${fn}: with labels, give the number of classes (or latentSize): the generator's ${columns} inputs are z and the one-hot code`);
    latentSize = columns - (options.labels !== undefined ? options.classes! : 0);
  }
  if (!Number.isInteger(latentSize) || latentSize < 1 || latentSize > columns) throw new Error(`${fn}: latentSize ${latentSize} does not fit the generator's ${columns} inputs`);
  if (options.labels === undefined && latentSize !== columns) throw new Error(`${fn}: the generator takes ${columns} inputs, latentSize is ${latentSize}: a conditional generator needs labels`);
  if (options.labels !== undefined && labelCount(options.labels) !== count) throw new Error(`${fn}: ${labelCount(options.labels)} labels for ${count} samples; give one label per sample`);
  return tf.randomNormal([count, latentSize], 0, 1, "float32", options.seed === undefined ? undefined : derivedSeed(options.seed, "samples"));
}

/** G(z) (or G([z, one-hot])), with batch norm in training or inference mode; the moving statistics are left as they were. */
function generateFrom(fn: string, generator: tf.LayersModel, z: tf.Tensor2D, labels: GanLabels | undefined, classes: number, training: boolean): tf.Tensor2D {
  if (labels !== undefined && classes < 1) throw new Error(`${fn}: the generator takes no one-hot code: give no labels`);
  return keepingStatistics(generator, () => tf.tidy(() => generator.apply(conditioned(z, labels, classes), { training }) as tf.Tensor2D));
}

export interface GanTrainingOptions {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  /** Training rows, row-major (MNIST pixels in [0, 1], or toy points), as many values each as the generator outputs. */
  images: Float32Array;
  /** The class of each row: trains a conditional pair (built with conditionClasses). */
  labels?: ArrayLike<number>;
  epochs: number;
  /**
   * Epochs the models have already been trained (resuming a checkpoint; default 0): trains epochs startEpoch + 1 …
   * epochs, with the shuffles and noise an uninterrupted run would have drawn. Adam's moments start afresh.
   */
  startEpoch?: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam's learning rate for both networks (default 2e-4, DCGAN's); or a schedule giving it per epoch. */
  learningRate?: number | ((epoch: number) => number);
  /** Adam's β₁ for both networks (default 0.5, DCGAN's: 0.9 oscillated). */
  beta1?: number;
  latentSize: number;
  /** Default "non-saturating". */
  generatorLossKind?: GeneratorLossKind;
  /** One-sided label smoothing of the real targets (default 0). */
  labelSmoothing?: number;
  /** Generator updates after each discriminator update (default 1; see GanStepOptions). */
  generatorSteps?: number;
  /**
   * Top-k training (see GanStepOptions.topK) with Sinha et al.'s schedule: in epoch t (from 0), G's loss counts the
   * ⌈max(decay^t, minimumShare) · batchSize⌉ fakes D rates most real; they used decay 0.99 and minimumShare 0.5.
   */
  topK?: { decay: number; minimumShare: number };
  /** Seeds the shuffles and the noise (default 0). */
  seed?: Seed;
  /** z [m, latentSize] that the generator maps after every epoch, in inference mode: the same m samples epoch after epoch. The caller keeps and disposes it. */
  fixedNoise?: tf.Tensor2D;
  /** The classes of the fixedNoise rows, for a conditional generator. */
  fixedLabels?: ArrayLike<number>;
  label?: string;
  progress?: boolean;
  signal?: AbortSignal;
  /** Called after each epoch with its record, e.g. to draw the samples or save a checkpoint. */
  afterEpoch?: (epoch: number, record: GanEpochRecord) => void | Promise<void>;
  /**
   * Keeps an exponential moving average of the generator's weights in `model`, a second generator of the same
   * architecture: after every step, w̄ ← decay · w̄ + (1 − decay) · w, for every weight (batch norm's moving
   * statistics too), starting from the generator's weights. Sampling from the average smooths out the oscillation of
   * the game (Yazıcı et al. 2019); the trained generator itself is unchanged. Decay in (0, 1), e.g. 0.999.
   * With `resume`, the average goes on from the model's own weights (a resumed run's) instead of the generator's.
   */
  generatorAverage?: { model: tf.LayersModel; decay: number; resume?: boolean };
}

/** Means over the epoch's steps (each value taken before the step's updates). */
export interface GanEpochRecord {
  epoch: number;
  dLoss: number;
  gLoss: number;
  dReal: number;
  dFake: number;
  learningRate: number;
  seconds: number;
  liveTensors: number;
  /** G(fixedNoise) after the epoch, row-major [m, features], when fixedNoise was given. */
  samples?: Float32Array;
}

export interface GanTrainingResult {
  history: TrainingHistory;
  perEpoch: GanEpochRecord[];
}

function checkLabels(fn: string, labels: ArrayLike<number>, classes: number, name: string): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) throw new Error(`${fn}: ${name}[${i}] = ${label} is not a whole number in [0, ${classes}) (the models' classes)`);
  }
}

/** Copies the generator's weights into the average's model unless resuming (checking that it is the same architecture); returns the per-step update. */
function startAverage(fn: string, generator: tf.LayersModel, { model, decay, resume }: NonNullable<GanTrainingOptions["generatorAverage"]>): () => void {
  if (!(decay > 0 && decay < 1)) throw new Error(`${fn}: generatorAverage.decay must be in (0, 1), e.g. 0.999, got ${decay}`);
  if (model === generator) throw new Error(`${fn}: generatorAverage.model must be a second generator, not the one being trained`);
  const source = generator.weights;
  const target = model.weights;
  const sameShapes = source.length === target.length && source.every((w, i) => w.shape.join() === target[i].shape.join());
  if (!sameShapes) throw new Error(`${fn}: generatorAverage.model must have the generator's architecture (build it with the same options)`);
  // write() makes the variable hold the value's data (tensors are immutable, so sharing it is safe); tidy frees the rest.
  if (!resume) source.forEach((w, i) => target[i].write(w.read()));
  return () => tf.tidy(() => source.forEach((w, i) => target[i].write(target[i].read().mul(decay).add(w.read().mul(1 - decay)))));
}

/** The fakes that count in epoch `epoch` under top-k training's schedule. */
export function topKCount({ decay, minimumShare }: { decay: number; minimumShare: number }, epoch: number, batchSize: number): number {
  if (!(decay > 0 && decay <= 1) || !(minimumShare > 0 && minimumShare <= 1)) throw new Error(`topK: decay and minimumShare must be in (0, 1], got ${decay} and ${minimumShare}`);
  return Math.ceil(Math.max(decay ** epoch, minimumShare) * batchSize);
}

/**
 * Trains a GAN on the rows of `images` with ganStep (one discriminator update, then one generator update, per batch)
 * and one Adam per network, for `epochs` epochs of shuffled batches (the last partial batch is dropped).
 */
export async function trainGan(options: GanTrainingOptions): Promise<GanTrainingResult> {
  const fn = "trainGan";
  const { generator, discriminator, images, labels, latentSize } = options;
  const classes = conditionClasses(fn, { generator, discriminator, latentSize, labels });
  const features = generator.outputs[0].shape[1] as number;
  const count = images.length / features;
  if (!Number.isInteger(count) || count < 1) throw new Error(`${fn}: ${images.length} values are not a whole, non-zero number of rows of the generator's ${features} outputs`);
  if (labels !== undefined && labels.length !== count) throw new Error(`${fn}: ${labels.length} labels for ${count} rows`);
  if (labels !== undefined) checkLabels(fn, labels, classes, "labels");
  if (options.fixedLabels !== undefined) checkLabels(fn, options.fixedLabels, classes, "fixedLabels");
  const { fixedNoise, fixedLabels } = options;
  if (fixedNoise && (fixedNoise.rank !== 2 || fixedNoise.shape[1] !== latentSize)) throw new Error(`${fn}: fixedNoise ${shapeOf(fixedNoise)} must be [m, latentSize = ${latentSize}]`);
  if (fixedNoise && classes > 0 && fixedLabels?.length !== fixedNoise.shape[0]) throw new Error(`${fn}: a conditional generator needs fixedLabels, one per fixedNoise row (${fixedNoise.shape[0]}), got ${fixedLabels?.length ?? "none"}`);
  if (fixedLabels !== undefined && classes === 0) throw new Error(`${fn}: fixedLabels were given but the GAN is not conditional`);
  const batchSize = options.batchSize ?? 64;
  const seed = options.seed ?? 0;
  const schedule = typeof options.learningRate === "function" ? options.learningRate : () => (options.learningRate as number | undefined) ?? 2e-4;
  const beta1 = options.beta1 ?? 0.5;
  if (!(beta1 >= 0 && beta1 < 1)) throw new Error(`${fn}: beta1 must be in [0, 1), got ${beta1}`);
  if (options.topK) topKCount(options.topK, 0, batchSize);
  // The same seed gives the same shuffle: the labels' batches go with the rows'.
  const data = minibatches(images, features, batchSize, seed);
  const labelBatches = labels === undefined ? undefined : minibatches(Float32Array.from(labels), 1, batchSize, seed);
  const average = options.generatorAverage && startAverage(fn, generator, options.generatorAverage);
  const dOptimizer = adam(schedule(0), beta1);
  const gOptimizer = adam(schedule(0), beta1);
  const samples: Float32Array[] = [];
  let epochStarted = performance.now();
  try {
    const history = await trainingLoop({
      ...passesOver(data, batchSize, { ...options, label: options.label ?? (classes > 0 ? "conditional GAN" : "GAN") }),
      step: (context) => {
        if (context.batch === 0) {
          setLearningRate(dOptimizer, schedule(context.epoch));
          setLearningRate(gOptimizer, schedule(context.epoch));
          epochStarted = performance.now();
        }
        const real = data.batch(context.epoch, context.batch);
        try {
          const batchLabels = labelBatches ? readAndDispose(labelBatches.batch(context.epoch, context.batch)) : undefined;
          const result = ganStep({
            generator, discriminator, dOptimizer, gOptimizer, real, latentSize, labels: batchLabels,
            generatorLossKind: options.generatorLossKind, labelSmoothing: options.labelSmoothing, generatorSteps: options.generatorSteps, seed: derivedSeed(seed, "step", context.step),
            ...(options.topK && { topK: topKCount(options.topK, context.epoch, batchSize) }),
          });
          average?.();
          return { ...result };
        } finally {
          real.dispose();
        }
      },
      endOfEpoch: async (epoch, means) => {
        if (fixedNoise) samples[epoch] = readAndDispose(generateFrom(fn, generator, fixedNoise, fixedLabels, classes, false));
        const record: GanEpochRecord = {
          epoch: epoch + 1, dLoss: means.dLoss, gLoss: means.gLoss, dReal: means.dReal, dFake: means.dFake, learningRate: schedule(epoch),
          seconds: (performance.now() - epochStarted) / 1000, liveTensors: tf.memory().numTensors,
          ...(samples[epoch] && { samples: samples[epoch] }),
        };
        await options.afterEpoch?.(epoch, record);
        return {};
      },
    });
    // The loop's own timings and tensor counts (taken after afterEpoch); an interrupted epoch (cut short) has no samples.
    const perEpoch = history.epochs.map((e): GanEpochRecord => ({
      epoch: e.epoch, dLoss: e.metrics.dLoss, gLoss: e.metrics.gLoss, dReal: e.metrics.dReal, dFake: e.metrics.dFake, learningRate: schedule(e.epoch - 1),
      seconds: e.seconds, liveTensors: e.liveTensors, ...(samples[e.epoch - 1] && { samples: samples[e.epoch - 1] }),
    }));
    return { history, perEpoch };
  } finally {
    dOptimizer.dispose();
    gOptimizer.dispose();
  }
}
