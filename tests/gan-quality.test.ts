// The pieces of notebook 05's demos and of `npm run reproduce -- gan`: the histogram as a density, mode coverage on
// the ring, the Gaussian blur (against a brute-force 2-D convolution), D's probabilities, the classifier-based sample
// quality of real images, the shipped generators, and a tiny run of the reproduction command.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { gaussianBlur, loadMnist, mnistTensors } from "../lib/src/data";
import { kmeansClusters } from "../lib/src/math/clusters";
import { histogramDensity } from "../lib/src/math/histogram";
import { modeCoverage } from "../lib/src/math/gan";
import { inceptionScore } from "../lib/src/math/sample-quality";
import { countParameters } from "../lib/src/models/autoencoder";
import { classifierProbabilities, loadSavedClassifier } from "../lib/src/models/classifier";
import { dcganDiscriminator, dcganGenerator, mlpDiscriminator } from "../lib/src/models/gan";
import { DATASETS_DIRECTORY, loadModel, loadSavedAutoencoder, loadSavedGenerator } from "../lib/src/models/io";
import { featureStatistics, sampleQuality, UNSURE_BELOW } from "../lib/src/models/sample-quality";
import { discriminatorProbabilities, ringCoverage, sampleGenerator } from "../lib/src/training/gan";
import { DEFAULT_GAN_SETTINGS, ganCommand, reproduceGan } from "../scripts/reproduce/gan";
import { DEFAULT_RING_SETTINGS, RING_VARIANTS, reproduceRing } from "../scripts/reproduce/ring";

describe("histogramDensity", () => {
  it("counts each value in its bin, scaled to integrate to the share inside the range", () => {
    const { centers, density } = histogramDensity([0, 0.1, 0.6, 1, 1.5, -0.1, 2.5], 0, 2, 4);
    expect(centers).toEqual([0.25, 0.75, 1.25, 1.75]);
    // bins of width 0.5: [0, 0.5) holds 0 and 0.1; [0.5, 1) 0.6; [1, 1.5) 1; [1.5, 2] 1.5. −0.1 and 2.5 are outside.
    expect(density.map((d) => d * 7 * 0.5)).toEqual([2, 1, 1, 1]);
    expect(density.reduce((a, b) => a + b, 0) * 0.5).toBeCloseTo(5 / 7, 12);
    expect(histogramDensity([2], 0, 2, 4).density[3]).toBe(2); // max itself goes to the last bin
    expect(() => histogramDensity([1], 1, 1, 4)).toThrow(/min < max/);
    expect(() => histogramDensity([], 0, 1, 4)).toThrow(/no values/);
  });

  it("approaches the density of normal samples", () => {
    const samples = tf.randomNormal([200_000], 0, 1, "float32", 3);
    const { centers, density } = histogramDensity(samples.dataSync(), -3, 3, 30);
    samples.dispose();
    centers.forEach((x, k) => expect(Math.abs(density[k] - Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI))).toBeLessThan(0.01));
  });
});

describe("modeCoverage", () => {
  const means = [[2, 0], [0, 2], [-2, 0], [0, -2]];
  it("counts the samples within 3 standard deviations of each centre, and the modes with at least 1% of all samples", () => {
    const points: number[] = [];
    for (let i = 0; i < 150; i++) points.push(2 + 0.05, 0); // 2.5σ from mode 0 (σ = 0.02)
    for (let i = 0; i < 1; i++) points.push(0, 2); // one sample: under 1% of 200
    for (let i = 0; i < 30; i++) points.push(-2, 0.07); // 3.5σ from mode 2: not high quality
    for (let i = 0; i < 19; i++) points.push(0, -2);
    const coverage = modeCoverage(points, means, 0.02);
    expect(coverage.counts).toEqual([150, 1, 0, 19]);
    expect(coverage.covered).toBe(2);
    expect(coverage.highQuality).toBeCloseTo(170 / 200, 12);
    expect(modeCoverage(points, means, 0.02, { minShare: 0.005 }).covered).toBe(3);
    expect(modeCoverage(points, means, 0.02, { radius: 4 }).counts[2]).toBe(30);
    expect(() => modeCoverage([1, 2, 3], means, 0.02)).toThrow(/row-major/);
  });
});

