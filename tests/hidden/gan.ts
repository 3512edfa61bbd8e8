// Hidden cases of notebook 05: never shipped to students. Feedback names a failed case and its
// kind, never its inputs or expected values.
import * as tf from "@tensorflow/tfjs";
import { CheckCase, expectShape, fail } from "../../lib/src/checks";
import { seededNormal, seededUniform } from "../../lib/src/checks/autoencoders";
import { gradientWrt, type Mistake } from "../../lib/src/checks/vae";
import {
  bruteConditionalInput, bruteDiscriminatorLoss, bruteGeneratorLoss, bruteInterpolation, bruteValue, callOptimalDiscriminator, callStep,
  ConditionalInput, CycleLoss, cycleLossMistakes, definitionGeneratorLoss, DiscriminatorLoss, discriminatorLossMistakes, DiscriminatorStep,
  expectCloseHinted, expectConditionalInput, expectCycleLoss, expectDiscriminatorLoss, expectFinite, expectGeneratorLoss, expectNumber, expectRows,
  expectScalar, expectSgdUpdate, expectSlerpRows, expectUnchanged, expectValue, GanValue, generatorLossGradient, GeneratorLoss, generatorLossMistakes,
  GeneratorStep, gradientsOf, GradientReversal, gradientReversalMistakes, grid, interpolationMistakes, Interpolate, KINDS, logNormal, normalDensity,
  OptimalDiscriminator, optimalDiscriminatorMistakes, PairOptions, referenceDiscriminatorLoss, referenceGeneratorLoss, sigmoid, Slerp, slerpMistakes,
  snapshot, trainableSnapshot, vectorsAtAngle, weightedGradient, withOptimizer, withPair,
} from "../../lib/src/checks/gan";
import * as reference from "../../lib/src/math/gan";
import { sphericalInterpolation } from "../../lib/src/math/latent";
import type { GeneratorLossKind } from "../../lib/src/math/gan";

const D_ONLY = "minimise over the discriminator's variables only (the third argument of optimizer.minimize)";
const G_ONLY = "minimise over the generator's variables only (the third argument of optimizer.minimize)";

/** A pair with two hidden layers, other sizes and seeds than the visible cases. */
const DEEPER_PAIR: PairOptions = { latentSize: 4, sampleSize: 3, hiddenSizes: [12, 12], batch: 5, seed: 721 };

/** p restricted to (a, b]: so that a uniform density on a grid of step dx sums to exactly 1/dx there. */
const halfOpenUniform = (xs: number[], a: number, b: number): number[] => xs.map((x) => (x > a + 1e-9 && x <= b + 1e-9 ? 1 / (b - a) : 0));

