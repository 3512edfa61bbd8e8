// Notebook 05's GANs on all 60,000 MNIST training images: the course's DCGAN (Radford et al. 2016: strided
// convolutions, batch norm, LeakyReLU, Adam with learning rate 2e-4 and β₁ = 0.5, batches of 128) and its conditional
// version (Mirza & Osindero 2014: the one-hot label appended to z and given to D as constant maps). On request
// (--models clustered), an unconditional generator that never sees a label: the conditional DCGAN trained on k-means
// clusters of the images (of the deep autoencoder's codes of them, by default) instead of their digits (a
// self-conditioned GAN, Liu et al. 2020), sampled with clusters drawn in their shares of the training images.
// Sample quality is measured with the course's MNIST classifier (datasets/mnist-classifier): the Fréchet distance of
// its penultimate features against the 10,000 test images, and the Inception Score (published anchor: about 9.88 for
// real MNIST test images with an MNIST classifier). Reference points from the same code: 10,000 real training images
// against the test images (the real-vs-real baseline), and the test images with added noise or blur.
// The targets: an Inception Score of 9.0 or more, and a Fréchet distance within 5× the real-vs-real baseline.
// Writes build/gan/baselines.json and build/gan/<dcgan|cgan>/ (generator — the moving average of the trained
// generator's weights unless --average-decay 0 —, generator-trained, discriminator, result.json), with a checkpoint
// after every epoch; the course ships them as datasets/gan/, which the notebook loads.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  countParameters, dcganDiscriminator, dcganGenerator, featureStatistics, gaussianBlur, gaussianNoise,
  drawCategories, kmeansClusters, linearDecay, loadModel, loadMnist, loadSavedAutoencoder, loadSavedClassifier, mnistTensors, sampleGenerator, sampleQuality, saveModel, shuffledIndices, tf, trainGan,
  type GanEpochRecord, type GaussianStatistics, type SampleQuality,
} from "../../lib/src";
import { FlagError, reproduceCommand, rounded, startReproduction, type RunLimits, writeResult } from "./command-line";

/** The targets for both GANs. */
export const GAN_TARGETS = { inceptionScore: 9.0, frechetDistanceOverBaseline: 5 } as const;
/** The published anchor for the score of real MNIST test images with an MNIST classifier. */
export const PUBLISHED_MNIST_INCEPTION_SCORE = 9.88;
export const GAN_MODELS = ["dcgan", "cgan", "clustered"] as const;
/** With --cluster-features pca, the cluster-conditioned DCGAN clusters the images on their first 50 principal components. */
export const CLUSTER_COMPONENTS = 50;
/** With --cluster-features autoencoder, on the codes of the course's deep autoencoder (notebook 02), trained without labels. */
export const CLUSTER_AUTOENCODER = "hinton-ae-30";
export const CLUSTER_FEATURES = ["pca", "autoencoder"] as const;
export type GanModelName = (typeof GAN_MODELS)[number];