describe("ringCoverage", () => {
  it("samples a 2-D generator and measures its coverage of the default ring's modes", () => {
    // G(z) = (2, 0) + 0.01 z: every sample within 3σ (0.06) of the first mode, unless |z| > 6.
    const generator = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], weights: [tf.tensor2d([[0.01, 0], [0, 0.01]]), tf.tensor1d([2, 0])] })] });
    const coverage = ringCoverage(generator, 500, 3);
    expect(coverage.samples).toHaveLength(1000);
    expect(coverage.counts).toEqual([500, 0, 0, 0, 0, 0, 0, 0]);
    expect([coverage.covered, coverage.highQuality]).toEqual([1, 1]);
    expect(ringCoverage(generator, 500, 3).samples).toEqual(coverage.samples);
    const threeD = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] })] });
    const before = tf.memory().numTensors;
    expect(() => ringCoverage(threeD, 10, 3)).toThrow(/must make 2-D points, it makes 3 values/);
    expect(tf.memory().numTensors).toBe(before);
    generator.dispose();
    threeD.dispose();
  });
});

describe("gaussianBlur", () => {
  it("equals a brute-force 2-D convolution with the normalised Gaussian, zero outside the image", () => {
    const image = Array.from({ length: 784 }, (_, i) => ((i * 7919) % 13) / 13);
    for (const sigma of [0.5, 1.2]) {
      const blurred = gaussianBlur(tf.tensor2d([image]), sigma);
      const got = blurred.dataSync();
      blurred.dispose();
      const radius = Math.ceil(3 * sigma);
      const weight = (d: number) => Math.exp(-(d * d) / (2 * sigma * sigma));
      let total = 0;
      for (let d = -radius; d <= radius; d++) total += weight(d);
      for (const [r, c] of [[0, 0], [5, 9], [14, 14], [27, 3]]) {
        let expected = 0;
        for (let dr = -radius; dr <= radius; dr++) {
          for (let dc = -radius; dc <= radius; dc++) {
            const [rr, cc] = [r + dr, c + dc];
            if (rr >= 0 && rr < 28 && cc >= 0 && cc < 28) expected += (weight(dr) * weight(dc) * image[rr * 28 + cc]) / (total * total);
          }
        }
        expect(got[r * 28 + c]).toBeCloseTo(expected, 5);
      }
    }
    const copy = gaussianBlur(tf.tensor2d([image]), 0);
    expect(Array.from(copy.dataSync())).toEqual(image.map(Math.fround));
    copy.dispose();
    expect(() => gaussianBlur(tf.zeros([1, 10]) as tf.Tensor2D, 1)).toThrow(/28×28/);
  });
});

describe("discriminatorProbabilities", () => {
  it("is σ of the discriminator's logits, one per row", () => {
    const discriminator = mlpDiscriminator({ inputSize: 2, hiddenSizes: [4], seed: 2 });
    const x = tf.tensor2d([[0, 1], [2, -1], [0.5, 0.5]]);
    const logits = (discriminator.predict(x) as tf.Tensor).dataSync();
    const got = discriminatorProbabilities(discriminator, x);
    Array.from(logits).forEach((l, i) => expect(got[i]).toBeCloseTo(1 / (1 + Math.exp(-l)), 6));
    discriminator.dispose();
    x.dispose();
  });
});