export const hiddenCases: Record<string, CheckCase<never>[]> = {
  "gan.discriminatorLoss": [
    {
      name: "100 real logits [100, 1] and 37 fake logits [37] drawn from N(0, 5²), against the stable form in float64, both ways round",
      kind: "brute force",
      points: 1,
      run: ((discriminatorLoss: DiscriminatorLoss) => {
        const real = seededNormal(1, 100, 701, 0, 5);
        const fake = seededNormal(1, 37, 702, 0, 5);
        expectDiscriminatorLoss(discriminatorLoss, real, [100, 1], fake, [37], 1e-5);
        expectDiscriminatorLoss(discriminatorLoss, fake, [37, 1], real, [100], 1e-5);
      }) as never,
    },
    {
      name: "gradients (tf.grad): ∂loss/∂real_i = −σ(−real_i)/n and ∂loss/∂fake_j = σ(fake_j)/m, logits up to ±30, n = 5, m = 3",
      kind: "gradient",
      points: 1,
      run: ((discriminatorLoss: DiscriminatorLoss) => {
        const realValues = [-30, -2, 0, 1.5, 30];
        const fakeValues = [-30, 0.5, 30];
        const [real, fake] = [tf.tensor1d(realValues), tf.tensor1d(fakeValues)];
        expectScalar(discriminatorLoss(real, fake), "discriminatorLoss(real, fake)");
        const byReal = gradientWrt((r) => discriminatorLoss(r, fake), real, "discriminatorLoss(real, fake)", "the real logits").dataSync();
        const wantReal = realValues.map((l) => -sigmoid(-l) / 5);
        expectCloseHinted(byReal, wantReal, "∂ discriminatorLoss/∂real (tf.grad), expected −σ(−l)/n", 1e-6, [
          { values: wantReal.map((g) => -g), hint: "The sign is flipped: D's loss falls as its real logits rise." },
          { values: wantReal.map((g) => 5 * g), hint: "This is n times the gradient of the mean: take the mean over the real batch, not the sum." },
        ]);
        const byFake = gradientWrt((f) => discriminatorLoss(real, f), fake, "discriminatorLoss(real, fake)", "the fake logits").dataSync();
        const wantFake = fakeValues.map((l) => sigmoid(l) / 3);
        expectCloseHinted(byFake, wantFake, "∂ discriminatorLoss/∂fake (tf.grad), expected σ(l)/m", 1e-6, [
          { values: wantFake.map((g) => -g), hint: "The sign is flipped: D's loss rises with its logits on fakes." },
          { values: wantFake.map((g) => 3 * g), hint: "This is m times the gradient of the mean: take the mean over the fake batch, not the sum." },
        ]);
      }) as never,
    },
    {
      name: "logits ±88, ±200 and ±10,000 mixed in batches of 3: finite and exact (≈ 133.33)",
      kind: "numerical stability",
      points: 1,
      run: ((discriminatorLoss: DiscriminatorLoss) => {
        const real = [-200, 88, 10_000];
        const fake = [200, -10_000, -88];
        const what = "discriminatorLoss(real (−200, 88, 10000), fake (200, −10000, −88))";
        const got = expectScalar(discriminatorLoss(tf.tensor1d(real), tf.tensor1d(fake)), what);
        expectFinite([got], () => what, "use tf.softplus: −log σ(l) = softplus(−l), −log(1 − σ(l)) = softplus(l)");
        expectCloseHinted([got], [bruteDiscriminatorLoss(real, fake)], what, 1e-5, discriminatorLossMistakes(real, fake));
      }) as never,
    },
  ],
  "gan.generatorLoss": [
    {
      name: "33 logits from N(0, 4²) as [33] and [33, 1], both kinds, against the definition in float64",
      kind: "brute force",
      points: 1,
      run: ((generatorLoss: GeneratorLoss) => {
        const logits = seededNormal(1, 33, 711, 0, 4);
        for (const kind of KINDS) {
          expectGeneratorLoss(generatorLoss, logits, [33], kind, 1e-5, definitionGeneratorLoss(logits, kind));
          expectGeneratorLoss(generatorLoss, logits, [33, 1], kind, 1e-5, definitionGeneratorLoss(logits, kind));
        }
      }) as never,
    },
    {
      name: "gradients (tf.grad) at logits (1, 5, 10, 20), D fooled: the non-saturating one −σ(−l)/n vanishes, the saturating one tends to −1/n",
      kind: "gradient",
      points: 1,
      run: ((generatorLoss: GeneratorLoss) => {
        const logits = [1, 5, 10, 20];
        const at = tf.tensor1d(logits);
        for (const kind of KINDS) {
          const what = `generatorLoss(logits, "${kind}")`;
          expectScalar(generatorLoss(at, kind), what);
          const got = gradientWrt((l) => generatorLoss(l, kind), at, what, "the logits").dataSync();
          const other: GeneratorLossKind = kind === "saturating" ? "non-saturating" : "saturating";
          const want = generatorLossGradient(logits, kind);
          const mistakes: Mistake[] = [
            { values: generatorLossGradient(logits, other), hint: `This is the gradient of the ${other} loss: the kinds are swapped.` },
            { values: want.map((g) => -g), hint: "The sign is flipped." },
          ];
          expectCloseHinted(got, want, `∂ ${what}/∂l (tf.grad)`, 1e-6, mistakes, [4]);
        }
      }) as never,
    },
    {
      name: "logits ±200 and ±10,000, both kinds: finite and exact",
      kind: "numerical stability",
      points: 1,
      run: ((generatorLoss: GeneratorLoss) => {
        const logits = [200, -200, 10_000, -10_000];
        for (const kind of KINDS) {
          const what = `generatorLoss(logits (200, −200, 10000, −10000), "${kind}")`;
          const got = expectScalar(generatorLoss(tf.tensor2d(logits, [4, 1]), kind), what);
          expectFinite([got], () => what, "use tf.softplus: −log σ(l) = softplus(−l), −log(1 − σ(l)) = softplus(l)");
          expectCloseHinted([got], [bruteGeneratorLoss(logits, kind)], what, 1e-5, generatorLossMistakes(logits, kind));
        }
      }) as never,
    },
  ],
  "gan.optimalDiscriminator": [
    {
      name: "p_data a mixture of two Gaussians and p_g a Laplace density on 161 points of [−4, 4]: D* = σ(log p_data − log p_g)",
      kind: "closed form",
      points: 1,
      run: ((optimalDiscriminator: OptimalDiscriminator) => {
        const xs = grid(-4, 0.05, 161);
        const logData = xs.map((x) => {
          const [a, b] = [Math.log(0.4) + logNormal(x, -1.5, 0.6), Math.log(0.6) + logNormal(x, 1, 0.9)];
          const top = Math.max(a, b);
          return top + Math.log(Math.exp(a - top) + Math.exp(b - top));
        });
        const logModel = xs.map((x) => -Math.log(2 * 1.2) - Math.abs(x - 0.3) / 1.2);
        const [pData, pModel] = [logData.map(Math.exp), logModel.map(Math.exp)];
        const got = callOptimalDiscriminator(optimalDiscriminator, pData, pModel, "optimalDiscriminator(mixture, Laplace)");
        expectCloseHinted(got, logData.map((l, i) => sigmoid(l - logModel[i])), "D*(x) for a mixture against a Laplace density", 1e-9, optimalDiscriminatorMistakes(pData, pModel));
      }) as never,
    },
    {
      name: "zeros in every pattern: (0, 0), (0, 1), (1, 0), (2, 2), (0, 0), (3, 1) give ½, 0, 1, ½, ½, ¾; one point (0, 0) gives ½",
      kind: "edge case",
      points: 1,
      run: ((optimalDiscriminator: OptimalDiscriminator) => {
        const [pData, pModel] = [[0, 0, 1, 2, 0, 3], [0, 1, 0, 2, 0, 1]];
        const got = callOptimalDiscriminator(optimalDiscriminator, pData, pModel, "optimalDiscriminator on six points");
        expectCloseHinted(got, [0.5, 0, 1, 0.5, 0.5, 0.75], "D* on six points with zeros", 1e-12, optimalDiscriminatorMistakes(pData, pModel));
        const one = callOptimalDiscriminator(optimalDiscriminator, [0], [0], "optimalDiscriminator([0], [0])");
        expectCloseHinted(one, [0.5], "D* where both densities are 0", 0, optimalDiscriminatorMistakes([0], [0]));
      }) as never,
    },
  ],
  "gan.value": [
    {
      name: "D = D*: V = −log 4 + 2 JSD for N(0.5, 0.7²) and N(−1, 1.1²) on 4,001 points of [−10, 10] (to 1e-9)",
      kind: "closed form",
      points: 1,
      run: ((ganValue: GanValue) => {
        const dx = 0.005;
        const xs = grid(-10, dx, 4001);
        const [pData, pModel] = [normalDensity(xs, 0.5, 0.7), normalDensity(xs, -1, 1.1)];
        const optimal = Array.from(reference.optimalDiscriminator(pData, pModel));
        const want = -Math.log(4) + 2 * reference.jensenShannonDivergence(pData, pModel, dx);
        expectValue(ganValue, pData, pModel, optimal, dx, "ganValue(N(0.5, 0.7²), N(−1, 1.1²), D*, dx = 0.005)", 1e-9, want);
      }) as never,
    },
    {
      name: "a constant D = c gives log c + log(1 − c) (both densities integrate to 1): c = 0.2 and 0.9",
      kind: "closed form",
      points: 1,
      run: ((ganValue: GanValue) => {
        const dx = 0.01;
        const xs = grid(-10, dx, 2401);
        const [pData, pModel] = [normalDensity(xs, 0, 1), normalDensity(xs, 2, 1.5)];
        for (const c of [0.2, 0.9]) {
          const d = xs.map(() => c);
          expectValue(ganValue, pData, pModel, d, dx, `ganValue(…, D = ${c}, dx = 0.01)`, 1e-9, Math.log(c) + Math.log(1 - c));
        }
      }) as never,
    },
    {
      name: "overlapping uniforms U[0, 2] and U[1, 3] with zeros around: V(D*) = −log 4 + 2 JSD = −log 2, and V for D = ½ there is −log 4",
      kind: "edge case",
      points: 1,
      run: ((ganValue: GanValue) => {
        // JSD of U[0, 2] and U[1, 3]: half of each mass is alone (log 2 per unit), half shared (0): JSD = ½ log 2.
        const dx = 0.1;
        const xs = grid(-1, dx, 51);
        const [pData, pModel] = [halfOpenUniform(xs, 0, 2), halfOpenUniform(xs, 1, 3)];
        const optimal = Array.from(reference.optimalDiscriminator(pData, pModel));
        const got = expectValue(ganValue, pData, pModel, optimal, dx, "ganValue(U[0, 2], U[1, 3], D*, dx = 0.1)", 1e-9, bruteValue(pData, pModel, optimal, dx));
        const want = -Math.log(4) + 2 * reference.jensenShannonDivergence(pData, pModel, dx);
        if (!(Math.abs(got - want) <= 1e-9 && Math.abs(want + Math.log(2)) <= 1e-9)) fail(`V(D*) for U[0, 2] and U[1, 3] is ${got}, expected −log 4 + 2 JSD = −log 2 = ${-Math.log(2)}`);
        expectValue(ganValue, pData, pModel, xs.map(() => 0.5), dx, "ganValue(U[0, 2], U[1, 3], D = ½, dx = 0.1)", 1e-9, -Math.log(4));
      }) as never,
    },
  ],
  "gan.discriminatorStep": [
    {
      name: "a deeper pair (two hidden layers, batch 5) and SGD (lr = 0.05): G unchanged, D's update −lr·∇, and the loss before the step",
      kind: "second method",
      points: 1,
      run: (async (discriminatorStep: DiscriminatorStep) => {
        await withPair(DEEPER_PAIR, (pair) =>
          withOptimizer(tf.train.sgd(0.05), (optimizer) => {
            const { generator, discriminator, real, z } = pair;
            const [g, before] = [snapshot(generator), trainableSnapshot(discriminator)];
            const want = referenceDiscriminatorLoss(pair);
            const gradient = gradientsOf(discriminator, () => reference.discriminatorLoss(discriminator.apply(real) as tf.Tensor, discriminator.apply(generator.apply(z) as tf.Tensor) as tf.Tensor));
            const got = expectNumber(callStep(() => discriminatorStep(generator, discriminator, optimizer, real, z), "discriminator"), "discriminatorStep(…)");
            expectUnchanged(g, generator, "the generator", D_ONLY);
            expectSgdUpdate(discriminator, before, gradient, 0.05, "the discriminator after one SGD step");
            expectCloseHinted([got], [want], "the loss discriminatorStep returns (before the update)", 1e-5);
          }),
        );
      }) as never,
    },
    {
      name: "two successive Adam steps: each returns the loss before its own update, and G stays bit-for-bit the same",
      kind: "property",
      points: 1,
      run: (async (discriminatorStep: DiscriminatorStep) => {
        await withPair({ ...DEEPER_PAIR, seed: 723, batch: 9 }, (pair) =>
          withOptimizer(tf.train.adam(0.02), (optimizer) => {
            const g = snapshot(pair.generator);
            for (const step of [1, 2]) {
              const want = referenceDiscriminatorLoss(pair);
              const got = expectNumber(callStep(() => discriminatorStep(pair.generator, pair.discriminator, optimizer, pair.real, pair.z), "discriminator"), `discriminatorStep(…), step ${step}`);
              expectCloseHinted([got], [want], `the loss discriminatorStep returns at step ${step} (before that step's update)`, 1e-5);
            }
            expectUnchanged(g, pair.generator, "the generator", D_ONLY);
          }),
        );
      }) as never,
    },
  ],
  "gan.generatorStep": [
    {
      name: "a deeper pair and SGD (lr = 0.05), both kinds: D unchanged, G's update −lr·∇, and the loss before the step",
      kind: "second method",
      points: 1,
      run: (async (generatorStep: GeneratorStep) => {
        for (const kind of ["saturating", "non-saturating"] as const) {
          await withPair({ ...DEEPER_PAIR, seed: 731 }, (pair) =>
            withOptimizer(tf.train.sgd(0.05), (optimizer) => {
              const { generator, discriminator, z } = pair;
              const [d, before] = [snapshot(discriminator), trainableSnapshot(generator)];
              const want = referenceGeneratorLoss(pair, kind);
              const gradient = gradientsOf(generator, () => reference.generatorLoss(discriminator.apply(generator.apply(z) as tf.Tensor) as tf.Tensor, kind));
              const got = expectNumber(callStep(() => generatorStep(generator, discriminator, optimizer, z, kind), "generator"), `generatorStep(…, "${kind}")`);
              expectUnchanged(d, discriminator, `the discriminator (kind "${kind}")`, G_ONLY);
              expectSgdUpdate(generator, before, gradient, 0.05, `the generator after one SGD step (kind "${kind}")`);
              expectCloseHinted([got], [want], `the loss generatorStep(…, "${kind}") returns (before the update)`, 1e-5);
            }),
          );
        }
      }) as never,
    },
    {
      name: "two successive Adam steps (non-saturating): each returns the loss before its own update, and D stays bit-for-bit the same",
      kind: "property",
      points: 1,
      run: (async (generatorStep: GeneratorStep) => {
        await withPair({ ...DEEPER_PAIR, seed: 733, batch: 9 }, (pair) =>
          withOptimizer(tf.train.adam(0.02), (optimizer) => {
            const d = snapshot(pair.discriminator);
            for (const step of [1, 2]) {
              const want = referenceGeneratorLoss(pair, "non-saturating");
              const got = expectNumber(callStep(() => generatorStep(pair.generator, pair.discriminator, optimizer, pair.z, "non-saturating"), "generator"), `generatorStep(…), step ${step}`);
              expectCloseHinted([got], [want], `the loss generatorStep returns at step ${step} (before that step's update)`, 1e-5);
            }
            expectUnchanged(d, pair.discriminator, "the discriminator", G_ONLY);
          }),
        );
      }) as never,
    },
  ],
  "gan.interpolate": [
    {
      name: "2 steps give exactly [zStart; zEnd] (64 dimensions); 101 steps in 1 dimension against a float64 loop",
      kind: "brute force",
      points: 1,
      run: ((interpolate: Interpolate) => {
        for (const [p, steps, seed] of [[64, 2, 741], [1, 101, 742]]) {
          const [a, b] = [seededNormal(1, p, seed, 0, 3), seededNormal(1, p, seed + 10, 1, 3)];
          const what = `interpolate(zStart [${p}], zEnd [${p}], ${steps})`;
          const got = expectRows(interpolate(tf.tensor1d(a), tf.tensor1d(b), steps), steps, p, what);
          expectCloseHinted(got, bruteInterpolation(a, b, steps), what, 1e-5, interpolationMistakes(a, b, steps), [steps, p]);
        }
      }) as never,
    },
    {
      name: "9 steps in 5 dimensions: the middle row (k = 4) is (zStart + zEnd)/2, and row 2 is ¾ zStart + ¼ zEnd",
      kind: "closed form",
      points: 1,
      run: ((interpolate: Interpolate) => {
        const [a, b] = [seededUniform(1, 5, 743, -2, 2), seededUniform(1, 5, 744, -2, 2)];
        const got = expectRows(interpolate(tf.tensor1d(a), tf.tensor1d(b), 9), 9, 5, "interpolate(zStart, zEnd, 9)");
        const mistakes = interpolationMistakes(a, b, 9).map((m) => ({ ...m, values: Array.from(m.values).slice(20, 25) }));
        expectCloseHinted(got.subarray(20, 25), Array.from(a, (v, j) => (v + b[j]) / 2), "row 4 of 9: the midpoint (zStart + zEnd)/2", 1e-6, mistakes);
        const row2 = interpolationMistakes(a, b, 9).map((m) => ({ ...m, values: Array.from(m.values).slice(10, 15) }));
        expectCloseHinted(got.subarray(10, 15), Array.from(a, (v, j) => 0.75 * v + 0.25 * b[j]), "row 2 of 9: ¾ zStart + ¼ zEnd (β = 1 − 2/8)", 1e-6, row2);
      }) as never,
    },
  ],
  "gan.slerp": [
    {
      name: "codes of norms 2 and 0.75 in 32 dimensions at 0.8 and 2.3 rad, 4 and 10 steps, against the library's sphericalInterpolation",
      kind: "second method",
      points: 1,
      run: ((slerp: Slerp) => {
        for (const [omega, steps, seed] of [[0.8, 4, 751], [2.3, 10, 753]]) {
          const [a, b] = vectorsAtAngle(32, omega, 2, 0.75, seed);
          const what = `slerp(zStart, zEnd, ${steps}) at ${omega} rad`;
          const got = expectSlerpRows(slerp(tf.tensor1d(a), tf.tensor1d(b), steps), steps, 32, what);
          expectCloseHinted(got, sphericalInterpolation(tf.tensor1d(a), tf.tensor1d(b), steps).dataSync(), what, 2e-5, slerpMistakes(a, b, steps), [steps, 32]);
        }
      }) as never,
    },
    {
      name: "orthogonal codes of norm 0.25 along axes 0 and 3 of 6, 5 steps: row k is 0.25 (cos(kπ/8), 0, 0, sin(kπ/8), 0, 0)",
      kind: "closed form",
      points: 1,
      run: ((slerp: Slerp) => {
        const [a, b] = [[0.25, 0, 0, 0, 0, 0], [0, 0, 0, 0.25, 0, 0]];
        const got = expectSlerpRows(slerp(tf.tensor1d(a), tf.tensor1d(b), 5), 5, 6, "slerp(0.25 e₀, 0.25 e₃, 5)");
        const want: number[] = [];
        for (let k = 0; k < 5; k++) want.push(0.25 * Math.cos((k * Math.PI) / 8), 0, 0, 0.25 * Math.sin((k * Math.PI) / 8), 0, 0);
        expectCloseHinted(got, want, "slerp(0.25 e₀, 0.25 e₃, 5)", 1e-6, slerpMistakes(a, b, 5), [5, 6]);
      }) as never,
    },
  ],
  "gan.conditionalInput": [
    {
      name: "100 rows of 3 with labels from 0 to 6 only, 10 classes: shape [100, 13], against a loop",
      kind: "brute force",
      points: 1,
      run: ((conditionalInput: ConditionalInput) => {
        const labels = Array.from(seededUniform(1, 100, 761, 0, 7), (u) => Math.floor(u));
        expectConditionalInput(conditionalInput, seededNormal(100, 3, 762), 100, 3, labels, 10, "conditionalInput(z [100, 3], labels in 0…6, 10)");
      }) as never,
    },
    {
      name: "4 rows of 5 (one of zeros), every label 0, 2 classes: each code is (1, 0)",
      kind: "edge case",
      points: 1,
      run: ((conditionalInput: ConditionalInput) => {
        const rows = Array.from(seededNormal(4, 5, 763)).map((v, i) => (i < 5 ? 0 : v));
        const what = "conditionalInput(rows [4, 5], labels (0, 0, 0, 0), 2)";
        expectConditionalInput(conditionalInput, rows, 4, 5, [0, 0, 0, 0], 2, what);
        const got = conditionalInput(tf.tensor2d(rows, [4, 5]), [0, 0, 0, 0], 2).dataSync();
        expectCloseHinted(got, bruteConditionalInput(rows, 5, [0, 0, 0, 0], 2), what, 0);
      }) as never,
    },
  ],
  "gan.gradientReversal": [
    {
      name: "through a nonlinearity, rank 3 [2, 3, 4]: ∂(Σ w ⊙ sin(gradientReversal(x, λ)))/∂x = −λ w ⊙ cos x for λ = 0.25 and 2",
      kind: "gradient",
      points: 1,
      run: ((gradientReversal: GradientReversal) => {
        const shape = [2, 3, 4];
        const [xs, ws] = [seededNormal(1, 24, 771), seededNormal(1, 24, 772)];
        const x = tf.tensor(xs, shape);
        for (const lambda of [0.25, 2]) {
          const what = `sin(gradientReversal(x [2, 3, 4], ${lambda}))`;
          const got = weightedGradient((v) => tf.sin(gradientReversal(v, lambda)), x, tf.tensor(ws, shape), what);
          const base = Array.from(ws, (w, i) => w * Math.cos(xs[i]));
          expectCloseHinted(got, base.map((g) => -lambda * g), `∂(Σ w ⊙ ${what})/∂x (tf.grad), expected −λ w ⊙ cos x`, 1e-5, gradientReversalMistakes(base, lambda), shape);
        }
      }) as never,
    },
    {
      name: "after other operations: for h = 2v + 1, the output equals h and ∂(Σ w ⊙ gradientReversal(h, 1.5))/∂v = −3 w",
      kind: "gradient",
      points: 1,
      run: ((gradientReversal: GradientReversal) => {
        const [vs, ws] = [seededNormal(3, 4, 773), seededNormal(3, 4, 774)];
        const v = tf.tensor2d(vs, [3, 4]);
        const forward = gradientReversal(v.mul(2).add(1), 1.5);
        const values = expectShape(forward, [3, 4], "gradientReversal(2v + 1, 1.5)").dataSync();
        expectCloseHinted(values, Array.from(vs, (x) => 2 * x + 1), "gradientReversal(2v + 1, 1.5) going forward: 2v + 1 itself", 1e-6);
        const got = weightedGradient((u) => gradientReversal(u.mul(2).add(1), 1.5), v, tf.tensor2d(ws, [3, 4]), "gradientReversal(2v + 1, 1.5)");
        const base = Array.from(ws, (w) => 2 * w);
        expectCloseHinted(got, base.map((g) => -1.5 * g), "∂(Σ w ⊙ gradientReversal(2v + 1, 1.5))/∂v (tf.grad), expected −3 w", 1e-5, gradientReversalMistakes(base, 1.5), [3, 4]);
      }) as never,
    },
  ],
  "gan.cycleLoss": [
    {
      name: "a batch [4, 5, 6] and a single example [1, 10], against a float64 loop",
      kind: "brute force",
      points: 1,
      run: ((cycleLoss: CycleLoss) => {
        for (const [shape, seed] of [[[4, 5, 6], 781], [[1, 10], 782]] as [number[], number][]) {
          const [n, size] = [shape[0], shape.slice(1).reduce((a, b) => a * b, 1)];
          const x = seededNormal(n, size, seed);
          const reconstructed = seededNormal(n, size, seed + 10, 0.2, 1.5);
          expectCycleLoss(cycleLoss, x, reconstructed, shape, `cycleLoss(x [${shape.join(", ")}], F(G(x)))`);
        }
      }) as never,
    },
    {
      name: "gradient (tf.grad) with respect to F(G(x)), rows [3, 4]: sign(F(G(x)) − x)/n",
      kind: "gradient",
      points: 1,
      run: ((cycleLoss: CycleLoss) => {
        const x = seededNormal(3, 4, 783);
        const reconstructed = seededNormal(3, 4, 784);
        const xt = tf.tensor2d(x, [3, 4]);
        const got = gradientWrt((r) => cycleLoss(xt, r), tf.tensor2d(reconstructed, [3, 4]), "cycleLoss(x, F(G(x)))", "F(G(x))").dataSync();
        const want = Array.from(reconstructed, (r, i) => Math.sign(r - x[i]) / 3);
        const mistakes: Mistake[] = [
          { values: want.map((g) => g / 4), hint: cycleLossMistakes(x, reconstructed, 3)[0].hint },
          { values: want.map((g) => g * 3), hint: "This is the gradient of the sum over the examples: average over the examples." },
        ];
        expectCloseHinted(got, want, `∂ cycleLoss/∂F(G(x)) (tf.grad), expected sign(F(G(x)) − x)/n`, 1e-6, mistakes, [3, 4]);
      }) as never,
    },
  ],
};
