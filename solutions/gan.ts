// Reference solutions of notebook 05 (generative adversarial networks). The single source of truth: `npm run release`
// turns each body between BEGIN/END SOLUTION into a stub in exercises/gan.ts and in the notebook's cells.
// A solution may call another exercise's function, as a student's cell may (the grader imports that cell).
// Conventions: D outputs logits l, D(x) = σ(l); losses are means over the batch, in nats; samples are rows.
import { tf, type GeneratorLossKind } from "@course/lib";

/**
 * Exercise gan.discriminatorLoss: the discriminator's loss from its logits on a real batch and on a fake batch.
 *
 * D maximises V(D, G) = E_x[log D(x)] + E_z[log(1 − D(G(z)))]; as a loss to minimise, estimated on the two batches:
 *     −mean_i log σ(real_i) − mean_j log(1 − σ(fake_j)),
 * a tf.Scalar (the two batches may differ in size; the logits may be [n] or [n, 1]: take the mean over all values).
 * Never take the log of a sigmoid: σ(40) is exactly 1 in float32. Use −log σ(l) = softplus(−l) and
 * −log(1 − σ(l)) = softplus(l), with tf.softplus (which is exact for any logit). Use tf.tidy.
 * @exercise gan.discriminatorLoss
 */
export function discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => tf.softplus(realLogits.neg()).mean().add(tf.softplus(fakeLogits).mean()) as tf.Scalar);
  // END SOLUTION
}

/**
 * Exercise gan.generatorLoss: the generator's loss from the discriminator's logits on fakes.
 *
 *     kind "saturating":      mean_j log(1 − σ(l_j))     (the minimax game itself: G minimises V)
 *     kind "non-saturating":  −mean_j log σ(l_j)         (what is used in practice: same fixed point, strong gradients early)
 * a tf.Scalar, the mean over all values of fakeLogits; from logits with tf.softplus as in gan.discriminatorLoss. Use tf.tidy.
 * @exercise gan.generatorLoss
 */
export function generatorLoss(fakeLogits: tf.Tensor, kind: GeneratorLossKind): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => (kind === "saturating" ? tf.softplus(fakeLogits).mean().neg() : tf.softplus(fakeLogits.neg()).mean()) as tf.Scalar);
  // END SOLUTION
}

/**
 * Exercise gan.optimalDiscriminator: D* for a fixed generator, on a grid.
 *
 * pData and pModel hold the two densities at the same grid points. Return, at each point,
 *     D*(x) = p_data(x) / (p_data(x) + p_g(x)),
 * and 0.5 where both densities are 0 (x never occurs there, so every D is optimal).
 * @exercise gan.optimalDiscriminator
 */
export function optimalDiscriminator(pData: number[], pModel: number[]): number[] {
  // BEGIN SOLUTION
  return pData.map((p, i) => (p + pModel[i] === 0 ? 0.5 : p / (p + pModel[i])));
  // END SOLUTION
}

/**
 * Exercise gan.value: the value V(D, G) of a discriminator, by a Riemann sum on a uniform grid of step dx.
 *
 * pData, pModel and d hold p_data(x), p_g(x) and D(x) ∈ [0, 1] at the same grid points. Return
 *     V = Σ_i [p_data(x_i) log D(x_i) + p_g(x_i) log(1 − D(x_i))] · dx,
 * where a term whose density is 0 counts 0 (0 · log 0 = 0). With D = D*, V = −log 4 + 2 JSD(p_data ‖ p_g).
 * @exercise gan.value
 */
export function ganValue(pData: number[], pModel: number[], d: number[], dx: number): number {
  // BEGIN SOLUTION
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    if (pData[i] > 0) sum += pData[i] * Math.log(d[i]);
    if (pModel[i] > 0) sum += pModel[i] * Math.log(1 - d[i]);
  }
  return sum * dx;
  // END SOLUTION
}

/**
 * Exercise gan.discriminatorStep: one update of the discriminator, the generator left exactly as it was.
 *
 * real is a batch of real rows, z the noise of as many fakes. Compute the fakes G(z) *outside* the minimised function
 * (no gradient needs to reach G), then minimise your discriminatorLoss(D(real), D(fakes)) with
 *     optimizer.minimize(f, true, varList)
 * where varList holds the discriminator's variables only: discriminator.trainableWeights.map((w) => w.read() as tf.Variable).
 * The variable list is the point: without it the optimizer updates every trainable variable the loss depends on,
 * the generator's too. Models are applied with model.apply(x) as tf.Tensor. Return the loss before the update, as a number.
 * Dispose what you create (tf.tidy, and dispose the scalar minimize returns).
 * @exercise gan.discriminatorStep
 */
export function discriminatorStep(generator: tf.LayersModel, discriminator: tf.LayersModel, optimizer: tf.Optimizer, real: tf.Tensor2D, z: tf.Tensor2D): number {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const fakes = generator.apply(z) as tf.Tensor;
    const loss = optimizer.minimize(() => discriminatorLoss(discriminator.apply(real) as tf.Tensor, discriminator.apply(fakes) as tf.Tensor), true, discriminator.trainableWeights.map((weight) => weight.read() as tf.Variable));
    return loss!.dataSync()[0];
  });
  // END SOLUTION
}

