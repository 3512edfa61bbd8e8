// The variational autoencoder's objective, term by term (Kingma & Welling 2014; Burda, Grosse & Salakhutdinov 2016):
// log p(x) ≥ E_{z~q(z|x)}[log p(x|z)] − KL(q(z|x) ‖ N(0, I)), with q(z|x) = N(μ(x), diag σ²(x)) given as μ and
// log σ² (unconstrained, so the network may output any real number), and the importance-weighted bound that
// tightens it towards log p(x) as the number of samples k grows. Every quantity is per example: a [n] tensor.
import * as tf from "@tensorflow/tfjs";
import { rng, type Seed } from "../data/random";
import { binaryCrossEntropyFromLogits } from "./losses";

const LOG_2PI = Math.log(2 * Math.PI);

/** A diagonal Gaussian per row: q(z|x) = N(μ, diag exp(logVar)). Both [n, p]. */
export interface DiagGaussian {
  mu: tf.Tensor2D;
  logVar: tf.Tensor2D;
}

/** log p(x|z) per row of x [m, d] given the latent rows z [m, p]: [m]. Usually a decoder and a likelihood. */
export type ConditionalLogLikelihood = (x: tf.Tensor2D, z: tf.Tensor2D) => tf.Tensor1D;

function shape(t: tf.Tensor): string {
  return `[${t.shape.join(", ")}]`;
}

function checkSameShape(fn: string, names: [string, string], a: tf.Tensor, b: tf.Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((size, i) => size !== b.shape[i])) {
    throw new Error(`${fn}: ${names[0]} ${shape(a)} and ${names[1]} ${shape(b)} must have the same shape`);
  }
}

function checkRank2(fn: string, name: string, t: tf.Tensor): void {
  if (t.rank !== 2) throw new Error(`${fn}: ${name} must be a matrix [examples, dimensions], got shape ${shape(t)}`);
}

function checkPosterior(fn: string, posterior: DiagGaussian, rows?: number): void {
  checkRank2(fn, "mu", posterior.mu);
  checkSameShape(fn, ["mu", "logVar"], posterior.mu, posterior.logVar);
  if (rows !== undefined && posterior.mu.shape[0] !== rows) {
    throw new Error(`${fn}: x has ${rows} rows but mu and logVar have ${posterior.mu.shape[0]}; give one posterior per example`);
  }
}

