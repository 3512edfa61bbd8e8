// Learning-rate schedules, applied between epochs. TensorFlow.js optimisers read their learning
// rate on every step from a field that is not in their public type, hence the one cast here.
import type * as tf from "@tensorflow/tfjs";

/** Cosine decay from `initial` at epoch 0 to `final` at epoch `epochs` (Loshchilov & Hutter's SGDR without restarts). */
export function cosineDecay(initial: number, final: number, epochs: number): (epoch: number) => number {
  if (!(initial > 0) || !(final >= 0) || final > initial) throw new Error(`cosineDecay: need initial > 0 and 0 ≤ final ≤ initial, got ${initial} and ${final}`);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`cosineDecay: epochs must be a positive whole number, got ${epochs}`);
  return (epoch) => final + (initial - final) * 0.5 * (1 + Math.cos((Math.PI * Math.min(Math.max(epoch, 0), epochs)) / epochs));
}

/**
 * `initial` until the last `decayEpochs` of `epochs`, then falling linearly to zero at the end of training: each of
 * those epochs gets the ramp's mean over it, initial · (epochs − epoch − ½) / decayEpochs (epoch counted from 0).
 */
export function linearDecay(initial: number, epochs: number, decayEpochs: number): (epoch: number) => number {
  if (!(initial > 0)) throw new Error(`linearDecay: initial must be > 0, got ${initial}`);
  if (!Number.isInteger(decayEpochs) || decayEpochs < 0 || decayEpochs > epochs) throw new Error(`linearDecay: decayEpochs must be a whole number in [0, epochs = ${epochs}], got ${decayEpochs}`);
  return (epoch) => (epoch < epochs - decayEpochs ? initial : (initial * Math.max(epochs - epoch - 0.5, 0)) / decayEpochs);
}

/** Sets the learning rate of an SGD, momentum, RMSProp, Adam or Adamax optimiser for the next steps. */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const target = optimizer as unknown as { learningRate?: unknown };
  if (typeof target.learningRate !== "number") throw new Error(`setLearningRate: ${optimizer.getClassName()} has no numeric learning rate to set`);
  target.learningRate = learningRate;
}

export function learningRateOf(optimizer: tf.Optimizer): number {
  const value = (optimizer as unknown as { learningRate?: unknown }).learningRate;
  if (typeof value !== "number") throw new Error(`learningRateOf: ${optimizer.getClassName()} has no numeric learning rate`);
  return value;
}
