// The GAN models and their training. The MLP and DCGAN architectures, with parameter counts in closed form and the
// conditional models' inputs. The two halves of a step, each changing only its own network and reporting the losses of
// math/gan.ts. A 1-D toy whose generator moves to the data. trainGan on a few MNIST rows: records, samples on fixed
// noise, no leaks, the abort signal, reproducibility.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { loadMnist } from "../lib/src/data/mnist";
import { gaussianMixture1d } from "../lib/src/data/toy";
import { conditionalInput, discriminatorLoss, generatorLoss } from "../lib/src/math/gan";
import { dcganDiscriminator, dcganGenerator, LEAKY_RELU_ALPHA, mlpDiscriminator, mlpGenerator } from "../lib/src/models/gan";
import { derivedSeed } from "../lib/src/math/elbo";
import { discriminatorStep, ganStep, generatorStep, sampleGenerator, topKCount, trainableVariables, trainGan } from "../lib/src/training/gan";
import { saveAndLoad } from "./save-in-memory";

const values = (t: tf.Tensor) => Array.from(t.dataSync());

/** Every weight of a model (trainable, then batch norm's moving statistics), copied out. */
function snapshot(model: tf.LayersModel): { trainable: number[][]; statistics: number[][] } {
  return {
    trainable: model.trainableWeights.map((w) => values(w.read())),
    statistics: model.nonTrainableWeights.map((w) => values(w.read())),
  };
}

/** Dense layers in → h₁ → … → out: Σ (inputs + 1) · units. */
function mlpParameters(inputs: number, sizes: number[]): number {
  return sizes.reduce((sum, units, i) => sum + ((i === 0 ? inputs : sizes[i - 1]) + 1) * units, 0);
}

