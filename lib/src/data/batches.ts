// Mini-batches, row gathering, class-balanced subsets and dynamic binarization.
import * as tf from "@tensorflow/tfjs";
import { randomSeed, rng, shuffleInPlace, shuffledIndices, type Seed } from "./random";

export type BatchOptions = {
  /** Seed of the shuffle; without one, every call shuffles differently. */
  seed?: Seed;
  /** Shuffle the order (default true). */
  shuffle?: boolean;
  /** Leave out the last batch if it is smaller than batchSize (default false). */
  dropLast?: boolean;
};

function checkWholeNumber(value: number, name: string, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`${name} must be a whole number ≥ ${minimum}, got ${value}`);
  }
}

/** Splits 0..n-1 into batches of batchSize indices; together they cover every index once. */
export function batchIndices(n: number, batchSize: number, options: BatchOptions = {}): Int32Array[] {
  checkWholeNumber(n, "n", 0);
  checkWholeNumber(batchSize, "batchSize", 1);
  const { shuffle = true, dropLast = false } = options;
  const order = shuffle ? shuffledIndices(n, options.seed ?? randomSeed()) : Int32Array.from({ length: n }, (_, i) => i);
  const batches: Int32Array[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    if (dropLast && end - start < batchSize) break;
    batches.push(order.subarray(start, end));
  }
  return batches;
}

/** The rows `indices` of a row-major array of rows of rowLength numbers, copied into a new array. */
export function gatherRows(images: Float32Array, rowLength: number, indices: ArrayLike<number>): Float32Array {
  checkWholeNumber(rowLength, "rowLength", 1);
  if (images.length % rowLength !== 0) {
    throw new Error(`gatherRows: the array's length ${images.length} is not a multiple of rowLength ${rowLength}; check rowLength (784 for MNIST)`);
  }
  const rowCount = images.length / rowLength;
  const gathered = new Float32Array(indices.length * rowLength);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i];
    if (!Number.isInteger(row) || row < 0 || row >= rowCount) {
      throw new Error(`gatherRows: index ${row} (position ${i}) is outside 0..${rowCount - 1}`);
    }
    gathered.set(images.subarray(row * rowLength, (row + 1) * rowLength), i * rowLength);
  }
  return gathered;
}

/**
 * perClass randomly chosen indices of each class (e.g. 10 labelled digits per class for few-label
 * classification), in increasing order. Classes are 0..(largest label).
 */
export function subsetByClass(split: { labels: ArrayLike<number> }, perClass: number, seed: Seed): Int32Array {
  checkWholeNumber(perClass, "perClass", 1);
  const byClass = indicesByClass(split.labels);
  const random = rng(seed);
  const chosen: number[] = [];
  byClass.forEach((indices, label) => {
    if (indices.length < perClass) {
      throw new Error(`subsetByClass: class ${label} has only ${indices.length} examples, fewer than perClass = ${perClass}; ask for fewer per class`);
    }
    chosen.push(...shuffleInPlace(indices, random).slice(0, perClass));
  });
  return Int32Array.from(chosen).sort();
}

function indicesByClass(labels: ArrayLike<number>): number[][] {
  const byClass: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0) throw new Error(`subsetByClass: label ${label} at index ${i} is not a class index (a whole number ≥ 0)`);
    while (byClass.length <= label) byClass.push([]);
    byClass[label].push(i);
  }
  return byClass;
}

/**
 * Dynamic binarization: each value p in [0, 1] becomes 1 with probability p, else 0, freshly on
 * every call (unless seeded), so a model trained on binary pixels sees a new sample each epoch.
 */
export function binarize<T extends tf.Tensor>(x: T, seed?: Seed): T {
  return tf.tidy(() => {
    const uniform = tf.randomUniform(x.shape, 0, 1, "float32", seed);
    return tf.cast(tf.less(uniform, x), "float32");
  }) as T;
}
