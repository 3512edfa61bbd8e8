// Hinton & Salakhutdinov (Science 2006), Fig. 2B: the 784-1000-500-250-30 autoencoder reaches an average
// squared reconstruction error of 3.00 on the 10,000 MNIST test images (summed over the 784 pixels,
// pixels/255, not binarised); PCA-30 gives 13.87. The paper pre-trained with RBMs and fine-tuned for
// 200 epochs of conjugate gradients. Here: the same layer sizes and linear code, random (Glorot)
// initialisation, ELU hidden units instead of logistic ones (a sigmoid stack trained from random
// weights is still at 20.7 after 15 epochs), cross-entropy on the logits, Adam with cosine decay.
import {
  cosineDecay, countParameters, denseAutoencoder, loadMnist, mnistTensors, saveModel, tf,
  trainAutoencoder, type DenseAutoencoderOptions,
} from "../../lib/src";
import { reproduceCommand, startReproduction, writeResult } from "./command-line";

export const PUBLISHED_HINTON_AE30 = 3.0;

export interface HintonAeSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** The learning rate the cosine decay reaches at the last epoch. */
  finalLearningRate: number;
  activation: NonNullable<DenseAutoencoderOptions["activation"]>;
  codeSize: number;
  seed: number;
}

export const DEFAULT_HINTON_AE_SETTINGS: HintonAeSettings = {
  epochs: 100, batchSize: 256, learningRate: 1e-3, finalLearningRate: 1e-5, activation: "elu", codeSize: 30, seed: 1,
};

/** The command-line flag of each setting. */
export const HINTON_AE_FLAGS: Record<keyof HintonAeSettings, string> = {
  epochs: "epochs", batchSize: "batch-size", learningRate: "learning-rate", finalLearningRate: "final-learning-rate",
  activation: "activation", codeSize: "code-size", seed: "seed",
};

export async function reproduceHintonAe(settings: HintonAeSettings, outDir: string) {
  const { backend, started } = await startReproduction(settings, HINTON_AE_FLAGS, ["epochs", "batchSize", "codeSize"]);
  const train = loadMnist("train");
  const test = mnistTensors("test");
  const { encoder, decoder } = denseAutoencoder({ codeSize: settings.codeSize, activation: settings.activation, seed: settings.seed });
  const schedule = cosineDecay(settings.learningRate, settings.finalLearningRate, settings.epochs);
  const testErrors: number[] = [];
  let epochStarted = Date.now();
  const summary = (perEpoch: { testError?: number }[], complete: boolean, extra: Record<string, unknown> = {}) => ({
    figure: "Hinton & Salakhutdinov 2006, Fig. 2B: deep autoencoder reconstruction error on the MNIST test set (mean over images of the squared error summed over 784 pixels)",
    published: { codeSize: 30, testError: PUBLISHED_HINTON_AE30, logisticPca: 8.01, pca: 13.87 },
    reproduced: { codeSize: settings.codeSize, testError: Number(testErrors[testErrors.length - 1]?.toFixed(3)) },
    command: reproduceCommand("hinton-ae", settings, DEFAULT_HINTON_AE_SETTINGS, HINTON_AE_FLAGS),
    settings,
    complete,
    parameters: countParameters(encoder, decoder),
    epochsRun: testErrors.length,
    ...extra,
    backend,
    started: started.toISOString(),
    totalSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    perEpoch,
  });
  const save = async (result: ReturnType<typeof summary>) => {
    await saveModel(encoder, outDir, "encoder");
    await saveModel(decoder, outDir, "decoder");
    return writeResult(outDir, result);
  };
  const { history, perEpoch } = await trainAutoencoder({
    encoder,
    decoder,
    images: train.images,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: schedule,
    testImages: test.x,
    seed: settings.seed,
    label: `Hinton AE-${settings.codeSize} (${settings.activation})`,
    afterEpoch: async (epoch, testError) => {
      testErrors.push(testError ?? NaN);
      console.error(`epoch ${epoch + 1}/${settings.epochs}: test error ${testError?.toFixed(3)}, ${((Date.now() - epochStarted) / 1000).toFixed(1)} s, learning rate ${schedule(epoch).toExponential(2)}`);
      epochStarted = Date.now();
      // A checkpoint every 10 epochs: a long run that is stopped keeps its weights and figures.
      if ((epoch + 1) % 10 === 0 && epoch + 1 < settings.epochs) await save(summary(testErrors.map((e, i) => ({ epoch: i + 1, testError: e })), false));
    },
  });
  const result = await save(
    summary(
      perEpoch.map((e) => ({ ...e, loss: Number(e.loss.toFixed(3)), testError: Number(e.testError?.toFixed(3)), seconds: Number(e.seconds.toFixed(1)) })),
      !history.interrupted,
      {
        interrupted: history.interrupted,
        samplesPerSecond: Math.round(history.samplesPerSecond),
        secondsPerEpoch: Number((history.seconds / Math.max(1, perEpoch.length)).toFixed(1)),
      },
    ),
  );
  encoder.dispose();
  decoder.dispose();
  tf.dispose([test.x, test.y]);
  return result;
}
