// The GAN's objective and the tools around it (Goodfellow et al. 2014): the discriminator's and generator's losses
// from logits (D(x) = σ(logit), computed without ever taking the log of a sigmoid), the optimal discriminator and the
// value V(D, G) on a 1-D grid with its link to the Jensen–Shannon divergence, the gradient reversal layer of domain
// adversarial training (Ganin & Lempitsky 2015), CycleGAN's cycle-consistency loss (Zhu et al. 2017) and the input of
// a conditional GAN (Mirza & Osindero 2014).
import * as tf from "@tensorflow/tfjs";
import { oneHot } from "../data/mnist";
import { binaryCrossEntropyFromLogits } from "./losses";

function shape(t: tf.Tensor): string {
  return `[${t.shape.join(", ")}]`;
}

function checkNonEmpty(fn: string, name: string, t: tf.Tensor): void {
  if (t.size === 0) throw new Error(`${fn}: ${name} ${shape(t)} is empty; the mean over no examples is undefined`);
}

/**
 * The mean over all elements of the binary cross-entropy of logits against one target y:
 * mean_i [−y log σ(l_i) − (1 − y) log(1 − σ(l_i))]. y = 1 gives mean softplus(−l) and y = 0 mean softplus(l),
 * softplus(t) = log(1 + e^t). The stable form comes from binaryCrossEntropyFromLogits, on the logits as one row.
 */
function meanCrossEntropyToTarget(logits: tf.Tensor, target: number): tf.Scalar {
  return tf.tidy(() => {
    const row = logits.reshape([1, logits.size]) as tf.Tensor2D;
    return binaryCrossEntropyFromLogits(tf.fill(row.shape, target), row).div(logits.size).reshape([]) as tf.Scalar;
  });
}

export interface DiscriminatorLossOptions {
  /**
   * One-sided label smoothing s (Salimans et al. 2016): the real examples' target is 1 − s instead of 1; the fakes'
   * stays 0 (smoothing it too would reward D for keeping fakes that look like nothing real). In [0, 1), default 0.
   */
  labelSmoothing?: number;
}

/**
 * The discriminator's loss, −E_x[log D(x)] − E_z[log(1 − D(G(z)))] = mean softplus(−real) + mean softplus(fake):
 * minus V(D, G) estimated on a batch, i.e. the cross-entropy of "real" (1) against "fake" (0). Each mean is over all
 * elements of its logits (any shape, e.g. [n] or [n, 1]), so the two batches may differ in size.
 */
export function discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor, options: DiscriminatorLossOptions = {}): tf.Scalar {
  const fn = "discriminatorLoss";
  checkNonEmpty(fn, "realLogits", realLogits);
  checkNonEmpty(fn, "fakeLogits", fakeLogits);
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing < 1)) throw new Error(`${fn}: labelSmoothing must be in [0, 1) (the real target is 1 − labelSmoothing), got ${smoothing}`);
  return tf.tidy(() => meanCrossEntropyToTarget(realLogits, 1 - smoothing).add(meanCrossEntropyToTarget(fakeLogits, 0)) as tf.Scalar);
}

/**
 * Which loss the generator minimises. "saturating": E_z[log(1 − D(G(z)))], the minimax game itself, whose gradient
 * vanishes when D confidently rejects the fakes (early in training). "non-saturating": −E_z[log D(G(z))], the same fixed
 * point with strong gradients there (Goodfellow et al. 2014, §3).
 */
export type GeneratorLossKind = "saturating" | "non-saturating";

/**
 * The generator's loss from the discriminator's logits on fakes (any shape, mean over all elements):
 * saturating = E[log(1 − σ(l))] = −mean softplus(l); non-saturating = −E[log σ(l)] = mean softplus(−l).
 */
export function generatorLoss(fakeLogits: tf.Tensor, kind: GeneratorLossKind = "non-saturating"): tf.Scalar {
  const fn = "generatorLoss";
  checkNonEmpty(fn, "fakeLogits", fakeLogits);
  if (kind === "non-saturating") return meanCrossEntropyToTarget(fakeLogits, 1);
  if (kind === "saturating") return tf.tidy(() => meanCrossEntropyToTarget(fakeLogits, 0).neg() as tf.Scalar);
  throw new Error(`${fn}: kind must be "saturating" or "non-saturating", got ${String(kind)}`);
}

