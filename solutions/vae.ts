// Reference solutions of notebook 04 (variational autoencoders). The single source of truth: `npm run release`
// turns each body between BEGIN/END SOLUTION into a stub in exercises/vae.ts and in the notebook's cells.
// A solution may call another exercise's function, as a student's cell may (the grader imports that cell).
// Conventions: one example per row; q(z|x) = N(μ, diag σ²) is given as μ and log σ², both [n, p];
// every per-example quantity is a [n] tensor, in nats.
import { tf, type ConditionalLogLikelihood, type DiagGaussian, type ElboTerms } from "@course/lib";

/**
 * Exercise vae.kl: the KL divergence from q(z|x) = N(μ, diag σ²) to the prior N(0, I), per example.
 *
 * mu and logVar are [n, p] (logVar holds log σ², so σ² = exp(logVar)). Return, for each row,
 *     KL = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²),
 * shape [n]. It is ≥ 0, and 0 only when μ = 0 and σ = 1. Use tf.tidy.
 * @exercise vae.kl
 */
export function klDiagGaussianToStdNormal(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  // BEGIN SOLUTION
  return tf.tidy(() => mu.square().add(logVar.exp()).sub(1).sub(logVar).sum(1).mul(0.5) as tf.Tensor1D);
  // END SOLUTION
}

/**
 * Exercise vae.gaussianLogLikelihood: log N(x; μ, diag σ²) per example.
 *
 * x, mu and logVar are [n, d]. Return, for each row,
 *     −(d/2) log 2π − ½ Σ_j log σ_j² − ½ Σ_j (x_j − μ_j)² / σ_j²,
 * shape [n]. Divide by σ² as a multiplication by exp(−logVar), so that nothing is divided by 0. Use tf.tidy.
 * @exercise vae.gaussianLogLikelihood
 */
export function gaussianLogLikelihood(x: tf.Tensor2D, mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const d = x.shape[1];
    const squared = x.sub(mu).square().mul(logVar.neg().exp());
    return logVar.add(squared).sum(1).add(d * Math.log(2 * Math.PI)).mul(-0.5) as tf.Tensor1D;
  });
  // END SOLUTION
}

/**
 * Exercise vae.bernoulliLogLikelihood: log p(x|z) of a Bernoulli decoder, from its logits.
 *
 * x holds binary pixels (0 or 1), logits the decoder's outputs l, both [n, d]; p_j = σ(l_j). Return, for each row,
 *     Σ_j [x_j log p_j + (1 − x_j) log(1 − p_j)],
 * shape [n] (≤ 0). Computed naively it gives −Infinity for confident logits. Each term equals
 *     x_j·l_j − max(l_j, 0) − log(1 + e^(−|l_j|)),
 * which is exact for any logit (tf.maximum, tf.abs, tf.exp, tf.log1p). Use tf.tidy.
 * @exercise vae.bernoulliLogLikelihood
 */
export function bernoulliLogLikelihood(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const perPixel = x.mul(logits).sub(tf.maximum(logits, 0)).sub(tf.log1p(tf.exp(tf.abs(logits).neg())));
    return perPixel.sum(1) as tf.Tensor1D;
  });
  // END SOLUTION
}

/**
 * Exercise vae.reparameterize: the reparameterization trick.
 *
 * Return z = μ + σ ⊙ ε with σ = exp(½ log σ²), all [n, p]. ε is given (drawn from N(0, I) by the caller), so z is
 * a sample of N(μ, diag σ²) that gradients flow through to μ and log σ². Use tf.tidy.
 * @exercise vae.reparameterize
 */
export function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {
  // BEGIN SOLUTION
  return tf.tidy(() => mu.add(logVar.mul(0.5).exp().mul(eps)) as tf.Tensor2D);
  // END SOLUTION
}

/**
 * Exercise vae.elbo: the evidence lower bound of each example, and its two terms.
 *
 * x is [n, d]; posterior holds q(z|x) as { mu, logVar }, both [n, p]; logLikelihood(x, z) returns log p(x|z) per row
 * ([m] for m rows of x and z); eps is [L, n, p]: L draws of the noise. With z^(l) = μ + σ ⊙ ε^(l) (your reparameterize),
 *     reconstruction = (1/L) Σ_l log p(x | z^(l)),   kl = KL(q(z|x) ‖ N(0, I)) (your klDiagGaussianToStdNormal),
 *     elbo = reconstruction − kl,
 * each of shape [n]. Hint: eps.unstack() gives the L slices [n, p]. Use tf.tidy (it may return an object of tensors).
 * @exercise vae.elbo
 */
export function elbo(x: tf.Tensor2D, posterior: DiagGaussian, logLikelihood: ConditionalLogLikelihood, eps: tf.Tensor3D): { elbo: tf.Tensor1D; reconstruction: tf.Tensor1D; kl: tf.Tensor1D } {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const samples = eps.unstack() as tf.Tensor2D[];
    const logLikelihoods = samples.map((e) => logLikelihood(x, reparameterize(posterior.mu, posterior.logVar, e)));
    const reconstruction = tf.stack(logLikelihoods).mean(0) as tf.Tensor1D;
    const kl = klDiagGaussianToStdNormal(posterior.mu, posterior.logVar);
    return { elbo: reconstruction.sub(kl) as tf.Tensor1D, reconstruction, kl };
  });
  // END SOLUTION
}

/**
 * Exercise vae.loss: the training loss, with the KL weight β and the ablations of the lecture.
 *
 * reconstruction and kl are the ELBO's two terms per example ([n]). Return the tf.Scalar to minimise, the mean over
 * the n examples of
 *     terms "both":           −(reconstruction − β·kl)    (β = 1: minus the ELBO; β > 1: a β-VAE)
 *     terms "reconstruction": −reconstruction             (the KL term left out)
 *     terms "kl":             β·kl                        (the reconstruction term left out)
 * Tensor operations only: it is differentiated during training.
 * @exercise vae.loss
 */
export function vaeLoss(reconstruction: tf.Tensor1D, kl: tf.Tensor1D, beta: number, terms: ElboTerms): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    if (terms === "reconstruction") return reconstruction.mean().neg() as tf.Scalar;
    if (terms === "kl") return kl.mul(beta).mean() as tf.Scalar;
    return kl.mul(beta).sub(reconstruction).mean() as tf.Scalar;
  });
  // END SOLUTION
}
