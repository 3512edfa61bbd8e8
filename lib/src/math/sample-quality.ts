// Measuring generated samples through a classifier, in float64 on the CPU (the inputs are small: n × 256 features,
// n × 10 probabilities):
// - the Fréchet distance between Gaussians fitted to two sets of features (Heusel et al. 2017, "FID" when the features
//   are Inception-v3's; here the MNIST classifier's penultimate layer): ‖μ_a − μ_b‖² + Tr(Σ_a + Σ_b − 2 (Σ_a^{1/2} Σ_b Σ_a^{1/2})^{1/2});
// - the Inception Score (Salimans et al. 2016): exp(E_x KL(p(y|x) ‖ p(y))), here from the MNIST classifier's softmax.
// Matrix square roots come from symmetric eigendecompositions (ml-matrix, as in eigen.ts).
import * as tf from "@tensorflow/tfjs";
import { covariance as sampleCovariance, EigenvalueDecomposition, Matrix } from "ml-matrix";

export interface GaussianStatistics {
  /** Mean of each feature, [d]. */
  mean: Float64Array;
  /** d × d sample covariance (normalised by n − 1, as numpy's cov in the reference FID code). */
  covariance: Matrix;
  /** Rows the statistics were computed from. */
  count: number;
}

/** Mean and covariance of the rows of `features` ([n, d], n ≥ 2), accumulated in float64. */
export function gaussianStatistics(features: tf.Tensor2D): GaussianStatistics {
  if (features.rank !== 2) throw new Error(`gaussianStatistics: features must be [n, d], got [${features.shape.join(", ")}]`);
  const [n, d] = features.shape;
  if (n < 2) throw new Error(`gaussianStatistics: a covariance needs at least 2 rows, got ${n}`);
  const values = features.dataSync();
  const rows = Array.from({ length: n }, (_, i) => Float64Array.from(values.subarray(i * d, (i + 1) * d)));
  const matrix = new Matrix(rows);
  return { mean: Float64Array.from(matrix.mean("column")), covariance: sampleCovariance(matrix), count: n };
}

/** (m + mᵀ)/2: removes the round-off asymmetry of a product that is symmetric in exact arithmetic. */
function symmetrised(m: Matrix): Matrix {
  return m.clone().add(m.transpose()).mul(0.5);
}

/**
 * The eigenvalues of a symmetric positive semi-definite matrix, with the negative ones set to 0. In exact arithmetic
 * there are none; in float64 the zero eigenvalues come out as about ±1e-16 × the largest, and a covariance has zero
 * eigenvalues whenever a feature is constant (a ReLU unit that never fires) or there are fewer rows than features
 * (n rows give rank ≤ n − 1). Their square roots would be NaN; clamping changes nothing but that round-off.
 */
function clampedEigen(m: Matrix): { values: number[]; vectors: Matrix } {
  const decomposition = new EigenvalueDecomposition(symmetrised(m), { assumeSymmetric: true });
  return { values: decomposition.realEigenvalues.map((value) => Math.max(value, 0)), vectors: decomposition.eigenvectorMatrix };
}

/** S^{1/2} = V diag(√λ) Vᵀ of a symmetric positive semi-definite S = V diag(λ) Vᵀ. */
export function symmetricSquareRoot(m: Matrix): Matrix {
  const { values, vectors } = clampedEigen(m);
  const scaled = vectors.clone();
  values.forEach((value, j) => scaled.mulColumn(j, Math.sqrt(value)));
  return symmetrised(scaled.mmul(vectors.transpose()));
}

/**
 * The Fréchet (2-Wasserstein) distance between N(μ_a, Σ_a) and N(μ_b, Σ_b):
 * ‖μ_a − μ_b‖² + Tr(Σ_a) + Tr(Σ_b) − 2 Tr((Σ_a^{1/2} Σ_b Σ_a^{1/2})^{1/2}).
 * Σ_a^{1/2} Σ_b Σ_a^{1/2} is symmetric PSD with the eigenvalues of Σ_a Σ_b, so the last trace is Σ √λ_i over its
 * eigenvalues: two symmetric eigendecompositions, no general matrix square root. Not clamped at 0: identical
 * statistics give 0 only up to round-off, since each eigenvalue that is 0 in exact arithmetic (see clampedEigen) adds
 * up to about √(1e-16 λ_max) to the traces (measured: −8e-8 for 10,000 rows of the MNIST classifier's 256 features).
 */
