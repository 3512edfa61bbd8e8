// Training and evaluating a variational autoencoder on MNIST-like rows: Adam on −(mean ELBO) (or the β / ablation
// objective), each batch re-binarized at random every time it is used (dynamic binarization, as in Burda et al.),
// a test ELBO per epoch, and the importance-weighted estimate of log p(x) in batches with a progress line.
import * as tf from "@tensorflow/tfjs";
import { adam } from "./adam";
import { binarize, type Seed } from "../data";
import { Progress } from "../display/progress";
import { currentAbortSignal } from "../kernel-signal";
import { derivedSeed, elbo, importanceWeightedLogLikelihood, type ElboOptions, type ElboTerms } from "../math/elbo";
import { decoderLogLikelihood, encodePosterior, type VaeLikelihood } from "../models/vae";
import { learningRateSchedule, minibatches, passesOver, trainingLoop, type EncoderDecoderTrainingOptions, type TrainingHistory } from "./loop";
import { setLearningRate } from "./schedule";

export interface VaeTrainingOptions extends EncoderDecoderTrainingOptions {
  /** p(x|z) of the decoder (default "bernoulli"). */
  likelihood?: VaeLikelihood;
  /** Re-binarize every batch at random (default true for a Bernoulli decoder, false for a Gaussian one). */
  dynamicBinarization?: boolean;
  /** L, samples of z per example and step (default 1). */
  samples?: number;
  /** Weight of the KL term (β-VAE; default 1). */
  beta?: number;
  /** The ablations: train on both terms (default), the reconstruction only, or the KL only. */
  terms?: ElboTerms;
  /** The loss from the ELBO's terms per example (e.g. a student's vaeLoss); replaces beta and terms when given. */
  loss?: (reconstruction: tf.Tensor1D, kl: tf.Tensor1D) => tf.Scalar;
  /** Rows on which the ELBO is measured after each epoch, as given (binarize them once beforehand, with a fixed seed). */
  testImages?: tf.Tensor2D;
  /** ε samples per test example for the test ELBO (default 1; the noise is the same every epoch). */
  testSamples?: number;
  /** Called after each epoch with its record so far, e.g. to print it or save a checkpoint. */
  afterEpoch?: (epoch: number, record: VaeEpochRecord) => void | Promise<void>;
}

/** Means over the epoch's training batches (as trained: binarized, one ε), and on the test rows when given. */
export interface VaeEpochRecord {
  epoch: number;
  elbo: number;
  reconstruction: number;
  kl: number;
  /** −(mean objective): what Adam minimised (−ELBO unless beta or terms say otherwise). */
  loss: number;
  testElbo?: number;
  testReconstruction?: number;
  testKl?: number;
  learningRate: number;
  seconds: number;
  liveTensors: number;
}

export interface VaeTrainingResult {
  history: TrainingHistory;
  perEpoch: VaeEpochRecord[];
}

export interface VaeElboEstimate {
  elbo: number;
  reconstruction: number;
  kl: number;
}

function checkModels(fn: string, encoder: tf.LayersModel, decoder: tf.LayersModel, features: number, likelihood: VaeLikelihood): void {
  const encoderIn = encoder.inputs[0].shape[1];
  const encoderOut = encoder.outputs[0].shape[1];
  const decoderIn = decoder.inputs[0].shape[1];
  const decoderOut = decoder.outputs[0].shape[1];
  if (encoderIn !== features) throw new Error(`${fn}: the encoder takes ${encoderIn} inputs but the rows have ${features} features`);
  if (typeof encoderOut !== "number" || encoderOut % 2 !== 0 || decoderIn !== encoderOut / 2) {
    throw new Error(`${fn}: the encoder must output [μ, log σ²] (2p = ${encoderOut} units) for a decoder of p inputs, and the decoder takes ${decoderIn}`);
  }
  const expected = likelihood === "gaussian" ? 2 * features : features;
  if (decoderOut !== expected) throw new Error(`${fn}: a ${likelihood} decoder must output ${expected} units for ${features} features, got ${decoderOut}`);
}

/**
 * The mean ELBO and its terms over the rows of x (as given: binarize them first for a Bernoulli decoder),
 * with `samples` ε per row (default 1), in batches of `batchSize` (default 1000).
 */
