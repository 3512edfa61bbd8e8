// Symmetric eigendecomposition through ml-matrix (mljs): a maintained port of JAMA's
// Householder tridiagonalisation + implicit QL (tred2/tql2), exact to float64 round-off,
// with no native build step. TensorFlow.js has no eigendecomposition op.
import { EigenvalueDecomposition, Matrix } from "ml-matrix";

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors as the columns of an n×n matrix, row-major, in the order of `values`. */
  vectors: Float64Array;
  n: number;
}

/** Eigenvalues and eigenvectors of a symmetric n×n matrix given row-major. */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): SymmetricEigen {
  if (matrix.length !== n * n) throw new Error(`symmetricEigen: expected ${n}×${n} = ${n * n} values, got ${matrix.length}`);
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (matrix[i * n + j] + matrix[j * n + i]) / 2));
  const decomposition = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const values = decomposition.realEigenvalues;
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  const eigenvectors = decomposition.eigenvectorMatrix;
  const sortedValues = new Float64Array(n);
  const sortedVectors = new Float64Array(n * n);
  order.forEach((source, target) => {
    sortedValues[target] = values[source];
    for (let row = 0; row < n; row++) sortedVectors[row * n + target] = eigenvectors.get(row, source);
  });
  return { values: sortedValues, vectors: sortedVectors, n };
}