describe("the GAN models", () => {
  it("MLPs: generator z → linear samples, discriminator x → one logit through leaky ReLUs; parameters Σ (in + 1)·out, classes widen the input", () => {
    const generator = mlpGenerator({ latentSize: 4, outputSize: 2, hiddenSizes: [16, 8], activation: "tanh", seed: 1 });
    expect(generator.countParams()).toBe(mlpParameters(4, [16, 8, 2]));
    expect(generator.layers.map((l) => l.getConfig().activation)).toEqual(["tanh", "tanh", "linear"]);
    expect(generator.layers.map((l) => l.name)).toEqual(["gan_generator_1_16", "gan_generator_2_8", "gan_generator_3_2"]);
    const discriminator = mlpDiscriminator({ inputSize: 2, hiddenSizes: [16, 8], seed: 1 });
    expect(discriminator.countParams()).toBe(mlpParameters(2, [16, 8, 1]));
    expect(discriminator.layers.map((l) => l.getClassName())).toEqual(["Dense", "LeakyReLU", "Dense", "LeakyReLU", "Dense"]);
    expect(discriminator.layers[1].getConfig().alpha).toBe(LEAKY_RELU_ALPHA);
    const samples = sampleGenerator(generator, 5, { seed: 2 });
    expect(samples.shape).toEqual([5, 2]);
    const logits = discriminator.predict(samples) as tf.Tensor;
    expect(logits.shape).toEqual([5, 1]);

    const conditionalG = mlpGenerator({ latentSize: 4, outputSize: 2, hiddenSizes: [16], seed: 1, conditionClasses: 8 });
    const conditionalD = mlpDiscriminator({ inputSize: 2, hiddenSizes: [16], seed: 1, conditionClasses: 8 });
    expect(conditionalG.inputs[0].shape).toEqual([null, 12]);
    expect(conditionalD.inputs[0].shape).toEqual([null, 10]);
    expect(conditionalG.countParams()).toBe(mlpParameters(12, [16, 2]));
    expect(conditionalD.countParams()).toBe(mlpParameters(10, [16, 1]));
    const labels = [0, 3, 7];
    const fake = sampleGenerator(conditionalG, 3, { seed: 2, labels, classes: 8 });
    expect(fake.shape).toEqual([3, 2]);
    expect((conditionalD.predict(conditionalInput(fake, labels, 8)) as tf.Tensor).shape).toEqual([3, 1]);
    expect(() => sampleGenerator(conditionalG, 3, { labels })).toThrow(/give the number of classes \(or latentSize\)/);
    expect(() => sampleGenerator(conditionalG, 2, { labels, classes: 8 })).toThrow(/3 labels for 2 samples/);
    expect(() => mlpGenerator({ latentSize: 4, outputSize: 2, hiddenSizes: [0], seed: 1 })).toThrow(/every hidden size must be a whole number ≥ 1, got 0/);
    expect(() => mlpDiscriminator({ inputSize: 2, hiddenSizes: [4], conditionClasses: 1 })).toThrow(/conditionClasses must be a whole number ≥ 2/);
    tf.dispose([samples, logits, fake]);
    [generator, discriminator, conditionalG, conditionalD].forEach((m) => m.dispose());
  });

  it("DCGAN: z of 100 → 7×7×128 → 14×14×64 → 28×28×1 in (0, 1) as rows of 784; 784,641 and 138,945 parameters", () => {
    const generator = dcganGenerator({ seed: 1 });
    expect(generator.layers.map((l) => l.outputShape)).toEqual([
      [null, 6272], [null, 6272], [null, 6272], [null, 7, 7, 128], [null, 14, 14, 64], [null, 14, 14, 64], [null, 14, 14, 64], [null, 28, 28, 1], [null, 784],
    ]);
    // Dense 100·6272 (no bias: batch norm follows) + batch norm 4·6272 + 4·4·128·64 + 4·64 + (4·4·64 + 1).
    expect(generator.countParams()).toBe(627_200 + 25_088 + 131_072 + 256 + 1_025);
    expect(generator.nonTrainableWeights.map((w) => w.shape)).toEqual([[6272], [6272], [64], [64]]);
    const discriminator = dcganDiscriminator({ seed: 1 });
    expect(discriminator.outputs[0].shape).toEqual([null, 1]);
    expect(discriminator.getLayer("conv1_64").outputShape).toEqual([null, 14, 14, 64]);
    expect(discriminator.getLayer("conv2_128").outputShape).toEqual([null, 7, 7, 128]);
    // (4·4·1 + 1)·64 + 4·4·64·128 (no bias) + batch norm 4·128 + (6272 + 1).
    expect(discriminator.countParams()).toBe(1_088 + 131_072 + 512 + 6_273);
    const images = sampleGenerator(generator, 6, { seed: 3 });
    expect(images.shape).toEqual([6, 784]);
    const pixels = values(images);
    expect(Math.min(...pixels)).toBeGreaterThan(0);
    expect(Math.max(...pixels)).toBeLessThan(1);
    expect(new Set(pixels).size).toBeGreaterThan(100);
    expect((discriminator.predict(images) as tf.Tensor).shape).toEqual([6, 1]);
    // Seeded samples repeat; with training: true batch norm uses the samples' own statistics and leaves its averages alone.
    expect(values(sampleGenerator(generator, 6, { seed: 3 }))).toEqual(pixels);
    const statistics = snapshot(generator);
    const batchNormed = values(sampleGenerator(generator, 6, { seed: 3, training: true }));
    expect(batchNormed).not.toEqual(pixels);
    expect(snapshot(generator)).toEqual(statistics);
    // The width is an option: f = 16 gives 7×7×32 → 14×14×16 and 16 → 32 channels.
    const narrow = dcganGenerator({ filters: 16, latentSize: 8 });
    expect(narrow.countParams()).toBe(8 * 1568 + 4 * 1568 + 16 * 32 * 16 + 4 * 16 + 16 * 16 + 1);
    expect(dcganDiscriminator({ filters: 16 }).countParams()).toBe(17 * 16 + 16 * 16 * 32 + 4 * 32 + 1568 + 1);
    [generator, discriminator, narrow].forEach((m) => m.dispose());
  });

  it("DCGAN options: stride-1 convolutions at 7×7 in G and D, the minibatch standard deviation in D; both save and load", async () => {
    const generator = dcganGenerator({ filters: 16, latentSize: 8, extraConvolutions: 2, seed: 1 });
    expect(generator.getLayer("conv7x7_2_32").outputShape).toEqual([null, 7, 7, 32]);
    // The f = 16 generator above plus, per convolution, 3·3·32·32 weights (no bias) and batch norm's 4·32.
    expect(generator.countParams()).toBe(8 * 1568 + 4 * 1568 + 16 * 32 * 16 + 4 * 16 + 16 * 16 + 1 + 2 * (9 * 32 * 32 + 4 * 32));
    expect(() => dcganGenerator({ extraConvolutions: 0.5 })).toThrow(/extraConvolutions must be a whole number ≥ 0, got 0.5/);
    const discriminator = dcganDiscriminator({ filters: 16, minibatchStddev: true, seed: 1 });
    expect(discriminator.getLayer("minibatch_stddev").outputShape).toEqual([null, 7, 7, 33]);
    // One more 7×7 map before the logit: 49 more weights than without it.
    expect(discriminator.countParams()).toBe(17 * 16 + 16 * 16 * 32 + 4 * 32 + 1568 + 49 + 1);
    // D's stride-1 convolutions come after its second: 3·3·32·32 weights and batch norm's 4·32 each.
    const deeper = dcganDiscriminator({ filters: 16, extraConvolutions: 1 });
    expect(deeper.getLayer("conv7x7_1_32").outputShape).toEqual([null, 7, 7, 32]);
    expect(deeper.countParams()).toBe(17 * 16 + 16 * 16 * 32 + 4 * 32 + 9 * 32 * 32 + 4 * 32 + 1568 + 1);
    deeper.dispose();
    const images = sampleGenerator(generator, 5, { seed: 2 });
    expect(images.shape).toEqual([5, 784]);
    // The spread of a batch of one row is 0, so a row's logit depends on the rows beside it.
    const alone = values(discriminator.predict(images.slice(0, 1)) as tf.Tensor)[0];
    const inBatch = values(discriminator.predict(images) as tf.Tensor)[0];
    expect(alone).not.toBeCloseTo(inBatch, 6);
    for (const [model, input] of [[generator, tf.randomNormal([3, 8], 0, 1, "float32", 5)], [discriminator, images]] as const) {
      const { loaded } = await saveAndLoad(model);
      expect(values(loaded.predict(input) as tf.Tensor)).toEqual(values(model.predict(input) as tf.Tensor));
      loaded.dispose();
      if (model === generator) input.dispose();
    }
    images.dispose();
    [generator, discriminator].forEach((m) => m.dispose());
  });

  it("conditional DCGAN: [z, one-hot] of 110 and [x, one-hot] of 794, the code stacked as 10 constant maps behind the image rescaled to [−1, 1]", async () => {
    const generator = dcganGenerator({ seed: 1, conditionClasses: 10 });
    const discriminator = dcganDiscriminator({ seed: 1, conditionClasses: 10 });
    expect(generator.inputs[0].shape).toEqual([null, 110]);
    expect(discriminator.inputs[0].shape).toEqual([null, 794]);
    expect(generator.countParams()).toBe(784_641 + 10 * 6272);
    expect(discriminator.countParams()).toBe(138_945 + 16 * 64 * 10);
    const labels = [3, 9];
    const images = sampleGenerator(generator, 2, { seed: 4, labels, classes: 10 });
    expect(images.shape).toEqual([2, 784]);
    const input = conditionalInput(images, labels, 10);
    const maps = tf.model({ inputs: discriminator.inputs, outputs: discriminator.getLayer("image_and_class_maps").output as tf.SymbolicTensor });
    const stacked = maps.predict(input) as tf.Tensor4D;
    expect(stacked.shape).toEqual([2, 28, 28, 11]);
    const imageChannel = tf.tidy(() => stacked.slice([0, 0, 0, 0], [-1, -1, -1, 1]).reshape([2, 784]));
    const expected = tf.tidy(() => images.mul(2).sub(1));
    expect(tf.tidy(() => imageChannel.sub(expected).abs().max().dataSync()[0])).toBeLessThan(1e-6);
    // Every pixel of a row carries that row's one-hot code.
    const codes = tf.tidy(() => stacked.slice([0, 0, 0, 1], [-1, -1, -1, 10]).reshape([2, 784, 10]));
    expect(tf.tidy(() => values(codes.mean(1).argMax(1)))).toEqual(labels);
    expect(tf.tidy(() => codes.sub(tf.oneHot(labels, 10).expandDims(1)).abs().max().dataSync()[0])).toBe(0);
    // The class changes the logit; the model saves and loads through standard layers only.
    const logits = values(discriminator.predict(input) as tf.Tensor);
    const otherLogits = values(discriminator.predict(conditionalInput(images, [4, 0], 10)) as tf.Tensor);
    expect(logits[0]).not.toBe(otherLogits[0]);
    const { loaded } = await saveAndLoad(discriminator);
    expect(values(loaded.predict(input) as tf.Tensor)).toEqual(logits);
    tf.dispose([images, input, stacked, imageChannel, expected, codes]);
    [generator, discriminator, loaded].forEach((m) => m.dispose()); // maps is made of the discriminator's layers: disposed with it
  });
});

