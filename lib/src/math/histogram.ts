// A histogram scaled as a density, to draw samples against a known density (notebook 05's 1-D GAN).

export interface HistogramDensity {
  /** The bins' centres. */
  centers: number[];
  /** count / (n · bin width) per bin: integrates to the share of the values inside [min, max]. */
  density: number[];
}

/** The values' histogram on `bins` equal bins over [min, max], as a density. Values outside the range are not counted. */
export function histogramDensity(values: ArrayLike<number>, min: number, max: number, bins: number): HistogramDensity {
  if (!(max > min) || !Number.isFinite(min) || !Number.isFinite(max)) throw new Error(`histogramDensity: need finite min < max, got [${min}, ${max}]`);
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`histogramDensity: bins must be a whole number ≥ 1, got ${bins}`);
  if (values.length === 0) throw new Error("histogramDensity: no values");
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!(value >= min && value <= max)) continue;
    counts[Math.min(bins - 1, Math.floor((value - min) / width))]++; // max itself goes to the last bin
  }
  return { centers: counts.map((_, k) => min + (k + 0.5) * width), density: counts.map((count) => count / (values.length * width)) };
}
