// The GAN math: the losses from logits against closed forms, a float64 brute force, a second kernel (tf.softplus) and
// their closed-form gradients; the optimal discriminator and V(D*, G) = −log 4 + 2 JSD on a grid; the gradient reversal
// layer; the cycle-consistency loss; the conditional GAN's input; and spherical interpolation in the latent space.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { normalGenerator, rng } from "../lib/src/data/random";
import {
  conditionalInput, cycleConsistencyLoss, discriminatorLoss, ganValue, generatorLoss, gradientReversal, jensenShannonDivergence, optimalDiscriminator,
} from "../lib/src/math/gan";
import { linearInterpolation, sphericalInterpolation } from "../lib/src/math/latent";

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const scalar = (t: tf.Tensor) => t.dataSync()[0];
const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));
const LOG2 = Math.log(2);

/** `count` seeded normal draws scaled by `scale`, rounded to float32 so that float64 references see the same inputs. */
function seededLogits(count: number, seed: string, scale = 3): number[] {
  const normal = normalGenerator(rng(seed));
  return Array.from(Float32Array.from({ length: count }, () => scale * normal()));
}

/** Runs `body` and checks that it leaves no tensor behind (besides those it disposes). */
function expectNoLeak(body: () => void): void {
  const before = tf.memory().numTensors;
  body();
  expect(tf.memory().numTensors).toBe(before);
}

