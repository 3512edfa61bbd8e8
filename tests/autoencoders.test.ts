// lib's references for notebook 02 (noise, sparsity penalties, nearest neighbours) against closed
// forms and brute force; every check case of the topic against those references (a second
// implementation, so the cases are not tuned to solutions/); and common mistakes failing a case.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { maskingNoise, gaussianNoise } from "../lib/src/data";
import { binaryCrossEntropyFromLogits, classifyByNearestNeighbour, klSparsity, l1Sparsity, nearestNeighbours, sumSquaredErrorPerExample } from "../lib/src/math";
import { countParameters, denseAutoencoder } from "../lib/src/models";
import { CheckCase, Exercise, findExercise, runCase } from "../lib/src/checks";
import {
  autoencodersExercises, bruteForceOrder, bruteKl, decoderSizes, denseParameterCount, encoderSizes, klGradient, seededNormal, seededUniform,
} from "../lib/src/checks/autoencoders";
import { hiddenCases } from "./hidden/autoencoders";

/** Runs f and checks that it leaves exactly `kept` more tensors alive (what it returns). */
function expectTensorsKept<T>(kept: number, f: () => T): T {
  const before = tf.memory().numTensors;
  const result = f();
  expect(tf.memory().numTensors - before).toBe(kept);
  return result;
}

describe("maskingNoise", () => {
  it("keeps each value exactly or sets it to 0, about dropRate of them, seeded; frees its intermediates", () => {
    const values = seededUniform(100, 784, 1, 0.1, 1);
    const x = tf.tensor2d(values, [100, 784]);
    const noisy = expectTensorsKept(1, () => maskingNoise(x, 0.2, 5));
    const got = noisy.dataSync();
    const zeros = got.filter((v) => v === 0).length;
    expect(got.filter((v, i) => v !== 0 && v !== values[i]).length, "values neither kept nor zero").toBe(0);
    expect(Math.abs(zeros / got.length - 0.2)).toBeLessThan(0.01);
    expect(Array.from(maskingNoise(x, 0.2, 5).dataSync())).toEqual(Array.from(got));
    expect(Array.from(maskingNoise(x, 0.2, 6).dataSync())).not.toEqual(Array.from(got));
    tf.dispose([x, noisy]);
  });

  it("rate 0 is the identity and rate 1 gives zeros, on any shape", () => {
    tf.tidy(() => {
      const x = tf.randomUniform([3, 28, 28], 0.1, 1, "float32", 2);
      expect(Array.from(maskingNoise(x, 0, 1).dataSync())).toEqual(Array.from(x.dataSync()));
      expect(maskingNoise(x, 1, 1).shape).toEqual([3, 28, 28]);
      expect(Math.max(...maskingNoise(x, 1, 1).dataSync())).toBe(0);
    });
  });

  it("refuses a rate outside [0, 1] and a seed that is not a number", () => {
    const x = tf.ones([2, 2]);
    for (const rate of [-0.1, 1.5, Number.NaN]) expect(() => maskingNoise(x, rate, 1)).toThrow(/dropRate must be between 0 and 1, got/);
    expect(() => maskingNoise(x, 0.5, Number.NaN)).toThrow(/seed must be a finite number/);
    x.dispose();
  });
});

describe("gaussianNoise", () => {
  it("adds N(0, stddev²) noise, clips to [0, 1], is seeded and frees its intermediates", () => {
    const half = tf.fill([100, 784], 0.5);
    const noisy = expectTensorsKept(1, () => gaussianNoise(half, 0.05, 3));
    const noise = Array.from(noisy.dataSync(), (v) => v - 0.5);
    const mean = noise.reduce((a, b) => a + b, 0) / noise.length;
    const std = Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / noise.length);
    expect(Math.abs(mean)).toBeLessThan(1e-3);
    expect(Math.abs(std / 0.05 - 1)).toBeLessThan(0.02);
    expect(Array.from(gaussianNoise(half, 0.05, 3).dataSync())).toEqual(Array.from(noisy.dataSync()));
    const clipped = tf.tidy(() => Array.from(gaussianNoise(tf.zeros([50, 784]), 2, 4).dataSync()));
    expect(Math.min(...clipped)).toBe(0);
    expect(Math.max(...clipped)).toBe(1);
    expect(Math.abs(clipped.filter((v) => v === 0).length / clipped.length - 0.5)).toBeLessThan(0.02);
    tf.dispose([half, noisy]);
  });

  it("stddev 0 is the identity; a negative or infinite stddev is refused", () => {
    const x = tf.tensor2d(seededUniform(4, 5, 9), [4, 5]);
    expect(Array.from(tf.tidy(() => gaussianNoise(x, 0, 1).dataSync()))).toEqual(Array.from(x.dataSync()));
    for (const stddev of [-1, Infinity, Number.NaN]) expect(() => gaussianNoise(x, stddev, 1)).toThrow(/stddev must be a finite number ≥ 0, got/);
    x.dispose();
  });
});

