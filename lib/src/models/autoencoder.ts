// Fully connected autoencoders: Hinton & Salakhutdinov's 784-1000-500-250-30 (Science 2006) and variants.
// Logistic hidden units, a linear code layer, and a decoder that mirrors the encoder and outputs
// logits (apply a sigmoid for pixels; train with binaryCrossEntropyFromLogits).
import * as tf from "@tensorflow/tfjs";

export const HINTON_HIDDEN_SIZES = [1000, 500, 250] as const;

export interface DenseAutoencoderOptions {
  inputSize?: number;
  hiddenSizes?: readonly number[];
  codeSize?: number;
  /** Of the hidden layers (default sigmoid, as in the paper). */
  activation?: "sigmoid" | "relu" | "tanh" | "elu";
  seed?: number;
}

export interface Autoencoder {
  encoder: tf.Sequential;
  decoder: tf.Sequential;
}

function denseStack(name: string, inputSize: number, sizes: number[], activation: DenseAutoencoderOptions["activation"], seed: number): tf.Sequential {
  const model = tf.sequential({ name });
  sizes.forEach((units, i) => {
    const last = i === sizes.length - 1;
    model.add(
      tf.layers.dense({
        units,
        activation: last ? "linear" : activation,
        inputShape: i === 0 ? [inputSize] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        name: `${name}_${i + 1}_${units}`,
      }),
    );
  });
  return model;
}

/** Encoder x → code (linear code units) and decoder code → logits, mirrored. */
export function denseAutoencoder(options: DenseAutoencoderOptions = {}): Autoencoder {
  const inputSize = options.inputSize ?? 784;
  const hidden = [...(options.hiddenSizes ?? HINTON_HIDDEN_SIZES)];
  const codeSize = options.codeSize ?? 30;
  const activation = options.activation ?? "sigmoid";
  const seed = options.seed ?? 1;
  return {
    encoder: denseStack("encoder", inputSize, [...hidden, codeSize], activation, seed),
    decoder: denseStack("decoder", codeSize, [...hidden.reverse(), inputSize], activation, seed + 100),
  };
}

export function countParameters(...models: tf.LayersModel[]): number {
  return models.reduce((sum, model) => sum + model.countParams(), 0);
}