describe("discriminator and generator losses from logits", () => {
  it("logits 0 (D = ½) give log 2 per term: D loss 2 log 2, non-saturating G loss log 2, saturating −log 2", () => {
    const zeros = tf.zeros([4, 1]);
    expect(scalar(discriminatorLoss(zeros, tf.zeros([3])))).toBeCloseTo(2 * LOG2, 6);
    expect(scalar(generatorLoss(zeros))).toBeCloseTo(LOG2, 6);
    expect(scalar(generatorLoss(zeros, "non-saturating"))).toBeCloseTo(LOG2, 6);
    expect(scalar(generatorLoss(zeros, "saturating"))).toBeCloseTo(-LOG2, 6);
  });

  it("stays finite and exact at logits ±100 and ±1000 (softplus(t) ≈ t for large t, ≈ 0 for very negative t)", () => {
    const big = tf.tensor1d([100, 1000]);
    const small = tf.tensor1d([-100, -1000]);
    // A confident, correct D: both terms are e^−100-ish, i.e. 0 in float32.
    const right = scalar(discriminatorLoss(big, small));
    expect(Number.isFinite(right) && right >= 0 && right < 1e-30).toBe(true);
    // A confident, wrong D: mean(100, 1000) for each term.
    expect(scalar(discriminatorLoss(small, big))).toBe(1100);
    expect(scalar(generatorLoss(small))).toBe(550);
    expect(scalar(generatorLoss(big, "saturating"))).toBe(-550);
    const saturated = scalar(generatorLoss(small, "saturating"));
    expect(Number.isFinite(saturated) && saturated <= 0 && saturated > -1e-30).toBe(true);
    expect(scalar(generatorLoss(big))).toBeLessThan(1e-30);
  });

  it("matches −mean log σ(real) − mean log(1 − σ(fake)) in float64 on seeded random logits, with and without label smoothing", () => {
    const real = seededLogits(64, "gan-real");
    const fake = seededLogits(48, "gan-fake");
    const mean = (xs: number[], f: (x: number) => number) => xs.reduce((sum, x) => sum + f(x), 0) / xs.length;
    const logD = (l: number) => Math.log(sigmoid(l));
    const log1mD = (l: number) => Math.log(1 - sigmoid(l));
    const relative = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);
    const realT = tf.tensor2d(real, [64, 1]);
    const fakeT = tf.tensor1d(fake);
    expect(relative(scalar(discriminatorLoss(realT, fakeT)), -mean(real, logD) - mean(fake, log1mD))).toBeLessThan(1e-5);
    const s = 0.1;
    const smoothed = -mean(real, (l) => (1 - s) * logD(l) + s * log1mD(l)) - mean(fake, log1mD);
    expect(relative(scalar(discriminatorLoss(realT, fakeT, { labelSmoothing: s })), smoothed)).toBeLessThan(1e-5);
    expect(relative(scalar(generatorLoss(fakeT)), -mean(fake, logD))).toBeLessThan(1e-5);
    expect(relative(scalar(generatorLoss(fakeT, "saturating")), mean(fake, log1mD))).toBeLessThan(1e-5);
    // A second kernel: the backend's own softplus.
    const viaSoftplus = tf.softplus(realT.neg()).mean().add(tf.softplus(fakeT).mean());
    expect(relative(scalar(discriminatorLoss(realT, fakeT)), scalar(viaSoftplus))).toBeLessThan(1e-6);
  });

  it("has the closed-form gradients d/dl softplus(l) = σ(l): (σ(real) − (1 − s))/n, σ(fake)/m, (σ(l) − 1)/m and −σ(l)/m, also at the kink 0 and at ±1000", () => {
    const real = [0, 2.5, -1, 1000, -1000];
    const fake = [0, -3, 0.7, -1000];
    const [n, m] = [real.length, fake.length];
    for (const s of [0, 0.2]) {
      const [dReal, dFake] = tf.grads((r: tf.Tensor, f: tf.Tensor) => discriminatorLoss(r, f, { labelSmoothing: s }))([tf.tensor1d(real), tf.tensor1d(fake)]);
      values(dReal).forEach((g, i) => expect(g).toBeCloseTo((sigmoid(real[i]) - (1 - s)) / n, 6));
      values(dFake).forEach((g, i) => expect(g).toBeCloseTo(sigmoid(fake[i]) / m, 6));
    }
    const nonSaturating = values(tf.grad((f: tf.Tensor) => generatorLoss(f))(tf.tensor1d(fake)));
    nonSaturating.forEach((g, i) => expect(g).toBeCloseTo((sigmoid(fake[i]) - 1) / m, 6));
    const saturating = values(tf.grad((f: tf.Tensor) => generatorLoss(f, "saturating"))(tf.tensor1d(fake)));
    saturating.forEach((g, i) => expect(g).toBeCloseTo(-sigmoid(fake[i]) / m, 6));
  });

  it("the saturating loss's gradient vanishes when D rejects the fakes (logit −8); the non-saturating one does not", () => {
    const rejected = tf.tensor1d([-8, -8]);
    const saturating = Math.abs(values(tf.grad((f: tf.Tensor) => generatorLoss(f, "saturating"))(rejected))[0]);
    const nonSaturating = Math.abs(values(tf.grad((f: tf.Tensor) => generatorLoss(f))(rejected))[0]);
    expect(nonSaturating / saturating).toBeGreaterThan(1000);
  });

  it("frees its intermediate tensors", () => {
    const [real, fake] = [tf.tensor1d([0.5, -2]), tf.tensor1d([1, 3, -0.5])];
    expectNoLeak(() => {
      tf.dispose([discriminatorLoss(real, fake, { labelSmoothing: 0.1 }), generatorLoss(fake), generatorLoss(fake, "saturating")]);
      tf.dispose(tf.grads((r: tf.Tensor, f: tf.Tensor) => discriminatorLoss(r, f))([real, fake]));
    });
    tf.dispose([real, fake]);
  });

  it("says what is wrong with bad input", () => {
    expect(() => discriminatorLoss(tf.zeros([0]), tf.zeros([2]))).toThrow(/discriminatorLoss: realLogits \[0\] is empty/);
    expect(() => discriminatorLoss(tf.zeros([2]), tf.zeros([2]), { labelSmoothing: 1 })).toThrow(/labelSmoothing must be in \[0, 1\)/);
    expect(() => discriminatorLoss(tf.zeros([2]), tf.zeros([2]), { labelSmoothing: -0.1 })).toThrow(/labelSmoothing must be in \[0, 1\)/);
    expect(() => generatorLoss(tf.zeros([2]), "minimax" as never)).toThrow(/kind must be "saturating" or "non-saturating", got minimax/);
    expect(() => generatorLoss(tf.zeros([3, 0]))).toThrow(/generatorLoss: fakeLogits \[3, 0\] is empty/);
  });
});

