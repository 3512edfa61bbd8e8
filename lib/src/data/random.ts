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
