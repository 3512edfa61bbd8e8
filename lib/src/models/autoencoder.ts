// Fully connected autoencoders: Hinton & Salakhutdinov's 784-1000-500-250-30 (Science 2006) and variants.
// Logistic hidden units, a linear code layer, and a decoder that mirrors the encoder and outputs
// logits (apply a sigmoid for pixels; train with binaryCrossEntropyFromLogits).
import * as tf from "@tensorflow/tfjs";
import { denseStack, type HiddenActivation } from "./dense";

export const HINTON_HIDDEN_SIZES = [1000, 500, 250] as const;

export interface DenseAutoencoderOptions {
  inputSize?: number;
  hiddenSizes?: readonly number[];
  codeSize?: number;
  /** Of the hidden layers (default sigmoid, as in the paper). */
  activation?: HiddenActivation;
  /** Of the code layer (default linear, as in the paper; sigmoid for a sparse autoencoder's KL penalty). */
  codeActivation?: "linear" | "sigmoid";
  seed?: number;
}

export interface Autoencoder {
  encoder: tf.Sequential;
  decoder: tf.Sequential;
}

function resolved(options: DenseAutoencoderOptions) {
  return {
    inputSize: options.inputSize ?? 784,
    hidden: [...(options.hiddenSizes ?? HINTON_HIDDEN_SIZES)],
    codeSize: options.codeSize ?? 30,
    activation: options.activation ?? "sigmoid",
    seed: options.seed ?? 1,
  };
}

/** x → code: the hidden layers, then the code layer (linear unless codeActivation says otherwise). */
export function denseEncoder(options: DenseAutoencoderOptions = {}): tf.Sequential {
  const { inputSize, hidden, codeSize, activation, seed } = resolved(options);
  return denseStack("encoder", inputSize, [...hidden, codeSize], activation, options.codeActivation ?? "linear", seed);
}

/** code → logits: the encoder's hidden layers in reverse, then a linear output layer. */
export function denseDecoder(options: DenseAutoencoderOptions = {}): tf.Sequential {
  const { inputSize, hidden, codeSize, activation, seed } = resolved(options);
  return denseStack("decoder", codeSize, [...hidden.reverse(), inputSize], activation, "linear", seed + 100);
}

/** Encoder x → code (linear code units) and decoder code → logits, mirrored. */
export function denseAutoencoder(options: DenseAutoencoderOptions = {}): Autoencoder {
  return { encoder: denseEncoder(options), decoder: denseDecoder(options) };
}

export function countParameters(...models: tf.LayersModel[]): number {
  return models.reduce((sum, model) => sum + model.countParams(), 0);
}