/** Checks densities on a grid (finite, ≥ 0) and returns their common length. */
function checkDensities(fn: string, densities: [string, ArrayLike<number>][]): number {
  const length = densities[0][1].length;
  if (length === 0) throw new Error(`${fn}: ${densities[0][0]} is empty; give the densities' values on a grid`);
  for (const [name, values] of densities) {
    if (values.length !== length) throw new Error(`${fn}: ${densities[0][0]} has ${length} values but ${name} has ${values.length}; give both on the same grid`);
    for (let i = 0; i < length; i++) {
      if (!(values[i] >= 0) || !Number.isFinite(values[i])) throw new Error(`${fn}: ${name}[${i}] = ${values[i]} is not a density value (a finite number ≥ 0)`);
    }
  }
  return length;
}

function checkStep(fn: string, dx: number): void {
  if (!(dx > 0) || !Number.isFinite(dx)) throw new Error(`${fn}: dx (the grid step) must be a finite number > 0, got ${dx}`);
}

/** p · log(p / q), with 0 · log(0 / q) = 0 (the limit as p → 0). */
function plogRatio(p: number, q: number): number {
  return p === 0 ? 0 : p * Math.log(p / q);
}

/**
 * The optimal discriminator for a fixed generator, D*(x) = p_data(x) / (p_data(x) + p_g(x)) (Goodfellow et al. 2014,
 * Prop. 1), at each grid point. Where both densities are 0 any D is optimal (x never occurs); it returns 0.5 there.
 */
export function optimalDiscriminator(pData: ArrayLike<number>, pModel: ArrayLike<number>): Float64Array {
  const length = checkDensities("optimalDiscriminator", [["pData", pData], ["pModel", pModel]]);
  const optimal = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const total = pData[i] + pModel[i];
    optimal[i] = total === 0 ? 0.5 : pData[i] / total;
  }
  return optimal;
}

/**
 * JSD(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2, in nats, for densities given on a uniform grid of step dx
 * (a Riemann sum; 0 · log 0 = 0). It lies in [0, log 2]: 0 for p = q, log 2 for densities with disjoint supports.
 */
export function jensenShannonDivergence(p: ArrayLike<number>, q: ArrayLike<number>, dx: number): number {
  const fn = "jensenShannonDivergence";
  const length = checkDensities(fn, [["p", p], ["q", q]]);
  checkStep(fn, dx);
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const m = (p[i] + q[i]) / 2;
    sum += plogRatio(p[i], m) + plogRatio(q[i], m);
  }
  return (sum / 2) * dx;
}

/**
 * The GAN's value V(D, G) = ∫ p_data log D + ∫ p_g log(1 − D), a Riemann sum over a uniform grid of step dx, for a
 * discriminator given by its values D(x) ∈ [0, 1] on the grid. A term whose density is 0 counts 0 (0 · log 0 = 0);
 * D = 0 where p_data > 0 (or D = 1 where p_g > 0) gives −∞. With D = D*, V = −log 4 + 2 JSD(p_data ‖ p_g) when both
 * densities integrate to 1 on the grid, so max_D V is smallest, −log 4, exactly when p_g = p_data (Theorem 1).
 * D given as probabilities rounds to exactly 0 or 1 where one density exceeds the other ~1e16 times (the far tails of
 * Gaussians of different widths), which makes V = −∞ there: keep the grid where both densities are comparable.
 */
export function ganValue(pData: ArrayLike<number>, pModel: ArrayLike<number>, discriminator: ArrayLike<number>, dx: number): number {
  const fn = "ganValue";
  const length = checkDensities(fn, [["pData", pData], ["pModel", pModel]]);
  checkStep(fn, dx);
  if (discriminator.length !== length) throw new Error(`${fn}: pData has ${length} values but discriminator has ${discriminator.length}; give both on the same grid`);
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const d = discriminator[i];
    if (!(d >= 0 && d <= 1)) throw new Error(`${fn}: discriminator[${i}] = ${d} is not a probability in [0, 1]`);
    if (pData[i] > 0) sum += pData[i] * Math.log(d);
    if (pModel[i] > 0) sum += pModel[i] * Math.log1p(-d); // log1p keeps log(1 − D) accurate for small D
  }
  return sum * dx;
}

/**
 * The gradient reversal layer (Ganin & Lempitsky 2015): the identity going forward, the gradient multiplied by −λ going
 * backward. Put between a feature extractor and a domain classifier, one minimisation trains the classifier to tell the
 * domains apart and the features to confuse it, the min-max game without alternating steps.
 */
export function gradientReversal<T extends tf.Tensor>(x: T, lambda = 1): T {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new Error(`gradientReversal: lambda must be a finite number ≥ 0, got ${lambda}`);
  const reverse = tf.customGrad((input) => ({
    value: (input as tf.Tensor).clone(), // a new tensor: given back the input itself, the tape loses the op and the gradient is 0
    gradFunc: (dy: tf.Tensor) => dy.mul(-lambda),
  }));
  return reverse(x) as T;
}

