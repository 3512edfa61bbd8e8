// Reference solutions of notebook 01 (PCA). The single source of truth: `npm run release` turns
// each body between BEGIN/END SOLUTION into a stub in exercises/pca.ts and in the notebook's cells.
import { tf } from "@course/lib";

/**
 * Exercise pca.covariance: centre the data and compute its covariance.
 *
 * x holds n examples as rows, [n, d]. Return the mean μ = (1/n) Σᵢ xᵢ, shape [d], and the
 * covariance C = (1/n) Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ, shape [d, d] (divide by n, not n − 1).
 * Hint: with X̃ = X − μ (broadcasting), C = X̃ᵀX̃ / n is one tf.matMul. Wrap the work in tf.tidy
 * so that only the two returned tensors stay alive.
 * @exercise pca.covariance
 */
export function centerAndCovariance(x: tf.Tensor2D): { mean: tf.Tensor1D; covariance: tf.Tensor2D } {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const mean = x.mean(0) as tf.Tensor1D;
    const centred = x.sub(mean);
    const covariance = tf.matMul(centred, centred, true, false).div(x.shape[0]) as tf.Tensor2D;
    return { mean, covariance };
  });
  // END SOLUTION
}

/**
 * Exercise pca.eigenvectors: the top-p eigenvectors of a symmetric matrix.
 *
 * Return the p largest eigenvalues, largest first, and the matching unit eigenvectors as the
 * columns of a [d, p] tensor. Any method is accepted; the checks test the results numerically
 * (orthonormal columns, C v = λ v, order), not how they were found. Suggested: power iteration
 * with deflation — repeat v ← Cv / ‖Cv‖ until v settles, λ = vᵀCv, then remove that direction
 * with C ← C − λ v vᵀ and start again for the next one.
 * @exercise pca.eigenvectors
 */
export function topEigenvectors(
  covariance: tf.Tensor2D,
  p: number,
): { values: number[]; vectors: tf.Tensor2D } {
  // BEGIN SOLUTION
  const d = covariance.shape[0];
  const values: number[] = [];
  const columns: tf.Tensor2D[] = [];
  let deflated = tf.clone(covariance);
  for (let k = 0; k < p; k++) {
    let v = tf.tidy(() => tf.randomNormal([d, 1], 0, 1, "float32", 42 + k)) as tf.Tensor2D;
    for (let iteration = 0; iteration < 2000; iteration++) {
      const next = tf.tidy(() => {
        let w = tf.matMul(deflated, v);
        // Stay orthogonal to the directions already found, even where deflation leaves round-off.
        for (const c of columns) w = w.sub(c.mul(tf.matMul(c, w, true, false)));
        const norm = w.norm();
        return norm.dataSync()[0] > 1e-12 ? w.div(norm) : v.clone();
      }) as tf.Tensor2D;
      const change = tf.tidy(() => Math.min(next.sub(v).norm().dataSync()[0], next.add(v).norm().dataSync()[0]));
      v.dispose();
      v = next;
      if (change < 1e-7) break;
    }
    const lambda = tf.tidy(() => tf.matMul(tf.matMul(v, covariance, true, false), v).dataSync()[0]);
    const rest = tf.tidy(() => deflated.sub(tf.matMul(v, v, false, true).mul(lambda)) as tf.Tensor2D);
    deflated.dispose();
    deflated = rest;
    values.push(lambda);
    columns.push(v);
  }
  deflated.dispose();
  const vectors = tf.concat(columns, 1) as tf.Tensor2D;
  columns.forEach((c) => c.dispose());
  return { values, vectors };
  // END SOLUTION
}

/**
 * Exercise pca.project: codes and reconstruction with the first p principal directions.
 *
 * vectors is [d, p] (the eigenvectors as columns). Return the codes z = (x − μ) Φ, shape [n, p],
 * and the reconstruction x̂ = μ + z Φᵀ, shape [n, d]: each x is approximated by μ + Σₖ zₖ φₖ.
 * @exercise pca.project
 */
export function pcaProject(
  x: tf.Tensor2D,
  mean: tf.Tensor1D,
  vectors: tf.Tensor2D,
): { codes: tf.Tensor2D; reconstruction: tf.Tensor2D } {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const codes = tf.matMul(x.sub(mean), vectors) as tf.Tensor2D;
    const reconstruction = tf.matMul(codes, vectors, false, true).add(mean) as tf.Tensor2D;
    return { codes, reconstruction };
  });
  // END SOLUTION
}

/**
 * Exercise pca.explained: the cumulative explained-variance ratio.
 *
 * eigenvalues are the variances along the principal directions, largest first. Return rₖ =
 * (λ₁ + … + λₖ) / (λ₁ + … + λ_d) for k = 1..d: the share of the total variance that the first k
 * components keep. Eigenvalues computed in floating point can come out slightly negative
 * (round-off): count those as 0.
 * @exercise pca.explained
 */
export function explainedVarianceRatio(eigenvalues: number[]): number[] {
  // BEGIN SOLUTION
  const clipped = eigenvalues.map((v) => Math.max(v, 0));
  const total = clipped.reduce((a, b) => a + b, 0);
  let running = 0;
  return clipped.map((v) => {
    running += v;
    return running / total;
  });
  // END SOLUTION
}
