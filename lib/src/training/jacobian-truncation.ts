// Jacobian-based truncation (Tanielian et al. 2020, "Learning disconnected manifolds: a no GAN's land"). A generator
// maps one connected Gaussian onto data made of separate pieces (ten digits), so some z must land between the pieces:
// shapes that are no clear digit. There the generator changes fastest with z, so ‖∂G/∂z‖ is large. Sampling only the
// z where the generator is least steep leaves most of those shapes out, at the price of drawing more z.
import * as tf from "@tensorflow/tfjs";
import type { Seed } from "../data";
import { derivedSeed } from "../math/elbo";
import { inputColumns } from "../models/gan";

export interface JacobianNormOptions {
  /** Random directions u per row (default 4); the estimate's spread falls as 1/√directions. */
  directions?: number;
  seed?: Seed;
  /** Rows per backward pass (default 1,000), which bounds the memory the activations take. */
  batchSize?: number;
}

/**
 * For each row of z, an estimate of ‖J‖²_F, the squared Frobenius norm of the generator's Jacobian ∂G/∂z there: the mean
 * over `directions` draws of u ~ N(0, I) of ‖Jᵀu‖², which is unbiased because E‖Jᵀu‖² = tr(J Jᵀ). Each Jᵀu is one
 * backward pass (exact, with no step size to choose). The generator runs in inference mode, so rows do not depend on
 * each other and the gradient of Σ_rows ⟨G(z), u⟩ holds every row's Jᵀu at once. For unconditional generators.
 */
export function generatorJacobianNorms(generator: tf.LayersModel, z: tf.Tensor2D, options: JacobianNormOptions = {}): Float32Array {
  const fn = "generatorJacobianNorms";
  const { directions = 4, batchSize = 1000 } = options;
  if (!Number.isInteger(directions) || directions < 1) throw new Error(`${fn}: directions must be a whole number ≥ 1, got ${directions}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${fn}: batchSize must be a whole number ≥ 1, got ${batchSize}`);
  if (z.rank !== 2 || z.shape[1] !== inputColumns(generator)) throw new Error(`${fn}: z must have the generator's ${inputColumns(generator)} columns (an unconditional generator's latent size), got shape [${z.shape}]`);
  const rows = z.shape[0];
  const outputColumns = generator.outputs[0].shape[1] as number;
  const norms = new Float32Array(rows);
  for (let d = 0; d < directions; d++) {
    // All rows' directions at once, so that the estimates do not depend on batchSize.
    const u = tf.randomNormal([rows, outputColumns], 0, 1, "float32", options.seed === undefined ? undefined : derivedSeed(options.seed, "direction", d)) as tf.Tensor2D;
    try {
      for (let start = 0; start < rows; start += batchSize) {
        const size = Math.min(batchSize, rows - start);
        const squared = tf.tidy(() => {
          const directionRows = u.slice([start, 0], [size, -1]);
          const vectorJacobian = tf.grad((input: tf.Tensor) => (generator.apply(input, { training: false }) as tf.Tensor).mul(directionRows).sum());
          return vectorJacobian(z.slice([start, 0], [size, -1])).square().sum(1);
        });
        const values = squared.dataSync();
        squared.dispose();
        for (let i = 0; i < size; i++) norms[start + i] += values[i] / directions;
      }
    } finally {
      u.dispose();
    }
  }
  return norms;
}

export interface JacobianTruncationOptions extends JacobianNormOptions {
  /** The share of the drawn z to keep, in (0, 1]: the least steep ones. */
  keep: number;
}

export interface JacobianTruncatedSamples {
  /** The `count` samples from the least steep z, in the order drawn [count, features]. */
  kept: tf.Tensor2D;
  /** The other samples, steepest first: mostly shapes between two digits. */
  rejected: tf.Tensor2D;
  /** How many z were drawn: ⌈count / keep⌉. */
  drawn: number;
  /** The largest estimate of ‖J‖²_F that was kept (0 when keep is 1: no norm is estimated then). */
  threshold: number;
}

/**
 * `count` samples of an unconditional generator, in inference mode, from the `keep` share of ⌈count / keep⌉ draws of
 * z ~ N(0, I) where its Jacobian's norm (generatorJacobianNorms) is lowest. The caller disposes kept and rejected.
 */
export function jacobianTruncatedSamples(generator: tf.LayersModel, count: number, options: JacobianTruncationOptions): JacobianTruncatedSamples {
  const fn = "jacobianTruncatedSamples";
  if (!Number.isInteger(count) || count < 1) throw new Error(`${fn}: count must be a whole number ≥ 1, got ${count}`);
  if (!(options.keep > 0 && options.keep <= 1)) throw new Error(`${fn}: keep must be a share in (0, 1], e.g. 0.75, got ${options.keep}`);
  const drawn = Math.ceil(count / options.keep);
  const z = tf.randomNormal([drawn, inputColumns(generator)], 0, 1, "float32", options.seed === undefined ? undefined : derivedSeed(options.seed, "truncation z")) as tf.Tensor2D;
  try {
    // Keeping every draw needs no norms (and no backward passes).
    const norms = drawn === count ? new Float32Array(drawn) : generatorJacobianNorms(generator, z, { ...options, ...(options.seed !== undefined && { seed: derivedSeed(options.seed, "truncation directions") }) });
    const byNorm = Array.from(norms.keys()).sort((a, b) => norms[a] - norms[b]);
    const kept = byNorm.slice(0, count).sort((a, b) => a - b);
    const rejected = byNorm.slice(count).reverse();
    return tf.tidy(() => {
      const pick = (rows: number[]) => (rows.length === 0 ? tf.zeros([0, generator.outputs[0].shape[1] as number]) : generator.apply(z.gather(rows), { training: false })) as tf.Tensor2D;
      return { kept: pick(kept), rejected: pick(rejected), drawn, threshold: norms[byNorm[count - 1]] };
    });
  } finally {
    z.dispose();
  }
}