/** A small DCGAN pair (f = 8, z of 16) for fast steps; conditional on 10 classes when asked. */
function smallDcgan(conditional: boolean, seed = 1) {
  const conditionClasses = conditional ? 10 : undefined;
  return { generator: dcganGenerator({ latentSize: 16, filters: 8, seed, conditionClasses }), discriminator: dcganDiscriminator({ filters: 8, seed, conditionClasses }), latentSize: 16 };
}

describe("a GAN step", () => {
  const real = () => tf.tidy(() => tf.randomUniform([8, 784], 0, 1, "float32", 5)) as tf.Tensor2D;
  const labels = [0, 1, 2, 3, 4, 5, 6, 7];

  for (const conditional of [false, true]) {
    it(`${conditional ? "conditional" : "unconditional"} DCGAN: the D step leaves every weight of G exactly as it was and the G step every weight of D; losses as math/gan.ts computes them`, () => {
      const { generator, discriminator, latentSize } = smallDcgan(conditional);
      const dOptimizer = tf.train.adam(1e-3, 0.5);
      const gOptimizer = tf.train.adam(1e-3, 0.5);
      const x = real();
      const z = tf.randomNormal([8, latentSize], 0, 1, "float32", 6) as tf.Tensor2D;
      const condition = conditional ? { labels } : {};
      const input = (rows: tf.Tensor2D) => (conditional ? conditionalInput(rows, labels, 10) : rows);
      const before = tf.memory().numTensors;

      // The expected D loss and D outputs, on the same batch and noise, with batch norm in training mode as in the step.
      const want = tf.tidy(() => {
        const fake = generator.apply(input(z), { training: true }) as tf.Tensor2D;
        const realLogits = discriminator.apply(input(x), { training: true }) as tf.Tensor;
        const fakeLogits = discriminator.apply(input(fake), { training: true }) as tf.Tensor;
        return values(tf.stack([discriminatorLoss(realLogits, fakeLogits, { labelSmoothing: 0.1 }), tf.sigmoid(realLogits).mean(), tf.sigmoid(fakeLogits).mean()]));
      });
      const g0 = snapshot(generator);
      const d0 = snapshot(discriminator);
      const d = discriminatorStep({ generator, discriminator, optimizer: dOptimizer, real: x, latentSize, noise: z, labelSmoothing: 0.1, ...condition });
      expect(d.dLoss).toBeCloseTo(want[0], 5);
      expect(d.dReal).toBeCloseTo(want[1], 5);
      expect(d.dFake).toBeCloseTo(want[2], 5);
      expect(snapshot(generator)).toEqual(g0);
      const d1 = snapshot(discriminator);
      d1.trainable.forEach((w, i) => expect(w).not.toEqual(d0.trainable[i]));
      d1.statistics.forEach((w, i) => expect(w).not.toEqual(d0.statistics[i])); // its own moving statistics do move

      const wantG = tf.tidy(() => {
        const logits = discriminator.apply(input(generator.apply(input(z), { training: true }) as tf.Tensor2D), { training: true }) as tf.Tensor;
        return values(tf.stack([generatorLoss(logits, "saturating"), tf.sigmoid(logits).mean()]));
      });
      const g1 = snapshot(generator);
      const dBefore = snapshot(discriminator);
      const g = generatorStep({ generator, discriminator, optimizer: gOptimizer, latentSize, noise: z, generatorLossKind: "saturating", ...condition });
      expect(g.gLoss).toBeCloseTo(wantG[0], 5);
      expect(g.dFake).toBeCloseTo(wantG[1], 5);
      expect(snapshot(discriminator)).toEqual(dBefore);
      const g2 = snapshot(generator);
      g2.trainable.forEach((w, i) => expect(w).not.toEqual(g1.trainable[i]));
      g2.statistics.forEach((w, i) => expect(w).not.toEqual(g1.statistics[i]));

      // ganStep: both halves, seeded; D(real) and D(fake) are probabilities.
      const step = ganStep({ generator, discriminator, dOptimizer, gOptimizer, real: x, latentSize, seed: 7, ...condition });
      expect(step.dReal).toBeGreaterThan(0);
      expect(step.dReal).toBeLessThan(1);
      expect(step.dFake).toBeGreaterThan(0);
      expect(step.dFake).toBeLessThan(1);
      expect(Number.isFinite(step.dLoss) && Number.isFinite(step.gLoss)).toBe(true);
      // Only the optimizers' moment estimates (created by their first steps) are new.
      const adamSlots = 2 * (generator.trainableWeights.length + discriminator.trainableWeights.length);
      expect(tf.memory().numTensors).toBe(before + adamSlots);
      tf.dispose([x, z]);
      [dOptimizer, gOptimizer].forEach((o) => o.dispose());
      [generator, discriminator].forEach((m) => m.dispose());
    });
  }

  it("is reproducible from its seed, and says when the models, the noise or the labels do not fit", () => {
    const run = () => {
      const { generator, discriminator, latentSize } = smallDcgan(false, 3);
      const dOptimizer = tf.train.adam(2e-4, 0.5);
      const gOptimizer = tf.train.adam(2e-4, 0.5);
      const x = real();
      const steps = [1, 2].map((seed) => ganStep({ generator, discriminator, dOptimizer, gOptimizer, real: x, latentSize, seed }));
      const weights = snapshot(generator);
      x.dispose();
      [dOptimizer, gOptimizer].forEach((o) => o.dispose());
      [generator, discriminator].forEach((m) => m.dispose());
      return { steps, weights };
    };
    const first = run();
    expect(run()).toEqual(first);
    expect(first.steps[0]).not.toEqual(first.steps[1]);

    const { generator, discriminator, latentSize } = smallDcgan(false);
    const conditional = smallDcgan(true);
    const optimizer = tf.train.adam(1e-3);
    const x = real();
    const narrow = x.slice([0, 0], [-1, 100]) as tf.Tensor2D;
    const fewRows = tf.zeros([4, 16]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    expect(() => discriminatorStep({ generator, discriminator, optimizer, real: x, latentSize: 10 })).toThrow(/the generator takes 16 inputs but latentSize is 10/);
    expect(() => discriminatorStep({ generator, discriminator, optimizer, real: x, latentSize, labels })).toThrow(/labels were given but the generator takes 16 inputs/);
    expect(() => discriminatorStep({ ...conditional, optimizer, real: x })).toThrow(/a conditional generator \(26 = 16 \+ 10 classes\) needs labels/);
    expect(() => discriminatorStep({ generator, discriminator: conditional.discriminator, optimizer, real: x, latentSize })).toThrow(/the discriminator takes 794 inputs, but a sample has 784/);
    expect(() => discriminatorStep({ ...conditional, optimizer, real: x, labels: [1, 2] })).toThrow(/2 labels for 8 real rows/);
    expect(() => discriminatorStep({ ...conditional, optimizer, real: x, labels: labels.map((l) => l + 3) })).toThrow(/label 10 at index 7 is not a whole number in \[0, 10\)/);
    expect(() => discriminatorStep({ generator, discriminator, optimizer, real: narrow, latentSize })).toThrow(/the real rows have 100 features but the generator outputs 784/);
    expect(() => discriminatorStep({ generator, discriminator, optimizer, real: x, latentSize, noise: fewRows })).toThrow(/noise \[4, 16\] must be \[8, 16\]/);
    expect(() => generatorStep({ generator, discriminator, optimizer, latentSize })).toThrow(/batchSize \(the number of fakes\) must be a whole number ≥ 1, got undefined/);
    expect(() => ganStep({ generator, discriminator, dOptimizer: optimizer, gOptimizer: optimizer, real: x, latentSize: 10 })).toThrow(/latentSize is 10/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, narrow, fewRows]);
    optimizer.dispose();
    [generator, discriminator, conditional.generator, conditional.discriminator].forEach((m) => m.dispose());
  });
});

