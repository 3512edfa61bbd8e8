// Hidden cases of notebook 04: never shipped to students. Feedback names a failed case and its
// kind, never its inputs or expected values.
import * as tf from "@tensorflow/tfjs";
import { CheckCase, fail } from "../../lib/src/checks";
import { seededNormal, seededUniform } from "../../lib/src/checks/autoencoders";
import {
  bernoulliMistakes, BernoulliLogLikelihood, bruteGaussianLogLikelihood, bruteKl, bruteReconstruction, bruteReparameterize, callElbo, Elbo,
  expectCloseWithHints, expectElboTerms, expectLoss, expectLossValue, expectPerExample, expectSample, gaussianMistakes, GaussianLogLikelihood, gradientWrt, klGaussians,
  klMistakes, KlToStdNormal, LINEAR_GAUSSIAN, linearBernoulliDecoder, linearBernoulliJs, linearGaussianDecoder, linearGaussianJs, linearGaussianPosterior,
  reconstructionMistakes, Reparameterize, reparameterizeMistakes, replicatedElbo, stableBernoulliLogLikelihood, VaeLoss, VARIANCE_FOR_SIGMA,
} from "../../lib/src/checks/vae";

export const hiddenCases: Record<string, CheckCase<never>[]> = {
  "vae.kl": [
    {
      name: "very small and very large variances (logVar = −100, −30 and 40): finite and exact",
      kind: "numerical stability",
      points: 1,
      run: ((klDiagGaussianToStdNormal: KlToStdNormal) => {
        // exp(−100) underflows to 0 in float32: log σ² must be logVar itself, not log(exp(logVar)) = −Infinity.
        const mu = [0.5, -1, 0, 2, 0, 0];
        const logVar = [-100, -30, 40, 0, -100, 1];
        const got = expectPerExample(klDiagGaussianToStdNormal(tf.tensor2d(mu, [3, 2]), tf.tensor2d(logVar, [3, 2])), 3, "KL");
        got.forEach((value, i) => {
          if (!Number.isFinite(value)) fail(`KL of row ${i} is ${value}: use logVar itself for log σ², not log(exp(logVar)), which is −Infinity once exp(logVar) underflows to 0`);
        });
        expectCloseWithHints(got, bruteKl(mu, logVar, 3, 2), "KL with logVar = −100, −30 and 40", 1e-5, klMistakes(mu, logVar, 3, 2), [3]);
      }) as never,
    },
    {
      name: "one row of 500 dimensions and 300 rows of 1 dimension against the general formula",
      kind: "second method",
      points: 1,
      run: ((klDiagGaussianToStdNormal: KlToStdNormal) => {
        for (const [n, p, seed] of [[1, 500, 601], [300, 1, 602]]) {
          const mu = seededNormal(n, p, seed, 0.5, 2);
          const logVar = seededUniform(n, p, seed + 10, -5, 3);
          const want = Array.from({ length: n }, (_, i) => {
            // A diagonal Σ₁: the general formula row by row, one dimension at a time (the KL of independent parts adds up).
            let sum = 0;
            for (let j = 0; j < p; j++) sum += klGaussians([mu[i * p + j]], [[Math.exp(logVar[i * p + j])]], [0], [[1]]);
            return sum;
          });
          const got = expectPerExample(klDiagGaussianToStdNormal(tf.tensor2d(mu, [n, p]), tf.tensor2d(logVar, [n, p])), n, `KL for inputs [${n}, ${p}]`);
          expectCloseWithHints(got, want, `KL for inputs [${n}, ${p}]`, 1e-4, klMistakes(mu, logVar, n, p), [n]);
        }
      }) as never,
    },
  ],
  "vae.gaussianLogLikelihood": [
    {
      name: "one row of 3,000 values and 50 rows of 1 value, x far from μ, against a brute-force loop",
      kind: "brute force",
      points: 1,
      run: ((gaussianLogLikelihood: GaussianLogLikelihood) => {
        for (const [n, d, seed] of [[1, 3000, 611], [50, 1, 612]]) {
          const x = seededNormal(n, d, seed, 0, 5);
          const mu = seededNormal(n, d, seed + 10);
          const logVar = seededUniform(n, d, seed + 20, -6, 4);
          const got = expectPerExample(gaussianLogLikelihood(tf.tensor2d(x, [n, d]), tf.tensor2d(mu, [n, d]), tf.tensor2d(logVar, [n, d])), n, `log N(x; μ, σ²) for inputs [${n}, ${d}]`);
          expectCloseWithHints(got, bruteGaussianLogLikelihood(x, mu, logVar, n, d), `log N(x; μ, diag σ²) for inputs [${n}, ${d}]`, 1e-4, gaussianMistakes(x, mu, logVar, n, d), [n]);
        }
      }) as never,
    },
    {
      name: "independent dimensions: log N of 6 columns is the sum of the 6 one-column log N",
      kind: "property",
      points: 1,
      run: ((gaussianLogLikelihood: GaussianLogLikelihood) => {
        const [n, d] = [10, 6];
        const [x, mu, logVar] = [seededNormal(n, d, 621), seededNormal(n, d, 622), seededUniform(n, d, 623, -2, 2)];
        const whole = expectPerExample(gaussianLogLikelihood(tf.tensor2d(x, [n, d]), tf.tensor2d(mu, [n, d]), tf.tensor2d(logVar, [n, d])), n, "log N(x; μ, σ²)");
        const sum = new Array(n).fill(0);
        for (let j = 0; j < d; j++) {
          const column = (values: Float32Array) => tf.tensor2d(Float32Array.from({ length: n }, (_, i) => values[i * d + j]), [n, 1]);
          const part = expectPerExample(gaussianLogLikelihood(column(x), column(mu), column(logVar)), n, `log N of column ${j} alone`);
          part.forEach((v, i) => (sum[i] += v));
        }
        expectCloseWithHints(whole, sum, "log N(x; μ, σ²) of 6 columns against the sum of the columns' own log N (the constant is −(d/2) log 2π, d times −½ log 2π)", 1e-4, [], [n]);
        expectCloseWithHints(whole, bruteGaussianLogLikelihood(x, mu, logVar, n, d), "log N(x; μ, diag σ²)", 1e-4, gaussianMistakes(x, mu, logVar, n, d), [n]);
      }) as never,
    },
  ],
  "vae.bernoulliLogLikelihood": [
    {
      name: "binary images with logits up to ±40 against the stable form in float64",
      kind: "numerical stability",
      points: 1,
      run: ((bernoulliLogLikelihood: BernoulliLogLikelihood) => {
        const [n, d] = [20, 784];
        const x = Float32Array.from(seededUniform(n, d, 631), (v) => (v < 0.3 ? 1 : 0));
        const logits = seededUniform(n, d, 632, -40, 40);
        const want = stableBernoulliLogLikelihood(x, logits, n, d);
        const got = expectPerExample(bernoulliLogLikelihood(tf.tensor2d(x, [n, d]), tf.tensor2d(logits, [n, d])), n, "log p(x|z)");
        expectCloseWithHints(got, want, "Bernoulli log-likelihood with logits up to ±40", 1e-4, bernoulliMistakes(want, d), [n]);
      }) as never,
    },
    {
      name: "a single image [1, 784] and 7 one-pixel images [7, 1], with some logits exactly 0",
      kind: "brute force",
      points: 1,
      run: ((bernoulliLogLikelihood: BernoulliLogLikelihood) => {
        for (const [n, d, seed] of [[1, 784, 641], [7, 1, 642]]) {
          const x = Float32Array.from(seededUniform(n, d, seed), (v) => (v < 0.5 ? 1 : 0));
          const logits = Float32Array.from(seededNormal(n, d, seed + 10, 0, 4), (v, k) => (k % 3 === 0 ? 0 : v));
          const want = stableBernoulliLogLikelihood(x, logits, n, d);
          const got = expectPerExample(bernoulliLogLikelihood(tf.tensor2d(x, [n, d]), tf.tensor2d(logits, [n, d])), n, `log p(x|z) for inputs [${n}, ${d}]`);
          expectCloseWithHints(got, want, `Bernoulli log-likelihood for inputs [${n}, ${d}]`, 1e-4, bernoulliMistakes(want, d), [n]);
        }
      }) as never,
    },
  ],
  "vae.reparameterize": [
    {
      name: "inputs [1, 1] and [3, 50] with logVar from −10 to 10 against a loop",
      kind: "brute force",
      points: 1,
      run: ((reparameterize: Reparameterize) => {
        for (const [n, p, seed] of [[1, 1, 651], [3, 50, 652]]) {
          const [mu, logVar, eps] = [seededNormal(n, p, seed, 0, 3), seededUniform(n, p, seed + 10, -10, 10), seededNormal(n, p, seed + 20)];
          const got = reparameterize(tf.tensor2d(mu, [n, p]), tf.tensor2d(logVar, [n, p]), tf.tensor2d(eps, [n, p]));
          const values = expectSample(got, [n, p], "reparameterize");
          expectCloseWithHints(values, bruteReparameterize(mu, logVar, eps), `z = μ + σ ⊙ ε for inputs [${n}, ${p}]`, 1e-5, reparameterizeMistakes(mu, logVar, eps), [n, p]);
        }
      }) as never,
    },
    {
      name: "gradients (tf.grad) of Σ w ⊙ z for random weights w: w for μ and ½ σ ⊙ ε ⊙ w for logVar",
      kind: "gradient",
      points: 1,
      run: ((reparameterize: Reparameterize) => {
        const [n, p] = [5, 3];
        const [muValues, logVarValues, epsValues, weights] = [seededNormal(n, p, 661), seededUniform(n, p, 662, -3, 3), seededNormal(n, p, 663), seededNormal(n, p, 664)];
        const [mu, logVar, eps, w] = [muValues, logVarValues, epsValues, weights].map((v) => tf.tensor2d(v, [n, p])) as tf.Tensor2D[];
        expectSample(reparameterize(mu, logVar, eps), [n, p], "reparameterize");
        const byMu = gradientWrt((m) => (reparameterize(m as tf.Tensor2D, logVar, eps) as tf.Tensor).mul(w), mu, "Σ w ⊙ reparameterize(mu, logVar, eps)", "mu");
        expectCloseWithHints(byMu.dataSync(), weights, "∂(Σ w ⊙ z)/∂μ (tf.grad), expected w", 1e-5, [], [n, p]);
        const byLogVar = gradientWrt((l) => (reparameterize(mu, l as tf.Tensor2D, eps) as tf.Tensor).mul(w), logVar, "Σ w ⊙ reparameterize(mu, logVar, eps)", "logVar");
        const want = Array.from(logVarValues, (l, k) => 0.5 * Math.exp(0.5 * l) * epsValues[k] * weights[k]);
        const mistakes = [{ values: Array.from(logVarValues, (l, k) => Math.exp(l) * epsValues[k] * weights[k]), hint: VARIANCE_FOR_SIGMA }];
        expectCloseWithHints(byLogVar.dataSync(), want, "∂(Σ w ⊙ z)/∂logVar (tf.grad), expected ½ σ ⊙ ε ⊙ w", 1e-5, mistakes, [n, p]);
      }) as never,
    },
  ],
  "vae.elbo": [
    {
      name: "the gap: for q ≠ p(z|x) in the linear-Gaussian model, ELBO = log p(x) − KL(q ‖ p(z|x)) (2,000 samples, ± 4 standard errors)",
      kind: "closed form",
      points: 1,
      run: ((elbo: Elbo) => {
        const { w, b, s, x } = LINEAR_GAUSSIAN;
        const { mean, variance, logMarginal } = linearGaussianPosterior();
        const posteriors = [{ mu: 0, logVar: 0 }, { mu: 1.2, logVar: -1.5 }];
        const js = (xs: ArrayLike<number>, z: ArrayLike<number>) => linearGaussianJs(xs, z, w, b, s);
        const results = replicatedElbo(elbo, x, posteriors, { tf: linearGaussianDecoder(w, b, s), js }, { replicas: 250, samples: 8, seed: 671, what: "elbo(...)" });
        results.forEach(({ estimate, standardError }, k) => {
          const q = posteriors[k];
          const muF = Math.fround(q.mu);
          const varianceF = Math.exp(Math.fround(q.logVar));
          const want = logMarginal - klGaussians([muF], [[varianceF]], [mean], [[variance]]);
          const tolerance = 4 * standardError + 1e-3;
          if (!(Math.abs(estimate - want) <= tolerance)) {
            fail(`for q = N(${q.mu}, exp(${q.logVar})), the ELBO averaged over 2,000 samples is ${estimate.toPrecision(6)}, expected log p(x) − KL(q ‖ p(z|x)) = ${want.toPrecision(6)} ± ${tolerance.toPrecision(3)}`);
          }
        });
      }) as never,
    },
    {
      name: "one example, 4-D latent, 3 Bernoulli pixels, L = 5: every term against a float64 loop",
      kind: "brute force",
      points: 1,
      run: ((elbo: Elbo) => {
        const shape = { n: 1, d: 3, p: 4, samples: 5 };
        const x = [1, 0, 1];
        const inputs = { x, mu: seededNormal(1, 4, 681), logVar: seededUniform(1, 4, 682, -2, 1), eps: seededNormal(5, 4, 683) };
        const a = Array.from({ length: 4 }, (_, k) => Array.from(seededNormal(1, 3, 684 + k)));
        const c = [0.2, -0.3, 0.1];
        const js = (xs: ArrayLike<number>, z: ArrayLike<number>) => linearBernoulliJs(xs, z, a, c);
        const terms = expectElboTerms(callElbo(elbo, inputs, shape, linearBernoulliDecoder(a, c)), 1, "elbo(...)");
        const reconstruction = bruteReconstruction(inputs, shape, js);
        const kl = bruteKl(inputs.mu, inputs.logVar, 1, 4);
        expectCloseWithHints(terms.reconstruction, reconstruction, "elbo(...).reconstruction", 1e-4, reconstructionMistakes(inputs, shape, js), [1]);
        expectCloseWithHints(terms.kl, kl, "elbo(...).kl", 1e-4, klMistakes(inputs.mu, inputs.logVar, 1, 4), [1]);
        expectCloseWithHints(terms.elbo, [reconstruction[0] - kl[0]], "elbo(...).elbo = reconstruction − kl", 1e-4, [], [1]);
      }) as never,
    },
  ],
  "vae.loss": [
    {
      name: "64 random examples, β = 0 and β = 10, the three terms, against a float64 loop",
      kind: "brute force",
      points: 1,
      run: ((vaeLoss: VaeLoss) => {
        const reconstruction = seededUniform(1, 64, 691, -500, -20);
        const kl = seededUniform(1, 64, 692, 0, 60);
        for (const beta of [0, 10]) for (const terms of ["both", "reconstruction", "kl"] as const) expectLossValue(vaeLoss, reconstruction, kl, beta, terms);
      }) as never,
    },
    {
      name: `gradients (tf.grad) of the ablations, n = 8, β = 0.25: "reconstruction" −1/n w.r.t. reconstruction, "kl" β/n w.r.t. kl`,
      kind: "gradient",
      points: 1,
      run: ((vaeLoss: VaeLoss) => {
        const n = 8;
        const reconstruction = tf.tensor1d(seededUniform(1, n, 693, -200, -50));
        const kl = tf.tensor1d(seededUniform(1, n, 694, 0, 30));
        expectLoss(vaeLoss(reconstruction, kl, 0.25, "reconstruction"), n, `vaeLoss(reconstruction, kl, 0.25, "reconstruction")`);
        const byReconstruction = gradientWrt((r) => vaeLoss(r as tf.Tensor1D, kl, 0.25, "reconstruction"), reconstruction, `vaeLoss(…, "reconstruction")`, "reconstruction");
        expectCloseWithHints(byReconstruction.dataSync(), new Array(n).fill(-1 / n), `∂loss/∂reconstruction for terms "reconstruction" (tf.grad), expected −1/n`, 1e-6, [], [n]);
        expectLoss(vaeLoss(reconstruction, kl, 0.25, "kl"), n, `vaeLoss(reconstruction, kl, 0.25, "kl")`);
        const byKl = gradientWrt((k) => vaeLoss(reconstruction, k as tf.Tensor1D, 0.25, "kl"), kl, `vaeLoss(…, "kl")`, "kl");
        expectCloseWithHints(byKl.dataSync(), new Array(n).fill(0.25 / n), `∂loss/∂kl for terms "kl" (tf.grad), expected β/n`, 1e-6, [], [n]);
      }) as never,
    },
  ],
};
