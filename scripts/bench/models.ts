// The measurements one backend's child process takes, on the course's models as the library builds them and with
// the library's own trainers: what a student's notebook runs.
import {
  countParameters, dcganDiscriminator, dcganGenerator, denseAutoencoder, disposePca, fitPca, loadMnist, mlpVae, pixelLogitBias, tf,
  trainAutoencoder, trainGan, trainVae, VAE_HIDDEN_SIZES,
} from "../../lib/src";
import { round, significant, timeRepeated, timeTrainingSteps, timingOf, type Measurement, type Timing } from "./measure";
import { describeMeasurement, type BackendMeasurementId, type Plan } from "./plan";

/** The first `rows` training images (row-major, [0, 1]) and their labels. */
function trainingRows(rows: number): { images: Float32Array; labels: Uint8Array } {
  const train = loadMnist("train", { limit: rows });
  if (train.count < rows) throw new Error(`MNIST has ${train.count} training images, ${rows} were asked for`);
  return { images: train.images, labels: train.labels };
}

function measurement(id: BackendMeasurementId, plan: Plan, timing: Timing, perStep: number, details: Record<string, unknown>): Measurement {
  // Throughput from the median and from the mean step time: perStep samples (or 1 step, or 2n³ FLOP) per step.
  const scale = id === "matmul" ? 1e-9 : 1;
  return {
    id,
    ...describeMeasurement(id, plan),
    value: significant((perStep * scale) / timing.medianSeconds),
    meanValue: significant((perStep * scale) / timing.meanSeconds),
    timing,
    details,
  };
}

/** n×n float32 matMul: 2n³ floating-point operations. Each repetition reads one element back, so the product is done. */
async function matmul(plan: Plan): Promise<Measurement> {
  const n = plan.matmulSize;
  const a = tf.randomNormal([n, n], 0, 1, "float32", 1) as tf.Tensor2D;
  const b = tf.randomNormal([n, n], 0, 1, "float32", 2) as tf.Tensor2D;
  try {
    const timing = await timeRepeated(plan.matmul, () => {
      tf.tidy(() => tf.matMul(a, b).slice([0, 0], [1, 1]).dataSync());
    });
    return measurement("matmul", plan, timing, 2 * n ** 3, { n, flopsPerRepetition: 2 * n ** 3, note: "one tf.matMul(a, b) and a 1×1 read-back per repetition" });
  } finally {
    tf.dispose([a, b]);
  }
}

/** trainAutoencoder on the Hinton 784-1000-500-250-30 autoencoder with ELU units, as `npm run reproduce -- hinton-ae` trains it. */
async function autoencoder(plan: Plan): Promise<Measurement> {
  const batchSize = plan.batch.autoencoder;
  const { images } = trainingRows(batchSize);
  const { encoder, decoder } = denseAutoencoder({ activation: "elu", codeSize: 30, seed: 1 });
  try {
    const timing = await timeTrainingSteps(plan.training, ({ epochs, afterEpoch, signal }) =>
      trainAutoencoder({ encoder, decoder, images, epochs, batchSize, learningRate: 1e-3, seed: 1, progress: false, afterEpoch, signal }),
    );
    return measurement("autoencoder", plan, timing, batchSize, {
      batchSize, model: "denseAutoencoder({ activation: 'elu', codeSize: 30 })", trainer: "trainAutoencoder",
      loss: "binaryCrossEntropyFromLogits (summed over pixels, mean over the batch)", optimizer: "Adam 1e-3",
      parameters: countParameters(encoder, decoder),
    });
  } finally {
    encoder.dispose();
    decoder.dispose();
  }
}