export interface GanSettings {
  /** Which GANs to train: both (default: the DCGAN and the conditional DCGAN, the two), or one of the three. */
  models: "both" | GanModelName;
  /** The number of k-means clusters the cluster-conditioned DCGAN conditions on (50 was better than 20 at equal epochs, README). */
  clusters: number;
  /**
   * What k-means sees: the deep autoencoder's 30-number codes (default: the shipped run's), or the images' first 50
   * principal components. The codes' clusters are purer (README) and the GAN trained on them learned faster.
   */
  clusterFeatures: (typeof CLUSTER_FEATURES)[number];
  epochs: number;
  batchSize: number;
  /** The discriminator's width f (see DcganOptions), and the generator's unless generatorFilters is set. */
  filters: number;
  /**
   * The generator's width f, or 0 for the same as `filters`. Measured on the DCGAN (README): a generator at f = 64 beside
   * a discriminator at f = 32 learned faster per epoch than both at 32, and slower than both at 64.
   */
  generatorFilters: number;
  /** Stride-1 convolutions at 7×7 in the generator (DcganOptions.extraConvolutions; 0, the lecture's DCGAN, by default). */
  generatorConvolutions: number;
  /** Stride-1 convolutions at 7×7 in the discriminator (the same option; 0 by default). */
  discriminatorConvolutions: number;
  /** "on" gives the discriminator the minibatch standard deviation (DcganOptions.minibatchStddev). */
  minibatchStddev: "off" | "on";
  /** Samples per pack of the discriminator (DcganOptions.pack; 1, no packing, by default). */
  pack: number;
  latentSize: number;
  learningRate: number;
  beta1: number;
  /**
   * The decay of the generator's exponential moving average (trainGan's generatorAverage), or 0 for none. The average
   * is what ships as `generator` and what the figures measure; the trained generator ships as `generator-trained`,
   * measured too.
   */
  averageDecay: number;
  /**
   * The learning rate falls linearly to zero over the last decayEpochs epochs (linearDecay; 0, a constant rate, by
   * default).
   */
  decayEpochs: number;
  /**
   * "on": top-k training (trainGan's topK) with Sinha et al.'s schedule, G learning from the fakes D rates most real:
   * all of them in the first epoch, ×0.99 per epoch, half of the batch from epoch 70 on.
   */
  topK: "off" | "on";
  /**
   * "on" goes on training the checkpoint in build/gan/<model> (a stopped run, or a shipped one copied there from
   * datasets/gan/<model>) from the epoch it reached up to --epochs, with the same settings otherwise. The shuffles and
   * noise are an uninterrupted run's; Adam's moments start afresh (checkpoints do not hold them).
   */
  resume: "off" | "on";
  /** Samples per measurement (and real rows per baseline). */
  samples: number;
  seed: number;
}

export const DEFAULT_GAN_SETTINGS: GanSettings = { models: "both", clusters: 50, clusterFeatures: "autoencoder", epochs: 10, batchSize: 128, filters: 32, generatorFilters: 0, generatorConvolutions: 0, discriminatorConvolutions: 0, minibatchStddev: "off", pack: 1, latentSize: 100, learningRate: 2e-4, beta1: 0.5, averageDecay: 0.999, decayEpochs: 0, topK: "off", resume: "off", samples: 10_000, seed: 1 };

export const GAN_FLAGS: Record<keyof GanSettings, string> = {
  models: "models", clusters: "clusters", clusterFeatures: "cluster-features", epochs: "epochs", batchSize: "batch-size", filters: "filters", generatorFilters: "generator-filters", generatorConvolutions: "generator-convolutions", discriminatorConvolutions: "discriminator-convolutions", minibatchStddev: "minibatch-stddev", pack: "pack", latentSize: "latent", learningRate: "learning-rate", beta1: "beta1", averageDecay: "average-decay", decayEpochs: "decay-epochs", topK: "top-k", resume: "resume", samples: "samples", seed: "seed",
};

export const GAN_CHOICES = { models: ["both", ...GAN_MODELS], clusterFeatures: CLUSTER_FEATURES, minibatchStddev: ["off", "on"], topK: ["off", "on"], resume: ["off", "on"] } as const;

export function ganCommand(settings: GanSettings): string {
  return reproduceCommand("gan", settings, DEFAULT_GAN_SETTINGS, GAN_FLAGS);
}

/** The figures of one measurement, rounded for result.json. */
export function qualityFigures(quality: SampleQuality, baseline: number) {
  return {
    frechetDistance: rounded(quality.frechetDistance),
    overBaseline: rounded(quality.frechetDistance / baseline),
    inceptionScore: rounded(quality.inceptionScore.mean, 3),
    inceptionScoreStd: rounded(quality.inceptionScore.std, 3),
    // The digits 0–9 as the classifier reads the rows: an unconditional generator's balance.
    classCounts: quality.classCounts,
    // The share of rows that are no clear digit to the classifier (under 90 % sure).
    unsure: rounded(quality.unsure, 4),
  };
}

/** Real rows measured against the test statistics, disposing them. */
function measureReal(classifier: tf.LayersModel, rows: tf.Tensor2D, reference: GaussianStatistics): SampleQuality {
  try {
    return sampleQuality(classifier, rows, reference);
  } finally {
    rows.dispose();
  }
}

/**
 * The reference points: the test images themselves (their score; distance 0 by definition), `count` training images
 * drawn at random (the real-vs-real baseline), and the test images with Gaussian noise or blur.
 */
