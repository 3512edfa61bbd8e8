// The minibatch standard deviation of Karras et al. (2018, "Progressive growing of GANs", section 3): a discriminator
// that sees one example at a time cannot tell that all the fakes of a batch are the same digit. This layer appends
// one feature, the same for every example of the batch: the standard deviation of each feature over the batch,
// averaged over the features. A generator that collapses onto a few modes gives its batches a smaller spread than
// real batches have, and the discriminator can now see it. The layer has no weights.
import * as tf from "@tensorflow/tfjs";

/** Keeps the square root differentiable when a feature does not vary over the batch (or the batch is one example). */
const VARIANCE_FLOOR = 1e-8;

export class MinibatchStddev extends tf.layers.Layer {
  static className = "MinibatchStddev";

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = [...(inputShape as tf.Shape)];
    const last = shape[shape.length - 1];
    shape[shape.length - 1] = last === null ? null : last + 1;
    return shape;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const { variance } = tf.moments(x, 0);
      const spread = variance.add(VARIANCE_FLOOR).sqrt().mean();
      // [n, ..., 1] filled with the spread: a constant map behind images, one more column behind rows.
      const column = tf.zeros([...x.shape.slice(0, -1), 1]).add(spread);
      return tf.concat([x, column], -1);
    });
  }
}
tf.serialization.registerClass(MinibatchStddev);

/** The layer above: appends the batch's mean standard deviation as one more feature (channel or column). */
export function minibatchStddev(args: { name?: string; inputShape?: tf.Shape } = {}): MinibatchStddev {
  return new MinibatchStddev(args);
}
