import { openDisplay, DisplayHandle, kernelAvailable, MimeBundle } from "./bundle";
import { escapeHtml } from "./escape";

export interface ProgressOptions {
  /** Batches (steps) over the whole run. */
  total: number;
  label?: string;
  /** Batch size, for samples/s; without it the rate is in steps/s. */
  samplesPerStep?: number;
  /** Updates closer together than this are skipped (the first and `done` always show). Default 250. */
  minIntervalMs?: number;
  /** Milliseconds; injectable for tests. Default Date.now. */
  now?: () => number;
  /** Plain-text output instead of a notebook display (default: process.stdout outside a kernel). */
  stream?: ProgressStream;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressStats {
  epoch?: number;
  epochs?: number;
  batch?: number;
  batches?: number;
  /** Steps done so far, over the whole run. */
  step: number;
  loss?: number;
  [metric: string]: number | undefined;
}

/** Notebook: one output updated in place. Terminal: one line rewritten. Log file: a line every 10 s. */
type Output = "kernel" | "tty" | "log";

const LOG_INTERVAL_MS = 10_000;
const LAYOUT_KEYS = new Set(["epoch", "epochs", "batch", "batches", "step", "loss"]);

/** A one-line training progress display that updates in place. */
export class Progress {
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private readonly output: Output;
  private readonly stream: ProgressStream;
  private readonly startedAt: number;
  private lastRenderAt?: number;
  private lastLogAt?: number;
  private lastStats?: ProgressStats;
  private handle?: DisplayHandle;
  private finished = false;
  private lastLine = "";

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.minIntervalMs = options.minIntervalMs ?? 250;
    this.stream = options.stream ?? process.stdout;
    this.output = chooseOutput(options.stream);
    this.startedAt = this.now();
  }

  /** The last line shown. */
  get line(): string {
    return this.lastLine;
  }

  update(stats: ProgressStats): void {
    if (this.finished) return;
    this.lastStats = stats;
    const now = this.now();
    if (this.lastRenderAt !== undefined && now - this.lastRenderAt < this.minIntervalMs) return;
    this.lastRenderAt = now;
    this.render(this.formatLine(stats, now - this.startedAt), stats.step, false);
  }

  /** Shows the final line; `summary` (e.g. validation loss) overrides the last metrics. */
  done(summary: Record<string, number> = {}): void {
    if (this.finished) return;
    this.finished = true;
    const step = this.lastStats?.step ?? this.options.total;
    const stats: ProgressStats = { ...this.lastStats, ...summary, step };
    this.render(this.formatFinalLine(stats, this.now() - this.startedAt), step, true);
  }

  /** The in-progress line for `stats` after `elapsedMs`; the rate is the average since the start. */
  formatLine(stats: ProgressStats, elapsedMs: number): string {
    const stepsPerSecond = elapsedMs > 0 ? (stats.step * 1000) / elapsedMs : undefined;
    const remaining = Math.max(0, this.options.total - stats.step);
    const eta = stepsPerSecond ? (remaining / stepsPerSecond) * 1000 : undefined;
    return [
      ...this.position(stats),
      ...metricParts(stats),
      ...this.rateParts(stepsPerSecond),
      ...(eta === undefined ? [] : [`ETA ${formatDuration(eta)}`]),
      `elapsed ${formatDuration(elapsedMs)}`,
    ].join(" | ");
  }

  private formatFinalLine(stats: ProgressStats, elapsedMs: number): string {
    const stepsPerSecond = elapsedMs > 0 ? (stats.step * 1000) / elapsedMs : undefined;
    return [
      ...(this.options.label ? [this.options.label] : []),
      "done",
      ...stepParts(stats),
      ...metricParts(stats),
      ...this.rateParts(stepsPerSecond),
      `elapsed ${formatDuration(elapsedMs)}`,
    ].join(" | ");
  }

