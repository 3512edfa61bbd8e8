// Jacobian-based truncation of the shipped DCGAN (Tanielian et al. 2020, "Learning disconnected manifolds: a no GAN's
// land"; lib/src/training/jacobian-truncation.ts): the classifier's figures of 10,000 samples drawn from the least steep
// share of z, at several shares and several sample seeds, against the real-vs-real baseline of datasets/gan. It trains
// nothing: it measures how much of what the DCGAN misses comes from the samples between two digits. Writes
// build/gan/truncation/result.json; the course ships it as datasets/gan/truncation/.
import * as fs from "node:fs";
import * as path from "node:path";
import { DATASETS_DIRECTORY, featureStatistics, jacobianTruncatedSamples, loadSavedClassifier, loadSavedGenerator, mnistTensors, sampleQuality, tf } from "../../lib/src";
import { mean } from "../bench/measure";
import { FlagError, reproduceCommand, rounded, startReproduction, type RunLimits, writeResult } from "./command-line";
import { checkSampleCount, GAN_TARGETS, qualityFigures } from "./gan";

export interface TruncationSettings {
  /** The shares of z kept, in percent: 100 is the generator as it is. */
  keepPercent: number[];
  /** Random directions per z in the estimate of ‖∂G/∂z‖²_F. */
  directions: number;
  samples: number;
  /** The sample seeds: each share is measured once per seed. */
  seeds: number[];
}

export const DEFAULT_TRUNCATION_SETTINGS: TruncationSettings = { keepPercent: [100, 90, 75, 60], directions: 4, samples: 10_000, seeds: [1, 2, 3] };

export const TRUNCATION_FLAGS: Record<keyof TruncationSettings, string> = { keepPercent: "keep-percent", directions: "directions", samples: "samples", seeds: "seeds" };

export async function reproduceTruncation(settings: TruncationSettings, outDir: string, limits: RunLimits = {}) {
  if (settings.keepPercent.some((percent) => percent > 100)) throw new FlagError(`--keep-percent takes shares of z from 1 to 100, e.g. 100,90,75; got ${settings.keepPercent.join(",")}`);
  checkSampleCount(settings.samples);
  const { backend, started } = await startReproduction(settings, TRUNCATION_FLAGS, ["directions", "samples"]);
  const { model: classifier } = await loadSavedClassifier();
  const { generator, result: trained } = await loadSavedGenerator("dcgan");
  const test = mnistTensors("test", { limit: limits.testLimit });
  const baselines = JSON.parse(fs.readFileSync(path.join(DATASETS_DIRECTORY, "gan", "baselines.json"), "utf8")) as { frechetBaseline: number };
  try {
    const reference = featureStatistics(classifier, test.x);
    const shares = settings.keepPercent.map((keepPercent) => {
      const runs = settings.seeds.map((seed) => {
        const runStarted = performance.now();
        const { kept, rejected, drawn } = jacobianTruncatedSamples(generator, settings.samples, { keep: keepPercent / 100, seed, directions: settings.directions });
        try {
          const figures = qualityFigures(sampleQuality(classifier, kept, reference), baselines.frechetBaseline);
          const seconds = rounded((performance.now() - runStarted) / 1000, 1);
          console.error(`keep ${keepPercent} % of ${drawn.toLocaleString("en")} z, seed ${seed}: Fréchet ${figures.frechetDistance} (${figures.overBaseline}× baseline), IS ${figures.inceptionScore}, unsure ${figures.unsure}; ${seconds} s`);
          return { seed, drawn, ...figures, seconds };
        } finally {
          tf.dispose([kept, rejected]);
        }
      });
      const frechetDistance = rounded(mean(runs.map((r) => r.frechetDistance!)))!;
      const inceptionScore = rounded(mean(runs.map((r) => r.inceptionScore!)), 3)!;
      return {
        keepPercent,
        mean: {
          frechetDistance, inceptionScore, unsure: rounded(mean(runs.map((r) => r.unsure!)), 4),
          reachedTargets: inceptionScore >= GAN_TARGETS.inceptionScore && frechetDistance <= GAN_TARGETS.frechetDistanceOverBaseline * baselines.frechetBaseline,
        },
        runs,
      };
    });
    const result = {
      figure: "Jacobian-based truncation of the shipped DCGAN (Tanielian et al. 2020): samples from the share of z where ‖∂G/∂z‖ is lowest",
      command: reproduceCommand("truncation", settings, DEFAULT_TRUNCATION_SETTINGS, TRUNCATION_FLAGS),
      settings,
      generator: { directory: "datasets/gan/dcgan", command: trained.command, resumed: trained.resumed, epochsRun: trained.epochsRun, reproduced: trained.reproduced },
      evaluation: `${settings.samples.toLocaleString("en")} samples per share and seed, measured like npm run reproduce -- gan (the Fréchet distance to the test images' features, over the real-vs-real baseline ${baselines.frechetBaseline.toFixed(2)} of datasets/gan/baselines.json)`,
      targets: { inceptionScore: GAN_TARGETS.inceptionScore, frechetDistance: `≤ ${GAN_TARGETS.frechetDistanceOverBaseline} × ${baselines.frechetBaseline.toFixed(2)}` },
      shares,
      backend,
      started: started.toISOString(),
      totalSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    };
    return writeResult(outDir, result);
  } finally {
    tf.dispose([test.x, test.y]);
    classifier.dispose();
    generator.dispose();
  }
}
