// npm run reproduce -- <figure>: reruns a published figure and prints what we got as JSON.
import * as path from "node:path";
import { CLASSIFIER_FLAGS, DEFAULT_CLASSIFIER_SETTINGS, reproduceClassifier } from "./reproduce/classifier";
import { DEFAULT_HINTON_AE_SETTINGS, HINTON_AE_FLAGS, reproduceHintonAe } from "./reproduce/hinton-ae";
import { DEFAULT_GAN_SETTINGS, GAN_CHOICES, GAN_FLAGS, reproduceGan } from "./reproduce/gan";
import { reproducePca } from "./reproduce/pca";
import { DEFAULT_RING_SETTINGS, reproduceRing, RING_FLAGS } from "./reproduce/ring";
import { DEFAULT_TRUNCATION_SETTINGS, reproduceTruncation, TRUNCATION_FLAGS } from "./reproduce/truncation";
import { DEFAULT_VAE_SETTINGS, reproduceVae, VAE_FLAGS } from "./reproduce/vae";
import { FlagError, settingsFromFlags } from "./reproduce/command-line";

const figures: Record<string, () => Promise<unknown>> = {
  pca: () => reproducePca(),
  // Trains for a long time (100 epochs by default): the weights, settings and figures go to build/hinton-ae-<code size>/.
  "hinton-ae": () => {
    const settings = settingsFromFlags(DEFAULT_HINTON_AE_SETTINGS, HINTON_AE_FLAGS, { activation: ["elu", "relu", "sigmoid", "tanh"] });
    return reproduceHintonAe(settings, path.join(__dirname, "..", "build", `hinton-ae-${settings.codeSize}`));
  },
  // Trains for about 70 min (200 epochs), then estimates log p(x) with k = 5000 (about 27 min): build/vae-<latent size>/.
  vae: () => {
    const settings = settingsFromFlags(DEFAULT_VAE_SETTINGS, VAE_FLAGS);
    return reproduceVae(settings, path.join(__dirname, "..", "build", `vae-${settings.latentSize}`));
  },
  // The MNIST classifier of notebook 05's sample-quality measures (8 epochs by default): build/mnist-classifier/, to be copied to datasets/.
  classifier: () => reproduceClassifier(settingsFromFlags(DEFAULT_CLASSIFIER_SETTINGS, CLASSIFIER_FLAGS), path.join(__dirname, "..", "build", "mnist-classifier")),
  // Notebook 05's DCGAN and conditional GAN (10 epochs each by default; --models clustered for the cluster-conditioned DCGAN), measured with the classifier: build/gan/, to be copied to datasets/gan/.
  gan: () => reproduceGan(settingsFromFlags(DEFAULT_GAN_SETTINGS, GAN_FLAGS, GAN_CHOICES), path.join(__dirname, "..", "build", "gan")),
  // The shipped DCGAN sampled from the least steep z (Jacobian-based truncation), 4 shares × 3 seeds, 6–8 min on one core: build/gan/truncation/, to be copied to datasets/gan/truncation/.
  truncation: () => reproduceTruncation(settingsFromFlags(DEFAULT_TRUNCATION_SETTINGS, TRUNCATION_FLAGS), path.join(__dirname, "..", "build", "gan", "truncation")),
  // Notebook 05's mode collapse on the ring and its remedy, three variants × three seeds: build/gan/ring/, to be copied to datasets/gan/ring/.
  ring: () => reproduceRing(settingsFromFlags(DEFAULT_RING_SETTINGS, RING_FLAGS), path.join(__dirname, "..", "build", "gan", "ring")),
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const run = name ? figures[name] : undefined;
  if (!run) {
    console.log(`usage: npm run reproduce -- <figure>, with <figure> one of: ${Object.keys(figures).join(", ")}`);
    process.exitCode = name ? 1 : 0;
    return;
  }
  try {
    console.log(JSON.stringify(await run(), null, 2));
  } catch (error) {
    // A wrong flag gets its message alone; any other error keeps its stack, which a crash an hour into a run needs.
    if (!(error instanceof FlagError)) throw error;
    console.error(`npm run reproduce -- ${name}: ${error.message}`);
    process.exitCode = 2;
  }
}

void main();