describe("sample quality of real images, and the shipped GANs", () => {
  it("gives distance ≈ 0 for the reference images themselves and the score of inceptionScore, freeing its tensors", async () => {
    const { model } = await loadSavedClassifier();
    const test = mnistTensors("test", { limit: 1000 });
    const before = tf.memory().numTensors;
    const reference = featureStatistics(model, test.x);
    const quality = sampleQuality(model, test.x, reference);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(quality.frechetDistance)).toBeLessThan(1e-3);
    const probabilities = classifierProbabilities(model, test.x);
    expect(quality.inceptionScore.mean).toBeCloseTo(inceptionScore(probabilities).mean, 10);
    expect(quality.count).toBe(1000);
    // The digits as the classifier reads them: its accuracy is 99.5 %, so within a few of the labels' counts.
    const labels = Array.from(test.y.dataSync());
    expect(quality.classCounts.reduce((a, b) => a + b, 0)).toBe(1000);
    quality.classCounts.forEach((count, digit) => expect(Math.abs(count - labels.filter((l) => l === digit).length)).toBeLessThanOrEqual(5));
    const predicted = Array.from(probabilities.argMax(1).dataSync() as Int32Array);
    expect(quality.classCounts).toEqual(quality.classCounts.map((_, digit) => predicted.filter((p) => p === digit).length));
    // The unsure share counted row by row; real digits are rarely unsure.
    const rows = probabilities.arraySync() as number[][];
    expect(quality.unsure).toBe(rows.filter((row) => Math.max(...row) < UNSURE_BELOW).length / 1000);
    expect(quality.unsure).toBeGreaterThan(0);
    expect(quality.unsure).toBeLessThan(0.03);
    tf.dispose([probabilities, test.x, test.y]);
    model.dispose();
  });

  it("loads the shipped DCGAN, conditional GAN and cluster-conditioned DCGAN, whose result.json records the command and figures", async () => {
    for (const name of ["dcgan", "cgan", "clustered"] as const) {
      const { generator, result } = await loadSavedGenerator(name);
      expect(generator.outputs[0].shape).toEqual([null, 784]);
      const codes = { dcgan: 0, cgan: 10, clustered: (result.clusters as { shares: number[] } | undefined)?.shares.length ?? NaN }[name];
      expect(generator.inputs[0].shape).toEqual([null, 100 + codes]);
      expect(result.command).toMatch(/^npm run reproduce -- gan/);
      expect((result.reproduced as { frechetDistance: number }).frechetDistance).toBeGreaterThan(0);
      generator.dispose();
    }
  });
});

