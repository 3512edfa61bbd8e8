// The training loop every notebook uses: epochs of minibatch steps with an in-place progress line,
// a stop between batches when the kernel is interrupted (the weights trained so far are kept),
// and a record of live tensors after each epoch so that leaks show up in tests.
import * as tf from "@tensorflow/tfjs";
import { batchIndices, gatherRows, type Seed } from "../data";
import { Progress } from "../display/progress";
import { currentAbortSignal } from "../kernel-signal";

export type Metrics = Record<string, number>;

export interface StepContext {
  epoch: number;
  batch: number;
  /** Steps taken before this one, over all epochs. */
  step: number;
}

export interface TrainingLoopOptions {
  epochs: number;
  /**
   * Epochs already trained (a resumed run, default 0): the loop runs epochs startEpoch … epochs − 1, and
   * StepContext.step counts the earlier epochs' steps too, so that shuffles and seeds continue where they were.
   */
  startEpoch?: number;
  stepsPerEpoch: number;
  /** Examples per step, for samples/s. */
  samplesPerStep: number;
  /** One optimisation step; returns its metrics (e.g. { loss }). Tensors it makes must be freed by it. */
  step(context: StepContext): Metrics | Promise<Metrics>;
  /** Metrics computed once per epoch after its last step (e.g. the test error); gets the epoch's mean step metrics. */
  endOfEpoch?(epoch: number, stepMeans: Readonly<Metrics>): Metrics | Promise<Metrics>;
  label?: string;
  /** Show a progress line (default true). */
  progress?: boolean;
  /** Stops the loop between steps; default: the kernel's interrupt signal, when there is one. */
  signal?: AbortSignal;
}

export interface EpochRecord {
  epoch: number;
  /** Mean of each step metric over the epoch, plus the endOfEpoch metrics. */
  metrics: Metrics;
  seconds: number;
  /** tf.memory().numTensors after the epoch: constant from epoch to epoch when nothing leaks. */
  liveTensors: number;
}

export interface TrainingHistory {
  epochs: EpochRecord[];
  /** True when the loop stopped early because the signal was aborted. */
  interrupted: boolean;
  steps: number;
  seconds: number;
  samplesPerSecond: number;
}

function addInto(sums: Metrics, metrics: Metrics): void {
  for (const [name, value] of Object.entries(metrics)) sums[name] = (sums[name] ?? 0) + value;
}

/** Lets the event loop run (interrupt requests, display updates) without slowing the steps down. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function trainingLoop(options: TrainingLoopOptions): Promise<TrainingHistory> {
  const signal = options.signal ?? currentAbortSignal();
  const startEpoch = options.startEpoch ?? 0;
  if (!Number.isInteger(startEpoch) || startEpoch < 0 || startEpoch >= options.epochs) throw new Error(`trainingLoop: startEpoch must be a whole number in [0, epochs = ${options.epochs}), got ${startEpoch}`);
  const totalSteps = (options.epochs - startEpoch) * options.stepsPerEpoch;
  const progress = options.progress === false ? undefined : new Progress({ total: totalSteps, label: options.label, samplesPerStep: options.samplesPerStep });
  const history: TrainingHistory = { epochs: [], interrupted: false, steps: 0, seconds: 0, samplesPerSecond: 0 };
  const started = performance.now();
  for (let epoch = startEpoch; epoch < options.epochs && !history.interrupted; epoch++) {
    const epochStarted = performance.now();
    const sums: Metrics = {};
    let batches = 0;
    for (let batch = 0; batch < options.stepsPerEpoch; batch++) {
      if (signal?.aborted) {
        history.interrupted = true;
        break;
      }
      const metrics = await options.step({ epoch, batch, step: startEpoch * options.stepsPerEpoch + history.steps });
      history.steps++;
      batches++;
      addInto(sums, metrics);
      progress?.update({ epoch: epoch + 1, epochs: options.epochs, batch: batch + 1, batches: options.stepsPerEpoch, step: history.steps, ...metrics });
      await yieldToEventLoop();
    }
    if (batches === 0) break;
    const metrics: Metrics = Object.fromEntries(Object.entries(sums).map(([name, sum]) => [name, sum / batches]));
    if (!history.interrupted && options.endOfEpoch) Object.assign(metrics, await options.endOfEpoch(epoch, { ...metrics }));
    history.epochs.push({ epoch: epoch + 1, metrics, seconds: (performance.now() - epochStarted) / 1000, liveTensors: tf.memory().numTensors });
  }
  history.seconds = (performance.now() - started) / 1000;
  history.samplesPerSecond = history.seconds > 0 ? (history.steps * options.samplesPerStep) / history.seconds : 0;
  const last = history.epochs[history.epochs.length - 1]?.metrics ?? {};
  progress?.done({ ...last, ...(history.interrupted ? { "interrupted at step": history.steps } : {}) });
  return history;
}

/** One optimizer step minimising `loss` over `variables` (default: all trainable); returns the loss value. */
export function minimizeStep(optimizer: tf.Optimizer, loss: () => tf.Scalar, variables?: tf.Variable[]): number {
  const cost = optimizer.minimize(loss, true, variables);
  if (!cost) throw new Error("minimizeStep: the optimizer returned no cost");
  const value = cost.dataSync()[0];
  cost.dispose();
  return value;
}

