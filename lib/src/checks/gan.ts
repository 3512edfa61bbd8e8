// Visible checks of notebook 05 (generative adversarial networks). Hidden cases live in tests/hidden/gan.ts.
// Expected values come from closed forms (the losses from their definition in float64, D* as σ(log p_data − log p_g)
// for two Gaussians, V(D*, G) = −log 4 + 2 JSD), brute-force loops in plain JS (float64), a second method (the
// library's reference functions; tf.variableGrads for the update one SGD step must make; Gram–Schmidt for the plane of
// a slerp) and properties (D* maximises V, slerp keeps the norm, only the trained network moves in a step).
// When a result matches a common mistake (a flipped sign, real and fake swapped, the wrong kind of generator loss, a
// missing variable list, a mean over all elements), the failure says so.
import * as tf from "@tensorflow/tfjs";
import { expectNumberArray, expectShape, expectTensor, fail } from "./assert";
import { defineExercise } from "./runner";
import { seededNormal, seededUniform } from "./autoencoders";
import { expectCloseWithHints, gradientWrt, matchingMistake, type Mistake } from "./vae";
import * as reference from "../math/gan";
import type { GeneratorLossKind } from "../math/gan";
import { sphericalInterpolation } from "../math/latent";
import { mlpDiscriminator, mlpGenerator } from "../models/gan";
import { trainableVariables } from "../training/gan";

export type DiscriminatorLoss = (realLogits: tf.Tensor, fakeLogits: tf.Tensor) => tf.Scalar;
export type GeneratorLoss = (fakeLogits: tf.Tensor, kind: GeneratorLossKind) => tf.Scalar;
export type OptimalDiscriminator = (pData: number[], pModel: number[]) => number[];
export type GanValue = (pData: number[], pModel: number[], d: number[], dx: number) => number;
export type DiscriminatorStep = (generator: tf.LayersModel, discriminator: tf.LayersModel, optimizer: tf.Optimizer, real: tf.Tensor2D, z: tf.Tensor2D) => number;
export type GeneratorStep = (generator: tf.LayersModel, discriminator: tf.LayersModel, optimizer: tf.Optimizer, z: tf.Tensor2D, kind: GeneratorLossKind) => number;
export type Interpolate = (zStart: tf.Tensor1D, zEnd: tf.Tensor1D, steps: number) => tf.Tensor2D;
export type Slerp = (zStart: tf.Tensor1D, zEnd: tf.Tensor1D, steps: number) => tf.Tensor2D;
export type ConditionalInput = (rows: tf.Tensor2D, labels: number[], classes: number) => tf.Tensor2D;
export type GradientReversal = (x: tf.Tensor, lambda: number) => tf.Tensor;
export type CycleLoss = (x: tf.Tensor, reconstructed: tf.Tensor) => tf.Scalar;

export const LOG_2 = Math.LN2;
const short = (value: number): string => String(Number(value.toPrecision(6)));

/** Plain values as the checks make them: seeded Float32Arrays or literal arrays. */
export type Values = Float32Array | number[];

// ---------------------------------------------------------------- float64 references

/** log(1 + e^t), float64, exact for any t. */
export function softplus(t: number): number {
  return Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

export function sigmoid(t: number): number {
  return 1 / (1 + Math.exp(-t));
}

/** mean_i f(values_i), float64. */
export function meanOf(values: ArrayLike<number>, f: (value: number) => number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += f(values[i]);
  return sum / values.length;
}

/** −mean log σ(real) − mean log(1 − σ(fake)) = mean softplus(−real) + mean softplus(fake), float64, exact for any logit. */
export function bruteDiscriminatorLoss(real: ArrayLike<number>, fake: ArrayLike<number>): number {
  return meanOf(real, (l) => softplus(-l)) + meanOf(fake, softplus);
}

/** The same straight from the definition, with log σ(l) and log(1 − σ(l)) (moderate logits only). */
export function definitionDiscriminatorLoss(real: ArrayLike<number>, fake: ArrayLike<number>): number {
  return -meanOf(real, (l) => Math.log(sigmoid(l))) - meanOf(fake, (l) => Math.log(1 - sigmoid(l)));
}

/** saturating: mean log(1 − σ(l)) = −mean softplus(l); non-saturating: −mean log σ(l) = mean softplus(−l); float64. */
export function bruteGeneratorLoss(logits: ArrayLike<number>, kind: GeneratorLossKind): number {
  return kind === "saturating" ? -meanOf(logits, softplus) : meanOf(logits, (l) => softplus(-l));
}

/** The same from the definition (moderate logits only). */
export function definitionGeneratorLoss(logits: ArrayLike<number>, kind: GeneratorLossKind): number {
  return kind === "saturating" ? meanOf(logits, (l) => Math.log(1 - sigmoid(l))) : -meanOf(logits, (l) => Math.log(sigmoid(l)));
}

// ---------------------------------------------------------------- assertions with hints

function describeValue(value: unknown): string {
  if (value === undefined) return "undefined (did the function forget to return?)";
  if (value === null) return "null";
  if (value instanceof tf.Tensor) return `a tf.Tensor of shape [${value.shape.join(", ")}]`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

/** The value of a tf.Scalar; a tensor of another shape gets a message saying what to reduce. */
export function expectScalar(value: unknown, what: string, reduce = "take the mean over all the values (.mean() with no axis)"): number {
  const tensor = expectTensor(value, what);
  if (tensor.rank !== 0) fail(`${what}: got shape [${tensor.shape.join(", ")}], expected a tf.Scalar (shape []): ${reduce}`);
  return tensor.dataSync()[0];
}

/**
 * The mistakes whose values tell them apart: one that gives the expected values, or the same values as a mistake
 * with another hint, is left out (on such inputs its hint could mislead; other inputs name it).
 */
export function unambiguous(mistakes: readonly Mistake[], want: ArrayLike<number>, tolerance: number): Mistake[] {
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) => matchingMistake(a, [{ values: b, hint: "" }], tolerance) !== undefined;
  return mistakes.filter((m) => !same(m.values, want) && !mistakes.some((other) => other.hint !== m.hint && same(m.values, other.values)));
}

/** expectCloseWithHints with the unambiguous mistakes only. */
export function expectCloseHinted(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tolerance: number, mistakes: readonly Mistake[] = [], shape?: readonly number[]): void {
  expectCloseWithHints(got, want, what, tolerance, unambiguous(mistakes, want, tolerance), shape);
}

/** A number (not a tensor, not NaN). */
export function expectNumber(value: unknown, what: string): number {
  if (value instanceof tf.Tensor) fail(`${what}: got ${describeValue(value)}; return the loss as a number (for instance loss.dataSync()[0] on the scalar optimizer.minimize returns)`);
  if (typeof value !== "number") fail(`${what}: expected a number, got ${describeValue(value)}`);
  if (Number.isNaN(value)) fail(`${what}: got NaN`);
  return value;
}

/** Fails on the first value that is not finite, with the given advice. */
export function expectFinite(values: ArrayLike<number>, what: (index: number) => string, advice: string): void {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) fail(`${what(i)}: got ${values[i]}. ${advice}`);
}

const SOFTPLUS_ADVICE =
  "σ(l) rounds to exactly 1 in float32 once l is above about 17 (and to 0 for very negative l), so log(1 − σ(l)) or log σ(l) is log 0 = −Infinity: " +
  "use −log σ(l) = softplus(−l) and −log(1 − σ(l)) = softplus(l) with tf.softplus, which is exact for any logit";

// ---------------------------------------------------------------- the discriminator's loss

/** Results of common mistakes in D's loss, with what to tell the student. */
export function discriminatorLossMistakes(real: ArrayLike<number>, fake: ArrayLike<number>): Mistake[] {
  const [n, m] = [real.length, fake.length];
  const realTerm = meanOf(real, (l) => softplus(-l));
  const fakeTerm = meanOf(fake, softplus);
  const want = realTerm + fakeTerm;
  const mistakes: Mistake[] = [
    { values: [-want], hint: "The sign is flipped: this is V(D, G), which D maximises; its loss to minimise is −V = −mean log σ(real) − mean log(1 − σ(fake)) ≥ 0." },
    {
      values: [meanOf(fake, (l) => softplus(-l)) + meanOf(real, softplus)],
      hint: "Real and fake are swapped: the real logits go into −log σ(l) = softplus(−l) and the fake logits into −log(1 − σ(l)) = softplus(l).",
    },
    { values: [meanOf(real, softplus) + fakeTerm], hint: "−log σ(l) is softplus(−l): the real logits enter negated." },
    { values: [realTerm + meanOf(fake, (l) => softplus(-l))], hint: "−log(1 − σ(l)) is softplus(l): the fake logits enter as they are, not negated." },
    { values: [want / 2], hint: "This is half the loss: add the two means (one per batch), do not average them." },
    { values: [n * realTerm + m * fakeTerm], hint: "This sums over the examples: take the mean of each batch's term." },
    { values: [realTerm], hint: "The fakes' term −mean log(1 − σ(fake)) = mean softplus(fake) is missing." },
    { values: [fakeTerm], hint: "The real term −mean log σ(real) = mean softplus(−real) is missing." },
  ];
  if (n !== m) {
    mistakes.push({
      values: [(n * realTerm + m * fakeTerm) / (n + m)],
      hint: `This is one mean over both batches together (${n} + ${m} values): take each batch's own mean, then add the two, so that batches of different sizes weigh the same.`,
    });
  }
  return mistakes;
}

/** Calls the student's loss on the given logits and checks the value against the float64 reference, with hints. */
export function expectDiscriminatorLoss(
  discriminatorLoss: DiscriminatorLoss,
  real: Values,
  realShape: number[],
  fake: Values,
  fakeShape: number[],
  tolerance = 1e-5,
  want = bruteDiscriminatorLoss(real, fake),
): number {
  const what = `discriminatorLoss(real logits [${realShape.join(", ")}], fake logits [${fakeShape.join(", ")}])`;
  const got = expectScalar(discriminatorLoss(tf.tensor(real, realShape), tf.tensor(fake, fakeShape)), what);
  expectCloseHinted([got], [want], what, tolerance, discriminatorLossMistakes(real, fake));
  return got;
}

