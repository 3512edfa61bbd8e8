// TensorFlow's own kernels, called by name through tfjs-node's backend (its public executeMultipleOutputs, which its
// kernels use too). tfjs builds some operations from many small ops, each a call into the C library; TensorFlow has
// fused kernels for them (Adam's update, batch norm in training and its gradient). The outputs are ordinary tfjs
// tensors, tracked and freed like any other; a resource handle comes back as a string tensor (tfjs-node's convention).
import * as tf from "@tensorflow/tfjs";

/**
 * The tfjs flag that lets the library use TensorFlow's kernels (default on; COURSE_FUSED_KERNELS=0 in the environment
 * turns it off). Off, every backend runs tfjs's own ops: `tf.env().set(FUSED_KERNELS_FLAG, false)` compares the two.
 * It is read when an optimizer is made and on every pass.
 */
export const FUSED_KERNELS_FLAG = "COURSE_FUSED_KERNELS";
const environment = tf.env() as unknown as { flagRegistry: Record<string, unknown> };
if (!(FUSED_KERNELS_FLAG in environment.flagRegistry)) tf.env().registerFlag(FUSED_KERNELS_FLAG, () => process.env.COURSE_FUSED_KERNELS !== "0");

/** tfjs-node's kernel backend, as far as it is used here. */
interface NodeBackend {
  binding: {
    TF_ATTR_TYPE: number; TF_ATTR_SHAPE: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number; TF_ATTR_FLOAT: number; TF_FLOAT: number;
  };
  executeMultipleOutputs(name: string, attributes: KernelAttribute[], inputs: tf.Tensor[], outputs: number): tf.Tensor[];
}

export interface KernelAttribute {
  name: string;
  type: number;
  value: unknown;
}

export interface TensorflowKernels {
  /** Runs the TensorFlow op `name` on `inputs`; returns its `outputs` outputs. */
  run(name: string, attributes: KernelAttribute[], inputs: tf.Tensor[], outputs: number): tf.Tensor[];
  /** The attribute `name` = float32 (an op's T, U or dtype). */
  float32(name: string): KernelAttribute;
  number(name: string, value: number): KernelAttribute;
  bool(name: string, value: boolean): KernelAttribute;
  string(name: string, value: string): KernelAttribute;
  shape(name: string, value: readonly number[]): KernelAttribute;
}

/**
 * TensorFlow's kernels when the active backend is tfjs-node's ("tensorflow", also with tfjs-node-gpu) and the flag is
 * on; undefined otherwise.
 */
export function tensorflowKernels(): TensorflowKernels | undefined {
  if (tf.getBackend() !== "tensorflow" || !tf.env().getBool(FUSED_KERNELS_FLAG)) return undefined;
  const backend = tf.backend() as unknown as Partial<NodeBackend>;
  if (typeof backend.executeMultipleOutputs !== "function" || !backend.binding) return undefined;
  const { binding } = backend as NodeBackend;
  return {
    run: (name, attributes, inputs, outputs) => (backend as NodeBackend).executeMultipleOutputs(name, attributes, inputs, outputs),
    float32: (name) => ({ name, type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT }),
    number: (name, value) => ({ name, type: binding.TF_ATTR_FLOAT, value }),
    bool: (name, value) => ({ name, type: binding.TF_ATTR_BOOL, value }),
    string: (name, value) => ({ name, type: binding.TF_ATTR_STRING, value }),
    shape: (name, value) => ({ name, type: binding.TF_ATTR_SHAPE, value }),
  };
}
