// Visible checks of notebook 04 (variational autoencoders). Hidden cases live in tests/hidden/vae.ts.
// Expected values come from closed forms (hand-worked KLs, densities and losses), brute-force loops in
// plain JS (float64), a second method (the general KL between two Gaussians with matrices; log p(x) by
// numerical integration over a 1-D latent or from the marginal of a linear-Gaussian model), and Monte
// Carlo estimates on seeded noise with a tolerance of several standard errors computed from the samples.
// When a result matches a common mistake (a missing ½, σ for σ², a sum for a mean, a flipped sign), the
// failure says so.
import * as tf from "@tensorflow/tfjs";
import { CheckFailure, expectClose, expectShape, expectTensor, fail, NotImplementedError } from "./assert";
import { defineExercise } from "./runner";
import { groupDigits, meanAndStd, seededNormal, seededUniform } from "./autoencoders";

/** q(z|x) = N(μ, diag exp(logVar)), one row per example (the same shape as the library's DiagGaussian). */
export interface Posterior {
  mu: tf.Tensor2D;
  logVar: tf.Tensor2D;
}
/** log p(x|z) per row of x [m, d] and z [m, p]: [m]. */
export type LogLikelihoodOfZ = (x: tf.Tensor2D, z: tf.Tensor2D) => tf.Tensor1D;
export type LossTerms = "both" | "reconstruction" | "kl";

export type KlToStdNormal = (mu: tf.Tensor2D, logVar: tf.Tensor2D) => tf.Tensor1D;
export type GaussianLogLikelihood = (x: tf.Tensor2D, mu: tf.Tensor2D, logVar: tf.Tensor2D) => tf.Tensor1D;
export type BernoulliLogLikelihood = (x: tf.Tensor2D, logits: tf.Tensor2D) => tf.Tensor1D;
export type Reparameterize = (mu: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D) => tf.Tensor2D;
export type Elbo = (x: tf.Tensor2D, posterior: Posterior, logLikelihood: LogLikelihoodOfZ, eps: tf.Tensor3D) => { elbo: tf.Tensor1D; reconstruction: tf.Tensor1D; kl: tf.Tensor1D };
export type VaeLoss = (reconstruction: tf.Tensor1D, kl: tf.Tensor1D, beta: number, terms: LossTerms) => tf.Scalar;

export const LOG_2PI = Math.log(2 * Math.PI);

/** Plain values as the checks make them: seeded Float32Arrays or literal arrays. */
export type Values = Float32Array | number[];
/** The inputs of an ELBO case, flat and row-major: x [n, d], μ and logVar [n, p], eps [L, n, p]. */
export interface ElboInputs {
  x: Values;
  mu: Values;
  logVar: Values;
  eps: Values;
}
export interface ElboShape {
  n: number;
  d: number;
  p: number;
  samples: number;
}

// ---------------------------------------------------------------- assertions with hints

const short = (value: number): string => String(Number(value.toPrecision(6)));

function describeValue(value: unknown): string {
  if (value === undefined) return "undefined (did the function forget to return?)";
  if (value === null) return "null";
  if (value instanceof tf.Tensor) return `a tf.Tensor of shape [${value.shape.join(", ")}]`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return `an object with keys ${Object.keys(value as object).join(", ") || "(none)"}`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

/** The criterion of expectClose: |got − want| ≤ tolerance · max(1, |want|) everywhere. */
function withinTolerance(got: ArrayLike<number>, want: ArrayLike<number>, tolerance: number): boolean {
  if (got.length !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tolerance * Math.max(1, Math.abs(want[i])))) return false;
  return true;
}

/** A wrong result a student may give, and what to tell them when theirs is that one. */
export interface Mistake {
  values: ArrayLike<number>;
  hint: string;
}

/** The mistake the values match, if any. */
export function matchingMistake(got: ArrayLike<number>, mistakes: readonly Mistake[], tolerance = 1e-4): Mistake | undefined {
  return mistakes.find((m) => withinTolerance(got, m.values, Math.max(tolerance, 1e-4)));
}

/** expectClose, with the hint of a known mistake when the values match it. */
export function expectCloseWithHints(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tolerance: number, mistakes: readonly Mistake[] = [], shape?: readonly number[]): void {
  if (withinTolerance(got, want, tolerance)) return;
  const mistake = matchingMistake(got, mistakes, tolerance);
  try {
    expectClose(got, want, what, tolerance, shape);
  } catch (error) {
    if (mistake && error instanceof CheckFailure) fail(`${error.message}\n  ${mistake.hint}`);
    throw error;
  }
}

/** A [n] tensor, one value per example; a scalar or an unsummed [n, d] get their own message. */
export function expectPerExample(value: unknown, n: number, what: string): Float32Array {
  const tensor = expectTensor(value, what);
  if (tensor.rank === 0) fail(`${what}: got a single number (a scalar), expected one value per example, shape [${n}]: sum over the columns only (.sum(1)), not over the examples too`);
  if (tensor.rank === 2 && tensor.shape[0] === n) {
    fail(`${what}: got shape [${tensor.shape.join(", ")}], expected [${n}], one value per example: sum over the columns (axis 1, .sum(1))`);
  }
  return expectShape(tensor, [n], `${what} (one value per example, i.e. per row)`).dataSync() as Float32Array;
}

/** The value of a loss that must be a tf.Scalar. */
export function expectLoss(value: unknown, n: number, what: string): number {
  const tensor = expectTensor(value, what);
  if (tensor.rank === 1 && tensor.shape[0] === n) fail(`${what}: got shape [${n}], one value per example; expected a tf.Scalar (shape []): the mean over the ${n} examples (.mean())`);
  return expectShape(tensor, [], `${what} (a tf.Scalar: the mean over the examples)`).dataSync()[0];
}

/**
 * tf.grad of a function of one tensor at `at` (a sum of the outputs if they are not a scalar), with
 * student-facing failures when no gradient can flow back to `input`.
 */
export function gradientWrt(f: (v: tf.Tensor) => unknown, at: tf.Tensor, what: string, input: string): tf.Tensor {
  try {
    return tf.grad((v: tf.Tensor) => expectTensor(f(v), what).sum())(at);
  } catch (error) {
    if (error instanceof NotImplementedError || error instanceof CheckFailure) throw error;
    const message = (error as Error).message.split("\n")[0];
    if (/Cannot compute gradient/.test(message)) {
      fail(`tf.grad finds no path from ${input} to ${what}: compute it with tensor operations on ${input} (no dataSync, arraySync or tf.tensor of its values), so that training can differentiate it`);
    }
    return fail(`tf.grad could not differentiate ${what} with respect to ${input} (${message}): compute it with tensor operations only, no dataSync/arraySync/tf.scalar(number)`);
  }
}

/** Row sums of term(k) over the d columns of a row-major n×d array, float64. */
export function rowSums(n: number, d: number, term: (k: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += term(i * d + j);
    return sum;
  });
}

/** Mean and standard error of the mean, float64: the sample standard deviation over √n, i.e. the 1/n one over √(n − 1). */
export function meanAndStandardError(values: ArrayLike<number>): { mean: number; standardError: number } {
  const { mean, std } = meanAndStd(values);
  return { mean, standardError: std / Math.sqrt(values.length - 1) };
}

// ---------------------------------------------------------------- KL to the standard normal

/** ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²) per row, float64. */
export function bruteKl(mu: ArrayLike<number>, logVar: ArrayLike<number>, n: number, p: number): number[] {
  return rowSums(n, p, (k) => 0.5 * (mu[k] ** 2 + Math.exp(logVar[k]) - 1 - logVar[k]));
}

const SIGMA_FOR_VARIANCE = "This uses σ = exp(½ logVar) where the formula has σ²: logVar holds log σ², so σ² = exp(logVar) and log σ² is logVar itself.";

/** Results of common mistakes in the KL, with what to tell the student. */
export function klMistakes(mu: ArrayLike<number>, logVar: ArrayLike<number>, n: number, p: number): Mistake[] {
  const kl = bruteKl(mu, logVar, n, p);
  const half = (term: (m: number, l: number) => number) => rowSums(n, p, (k) => 0.5 * term(mu[k], logVar[k]));
  return [
    { values: kl.map((v) => 2 * v), hint: "This is twice the KL: the sum is multiplied by ½." },
    { values: half((m, l) => m * m + Math.exp(l / 2) - 1 - l / 2), hint: SIGMA_FOR_VARIANCE },
    { values: half((m, l) => m * m + Math.exp(l / 2) - 1 - l), hint: SIGMA_FOR_VARIANCE },
    { values: half((m, l) => m * m + Math.exp(l) - l), hint: "The −1 per dimension is missing: the KL must be 0 for μ = 0 and σ = 1 (logVar = 0)." },
    { values: half((m, l) => m * m + Math.exp(l) - 1 + l), hint: "log σ² (that is, logVar) enters with a minus sign: ½ Σ (μ² + σ² − 1 − logVar)." },
    { values: half((m, l) => m + Math.exp(l) - 1 - l), hint: "μ enters squared: μ², not μ." },
    { values: kl.map((v) => v / p), hint: "This is the mean over the latent dimensions: sum them (.sum(1))." },
    { values: kl.map((v) => -v), hint: "The sign is flipped: the KL is ½ Σ (μ² + σ² − 1 − log σ²) ≥ 0." },
  ];
}