describe("a GAN step with the generator ahead (generatorSteps)", () => {
  it("is one D update, then k G updates with their own noise: the same weights as the separate steps, gLoss their mean", () => {
    const pair = (seed: number) => ({ generator: mlpGenerator({ latentSize: 2, outputSize: 2, hiddenSizes: [8], seed }), discriminator: mlpDiscriminator({ inputSize: 2, hiddenSizes: [8], seed }) });
    const real = tf.randomNormal([16, 2], 0, 1, "float32", 3) as tf.Tensor2D;
    const together = pair(4);
    const separate = pair(4);
    const optimizers = () => ({ dOptimizer: tf.train.adam(1e-2, 0.5), gOptimizer: tf.train.adam(1e-2, 0.5) });
    const [a, b] = [optimizers(), optimizers()];
    const step = ganStep({ ...together, ...a, real, latentSize: 2, generatorSteps: 3, seed: 7 });
    // The seeds ganStep derives: the first G update's is the one a single update has always had.
    const d = discriminatorStep({ ...separate, optimizer: b.dOptimizer, real, latentSize: 2, seed: derivedSeed(7, "discriminator") });
    const gSeeds = [derivedSeed(7, "generator"), derivedSeed(7, "generator", 1), derivedSeed(7, "generator", 2)];
    const g = gSeeds.map((seed) => generatorStep({ ...separate, optimizer: b.gOptimizer, batchSize: 16, latentSize: 2, seed }));
    expect(step.dLoss).toBeCloseTo(d.dLoss, 6);
    expect(step.gLoss).toBeCloseTo((g[0].gLoss + g[1].gLoss + g[2].gLoss) / 3, 6);
    expect(g[1].gLoss).not.toBeCloseTo(g[0].gLoss, 6); // three different updates, not one thrice
    for (const model of ["generator", "discriminator"] as const) {
      const expected = snapshot(separate[model]).trainable;
      snapshot(together[model]).trainable.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 6)));
    }
    const one = pair(4);
    expect(() => ganStep({ ...one, ...optimizers(), real, latentSize: 2, generatorSteps: 0 })).toThrow("ganStep: generatorSteps must be a whole number ≥ 1, got 0");
    expect(() => ganStep({ ...one, ...optimizers(), real, latentSize: 2, generatorSteps: 1.5 })).toThrow(/got 1\.5/);
    real.dispose();
    [a, b].forEach((o) => [o.dOptimizer, o.gOptimizer].forEach((x) => x.dispose()));
    [together, separate, one].forEach((p) => [p.generator, p.discriminator].forEach((m) => m.dispose()));
  });
});

