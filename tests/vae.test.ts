// The VAE layer: the ELBO's terms against closed forms and Monte Carlo, the reparameterization's gradients, the
// ELBO as a lower bound on a log p(x) integrated numerically and the importance-weighted bound rising towards it
// with k, the MLP VAE's architecture, and trainVae on a small problem (it learns, frees its tensors, runs the ablations).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Matrix, determinant, inverse } from "ml-matrix";
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { binaryCrossEntropyFromLogits } from "../lib/src/math/losses";
import {
  bernoulliLogLikelihood, elbo, gaussianLogLikelihood, importanceWeightedLogLikelihood, klDiagGaussianToStdNormal, logStdNormal, reparameterize,
  vaeLoss, type ConditionalLogLikelihood,
} from "../lib/src/math/elbo";
import { linearInterpolation, normalQuantileGrid } from "../lib/src/math/latent";
import { convVae, countParameters, decoderLogLikelihood, encodePosterior, loadModel, mlpVae, pixelLogitBias, sampleVae } from "../lib/src/models";
import { iwaeLogLikelihood, trainVae, vaeElbo } from "../lib/src/training";
import { DEFAULT_VAE_SETTINGS, reproduceVae, vaeCommand } from "../scripts/reproduce/vae";

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const LOG_2PI = Math.log(2 * Math.PI);

describe("KL(q ‖ N(0, I))", () => {
  const mu = [[0.5, -1, 0.2], [0, 0, 0]];
  const logVar = [[-0.5, 0.3, 0], [0, 0, 0]];

  it("matches the general formula ½[log(det Σ₂/det Σ₁) − p + tr(Σ₂⁻¹Σ₁) + (μ₂−μ₁)ᵀΣ₂⁻¹(μ₂−μ₁)] with Σ₂ = I, μ₂ = 0, and is 0 for q = N(0, I)", () => {
    const got = values(klDiagGaussianToStdNormal(tf.tensor2d(mu), tf.tensor2d(logVar)));
    mu.forEach((m, row) => {
      const p = m.length;
      const sigma1 = Matrix.diag(logVar[row].map(Math.exp));
      const sigma2 = Matrix.eye(p);
      const mu2 = Matrix.zeros(p, 1);
      const d = mu2.clone().sub(Matrix.columnVector(m));
      const sigma2Inv = inverse(sigma2);
      const general = 0.5 * (Math.log(determinant(sigma2) / determinant(sigma1)) - p + sigma2Inv.mmul(sigma1).trace() + d.transpose().mmul(sigma2Inv).mmul(d).get(0, 0));
      expect(got[row]).toBeCloseTo(general, 5);
    });
    expect(got[1]).toBe(0);
  });

  it("matches a Monte Carlo estimate E_q[log q(z) − log p(z)] over 200,000 reparameterized samples", () => {
    const n = 200_000;
    const m = tf.tile(tf.tensor2d([mu[0]]), [n, 1]) as tf.Tensor2D;
    const lv = tf.tile(tf.tensor2d([logVar[0]]), [n, 1]) as tf.Tensor2D;
    const z = reparameterize(m, lv, tf.randomNormal([n, 3], 0, 1, "float32", 11) as tf.Tensor2D);
    const logRatio = gaussianLogLikelihood(z, m, lv).sub(logStdNormal(z));
    const [mean, variance] = [logRatio.mean().dataSync()[0], tf.moments(logRatio).variance.dataSync()[0]];
    const exact = klDiagGaussianToStdNormal(tf.tensor2d([mu[0]]), tf.tensor2d([logVar[0]])).dataSync()[0];
    expect(Math.abs(mean - exact)).toBeLessThan(4 * Math.sqrt(variance / n));
    tf.dispose([m, lv, z, logRatio]);
  });

  it("says which shapes do not match", () => {
    expect(() => klDiagGaussianToStdNormal(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(/mu \[2, 3\] and logVar \[2, 4\] must have the same shape/);
  });
});

describe("log-likelihoods", () => {
  it("Gaussian: −(d/2) log 2π − Σ log σ_j − ½ Σ ((x_j − μ_j)/σ_j)², per row, with per-element, per-column and scalar log-variances", () => {
    const x = [[1, 2, -1], [0.5, 0, 3]];
    const mu = [[0, 2.5, -1], [1, -1, 2]];
    const logVar = [[0, Math.log(4), -1], [0.5, 0, Math.log(0.25)]];
    const byHand = (lv: (row: number, j: number) => number) =>
      x.map((row, i) => row.reduce((sum, xj, j) => sum - 0.5 * LOG_2PI - lv(i, j) / 2 - 0.5 * (xj - mu[i][j]) ** 2 / Math.exp(lv(i, j)), 0));
    const got = values(gaussianLogLikelihood(tf.tensor2d(x), tf.tensor2d(mu), tf.tensor2d(logVar)));
    byHand((i, j) => logVar[i][j]).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    const perColumn = values(gaussianLogLikelihood(tf.tensor2d(x), tf.tensor2d(mu), tf.tensor1d(logVar[0])));
    byHand((_, j) => logVar[0][j]).forEach((v, i) => expect(perColumn[i]).toBeCloseTo(v, 5));
    const scalar = values(gaussianLogLikelihood(tf.tensor2d(x), tf.tensor2d(mu), 0.3));
    byHand(() => 0.3).forEach((v, i) => expect(scalar[i]).toBeCloseTo(v, 5));
    expect(values(logStdNormal(tf.tensor2d(x)))).toEqual(values(gaussianLogLikelihood(tf.tensor2d(x), tf.zeros([2, 3]), 0)));
    expect(() => gaussianLogLikelihood(tf.tensor2d(x), tf.tensor2d(mu), tf.zeros([2]))).toThrow(/logVar \[2\] must be \[2, 3\], \[1, 3\], \[3\] or a scalar/);
  });

  it("Bernoulli: Σ_j [x_j log p_j + (1 − x_j) log(1 − p_j)] with p = σ(logits), minus the cross-entropy, finite at extreme logits", () => {
    const x = [[1, 0, 1, 0.3], [0, 0, 1, 1]];
    const logits = [[2, -1, 0, 0.5], [-3, 4, 1.5, -0.2]];
    const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));
    const byHand = x.map((row, i) => row.reduce((sum, xj, j) => sum + xj * Math.log(sigmoid(logits[i][j])) + (1 - xj) * Math.log(1 - sigmoid(logits[i][j])), 0));
    const got = values(bernoulliLogLikelihood(tf.tensor2d(x), tf.tensor2d(logits)));
    byHand.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    expect(got).toEqual(values(binaryCrossEntropyFromLogits(tf.tensor2d(x), tf.tensor2d(logits)).neg()));
    expect(bernoulliLogLikelihood(tf.tensor2d([[1, 0]]), tf.tensor2d([[-200, 200]])).dataSync()[0]).toBeCloseTo(-400, 3);
    expect(() => bernoulliLogLikelihood(tf.zeros([2, 4]), tf.zeros([2, 3]))).toThrow(/x \[2, 4\] and logits \[2, 3\]/);
  });
});