export const discriminatorLossExercise = defineExercise<DiscriminatorLoss>({
  id: "gan.discriminatorLoss",
  functionName: "discriminatorLoss",
  title: "The discriminator's loss from logits",
  cases: [
    {
      name: "small batches of different sizes, real logits (2, −1, 0.5, 0) and fake logits (−3, 1, 0.25): −mean log σ(real) − mean log(1 − σ(fake)) ≈ 1.381116, and ≈ 2.339450 the other way round",
      kind: "closed form",
      points: 1,
      run(discriminatorLoss) {
        // −log σ(l) for l = 2, −1, 0.5, 0: 0.126928, 1.313262, 0.474077, 0.693147 → mean 0.651853.
        // −log(1 − σ(l)) for l = −3, 1, 0.25: 0.048587, 1.313262, 0.825939 → mean 0.729263. Sum ≈ 1.381116.
        // Exchanged (real (−3, 1, 0.25), fake (2, −1, 0.5, 0)): 1.008896 + 1.330554 ≈ 2.339450.
        const real = [2, -1, 0.5, 0];
        const fake = [-3, 1, 0.25];
        const want = definitionDiscriminatorLoss(real, fake);
        expectDiscriminatorLoss(discriminatorLoss, real, [4], fake, [3], 1e-5, want);
        expectDiscriminatorLoss(discriminatorLoss, fake, [3], real, [4], 1e-5, definitionDiscriminatorLoss(fake, real));
      },
    },
    {
      name: "logits [n] and [n, 1] (a model's output), batches of 1, 7 and 64, in [−8, 8], against the definition in float64",
      kind: "brute force",
      points: 1,
      run(discriminatorLoss) {
        for (const [n, m, seed] of [[1, 1, 501], [7, 64, 502], [64, 7, 503]]) {
          const real = seededUniform(1, n, seed, -8, 8);
          const fake = seededUniform(1, m, seed + 10, -8, 8);
          const want = definitionDiscriminatorLoss(real, fake);
          expectDiscriminatorLoss(discriminatorLoss, real, [n, 1], fake, [m, 1], 1e-5, want);
          expectDiscriminatorLoss(discriminatorLoss, real, [n], fake, [m, 1], 1e-5, want);
        }
      },
    },
    {
      name: "confident logits ±50 and ±1000 give finite, exact values (log of a sigmoid gives Infinity or NaN there)",
      kind: "numerical stability",
      points: 1,
      run(discriminatorLoss) {
        // softplus(t) = t for t ≥ 50 and 0 (to e⁻⁵⁰ ≈ 2·10⁻²²) for t ≤ −50: a right D (real 50, fake −50) costs ≈ 0,
        // a wrong one (real −1000, fake 1000) costs 1000 + 1000.
        const pairs: [number, number, number][] = [[50, -50, 2 * softplus(-50)], [1000, -1000, 0], [-50, 50, 100], [-1000, 1000, 2000], [1000, 1000, 1000], [-1000, -1000, 1000]];
        for (const [r, f, want] of pairs) {
          const what = `discriminatorLoss(real logit ${r}, fake logit ${f})`;
          const got = expectScalar(discriminatorLoss(tf.tensor1d([r]), tf.tensor1d([f])), what);
          expectFinite([got], () => what, SOFTPLUS_ADVICE);
          if (want >= 100 && got < want - 10 && !matchingMistake([got], discriminatorLossMistakes([r], [f]))) {
            fail(`${what}: got ${short(got)}, expected ${want}. This looks like σ(l) clipped away from 0 and 1 before the log, which caps the loss of a confident mistake: tf.softplus is exact without clipping`);
          }
          expectCloseHinted([got], [want], what, 1e-5, discriminatorLossMistakes([r], [f]));
        }
      },
    },
    {
      name: "logits 0 (D = ½ everywhere) give log 2 + log 2 = 2 log 2 ≈ 1.386294, for batches [1], [5, 1] and [3]",
      kind: "edge case",
      points: 1,
      run(discriminatorLoss) {
        for (const [realShape, fakeShape] of [[[1], [1]], [[5, 1], [3]]]) {
          const real = new Array(realShape[0]).fill(0);
          const fake = new Array(fakeShape[0]).fill(0);
          expectDiscriminatorLoss(discriminatorLoss, real, realShape, fake, fakeShape, 1e-6, 2 * LOG_2);
        }
      },
    },
    {
      name: "which way round: a D that says real to the real batch (logits +4) and fake to the fakes (−4) has a small loss (≈ 0.036), the reverse a large one (≈ 8.036)",
      kind: "property",
      points: 1,
      run(discriminatorLoss) {
        const what = (r: number, f: number) => `discriminatorLoss(real logits ${r}, fake logits ${f})`;
        const right = expectScalar(discriminatorLoss(tf.fill([6, 1], 4), tf.fill([6, 1], -4)), what(4, -4));
        const wrong = expectScalar(discriminatorLoss(tf.fill([6, 1], -4), tf.fill([6, 1], 4)), what(-4, 4));
        if (!(right >= 0 && wrong >= 0)) {
          fail(`a loss −log σ(real) − log(1 − σ(fake)) is ≥ 0, got ${short(right)} and ${short(wrong)}: the sign is flipped (this is V, which D maximises; the loss is −V)`);
        }
        if (!(right < wrong)) {
          fail(
            `a discriminator that is right (real logits +4, fake −4) gets loss ${short(right)}, one that is wrong (real −4, fake +4) gets ${short(wrong)}: the right one must cost less. ` +
              "Real and fake are swapped: realLogits go into softplus(−l) = −log σ(l), fakeLogits into softplus(l) = −log(1 − σ(l)).",
          );
        }
        const six = (l: number) => new Array(6).fill(l);
        const [rightMistakes, wrongMistakes] = [discriminatorLossMistakes(six(4), six(-4)), discriminatorLossMistakes(six(-4), six(4))];
        const mistakes = rightMistakes.map((m, i) => ({ values: [m.values[0], wrongMistakes[i].values[0]], hint: m.hint }));
        expectCloseHinted([right, wrong], [2 * softplus(-4), 2 * softplus(4)], "discriminatorLoss for logits (+4, −4) and (−4, +4)", 1e-5, mistakes);
      },
    },
  ],
});

// ---------------------------------------------------------------- the generator's loss

const GENERATOR_LOSS_FORMULA: Record<GeneratorLossKind, string> = {
  saturating: `kind "saturating" is mean log(1 − σ(l)) = −mean softplus(l) (≤ 0)`,
  "non-saturating": `kind "non-saturating" is −mean log σ(l) = mean softplus(−l) (≥ 0)`,
};

export function generatorLossMistakes(logits: ArrayLike<number>, kind: GeneratorLossKind): Mistake[] {
  const other: GeneratorLossKind = kind === "saturating" ? "non-saturating" : "saturating";
  const want = bruteGeneratorLoss(logits, kind);
  const mistakes: Mistake[] = [
    { values: [bruteGeneratorLoss(logits, other)], hint: `This is the ${other} loss: the kinds are swapped. ${GENERATOR_LOSS_FORMULA[kind]}.` },
    { values: [-want], hint: `The sign is flipped: ${GENERATOR_LOSS_FORMULA[kind]}.` },
    { values: [logits.length * want], hint: "This sums over the fakes: take the mean." },
  ];
  if (kind === "non-saturating") {
    mistakes.push({ values: [meanOf(logits, softplus)], hint: "This is −log(1 − σ(l)) = softplus(l), the discriminator's term for fakes; G's non-saturating loss is −log σ(l) = softplus(−l)." });
  } else {
    mistakes.push({ values: [-meanOf(logits, (l) => softplus(-l))], hint: "This is mean log σ(l); the saturating loss is mean log(1 − σ(l)) = −mean softplus(l)." });
  }
  return mistakes;
}

export function expectGeneratorLoss(generatorLoss: GeneratorLoss, logits: Values, shape: number[], kind: GeneratorLossKind, tolerance = 1e-5, want = bruteGeneratorLoss(logits, kind)): number {
  const what = `generatorLoss(fake logits [${shape.join(", ")}], "${kind}")`;
  const got = expectScalar(generatorLoss(tf.tensor(logits, shape), kind), what);
  expectCloseHinted([got], [want], what, tolerance, generatorLossMistakes(logits, kind));
  return got;
}

/** ∂ loss/∂l_i = −σ(l_i)/n (saturating) or −σ(−l_i)/n (non-saturating), float64. */
export function generatorLossGradient(logits: ArrayLike<number>, kind: GeneratorLossKind): number[] {
  const n = logits.length;
  return Array.from(logits, (l) => (kind === "saturating" ? -sigmoid(l) / n : -sigmoid(-l) / n));
}

export const KINDS: GeneratorLossKind[] = ["saturating", "non-saturating"];