/** trainVae on mlpVae (784-500-500-50 tanh, Bernoulli decoder, dynamic binarization), as `npm run reproduce -- vae` trains it. */
async function vae(plan: Plan): Promise<Measurement> {
  const batchSize = plan.batch.vae;
  const { images } = trainingRows(batchSize);
  const { encoder, decoder } = mlpVae({ latentSize: 50, hiddenSizes: VAE_HIDDEN_SIZES, activation: "tanh", outputBias: pixelLogitBias(images), seed: 1 });
  try {
    const timing = await timeTrainingSteps(plan.training, ({ epochs, afterEpoch, signal }) =>
      trainVae({ encoder, decoder, images, epochs, batchSize, learningRate: 1e-3, seed: 1, progress: false, afterEpoch, signal }),
    );
    return measurement("vae", plan, timing, batchSize, {
      batchSize, model: "mlpVae({ latentSize: 50, hiddenSizes: [500, 500], activation: 'tanh' })", trainer: "trainVae",
      loss: "−ELBO (one ε per example, analytic KL, Bernoulli log-likelihood from logits), dynamic binarization", optimizer: "Adam 1e-3",
      parameters: countParameters(encoder, decoder),
    });
  } finally {
    encoder.dispose();
    decoder.dispose();
  }
}

/** trainGan on the DCGAN pair of notebook 05 (conditional: one-hot codes of the real rows' digits): one D step then one G step. */
async function dcgan(plan: Plan, conditional: boolean): Promise<Measurement> {
  const id = conditional ? "cgan" : "dcgan";
  const batchSize = plan.batch.gan;
  const { images, labels } = trainingRows(batchSize);
  const conditionClasses = conditional ? 10 : undefined;
  const filters = plan.ganFilters;
  const generator = dcganGenerator({ latentSize: 100, conditionClasses, filters, seed: 1 });
  const discriminator = dcganDiscriminator({ conditionClasses, filters, seed: 1 });
  try {
    const timing = await timeTrainingSteps(plan.training, ({ epochs, afterEpoch, signal }) =>
      trainGan({
        generator, discriminator, images, labels: conditional ? Array.from(labels) : undefined, latentSize: 100, epochs, batchSize, seed: 1,
        progress: false, afterEpoch, signal,
      }),
    );
    return measurement(id, plan, timing, 1, {
      batchSize, model: `dcganGenerator/dcganDiscriminator({ latentSize: 100${conditional ? ", conditionClasses: 10" : ""}, filters: ${filters} })`, trainer: "trainGan (ganStep)",
      optimizer: "Adam 2e-4, β₁ 0.5, one per network", samplesPerSecond: significant(batchSize / timing.medianSeconds),
      parameters: { generator: generator.countParams(), discriminator: discriminator.countParams() },
    });
  } finally {
    generator.dispose();
    discriminator.dispose();
  }
}

/** fitPca on the MNIST training images (covariance on the backend, 784×784 eigendecomposition in float64 in JS), all components. */
async function pca(plan: Plan): Promise<Measurement> {
  const { images } = trainingRows(plan.pcaRows);
  const x = tf.tensor2d(images, [plan.pcaRows, 784]);
  try {
    // Warm-up: one fit on 1,000 rows (the backend's kernels, the eigensolver's JIT).
    const warmupRows = Math.min(1000, plan.pcaRows);
    const warmupSeconds: number[] = [];
    if (plan.pcaWarmup) {
      const warmStarted = performance.now();
      const warmupX = x.slice([0, 0], [warmupRows, -1]);
      disposePca(await fitPca(warmupX));
      warmupX.dispose();
      warmupSeconds.push((performance.now() - warmStarted) / 1000);
    }
    const seconds: number[] = [];
    for (let i = 0; i < plan.pcaFits; i++) {
      const model = await fitPca(x);
      seconds.push(model.fitSeconds);
      disposePca(model);
    }
    const timing = timingOf(warmupSeconds, seconds);
    return {
      id: "pca", ...describeMeasurement("pca", plan), value: round(timing.medianSeconds, 3), meanValue: round(timing.meanSeconds, 3), timing,
      details: { rows: plan.pcaRows, columns: 784, fits: plan.pcaFits, warmup: plan.pcaWarmup ? `one fit on ${warmupRows} rows` : "none", method: "fitPca: mean and covariance on the backend, eigendecomposition in float64 (JS)" },
    };
  } finally {
    x.dispose();
  }
}

export const BACKEND_RUNNERS: Record<BackendMeasurementId, (plan: Plan) => Promise<Measurement>> = {
  matmul,
  autoencoder,
  vae,
  dcgan: (plan) => dcgan(plan, false),
  cgan: (plan) => dcgan(plan, true),
  pca,
};
