// A 2-D convolution layer whose training pass computes only the gradients that are asked for. tfjs's Conv2D runs a
// fused convolution (with its bias and activation), and tfjs differentiates a fused op with a custom gradient that
// always computes the gradients of all its inputs. A GAN pays for that twice per step: the discriminator's update
// also computed the gradient of its first convolution with respect to the images, and the generator's update the
// gradients of the discriminator's filters, which nothing uses (four convolution-sized ops out of ~24). In training
// mode this layer runs the convolution and the bias as separate ops, whose registered gradients tfjs prunes to what
// the tape needs. Inference, the weights and the configuration are tfjs's Conv2D's.
import * as tf from "@tensorflow/tfjs";

type Conv2DArgs = Parameters<typeof tf.layers.conv2d>[0];
type Conv2DLayer = ReturnType<typeof tf.layers.conv2d>;

/** tfjs-layers' Conv2D class, which @tensorflow/tfjs exports only through its factory. */
const Conv2D = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })).constructor as new (args: Conv2DArgs) => Conv2DLayer;

/** The layer's own fields the training pass reads (not in tfjs-layers' public typings). */
interface Conv2DFields {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: [number, number];
  padding: "same" | "valid";
  dataFormat: "channelsLast" | "channelsFirst";
  dilationRate: number[];
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
}

export class Conv2DWithPrunedGradients extends Conv2D {
  static className = "Conv2DWithPrunedGradients";

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const layer = this as unknown as Conv2DFields;
    const plain = layer.dataFormat === "channelsLast" && layer.dilationRate.every((rate) => rate === 1);
    if (kwargs.training !== true || !plain) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const input = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      let output: tf.Tensor = tf.conv2d(input, layer.kernel.read() as tf.Tensor4D, layer.strides, layer.padding);
      if (layer.bias) output = output.add(layer.bias.read());
      return layer.activation ? layer.activation.apply(output) : output;
    });
  }
}
// The static fromConfig is tfjs's (inherited); the base class's type above does not declare it.
tf.serialization.registerClass(Conv2DWithPrunedGradients as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

/** A 2-D convolution layer for the course's models: tfjs's Conv2D, with the training pass above. */
export function conv2d(args: Conv2DArgs): Conv2DLayer {
  return new Conv2DWithPrunedGradients(args);
}
