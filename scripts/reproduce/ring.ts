// Mode collapse on the ring of 8 Gaussians (notebook 05), and a remedy, over several seeds. The "Helvetica scenario" of
// Goodfellow's tutorial: trained too much against a discriminator that stands still, the generator maps many z to the
// point D likes best. Three variants, each from the same seeds:
//   balanced:          one G update per D update (the notebook's run);
//   G ahead:           `--generator-steps` G updates per D update (5 by default), which collapses;
//   G ahead, D sees spread: the same, with the minibatch standard deviation appended to D's features
//                      (Karras et al. 2018; models/minibatch-stddev.ts), so that D can tell a narrow batch of fakes.
// Coverage (Metz et al. 2017; Srivastava et al. 2017): a sample is high quality within 3 standard deviations of a centre;
// a mode is covered when at least 1% of the samples are high-quality samples of it. Measured on 2,000 samples after
// every epoch. Writes build/gan/ring/result.json; the course ships it as datasets/gan/ring/, which the notebook shows.
import { mlpDiscriminator, mlpGenerator, ringCoverage, ringOfGaussians, trainGan } from "../../lib/src";
import { reproduceCommand, rounded, startReproduction, type RunLimits, writeResult } from "./command-line";

export interface RingSettings {
  /** Epochs of `points` / `batchSize` steps; coverage is measured after each. */
  epochs: number;
  points: number;
  batchSize: number;
  learningRate: number;
  /** The G updates per D update of the two variants with G ahead. */
  generatorSteps: number;
  hidden: number[];
  seeds: number[];
  samples: number;
}

export const DEFAULT_RING_SETTINGS: RingSettings = { epochs: 10, points: 51_200, batchSize: 256, learningRate: 1e-3, generatorSteps: 5, hidden: [64, 64], seeds: [1, 2, 3], samples: 2000 };

export const RING_FLAGS: Record<keyof RingSettings, string> = {
  epochs: "epochs", points: "points", batchSize: "batch-size", learningRate: "learning-rate", generatorSteps: "generator-steps", hidden: "hidden", seeds: "seeds", samples: "samples",
};

export const RING_VARIANTS = [
  { name: "balanced", describe: () => "one G update per D update", aheadOfD: false, minibatchStddev: false },
  { name: "G ahead", describe: (steps: number) => `${steps} G updates per D update`, aheadOfD: true, minibatchStddev: false },
  { name: "G ahead, D sees spread", describe: (steps: number) => `${steps} G updates per D update, with the minibatch standard deviation in D`, aheadOfD: true, minibatchStddev: true },
] as const;

const PICTURED_SAMPLES = 500;

interface RingRun {
  variant: (typeof RING_VARIANTS)[number]["name"];
  seed: number;
  /** At the end of training. */
  covered: number;
  highQuality: number;
  perEpoch: { epoch: number; covered: number; highQuality: number }[];
  liveTensors: number[];
  seconds: number | undefined;
  /** The first seed's runs: PICTURED_SAMPLES samples after the last epoch, row-major [x0, y0, x1, y1, …]. */
  samples?: number[];
}

export async function reproduceRing(settings: RingSettings, outDir: string, limits: RunLimits = {}) {
  const { backend, started } = await startReproduction(settings, RING_FLAGS, ["epochs", "points", "batchSize", "generatorSteps", "samples"]);
  const ring = ringOfGaussians(settings.points, { seed: 1 });
  const rows = Float32Array.from(ring.points.flat());
  const runs: RingRun[] = [];
  for (const variant of RING_VARIANTS) {
    for (const seed of settings.seeds) {
      const generator = mlpGenerator({ latentSize: 2, outputSize: 2, hiddenSizes: settings.hidden, seed });
      const discriminator = mlpDiscriminator({ inputSize: 2, hiddenSizes: settings.hidden, seed, minibatchStddev: variant.minibatchStddev });
      const perEpoch: { epoch: number; covered: number; highQuality: number }[] = [];
      let pictured: number[] | undefined;
      const runStarted = performance.now();
      try {
        const { history } = await trainGan({
          generator, discriminator, images: rows, epochs: settings.epochs, batchSize: settings.batchSize, latentSize: 2, learningRate: settings.learningRate,
          generatorSteps: variant.aheadOfD ? settings.generatorSteps : 1, seed: seed + 1, label: `ring, ${variant.name}, seed ${seed}`, progress: limits.progress,
          afterEpoch: (epoch) => {
            const coverage = ringCoverage(generator, settings.samples, 5);
            // The first seed's last samples, for the notebook's picture of each variant.
            if (seed === settings.seeds[0] && epoch === settings.epochs - 1) pictured = Array.from(coverage.samples.subarray(0, 2 * PICTURED_SAMPLES), (v) => Math.round(v * 1000) / 1000);
            perEpoch.push({ epoch: epoch + 1, covered: coverage.covered, highQuality: rounded(coverage.highQuality, 3)! });
          },
        });
        const last = perEpoch[perEpoch.length - 1];
        console.error(`${variant.name}, seed ${seed}: ${perEpoch.map((e) => e.covered).join(" ")} modes after each epoch; ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
        runs.push({ variant: variant.name, seed, covered: last.covered, highQuality: last.highQuality, perEpoch, liveTensors: history.epochs.map((e) => e.liveTensors), seconds: rounded(history.seconds, 1), ...(pictured && { samples: pictured }) });
      } finally {
        generator.dispose();
        discriminator.dispose();
      }
    }
  }
  const summary = RING_VARIANTS.map((variant) => {
    const mine = runs.filter((run) => run.variant === variant.name);
    return { variant: variant.name, description: variant.describe(settings.generatorSteps), coveredAtTheEnd: mine.map((run) => run.covered), meanCovered: rounded(mine.reduce((sum, run) => sum + run.covered, 0) / mine.length, 2) };
  });
  const result = {
    figure: "mode collapse on the ring of 8 Gaussians: modes covered at the end of training, by variant and seed",
    command: reproduceCommand("ring", settings, DEFAULT_RING_SETTINGS, RING_FLAGS),
    settings,
    stepsPerEpoch: Math.floor(settings.points / settings.batchSize),
    coverage: "a sample is high quality within 3 standard deviations (0.06) of a centre; a mode is covered when at least 1% of the samples are high-quality samples of it",
    summary,
    runs,
    backend,
    started: started.toISOString(),
    totalSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  };
  return writeResult(outDir, result);
}
