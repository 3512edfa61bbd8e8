// Quantiles of plain numbers, e.g. to frame a chart on where most points are.

/** The q-quantile (0 ≤ q ≤ 1) with linear interpolation between order statistics (R's type 7, NumPy's default). */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new Error("quantile: no values");
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be between 0 and 1, got ${q}`);
  const sorted = Float64Array.from(values).sort();
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/** [low, high] quantiles widened by `margin` of their span on each side: a range that leaves out the outliers. */
export function robustRange(values: ArrayLike<number>, low = 0.01, high = 0.99, margin = 0.05): [number, number] {
  const [a, b] = [quantile(values, low), quantile(values, high)];
  return [a - margin * (b - a), b + margin * (b - a)];
}