export function realBaselines(classifier: tf.LayersModel, test: tf.Tensor2D, trainImages: Float32Array, count: number, reference: GaussianStatistics, seed: number) {
  const trainCount = trainImages.length / 784;
  const indices = Array.from(shuffledIndices(trainCount, seed).subarray(0, count));
  const picked = tf.tidy(() => tf.tensor2d(trainImages, [trainCount, 784]).gather(indices)) as tf.Tensor2D;
  const baseline = measureReal(classifier, picked, reference);
  const testQuality = sampleQuality(classifier, test, reference);
  const noise = [0.05, 0.1, 0.2].map((sd) => ({ stddev: sd, ...qualityFigures(measureReal(classifier, gaussianNoise(test, sd, seed), reference), baseline.frechetDistance) }));
  const blur = [0.5, 1, 1.5].map((sigma) => ({ sigma, ...qualityFigures(measureReal(classifier, gaussianBlur(test, sigma), reference), baseline.frechetDistance) }));
  return {
    realVsReal: { description: `${count.toLocaleString("en")} training images drawn at random (seed ${seed}) against the ${test.shape[0].toLocaleString("en")} test images`, ...qualityFigures(baseline, baseline.frechetDistance) },
    testImages: { inceptionScore: rounded(testQuality.inceptionScore.mean, 3), inceptionScoreStd: rounded(testQuality.inceptionScore.std, 3), published: PUBLISHED_MNIST_INCEPTION_SCORE },
    gaussianNoise: noise,
    gaussianBlur: blur,
    frechetBaseline: baseline.frechetDistance,
  };
}

/**
 * count samples of the generator in inference mode, from a fixed seed. A conditional one gets count/10 of each digit;
 * the cluster-conditioned one draws each sample's cluster from the clusters' shares (their sizes): what the model makes on its own.
 */
function generatorSamples(generator: tf.LayersModel, name: GanModelName, count: number, seed: number, clusterSizes?: readonly number[]): tf.Tensor2D {
  if (name === "dcgan") return sampleGenerator(generator, count, { seed });
  if (name === "clustered") return sampleGenerator(generator, count, { seed, labels: drawCategories(clusterSizes!, count, seed), classes: clusterSizes!.length });
  const labels = Array.from({ length: count }, (_, i) => i % 10);
  return sampleGenerator(generator, count, { seed, labels, classes: 10 });
}

/** The --samples of a measurement: the Inception Score takes 10 splits of them. */
export function checkSampleCount(samples: number): void {
  if (samples < 20) throw new FlagError(`--samples must be at least 20 (the Inception Score takes 10 splits), got ${samples}`);
}