/**
 * Exercise gan.generatorStep: one update of the generator, the discriminator left exactly as it was.
 *
 * Minimise your generatorLoss(D(G(z)), kind) over the generator's trainable variables only: the gradient flows through
 * D to G, but D's weights must not move. Return the loss before the update, as a number. Dispose what you create.
 * @exercise gan.generatorStep
 */
export function generatorStep(generator: tf.LayersModel, discriminator: tf.LayersModel, optimizer: tf.Optimizer, z: tf.Tensor2D, kind: GeneratorLossKind): number {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const loss = optimizer.minimize(() => generatorLoss(discriminator.apply(generator.apply(z) as tf.Tensor) as tf.Tensor, kind), true, generator.trainableWeights.map((weight) => weight.read() as tf.Variable));
    return loss!.dataSync()[0];
  });
  // END SOLUTION
}

/**
 * Exercise gan.interpolate: a straight line through the latent space.
 *
 * zStart and zEnd are codes [p]. Return steps rows [steps, p], row k being
 *     z* = β zStart + (1 − β) zEnd   with β = 1 − k/(steps − 1),
 * so that the first row is zStart and the last is zEnd. Use tf.tidy.
 * @exercise gan.interpolate
 */
export function interpolate(zStart: tf.Tensor1D, zEnd: tf.Tensor1D, steps: number): tf.Tensor2D {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const beta = tf.linspace(1, 0, steps).expandDims(1);
    return zStart.expandDims(0).mul(beta).add(zEnd.expandDims(0).mul(tf.sub(1, beta))) as tf.Tensor2D;
  });
  // END SOLUTION
}

/**
 * Exercise gan.slerp: the spherical interpolation (an extension).
 *
 * zStart and zEnd are codes [p] at an angle Ω = arccos(zStart·zEnd / (‖zStart‖ ‖zEnd‖)), 0 < Ω < π. Return steps rows
 * [steps, p], row k at t = k/(steps − 1):
 *     sin((1 − t)Ω)/sin Ω · zStart + sin(tΩ)/sin Ω · zEnd,
 * which keeps the norm along the arc when both ends have the same norm. Clamp the cosine to [−1, 1] before arccos
 * (round-off can push it past 1). Use tf.tidy.
 * @exercise gan.slerp
 */
export function slerp(zStart: tf.Tensor1D, zEnd: tf.Tensor1D, steps: number): tf.Tensor2D {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const cosine = zStart.dot(zEnd).div(zStart.norm().mul(zEnd.norm())).clipByValue(-1, 1);
    const omega = tf.acos(cosine);
    const t = tf.linspace(0, 1, steps).expandDims(1);
    const sinOmega = tf.sin(omega);
    const weightStart = tf.sin(tf.sub(1, t).mul(omega)).div(sinOmega);
    const weightEnd = tf.sin(t.mul(omega)).div(sinOmega);
    return zStart.expandDims(0).mul(weightStart).add(zEnd.expandDims(0).mul(weightEnd)) as tf.Tensor2D;
  });
  // END SOLUTION
}

/**
 * Exercise gan.conditionalInput: what a conditional GAN's networks see.
 *
 * rows is [n, k]: noise z for the generator, or samples x for the discriminator. labels holds n whole numbers in
 * [0, classes). Return [n, k + classes]: each row followed by the one-hot code of its label (tf.oneHot, then tf.concat
 * along axis 1; tf.oneHot gives int32, cast it to float32). Use tf.tidy.
 * @exercise gan.conditionalInput
 */
export function conditionalInput(rows: tf.Tensor2D, labels: number[], classes: number): tf.Tensor2D {
  // BEGIN SOLUTION
  return tf.tidy(() => tf.concat([rows, tf.oneHot(tf.tensor1d(labels, "int32"), classes).toFloat()], 1) as tf.Tensor2D);
  // END SOLUTION
}

/**
 * Exercise gan.gradientReversal: the gradient reversal layer of domain-adversarial training.
 *
 * Return a tensor equal to x going forward, whose gradient going backward is the incoming gradient multiplied by
 * −lambda. Build it with tf.customGrad: the function you give it returns { value, gradFunc }, where value must be a new
 * tensor (x.clone(), not x itself) and gradFunc(dy) returns the gradient for x.
 * @exercise gan.gradientReversal
 */
export function gradientReversal(x: tf.Tensor, lambda: number): tf.Tensor {
  // BEGIN SOLUTION
  const reverse = tf.customGrad((input) => ({ value: (input as tf.Tensor).clone(), gradFunc: (dy: tf.Tensor) => dy.mul(-lambda) }));
  return reverse(x);
  // END SOLUTION
}

/**
 * Exercise gan.cycleLoss: CycleGAN's cycle-consistency loss.
 *
 * x is a batch [n, …] and reconstructed = F(G(x)) has the same shape. Return E_x ‖F(G(x)) − x‖₁ as a tf.Scalar: the
 * sum of |reconstructed − x| over each example's values, averaged over the n examples. Use tf.tidy.
 * @exercise gan.cycleLoss
 */
export function cycleLoss(x: tf.Tensor, reconstructed: tf.Tensor): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => reconstructed.sub(x).abs().sum().div(x.shape[0]) as tf.Scalar);
  // END SOLUTION
}