export const generatorLossExercise = defineExercise<GeneratorLoss>({
  id: "gan.generatorLoss",
  functionName: "generatorLoss",
  title: "The generator's loss, saturating and non-saturating",
  cases: [
    {
      name: "logits (−2, 0, 1.5, 3) as [4] and [4, 1]: mean log(1 − σ(l)) ≈ −1.392519 (saturating), −mean log σ(l) ≈ 0.767519 (non-saturating)",
      kind: "closed form",
      points: 1,
      run(generatorLoss) {
        // log(1 − σ(l)) = −softplus(l): −0.126928, −0.693147, −1.701413, −3.048587 → mean −1.392519;
        // −log σ(l) = softplus(−l): 2.126928, 0.693147, 0.201413, 0.048587 → mean 0.767519.
        const logits = [-2, 0, 1.5, 3];
        for (const kind of KINDS) {
          const want = definitionGeneratorLoss(logits, kind);
          expectGeneratorLoss(generatorLoss, logits, [4], kind, 1e-5, want);
          expectGeneratorLoss(generatorLoss, logits, [4, 1], kind, 1e-5, want);
        }
      },
    },
    {
      name: "64 random logits in [−8, 8] and a batch of 1, both kinds, against the definition in float64; logits 0 give −log 2 and log 2",
      kind: "brute force",
      points: 1,
      run(generatorLoss) {
        const logits = seededUniform(1, 64, 511, -8, 8);
        for (const kind of KINDS) {
          expectGeneratorLoss(generatorLoss, logits, [64, 1], kind, 1e-5, definitionGeneratorLoss(logits, kind));
          expectGeneratorLoss(generatorLoss, [0.7], [1, 1], kind, 1e-5, definitionGeneratorLoss([0.7], kind));
          expectGeneratorLoss(generatorLoss, [0, 0, 0], [3, 1], kind, 1e-6, kind === "saturating" ? -LOG_2 : LOG_2);
        }
      },
    },
    {
      name: "confident logits ±50 and ±1000, both kinds: finite and exact (−1000 for saturating at l = 1000, 1000 for non-saturating at l = −1000)",
      kind: "numerical stability",
      points: 1,
      run(generatorLoss) {
        for (const kind of KINDS) {
          for (const l of [50, -50, 1000, -1000]) {
            const what = `generatorLoss(logit ${l}, "${kind}")`;
            const got = expectScalar(generatorLoss(tf.tensor2d([[l]]), kind), what);
            expectFinite([got], () => what, SOFTPLUS_ADVICE);
            expectCloseHinted([got], [bruteGeneratorLoss([l], kind)], what, 1e-5, generatorLossMistakes([l], kind));
          }
        }
      },
    },
    {
      name: "gradients (tf.grad) at logits (−1, −5, −10, −20): the saturating one −σ(l)/n vanishes as l → −∞, the non-saturating one −σ(−l)/n tends to −1/n",
      kind: "gradient",
      points: 1,
      run(generatorLoss) {
        // Early in training D rejects the fakes (l ≪ 0): log(1 − σ(l)) is flat there, −log σ(l) is not (Goodfellow et al. 2014, §3).
        const logits = [-1, -5, -10, -20];
        const at = tf.tensor1d(logits);
        const gradients = {} as Record<GeneratorLossKind, Float32Array>;
        for (const kind of KINDS) {
          const what = `generatorLoss(logits, "${kind}")`;
          expectScalar(generatorLoss(at, kind), what);
          gradients[kind] = gradientWrt((l) => generatorLoss(l, kind), at, what, "the logits").dataSync() as Float32Array;
        }
        const swapped = withinAbsolute(gradients.saturating, generatorLossGradient(logits, "non-saturating"), 1e-6) && withinAbsolute(gradients["non-saturating"], generatorLossGradient(logits, "saturating"), 1e-6);
        if (swapped) {
          fail(
            `the gradient of the "saturating" loss at l = −20 is ${short(gradients.saturating[3])} (about −1/n) and that of the "non-saturating" loss is ${short(gradients["non-saturating"][3])} (about 0): the kinds are swapped. ` +
              `${GENERATOR_LOSS_FORMULA.saturating}, whose gradient vanishes when D confidently rejects the fakes; ${GENERATOR_LOSS_FORMULA["non-saturating"]}.`,
          );
        }
        for (const kind of KINDS) {
          const want = generatorLossGradient(logits, kind);
          const mistakes: Mistake[] = [
            { values: want.map((g) => -g), hint: `The sign is flipped: ${GENERATOR_LOSS_FORMULA[kind]}.` },
            { values: want.map((g) => 4 * g), hint: "This is n times the gradient of the mean: the loss sums over the fakes; take the mean." },
          ];
          if (kind === "non-saturating") mistakes.push({ values: logits.map((l) => sigmoid(l) / 4), hint: "This is the gradient of mean softplus(l) = −mean log(1 − σ(l)), the discriminator's term for fakes; G's non-saturating loss is −log σ(l) = softplus(−l)." });
          expectCloseHinted(gradients[kind], want, `∂ generatorLoss(l, "${kind}")/∂l (tf.grad), expected ${kind === "saturating" ? "−σ(l)/n" : "−σ(−l)/n"}`, 1e-6, mistakes, [4]);
        }
        if (!(Math.abs(gradients.saturating[3]) < 1e-6 && Math.abs(gradients["non-saturating"][3]) > 0.2)) {
          fail(`at l = −20 the saturating gradient should be ≈ 0 and the non-saturating one ≈ −1/4; got ${short(gradients.saturating[3])} and ${short(gradients["non-saturating"][3])}`);
        }
      },
    },
  ],
});

/** |got − want| ≤ tolerance everywhere. */
function withinAbsolute(got: ArrayLike<number>, want: ArrayLike<number>, tolerance: number): boolean {
  if (got.length !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tolerance)) return false;
  return true;
}

// ---------------------------------------------------------------- densities on a grid

/** n points from `from` with step dx. */
export function grid(from: number, dx: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => from + i * dx);
}

export function logNormal(x: number, mean: number, std: number): number {
  return -0.5 * Math.log(2 * Math.PI) - Math.log(std) - (0.5 * (x - mean) ** 2) / (std * std);
}

export function normalDensity(xs: readonly number[], mean: number, std: number): number[] {
  return xs.map((x) => Math.exp(logNormal(x, mean, std)));
}

/** The density of the uniform distribution on [a, b] at each point (1/(b − a) inside, 0 outside). */
export function uniformDensity(xs: readonly number[], a: number, b: number): number[] {
  return xs.map((x) => (x >= a && x <= b ? 1 / (b - a) : 0));
}

// ---------------------------------------------------------------- the optimal discriminator

export function optimalDiscriminatorMistakes(pData: readonly number[], pModel: readonly number[]): Mistake[] {
  const at = (f: (p: number, q: number) => number) => pData.map((p, i) => f(p, pModel[i]));
  return [
    { values: at((p, q) => (p + q === 0 ? 0.5 : q / (p + q))), hint: "This is 1 − D*, the probability of a fake: D*(x) = p_data(x) / (p_data(x) + p_g(x)) has the data's density on top." },
    { values: at((p, q) => (p + q === 0 ? 0 : p / (p + q))), hint: "Where both densities are 0, return 0.5 (x never occurs there, so every D is optimal and ½ is the neutral value)." },
    { values: at((p, q) => p / q), hint: "This is the ratio p_data/p_g: D* divides by the sum p_data + p_g." },
  ];
}

/** The student's D* on a grid, checked to be an array of numbers of the grid's length, and without NaN where both densities vanish. */
export function callOptimalDiscriminator(optimalDiscriminator: OptimalDiscriminator, pData: number[], pModel: number[], what: string): number[] {
  const got = expectNumberArray(optimalDiscriminator([...pData], [...pModel]), pData.length, `${what} (one value per grid point)`);
  got.forEach((d, i) => {
    if (Number.isNaN(d)) {
      const both = pData[i] === 0 && pModel[i] === 0;
      fail(`${what}: NaN at grid point ${i} (p_data = ${short(pData[i])}, p_g = ${short(pModel[i])})` + (both ? ": 0/0 is NaN. Where both densities are 0, return 0.5." : ""));
    }
  });
  return got;
}

export const optimalDiscriminatorExercise = defineExercise<OptimalDiscriminator>({
  id: "gan.optimalDiscriminator",
  functionName: "optimalDiscriminator",
  title: "The optimal discriminator",
  cases: [
    {
      name: "p_data = N(0, 1), p_g = N(1.5, 0.8²) on 201 points of [−5, 5]: D* = σ(log p_data − log p_g), the log-densities in closed form",
      kind: "closed form",
      points: 1,
      run(optimalDiscriminator) {
        const xs = grid(-5, 0.05, 201);
        const pData = normalDensity(xs, 0, 1);
        const pModel = normalDensity(xs, 1.5, 0.8);
        const got = callOptimalDiscriminator(optimalDiscriminator, pData, pModel, "optimalDiscriminator(N(0, 1), N(1.5, 0.8²))");
        const want = xs.map((x) => sigmoid(logNormal(x, 0, 1) - logNormal(x, 1.5, 0.8)));
        expectCloseHinted(got, want, "D*(x) for p_data = N(0, 1) and p_g = N(1.5, 0.8²)", 1e-9, optimalDiscriminatorMistakes(pData, pModel));
      },
    },
    {
      name: "uniform densities on [0, 2] and [1, 4] on a grid of [−1, 5]: D* = 1 where only p_data > 0, 0 where only p_g > 0, 0.6 on the overlap, 0.5 where both are 0",
      kind: "edge case",
      points: 1,
      run(optimalDiscriminator) {
        // On the overlap [1, 2]: p_data = ½, p_g = ⅓, D* = ½ / (½ + ⅓) = 3/5.
        const xs = grid(-1, 0.25, 25);
        const pData = uniformDensity(xs, 0, 2);
        const pModel = uniformDensity(xs, 1, 4);
        const got = callOptimalDiscriminator(optimalDiscriminator, pData, pModel, "optimalDiscriminator(U[0, 2], U[1, 4])");
        const want = pData.map((p, i) => (p > 0 && pModel[i] > 0 ? 0.6 : p > 0 ? 1 : pModel[i] > 0 ? 0 : 0.5));
        expectCloseHinted(got, want, "D*(x) for p_data = U[0, 2] and p_g = U[1, 4]", 1e-12, optimalDiscriminatorMistakes(pData, pModel));
      },
    },
    {
      name: "p_g = p_data (a mixture of two Gaussians) gives D* = ½ everywhere; grids of 1, 7 and 301 points give as many values",
      kind: "property",
      points: 1,
      run(optimalDiscriminator) {
        for (const n of [1, 7, 301]) {
          const xs = grid(-4, 8 / Math.max(n - 1, 1), n);
          const p = xs.map((x) => 0.3 * Math.exp(logNormal(x, -1, 0.5)) + 0.7 * Math.exp(logNormal(x, 1.5, 1)));
          const got = callOptimalDiscriminator(optimalDiscriminator, p, p, `optimalDiscriminator on ${n} grid point${n === 1 ? "" : "s"} with p_g = p_data`);
          expectCloseHinted(got, new Array(n).fill(0.5), `D* for p_g = p_data (${n} points)`, 1e-12, optimalDiscriminatorMistakes(p, p));
        }
      },
    },
  ],
});

// ---------------------------------------------------------------- the value V(D, G)

/** Σ [p_data log D + p_g log(1 − D)] dx with 0 · log 0 = 0, float64. */
export function bruteValue(pData: readonly number[], pModel: readonly number[], d: readonly number[], dx: number): number {
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    if (pData[i] > 0) sum += pData[i] * Math.log(d[i]);
    if (pModel[i] > 0) sum += pModel[i] * Math.log1p(-d[i]);
  }
  return sum * dx;
}

export function valueMistakes(pData: readonly number[], pModel: readonly number[], d: readonly number[], dx: number): Mistake[] {
  const want = bruteValue(pData, pModel, d, dx);
  const swapped = bruteValue(pData, pModel, d.map((v) => 1 - v), dx);
  return [
    { values: [want / dx], hint: `The sum is not multiplied by dx = ${dx}: V is an integral, Σ (…) · dx.` },
    { values: [-want], hint: "The sign is flipped: V = Σ [p_data log D + p_g log(1 − D)] dx ≤ 0." },
    { values: [swapped], hint: "log D and log(1 − D) are swapped: p_data goes with log D(x), p_g with log(1 − D(x))." },
    { values: [bruteValue(pData, new Array(pModel.length).fill(0), d, dx)], hint: "The fakes' term Σ p_g log(1 − D) dx is missing." },
  ];
}

export function expectValue(ganValue: GanValue, pData: readonly number[], pModel: readonly number[], d: readonly number[], dx: number, what: string, tolerance = 1e-9, want = bruteValue(pData, pModel, d, dx)): number {
  const value = ganValue([...pData], [...pModel], [...d], dx);
  if (Number.isNaN(value) || (value === -Infinity && want !== -Infinity)) {
    fail(`${what}: got ${value}, expected ${short(want)}. A term whose density is 0 counts 0 (0 · log 0 = 0): add p_data · log D only where p_data > 0, and p_g · log(1 − D) only where p_g > 0`);
  }
  const got = expectNumber(value, what);
  expectCloseHinted([got], [want], what, tolerance, valueMistakes(pData, pModel, d, dx));
  return got;
}

