// k-means clusters on principal components, and draws of categories in proportion to weights: the pseudo-labels of
// the cluster-conditioned DCGAN. Blobs far apart in a few directions of many must come back as the same partition,
// and draws must follow their weights.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { drawCategories, normalSamples } from "../lib/src/data/random";
import { kmeansClusters } from "../lib/src/math/clusters";

/** count rows of 20 values: noise N(0, 0.1²), plus 5 in the blob's own coordinate (blob b moves coordinate 3b). */
function blobs(sizes: number[]): { rows: Float32Array; truth: number[] } {
  const count = sizes.reduce((a, b) => a + b, 0);
  const rows = normalSamples(count * 20, 3).map((v) => 0.1 * v);
  const truth: number[] = [];
  sizes.forEach((size, blob) => {
    for (let i = 0; i < size; i++) {
      rows[truth.length * 20 + 3 * blob] += 5;
      truth.push(blob);
    }
  });
  return { rows, truth };
}

describe("kmeansClusters", () => {
  it("finds well-separated blobs on a few principal components: the same partition as the truth, and their sizes", async () => {
    const sizes = [50, 100, 150];
    const { rows, truth } = blobs(sizes);
    const before = tf.memory().numTensors;
    const clusters = await kmeansClusters(rows, 20, { clusters: 3, components: 4, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(clusters.assignments).toHaveLength(300);
    // A cluster holds exactly one blob: map each blob to the cluster of its first row.
    const clusterOf = sizes.map((_, blob) => clusters.assignments[truth.indexOf(blob)]);
    expect(new Set(clusterOf).size).toBe(3);
    truth.forEach((blob, i) => expect(clusters.assignments[i]).toBe(clusterOf[blob]));
    sizes.forEach((size, blob) => expect(clusters.sizes[clusterOf[blob]]).toBe(size));
    expect(clusters.iterations).toBeGreaterThan(0);
    expect(await kmeansClusters(rows, 20, { clusters: 3, components: 4, seed: 1 })).toEqual(clusters);
  });

  it("says what is wrong with its input", async () => {
    const { rows } = blobs([5, 5]);
    await expect(kmeansClusters(rows.subarray(0, 30), 20, { clusters: 2, components: 2, seed: 1 })).rejects.toThrow(/30 values are not a whole, non-zero number of rows of 20/);
    await expect(kmeansClusters(rows, 20, { clusters: 11, components: 2, seed: 1 })).rejects.toThrow(/clusters must be a whole number from 2 to the number of rows \(10\), got 11/);
    await expect(kmeansClusters(rows, 20, { clusters: 2, components: 21, seed: 1 })).rejects.toThrow(/components must be a whole number from 1 to 20, got 21/);
  });
});

describe("drawCategories", () => {
  it("draws each category in its share of the weights (within 4 standard errors of 100,000 draws), never one of weight 0, the same from the same seed", () => {
    const weights = [50, 0, 30, 15, 5];
    const shares = weights.map((w) => w / 100);
    const n = 100_000;
    const draws = drawCategories(weights, n, 7);
    const counts = shares.map((_, k) => draws.filter((d) => d === k).length);
    expect(counts[1]).toBe(0);
    shares.forEach((p, k) => expect(Math.abs(counts[k] / n - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / n)));
    // Shares that sum to 1 only up to rounding (as result.json keeps them) draw the same.
    expect(drawCategories([0.50001, 0, 0.3, 0.15, 0.05], 50, 7)).toEqual(draws.subarray(0, 50));
    expect(drawCategories(weights, 50, 8)).not.toEqual(draws.subarray(0, 50));
  });

  it("says what is wrong with the weights or the count", () => {
    expect(() => drawCategories([0, 0], 3, 1)).toThrow(/the weights are all 0; give at least one category a positive weight/);
    expect(() => drawCategories([1.5, -0.5], 3, 1)).toThrow(/weights must be a non-empty list of finite numbers ≥ 0, got \[1\.5, -0\.5\]/);
    expect(() => drawCategories([], 3, 1)).toThrow(/non-empty/);
    expect(() => drawCategories([1], 2.5, 1)).toThrow(/count must be a whole number ≥ 0, got 2\.5/);
  });
});
