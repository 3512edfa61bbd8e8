// The gradients of the activations through TensorFlow's own kernels on the tensorflow backend. tfjs differentiates a
// ReLU as dy · cast(step(x)) and a leaky ReLU as where(x > 0, dy, α·dy): on tfjs-node, step alone is several ops, so
// each activation's gradient was 3–6 calls into the C library and as many passes over the activations. TensorFlow's
// ReluGrad, LeakyReluGrad, TanhGrad and SigmoidGrad do it in one. tf.registerGradient replaces tfjs's gradient for the
// kernel everywhere, so each one here hands over to tfjs's original gradient on any other backend.
import * as tf from "@tensorflow/tfjs";
import { tensorflowKernels, type KernelAttribute, type TensorflowKernels } from "./tensorflow-kernels";

type Saved = tf.Tensor[];

interface FusedGradient {
  kernelName: string;
  /** The TensorFlow op, its inputs from (dy, the saved tensor), and its attributes. */
  op: string;
  inputs: (dy: tf.Tensor, saved: tf.Tensor) => tf.Tensor[];
  attributes?: (kernels: TensorflowKernels, attrs: tf.NamedAttrMap) => KernelAttribute[];
}

const FUSED: FusedGradient[] = [
  { kernelName: "Relu", op: "ReluGrad", inputs: (dy, x) => [dy, x] },
  { kernelName: "LeakyRelu", op: "LeakyReluGrad", inputs: (dy, x) => [dy, x], attributes: (kernels, attrs) => [kernels.number("alpha", attrs.alpha as number)] },
  // These two save their output y: TanhGrad and SigmoidGrad take (y, dy).
  { kernelName: "Tanh", op: "TanhGrad", inputs: (dy, y) => [y, dy] },
  { kernelName: "Sigmoid", op: "SigmoidGrad", inputs: (dy, y) => [y, dy] },
];

let registered = false;

/** Registers the fused gradients once (importing the library does it); tfjs's own ones serve the other backends. */
export function registerFusedGradients(): void {
  if (registered) return;
  registered = true;
  for (const fused of FUSED) {
    const original = tf.getGradient(fused.kernelName);
    if (!original) continue;
    tf.registerGradient({
      ...original,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: Saved, attrs: tf.NamedAttrMap) => {
        const kernels = tensorflowKernels();
        const upstream = dy as tf.Tensor;
        if (!kernels || upstream.dtype !== "float32") return original.gradFunc(dy, saved, attrs);
        const attributes = [kernels.float32("T"), ...(fused.attributes?.(kernels, attrs) ?? [])];
        return { x: () => kernels.run(fused.op, attributes, fused.inputs(upstream, saved[0]), 1)[0] };
      },
    });
  }
}
registerFusedGradients();