export const valueExercise = defineExercise<GanValue>({
  id: "gan.value",
  functionName: "ganValue",
  title: "The value V(D, G) on a grid",
  cases: [
    {
      name: "4 grid points with dx = 0.5, D = (0.25, 0.5, 0.75, 0.5): Σ [p_data log D + p_g log(1 − D)] dx ≈ −1.350959 against a float64 loop; D = ½ gives −log 4",
      kind: "brute force",
      points: 1,
      run(ganValue) {
        // Both densities sum to 2, i.e. integrate to 1 with dx = 0.5; D = ½ then gives (1 + 1) log ½ = −log 4.
        const pData = [0.2, 0.6, 0.8, 0.4];
        const pModel = [0.4, 0.4, 0.4, 0.8];
        expectValue(ganValue, pData, pModel, [0.25, 0.5, 0.75, 0.5], 0.5, "ganValue(p_data, p_g, D = (0.25, 0.5, 0.75, 0.5), dx = 0.5)");
        expectValue(ganValue, pData, pModel, [0.5, 0.5, 0.5, 0.5], 0.5, "ganValue(p_data, p_g, D = ½, dx = 0.5)", 1e-9, -Math.log(4));
      },
    },
    {
      name: "D = D* (the library's optimalDiscriminator): V = −log 4 + 2 JSD(p_data ‖ p_g) for N(0, 1) and N(1, 1.2²) on [−12, 12] (to 1e-9), and −log 4 for p_g = p_data",
      kind: "closed form",
      points: 1,
      run(ganValue) {
        const dx = 0.01;
        const xs = grid(-12, dx, 2401);
        const pData = normalDensity(xs, 0, 1);
        const pModel = normalDensity(xs, 1, 1.2);
        const optimal = Array.from(reference.optimalDiscriminator(pData, pModel));
        const want = -Math.log(4) + 2 * reference.jensenShannonDivergence(pData, pModel, dx);
        expectValue(ganValue, pData, pModel, optimal, dx, "ganValue(N(0, 1), N(1, 1.2²), D*, dx = 0.01)", 1e-9, want);
        const same = Array.from(reference.optimalDiscriminator(pData, pData));
        expectValue(ganValue, pData, pData, same, dx, "ganValue(p_data, p_g = p_data, D* = ½, dx = 0.01)", 1e-9, -Math.log(4));
      },
    },
    {
      name: "D* maximises V: five other discriminators (½, D* pushed up or down, a sharper and a flatter one) give lower values, each equal to its float64 sum",
      kind: "property",
      points: 1,
      run(ganValue) {
        const dx = 0.02;
        const xs = grid(-6, dx, 601);
        const pData = normalDensity(xs, -0.5, 1);
        const pModel = normalDensity(xs, 1, 0.9);
        const optimal = Array.from(reference.optimalDiscriminator(pData, pModel));
        const best = expectValue(ganValue, pData, pModel, optimal, dx, "ganValue(…, D*, dx = 0.02)");
        const logit = (d: number) => Math.log(d / (1 - d));
        const others: [string, number[]][] = [
          ["D = ½", optimal.map(() => 0.5)],
          ["D = σ(logit D* + 0.5)", optimal.map((d) => sigmoid(logit(d) + 0.5))],
          ["D = σ(logit D* − 0.5)", optimal.map((d) => sigmoid(logit(d) - 0.5))],
          ["D = σ(2 logit D*)", optimal.map((d) => sigmoid(2 * logit(d)))],
          ["D = σ(½ logit D*)", optimal.map((d) => sigmoid(0.5 * logit(d)))],
        ];
        for (const [name, d] of others) {
          const value = expectValue(ganValue, pData, pModel, d, dx, `ganValue(…, ${name}, dx = 0.02)`);
          if (!(value < best)) fail(`V(${name}) = ${short(value)} is not below V(D*) = ${short(best)}: D* = p_data/(p_data + p_g) maximises V, so any other D must give less`);
        }
      },
    },
    {
      name: "0 · log 0 = 0: p_data = U[0, 1] and p_g = U[2, 3] (disjoint), D = 1 on [0, 1], 0 on [2, 3], ½ elsewhere, give V = 0 (= −log 4 + 2 log 2), not NaN",
      kind: "edge case",
      points: 1,
      run(ganValue) {
        // D = 1 where p_data > 0: log 1 = 0, and p_g = 0 there, so p_g log(1 − D) = 0 · log 0 counts 0; likewise on [2, 3].
        const dx = 0.125;
        const xs = grid(-1, dx, 41);
        const pData = uniformDensity(xs, 0, 1).map((p, i) => (xs[i] > 0 && xs[i] <= 1 ? p : 0));
        const pModel = uniformDensity(xs, 2, 3).map((p, i) => (xs[i] > 2 && xs[i] <= 3 ? p : 0));
        const d = pData.map((p, i) => (p > 0 ? 1 : pModel[i] > 0 ? 0 : 0.5));
        expectValue(ganValue, pData, pModel, d, dx, "ganValue(U[0, 1], U[2, 3], D*, dx = 0.125)", 1e-12, 0);
      },
    },
  ],
});

// ---------------------------------------------------------------- one step of D, one step of G

export interface PairOptions {
  latentSize: number;
  sampleSize: number;
  hiddenSizes: number[];
  batch: number;
  seed: number;
}

export const SMALL_PAIR: PairOptions = { latentSize: 3, sampleSize: 2, hiddenSizes: [16], batch: 8, seed: 521 };

export interface GanPair {
  generator: tf.Sequential;
  discriminator: tf.Sequential;
  /** A real batch [batch, sampleSize] (seeded normal, shifted), and noise z [batch, latentSize]. */
  real: tf.Tensor2D;
  z: tf.Tensor2D;
}

/**
 * Runs body on a small seeded MLP pair without batch norm (ReLU generator, leaky-ReLU discriminator, from the library),
 * then disposes both models (their variables outlive the case's tf scope otherwise).
 */
export async function withPair<T>(options: PairOptions, body: (pair: GanPair) => T | Promise<T>): Promise<T> {
  const { latentSize, sampleSize, hiddenSizes, batch, seed } = options;
  const generator = mlpGenerator({ latentSize, outputSize: sampleSize, hiddenSizes, seed });
  const discriminator = mlpDiscriminator({ inputSize: sampleSize, hiddenSizes, seed });
  try {
    const real = tf.tensor2d(seededNormal(batch, sampleSize, seed + 1, 1.5, 0.5), [batch, sampleSize]);
    const z = tf.tensor2d(seededNormal(batch, latentSize, seed + 2), [batch, latentSize]);
    return await body({ generator, discriminator, real, z });
  } finally {
    generator.dispose();
    discriminator.dispose();
  }
}

/** Runs body with an optimizer, then disposes it (Adam's moments are variables). */
export async function withOptimizer<T>(optimizer: tf.Optimizer, body: (optimizer: tf.Optimizer) => T | Promise<T>): Promise<T> {
  try {
    return await body(optimizer);
  } finally {
    optimizer.dispose();
  }
}

export interface Snapshot {
  names: string[];
  values: Float32Array[];
}

/** Copies of every weight of the model (trainable or not), with their names. */
export function snapshot(model: tf.LayersModel): Snapshot {
  return { names: model.weights.map((w) => w.originalName), values: model.weights.map((w) => Float32Array.from(w.read().dataSync())) };
}

/** Copies of the trainable weights, in the order of trainableVariables(model). */
export function trainableSnapshot(model: tf.LayersModel): Snapshot {
  return { names: model.trainableWeights.map((w) => w.originalName), values: trainableVariables(model).map((v) => Float32Array.from(v.dataSync())) };
}

/** The largest |change| of any weight since the snapshot, and where: −1 when nothing changed, bit for bit; NaN when a weight became NaN. */
export function largestChange(before: Snapshot, after: Snapshot): { change: number; name: string } {
  let change = -1;
  let name = "";
  for (let k = 0; k < before.values.length; k++) {
    const [old, now] = [before.values[k], after.values[k]];
    for (let i = 0; i < old.length; i++) {
      if (old[i] === now[i]) continue;
      const delta = Math.abs(now[i] - old[i]);
      if (Number.isNaN(delta)) return { change: NaN, name: before.names[k] };
      if (delta > change) [change, name] = [delta, before.names[k]];
    }
  }
  return { change, name };
}

/** D's loss (the library's) on the real batch and G(z), as a number. */
export function referenceDiscriminatorLoss({ generator, discriminator, real, z }: GanPair): number {
  return tf.tidy(() => reference.discriminatorLoss(discriminator.apply(real) as tf.Tensor, discriminator.apply(generator.apply(z) as tf.Tensor) as tf.Tensor).dataSync()[0]);
}

/** G's loss (the library's) on D(G(z)), as a number. */
export function referenceGeneratorLoss({ generator, discriminator, z }: GanPair, kind: GeneratorLossKind): number {
  return tf.tidy(() => reference.generatorLoss(discriminator.apply(generator.apply(z) as tf.Tensor) as tf.Tensor, kind).dataSync()[0]);
}

/** The gradient of a loss with respect to a model's trainable variables, in the order of trainableVariables(model). */
export function gradientsOf(model: tf.LayersModel, loss: () => tf.Scalar): Float32Array[] {
  return tf.tidy(() => {
    const variables = trainableVariables(model);
    const { grads } = tf.variableGrads(loss, variables);
    return variables.map((v) => (grads[v.name] ? Float32Array.from(grads[v.name].dataSync()) : new Float32Array(v.size)));
  });
}

const D_VARIABLE_LIST =
  "minimise over the discriminator's variables only: optimizer.minimize(f, true, varList) with varList = discriminator.trainableWeights.map((w) => w.read() as tf.Variable). " +
  "Without the third argument the optimizer updates every trainable variable the loss depends on";
const G_VARIABLE_LIST =
  "minimise over the generator's variables only: optimizer.minimize(f, true, varList) with varList = generator.trainableWeights.map((w) => w.read() as tf.Variable). " +
  "Without the third argument the optimizer also updates the discriminator, through which the gradient flows";

/** Fails unless the model is bit-for-bit as in the snapshot. */
export function expectUnchanged(before: Snapshot, model: tf.LayersModel, what: string, advice: string): void {
  const { change, name } = largestChange(before, snapshot(model));
  if (change !== -1) fail(`${what} moved (its weight ${name} changed by ${short(change)}): ${advice}`);
}

