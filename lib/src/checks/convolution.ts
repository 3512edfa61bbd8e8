// Visible checks of notebook 03 (transposed convolution as a matrix). Hidden cases live in
// tests/hidden/convolution.ts. Expected values come from the slides' worked example, brute-force
// loops in plain JS (the scatter form of the transposed convolution) and TensorFlow's own ops.
import * as tf from "@tensorflow/tfjs";
import { expectClose, expectShape, expectTensorClose, expectTrue, fail } from "./assert";
import { defineExercise } from "./runner";

export type ConvOptions = { stride: number; padding: "valid" | "same" };
export type ConvOutputSize = (inputSize: number, kernelSize: number, stride: number, padding: number) => number;
export type TransposedOutputSize = (inputSize: number, kernelSize: number, stride: number, padding: number, extra: number) => number;
export type ConvMatrix = (kernel: tf.Tensor4D, inputShape: [number, number, number], options: ConvOptions) => tf.Tensor2D;
export type TransposedConv = (kernel: tf.Tensor4D, y: tf.Tensor3D, outputShape: [number, number, number], options: ConvOptions) => tf.Tensor3D;
export type ConvInputGradient = (kernel: tf.Tensor4D, x: tf.Tensor3D, upstream: tf.Tensor3D, options: ConvOptions) => tf.Tensor3D;

/** One convolution to test: image [h, w, in], kernel [kh, kw, in, out], stride and padding. */
export interface ConvCase {
  height: number;
  width: number;
  kernelHeight: number;
  kernelWidth: number;
  inChannels: number;
  outChannels: number;
  stride: number;
  padding: "valid" | "same";
  seed: number;
}

export function describeCase(c: ConvCase): string {
  return `${c.height}×${c.width}×${c.inChannels} input, ${c.kernelHeight}×${c.kernelWidth}×${c.inChannels}×${c.outChannels} kernel, stride ${c.stride}, '${c.padding}'`;
}

/** Seeded normal values for a case's kernel and input (and a second seed for an upstream gradient). */
export function caseTensors(c: ConvCase): { kernel: tf.Tensor4D; x: tf.Tensor3D } {
  return {
    kernel: tf.randomNormal([c.kernelHeight, c.kernelWidth, c.inChannels, c.outChannels], 0, 1, "float32", c.seed) as tf.Tensor4D,
    x: tf.randomNormal([c.height, c.width, c.inChannels], 0, 1, "float32", c.seed + 1) as tf.Tensor3D,
  };
}

/** The shape tf.conv2d gives for an i×i image with p zeros around it (the native backend takes only 'valid' / 'same'). */
export function paddedConvolutionShape(inputSize: number, kernelSize: number, stride: number, padding: number): number[] {
  const padded = tf.zeros([inputSize + 2 * padding, inputSize + 2 * padding, 1]) as tf.Tensor3D;
  return tf.conv2d(padded, tf.zeros([kernelSize, kernelSize, 1, 1]) as tf.Tensor4D, stride, "valid").shape;
}

/** A size must be exactly this whole number. */
export function expectSize(got: unknown, want: number, what: string): void {
  if (typeof got !== "number") fail(`${what}: expected the number ${want}, got ${got === undefined ? "undefined (did the function forget to return?)" : typeof got}`);
  if (got !== want) fail(`${what}: expected ${want}, got ${got}`);
}

export function convOptions(c: ConvCase): ConvOptions {
  return { stride: c.stride, padding: c.padding };
}

/** The 3×3 kernel of the slides, w₀ … w₈ = 1 … 9 row by row, as [3, 3, 1, 1]. */
export function slideKernel(): tf.Tensor4D {
  return tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3, 1, 1]);
}

/**
 * The slides' W (4×16) worked by hand: output yᵣ, r = 2·oy + ox, reads xⱼ with j = 4·oy + ox +
 * [0, 1, 2, 4, 5, 6, 8, 9, 10] through w₀ … w₈. With wᵢ = i + 1.
 */
export function slideMatrix(): number[] {
  const offsets = [0, 1, 2, 4, 5, 6, 8, 9, 10];
  const matrix = new Array<number>(4 * 16).fill(0);
  [0, 1, 4, 5].forEach((shift, row) => offsets.forEach((offset, i) => (matrix[row * 16 + shift + offset] = i + 1)));
  return matrix;
}

