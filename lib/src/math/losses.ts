// Reconstruction losses, per example (summed over features), as the autoencoder and VAE notebooks use them.
import * as tf from "@tensorflow/tfjs";

/** Σ_j (x_j − x̂_j)² for each row: [n]. The error Hinton & Salakhutdinov report, averaged over examples. */
export function sumSquaredErrorPerExample(x: tf.Tensor2D, reconstruction: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.squaredDifference(x, reconstruction).sum(1) as tf.Tensor1D);
}

/**
 * Binary cross-entropy per example from logits l (x̂ = σ(l)), summed over features:
 * −Σ_j [x_j log σ(l_j) + (1 − x_j) log(1 − σ(l_j))] = Σ_j [max(l_j, 0) − l_j x_j + log(1 + e^{−|l_j|})],
 * the form that never takes the log of 0 nor overflows exp.
 */
export function binaryCrossEntropyFromLogits(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => logits.relu().sub(logits.mul(x)).add(logits.abs().neg().exp().log1p()).sum(1) as tf.Tensor1D);
}