/** Fails unless some weight of the model changed. */
export function expectChanged(before: Snapshot, model: tf.LayersModel, what: string, advice: string): void {
  const { change } = largestChange(before, snapshot(model));
  if (change === -1) fail(`${what} did not change: ${advice}`);
  if (Number.isNaN(change)) fail(`${what} became NaN after the step`);
}

/** Checks that the trainable weights went from `before` to before − lr·gradient (one SGD step), with hints. */
export function expectSgdUpdate(model: tf.LayersModel, before: Snapshot, gradient: Float32Array[], lr: number, what: string, mistakes: { gradient: Float32Array[]; hint: string }[] = []): void {
  const after = trainableSnapshot(model);
  before.values.forEach((values, k) => {
    const want = Array.from(values, (w, i) => w - lr * gradient[k][i]);
    const hints: Mistake[] = [
      { values: Array.from(values, (w, i) => w + lr * gradient[k][i]), hint: "The weights went up the gradient of the loss: minimise the loss (optimizer.minimize), not its negative." },
      ...mistakes.map((m) => ({ values: Array.from(values, (w, i) => w - lr * m.gradient[k][i]), hint: m.hint })),
    ];
    expectCloseHinted(after.values[k], want, `${what}, weight ${before.names[k]}: expected w − lr·∂loss/∂w (lr = ${lr})`, 2e-6, hints);
  });
}

/** Calls one of the step functions, turning tfjs's "no connection" error into advice on which model to apply where. */
export function callStep(call: () => unknown, trained: "generator" | "discriminator"): unknown {
  try {
    return call();
  } catch (error) {
    if (error instanceof Error && /Cannot find a connection between any variable/.test(error.message)) {
      fail(
        trained === "discriminator"
          ? "optimizer.minimize found no path from the discriminator's variables to the loss: apply the discriminator (discriminator.apply(real) and discriminator.apply(fakes)) inside the function given to minimize, so that tfjs records it for the gradient"
          : "optimizer.minimize found no path from the generator's variables to the loss: compute the fakes generator.apply(z) inside the function given to minimize, then discriminator.apply(fakes), so that the gradient reaches the generator through D",
      );
    }
    throw error;
  }
}

/** Fails unless tf.memory().numTensors did not grow. */
export function expectNoNewTensors(before: number, what: string): void {
  const extra = tf.memory().numTensors - before;
  if (extra > 0) fail(`${extra} new tensor${extra === 1 ? " is" : "s are"} still alive after ${what}: wrap the work in tf.tidy (and return a number, not a tensor), and dispose the scalar optimizer.minimize returns`);
}

export const discriminatorStepExercise = defineExercise<DiscriminatorStep>({
  id: "gan.discriminatorStep",
  functionName: "discriminatorStep",
  title: "One step of the discriminator",
  cases: [
    {
      name: "one Adam step on a small MLP pair: the discriminator's weights change, the generator's stay bit-for-bit the same",
      kind: "property",
      points: 1,
      async run(discriminatorStep) {
        await withPair(SMALL_PAIR, (pair) =>
          withOptimizer(tf.train.adam(0.01), (optimizer) => {
            const [g, d] = [snapshot(pair.generator), snapshot(pair.discriminator)];
            expectNumber(callStep(() => discriminatorStep(pair.generator, pair.discriminator, optimizer, pair.real, pair.z), "discriminator"), "discriminatorStep(…)");
            expectUnchanged(g, pair.generator, "the generator", D_VARIABLE_LIST);
            expectChanged(d, pair.discriminator, "the discriminator's weights", "minimise discriminatorLoss(D(real), D(G(z))) over the discriminator's trainable variables");
          }),
        );
      },
    },
    {
      name: "returns D's loss before the update, as a number: the library's discriminatorLoss(D(real), D(G(z))) computed before the call",
      kind: "second method",
      points: 1,
      async run(discriminatorStep) {
        await withPair(SMALL_PAIR, (pair) =>
          withOptimizer(tf.train.adam(0.05), (optimizer) => {
            const want = referenceDiscriminatorLoss(pair);
            const swapped = tf.tidy(() => reference.discriminatorLoss(pair.discriminator.apply(pair.generator.apply(pair.z) as tf.Tensor) as tf.Tensor, pair.discriminator.apply(pair.real) as tf.Tensor).dataSync()[0]);
            const generatorLoss = referenceGeneratorLoss(pair, "non-saturating");
            const got = expectNumber(callStep(() => discriminatorStep(pair.generator, pair.discriminator, optimizer, pair.real, pair.z), "discriminator"), "discriminatorStep(…)");
            const after = referenceDiscriminatorLoss(pair);
            expectCloseHinted([got], [want], "the loss discriminatorStep returns (before the update)", 1e-5, [
              { values: [after], hint: "This is the loss after the update: return the value optimizer.minimize(f, true, …) gives back, which it computes before updating." },
              { values: [swapped], hint: "Real and fake are swapped: discriminatorLoss takes D's logits on the real batch first, then on the fakes G(z)." },
              { values: [generatorLoss], hint: "This is the generator's loss: the discriminator minimises discriminatorLoss(D(real), D(G(z)))." },
            ]);
          }),
        );
      },
    },
    {
      name: "with SGD (lr = 0.1) the discriminator's new weights are w − 0.1·∂loss/∂w, the gradient from tf.variableGrads of the library's loss",
      kind: "second method",
      points: 1,
      async run(discriminatorStep) {
        await withPair(SMALL_PAIR, (pair) =>
          withOptimizer(tf.train.sgd(0.1), (optimizer) => {
            const { generator, discriminator, real, z } = pair;
            const before = trainableSnapshot(discriminator);
            const g = snapshot(generator);
            const gradient = gradientsOf(discriminator, () => reference.discriminatorLoss(discriminator.apply(real) as tf.Tensor, discriminator.apply(generator.apply(z) as tf.Tensor) as tf.Tensor));
            const swapped = gradientsOf(discriminator, () => reference.discriminatorLoss(discriminator.apply(generator.apply(z) as tf.Tensor) as tf.Tensor, discriminator.apply(real) as tf.Tensor));
            expectNumber(callStep(() => discriminatorStep(generator, discriminator, optimizer, real, z), "discriminator"), "discriminatorStep(…)");
            expectUnchanged(g, generator, "the generator", D_VARIABLE_LIST);
            expectSgdUpdate(discriminator, before, gradient, 0.1, "the discriminator after one SGD step", [
              { gradient: swapped, hint: "This is the step for real and fake swapped: discriminatorLoss(D(real), D(G(z))) takes the real logits first." },
            ]);
          }),
        );
      },
    },
    {
      name: "frees what it creates: after a call, as many tensors are alive as before (SGD, which keeps no state)",
      kind: "memory",
      points: 1,
      async run(discriminatorStep) {
        await withPair(SMALL_PAIR, (pair) =>
          withOptimizer(tf.train.sgd(0.05), (optimizer) => {
            const before = tf.memory().numTensors;
            const got: unknown = callStep(() => discriminatorStep(pair.generator, pair.discriminator, optimizer, pair.real, pair.z), "discriminator");
            if (got instanceof tf.Tensor) got.dispose();
            expectNoNewTensors(before, "discriminatorStep(…)");
            expectNumber(got, "discriminatorStep(…)");
          }),
        );
      },
    },
  ],
});

export const generatorStepExercise = defineExercise<GeneratorStep>({
  id: "gan.generatorStep",
  functionName: "generatorStep",
  title: "One step of the generator",
  cases: [
    {
      name: "one Adam step on a small MLP pair, both kinds: the generator's weights change, the discriminator's stay bit-for-bit the same",
      kind: "property",
      points: 1,
      async run(generatorStep) {
        for (const kind of KINDS) {
          await withPair(SMALL_PAIR, (pair) =>
            withOptimizer(tf.train.adam(0.01), (optimizer) => {
              const [g, d] = [snapshot(pair.generator), snapshot(pair.discriminator)];
              expectNumber(callStep(() => generatorStep(pair.generator, pair.discriminator, optimizer, pair.z, kind), "generator"), `generatorStep(…, "${kind}")`);
              expectUnchanged(d, pair.discriminator, `the discriminator (kind "${kind}")`, G_VARIABLE_LIST);
              expectChanged(g, pair.generator, `the generator's weights (kind "${kind}")`, "minimise generatorLoss(D(G(z)), kind) over the generator's trainable variables, with G(z) computed inside the minimised function so the gradient reaches G");
            }),
          );
        }
      },
    },
    {
      name: "returns G's loss before the update, as a number, for both kinds: the library's generatorLoss(D(G(z)), kind) computed before the call",
      kind: "second method",
      points: 1,
      async run(generatorStep) {
        for (const kind of KINDS) {
          await withPair(SMALL_PAIR, (pair) =>
            withOptimizer(tf.train.adam(0.05), (optimizer) => {
              const other: GeneratorLossKind = kind === "saturating" ? "non-saturating" : "saturating";
              const want = referenceGeneratorLoss(pair, kind);
              const otherLoss = referenceGeneratorLoss(pair, other);
              const got = expectNumber(callStep(() => generatorStep(pair.generator, pair.discriminator, optimizer, pair.z, kind), "generator"), `generatorStep(…, "${kind}")`);
              const after = referenceGeneratorLoss(pair, kind);
              expectCloseHinted([got], [want], `the loss generatorStep(…, "${kind}") returns (before the update)`, 1e-5, [
                { values: [otherLoss], hint: `This is the ${other} loss: pass kind on to generatorLoss(logits, kind).` },
                { values: [after], hint: "This is the loss after the update: return the value optimizer.minimize(f, true, …) gives back, which it computes before updating." },
              ]);
            }),
          );
        }
      },
    },
    {
      name: "with SGD (lr = 0.1), both kinds: the generator's new weights are w − 0.1·∂loss/∂w (tf.variableGrads of the library's loss through D)",
      kind: "second method",
      points: 1,
      async run(generatorStep) {
        for (const kind of KINDS) {
          await withPair(SMALL_PAIR, (pair) =>
            withOptimizer(tf.train.sgd(0.1), (optimizer) => {
              const { generator, discriminator, z } = pair;
              const other: GeneratorLossKind = kind === "saturating" ? "non-saturating" : "saturating";
              const before = trainableSnapshot(generator);
              const d = snapshot(discriminator);
              const lossOf = (k: GeneratorLossKind) => () => reference.generatorLoss(discriminator.apply(generator.apply(z) as tf.Tensor) as tf.Tensor, k);
              const gradient = gradientsOf(generator, lossOf(kind));
              const otherGradient = gradientsOf(generator, lossOf(other));
              expectNumber(callStep(() => generatorStep(generator, discriminator, optimizer, z, kind), "generator"), `generatorStep(…, "${kind}")`);
              expectUnchanged(d, discriminator, `the discriminator (kind "${kind}")`, G_VARIABLE_LIST);
              expectSgdUpdate(generator, before, gradient, 0.1, `the generator after one SGD step (kind "${kind}")`, [
                { gradient: otherGradient, hint: `This is the step of the ${other} loss: pass kind on to generatorLoss(logits, kind).` },
              ]);
            }),
          );
        }
      },
    },
    {
      name: "frees what it creates: after a call, as many tensors are alive as before (SGD, which keeps no state)",
      kind: "memory",
      points: 1,
      async run(generatorStep) {
        await withPair(SMALL_PAIR, (pair) =>
          withOptimizer(tf.train.sgd(0.05), (optimizer) => {
            const before = tf.memory().numTensors;
            const got: unknown = callStep(() => generatorStep(pair.generator, pair.discriminator, optimizer, pair.z, "non-saturating"), "generator");
            if (got instanceof tf.Tensor) got.dispose();
            expectNoNewTensors(before, "generatorStep(…)");
            expectNumber(got, "generatorStep(…)");
          }),
        );
      },
    },
  ],
});

