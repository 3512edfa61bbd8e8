// The one builder of fully connected networks the course's models share: dense layers with one
// activation for the hidden ones and another for the last, seeded Glorot initialisation, named
// `<name>_<index>_<units>` so that saved models read clearly.
import * as tf from "@tensorflow/tfjs";

export type HiddenActivation = "sigmoid" | "relu" | "tanh" | "elu" | "softplus";

/** inputSize → sizes[0] → … → sizes[last]; the hidden layers use `activation`, the last `lastActivation`. */
export function denseStack(name: string, inputSize: number, sizes: readonly number[], activation: HiddenActivation, lastActivation: "linear" | "sigmoid", seed: number): tf.Sequential {
  const model = tf.sequential({ name });
  sizes.forEach((units, i) => {
    if (!Number.isInteger(units) || units < 1) throw new Error(`${name}: layer sizes must be whole numbers ≥ 1, got ${units}`);
    model.add(
      tf.layers.dense({
        units,
        activation: i === sizes.length - 1 ? lastActivation : activation,
        inputShape: i === 0 ? [inputSize] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        name: `${name}_${i + 1}_${units}`,
      }),
    );
  });
  return model;
}
