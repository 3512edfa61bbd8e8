// Jacobian-based truncation. The estimate of ‖∂G/∂z‖²_F against the Jacobian built row by row from one gradient per
// output (brute force), its independence from the batch size, and the truncation of a generator whose steepness is
// known in closed form: G(z) = sigmoid(a·z₁), steepest at z₁ = 0. A tiny run of `npm run reproduce -- truncation`.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { generatorJacobianNorms, jacobianTruncatedSamples } from "../lib/src/training/jacobian-truncation";
import { DEFAULT_TRUNCATION_SETTINGS, reproduceTruncation } from "../scripts/reproduce/truncation";

/** A small nonlinear generator 2 → 6 (tanh) → 3 (sigmoid) with seeded weights. */
function smallGenerator(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 6, inputShape: [2], activation: "tanh", kernelInitializer: tf.initializers.randomNormal({ stddev: 1.5, seed: 1 }), biasInitializer: tf.initializers.randomNormal({ stddev: 0.5, seed: 2 }) }));
  model.add(tf.layers.dense({ units: 3, activation: "sigmoid", kernelInitializer: tf.initializers.randomNormal({ stddev: 1.5, seed: 3 }) }));
  return model;
}

/** G(z) = sigmoid(a·z₁) for z of 3 columns: ‖J‖²_F = (a·s(1 − s))², largest at z₁ = 0. */
function sigmoidGenerator(a: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, inputShape: [3], activation: "sigmoid", useBias: false }));
  model.setWeights([tf.tensor2d([[a], [0], [0]])]);
  return model;
}

/** ‖J‖²_F per row by brute force: the gradient of each output column summed over the rows is every row's row of J. */
function exactJacobianNorms(generator: tf.LayersModel, z: tf.Tensor2D): number[] {
  const outputs = generator.outputs[0].shape[1] as number;
  return tf.tidy(() => {
    let total = tf.zeros([z.shape[0]]);
    for (let k = 0; k < outputs; k++) {
      const column = tf.grad((input: tf.Tensor) => (generator.apply(input) as tf.Tensor2D).slice([0, k], [-1, 1]).sum());
      total = total.add(column(z).square().sum(1));
    }
    return Array.from(total.dataSync());
  });
}

describe("generatorJacobianNorms", () => {
  it("estimates the squared Frobenius norm of the Jacobian in each row (against brute force)", () => {
    const generator = smallGenerator();
    const z = tf.tensor2d([[0, 0], [0.5, -1], [-1.5, 0.3], [2, 2], [-0.2, 0.1]]);
    const exact = exactJacobianNorms(generator, z);
    const before = tf.memory().numTensors;
    const estimated = generatorJacobianNorms(generator, z, { directions: 1500, seed: 5 });
    expect(tf.memory().numTensors).toBe(before);
    // The rows differ from each other, so a wrong row order or a shared estimate would fail.
    expect(Math.max(...exact) / Math.min(...exact)).toBeGreaterThan(2);
    // With 1,500 directions a row's estimate spreads by at most √(2/1500) ≈ 3.7 % (the rank-one case), their mean by 1.6 %.
    const ratios = Array.from(estimated, (value, i) => value / exact[i]);
    for (const ratio of ratios) expect(Math.abs(ratio - 1)).toBeLessThan(0.12);
    expect(Math.abs(ratios.reduce((sum, r) => sum + r, 0) / ratios.length - 1)).toBeLessThan(0.04);
    tf.dispose([z]);
    generator.dispose();
  });

  it("gives the same estimates whatever the batch size, and other ones for another seed", () => {
    const generator = smallGenerator();
    const z = tf.randomNormal([7, 2], 0, 1, "float32", 9) as tf.Tensor2D;
    const whole = generatorJacobianNorms(generator, z, { directions: 3, seed: 1 });
    const inTwos = generatorJacobianNorms(generator, z, { directions: 3, seed: 1, batchSize: 2 });
    inTwos.forEach((value, i) => expect(value).toBeCloseTo(whole[i], 5));
    expect(generatorJacobianNorms(generator, z, { directions: 3, seed: 2 })[0]).not.toBeCloseTo(whole[0], 3);
    z.dispose();
    generator.dispose();
  });

  it("says what was wrong with z or the options", () => {
    const generator = smallGenerator();
    const z = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => generatorJacobianNorms(generator, z)).toThrow(/z must have the generator's 2 columns.*got shape \[2,3\]/);
    expect(() => generatorJacobianNorms(generator, z, { directions: 0 })).toThrow(/directions must be a whole number ≥ 1, got 0/);
    z.dispose();
    generator.dispose();
  });
});