export function vaeElbo(encoder: tf.LayersModel, decoder: tf.LayersModel, x: tf.Tensor2D, options: { samples?: number; batchSize?: number; seed?: Seed; likelihood?: VaeLikelihood } = {}): VaeElboEstimate {
  const batchSize = options.batchSize ?? 1000;
  const logLikelihood = decoderLogLikelihood(decoder, options.likelihood);
  const sums = [0, 0, 0];
  for (let start = 0, index = 0; start < x.shape[0]; start += batchSize, index++) {
    const size = Math.min(batchSize, x.shape[0] - start);
    const values = tf.tidy(() => {
      const batch = x.slice([start, 0], [size, -1]);
      const seed = options.seed === undefined ? undefined : derivedSeed(options.seed, "elbo", index);
      const value = elbo(batch, encodePosterior(encoder, batch), logLikelihood, { samples: options.samples, seed });
      return tf.stack([value.elbo.sum(), value.reconstruction.sum(), value.kl.sum()]).dataSync();
    });
    values.forEach((v, i) => (sums[i] += v));
  }
  const [elboSum, reconstructionSum, klSum] = sums.map((s) => s / x.shape[0]);
  return { elbo: elboSum, reconstruction: reconstructionSum, kl: klSum };
}

export interface IwaeEvaluationOptions {
  /** Importance samples per row (≥ 1). */
  k: number;
  /** Rows per batch (default 20, Burda et al.'s). */
  batchSize?: number;
  /** Samples drawn at once per batch (default: about 10,000 decoder rows at a time). */
  chunk?: number;
  seed?: Seed;
  likelihood?: VaeLikelihood;
  label?: string;
  progress?: boolean;
  /** Stops between batches (default: the kernel's interrupt signal); the mean is then over the rows done. */
  signal?: AbortSignal;
}

export interface IwaeEvaluation {
  /** Mean over the rows evaluated of the k-sample bound on log p(x), in nats. */
  logLikelihood: number;
  perExample: Float32Array;
  k: number;
  rows: number;
  interrupted: boolean;
  seconds: number;
}

/**
 * The importance-weighted estimate of log p(x) (Burda et al.'s k-sample bound; k = 5000 in their Table 1) averaged
 * over the rows of x, as given (binarize them first). Async so that progress shows and an interrupt is heard between batches.
 */
export async function iwaeLogLikelihood(encoder: tf.LayersModel, decoder: tf.LayersModel, x: tf.Tensor2D, options: IwaeEvaluationOptions): Promise<IwaeEvaluation> {
  if (!Number.isInteger(options.k) || options.k < 1) throw new Error(`iwaeLogLikelihood: k must be a whole number ≥ 1, got ${options.k}`);
  const batchSize = options.batchSize ?? 20;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`iwaeLogLikelihood: batchSize must be a whole number ≥ 1, got ${batchSize}`);
  const rows = x.shape[0];
  const batches = Math.ceil(rows / batchSize);
  const signal = options.signal ?? currentAbortSignal();
  const logLikelihood = decoderLogLikelihood(decoder, options.likelihood);
  const progress = options.progress === false ? undefined : new Progress({ total: batches, label: options.label ?? `log p(x), k = ${options.k}`, samplesPerStep: batchSize });
  const perExample = new Float32Array(rows);
  const started = performance.now();
  let done = 0;
  let interrupted = false;
  for (let b = 0; b < batches; b++) {
    if (signal?.aborted) {
      interrupted = true;
      break;
    }
    const start = b * batchSize;
    const size = Math.min(batchSize, rows - start);
    const values = tf.tidy(() => {
      const batch = x.slice([start, 0], [size, -1]);
      const seed = options.seed === undefined ? undefined : derivedSeed(options.seed, "batch", b);
      return importanceWeightedLogLikelihood(batch, encodePosterior(encoder, batch), logLikelihood, { k: options.k, chunk: options.chunk, seed }).dataSync();
    });
    perExample.set(values, start);
    done += size;
    let sum = 0;
    for (let i = 0; i < done; i++) sum += perExample[i];
    progress?.update({ step: b + 1, batch: b + 1, batches, "log p(x)": sum / done });
    await new Promise((resolve) => setImmediate(resolve));
  }
  let sum = 0;
  for (let i = 0; i < done; i++) sum += perExample[i];
  const logLikelihoodMean = done > 0 ? sum / done : NaN;
  progress?.done({ "log p(x)": logLikelihoodMean, ...(interrupted ? { "rows done": done } : {}) });
  return { logLikelihood: logLikelihoodMean, perExample: perExample.slice(0, done), k: options.k, rows: done, interrupted, seconds: (performance.now() - started) / 1000 };
}