describe("reparameterize", () => {
  it("gives μ + σ ⊙ ε, and the gradient reaches μ (∂z/∂μ = 1) and log σ² (∂z/∂log σ² = ½ σ ε)", () => {
    const mu = tf.tensor2d([[1, -2], [0.5, 0]]);
    const logVar = tf.tensor2d([[0, Math.log(4)], [-1, 2]]);
    const eps = tf.tensor2d([[0.3, -1], [2, 0.7]]);
    const sigma = values(logVar).map((lv) => Math.exp(lv / 2));
    const expected = values(mu).map((m, i) => m + sigma[i] * values(eps)[i]);
    values(reparameterize(mu, logVar, eps)).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    const [dMu, dLogVar] = tf.grads((m: tf.Tensor, lv: tf.Tensor) => reparameterize(m, lv, eps).sum())([mu, logVar]);
    expect(values(dMu)).toEqual([1, 1, 1, 1]);
    values(dLogVar).forEach((g, i) => expect(g).toBeCloseTo(0.5 * sigma[i] * values(eps)[i], 5));
    expect(() => reparameterize(mu, logVar, tf.zeros([2, 3]))).toThrow(/mu \[2, 2\] and eps \[2, 3\]/);
  });
});

/** A tiny decoder: logits = z w + b for x of 5 binary pixels and a 1-D latent. */
const W = [2, -1.5, 1, 0.5, -2];
const B = [0.1, -0.2, 0.3, 0, -0.1];
const X = [1, 0, 1, 1, 0];
const tinyLogLikelihood: ConditionalLogLikelihood = (x, z) => tf.tidy(() => bernoulliLogLikelihood(x, z.matMul(tf.tensor2d([W])).add(tf.tensor1d(B)) as tf.Tensor2D));

