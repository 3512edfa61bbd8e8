// lib's PCA against closed forms and brute force, and the published MNIST figure.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { cumulativeShare, disposePca, fitPca, meanAndCovariance, pcaDecode, pcaEncode, pcaReconstructionError, symmetricEigen, topEigenpairs } from "../lib/src/math";
import { bruteForceCovariance, matrixWithSpectrum, seededMatrix } from "../lib/src/checks/pca";
import { PUBLISHED_PCA30, reproducePca } from "../scripts/reproduce/pca";

describe("symmetricEigen", () => {
  it("recovers a known spectrum and its eigenvectors up to sign", () => {
    const spectrum = [7, 4, 2, 1, 0.5, 0.1];
    const { matrix, basis } = matrixWithSpectrum(spectrum, 5);
    const { values, vectors } = symmetricEigen(matrix, 6);
    Array.from(values).forEach((v, i) => expect(v).toBeCloseTo(spectrum[i], 10));
    for (let k = 0; k < 6; k++) {
      const dot = Array.from({ length: 6 }, (_, i) => vectors[i * 6 + k] * basis[i * 6 + k]).reduce((a, b) => a + b, 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 8);
    }
  });

  it("rejects a matrix of the wrong size with a clear message", () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/expected 2×2 = 4 values, got 3/);
  });
});

describe("PCA", () => {
  it("meanAndCovariance equals a brute-force double loop", () => {
    const x = seededMatrix(40, 5, 1);
    const want = bruteForceCovariance(x, 40, 5);
    const got = meanAndCovariance(tf.tensor2d(x, [40, 5]));
    Array.from(got.covariance.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want.covariance[i], 4));
    tf.dispose([got.mean, got.covariance]);
  });

  it("fitPca: orthonormal components, eigenvalues = variance of the codes, exact with all components", async () => {
    const x = tf.tidy(() => tf.tensor2d(seededMatrix(300, 6, 2), [300, 6]).mul(tf.tensor1d([5, 3, 2, 1, 0.5, 0.2])) as tf.Tensor2D);
    const before = tf.memory().numTensors;
    const model = await fitPca(x);
    const gram = tf.matMul(model.components, model.components, false, true);
    Array.from(gram.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(i % 7 === 0 ? 1 : 0, 4));
    const codes = pcaEncode(model, x, 6);
    const codeVariance = tf.tidy(() => tf.moments(codes, 0).variance.dataSync());
    Array.from(codeVariance).forEach((v, k) => expect(v).toBeCloseTo(model.eigenvalues[k], 3));
    expect(pcaReconstructionError(model, x, 6)).toBeLessThan(1e-6);
    const reconstruction = tf.tidy(() => pcaDecode(model, pcaEncode(model, x, 2)));
    expect(reconstruction.shape).toEqual([300, 6]);
    // The error with p components is the sum of the discarded eigenvalues.
    const discarded = Array.from(model.eigenvalues.slice(2)).reduce((a, b) => a + b, 0);
    expect(pcaReconstructionError(model, x, 2)).toBeCloseTo(discarded, 3);
    tf.dispose([gram, codes, reconstruction]);
    disposePca(model);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it("topEigenpairs and cumulativeShare agree with closed forms", async () => {
    const { matrix } = matrixWithSpectrum([3, 2, 1], 3);
    const pairs = await topEigenpairs(tf.tensor2d(matrix, [3, 3]), 2);
    expect(pairs.values[0]).toBeCloseTo(3, 5);
    expect(pairs.values[1]).toBeCloseTo(2, 5);
    expect(pairs.vectors.shape).toEqual([3, 2]);
    expect(Array.from(cumulativeShare([4, 3, 2, 1, -1e-12]))).toEqual([0.4, 0.7, 0.9, 1, 1]);
  });

  it(`reproduces Hinton & Salakhutdinov's PCA-30 error on MNIST: ${PUBLISHED_PCA30} ± 0.02`, async () => {
    const result = await reproducePca([30]);
    console.log(`PCA-30 test error ${result.results[0].testError} (published ${PUBLISHED_PCA30}), fit ${result.fitSeconds} s, ${result.backend}`);
    expect(Math.abs(result.results[0].testError - PUBLISHED_PCA30)).toBeLessThanOrEqual(0.02);
  }, 180_000);
});