export function frechetDistance(a: GaussianStatistics, b: GaussianStatistics): number {
  const d = a.mean.length;
  if (b.mean.length !== d || a.covariance.rows !== d || a.covariance.columns !== d || b.covariance.rows !== d || b.covariance.columns !== d) {
    throw new Error(`frechetDistance: the statistics must have the same dimension, got means of ${a.mean.length} and ${b.mean.length} with ${a.covariance.rows}×${a.covariance.columns} and ${b.covariance.rows}×${b.covariance.columns} covariances`);
  }
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a.mean[i] - b.mean[i]) ** 2;
  const rootA = symmetricSquareRoot(a.covariance);
  const { values } = clampedEigen(rootA.mmul(b.covariance).mmul(rootA));
  const crossTrace = values.reduce((sum, value) => sum + Math.sqrt(value), 0);
  return meanTerm + a.covariance.trace() + b.covariance.trace() - 2 * crossTrace;
}

export interface InceptionScore {
  /** Mean over the splits of exp(E_x KL(p(y|x) ‖ p(y))), p(y) the split's mean prediction. */
  mean: number;
  /** Their standard deviation (population, ÷ splits, as numpy's std in the reference code). */
  std: number;
  /** The score of each split. */
  scores: number[];
}

/**
 * The Inception Score of predictions p(y|x) ([n, classes], rows summing to 1), as Salimans et al. (2016) compute it:
 * the rows in `splits` consecutive parts (sizes differing by at most one; the reference code, with n divisible by
 * the splits, has equal ones), each scored exp(mean_x Σ_y p(y|x) log(p(y|x) / p(y))) with p(y) that part's mean
 * row; 0 log 0 = 0. Between 1 (every row the same, or all uniform) and the number of classes (confident and evenly spread).
 */
export function inceptionScore(probabilities: tf.Tensor2D, splits = 10): InceptionScore {
  if (probabilities.rank !== 2) throw new Error(`inceptionScore: probabilities must be [n, classes], got [${probabilities.shape.join(", ")}]`);
  const [n, classes] = probabilities.shape;
  if (!Number.isInteger(splits) || splits < 1 || splits > n) throw new Error(`inceptionScore: splits must be a whole number between 1 and the ${n} rows, got ${splits}`);
  const p = probabilities.dataSync();
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const value = p[i * classes + k];
      if (!(value >= 0)) throw new Error(`inceptionScore: row ${i} has the value ${value}; pass probabilities (e.g. classifierProbabilities), not logits`);
      sum += value;
    }
    if (Math.abs(sum - 1) > 1e-3) throw new Error(`inceptionScore: row ${i} sums to ${sum}, not 1; pass probabilities (softmax of the logits), not logits`);
  }
  const xlogy = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(y));
  const scores: number[] = [];
  for (let s = 0; s < splits; s++) {
    const [start, end] = [Math.floor((s * n) / splits), Math.floor(((s + 1) * n) / splits)];
    const marginal = new Float64Array(classes);
    for (let i = start; i < end; i++) for (let k = 0; k < classes; k++) marginal[k] += p[i * classes + k];
    marginal.forEach((sum, k) => (marginal[k] = sum / (end - start)));
    let kl = 0;
    for (let i = start; i < end; i++) {
      for (let k = 0; k < classes; k++) {
        const value = p[i * classes + k];
        kl += xlogy(value, value) - xlogy(value, marginal[k]);
      }
    }
    scores.push(Math.exp(kl / (end - start)));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / splits;
  const std = Math.sqrt(scores.reduce((sum, score) => sum + (score - mean) ** 2, 0) / splits);
  return { mean, std, scores };
}
