// Reference solutions of notebook 02 (autoencoders). The single source of truth: `npm run release`
// turns each body between BEGIN/END SOLUTION into a stub in exercises/autoencoders.ts and in the
// notebook's cells. A solution may call another exercise's function, as a student's cell may (the grader imports that cell).
// Conventions: a batch of images is [n, 784] with pixels in [0, 1], one image per row.
import { tf } from "@course/lib";

/**
 * Exercise autoencoders.encoder: the encoder of Hinton & Salakhutdinov (Science 2006).
 *
 * Build, with tf.sequential() and tf.layers.dense, four dense layers 784 → 1000 → 500 → 250 → codeSize.
 * The three hidden layers use `activation` (the paper's logistic units are "sigmoid"); the code
 * layer is linear (leave its activation out), so a code can take any real value. Give the first
 * layer inputShape: [784]. Return the model (not compiled).
 * @exercise autoencoders.encoder
 */
export function hintonEncoder(codeSize: number, activation: "sigmoid" | "elu" = "sigmoid"): tf.Sequential {
  // BEGIN SOLUTION
  const encoder = tf.sequential();
  encoder.add(tf.layers.dense({ inputShape: [784], units: 1000, activation }));
  encoder.add(tf.layers.dense({ units: 500, activation }));
  encoder.add(tf.layers.dense({ units: 250, activation }));
  encoder.add(tf.layers.dense({ units: codeSize }));
  return encoder;
  // END SOLUTION
}

/**
 * Exercise autoencoders.decoder: the decoder, the encoder's mirror image.
 *
 * Four dense layers codeSize → 250 → 500 → 1000 → 784: the hidden layers use `activation`, the last
 * layer is linear. It outputs logits l, one per pixel: the pixel itself is σ(l) (tf.sigmoid), and
 * the cross-entropy loss works from the logits directly. First layer: inputShape: [codeSize].
 * @exercise autoencoders.decoder
 */
export function hintonDecoder(codeSize: number, activation: "sigmoid" | "elu" = "sigmoid"): tf.Sequential {
  // BEGIN SOLUTION
  const decoder = tf.sequential();
  decoder.add(tf.layers.dense({ inputShape: [codeSize], units: 250, activation }));
  decoder.add(tf.layers.dense({ units: 500, activation }));
  decoder.add(tf.layers.dense({ units: 1000, activation }));
  decoder.add(tf.layers.dense({ units: 784 }));
  return decoder;
  // END SOLUTION
}

/**
 * Exercise autoencoders.squaredError: the squared reconstruction error of each image.
 *
 * x and reconstruction are [n, d]. Return Σ_j (x_j − x̂_j)² for each row, shape [n]: the figure
 * Hinton & Salakhutdinov report (averaged over the test images). Use tf.tidy.
 * @exercise autoencoders.squaredError
 */
export function squaredErrorPerImage(x: tf.Tensor2D, reconstruction: tf.Tensor2D): tf.Tensor1D {
  // BEGIN SOLUTION
  return tf.tidy(() => x.sub(reconstruction).square().sum(1) as tf.Tensor1D);
  // END SOLUTION
}

/**
 * Exercise autoencoders.crossEntropy: the binary cross-entropy of each image, from logits.
 *
 * x holds pixels in [0, 1] (not only 0 and 1), logits the decoder's outputs l (pixel x̂ = σ(l)).
 * Return, per row, −Σ_j [x_j log σ(l_j) + (1 − x_j) log(1 − σ(l_j))], shape [n].
 * Careful: in float32, σ(20) is exactly 1 and log(1 − 1) = −Infinity. Rewrite each term as
 *     max(l, 0) − l·x + log(1 + e^(−|l|)),
 * which never takes the log of 0 nor the exp of a large number (tf.relu, tf.abs, tf.exp, tf.log1p).
 * It must stay exact for logits of ±1000.
 * @exercise autoencoders.crossEntropy
 */
export function crossEntropyFromLogits(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const positivePart = tf.maximum(logits, 0);
    const softplusOfMinusAbs = tf.log1p(tf.exp(tf.neg(tf.abs(logits))));
    const perPixel = positivePart.sub(logits.mul(x)).add(softplusOfMinusAbs);
    return perPixel.sum(1) as tf.Tensor1D;
  });
  // END SOLUTION
}

/**
 * Exercise autoencoders.maskingNoise: the masking corruption of a denoising autoencoder (Vincent et al. 2008).
 *
 * Set each value of x to 0 independently with probability dropRate and leave the others exactly as
 * they were (unlike tf.dropout, do not rescale them). Draw the randomness from
 * tf.randomUniform(x.shape, 0, 1, "float32", seed): a uniform u is below dropRate with probability
 * dropRate. The same seed must give the same mask. Use tf.tidy.
 * @exercise autoencoders.maskingNoise
 */
export function maskingNoise(x: tf.Tensor2D, dropRate: number, seed: number): tf.Tensor2D {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const uniform = tf.randomUniform(x.shape, 0, 1, "float32", seed);
    const keep = uniform.greaterEqual(dropRate).cast("float32");
    return x.mul(keep) as tf.Tensor2D;
  });
  // END SOLUTION
}

