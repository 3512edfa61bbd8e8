// Adam for the library's trainers. tf.train.adam updates each variable with about 14 element-wise ops (the two moments,
// the bias corrections, the step), each a call into the backend and a pass over memory. On the tensorflow backend
// (tfjs-node, tfjs-node-gpu), `adam` runs TensorFlow's own fused kernel instead, ResourceApplyAdam: one call and one
// pass per variable over the weight and its two moments, kept in TensorFlow resource variables. That cut the update of
// the autoencoder's 2.8 M weights from 60 ms to 8 ms on one core. Elsewhere (wasm, cpu, or FUSED_KERNELS_FLAG off),
// `adam` is tf.train.adam.
//
// The update is tf.train.adam's (and PyTorch's): m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ), w ← w − lr · m̂ / (√v̂ + ε).
// ResourceApplyAdam computes w ← w − lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ) · m / (√v + ε'); with ε' = ε · √(1 − β₂ᵗ) the two
// are the same update, up to float32 rounding in a different order.
import * as tf from "@tensorflow/tfjs";
import { tensorflowKernels, type TensorflowKernels } from "../tensorflow-kernels";

/**
 * Adam with tf.train.adam's defaults (β₁ 0.9, β₂ 0.999, ε 1e-7) and update; fused into one TensorFlow kernel per
 * variable on the tensorflow backend. setLearningRate works on both kinds.
 */
export function adam(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): tf.Optimizer {
  const kernels = tensorflowKernels();
  return kernels ? new FusedAdam(kernels, learningRate, beta1, beta2, epsilon) : tf.train.adam(learningRate, beta1, beta2, epsilon);
}

/** The three TensorFlow resource variables behind one tfjs variable: its value and Adam's two moments. */
interface Slots {
  value: tf.Tensor;
  firstMoment: tf.Tensor;
  secondMoment: tf.Tensor;
  /** The tfjs variable's data when the value was last read back: anything else means it was written from outside. */
  lastWritten: object;
}

/** A tensor with the name of its variable (tfjs-core's type, not exported by @tensorflow/tfjs). */
interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

let resourceCount = 0;

export class FusedAdam extends tf.Optimizer {
  static className = "FusedAdam";
  /** Read on every step (setLearningRate changes it between epochs). */
  learningRate: number;
  private readonly slots = new Map<string, Slots>();
  private steps = 0;

  constructor(private readonly kernels: TensorflowKernels, learningRate: number, readonly beta1: number, readonly beta2: number, readonly epsilon: number) {
    super();
    this.learningRate = learningRate;
  }

  /**
   * A new float32 resource variable holding `initial`. Each has a name of its own: eager TensorFlow shares resources by
   * name. The handle is kept out of any tf.tidy around the step, like tf.train.adam's moments.
   */
  private resource(initial: tf.Tensor): tf.Tensor {
    const { kernels } = this;
    const [handle] = kernels.run("VarHandleOp", [kernels.float32("dtype"), kernels.shape("shape", initial.shape), kernels.string("container", ""), kernels.string("shared_name", `course_adam_${resourceCount++}`)], [], 1);
    tf.keep(handle);
    this.write(handle, initial);
    return handle;
  }

  private write(handle: tf.Tensor, value: tf.Tensor): void {
    this.kernels.run("AssignVariableOp", [this.kernels.float32("dtype")], [handle, value], 0);
  }

  private read(handle: tf.Tensor): tf.Tensor {
    return this.kernels.run("ReadVariableOp", [this.kernels.float32("dtype")], [handle], 1)[0];
  }

  private slotsFor(name: string, variable: tf.Variable): Slots {
    let slots = this.slots.get(name);
    if (!slots) {
      if (variable.dtype !== "float32") throw new Error(`adam: variable ${name} is ${variable.dtype}; the fused update takes float32 variables`);
      const zeros = tf.zerosLike(variable);
      slots = { value: this.resource(variable), firstMoment: this.resource(zeros), secondMoment: this.resource(zeros), lastWritten: variable.dataId };
      zeros.dispose();
      this.slots.set(name, slots);
    } else if (slots.lastWritten !== variable.dataId) {
      // Written from outside since the last step (loaded weights, a student's assign): start from its value.
      this.write(slots.value, variable);
    }
    return slots;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const gradients = Array.isArray(variableGradients) ? variableGradients.map(({ name, tensor }) => [name, tensor] as const) : Object.entries(variableGradients);
    this.steps++;
    const correction2 = Math.sqrt(1 - this.beta2 ** this.steps);
    // beta1_power, beta2_power, lr, beta1, beta2, epsilon: the kernel's scalar inputs, in its order.
    const scalars = [this.beta1 ** this.steps, this.beta2 ** this.steps, this.learningRate, this.beta1, this.beta2, this.epsilon * correction2].map((value) => tf.scalar(value));
    const { kernels } = this;
    const attributes = [kernels.float32("T"), kernels.bool("use_locking", false), kernels.bool("use_nesterov", false)];
    try {
      for (const [name, gradient] of gradients) {
        if (gradient == null) continue;
        const variable = tf.engine().registeredVariables[name];
        if (!variable) throw new Error(`adam: no variable named ${name}`);
        const slots = this.slotsFor(name, variable);
        kernels.run("ResourceApplyAdam", attributes, [slots.value, slots.firstMoment, slots.secondMoment, ...scalars, gradient], 0);
        const updated = this.read(slots.value);
        variable.assign(updated);
        updated.dispose();
        slots.lastWritten = variable.dataId;
      }
    } finally {
      tf.dispose(scalars);
    }
    this.incrementIterations();
  }

  dispose(): void {
    for (const slots of this.slots.values()) {
      for (const handle of [slots.value, slots.firstMoment, slots.secondMoment]) {
        this.kernels.run("DestroyResourceOp", [this.kernels.bool("ignore_lookup_error", true)], [handle], 0);
        handle.dispose();
      }
    }
    this.slots.clear();
    super.dispose();
  }

  /** The step count and both moments of every variable, named `<variable>/m` and `<variable>/v`. */
  async getWeights(): Promise<NamedTensor[]> {
    const moments = [...this.slots.entries()].flatMap(([name, slots]) => [
      { name: `${name}/m`, tensor: this.read(slots.firstMoment) },
      { name: `${name}/v`, tensor: this.read(slots.secondMoment) },
    ]);
    return [{ name: "iter", tensor: tf.scalar(this.steps, "int32") }, ...moments];
  }

  /** Restores what getWeights gave, for variables that exist now. */
  async setWeights(weights: NamedTensor[]): Promise<void> {
    for (const { name, tensor } of weights) {
      if (name === "iter") {
        this.steps = tensor.dataSync()[0];
        continue;
      }
      const cut = name.lastIndexOf("/");
      const variableName = name.slice(0, cut);
      const variable = tf.engine().registeredVariables[variableName];
      if (!variable) throw new Error(`adam.setWeights: no variable named ${variableName} for ${name}`);
      const slots = this.slotsFor(variableName, variable);
      this.write(name.slice(cut + 1) === "m" ? slots.firstMoment : slots.secondMoment, tensor);
    }
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