function checkWhole(fn: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${fn}: ${name} must be a whole number ≥ 1, got ${value}`);
}

/** A numeric seed for tf.random* from a seed and a position (step, chunk…): one independent stream per position. */
export function derivedSeed(seed: Seed, ...parts: (string | number)[]): number {
  return Math.floor(rng([seed, ...parts].join(":"))() * 2 ** 31);
}

/** KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²) per row: [n], ≥ 0. */
export function klDiagGaussianToStdNormal(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  checkPosterior("klDiagGaussianToStdNormal", { mu, logVar });
  return tf.tidy(() => mu.square().add(logVar.exp()).sub(1).sub(logVar).sum(1).mul(0.5) as tf.Tensor1D);
}

/**
 * log N(x; μ, diag σ²) = −(d/2) log 2π − ½ Σ_j log σ_j² − ½ Σ_j (x_j − μ_j)²/σ_j² per row: [n].
 * Also the density log q(z|x) of a sample z. logVar may be [n, d], [1, d] or [d] (one variance per
 * dimension, shared by the rows), or a number (one variance for everything).
 */
export function gaussianLogLikelihood(x: tf.Tensor2D, mu: tf.Tensor2D, logVar: tf.Tensor | number): tf.Tensor1D {
  const fn = "gaussianLogLikelihood";
  checkRank2(fn, "x", x);
  checkSameShape(fn, ["x", "mu"], x, mu);
  if (typeof logVar !== "number") {
    const [n, d] = x.shape;
    const s = logVar.shape;
    const ok = (s.length === 2 && (s[0] === n || s[0] === 1) && s[1] === d) || (s.length === 1 && s[0] === d) || s.length === 0;
    if (!ok) throw new Error(`${fn}: logVar ${shape(logVar)} must be [${n}, ${d}], [1, ${d}], [${d}] or a scalar to match x ${shape(x)}`);
  }
  return tf.tidy(() => {
    const lv = typeof logVar === "number" ? tf.scalar(logVar) : logVar;
    const logVarPerRow = tf.broadcastTo(lv, x.shape).sum(1);
    const mahalanobis = tf.squaredDifference(x, mu).mul(lv.neg().exp()).sum(1);
    return logVarPerRow.add(mahalanobis).add(x.shape[1] * LOG_2PI).mul(-0.5) as tf.Tensor1D;
  });
}

/** log N(z; 0, I) = −(p/2) log 2π − ½ Σ_j z_j² per row: [n]. The prior's density. */
export function logStdNormal(z: tf.Tensor2D): tf.Tensor1D {
  checkRank2("logStdNormal", "z", z);
  return tf.tidy(() => z.square().sum(1).add(z.shape[1] * LOG_2PI).mul(-0.5) as tf.Tensor1D);
}

/**
 * log p(x|z) of a multivariate Bernoulli with p = σ(logits): Σ_j [x_j log p_j + (1 − x_j) log(1 − p_j)] per row.
 * It is minus the binary cross-entropy, so it reuses that stable-from-logits form.
 */
export function bernoulliLogLikelihood(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  checkRank2("bernoulliLogLikelihood", "x", x);
  checkSameShape("bernoulliLogLikelihood", ["x", "logits"], x, logits);
  return tf.tidy(() => binaryCrossEntropyFromLogits(x, logits).neg() as tf.Tensor1D);
}

/** z = μ + σ ⊙ ε with σ = exp(½ log σ²): a sample of N(μ, diag σ²) that gradients flow through to μ and log σ². */
export function reparameterize<T extends tf.Tensor>(mu: T, logVar: T, eps: T): T {
  checkSameShape("reparameterize", ["mu", "logVar"], mu, logVar);
  checkSameShape("reparameterize", ["mu", "eps"], mu, eps);
  return tf.tidy(() => mu.add(logVar.mul(0.5).exp().mul(eps))) as T;
}

/**
 * log q(z|x) at z = μ + σ ⊙ ε, from ε: log N(ε; 0, I) − ½ Σ_j log σ_j². The same as gaussianLogLikelihood(z, μ, log σ²)
 * without forming (z − μ)/σ, which loses precision in float32 when σ is much smaller than μ.
 */
function logPosteriorOfNoise(eps: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return logStdNormal(eps).sub(logVar.sum(1).mul(0.5)) as tf.Tensor1D;
}

/** Which terms the training objective keeps: the ablations of the notebook. */
export type ElboTerms = "both" | "reconstruction" | "kl";

export interface ElboOptions {
  /** L, the Monte Carlo samples z^(l) per example for the reconstruction term (default 1). */
  samples?: number;
  /** β-VAE: the weight of the KL term in `objective` (default 1, the ELBO itself). */
  beta?: number;
  /** What `objective` keeps: reconstruction − β·KL ("both", default), the reconstruction only, or −β·KL only. */
  terms?: ElboTerms;
  /** The KL in closed form (default) or estimated from the same samples as log q(z|x) − log p(z). */
  kl?: "closed-form" | "monte-carlo";
  /** The noise ε, [L, n, p]; drawn from N(0, I) when absent (seeded by `seed`). */
  eps?: tf.Tensor3D;
  seed?: number;
}

export interface ElboValue {
  /** reconstruction − KL: the evidence lower bound, whatever the options. [n] */
  elbo: tf.Tensor1D;
  /** (1/L) Σ_l log p(x | z^(l)), z^(l) = μ + σ ⊙ ε^(l). [n] */
  reconstruction: tf.Tensor1D;
  /** KL(q(z|x) ‖ N(0, I)). [n] */
  kl: tf.Tensor1D;
  /** What training maximises under `terms` and `beta`. [n] */
  objective: tf.Tensor1D;
}

/**
 * The ELBO of each row of x [n, d] with its posterior q(z|x) and its terms: reconstruction
 * E_q[log p(x|z)] by Monte Carlo over L reparameterized samples, and the KL to the prior N(0, I).
 * Differentiable in μ, log σ² and whatever `logLikelihood` depends on.
 */
export function elbo(x: tf.Tensor2D, posterior: DiagGaussian, logLikelihood: ConditionalLogLikelihood, options: ElboOptions = {}): ElboValue {
  const fn = "elbo";
  checkRank2(fn, "x", x);
  checkPosterior(fn, posterior, x.shape[0]);
  const samples = options.samples ?? options.eps?.shape[0] ?? 1;
  checkWhole(fn, "samples (L)", samples);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new Error(`${fn}: beta must be ≥ 0, got ${beta}`);
  const terms = options.terms ?? "both";
  if (!["both", "reconstruction", "kl"].includes(terms)) throw new Error(`${fn}: terms must be "both", "reconstruction" or "kl", got ${terms}`);
  const [n, p] = posterior.mu.shape;
  if (options.eps) {
    const e = options.eps.shape;
    if (e.length !== 3 || e[0] !== samples || e[1] !== n || e[2] !== p) throw new Error(`${fn}: eps ${shape(options.eps)} must be [L, n, p] = [${samples}, ${n}, ${p}]`);
  }
  return tf.tidy(() => {
    // The L samples of all rows stacked as L·n rows (sample-major) so that the decoder runs once.
    const tile = (t: tf.Tensor2D) => (samples === 1 ? t : tf.tile(t, [samples, 1]));
    const mu = tile(posterior.mu);
    const logVar = tile(posterior.logVar);
    const eps = options.eps ? options.eps.reshape([samples * n, p]) : tf.randomNormal([samples * n, p], 0, 1, "float32", options.seed);
    const z = reparameterize(mu, logVar, eps as tf.Tensor2D);
    const perSample = (t: tf.Tensor1D) => t.reshape([samples, n]).mean(0) as tf.Tensor1D;
    const logPxz = logLikelihood(tile(x), z);
    if (logPxz.rank !== 1 || logPxz.shape[0] !== samples * n) throw new Error(`${fn}: logLikelihood must return one value per row ([${samples * n}]), got ${shape(logPxz)}`);
    const reconstruction = perSample(logPxz);
    const kl = options.kl === "monte-carlo"
      ? perSample(logPosteriorOfNoise(eps as tf.Tensor2D, logVar).sub(logStdNormal(z)) as tf.Tensor1D)
      : klDiagGaussianToStdNormal(posterior.mu, posterior.logVar);
    return { elbo: reconstruction.sub(kl) as tf.Tensor1D, reconstruction, kl, objective: objectivePerExample(reconstruction, kl, beta, terms) };
  });
}

/** What training maximises per example: reconstruction − β·KL, the reconstruction alone, or −β·KL alone. [n] */
function objectivePerExample(reconstruction: tf.Tensor1D, kl: tf.Tensor1D, beta: number, terms: ElboTerms): tf.Tensor1D {
  return tf.tidy(() => {
    const weightedKl = beta === 1 ? kl : kl.mul(beta);
    return (terms === "both" ? reconstruction.sub(weightedKl) : terms === "reconstruction" ? reconstruction.clone() : weightedKl.neg()) as tf.Tensor1D;
  });
}

/**
 * The loss a VAE minimises, from the ELBO's terms per example: the mean of −(reconstruction − β·KL) ("both"; β = 1 is
 * minus the ELBO, β > 1 a β-VAE), of −reconstruction, or of β·KL (the lecture's ablations).
 */
export function vaeLoss(reconstruction: tf.Tensor1D, kl: tf.Tensor1D, beta = 1, terms: ElboTerms = "both"): tf.Scalar {
  checkSameShape("vaeLoss", ["reconstruction", "kl"], reconstruction, kl);
  if (!(beta >= 0)) throw new Error(`vaeLoss: beta must be ≥ 0, got ${beta}`);
  return tf.tidy(() => objectivePerExample(reconstruction, kl, beta, terms).mean().neg() as tf.Scalar);
}

export interface ImportanceWeightedOptions {
  /** Samples per example (≥ 1). k = 1 gives a one-sample ELBO estimate; the bound rises to log p(x) as k grows. */
  k: number;
  /** Samples drawn at once; memory grows with chunk × n rows through the decoder (default: about 10,000 rows). */
  chunk?: number;
  seed?: Seed;
}

/**
 * The importance-weighted bound of Burda et al., log (1/k) Σ_i p(x, z_i)/q(z_i|x) with z_i ~ q(z|x), per row
 * of x: [n]. log w_i = log p(x|z_i) + log N(z_i; 0, I) − log q(z_i|x); the mean of the w_i is taken in log
 * space (logSumExp − log k), chunk by chunk so that k = 5000 needs no more memory than one chunk.
 */
export function importanceWeightedLogLikelihood(x: tf.Tensor2D, posterior: DiagGaussian, logLikelihood: ConditionalLogLikelihood, options: ImportanceWeightedOptions): tf.Tensor1D {
  const fn = "importanceWeightedLogLikelihood";
  checkRank2(fn, "x", x);
  checkPosterior(fn, posterior, x.shape[0]);
  checkWhole(fn, "k", options.k);
  const [n, p] = posterior.mu.shape;
  const chunk = Math.min(options.k, options.chunk ?? Math.max(1, Math.floor(10_000 / Math.max(1, n))));
  checkWhole(fn, "chunk", chunk);
  const partial: tf.Tensor1D[] = [];
  try {
    for (let start = 0, index = 0; start < options.k; start += chunk, index++) {
      const c = Math.min(chunk, options.k - start);
      partial.push(
        tf.tidy(() => {
          const tile = (t: tf.Tensor2D) => (c === 1 ? t : tf.tile(t, [c, 1]));
          const mu = tile(posterior.mu);
          const logVar = tile(posterior.logVar);
          const seed = options.seed === undefined ? undefined : derivedSeed(options.seed, "iwae", index);
          const eps = tf.randomNormal([c * n, p], 0, 1, "float32", seed) as tf.Tensor2D;
          const z = reparameterize(mu, logVar, eps);
          const logPxz = logLikelihood(tile(x), z);
          if (logPxz.rank !== 1 || logPxz.shape[0] !== c * n) throw new Error(`${fn}: logLikelihood must return one value per row ([${c * n}]), got ${shape(logPxz)}`);
          const logW = logPxz.add(logStdNormal(z)).sub(logPosteriorOfNoise(eps, logVar));
          return tf.logSumExp(logW.reshape([c, n]), 0) as tf.Tensor1D;
        }),
      );
    }
    return tf.tidy(() => tf.logSumExp(tf.stack(partial), 0).sub(Math.log(options.k)) as tf.Tensor1D);
  } finally {
    tf.dispose(partial);
  }
}