describe("the optimal discriminator, V(D, G) and the Jensen–Shannon divergence on a grid", () => {
  // [−7, 13] holds all but ~1e-12 of both masses. Further left, p_g < 1e-16 p_data and D* rounds to exactly 1 in float64,
  // so p_g log(1 − D*) would be −∞ (see ganValue's comment).
  const dx = 1e-3;
  const grid = Array.from({ length: 20_001 }, (_, i) => -7 + i * dx);
  const gaussian = (mu: number, sigma: number) => Float64Array.from(grid, (x) => Math.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI)));
  const pData = gaussian(0, 1);
  const pModel = gaussian(1.5, 0.8);

  it("D*(x) = p_data/(p_data + p_g), ½ where both densities are 0", () => {
    expect(Array.from(optimalDiscriminator([1, 0, 0, 0.2, 3], [1, 2, 0, 0.6, 0]))).toEqual([0.5, 0, 0.5, 0.25, 1]);
    const dStar = optimalDiscriminator(pData, pModel);
    for (const i of [0, 4_321, 7_000, 8_500, 20_000]) expect(dStar[i]).toBeCloseTo(pData[i] / (pData[i] + pModel[i]), 15);
  });

  it("V(D*, G) = −log 4 + 2·JSD(p_data ‖ p_g) for two Gaussians, and D* beats seeded random perturbations of it", () => {
    const dStar = optimalDiscriminator(pData, pModel);
    const jsd = jensenShannonDivergence(pData, pModel, dx);
    expect(jsd).toBeGreaterThan(0.1);
    expect(jsd).toBeLessThan(LOG2);
    expect(jensenShannonDivergence(pModel, pData, dx)).toBeCloseTo(jsd, 14);
    expect(Math.abs(ganValue(pData, pModel, dStar, dx) - (-Math.log(4) + 2 * jsd))).toBeLessThan(1e-6);
    const random = rng("gan-perturb");
    for (let trial = 0; trial < 5; trial++) {
      const perturbed = dStar.map((d) => Math.min(1, Math.max(0, d + 0.05 * (random() - 0.5))));
      expect(ganValue(pData, pModel, perturbed, dx)).toBeLessThan(ganValue(pData, pModel, dStar, dx));
    }
  });

  it("p_g = p_data: D* = ½ everywhere, V(D*, G) = −log 4 and JSD = 0", () => {
    const dStar = optimalDiscriminator(pData, pData);
    expect(dStar.every((d) => d === 0.5)).toBe(true);
    expect(Math.abs(ganValue(pData, pData, dStar, dx) + Math.log(4))).toBeLessThan(1e-6);
    expect(jensenShannonDivergence(pData, pData, dx)).toBe(0);
  });

  it("JSD is log 2 for disjoint supports and ½ log 2 for uniforms that overlap by half (closed forms)", () => {
    const cells = 1500;
    const h = 1 / 1000; // cells of width h over [0, 1.5]
    const uniformOn = (from: number, to: number) => Float64Array.from({ length: cells }, (_, i) => (i >= from && i < to ? 1 : 0));
    expect(jensenShannonDivergence(uniformOn(0, 500), uniformOn(500, 1000), 2 * h)).toBeCloseTo(LOG2, 12);
    // p = U[0, 1], q = U[0.5, 1.5]: m = ½ where only one is positive, so KL(p ‖ m) = KL(q ‖ m) = ½ log 2.
    expect(jensenShannonDivergence(uniformOn(0, 1000), uniformOn(500, 1500), h)).toBeCloseTo(0.5 * LOG2, 12);
  });

  it("V counts 0 where a density is 0 and −∞ where D contradicts a positive density", () => {
    expect(ganValue([1, 0], [0, 1], [1, 0], 0.5)).toBe(0);
    expect(ganValue([1, 1], [0, 0], [0.5, 0], 1)).toBe(-Infinity);
    expect(ganValue([0.5], [0.5], [0.5], 2)).toBeCloseTo(-Math.log(4), 15);
  });

  it("says what is wrong with bad input", () => {
    expect(() => optimalDiscriminator([1, 2], [1])).toThrow(/optimalDiscriminator: pData has 2 values but pModel has 1/);
    expect(() => optimalDiscriminator([1, -0.5], [1, 1])).toThrow(/pData\[1\] = -0.5 is not a density value/);
    expect(() => jensenShannonDivergence([1], [1], 0)).toThrow(/dx \(the grid step\) must be a finite number > 0, got 0/);
    expect(() => jensenShannonDivergence([], [], 1)).toThrow(/p is empty/);
    expect(() => jensenShannonDivergence([1, NaN], [1, 1], 1)).toThrow(/p\[1\] = NaN is not a density value/);
    expect(() => ganValue([1], [1], [1.5], 1)).toThrow(/discriminator\[0\] = 1.5 is not a probability in \[0, 1\]/);
    expect(() => ganValue([1], [1], [0.5, 0.5], 1)).toThrow(/pData has 1 values but discriminator has 2/);
  });
});