/** log p(x) = log ∫ p(x|z) N(z; 0, 1) dz by the trapezoid rule on [−12, 12], in float64, and the posterior's mean and variance. */
function bruteForce() {
  const h = 1e-3;
  let [mass, first, second] = [0, 0, 0];
  for (let z = -12; z <= 12 + 1e-9; z += h) {
    let logP = -0.5 * LOG_2PI - 0.5 * z * z;
    X.forEach((x, j) => {
      const logit = z * W[j] + B[j];
      logP += x * -Math.log1p(Math.exp(-logit)) + (1 - x) * -Math.log1p(Math.exp(logit));
    });
    const weight = Math.exp(logP) * h;
    [mass, first, second] = [mass + weight, first + weight * z, second + weight * z * z];
  }
  const mean = first / mass;
  return { logPx: Math.log(mass), mean, variance: second / mass - mean * mean };
}

describe("the ELBO and the importance-weighted bound", () => {
  it("ELBO = reconstruction − KL, the reconstruction averaged over the L samples; β and the ablations change only the objective", () => {
    const x = tf.tensor2d([[1, 0, 1, 1, 0], [0, 0, 1, 0, 1]]);
    const posterior = { mu: tf.tensor2d([[0.3], [-0.5]]), logVar: tf.tensor2d([[-1], [0.2]]) };
    const eps = tf.tensor3d([[[0.5], [-1]], [[1.5], [0.2]], [[-0.3], [0.9]]]);
    const value = elbo(x, posterior, tinyLogLikelihood, { eps });
    const byHand = [0, 1].map((row) => {
      const lls = [0, 1, 2].map((l) => {
        const z = reparameterize(posterior.mu.slice([row, 0], [1, 1]), posterior.logVar.slice([row, 0], [1, 1]), eps.slice([l, row, 0], [1, 1, 1]).reshape([1, 1]));
        return tinyLogLikelihood(x.slice([row, 0], [1, -1]), z).dataSync()[0];
      });
      return lls.reduce((a, b) => a + b) / 3;
    });
    values(value.reconstruction).forEach((v, i) => expect(v).toBeCloseTo(byHand[i], 4));
    expect(values(value.kl)).toEqual(values(klDiagGaussianToStdNormal(posterior.mu, posterior.logVar)));
    values(value.elbo).forEach((v, i) => expect(v).toBeCloseTo(values(value.reconstruction)[i] - values(value.kl)[i], 5));
    expect(values(value.objective)).toEqual(values(value.elbo));
    const beta = elbo(x, posterior, tinyLogLikelihood, { eps, beta: 4 });
    values(beta.objective).forEach((v, i) => expect(v).toBeCloseTo(byHand[i] - 4 * values(value.kl)[i], 4));
    expect(values(beta.elbo)).toEqual(values(value.elbo));
    expect(values(elbo(x, posterior, tinyLogLikelihood, { eps, terms: "reconstruction" }).objective)).toEqual(values(value.reconstruction));
    expect(values(elbo(x, posterior, tinyLogLikelihood, { eps, terms: "kl" }).objective)).toEqual(values(value.kl.neg()));
    // vaeLoss: the mean over the rows of minus the objective, for each choice of terms and β.
    for (const [beta, terms] of [[1, "both"], [4, "both"], [0.5, "kl"], [1, "reconstruction"]] as const) {
      const objective = values(elbo(x, posterior, tinyLogLikelihood, { eps, beta, terms }).objective);
      expect(vaeLoss(value.reconstruction, value.kl, beta, terms).dataSync()[0]).toBeCloseTo(-(objective[0] + objective[1]) / 2, 4);
    }
    expect(() => vaeLoss(value.reconstruction, tf.zeros([3]) as tf.Tensor1D)).toThrow(/reconstruction \[2\] and kl \[3\] must have the same shape/);
    expect(() => elbo(x, posterior, tinyLogLikelihood, { eps, samples: 2 })).toThrow(/eps \[3, 2, 1\] must be \[L, n, p\] = \[2, 2, 1\]/);
    expect(() => elbo(x, posterior, tinyLogLikelihood, { samples: 0 })).toThrow(/samples \(L\) must be a whole number ≥ 1, got 0/);
    expect(() => elbo(x.slice([0, 0], [1, -1]), posterior, tinyLogLikelihood)).toThrow(/x has 1 rows but mu and logVar have 2/);
  });

  it("lower-bounds log p(x) computed by numerical integration, and the k-sample bound rises towards it (its k = 1 mean is the ELBO)", () => {
    const { logPx, mean, variance } = bruteForce();
    // A posterior that is off (shifted, too narrow), so that the bound has a visible gap.
    const q = { mu: tf.tensor2d([[mean + 0.4]]), logVar: tf.tensor2d([[Math.log(variance * 0.5)]]) };
    const x = tf.tensor2d([X]);
    const many = elbo(x, q, tinyLogLikelihood, { samples: 100_000, seed: 3 });
    const elboValue = many.elbo.dataSync()[0];
    const gap = logPx - elboValue;
    expect(gap).toBeGreaterThan(0.1);
    // The gap is KL(q ‖ p(z|x)) ≥ 0; the Monte Carlo KL agrees with the closed form.
    expect(elbo(x, q, tinyLogLikelihood, { samples: 100_000, seed: 3, kl: "monte-carlo" }).kl.dataSync()[0]).toBeCloseTo(many.kl.dataSync()[0], 1);
    // Expectations over 2,000 copies of x: E[bound_k] increases with k and reaches log p(x).
    const rows = 2000;
    const xs = tf.tile(x, [rows, 1]) as tf.Tensor2D;
    const qs = { mu: tf.tile(q.mu, [rows, 1]) as tf.Tensor2D, logVar: tf.tile(q.logVar, [rows, 1]) as tf.Tensor2D };
    const bound = (k: number) => importanceWeightedLogLikelihood(xs, qs, tinyLogLikelihood, { k, seed: k }).mean().dataSync()[0];
    const bounds = [1, 5, 50, 500].map(bound);
    expect(Math.abs(bounds[0] - elboValue)).toBeLessThan(0.1);
    for (let i = 1; i < bounds.length; i++) expect(bounds[i]).toBeGreaterThan(bounds[i - 1]);
    expect(bounds[3]).toBeLessThanOrEqual(logPx + 0.01);
    expect(logPx - bounds[3]).toBeLessThan(0.02 * gap + 0.01);
    expect(() => importanceWeightedLogLikelihood(x, q, tinyLogLikelihood, { k: 0 })).toThrow(/k must be a whole number ≥ 1, got 0/);
    tf.dispose([xs, qs.mu, qs.logVar]);
  });

  it("is exact, chunk by chunk, when q is the true posterior of a linear Gaussian model", () => {
    // z ~ N(0, 1), x | z ~ N(a z, s²): p(x) = N(0, a² + s²), p(z|x) = N(a x/(a² + s²), s²/(a² + s²)), so every weight is p(x).
    const [a, s2] = [1.5, 0.5];
    const xs = [0.7, -2, 3];
    const x = tf.tensor2d(xs, [3, 1]);
    const q = { mu: tf.tensor2d(xs.map((v) => (a * v) / (a * a + s2)), [3, 1]), logVar: tf.fill([3, 1], Math.log(s2 / (a * a + s2))) as tf.Tensor2D };
    const logLikelihood: ConditionalLogLikelihood = (xx, z) => gaussianLogLikelihood(xx, z.mul(a) as tf.Tensor2D, Math.log(s2));
    const exact = xs.map((v) => -0.5 * Math.log(2 * Math.PI * (a * a + s2)) - (v * v) / (2 * (a * a + s2)));
    for (const chunk of [1, 7, 100]) values(importanceWeightedLogLikelihood(x, q, logLikelihood, { k: 100, chunk, seed: 1 })).forEach((v, i) => expect(v).toBeCloseTo(exact[i], 4));
    // Per sample, log p(x|z) + log p(z) − log q(z|x) = log p(x): the ELBO with the Monte Carlo KL is exact too.
    values(elbo(x, q, logLikelihood, { samples: 3, seed: 2, kl: "monte-carlo" }).elbo).forEach((v, i) => expect(v).toBeCloseTo(exact[i], 4));
  });
});

