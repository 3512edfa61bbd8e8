// Visible checks of notebook 01 (PCA). Hidden cases live in tests/hidden/pca.ts.
// Expected values come from closed forms worked by hand or from brute-force loops in plain JS.
import * as tf from "@tensorflow/tfjs";
import { expectClose, expectNumberArray, expectShape, expectTensorClose, expectTrue, fail } from "./assert";
import { defineExercise } from "./runner";

export type CenterAndCovariance = (x: tf.Tensor2D) => { mean: tf.Tensor1D; covariance: tf.Tensor2D };
export type TopEigenvectors = (covariance: tf.Tensor2D, p: number) => { values: number[]; vectors: tf.Tensor2D };
export type PcaProject = (x: tf.Tensor2D, mean: tf.Tensor1D, vectors: tf.Tensor2D) => { codes: tf.Tensor2D; reconstruction: tf.Tensor2D };
export type ExplainedVarianceRatio = (eigenvalues: number[]) => number[];

/** Row-major n×d matrix of seeded standard normals. */
export function seededMatrix(n: number, d: number, seed: number): Float32Array {
  const tensor = tf.randomNormal([n, d], 0, 1, "float32", seed);
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

/** Brute force: mean and (1/n) covariance with double loops in float64. */
export function bruteForceCovariance(x: ArrayLike<number>, n: number, d: number): { mean: number[]; covariance: number[] } {
  const mean = Array.from({ length: d }, (_, j) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i * d + j];
    return sum / n;
  });
  const covariance = new Array<number>(d * d).fill(0);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]);
      covariance[a * d + b] = sum / n;
    }
  }
  return { mean, covariance };
}

/** A seeded random orthonormal basis (Gram–Schmidt), columns of a d×d row-major matrix. */
export function randomOrthonormal(d: number, seed: number): number[] {
  const raw = Array.from(seededMatrix(d, d, seed));
  const columns: number[][] = [];
  for (let j = 0; j < d; j++) {
    let v = raw.slice(j * d, j * d + d);
    for (const q of columns) {
      const dot = v.reduce((s, vi, i) => s + vi * q[i], 0);
      v = v.map((vi, i) => vi - dot * q[i]);
    }
    const norm = Math.hypot(...v);
    columns.push(v.map((vi) => vi / norm));
  }
  return Array.from({ length: d * d }, (_, k) => columns[k % d][Math.floor(k / d)]);
}

/** The symmetric matrix Q diag(λ) Qᵀ, with a seeded orthonormal Q: its spectrum is known exactly. */
export function matrixWithSpectrum(spectrum: number[], seed: number): { matrix: number[]; basis: number[] } {
  const d = spectrum.length;
  const basis = randomOrthonormal(d, seed);
  const matrix = Array.from({ length: d * d }, (_, k) => {
    const [r, c] = [Math.floor(k / d), k % d];
    return spectrum.reduce((s, lambda, m) => s + basis[r * d + m] * lambda * basis[c * d + m], 0);
  });
  return { matrix, basis };
}

/** Checks what any correct top-p eigensolver returns, whatever its method or the signs of its vectors. */
export function expectTopEigenpairs(result: unknown, matrix: number[], d: number, p: number, trueValues: number[], tolerance: number): void {
  const { values, vectors } = (result ?? {}) as { values?: unknown; vectors?: unknown };
  const got = expectNumberArray(values, p, "values");
  for (let k = 1; k < p; k++) expectTrue(got[k - 1] >= got[k] - 1e-6, `values must be sorted largest first, got [${got.map((v) => v.toFixed(4)).join(", ")}]`);
  expectClose(got, trueValues.slice(0, p), "eigenvalues", tolerance);
  const v = Array.from(expectShape(vectors, [d, p], "vectors (one eigenvector per column)").dataSync());
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      const dot = Array.from({ length: d }, (_, i) => v[i * p + a] * v[i * p + b]).reduce((s, x) => s + x, 0);
      const want = a === b ? 1 : 0;
      if (Math.abs(dot - want) > 10 * tolerance) fail(`vectors are not orthonormal: column ${a} · column ${b} = ${dot.toFixed(5)}, expected ${want}`);
    }
  }
  for (let k = 0; k < p; k++) {
    let residual = 0;
    for (let i = 0; i < d; i++) {
      let cv = 0;
      for (let j = 0; j < d; j++) cv += matrix[i * d + j] * v[j * p + k];
      residual += (cv - got[k] * v[i * p + k]) ** 2;
    }
    const relative = Math.sqrt(residual) / Math.max(1, Math.abs(got[k]));
    if (relative > 10 * tolerance) fail(`column ${k} is not an eigenvector: ‖Cv − λv‖/|λ| = ${relative.toExponential(2)}`);
  }
}