describe("top-k training (topK)", () => {
  it("updates G with the gradient of the loss over the k fakes D rates most real, found by sorting, and follows Sinha et al.'s schedule", () => {
    const generator = mlpGenerator({ latentSize: 2, outputSize: 2, hiddenSizes: [8], seed: 5 });
    const discriminator = mlpDiscriminator({ inputSize: 2, hiddenSizes: [8], seed: 6 });
    const z = tf.randomNormal([8, 2], 0, 1, "float32", 9) as tf.Tensor2D;
    const variables = trainableVariables(generator);
    // By hand: the logits of the 8 fakes, the 3 highest by sorting, and the gradient of their mean loss.
    const logits = tf.tidy(() => values(discriminator.apply(generator.apply(z)) as tf.Tensor));
    const kept = logits.map((_, i) => i).sort((a, b) => logits[b] - logits[a]).slice(0, 3);
    const mask = tf.tensor2d(logits.map((_, i) => (kept.includes(i) ? 1 : 0)), [8, 1]);
    const { value, grads } = tf.variableGrads(() => {
      const perRow = tf.softplus((discriminator.apply(generator.apply(z)) as tf.Tensor2D).neg());
      return perRow.mul(mask).sum().div(3) as tf.Scalar;
    }, variables);
    const learningRate = 0.1;
    const expected = variables.map((v) => values(v.sub(grads[v.name].mul(learningRate))));
    const optimizer = tf.train.sgd(learningRate);
    const step = generatorStep({ generator, discriminator, optimizer, latentSize: 2, noise: z, topK: 3 });
    expect(step.gLoss).toBeCloseTo(value.dataSync()[0], 5);
    variables.forEach((v, i) => values(v).forEach((w, j) => expect(w).toBeCloseTo(expected[i][j], 6)));
    expect(() => generatorStep({ generator, discriminator, optimizer, latentSize: 2, noise: z, topK: 9 })).toThrow("generatorStep: topK must be a whole number in [1, 8] (the fakes per step), got 9");
    // The schedule: all of a batch of 128 in epoch 0, ⌈0.99^45 · 128⌉ = 82 in epoch 45, half from epoch 69 (0.99^69 < 0.5).
    const schedule = { decay: 0.99, minimumShare: 0.5 };
    expect([0, 45, 68, 69, 200].map((epoch) => topKCount(schedule, epoch, 128))).toEqual([128, 82, 65, 64, 64]);
    expect(() => topKCount({ decay: 0.99, minimumShare: 0 }, 0, 128)).toThrow("topK: decay and minimumShare must be in (0, 1], got 0.99 and 0");
    tf.dispose([z, mask, value, ...Object.values(grads)]);
    optimizer.dispose();
    [generator, discriminator].forEach((m) => m.dispose());
  });
});

