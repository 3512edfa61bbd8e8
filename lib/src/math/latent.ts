// Walking a latent space: straight lines and arcs between two codes, and a grid over a 2-D latent whose
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
 * steps rows along the arc from start to end (slerp; White 2016, "Sampling generative networks"):
 * sin((1 − t)Ω)/sin Ω · start + sin(tΩ)/sin Ω · end for t = 0, 1/(steps − 1), …, 1, Ω the angle between them.
 * A straight line between two draws of N(0, I) in many dimensions passes through codes of unusually small norm
 * that the prior rarely produces; the arc keeps the norm when start and end have the same norm. start and end are [p].
 */
export function sphericalInterpolation(start: tf.Tensor1D, end: tf.Tensor1D, steps: number): tf.Tensor2D {
  const fn = "sphericalInterpolation";
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`${fn}: steps must be a whole number ≥ 2, got ${steps}`);
  if (start.rank !== 1 || end.rank !== 1 || start.shape[0] !== end.shape[0]) {
    throw new Error(`${fn}: start [${start.shape.join(", ")}] and end [${end.shape.join(", ")}] must be vectors of the same length`);
  }
  const a = Float64Array.from(start.dataSync());
  const b = Float64Array.from(end.dataSync());
  const norm = (v: ArrayLike<number>) => {
    let sum = 0;
    for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
    return Math.sqrt(sum);
  };
  const [normA, normB] = [norm(a), norm(b)];
  // Ω = 2 atan2(|â − b̂|, |â + b̂|) (unit vectors â, b̂): accurate for all angles, where acos(â·b̂) loses half the digits near 0 and π.
  const omega = normA === 0 || normB === 0 ? 0 : 2 * Math.atan2(norm(a.map((x, i) => x / normA - b[i] / normB)), norm(a.map((x, i) => x / normA + b[i] / normB)));
  // At Ω ≈ 0 (same direction, or a zero vector) the weights are 0/0, and their limits are the linear weights 1 − t and t;
  // below 1e-6 the two differ by a relative Ω²/6 < 1e-12, far below float32's precision, so the straight line is the arc.
  if (omega < 1e-6) return linearInterpolation(start, end, steps);
  if (Math.PI - omega < 1e-6) throw new Error(`${fn}: start and end point in opposite directions (angle π): every half great circle joins them, so the arc is not unique`);
  const sinOmega = Math.sin(omega);
  const rows = new Float32Array(steps * a.length);
  for (let step = 0; step < steps; step++) {
    const t = step / (steps - 1); // exactly 0 and 1 at the ends, so the first and last rows are start and end exactly
    const [weightA, weightB] = [Math.sin((1 - t) * omega) / sinOmega, Math.sin(t * omega) / sinOmega];
    for (let j = 0; j < a.length; j++) rows[step * a.length + j] = weightA * a[j] + weightB * b[j];
  }
  return tf.tensor2d(rows, [steps, a.length]);
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
