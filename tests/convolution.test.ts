// lib's convolution math (notebook 03) against the slides' worked example, brute-force loops,
// TensorFlow's own ops and the adjoint identity; property-based with fast-check, seeded.
import * as fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import {
  axisPadding, convolutionMatrix, convolutionOutputSize, convolutionTaps, directPadding, insertZeros, rotatedKernel,
  transposedConvolutionDirect, transposedConvolutionOutputSize, transposedConvolutionViaMatrix,
} from "../lib/src/math";
import { convolutionMatrixChart, numberGridChart, subscript, transposedConvolutionFrames } from "../lib/src/display/convolution";
import { caseTensors, expectConvMatrixMatches, expectTransposedMatches, slideKernel, slideMatrix } from "../lib/src/checks/convolution";
import { convCases, forAll } from "./hidden/convolution";

describe("output sizes", () => {
  it("o = ⌊(i + 2p − k)/s⌋ + 1 counts the window positions", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 12 }), (k, s, p, extra) => {
        const i = Math.max(1, k - 2 * p) + extra;
        let positions = 0;
        for (let start = 0; start + k <= i + 2 * p; start += s) positions++;
        expect(convolutionOutputSize(i, k, s, p)).toBe(positions);
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it("o' = s(i' − 1) + a + k − 2p goes back to every size that gives i', one per a", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 }), (i, k, s) => {
        const p = Math.floor((k - 1) / 2);
        const sizes = Array.from({ length: s }, (_, a) => transposedConvolutionOutputSize(i, k, s, p, a));
        for (const o of sizes) expect(convolutionOutputSize(o, k, s, p)).toBe(i);
        // One more or one fewer falls outside: the s sizes are all there are.
        expect(convolutionOutputSize(sizes[0] - 1, k, s, p)).toBe(i - 1);
        expect(convolutionOutputSize(sizes[s - 1] + 1, k, s, p)).toBe(i + 1);
      }),
      { seed: 2, numRuns: 200 },
    );
  });

  it("the slides' sizes: 4 → 2 and back to 4", () => {
    expect(convolutionOutputSize(4, 3, 1)).toBe(2);
    expect(transposedConvolutionOutputSize(2, 3, 1)).toBe(4);
  });

  it("'same' padding agrees with tf.conv2d, the odd zero at the bottom / right", () => {
    // 4×4 image, 2×2 kernel: one zero in total, after. Same as padding by hand [0, 1] then 'valid'.
    expect(axisPadding(4, 2, 1, "same")).toEqual({ before: 0, after: 1, outputSize: 4 });
    expect(axisPadding(7, 3, 2, "same")).toEqual({ before: 1, after: 1, outputSize: 4 });
    expect(axisPadding(8, 3, 2, "same")).toEqual({ before: 0, after: 1, outputSize: 4 });
    expect(axisPadding(5, 4, 3, "valid")).toEqual({ before: 0, after: 0, outputSize: 1 });
    tf.tidy(() => {
      const x = tf.randomNormal([5, 6, 1], 0, 1, "float32", 3) as tf.Tensor3D;
      const kernel = tf.randomNormal([2, 3, 1, 1], 0, 1, "float32", 4) as tf.Tensor4D;
      const [rows, columns] = [axisPadding(5, 2, 1, "same"), axisPadding(6, 3, 1, "same")];
      const byHand = tf.conv2d(x.pad([[rows.before, rows.after], [columns.before, columns.after], [0, 0]]) as tf.Tensor3D, kernel, 1, "valid");
      expect(Array.from(byHand.dataSync())).toEqual(Array.from(tf.conv2d(x, kernel, 1, "same").dataSync()));
    });
  });
});

describe("convolution matrix", () => {
  it("the slides' W: 4×16, each row the nine weights shifted by the window's move", () => {
    tf.tidy(() => {
      expect(Array.from(convolutionMatrix(slideKernel(), [4, 4, 1], { stride: 1, padding: "valid" }).dataSync())).toEqual(slideMatrix());
    });
  });

  it("W·vec(x) = tf.conv2d(x) for random shapes, strides, paddings and channels", () => {
    forAll(convCases, 11, 60, (c) => expectConvMatrixMatches(convolutionMatrix, c));
  });

  it("with channels, block (ci, co) is the single-channel matrix of kernel[:, :, ci, co]", () => {
    tf.tidy(() => {
      const kernel = tf.randomNormal([3, 2, 2, 3], 0, 1, "float32", 5) as tf.Tensor4D;
      const options = { stride: 2, padding: "same" as const };
      const full = convolutionMatrix(kernel, [5, 4, 2], options).arraySync();
      for (let ci = 0; ci < 2; ci++) {
        for (let co = 0; co < 3; co++) {
          const single = convolutionMatrix(kernel.slice([0, 0, ci, co], [3, 2, 1, 1]) as tf.Tensor4D, [5, 4, 1], options).arraySync();
          single.forEach((row, r) => row.forEach((value, c) => expect(full[r * 3 + co][c * 2 + ci]).toBe(value)));
        }
      }
    });
  });

  it("every row of a 'valid' matrix holds all kh·kw taps; 'same' drops exactly the taps on padding", () => {
    const valid = convolutionTaps([6, 5], [3, 2], { stride: 2, padding: "valid" });
    const perRow = new Map<number, number>();
    valid.taps.forEach((t) => perRow.set(t.row, (perRow.get(t.row) ?? 0) + 1));
    expect([...perRow.values()].every((n) => n === 6)).toBe(true);
    expect(perRow.size).toBe(valid.outputHeight * valid.outputWidth);
    // 3×3 'same' on 3×3: the centre output sees 9 taps, edges 6, corners 4.
    const same = convolutionTaps([3, 3], [3, 3], { stride: 1, padding: "same" });
    const counts = Array.from({ length: 9 }, (_, r) => same.taps.filter((t) => t.row === r).length);
    expect(counts).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4]);
  });
});