/**
 * CycleGAN's cycle-consistency loss E_x ‖F(G(x)) − x‖₁ (Zhu et al. 2017, eq. 2) on a batch: the L1 norm of each example
 * (the sum of |difference| over all non-batch axes), averaged over the examples (axis 0). This follows the paper's
 * expectation of a norm; a mean over all elements (as in many implementations) is this divided by the number of values
 * per example, which changes the scale of the weight λ the loss is given.
 */
export function cycleConsistencyLoss(x: tf.Tensor, reconstructed: tf.Tensor): tf.Scalar {
  const fn = "cycleConsistencyLoss";
  if (x.rank !== reconstructed.rank || x.shape.some((size, i) => size !== reconstructed.shape[i])) {
    throw new Error(`${fn}: x ${shape(x)} and reconstructed ${shape(reconstructed)} must have the same shape (reconstructed = F(G(x)))`);
  }
  if (x.rank === 0) throw new Error(`${fn}: x must have a batch axis first ([examples, …]), got a scalar`);
  checkNonEmpty(fn, "x", x);
  const examples = x.shape[0];
  return tf.tidy(() => tf.sub(reconstructed, x).abs().reshape([examples, x.size / examples]).sum(1).mean() as tf.Scalar);
}

/**
 * The input of a conditional GAN's generator (Mirza & Osindero 2014): each noise row z_i followed by the one-hot code
 * of its class, concat([z, oneHot(labels)], 1): [n, p + classes]. labels are whole numbers in [0, classes), one per row.
 */
export function conditionalInput(z: tf.Tensor2D, labels: ArrayLike<number> | tf.Tensor1D, classes: number): tf.Tensor2D {
  const fn = "conditionalInput";
  if (z.rank !== 2) throw new Error(`${fn}: z must be a matrix [examples, latent dimensions], got shape ${shape(z)}`);
  if (!Number.isInteger(classes) || classes < 1) throw new Error(`${fn}: classes must be a whole number ≥ 1, got ${classes}`);
  if (labels instanceof tf.Tensor && labels.rank !== 1) throw new Error(`${fn}: labels must be a vector [examples], got shape ${shape(labels)}`);
  const values = labels instanceof tf.Tensor ? labels.dataSync() : labels;
  if (values.length !== z.shape[0]) throw new Error(`${fn}: z has ${z.shape[0]} rows but there are ${values.length} labels; give one label per row`);
  for (let i = 0; i < values.length; i++) {
    const label = values[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) throw new Error(`${fn}: label ${label} at index ${i} is not a whole number in [0, ${classes}) (classes = ${classes})`);
  }
  return tf.tidy(() => tf.concat([z, oneHot(values, classes)], 1) as tf.Tensor2D);
}

export interface ModeCoverage {
  /** High-quality samples of each mode: those within `radius` standard deviations of its centre. */
  counts: number[];
  /** Modes holding at least `minShare` of the samples as high-quality samples. */
  covered: number;
  /** The share of all samples that are high quality (near some mode). */
  highQuality: number;
}

/**
 * How a GAN's 2-D samples cover the modes of a Gaussian mixture of equal standard deviations (the ring of notebook 05),
 * as in the mode-collapse literature (Metz et al. 2017; Srivastava et al. 2017): a sample is high quality when it lies
 * within `radius` (default 3) standard deviations of the nearest centre, and a mode is covered when at least `minShare`
 * (default 1%) of all samples are high-quality samples of it. points is row-major [n, 2].
 */
export function modeCoverage(points: ArrayLike<number>, means: readonly number[][], std: number, options: { radius?: number; minShare?: number } = {}): ModeCoverage {
  const fn = "modeCoverage";
  if (points.length === 0 || points.length % 2 !== 0) throw new Error(`${fn}: points must be a non-empty row-major list of 2-D points [x0, y0, x1, y1, …], got ${points.length} values`);
  if (means.length === 0 || means.some((mean) => mean.length !== 2)) throw new Error(`${fn}: means must be 2-D centres [[x, y], …]`);
  if (!(std > 0)) throw new Error(`${fn}: std must be > 0, got ${std}`);
  const radius = (options.radius ?? 3) * std;
  const minShare = options.minShare ?? 0.01;
  const n = points.length / 2;
  const counts = new Array<number>(means.length).fill(0);
  for (let i = 0; i < n; i++) {
    let [nearest, distance] = [0, Infinity];
    means.forEach(([mx, my], k) => {
      const d = Math.hypot(points[2 * i] - mx, points[2 * i + 1] - my);
      if (d < distance) [nearest, distance] = [k, d];
    });
    if (distance <= radius) counts[nearest]++;
  }
  const good = counts.reduce((a, b) => a + b, 0);
  return { counts, covered: counts.filter((count) => count >= minShare * n).length, highQuality: good / n };
}
