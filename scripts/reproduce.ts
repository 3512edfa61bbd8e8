// npm run reproduce -- <figure>: reruns a published figure and prints what we got as JSON.
import * as path from "node:path";
import { DEFAULT_HINTON_AE_SETTINGS, reproduceHintonAe } from "./reproduce/hinton-ae";
import { reproducePca } from "./reproduce/pca";

/** `--epochs 30` style overrides of numeric settings. */
function numericOption(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number, got ${process.argv[index + 1]}`);
  return value;
}

/** `--activation elu` style choices among fixed words. */
function textOption<T extends string>(name: string, fallback: T, choices: readonly T[]): T {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = process.argv[index + 1] as T;
  if (!choices.includes(value)) throw new Error(`--${name} must be one of ${choices.join(", ")}, got ${value}`);
  return value;
}

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