/** Gauss–Jordan elimination with partial pivoting: A⁻¹ and log |det A|, float64. */
export function inverseAndLogDet(matrix: readonly number[][]): { inverse: number[][]; logDet: number } {
  const size = matrix.length;
  const a = matrix.map((row) => [...row]);
  const inverse = matrix.map((_, i) => Array.from({ length: size }, (_, j) => (i === j ? 1 : 0)));
  let logDet = 0;
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    [inverse[col], inverse[pivot]] = [inverse[pivot], inverse[col]];
    const scale = a[col][col];
    logDet += Math.log(Math.abs(scale));
    for (let j = 0; j < size; j++) {
      a[col][j] /= scale;
      inverse[col][j] /= scale;
    }
    for (let r = 0; r < size; r++) {
      if (r === col || a[r][col] === 0) continue;
      const factor = a[r][col];
      for (let j = 0; j < size; j++) {
        a[r][j] -= factor * a[col][j];
        inverse[r][j] -= factor * inverse[col][j];
      }
    }
  }
  return { inverse, logDet };
}

/** KL(N(μ₁, Σ₁) ‖ N(μ₂, Σ₂)) = ½[log(det Σ₂/det Σ₁) − p + tr(Σ₂⁻¹Σ₁) + (μ₂−μ₁)ᵀΣ₂⁻¹(μ₂−μ₁)], full matrices, float64. */
export function klGaussians(mu1: readonly number[], sigma1: readonly number[][], mu2: readonly number[], sigma2: readonly number[][]): number {
  const p = mu1.length;
  const { inverse, logDet: logDet2 } = inverseAndLogDet(sigma2);
  const { logDet: logDet1 } = inverseAndLogDet(sigma1);
  let trace = 0;
  let quadratic = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      trace += inverse[i][j] * sigma1[j][i];
      quadratic += (mu2[i] - mu1[i]) * inverse[i][j] * (mu2[j] - mu1[j]);
    }
  }
  return 0.5 * (logDet2 - logDet1 - p + trace + quadratic);
}

/** log N(x; μ, Σ) for a full covariance matrix, float64. */
export function logNormalDensity(x: readonly number[], mean: readonly number[], covariance: readonly number[][]): number {
  const { inverse, logDet } = inverseAndLogDet(covariance);
  let quadratic = 0;
  for (let i = 0; i < x.length; i++) for (let j = 0; j < x.length; j++) quadratic += (x[i] - mean[i]) * inverse[i][j] * (x[j] - mean[j]);
  return -0.5 * (x.length * LOG_2PI + logDet + quadratic);
}

const diagonal = (values: readonly number[]): number[][] => values.map((v, i) => values.map((_, j) => (i === j ? v : 0)));
const identity = (p: number): number[][] => diagonal(Array.from({ length: p }, () => 1));

export const klExercise = defineExercise<KlToStdNormal>({
  id: "vae.kl",
  functionName: "klDiagGaussianToStdNormal",
  title: "KL to the standard normal",
  cases: [
    {
      name: "values worked by hand: 0 for μ = 0, σ = 1; 1-D rows 0.5, (e − 2)/2 and (4 + e⁻¹)/2; their sum for a 3-D row",
      kind: "closed form",
      points: 1,
      run(klDiagGaussianToStdNormal) {
        // KL = ½ (μ² + σ² − 1 − log σ²) per dimension, σ² = exp(logVar):
        //   μ = 0, logVar = 0:  ½ (0 + 1 − 1 − 0)        = 0
        //   μ = 1, logVar = 0:  ½ (1 + 1 − 1 − 0)        = 0.5
        //   μ = 0, logVar = 1:  ½ (0 + e − 1 − 1)        = (e − 2)/2   ≈ 0.359141
        //   μ = 2, logVar = −1: ½ (4 + e⁻¹ − 1 + 1)      = (4 + e⁻¹)/2 ≈ 2.183940
        // and a 3-D row with the last three dimensions sums them: 0.5 + 0.359141 + 2.183940 = 3.043081.
        const mu1 = [0, 1, 0, 2];
        const logVar1 = [0, 0, 1, -1];
        const got1 = expectPerExample(klDiagGaussianToStdNormal(tf.tensor2d(mu1, [4, 1]), tf.tensor2d(logVar1, [4, 1])), 4, "KL of four 1-D rows");
        expectCloseWithHints(got1, [0, 0.5, 0.359141, 2.18394], "KL of four 1-D rows (μ, logVar) = (0, 0), (1, 0), (0, 1), (2, −1)", 1e-5, klMistakes(mu1, logVar1, 4, 1));
        const mu3 = [0, 0, 0, 1, 0, 2];
        const logVar3 = [0, 0, 0, 0, 1, -1];
        const got3 = expectPerExample(klDiagGaussianToStdNormal(tf.tensor2d(mu3, [2, 3]), tf.tensor2d(logVar3, [2, 3])), 2, "KL of two 3-D rows");
        expectCloseWithHints(got3, [0, 3.043081], "KL of the 3-D rows μ = (0, 0, 0), logVar = (0, 0, 0) and μ = (1, 0, 2), logVar = (0, 1, −1)", 1e-5, klMistakes(mu3, logVar3, 2, 3));
      },
    },
    {
      name: "24 random rows of 12 dimensions against the general formula ½[log(det Σ₂/det Σ₁) − p + tr(Σ₂⁻¹Σ₁) + (μ₂−μ₁)ᵀΣ₂⁻¹(μ₂−μ₁)] with Σ₂ = I, μ₂ = 0",
      kind: "second method",
      points: 1,
      run(klDiagGaussianToStdNormal) {
        const [n, p] = [24, 12];
        const mu = seededNormal(n, p, 401, 0, 1.5);
        const logVar = seededUniform(n, p, 402, -3, 2);
        const want = Array.from({ length: n }, (_, i) => {
          const row = (values: Float32Array) => Array.from(values.subarray(i * p, (i + 1) * p));
          return klGaussians(row(mu), diagonal(row(logVar).map(Math.exp)), new Array(p).fill(0), identity(p));
        });
        const got = expectPerExample(klDiagGaussianToStdNormal(tf.tensor2d(mu, [n, p]), tf.tensor2d(logVar, [n, p])), n, "KL");
        expectCloseWithHints(got, want, "KL(N(μ, diag σ²) ‖ N(0, I)) against the general formula", 1e-4, klMistakes(mu, logVar, n, p), [n]);
      },
    },
    {
      name: "three 2-D rows against a Monte Carlo estimate of E_q[log q(z) − log N(z; 0, I)] over 20,000 seeded samples (± 5 standard errors)",
      kind: "Monte Carlo",
      points: 1,
      run(klDiagGaussianToStdNormal) {
        const [n, p, samples] = [3, 2, 20_000];
        const mu = [0.8, -0.5, 0, 1.5, -1, 0.3];
        const logVar = [0.5, -1, 1.2, 0, -0.7, 0.4];
        const got = expectPerExample(klDiagGaussianToStdNormal(tf.tensor2d(mu, [n, p]), tf.tensor2d(logVar, [n, p])), n, "KL");
        // z = μ + σ ε: log q(z) − log N(z; 0, I) = Σ_j [−½ logVar_j − ½ ε_j² + ½ z_j²] (the log 2π terms cancel).
        const eps = seededNormal(samples, n * p, 403);
        const mistake = matchingMistake(got, klMistakes(mu, logVar, n, p));
        for (let i = 0; i < n; i++) {
          const terms = new Float64Array(samples);
          for (let s = 0; s < samples; s++) {
            for (let j = 0; j < p; j++) {
              const k = i * p + j;
              const e = eps[s * n * p + k];
              const z = mu[k] + Math.exp(0.5 * logVar[k]) * e;
              terms[s] += -0.5 * logVar[k] - 0.5 * e * e + 0.5 * z * z;
            }
          }
          const { mean, standardError } = meanAndStandardError(terms);
          if (!(Math.abs(got[i] - mean) <= 5 * standardError + 1e-4)) {
            fail(
              `KL of row ${i} (μ = (${mu.slice(i * p, i * p + p).join(", ")}), logVar = (${logVar.slice(i * p, i * p + p).join(", ")})) is ${short(got[i])}, but the average of ` +
                `log q(z) − log N(z; 0, I) over ${groupDigits(samples)} samples z ~ q is ${short(mean)} ± ${short(standardError)} (one standard error): ` +
                `${short(Math.abs(got[i] - mean) / standardError)} standard errors away, more than 5.` + (mistake ? `\n  ${mistake.hint}` : ""),
            );
          }
        }
      },
    },
    {
      name: "one value per example: shape [n] for inputs [1, 1], [5, 7] and [64, 2]; every value ≥ 0 (logVar from −8 to 8)",
      kind: "shape",
      points: 1,
      run(klDiagGaussianToStdNormal) {
        for (const [n, p, seed] of [[1, 1, 404], [5, 7, 405], [64, 2, 406]]) {
          const mu = seededNormal(n, p, seed, 0, 2);
          const logVar = seededUniform(n, p, seed + 100, -8, 8);
          const got = expectPerExample(klDiagGaussianToStdNormal(tf.tensor2d(mu, [n, p]), tf.tensor2d(logVar, [n, p])), n, `KL for inputs [${n}, ${p}]`);
          const negative = got.findIndex((v) => !(v >= -1e-5));
          if (negative >= 0) {
            const mistake = matchingMistake(got, klMistakes(mu, logVar, n, p));
            fail(`KL for inputs [${n}, ${p}]: row ${negative} is ${short(got[negative])}, but a KL divergence is never negative.` + (mistake ? `\n  ${mistake.hint}` : ""));
          }
          expectCloseWithHints(got, bruteKl(mu, logVar, n, p), `KL for inputs [${n}, ${p}]`, 1e-4, klMistakes(mu, logVar, n, p), [n]);
        }
      },
    },
  ],
});

