// Losses against closed forms, the Hinton autoencoder's architecture, and the training loop:
// it learns, frees its tensors (live count constant per epoch) and stops between batches when aborted.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { binaryCrossEntropyFromLogits, sumSquaredErrorPerExample } from "../lib/src/math/losses";
import { countParameters, denseAutoencoder } from "../lib/src/models";
import { minibatches, minimizeStep, trainingLoop } from "../lib/src/training";

describe("reconstruction losses", () => {
  it("sum of squared errors per example, by hand", () => {
    const got = sumSquaredErrorPerExample(tf.tensor2d([[1, 2], [0, 0]]), tf.tensor2d([[0, 0], [3, 4]]));
    expect(Array.from(got.dataSync())).toEqual([5, 25]);
  });

  it("binary cross-entropy from logits equals the naive formula, and stays finite at extreme logits", () => {
    const x = tf.tensor2d([[0, 1, 0.3], [1, 0, 0.5]]);
    const logits = tf.tensor2d([[-2, 3, 0.5], [0.1, -0.7, 4]]);
    const p = tf.sigmoid(logits);
    const naive = x.mul(p.log()).add(tf.scalar(1).sub(x).mul(tf.scalar(1).sub(p).log())).sum(1).neg();
    const got = binaryCrossEntropyFromLogits(x, logits).dataSync();
    Array.from(naive.dataSync()).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    const extreme = binaryCrossEntropyFromLogits(tf.tensor2d([[1, 0]]), tf.tensor2d([[-200, 200]])).dataSync()[0];
    expect(extreme).toBeCloseTo(400, 3); // −log σ(−200) − log(1 − σ(200)) = 200 + 200
  });
});

describe("Hinton & Salakhutdinov's autoencoder", () => {
  it("784-1000-500-250-30 with a mirrored decoder has 2,837,314 parameters, a linear code and logit outputs", () => {
    const { encoder, decoder } = denseAutoencoder();
    expect(encoder.layers.map((l) => (l as tf.layers.Layer & { units: number }).units)).toEqual([1000, 500, 250, 30]);
    expect(decoder.layers.map((l) => (l as tf.layers.Layer & { units: number }).units)).toEqual([250, 500, 1000, 784]);
    expect(countParameters(encoder, decoder)).toBe(2_837_314);
    const activations = (m: tf.Sequential) => m.layers.map((l) => (l.getConfig().activation as string));
    expect(activations(encoder)).toEqual(["sigmoid", "sigmoid", "sigmoid", "linear"]);
    expect(activations(decoder)).toEqual(["sigmoid", "sigmoid", "sigmoid", "linear"]);
    encoder.dispose();
    decoder.dispose();
  });
});

function smallProblem() {
  const rows = tf.tidy(() => tf.randomUniform([256, 16], 0, 1, "float32", 3).dataSync() as Float32Array);
  const { encoder, decoder } = denseAutoencoder({ inputSize: 16, hiddenSizes: [12], codeSize: 4, seed: 5 });
  const optimizer = tf.train.adam(0.01);
  const data = minibatches(rows, 16, 32, 7);
  const step = ({ epoch, batch }: { epoch: number; batch: number }) => {
    const x = data.batch(epoch, batch);
    const loss = minimizeStep(optimizer, () => binaryCrossEntropyFromLogits(x, decoder.apply(encoder.apply(x)) as tf.Tensor2D).mean() as tf.Scalar);
    x.dispose();
    return { loss };
  };
  const dispose = () => {
    encoder.dispose();
    decoder.dispose();
    optimizer.dispose();
  };
  return { data, step, dispose };
}

describe("trainingLoop", () => {
  it("gives endOfEpoch the mean of the epoch's step metrics, and records both", async () => {
    const seen: Record<string, number>[] = [];
    const history = await trainingLoop({
      epochs: 2, stepsPerEpoch: 4, samplesPerStep: 1, progress: false,
      step: ({ epoch, batch }) => ({ loss: 10 * epoch + batch }),
      endOfEpoch: (epoch, means) => {
        seen.push({ ...means });
        return { "test error": means.loss / 2 };
      },
    });
    expect(seen).toEqual([{ loss: 1.5 }, { loss: 11.5 }]);
    expect(history.epochs.map((e) => e.metrics)).toEqual([{ loss: 1.5, "test error": 0.75 }, { loss: 11.5, "test error": 5.75 }]);
  });

  it("resumes at startEpoch: the epochs and step counts an uninterrupted run has from there", async () => {
    const contexts: string[] = [];
    const history = await trainingLoop({
      epochs: 4, startEpoch: 2, stepsPerEpoch: 3, samplesPerStep: 1, progress: false,
      step: ({ epoch, batch, step }) => {
        contexts.push(`${epoch}.${batch}:${step}`);
        return { loss: step };
      },
    });
    expect(contexts).toEqual(["2.0:6", "2.1:7", "2.2:8", "3.0:9", "3.1:10", "3.2:11"]);
    expect(history.epochs.map((e) => [e.epoch, e.metrics.loss])).toEqual([[3, 7], [4, 10]]);
    expect(history.steps).toBe(6);
    const step = () => ({ loss: 0 });
    await expect(trainingLoop({ epochs: 2, startEpoch: 2, stepsPerEpoch: 1, samplesPerStep: 1, progress: false, step })).rejects.toThrow("trainingLoop: startEpoch must be a whole number in [0, epochs = 2), got 2");
  });

  it("learns, and the number of live tensors is the same after every epoch", async () => {
    const { data, step, dispose } = smallProblem();
    const history = await trainingLoop({ epochs: 5, stepsPerEpoch: data.stepsPerEpoch, samplesPerStep: 32, step, progress: false });
    expect(history.epochs).toHaveLength(5);
    expect(history.steps).toBe(5 * 8);
    expect(new Set(history.epochs.map((e) => e.liveTensors)).size).toBe(1);
    expect(history.epochs[4].metrics.loss).toBeLessThan(history.epochs[0].metrics.loss);
    expect(history.samplesPerSecond).toBeGreaterThan(0);
    dispose();
  });

  it("stops between batches when the signal is aborted, keeping what was trained", async () => {
    const { data, step, dispose } = smallProblem();
    const controller = new AbortController();
    let steps = 0;
    const history = await trainingLoop({
      epochs: 100, stepsPerEpoch: data.stepsPerEpoch, samplesPerStep: 32, progress: false, signal: controller.signal,
      step: (context) => {
        if (++steps === 11) controller.abort();
        return step(context);
      },
    });
    expect(history.interrupted).toBe(true);
    expect(history.steps).toBe(11);
    expect(history.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    dispose();
  });

  it("minibatches cover every row once per epoch and reshuffle between epochs", () => {
    const rows = Float32Array.from({ length: 20 }, (_, i) => i); // 10 rows of 2
    const source = minibatches(rows, 2, 5, 1);
    const seen = (epoch: number) => [0, 1].flatMap((b) => Array.from(tf.tidy(() => source.batch(epoch, b).slice([0, 0], [-1, 1]).dataSync())));
    expect([...seen(0)].sort((a, b) => a - b)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(seen(0)).not.toEqual(seen(1));
    expect(() => minibatches(rows, 3, 5)).toThrow(/not a whole number of rows of 3/);
  });
});
