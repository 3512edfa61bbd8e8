// Burda, Grosse & Salakhutdinov, "Importance Weighted Autoencoders" (ICLR 2016), Table 1, MNIST, one stochastic
// layer of 50 Gaussian units, Bernoulli decoder, VAE objective (k = 1): test log-likelihood −86.76 nats, estimated
// with the k = 5000 importance-weighted bound (IWAE trained with k = 50: −84.78). Their set-up (github.com/yburda/iwae):
// 784-200-200-50 tanh networks, each image re-binarized at random whenever it is used (training and test),
// 59,600 training images, Adam with batches of 20 for 3^8 − 1 = 3,280 epochs (the learning rate stepped from 1e-3
// down to 1e-4), the output bias set to the logits of the mean training image; the test set is binarized once, from a
// fixed seed (123), and log p(x) is estimated with k = 5000 in batches of 20 images.
// Here: the same likelihood, prior, posterior family, binarization and estimator; all 60,000 training images;
// wider networks (784-500-500-50, see VAE_HIDDEN_SIZES) and Adam with batches of 250 and cosine decay from 1e-3 to 1e-5
// over 200 epochs, what fits a working session on two cores: about 21 s per epoch alone (70 min), then about 27 min
// for k = 5000 on the 10,000 test images.
// The test images are binarized once with the library's binarize and seed 123.
import {
  binarize, cosineDecay, countParameters, iwaeLogLikelihood, loadMnist, mlpVae, mnistTensors,
  pixelLogitBias, saveModel, tf, trainVae, vaeElbo, VAE_HIDDEN_SIZES, type VaeEpochRecord,
} from "../../lib/src";
import { reproduceCommand, rounded, startReproduction, type RunLimits, writeResult } from "./command-line";

export const PUBLISHED_IWAE_TABLE1 = { latentSize: 50, k: 5000, vae: -86.76, iwaeK50: -84.78 } as const;
/** The targets: an estimated test log-likelihood of −87 nats or better, a test ELBO above −95. */
export const VAE_TARGETS = { logLikelihood: -87, elbo: -95 } as const;
/** The test images are binarized once with this seed (Burda et al.'s evaluation seed; the generator differs). */
export const TEST_BINARIZATION_SEED = 123;

export interface VaeSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** The learning rate the cosine decay reaches at the last epoch. */
  finalLearningRate: number;
  latentSize: number;
  hiddenSizes: number[];
  /** Importance samples per test image for the log p(x) estimate. */
  k: number;
  /** ε samples per test image for the final test ELBO. */
  elboSamples: number;
  seed: number;
}

export const DEFAULT_VAE_SETTINGS: VaeSettings = {
  epochs: 200, batchSize: 250, learningRate: 1e-3, finalLearningRate: 1e-5, latentSize: 50, hiddenSizes: [...VAE_HIDDEN_SIZES], k: 5000, elboSamples: 10, seed: 1,
};

/** The command-line flag of each setting. */
export const VAE_FLAGS: Record<keyof VaeSettings, string> = {
  epochs: "epochs", batchSize: "batch-size", learningRate: "learning-rate", finalLearningRate: "final-learning-rate",
  latentSize: "latent", hiddenSizes: "hidden", k: "k", elboSamples: "elbo-samples", seed: "seed",
};

/** The command that reproduces these settings. */
export function vaeCommand(settings: VaeSettings): string {
  return reproduceCommand("vae", settings, DEFAULT_VAE_SETTINGS, VAE_FLAGS);
}