// ---------------------------------------------------------------- Gaussian log-likelihood

/** −(d/2) log 2π − ½ Σ_j log σ_j² − ½ Σ_j (x_j − μ_j)²/σ_j² per row, float64. */
export function bruteGaussianLogLikelihood(x: ArrayLike<number>, mu: ArrayLike<number>, logVar: ArrayLike<number>, n: number, d: number): number[] {
  return rowSums(n, d, (k) => -0.5 * LOG_2PI - 0.5 * logVar[k] - 0.5 * (x[k] - mu[k]) ** 2 * Math.exp(-logVar[k]));
}

/** Results of common mistakes in the Gaussian log-likelihood, with what to tell the student. */
export function gaussianMistakes(x: ArrayLike<number>, mu: ArrayLike<number>, logVar: ArrayLike<number>, n: number, d: number): Mistake[] {
  const want = bruteGaussianLogLikelihood(x, mu, logVar, n, d);
  const variant = (term: (x: number, m: number, l: number) => number) => rowSums(n, d, (k) => term(x[k], mu[k], logVar[k]));
  return [
    { values: want.map((v) => v + 0.5 * d * LOG_2PI), hint: `The constant −(d/2) log 2π is missing (d = ${d}, the number of columns): it makes the density integrate to 1.` },
    { values: variant((a, m, l) => -0.5 * LOG_2PI - 0.25 * l - 0.5 * (a - m) ** 2 * Math.exp(-l)), hint: "This uses log σ = ½ logVar where the formula has log σ², which is logVar itself: −½ Σ logVar." },
    { values: variant((a, m, l) => -0.5 * LOG_2PI - 0.5 * l - 0.5 * (a - m) ** 2 * Math.exp(-0.5 * l)), hint: "This divides (x − μ)² by σ = exp(½ logVar) instead of σ² = exp(logVar): multiply by exp(−logVar)." },
    { values: variant((a, m, l) => -0.5 * LOG_2PI - 0.5 * l - 0.5 * (a - m) ** 2 * Math.exp(l)), hint: "This multiplies (x − μ)² by σ² = exp(logVar): divide by it, i.e. multiply by exp(−logVar)." },
    { values: variant((a, m, l) => -0.5 * LOG_2PI - 0.5 * l - (a - m) ** 2 * Math.exp(-l)), hint: "The ½ in front of Σ (x − μ)²/σ² is missing." },
    { values: want.map((v) => -v), hint: "This is the negative log-likelihood (a loss); return log N(x; μ, σ²) itself." },
    { values: want.map((v) => v + 0.5 * (d - 1) * LOG_2PI), hint: `The constant is counted once: it is −½ log 2π for each of the d = ${d} columns, −(d/2) log 2π in all.` },
    { values: want.map((v) => v / d), hint: "This is the mean over the columns: sum them (.sum(1))." },
  ];
}

export const gaussianLogLikelihoodExercise = defineExercise<GaussianLogLikelihood>({
  id: "vae.gaussianLogLikelihood",
  functionName: "gaussianLogLikelihood",
  title: "Gaussian log-likelihood",
  cases: [
    {
      name: "two rows of 2 values worked by hand: −log 2π − 2 ≈ −3.837877 and −log 2π − ½(¼e⁻¹ + e) ≈ −3.243003",
      kind: "closed form",
      points: 1,
      run(gaussianLogLikelihood) {
        // Row 1: x = (1, 2), μ = (1, 0), logVar = (0, 0): −(2/2) log 2π − ½(0 + 0) − ½(0² + 2²) = −1.837877 − 2 = −3.837877.
        // Row 2: x = (0, 0), μ = (0.5, −1), logVar = (1, −1): −log 2π − ½(1 − 1) − ½(0.25·e⁻¹ + 1·e¹)
        //        = −1.837877 − ½(0.091970 + 2.718282) = −1.837877 − 1.405126 = −3.243003.
        const x = [1, 2, 0, 0];
        const mu = [1, 0, 0.5, -1];
        const logVar = [0, 0, 1, -1];
        const got = expectPerExample(gaussianLogLikelihood(tf.tensor2d(x, [2, 2]), tf.tensor2d(mu, [2, 2]), tf.tensor2d(logVar, [2, 2])), 2, "log N(x; μ, σ²)");
        expectCloseWithHints(got, [-3.837877, -3.243003], "log N(x; μ, diag σ²) of two rows worked by hand", 1e-5, gaussianMistakes(x, mu, logVar, 2, 2));
      },
    },
    {
      name: "20 random rows of 784 values against a brute-force loop",
      kind: "brute force",
      points: 1,
      run(gaussianLogLikelihood) {
        const [n, d] = [20, 784];
        const x = seededUniform(n, d, 411);
        const mu = seededUniform(n, d, 412);
        const logVar = seededUniform(n, d, 413, -3, 1);
        const got = expectPerExample(gaussianLogLikelihood(tf.tensor2d(x, [n, d]), tf.tensor2d(mu, [n, d]), tf.tensor2d(logVar, [n, d])), n, "log N(x; μ, σ²)");
        expectCloseWithHints(got, bruteGaussianLogLikelihood(x, mu, logVar, n, d), "log N(x; μ, diag σ²)", 1e-4, gaussianMistakes(x, mu, logVar, n, d), [n]);
      },
    },
    {
      name: "very small and very large variances (logVar = −20 and 20, x within 2⁻¹⁶ of μ): finite and exact",
      kind: "numerical stability",
      points: 1,
      run(gaussianLogLikelihood) {
        // σ² = e⁻²⁰ ≈ 2.1·10⁻⁹: a difference of 2⁻¹⁶ gives (x − μ)²/σ² = 2⁻³² e²⁰ ≈ 0.113; σ² = e²⁰ makes the square term ≈ 0.
        const delta = 2 ** -16;
        const mu = [0.5, 0.5, -0.25, 3, 0.5, -2];
        const x = [0.5 + delta, 0.5, -0.25 - delta, 3 + 10, 0.5 - delta, -2];
        const logVar = [-20, -20, -20, 20, 20, 0];
        const got = expectPerExample(gaussianLogLikelihood(tf.tensor2d(x, [2, 3]), tf.tensor2d(mu, [2, 3]), tf.tensor2d(logVar, [2, 3])), 2, "log N(x; μ, σ²)");
        got.forEach((value, i) => {
          if (!Number.isFinite(value)) {
            fail(`log N(x; μ, σ²) of row ${i} (logVar = ${logVar.slice(3 * i, 3 * i + 3).join(", ")}) is ${value}: compute log σ² as logVar itself and divide by σ² as a multiplication by exp(−logVar), with no log of exp(logVar) and no division`);
          }
        });
        expectCloseWithHints(got, bruteGaussianLogLikelihood(x, mu, logVar, 2, 3), "log N(x; μ, diag σ²) with logVar = ±20", 1e-5, gaussianMistakes(x, mu, logVar, 2, 3));
      },
    },
    {
      name: "x = μ and logVar = 0 give −(d/2) log 2π (−720.4478 for d = 784) for every row",
      kind: "edge case",
      points: 1,
      run(gaussianLogLikelihood) {
        for (const [n, d] of [[3, 784], [1, 1]]) {
          const mu = seededNormal(n, d, 414);
          const zeros = new Float32Array(n * d);
          const got = expectPerExample(gaussianLogLikelihood(tf.tensor2d(mu, [n, d]), tf.tensor2d(mu, [n, d]), tf.tensor2d(zeros, [n, d])), n, `log N(x; x, I) for inputs [${n}, ${d}]`);
          const want = new Array(n).fill(-0.5 * d * LOG_2PI);
          expectCloseWithHints(got, want, `log N(x; μ = x, σ² = 1) for inputs [${n}, ${d}]: the constant −(d/2) log 2π alone`, 1e-5, gaussianMistakes(mu, mu, zeros, n, d));
        }
      },
    },
    {
      name: "a density: for d = 1, exp(log N(x; μ, σ²)) sums to 1 over a fine grid of x (μ = 0.3, logVar = 0.5 and μ = −1, logVar = −2)",
      kind: "property",
      points: 1,
      run(gaussianLogLikelihood) {
        // 4,001 points with step 0.0075 on [−15, 15]: the Riemann sum of a smooth density with σ ≥ 0.37 is 1 to ~1e-12.
        const count = 4001;
        const step = 30 / (count - 1);
        const x = Float32Array.from({ length: count }, (_, i) => -15 + i * step);
        for (const [m, l] of [[0.3, 0.5], [-1, -2]]) {
          const mu = new Float32Array(count).fill(m);
          const logVar = new Float32Array(count).fill(l);
          const got = expectPerExample(gaussianLogLikelihood(tf.tensor2d(x, [count, 1]), tf.tensor2d(mu, [count, 1]), tf.tensor2d(logVar, [count, 1])), count, "log N(x; μ, σ²) on a grid of x");
          let integral = 0;
          for (let i = 0; i < count; i++) integral += Math.exp(got[i]) * step;
          if (!(Math.abs(integral - 1) <= 1e-3)) {
            const mistake = matchingMistake(got, gaussianMistakes(x, mu, logVar, count, 1));
            fail(`∫ exp(log N(x; μ = ${m}, logVar = ${l})) dx over a grid of x is ${short(integral)}, expected 1: a density integrates to 1.` + (mistake ? `\n  ${mistake.hint}` : ""));
          }
        }
      },
    },
  ],
});

