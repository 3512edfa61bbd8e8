// Hidden cases of notebook 01: never shipped to students. Feedback names a failed case and its
// kind, never its inputs or expected values.
import * as tf from "@tensorflow/tfjs";
import { CheckCase, expectClose, expectNumberArray, expectTensorClose } from "../../lib/src/checks";
import {
  bruteForceCovariance, CenterAndCovariance, ExplainedVarianceRatio, expectTopEigenpairs, matrixWithSpectrum, PcaProject,
  randomOrthonormal, seededMatrix, TopEigenvectors,
} from "../../lib/src/checks/pca";

export const hiddenCases: Record<string, CheckCase<never>[]> = {
  "pca.covariance": [
    {
      name: "a single feature with a large offset",
      kind: "numerical stability",
      points: 1,
      run: ((centerAndCovariance: CenterAndCovariance) => {
        const values = Array.from(seededMatrix(200, 1, 21), (v) => 1000 + v);
        const want = bruteForceCovariance(values, 200, 1);
        const { mean, covariance } = centerAndCovariance(tf.tensor2d(values, [200, 1]));
        expectTensorClose(mean, want.mean, [1], "mean");
        expectTensorClose(covariance, want.covariance, [1, 1], "covariance", 1e-2);
      }) as never,
    },
  ],
  "pca.eigenvectors": [
    {
      name: "all eigenpairs of a 12×12 matrix with a repeated-free spectrum",
      kind: "closed form",
      points: 1,
      run: ((topEigenvectors: TopEigenvectors) => {
        const spectrum = [12, 10, 8.5, 7, 6, 5, 4, 3, 2.2, 1.5, 1, 0.4];
        const { matrix } = matrixWithSpectrum(spectrum, 23);
        expectTopEigenpairs(topEigenvectors(tf.tensor2d(matrix, [12, 12]), 12), matrix, 12, 12, spectrum, 2e-3);
      }) as never,
    },
  ],
  "pca.project": [
    {
      name: "codes on 2 of 5 orthonormal directions against a brute-force loop",
      kind: "brute force",
      points: 1,
      run: ((pcaProject: PcaProject) => {
        const [n, d, p] = [30, 5, 2];
        const x = seededMatrix(n, d, 31);
        const mean = [0.1, 0.2, -0.3, 0.4, 0];
        const basis = randomOrthonormal(d, 32);
        const columns = Array.from({ length: d * p }, (_, k) => basis[Math.floor(k / p) * d + (k % p)]);
        const codes = Array.from({ length: n * p }, (_, k) => {
          const [i, j] = [Math.floor(k / p), k % p];
          return mean.reduce((s, m, f) => s + (x[i * d + f] - m) * columns[f * p + j], 0);
        });
        const reconstruction = Array.from({ length: n * d }, (_, k) => {
          const [i, f] = [Math.floor(k / d), k % d];
          return mean[f] + Array.from({ length: p }, (_, j) => codes[i * p + j] * columns[f * p + j]).reduce((a, b) => a + b, 0);
        });
        const got = pcaProject(tf.tensor2d(x, [n, d]), tf.tensor1d(mean), tf.tensor2d(columns, [d, p]));
        expectTensorClose(got.codes, codes, [n, p], "codes z");
        expectTensorClose(got.reconstruction, reconstruction, [n, d], "reconstruction x̂");
      }) as never,
    },
  ],
  "pca.explained": [
    {
      name: "slightly negative eigenvalues count as zero",
      kind: "edge case",
      points: 1,
      run: ((explainedVarianceRatio: ExplainedVarianceRatio) => {
        // Unclipped, the total would be 4.999 and the first ratio 0.80016: far outside the tolerance.
        expectClose(expectNumberArray(explainedVarianceRatio([4, 1, -1e-3]), 3, "ratios"), [0.8, 1, 1], "cumulative ratios", 1e-9);
      }) as never,
    },
  ],
};