describe("gradient reversal", () => {
  const x = tf.tensor2d([[0.5, -1, 2], [3, 0, -0.25]]);
  const w = tf.tensor2d([[1, 2, -1], [0.5, -3, 4]]);

  it("is the identity going forward", () => {
    const reversed = gradientReversal(x, 0.7);
    expect(reversed.shape).toEqual(x.shape);
    expect(values(reversed)).toEqual(values(x));
    reversed.dispose();
  });

  it("multiplies the gradient by −λ: ∇ sum(w ⊙ GRL(x)) = −λ w, and ∇ sum(w ⊙ GRL(x)²) = −2λ w ⊙ x", () => {
    for (const lambda of [1, 0.3, 0]) {
      const linear = values(tf.grad((input: tf.Tensor) => gradientReversal(input, lambda).mul(w).sum())(x));
      linear.forEach((g, i) => expect(g).toBeCloseTo(-lambda * values(w)[i], 6));
      const quadratic = values(tf.grad((input: tf.Tensor) => gradientReversal(input, lambda).square().mul(w).sum())(x));
      quadratic.forEach((g, i) => expect(g).toBeCloseTo(-2 * lambda * values(w)[i] * values(x)[i], 6));
    }
    const defaultLambda = values(tf.grad((input: tf.Tensor) => gradientReversal(input).mul(w).sum())(x));
    expect(defaultLambda).toEqual(values(w.neg()));
  });

  it("leaves no tensor behind, forward or backward", () => {
    expectNoLeak(() => {
      gradientReversal(x, 0.5).dispose();
      tf.grad((input: tf.Tensor) => gradientReversal(input, 0.5).mul(w).sum())(x).dispose();
    });
  });

  it("rejects a λ that is negative or not finite", () => {
    expect(() => gradientReversal(x, -1)).toThrow(/gradientReversal: lambda must be a finite number ≥ 0, got -1/);
    expect(() => gradientReversal(x, NaN)).toThrow(/lambda must be a finite number ≥ 0, got NaN/);
  });
});

