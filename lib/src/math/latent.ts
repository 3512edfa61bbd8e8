// Walking a latent space: straight lines between two codes, and a grid over a 2-D latent whose
// points are equally likely under the prior N(0, I) (Kingma & Welling 2014, Fig. 4).
import * as tf from "@tensorflow/tfjs";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";

/** steps rows from start to end: (1 − t)·start + t·end for t = 0, 1/(steps − 1), …, 1. start and end are [p]. */
export function linearInterpolation(start: tf.Tensor1D, end: tf.Tensor1D, steps: number): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`linearInterpolation: steps must be a whole number ≥ 2, got ${steps}`);
  if (start.rank !== 1 || end.rank !== 1 || start.shape[0] !== end.shape[0]) {
    throw new Error(`linearInterpolation: start [${start.shape.join(", ")}] and end [${end.shape.join(", ")}] must be vectors of the same length`);
  }
  return tf.tidy(() => {
    const t = tf.linspace(0, 1, steps).expandDims(1);
    return start.expandDims(0).mul(tf.sub(1, t)).add(end.expandDims(0).mul(t)) as tf.Tensor2D;
  });
}

/**
 * A steps × steps grid of 2-D codes, row-major with z₁ growing left to right and z₂ top to bottom from high to
 * low (as on a chart): z = Φ⁻¹(u) for u = (i + ½)/steps, the standard normal's quantiles. Decoding it shows the
 * learned manifold with each cell covering the same prior probability. [steps², 2]
 */
export function normalQuantileGrid(steps: number): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`normalQuantileGrid: steps must be a whole number ≥ 1, got ${steps}`);
  const quantiles = Array.from({ length: steps }, (_, i) => normalQuantile((i + 0.5) / steps, 0, 1));
  const codes: number[] = [];
  for (let row = 0; row < steps; row++) for (let column = 0; column < steps; column++) codes.push(quantiles[column], quantiles[steps - 1 - row]);
  return tf.tensor2d(codes, [steps * steps, 2]);
}
