// The MNIST classifier that notebook 05 measures GAN samples with (classifier-based Fréchet distance and Inception
// Score, on its 256 penultimate features and its softmax): the LeNet-style network of mnistClassifier, trained on the
// 60,000 MNIST training images with Adam (batches of 128, cosine decay from 1e-3), dropout 0.5 before the logits.
// The target is at least 99% accuracy on the 10,000 test images (a network of this shape usually reaches about 99.2%).
// Writes the weights (classifier.json, classifier.weights.bin) and result.json to build/mnist-classifier/; the
// course ships them as datasets/mnist-classifier/, which loadSavedClassifier reads.
import { cosineDecay, loadMnist, mnistTensors, saveModel, tf } from "../../lib/src";
import { CLASSIFIER_FEATURES_LAYER, MNIST_CLASSIFIER_MODEL_NAME, mnistClassifier } from "../../lib/src/models/classifier";
import { trainClassifier, type ClassifierEpochRecord } from "../../lib/src/training/classifier";
import { reproduceCommand, rounded, startReproduction, type RunLimits, writeResult } from "./command-line";

/** The test accuracy the classifier must reach to be used as the course's sample-quality reference. */
export const CLASSIFIER_TARGET_ACCURACY = 0.99;

export interface ClassifierSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** The learning rate the cosine decay reaches at the last epoch. */
  finalLearningRate: number;
  seed: number;
}

export const DEFAULT_CLASSIFIER_SETTINGS: ClassifierSettings = { epochs: 8, batchSize: 128, learningRate: 1e-3, finalLearningRate: 1e-5, seed: 1 };

/** The command-line flag of each setting. */
export const CLASSIFIER_FLAGS: Record<keyof ClassifierSettings, string> = {
  epochs: "epochs", batchSize: "batch-size", learningRate: "learning-rate", finalLearningRate: "final-learning-rate", seed: "seed",
};

/** The command that reproduces these settings. */
export function classifierCommand(settings: ClassifierSettings): string {
  return reproduceCommand("classifier", settings, DEFAULT_CLASSIFIER_SETTINGS, CLASSIFIER_FLAGS);
}

/** The test accuracy after the last complete epoch (an interrupted one has none). */
const finalTestAccuracy = (perEpoch: readonly ClassifierEpochRecord[]) => perEpoch.filter((e) => e.testAccuracy !== undefined).pop()?.testAccuracy;

export async function reproduceClassifier(settings: ClassifierSettings, outDir: string, limits: RunLimits = {}) {
  const { backend, started } = await startReproduction(settings, CLASSIFIER_FLAGS, ["epochs", "batchSize"]);
  const train = loadMnist("train", { limit: limits.trainLimit });
  const test = mnistTensors("test", { limit: limits.testLimit });
  const testLabels = test.y.dataSync();
  const model = mnistClassifier({ seed: settings.seed });
  const schedule = cosineDecay(settings.learningRate, settings.finalLearningRate, settings.epochs);
  const summary = <Extra extends object>(perEpoch: ClassifierEpochRecord[], complete: boolean, extra: Extra) => {
    const accuracy = finalTestAccuracy(perEpoch);
    return {
      purpose: "the MNIST classifier of notebook 05: its penultimate features (classifier-based Fréchet distance) and softmax (Inception Score) measure generated digits",
      architecture: `784 → 28×28×1 → conv 5×5×32 ReLU (same) → max-pool 2 → conv 5×5×64 ReLU (same) → max-pool 2 → flatten 3136 → dense 256 ReLU ("${CLASSIFIER_FEATURES_LAYER}") → dropout 0.5 → dense 10 (logits)`,
      target: { testAccuracy: CLASSIFIER_TARGET_ACCURACY },
      reproduced: {
        testAccuracy: rounded(accuracy, 4),
        testErrors: accuracy === undefined ? undefined : Math.round((1 - accuracy) * test.x.shape[0]),
      },
      command: classifierCommand(settings),
      settings,
      complete,
      parameters: model.countParams(),
      epochsRun: perEpoch.length,
      evaluation: {
        training: `the ${train.count.toLocaleString("en")} MNIST training images (pixels/255), reshuffled every epoch; dropout masks drawn from seeds`,
        testSet: `the ${test.x.shape[0].toLocaleString("en")} MNIST test images (pixels/255), dropout off`,
        perEpoch: "loss and accuracy: means over the epoch's batches as trained (dropout on); testAccuracy: after the epoch, dropout off",
      },
      ...extra,
      backend,
      started: started.toISOString(),
      totalSeconds: Math.round((Date.now() - started.getTime()) / 1000),
      perEpoch: perEpoch.map((e) => ({
        epoch: e.epoch, loss: rounded(e.loss, 4), accuracy: rounded(e.accuracy, 4), testAccuracy: rounded(e.testAccuracy, 4),
        learningRate: Number(e.learningRate.toPrecision(4)), seconds: rounded(e.seconds, 1), liveTensors: e.liveTensors,
      })),
    };
  };
  const save = async <Result>(result: Result) => {
    await saveModel(model, outDir, MNIST_CLASSIFIER_MODEL_NAME);
    return writeResult(outDir, result);
  };
  const records: ClassifierEpochRecord[] = [];
  try {
    const { history, perEpoch } = await trainClassifier({
      model, images: train.images, labels: train.labels, epochs: settings.epochs, batchSize: settings.batchSize,
      learningRate: schedule, seed: settings.seed, testImages: test.x, testLabels, label: "MNIST classifier", progress: limits.progress,
      afterEpoch: async (epoch, record) => {
        records.push(record);
        console.error(`epoch ${epoch + 1}/${settings.epochs}: loss ${record.loss.toFixed(4)}, train accuracy ${(100 * record.accuracy).toFixed(2)}%, test accuracy ${(100 * (record.testAccuracy ?? NaN)).toFixed(2)}%, ${record.seconds.toFixed(1)} s, learning rate ${record.learningRate.toExponential(2)}`);
        // A checkpoint after every epoch but the last (a few minutes each): a stopped run keeps its weights and figures.
        if (epoch + 1 < settings.epochs) await save(summary(records, false, {}));
      },
    });
    const finalAccuracy = finalTestAccuracy(perEpoch);
    return await save(
      summary(perEpoch, !history.interrupted, {
        interrupted: history.interrupted,
        reachedTarget: finalAccuracy !== undefined && finalAccuracy >= CLASSIFIER_TARGET_ACCURACY,
        trainingSeconds: rounded(history.seconds, 1),
        secondsPerEpoch: rounded(history.seconds / Math.max(1, perEpoch.length), 1),
        samplesPerSecond: Math.round(history.samplesPerSecond),
      }),
    );
  } finally {
    model.dispose();
    tf.dispose([test.x, test.y]);
  }
}
