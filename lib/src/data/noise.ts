// Corruptions for denoising autoencoders: masking noise (Vincent et al. 2008: each input value set
// to 0 with some probability) and additive Gaussian noise kept in the pixel range [0, 1]. Seeded,
// so a notebook shows the same corrupted digits on every run.
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