export async function reproduceGan(settings: GanSettings, outDir: string, limits: RunLimits = {}) {
  if (!(settings.averageDecay === 0 || (settings.averageDecay > 0 && settings.averageDecay < 1))) throw new FlagError(`--average-decay must be 0 (no average) or in (0, 1), e.g. 0.999, got ${settings.averageDecay}`);
  checkSampleCount(settings.samples);
  if (!(Number.isInteger(settings.clusters) && settings.clusters >= 2)) throw new FlagError(`--clusters must be a whole number ≥ 2, got ${settings.clusters}`);
  if (!(Number.isInteger(settings.generatorFilters) && settings.generatorFilters >= 0)) throw new FlagError(`--generator-filters must be a whole number ≥ 1, or 0 for the same as --filters, got ${settings.generatorFilters}`);
  for (const key of ["generatorConvolutions", "discriminatorConvolutions", "decayEpochs"] as const) {
    if (!(Number.isInteger(settings[key]) && settings[key] >= 0)) throw new FlagError(`--${GAN_FLAGS[key]} must be a whole number ≥ 0, got ${settings[key]}`);
  }
  if (settings.decayEpochs > settings.epochs) throw new FlagError(`--decay-epochs (${settings.decayEpochs}) cannot exceed --epochs (${settings.epochs})`);
  if (!(Number.isInteger(settings.pack) && settings.pack >= 1 && settings.batchSize % settings.pack === 0)) throw new FlagError(`--pack must be a whole number ≥ 1 that divides --batch-size (${settings.batchSize}), got ${settings.pack}`);
  const { backend, started } = await startReproduction(settings, GAN_FLAGS, ["epochs", "batchSize", "filters", "latentSize", "samples"]);
  const { model: classifier, result: classifierResult } = await loadSavedClassifier();
  const train = loadMnist("train", { limit: limits.trainLimit });
  const test = mnistTensors("test", { limit: limits.testLimit });
  const reference = featureStatistics(classifier, test.x);
  fs.mkdirSync(outDir, { recursive: true });
  const baselineCount = Math.min(settings.samples, train.count);
  const classifierFigures = { command: classifierResult.command, testAccuracy: (classifierResult.reproduced as { testAccuracy?: number } | undefined)?.testAccuracy };
  // The baselines take minutes (eight passes of the classifier over 10,000 images): a run for one model reuses those of
  // an earlier run with the same rows and seed.
  const baselinesFile = path.join(outDir, "baselines.json");
  const earlier = fs.existsSync(baselinesFile) ? (JSON.parse(fs.readFileSync(baselinesFile, "utf8")) as ReturnType<typeof realBaselines> & { rows?: number; seed?: number; testRows?: number }) : undefined;
  const reusable = earlier?.rows === baselineCount && earlier.seed === settings.seed && earlier.testRows === test.x.shape[0];
  const baselines = reusable ? earlier : realBaselines(classifier, test.x, train.images, baselineCount, reference, settings.seed);
  if (!reusable) fs.writeFileSync(baselinesFile, JSON.stringify({ classifier: classifierFigures, rows: baselineCount, seed: settings.seed, testRows: test.x.shape[0], ...baselines, backend }, null, 2) + "\n");
  console.error(`real vs real: Fréchet distance ${baselines.frechetBaseline.toFixed(2)}, test images' Inception Score ${baselines.testImages.inceptionScore}`);
  const results: Record<string, unknown> = { baselines };
  try {
    for (const name of GAN_MODELS.filter((m) => (settings.models === "both" ? m !== "clustered" : settings.models === m))) {
      results[name] = await trainOne(name, settings, outDir, limits, { classifier, classifierFigures, train, reference, frechetBaseline: baselines.frechetBaseline, backend });
    }
  } finally {
    classifier.dispose();
    tf.dispose([test.x, test.y]);
  }
  return { command: ganCommand(settings), totalSeconds: Math.round((Date.now() - started.getTime()) / 1000), ...results };
}

interface Shared {
  classifier: tf.LayersModel;
  classifierFigures: Record<string, unknown>;
  train: { images: Float32Array; labels: Uint8Array | ArrayLike<number>; count: number };
  reference: GaussianStatistics;
  frechetBaseline: number;
  backend: string;
}

/** The training images' k-means clusters (seeded by --seed) on the features --cluster-features names, timed. */
async function clusterImages(images: Float32Array, settings: GanSettings) {
  const started = performance.now();
  const { rows, rowLength, components, features } = settings.clusterFeatures === "autoencoder" ? await autoencoderCodes(images) : { rows: images, rowLength: 784, components: CLUSTER_COMPONENTS, features: `${CLUSTER_COMPONENTS} principal components` };
  const clusters = await kmeansClusters(rows, rowLength, { clusters: settings.clusters, components, seed: settings.seed });
  const seconds = rounded((performance.now() - started) / 1000, 1);
  console.error(`${settings.clusters} k-means clusters on ${features}: ${clusters.iterations} iterations, ${seconds} s`);
  return { ...clusters, features, seconds };
}

/** The shipped deep autoencoder's codes of the images. k-means runs on all their components: a rotation, which it does not notice. */
async function autoencoderCodes(images: Float32Array) {
  const { encoder, decoder, result } = await loadSavedAutoencoder(CLUSTER_AUTOENCODER);
  try {
    const codes = tf.tidy(() => encoder.predict(tf.tensor2d(images, [images.length / 784, 784]), { batchSize: 1000 }) as tf.Tensor2D);
    const rowLength = codes.shape[1];
    const rows = codes.dataSync() as Float32Array;
    codes.dispose();
    return { rows, rowLength, components: rowLength, features: `the ${rowLength}-number codes of the deep autoencoder datasets/${CLUSTER_AUTOENCODER} (${result.command as string})` };
  } finally {
    encoder.dispose();
    decoder.dispose();
  }
}