describe("npm run reproduce -- gan", () => {
  it("measures the baselines once, trains and measures each GAN per epoch, and saves what the notebook loads", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "gan-"));
    const settings = { ...DEFAULT_GAN_SETTINGS, epochs: 1, batchSize: 32, filters: 4, samples: 40 };
    const result = await reproduceGan(settings, directory, { trainLimit: 128, testLimit: 60, progress: false });
    expect(result.command).toBe("npm run reproduce -- gan --epochs 1 --batch-size 32 --filters 4 --samples 40");
    expect(ganCommand(DEFAULT_GAN_SETTINGS)).toBe("npm run reproduce -- gan");
    const baselines = JSON.parse(fs.readFileSync(path.join(directory, "baselines.json"), "utf8"));
    expect(baselines.rows).toBe(40);
    expect(baselines.realVsReal.frechetDistance).toBeGreaterThan(0);
    expect(baselines.gaussianBlur.map((b: { sigma: number }) => b.sigma)).toEqual([0.5, 1, 1.5]);
    for (const name of ["dcgan", "cgan"]) {
      const saved = JSON.parse(fs.readFileSync(path.join(directory, name, "result.json"), "utf8"));
      expect(saved.complete).toBe(true);
      expect(saved.perEpoch).toHaveLength(1);
      expect(saved.perEpoch[0].inceptionScore).toBeGreaterThanOrEqual(1);
      expect(saved.perEpoch[0].classCounts.reduce((a: number, b: number) => a + b, 0)).toBe(40);
      expect(saved.perEpoch[0].unsure).toBeGreaterThanOrEqual(0);
      // The moving average ships as the generator; the trained generator beside it, measured too.
      expect(saved.perEpoch[0].trainedGenerator.inceptionScore).toBeGreaterThanOrEqual(1);
      expect(saved.generator).toMatch(/moving average .*decay 0\.999 per step/);
      expect(saved.settings.models).toBe(name);
      for (const file of ["generator", "generator-trained"]) {
        const generator = await loadModel(path.join(directory, name), file);
        const samples = sampleGenerator(generator, 2, name === "cgan" ? { labels: [3, 4], classes: 10 } : {});
        expect(samples.shape).toEqual([2, 784]);
        tf.dispose([samples]);
        generator.dispose();
      }
    }
    // A second run for one model reuses the baselines of the first (same rows, seed and test set).
    const written = fs.statSync(path.join(directory, "baselines.json")).mtimeMs;
    // It also takes a generator wider than the discriminator, deeper at 7×7, and a discriminator that sees the batch's spread.
    await reproduceGan({ ...settings, models: "cgan", averageDecay: 0, generatorFilters: 6, generatorConvolutions: 1, discriminatorConvolutions: 2, minibatchStddev: "on", pack: 2 }, directory, { trainLimit: 128, testLimit: 60, progress: false });
    expect(fs.statSync(path.join(directory, "baselines.json")).mtimeMs).toBe(written);
    const unaveraged = JSON.parse(fs.readFileSync(path.join(directory, "cgan", "result.json"), "utf8"));
    expect([unaveraged.generator, unaveraged.perEpoch[0].trainedGenerator]).toEqual(["generator: the trained generator", undefined]);
    expect(unaveraged.command).toBe("npm run reproduce -- gan --models cgan --epochs 1 --batch-size 32 --filters 4 --generator-filters 6 --generator-convolutions 1 --discriminator-convolutions 2 --minibatch-stddev on --pack 2 --average-decay 0 --samples 40");
    expect(unaveraged.model).toMatch(/^conditional DCGAN: .*; G has 1 stride-1 convolution at 7×7; D has 2 stride-1 convolutions at 7×7; D sees the minibatch standard deviation; D judges packs of 2 samples \(PacGAN\)$/);
    const [wide, narrow] = [6, 4].map((filters) => dcganGenerator({ filters, latentSize: 100, conditionClasses: 10, extraConvolutions: 1 }));
    const discriminator = dcganDiscriminator({ filters: 4, conditionClasses: 10, extraConvolutions: 2, minibatchStddev: true, pack: 2 });
    expect(unaveraged.parameters).toEqual({ generator: countParameters(wide), discriminator: countParameters(discriminator) });
    expect(countParameters(wide)).toBeGreaterThan(countParameters(narrow));
    for (const model of [wide, narrow, discriminator]) model.dispose();
    // The cluster-conditioned DCGAN only when asked for: "both" trained the two.
    expect(fs.existsSync(path.join(directory, "clustered"))).toBe(false);
    await reproduceGan({ ...settings, models: "clustered", clusters: 4 }, directory, { trainLimit: 128, testLimit: 60, progress: false });
    const clustered = JSON.parse(fs.readFileSync(path.join(directory, "clustered", "result.json"), "utf8"));
    expect(clustered.command).toBe("npm run reproduce -- gan --models clustered --clusters 4 --epochs 1 --batch-size 32 --filters 4 --samples 40");
    expect(clustered.model).toMatch(/^cluster-conditioned DCGAN: .*k-means cluster \(of 4, on the 30-number codes of the deep autoencoder datasets\/hinton-ae-30 \(npm run reproduce -- hinton-ae\)\).*no labels/);
    expect(clustered.clusters.shares).toHaveLength(4);
    expect(clustered.clusters.shares.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
    expect(clustered.perEpoch[0].classCounts.reduce((a: number, b: number) => a + b, 0)).toBe(40);
    const [clusterGenerator, clusterDiscriminator] = [dcganGenerator({ filters: 4, latentSize: 100, conditionClasses: 4 }), dcganDiscriminator({ filters: 4, conditionClasses: 4 })];
    expect(clustered.parameters).toEqual({ generator: countParameters(clusterGenerator), discriminator: countParameters(clusterDiscriminator) });
    [clusterGenerator, clusterDiscriminator].forEach((m) => m.dispose());
    // The same clusters as k-means run here on the autoencoder's codes of the same 128 images.
    const autoencoder = await loadSavedAutoencoder("hinton-ae-30");
    const images = loadMnist("train", { limit: 128 }).images;
    const codes = tf.tidy(() => (autoencoder.encoder.predict(tf.tensor2d(images, [128, 784])) as tf.Tensor2D).dataSync() as Float32Array);
    [autoencoder.encoder, autoencoder.decoder].forEach((m) => m.dispose());
    const direct = await kmeansClusters(codes, 30, { clusters: 4, components: 30, seed: settings.seed });
    expect(clustered.clusters.shares).toEqual(direct.sizes.map((size) => Math.round((size / 128) * 1e5) / 1e5));
    // On the images' principal components instead.
    await reproduceGan({ ...settings, models: "clustered", clusters: 3, clusterFeatures: "pca" }, directory, { trainLimit: 128, testLimit: 60, progress: false });
    const onComponents = JSON.parse(fs.readFileSync(path.join(directory, "clustered", "result.json"), "utf8"));
    expect(onComponents.command).toBe("npm run reproduce -- gan --models clustered --clusters 3 --cluster-features pca --epochs 1 --batch-size 32 --filters 4 --samples 40");
    expect(onComponents.model).toMatch(/\(of 3, on 50 principal components\)/);
    expect(onComponents.clusters.features).toBe("50 principal components");
    await expect(reproduceGan({ ...settings, generatorFilters: 2.5 }, directory)).rejects.toThrow(/--generator-filters must be a whole number ≥ 1, or 0 for the same as --filters, got 2\.5/);
    await expect(reproduceGan({ ...settings, pack: 3 }, directory)).rejects.toThrow("--pack must be a whole number ≥ 1 that divides --batch-size (32), got 3");
    await expect(reproduceGan({ ...settings, generatorConvolutions: 1.5 }, directory)).rejects.toThrow(/--generator-convolutions must be a whole number ≥ 0, got 1\.5/);
    await expect(reproduceGan({ ...settings, discriminatorConvolutions: -1 }, directory)).rejects.toThrow(/--discriminator-convolutions must be a whole number ≥ 0, got -1/);
    await expect(reproduceGan({ ...settings, models: "clustered", clusters: 1 }, directory)).rejects.toThrow(/--clusters must be a whole number ≥ 2, got 1/);
    await expect(reproduceGan({ ...settings, averageDecay: 1 }, directory)).rejects.toThrow(/--average-decay must be 0 \(no average\) or in \(0, 1\)/);
    fs.rmSync(directory, { recursive: true });
  }, 300_000);

  it("resumes a stopped run from its checkpoint, keeping its record, and refuses a checkpoint of other settings", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "gan-resume-"));
    const limits = { trainLimit: 128, testLimit: 60, progress: false };
    const settings = { ...DEFAULT_GAN_SETTINGS, models: "dcgan" as const, epochs: 1, batchSize: 32, filters: 4, samples: 40 };
    await expect(reproduceGan({ ...settings, epochs: 2, resume: "on" }, directory, limits)).rejects.toThrow(/--resume on: there is no checkpoint .*dcgan\/result\.json\. Copy a shipped one there/);
    await reproduceGan(settings, directory, limits);
    const resultPath = path.join(directory, "dcgan", "result.json");
    const first = JSON.parse(fs.readFileSync(resultPath, "utf8"));
    await expect(reproduceGan({ ...settings, epochs: 2, filters: 6, resume: "on" }, directory, limits)).rejects.toThrow("--resume on: the checkpoint in " + path.join(directory, "dcgan") + " was trained with --filters 4 (given 6); give the same flags (its command: npm run reproduce -- gan --models dcgan --epochs 1 --batch-size 32 --filters 4 --samples 40).");
    await expect(reproduceGan({ ...settings, resume: "on" }, directory, limits)).rejects.toThrow(/has already run 1 epochs; give --epochs above that/);
    await expect(reproduceGan({ ...settings, epochs: 2, decayEpochs: 3 }, directory, limits)).rejects.toThrow("--decay-epochs (3) cannot exceed --epochs (2)");
    // A resumed run may switch top-k training on (it changes the training, not the networks).
    await reproduceGan({ ...settings, epochs: 3, decayEpochs: 2, topK: "on", resume: "on" }, directory, limits);
    const resumed = JSON.parse(fs.readFileSync(resultPath, "utf8"));
    expect(resumed.command).toBe("npm run reproduce -- gan --models dcgan --epochs 3 --batch-size 32 --filters 4 --decay-epochs 2 --top-k on --resume on --samples 40");
    expect([resumed.complete, resumed.epochsRun]).toEqual([true, 3]);
    expect(resumed.perEpoch.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3]);
    expect(resumed.perEpoch[0]).toEqual(first.perEpoch[0]);
    // The last two epochs' rates: the means of a ramp from 2e-4 to 0 over them.
    expect(resumed.perEpoch.slice(1).map((e: { learningRate: number }) => e.learningRate)).toEqual([1.5e-4, 0.5e-4].map((rate) => expect.closeTo(rate, 12)));
    expect(resumed.reproduced).toEqual(expect.objectContaining({ epoch: 3, frechetDistance: resumed.perEpoch[2].frechetDistance }));
    expect(resumed.resumed).toEqual([expect.objectContaining({ afterEpoch: 1, earlierCommand: first.command, earlierSeconds: first.totalSeconds, adam: "moments started afresh" })]);
    expect(resumed.model).toMatch(/; G learns from the top-k fakes \(Sinha et al\. 2020: all of the batch in epoch 1, then ×0\.99 per epoch down to 50 %\); the learning rate falls linearly to 0 over the last 2 epochs$/);
    expect(resumed.totalSeconds).toBeGreaterThanOrEqual(first.totalSeconds);
    fs.rmSync(directory, { recursive: true });
  }, 120_000);
});