export async function trainVae(options: VaeTrainingOptions): Promise<VaeTrainingResult> {
  const { encoder, decoder } = options;
  const features = options.features ?? 784;
  const likelihood = options.likelihood ?? "bernoulli";
  checkModels("trainVae", encoder, decoder, features, likelihood);
  if (options.testImages && options.testImages.shape[1] !== features) throw new Error(`trainVae: testImages have ${options.testImages.shape[1]} features, the training rows ${features}`);
  const dynamic = options.dynamicBinarization ?? likelihood === "bernoulli";
  const batchSize = options.batchSize ?? 100;
  const seed = options.seed ?? 0;
  const schedule = learningRateSchedule(options.learningRate);
  const elboOptions: ElboOptions = { samples: options.samples, beta: options.beta, terms: options.terms };
  const optimizer = adam(schedule(0));
  const data = minibatches(options.images, features, batchSize, seed);
  const trainingLogLikelihood = decoderLogLikelihood(decoder, likelihood, true);
  const perEpoch: VaeEpochRecord[] = [];
  let epochStarted = performance.now();
  try {
    const history = await trainingLoop({
      ...passesOver(data, batchSize, options),
      step: (context) => {
        if (context.batch === 0) {
          setLearningRate(optimizer, schedule(context.epoch));
          epochStarted = performance.now();
        }
        const kept: { stats?: tf.Tensor1D } = {};
        tf.tidy(() => {
          const rows = data.batch(context.epoch, context.batch);
          const x = dynamic ? binarize(rows, derivedSeed(seed, "binarize", context.step)) : rows;
          optimizer.minimize(() => {
            const value = elbo(x, encodePosterior(encoder, x, true), trainingLogLikelihood, { ...elboOptions, seed: derivedSeed(seed, "eps", context.step) });
            const loss = options.loss ? options.loss(value.reconstruction, value.kl) : (value.objective.mean().neg() as tf.Scalar);
            kept.stats = tf.keep(tf.stack([value.elbo.mean(), value.reconstruction.mean(), value.kl.mean(), loss]) as tf.Tensor1D);
            return loss;
          });
        });
        // One read of the four numbers per step: each read waits for the step to finish.
        const values = kept.stats!.dataSync();
        kept.stats!.dispose();
        return { loss: values[3], elbo: values[0], reconstruction: values[1], kl: values[2] };
      },
      endOfEpoch: async (epoch, means) => {
        const record: VaeEpochRecord = {
          epoch: epoch + 1, elbo: means.elbo, reconstruction: means.reconstruction, kl: means.kl, loss: means.loss,
          learningRate: schedule(epoch), seconds: 0, liveTensors: 0,
        };
        const metrics: Record<string, number> = {};
        if (options.testImages) {
          const test = vaeElbo(encoder, decoder, options.testImages, { samples: options.testSamples, seed: derivedSeed(seed, "test"), likelihood });
          Object.assign(record, { testElbo: test.elbo, testReconstruction: test.reconstruction, testKl: test.kl });
          Object.assign(metrics, { "test elbo": test.elbo, "test reconstruction": test.reconstruction, "test kl": test.kl });
        }
        record.seconds = (performance.now() - epochStarted) / 1000;
        record.liveTensors = tf.memory().numTensors;
        perEpoch.push(record);
        await options.afterEpoch?.(epoch, record);
        return metrics;
      },
    });
    // The loop's own timings and tensor counts (taken after afterEpoch); an interrupted epoch has no test figures.
    history.epochs.forEach((e, i) => {
      const m = e.metrics;
      perEpoch[i] = { ...(perEpoch[i] ?? { epoch: e.epoch, elbo: m.elbo, reconstruction: m.reconstruction, kl: m.kl, loss: m.loss, learningRate: schedule(e.epoch - 1) }), seconds: e.seconds, liveTensors: e.liveTensors };
    });
    return { history, perEpoch };
  } finally {
    optimizer.dispose();
  }
}