export async function reproduceVae(settings: VaeSettings, outDir: string, limits: RunLimits = {}) {
  const { backend, started } = await startReproduction(settings, VAE_FLAGS, ["epochs", "batchSize", "latentSize", "k", "elboSamples"]);
  const train = loadMnist("train", { limit: limits.trainLimit });
  const test = mnistTensors("test", { limit: limits.testLimit });
  const testBinary = binarize(test.x, TEST_BINARIZATION_SEED);
  tf.dispose([test.x, test.y]);
  const { encoder, decoder } = mlpVae({ latentSize: settings.latentSize, hiddenSizes: settings.hiddenSizes, activation: "tanh", outputBias: pixelLogitBias(train.images), seed: settings.seed });
  const evaluation = {
    testSet: `the ${testBinary.shape[0].toLocaleString("en")} MNIST test images, each binarized once (pixel/255 as the probability of a 1) with the library's binarize and seed ${TEST_BINARIZATION_SEED}; the same binary images for every epoch and for both figures`,
    training: `the ${train.count.toLocaleString("en")} MNIST training images, re-binarized at random at every use (dynamic binarization)`,
    elbo: `mean over the test images of the ELBO with ${settings.elboSamples} samples of ε per image (per epoch: 1 sample, the same ε every epoch)`,
    logLikelihood: `mean over the test images of the importance-weighted bound log (1/k) Σ p(x, z_i)/q(z_i|x) with k = ${settings.k}, in batches of 20 images`,
  };
  const summary = <Extra extends object>(perEpoch: VaeEpochRecord[], complete: boolean, extra: Extra) => ({
    figure: "Burda, Grosse & Salakhutdinov 2016 (Importance Weighted Autoencoders), Table 1: MNIST, one stochastic layer (50 units), VAE: test log-likelihood estimated with k = 5000 importance samples",
    published: { ...PUBLISHED_IWAE_TABLE1, architecture: "784-200-200-50 tanh (×2)", epochs: 3280, batchSize: 20 },
    targets: VAE_TARGETS,
    command: vaeCommand(settings),
    settings,
    complete,
    parameters: countParameters(encoder, decoder),
    epochsRun: perEpoch.length,
    evaluation,
    ...extra,
    backend,
    started: started.toISOString(),
    totalSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    perEpoch: perEpoch.map((e) => ({
      epoch: e.epoch, elbo: rounded(e.elbo), reconstruction: rounded(e.reconstruction), kl: rounded(e.kl), testElbo: rounded(e.testElbo), testReconstruction: rounded(e.testReconstruction), testKl: rounded(e.testKl),
      learningRate: Number(e.learningRate.toPrecision(4)), seconds: rounded(e.seconds, 1), liveTensors: e.liveTensors,
    })),
  });
  const save = async <Result>(result: Result) => {
    await saveModel(encoder, outDir, "encoder");
    await saveModel(decoder, outDir, "decoder");
    return writeResult(outDir, result);
  };
  const records: VaeEpochRecord[] = [];
  try {
    const { history, perEpoch } = await trainVae({
      encoder, decoder, images: train.images, epochs: settings.epochs, batchSize: settings.batchSize,
      learningRate: cosineDecay(settings.learningRate, settings.finalLearningRate, settings.epochs),
      testImages: testBinary, seed: settings.seed, label: `VAE-${settings.latentSize}`, progress: limits.progress,
      afterEpoch: async (epoch, record) => {
        records.push(record);
        console.error(`epoch ${epoch + 1}: train ELBO ${record.elbo.toFixed(2)}, test ELBO ${record.testElbo?.toFixed(2)} (reconstruction ${record.testReconstruction?.toFixed(2)}, KL ${record.testKl?.toFixed(2)}), ${record.seconds.toFixed(1)} s`);
        // A checkpoint every 10 epochs: a long run that is stopped keeps its weights and figures.
        if ((epoch + 1) % 10 === 0 && epoch + 1 < settings.epochs) await save(summary(records, false, {}));
      },
    });
    const trainingSeconds = history.seconds;
    const evaluationStarted = performance.now();
    const testElbo = vaeElbo(encoder, decoder, testBinary, { samples: settings.elboSamples, seed: settings.seed });
    console.error(`test ELBO (${settings.elboSamples} samples): ${testElbo.elbo.toFixed(2)}; estimating log p(x) with k = ${settings.k}…`);
    const iwae = await iwaeLogLikelihood(encoder, decoder, testBinary, { k: settings.k, batchSize: 20, seed: settings.seed, progress: limits.progress });
    const result = await save(
      summary(perEpoch, !history.interrupted && !iwae.interrupted, {
        reproduced: {
          latentSize: settings.latentSize,
          testLogLikelihood: rounded(iwae.logLikelihood),
          k: settings.k,
          testElbo: rounded(testElbo.elbo),
          testReconstruction: rounded(testElbo.reconstruction),
          testKl: rounded(testElbo.kl),
          ...(iwae.interrupted && { logLikelihoodOverRows: iwae.rows }),
        },
        interrupted: history.interrupted || iwae.interrupted,
        trainingSeconds: rounded(trainingSeconds, 1),
        secondsPerEpoch: rounded(trainingSeconds / Math.max(1, perEpoch.length), 1),
        samplesPerSecond: Math.round(history.samplesPerSecond),
        evaluationSeconds: { elbo: rounded((performance.now() - evaluationStarted) / 1000 - iwae.seconds, 1), logLikelihood: rounded(iwae.seconds, 1) },
      }),
    );
    return result;
  } finally {
    encoder.dispose();
    decoder.dispose();
    testBinary.dispose();
  }
}
