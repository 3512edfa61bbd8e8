// Corruptions of MNIST rows: masking noise (Vincent et al. 2008: each input value set to 0 with some probability)
// and additive Gaussian noise kept in the pixel range [0, 1], for denoising autoencoders; a Gaussian blur, one of the
// degradations against which notebook 05 calibrates its sample-quality measures. Seeded, so a notebook shows the same
// corrupted digits on every run.
import * as tf from "@tensorflow/tfjs";

function checkSeed(seed: number, where: string): void {
  if (!Number.isFinite(seed)) throw new Error(`${where}: seed must be a finite number, got ${seed}`);
}

/** Each value of x set to 0 independently with probability dropRate; the others are left exactly as they were (no rescaling, unlike tf.dropout). */
export function maskingNoise<T extends tf.Tensor>(x: T, dropRate: number, seed: number): T {
  if (!(dropRate >= 0 && dropRate <= 1)) throw new Error(`maskingNoise: dropRate must be between 0 and 1, got ${dropRate}`);
  checkSeed(seed, "maskingNoise");
  // Rate 1 is handled apart: a float32 uniform can round up to exactly 1 and would survive u < 1.
  if (dropRate === 1) return tf.zerosLike(x);
  return tf.tidy(() => {
    // u ~ U[0, 1): u < dropRate has probability dropRate, and rate 0 keeps every value.
    const dropped = tf.randomUniform(x.shape, 0, 1, "float32", seed).less(dropRate);
    return tf.where(dropped, tf.zerosLike(x), x);
  }) as T;
}

/** x + ε with ε ~ N(0, stddev²) independently per value, clipped to [0, 1]. */
export function gaussianNoise<T extends tf.Tensor>(x: T, stddev: number, seed: number): T {
  if (!(stddev >= 0 && Number.isFinite(stddev))) throw new Error(`gaussianNoise: stddev must be a finite number ≥ 0, got ${stddev}`);
  checkSeed(seed, "gaussianNoise");
  return tf.tidy(() => tf.clipByValue(tf.add(x, tf.randomNormal(x.shape, 0, stddev, "float32", seed)), 0, 1)) as T;
}

/**
 * Each 28×28 row of x ([n, 784]) blurred with a normalised Gaussian kernel of standard deviation `sigma` pixels,
 * truncated at 3σ (radius ⌈3σ⌉), zero beyond the border as the digits' black background. sigma 0 returns a copy.
 */
export function gaussianBlur(x: tf.Tensor2D, sigma: number): tf.Tensor2D {
  if (!(sigma >= 0 && Number.isFinite(sigma))) throw new Error(`gaussianBlur: sigma must be a finite number ≥ 0 (pixels), got ${sigma}`);
  if (x.rank !== 2 || x.shape[1] !== 784) throw new Error(`gaussianBlur: x must be rows of 28×28 pixels [n, 784], got [${x.shape.join(", ")}]`);
  if (sigma === 0) return x.clone();
  const radius = Math.ceil(3 * sigma);
  const weights = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = weights.reduce((a, b) => a + b, 0);
  return tf.tidy(() => {
    // The 2-D Gaussian is separable: a column pass then a row pass, each a 1-D kernel.
    const kernel = tf.tensor1d(weights.map((w) => w / total));
    const images = x.reshape([-1, 28, 28, 1]) as tf.Tensor4D;
    const vertical = tf.conv2d(images, kernel.reshape([2 * radius + 1, 1, 1, 1]) as tf.Tensor4D, 1, "same");
    return tf.conv2d(vertical, kernel.reshape([1, 2 * radius + 1, 1, 1]) as tf.Tensor4D, 1, "same").reshape([-1, 784]) as tf.Tensor2D;
  });
}