describe("transposed convolution", () => {
  it("Wᵀ·vec(y') = tf.conv2dTranspose = a scatter loop, for random shapes and every output-shape ambiguity", () => {
    forAll(convCases, 12, 60, (c) => expectTransposedMatches(transposedConvolutionViaMatrix, c, "Wᵀ·vec(y')"));
  });

  it("the padded direct convolution with the rotated kernel = tf.conv2dTranspose = the scatter loop", () => {
    forAll(convCases, 13, 60, (c) => expectTransposedMatches(transposedConvolutionDirect, c, "direct"));
  });

  it("the slides' recipe: a 2×2 input padded by 2 (stride 1, k = 3); in general k − 1 − p before", () => {
    expect(directPadding(2, 3, 4, { stride: 1, padding: "valid" })).toEqual({ before: 2, after: 2 });
    // Stride 2, 'same', 2 → 4: the forward pads 0 before and 1 after, so 2 before and 1 after here.
    expect(directPadding(2, 3, 4, { stride: 2, padding: "same" })).toEqual({ before: 2, after: 1 });
    // 'valid' with the ambiguity a = 1 (2 → 6 at stride 2, k = 3): one more zero after.
    expect(directPadding(2, 3, 6, { stride: 2, padding: "valid" })).toEqual({ before: 2, after: 3 });
  });

  it("insertZeros puts s − 1 zeros between pixels; rotatedKernel turns by 180° and swaps in / out", () => {
    tf.tidy(() => {
      expect(insertZeros(tf.tensor3d([1, 2, 3, 4], [2, 2, 1]), 3).squeeze().arraySync()).toEqual([
        [1, 0, 0, 2], [0, 0, 0, 0], [0, 0, 0, 0], [3, 0, 0, 4],
      ]);
      const kernel = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 3, 1, 2]);
      expect(rotatedKernel(kernel).shape).toEqual([1, 3, 2, 1]);
      expect(Array.from(rotatedKernel(kernel).dataSync())).toEqual([5, 6, 3, 4, 1, 2]);
    });
  });

  it("adjoint identity ⟨Wx, y⟩ = ⟨x, Wᵀy⟩, and Wᵀ is the gradient of the convolution (tf.grad)", () => {
    forAll(convCases, 14, 40, (c) => {
      const { kernel, x } = caseTensors(c);
      const options = { stride: c.stride, padding: c.padding };
      const forward = tf.conv2d(x, kernel, c.stride, c.padding);
      const y = tf.randomNormal(forward.shape, 0, 1, "float32", c.seed + 7) as tf.Tensor3D;
      const back = transposedConvolutionViaMatrix(kernel, y, x.shape, options);
      const left = tf.sum(forward.mul(y)).dataSync()[0];
      const right = tf.sum(x.mul(back)).dataSync()[0];
      expect(Math.abs(left - right)).toBeLessThan(1e-4 * Math.max(1, Math.abs(left)) + 1e-4);
      const gradient = tf.grad((input: tf.Tensor) => tf.conv2d(input as tf.Tensor3D, kernel, c.stride, c.padding).mul(y).sum())(x);
      const difference = tf.max(tf.abs(gradient.sub(back))).dataSync()[0];
      expect(difference).toBeLessThan(1e-4);
    });
  });

  it("says which shapes do not fit instead of returning garbage", () => {
    tf.tidy(() => {
      const kernel = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
      expect(() => transposedConvolutionViaMatrix(kernel, tf.ones([3, 3, 1]) as tf.Tensor3D, [4, 4, 1], { stride: 1, padding: "valid" })).toThrow(
        /\[4, 4, 1\] input .* gives \[2, 2, 1\], not the input's \[3, 3, 1\]/,
      );
    });
  });

  it("frees everything but its result", () => {
    const kernel = tf.randomNormal([3, 3, 2, 2], 0, 1, "float32", 8) as tf.Tensor4D;
    const y = tf.randomNormal([4, 4, 2], 0, 1, "float32", 9) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const results = [
      transposedConvolutionViaMatrix(kernel, y, [8, 8, 2], { stride: 2, padding: "same" }),
      transposedConvolutionDirect(kernel, y, [8, 8, 2], { stride: 2, padding: "same" }),
    ];
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([kernel, y, ...results]);
  });
});

describe("figures", () => {
  it("subscripts as on the slides", () => {
    expect(subscript(15)).toBe("₁₅");
    expect(subscript(0)).toBe("₀");
  });

  it("W and Wᵀ of the slides' example: every cell, with the weight names", async () => {
    const w = await convolutionMatrixChart([4, 4], [3, 3], { stride: 1, padding: "valid" });
    const wt = await convolutionMatrixChart([4, 4], [3, 3], { stride: 1, padding: "valid", transposed: true });
    expect(w.pointCount).toBe(2 * 64);
    expect(w.svg).toContain("w₈");
    expect(wt.svg).toContain("x'₁₅");
    expect(w.warnings).toEqual([]);
    expect(wt.width).toBeLessThan(w.width);
  });

  it("one frame per output pixel, titled with its sum", async () => {
    const frames = await transposedConvolutionFrames(2, 3, 4, { stride: 1, padding: "valid", frames: [5] });
    expect(frames.svg).toContain("x'₅ = w₄y'₀ + w₃y'₁ + w₁y'₂ + w₀y'₃");
    const numbers = await numberGridChart([[1, -2], [0, 3.25]], { decimals: 2 });
    expect(numbers.svg).toContain("3.25");
  });
});
