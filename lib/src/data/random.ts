// Seeded randomness: the same seed gives the same numbers on every machine, so notebook results
// (shuffles, toy data sets, samples) can be reproduced exactly.
import seedrandom from "seedrandom";

export type Seed = number | string;

/** A uniform generator on [0, 1). */
export type Random = () => number;

function checkSeed(seed: Seed): void {
  if (typeof seed === "number" && !Number.isFinite(seed)) {
    throw new Error(`seed must be a finite number or a string, got ${seed}`);
  }
}

/** A seeded uniform generator on [0, 1) (seedrandom's ARC4). */
export function rng(seed: Seed): Random {
  checkSeed(seed);
  return seedrandom(String(seed));
}

/** A seed for "fresh randomness" when the caller gave none. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

function checkCount(count: number, name: string): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new Error(`${name} must be a whole number ≥ 0, got ${count}`);
  }
}

/** A uniform integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** Shuffles `values` in place (Fisher–Yates) and returns it. */
export function shuffleInPlace<T extends { length: number; [index: number]: number }>(values: T, random: Random): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const kept = values[i];
    values[i] = values[j];
    values[j] = kept;
  }
  return values;
}

/** Weights ≥ 0, not all 0, as probabilities (weight / Σ weights); fn names the caller in the messages. */
export function categoryProbabilities(fn: string, weights: readonly number[]): number[] {
  if (weights.length === 0 || weights.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new Error(`${fn}: weights must be a non-empty list of finite numbers ≥ 0, got [${weights.join(", ")}]`);
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total === 0) throw new Error(`${fn}: the weights are all 0; give at least one category a positive weight`);
  return weights.map((w) => w / total);
}

/** A category index drawn with the given probabilities (summing to 1; the last index if rounding leaves some over). */
export function pickCategory(probabilities: readonly number[], uniform: Random): number {
  let u = uniform();
  for (let k = 0; k < probabilities.length - 1; k++) {
    u -= probabilities[k];
    if (u < 0) return k;
  }
  return probabilities.length - 1;
}

/** `count` seeded draws of a category k with probability weights[k] / Σ weights (e.g. clusters in proportion to their sizes). */
export function drawCategories(weights: readonly number[], count: number, seed: Seed): Int32Array {
  const probabilities = categoryProbabilities("drawCategories", weights);
  checkCount(count, "count");
  const uniform = rng(seed);
  return Int32Array.from({ length: count }, () => pickCategory(probabilities, uniform));
}

/** A random permutation of 0..n-1. */
export function shuffledIndices(n: number, seed: Seed): Int32Array {
  checkCount(n, "n");
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  return shuffleInPlace(indices, rng(seed));
}

/**
 * A standard normal generator (Box–Muller) driven by a uniform one. Each pair of uniforms gives
 * two independent normals; the second is kept for the next call.
 */
export function normalGenerator(random: Random): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u1 = 1 - random(); // in (0, 1], so the logarithm is finite
    const u2 = random();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };
}

/** `count` independent standard normal samples. */
export function normalSamples(count: number, seed: Seed): Float32Array {
  checkCount(count, "count");
  const normal = normalGenerator(rng(seed));
  const samples = new Float32Array(count);
  for (let i = 0; i < count; i++) samples[i] = normal();
  return samples;
}