// ---------------------------------------------------------------- Bernoulli log-likelihood

/** Σ_j [x_j l_j − max(l_j, 0) − log(1 + e^(−|l_j|))] per row, float64: exact for any logit. */
export function stableBernoulliLogLikelihood(x: ArrayLike<number>, logits: ArrayLike<number>, n: number, d: number): number[] {
  return rowSums(n, d, (k) => x[k] * logits[k] - Math.max(logits[k], 0) - Math.log1p(Math.exp(-Math.abs(logits[k]))));
}

/** Σ_j [x_j log p_j + (1 − x_j) log(1 − p_j)], p = σ(l), straight from the definition, float64 (moderate logits only). */
export function definitionBernoulliLogLikelihood(x: ArrayLike<number>, logits: ArrayLike<number>, n: number, d: number): number[] {
  return rowSums(n, d, (k) => {
    const p = 1 / (1 + Math.exp(-logits[k]));
    return x[k] * Math.log(p) + (1 - x[k]) * Math.log(1 - p);
  });
}

export const CROSS_ENTROPY_HINT = "This is the cross-entropy; the log-likelihood is its negative: Σ [x log p + (1 − x) log(1 − p)] ≤ 0.";

export function bernoulliMistakes(want: readonly number[], d: number): Mistake[] {
  return [
    { values: want.map((v) => -v), hint: CROSS_ENTROPY_HINT },
    { values: want.map((v) => v / d), hint: "This is the mean over the pixels: sum them (.sum(1))." },
  ];
}

export const bernoulliLogLikelihoodExercise = defineExercise<BernoulliLogLikelihood>({
  id: "vae.bernoulliLogLikelihood",
  functionName: "bernoulliLogLikelihood",
  title: "Bernoulli log-likelihood from logits",
  cases: [
    {
      name: "two images of 3 pixels worked by hand: −2 log 2 − log(1 + e⁻²) ≈ −1.513222 and ≈ −3.753451",
      kind: "closed form",
      points: 1,
      run(bernoulliLogLikelihood) {
        // Per pixel: l = 0 gives −log 2 whatever x; x = 1, l = 2: −log(1 + e⁻²) = −0.126928; x = 0, l = 2: −2 − log(1 + e⁻²) = −2.126928;
        // x = 1, l = −1: −1 − log(1 + e⁻¹) = −1.313262; x = 0, l = −1: −log(1 + e⁻¹) = −0.313262.
        // Row 1: −0.693147 − 0.693147 − 0.126928 = −1.513222. Row 2: −2.126928 − 1.313262 − 0.313262 = −3.753451.
        const x = [1, 0, 1, 0, 1, 0];
        const logits = [0, 0, 2, 2, -1, -1];
        const want = [-1.513222, -3.753451];
        const got = expectPerExample(bernoulliLogLikelihood(tf.tensor2d(x, [2, 3]), tf.tensor2d(logits, [2, 3])), 2, "log p(x|z)");
        expectCloseWithHints(got, want, "Bernoulli log-likelihood of two images worked by hand", 1e-5, bernoulliMistakes(want, 3));
      },
    },
    {
      name: "confident logits ±100 and ±1000 give finite, exact values (log(sigmoid(l)) gives −Infinity or NaN there)",
      kind: "numerical stability",
      points: 1,
      run(bernoulliLogLikelihood) {
        // One pixel per image. Exactly: x = 1, l = 100 → −log(1 + e⁻¹⁰⁰) ≈ 0; x = 0, l = 100 → −100; x = 1, l = −100 → −100;
        // x = 0, l = −100 → ≈ 0; the same with 1000.
        const x = [1, 0, 1, 0, 1, 0, 1, 0];
        const logits = [100, 100, -100, -100, 1000, 1000, -1000, -1000];
        const want = [0, -100, -100, 0, 0, -1000, -1000, 0];
        const got = expectPerExample(bernoulliLogLikelihood(tf.tensor2d(x, [8, 1]), tf.tensor2d(logits, [8, 1])), 8, "log p(x|z) (one pixel per image)");
        got.forEach((value, i) => {
          if (!Number.isFinite(value)) {
            fail(
              `log p(x|z) for x = ${x[i]}, logit ${logits[i]}: got ${value}. σ(${logits[i]}) rounds to ${logits[i] > 0 ? 1 : 0} in float32, so log ${logits[i] > 0 ? "(1 − σ(l))" : "σ(l)"} is log 0 = −Infinity ` +
                "(and 0 · −Infinity is NaN): use the stable form x·l − max(l, 0) − log(1 + e^(−|l|)) (tf.maximum, tf.abs, tf.exp, tf.log1p)",
            );
          }
        });
        const clipped = got.findIndex((v, i) => want[i] <= -100 && v > -50);
        if (clipped >= 0 && !matchingMistake(got, bernoulliMistakes(want, 1))) {
          fail(
            `log p(x|z) for x = ${x[clipped]}, logit ${logits[clipped]}: got ${short(got[clipped])}, expected ${want[clipped]}. This looks like σ(l) clipped away from 0 and 1 before the log, ` +
              "which caps the penalty of a confident wrong pixel: the stable form x·l − max(l, 0) − log(1 + e^(−|l|)) is exact without clipping",
          );
        }
        expectCloseWithHints(got, want, "log p(x|z) for logits ±100 and ±1000 (no clipping: the exact value)", 1e-4, bernoulliMistakes(want, 1), [8]);
      },
    },
    {
      name: "30 random binary images of 784 pixels with logits in [−6, 6] against the definition Σ [x log σ(l) + (1 − x) log(1 − σ(l))]",
      kind: "brute force",
      points: 1,
      run(bernoulliLogLikelihood) {
        const [n, d] = [30, 784];
        const x = Float32Array.from(seededUniform(n, d, 421), (v) => (v < 0.3 ? 1 : 0));
        const logits = seededUniform(n, d, 422, -6, 6);
        const want = definitionBernoulliLogLikelihood(x, logits, n, d);
        const got = expectPerExample(bernoulliLogLikelihood(tf.tensor2d(x, [n, d]), tf.tensor2d(logits, [n, d])), n, "log p(x|z)");
        expectCloseWithHints(got, want, "Bernoulli log-likelihood", 1e-4, bernoulliMistakes(want, d), [n]);
      },
    },
    {
      name: "a log-probability: every value ≤ 0 (binary images, logits in [−20, 20])",
      kind: "property",
      points: 1,
      run(bernoulliLogLikelihood) {
        const [n, d] = [40, 50];
        const x = Float32Array.from(seededUniform(n, d, 423), (v) => (v < 0.5 ? 1 : 0));
        const logits = seededUniform(n, d, 424, -20, 20);
        const want = stableBernoulliLogLikelihood(x, logits, n, d);
        const got = expectPerExample(bernoulliLogLikelihood(tf.tensor2d(x, [n, d]), tf.tensor2d(logits, [n, d])), n, "log p(x|z)");
        const infinite = got.findIndex((v) => !Number.isFinite(v));
        if (infinite >= 0) {
          fail(`log p(x|z) of image ${infinite} is ${got[infinite]}: with logits up to ±20, σ(l) rounds to 0 or 1 in float32 and its log is −Infinity. Use the stable form x·l − max(l, 0) − log(1 + e^(−|l|))`);
        }
        const positive = got.findIndex((v) => !(v <= 1e-6));
        if (positive >= 0) {
          const crossEntropy = withinTolerance(got, want.map((v) => -v), 1e-4);
          fail(`log p(x|z) of image ${positive} is ${short(got[positive])}, but a log-probability of binary pixels is ≤ 0.` + (crossEntropy ? `\n  ${CROSS_ENTROPY_HINT}` : ""));
        }
        expectCloseWithHints(got, want, "Bernoulli log-likelihood", 1e-4, bernoulliMistakes(want, d), [n]);
      },
    },
    {
      name: "a distribution: p(x = 1 | l) + p(x = 0 | l) = 1 for one pixel, logits from −10 to 10",
      kind: "property",
      points: 1,
      run(bernoulliLogLikelihood) {
        const count = 41;
        const logits = Float32Array.from({ length: count }, (_, i) => -10 + i / 2);
        const ones = expectPerExample(bernoulliLogLikelihood(tf.ones([count, 1]) as tf.Tensor2D, tf.tensor2d(logits, [count, 1])), count, "log p(x = 1 | l)");
        const zeros = expectPerExample(bernoulliLogLikelihood(tf.zeros([count, 1]) as tf.Tensor2D, tf.tensor2d(logits, [count, 1])), count, "log p(x = 0 | l)");
        const total = Array.from(ones, (v, i) => Math.exp(v) + Math.exp(zeros[i]));
        const wrong = total.findIndex((t) => !(Math.abs(t - 1) <= 1e-5));
        if (wrong >= 0) {
          const crossEntropy = matchingMistake(ones, bernoulliMistakes(stableBernoulliLogLikelihood(new Array(count).fill(1), logits, count, 1), 1));
          fail(
            (crossEntropy ? `${crossEntropy.hint}\n  ` : "") +
            `for the logit l = ${logits[wrong]}: exp(log p(x = 1 | l)) + exp(log p(x = 0 | l)) = ${short(total[wrong])}, expected 1 ` +
              `(p(x = 1) = σ(l) = ${short(1 / (1 + Math.exp(-logits[wrong])))}, got ${short(Math.exp(ones[wrong]))}; p(x = 0) = 1 − σ(l), got ${short(Math.exp(zeros[wrong]))})`,
          );
        }
      },
    },
  ],
});