// ---------------------------------------------------------------- walking the latent space

/** Row k = β zStart + (1 − β) zEnd with β = 1 − k/(steps − 1), row-major [steps, p], float64. */
export function bruteInterpolation(zStart: ArrayLike<number>, zEnd: ArrayLike<number>, steps: number, beta = (k: number) => 1 - k / (steps - 1)): number[] {
  const rows: number[] = [];
  for (let k = 0; k < steps; k++) for (let j = 0; j < zStart.length; j++) rows.push(beta(k) * zStart[j] + (1 - beta(k)) * zEnd[j]);
  return rows;
}

export function interpolationMistakes(zStart: ArrayLike<number>, zEnd: ArrayLike<number>, steps: number): Mistake[] {
  return [
    { values: bruteInterpolation(zEnd, zStart, steps), hint: "The direction is reversed: the first row (k = 0, β = 1) is zStart and the last (β = 0) is zEnd." },
    { values: bruteInterpolation(zStart, zEnd, steps, (k) => 1 - k / steps), hint: "β = 1 − k/(steps − 1), not k/steps: the last row must be zEnd exactly." },
    { values: bruteInterpolation(zStart, zEnd, steps, (k) => 1 - (k + 1) / steps), hint: "β = 1 − k/(steps − 1) for k = 0, …, steps − 1: the first row must be zStart exactly." },
  ];
}

/** The student's rows, checked to be [steps, p] (a transposed result gets its own message). */
export function expectRows(value: unknown, steps: number, p: number, what: string): Float32Array {
  const tensor = expectTensor(value, what);
  if (steps !== p && tensor.rank === 2 && tensor.shape[0] === p && tensor.shape[1] === steps) fail(`${what}: got shape [${p}, ${steps}], expected [${steps}, ${p}]: one row per step (the result is transposed)`);
  return expectShape(tensor, [steps, p], `${what} (one row of ${p} per step)`).dataSync() as Float32Array;
}

export const interpolateExercise = defineExercise<Interpolate>({
  id: "gan.interpolate",
  functionName: "interpolate",
  title: "Linear interpolation in the latent space",
  cases: [
    {
      name: "zStart = (1, 0, −2), zEnd = (3, 4, 2), 5 steps: rows (1, 0, −2), (1.5, 1, −1), (2, 2, 0), (2.5, 3, 1), (3, 4, 2)",
      kind: "closed form",
      points: 1,
      run(interpolate) {
        // β = 1, ¾, ½, ¼, 0: row k = β zStart + (1 − β) zEnd.
        const [a, b] = [[1, 0, -2], [3, 4, 2]];
        const got = expectRows(interpolate(tf.tensor1d(a), tf.tensor1d(b), 5), 5, 3, "interpolate(zStart, zEnd, 5)");
        expectCloseHinted(got, [1, 0, -2, 1.5, 1, -1, 2, 2, 0, 2.5, 3, 1, 3, 4, 2], "interpolate((1, 0, −2), (3, 4, 2), 5)", 1e-6, interpolationMistakes(a, b, 5), [5, 3]);
      },
    },
    {
      name: "random codes of 16 (and 1) dimensions, 2, 7 and 50 steps: shape [steps, p], first row zStart and last row zEnd exactly, rows against a float64 loop",
      kind: "brute force",
      points: 1,
      run(interpolate) {
        for (const [p, steps, seed] of [[16, 2, 531], [16, 7, 532], [1, 50, 533]]) {
          const [a, b] = [seededNormal(1, p, seed), seededNormal(1, p, seed + 10)];
          const what = `interpolate(zStart [${p}], zEnd [${p}], ${steps})`;
          const got = expectRows(interpolate(tf.tensor1d(a), tf.tensor1d(b), steps), steps, p, what);
          const mistakes = interpolationMistakes(a, b, steps);
          expectCloseHinted(got.subarray(0, p), a, `${what}: the first row must be zStart`, 1e-6, mistakes.map((m) => ({ ...m, values: Array.from(m.values).slice(0, p) })));
          expectCloseHinted(got.subarray((steps - 1) * p), b, `${what}: the last row must be zEnd`, 1e-6, mistakes.map((m) => ({ ...m, values: Array.from(m.values).slice((steps - 1) * p) })));
          expectCloseHinted(got, bruteInterpolation(a, b, steps), what, 1e-5, mistakes, [steps, p]);
        }
      },
    },
    {
      name: "a straight line at constant speed: consecutive rows differ by (zEnd − zStart)/(steps − 1), 11 steps in 8 dimensions",
      kind: "property",
      points: 1,
      run(interpolate) {
        const [p, steps] = [8, 11];
        const [a, b] = [seededNormal(1, p, 534, 0, 2), seededNormal(1, p, 535, 1, 2)];
        const got = expectRows(interpolate(tf.tensor1d(a), tf.tensor1d(b), steps), steps, p, `interpolate(zStart, zEnd, ${steps})`);
        const differences = Array.from({ length: (steps - 1) * p }, (_, k) => got[k + p] - got[k]);
        const want = Array.from({ length: (steps - 1) * p }, (_, k) => (b[k % p] - a[k % p]) / (steps - 1));
        const reversed = want.map((v) => -v);
        expectCloseHinted(differences, want, "row k + 1 − row k", 1e-5, [{ values: reversed, hint: "The line goes from zEnd to zStart: the direction is reversed (row 0 is zStart, β = 1)." }], [steps - 1, p]);
      },
    },
  ],
});

/** The angle between two vectors, accurate at every angle: 2 atan2(|â − b̂|, |â + b̂|), float64. */
export function angleBetween(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
  const [na, nb] = [norm(a), norm(b)];
  const difference = Array.from(a, (x, i) => x / na - b[i] / nb);
  const sum = Array.from(a, (x, i) => x / na + b[i] / nb);
  return 2 * Math.atan2(norm(difference), norm(sum));
}

export function norm(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}

/** Two float32 vectors of p values at the angle omega, with the given norms (seeded directions). */
export function vectorsAtAngle(p: number, omega: number, normStart: number, normEnd: number, seed: number): [Float32Array, Float32Array] {
  const u = Array.from(seededNormal(1, p, seed));
  const v = Array.from(seededNormal(1, p, seed + 1));
  const nu = norm(u);
  const e1 = u.map((x) => x / nu);
  const dot = v.reduce((s, x, i) => s + x * e1[i], 0);
  const w = v.map((x, i) => x - dot * e1[i]);
  const nw = norm(w);
  const e2 = w.map((x) => x / nw);
  return [Float32Array.from(e1, (x) => normStart * x), Float32Array.from(e1, (x, i) => normEnd * (Math.cos(omega) * x + Math.sin(omega) * e2[i]))];
}

/** Slerp rows in float64 for t = k/(steps − 1), or a variant with other weights. */
export function bruteSlerp(a: ArrayLike<number>, b: ArrayLike<number>, steps: number, t = (k: number) => k / (steps - 1)): number[] {
  const omega = angleBetween(a, b);
  const rows: number[] = [];
  for (let k = 0; k < steps; k++) {
    const [wa, wb] = [Math.sin((1 - t(k)) * omega) / Math.sin(omega), Math.sin(t(k) * omega) / Math.sin(omega)];
    for (let j = 0; j < a.length; j++) rows.push(wa * a[j] + wb * b[j]);
  }
  return rows;
}

export function slerpMistakes(a: ArrayLike<number>, b: ArrayLike<number>, steps: number): Mistake[] {
  return [
    { values: bruteInterpolation(a, b, steps), hint: "This is the straight line (1 − t) zStart + t zEnd: slerp weighs zStart by sin((1 − t)Ω)/sin Ω and zEnd by sin(tΩ)/sin Ω." },
    { values: bruteSlerp(b, a, steps), hint: "The direction is reversed: at t = 0 (the first row) the weight sin((1 − t)Ω)/sin Ω = 1 goes to zStart." },
    { values: bruteSlerp(a, b, steps, (k) => k / steps), hint: "t = k/(steps − 1), not k/steps: the last row must be zEnd exactly." },
  ];
}

const SLERP_NAN = "Ω = arccos(zStart·zEnd / (‖zStart‖ ‖zEnd‖)): divide the dot product by both norms (tf.norm), then clamp it to [−1, 1] (clipByValue) before tf.acos. " +
  "NaN comes from arccos of a value outside [−1, 1], or from 0/0 when sin Ω is 0";

export function expectSlerpRows(value: unknown, steps: number, p: number, what: string): Float32Array {
  const got = expectRows(value, steps, p, what);
  const bad = got.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(`${what}: the value at [${Math.floor(bad / p)}, ${bad % p}] is ${got[bad]}. ${SLERP_NAN}`);
  return got;
}