describe("sparsity penalties", () => {
  it("l1Sparsity: the mean over rows of ‖h‖₁, with gradient sign(h)/n", () => {
    const h = tf.tensor2d([[1, -2, 0.5], [-0.25, 3, -1]]);
    expect(expectTensorsKept(1, () => l1Sparsity(h)).dataSync()[0]).toBeCloseTo((3.5 + 4.25) / 2, 6);
    const gradient = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => l1Sparsity(x as tf.Tensor2D))(h).dataSync()));
    expect(gradient).toEqual(Array.from(h.dataSync(), (v) => Math.sign(v) / 2));
    h.dispose();
  });

  it("klSparsity: Σ_j KL(ρ ‖ ρ̂_j) and its gradient, against float64 closed forms", () => {
    const values = Float32Array.from(seededNormal(30, 12, 3), (v) => 1 / (1 + Math.exp(-v)));
    const a = tf.tensor2d(values, [30, 12]);
    const penalty = expectTensorsKept(1, () => klSparsity(a, 0.05));
    expect(penalty.shape).toEqual([]);
    expect(penalty.dataSync()[0]).toBeCloseTo(bruteKl(values, 30, 12, 0.05), 4);
    const gradient = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => klSparsity(x as tf.Tensor2D, 0.05))(a).dataSync()));
    klGradient(values, 30, 12, 0.05).forEach((g, i) => expect(gradient[i]).toBeCloseTo(g, 5));
    tf.dispose([a, penalty]);
  });

  it("klSparsity: 0 at the target, finite for a saturated unit, and ρ must lie in (0, 1)", () => {
    tf.tidy(() => {
      expect(Math.abs(klSparsity(tf.tensor2d([[0.1, 0.3], [0.3, 0.1]]), 0.2).dataSync()[0])).toBeLessThan(1e-6);
      expect(Number.isFinite(klSparsity(tf.tensor2d([[1, 0.5], [1, 0.5]]), 0.05).dataSync()[0])).toBe(true);
      for (const rho of [0, 1, 1.5, Number.NaN]) expect(() => klSparsity(tf.ones([2, 2]) as tf.Tensor2D, rho)).toThrow(/rho must be strictly between 0 and 1, got/);
    });
  });
});