describe("npm run reproduce -- ring", () => {
  it("trains the three variants from each seed, measures the modes covered after every epoch, and writes what the notebook shows", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ring-"));
    const settings = { ...DEFAULT_RING_SETTINGS, epochs: 2, points: 512, batchSize: 64, generatorSteps: 3, hidden: [8], seeds: [1, 2], samples: 200 };
    const result = await reproduceRing(settings, directory, { progress: false });
    expect(result.command).toBe("npm run reproduce -- ring --epochs 2 --points 512 --batch-size 64 --generator-steps 3 --hidden 8 --seeds 1,2 --samples 200");
    expect(JSON.parse(fs.readFileSync(path.join(directory, "result.json"), "utf8"))).toEqual(JSON.parse(JSON.stringify(result)));
    expect(result.stepsPerEpoch).toBe(8);
    expect(result.summary.map((s) => s.variant)).toEqual(["balanced", "G ahead", "G ahead, D sees spread"]);
    expect(result.summary.map((s) => s.description)).toEqual(["one G update per D update", "3 G updates per D update", "3 G updates per D update, with the minibatch standard deviation in D"]);
    expect(result.runs.map((r) => `${r.variant} ${r.seed}`)).toEqual(["balanced 1", "balanced 2", "G ahead 1", "G ahead 2", "G ahead, D sees spread 1", "G ahead, D sees spread 2"]);
    for (const run of result.runs) {
      expect(run.perEpoch.map((e) => e.epoch)).toEqual([1, 2]);
      expect(run.covered).toBe(run.perEpoch[1].covered);
      expect(run.covered).toBeGreaterThanOrEqual(0);
      expect(run.covered).toBeLessThanOrEqual(8);
      expect(new Set(run.liveTensors).size).toBe(1);
      // The first seed's runs keep 500 samples (the notebook draws them); 200 were drawn here.
      expect(run.samples?.length).toBe(run.seed === 1 ? 400 : undefined);
    }
    const [balanced] = result.summary;
    expect(balanced.meanCovered).toBeCloseTo((result.runs[0].covered + result.runs[1].covered) / 2, 2);
    fs.rmSync(directory, { recursive: true });
  }, 120_000);

  it("ships a result for the notebook: three seeds per variant, 8 modes at most", () => {
    const shipped = JSON.parse(fs.readFileSync(path.join(DATASETS_DIRECTORY, "gan", "ring", "result.json"), "utf8")) as Awaited<ReturnType<typeof reproduceRing>>;
    expect(shipped.command).toMatch(/^npm run reproduce -- ring/);
    expect(shipped.summary.map((s) => s.variant)).toEqual(["balanced", "G ahead", "G ahead, D sees spread"]);
    expect(shipped.summary.map((s) => s.description)).toEqual(RING_VARIANTS.map((v) => v.describe(shipped.settings.generatorSteps)));
    for (const variant of shipped.summary) {
      expect(variant.coveredAtTheEnd).toHaveLength(shipped.settings.seeds.length);
      for (const covered of variant.coveredAtTheEnd) expect(covered >= 0 && covered <= 8).toBe(true);
    }
    // The notebook draws the first seed's 500 samples of each variant.
    const pictured = shipped.runs.filter((run) => run.seed === shipped.settings.seeds[0]);
    expect(pictured.map((run) => run.samples?.length)).toEqual([1000, 1000, 1000]);
  });
});
