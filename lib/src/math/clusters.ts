// k-means clusters of images on their first principal components (Lloyd's algorithm with k-means++ seeding, from
// ml-kmeans). A self-conditioned GAN (Liu et al. 2020) conditions its generator and discriminator on such clusters
// instead of on labels: each cluster is a simpler distribution than the whole data, and drawing the cluster from its
// share of the data (data/random.ts' drawCategories) keeps the mixture's proportions. No label is used.
import * as tf from "@tensorflow/tfjs";
import { kmeans } from "ml-kmeans";
import { disposePca, fitPca, pcaEncode } from "./pca";

export interface ImageClusters {
  /** The cluster of each row, a whole number in [0, clusters). */
  assignments: Int32Array;
  /** The number of rows in each cluster: a cluster's share of the data, the prior to draw it from, is its size / rows. */
  sizes: number[];
  /** Lloyd iterations run (at most maxIterations). */
  iterations: number;
}

export interface ClusterOptions {
  clusters: number;
  /** The rows are clustered on their first `components` principal components (PCA fitted to the same rows). */
  components: number;
  /** Seeds k-means++'s choice of the first centres. */
  seed: number;
  /** Default 100, ml-kmeans' default. */
  maxIterations?: number;
}

/** k-means on the first principal components of row-major rows of rowLength values. */
export async function kmeansClusters(rows: Float32Array, rowLength: number, options: ClusterOptions): Promise<ImageClusters> {
  const fn = "kmeansClusters";
  const count = rows.length / rowLength;
  if (!Number.isInteger(rowLength) || rowLength < 1 || !Number.isInteger(count) || count < 1) throw new Error(`${fn}: ${rows.length} values are not a whole, non-zero number of rows of ${rowLength}`);
  const { clusters, components } = options;
  if (!Number.isInteger(clusters) || clusters < 2 || clusters > count) throw new Error(`${fn}: clusters must be a whole number from 2 to the number of rows (${count}), got ${clusters}`);
  if (!Number.isInteger(components) || components < 1 || components > rowLength) throw new Error(`${fn}: components must be a whole number from 1 to ${rowLength}, got ${components}`);
  const x = tf.tensor2d(rows, [count, rowLength]);
  const pca = await fitPca(x, { components });
  const projected = pcaEncode(pca, x, components);
  const points = projected.arraySync() as number[][];
  tf.dispose([x, projected]);
  disposePca(pca);
  const result = kmeans(points, clusters, { initialization: "kmeans++", seed: options.seed, maxIterations: options.maxIterations ?? 100 });
  const assignments = Int32Array.from(result.clusters);
  const sizes = new Array<number>(clusters).fill(0);
  for (const cluster of assignments) sizes[cluster]++;
  return { assignments, sizes, iterations: result.iterations };
}