// ---------------------------------------------------------------- reparameterization

/** μ + exp(½ logVar) ε elementwise, float64. */
export function bruteReparameterize(mu: ArrayLike<number>, logVar: ArrayLike<number>, eps: ArrayLike<number>): number[] {
  return Array.from({ length: mu.length }, (_, k) => mu[k] + Math.exp(0.5 * logVar[k]) * eps[k]);
}

export const VARIANCE_FOR_SIGMA = "This uses σ² = exp(logVar) where the formula has σ = exp(½ logVar): logVar holds log σ², so take half of it before exp.";

export function reparameterizeMistakes(mu: ArrayLike<number>, logVar: ArrayLike<number>, eps: ArrayLike<number>): Mistake[] {
  const variant = (f: (m: number, l: number, e: number) => number) => Array.from({ length: mu.length }, (_, k) => f(mu[k], logVar[k], eps[k]));
  return [
    { values: variant((m, l, e) => m + Math.exp(l) * e), hint: VARIANCE_FOR_SIGMA },
    { values: variant((m, l, e) => m + l * e), hint: "This uses logVar as σ: σ = exp(½ logVar)." },
    { values: variant((m, l, e) => m + Math.exp(-0.5 * l) * e), hint: "exp(−½ logVar) is 1/σ: σ = exp(½ logVar)." },
    { values: variant((m, l) => m + Math.exp(0.5 * l)), hint: "The noise ε is missing: z = μ + σ ⊙ ε." },
    { values: variant((_, l, e) => Math.exp(0.5 * l) * e), hint: "μ is missing: z = μ + σ ⊙ ε." },
  ];
}

/** z of the given shape, as values. */
export function expectSample(value: unknown, shape: [number, number], what: string): Float32Array {
  return expectShape(value, shape, `${what} (z has the shape of mu)`).dataSync() as Float32Array;
}

export const reparameterizeExercise = defineExercise<Reparameterize>({
  id: "vae.reparameterize",
  functionName: "reparameterize",
  title: "The reparameterization trick",
  cases: [
    {
      name: "values worked by hand: μ = (0, 1, −2), σ² = (1, 4, ¼), ε = (1, 1, 2) give z = (1, 3, −1)",
      kind: "closed form",
      points: 1,
      run(reparameterize) {
        // σ = exp(½ logVar) = (1, 2, ½): z = (0 + 1·1, 1 + 2·1, −2 + ½·2) = (1, 3, −1). Row 2: σ = 1, z = μ + ε = (−0.5, 0.5, 2.5).
        const mu = [0, 1, -2, 0.5, 0.5, 0.5];
        const logVar = [0, Math.log(4), Math.log(0.25), 0, 0, 0];
        const eps = [1, 1, 2, -1, 0, 2];
        const got = expectSample(reparameterize(tf.tensor2d(mu, [2, 3]), tf.tensor2d(logVar, [2, 3]), tf.tensor2d(eps, [2, 3])), [2, 3], "reparameterize");
        expectCloseWithHints(got, [1, 3, -1, -0.5, 0.5, 2.5], "z = μ + σ ⊙ ε worked by hand", 1e-5, reparameterizeMistakes(mu, logVar, eps), [2, 3]);
      },
    },
    {
      name: "32 random rows of 10 dimensions against μ + exp(½ logVar) ⊙ ε computed in a loop",
      kind: "brute force",
      points: 1,
      run(reparameterize) {
        const [n, p] = [32, 10];
        const mu = seededNormal(n, p, 431, 0, 2);
        const logVar = seededUniform(n, p, 432, -4, 3);
        const eps = seededNormal(n, p, 433);
        const got = expectSample(reparameterize(tf.tensor2d(mu, [n, p]), tf.tensor2d(logVar, [n, p]), tf.tensor2d(eps, [n, p])), [n, p], "reparameterize");
        expectCloseWithHints(got, bruteReparameterize(mu, logVar, eps), "z = μ + σ ⊙ ε", 1e-5, reparameterizeMistakes(mu, logVar, eps), [n, p]);
      },
    },
    {
      name: "ε = 0 returns μ exactly, whatever logVar (from −30 to 30)",
      kind: "edge case",
      points: 1,
      run(reparameterize) {
        const [n, p] = [8, 6];
        const mu = seededNormal(n, p, 434, 0, 3);
        const logVar = seededUniform(n, p, 435, -30, 30);
        const got = expectSample(reparameterize(tf.tensor2d(mu, [n, p]), tf.tensor2d(logVar, [n, p]), tf.zeros([n, p]) as tf.Tensor2D), [n, p], "reparameterize with ε = 0");
        expectCloseWithHints(got, mu, "reparameterize with ε = 0: z = μ", 1e-6, reparameterizeMistakes(mu, logVar, new Float32Array(n * p)), [n, p]);
      },
    },
    {
      name: "gradient (tf.grad): ∂(Σ z)/∂μ = 1 everywhere",
      kind: "gradient",
      points: 1,
      run(reparameterize) {
        const [n, p] = [6, 4];
        const mu = tf.tensor2d(seededNormal(n, p, 436), [n, p]);
        const logVar = tf.tensor2d(seededUniform(n, p, 437, -2, 2), [n, p]);
        const eps = tf.tensor2d(seededNormal(n, p, 438), [n, p]);
        expectSample(reparameterize(mu, logVar, eps), [n, p], "reparameterize");
        const gradient = gradientWrt((m) => reparameterize(m as tf.Tensor2D, logVar, eps), mu, "z = reparameterize(mu, logVar, eps)", "mu");
        expectCloseWithHints(gradient.dataSync(), new Array(n * p).fill(1), "∂(Σ z)/∂μ (tf.grad)", 1e-5, [], [n, p]);
      },
    },
    {
      name: "gradient (tf.grad): ∂(Σ z)/∂logVar = ½ σ ⊙ ε, so the noise's scale is learned",
      kind: "gradient",
      points: 1,
      run(reparameterize) {
        const [n, p] = [6, 4];
        const muValues = seededNormal(n, p, 439);
        const logVarValues = seededUniform(n, p, 440, -2, 2);
        const epsValues = seededNormal(n, p, 441);
        const [mu, eps] = [tf.tensor2d(muValues, [n, p]), tf.tensor2d(epsValues, [n, p])];
        expectSample(reparameterize(mu, tf.tensor2d(logVarValues, [n, p]), eps), [n, p], "reparameterize");
        const gradient = gradientWrt((l) => reparameterize(mu, l as tf.Tensor2D, eps), tf.tensor2d(logVarValues, [n, p]), "z = reparameterize(mu, logVar, eps)", "logVar");
        const want = Array.from(logVarValues, (l, k) => 0.5 * Math.exp(0.5 * l) * epsValues[k]);
        const mistakes: Mistake[] = [
          { values: Array.from(logVarValues, (l, k) => Math.exp(l) * epsValues[k]), hint: VARIANCE_FOR_SIGMA },
          { values: Array.from(logVarValues, (l, k) => Math.exp(0.5 * l) * epsValues[k]), hint: "This is σ ⊙ ε: σ = exp(½ logVar), whose derivative is ½ σ." },
        ];
        expectCloseWithHints(gradient.dataSync(), want, "∂(Σ z)/∂logVar (tf.grad), expected ½ σ ⊙ ε", 1e-5, mistakes, [n, p]);
      },
    },
  ],
});

// ---------------------------------------------------------------- ELBO

/** A linear-Gaussian decoder p(x|z) = N(x; zW + b, s² I) as tensor operations; W is p×d. */
export function linearGaussianDecoder(w: readonly number[][], b: readonly number[], s: number): LogLikelihoodOfZ {
  const weights = tf.tensor2d(w as number[][]);
  const bias = tf.tensor1d(b as number[]);
  const constant = b.length * (0.5 * LOG_2PI + Math.log(s));
  return (x, z) => tf.tidy(() => x.sub(z.matMul(weights).add(bias)).square().sum(1).mul(-0.5 / (s * s)).sub(constant) as tf.Tensor1D);
}

/** The same in float64 for one row x (d values) and one z (p values). */
export function linearGaussianJs(x: ArrayLike<number>, z: ArrayLike<number>, w: readonly number[][], b: readonly number[], s: number): number {
  let sum = 0;
  for (let j = 0; j < b.length; j++) {
    let mean = b[j];
    for (let k = 0; k < z.length; k++) mean += z[k] * w[k][j];
    sum += (x[j] - mean) ** 2;
  }
  return -0.5 * sum / (s * s) - b.length * (0.5 * LOG_2PI + Math.log(s));
}

