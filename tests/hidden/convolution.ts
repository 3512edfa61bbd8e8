// Hidden cases of notebook 03: never shipped to students. Property-based (fast-check, seeded):
// random shapes, kernels, strides 1–3, 'valid' / 'same' and values. Feedback names a failed case
// and its kind, never its inputs or expected values.
import * as fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import { CheckCase, fail } from "../../lib/src/checks";
import {
  ConvCase, ConvInputGradient, ConvMatrix, ConvOutputSize, expectConvMatrixMatches, expectGradientMatches, expectSize,
  expectTransposedMatches, TransposedConv, TransposedOutputSize,
} from "../../lib/src/checks/convolution";

/** Random convolutions small enough that a dense W stays cheap (at most 300 columns). */
export const convCases: fc.Arbitrary<ConvCase> = fc
  .record({
    kernelHeight: fc.integer({ min: 1, max: 4 }),
    kernelWidth: fc.integer({ min: 1, max: 4 }),
    stride: fc.integer({ min: 1, max: 3 }),
    padding: fc.constantFrom("valid" as const, "same" as const),
    inChannels: fc.integer({ min: 1, max: 3 }),
    outChannels: fc.integer({ min: 1, max: 3 }),
    extraHeight: fc.integer({ min: 0, max: 6 }),
    extraWidth: fc.integer({ min: 0, max: 6 }),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
  })
  .map(({ extraHeight, extraWidth, ...c }) => {
    // 'valid' needs the kernel to fit; 'same' also takes images smaller than the kernel.
    const smallest = (k: number) => (c.padding === "valid" ? k : 1);
    return { ...c, height: smallest(c.kernelHeight) + extraHeight, width: smallest(c.kernelWidth) + extraWidth };
  });

/** Runs a property over seeded random inputs; the first failure's own error (a CheckFailure, a NotImplementedError) is rethrown. */
export function forAll<T>(arbitrary: fc.Arbitrary<T>, seed: number, numRuns: number, check: (value: T) => void): void {
  const details = fc.check(
    fc.property(arbitrary, (value) => tf.tidy(() => check(value))),
    { seed, numRuns, endOnFailure: true },
  );
  if (details.failed) throw details.errorInstance;
}

/** Positions of a k-window in i + 2p values at stride s, counted one by one. */
function countWindows(inputSize: number, kernelSize: number, stride: number, padding: number): number {
  let count = 0;
  for (let start = 0; start + kernelSize <= inputSize + 2 * padding; start += stride) count++;
  return count;
}

const sizes = fc
  .record({ kernel: fc.integer({ min: 1, max: 7 }), stride: fc.integer({ min: 1, max: 4 }), extra: fc.integer({ min: 0, max: 12 }), padding: fc.integer({ min: 0, max: 3 }) })
  .map(({ kernel, stride, extra, padding }) => ({ kernel, stride, padding, input: Math.max(1, kernel - 2 * padding) + extra }));

export const hiddenCases: Record<string, CheckCase<never>[]> = {
  "convolution.outputSize": [
    {
      name: "random sizes, strides 1–4, padding 0–3: the number of window positions",
      kind: "property (brute force)",
      points: 1,
      run: ((convOutputSize: ConvOutputSize) => {
        forAll(sizes, 301, 200, ({ input, kernel, stride, padding }) =>
          expectSize(convOutputSize(input, kernel, stride, padding), countWindows(input, kernel, stride, padding), "o"),
        );
      }) as never,
    },
  ],
  "convolution.transposedOutputSize": [
    {
      name: "random sizes: every a < s gives a different o', each mapped back to i' by the convolution",
      kind: "property (brute force)",
      points: 1,
      run: ((transposedOutputSize: TransposedOutputSize) => {
        const transposedSizes = fc
          .record({ input: fc.integer({ min: 1, max: 9 }), kernel: fc.integer({ min: 1, max: 7 }), stride: fc.integer({ min: 1, max: 4 }), padding: fc.integer({ min: 0, max: 3 }) })
          .map((c) => ({ ...c, padding: Math.min(c.padding, Math.floor((c.kernel - 1) / 2)) }));
        forAll(transposedSizes, 302, 150, ({ input, kernel, stride, padding }) => {
          const outputs = Array.from({ length: stride }, (_, a) => transposedOutputSize(input, kernel, stride, padding, a));
          outputs.forEach((o, a) => {
            if (typeof o !== "number" || countWindows(o, kernel, stride, padding) !== input) fail(`o' = ${o} does not map back to i' under the convolution (a = ${a})`);
          });
          if (new Set(outputs).size !== stride) fail(`the ${stride} values of a gave only ${new Set(outputs).size} different sizes`);
        });
      }) as never,
    },
  ],
  "convolution.convMatrix": [
    {
      name: "W·vec(x) = tf.conv2d(x) for random shapes, kernels, strides, paddings and channels",
      kind: "property (library)",
      points: 1,
      run: ((convMatrix: ConvMatrix) => forAll(convCases, 303, 30, (c) => expectConvMatrixMatches(convMatrix, c))) as never,
    },
  ],
  "convolution.transposedViaMatrix": [
    {
      name: "Wᵀ·vec(y') = tf.conv2dTranspose = scatter loop for random shapes (all output-shape ambiguities)",
      kind: "property (library, brute force)",
      points: 1,
      run: ((transposed: TransposedConv) => forAll(convCases, 304, 30, (c) => expectTransposedMatches(transposed, c, "Wᵀ·vec(y')"))) as never,
    },
  ],
  "convolution.transposedViaDirect": [
    {
      name: "the padded direct convolution = tf.conv2dTranspose = scatter loop for random shapes",
      kind: "property (library, brute force)",
      points: 1,
      run: ((transposed: TransposedConv) => forAll(convCases, 305, 30, (c) => expectTransposedMatches(transposed, c, "the padded direct convolution"))) as never,
    },
  ],
  "convolution.gradient": [
    {
      name: "tf.grad through conv2d = tf.conv2dTranspose, and the adjoint identity, for random shapes",
      kind: "property (library)",
      points: 1,
      run: ((convInputGradient: ConvInputGradient) => forAll(convCases, 306, 30, (c) => expectGradientMatches(convInputGradient, c))) as never,
    },
  ],
};
