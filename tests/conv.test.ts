// The course's Conv2D (lib/src/models/conv.ts) against tfjs's with the same weights: the same outputs and gradients in
// training mode, only the gradients asked for, and it saves and loads.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { conv2d, Conv2DWithPrunedGradients } from "../lib/src/models/conv";
import { saveAndLoad } from "./save-in-memory";

const maxDifference = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);

describe("conv2d (training pass without fused ops)", () => {
  const args = { filters: 6, kernelSize: 4, strides: 2, padding: "same" as const };

  // tfjs fuses a linear convolution even under a gradient tape (the discriminator's case), a ReLU one only outside it.
  for (const activation of ["linear", "relu"] as const) it(`gives tfjs's Conv2D's outputs and gradients (${activation}), and computes only the gradients asked for`, async () => {
    const ours = conv2d({ ...args, activation });
    const theirs = tf.layers.conv2d({ ...args, activation });
    for (const layer of [ours, theirs]) layer.build([null, 14, 14, 3]);
    theirs.setWeights(ours.getWeights());
    const x = tf.randomNormal([5, 14, 14, 3], 0, 1, "float32", 1);
    const upstream = tf.randomNormal([5, 7, 7, 6], 0, 1, "float32", 2);
    const loss = (layer: tf.layers.Layer, input: tf.Tensor) => (layer.apply(input, { training: true }) as tf.Tensor).mul(upstream).sum() as tf.Scalar;
    for (const layer of [ours, theirs]) expect(layer.getClassName()).toBe(layer === ours ? "Conv2DWithPrunedGradients" : "Conv2D");
    expect(tf.tidy(() => maxDifference(ours.apply(x, { training: true }) as tf.Tensor, theirs.apply(x, { training: true }) as tf.Tensor))).toBeLessThan(1e-5);
    const gradients = (layer: tf.layers.Layer) => tf.tidy(() => {
      const dx = tf.grad((input: tf.Tensor) => loss(layer, input))(x);
      const { grads } = tf.variableGrads(() => loss(layer, x), layer.trainableWeights.map((w) => w.read() as tf.Variable));
      return [dx, ...layer.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name])];
    });
    const [a, b] = [gradients(ours), gradients(theirs)];
    a.forEach((g, i) => expect(maxDifference(g, b[i]), `gradient ${i}`).toBeLessThan(1e-4));
    // The weights' gradients without the input's: no Conv2DBackpropInput (tfjs's fused convolution computes it anyway).
    const kernelsFor = async (layer: tf.layers.Layer) =>
      (await tf.profile(() => tf.tidy(() => tf.variableGrads(() => loss(layer, x), layer.trainableWeights.map((w) => w.read() as tf.Variable)).value))).kernels.map((k) => k.name);
    expect(await kernelsFor(ours)).not.toContain("Conv2DBackpropInput");
    if (activation === "linear") expect(await kernelsFor(theirs)).toContain("Conv2DBackpropInput");
    tf.dispose([x, upstream, ...a, ...b]);
  });

  it("saves and loads under its own class name", async () => {
    const model = tf.sequential({ layers: [conv2d({ ...args, inputShape: [8, 8, 1], name: "conv" })] });
    const { loaded } = await saveAndLoad(model);
    expect(loaded.getLayer("conv")).toBeInstanceOf(Conv2DWithPrunedGradients);
    const x = tf.randomNormal([2, 8, 8, 1]);
    expect(tf.tidy(() => maxDifference(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor))).toBe(0);
    tf.dispose(x);
    [model, loaded].forEach((m) => m.dispose());
  });
});