describe("cycle-consistency loss", () => {
  it("is the mean over examples of each example's L1 norm (summed over all other axes)", () => {
    const x = tf.tensor3d([[[1, 2], [3, 4]], [[0, 0], [-1, 1]]]);
    const difference = [[[0.5, -1], [0, 2]], [[-0.25, 0], [0, 0.75]]];
    const reconstructed = x.add(tf.tensor3d(difference));
    const perExample = difference.map((example) => example.flat().reduce((sum, d) => sum + Math.abs(d), 0)); // 3.5 and 1
    expect(scalar(cycleConsistencyLoss(x, reconstructed))).toBeCloseTo((perExample[0] + perExample[1]) / 2, 6);
    expect(scalar(cycleConsistencyLoss(x, x))).toBe(0);
    expect(scalar(cycleConsistencyLoss(tf.tensor1d([1, -2]), tf.tensor1d([0, 1])))).toBe(2);
    // ∂/∂x̂ = sign(x̂ − x) / n where x̂ ≠ x; at x̂ = x any value in [−1/n, 1/n] is a subgradient.
    const gradient = values(tf.grad((r: tf.Tensor) => cycleConsistencyLoss(x, r))(reconstructed));
    gradient.forEach((g, i) => {
      const d = difference.flat(2)[i];
      if (d === 0) expect(Math.abs(g)).toBeLessThanOrEqual(0.5);
      else expect(g).toBeCloseTo(Math.sign(d) / 2, 6);
    });
  });

  it("says which shapes do not match", () => {
    expect(() => cycleConsistencyLoss(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(/cycleConsistencyLoss: x \[2, 3\] and reconstructed \[2, 4\] must have the same shape/);
    expect(() => cycleConsistencyLoss(tf.zeros([2, 3]), tf.zeros([2, 3, 1]))).toThrow(/x \[2, 3\] and reconstructed \[2, 3, 1\]/);
    expect(() => cycleConsistencyLoss(tf.scalar(1), tf.scalar(1))).toThrow(/batch axis/);
    expect(() => cycleConsistencyLoss(tf.zeros([0, 3]), tf.zeros([0, 3]))).toThrow(/x \[0, 3\] is empty/);
  });
});

describe("conditional GAN input", () => {
  const z = tf.tensor2d([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]);
  const expected = [
    [0.1, 0.2, 0, 0, 1],
    [0.3, 0.4, 1, 0, 0],
    [0.5, 0.6, 0, 1, 0],
  ];

  it("appends the one-hot code of each row's class to z, from an array or a tensor of labels", () => {
    const fromArray = conditionalInput(z, [2, 0, 1], 3);
    expect(fromArray.shape).toEqual([3, 5]);
    expect(values(fromArray)).toEqual(values(tf.tensor2d(expected)));
    expect(values(conditionalInput(z, tf.tensor1d([2, 0, 1], "int32"), 3))).toEqual(values(tf.tensor2d(expected)));
  });

  it("says which label is out of range, and when counts or shapes do not match", () => {
    expect(() => conditionalInput(z, [2, 3, 1], 3)).toThrow(/conditionalInput: label 3 at index 1 is not a whole number in \[0, 3\)/);
    expect(() => conditionalInput(z, [0, 1.5, 1], 3)).toThrow(/label 1.5 at index 1/);
    expect(() => conditionalInput(z, [-1, 0, 1], 3)).toThrow(/label -1 at index 0/);
    expect(() => conditionalInput(z, [0, 1], 3)).toThrow(/z has 3 rows but there are 2 labels/);
    expect(() => conditionalInput(z, [0, 1, 2], 0)).toThrow(/classes must be a whole number ≥ 1, got 0/);
    expect(() => conditionalInput(tf.tensor1d([0, 0, 0]) as unknown as tf.Tensor2D, [0, 1, 2], 3)).toThrow(/z must be a matrix/);
  });
});

describe("spherical interpolation", () => {
  const p = 16;
  const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((sum, x) => sum + x * x, 0));
  /** The angle between u and v, 2 atan2(|û − v̂|, |û + v̂|): accurate near 0, unlike acos. */
  const angle = (u: number[], v: number[]) => {
    const [nu, nv] = [norm(u), norm(v)];
    return 2 * Math.atan2(norm(u.map((x, i) => x / nu - v[i] / nv)), norm(u.map((x, i) => x / nu + v[i] / nv)));
  };
  const rowsOf = (t: tf.Tensor2D) => t.arraySync();
  /** A seeded random vector of norm `length`. */
  const vector = (seed: string, length: number) => {
    const raw = seededLogits(p, seed, 1);
    return raw.map((x) => (x * length) / norm(raw));
  };

  it("starts and ends exactly at start and end", () => {
    const [a, b] = [tf.tensor1d(seededLogits(p, "slerp-a", 1)), tf.tensor1d(seededLogits(p, "slerp-b", 2))];
    const rows = sphericalInterpolation(a, b, 7);
    expect(rows.shape).toEqual([7, p]);
    expect(rowsOf(rows)[0]).toEqual(values(a));
    expect(rowsOf(rows)[6]).toEqual(values(b));
  });

  it("for endpoints of equal norm, keeps the norm on every row (where the straight line dips) and the angle to start grows linearly in t", () => {
    const [a, b] = [vector("slerp-c", 4), vector("slerp-d", 4)];
    const steps = 11;
    const omega = angle(a, b);
    const rows = rowsOf(sphericalInterpolation(tf.tensor1d(a), tf.tensor1d(b), steps));
    rows.forEach((row, i) => {
      const t = i / (steps - 1);
      expect(norm(row)).toBeCloseTo(4, 5);
      expect(angle(row, a)).toBeCloseTo(t * omega, 5);
      expect(angle(row, b)).toBeCloseTo((1 - t) * omega, 5);
    });
    const straightMiddle = rowsOf(linearInterpolation(tf.tensor1d(a), tf.tensor1d(b), steps))[5];
    expect(norm(straightMiddle)).toBeLessThan(4 * Math.cos(omega / 2) + 1e-5);
  });

  it("halfway between orthogonal unit vectors is (a + b)/√2", () => {
    const middle = rowsOf(sphericalInterpolation(tf.tensor1d([1, 0, 0]), tf.tensor1d([0, 1, 0]), 3))[1];
    middle.forEach((v, i) => expect(v).toBeCloseTo([Math.SQRT1_2, Math.SQRT1_2, 0][i], 6));
  });

  it("falls back to the straight line when the angle is 0 (same direction, or a zero vector)", () => {
    const a = tf.tensor1d([1, -2, 0.5]);
    for (const b of [a.mul(3) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D]) {
      expect(values(sphericalInterpolation(a, b, 5))).toEqual(values(linearInterpolation(a, b, 5)));
    }
  });

  it("says what is wrong with bad input", () => {
    const a = tf.tensor1d([1, 2]);
    expect(() => sphericalInterpolation(a, a.neg() as tf.Tensor1D, 5)).toThrow(/sphericalInterpolation: start and end point in opposite directions/);
    expect(() => sphericalInterpolation(a, tf.tensor1d([1, 2, 3]), 5)).toThrow(/start \[2\] and end \[3\] must be vectors of the same length/);
    expect(() => sphericalInterpolation(a, a, 1)).toThrow(/steps must be a whole number ≥ 2, got 1/);
  });
});