/**
 * Exercise autoencoders.gaussianNoise: additive Gaussian noise, kept in the pixel range.
 *
 * Return x + ε with ε ~ N(0, stddev²) drawn independently for every value from
 * tf.randomNormal(x.shape, 0, stddev, "float32", seed), then clipped to [0, 1] (tf.clipByValue).
 * The same seed must give the same output. Use tf.tidy.
 * @exercise autoencoders.gaussianNoise
 */
export function gaussianNoise(x: tf.Tensor2D, stddev: number, seed: number): tf.Tensor2D {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const noise = tf.randomNormal(x.shape, 0, stddev, "float32", seed);
    return x.add(noise).clipByValue(0, 1) as tf.Tensor2D;
  });
  // END SOLUTION
}

/**
 * Exercise autoencoders.sparsityL1: the L1 sparsity penalty on the codes.
 *
 * code is [n, units], one code h per row. Return the mean over the n examples of ‖h‖₁ = Σ_j |h_j|,
 * as a tf.Scalar. It is added to the loss, so compute it with tensor operations only (no
 * dataSync): tf.grad must be able to differentiate it.
 * @exercise autoencoders.sparsityL1
 */
export function l1Sparsity(code: tf.Tensor2D): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => code.abs().sum(1).mean() as tf.Scalar);
  // END SOLUTION
}

/**
 * Exercise autoencoders.sparsityKl: the KL sparsity penalty of a sparse autoencoder (Ng's notes).
 *
 * activations is [n, units]: the outputs of sigmoid units, in (0, 1), one example per row. With
 * ρ̂_j the mean of column j (how active unit j is on average), return the tf.Scalar
 *     Σ_j [ρ log(ρ / ρ̂_j) + (1 − ρ) log((1 − ρ) / (1 − ρ̂_j))],
 * the KL divergence between a coin of bias ρ and one of bias ρ̂_j, summed over the units. It is 0
 * when every ρ̂_j = ρ (e.g. ρ = 0.05: each unit active 5% of the time). Tensor operations only:
 * the checks differentiate it with tf.grad.
 * @exercise autoencoders.sparsityKl
 */
export function klSparsity(activations: tf.Tensor2D, rho: number): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const rhoHat = activations.mean(0);
    const first = tf.log(tf.div(rho, rhoHat)).mul(rho);
    const second = tf.log(tf.div(1 - rho, tf.sub(1, rhoHat))).mul(1 - rho);
    return first.add(second).sum() as tf.Scalar;
  });
  // END SOLUTION
}

/**
 * Exercise autoencoders.nearestNeighbours: the k nearest rows of a database, for each query.
 *
 * queries is [m, d], database [n, d]. Return m arrays: for each query, the indices of the k
 * database rows nearest in Euclidean distance, nearest first; when two rows are at the same
 * distance, the lower index comes first. Hint: the squared distances of all pairs are
 * ‖q‖² − 2 q·x + ‖x‖²: one tf.matMul(queries, database, false, true) and two sums of squares,
 * broadcast to [m, n]. Then sort the indices of each row in plain JS (arraySync).
 * @exercise autoencoders.nearestNeighbours
 */
export function nearestNeighbours(queries: tf.Tensor2D, database: tf.Tensor2D, k: number): number[][] {
  // BEGIN SOLUTION
  const distances = tf.tidy(() => {
    const queryNorms = queries.square().sum(1).reshape([-1, 1]);
    const databaseNorms = database.square().sum(1).reshape([1, -1]);
    return queryNorms.sub(tf.matMul(queries, database, false, true).mul(2)).add(databaseNorms);
  });
  const rows = distances.arraySync() as number[][];
  distances.dispose();
  return rows.map((row) => {
    const indices = row.map((_, index) => index);
    indices.sort((a, b) => row[a] - row[b] || a - b);
    return indices.slice(0, k);
  });
  // END SOLUTION
}

/**
 * Exercise autoencoders.classify: the 1-nearest-neighbour classifier.
 *
 * Each row of testFeatures gets the label of the training row nearest to it in Euclidean
 * distance (on a tie, that of the lower index). trainLabels[i] is the label of row i of
 * trainFeatures; if their lengths differ, throw an Error that says so. Return one label per test
 * row. Hint: your nearestNeighbours with k = 1 does the search.
 * @exercise autoencoders.classify
 */
export function classifyByNearestNeighbour(trainFeatures: tf.Tensor2D, trainLabels: number[], testFeatures: tf.Tensor2D): number[] {
  // BEGIN SOLUTION
  if (trainLabels.length !== trainFeatures.shape[0]) {
    throw new Error(`${trainLabels.length} labels for ${trainFeatures.shape[0]} training rows: expected one label per row`);
  }
  return nearestNeighbours(testFeatures, trainFeatures, 1).map(([nearest]) => trainLabels[nearest]);
  // END SOLUTION
}
