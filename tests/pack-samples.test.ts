// Packing (lib/src/models/pack-samples.ts, PacGAN) against a brute-force stacking of the samples' channels, its
// gradient (a permutation: each input value gets the gradient of the one output value it became), and in the DCGAN
// discriminator: one logit per pack, the first convolution's extra weights, save and load.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { dcganDiscriminator } from "../lib/src/models/gan";
import { packSamples, PackSamples } from "../lib/src/models/pack-samples";
import { saveAndLoad } from "./save-in-memory";

describe("packSamples", () => {
  it("stacks samples i·m … i·m + m − 1 as the channels of pack i, in order", () => {
    const [n, h, w, c, m] = [6, 2, 3, 2, 3];
    const x = tf.randomNormal([n, h, w, c], 0, 1, "float32", 7) as tf.Tensor4D;
    const packed = packSamples({ pack: m }).apply(x) as tf.Tensor4D;
    expect(packed.shape).toEqual([n / m, h, w, m * c]);
    const input = x.arraySync();
    const output = packed.arraySync();
    for (let i = 0; i < n / m; i++)
      for (let y = 0; y < h; y++)
        for (let z = 0; z < w; z++)
          for (let j = 0; j < m; j++)
            for (let k = 0; k < c; k++) expect(output[i][y][z][j * c + k]).toBe(input[i * m + j][y][z][k]);
    // Its gradient routes each output's weight back to the value it came from.
    const weights = tf.randomNormal([n / m, h, w, m * c], 0, 1, "float32", 8);
    const gradient = tf.grad((t: tf.Tensor) => (packSamples({ pack: m }).apply(t) as tf.Tensor).mul(weights).sum())(x);
    const routed = weights.arraySync() as number[][][][];
    const g = gradient.arraySync() as number[][][][];
    for (let s = 0; s < n; s++) expect(g[s][1][2][1]).toBe(routed[Math.floor(s / m)][1][2][(s % m) * c + 1]);
    tf.dispose([x, packed, weights, gradient]);
  });

  it("says what to do with a batch that does not split into packs, and with a pack that is not a whole number", () => {
    expect(() => packSamples({ pack: 2, name: "packs" }).apply(tf.zeros([3, 2, 2, 1]))).toThrow("packs: a batch of 3 samples does not split into packs of 2; use a batch size divisible by 2");
    expect(() => packSamples({ pack: 0 })).toThrow("packSamples: pack must be a whole number ≥ 1, got 0");
  });

  it("in the DCGAN discriminator: one logit per pack, m input channels, saved and loaded with its pack", async () => {
    const discriminator = dcganDiscriminator({ filters: 16, pack: 2, seed: 3 });
    // The first convolution sees 2 channels: (4·4·2 + 1)·16 weights where one sample had (4·4·1 + 1)·16.
    expect(discriminator.countParams()).toBe(33 * 16 + 16 * 16 * 32 + 4 * 32 + 1568 + 1);
    const rows = tf.randomUniform([8, 784], 0, 1, "float32", 4);
    const logits = discriminator.predict(rows) as tf.Tensor;
    expect(logits.shape).toEqual([4, 1]);
    // A pack's logit depends on both of its samples and on no other pack.
    const swapped = tf.tidy(() => tf.concat([rows.slice(0, 2), rows.slice(3, 1), rows.slice(2, 1), rows.slice(4)]));
    const after = discriminator.predict(swapped) as tf.Tensor;
    const [a, b] = [logits.dataSync(), after.dataSync()];
    expect(a[0]).toBe(b[0]);
    expect(a[1]).not.toBe(b[1]);
    expect(Array.from(a.slice(2))).toEqual(Array.from(b.slice(2)));
    const { loaded } = await saveAndLoad(discriminator);
    expect((loaded.getLayer("packs_of_2") as PackSamples).pack).toBe(2);
    const reloaded = loaded.predict(rows) as tf.Tensor;
    expect(Array.from(reloaded.dataSync())).toEqual(Array.from(a));
    tf.dispose([rows, logits, swapped, after, reloaded]);
    [discriminator, loaded].forEach((model) => model.dispose());
  });
});