describe("the MLP VAE", () => {
  it("Burda et al.'s 784-200-200-50 tanh: encoder to [μ, log σ²] of 2 × 50, decoder to 784 logits, 425,284 parameters", () => {
    const { encoder, decoder } = mlpVae({ hiddenSizes: [200, 200], latentSize: 50 });
    const units = (m: tf.Sequential) => m.layers.map((l) => (l.getConfig() as { units: number }).units);
    expect(units(encoder)).toEqual([200, 200, 100]);
    expect(units(decoder)).toEqual([200, 200, 784]);
    expect(encoder.layers.map((l) => l.getConfig().activation)).toEqual(["tanh", "tanh", "linear"]);
    expect(countParameters(encoder, decoder)).toBe(425_284);
    const { mu, logVar } = encodePosterior(encoder, tf.zeros([3, 784]));
    expect([mu.shape, logVar.shape]).toEqual([[3, 50], [3, 50]]);
    expect(sampleVae(decoder, 4, { seed: 1 }).shape).toEqual([4, 784]);
    encoder.dispose();
    decoder.dispose();
  });

  it("starts its decoder at the mean image with pixelLogitBias, and builds a Gaussian decoder of 2d outputs", () => {
    const images = Float32Array.from([0, 0.5, 1, 1, 0.5, 0]); // 2 rows of 3: means 0.5, 0.5, 0.5 → logit 0
    expect(Array.from(pixelLogitBias(images, 3))).toEqual([0, 0, 0]);
    const skewed = pixelLogitBias(Float32Array.from([0, 0.9, 1, 0, 0.9, 1]), 3);
    expect(skewed[1]).toBeCloseTo(Math.log(9), 5);
    expect(skewed[0]).toBeCloseTo(Math.log(0.001 / 0.999), 5);
    const bias = Float32Array.from([1, -2, 3, 0]);
    const { encoder, decoder } = mlpVae({ inputSize: 4, hiddenSizes: [3], latentSize: 2, outputBias: bias });
    expect(values(decoder.layers[1].getWeights()[1])).toEqual(Array.from(bias));
    const gaussian = mlpVae({ inputSize: 4, hiddenSizes: [3], latentSize: 2, likelihood: "gaussian" });
    expect(gaussian.decoder.outputs[0].shape).toEqual([null, 8]);
    const ll = decoderLogLikelihood(gaussian.decoder, "gaussian")(tf.zeros([5, 4]), tf.zeros([5, 2]));
    expect(ll.shape).toEqual([5]);
    expect(() => mlpVae({ inputSize: 4, likelihood: "gaussian", outputBias: bias })).toThrow(/outputBias sets the logits of a Bernoulli decoder/);
    [encoder, decoder, gaussian.encoder, gaussian.decoder].forEach((m) => m.dispose());
  });
});