/**
 * Brute-force transposed convolution in its scatter form: each input value y'[oy, ox, co] adds
 * kernel[ky, kx, ci, co]·y' to x'[oy·s + ky − top, ox·s + kx − left, ci]. Padding as TensorFlow's
 * forward convolution of an outputShape image. Plain JS, float64.
 */
export function bruteForceTransposed(kernel: ArrayLike<number>, kernelShape: number[], y: ArrayLike<number>, yShape: number[], outputShape: number[], options: ConvOptions): number[] {
  const [kh, kw, inChannels, outChannels] = kernelShape;
  const [h, w] = outputShape;
  const before = (size: number, k: number) => {
    if (options.padding === "valid") return 0;
    const out = Math.ceil(size / options.stride);
    return Math.floor(Math.max((out - 1) * options.stride + k - size, 0) / 2);
  };
  const [top, left] = [before(h, kh), before(w, kw)];
  const out = new Array<number>(h * w * inChannels).fill(0);
  for (let oy = 0; oy < yShape[0]; oy++) {
    for (let ox = 0; ox < yShape[1]; ox++) {
      for (let co = 0; co < outChannels; co++) {
        const value = y[(oy * yShape[1] + ox) * outChannels + co];
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const [iy, ix] = [oy * options.stride + ky - top, ox * options.stride + kx - left];
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (let ci = 0; ci < inChannels; ci++) out[(iy * w + ix) * inChannels + ci] += kernel[((ky * kw + kx) * inChannels + ci) * outChannels + co] * value;
          }
        }
      }
    }
  }
  return out;
}

/** W·vec(x) must equal tf.conv2d(x) for the case. */
export function expectConvMatrixMatches(convMatrix: ConvMatrix, c: ConvCase): void {
  const { kernel, x } = caseTensors(c);
  const y = tf.conv2d(x, kernel, c.stride, c.padding);
  const rows = y.size;
  const columns = c.height * c.width * c.inChannels;
  const matrix = expectShape(convMatrix(kernel, [c.height, c.width, c.inChannels], convOptions(c)), [rows, columns], `W for a ${describeCase(c)} (output ${y.shape.join("×")})`);
  const product = tf.matMul(matrix as tf.Tensor2D, x.reshape([-1, 1]));
  expectClose(product.dataSync(), y.dataSync(), `W·vec(x) vs tf.conv2d (${describeCase(c)}), output [oy, ox, channel]`, 1e-4, y.shape);
}

/**
 * A transposed convolution must equal tf.conv2dTranspose and the brute-force scatter. The output
 * size is the forward input size: `extra` (a) picks among the sizes that give the same y'.
 */
export function expectTransposedMatches(transposed: TransposedConv, c: ConvCase, what: string): void {
  const { kernel, x } = caseTensors(c);
  const outputShape: [number, number, number] = [c.height, c.width, c.inChannels];
  const yShape = tf.conv2d(x, kernel, c.stride, c.padding).shape as [number, number, number];
  const y = tf.randomNormal(yShape, 0, 1, "float32", c.seed + 2) as tf.Tensor3D;
  const got = expectShape(transposed(kernel, y, outputShape, convOptions(c)), outputShape, `${what} of a [${yShape.join(", ")}] y' back to [${outputShape.join(", ")}]`);
  const reference = tf.conv2dTranspose(y, kernel, outputShape, c.stride, c.padding);
  expectClose(got.dataSync(), reference.dataSync(), `${what} vs tf.conv2dTranspose (${describeCase(c)}), x' [row, column, channel]`, 1e-4, outputShape);
  const scatter = bruteForceTransposed(kernel.dataSync(), kernel.shape, y.dataSync(), yShape, outputShape, convOptions(c));
  expectClose(got.dataSync(), scatter, `${what} vs a brute-force scatter loop (${describeCase(c)})`, 1e-4, outputShape);
}

