// Timing helpers and the shape of one measurement, as the children, the PyTorch script and the table share it.
import type { MeasurementId, StepPlan } from "./plan";

/** Per-step (or per-repetition) wall times of the timed steps, after the warm-up. */
export interface Timing {
  warmup: number;
  /** The timed steps that ran (fewer than planned when the time budget ran out; 0 when a warm-up step was too long). */
  steps: number;
  /** Seconds per timed step, in order. */
  seconds: number[];
  medianSeconds: number;
  meanSeconds: number;
  minSeconds: number;
  maxSeconds: number;
  /** The warm-up steps' seconds (the first includes building the optimizer's slots and the backend's kernels). */
  warmupSeconds: number[];
  /** Set when the figures come from the last warm-up step, because it took longer than maxStepSeconds. */
  note?: string;
}

export interface Measurement {
  id: MeasurementId;
  label: string;
  unit: string;
  higherIsBetter: boolean;
  /** The headline figure, from the median step time (or the median fit, or the one figure measured). */
  value?: number;
  /** The same figure from the mean step time. */
  meanValue?: number;
  timing?: Timing;
  /** Sizes, settings and whatever else says what exactly was timed. */
  details?: Record<string, unknown>;
  /** Why there is no figure (the backend cannot run it, it failed, or it was not selected). */
  skipped?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The statistics of the timed steps; with `cut` (a warm-up step over maxStepSeconds, no timed step), of the last warm-up step. */
export function timingOf(warmupSeconds: number[], seconds: number[], cut = false): Timing {
  const measured = seconds.length > 0 ? seconds : warmupSeconds.slice(-1);
  const last = warmupSeconds[warmupSeconds.length - 1];
  return {
    warmup: warmupSeconds.length,
    steps: seconds.length,
    seconds: seconds.map((s) => round(s, 6)),
    medianSeconds: round(median(measured), 6),
    meanSeconds: round(mean(measured), 6),
    minSeconds: round(Math.min(...measured), 6),
    maxSeconds: round(Math.max(...measured), 6),
    warmupSeconds: warmupSeconds.map((s) => round(s, 6)),
    ...(cut && { note: `stopped after warm-up step ${warmupSeconds.length} (${round(last, 1)} s, over maxStepSeconds): the figures are that one step's` }),
  };
}

export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Rounds to `significant` significant digits (for throughputs, which span 0.01 to 100,000). */
export function significant(value: number, significantDigits = 4): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(significantDigits));
}

/**
 * Times a synchronous (or async) operation repeatedly: `plan.warmup` untimed runs, then up to `plan.steps` timed
 * ones, stopping early once at least `plan.minSteps` ran and `plan.budgetSeconds` have passed (or after a warm-up run
 * longer than `plan.maxStepSeconds`).
 */
export async function timeRepeated(plan: StepPlan, run: () => void | Promise<void>): Promise<Timing> {
  const warmup: number[] = [];
  for (let i = 0; i < plan.warmup; i++) {
    const started = performance.now();
    await run();
    warmup.push((performance.now() - started) / 1000);
    if (warmup[i] > plan.maxStepSeconds) return timingOf(warmup, [], true);
  }
  const seconds: number[] = [];
  const budgetStarted = performance.now();
  while (seconds.length < plan.steps) {
    const started = performance.now();
    await run();
    const now = performance.now();
    seconds.push((now - started) / 1000);
    if (seconds.length >= plan.minSteps && now - budgetStarted > plan.budgetSeconds * 1000) break;
  }
  return timingOf(warmup, seconds);
}

/** What timeTrainingSteps hands to a trainer: train for `epochs` epochs of one step each, calling afterEpoch after each. */
export interface StepHooks {
  epochs: number;
  afterEpoch: () => void;
  signal: AbortSignal;
}

/**
 * Times the steps of one of the library's trainers (trainAutoencoder, trainVae, trainGan) as students call it. The
 * trainer gets exactly one batch of rows, so that each epoch is one step, and its afterEpoch callback (public API)
 * marks the end of every step: a step takes from the previous mark (for the first, the call) to its own. The step
 * includes all a student's step does: the batch gathered from the rows, the forward and backward passes, Adam's update,
 * reading the loss back, the training loop's bookkeeping. The time budget stops the trainer through its signal (public
 * API too), between steps.
 */
export async function timeTrainingSteps(plan: StepPlan, train: (hooks: StepHooks) => Promise<unknown>): Promise<Timing> {
  if (plan.warmup < 1) throw new Error("timeTrainingSteps: at least one warm-up step is needed (the first step also builds the optimizer)");
  const controller = new AbortController();
  const marks = [performance.now()];
  let cut = false;
  await train({
    epochs: plan.warmup + plan.steps,
    afterEpoch: () => {
      const now = performance.now();
      marks.push(now);
      const done = marks.length - 1;
      if (done <= plan.warmup) {
        if (now - marks[done - 1] > plan.maxStepSeconds * 1000) {
          cut = true;
          controller.abort();
        }
      } else if (done - plan.warmup >= plan.minSteps && now - marks[plan.warmup] > plan.budgetSeconds * 1000) {
        controller.abort();
      }
    },
    signal: controller.signal,
  });
  const intervals = marks.slice(1).map((mark, i) => (mark - marks[i]) / 1000);
  if (intervals.length === 0) throw new Error("the trainer ran no step");
  if (!cut && intervals.length <= plan.warmup) throw new Error(`the trainer ran ${intervals.length} steps, no more than the ${plan.warmup} warm-up steps`);
  return timingOf(intervals.slice(0, plan.warmup), intervals.slice(plan.warmup), cut);
}
