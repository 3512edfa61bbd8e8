// npm run reproduce -- <figure>: reruns a published figure and prints what we got as JSON.
import * as path from "node:path";
import { DEFAULT_CLASSIFIER_SETTINGS, reproduceClassifier } from "./reproduce/classifier";
import { DEFAULT_HINTON_AE_SETTINGS, reproduceHintonAe } from "./reproduce/hinton-ae";
import { reproducePca } from "./reproduce/pca";
import { DEFAULT_VAE_SETTINGS, reproduceVae } from "./reproduce/vae";
import { numericOption, sizesOption, textOption } from "./reproduce/command-line";

const figures: Record<string, () => Promise<unknown>> = {
  pca: () => reproducePca(),
  // Trains for a long time (100 epochs by default): the weights, settings and figures go to build/hinton-ae-<code size>/.
  "hinton-ae": () => {
    const defaults = DEFAULT_HINTON_AE_SETTINGS;
    const activation = textOption("activation", defaults.activation, ["elu", "relu", "sigmoid", "tanh"] as const);
    const settings = {
      epochs: numericOption("epochs", defaults.epochs),
      batchSize: numericOption("batch-size", defaults.batchSize),
      learningRate: numericOption("learning-rate", defaults.learningRate),
      finalLearningRate: numericOption("final-learning-rate", defaults.finalLearningRate),
      activation,
      codeSize: numericOption("code-size", defaults.codeSize),
      seed: numericOption("seed", defaults.seed),
    };
    return reproduceHintonAe(settings, path.join(__dirname, "..", "build", `hinton-ae-${settings.codeSize}`));
  },
  // Trains for about 3.3 h (500 epochs), then estimates log p(x) with k = 5000 (about 27 min): build/vae-<latent size>/.
  vae: () => {
    const defaults = DEFAULT_VAE_SETTINGS;
    const settings = {
      epochs: numericOption("epochs", defaults.epochs),
      batchSize: numericOption("batch-size", defaults.batchSize),
      learningRate: numericOption("learning-rate", defaults.learningRate),
      finalLearningRate: numericOption("final-learning-rate", defaults.finalLearningRate),
      latentSize: numericOption("latent", defaults.latentSize),
      hiddenSizes: sizesOption("hidden", defaults.hiddenSizes),
      k: numericOption("k", defaults.k),
      elboSamples: numericOption("elbo-samples", defaults.elboSamples),
      seed: numericOption("seed", defaults.seed),
    };
    return reproduceVae(settings, path.join(__dirname, "..", "build", `vae-${settings.latentSize}`));
  },
  // The MNIST classifier of notebook 05's sample-quality measures (8 epochs by default): build/mnist-classifier/, to be copied to datasets/.
  classifier: () => {
    const defaults = DEFAULT_CLASSIFIER_SETTINGS;
    const settings = {
      epochs: numericOption("epochs", defaults.epochs),
      batchSize: numericOption("batch-size", defaults.batchSize),
      learningRate: numericOption("learning-rate", defaults.learningRate),
      finalLearningRate: numericOption("final-learning-rate", defaults.finalLearningRate),
      seed: numericOption("seed", defaults.seed),
    };
    return reproduceClassifier(settings, path.join(__dirname, "..", "build", "mnist-classifier"));
  },
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const run = name ? figures[name] : undefined;
  if (!run) {
    console.log(`usage: npm run reproduce -- <figure>, with <figure> one of: ${Object.keys(figures).join(", ")}`);
    process.exitCode = name ? 1 : 0;
    return;
  }
  console.log(JSON.stringify(await run(), null, 2));
}

void main();