describe("nearestNeighbours", () => {
  it("equals brute force in float64 for every k, in one chunk or many, and frees its tensors", () => {
    const [m, n, d] = [37, 120, 9];
    const qv = seededNormal(m, d, 11);
    const dv = seededNormal(n, d, 12);
    const [queries, database] = [tf.tensor2d(qv, [m, d]), tf.tensor2d(dv, [n, d])];
    const expected = bruteForceOrder(qv, dv, m, n, d).map((e) => e.order);
    for (const k of [1, 3, n]) {
      const whole = expectTensorsKept(0, () => nearestNeighbours(queries, database, k));
      expect(whole).toEqual(expected.map((order) => order.slice(0, k)));
      expect(nearestNeighbours(queries, database, k, { chunkSize: 5 })).toEqual(whole);
    }
    tf.dispose([queries, database]);
  });

  it("duplicate database rows come out in index order, with the query's own row first", () => {
    // Rows 3, 7 and 12 hold the same random image; the float64 re-ranking compares them exactly.
    const [n, d] = [20, 784];
    const dv = seededUniform(n, d, 13);
    for (const row of [7, 12]) dv.set(dv.subarray(3 * d, 4 * d), row * d);
    const [queries, database] = [tf.tensor2d(dv.slice(12 * d, 13 * d), [1, d]), tf.tensor2d(dv, [n, d])];
    expect(nearestNeighbours(queries, database, 4)[0].slice(0, 3)).toEqual([3, 7, 12]);
    tf.dispose([queries, database]);
  });

  it("refuses a bad k, mismatched features and a missing database, saying why", () => {
    tf.tidy(() => {
      const [q, db] = [tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([4, 3]) as tf.Tensor2D];
      for (const k of [0, 5, 1.5]) expect(() => nearestNeighbours(q, db, k)).toThrow(/k must be a whole number between 1 and the database's 4 rows, got/);
      expect(() => nearestNeighbours(tf.zeros([2, 5]) as tf.Tensor2D, db, 1)).toThrow(/queries have 5 features per row but the database rows have 3/);
      expect(() => nearestNeighbours(q, tf.zeros([0, 3]) as tf.Tensor2D, 1)).toThrow(/the database has no rows/);
      expect(() => nearestNeighbours(tf.zeros([3]) as unknown as tf.Tensor2D, db, 1)).toThrow(/queries must be a 2-D tensor/);
    });
  });

  it("classifyByNearestNeighbour: the nearest row's label (any array-like), one label per training row", () => {
    tf.tidy(() => {
      const train = tf.tensor2d([[0, 0], [10, 0], [0, 10], [10, 0]]);
      const test = tf.tensor2d([[1, 1], [9, 1], [-1, 9], [10, 0]]);
      expect(classifyByNearestNeighbour(train, Uint8Array.from([7, 3, 5, 9]), test)).toEqual([7, 3, 5, 3]);
      expect(() => classifyByNearestNeighbour(train, [1, 2, 3], test)).toThrow("classifyByNearestNeighbour: 3 labels for 4 training rows; give one label per row of trainFeatures");
    });
  });
});

describe("models for the exercises", () => {
  it("the parameter counts of the checks are those of the library's 784-1000-500-250-30 autoencoder: 2,837,314", () => {
    expect(denseParameterCount(encoderSizes(30))).toBe(1_418_280);
    expect(denseParameterCount(decoderSizes(30))).toBe(1_419_034);
    const { encoder, decoder } = denseAutoencoder({ codeSize: 30 });
    expect(countParameters(encoder, decoder)).toBe(2_837_314);
    encoder.dispose();
    decoder.dispose();
  });
});

/** Every case of an exercise, visible and hidden. */
function allCases(id: string): CheckCase<never>[] {
  const exercise = autoencodersExercises.find((e) => e.id === id) as unknown as Exercise<never>;
  return [...exercise.cases, ...(hiddenCases[id] ?? [])];
}

async function statuses(id: string, implementation: unknown): Promise<{ name: string; status: string; message: string }[]> {
  const results = [];
  for (const c of allCases(id)) results.push(await runCase(c, implementation as never));
  return results;
}

const encoderFromLibrary = (codeSize: number, activation: "sigmoid" | "elu" = "sigmoid") => {
  const { encoder, decoder } = denseAutoencoder({ codeSize, activation });
  decoder.dispose();
  return encoder;
};
const decoderFromLibrary = (codeSize: number, activation: "sigmoid" | "elu" = "sigmoid") => {
  const { encoder, decoder } = denseAutoencoder({ codeSize, activation });
  encoder.dispose();
  return decoder;
};

describe("the check cases against the library's references", () => {
  const references: Record<string, unknown> = {
    "autoencoders.encoder": encoderFromLibrary,
    "autoencoders.decoder": decoderFromLibrary,
    "autoencoders.squaredError": sumSquaredErrorPerExample,
    "autoencoders.crossEntropy": binaryCrossEntropyFromLogits,
    "autoencoders.maskingNoise": maskingNoise,
    "autoencoders.gaussianNoise": gaussianNoise,
    "autoencoders.sparsityL1": l1Sparsity,
    "autoencoders.sparsityKl": klSparsity,
    "autoencoders.nearestNeighbours": nearestNeighbours,
    "autoencoders.classify": classifyByNearestNeighbour,
  };

  it("covers every exercise, and check() knows each id", () => {
    expect(Object.keys(references).sort()).toEqual(autoencodersExercises.map((e) => e.id).sort());
    for (const e of autoencodersExercises) expect(findExercise(e.id).functionName).toBe(e.functionName);
  });

  it.each(Object.keys(references))("%s: every visible and hidden case passes, and leaves no tensor behind", async (id) => {
    const before = tf.memory().numTensors;
    for (const result of await statuses(id, references[id])) expect(result.status, `${result.name}: ${result.message}`).toBe("passed");
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** The status of one case (found by a piece of its name) for an implementation. */
async function caseResult(id: string, namePart: string, implementation: unknown): Promise<{ status: string; message: string }> {
  const c = allCases(id).find((candidate) => candidate.name.includes(namePart));
  if (!c) throw new Error(`no case of ${id} has "${namePart}" in its name`);
  return runCase(c, implementation as never);
}

function denseStack(sizes: number[], activations: (string | undefined)[], useBias = true): tf.Sequential {
  const model = tf.sequential();
  sizes.slice(1).forEach((units, i) =>
    model.add(tf.layers.dense({ units, activation: activations[i] as "sigmoid" | undefined, useBias, inputShape: i === 0 ? [sizes[0]] : undefined })),
  );
  return model;
}

describe("common mistakes fail a case, with a message that says what is wrong", () => {
  it("encoder and decoder: wrong sizes, a non-linear code or output layer, no biases", async () => {
    const before = tf.memory().numTensors;
    const wrongUnits = (codeSize: number) => denseStack([784, 1000, 400, 250, codeSize], ["sigmoid", "sigmoid", "sigmoid", undefined]);
    expect((await caseResult("autoencoders.encoder", "hintonEncoder(30)", wrongUnits)).message).toBe("the encoder: layer 2 has 400 units, expected 500 (784→1000→500→250→30)");
    const sigmoidCode = (codeSize: number) => denseStack(encoderSizes(codeSize), ["sigmoid", "sigmoid", "sigmoid", "sigmoid"]);
    expect((await caseResult("autoencoders.encoder", "hintonEncoder(30)", sigmoidCode)).message).toContain('layer 4 has activation "sigmoid", expected "linear" (the code layer is linear');
    const sigmoidOutput = (codeSize: number) => denseStack(decoderSizes(codeSize), ["sigmoid", "sigmoid", "sigmoid", "sigmoid"]);
    expect((await caseResult("autoencoders.decoder", "hintonDecoder(30)", sigmoidOutput)).message).toContain("outputs logits");
    const noBias = (codeSize: number) => denseStack(encoderSizes(codeSize), ["sigmoid", "sigmoid", "sigmoid", undefined], false);
    expect((await caseResult("autoencoders.encoder", "parameters", noBias)).message).toMatch(/has 1,416,500 parameters, expected 1,418,280/);
    const ignoresActivation = (codeSize: number) => denseStack(encoderSizes(codeSize), ["sigmoid", "sigmoid", "sigmoid", undefined]);
    expect((await caseResult("autoencoders.encoder", "elu", ignoresActivation)).status).toBe("failed");
    expect(tf.memory().numTensors, "the checks free the models they build").toBe(before);
  });

  it("losses: a mean instead of one value per image; log(sigmoid) without the stable form, even with a small epsilon", async () => {
    const mean = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.squaredDifference(x, y).sum(1).mean();
    expect((await caseResult("autoencoders.squaredError", "worked by hand", mean)).message).toContain("expected shape [2], got []");
    const naive = (x: tf.Tensor2D, l: tf.Tensor2D) => {
      const p = tf.sigmoid(l);
      return x.mul(p.log()).add(tf.sub(1, x).mul(tf.sub(1, p).log())).sum(1).neg();
    };
    const naiveStability = await caseResult("autoencoders.crossEntropy", "±100 and ±1000", naive);
    expect(naiveStability.status).toBe("failed");
    expect(naiveStability.message).toContain("use the stable form");
    expect((await caseResult("autoencoders.crossEntropy", "up to ±40", naive)).status).toBe("failed");
    expect((await caseResult("autoencoders.crossEntropy", "in [−6, 6]", naive)).status).toBe("passed");
    const epsilon = (x: tf.Tensor2D, l: tf.Tensor2D) => {
      const p = tf.sigmoid(l);
      return x.mul(p.add(1e-7).log()).add(tf.sub(1, x).mul(tf.sub(1, p).add(1e-7).log())).sum(1).neg();
    };
    expect((await caseResult("autoencoders.crossEntropy", "±100 and ±1000", epsilon)).status).toBe("failed");
  });

  it("noise: tf.dropout's rescaling, an unseeded or inverted mask, one mask for all rows; variance for stddev, no clipping, a truncated normal", async () => {
    const dropout = (x: tf.Tensor2D, rate: number, seed: number) => tf.dropout(x, rate, undefined, seed);
    expect((await caseResult("autoencoders.maskingNoise", "kept exactly", dropout)).message).toContain("as tf.dropout does");
    const unseeded = (x: tf.Tensor2D, rate: number) => x.mul(tf.randomUniform(x.shape).greaterEqual(rate).cast("float32"));
    expect((await caseResult("autoencoders.maskingNoise", "seeded", unseeded)).message).toContain("two calls with seed 7 differ");
    const inverted = (x: tf.Tensor2D, rate: number, seed: number) => x.mul(tf.randomUniform(x.shape, 0, 1, "float32", seed).less(rate).cast("float32"));
    expect((await caseResult("autoencoders.maskingNoise", "share of zeros, ± 1%", inverted)).status).toBe("failed");
    const oneMask = (x: tf.Tensor2D, rate: number, seed: number) => x.mul(tf.randomUniform([x.shape[1]], 0, 1, "float32", seed).greaterEqual(rate).cast("float32"));
    expect((await caseResult("autoencoders.maskingNoise", "independently", oneMask)).status).toBe("failed");

    const variance = (x: tf.Tensor2D, s: number, seed: number) => x.add(tf.randomNormal(x.shape, 0, s * s, "float32", seed)).clipByValue(0, 1);
    expect((await caseResult("autoencoders.gaussianNoise", "mean 0", variance)).message).toContain("not the variance");
    const uniform = (x: tf.Tensor2D, s: number, seed: number) => x.add(tf.randomUniform(x.shape, -s, s, "float32", seed)).clipByValue(0, 1);
    expect((await caseResult("autoencoders.gaussianNoise", "mean 0", uniform)).message).toMatch(/standard deviation 0\.02\d+, expected 0\.05 ± 2%$/);
    const unclipped = (x: tf.Tensor2D, s: number, seed: number) => x.add(tf.randomNormal(x.shape, 0, s, "float32", seed));
    expect((await caseResult("autoencoders.gaussianNoise", "values in [0, 1]", unclipped)).message).toContain("outside [0, 1]");
    const truncated = (x: tf.Tensor2D, s: number, seed: number) => x.add(tf.truncatedNormal(x.shape, 0, s, "float32", seed)).clipByValue(0, 1);
    expect((await caseResult("autoencoders.gaussianNoise", "is Gaussian", truncated)).status).toBe("failed");
  });

  it("sparsity: the mean over all entries, KL(ρ̂ ‖ ρ) the wrong way round, a penalty tf.grad cannot differentiate", async () => {
    const overEntries = (h: tf.Tensor2D) => h.abs().mean();
    expect((await caseResult("autoencoders.sparsityL1", "worked by hand", overEntries)).status).toBe("failed");
    const swapped = (a: tf.Tensor2D, rho: number) => {
      const r = a.mean(0);
      return r.mul(r.div(rho).log()).add(tf.sub(1, r).mul(tf.sub(1, r).div(1 - rho).log())).sum();
    };
    expect((await caseResult("autoencoders.sparsityKl", "by hand", swapped)).status).toBe("failed");
    const numeric = (a: tf.Tensor2D, rho: number) => tf.scalar(klSparsity(a, rho).dataSync()[0]);
    expect((await caseResult("autoencoders.sparsityKl", "gradient", numeric)).message).toContain("tf.grad could not differentiate the KL penalty");
  });

  it("neighbours: the farthest first, ties to the higher index, no check of the labels' length", async () => {
    const farthest = (q: tf.Tensor2D, db: tf.Tensor2D, k: number) => nearestNeighbours(q, db, db.shape[0]).map((row) => row.reverse().slice(0, k));
    expect((await caseResult("autoencoders.nearestNeighbours", "worked by hand", farthest)).status).toBe("failed");
    const higherFirst = (q: tf.Tensor2D, db: tf.Tensor2D, k: number) => {
      const rows = tf.tidy(() => tf.sub(tf.sum(tf.square(db), 1), tf.matMul(q, db, false, true).mul(2)).arraySync() as number[][]);
      return rows.map((row) => row.map((_, i) => i).sort((a, b) => row[a] - row[b] || b - a).slice(0, k));
    };
    expect((await caseResult("autoencoders.nearestNeighbours", "lower index first", higherFirst)).message).toContain("on ties the lower index comes first");
    const unchecked = (train: tf.Tensor2D, labels: number[], test: tf.Tensor2D) => nearestNeighbours(test, train, 1).map(([i]) => labels[i]);
    expect((await caseResult("autoencoders.classify", "refused with an Error", unchecked)).status).toBe("failed");
  });
});
