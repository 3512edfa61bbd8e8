// Small seeded toy data sets for plots: 2-D Gaussians, circles, the swiss roll and Gaussian mixtures
// (the ring of Gaussians is the standard test for GAN mode collapse).
import { categoryProbabilities, normalGenerator, pickCategory, rng, type Random, type Seed } from "./random";

export type ToyData = {
  /** One point per row: [x], [x, y] or [x, y, z]. */
  points: number[][];
  /** Class or mixture component of each point. */
  labels: number[];
  name: string;
};

export type SwissRollData = ToyData & {
  /** The roll parameter of each point, in [1.5π, 4.5π]: colour by it to see the unrolled order. */
  t: number[];
};

export type Mixture1dSpec = {
  means: number[];
  stds: number[];
  /** Relative weights (normalized here); equal if left out. */
  weights?: number[];
};

type Sampler = { uniform: Random; normal: () => number };

function sampler(seed: Seed): Sampler {
  const uniform = rng(seed);
  return { uniform, normal: normalGenerator(uniform) };
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`n (the number of points) must be a whole number ≥ 0, got ${n}`);
}

function times<T>(n: number, make: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

// ---------------------------------------------------------------- correlated Gaussian

/** Lower-triangular L with L·Lᵀ = cov, for a symmetric positive definite 2×2 cov. */
function cholesky2x2(cov: number[][]): [[number, number], [number, number]] {
  const isSymmetric2x2 = cov.length === 2 && cov.every((row) => row.length === 2) && cov[0][1] === cov[1][0];
  if (!isSymmetric2x2) throw new Error(`cov must be a symmetric 2×2 matrix like [[3, 1.5], [1.5, 1]], got ${JSON.stringify(cov)}`);
  const [[a, b], [c, d]] = cov;
  const determinant = a * d - b * c;
  if (!(a > 0) || !(determinant > 0)) {
    throw new Error(
      `cov ${JSON.stringify(cov)} is not positive definite (needs cov[0][0] > 0 and a determinant > 0, found ${a} and ${determinant}): ` +
        `make the off-diagonal smaller than √(cov[0][0]·cov[1][1])`,
    );
  }
  const l11 = Math.sqrt(a);
  const l21 = b / l11;
  return [
    [l11, 0],
    [l21, Math.sqrt(d - l21 * l21)],
  ];
}

/** n points from a 2-D Gaussian with the given mean and covariance (x = mean + L·z, L the Cholesky factor). */
export function correlatedGaussian2d(
  n: number,
  options: { seed: Seed; mean?: number[]; cov?: number[][] },
): ToyData {
  checkCount(n);
  const { mean = [0, 0], cov = [[3, 1.5], [1.5, 1]] } = options;
  if (mean.length !== 2) throw new Error(`mean must have 2 entries, got ${JSON.stringify(mean)}`);
  const [[l11], [l21, l22]] = cholesky2x2(cov);
  const { normal } = sampler(options.seed);
  const points = times(n, () => {
    const z1 = normal();
    const z2 = normal();
    return [mean[0] + l11 * z1, mean[1] + l21 * z1 + l22 * z2];
  });
  return { points, labels: times(n, () => 0), name: "correlated Gaussian" };
}

// ---------------------------------------------------------------- circles and swiss roll

/** Two noisy concentric circles: label 0 on the outer one (radius 1), 1 on the inner one (radius factor). */
export function concentricCircles(n: number, options: { seed: Seed; factor?: number; noise?: number }): ToyData {
  checkCount(n);
  const { factor = 0.5, noise = 0.05 } = options;
  if (!(factor > 0 && factor < 1)) throw new Error(`factor (inner radius / outer radius) must be between 0 and 1, got ${factor}`);
  const { uniform, normal } = sampler(options.seed);
  // Alternating labels keep any prefix of the data balanced.
  const labels = times(n, (i) => i % 2);
  const points = labels.map((label) => {
    const radius = label === 0 ? 1 : factor;
    const angle = 2 * Math.PI * uniform();
    return [radius * Math.cos(angle) + noise * normal(), radius * Math.sin(angle) + noise * normal()];
  });
  return { points, labels, name: "concentric circles" };
}

/** The 3-D swiss roll: x = t cos t, y uniform in [0, 21], z = t sin t, t uniform in [1.5π, 4.5π], plus noise. */
export function swissRoll(n: number, options: { seed: Seed; noise?: number }): SwissRollData {
  checkCount(n);
  const { noise = 0.05 } = options;
  const { uniform, normal } = sampler(options.seed);
  const t = times(n, () => 1.5 * Math.PI * (1 + 2 * uniform()));
  const points = t.map((ti) => [ti * Math.cos(ti) + noise * normal(), 21 * uniform() + noise * normal(), ti * Math.sin(ti) + noise * normal()]);
  // One class: colour by t instead.
  return { points, labels: times(n, () => 0), t, name: "swiss roll" };
}

// ---------------------------------------------------------------- Gaussian mixtures

function normalizedWeights(fn: string, weights: number[] | undefined, components: number): number[] {
  if (components === 0) throw new Error("a mixture needs at least one component (means is empty)");
  if (weights === undefined) return times(components, () => 1 / components);
  if (weights.length !== components) {
    throw new Error(`weights has ${weights.length} entries but there are ${components} components (means); give one weight per component`);
  }
  return categoryProbabilities(fn, weights);
}

function checkMixture1d(fn: string, spec: Mixture1dSpec): number[] {
  const { means, stds } = spec;
  if (stds.length !== means.length) {
    throw new Error(`stds has ${stds.length} entries but means has ${means.length}; give one standard deviation per component`);
  }
  if (stds.some((s) => !(s > 0))) throw new Error(`stds must be > 0, got ${JSON.stringify(stds)}`);
  return normalizedWeights(fn, spec.weights, means.length);
}

/** n points [[x], ...] from a 1-D Gaussian mixture; labels are the components. */
export function gaussianMixture1d(n: number, options: Mixture1dSpec & { seed: Seed }): ToyData {
  checkCount(n);
  const weights = checkMixture1d("gaussianMixture1d", options);
  const { uniform, normal } = sampler(options.seed);
  const labels = times(n, () => pickCategory(weights, uniform));
  const points = labels.map((k) => [options.means[k] + options.stds[k] * normal()]);
  return { points, labels, name: `1-D Gaussian mixture (${weights.length} components)` };
}

/** The exact density of the 1-D Gaussian mixture at x (to plot against samples). */
export function mixtureDensity1d(x: number, spec: Mixture1dSpec): number {
  const weights = checkMixture1d("mixtureDensity1d", spec);
  let density = 0;
  weights.forEach((weight, k) => {
    const z = (x - spec.means[k]) / spec.stds[k];
    density += (weight * Math.exp(-0.5 * z * z)) / (spec.stds[k] * Math.sqrt(2 * Math.PI));
  });
  return density;
}

/** n points from a mixture of isotropic 2-D Gaussians (all with standard deviation std); labels are the components. */
export function gaussianMixture2d(n: number, options: { seed: Seed; means: number[][]; std: number; weights?: number[] }): ToyData {
  checkCount(n);
  const { means, std } = options;
  if (means.some((mean) => mean.length !== 2)) throw new Error(`each mean must be a 2-D point [x, y], got ${JSON.stringify(means)}`);
  if (!(std > 0)) throw new Error(`std must be > 0, got ${std}`);
  const weights = normalizedWeights("gaussianMixture2d", options.weights, means.length);
  const { uniform, normal } = sampler(options.seed);
  const labels = times(n, () => pickCategory(weights, uniform));
  const points = labels.map((k) => [means[k][0] + std * normal(), means[k][1] + std * normal()]);
  return { points, labels, name: `2-D Gaussian mixture (${means.length} components)` };
}

/** The centres of the ring of Gaussians: modes points evenly spaced on a circle of the given radius. */
export function ringMeans(modes = 8, radius = 2): number[][] {
  if (!Number.isInteger(modes) || modes < 1) throw new Error(`modes must be a whole number ≥ 1, got ${modes}`);
  return times(modes, (k) => {
    const angle = (2 * Math.PI * k) / modes;
    return [radius * Math.cos(angle), radius * Math.sin(angle)];
  });
}

/** The standard deviation of each mode of the ring of Gaussians, by default. */
export const RING_MODE_STD = 0.02;

/** The standard mode-collapse toy: equal Gaussians evenly spaced on a circle; labels are the modes. */
export function ringOfGaussians(n: number, options: { seed: Seed; modes?: number; radius?: number; std?: number }): ToyData {
  const { seed, modes = 8, radius = 2, std = RING_MODE_STD } = options;
  const data = gaussianMixture2d(n, { seed, means: ringMeans(modes, radius), std });
  return { ...data, name: `ring of ${modes} Gaussians` };
}