/** The settings a resumed run may change: how long it goes on, its learning rate's decay and top-k training. */
const RESUMABLE_CHANGES: readonly (keyof GanSettings)[] = ["epochs", "decayEpochs", "topK", "resume", "models"];
/** Sinha et al.'s top-k schedule (--top-k on). */
export const TOP_K_SCHEDULE = { decay: 0.99, minimumShare: 0.5 } as const;

/** What a checkpoint's result.json holds that a resumed run carries on. */
interface Checkpoint {
  command: string;
  settings: GanSettings;
  epochsRun: number;
  totalSeconds: number;
  reproduced?: Record<string, unknown>;
  perEpoch: Record<string, unknown>[];
  resumed?: Record<string, unknown>[];
}

/**
 * Loads the checkpoint in `dir` into the freshly built models (the trained generator, its average, the discriminator),
 * after checking that it was trained with the same settings; returns its record. Every refusal says what to do.
 */
async function loadCheckpoint(dir: string, settings: GanSettings, models: { generator: tf.LayersModel; average?: tf.LayersModel; discriminator: tf.LayersModel }): Promise<Checkpoint> {
  const resultPath = path.join(dir, "result.json");
  if (!fs.existsSync(resultPath)) throw new FlagError(`--resume on: there is no checkpoint ${resultPath}. Copy a shipped one there (cp -r datasets/gan/<model> ${path.dirname(dir)}/), or train without --resume.`);
  const checkpoint = JSON.parse(fs.readFileSync(resultPath, "utf8")) as Checkpoint;
  // A setting added after the checkpoint was trained had its default then.
  const trainedWith = { ...DEFAULT_GAN_SETTINGS, ...checkpoint.settings };
  const differing = (Object.keys(GAN_FLAGS) as (keyof GanSettings)[])
    .filter((key) => !RESUMABLE_CHANGES.includes(key) && String(trainedWith[key]) !== String(settings[key]))
    .map((key) => `--${GAN_FLAGS[key]} ${trainedWith[key]} (given ${settings[key]})`);
  if (differing.length > 0) throw new FlagError(`--resume on: the checkpoint in ${dir} was trained with ${differing.join(", ")}; give the same flags (its command: ${checkpoint.command}).`);
  if (!(checkpoint.epochsRun < settings.epochs)) throw new FlagError(`--resume on: the checkpoint in ${dir} has already run ${checkpoint.epochsRun} epochs; give --epochs above that.`);
  const pairs: [tf.LayersModel | undefined, string][] = [[models.generator, models.average ? "generator-trained" : "generator"], [models.average, "generator"], [models.discriminator, "discriminator"]];
  for (const [model, name] of pairs) {
    if (!model) continue;
    const saved = await loadModel(dir, name);
    try {
      model.setWeights(saved.getWeights());
    } finally {
      saved.dispose();
    }
  }
  console.error(`resuming ${dir} after epoch ${checkpoint.epochsRun} (${checkpoint.command})`);
  return checkpoint;
}