/** What every model trainer of the library takes: an encoder/decoder pair, the training rows and Adam's schedule. */
export interface EncoderDecoderTrainingOptions {
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
  /** Training rows, row-major, `features` values each (pixels in [0, 1]). */
  images: Float32Array;
  features?: number;
  epochs: number;
  batchSize?: number;
  /** Adam's learning rate (default 1e-3); or a schedule giving it per epoch, e.g. cosineDecay. */
  learningRate?: number | ((epoch: number) => number);
  /** Seeds the shuffles (and whatever else the trainer draws). */
  seed?: Seed;
  label?: string;
  progress?: boolean;
  signal?: AbortSignal;
}

/** The per-epoch learning rate of `learningRate` (a number, a schedule, or the default 1e-3). */
export function learningRateSchedule(learningRate: EncoderDecoderTrainingOptions["learningRate"]): (epoch: number) => number {
  return typeof learningRate === "function" ? learningRate : () => learningRate ?? 1e-3;
}

/** What a trainer passes on to trainingLoop from its own options: one epoch is one pass over `data`. */
export function passesOver(data: MinibatchSource, batchSize: number, options: { epochs: number; startEpoch?: number; label?: string; progress?: boolean; signal?: AbortSignal }): Omit<TrainingLoopOptions, "step" | "endOfEpoch"> {
  return { epochs: options.epochs, startEpoch: options.startEpoch, stepsPerEpoch: data.stepsPerEpoch, samplesPerStep: batchSize, label: options.label, progress: options.progress, signal: options.signal };
}

export interface MinibatchSource {
  stepsPerEpoch: number;
  batchSize: number;
  /** The rows of batch `batch` of epoch `epoch` as a [batchSize, features] tensor (the caller disposes it). */
  batch(epoch: number, batch: number): tf.Tensor2D;
}

/** Shuffled minibatches of the rows of a row-major matrix, reshuffled every epoch from `seed`. */
export function minibatches(rows: Float32Array, features: number, batchSize: number, seed: Seed = 0): MinibatchSource {
  const count = rows.length / features;
  if (!Number.isInteger(count)) throw new Error(`minibatches: ${rows.length} values are not a whole number of rows of ${features}`);
  if (batchSize < 1 || batchSize > count) throw new Error(`minibatches: batch size ${batchSize} must be between 1 and the ${count} rows`);
  let epochIndices: { epoch: number; batches: Int32Array[] } | undefined;
  const indicesFor = (epoch: number) => {
    if (epochIndices?.epoch !== epoch) epochIndices = { epoch, batches: batchIndices(count, batchSize, { seed: `${seed}:${epoch}`, dropLast: true }) };
    return epochIndices.batches;
  };
  return {
    stepsPerEpoch: Math.floor(count / batchSize),
    batchSize,
    batch(epoch, batch) {
      const indices = indicesFor(epoch)[batch];
      return tf.tensor2d(gatherRows(rows, features, indices), [indices.length, features]);
    },
  };
}