/** The gradient must equal tf.conv2dTranspose of the upstream gradient, and satisfy ⟨Wx, g⟩ = ⟨x, Wᵀg⟩. */
export function expectGradientMatches(convInputGradient: ConvInputGradient, c: ConvCase): void {
  const { kernel, x } = caseTensors(c);
  const y = tf.conv2d(x, kernel, c.stride, c.padding);
  const upstream = tf.randomNormal(y.shape, 0, 1, "float32", c.seed + 3) as tf.Tensor3D;
  const got = expectShape(convInputGradient(kernel, x, upstream, convOptions(c)), x.shape, `∂L/∂x (${describeCase(c)})`);
  const reference = tf.conv2dTranspose(upstream, kernel, x.shape, c.stride, c.padding);
  expectClose(got.dataSync(), reference.dataSync(), `∂L/∂x vs tf.conv2dTranspose of the upstream gradient (${describeCase(c)})`, 1e-4, x.shape);
  const left = tf.sum(y.mul(upstream)).dataSync()[0];
  const right = tf.sum(x.mul(got as tf.Tensor3D)).dataSync()[0];
  expectClose([right], [left], "adjoint property ⟨x, ∂L/∂x⟩ = ⟨Wx, g⟩", 1e-3);
}

export const outputSizeExercise = defineExercise<ConvOutputSize>({
  id: "convolution.outputSize",
  functionName: "convOutputSize",
  title: "Output size of a convolution",
  cases: [
    {
      name: "the slides' 4×4 input, 3×3 kernel, stride 1, no padding: 2",
      kind: "closed form",
      points: 1,
      run(convOutputSize) {
        expectSize(convOutputSize(4, 3, 1, 0), 2, "o for i = 4, k = 3, s = 1, p = 0");
      },
    },
    {
      name: "sizes worked by hand: 5,3,2,1 → 3; 28,5,1,2 → 28; 7,2,3,0 → 2; 6,4,3,1 → 2",
      kind: "closed form",
      points: 1,
      run(convOutputSize) {
        const cases = [[5, 3, 2, 1, 3], [28, 5, 1, 2, 28], [7, 2, 3, 0, 2], [6, 4, 3, 1, 2]];
        for (const [i, k, s, p, o] of cases) expectSize(convOutputSize(i, k, s, p), o, `o for i = ${i}, k = ${k}, s = ${s}, p = ${p}`);
      },
    },
    {
      name: "agrees with the shape of tf.conv2d for 20 seeded sizes, strides 1–3, padding 0–2",
      kind: "library",
      points: 1,
      run(convOutputSize) {
        let state = 12345;
        const next = (n: number) => (state = (state * 1103515245 + 12345) % 2147483648) % n;
        for (let trial = 0; trial < 20; trial++) {
          const [k, s, p] = [1 + next(4), 1 + next(3), next(3)];
          const i = Math.max(1, k - 2 * p) + next(7);
          const shape = paddedConvolutionShape(i, k, s, p);
          expectSize(convOutputSize(i, k, s, p), shape[0], `o for i = ${i}, k = ${k}, s = ${s}, p = ${p} (the shape tf.conv2d gives)`);
        }
      },
    },
  ],
});

export const transposedOutputSizeExercise = defineExercise<TransposedOutputSize>({
  id: "convolution.transposedOutputSize",
  functionName: "transposedOutputSize",
  title: "Output size of a transposed convolution",
  cases: [
    {
      name: "the slides' 2×2 input, 3×3 kernel, stride 1, no padding: 4",
      kind: "closed form",
      points: 1,
      run(transposedOutputSize) {
        expectSize(transposedOutputSize(2, 3, 1, 0, 0), 4, "o' for i' = 2, k = 3, s = 1, p = 0, a = 0");
      },
    },
    {
      name: "stride 2 doubles: 3,3,2,1,a=1 → 6 and a=0 → 5; 4,4,2,1,0 → 8",
      kind: "closed form",
      points: 1,
      run(transposedOutputSize) {
        const cases = [[3, 3, 2, 1, 1, 6], [3, 3, 2, 1, 0, 5], [4, 4, 2, 1, 0, 8]];
        for (const [i, k, s, p, a, o] of cases) expectSize(transposedOutputSize(i, k, s, p, a), o, `o' for i' = ${i}, k = ${k}, s = ${s}, p = ${p}, a = ${a}`);
      },
    },
    {
      name: "tf.conv2d maps every o' (each a < s) back to i'",
      kind: "library",
      points: 1,
      run(transposedOutputSize) {
        for (const [i, k, s, p] of [[3, 3, 2, 1], [2, 4, 3, 0], [5, 2, 2, 0], [4, 5, 3, 2]]) {
          for (let a = 0; a < s; a++) {
            const o = transposedOutputSize(i, k, s, p, a);
            expectTrue(Number.isInteger(o) && o > 0, `o' for i' = ${i}, k = ${k}, s = ${s}, p = ${p}, a = ${a}: expected a whole number ≥ 1, got ${o}`);
            const back = paddedConvolutionShape(o, k, s, p)[0];
            if (back !== i) fail(`o' = ${o} for i' = ${i}, k = ${k}, s = ${s}, p = ${p}, a = ${a}: a convolution of size ${o} gives ${back}, not i' = ${i}`);
          }
        }
      },
    },
  ],
});