describe("trainGan", () => {
  it("moves a 1-D generator from around 0 to the data N(4, 0.5²) in 160 steps", async () => {
    const data = gaussianMixture1d(1024, { means: [4], stds: [0.5], seed: 1 });
    const images = Float32Array.from(data.points, (p) => p[0]);
    const generator = mlpGenerator({ latentSize: 4, outputSize: 1, hiddenSizes: [16], seed: 2 });
    const discriminator = mlpDiscriminator({ inputSize: 1, hiddenSizes: [16], seed: 2 });
    const sampleMean = () => tf.tidy(() => sampleGenerator(generator, 2000, { seed: 9 }).mean().dataSync()[0]);
    const start = sampleMean();
    expect(Math.abs(start - 4)).toBeGreaterThan(3);
    const { perEpoch, history } = await trainGan({ generator, discriminator, images, epochs: 10, batchSize: 64, latentSize: 4, learningRate: 1e-2, seed: 2, progress: false });
    expect(history.steps).toBe(160);
    // Seeds 1–5 of this setup end within 0.37 of 4 (the game oscillates around the data).
    expect(Math.abs(sampleMean() - 4)).toBeLessThan(0.6);
    // At the end D can no longer tell: D(real) ≈ D(fake) ≈ ½.
    const last = perEpoch[perEpoch.length - 1];
    expect(Math.abs(last.dReal - 0.5)).toBeLessThan(0.1);
    expect(Math.abs(last.dFake - 0.5)).toBeLessThan(0.1);
    generator.dispose();
    discriminator.dispose();
  });

  it("is reproducible from its seed (the shuffles and the noise)", async () => {
    const images = Float32Array.from(gaussianMixture1d(256, { means: [-1, 2], stds: [0.3, 0.3], seed: 4 }).points, (p) => p[0]);
    const run = async (seed: number) => {
      const generator = mlpGenerator({ latentSize: 2, outputSize: 1, hiddenSizes: [8], seed: 1 });
      const discriminator = mlpDiscriminator({ inputSize: 1, hiddenSizes: [8], seed: 1 });
      const fixedNoise = tf.randomNormal([5, 2], 0, 1, "float32", 1) as tf.Tensor2D;
      const { perEpoch } = await trainGan({ generator, discriminator, images, epochs: 2, batchSize: 64, latentSize: 2, learningRate: 1e-2, seed, fixedNoise, progress: false });
      [generator, discriminator, fixedNoise].forEach((t) => t.dispose());
      return perEpoch.map(({ dLoss, gLoss, dReal, dFake, samples }) => ({ dLoss, gLoss, dReal, dFake, samples: Array.from(samples!) }));
    };
    const first = await run(5);
    expect(await run(5)).toEqual(first);
    expect(await run(6)).not.toEqual(first);
  });

  it("trains a DCGAN on 256 MNIST rows: a record and samples on the fixed noise every epoch, a constant live tensor count, nothing left behind", async () => {
    const mnist = loadMnist("train", { limit: 256 });
    const { generator, discriminator, latentSize } = smallDcgan(false, 2);
    const fixedNoise = tf.randomNormal([4, latentSize], 0, 1, "float32", 1) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const { perEpoch, history } = await trainGan({
      generator, discriminator, images: mnist.images, epochs: 3, batchSize: 32, latentSize, seed: 1, fixedNoise, progress: false,
      afterEpoch: (epoch, record) => void seen.push(epoch, record.epoch, record.samples!.length),
    });
    expect(seen).toEqual([0, 1, 4 * 784, 1, 2, 4 * 784, 2, 3, 4 * 784]);
    expect(history.steps).toBe(24);
    expect(perEpoch.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const e of perEpoch) {
      expect([e.dLoss, e.gLoss].every(Number.isFinite)).toBe(true);
      for (const d of [e.dReal, e.dFake]) expect(d > 0 && d < 1).toBe(true);
      expect(e.learningRate).toBe(2e-4);
      expect(e.seconds).toBeGreaterThan(0);
      expect(Math.min(...e.samples!)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...e.samples!)).toBeLessThanOrEqual(1);
    }
    // D quickly tells the real digits from the early fakes.
    expect(perEpoch[2].dReal).toBeGreaterThan(perEpoch[2].dFake);
    expect(perEpoch[2].samples).not.toEqual(perEpoch[0].samples);
    expect(new Set(perEpoch.map((e) => e.liveTensors)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before); // the optimizers are disposed
    [generator, discriminator, fixedNoise].forEach((t) => t.dispose());
  });

  it("keeps the generator's moving average: w̄ = dᵀ w₀ + (1 − d) Σ d^(T−t) w_t over the steps, without changing the training", async () => {
    // One batch per epoch, so afterEpoch sees the generator's weights after every step.
    const mnist = loadMnist("train", { limit: 32 });
    const decay = 0.9;
    const run = async (averaged: boolean, resume = false) => {
      const { generator, discriminator, latentSize } = smallDcgan(false, 4);
      const average = smallDcgan(false, 5).generator;
      const averageStart = average.weights.map((w) => values(w.read()));
      const steps: number[][][] = [generator.weights.map((w) => values(w.read()))];
      const before = tf.memory().numTensors;
      const { perEpoch } = await trainGan({
        generator, discriminator, images: mnist.images, epochs: 5, batchSize: 32, latentSize, seed: 3, progress: false,
        ...(averaged && { generatorAverage: { model: average, decay, resume } }),
        afterEpoch: () => void steps.push(generator.weights.map((w) => values(w.read()))),
      });
      expect(new Set(perEpoch.map((e) => e.liveTensors)).size).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
      const averageWeights = average.weights.map((w) => values(w.read()));
      [generator, discriminator, average].forEach((m) => m.dispose());
      return { steps, averageWeights, averageStart };
    };
    const plain = await run(false);
    const averaged = await run(true);
    // Resuming, the average goes on from its own weights: w̄₀ is the average model's, not the generator's.
    const resumed = await run(true, true);
    expect(averaged.steps).toEqual(plain.steps);
    expect(resumed.steps).toEqual(plain.steps);
    const T = averaged.steps.length - 1;
    // The two starts differ (the models were built from other seeds), so the formula tells them apart.
    expect(resumed.averageStart).not.toEqual(resumed.steps[0]);
    for (const { averageWeights, start } of [{ ...averaged, start: averaged.steps[0] }, { ...resumed, start: resumed.averageStart }]) {
      averageWeights.forEach((weight, i) => {
        const expected = weight.map((_, j) => averaged.steps.reduce((sum, step, t) => sum + (t === 0 ? decay ** T * start[i][j] : (1 - decay) * decay ** (T - t) * step[i][j]), 0));
        const worst = Math.max(...weight.map((v, j) => Math.abs(v - expected[j])));
        expect(worst, `weight ${i}`).toBeLessThan(1e-5);
      });
    }
    // Batch norm's moving statistics are averaged too, and they moved.
    expect(averaged.averageWeights.some((w, i) => w.some((v, j) => v !== plain.steps[0][i][j]))).toBe(true);

    const { generator, discriminator, latentSize } = smallDcgan(false, 4);
    const other = smallDcgan(false, 5).generator;
    const common = { generator, discriminator, images: mnist.images, epochs: 1, batchSize: 32, latentSize, progress: false };
    await expect(trainGan({ ...common, generatorAverage: { model: generator, decay } })).rejects.toThrow(/a second generator, not the one being trained/);
    await expect(trainGan({ ...common, generatorAverage: { model: discriminator, decay } })).rejects.toThrow(/must have the generator's architecture/);
    await expect(trainGan({ ...common, generatorAverage: { model: other, decay: 1 } })).rejects.toThrow(/decay must be in \(0, 1\), e\.g\. 0\.999, got 1/);
    [generator, discriminator, other].forEach((m) => m.dispose());
  });

  it("resumed at startEpoch, draws the batch and the noise that an uninterrupted run draws in that epoch", async () => {
    // 48 rows in batches of 32: one step per epoch, on 32 rows the epoch's shuffle picks. D's loss, D(x) and D(G(z)) are
    // taken before the step's update, so they depend only on the weights (the same both ways), the batch and the noise.
    const mnist = loadMnist("train", { limit: 48 });
    const options = { images: mnist.images, batchSize: 32, seed: 2, progress: false };
    const train = async (runs: { epochs: number; startEpoch?: number }[]) => {
      const { generator, discriminator, latentSize } = smallDcgan(false, 7);
      const records = [];
      for (const run of runs) records.push(...(await trainGan({ generator, discriminator, latentSize, ...options, ...run })).perEpoch);
      [generator, discriminator].forEach((m) => m.dispose());
      return records.map(({ epoch, dLoss, dReal, dFake }) => ({ epoch, dLoss, dReal, dFake }));
    };
    const uninterrupted = await train([{ epochs: 2 }]);
    const resumed = await train([{ epochs: 1 }, { epochs: 2, startEpoch: 1 }]);
    expect(resumed.map((r) => r.epoch)).toEqual([1, 2]);
    for (const key of ["dLoss", "dReal", "dFake"] as const) expect(resumed[1][key], key).toBeCloseTo(uninterrupted[1][key], 5);
    // Without startEpoch, the second run would draw epoch 1's batch and noise again, and measure something else.
    const restarted = await train([{ epochs: 1 }, { epochs: 1 }]);
    expect(Math.abs(restarted[1].dLoss - uninterrupted[1].dLoss)).toBeGreaterThan(1e-3);
  });

  it("trains a conditional DCGAN on labelled rows, stops between batches when aborted, and checks its inputs", async () => {
    const mnist = loadMnist("train", { limit: 256 });
    const labels = Array.from(mnist.labels);
    const { generator, discriminator, latentSize } = smallDcgan(true, 3);
    const fixedNoise = tf.randomNormal([10, latentSize], 0, 1, "float32", 1) as tf.Tensor2D;
    const fixedLabels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const controller = new AbortController();
    const { perEpoch, history } = await trainGan({
      generator, discriminator, images: mnist.images, labels, epochs: 50, batchSize: 64, latentSize, seed: 1, fixedNoise, fixedLabels, progress: false,
      signal: controller.signal, afterEpoch: (epoch) => void (epoch === 1 && controller.abort()),
    });
    expect(history.interrupted).toBe(true);
    expect(perEpoch).toHaveLength(2);
    expect(history.steps).toBe(8);
    expect(perEpoch[1].samples).toHaveLength(10 * 784);
    expect(new Set(perEpoch.map((e) => e.liveTensors)).size).toBe(1);
    const aborted = new AbortController();
    aborted.abort();
    const none = await trainGan({ generator, discriminator, images: mnist.images, labels, epochs: 2, latentSize, signal: aborted.signal, progress: false });
    expect([none.history.steps, none.perEpoch.length, none.history.interrupted]).toEqual([0, 0, true]);

    const common = { generator, discriminator, images: mnist.images, epochs: 1, latentSize, progress: false };
    await expect(trainGan({ ...common, labels: labels.slice(1) })).rejects.toThrow(/255 labels for 256 rows/);
    await expect(trainGan({ ...common, labels: labels.map((l) => l + 1) })).rejects.toThrow(/labels\[\d+\] = 10 is not a whole number in \[0, 10\)/);
    await expect(trainGan({ ...common, labels, fixedNoise })).rejects.toThrow(/a conditional generator needs fixedLabels, one per fixedNoise row \(10\)/);
    await expect(trainGan({ ...common, labels, images: mnist.images.subarray(0, 100) })).rejects.toThrow(/100 values are not a whole, non-zero number of rows of the generator's 784 outputs/);
    await expect(trainGan({ ...common, labels, beta1: 1 })).rejects.toThrow(/beta1 must be in \[0, 1\)/);
    [generator, discriminator, fixedNoise].forEach((t) => t.dispose());
  });
});
