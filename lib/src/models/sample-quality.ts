// Sample quality through the MNIST classifier (notebook 05): the Fréchet distance between the Gaussians of its
// penultimate features for the samples and for a reference set (the test images), and the Inception Score of its
// predictions. Reference points come from the same code: real training images against the test images (the floor
// that sampling noise alone gives), and test images degraded by noise or blur.
import * as tf from "@tensorflow/tfjs";
import { frechetDistance, gaussianStatistics, inceptionScore, type GaussianStatistics, type InceptionScore } from "../math/sample-quality";
import { classifierFeatures, classifierFeaturesAndProbabilities } from "./classifier";

/** The Gaussian statistics of the classifier's penultimate features of the rows of x ([n, 784] pixels in [0, 1]). */
export function featureStatistics(classifier: tf.LayersModel, x: tf.Tensor2D): GaussianStatistics {
  const features = classifierFeatures(classifier, x);
  try {
    return gaussianStatistics(features);
  } finally {
    features.dispose();
  }
}

export interface SampleQuality {
  /** The classifier-based Fréchet distance to the reference statistics (lower is better; 0 for the same statistics). */
  frechetDistance: number;
  /** The classifier-based Inception Score, mean and spread over 10 splits (higher is better; at most 10). */
  inceptionScore: InceptionScore;
  /** How many rows were measured. */
  count: number;
  /**
   * How many rows the classifier reads as each class (its most probable one): an unconditional generator's balance
   * over the digits, which the Inception Score rewards and the Fréchet distance sees in the features' mean.
   */
  classCounts: number[];
  /**
   * The share of rows to which the classifier gives no class a probability of UNSURE_BELOW or more: shapes that are no
   * clear digit. It is about 1 % for real test images; such rows lower the Inception Score one by one.
   */
  unsure: number;
}

/** The probability under which the classifier's most probable class counts as unsure (SampleQuality.unsure). */
export const UNSURE_BELOW = 0.9;

/**
 * The Fréchet distance of the rows of x (samples, or degraded images) to `reference` and their Inception Score. Compare
 * like with like: the Fréchet distance of a finite set is biased upwards, less so with more rows, so the samples and
 * the baselines should have as many rows (e.g. 10,000 each against the 10,000 test images).
 */
export function sampleQuality(classifier: tf.LayersModel, x: tf.Tensor2D, reference: GaussianStatistics): SampleQuality {
  const { features, probabilities } = classifierFeaturesAndProbabilities(classifier, x);
  try {
    const classCounts = new Array<number>(probabilities.shape[1]).fill(0);
    const predicted = tf.tidy(() => probabilities.argMax(1).dataSync());
    for (const label of predicted) classCounts[label]++;
    const unsureRows = tf.tidy(() => probabilities.max(1).less(UNSURE_BELOW).sum().dataSync()[0]);
    return { frechetDistance: frechetDistance(gaussianStatistics(features), reference), inceptionScore: inceptionScore(probabilities), count: x.shape[0], classCounts, unsure: unsureRows / x.shape[0] };
  } finally {
    tf.dispose([features, probabilities]);
  }
}