describe("jacobianTruncatedSamples", () => {
  it("keeps the least steep share of the draws: for sigmoid(a·z₁), the samples far from ½", () => {
    const a = 3;
    const generator = sigmoidGenerator(a);
    const before = tf.memory().numTensors;
    const { kept, rejected, drawn, threshold } = jacobianTruncatedSamples(generator, 300, { keep: 0.75, seed: 4, directions: 2000 });
    expect(drawn).toBe(400);
    expect(kept.shape).toEqual([300, 1]);
    expect(rejected.shape).toEqual([100, 1]);
    expect(tf.memory().numTensors).toBe(before + 2);
    const trueNorm = (s: number) => (a * s * (1 - s)) ** 2;
    const keptNorms = Array.from(kept.dataSync(), trueNorm);
    const rejectedNorms = Array.from(rejected.dataSync(), trueNorm);
    // The estimate's spread with 2,000 directions is about 3 %: the split may err only near the threshold.
    expect(Math.max(...keptNorms)).toBeLessThan(1.15 * threshold);
    expect(Math.min(...rejectedNorms)).toBeGreaterThan(threshold / 1.15);
    // The rejected come steepest first: the first is near z₁ = 0, where s = ½ and the norm is (a/4)².
    expect(rejected.dataSync()[0]).toBeCloseTo(0.5, 1);
    expect(rejectedNorms[0]).toBeGreaterThan(rejectedNorms[rejectedNorms.length - 1]);
    tf.dispose([kept, rejected]);
    generator.dispose();
  });

  it("keeps every draw with keep = 1, and refuses a share outside (0, 1]", () => {
    const generator = sigmoidGenerator(1);
    const { kept, rejected, drawn } = jacobianTruncatedSamples(generator, 10, { keep: 1, seed: 1 });
    expect([kept.shape[0], rejected.shape[0], drawn]).toEqual([10, 0, 10]);
    tf.dispose([kept, rejected]);
    expect(() => jacobianTruncatedSamples(generator, 10, { keep: 0 })).toThrow(/keep must be a share in \(0, 1\], e.g. 0.75, got 0/);
    expect(() => jacobianTruncatedSamples(generator, 10, { keep: 1.5 })).toThrow(/got 1.5/);
    generator.dispose();
  });
});

describe("npm run reproduce -- truncation", () => {
  it("measures the shipped DCGAN at each share of z and seed, averages over the seeds, and writes result.json", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "truncation-"));
    const settings = { ...DEFAULT_TRUNCATION_SETTINGS, keepPercent: [100, 50], seeds: [1, 2], samples: 40, directions: 1 };
    const result = await reproduceTruncation(settings, directory, { testLimit: 60 });
    expect(result.command).toBe("npm run reproduce -- truncation --keep-percent 100,50 --directions 1 --samples 40 --seeds 1,2");
    expect(result.shares.map((share) => share.keepPercent)).toEqual([100, 50]);
    expect(result.shares.map((share) => share.runs.map((run) => run.drawn))).toEqual([[40, 40], [80, 80]]);
    for (const share of result.shares) {
      const [first, second] = share.runs;
      expect(share.mean.frechetDistance).toBeCloseTo((first.frechetDistance! + second.frechetDistance!) / 2, 1);
      expect(share.mean.inceptionScore).toBeCloseTo((first.inceptionScore! + second.inceptionScore!) / 2, 2);
      expect(first.classCounts.reduce((a, b) => a + b, 0)).toBe(40);
    }
    // Other seeds, other samples.
    expect(result.shares[1].runs[0].frechetDistance).not.toBe(result.shares[1].runs[1].frechetDistance);
    expect(result.generator.epochsRun).toBeGreaterThan(0);
    expect(JSON.parse(fs.readFileSync(path.join(directory, "result.json"), "utf8")).shares).toEqual(JSON.parse(JSON.stringify(result.shares)));
    await expect(reproduceTruncation({ ...settings, keepPercent: [100, 120] }, directory)).rejects.toThrow("--keep-percent takes shares of z from 1 to 100, e.g. 100,90,75; got 100,120");
    await expect(reproduceTruncation({ ...settings, samples: 10 }, directory)).rejects.toThrow("--samples must be at least 20 (the Inception Score takes 10 splits), got 10");
  });
});
