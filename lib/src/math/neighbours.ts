// Nearest neighbours in Euclidean distance: retrieval and 1-nearest-neighbour classification, in
// code space or in pixel space. Chunked over the queries so that all of MNIST (10,000 queries ×
// 60,000 images × 784 pixels) fits in memory.
import * as tf from "@tensorflow/tfjs";

export interface NeighbourOptions {
  /** Queries per chunk. By default as many as keep a chunk's [queries, database] scores and its candidate rows near 2²³ values each. */
  chunkSize?: number;
}

const VALUES_PER_CHUNK = 2 ** 23;
/** Candidates beyond k that are re-ranked exactly, so that float32 round-off cannot reorder (near-)ties. */
const RERANK_MARGIN = 8;

function checkMatrix(x: tf.Tensor, name: string, where: string): void {
  if (x.rank !== 2) throw new Error(`${where}: ${name} must be a 2-D tensor [rows, features], got shape [${x.shape.join(", ")}]`);
}

/**
 * For each row of queries, the indices of the k rows of database nearest in Euclidean distance,
 * nearest first; equal distances list the lower index first.
 */
export function nearestNeighbours(queries: tf.Tensor2D, database: tf.Tensor2D, k: number, options: NeighbourOptions = {}): number[][] {
  const where = "nearestNeighbours";
  checkMatrix(queries, "queries", where);
  checkMatrix(database, "database", where);
  const [queryCount, features] = queries.shape;
  const size = database.shape[0];
  if (database.shape[1] !== features) {
    throw new Error(`${where}: queries have ${features} features per row but the database rows have ${database.shape[1]}; compare codes with codes, pixels with pixels`);
  }
  if (size === 0) throw new Error(`${where}: the database has no rows`);
  if (!Number.isInteger(k) || k < 1 || k > size) throw new Error(`${where}: k must be a whole number between 1 and the database's ${size} rows, got ${k}`);
  const candidates = Math.min(size, k + RERANK_MARGIN);
  const chunkSize = options.chunkSize ?? Math.max(1, Math.floor(VALUES_PER_CHUNK / Math.max(size, candidates * features)));
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new Error(`${where}: chunkSize must be a whole number ≥ 1, got ${chunkSize}`);

  const norms = tf.tidy(() => tf.sum(tf.square(database), 1));
  const neighbours: number[][] = [];
  try {
    for (let start = 0; start < queryCount; start += chunkSize) {
      const rows = Math.min(chunkSize, queryCount - start);
      const [chunk, indices, gathered] = tf.tidy(() => {
        const chunk = tf.slice(queries, [start, 0], [rows, features]);
        // ‖q − x‖² = ‖q‖² − 2q·x + ‖x‖², and ‖q‖² is the same for every x: ranking by
        // 2q·x − ‖x‖² (largest first) needs one matMul, not a [rows, size, features] difference.
        const scores = tf.sub(tf.matMul(tf.mul(chunk, 2), database, false, true), norms);
        const { indices } = tf.topk(scores, candidates);
        return [chunk, indices, tf.gather(database, tf.reshape(indices, [-1]))];
      });
      const queryValues = chunk.dataSync();
      const candidateIndices = indices.dataSync();
      const candidateValues = gathered.dataSync();
      tf.dispose([chunk, indices, gathered]);
      for (let r = 0; r < rows; r++) {
        // The expansion cancels digits (large norms, small distance); the direct sum in float64 does not.
        const ranked = Array.from({ length: candidates }, (_, c) => {
          const offset = (r * candidates + c) * features;
          let squared = 0;
          for (let j = 0; j < features; j++) {
            const difference = queryValues[r * features + j] - candidateValues[offset + j];
            squared += difference * difference;
          }
          return { index: candidateIndices[r * candidates + c], squared };
        });
        ranked.sort((a, b) => a.squared - b.squared || a.index - b.index);
        neighbours.push(ranked.slice(0, k).map((entry) => entry.index));
      }
    }
  } finally {
    norms.dispose();
  }
  return neighbours;
}

/** The 1-nearest-neighbour classifier: each test row gets the label of its nearest training row (the lower index on ties). */
export function classifyByNearestNeighbour(
  trainFeatures: tf.Tensor2D,
  trainLabels: ArrayLike<number>,
  testFeatures: tf.Tensor2D,
  options: NeighbourOptions = {},
): number[] {
  checkMatrix(trainFeatures, "trainFeatures", "classifyByNearestNeighbour");
  if (trainLabels.length !== trainFeatures.shape[0]) {
    throw new Error(`classifyByNearestNeighbour: ${trainLabels.length} labels for ${trainFeatures.shape[0]} training rows; give one label per row of trainFeatures`);
  }
  return nearestNeighbours(testFeatures, trainFeatures, 1, options).map(([nearest]) => trainLabels[nearest]);
}
