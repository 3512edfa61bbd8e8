// Hinton & Salakhutdinov (Science 2006), Fig. 2B: the 784-1000-500-250-30 autoencoder reaches an average
// squared reconstruction error of 3.00 on the 10,000 MNIST test images (summed over the 784 pixels,
// pixels/255, not binarised); PCA-30 gives 13.87. The paper pre-trained with RBMs and fine-tuned for
// 200 epochs of conjugate gradients; here: random initialisation, Adam, cross-entropy on the logits.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  binaryCrossEntropyFromLogits, countParameters, denseAutoencoder, describeBackend, initBackend, loadMnist, minibatches,
  minimizeStep, mnistTensors, sumSquaredErrorPerExample, tf, trainingLoop,
} from "../../lib/src";

export const PUBLISHED_HINTON_AE30 = 3.0;

export interface HintonAeSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  codeSize: number;
  seed: number;
}

export const DEFAULT_HINTON_AE_SETTINGS: HintonAeSettings = { epochs: 200, batchSize: 128, learningRate: 1e-3, codeSize: 30, seed: 1 };

function testError(encoder: tf.Sequential, decoder: tf.Sequential, x: tf.Tensor2D): number {
  let total = 0;
  for (let start = 0; start < x.shape[0]; start += 2000) {
    const size = Math.min(2000, x.shape[0] - start);
    total += tf.tidy(() => {
      const batch = x.slice([start, 0], [size, -1]);
      const reconstruction = tf.sigmoid(decoder.apply(encoder.apply(batch)) as tf.Tensor2D) as tf.Tensor2D;
      return sumSquaredErrorPerExample(batch, reconstruction).sum().dataSync()[0];
    });
  }
  return total / x.shape[0];
}

export async function reproduceHintonAe(settings: HintonAeSettings, outDir: string) {
  await initBackend();
  const train = loadMnist("train");
  const test = mnistTensors("test");
  const { encoder, decoder } = denseAutoencoder({ codeSize: settings.codeSize, seed: settings.seed });
  const optimizer = tf.train.adam(settings.learningRate);
  const data = minibatches(train.images, 784, settings.batchSize, settings.seed);
  const perEpoch: { epoch: number; trainLoss: number; testError: number; seconds: number }[] = [];
  const history = await trainingLoop({
    label: `Hinton AE-${settings.codeSize}`,
    epochs: settings.epochs,
    stepsPerEpoch: data.stepsPerEpoch,
    samplesPerStep: settings.batchSize,
    step: ({ epoch, batch }) => {
      const x = data.batch(epoch, batch);
      const loss = minimizeStep(optimizer, () => binaryCrossEntropyFromLogits(x, decoder.apply(encoder.apply(x)) as tf.Tensor2D).mean() as tf.Scalar);
      x.dispose();
      return { loss };
    },
    endOfEpoch: (epoch) => {
      const error = testError(encoder, decoder, test.x);
      perEpoch.push({ epoch: epoch + 1, trainLoss: 0, testError: Number(error.toFixed(3)), seconds: 0 });
      return { "test error": error };
    },
  });
  history.epochs.forEach((record, i) => Object.assign(perEpoch[i] ?? {}, { trainLoss: Number(record.metrics.loss.toFixed(3)), seconds: Number(record.seconds.toFixed(1)) }));
  const result = {
    figure: "Hinton & Salakhutdinov 2006, Fig. 2B: deep autoencoder reconstruction error on the MNIST test set",
    published: { codeSize: 30, testError: PUBLISHED_HINTON_AE30 },
    reproduced: { codeSize: settings.codeSize, testError: perEpoch[perEpoch.length - 1]?.testError },
    settings,
    parameters: countParameters(encoder, decoder),
    epochsRun: perEpoch.length,
    interrupted: history.interrupted,
    samplesPerSecond: Math.round(history.samplesPerSecond),
    secondsPerEpoch: Number((history.seconds / Math.max(1, perEpoch.length)).toFixed(1)),
    totalSeconds: Number(history.seconds.toFixed(1)),
    liveTensorsPerEpoch: history.epochs.map((e) => e.liveTensors),
    perEpoch,
    backend: await describeBackend(),
    date: new Date().toISOString(),
  };
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, model] of [["encoder", encoder], ["decoder", decoder]] as const) {
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      fs.writeFileSync(path.join(outDir, `${name}.weights.bin`), Buffer.from(artifacts.weightData as ArrayBuffer));
      fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: [`${name}.weights.bin`], weights: artifacts.weightSpecs }] }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }));
  }
  fs.writeFileSync(path.join(outDir, "result.json"), JSON.stringify(result, null, 2) + "\n");
  encoder.dispose();
  decoder.dispose();
  optimizer.dispose();
  tf.dispose([test.x, test.y]);
  return result;
}
