// Packing (PacGAN, Lin et al. 2018): the discriminator judges m samples at once, stacked as channels, all real or all
// fake. A generator that draws some modes too often and others too rarely makes packs that real data rarely makes (two
// 9s far more often than two 4s), and a packed discriminator can see that where a one-sample discriminator cannot.
// The layer has no weights: [n, h, w, c] → [n/m, h, w, m·c], samples i·m … i·m + m − 1 into pack i.
import * as tf from "@tensorflow/tfjs";

export class PackSamples extends tf.layers.Layer {
  static className = "PackSamples";
  readonly pack: number;

  constructor(args: { pack: number; name?: string }) {
    super(args);
    if (!Number.isInteger(args.pack) || args.pack < 1) throw new Error(`packSamples: pack must be a whole number ≥ 1, got ${args.pack}`);
    this.pack = args.pack;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [, h, w, c] = inputShape as tf.Shape;
    return [null, h, w, c === null ? null : c * this.pack];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [n, h, w, c] = x.shape;
      if (n % this.pack !== 0) throw new Error(`${this.name}: a batch of ${n} samples does not split into packs of ${this.pack}; use a batch size divisible by ${this.pack}`);
      return x.reshape([n / this.pack, this.pack, h, w, c]).transpose([0, 2, 3, 1, 4]).reshape([n / this.pack, h, w, this.pack * c]);
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), pack: this.pack };
  }
}
tf.serialization.registerClass(PackSamples);

/** The layer above: m samples per pack, stacked as channels. */
export function packSamples(args: { pack: number; name?: string }): PackSamples {
  return new PackSamples(args);
}
