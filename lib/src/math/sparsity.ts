// Sparsity penalties on an autoencoder's code, added to the reconstruction loss: the L1 norm of
// the code (the slides' ‖encoder(x)‖₁) and the KL penalty of Ng's sparse autoencoder notes on the
// mean activation of sigmoid units. Both are scalars differentiable with tf.grad.
import * as tf from "@tensorflow/tfjs";

/** The mean over examples (rows) of ‖h‖₁ = Σ_j |h_j|. */
export function l1Sparsity(code: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sum(tf.abs(code), 1)) as tf.Scalar);
}

/**
 * Σ_j KL(ρ ‖ ρ̂_j) = Σ_j [ρ log(ρ/ρ̂_j) + (1 − ρ) log((1 − ρ)/(1 − ρ̂_j))], with ρ̂_j the mean over
 * the rows of column j: the mean activation of hidden unit j, pushed towards the target ρ.
 * activations must lie in (0, 1) (sigmoid units). ρ̂ is kept within [1e-6, 1 − 1e-6] so that a
 * saturated unit gives a large but finite penalty instead of Infinity.
 */
export function klSparsity(activations: tf.Tensor2D, rho: number): tf.Scalar {
  if (!(rho > 0 && rho < 1)) throw new Error(`klSparsity: the target activation rho must be strictly between 0 and 1, got ${rho}`);
  if (activations.shape[0] === 0) throw new Error("klSparsity: activations has no rows; the mean activation of a unit needs at least one example");
  return tf.tidy(() => {
    const rhoHat = tf.clipByValue(tf.mean(activations, 0), 1e-6, 1 - 1e-6);
    const active = tf.mul(rho, tf.log(tf.div(rho, rhoHat)));
    const inactive = tf.mul(1 - rho, tf.log(tf.div(1 - rho, tf.sub(1, rhoHat))));
    return tf.sum(tf.add(active, inactive)) as tf.Scalar;
  });
}