async function trainOne(name: GanModelName, settings: GanSettings, outDir: string, limits: RunLimits, shared: Shared) {
  const conditional = name === "cgan";
  const clustered = name === "clustered" ? await clusterImages(shared.train.images, settings) : undefined;
  const classes = conditional ? 10 : clustered?.sizes.length;
  const modelOptions = { filters: settings.filters, seed: settings.seed, ...(classes && { conditionClasses: classes }) };
  const generatorOptions = { ...modelOptions, filters: settings.generatorFilters || settings.filters, latentSize: settings.latentSize, extraConvolutions: settings.generatorConvolutions };
  const generator = dcganGenerator(generatorOptions);
  const discriminator = dcganDiscriminator({ ...modelOptions, extraConvolutions: settings.discriminatorConvolutions, minibatchStddev: settings.minibatchStddev === "on", pack: settings.pack });
  const average = settings.averageDecay > 0 ? dcganGenerator(generatorOptions) : undefined;
  // What ships as `generator` and what the figures measure: the average when there is one.
  const shipped = average ?? generator;
  const dir = path.join(outDir, name);
  const resumed = settings.resume === "on" ? await loadCheckpoint(dir, settings, { generator, average, discriminator }) : undefined;
  const startEpoch = resumed?.epochsRun ?? 0;
  const started = new Date();
  type Figures = ReturnType<typeof qualityFigures>;
  const quality: ({ epoch: number; trainedGenerator?: Figures } & Partial<Figures>)[] = [];
  const measure = (model: tf.LayersModel) => {
    const samples = generatorSamples(model, name, settings.samples, settings.seed + 1000, clustered?.sizes);
    try {
      return sampleQuality(shared.classifier, samples, shared.reference);
    } finally {
      samples.dispose();
    }
  };
  // The options that change the networks from the lecture's DCGAN.
  const variations = [
    ...(["generatorConvolutions", "discriminatorConvolutions"] as const).map((key) => settings[key] > 0 && `${key[0].toUpperCase()} has ${settings[key]} stride-1 convolution${settings[key] > 1 ? "s" : ""} at 7×7`),
    settings.minibatchStddev === "on" && "D sees the minibatch standard deviation",
    settings.pack > 1 && `D judges packs of ${settings.pack} samples (PacGAN)`,
    settings.topK === "on" && `G learns from the top-k fakes (Sinha et al. 2020: all of the batch in epoch 1, then ×${TOP_K_SCHEDULE.decay} per epoch down to ${TOP_K_SCHEDULE.minimumShare * 100} %)`,
    settings.decayEpochs > 0 && `the learning rate falls linearly to 0 over the last ${settings.decayEpochs} epochs`,
  ].filter((text): text is string => typeof text === "string");
  const described = conditional
    ? "conditional DCGAN: z (100) and the one-hot digit → G; D sees the image and the digit as 10 constant maps"
    : clustered
      ? `cluster-conditioned DCGAN: the conditional DCGAN with the image's k-means cluster (of ${clustered.sizes.length}, on ${clustered.features}) in place of its digit; no labels; a sample's cluster is drawn from the clusters' shares`
      : "DCGAN: z (100) → G → 28×28 image; D → one logit";
  const summary = <Extra extends object>(perEpoch: GanEpochRecord[], complete: boolean, extra: Extra) => ({
    model: [described, ...variations].join("; "),
    targets: { inceptionScore: GAN_TARGETS.inceptionScore, frechetDistance: `≤ ${GAN_TARGETS.frechetDistanceOverBaseline} × the real-vs-real baseline (${shared.frechetBaseline.toFixed(2)}) = ${(GAN_TARGETS.frechetDistanceOverBaseline * shared.frechetBaseline).toFixed(2)}` },
    command: ganCommand(settings),
    settings: { ...settings, models: name },
    complete,
    // After the last epoch run (in a checkpoint too, so that a stopped run says where it got to).
    reproduced: quality.at(-1) ?? resumed?.reproduced,
    parameters: { generator: countParameters(generator), discriminator: countParameters(discriminator) },
    generator: average
      ? `generator: the exponential moving average of the trained generator's weights (decay ${settings.averageDecay} per step, batch norm's statistics too); generator-trained: the trained generator (its figures under trainedGenerator)`
      : "generator: the trained generator",
    epochsRun: startEpoch + perEpoch.length,
    // Each time a stopped run went on: from which epoch, and the command it had run until then.
    ...(resumed && { resumed: [...(resumed.resumed ?? []), { afterEpoch: startEpoch, earlierCommand: resumed.command, earlierSeconds: resumed.totalSeconds, started: started.toISOString(), adam: "moments started afresh" }] }),
    evaluation: {
      samples: `${settings.samples.toLocaleString("en")} samples of G in inference mode (batch norm's moving averages), z from seed ${settings.seed + 1000}${conditional ? ", the digits 0–9 in turn" : clustered ? ", clusters drawn from their shares with the same seed" : ""}, after every epoch`,
      frechetDistance: "between the Gaussians of the MNIST classifier's 256 penultimate features of the samples and of the 10,000 test images",
      inceptionScore: "exp(E KL(p(y|x) ‖ p(y))) from the MNIST classifier's softmax, mean over 10 splits",
      classifier: shared.classifierFigures,
    },
    ...(clustered && { clusters: { shares: clustered.sizes.map((size) => rounded(size / shared.train.count, 5)), iterations: clustered.iterations, features: clustered.features, seconds: clustered.seconds } }),
    ...extra,
    backend: shared.backend,
    started: started.toISOString(),
    // The whole run's, over every resumption.
    totalSeconds: (resumed?.totalSeconds ?? 0) + Math.round((Date.now() - started.getTime()) / 1000),
    perEpoch: [
      ...(resumed?.perEpoch ?? []),
      ...perEpoch.map((e, i) => ({
        ...quality[i], epoch: e.epoch, dLoss: rounded(e.dLoss, 4), gLoss: rounded(e.gLoss, 4), dReal: rounded(e.dReal, 4), dFake: rounded(e.dFake, 4),
        ...(settings.decayEpochs > 0 && { learningRate: Number(e.learningRate.toPrecision(6)) }), seconds: rounded(e.seconds, 1), liveTensors: e.liveTensors,
      })),
    ],
  });
  const save = async <Result>(result: Result) => {
    await saveModel(shipped, dir, "generator");
    if (average) await saveModel(generator, dir, "generator-trained");
    await saveModel(discriminator, dir, "discriminator");
    return writeResult(dir, result);
  };
  const records: GanEpochRecord[] = [];
  let measuring = 0;
  try {
    const { history, perEpoch } = await trainGan({
      generator, discriminator, images: shared.train.images, labels: conditional ? Array.from(shared.train.labels) : clustered?.assignments,
      epochs: settings.epochs, startEpoch, batchSize: settings.batchSize, beta1: settings.beta1,
      learningRate: settings.decayEpochs > 0 ? linearDecay(settings.learningRate, settings.epochs, settings.decayEpochs) : settings.learningRate,
      latentSize: settings.latentSize, seed: settings.seed, label: { dcgan: "DCGAN", cgan: "conditional DCGAN", clustered: "cluster-conditioned DCGAN" }[name], progress: limits.progress,
      ...(settings.topK === "on" && { topK: TOP_K_SCHEDULE }),
      ...(average && { generatorAverage: { model: average, decay: settings.averageDecay, resume: resumed !== undefined } }),
      afterEpoch: async (epoch, record) => {
        records.push(record);
        const measuredAt = performance.now();
        const figures = qualityFigures(measure(shipped), shared.frechetBaseline);
        const trained = average ? qualityFigures(measure(generator), shared.frechetBaseline) : undefined;
        measuring += (performance.now() - measuredAt) / 1000;
        quality.push({ epoch: epoch + 1, ...figures, ...(trained && { trainedGenerator: trained }) });
        const also = trained ? ` (trained generator: ${trained.frechetDistance}, IS ${trained.inceptionScore})` : "";
        console.error(`${name} epoch ${epoch + 1}/${settings.epochs}: D ${record.dLoss.toFixed(3)}, G ${record.gLoss.toFixed(3)}, D(x) ${record.dReal.toFixed(3)}, D(G(z)) ${record.dFake.toFixed(3)}; Fréchet ${figures.frechetDistance} (${figures.overBaseline}× baseline), IS ${figures.inceptionScore}${also}; digits 0–9 ${figures.classCounts.join(" ")}, unsure ${figures.unsure}; ${record.seconds.toFixed(1)} s`);
        if (epoch + 1 < settings.epochs) await save(summary(records, false, {}));
      },
    });
    const last = quality.at(-1);
    return await save(
      summary(perEpoch, !history.interrupted, {
        reachedTargets: last !== undefined && (last.inceptionScore ?? 0) >= GAN_TARGETS.inceptionScore && (last.overBaseline ?? Infinity) <= GAN_TARGETS.frechetDistanceOverBaseline,
        interrupted: history.interrupted,
        trainingSeconds: rounded(history.seconds - measuring, 1),
        measuringSeconds: rounded(measuring, 1),
        stepsPerSecond: rounded(perEpoch.length * Math.floor(shared.train.count / settings.batchSize) / (history.seconds - measuring), 2),
      }),
    );
  } finally {
    generator.dispose();
    discriminator.dispose();
    average?.dispose();
  }
}