  private position(stats: ProgressStats): string[] {
    const percent = this.options.total > 0 ? Math.floor((100 * stats.step) / this.options.total) : 0;
    return [...(this.options.label ? [this.options.label] : []), `${percent}%`, ...stepParts(stats, this.options.total)];
  }

  private rateParts(stepsPerSecond: number | undefined): string[] {
    if (stepsPerSecond === undefined) return [];
    const { samplesPerStep } = this.options;
    if (samplesPerStep === undefined) return [`${formatRate(stepsPerSecond)} steps/s`];
    return [`${formatRate(stepsPerSecond * samplesPerStep)} samples/s`];
  }

  private render(line: string, step: number, final: boolean): void {
    this.lastLine = line;
    switch (this.output) {
      case "kernel":
        return this.publish(line, step);
      case "tty":
        // \x1b[K clears what is left of a longer previous line.
        this.stream.write(`\r${line}\x1b[K${final ? "\n" : ""}`);
        return;
      case "log":
        return this.log(line, final);
    }
  }

  private publish(line: string, step: number): void {
    const bundle: MimeBundle = { "text/plain": line, "text/html": progressHtml(line, step, this.options.total) };
    if (this.handle) this.handle.update(bundle);
    else this.handle = openDisplay(bundle);
  }

  /** Non-interactive output (CI logs, files): no \r, and not a line per batch. */
  private log(line: string, final: boolean): void {
    const now = this.now();
    if (!final && this.lastLogAt !== undefined && now - this.lastLogAt < LOG_INTERVAL_MS) return;
    this.lastLogAt = now;
    this.stream.write(line + "\n");
  }
}

function chooseOutput(stream: ProgressStream | undefined): Output {
  if (stream) return stream.isTTY ? "tty" : "log";
  if (kernelAvailable()) return "kernel";
  return process.stdout.isTTY ? "tty" : "log";
}

function stepParts(stats: ProgressStats, total?: number): string[] {
  const parts: string[] = [];
  if (stats.epoch !== undefined) parts.push(`epoch ${ofTotal(stats.epoch, stats.epochs)}`);
  if (stats.batch !== undefined) parts.push(`batch ${ofTotal(stats.batch, stats.batches)}`);
  // Without epochs or batches the overall step is the only position there is.
  if (parts.length === 0) parts.push(`step ${ofTotal(stats.step, total)}`);
  return parts;
}

function ofTotal(value: number, total: number | undefined): string {
  return total === undefined ? `${value}` : `${value}/${total}`;
}

/** Loss first, then the other metrics in the caller's order. */
function metricParts(stats: ProgressStats): string[] {
  const parts = stats.loss === undefined ? [] : [`loss ${formatMetric(stats.loss)}`];
  for (const [name, value] of Object.entries(stats)) {
    if (!LAYOUT_KEYS.has(name) && value !== undefined) parts.push(`${name} ${formatMetric(value)}`);
  }
  return parts;
}

/** 4 significant digits. */
export function formatMetric(value: number): string {
  return Number.isFinite(value) ? value.toPrecision(4) : String(value);
}

function formatRate(perSecond: number): string {
  return perSecond >= 100 ? `${Math.round(perSecond)}` : perSecond.toPrecision(3);
}

/** "3.2s", "45s", "1m 30s", "2h 05m". */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const wholeSeconds = Math.floor(seconds);
  if (wholeSeconds < 60) return `${wholeSeconds}s`;
  if (wholeSeconds < 3600) return `${Math.floor(wholeSeconds / 60)}m ${pad2(wholeSeconds % 60)}s`;
  const minutes = Math.floor(wholeSeconds / 60);
  return `${Math.floor(minutes / 60)}h ${pad2(minutes % 60)}m`;
}

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

function progressHtml(line: string, step: number, total: number): string {
  const bar = `<progress value="${Math.min(step, total)}" max="${total}" style="width:12em;vertical-align:middle"></progress>`;
  return `<div style="font-family:monospace">${bar} ${escapeHtml(line)}</div>`;
}