export const slerpExercise = defineExercise<Slerp>({
  id: "gan.slerp",
  functionName: "slerp",
  title: "Spherical interpolation (slerp)",
  cases: [
    {
      name: "zStart = (2, 0), zEnd = (0, 2), 3 steps: rows (2, 0), (√2, √2), (0, 2), a quarter circle of radius 2",
      kind: "closed form",
      points: 1,
      run(slerp) {
        // Ω = π/2; at t = ½ both weights are sin(π/4)/sin(π/2) = √½.
        const [a, b] = [[2, 0], [0, 2]];
        const got = expectSlerpRows(slerp(tf.tensor1d(a), tf.tensor1d(b), 3), 3, 2, "slerp((2, 0), (0, 2), 3)");
        expectCloseHinted(got, [2, 0, Math.SQRT2, Math.SQRT2, 0, 2], "slerp((2, 0), (0, 2), 3)", 1e-5, slerpMistakes(a, b, 3), [3, 2]);
      },
    },
    {
      name: "ends exact and the norm kept: codes of norm 3 in 10 dimensions at angles 0.4, 1.6 and 2.6 rad, 9 steps: first row zStart, last zEnd, every row of norm 3",
      kind: "property",
      points: 1,
      run(slerp) {
        const [p, steps] = [10, 9];
        for (const [omega, seed] of [[0.4, 541], [1.6, 543], [2.6, 545]]) {
          const [a, b] = vectorsAtAngle(p, omega, 3, 3, seed);
          const what = `slerp(zStart, zEnd, ${steps}) for codes at ${omega} rad`;
          const got = expectSlerpRows(slerp(tf.tensor1d(a), tf.tensor1d(b), steps), steps, p, what);
          const mistakes = slerpMistakes(a, b, steps);
          const rows = (m: Mistake, from: number, to: number) => ({ ...m, values: Array.from(m.values).slice(from, to) });
          expectCloseHinted(got.subarray(0, p), a, `${what}: the first row must be zStart`, 1e-5, mistakes.map((m) => rows(m, 0, p)));
          expectCloseHinted(got.subarray((steps - 1) * p), b, `${what}: the last row must be zEnd`, 1e-5, mistakes.map((m) => rows(m, (steps - 1) * p, steps * p)));
          const norms = Array.from({ length: steps }, (_, k) => norm(got.subarray(k * p, (k + 1) * p)));
          const worst = norms.reduce((w, n, k) => (Math.abs(n - 3) > Math.abs(norms[w] - 3) ? k : w), 0);
          if (!(Math.abs(norms[worst] - 3) <= 3e-5 * 3)) {
            const linear = matchingMistake(got, mistakes.slice(0, 1));
            fail(`${what}: both ends have norm 3 but row ${worst} has norm ${short(norms[worst])}: an arc between codes of equal norm keeps the norm.` + (linear ? `\n  ${linear.hint}` : ""));
          }
        }
      },
    },
    {
      name: "an arc in the plane of the two codes at constant speed: every row in span(zStart, zEnd) (Gram–Schmidt), consecutive rows Ω/(steps − 1) apart",
      kind: "property",
      points: 1,
      run(slerp) {
        const [p, steps, omega] = [12, 7, 2.1];
        const [a, b] = vectorsAtAngle(p, omega, 1.5, 1.5, 547);
        const what = `slerp(zStart, zEnd, ${steps})`;
        const got = expectSlerpRows(slerp(tf.tensor1d(a), tf.tensor1d(b), steps), steps, p, what);
        const e1 = Array.from(a, (x) => x / norm(a));
        const along = Array.from(b).reduce((s, x, i) => s + x * e1[i], 0);
        const w = Array.from(b, (x, i) => x - along * e1[i]);
        const e2 = w.map((x) => x / norm(w));
        for (let k = 0; k < steps; k++) {
          const row = Array.from(got.subarray(k * p, (k + 1) * p));
          const [c1, c2] = [row.reduce((s, x, i) => s + x * e1[i], 0), row.reduce((s, x, i) => s + x * e2[i], 0)];
          const residual = norm(row.map((x, i) => x - c1 * e1[i] - c2 * e2[i]));
          if (!(residual <= 1e-5 * Math.max(1, norm(row)))) fail(`${what}: row ${k} is ${short(residual)} away from the plane of zStart and zEnd: every row is a combination of zStart and zEnd`);
        }
        const angles = Array.from({ length: steps - 1 }, (_, k) => angleBetween(got.subarray(k * p, (k + 1) * p), got.subarray((k + 1) * p, (k + 2) * p)));
        const want = new Array(steps - 1).fill(omega / (steps - 1));
        expectCloseHinted(angles, want, `the angles between consecutive rows (expected Ω/(steps − 1) = ${short(omega / (steps - 1))} rad each)`, 2e-4, [
          { values: angleSteps(bruteInterpolation(a, b, steps), steps, p), hint: "These are the angles along the straight line, which are not equal: slerp weighs zStart by sin((1 − t)Ω)/sin Ω and zEnd by sin(tΩ)/sin Ω." },
        ]);
      },
    },
    {
      name: "codes of different norms (1 and 4) in 20 dimensions at angles 0.3, 1.2 and 2.8 rad, 6 steps, against the library's sphericalInterpolation",
      kind: "second method",
      points: 1,
      run(slerp) {
        const [p, steps] = [20, 6];
        for (const [omega, seed] of [[0.3, 551], [1.2, 553], [2.8, 555]]) {
          const [a, b] = vectorsAtAngle(p, omega, 1, 4, seed);
          const what = `slerp(zStart, zEnd, ${steps}) for codes of norms 1 and 4 at ${omega} rad`;
          const got = expectSlerpRows(slerp(tf.tensor1d(a), tf.tensor1d(b), steps), steps, p, what);
          const want = sphericalInterpolation(tf.tensor1d(a), tf.tensor1d(b), steps).dataSync();
          expectCloseHinted(got, want, what, 2e-5, slerpMistakes(a, b, steps), [steps, p]);
        }
      },
    },
  ],
});

/** The angles between consecutive rows of row-major values. */
function angleSteps(rows: ArrayLike<number>, steps: number, p: number): number[] {
  const row = (k: number) => Array.from(rows).slice(k * p, (k + 1) * p);
  return Array.from({ length: steps - 1 }, (_, k) => angleBetween(row(k), row(k + 1)));
}

// ---------------------------------------------------------------- conditional input

/** Each row followed by the one-hot code of its label, row-major [n, k + classes]. */
export function bruteConditionalInput(rows: ArrayLike<number>, k: number, labels: readonly number[], classes: number, oneHotFirst = false): number[] {
  const out: number[] = [];
  labels.forEach((label, i) => {
    const row = Array.from(rows).slice(i * k, (i + 1) * k);
    const code = Array.from({ length: classes }, (_, c) => (c === label ? 1 : 0));
    out.push(...(oneHotFirst ? [...code, ...row] : [...row, ...code]));
  });
  return out;
}

export function conditionalInputMistakes(rows: ArrayLike<number>, k: number, labels: readonly number[], classes: number): Mistake[] {
  return [
    { values: bruteConditionalInput(rows, k, labels, classes, true), hint: "The one-hot code comes first: put each row first and its code after, tf.concat([rows, oneHot], 1)." },
    { values: bruteConditionalInput(rows, k, labels.map((l) => (l + 1) % classes), classes), hint: "The 1 is one place too far: label c sets column k + c (tf.oneHot(labels, classes), labels from 0)." },
  ];
}

export function expectConditionalInput(conditionalInput: ConditionalInput, rows: Values, n: number, k: number, labels: number[], classes: number, what: string): void {
  const tensor = expectTensor(conditionalInput(tf.tensor2d(rows, [n, k]), [...labels], classes), what);
  if (tensor.rank === 2 && tensor.shape[0] === 2 * n && n > 0) fail(`${what}: got shape [${tensor.shape.join(", ")}]: the concatenation is along the rows (axis 0); use axis 1, so that each row gets its code: [${n}, ${k + classes}]`);
  const shape = tensor.shape as number[];
  if (shape.length === 2 && shape[0] === n && shape[1] > k && shape[1] < k + classes) {
    fail(`${what}: got shape [${tensor.shape.join(", ")}], expected [${n}, ${k + classes}]: the code has ${classes} columns (one per class) even when the labels do not use every class: tf.oneHot(labels, classes)`);
  }
  expectShape(tensor, [n, k + classes], `${what} (each row followed by ${classes} one-hot columns)`);
  if (tensor.dtype !== "float32") fail(`${what}: got dtype ${tensor.dtype}, expected float32: tf.oneHot gives int32, cast it with .toFloat() (or tf.cast(…, "float32")) before tf.concat`);
  const got = tensor.dataSync();
  const columns = k + classes;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      if (got[i * columns + j] !== rows[i * k + j]) {
        const mistake = matchingMistake(got, conditionalInputMistakes(rows, k, labels, classes));
        fail(`${what}: at [${i}, ${j}] expected the row's own value ${short(rows[i * k + j])}, got ${short(got[i * columns + j])}: the first ${k} columns are the row, unchanged.` + (mistake ? `\n  ${mistake.hint}` : ""));
      }
    }
  }
  expectCloseHinted(got, bruteConditionalInput(rows, k, labels, classes), `${what}: the last ${classes} columns, the one-hot code of each label`, 0, conditionalInputMistakes(rows, k, labels, classes), [n, columns]);
}

export const conditionalInputExercise = defineExercise<ConditionalInput>({
  id: "gan.conditionalInput",
  functionName: "conditionalInput",
  title: "The input of a conditional GAN",
  cases: [
    {
      name: "rows (0.5, −1), (2, 3), (0, 0) with labels 2, 0, 1 of 3 classes: (0.5, −1, 0, 0, 1), (2, 3, 1, 0, 0), (0, 0, 0, 1, 0)",
      kind: "closed form",
      points: 1,
      run(conditionalInput) {
        expectConditionalInput(conditionalInput, [0.5, -1, 2, 3, 0, 0], 3, 2, [2, 0, 1], 3, "conditionalInput(rows [3, 2], labels (2, 0, 1), 3)");
      },
    },
    {
      name: "shape [n, k + classes] and dtype float32: 50 noise rows of 100 with labels 0…9 (every class, the last one too), and one row of 1 with 2 classes",
      kind: "brute force",
      points: 1,
      run(conditionalInput) {
        const labels = Array.from({ length: 50 }, (_, i) => (i * 7) % 10);
        expectConditionalInput(conditionalInput, seededNormal(50, 100, 561), 50, 100, labels, 10, "conditionalInput(z [50, 100], labels, 10)");
        expectConditionalInput(conditionalInput, [0.25], 1, 1, [1], 2, "conditionalInput(z [1, 1], labels (1), 2)");
      },
    },
    {
      name: "samples x of 784 pixels with labels 0, 3, 5 and 1 of 10 classes (not all used): the first 784 columns are x exactly, bit for bit, then 10 one-hot columns",
      kind: "property",
      points: 1,
      run(conditionalInput) {
        const [n, k, classes] = [6, 784, 10];
        const labels = [0, 3, 3, 0, 5, 1];
        expectConditionalInput(conditionalInput, seededUniform(n, k, 562), n, k, labels, classes, "conditionalInput(x [6, 784], labels, 10)");
      },
    },
  ],
});

// ---------------------------------------------------------------- gradient reversal

