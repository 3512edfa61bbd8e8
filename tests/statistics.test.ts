// quantile against values worked by hand (NumPy's default, linear interpolation) and a scatter chart framed on a range.
import { describe, expect, it } from "vitest";
import { quantile, robustRange } from "../lib/src/math";
import { scatterChart } from "../lib/src/display";

describe("quantile and robustRange", () => {
  it("interpolates between order statistics", () => {
    expect(quantile([3, 1, 2, 4], 0)).toBe(1);
    expect(quantile([3, 1, 2, 4], 1)).toBe(4);
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2.5); // numpy.quantile([1, 2, 3, 4], 0.5)
    expect(quantile([10, 20, 30, 40, 50], 0.1)).toBeCloseTo(14, 12); // position 0.4 between 10 and 20
    expect(() => quantile([], 0.5)).toThrow(/no values/);
    expect(() => quantile([1], 1.5)).toThrow(/between 0 and 1/);
  });

  it("leaves out the outliers", () => {
    const values = [...Array.from({ length: 1000 }, (_, i) => i / 1000), 1e6, -1e6];
    const [low, high] = robustRange(values);
    expect(low).toBeGreaterThan(-0.1);
    expect(high).toBeLessThan(1.1);
  });

  it("scatterChart clips points outside the given domain", async () => {
    const chart = await scatterChart({ points: [[0, 0], [1, 1], [100, 100]], xDomain: [0, 2], yDomain: [0, 2] });
    const layer = chart.spec as { mark: { clip: boolean }; encoding: { x: { scale: { domain: number[] } } } };
    expect(layer.mark.clip).toBe(true);
    expect(layer.encoding.x.scale.domain).toEqual([0, 2]);
  });
});