/** A Bernoulli decoder with logits zA + c as tensor operations; A is p×d. */
export function linearBernoulliDecoder(a: readonly number[][], c: readonly number[]): LogLikelihoodOfZ {
  const weights = tf.tensor2d(a as number[][]);
  const bias = tf.tensor1d(c as number[]);
  return (x, z) =>
    tf.tidy(() => {
      const logits = z.matMul(weights).add(bias);
      return x.mul(logits).sub(tf.maximum(logits, 0)).sub(tf.log1p(tf.exp(tf.abs(logits).neg()))).sum(1) as tf.Tensor1D;
    });
}

/** The same in float64 for one row. */
export function linearBernoulliJs(x: ArrayLike<number>, z: ArrayLike<number>, a: readonly number[][], c: readonly number[]): number {
  let sum = 0;
  for (let j = 0; j < c.length; j++) {
    let l = c[j];
    for (let k = 0; k < z.length; k++) l += z[k] * a[k][j];
    sum += x[j] * l - Math.max(l, 0) - Math.log1p(Math.exp(-Math.abs(l)));
  }
  return sum;
}

/** The three [n] terms of the result, or a message naming what is missing. */
export function expectElboTerms(value: unknown, n: number, what: string): { elbo: Float32Array; reconstruction: Float32Array; kl: Float32Array } {
  if (typeof value !== "object" || value === null || value instanceof tf.Tensor || Array.isArray(value)) {
    fail(`${what}: expected an object { elbo, reconstruction, kl } of three tensors of shape [${n}], got ${describeValue(value)}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of ["elbo", "reconstruction", "kl"]) {
    if (!(key in record)) fail(`${what}: the returned object has no "${key}" (its keys: ${Object.keys(record).join(", ") || "none"}); return { elbo, reconstruction, kl }`);
    const tensor = record[key];
    if (tensor instanceof tf.Tensor && tensor.rank === 2 && tensor.shape[1] === n && tensor.shape[0] !== n) {
      fail(`${key} returned by ${what}: got shape [${tensor.shape.join(", ")}], one row per sample of ε; average over the ${tensor.shape[0]} samples (.mean(0)) to get shape [${n}]`);
    }
  }
  return {
    elbo: expectPerExample(record.elbo, n, `elbo returned by ${what}`),
    reconstruction: expectPerExample(record.reconstruction, n, `reconstruction returned by ${what}`),
    kl: expectPerExample(record.kl, n, `kl returned by ${what}`),
  };
}

/** Seeded inputs of a small ELBO problem: x [n, d], μ and logVar [n, p], eps [L, n, p]. */
export function elboInputs(n: number, d: number, p: number, samples: number, seed: number): ElboInputs & { x: Float32Array; mu: Float32Array; logVar: Float32Array; eps: Float32Array } {
  return {
    x: seededNormal(n, d, seed),
    mu: seededNormal(n, p, seed + 1),
    logVar: seededUniform(n, p, seed + 2, -2, 1),
    eps: seededNormal(samples, n * p, seed + 3),
  };
}

/** Calls the student's elbo on plain arrays. */
export function callElbo(elbo: Elbo, inputs: ElboInputs, shape: ElboShape, logLikelihood: LogLikelihoodOfZ): unknown {
  const { n, d, p, samples } = shape;
  const posterior = { mu: tf.tensor2d(inputs.mu, [n, p]), logVar: tf.tensor2d(inputs.logVar, [n, p]) };
  return elbo(tf.tensor2d(inputs.x, [n, d]), posterior, logLikelihood, tf.tensor3d(inputs.eps, [samples, n, p]));
}

/**
 * (1/L) Σ_l logLikelihood(x_i, z^(l)_i) per row i, float64, with z^(l) = μ + scale(logVar) ⊙ ε^(l) over the
 * slices `slices` of eps (all of them by default).
 */
export function bruteReconstruction(
  inputs: ElboInputs,
  shape: ElboShape,
  logLikelihood: (x: ArrayLike<number>, z: ArrayLike<number>) => number,
  options: { scale?: (logVar: number) => number; slices?: number[]; sum?: boolean } = {},
): number[] {
  const { n, d, p, samples } = shape;
  const scale = options.scale ?? ((l: number) => Math.exp(0.5 * l));
  const slices = options.slices ?? Array.from({ length: samples }, (_, l) => l);
  return Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (const l of slices) {
      const z = Array.from({ length: p }, (_, j) => inputs.mu[i * p + j] + scale(inputs.logVar[i * p + j]) * inputs.eps[(l * n + i) * p + j]);
      sum += logLikelihood(Array.from({ length: d }, (_, j) => inputs.x[i * d + j]), z);
    }
    return options.sum ? sum : sum / slices.length;
  });
}

export function reconstructionMistakes(
  inputs: ElboInputs,
  shape: ElboShape,
  logLikelihood: (x: ArrayLike<number>, z: ArrayLike<number>) => number,
): Mistake[] {
  const mistakes: Mistake[] = [
    { values: bruteReconstruction(inputs, shape, logLikelihood, { scale: Math.exp }), hint: VARIANCE_FOR_SIGMA },
    { values: bruteReconstruction(inputs, shape, logLikelihood, { scale: () => 0 }), hint: "This is log p(x | z = μ): the noise eps is not used. Use z = μ + σ ⊙ ε^(l) for each slice ε^(l) of eps." },
  ];
  if (shape.samples > 1) {
    mistakes.push(
      { values: bruteReconstruction(inputs, shape, logLikelihood, { sum: true }), hint: `This is the sum over the L = ${shape.samples} samples: average them (divide by L, or .mean(0)).` },
      { values: bruteReconstruction(inputs, shape, logLikelihood, { slices: [0] }), hint: `This uses only the first slice of eps: average log p(x|z) over all L = ${shape.samples} slices (eps.unstack()).` },
      { values: bruteReconstruction(inputs, shape, logLikelihood, { slices: [shape.samples - 1] }), hint: `This uses only the last slice of eps: average log p(x|z) over all L = ${shape.samples} slices.` },
    );
  }
  return mistakes;
}

/** log ∫ exp(logLikelihood(z)) N(z; 0, 1) dz over a 1-D latent, by a Riemann sum on [−12, 12] (log-sum-exp), float64. */
export function logMarginal1d(logLikelihood: (z: number) => number, points = 24_001): number {
  const step = 24 / (points - 1);
  const terms = Array.from({ length: points }, (_, k) => {
    const z = -12 + k * step;
    return logLikelihood(z) - 0.5 * LOG_2PI - 0.5 * z * z;
  });
  const largest = Math.max(...terms);
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - largest);
  return largest + Math.log(sum * step);
}

/**
 * A Monte Carlo ELBO of several posteriors q_k = N(μ_k, σ_k²) over a 1-D latent for one x: each q_k gets
 * `replicas` rows (identical x and q), so that (rows × L) samples are drawn with a modest L; the mean of
 * a q_k's rows is its ELBO estimate. Returns the student's estimates and the standard errors of the
 * reconstruction term, from the same samples in float64.
 */
export function replicatedElbo(
  elbo: Elbo,
  x: readonly number[],
  posteriors: readonly { mu: number; logVar: number }[],
  decoder: { tf: LogLikelihoodOfZ; js: (x: ArrayLike<number>, z: ArrayLike<number>) => number },
  options: { replicas: number; samples: number; seed: number; what: string },
): { estimate: number; standardError: number }[] {
  const { replicas, samples, seed, what } = options;
  const n = posteriors.length * replicas;
  const d = x.length;
  const xs = Float32Array.from({ length: n * d }, (_, k) => x[k % d]);
  const mu = Float32Array.from({ length: n }, (_, i) => posteriors[Math.floor(i / replicas)].mu);
  const logVar = Float32Array.from({ length: n }, (_, i) => posteriors[Math.floor(i / replicas)].logVar);
  const eps = seededNormal(samples, n, seed);
  const terms = expectElboTerms(callElbo(elbo, { x: xs, mu, logVar, eps }, { n, d, p: 1, samples }, decoder.tf), n, what);
  return posteriors.map((_, q) => {
    let sum = 0;
    const logLikelihoods: number[] = [];
    for (let r = 0; r < replicas; r++) {
      const i = q * replicas + r;
      sum += terms.elbo[i];
      for (let l = 0; l < samples; l++) logLikelihoods.push(decoder.js(x, [mu[i] + Math.exp(0.5 * logVar[i]) * eps[l * n + i]]));
    }
    return { estimate: sum / replicas, standardError: meanAndStandardError(logLikelihoods).standardError };
  });
}

// The linear-Gaussian model of the tightness cases: z ~ N(0, 1), x | z ~ N(w z + b, s² I) in 2-D. Its posterior is
// N(m, v) with 1/v = 1 + ‖w‖²/s² = 14 and m = v wᵀ(x − b)/s² = 6.8/14, and log p(x) = log N(x; b, s² I + wwᵀ).
export const LINEAR_GAUSSIAN = { w: [[1.5, -1]], b: [0.2, 0.1], s: 0.5, x: [1, -0.4] };

export function linearGaussianPosterior(model: typeof LINEAR_GAUSSIAN = LINEAR_GAUSSIAN): { mean: number; variance: number; logMarginal: number } {
  const { w, b, s, x } = model;
  const row = w[0];
  const precision = 1 + row.reduce((sum, v) => sum + v * v, 0) / (s * s);
  const mean = row.reduce((sum, v, j) => sum + v * (x[j] - b[j]), 0) / (s * s) / precision;
  const covariance = row.map((vi, i) => row.map((vj, j) => vi * vj + (i === j ? s * s : 0)));
  return { mean, variance: 1 / precision, logMarginal: logNormalDensity(x, b, covariance) };
}

export const elboExercise = defineExercise<Elbo>({
  id: "vae.elbo",
  functionName: "elbo",
  title: "The evidence lower bound",
  cases: [
    {
      name: "returns { elbo, reconstruction, kl }, each [n]; kl is the closed form; elbo = reconstruction − kl",
      kind: "closed form",
      points: 1,
      run(elbo) {
        const shape = { n: 6, d: 5, p: 3, samples: 2 };
        const inputs = elboInputs(shape.n, shape.d, shape.p, shape.samples, 451);
        const w = Array.from({ length: 3 }, (_, k) => Array.from(seededNormal(1, 5, 455 + k)));
        const terms = expectElboTerms(callElbo(elbo, inputs, shape, linearGaussianDecoder(w, [0, 0.5, -0.5, 1, 0], 0.8)), shape.n, "elbo(...)");
        expectCloseWithHints(terms.kl, bruteKl(inputs.mu, inputs.logVar, shape.n, shape.p), "elbo(...).kl: KL(q(z|x) ‖ N(0, I)) per example", 1e-4, klMistakes(inputs.mu, inputs.logVar, shape.n, shape.p), [shape.n]);
        const difference = Array.from(terms.reconstruction, (r, i) => r - terms.kl[i]);
        const mistakes = [{ values: Array.from(terms.reconstruction, (r, i) => r + terms.kl[i]), hint: "This is reconstruction + kl: the KL is subtracted, elbo = reconstruction − kl." }];
        expectCloseWithHints(terms.elbo, difference, "elbo(...).elbo against your reconstruction − kl", 1e-5, mistakes, [shape.n]);
      },
    },
    {
      name: "reconstruction is the mean over the L slices of log p(x | μ + σ ⊙ ε^(l)) (linear-Gaussian decoder), for L = 1 and L = 3, against a float64 loop",
      kind: "second method",
      points: 1,
      run(elbo) {
        const w = Array.from({ length: 2 }, (_, k) => Array.from(seededNormal(1, 4, 461 + k)));
        const b = [0.3, -0.2, 0, 0.1];
        const s = 0.7;
        const js = (x: ArrayLike<number>, z: ArrayLike<number>) => linearGaussianJs(x, z, w, b, s);
        for (const samples of [1, 3]) {
          const shape = { n: 5, d: 4, p: 2, samples };
          const inputs = elboInputs(shape.n, shape.d, shape.p, samples, 463 + samples);
          const terms = expectElboTerms(callElbo(elbo, inputs, shape, linearGaussianDecoder(w, b, s)), shape.n, `elbo(...) (L = ${samples})`);
          expectCloseWithHints(
            terms.reconstruction,
            bruteReconstruction(inputs, shape, js),
            `elbo(...).reconstruction with L = ${samples}: (1/L) Σ_l log p(x | z^(l)), z^(l) = μ + σ ⊙ ε^(l)`,
            1e-4,
            reconstructionMistakes(inputs, shape, js),
            [shape.n],
          );
        }
      },
    },
    {
      name: "logLikelihood is called with x and z = μ + σ ⊙ ε^(l) for every example and every slice ε^(l) of eps (it records its arguments)",
      kind: "property",
      points: 1,
      run(elbo) {
        const shape = { n: 4, d: 3, p: 2, samples: 3 };
        const { n, d, p, samples } = shape;
        const inputs = elboInputs(n, d, p, samples, 471);
        const w = [[1, 0.5, -1], [0, 2, 0.5]];
        const b = [0, 0, 0];
        const decoder = linearGaussianDecoder(w, b, 1);
        const calls: { x: Float32Array; z: Float32Array; rows: number }[] = [];
        const recording: LogLikelihoodOfZ = (x, z) => {
          if (!(x instanceof tf.Tensor) || !(z instanceof tf.Tensor) || x.rank !== 2 || z.rank !== 2) {
            fail(`logLikelihood(x, z) was called with ${describeValue(x)} and ${describeValue(z)}: expected x [m, ${d}] and z [m, ${p}], two matrices`);
          }
          if (x.shape[1] !== d || z.shape[1] !== p || x.shape[0] !== z.shape[0]) {
            fail(`logLikelihood(x, z) was called with x [${x.shape.join(", ")}] and z [${z.shape.join(", ")}]: expected x [m, ${d}] and z [m, ${p}], one z row per x row`);
          }
          calls.push({ x: x.dataSync() as Float32Array, z: z.dataSync() as Float32Array, rows: z.shape[0] });
          return decoder(x, z);
        };
        expectElboTerms(callElbo(elbo, inputs, shape, recording), n, "elbo(...)");
        if (calls.length === 0) fail("elbo never called logLikelihood: reconstruction is the mean of logLikelihood(x, z^(l)) over the slices of eps");
        const z = (l: number, i: number, scale: (v: number) => number) => Array.from({ length: p }, (_, j) => inputs.mu[i * p + j] + scale(inputs.logVar[i * p + j]) * inputs.eps[(l * n + i) * p + j]);
        const sameRow = (got: Float32Array, row: number, want: ArrayLike<number>) => Array.from(want).every((v, j) => Math.abs(got[row * want.length + j] - v) <= 1e-4 * Math.max(1, Math.abs(v)));
        const seen = new Set<string>();
        for (const call of calls) {
          for (let r = 0; r < call.rows; r++) {
            let found = false;
            for (let l = 0; l < samples && !found; l++) {
              for (let i = 0; i < n && !found; i++) {
                if (!sameRow(call.z, r, z(l, i, (v) => Math.exp(0.5 * v)))) continue;
                found = true;
                if (!sameRow(call.x, r, inputs.x.subarray(i * d, (i + 1) * d))) {
                  fail(`logLikelihood(x, z) got, in row ${r}, the z of example ${i} (slice ${l} of eps) with another x row: pass x and z with matching rows (example i's x with example i's z)`);
                }
                seen.add(`${l},${i}`);
              }
            }
            if (found) continue;
            const zRow = `(${Array.from(call.z.subarray(r * p, (r + 1) * p), short).join(", ")})`;
            const like = (scale: (v: number) => number) => Array.from({ length: samples }, (_, l) => l).some((l) => Array.from({ length: n }, (_, i) => i).some((i) => sameRow(call.z, r, z(l, i, scale))));
            const hint = like(Math.exp)
              ? ` ${VARIANCE_FOR_SIGMA}`
              : like(() => 0)
                ? " It is μ: the noise is not used."
                : like(() => 1)
                  ? " It is μ + ε: σ is missing."
                  : "";
            fail(`logLikelihood(x, z) was called with z = ${zRow} in row ${r}, which is not μ + σ ⊙ ε^(l) for any example and slice of eps.${hint} Use z^(l) = reparameterize(mu, logVar, eps^(l)) for each slice eps^(l) (eps.unstack()).`);
          }
        }
        for (let l = 0; l < samples; l++) {
          for (let i = 0; i < n; i++) {
            if (!seen.has(`${l},${i}`)) fail(`logLikelihood was never called with the z of example ${i} from slice ${l} of eps (L = ${samples} slices): average log p(x|z) over every slice eps^(l), for every example`);
          }
        }
      },
    },
    {
      name: "a lower bound: for 4 Bernoulli pixels with logits a·z + c and 1-D z, the ELBO of 4 posteriors q (2,000 samples each) stays ≤ log p(x), integrated numerically",
      kind: "property",
      points: 1,
      run(elbo) {
        // log p(x) = log ∫ p(x|z) N(z; 0, 1) dz by a Riemann sum over z ∈ [−12, 12]. Each q gets 250 identical rows and
        // L = 8 slices of eps: 2,000 samples, with a standard error computed from those samples.
        const a = [[2, -1.5, 1, 3]];
        const c = [0.5, 0, -1, 0.2];
        const x = [1, 0, 1, 1];
        const js = (xs: ArrayLike<number>, z: ArrayLike<number>) => linearBernoulliJs(xs, z, a, c);
        const logMarginal = logMarginal1d((z) => js(x, [z]));
        const posteriors = [{ mu: 0, logVar: 0 }, { mu: 1, logVar: -1 }, { mu: -0.5, logVar: -2 }, { mu: 0.8, logVar: -3 }];
        const results = replicatedElbo(elbo, x, posteriors, { tf: linearBernoulliDecoder(a, c), js }, { replicas: 250, samples: 8, seed: 481, what: "elbo(...)" });
        results.forEach(({ estimate, standardError }, k) => {
          const bound = logMarginal + 4 * standardError + 1e-3;
          if (!(estimate <= bound)) {
            fail(
              `for q = N(${posteriors[k].mu}, exp(${posteriors[k].logVar})), the ELBO averaged over 2,000 samples is ${short(estimate)}, above log p(x) = ${short(logMarginal)} ` +
                `(numerical integration over z) by more than 4 standard errors (${short(4 * standardError)}): the ELBO must be a lower bound on log p(x). ` +
                "Check that elbo = reconstruction − kl, that the KL is ½ Σ (μ² + σ² − 1 − log σ²), and that z = μ + σ ⊙ ε.",
            );
          }
        });
      },
    },
    {
      name: "tight at the true posterior: for a linear-Gaussian model with 1-D z, q = p(z|x) gives ELBO = log p(x) (2,000 samples, ± 4 standard errors)",
      kind: "property",
      points: 1,
      run(elbo) {
        const { w, b, s, x } = LINEAR_GAUSSIAN;
        const { mean, variance, logMarginal } = linearGaussianPosterior();
        const js = (xs: ArrayLike<number>, z: ArrayLike<number>) => linearGaussianJs(xs, z, w, b, s);
        const [{ estimate, standardError }] = replicatedElbo(elbo, x, [{ mu: mean, logVar: Math.log(variance) }], { tf: linearGaussianDecoder(w, b, s), js }, { replicas: 250, samples: 8, seed: 491, what: "elbo(...)" });
        const tolerance = 4 * standardError + 1e-3;
        if (!(Math.abs(estimate - logMarginal) <= tolerance)) {
          fail(
            `with q(z|x) the exact posterior N(${short(mean)}, ${short(variance)}), the ELBO equals log p(x) = ${short(logMarginal)} (the marginal N(x; b, s²I + wwᵀ)); ` +
              `yours, averaged over 2,000 samples, is ${short(estimate)}, further than the Monte Carlo error ± ${short(tolerance)}. ` +
              (estimate > logMarginal
                ? "It is above log p(x), which no lower bound can be: check that elbo = reconstruction − kl, and that z = μ + σ ⊙ ε uses the noise with σ = exp(½ logVar)."
                : "Check the KL's ½, that reconstruction averages (not sums) log p(x|z) over the samples, and that z = μ + σ ⊙ ε with σ = exp(½ logVar)."),
          );
        }
      },
    },
  ],
});

// ---------------------------------------------------------------- the training loss

/** The loss to minimise, float64: the mean over the examples of −(r − β·kl), −r or β·kl. */
export function bruteLoss(reconstruction: ArrayLike<number>, kl: ArrayLike<number>, beta: number, terms: LossTerms): number {
  let sum = 0;
  for (let i = 0; i < reconstruction.length; i++) {
    sum += terms === "reconstruction" ? -reconstruction[i] : terms === "kl" ? beta * kl[i] : -(reconstruction[i] - beta * kl[i]);
  }
  return sum / reconstruction.length;
}

export function lossMistakes(reconstruction: ArrayLike<number>, kl: ArrayLike<number>, beta: number, terms: LossTerms): Mistake[] {
  const n = reconstruction.length;
  const want = bruteLoss(reconstruction, kl, beta, terms);
  const [r, k] = [-bruteLoss(reconstruction, kl, 1, "reconstruction"), bruteLoss(reconstruction, kl, 1, "kl")];
  const mistakes: Mistake[] = [
    { values: [n * want], hint: `This is ${n} × the expected value: the sum over the examples. Take the mean (.mean()), so the loss does not grow with the batch size.` },
    { values: [-want], hint: "The sign is flipped: training minimises the loss, which is minus the ELBO's terms: −reconstruction, +β·kl." },
  ];
  if (terms === "both") {
    mistakes.push(
      { values: [-r + k], hint: `β = ${beta} is ignored: the KL term is weighted by β, −(reconstruction − β·kl).` },
      { values: [-beta * r + k], hint: "β weights the KL term, not the reconstruction: −(reconstruction − β·kl)." },
      { values: [-r - beta * k], hint: "The KL term has the wrong sign: the loss is −(reconstruction − β·kl) = −reconstruction + β·kl." },
      { values: [-r], hint: `terms "both" keeps both terms: −(reconstruction − β·kl); this is the reconstruction term alone.` },
    );
  } else if (terms === "reconstruction") {
    mistakes.push(
      { values: [-r + beta * k], hint: `terms "reconstruction" leaves the KL term out: the loss is −reconstruction alone.` },
      { values: [-beta * r], hint: "β weights only the KL term, so it plays no part here: the loss is −reconstruction." },
    );
  } else {
    mistakes.push(
      { values: [k], hint: `β = ${beta} is ignored: the loss is β·kl.` },
      { values: [-r + beta * k], hint: `terms "kl" leaves the reconstruction term out: the loss is β·kl alone.` },
    );
  }
  return mistakes;
}

/** The student's loss on plain arrays, as a number, compared with the expected value (with hints). */
export function expectLossValue(vaeLoss: VaeLoss, reconstruction: Values, kl: Values, beta: number, terms: LossTerms, tolerance = 1e-5): void {
  const n = reconstruction.length;
  const what = `vaeLoss(reconstruction, kl, β = ${beta}, "${terms}")`;
  const got = expectLoss(vaeLoss(tf.tensor1d(reconstruction), tf.tensor1d(kl), beta, terms), n, what);
  expectCloseWithHints([got], [bruteLoss(reconstruction, kl, beta, terms)], what, tolerance, lossMistakes(reconstruction, kl, beta, terms));
}

// Hand values: reconstruction (−100, −80, −120) has mean −100 and kl (10, 20, 6) mean 12.
const HAND_RECONSTRUCTION = [-100, -80, -120];
const HAND_KL = [10, 20, 6];

export const lossExercise = defineExercise<VaeLoss>({
  id: "vae.loss",
  functionName: "vaeLoss",
  title: "The VAE loss with β and ablations",
  cases: [
    {
      name: `terms "both", three examples by hand: −(−100 − β·12) = 112, 148 and 106 for β = 1, 4 and 0.5`,
      kind: "closed form",
      points: 1,
      run(vaeLoss) {
        // mean reconstruction −100, mean kl 12: −(−100 − 1·12) = 112, −(−100 − 4·12) = 148, −(−100 − 0.5·12) = 106.
        for (const beta of [1, 4, 0.5]) expectLossValue(vaeLoss, HAND_RECONSTRUCTION, HAND_KL, beta, "both");
      },
    },
    {
      name: `terms "reconstruction": 100 whatever β (the KL term left out)`,
      kind: "closed form",
      points: 1,
      run(vaeLoss) {
        for (const beta of [1, 4, 0.5]) expectLossValue(vaeLoss, HAND_RECONSTRUCTION, HAND_KL, beta, "reconstruction");
      },
    },
    {
      name: `terms "kl": β·12 = 12, 48 and 6 (the reconstruction term left out)`,
      kind: "closed form",
      points: 1,
      run(vaeLoss) {
        for (const beta of [1, 4, 0.5]) expectLossValue(vaeLoss, HAND_RECONSTRUCTION, HAND_KL, beta, "kl");
      },
    },
    {
      name: "a tf.Scalar, the mean over the examples (not the sum): 1 and 50 random examples, β = 2, the three terms, against a float64 loop",
      kind: "shape",
      points: 1,
      run(vaeLoss) {
        for (const n of [1, 50]) {
          const reconstruction = seededUniform(1, n, 501 + n, -300, -50);
          const kl = seededUniform(1, n, 502 + n, 0, 40);
          for (const terms of ["both", "reconstruction", "kl"] as const) expectLossValue(vaeLoss, reconstruction, kl, 2, terms, 1e-5);
        }
      },
    },
    {
      name: `gradient (tf.grad), terms "both", β = 4, n = 5: ∂loss/∂reconstruction = −1/n and ∂loss/∂kl = β/n for every example`,
      kind: "gradient",
      points: 1,
      run(vaeLoss) {
        const n = 5;
        const reconstruction = tf.tensor1d(seededUniform(1, n, 511, -200, -50));
        const kl = tf.tensor1d(seededUniform(1, n, 512, 0, 30));
        expectLoss(vaeLoss(reconstruction, kl, 4, "both"), n, `vaeLoss(reconstruction, kl, 4, "both")`);
        const what = `vaeLoss(reconstruction, kl, 4, "both")`;
        const byReconstruction = gradientWrt((r) => vaeLoss(r as tf.Tensor1D, kl, 4, "both"), reconstruction, what, "reconstruction").dataSync();
        expectCloseWithHints(byReconstruction, new Array(n).fill(-1 / n), "∂loss/∂reconstruction (tf.grad), expected −1/n", 1e-6, [
          { values: new Array(n).fill(-1), hint: "This is −1: the loss sums over the examples. Take the mean, whose derivative is −1/n." },
          { values: new Array(n).fill(1 / n), hint: "The sign is flipped: minimising the loss must increase the reconstruction log-likelihood." },
          { values: new Array(n).fill(-4 / n), hint: "This is −β/n: β weights the KL term, not the reconstruction." },
        ]);
        const byKl = gradientWrt((k) => vaeLoss(reconstruction, k as tf.Tensor1D, 4, "both"), kl, what, "kl").dataSync();
        expectCloseWithHints(byKl, new Array(n).fill(4 / n), "∂loss/∂kl (tf.grad), expected β/n", 1e-6, [
          { values: new Array(n).fill(4), hint: "This is β: the loss sums over the examples. Take the mean, whose derivative is β/n." },
          { values: new Array(n).fill(1 / n), hint: "This is 1/n: the KL term is weighted by β." },
        ]);
      },
    },
  ],
});

export const vaeExercises = [klExercise, gaussianLogLikelihoodExercise, bernoulliLogLikelihoodExercise, reparameterizeExercise, elboExercise, lossExercise];