/** 16-pixel "images": 4 prototypes of grey levels (probabilities), binarized at every use by trainVae. */
function prototypes(count: number): Float32Array {
  const rows = new Float32Array(count * 16);
  for (let i = 0; i < count; i++) for (let j = 0; j < 16; j++) rows[i * 16 + j] = Math.floor(j / 4) === i % 4 ? 0.95 : 0.05;
  return rows;
}

describe("trainVae", () => {
  it("raises the test ELBO, keeps the live tensor count constant per epoch, reports every epoch and calls afterEpoch", async () => {
    const images = prototypes(512);
    const test = tf.tidy(() => tf.cast(tf.tensor2d(prototypes(200), [200, 16]).greater(0.5), "float32")) as tf.Tensor2D;
    const { encoder, decoder } = mlpVae({ inputSize: 16, hiddenSizes: [32], latentSize: 2, seed: 3 });
    const before = vaeElbo(encoder, decoder, test, { seed: 1 });
    const seen: number[] = [];
    const { perEpoch, history } = await trainVae({
      encoder, decoder, images, features: 16, epochs: 5, batchSize: 32, learningRate: 0.01, testImages: test, progress: false, seed: 4,
      afterEpoch: (epoch, record) => void seen.push(epoch, record.epoch),
    });
    expect(seen).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
    expect(perEpoch.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(perEpoch[4].testElbo!).toBeGreaterThan(before.elbo + 3);
    expect(perEpoch[4].elbo).toBeGreaterThan(perEpoch[0].elbo);
    perEpoch.forEach((e) => {
      expect(e.elbo).toBeCloseTo(e.reconstruction - e.kl, 4);
      expect(e.loss).toBeCloseTo(-e.elbo, 4);
    });
    expect(new Set(history.epochs.map((e) => e.liveTensors)).size).toBe(1);
    // k samples tighten the bound: above the one-sample ELBO on the same images.
    const iwae = await iwaeLogLikelihood(encoder, decoder, test, { k: 50, seed: 5, progress: false });
    expect(iwae.rows).toBe(200);
    expect(iwae.logLikelihood).toBeGreaterThan(vaeElbo(encoder, decoder, test, { samples: 10, seed: 6 }).elbo);
    await expect(iwaeLogLikelihood(encoder, decoder, test, { k: 0 })).rejects.toThrow(/k must be a whole number ≥ 1/);
    [encoder, decoder, test].forEach((t) => t.dispose());
  });

  it("runs the ablations: with the KL only, q collapses to the prior; with the reconstruction only, the KL grows", async () => {
    const images = prototypes(256);
    const run = async (terms: "kl" | "reconstruction") => {
      const { encoder, decoder } = mlpVae({ inputSize: 16, hiddenSizes: [16], latentSize: 2, seed: 7 });
      const { perEpoch } = await trainVae({ encoder, decoder, images, features: 16, epochs: 4, batchSize: 32, learningRate: 0.01, terms, progress: false });
      encoder.dispose();
      decoder.dispose();
      return perEpoch;
    };
    const klOnly = await run("kl");
    expect(klOnly[3].kl).toBeLessThan(Math.min(0.1, klOnly[0].kl));
    expect(klOnly[3].loss).toBeCloseTo(klOnly[3].kl, 4);
    const reconstructionOnly = await run("reconstruction");
    expect(reconstructionOnly[3].kl).toBeGreaterThan(reconstructionOnly[0].kl);
    expect(reconstructionOnly[3].loss).toBeCloseTo(-reconstructionOnly[3].reconstruction, 4);
  });

  it("trains on a loss given as a function of the two terms exactly as on the same objective given by terms and beta", async () => {
    const images = prototypes(128);
    const run = async (options: { loss?: (r: tf.Tensor1D, k: tf.Tensor1D) => tf.Scalar; beta?: number; terms?: "kl" }) => {
      const { encoder, decoder } = mlpVae({ inputSize: 16, hiddenSizes: [8], latentSize: 2, seed: 11 });
      const { perEpoch } = await trainVae({ encoder, decoder, images, features: 16, epochs: 2, batchSize: 32, learningRate: 0.01, progress: false, seed: 12, ...options });
      encoder.dispose();
      decoder.dispose();
      return perEpoch.map((e) => [e.loss, e.elbo]);
    };
    expect(await run({ loss: (r, k) => vaeLoss(r, k, 3, "both") })).toEqual(await run({ beta: 3 }));
    expect(await run({ loss: (r, k) => vaeLoss(r, k, 1, "kl") })).toEqual(await run({ terms: "kl" }));
  });

  it("trains a Gaussian decoder on continuous rows, without binarizing them", async () => {
    const images = tf.tidy(() => {
      const z = tf.randomNormal([256, 1], 0, 1, "float32", 8);
      return z.matMul(tf.tensor2d([[1, -2, 0.5, 3]])).add(tf.randomNormal([256, 4], 0, 0.1, "float32", 9)).dataSync() as Float32Array;
    });
    const { encoder, decoder } = mlpVae({ inputSize: 4, hiddenSizes: [16], latentSize: 1, likelihood: "gaussian", seed: 10 });
    const { perEpoch } = await trainVae({ encoder, decoder, images, features: 4, likelihood: "gaussian", epochs: 6, batchSize: 32, learningRate: 0.01, progress: false });
    expect(perEpoch[5].elbo).toBeGreaterThan(perEpoch[0].elbo + 1);
    encoder.dispose();
    decoder.dispose();
  });

  it("stops between batches when aborted, and says when the models do not fit the data", async () => {
    const { encoder, decoder } = mlpVae({ inputSize: 16, hiddenSizes: [8], latentSize: 2 });
    const controller = new AbortController();
    let epochs = 0;
    const { history } = await trainVae({
      encoder, decoder, images: prototypes(64), features: 16, epochs: 50, batchSize: 16, progress: false, signal: controller.signal,
      afterEpoch: () => void (++epochs === 2 && controller.abort()),
    });
    expect(history.interrupted).toBe(true);
    expect(history.epochs).toHaveLength(2);
    await expect(trainVae({ encoder, decoder, images: prototypes(64), epochs: 1 })).rejects.toThrow(/the encoder takes 16 inputs but the rows have 784 features/);
    encoder.dispose();
    decoder.dispose();
  });
});

describe("the convolutional VAE", () => {
  it("maps rows of 784 to [μ, log σ²] through 28 → 14 → 7 and back with transposed convolutions, and trains with trainVae", async () => {
    const { encoder, decoder, latentSize } = convVae({ latentSize: 4, filters: [4, 8], seed: 2 });
    expect(latentSize).toBe(4);
    expect(encoder.layers.map((l) => l.outputShape)).toEqual([[null, 28, 28, 1], [null, 14, 14, 4], [null, 7, 7, 8], [null, 392], [null, 8]]);
    expect(decoder.layers.map((l) => l.outputShape)).toEqual([[null, 392], [null, 7, 7, 8], [null, 14, 14, 4], [null, 28, 28, 1], [null, 784]]);
    // 3×3 kernels: (9·1 + 1)·4 + (9·4 + 1)·8 + (392 + 1)·8 and (4 + 1)·392 + (9·8 + 1)·4 + (9·4 + 1)·1.
    expect(countParameters(encoder, decoder)).toBe(40 + 296 + 3144 + 1960 + 292 + 37);
    const images = new Float32Array(64 * 784).map((_, i) => ((i * 7919) % 784) / 784);
    const { perEpoch, history } = await trainVae({ encoder, decoder, images, epochs: 3, batchSize: 16, learningRate: 0.01, progress: false });
    expect(perEpoch[2].elbo).toBeGreaterThan(perEpoch[0].elbo);
    expect(new Set(history.epochs.map((e) => e.liveTensors)).size).toBe(1);
    encoder.dispose();
    decoder.dispose();
  });
});

describe("walking the latent space", () => {
  it("linearInterpolation goes from start to end in equal steps", () => {
    const line = linearInterpolation(tf.tensor1d([0, 2]), tf.tensor1d([4, -2]), 5);
    expect(line.arraySync()).toEqual([[0, 2], [1, 1], [2, 0], [3, -1], [4, -2]]);
    expect(() => linearInterpolation(tf.tensor1d([0]), tf.tensor1d([1, 2]), 3)).toThrow(/same length/);
    expect(() => linearInterpolation(tf.tensor1d([0]), tf.tensor1d([1]), 1)).toThrow(/steps must be a whole number ≥ 2/);
  });

  it("normalQuantileGrid holds the normal quantiles of (i + ½)/steps: the CDF Φ(z) = ½(1 + erf(z/√2)) gives them back", () => {
    const steps = 7;
    const grid = normalQuantileGrid(steps).arraySync();
    expect(grid).toHaveLength(steps * steps);
    const cdf = (z: number) => tf.tidy(() => tf.erf(tf.scalar(z / Math.SQRT2)).dataSync()[0] * 0.5 + 0.5);
    for (let i = 0; i < steps; i++) {
      expect(cdf(grid[i][0])).toBeCloseTo((i + 0.5) / steps, 5); // z₁ grows along the first row
      expect(cdf(grid[i * steps][1])).toBeCloseTo((steps - i - 0.5) / steps, 5); // z₂ falls down the first column
    }
    expect(grid[(steps * steps - 1) / 2]).toEqual([0, 0]);
  });
});

describe("npm run reproduce -- vae", () => {
  it("trains, evaluates and saves weights and result.json that load back (on a few images)", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "course-vae-"));
    const settings = { ...DEFAULT_VAE_SETTINGS, epochs: 1, hiddenSizes: [16], latentSize: 4, k: 3, elboSamples: 2, batchSize: 50 };
    const result = await reproduceVae(settings, directory, { trainLimit: 200, testLimit: 40, progress: false });
    expect(result.command).toBe("npm run reproduce -- vae --epochs 1 --batch-size 50 --latent 4 --hidden 16 --k 3 --elbo-samples 2");
    expect(vaeCommand(DEFAULT_VAE_SETTINGS)).toBe("npm run reproduce -- vae");
    expect(result.complete).toBe(true);
    expect(result.reproduced?.k).toBe(3);
    expect(result.reproduced!.testLogLikelihood!).toBeLessThan(0);
    const saved = JSON.parse(fs.readFileSync(path.join(directory, "result.json"), "utf8"));
    expect(saved.evaluation.testSet).toMatch(/the 40 MNIST test images, each binarized once .* seed 123/);
    expect(saved.perEpoch).toHaveLength(1);
    const decoder = await loadModel(directory, "decoder");
    expect(decoder.outputs[0].shape).toEqual([null, 784]);
    decoder.dispose();
    fs.rmSync(directory, { recursive: true });
  });
});