export const covarianceExercise = defineExercise<CenterAndCovariance>({
  id: "pca.covariance",
  functionName: "centerAndCovariance",
  title: "Centring and covariance",
  cases: [
    {
      name: "3×2 matrix worked by hand",
      kind: "closed form",
      points: 1,
      run(centerAndCovariance) {
        // x = [[1,2],[3,4],[5,9]]: μ = [3,5]; centred rows (−2,−3), (0,−1), (2,4); C = (1/3)[[8,14],[14,26]].
        const { mean, covariance } = centerAndCovariance(tf.tensor2d([[1, 2], [3, 4], [5, 9]]));
        expectTensorClose(mean, [3, 5], [2], "mean");
        expectTensorClose(covariance, [8 / 3, 14 / 3, 14 / 3, 26 / 3], [2, 2], "covariance");
      },
    },
    {
      name: "random 50×4 data against a brute-force double loop",
      kind: "brute force",
      points: 1,
      run(centerAndCovariance) {
        const values = seededMatrix(50, 4, 7).map((v, i) => v * (1 + (i % 4)) + (i % 4));
        const want = bruteForceCovariance(values, 50, 4);
        const { mean, covariance } = centerAndCovariance(tf.tensor2d(values, [50, 4]));
        expectTensorClose(mean, want.mean, [4], "mean");
        expectTensorClose(covariance, want.covariance, [4, 4], "covariance", 1e-4);
      },
    },
    {
      name: "frees its intermediate tensors",
      kind: "memory",
      points: 1,
      run(centerAndCovariance) {
        const x = tf.tensor2d(seededMatrix(20, 3, 3), [20, 3]);
        const before = tf.memory().numTensors;
        const { mean, covariance } = centerAndCovariance(x);
        const extra = tf.memory().numTensors - before;
        expectTensorClose(mean, bruteForceCovariance(x.dataSync(), 20, 3).mean, [3], "mean");
        expectTrue(!covariance.isDisposed, "covariance was disposed");
        expectTrue(extra === 2, `${extra} new tensors are alive after the call, expected 2 (mean and covariance): wrap the work in tf.tidy`);
      },
    },
  ],
});

export const eigenvectorsExercise = defineExercise<TopEigenvectors>({
  id: "pca.eigenvectors",
  functionName: "topEigenvectors",
  title: "The top-p eigenvectors",
  cases: [
    {
      name: "diagonal matrix diag(1, 5, 3), p = 2",
      kind: "closed form",
      points: 1,
      run(topEigenvectors) {
        const matrix = [1, 0, 0, 0, 5, 0, 0, 0, 3];
        const result = topEigenvectors(tf.tensor2d(matrix, [3, 3]), 2);
        expectTopEigenpairs(result, matrix, 3, 2, [5, 3], 1e-3);
        const v = result.vectors.dataSync();
        expectTrue(Math.abs(Math.abs(v[2]) - 1) < 1e-3 && Math.abs(Math.abs(v[5]) - 1) < 1e-3, "for diag(1, 5, 3) the eigenvectors are ±e₂ then ±e₃");
      },
    },
    {
      name: "6×6 matrix with known spectrum 9, 6, 4, 2.5, 1, 0.5; p = 3",
      kind: "closed form",
      points: 1,
      run(topEigenvectors) {
        const spectrum = [9, 6, 4, 2.5, 1, 0.5];
        const { matrix } = matrixWithSpectrum(spectrum, 11);
        expectTopEigenpairs(topEigenvectors(tf.tensor2d(matrix, [6, 6]), 3), matrix, 6, 3, spectrum, 1e-3);
      },
    },
  ],
});

export const projectExercise = defineExercise<PcaProject>({
  id: "pca.project",
  functionName: "pcaProject",
  title: "Codes and reconstruction",
  cases: [
    {
      name: "two points projected on the x axis, worked by hand",
      kind: "closed form",
      points: 1,
      run(pcaProject) {
        // μ = (1, 1), φ = (1, 0): z = x₁ − 1, x̂ = (x₁, 1).
        const { codes, reconstruction } = pcaProject(tf.tensor2d([[2, 0], [0, 2]]), tf.tensor1d([1, 1]), tf.tensor2d([[1], [0]]));
        expectTensorClose(codes, [1, -1], [2, 1], "codes z");
        expectTensorClose(reconstruction, [2, 1, 0, 1], [2, 2], "reconstruction x̂");
      },
    },
    {
      name: "with all d directions the reconstruction is exact",
      kind: "closed form",
      points: 1,
      run(pcaProject) {
        const x = seededMatrix(8, 5, 5);
        const basis = randomOrthonormal(5, 6);
        const { reconstruction } = pcaProject(tf.tensor2d(x, [8, 5]), tf.tensor1d([0.5, -1, 2, 0, 1]), tf.tensor2d(basis, [5, 5]));
        expectTensorClose(reconstruction, x, [8, 5], "reconstruction x̂", 1e-4);
      },
    },
  ],
});

export const explainedVarianceExercise = defineExercise<ExplainedVarianceRatio>({
  id: "pca.explained",
  functionName: "explainedVarianceRatio",
  title: "Explained-variance ratio",
  cases: [
    {
      name: "eigenvalues 4, 3, 2, 1",
      kind: "closed form",
      points: 1,
      run(explainedVarianceRatio) {
        expectClose(expectNumberArray(explainedVarianceRatio([4, 3, 2, 1]), 4, "ratios"), [0.4, 0.7, 0.9, 1], "cumulative ratios", 1e-9);
      },
    },
    {
      name: "non-decreasing and ending at 1 for 100 random eigenvalues",
      kind: "property",
      points: 1,
      run(explainedVarianceRatio) {
        const values = Array.from(seededMatrix(1, 100, 9), Math.abs).sort((a, b) => b - a);
        const ratios = expectNumberArray(explainedVarianceRatio(values), 100, "ratios");
        for (let k = 1; k < 100; k++) expectTrue(ratios[k] >= ratios[k - 1], `ratio ${k} (${ratios[k]}) is smaller than ratio ${k - 1} (${ratios[k - 1]})`);
        expectClose([ratios[99]], [1], "last ratio", 1e-9);
      },
    },
  ],
});

export const pcaExercises = [covarianceExercise, eigenvectorsExercise, projectExercise, explainedVarianceExercise];
