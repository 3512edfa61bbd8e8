// The fully connected variational autoencoder: an encoder x → [μ, log σ²] (one linear layer of 2p units,
// split in halves, so that the saved model is a plain Sequential) and a decoder z → the parameters of
// p(x|z): Bernoulli logits (d units) or a Gaussian's [μ, log σ²] (2d units).
// Default 784-500-500-p tanh (see VAE_HIDDEN_SIZES); Burda et al. used 784-200-200-50 tanh, Kingma & Welling 784-500-p.
import * as tf from "@tensorflow/tfjs";
import { denseStack, type HiddenActivation } from "./dense";
import { bernoulliLogLikelihood, gaussianLogLikelihood, type ConditionalLogLikelihood, type DiagGaussian } from "../math/elbo";

/**
 * Two hidden layers of 500 tanh units per network: Kingma & Welling's width with Burda et al.'s depth. Measured on
 * the 2-core machine (tfjs-node), from scratch on MNIST for about 200 s: test ELBO −102.8 for 500-500 with batches of
 * 250, −105.2 for 500-500 with batches of 100, −106.0 for Burda's 200-200 with batches of 100. A step's cost is
 * mostly per-operation overhead, so the narrower network is not much faster and learns less per epoch.
 */
export const VAE_HIDDEN_SIZES = [500, 500] as const;

export type VaeLikelihood = "bernoulli" | "gaussian";

export interface VaeOptions {
  inputSize?: number;
  /** Of the encoder; the decoder mirrors them (default VAE_HIDDEN_SIZES). */
  hiddenSizes?: readonly number[];
  /** p, the dimension of z (default 50). */
  latentSize?: number;
  activation?: HiddenActivation;
  /** p(x|z): a multivariate Bernoulli (decoder outputs d logits, default) or a diagonal Gaussian (d means, then d log-variances). */
  likelihood?: VaeLikelihood;
  /**
   * Initial biases of the decoder's output logits, e.g. pixelLogitBias(train images): the decoder then starts
   * at the mean image instead of at 0.5 everywhere (Burda et al. do this). Bernoulli only.
   */
  outputBias?: Float32Array;
  seed?: number;
}

export interface Vae {
  /** x → [μ, log σ²] ([n, 2p]); encodePosterior splits it. */
  encoder: tf.Sequential;
  /** z → logits [n, d] (Bernoulli) or [μ, log σ²] [n, 2d] (Gaussian). */
  decoder: tf.Sequential;
  latentSize: number;
  likelihood: VaeLikelihood;
}

function resolved(options: VaeOptions) {
  return {
    inputSize: options.inputSize ?? 784,
    hidden: [...(options.hiddenSizes ?? VAE_HIDDEN_SIZES)],
    latentSize: options.latentSize ?? 50,
    activation: options.activation ?? "tanh",
    likelihood: options.likelihood ?? "bernoulli",
    seed: options.seed ?? 1,
  };
}

/** x → [μ, log σ²]: the hidden layers, then one linear layer of 2p units (μ first). */
export function vaeEncoder(options: VaeOptions = {}): tf.Sequential {
  const { inputSize, hidden, latentSize, activation, seed } = resolved(options);
  return denseStack("vae_encoder", inputSize, [...hidden, 2 * latentSize], activation, "linear", seed);
}

/** z → logits (Bernoulli) or [μ, log σ²] (Gaussian): the encoder's hidden sizes in reverse, then a linear layer. */
export function vaeDecoder(options: VaeOptions = {}): tf.Sequential {
  const { inputSize, hidden, latentSize, activation, likelihood, seed } = resolved(options);
  const decoder = denseStack("vae_decoder", latentSize, [...hidden.reverse(), likelihood === "gaussian" ? 2 * inputSize : inputSize], activation, "linear", seed + 100);
  if (options.outputBias) {
    if (likelihood !== "bernoulli") throw new Error("vaeDecoder: outputBias sets the logits of a Bernoulli decoder; leave it out for a Gaussian one");
    if (options.outputBias.length !== inputSize) throw new Error(`vaeDecoder: outputBias has ${options.outputBias.length} values, the output has ${inputSize} units`);
    const last = decoder.layers[decoder.layers.length - 1];
    // getWeights returns the variables' own tensors: they must not be disposed here.
    tf.tidy(() => last.setWeights([last.getWeights()[0], tf.tensor1d(options.outputBias!)]));
  }
  return decoder;
}

/** An encoder and a decoder with the same options. */
export function mlpVae(options: VaeOptions = {}): Vae {
  const { latentSize, likelihood } = resolved(options);
  return { encoder: vaeEncoder(options), decoder: vaeDecoder(options), latentSize, likelihood };
}

/** log(m / (1 − m)) of each column's mean m, clipped to [0.001, 0.999]: the logits of the mean image. */
export function pixelLogitBias(images: Float32Array, features = 784): Float32Array {
  const rows = images.length / features;
  if (!Number.isInteger(rows) || rows === 0) throw new Error(`pixelLogitBias: ${images.length} values are not a whole, non-zero number of rows of ${features}`);
  const mean = new Float64Array(features);
  for (let i = 0; i < images.length; i++) mean[i % features] += images[i];
  return Float32Array.from(mean, (sum) => {
    const m = Math.min(0.999, Math.max(0.001, sum / rows));
    return Math.log(m / (1 - m));
  });
}