export const convMatrixExercise = defineExercise<ConvMatrix>({
  id: "convolution.convMatrix",
  functionName: "convMatrix",
  title: "The convolution matrix W",
  cases: [
    {
      name: "the slides' example: 4×4 input, 3×3 kernel w₀…w₈ = 1…9, stride 1, 'valid' → the 4×16 W",
      kind: "closed form",
      points: 1,
      run(convMatrix) {
        expectTensorClose(convMatrix(slideKernel(), [4, 4, 1], { stride: 1, padding: "valid" }), slideMatrix(), [4, 16], "W [row yᵣ, column xⱼ]", 0);
      },
    },
    {
      name: "W·vec(x) = tf.conv2d(x), one channel, strides 1–3, 'valid' and 'same'",
      kind: "library",
      points: 1,
      run(convMatrix) {
        const base = { inChannels: 1, outChannels: 1 };
        expectConvMatrixMatches(convMatrix, { ...base, height: 5, width: 6, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: "same", seed: 1 });
        expectConvMatrixMatches(convMatrix, { ...base, height: 7, width: 5, kernelHeight: 3, kernelWidth: 2, stride: 2, padding: "valid", seed: 2 });
        expectConvMatrixMatches(convMatrix, { ...base, height: 8, width: 7, kernelHeight: 3, kernelWidth: 3, stride: 3, padding: "same", seed: 3 });
      },
    },
    {
      name: "'same' with an odd total padding (the extra zero goes bottom/right): 4×4, kernel 2×2, stride 1",
      kind: "library",
      points: 1,
      run(convMatrix) {
        expectConvMatrixMatches(convMatrix, { height: 4, width: 4, kernelHeight: 2, kernelWidth: 2, inChannels: 1, outChannels: 1, stride: 1, padding: "same", seed: 4 });
      },
    },
    {
      name: "several channels: a block matrix, 2 in, 3 out",
      kind: "library",
      points: 1,
      run(convMatrix) {
        expectConvMatrixMatches(convMatrix, { height: 5, width: 5, kernelHeight: 3, kernelWidth: 3, inChannels: 2, outChannels: 3, stride: 2, padding: "same", seed: 5 });
      },
    },
  ],
});

/** Wᵀv for the slides' 4×16 W and a 2×2 output v (flattened): x'ⱼ = Σᵣ W[r, j] vᵣ. */
function slideTransposedTimes(v: number[]): number[] {
  const matrix = slideMatrix();
  return Array.from({ length: 16 }, (_, j) => v.reduce((sum, value, r) => sum + matrix[r * 16 + j] * value, 0));
}

