// Principal component analysis: x ≈ μ + Σ_k z_k φ_k with the φ_k the top eigenvectors of the covariance.
// The covariance is one matMul on the backend (seconds for all of MNIST natively); the 784×784
// eigendecomposition runs in float64 (see eigen.ts).
import * as tf from "@tensorflow/tfjs";
import { symmetricEigen } from "./eigen";

export interface PcaModel {
  /** The mean image μ, [d]. */
  mean: tf.Tensor1D;
  /** The principal directions φ_k as rows, largest variance first, [components, d]. */
  components: tf.Tensor2D;
  /** All d eigenvalues of the covariance (variances along each direction), largest first. */
  eigenvalues: Float64Array;
  /** Cumulative share of the total variance kept by the first k components, for k = 1..d. */
  cumulativeExplainedVariance: Float64Array;
  /** Number of training examples. */
  count: number;
  /** Wall time of the fit, in seconds. */
  fitSeconds: number;
}

/** Mean and covariance (1/n normalisation) of the rows of x. */
export function meanAndCovariance(x: tf.Tensor2D): { mean: tf.Tensor1D; covariance: tf.Tensor2D } {
  return tf.tidy(() => {
    const mean = x.mean(0) as tf.Tensor1D;
    const centred = x.sub(mean);
    const covariance = tf.matMul(centred, centred, true, false).div(x.shape[0]) as tf.Tensor2D;
    return { mean, covariance };
  });
}

/** Fits PCA to the rows of x and keeps `components` principal directions (all by default). */
export async function fitPca(x: tf.Tensor2D, options: { components?: number } = {}): Promise<PcaModel> {
  const started = performance.now();
  const [count, d] = x.shape;
  const keep = options.components ?? d;
  if (keep < 1 || keep > d) throw new Error(`fitPca: components must be between 1 and ${d}, got ${keep}`);
  const { mean, covariance } = meanAndCovariance(x);
  const covarianceValues = await covariance.data();
  covariance.dispose();
  const { values, vectors } = symmetricEigen(covarianceValues, d);
  const components = tf.tidy(() => tf.tensor2d(Float32Array.from(vectors), [d, d], "float32").slice([0, 0], [d, keep]).transpose() as tf.Tensor2D);
  return {
    mean,
    components,
    eigenvalues: values,
    cumulativeExplainedVariance: cumulativeShare(values),
    count,
    fitSeconds: (performance.now() - started) / 1000,
  };
}

/** The p largest eigenvalues of a symmetric matrix, largest first, and their eigenvectors as columns [d, p]. */
export async function topEigenpairs(matrix: tf.Tensor2D, p: number): Promise<{ values: number[]; vectors: tf.Tensor2D }> {
  const d = matrix.shape[0];
  const { values, vectors } = symmetricEigen(await matrix.data(), d);
  const columns = tf.tidy(() => tf.tensor2d(Float32Array.from(vectors), [d, d]).slice([0, 0], [d, p]) as tf.Tensor2D);
  return { values: Array.from(values.slice(0, p)), vectors: columns };
}

/** Cumulative share of the total of (non-negative) eigenvalues: r_k = Σ_{i≤k} λ_i / Σ_i λ_i. */
export function cumulativeShare(eigenvalues: ArrayLike<number>): Float64Array {
  const clipped = Array.from(eigenvalues, (v) => Math.max(v, 0));
  const total = clipped.reduce((a, b) => a + b, 0);
  const out = new Float64Array(clipped.length);
  let running = 0;
  clipped.forEach((v, i) => {
    running += v;
    out[i] = total > 0 ? running / total : 0;
  });
  return out;
}

function firstComponents(model: PcaModel, p: number): tf.Tensor2D {
  const available = model.components.shape[0];
  if (p < 1 || p > available) throw new Error(`PCA: asked for ${p} components, the model keeps ${available}`);
  return model.components.slice([0, 0], [p, -1]);
}

/** Codes z = (x − μ) Φ_pᵀ of the rows of x on the first p components: [n, p]. */
export function pcaEncode(model: PcaModel, x: tf.Tensor2D, p: number): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(x.sub(model.mean), firstComponents(model, p), false, true) as tf.Tensor2D);
}

/** Reconstruction x̂ = μ + z Φ_p from codes z: [n, d]. */
export function pcaDecode(model: PcaModel, z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(z, firstComponents(model, z.shape[1])).add(model.mean) as tf.Tensor2D);
}

/** Average over examples of the squared error summed over features: (1/n) Σ_i ‖x_i − x̂_i‖². */
export function meanSquaredErrorPerExample(x: tf.Tensor2D, reconstruction: tf.Tensor2D): number {
  return tf.tidy(() => tf.squaredDifference(x, reconstruction).sum(1).mean().dataSync()[0]);
}

/** The average squared reconstruction error of x with p components, in batches to bound memory. */
export function pcaReconstructionError(model: PcaModel, x: tf.Tensor2D, p: number, batchSize = 10_000): number {
  let total = 0;
  for (let start = 0; start < x.shape[0]; start += batchSize) {
    const size = Math.min(batchSize, x.shape[0] - start);
    total += tf.tidy(() => {
      const batch = x.slice([start, 0], [size, -1]);
      return meanSquaredErrorPerExample(batch, pcaDecode(model, pcaEncode(model, batch, p))) * size;
    });
  }
  return total / x.shape[0];
}

export function disposePca(model: PcaModel): void {
  model.mean.dispose();
  model.components.dispose();
}