/** tf.grad of Σ w ⊙ f(x) with respect to x, where f is the student's layer (or any function). */
export function weightedGradient(f: (x: tf.Tensor) => unknown, x: tf.Tensor, w: tf.Tensor, what: string): Float32Array {
  return gradientWrt((v) => expectTensor(f(v), what).mul(w), x, `Σ w ⊙ ${what}`, "x").dataSync() as Float32Array;
}

export function gradientReversalMistakes(weights: ArrayLike<number>, lambda: number): Mistake[] {
  const scaled = (factor: number) => Array.from(weights, (w) => factor * w);
  const mistakes: Mistake[] = [
    { values: scaled(lambda), hint: "The sign is missing: the gradient going back is the incoming one multiplied by −λ (dy.mul(-lambda))." },
    { values: scaled(1 - lambda), hint: "value is x itself: then the gradient flows around the reversal too (1 − λ instead of −λ). Return a new tensor, x.clone()." },
  ];
  if (lambda !== 1) mistakes.push({ values: scaled(-1), hint: `λ = ${lambda} is ignored: the gradient is multiplied by −λ, not −1.` });
  if (lambda !== 0) mistakes.push({ values: scaled(-1 / lambda), hint: "The gradient is divided by −λ: multiply it by −λ." });
  mistakes.push({ values: scaled(1), hint: "The gradient passes unchanged: gradFunc(dy) must return dy multiplied by −λ." });
  return mistakes;
}

export const gradientReversalExercise = defineExercise<GradientReversal>({
  id: "gan.gradientReversal",
  functionName: "gradientReversal",
  title: "The gradient reversal layer",
  cases: [
    {
      name: "going forward it is the identity: the output equals x, for λ = 3, 0.5 and 1, rank 1 [5] and rank 2 [4, 3]",
      kind: "closed form",
      points: 1,
      run(gradientReversal) {
        for (const shape of [[5], [4, 3]]) {
          const size = shape.reduce((a, b) => a * b, 1);
          const values = seededNormal(1, size, 571 + size);
          for (const lambda of [3, 0.5, 1]) {
            const what = `gradientReversal(x [${shape.join(", ")}], ${lambda})`;
            const got = expectShape(gradientReversal(tf.tensor(values, shape), lambda), shape, what).dataSync();
            expectCloseHinted(got, values, `${what}: going forward, the output is x itself`, 0, [
              { values: Array.from(values, (v) => -lambda * v), hint: "The forward pass is multiplied by −λ: λ only scales the gradient; going forward the layer is the identity (value: x.clone())." },
              { values: Array.from(values, (v) => lambda * v), hint: "The forward pass is multiplied by λ: going forward the layer is the identity (value: x.clone())." },
              { values: Array.from(values, (v) => -v), hint: "The forward pass is negated: only the gradient is reversed; going forward the layer is the identity." },
            ], shape);
          }
        }
      },
    },
    {
      name: "going back (tf.grad): the gradient of Σ w ⊙ gradientReversal(x, λ) is −λ·w, for λ = 3, 0.5 and 1, rank 1 and rank 2",
      kind: "gradient",
      points: 1,
      run(gradientReversal) {
        for (const shape of [[6], [3, 4]]) {
          const size = shape.reduce((a, b) => a * b, 1);
          const x = tf.tensor(seededNormal(1, size, 581 + size), shape);
          const weights = seededNormal(1, size, 591 + size);
          for (const lambda of [3, 0.5, 1]) {
            const what = `gradientReversal(x [${shape.join(", ")}], ${lambda})`;
            const got = weightedGradient((v) => gradientReversal(v, lambda), x, tf.tensor(weights, shape), what);
            expectCloseHinted(got, Array.from(weights, (w) => -lambda * w), `∂(Σ w ⊙ ${what})/∂x (tf.grad), expected −λ·w`, 1e-6, gradientReversalMistakes(weights, lambda), shape);
          }
        }
      },
    },
    {
      name: "λ = 0 stops the gradient (0 everywhere), and inside a small network x → tanh(xA) → reversal → · v the gradient matches the library's gradientReversal",
      kind: "second method",
      points: 1,
      run(gradientReversal) {
        const x = tf.tensor2d(seededNormal(5, 3, 601), [5, 3]);
        const weights = seededNormal(5, 3, 602);
        const zero = weightedGradient((v) => gradientReversal(v, 0), x, tf.tensor2d(weights, [5, 3]), "gradientReversal(x, 0)");
        expectCloseHinted(zero, new Array(15).fill(0), "∂(Σ w ⊙ gradientReversal(x, 0))/∂x (tf.grad), expected 0", 1e-7, gradientReversalMistakes(weights, 0), [5, 3]);
        const a = tf.tensor2d(seededNormal(3, 4, 603), [3, 4]);
        const v = tf.tensor2d(seededNormal(4, 1, 604), [4, 1]);
        for (const lambda of [0.7, 2]) {
          const network = (layer: (h: tf.Tensor, lambda: number) => tf.Tensor) => (input: tf.Tensor) => expectTensor(layer(tf.tanh(input.matMul(a)), lambda), `gradientReversal(tanh(xA), ${lambda})`).matMul(v);
          const got = gradientWrt(network(gradientReversal), x, `gradientReversal(tanh(xA), ${lambda}) · v`, "x").dataSync();
          const want = tf.grad((input: tf.Tensor) => network(reference.gradientReversal)(input).sum())(x).dataSync();
          const identity = tf.grad((input: tf.Tensor) => tf.tanh(input.matMul(a)).matMul(v).sum())(x).dataSync();
          // The library's layer gives −λ times the gradient without the layer; the mistakes are other multiples of it.
          expectCloseHinted(got, want, `∂(gradientReversal(tanh(xA), ${lambda}) · v)/∂x (tf.grad) against the library's layer`, 1e-5, gradientReversalMistakes(identity, lambda), [5, 3]);
        }
      },
    },
  ],
});

// ---------------------------------------------------------------- cycle consistency

/** mean over the n examples of Σ |reconstructed − x| over each example's values, float64. */
export function bruteCycleLoss(x: ArrayLike<number>, reconstructed: ArrayLike<number>, n: number): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(reconstructed[i] - x[i]);
  return sum / n;
}

export function cycleLossMistakes(x: ArrayLike<number>, reconstructed: ArrayLike<number>, n: number): Mistake[] {
  const size = x.length / n;
  const want = bruteCycleLoss(x, reconstructed, n);
  const perExample = (f: (values: number[]) => number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += f(Array.from({ length: size }, (_, j) => reconstructed[i * size + j] - x[i * size + j]));
    return sum / n;
  };
  return [
    { values: [want / size], hint: `This is the mean over all the values, ${size} times smaller than the loss: sum |F(G(x)) − x| over each example's ${size} values (its L1 norm), then average over the ${n} examples.` },
    { values: [want * n], hint: `This is the sum over the examples too: average the examples' L1 norms over the ${n} examples.` },
    { values: [perExample((d) => d.reduce((s, v) => s + v * v, 0))], hint: "This squares the differences: the L1 norm sums |F(G(x)) − x| (tf.abs), not squares." },
    { values: [perExample((d) => Math.sqrt(d.reduce((s, v) => s + v * v, 0)))], hint: "This is the L2 norm of each example's difference: the cycle loss uses the L1 norm, Σ |F(G(x)) − x|." },
    { values: [perExample((d) => Math.abs(d.reduce((s, v) => s + v, 0)))], hint: "This takes |Σ (F(G(x)) − x)|: take the absolute value of each difference before summing." },
  ];
}

export function expectCycleLoss(cycleLoss: CycleLoss, x: Values, reconstructed: Values, shape: number[], what: string, tolerance = 1e-5): number {
  const n = shape[0];
  const tensor = expectTensor(cycleLoss(tf.tensor(x, shape), tf.tensor(reconstructed, shape)), what);
  if (tensor.rank === 1 && tensor.shape[0] === n) fail(`${what}: got shape [${n}], one value per example; expected a tf.Scalar: the mean of the examples' L1 norms`);
  const got = expectScalar(tensor, what, "sum |F(G(x)) − x| over each example's values, then average over the examples");
  expectCloseHinted([got], [bruteCycleLoss(x, reconstructed, n)], what, tolerance, cycleLossMistakes(x, reconstructed, n));
  return got;
}

export const cycleLossExercise = defineExercise<CycleLoss>({
  id: "gan.cycleLoss",
  functionName: "cycleLoss",
  title: "CycleGAN's cycle-consistency loss",
  cases: [
    {
      name: "two examples of 3 values worked by hand: L1 norms 3 and 2.5, loss 2.75 (a mean over all 6 values would give 0.916667)",
      kind: "closed form",
      points: 1,
      run(cycleLoss) {
        // x = (1, 2, 3), F(G(x)) = (1, 0, 4): |0| + 2 + 1 = 3;  x = (0, 0, 0), F(G(x)) = (−1, 1, 0.5): 1 + 1 + 0.5 = 2.5.
        expectCycleLoss(cycleLoss, [1, 2, 3, 0, 0, 0], [1, 0, 4, -1, 1, 0.5], [2, 3], "cycleLoss(x [2, 3], F(G(x)) [2, 3])");
      },
    },
    {
      name: "images [n, h, w, c]: 3 of 4 × 4 × 2 and 1 of 28 × 28 × 1, against a float64 loop (each example's L1 norm over all its pixels and channels)",
      kind: "brute force",
      points: 1,
      run(cycleLoss) {
        for (const [shape, seed] of [[[3, 4, 4, 2], 611], [[1, 28, 28, 1], 612]] as [number[], number][]) {
          const [n, size] = [shape[0], shape.slice(1).reduce((a, b) => a * b, 1)];
          const x = seededUniform(n, size, seed);
          const reconstructed = seededUniform(n, size, seed + 10);
          expectCycleLoss(cycleLoss, x, reconstructed, shape, `cycleLoss(x [${shape.join(", ")}], F(G(x)))`, 1e-5);
        }
      },
    },
    {
      name: "a perfect cycle F(G(x)) = x gives 0; a tf.Scalar for rows [5, 7]",
      kind: "edge case",
      points: 1,
      run(cycleLoss) {
        const x = seededNormal(5, 7, 613);
        expectCycleLoss(cycleLoss, x, x, [5, 7], "cycleLoss(x, x)", 1e-7);
      },
    },
  ],
});

export const ganExercises = [
  discriminatorLossExercise,
  generatorLossExercise,
  optimalDiscriminatorExercise,
  valueExercise,
  discriminatorStepExercise,
  generatorStepExercise,
  interpolateExercise,
  slerpExercise,
  conditionalInputExercise,
  gradientReversalExercise,
  cycleLossExercise,
];
