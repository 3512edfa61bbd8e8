// Training a classifier (the MNIST one of models/classifier.ts) on labelled rows: Adam on the mean softmax
// cross-entropy of the logits, shuffled minibatches reshuffled every epoch, dropout masks drawn from seeds,
// and the test accuracy after every epoch.
import * as tf from "@tensorflow/tfjs";
import { adam } from "./adam";
import type { Seed } from "../data";
import { derivedSeed } from "../math/elbo";
import { classifierAccuracy, classifierLogits } from "../models/classifier";
import { learningRateSchedule, minibatches, minimizeStep, passesOver, trainingLoop, type TrainingHistory } from "./loop";
import { setLearningRate } from "./schedule";

export interface ClassifierTrainingOptions {
  model: tf.LayersModel;
  /** Training rows, row-major, as many values each as the model has inputs (pixels in [0, 1]). */
  images: Float32Array;
  /** The class of each row, whole numbers in 0..classes − 1 (classes: the model's outputs). */
  labels: ArrayLike<number>;
  epochs: number;
  /** Default 128. */
  batchSize?: number;
  /** Adam's learning rate (default 1e-3); or a schedule giving it per epoch, e.g. cosineDecay. */
  learningRate?: number | ((epoch: number) => number);
  /** Seeds the shuffles and the dropout masks (default 0). */
  seed?: Seed;
  /** Rows on which the accuracy is measured after every epoch (no dropout), with their labels. */
  testImages?: tf.Tensor2D;
  testLabels?: ArrayLike<number>;
  label?: string;
  progress?: boolean;
  signal?: AbortSignal;
  /** Called after each epoch with its record, e.g. to print it or save a checkpoint. */
  afterEpoch?: (epoch: number, record: ClassifierEpochRecord) => void | Promise<void>;
}

export interface ClassifierEpochRecord {
  epoch: number;
  /** Mean over the epoch's batches of the softmax cross-entropy (nats), as trained (dropout on). */
  loss: number;
  /** Mean over the epoch's batches of the share classified right, as trained (dropout on). */
  accuracy: number;
  /** On testImages after the epoch, dropout off. */
  testAccuracy?: number;
  learningRate: number;
  seconds: number;
  liveTensors: number;
}

export interface ClassifierTrainingResult {
  history: TrainingHistory;
  perEpoch: ClassifierEpochRecord[];
}

/** One-hot rows [labels.length × classes], checking that every label is a class of the model. */
function oneHotRows(labels: ArrayLike<number>, classes: number, what: string): Float32Array {
  const rows = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) throw new Error(`trainClassifier: ${what} label ${label} at index ${i} is not a whole number in 0..${classes - 1} (the model has ${classes} outputs)`);
    rows[i * classes + label] = 1;
  }
  return rows;
}

export async function trainClassifier(options: ClassifierTrainingOptions): Promise<ClassifierTrainingResult> {
  const { model, images, labels } = options;
  const features = model.inputs[0].shape[1];
  const classes = model.outputs[0].shape[1];
  if (typeof features !== "number" || typeof classes !== "number" || model.inputs[0].shape.length !== 2 || model.outputs[0].shape.length !== 2) {
    throw new Error("trainClassifier: the model must take rows [n, features] and give logits [n, classes]");
  }
  const count = images.length / features;
  if (!Number.isInteger(count)) throw new Error(`trainClassifier: ${images.length} values are not a whole number of rows of the model's ${features} inputs`);
  if (labels.length !== count) throw new Error(`trainClassifier: ${labels.length} labels for ${count} rows`);
  if (options.testImages && options.testLabels?.length !== options.testImages.shape[0]) {
    throw new Error(`trainClassifier: testImages has ${options.testImages.shape[0]} rows, so testLabels needs as many labels, got ${options.testLabels?.length ?? "none"}`);
  }
  const batchSize = options.batchSize ?? 128;
  const seed = options.seed ?? 0;
  const schedule = learningRateSchedule(options.learningRate);
  // Two sources shuffled from the same seed draw the same rows for each batch: the images and their one-hot labels.
  const data = minibatches(images, features, batchSize, seed);
  const targets = minibatches(oneHotRows(labels, classes, "a training"), classes, batchSize, seed);
  if (options.testLabels) oneHotRows(options.testLabels, classes, "a test");
  const optimizer = adam(schedule(0));
  const testAccuracies: number[] = [];
  const perEpoch: ClassifierEpochRecord[] = [];
  let epochStarted = performance.now();
  try {
    const history = await trainingLoop({
      ...passesOver(data, batchSize, { ...options, label: options.label ?? "classifier" }),
      step: (context) => {
        if (context.batch === 0) {
          setLearningRate(optimizer, schedule(context.epoch));
          epochStarted = performance.now();
        }
        const x = data.batch(context.epoch, context.batch);
        const y = targets.batch(context.epoch, context.batch);
        let correct: tf.Scalar | undefined;
        const loss = minimizeStep(optimizer, () => {
          const logits = classifierLogits(model, x, { training: true, dropoutSeed: derivedSeed(seed, "classifier", context.step) });
          correct = tf.keep(tf.equal(logits.argMax(1), y.argMax(1)).cast("float32").mean() as tf.Scalar);
          return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
        });
        const accuracy = correct!.dataSync()[0];
        tf.dispose([x, y, correct!]);
        return { loss, accuracy };
      },
      endOfEpoch: async (epoch, stepMeans) => {
        const metrics: Record<string, number> = {};
        if (options.testImages && options.testLabels) {
          metrics["test accuracy"] = classifierAccuracy(model, options.testImages, options.testLabels);
          testAccuracies[epoch] = metrics["test accuracy"];
        }
        const record: ClassifierEpochRecord = {
          epoch: epoch + 1,
          loss: stepMeans.loss,
          accuracy: stepMeans.accuracy,
          ...(testAccuracies[epoch] !== undefined && { testAccuracy: testAccuracies[epoch] }),
          learningRate: schedule(epoch),
          seconds: (performance.now() - epochStarted) / 1000,
          liveTensors: tf.memory().numTensors,
        };
        await options.afterEpoch?.(epoch, record);
        return metrics;
      },
    });
    // The loop's own timings and tensor counts (taken after afterEpoch); an interrupted epoch has no test accuracy.
    for (const record of history.epochs) {
      perEpoch.push({
        epoch: record.epoch,
        loss: record.metrics.loss,
        accuracy: record.metrics.accuracy,
        ...(testAccuracies[record.epoch - 1] !== undefined && { testAccuracy: testAccuracies[record.epoch - 1] }),
        learningRate: schedule(record.epoch - 1),
        seconds: record.seconds,
        liveTensors: record.liveTensors,
      });
    }
    return { history, perEpoch };
  } finally {
    optimizer.dispose();
  }
}
