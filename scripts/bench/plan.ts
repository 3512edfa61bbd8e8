// What `npm run bench` measures and how much: shared by the parent (scripts/bench.ts), the per-backend child
// (scripts/bench/worker.ts) and, through command-line flags, the PyTorch reference (scripts/bench_pytorch.py).

/** The measurements, in the order of the table's rows. */
export const MEASUREMENT_IDS = ["matmul", "autoencoder", "vae", "dcgan", "cgan", "pca", "kernelStartup", "kernelCell", "peakMemory"] as const;
export type MeasurementId = (typeof MEASUREMENT_IDS)[number];

/** What `--only` selects from (peak memory comes with every backend; the kernel's two figures come together). */
export const SELECTABLE = ["matmul", "autoencoder", "vae", "dcgan", "cgan", "pca", "kernel"] as const;
export type Selectable = (typeof SELECTABLE)[number];

/** The measurements a backend's child process takes (the kernel is measured once, by the parent). */
export const BACKEND_MEASUREMENTS = ["matmul", "autoencoder", "vae", "dcgan", "cgan", "pca"] as const;
export type BackendMeasurementId = (typeof BACKEND_MEASUREMENTS)[number];

export interface StepPlan {
  /** Untimed steps first: the first steps build the gradient graph, Adam's slots and the backend's kernels. */
  warmup: number;
  /** Timed steps at most. */
  steps: number;
  /** The timed steps stop once they have taken this long (and at least minSteps ran): how the slow backends are capped. */
  budgetSeconds: number;
  minSteps: number;
  /**
   * A warm-up step longer than this ends the measurement there: the figure then comes from that one step (warm-up
   * overheads included, small next to such a step). It keeps the cpu backend's convolutional GANs to minutes.
   */
  maxStepSeconds: number;
}

export interface Plan {
  quick: boolean;
  /** n of the n×n float32 matMul. */
  matmulSize: number;
  /** matMul repetitions (one matMul each) follow the same warm-up, count and budget rules as training steps. */
  matmul: StepPlan;
  training: StepPlan;
  batch: { autoencoder: number; vae: number; gan: number };
  /** f of the DCGAN pair (dcganGenerator/dcganDiscriminator's `filters`). */
  ganFilters: number;
  /** Rows of MNIST's training set the PCA is fitted on (all 60,000 unless --quick), and how many fits are timed. */
  pcaRows: number;
  pcaFits: number;
  /** One fit on 1,000 rows first (the eigensolver's cost does not depend on the rows: --quick skips it). */
  pcaWarmup: boolean;
  kernel: { runs: number; cells: number };
}

/** The course's settings (the batch sizes of the reproductions and of trainGan), with enough steps for a stable median. */
export function fullPlan(): Plan {
  return {
    quick: false,
    matmulSize: 1024,
    matmul: { warmup: 3, steps: 30, budgetSeconds: 15, minSteps: 3, maxStepSeconds: 60 },
    training: { warmup: 3, steps: 30, budgetSeconds: 30, minSteps: 3, maxStepSeconds: 60 },
    // The GANs as notebook 05 and `npm run reproduce -- gan` train them: f = 32, batch 128.
    batch: { autoencoder: 256, vae: 250, gan: 128 },
    ganFilters: 32,
    pcaRows: 60_000,
    pcaFits: 3,
    pcaWarmup: true,
    kernel: { runs: 3, cells: 30 },
  };
}

/** A smoke test of the whole harness (for tests): small matrices and batches, 1 warm-up and 2 timed steps. Its figures mean nothing. */
export function quickPlan(): Plan {
  return {
    quick: true,
    matmulSize: 128,
    matmul: { warmup: 1, steps: 2, budgetSeconds: 1, minSteps: 2, maxStepSeconds: 10 },
    training: { warmup: 1, steps: 2, budgetSeconds: 1, minSteps: 2, maxStepSeconds: 10 },
    batch: { autoencoder: 16, vae: 16, gan: 4 },
    ganFilters: 8,
    pcaRows: 1_000,
    pcaFits: 1,
    pcaWarmup: false,
    kernel: { runs: 1, cells: 3 },
  };
}

/**
 * The plan for one backend. The pure-JavaScript cpu backend is two to three orders of magnitude slower: one warm-up
 * step, at least two timed steps (then the time budget), one PCA fit, and maxStepSeconds, which ends a measurement
 * whose warm-up step alone is longer (the convolutional GANs), keep it to minutes. The JSON says how many steps ran.
 */
export function planFor(plan: Plan, backend: string): Plan {
  if (backend !== "cpu" || plan.quick) return plan;
  return {
    ...plan,
    matmul: { ...plan.matmul, warmup: 1, minSteps: 2 },
    training: { ...plan.training, warmup: 1, minSteps: 2 },
    pcaFits: 1,
  };
}

/** What the table calls each measurement (with the sizes the plan uses), and in what unit. */
export function describeMeasurement(id: MeasurementId, plan: Plan): { label: string; unit: string; higherIsBetter: boolean } {
  const n = plan.matmulSize;
  const rows = plan.pcaRows.toLocaleString("en");
  switch (id) {
    case "matmul":
      return { label: `matMul ${n}×${n} float32`, unit: "GFLOP/s", higherIsBetter: true };
    case "autoencoder":
      return { label: `Hinton AE 784-1000-500-250-30 ELU, batch ${plan.batch.autoencoder}`, unit: "samples/s", higherIsBetter: true };
    case "vae":
      return { label: `MLP VAE 784-500-500-50 tanh, batch ${plan.batch.vae}`, unit: "samples/s", higherIsBetter: true };
    case "dcgan":
      return { label: `DCGAN step (D then G), f = ${plan.ganFilters}, batch ${plan.batch.gan}`, unit: "steps/s", higherIsBetter: true };
    case "cgan":
      return { label: `conditional DCGAN step, f = ${plan.ganFilters}, batch ${plan.batch.gan}`, unit: "steps/s", higherIsBetter: true };
    case "pca":
      return { label: `PCA fit, ${rows}×784 MNIST`, unit: "s", higherIsBetter: false };
    case "kernelStartup":
      return { label: "kernel start-up (to first 1+1)", unit: "s", higherIsBetter: false };
    case "kernelCell":
      return { label: "kernel per cell (1+1, median)", unit: "ms", higherIsBetter: false };
    case "peakMemory":
      return { label: "peak memory (max RSS)", unit: "MiB", higherIsBetter: false };
  }
}