/** Splits the encoder's [n, 2p] output into μ and log σ² ([n, p] each). */
export function encodePosterior(encoder: tf.LayersModel, x: tf.Tensor2D, training = false): DiagGaussian {
  return tf.tidy(() => {
    const out = encoder.apply(x, { training }) as tf.Tensor2D;
    if (out.rank !== 2 || out.shape[1] % 2 !== 0) throw new Error(`encodePosterior: the encoder must output [n, 2p] (μ then log σ²), got [${out.shape.join(", ")}]`);
    const [mu, logVar] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mu, logVar };
  });
}

/** log p(x|z) through the decoder, per row, for elbo() and importanceWeightedLogLikelihood(). */
export function decoderLogLikelihood(decoder: tf.LayersModel, likelihood: VaeLikelihood = "bernoulli", training = false): ConditionalLogLikelihood {
  return (x, z) =>
    tf.tidy(() => {
      const out = decoder.apply(z, { training }) as tf.Tensor2D;
      if (likelihood === "bernoulli") return bernoulliLogLikelihood(x, out);
      if (out.shape[1] !== 2 * x.shape[1]) throw new Error(`decoderLogLikelihood: a Gaussian decoder outputs [μ, log σ²] of 2 × ${x.shape[1]} columns, got ${out.shape[1]}`);
      const [mu, logVar] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      return gaussianLogLikelihood(x, mu, logVar);
    });
}

/**
 * `count` images from the model: z ~ N(0, I), then the decoder's mean of p(x|z) (σ(logits) for a
 * Bernoulli decoder, μ for a Gaussian one), as [count, d]. The usual way to show a VAE's samples.
 */
export function sampleVae(decoder: tf.LayersModel, count: number, options: { seed?: number; likelihood?: VaeLikelihood } = {}): tf.Tensor2D {
  if (!Number.isInteger(count) || count < 1) throw new Error(`sampleVae: count must be a whole number ≥ 1, got ${count}`);
  const latentSize = (decoder.inputs[0].shape[1] ?? NaN) as number;
  return tf.tidy(() => {
    const z = tf.randomNormal([count, latentSize], 0, 1, "float32", options.seed);
    const out = decoder.apply(z) as tf.Tensor2D;
    if ((options.likelihood ?? "bernoulli") === "bernoulli") return tf.sigmoid(out) as tf.Tensor2D;
    return tf.split(out, 2, 1)[0] as tf.Tensor2D;
  });
}

export interface ConvVaeOptions {
  /** p, the dimension of z (default 16). */
  latentSize?: number;
  /** Channels of the two stride-2 convolutions (default [32, 64]); the decoder mirrors them. */
  filters?: [number, number];
  seed?: number;
}

/**
 * A convolutional VAE for 28×28 images given as rows of 784 (Bernoulli decoder): the encoder halves the
 * resolution twice with 3×3 stride-2 convolutions (28 → 14 → 7) before the linear [μ, log σ²] layer; the decoder
 * maps z to 7×7 feature maps and doubles the resolution twice with the transposed convolutions of notebook 03,
 * ending in one channel of logits. Same interface as mlpVae, so trainVae, vaeElbo and sampleVae take it.
 */
export function convVae(options: ConvVaeOptions = {}): Vae {
  const latentSize = options.latentSize ?? 16;
  const [f1, f2] = options.filters ?? [32, 64];
  const seed = options.seed ?? 1;
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const conv = { kernelSize: 3, strides: 2, padding: "same" as const, activation: "relu" as const };
  const encoder = tf.sequential({ name: "conv_vae_encoder" });
  encoder.add(tf.layers.reshape({ targetShape: [28, 28, 1], inputShape: [784] }));
  encoder.add(tf.layers.conv2d({ ...conv, filters: f1, kernelInitializer: init(0) }));
  encoder.add(tf.layers.conv2d({ ...conv, filters: f2, kernelInitializer: init(1) }));
  encoder.add(tf.layers.flatten());
  encoder.add(tf.layers.dense({ units: 2 * latentSize, kernelInitializer: init(2) }));
  const decoder = tf.sequential({ name: "conv_vae_decoder" });
  decoder.add(tf.layers.dense({ units: 7 * 7 * f2, activation: "relu", inputShape: [latentSize], kernelInitializer: init(100) }));
  decoder.add(tf.layers.reshape({ targetShape: [7, 7, f2] }));
  decoder.add(tf.layers.conv2dTranspose({ ...conv, filters: f1, kernelInitializer: init(101) }));
  decoder.add(tf.layers.conv2dTranspose({ ...conv, filters: 1, activation: "linear", kernelInitializer: init(102) }));
  decoder.add(tf.layers.flatten());
  return { encoder, decoder, latentSize, likelihood: "bernoulli" };
}