const transposedCases = (what: string): { name: string; kind: string; points: number; run(transposed: TransposedConv): void }[] => [
  {
    name: "the slides' example: 2×2 y' → 4×4 x', kernel w₀…w₈ = 1…9, stride 1, 'valid'",
    kind: "closed form",
    points: 1,
    run(transposed) {
      // x'ⱼ = Σᵣ W[r, j] y'ᵣ with the hand-worked W and y' = (1, 10, 100, 1000): each x'ⱼ spells its weights.
      const y = [1, 10, 100, 1000];
      expectTensorClose(transposed(slideKernel(), tf.tensor3d(y, [2, 2, 1]), [4, 4, 1], { stride: 1, padding: "valid" }), slideTransposedTimes(y), [4, 4, 1], "x' = Wᵀy'", 0);
    },
  },
  {
    name: "equals tf.conv2dTranspose and a scatter loop: strides 1–3, 'valid' and 'same', one channel",
    kind: "library",
    points: 1,
    run(transposed) {
      const base = { inChannels: 1, outChannels: 1 };
      expectTransposedMatches(transposed, { ...base, height: 5, width: 5, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: "same", seed: 11 }, what);
      expectTransposedMatches(transposed, { ...base, height: 7, width: 6, kernelHeight: 3, kernelWidth: 2, stride: 2, padding: "valid", seed: 12 }, what);
      expectTransposedMatches(transposed, { ...base, height: 8, width: 9, kernelHeight: 4, kernelWidth: 3, stride: 3, padding: "same", seed: 13 }, what);
    },
  },
  {
    name: "the output-shape ambiguity: 7×7 and 8×8 both give 4×4 at stride 2; each is recovered",
    kind: "library",
    points: 1,
    run(transposed) {
      const base = { kernelHeight: 3, kernelWidth: 3, inChannels: 1, outChannels: 1, stride: 2, padding: "same" as const };
      expectTransposedMatches(transposed, { ...base, height: 7, width: 7, seed: 14 }, what);
      expectTransposedMatches(transposed, { ...base, height: 8, width: 8, seed: 15 }, what);
    },
  },
  {
    name: "several channels: 2 in, 3 out, stride 2",
    kind: "library",
    points: 1,
    run(transposed) {
      expectTransposedMatches(transposed, { height: 6, width: 5, kernelHeight: 3, kernelWidth: 3, inChannels: 2, outChannels: 3, stride: 2, padding: "valid", seed: 16 }, what);
    },
  },
];

export const transposedViaMatrixExercise = defineExercise<TransposedConv>({
  id: "convolution.transposedViaMatrix",
  functionName: "transposedConvViaMatrix",
  title: "Transposed convolution as Wᵀ·vec(y')",
  cases: transposedCases("Wᵀ·vec(y')"),
});

export const transposedViaDirectExercise = defineExercise<TransposedConv>({
  id: "convolution.transposedViaDirect",
  functionName: "transposedConvViaDirect",
  title: "Transposed convolution as a padded direct convolution",
  cases: transposedCases("the padded direct convolution"),
});

export const gradientExercise = defineExercise<ConvInputGradient>({
  id: "convolution.gradient",
  functionName: "convInputGradient",
  title: "The gradient of a convolution is a transposed convolution",
  cases: [
    {
      name: "the slides' example: ∂L/∂x = Wᵀg for a 4×4 input, 3×3 kernel",
      kind: "closed form",
      points: 1,
      run(convInputGradient) {
        const g = [1, 10, 100, 1000];
        const want = slideTransposedTimes(g);
        const x = tf.randomNormal([4, 4, 1], 0, 1, "float32", 21) as tf.Tensor3D;
        expectTensorClose(convInputGradient(slideKernel(), x, tf.tensor3d(g, [2, 2, 1]), { stride: 1, padding: "valid" }), want, [4, 4, 1], "∂L/∂x", 1e-5);
      },
    },
    {
      name: "equals tf.conv2dTranspose of g, and ⟨Wx, g⟩ = ⟨x, Wᵀg⟩: strides 1–2, several channels",
      kind: "library",
      points: 1,
      run(convInputGradient) {
        expectGradientMatches(convInputGradient, { height: 6, width: 6, kernelHeight: 3, kernelWidth: 3, inChannels: 1, outChannels: 2, stride: 1, padding: "same", seed: 22 });
        expectGradientMatches(convInputGradient, { height: 7, width: 5, kernelHeight: 2, kernelWidth: 3, inChannels: 2, outChannels: 2, stride: 2, padding: "valid", seed: 23 });
      },
    },
  ],
});

export const convolutionExercises = [
  outputSizeExercise,
  transposedOutputSizeExercise,
  convMatrixExercise,
  transposedViaMatrixExercise,
  transposedViaDirectExercise,
  gradientExercise,
];
